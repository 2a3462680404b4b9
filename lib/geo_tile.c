/* geo_tile.c: geometry in vector tile space: Web Mercator projection into a tile, clipping,
 * simplification, snapping to the integer grid and MVT ring orientation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "geo_impl.h"

#define MAX_LAT 85.0511287798066

void dm_tile_geom_release(struct dm_tile_geom *t)
{
	if (!t)
		return;
	free(t->xy);
	free(t->part_len);
	memset(t, 0, sizeof(*t));
}

void dm_geo_tile_project(double lon, double lat, int z, int x, int y, int extent, double *px, double *py)
{
	double scale = ldexp((double)extent, z), s;
	if (lat > MAX_LAT)
		lat = MAX_LAT;
	if (lat < -MAX_LAT)
		lat = -MAX_LAT;
	s = sin(lat * M_PI / 180);
	*px = (lon + 180) / 360 * scale - (double)x * extent;
	*py = (0.5 - log((1 + s) / (1 - s)) / (4 * M_PI)) * scale - (double)y * extent;
}

static double tile_lon(double tx, int z)
{
	return tx / ldexp(1, z) * 360 - 180;
}

static double tile_lat(double ty, int z)
{
	return atan(sinh(M_PI * (1 - 2 * ty / ldexp(1, z)))) * 180 / M_PI;
}

void dm_geo_tile_bbox(int z, int x, int y, int extent, int buffer, double bbox[4])
{
	double b = extent > 0 ? (double)buffer / extent : 0;
	bbox[0] = tile_lon(x - b, z);
	bbox[2] = tile_lon(x + 1 + b, z);
	bbox[1] = tile_lat(y + 1 + b, z);
	bbox[3] = tile_lat(y - b, z);
}

void dm_geo_tile_of(double lon, double lat, int z, int *x, int *y)
{
	double px, py, n = ldexp(1, z);
	dm_geo_tile_project(lon, lat, z, 0, 0, 1, &px, &py);
	*x = (int)fmin(fmax(floor(px), 0), n - 1);
	*y = (int)fmin(fmax(floor(py), 0), n - 1);
}

struct proj_arg {
	int z, x, y, extent;
};

static int project_cb(double *x, double *y, void *arg)
{
	const struct proj_arg *a = arg;
	dm_geo_tile_project(*x, *y, a->z, a->x, a->y, a->extent, x, y);
	return 1;
}

/* Output building. */
static int put_point(struct dm_tile_geom *t, size_t *cap, int64_t x, int64_t y)
{
	if (t->npoints == *cap) {
		int64_t *n = dm_grow_array(t->xy, 2 * sizeof(*n), t->npoints + 1, cap);
		if (!n)
			return -1;
		t->xy = n;
	}
	t->xy[2 * t->npoints] = x;
	t->xy[2 * t->npoints + 1] = y;
	t->npoints++;
	return 0;
}

static int put_part(struct dm_tile_geom *t, size_t len)
{
	size_t *n = dm_realloc_array(t->part_len, t->nparts + 1, sizeof(*n));
	if (!n)
		return -1;
	t->part_len = n;
	t->part_len[t->nparts++] = len;
	return 0;
}

/* Turns the closed ring p (m points) so that its surveyor area is positive (want_pos 1) or
 * negative (0); returns that area before turning, 0 for a degenerate ring. */
static double orient_ring(int64_t *p, size_t m, int want_pos)
{
	double area = 0;
	size_t k;
	for (k = 0; k + 1 < m; k++)
		area += (double)p[2 * k] * p[2 * k + 3] - (double)p[2 * k + 2] * p[2 * k + 1];
	if ((area > 0) != (want_pos > 0)) {
		for (k = 0; k < m / 2; k++) {
			int64_t tx = p[2 * k], ty = p[2 * k + 1];
			p[2 * k] = p[2 * (m - 1 - k)];
			p[2 * k + 1] = p[2 * (m - 1 - k) + 1];
			p[2 * (m - 1 - k)] = tx;
			p[2 * (m - 1 - k) + 1] = ty;
		}
	}
	return area;
}

