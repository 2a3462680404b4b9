/* geo_lr.c: land release overlay (IMAS 07.11): a hazard's cancelled, reduced, cleared and
 * remaining area, each square metre counted once, and release outside the hazard. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "geo_impl.h"

/* Edges are geodesics and areas geodesic, but GEOS overlays straight segments. The overlay
 * runs in a gnomonic projection centred on the hazard, where great circles are straight
 * lines: a node GEOS inserts on an edge then lies on the edge's great circle, which is within
 * about f·L²·tan(φ)/8R of the ellipsoidal geodesic (0.05 mm for a 1 km edge). Edges are
 * still densified along the geodesics, every 200 m, which makes that gap negligible (µm), so
 * the parts add up to the whole within a few mm². The points lie on the original geodesics,
 * so the densified polygon has the same geodesic area. */
/* 1 when the segment is surely shorter than step metres: a flat-earth length on a sphere is
 * within 1% of the geodesic one at these lengths, and costs a fraction of geod_inverse. */
static int shorter_than(double x0, double y0, double x1, double y1, double step)
{
	const double deg = M_PI / 180.0;
	double dy = (y1 - y0) * deg, dx = (x1 - x0) * deg * cos((y0 + y1) / 2 * deg);
	return 6371000.0 * hypot(dx, dy) < 0.98 * step;
}

