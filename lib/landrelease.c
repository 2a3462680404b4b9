/* landrelease.c: land release accounting. A hazard's remaining area is its polygon minus the
 * union of its approved releases (overlaps once, clipped to the hazard); the system writes
 * the figures, and closes or reopens the hazard, as versions of its own. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "demine/auth.h"
#include "demine/geo.h"
#include "demine/landrelease.h"
#include "record_impl.h"

struct releases {
	struct dm_geom *geoms;
	struct dm_lr_release *rel;
	double *areas;
	size_t n, cap;
	json_t *codes;
};

static void releases_free(struct releases *r)
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
static int load_releases(struct dm_db *db, const char *hazard_id, struct releases *out, struct dm_error *err)
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
			size_t cap = out->cap ? out->cap * 2 : 8;
			struct dm_geom *g = realloc(out->geoms, cap * sizeof(*g));
			struct dm_lr_release *rl;
			double *ar;
			if (g)
				out->geoms = g;
			rl = realloc(out->rel, cap * sizeof(*rl));
			if (rl)
				out->rel = rl;
			ar = realloc(out->areas, cap * sizeof(*ar));
			if (ar)
				out->areas = ar;
			if (!g || !rl || !ar) {
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

struct figures {
	double area, cancelled, reduced, cleared, remaining, outside;
};

static int compute(struct dm_geo *geo, const struct dm_record *h, struct releases *rl, struct figures *f,
		   struct dm_error *err)
{
	struct dm_lr_result res;
	size_t i, n = 0;
	int rc;
	memset(f, 0, sizeof(*f));
	if (h->geom.wkb && json_is_number(json_object_get(h->fields, "area_m2"))) {
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
	/* A hazard known only as a point: its entered estimate less what was released. */
	f->area = json_number_value(json_object_get(h->fields, "estimated_area_m2"));
	for (i = 0; i < rl->n; i++) {
		double *slot = rl->rel[i].method == 0 ? &f->cancelled : rl->rel[i].method == 1 ? &f->reduced : &f->cleared;
		*slot += rl->areas[i];
	}
	f->remaining = fmax(0, f->area - f->cancelled - f->reduced - f->cleared);
	return 0;
}

static double round2(double v)
{
	return round(v * 100) / 100;
}

static int set_figure(json_t *fields, const char *name, double v)
{
	json_t *old = json_object_get(fields, name);
	v = round2(v);
	if (json_is_number(old) && fabs(json_number_value(old) - v) < 0.005)
		return 0;
	json_object_set_new(fields, name, json_real(v));
	return 1;
}

/* Closure: remaining under the tolerance closes the hazard; a withdrawn release reopens it. */
static int apply_closure(struct dm_record *h, double remaining, double tolerance, size_t nrel, const char **why)
{
	const char *ls = json_string_value(json_object_get(h->fields, "land_status"));
	const char *reason = json_string_value(json_object_get(h->fields, "closure_reason"));
	if (nrel && remaining < tolerance && (!ls || strcmp(ls, "closed"))) {
		json_object_set_new(h->fields, "land_status", json_string("closed"));
		json_object_set_new(h->fields, "closure_reason", json_string("fully released"));
		*why = "closed: fully released";
		return 1;
	}
	if (remaining >= tolerance && ls && !strcmp(ls, "closed") && reason && !strcmp(reason, "fully released")) {
		json_object_set_new(h->fields, "land_status", json_string(nrel ? "worked_on" : "open"));
		json_object_set_new(h->fields, "closure_reason", json_null());
		*why = "reopened: a release was withdrawn";
		return 1;
	}
	return 0;
}

static int write_system_version(struct dm_db *db, struct dm_record *h, const char *why, struct dm_error *err)
{
	char now[32];
	int64_t cur = h->version;
	int rc;
	dm_now(now);
	h->version++;
	free(h->updated_by);
	h->updated_by = strdup("system");
	free(h->updated_at);
	h->updated_at = strdup(now);
	free(h->change_reason);
	h->change_reason = strdup(why);
	free(h->status_reason);
	h->status_reason = NULL;
	snprintf(h->status, sizeof(h->status), "approved");
	h->approved_version = h->version;
	rc = dm_rec_store(db, h, 0, cur, err);
	if (!rc)
		rc = dm_rec_audit(db, &dm_system_actor, "system_recompute", h, why, err);
	return rc;
}

/* Writes the figures into h's fields and closes or reopens it: 0 when nothing changed, 1 when
 * a figure did, 2 when the hazard was closed or reopened (*why says which). */
