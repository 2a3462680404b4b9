/* landrelease.h: land release accounting (IMAS 07.11): each hazard's cancelled, reduced,
 * cleared and remaining area, and its automatic closure and reopening. */
#ifndef DEMINE_LANDRELEASE_H
#define DEMINE_LANDRELEASE_H
#include "demine/record.h"

struct dm_landrelease_stats {
	size_t hazards;     /* hazards looked at */
	size_t changed;     /* hazards that got a new system version */
	size_t closed;      /* of which closed as fully released */
	size_t reopened;    /* of which reopened */
};

/* Recomputes one hazard's figures from its approved polygon and approved releases; writes a
 * system version when they changed. Runs inside the caller's transaction if there is one. */
int dm_landrelease_recompute(struct dm_db *db, const char *hazard_id, int *changed, struct dm_error *err);
/* Rebuilds the figures of every hazard (demine landrelease recompute), in one transaction. */
int dm_landrelease_recompute_all(struct dm_db *db, struct dm_landrelease_stats *st, struct dm_error *err);

#endif
