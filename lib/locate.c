/* locate.c: figures a record computes from itself (geodesic area) and the admin area that
 * holds it (adm2, else adm1), for records entered without a location. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/geo.h"
#include "db_impl.h"
#include "locate.h"

static unsigned geom_kind(const struct dm_geom *g)
{
	unsigned t;
	if (!g->wkb || g->wkb_len < 5)
		return 0;
	t = g->wkb[0] == 1 ? (unsigned)(g->wkb[1] | g->wkb[2] << 8 | g->wkb[3] << 16 | (unsigned)g->wkb[4] << 24)
			   : (unsigned)(g->wkb[4] | g->wkb[3] << 8 | g->wkb[2] << 16 | (unsigned)g->wkb[1] << 24);
	return t % 1000;
}

int dm_compute_own_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err)
{
	struct dm_db *db = c->db;
	const struct dm_field *f = dm_type_field(r->type, "area_m2");
	unsigned k = geom_kind(&r->geom);
	double area = 0;
	int rc;
	if (!f || !(f->flags & DM_FF_COMPUTED))
		return 0;
	if (k == 3 || k == 6) {
		rc = dm_geo_area_m2(db->geo, &r->geom, &area, err);
		if (rc)
			return rc;
	}
	if (json_object_set_new(r->fields, "area_m2", k == 3 || k == 6 ? json_real(area) : json_null()))
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	return 0;
}

/* The admin areas of one kind, kept per connection: reading and preparing a district's
 * polygon for every record would dominate a bulk import. The cache is dropped when a location
 * is written through this connection, and rebuilt when the location change counter moved
 * (writes by other processes). */
struct area {
	char *id;
	struct dm_geom geom;          /* owned copy */
	struct dm_geo_prepared *prep; /* prepared on first use */
};
struct area_list {
	struct area *v;
	size_t n;
};
struct dm_area_cache {
	int64_t counter;
	struct area_list adm2, adm1;
	int has_box;
	double box[4]; /* minx, miny, maxx, maxy of every area */
};

/* A record near the country but outside every admin area (a hazard on a border the boundary
 * file draws roughly) is kept without a location and flagged by `demine check`; one this far
 * from every area is a wrong coordinate (swapped longitude and latitude, another CRS). */
#define OUTSIDE_MARGIN_DEG 0.5

static void free_list(struct dm_geo *g, struct area_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		dm_geom_release(&l->v[i].geom);
		dm_geo_prepared_free(g, l->v[i].prep);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void free_areas(struct dm_db *db, void *p)
{
	struct dm_area_cache *a = p;
	free_list(db->geo, &a->adm2);
	free_list(db->geo, &a->adm1);
	free(a);
}

int dm_locate_forget_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err)
{
	dm_db_cache_drop(c->db, DM_CACHE_AREAS);
	return 0;
}

