/* test_schema.c: the field tables' consistency, value checks, extra fields, JSON and Markdown. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/schema.h"
#include "check.h"

#define TEXT_MAX_TEST 10000

static const char *const type_order[] = { "organisation", "location", "hazard", "task", "land_release",
	"eo_find", "accident", "victim", "va_service", "eore_session", "qm_inspection", "agreement", "grant",
	"disbursement", "exchange_rate", "settlement", "access_route", NULL };

/* Names the store derives for its own columns, indexes and tables (TYPE_code, TYPE_history...). */
static const char *const store_names[] = { "geom", "minx", "miny", "maxx", "maxy", "org", "loc", "doi", "rtree",
	"rtree_id", "history", "history_at", "bbox", "box", NULL };

static int nonempty(const char *s)
{
	return s && *s;
}

static int in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (!strcmp(*l, s))
			return 1;
	return 0;
}


static void test_tables(void)
{
	size_t n, i, j, k, nc;
	const struct dm_type *t = dm_schema_builtin(&n);
	const struct dm_common_field *c = dm_schema_common(&nc);
	CHECK_INT(n, 17);
	for (i = 0; i < n && type_order[i]; i++)
		CHECK_STR(t[i].name, type_order[i]);
	CHECK(nc >= 19);
	CHECK(dm_schema_builtin_type("hazard") == &t[2]);
	CHECK(dm_schema_builtin_type("nope") == NULL);
	CHECK_STR(dm_status_values[0], "draft");
	CHECK_STR(dm_status_values[3], "rejected");
	CHECK(dm_status_values[4] == NULL);
	for (i = 0; i < nc; i++)
		CHECK_MSG(nonempty(c[i].name) && nonempty(c[i].json_type) && nonempty(c[i].help), "common %zu", i);

	for (i = 0; i < n; i++) {
		CHECK_MSG(t[i].nfields > 0 && t[i].nfields == t[i].nbuiltin, "%s has fields", t[i].name);
		CHECK_MSG(nonempty(t[i].label_en) && nonempty(t[i].label_az) && nonempty(t[i].label_ru) &&
			  nonempty(t[i].code_prefix) && nonempty(t[i].help), "%s labels", t[i].name);
		for (j = 0; j < i; j++)
			CHECK_MSG(strcmp(t[i].code_prefix, t[j].code_prefix), "prefix %s twice", t[i].code_prefix);
		for (j = 0; j < t[i].nfields; j++) {
			const struct dm_field *f = &t[i].fields[j];
			const char *tn = t[i].name, *fn = f->name;
			CHECK_MSG(dm_schema_name_ok(fn), "%s.%s: name", tn, fn);
			CHECK_MSG(strcmp(fn, "status"), "%s has a field named status", tn);
			for (k = 0; k < nc; k++)
				CHECK_MSG(strcmp(fn, c[k].name), "%s.%s clashes with a common member", tn, fn);
			CHECK_MSG(!in_list(store_names, fn), "%s.%s clashes with a store name", tn, fn);
			for (k = 0; k < j; k++)
				CHECK_MSG(strcmp(fn, t[i].fields[k].name), "%s.%s twice", tn, fn);
			CHECK_MSG(nonempty(f->label_en) && nonempty(f->label_az) && nonempty(f->label_ru),
				  "%s.%s: labels", tn, fn);
			CHECK_MSG(nonempty(f->help), "%s.%s: help", tn, fn);
			CHECK_MSG(!f->hxl || f->hxl[0] == '#', "%s.%s: hxl '%s'", tn, fn, f->hxl);
			CHECK_MSG(strcmp(dm_ftype_name(f->type), "unknown"), "%s.%s: type", tn, fn);
			CHECK_MSG(!(f->flags & DM_FF_EXTRA), "%s.%s: builtin flagged extra", tn, fn);
			if (f->type == DM_F_ENUM || f->type == DM_F_SET) {
				CHECK_MSG(f->values && f->values[0], "%s.%s: values", tn, fn);
				for (k = 0; f->values && f->values[k]; k++)
					CHECK_MSG(dm_schema_value_ok(f->values[k]) && !in_list(f->values + k + 1, f->values[k]),
						  "%s.%s: value '%s'", tn, fn, f->values[k]);
			} else {
				CHECK_MSG(!f->values, "%s.%s: values on a %s", tn, fn, dm_ftype_name(f->type));
			}
			if (f->type == DM_F_LINK || f->type == DM_F_LINKS)
				CHECK_MSG(f->link_type && dm_schema_builtin_type(f->link_type), "%s.%s: link_type", tn, fn);
			else
				CHECK_MSG(!f->link_type, "%s.%s: link_type on a %s", tn, fn, dm_ftype_name(f->type));
			if (f->type == DM_F_MONEY) {
				const struct dm_field *cf = dm_type_field(&t[i], f->currency_field);
				CHECK_MSG(cf && cf->type == DM_F_CURRENCY, "%s.%s: currency_field", tn, fn);
			}
			if (f->flags & DM_FF_COMPUTED)
				CHECK_MSG((f->flags & DM_FF_READONLY) && !(f->flags & DM_FF_REQUIRED), "%s.%s: computed",
					  tn, fn);
			if (f->type == DM_F_JSON)
				CHECK_MSG(f->validate_json != NULL, "%s.%s: json without validator", tn, fn);
		}
	}
	/* a few facts of DOMAIN.md */
	CHECK(dm_type_field(dm_schema_builtin_type("victim"), "name")->flags & DM_FF_PERSONAL);
	CHECK(dm_type_field(dm_schema_builtin_type("hazard"), "remaining_m2")->flags & DM_FF_COMPUTED);
	CHECK_STR(dm_type_field(dm_schema_builtin_type("task"), "hazards")->link_type, "hazard");
	CHECK_INT(dm_schema_builtin_type("eo_find")->geom, DM_GEOM_POINT);
	CHECK_INT(dm_schema_builtin_type("hazard")->geom, DM_GEOM_AREA);
	CHECK_INT(dm_schema_builtin_type("grant")->geom, DM_GEOM_NONE);
	CHECK_STR(dm_ftype_name(DM_F_LINKS), "links");
	CHECK_STR(dm_ftype_name((enum dm_ftype)99), "unknown");
}

