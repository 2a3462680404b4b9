/* users.c: users, Argon2id password hashes, hashed sessions and tokens, failed-login counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "demine/users.h"
#include "demine/auth.h"
#include "demine/util.h"

int dm_users_migrate(struct dm_store *st, struct dm_error *err)
{
	struct dm_buf b;
	int rc;
	dm_buf_init(&b, 0);
	dm_buf_addf(&b, "CREATE TABLE users (id %s, login TEXT NOT NULL UNIQUE, full_name TEXT,"
			" role TEXT NOT NULL, org_id TEXT, pw_hash TEXT NOT NULL, disabled BIGINT NOT NULL DEFAULT 0,"
			" created_at TEXT NOT NULL);", dm_store_type_serial_pk(st));
	dm_buf_add(&b, "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id),"
		       " csrf TEXT NOT NULL, kind TEXT NOT NULL, created_at TEXT NOT NULL, expires_at BIGINT NOT NULL,"
		       " revoked BIGINT NOT NULL DEFAULT 0);");
	dm_buf_add(&b, "CREATE INDEX sessions_user ON sessions (user_id);");
	dm_buf_add(&b, "CREATE TABLE login_failures (key TEXT NOT NULL, at BIGINT NOT NULL);");
	dm_buf_add(&b, "CREATE INDEX login_failures_key ON login_failures (key, at);");
	rc = b.overflow ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory") : dm_store_exec(st, b.s, err);
	dm_buf_release(&b);
	return rc;
}

static int sodium_ready(struct dm_error *err)
{
	if (sodium_init() < 0)
		return dm_error_set(err, DM_EIO, NULL, "libsodium could not be initialised");
	return 0;
}

static void hash_password_limits(unsigned long long *ops, size_t *mem)
{
	const char *fast = getenv("DEMINE_ARGON2_FAST");
	if (fast && !strcmp(fast, "1")) {
		*ops = crypto_pwhash_OPSLIMIT_MIN;
		*mem = crypto_pwhash_MEMLIMIT_MIN;
	} else {
		*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	}
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], struct dm_error *err)
{
	unsigned long long ops;
	size_t mem;
	int rc = sodium_ready(err);
	if (rc)
		return rc;
	if (!password || strlen(password) < 8)
		return dm_error_set(err, DM_EINVAL, "password", "password is too short (at least 8 characters)");
	if (strlen(password) > 1024)
		return dm_error_set(err, DM_EINVAL, "password", "password is too long (at most 1024 bytes)");
	hash_password_limits(&ops, &mem);
	if (crypto_pwhash_str(out, password, strlen(password), ops, mem))
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory while hashing the password");
	return 0;
}

static int valid_login(const char *login)
{
	size_t n = login ? strlen(login) : 0;
	if (n < 1 || n > 63)
		return 0;
	for (; *login; login++)
		if (!((*login >= 'a' && *login <= 'z') || (*login >= 'A' && *login <= 'Z') ||
		      (*login >= '0' && *login <= '9') || strchr("._-@", *login)))
			return 0;
	return 1;
}

static int person_role(const char *role)
{
	static const char *const ok[] = { "admin", "im_officer", "operator", "va_officer", "donor", "viewer", NULL };
	size_t i;
	for (i = 0; role && ok[i]; i++)
		if (!strcmp(ok[i], role))
			return 1;
	return 0;
}

static int step_done(struct dm_stmt *s, struct dm_error *err)
{
	int rc = dm_stmt_step(s, err);
	dm_stmt_finalize(s);
	return rc < 0 ? err->code : 0;
}

int dm_user_add(struct dm_db *db, const char *login, const char *role, const char *org_id,
		const char *full_name, const char *password, struct dm_error *err)
{
	char hash[crypto_pwhash_STRBYTES], now[32];
	struct dm_stmt *s = NULL;
	struct dm_user u;
	struct dm_error e2;
	int rc;
	if (!valid_login(login))
		return dm_error_set(err, DM_EINVAL, "login", "login '%s' is not 1-63 letters, digits or . _ - @",
				    login ? login : "");
	if (!person_role(role))
		return dm_error_set(err, DM_EINVAL, "role", "role '%s' is not one of admin, im_officer, operator,"
				    " va_officer, donor, viewer", role ? role : "");
	if (full_name && strlen(full_name) > 255)
		return dm_error_set(err, DM_EINVAL, "full_name", "full name is too long (at most 255 bytes)");
	if (org_id && strlen(org_id) > 63)
		return dm_error_set(err, DM_EINVAL, "org_id", "organisation id is too long");
	dm_error_init(&e2);
	rc = dm_user_get(db, login, &u, &e2);
	dm_error_release(&e2);
	if (!rc)
		return dm_error_set(err, DM_EEXIST, "login", "user '%s' already exists", login);
	if ((rc = hash_password(password, hash, err)))
		return rc;
	dm_now(now);
	if ((rc = dm_stmt_prepare(dm_db_store(db), "INSERT INTO users (login, full_name, role, org_id, pw_hash,"
				  " disabled, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)", &s, err)))
		return rc;
	dm_stmt_bind_text(s, 1, login);
	dm_stmt_bind_text(s, 2, full_name);
	dm_stmt_bind_text(s, 3, role);
	dm_stmt_bind_text(s, 4, org_id && *org_id ? org_id : NULL);
	dm_stmt_bind_text(s, 5, hash);
	dm_stmt_bind_text(s, 6, now);
	return step_done(s, err);
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* Reads a user row (id, login, full_name, role, org_id, disabled, created_at, pw_hash). */
#define USER_COLS "u.id, u.login, u.full_name, u.role, u.org_id, u.disabled, u.created_at, u.pw_hash"
static void read_user(struct dm_stmt *s, struct dm_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = dm_stmt_column_int(s, 0);
	copy(u->login, sizeof(u->login), dm_stmt_column_text(s, 1));
	copy(u->full_name, sizeof(u->full_name), dm_stmt_column_text(s, 2));
	copy(u->role, sizeof(u->role), dm_stmt_column_text(s, 3));
	copy(u->org_id, sizeof(u->org_id), dm_stmt_column_text(s, 4));
	u->disabled = (int)dm_stmt_column_int(s, 5);
	copy(u->created_at, sizeof(u->created_at), dm_stmt_column_text(s, 6));
}

