/* test_stats.c: the dashboard figures on the demo database, each checked against the same
 * figure computed here from the approved records as dm_record_list reads them (not the
 * figures' SQL); then pending, approved and deleted versions, filters, roles and bad input.
 * Runs on SQLite, and again on PostgreSQL when DEMINE_TEST_PG names a database URL. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/demo.h"
#include "demine/money.h"
#include "demine/rates.h"
#include "demine/record.h"
#include "demine/stats.h"
#include "demine/util.h"
#include "check.h"

static const struct dm_actor local = { "test", "local", NULL };

/* ---- the approved records, as the record API lists them ---- */

static int keep(struct dm_record *r, void *arg)
{
	json_t *o = json_deep_copy(r->fields);
	json_object_set_new(o, "_id", json_string(r->id));
	json_object_set_new(o, "_code", json_string(r->code));
	json_object_set_new(o, "_location", r->location ? json_string(r->location) : json_null());
	json_object_set_new(o, "_organisation", r->organisation ? json_string(r->organisation) : json_null());
	json_array_append_new(arg, o);
	return 0;
}

static json_t *approved(struct dm_db *db, const char *type)
{
	struct dm_list_opts o = { 0 };
	struct dm_error err;
	json_t *a = json_array();
	o.approved_only = 1;
	dm_error_init(&err);
	CHECK_MSG(dm_record_list(db, &local, type, &o, keep, a, &err) == 0, "%s", err.message);
	dm_error_release(&err);
	return a;
}

static json_t *first_of_type(struct dm_db *db, const char *type)
{
	json_t *a = approved(db, type), *v = json_incref(json_array_get(a, 0));
	json_decref(a);
	return v;
}

static const char *s_(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_t *figure(struct dm_db *db, const struct dm_actor *who, const char *name, const struct dm_stats_filter *f)
{
	struct dm_error err;
	json_t *out = NULL;
	dm_error_init(&err);
	CHECK_MSG(dm_stats_compute(db, who, name, f, &out, &err) == 0, "%s: %s", name, err.message);
	dm_error_release(&err);
	return out;
}

/* Finds the item whose members equal those of key (an object). */
static json_t *item_with(json_t *fig, json_t *key)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(fig, "items"), i, it) {
		const char *k;
		json_t *v;
		int same = 1;
		json_object_foreach(key, k, v)
			if (!json_equal(json_object_get(it, k), v))
				same = 0;
		if (same)
			return it;
	}
	return NULL;
}

/* ---- each figure against its own computation ---- */

/* Released area per month, method and result; from and to on end_date. */
static void check_released(struct dm_db *db, const char *from, const char *to)
{
	struct dm_stats_filter f = { from, to, NULL, NULL, NULL, NULL, NULL };
	json_t *rel = approved(db, "land_release"), *mine = json_object(), *fig = figure(db, &local, "released", &f), *r, *e;
	size_t i, nitems = 0;
	const char *k;
	json_array_foreach(rel, i, r) {
		const char *end = s_(r, "end_date");
		char key[64];
		if (!end || (from && strcmp(end, from) < 0) || (to && strcmp(end, to) > 0))
			continue;
		snprintf(key, sizeof(key), "%.7s %s %s", end, s_(r, "method"), s_(r, "result"));
		if (!(e = json_object_get(mine, key))) {
			e = json_pack("{s:s#, s:s, s:s, s:f, s:i}", "month", end, 7, "method", s_(r, "method"), "result",
				      s_(r, "result"), "area", 0.0, "n", 0);
			json_object_set_new(mine, key, e);
		}
		json_object_set_new(e, "area", json_real(json_real_value(json_object_get(e, "area")) +
							  json_number_value(json_object_get(r, "area_m2"))));
		json_object_set_new(e, "n", json_integer(json_integer_value(json_object_get(e, "n")) + 1));
	}
	CHECK(json_object_size(mine) > (from ? 2u : 10u));
	json_object_foreach(mine, k, e) {
		json_t *key = json_pack("{s:O, s:O, s:O}", "month", json_object_get(e, "month"), "method",
					json_object_get(e, "method"), "result", json_object_get(e, "result"));
		json_t *it = item_with(fig, key);
		CHECK_MSG(it != NULL, "released: no item for %s", k);
		if (it) {
			CHECK_NEAR(json_real_value(json_object_get(it, "area_m2")), json_real_value(json_object_get(e, "area")),
				   0.006);
			CHECK_INT(json_integer_value(json_object_get(it, "releases")), json_integer_value(json_object_get(e, "n")));
		}
		json_decref(key);
		nitems++;
	}
	CHECK_INT(json_array_size(json_object_get(fig, "items")), nitems);
	if (from)
		CHECK_STR(s_(fig, "from"), from);
	else
		CHECK(json_is_null(json_object_get(fig, "from")));
	/* months in order */
	for (i = 1; i < json_array_size(json_object_get(fig, "items")); i++)
		CHECK(strcmp(s_(json_array_get(json_object_get(fig, "items"), i - 1), "month"),
			     s_(json_array_get(json_object_get(fig, "items"), i), "month")) <= 0);
	json_decref(rel);
	json_decref(mine);
	json_decref(fig);
}

