/* db_impl.h: the inside of struct dm_db, shared by the library modules that need it. */
#ifndef DM_DB_IMPL_H
#define DM_DB_IMPL_H
#include "demine/db.h"

struct dm_db {
	struct dm_store *st;
	struct dm_schema *schema;
	struct dm_geo *geo;
	char *setting; /* the last value dm_db_setting returned */
};

const char *dm_db_column_sqltype(const struct dm_store *st, enum dm_ftype t);
/* Adds the extra field described by a field_def row to db->schema. */
int dm_db_extra_from_row(struct dm_db *db, struct dm_stmt *s, struct dm_error *err);

#endif
