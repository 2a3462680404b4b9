/* geo_lr.c: land release overlay (IMAS 07.11): a hazard's cancelled, reduced, cleared and
 * remaining area, each square metre counted once, and release outside the hazard. */
#include <math.h>
#include <string.h>
#include "geo_impl.h"

/* Overlay nodes are computed on straight lon/lat segments, but area is geodesic: a node
 * inserted on a long edge would move the boundary off the geodesic by up to centimetres
 * per kilometre (metres² of area). Densifying along the geodesics first keeps every edge
 * short, so the parts add up to the whole within a few mm². The points lie on the original
 * geodesics, so the densified polygon has the same geodesic area. */
static GEOSCoordSequence *densify_seq(struct dm_geo *g, const GEOSGeometry *line, double step)
{
	const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(g->gh, line);
	unsigned n = 0;
	if (!s || !GEOSCoordSeq_getSize_r(g->gh, s, &n))
		return NULL;
	size_t cap = n + 16, m = 0;
	double *v = malloc(2 * cap * sizeof(double)), px = 0, py = 0;
	for (unsigned i = 0; v && i < n; i++) {
		double x, y, d, azi;
		GEOSCoordSeq_getXY_r(g->gh, s, i, &x, &y);
		size_t k = 1;
		if (i) {
			geod_inverse(&g->geod, py, px, y, x, &d, &azi, NULL);
			k = (size_t)ceil(d / step);
			if (k < 1)
				k = 1;
			if (m + k + 1 > cap) {
				cap = 2 * (m + k + 1);
				double *nv = realloc(v, 2 * cap * sizeof(double));
				if (!nv) {
					free(v);
					return NULL;
				}
				v = nv;
			}
			for (size_t j = 1; j < k; j++) {
				double la, lo;
				geod_direct(&g->geod, py, px, azi, d * (double)j / (double)k, &la, &lo, NULL);
				v[2 * m] = lo;
				v[2 * m + 1] = la;
				m++;
			}
		}
		v[2 * m] = x; /* the original vertex, exactly (rings stay closed) */
		v[2 * m + 1] = y;
		m++;
		px = x;
		py = y;
	}
	if (!v)
		return NULL;
	GEOSCoordSequence *r = GEOSCoordSeq_create_r(g->gh, (unsigned)m, 2);
	for (size_t i = 0; r && i < m; i++)
		GEOSCoordSeq_setXY_r(g->gh, r, (unsigned)i, v[2 * i], v[2 * i + 1]);
	free(v);
	return r;
}

static GEOSGeometry *densify_polygon(struct dm_geo *g, const GEOSGeometry *p, double step)
{
	if (GEOSisEmpty_r(g->gh, p))
		return GEOSGeom_createEmptyPolygon_r(g->gh);
	int nh = GEOSGetNumInteriorRings_r(g->gh, p);
	GEOSGeometry **holes = calloc((size_t)nh + 1, sizeof(*holes));
	GEOSCoordSequence *s = densify_seq(g, GEOSGetExteriorRing_r(g->gh, p), step);
	GEOSGeometry *shell = s ? GEOSGeom_createLinearRing_r(g->gh, s) : NULL;
	for (int i = 0; holes && i < nh; i++) {
		s = densify_seq(g, GEOSGetInteriorRingN_r(g->gh, p, i), step);
		holes[i] = s ? GEOSGeom_createLinearRing_r(g->gh, s) : NULL;
	}
	GEOSGeometry *r = NULL;
	int ok = shell && holes;
	for (int i = 0; ok && i < nh; i++)
		ok = holes[i] != NULL;
	if (ok) {
		r = GEOSGeom_createPolygon_r(g->gh, shell, holes, (unsigned)nh);
	} else {
		if (shell)
			GEOSGeom_destroy_r(g->gh, shell);
		for (int i = 0; holes && i < nh; i++)
			if (holes[i])
				GEOSGeom_destroy_r(g->gh, holes[i]);
	}
	free(holes);
	return r;
}

