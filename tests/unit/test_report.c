/* test_report.c: every figure of every report on the demo database against the same figure
 * computed here by plain SQL on the record tables (not through lib/stats.c), for several
 * periods and a district; a past as-of report unchanged by later edits; the catalogue's
 * plurals, dates and fallback; bad parameters named. Runs on SQLite, and again on PostgreSQL
 * when DEMINE_TEST_PG names a database URL. DEMINE_TEST_REPORT_DB runs the figure checks on
 * an existing database instead (a generated one: make check-report-gen). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "demine/catalog.h"
#include "demine/db.h"
#include "demine/demo.h"
#include "demine/record.h"
#include "demine/report.h"
#include "demine/store.h"
#include "demine/util.h"
#include "render_map.h"
#include "check.h"

static const struct dm_actor local = { "test", "local", NULL };

/* ---- plain SQL on the approved current rows ---- */

/* The approved, not deleted version of each record of type t, as alias: its approved_version
 * row in history (pending work keeps the approved version there). */
#define AS(t, alias) "(SELECT r.* FROM " t "_history r JOIN \"" t "\" c ON c.id = r.id AND r.version = c.approved_version" \
	" WHERE r.deleted = 0) " alias
#define APPROVED " 1 = 1"
#define OK_V " 1 = 1"
#define OK_A " 1 = 1"
#define OK_H " 1 = 1"

/* One number from sql with text params (NULL-terminated). */
static double sql_num(struct dm_db *db, const char *sql, const char *const *params)
{
	struct dm_stmt *s = NULL;
	struct dm_error err;
	double v = 0;
	int i;
	dm_error_init(&err);
	CHECK_MSG(dm_stmt_prepare(dm_db_store(db), sql, &s, &err) == 0, "%s: %s", sql, err.message);
	for (i = 0; params && params[i]; i++)
		dm_stmt_bind_text(s, i + 1, params[i]);
	if (s && dm_stmt_step(s, &err) == 1)
		v = dm_stmt_column_real(s, 0);
	dm_stmt_finalize(s);
	dm_error_release(&err);
	return v;
}

static json_t *build(struct dm_db *db, const char *name, const struct dm_report_params *p)
{
	struct dm_error err;
	json_t *m = NULL;
	dm_error_init(&err);
	CHECK_MSG(dm_report_build(db, &local, name, p, &m, &err) == 0, "%s: %s", name, err.message);
	dm_error_release(&err);
	return m;
}

static json_t *sec_of(json_t *m, const char *key)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(m, "sections"), i, s)
		if (!strcmp(json_string_value(json_object_get(s, "key")), key))
			return s;
	return NULL;
}

/* The row of section key whose member k is v (a string). */
static json_t *row_of(json_t *m, const char *key, const char *k, const char *v)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(sec_of(m, key), "rows"), i, r)
		if (json_is_string(json_object_get(r, k)) && !strcmp(json_string_value(json_object_get(r, k)), v))
			return r;
	return NULL;
}

static double cell(json_t *row, const char *k)
{
	return json_number_value(json_object_get(row, k));
}

/* The distinct values of a column of the approved rows (a JSON array of strings). */
static json_t *values(struct dm_db *db, const char *sql)
{
	struct dm_stmt *s = NULL;
	struct dm_error err;
	json_t *a = json_array();
	dm_error_init(&err);
	CHECK_MSG(dm_stmt_prepare(dm_db_store(db), sql, &s, &err) == 0, "%s: %s", sql, err.message);
	while (s && dm_stmt_step(s, &err) == 1)
		json_array_append_new(a, dm_stmt_column_text(s, 0) ? json_string(dm_stmt_column_text(s, 0)) : json_null());
	dm_stmt_finalize(s);
	dm_error_release(&err);
	return a;
}

/* SQL of the released area (or count) of the period, with an optional extra condition. */
static double released(struct dm_db *db, const char *what, const char *from, const char *to, const char *cond,
		       const char *arg)
{
	char sql[1024];
	const char *p[4] = { from, to, arg, NULL };
	snprintf(sql, sizeof(sql), "SELECT COALESCE(%s, 0) FROM " AS("land_release", "t0") " WHERE" APPROVED
		 " AND end_date >= ? AND end_date <= ?%s", what, cond ? cond : "");
	return sql_num(db, sql, p);
}

/* How far a sum of the dashboard's released figure may be from the exact sum: the figure gives
 * each month, method and result rounded to the cent (lib/stats.c area()), and a report adds
 * them up, so half a cent per month and combination (three results) at most. */
static double released_tol(const char *from, const char *to)
{
	long months = (strtol(to, NULL, 10) - strtol(from, NULL, 10)) * 12 + strtol(to + 5, NULL, 10) -
		      strtol(from + 5, NULL, 10) + 1;
	return 0.011 + 0.005 * (double)months * 3;
}

/* ---- the national report ---- */

