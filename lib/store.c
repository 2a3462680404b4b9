/* store.c: the store interface's dispatch: backend choice, transaction nesting, statement cache. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "store_impl.h"

/* Idle prepared statements kept per connection; hot statements of the write path are few. */

static int is_pg_uri(const char *uri)
{
	return strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0;
}

int dm_store_open(const char *uri, int create, struct dm_store **out, struct dm_error *err)
{
	const struct dm_store_ops *ops;
	struct dm_store *st = NULL;
	int rc;
	*out = NULL;
	if (!uri || !*uri)
		return dm_error_set(err, DM_EUSAGE, NULL, "no database given (use --db PATH or DEMINE_DB)");
	ops = is_pg_uri(uri) ? &dm_store_pg_ops : &dm_store_sqlite_ops;
	rc = ops->open(uri, create, &st, err);
	if (rc)
		return rc;
	st->ops = ops;
	st->uri = strdup(uri);
	if (!st->uri) {
		ops->close(st);
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	*out = st;
	return 0;
}

static void cache_unlink(struct dm_store *st, struct dm_stmt *s)
{
	if (s->cache_prev)
		s->cache_prev->cache_next = s->cache_next;
	else
		st->cache_head = s->cache_next;
	if (s->cache_next)
		s->cache_next->cache_prev = s->cache_prev;
	else
		st->cache_tail = s->cache_prev;
	s->cache_prev = s->cache_next = NULL;
	st->ncached--;
}

static void stmt_destroy(struct dm_stmt *s)
{
	char *sql = s->sql;
	s->st->ops->finalize(s);
	free(sql);
}

void dm_store_cache_flush(struct dm_store *st)
{
	while (st->cache_head) {
		struct dm_stmt *s = st->cache_head;
		cache_unlink(st, s);
		stmt_destroy(s);
	}
}

int dm_store_remove(const char *uri, struct dm_error *err)
{
	if (is_pg_uri(uri))
		return dm_error_set(err, DM_EUSAGE, NULL,
				    "a postgresql database is not replaced by demine; drop its tables or use a new database");
	return dm_store_sqlite_remove(uri, err);
}

void dm_store_close(struct dm_store *st)
{
	if (!st)
		return;
	if (st->depth > 0 && !st->aborted)
		st->ops->rollback(st);
	dm_store_cache_flush(st);
	free(st->uri);
	st->ops->close(st);
}

enum dm_dialect dm_store_dialect(const struct dm_store *st)
{
	return st->ops->dialect;
}

const char *dm_store_uri(const struct dm_store *st)
{
	return st->uri;
}

/* ---- transactions ---- */

static int aborted_error(struct dm_error *err)
{
	return dm_error_set(err, DM_EIO, NULL, "transaction was rolled back");
}

int dm_store_begin(struct dm_store *st, struct dm_error *err)
{
	int rc;
	char sql[64];
	if (st->depth > 0) {
		/* Nested: a savepoint, so a caller can undo its own part (one bad record of an
		 * import) and the outer transaction goes on. */
		if (st->aborted)
			return aborted_error(err);
		snprintf(sql, sizeof(sql), "SAVEPOINT dm_sp%d", st->depth);
		rc = dm_store_exec(st, sql, err);
		if (rc)
			return rc;
		st->depth++;
		return 0;
	}
	rc = st->ops->begin(st, err);
	if (rc)
		return rc;
	st->txn_id++;
	st->depth = 1;
	st->aborted = 0;
	return 0;
}

int dm_store_commit(struct dm_store *st, struct dm_error *err)
{
	int rc;
	if (st->depth <= 0)
		return dm_error_set(err, DM_EUSAGE, NULL, "commit without a transaction");
	if (st->aborted) {
		if (--st->depth == 0)
			st->aborted = 0;
		return aborted_error(err);
	}
	if (st->depth > 1) {
		char sql[64];
		snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT dm_sp%d", st->depth - 1);
		st->depth--;
		rc = dm_store_exec(st, sql, err);
		if (rc)
			st->aborted = 1;
		return rc;
	}
	rc = st->ops->commit(st, err);
	if (rc)
		st->ops->rollback(st); /* a failed COMMIT may leave the transaction open */
	st->depth = 0;
	return rc;
}

void dm_store_rollback(struct dm_store *st)
{
	char sql[96];
	struct dm_error e;
	if (st->depth <= 0)
		return;
	st->txn_id++;
	if (st->depth > 1 && !st->aborted) {
		/* undo only the innermost level */
		dm_error_init(&e);
		snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT dm_sp%d; RELEASE SAVEPOINT dm_sp%d", st->depth - 1,
			 st->depth - 1);
		st->depth--;
		if (dm_store_exec(st, sql, &e))
			st->aborted = 1;
		dm_error_release(&e);
		return;
	}
	if (st->depth == 1) {
		st->ops->rollback(st); /* the outermost level always really rolls back */
		st->aborted = 0;
	}
	st->depth--;
}

