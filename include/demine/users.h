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
	int demo;        /* a demo account (demine demo): exempt from the password rule */
	char created_at[32];
	char language[8]; /* az, en, ru; "" = as the browser asks (Accept-Language) */
};

#define DM_USER_DEMO 1 /* dm_user_add: a demo account with a published password */

/* Adds users.language (database migration 6). */
int dm_users_migrate_7(struct dm_store *st, struct dm_error *err);
/* Sets the language of login's answers: "az", "en", "ru", or "" for the browser's. */
int dm_user_set_language(struct dm_db *db, const char *login, const char *language, struct dm_error *err);

/* Creates the users, sessions and login_failures tables (database migration 2). */
int dm_users_migrate(struct dm_store *st, struct dm_error *err);
/* Demo accounts and login throttling with backoff (database migration 3). */
int dm_users_migrate_3(struct dm_store *st, struct dm_error *err);

/* Adds a user. role must be a role a person can hold (admin, im_officer, operator,
 * va_officer, donor, viewer); org_id and full_name may be NULL. The password must pass
 * dm_password_check() unless flags has DM_USER_DEMO. It is hashed with Argon2id: the cost is
 * libsodium's INTERACTIVE limits, or the minimum when the environment has
 * DEMINE_ARGON2_FAST=1 (tests). DM_EEXIST when the login is taken. */
int dm_user_add(struct dm_db *db, const char *login, const char *role, const char *org_id,
		const char *full_name, const char *password, unsigned flags, struct dm_error *err);
/* 1 when the database holds a demo account that is not disabled. */
int dm_users_have_demo(struct dm_db *db, struct dm_error *err);
/* DM_ENOTFOUND when there is no such user. */
int dm_user_get(struct dm_db *db, const char *login, struct dm_user *out, struct dm_error *err);
/* Checks a login and password: 0 and *out filled, or DM_EPERM (unknown user, wrong password
 * or disabled account: one message for all three, and the same time taken for all three). */
int dm_user_verify(struct dm_db *db, const char *login, const char *password, struct dm_user *out,
		   struct dm_error *err);
/* Sets a new password (it must pass dm_password_check(); the account is no longer a demo one)
 * and revokes every session and token of the user but keep_token (the caller's own, when users
 * change their own password; NULL revokes all). */
int dm_user_set_password(struct dm_db *db, const char *login, const char *password, const char *keep_token,
			 struct dm_error *err);
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

/* Login throttling: attempts per key ("pair:LOGIN ADDR", "user:LOGIN", "addr:ADDR") with a
 * backoff instead of a lock. The first `free_failures` failures within `window` seconds cost
 * nothing; after them each attempt must wait base * 2^(failures - free_failures) seconds
 * (at most cap) after the previous one. */
struct dm_throttle {
	int64_t free_failures, base, cap, window;
};
/* Counts an attempt under key before its password is checked, atomically, so that parallel
 * guesses cannot pass the limit: 0 when it may go ahead, DM_ELIMIT with *retry_after (seconds)
 * when it must wait. */
int dm_login_attempt(struct dm_db *db, const char *key, const struct dm_throttle *t, int64_t *retry_after,
		     struct dm_error *err);
/* The attempts of key start again (after a successful login). */
int dm_login_reset(struct dm_db *db, const char *key, struct dm_error *err);

#endif
