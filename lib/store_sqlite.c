/* store_sqlite.c: the store interface on SQLite (one file, WAL, foreign keys, R*Tree). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "fault.h"
#include "store_impl.h"

struct sq_store {
	struct dm_store base;
	sqlite3 *db;
};

struct sq_stmt {
	struct dm_stmt base;
	sqlite3_stmt *stmt;
	int bind_rc, bind_index; /* the first failed bind (out of memory, index out of range) */
};

static sqlite3 *db_of(struct dm_store *st)
{
	return ((struct sq_store *)st)->db;
}

static sqlite3_stmt *stmt_of(struct dm_stmt *s)
{
	return ((struct sq_stmt *)s)->stmt;
}

/* Maps an SQLite result code to our codes; sql (may be NULL) gives context for unexpected errors. */
static int sq_error(sqlite3 *db, int rc, const char *sql, struct dm_error *err)
{
	int primary = rc & 0xff;
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		return dm_error_set(err, DM_EIO, NULL, "database is locked by another writer");
	if (primary == SQLITE_CONSTRAINT)
		return dm_error_set(err, DM_EINVAL, NULL, "%s", sqlite3_errmsg(db));
	if (primary == SQLITE_NOMEM)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (sql)
		return dm_error_set(err, DM_EIO, NULL, "database error: %s (in \"%.300s\")", sqlite3_errmsg(db), sql);
	return dm_error_set(err, DM_EIO, NULL, "database error: %s", sqlite3_errmsg(db));
}

/* A failure injected in the test build (fault.h): SQLite's I/O error, at our call site. */
#define INJECTED(err, what) dm_error_set(err, DM_EIO, NULL, "database error: disk I/O error (injected fault in %s)", what)

static int sq_exec(struct dm_store *st, const char *sql, struct dm_error *err)
{
	int rc;
	if (dm_fault_hit(DM_FAULT_STORE))
		return INJECTED(err, "exec");
	rc = sqlite3_exec(db_of(st), sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sq_error(db_of(st), rc, sql, err);
}

static int file_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static void sq_close(struct dm_store *st)
{
	struct sq_store *q = (struct sq_store *)st;
	if (!q)
		return;
	/* close_v2: statements the caller leaked do not keep the file open forever */
	sqlite3_close_v2(q->db);
	free(q);
}

static int sq_open(const char *path, int create, struct dm_store **out, struct dm_error *err)
{
	struct sq_store *q;
	int rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	/* The server runs one connection per worker thread, so the connection needs no mutex. */
	if (create && file_exists(path))
		return dm_error_set(err, DM_EEXIST, NULL, "database '%s' already exists (use --force to replace it)",
				    path);
	if (!create && !file_exists(path))
		return dm_error_set(err, DM_ENOTFOUND, NULL,
				    "database '%s' does not exist (create it with demine init)", path);
	if (create) {
		/* O_EXCL: of two processes creating the same file at once, one is refused. An empty
		 * file is an empty SQLite database. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return errno == EEXIST
				       ? dm_error_set(err, DM_EEXIST, NULL,
						      "database '%s' already exists (use --force to replace it)", path)
				       : dm_error_set(err, DM_EIO, NULL, "cannot create database '%s': %s", path,
						      strerror(errno));
		close(fd);
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	rc = dm_fault_hit(DM_FAULT_STORE) ? SQLITE_IOERR : sqlite3_open_v2(path, &q->db, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = dm_error_set(err, DM_EIO, NULL, "cannot open database '%s': %s", path,
				  q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_timeout(q->db, 10000);
	/* WAL + synchronous=FULL: a commit that returned is on disk, even after a power cut.
	 * A 64 MiB page cache (default 2 MiB) keeps a bulk import's indexes in memory instead of
	 * spilling them to the WAL mid-transaction, and holds the covering index a year's
	 * dashboard figures read at 100,000 hazards (some 30 MB of a million finds); it grows only
	 * as pages are used. */
	rc = sq_exec(&q->base,
		     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		     " PRAGMA cache_size=-65536;", err);
	if (rc) {
		dm_error_prefix(err, "database '%s'", path);
		goto fail;
	}
	*out = &q->base;
	return 0;
fail:
	sq_close(q ? &q->base : NULL);
	if (create)
		dm_store_sqlite_remove(path, NULL);
	return rc;
}

/* The database file and the files SQLite keeps beside it. */
int dm_store_sqlite_remove(const char *uri, struct dm_error *err)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char path[4096];
	int rc = 0;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		int n = snprintf(path, sizeof(path), "%s%s", uri, suffixes[i]);
		if (n < 0 || (size_t)n >= sizeof(path))
			return dm_error_set(err, DM_EUSAGE, NULL, "database path is too long");
		if (unlink(path) != 0 && errno != ENOENT && !rc)
			rc = dm_error_set(err, DM_EIO, NULL, "cannot remove '%s': %s", path, strerror(errno));
	}
	return rc;
}