/* Fetches a user and (if hash is not NULL) the password hash. */
static int fetch_user(struct dm_db *db, const char *login, struct dm_user *out, char *hash, size_t hn,
		      struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(dm_db_store(db), "SELECT " USER_COLS " FROM users u WHERE u.login = ?", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, login);
	rc = dm_stmt_step(s, err);
	if (rc == 1) {
		read_user(s, out);
		if (hash)
			copy(hash, hn, dm_stmt_column_text(s, 7));
		rc = 0;
	} else if (rc == 0) {
		rc = dm_error_set(err, DM_ENOTFOUND, "login", "no user '%s'", login ? login : "");
	}
	dm_stmt_finalize(s);
	return rc;
}

int dm_user_get(struct dm_db *db, const char *login, struct dm_user *out, struct dm_error *err)
{
	return fetch_user(db, login, out, NULL, 0, err);
}

int dm_user_verify(struct dm_db *db, const char *login, const char *password, struct dm_user *out,
		   struct dm_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	struct dm_error e2;
	int rc = sodium_ready(err);
	if (rc)
		return rc;
	dm_error_init(&e2);
	rc = password && strlen(password) <= 1024 ? fetch_user(db, login, out, hash, sizeof(hash), &e2) : DM_EPERM;
	if (rc == DM_EIO || rc == DM_ENOMEM) {
		dm_error_set(err, rc, NULL, "%s", e2.message);
		dm_error_release(&e2);
		return rc;
	}
	dm_error_release(&e2);
	if (rc || out->disabled || crypto_pwhash_str_verify(hash, password, strlen(password)))
		return dm_error_set(err, DM_EPERM, NULL, "wrong user name or password");
	return 0;
}

