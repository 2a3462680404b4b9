/* types.c: the builtin record types of DOMAIN.md and their fields, as tables. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "demine/schema.h"

/* Field table rows. Flags: REQ required, PERS personal, COMP computed (and so read-only),
 * NN non-negative, IDX own index, SRCH text search, INTL an operator's working detail that the
 * public role never sees, PAST the date of something that has happened (not after today). */
#define REQ DM_FF_REQUIRED
#define PERS DM_FF_PERSONAL
#define COMP (DM_FF_COMPUTED | DM_FF_READONLY)
#define NN DM_FF_NONNEG
#define IDX DM_FF_INDEX
#define SRCH DM_FF_SEARCH
#define INTL DM_FF_INTERNAL
#define PAST DM_FF_PAST

#define F(n, t, fl, v, u, lk, en, az, ru, hx, hp) \
	{ .name = n, .type = t, .flags = fl, .values = v, .unit = u, .link_type = lk, \
	  .label_en = en, .label_az = az, .label_ru = ru, .hxl = hx, .help = hp }
/* A row with its own value check (called after the type check). */
#define FV(n, t, fl, v, u, lk, en, az, ru, hx, hp, fn) \
	{ .name = n, .type = t, .flags = fl, .values = v, .unit = u, .link_type = lk, \
	  .label_en = en, .label_az = az, .label_ru = ru, .hxl = hx, .help = hp, .validate_json = fn }
#define FMONEY(n, fl, cur, en, az, ru, hx, hp) \
	{ .name = n, .type = DM_F_MONEY, .flags = fl, .currency_field = cur, \
	  .label_en = en, .label_az = az, .label_ru = ru, .hxl = hx, .help = hp }

/* Failing a check: one detail per problem (its stable code and parameters, taken), and the
 * first one as the error. */
