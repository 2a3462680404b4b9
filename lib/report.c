/* report.c: the report definitions and their model: each report is a table of sections,
 * each section built from dashboard figures (dm_stats_compute) with the report's filters, so
 * a number in a report is the dashboard's number for the same filter. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "demine/catalog.h"
#include "demine/record.h"
#include "demine/report.h"
#include "demine/stats.h"
#include "demine/util.h"
#include "demine/value.h"
#include "render_map.h"

#ifndef DEMINE_VERSION
#define DEMINE_VERSION "0.1"
#endif

#define MAX_PERIOD_YEARS 20 /* a period over 20 years is refused */

const char *const dm_report_names[] = { "national", "article7", "casualties", "donor", "return", NULL };

/* One report being built. */
struct rctx {
	struct dm_db *db;
	const struct dm_actor *who;
	struct dm_catalog *cat;
	struct dm_stats_filter cur, prev; /* this period and the one of the same length before it */
	char prev_from[11], prev_to[11];
	char grant_id[37];
	json_t *model, *sections;
	struct dm_error *err;
};

/* ---- text ---- */

/* The text of key; takes params (its reference is dropped). */
static json_t *text(struct rctx *r, const char *key, json_t *params)
{
	char *t = dm_catalog_text(r->cat, key, params);
	json_t *v = json_string(t ? t : key);
	free(t);
	json_decref(params);
	return v;
}

/* The label of a coded value (v.CODE in the catalogue); null and missing are "unknown". */
static json_t *value_label(struct rctx *r, const char *code)
{
	char key[96];
	snprintf(key, sizeof(key), "v.%s", code && *code ? code : "unknown");
	return text(r, key, NULL);
}

/* ---- figures ---- */

/* A figure for this period (prev 0) or the previous one (prev 1). A filter the report passed
 * on is named as the report's parameter (adm2 is the report's area). */
static int figure(struct rctx *r, const char *name, int prev, const char *currency, json_t **out)
{
	struct dm_stats_filter f = prev ? r->prev : r->cur;
	int rc;
	f.currency = currency;
	rc = dm_stats_compute(r->db, r->who, name, &f, out, r->err);
	if (rc && !strcmp(r->err->field, "adm2")) {
		char msg[sizeof(r->err->message)];
		snprintf(r->err->field, sizeof(r->err->field), "area");
		snprintf(msg, sizeof(msg), "area:%s", r->err->message + (strncmp(r->err->message, "adm2:", 5) ? 0 : 5));
		memcpy(r->err->message, msg, sizeof(msg));
	}
	return rc;
}

static json_t *items_of(json_t *fig)
{
	return json_object_get(fig, "items");
}

static double num(json_t *item, const char *key)
{
	return json_number_value(json_object_get(item, key));
}

static const char *str(json_t *item, const char *key)
{
	return json_string_value(json_object_get(item, key));
}

/* Sums key over the items whose match_key equals match (every item when match_key is NULL). */
static double sum_where(json_t *fig, const char *key, const char *match_key, const char *match)
{
	size_t i;
	json_t *it;
	double s = 0;
	json_array_foreach(items_of(fig), i, it) {
		const char *v = match_key ? str(it, match_key) : NULL;
		if (!match_key || (v && match && !strcmp(v, match)) || (!v && !match))
			s += num(it, key);
	}
	return s;
}

/* Areas add up in m² with two decimals, as the dashboard rounds them. */
static json_t *area_value(double m2)
{
	return json_real(round(m2 * 100) / 100);
}

/* ---- sections ---- */

static json_t *section(struct rctx *r, const char *key, const char *title_key)
{
	char k[96];
	json_t *s;
	snprintf(k, sizeof(k), "report.section.%s", title_key);
	s = json_pack("{s:s, s:o, s:[], s:[], s:o}", "key", key, "title", text(r, k, NULL), "columns", "rows", "empty",
		      text(r, "report.empty", NULL));
	json_array_append_new(r->sections, s);
	return s;
}

/* A column: key in the rows, label from report.col.LABEL, type text, int, area or money. */
static void column(struct rctx *r, json_t *sec, const char *key, const char *label, const char *type)
{
	char k[96];
	snprintf(k, sizeof(k), "report.col.%s", label);
	json_array_append_new(json_object_get(sec, "columns"),
			      json_pack("{s:s, s:o, s:s}", "key", key, "label", text(r, k, NULL), "type", type));
}

static void row(json_t *sec, json_t *row)
{
	json_array_append_new(json_object_get(sec, "rows"), row);
}

static void chart(json_t *sec, const char *label_col, const char *value_col)
{
	json_object_set_new(sec, "chart", json_pack("{s:s, s:s, s:s}", "type", "bar", "label", label_col, "value",
						    value_col));
}

