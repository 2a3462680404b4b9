/* locate.h: where a record is (its admin area) and what it computes from itself, as hooks
 * of the write path (rec_hooks.c). */
#ifndef DM_LOCATE_H
#define DM_LOCATE_H
#include "hook.h"

/* LOCATE: the admin area holding the record's point or most of its polygon (adm2, else adm1),
 * for records entered without a location. */
int dm_locate_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err);
/* COMPUTE_OWN: figures that depend only on the record itself (geodesic area). */
int dm_compute_own_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err);
/* AFTER_WRITE of a location: drops this connection's admin area cache. */
int dm_locate_forget_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err);

#endif
