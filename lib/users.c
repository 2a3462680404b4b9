/* users.c: users, Argon2id password hashes, hashed sessions and tokens, failed-login counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "demine/users.h"
#include "demine/auth.h"
#include "demine/password.h"
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

int dm_users_migrate_3(struct dm_store *st, struct dm_error *err)
{
	return dm_store_exec(st, "ALTER TABLE users ADD COLUMN demo BIGINT NOT NULL DEFAULT 0;"
			     "DROP TABLE login_failures;"
			     "CREATE TABLE login_throttle (key TEXT PRIMARY KEY, failures BIGINT NOT NULL,"
			     " last_at BIGINT NOT NULL, next_at BIGINT NOT NULL);", err);
}

/* Migration 7: the language a user's answers are written in ("" = the browser's). */
int dm_users_migrate_7(struct dm_store *st, struct dm_error *err)
{
	return dm_store_exec(st, "ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';", err);
}

static int sodium_ready(struct dm_error *err)
{
	if (sodium_init() < 0)
		return dm_error_set(err, DM_EIO, NULL, "libsodium could not be initialised");
	return 0;
}

/* The Argon2id cost: libsodium's INTERACTIVE limits, or the minimum for tests. */
static int fast_hashing(void)
{
	const char *fast = getenv("DEMINE_ARGON2_FAST");
	return fast && !strcmp(fast, "1");
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], struct dm_error *err)
{
	int fast = fast_hashing(), rc = sodium_ready(err);
	if (rc)
		return rc;
	if (crypto_pwhash_str(out, password, strlen(password),
			      fast ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      fast ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE))
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory while hashing the password");
	return 0;
}

/* A demo account's published password needs only to be sane; everyone else's passes the rule. */
static int check_new_password(const char *login, const char *password, int demo, struct dm_error *err)
{
	if (!demo)
		return dm_password_check(login, password, err);
	if (!password || !*password || strlen(password) > DM_PASSWORD_MAX_BYTES)
		return dm_error_set(err, DM_EINVAL, "password", "password must be 1 to %d bytes", DM_PASSWORD_MAX_BYTES);
	return 0;
}

/* Verified instead of a real hash when the login is unknown or disabled, with the same cost as
 * a real one, so the time of an answer does not tell whether an account exists. */
static const char *dummy_hash(void)
{
	return fast_hashing() ? "$argon2id$v=19$m=8,t=1,p=1$9N7ETsnq06WMSnThcdhZuw$ahAXr74WVPYDNSFxHZdApYLRWg+y7O8DCuJPPqwNBLg"
			      : "$argon2id$v=19$m=65536,t=2,p=1$aODk+WlppyZmefSOqVXbLg$baGgSMVzimmu2nSrwsznHYIjxOQkEcV3mIHUxBhqmsI";
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
		const char *full_name, const char *password, unsigned flags, struct dm_error *err)
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
	if ((rc = check_new_password(login, password, flags & DM_USER_DEMO, err)) ||
	    (rc = hash_password(password, hash, err)))
		return rc;
	dm_now(now);
	if ((rc = dm_stmt_prepare(dm_db_store(db), "INSERT INTO users (login, full_name, role, org_id, pw_hash,"
				  " disabled, created_at, demo) VALUES (?, ?, ?, ?, ?, 0, ?, ?)", &s, err)))
		return rc;
	dm_stmt_bind_text(s, 1, login);
	dm_stmt_bind_text(s, 2, full_name);
	dm_stmt_bind_text(s, 3, role);
	dm_stmt_bind_text(s, 4, org_id && *org_id ? org_id : NULL);
	dm_stmt_bind_text(s, 5, hash);
	dm_stmt_bind_text(s, 6, now);
	dm_stmt_bind_int(s, 7, (flags & DM_USER_DEMO) ? 1 : 0);
	return step_done(s, err);
}