/* Remaining area of hazards not closed, by the district their location lies in. */
static void check_remaining(struct dm_db *db)
{
	json_t *haz = approved(db, "hazard"), *locs = approved(db, "location"), *pcode = json_object(), *mine = json_object();
	json_t *fig = figure(db, &local, "remaining", NULL), *h, *l, *e;
	size_t i;
	const char *k;
	json_array_foreach(locs, i, l)
		if (!strcmp(s_(l, "kind"), "adm2"))
			json_object_set(pcode, s_(l, "_id"), json_object_get(l, "pcode"));
	json_array_foreach(haz, i, h) {
		const char *pc = s_(h, "_location") ? json_string_value(json_object_get(pcode, s_(h, "_location"))) : NULL;
		if (!strcmp(s_(h, "land_status"), "closed"))
			continue;
		CHECK_MSG(pc != NULL, "hazard %s lies in no district", s_(h, "_code"));
		if (!pc)
			continue;
		if (!(e = json_object_get(mine, pc)))
			json_object_set_new(mine, pc, e = json_pack("{s:f, s:i}", "m2", 0.0, "n", 0));
		json_object_set_new(e, "m2", json_real(json_real_value(json_object_get(e, "m2")) +
						       json_number_value(json_object_get(h, "remaining_m2"))));
		json_object_set_new(e, "n", json_integer(json_integer_value(json_object_get(e, "n")) + 1));
	}
	CHECK(json_object_size(mine) >= 9);
	CHECK_INT(json_array_size(json_object_get(fig, "items")), json_object_size(mine));
	json_object_foreach(mine, k, e) {
		json_t *key = json_pack("{s:s}", "adm2", k), *it = item_with(fig, key);
		CHECK_MSG(it != NULL, "remaining: no district %s", k);
		if (it) {
			CHECK_NEAR(json_real_value(json_object_get(it, "remaining_m2")), json_real_value(json_object_get(e, "m2")),
				   0.006);
			CHECK_INT(json_integer_value(json_object_get(it, "hazards")), json_integer_value(json_object_get(e, "n")));
			CHECK(json_is_string(json_object_get(it, "name_en")) && json_is_string(json_object_get(it, "name_ru")));
		}
		json_decref(key);
	}
	/* largest first */
	for (i = 1; i < json_array_size(json_object_get(fig, "items")); i++)
		CHECK(json_real_value(json_object_get(json_array_get(json_object_get(fig, "items"), i - 1), "remaining_m2")) >=
		      json_real_value(json_object_get(json_array_get(json_object_get(fig, "items"), i), "remaining_m2")));
	json_decref(haz);
	json_decref(locs);
	json_decref(pcode);
	json_decref(mine);
	json_decref(fig);
}

