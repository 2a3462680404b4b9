/* geo_near.c: what lies near a geometry on the ellipsoid: the geodesic distance to another
 * geometry, and the geodesic area of that geometry inside it and inside its buffer.
 *
 * Built like PostGIS builds ST_Buffer and ST_Intersection on geography, so that the figures
 * can be checked against it to the square metre: both geometries are projected into the UTM
 * zone of the base geometry's centre (its "best SRID"), buffered there with 8 segments a
 * quarter circle, intersected there, and the result's area is measured back in WGS84 on the
 * ellipsoid (geodesic edges, Karney). Distances are geodesic between the nearest points. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "geo_impl.h"

struct dm_geo_near {
	PJ *utm;              /* WGS84 degrees <-> UTM metres of the base's zone */
	GEOSGeometry *base;   /* projected */
	GEOSGeometry *buffer; /* projected; NULL when buffer_m is 0 */
	const GEOSPreparedGeometry *pbase, *pbuffer;
	int polygonal;        /* the base has an area (a built-up polygon): inside_m2 means something */
	double buffer_m;
	double bbox[4];       /* lon/lat box of everything within buffer_m */
};

static int xy_fwd(double *x, double *y, void *arg)
{
	PJ_COORD c = proj_trans(arg, PJ_FWD, proj_coord(*x, *y, 0, 0));
	if (!isfinite(c.xy.x) || !isfinite(c.xy.y))
		return 0;
	*x = c.xy.x;
	*y = c.xy.y;
	return 1;
}

static int xy_inv(double *x, double *y, void *arg)
{
	PJ_COORD c = proj_trans(arg, PJ_INV, proj_coord(*x, *y, 0, 0));
	if (!isfinite(c.lp.lam) || !isfinite(c.lp.phi))
		return 0;
	*x = c.lp.lam;
	*y = c.lp.phi;
	return 1;
}

/* The UTM zone PostGIS's geography_bestsrid picks for a small geometry centred at (lon, lat). */
static PJ *utm_for(struct dm_geo *g, double lon, double lat)
{
	char def[200];
	int zone = (int)floor((lon + 180.0) / 6.0);
	if (zone > 59)
		zone = 59;
	if (zone < 0)
		zone = 0;
	snprintf(def, sizeof(def), "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=utm"
		 " +zone=%d%s +ellps=WGS84", zone + 1, lat < 0 ? " +south" : "");
	return proj_create(g->pj, def);
}

void dm_geo_near_free(struct dm_geo *g, struct dm_geo_near *n)
{
	if (!n)
		return;
	if (n->pbase)
		GEOSPreparedGeom_destroy_r(g->gh, n->pbase);
	if (n->pbuffer)
		GEOSPreparedGeom_destroy_r(g->gh, n->pbuffer);
	if (n->base)
		GEOSGeom_destroy_r(g->gh, n->base);
	if (n->buffer)
		GEOSGeom_destroy_r(g->gh, n->buffer);
	proj_destroy(n->utm);
	free(n);
}

/* The lon/lat box of the projected envelope grown by margin metres: its corners and edge
 * middles back in degrees, with a few metres to spare for the curvature between them. */
static int near_bbox(struct dm_geo *g, struct dm_geo_near *n, double margin)
{
	double x0, y0, x1, y1;
	if (!GEOSGeom_getXMin_r(g->gh, n->base, &x0) || !GEOSGeom_getYMin_r(g->gh, n->base, &y0) ||
	    !GEOSGeom_getXMax_r(g->gh, n->base, &x1) || !GEOSGeom_getYMax_r(g->gh, n->base, &y1))
		return -1;
	x0 -= margin, y0 -= margin, x1 += margin, y1 += margin;
	n->bbox[0] = n->bbox[1] = INFINITY;
	n->bbox[2] = n->bbox[3] = -INFINITY;
	for (int i = 0; i < 9; i++) {
		double x = i % 3 == 0 ? x0 : i % 3 == 1 ? (x0 + x1) / 2 : x1;
		double y = i / 3 == 0 ? y0 : i / 3 == 1 ? (y0 + y1) / 2 : y1;
		if (!xy_inv(&x, &y, n->utm))
			return -1;
		n->bbox[0] = fmin(n->bbox[0], x);
		n->bbox[1] = fmin(n->bbox[1], y);
		n->bbox[2] = fmax(n->bbox[2], x);
		n->bbox[3] = fmax(n->bbox[3], y);
	}
	/* 1e-4 degrees is about 10 m: more than the bulge of any edge of a box a few km wide */
	n->bbox[0] -= 1e-4, n->bbox[1] -= 1e-4, n->bbox[2] += 1e-4, n->bbox[3] += 1e-4;
	return 0;
}

