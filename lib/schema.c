/* schema.c: schema instances (builtin types plus a deployment's extra fields), value checks,
 * and the schema's JSON (GET /schema) and Markdown (docs/data-model.md) forms. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* ---- lookup ---- */
const struct dm_type *dm_schema_builtin_type(const char *name)
{
	size_t i, n;
	const struct dm_type *t = dm_schema_builtin(&n);
	for (i = 0; name && i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

const struct dm_type *dm_schema_type(const struct dm_schema *s, const char *name)
{
	size_t i;
	if (!s)
		return dm_schema_builtin_type(name);
	for (i = 0; name && i < s->ntypes; i++)
		if (!strcmp(s->types[i].name, name))
			return &s->types[i];
	return NULL;
}

const struct dm_field *dm_type_field(const struct dm_type *t, const char *name)
{
	size_t i;
	for (i = 0; t && name && i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, name))
			return &t->fields[i];
	return NULL;
}

/* ---- schema instances ---- */
static void release_extra(struct dm_field *f)
{
	const char *const *v;
	free((void *)f->name);
	free((void *)f->unit);
	free((void *)f->link_type);
	free((void *)f->currency_field);
	free((void *)f->label_en);
	free((void *)f->label_az);
	free((void *)f->label_ru);
	free((void *)f->hxl);
	free((void *)f->help);
	for (v = f->values; v && *v; v++)
		free((void *)*v);
	free((void *)f->values);
}

void dm_schema_free(struct dm_schema *s)
{
	size_t i, j;
	if (!s)
		return;
	for (i = 0; i < s->ntypes; i++) {
		struct dm_type *t = &s->types[i];
		for (j = t->nbuiltin; j < t->nfields; j++)
			release_extra(&t->fields[j]);
		free(t->fields);
	}
	free(s->types);
	free(s);
}

struct dm_schema *dm_schema_new_builtin(void)
{
	size_t i, n;
	const struct dm_type *b = dm_schema_builtin(&n);
	struct dm_schema *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->types = calloc(n, sizeof(*s->types));
	if (!s->types) {
		free(s);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		/* The field array is copied so that extras can be appended; the builtin rows' strings
		 * stay in the static tables. */
		s->types[i] = b[i];
		s->types[i].nfields = 0;
		s->types[i].fields = malloc(b[i].nbuiltin * sizeof(struct dm_field));
		s->ntypes = i + 1;
		if (!s->types[i].fields) {
			dm_schema_free(s);
			return NULL;
		}
		memcpy(s->types[i].fields, b[i].fields, b[i].nbuiltin * sizeof(struct dm_field));
		s->types[i].nfields = s->types[i].nbuiltin = b[i].nbuiltin;
	}
	return s;
}

/* Names an extra field may not take: the common members, columns and index names the store
 * derives from a type (hazard_code, hazard_history, ...), and SQL keywords of SQLite and
 * PostgreSQL, so that generated SQL never needs quoting. */
static const char *const reserved_names[] = {
	"geom", "minx", "miny", "maxx", "maxy", "rid", "org", "loc", "doi", "rtree", "rtree_id", "history",
	"history_at", "bbox", "fields", "properties", "links",
	"oid", "ctid", "xmin", "xmax", "cmin", "cmax", "tableoid", "rowid", "_rowid_", "oid",
	"abort", "action", "add", "all", "alter", "analyse", "analyze", "and", "any", "array", "as", "asc",
	"asymmetric", "attach", "authorization", "autoincrement", "before", "begin", "between", "binary", "both",
	"by", "cascade", "case", "cast", "check", "collate", "collation", "column", "commit", "concurrently",
	"conflict", "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
	"current_schema", "current_time", "current_timestamp", "current_user", "database", "default",
	"deferrable", "deferred", "delete", "desc", "detach", "distinct", "do", "drop", "each", "else", "end",
	"escape", "except", "exclusive", "exists", "explain", "false", "fetch", "filter", "for", "foreign",
	"freeze", "from", "full", "glob", "grant", "group", "having", "if", "ignore", "ilike", "immediate", "in",
	"index", "indexed", "initially", "inner", "insert", "instead", "intersect", "into", "is", "isnull",
	"join", "key", "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp", "match",
	"natural", "no", "not", "notnull", "null", "of", "offset", "on", "only", "or", "order", "outer",
	"over", "overlaps", "placing", "plan", "pragma", "primary", "query", "raise", "recursive", "references",
	"regexp", "reindex", "release", "rename", "replace", "restrict", "returning", "right", "rollback", "row",
	"rows", "savepoint", "select", "session_user", "set", "similar", "some", "symmetric", "table", "temp",
	"temporary", "then", "to", "trailing", "transaction", "trigger", "true", "union", "unique", "update",
	"user", "using", "vacuum", "values", "variadic", "verbose", "view", "virtual", "when", "where",
	"window", "with", "without",
	NULL,
};

static int is_reserved(const char *name)
{
	size_t i, n;
	const struct dm_common_field *c = dm_schema_common(&n);
	const char *const *r;
	for (i = 0; i < n; i++)
		if (!strcmp(c[i].name, name))
			return 1;
	for (r = reserved_names; *r; r++)
		if (!strcmp(*r, name))
			return 2;
	return 0;
}

static int good_name(const char *s)
{
	size_t i;
	if (!s || !(s[0] >= 'a' && s[0] <= 'z'))
		return 0;
	for (i = 1; s[i]; i++)
		if (i > 40 || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* An allowed value of an extra enum or set: 1 to 64 of [a-z0-9_] (values travel in CSV
 * joined by ';' and are compared as they are). */
static int good_value(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (i >= 64 || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return i > 0;
}

static char *dup_or_null(const char *s, int *fail)
{
	char *d;
	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*fail = 1;
	return d;
}

int dm_schema_add_extra(struct dm_schema *s, const char *type, const struct dm_field *f, struct dm_error *err)
{
	struct dm_type *t = NULL;
	struct dm_field nf, *grown;
	const char *const *v, *const *w;
	const char *fname = f && f->name ? f->name : "";
	size_t i, nvalues = 0;
	int r, nomem = 0;
	char **values = NULL;

	for (i = 0; s && type && i < s->ntypes; i++)
		if (!strcmp(s->types[i].name, type))
			t = &s->types[i];
	if (!t)
		return dm_error_set(err, DM_EINVAL, "type", "unknown record type '%s'", type ? type : "");
	if (!f)
		return dm_error_set(err, DM_EUSAGE, NULL, "no field given");
	if (!good_name(fname))
		return dm_error_set(err, DM_EINVAL, "name", "'%.60s' is not a field name: a lowercase letter, then "
				    "up to 40 lowercase letters, digits or '_'", fname);
	if ((r = is_reserved(fname)))
		return dm_error_set(err, DM_EINVAL, "name", "'%s' is reserved: %s", fname,
				    r == 1 ? "every record already has this member" : "the database uses this word");
	if (dm_type_field(t, fname))
		return dm_error_set(err, DM_EEXIST, "name", "'%s' is already a field of %s", fname, t->name);
	if ((int)f->type < DM_F_TEXT || (int)f->type > DM_F_JSON)
		return dm_error_set(err, DM_EINVAL, "kind", "unknown field type %d for '%s'", (int)f->type, fname);
	if (f->type == DM_F_JSON)
		return dm_error_set(err, DM_EINVAL, "kind", "field type json is not available for extra fields "
				    "('%s'): use text, or a set of values", fname);
	if (f->flags & DM_FF_COMPUTED)
		return dm_error_set(err, DM_EINVAL, "flags", "extra field '%s' cannot be computed: nothing computes "
				    "it", fname);
	for (v = f->values; v && *v; v++, nvalues++) {
		if (!good_value(*v))
			return dm_error_set(err, DM_EINVAL, "values", "'%.60s' is not an allowed value for '%s': "
					    "lowercase letters, digits and '_' only", *v, fname);
		for (w = f->values; w != v; w++)
			if (!strcmp(*w, *v))
				return dm_error_set(err, DM_EINVAL, "values", "'%s' is listed twice in the values "
						    "of '%s'", *v, fname);
	}
	if ((f->type == DM_F_ENUM || f->type == DM_F_SET) && !nvalues)
		return dm_error_set(err, DM_EINVAL, "values", "field '%s' of type %s needs its allowed values",
				    fname, dm_ftype_name(f->type));
	if (f->type != DM_F_ENUM && f->type != DM_F_SET && nvalues)
		return dm_error_set(err, DM_EINVAL, "values", "field '%s' of type %s takes no list of values",
				    fname, dm_ftype_name(f->type));
	if (f->type == DM_F_LINK || f->type == DM_F_LINKS) {
		if (!dm_schema_type(s, f->link_type))
			return dm_error_set(err, DM_EINVAL, "link_type", "field '%s' links to unknown record type "
					    "'%s'", fname, f->link_type ? f->link_type : "");
	} else if (f->link_type) {
		return dm_error_set(err, DM_EINVAL, "link_type", "field '%s' of type %s takes no link type", fname,
				    dm_ftype_name(f->type));
	}
	if (f->type == DM_F_MONEY) {
		const struct dm_field *c = dm_type_field(t, f->currency_field);
		if (!c || c->type != DM_F_CURRENCY)
			return dm_error_set(err, DM_EINVAL, "currency_field", "money field '%s' needs currency_field "
					    "naming a currency field of %s, not '%s'", fname, t->name,
					    f->currency_field ? f->currency_field : "");
	} else if (f->currency_field) {
		return dm_error_set(err, DM_EINVAL, "currency_field", "field '%s' of type %s takes no currency "
				    "field", fname, dm_ftype_name(f->type));
	}

	memset(&nf, 0, sizeof(nf));
	nf.type = f->type;
	nf.flags = f->flags | DM_FF_EXTRA;
	nf.name = dup_or_null(fname, &nomem);
	nf.unit = dup_or_null(f->unit, &nomem);
	nf.link_type = dup_or_null(f->link_type, &nomem);
	nf.currency_field = dup_or_null(f->currency_field, &nomem);
	/* Labels fall back to English, then to the name, so every output has one. */
	nf.label_en = dup_or_null(f->label_en && *f->label_en ? f->label_en : fname, &nomem);
	nf.label_az = dup_or_null(f->label_az && *f->label_az ? f->label_az : nf.label_en, &nomem);
	nf.label_ru = dup_or_null(f->label_ru && *f->label_ru ? f->label_ru : nf.label_en, &nomem);
	nf.hxl = dup_or_null(f->hxl, &nomem);
	nf.help = dup_or_null(f->help, &nomem);
	if (nvalues) {
		values = calloc(nvalues + 1, sizeof(char *));
		if (!values)
			nomem = 1;
		for (i = 0; values && i < nvalues; i++)
			values[i] = dup_or_null(f->values[i], &nomem);
		nf.values = (const char *const *)values;
	}
	grown = nomem ? NULL : realloc(t->fields, (t->nfields + 1) * sizeof(*t->fields));
	if (!grown) {
		release_extra(&nf);
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	t->fields = grown;
	t->fields[t->nfields++] = nf;
	return 0;
}

/* ---- value checks ---- */

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

static void join_values(const char *const *v, char *out, size_t n)
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

int dm_field_check(const struct dm_field *f, json_t *v, char *msg, size_t n)
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
			return DM_EINVAL;
		}
		if (strlen(s) != len) {
			snprintf(msg, n, "contains the character U+0000");
			return DM_EINVAL;
		}
		break;
	default:
		break;
	}

	switch (f->type) {
	case DM_F_TEXT:
		if (len > TEXT_MAX) {
			snprintf(msg, n, "'%s' is too long (%zu bytes, at most %d)", shorten(s, q), len, TEXT_MAX);
			return DM_EINVAL;
		}
		if (check_chars(s, len, 1, list, sizeof(list))) {
			snprintf(msg, n, "'%s' %s", shorten(s, q), list);
			return DM_EINVAL;
		}
		return 0;
	case DM_F_INT:
		if (!json_is_integer(v)) {
			snprintf(msg, n, "%s is not a whole number", describe(v, d));
			return DM_EINVAL;
		}
		if ((f->flags & DM_FF_NONNEG) && json_integer_value(v) < 0) {
			snprintf(msg, n, "%lld is negative: must be 0 or more", (long long)json_integer_value(v));
			return DM_EINVAL;
		}
		return 0;
	case DM_F_REAL: case DM_F_AREA:
		if (!json_is_number(v)) {
			snprintf(msg, n, "%s is not a number", describe(v, d));
			return DM_EINVAL;
		}
		if ((f->flags & DM_FF_NONNEG || f->type == DM_F_AREA) && json_number_value(v) < 0) {
			snprintf(msg, n, "%.17g is negative: %s must be 0 or more", json_number_value(v),
				 f->type == DM_F_AREA ? "an area" : "the value");
			return DM_EINVAL;
		}
		return 0;
	case DM_F_BOOL:
		if (!json_is_boolean(v)) {
			snprintf(msg, n, "%s is not true or false", describe(v, d));
			return DM_EINVAL;
		}
		return 0;
	case DM_F_DATE:
		if (len != 10 || !dm_is_date(s)) {
			snprintf(msg, n, "'%s' is not a date (YYYY-MM-DD, a real calendar day)", shorten(s, q));
			return DM_EINVAL;
		}
		return 0;
	case DM_F_DATETIME:
		if (!is_datetime(s)) {
			snprintf(msg, n, "'%s' is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)", shorten(s, q));
			return DM_EINVAL;
		}
		return 0;
	case DM_F_ENUM:
		if (!in_values(f, s)) {
			join_values(f->values, list, sizeof(list));
			snprintf(msg, n, "'%s' is not one of %s", shorten(s, q), list);
			return DM_EINVAL;
		}
		return 0;
	case DM_F_LINK:
		if (check_ref(s, len, list, sizeof(list))) {
			snprintf(msg, n, "%s", list);
			return DM_EINVAL;
		}
		return 0;
	case DM_F_SET: case DM_F_LINKS:
		if (!json_is_array(v)) {
			snprintf(msg, n, "%s is not a list (a JSON array of strings)", describe(v, d));
			return DM_EINVAL;
		}
		if (json_array_size(v) > LIST_MAX) {
			snprintf(msg, n, "the list is too long (%zu items, at most %d)", json_array_size(v), LIST_MAX);
			return DM_EINVAL;
		}
		json_array_foreach(v, i, item) {
			const char *is = json_string_value(item);
			if (!is || strlen(is) != json_string_length(item)) {
				snprintf(msg, n, "item %zu: %s is not text", i + 1, describe(item, d));
				return DM_EINVAL;
			}
			if (f->type == DM_F_SET && !in_values(f, is)) {
				join_values(f->values, list, sizeof(list));
				snprintf(msg, n, "'%s' is not one of %s", shorten(is, q), list);
				return DM_EINVAL;
			}
			if (f->type == DM_F_LINKS && check_ref(is, json_string_length(item), list, sizeof(list))) {
				snprintf(msg, n, "item %zu: %s", i + 1, list);
				return DM_EINVAL;
			}
			for (j = 0; j < i; j++)
				if (!strcmp(json_string_value(json_array_get(v, j)), is)) {
					snprintf(msg, n, "'%s' is listed twice", shorten(is, q));
					return DM_EINVAL;
				}
		}
		return 0;
	case DM_F_MONEY:
		if (!is_decimal(s, 1, &a, &b) || a > 14 || b > 4) {
			snprintf(msg, n, "'%s' is not an amount: a decimal string such as \"400000.00\" (at most 14 "
				 "digits before the point and 4 after)", shorten(s, q));
			return DM_EINVAL;
		}
		return 0;
	case DM_F_DECIMAL:
		if (!is_decimal(s, 0, &a, &b) || a + b > 30 || strspn(s, "0.") == len) {
			snprintf(msg, n, "'%s' is not a rate: a decimal string greater than 0, such as \"2.00818\"",
				 shorten(s, q));
			return DM_EINVAL;
		}
		return 0;
	case DM_F_CURRENCY:
		if (!check_upper(s, 3) || !dm_currency_valid(s)) {
			snprintf(msg, n, "unknown currency '%s': not an ISO 4217 code (e.g. EUR, AZN, USD)",
				 shorten(s, q));
			return DM_EINVAL;
		}
		return 0;
	case DM_F_COUNTRY:
		if (!check_upper(s, 2)) {
			snprintf(msg, n, "'%s' is not an ISO 3166-1 alpha-2 country code (two uppercase letters, "
				 "e.g. AZ)", shorten(s, q));
			return DM_EINVAL;
		}
		return 0;
	case DM_F_JSON:
		return 0; /* the field's validate_json knows its shape */
	}
	snprintf(msg, n, "the field has an unknown type %d", (int)f->type);
	return DM_EINVAL;
}

int dm_field_validate(const struct dm_field *f, json_t *v, struct dm_error *err)
{
	char msg[512];
	if (!v || json_is_null(v))
		return 0;
	if (dm_field_check(f, v, msg, sizeof(msg))) {
		dm_error_add(err, f->name, "%s", msg);
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

int dm_type_validate(const struct dm_type *t, json_t *fields, struct dm_error *err)
{
	size_t i;
	int rc = 0;
	if (!json_is_object(fields)) {
		dm_error_add(err, NULL, "the fields of a %s must be a JSON object", t->name);
		return dm_error_set(err, DM_EINVAL, NULL, "the fields of a %s must be a JSON object", t->name);
	}
	for (i = 0; i < t->nfields; i++) {
		const struct dm_field *f = &t->fields[i];
		json_t *v = json_object_get(fields, f->name);
		if (is_empty(v)) {
			if ((f->flags & DM_FF_REQUIRED) && !(f->flags & DM_FF_COMPUTED)) {
				dm_error_add(err, f->name, "required but missing");
				rc = dm_error_set(err, DM_EINVAL, f->name, "%s: required but missing", f->name);
			}
			continue;
		}
		if (dm_field_validate(f, v, err))
			rc = DM_EINVAL;
	}
	if (!rc && t->validate && t->validate(t, fields, err))
		rc = DM_EINVAL;
	return rc;
}

/* ---- JSON and Markdown forms ---- */
static const char *geom_name(enum dm_geomkind g)
{
	switch (g) {
	case DM_GEOM_POINT: return "point";
	case DM_GEOM_AREA: return "area";
	case DM_GEOM_ANY: return "any";
	default: return "none";
	}
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *labels(const char *en, const char *az, const char *ru)
{
	return json_pack("{s:o, s:o, s:o}", "en", str_or_null(en), "az", str_or_null(az), "ru", str_or_null(ru));
}

static json_t *field_json(const struct dm_field *f)
{
	json_t *o = json_object(), *vals = json_null();
	const char *const *v;
	if (f->values) {
		vals = json_array();
		for (v = f->values; *v; v++)
			json_array_append_new(vals, json_string(*v));
	}
	json_object_set_new(o, "name", json_string(f->name));
	json_object_set_new(o, "type", json_string(dm_ftype_name(f->type)));
	json_object_set_new(o, "required", json_boolean(f->flags & DM_FF_REQUIRED));
	json_object_set_new(o, "personal", json_boolean(f->flags & DM_FF_PERSONAL));
	json_object_set_new(o, "internal", json_boolean(f->flags & DM_FF_INTERNAL));
	json_object_set_new(o, "computed", json_boolean(f->flags & DM_FF_COMPUTED));
	json_object_set_new(o, "readonly", json_boolean(f->flags & (DM_FF_READONLY | DM_FF_COMPUTED)));
	json_object_set_new(o, "nonneg", json_boolean(f->flags & DM_FF_NONNEG || f->type == DM_F_AREA));
	json_object_set_new(o, "search", json_boolean(f->flags & DM_FF_SEARCH));
	json_object_set_new(o, "values", vals);
	json_object_set_new(o, "unit", str_or_null(f->unit));
	json_object_set_new(o, "link_type", str_or_null(f->link_type));
	json_object_set_new(o, "currency_field", str_or_null(f->currency_field));
	json_object_set_new(o, "labels", labels(f->label_en, f->label_az, f->label_ru));
	json_object_set_new(o, "hxl", str_or_null(f->hxl));
	json_object_set_new(o, "help", str_or_null(f->help));
	json_object_set_new(o, "extra", json_boolean(f->flags & DM_FF_EXTRA));
	return o;
}

json_t *dm_schema_to_json(const struct dm_schema *s)
{
	json_t *root = json_object(), *types = json_array(), *common = json_array(), *status = json_array();
	const struct dm_type *tt = s ? s->types : NULL;
	const struct dm_common_field *c;
	size_t i, j, nt = s ? s->ntypes : 0, nc;
	if (!s)
		tt = dm_schema_builtin(&nt);
	for (i = 0; i < nt; i++) {
		const struct dm_type *t = &tt[i];
		json_t *o = json_object(), *fields = json_array();
		for (j = 0; j < t->nfields; j++)
			json_array_append_new(fields, field_json(&t->fields[j]));
		json_object_set_new(o, "name", json_string(t->name));
		json_object_set_new(o, "code_prefix", json_string(t->code_prefix));
		json_object_set_new(o, "geometry", json_string(geom_name(t->geom)));
		json_object_set_new(o, "labels", labels(t->label_en, t->label_az, t->label_ru));
		json_object_set_new(o, "help", str_or_null(t->help));
		json_object_set_new(o, "fields", fields);
		json_array_append_new(types, o);
	}
	c = dm_schema_common(&nc);
	for (i = 0; i < nc; i++)
		json_array_append_new(common, json_pack("{s:s, s:s, s:o, s:b, s:o}", "name", c[i].name, "type",
							c[i].json_type, "help", str_or_null(c[i].help), "readonly",
							c[i].readonly, "hxl", str_or_null(c[i].hxl)));
	for (i = 0; dm_status_values[i]; i++)
		json_array_append_new(status, json_string(dm_status_values[i]));
	json_object_set_new(root, "types", types);
	json_object_set_new(root, "common", common);
	json_object_set_new(root, "status_values", status);
	return root;
}

/* A Markdown table cell: '|' escaped, line breaks as spaces. */
static void cell(FILE *o, const char *s)
{
	fputs("| ", o);
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", o);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', o);
		else
			fputc(*s, o);
	}
	fputc(' ', o);
}

static void flags_text(const struct dm_field *f, char *out, size_t n)
{
	static const struct { unsigned flag; const char *word; } words[] = {
		{ DM_FF_PERSONAL, "personal" }, { DM_FF_COMPUTED, "computed" }, { DM_FF_READONLY, "read-only" },
		{ DM_FF_NONNEG, ">= 0" }, { DM_FF_INDEX, "indexed" }, { DM_FF_SEARCH, "search" },
		{ DM_FF_HISTORY_INDEX, "indexed in history" },
		{ DM_FF_EXTRA, "extra" }, { DM_FF_INTERNAL, "internal (not public)" },
	};
	size_t i, len = 0;
	out[0] = 0;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (f->flags & words[i].flag) {
			int w = snprintf(out + len, n - len, "%s%s", len ? ", " : "", words[i].word);
			if (w < 0 || (size_t)w >= n - len)
				break;
			len += (size_t)w;
		}
}

char *dm_schema_to_markdown(const struct dm_schema *s)
{
	char *buf = NULL, tmp[1024];
	size_t len = 0, i, j, nt = s ? s->ntypes : 0, nc;
	const struct dm_type *tt = s ? s->types : dm_schema_builtin(&nt);
	const struct dm_common_field *c = dm_schema_common(&nc);
	FILE *o = open_memstream(&buf, &len);
	if (!o)
		return NULL;
	fputs("# Data model\n\n"
	      "<!-- generated by `demine schema --markdown` from the field tables (lib/types.c); do not edit -->\n\n"
	      "Every record type below is one table in the database (one typed column per field) and one\n"
	      "flat JSON object in the API, CSV and GeoJSON exchange formats. In CSV, sets and lists of\n"
	      "links are joined by `;`; amounts and rates are decimal strings (`\"400000.00\"`), never\n"
	      "floating point numbers; dates are `YYYY-MM-DD`; times are ISO 8601 in UTC. Labels are given\n"
	      "in English, Azerbaijani and Russian. A deployment may declare extra fields per record type\n"
	      "(`demine field add`); they are validated like the fields listed here.\n\n"
	      "## Common members\n\nEvery record carries these members besides the fields of its type.\n\n"
	      "| member | JSON type | read-only | HXL | meaning |\n|---|---|---|---|---|\n", o);
	for (i = 0; i < nc; i++) {
		snprintf(tmp, sizeof(tmp), "`%s`", c[i].name);
		cell(o, tmp);
		cell(o, c[i].json_type);
		cell(o, c[i].readonly ? "yes" : "");
		cell(o, c[i].hxl);
		cell(o, c[i].help);
		fputs("|\n", o);
	}
	fputs("\nWorkflow `status` values: ", o);
	for (i = 0; dm_status_values[i]; i++)
		fprintf(o, "%s`%s`", i ? ", " : "", dm_status_values[i]);
	fputs(". Only approved data is authoritative. A record's own life-cycle field has its own\n"
	      "name (`land_status`, `task_status`, ...), never `status`.\n\n## Record types\n\n"
	      "| type | code prefix | geometry | en | az | ru |\n|---|---|---|---|---|---|\n", o);
	for (i = 0; i < nt; i++) {
		snprintf(tmp, sizeof(tmp), "[`%s`](#%s)", tt[i].name, tt[i].name);
		cell(o, tmp);
		cell(o, tt[i].code_prefix);
		cell(o, geom_name(tt[i].geom));
		cell(o, tt[i].label_en);
		cell(o, tt[i].label_az);
		cell(o, tt[i].label_ru);
		fputs("|\n", o);
	}
	for (i = 0; i < nt; i++) {
		const struct dm_type *t = &tt[i];
		fprintf(o, "\n### %s\n\n%s / %s / %s. %s.\n\nCode prefix `%s`; geometry: %s.\n\n", t->name,
			t->label_en, t->label_az, t->label_ru, t->help ? t->help : "", t->code_prefix,
			t->geom == DM_GEOM_NONE ? "none" : t->geom == DM_GEOM_POINT ? "point"
			: t->geom == DM_GEOM_AREA ? "polygon or multipolygon" : "point, line or polygon");
		fputs("| field | type | required | allowed values | unit | flags | link | HXL | en | az | ru | "
		      "help |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n", o);
		for (j = 0; j < t->nfields; j++) {
			const struct dm_field *f = &t->fields[j];
			snprintf(tmp, sizeof(tmp), "`%s`", f->name);
			cell(o, tmp);
			if (f->type == DM_F_MONEY && f->currency_field)
				snprintf(tmp, sizeof(tmp), "money (currency in `%s`)", f->currency_field);
			else
				snprintf(tmp, sizeof(tmp), "%s", dm_ftype_name(f->type));
			cell(o, tmp);
			cell(o, f->flags & DM_FF_REQUIRED ? "yes" : "");
			join_values(f->values, tmp, sizeof(tmp));
			cell(o, tmp);
			cell(o, f->unit);
			flags_text(f, tmp, sizeof(tmp));
			cell(o, tmp);
			cell(o, f->link_type);
			cell(o, f->hxl);
			cell(o, f->label_en);
			cell(o, f->label_az);
			cell(o, f->label_ru);
			cell(o, f->help);
			fputs("|\n", o);
		}
	}
	fputs("\n## Computed fields\n\nFields flagged *computed* are written by the system, never by users: "
	      "input values for them\nare ignored. Areas are geodesic, on the WGS84 ellipsoid, in square metres. "
	      "A hazard's\n`remaining_m2` is its polygon minus the union of its released polygons (cancelled, reduced,\n"
	      "cleared; overlapping releases count once); land released outside the hazard is counted in\n"
	      "`released_outside_m2` and flagged. A hazard whose remaining area reaches zero is closed with\n"
	      "the reason in `closure_reason`. These versions are authored `system` and approved\n"
	      "automatically.\n\n", o);
	for (i = 0; i < nt; i++) {
		int any = 0;
		for (j = 0; j < tt[i].nfields; j++)
			if (tt[i].fields[j].flags & DM_FF_COMPUTED) {
				if (!any++)
					fprintf(o, "- %s: ", tt[i].name);
				else
					fputs(", ", o);
				fprintf(o, "`%s`", tt[i].fields[j].name);
			}
		if (any)
			fputc('\n', o);
	}
	if (fclose(o)) {
		free(buf);
		return NULL;
	}
	return buf;
}
