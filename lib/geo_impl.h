/* geo_impl.h: what the geo_*.c files share: the context and GEOS/PROJ helpers. Private. */
#ifndef DM_GEO_IMPL_H
#define DM_GEO_IMPL_H
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <proj.h>
#include <geodesic.h>
#include "demine/geo.h"
#include "demine/util.h"

#define GEO_CRS_CACHE 16

/* A CRS and its transformation to WGS84 lon/lat (normalised for visualisation). */
struct geo_crs {
	int code;      /* EPSG code */
	PJ *to_wgs84;  /* NULL for 4326 itself */
	int geographic;
	int gk_zone;   /* Gauss-Krüger zone when the easting carries a zone prefix, else 0 */
};

struct dm_geo {
	GEOSContextHandle_t gh;
	PJ_CONTEXT *pj;
	struct geod_geodesic geod;
	struct geo_crs crs[GEO_CRS_CACHE];
	size_t ncrs;
	GEOSWKBReader *wkbr;
	GEOSWKBWriter *wkbw;
	char geos_msg[256]; /* last GEOS error, for messages */
};

/* Looks a CRS up (NULL = WGS84); fills err with "unsupported crs 'X'" when unknown. */
const struct geo_crs *geo_crs_get(struct dm_geo *g, const char *name, struct dm_error *err);
/* In-place transforms of one coordinate to / from WGS84 lon/lat. */
int geo_crs_to_wgs84(struct dm_geo *g, const struct geo_crs *c, double *x, double *y, struct dm_error *err);
int geo_crs_from_wgs84(struct dm_geo *g, const struct geo_crs *c, double *x, double *y);

/* WKB <-> GEOS. geo_read returns NULL on bad WKB; geo_write fills out (wkb + bbox). */
GEOSGeometry *geo_read(struct dm_geo *g, const struct dm_geom *geom);
int geo_write(struct dm_geo *g, const GEOSGeometry *geom, struct dm_geom *out, struct dm_error *err);
void geo_geom_free(struct dm_geom *geom);

/* Geodesic area of any GEOS geometry (collections summed, non-polygons 0). */
double geo_area(struct dm_geo *g, const GEOSGeometry *geom);

/* The OGC validity message for geom (as dm_geo_from_geojson words it) into msg;
 * returns 1 valid, 0 invalid, negative on GEOS failure. */
int geo_validity(struct dm_geo *g, const GEOSGeometry *geom, char *msg, size_t n);

/* The polygons of geom (any nesting) as one MultiPolygon (a Polygon when there is one and
 * single_ok); an empty MultiPolygon when there are none. Caller destroys. */
GEOSGeometry *geo_polygonal(struct dm_geo *g, const GEOSGeometry *geom, int single_ok);

#endif