static int apply_figures(struct dm_db *db, struct dm_record *h, const struct figures *f, size_t nrel,
			 const char **why)
{
	double tol = strtod(dm_db_setting(db, "landrelease.tolerance_m2", "1"), NULL);
	int diff = 0;
	*why = "land release figures recomputed";
	diff |= set_figure(h->fields, "cancelled_m2", f->cancelled);
	diff |= set_figure(h->fields, "reduced_m2", f->reduced);
	diff |= set_figure(h->fields, "cleared_m2", f->cleared);
	diff |= set_figure(h->fields, "remaining_m2", f->remaining);
	diff |= set_figure(h->fields, "released_outside_m2", f->outside);
	/* Only approved data closes or reopens a hazard. */
	if (!strcmp(h->status, "approved") && !h->deleted && apply_closure(h, f->remaining, tol, nrel, why))
		diff = 2;
	return diff;
}

/* h's figures from its approved releases, on this thread; *nrel counts the releases. */
static int figures_of(struct dm_db *db, const struct dm_record *h, struct figures *f, size_t *nrel,
		      struct dm_error *err)
{
	struct releases rl;
	int rc = load_releases(db, h->id, &rl, err);
	if (!rc)
		rc = compute(db->geo, h, &rl, f, err);
	*nrel = rl.n;
	releases_free(&rl);
	return rc;
}

int dm_landrelease_fill(struct dm_db *db, struct dm_record *h, const char **why, struct dm_error *err)
{
	struct figures f;
	size_t nrel;
	int rc = figures_of(db, h, &f, &nrel, err);
	return rc ? rc : apply_figures(db, h, &f, nrel, why);
}

/* The approved, not deleted hazard id_or_code, or NULL in *out (0) when it is not one. */
static int load_approved_hazard(struct dm_db *db, const char *hazard_id, struct dm_record **out,
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

/* Applies the figures to h and writes a system version when they changed. */
static int store_figures(struct dm_db *db, struct dm_record *h, const struct figures *f, size_t nrel, int *changed,
			 struct dm_error *err)
{
	const char *why;
	*changed = apply_figures(db, h, f, nrel, &why);
	return *changed ? write_system_version(db, h, why, err) : 0;
}

int dm_landrelease_recompute(struct dm_db *db, const char *hazard_id, int *changed, struct dm_error *err)
{
	struct dm_record *h = NULL;
	struct figures f;
	size_t nrel;
	int rc;
	*changed = 0;
	rc = load_approved_hazard(db, hazard_id, &h, err);
	if (rc || !h)
		return rc;
	rc = figures_of(db, h, &f, &nrel, err);
	if (!rc)
		rc = store_figures(db, h, &f, nrel, changed, err);
	dm_record_free(h);
	return rc;
}

int dm_landrelease_after_write(struct dm_db *db, const struct dm_record *r, struct dm_error *err)
{
	int changed;
	const char *hz;
	if (strcmp(r->type->name, "land_release"))
		return 0;
	hz = json_string_value(json_object_get(r->fields, "hazard"));
	return hz ? dm_landrelease_recompute(db, hz, &changed, err) : 0;
}

/* ---- every hazard: read and written in order by this thread, overlaid in parallel ---- */

/* One hazard of a batch. */
struct job {
	struct dm_record *h; /* NULL: not an approved hazard, nothing to do */
	struct releases rl;
	struct figures f;
	int rc;
	struct dm_error err;
};

struct batch {
	struct job *jobs;
	size_t n;
	size_t next; /* the next job to take (atomic) */
};

struct worker {
	pthread_t thread;
	struct dm_geo *geo; /* GEOS and PROJ contexts are one per thread */
	struct batch *b;
};

/* Takes jobs until none is left. */
static void run_jobs(struct dm_geo *geo, struct batch *b)
{
	size_t i;
	while ((i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED)) < b->n) {
		struct job *j = &b->jobs[i];
		if (j->h)
			j->rc = compute(geo, j->h, &j->rl, &j->f, &j->err);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	run_jobs(w->geo, w->b);
	return NULL;
}

static void job_release(struct job *j)
{
	if (j->h)
		releases_free(&j->rl);
	dm_record_free(j->h);
	dm_error_release(&j->err);
	memset(j, 0, sizeof(*j));
}

/* Starts the workers on b; returns how many started. */
static size_t start_workers(struct worker *w, size_t nw, struct batch *b)
{
	size_t i;
	b->next = 0;
	for (i = 0; i < nw; i++) {
		w[i].b = b;
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0)
			break;
	}
	return i;
}