/* Items destroyed (destroyed_in_situ) by category. */
static void check_items(struct dm_db *db)
{
	json_t *finds = approved(db, "eo_find"), *mine = json_object(), *fig = figure(db, &local, "items", NULL), *r, *e;
	size_t i;
	const char *k;
	json_array_foreach(finds, i, r) {
		const char *d = s_(r, "disposition");
		if (!d || strncmp(d, "destroyed", 9))
			continue;
		if (!(e = json_object_get(mine, s_(r, "category"))))
			json_object_set_new(mine, s_(r, "category"), e = json_pack("{s:i, s:i}", "q", 0, "n", 0));
		json_object_set_new(e, "q", json_integer(json_integer_value(json_object_get(e, "q")) +
							 json_integer_value(json_object_get(r, "quantity"))));
		json_object_set_new(e, "n", json_integer(json_integer_value(json_object_get(e, "n")) + 1));
	}
	CHECK(json_object_size(mine) >= 3);
	CHECK_INT(json_array_size(json_object_get(fig, "items")), json_object_size(mine));
	json_object_foreach(mine, k, e) {
		json_t *key = json_pack("{s:s}", "category", k), *it = item_with(fig, key);
		CHECK_MSG(it != NULL, "items: no category %s", k);
		if (it) {
			CHECK_INT(json_integer_value(json_object_get(it, "quantity")), json_integer_value(json_object_get(e, "q")));
			CHECK_INT(json_integer_value(json_object_get(it, "finds")), json_integer_value(json_object_get(e, "n")));
		}
		json_decref(key);
	}
	json_decref(finds);
	json_decref(mine);
	json_decref(fig);
}

/* Full years from a date of birth to a day. */
static int age_at(const char *dob, const char *day)
{
	int y = (int)strtol(day, NULL, 10) - (int)strtol(dob, NULL, 10);
	return strcmp(day + 5, dob + 5) < 0 ? y - 1 : y;
}

/* Victims whose age group only the date of birth tells (a birthday the day after the accident
 * is still a child), and one with neither sex nor age. */
static void add_victims(struct dm_db *db)
{
	static const char *const dobs[] = { "2010-06-01", "2004-04-18", "2004-04-17", NULL };
	json_t *acc = first_of_type(db, "accident");
	struct dm_write_opts o = { 0 };
	struct dm_error err;
	size_t i;
	o.approve = 1;
	for (i = 0; i <= 3; i++) {
		json_t *in = json_pack("{s:O, s:s, s:s}", "accident", json_object_get(acc, "_id"), "outcome",
				       i == 1 ? "killed" : "injured", "change_reason", "test victims");
		if (dobs[i]) {
			json_object_set_new(in, "date_of_birth", json_string(dobs[i]));
			json_object_set_new(in, "sex", json_string(i ? "female" : "male"));
		}
		dm_error_init(&err);
		CHECK_MSG(dm_record_create(db, &local, "victim", in, &o, NULL, &err) == 0, "%s", err.message);
		dm_error_release(&err);
		json_decref(in);
	}
	json_decref(acc);
}

