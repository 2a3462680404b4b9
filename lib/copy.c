/* copy.c: demine copy: a whole database from one store to the other, verified by row counts
 * and per-table checksums serialised the same way on both stores. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "demine/copy.h"
#include "demine/db.h"
#include "demine/util.h"
#include "db_impl.h"

/* Rows read per query: keyset pages keep PostgreSQL results (held whole by libpq) small. */
#define PAGE 1000
#define MAXKEYS 4
#define MAXCOLS 512

struct key {
	const char *name;
	int text; /* a text key sorts with the byte-order collation */
};

struct table {
	char name[80];
	struct key keys[MAXKEYS];
	int nkeys;
	int unique;         /* the key is unique: read in keyset pages, else in one query */
	const char *serial; /* a BIGSERIAL column whose sequence follows the copied ids */
};

/* Every table outside the record tables, in an order that satisfies foreign keys (users
 * before sessions). A table the source lacks is skipped; one added by a later migration
 * belongs here. */
static const struct table fixed[] = {
	{ "schema_migrations", { { "version", 0 } }, 1, 1, NULL },
	{ "setting", { { "key", 1 } }, 1, 1, NULL },
	{ "field_def", { { "record_type", 1 }, { "name", 1 } }, 2, 1, NULL },
	{ "code_seq", { { "prefix", 1 } }, 1, 1, NULL },
	{ "record_index", { { "id", 1 } }, 1, 1, NULL },
	{ "record_link", { { "from_id", 1 }, { "field", 1 }, { "to_id", 1 } }, 3, 1, NULL },
	{ "audit", { { "seq", 0 } }, 1, 1, "seq" },
	{ "change_counter", { { "name", 1 } }, 1, 1, NULL },
	{ "users", { { "id", 0 } }, 1, 1, "id" },
	{ "sessions", { { "token_hash", 1 } }, 1, 1, NULL },
	{ "login_failures", { { "key", 1 }, { "at", 0 } }, 2, 0, NULL },
};

static int table_exists(struct dm_store *st, const char *name)
{
	return dm_store_table_exists(st, name);
}

static int add_table(struct dm_copy_report *rep, const char *name, struct dm_error *err)
{
	struct dm_copy_table *t = dm_realloc_array(rep->tables, rep->ntables + 1, sizeof(*t));
	if (!t)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	rep->tables = t;
	t = &rep->tables[rep->ntables++];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	return 0;
}

/* The source's columns, quoted and comma separated, in the source's order; both stores are
 * read with this list so their checksums see the columns in the same order. */
static int column_list(struct dm_store *st, const char *table, char **out, int *ncols, struct dm_error *err)
{
	char sql[200];
	struct dm_stmt *s = NULL;
	struct dm_buf b;
	int rc, i, n;
	*out = NULL;
	snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" WHERE 1 = 0", table);
	rc = dm_stmt_prepare(st, sql, &s, err);
	if (!rc && (rc = dm_stmt_step(s, err)) > 0)
		rc = 0;
	if (rc) {
		dm_stmt_finalize(s);
		return rc;
	}
	n = dm_stmt_column_count(s);
	dm_buf_init(&b, 0);
	for (i = 0; i < n; i++)
		dm_buf_addf(&b, "%s\"%s\"", i ? ", " : "", dm_stmt_column_name(s, i));
	dm_stmt_finalize(s);
	if (n == 0 || n > MAXCOLS || b.overflow) {
		dm_buf_release(&b);
		return dm_error_set(err, DM_EIO, NULL, "table %s: cannot read its columns", table);
	}
	*ncols = n;
	*out = dm_buf_take(&b);
	return *out ? 0 : dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
}