static int load_list(struct dm_db *db, const char *kind, struct area_list *l, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	size_t cap = 0;
	char q[256];
	int rc;
	snprintf(q, sizeof(q), "SELECT id, geom, minx, miny, maxx, maxy FROM location WHERE kind = ? AND deleted = 0"
		 " AND geom IS NOT NULL ORDER BY code%s", dm_store_collate_binary(db->st));
	if ((rc = dm_stmt_prepare(db->st, q, &s, err)))
		return rc;
	dm_stmt_bind_text(s, 1, kind);
	while ((rc = dm_stmt_step(s, err)) == 1) {
		struct area a = { 0 };
		size_t len = 0;
		const void *wkb = dm_stmt_column_blob(s, 1, &len);
		if (DM_GROW(l->v, l->n + 1, cap)) {
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			break;
		}
		a.id = strdup(dm_stmt_column_text(s, 0));
		a.geom.wkb = malloc(len ? len : 1);
		if (!a.id || !a.geom.wkb) {
			free(a.id);
			free(a.geom.wkb);
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			break;
		}
		memcpy(a.geom.wkb, wkb, len);
		a.geom.wkb_len = len;
		a.geom.minx = dm_stmt_column_real(s, 2);
		a.geom.miny = dm_stmt_column_real(s, 3);
		a.geom.maxx = dm_stmt_column_real(s, 4);
		a.geom.maxy = dm_stmt_column_real(s, 5);
		l->v[l->n++] = a;
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

static void grow_box(struct dm_area_cache *c, const struct area_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct dm_geom *g = &l->v[i].geom;
		if (!c->has_box) {
			c->box[0] = g->minx, c->box[1] = g->miny, c->box[2] = g->maxx, c->box[3] = g->maxy;
			c->has_box = 1;
			continue;
		}
		c->box[0] = g->minx < c->box[0] ? g->minx : c->box[0];
		c->box[1] = g->miny < c->box[1] ? g->miny : c->box[1];
		c->box[2] = g->maxx > c->box[2] ? g->maxx : c->box[2];
		c->box[3] = g->maxy > c->box[3] ? g->maxy : c->box[3];
	}
}

/* The cached areas, loaded again when another process changed the locations. */
static int areas(struct dm_db *db, struct dm_area_cache **out, struct dm_error *err)
{
	int64_t counter = 0;
	int rc = dm_store_query_int(db->st, "SELECT n FROM change_counter WHERE name = ?", "location", &counter, err);
	struct dm_area_cache *a = dm_db_cache(db, DM_CACHE_AREAS);
	if (rc)
		return rc; /* no row yet: counter 0 */
	if (a && a->counter == counter) {
		*out = a;
		return 0;
	}
	dm_db_cache_drop(db, DM_CACHE_AREAS);
	if (!(a = calloc(1, sizeof(*a))))
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	a->counter = counter;
	rc = load_list(db, "adm2", &a->adm2, err);
	if (!rc)
		rc = load_list(db, "adm1", &a->adm1, err);
	if (rc) {
		free_areas(db, a);
		return rc;
	}
	grow_box(a, &a->adm2);
	grow_box(a, &a->adm1);
	dm_db_cache_set(db, DM_CACHE_AREAS, a, free_areas);
	*out = a;
	return 0;
}

/* 1 when the admin areas are known and g lies wholly beyond their box and its margin. */
static int far_outside(const struct dm_area_cache *c, const struct dm_geom *g)
{
	const double m = OUTSIDE_MARGIN_DEG;
	return c->has_box && (g->maxx < c->box[0] - m || g->minx > c->box[2] + m || g->maxy < c->box[1] - m ||
			      g->miny > c->box[3] + m);
}

static int bbox_overlaps(const struct dm_geom *a, const struct dm_geom *b)
{
	return a->maxx >= b->minx && a->minx <= b->maxx && a->maxy >= b->miny && a->miny <= b->maxy;
}

/* Picks the area that holds the record wholly (the first by code), else, for a polygon across
 * a boundary, the one with the largest part of it. */
static const char *best_area(struct dm_db *db, const struct dm_record *r, struct area_list *l)
{
	const char *best = NULL;
	double most = 0;
	size_t i;
	for (i = 0; i < l->n; i++) {
		struct area *a = &l->v[i];
		if (!bbox_overlaps(&a->geom, &r->geom))
			continue;
		if (!a->prep)
			a->prep = dm_geo_prepare(db->geo, &a->geom);
		if (a->prep && dm_geo_prepared_covers(db->geo, a->prep, &r->geom) == 1)
			return a->id;
	}
	if (geom_kind(&r->geom) == 1)
		return NULL;
	for (i = 0; i < l->n; i++) {
		double share;
		if (!bbox_overlaps(&l->v[i].geom, &r->geom))
			continue;
		share = dm_geo_intersection_area_m2(db->geo, &l->v[i].geom, &r->geom);
		if (share > most) {
			most = share;
			best = l->v[i].id;
		}
	}
	return best;
}

int dm_locate_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err)
{
	struct dm_db *db = c->db;
	struct dm_area_cache *a = NULL;
	const char *loc;
	int rc;
	if (r->location || !r->geom.wkb || !strcmp(r->type->name, "location"))
		return 0;
	if ((rc = areas(db, &a, err)))
		return rc;
	loc = best_area(db, r, &a->adm2);
	if (!loc)
		loc = best_area(db, r, &a->adm1);
	if (!loc && far_outside(a, &r->geom)) {
		dm_error_add(err, "geometry", "the %s (%.6f %.6f to %.6f %.6f) lies outside the country: more than %.1f"
			     " degrees from the administrative areas of this database (%.2f %.2f to %.2f %.2f); check the"
			     " coordinates (longitude first) and their CRS", geom_kind(&r->geom) == 1 ? "point" : "geometry",
			     r->geom.minx, r->geom.miny, r->geom.maxx, r->geom.maxy, OUTSIDE_MARGIN_DEG, a->box[0], a->box[1],
			     a->box[2], a->box[3]);
		return dm_error_set(err, DM_EINVAL, "geometry", "%s record refused: geometry: outside the country",
				    r->type->name);
	}
	if (loc && !(r->location = strdup(loc)))
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	return 0;
}