/* Summary rows: an indicator this period, the previous one and the change. */
static void summary_row(struct rctx *r, json_t *sec, const char *key, double cur, double prev, int is_area)
{
	char k[96];
	snprintf(k, sizeof(k), "report.ind.%s", key);
	row(sec, json_pack("{s:s, s:o, s:o, s:o, s:o}", "key", key, "indicator", text(r, k, NULL), "current",
			   is_area ? area_value(cur) : json_integer((json_int_t)cur), "previous",
			   is_area ? area_value(prev) : json_integer((json_int_t)prev), "change",
			   is_area ? area_value(cur - prev) : json_integer((json_int_t)(cur - prev))));
}

static json_t *summary_section(struct rctx *r, const char *key, const char *type)
{
	json_t *s = section(r, key, key);
	column(r, s, "indicator", "indicator", "text");
	column(r, s, "current", "current", type);
	column(r, s, "previous", "previous", type);
	column(r, s, "change", "change", type);
	return s;
}

/* ---- the sections of the reports ---- */

static const char *const results[] = { "cancelled", "reduced", "cleared", NULL };

static int sec_summary(struct rctx *r)
{
	json_t *rel[2] = { NULL, NULL }, *it[2] = { NULL, NULL }, *cas[2] = { NULL, NULL }, *eo[2] = { NULL, NULL };
	json_t *sa, *sc;
	int rc = 0, p;
	size_t i;
	for (p = 0; p < 2 && !rc; p++) {
		if (!(rc = figure(r, "released", p, NULL, &rel[p])) && !(rc = figure(r, "items", p, NULL, &it[p])) &&
		    !(rc = figure(r, "casualties", p, NULL, &cas[p])))
			rc = figure(r, "eore", p, NULL, &eo[p]);
	}
	if (rc)
		goto out;
	sa = summary_section(r, "summary_area", "area");
	summary_row(r, sa, "released", sum_where(rel[0], "area_m2", NULL, NULL), sum_where(rel[1], "area_m2", NULL, NULL),
		    1);
	for (i = 0; results[i]; i++)
		summary_row(r, sa, results[i], sum_where(rel[0], "area_m2", "result", results[i]),
			    sum_where(rel[1], "area_m2", "result", results[i]), 1);
	sc = summary_section(r, "summary_counts", "int");
	summary_row(r, sc, "releases", sum_where(rel[0], "releases", NULL, NULL), sum_where(rel[1], "releases", NULL, NULL),
		    0);
	summary_row(r, sc, "items_destroyed", sum_where(it[0], "quantity", NULL, NULL),
		    sum_where(it[1], "quantity", NULL, NULL), 0);
	summary_row(r, sc, "killed", sum_where(cas[0], "killed", NULL, NULL), sum_where(cas[1], "killed", NULL, NULL), 0);
	summary_row(r, sc, "injured", sum_where(cas[0], "injured", NULL, NULL), sum_where(cas[1], "injured", NULL, NULL),
		    0);
	summary_row(r, sc, "eore_sessions", sum_where(eo[0], "sessions", NULL, NULL),
		    sum_where(eo[1], "sessions", NULL, NULL), 0);
	summary_row(r, sc, "eore_beneficiaries", sum_where(eo[0], "total", NULL, NULL),
		    sum_where(eo[1], "total", NULL, NULL), 0);
out:
	for (p = 0; p < 2; p++) {
		json_decref(rel[p]);
		json_decref(it[p]);
		json_decref(cas[p]);
		json_decref(eo[p]);
	}
	return rc;
}

/* Area released by method and result over the period (the released figure's months added up). */
static int sec_released(struct rctx *r)
{
	json_t *fig = NULL, *by = json_object(), *sec, *it, *v;
	const char *k;
	size_t i;
	int rc = figure(r, "released", 0, NULL, &fig);
	if (rc)
		goto out;
	json_array_foreach(items_of(fig), i, it) {
		char key[64];
		json_t *acc;
		snprintf(key, sizeof(key), "%s/%s", str(it, "method") ? str(it, "method") : "",
			 str(it, "result") ? str(it, "result") : "");
		if (!(acc = json_object_get(by, key))) {
			acc = json_pack("{s:o, s:o, s:s?, s:s?, s:f, s:i}", "method", value_label(r, str(it, "method")), "result",
					value_label(r, str(it, "result")), "method_code", str(it, "method"), "result_code",
					str(it, "result"), "area_m2", 0.0, "releases", 0);
			json_object_set_new(by, key, acc);
		}
		json_object_set_new(acc, "area_m2", json_real(num(acc, "area_m2") + num(it, "area_m2")));
		json_object_set_new(acc, "releases", json_integer((json_int_t)(num(acc, "releases") + num(it, "releases"))));
	}
	sec = section(r, "released", "released");
	column(r, sec, "method", "method", "text");
	column(r, sec, "result", "result", "text");
	column(r, sec, "area_m2", "area", "area");
	column(r, sec, "releases", "releases", "int");
	chart(sec, "result", "area_m2");
	json_object_foreach(by, k, v) { /* keys sort in method/result order: the object keeps insertion */
		json_object_set_new(v, "area_m2", area_value(num(v, "area_m2")));
		row(sec, json_incref(v));
	}
out:
	json_decref(fig);
	json_decref(by);
	return rc;
}