/* The polygonal parts of geom, densified; NULL on failure. */
static GEOSGeometry *densify(struct dm_geo *g, const GEOSGeometry *geom, double step)
{
	GEOSGeometry *poly = geo_polygonal(g, geom, 0);
	if (!poly)
		return NULL;
	int n = GEOSGetNumGeometries_r(g->gh, poly);
	GEOSGeometry **parts = calloc((size_t)n + 1, sizeof(*parts));
	int ok = parts != NULL;
	for (int i = 0; ok && i < n; i++)
		ok = (parts[i] = densify_polygon(g, GEOSGetGeometryN_r(g->gh, poly, i), step)) != NULL;
	GEOSGeometry *r = NULL;
	if (ok)
		r = GEOSGeom_createCollection_r(g->gh, GEOS_MULTIPOLYGON, parts, (unsigned)n);
	else
		for (int i = 0; parts && i < n; i++)
			if (parts[i])
				GEOSGeom_destroy_r(g->gh, parts[i]);
	free(parts);
	GEOSGeom_destroy_r(g->gh, poly);
	return r;
}

/* Segment length for densifying: 10 m keeps the error far below 0.01 m²; large hazards get
 * longer segments so that a district-sized polygon stays a few thousand vertices a side. */
static double densify_step(struct dm_geo *g, const struct dm_geom *h)
{
	double d = 0;
	geod_inverse(&g->geod, h->miny, h->minx, h->maxy, h->maxx, &d, NULL, NULL);
	return fmax(10.0, d / 5000);
}

struct lr {
	struct dm_geo *g;
	GEOSGeometry *hazard, *covered, *all;
};

static void lr_release(struct lr *s)
{
	GEOSGeometry *v[] = {s->hazard, s->covered, s->all};
	for (size_t i = 0; i < 3; i++)
		if (v[i])
			GEOSGeom_destroy_r(s->g->gh, v[i]);
}

/* Replaces *acc by *acc ∪ add (takes add). */
static int merge(struct dm_geo *g, GEOSGeometry **acc, GEOSGeometry *add)
{
	if (!*acc) {
		*acc = add;
		return 0;
	}
	GEOSGeometry *u = GEOSUnion_r(g->gh, *acc, add);
	GEOSGeom_destroy_r(g->gh, add);
	if (!u)
		return -1;
	GEOSGeom_destroy_r(g->gh, *acc);
	*acc = u;
	return 0;
}

/* Credits the new part of one release; returns its area or a negative value on failure. */
static double credit(struct lr *s, const GEOSGeometry *rel)
{
	struct dm_geo *g = s->g;
	GEOSGeometry *in = GEOSIntersection_r(g->gh, rel, s->hazard), *fresh;
	if (!in)
		return -1;
	fresh = s->covered ? GEOSDifference_r(g->gh, in, s->covered) : GEOSGeom_clone_r(g->gh, in);
	double a = fresh ? geo_area(g, fresh) : -1;
	if (fresh)
		GEOSGeom_destroy_r(g->gh, fresh);
	if (merge(g, &s->covered, in) || merge(g, &s->all, GEOSGeom_clone_r(g->gh, rel)))
		return -1;
	return a;
}

/* Geodesic edges of neighbouring polygons bulge differently (a 1 km edge by 1.6 cm), so an
 * outside part usually comes with mm-wide slivers along shared edges: the point shown is
 * on the largest part. */
static const GEOSGeometry *largest_part(struct dm_geo *g, const GEOSGeometry *gg)
{
	const GEOSGeometry *best = NULL;
	double ba = 0;
	int n = GEOSGetNumGeometries_r(g->gh, gg);
	for (int i = 0; i < n; i++) {
		const GEOSGeometry *p = GEOSGetGeometryN_r(g->gh, gg, i);
		double a = geo_area(g, p);
		if (a > ba) {
			ba = a;
			best = p;
		}
	}
	return best;
}