static void check_summary(struct dm_db *db, json_t *m, const char *from, const char *to, const char *col)
{
	static const char *const results[] = { "cancelled", "reduced", "cleared", NULL };
	const char *p[3] = { from, to, NULL };
	size_t i;
	CHECK_NEAR(cell(row_of(m, "summary_area", "key", "released"), col), released(db, "SUM(area_m2)", from, to, NULL, NULL),
		   released_tol(from, to));
	for (i = 0; results[i]; i++)
		CHECK_NEAR(cell(row_of(m, "summary_area", "key", results[i]), col),
			   released(db, "SUM(area_m2)", from, to, " AND result = ?", results[i]), released_tol(from, to));
	CHECK_INT(cell(row_of(m, "summary_counts", "key", "releases"), col), released(db, "COUNT(*)", from, to, NULL, NULL));
	CHECK_INT(cell(row_of(m, "summary_counts", "key", "items_destroyed"), col),
		  sql_num(db, "SELECT COALESCE(SUM(quantity), 0) FROM " AS("eo_find", "t0") " WHERE" APPROVED
			  " AND disposition LIKE 'destroyed%' AND find_date >= ? AND find_date <= ?", p));
	CHECK_INT(cell(row_of(m, "summary_counts", "key", "killed"), col),
		  sql_num(db, "SELECT COUNT(*) FROM " AS("victim", "v") " JOIN " AS("accident", "a") " ON a.id = v.accident WHERE" OK_V
			  " AND" OK_A " AND v.outcome = 'killed' AND a.accident_date >= ? AND a.accident_date <= ?", p));
	CHECK_INT(cell(row_of(m, "summary_counts", "key", "injured"), col),
		  sql_num(db, "SELECT COUNT(*) FROM " AS("victim", "v") " JOIN " AS("accident", "a") " ON a.id = v.accident WHERE" OK_V
			  " AND" OK_A " AND v.outcome = 'injured' AND a.accident_date >= ? AND a.accident_date <= ?", p));
	CHECK_INT(cell(row_of(m, "summary_counts", "key", "eore_sessions"), col),
		  sql_num(db, "SELECT COUNT(*) FROM " AS("eore_session", "t0") " WHERE" APPROVED
			  " AND session_date >= ? AND session_date <= ?", p));
	CHECK_INT(cell(row_of(m, "summary_counts", "key", "eore_beneficiaries"), col),
		  sql_num(db, "SELECT COALESCE(SUM(COALESCE(girls, 0) + COALESCE(boys, 0) + COALESCE(women, 0) +"
			  " COALESCE(men, 0)), 0) FROM " AS("eore_session", "t0") " WHERE" APPROVED
			  " AND session_date >= ? AND session_date <= ?", p));
}

static void check_released_rows(struct dm_db *db, json_t *m, const char *from, const char *to)
{
	json_t *pairs = values(db, "SELECT DISTINCT method || '/' || result FROM " AS("land_release", "t0") " WHERE" APPROVED), *v;
	size_t i, n = 0;
	json_array_foreach(pairs, i, v) {
		char method[32], *slash;
		json_t *r = NULL, *row;
		size_t j;
		double area, count;
		snprintf(method, sizeof(method), "%s", json_string_value(v) ? json_string_value(v) : "");
		if (!(slash = strchr(method, '/')))
			continue;
		*slash = 0;
		{
			const char *p[5] = { from, to, method, slash + 1, NULL };
			area = sql_num(db, "SELECT COALESCE(SUM(area_m2), 0) FROM " AS("land_release", "t0") " WHERE" APPROVED
				       " AND end_date >= ? AND end_date <= ? AND method = ? AND result = ?", p);
			count = sql_num(db, "SELECT COUNT(*) FROM " AS("land_release", "t0") " WHERE" APPROVED
					" AND end_date >= ? AND end_date <= ? AND method = ? AND result = ?", p);
		}
		json_array_foreach(json_object_get(sec_of(m, "released"), "rows"), j, row)
			if (!strcmp(json_string_value(json_object_get(row, "method_code")), method) &&
			    !strcmp(json_string_value(json_object_get(row, "result_code")), slash + 1))
				r = row;
		if (count == 0) {
			CHECK(r == NULL);
			continue;
		}
		n++;
		CHECK_MSG(r != NULL, "released %s/%s", method, slash + 1);
		CHECK_NEAR(cell(r, "area_m2"), area, released_tol(from, to));
		CHECK_INT(cell(r, "releases"), count);
	}
	CHECK_INT(json_array_size(json_object_get(sec_of(m, "released"), "rows")), n);
	json_decref(pairs);
}

static void check_operators(struct dm_db *db, json_t *m, const char *from, const char *to)
{
	json_t *rows = json_object_get(sec_of(m, "released_operator"), "rows"), *r;
	size_t i;
	double total = 0;
	json_array_foreach(rows, i, r) {
		const char *p[6] = { from, to, json_string_value(json_object_get(r, "operator_id")), NULL, NULL, NULL };
		CHECK(p[2] != NULL);
		if (!p[2])
			continue;
		/* the row's method and result are labels: its area is found among the operator's
		 * method/result sums */
		{
			json_t *pairs = values(db, "SELECT DISTINCT method || '/' || result FROM " AS("land_release", "t0") " WHERE" APPROVED), *v;
			size_t j;
			int found = 0;
			json_array_foreach(pairs, j, v) {
				char mr[32], *slash;
				double a, n;
				snprintf(mr, sizeof(mr), "%s", json_string_value(v));
				if (!(slash = strchr(mr, '/')))
					continue;
				*slash = 0;
				p[3] = mr;
				p[4] = slash + 1;
				a = sql_num(db, "SELECT COALESCE(SUM(area_m2), 0) FROM " AS("land_release", "t0") " WHERE" APPROVED
					    " AND end_date >= ? AND end_date <= ? AND operator = ? AND method = ? AND result = ?", p);
				n = sql_num(db, "SELECT COUNT(*) FROM " AS("land_release", "t0") " WHERE" APPROVED
					    " AND end_date >= ? AND end_date <= ? AND operator = ? AND method = ? AND result = ?", p);
				if (n > 0 && fabs(a - cell(r, "area_m2")) <= 0.011 && n == cell(r, "releases"))
					found = 1;
			}
			CHECK_MSG(found, "operator %s: %.2f m² in %.0f releases", p[2], cell(r, "area_m2"), cell(r, "releases"));
			json_decref(pairs);
		}
		total += cell(r, "area_m2");
	}
	/* each row rounded to the cent once */
	CHECK_NEAR(total, released(db, "SUM(area_m2)", from, to, " AND operator IS NOT NULL", NULL),
		   0.011 + 0.005 * (double)json_array_size(rows));
}

