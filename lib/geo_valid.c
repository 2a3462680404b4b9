/* geo_valid.c: geometry input: RFC 7946 structure checks, CRS transformation, OGC validity
 * with messages that name the ring and the place, and repair with GEOS MakeValid. */
#include <math.h>
#include <string.h>
#include <strings.h>
#include "geo_impl.h"
#include "geo_wkt.h"

#define MAX_POSITIONS 5000000u

struct build {
	struct dm_geo *g;
	const struct geo_crs *crs;
	unsigned flags;
	size_t npos;
	struct dm_error *err;
};

static int bad(struct build *b, const char *fmt, const char *what, const char *detail)
{
	return dm_error_set(b->err, DM_EINVAL, "geometry", fmt, what, detail);
}

/* One position: 2 or 3 numbers, transformed to WGS84 and range-checked. ox/oy keep the
 * numbers as given (closure is judged on them). */
static int position(struct build *b, json_t *p, const char *what, double *x, double *y, double *ox, double *oy)
{
	size_t n = json_is_array(p) ? json_array_size(p) : 0;
	if (n < 2 || n > 3 || !json_is_number(json_array_get(p, 0)) || !json_is_number(json_array_get(p, 1)) ||
	    (n == 3 && !json_is_number(json_array_get(p, 2))))
		return bad(b, "%s: a position must be an array of 2 or 3 numbers%s", what, "");
	if (++b->npos > MAX_POSITIONS)
		return dm_error_set(b->err, DM_ELIMIT, "geometry", "geometry has more than %u positions", MAX_POSITIONS);
	*x = *ox = json_number_value(json_array_get(p, 0));
	*y = *oy = json_number_value(json_array_get(p, 1));
	int rc = geo_crs_to_wgs84(b->g, b->crs, x, y, b->err);
	if (rc)
		return rc;
	if (b->flags & DM_GEO_NO_RANGE_CHECK)
		return 0;
	if (*x < -180 || *x > 180)
		return dm_error_set(b->err, DM_EINVAL, "geometry", "%s: longitude %.6f is outside -180..180 in (%.6f %.6f)",
				    what, *x, *x, *y);
	if (*y < -90 || *y > 90)
		return dm_error_set(b->err, DM_EINVAL, "geometry", "%s: latitude %.6f is outside -90..90 in (%.6f %.6f)%s",
				    what, *y, *x, *y, fabs(*x) <= 90 && fabs(*y) <= 180 ? " (longitude and latitude swapped?)" : "");
	return 0;
}

static int is_empty_ok(struct build *b, json_t *arr, const char *what)
{
	if (json_array_size(arr))
		return 0;
	if (b->flags & DM_GEO_ALLOW_EMPTY)
		return 1;
	return bad(b, "%s is empty%s", what, "");
}

/* A coordinate sequence; ring = 1 checks closure and 4 positions. */
static GEOSCoordSequence *sequence(struct build *b, json_t *arr, const char *what, int ring)
{
	if (!json_is_array(arr)) {
		bad(b, "%s: coordinates must be an array of positions%s", what, "");
		return NULL;
	}
	size_t n = json_array_size(arr);
	if (!ring && n == 1) {
		bad(b, "%s has 1 position, a line needs at least 2%s", what, "");
		return NULL;
	}
	GEOSCoordSequence *s = GEOSCoordSeq_create_r(b->g->gh, (unsigned)n, 2);
	double fx = 0, fy = 0, lx = 0, ly = 0;
	for (size_t i = 0; s && i < n; i++) {
		double x = 0, y = 0;
		if (position(b, json_array_get(arr, i), what, &x, &y, &lx, &ly)) {
			GEOSCoordSeq_destroy_r(b->g->gh, s);
			return NULL;
		}
		if (!i) {
			fx = lx;
			fy = ly;
		}
		GEOSCoordSeq_setXY_r(b->g->gh, s, (unsigned)i, x, y);
	}
	if (s && ring && n && (fx != lx || fy != ly)) {
		dm_error_set(b->err, DM_EINVAL, "geometry", "%s is not closed: first (%.6f %.6f) and last (%.6f %.6f) differ",
			     what, fx, fy, lx, ly);
	} else if (s && ring && n && n < 4) {
		dm_error_set(b->err, DM_EINVAL, "geometry", "%s has %zu positions, a ring needs at least 4", what, n);
	} else {
		return s;
	}
	GEOSCoordSeq_destroy_r(b->g->gh, s);
	return NULL;
}

