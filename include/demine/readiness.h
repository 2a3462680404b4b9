/* readiness.h: settlement readiness for return (issue 17): per settlement, the hazards not
 * closed inside it and within a buffer, the routes that cross them, the releases and accidents
 * around it, and a status (blocked, in_progress, cleared_for_return) by the rules a national
 * authority sets. Kept current in the approving transaction of every write that changes it. */
#ifndef DEMINE_READINESS_H
#define DEMINE_READINESS_H
#include <jansson.h>
#include "demine/auth.h"
#include "demine/record.h"

/* The readiness rules, one setting each (demine readiness settings):
 *   readiness.buffer_m            500   metres around the settlement (0 to 5000)
 *   readiness.categories          cha,sha  hazard categories that count
 *   readiness.cleared_max_m2      0     cleared for return at or below this hazardous area
 *                                       within the buffer, with no route crossing a hazard
 *   readiness.blocked_inside_m2   0     blocked above this hazardous area inside the built-up
 *                                       polygon
 *   readiness.untouched_blocks    yes   a hazard near it that no one works on (land status
 *                                       open) blocks it; otherwise the status is in_progress
 * Fills *out with {name: {value, default, help}}; caller frees with json_decref(). */
int dm_readiness_settings(struct dm_db *db, json_t **out, struct dm_error *err);
/* Sets one rule after checking it: an unknown name or a bad value is DM_EINVAL naming it. Does
 * not recompute (demine readiness recompute does). */
int dm_readiness_set(struct dm_db *db, const char *name, const char *value, struct dm_error *err);

struct dm_readiness_stats {
	size_t settlements, changed, blocked, in_progress, cleared;
};
/* Recomputes every approved settlement and access route, writing system versions where
 * anything changed, in one transaction. */
int dm_readiness_recompute_all(struct dm_db *db, struct dm_readiness_stats *st, struct dm_error *err);

/* The readiness of one settlement as who may see it: its stored status and figures, the
 * hazards near it (nearest first), its routes and what they cross, and the history of its
 * status. Caller frees *out with json_decref(). DM_ENOTFOUND when who cannot see it. */
int dm_readiness_get(struct dm_db *db, const struct dm_actor *who, const char *id_or_code, json_t **out,
		     struct dm_error *err);

#endif