/* Appends the points of a linear geometry (dropping repeated points); returns the count
 * added, or -1 on failure. want_ccw: -1 leave, 0 make the ring's surveyor area negative,
 * 1 positive. */
static long put_seq(struct dm_geo *g, struct dm_tile_geom *t, size_t *cap, const GEOSGeometry *line, int want_pos)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(g->gh, line);
	unsigned int n = 0, i;
	size_t start = t->npoints, m;
	double x, y;
	if (!cs || !GEOSCoordSeq_getSize_r(g->gh, cs, &n))
		return -1;
	for (i = 0; i < n; i++) {
		int64_t ix, iy;
		if (!GEOSCoordSeq_getXY_r(g->gh, cs, i, &x, &y))
			return -1;
		ix = llround(x);
		iy = llround(y);
		if (t->npoints > start && t->xy[2 * t->npoints - 2] == ix && t->xy[2 * t->npoints - 1] == iy)
			continue;
		if (put_point(t, cap, ix, iy))
			return -1;
	}
	m = t->npoints - start;
	if (want_pos >= 0 && m >= 2 && orient_ring(t->xy + 2 * start, m, want_pos) == 0) {
		t->npoints = start; /* no area left: a degenerate ring */
		return 0;
	}
	return (long)m;
}

static int emit_point_on(struct dm_geo *g, const GEOSGeometry *geom, int extent, int buffer,
			 struct dm_tile_geom *out, size_t *cap)
{
	GEOSGeometry *p = GEOSPointOnSurface_r(g->gh, geom);
	double x, y;
	int rc = 0;
	if (!p)
		return -1;
	if (!GEOSisEmpty_r(g->gh, p) && GEOSGeomGetX_r(g->gh, p, &x) && GEOSGeomGetY_r(g->gh, p, &y) &&
	    x >= -buffer && y >= -buffer && x <= extent + buffer && y <= extent + buffer) {
		out->type = 1;
		if (put_point(out, cap, llround(x), llround(y)) || put_part(out, 1))
			rc = -1;
	}
	GEOSGeom_destroy_r(g->gh, p);
	return rc;
}

static int emit_polygons(struct dm_geo *g, const GEOSGeometry *poly, struct dm_tile_geom *out, size_t *cap)
{
	int n = GEOSGetNumGeometries_r(g->gh, poly), i, h, nh;
	long m;
	for (i = 0; i < n; i++) {
		const GEOSGeometry *p = GEOSGetGeometryN_r(g->gh, poly, i);
		if (!p || GEOSGeomTypeId_r(g->gh, p) != GEOS_POLYGON || GEOSisEmpty_r(g->gh, p))
			continue;
		m = put_seq(g, out, cap, GEOSGetExteriorRing_r(g->gh, p), 1);
		if (m < 0)
			return -1;
		if (m < 4) { /* degenerate shell: drop the polygon with its holes */
			out->npoints -= (size_t)m;
			continue;
		}
		if (put_part(out, (size_t)m))
			return -1;
		nh = GEOSGetNumInteriorRings_r(g->gh, p);
		for (h = 0; h < nh; h++) {
			m = put_seq(g, out, cap, GEOSGetInteriorRingN_r(g->gh, p, h), 0);
			if (m < 0)
				return -1;
			if (m < 4) {
				out->npoints -= (size_t)m;
				continue;
			}
			if (put_part(out, (size_t)m))
				return -1;
		}
	}
	if (out->nparts)
		out->type = 3;
	return 0;
}

