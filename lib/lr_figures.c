/* lr_figures.c: a hazard's land release figures. Its remaining area is its polygon minus the
 * union of its approved releases (overlaps once, clipped to the hazard); the figures, and the
 * closure or reopening they decide, are written into the hazard's own versions by the write
 * path's hooks, or as system versions when a release changes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "demine/geo.h"
#include "lr_figures.h"
#include "record_impl.h"

void dm_lr_releases_free(struct dm_lr_releases *r)
{
	size_t i;
	for (i = 0; i < r->n; i++)
		dm_geom_release(&r->geoms[i]);
	free(r->geoms);
	free(r->rel);
	free(r->areas);
	json_decref(r->codes);
}

static int method_index(const char *m)
{
	return !m ? -1 : !strcmp(m, "nts") ? 0 : !strcmp(m, "ts") ? 1 : !strcmp(m, "clearance") ? 2 : -1;
}

/* The approved, not deleted releases of a hazard, oldest first (the first to release a
 * square metre gets the credit for it). */
int dm_lr_load_releases(struct dm_db *db, const char *hazard_id, struct dm_lr_releases *out, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	char sql[400];
	int rc;
	/* byte order on both stores: the order decides which release gets the credit. The
	 * history's index on hazard (DM_FF_HISTORY_INDEX) finds the versions; a pending proposal
	 * may have moved a release to another hazard, so the current row's hazard is not used. */
	snprintf(sql, sizeof(sql),
		 "SELECT h.geom, h.method, h.area_m2, h.code FROM land_release_history h JOIN land_release c"
		 " ON c.id = h.id AND h.version = c.approved_version WHERE h.hazard = ? AND h.deleted = 0"
		 " ORDER BY COALESCE(h.end_date, h.start_date, h.date_of_information, h.created_at)%s, h.code%s",
		 dm_store_collate_binary(db->st), dm_store_collate_binary(db->st));
	rc = dm_stmt_prepare(db->st, sql, &s, err);
	memset(out, 0, sizeof(*out));
	out->codes = json_array();
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, hazard_id);
	while ((rc = dm_stmt_step(s, err)) == 1) {
		size_t len;
		const void *wkb = dm_stmt_column_blob(s, 0, &len);
		int m = method_index(dm_stmt_column_text(s, 1));
		if (m < 0)
			continue;
		if (out->n == out->cap) {
			size_t cap = out->cap;
			struct dm_lr_release *rl = NULL;
			double *ar = NULL;
			int grown = !DM_GROW(out->geoms, out->n + 1, cap);
			if (grown && (rl = dm_realloc_array(out->rel, cap, sizeof(*rl))))
				out->rel = rl;
			if (rl && (ar = dm_realloc_array(out->areas, cap, sizeof(*ar))))
				out->areas = ar;
			if (!ar) {
				rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
				break;
			}
			out->cap = cap;
		}
		memset(&out->geoms[out->n], 0, sizeof(struct dm_geom));
		if (wkb && len) {
			out->geoms[out->n].wkb = malloc(len);
			if (!out->geoms[out->n].wkb) {
				rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
				break;
			}
			memcpy(out->geoms[out->n].wkb, wkb, len);
			out->geoms[out->n].wkb_len = len;
		}
		out->areas[out->n] = dm_stmt_column_real(s, 2);
		out->rel[out->n].method = m;
		json_array_append_new(out->codes, json_string(dm_stmt_column_text(s, 3)));
		out->n++;
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

int dm_lr_compute(struct dm_geo *geo, const struct dm_record *h, struct dm_lr_releases *rl, struct dm_lr_figures *f,
		  struct dm_error *err)
{
	struct dm_lr_result res;
	size_t i, n = 0;
	int rc;
	memset(f, 0, sizeof(*f));
	if (h->geom.wkb && json_is_number(json_object_get(h->fields, "area_m2"))) {
		f->polygon = 1;
		for (i = 0; i < rl->n; i++)
			f->nts += rl->rel[i].method == 0;
		for (i = 0; i < rl->n; i++)
			if (rl->geoms[i].wkb) {
				rl->rel[n].geom = &rl->geoms[i];
				rl->rel[n].method = rl->rel[i].method;
				n++;
			}
		if (n == 0) { /* nothing released: all of it remains (its area was just computed) */
			f->area = f->remaining = json_number_value(json_object_get(h->fields, "area_m2"));
			return 0;
		}
		memset(&res, 0, sizeof(res));
		rc = dm_geo_land_release(geo, &h->geom, rl->rel, n, 0, &res, err);
		if (rc)
			return rc;
		f->area = res.hazard_area_m2;
		f->cancelled = res.cancelled_m2;
		f->reduced = res.reduced_m2;
		f->cleared = res.cleared_m2;
		f->remaining = res.remaining_m2;
		f->outside = res.outside_m2;
		dm_geom_release(&res.remaining);
		return 0;
	}
	/* A hazard known only as a point, or by a description: where its releases lie within it is
	 * unknown, so no area arithmetic reduces it. Its releases count as released outside; an
	 * approved NTS cancellation cancels all of it (and closes it, dm_lr_apply_figures). */
	f->area = json_number_value(json_object_get(h->fields, "estimated_area_m2"));
	for (i = 0; i < rl->n; i++) {
		f->outside += rl->areas[i];
		f->nts += rl->rel[i].method == 0;
	}
	f->cancelled = f->nts ? f->area : 0;
	f->remaining = f->nts ? 0 : f->area;
	return 0;
}

static double round2(double v)
{
	return round(v * 100) / 100;
}

/* 1 when the figure changed, 0 when not, -1 when out of memory. */
static int set_figure(json_t *fields, const char *name, double v)
{
	json_t *old = json_object_get(fields, name);
	v = round2(v);
	if (json_is_number(old) && fabs(json_number_value(old) - v) < 0.005)
		return 0;
	return json_object_set_new(fields, name, json_real(v)) ? -1 : 1;
}

static int set_text(json_t *fields, const char *name, const char *v)
{
	return json_object_set_new(fields, name, v ? json_string(v) : json_null()) ? -1 : 0;
}

/* The reasons the system gives the land status it sets (closure_reason). A status carrying one
 * was set by the figures, which may move it again; any other status was set by hand (a closure
 * with its reason, issue 21's suspended or handed_over) and the figures never overwrite it. */
static const struct system_status {
	const char *reason, *status;
} system_statuses[] = {
	{ "fully released", "closed" },
	{ "cancelled by non-technical survey", "closed" },
	{ "partly released", "worked_on" },
};

static const char *status_of_reason(const char *reason)
{
	size_t i;
	for (i = 0; reason && i < sizeof(system_statuses) / sizeof(system_statuses[0]); i++)
		if (!strcmp(system_statuses[i].reason, reason))
			return system_statuses[i].status;
	return NULL;
}

/* The land status the figures decide, and its reason (NULL for open): none released is open;
 * a polygon with nothing left, or a hazard without one cancelled by NTS, is closed; else
 * worked on. */
static const char *figures_status(const struct dm_lr_figures *f, size_t nrel, double tolerance, const char **reason)
{
	*reason = NULL;
	if (!nrel)
		return "open";
	if (f->polygon ? f->remaining < tolerance : f->nts > 0) {
		*reason = f->polygon ? "fully released" : "cancelled by non-technical survey";
		return "closed";
	}
	*reason = "partly released";
	return "worked_on";
}

/* The history's words for a move from one status to another. */
static const char *move_reason(const char *from, const char *to, const char *reason)
{
	if (!strcmp(to, "closed"))
		return !strcmp(reason, "fully released") ? "closed: fully released" : "closed: cancelled by non-technical survey";
	if (!strcmp(to, "worked_on"))
		return !strcmp(from, "closed") ? "reopened: a release was withdrawn" : "worked on: a first release approved";
	return !strcmp(from, "closed") ? "reopened: every release withdrawn" : "open again: every release withdrawn";
}

/* A status changed by hand keeps no system reason, and a closure by hand takes the reason of
 * the version that closed it. 1 when closure_reason changed, -1 when out of memory. */
static int note_hand_status(struct dm_record *h, const char *ls, const char *reason)
{
	const char *sys = status_of_reason(reason);
	int hand_changed = sys && strcmp(sys, ls); /* a status the system set, changed by a user */
	/* "created" is the reason a new record gets when none was given: not a reason for closing */
	const char *why = h->change_reason && strcmp(h->change_reason, "created") ? h->change_reason : "closed by hand";
	if (!strcmp(ls, "closed") && (hand_changed || !reason))
		return set_text(h->fields, "closure_reason", why) ? -1 : 1;
	if (strcmp(ls, "closed") && reason && (hand_changed || !sys))
		return set_text(h->fields, "closure_reason", NULL) ? -1 : 1;
	return 0;
}

/* Moves the land status as the figures decide, when the figures may: a status they set, open,
 * or worked on (by hand) now fully released. 1 when it moved (*why says how), -1 out of memory. */
static int apply_status(struct dm_record *h, const struct dm_lr_figures *f, double tolerance, size_t nrel,
			const char **why)
{
	const char *ls = json_string_value(json_object_get(h->fields, "land_status"));
	const char *reason = json_string_value(json_object_get(h->fields, "closure_reason"));
	const char *to_reason, *to = figures_status(f, nrel, tolerance, &to_reason);
	const char *sys = status_of_reason(reason);
	int by_system = sys && ls && !strcmp(sys, ls);
	if (!ls)
		ls = "open";
	if (!strcmp(to, ls) || !(by_system || !strcmp(ls, "open") || (!strcmp(ls, "worked_on") && !strcmp(to, "closed"))))
		return 0;
	*why = move_reason(ls, to, to_reason);
	return set_text(h->fields, "land_status", to) || set_text(h->fields, "closure_reason", to_reason) ? -1 : 1;
}

/* Writes the figures into h's fields and moves its land status: 0 when nothing changed, 1 when
 * a figure (or the reason of a status set by hand) did, 2 when the land status moved (*why). */
int dm_lr_apply_figures(struct dm_db *db, struct dm_record *h, const struct dm_lr_figures *f, size_t nrel,
			const char **why)
{
	static const char *const names[] = { "cancelled_m2", "reduced_m2", "cleared_m2", "remaining_m2",
					      "released_outside_m2" };
	const double values[] = { f->cancelled, f->reduced, f->cleared, f->remaining, f->outside };
	double tol = strtod(dm_db_setting(db, "landrelease.tolerance_m2", "1"), NULL);
	const char *ls = json_string_value(json_object_get(h->fields, "land_status"));
	int diff = 0, c;
	*why = "land release figures recomputed";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((c = set_figure(h->fields, names[i], values[i])) < 0)
			return -1;
		diff |= c;
	}
	if (ls) {
		if ((c = note_hand_status(h, ls, json_string_value(json_object_get(h->fields, "closure_reason")))) < 0)
			return -1;
		diff |= c;
	}
	/* Only approved data moves a hazard's land status. */
	if (!strcmp(h->status, "approved") && !h->deleted) {
		if ((c = apply_status(h, f, tol, nrel, why)) < 0)
			return -1;
		if (c)
			diff = 2;
	}
	return diff;
}

