/* db_open.c: opening a demine database: the migrations (a table above db.c and users.c,
 * which each own their tables), then the typed tables and a deployment's extra fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/db.h"
#include "demine/geo.h"
#include "demine/util.h"
#include "demine/tokens.h"
#include "demine/users.h"
#include "demine/idempotency.h"
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
	{ 1, migration_1 },      /* settings, extra fields, codes, the record index, links, audit */
	{ 2, dm_users_migrate }, /* users, sessions, tokens, failed logins (users.c) */
	{ 3, dm_users_migrate_3 }, /* demo accounts, login throttling with backoff (users.c) */
	{ 4, dm_field_migrate }, /* idempotency, field submissions, attachments (idempotency.c) */
	{ 5, dm_tokens_migrate }, /* names and scopes of API tokens (tokens.c) */
	{ 6, dm_field_migrate_6 }, /* Digest's HA1 tied to the password it came from (idempotency.c) */
	{ 7, dm_users_migrate_7 }, /* the language of each user's answers (users.c) */
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
		rc = dm_db_load_extra_fields(db, err);
	if (!rc)
		rc = dm_db_sync_type_tables(db->st, db->schema, err);
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