int dm_geo_near_new(struct dm_geo *g, const struct dm_geom *geom, double buffer_m, struct dm_geo_near **out,
		    struct dm_error *err)
{
	struct dm_geo_near *n = NULL;
	GEOSGeometry *a = geo_read(g, geom);
	double x0, y0, x1, y1;
	int t;
	*out = NULL;
	if (!a || GEOSisEmpty_r(g->gh, a)) {
		if (a)
			GEOSGeom_destroy_r(g->gh, a);
		return dm_error_set(err, DM_EINVAL, "geometry", "proximity: the geometry is empty or cannot be read");
	}
	if (!isfinite(buffer_m) || buffer_m < 0 || buffer_m > 100000) {
		GEOSGeom_destroy_r(g->gh, a);
		return dm_error_set(err, DM_EINVAL, "buffer_m", "proximity: buffer %.3f m is outside 0 to 100000 m",
				    buffer_m);
	}
	if (!(n = calloc(1, sizeof(*n)))) {
		GEOSGeom_destroy_r(g->gh, a);
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	n->buffer_m = buffer_m;
	t = GEOSGeomTypeId_r(g->gh, a);
	n->polygonal = t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
	GEOSGeom_getXMin_r(g->gh, a, &x0);
	GEOSGeom_getYMin_r(g->gh, a, &y0);
	GEOSGeom_getXMax_r(g->gh, a, &x1);
	GEOSGeom_getYMax_r(g->gh, a, &y1);
	if (!(n->utm = utm_for(g, (x0 + x1) / 2, (y0 + y1) / 2)) ||
	    !(n->base = GEOSGeom_transformXY_r(g->gh, a, xy_fwd, n->utm)))
		goto fail;
	GEOSGeom_destroy_r(g->gh, a);
	a = NULL;
	if (buffer_m > 0 && !(n->buffer = GEOSBuffer_r(g->gh, n->base, buffer_m, 8)))
		goto fail;
	if (!(n->pbase = GEOSPrepare_r(g->gh, n->base)) || (n->buffer && !(n->pbuffer = GEOSPrepare_r(g->gh, n->buffer))))
		goto fail;
	/* the buffer polygon's chords lie inside the circle: the box is of the true radius */
	if (near_bbox(g, n, buffer_m * 1.01 + 1))
		goto fail;
	*out = n;
	return 0;
fail:
	if (a)
		GEOSGeom_destroy_r(g->gh, a);
	dm_geo_near_free(g, n);
	return dm_error_set(err, DM_EINVAL, "geometry", "proximity: the geometry cannot be projected (%s)",
			    g->geos_msg[0] ? g->geos_msg : "outside the projection");
}

void dm_geo_near_bbox(const struct dm_geo_near *n, double bbox[4])
{
	for (int i = 0; i < 4; i++)
		bbox[i] = n->bbox[i];
}

/* Geodesic area of the intersection of two projected geometries, measured back in WGS84. */
static double area_of_intersection(struct dm_geo *g, PJ *utm, const GEOSGeometry *a, const GEOSGeometry *b)
{
	GEOSGeometry *i = GEOSIntersection_r(g->gh, a, b), *w = NULL;
	double r = -1;
	if (i && GEOSisEmpty_r(g->gh, i))
		r = 0;
	else if (i && (w = GEOSGeom_transformXY_r(g->gh, i, xy_inv, utm)) != NULL)
		r = geo_area(g, w);
	if (i)
		GEOSGeom_destroy_r(g->gh, i);
	if (w)
		GEOSGeom_destroy_r(g->gh, w);
	return r;
}

/* The geodesic distance between the nearest points (found in the projection, measured on the
 * ellipsoid). */
static double nearest_m(struct dm_geo *g, const struct dm_geo_near *n, const GEOSGeometry *b)
{
	GEOSCoordSequence *s = GEOSNearestPoints_r(g->gh, n->base, b);
	double x[2], y[2], d = -1;
	int ok = s != NULL;
	for (unsigned i = 0; ok && i < 2; i++)
		ok = GEOSCoordSeq_getXY_r(g->gh, s, i, &x[i], &y[i]) && xy_inv(&x[i], &y[i], n->utm);
	if (ok)
		geod_inverse(&g->geod, y[0], x[0], y[1], x[1], &d, NULL, NULL);
	if (s)
		GEOSCoordSeq_destroy_r(g->gh, s);
	return d;
}

int dm_geo_near_test(struct dm_geo *g, const struct dm_geo_near *n, const struct dm_geom *other,
		     struct dm_geo_near_result *out, struct dm_error *err)
{
	GEOSGeometry *a = geo_read(g, other), *b = NULL;
	int rc = 0;
	memset(out, 0, sizeof(*out));
	out->distance_m = -1;
	if (!a || !(b = GEOSGeom_transformXY_r(g->gh, a, xy_fwd, n->utm))) {
		rc = dm_error_set(err, DM_EINVAL, "geometry", "proximity: a geometry cannot be read or projected");
		goto out;
	}
	if (GEOSisEmpty_r(g->gh, b))
		goto out;
	out->touches = GEOSPreparedIntersects_r(g->gh, n->pbase, b) == 1;
	out->distance_m = out->touches ? 0 : nearest_m(g, n, b);
	if (out->distance_m < 0) {
		rc = dm_error_set(err, DM_EINVAL, "geometry", "proximity: no distance (%s)", g->geos_msg);
		goto out;
	}
	out->within = out->distance_m <= n->buffer_m;
	if (out->touches && n->polygonal)
		out->inside_m2 = area_of_intersection(g, n->utm, n->base, b);
	if (out->within && n->buffer && GEOSPreparedIntersects_r(g->gh, n->pbuffer, b) == 1)
		out->within_m2 = area_of_intersection(g, n->utm, n->buffer, b);
	if (out->inside_m2 < 0 || out->within_m2 < 0)
		rc = dm_error_set(err, DM_EINVAL, "geometry", "proximity: intersection failed (%s)", g->geos_msg);
out:
	if (a)
		GEOSGeom_destroy_r(g->gh, a);
	if (b)
		GEOSGeom_destroy_r(g->gh, b);
	return rc;
}
