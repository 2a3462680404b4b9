/* readiness.c: the commands of settlement readiness (issue 17): recompute every settlement,
 * and one settlement's readiness as a reader sees it. The rules and hooks: readiness_rules.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/readiness.h"
#include "readiness_rules.h"
#include "record_impl.h"

int dm_readiness_recompute_all(struct dm_db *db, struct dm_readiness_stats *st, struct dm_error *err)
{
	struct dm_hook_ctx c;
	json_t *ids = json_array(), *v;
	size_t i;
	int rc;
	struct dm_readiness_rules ru;
	memset(st, 0, sizeof(*st));
	if (!ids)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if ((rc = dm_readiness_read_rules(db, &ru, err))) {
		json_decref(ids);
		return rc;
	}
	dm_rec_system_ctx(&c, db);
	rc = dm_store_begin(db->st, err);
	if (!rc)
		rc = dm_readiness_collect_ids(db, "SELECT id FROM access_route WHERE approved_version > 0 ORDER BY id", NULL, NULL, 0,
				 ids, err);
	json_array_foreach(ids, i, v)
		if (!rc)
			rc = dm_readiness_refresh_route(&c, json_string_value(v), err);
	json_array_clear(ids);
	if (!rc)
		rc = dm_readiness_collect_ids(db, "SELECT id FROM settlement WHERE approved_version > 0 ORDER BY id", NULL, NULL, 0,
				 ids, err);
	json_array_foreach(ids, i, v) {
		struct dm_record *s = NULL;
		int changed = 0;
		const char *status;
		if (rc)
			break;
		rc = dm_readiness_load_approved(db, "settlement", json_string_value(v), &s, err);
		if (rc || !s)
			continue;
		rc = dm_readiness_refresh(db, s, &changed, err);
		if (!rc && changed)
			rc = c.write_system(&c, s, changed == 2 ? "readiness recomputed: status changed"
						   : "readiness recomputed", err);
		status = json_string_value(json_object_get(s->fields, "readiness_status"));
		st->settlements++;
		st->changed += changed != 0;
		if (status)
			(*(!strcmp(status, "blocked") ? &st->blocked : !strcmp(status, "in_progress") ? &st->in_progress
			   : &st->cleared))++;
		dm_record_free(s);
	}
	json_decref(ids);
	if (rc) {
		dm_store_rollback(db->st);
		return rc;
	}
	return dm_store_commit(db->st, err);
}

static json_t *hazards_json(const struct dm_prox *p)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < p->n; i++) {
		const struct dm_prox_hazard *h = &p->hz[i];
		if (json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:f,s:f,s:f,s:f,s:b}", "id", h->id, "code", h->code,
						      "category", h->category, "land_status", h->land_status,
						      "distance_m", round(h->distance_m * 10) / 10, "inside_m2",
						      round(h->inside_m2 * 100) / 100, "within_m2",
						      round(h->within_m2 * 100) / 100, "remaining_m2",
						      round(h->remaining_m2 * 100) / 100, "point_only", h->point_only))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *routes_json(const struct dm_readiness_figures *f)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < f->nroutes; i++)
		if (json_array_append_new(a, json_pack("{s:s,s:s,s:O}", "code", f->routes[i].code, "name",
						      f->routes[i].name, "crosses", f->routes[i].crossed))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* "?, ?, ?" for n placeholders. */
static void placeholders(struct dm_buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dm_buf_add(b, i ? ", ?" : "?");
}