static GEOSGeometry *point(struct build *b, json_t *c, const char *what)
{
	double x, y, ox, oy;
	if (json_is_array(c) && is_empty_ok(b, c, what))
		return GEOSGeom_createEmptyPoint_r(b->g->gh);
	if (b->err->code || position(b, c, what, &x, &y, &ox, &oy))
		return NULL;
	return GEOSGeom_createPointFromXY_r(b->g->gh, x, y);
}

static GEOSGeometry *linestring(struct build *b, json_t *c, const char *what, int ring)
{
	if (json_is_array(c) && is_empty_ok(b, c, what))
		return ring ? GEOSGeom_createLinearRing_r(b->g->gh, GEOSCoordSeq_create_r(b->g->gh, 0, 2))
			    : GEOSGeom_createEmptyLineString_r(b->g->gh);
	if (b->err->code)
		return NULL;
	GEOSCoordSequence *s = sequence(b, c, what, ring);
	if (!s)
		return NULL;
	return ring ? GEOSGeom_createLinearRing_r(b->g->gh, s) : GEOSGeom_createLineString_r(b->g->gh, s);
}

static void destroy_all(struct dm_geo *g, GEOSGeometry **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i])
			GEOSGeom_destroy_r(g->gh, v[i]);
	free(v);
}