static GEOSCoordSequence *densify_seq(struct dm_geo *g, const GEOSGeometry *line, double step)
{
	const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(g->gh, line);
	unsigned n = 0;
	if (!s || !GEOSCoordSeq_getSize_r(g->gh, s, &n))
		return NULL;
	size_t cap = n + 16, m = 0;
	double *v = malloc(2 * cap * sizeof(double)), px = 0, py = 0;
	if (!v)
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		double x, y, d = 0, azi = 0;
		GEOSCoordSeq_getXY_r(g->gh, s, i, &x, &y);
		size_t k = 1; /* the edge ending here is cut into k pieces */
		if (i && !shorter_than(px, py, x, y, step)) {
			geod_inverse(&g->geod, py, px, y, x, &d, &azi, NULL);
			k = (size_t)ceil(d / step);
			if (k < 1)
				k = 1;
		}
		/* room for the k - 1 points inserted and the vertex itself, on every branch */
		if (m + k > cap) {
			double *nv = dm_grow_array(v, 2 * sizeof(double), m + k, &cap);
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
		v[2 * m] = x; /* the original vertex, exactly (rings stay closed) */
		v[2 * m + 1] = y;
		m++;
		px = x;
		py = y;
	}
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

/* Spherical gnomonic projection about (lon0, lat0), in metres (R = 6371 km keeps GEOS's
 * coordinates at the scale of the hazard). */
struct gnomonic {
	double lon0, sin0, cos0;
};
#define GNOM_R 6371000.0
#define DEG (M_PI / 180.0)

static int gnom_fwd(double *x, double *y, void *ud)
{
	const struct gnomonic *p = ud;
	double lam = (*x - p->lon0) * DEG, phi = *y * DEG;
	double cphi = cos(phi), sphi = sin(phi), cl = cos(lam);
	double cosc = p->sin0 * sphi + p->cos0 * cphi * cl;
	if (cosc <= 0.1) /* more than 84° away: never for a hazard and its releases */
		return 0;
	*x = GNOM_R * cphi * sin(lam) / cosc;
	*y = GNOM_R * (p->cos0 * sphi - p->sin0 * cphi * cl) / cosc;
	return 1;
}

static int gnom_inv(double *x, double *y, void *ud)
{
	const struct gnomonic *p = ud;
	double u = *x / GNOM_R, v = *y / GNOM_R, rho = hypot(u, v);
	double c = atan(rho), sc = sin(c), cc = cos(c);
	if (rho == 0) {
		*x = p->lon0;
		*y = asin(p->sin0) / DEG;
		return 1;
	}
	*y = asin(cc * p->sin0 + v * sc * p->cos0 / rho) / DEG;
	*x = p->lon0 + atan2(u * sc, rho * p->cos0 * cc - v * p->sin0 * sc) / DEG;
	return 1;
}

/* Segment length for densifying: 200 m (see above); large hazards get longer segments so that
 * a district-sized polygon stays a few thousand vertices a side. */
static double densify_step(struct dm_geo *g, const struct dm_geom *h)
{
	double d = 0;
	geod_inverse(&g->geod, h->miny, h->minx, h->maxy, h->maxx, &d, NULL, NULL);
	return fmax(200.0, d / 5000);
}

/* Parts already overlaid, with their envelopes: a new release is differenced only against the
 * parts its envelope touches, and everything is unioned once at the end (a running union
 * re-nodes the whole accumulated geometry for every release). */
struct part {
	GEOSGeometry *geom;
	double minx, miny, maxx, maxy;
};
struct parts {
	struct part *v;
	size_t n, cap;
};

struct lr {
	struct dm_geo *g;
	struct gnomonic gn;               /* the plane every geometry below is in */
	GEOSGeometry *hazard;
	const GEOSPreparedGeometry *prep; /* the hazard, for "does it hold this release wholly" */
	struct parts covered;             /* releases clipped to the hazard, in credit order */
	struct parts outside;             /* the parts of releases outside the hazard */
};

static void parts_free(struct dm_geo *g, struct parts *p)
{
	for (size_t i = 0; i < p->n; i++)
		GEOSGeom_destroy_r(g->gh, p->v[i].geom);
	free(p->v);
}

static void lr_release(struct lr *s)
{
	parts_free(s->g, &s->covered);
	parts_free(s->g, &s->outside);
	if (s->prep)
		GEOSPreparedGeom_destroy_r(s->g->gh, s->prep);
	if (s->hazard)
		GEOSGeom_destroy_r(s->g->gh, s->hazard);
}

/* geom (taken) projected into the overlay's plane, or back to lon/lat; NULL on failure. */
static GEOSGeometry *reproject(struct lr *s, GEOSGeometry *geom, int to_plane)
{
	GEOSGeometry *r;
	if (!geom)
		return NULL;
	r = GEOSGeom_transformXY_r(s->g->gh, geom, to_plane ? gnom_fwd : gnom_inv, &s->gn);
	GEOSGeom_destroy_r(s->g->gh, geom);
	return r;
}

/* Geodesic area of a planar geometry (not taken); negative on failure. */
static double plane_area(struct lr *s, const GEOSGeometry *planar)
{
	GEOSGeometry *ll = reproject(s, GEOSGeom_clone_r(s->g->gh, planar), 0);
	double a = ll ? geo_area(s->g, ll) : -1;
	if (ll)
		GEOSGeom_destroy_r(s->g->gh, ll);
	return a;
}

/* Adds geom (taken; empty ones are dropped). -1 when out of memory. */
static int parts_add(struct dm_geo *g, struct parts *p, GEOSGeometry *geom)
{
	struct part pt = { geom, 0, 0, 0, 0 };
	if (GEOSisEmpty_r(g->gh, geom) ||
	    !GEOSGeom_getXMin_r(g->gh, geom, &pt.minx) || !GEOSGeom_getYMin_r(g->gh, geom, &pt.miny) ||
	    !GEOSGeom_getXMax_r(g->gh, geom, &pt.maxx) || !GEOSGeom_getYMax_r(g->gh, geom, &pt.maxy)) {
		GEOSGeom_destroy_r(g->gh, geom);
		return 0;
	}
	if (DM_GROW(p->v, p->n + 1, p->cap)) {
		GEOSGeom_destroy_r(g->gh, geom);
		return -1;
	}
	p->v[p->n++] = pt;
	return 0;
}

/* The union of the parts. Sets *none and returns NULL when there are none; NULL without
 * *none is a failure. */
static GEOSGeometry *parts_union(struct dm_geo *g, const struct parts *p, int *none)
{
	GEOSGeometry **v = p->n ? malloc(p->n * sizeof(*v)) : NULL, *coll, *u;
	unsigned k = 0;
	*none = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (!v || !(v[k] = GEOSGeom_clone_r(g->gh, p->v[i].geom)))
			goto fail;
		k++;
	}
	if (!k) {
		free(v);
		*none = 1;
		return NULL;
	}
	coll = GEOSGeom_createCollection_r(g->gh, GEOS_GEOMETRYCOLLECTION, v, k);
	free(v);
	if (!coll)
		return NULL; /* the parts are lost with the failed collection's inputs */
	u = GEOSUnaryUnion_r(g->gh, coll);
	GEOSGeom_destroy_r(g->gh, coll);
	return u;
fail:
	while (k)
		GEOSGeom_destroy_r(g->gh, v[--k]);
	free(v);
	return NULL;
}

