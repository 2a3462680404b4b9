/* geo.h: geometry: validity, CRS transformation, geodesic area, turning points and land
 * release overlay. The only module that calls GEOS and PROJ. */
#ifndef DEMINE_GEO_H
#define DEMINE_GEO_H
#include <stddef.h>
#include <jansson.h>
#include "demine/error.h"
#include "demine/record.h" /* struct dm_geom: WGS84 WKB + bbox */

/* One per thread: holds the GEOS and PROJ contexts, a cache of CRS transformations and the
 * WGS84 ellipsoid. Not thread-safe; never share between threads. */
struct dm_geo;

/* Caller frees with dm_geo_free(). Returns NULL when GEOS or PROJ cannot start. */
struct dm_geo *dm_geo_new(void);
void dm_geo_free(struct dm_geo *g);

/* Flags of dm_geo_from_geojson / dm_geo_from_wkt. */
enum {
	DM_GEO_REPAIR = 1u << 0,         /* repair invalid polygons (GEOS MakeValid) instead of refusing */
	DM_GEO_NO_RANGE_CHECK = 1u << 1, /* skip lon -180..180 / lat -90..90 (test fixtures) */
	DM_GEO_ALLOW_EMPTY = 1u << 2,    /* accept empty geometries ("POINT EMPTY", "coordinates": []);
					  * refused by default: a record without geometry has none */
};

/* Parses an RFC 7946 geometry object (Point, MultiPoint, LineString, MultiLineString,
 * Polygon, MultiPolygon; GeometryCollection is refused) given in src_crs (NULL or
 * "EPSG:4326" = WGS84, else "EPSG:N"), transforms it to WGS84, checks structure (positions
 * of 2 or 3 numbers, closed rings of at least 4 positions, coordinate ranges) and OGC
 * validity. Refusals are DM_EINVAL with err->field "geometry" and a message such as
 *   "polygon ring 1 (the shell) self-intersects at (46.912345 39.771234)"
 *   "polygon 2 ring 3 (a hole) lies outside the shell at (...)"
 *   "polygon ring 2 is not closed: first (x y) and last (x y) differ"
 * With DM_GEO_REPAIR an invalid polygon or multipolygon is repaired (polygonal parts kept)
 * and, when repair_report is an array, an object is appended:
 *   {"repaired":true,"reason":msg,"area_before_m2","area_after_m2","parts_before","parts_after"}
 * On success out receives 2D little-endian ISO WKB in WGS84 and its bbox; the caller
 * releases out with dm_geom_release(). out is untouched on failure. */
int dm_geo_from_geojson(struct dm_geo *g, json_t *geometry, const char *src_crs, unsigned flags,
			struct dm_geom *out, json_t *repair_report, struct dm_error *err);
/* The same from OGC WKT (POINT, LINESTRING, LINEARRING, POLYGON, MULTI*; Z is dropped,
 * "NaN" and other non-finite numbers are refused as invalid coordinates). */
int dm_geo_from_wkt(struct dm_geo *g, const char *wkt, const char *src_crs, unsigned flags,
		    struct dm_geom *out, json_t *repair_report, struct dm_error *err);
/* Parses WKT into a GeoJSON-shaped geometry object without any validation (type
 * "LinearRing" for LINEARRING; EMPTY as an empty coordinates array); NULL with err set.
 * For callers that want WKT as GeoJSON. Caller frees with json_decref(). */
json_t *dm_geo_wkt_to_json(const char *wkt, struct dm_error *err);
/* Builds a point geometry (WGS84 lon/lat, range-checked). */
int dm_geo_point(struct dm_geo *g, double lon, double lat, struct dm_geom *out, struct dm_error *err);

/* RFC 7946 geometry object (lon,lat; dump it with JSON_REAL_PRECISION(15) or jansson
 * prints 17 digits, 46.200000000000003; exterior rings counter-clockwise, holes clockwise;
 * rounded to 1e-9 degrees, or 1e-4 m when dst_crs is projected). dst_crs NULL = WGS84.
 * Returns NULL on failure. Caller frees with json_decref(). */
json_t *dm_geo_to_geojson(struct dm_geo *g, const struct dm_geom *geom, const char *dst_crs);
/* WKT (9 decimals for degrees, 4 for metres). Caller frees with free(). NULL on failure. */
char *dm_geo_to_wkt(struct dm_geo *g, const struct dm_geom *geom, const char *dst_crs);
/* OGC type code of the WKB (1 point, 2 linestring, 3 polygon, 4-6 multi, 7 collection),
 * or -1 when there is no or bad WKB. Needs no context. */
int dm_geo_wkb_type(const struct dm_geom *geom);
/* 1 when a and b are the same geometry as written: the same WKB, or one a Multi* of a single part
 * that is the other (GeoPackage and Shapefile layers declare MultiPolygon; a Polygon read back
 * from them is the same outline). Needs no context. */
int dm_geo_same(const struct dm_geom *a, const struct dm_geom *b);