/* prefix: "polygon" or "polygon 2". */
static GEOSGeometry *polygon(struct build *b, json_t *c, const char *prefix)
{
	if (!json_is_array(c)) {
		bad(b, "%s: coordinates must be an array of rings%s", prefix, "");
		return NULL;
	}
	if (is_empty_ok(b, c, prefix))
		return GEOSGeom_createEmptyPolygon_r(b->g->gh);
	if (b->err->code)
		return NULL;
	size_t n = json_array_size(c), m = 0;
	GEOSGeometry **rings = calloc(n ? n : 1, sizeof(*rings));
	if (!rings) {
		dm_error_set(b->err, DM_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		char what[64];
		snprintf(what, sizeof(what), "%s ring %zu", prefix, i + 1);
		json_t *r = json_array_get(c, i);
		if (json_is_array(r) && !json_array_size(r)) {
			/* OGC lets empty rings be; GEOS drops an empty hole, and an all-empty polygon is empty */
			if (!(b->flags & DM_GEO_ALLOW_EMPTY) || (i == 0 && n > 1 && json_array_size(json_array_get(c, 1)))) {
				bad(b, "%s is empty%s", what, "");
				destroy_all(b->g, rings, n);
				return NULL;
			}
			continue;
		}
		rings[m] = linestring(b, r, what, 1);
		if (!rings[m++]) {
			destroy_all(b->g, rings, n);
			return NULL;
		}
	}
	if (!m) {
		free(rings);
		return GEOSGeom_createEmptyPolygon_r(b->g->gh);
	}
	GEOSGeometry *p = GEOSGeom_createPolygon_r(b->g->gh, rings[0], rings + 1, (unsigned)(m - 1));
	free(rings);
	return p;
}

enum kind { K_POINT, K_LINE, K_RING, K_POLYGON, K_MPOINT, K_MLINE, K_MPOLYGON };
static const struct {
	const char *name;
	enum kind kind;
	int geos_type;
} kinds[] = {
	{"Point", K_POINT, GEOS_POINT}, {"LineString", K_LINE, GEOS_LINESTRING},
	{"LinearRing", K_RING, GEOS_LINEARRING}, {"Polygon", K_POLYGON, GEOS_POLYGON},
	{"MultiPoint", K_MPOINT, GEOS_MULTIPOINT}, {"MultiLineString", K_MLINE, GEOS_MULTILINESTRING},
	{"MultiPolygon", K_MPOLYGON, GEOS_MULTIPOLYGON},
};

static GEOSGeometry *part(struct build *b, enum kind k, json_t *c, const char *what)
{
	switch (k) {
	case K_POINT: return point(b, c, what);
	case K_LINE: return linestring(b, c, what, 0);
	case K_RING: return linestring(b, c, what, 1);
	default: return polygon(b, c, what);
	}
}

static GEOSGeometry *multi(struct build *b, enum kind k, int geos_type, json_t *c)
{
	static const char *const names[] = {[K_MPOINT] = "point", [K_MLINE] = "linestring", [K_MPOLYGON] = "polygon"};
	if (!json_is_array(c)) {
		bad(b, "%s: coordinates must be an array%s", names[k], "");
		return NULL;
	}
	if (is_empty_ok(b, c, "geometry"))
		return GEOSGeom_createEmptyCollection_r(b->g->gh, geos_type);
	if (b->err->code)
		return NULL;
	size_t n = json_array_size(c);
	GEOSGeometry **parts = calloc(n ? n : 1, sizeof(*parts));
	if (!parts) {
		dm_error_set(b->err, DM_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	enum kind pk = k == K_MPOINT ? K_POINT : k == K_MLINE ? K_LINE : K_POLYGON;
	for (size_t i = 0; i < n; i++) {
		char what[32];
		snprintf(what, sizeof(what), "%s %zu", names[k], i + 1);
		parts[i] = part(b, pk, json_array_get(c, i), what);
		if (!parts[i]) {
			destroy_all(b->g, parts, n);
			return NULL;
		}
	}
	GEOSGeometry *m = GEOSGeom_createCollection_r(b->g->gh, geos_type, parts, (unsigned)n);
	free(parts);
	return m;
}

static GEOSGeometry *build_geometry(struct build *b, json_t *geometry, int allow_ring)
{
	if (!json_is_object(geometry)) {
		dm_error_set(b->err, DM_EINVAL, "geometry", "geometry must be an object with type and coordinates");
		return NULL;
	}
	json_t *type = json_object_get(geometry, "type");
	json_t *coords = json_object_get(geometry, "coordinates");
	if (!json_is_string(type)) {
		dm_error_set(b->err, DM_EINVAL, "geometry", "geometry has no type member");
		return NULL;
	}
	const char *t = json_string_value(type);
	if (!strcmp(t, "GeometryCollection")) {
		dm_error_set(b->err, DM_EINVAL, "geometry", "geometrycollection is not supported: give each part as its own record");
		return NULL;
	}
	size_t i = 0, n = sizeof(kinds) / sizeof(kinds[0]);
	while (i < n && (strcmp(kinds[i].name, t) || (kinds[i].kind == K_RING && !allow_ring)))
		i++;
	if (i == n) {
		dm_error_set(b->err, DM_EINVAL, "geometry", "unknown geometry type '%s'", t);
		return NULL;
	}
	if (!coords) {
		dm_error_set(b->err, DM_EINVAL, "geometry", "%s has no coordinates member", t);
		return NULL;
	}
	static const char *const single[] = {"point", "linestring", "ring", "polygon"};
	enum kind k = kinds[i].kind;
	GEOSGeometry *gg = k <= K_POLYGON ? part(b, k, coords, single[k]) : multi(b, k, kinds[i].geos_type, coords);
	if (!gg && !b->err->code)
		dm_error_set(b->err, DM_ENOMEM, "geometry", "cannot build geometry: %s", b->g->geos_msg);
	return gg;
}

/* ---- validity messages ---- */

struct ringref {
	int poly;  /* 1-based polygon/part number, 0 when the geometry is not a multi */
	int ring;  /* 1 = shell */
	int kind;  /* GEOS type of the part */
	const GEOSGeometry *geom;
};

static double seg_dist(double px, double py, double ax, double ay, double bx, double by)
{
	double dx = bx - ax, dy = by - ay, l = dx * dx + dy * dy, t = 0;
	if (l > 0)
		t = fmax(0, fmin(1, ((px - ax) * dx + (py - ay) * dy) / l));
	return hypot(px - (ax + t * dx), py - (ay + t * dy));
}

static double line_dist(struct dm_geo *g, const GEOSGeometry *line, double x, double y)
{
	const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(g->gh, line);
	unsigned n = 0;
	double best = INFINITY, px = 0, py = 0;
	if (!s || !GEOSCoordSeq_getSize_r(g->gh, s, &n))
		return best;
	for (unsigned i = 0; i < n; i++) {
		double cx, cy;
		GEOSCoordSeq_getXY_r(g->gh, s, i, &cx, &cy);
		best = fmin(best, i ? seg_dist(x, y, px, py, cx, cy) : hypot(x - cx, y - cy));
		px = cx;
		py = cy;
	}
	return best;
}

/* Rings (or lines, points) the location lies on: up to 2 distinct ones, nearest first when none. */
static int find_rings(struct dm_geo *g, const GEOSGeometry *gg, double x, double y, struct ringref *hit)
{
	int t = GEOSGeomTypeId_r(g->gh, gg), is_multi = t >= GEOS_MULTIPOINT;
	int np = is_multi ? GEOSGetNumGeometries_r(g->gh, gg) : 1, nh = 0;
	double tol = 1e-9 * (1 + fmax(fabs(x), fabs(y))), best = INFINITY;
	struct ringref nearest = {0};
	for (int p = 0; p < np; p++) {
		const GEOSGeometry *pg = is_multi ? GEOSGetGeometryN_r(g->gh, gg, p) : gg;
		int pt = GEOSGeomTypeId_r(g->gh, pg);
		int nr = pt == GEOS_POLYGON && !GEOSisEmpty_r(g->gh, pg) ? 1 + GEOSGetNumInteriorRings_r(g->gh, pg) : 1;
		for (int r = 0; r < nr; r++) {
			const GEOSGeometry *rg = pt != GEOS_POLYGON ? pg
				: r ? GEOSGetInteriorRingN_r(g->gh, pg, r - 1) : GEOSGetExteriorRing_r(g->gh, pg);
			double d = pt == GEOS_POINT ? 0 : line_dist(g, rg, x, y);
			struct ringref ref = {is_multi ? p + 1 : 0, r + 1, pt, rg};
			if (d <= tol && nh < 2)
				hit[nh++] = ref;
			if (d < best) {
				best = d;
				nearest = ref;
			}
		}
	}
	if (!nh && best < INFINITY)
		hit[nh++] = nearest;
	return nh;
}

static void ring_name(const struct ringref *r, char *out, size_t n)
{
	char poly[24] = "";
	if (r->poly)
		snprintf(poly, sizeof(poly), " %d", r->poly);
	if (r->kind == GEOS_POLYGON)
		snprintf(out, n, "polygon%s ring %d (%s)", poly, r->ring, r->ring == 1 ? "the shell" : "a hole");
	else if (r->kind == GEOS_LINEARRING)
		snprintf(out, n, "ring");
	else
		snprintf(out, n, "%s%s", r->kind == GEOS_POINT ? "point" : "linestring", poly);
}

/* A spike: a vertex where the ring turns back on itself along the same line, next to (x, y). */
static int spike(struct dm_geo *g, const GEOSGeometry *ring, double x, double y, double *sx, double *sy)
{
	const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(g->gh, ring);
	unsigned n = 0;
	if (!s || !GEOSCoordSeq_getSize_r(g->gh, s, &n) || n < 4)
		return 0;
	double *v = malloc(2 * (size_t)n * sizeof(double));
	unsigned m = 0;
	for (unsigned i = 0; v && i + 1 < n; i++) { /* drop repeats and the closing position */
		GEOSCoordSeq_getXY_r(g->gh, s, i, &v[2 * m], &v[2 * m + 1]);
		if (!m || v[2 * m] != v[2 * m - 2] || v[2 * m + 1] != v[2 * m - 1])
			m++;
	}
	int found = 0;
	double tol = 1e-9 * (1 + fmax(fabs(x), fabs(y)));
	for (unsigned i = 0; v && m >= 3 && i < m && !found; i++) {
		const double *a = &v[2 * ((i + m - 1) % m)], *c = &v[2 * ((i + 1) % m)], *p = &v[2 * i];
		double ux = a[0] - p[0], uy = a[1] - p[1], wx = c[0] - p[0], wy = c[1] - p[1];
		double cross = ux * wy - uy * wx, dot = ux * wx + uy * wy;
		if (dot > 0 && fabs(cross) <= 1e-12 * hypot(ux, uy) * hypot(wx, wy) &&
		    (seg_dist(x, y, p[0], p[1], a[0], a[1]) <= tol || seg_dist(x, y, p[0], p[1], c[0], c[1]) <= tol)) {
			*sx = p[0];
			*sy = p[1];
			found = 1;
		}
	}
	free(v);
	return found;
}

/* Nested shells: GEOS's location is often a vertex both shells share, so look for the part
 * whose interior lies inside another part. Returns 1 with inner and outer numbers. */
static int nested_parts(struct dm_geo *g, const GEOSGeometry *gg, int *inner, int *outer)
{
	int np = GEOSGetNumGeometries_r(g->gh, gg), found = 0;
	for (int q = 0; q < np && !found; q++) {
		const GEOSGeometry *qg = GEOSGetGeometryN_r(g->gh, gg, q);
		if (GEOSGeomTypeId_r(g->gh, qg) != GEOS_POLYGON || GEOSisEmpty_r(g->gh, qg))
			continue;
		/* q's shell as a polygon without holes: a part nested in a hole of q counts too */
		GEOSGeometry *ring = GEOSGeom_clone_r(g->gh, GEOSGetExteriorRing_r(g->gh, qg));
		GEOSGeometry *shell = ring ? GEOSGeom_createPolygon_r(g->gh, ring, NULL, 0) : NULL;
		for (int p = 0; shell && p < np && !found; p++) {
			if (p != q && GEOSCovers_r(g->gh, shell, GEOSGetGeometryN_r(g->gh, gg, p)) == 1) {
				*inner = p + 1;
				*outer = q + 1;
				found = 1;
			}
		}
		if (shell)
			GEOSGeom_destroy_r(g->gh, shell);
	}
	return found;
}

static unsigned distinct_points(struct dm_geo *g, const GEOSGeometry *line)
{
	const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(g->gh, line);
	unsigned n = 0, d = 0;
	double px = NAN, py = NAN;
	if (!s || !GEOSCoordSeq_getSize_r(g->gh, s, &n))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		double x, y;
		GEOSCoordSeq_getXY_r(g->gh, s, i, &x, &y);
		d += !(x == px && y == py);
		px = x;
		py = y;
	}
	return d;
}

/* Too few distinct points: the location is often shared with a sound neighbour, so find the
 * degenerate line or ring itself. */
static int degenerate_ring(struct dm_geo *g, const GEOSGeometry *gg, struct ringref *out)
{
	int t = GEOSGeomTypeId_r(g->gh, gg), is_multi = t >= GEOS_MULTIPOINT;
	int np = is_multi ? GEOSGetNumGeometries_r(g->gh, gg) : 1;
	for (int p = 0; p < np; p++) {
		const GEOSGeometry *pg = is_multi ? GEOSGetGeometryN_r(g->gh, gg, p) : gg;
		int pt = GEOSGeomTypeId_r(g->gh, pg);
		if (pt == GEOS_POINT || GEOSisEmpty_r(g->gh, pg))
			continue;
		int nr = pt == GEOS_POLYGON ? 1 + GEOSGetNumInteriorRings_r(g->gh, pg) : 1;
		for (int r = 0; r < nr; r++) {
			const GEOSGeometry *rg = pt != GEOS_POLYGON ? pg
				: r ? GEOSGetInteriorRingN_r(g->gh, pg, r - 1) : GEOSGetExteriorRing_r(g->gh, pg);
			unsigned need = pt == GEOS_LINESTRING ? 2 : 4; /* a ring: 3 distinct + closing */
			if (distinct_points(g, rg) < need) {
				*out = (struct ringref){is_multi ? p + 1 : 0, r + 1, pt, rg};
				return 1;
			}
		}
	}
	return 0;
}

static void self_intersection(struct dm_geo *g, const struct ringref *h, int nh, double x, double y, char *msg,
			      size_t n)
{
	char a[64], b[64];
	double sx, sy;
	ring_name(&h[0], a, sizeof(a));
	if (nh == 2 && h[0].poly != h[1].poly) {
		snprintf(msg, n, "polygons %d and %d overlap at (%.6f %.6f)", h[0].poly, h[1].poly, x, y);
	} else if (nh == 2) {
		snprintf(b, sizeof(b), "ring %d (%s)", h[1].ring, h[1].ring == 1 ? "the shell" : "a hole");
		snprintf(msg, n, "%s and %s cross or touch at (%.6f %.6f)", a, b, x, y);
	} else if (spike(g, h[0].geom, x, y, &sx, &sy)) {
		snprintf(msg, n, "%s has a spike at (%.6f %.6f)", a, sx, sy);
	} else {
		snprintf(msg, n, "%s self-intersects at (%.6f %.6f)", a, x, y);
	}
}

static void describe(struct dm_geo *g, const GEOSGeometry *gg, const char *reason, double x, double y, char *msg,
		     size_t n)
{
	struct ringref h[2] = {{0}};
	char a[64], poly[24] = "polygon";
	int nh = find_rings(g, gg, x, y, h), inner, outer;
	ring_name(&h[0], a, sizeof(a));
	/* A hole is the subject of hole messages even when the shell passes the same point. */
	if (nh == 2 && h[0].ring == 1 && h[1].ring > 1 && h[0].poly == h[1].poly)
		ring_name(&h[1], a, sizeof(a));
	if (h[0].poly)
		snprintf(poly, sizeof(poly), "polygon %d", h[0].poly);
	if (!nh)
		snprintf(msg, n, "%s at (%.6f %.6f)", reason, x, y);
	else if (!strcasecmp(reason, "Self-intersection") || !strcasecmp(reason, "Ring Self-intersection"))
		self_intersection(g, h, nh, x, y, msg, n);
	else if (!strcasecmp(reason, "Hole lies outside shell"))
		snprintf(msg, n, "%s lies outside the shell at (%.6f %.6f)", a, x, y);
	else if (!strcasecmp(reason, "Holes are nested"))
		snprintf(msg, n, "%s lies inside another hole at (%.6f %.6f)", a, x, y);
	else if (!strcasecmp(reason, "Interior is disconnected"))
		snprintf(msg, n, "%s interior is disconnected (holes cut it in pieces) at (%.6f %.6f)", poly, x, y);
	else if (!strcasecmp(reason, "Nested shells") && nested_parts(g, gg, &inner, &outer))
		snprintf(msg, n, "polygon %d lies inside polygon %d (nested shells) at (%.6f %.6f)", inner, outer, x, y);
	else if (!strcasecmp(reason, "Duplicate Rings"))
		snprintf(msg, n, "%s duplicates another ring at (%.6f %.6f)", a, x, y);
	else if (!strncasecmp(reason, "Too few", 7)) {
		struct ringref d;
		if (degenerate_ring(g, gg, &d))
			ring_name(&d, a, sizeof(a));
		snprintf(msg, n, "%s has too few distinct points at (%.6f %.6f)", a, x, y);
	}
	else if (!strcasecmp(reason, "Invalid Coordinate"))
		snprintf(msg, n, "%s has an invalid coordinate at (%.6f %.6f)", a, x, y);
	else if (!strcasecmp(reason, "Ring is not closed"))
		snprintf(msg, n, "%s is not closed at (%.6f %.6f)", a, x, y);
	else
		snprintf(msg, n, "%s: %s at (%.6f %.6f)", a, reason, x, y);
	for (char *c = msg; *c && c < msg + 8; c++) /* messages start lowercase */
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
}

int geo_validity(struct dm_geo *g, const GEOSGeometry *gg, char *msg, size_t n)
{
	char *reason = NULL;
	GEOSGeometry *loc = NULL;
	char v = GEOSisValidDetail_r(g->gh, gg, 0, &reason, &loc);
	if (v == 1 || v == 2) {
		if (reason)
			GEOSFree_r(g->gh, reason);
		if (loc)
			GEOSGeom_destroy_r(g->gh, loc);
		if (v == 2)
			snprintf(msg, n, "validity cannot be checked: %s", g->geos_msg);
		return v == 1 ? 1 : DM_EINVAL;
	}
	double x = 0, y = 0;
	if (loc && !GEOSisEmpty_r(g->gh, loc)) {
		GEOSGeomGetX_r(g->gh, loc, &x);
		GEOSGeomGetY_r(g->gh, loc, &y);
	}
	describe(g, gg, reason ? reason : "invalid", x, y, msg, n);
	if (reason)
		GEOSFree_r(g->gh, reason);
	if (loc)
		GEOSGeom_destroy_r(g->gh, loc);
	return 0;
}

/* ---- repair ---- */

/* Copies of the polygons of gg into *v; -1 when out of memory (a part must never be lost
 * silently: the caller frees what was collected). */
static int collect_polygons(struct dm_geo *g, const GEOSGeometry *gg, GEOSGeometry ***v, size_t *n, size_t *cap)
{
	int t = GEOSGeomTypeId_r(g->gh, gg);
	if (t == GEOS_POLYGON && !GEOSisEmpty_r(g->gh, gg)) {
		GEOSGeometry *c;
		if (DM_GROW(*v, *n + 1, *cap) || !(c = GEOSGeom_clone_r(g->gh, gg)))
			return -1;
		(*v)[(*n)++] = c;
	} else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
		for (int i = 0; i < GEOSGetNumGeometries_r(g->gh, gg); i++)
			if (collect_polygons(g, GEOSGetGeometryN_r(g->gh, gg, i), v, n, cap))
				return -1;
	}
	return 0;
}

/* The collected polygons as one geometry (the one polygon itself when single), or NULL after
 * any failure, with every part freed. */
static GEOSGeometry *polygons_to_geometry(struct dm_geo *g, GEOSGeometry **v, size_t n, int failed, int single)
{
	GEOSGeometry *r = NULL;
	if (!failed && n == 1 && single)
		r = v[0];
	else if (!failed)
		r = GEOSGeom_createCollection_r(g->gh, GEOS_MULTIPOLYGON, v, (unsigned)n);
	if (!r)
		for (size_t i = 0; i < n; i++)
			GEOSGeom_destroy_r(g->gh, v[i]);
	free(v);
	return r;
}

static int count_parts(struct dm_geo *g, const GEOSGeometry *gg)
{
	return GEOSGeomTypeId_r(g->gh, gg) == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(g->gh, gg);
}

GEOSGeometry *geo_polygonal(struct dm_geo *g, const GEOSGeometry *gg, int single_ok)
{
	GEOSGeometry **v = NULL;
	size_t n = 0, cap = 0;
	int failed = collect_polygons(g, gg, &v, &n, &cap);
	return polygons_to_geometry(g, v, n, failed, single_ok);
}

/* Returns the repaired polygonal geometry (Polygon if one part and the input was one), or NULL. */
static GEOSGeometry *repair(struct dm_geo *g, const GEOSGeometry *gg)
{
	GEOSGeometry *mv = GEOSMakeValid_r(g->gh, gg);
	if (!mv)
		return NULL;
	GEOSGeometry **v = NULL;
	size_t n = 0, cap = 0;
	int failed = collect_polygons(g, mv, &v, &n, &cap);
	GEOSGeom_destroy_r(g->gh, mv);
	/* nothing polygonal left is no repair */
	return polygons_to_geometry(g, v, n, failed || !n, GEOSGeomTypeId_r(g->gh, gg) == GEOS_POLYGON);
}

static int try_repair(struct dm_geo *g, GEOSGeometry **gg, const char *msg, json_t *report, struct dm_error *err)
{
	int t = GEOSGeomTypeId_r(g->gh, *gg);
	if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON)
		return dm_error_set(err, DM_EINVAL, "geometry", "%s (only polygons can be repaired)", msg);
	GEOSGeometry *r = repair(g, *gg);
	char again[512];
	if (!r)
		return dm_error_set(err, DM_EINVAL, "geometry", "%s (repair left no area)", msg);
	if (geo_validity(g, r, again, sizeof(again)) != 1) {
		GEOSGeom_destroy_r(g->gh, r);
		return dm_error_set(err, DM_EINVAL, "geometry", "%s (repair failed)", msg);
	}
	if (json_is_array(report))
		json_array_append_new(report, json_pack("{s:b,s:s,s:f,s:f,s:i,s:i}", "repaired", 1, "reason", msg,
							"area_before_m2", geo_area(g, *gg), "area_after_m2",
							geo_area(g, r), "parts_before", count_parts(g, *gg),
							"parts_after", count_parts(g, r)));
	GEOSGeom_destroy_r(g->gh, *gg);
	*gg = r;
	return 0;
}