/* One value check: type, field, JSON value, expected message fragment or NULL for valid. */
struct vcase {
	const char *type, *field, *json, *want;
};

static const struct vcase vcases[] = {
	{ "organisation", "name", "\"Mine Action Agency\"", NULL },
	{ "organisation", "name", "\"Ağdam – Агдам\\nline two\\tok\"", NULL },
	{ "organisation", "name", "12", "the number 12 is not text" },
	{ "organisation", "name", "\"bell\\u0007here\"", "control character U+0007" },
	{ "organisation", "name", "\"nul\\u0000here\"", "U+0000" },
	{ "organisation", "name", "\"c1\\u0085here\"", "control character U+0085" },
	{ "organisation", "name", "\"cr\\r\\n\"", "control character U+000D" },
	{ "organisation", "kind", "\"operator_ngo\"", NULL },
	{ "organisation", "kind", "\"gang\"", "'gang' is not one of national_authority, operator_ngo," },
	{ "organisation", "country", "\"AZ\"", NULL },
	{ "organisation", "country", "\"az\"", "not an ISO 3166-1 alpha-2" },
	{ "organisation", "country", "\"AZE\"", "not an ISO 3166-1 alpha-2" },
	{ "organisation", "accredited_activities", "[\"nts\", \"clearance\"]", NULL },
	{ "organisation", "accredited_activities", "[]", NULL },
	{ "organisation", "accredited_activities", "[\"nts\", \"nts\"]", "'nts' is listed twice" },
	{ "organisation", "accredited_activities", "[\"nts\", \"flying\"]", "'flying' is not one of nts, ts," },
	{ "organisation", "accredited_activities", "\"nts\"", "the string 'nts' is not a list" },
	{ "organisation", "accredited_activities", "[3]", "item 1: the number 3 is not text" },
	{ "organisation", "accreditation_valid_until", "\"2024-02-29\"", NULL },
	{ "organisation", "accreditation_valid_until", "\"2021-02-30\"", "'2021-02-30' is not a date" },
	{ "organisation", "accreditation_valid_until", "\"2023-02-29\"", "is not a date" },
	{ "organisation", "accreditation_valid_until", "\"2021-2-3\"", "is not a date" },
	{ "organisation", "accreditation_valid_until", "\"2021-02-03T00:00:00Z\"", "is not a date" },
	{ "organisation", "accreditation_valid_until", "null", NULL },
	{ "location", "population", "1200", NULL },
	{ "location", "population", "0", NULL },
	{ "location", "population", "-3", "-3 is negative" },
	{ "location", "population", "3.5", "the number 3.5 is not a whole number" },
	{ "location", "population", "\"12\"", "the string '12' is not a whole number" },
	{ "location", "abbr", "\"AGD\"", NULL },
	{ "location", "abbr", "\"agd\"", "not 3 uppercase latin letters" },
	{ "location", "parent", "\"LOC-00001\"", NULL },
	{ "location", "parent", "\"\"", "an empty string does not name a record" },
	{ "location", "parent", "[\"LOC-00001\"]", "a list is not text" },
	{ "hazard", "contamination", "[\"ap_mine\", \"boom\"]",
	  "'boom' is not one of ap_mine, at_mine, uxo, axo, cmr, ied, booby_trap" },
	{ "hazard", "estimated_area_m2", "12500.5", NULL },
	{ "hazard", "estimated_area_m2", "12500", NULL },
	{ "hazard", "estimated_area_m2", "-1.5", "-1.5 is negative" },
	{ "hazard", "estimated_area_m2", "true", "true is not a number" },
	{ "task", "hazards", "[\"HAZ-AGD-00001\", \"HAZ-AGD-00002\"]", NULL },
	{ "task", "hazards", "[\"HAZ-AGD-00001\", \"HAZ-AGD-00001\"]", "'HAZ-AGD-00001' is listed twice" },
	{ "task", "hazards", "[\"\"]", "item 1: an empty string" },
	{ "eo_find", "quantity", "1", NULL },
	{ "eo_find", "quantity", "0", "0 is not a quantity" },
	{ "eo_find", "quantity", "-2", "-2 is negative" },
	{ "victim", "age", "120", NULL },
	{ "victim", "age", "130", "130 is not a plausible age" },
	{ "grant", "amount", "\"400000.00\"", NULL },
	{ "grant", "amount", "\"-12.5\"", NULL },
	{ "grant", "amount", "400000", "the number 400000 is not a decimal string" },
	{ "grant", "amount", "\"4e5\"", "'4e5' is not an amount" },
	{ "grant", "amount", "\"1.\"", "is not an amount" },
	{ "grant", "amount", "\"123456789012345\"", "is not an amount" },
	{ "grant", "currency", "\"EUR\"", NULL },
	{ "grant", "currency", "\"eur\"", "unknown currency 'eur': not an ISO 4217 code" },
	{ "grant", "currency", "\"EURO\"", "not an ISO 4217 code" },
	{ "grant", "purpose_code", "\"15250\"", NULL },
	{ "grant", "purpose_code", "\"1525\"", "'1525' is not a 5-digit OECD DAC purpose code" },
	{ "exchange_rate", "rate", "\"2.00818\"", NULL },
	{ "exchange_rate", "rate", "\"0\"", "'0' is not a rate" },
	{ "exchange_rate", "rate", "\"0.000\"", "is not a rate" },
	{ "exchange_rate", "rate", "\"-2\"", "is not a rate" },
	{ "exchange_rate", "rate", "2.00818", "is not a decimal string" },
	{ "qm_inspection", "nonconformities",
	  "[{\"severity\": \"major\", \"text\": \"marking missing\", \"corrective_action\": \"re-mark\", "
	  "\"closed_date\": \"2024-05-01\"}]", NULL },
	{ "qm_inspection", "nonconformities", "[]", NULL },
	{ "qm_inspection", "nonconformities",
	  "[{\"severity\": \"minor\", \"text\": \"a\"}, {\"severity\": \"minor\", \"text\": \"b\"}, "
	  "{\"severity\": \"huge\", \"text\": \"c\"}]",
	  "nonconformities[2].severity: 'huge' is not one of critical, major, minor" },
	{ "qm_inspection", "nonconformities", "[{\"severity\": \"minor\"}]", "nonconformities[0].text: is required" },
	{ "qm_inspection", "nonconformities", "[{\"severity\": \"minor\", \"text\": \"x\", \"colour\": 1}]",
	  "unknown member 'colour'" },
	{ "qm_inspection", "nonconformities", "[{\"severity\": \"minor\", \"text\": \"x\", \"closed_date\": \"x\"}]",
	  "nonconformities[0].closed_date: 'x' is not a date" },
	{ "qm_inspection", "nonconformities", "{}", "must be a list" },
};

