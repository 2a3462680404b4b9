/* stats.c: the dashboard figures, each one aggregate query over the approved, not deleted
 * version of each record; districts and currency conversion are resolved in C. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "demine/money.h"
#include "demine/rates.h"
#include "demine/stats.h"
#include "demine/util.h"

const char *const dm_stats_figures[] = { "released", "remaining", "items", "casualties", "eore", "funding",
					 "released_operator", "remaining_ap", "remaining_type", "casualties_lm", "va_services",
					 "tasks", NULL };

static const char *const cols_released[] = { "month", "method", "result", "area_m2", "releases", NULL };
static const char *const cols_remaining[] = { "adm2", "name_en", "name_az", "name_ru", "remaining_m2", "hazards",
					      NULL };
static const char *const cols_items[] = { "category", "quantity", "finds", NULL };
static const char *const cols_casualties[] = { "year", "sex", "age_group", "killed", "injured", "total", NULL };
static const char *const cols_eore[] = { "month", "sessions", "girls", "boys", "women", "men", "total", NULL };
static const char *const cols_released_operator[] = { "operator", "operator_name", "method", "result", "area_m2",
						      "releases", NULL };
static const char *const cols_casualties_lm[] = { "outcome", "role", "sex", "age_group", "device_category", "activity",
						  "victims", NULL };
static const char *const cols_remaining_type[] = { "adm2", "name_en", "name_az", "name_ru", "hazard_type",
						   "remaining_m2", "hazards", NULL };
static const char *const cols_va_services[] = { "service", "service_status", "services", "victims", NULL };
static const char *const cols_tasks[] = { "task_status", "tasks", "planned_area_m2", NULL };
static const char *const cols_funding[] = { "donor", "donor_name", "grants", "amount", "amount_minor", NULL };

#define MAX_DEPTH 8 /* admin levels walked up from a record's location to its district */

/* One computation: the caller, the filters, the approved locations when needed. */
struct ctx {
	struct dm_db *db;
	struct dm_store *st;
	const struct dm_actor *who;
	const struct dm_stats_filter *f;
	json_t *places;   /* id -> {kind, parent, pcode, abbr, name_en, name_az, name_ru} */
	json_t *adm2_ids; /* ids of the locations inside the adm2 filter, or NULL */
	const char *as_of; /* normalised as_of time, or NULL for the approved data of now */
	struct dm_error *err;
};

/* SQL text with its parameters (strings), bound in order. */
struct q {
	struct dm_buf sql;
	json_t *params;
};

static void q_init(struct q *q)
{
	dm_buf_init(&q->sql, 0);
	q->params = json_array();
}

static void q_release(struct q *q)
{
	dm_buf_release(&q->sql);
	json_decref(q->params);
}

static void q_param(struct q *q, const char *v)
{
	json_array_append_new(q->params, json_string(v));
}

static const char *collate(struct ctx *c)
{
	return dm_store_collate_binary(c->st);
}

static void approved_rows(struct q *q, const char *as_of, const char *type, const char *cols, const struct q *cond,
			  const char *alias);

/* Appends the filters to w (a condition on alias r): the date range on date_col, the district
 * on loc_cols (any of them), the organisation on org_cols (any of them). */
static void add_filters(struct ctx *c, struct q *w, const char *date_col, const char *const *loc_cols,
			const char *const *org_cols, const char *grant_col)
{
	size_t i, j;
	json_t *v;
	if (c->f->grant && grant_col && !strcmp(grant_col, "task")) {
		/* funded through the task the record belongs to (the task's approved version) */
		struct q g;
		q_init(&g);
		dm_buf_add(&g.sql, " AND r.\"grant\" = ?");
		q_param(&g, c->f->grant);
		dm_buf_add(&w->sql, " AND r.task IN (SELECT t.tid FROM ");
		approved_rows(w, c->as_of, "task", "r.id AS tid", &g, "t");
		dm_buf_add(&w->sql, ")");
		q_release(&g);
	} else if (c->f->grant && grant_col) {
		dm_buf_addf(&w->sql, " AND %s = ?", grant_col);
		q_param(w, c->f->grant);
	}
	if (date_col && c->f->from) {
		dm_buf_addf(&w->sql, " AND %s%s >= ?", date_col, collate(c));
		q_param(w, c->f->from);
	}
	if (date_col && c->f->to) {
		dm_buf_addf(&w->sql, " AND %s%s <= ?", date_col, collate(c));
		q_param(w, c->f->to);
	}
	if (c->adm2_ids && loc_cols) {
		dm_buf_add(&w->sql, " AND (");
		for (j = 0; loc_cols[j]; j++) {
			dm_buf_addf(&w->sql, "%s%s IN (", j ? " OR " : "", loc_cols[j]);
			json_array_foreach(c->adm2_ids, i, v) {
				dm_buf_add(&w->sql, i ? ", ?" : "?");
				q_param(w, json_string_value(v));
			}
			dm_buf_add(&w->sql, ")");
		}
		dm_buf_add(&w->sql, ")");
	}
	if (c->f->organisation && org_cols) {
		dm_buf_add(&w->sql, " AND (");
		for (j = 0; org_cols[j]; j++) {
			dm_buf_addf(&w->sql, "%s%s = ?", j ? " OR " : "", org_cols[j]);
			q_param(w, c->f->organisation);
		}
		dm_buf_add(&w->sql, ")");
	}
}

/* Appends "(rows) alias": cols of the approved, not deleted version of each record of type
 * (alias r in cols and cond). Records whose newest version is the approved one are read
 * from the current table, where the indexes serve the filters (no condition on the status
 * index there: nearly every row is approved, so it would only cost a lookup per row); the
 * few with newer work pending, found by the status index, take their approved version from
 * history. cond starts with " AND" or is "".
 * With as_of (a normalised time), the version approved at that time is read from history
 * instead: the newest version written by as_of names it (its approved_version), so later
 * edits, approvals and system versions do not change the figures of a past time. */
static void approved_part(struct q *q, const char *as_of, const char *type, const char *cols, const struct q *cond,
			  const char *group, const char *alias)
{
	size_t i, pass;
	json_t *v;
	const char *w = cond->sql.s ? cond->sql.s : "";
	if (as_of) {
		dm_buf_addf(&q->sql, "(SELECT %s FROM \"%s_history\" r JOIN (SELECT x.id AS mid, x.approved_version AS mav"
				     " FROM \"%s_history\" x JOIN (SELECT id, MAX(version) AS mv FROM \"%s_history\""
				     " WHERE updated_at <= ? GROUP BY id) y ON x.id = y.id AND x.version = y.mv) m"
				     " ON m.mid = r.id AND r.version = m.mav WHERE r.deleted = 0%s%s%s) %s",
			    cols, type, type, type, w, group ? " GROUP BY " : "", group ? group : "", alias);
		q_param(q, as_of);
		json_array_foreach(cond->params, i, v)
			json_array_append(q->params, v);
		return;
	}
	dm_buf_addf(&q->sql, "(SELECT %s FROM \"%s\" r WHERE r.version = r.approved_version AND r.deleted = 0%s%s%s"
			     " UNION ALL SELECT %s FROM \"%s\" c JOIN \"%s_history\" r ON r.id = c.id"
			     " AND r.version = c.approved_version WHERE c.status IN ('draft', 'submitted', 'rejected')"
			     " AND c.approved_version > 0 AND c.version <> c.approved_version AND r.deleted = 0%s%s%s) %s",
		    cols, type, w, group ? " GROUP BY " : "", group ? group : "", cols, type, type, w,
		    group ? " GROUP BY " : "", group ? group : "", alias);
	for (pass = 0; pass < 2; pass++)
		json_array_foreach(cond->params, i, v)
			json_array_append(q->params, v);
}

