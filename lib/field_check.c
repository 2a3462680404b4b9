/* field_check.c: value checks: one value against its field's type and rules, and a record's
 * fields against its type (required fields, type rules). Below the type tables, which call
 * these checks for the parts of composite values. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "demine/money.h"
#include "demine/schema.h"
#include "demine/util.h"

#define TEXT_MAX 10000  /* bytes of a text value */
#define REF_MAX 200     /* bytes of a link (UUID, code or external id) */
#define LIST_MAX 10000  /* items of a set or a list of links */

static const char *const ftype_names[] = {
	[DM_F_TEXT] = "text", [DM_F_INT] = "int", [DM_F_REAL] = "real", [DM_F_BOOL] = "bool",
	[DM_F_DATE] = "date", [DM_F_DATETIME] = "datetime", [DM_F_ENUM] = "enum", [DM_F_SET] = "set",
	[DM_F_LINK] = "link", [DM_F_LINKS] = "links", [DM_F_MONEY] = "money", [DM_F_CURRENCY] = "currency",
	[DM_F_DECIMAL] = "decimal", [DM_F_COUNTRY] = "country", [DM_F_AREA] = "area", [DM_F_JSON] = "json",
};

const char *dm_ftype_name(enum dm_ftype t)
{
	if ((int)t < DM_F_TEXT || (int)t > DM_F_JSON)
		return "unknown";
	return ftype_names[t];
}

/* ---- value checks ---- */

const char *dm_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&now, &tm) || !strftime(out, 11, "%Y-%m-%d", &tm))
		snprintf(out, 11, "9999-12-31"); /* no clock: refuse nothing */
	return out;
}

/* A short printable rendering of a string for messages: at most ~40 bytes, cut on a UTF-8
 * boundary, control characters as '?'. */
