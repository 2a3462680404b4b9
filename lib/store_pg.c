/* store_pg.c: the store interface on PostgreSQL through libpq ('?' placeholders become $n). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "fault.h"
#include "store_impl.h"

/* Type OIDs of pg_type.h (libpq does not export them). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

struct pg_store {
	struct dm_store base;
	PGconn *conn;
	unsigned long next_name;
};

struct pg_stmt {
	struct dm_stmt base;
	char name[32];
	int nparams;
	char **values; /* text (or, for blobs, raw bytes); NULL = SQL NULL */
	int *lengths;
	int *formats;  /* 0 text, 1 binary (blobs) */
	PGresult *desc; /* column names and types before the first execution */
	/* The rows of the last execution: all of them, or with stream one page of the cursor
	 * (declared on the first step, fetched a page at a time, closed at the end). */
	PGresult *res;
	char *text;     /* the SQL with $n placeholders, for DECLARE ... CURSOR */
	int stream;     /* dm_stmt_stream was called */
	int cursor;     /* the cursor is open */
	int last_page;  /* the page in res is the cursor's last */
	int row, nrows;
	int done;
	int bind_error; /* a bind failed (out of memory, index out of range): step refuses */
	int64_t changes;
	unsigned char **blobs; /* per column of the current row: decoded bytea (malloc'd, NUL-terminated) */
	size_t *bloblens;
	int nblobs;
};

static PGconn *conn_of(struct dm_store *st)
{
	return ((struct pg_store *)st)->conn;
}

static struct pg_stmt *ps(struct dm_stmt *s)
{
	return (struct pg_stmt *)s;
}

/* libpq messages end with a newline; ours do not. */
static const char *chomp(const char *msg, char *buf, size_t n)
{
	size_t l;
	snprintf(buf, n, "%s", msg ? msg : "");
	l = strlen(buf);
	while (l > 0 && (buf[l - 1] == '\n' || buf[l - 1] == '\r' || buf[l - 1] == ' '))
		buf[--l] = 0;
	return buf;
}

/* Maps a failed result (or a lost connection when res is NULL) to our codes. */
static int pg_error(PGconn *conn, const PGresult *res, const char *sql, struct dm_error *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	char buf[600];
	if (!primary)
		primary = chomp(res ? PQresultErrorMessage(res) : PQerrorMessage(conn), buf, sizeof(buf));
	if (!primary[0])
		primary = chomp(PQerrorMessage(conn), buf, sizeof(buf));
	if (!state)
		return dm_error_set(err, DM_EIO, NULL, "postgresql: %s", primary[0] ? primary : "no connection");
	if (strncmp(state, "23", 2) == 0) /* integrity constraint violation */
		return detail ? dm_error_set(err, DM_EINVAL, NULL, "%s (%s)", primary, detail)
			      : dm_error_set(err, DM_EINVAL, NULL, "%s", primary);
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return dm_error_set(err, DM_ECONFLICT, NULL, "%s (retry the change)", primary);
	if (strcmp(state, "55P03") == 0) /* lock_not_available: lock_timeout expired */
		return dm_error_set(err, DM_EBUSY, NULL, "database is locked by another writer");
	if (strcmp(state, "25P02") == 0)
		return dm_error_set(err, DM_EIO, NULL, "transaction was rolled back (an earlier statement failed)");
	if (strcmp(state, "42P18") == 0) /* indeterminate_datatype: "? IS NULL" and the like */
		return dm_error_set(err, DM_EIO, NULL,
				    "database error: %s: write CAST(? AS type) where the context gives no type "
				    "(in \"%.300s\")",
				    primary, sql ? sql : "");
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return dm_error_set(err, DM_EIO, NULL, "lost connection to postgresql: %s", primary);
	if (sql)
		return dm_error_set(err, DM_EIO, NULL, "database error: %s (in \"%.300s\")", primary, sql);
	return dm_error_set(err, DM_EIO, NULL, "database error: %s", primary);
}

