/* schema.c: schema instances: the builtin types plus a deployment's extra fields, looked up
 * by name. Value checks are field_check.c's, the documentation forms schema_doc.c's. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/money.h"
#include "demine/schema.h"
#include "demine/util.h"

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
	"history_at", "bbox", "box", "fields", "properties", "links",
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

int dm_schema_name_ok(const char *s)
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
int dm_schema_value_ok(const char *s)
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

int dm_schema_check_extra(const struct dm_schema *s, const char *type, const struct dm_field *f,
			  struct dm_error *err)
{
	const struct dm_type *t = s && type ? dm_schema_type(s, type) : NULL;
	const char *const *v, *const *w;
	const char *fname = f && f->name ? f->name : "";
	size_t nvalues = 0;
	int r;

	if (!t)
		return dm_error_set(err, DM_EINVAL, "type", "unknown record type '%s'", type ? type : "");
	if (!f)
		return dm_error_set(err, DM_EUSAGE, NULL, "no field given");
	if (!dm_schema_name_ok(fname))
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
		if (!dm_schema_value_ok(*v))
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
	return 0;
}

int dm_schema_add_extra(struct dm_schema *s, const char *type, const struct dm_field *f, struct dm_error *err)
{
	struct dm_type *t = NULL;
	struct dm_field nf, *grown;
	const char *fname;
	size_t i, nvalues = 0;
	int rc, nomem = 0;
	char **values = NULL;

	if ((rc = dm_schema_check_extra(s, type, f, err)))
		return rc;
	for (i = 0; i < s->ntypes; i++)
		if (!strcmp(s->types[i].name, type))
			t = &s->types[i];
	if (!t) /* dm_schema_check_extra found it */
		return dm_error_set(err, DM_EINVAL, "type", "unknown record type '%s'", type);
	fname = f->name;
	while (f->values && f->values[nvalues])
		nvalues++;
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
	grown = nomem ? NULL : dm_realloc_array(t->fields, t->nfields + 1, sizeof(*t->fields));
	if (!grown) {
		release_extra(&nf);
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	t->fields = grown;
	t->fields[t->nfields++] = nf;
	return 0;
}