int dm_users_have_demo(struct dm_db *db, struct dm_error *err)
{
	int64_t n = 0;
	int rc = dm_store_query_int(dm_db_store(db), "SELECT COUNT(*) FROM users WHERE demo = 1 AND disabled = 0", NULL,
				    &n, err);
	return rc ? rc : n > 0;
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* Reads a user row (id, login, full_name, role, org_id, disabled, created_at, pw_hash, demo,
 * language). */
#define USER_COLS "u.id, u.login, u.full_name, u.role, u.org_id, u.disabled, u.created_at, u.pw_hash, u.demo, u.language"
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
	u->demo = (int)dm_stmt_column_int(s, 8);
	copy(u->language, sizeof(u->language), dm_stmt_column_text(s, 9));
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
	if (rc || out->disabled) {
		/* the same work as for a real account, and the same answer */
		char dummy[crypto_pwhash_STRBYTES];
		int matched;
		snprintf(dummy, sizeof(dummy), "%s", dummy_hash());
		matched = password && strlen(password) <= 1024 &&
			  !crypto_pwhash_str_verify(dummy, password, strlen(password));
		(void)matched;
		return dm_error_set(err, DM_EPERM, NULL, "wrong user name or password");
	}
	if (crypto_pwhash_str_verify(hash, password, strlen(password)))
		return dm_error_set(err, DM_EPERM, NULL, "wrong user name or password");
	return 0;
}

static void token_hash(const char *token, char out[65]);

/* Revokes the sessions and tokens of user id but the one of keep_token (NULL: all). */
static int revoke_user_sessions(struct dm_db *db, int64_t id, const char *keep_token, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	char keep[65] = "";
	int rc;
	if (keep_token)
		token_hash(keep_token, keep);
	rc = dm_stmt_prepare(dm_db_store(db), "UPDATE sessions SET revoked = 1 WHERE user_id = ? AND token_hash <> ?", &s,
			     err);
	if (rc)
		return rc;
	dm_stmt_bind_int(s, 1, id);
	dm_stmt_bind_text(s, 2, keep);
	return step_done(s, err);
}

int dm_user_set_password(struct dm_db *db, const char *login, const char *password, const char *keep_token,
			 struct dm_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	struct dm_user u;
	struct dm_stmt *s = NULL;
	struct dm_store *st = dm_db_store(db);
	int rc = dm_user_get(db, login, &u, err);
	if (!rc)
		rc = dm_password_check(login, password, err);
	if (!rc)
		rc = hash_password(password, hash, err);
	if (!rc)
		rc = dm_store_begin(st, err);
	if (rc)
		return rc;
	rc = dm_stmt_prepare(st, "UPDATE users SET pw_hash = ?, demo = 0 WHERE id = ?", &s, err);
	if (!rc) {
		dm_stmt_bind_text(s, 1, hash);
		dm_stmt_bind_int(s, 2, u.id);
		rc = step_done(s, err);
	}
	if (!rc)
		rc = revoke_user_sessions(db, u.id, keep_token, err);
	if (!rc)
		return dm_store_commit(st, err);
	dm_store_rollback(st);
	return rc;
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
		rc = revoke_user_sessions(db, u.id, NULL, err);
	if (!rc)
		return dm_store_commit(st, err);
	dm_store_rollback(st);
	return rc;
}

