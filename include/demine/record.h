/* record.h: records, and the single write path (validate, version, audit, commit). */
#ifndef DEMINE_RECORD_H
#define DEMINE_RECORD_H
#include <stdint.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/value.h"

/* Who is acting. role is a name from the role table (auth.h): "system", "local" (the CLI,
 * full rights), "admin", "im_officer", "operator", "va_officer", "donor", "viewer", "public". */
struct dm_actor {
	const char *user;
	const char *role;
	const char *org_id; /* the actor's organisation (operators, donors), or NULL */
};

/* Write options. */
struct dm_write_opts {
	int approve;             /* write as approved in one step (IM officer import with a reason) */
	int repair;              /* repair invalid geometry with MakeValid and report what changed */
	const char *crs;         /* CRS of incoming geometry ("EPSG:32638"); NULL = WGS84 */
	int resolve_links;       /* links may name the target's id, code or external_id */
	json_t *report;          /* if set, repair notes and warnings are appended (array) */
	int partial;             /* the input names only what is to change (--set, PATCH): a computed
				  * or read-only member in it is refused, saying why; a whole document
				  * (PUT, an import of an export) has them ignored */
};

/* Creates a record from a flat JSON object (the shape dm_record_to_json gives; read-only
 * members are ignored). A new record is a draft (approved with opts->approve).
 * On success *out (if not NULL) receives the stored record; caller frees it. */
int dm_record_create(struct dm_db *db, const struct dm_actor *who, const char *type, json_t *in,
		     const struct dm_write_opts *opts, struct dm_record **out, struct dm_error *err);

/* Writes a new version. in holds the members to change (a full document from a GET works
 * too). expected_version must equal the current version, else DM_ECONFLICT. A write that
 * changes nothing (the same content, and the status it would get is the one it has) writes no
 * version: it returns 0 and *out holds the current version unchanged. */
int dm_record_update(struct dm_db *db, const struct dm_actor *who, const char *id_or_code,
		     int64_t expected_version, json_t *in, const char *reason,
		     const struct dm_write_opts *opts, struct dm_record **out, struct dm_error *err);

/* Deletion is a flagged version with a reason; nothing is destroyed. */
int dm_record_delete(struct dm_db *db, const struct dm_actor *who, const char *id_or_code,
		     int64_t expected_version, const char *reason, struct dm_error *err);

/* 0 if who may write the record ref of type (its owning organisation decides), or a new record
 * of type when ref is NULL; else DM_EPERM saying why, or DM_ENOTFOUND. The write calls check
 * this themselves; a server calls it first so that a refusal never depends on the body. */
int dm_record_check_write(struct dm_db *db, const struct dm_actor *who, const char *type, const char *ref,
			  struct dm_error *err);

enum dm_transition { DM_SUBMIT = 1, DM_APPROVE, DM_REJECT };
/* Workflow: draft|rejected -> submitted -> approved|rejected. expected_version 0 = any.
 * A rejection needs a reason. */
int dm_record_transition(struct dm_db *db, const struct dm_actor *who, const char *id_or_code,
			 enum dm_transition t, int64_t expected_version, const char *reason,
			 struct dm_record **out, struct dm_error *err);

/* Reading. as_of: ISO 8601 UTC (a bare date = end of that day) or NULL for now.
 * approved: the approved version instead of the newest. version: a given version (0 = newest). */
struct dm_read_opts {
	const char *as_of;
	int approved;
	int64_t version;
};
int dm_record_get(struct dm_db *db, const struct dm_actor *who, const char *id_or_code,
		  const struct dm_read_opts *opts, struct dm_record **out, struct dm_error *err);

/* Lists records of a type (newest versions, deleted ones left out unless asked). */
/* The geometry families of a listing. A type whose records may be areas or single points
 * (hazards known only by a point, settlements beside districts) is offered to GIS clients as
 * two layers of one family each: DM_FAMILY_AREA (every record that is not a single point,
 * records without geometry included) and DM_FAMILY_POINT (single points). */
enum dm_geom_family { DM_FAMILY_ALL = 0, DM_FAMILY_AREA, DM_FAMILY_POINT };
/* 1 when records of t come in both families (areas that may be points, or any geometry). */
int dm_type_has_point_family(const struct dm_type *t);

struct dm_list_opts {
	const char *status;     /* NULL = any */
	const char *as_of;
	int approved_only;      /* the approved version of each record */
	int include_deleted;
	json_t *filters;        /* {"field": ["v1","v2"], ...} */
	const char *q;          /* text search */
	const char *from, *to;  /* on date_of_information */
	const double *bbox;     /* minx, miny, maxx, maxy or NULL; minx > maxx: across the antimeridian */
	const char *sort;       /* "field" or "-field"; default code */
	int64_t limit;          /* 0 = no limit */
	const char *after;      /* cursor: the number of items to skip (an offset) */
	const char *after_id;   /* keyset cursor: only records after this one in the default order
	                           (code, then id); stable while records change; not with sort */
	enum dm_geom_family family; /* one geometry family of a type that has two (see below) */
};
/* Calls fn for each record (the record is freed after fn returns; fn returning non-zero stops). */
int dm_record_list(struct dm_db *db, const struct dm_actor *who, const char *type,
		   const struct dm_list_opts *opts, int (*fn)(struct dm_record *r, void *arg), void *arg,
		   struct dm_error *err);

/* What a listing with the same options would give, without the cursor and limit: how many
 * records, their bounding box and the range of their date_of_information. */
struct dm_list_summary {
	int64_t count;
	int has_bbox;           /* 0 when no record has geometry */
	double bbox[4];         /* minx, miny, maxx, maxy */
	char first_date[16], last_date[16]; /* "" when no record has a date */
};
int dm_record_list_summary(struct dm_db *db, const struct dm_actor *who, const char *type,
			   const struct dm_list_opts *opts, struct dm_list_summary *out, struct dm_error *err);

/* Every version, oldest first. */
int dm_record_history(struct dm_db *db, const struct dm_actor *who, const char *id_or_code,
		      int (*fn)(struct dm_record *r, void *arg), void *arg, struct dm_error *err);

/* Erases a person's personal data in every version; the erasure is audited. */
int dm_record_erase_personal(struct dm_db *db, const struct dm_actor *who, const char *id_or_code,
			     const char *reason, struct dm_error *err);

/* The flat JSON object of a record, filtered for who (personal data only for roles that
 * may see it). geometry is RFC 7946 (or in crs when not NULL). Caller frees with json_decref(). */
json_t *dm_record_to_json(struct dm_db *db, const struct dm_actor *who, const struct dm_record *r,
			  const char *crs);

/* Finds a record's id by id, code or external_id (any type when type is NULL).
 * Returns 0 and fills id_out (37 bytes) or DM_ENOTFOUND. */
int dm_record_resolve(struct dm_db *db, const char *type, const char *ref, char *id_out,
		      const char **type_out, struct dm_error *err);

/* Parses a field's value from text (CSV cell, --set) into its JSON form. */
int dm_field_from_text(const struct dm_field *f, const char *text, json_t **out, struct dm_error *err);
/* Formats a field's JSON value as text (CSV); caller frees. */
char *dm_field_to_text(const struct dm_field *f, json_t *v);

#endif