int dm_user_set_password(struct dm_db *db, const char *login, const char *password, struct dm_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	struct dm_user u;
	struct dm_stmt *s = NULL;
	int rc = dm_user_get(db, login, &u, err);
	if (!rc)
		rc = hash_password(password, hash, err);
	if (!rc)
		rc = dm_stmt_prepare(dm_db_store(db), "UPDATE users SET pw_hash = ? WHERE id = ?", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, hash);
	dm_stmt_bind_int(s, 2, u.id);
	return step_done(s, err);
}

int dm_user_disable(struct dm_db *db, const char *login, struct dm_error *err)
{
	struct dm_user u;
	struct dm_stmt *s = NULL;
	struct dm_store *st = dm_db_store(db);
	int rc = dm_user_get(db, login, &u, err);
	if (!rc)
		rc = dm_store_begin(st, err);
	if (rc)
		return rc;
	rc = dm_stmt_prepare(st, "UPDATE users SET disabled = 1 WHERE id = ?", &s, err);
	if (!rc) {
		dm_stmt_bind_int(s, 1, u.id);
		rc = step_done(s, err);
	}
	if (!rc)
		rc = dm_stmt_prepare(st, "UPDATE sessions SET revoked = 1 WHERE user_id = ?", &s, err);
	if (!rc) {
		dm_stmt_bind_int(s, 1, u.id);
		rc = step_done(s, err);
	}
	if (!rc)
		return dm_store_commit(st, err);
	dm_store_rollback(st);
	return rc;
}