/* Remaining area by district: the hazard's location, or its parent, or its grandparent, that
 * is an adm2. */
#define DISTRICT_OF_HAZARD \
	" FROM " AS("hazard", "h") " JOIN " AS("location", "l") " ON l.id = h.location LEFT JOIN " AS("location", "p")\
	" ON p.id = l.parent LEFT JOIN " AS("location", "g") " ON g.id = p.parent WHERE" OK_H " AND h.land_status <> 'closed'" \
	" AND (CASE WHEN l.kind = 'adm2' THEN COALESCE(l.pcode, l.abbr) WHEN p.kind = 'adm2' THEN COALESCE(p.pcode, p.abbr)" \
	" WHEN g.kind = 'adm2' THEN COALESCE(g.pcode, g.abbr) END) = ?"

static void check_remaining_type(struct dm_db *db, json_t *m);

static void check_remaining(struct dm_db *db, json_t *m, const char *key, const char *cond)
{
	json_t *rows = json_object_get(sec_of(m, key), "rows"), *r;
	size_t i;
	char sql[2048];
	double total = 0;
	CHECK(json_array_size(rows) > 0);
	json_array_foreach(rows, i, r) {
		const char *p[2] = { json_string_value(json_object_get(r, "adm2")), NULL };
		if (!p[0])
			continue;
		snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(h.remaining_m2), 0)" DISTRICT_OF_HAZARD "%s", cond);
		CHECK_NEAR(cell(r, "remaining_m2"), sql_num(db, sql, p), 0.011);
		snprintf(sql, sizeof(sql), "SELECT COUNT(*)" DISTRICT_OF_HAZARD "%s", cond);
		CHECK_INT(cell(r, "hazards"), sql_num(db, sql, p));
		total += cell(r, "remaining_m2");
	}
	snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(h.remaining_m2), 0) FROM " AS("hazard", "h") " WHERE" OK_H
		 " AND h.land_status <> 'closed'%s", cond);
	CHECK_NEAR(total, sql_num(db, sql, NULL), 0.011 + 0.005 * (double)json_array_size(rows));
}

static void check_items(struct dm_db *db, json_t *m, const char *from, const char *to, const char *pfrom,
			const char *pto)
{
	json_t *cats = values(db, "SELECT DISTINCT category FROM " AS("eo_find", "t0") " WHERE" APPROVED " AND disposition LIKE 'destroyed%'");
	json_t *v, *r;
	size_t i;
	json_array_foreach(cats, i, v) {
		const char *p[4] = { from, to, json_string_value(v), NULL }, *pp[4] = { pfrom, pto, json_string_value(v), NULL };
		double q = sql_num(db, "SELECT COALESCE(SUM(quantity), 0) FROM " AS("eo_find", "t0") " WHERE" APPROVED " AND disposition LIKE"
				   " 'destroyed%' AND find_date >= ? AND find_date <= ? AND category = ?", p);
		double n = sql_num(db, "SELECT COUNT(*) FROM " AS("eo_find", "t0") " WHERE" APPROVED " AND disposition LIKE"
				   " 'destroyed%' AND find_date >= ? AND find_date <= ? AND category = ?", p);
		r = row_of(m, "items", "category_code", json_string_value(v));
		if (n == 0) {
			CHECK(r == NULL);
			continue;
		}
		CHECK_MSG(r != NULL, "items %s", json_string_value(v));
		CHECK_INT(cell(r, "quantity"), q);
		CHECK_INT(cell(r, "finds"), n);
		CHECK_INT(cell(r, "previous"), sql_num(db, "SELECT COALESCE(SUM(quantity), 0) FROM " AS("eo_find", "t0") " WHERE" APPROVED
						       " AND disposition LIKE 'destroyed%' AND find_date >= ? AND"
						       " find_date <= ? AND category = ?", pp));
	}
	json_decref(cats);
}

static void check_casualties_by_sex(struct dm_db *db, json_t *m, const char *from, const char *to)
{
	static const char *const sexes[] = { "female", "male", NULL };
	size_t s, i;
	json_t *r;
	for (s = 0; sexes[s]; s++) {
		const char *p[4] = { from, to, sexes[s], NULL };
		double k = 0, inj = 0;
		json_array_foreach(json_object_get(sec_of(m, "casualties"), "rows"), i, r)
			if (!strcmp(json_string_value(json_object_get(r, "sex_code")), sexes[s])) {
				k += cell(r, "killed");
				inj += cell(r, "injured");
			}
		CHECK_INT(k, sql_num(db, "SELECT COUNT(*) FROM " AS("victim", "v") " JOIN " AS("accident", "a") " ON a.id = v.accident WHERE" OK_V
				     " AND" OK_A " AND v.outcome = 'killed' AND a.accident_date >= ? AND"
				     " a.accident_date <= ? AND v.sex = ?", p));
		CHECK_INT(inj, sql_num(db, "SELECT COUNT(*) FROM " AS("victim", "v") " JOIN " AS("accident", "a") " ON a.id = v.accident WHERE" OK_V
				       " AND" OK_A " AND v.outcome = 'injured' AND a.accident_date >= ? AND"
				       " a.accident_date <= ? AND v.sex = ?", p));
	}
}