static void approved_rows(struct q *q, const char *as_of, const char *type, const char *cols, const struct q *cond,
			  const char *alias)
{
	approved_part(q, as_of, type, cols, cond, NULL, alias);
}

static int q_prepare(struct ctx *c, struct q *q, struct dm_stmt **s)
{
	size_t i;
	json_t *v;
	int rc;
	if (q->sql.overflow)
		return dm_error_set(c->err, DM_ENOMEM, NULL, "out of memory");
	if ((rc = dm_stmt_prepare(c->st, q->sql.s, s, c->err)))
		return rc;
	json_array_foreach(q->params, i, v)
		dm_stmt_bind_text(*s, (int)i + 1, json_string_value(v));
	return 0;
}

/* Runs q and hands each row to row(c, s, out); 0, or the first error. */
static int q_each(struct ctx *c, struct q *q, int (*row)(struct ctx *c, struct dm_stmt *s, json_t *out), json_t *out)
{
	struct dm_stmt *s = NULL;
	int rc = q_prepare(c, q, &s);
	while (!rc && (rc = dm_stmt_step(s, c->err)) == 1)
		rc = row(c, s, out);
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

static json_t *text_or_null(struct dm_stmt *s, int i)
{
	const char *v = dm_stmt_column_text(s, i);
	return v ? json_string(v) : json_null();
}

/* Areas are summed in double precision in the store; two decimals of a square metre keep
 * the figure the same on both stores whatever order they summed in. */
static json_t *area(double m2)
{
	return json_real(round(m2 * 100) / 100);
}

/* ---- places ---- */

static int load_places(struct ctx *c)
{
	struct q q, none;
	struct dm_stmt *s = NULL;
	int rc;
	if (c->places)
		return 0;
	q_init(&q);
	q_init(&none);
	c->places = json_object();
	dm_buf_add(&q.sql, "SELECT p.id, p.kind, p.parent, p.pcode, p.abbr, p.name_en, p.name_az, p.name_ru FROM ");
	approved_rows(&q, c->as_of, "location", "r.id, r.kind, r.parent, r.pcode, r.abbr, r.name_en, r.name_az, r.name_ru", &none,
		      "p");
	rc = q_prepare(c, &q, &s);
	while (!rc && (rc = dm_stmt_step(s, c->err)) == 1) {
		json_object_set_new(c->places, dm_stmt_column_text(s, 0),
				    json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "kind", text_or_null(s, 1), "parent",
					      text_or_null(s, 2), "pcode", text_or_null(s, 3), "abbr", text_or_null(s, 4),
					      "name_en", text_or_null(s, 5), "name_az", text_or_null(s, 6), "name_ru",
					      text_or_null(s, 7)));
		rc = 0;
	}
	dm_stmt_finalize(s);
	q_release(&q);
	q_release(&none);
	return rc < 0 ? rc : 0;
}

/* The district (adm2) holding location id (itself, or an ancestor), or NULL. */
static const char *district_of(struct ctx *c, const char *id)
{
	int depth;
	for (depth = 0; id && depth < MAX_DEPTH; depth++) {
		json_t *p = json_object_get(c->places, id);
		const char *kind = json_string_value(json_object_get(p, "kind"));
		if (!p)
			return NULL;
		if (kind && !strcmp(kind, "adm2"))
			return id;
		id = json_string_value(json_object_get(p, "parent"));
	}
	return NULL;
}

/* The pcode a district is known by (its abbreviation when it has none). */
static const char *district_key(struct ctx *c, const char *id)
{
	json_t *p = json_object_get(c->places, id);
	const char *k = json_string_value(json_object_get(p, "pcode"));
	return k && *k ? k : json_string_value(json_object_get(p, "abbr"));
}

/* Resolves the adm2 filter into the ids of every location inside that district. */
static int resolve_adm2(struct ctx *c)
{
	const char *id, *found = NULL, *key, *abbr;
	json_t *p;
	int rc = load_places(c);
	if (rc)
		return rc;
	json_object_foreach(c->places, id, p) {
		const char *kind = json_string_value(json_object_get(p, "kind"));
		key = json_string_value(json_object_get(p, "pcode"));
		abbr = json_string_value(json_object_get(p, "abbr"));
		if (!kind || strcmp(kind, "adm2") || (!(key && !strcmp(key, c->f->adm2)) && !(abbr && !strcmp(abbr, c->f->adm2))))
			continue;
		if (!found || strcmp(id, found) < 0)
			found = id;
	}
	if (!found)
		return dm_error_set(c->err, DM_EINVAL, "adm2", "adm2: no district with the pcode (or abbreviation) '%.80s'", c->f->adm2);
	c->adm2_ids = json_array();
	json_object_foreach(c->places, id, p) {
		const char *d = district_of(c, id);
		if (d && !strcmp(d, found))
			json_array_append_new(c->adm2_ids, json_string(id));
	}
	return 0;
}

/* ---- sorting items in byte order ---- */

static int cmp_value(json_t *a, json_t *b)
{
	int an = !a || json_is_null(a), bn = !b || json_is_null(b);
	if (an || bn)
		return bn - an; /* nulls first */
	if (json_is_string(a) && json_is_string(b))
		return strcmp(json_string_value(a), json_string_value(b));
	if (json_number_value(a) != json_number_value(b))
		return json_number_value(a) < json_number_value(b) ? -1 : 1;
	return 0;
}

/* Compares two items by keys; a key starting with '-' sorts descending. */
static int cmp_items(json_t *a, json_t *b, const char *const *keys)
{
	for (; *keys; keys++) {
		int desc = (*keys)[0] == '-';
		int r = cmp_value(json_object_get(a, *keys + desc), json_object_get(b, *keys + desc));
		if (r)
			return desc ? -r : r;
	}
	return 0;
}

/* Sorts items in place (insertion sort: a figure has at most some hundred items). */
static void sort_items(json_t *items, const char *const *keys)
{
	size_t n = json_array_size(items), i, j;
	for (i = 1; i < n; i++) {
		json_t *v = json_incref(json_array_get(items, i));
		for (j = i; j > 0 && cmp_items(json_array_get(items, j - 1), v, keys) > 0; j--)
			json_array_set(items, j, json_array_get(items, j - 1));
		json_array_set_new(items, j, v);
	}
}

/* ---- the figures ---- */

static const char *const loc_only[] = { "r.location", NULL };
static const char *const org_only[] = { "r.organisation", NULL };

/* Runs "SELECT ... FROM (aggregates of the approved rows of type with the filters) x GROUP BY
 * ..." and calls row() for each result row. Each part aggregates on its own (grouping a
 * UNION of 10^5 rows costs twice as much as grouping the table). */
struct agg {
	const char *type;
	const char *inner_cols;  /* of alias r, aggregated in each part (approved current, from history) */
	const char *inner_group; /* GROUP BY of each part */
	const char *cond;        /* extra condition on r (" AND ...") or "" */
	const char *date_col;
	const char *const *loc_cols, *const *org_cols;
	const char *outer;       /* "SELECT ... FROM": adds up the parts */
	const char *group;       /* " GROUP BY ..." */
	/* A column whose values split the query into one aggregate per value, instead of a GROUP
	 * BY: SQLite sorts every matching row to group them, while one range scan of a covering
	 * index per value (lib/db.c read_indexes) sorts nothing. Or NULL. */
	const char *each;
	const char *grant_col;   /* how the grant filter applies: "task" (the record's task), a column, NULL */
};

