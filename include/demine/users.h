/* users.h: users of the server, their passwords (Argon2id), sessions and bearer tokens
 * (stored only as SHA-256 hashes, with expiry and revocation), and failed-login counting. */
#ifndef DEMINE_USERS_H
#define DEMINE_USERS_H
#include <stdint.h>
#include <jansson.h>
#include "demine/db.h"

struct dm_user {
	int64_t id;
	char login[64];
	char full_name[256];
	char role[32];
	char org_id[64]; /* "" when none */
	int disabled;
	char created_at[32];
};

/* Creates the users, sessions and login_failures tables (database migration 2). */
int dm_users_migrate(struct dm_store *st, struct dm_error *err);

/* Adds a user. role must be a role a person can hold (admin, im_officer, operator,
 * va_officer, donor, viewer); org_id and full_name may be NULL. The password is hashed with
 * Argon2id: the cost is libsodium's INTERACTIVE limits, or the minimum when the environment
 * has DEMINE_ARGON2_FAST=1 (tests). DM_EEXIST when the login is taken. */
int dm_user_add(struct dm_db *db, const char *login, const char *role, const char *org_id,
		const char *full_name, const char *password, struct dm_error *err);
/* DM_ENOTFOUND when there is no such user. */
int dm_user_get(struct dm_db *db, const char *login, struct dm_user *out, struct dm_error *err);
/* Checks a login and password: 0 and *out filled, or DM_EPERM (unknown user, wrong password
 * or disabled account: one message for all three). */
int dm_user_verify(struct dm_db *db, const char *login, const char *password, struct dm_user *out,
		   struct dm_error *err);
int dm_user_set_password(struct dm_db *db, const char *login, const char *password, struct dm_error *err);
/* Disables an account and revokes its sessions and tokens. */
int dm_user_disable(struct dm_db *db, const char *login, struct dm_error *err);
/* Calls fn for each user, by login. */
int dm_user_list(struct dm_db *db, int (*fn)(const struct dm_user *u, void *arg), void *arg,
		 struct dm_error *err);
/* {"login","full_name","role","org_id","disabled","created_at"}; caller frees. */
json_t *dm_user_to_json(const struct dm_user *u);

/* Sessions (kind "session", for cookies) and bearer tokens (kind "token").
 * token_out receives the secret (64 hex chars + NUL; only its hash is stored), csrf_out a
 * CSRF token (65 bytes) and expires_out the expiry (ISO 8601 UTC, 32 bytes). */
int dm_session_create(struct dm_db *db, const struct dm_user *u, const char *kind, int64_t ttl_seconds,
		      char token_out[65], char csrf_out[65], char expires_out[32], struct dm_error *err);
/* Finds the live (unexpired, unrevoked, user enabled) session of kind for token: 0 with *u and
 * csrf_out filled, else DM_ENOTFOUND. */
int dm_session_lookup(struct dm_db *db, const char *token, const char *kind, struct dm_user *u,
		      char csrf_out[65], struct dm_error *err);
int dm_session_revoke(struct dm_db *db, const char *token, struct dm_error *err);

/* Failed logins under key ("user:LOGIN", "addr:IP") within the last window seconds: *n, and
 * *retry_after the seconds until the oldest of them leaves the window. */
int dm_login_failures(struct dm_db *db, const char *key, int64_t window, int64_t *n,
		      int64_t *retry_after, struct dm_error *err);
int dm_login_failure_add(struct dm_db *db, const char *key, struct dm_error *err);
int dm_login_failures_clear(struct dm_db *db, const char *key, struct dm_error *err);

#endif