static void check_eore(struct dm_db *db, json_t *m, const char *from, const char *to)
{
	static const char *const cols[] = { "girls", "boys", "women", "men", NULL };
	json_t *r = row_of(m, "eore", "key", "current");
	const char *p[3] = { from, to, NULL };
	char sql[512];
	size_t i;
	double n = sql_num(db, "SELECT COUNT(*) FROM " AS("eore_session", "t0") " WHERE" APPROVED " AND session_date >= ? AND session_date <= ?", p);
	CHECK(n == 0 ? r == NULL : r != NULL);
	if (!r)
		return;
	CHECK_INT(cell(r, "sessions"), n);
	for (i = 0; cols[i]; i++) {
		snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(%s), 0) FROM " AS("eore_session", "t0") " WHERE" APPROVED
			 " AND session_date >= ? AND session_date <= ?", cols[i]);
		CHECK_INT(cell(r, cols[i]), sql_num(db, sql, p));
	}
}

/* The map draws every release of the period that has a geometry, by result. */
static void check_map(struct dm_db *db, json_t *m, const char *from, const char *to)
{
	json_t *map = json_object_get(sec_of(m, "map"), "map"), *l;
	size_t i;
	double drawn = 0;
	double n = released(db, "COUNT(*)", from, to, " AND geom IS NOT NULL", NULL);
	CHECK(map != NULL);
	if (!map)
		return;
	if (n > DM_MAP_MAX_RELEASES) /* the largest are drawn */
		n = DM_MAP_MAX_RELEASES;
	CHECK_INT(json_integer_value(json_object_get(map, "releases")), n);
	CHECK_INT(json_integer_value(json_object_get(map, "left_out")), 0);
	json_array_foreach(json_object_get(map, "layers"), i, l)
		if (i > 0)
			drawn += (double)json_array_size(json_object_get(l, "paths"));
	CHECK(drawn >= n);
	CHECK(json_integer_value(json_object_get(map, "width")) > 0 && json_integer_value(json_object_get(map, "height")) > 0);
}

static void check_national(struct dm_db *db, const char *from, const char *to)
{
	struct dm_report_params p = { from, to, NULL, NULL, NULL, "en", NULL };
	json_t *m = build(db, "national", &p);
	const char *pfrom = json_string_value(json_object_get(json_object_get(m, "previous"), "from"));
	const char *pto = json_string_value(json_object_get(json_object_get(m, "previous"), "to"));
	if (!m)
		return;
	check_summary(db, m, from, to, "current");
	check_summary(db, m, pfrom, pto, "previous");
	check_released_rows(db, m, from, to);
	check_operators(db, m, from, to);
	check_remaining(db, m, "remaining", "");
	check_remaining_type(db, m);
	check_items(db, m, from, to, pfrom, pto);
	check_casualties_by_sex(db, m, from, to);
	check_eore(db, m, from, to);
	check_map(db, m, from, to);
	json_decref(m);
}

/* The previous period has the length of the period and ends the day before it starts. */
static void check_previous(struct dm_db *db)
{
	struct dm_report_params p = { "2024-03-01", "2024-03-31", NULL, NULL, NULL, "en", NULL };
	json_t *m = build(db, "national", &p), *prev = json_object_get(m, "previous");
	CHECK_STR(json_string_value(json_object_get(prev, "from")), "2024-01-30");
	CHECK_STR(json_string_value(json_object_get(prev, "to")), "2024-02-29");
	json_decref(m);
}

/* Remaining by district and hazard type. */
static void check_remaining_type(struct dm_db *db, json_t *m)
{
	json_t *r;
	size_t i;
	char sql[2048];
	json_array_foreach(json_object_get(sec_of(m, "remaining_type"), "rows"), i, r) {
		const char *p[3] = { json_string_value(json_object_get(r, "adm2")), json_string_value(json_object_get(r, "type_code")),
				     NULL };
		if (!p[0] || !p[1])
			continue;
		snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(h.remaining_m2), 0)" DISTRICT_OF_HAZARD " AND h.hazard_type = ?");
		CHECK_NEAR(cell(r, "remaining_m2"), sql_num(db, sql, p), 0.011);
		snprintf(sql, sizeof(sql), "SELECT COUNT(*)" DISTRICT_OF_HAZARD " AND h.hazard_type = ?");
		CHECK_INT(cell(r, "hazards"), sql_num(db, sql, p));
	}
	CHECK(json_array_size(json_object_get(sec_of(m, "remaining_type"), "rows")) > 0);
}