static void test_values(void)
{
	size_t i;
	struct dm_field dt = { .name = "at", .type = DM_F_DATETIME, .label_en = "At" };
	struct dm_field bt = { .name = "flag", .type = DM_F_BOOL };
	struct dm_field tx = { .name = "note", .type = DM_F_TEXT };
	static const char *const good_dt[] = { "2021-09-08T10:11:12Z", "2021-09-08T10:11:12.123456Z", NULL };
	static const char *const bad_dt[] = { "2021-09-08T24:00:00Z", "2021-09-08T10:11:12", "2021-09-08 10:11:12Z",
		"2021-02-30T10:11:12Z", "2021-09-08T10:11:12.Z", "2021-09-08T10:11:12+02:00", NULL };
	char big[TEXT_MAX_TEST + 2], msg[512];
	json_t *v;
	for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		const struct vcase *c = &vcases[i];
		const struct dm_field *f = dm_type_field(dm_schema_builtin_type(c->type), c->field);
		json_error_t je;
		struct dm_error err;
		int rc;
		v = json_loads(c->json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
		CHECK_MSG(f && v, "case %zu: %s.%s %s (%s)", i, c->type, c->field, c->json, je.text);
		if (!f || !v) {
			json_decref(v);
			continue;
		}
		dm_error_init(&err);
		rc = dm_field_validate(f, v, &err);
		if (!c->want) {
			CHECK_MSG(rc == 0 && err.ndetails == 0, "case %zu: %s.%s = %s refused: %s", i, c->type, c->field,
				  c->json, err.ndetails ? err.details[0].message : err.message);
		} else {
			CHECK_MSG(rc == DM_EINVAL && err.code == DM_EINVAL && err.ndetails >= 1 &&
				  strstr(err.details[0].message, c->want) && !strcmp(err.details[0].field, c->field),
				  "case %zu: %s.%s = %s: got rc %d, \"%s\", want \"%s\"", i, c->type, c->field, c->json, rc,
				  err.ndetails ? err.details[0].message : "(no detail)", c->want);
			CHECK_MSG(!strncmp(err.message, c->field, strlen(c->field)), "case %zu: message '%s'", i,
				  err.message);
		}
		dm_error_release(&err);
		json_decref(v);
	}
	for (i = 0; good_dt[i]; i++) {
		v = json_string(good_dt[i]);
		CHECK_MSG(dm_field_check(&dt, v, msg, sizeof(msg)) == 0, "%s: %s", good_dt[i], msg);
		json_decref(v);
	}
	for (i = 0; bad_dt[i]; i++) {
		v = json_string(bad_dt[i]);
		CHECK_MSG(dm_field_check(&dt, v, msg, sizeof(msg)) == DM_EINVAL && strstr(msg, "is not a UTC time"),
			  "%s accepted", bad_dt[i]);
		json_decref(v);
	}
	v = json_false();
	CHECK(dm_field_check(&bt, v, msg, sizeof(msg)) == 0);
	json_decref(v);
	v = json_string("yes");
	CHECK(dm_field_check(&bt, v, msg, sizeof(msg)) == DM_EINVAL && strstr(msg, "not true or false"));
	json_decref(v);

	/* text size: 10,000 bytes pass, one more is refused, the message quotes only a short prefix */
	memset(big, 'a', sizeof(big));
	big[TEXT_MAX_TEST] = 0;
	v = json_string(big);
	CHECK(dm_field_check(&tx, v, msg, sizeof(msg)) == 0);
	json_decref(v);
	big[TEXT_MAX_TEST] = 'a';
	big[TEXT_MAX_TEST + 1] = 0;
	v = json_string(big);
	CHECK(dm_field_check(&tx, v, msg, sizeof(msg)) == DM_EINVAL && strstr(msg, "too long (10001 bytes") &&
	      strlen(msg) < 200);
	json_decref(v);
	/* invalid UTF-8 can only come from C callers (jansson checks what it parses) */
	v = json_stringn_nocheck("ab\xC3(", 4);
	CHECK(dm_field_check(&tx, v, msg, sizeof(msg)) == DM_EINVAL && strstr(msg, "not valid UTF-8 (byte 3)"));
	json_decref(v);
	v = json_stringn_nocheck("\xED\xA0\x80", 3); /* a UTF-16 surrogate */
	CHECK(dm_field_check(&tx, v, msg, sizeof(msg)) == DM_EINVAL && strstr(msg, "not valid UTF-8"));
	json_decref(v);
	/* messages never cut a multi-byte character */
	v = json_string("aığğğğğğğğğğğğğğğğğğğğğğğğğğğğğğğğğğğğğ\x01");
	CHECK(dm_field_check(&tx, v, msg, sizeof(msg)) == DM_EINVAL);
	CHECK(json_string_length(v) && strstr(msg, "ğ...'") != NULL);
	json_decref(v);
}

