/* openrosa.h: a field submission taken in: read (xform.h), written through the single write
 * path as submitted records of the sender's organisation, kept with its attachments, once per
 * instanceID (idempotency.h). The HTTP face is src/server_openrosa.c. */
#ifndef DEMINE_OPENROSA_H
#define DEMINE_OPENROSA_H
#include <stddef.h>
#include <stdint.h>
#include "demine/record.h"
#include "demine/xform.h"

struct dm_or_file {
	const char *name;
	const void *data;
	size_t len;
};

struct dm_or_result {
	int status;          /* HTTP status of the answer: 201, 400, 403, 404, 409, 413, 422 */
	char message[1024];  /* what the answer says */
	char record_id[37];  /* the main record, when written */
	int replayed;        /* 1 when the answer is the stored one of an identical resend */
};

/* Takes a submission from who. Always fills res (the answer to give); returns 0 when it was
 * accepted (new or replayed), else the error (err says why, with details per question).
 * A submission refused by validation is kept as rejected with its reason; nothing else is
 * written for a refused one. */
int dm_openrosa_submit(struct dm_db *db, const struct dm_actor *who, const char *xml, size_t len,
		       const struct dm_or_file *files, size_t nfiles,
		       const char *(*current_version)(const struct dm_form *f, void *arg), void *arg,
		       struct dm_or_result *res, struct dm_error *err);

/* The field submissions as JSON (newest first): state "accepted" or "rejected", reason, form,
 * record_id, user, received_at; state NULL = both. Caller frees. */
json_t *dm_openrosa_submissions(struct dm_db *db, const char *state, int64_t limit, struct dm_error *err);

#endif
