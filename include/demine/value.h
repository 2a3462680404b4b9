/* value.h: the record value type: one version of a record in memory, and its geometry.
 * A leaf of the library: every record module builds on it, it depends on none of them. */
#ifndef DEMINE_VALUE_H
#define DEMINE_VALUE_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "demine/schema.h"

/* The geometry of a record, in WGS84: WKB plus its bounding box. */
struct dm_geom {
	unsigned char *wkb; /* owned; NULL when the record has no geometry */
	size_t wkb_len;
	double minx, miny, maxx, maxy;
};
void dm_geom_release(struct dm_geom *g);
int dm_geom_copy(struct dm_geom *dst, const struct dm_geom *src);

struct dm_record {
	const struct dm_type *type;
	char id[37];
	char *code;
	char *external_id;
	int64_t version;
	int64_t approved_version; /* 0 when no version is approved */
	char status[16];          /* draft, submitted, approved, rejected */
	int deleted;              /* 1 on a deletion version */
	char *organisation;       /* owning organisation id */
	char *location;           /* admin area id */
	char *date_of_information;
	char *created_by, *created_at; /* first version */
	char *updated_by, *updated_at; /* this version */
	char *change_reason;      /* why this version was written */
	char *status_reason;      /* e.g. the reason of a rejection */
	char *source_crs;         /* CRS the geometry was given in, e.g. "EPSG:28408" */
	struct dm_geom geom;
	json_t *fields;           /* typed values of the type's fields (owned) */
};

/* Caller frees with dm_record_free(). */
struct dm_record *dm_record_new(const struct dm_type *type);
void dm_record_free(struct dm_record *r);

/* A deep copy of r; NULL when out of memory (nothing half-copied is returned).
 * Caller frees with dm_record_free(). */
struct dm_record *dm_record_clone(const struct dm_record *r);

#endif
