/* rec_hooks.h: the table of the record types' domain hooks and the function that runs them
 * (the write path's only way to reach domain rules; it never names a record type). */
#ifndef DM_REC_HOOKS_H
#define DM_REC_HOOKS_H
#include "hook.h"

/* The table, in the order hooks run within an event; *n receives its length. */
const struct dm_hook *dm_rec_hooks(size_t *n);
/* Runs every hook of event for r's type (and the "*" rows), in table order; stops at the
 * first that refuses. */
int dm_rec_hooks_run(struct dm_hook_ctx *c, enum dm_hook_event event, struct dm_record *r, struct dm_error *err);

#endif