/* h's figures from its approved releases, on this thread; *nrel counts the releases. */
static int figures_of(struct dm_db *db, const struct dm_record *h, struct dm_lr_figures *f, size_t *nrel,
		      struct dm_error *err)
{
	struct dm_lr_releases rl;
	int rc = dm_lr_load_releases(db, h->id, &rl, err);
	if (!rc)
		rc = dm_lr_compute(db->geo, h, &rl, f, err);
	*nrel = rl.n;
	dm_lr_releases_free(&rl);
	return rc;
}

/* BEFORE_STORE of a hazard: every version carries the figures of its approved releases. */
int dm_lr_hazard_figures_hook(struct dm_hook_ctx *c, struct dm_record *h, struct dm_error *err)
{
	struct dm_lr_figures f;
	size_t nrel;
	const char *why;
	int rc = figures_of(c->db, h, &f, &nrel, err);
	if (!rc && dm_lr_apply_figures(c->db, h, &f, nrel, &why) < 0)
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	return rc;
}

/* The approved, not deleted hazard id_or_code, or NULL in *out (0) when it is not one. */
int dm_lr_load_approved_hazard(struct dm_db *db, const char *hazard_id, struct dm_record **out,
			       struct dm_error *err)
{
	int rc = dm_rec_load(db, dm_schema_type(db->schema, "hazard"), hazard_id, 0, out, err);
	/* Figures are written on approved hazards; a pending proposal gets them when approved. */
	if (!rc && ((*out)->deleted || strcmp((*out)->status, "approved"))) {
		dm_record_free(*out);
		*out = NULL;
	}
	return rc;
}

