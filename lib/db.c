/* db.c: a demine database: its connection, schema and geometry context, the typed tables
 * generated from the field tables, settings, and per-connection caches. Opening one (the
 * migrations) is db_open.c's, a layer above this one and users.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/db.h"
#include "demine/geo.h"
#include "demine/util.h"
#include "db_impl.h"

const char *dm_db_column_sqltype(const struct dm_store *st, enum dm_ftype t)
{
	switch (t) {
	case DM_F_INT:
	case DM_F_BOOL:
	case DM_F_MONEY:
		return "BIGINT";
	case DM_F_REAL:
	case DM_F_AREA:
		return "DOUBLE PRECISION";
	default:
		return "TEXT";
	}
}

/* The common columns of every record table and its history. */
static void common_columns(struct dm_buf *b, const struct dm_store *st)
{
	dm_buf_addf(b, "id TEXT NOT NULL, code TEXT NOT NULL, external_id TEXT, version BIGINT NOT NULL,"
		       " status TEXT NOT NULL, approved_version BIGINT NOT NULL DEFAULT 0,"
		       " deleted BIGINT NOT NULL DEFAULT 0, organisation TEXT, location TEXT,"
		       " date_of_information TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
		       " updated_by TEXT NOT NULL, updated_at TEXT NOT NULL, change_reason TEXT,"
		       " status_reason TEXT, source_crs TEXT, geom %s, minx DOUBLE PRECISION,"
		       " miny DOUBLE PRECISION, maxx DOUBLE PRECISION, maxy DOUBLE PRECISION",
		    dm_store_type_blob(st));
}

static int table_columns(struct dm_store *st, const char *table, json_t **out, struct dm_error *err)
{
	char sql[200];
	struct dm_stmt *s = NULL;
	int i, n, rc;
	snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" WHERE 1 = 0", table);
	*out = json_object();
	rc = dm_stmt_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	rc = dm_stmt_step(s, err);
	if (rc < 0) {
		dm_stmt_finalize(s);
		return rc;
	}
	n = dm_stmt_column_count(s);
	for (i = 0; i < n; i++)
		json_object_set_new(*out, dm_stmt_column_name(s, i), json_true());
	dm_stmt_finalize(s);
	return 0;
}

static int add_missing_columns(struct dm_store *st, const struct dm_type *t, const char *table,
			       struct dm_error *err)
{
	json_t *have = NULL;
	char sql[300];
	size_t i;
	int rc = table_columns(st, table, &have, err);
	for (i = 0; !rc && i < t->nfields; i++) {
		if (json_object_get(have, t->fields[i].name))
			continue;
		snprintf(sql, sizeof(sql), "ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s", table, t->fields[i].name,
			 dm_db_column_sqltype(st, t->fields[i].type));
		rc = dm_store_exec(st, sql, err);
	}
	json_decref(have);
	return rc;
}

static int create_type_table(struct dm_store *st, const struct dm_type *t, int history, struct dm_error *err)
{
	struct dm_buf b;
	size_t i;
	int rc;
	dm_buf_init(&b, 0);
	dm_buf_addf(&b, "CREATE TABLE \"%s%s\" (", t->name, history ? "_history" : "");
	common_columns(&b, st);
	for (i = 0; i < t->nfields; i++)
		dm_buf_addf(&b, ", \"%s\" %s", t->fields[i].name, dm_db_column_sqltype(st, t->fields[i].type));
	dm_buf_add(&b, history ? ", PRIMARY KEY (id, version));" : ", PRIMARY KEY (id));");
	if (!history) {
		dm_buf_addf(&b, "CREATE UNIQUE INDEX %s_code ON \"%s\" (code);", t->name, t->name);
		dm_buf_addf(&b, "CREATE INDEX %s_status ON \"%s\" (status);", t->name, t->name);
		dm_buf_addf(&b, "CREATE INDEX %s_org ON \"%s\" (organisation);", t->name, t->name);
		dm_buf_addf(&b, "CREATE INDEX %s_loc ON \"%s\" (location);", t->name, t->name);
		dm_buf_addf(&b, "CREATE INDEX %s_doi ON \"%s\" (date_of_information);", t->name, t->name);
		for (i = 0; i < t->nfields; i++)
			if (t->fields[i].type == DM_F_LINK || t->fields[i].type == DM_F_ENUM ||
			    (t->fields[i].flags & DM_FF_INDEX) || t->fields[i].type == DM_F_DATE)
				dm_buf_addf(&b, "CREATE INDEX %s_%s ON \"%s\" (\"%s\");", t->name, t->fields[i].name,
					    t->name, t->fields[i].name);
	} else {
		dm_buf_addf(&b, "CREATE INDEX %s_history_at ON %s_history (id, updated_at);", t->name, t->name);
	}
	rc = dm_store_exec(st, b.s, err);
	dm_buf_release(&b);
	return rc;
}

/* Indexes on history columns that approved versions are looked up by (a hazard's releases):
 * created on every open when missing, so databases made by older releases get them too. */
static int history_indexes(struct dm_store *st, const struct dm_type *t, struct dm_error *err)
{
	char sql[300];
	size_t i;
	int rc = 0;
	for (i = 0; !rc && i < t->nfields; i++) {
		if (!(t->fields[i].flags & DM_FF_HISTORY_INDEX))
			continue;
		snprintf(sql, sizeof(sql), "CREATE INDEX IF NOT EXISTS %s_history_%s ON \"%s_history\" (\"%s\")",
			 t->name, t->fields[i].name, t->name, t->fields[i].name);
		rc = dm_store_exec(st, sql, err);
	}
	return rc;
}