static void check_casualties(struct dm_db *db)
{
	json_t *vic = approved(db, "victim"), *acc = approved(db, "accident"), *dates = json_object(), *mine = json_object();
	json_t *fig = figure(db, &local, "casualties", NULL), *v, *e;
	size_t i, n = 0;
	const char *k;
	json_array_foreach(acc, i, v)
		json_object_set(dates, s_(v, "_id"), json_object_get(v, "accident_date"));
	json_array_foreach(vic, i, v) {
		const char *day = json_string_value(json_object_get(dates, s_(v, "accident")));
		json_t *age = json_object_get(v, "age");
		const char *group = "unknown", *sex = s_(v, "sex") ? s_(v, "sex") : "unknown";
		char key[64];
		if (!day)
			continue;
		if (json_is_integer(age))
			group = json_integer_value(age) < 18 ? "child" : "adult";
		else if (s_(v, "date_of_birth"))
			group = age_at(s_(v, "date_of_birth"), day) < 18 ? "child" : "adult";
		snprintf(key, sizeof(key), "%.4s %s %s", day, sex, group);
		if (!(e = json_object_get(mine, key)))
			json_object_set_new(mine, key, e = json_pack("{s:i, s:s, s:s, s:i, s:i}", "year", (int)strtol(day, NULL, 10),
								     "sex", sex, "age_group", group, "killed", 0, "injured", 0));
		k = s_(v, "outcome");
		json_object_set_new(e, k, json_integer(json_integer_value(json_object_get(e, k)) + 1));
		n++;
	}
	CHECK(n >= 2);
	CHECK_INT(json_array_size(json_object_get(fig, "items")), json_object_size(mine));
	json_object_foreach(mine, k, e) {
		json_t *key = json_pack("{s:O, s:O, s:O}", "year", json_object_get(e, "year"), "sex", json_object_get(e, "sex"),
					"age_group", json_object_get(e, "age_group"));
		json_t *it = item_with(fig, key);
		CHECK_MSG(it != NULL, "casualties: no item %s", k);
		if (it) {
			CHECK_INT(json_integer_value(json_object_get(it, "killed")), json_integer_value(json_object_get(e, "killed")));
			CHECK_INT(json_integer_value(json_object_get(it, "injured")), json_integer_value(json_object_get(e, "injured")));
			CHECK_INT(json_integer_value(json_object_get(it, "total")),
				  json_integer_value(json_object_get(e, "killed")) + json_integer_value(json_object_get(e, "injured")));
		}
		json_decref(key);
	}
	json_decref(vic);
	json_decref(acc);
	json_decref(dates);
	json_decref(mine);
	json_decref(fig);
}

static void check_age_groups(struct dm_db *db)
{
	json_t *fig = figure(db, &local, "casualties", NULL), *key, *it;
	key = json_pack("{s:i, s:s, s:s}", "year", 2022, "sex", "female", "age_group", "child");
	it = item_with(fig, key);
	CHECK(it && json_integer_value(json_object_get(it, "total")) == 1 && json_integer_value(json_object_get(it, "killed")) == 1);
	json_decref(key);
	key = json_pack("{s:i, s:s, s:s}", "year", 2022, "sex", "female", "age_group", "adult");
	it = item_with(fig, key);
	CHECK(it && json_integer_value(json_object_get(it, "total")) == 1);
	json_decref(key);
	key = json_pack("{s:i, s:s, s:s}", "year", 2022, "sex", "unknown", "age_group", "unknown");
	it = item_with(fig, key);
	CHECK(it && json_integer_value(json_object_get(it, "injured")) == 1);
	json_decref(key);
	json_decref(fig);
}

static void check_eore(struct dm_db *db)
{
	static const char *const who[] = { "girls", "boys", "women", "men", NULL };
	json_t *ses = approved(db, "eore_session"), *mine = json_object(), *fig = figure(db, &local, "eore", NULL), *r, *e;
	size_t i, j;
	const char *k;
	json_array_foreach(ses, i, r) {
		char month[8];
		snprintf(month, sizeof(month), "%.7s", s_(r, "session_date"));
		if (!(e = json_object_get(mine, month)))
			json_object_set_new(mine, month, e = json_pack("{s:i, s:i, s:i, s:i, s:i}", "sessions", 0, "girls", 0,
								       "boys", 0, "women", 0, "men", 0));
		json_object_set_new(e, "sessions", json_integer(json_integer_value(json_object_get(e, "sessions")) + 1));
		for (j = 0; who[j]; j++)
			json_object_set_new(e, who[j], json_integer(json_integer_value(json_object_get(e, who[j])) +
								    json_integer_value(json_object_get(r, who[j]))));
	}
	CHECK(json_object_size(mine) >= 5);
	CHECK_INT(json_array_size(json_object_get(fig, "items")), json_object_size(mine));
	json_object_foreach(mine, k, e) {
		json_t *key = json_pack("{s:s}", "month", k), *it = item_with(fig, key);
		CHECK_MSG(it != NULL, "eore: no month %s", k);
		for (j = 0; it && who[j]; j++)
			CHECK_INT(json_integer_value(json_object_get(it, who[j])), json_integer_value(json_object_get(e, who[j])));
		if (it)
			CHECK_INT(json_integer_value(json_object_get(it, "sessions")), json_integer_value(json_object_get(e, "sessions")));
		json_decref(key);
	}
	json_decref(ses);
	json_decref(mine);
	json_decref(fig);
}

