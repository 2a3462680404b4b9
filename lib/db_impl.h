/* db_impl.h: the inside of struct dm_db, shared by the library modules that need it. */
#ifndef DM_DB_IMPL_H
#define DM_DB_IMPL_H
#include "demine/db.h"

/* Caches a module keeps per connection, each in its slot with the function that frees it:
 * struct dm_db knows none of their insides (the admin areas belong to locate.c). */
enum dm_db_cache_slot {
	DM_CACHE_AREAS, /* admin areas for locating records (locate.c) */
	DM_CACHE_NSLOTS
};
struct dm_db_cache {
	void *p;
	void (*destroy)(struct dm_db *db, void *p);
};

struct dm_db {
	struct dm_store *st;
	struct dm_schema *schema;
	struct dm_geo *geo;
	char *setting; /* the last value dm_db_setting returned */
	/* Change counters already bumped in transaction counted_txn: once per transaction is
	 * enough for ETags, and PostgreSQL slows down quadratically when one transaction
	 * updates the same row thousands of times (each update walks the row's versions). */
	unsigned long counted_txn;
	char counted[8][64];
	int ncounted;
	struct dm_db_cache caches[DM_CACHE_NSLOTS];
	/* Bulk import: code counters handed out from memory after the first real bump of each
	 * prefix, and written once by dm_rec_codes_flush() (the same quadratic slowdown). */
	int codes_batch;
	struct {
		char prefix[64];
		int64_t n;
	} codes[16];
	int ncodes;
};

/* The cache in slot, or NULL. */
void *dm_db_cache(struct dm_db *db, enum dm_db_cache_slot slot);
/* Puts p in slot (destroying what was there); destroy frees it on dm_db_cache_drop or close. */
void dm_db_cache_set(struct dm_db *db, enum dm_db_cache_slot slot, void *p,
		     void (*destroy)(struct dm_db *db, void *p));
void dm_db_cache_drop(struct dm_db *db, enum dm_db_cache_slot slot);
const char *dm_db_column_sqltype(const struct dm_store *st, enum dm_ftype t);
/* Creates missing record tables and adds columns for fields declared since (db.c). */
int dm_db_sync_type_tables(struct dm_store *st, const struct dm_schema *sc, struct dm_error *err);
/* Reads field_def into db->schema, in the order the fields were declared (db_fields.c). */
int dm_db_load_extra_fields(struct dm_db *db, struct dm_error *err);
/* Adds the extra field described by a field_def row to db->schema. */
int dm_db_extra_from_row(struct dm_db *db, struct dm_stmt *s, struct dm_error *err);

#endif