static int finish(struct lr *s, struct dm_lr_result *r, struct dm_error *err)
{
	struct dm_geo *g = s->g;
	GEOSGeometry *rem = s->covered ? GEOSDifference_r(g->gh, s->hazard, s->covered) : GEOSGeom_clone_r(g->gh, s->hazard);
	GEOSGeometry *poly = rem ? geo_polygonal(g, rem, 1) : NULL;
	int rc = poly ? 0 : dm_error_set(err, DM_EINVAL, "geometry", "land release overlay failed: %s", g->geos_msg);
	if (!rc) {
		r->remaining_m2 = geo_area(g, poly);
		rc = geo_write(g, poly, &r->remaining, err);
	}
	GEOSGeometry *out = !rc && s->all ? GEOSDifference_r(g->gh, s->all, s->hazard) : NULL;
	if (out) {
		r->outside_m2 = geo_area(g, out);
		const GEOSGeometry *big = largest_part(g, out);
		GEOSGeometry *p = big && r->outside_m2 > 0 ? GEOSPointOnSurface_r(g->gh, big) : NULL;
		if (p && GEOSGeomGetX_r(g->gh, p, &r->outside_x) && GEOSGeomGetY_r(g->gh, p, &r->outside_y))
			r->has_outside_point = 1;
		if (p)
			GEOSGeom_destroy_r(g->gh, p);
		GEOSGeom_destroy_r(g->gh, out);
	}
	if (rem)
		GEOSGeom_destroy_r(g->gh, rem);
	if (poly)
		GEOSGeom_destroy_r(g->gh, poly);
	return rc;
}

/* Nothing released: the hazard remains whole, and as its edges are geodesics its area needs no
 * densifying (the overlay does, to add planar parts up to the geodesic whole). Takes h. */
static int no_releases(struct dm_geo *g, GEOSGeometry *h, struct dm_lr_result *out, struct dm_error *err)
{
	struct dm_lr_result r;
	GEOSGeometry *poly = geo_polygonal(g, h, 1);
	int rc = poly ? 0 : dm_error_set(err, DM_EINVAL, "geometry", "the hazard has no polygon: %s", g->geos_msg);
	memset(&r, 0, sizeof(r));
	if (!rc) {
		r.hazard_area_m2 = r.remaining_m2 = geo_area(g, poly);
		rc = geo_write(g, poly, &r.remaining, err);
	}
	if (poly)
		GEOSGeom_destroy_r(g->gh, poly);
	GEOSGeom_destroy_r(g->gh, h);
	if (!rc)
		*out = r;
	return rc;
}

int dm_geo_land_release(struct dm_geo *g, const struct dm_geom *hazard, const struct dm_lr_release *rel,
			size_t n, struct dm_lr_result *out, struct dm_error *err)
{
	struct lr s = {g, NULL, NULL, NULL};
	struct dm_lr_result r;
	memset(&r, 0, sizeof(r));
	double step = densify_step(g, hazard);
	GEOSGeometry *h = geo_read(g, hazard);
	int rc = 0;
	if (!h)
		return dm_error_set(err, DM_EINVAL, "geometry", "the hazard has no readable geometry");
	if (n == 0)
		return no_releases(g, h, out, err);
	s.hazard = densify(g, h, step);
	GEOSGeom_destroy_r(g->gh, h);
	if (!s.hazard)
		return dm_error_set(err, DM_EINVAL, "geometry", "the hazard geometry cannot be densified");
	r.hazard_area_m2 = geo_area(g, s.hazard);
	double *slot[] = {&r.cancelled_m2, &r.reduced_m2, &r.cleared_m2};
	for (size_t i = 0; i < n && !rc; i++) {
		if (rel[i].method < 0 || rel[i].method > 2) {
			rc = dm_error_set(err, DM_EUSAGE, "method", "release %zu: method %d is not 0, 1 or 2", i + 1, rel[i].method);
			break;
		}
		GEOSGeometry *a = geo_read(g, rel[i].geom), *d = a ? densify(g, a, step) : NULL;
		double area = d ? credit(&s, d) : -1;
		if (area < 0)
			rc = dm_error_set(err, DM_EINVAL, "geometry", "release %zu: geometry cannot be overlaid %s", i + 1,
					  g->geos_msg);
		else
			*slot[rel[i].method] += area;
		if (a)
			GEOSGeom_destroy_r(g->gh, a);
		if (d)
			GEOSGeom_destroy_r(g->gh, d);
	}
	if (!rc)
		rc = finish(&s, &r, err);
	lr_release(&s);
	if (!rc)
		*out = r;
	else
		geo_geom_free(&r.remaining);
	return rc;
}