/* SELECT cols FROM table [WHERE (keys) > (?...)] ORDER BY keys [LIMIT PAGE] */
static char *select_sql(struct dm_store *st, const struct table *t, const char *cols, int after)
{
	struct dm_buf b;
	const char *coll = dm_store_collate_binary(st);
	int i;
	dm_buf_init(&b, 0);
	dm_buf_addf(&b, "SELECT %s FROM \"%s\"", cols, t->name);
	if (after && t->unique) {
		dm_buf_add(&b, " WHERE (");
		for (i = 0; i < t->nkeys; i++)
			dm_buf_addf(&b, "%s\"%s\"%s", i ? ", " : "", t->keys[i].name, t->keys[i].text ? coll : "");
		dm_buf_add(&b, ") > (");
		for (i = 0; i < t->nkeys; i++)
			dm_buf_add(&b, i ? ", ?" : "?");
		dm_buf_add(&b, ")");
	}
	dm_buf_add(&b, " ORDER BY ");
	for (i = 0; i < t->nkeys; i++)
		dm_buf_addf(&b, "%s\"%s\"%s", i ? ", " : "", t->keys[i].name, t->keys[i].text ? coll : "");
	if (t->unique)
		dm_buf_addf(&b, " LIMIT %d", PAGE);
	return dm_buf_take(&b);
}

static void hash_value(crypto_generichash_state *h, char tag, const void *v, size_t n)
{
	unsigned char len[8];
	uint64_t l = n;
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(l >> (8 * i));
	crypto_generichash_update(h, (const unsigned char *)&tag, 1);
	crypto_generichash_update(h, len, sizeof(len));
	if (n)
		crypto_generichash_update(h, v, n);
}

/* Feeds one row to the checksum, each value as its kind and its bytes; integers and reals
 * print the same way whichever store they come from. */
static void hash_row(crypto_generichash_state *h, struct dm_stmt *s, int ncols)
{
	char buf[64];
	const void *p;
	size_t n;
	for (int i = 0; i < ncols; i++) {
		switch (dm_stmt_column_type(s, i)) {
		case DM_COL_NULL:
			hash_value(h, 'n', NULL, 0);
			break;
		case DM_COL_INT:
			snprintf(buf, sizeof(buf), "%" PRId64, dm_stmt_column_int(s, i));
			hash_value(h, 'i', buf, strlen(buf));
			break;
		case DM_COL_REAL:
			snprintf(buf, sizeof(buf), "%.17g", dm_stmt_column_real(s, i));
			hash_value(h, 'r', buf, strlen(buf));
			break;
		case DM_COL_TEXT:
			p = dm_stmt_column_text(s, i);
			hash_value(h, 't', p, strlen(p));
			break;
		case DM_COL_BLOB:
			n = 0;
			p = dm_stmt_column_blob(s, i, &n);
			hash_value(h, 'b', p, n);
			break;
		}
	}
}

static void bind_from(struct dm_stmt *ins, int i, struct dm_stmt *s, int col)
{
	const void *p;
	size_t n = 0;
	switch (dm_stmt_column_type(s, col)) {
	case DM_COL_NULL:
		dm_stmt_bind_null(ins, i);
		break;
	case DM_COL_INT:
		dm_stmt_bind_int(ins, i, dm_stmt_column_int(s, col));
		break;
	case DM_COL_REAL:
		dm_stmt_bind_real(ins, i, dm_stmt_column_real(s, col));
		break;
	case DM_COL_TEXT:
		dm_stmt_bind_text(ins, i, dm_stmt_column_text(s, col));
		break;
	case DM_COL_BLOB:
		p = dm_stmt_column_blob(s, col, &n);
		dm_stmt_bind_blob(ins, i, p ? p : "", n);
		break;
	}
}

static int key_index(struct dm_stmt *s, int ncols, const char *name)
{
	for (int i = 0; i < ncols; i++)
		if (!strcmp(dm_stmt_column_name(s, i), name))
			return i;
	return -1;
}

/* Reads every row of t from src in key order, checksums it and (when dst is given) inserts it
 * into dst. */
