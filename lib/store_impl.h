/* store_impl.h: the inside of the store interface: the vtable each backend fills and the common headers. */
#ifndef DM_STORE_IMPL_H
#define DM_STORE_IMPL_H
#include "demine/store.h"

struct dm_stmt;

/* One backend. store.c owns the generic parts (transaction nesting, the statement cache,
 * the aborted flag); a backend only talks to its database. */
struct dm_store_ops {
	enum dm_dialect dialect;
	/* Allocates the backend's store (which embeds struct dm_store first) and connects. */
	int (*open)(const char *uri, int create, struct dm_store **out, struct dm_error *err);
	void (*close)(struct dm_store *st);
	int (*exec)(struct dm_store *st, const char *sql, struct dm_error *err);
	int (*begin)(struct dm_store *st, struct dm_error *err);
	int (*commit)(struct dm_store *st, struct dm_error *err);
	void (*rollback)(struct dm_store *st);
	int (*set_busy_timeout)(struct dm_store *st, int ms, struct dm_error *err);
	int (*backup)(struct dm_store *st, const char *dest_path, struct dm_error *err);

	/* Allocates the backend's statement (which embeds struct dm_stmt first). */
	int (*prepare)(struct dm_store *st, const char *sql, struct dm_stmt **out, struct dm_error *err);
	void (*finalize)(struct dm_stmt *s);    /* really frees it */
	void (*reset)(struct dm_stmt *s);       /* clears bindings and results */
	void (*bind_null)(struct dm_stmt *s, int i);
	void (*bind_int)(struct dm_stmt *s, int i, int64_t v);
	void (*bind_real)(struct dm_stmt *s, int i, double v);
	void (*bind_text)(struct dm_stmt *s, int i, const char *v);
	void (*bind_blob)(struct dm_stmt *s, int i, const void *v, size_t n);
	int (*step)(struct dm_stmt *s, struct dm_error *err);
	void (*stream)(struct dm_stmt *s); /* NULL where rows are read one at a time anyway */
	int (*column_count)(struct dm_stmt *s);
	const char *(*column_name)(struct dm_stmt *s, int i);
	enum dm_coltype (*column_type)(struct dm_stmt *s, int i);
	int64_t (*column_int)(struct dm_stmt *s, int i);
	double (*column_real)(struct dm_stmt *s, int i);
	const char *(*column_text)(struct dm_stmt *s, int i);
	const void *(*column_blob)(struct dm_stmt *s, int i, size_t *n);
	int64_t (*changes)(struct dm_stmt *s);
};

/* Idle prepared statements kept per connection (least recently used ones are finalized). */
#define DM_STORE_CACHE_MAX 48

struct dm_store {
	const struct dm_store_ops *ops;
	char *uri;
	int depth;   /* nesting of dm_store_begin */
	int aborted; /* an inner level rolled back: the outer levels must fail */
	unsigned long txn_id; /* see dm_store_txn_id() */
	/* Idle prepared statements, most recently used first, keyed by their SQL text. */
	struct dm_stmt *cache_head, *cache_tail;
	int ncached;
};

struct dm_stmt {
	struct dm_store *st;
	char *sql; /* the cache key; owned */
	struct dm_stmt *cache_prev, *cache_next;
};

extern const struct dm_store_ops dm_store_sqlite_ops;
extern const struct dm_store_ops dm_store_pg_ops;
/* Removes an SQLite database file and the files beside it (-wal, -shm, -journal). */
int dm_store_sqlite_remove(const char *path, struct dm_error *err);

/* Drops every idle cached statement (backends call it after DDL). */
void dm_store_cache_flush(struct dm_store *st);

#endif
