/* geo_base.c: what every geometry module builds on: WKB into and out of GEOS, and geodesic
 * areas (Karney's algorithm through PROJ's geodesic.h) of polygons in WGS84. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "geo_impl.h"

void geo_geom_free(struct dm_geom *geom)
{
	free(geom->wkb);
	memset(geom, 0, sizeof(*geom));
}

GEOSGeometry *geo_read(struct dm_geo *g, const struct dm_geom *geom)
{
	if (!geom || !geom->wkb || !geom->wkb_len)
		return NULL;
	return GEOSWKBReader_read_r(g->gh, g->wkbr, geom->wkb, geom->wkb_len);
}

int geo_write(struct dm_geo *g, const GEOSGeometry *geom, struct dm_geom *out, struct dm_error *err)
{
	size_t n = 0;
	unsigned char *buf = GEOSWKBWriter_write_r(g->gh, g->wkbw, geom, &n);
	if (!buf)
		return dm_error_set(err, DM_ENOMEM, "geometry", "cannot write wkb: %s", g->geos_msg);
	struct dm_geom r = {0};
	r.wkb = malloc(n);
	if (!r.wkb) {
		GEOSFree_r(g->gh, buf);
		return dm_error_set(err, DM_ENOMEM, "geometry", "out of memory");
	}
	memcpy(r.wkb, buf, n);
	r.wkb_len = n;
	GEOSFree_r(g->gh, buf);
	/* An empty geometry has no extent: its bbox stays 0 0 0 0. */
	if (!GEOSisEmpty_r(g->gh, geom)) {
		GEOSGeom_getXMin_r(g->gh, geom, &r.minx);
		GEOSGeom_getYMin_r(g->gh, geom, &r.miny);
		GEOSGeom_getXMax_r(g->gh, geom, &r.maxx);
		GEOSGeom_getYMax_r(g->gh, geom, &r.maxy);
	}
	*out = r;
	return 0;
}


static double ring_area(struct dm_geo *g, const GEOSGeometry *ring)
{
	const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(g->gh, ring);
	unsigned n = 0;
	if (!s || !GEOSCoordSeq_getSize_r(g->gh, s, &n) || n < 4)
		return 0;
	struct geod_polygon p;
	geod_polygon_init(&p, 0);
	for (unsigned i = 0; i + 1 < n; i++) { /* the closing position repeats the first */
		double x, y;
		GEOSCoordSeq_getXY_r(g->gh, s, i, &x, &y);
		geod_polygon_addpoint(&g->geod, &p, y, x);
	}
	double a = 0;
	geod_polygon_compute(&g->geod, &p, 0, 1, &a, NULL);
	return fabs(a);
}

double geo_area(struct dm_geo *g, const GEOSGeometry *geom)
{
	int t = GEOSGeomTypeId_r(g->gh, geom);
	if (t == GEOS_POLYGON) {
		if (GEOSisEmpty_r(g->gh, geom))
			return 0;
		double a = ring_area(g, GEOSGetExteriorRing_r(g->gh, geom));
		int nh = GEOSGetNumInteriorRings_r(g->gh, geom);
		for (int i = 0; i < nh; i++)
			a -= ring_area(g, GEOSGetInteriorRingN_r(g->gh, geom, i));
		return a;
	}
	if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
		double a = 0;
		int n = GEOSGetNumGeometries_r(g->gh, geom);
		for (int i = 0; i < n; i++)
			a += geo_area(g, GEOSGetGeometryN_r(g->gh, geom, i));
		return a;
	}
	return 0;
}