/* Funding in currency: each grant converted on its own at its announced date. */
static void check_funding(struct dm_db *db, const char *currency)
{
	struct dm_stats_filter f = { NULL, NULL, NULL, NULL, currency, NULL, NULL };
	json_t *grants = approved(db, "grant"), *mine = json_object(), *fig = figure(db, &local, "funding", &f), *g, *e;
	size_t i, unconverted = 0;
	const char *k;
	json_array_foreach(grants, i, g) {
		struct dm_conversion conv;
		struct dm_error err;
		int64_t minor = 0;
		dm_money_parse(s_(g, "amount"), s_(g, "currency"), &minor, NULL);
		dm_error_init(&err);
		if (dm_rates_convert_db(db, minor, s_(g, "currency"), currency, s_(g, "announced_date"), &conv, &err)) {
			unconverted++;
			dm_error_release(&err);
			continue;
		}
		if (!(e = json_object_get(mine, s_(g, "donor"))))
			json_object_set_new(mine, s_(g, "donor"), e = json_pack("{s:I, s:i}", "minor", (json_int_t)0, "n", 0));
		json_object_set_new(e, "minor", json_integer(json_integer_value(json_object_get(e, "minor")) + conv.minor));
		json_object_set_new(e, "n", json_integer(json_integer_value(json_object_get(e, "n")) + 1));
	}
	CHECK_STR(s_(fig, "currency"), currency);
	CHECK_INT(json_array_size(json_object_get(fig, "items")), json_object_size(mine));
	CHECK_INT(json_array_size(json_object_get(fig, "unconverted")), unconverted);
	json_object_foreach(mine, k, e) {
		json_t *key = json_pack("{s:s}", "donor", k), *it = item_with(fig, key);
		char amount[48];
		CHECK_MSG(it != NULL, "funding: no donor %s", k);
		dm_money_format(json_integer_value(json_object_get(e, "minor")), currency, amount, sizeof(amount));
		if (it) {
			CHECK_INT(json_integer_value(json_object_get(it, "amount_minor")), json_integer_value(json_object_get(e, "minor")));
			CHECK_STR(s_(it, "amount"), amount);
			CHECK_INT(json_integer_value(json_object_get(it, "grants")), json_integer_value(json_object_get(e, "n")));
			CHECK(json_is_string(json_object_get(it, "donor_name")));
		}
		json_decref(key);
	}
	json_decref(grants);
	json_decref(mine);
	json_decref(fig);
}

/* France's EUR 400,000 of 8 Sep 2021 at the demo's manual rates (DOMAIN.md). */
static void check_france(struct dm_db *db)
{
	static const char *const want[][3] = { { "EUR", "400000.00", "40000000" }, { "AZN", "803272.00", "80327200" },
					      { "USD", "472752.00", "47275200" } };
	size_t i, j;
	for (i = 0; i < 3; i++) {
		struct dm_stats_filter f = { "2021-09-01", "2021-09-30", NULL, NULL, want[i][0], NULL, NULL };
		json_t *fig = figure(db, &local, "funding", &f), *it = json_array_get(json_object_get(fig, "items"), 0);
		CHECK_INT(json_array_size(json_object_get(fig, "items")), 1);
		CHECK_STR(s_(it, "amount"), want[i][1]);
		CHECK_INT(json_integer_value(json_object_get(it, "amount_minor")), strtoll(want[i][2], NULL, 10));
		CHECK_STR(s_(it, "donor_name"), "Ministry for Europe and Foreign Affairs");
		CHECK_INT(json_array_size(json_object_get(fig, "unconverted")), 0);
		json_decref(fig);
	}
	/* The demo has no rates near the other grants' dates: they are listed, not guessed. */
	{
		struct dm_stats_filter f = { NULL, NULL, NULL, NULL, "AZN", NULL, NULL };
		json_t *fig = figure(db, &local, "funding", &f), *u;
		CHECK(json_array_size(json_object_get(fig, "unconverted")) >= 1);
		json_array_foreach(json_object_get(fig, "unconverted"), j, u) {
			CHECK(strstr(s_(u, "reason"), "rate") != NULL);
			CHECK(s_(u, "code") && !strncmp(s_(u, "code"), "GRT-", 4));
		}
		json_decref(fig);
	}
}

