/* lr_figures.h: a hazard's land release figures (IMAS 07.11) from its approved releases, and
 * the hooks that keep them in every hazard version (rec_hooks.c). */
#ifndef DM_LR_FIGURES_H
#define DM_LR_FIGURES_H
#include "demine/geo.h"
#include "hook.h"

/* The approved, not deleted releases of a hazard, oldest first. */
struct dm_lr_releases {
	struct dm_geom *geoms;
	struct dm_lr_release *rel;
	double *areas;
	size_t n, cap;
	json_t *codes;
};
void dm_lr_releases_free(struct dm_lr_releases *r);
/* Reads them (the first to release a square metre gets the credit for it). out is always
 * initialised: free it with dm_lr_releases_free() whatever this returns. */
int dm_lr_load_releases(struct dm_db *db, const char *hazard_id, struct dm_lr_releases *out, struct dm_error *err);

struct dm_lr_figures {
	double area, cancelled, reduced, cleared, remaining, outside;
	int polygon;   /* 1 when the hazard has a polygon: only then does area arithmetic close it */
	size_t nts;    /* approved NTS cancellations among the releases (close a hazard without one) */
};
/* The overlay of h and rl (pure: any thread with its own geo context). */
int dm_lr_compute(struct dm_geo *geo, const struct dm_record *h, struct dm_lr_releases *rl, struct dm_lr_figures *f,
		  struct dm_error *err);
/* Writes the figures into h's fields and moves its land status as they decide (open ->
 * worked_on -> closed and back, with closure_reason saying the system set it; a status set by
 * hand is kept): 0 when nothing changed, 1 when a figure did, 2 when the land status did
 * (*why says how), -1 when out of memory (h then half changed: the caller fails the write). */
int dm_lr_apply_figures(struct dm_db *db, struct dm_record *h, const struct dm_lr_figures *f, size_t nrel,
			const char **why);
/* The approved, not deleted hazard, or NULL in *out (0) when it is not one. */
int dm_lr_load_approved_hazard(struct dm_db *db, const char *hazard_id, struct dm_record **out,
			       struct dm_error *err);
/* Applies f to h and writes a system version through c when anything changed (*changed as
 * dm_lr_apply_figures returns). */
int dm_lr_store_figures(struct dm_hook_ctx *c, struct dm_record *h, const struct dm_lr_figures *f, size_t nrel,
			int *changed, struct dm_error *err);
/* The whole of it for one hazard: load, overlay, store when changed. */
int dm_lr_recompute_hazard(struct dm_hook_ctx *c, const char *hazard_id, int *changed, struct dm_error *err);

/* BEFORE_STORE of a hazard: its figures (and closure, when approved) in this version. */
int dm_lr_hazard_figures_hook(struct dm_hook_ctx *c, struct dm_record *h, struct dm_error *err);
/* AFTER_WRITE of a land release: an approved version recomputes the hazard it releases. */
int dm_lr_release_written_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err);

#endif