/* Victim assistance services of the period by service and status. */
static void check_va(struct dm_db *db, json_t *m, const char *from, const char *to)
{
	json_t *r;
	size_t i;
	double total = 0;
	const char *pp[3] = { from, to, NULL };
	json_array_foreach(json_object_get(sec_of(m, "va_services"), "rows"), i, r) {
		const char *p[5] = { from, to, json_string_value(json_object_get(r, "service_code")),
				     json_string_value(json_object_get(r, "status_code")), NULL };
		CHECK_INT(cell(r, "services"), sql_num(db, "SELECT COUNT(*) FROM " AS("va_service", "t0") " WHERE service_date >= ?"
						    " AND service_date <= ? AND service = ? AND service_status = ?", p));
		CHECK_INT(cell(r, "victims"), sql_num(db, "SELECT COUNT(DISTINCT victim) FROM " AS("va_service", "t0") " WHERE"
						   " service_date >= ? AND service_date <= ? AND service = ? AND service_status = ?", p));
		total += cell(r, "services");
	}
	CHECK_INT(total, sql_num(db, "SELECT COUNT(*) FROM " AS("va_service", "t0") " WHERE service_date >= ? AND service_date <= ?",
				 pp));
}

/* ---- the other reports ---- */

static void check_article7(struct dm_db *db, const char *from, const char *to)
{
	struct dm_report_params p = { from, to, NULL, NULL, NULL, "ru", NULL };
	json_t *m = build(db, "article7", &p);
	if (!m)
		return;
	check_remaining(db, m, "remaining_ap", " AND (';' || h.contamination || ';') LIKE '%;ap_mine;%'");
	check_released_rows(db, m, from, to);
	check_casualties_by_sex(db, m, from, to);
	check_va(db, m, from, to);
	json_decref(m);
}

static void check_lm(struct dm_db *db, json_t *m, const char *key, const char *col, const char *table, const char *from,
		     const char *to)
{
	json_t *r;
	size_t i;
	char sql[1024];
	json_array_foreach(json_object_get(sec_of(m, key), "rows"), i, r) {
		const char *code = json_string_value(json_object_get(r, "code"));
		const char *p[4] = { from, to, code, NULL };
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM " AS("victim", "v") " JOIN " AS("accident", "a") " ON a.id = v.accident WHERE" OK_V
			 " AND" OK_A " AND a.accident_date >= ? AND a.accident_date <= ? AND COALESCE(%s.%s, 'unknown') = ?",
			 table, col);
		CHECK_INT(cell(r, "total"), sql_num(db, sql, p));
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM " AS("victim", "v") " JOIN " AS("accident", "a") " ON a.id = v.accident WHERE" OK_V
			 " AND" OK_A " AND a.accident_date >= ? AND a.accident_date <= ? AND COALESCE(%s.%s, 'unknown') = ?"
			 " AND v.outcome = 'killed'", table, col);
		CHECK_INT(cell(r, "killed"), sql_num(db, sql, p));
	}
}

static void check_casualty_report(struct dm_db *db, const char *from, const char *to)
{
	struct dm_report_params p = { from, to, NULL, NULL, NULL, "az", NULL };
	json_t *m = build(db, "casualties", &p);
	const char *pp[3] = { from, to, NULL };
	double total = 0;
	size_t i;
	json_t *r;
	if (!m)
		return;
	check_lm(db, m, "lm_role", "role", "v", from, to);
	check_lm(db, m, "lm_sex", "sex", "v", from, to);
	check_lm(db, m, "lm_device", "device_category", "a", from, to);
	check_lm(db, m, "lm_activity", "activity", "a", from, to);
	json_array_foreach(json_object_get(sec_of(m, "lm_age"), "rows"), i, r)
		total += cell(r, "total");
	CHECK_INT(total, sql_num(db, "SELECT COUNT(*) FROM " AS("victim", "v") " JOIN " AS("accident", "a") " ON a.id = v.accident WHERE" OK_V
				 " AND" OK_A " AND a.accident_date >= ? AND a.accident_date <= ?", pp));
	check_casualties_by_sex(db, m, from, to);
	json_decref(m);
}

/* France's EUR 400,000 (the demo's GRT-00001): AZN 803,272.00; what its tasks released. */
static void check_donor(struct dm_db *db)
{
	struct dm_report_params p = { "2021-01-01", "2026-12-31", NULL, NULL, "GRT-00001", "en", NULL };
	json_t *m = build(db, "donor", &p), *r;
	const char *gid = json_string_value(json_object_get(json_object_get(m, "params"), "grant"));
	const char *q[4] = { "2021-01-01", "2026-12-31", gid, NULL };
	if (!m)
		return;
	r = row_of(m, "grant", "currency", "EUR");
	CHECK_STR(json_string_value(json_object_get(r, "amount")), "400000.00");
	r = row_of(m, "grant", "currency", "AZN");
	CHECK_STR(json_string_value(json_object_get(r, "amount")), "803272.00");
	{
		double sum = 0, want;
		size_t i;
		json_array_foreach(json_object_get(sec_of(m, "released"), "rows"), i, r)
			sum += cell(r, "area_m2");
		want = sql_num(db, "SELECT COALESCE(SUM(area_m2), 0) FROM " AS("land_release", "t0") " WHERE" APPROVED " AND end_date >= ? AND"
			       " end_date <= ? AND task IN (SELECT id FROM " AS("task", "t0") " WHERE" APPROVED " AND \"grant\" = ?)", q);
		CHECK(want > 0);
		CHECK_NEAR(sum, want, released_tol("2021-01-01", "2026-12-31"));
		sum = 0;
		json_array_foreach(json_object_get(sec_of(m, "items"), "rows"), i, r)
			sum += cell(r, "quantity");
		CHECK_INT(sum, sql_num(db, "SELECT COALESCE(SUM(quantity), 0) FROM " AS("eo_find", "t0") " WHERE" APPROVED " AND disposition"
				       " LIKE 'destroyed%' AND find_date >= ? AND find_date <= ? AND task IN (SELECT id FROM"
				       " task WHERE" APPROVED " AND \"grant\" = ?)", q));
	}
	{
		/* the tasks of the grant planned in the period, by status */
		size_t i;
		double n = 0;
		json_array_foreach(json_object_get(sec_of(m, "tasks"), "rows"), i, r)
			n += cell(r, "tasks");
		CHECK(n > 0);
		CHECK_INT(n, sql_num(db, "SELECT COUNT(*) FROM " AS("task", "t0") " WHERE (planned_start IS NULL OR planned_start <= ?)"
				     " AND (planned_end IS NULL OR planned_end >= ?) AND \"grant\" = ?",
				     (const char *const[]){ "2026-12-31", "2021-01-01", gid, NULL }));
	}
	json_decref(m);
}