/* Geodesic area on the WGS84 ellipsoid (geod_polygonarea): |shell| - |holes|, summed over
 * the parts; 0 for points and lines. */
int dm_geo_area_m2(struct dm_geo *g, const struct dm_geom *geom, double *out, struct dm_error *err);

/* CRS. Supported: any "EPSG:N" PROJ knows; tested: 4326, 32638, 32639 (UTM 38N/39N),
 * 28408, 28409 (Pulkovo 1942 Gauss-Krüger zones 8/9, eastings with or without the zone
 * prefix; Pulkovo 1942 -> WGS 84 pinned to EPSG:1808). x is easting/longitude, y
 * northing/latitude whatever the CRS's axis order. Unknown: DM_EINVAL "unsupported crs 'X'". */
int dm_geo_crs_check(struct dm_geo *g, const char *crs, struct dm_error *err);
/* 1 when crs is geographic (degrees), 0 projected (metres), negative when unsupported. */
int dm_geo_crs_is_geographic(struct dm_geo *g, const char *crs);
int dm_geo_transform_point(struct dm_geo *g, const char *src_crs, const char *dst_crs, double *x,
			   double *y, struct dm_error *err);

/* Turning points (a polygon as field teams record it). One row of text cells, as read from
 * a CSV; NULL or "" = absent. Columns: point (BM, RP, TP1..TPn), lon/lat (BM, optionally RP)
 * or x/y with crs, bearing (degrees 0-360), distance (m), bearing_type (true|magnetic),
 * declination (degrees, east positive; true = magnetic + declination). */
struct dm_tp_row {
	size_t line; /* for messages: "line 4: bearing '400' is outside 0-360" */
	const char *point, *lon, *lat, *x, *y, *crs;
	const char *bearing, *distance, *bearing_type, *declination;
};
/* Walks BM -> RP -> TP1 -> ... on the ellipsoid (geod_direct) and builds the polygon
 * TP1..TPn (closed), validated like any polygon. *geojson_out (may be NULL) receives a
 * FeatureCollection of the points (BM, RP, TPs: point, lon, lat) for display; caller frees
 * it with json_decref(); out as dm_geo_from_geojson. */
int dm_geo_turning_points(struct dm_geo *g, const struct dm_tp_row *rows, size_t n, struct dm_geom *out,
			  json_t **geojson_out, struct dm_error *err);
/* The same from a CSV file with a header row (names case-insensitive). */
int dm_geo_turning_points_csv(struct dm_geo *g, const char *path, struct dm_geom *out, json_t **geojson_out,
			      struct dm_error *err);

/* Land release overlay (IMAS 07.11). method: 0 NTS/cancelled, 1 TS/reduced, 2 clearance/cleared. */
struct dm_lr_release {
	const struct dm_geom *geom;
	int method;
};
struct dm_lr_result {
	double hazard_area_m2;
	double cancelled_m2, reduced_m2, cleared_m2; /* each m² counted once, first release wins */
	double remaining_m2;                         /* area(hazard - union(releases)) */
	struct dm_geom remaining;                    /* with DM_LR_REMAINING_GEOMETRY; owned: release
						      * with dm_geom_release() */
	double outside_m2;                           /* area of union(releases) outside the hazard;
						      * shared edges give mm-wide slivers (geodesic
						      * edges of different length bulge differently):
						      * flag it above a tolerance, e.g. 1 m² */
	int has_outside_point;
	double outside_x, outside_y;                 /* a point of the largest outside part (lon, lat) */
};
/* Releases are credited in the order given (callers sort them by date), clipped to the hazard.
 * Edges are densified along geodesics before the overlay so that the parts add up to the
 * hazard's geodesic area (within 0.01 m²). out is filled on success only.
 * With DM_LR_REMAINING_GEOMETRY out->remaining is the polygon left, and remaining_m2 its area;
 * without, remaining_m2 is the hazard's area less the credited parts (the same figure within
 * 0.01 m², without the union and difference of every part) and out->remaining is empty. */
#define DM_LR_REMAINING_GEOMETRY 1u
int dm_geo_land_release(struct dm_geo *g, const struct dm_geom *hazard, const struct dm_lr_release *rel,
			size_t n, unsigned flags, struct dm_lr_result *out, struct dm_error *err);

/* Helpers for admin areas and data quality. */
/* 1 when (x, y) (lon, lat) lies in or on poly, 0 when not, negative on bad WKB. */
int dm_geo_point_in(struct dm_geo *g, const struct dm_geom *poly, double x, double y);
/* A polygon prepared once for many containment tests (admin areas): a GEOS prepared geometry. */
struct dm_geo_prepared;
/* NULL on bad WKB or out of memory. Free with dm_geo_prepared_free() on the same g. */
struct dm_geo_prepared *dm_geo_prepare(struct dm_geo *g, const struct dm_geom *poly);
void dm_geo_prepared_free(struct dm_geo *g, struct dm_geo_prepared *p);
/* 1 when p covers geom wholly (boundary included), 0 when not, negative on bad WKB. */
int dm_geo_prepared_covers(struct dm_geo *g, const struct dm_geo_prepared *p, const struct dm_geom *geom);
/* Geodesic area of a ∩ b in m²; negative on failure. */
double dm_geo_intersection_area_m2(struct dm_geo *g, const struct dm_geom *a, const struct dm_geom *b);
/* A point guaranteed to lie on the geometry (GEOS PointOnSurface). 0 or negative. */
int dm_geo_representative_point(struct dm_geo *g, const struct dm_geom *geom, double *x, double *y);
/* 1 valid, 0 invalid (reason, if not NULL, receives the message as above), negative when
 * the WKB cannot be read. */