int dm_user_list(struct dm_db *db, int (*fn)(const struct dm_user *u, void *arg), void *arg,
		 struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	struct dm_user u;
	char sql[512];
	int rc;
	/* Byte order on both stores, so SQLite and PostgreSQL list users alike. */
	snprintf(sql, sizeof(sql), "SELECT " USER_COLS " FROM users u ORDER BY u.login%s",
		 dm_store_collate_binary(dm_db_store(db)));
	rc = dm_stmt_prepare(dm_db_store(db), sql, &s, err);
	if (rc)
		return rc;
	while ((rc = dm_stmt_step(s, err)) == 1) {
		read_user(s, &u);
		if (fn(&u, arg)) {
			rc = 0;
			break;
		}
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

json_t *dm_user_to_json(const struct dm_user *u)
{
	return json_pack("{s:s, s:s?, s:s, s:s?, s:b, s:s}", "login", u->login,
			 "full_name", u->full_name[0] ? u->full_name : NULL, "role", u->role,
			 "org_id", u->org_id[0] ? u->org_id : NULL, "disabled", u->disabled, "created_at", u->created_at);
}

static void to_hex(const unsigned char *in, size_t n, char *out)
{
	sodium_bin2hex(out, n * 2 + 1, in, n);
}

static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	to_hex(h, sizeof(h), out);
}

static void random_hex(char out[65])
{
	unsigned char r[32];
	randombytes_buf(r, sizeof(r));
	to_hex(r, sizeof(r), out);
}

static void iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int dm_session_create(struct dm_db *db, const struct dm_user *u, const char *kind, int64_t ttl_seconds,
		      char token_out[65], char csrf_out[65], char expires_out[32], struct dm_error *err)
{
	char hash[65], now[32];
	struct dm_stmt *s = NULL;
	int64_t exp = (int64_t)time(NULL) + ttl_seconds;
	int rc = sodium_ready(err);
	/* the user's sessions and tokens that expired a day ago are of no use any more */
	if (!rc)
		rc = dm_stmt_prepare(dm_db_store(db), "DELETE FROM sessions WHERE user_id = ? AND expires_at < ?", &s, err);
	if (!rc) {
		dm_stmt_bind_int(s, 1, u->id);
		dm_stmt_bind_int(s, 2, exp - ttl_seconds - 86400);
		rc = step_done(s, err);
	}
	if (!rc)
		rc = dm_stmt_prepare(dm_db_store(db), "INSERT INTO sessions (token_hash, user_id, csrf, kind, created_at,"
				     " expires_at, revoked) VALUES (?, ?, ?, ?, ?, ?, 0)", &s, err);
	if (rc)
		return rc;
	random_hex(token_out);
	random_hex(csrf_out);
	token_hash(token_out, hash);
	dm_now(now);
	iso_time(exp, expires_out);
	dm_stmt_bind_text(s, 1, hash);
	dm_stmt_bind_int(s, 2, u->id);
	dm_stmt_bind_text(s, 3, csrf_out);
	dm_stmt_bind_text(s, 4, kind);
	dm_stmt_bind_text(s, 5, now);
	dm_stmt_bind_int(s, 6, exp);
	return step_done(s, err);
}

int dm_session_lookup(struct dm_db *db, const char *token, const char *kind, struct dm_user *u,
		      char csrf_out[65], struct dm_error *err)
{
	char hash[65];
	struct dm_stmt *s = NULL;
	int rc;
	if (!token || strlen(token) != 64)
		return dm_error_set(err, DM_ENOTFOUND, NULL, "unknown, expired or revoked credentials");
	token_hash(token, hash);
	rc = dm_stmt_prepare(dm_db_store(db), "SELECT " USER_COLS ", s.csrf FROM sessions s JOIN users u"
			     " ON u.id = s.user_id WHERE s.token_hash = ? AND s.kind = ? AND s.revoked = 0"
			     " AND s.expires_at > ? AND u.disabled = 0", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, hash);
	dm_stmt_bind_text(s, 2, kind);
	dm_stmt_bind_int(s, 3, (int64_t)time(NULL));
	rc = dm_stmt_step(s, err);
	if (rc == 1) {
		read_user(s, u);
		copy(csrf_out, 65, dm_stmt_column_text(s, 8));
		rc = 0;
	} else if (rc == 0) {
		rc = dm_error_set(err, DM_ENOTFOUND, NULL, "unknown, expired or revoked credentials");
	}
	dm_stmt_finalize(s);
	return rc;
}

int dm_session_revoke(struct dm_db *db, const char *token, struct dm_error *err)
{
	char hash[65];
	struct dm_stmt *s = NULL;
	int rc;
	if (!token || strlen(token) != 64)
		return dm_error_set(err, DM_ENOTFOUND, NULL, "unknown credentials");
	token_hash(token, hash);
	if ((rc = dm_stmt_prepare(dm_db_store(db), "UPDATE sessions SET revoked = 1 WHERE token_hash = ?", &s, err)))
		return rc;
	dm_stmt_bind_text(s, 1, hash);
	return step_done(s, err);
}

int dm_login_failures(struct dm_db *db, const char *key, int64_t window, int64_t *n,
		      int64_t *retry_after, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int64_t now = (int64_t)time(NULL);
	int rc = dm_stmt_prepare(dm_db_store(db), "SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = ? AND at > ?",
				 &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, key);
	dm_stmt_bind_int(s, 2, now - window);
	*n = 0;
	*retry_after = 0;
	rc = dm_stmt_step(s, err);
	if (rc == 1) {
		*n = dm_stmt_column_int(s, 0);
		if (*n)
			*retry_after = dm_stmt_column_int(s, 1) + window - now;
		if (*retry_after < 1)
			*retry_after = 1;
		rc = 0;
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

int dm_login_failure_add(struct dm_db *db, const char *key, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int64_t now = (int64_t)time(NULL);
	/* failures older than a day count for nothing: keep the table small */
	int rc = dm_stmt_prepare(dm_db_store(db), "DELETE FROM login_failures WHERE key = ? AND at < ?", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, key);
	dm_stmt_bind_int(s, 2, now - 86400);
	if ((rc = step_done(s, err)))
		return rc;
	if ((rc = dm_stmt_prepare(dm_db_store(db), "INSERT INTO login_failures (key, at) VALUES (?, ?)", &s, err)))
		return rc;
	dm_stmt_bind_text(s, 1, key);
	dm_stmt_bind_int(s, 2, now);
	return step_done(s, err);
}

int dm_login_failures_clear(struct dm_db *db, const char *key, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(dm_db_store(db), "DELETE FROM login_failures WHERE key = ?", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, key);
	return step_done(s, err);
}