/* The values of col in the table of type, and in the approved versions that pending work
 * keeps in history: a superset of the values of the approved rows. One index seek per value. */
static int each_value(struct ctx *c, const char *type, const char *col, json_t *values)
{
	struct dm_stmt *s = NULL;
	char sql[512];
	int rc;
	snprintf(sql, sizeof(sql), "SELECT MIN(\"%s\") FROM \"%s\" WHERE \"%s\" > ?", col, type, col);
	rc = dm_stmt_prepare(c->st, sql, &s, c->err);
	dm_stmt_bind_text(s, 1, "");
	while (!rc && (rc = dm_stmt_step(s, c->err)) == 1 && dm_stmt_column_text(s, 0)) {
		char *v = strdup(dm_stmt_column_text(s, 0));
		if (!v)
			return dm_error_set(c->err, DM_ENOMEM, NULL, "out of memory");
		json_object_set_new(values, v, json_true());
		dm_stmt_reset(s);
		dm_stmt_bind_text(s, 1, v);
		free(v);
		rc = 0;
	}
	dm_stmt_finalize(s);
	if (rc < 0)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT DISTINCT r.\"%s\" FROM \"%s\" c JOIN \"%s_history\" r ON r.id = c.id"
		 " AND r.version = c.approved_version WHERE c.status IN ('draft', 'submitted', 'rejected')"
		 " AND c.approved_version > 0 AND c.version <> c.approved_version AND r.\"%s\" IS NOT NULL",
		 col, type, type, col);
	rc = dm_stmt_prepare(c->st, sql, &s, c->err);
	while (!rc && (rc = dm_stmt_step(s, c->err)) == 1) {
		json_object_set_new(values, dm_stmt_column_text(s, 0), json_true());
		rc = 0;
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

/* One query of run_agg: value is the value of a->each the rows have, or NULL for all. */
static int run_agg_part(struct ctx *c, const struct agg *a, const char *value,
			int (*row)(struct ctx *c, struct dm_stmt *s, json_t *out), json_t *out)
{
	struct q q, w;
	int rc;
	q_init(&q);
	q_init(&w);
	dm_buf_add(&w.sql, a->cond);
	if (value) {
		dm_buf_addf(&w.sql, " AND r.\"%s\" = ?", a->each);
		q_param(&w, value);
	}
	add_filters(c, &w, a->date_col, a->loc_cols, a->org_cols, a->grant_col);
	dm_buf_addf(&q.sql, "%s ", a->outer);
	approved_part(&q, c->as_of, a->type, a->inner_cols, &w, a->inner_group, "x");
	dm_buf_add(&q.sql, a->group);
	rc = q_each(c, &q, row, out);
	q_release(&q);
	q_release(&w);
	return rc < 0 ? rc : 0;
}

static int run_agg(struct ctx *c, const struct agg *a, int (*row)(struct ctx *c, struct dm_stmt *s, json_t *out),
		   json_t *out)
{
	json_t *values, *v;
	const char *value;
	int rc;
	if (!a->each)
		return run_agg_part(c, a, NULL, row, out);
	if (c->as_of) {
		/* a past time's values may no longer be in the current table: one GROUP BY then */
		struct agg g = *a;
		char inner[80], outer[80];
		snprintf(inner, sizeof(inner), "r.\"%s\"", a->each);
		snprintf(outer, sizeof(outer), " GROUP BY %s", a->each);
		g.inner_group = inner;
		g.group = outer;
		g.each = NULL;
		return run_agg_part(c, &g, NULL, row, out);
	}
	values = json_object();
	rc = each_value(c, a->type, a->each, values);
	json_object_foreach(values, value, v) {
		if (rc)
			break;
		rc = run_agg_part(c, a, value, row, out);
	}
	json_decref(values);
	return rc;
}

static void add_undated(json_t *out, const char *count_key, json_int_t n, const char *sum_key, json_t *sum)
{
	json_t *u = json_object_get(out, "undated");
	json_object_set_new(u, count_key, json_integer(json_integer_value(json_object_get(u, count_key)) + n));
	if (json_is_real(sum))
		json_object_set_new(u, sum_key, area(json_real_value(json_object_get(u, sum_key)) + json_real_value(sum)));
	else
		json_object_set_new(u, sum_key,
				    json_integer(json_integer_value(json_object_get(u, sum_key)) + json_integer_value(sum)));
	json_decref(sum);
}

static int released_row(struct ctx *c, struct dm_stmt *s, json_t *out)
{
	json_int_t n = dm_stmt_column_int(s, 4);
	double m2 = dm_stmt_column_real(s, 3);
	if (!dm_stmt_column_text(s, 0)) {
		add_undated(out, "releases", n, "area_m2", json_real(m2));
		return 0;
	}
	json_array_append_new(json_object_get(out, "items"),
			      json_pack("{s:o, s:o, s:o, s:o, s:I}", "month", text_or_null(s, 0), "method",
					text_or_null(s, 1), "result", text_or_null(s, 2), "area_m2", area(m2), "releases", n));
	return 0;
}

static int fig_released(struct ctx *c, json_t *out)
{
	static const char *const keys[] = { "month", "method", "result", NULL };
	static const struct agg a = {
		"land_release",
		/* grouped by day first, in the order of land_release_by_end_date (no sort), then by month */
		"r.end_date AS day, r.method AS method, r.result AS result, SUM(r.area_m2) AS m2, COUNT(*) AS n",
		"r.end_date, r.method, r.result", "", "r.end_date", loc_only, org_only,
		"SELECT substr(day, 1, 7) AS month, method, result, SUM(m2), CAST(SUM(n) AS BIGINT) FROM",
		" GROUP BY substr(day, 1, 7), method, result",
		NULL, "task",
	};
	int rc;
	json_object_set_new(out, "undated", json_pack("{s:i, s:f}", "releases", 0, "area_m2", 0.0));
	rc = run_agg(c, &a, released_row, out);
	sort_items(json_object_get(out, "items"), keys);
	return rc;
}

/* Remaining area per location, merged here into districts. */
static int remaining_row(struct ctx *c, struct dm_stmt *s, json_t *out)
{
	const char *loc = dm_stmt_column_text(s, 0);
	const char *d = loc ? district_of(c, loc) : NULL;
	json_t *by = json_object_get(out, "by"), *item = json_object_get(by, d ? d : "");
	if (!item) {
		json_t *p = d ? json_object_get(c->places, d) : NULL;
		item = json_pack("{s:o, s:O?, s:O?, s:O?, s:f, s:i}", "adm2",
				 d ? json_string(district_key(c, d)) : json_null(), "name_en",
				 json_object_get(p, "name_en"), "name_az", json_object_get(p, "name_az"), "name_ru",
				 json_object_get(p, "name_ru"), "remaining_m2", 0.0, "hazards", 0);
		json_object_set_new(by, d ? d : "", item);
	}
	json_object_set_new(item, "remaining_m2",
			    json_real(json_real_value(json_object_get(item, "remaining_m2")) + dm_stmt_column_real(s, 1)));
	json_object_set_new(item, "hazards",
			    json_integer(json_integer_value(json_object_get(item, "hazards")) + dm_stmt_column_int(s, 2)));
	return 0;
}

static int remaining_by_district(struct ctx *c, const struct agg *a, json_t *out);

static int fig_remaining(struct ctx *c, json_t *out)
{
	static const struct agg a = {
		"hazard", "r.location AS loc, SUM(r.remaining_m2) AS m2, COUNT(*) AS n", "r.location",
		" AND r.land_status <> 'closed'", NULL, loc_only, org_only,
		"SELECT loc, SUM(m2), CAST(SUM(n) AS BIGINT) FROM", " GROUP BY loc",
		NULL, NULL,
	};
	return remaining_by_district(c, &a, out);
}

/* The remaining area of the open hazards that hold anti-personnel mines (APMBC Article 7). */
static int fig_remaining_ap(struct ctx *c, json_t *out)
{
	static const struct agg a = {
		"hazard", "r.location AS loc, SUM(r.remaining_m2) AS m2, COUNT(*) AS n", "r.location",
		" AND r.land_status <> 'closed' AND (';' || r.contamination || ';') LIKE '%;ap_mine;%'", NULL, loc_only,
		org_only, "SELECT loc, SUM(m2), CAST(SUM(n) AS BIGINT) FROM", " GROUP BY loc", NULL, NULL,
	};
	return remaining_by_district(c, &a, out);
}

static int remaining_by_district(struct ctx *c, const struct agg *a, json_t *out)
{
	static const char *const keys[] = { "-remaining_m2", "adm2", NULL };
	json_t *items = json_object_get(out, "items"), *v;
	const char *k;
	int rc = load_places(c);
	json_object_set_new(out, "by", json_object());
	if (!rc)
		rc = run_agg(c, a, remaining_row, out);
	json_object_foreach(json_object_get(out, "by"), k, v) {
		json_object_set_new(v, "remaining_m2", area(json_real_value(json_object_get(v, "remaining_m2"))));
		json_array_append(items, v);
	}
	json_object_del(out, "by");
	sort_items(items, keys);
	return rc;
}

/* One row per category: its dated finds, then its undated ones. */
static int items_row(struct ctx *c, struct dm_stmt *s, json_t *out)
{
	json_int_t qty = dm_stmt_column_int(s, 1), n = dm_stmt_column_int(s, 2);
	(void)c;
	if (n > 0)
		json_array_append_new(json_object_get(out, "items"), json_pack("{s:s, s:I, s:I}", "category",
						      dm_stmt_column_text(s, 0), "quantity", qty, "finds", n));
	add_undated(out, "finds", dm_stmt_column_int(s, 4), "quantity", json_integer(dm_stmt_column_int(s, 3)));
	return 0;
}

static int fig_items(struct ctx *c, json_t *out)
{
	static const char *const keys[] = { "category", NULL };
	/* destroyed in situ, or any later disposition value named destroyed_... */
	static const struct agg all = {
		"eo_find",
		"MIN(r.category) AS category, SUM(CASE WHEN r.find_date IS NULL THEN 0 ELSE r.quantity END) AS qty,"
		" SUM(CASE WHEN r.find_date IS NULL THEN 0 ELSE 1 END) AS n,"
		" SUM(CASE WHEN r.find_date IS NULL THEN r.quantity ELSE 0 END) AS uqty,"
		" SUM(CASE WHEN r.find_date IS NULL THEN 1 ELSE 0 END) AS un",
		NULL, " AND r.disposition LIKE 'destroyed%'", "r.find_date", loc_only, org_only,
		"SELECT MIN(category), CAST(COALESCE(SUM(qty), 0) AS BIGINT), CAST(COALESCE(SUM(n), 0) AS BIGINT),"
		" CAST(COALESCE(SUM(uqty), 0) AS BIGINT), CAST(COALESCE(SUM(un), 0) AS BIGINT) FROM",
		"", "category", "task",
	};
	/* a date range leaves out the undated finds: the same figure with less to do per row */
	static const struct agg dated = {
		"eo_find", "MIN(r.category) AS category, SUM(r.quantity) AS qty, COUNT(*) AS n", NULL,
		" AND r.disposition LIKE 'destroyed%'", "r.find_date", loc_only, org_only,
		"SELECT MIN(category), CAST(COALESCE(SUM(qty), 0) AS BIGINT), CAST(COALESCE(SUM(n), 0) AS BIGINT), 0, 0 FROM",
		"", "category", "task",
	};
	int rc;
	json_object_set_new(out, "undated", json_pack("{s:i, s:i}", "finds", 0, "quantity", 0));
	rc = run_agg(c, c->f->from || c->f->to ? &dated : &all, items_row, out);
	sort_items(json_object_get(out, "items"), keys);
	return rc;
}

static int casualties_row(struct ctx *c, struct dm_stmt *s, json_t *out)
{
	json_array_append_new(json_object_get(out, "items"),
			      json_pack("{s:I, s:s, s:s, s:I, s:I, s:I}", "year", (json_int_t)dm_stmt_column_int(s, 0),
					"sex", dm_stmt_column_text(s, 1), "age_group", dm_stmt_column_text(s, 2), "killed",
					(json_int_t)dm_stmt_column_int(s, 3), "injured", (json_int_t)dm_stmt_column_int(s, 4),
					"total", (json_int_t)dm_stmt_column_int(s, 5)));
	return 0;
}

/* Victims joined to their accident; the date, district and organisation filters apply to the
 * accident. A child is under 18 (IMAS): the age recorded, else the full years from the date of
 * birth to the accident date. */
static int fig_casualties(struct ctx *c, json_t *out)
{
	static const char *const keys[] = { "year", "sex", "age_group", NULL };
	struct q q, w, none;
	int rc;
	q_init(&q);
	q_init(&w);
	q_init(&none);
	add_filters(c, &w, "r.accident_date", loc_only, org_only, NULL);
	dm_buf_addf(&q.sql,
		    "SELECT year, sex, age_group, CAST(SUM(CASE WHEN outcome = 'killed' THEN 1 ELSE 0 END) AS BIGINT),"
		    " CAST(SUM(CASE WHEN outcome = 'injured' THEN 1 ELSE 0 END) AS BIGINT), COUNT(*) FROM"
		    " (SELECT CAST(substr(a.adate, 1, 4) AS INTEGER) AS year, COALESCE(v.sex, 'unknown') AS sex,"
		    " CASE WHEN v.age IS NOT NULL THEN (CASE WHEN v.age < 18 THEN 'child' ELSE 'adult' END)"
		    " WHEN v.dob IS NOT NULL THEN (CASE WHEN CAST(substr(a.adate, 1, 4) AS INTEGER)"
		    " - CAST(substr(v.dob, 1, 4) AS INTEGER) - (CASE WHEN substr(a.adate, 6, 5)%s < substr(v.dob, 6, 5)%s"
		    " THEN 1 ELSE 0 END) < 18 THEN 'child' ELSE 'adult' END) ELSE 'unknown' END AS age_group,"
		    " v.outcome AS outcome FROM ",
		    collate(c), collate(c));
	approved_rows(&q, c->as_of, "victim", "r.accident AS acc, r.sex AS sex, r.age AS age, r.date_of_birth AS dob,"
				    " r.outcome AS outcome", &none, "v");
	dm_buf_add(&q.sql, " JOIN ");
	approved_rows(&q, c->as_of, "accident", "r.id AS aid, r.accident_date AS adate", &w, "a");
	dm_buf_add(&q.sql, " ON a.aid = v.acc WHERE a.adate IS NOT NULL) x GROUP BY year, sex, age_group");
	rc = q_each(c, &q, casualties_row, out);
	q_release(&q);
	q_release(&w);
	q_release(&none);
	sort_items(json_object_get(out, "items"), keys);
	return rc < 0 ? rc : 0;
}

static int eore_row(struct ctx *c, struct dm_stmt *s, json_t *out)
{
	json_int_t g = dm_stmt_column_int(s, 2), b = dm_stmt_column_int(s, 3), w = dm_stmt_column_int(s, 4),
		   m = dm_stmt_column_int(s, 5);
	json_array_append_new(json_object_get(out, "items"),
			      json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "month", dm_stmt_column_text(s, 0), "sessions",
					(json_int_t)dm_stmt_column_int(s, 1), "girls", g, "boys", b, "women", w, "men", m,
					"total", g + b + w + m));
	return 0;
}

