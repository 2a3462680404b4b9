/* idempotency.h: one store of answered writes, keyed by (key, user): a resend of the same body
 * gets the stored answer and writes nothing again; the same key with another body is a
 * conflict. OpenRosa keys by the submission's instanceID; the JSON routes by Idempotency-Key. */
#ifndef DEMINE_IDEMPOTENCY_H
#define DEMINE_IDEMPOTENCY_H
#include <stdint.h>
#include "demine/db.h"

/* Creates the tables of field collection (database migration 4): idempotency, field_submission,
 * attachment, record_attachment, openrosa_digest. */
int dm_field_migrate(struct dm_store *st, struct dm_error *err);
/* Migration 6: HTTP Digest's HA1 is tied to the password hash it was made under, so that a
 * changed password ends Digest with the old one. */
int dm_field_migrate_6(struct dm_store *st, struct dm_error *err);

/* The SHA-256 of a body as 64 hex characters + NUL. */
void dm_idem_hash(const void *body, size_t len, char out[65]);

/* 1 with *status and *response (caller frees) when key was answered for user with a body of
 * hash body_hash; DM_ECONFLICT when it was answered for another body; 0 when never answered. */
int dm_idem_lookup(struct dm_db *db, const char *key, const char *user, const char *body_hash, int64_t *status,
		   char **response, struct dm_error *err);
/* Keeps the answer (inside the caller's transaction, so it commits with the write). */
int dm_idem_store(struct dm_db *db, const char *key, const char *user, const char *body_hash, int64_t status,
		  const char *response, struct dm_error *err);

#endif