static int sec_released_operator(struct rctx *r)
{
	json_t *fig = NULL, *sec, *it;
	size_t i;
	int rc = figure(r, "released_operator", 0, NULL, &fig);
	if (rc)
		return rc;
	sec = section(r, "released_operator", "released_operator");
	column(r, sec, "operator", "operator", "text");
	column(r, sec, "method", "method", "text");
	column(r, sec, "result", "result", "text");
	column(r, sec, "area_m2", "area", "area");
	column(r, sec, "releases", "releases", "int");
	json_array_foreach(items_of(fig), i, it)
		row(sec, json_pack("{s:O, s:o, s:o, s:o, s:O, s:O}", "operator_id", json_object_get(it, "operator"), "operator",
				   str(it, "operator_name") ? json_string(str(it, "operator_name")) : value_label(r, NULL),
				   "method", value_label(r, str(it, "method")), "result", value_label(r, str(it, "result")),
				   "area_m2", json_object_get(it, "area_m2"), "releases", json_object_get(it, "releases")));
	json_decref(fig);
	return 0;
}

/* The district's name in the report's language (English, then its pcode, when it has none). */
static json_t *district_name(struct rctx *r, json_t *it)
{
	char key[16];
	const char *n;
	snprintf(key, sizeof(key), "name_%s", dm_catalog_lang(r->cat));
	n = str(it, key);
	if (!n)
		n = str(it, "name_en");
	if (!n)
		n = str(it, "adm2");
	return n ? json_string(n) : value_label(r, NULL);
}

static int sec_remaining(struct rctx *r, const char *figname, const char *key)
{
	json_t *fig = NULL, *sec, *it;
	size_t i;
	int rc = figure(r, figname, 0, NULL, &fig);
	if (rc)
		return rc;
	sec = section(r, key, key);
	json_object_set_new(sec, "stock", json_true()); /* as it stands at as_of, not the period's */
	column(r, sec, "district", "district", "text");
	column(r, sec, "adm2", "pcode", "text");
	column(r, sec, "hazards", "hazards", "int");
	column(r, sec, "remaining_m2", "remaining", "area");
	chart(sec, "district", "remaining_m2");
	json_array_foreach(items_of(fig), i, it)
		row(sec, json_pack("{s:o, s:O, s:O, s:O}", "district", district_name(r, it), "adm2",
				   json_object_get(it, "adm2"), "hazards", json_object_get(it, "hazards"), "remaining_m2",
				   json_object_get(it, "remaining_m2")));
	json_decref(fig);
	return 0;
}

static int sec_items(struct rctx *r)
{
	json_t *fig = NULL, *prev = NULL, *sec, *it;
	size_t i;
	int rc = figure(r, "items", 0, NULL, &fig);
	if (!rc)
		rc = figure(r, "items", 1, NULL, &prev);
	if (rc)
		goto out;
	sec = section(r, "items", "items");
	column(r, sec, "category", "category", "text");
	column(r, sec, "quantity", "quantity", "int");
	column(r, sec, "finds", "finds", "int");
	column(r, sec, "previous", "previous", "int");
	chart(sec, "category", "quantity");
	json_array_foreach(items_of(fig), i, it)
		row(sec, json_pack("{s:s, s:o, s:O, s:O, s:I}", "category_code", str(it, "category"), "category",
				   value_label(r, str(it, "category")), "quantity",
				   json_object_get(it, "quantity"), "finds", json_object_get(it, "finds"), "previous",
				   (json_int_t)sum_where(prev, "quantity", "category", str(it, "category"))));
out:
	json_decref(fig);
	json_decref(prev);
	return rc;
}

/* Casualties by sex and age group over the period (the figure's years added up). */
static int sec_casualties_sex_age(struct rctx *r)
{
	static const char *const sexes[] = { "female", "male", "unknown", NULL };
	static const char *const ages[] = { "child", "adult", "unknown", NULL };
	json_t *fig = NULL, *sec, *it;
	size_t i, s, a;
	int rc = figure(r, "casualties", 0, NULL, &fig);
	if (rc)
		return rc;
	sec = section(r, "casualties", "casualties");
	column(r, sec, "sex", "sex", "text");
	column(r, sec, "age_group", "age_group", "text");
	column(r, sec, "killed", "killed", "int");
	column(r, sec, "injured", "injured", "int");
	column(r, sec, "total", "total", "int");
	for (s = 0; sexes[s]; s++)
		for (a = 0; ages[a]; a++) {
			double k = 0, inj = 0;
			json_array_foreach(items_of(fig), i, it)
				if (!strcmp(str(it, "sex"), sexes[s]) && !strcmp(str(it, "age_group"), ages[a])) {
					k += num(it, "killed");
					inj += num(it, "injured");
				}
			if (k + inj > 0)
				row(sec, json_pack("{s:s, s:s, s:o, s:o, s:I, s:I, s:I}", "sex_code", sexes[s], "age_code", ages[a],
						   "sex", value_label(r, sexes[s]), "age_group",
						   value_label(r, ages[a]), "killed", (json_int_t)k, "injured", (json_int_t)inj,
						   "total", (json_int_t)(k + inj)));
		}
	json_decref(fig);
	return 0;
}