int dm_geo_is_valid_wkb(struct dm_geo *g, const struct dm_geom *geom, char *reason, size_t reason_len);
/* Shortest and longest geodesic distance between consecutive vertices (lines and rings). */
int dm_geo_vertex_spacing_m(struct dm_geo *g, const struct dm_geom *geom, double *min_m, double *max_m,
			    struct dm_error *err);
/* Hausdorff distance in metres (densified, in an azimuthal equidistant projection centred
 * on a): how far apart two near-duplicate outlines are at worst. Negative on failure. */
double dm_geo_hausdorff_m(struct dm_geo *g, const struct dm_geom *a, const struct dm_geom *b);

/* Proximity (settlement readiness, search-site safety): a base geometry prepared once, then
 * tested against many others. Built as PostGIS builds ST_Buffer/ST_Intersection on geography
 * (the UTM zone of the base's centre, 8 segments a quarter circle), areas geodesic in WGS84,
 * distances geodesic between the nearest points. */
struct dm_geo_near;
struct dm_geo_near_result {
	int touches;       /* the other geometry meets the base (inside, crossing or touching) */
	int within;        /* distance_m <= buffer_m */
	double distance_m; /* geodesic, 0 when it touches */
	double inside_m2;  /* area of other ∩ base (0 unless the base is a polygon) */
	double within_m2;  /* area of other ∩ buffer(base, buffer_m) (0 without a buffer) */
};
/* buffer_m 0 to 100,000 (0: no buffer, only touching and distances). Caller frees *out with
 * dm_geo_near_free() on the same g. */
int dm_geo_near_new(struct dm_geo *g, const struct dm_geom *base, double buffer_m, struct dm_geo_near **out,
		    struct dm_error *err);
void dm_geo_near_free(struct dm_geo *g, struct dm_geo_near *n);
/* The lon/lat box (minx, miny, maxx, maxy) holding every point within buffer_m of the base. */
void dm_geo_near_bbox(const struct dm_geo_near *n, double bbox[4]);
int dm_geo_near_test(struct dm_geo *g, const struct dm_geo_near *n, const struct dm_geom *other,
		     struct dm_geo_near_result *out, struct dm_error *err);

/* Vector tiles (Web Mercator, XYZ scheme: y = 0 at the north). A geometry in the integer
 * coordinates of one tile, ready for an MVT encoder: parts as struct dm_mvt_geom has them. */
struct dm_tile_geom {
	int type;          /* 0 = nothing left in the tile, 1 points, 2 lines, 3 polygons (MVT types) */
	int64_t *xy;       /* npoints (x, y) pairs, x right, y down, 0..extent inside the tile */
	size_t npoints;
	size_t *part_len;  /* points of each part: the points, each line, each ring (closed) */
	size_t nparts;
};
void dm_tile_geom_release(struct dm_tile_geom *t);
/* Projects wgs84 into tile z/x/y (extent units), clips it to the tile plus buffer
 * (GEOSClipByRect), simplifies polygons and lines by simplify_px (topology preserving, or
 * Douglas-Peucker for a polygon whose rounded result is checked valid; 0 = not at all), snaps
 * to the integer grid keeping polygons valid (rings that collapse are dropped), and orients rings as MVT 2.1 wants them (exterior rings positive area by the
 * surveyor's formula in tile coordinates, holes negative). A polygon smaller than 2 square
 * units, or one that collapses on the grid, becomes a point on its surface (the middle of its
 * box when the box itself is under 2 square units) so that small hazards stay visible at low
 * zoom. out->type 0 when nothing of it falls in the tile.
 * Latitudes are clamped to +-85.0511. Caller releases out with dm_tile_geom_release(). */
int dm_geo_tile_geometry(struct dm_geo *g, const struct dm_geom *wgs84, int z, int x, int y, int extent,
			 int buffer, double simplify_px, struct dm_tile_geom *out, struct dm_error *err);
/* The lon/lat box (minx, miny, maxx, maxy) of tile z/x/y grown by buffer/extent tiles on each side. */
void dm_geo_tile_bbox(int z, int x, int y, int extent, int buffer, double bbox[4]);
/* The tile holding lon/lat at zoom z. */
void dm_geo_tile_of(double lon, double lat, int z, int *x, int *y);
/* lon/lat projected into the (fractional) coordinates of tile z/x/y with the given extent. */
void dm_geo_tile_project(double lon, double lat, int z, int x, int y, int extent, double *px, double *py);

#endif