static int scan_table(struct dm_store *src, struct dm_store *dst, const struct table *t, const char *cols,
		      int ncols, int64_t *rows, char hex[65], struct dm_error *err)
{
	crypto_generichash_state h;
	unsigned char digest[32];
	struct dm_stmt *s = NULL, *ins = NULL;
	char *first = select_sql(src, t, cols, 0), *next = select_sql(src, t, cols, 1), *insert = NULL;
	char *last[MAXKEYS] = { 0 };
	int64_t lastint[MAXKEYS] = { 0 };
	int kidx[MAXKEYS];
	int rc = 0, page = 0, i;
	*rows = 0;
	crypto_generichash_init(&h, NULL, 0, sizeof(digest));
	hash_value(&h, 'c', cols, strlen(cols));
	if (!first || !next) {
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (dst) {
		struct dm_buf b;
		dm_buf_init(&b, 0);
		dm_buf_addf(&b, "INSERT INTO \"%s\" (%s) VALUES (", t->name, cols);
		for (i = 0; i < ncols; i++)
			dm_buf_add(&b, i ? ", ?" : "?");
		dm_buf_add(&b, ")");
		insert = dm_buf_take(&b);
		if (!insert || (rc = dm_stmt_prepare(dst, insert, &ins, err)))
			goto out;
	}
	for (;;) {
		int64_t n = 0;
		rc = dm_stmt_prepare(src, page ? next : first, &s, err);
		if (rc)
			goto out;
		if (page)
			for (i = 0; i < t->nkeys; i++) {
				if (t->keys[i].text)
					dm_stmt_bind_text(s, i + 1, last[i]);
				else
					dm_stmt_bind_int(s, i + 1, lastint[i]);
			}
		if (page == 0)
			for (i = 0; i < t->nkeys; i++)
				kidx[i] = -1;
		while ((rc = dm_stmt_step(s, err)) == 1) {
			n++;
			hash_row(&h, s, ncols);
			if (ins) {
				for (i = 0; i < ncols; i++)
					bind_from(ins, i + 1, s, i);
				rc = dm_stmt_step(ins, err);
				dm_stmt_reset(ins);
				if (rc < 0)
					break;
			}
			for (i = 0; i < t->nkeys; i++) {
				if (kidx[i] < 0)
					kidx[i] = key_index(s, ncols, t->keys[i].name);
				if (kidx[i] < 0) {
					rc = dm_error_set(err, DM_EIO, NULL, "table %s: no key column %s", t->name,
							  t->keys[i].name);
					break;
				}
				if (t->keys[i].text) {
					const char *v = dm_stmt_column_text(s, kidx[i]);
					free(last[i]);
					/* a lost key would restart the paging from the first row */
					if (!(last[i] = strdup(v ? v : ""))) {
						rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
						break;
					}
				} else {
					lastint[i] = dm_stmt_column_int(s, kidx[i]);
				}
			}
			if (rc < 0)
				break;
		}
		dm_stmt_finalize(s);
		s = NULL;
		if (rc < 0)
			goto out;
		*rows += n;
		if (!t->unique || n < PAGE)
			break;
		page++;
	}
	rc = 0;
	crypto_generichash_final(&h, digest, sizeof(digest));
	sodium_bin2hex(hex, 65, digest, sizeof(digest));
out:
	if (rc)
		dm_error_prefix(err, "table %s", t->name);
	dm_stmt_finalize(ins);
	for (i = 0; i < MAXKEYS; i++)
		free(last[i]);
	free(first);
	free(next);
	free(insert);
	return rc;
}

static int follow_sequence(struct dm_store *st, const struct table *t, struct dm_error *err)
{
	return t->serial ? dm_store_follow_serial(st, t->name, t->serial, err) : 0;
}

/* The source's extra fields, declared on the destination first so its tables have their columns. */
static int copy_extra_fields(struct dm_db *src, struct dm_db *dst, struct dm_error *err)
{
	const struct dm_schema *sc = dm_db_schema(src);
	int rc = 0;
	for (size_t i = 0; !rc && i < sc->ntypes; i++)
		for (size_t j = 0; !rc && j < sc->types[i].nfields; j++)
			if (sc->types[i].fields[j].flags & DM_FF_EXTRA)
				rc = dm_db_add_field(dst, sc->types[i].name, &sc->types[i].fields[j], err);
	return rc;
}

static int build_tables(struct dm_db *src, struct table **out, size_t *n, struct dm_error *err)
{
	const struct dm_schema *sc = dm_db_schema(src);
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]), k = 0;
	struct table *t = calloc(nfixed + 2 * sc->ntypes, sizeof(*t));
	if (!t)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < nfixed; i++)
		if (table_exists(dm_db_store(src), fixed[i].name))
			t[k++] = fixed[i];
	for (size_t i = 0; i < sc->ntypes; i++) {
		snprintf(t[k].name, sizeof(t[k].name), "%s", sc->types[i].name);
		t[k].keys[0] = (struct key){ "id", 1 };
		t[k].nkeys = 1;
		t[k++].unique = 1;
		snprintf(t[k].name, sizeof(t[k].name), "%s_history", sc->types[i].name);
		t[k].keys[0] = (struct key){ "id", 1 };
		t[k].keys[1] = (struct key){ "version", 0 };
		t[k].nkeys = 2;
		t[k++].unique = 1;
	}
	*out = t;
	*n = k;
	return 0;
}