/* What of in (not taken) no earlier part covers: in itself when no part's envelope touches
 * probe's, else a new geometry; NULL on failure. The parts are differenced one by one: a
 * release touches a few, and unioning them first costs an overlay more per part. */
static GEOSGeometry *not_yet_credited(struct lr *s, GEOSGeometry *in, const struct part *probe)
{
	struct dm_geo *g = s->g;
	GEOSGeometry *fresh = in;
	for (size_t i = 0; fresh && i < s->covered.n && !GEOSisEmpty_r(g->gh, fresh); i++) {
		const struct part *q = &s->covered.v[i];
		GEOSGeometry *d;
		if (q->maxx < probe->minx || q->minx > probe->maxx || q->maxy < probe->miny || q->miny > probe->maxy)
			continue;
		d = GEOSDifference_r(g->gh, fresh, q->geom);
		if (fresh != in)
			GEOSGeom_destroy_r(g->gh, fresh);
		fresh = d;
	}
	return fresh;
}

/* The part of rel (taken) inside the hazard; the part outside goes to s->outside. NULL on
 * failure. (Computing the difference first, and taking an empty one for "inside", costs as
 * much as the covers test for releases that share edges with their hazard, the usual case.) */
static GEOSGeometry *clip_to_hazard(struct lr *s, GEOSGeometry *rel)
{
	struct dm_geo *g = s->g;
	char inside = GEOSPreparedCovers_r(g->gh, s->prep, rel);
	GEOSGeometry *out, *in;
	if (inside == 1)
		return rel;
	in = inside == 0 ? GEOSIntersection_r(g->gh, rel, s->hazard) : NULL;
	out = inside == 0 ? GEOSDifference_r(g->gh, rel, s->hazard) : NULL;
	if ((!out || parts_add(g, &s->outside, out)) && in) {
		GEOSGeom_destroy_r(g->gh, in);
		in = NULL;
	}
	GEOSGeom_destroy_r(g->gh, rel);
	return in;
}

/* Credits the new part of one release (densified; taken); returns its area or a negative
 * value on failure. */
