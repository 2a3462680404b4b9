/* store.h: the one store interface (SQL with '?' placeholders) over SQLite or PostgreSQL. */
#ifndef DEMINE_STORE_H
#define DEMINE_STORE_H
#include <stdint.h>
#include <stddef.h>
#include "demine/error.h"
#include "demine/util.h"

struct dm_store;
struct dm_stmt;

enum dm_dialect { DM_DIALECT_SQLITE = 1, DM_DIALECT_POSTGRES = 2 };
enum dm_coltype { DM_COL_NULL = 0, DM_COL_INT, DM_COL_REAL, DM_COL_TEXT, DM_COL_BLOB };

/* Opens a store: "postgresql://..." or "postgres://..." (libpq), else a file path (SQLite: WAL,
 * synchronous=FULL, foreign keys on, busy timeout 10 s).
 * create: 0 = the database must exist (DM_ENOTFOUND), 1 = create it (an existing file is refused
 * with DM_EEXIST; on PostgreSQL, a database already holding table schema_migrations is).
 * Migrations are dm_db_open()'s job, not the store's. Caller frees with dm_store_close(). */
int dm_store_open(const char *uri, int create, struct dm_store **out, struct dm_error *err);
/* For --force: removes an SQLite database file with its -wal, -shm and -journal files (a stale
 * -wal left beside a new file would be replayed into it). Missing files are fine.
 * PostgreSQL URIs: DM_EUSAGE. */
int dm_store_remove(const char *uri, struct dm_error *err);
void dm_store_close(struct dm_store *st);
enum dm_dialect dm_store_dialect(const struct dm_store *st);
const char *dm_store_uri(const struct dm_store *st);

/* Transactions. begin() takes the write lock at once (SQLite BEGIN IMMEDIATE), so a
 * write transaction never fails half-way for lock upgrade reasons. Nesting is counted:
 * only the outermost begin/commit reaches the database; rollback at any level aborts all. */
int dm_store_begin(struct dm_store *st, struct dm_error *err);
int dm_store_commit(struct dm_store *st, struct dm_error *err);
void dm_store_rollback(struct dm_store *st);
int dm_store_in_transaction(const struct dm_store *st);
/* Changes when an outermost transaction begins and when any level rolls back: lets a caller
 * do a piece of work once per transaction, and again after a rollback undid it. */
unsigned long dm_store_txn_id(const struct dm_store *st);

/* Runs SQL without results (may hold several statements, no parameters). */
int dm_store_exec(struct dm_store *st, const char *sql, struct dm_error *err);

/* Prepared statements, with '?' placeholders counted from 1.
 * Caller frees with dm_stmt_finalize(), which returns the statement to a per-connection cache
 * keyed by the SQL text (reset, bindings cleared), so the same SQL prepares cheaply again.
 * Portable SQL: a '?' must get its type from its context on PostgreSQL; where it cannot
 * ("? IS NULL", "SELECT ?"+"?"), write CAST(? AS INTEGER) / CAST(? AS TEXT). On PostgreSQL a
 * failed statement aborts the whole transaction: do not catch a constraint error and go on in
 * the same transaction (use INSERT ... ON CONFLICT, or check first). Binding an index the
 * statement does not have makes the next step fail with DM_EUSAGE. */
int dm_stmt_prepare(struct dm_store *st, const char *sql, struct dm_stmt **out, struct dm_error *err);
void dm_stmt_finalize(struct dm_stmt *s);
int dm_stmt_reset(struct dm_stmt *s); /* for re-use: clears bindings and results */
void dm_stmt_bind_null(struct dm_stmt *s, int i);
void dm_stmt_bind_int(struct dm_stmt *s, int i, int64_t v);
void dm_stmt_bind_real(struct dm_stmt *s, int i, double v);
void dm_stmt_bind_text(struct dm_stmt *s, int i, const char *v); /* NULL binds NULL; copied */
void dm_stmt_bind_blob(struct dm_stmt *s, int i, const void *v, size_t n); /* copied */
/* Returns 1 with a row, 0 when done, negative on error (err filled). */
int dm_stmt_step(struct dm_stmt *s, struct dm_error *err);
/* Says a query may return more rows than should be held at once (an export, a listing without
 * a limit, the hazards of a recompute): call it after prepare, before the first step. SQLite
 * steps one row at a time anyway; PostgreSQL then reads the rows through a cursor, a page at a
 * time, instead of the whole result in one answer, so memory stays bounded whatever the
 * table holds. Other statements may run on the connection between the steps. */
