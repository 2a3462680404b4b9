/* schema.h: the field tables. One table per record type drives validation, JSON/CSV,
 * the database columns, the API schema and the docs. */
#ifndef DEMINE_SCHEMA_H
#define DEMINE_SCHEMA_H
#include <stddef.h>
#include "demine/error.h"

enum dm_ftype {
	DM_F_TEXT = 1,  /* UTF-8 string */
	DM_F_INT,       /* integer (JSON number without fraction) */
	DM_F_REAL,      /* floating point, e.g. depth in cm, a rate is NOT real: see DM_F_DECIMAL */
	DM_F_BOOL,
	DM_F_DATE,      /* YYYY-MM-DD */
	DM_F_DATETIME,  /* ISO 8601 UTC, stored as YYYY-MM-DDTHH:MM:SSZ */
	DM_F_ENUM,      /* one of values[] */
	DM_F_SET,       /* several of values[]; JSON array, CSV "a;b" */
	DM_F_LINK,      /* UUID of a record of link_type (import also takes its code or external_id) */
	DM_F_LINKS,     /* several links; JSON array, CSV "a;b" */
	DM_F_MONEY,     /* integer minor units in the store; decimal string in JSON/CSV;
	                   the currency is the field named by 'currency_field' */
	DM_F_CURRENCY,  /* ISO 4217 code */
	DM_F_DECIMAL,   /* exact decimal (exchange rates): stored as text, travels as string */
	DM_F_COUNTRY,   /* ISO 3166-1 alpha-2 */
	DM_F_AREA,      /* square metres (real, >= 0) */
	DM_F_JSON,      /* structured list validated by validate_json (e.g. non-conformities) */
};

enum dm_fflag {
	DM_FF_REQUIRED = 1 << 0,
	DM_FF_PERSONAL = 1 << 1, /* personal data: visible only to roles that need it; erasable */
	DM_FF_COMPUTED = 1 << 2, /* computed by the system; read-only for users */
	DM_FF_READONLY = 1 << 3,
	DM_FF_NONNEG = 1 << 4,   /* numbers must be >= 0 */
	DM_FF_INDEX = 1 << 5,    /* gets its own index */
	DM_FF_EXTRA = 1 << 6,    /* declared by the deployment (demine field add) */
	DM_FF_SEARCH = 1 << 7,   /* included in text search */
	DM_FF_HISTORY_INDEX = 1 << 8, /* approved versions are looked up by it: indexed in history too */
	DM_FF_INTERNAL = 1 << 9, /* an operator's working detail (evidence, team): never shown to the public */
	DM_FF_PAST = 1 << 10,    /* the date of something that has happened: after today is refused */
};

struct dm_error;
struct json_t;

struct dm_field {
	const char *name;
	enum dm_ftype type;
	unsigned flags;
	const char *const *values;  /* NULL-terminated, for ENUM and SET */
	const char *unit;           /* "m2", "cm", "m", ... or NULL */
	const char *link_type;      /* LINK/LINKS: target record type name */
	const char *currency_field; /* MONEY: the field holding its currency */
	const char *label_en, *label_az, *label_ru;
	const char *hxl;            /* HXL hashtag with attributes, e.g. "#adm2+code" */
	const char *help;           /* one line for docs and forms */
	/* JSON: validates the value; fills err with field-qualified messages. Other types may
	 * have one too (a rule of their own, e.g. quantity >= 1): dm_field_validate calls it
	 * after the type check passed. */
	int (*validate_json)(const struct dm_field *f, struct json_t *v, struct dm_error *err);
};

enum dm_geomkind {
	DM_GEOM_NONE = 0,  /* the record type has no geometry */
	DM_GEOM_POINT,     /* point only */
	DM_GEOM_AREA,      /* polygon or multipolygon (a point allowed where the type says so) */
	DM_GEOM_ANY,       /* point, line or polygon */
};