static int is_pg(const char *uri)
{
	return !strncmp(uri, "postgresql://", 13) || !strncmp(uri, "postgres://", 11);
}

/* An SQLite destination is written under a name of its own beside the file asked for
 * (FILE.copying-PID) and put in place only once verified, with link() so that a file that
 * appeared meanwhile is never replaced: a copy killed half way leaves no file at the
 * destination that looks like a database (an empty one would pass for a finished copy). */
static int partial_name(const char *to, char *buf, size_t size, struct dm_error *err)
{
	struct stat st;
	int n;
	if (stat(to, &st) == 0)
		return dm_error_set(err, DM_EEXIST, NULL, "destination: database '%s' already exists; copy writes a new file only", to);
	n = snprintf(buf, size, "%s.copying-%ld", to, (long)getpid());
	if (n < 0 || (size_t)n >= size)
		return dm_error_set(err, DM_EUSAGE, NULL, "destination: database path is too long");
	return 0;
}

static void remove_file(const char *path)
{
	struct dm_error e;
	dm_error_init(&e);
	dm_store_remove(path, &e);
	dm_error_release(&e);
}

static int put_in_place(const char *partial, const char *to, struct dm_error *err)
{
	char wal[4200];
	struct stat st;
	/* closed by now: SQLite checkpointed and removed the write-ahead log */
	snprintf(wal, sizeof(wal), "%s-wal", partial);
	if (stat(wal, &st) == 0 && st.st_size > 0)
		return dm_error_set(err, DM_EIO, NULL, "destination: '%s' still has a write-ahead log", partial);
	if (link(partial, to) != 0)
		return errno == EEXIST ? dm_error_set(err, DM_EEXIST, NULL, "destination: database '%s' appeared during the copy", to)
				       : dm_error_set(err, DM_EIO, NULL, "destination: cannot create '%s': %s", to, strerror(errno));
	remove_file(partial);
	return 0;
}