static int record_check(const char *type, const char *json, const char *want_field, const char *want)
{
	json_t *v = json_loads(json, 0, NULL);
	struct dm_error err;
	size_t i;
	int rc, ok = 0;
	dm_error_init(&err);
	rc = dm_type_validate(dm_schema_builtin_type(type), v, &err);
	if (!want)
		ok = rc == 0 && !err.ndetails;
	else
		for (i = 0; i < err.ndetails; i++)
			if (!strcmp(err.details[i].field, want_field) && strstr(err.details[i].message, want))
				ok = rc == DM_EINVAL;
	if (!ok)
		fprintf(stderr, "%s %s: rc %d, %zu details, first: %s: %s\n", type, json, rc, err.ndetails,
			err.ndetails ? err.details[0].field : "", err.ndetails ? err.details[0].message : "");
	dm_error_release(&err);
	json_decref(v);
	return ok;
}

static void test_records(void)
{
	CHECK(record_check("land_release", "{\"hazard\": \"HAZ-1\", \"method\": \"ts\", \"result\": \"reduced\", "
			   "\"start_date\": \"2022-01-01\", \"end_date\": \"2022-01-01\"}", NULL, NULL));
	CHECK(record_check("land_release", "{\"hazard\": \"HAZ-1\", \"method\": \"nts\", \"result\": \"cleared\"}",
			   "result", "'cleared' does not follow from method 'nts' (nts gives cancelled)"));
	CHECK(record_check("land_release", "{\"hazard\": \"HAZ-1\", \"method\": \"clearance\", \"result\": "
			   "\"cleared\", \"start_date\": \"2022-03-01\", \"end_date\": \"2022-02-01\"}", "end_date",
			   "'2022-02-01' is before start_date '2022-03-01'"));
	CHECK(record_check("land_release", "{\"method\": \"clearance\", \"result\": \"cleared\"}", "hazard",
			   "required but missing"));
	/* computed fields are never required, and are checked like others when present */
	CHECK(record_check("hazard", "{\"category\": \"sha\", \"hazard_type\": \"minefield\", "
			   "\"land_status\": \"open\", \"area_m2\": 10.5}", NULL, NULL));
	CHECK(record_check("hazard", "{\"category\": \"sha\", \"hazard_type\": \"minefield\", "
			   "\"land_status\": \"\"}", "land_status", "required but missing"));
	CHECK(record_check("eo_find", "{\"category\": \"ap_mine\", \"model\": \"PMN-2\", \"quantity\": 0}",
			   "quantity", "0 is not a quantity"));
	CHECK(record_check("exchange_rate", "{\"date\": \"2021-09-08\", \"from_currency\": \"EUR\", "
			   "\"to_currency\": \"EUR\", \"rate\": \"1\", \"source\": \"manual\"}", "to_currency",
			   "'EUR' is the same as from_currency"));
	CHECK(record_check("exchange_rate", "{\"date\": \"2021-09-08\", \"from_currency\": \"EUR\", "
			   "\"to_currency\": \"AZN\", \"rate\": \"2.00818\", \"source\": \"manual\"}", NULL, NULL));
	CHECK(record_check("grant", "{\"donor\": \"ORG-1\", \"recipient\": \"ORG-2\", \"amount\": \"400000.00\", "
			   "\"currency\": \"EUR\", \"grant_status\": \"pledged\", \"announced_date\": \"2021-09-08\", "
			   "\"purpose_code\": \"15250\"}", NULL, NULL));
	CHECK(record_check("agreement", "{\"parties\": [], \"title\": \"x\", \"agreement_status\": \"signed\"}",
			   "parties", "required but missing"));
	CHECK(record_check("task", "{\"hazards\": [\"HAZ-1\"], \"task_status\": \"planned\", \"planned_start\": "
			   "\"2022-05-02\", \"planned_end\": \"2022-05-01\"}", "planned_end", "is before planned_start"));
	/* every problem is reported, not only the first */
	{
		json_t *v = json_loads("{\"category\": \"boom\", \"quantity\": -1, \"depth_cm\": \"deep\"}", 0, NULL);
		struct dm_error err;
		dm_error_init(&err);
		CHECK_INT(dm_type_validate(dm_schema_builtin_type("eo_find"), v, &err), DM_EINVAL);
		CHECK_INT(err.ndetails, 3);
		CHECK_STR(err.field, "category");
		dm_error_release(&err);
		json_decref(v);
	}
}