static void eore_row(struct rctx *r, json_t *sec, const char *period, json_t *fig)
{
	char k[64];
	snprintf(k, sizeof(k), "report.col.%s", period);
	row(sec, json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "key", period, "period", text(r, k, NULL), "sessions",
			   (json_int_t)sum_where(fig, "sessions", NULL, NULL), "girls",
			   (json_int_t)sum_where(fig, "girls", NULL, NULL), "boys", (json_int_t)sum_where(fig, "boys", NULL, NULL),
			   "women", (json_int_t)sum_where(fig, "women", NULL, NULL), "men",
			   (json_int_t)sum_where(fig, "men", NULL, NULL), "total", (json_int_t)sum_where(fig, "total", NULL, NULL)));
}

static int sec_eore(struct rctx *r, int with_previous)
{
	static const char *const cols[] = { "sessions", "girls", "boys", "women", "men", "total", NULL };
	json_t *fig = NULL, *prev = NULL, *sec;
	size_t i;
	int rc = figure(r, "eore", 0, NULL, &fig);
	if (!rc && with_previous)
		rc = figure(r, "eore", 1, NULL, &prev);
	if (rc)
		goto out;
	sec = section(r, "eore", "eore");
	column(r, sec, "period", "period", "text");
	for (i = 0; cols[i]; i++)
		column(r, sec, cols[i], cols[i], "int");
	if (sum_where(fig, "sessions", NULL, NULL) > 0)
		eore_row(r, sec, "current", fig);
	if (prev && sum_where(prev, "sessions", NULL, NULL) > 0)
		eore_row(r, sec, "previous", prev);
out:
	json_decref(fig);
	json_decref(prev);
	return rc;
}

/* A table of the casualties_lm figure by one of its dimensions: killed, injured, total. */
static int lm_table(struct rctx *r, json_t *fig, const char *dim, const char *key)
{
	json_t *by = json_object(), *sec, *it, *v;
	const char *k;
	size_t i;
	json_array_foreach(items_of(fig), i, it) {
		const char *d = str(it, dim) ? str(it, dim) : "unknown";
		json_t *acc = json_object_get(by, d);
		const char *outcome = str(it, "outcome");
		if (!acc) {
			acc = json_pack("{s:s, s:o, s:i, s:i, s:i}", "code", d, dim, value_label(r, d), "killed", 0, "injured", 0,
					"total", 0);
			json_object_set_new(by, d, acc);
		}
		if (outcome && (!strcmp(outcome, "killed") || !strcmp(outcome, "injured")))
			json_object_set_new(acc, outcome, json_integer((json_int_t)(num(acc, outcome) + num(it, "victims"))));
		json_object_set_new(acc, "total", json_integer((json_int_t)(num(acc, "total") + num(it, "victims"))));
	}
	sec = section(r, key, key);
	column(r, sec, dim, dim, "text");
	column(r, sec, "killed", "killed", "int");
	column(r, sec, "injured", "injured", "int");
	column(r, sec, "total", "total", "int");
	json_object_foreach(by, k, v)
		row(sec, json_incref(v));
	json_decref(by);
	return 0;
}

static int sec_casualties_lm(struct rctx *r)
{
	static const char *const dims[][2] = { { "role", "lm_role" }, { "sex", "lm_sex" }, { "age_group", "lm_age" },
					       { "device_category", "lm_device" }, { "activity", "lm_activity" } };
	json_t *fig = NULL;
	size_t i;
	int rc = figure(r, "casualties_lm", 0, NULL, &fig);
	for (i = 0; !rc && i < sizeof(dims) / sizeof(dims[0]); i++)
		rc = lm_table(r, fig, dims[i][0], dims[i][1]);
	json_decref(fig);
	return rc;
}

/* The grant and its amount, in its own currency and converted (AZN), at the rate of its
 * announced date, as the funding figure converts it. */