static const char *shorten(const char *s, char out[64])
{
	size_t i = 0, o = 0;
	for (; s[i] && o < 40; i++) {
		unsigned char c = (unsigned char)s[i];
		out[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	/* do not cut a multi-byte character */
	while (o > 0 && s[i] && ((unsigned char)s[i] & 0xC0) == 0x80)
		o--, i--;
	if (s[i])
		out[o++] = '.', out[o++] = '.', out[o++] = '.';
	out[o] = 0;
	return out;
}

/* "the string 'x'", "the number 3.5", "true", "an array", ... */
static const char *describe(json_t *v, char out[96])
{
	char q[64];
	switch (json_typeof(v)) {
	case JSON_STRING: snprintf(out, 96, "the string '%s'", shorten(json_string_value(v), q)); break;
	case JSON_INTEGER: snprintf(out, 96, "the number %lld", (long long)json_integer_value(v)); break;
	case JSON_REAL: snprintf(out, 96, "the number %.17g", json_real_value(v)); break;
	case JSON_TRUE: snprintf(out, 96, "true"); break;
	case JSON_FALSE: snprintf(out, 96, "false"); break;
	case JSON_ARRAY: snprintf(out, 96, "a list"); break;
	case JSON_OBJECT: snprintf(out, 96, "an object"); break;
	default: snprintf(out, 96, "null"); break;
	}
	return out;
}

/* Checks UTF-8 and forbidden characters; returns 0 or writes the reason. */
static int check_chars(const char *s, size_t len, int allow_newlines, char *msg, size_t n)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp;
		size_t k, need;
		if (c < 0x80) {
			if ((c < 0x20 && !(allow_newlines && (c == '\n' || c == '\t'))) || c == 0x7f) {
				snprintf(msg, n, "contains the control character U+%04X at byte %zu", c, i + 1);
				return DM_EINVAL;
			}
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3, cp = c & 0x07;
		else
			goto bad;
		if (i + need >= len)
			goto bad;
		for (k = 1; k <= need; k++) {
			unsigned char d = (unsigned char)s[i + k];
			if ((d & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (d & 0x3F);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (need == 3 && (cp < 0x10000 ||
		    cp > 0x10FFFF)))
			goto bad;
		if (cp >= 0x80 && cp <= 0x9F) {
			snprintf(msg, n, "contains the control character U+%04X at byte %zu", cp, i + 1);
			return DM_EINVAL;
		}
		i += need + 1;
	}
	return 0;
bad:
	snprintf(msg, n, "is not valid UTF-8 (byte %zu)", i + 1);
	return DM_EINVAL;
}

void dm_field_values_join(const char *const *v, char *out, size_t n)
{
	size_t len = 0;
	out[0] = 0;
	for (; v && *v; v++) {
		int w = snprintf(out + len, n - len, "%s%s", len ? ", " : "", *v);
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
}

static int in_values(const struct dm_field *f, const char *s)
{
	const char *const *v;
	for (v = f->values; v && *v; v++)
		if (!strcmp(*v, s))
			return 1;
	return 0;
}

static int digits(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* YYYY-MM-DDTHH:MM:SS[.fraction]Z */
static int is_datetime(const char *s)
{
	char date[11];
	size_t n = strlen(s), i = 19;
	if (n < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || !digits(s + 11, 2) || !digits(s + 14, 2) ||
	    !digits(s + 17, 2))
		return 0;
	memcpy(date, s, 10);
	date[10] = 0;
	if (!dm_is_date(date))
		return 0;
	if ((s[11] - '0') * 10 + (s[12] - '0') > 23 || (s[14] - '0') * 10 + (s[15] - '0') > 59 ||
	    (s[17] - '0') * 10 + (s[18] - '0') > 59)
		return 0;
	if (s[i] == '.') {
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == 20)
			return 0;
	}
	return s[i] == 'Z' && s[i + 1] == 0;
}

/* [sign] digits [. digits]; counts the digits before and after the point. */
static int is_decimal(const char *s, int sign_ok, size_t *int_digits, size_t *frac_digits)
{
	size_t a = 0, b = 0;
	if (sign_ok && (*s == '-' || *s == '+'))
		s++;
	while (s[a] >= '0' && s[a] <= '9')
		a++;
	if (s[a] == '.') {
		while (s[a + 1 + b] >= '0' && s[a + 1 + b] <= '9')
			b++;
		if (!b || s[a + 1 + b])
			return 0;
	} else if (s[a]) {
		return 0;
	}
	*int_digits = a;
	*frac_digits = b;
	return a > 0;
}

static int check_upper(const char *s, size_t n)
{
	size_t i;
	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}

/* A reference to a record: a UUID, a code or an external id. */
static int check_ref(const char *s, size_t len, char *msg, size_t n)
{
	char q[64];
	if (!len) {
		snprintf(msg, n, "an empty string does not name a record");
		return DM_EINVAL;
	}
	if (len > REF_MAX) {
		snprintf(msg, n, "'%s' is too long to name a record (%zu bytes, at most %d)", shorten(s, q), len,
			 REF_MAX);
		return DM_EINVAL;
	}
	return check_chars(s, len, 0, msg, n);
}

/* The value in a problem's parameters: text shortened as in the message, numbers as they are. */
static json_t *param_value(json_t *v)
{
	char q[64];
	if (json_is_string(v))
		return json_string(shorten(json_string_value(v), q));
	return json_is_number(v) || json_is_boolean(v) ? json_deep_copy(v) : json_null();
}

static json_t *values_array(const char *const *values)
{
	json_t *a = json_array();
	for (; values && *values; values++)
		json_array_append_new(a, json_string(*values));
	return a;
}

/* A problem found by check_value: its code and parameters (owned by the caller). */
struct problem {
	const char *code;
	json_t *params;
};

static int problem(struct problem *p, const char *code, json_t *params)
{
	p->code = code;
	p->params = params;
	return DM_EINVAL;
}

static int check_value(const struct dm_field *f, json_t *v, char *msg, size_t n, struct problem *p)
{
	char d[96], q[64], list[600];
	const char *s = json_string_value(v);
	size_t len = json_string_length(v), i, j, a, b;
	json_t *item;

	if (!v || json_is_null(v))
		return 0;
	switch (f->type) {
	case DM_F_TEXT: case DM_F_DATE: case DM_F_DATETIME: case DM_F_ENUM: case DM_F_LINK: case DM_F_DECIMAL:
	case DM_F_MONEY: case DM_F_CURRENCY: case DM_F_COUNTRY:
		if (!s) {
			if (f->type == DM_F_MONEY || f->type == DM_F_DECIMAL)
				snprintf(msg, n, "%s is not a decimal string: %s travel as strings, e.g. \"%s\"",
					 describe(v, d), f->type == DM_F_MONEY ? "amounts" : "rates",
					 f->type == DM_F_MONEY ? "400000.00" : "2.00818");
			else
				snprintf(msg, n, "%s is not text", describe(v, d));
			return problem(p, "wrong_type", json_pack("{s:s,s:o}", "expected", dm_ftype_name(f->type),
								  "value", param_value(v)));
		}
		if (strlen(s) != len) {
			snprintf(msg, n, "contains the character U+0000");
			return problem(p, "bad_character", json_pack("{s:s}", "character", "U+0000"));
		}
		break;
	default:
		break;
	}

	switch (f->type) {
	case DM_F_TEXT:
		if (len > TEXT_MAX) {
			snprintf(msg, n, "'%s' is too long (%zu bytes, at most %d)", shorten(s, q), len, TEXT_MAX);
			return problem(p, "too_long", json_pack("{s:I,s:i}", "length", (json_int_t)len, "max", TEXT_MAX));
		}
		if (check_chars(s, len, 1, list, sizeof(list))) {
			snprintf(msg, n, "'%s' %s", shorten(s, q), list);
			return problem(p, "bad_character", json_pack("{s:o}", "value", param_value(v)));
		}
		return 0;
	case DM_F_INT:
		if (!json_is_integer(v)) {
			snprintf(msg, n, "%s is not a whole number", describe(v, d));
			return problem(p, "wrong_type", json_pack("{s:s,s:o}", "expected", "int", "value", param_value(v)));
		}
		if ((f->flags & DM_FF_NONNEG) && json_integer_value(v) < 0) {
			snprintf(msg, n, "%lld is negative: must be 0 or more", (long long)json_integer_value(v));
			return problem(p, "negative", json_pack("{s:O}", "value", v));
		}
		return 0;
	case DM_F_REAL: case DM_F_AREA:
		if (!json_is_number(v)) {
			snprintf(msg, n, "%s is not a number", describe(v, d));
			return problem(p, "wrong_type", json_pack("{s:s,s:o}", "expected", "number", "value", param_value(v)));
		}
		if ((f->flags & DM_FF_NONNEG || f->type == DM_F_AREA) && json_number_value(v) < 0) {
			snprintf(msg, n, "%.17g is negative: %s must be 0 or more", json_number_value(v),
				 f->type == DM_F_AREA ? "an area" : "the value");
			return problem(p, "negative", json_pack("{s:O}", "value", v));
		}
		return 0;
	case DM_F_BOOL:
		if (!json_is_boolean(v)) {
			snprintf(msg, n, "%s is not true or false", describe(v, d));
			return problem(p, "wrong_type", json_pack("{s:s,s:o}", "expected", "bool", "value", param_value(v)));
		}
		return 0;
	case DM_F_DATE:
		if (len != 10 || !dm_is_date(s)) {
			snprintf(msg, n, "'%s' is not a date (YYYY-MM-DD, a real calendar day)", shorten(s, q));
			return problem(p, "not_a_date", json_pack("{s:o}", "value", param_value(v)));
		}
		if ((f->flags & DM_FF_PAST) && strcmp(s, dm_today(q)) > 0) {
			snprintf(msg, n, "'%s' is in the future: today is %s", s, q);
			return problem(p, "future_date", json_pack("{s:s,s:s}", "value", s, "today", q));
		}
		return 0;
	case DM_F_DATETIME:
		if (!is_datetime(s)) {
			snprintf(msg, n, "'%s' is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)", shorten(s, q));
			return problem(p, "not_a_datetime", json_pack("{s:o}", "value", param_value(v)));
		}
		return 0;
	case DM_F_ENUM:
		if (!in_values(f, s)) {
			dm_field_values_join(f->values, list, sizeof(list));
			snprintf(msg, n, "'%s' is not one of %s", shorten(s, q), list);
			return problem(p, "not_allowed", json_pack("{s:o,s:o}", "value", param_value(v), "allowed",
								   values_array(f->values)));
		}
		return 0;
	case DM_F_LINK:
		if (check_ref(s, len, list, sizeof(list))) {
			snprintf(msg, n, "%s", list);
			return problem(p, "bad_reference", json_pack("{s:o}", "value", param_value(v)));
		}
		return 0;
	case DM_F_SET: case DM_F_LINKS:
		if (!json_is_array(v)) {
			snprintf(msg, n, "%s is not a list (a JSON array of strings)", describe(v, d));
			return problem(p, "wrong_type", json_pack("{s:s,s:o}", "expected", "list", "value", param_value(v)));
		}
		if (json_array_size(v) > LIST_MAX) {
			snprintf(msg, n, "the list is too long (%zu items, at most %d)", json_array_size(v), LIST_MAX);
			return problem(p, "too_many", json_pack("{s:I,s:i}", "count", (json_int_t)json_array_size(v),
								"max", LIST_MAX));
		}
		json_array_foreach(v, i, item) {
			const char *is = json_string_value(item);
			if (!is || strlen(is) != json_string_length(item)) {
				snprintf(msg, n, "item %zu: %s is not text", i + 1, describe(item, d));
				return problem(p, "wrong_type", json_pack("{s:s,s:I}", "expected", "text", "item",
									  (json_int_t)i + 1));
			}
			if (f->type == DM_F_SET && !in_values(f, is)) {
				dm_field_values_join(f->values, list, sizeof(list));
				snprintf(msg, n, "'%s' is not one of %s", shorten(is, q), list);
				return problem(p, "not_allowed", json_pack("{s:o,s:o}", "value", param_value(item),
									   "allowed", values_array(f->values)));
			}
			if (f->type == DM_F_LINKS && check_ref(is, json_string_length(item), list, sizeof(list))) {
				snprintf(msg, n, "item %zu: %s", i + 1, list);
				return problem(p, "bad_reference", json_pack("{s:o,s:I}", "value", param_value(item), "item",
									     (json_int_t)i + 1));
			}
			for (j = 0; j < i; j++)
				if (!strcmp(json_string_value(json_array_get(v, j)), is)) {
					snprintf(msg, n, "'%s' is listed twice", shorten(is, q));
					return problem(p, "duplicate", json_pack("{s:o}", "value", param_value(item)));
				}
		}
		return 0;
	case DM_F_MONEY:
		if (!is_decimal(s, 1, &a, &b) || a > 14 || b > 4) {
			snprintf(msg, n, "'%s' is not an amount: a decimal string such as \"400000.00\" (at most 14 "
				 "digits before the point and 4 after)", shorten(s, q));
			return problem(p, "not_an_amount", json_pack("{s:o}", "value", param_value(v)));
		}
		return 0;
	case DM_F_DECIMAL:
		if (!is_decimal(s, 0, &a, &b) || a + b > 30 || strspn(s, "0.") == len) {
			snprintf(msg, n, "'%s' is not a rate: a decimal string greater than 0, such as \"2.00818\"",
				 shorten(s, q));
			return problem(p, "not_a_rate", json_pack("{s:o}", "value", param_value(v)));
		}
		return 0;
	case DM_F_CURRENCY:
		if (!check_upper(s, 3) || !dm_currency_valid(s)) {
			snprintf(msg, n, "unknown currency '%s': not an ISO 4217 code (e.g. EUR, AZN, USD)",
				 shorten(s, q));
			return problem(p, "unknown_currency", json_pack("{s:o}", "value", param_value(v)));
		}
		return 0;
	case DM_F_COUNTRY:
		if (!check_upper(s, 2)) {
			snprintf(msg, n, "'%s' is not an ISO 3166-1 alpha-2 country code (two uppercase letters, "
				 "e.g. AZ)", shorten(s, q));
			return problem(p, "not_a_country", json_pack("{s:o}", "value", param_value(v)));
		}
		return 0;
	case DM_F_JSON:
		return 0; /* the field's validate_json knows its shape */
	}
	snprintf(msg, n, "the field has an unknown type %d", (int)f->type);
	return problem(p, "invalid", NULL);
}

int dm_field_check(const struct dm_field *f, json_t *v, char *msg, size_t n)
{
	struct problem p = { 0 };
	int rc = check_value(f, v, msg, n, &p);
	json_decref(p.params);
	return rc;
}

int dm_field_validate(const struct dm_field *f, json_t *v, struct dm_error *err)
{
	char msg[512];
	struct problem p = { 0 };
	if (!v || json_is_null(v))
		return 0;
	if (check_value(f, v, msg, sizeof(msg), &p)) {
		dm_error_addc(err, f->name, p.code, p.params, "%s", msg);
		return dm_error_set(err, DM_EINVAL, f->name, "%s: %s", f->name, msg);
	}
	if (f->validate_json)
		return f->validate_json(f, v, err) ? DM_EINVAL : 0;
	return 0;
}

static int is_empty(json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)) ||
	       (json_is_array(v) && !json_array_size(v));
}

/* 1 when err already holds a problem of this field (found while the input was applied). */
static int reported(const struct dm_error *err, const char *field)
{
	size_t i;
	for (i = 0; err && i < err->ndetails; i++)
		if (!strcmp(err->details[i].field, field))
			return 1;
	return 0;
}

int dm_type_validate(const struct dm_type *t, json_t *fields, struct dm_error *err)
{
	size_t i;
	int rc = 0;
	json_t *passed;
	if (!json_is_object(fields)) {
		dm_error_add(err, NULL, "the fields of a %s must be a JSON object", t->name);
		return dm_error_set(err, DM_EINVAL, NULL, "the fields of a %s must be a JSON object", t->name);
	}
	/* the cross-field rules see only the fields that passed, so every problem is listed at
	 * once without one field's bad value being blamed twice */
	passed = json_copy(fields);
	if (!passed)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	for (i = 0; i < t->nfields; i++) {
		const struct dm_field *f = &t->fields[i];
		json_t *v = json_object_get(fields, f->name);
		if (reported(err, f->name)) {
			json_object_del(passed, f->name);
			rc = DM_EINVAL;
			continue;
		}
		if (is_empty(v)) {
			if ((f->flags & DM_FF_REQUIRED) && !(f->flags & DM_FF_COMPUTED)) {
				dm_error_addc(err, f->name, "required", NULL, "required but missing");
				rc = dm_error_set(err, DM_EINVAL, f->name, "%s: required but missing", f->name);
			}
			continue;
		}
		if (dm_field_validate(f, v, err)) {
			json_object_del(passed, f->name);
			rc = DM_EINVAL;
		}
	}
	if (t->validate && t->validate(t, passed, err))
		rc = DM_EINVAL;
	json_decref(passed);
	return rc;
}