/* ---- a district, bad input, an empty period, the catalogue ---- */

static void check_district(struct dm_db *db)
{
	json_t *d = values(db, "SELECT pcode FROM " AS("location", "t0") " WHERE" APPROVED " AND kind = 'adm2' AND pcode IS NOT NULL ORDER BY pcode");
	size_t i;
	json_t *v;
	int checked = 0;
	json_array_foreach(d, i, v) {
		struct dm_report_params p = { "2021-01-01", "2026-12-31", json_string_value(v), NULL, NULL, "en", NULL };
		json_t *m = build(db, "national", &p), *rows = json_object_get(sec_of(m, "remaining"), "rows");
		/* only that district's remaining area */
		CHECK(json_array_size(rows) <= 1);
		if (json_array_size(rows) == 1) {
			CHECK_STR(json_string_value(json_object_get(json_array_get(rows, 0), "adm2")), json_string_value(v));
			checked++;
		}
		json_decref(m);
	}
	CHECK(checked > 0);
	json_decref(d);
}

static void refused(struct dm_db *db, const char *name, const struct dm_report_params *p, const char *field)
{
	struct dm_error err;
	json_t *m = NULL;
	dm_error_init(&err);
	CHECK_MSG(dm_report_build(db, &local, name, p, &m, &err) != 0 && !strcmp(err.field, field),
		  "%s from %s to %s, area %s, lang %s: field '%s': %s", name, p->from, p->to, p->area, p->lang, err.field,
		  err.message);
	CHECK(m == NULL);
	json_decref(m);
	dm_error_release(&err);
}

static void check_refusals(struct dm_db *db)
{
	struct dm_report_params ok = { "2021-01-01", "2021-12-31", NULL, NULL, NULL, "en", NULL }, p;
	refused(db, "nope", &ok, "report");
	p = ok, p.from = "2022-01-01";
	refused(db, "national", &p, "to");
	p = ok, p.from = "2000-01-01", p.to = "2020-01-02";
	refused(db, "national", &p, "to");
	p = ok, p.from = "2001-01-01", p.to = "2021-01-01";
	refused(db, "national", &p, "to");
	p = ok, p.from = "2021-02-30";
	refused(db, "national", &p, "from");
	p = ok, p.from = NULL;
	refused(db, "national", &p, "from");
	p = ok, p.area = "AZ-NOWHERE";
	refused(db, "national", &p, "area");
	p = ok, p.grant = "GRT-99999";
	refused(db, "donor", &p, "grant");
	refused(db, "donor", &ok, "grant");
	p = ok, p.lang = "de";
	refused(db, "national", &p, "lang");
	p = ok, p.lang = "../en";
	refused(db, "national", &p, "lang");
	p = ok, p.as_of = "yesterday";
	refused(db, "national", &p, "as_of");
	/* 20 years exactly is a period */
	p = ok, p.from = "2001-01-01", p.to = "2020-12-31";
	json_decref(build(db, "national", &p));
}

static void check_empty(struct dm_db *db)
{
	struct dm_report_params p = { "1990-01-01", "1990-12-31", NULL, NULL, NULL, "en", NULL };
	json_t *m = build(db, "national", &p);
	char *buf = NULL;
	size_t len = 0;
	struct dm_error err;
	CHECK(json_is_true(json_object_get(m, "empty")));
	dm_error_init(&err);
	CHECK(dm_report_render(m, "html", NULL, &buf, &len, &err) == 0);
	CHECK(buf && strstr(buf, "the report is empty"));
	free(buf);
	dm_error_release(&err);
	json_decref(m);
}