int dm_copy(const char *from_uri, const char *to_uri, struct dm_copy_report *rep, struct dm_error *err)
{
	char partial[4200];
	const char *final_uri = NULL;
	struct dm_db *src = NULL, *dst = NULL;
	struct dm_store *ss, *ds;
	struct table *tables = NULL;
	char **cols = NULL;
	int *ncols = NULL;
	size_t n = 0, i;
	int rc, snapshot = 0, txn = 0;
	memset(rep, 0, sizeof(*rep));
	if (sodium_init() < 0)
		return dm_error_set(err, DM_EIO, NULL, "libsodium could not be initialised");
	rc = dm_db_open(from_uri, 0, &src, err);
	if (rc) {
		dm_error_prefix(err, "source");
		return rc;
	}
	if (!is_pg(to_uri)) {
		if ((rc = partial_name(to_uri, partial, sizeof(partial), err)))
			goto out;
		final_uri = to_uri;
		to_uri = partial;
	}
	rc = dm_db_open(to_uri, 1, &dst, err);
	if (rc) {
		dm_error_prefix(err, "destination");
		goto out;
	}
	ss = dm_db_store(src);
	ds = dm_db_store(dst);
	/* One snapshot of the source: every table as of the same moment. */
	rc = dm_store_begin_snapshot(ss, err);
	if (rc)
		goto out;
	snapshot = 1;
	if ((rc = build_tables(src, &tables, &n, err)))
		goto out;
	cols = calloc(n ? n : 1, sizeof(*cols));
	ncols = calloc(n ? n : 1, sizeof(*ncols));
	if (!cols || !ncols) {
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (i = 0; !rc && i < n; i++)
		rc = column_list(ss, tables[i].name, &cols[i], &ncols[i], err);
	if (rc)
		goto out;
	if ((rc = dm_store_begin(ds, err)))
		goto out;
	txn = 1;
	rc = copy_extra_fields(src, dst, err);
	/* What creating the destination wrote (its migrations, counters) is replaced by the
	 * source's rows; delete in reverse order for the foreign keys. */
	for (i = n; !rc && i-- > 0;) {
		char sql[120];
		if (!table_exists(ds, tables[i].name)) {
			rc = dm_error_set(err, DM_EIO, NULL,
					  "table %s exists in the source but not in the destination (is the source newer?)",
					  tables[i].name);
			break;
		}
		snprintf(sql, sizeof(sql), "DELETE FROM \"%s\"", tables[i].name);
		rc = dm_store_exec(ds, sql, err);
	}
	for (i = 0; !rc && i < n; i++) {
		struct dm_copy_table *ct;
		if ((rc = add_table(rep, tables[i].name, err)))
			break;
		ct = &rep->tables[rep->ntables - 1];
		rc = scan_table(ss, ds, &tables[i], cols[i], ncols[i], &ct->rows, ct->checksum, err);
		if (!rc)
			rc = follow_sequence(ds, &tables[i], err);
		rep->rows += ct->rows;
	}
	if (!rc) { /* the box indexes are derived data, built again from the rows copied */
		const struct dm_schema *sc = dm_db_schema(dst);
		for (i = 0; !rc && i < sc->ntypes; i++)
			if (sc->types[i].geom != DM_GEOM_NONE)
				rc = dm_store_box_index_rebuild(ds, sc->types[i].name, err);
	}
	if (rc)
		goto out;
	txn = 0;
	if ((rc = dm_store_commit(ds, err)))
		goto out;
	/* Read the destination back and compare. */
	for (i = 0; !rc && i < n; i++) {
		struct dm_copy_table *ct = &rep->tables[i];
		rc = scan_table(ds, NULL, &tables[i], cols[i], ncols[i], &ct->dest_rows, ct->dest_checksum, err);
		if (!rc && ct->dest_rows != ct->rows)
			rc = dm_error_set(err, DM_EIO, NULL, "table %s: %" PRId64 " rows in the source, %" PRId64
					  " in the destination", ct->name, ct->rows, ct->dest_rows);
		else if (!rc && strcmp(ct->checksum, ct->dest_checksum))
			rc = dm_error_set(err, DM_EIO, NULL, "table %s: the destination's rows differ from the source's"
					  " (checksum %.16s, expected %.16s)", ct->name, ct->dest_checksum, ct->checksum);
	}
out:
	if (txn)
		dm_store_rollback(dm_db_store(dst));
	if (snapshot) {
		struct dm_error e;
		dm_error_init(&e);
		dm_store_exec(dm_db_store(src), "COMMIT", &e);
		dm_error_release(&e);
	}
	for (i = 0; cols && i < n; i++)
		free(cols[i]);
	free(cols);
	free(ncols);
	free(tables);
	dm_db_close(src);
	if (final_uri && dst) {
		/* a failed copy leaves no half-filled file behind (only the one this call created) */
		dm_db_close(dst);
		if (!rc)
			rc = put_in_place(to_uri, final_uri, err);
		if (rc)
			remove_file(to_uri);
	} else {
		if (rc && dst)
			dm_error_add(err, NULL, "the destination keeps the empty demine tables created for the copy;"
					   " drop them before trying again");
		dm_db_close(dst);
	}
	return rc;
}

void dm_copy_report_release(struct dm_copy_report *rep)
{
	free(rep->tables);
	rep->tables = NULL;
	rep->ntables = 0;
}