int dm_store_in_transaction(const struct dm_store *st)
{
	return st->depth > 0;
}

unsigned long dm_store_txn_id(const struct dm_store *st)
{
	return st->txn_id;
}

static int contains_ci(const char *sql, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = sql; *p; p++)
		if (strncasecmp(p, word, n) == 0)
			return 1;
	return 0;
}

int dm_store_exec(struct dm_store *st, const char *sql, struct dm_error *err)
{
	int rc;
	/* After an inner rollback the connection is in autocommit mode: writes of the outer
	 * levels would land outside any transaction, so refuse them. */
	if (st->aborted)
		return aborted_error(err);
	if (!sql) /* a builder's buffer lost its text (dm_buf overflow) */
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory building a statement");
	rc = st->ops->exec(st, sql, err);
	/* Cached statements were compiled against the old table shape: a cached "SELECT *" would
	 * report the old columns (SQLite before its first step) or fail (PostgreSQL: "cached plan
	 * must not change result type"). After DDL start afresh. */
	if (!rc && (contains_ci(sql, "ALTER ") || contains_ci(sql, "DROP ")))
		dm_store_cache_flush(st);
	return rc;
}

int dm_store_set_busy_timeout(struct dm_store *st, int ms, struct dm_error *err)
{
	if (ms < 0)
		return dm_error_set(err, DM_EUSAGE, NULL, "busy timeout %d ms is negative", ms);
	return st->ops->set_busy_timeout(st, ms, err);
}

int dm_store_backup(struct dm_store *st, const char *dest_path, struct dm_error *err)
{
	return st->ops->backup(st, dest_path, err);
}

/* ---- dialect ---- */

const char *dm_store_collate_binary(const struct dm_store *st)
{
	return st->ops->dialect == DM_DIALECT_POSTGRES ? " COLLATE \"C\"" : "";
}

const char *dm_store_type_blob(const struct dm_store *st)
{
	return st->ops->dialect == DM_DIALECT_POSTGRES ? "BYTEA" : "BLOB";
}

const char *dm_store_type_serial_pk(const struct dm_store *st)
{
	return st->ops->dialect == DM_DIALECT_POSTGRES ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
}

/* ---- statements ---- */

int dm_stmt_prepare(struct dm_store *st, const char *sql, struct dm_stmt **out, struct dm_error *err)
{
	struct dm_stmt *s;
	char *key;
	int rc;
	*out = NULL;
	if (!sql) /* a builder's buffer lost its text (dm_buf overflow) */
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory building a statement");
	for (s = st->cache_head; s; s = s->cache_next) {
		if (strcmp(s->sql, sql) == 0) {
			cache_unlink(st, s);
			*out = s;
			return 0;
		}
	}
	key = strdup(sql);
	if (!key)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	rc = st->ops->prepare(st, sql, &s, err);
	if (rc) {
		free(key);
		return rc;
	}
	s->st = st;
	s->sql = key;
	s->cache_prev = s->cache_next = NULL;
	*out = s;
	return 0;
}

/* Returns the statement to the cache (reset, bindings cleared); the least recently used
 * idle statement is really finalized when the cache is full. */
void dm_stmt_finalize(struct dm_stmt *s)
{
	struct dm_store *st;
	if (!s)
		return;
	st = s->st;
	st->ops->reset(s);
	s->cache_prev = NULL;
	s->cache_next = st->cache_head;
	if (st->cache_head)
		st->cache_head->cache_prev = s;
	else
		st->cache_tail = s;
	st->cache_head = s;
	st->ncached++;
	while (st->ncached > DM_STORE_CACHE_MAX && st->cache_tail) {
		struct dm_stmt *old = st->cache_tail;
		cache_unlink(st, old);
		stmt_destroy(old);
	}
}

int dm_stmt_reset(struct dm_stmt *s)
{
	s->st->ops->reset(s);
	return 0;
}

void dm_stmt_bind_null(struct dm_stmt *s, int i)
{
	s->st->ops->bind_null(s, i);
}

