/* db.c: opening a demine database: migrations, the typed tables generated from the field
 * tables, settings and a deployment's extra fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/db.h"
#include "demine/geo.h"
#include "demine/util.h"
#include "demine/users.h"
#include "db_impl.h"

/* Migrations: numbered, applied once each, in order, inside one transaction each. The typed
 * record tables are not listed here: they follow the field tables (see sync_type_tables). */
static int migration_1(struct dm_store *st, struct dm_error *err)
{
	struct dm_buf b;
	int rc;
	dm_buf_init(&b, 0);
	dm_buf_add(&b, "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);");
	dm_buf_add(&b, "CREATE TABLE field_def (record_type TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,"
		       " flags BIGINT NOT NULL, allowed TEXT, unit TEXT, link_type TEXT, label_en TEXT,"
		       " label_az TEXT, label_ru TEXT, hxl TEXT, help TEXT, created_at TEXT NOT NULL,"
		       " PRIMARY KEY (record_type, name));");
	dm_buf_add(&b, "CREATE TABLE code_seq (prefix TEXT PRIMARY KEY, n BIGINT NOT NULL);");
	/* Every record's id, type and codes: resolves an id, a code or a legacy code to a type. */
	dm_buf_add(&b, "CREATE TABLE record_index (id TEXT PRIMARY KEY, record_type TEXT NOT NULL,"
		       " code TEXT NOT NULL UNIQUE, external_id TEXT);");
	dm_buf_add(&b, "CREATE INDEX record_index_external ON record_index (external_id);");
	/* Links of the newest version of every record, for "what points at this hazard". */
	dm_buf_add(&b, "CREATE TABLE record_link (from_id TEXT NOT NULL, field TEXT NOT NULL, to_id TEXT NOT NULL,"
		       " PRIMARY KEY (from_id, field, to_id));");
	dm_buf_add(&b, "CREATE INDEX record_link_to ON record_link (to_id);");
	dm_buf_addf(&b, "CREATE TABLE audit (seq %s, at TEXT NOT NULL, user_name TEXT NOT NULL,"
			" role TEXT NOT NULL, action TEXT NOT NULL, record_type TEXT, record_id TEXT,"
			" version BIGINT, detail TEXT);", dm_store_type_serial_pk(st));
	dm_buf_add(&b, "CREATE INDEX audit_record ON audit (record_id);");
	dm_buf_add(&b, "CREATE INDEX audit_at ON audit (at);");
	/* One change counter per layer, so tile ETags stay valid across server processes. */
	dm_buf_add(&b, "CREATE TABLE change_counter (name TEXT PRIMARY KEY, n BIGINT NOT NULL);");
	rc = b.overflow ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory") : dm_store_exec(st, b.s, err);
	dm_buf_release(&b);
	return rc;
}

static const struct migration {
	int version;
	int (*apply)(struct dm_store *st, struct dm_error *err);
} migrations[] = {
	{ 1, migration_1 },
	{ 2, dm_users_migrate }, /* users, sessions, tokens, failed logins */
	{ 3, dm_users_migrate_3 }, /* demo accounts, login throttling with backoff */
};

