/* rec_hooks.c: the table of domain hooks per record type and event. A rule that derives a
 * figure, or a write that follows another, is a row here; record.c runs them and names no
 * type. docs/architecture.md explains the events and how to add a row. */
#include <string.h>
#include "lr_figures.h"
#include "locate.h"
#include "readiness_rules.h"
#include "rec_hooks.h"

/* Several rows may name the same type and event (e.g. an approved hazard feeding both
 * settlement readiness and search-site safety); they run in this order. */
static const struct dm_hook hooks[] = {
	{ "*", DM_HOOK_LOCATE, dm_locate_hook, "admin area of the record" },
	{ "settlement", DM_HOOK_LOCATE, dm_readiness_located_hook, "a settlement lies in an admin area" },
	{ "*", DM_HOOK_COMPUTE_OWN, dm_compute_own_hook, "geodesic area" },
	{ "hazard", DM_HOOK_BEFORE_STORE, dm_lr_hazard_figures_hook, "land release figures and closure" },
	{ "settlement", DM_HOOK_BEFORE_STORE, dm_readiness_settlement_hook, "readiness for return" },
	{ "access_route", DM_HOOK_BEFORE_STORE, dm_readiness_route_figures_hook, "hazards a route crosses" },
	{ "land_release", DM_HOOK_AFTER_WRITE, dm_lr_release_written_hook, "recompute the hazard released" },
	{ "hazard", DM_HOOK_AFTER_WRITE, dm_readiness_hazard_hook, "readiness of the settlements near it" },
	{ "access_route", DM_HOOK_AFTER_WRITE, dm_readiness_route_hook, "readiness of the settlements it serves" },
	{ "location", DM_HOOK_AFTER_WRITE, dm_locate_forget_hook, "drop the admin area cache" },
};

const struct dm_hook *dm_rec_hooks(size_t *n)
{
	*n = sizeof(hooks) / sizeof(hooks[0]);
	return hooks;
}

int dm_rec_hooks_run(struct dm_hook_ctx *c, enum dm_hook_event event, struct dm_record *r, struct dm_error *err)
{
	size_t i;
	int rc = 0;
	for (i = 0; !rc && i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		const struct dm_hook *h = &hooks[i];
		if (h->event == event && (!strcmp(h->type, "*") || !strcmp(h->type, r->type->name)))
			rc = h->fn(c, r, err);
	}
	return rc;
}