/* Runs SQL without parameters; returns 0 or a negative code, keeping the result in *out if asked. */
/* A failure injected in the test build (fault.h), at our call site of libpq. */
#define INJECTED(err, what) dm_error_set(err, DM_EIO, NULL, "database error: could not receive data from server (injected fault in %s)", what)

static int run(PGconn *conn, const char *sql, PGresult **out, struct dm_error *err)
{
	PGresult *res;
	if (dm_fault_hit(DM_FAULT_STORE))
		return INJECTED(err, "exec");
	res = PQexec(conn, sql);
	ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = 0;
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_EMPTY_QUERY)
		rc = pg_error(conn, res, sql, err);
	if (out && !rc)
		*out = res;
	else
		PQclear(res);
	return rc;
}

static int pg_exec(struct dm_store *st, const char *sql, struct dm_error *err)
{
	return run(conn_of(st), sql, NULL, err);
}

static void notice_ignore(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* the library never prints */
}

static void pg_close(struct dm_store *st)
{
	struct pg_store *p = (struct pg_store *)st;
	if (!p)
		return;
	PQfinish(p->conn);
	free(p);
}

static int pg_open(const char *uri, int create, struct dm_store **out, struct dm_error *err)
{
	struct pg_store *p;
	PGresult *res = NULL;
	char buf[600];
	int rc;
	p = calloc(1, sizeof(*p));
	if (!p)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	p->conn = dm_fault_hit(DM_FAULT_STORE) ? NULL : PQconnectdb(uri);
	if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
		/* The message names host and database; the URI itself may hold a password. */
		rc = dm_error_set(err, DM_EIO, NULL, "cannot connect to postgresql: %s",
				  p->conn ? chomp(PQerrorMessage(p->conn), buf, sizeof(buf)) : "out of memory");
		goto fail;
	}
	PQsetNoticeProcessor(p->conn, notice_ignore, NULL);
	rc = run(p->conn,
		 "SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET lock_timeout = 10000;"
		 "SET standard_conforming_strings = on",
		 NULL, err);
	if (rc)
		goto fail;
	if (create) {
		rc = run(p->conn, "SELECT to_regclass('schema_migrations') IS NOT NULL", &res, err);
		if (rc)
			goto fail;
		if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
			rc = dm_error_set(err, DM_EEXIST, NULL, "database already holds a demine schema");
			goto fail;
		}
		PQclear(res);
		res = NULL;
	}
	*out = &p->base;
	return 0;
fail:
	PQclear(res);
	pg_close(&p->base);
	return rc;
}

static int pg_begin(struct dm_store *st, struct dm_error *err)
{
	/* Domain updates check "WHERE version = ?"; under READ COMMITTED an UPDATE re-checks the
	 * row after waiting for a concurrent writer, so a stale version changes 0 rows. */
	return run(conn_of(st), "BEGIN ISOLATION LEVEL READ COMMITTED", NULL, err);
}