/* Indexes that reads scan instead of the record tables, whose rows carry geometry and JSON:
 * each holds every column its query touches (a covering index), so a dashboard figure over
 * 10^6 finds reads a few tens of megabytes instead of gigabytes. lib/stats.c's figures and
 * the exchange rate look-ups are their readers; a change to those queries changes this list.
 * Created on every open when missing, so older databases get them too. */
static const struct read_index {
	const char *name, *table, *columns;
} read_indexes[] = {
	{ "hazard_by_location_status", "hazard",
	  "location, land_status, remaining_m2, organisation, version, approved_version, deleted" },
	{ "land_release_by_end_date", "land_release",
	  "end_date, method, result, area_m2, location, organisation, version, approved_version, deleted" },
	{ "eo_find_by_category_date", "eo_find",
	  "category, find_date, disposition, quantity, location, organisation, version, approved_version, deleted" },
	{ "exchange_rate_pair_date", "exchange_rate", "from_currency, to_currency, source, date" },
};

static int create_read_indexes(struct dm_store *st, struct dm_error *err)
{
	char sql[400];
	size_t i;
	int rc = 0;
	for (i = 0; !rc && i < sizeof(read_indexes) / sizeof(read_indexes[0]); i++) {
		const struct read_index *x = &read_indexes[i];
		if (!dm_store_table_exists(st, x->table))
			continue;
		snprintf(sql, sizeof(sql), "CREATE INDEX IF NOT EXISTS %s ON \"%s\" (%s)", x->name, x->table, x->columns);
		rc = dm_store_exec(st, sql, err);
	}
	return rc;
}

/* Creates missing record tables and adds columns for fields declared since (extras, or a
 * newer release's builtin fields), so the tables always follow the field tables. */
int dm_db_sync_type_tables(struct dm_store *st, const struct dm_schema *sc, struct dm_error *err)
{
	size_t i;
	int rc = dm_store_begin(st, err);
	char hist[80];
	for (i = 0; !rc && i < sc->ntypes; i++) {
		const struct dm_type *t = &sc->types[i];
		snprintf(hist, sizeof(hist), "%s_history", t->name);
		if (!dm_store_table_exists(st, t->name))
			rc = create_type_table(st, t, 0, err);
		else
			rc = add_missing_columns(st, t, t->name, err);
		if (rc)
			break;
		if (!dm_store_table_exists(st, hist))
			rc = create_type_table(st, t, 1, err);
		else
			rc = add_missing_columns(st, t, hist, err);
		if (!rc)
			rc = history_indexes(st, t, err);
		if (!rc && t->geom != DM_GEOM_NONE)
			rc = dm_store_box_index_ensure(st, t->name, err);
	}
	if (!rc)
		rc = create_read_indexes(st, err);
	if (rc) {
		dm_store_rollback(st);
		return rc;
	}
	return dm_store_commit(st, err);
}

void dm_db_close(struct dm_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < DM_CACHE_NSLOTS; i++)
		dm_db_cache_drop(db, (enum dm_db_cache_slot)i);
	if (db->geo)
		dm_geo_free(db->geo);
	dm_schema_free(db->schema);
	dm_store_close(db->st);
	free(db->setting);
	free(db);
}

void *dm_db_cache(struct dm_db *db, enum dm_db_cache_slot slot)
{
	return db->caches[slot].p;
}

void dm_db_cache_drop(struct dm_db *db, enum dm_db_cache_slot slot)
{
	struct dm_db_cache *c = &db->caches[slot];
	if (c->p && c->destroy)
		c->destroy(db, c->p);
	c->p = NULL;
	c->destroy = NULL;
}

void dm_db_cache_set(struct dm_db *db, enum dm_db_cache_slot slot, void *p,
		     void (*destroy)(struct dm_db *db, void *p))
{
	dm_db_cache_drop(db, slot);
	db->caches[slot].p = p;
	db->caches[slot].destroy = destroy;
}

struct dm_store *dm_db_store(struct dm_db *db) { return db->st; }
const struct dm_schema *dm_db_schema(const struct dm_db *db) { return db->schema; }
struct dm_geo *dm_db_geo(struct dm_db *db) { return db->geo; }

const char *dm_db_setting(struct dm_db *db, const char *key, const char *def)
{
	struct dm_stmt *s = NULL;
	struct dm_error e;
	const char *v = def;
	dm_error_init(&e);
	if (dm_stmt_prepare(db->st, "SELECT value FROM setting WHERE key = ?", &s, &e) == 0) {
		dm_stmt_bind_text(s, 1, key);
		if (dm_stmt_step(s, &e) == 1 && dm_stmt_column_text(s, 0)) {
			free(db->setting);
			db->setting = strdup(dm_stmt_column_text(s, 0));
			v = db->setting;
		}
	}
	dm_stmt_finalize(s);
	dm_error_release(&e);
	return v;
}

int dm_db_set_setting(struct dm_db *db, const char *key, const char *value, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_store_begin(db->st, err);
	if (!rc)
		rc = dm_stmt_prepare(db->st, "DELETE FROM setting WHERE key = ?", &s, err);
	if (!rc) {
		dm_stmt_bind_text(s, 1, key);
		rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
		dm_stmt_finalize(s);
		s = NULL;
	}
	if (!rc)
		rc = dm_stmt_prepare(db->st, "INSERT INTO setting (key, value) VALUES (?, ?)", &s, err);
	if (!rc) {
		dm_stmt_bind_text(s, 1, key);
		dm_stmt_bind_text(s, 2, value);
		rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
		dm_stmt_finalize(s);
	}
	if (rc) {
		dm_store_rollback(db->st);
		return rc;
	}
	return dm_store_commit(db->st, err);
}