/* The detail of field in err, or NULL. */
static const struct dm_error_detail *detail_of(const struct dm_error *err, const char *field)
{
	size_t i;
	for (i = 0; i < err->ndetails; i++)
		if (!strcmp(err->details[i].field, field))
			return &err->details[i];
	return NULL;
}

/* Issue 25: every problem at once, each with its stable code and parameters; the cross-field
 * rules run over the fields that passed; dates of events after today are refused. */
static void test_codes(void)
{
	char today[11], future[11];
	char doc[400];
	json_t *v = json_loads("{\"method\": \"clearance\", \"result\": \"cleared\", \"clearance_depth_cm\": -3, "
			       "\"start_date\": \"2025-05-10\", \"end_date\": \"2025-05-01\"}", 0, NULL);
	const struct dm_error_detail *d;
	struct dm_error err;
	dm_error_init(&err);
	CHECK_INT(dm_type_validate(dm_schema_builtin_type("land_release"), v, &err), DM_EINVAL);
	CHECK_INT(err.ndetails, 3);
	CHECK((d = detail_of(&err, "clearance_depth_cm")) && !strcmp(d->code, "negative") && !strcmp(d->params, "{\"value\":-3}"));
	CHECK((d = detail_of(&err, "hazard")) && !strcmp(d->code, "required"));
	CHECK((d = detail_of(&err, "end_date")) && !strcmp(d->code, "before_start") &&
	      strstr(d->params, "\"start\":\"2025-05-10\"") && strstr(d->params, "\"start_field\":\"start_date\""));
	dm_error_release(&err);
	json_decref(v);

	/* a field that failed alone is not compared with another (it would be blamed twice) */
	v = json_loads("{\"hazard\": \"H\", \"method\": \"nts\", \"result\": \"cancelled\", "
		       "\"start_date\": \"2025-02-30\", \"end_date\": \"2025-01-01\"}", 0, NULL);
	dm_error_init(&err);
	CHECK_INT(dm_type_validate(dm_schema_builtin_type("land_release"), v, &err), DM_EINVAL);
	CHECK_INT(err.ndetails, 1);
	CHECK((d = detail_of(&err, "start_date")) && !strcmp(d->code, "not_a_date"));
	dm_error_release(&err);
	json_decref(v);

	/* a field the caller already refused is skipped (the write path's input step) */
	v = json_loads("{\"method\": \"nts\", \"result\": \"cleared\"}", 0, NULL);
	dm_error_init(&err);
	dm_error_addc(&err, "result", "not_allowed", NULL, "refused before");
	CHECK_INT(dm_type_validate(dm_schema_builtin_type("land_release"), v, &err), DM_EINVAL);
	CHECK(!strcmp(err.details[0].field, "result") && !strcmp(err.details[1].field, "hazard"));
	CHECK_INT(err.ndetails, 2);
	dm_error_release(&err);
	json_decref(v);

	/* dates of things that happened: today is fine, tomorrow is not; planned dates may be ahead */
	dm_today(today);
	snprintf(future, sizeof(future), "%04ld-01-01", strtol(today, NULL, 10) + 1);
	snprintf(doc, sizeof(doc), "{\"accident\": \"ACC-1\", \"outcome\": \"injured\", \"date_of_birth\": \"%s\"}", today);
	CHECK(record_check("victim", doc, NULL, NULL));
	snprintf(doc, sizeof(doc), "{\"accident_date\": \"%s\"}", future);
	CHECK(record_check("accident", doc, "accident_date", "is in the future: today is"));
	snprintf(doc, sizeof(doc), "{\"hazards\": [\"HAZ-1\"], \"task_status\": \"planned\", \"planned_start\": "
		 "\"%s\", \"planned_end\": \"%s\"}", future, future);
	CHECK(record_check("task", doc, NULL, NULL));
	v = json_loads("{}", 0, NULL);
	json_object_set_new(v, "find_date", json_string(future));
	json_object_set_new(v, "category", json_string("uxo"));
	dm_error_init(&err);
	CHECK_INT(dm_type_validate(dm_schema_builtin_type("eo_find"), v, &err), DM_EINVAL);
	CHECK((d = detail_of(&err, "find_date")) && !strcmp(d->code, "future_date") && strstr(d->params, today));
	dm_error_release(&err);
	json_decref(v);
}