static int sec_grant(struct rctx *r)
{
	struct dm_read_opts ro = { r->cur.as_of, 1, 0 };
	struct dm_record *g = NULL;
	json_t *gj = NULL, *fig = NULL, *sec, *it;
	const char *currencies[2];
	size_t i, c;
	int rc = dm_record_get(r->db, r->who, r->grant_id, &ro, &g, r->err);
	if (rc) {
		snprintf(r->err->field, sizeof(r->err->field), "grant");
		return rc;
	}
	gj = dm_record_to_json(r->db, r->who, g, NULL);
	if (dm_actor_can(r->who, DM_P_OWN_GRANTS) &&
	    (!r->who->org_id || !str(gj, "donor") || strcmp(str(gj, "donor"), r->who->org_id))) {
		json_decref(gj);
		dm_record_free(g);
		return dm_error_set(r->err, DM_EPERM, "grant", "grant: %s is not a grant of your organisation",
				    r->grant_id);
	}
	currencies[0] = str(gj, "currency");
	currencies[1] = "AZN";
	sec = section(r, "grant", "grant");
	column(r, sec, "grant", "grant", "text");
	column(r, sec, "donor", "donor", "text");
	column(r, sec, "currency", "currency", "text");
	column(r, sec, "amount", "amount", "money");
	column(r, sec, "announced_date", "announced_date", "text");
	for (c = 0; c < 2 && !rc; c++) {
		if (c && currencies[0] && !strcmp(currencies[0], "AZN"))
			break;
		if ((rc = figure(r, "funding", 0, currencies[c], &fig)))
			break;
		json_array_foreach(items_of(fig), i, it)
			row(sec, json_pack("{s:O?, s:O?, s:s, s:O, s:O?}", "grant", json_object_get(gj, "code"), "donor",
					   json_object_get(it, "donor_name"), "currency", currencies[c], "amount",
					   json_object_get(it, "amount"), "announced_date",
					   json_object_get(gj, "announced_date")));
		json_array_foreach(json_object_get(fig, "unconverted"), i, it)
			json_object_set_new(sec, "note", json_string(str(it, "reason")));
		json_decref(fig);
		fig = NULL;
	}
	json_decref(gj);
	dm_record_free(g);
	return rc;
}

/* Remaining area by district and hazard type. */
static int sec_remaining_type(struct rctx *r)
{
	json_t *fig = NULL, *sec, *it;
	size_t i;
	int rc = figure(r, "remaining_type", 0, NULL, &fig);
	if (rc)
		return rc;
	sec = section(r, "remaining_type", "remaining_type");
	json_object_set_new(sec, "stock", json_true());
	column(r, sec, "district", "district", "text");
	column(r, sec, "hazard_type", "hazard_type", "text");
	column(r, sec, "hazards", "hazards", "int");
	column(r, sec, "remaining_m2", "remaining", "area");
	json_array_foreach(items_of(fig), i, it)
		row(sec, json_pack("{s:O, s:s?, s:o, s:o, s:O, s:O}", "adm2", json_object_get(it, "adm2"), "type_code",
				   str(it, "hazard_type"), "district", district_name(r, it), "hazard_type",
				   value_label(r, str(it, "hazard_type")), "hazards", json_object_get(it, "hazards"),
				   "remaining_m2", json_object_get(it, "remaining_m2")));
	json_decref(fig);
	return 0;
}

/* Victim assistance given in the period, by service and status (APMBC Article 7, victim
 * assistance). */
static int sec_va(struct rctx *r)
{
	json_t *fig = NULL, *sec, *it;
	size_t i;
	int rc = figure(r, "va_services", 0, NULL, &fig);
	if (rc)
		return rc;
	sec = section(r, "va_services", "va_services");
	column(r, sec, "service", "service", "text");
	column(r, sec, "service_status", "service_status", "text");
	column(r, sec, "services", "services", "int");
	column(r, sec, "victims", "victims", "int");
	json_array_foreach(items_of(fig), i, it)
		row(sec, json_pack("{s:s?, s:s?, s:o, s:o, s:O, s:O}", "service_code", str(it, "service"), "status_code",
				   str(it, "service_status"), "service", value_label(r, str(it, "service")), "service_status",
				   value_label(r, str(it, "service_status")), "services", json_object_get(it, "services"),
				   "victims", json_object_get(it, "victims")));
	json_decref(fig);
	return 0;
}

/* The tasks a grant funded (planned in the period), by task status. */
static int sec_tasks(struct rctx *r)
{
	json_t *fig = NULL, *sec, *it;
	size_t i;
	int rc = figure(r, "tasks", 0, NULL, &fig);
	if (rc)
		return rc;
	sec = section(r, "tasks", "tasks");
	column(r, sec, "task_status", "task_status", "text");
	column(r, sec, "tasks", "tasks", "int");
	column(r, sec, "planned_area_m2", "planned_area", "area");
	json_array_foreach(items_of(fig), i, it)
		row(sec, json_pack("{s:s?, s:o, s:O, s:O}", "status_code", str(it, "task_status"), "task_status",
				   value_label(r, str(it, "task_status")), "tasks", json_object_get(it, "tasks"),
				   "planned_area_m2", json_object_get(it, "planned_area_m2")));
	json_decref(fig);
	return 0;
}