static int sq_begin(struct dm_store *st, struct dm_error *err)
{
	return sq_exec(st, "BEGIN IMMEDIATE", err);
}

static int sq_commit(struct dm_store *st, struct dm_error *err)
{
	return sq_exec(st, "COMMIT", err);
}

static void sq_rollback(struct dm_store *st)
{
	if (!sqlite3_get_autocommit(db_of(st)))
		sqlite3_exec(db_of(st), "ROLLBACK", NULL, NULL, NULL);
}

static int sq_set_busy_timeout(struct dm_store *st, int ms, struct dm_error *err)
{
	int rc = sqlite3_busy_timeout(db_of(st), ms);
	return rc == SQLITE_OK ? 0 : sq_error(db_of(st), rc, NULL, err);
}

/* Online backup: a consistent copy while other connections keep writing. It is written under
 * a name of its own (FILE.partial-PID) and put in place with link() once finished, so a backup
 * killed half way leaves nothing at FILE (a file there would pass for a backup, and stop the
 * next one) and a file that appeared meanwhile is never replaced. */
static int sq_backup(struct dm_store *st, const char *final_path, struct dm_error *err)
{
	sqlite3 *dest = NULL;
	sqlite3_backup *b;
	char dest_path[4096];
	int rc, n;
	if (file_exists(final_path))
		return dm_error_set(err, DM_EEXIST, NULL, "backup file '%s' already exists", final_path);
	n = snprintf(dest_path, sizeof(dest_path), "%s.partial-%ld", final_path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(dest_path))
		return dm_error_set(err, DM_EUSAGE, NULL, "backup file name is too long");
	rc = sqlite3_open_v2(dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rc = dm_error_set(err, DM_EIO, NULL, "cannot create backup file '%s': %s", final_path,
				  dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc));
		goto out;
	}
	b = sqlite3_backup_init(dest, "main", db_of(st), "main");
	if (!b) {
		rc = dm_error_set(err, DM_EIO, NULL, "cannot back up to '%s': %s", final_path, sqlite3_errmsg(dest));
		goto out;
	}
	/* All pages in one step, under one read transaction: in WAL mode writers go on meanwhile,
	 * and the copy is the database as of the moment the step began (steps of a few pages
	 * would restart whenever another process commits, and might never finish). */
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		rc = dm_error_set(err, DM_EIO, NULL, "backup to '%s' failed: %s", final_path, sqlite3_errstr(rc));
		goto out;
	}
	rc = sqlite3_errcode(dest);
	rc = rc == SQLITE_OK ? 0 : dm_error_set(err, DM_EIO, NULL, "backup to '%s' failed: %s", final_path,
						  sqlite3_errmsg(dest));
out:
	sqlite3_close_v2(dest);
	if (!rc && link(dest_path, final_path) != 0)
		rc = errno == EEXIST ? dm_error_set(err, DM_EEXIST, NULL, "backup file '%s' already exists", final_path)
				     : dm_error_set(err, DM_EIO, NULL, "cannot create backup file '%s': %s", final_path,
						    strerror(errno));
	dm_store_sqlite_remove(dest_path, NULL);
	return rc;
}

static int sq_prepare(struct dm_store *st, const char *sql, struct dm_stmt **out, struct dm_error *err)
{
	struct sq_stmt *s;
	const char *tail = NULL;
	int rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (dm_fault_hit(DM_FAULT_STORE)) {
		free(s);
		return INJECTED(err, "prepare");
	}
	/* PERSISTENT: these statements live in our cache for the connection's life. */
	rc = sqlite3_prepare_v3(db_of(st), sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt, &tail);
	if (rc != SQLITE_OK) {
		rc = sq_error(db_of(st), rc, sql, err);
		free(s);
		return rc;
	}
	while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == '\r' || *tail == ';'))
		tail++;
	if (!s->stmt || (tail && *tail)) {
		sqlite3_finalize(s->stmt);
		free(s);
		return dm_error_set(err, DM_EUSAGE, NULL, "a prepared statement must hold exactly one statement: \"%.300s\"",
				    sql);
	}
	*out = &s->base;
	return 0;
}

static void sq_finalize(struct dm_stmt *s)
{
	sqlite3_finalize(stmt_of(s));
	free(s);
}