int dm_user_set_language(struct dm_db *db, const char *login, const char *language, struct dm_error *err)
{
	struct dm_user u;
	struct dm_stmt *s = NULL;
	int rc;
	if (!language || (*language && strcmp(language, "az") && strcmp(language, "en") && strcmp(language, "ru")))
		return dm_error_set(err, DM_EINVAL, "language", "language '%s' is not one of az, en, ru (or \"\" for the browser's)",
				    language ? language : "(null)");
	if ((rc = dm_user_get(db, login, &u, err)))
		return rc;
	rc = dm_stmt_prepare(dm_db_store(db), "UPDATE users SET language = ? WHERE id = ?", &s, err);
	if (!rc) {
		dm_stmt_bind_text(s, 1, language);
		dm_stmt_bind_int(s, 2, u.id);
		rc = step_done(s, err);
	}
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
	return json_pack("{s:s, s:s?, s:s, s:s?, s:b, s:b, s:s, s:s?}", "login", u->login,
			 "full_name", u->full_name[0] ? u->full_name : NULL, "role", u->role,
			 "org_id", u->org_id[0] ? u->org_id : NULL, "disabled", u->disabled, "demo", u->demo,
			 "created_at", u->created_at, "language", u->language[0] ? u->language : NULL);
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
		copy(csrf_out, 65, dm_stmt_column_text(s, 10));
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

struct throttle_row {
	int64_t failures, last_at, next_at;
	int found;
};

static int read_throttle(struct dm_db *db, const char *key, struct throttle_row *t, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(dm_db_store(db), "SELECT failures, last_at, next_at FROM login_throttle WHERE key = ?",
				 &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, key);
	memset(t, 0, sizeof(*t));
	rc = dm_stmt_step(s, err);
	if (rc == 1) {
		t->found = 1;
		t->failures = dm_stmt_column_int(s, 0);
		t->last_at = dm_stmt_column_int(s, 1);
		t->next_at = dm_stmt_column_int(s, 2);
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

/* When the attempt after `failures` failures may come, at `now`. */
static int64_t next_allowed(const struct dm_throttle *t, int64_t failures, int64_t now)
{
	int64_t wait = t->base, k;
	if (failures < t->free_failures)
		return 0;
	for (k = t->free_failures; k < failures && wait < t->cap; k++)
		wait *= 2;
	return now + (wait < t->cap ? wait : t->cap);
}

/* Moves key from the state read (old) to failures/next_at, only if nobody moved it since:
 * 1 when it did, 0 when another attempt came first. */
static int swap_throttle(struct dm_db *db, const char *key, const struct throttle_row *old, int64_t failures,
			 int64_t now, int64_t next_at, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int64_t changed = 0;
	int rc;
	if (!old->found) {
		rc = dm_stmt_prepare(dm_db_store(db), "INSERT INTO login_throttle (key, failures, last_at, next_at)"
				     " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING", &s, err);
		if (rc)
			return rc;
		dm_stmt_bind_text(s, 1, key);
		dm_stmt_bind_int(s, 2, failures);
		dm_stmt_bind_int(s, 3, now);
		dm_stmt_bind_int(s, 4, next_at);
	} else {
		rc = dm_stmt_prepare(dm_db_store(db), "UPDATE login_throttle SET failures = ?, last_at = ?, next_at = ?"
				     " WHERE key = ? AND failures = ? AND last_at = ?", &s, err);
		if (rc)
			return rc;
		dm_stmt_bind_int(s, 1, failures);
		dm_stmt_bind_int(s, 2, now);
		dm_stmt_bind_int(s, 3, next_at);
		dm_stmt_bind_text(s, 4, key);
		dm_stmt_bind_int(s, 5, old->failures);
		dm_stmt_bind_int(s, 6, old->last_at);
	}
	rc = dm_stmt_step(s, err);
	if (rc >= 0)
		changed = dm_stmt_changes(s);
	dm_stmt_finalize(s);
	return rc < 0 ? rc : changed > 0;
}

int dm_login_attempt(struct dm_db *db, const char *key, const struct dm_throttle *t, int64_t *retry_after,
		     struct dm_error *err)
{
	struct throttle_row row;
	int64_t now, failures;
	int rc, tries;
	*retry_after = 0;
	for (tries = 0; tries < 20; tries++) {
		now = (int64_t)time(NULL);
		if ((rc = read_throttle(db, key, &row, err)))
			return rc;
		if (row.found && now < row.next_at) {
			*retry_after = row.next_at - now;
			return dm_error_set(err, DM_ELIMIT, NULL, "too many failed logins; try again in %lld s",
					    (long long)*retry_after);
		}
		/* counted as a failure now, forgotten when the login succeeds */
		failures = row.found && now - row.last_at <= t->window ? row.failures + 1 : 1;
		rc = swap_throttle(db, key, &row, failures, now, next_allowed(t, failures, now), err);
		if (rc)
			return rc < 0 ? rc : 0;
	}
	return dm_error_set(err, DM_EIO, NULL, "the login throttle of '%s' kept changing", key);
}

int dm_login_reset(struct dm_db *db, const char *key, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(dm_db_store(db), "DELETE FROM login_throttle WHERE key = ?", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, key);
	return step_done(s, err);
}
