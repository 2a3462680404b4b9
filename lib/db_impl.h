/* db_impl.h: the inside of struct dm_db, shared by the library modules that need it. */
#ifndef DM_DB_IMPL_H
#define DM_DB_IMPL_H
#include "demine/db.h"

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
	struct dm_area_cache *areas; /* admin areas for locating records (locate.c) */
	/* Bulk import: code counters handed out from memory after the first real bump of each
	 * prefix, and written once by dm_rec_codes_flush() (the same quadratic slowdown). */
	int codes_batch;
	struct {
		char prefix[64];
		int64_t n;
	} codes[16];
	int ncodes;
};

/* Drops the admin area cache (locate.c): after a location is written, and on close. */
void dm_rec_forget_areas(struct dm_db *db);
const char *dm_db_column_sqltype(const struct dm_store *st, enum dm_ftype t);
/* Whether a table exists, asked of the catalogue (never fails a PostgreSQL transaction). */
int dm_db_table_exists(struct dm_store *st, const char *table);
/* Adds the extra field described by a field_def row to db->schema. */
int dm_db_extra_from_row(struct dm_db *db, struct dm_stmt *s, struct dm_error *err);

#endif