static int emit_lines(struct dm_geo *g, const GEOSGeometry *geom, struct dm_tile_geom *out, size_t *cap)
{
	int n = GEOSGetNumGeometries_r(g->gh, geom), i;
	long m;
	for (i = 0; i < n; i++) {
		const GEOSGeometry *l = GEOSGetGeometryN_r(g->gh, geom, i);
		int tid = l ? GEOSGeomTypeId_r(g->gh, l) : -1;
		if (tid != GEOS_LINESTRING && tid != GEOS_LINEARRING)
			continue;
		m = put_seq(g, out, cap, l, -1);
		if (m < 0)
			return -1;
		if (m < 2) {
			out->npoints -= (size_t)m;
			continue;
		}
		if (put_part(out, (size_t)m))
			return -1;
	}
	if (out->nparts)
		out->type = 2;
	return 0;
}

static int emit_points(struct dm_geo *g, const GEOSGeometry *geom, int extent, int buffer,
		       struct dm_tile_geom *out, size_t *cap)
{
	int n = GEOSGetNumGeometries_r(g->gh, geom), i;
	double x, y;
	for (i = 0; i < n; i++) {
		const GEOSGeometry *p = GEOSGetGeometryN_r(g->gh, geom, i);
		if (!p || GEOSGeomTypeId_r(g->gh, p) != GEOS_POINT || GEOSisEmpty_r(g->gh, p))
			continue;
		if (!GEOSGeomGetX_r(g->gh, p, &x) || !GEOSGeomGetY_r(g->gh, p, &y))
			return -1;
		if (x < -buffer || y < -buffer || x > extent + buffer || y > extent + buffer)
			continue;
		if (put_point(out, cap, llround(x), llround(y)))
			return -1;
	}
	if (out->npoints) {
		out->type = 1;
		return put_part(out, out->npoints);
	}
	return 0;
}

static int round_cb(double *x, double *y, void *arg)
{
	(void)arg;
	*x = rint(*x);
	*y = rint(*y);
	return 1;
}

/* The polygon with its vertices rounded to the grid when that keeps it valid (nearly always):
 * GEOS's snap-rounding (setPrecision) costs far more, so it is kept for the polygons that
 * rounding breaks. NULL when rounding is not enough. */
static GEOSGeometry *round_if_valid(struct dm_geo *g, const GEOSGeometry *geom)
{
	GEOSGeometry *r = GEOSGeom_transformXY_r(g->gh, geom, round_cb, NULL);
	if (r && GEOSisValid_r(g->gh, r) == 1)
		return r;
	if (r)
		GEOSGeom_destroy_r(g->gh, r);
	return NULL;
}

/* ---- Small polygons without GEOS ----
 * At low zooms nearly every hazard is a few units of the extent across. Parsing it into GEOS,
 * clipping, simplifying with a quadtree, snap-rounding and validating cost far more than the
 * few integer points that come out, so the common cases are done here and anything unusual
 * (a multipolygon, a polygon crossing the tile's edge, one that rounding makes invalid) is left
 * to the GEOS path below, which draws the same. */

enum { FAST_DONE = 0, FAST_NOT = 1 }; /* or -1: out of memory */

#define FAST_MAXPTS 1024 /* vertices; beyond this GEOS's indexes beat the quadratic checks here */
#define FAST_MAXRINGS 16

/* The tile-space box of the stored lon/lat box: Mercator keeps x in order and flips y. */
static void project_box(const struct dm_geom *w, const struct proj_arg *pa, double box[4])
{
	dm_geo_tile_project(w->minx, w->maxy, pa->z, pa->x, pa->y, pa->extent, &box[0], &box[1]);
	dm_geo_tile_project(w->maxx, w->miny, pa->z, pa->x, pa->y, pa->extent, &box[2], &box[3]);
}

/* A polygon whose box is under 2 square units has less area than that, so it is drawn as a
 * point (see dm_geo_tile_geometry); the middle of its box is within a unit of it. */
static int tiny_polygon_point(const double box[4], int extent, int buffer, struct dm_tile_geom *out, size_t *cap)
{
	double cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
	if ((box[2] - box[0]) * (box[3] - box[1]) >= 2.0)
		return FAST_NOT;
	if (cx >= -buffer && cy >= -buffer && cx <= extent + buffer && cy <= extent + buffer) {
		out->type = 1;
		if (put_point(out, cap, llround(cx), llround(cy)) || put_part(out, 1))
			return -1;
	}
	return FAST_DONE;
}