static void join_workers(struct worker *w, size_t started)
{
	size_t i;
	for (i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
}

/* Hazards per batch: enough to keep every thread busy, few enough to hold in memory. */
#define BATCH 512

static void batch_free(struct batch *b)
{
	size_t i;
	for (i = 0; i < b->n; i++)
		job_release(&b->jobs[i]);
	free(b->jobs);
	memset(b, 0, sizeof(*b));
}

/* Reads the next batch of hazards (from ids[from]) and their releases: b->n is 0 at the end. */
static int load_batch(struct dm_db *db, json_t *ids, size_t from, struct batch *b, struct dm_error *err)
{
	size_t i, n = from < json_array_size(ids) ? json_array_size(ids) - from : 0;
	int rc = 0;
	memset(b, 0, sizeof(*b));
	if (!n)
		return 0;
	b->n = n < BATCH ? n : BATCH;
	b->jobs = calloc(b->n, sizeof(*b->jobs));
	if (!b->jobs) {
		b->n = 0;
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	for (i = 0; i < b->n; i++)
		dm_error_init(&b->jobs[i].err);
	for (i = 0; !rc && i < b->n; i++) {
		rc = load_approved_hazard(db, json_string_value(json_array_get(ids, from + i)), &b->jobs[i].h, err);
		if (!rc && b->jobs[i].h)
			rc = load_releases(db, b->jobs[i].h->id, &b->jobs[i].rl, err);
	}
	return rc;
}

/* Writes the figures of a computed batch, in order. */
static int store_batch(struct dm_db *db, struct batch *b, struct dm_landrelease_stats *st, struct dm_error *err)
{
	size_t i;
	int rc = 0, changed;
	for (i = 0; !rc && i < b->n; i++) {
		struct job *j = &b->jobs[i];
		st->hazards++;
		if (!j->h)
			continue;
		if (j->rc) {
			dm_error_set(err, j->rc, j->err.field[0] ? j->err.field : NULL, "%s", j->err.message);
			dm_error_prefix(err, "hazard %s", j->h->code ? j->h->code : j->h->id);
			return err->code;
		}
		rc = store_figures(db, j->h, &j->f, j->rl.n, &changed, err);
		st->changed += changed != 0;
		if (changed == 2 && !strcmp(json_string_value(json_object_get(j->h->fields, "land_status")), "closed"))
			st->closed++;
		else if (changed == 2)
			st->reopened++;
	}
	return rc;
}

/* A pipeline: while the workers overlay one batch, this thread reads the next from the
 * database, then overlays with them; then it writes the batch's figures. */
static int recompute_batches(struct dm_db *db, struct worker *w, size_t nw, json_t *ids,
			     struct dm_landrelease_stats *st, struct dm_error *err)
{
	struct batch cur, next;
	size_t from = 0, started;
	int rc = load_batch(db, ids, 0, &cur, err);
	while (!rc && cur.n) {
		started = start_workers(w, nw, &cur);
		from += cur.n;
		rc = load_batch(db, ids, from, &next, err);
		run_jobs(db->geo, &cur);
		join_workers(w, started);
		if (!rc)
			rc = store_batch(db, &cur, st, err);
		batch_free(&cur);
		cur = next;
	}
	batch_free(&cur);
	return rc;
}

/* Threads besides this one for the overlays: one per further processor, at most 15. */
static size_t extra_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 16 ? 15 : n > 1 ? (size_t)n - 1 : 0;
}

int dm_landrelease_recompute_all(struct dm_db *db, struct dm_landrelease_stats *st, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	json_t *ids = json_array();
	struct worker w[15];
	size_t i, nw = extra_threads();
	int rc;
	memset(st, 0, sizeof(*st));
	memset(w, 0, sizeof(w));
	for (i = 0; i < nw; i++)
		if (!(w[i].geo = dm_geo_new()))
			nw = i; /* fewer threads, the same result */
	rc = dm_store_begin(db->st, err);
	if (!rc)
		rc = dm_stmt_prepare(db->st, dm_store_dialect(db->st) == DM_DIALECT_POSTGRES
					     ? "SELECT id FROM hazard WHERE deleted = 0 ORDER BY code COLLATE \"C\""
					     : "SELECT id FROM hazard WHERE deleted = 0 ORDER BY code",
				     &s, err);
	if (!rc) {
		while ((rc = dm_stmt_step(s, err)) == 1)
			json_array_append_new(ids, json_string(dm_stmt_column_text(s, 0)));
		rc = rc < 0 ? rc : 0;
	}
	dm_stmt_finalize(s);
	if (!rc)
		rc = recompute_batches(db, w, nw, ids, st, err);
	for (i = 0; i < nw; i++)
		dm_geo_free(w[i].geo);
	json_decref(ids);
	if (rc) {
		dm_store_rollback(db->st);
		return rc;
	}
	return dm_store_commit(db->st, err);
}