void dm_stmt_bind_int(struct dm_stmt *s, int i, int64_t v)
{
	s->st->ops->bind_int(s, i, v);
}

void dm_stmt_bind_real(struct dm_stmt *s, int i, double v)
{
	s->st->ops->bind_real(s, i, v);
}

void dm_stmt_bind_text(struct dm_stmt *s, int i, const char *v)
{
	if (!v)
		s->st->ops->bind_null(s, i);
	else
		s->st->ops->bind_text(s, i, v);
}

void dm_stmt_bind_blob(struct dm_stmt *s, int i, const void *v, size_t n)
{
	if (!v)
		s->st->ops->bind_null(s, i);
	else
		s->st->ops->bind_blob(s, i, v, n);
}

void dm_stmt_stream(struct dm_stmt *s)
{
	if (s && s->st->ops->stream)
		s->st->ops->stream(s);
}

int dm_stmt_step(struct dm_stmt *s, struct dm_error *err)
{
	if (s->st->aborted)
		return aborted_error(err);
	return s->st->ops->step(s, err);
}

int dm_stmt_column_count(struct dm_stmt *s)
{
	return s->st->ops->column_count(s);
}

const char *dm_stmt_column_name(struct dm_stmt *s, int i)
{
	return s->st->ops->column_name(s, i);
}

enum dm_coltype dm_stmt_column_type(struct dm_stmt *s, int i)
{
	return s->st->ops->column_type(s, i);
}

int64_t dm_stmt_column_int(struct dm_stmt *s, int i)
{
	return s->st->ops->column_int(s, i);
}

double dm_stmt_column_real(struct dm_stmt *s, int i)
{
	return s->st->ops->column_real(s, i);
}

const char *dm_stmt_column_text(struct dm_stmt *s, int i)
{
	return s->st->ops->column_text(s, i);
}

const void *dm_stmt_column_blob(struct dm_stmt *s, int i, size_t *n)
{
	return s->st->ops->column_blob(s, i, n);
}

int64_t dm_stmt_changes(struct dm_stmt *s)
{
	return s->st->ops->changes(s);
}

int dm_store_query_int(struct dm_store *st, const char *sql, const char *text_arg, int64_t *out,
		       struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	if (text_arg)
		dm_stmt_bind_text(s, 1, text_arg);
	rc = dm_stmt_step(s, err);
	if (rc == 1) {
		*out = dm_stmt_column_int(s, 0);
		rc = 0;
	}
	dm_stmt_finalize(s);
	return rc;
}

/* ---- what the dialects do differently beyond SQL text ---- */

int dm_store_table_exists(struct dm_store *st, const char *table)
{
	int64_t n = 0;
	struct dm_error e;
	dm_error_init(&e);
	if (dm_store_query_int(st, st->ops->dialect == DM_DIALECT_POSTGRES
					   ? "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
					     " AND tablename = CAST(? AS TEXT)"
					   : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
			       table, &n, &e))
		n = 0;
	dm_error_release(&e);
	return n > 0;
}

int dm_store_check_integrity(struct dm_store *st, int (*fn)(const char *problem, void *arg), void *arg,
			     struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc;
	if (st->ops->dialect != DM_DIALECT_SQLITE)
		return 0;
	rc = dm_stmt_prepare(st, "PRAGMA integrity_check", &s, err);
	while (!rc && (rc = dm_stmt_step(s, err)) == 1) {
		const char *v = dm_stmt_column_text(s, 0);
		rc = v && strcmp(v, "ok") ? fn(v, arg) : 0;
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

int dm_store_follow_serial(struct dm_store *st, const char *table, const char *column, struct dm_error *err)
{
	char sql[300];
	if (st->ops->dialect != DM_DIALECT_POSTGRES)
		return 0; /* SQLite's AUTOINCREMENT follows explicit ids by itself */
	snprintf(sql, sizeof(sql),
		 "SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE(MAX(\"%s\"), 1), MAX(\"%s\") IS NOT NULL)"
		 " FROM \"%s\"",
		 table, column, column, column, table);
	return dm_store_exec(st, sql, err);
}

int dm_store_begin_snapshot(struct dm_store *st, struct dm_error *err)
{
	return dm_store_exec(st, st->ops->dialect == DM_DIALECT_POSTGRES
					 ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
					 : "BEGIN",
			     err);
}

int dm_store_is_file(const struct dm_store *st)
{
	return st->ops->dialect == DM_DIALECT_SQLITE;
}