static void sq_reset(struct dm_stmt *s)
{
	((struct sq_stmt *)s)->bind_rc = SQLITE_OK;
	sqlite3_reset(stmt_of(s));
	sqlite3_clear_bindings(stmt_of(s));
}

/* SQLite would ignore a failed bind and store NULL: remember it so that step refuses. */
static void bound(struct dm_stmt *s, int i, int rc)
{
	struct sq_stmt *q = (struct sq_stmt *)s;
	if (rc != SQLITE_OK && q->bind_rc == SQLITE_OK) {
		q->bind_rc = rc;
		q->bind_index = i;
	}
}

static void sq_bind_null(struct dm_stmt *s, int i)
{
	bound(s, i, sqlite3_bind_null(stmt_of(s), i));
}

static void sq_bind_int(struct dm_stmt *s, int i, int64_t v)
{
	bound(s, i, sqlite3_bind_int64(stmt_of(s), i, v));
}

static void sq_bind_real(struct dm_stmt *s, int i, double v)
{
	bound(s, i, sqlite3_bind_double(stmt_of(s), i, v));
}

static void sq_bind_text(struct dm_stmt *s, int i, const char *v)
{
	bound(s, i, sqlite3_bind_text(stmt_of(s), i, v, -1, SQLITE_TRANSIENT));
}

static void sq_bind_blob(struct dm_stmt *s, int i, const void *v, size_t n)
{
	bound(s, i, sqlite3_bind_blob64(stmt_of(s), i, v, n, SQLITE_TRANSIENT));
}

static int sq_step(struct dm_stmt *s, struct dm_error *err)
{
	struct sq_stmt *q = (struct sq_stmt *)s;
	int rc;
	if (q->bind_rc == SQLITE_RANGE)
		return dm_error_set(err, DM_EUSAGE, NULL, "parameter %d out of range (the statement has %d) in \"%.300s\"",
				    q->bind_index, sqlite3_bind_parameter_count(q->stmt), s->sql);
	if (q->bind_rc == SQLITE_NOMEM)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory binding a parameter");
	if (q->bind_rc != SQLITE_OK)
		return dm_error_set(err, DM_EINVAL, NULL, "cannot bind parameter %d: %s", q->bind_index,
				    sqlite3_errstr(q->bind_rc));
	if (dm_fault_hit(DM_FAULT_STORE))
		return INJECTED(err, "step");
	rc = sqlite3_step(stmt_of(s));
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	rc = sq_error(db_of(s->st), rc, s->sql, err);
	sqlite3_reset(stmt_of(s)); /* releases the statement's locks */
	return rc;
}

static int sq_column_count(struct dm_stmt *s)
{
	return sqlite3_column_count(stmt_of(s));
}

static const char *sq_column_name(struct dm_stmt *s, int i)
{
	return sqlite3_column_name(stmt_of(s), i);
}

static enum dm_coltype sq_column_type(struct dm_stmt *s, int i)
{
	switch (sqlite3_column_type(stmt_of(s), i)) {
	case SQLITE_INTEGER: return DM_COL_INT;
	case SQLITE_FLOAT: return DM_COL_REAL;
	case SQLITE_TEXT: return DM_COL_TEXT;
	case SQLITE_BLOB: return DM_COL_BLOB;
	default: return DM_COL_NULL;
	}
}

static int64_t sq_column_int(struct dm_stmt *s, int i)
{
	return sqlite3_column_int64(stmt_of(s), i);
}

static double sq_column_real(struct dm_stmt *s, int i)
{
	return sqlite3_column_double(stmt_of(s), i);
}

static const char *sq_column_text(struct dm_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(stmt_of(s), i);
}

static const void *sq_column_blob(struct dm_stmt *s, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(stmt_of(s), i);
	if (n)
		*n = (size_t)sqlite3_column_bytes(stmt_of(s), i);
	return p;
}

static int64_t sq_changes(struct dm_stmt *s)
{
	return sqlite3_changes64(db_of(s->st));
}

const struct dm_store_ops dm_store_sqlite_ops = {
	.dialect = DM_DIALECT_SQLITE,
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.set_busy_timeout = sq_set_busy_timeout,
	.backup = sq_backup,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.reset = sq_reset,
	.bind_null = sq_bind_null,
	.bind_int = sq_bind_int,
	.bind_real = sq_bind_real,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.step = sq_step,
	.column_count = sq_column_count,
	.column_name = sq_column_name,
	.column_type = sq_column_type,
	.column_int = sq_column_int,
	.column_real = sq_column_real,
	.column_text = sq_column_text,
	.column_blob = sq_column_blob,
	.changes = sq_changes,
};
