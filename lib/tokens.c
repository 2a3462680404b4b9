/* tokens.c: named, expiring, scoped API tokens of users (rows of the sessions table). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "demine/store.h"
#include "demine/tokens.h"
#include "demine/fold.h"
#include "demine/util.h"

int dm_tokens_migrate(struct dm_store *st, struct dm_error *err)
{
	return dm_store_exec(st, "ALTER TABLE sessions ADD COLUMN name TEXT;"
			     "ALTER TABLE sessions ADD COLUMN scope TEXT NOT NULL DEFAULT 'full';", err);
}

static void hash_hex(const char *secret, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

void dm_token_id(const char *secret, char id[17])
{
	char h[65];
	hash_hex(secret, h);
	memcpy(id, h, 16);
	id[16] = 0;
}

static void iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int check_args(const char *name, const char *scope, int64_t days, struct dm_error *err)
{
	if (name && (strlen(name) > DM_TOKEN_NAME_MAX || !dm_utf8_valid(name)))
		return dm_error_set(err, DM_EINVAL, "name", "token name must be valid UTF-8 of at most %d bytes",
				    DM_TOKEN_NAME_MAX);
	if (scope && strcmp(scope, "full") && strcmp(scope, "read"))
		return dm_error_set(err, DM_EINVAL, "scope", "scope '%s' is not full or read", scope);
	if (days < 1 || days > DM_TOKEN_MAX_DAYS)
		return dm_error_set(err, DM_EINVAL, "expires_in_days", "a token lasts 1 to %d days, not %lld",
				    DM_TOKEN_MAX_DAYS, (long long)days);
	return 0;
}

int dm_token_create(struct dm_db *db, const struct dm_user *u, const char *name, const char *scope, int64_t days,
		    char secret_out[65], struct dm_token *out, struct dm_error *err)
{
	unsigned char rnd[32];
	char hash[65], csrf[65];
	struct dm_token t;
	struct dm_stmt *s = NULL;
	int64_t now = (int64_t)time(NULL), exp = now + days * 86400;
	int rc;
	if ((rc = check_args(name, scope, days, err)))
		return rc;
	if (sodium_init() < 0)
		return dm_error_set(err, DM_EIO, NULL, "libsodium failed to initialise");
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(secret_out, 65, rnd, sizeof(rnd));
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(csrf, 65, rnd, sizeof(rnd));
	hash_hex(secret_out, hash);
	memset(&t, 0, sizeof(t));
	memcpy(t.id, hash, 16);
	snprintf(t.name, sizeof(t.name), "%s", name ? name : "");
	snprintf(t.scope, sizeof(t.scope), "%s", scope ? scope : "full");
	iso_time(now, t.created_at);
	iso_time(exp, t.expires_at);
	rc = dm_stmt_prepare(dm_db_store(db), "INSERT INTO sessions (token_hash, user_id, csrf, kind, created_at,"
			     " expires_at, revoked, name, scope) VALUES (?, ?, ?, 'token', ?, ?, 0, ?, ?)", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, hash);
	dm_stmt_bind_int(s, 2, u->id);
	dm_stmt_bind_text(s, 3, csrf);
	dm_stmt_bind_text(s, 4, t.created_at);
	dm_stmt_bind_int(s, 5, exp);
	dm_stmt_bind_text(s, 6, t.name[0] ? t.name : NULL);
	dm_stmt_bind_text(s, 7, t.scope);
	rc = dm_stmt_step(s, err);
	dm_stmt_finalize(s);
	if (rc < 0)
		return err->code;
	if (out)
		*out = t;
	return 0;
}

int dm_token_lookup(struct dm_db *db, const char *secret, struct dm_user *u, char scope_out[8],
		    struct dm_error *err)
{
	char hash[65], csrf[65];
	struct dm_stmt *s = NULL;
	int rc = dm_session_lookup(db, secret, "token", u, csrf, err);
	if (rc)
		return rc;
	hash_hex(secret, hash);
	if ((rc = dm_stmt_prepare(dm_db_store(db), "SELECT scope FROM sessions WHERE token_hash = ?", &s, err)))
		return rc;
	dm_stmt_bind_text(s, 1, hash);
	rc = dm_stmt_step(s, err);
	/* a scope this version does not know grants nothing more than reading */
	snprintf(scope_out, 8, "%s", rc == 1 && !strcmp(dm_stmt_column_text(s, 0), "full") ? "full" : "read");
	dm_stmt_finalize(s);
	return rc < 0 ? err->code : 0;
}

int dm_token_list(struct dm_db *db, int64_t user_id, int (*fn)(const struct dm_token *t, void *arg), void *arg,
		  struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	struct dm_token t;
	const char *v;
	int rc = dm_stmt_prepare(dm_db_store(db), "SELECT token_hash, name, scope, created_at, expires_at FROM sessions"
				 " WHERE user_id = ? AND kind = 'token' AND revoked = 0 AND expires_at > ?"
				 " ORDER BY created_at DESC, token_hash", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_int(s, 1, user_id);
	dm_stmt_bind_int(s, 2, (int64_t)time(NULL));
	while ((rc = dm_stmt_step(s, err)) == 1) {
		memset(&t, 0, sizeof(t));
		memcpy(t.id, dm_stmt_column_text(s, 0), 16);
		snprintf(t.name, sizeof(t.name), "%s", (v = dm_stmt_column_text(s, 1)) ? v : "");
		snprintf(t.scope, sizeof(t.scope), "%s", dm_stmt_column_text(s, 2));
		snprintf(t.created_at, sizeof(t.created_at), "%s", dm_stmt_column_text(s, 3));
		iso_time(dm_stmt_column_int(s, 4), t.expires_at);
		if ((rc = fn(&t, arg)))
			break;
	}
	dm_stmt_finalize(s);
	return rc < 0 ? err->code : rc;
}

int dm_token_revoke_id(struct dm_db *db, int64_t user_id, const char *id, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int64_t n;
	int rc;
	if (!id || strlen(id) != 16 || strspn(id, "0123456789abcdef") != 16)
		return dm_error_set(err, DM_ENOTFOUND, "id", "no token '%s'", id ? id : "");
	rc = dm_stmt_prepare(dm_db_store(db), "UPDATE sessions SET revoked = 1 WHERE user_id = ? AND kind = 'token'"
			     " AND revoked = 0 AND expires_at > ? AND substr(token_hash, 1, 16) = ?", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_int(s, 1, user_id);
	dm_stmt_bind_int(s, 2, (int64_t)time(NULL));
	dm_stmt_bind_text(s, 3, id);
	rc = dm_stmt_step(s, err);
	n = rc < 0 ? 0 : dm_stmt_changes(s);
	dm_stmt_finalize(s);
	if (rc < 0)
		return err->code;
	return n ? 0 : dm_error_set(err, DM_ENOTFOUND, "id", "you have no live token '%s'", id);
}

json_t *dm_token_to_json(const struct dm_token *t)
{
	return json_pack("{s:s, s:s?, s:s, s:s, s:s}", "id", t->id, "name", t->name[0] ? t->name : NULL, "scope",
			 t->scope, "created_at", t->created_at, "expires_at", t->expires_at);
}
