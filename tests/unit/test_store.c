/* test_store.c: the store interface on SQLite, and on PostgreSQL when DEMINE_TEST_PG is set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "demine/store.h"
#include "store_impl.h" /* the statement cache's count */

static int ok(int rc, struct dm_error *err)
{
	if (rc < 0)
		fprintf(stderr, "  error %d: %s\n", rc, err->message);
	dm_error_release(err);
	return rc >= 0;
}

static int contains_ci(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

static int64_t count(struct dm_store *st, const char *sql)
{
	struct dm_error err;
	int64_t n = -1;
	dm_error_init(&err);
	if (dm_store_query_int(st, sql, NULL, &n, &err))
		fprintf(stderr, "  count: %s\n", err.message);
	dm_error_release(&err);
	return n;
}

/* ---- backend-specific setup ---- */

static void test_open_rules_sqlite(const char *dir)
{
	char path[512], msg[1024];
	struct dm_store *st = NULL;
	struct dm_error err;
	int rc;
	dm_error_init(&err);
	snprintf(path, sizeof(path), "%s/rules.db", dir);
	rc = dm_store_open(path, 0, &st, &err);
	CHECK_INT(rc, DM_ENOTFOUND);
	CHECK(st == NULL);
	snprintf(msg, sizeof(msg), "database '%s' does not exist (create it with demine init)", path);
	CHECK_STR(err.message, msg);
	dm_error_release(&err);

	rc = dm_store_open(path, 1, &st, &err);
	CHECK(ok(rc, &err));
	CHECK_INT(dm_store_dialect(st), DM_DIALECT_SQLITE);
	CHECK_STR(dm_store_uri(st), path);
	CHECK_STR(dm_store_type_blob(st), "BLOB");
	CHECK_STR(dm_store_collate_binary(st), "");
	dm_store_close(st);
	st = NULL;

	rc = dm_store_open(path, 1, &st, &err);
	CHECK_INT(rc, DM_EEXIST);
	snprintf(msg, sizeof(msg), "database '%s' already exists (use --force to replace it)", path);
	CHECK_STR(err.message, msg);
	dm_error_release(&err);

	rc = dm_store_open(path, 0, &st, &err);
	CHECK(ok(rc, &err));
	{
		struct dm_stmt *s = NULL;
		CHECK(ok(dm_stmt_prepare(st, "PRAGMA journal_mode", &s, &err), &err));
		CHECK_INT(dm_stmt_step(s, &err), 1);
		CHECK_STR(dm_stmt_column_text(s, 0), "wal");
		dm_stmt_finalize(s);
	}
	CHECK_INT(count(st, "PRAGMA foreign_keys"), 1);
	CHECK_INT(count(st, "PRAGMA synchronous"), 2); /* FULL */
	dm_store_close(st);

	/* --force: the file and its WAL go, then the database can be created afresh, empty */
	{
		char wal[600];
		rc = dm_store_open(path, 0, &st, &err);
		CHECK(ok(rc, &err));
		if (st) {
			CHECK(ok(dm_store_exec(st, "CREATE TABLE old(a INTEGER); INSERT INTO old VALUES (1)", &err), &err));
			snprintf(wal, sizeof(wal), "%s-wal", path);
			CHECK(access(wal, F_OK) == 0); /* still open: the WAL is there */
			CHECK(ok(dm_store_remove(path, &err), &err));
			CHECK(access(path, F_OK) != 0 && access(wal, F_OK) != 0);
			dm_store_close(st);
		}
		CHECK(ok(dm_store_remove(path, &err), &err)); /* nothing left to remove is fine */
		st = NULL;
		CHECK(ok(dm_store_open(path, 1, &st, &err), &err));
		if (st) {
			CHECK_INT(count(st, "SELECT count(*) FROM sqlite_master WHERE name = 'old'"), 0);
			dm_store_close(st);
		}
		CHECK_INT(dm_store_remove("postgresql://localhost/x", &err), DM_EUSAGE);
		dm_error_release(&err);
		/* creating in a folder that does not exist */
		snprintf(wal, sizeof(wal), "%s/no/such/dir.db", dir);
		st = NULL;
		CHECK_INT(dm_store_open(wal, 1, &st, &err), DM_EIO);
		CHECK_MSG(contains_ci(err.message, "cannot create database"), "%s", err.message);
		dm_error_release(&err);
	}

	/* a file that is not a database */
	snprintf(path, sizeof(path), "%s/not-a-db.db", dir);
	{
		FILE *f = fopen(path, "w");
		if (f) {
			fputs("this is not an sqlite database, just some text that is long enough....", f);
			for (int i = 0; i < 100; i++)
				fputs("0123456789", f);
			fclose(f);
		}
	}
	st = NULL;
	rc = dm_store_open(path, 0, &st, &err);
	CHECK_INT(rc, DM_EIO);
	CHECK(st == NULL);
	CHECK_MSG(contains_ci(err.message, "not a database"), "%s", err.message);
	dm_error_release(&err);
}

static void test_open_rules_pg(const char *uri)
{
	struct dm_store *st = NULL;
	struct dm_error err;
	int rc;
	dm_error_init(&err);
	rc = dm_store_open(uri, 0, &st, &err);
	CHECK(ok(rc, &err));
	if (!st)
		return;
	CHECK_INT(dm_store_dialect(st), DM_DIALECT_POSTGRES);
	CHECK_STR(dm_store_type_blob(st), "BYTEA");
	CHECK_STR(dm_store_collate_binary(st), " COLLATE \"C\"");
	CHECK(ok(dm_store_exec(st, "DROP TABLE IF EXISTS schema_migrations; DROP TABLE IF EXISTS item;"
				   "DROP TABLE IF EXISTS parent CASCADE; DROP TABLE IF EXISTS child;", &err), &err));
	CHECK(ok(dm_store_exec(st, "CREATE TABLE schema_migrations(version INTEGER)", &err), &err));
	{
		struct dm_store *st2 = NULL;
		rc = dm_store_open(uri, 1, &st2, &err);
		CHECK_INT(rc, DM_EEXIST);
		CHECK_STR(err.message, "database already holds a demine schema");
		CHECK(st2 == NULL);
		dm_error_release(&err);
	}
	CHECK(ok(dm_store_exec(st, "DROP TABLE schema_migrations", &err), &err));
	dm_store_close(st);

	/* unreachable server: a clear error, no crash */
	st = NULL;
	rc = dm_store_open("postgresql://127.0.0.1:1/nothing?connect_timeout=2", 0, &st, &err);
	CHECK_INT(rc, DM_EIO);
	CHECK(st == NULL);
	CHECK_MSG(contains_ci(err.message, "cannot connect"), "%s", err.message);
	dm_error_release(&err);
}

/* ---- the common body ---- */

static void test_types(struct dm_store *st)
{
	struct dm_error err;
	struct dm_stmt *s = NULL;
	unsigned char blob[256];
	const char *utf8 = "Ağdam — Füzuli's \"road\" 'x' ? Шуша \\ %s";
	char ddl[512];
	dm_error_init(&err);
	for (int i = 0; i < 256; i++)
		blob[i] = (unsigned char)(255 - i); /* includes 0 and every byte value */

	snprintf(ddl, sizeof(ddl),
		 "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, qty BIGINT, "
		 "area DOUBLE PRECISION, data %s, note TEXT);"
		 "CREATE INDEX item_qty ON item(qty);",
		 dm_store_type_blob(st));
	CHECK(ok(dm_store_exec(st, ddl, &err), &err));

	CHECK(ok(dm_stmt_prepare(st, "INSERT INTO item(id, name, qty, area, data, note) VALUES (?, ?, ?, ?, ?, ?)", &s,
				 &err), &err));
	if (!s)
		return;
	dm_stmt_bind_int(s, 1, 1);
	dm_stmt_bind_text(s, 2, utf8);
	dm_stmt_bind_int(s, 3, INT64_C(9007199254740993));
	dm_stmt_bind_real(s, 4, 3.25);
	dm_stmt_bind_blob(s, 5, blob, sizeof(blob));
	dm_stmt_bind_null(s, 6);
	CHECK_INT(dm_stmt_step(s, &err), 0);
	CHECK_INT(dm_stmt_changes(s), 1);
	CHECK(ok(dm_stmt_reset(s), &err));
	dm_stmt_bind_int(s, 1, 2);
	dm_stmt_bind_text(s, 2, "second");
	dm_stmt_bind_int(s, 3, -5);
	dm_stmt_bind_real(s, 4, 0.1);
	dm_stmt_bind_blob(s, 5, "", 0);
	dm_stmt_bind_text(s, 6, NULL);
	CHECK_INT(dm_stmt_step(s, &err), 0);
	dm_stmt_finalize(s);

	s = NULL;
	CHECK(ok(dm_stmt_prepare(st, "SELECT id, name, qty, area, data, note FROM item WHERE id = ?", &s, &err), &err));
	if (!s)
		return;
	dm_stmt_bind_int(s, 1, 1);
	CHECK_INT(dm_stmt_step(s, &err), 1);
	CHECK_INT(dm_stmt_column_count(s), 6);
	CHECK_STR(dm_stmt_column_name(s, 0), "id");
	CHECK_STR(dm_stmt_column_name(s, 4), "data");
	CHECK_INT(dm_stmt_column_type(s, 0), DM_COL_INT);
	CHECK_INT(dm_stmt_column_type(s, 1), DM_COL_TEXT);
	CHECK_INT(dm_stmt_column_type(s, 2), DM_COL_INT);
	CHECK_INT(dm_stmt_column_type(s, 3), DM_COL_REAL);
	CHECK_INT(dm_stmt_column_type(s, 4), DM_COL_BLOB);
	CHECK_INT(dm_stmt_column_type(s, 5), DM_COL_NULL);
	CHECK_INT(dm_stmt_column_int(s, 0), 1);
	CHECK_STR(dm_stmt_column_text(s, 1), utf8);
	CHECK_INT(dm_stmt_column_int(s, 2), INT64_C(9007199254740993));
	CHECK(dm_stmt_column_real(s, 3) == 3.25);
	{
		size_t n = 0;
		const void *p = dm_stmt_column_blob(s, 4, &n);
		CHECK_INT(n, sizeof(blob));
		CHECK(p && memcmp(p, blob, sizeof(blob)) == 0);
	}
	CHECK(dm_stmt_column_text(s, 5) == NULL);
	CHECK_INT(dm_stmt_step(s, &err), 0);

	CHECK(ok(dm_stmt_reset(s), &err));
	dm_stmt_bind_int(s, 1, 2);
	CHECK_INT(dm_stmt_step(s, &err), 1);
	CHECK_STR(dm_stmt_column_text(s, 1), "second");
	CHECK_INT(dm_stmt_column_int(s, 2), -5);
	CHECK(dm_stmt_column_real(s, 3) == 0.1);
	{
		size_t n = 99;
		dm_stmt_column_blob(s, 4, &n);
		CHECK_INT(n, 0);
	}
	CHECK_INT(dm_stmt_column_type(s, 5), DM_COL_NULL);
	dm_stmt_finalize(s);

	/* a '?' inside a literal is not a placeholder; the quote-doubling escape is honoured */
	s = NULL;
	CHECK(ok(dm_stmt_prepare(st, "SELECT 'it''s ?' AS \"a?b\", ? AS x, name FROM item WHERE name = ?", &s, &err), &err));
	if (s) {
		dm_stmt_bind_text(s, 1, "bound");
		dm_stmt_bind_text(s, 2, "second");
		CHECK_INT(dm_stmt_step(s, &err), 1);
		CHECK_STR(dm_stmt_column_text(s, 0), "it's ?");
		CHECK_STR(dm_stmt_column_name(s, 0), "a?b");
		CHECK_STR(dm_stmt_column_text(s, 1), "bound");
		CHECK_STR(dm_stmt_column_text(s, 2), "second");
		CHECK_INT(dm_stmt_step(s, &err), 0);
		dm_stmt_finalize(s);
	}

	/* text equality is byte equality, ordering is byte order on both stores */
	{
		char sql[256];
		s = NULL;
		CHECK(ok(dm_store_exec(st, "INSERT INTO item(id, name) VALUES (3, 'a'), (4, 'B'), (5, 'b'), (6, 'Z')",
				       &err), &err));
		snprintf(sql, sizeof(sql), "SELECT name FROM item WHERE id >= 3 ORDER BY name%s",
			 dm_store_collate_binary(st));
		CHECK(ok(dm_stmt_prepare(st, sql, &s, &err), &err));
		if (s) {
			char got[64] = "";
			while (dm_stmt_step(s, &err) == 1) {
				size_t l = strlen(got);
				snprintf(got + l, sizeof(got) - l, "%s,", dm_stmt_column_text(s, 0));
			}
			CHECK_STR(got, "B,Z,a,b,");
			dm_stmt_finalize(s);
		}
		CHECK(ok(dm_store_exec(st, "DELETE FROM item WHERE id >= 3", &err), &err));
	}

	/* changes() of an UPDATE touching two rows */
	s = NULL;
	CHECK(ok(dm_stmt_prepare(st, "UPDATE item SET qty = qty + 1 WHERE id IN (1, 2)", &s, &err), &err));
	if (s) {
		CHECK_INT(dm_stmt_step(s, &err), 0);
		CHECK_INT(dm_stmt_changes(s), 2);
		dm_stmt_finalize(s);
	}
	CHECK_INT(count(st, "SELECT qty FROM item WHERE id = 2"), -4);
	{
		int64_t v = 0;
		CHECK(ok(dm_store_query_int(st, "SELECT count(*) FROM item WHERE name = ?", "second", &v, &err), &err));
		CHECK_INT(v, 1);
		v = 77;
		CHECK(ok(dm_store_query_int(st, "SELECT id FROM item WHERE name = ?", "nobody", &v, &err), &err));
		CHECK_INT(v, 77); /* untouched when no row */
	}
	dm_error_release(&err);
}

static void test_cache(struct dm_store *st)
{
	struct dm_error err;
	struct dm_stmt *a = NULL, *b = NULL, *c = NULL;
	const char *sql = "SELECT CAST(? AS INTEGER) IS NULL";
	dm_error_init(&err);
	CHECK(ok(dm_stmt_prepare(st, sql, &a, &err), &err));
	if (!a)
		return;
	dm_stmt_bind_int(a, 1, 5);
	CHECK_INT(dm_stmt_step(a, &err), 1);
	CHECK_INT(dm_stmt_column_int(a, 0), 0);
	/* a statement in use is not handed out twice */
	CHECK(ok(dm_stmt_prepare(st, sql, &b, &err), &err));
	CHECK(b && b != a);
	dm_stmt_finalize(a);
	CHECK(ok(dm_stmt_prepare(st, sql, &c, &err), &err));
	CHECK(c == a); /* the idle one comes back from the cache ... */
	if (c) {
		CHECK_INT(dm_stmt_step(c, &err), 1);
		CHECK_INT(dm_stmt_column_int(c, 0), 1); /* ... with its bindings cleared */
		dm_stmt_finalize(c);
	}
	dm_stmt_finalize(b);
	/* many distinct statements: the cache evicts down to its limit, everything still works,
	 * and the most recent statement is the one kept */
	struct dm_stmt *last = NULL;
	int wrong = 0;
	for (int i = 0; i < 200; i++) {
		char q[64];
		struct dm_stmt *s = NULL;
		snprintf(q, sizeof(q), "SELECT %d + ?", i);
		if (!ok(dm_stmt_prepare(st, q, &s, &err), &err)) {
			wrong++;
			break;
		}
		dm_stmt_bind_int(s, 1, 1);
		if (dm_stmt_step(s, &err) != 1 || dm_stmt_column_int(s, 0) != i + 1)
			wrong++;
		last = s;
		dm_stmt_finalize(s);
		if (st->ncached > DM_STORE_CACHE_MAX)
			wrong++;
	}
	CHECK_INT(wrong, 0);
	CHECK_INT(st->ncached, DM_STORE_CACHE_MAX);
	{
		struct dm_stmt *again = NULL;
		CHECK(ok(dm_stmt_prepare(st, "SELECT 199 + ?", &again, &err), &err));
		CHECK(again == last);
		CHECK_INT(st->ncached, DM_STORE_CACHE_MAX - 1); /* in use, out of the cache */
		dm_stmt_finalize(again);
	}
	/* statements cached inside a transaction that rolls back stay usable */
	CHECK(ok(dm_store_begin(st, &err), &err));
	a = NULL;
	CHECK(ok(dm_stmt_prepare(st, "SELECT count(*) FROM item WHERE qty > ?", &a, &err), &err));
	if (a) {
		dm_stmt_bind_int(a, 1, -100);
		CHECK_INT(dm_stmt_step(a, &err), 1);
		dm_stmt_finalize(a);
	}
	dm_store_rollback(st);
	a = NULL;
	CHECK(ok(dm_stmt_prepare(st, "SELECT count(*) FROM item WHERE qty > ?", &a, &err), &err));
	if (a) {
		dm_stmt_bind_int(a, 1, -100);
		CHECK_INT(dm_stmt_step(a, &err), 1);
		CHECK_INT(dm_stmt_column_int(a, 0), 2);
		dm_stmt_finalize(a);
	}
	/* a cached "SELECT *" follows a table that gained a column */
	a = NULL;
	CHECK(ok(dm_stmt_prepare(st, "SELECT * FROM item WHERE id = ?", &a, &err), &err));
	if (a) {
		dm_stmt_bind_int(a, 1, 1);
		CHECK_INT(dm_stmt_step(a, &err), 1);
		CHECK_INT(dm_stmt_column_count(a), 6);
		dm_stmt_finalize(a);
	}
	CHECK(ok(dm_store_exec(st, "ALTER TABLE item ADD COLUMN extra TEXT", &err), &err));
	a = NULL;
	CHECK(ok(dm_stmt_prepare(st, "SELECT * FROM item WHERE id = ?", &a, &err), &err));
	if (a) {
		CHECK_INT(dm_stmt_column_count(a), 7); /* known before the first step too */
		CHECK_STR(dm_stmt_column_name(a, 6), "extra");
		dm_stmt_bind_int(a, 1, 1);
		CHECK_INT(dm_stmt_step(a, &err), 1);
		CHECK_INT(dm_stmt_column_count(a), 7);
		CHECK_INT(dm_stmt_column_type(a, 6), DM_COL_NULL);
		dm_stmt_finalize(a);
	}
	/* a name ending in e before a literal holding a backslash is no E'' string */
	a = NULL;
	CHECK(ok(dm_stmt_prepare(st, "SELECT count(*) FROM item WHERE name='a\\' OR name=?", &a, &err), &err));
	if (a) {
		dm_stmt_bind_text(a, 1, "second");
		CHECK_INT(dm_stmt_step(a, &err), 1);
		CHECK_INT(dm_stmt_column_int(a, 0), 1);
		dm_stmt_finalize(a);
	}
	/* binding a parameter that does not exist is a bug the step reports */
	a = NULL;
	CHECK(ok(dm_stmt_prepare(st, "SELECT CAST(? AS INTEGER)", &a, &err), &err));
	if (a) {
		dm_stmt_bind_int(a, 2, 1);
		CHECK_INT(dm_stmt_step(a, &err), DM_EUSAGE);
		CHECK_MSG(strstr(err.message, "parameter 2 out of range (the statement has 1)") != NULL, "%s", err.message);
		dm_error_release(&err);
		dm_stmt_finalize(a);
	}
	/* '?' in comments is no placeholder */
	a = NULL;
	CHECK(ok(dm_stmt_prepare(st, "SELECT /* why? */ ? + 1 -- really?\n", &a, &err), &err));
	if (a) {
		dm_stmt_bind_int(a, 1, 41);
		CHECK_INT(dm_stmt_step(a, &err), 1);
		CHECK_INT(dm_stmt_column_int(a, 0), 42);
		dm_stmt_finalize(a);
	}
	/* two statements in one prepare are refused on both stores */
	a = NULL;
	CHECK(dm_stmt_prepare(st, "SELECT 1; SELECT 2", &a, &err) < 0);
	CHECK(a == NULL);
	dm_error_release(&err);
	/* a syntax error names the SQL */
	a = NULL;
	CHECK_INT(dm_stmt_prepare(st, "SELEKT 1", &a, &err), DM_EIO);
	CHECK(a == NULL);
	CHECK_MSG(strstr(err.message, "SELEKT") != NULL, "%s", err.message);
	dm_error_release(&err);
}

static void test_transactions(struct dm_store *st)
{
	struct dm_error err;
	struct dm_stmt *s = NULL;
	dm_error_init(&err);
	CHECK(!dm_store_in_transaction(st));
	/* nested commit */
	CHECK(ok(dm_store_begin(st, &err), &err));
	CHECK(ok(dm_store_begin(st, &err), &err));
	CHECK(dm_store_in_transaction(st));
	CHECK(ok(dm_store_exec(st, "INSERT INTO item(id, name) VALUES (10, 'ten')", &err), &err));
	CHECK(ok(dm_store_commit(st, &err), &err));
	CHECK(dm_store_in_transaction(st));
	CHECK(ok(dm_store_commit(st, &err), &err));
	CHECK(!dm_store_in_transaction(st));
	CHECK_INT(count(st, "SELECT count(*) FROM item WHERE id = 10"), 1);

	/* nested levels are savepoints: an inner rollback undoes only its own writes */
	CHECK(ok(dm_store_begin(st, &err), &err));
	CHECK(ok(dm_store_exec(st, "INSERT INTO item(id, name) VALUES (11, 'eleven')", &err), &err));
	CHECK(ok(dm_store_begin(st, &err), &err));
	CHECK(ok(dm_store_exec(st, "INSERT INTO item(id, name) VALUES (12, 'twelve')", &err), &err));
	dm_store_rollback(st);
	CHECK(dm_store_in_transaction(st));
	CHECK(ok(dm_store_exec(st, "INSERT INTO item(id, name) VALUES (13, 'thirteen')", &err), &err));
	/* a failed statement inside a savepoint does not end the outer transaction (PostgreSQL) */
	CHECK(ok(dm_store_begin(st, &err), &err));
	CHECK_INT(dm_store_exec(st, "INSERT INTO item(id, name) VALUES (13, 'again')", &err), DM_EINVAL);
	dm_error_release(&err);
	dm_store_rollback(st);
	CHECK(ok(dm_store_exec(st, "INSERT INTO item(id, name) VALUES (14, 'fourteen')", &err), &err));
	CHECK(ok(dm_store_commit(st, &err), &err));
	CHECK(!dm_store_in_transaction(st));
	CHECK_INT(count(st, "SELECT count(*) FROM item WHERE id BETWEEN 11 AND 14"), 3);
	CHECK_INT(count(st, "SELECT count(*) FROM item WHERE id = 12"), 0);
	(void)s;

	/* an outer rollback undoes everything, inner levels included */
	CHECK(ok(dm_store_begin(st, &err), &err));
	CHECK(ok(dm_store_begin(st, &err), &err));
	CHECK(ok(dm_store_exec(st, "INSERT INTO item(id, name) VALUES (17, 'seventeen')", &err), &err));
	CHECK(ok(dm_store_commit(st, &err), &err));
	dm_store_rollback(st);
	CHECK(!dm_store_in_transaction(st));
	CHECK_INT(count(st, "SELECT count(*) FROM item WHERE id = 17"), 0);

	/* a plain rollback, then the store works normally again */
	CHECK(ok(dm_store_begin(st, &err), &err));
	CHECK(ok(dm_store_exec(st, "INSERT INTO item(id, name) VALUES (15, 'fifteen')", &err), &err));
	dm_store_rollback(st);
	CHECK(!dm_store_in_transaction(st));
	CHECK_INT(count(st, "SELECT count(*) FROM item WHERE id = 15"), 0);
	CHECK_INT(dm_store_commit(st, &err), DM_EUSAGE);
	dm_error_release(&err);

	/* constraint violations are refused input, with the database's message */
	CHECK_INT(dm_store_exec(st, "INSERT INTO item(id, name) VALUES (16, 'ten')", &err), DM_EINVAL);
	CHECK_MSG(contains_ci(err.message, "unique"), "%s", err.message);
	dm_error_release(&err);
	s = NULL;
	CHECK(ok(dm_stmt_prepare(st, "INSERT INTO item(id, name) VALUES (?, ?)", &s, &err), &err));
	if (s) {
		dm_stmt_bind_int(s, 1, 17);
		dm_stmt_bind_null(s, 2);
		CHECK_INT(dm_stmt_step(s, &err), DM_EINVAL);
		CHECK_MSG(contains_ci(err.message, "not") && contains_ci(err.message, "null"), "%s", err.message);
		dm_error_release(&err);
		dm_stmt_finalize(s);
	}
	/* foreign keys are enforced */
	CHECK(ok(dm_store_exec(st, "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
				   "CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))",
			       &err), &err));
	CHECK_INT(dm_store_exec(st, "INSERT INTO child(id, parent_id) VALUES (1, 42)", &err), DM_EINVAL);
	CHECK_MSG(contains_ci(err.message, "foreign key"), "%s", err.message);
	dm_error_release(&err);
	/* a failed statement inside a transaction, then rollback: the store is usable */
	CHECK(ok(dm_store_begin(st, &err), &err));
	CHECK_INT(dm_store_exec(st, "INSERT INTO item(id, name) VALUES (18, 'ten')", &err), DM_EINVAL);
	dm_error_release(&err);
	dm_store_rollback(st);
	CHECK_INT(count(st, "SELECT count(*) FROM item"), 6);
	dm_error_release(&err);
}

static void test_busy(const char *uri, struct dm_store *a)
{
	struct dm_error err;
	struct dm_store *b = NULL;
	int rc;
	dm_error_init(&err);
	CHECK(ok(dm_store_open(uri, 0, &b, &err), &err));
	if (!b)
		return;
	CHECK(ok(dm_store_set_busy_timeout(b, 200, &err), &err));
	CHECK(ok(dm_store_begin(a, &err), &err));
	CHECK(ok(dm_store_exec(a, "UPDATE item SET qty = 100 WHERE id = 1", &err), &err));
	/* SQLite refuses b's BEGIN IMMEDIATE; PostgreSQL refuses b's UPDATE of the locked row */
	rc = dm_store_begin(b, &err);
	if (rc == 0) {
		rc = dm_store_exec(b, "UPDATE item SET qty = 200 WHERE id = 1", &err);
		dm_store_rollback(b);
	}
	CHECK_INT(rc, DM_EBUSY);
	CHECK_STR(err.message, "database is locked by another writer");
	dm_error_release(&err);
	CHECK(!dm_store_in_transaction(b));
	CHECK(ok(dm_store_commit(a, &err), &err));
	/* once a committed, b writes */
	CHECK(ok(dm_store_begin(b, &err), &err));
	CHECK(ok(dm_store_exec(b, "UPDATE item SET qty = 200 WHERE id = 1", &err), &err));
	CHECK(ok(dm_store_commit(b, &err), &err));
	CHECK_INT(count(a, "SELECT qty FROM item WHERE id = 1"), 200);
	dm_store_close(b);
}

static void test_rtree_and_backup(struct dm_store *st, const char *dir)
{
	struct dm_error err;
	struct dm_stmt *s = NULL;
	struct dm_store *copy = NULL;
	char path[512];
	dm_error_init(&err);
	CHECK(ok(dm_store_exec(st, "CREATE VIRTUAL TABLE t USING rtree(id, minx, maxx, miny, maxy)", &err), &err));
	CHECK(ok(dm_stmt_prepare(st, "INSERT INTO t VALUES (?, ?, ?, ?, ?)", &s, &err), &err));
	for (int i = 1; s && i <= 100; i++) {
		dm_stmt_reset(s);
		dm_stmt_bind_int(s, 1, i);
		dm_stmt_bind_real(s, 2, 46.0 + i * 0.01);
		dm_stmt_bind_real(s, 3, 46.0 + i * 0.01 + 0.005);
		dm_stmt_bind_real(s, 4, 39.0);
		dm_stmt_bind_real(s, 5, 39.5);
		CHECK_INT(dm_stmt_step(s, &err), 0);
	}
	dm_stmt_finalize(s);
	CHECK_INT(count(st, "SELECT count(*) FROM t WHERE maxx >= 46.1 AND minx <= 46.2 AND maxy >= 39.1 AND miny <= 39.2"),
		  11);

	snprintf(path, sizeof(path), "%s/backup.db", dir);
	CHECK(ok(dm_store_backup(st, path, &err), &err));
	CHECK_INT(dm_store_backup(st, path, &err), DM_EEXIST);
	dm_error_release(&err);
	CHECK(ok(dm_store_open(path, 0, &copy, &err), &err));
	if (copy) {
		CHECK_INT(count(copy, "SELECT count(*) FROM item"), 6);
		CHECK_INT(count(copy, "SELECT count(*) FROM t WHERE minx > 46.5"), 50);
		CHECK_INT(count(copy, "SELECT qty FROM item WHERE id = 1"), 200);
		dm_store_close(copy);
	}
}

/* A query streamed (dm_stmt_stream) gives every row, several pages of them on PostgreSQL, with
 * other statements run on the connection between its steps, inside a transaction and outside,
 * and a statement finalized half way leaves the connection fit for use. */
static int64_t stream_sum(struct dm_store *st, int *rows, int interleave, int stop_after)
{
	struct dm_error err;
	struct dm_stmt *s = NULL;
	int64_t sum = 0;
	int rc;
	dm_error_init(&err);
	*rows = 0;
	if (!ok(dm_stmt_prepare(st, "SELECT n, t FROM big WHERE n > ? ORDER BY n", &s, &err), &err))
		return -1;
	dm_stmt_bind_int(s, 1, 0);
	dm_stmt_stream(s);
	while ((rc = dm_stmt_step(s, &err)) == 1) {
		sum += dm_stmt_column_int(s, 0);
		CHECK_INT(strncmp(dm_stmt_column_text(s, 1), "row ", 4), 0);
		if (++*rows == interleave)
			CHECK_INT(count(st, "SELECT count(*) FROM big WHERE n <= 10"), 10);
		if (*rows == stop_after)
			break;
	}
	CHECK(ok(rc, &err));
	dm_stmt_finalize(s);
	return sum;
}

static void test_stream(struct dm_store *st)
{
	struct dm_error err;
	int rows;
	dm_error_init(&err);
	CHECK(ok(dm_store_exec(st, "CREATE TABLE big (n INTEGER, t TEXT); INSERT INTO big (n, t) WITH RECURSIVE"
			       " c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2537) SELECT n, 'row ' || n FROM c",
			       &err), &err));
	CHECK_INT(stream_sum(st, &rows, 1500, 0), 2537LL * 2538 / 2);
	CHECK_INT(rows, 2537);
	CHECK(ok(dm_store_begin(st, &err), &err));
	CHECK_INT(stream_sum(st, &rows, 1001, 0), 2537LL * 2538 / 2);
	CHECK_INT(rows, 2537);
	CHECK(ok(dm_store_commit(st, &err), &err));
	CHECK_INT(stream_sum(st, &rows, 0, 10), 55); /* stopped early: its cursor is closed */
	CHECK_INT(stream_sum(st, &rows, 0, 0), 2537LL * 2538 / 2);
	CHECK_INT(count(st, "SELECT count(*) FROM big"), 2537);
	CHECK(ok(dm_store_exec(st, "DROP TABLE big", &err), &err));
}

static void run_body(const char *label, const char *uri, const char *dir)
{
	struct dm_error err;
	struct dm_store *st = NULL;
	int pg = dir == NULL;
	dm_error_init(&err);
	if (pg)
		test_open_rules_pg(uri);
	else
		test_open_rules_sqlite(dir);
	CHECK(ok(dm_store_open(uri, 1, &st, &err), &err)); /* PG: create=1 on a database without our schema */
	if (!st) {
		fprintf(stderr, "%s: cannot open %s, skipping the rest\n", label, uri);
		return;
	}
	CHECK(ok(dm_store_exec(st, "CREATE TABLE x(a INTEGER); DROP TABLE x;", &err), &err));
	test_types(st);
	test_cache(st);
	test_transactions(st);
	test_stream(st);
	test_busy(uri, st);
	if (!pg) {
		test_rtree_and_backup(st, dir);
	} else {
		CHECK_INT(dm_store_backup(st, "/tmp/never.db", &err), DM_EUSAGE);
		dm_error_release(&err);
		CHECK(ok(dm_store_exec(st, "DROP TABLE item; DROP TABLE child; DROP TABLE parent;", &err), &err));
	}
	dm_store_close(st);
}

static void rm_rf(const char *dir)
{
	const char *names[] = {"rules.db", "rules.db-wal", "rules.db-shm", "not-a-db.db", "main.db", "main.db-wal",
			       "main.db-shm", "backup.db", "backup.db-wal", "backup.db-shm"};
	char p[512];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int main(void)
{
	char dir[] = "/tmp/demine-test-store-XXXXXX";
	char path[512];
	const char *pg = getenv("DEMINE_TEST_PG");
	int rc;
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/main.db", dir);
	run_body("sqlite", path, dir);
	rm_rf(dir);
	rc = check_report("store");
	if (pg && *pg) {
		check_passed = check_failed = 0;
		run_body("postgres", pg, NULL);
		rc |= check_report("store (postgres)");
	}
	return rc;
}