static int failc(struct dm_error *err, const char *field, const char *code, json_t *params, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int failc(struct dm_error *err, const char *field, const char *code, json_t *params, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dm_error_addc(err, field, code, params, "%s", msg);
	dm_error_set(err, DM_EINVAL, field, "%s: %s", field, msg);
	return DM_EINVAL;
}
#define fail(err, field, ...) failc(err, field, "invalid", NULL, __VA_ARGS__)

/* ---- value lists ---- */
static const char *const v_org_kind[] = { "national_authority", "operator_ngo", "operator_commercial",
	"operator_military", "donor_government", "donor_multilateral", "un_agency", "other", NULL };
static const char *const v_org_activity[] = { "nts", "ts", "clearance", "eore", "victim_assistance", "qm",
	"stockpile_destruction", NULL };
static const char *const v_loc_kind[] = { "adm1", "adm2", "adm3", "settlement", NULL };
static const char *const v_haz_category[] = { "sha", "cha", NULL };
static const char *const v_haz_type[] = { "minefield", "battle_area", "cluster_munition_strike", "ied_area",
	"dangerous_area", "stockpile", NULL };
static const char *const v_contamination[] = { "ap_mine", "at_mine", "uxo", "axo", "cmr", "ied", "booby_trap",
	NULL };
static const char *const v_evidence_kind[] = { "direct", "indirect", NULL };
static const char *const v_land_status[] = { "open", "worked_on", "closed", NULL };
static const char *const v_hml[] = { "high", "medium", "low", NULL };
static const char *const v_land_use[] = { "agriculture", "housing", "roads", "water", "infrastructure", "grazing",
	"other", NULL };
static const char *const v_method[] = { "nts", "ts", "clearance", NULL };
static const char *const v_task_status[] = { "planned", "in_progress", "suspended", "completed", "cancelled",
	NULL };
static const char *const v_result[] = { "cancelled", "reduced", "cleared", NULL };
static const char *const v_technique[] = { "manual", "mechanical", "mdd", "battle_area_clearance", NULL };
static const char *const v_eo_category[] = { "ap_mine", "at_mine", "uxo", "axo", "cmr", "ied", "saa", NULL };
static const char *const v_disposition[] = { "destroyed_in_situ", "removed", "rendered_safe", NULL };
static const char *const v_accident_kind[] = { "demining", "civilian", NULL };
static const char *const v_accident_activity[] = { "agriculture", "herding", "construction", "travel",
	"tampering", "demining", "other", NULL };
static const char *const v_sex[] = { "female", "male", "unknown", NULL };
static const char *const v_outcome[] = { "killed", "injured", NULL };
static const char *const v_victim_role[] = { "civilian", "deminer", "military", "other", NULL };
static const char *const v_va_service[] = { "emergency_medical", "continuing_medical", "rehabilitation",
	"prosthetics", "psychological", "socio_economic", "education", "referral", NULL };
static const char *const v_service_status[] = { "referred", "in_progress", "completed", "declined", NULL };
static const char *const v_eore_method[] = { "interpersonal", "mass_media", "digital", "training_of_trainers",
	NULL };
static const char *const v_audience[] = { "community", "school", "returning_idps", "workers", "other", NULL };
static const char *const v_qm_kind[] = { "accreditation", "qa_visit", "qc_sampling", "post_clearance_inspection",
	NULL };
static const char *const v_qm_result[] = { "pass", "pass_with_findings", "fail", NULL };
static const char *const v_severity[] = { "critical", "major", "minor", NULL };
static const char *const v_scope[] = { "demining_support", "victim_assistance", "risk_education",
	"capacity_building", "humanitarian_search", NULL };
static const char *const v_agreement_status[] = { "envisaged", "signed", "in_force", "expired", NULL };
static const char *const v_grant_status[] = { "pledged", "committed", "disbursed", NULL };
static const char *const v_earmark_activity[] = { "nts", "ts", "clearance", "eore", "victim_assistance",
	"capacity_building", NULL };
static const char *const v_transaction[] = { "commitment", "disbursement", "expenditure", NULL };
static const char *const v_rate_source[] = { "manual", "cbar", "ecb", NULL };
static const char *const v_readiness[] = { "blocked", "in_progress", "cleared_for_return", NULL };
static const char *const v_route_kind[] = { "road", "track", "power_line", "water_line", "gas_line", "farmland",
	"school", "health_facility", "other", NULL };

/* ---- single-field checks (the value already has the field's JSON type) ---- */
static int check_abbr(const struct dm_field *f, json_t *v, struct dm_error *err)
{
	const char *s = json_string_value(v);
	if (strlen(s) != 3 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' || s[2] < 'A' || s[2] > 'Z')
		return failc(err, f->name, "bad_format", json_pack("{s:s%,s:s}", "value", s, strnlen(s, 40), "format", "AAA"),
			     "'%.40s' is not 3 uppercase latin letters (e.g. AGD)", s);
	return 0;
}

static int check_quantity(const struct dm_field *f, json_t *v, struct dm_error *err)
{
	if (json_integer_value(v) < 1)
		return failc(err, f->name, "too_small", json_pack("{s:O,s:i}", "value", v, "min", 1),
			     "%lld is not a quantity: at least 1 item", (long long)json_integer_value(v));
	return 0;
}

static int check_age(const struct dm_field *f, json_t *v, struct dm_error *err)
{
	if (json_integer_value(v) > 120)
		return failc(err, f->name, "too_large", json_pack("{s:O,s:i}", "value", v, "max", 120),
			     "%lld is not a plausible age (0 to 120)", (long long)json_integer_value(v));
	return 0;
}

static int check_purpose_code(const struct dm_field *f, json_t *v, struct dm_error *err)
{
	const char *s = json_string_value(v);
	size_t i, n = strlen(s);
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (n != 5 || i != 5)
		return failc(err, f->name, "bad_format", json_pack("{s:s%,s:s}", "value", s, strnlen(s, 40), "format", "00000"),
			     "'%.40s' is not a 5-digit OECD DAC purpose code (e.g. 15250)", s);
	return 0;
}

/* Non-conformities: [{severity, text, corrective_action?, closed_date?}, ...]. */
static int check_nonconformities(const struct dm_field *f, json_t *v, struct dm_error *err)
{
	static const struct dm_field severity = { .name = "severity", .type = DM_F_ENUM, .values = v_severity };
	static const struct dm_field text = { .name = "text", .type = DM_F_TEXT };
	static const struct dm_field date = { .name = "closed_date", .type = DM_F_DATE };
	size_t i;
	int rc = 0;
	json_t *item;
	if (!json_is_array(v))
		return fail(err, f->name, "must be a list of non-conformities, not %s",
			    json_is_object(v) ? "an object" : json_is_string(v) ? "a string" : "a scalar");
	if (json_array_size(v) > 1000)
		return fail(err, f->name, "too many non-conformities (%zu, at most 1000)", json_array_size(v));
	json_array_foreach(v, i, item) {
		const char *key;
		json_t *m;
		char msg[300];
		if (!json_is_object(item)) {
			rc = fail(err, f->name, "%s[%zu]: must be an object {severity, text, corrective_action, "
				  "closed_date}", f->name, i);
			continue;
		}
		json_object_foreach(item, key, m) {
			const struct dm_field *sub = !strcmp(key, "severity") ? &severity
				: !strcmp(key, "closed_date") ? &date
				: (!strcmp(key, "text") || !strcmp(key, "corrective_action")) ? &text : NULL;
			if (!sub) {
				rc = fail(err, f->name, "%s[%zu]: unknown member '%.40s' (expected severity, text, "
					  "corrective_action, closed_date)", f->name, i, key);
				continue;
			}
			if (json_is_null(m))
				continue;
			if (dm_field_check(sub, m, msg, sizeof(msg)))
				rc = fail(err, f->name, "%s[%zu].%s: %s", f->name, i, key, msg);
		}
		if (!json_is_string(json_object_get(item, "severity")))
			rc = fail(err, f->name, "%s[%zu].severity: is required (critical, major or minor)", f->name, i);
		m = json_object_get(item, "text");
		if (!json_is_string(m) || !json_string_length(m))
			rc = fail(err, f->name, "%s[%zu].text: is required", f->name, i);
	}
	return rc;
}

/* Readiness reasons: a list of sentences (computed, so only the system writes them). */
static int check_reasons(const struct dm_field *f, json_t *v, struct dm_error *err)
{
	size_t i;
	json_t *item;
	if (!json_is_array(v) || json_array_size(v) > 100)
		return fail(err, f->name, "must be a list of at most 100 sentences");
	json_array_foreach(v, i, item)
		if (!json_is_string(item))
			return fail(err, f->name, "%s[%zu]: must be a sentence (a string)", f->name, i);
	return 0;
}

/* ---- cross-field checks (each field alone is already valid) ---- */
static const char *str(json_t *fields, const char *name)
{
	return json_string_value(json_object_get(fields, name));
}

static int check_date_order(json_t *fields, const char *start, const char *end, struct dm_error *err)
{
	const char *a = str(fields, start), *b = str(fields, end);
	if (a && b && strcmp(b, a) < 0)
		return failc(err, end, "before_start", json_pack("{s:s,s:s,s:s}", "value", b, "start_field", start, "start", a),
			     "'%s' is before %s '%s'", b, start, a);
	return 0;
}

static int validate_task(const struct dm_type *t, json_t *fields, struct dm_error *err)
{
	return check_date_order(fields, "planned_start", "planned_end", err);
}

static int validate_land_release(const struct dm_type *t, json_t *fields, struct dm_error *err)
{
	static const char *const pairs[][2] = { { "nts", "cancelled" }, { "ts", "reduced" }, { "clearance", "cleared" } };
	const char *method = str(fields, "method"), *result = str(fields, "result");
	int rc = check_date_order(fields, "start_date", "end_date", err);
	size_t i;
	if (method && result)
		for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
			if (!strcmp(method, pairs[i][0]) && strcmp(result, pairs[i][1]))
				rc = failc(err, "result", "not_from_method", json_pack("{s:s,s:s,s:s}", "value", result,
					   "method", method, "expected", pairs[i][1]),
					   "'%s' does not follow from method '%s' (%s gives %s)", result, method, method,
					   pairs[i][1]);
	return rc;
}

static int validate_agreement(const struct dm_type *t, json_t *fields, struct dm_error *err)
{
	return check_date_order(fields, "valid_from", "valid_until", err);
}

static int validate_exchange_rate(const struct dm_type *t, json_t *fields, struct dm_error *err)
{
	const char *from = str(fields, "from_currency"), *to = str(fields, "to_currency");
	if (from && to && !strcmp(from, to))
		return failc(err, "to_currency", "same_currency", json_pack("{s:s}", "value", to),
			     "'%s' is the same as from_currency: a rate converts between two currencies", to);
	return 0;
}

/* ---- the field tables ---- */
static const struct dm_field organisation_fields[] = {
	F("name", DM_F_TEXT, REQ | SRCH, NULL, NULL, NULL, "Name", "Adı", "Название", "#org+name",
	  "Full name of the organisation"),
	F("short_name", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Short name", "Qısa adı", "Краткое название",
	  "#org+acronym", "Acronym or short name, e.g. ANAMA"),
	F("kind", DM_F_ENUM, REQ, v_org_kind, NULL, NULL, "Kind of organisation", "Təşkilatın növü",
	  "Тип организации", "#org+type", "Role of the organisation in mine action"),
	F("country", DM_F_COUNTRY, 0, NULL, NULL, NULL, "Country", "Ölkə", "Страна", "#country+code",
	  "Country of registration, ISO 3166-1 alpha-2 code (e.g. AZ, FR)"),
	F("accredited_activities", DM_F_SET, 0, v_org_activity, NULL, NULL, "Accredited activities",
	  "Akkreditasiya olunmuş fəaliyyətlər", "Аккредитованные виды деятельности", "#activity+accredited",
	  "Activities the national authority has accredited the organisation for"),
	F("accreditation_valid_until", DM_F_DATE, 0, NULL, NULL, NULL, "Accreditation valid until",
	  "Akkreditasiyanın bitmə tarixi", "Аккредитация действительна до", "#date+end+accreditation",
	  "Last day the accreditation is valid"),
	F("iati_identifier", DM_F_TEXT, IDX, NULL, NULL, NULL, "IATI organisation identifier",
	  "IATI təşkilat identifikatoru", "Идентификатор организации IATI", "#org+code",
	  "Organisation identifier used in IATI publications, e.g. FR-6"),
};

static const struct dm_field location_fields[] = {
	F("kind", DM_F_ENUM, REQ, v_loc_kind, NULL, NULL, "Kind of area", "Ərazinin növü", "Тип территории",
	  "#loc+type", "Administrative level (adm1, adm2, adm3) or a settlement"),
	F("name_az", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Name in Azerbaijani", "Azərbaycanca adı",
	  "Название на азербайджанском", "#loc+name+i_az", "Official name in Azerbaijani, e.g. Ağdam"),
	F("name_en", DM_F_TEXT, REQ | SRCH, NULL, NULL, NULL, "Name in English", "İngiliscə adı",
	  "Название на английском", "#loc+name+i_en", "Name in English, e.g. Agdam"),
	F("name_ru", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Name in Russian", "Rusca adı", "Название на русском",
	  "#loc+name+i_ru", "Name in Russian, e.g. Агдам"),
	F("alt_names", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Other spellings", "Digər yazılış formaları",
	  "Другие варианты написания", "#loc+name+alt",
	  "Other spellings found in sources, separated by ';' (e.g. Aghdam;Akdam)"),
	F("pcode", DM_F_TEXT, IDX, NULL, NULL, NULL, "P-code", "P-kod", "P-код", "#adm2+code",
	  "Place code shared with other humanitarian data sets"),
	FV("abbr", DM_F_TEXT, 0, NULL, NULL, NULL, "Abbreviation", "Qısaltma", "Сокращение", "#loc+code+abbr",
	   "Three uppercase letters used in record codes, e.g. AGD in HAZ-AGD-00123", check_abbr),
	F("parent", DM_F_LINK, 0, NULL, NULL, "location", "Parent area", "Yuxarı inzibati vahid",
	  "Вышестоящая территория", "#loc+parent+id", "The administrative area this one lies in"),
	F("population", DM_F_INT, NN, NULL, "people", NULL, "Population", "Əhali", "Население",
	  "#population+total", "Number of inhabitants, when known"),
};

static const struct dm_field hazard_fields[] = {
	F("name", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Local name", "Yerli adı", "Местное название", "#loc+name",
	  "Name the area is known by locally"),
	F("category", DM_F_ENUM, REQ, v_haz_category, NULL, NULL, "Category (SHA/CHA)", "Kateqoriya (SHA/CHA)",
	  "Категория (SHA/CHA)", "#indicator+category",
	  "Suspected (indirect evidence) or confirmed (direct evidence) hazardous area"),
	F("hazard_type", DM_F_ENUM, REQ, v_haz_type, NULL, NULL, "Hazard type", "Təhlükənin növü", "Тип опасности",
	  "#indicator+type", "What kind of hazard the area holds"),
	F("contamination", DM_F_SET, 0, v_contamination, NULL, NULL, "Contamination", "Çirklənmənin növləri",
	  "Виды загрязнения", "#item+type", "Kinds of explosive ordnance known or suspected"),
	F("evidence_kind", DM_F_ENUM, 0, v_evidence_kind, NULL, NULL, "Kind of evidence", "Sübutun növü",
	  "Вид свидетельств", "#indicator+evidence", "Direct evidence makes a CHA, indirect an SHA"),
	F("evidence", DM_F_TEXT, SRCH | INTL, NULL, NULL, NULL, "Evidence", "Sübutlar", "Свидетельства",
	  "#description+evidence", "What shows or suggests the presence of explosive ordnance"),
	F("land_status", DM_F_ENUM, REQ, v_land_status, NULL, NULL, "Land status", "Torpağın vəziyyəti",
	  "Статус земли", "#status+land", "Open, being worked on (partly released), or closed (fully released, cancelled by NTS, or by hand)"),
	F("priority", DM_F_ENUM, 0, v_hml, NULL, NULL, "Priority", "Prioritet", "Приоритет", "#severity+priority",
	  "Priority for survey and clearance"),
	F("blockages", DM_F_SET, 0, v_land_use, NULL, NULL, "Blocked land use", "Məhdudlaşdırılan istifadə",
	  "Блокируемое использование", "#impact+type", "Uses of land the hazard blocks"),
	F("source", DM_F_TEXT, INTL, NULL, NULL, NULL, "Source of information", "Məlumat mənbəyi",
	  "Источник информации", "#meta+source", "Who or what reported the hazard"),
	F("source_reliability", DM_F_ENUM, INTL, v_hml, NULL, NULL, "Reliability of the source", "Mənbənin etibarlılığı",
	  "Надёжность источника", "#meta+source+reliability", "How far the source can be trusted"),
	F("estimated_area_m2", DM_F_AREA, NN, NULL, "m2", NULL, "Estimated area", "Təxmini sahə", "Оценочная площадь",
	  "#indicator+area+estimated+num", "Entered estimate while the area is known only as a point"),
	F("area_m2", DM_F_AREA, COMP | NN, NULL, "m2", NULL, "Area (from polygon)", "Sahə (poliqona görə)",
	  "Площадь (по полигону)", "#indicator+area+num", "Geodesic area of the polygon on the WGS84 ellipsoid"),
	F("cancelled_m2", DM_F_AREA, COMP | NN, NULL, "m2", NULL, "Area cancelled", "Ləğv edilmiş sahə",
	  "Исключённая площадь", "#output+area+cancelled+num",
	  "Part of the polygon cancelled by non-technical survey (overlaps counted once)"),
	F("reduced_m2", DM_F_AREA, COMP | NN, NULL, "m2", NULL, "Area reduced", "Azaldılmış sahə",
	  "Сокращённая площадь", "#output+area+reduced+num", "Part of the polygon reduced by technical survey"),
	F("cleared_m2", DM_F_AREA, COMP | NN, NULL, "m2", NULL, "Area cleared", "Təmizlənmiş sahə",
	  "Очищенная площадь", "#output+area+cleared+num", "Part of the polygon cleared"),
	F("remaining_m2", DM_F_AREA, COMP | NN, NULL, "m2", NULL, "Remaining area", "Qalan sahə",
	  "Оставшаяся площадь", "#indicator+area+remaining+num",
	  "Polygon minus the union of its released polygons"),
	F("released_outside_m2", DM_F_AREA, COMP | NN, NULL, "m2", NULL, "Released outside the hazard",
	  "Təhlükəli ərazidən kənarda azad edilmiş sahə", "Высвобождено за пределами опасного района",
	  "#output+area+outside+num", "Released land of this hazard lying outside its polygon (flagged)"),
	F("closure_reason", DM_F_TEXT, COMP, NULL, NULL, NULL, "Reason of closure", "Bağlanma səbəbi",
	  "Причина закрытия", "#status+reason", "Why the land status is what it is: set by the system (fully released, partly released, cancelled by non-technical survey) or the reason of a closure by hand"),
};

static const struct dm_field task_fields[] = {
	F("hazards", DM_F_LINKS, REQ, NULL, NULL, "hazard", "Hazardous areas", "Təhlükəli ərazilər", "Опасные районы",
	  "#meta+hazard+id", "Hazardous areas the work order covers"),
	F("operator", DM_F_LINK, 0, NULL, NULL, "organisation", "Operator", "Operator", "Оператор", "#org+impl+id",
	  "Organisation assigned to do the work"),
	F("team", DM_F_TEXT, INTL, NULL, NULL, NULL, "Team", "Komanda", "Группа", "#org+team", "Team assigned"),
	F("planned_method", DM_F_ENUM, 0, v_method, NULL, NULL, "Planned method", "Planlaşdırılan üsul",
	  "Планируемый метод", "#activity+type+planned", "Non-technical survey, technical survey or clearance"),
	F("planned_start", DM_F_DATE, 0, NULL, NULL, NULL, "Planned start", "Planlaşdırılan başlama tarixi",
	  "Плановая дата начала", "#date+start+planned", "Day the work should start"),
	F("planned_end", DM_F_DATE, 0, NULL, NULL, NULL, "Planned end", "Planlaşdırılan bitmə tarixi",
	  "Плановая дата окончания", "#date+end+planned", "Day the work should end (not before the start)"),
	F("planned_area_m2", DM_F_AREA, NN, NULL, "m2", NULL, "Planned area", "Planlaşdırılan sahə", "Плановая площадь",
	  "#targeted+area+num", "Area the task should release"),
	F("task_status", DM_F_ENUM, REQ, v_task_status, NULL, NULL, "Task status", "Tapşırığın vəziyyəti",
	  "Состояние задания", "#status+task", "Where the work order stands"),
	F("grant", DM_F_LINK, 0, NULL, NULL, "grant", "Funding grant", "Maliyyələşdirən qrant", "Финансирующий грант",
	  "#financial+grant+id", "Grant that pays for the task"),
};

static const struct dm_field land_release_fields[] = {
	F("hazard", DM_F_LINK, REQ | DM_FF_HISTORY_INDEX, NULL, NULL, "hazard", "Hazardous area", "Təhlükəli ərazi", "Опасный район",
	  "#meta+hazard+id", "Hazardous area the land was released from"),
	F("task", DM_F_LINK, INTL, NULL, NULL, "task", "Task", "Tapşırıq", "Задание", "#activity+task+id",
	  "Work order under which the land was released"),
	F("operator", DM_F_LINK, INTL, NULL, NULL, "organisation", "Operator", "Operator", "Оператор", "#org+impl+id",
	  "Organisation that did the work"),
	F("team", DM_F_TEXT, INTL, NULL, NULL, NULL, "Team", "Komanda", "Группа", "#org+team", "Team that did the work"),
	F("method", DM_F_ENUM, REQ, v_method, NULL, NULL, "Method", "Üsul", "Метод", "#activity+type",
	  "Non-technical survey (IMAS 08.10), technical survey (08.20) or clearance (09.10)"),
	F("result", DM_F_ENUM, REQ, v_result, NULL, NULL, "Result", "Nəticə", "Результат", "#output+type",
	  "Cancelled by NTS, reduced by TS, cleared by clearance"),
	F("technique", DM_F_SET, 0, v_technique, NULL, NULL, "Technique", "İş üsulu", "Методика работ",
	  "#activity+technique", "Manual, mechanical, mine detection dogs (mdd), battle area clearance"),
	F("start_date", DM_F_DATE, PAST, NULL, NULL, NULL, "Start date", "Başlama tarixi", "Дата начала", "#date+start",
	  "First day of work"),
	F("end_date", DM_F_DATE, PAST, NULL, NULL, NULL, "End date", "Bitmə tarixi", "Дата окончания", "#date+end",
	  "Last day of work (not before the start)"),
	F("clearance_depth_cm", DM_F_INT, NN, NULL, "cm", NULL, "Clearance depth", "Təmizləmə dərinliyi",
	  "Глубина очистки", "#indicator+depth+num", "Depth to which the land was cleared"),
	F("area_m2", DM_F_AREA, COMP | NN, NULL, "m2", NULL, "Area released", "Azad edilmiş sahə",
	  "Высвобожденная площадь", "#output+area+num", "Geodesic area of the released polygon"),
	F("handover_date", DM_F_DATE, 0, NULL, NULL, NULL, "Handover date", "Təhvil tarixi", "Дата передачи",
	  "#date+handover", "Date of the handover certificate"),
	F("handover_to", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Handed over to", "Təhvil alan", "Кому передано",
	  "#org+handover", "Users or local authority who received the land"),
	F("land_use_after", DM_F_SET, 0, v_land_use, NULL, NULL, "Land use after release",
	  "Azad edildikdən sonra torpaqdan istifadə", "Землепользование после высвобождения", "#impact+landuse",
	  "What the land is used for once released"),
};

static const struct dm_field eo_find_fields[] = {
	F("release", DM_F_LINK, 0, NULL, NULL, "land_release", "Land release", "Ərazinin azad edilməsi",
	  "Высвобождение земель", "#activity+release+id", "Release activity during which the item was found"),
	F("task", DM_F_LINK, 0, NULL, NULL, "task", "Task", "Tapşırıq", "Задание", "#activity+task+id",
	  "Task (e.g. a spot task) during which the item was found"),
	F("hazard", DM_F_LINK, 0, NULL, NULL, "hazard", "Hazardous area", "Təhlükəli ərazi", "Опасный район",
	  "#meta+hazard+id", "Hazardous area the item was found in"),
	F("category", DM_F_ENUM, REQ, v_eo_category, NULL, NULL, "Ordnance category", "Sursatın kateqoriyası",
	  "Категория боеприпаса", "#item+type", "Kind of explosive ordnance (saa: small arms ammunition)"),
	F("model", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Model", "Model", "Модель", "#item+name",
	  "Model of the item, e.g. PMN-2, TM-62M, OZM-72"),
	FV("quantity", DM_F_INT, REQ | NN, NULL, "items", NULL, "Quantity", "Miqdar", "Количество", "#item+num",
	   "Number of items (at least 1)", check_quantity),
	F("disposition", DM_F_ENUM, 0, v_disposition, NULL, NULL, "Disposition", "Zərərsizləşdirmə üsulu",
	  "Способ обезвреживания", "#item+disposition", "What was done with the item"),
	F("depth_cm", DM_F_INT, NN, NULL, "cm", NULL, "Depth", "Dərinlik", "Глубина", "#indicator+depth+num",
	  "Depth at which the item lay"),
	F("find_date", DM_F_DATE, PAST, NULL, NULL, NULL, "Date found", "Aşkarlanma tarixi", "Дата обнаружения",
	  "#date+found", "Day the item was found"),
};

static const struct dm_field accident_fields[] = {
	F("accident_date", DM_F_DATE, REQ | PAST, NULL, NULL, NULL, "Date of accident", "Hadisənin tarixi",
	  "Дата происшествия", "#date+occurred", "Day the accident happened"),
	F("accident_kind", DM_F_ENUM, REQ, v_accident_kind, NULL, NULL, "Kind of accident", "Hadisənin növü",
	  "Вид происшествия", "#event+type", "Demining accident (deminers at work) or mine/ERW accident (anyone else)"),
	F("device_category", DM_F_ENUM, 0, v_eo_category, NULL, NULL, "Device category", "Qurğunun kateqoriyası",
	  "Категория устройства", "#item+type", "Kind of explosive ordnance that caused the accident"),
	F("device_model", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Device model", "Qurğunun modeli", "Модель устройства",
	  "#item+name", "Model of the device, e.g. PMN-2"),
	F("activity", DM_F_ENUM, 0, v_accident_activity, NULL, NULL, "Activity at the time",
	  "Hadisə anındakı fəaliyyət", "Деятельность в момент происшествия", "#activity+victim",
	  "What the people involved were doing"),
	F("hazard", DM_F_LINK, 0, NULL, NULL, "hazard", "Hazardous area", "Təhlükəli ərazi", "Опасный район",
	  "#meta+hazard+id", "Hazardous area of the accident, if known"),
	F("description", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Description", "Təsvir", "Описание", "#description",
	  "What happened"),
};

static const struct dm_field victim_fields[] = {
	F("accident", DM_F_LINK, REQ, NULL, NULL, "accident", "Accident", "Bədbəxt hadisə", "Несчастный случай",
	  "#event+id", "Accident in which the person was killed or injured"),
	F("sex", DM_F_ENUM, 0, v_sex, NULL, NULL, "Sex", "Cins", "Пол", "#affected+sex", "Sex of the person"),
	FV("age", DM_F_INT, NN, NULL, "years", NULL, "Age", "Yaş", "Возраст", "#affected+age",
	   "Age in years at the time of the accident (0 to 120)", check_age),
	F("date_of_birth", DM_F_DATE, PERS | PAST, NULL, NULL, NULL, "Date of birth", "Doğum tarixi", "Дата рождения", NULL,
	  "Date of birth (personal data)"),
	F("outcome", DM_F_ENUM, REQ, v_outcome, NULL, NULL, "Killed or injured", "Həlak olub və ya yaralanıb",
	  "Погиб или ранен", "#affected+outcome", "Whether the person was killed or injured"),
	F("role", DM_F_ENUM, 0, v_victim_role, NULL, NULL, "Role", "Şəxsin kateqoriyası", "Категория лица",
	  "#affected+role", "Civilian, deminer, military or other"),
	F("injuries", DM_F_TEXT, 0, NULL, NULL, NULL, "Injuries", "Xəsarətlər", "Травмы", "#affected+injuries",
	  "Nature of the injuries, e.g. lower limb amputation"),
	F("name", DM_F_TEXT, PERS | SRCH, NULL, NULL, NULL, "Name", "Adı və soyadı", "Имя и фамилия", NULL,
	  "Full name (personal data)"),
	F("address", DM_F_TEXT, PERS, NULL, NULL, NULL, "Address", "Ünvan", "Адрес", NULL, "Home address (personal data)"),
	F("contact", DM_F_TEXT, PERS, NULL, NULL, NULL, "Contact", "Əlaqə məlumatı", "Контактные данные", NULL,
	  "Telephone or other contact (personal data)"),
};

static const struct dm_field va_service_fields[] = {
	F("victim", DM_F_LINK, REQ, NULL, NULL, "victim", "Victim", "Zərərçəkmiş", "Пострадавший", "#affected+id",
	  "Survivor who received the service"),
	F("service", DM_F_ENUM, REQ, v_va_service, NULL, NULL, "Service", "Xidmət", "Услуга", "#service+type",
	  "Kind of assistance (IMAS 13.10)"),
	F("provider_org", DM_F_LINK, 0, NULL, NULL, "organisation", "Provider organisation",
	  "Xidmət göstərən təşkilat", "Организация-исполнитель", "#org+provider+id",
	  "Organisation that provided the service, when it is in the database"),
	F("provider", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Provider", "Xidmət göstərən", "Исполнитель услуги",
	  "#org+provider+name", "Provider's name when it is not an organisation in the database (e.g. a hospital)"),
	F("service_date", DM_F_DATE, PAST, NULL, NULL, NULL, "Date of service", "Xidmət tarixi", "Дата оказания услуги",
	  "#date", "Day the service was provided or referred"),
	F("service_status", DM_F_ENUM, REQ, v_service_status, NULL, NULL, "Service status", "Xidmətin vəziyyəti",
	  "Состояние услуги", "#status+service", "Referred, in progress, completed or declined"),
	F("notes", DM_F_TEXT, PERS, NULL, NULL, NULL, "Notes", "Qeydlər", "Примечания", NULL,
	  "Case notes (personal data)"),
};

static const struct dm_field eore_session_fields[] = {
	F("session_date", DM_F_DATE, REQ | PAST, NULL, NULL, NULL, "Date of session", "Sessiyanın tarixi", "Дата занятия",
	  "#date", "Day the session was held"),
	F("method", DM_F_ENUM, REQ, v_eore_method, NULL, NULL, "Method", "Üsul", "Метод", "#activity+method",
	  "How risk education was delivered (IMAS 12.10)"),
	F("audience", DM_F_ENUM, 0, v_audience, NULL, NULL, "Audience", "Auditoriya", "Аудитория",
	  "#reached+type", "Who the session was for"),
	F("girls", DM_F_INT, NN, NULL, "people", NULL, "Girls", "Qızlar", "Девочки", "#reached+f+children",
	  "Girls reached (under 18)"),
	F("boys", DM_F_INT, NN, NULL, "people", NULL, "Boys", "Oğlanlar", "Мальчики", "#reached+m+children",
	  "Boys reached (under 18)"),
	F("women", DM_F_INT, NN, NULL, "people", NULL, "Women", "Qadınlar", "Женщины", "#reached+f+adults",
	  "Women reached (18 and over)"),
	F("men", DM_F_INT, NN, NULL, "people", NULL, "Men", "Kişilər", "Мужчины", "#reached+m+adults",
	  "Men reached (18 and over)"),
	F("with_disability", DM_F_INT, NN, NULL, "people", NULL, "Persons with disabilities", "Əlilliyi olan şəxslər",
	  "Лица с инвалидностью", "#reached+disabled", "Of the people reached, those with a disability"),
	F("materials", DM_F_TEXT, 0, NULL, NULL, NULL, "Materials", "Materiallar", "Материалы", "#item+materials",
	  "Leaflets, posters and other materials used or handed out"),
	F("grant", DM_F_LINK, 0, NULL, NULL, "grant", "Funding grant", "Maliyyələşdirən qrant", "Финансирующий грант",
	  "#financial+grant+id", "Grant that pays for the session"),
	F("settlement", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Settlement", "Yaşayış məntəqəsi", "Населённый пункт",
	  "#loc+name", "Village or town where the session was held"),
};

static const struct dm_field qm_inspection_fields[] = {
	F("task", DM_F_LINK, 0, NULL, NULL, "task", "Task", "Tapşırıq", "Задание", "#activity+task+id",
	  "Inspected task"),
	F("release", DM_F_LINK, 0, NULL, NULL, "land_release", "Land release", "Ərazinin azad edilməsi",
	  "Высвобождение земель", "#activity+release+id", "Inspected release activity"),
	F("inspected_org", DM_F_LINK, 0, NULL, NULL, "organisation", "Inspected organisation", "Yoxlanılan təşkilat",
	  "Проверяемая организация", "#org+inspected+id", "Organisation whose work was inspected"),
	F("inspecting_body", DM_F_LINK, 0, NULL, NULL, "organisation", "Inspecting body", "Yoxlayan qurum",
	  "Инспектирующий орган", "#org+inspecting+id", "Organisation that carried out the inspection"),
	F("inspection_date", DM_F_DATE, REQ | PAST, NULL, NULL, NULL, "Date of inspection", "Yoxlama tarixi",
	  "Дата инспекции", "#date", "Day of the inspection"),
	F("kind", DM_F_ENUM, REQ, v_qm_kind, NULL, NULL, "Kind of inspection", "Yoxlamanın növü", "Вид инспекции",
	  "#activity+qm+type", "Accreditation, QA visit, QC sampling or post-clearance inspection"),
	F("result", DM_F_ENUM, 0, v_qm_result, NULL, NULL, "Result", "Nəticə", "Результат", "#status+result",
	  "Outcome of the inspection"),
	FV("nonconformities", DM_F_JSON, 0, NULL, NULL, NULL, "Non-conformities", "Uyğunsuzluqlar", "Несоответствия",
	   NULL, "List of findings: {severity: critical|major|minor, text, corrective_action, closed_date}",
	   check_nonconformities),
};

static const struct dm_field agreement_fields[] = {
	F("parties", DM_F_LINKS, REQ, NULL, NULL, "organisation", "Parties", "Tərəflər", "Стороны", "#org+id",
	  "Organisations that are party to the agreement"),
	F("title", DM_F_TEXT, REQ | SRCH, NULL, NULL, NULL, "Title", "Adı", "Название", "#description+title",
	  "Title of the agreement"),
	F("scope", DM_F_SET, 0, v_scope, NULL, NULL, "Scope", "Əhatə dairəsi", "Сфера действия", "#sector+scope",
	  "Fields of cooperation the agreement covers"),
	F("agreement_status", DM_F_ENUM, REQ, v_agreement_status, NULL, NULL, "Agreement status",
	  "Sazişin vəziyyəti", "Состояние соглашения", "#status+agreement", "Envisaged, signed, in force or expired"),
	F("signed_date", DM_F_DATE, 0, NULL, NULL, NULL, "Date signed", "İmzalanma tarixi", "Дата подписания",
	  "#date+signed", "Day the agreement was signed"),
	F("valid_from", DM_F_DATE, 0, NULL, NULL, NULL, "Valid from", "Qüvvəyə minmə tarixi", "Действует с",
	  "#date+start", "First day the agreement applies"),
	F("valid_until", DM_F_DATE, 0, NULL, NULL, NULL, "Valid until", "Qüvvədə olduğu son tarix", "Действует до",
	  "#date+end", "Last day the agreement applies (not before valid_from)"),
};

static const struct dm_field grant_fields[] = {
	F("donor", DM_F_LINK, REQ, NULL, NULL, "organisation", "Donor", "Donor", "Донор", "#org+funder+id",
	  "Organisation that gives the money"),
	F("recipient", DM_F_LINK, REQ, NULL, NULL, "organisation", "Recipient", "Qrant alan", "Получатель",
	  "#org+recipient+id", "Organisation that receives the money"),
	F("agreement", DM_F_LINK, 0, NULL, NULL, "agreement", "Agreement", "Saziş", "Соглашение",
	  "#meta+agreement+id", "Agreement the grant falls under"),
	F("title", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Title", "Adı", "Название", "#activity+name",
	  "What the grant is for, in a few words"),
	FMONEY("amount", REQ, "currency", "Amount", "Məbləğ", "Сумма", "#value+amount",
	       "Amount in the grant's currency, a decimal string such as \"400000.00\""),
	F("currency", DM_F_CURRENCY, REQ, NULL, NULL, NULL, "Currency", "Valyuta", "Валюта", "#currency",
	  "ISO 4217 code of the amount's currency, e.g. EUR"),
	F("announced_date", DM_F_DATE, 0, NULL, NULL, NULL, "Date announced", "Elan edilmə tarixi", "Дата объявления",
	  "#date+announced", "Day the grant was announced or pledged"),
	F("grant_status", DM_F_ENUM, REQ, v_grant_status, NULL, NULL, "Grant status", "Qrantın vəziyyəti",
	  "Состояние гранта", "#status+grant", "Pledged, committed or disbursed"),
	FV("purpose_code", DM_F_TEXT, 0, NULL, NULL, NULL, "Purpose code (OECD DAC)", "Təyinat kodu (OECD DAC)",
	   "Код назначения (ОЭСР DAC)", "#sector+code",
	   "OECD DAC purpose code; 15250 is \"Removal of land mines and ERW\"", check_purpose_code),
	F("earmark_region", DM_F_LINK, 0, NULL, NULL, "location", "Earmarked region", "Nəzərdə tutulan region",
	  "Целевой регион", "#region+earmark+id", "Administrative area the money is earmarked for"),
	F("earmark_activity", DM_F_SET, 0, v_earmark_activity, NULL, NULL, "Earmarked activities",
	  "Nəzərdə tutulan fəaliyyətlər", "Целевые виды деятельности", "#activity+earmark",
	  "Activities the money is earmarked for"),
};

static const struct dm_field disbursement_fields[] = {
	F("grant", DM_F_LINK, REQ, NULL, NULL, "grant", "Grant", "Qrant", "Грант", "#financial+grant+id",
	  "Grant the transaction belongs to"),
	F("disbursement_date", DM_F_DATE, REQ, NULL, NULL, NULL, "Date", "Tarix", "Дата", "#date",
	  "Day of the transaction"),
	FMONEY("amount", REQ, "currency", "Amount", "Məbləğ", "Сумма", "#value+amount",
	       "Amount in the transaction's currency, a decimal string such as \"100000.00\""),
	F("currency", DM_F_CURRENCY, REQ, NULL, NULL, NULL, "Currency", "Valyuta", "Валюта", "#currency",
	  "ISO 4217 code of the amount's currency"),
	F("kind", DM_F_ENUM, REQ, v_transaction, NULL, NULL, "Transaction kind", "Əməliyyatın növü", "Вид операции",
	  "#financial+type", "Commitment, disbursement or expenditure (IATI transaction types)"),
};

static const struct dm_field exchange_rate_fields[] = {
	F("date", DM_F_DATE, REQ, NULL, NULL, NULL, "Date", "Tarix", "Дата", "#date",
	  "Day the rate applies to (the date inside the source's bulletin)"),
	F("from_currency", DM_F_CURRENCY, REQ, NULL, NULL, NULL, "From currency", "İlkin valyuta", "Исходная валюта",
	  "#currency+from", "ISO 4217 code of the currency converted from"),
	F("to_currency", DM_F_CURRENCY, REQ, NULL, NULL, NULL, "To currency", "Hədəf valyuta", "Целевая валюта",
	  "#currency+to", "ISO 4217 code of the currency converted to"),
	F("rate", DM_F_DECIMAL, REQ, NULL, NULL, NULL, "Rate", "Məzənnə", "Курс", "#value+rate",
	  "Units of to_currency for 1 unit of from_currency, a decimal string such as \"2.00818\""),
	F("source", DM_F_ENUM, REQ, v_rate_source, NULL, NULL, "Source", "Mənbə", "Источник", "#meta+source",
	  "Entered by hand, Central Bank of Azerbaijan (CBAR) or European Central Bank (ECB)"),
};

static const struct dm_field settlement_fields[] = {
	F("name_az", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Name in Azerbaijani", "Azərbaycanca adı",
	  "Название на азербайджанском", "#loc+name+i_az", "Official name in Azerbaijani, e.g. Xıdırlı"),
	F("name_en", DM_F_TEXT, REQ | SRCH, NULL, NULL, NULL, "Name in English", "İngiliscə adı",
	  "Название на английском", "#loc+name+i_en", "Name in English, e.g. Khidirli"),
	F("name_ru", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Name in Russian", "Rusca adı", "Название на русском",
	  "#loc+name+i_ru", "Name in Russian, e.g. Хыдырлы"),
	F("alt_names", DM_F_TEXT, SRCH, NULL, NULL, NULL, "Other spellings", "Digər yazılış formaları",
	  "Другие варианты написания", "#loc+name+alt",
	  "Other spellings found in sources, separated by ';' (e.g. Khydyrly;Hidirli)"),
	F("pcode", DM_F_TEXT, IDX, NULL, NULL, NULL, "P-code", "P-kod", "P-код", "#loc+code",
	  "Place code shared with other humanitarian data sets"),
	F("population_before", DM_F_INT, NN, NULL, "people", NULL, "Population before displacement",
	  "Köçkünlükdən əvvəlki əhali", "Население до перемещения", "#population+total+before",
	  "Inhabitants before the displacement"),
	F("planned_returnees", DM_F_INT, NN, NULL, "people", NULL, "Planned returnees", "Planlaşdırılan qayıdanlar",
	  "Планируемые возвращающиеся", "#targeted+returnees", "People the return plan resettles here"),
	F("return_priority", DM_F_INT, NN, NULL, NULL, NULL, "Priority in the return plan",
	  "Qayıdış planında prioritet", "Приоритет в плане возвращения", "#priority+return",
	  "Rank in the return plan: 1 comes first"),
	F("readiness_status", DM_F_ENUM, COMP | IDX, v_readiness, NULL, NULL, "Readiness for return",
	  "Qayıdışa hazırlıq", "Готовность к возвращению", "#status+readiness",
	  "Blocked, in progress or cleared for return, by the readiness rules (demine readiness settings)"),
	FV("readiness_reasons", DM_F_JSON, COMP, NULL, NULL, NULL, "Reasons", "Səbəblər", "Причины", NULL,
	   "Why the settlement has its readiness status, e.g. 2 open CHA within 500 m: HAZ-FZL-00012 (3.4 ha)",
	   check_reasons),
	F("open_hazards", DM_F_INT, COMP | NN, NULL, "hazards", NULL, "Hazards near", "Yaxınlıqdakı təhlükəli ərazilər",
	  "Опасные районы поблизости", "#indicator+hazards+num", "Hazards not closed within the readiness buffer"),
	F("hazard_inside_m2", DM_F_AREA, COMP | NN, NULL, "m2", NULL, "Hazardous area inside",
	  "Daxilində təhlükəli sahə", "Опасная площадь внутри", "#indicator+area+inside+num",
	  "Remaining hazardous area inside the built-up polygon"),
	F("hazard_within_m2", DM_F_AREA, COMP | NN, NULL, "m2", NULL, "Hazardous area within the buffer",
	  "Bufer daxilində təhlükəli sahə", "Опасная площадь в буферной зоне", "#indicator+area+remaining+num",
	  "Remaining hazardous area within the readiness buffer (default 500 m) of the settlement"),
	F("routes_blocked", DM_F_INT, COMP | NN, NULL, "routes", NULL, "Routes crossing hazards",
	  "Təhlükəli ərazilərdən keçən yollar", "Маршруты через опасные районы", "#indicator+routes+num",
	  "Access routes and infrastructure of the settlement that cross a hazard not closed"),
	F("released_within_m2", DM_F_AREA, COMP | NN, NULL, "m2", NULL, "Area released around it",
	  "Ətrafında azad edilmiş sahə", "Высвобождено вокруг", "#output+area+num",
	  "Area of approved land releases within the readiness buffer"),
	F("accidents_within", DM_F_INT, COMP | NN | INTL, NULL, "accidents", NULL, "Accidents near",
	  "Yaxınlıqdakı bədbəxt hadisələr", "Несчастные случаи поблизости", "#event+num",
	  "Accidents recorded within the readiness buffer"),
};

static const struct dm_field access_route_fields[] = {
	F("name", DM_F_TEXT, REQ | SRCH, NULL, NULL, NULL, "Name", "Adı", "Название", "#loc+name",
	  "Name or number of the road, line or site, e.g. R-12"),
	F("kind", DM_F_ENUM, REQ, v_route_kind, NULL, NULL, "Kind", "Növü", "Вид", "#loc+type",
	  "Road, track, power, water or gas line, farmland, school, health facility"),
	F("settlements", DM_F_LINKS, REQ, NULL, NULL, "settlement", "Settlements served",
	  "Xidmət etdiyi yaşayış məntəqələri", "Обслуживаемые населённые пункты", "#loc+settlement+id",
	  "Settlements whose return needs it"),
	F("hazards_crossed", DM_F_INT, COMP | NN, NULL, "hazards", NULL, "Hazards crossed", "Keçdiyi təhlükəli ərazilər",
	  "Пересекаемые опасные районы", "#indicator+hazards+num", "Hazards not closed that it crosses or touches"),
};

#define FIELDS(a) (struct dm_field *)(a), sizeof(a) / sizeof((a)[0]), sizeof(a) / sizeof((a)[0])

static const struct dm_type builtin_types[] = {
	{ "organisation", "ORG", DM_GEOM_NONE, "Organisation", "Təşkilat", "Организация",
	  "National authority, operator, donor or other body", FIELDS(organisation_fields), NULL, NULL },
	{ "location", "LOC", DM_GEOM_ANY, "Location", "Məkan", "Местоположение",
	  "Administrative area (polygon) or settlement (point)", FIELDS(location_fields), NULL, NULL },
	{ "hazard", "HAZ", DM_GEOM_AREA, "Hazardous area", "Təhlükəli ərazi", "Опасный район",
	  "Suspected or confirmed hazardous area: a polygon, or a point with an estimated area until surveyed",
	  FIELDS(hazard_fields), NULL, "estimated_area_m2" },
	{ "task", "TSK", DM_GEOM_NONE, "Task", "Tapşırıq", "Задание",
	  "Work order: hazardous areas assigned to an operator and team", FIELDS(task_fields), validate_task, NULL },
	{ "land_release", "LR", DM_GEOM_AREA, "Land release", "Ərazinin azad edilməsi", "Высвобождение земель",
	  "Land cancelled by non-technical survey, reduced by technical survey or cleared (IMAS 07.11)",
	  FIELDS(land_release_fields), validate_land_release, NULL },
	{ "eo_find", "EO", DM_GEOM_POINT, "Explosive ordnance found", "Aşkarlanmış partlayıcı sursat",
	  "Обнаруженный взрывоопасный предмет", "Items of explosive ordnance found, with their disposal",
	  FIELDS(eo_find_fields), NULL, NULL },
	{ "accident", "ACC", DM_GEOM_POINT, "Accident", "Bədbəxt hadisə", "Несчастный случай",
	  "Event with explosive ordnance causing casualties (IMAS 10.60)", FIELDS(accident_fields), NULL, NULL },
	{ "victim", "VIC", DM_GEOM_NONE, "Victim", "Zərərçəkmiş", "Пострадавший",
	  "Person killed or injured in an accident (personal data)", FIELDS(victim_fields), NULL, NULL },
	{ "va_service", "VAS", DM_GEOM_NONE, "Victim assistance service", "Zərərçəkmişlərə yardım xidməti",
	  "Услуга помощи пострадавшим", "A service a survivor received (IMAS 13.10)", FIELDS(va_service_fields),
	  NULL, NULL },
	{ "eore_session", "ERE", DM_GEOM_POINT, "Risk education session", "Risklər barədə maarifləndirmə sessiyası",
	  "Занятие по информированию о рисках", "Explosive ordnance risk education session (IMAS 12.10)",
	  FIELDS(eore_session_fields), NULL, NULL },
	{ "qm_inspection", "QMI", DM_GEOM_NONE, "Quality management inspection", "Keyfiyyət idarəetməsi yoxlaması",
	  "Инспекция по управлению качеством", "Accreditation, quality assurance or quality control inspection",
	  FIELDS(qm_inspection_fields), NULL, NULL },
	{ "agreement", "AGR", DM_GEOM_NONE, "Agreement", "Saziş", "Соглашение",
	  "Agreement between organisations on mine action cooperation", FIELDS(agreement_fields),
	  validate_agreement, NULL },
	{ "grant", "GRT", DM_GEOM_NONE, "Grant", "Qrant", "Грант", "Money a donor gives a recipient",
	  FIELDS(grant_fields), NULL, NULL },
	{ "disbursement", "DSB", DM_GEOM_NONE, "Disbursement", "Vəsaitin ödənilməsi", "Выплата средств",
	  "A financial transaction of a grant", FIELDS(disbursement_fields), NULL, NULL },
	{ "exchange_rate", "FX", DM_GEOM_NONE, "Exchange rate", "Valyuta məzənnəsi", "Обменный курс",
	  "Rate of one currency in another on a date, with its source", FIELDS(exchange_rate_fields),
	  validate_exchange_rate, NULL },
	{ "settlement", "SET", DM_GEOM_AREA, "Settlement", "Yaşayış məntəqəsi", "Населённый пункт",
	  "Village or town of the return programme: a point, or its built-up polygon when mapped",
	  FIELDS(settlement_fields), NULL, "" },
	{ "access_route", "RTE", DM_GEOM_ANY, "Access route or infrastructure", "Giriş yolu və ya infrastruktur",
	  "Подъездной путь или инфраструктура",
	  "Road, power or water line (lines), farmland or a school (polygons) a settlement needs for return",
	  FIELDS(access_route_fields), NULL, NULL },
};

const struct dm_type *dm_schema_builtin(size_t *n)
{
	if (n)
		*n = sizeof(builtin_types) / sizeof(builtin_types[0]);
	return builtin_types;
}

const char *const dm_status_values[] = { "draft", "submitted", "approved", "rejected", NULL };

static const struct dm_common_field common_fields[] = {
	{ "id", "string", "UUID of the record, the same in every version", 1, "#meta+id" },
	{ "type", "string", "Record type, e.g. hazard", 1, NULL },
	{ "code", "string", "Human code, e.g. HAZ-AGD-00123 (prefix, admin area abbreviation, number)", 1,
	  "#meta+code" },
	{ "external_id", "string", "Code the record had in the system it was migrated from (e.g. IMSMA)", 0,
	  "#meta+external+id" },
	{ "version", "integer", "Counts every change; an update names the version it was based on", 1,
	  "#meta+version" },
	{ "status", "string", "Workflow status: draft, submitted, approved or rejected", 1, "#status+workflow" },
	{ "approved_version", "integer", "The version that is approved and authoritative (0: none yet)", 1, NULL },
	{ "deleted", "boolean", "Set on a deletion version; nothing is destroyed", 1, NULL },
	{ "organisation", "string", "Owning organisation (id)", 0, "#org+id" },
	{ "location", "string", "Administrative area (id); assigned from the geometry when not given", 0,
	  "#loc+id" },
	{ "date_of_information", "string", "Day the information was true in the field (YYYY-MM-DD)", 0,
	  "#date+reported" },
	{ "created_by", "string", "Author of the first version", 1, NULL },
	{ "created_at", "string", "Time of the first version (ISO 8601 UTC)", 1, NULL },
	{ "updated_by", "string", "Author of this version", 1, NULL },
	{ "updated_at", "string", "Time of this version (ISO 8601 UTC)", 1, NULL },
	{ "change_reason", "string", "Why this version was written", 0, NULL },
	{ "status_reason", "string", "Reason given for the status, e.g. of a rejection", 1, NULL },
	{ "source_crs", "string", "Coordinate reference system the geometry was given in, e.g. EPSG:28408", 1,
	  NULL },
	{ "geometry", "object", "RFC 7946 geometry in WGS84, or null", 0, "#geo+wkt" },
};

const struct dm_common_field *dm_schema_common(size_t *n)
{
	if (n)
		*n = sizeof(common_fields) / sizeof(common_fields[0]);
	return common_fields;
}