struct dm_type {
	const char *name;        /* "hazard" */
	const char *code_prefix; /* "HAZ" */
	enum dm_geomkind geom;
	const char *label_en, *label_az, *label_ru;
	const char *help;
	struct dm_field *fields; /* builtin fields; extras are appended at run time */
	size_t nfields;
	size_t nbuiltin;
	/* Cross-field rules (e.g. a release's result follows its method), called by
	 * dm_type_validate with the fields that are valid alone (the others are left out); adds a
	 * detail per problem. May be NULL. */
	int (*validate)(const struct dm_type *t, struct json_t *fields, struct dm_error *err);
	/* An area type that may be located by a Point until surveyed, when this field (an area)
	 * holds the entered estimate (hazard: estimated_area_m2); "" = a Point without an estimate
	 * (a settlement before its built-up polygon is mapped); NULL = polygons only. */
	const char *point_area_field;
};

/* The builtin record types, in dependency order (organisation, location, ... disbursement). */
const struct dm_type *dm_schema_builtin(size_t *n);
const struct dm_type *dm_schema_builtin_type(const char *name);

/* The common members every record carries (id, code, version, status, ...), for docs and
 * the API schema. */
struct dm_common_field {
	const char *name;
	const char *json_type;
	const char *help;
	int readonly;
	const char *hxl; /* HXL hashtag or NULL */
};
const struct dm_common_field *dm_schema_common(size_t *n);

/* Workflow status values (draft, submitted, approved, rejected). */
extern const char *const dm_status_values[];

/* A schema instance: the builtin types plus a deployment's extra fields.
 * Loaded from the store (see dm_db); caller frees with dm_schema_free(). */
struct dm_schema {
	struct dm_type *types;
	size_t ntypes;
};
struct dm_schema *dm_schema_new_builtin(void);
void dm_schema_free(struct dm_schema *s);
const struct dm_type *dm_schema_type(const struct dm_schema *s, const char *name);
const struct dm_field *dm_type_field(const struct dm_type *t, const char *name);
const char *dm_ftype_name(enum dm_ftype t);
/* The naming rules of fields and of allowed values, which generated SQL relies on: a field name
 * is a lowercase letter then up to 40 lowercase letters, digits or '_'; a value 1 to 64 of
 * those. 1 when s follows them. */
int dm_schema_name_ok(const char *s);
int dm_schema_value_ok(const char *s);
/* Checks that f could be added to type as an extra field (name new and well-formed, kind,
 * values, link and currency field right) without changing s. */
int dm_schema_check_extra(const struct dm_schema *s, const char *type, const struct dm_field *f,
			  struct dm_error *err);
/* Appends an extra field (copied) to type after the checks of dm_schema_check_extra. */
int dm_schema_add_extra(struct dm_schema *s, const char *type, const struct dm_field *f, struct dm_error *err);

/* The allowed values joined by ", ", cut to fit n bytes (for messages and documentation). */
void dm_field_values_join(const char *const *v, char *out, size_t n);

/* Checks one value in its JSON form against the field's type and rules (type, allowed values,
 * real dates, NONNEG, currency/country format, decimal strings, text size and characters).
 * JSON null is accepted (no value; requiredness is dm_type_validate's job). On failure adds
 * a detail (field name, message quoting the value), sets err if not yet set ("field: message")
 * and returns DM_EINVAL. */
int dm_field_validate(const struct dm_field *f, struct json_t *v, struct dm_error *err);
/* The type check of dm_field_validate without err and without the field's own hook: returns 0,
 * or DM_EINVAL with the reason in msg (lowercase, quoting the value). */
int dm_field_check(const struct dm_field *f, struct json_t *v, char *msg, size_t n);
/* Today's date (YYYY-MM-DD) in the server's time zone, into out; returns out. */
const char *dm_today(char out[11]);
/* Validates a record's fields object: required fields present (computed ones excepted), each
 * present value by dm_field_validate, then the type's cross-field rules over the fields that
 * passed (so they run even when another field failed). A field err already holds a detail of
 * (its input was refused) is not checked again. Every problem is a detail with its code;
 * returns DM_EINVAL when any was found. Members not in the type are not checked. */
int dm_type_validate(const struct dm_type *t, struct json_t *fields, struct dm_error *err);

/* Exports the schema as JSON (types, fields, allowed values, labels, flags).
 * Caller frees with json_decref(). */
struct json_t *dm_schema_to_json(const struct dm_schema *s);
/* Writes the data model reference in Markdown; caller frees the string. */
char *dm_schema_to_markdown(const struct dm_schema *s);

#endif