static int add_extra(struct dm_schema *s, const char *type, const struct dm_field *f, const char *want)
{
	struct dm_error err;
	int rc, ok;
	dm_error_init(&err);
	rc = dm_schema_add_extra(s, type, f, &err);
	ok = want ? rc != 0 && strstr(err.message, want) != NULL : rc == 0;
	if (!ok)
		fprintf(stderr, "add_extra %s.%s: rc %d '%s', want '%s'\n", type, f->name, rc, err.message,
			want ? want : "ok");
	dm_error_release(&err);
	return ok;
}

static void test_extras(void)
{
	static const char *const zones[] = { "north", "south", NULL };
	static const char *const dup[] = { "north", "north", NULL };
	static const char *const badv[] = { "North Zone", NULL };
	struct dm_schema *s = dm_schema_new_builtin(), *s2 = dm_schema_new_builtin();
	const struct dm_type *haz;
	const struct dm_field *f;
	struct dm_field good = { .name = "anama_sector", .type = DM_F_ENUM, .values = zones, .label_en = "Sector",
		.label_az = "Sektor", .label_ru = "Сектор", .hxl = "#loc+sector", .help = "Operational sector" };
	struct dm_field x = { .name = "survey_team_size", .type = DM_F_INT, .flags = DM_FF_NONNEG };
	size_t i, nb;
	json_t *v;
	char name[80];

	CHECK(s && s2);
	if (!s || !s2)
		return;
	dm_schema_builtin(&nb);
	CHECK_INT(s->ntypes, nb);
	CHECK(add_extra(s, "hazard", &good, NULL));
	CHECK(add_extra(s, "hazard", &x, NULL));
	haz = dm_schema_type(s, "hazard");
	CHECK_INT(haz->nfields, haz->nbuiltin + 2);
	f = dm_type_field(haz, "anama_sector");
	CHECK(f && (f->flags & DM_FF_EXTRA) && f->values && !strcmp(f->values[1], "south") && f->values != zones);
	CHECK(f && f->name != good.name);
	f = dm_type_field(haz, "survey_team_size");
	CHECK(f && !strcmp(f->label_en, "survey_team_size") && !strcmp(f->label_ru, "survey_team_size"));
	/* the builtin tables and other instances do not change */
	CHECK(dm_type_field(dm_schema_builtin_type("hazard"), "anama_sector") == NULL);
	CHECK(dm_type_field(dm_schema_type(s2, "hazard"), "anama_sector") == NULL);
	/* an extra validates like a builtin field */
	v = json_string("east");
	{
		struct dm_error err;
		dm_error_init(&err);
		CHECK_INT(dm_field_validate(dm_type_field(haz, "anama_sector"), v, &err), DM_EINVAL);
		CHECK(err.ndetails == 1 && strstr(err.details[0].message, "'east' is not one of north, south"));
		dm_error_release(&err);
	}
	json_decref(v);

	x.name = "anama_sector";
	CHECK(add_extra(s, "hazard", &x, "'anama_sector' is already a field of hazard"));
	x.name = "category";
	CHECK(add_extra(s, "hazard", &x, "already a field"));
	x.name = "status";
	CHECK(add_extra(s, "hazard", &x, "'status' is reserved: every record already has this member"));
	x.name = "geometry";
	CHECK(add_extra(s, "hazard", &x, "is reserved"));
	x.name = "select";
	CHECK(add_extra(s, "hazard", &x, "'select' is reserved: the database uses this word"));
	x.name = "history";
	CHECK(add_extra(s, "hazard", &x, "is reserved"));
	x.name = "Sector";
	CHECK(add_extra(s, "hazard", &x, "'Sector' is not a field name"));
	x.name = "1st";
	CHECK(add_extra(s, "hazard", &x, "not a field name"));
	x.name = "a-b";
	CHECK(add_extra(s, "hazard", &x, "not a field name"));
	x.name = "";
	CHECK(add_extra(s, "hazard", &x, "not a field name"));
	memset(name, 'a', 42);
	name[42] = 0;
	x.name = name;
	CHECK(add_extra(s, "hazard", &x, "not a field name"));
	name[41] = 0;
	CHECK(add_extra(s, "hazard", &x, NULL)); /* 41 characters is the limit */
	x.name = "fine_name";
	CHECK(add_extra(s, "nothing", &x, "unknown record type 'nothing'"));
	x.type = (enum dm_ftype)77;
	CHECK(add_extra(s, "hazard", &x, "unknown field type 77"));
	x.type = DM_F_ENUM;
	CHECK(add_extra(s, "hazard", &x, "needs its allowed values"));
	x.values = dup;
	CHECK(add_extra(s, "hazard", &x, "'north' is listed twice"));
	x.values = badv;
	CHECK(add_extra(s, "hazard", &x, "'North Zone' is not an allowed value"));
	{
		static const char *const semi[] = { "1a;b", NULL };
		x.values = semi;
		CHECK(add_extra(s, "hazard", &x, "'1a;b' is not an allowed value"));
	}
	x.values = zones;
	x.type = DM_F_TEXT;
	CHECK(add_extra(s, "hazard", &x, "takes no list of values"));
	x.values = NULL;
	x.type = DM_F_LINK;
	x.link_type = "spaceship";
	CHECK(add_extra(s, "hazard", &x, "links to unknown record type 'spaceship'"));
	x.link_type = "accident";
	CHECK(add_extra(s, "hazard", &x, NULL));
	x.name = "fine_money";
	x.type = DM_F_MONEY;
	x.link_type = NULL;
	CHECK(add_extra(s, "hazard", &x, "needs currency_field naming a currency field"));
	x.currency_field = "currency";
	CHECK(add_extra(s, "grant", &x, NULL));
	x.name = "fine_json";
	x.type = DM_F_JSON;
	x.currency_field = NULL;
	CHECK(add_extra(s, "hazard", &x, "json is not available"));
	x.type = DM_F_AREA;
	x.flags = DM_FF_COMPUTED;
	CHECK(add_extra(s, "hazard", &x, "cannot be computed"));

	/* extras show in the JSON and the docs */
	v = dm_schema_to_json(s);
	{
		json_t *types = json_object_get(v, "types"), *t, *fl;
		int found = 0;
		json_array_foreach(types, i, t)
			if (!strcmp(json_string_value(json_object_get(t, "name")), "hazard")) {
				size_t k;
				json_array_foreach(json_object_get(t, "fields"), k, fl)
					if (!strcmp(json_string_value(json_object_get(fl, "name")), "anama_sector"))
						found = json_is_true(json_object_get(fl, "extra"));
			}
		CHECK(found);
	}
	json_decref(v);
	{
		char *md = dm_schema_to_markdown(s);
		CHECK(md && strstr(md, "`anama_sector`") && strstr(md, "extra"));
		free(md);
	}
	dm_schema_free(s);
	dm_schema_free(s2);
	dm_schema_free(NULL);
}