static int pg_commit(struct dm_store *st, struct dm_error *err)
{
	PGresult *res = NULL;
	int rc = run(conn_of(st), "COMMIT", &res, err);
	/* COMMIT of a transaction in which a statement failed answers "ROLLBACK", not an error. */
	if (!rc && strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		rc = dm_error_set(err, DM_EIO, NULL, "transaction was rolled back (an earlier statement failed)");
	PQclear(res);
	return rc;
}

static void pg_rollback(struct dm_store *st)
{
	if (PQtransactionStatus(conn_of(st)) != PQTRANS_IDLE)
		PQclear(PQexec(conn_of(st), "ROLLBACK"));
}

static int pg_set_busy_timeout(struct dm_store *st, int ms, struct dm_error *err)
{
	char sql[64];
	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", ms);
	return run(conn_of(st), sql, NULL, err);
}

static int pg_backup(struct dm_store *st, const char *dest_path, struct dm_error *err)
{
	return dm_error_set(err, DM_EUSAGE, NULL, "demine backup is for sqlite databases; use pg_dump for postgresql");
}

/* '?' -> $1..$n, except inside '...' (and E'...' with backslash escapes), "...", -- and block
 * comments. Returns a malloc'd string and the parameter count. */
static char *translate(const char *sql, int *nparams)
{
	size_t n = strlen(sql), cap = n + 1, len = 0;
	char *out;
	int count = 0;
	for (const char *p = sql; *p; p++)
		if (*p == '?')
			cap += 6;
	out = malloc(cap);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		char c = sql[i];
		if (c == '\'' || c == '"') {
			/* E'...' (backslash escapes): an E that starts a token, not the end of a name */
			int estring = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
				      (i == 1 || !(isalnum((unsigned char)sql[i - 2]) || sql[i - 2] == '_'));
			size_t j = i + 1;
			while (j < n) {
				if (estring && sql[j] == '\\' && j + 1 < n) {
					j += 2;
					continue;
				}
				if (sql[j] == c) {
					if (j + 1 < n && sql[j + 1] == c) { /* doubled quote */
						j += 2;
						continue;
					}
					break;
				}
				j++;
			}
			if (j < n)
				j++;
			memcpy(out + len, sql + i, j - i);
			len += j - i;
			i = j;
		} else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
			size_t j = i;
			while (j < n && sql[j] != '\n')
				j++;
			memcpy(out + len, sql + i, j - i);
			len += j - i;
			i = j;
		} else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
			const char *end = strstr(sql + i + 2, "*/");
			size_t j = end ? (size_t)(end - sql) + 2 : n;
			memcpy(out + len, sql + i, j - i);
			len += j - i;
			i = j;
		} else if (c == '?') {
			len += (size_t)snprintf(out + len, cap - len, "$%d", ++count);
			i++;
		} else {
			out[len++] = c;
			i++;
		}
	}
	out[len] = 0;
	*nparams = count;
	return out;
}

static void clear_row_blobs(struct pg_stmt *p)
{
	for (int i = 0; i < p->nblobs; i++) {
		free(p->blobs[i]);
		p->blobs[i] = NULL;
	}
}

#define STREAM_PAGE 1000

static void cursor_name(const struct pg_stmt *p, char *out, size_t n)
{
	snprintf(out, n, "c_%s", p->name);
}

/* Closes the statement's cursor (harmless in a failed transaction, which dropped it). */
static void close_cursor(struct dm_stmt *s)
{
	struct pg_stmt *p = ps(s);
	char sql[64], name[40];
	if (!p->cursor)
		return;
	cursor_name(p, name, sizeof(name));
	snprintf(sql, sizeof(sql), "CLOSE %s", name);
	PQclear(PQexec(conn_of(s->st), sql));
	p->cursor = 0;
}

static void pg_stream(struct dm_stmt *s)
{
	ps(s)->stream = 1;
}

static void pg_reset(struct dm_stmt *s)
{
	struct pg_stmt *p = ps(s);
	close_cursor(s);
	p->stream = 0;
	p->last_page = 0;
	clear_row_blobs(p);
	PQclear(p->res);
	p->res = NULL;
	p->row = -1;
	p->nrows = 0;
	p->done = 0;
	p->bind_error = 0;
	for (int i = 0; i < p->nparams; i++) {
		free(p->values[i]);
		p->values[i] = NULL;
		p->lengths[i] = 0;
		p->formats[i] = 0;
	}
}

static void pg_finalize(struct dm_stmt *s)
{
	struct pg_stmt *p = ps(s);
	char sql[64];
	pg_reset(s);
	snprintf(sql, sizeof(sql), "DEALLOCATE %s", p->name);
	/* Fails harmlessly inside a failed transaction: the statement then lives until disconnect. */
	PQclear(PQexec(conn_of(s->st), sql));
	PQclear(p->desc);
	free(p->text);
	free(p->values);
	free(p->lengths);
	free(p->formats);
	free(p->blobs);
	free(p->bloblens);
	free(p);
}