/* The approved tasks on the hazards near the settlement. */
static json_t *tasks_json(struct dm_db *db, const struct dm_prox *p, json_t *task_ids, struct dm_error *err)
{
	struct dm_buf b;
	struct dm_stmt *s = NULL;
	json_t *a = json_array();
	size_t n = p->n;
	int rc;
	if (n > 500) /* the nearest 500 are the ones that matter; keeps the statement bounded */
		n = 500;
	if (!a || n == 0)
		return a;
	dm_buf_init(&b, 65536);
	dm_buf_add(&b, "SELECT h.id, h.code, h.task_status, h.planned_method, h.planned_start, h.planned_end FROM task c JOIN"
		       " task_history h ON h.id = c.id AND h.version = c.approved_version WHERE h.deleted = 0 AND c.id IN"
		       " (SELECT from_id FROM record_link WHERE field = 'hazards' AND to_id IN (");
	placeholders(&b, n);
	dm_buf_addf(&b, ")) ORDER BY h.code%s", dm_store_collate_binary(db->st));
	rc = b.overflow ? DM_ENOMEM : dm_stmt_prepare(db->st, b.s, &s, err);
	dm_buf_release(&b);
	for (size_t i = 0; !rc && i < n; i++)
		dm_stmt_bind_text(s, (int)i + 1, p->hz[i].id);
	while (!rc && (rc = dm_stmt_step(s, err)) == 1) {
		json_t *t = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?}", "id", dm_stmt_column_text(s, 0), "code",
				      dm_stmt_column_text(s, 1), "task_status", dm_stmt_column_text(s, 2), "planned_method",
				      dm_stmt_column_text(s, 3), "planned_start", dm_stmt_column_text(s, 4), "planned_end",
				      dm_stmt_column_text(s, 5));
		if (json_array_append_new(a, t) || json_array_append_new(task_ids, json_string(dm_stmt_column_text(s, 0))))
			rc = DM_ENOMEM;
		else
			rc = 0;
	}
	dm_stmt_finalize(s);
	if (rc < 0) {
		if (rc == DM_ENOMEM)
			dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		json_decref(a);
		return NULL;
	}
	return a;
}

/* The date the hazardous area near it would be cleared at the rate its tasks' approved releases
 * ended in the last 183 days (before today): {released_6m_m2, rate_m2_per_day, remaining_m2,
 * cleared_by (null without a rate)}. */
static json_t *projection_json(struct dm_db *db, const struct dm_readiness_figures *f, json_t *task_ids,
			       struct dm_error *err)
{
	char now[32], today[11], since[11], by[11];
	struct dm_buf b;
	struct dm_stmt *s = NULL;
	double released = 0, rate, remaining = f->prox.open_within_m2;
	size_t i, n = json_array_size(task_ids);
	json_t *v;
	int rc = 0;
	dm_now(now);
	snprintf(today, sizeof(today), "%.10s", now);
	dm_days_to_date(dm_date_days(today) - 183, since);
	if (n) {
		dm_buf_init(&b, 65536);
		dm_buf_add(&b, "SELECT COALESCE(SUM(h.area_m2), 0) FROM land_release c JOIN land_release_history h ON h.id = c.id"
			       " AND h.version = c.approved_version WHERE h.deleted = 0 AND h.end_date >= ? AND h.end_date <= ?"
			       " AND h.task IN (");
		placeholders(&b, n);
		dm_buf_add(&b, ")");
		rc = b.overflow ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory") : dm_stmt_prepare(db->st, b.s, &s, err);
		dm_buf_release(&b);
		if (!rc) {
			dm_stmt_bind_text(s, 1, since);
			dm_stmt_bind_text(s, 2, today);
			json_array_foreach(task_ids, i, v)
				dm_stmt_bind_text(s, (int)i + 3, json_string_value(v));
			if ((rc = dm_stmt_step(s, err)) == 1)
				released = dm_stmt_column_real(s, 0), rc = 0;
		}
		dm_stmt_finalize(s);
		if (rc < 0)
			return NULL;
	}
	rate = released / 183.0;
	if (rate > 0 && remaining / rate < 365.0 * 200)
		dm_days_to_date(dm_date_days(today) + (long)ceil(remaining / rate), by);
	return json_pack("{s:s,s:f,s:f,s:f,s:s?}", "since", since, "released_6m_m2", round(released * 100) / 100,
			 "rate_m2_per_day", round(rate * 100) / 100, "remaining_m2", round(remaining * 100) / 100,
			 "cleared_by", rate > 0 && remaining > 0 && remaining / rate < 365.0 * 200 ? by
				       : remaining <= 0 ? today : NULL);
}

static int may_read(const struct dm_actor *who, const char *type)
{
	struct dm_error e;
	int ok;
	dm_error_init(&e);
	ok = dm_auth_check_read_type(who, type, &e) == 0;
	dm_error_release(&e);
	return ok;
}

