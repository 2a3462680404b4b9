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
		size_t nc = *cap ? *cap * 2 : 32;
		int64_t *n = realloc(t->xy, nc * 2 * sizeof(*n));
		if (!n)
			return -1;
		t->xy = n;
		*cap = nc;
	}
	t->xy[2 * t->npoints] = x;
	t->xy[2 * t->npoints + 1] = y;
	t->npoints++;
	return 0;
}

static int put_part(struct dm_tile_geom *t, size_t len)
{
	size_t *n = realloc(t->part_len, (t->nparts + 1) * sizeof(*n));
	if (!n)
		return -1;
	t->part_len = n;
	t->part_len[t->nparts++] = len;
	return 0;
}

/* Appends the points of a linear geometry (dropping repeated points); returns the count
 * added, or -1 on failure. want_ccw: -1 leave, 0 make the ring's surveyor area negative,
 * 1 positive. */
static long put_seq(struct dm_geo *g, struct dm_tile_geom *t, size_t *cap, const GEOSGeometry *line, int want_pos)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(g->gh, line);
	unsigned int n = 0, i;
	size_t start = t->npoints, k, m;
	double x, y, area = 0;
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
	if (want_pos >= 0 && m >= 2) {
		int64_t *p = t->xy + 2 * start;
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
		if (area == 0) {
			t->npoints = start; /* no area left: a degenerate ring */
			return 0;
		}
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
	if (!(src = geo_read(g, wgs84)))
		return dm_error_set(err, DM_EINVAL, "geometry", "cannot read the geometry (bad WKB)");
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
	GEOSGeom_destroy_r(g->gh, src);
	return rc;
}