/* ---- versions: only approved, not deleted data counts ---- */

static json_t *first_of(struct dm_db *db, const char *type)
{
	json_t *a = approved(db, type), *v = json_incref(json_array_get(a, 0));
	json_decref(a);
	return v;
}

static json_int_t eore_girls(struct dm_db *db)
{
	json_t *fig = figure(db, &local, "eore", NULL), *it;
	json_int_t n = 0;
	size_t i;
	json_array_foreach(json_object_get(fig, "items"), i, it)
		n += json_integer_value(json_object_get(it, "girls"));
	json_decref(fig);
	return n;
}

static void check_versions(struct dm_db *db)
{
	static const struct dm_actor im = { "im", "im_officer", NULL };
	json_t *s = first_of(db, "eore_session"), *in;
	struct dm_record *cur = NULL, *rec = NULL;
	struct dm_error err;
	json_int_t before = eore_girls(db), girls = json_integer_value(json_object_get(s, "girls"));
	dm_error_init(&err);
	CHECK(dm_record_get(db, &local, s_(s, "_id"), NULL, &cur, &err) == 0);
	/* a new version waiting for approval changes nothing */
	in = json_pack("{s:I}", "girls", girls + 1000);
	CHECK_MSG(dm_record_update(db, &im, s_(s, "_id"), cur ? cur->version : 1, in, "recount", NULL, NULL, &err) == 0,
		  "%s", err.message);
	json_decref(in);
	CHECK_INT(eore_girls(db), before);
	CHECK(dm_record_transition(db, &im, s_(s, "_id"), DM_SUBMIT, 0, NULL, NULL, &err) == 0);
	CHECK_INT(eore_girls(db), before);
	/* approved, it counts */
	CHECK(dm_record_transition(db, &im, s_(s, "_id"), DM_APPROVE, 0, NULL, &rec, &err) == 0);
	CHECK_INT(eore_girls(db), before + 1000);
	/* deleted, it no longer does */
	CHECK_MSG(dm_record_delete(db, &im, s_(s, "_id"), rec ? rec->version : 0, "entered twice", &err) == 0, "%s",
		  err.message);
	CHECK_INT(eore_girls(db), before - girls);
	dm_error_release(&err);
	dm_record_free(cur);
	dm_record_free(rec);
	json_decref(s);
}

static json_int_t items_quantity(struct dm_db *db, const char *category)
{
	json_t *fig = figure(db, &local, "items", NULL), *key = json_pack("{s:s}", "category", category);
	json_t *it = item_with(fig, key);
	json_int_t q = it ? json_integer_value(json_object_get(it, "quantity")) : -1;
	json_decref(key);
	json_decref(fig);
	return q;
}

/* The items figure is read one category at a time (lib/stats.c each_value): a category that
 * only an approved version in history still has, with a change of category pending in the
 * current row, is counted too. */