static void test_outputs(void)
{
	struct dm_schema *s = dm_schema_new_builtin();
	char *md = dm_schema_to_markdown(s), *text, heading[80];
	json_t *j = dm_schema_to_json(s), *back, *t, *hz = NULL;
	size_t i, k, n;
	const struct dm_type *b = dm_schema_builtin(&n);
	CHECK(md != NULL && j != NULL);
	if (!md || !j)
		goto out;
	for (i = 0; i < n; i++) {
		snprintf(heading, sizeof(heading), "\n### %s\n", b[i].name);
		CHECK_MSG(strstr(md, heading) != NULL, "markdown lacks %s", b[i].name);
		for (k = 0; k < b[i].nfields; k++) {
			snprintf(heading, sizeof(heading), "| `%s` |", b[i].fields[k].name);
			CHECK_MSG(strstr(md, heading) != NULL, "markdown lacks %s.%s", b[i].name, b[i].fields[k].name);
		}
	}
	CHECK(strstr(md, "## Common members") && strstr(md, "## Computed fields") && strstr(md, "Təhlükəli ərazi") &&
	      strstr(md, "Опасный район") && strstr(md, "`date_of_information`"));
	text = json_dumps(j, JSON_COMPACT);
	back = text ? json_loads(text, 0, NULL) : NULL;
	CHECK(back && json_equal(j, back));
	CHECK_INT(json_array_size(json_object_get(j, "types")), n);
	CHECK_INT(json_array_size(json_object_get(j, "status_values")), 4);
	json_array_foreach(json_object_get(j, "types"), i, t)
		if (!strcmp(json_string_value(json_object_get(t, "name")), "hazard"))
			hz = t;
	CHECK(hz && !strcmp(json_string_value(json_object_get(hz, "geometry")), "area") &&
	      !strcmp(json_string_value(json_object_get(hz, "code_prefix")), "HAZ"));
	if (hz) {
		json_t *f = json_array_get(json_object_get(hz, "fields"), 1);
		CHECK_STR(json_string_value(json_object_get(f, "name")), "category");
		CHECK_STR(json_string_value(json_object_get(json_object_get(f, "labels"), "az")), "Kateqoriya (SHA/CHA)");
		CHECK(json_is_true(json_object_get(f, "required")));
		CHECK_INT(json_array_size(json_object_get(f, "values")), 2);
	}
	CHECK(json_is_null(json_object_get(json_array_get(json_object_get(json_object_get(j, "types") ? hz : NULL,
		"fields"), 0), "values")));
	free(text);
	json_decref(back);
out:
	json_decref(j);
	free(md);
	dm_schema_free(s);
}

int main(void)
{
	test_tables();
	test_values();
	test_records();
	test_codes();
	test_extras();
	test_outputs();
	return check_report("schema");
}