static int fig_eore(struct ctx *c, json_t *out)
{
	static const char *const keys[] = { "month", NULL };
	static const struct agg a = {
		"eore_session",
		"substr(r.session_date, 1, 7) AS month, COUNT(*) AS n, SUM(r.girls) AS girls, SUM(r.boys) AS boys,"
		" SUM(r.women) AS women, SUM(r.men) AS men",
		"substr(r.session_date, 1, 7)", " AND r.session_date IS NOT NULL", "r.session_date", loc_only, org_only,
		"SELECT month, CAST(SUM(n) AS BIGINT), CAST(COALESCE(SUM(girls), 0) AS BIGINT),"
		" CAST(COALESCE(SUM(boys), 0) AS BIGINT),"
		" CAST(COALESCE(SUM(women), 0) AS BIGINT), CAST(COALESCE(SUM(men), 0) AS BIGINT) FROM",
		" GROUP BY month",
		NULL, "r.\"grant\"",
	};
	int rc = run_agg(c, &a, eore_row, out);
	sort_items(json_object_get(out, "items"), keys);
	return rc;
}

/* Area released per operator, method and result: the released figure split by who did it. */
static int released_operator_row(struct ctx *c, struct dm_stmt *s, json_t *out)
{
	(void)c;
	json_array_append_new(json_object_get(out, "items"),
			      json_pack("{s:o, s:o, s:o, s:o, s:o, s:I}", "operator", text_or_null(s, 0), "operator_name",
					text_or_null(s, 1), "method", text_or_null(s, 2), "result", text_or_null(s, 3),
					"area_m2", area(dm_stmt_column_real(s, 4)), "releases",
					(json_int_t)dm_stmt_column_int(s, 5)));
	return 0;
}