static double credit(struct lr *s, GEOSGeometry *rel)
{
	struct dm_geo *g = s->g;
	GEOSGeometry *in = clip_to_hazard(s, rel);
	GEOSGeometry *fresh = NULL;
	struct part probe = { NULL, 0, 0, 0, 0 };
	double a = -1;
	if (!in)
		return -1;
	if (!GEOSisEmpty_r(g->gh, in) && GEOSGeom_getXMin_r(g->gh, in, &probe.minx) &&
	    GEOSGeom_getYMin_r(g->gh, in, &probe.miny) && GEOSGeom_getXMax_r(g->gh, in, &probe.maxx) &&
	    GEOSGeom_getYMax_r(g->gh, in, &probe.maxy))
		fresh = not_yet_credited(s, in, &probe);
	else
		fresh = in;
	a = fresh ? plane_area(s, fresh) : -1;
	if (fresh && fresh != in)
		GEOSGeom_destroy_r(g->gh, fresh);
	if (parts_add(g, &s->covered, in))
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

/* Area of the outside parts and a point on the largest; 0 or an error. */
static int finish_outside(struct lr *s, struct dm_lr_result *r, struct dm_error *err)
{
	struct dm_geo *g = s->g;
	int none = 0;
	GEOSGeometry *out = reproject(s, parts_union(g, &s->outside, &none), 0);
	if (!out && !none)
		return dm_error_set(err, DM_EINVAL, "geometry", "land release overlay failed: %s", g->geos_msg);
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
	return 0;
}

/* The credited parts are disjoint, so what remains is the hazard's area less their sum. */
static int finish_area_only(struct lr *s, struct dm_lr_result *r, struct dm_error *err)
{
	r->remaining_m2 = fmax(0, r->hazard_area_m2 - r->cancelled_m2 - r->reduced_m2 - r->cleared_m2);
	return finish_outside(s, r, err);
}

static int finish(struct lr *s, struct dm_lr_result *r, struct dm_error *err)
{
	struct dm_geo *g = s->g;
	int none = 0;
	GEOSGeometry *cov = parts_union(g, &s->covered, &none);
	GEOSGeometry *rem = reproject(s, cov ? GEOSDifference_r(g->gh, s->hazard, cov)
					 : none ? GEOSGeom_clone_r(g->gh, s->hazard) : NULL, 0);
	GEOSGeometry *poly = rem ? geo_polygonal(g, rem, 1) : NULL;
	int rc = poly ? 0 : dm_error_set(err, DM_EINVAL, "geometry", "land release overlay failed: %s", g->geos_msg);
	if (cov)
		GEOSGeom_destroy_r(g->gh, cov);
	if (!rc) {
		r->remaining_m2 = geo_area(g, poly);
		rc = geo_write(g, poly, &r->remaining, err);
	}
	if (!rc)
		rc = finish_outside(s, r, err);
	if (rem)
		GEOSGeom_destroy_r(g->gh, rem);
	if (poly)
		GEOSGeom_destroy_r(g->gh, poly);
	return rc;
}

/* Nothing released: the hazard remains whole, and as its edges are geodesics its area needs no
 * densifying (the overlay does, to add planar parts up to the geodesic whole). Takes h. */
static int no_releases(struct dm_geo *g, GEOSGeometry *h, unsigned flags, struct dm_lr_result *out,
		       struct dm_error *err)
{
	struct dm_lr_result r;
	GEOSGeometry *poly = geo_polygonal(g, h, 1);
	int rc = poly ? 0 : dm_error_set(err, DM_EINVAL, "geometry", "the hazard has no polygon: %s", g->geos_msg);
	memset(&r, 0, sizeof(r));
	if (!rc) {
		r.hazard_area_m2 = r.remaining_m2 = geo_area(g, poly);
		if (flags & DM_LR_REMAINING_GEOMETRY)
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
			size_t n, unsigned flags, struct dm_lr_result *out, struct dm_error *err)
{
	struct lr s;
	struct dm_lr_result r;
	memset(&r, 0, sizeof(r));
	double step = densify_step(g, hazard);
	GEOSGeometry *h = geo_read(g, hazard);
	int rc = 0;
	if (!h)
		return dm_error_set(err, DM_EINVAL, "geometry", "the hazard has no readable geometry");
	if (n == 0)
		return no_releases(g, h, flags, out, err);
	memset(&s, 0, sizeof(s));
	s.g = g;
	s.gn.lon0 = (hazard->minx + hazard->maxx) / 2;
	s.gn.sin0 = sin((hazard->miny + hazard->maxy) / 2 * DEG);
	s.gn.cos0 = cos((hazard->miny + hazard->maxy) / 2 * DEG);
	s.hazard = densify(g, h, step);
	GEOSGeom_destroy_r(g->gh, h);
	if (s.hazard)
		r.hazard_area_m2 = geo_area(g, s.hazard);
	if ((s.hazard = reproject(&s, s.hazard, 1)) != NULL)
		s.prep = GEOSPrepare_r(g->gh, s.hazard);
	if (!s.prep) {
		lr_release(&s);
		return dm_error_set(err, DM_EINVAL, "geometry", "the hazard geometry cannot be densified");
	}
	double *slot[] = {&r.cancelled_m2, &r.reduced_m2, &r.cleared_m2};
	for (size_t i = 0; i < n && !rc; i++) {
		if (rel[i].method < 0 || rel[i].method > 2) {
			rc = dm_error_set(err, DM_EUSAGE, "method", "release %zu: method %d is not 0, 1 or 2", i + 1, rel[i].method);
			break;
		}
		GEOSGeometry *a = geo_read(g, rel[i].geom), *d = a ? reproject(&s, densify(g, a, step), 1) : NULL;
		double area = d ? credit(&s, d) : -1;
		if (area < 0)
			rc = dm_error_set(err, DM_EINVAL, "geometry", "release %zu: geometry cannot be overlaid %s", i + 1,
					  g->geos_msg);
		else
			*slot[rel[i].method] += area;
		if (a)
			GEOSGeom_destroy_r(g->gh, a);
	}
	if (!rc)
		rc = flags & DM_LR_REMAINING_GEOMETRY ? finish(&s, &r, err) : finish_area_only(&s, &r, err);
	lr_release(&s);
	if (!rc)
		*out = r;
	else
		geo_geom_free(&r.remaining);
	return rc;
}