/* The map of the period's releases over the districts, coloured by result. */
static int sec_map(struct rctx *r)
{
	static const char *const keys[] = { "cancelled", "reduced", "cleared", NULL };
	json_t *map = NULL, *sec, *legend;
	size_t i;
	int rc = dm_render_map(r->db, r->who, &r->cur, &map, r->err);
	if (rc || !map)
		return rc;
	sec = section(r, "map", "map");
	legend = json_object();
	for (i = 0; keys[i]; i++)
		json_object_set_new(legend, keys[i], value_label(r, keys[i]));
	json_object_set_new(map, "legend", legend);
	json_object_set_new(sec, "map", map);
	if (!json_integer_value(json_object_get(map, "releases")))
		json_object_set_new(sec, "note", text(r, "report.map_empty", NULL));
	return 0;
}

/* Settlement readiness for return (issue 17): each approved settlement as it stands, in
 * return-plan order, with the figures its readiness hooks keep (docs/return.md). */
struct readiness_rows {
	struct rctx *r;
	json_t *sec;
};

static json_t *int_or_null(json_t *v)
{
	return json_is_integer(v) ? json_incref(v) : json_null();
}

static int readiness_row(struct dm_record *s, void *arg)
{
	struct readiness_rows *rr = arg;
	char key[16];
	const char *name;
	json_t *f = s->fields;
	snprintf(key, sizeof(key), "name_%s", dm_catalog_lang(rr->r->cat));
	name = json_string_value(json_object_get(f, key));
	if (!name)
		name = json_string_value(json_object_get(f, "name_en"));
	row(rr->sec, json_pack("{s:s, s:s?, s:o, s:o, s:o, s:o, s:o, s:o}", "settlement", name ? name : "", "code", s->code,
			       "readiness", value_label(rr->r, json_string_value(json_object_get(f, "readiness_status"))),
			       "priority", int_or_null(json_object_get(f, "return_priority")),
			       "hazards", int_or_null(json_object_get(f, "open_hazards")),
			       "remaining_m2", area_value(json_number_value(json_object_get(f, "hazard_within_m2"))),
			       "routes_blocked", int_or_null(json_object_get(f, "routes_blocked")),
			       "returnees", int_or_null(json_object_get(f, "planned_returnees"))));
	return 0;
}

static int sec_readiness(struct rctx *r)
{
	struct dm_list_opts lo = { 0 };
	struct readiness_rows rr = { r, NULL };
	rr.sec = section(r, "readiness", "readiness");
	json_object_set_new(rr.sec, "stock", json_true());
	column(r, rr.sec, "settlement", "settlement", "text");
	column(r, rr.sec, "code", "code", "text");
	column(r, rr.sec, "readiness", "readiness", "text");
	column(r, rr.sec, "priority", "priority", "int");
	column(r, rr.sec, "hazards", "hazards", "int");
	column(r, rr.sec, "remaining_m2", "remaining", "area");
	column(r, rr.sec, "routes_blocked", "routes_blocked", "int");
	column(r, rr.sec, "returnees", "returnees", "int");
	lo.approved_only = 1;
	lo.sort = "return_priority";
	return dm_record_list(r->db, r->who, "settlement", &lo, readiness_row, &rr, r->err);
}

/* ---- the table of reports ---- */

enum sec_kind { S_SUMMARY, S_MAP, S_REMAINING_TYPE, S_VA, S_TASKS, S_RELEASED, S_RELEASED_OP, S_REMAINING, S_REMAINING_AP, S_ITEMS, S_CAS_SEX_AGE, S_EORE,
		S_EORE_PLAIN, S_CAS_LM, S_GRANT, S_READINESS, S_END };

static const struct report_def {
	const char *name;
	int needs_grant;
	enum sec_kind sections[12];
} reports[] = {
	{ "national", 0, { S_SUMMARY, S_RELEASED, S_MAP, S_RELEASED_OP, S_REMAINING, S_REMAINING_TYPE, S_ITEMS, S_CAS_SEX_AGE, S_EORE, S_READINESS, S_END } },
	{ "article7", 0, { S_REMAINING_AP, S_RELEASED, S_CAS_SEX_AGE, S_VA, S_END } },
	{ "casualties", 0, { S_CAS_SEX_AGE, S_CAS_LM, S_END } },
	{ "donor", 1, { S_GRANT, S_TASKS, S_RELEASED, S_MAP, S_RELEASED_OP, S_ITEMS, S_EORE_PLAIN, S_END } },
	{ "return", 0, { S_READINESS, S_END } },
};