static int pg_prepare(struct dm_store *st, const char *sql, struct dm_stmt **out, struct dm_error *err)
{
	struct pg_store *ctx = (struct pg_store *)st;
	struct pg_stmt *p;
	PGresult *res;
	char *text;
	int rc, n = 0;
	text = translate(sql, &n);
	p = calloc(1, sizeof(*p));
	if (!text || !p) {
		free(text);
		free(p);
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	p->nparams = n;
	p->row = -1;
	snprintf(p->name, sizeof(p->name), "dm_%lu", ++ctx->next_name);
	if (n > 0) {
		p->values = calloc((size_t)n, sizeof(*p->values));
		p->lengths = calloc((size_t)n, sizeof(*p->lengths));
		p->formats = calloc((size_t)n, sizeof(*p->formats));
		if (!p->values || !p->lengths || !p->formats) {
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			goto fail;
		}
	}
	/* Parameter types come from the context, as for SQLite's untyped '?'. */
	if (dm_fault_hit(DM_FAULT_STORE)) {
		rc = INJECTED(err, "prepare");
		goto fail;
	}
	res = PQprepare(ctx->conn, p->name, text, n, NULL);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg_error(ctx->conn, res, sql, err);
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	p->text = text;
	*out = &p->base;
	return 0;
fail:
	free(text);
	free(p->values);
	free(p->lengths);
	free(p->formats);
	free(p);
	return rc;
}

static int set_param(struct pg_stmt *p, int i, char *value, int length, int format)
{
	if (i < 1 || i > p->nparams) {
		free(value);
		p->bind_error = i;
		return -1;
	}
	free(p->values[i - 1]);
	p->values[i - 1] = value;
	p->lengths[i - 1] = length;
	p->formats[i - 1] = format;
	return 0;
}

static void bind_copy(struct pg_stmt *p, int i, const char *v)
{
	char *copy = strdup(v);
	if (!copy)
		p->bind_error = -1;
	else
		set_param(p, i, copy, 0, 0);
}

static void pg_bind_null(struct dm_stmt *s, int i)
{
	set_param(ps(s), i, NULL, 0, 0);
}

static void pg_bind_int(struct dm_stmt *s, int i, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	bind_copy(ps(s), i, buf);
}

static void pg_bind_real(struct dm_stmt *s, int i, double v)
{
	char buf[40];
	if (isnan(v))
		snprintf(buf, sizeof(buf), "NaN");
	else if (isinf(v))
		snprintf(buf, sizeof(buf), "%s", v > 0 ? "Infinity" : "-Infinity");
	else
		snprintf(buf, sizeof(buf), "%.17g", v);
	bind_copy(ps(s), i, buf);
}

static void pg_bind_text(struct dm_stmt *s, int i, const char *v)
{
	bind_copy(ps(s), i, v);
}

static void pg_bind_blob(struct dm_stmt *s, int i, const void *v, size_t n)
{
	char *copy = n > INT32_MAX ? NULL : malloc(n ? n : 1);
	if (!copy) {
		ps(s)->bind_error = -1;
		return;
	}
	memcpy(copy, v, n);
	set_param(ps(s), i, copy, (int)n, 1);
}

/* Takes an answer with rows (or a command's) into p: the count of changed rows, the rows, and
 * room for the decoded blobs of a row. */
static int take_result(struct pg_stmt *p, struct dm_error *err)
{
	const char *ct = PQcmdTuples(p->res);
	int nf = PQnfields(p->res);
	p->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
	p->nrows = PQntuples(p->res);
	p->row = -1;
	if (nf > p->nblobs) {
		unsigned char **b = dm_realloc_array(p->blobs, (size_t)nf, sizeof(*b));
		size_t *l;
		if (!b)
			return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		p->blobs = b;
		l = dm_realloc_array(p->bloblens, (size_t)nf, sizeof(*l));
		if (!l)
			return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		p->bloblens = l;
		for (int i = p->nblobs; i < nf; i++)
			p->blobs[i] = NULL;
		p->nblobs = nf;
	}
	return 0;
}

/* Runs what the statement asks: the prepared statement itself, or, to stream, DECLARE of a
 * cursor over its query (WITH HOLD outside a transaction, where it would close at once). */
static int execute(struct dm_stmt *s, struct dm_error *err)
{
	struct pg_stmt *p = ps(s);
	PGconn *conn = conn_of(s->st);
	struct dm_buf b;
	char name[40];
	ExecStatusType t;
	if (!p->stream) {
		p->res = PQexecPrepared(conn, p->name, p->nparams, (const char *const *)p->values, p->lengths,
					p->formats, 0);
	} else {
		cursor_name(p, name, sizeof(name));
		dm_buf_init(&b, 0);
		dm_buf_addf(&b, "DECLARE %s NO SCROLL CURSOR %sFOR %s", name,
			    PQtransactionStatus(conn) == PQTRANS_IDLE ? "WITH HOLD " : "", p->text);
		if (!b.s)
			return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		p->res = PQexecParams(conn, b.s, p->nparams, NULL, (const char *const *)p->values, p->lengths,
				      p->formats, 0);
		dm_buf_release(&b);
	}
	t = p->res ? PQresultStatus(p->res) : PGRES_FATAL_ERROR;
	if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
		int rc = pg_error(conn, p->res, s->sql, err);
		PQclear(p->res);
		p->res = NULL;
		return rc;
	}
	if (!p->stream)
		return take_result(p, err);
	PQclear(p->res);
	p->res = NULL;
	p->cursor = 1;
	return 0;
}