static int from_json(struct dm_geo *g, json_t *geometry, const char *src_crs, unsigned flags, int allow_ring,
		     struct dm_geom *out, json_t *report, struct dm_error *err)
{
	struct build b = {g, NULL, flags, 0, err};
	char msg[512];
	int rc = 0;
	if (!(b.crs = geo_crs_get(g, src_crs, err)))
		return DM_EINVAL;
	GEOSGeometry *gg = build_geometry(&b, geometry, allow_ring);
	if (!gg)
		return err->code ? err->code : DM_EINVAL;
	if (GEOSisEmpty_r(g->gh, gg) && !(flags & DM_GEO_ALLOW_EMPTY)) {
		rc = dm_error_set(err, DM_EINVAL, "geometry", "geometry is empty");
		goto out;
	}
	int v = geo_validity(g, gg, msg, sizeof(msg));
	if (v < 0)
		rc = dm_error_set(err, DM_EINVAL, "geometry", "%s", msg);
	else if (v == 0 && (flags & DM_GEO_REPAIR))
		rc = try_repair(g, &gg, msg, report, err);
	else if (v == 0)
		rc = dm_error_set(err, DM_EINVAL, "geometry", "%s", msg);
	if (!rc)
		rc = geo_write(g, gg, out, err);
out:
	GEOSGeom_destroy_r(g->gh, gg);
	return rc;
}

