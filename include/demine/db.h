/* db.h: a demine database: the store, its schema (builtin + extra fields), settings,
 * and the geometry context. One per thread (a server worker, the CLI). */
#ifndef DEMINE_DB_H
#define DEMINE_DB_H
#include "demine/error.h"
#include "demine/schema.h"
#include "demine/store.h"

struct dm_db;
struct dm_geo;

/* Opens (create=0) or creates (create=1; refuses an existing file) a database, applies
 * migrations and creates the typed tables of every record type. Caller frees with dm_db_close(). */
int dm_db_open(const char *uri, int create, struct dm_db **out, struct dm_error *err);
void dm_db_close(struct dm_db *db);
struct dm_store *dm_db_store(struct dm_db *db);
const struct dm_schema *dm_db_schema(const struct dm_db *db);
struct dm_geo *dm_db_geo(struct dm_db *db);

/* Settings kept in the database (table setting): e.g. "rates.sources" = "manual,cbar,ecb",
 * "rates.max_age_days" = "7", "landrelease.tolerance_m2" = "1". Returns def when unset.
 * The returned string is valid until the next call on db. */
const char *dm_db_setting(struct dm_db *db, const char *key, const char *def);
int dm_db_set_setting(struct dm_db *db, const char *key, const char *value, struct dm_error *err);

/* Declares an extra field on a record type (demine field add): stored in field_def, column
 * added, validated like builtin ones from then on. */
int dm_db_add_field(struct dm_db *db, const char *type, const struct dm_field *f, struct dm_error *err);

/* enum dm_ftype from its name ("text", "enum", ...); 0 if unknown. */
enum dm_ftype dm_ftype_from_name(const char *name);

#endif