static void check_catalog(void)
{
	struct dm_catalog *ru = NULL, *az = NULL, *en = NULL;
	struct dm_error err;
	char d[64], n[64], *t;
	json_t *params;
	dm_error_init(&err);
	CHECK(dm_catalog_load(NULL, "ru", &ru, &err) == 0);
	CHECK(dm_catalog_load(NULL, "az", &az, &err) == 0);
	CHECK(dm_catalog_load(NULL, "en", &en, &err) == 0);
	if (!ru || !az || !en)
		goto out;
	CHECK_STR(dm_catalog_plural("ru", 1), "one");
	CHECK_STR(dm_catalog_plural("ru", 3), "few");
	CHECK_STR(dm_catalog_plural("ru", 11), "many");
	CHECK_STR(dm_catalog_plural("ru", 22), "few");
	CHECK_STR(dm_catalog_plural("ru", 25), "many");
	CHECK_STR(dm_catalog_plural("en", 1), "one");
	CHECK_STR(dm_catalog_plural("az", 2), "other");
	params = json_pack("{s:i}", "n", 3);
	t = dm_catalog_text(ru, "report.hazards", params);
	CHECK_STR(t, "3 опасных района");
	free(t);
	json_object_set_new(params, "n", json_integer(21));
	t = dm_catalog_text(ru, "report.hazards", params);
	CHECK_STR(t, "21 опасный район");
	free(t);
	json_object_set_new(params, "n", json_integer(1));
	t = dm_catalog_text(en, "report.hazards", params);
	CHECK_STR(t, "1 hazard");
	free(t);
	json_decref(params);
	t = dm_catalog_text(az, "no.such.key", NULL);
	CHECK_STR(t, "no.such.key");
	free(t);
	CHECK_STR(dm_catalog_date(az, "2026-12-03", d, sizeof(d)), "03.12.2026");
	CHECK_STR(dm_catalog_date(ru, "2026-12-03T10:00:00Z", d, sizeof(d)), "03.12.2026");
	CHECK_STR(dm_catalog_date(en, "2026-12-03", d, sizeof(d)), "3 December 2026");
	CHECK_STR(dm_catalog_number(en, 1234567.891, 2, n, sizeof(n)), "1,234,567.89");
	CHECK_STR(dm_catalog_number(ru, 1234.5, 2, n, sizeof(n)), "1\u00a0234,50");
	CHECK_STR(dm_catalog_number(en, -12, 0, n, sizeof(n)), "-12");
	t = dm_catalog_text(az, "report.section.remaining", NULL);
	CHECK(t && strstr(t, "ə"));
	free(t);
	/* validation messages: a plural counted by a param the entry names, lists and reals */
	params = json_pack("{s:I,s:i}", "length", (json_int_t)300, "max", 255);
	t = dm_catalog_text(ru, "error.too_long", params);
	CHECK_STR(t, "слишком длинно: не более 255 символов");
	free(t);
	json_object_set_new(params, "max", json_integer(21));
	t = dm_catalog_text(ru, "error.too_long", params);
	CHECK_STR(t, "слишком длинно: не более 21 символа");
	free(t);
	json_decref(params);
	params = json_pack("{s:s,s:[s,s]}", "value", "x", "allowed", "manual", "mechanical");
	t = dm_catalog_text(en, "error.not_allowed", params);
	CHECK_STR(t, "'x' is not one of the allowed values: manual, mechanical");
	free(t);
	json_decref(params);
	params = json_pack("{s:f}", "value", -2.5);
	t = dm_catalog_text(az, "error.negative", params);
	CHECK_STR(t, "-2.5 mənfidir; 0 və ya daha çox olmalıdır");
	free(t);
	json_decref(params);
	CHECK(dm_catalog_has(ru, "error.required") && !dm_catalog_has(ru, "error.no_such_code"));
out:
	dm_catalog_free(ru);
	dm_catalog_free(az);
	dm_catalog_free(en);
	dm_error_release(&err);
}

/* ---- as of a past time ---- */

static char *render_all(json_t *m)
{
	struct dm_buf b;
	const char *keys[32];
	size_t n = dm_report_tables(m, keys, 32), i;
	struct dm_error err;
	dm_buf_init(&b, 0);
	dm_error_init(&err);
	for (i = 0; i < n; i++) {
		char *buf = NULL;
		size_t len = 0;
		CHECK(dm_report_render(m, "csv", keys[i], &buf, &len, &err) == 0);
		if (buf)
			dm_buf_addn(&b, buf, len);
		free(buf);
	}
	dm_error_release(&err);
	return dm_buf_take(&b);
}

/* A report as of a past time has the same figures after later edits and approvals; the
 * report of now sees them. */
static void check_as_of(struct dm_db *db)
{
	static const struct dm_actor im = { "im", "im_officer", NULL };
	char then[32];
	struct dm_report_params p = { "2021-01-01", "2026-12-31", NULL, NULL, NULL, "en", NULL };
	json_t *before, *after, *now, *finds = values(db, "SELECT id FROM " AS("eo_find", "t0") " WHERE" APPROVED
						     " AND disposition LIKE 'destroyed%' AND find_date >= '2021-01-01' AND"
						     " find_date <= '2026-12-31' ORDER BY id");
	struct dm_record *cur = NULL;
	struct dm_error err;
	char *a, *b, *c;
	const char *id = json_string_value(json_array_get(finds, 0));
	json_t *in;
	dm_error_init(&err);
	dm_now(then);
	p.as_of = then;
	before = build(db, "national", &p);
	CHECK(id != NULL);
	CHECK(dm_record_get(db, &local, id, NULL, &cur, &err) == 0);
	in = json_pack("{s:i}", "quantity", 1000);
	CHECK_MSG(dm_record_update(db, &im, id, cur ? cur->version : 1, in, "recount", NULL, NULL, &err) == 0, "%s", err.message);
	json_decref(in);
	CHECK(dm_record_transition(db, &im, id, DM_SUBMIT, 0, NULL, NULL, &err) == 0);
	CHECK(dm_record_transition(db, &im, id, DM_APPROVE, 0, NULL, NULL, &err) == 0);
	after = build(db, "national", &p);
	p.as_of = NULL;
	now = build(db, "national", &p);
	a = render_all(before);
	b = render_all(after);
	c = render_all(now);
	CHECK(a && b && !strcmp(a, b));
	CHECK(json_equal(json_object_get(before, "sections"), json_object_get(after, "sections")));
	CHECK(a && c && strcmp(a, c) != 0);
	CHECK(cell(row_of(now, "summary_counts", "key", "items_destroyed"), "current") >
	      cell(row_of(before, "summary_counts", "key", "items_destroyed"), "current"));
	free(a);
	free(b);
	free(c);
	json_decref(before);
	json_decref(after);
	json_decref(now);
	json_decref(finds);
	dm_record_free(cur);
	dm_error_release(&err);
}