static int build_section(struct rctx *r, enum sec_kind k)
{
	switch (k) {
	case S_SUMMARY: return sec_summary(r);
	case S_MAP: return sec_map(r);
	case S_REMAINING_TYPE: return sec_remaining_type(r);
	case S_VA: return sec_va(r);
	case S_TASKS: return sec_tasks(r);
	case S_RELEASED: return sec_released(r);
	case S_RELEASED_OP: return sec_released_operator(r);
	case S_REMAINING: return sec_remaining(r, "remaining", "remaining");
	case S_REMAINING_AP: return sec_remaining(r, "remaining_ap", "remaining_ap");
	case S_ITEMS: return sec_items(r);
	case S_CAS_SEX_AGE: return sec_casualties_sex_age(r);
	case S_EORE: return sec_eore(r, 1);
	case S_EORE_PLAIN: return sec_eore(r, 0);
	case S_CAS_LM: return sec_casualties_lm(r);
	case S_GRANT: return sec_grant(r);
	case S_READINESS: return sec_readiness(r);
	case S_END: break;
	}
	return 0;
}

static const struct report_def *find_report(const char *name)
{
	size_t i;
	for (i = 0; name && i < sizeof(reports) / sizeof(reports[0]); i++)
		if (!strcmp(reports[i].name, name))
			return &reports[i];
	return NULL;
}

int dm_report_list(const char *lang, json_t **out, struct dm_error *err)
{
	struct dm_catalog *cat = NULL;
	size_t i;
	int rc = dm_catalog_load(NULL, lang ? lang : "en", &cat, err);
	*out = NULL;
	if (rc)
		return rc;
	*out = json_array();
	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		char key[64], *t;
		snprintf(key, sizeof(key), "report.%s.title", reports[i].name);
		t = dm_catalog_text(cat, key, NULL);
		json_array_append_new(*out, json_pack("{s:s, s:s?, s:[sssssss]}", "name", reports[i].name, "title", t,
						      "parameters", "from", "to", "area", "grant", "organisation", "lang",
						      "as_of"));
		if (reports[i].needs_grant)
			json_object_set_new(json_array_get(*out, i), "requires", json_pack("[s]", "grant"));
		free(t);
	}
	dm_catalog_free(cat);
	return 0;
}

/* ---- parameters ---- */

/* The last day of a period of MAX_PERIOD_YEARS calendar years from from (as days): from
 * 2001-01-01 to 2020-12-31 is 20 years; from 29 February, the years end on 28 February. */
static long last_day_within(const char *from)
{
	char end[16];
	long y = strtol(from, NULL, 10) + MAX_PERIOD_YEARS;
	snprintf(end, sizeof(end), "%04ld%.6s", y, from + 4);
	if (!dm_is_date(end)) /* 29 February into a common year */
		snprintf(end, sizeof(end), "%04ld-03-01", y);
	return dm_date_days(end) - 1;
}

static int check_period(const struct dm_report_params *p, struct dm_error *err)
{
	if (!p->from || !*p->from)
		return dm_error_set(err, DM_EINVAL, "from", "from: give the first day of the period (YYYY-MM-DD)");
	if (!p->to || !*p->to)
		return dm_error_set(err, DM_EINVAL, "to", "to: give the last day of the period (YYYY-MM-DD)");
	if (!dm_is_date(p->from))
		return dm_error_set(err, DM_EINVAL, "from", "from: '%.40s' is not a date (YYYY-MM-DD)", p->from);
	if (!dm_is_date(p->to))
		return dm_error_set(err, DM_EINVAL, "to", "to: '%.40s' is not a date (YYYY-MM-DD)", p->to);
	if (strcmp(p->to, p->from) < 0)
		return dm_error_set(err, DM_EINVAL, "to", "to: the period ends (%s) before it starts (%s)", p->to, p->from);
	if (dm_date_days(p->to) > last_day_within(p->from))
		return dm_error_set(err, DM_EINVAL, "to", "to: the period from %s to %s is over 20 years", p->from, p->to);
	return 0;
}

/* The previous period: as many days, ending the day before from. */
static void previous_period(struct rctx *r, const char *from, const char *to)
{
	long len = dm_date_days(to) - dm_date_days(from) + 1;
	dm_days_to_date(dm_date_days(from) - 1, r->prev_to);
	dm_days_to_date(dm_date_days(from) - len, r->prev_from);
	r->prev.from = r->prev_from;
	r->prev.to = r->prev_to;
}

static int resolve_grant(struct rctx *r, const char *ref)
{
	const char *type = NULL;
	int rc = dm_record_resolve(r->db, "grant", ref, r->grant_id, &type, r->err);
	if (rc == DM_ENOTFOUND) {
		dm_error_release(r->err);
		return dm_error_set(r->err, DM_EINVAL, "grant", "grant: no grant '%.60s' (give its id or code)", ref);
	}
	if (rc)
		return rc;
	r->cur.grant = r->prev.grant = r->grant_id;
	return 0;
}

/* The parameters as the model keeps them, and the footer's as-of time (the time given, else
 * now: a report without --as-of shows when its data was read). */