int dm_lr_store_figures(struct dm_hook_ctx *c, struct dm_record *h, const struct dm_lr_figures *f, size_t nrel,
			int *changed, struct dm_error *err)
{
	const char *why;
	*changed = dm_lr_apply_figures(c->db, h, f, nrel, &why);
	if (*changed < 0) {
		*changed = 0;
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	return *changed ? c->write_system(c, h, why, err) : 0;
}

int dm_lr_recompute_hazard(struct dm_hook_ctx *c, const char *hazard_id, int *changed, struct dm_error *err)
{
	struct dm_record *h = NULL;
	struct dm_lr_figures f;
	size_t nrel;
	int rc;
	*changed = 0;
	rc = dm_lr_load_approved_hazard(c->db, hazard_id, &h, err);
	if (rc || !h)
		return rc;
	rc = figures_of(c->db, h, &f, &nrel, err);
	if (!rc)
		rc = dm_lr_store_figures(c, h, &f, nrel, changed, err);
	dm_record_free(h);
	return rc;
}

/* AFTER_WRITE of a release: an approved version (or an approved deletion) changes the
 * figures of the hazard it releases. */
int dm_lr_release_written_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err)
{
	int changed;
	const char *hz;
	if (strcmp(r->status, "approved"))
		return 0;
	hz = json_string_value(json_object_get(r->fields, "hazard"));
	return hz ? dm_lr_recompute_hazard(c, hz, &changed, err) : 0;
}