static void check_pending_category(struct dm_db *db)
{
	static const struct dm_actor im = { "im", "im_officer", NULL };
	struct dm_write_opts approve = { 0 };
	json_t *finds = approved(db, "eo_find"), *in = NULL, *r;
	struct dm_record *rec = NULL;
	struct dm_error err;
	const char *k;
	json_int_t uxo;
	size_t i;
	dm_error_init(&err);
	json_array_foreach(finds, i, r) {
		CHECK_MSG(strcmp(s_(r, "category"), "ied"), "the demo has an IED find: pick another category here");
		if (!in && s_(r, "disposition") && !strcmp(s_(r, "disposition"), "destroyed_in_situ"))
			in = json_deep_copy(r);
	}
	json_decref(finds);
	if (!in)
		return;
	json_object_foreach_safe(in, r, k, finds)
		if (k[0] == '_')
			json_object_del(in, k);
	json_object_set_new(in, "category", json_string("ied"));
	json_object_set_new(in, "quantity", json_integer(7));
	json_object_set_new(in, "change_reason", json_string("test"));
	uxo = items_quantity(db, "uxo");
	approve.approve = 1;
	CHECK_MSG(dm_record_create(db, &local, "eo_find", in, &approve, &rec, &err) == 0, "%s", err.message);
	json_decref(in);
	CHECK_INT(items_quantity(db, "ied"), 7);
	in = json_pack("{s:s}", "category", "uxo");
	CHECK_MSG(rec && dm_record_update(db, &im, rec->id, rec->version, in, "it was a UXO", NULL, NULL, &err) == 0,
		  "%s", err.message);
	json_decref(in);
	CHECK_INT(items_quantity(db, "ied"), 7);
	CHECK_INT(items_quantity(db, "uxo"), uxo);
	dm_error_release(&err);
	dm_record_free(rec);
}

/* ---- filters, roles, bad input ---- */

static void check_filters(struct dm_db *db)
{
	json_t *locs = approved(db, "location"), *l, *all, *fz, *org_fig, *haz, *h;
	const char *fzl_id = NULL, *fzl_pcode = NULL, *org = NULL;
	double fzl_m2 = 0;
	size_t i;
	json_array_foreach(locs, i, l)
		if (!strcmp(s_(l, "kind"), "adm2") && s_(l, "abbr") && !strcmp(s_(l, "abbr"), "FZL")) {
			fzl_id = s_(l, "_id");
			fzl_pcode = s_(l, "pcode");
		}
	CHECK(fzl_id && fzl_pcode);
	haz = approved(db, "hazard");
	json_array_foreach(haz, i, h)
		if (s_(h, "_location") && fzl_id && !strcmp(s_(h, "_location"), fzl_id) && strcmp(s_(h, "land_status"), "closed")) {
			fzl_m2 += json_number_value(json_object_get(h, "remaining_m2"));
			org = s_(h, "_organisation");
		}
	{
		struct dm_stats_filter f = { NULL, NULL, fzl_pcode, NULL, NULL, NULL, NULL }, g = { NULL, NULL, "FZL", NULL, NULL, NULL, NULL };
		fz = figure(db, &local, "remaining", &f);
		CHECK_INT(json_array_size(json_object_get(fz, "items")), 1);
		CHECK_NEAR(json_real_value(json_object_get(json_array_get(json_object_get(fz, "items"), 0), "remaining_m2")),
			   fzl_m2, 0.006);
		all = figure(db, &local, "remaining", &g); /* the abbreviation names the district too */
		CHECK(json_equal(all, fz));
		json_decref(all);
		json_decref(fz);
	}
	{
		struct dm_stats_filter f = { NULL, NULL, NULL, org, NULL, NULL, NULL };
		double sum = 0;
		json_t *it;
		org_fig = figure(db, &local, "remaining", &f);
		json_array_foreach(json_object_get(org_fig, "items"), i, it)
			sum += json_real_value(json_object_get(it, "remaining_m2"));
		all = figure(db, &local, "remaining", NULL);
		CHECK(sum > 0);
		json_array_foreach(json_object_get(all, "items"), i, it)
			sum -= json_real_value(json_object_get(it, "remaining_m2"));
		CHECK(sum <= 0.01); /* one organisation's part of the whole */
		json_decref(all);
		json_decref(org_fig);
	}
	json_decref(haz);
	json_decref(locs);
}

