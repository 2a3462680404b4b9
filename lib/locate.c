/* locate.c: figures a record computes from itself (geodesic area) and the admin area that
 * holds it (adm2, else adm1), for records entered without a location. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/geo.h"
#include "record_impl.h"

static unsigned geom_kind(const struct dm_geom *g)
{
	unsigned t;
	if (!g->wkb || g->wkb_len < 5)
		return 0;
	t = g->wkb[0] == 1 ? (unsigned)(g->wkb[1] | g->wkb[2] << 8 | g->wkb[3] << 16 | (unsigned)g->wkb[4] << 24)
			   : (unsigned)(g->wkb[4] | g->wkb[3] << 8 | g->wkb[2] << 16 | (unsigned)g->wkb[1] << 24);
	return t % 1000;
}

int dm_rec_compute_own(struct dm_db *db, struct dm_record *r, struct dm_error *err)
{
	const struct dm_field *f = dm_type_field(r->type, "area_m2");
	unsigned k = geom_kind(&r->geom);
	double area = 0;
	int rc;
	if (!f || !(f->flags & DM_FF_COMPUTED))
		return 0;
	if (k != 3 && k != 6) {
		json_object_set_new(r->fields, "area_m2", json_null());
		return 0;
	}
	rc = dm_geo_area_m2(db->geo, &r->geom, &area, err);
	if (rc)
		return rc;
	json_object_set_new(r->fields, "area_m2", json_real(area));
	return 0;
}

/* Picks the area of the given kind that holds the point, or most of the polygon. */
static int best_area(struct dm_db *db, const struct dm_record *r, const char *kind, char **out,
		     struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	double cx = (r->geom.minx + r->geom.maxx) / 2, cy = (r->geom.miny + r->geom.maxy) / 2, best = 0;
	int point = geom_kind(&r->geom) == 1, rc;
	rc = dm_stmt_prepare(db->st, "SELECT id, geom, minx, miny, maxx, maxy FROM location WHERE kind = ? AND deleted = 0 AND geom IS NOT NULL"
				     " AND maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, kind);
	dm_stmt_bind_real(s, 2, r->geom.minx);
	dm_stmt_bind_real(s, 3, r->geom.maxx);
	dm_stmt_bind_real(s, 4, r->geom.miny);
	dm_stmt_bind_real(s, 5, r->geom.maxy);
	if (point)
		cx = r->geom.minx, cy = r->geom.miny;
	while ((rc = dm_stmt_step(s, err)) == 1) {
		struct dm_geom area = { 0 };
		double share;
		area.wkb = (unsigned char *)dm_stmt_column_blob(s, 1, &area.wkb_len);
		area.minx = dm_stmt_column_real(s, 2);
		area.miny = dm_stmt_column_real(s, 3);
		area.maxx = dm_stmt_column_real(s, 4);
		area.maxy = dm_stmt_column_real(s, 5);
		share = point ? dm_geo_point_in(db->geo, &area, cx, cy)
			      : dm_geo_intersection_area_m2(db->geo, &area, &r->geom);
		if (share > best) {
			best = share;
			free(*out);
			*out = strdup(dm_stmt_column_text(s, 0));
		}
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

int dm_rec_assign_location(struct dm_db *db, struct dm_record *r, struct dm_error *err)
{
	char *loc = NULL;
	int rc;
	if (r->location || !r->geom.wkb || !strcmp(r->type->name, "location"))
		return 0;
	rc = best_area(db, r, "adm2", &loc, err);
	if (!rc && !loc)
		rc = best_area(db, r, "adm1", &loc, err);
	if (!rc && loc) {
		free(r->location);
		r->location = loc;
		loc = NULL;
	}
	free(loc);
	return rc;
}
