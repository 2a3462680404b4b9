/* idempotency.c: the store of answered writes (see idempotency.h) and the tables of field
 * collection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "demine/idempotency.h"
#include "demine/store.h"
#include "demine/util.h"

int dm_field_migrate(struct dm_store *st, struct dm_error *err)
{
	struct dm_buf b;
	int rc;
	dm_buf_init(&b, 0);
	dm_buf_add(&b, "CREATE TABLE idempotency (key TEXT NOT NULL, user_name TEXT NOT NULL, body_hash TEXT NOT NULL,"
		       " status BIGINT NOT NULL, response TEXT NOT NULL, created_at TEXT NOT NULL,"
		       " PRIMARY KEY (key, user_name));");
	/* Every field submission, accepted or rejected (with the reason the IM officer reads). */
	dm_buf_add(&b, "CREATE TABLE field_submission (instance_id TEXT NOT NULL, user_name TEXT NOT NULL,"
		       " form_id TEXT NOT NULL, form_version TEXT NOT NULL, state TEXT NOT NULL, reason TEXT,"
		       " record_id TEXT, organisation TEXT, xml TEXT NOT NULL, received_at TEXT NOT NULL,"
		       " PRIMARY KEY (instance_id, user_name));");
	dm_buf_add(&b, "CREATE INDEX field_submission_record ON field_submission (record_id);");
	dm_buf_add(&b, "CREATE INDEX field_submission_state ON field_submission (state, received_at);");
	dm_buf_addf(&b, "CREATE TABLE attachment (sha256 TEXT PRIMARY KEY, media_type TEXT NOT NULL,"
			" size BIGINT NOT NULL, data %s NOT NULL);", dm_store_type_blob(st));
	dm_buf_add(&b, "CREATE TABLE record_attachment (record_id TEXT NOT NULL, name TEXT NOT NULL,"
		       " sha256 TEXT NOT NULL, instance_id TEXT, added_at TEXT NOT NULL, PRIMARY KEY (record_id, name));");
	/* HTTP Digest needs MD5(login:realm:password); kept from the last password login. */
	dm_buf_add(&b, "CREATE TABLE openrosa_digest (login TEXT PRIMARY KEY, ha1 TEXT NOT NULL);");
	rc = b.overflow ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory") : dm_store_exec(st, b.s, err);
	dm_buf_release(&b);
	return rc;
}

int dm_field_migrate_6(struct dm_store *st, struct dm_error *err)
{
	/* HA1 holds only while the password it came from does: rows of an older password (and those
	 * of migration 4, without one) never match again */
	return dm_store_exec(st, "ALTER TABLE openrosa_digest ADD COLUMN pw_hash TEXT;", err);
}

void dm_idem_hash(const void *body, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, body, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int dm_idem_lookup(struct dm_db *db, const char *key, const char *user, const char *body_hash, int64_t *status,
		   char **response, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(dm_db_store(db), "SELECT body_hash, status, response FROM idempotency"
				 " WHERE key = ? AND user_name = ?", &s, err);
	*response = NULL;
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, key);
	dm_stmt_bind_text(s, 2, user);
	rc = dm_stmt_step(s, err);
	if (rc == 1) {
		if (strcmp(dm_stmt_column_text(s, 0), body_hash)) {
			rc = dm_error_set(err, DM_ECONFLICT, "instanceID", "'%.100s' was already sent with other content:"
					  " changed content needs a new key (a field form: a new instanceID, or deprecatedID"
					  " for an edit)", key);
		} else {
			*status = dm_stmt_column_int(s, 1);
			*response = strdup(dm_stmt_column_text(s, 2));
			rc = *response ? 1 : dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		}
	}
	dm_stmt_finalize(s);
	return rc;
}

int dm_idem_store(struct dm_db *db, const char *key, const char *user, const char *body_hash, int64_t status,
		  const char *response, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	char now[32];
	int rc = dm_stmt_prepare(dm_db_store(db), "INSERT INTO idempotency (key, user_name, body_hash, status, response,"
				 " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key, user_name) DO NOTHING", &s, err);
	if (rc)
		return rc;
	dm_now(now);
	dm_stmt_bind_text(s, 1, key);
	dm_stmt_bind_text(s, 2, user);
	dm_stmt_bind_text(s, 3, body_hash);
	dm_stmt_bind_int(s, 4, status);
	dm_stmt_bind_text(s, 5, response);
	dm_stmt_bind_text(s, 6, now);
	rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
	dm_stmt_finalize(s);
	return rc;
}
