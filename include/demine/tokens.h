/* tokens.h: the API tokens users make for themselves (scripts, QGIS, GDAL): a name, an expiry,
 * a scope ("full", or "read": GET only, for GIS clients), listed and revoked by their id. They
 * are rows of the sessions table (kind "token"), stored only as SHA-256 hashes. */
#ifndef DEMINE_TOKENS_H
#define DEMINE_TOKENS_H
#include <stdint.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/users.h"

#define DM_TOKEN_MAX_DAYS 365
#define DM_TOKEN_NAME_MAX 100

struct dm_token {
	char id[17];        /* the first 16 hex digits of the token's hash: names it, cannot be used */
	char name[DM_TOKEN_NAME_MAX + 1];
	char scope[8];      /* "full" or "read" */
	char created_at[32];
	char expires_at[32];
};

/* Migration 4: the name and scope of tokens. */
int dm_tokens_migrate(struct dm_store *st, struct dm_error *err);

/* Makes a token for u: name may be NULL or "" (at most DM_TOKEN_NAME_MAX bytes), scope NULL
 * (= "full") or "full" or "read", days 1 to DM_TOKEN_MAX_DAYS. secret_out gets the token (64
 * hex digits + NUL; only its hash is kept), *out (may be NULL) its description. DM_EINVAL
 * naming the field otherwise. */
int dm_token_create(struct dm_db *db, const struct dm_user *u, const char *name, const char *scope, int64_t days,
		    char secret_out[65], struct dm_token *out, struct dm_error *err);
/* Finds the live token secret: 0 with *u and scope_out ("full"/"read") filled, else
 * DM_ENOTFOUND. */
int dm_token_lookup(struct dm_db *db, const char *secret, struct dm_user *u, char scope_out[8],
		    struct dm_error *err);
/* Calls fn for each live (unexpired, unrevoked) token of user_id, newest first. */
int dm_token_list(struct dm_db *db, int64_t user_id, int (*fn)(const struct dm_token *t, void *arg), void *arg,
		  struct dm_error *err);
/* Revokes the live token of user_id whose id is id; DM_ENOTFOUND when the user has none. */
int dm_token_revoke_id(struct dm_db *db, int64_t user_id, const char *id, struct dm_error *err);
/* The id of a token secret (to mark the caller's own token in a list). */
void dm_token_id(const char *secret, char id[17]);
/* {"id","name","scope","created_at","expires_at"}; caller frees. */
json_t *dm_token_to_json(const struct dm_token *t);

#endif