struct hist {
	json_t *a;
	char last[32];
};

/* The versions where the status changed (a system version's reason names the cause). */
static int add_history(struct dm_record *r, void *arg)
{
	struct hist *h = arg;
	const char *st = json_string_value(json_object_get(r->fields, "readiness_status"));
	if (strcmp(r->status, "approved") || !st || !strcmp(st, h->last))
		return 0;
	snprintf(h->last, sizeof(h->last), "%s", st);
	return json_array_append_new(h->a, json_pack("{s:I,s:s,s:s,s:s,s:s?}", "version", (json_int_t)r->version,
						     "readiness_status", st, "at", r->updated_at ? r->updated_at : "",
						     "by", r->updated_by ? r->updated_by : "", "reason",
						     r->change_reason)) ? -1 : 0;
}

int dm_readiness_get(struct dm_db *db, const struct dm_actor *who, const char *id_or_code, json_t **out,
		     struct dm_error *err)
{
	struct dm_read_opts ro = { .approved = 1 };
	struct dm_record *s = NULL;
	struct dm_readiness_figures f;
	struct dm_readiness_rules ru;
	struct hist h = { NULL, "" };
	json_t *o = NULL, *task_ids = NULL, *tasks = NULL, *proj = NULL;
	int rc = dm_record_get(db, who, id_or_code, &ro, &s, err);
	memset(&f, 0, sizeof(f));
	if (!rc && strcmp(s->type->name, "settlement"))
		rc = dm_error_set(err, DM_ENOTFOUND, NULL, "%s is a %s, not a settlement", id_or_code, s->type->name);
	if (!rc)
		rc = dm_readiness_read_rules(db, &ru, err);
	if (!rc)
		rc = dm_readiness_compute(db, s, &ru, &f, err);
	if (!rc && !(h.a = json_array()))
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (!rc)
		rc = dm_record_history(db, who, s->id, add_history, &h, err);
	if (!rc && !((task_ids = json_array()) && (tasks = tasks_json(db, &f.prox, task_ids, err)) &&
		     (proj = projection_json(db, &f, task_ids, err))))
		rc = err->code ? err->code : dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	/* tasks, routes and infrastructure are not public: a reader who may not list them gets the
	 * figures without them */
	if (!rc && !may_read(who, "task"))
		json_array_clear(tasks);
	if (!rc) {
		o = json_pack("{s:s,s:s?,s:s?,s:O?,s:O?,s:f,s:o*,s:o*,s:o}", "id", s->id, "code", s->code, "name_en",
			      json_string_value(json_object_get(s->fields, "name_en")), "readiness_status",
			      json_object_get(s->fields, "readiness_status"), "readiness_reasons",
			      json_object_get(s->fields, "readiness_reasons"), "buffer_m", ru.buffer_m, "hazards",
			      hazards_json(&f.prox), "routes", may_read(who, "access_route") ? routes_json(&f) : json_array(), "history", h.a);
		h.a = NULL;
		json_t *fig = o ? json_pack("{s:I,s:f,s:f,s:I,s:f,s:I}", "open_hazards", (json_int_t)f.prox.n,
							 "hazard_inside_m2", round(f.prox.open_inside_m2 * 100) / 100,
							 "hazard_within_m2", round(f.prox.open_within_m2 * 100) / 100,
							 "routes_blocked", (json_int_t)f.routes_blocked,
							 "released_within_m2", round(f.prox.released_within_m2 * 100) / 100,
							 "accidents_within", (json_int_t)f.accidents) : NULL;
		if (o && (!fig || json_object_update(o, fig) || json_object_set(o, "tasks", tasks) ||
			  json_object_set(o, "projection", proj)))
			json_decref(o), o = NULL;
		if (o && !may_read(who, "accident"))
			json_object_del(o, "accidents_within");
		json_decref(fig);
		if (!o)
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	json_decref(h.a);
	json_decref(task_ids);
	json_decref(tasks);
	json_decref(proj);
	dm_readiness_figures_free(&f);
	dm_record_free(s);
	*out = o;
	return rc;
}
