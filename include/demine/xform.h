/* xform.h: the field forms (ODK XForms 1.0) generated from the field tables, and the reading
 * of their OpenRosa submissions back into record documents for the single write path. */
#ifndef DEMINE_XFORM_H
#define DEMINE_XFORM_H
#include <stddef.h>
#include <jansson.h>
#include "demine/schema.h"

/* How a form locates its record. */
enum dm_form_geo {
	DM_FORM_GEO_POINT = 1,   /* a geopoint */
	DM_FORM_GEO_SHAPE,       /* a geoshape (polygon) */
	DM_FORM_GEO_AREA_ANY,    /* a geoshape, turning points (benchmark + bearing/distance legs) or a
	                            point with an estimated area, chosen by the team */
};

struct dm_form_fixed {
	const char *field, *value; /* a value the form sets itself (a new SHA: category sha) */
};

struct dm_form {
	const char *id;          /* form id: "demine_nts" */
	const char *type;        /* record type it creates */
	const char *title_en, *title_az, *title_ru;
	enum dm_form_geo geo;
	struct dm_form_fixed fixed[3];
	const char *child_type;  /* a repeat of records linked to the main one (accident: victim) */
	const char *child_link;  /* the child's field that links to the main record */
};

/* The form table. */
const struct dm_form *dm_forms(size_t *n);
const struct dm_form *dm_form_find(const char *id);

/* 1 when the form sets field itself (*value, may be NULL, receives it). */
int dm_form_fixed_value(const struct dm_form *f, const char *field, const char **value);
/* 1 when the form asks field fd of type t (the main type or the child's). */
int dm_form_asks(const struct dm_form *f, const struct dm_type *t, const struct dm_field *fd);
/* 1 when the form picks records of link_type ("hazard", "task") from a CSV of its manifest
 * (hazards.csv, tasks.csv). */
int dm_form_uses_media(const struct dm_schema *s, const struct dm_form *f, const char *link_type);

/* Writes the XForm of form in *xml_out (caller frees), and its version (a digest of the form
 * without it, so any change of the field tables or of the labels makes a new version) in
 * version_out. The choices are labelled from the message catalogues ("v.VALUE" in
 * catalog_dir/LANG.json; NULL: dm_catalog_dir()), else by the value itself. */
int dm_xform_build(const struct dm_schema *s, const struct dm_form *form, const char *catalog_dir, char **xml_out,
		   size_t *len_out, char version_out[24], struct dm_error *err);

/* What a submission holds, read by dm_xform_read. */
struct dm_submission {
	const struct dm_form *form;
	char version[64];
	char instance_id[128];
	char deprecated_id[128];
	json_t *record;     /* the main record's input document (fields, geometry, date_of_information) */
	json_t *children;   /* array of the child records' input documents (their link left out) */
	json_t *files;      /* array of attachment file names the instance refers to */
};
void dm_submission_release(struct dm_submission *sub);

/* Reads a submission's XML (untrusted): no DTD, no entities, no network; the form must be one of
 * the table and its version the current one (expected_version, from dm_xform_build). Every
 * problem is a detail of err naming the question; DM_EINVAL when any; DM_ENOTFOUND for a form or
 * version that does not exist; an encrypted envelope is DM_EINVAL with field "encrypted".
 * Turning points are walked into a polygon with g. Release out with dm_submission_release()
 * (also on failure, when out->form and out->instance_id say what was refused, if known). */
struct dm_geo;
int dm_xform_read(struct dm_geo *g, const struct dm_schema *s, const char *xml, size_t len,
		  const char *(*current_version)(const struct dm_form *f, void *arg), void *arg,
		  struct dm_submission *out, struct dm_error *err);

#endif
