/* readiness_hooks.h: the rows settlement readiness adds to the hook table (rec_hooks.c). */
#ifndef DM_READINESS_HOOKS_H
#define DM_READINESS_HOOKS_H
#include "hook.h"

/* LOCATE of a settlement (after the admin area hook): one outside every admin area is refused. */
int dm_readiness_located_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err);
/* BEFORE_STORE of a settlement: its readiness figures and status in this version. */
int dm_readiness_settlement_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err);
/* AFTER_WRITE of a hazard: approved versions update the routes crossing it and the
 * settlements near it, as system versions naming the cause. */
int dm_readiness_hazard_hook(struct dm_hook_ctx *c, struct dm_record *h, struct dm_error *err);
/* BEFORE_STORE of an access route: the hazards it crosses. */
int dm_readiness_route_figures_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err);
/* AFTER_WRITE of an access route: approved versions update its settlements. */
int dm_readiness_route_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err);

#endif