static int fig_released_operator(struct ctx *c, json_t *out)
{
	static const char *const keys[] = { "-area_m2", "operator_name", "operator", "method", "result", NULL };
	struct q q, w, none;
	int rc;
	q_init(&q);
	q_init(&w);
	q_init(&none);
	add_filters(c, &w, "r.end_date", loc_only, org_only, "task");
	dm_buf_add(&w.sql, " AND r.end_date IS NOT NULL");
	dm_buf_add(&q.sql, "SELECT x.op, o.name, x.method, x.result, x.m2, x.n FROM (SELECT op, method, result,"
			   " SUM(m2) AS m2, CAST(SUM(n) AS BIGINT) AS n FROM ");
	approved_part(&q, c->as_of, "land_release", "r.operator AS op, r.method AS method, r.result AS result,"
			   " SUM(r.area_m2) AS m2, COUNT(*) AS n", &w, "r.operator, r.method, r.result", "p");
	dm_buf_add(&q.sql, " GROUP BY op, method, result) x LEFT JOIN ");
	approved_rows(&q, c->as_of, "organisation", "r.id AS oid, r.name AS name", &none, "o");
	dm_buf_add(&q.sql, " ON o.oid = x.op");
	rc = q_each(c, &q, released_operator_row, out);
	q_release(&q);
	q_release(&w);
	q_release(&none);
	sort_items(json_object_get(out, "items"), keys);
	return rc < 0 ? rc : 0;
}

static int casualties_lm_row(struct ctx *c, struct dm_stmt *s, json_t *out)
{
	(void)c;
	json_array_append_new(json_object_get(out, "items"),
			      json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "outcome", text_or_null(s, 0), "role",
					text_or_null(s, 1), "sex", text_or_null(s, 2), "age_group", text_or_null(s, 3),
					"device_category", text_or_null(s, 4), "activity", text_or_null(s, 5), "victims",
					(json_int_t)dm_stmt_column_int(s, 6)));
	return 0;
}

/* Victims in the Landmine Monitor's breakdown: killed or injured, their role (civilian,
 * military, deminer), sex, age group (as in the casualties figure), and the accident's device
 * and activity at the time. Counts only; no victim's personal field is read. */
static int fig_casualties_lm(struct ctx *c, json_t *out)
{
	static const char *const keys[] = { "outcome", "role", "sex", "age_group", "device_category", "activity", NULL };
	struct q q, w, none;
	int rc;
	q_init(&q);
	q_init(&w);
	q_init(&none);
	add_filters(c, &w, "r.accident_date", loc_only, org_only, NULL);
	dm_buf_addf(&q.sql,
		    "SELECT outcome, role, sex, age_group, device, activity, COUNT(*) FROM"
		    " (SELECT COALESCE(v.outcome, 'unknown') AS outcome, COALESCE(v.role, 'unknown') AS role,"
		    " COALESCE(v.sex, 'unknown') AS sex,"
		    " CASE WHEN v.age IS NOT NULL THEN (CASE WHEN v.age < 18 THEN 'child' ELSE 'adult' END)"
		    " WHEN v.dob IS NOT NULL THEN (CASE WHEN CAST(substr(a.adate, 1, 4) AS INTEGER)"
		    " - CAST(substr(v.dob, 1, 4) AS INTEGER) - (CASE WHEN substr(a.adate, 6, 5)%s < substr(v.dob, 6, 5)%s"
		    " THEN 1 ELSE 0 END) < 18 THEN 'child' ELSE 'adult' END) ELSE 'unknown' END AS age_group,"
		    " COALESCE(a.device, 'unknown') AS device, COALESCE(a.activity, 'unknown') AS activity FROM ",
		    collate(c), collate(c));
	approved_rows(&q, c->as_of, "victim", "r.accident AS acc, r.sex AS sex, r.age AS age, r.date_of_birth AS dob,"
					     " r.outcome AS outcome, r.role AS role", &none, "v");
	dm_buf_add(&q.sql, " JOIN ");
	approved_rows(&q, c->as_of, "accident", "r.id AS aid, r.accident_date AS adate, r.device_category AS device,"
					       " r.activity AS activity", &w, "a");
	dm_buf_add(&q.sql, " ON a.aid = v.acc WHERE a.adate IS NOT NULL) x"
			   " GROUP BY outcome, role, sex, age_group, device, activity");
	rc = q_each(c, &q, casualties_lm_row, out);
	q_release(&q);
	q_release(&w);
	q_release(&none);
	sort_items(json_object_get(out, "items"), keys);
	return rc < 0 ? rc : 0;
}

/* Remaining area by district and hazard type: per location and type here, merged into
 * districts in C as the remaining figure does. */
