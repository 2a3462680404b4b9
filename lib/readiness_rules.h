/* readiness_rules.h: settlement readiness (issue 17): the rules, the figures of one settlement,
 * and the rows it adds to the hook table (rec_hooks.c). Shared with readiness.c (the commands). */
#ifndef DM_READINESS_RULES_H
#define DM_READINESS_RULES_H
#include "hook.h"
#include "proximity.h"

struct dm_readiness_rules {
	double buffer_m, cleared_max_m2, blocked_inside_m2;
	int cha, sha, untouched_blocks;
};
/* The rules from the settings; DM_EINVAL naming a bad one. */
int dm_readiness_read_rules(struct dm_db *db, struct dm_readiness_rules *out, struct dm_error *err);

struct dm_readiness_route {
	char code[48], name[120];
	struct dm_geom geom; /* its approved geometry (owned) */
	json_t *crossed;     /* codes of the hazards it crosses */
};

struct dm_readiness_figures {
	struct dm_prox prox;
	size_t accidents, nroutes, routes_blocked;
	int routes_untouched; /* a route crosses a hazard no one works on */
	struct dm_readiness_route *routes;
	const char *status;
	json_t *reasons;
};
void dm_readiness_figures_free(struct dm_readiness_figures *f);
/* The figures of settlement s (its approved neighbours); f always initialised: free it. */
int dm_readiness_compute(struct dm_db *db, const struct dm_record *s, const struct dm_readiness_rules *ru,
			 struct dm_readiness_figures *f, struct dm_error *err);
/* Computes and writes them into s's fields: *changed 0 nothing, 1 a figure, 2 the status. */
int dm_readiness_refresh(struct dm_db *db, struct dm_record *s, int *changed, struct dm_error *err);
/* A route's count of hazards crossed, as a system version through c when it changed. */
int dm_readiness_refresh_route(struct dm_hook_ctx *c, const char *id, struct dm_error *err);
/* The approved, not deleted version of a record of type, or NULL in *out. */
int dm_readiness_load_approved(struct dm_db *db, const char *type, const char *id, struct dm_record **out,
			       struct dm_error *err);
/* Appends the distinct ids a one-column query returns (binds: text, then reals) to ids. */
int dm_readiness_collect_ids(struct dm_db *db, const char *sql, const char *text, const double *reals, int nreals,
			     json_t *ids, struct dm_error *err);

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