/* The cursor's next page into p->res; the cursor is closed after its last. */
static int fetch_page(struct dm_stmt *s, struct dm_error *err)
{
	struct pg_stmt *p = ps(s);
	PGconn *conn = conn_of(s->st);
	char sql[80], name[40];
	if (dm_fault_hit(DM_FAULT_STORE))
		return INJECTED(err, "fetch");
	cursor_name(p, name, sizeof(name));
	snprintf(sql, sizeof(sql), "FETCH FORWARD %d FROM %s", STREAM_PAGE, name);
	PQclear(p->res);
	p->res = PQexec(conn, sql);
	if (!p->res || PQresultStatus(p->res) != PGRES_TUPLES_OK) {
		int rc = pg_error(conn, p->res, s->sql, err);
		PQclear(p->res);
		p->res = NULL;
		return rc;
	}
	p->last_page = PQntuples(p->res) < STREAM_PAGE;
	if (p->last_page)
		close_cursor(s);
	return take_result(p, err);
}

static int pg_step(struct dm_stmt *s, struct dm_error *err)
{
	struct pg_stmt *p = ps(s);
	int rc;
	if (!p->res) {
		if (p->done)
			return 0;
		if (p->bind_error > 0)
			return dm_error_set(err, DM_EUSAGE, NULL, "parameter %d out of range (the statement has %d) in \"%.300s\"",
					    p->bind_error, p->nparams, s->sql);
		if (p->bind_error < 0)
			return dm_error_set(err, DM_ENOMEM, NULL, "out of memory binding a parameter");
		if (dm_fault_hit(DM_FAULT_STORE))
			return INJECTED(err, "step");
		if ((rc = execute(s, err)) || (p->stream && (rc = fetch_page(s, err))))
			return rc;
	}
	clear_row_blobs(p);
	if (p->row + 1 >= p->nrows && p->stream && !p->last_page && !p->done) {
		if ((rc = fetch_page(s, err)))
			return rc;
	}
	if (p->row + 1 < p->nrows) {
		p->row++;
		return 1;
	}
	/* done: keep the result for column_count/names; the next step answers 0 again */
	p->row = p->nrows;
	p->done = 1;
	return 0;
}

/* The result that describes the columns: the last execution's, else a describe of the statement. */
static const PGresult *shape(struct dm_stmt *s)
{
	struct pg_stmt *p = ps(s);
	if (p->res)
		return p->res;
	if (!p->desc) {
		p->desc = PQdescribePrepared(conn_of(s->st), p->name);
		if (p->desc && PQresultStatus(p->desc) != PGRES_COMMAND_OK) {
			PQclear(p->desc);
			p->desc = NULL;
		}
	}
	return p->desc;
}

static int pg_column_count(struct dm_stmt *s)
{
	const PGresult *r = shape(s);
	return r ? PQnfields(r) : 0;
}

static const char *pg_column_name(struct dm_stmt *s, int i)
{
	const PGresult *r = shape(s);
	return r && i >= 0 && i < PQnfields(r) ? PQfname(r, i) : NULL;
}