static int remaining_type_row(struct ctx *c, struct dm_stmt *s, json_t *out)
{
	const char *loc = dm_stmt_column_text(s, 0), *type = dm_stmt_column_text(s, 1);
	const char *d = loc ? district_of(c, loc) : NULL;
	char key[128];
	json_t *by = json_object_get(out, "by"), *item;
	snprintf(key, sizeof(key), "%s|%s", d ? d : "", type ? type : "");
	if (!(item = json_object_get(by, key))) {
		json_t *p = d ? json_object_get(c->places, d) : NULL;
		item = json_pack("{s:o, s:O?, s:O?, s:O?, s:o, s:f, s:i}", "adm2", d ? json_string(district_key(c, d)) : json_null(),
				 "name_en", json_object_get(p, "name_en"), "name_az", json_object_get(p, "name_az"), "name_ru",
				 json_object_get(p, "name_ru"), "hazard_type", type ? json_string(type) : json_null(),
				 "remaining_m2", 0.0, "hazards", 0);
		json_object_set_new(by, key, item);
	}
	json_object_set_new(item, "remaining_m2",
			    json_real(json_real_value(json_object_get(item, "remaining_m2")) + dm_stmt_column_real(s, 2)));
	json_object_set_new(item, "hazards",
			    json_integer(json_integer_value(json_object_get(item, "hazards")) + dm_stmt_column_int(s, 3)));
	return 0;
}

static int fig_remaining_type(struct ctx *c, json_t *out)
{
	static const char *const keys[] = { "adm2", "hazard_type", NULL };
	static const struct agg a = {
		"hazard", "r.location AS loc, r.hazard_type AS ht, SUM(r.remaining_m2) AS m2, COUNT(*) AS n",
		"r.location, r.hazard_type", " AND r.land_status <> 'closed'", NULL, loc_only, org_only,
		"SELECT loc, ht, SUM(m2), CAST(SUM(n) AS BIGINT) FROM", " GROUP BY loc, ht", NULL, NULL,
	};
	json_t *items = json_object_get(out, "items"), *v;
	const char *k;
	int rc = load_places(c);
	json_object_set_new(out, "by", json_object());
	if (!rc)
		rc = run_agg(c, &a, remaining_type_row, out);
	json_object_foreach(json_object_get(out, "by"), k, v) {
		json_object_set_new(v, "remaining_m2", area(json_real_value(json_object_get(v, "remaining_m2"))));
		json_array_append(items, v);
	}
	json_object_del(out, "by");
	sort_items(items, keys);
	return rc;
}

static int va_row(struct ctx *c, struct dm_stmt *s, json_t *out)
{
	(void)c;
	json_array_append_new(json_object_get(out, "items"),
			      json_pack("{s:o, s:o, s:I, s:I}", "service", text_or_null(s, 0), "service_status",
					text_or_null(s, 1), "services", (json_int_t)dm_stmt_column_int(s, 2), "victims",
					(json_int_t)dm_stmt_column_int(s, 3)));
	return 0;
}

/* Victim assistance services given in the period (service_date), by service and status: how
 * many, and to how many victims. Counts only. */
static int fig_va_services(struct ctx *c, json_t *out)
{
	static const char *const keys[] = { "service", "service_status", NULL };
	static const struct agg a = {
		"va_service", "r.service AS service, r.service_status AS st, r.victim AS victim", NULL,
		" AND r.service_date IS NOT NULL", "r.service_date", loc_only, org_only,
		"SELECT service, st, COUNT(*), COUNT(DISTINCT victim) FROM", " GROUP BY service, st", NULL, NULL,
	};
	int rc = run_agg(c, &a, va_row, out);
	sort_items(json_object_get(out, "items"), keys);
	return rc;
}

static int tasks_row(struct ctx *c, struct dm_stmt *s, json_t *out)
{
	(void)c;
	json_array_append_new(json_object_get(out, "items"),
			      json_pack("{s:o, s:I, s:o}", "task_status", text_or_null(s, 0), "tasks",
					(json_int_t)dm_stmt_column_int(s, 1), "planned_area_m2", area(dm_stmt_column_real(s, 2))));
	return 0;
}

/* Tasks by task_status: those whose planned period overlaps the period (planned_start to
 * planned_end), with the grant filter on their own grant. */
static int fig_tasks(struct ctx *c, json_t *out)
{
	static const char *const keys[] = { "task_status", NULL };
	struct q q, w;
	int rc;
	q_init(&q);
	q_init(&w);
	add_filters(c, &w, NULL, NULL, org_only, "r.\"grant\"");
	if (c->f->to) {
		dm_buf_addf(&w.sql, " AND (r.planned_start IS NULL OR r.planned_start%s <= ?)", collate(c));
		q_param(&w, c->f->to);
	}
	if (c->f->from) {
		dm_buf_addf(&w.sql, " AND (r.planned_end IS NULL OR r.planned_end%s >= ?)", collate(c));
		q_param(&w, c->f->from);
	}
	dm_buf_add(&q.sql, "SELECT ts, CAST(SUM(n) AS BIGINT), SUM(m2) FROM ");
	approved_part(&q, c->as_of, "task", "r.task_status AS ts, COUNT(*) AS n, SUM(COALESCE(r.planned_area_m2, 0)) AS m2", &w,
		      "r.task_status", "x");
	dm_buf_add(&q.sql, " GROUP BY ts");
	rc = q_each(c, &q, tasks_row, out);
	q_release(&q);
	q_release(&w);
	sort_items(json_object_get(out, "items"), keys);
	return rc < 0 ? rc : 0;
}

/* ---- funding ---- */

/* Rate lookups of one computation, remembered: many grants share a date. */
struct rate_cache {
	struct dm_db *db;
	json_t *seen; /* "FROM TO SOURCE DATE" -> index into rates, or -1 for none */
	struct dm_rate *rates;
	size_t n, cap;
};

static int cached_find(void *arg, const char *from, const char *to, const char *source, const char *date,
		       struct dm_rate *out, struct dm_error *err)
{
	struct rate_cache *rc = arg;
	char key[64];
	json_t *hit;
	int found;
	snprintf(key, sizeof(key), "%s %s %s %s", from, to, source, date);
	if ((hit = json_object_get(rc->seen, key))) {
		if (json_integer_value(hit) < 0)
			return 0;
		*out = rc->rates[json_integer_value(hit)];
		return 1;
	}
	found = dm_rates_store_find(rc->db, from, to, source, date, out, err);
	if (found < 0)
		return found;
	if (found && DM_GROW(rc->rates, rc->n + 1, rc->cap))
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (found)
		rc->rates[rc->n] = *out;
	json_object_set_new(rc->seen, key, json_integer(found ? (json_int_t)rc->n++ : -1));
	return found;
}

/* The conversion policy of dm_rates_convert_db (settings rates.sources, rates.max_age_days). */
static int rate_lookup(struct ctx *c, struct rate_cache *cache, struct dm_rates_lookup *lk, char *sources,
		       size_t n)
{
	char *end;
	const char *age;
	long days;
	snprintf(sources, n, "%s", dm_db_setting(c->db, "rates.sources", "manual,cbar,ecb"));
	age = dm_db_setting(c->db, "rates.max_age_days", "7");
	days = strtol(age, &end, 10);
	if (!*age || *end || days < -1 || days > 100000)
		return dm_error_set(c->err, DM_EINVAL, "rates.max_age_days",
				    "setting rates.max_age_days '%s' is not a number of days", age);
	memset(cache, 0, sizeof(*cache));
	cache->db = c->db;
	cache->seen = json_object();
	lk->find = cached_find;
	lk->arg = cache;
	lk->sources = sources;
	lk->max_age_days = (int)days;
	return 0;
}

