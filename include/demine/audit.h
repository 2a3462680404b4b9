/* audit.h: the audit log, read back: every write, transition, system version, erasure and
 * read of personal data, newest first. The server's GET /api/v1/audit and demine audit. */
#ifndef DEMINE_AUDIT_H
#define DEMINE_AUDIT_H
#include <stdint.h>
#include <jansson.h>
#include "demine/record.h"

/* limit entries (1..1000) from offset, newest first, as objects {seq, at, user, role, action,
 * record_type, record_id, version, detail} in *items (caller frees with json_decref).
 * DM_EPERM unless who may read the audit log (DM_P_AUDIT). */
int dm_audit_list(struct dm_db *db, const struct dm_actor *who, int64_t limit, int64_t offset, json_t **items,
		  struct dm_error *err);

#endif