static int apply_migrations(struct dm_store *st, struct dm_error *err)
{
	size_t i;
	int64_t have = 0;
	int rc;
	struct dm_stmt *s = NULL;
	char now[32];
	rc = dm_store_exec(st, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY,"
			       " applied_at TEXT NOT NULL)", err);
	if (rc)
		return rc;
	rc = dm_store_query_int(st, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL, &have, err);
	if (rc)
		return rc;
	for (i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
		if (migrations[i].version <= have)
			continue;
		if ((rc = dm_store_begin(st, err)))
			return rc;
		rc = migrations[i].apply(st, err);
		if (!rc)
			rc = dm_stmt_prepare(st, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", &s, err);
		if (!rc) {
			dm_now(now);
			dm_stmt_bind_int(s, 1, migrations[i].version);
			dm_stmt_bind_text(s, 2, now);
			rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
			dm_stmt_finalize(s);
			s = NULL;
		}
		if (rc) {
			dm_store_rollback(st);
			dm_error_prefix(err, "migration %d", migrations[i].version);
			return rc;
		}
		if ((rc = dm_store_commit(st, err)))
			return rc;
	}
	return 0;
}

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

/* Asks the catalogue, not the table: on PostgreSQL a failed SELECT would abort the
 * transaction that creates the tables. */
int dm_db_table_exists(struct dm_store *st, const char *table)
{
	int64_t n = 0;
	struct dm_error e;
	dm_error_init(&e);
	if (dm_store_query_int(st, dm_store_dialect(st) == DM_DIALECT_POSTGRES
					   ? "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
					     " AND tablename = CAST(? AS TEXT)"
					   : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
			       table, &n, &e))
		n = 0;
	dm_error_release(&e);
	return n > 0;
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
		if (t->geom != DM_GEOM_NONE && dm_store_dialect(st) == DM_DIALECT_SQLITE)
			dm_buf_addf(&b, "CREATE VIRTUAL TABLE %s_rtree USING rtree(rid, minx, maxx, miny, maxy);"
					"CREATE TABLE %s_rtree_id (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);",
				    t->name, t->name);
		else if (t->geom != DM_GEOM_NONE)
			dm_buf_addf(&b, "CREATE INDEX %s_bbox ON \"%s\" (minx, maxx, miny, maxy);", t->name, t->name);
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
		if (!dm_db_table_exists(st, x->table))
			continue;
		snprintf(sql, sizeof(sql), "CREATE INDEX IF NOT EXISTS %s ON \"%s\" (%s)", x->name, x->table, x->columns);
		rc = dm_store_exec(st, sql, err);
	}
	return rc;
}

/* Creates missing record tables and adds columns for fields declared since (extras, or a
 * newer release's builtin fields), so the tables always follow the field tables. */
static int sync_type_tables(struct dm_store *st, const struct dm_schema *sc, struct dm_error *err)
{
	size_t i;
	int rc = dm_store_begin(st, err);
	char hist[80];
	for (i = 0; !rc && i < sc->ntypes; i++) {
		const struct dm_type *t = &sc->types[i];
		snprintf(hist, sizeof(hist), "%s_history", t->name);
		if (!dm_db_table_exists(st, t->name))
			rc = create_type_table(st, t, 0, err);
		else
			rc = add_missing_columns(st, t, t->name, err);
		if (rc)
			break;
		if (!dm_db_table_exists(st, hist))
			rc = create_type_table(st, t, 1, err);
		else
			rc = add_missing_columns(st, t, hist, err);
		if (!rc)
			rc = history_indexes(st, t, err);
	}
	if (!rc)
		rc = create_read_indexes(st, err);
	if (rc) {
		dm_store_rollback(st);
		return rc;
	}
	return dm_store_commit(st, err);
}

static int load_extra_fields(struct dm_db *db, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	char sql[300];
	int rc;
	/* the order of extra fields is the order of their columns in listings and exports */
	snprintf(sql, sizeof(sql), "SELECT record_type, name, kind, flags, allowed, unit, link_type,"
		 " label_en, label_az, label_ru, hxl, help FROM field_def ORDER BY created_at%s, name%s",
		 dm_store_collate_binary(db->st), dm_store_collate_binary(db->st));
	rc = dm_stmt_prepare(db->st, sql, &s, err);
	while (!rc && (rc = dm_stmt_step(s, err)) == 1) {
		rc = dm_db_extra_from_row(db, s, err);
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

int dm_db_open(const char *uri, int create, struct dm_db **out, struct dm_error *err)
{
	struct dm_db *db = calloc(1, sizeof(*db));
	int rc;
	*out = NULL;
	if (!db)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	rc = dm_store_open(uri, create, &db->st, err);
	if (!rc)
		rc = apply_migrations(db->st, err);
	if (!rc) {
		db->schema = dm_schema_new_builtin();
		if (!db->schema)
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	if (!rc)
		rc = load_extra_fields(db, err);
	if (!rc)
		rc = sync_type_tables(db->st, db->schema, err);
	if (!rc) {
		db->geo = dm_geo_new();
		if (!db->geo)
			rc = dm_error_set(err, DM_EIO, NULL, "cannot initialise GEOS/PROJ");
	}
	if (rc) {
		dm_db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

void dm_db_close(struct dm_db *db)
{
	if (!db)
		return;
	dm_rec_forget_areas(db);
	if (db->geo)
		dm_geo_free(db->geo);
	dm_schema_free(db->schema);
	dm_store_close(db->st);
	free(db->setting);
	free(db);
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