static uint32_t wkb_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static double wkb_f64(const unsigned char *p)
{
	uint64_t v = (uint64_t)wkb_u32(p) | (uint64_t)wkb_u32(p + 4) << 32;
	double d;
	memcpy(&d, &v, sizeof(d));
	return d;
}

/* A plain little-endian 2D WKB polygon projected into the tile: ring r is points
 * start[r]..start[r+1]-1 of xy. FAST_NOT for any other WKB or one too big. */
static int read_polygon(const struct dm_geom *w, const struct proj_arg *pa, double *xy, size_t *start, size_t *nrings)
{
	const unsigned char *p = w->wkb, *end = w->wkb + w->wkb_len;
	size_t r, i, n = 0;
	if (w->wkb_len < 9 || p[0] != 1 || wkb_u32(p + 1) != 3)
		return FAST_NOT;
	*nrings = wkb_u32(p + 5);
	p += 9;
	if (*nrings < 1 || *nrings > FAST_MAXRINGS)
		return FAST_NOT;
	for (r = 0; r < *nrings; r++) {
		uint32_t m;
		if (end - p < 4)
			return FAST_NOT;
		m = wkb_u32(p);
		p += 4;
		if (m < 4 || m > FAST_MAXPTS - n || (size_t)(end - p) / 16 < m)
			return FAST_NOT;
		if (memcmp(p, p + 16 * (m - 1), 16))
			return FAST_NOT; /* not closed */
		start[r] = n;
		for (i = 0; i < m; i++, n++, p += 16)
			dm_geo_tile_project(wkb_f64(p), wkb_f64(p + 8), pa->z, pa->x, pa->y, pa->extent, &xy[2 * n],
					    &xy[2 * n + 1]);
	}
	start[*nrings] = n;
	return FAST_DONE;
}

static double ring_area_abs(const double *xy, size_t n)
{
	double a = 0;
	size_t k;
	for (k = 0; k + 1 < n; k++)
		a += xy[2 * k] * xy[2 * k + 3] - xy[2 * k + 2] * xy[2 * k + 1];
	return fabs(a) / 2;
}