/* ---- the formats ---- */

static void check_formats(struct dm_db *db)
{
	struct dm_report_params p = { "2021-01-01", "2026-12-31", NULL, NULL, NULL, "az", NULL };
	json_t *m = build(db, "national", &p);
	struct dm_error err;
	char *buf = NULL;
	size_t len = 0;
	dm_error_init(&err);
	CHECK(dm_report_render(m, "pdf", NULL, &buf, &len, &err) == 0);
	CHECK(buf && len > 1000 && !memcmp(buf, "%PDF-", 5));
	free(buf);
	buf = NULL;
	CHECK(dm_report_render(m, "xlsx", NULL, &buf, &len, &err) == 0);
	CHECK(buf && len > 1000 && !memcmp(buf, "PK", 2));
	free(buf);
	buf = NULL;
	CHECK(dm_report_render(m, "csv", "items", &buf, &len, &err) == 0);
	CHECK(buf && !strncmp(buf, "Kateqoriya,", 11));
	free(buf);
	buf = NULL;
	dm_error_release(&err);
	CHECK(dm_report_render(m, "csv", NULL, &buf, &len, &err) == DM_EINVAL && !strcmp(err.field, "table"));
	dm_error_release(&err);
	CHECK(dm_report_render(m, "docx", NULL, &buf, &len, &err) == DM_EINVAL && !strcmp(err.field, "format"));
	dm_error_release(&err);
	json_decref(m);
}

/* The return report: one row per approved settlement, in return-plan order, with the status
 * and hazardous area its own record holds (the national report carries the same section). */
static void check_return_report(struct dm_db *db)
{
	struct dm_report_params p = { "2024-01-01", "2024-12-31", NULL, NULL, NULL, "en", NULL };
	json_t *m = build(db, "return", &p), *rows, *nat, *r;
	struct dm_stmt *st = NULL;
	struct dm_error err;
	size_t i = 0;
	if (!m)
		return;
	rows = json_object_get(sec_of(m, "readiness"), "rows");
	dm_error_init(&err);
	CHECK_INT(dm_stmt_prepare(dm_db_store(db), "SELECT h.code, h.readiness_status, h.hazard_within_m2 FROM settlement c"
				  " JOIN settlement_history h ON h.id = c.id AND h.version = c.approved_version WHERE h.deleted = 0"
				  " ORDER BY h.return_priority, h.code", &st, &err), 0);
	while (st && dm_stmt_step(st, &err) == 1) {
		r = json_array_get(rows, i++);
		CHECK_STR(json_string_value(json_object_get(r, "code")), dm_stmt_column_text(st, 0));
		CHECK_STR(json_string_value(json_object_get(r, "readiness")),
			  !strcmp(dm_stmt_column_text(st, 1), "blocked") ? "Blocked"
			  : !strcmp(dm_stmt_column_text(st, 1), "in_progress") ? "In progress" : "Cleared for return");
		CHECK_NEAR(json_number_value(json_object_get(r, "remaining_m2")), dm_stmt_column_real(st, 2), 0.01);
	}
	dm_stmt_finalize(st);
	dm_error_release(&err);
	CHECK(i >= 16);
	CHECK_INT(json_array_size(rows), i);
	nat = build(db, "national", &p);
	CHECK(nat && json_equal(json_object_get(sec_of(nat, "readiness"), "rows"), rows));
	json_decref(nat);
	json_decref(m);
}

static void figures(struct dm_db *db, int demo)
{
	check_national(db, "2021-01-01", "2026-12-31");
	check_national(db, "2023-01-01", "2024-12-31");
	check_national(db, "2024-01-01", "2024-12-31");
	check_article7(db, "2021-01-01", "2026-12-31");
	check_casualty_report(db, "2021-01-01", "2026-12-31");
	check_district(db);
	if (demo) {
		check_donor(db);
		check_return_report(db);
	}
}

static void run(const char *uri, int create)
{
	struct dm_db *db = NULL;
	struct dm_error err;
	dm_error_init(&err);
	if (dm_db_open(uri, create, &db, &err) || dm_demo_fill(db, NULL, &err)) {
		CHECK_MSG(0, "demo database %s: %s", uri, err.message);
		dm_error_release(&err);
		dm_db_close(db);
		return;
	}
	figures(db, 1);
	check_previous(db);
	check_refusals(db);
	check_empty(db);
	check_formats(db);
	check_as_of(db);
	dm_db_close(db);
}

int main(void)
{
	char dir[] = "/tmp/demine-report-XXXXXX", path[128];
	const char *pg = getenv("DEMINE_TEST_PG"), *existing = getenv("DEMINE_TEST_REPORT_DB");
	check_catalog();
	if (existing && *existing) {
		struct dm_db *db = NULL;
		struct dm_error err;
		dm_error_init(&err);
		CHECK_MSG(dm_db_open(existing, 0, &db, &err) == 0, "%s", err.message);
		if (db)
			figures(db, 0);
		dm_db_close(db);
		dm_error_release(&err);
		return check_report("report");
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/report.db", dir);
	run(path, 1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/report.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/report.db-shm", dir);
	unlink(path);
	rmdir(dir);
	if (pg && *pg)
		run(pg, 0);
	return check_report("report");
}