/* The current row's cell, or NULL when there is none or it is SQL NULL. */
static const char *cell(struct dm_stmt *s, int i)
{
	struct pg_stmt *p = ps(s);
	if (!p->res || p->row < 0 || p->row >= p->nrows || i < 0 || i >= PQnfields(p->res))
		return NULL;
	if (PQgetisnull(p->res, p->row, i))
		return NULL;
	return PQgetvalue(p->res, p->row, i);
}

static enum dm_coltype pg_column_type(struct dm_stmt *s, int i)
{
	if (!cell(s, i))
		return DM_COL_NULL;
	switch (PQftype(ps(s)->res, i)) {
	case OID_INT2: case OID_INT4: case OID_INT8: case OID_OID: case OID_BOOL:
		return DM_COL_INT;
	case OID_FLOAT4: case OID_FLOAT8: case OID_NUMERIC:
		return DM_COL_REAL;
	case OID_BYTEA:
		return DM_COL_BLOB;
	default:
		return DM_COL_TEXT;
	}
}

static const unsigned char *decoded_blob(struct dm_stmt *s, int i, size_t *n)
{
	struct pg_stmt *p = ps(s);
	const char *v = cell(s, i);
	size_t len = 0;
	unsigned char *raw, *copy;
	if (!v)
		return NULL;
	if (p->blobs[i]) {
		*n = p->bloblens[i];
		return p->blobs[i];
	}
	raw = PQunescapeBytea((const unsigned char *)v, &len);
	if (!raw)
		return NULL;
	/* one byte more, so column_text of a blob is NUL-terminated like SQLite's */
	copy = malloc(len + 1);
	if (!copy) {
		PQfreemem(raw);
		return NULL;
	}
	memcpy(copy, raw, len);
	copy[len] = 0;
	PQfreemem(raw);
	p->blobs[i] = copy;
	p->bloblens[i] = len;
	*n = len;
	return p->blobs[i];
}

static int64_t pg_column_int(struct dm_stmt *s, int i)
{
	const char *v = cell(s, i);
	Oid t;
	if (!v)
		return 0;
	t = PQftype(ps(s)->res, i);
	if (t == OID_BOOL)
		return v[0] == 't';
	if (t == OID_FLOAT4 || t == OID_FLOAT8 || t == OID_NUMERIC)
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static double pg_column_real(struct dm_stmt *s, int i)
{
	const char *v = cell(s, i);
	if (!v)
		return 0.0;
	if (PQftype(ps(s)->res, i) == OID_BOOL)
		return v[0] == 't' ? 1.0 : 0.0;
	return strtod(v, NULL);
}

static const char *pg_column_text(struct dm_stmt *s, int i)
{
	const char *v = cell(s, i);
	size_t n;
	if (!v)
		return NULL;
	switch (PQftype(ps(s)->res, i)) {
	case OID_BOOL:
		return v[0] == 't' ? "1" : "0"; /* as SQLite, which stores booleans as integers */
	case OID_BYTEA:
		return (const char *)decoded_blob(s, i, &n);
	default:
		return v;
	}
}

static const void *pg_column_blob(struct dm_stmt *s, int i, size_t *n)
{
	const char *v = cell(s, i);
	size_t len = 0;
	const void *r = NULL;
	if (v) {
		if (PQftype(ps(s)->res, i) == OID_BYTEA) {
			r = decoded_blob(s, i, &len);
		} else {
			r = v;
			len = strlen(v);
		}
	}
	if (n)
		*n = len;
	return r;
}

static int64_t pg_changes(struct dm_stmt *s)
{
	return ps(s)->changes;
}

const struct dm_store_ops dm_store_pg_ops = {
	.dialect = DM_DIALECT_POSTGRES,
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.set_busy_timeout = pg_set_busy_timeout,
	.backup = pg_backup,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind_null = pg_bind_null,
	.bind_int = pg_bind_int,
	.bind_real = pg_bind_real,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.stream = pg_stream,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_type = pg_column_type,
	.column_int = pg_column_int,
	.column_real = pg_column_real,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.changes = pg_changes,
};