static double seg_dist2(const double *a, const double *b, const double *p)
{
	double dx = b[0] - a[0], dy = b[1] - a[1], l2 = dx * dx + dy * dy, t = 0, ex, ey;
	if (l2 > 0)
		t = fmin(fmax(((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2, 0), 1);
	ex = a[0] + t * dx - p[0];
	ey = a[1] + t * dy - p[1];
	return ex * ex + ey * ey;
}

/* Douglas-Peucker over points i..j (both kept), marking the kept ones in keep. */
static void dp_mark(const double *xy, size_t i, size_t j, double tol2, unsigned char *keep)
{
	size_t k, far = 0;
	double best = -1, d;
	if (j <= i + 1)
		return;
	for (k = i + 1; k < j; k++)
		if ((d = seg_dist2(&xy[2 * i], &xy[2 * j], &xy[2 * k])) > best) {
			best = d;
			far = k;
		}
	if (best <= tol2)
		return;
	keep[far] = 1;
	dp_mark(xy, i, far, tol2, keep);
	dp_mark(xy, far, j, tol2, keep);
}

/* Appends ring xy (n points, closed) simplified by tol and rounded to the grid, without
 * repeated points; returns the points added. */
static int put_ring(struct dm_tile_geom *t, size_t *cap, const double *xy, size_t n, double tol, unsigned char *keep,
		    size_t *added)
{
	size_t k, start = t->npoints;
	memset(keep, 0, n);
	keep[0] = keep[n - 1] = 1;
	if (tol > 0)
		dp_mark(xy, 0, n - 1, tol * tol, keep);
	else
		memset(keep, 1, n);
	for (k = 0; k < n; k++) {
		int64_t ix, iy;
		if (!keep[k])
			continue;
		ix = llround(xy[2 * k]);
		iy = llround(xy[2 * k + 1]);
		if (t->npoints > start && t->xy[2 * t->npoints - 2] == ix && t->xy[2 * t->npoints - 1] == iy)
			continue;
		if (put_point(t, cap, ix, iy))
			return -1;
	}
	*added = t->npoints - start;
	return 0;
}

static int orient3(const int64_t *a, const int64_t *b, const int64_t *c)
{
	int64_t v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
	return (v > 0) - (v < 0);
}

/* Removes vertex i of the n-vertex cycle p. */
static void remove_vertex(int64_t *p, size_t *n, size_t i)
{
	memmove(&p[2 * i], &p[2 * i + 2], (*n - i - 1) * 2 * sizeof(*p));
	(*n)--;
}

/* Drops from the closed ring p (m points, no repeats) the spikes rounding made, where the
 * outline goes out and back along one line (b in a-b-c with c on the line a-b, behind b),
 * as snap-rounding dissolves them; returns the points left, the ring closed again. */
static size_t drop_spikes(int64_t *p, size_t m)
{
	size_t n = m - 1, i; /* the ring as a cycle, without its closing point */
	int changed = 1;
	while (changed && n >= 3) {
		changed = 0;
		for (i = 0; i < n && n >= 3; i++) {
			int64_t *a = &p[2 * ((i + n - 1) % n)], *b = &p[2 * i], *c = &p[2 * ((i + 1) % n)];
			if (a[0] == b[0] && a[1] == b[1]) {
				remove_vertex(p, &n, i);
				changed = 1;
			} else if (!orient3(a, b, c) &&
				   (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0) {
				remove_vertex(p, &n, i);
				changed = 1;
			}
		}
	}
	p[2 * n] = p[0];
	p[2 * n + 1] = p[1];
	return n + 1;
}

/* c lies in the box of a-b (it is on the line through them) */
static int within(const int64_t *a, const int64_t *b, const int64_t *c)
{
	return c[0] >= (a[0] < b[0] ? a[0] : b[0]) && c[0] <= (a[0] > b[0] ? a[0] : b[0]) &&
	       c[1] >= (a[1] < b[1] ? a[1] : b[1]) && c[1] <= (a[1] > b[1] ? a[1] : b[1]);
}

/* Segments a-b and c-d cross or touch. */
static int segs_meet(const int64_t *a, const int64_t *b, const int64_t *c, const int64_t *d)
{
	int o1 = orient3(a, b, c), o2 = orient3(a, b, d), o3 = orient3(c, d, a), o4 = orient3(c, d, b);
	if (o1 * o2 < 0 && o3 * o4 < 0)
		return 1;
	return (!o1 && within(a, b, c)) || (!o2 && within(a, b, d)) || (!o3 && within(c, d, a)) ||
	       (!o4 && within(c, d, b));
}

/* The closed ring p (m points, no repeats) neither crosses nor touches itself, and does not
 * turn back on itself (a spike). */
static int ring_is_simple(const int64_t *p, size_t m)
{
	size_t k = m - 1, i, j; /* segments: i from point i to i+1 */
	for (i = 0; i < k; i++) {
		const int64_t *a = &p[2 * i], *b = &p[2 * i + 2], *c = &p[2 * ((i + 1) % k) + 2];
		if (!orient3(a, b, c) && (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0)
			return 0;
		for (j = i + 2; j < k; j++) {
			if (i == 0 && j == k - 1)
				continue; /* adjacent through the closing point */
			if (segs_meet(a, b, &p[2 * j], &p[2 * j + 2]))
				return 0;
		}
	}
	return 1;
}

static int rings_meet(const int64_t *p, size_t m, const int64_t *q, size_t n)
{
	size_t i, j;
	for (i = 0; i + 1 < m; i++)
		for (j = 0; j + 1 < n; j++)
			if (segs_meet(&p[2 * i], &p[2 * i + 2], &q[2 * j], &q[2 * j + 2]))
				return 1;
	return 0;
}

/* q is inside the closed ring p (m points); q is known not to be on it. */
static int inside_ring(const int64_t *p, size_t m, const int64_t *q)
{
	size_t i;
	int in = 0;
	for (i = 0; i + 1 < m; i++) {
		const int64_t *a = &p[2 * i], *b = &p[2 * i + 2];
		if ((a[1] > q[1]) != (b[1] > q[1])) {
			int o = orient3(a, b, q);
			if (b[1] > a[1] ? o > 0 : o < 0)
				in = !in;
		}
	}
	return in;
}

/* The output rings make a valid polygon: each simple, no two meeting, every hole inside the
 * shell and none inside another (so the interior is connected). Stricter than OGC, which
 * lets rings touch at a point; those go the GEOS way. */
static int rings_valid(const struct dm_tile_geom *t)
{
	size_t r, s, off = 0, offs[FAST_MAXRINGS];
	for (r = 0; r < t->nparts; r++) {
		offs[r] = off;
		if (!ring_is_simple(t->xy + 2 * off, t->part_len[r]))
			return 0;
		off += t->part_len[r];
	}
	for (r = 1; r < t->nparts; r++) {
		const int64_t *h = t->xy + 2 * offs[r];
		if (!inside_ring(t->xy, t->part_len[0], h))
			return 0;
		for (s = 0; s < r; s++)
			if (rings_meet(t->xy + 2 * offs[s], t->part_len[s], h, t->part_len[r]) ||
			    (s > 0 && (inside_ring(t->xy + 2 * offs[s], t->part_len[s], h) ||
				       inside_ring(h, t->part_len[r], t->xy + 2 * offs[s]))))
				return 0;
	}
	return 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The y of GEOS's interior-point scan line: midway between the vertex ys nearest the middle
 * of the box, one each side, so that it passes through no vertex. */
static double scan_line_y(const double *xy, size_t n)
{
	double lo = xy[1], hi = xy[1], mid, y;
	size_t k;
	for (k = 1; k < n; k++) {
		lo = fmin(lo, xy[2 * k + 1]);
		hi = fmax(hi, xy[2 * k + 1]);
	}
	mid = (lo + hi) / 2;
	for (k = 0; k < n; k++) {
		y = xy[2 * k + 1];
		if (y <= mid && y > lo)
			lo = y;
		else if (y > mid && y < hi)
			hi = y;
	}
	return (lo + hi) / 2;
}

/* GEOSPointOnSurface of a polygon (GEOS's InteriorPointArea, step for step: the middle of
 * the widest stretch of the scan line inside the polygon) without building it in GEOS.
 * xy holds all its rings, n points; crossings has room for n. */
static void point_on_surface(const double *xy, const size_t *start, size_t nrings, double *crossings, double *px,
			     double *py)
{
	double y = scan_line_y(xy, start[nrings]), best = 0;
	size_t r, k, nc = 0;
	*px = xy[0];
	*py = xy[1];
	for (r = 0; r < nrings; r++)
		for (k = start[r] + 1; k < start[r + 1]; k++) {
			const double *a = &xy[2 * (k - 1)], *b = &xy[2 * k];
			if ((a[1] > y && b[1] > y) || (a[1] < y && b[1] < y) || a[1] == b[1])
				continue;
			if ((a[1] == y && b[1] < y) || (b[1] == y && a[1] < y))
				continue; /* each crossing at a vertex counted once */
			crossings[nc++] = a[0] == b[0] ? a[0] : a[0] + (y - a[1]) / ((b[1] - a[1]) / (b[0] - a[0]));
		}
	qsort(crossings, nc, sizeof(*crossings), cmp_double);
	for (k = 0; k + 1 < nc; k += 2)
		if (crossings[k + 1] - crossings[k] > best) {
			best = crossings[k + 1] - crossings[k];
			*px = (crossings[k] + crossings[k + 1]) / 2;
			*py = y;
		}
}

/* A polygon inside the tile (and buffer) simplified, rounded and oriented as the GEOS path
 * does it; FAST_NOT, with out left empty, when it needs that path. */
static int fast_polygon(const struct dm_geom *w, const struct proj_arg *pa, double simplify_px,
			struct dm_tile_geom *out, size_t *cap)
{
	size_t start[FAST_MAXRINGS + 1], nrings, r, m;
	double *xy = malloc(FAST_MAXPTS * 3 * sizeof(*xy)), area, px, py; /* and room for the crossings */
	unsigned char keep[FAST_MAXPTS];
	int rc = FAST_NOT;
	if (!xy)
		return -1;
	if (read_polygon(w, pa, xy, start, &nrings))
		goto out;
	area = ring_area_abs(xy, start[1]);
	for (r = 1; r < nrings; r++)
		area -= ring_area_abs(xy + 2 * start[r], start[r + 1] - start[r]);
	if (area < 2.0) { /* drawn as a point on its surface */
		point_on_surface(xy, start, nrings, xy + 2 * FAST_MAXPTS, &px, &py);
		out->type = 1;
		rc = put_point(out, cap, llround(px), llround(py)) || put_part(out, 1) ? -1 : FAST_DONE;
		goto out;
	}
	for (r = 0; r < nrings; r++) {
		if (put_ring(out, cap, xy + 2 * start[r], start[r + 1] - start[r], simplify_px, keep, &m)) {
			rc = -1;
			goto out;
		}
		if (m >= 4) {
			size_t left = drop_spikes(out->xy + 2 * (out->npoints - m), m);
			out->npoints -= m - left;
			m = left;
		}
		if (m >= 4 && orient_ring(out->xy + 2 * (out->npoints - m), m, r == 0) != 0) {
			if (put_part(out, m)) {
				rc = -1;
				goto out;
			}
			continue;
		}
		out->npoints -= m;
		if (r == 0)
			goto out; /* the shell collapsed: the GEOS path makes it a point */
		/* a hole that collapsed on the grid is dropped, as snap-rounding drops it */
	}
	if (rings_valid(out)) {
		out->type = 3;
		rc = FAST_DONE;
	}
out:
	if (rc != FAST_DONE) {
		out->npoints = 0;
		out->nparts = 0;
		out->type = 0;
	}
	free(xy);
	return rc;
}

/* FAST_DONE when out holds what the GEOS path would draw (or nothing), FAST_NOT when it has
 * to run, -1 out of memory. */
static int tile_geometry_fast(const struct dm_geom *w, const struct proj_arg *pa, int buffer, double simplify_px,
			      struct dm_tile_geom *out, size_t *cap)
{
	int kind = dm_geo_wkb_type(w), rc;
	double box[4], lo = -buffer, hi = (double)pa->extent + buffer;
	if (kind != 3 && kind != 6)
		return FAST_NOT;
	project_box(w, pa, box);
	if ((rc = tiny_polygon_point(box, pa->extent, buffer, out, cap)) != FAST_NOT)
		return rc;
	if (kind != 3 || box[0] < lo || box[1] < lo || box[2] > hi || box[3] > hi)
		return FAST_NOT; /* clipping is GEOS's */
	return fast_polygon(w, pa, simplify_px, out, cap);
}

int dm_geo_tile_geometry(struct dm_geo *g, const struct dm_geom *wgs84, int z, int x, int y, int extent,
			 int buffer, double simplify_px, struct dm_tile_geom *out, struct dm_error *err)
{
	GEOSGeometry *src = NULL, *proj = NULL, *clip = NULL, *simp = NULL, *snap = NULL, *poly = NULL;
	struct proj_arg pa = { z, x, y, extent };
	struct dm_tile_geom t = { 0 };
	double bbox[4], lo = -buffer, hi = (double)extent + buffer, area = 0;
	size_t cap = 0;
	int rc = 0, kind;
	memset(out, 0, sizeof(*out));
	if (z < 0 || z > 30 || x < 0 || y < 0 || (double)x >= ldexp(1, z) || (double)y >= ldexp(1, z) || extent <= 0 ||
	    buffer < 0)
		return dm_error_set(err, DM_EINVAL, NULL, "no tile %d/%d/%d", z, x, y);
	if (!wgs84 || !wgs84->wkb)
		return 0;
	dm_geo_tile_bbox(z, x, y, extent, buffer, bbox);
	if (wgs84->maxx < bbox[0] || wgs84->minx > bbox[2] || wgs84->maxy < bbox[1] || wgs84->miny > bbox[3])
		return 0;
	if ((rc = tile_geometry_fast(wgs84, &pa, buffer, simplify_px, &t, &cap)) != FAST_NOT) {
		if (rc)
			goto nomem;
		goto done;
	}
	rc = 0;
	if (!(src = geo_read(g, wgs84))) {
		rc = dm_error_set(err, DM_EINVAL, "geometry", "cannot read the geometry (bad WKB)");
		goto done; /* the fast path may have grown t before it gave up */
	}
	if (!(proj = GEOSGeom_transformXY_r(g->gh, src, project_cb, &pa)))
		goto geos_fail;
	kind = GEOSGeomTypeId_r(g->gh, proj);
	if (kind == GEOS_POINT || kind == GEOS_MULTIPOINT) {
		if (emit_points(g, proj, extent, buffer, &t, &cap))
			goto nomem;
		goto done;
	}
	if (!(clip = GEOSClipByRect_r(g->gh, proj, lo, lo, hi, hi)))
		goto geos_fail;
	if (GEOSisEmpty_r(g->gh, clip))
		goto done;
	if (kind == GEOS_POLYGON || kind == GEOS_MULTIPOLYGON) {
		if (!GEOSArea_r(g->gh, proj, &area))
			goto geos_fail;
		if (area < 2.0) {
			if (emit_point_on(g, proj, extent, buffer, &t, &cap))
				goto nomem;
			goto done;
		}
	}
	if (simplify_px > 0 && !(simp = GEOSTopologyPreserveSimplify_r(g->gh, clip, simplify_px)))
		goto geos_fail;
	if (kind == GEOS_POLYGON || kind == GEOS_MULTIPOLYGON)
		snap = round_if_valid(g, simp ? simp : clip);
	if (!snap && !(snap = GEOSGeom_setPrecision_r(g->gh, simp ? simp : clip, 1.0, 0)))
		goto geos_fail;
	if (kind == GEOS_POLYGON || kind == GEOS_MULTIPOLYGON) {
		if (GEOSisValid_r(g->gh, snap) != 1) {
			GEOSGeometry *v = GEOSMakeValid_r(g->gh, snap);
			if (!v)
				goto geos_fail;
			GEOSGeom_destroy_r(g->gh, snap);
			snap = v;
		}
		if (!(poly = geo_polygonal(g, snap, 0)))
			goto geos_fail;
		if (emit_polygons(g, poly, &t, &cap))
			goto nomem;
		/* collapsed on the grid: keep it visible as a point where it lies in this tile */
		if (!t.nparts && emit_point_on(g, clip, extent, buffer, &t, &cap))
			goto nomem;
	} else if (emit_lines(g, snap, &t, &cap)) {
		goto nomem;
	}
	goto done;
geos_fail:
	rc = dm_error_set(err, DM_EIO, "geometry", "geometry library failure in a vector tile%s%s",
			  g->geos_msg[0] ? ": " : "", g->geos_msg);
	goto done;
nomem:
	rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
done:
	if (rc || !t.nparts)
		dm_tile_geom_release(&t);
	else
		*out = t;
	if (poly)
		GEOSGeom_destroy_r(g->gh, poly);
	if (snap)
		GEOSGeom_destroy_r(g->gh, snap);
	if (simp)
		GEOSGeom_destroy_r(g->gh, simp);
	if (clip)
		GEOSGeom_destroy_r(g->gh, clip);
	if (proj)
		GEOSGeom_destroy_r(g->gh, proj);
	if (src)
		GEOSGeom_destroy_r(g->gh, src);
	return rc;
}