void dm_stmt_stream(struct dm_stmt *s);
int dm_stmt_column_count(struct dm_stmt *s);
const char *dm_stmt_column_name(struct dm_stmt *s, int i);
enum dm_coltype dm_stmt_column_type(struct dm_stmt *s, int i);
int64_t dm_stmt_column_int(struct dm_stmt *s, int i);
double dm_stmt_column_real(struct dm_stmt *s, int i);
const char *dm_stmt_column_text(struct dm_stmt *s, int i); /* NULL if SQL NULL; valid until next step */
const void *dm_stmt_column_blob(struct dm_stmt *s, int i, size_t *n);
/* Rows changed by the last step of an INSERT/UPDATE/DELETE. */
int64_t dm_stmt_changes(struct dm_stmt *s);

/* Waits up to ms for another writer's lock (SQLite busy timeout, default 10000; PostgreSQL
 * lock_timeout) before failing with DM_EBUSY "database is locked by another writer". */
int dm_store_set_busy_timeout(struct dm_store *st, int ms, struct dm_error *err);

/* Online backup of an SQLite store into a new file dest_path (refuses an existing file; other
 * connections may keep writing meanwhile). PostgreSQL: DM_EUSAGE, use pg_dump. */
int dm_store_backup(struct dm_store *st, const char *dest_path, struct dm_error *err);

/* Dialect differences, kept few. Domain SQL sorts text in byte order on both stores by writing
 * "ORDER BY x%s" with dm_store_collate_binary() ("" on SQLite, where BINARY is the default;
 * " COLLATE \"C\"" on PostgreSQL). DDL uses dm_store_type_blob() ("BLOB"/"BYTEA") and
 * dm_store_type_serial_pk() ("INTEGER PRIMARY KEY AUTOINCREMENT"/"BIGSERIAL PRIMARY KEY");
 * new serial ids are read with INSERT ... RETURNING id, which both stores accept. */
const char *dm_store_collate_binary(const struct dm_store *st);
const char *dm_store_type_blob(const struct dm_store *st);
const char *dm_store_type_serial_pk(const struct dm_store *st);

/* The box index of a table: a two-dimensional index on its rows' boxes (columns minx, miny,
 * maxx, maxy; NULL when a row has no geometry), the store's own (an R*Tree on SQLite, GiST on
 * PostgreSQL). Boxes meet when they overlap or touch. */
/* Creates it when missing, on every open (older databases get the current kind). */
int dm_store_box_index_ensure(struct dm_store *st, const char *table, struct dm_error *err);
/* After row id of table was written (create: a new row): box (minx, miny, maxx, maxy) is its
 * box now, NULL when it has none. */
int dm_store_box_index_put(struct dm_store *st, const char *table, const char *id, int create, const double *box,
			   struct dm_error *err);
/* Appends "SELECT <ids of table's rows whose boxes meet a query box>" to b; the query box is
 * four parameters, in the order minx, miny, maxx, maxy. Use it as "id IN (...)". */
void dm_store_box_index_ids(struct dm_store *st, struct dm_buf *b, const char *table);
/* 1 when more than a part (1/denominator) of table's rows have boxes meeting box, 0 when not,
 * -1 when the store cannot tell more cheaply than by running the query itself. */
int dm_store_box_index_share_above(struct dm_store *st, const char *table, const double box[4], int denominator);
/* Builds it again from the rows of table (after a bulk copy into the table). */
int dm_store_box_index_rebuild(struct dm_store *st, const char *table, struct dm_error *err);

/* Whether table exists, asked of the catalogue (never fails a PostgreSQL transaction). */
int dm_store_table_exists(struct dm_store *st, const char *table);
/* The store's own consistency check (SQLite's integrity_check): fn receives each problem;
 * stores without one (PostgreSQL without amcheck) report none. */
int dm_store_check_integrity(struct dm_store *st, int (*fn)(const char *problem, void *arg), void *arg,
			     struct dm_error *err);
/* After rows were inserted with explicit ids into table's serial column: the next id follows
 * them (SQLite's AUTOINCREMENT does by itself). */
int dm_store_follow_serial(struct dm_store *st, const char *table, const char *column, struct dm_error *err);
/* Starts a read-only transaction that sees one snapshot of every table (a copy's source). */
int dm_store_begin_snapshot(struct dm_store *st, struct dm_error *err);
/* 1 when the database is a file demine may remove again (SQLite), 0 when it is a server's. */
int dm_store_is_file(const struct dm_store *st);

/* Convenience: run one statement and read a single integer (0 rows -> *out untouched, returns 0). */
int dm_store_query_int(struct dm_store *st, const char *sql, const char *text_arg, int64_t *out,
		       struct dm_error *err);

#endif