int dm_geo_from_geojson(struct dm_geo *g, json_t *geometry, const char *src_crs, unsigned flags,
			struct dm_geom *out, json_t *repair_report, struct dm_error *err)
{
	return from_json(g, geometry, src_crs, flags, 0, out, repair_report, err);
}

int dm_geo_from_wkt(struct dm_geo *g, const char *wkt, const char *src_crs, unsigned flags, struct dm_geom *out,
		    json_t *repair_report, struct dm_error *err)
{
	json_t *j = geo_wkt_parse(wkt, err);
	if (!j)
		return err->code ? err->code : DM_EINVAL;
	int rc = from_json(g, j, src_crs, flags, 1, out, repair_report, err);
	json_decref(j);
	return rc;
}

int dm_geo_point(struct dm_geo *g, double lon, double lat, struct dm_geom *out, struct dm_error *err)
{
	if (!isfinite(lon) || !isfinite(lat))
		return dm_error_set(err, DM_EINVAL, "geometry", "invalid coordinate");
	json_t *j = json_pack("{s:s,s:[ff]}", "type", "Point", "coordinates", lon, lat);
	int rc = from_json(g, j, NULL, 0, 0, out, NULL, err);
	json_decref(j);
	return rc;
}

json_t *dm_geo_wkt_to_json(const char *wkt, struct dm_error *err)
{
	return geo_wkt_parse(wkt, err);
}
