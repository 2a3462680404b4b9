/* landrelease.c: land release recomputed on demand: one hazard, or every hazard of the
 * database (demine landrelease recompute) with the overlays run in parallel. The figures
 * themselves are lr_figures.c's; changed ones are written as system versions. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "demine/geo.h"
#include "demine/landrelease.h"
#include "lr_figures.h"
#include "record_impl.h"

int dm_landrelease_recompute(struct dm_db *db, const char *hazard_id, int *changed, struct dm_error *err)
{
	struct dm_hook_ctx c;
	dm_rec_system_ctx(&c, db);
	return dm_lr_recompute_hazard(&c, hazard_id, changed, err);
}

/* ---- every hazard: read and written in order by this thread, overlaid in parallel ---- */

/* One hazard of a batch. */
struct job {
	struct dm_record *h; /* NULL: not an approved hazard, nothing to do */
	struct dm_lr_releases rl;
	struct dm_lr_figures f;
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
			j->rc = dm_lr_compute(geo, j->h, &j->rl, &j->f, &j->err);
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
		dm_lr_releases_free(&j->rl);
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
		rc = dm_lr_load_approved_hazard(db, json_string_value(json_array_get(ids, from + i)), &b->jobs[i].h, err);
		if (!rc && b->jobs[i].h)
			rc = dm_lr_load_releases(db, b->jobs[i].h->id, &b->jobs[i].rl, err);
	}
	return rc;
}

static int is_closed(const struct dm_record *h)
{
	const char *ls = json_string_value(json_object_get(h->fields, "land_status"));
	return ls && !strcmp(ls, "closed");
}

/* Writes the figures of a computed batch, in order. */
static int store_batch(struct dm_db *db, struct batch *b, struct dm_landrelease_stats *st, struct dm_error *err)
{
	struct dm_hook_ctx c;
	size_t i;
	int rc = 0, changed, was_closed;
	dm_rec_system_ctx(&c, db);
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
		was_closed = is_closed(j->h);
		rc = dm_lr_store_figures(&c, j->h, &j->f, j->rl.n, &changed, err);
		st->changed += changed != 0;
		/* a status move is a closure, a reopening, or open <-> worked on (counted as changed) */
		if (changed == 2 && is_closed(j->h))
			st->closed++;
		else if (changed == 2 && was_closed)
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
	char sql[100];
	size_t i, nw = extra_threads();
	int rc;
	memset(st, 0, sizeof(*st));
	memset(w, 0, sizeof(w));
	for (i = 0; i < nw; i++)
		if (!(w[i].geo = dm_geo_new()))
			nw = i; /* fewer threads, the same result */
	rc = dm_store_begin(db->st, err);
	snprintf(sql, sizeof(sql), "SELECT id FROM hazard WHERE deleted = 0 ORDER BY code%s",
		 dm_store_collate_binary(db->st));
	if (!rc)
		rc = dm_stmt_prepare(db->st, sql, &s, err);
	if (!rc) {
		dm_stmt_stream(s);
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