static void model_params(struct rctx *r, const struct dm_report_params *p, const char *as_of_norm)
{
	char from[64], to[64], asof[64];
	json_t *m = r->model;
	json_object_set_new(m, "params", json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s?}", "from", p->from, "to", p->to,
						   "area", p->area, "organisation", p->organisation, "grant",
						   p->grant ? r->grant_id : NULL, "lang", dm_catalog_lang(r->cat), "as_of",
						   p->as_of));
	json_object_set_new(m, "as_of", json_string(as_of_norm));
	json_object_set_new(m, "version", json_string(DEMINE_VERSION));
	json_object_set_new(m, "previous", json_pack("{s:s, s:s}", "from", r->prev_from, "to", r->prev_to));
	dm_catalog_date(r->cat, p->from, from, sizeof(from));
	dm_catalog_date(r->cat, p->to, to, sizeof(to));
	dm_catalog_date(r->cat, as_of_norm, asof, sizeof(asof));
	json_object_set_new(m, "labels",
			    json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "period",
				      text(r, "report.period", json_pack("{s:s, s:s}", "from", from, "to", to)), "as_of",
				      text(r, "report.as_of", json_pack("{s:s, s:s}", "date", asof, "time", as_of_norm)),
				      "generated_by", text(r, "report.generated_by", json_pack("{s:s}", "version", DEMINE_VERSION)),
				      "page", text(r, "report.page", NULL), "area",
				      p->area ? text(r, "report.area", json_pack("{s:s}", "area", p->area))
					      : text(r, "report.country", NULL),
				      "empty", text(r, "report.empty_period", NULL)));
}

/* Every section of the period empty (the summaries and the remaining area, which stands
 * whatever the period, aside): the report says the period has no data. */
static void mark_empty(json_t *model)
{
	size_t i;
	json_t *s;
	int any = 0;
	json_array_foreach(json_object_get(model, "sections"), i, s) {
		const char *k = json_string_value(json_object_get(s, "key"));
		if (k && strncmp(k, "summary", 7) && !json_is_true(json_object_get(s, "stock")) &&
		    json_array_size(json_object_get(s, "rows")))
			any = 1;
	}
	json_object_set_new(model, "empty", json_boolean(!any));
}

int dm_report_build(struct dm_db *db, const struct dm_actor *who, const char *name,
		    const struct dm_report_params *p, json_t **out, struct dm_error *err)
{
	const struct report_def *def = find_report(name);
	struct rctx r;
	char as_of[32], key[64];
	size_t i;
	int rc;
	*out = NULL;
	if (!def)
		return dm_error_set(err, DM_ENOTFOUND, "report", "report: no report '%.40s' (national, article7, casualties,"
				    " donor)", name ? name : "");
	if ((rc = check_period(p, err)))
		return rc;
	if (p->as_of && (rc = dm_parse_as_of(p->as_of, as_of, err))) {
		dm_error_prefix(err, "as_of");
		return rc;
	}
	if (!p->as_of)
		dm_now(as_of);
	if (p->organisation && !dm_is_uuid(p->organisation))
		return dm_error_set(err, DM_EINVAL, "organisation", "organisation: '%.60s' is not an organisation id (UUID)",
				    p->organisation);
	/* a donor sees the donor report of its own grants, and nothing else */
	if (dm_actor_can(who, DM_P_OWN_GRANTS) && !def->needs_grant)
		return dm_error_set(err, DM_EPERM, "report", "report: a donor sees the donor report of its own grants, not the"
				    " %s report", name);
	if (def->needs_grant && !p->grant)
		return dm_error_set(err, DM_EINVAL, "grant", "grant: the %s report is for one grant: give its id or code",
				    name);
	memset(&r, 0, sizeof(r));
	r.db = db;
	r.who = who;
	r.err = err;
	if ((rc = dm_catalog_load(NULL, p->lang ? p->lang : "en", &r.cat, err)))
		return rc;
	r.cur.from = p->from;
	r.cur.to = p->to;
	r.cur.adm2 = p->area;
	r.cur.organisation = p->organisation;
	r.cur.as_of = p->as_of ? as_of : NULL; /* now: the current tables, without the history walk */
	r.prev = r.cur;
	previous_period(&r, p->from, p->to);
	if (p->grant && (rc = resolve_grant(&r, p->grant)))
		goto out;
	snprintf(key, sizeof(key), "report.%s.title", name);
	r.model = json_pack("{s:s, s:o, s:s}", "report", name, "title", text(&r, key, NULL), "lang",
			    dm_catalog_lang(r.cat));
	r.sections = json_array();
	json_object_set_new(r.model, "sections", r.sections);
	model_params(&r, p, as_of);
	for (i = 0; !rc && def->sections[i] != S_END; i++)
		rc = build_section(&r, def->sections[i]);
	if (!rc) {
		mark_empty(r.model);
		*out = r.model;
		r.model = NULL;
	}
out:
	json_decref(r.model);
	dm_catalog_free(r.cat);
	return rc;
}