/* Adds one converted grant to its donor's item. */
static int add_to_donor(struct ctx *c, json_t *by, struct dm_stmt *s, int64_t minor)
{
	const char *donor = dm_stmt_column_text(s, 2);
	json_t *item = json_object_get(by, donor ? donor : "");
	int64_t sum;
	if (!item) {
		const char *name = dm_stmt_column_text(s, 6), *shortn = dm_stmt_column_text(s, 7);
		item = json_pack("{s:o, s:o, s:o, s:i, s:I}", "donor", text_or_null(s, 2), "donor_name",
				 name ? json_string(name) : json_null(), "donor_short_name",
				 shortn ? json_string(shortn) : json_null(), "grants", 0, "amount_minor", (json_int_t)0);
		json_object_set_new(by, donor ? donor : "", item);
	}
	if (__builtin_add_overflow((int64_t)json_integer_value(json_object_get(item, "amount_minor")), minor, &sum))
		return dm_error_set(c->err, DM_ELIMIT, "currency", "the funding of donor %s overflows %s", donor ? donor : "",
				    c->f->currency);
	json_object_set_new(item, "amount_minor", json_integer(sum));
	json_object_set_new(item, "grants", json_integer(json_integer_value(json_object_get(item, "grants")) + 1));
	return 0;
}

static void add_unconverted(json_t *out, struct dm_stmt *s, const char *reason)
{
	char amount[48] = "";
	const char *cur = dm_stmt_column_text(s, 3);
	dm_money_format(dm_stmt_column_int(s, 4), cur ? cur : "", amount, sizeof(amount));
	json_array_append_new(json_object_get(out, "unconverted"),
			      json_pack("{s:o, s:o, s:o, s:s, s:o, s:s}", "grant", text_or_null(s, 0), "code",
					text_or_null(s, 1), "currency", text_or_null(s, 3), "amount", amount,
					"announced_date", text_or_null(s, 5), "reason", reason));
}

static int funding_row(struct ctx *c, struct dm_rates_lookup *lk, struct dm_stmt *s, json_t *by, json_t *out)
{
	const char *cur = dm_stmt_column_text(s, 3), *date = dm_stmt_column_text(s, 5);
	int64_t minor = dm_stmt_column_int(s, 4);
	struct dm_conversion conv;
	struct dm_error e;
	int rc;
	if (!cur || !dm_currency_valid(cur)) {
		add_unconverted(out, s, "the grant has no valid currency");
		return 0;
	}
	if (!strcmp(cur, c->f->currency))
		return add_to_donor(c, by, s, minor);
	if (!date) {
		add_unconverted(out, s, "the grant has no announced_date to take the exchange rate of");
		return 0;
	}
	dm_error_init(&e);
	rc = dm_rates_convert(lk, minor, cur, c->f->currency, date, &conv, &e);
	if (!rc)
		rc = add_to_donor(c, by, s, conv.minor);
	else if (rc == DM_ENOTFOUND || rc == DM_EINVAL || rc == DM_ELIMIT) {
		add_unconverted(out, s, e.message);
		rc = 0;
	} else {
		dm_error_set(c->err, rc, e.field, "%s", e.message);
	}
	dm_error_release(&e);
	return rc;
}

/* Grants converted at the rate of their announced date; a donor sees only its own grants. */
static int fig_funding(struct ctx *c, json_t *out)
{
	static const char *const keys[] = { "-amount_minor", "donor_name", "donor", NULL };
	static const char *const org_cols[] = { "r.donor", "r.recipient", NULL };
	static const char *const loc_cols[] = { "r.location", "r.earmark_region", NULL };
	struct q q, w, none;
	struct dm_stmt *s = NULL;
	struct rate_cache cache;
	struct dm_rates_lookup lk;
	char sources[128], amount[48];
	json_t *by = json_object(), *v, *items = json_object_get(out, "items");
	const char *k;
	int rc;
	q_init(&q);
	q_init(&w);
	q_init(&none);
	memset(&cache, 0, sizeof(cache));
	json_object_set_new(out, "currency", json_string(c->f->currency));
	json_object_set_new(out, "unconverted", json_array());
	add_filters(c, &w, "r.announced_date", loc_cols, org_cols, "r.id");
	if (dm_actor_can(c->who, DM_P_OWN_GRANTS)) {
		dm_buf_add(&w.sql, " AND r.donor = ?");
		q_param(&w, c->who->org_id ? c->who->org_id : "");
	}
	dm_buf_add(&q.sql, "SELECT g.id, g.code, g.donor, g.currency, g.amount, g.announced_date, o.name, o.short_name FROM ");
	approved_rows(&q, c->as_of, "grant", "r.id AS id, r.code AS code, r.donor AS donor, r.currency AS currency,"
				   " r.amount AS amount, r.announced_date AS announced_date", &w, "g");
	dm_buf_add(&q.sql, " LEFT JOIN ");
	approved_rows(&q, c->as_of, "organisation", "r.id AS oid, r.name AS name, r.short_name AS short_name", &none, "o");
	dm_buf_addf(&q.sql, " ON o.oid = g.donor ORDER BY g.code%s", collate(c));
	rc = rate_lookup(c, &cache, &lk, sources, sizeof(sources));
	if (!rc)
		rc = q_prepare(c, &q, &s);
	while (!rc && (rc = dm_stmt_step(s, c->err)) == 1)
		rc = funding_row(c, &lk, s, by, out);
	json_object_foreach(by, k, v) {
		dm_money_format(json_integer_value(json_object_get(v, "amount_minor")), c->f->currency, amount,
				sizeof(amount));
		json_object_set_new(v, "amount", json_string(amount));
		json_array_append(items, v);
	}
	sort_items(items, keys);
	dm_stmt_finalize(s);
	json_decref(by);
	json_decref(cache.seen);
	free(cache.rates);
	q_release(&q);
	q_release(&w);
	q_release(&none);
	return rc < 0 ? rc : 0;
}

/* ---- entry ---- */

static const struct figure {
	const char *name;
	int (*fn)(struct ctx *c, json_t *out);
	const char *const *cols;
	const char *types[4]; /* record types the figure reads */
} figures[] = {
	{ "released", fig_released, cols_released, { "land_release", NULL } },
	{ "remaining", fig_remaining, cols_remaining, { "hazard", "location", NULL } },
	{ "items", fig_items, cols_items, { "eo_find", NULL } },
	{ "casualties", fig_casualties, cols_casualties, { "victim", "accident", NULL } },
	{ "eore", fig_eore, cols_eore, { "eore_session", NULL } },
	{ "funding", fig_funding, cols_funding, { "grant", "organisation", "exchange_rate", NULL } },
	{ "released_operator", fig_released_operator, cols_released_operator, { "land_release", "organisation", NULL } },
	{ "remaining_ap", fig_remaining_ap, cols_remaining, { "hazard", "location", NULL } },
	{ "remaining_type", fig_remaining_type, cols_remaining_type, { "hazard", "location", NULL } },
	{ "va_services", fig_va_services, cols_va_services, { "va_service", NULL } },
	{ "tasks", fig_tasks, cols_tasks, { "task", NULL } },
	{ "casualties_lm", fig_casualties_lm, cols_casualties_lm, { "victim", "accident", NULL } },
};

static const struct figure *find_figure(const char *name)
{
	size_t i;
	for (i = 0; name && i < sizeof(figures) / sizeof(figures[0]); i++)
		if (!strcmp(figures[i].name, name))
			return &figures[i];
	return NULL;
}