static void expect_error(struct dm_db *db, const struct dm_actor *who, const char *name, const struct dm_stats_filter *f,
			 int code, const char *field)
{
	struct dm_error err;
	json_t *out = NULL;
	dm_error_init(&err);
	CHECK_INT(dm_stats_compute(db, who, name, f, &out, &err), code);
	CHECK(out == NULL);
	if (field)
		CHECK_STR(err.field, field);
	CHECK(err.message[0] != 0);
	dm_error_release(&err);
}

static void check_refusals(struct dm_db *db)
{
	static const struct dm_actor pub = { "anonymous", "public", NULL };
	static const struct dm_actor viewer = { "v", "viewer", NULL };
	static const struct dm_actor donor_other = { "d", "donor", "00000000-0000-4000-8000-000000000000" };
	struct dm_stats_filter bad_from = { "2024-13-01", NULL, NULL, NULL, NULL, NULL, NULL };
	struct dm_stats_filter bad_to = { NULL, "yesterday", NULL, NULL, NULL, NULL, NULL };
	struct dm_stats_filter reversed = { "2024-05-01", "2024-04-30", NULL, NULL, NULL, NULL, NULL };
	struct dm_stats_filter bad_org = { NULL, NULL, NULL, "ANAMA", NULL, NULL, NULL };
	struct dm_stats_filter bad_adm2 = { NULL, NULL, "AZ-NOWHERE", NULL, NULL, NULL, NULL };
	struct dm_stats_filter bad_cur = { NULL, NULL, NULL, NULL, "XYZ", NULL, NULL };
	json_t *fig;
	expect_error(db, &local, "released", &bad_from, DM_EINVAL, "from");
	expect_error(db, &local, "items", &bad_to, DM_EINVAL, "to");
	expect_error(db, &local, "eore", &reversed, DM_EINVAL, "to");
	expect_error(db, &local, "casualties", &bad_org, DM_EINVAL, "organisation");
	expect_error(db, &local, "remaining", &bad_adm2, DM_EINVAL, "adm2");
	expect_error(db, &local, "funding", &bad_cur, DM_EINVAL, "currency");
	expect_error(db, &local, "landmines", NULL, DM_ENOTFOUND, NULL);
	/* the public sees released land and remaining hazards, nothing else */
	fig = figure(db, &pub, "released", NULL);
	CHECK(json_array_size(json_object_get(fig, "items")) > 0);
	json_decref(fig);
	fig = figure(db, &pub, "remaining", NULL);
	CHECK(json_array_size(json_object_get(fig, "items")) > 0);
	json_decref(fig);
	expect_error(db, &pub, "casualties", NULL, DM_EPERM, NULL);
	expect_error(db, &pub, "funding", NULL, DM_EPERM, NULL);
	expect_error(db, &pub, "items", NULL, DM_EPERM, NULL);
	/* viewers see the official figures; a donor only the grants it gives */
	fig = figure(db, &viewer, "casualties", NULL);
	CHECK(json_array_size(json_object_get(fig, "items")) > 0);
	json_decref(fig);
	fig = figure(db, &donor_other, "funding", NULL);
	CHECK_INT(json_array_size(json_object_get(fig, "items")), 0);
	CHECK_INT(json_array_size(json_object_get(fig, "unconverted")), 0);
	json_decref(fig);
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
	check_released(db, NULL, NULL);
	check_released(db, "2023-01-01", "2024-12-31");
	check_remaining(db);
	check_items(db);
	check_casualties(db);
	add_victims(db);
	check_casualties(db);
	check_age_groups(db);
	check_eore(db);
	check_funding(db, "EUR");
	check_funding(db, "AZN");
	check_funding(db, "USD");
	check_france(db);
	check_filters(db);
	check_refusals(db);
	check_versions(db);
	check_pending_category(db);
	dm_db_close(db);
}

int main(void)
{
	char dir[] = "/tmp/demine-stats-XXXXXX", path[128];
	const char *pg = getenv("DEMINE_TEST_PG");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/stats.db", dir);
	run(path, 1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/stats.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/stats.db-shm", dir);
	unlink(path);
	rmdir(dir);
	if (pg && *pg)
		run(pg, 0);
	return check_report("stats");
}