const char *const *dm_stats_columns(const char *figure)
{
	const struct figure *fg = find_figure(figure);
	return fg ? fg->cols : NULL;
}

static int check_filter(const struct dm_stats_filter *f, struct dm_error *err)
{
	if (f->from && !dm_is_date(f->from))
		return dm_error_set(err, DM_EINVAL, "from", "from: '%.40s' is not a date (YYYY-MM-DD)", f->from);
	if (f->to && !dm_is_date(f->to))
		return dm_error_set(err, DM_EINVAL, "to", "to: '%.40s' is not a date (YYYY-MM-DD)", f->to);
	if (f->from && f->to && strcmp(f->to, f->from) < 0)
		return dm_error_set(err, DM_EINVAL, "to", "to: '%s' is before from '%s'", f->to, f->from);
	if (f->organisation && !dm_is_uuid(f->organisation))
		return dm_error_set(err, DM_EINVAL, "organisation", "organisation: '%.60s' is not an organisation id (UUID)",
				    f->organisation);
	if (f->adm2 && !*f->adm2)
		return dm_error_set(err, DM_EINVAL, "adm2", "adm2: give a district's pcode");
	if (f->grant && !dm_is_uuid(f->grant))
		return dm_error_set(err, DM_EINVAL, "grant", "grant: '%.60s' is not a grant id (UUID)", f->grant);
	if (f->currency && !dm_currency_valid(f->currency))
		return dm_error_set(err, DM_EINVAL, "currency", "currency: '%.20s' is not an ISO 4217 currency money can be"
				    " kept in (e.g. AZN, EUR, USD)", f->currency);
	return 0;
}

int dm_stats_compute(struct dm_db *db, const struct dm_actor *who, const char *figure,
		     const struct dm_stats_filter *fin, json_t **out, struct dm_error *err)
{
	/* cppcheck-suppress unassignedVariable ; a static const is zero, the empty filter */
	static const struct dm_stats_filter none;
	const struct figure *fg = find_figure(figure);
	struct dm_stats_filter f = fin ? *fin : none;
	struct ctx c;
	char as_of[32];
	size_t i;
	int rc;
	*out = NULL;
	if (!fg)
		return dm_error_set(err, DM_ENOTFOUND, "figure", "no figure '%.40s' (released, remaining, items,"
				    " casualties, eore, funding)", figure ? figure : "");
	if (!f.currency)
		f.currency = "AZN";
	if ((rc = check_filter(&f, err)))
		return rc;
	for (i = 0; fg->types[i]; i++)
		if ((rc = dm_auth_check_read_type(who, fg->types[i], err)))
			return rc;
	memset(&c, 0, sizeof(c));
	if (f.as_of) {
		if ((rc = dm_parse_as_of(f.as_of, as_of, err)))
			return rc;
		c.as_of = as_of;
	}
	c.db = db;
	c.st = dm_db_store(db);
	c.who = who;
	c.f = &f;
	c.err = err;
	*out = json_pack("{s:[], s:s?, s:s?}", "items", "from", f.from, "to", f.to);
	if (c.as_of)
		json_object_set_new(*out, "as_of", json_string(c.as_of));
	rc = f.adm2 ? resolve_adm2(&c) : 0;
	if (!rc)
		rc = fg->fn(&c, *out);
	json_decref(c.places);
	json_decref(c.adm2_ids);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- geometries of the released figure, for maps ---- */

static int geometry_rows(struct ctx *c, struct q *q, int with_result,
			 int (*fn)(void *arg, const char *result, const unsigned char *wkb, size_t n, const double box[4]),
			 void *arg)
{
	struct dm_stmt *s = NULL;
	int rc = q_prepare(c, q, &s);
	if (!rc)
		dm_stmt_stream(s);
	while (!rc && (rc = dm_stmt_step(s, c->err)) == 1) {
		size_t n = 0;
		const void *wkb = dm_stmt_column_blob(s, 1, &n);
		double box[4];
		int i;
		for (i = 0; i < 4; i++)
			box[i] = dm_stmt_column_real(s, 2 + i);
		rc = wkb && n ? fn(arg, with_result ? dm_stmt_column_text(s, 0) : NULL, wkb, n, box) : 0;
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

int dm_stats_release_geometries(struct dm_db *db, const struct dm_actor *who, const struct dm_stats_filter *fin,
				size_t max,
				int (*fn)(void *arg, const char *result, const unsigned char *wkb, size_t n,
					  const double box[4]),
				void *arg, struct dm_error *err)
{
	/* cppcheck-suppress unassignedVariable ; a static const is zero, the empty filter */
	static const struct dm_stats_filter none_f;
	struct dm_stats_filter f = fin ? *fin : none_f;
	struct ctx c;
	struct q q, w, none;
	char as_of[32];
	int rc;
	if ((rc = check_filter(&f, err)) || (rc = dm_auth_check_read_type(who, "land_release", err)) ||
	    (rc = dm_auth_check_read_type(who, "location", err)))
		return rc;
	memset(&c, 0, sizeof(c));
	if (f.as_of) {
		if ((rc = dm_parse_as_of(f.as_of, as_of, err)))
			return rc;
		c.as_of = as_of;
	}
	c.db = db;
	c.st = dm_db_store(db);
	c.who = who;
	c.f = &f;
	c.err = err;
	q_init(&q);
	q_init(&w);
	q_init(&none);
	rc = f.adm2 ? resolve_adm2(&c) : 0;
	if (rc)
		goto out;
	/* the districts: all of them, or the one asked for */
	dm_buf_add(&q.sql, "SELECT NULL, p.geom, p.minx, p.miny, p.maxx, p.maxy FROM ");
	approved_rows(&q, c.as_of, "location", "r.id AS id, r.kind AS kind, r.geom AS geom, r.minx AS minx, r.miny AS miny,"
						 " r.maxx AS maxx, r.maxy AS maxy", &none, "p");
	dm_buf_add(&q.sql, " WHERE p.kind = 'adm2' AND p.geom IS NOT NULL");
	if (c.adm2_ids) {
		size_t i;
		json_t *v;
		dm_buf_add(&q.sql, " AND p.id IN (");
		json_array_foreach(c.adm2_ids, i, v) {
			dm_buf_add(&q.sql, i ? ", ?" : "?");
			q_param(&q, json_string_value(v));
		}
		dm_buf_add(&q.sql, ")");
	}
	dm_buf_addf(&q.sql, " ORDER BY p.id%s", collate(&c));
	rc = geometry_rows(&c, &q, 0, fn, arg);
	q_release(&q);
	q_init(&q);
	if (rc)
		goto out;
	add_filters(&c, &w, "r.end_date", loc_only, org_only, "task");
	dm_buf_add(&w.sql, " AND r.geom IS NOT NULL");
	dm_buf_add(&q.sql, "SELECT g.result, g.geom, g.minx, g.miny, g.maxx, g.maxy FROM ");
	approved_rows(&q, c.as_of, "land_release", "r.id AS id, r.result AS result, r.geom AS geom, r.area_m2 AS m2,"
						   " r.minx AS minx, r.miny AS miny, r.maxx AS maxx, r.maxy AS maxy", &w, "g");
	dm_buf_addf(&q.sql, " ORDER BY g.m2 DESC, g.id%s LIMIT %zu", collate(&c), max);
	rc = geometry_rows(&c, &q, 1, fn, arg);
out:
	json_decref(c.places);
	json_decref(c.adm2_ids);
	q_release(&q);
	q_release(&w);
	q_release(&none);
	return rc;
}
