/* geo.c: the geometry context, WKB in and out, geodesic area, GeoJSON/WKT output and the
 * small helpers (point in polygon, intersection area, vertex spacing, Hausdorff). */
#include <stdlib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "geo_impl.h"

static void geos_message(const char *msg, void *arg)
{
	struct dm_geo *g = arg;
	snprintf(g->geos_msg, sizeof(g->geos_msg), "%s", msg);
}

struct dm_geo *dm_geo_new(void)
{
	struct dm_geo *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->gh = GEOS_init_r();
	g->pj = proj_context_create();
	if (!g->gh || !g->pj) {
		dm_geo_free(g);
		return NULL;
	}
	/* Without handlers GEOS stays silent; with them we can quote its reason. */
	GEOSContext_setNoticeMessageHandler_r(g->gh, geos_message, g);
	GEOSContext_setErrorMessageHandler_r(g->gh, geos_message, g);
	proj_log_level(g->pj, PJ_LOG_NONE);
	geod_init(&g->geod, 6378137.0, 1 / 298.257223563);
	g->wkbr = GEOSWKBReader_create_r(g->gh);
	g->wkbw = GEOSWKBWriter_create_r(g->gh);
	if (!g->wkbr || !g->wkbw) {
		dm_geo_free(g);
		return NULL;
	}
	GEOSWKBWriter_setOutputDimension_r(g->gh, g->wkbw, 2);
	GEOSWKBWriter_setByteOrder_r(g->gh, g->wkbw, GEOS_WKB_NDR);
	GEOSWKBWriter_setFlavor_r(g->gh, g->wkbw, GEOS_WKB_ISO);
	return g;
}

void dm_geo_free(struct dm_geo *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->ncrs; i++)
		proj_destroy(g->crs[i].to_wgs84);
	if (g->wkbr)
		GEOSWKBReader_destroy_r(g->gh, g->wkbr);
	if (g->wkbw)
		GEOSWKBWriter_destroy_r(g->gh, g->wkbw);
	if (g->pj)
		proj_context_destroy(g->pj);
	if (g->gh)
		GEOS_finish_r(g->gh);
	free(g);
}

int dm_geo_wkb_type(const struct dm_geom *geom)
{
	if (!geom || !geom->wkb || geom->wkb_len < 5 || geom->wkb[0] > 1)
		return -1;
	uint32_t t;
	const unsigned char *p = geom->wkb + 1;
	if (geom->wkb[0] == 1)
		t = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	else
		t = (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
	t &= 0x0fffffff; /* EWKB flags */
	t %= 1000;       /* ISO Z/M/ZM */
	return t >= 1 && t <= 7 ? (int)t : -1;
}

/* 1 when m is a Multi* of one part whose WKB is exactly s's, in the same byte order. */
static int multi_of_one(const struct dm_geom *m, const struct dm_geom *s)
{
	const unsigned char *p;
	uint32_t n;
	int ts = dm_geo_wkb_type(s), tm = dm_geo_wkb_type(m);
	if (ts < 1 || ts > 3 || tm != ts + 3 || m->wkb_len != s->wkb_len + 9 || m->wkb[0] != s->wkb[0])
		return 0;
	p = m->wkb + 5;
	n = m->wkb[0] == 1 ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
			   : (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
	return n == 1 && !memcmp(m->wkb + 9, s->wkb, s->wkb_len);
}

int dm_geo_same(const struct dm_geom *a, const struct dm_geom *b)
{
	if (a->wkb_len == b->wkb_len)
		return !a->wkb_len || !memcmp(a->wkb, b->wkb, a->wkb_len);
	return a->wkb_len && b->wkb_len && (multi_of_one(a, b) || multi_of_one(b, a));
}

int dm_geo_area_m2(struct dm_geo *g, const struct dm_geom *geom, double *out, struct dm_error *err)
{
	GEOSGeometry *gg = geo_read(g, geom);
	if (!gg)
		return dm_error_set(err, DM_EINVAL, "geometry", "geometry cannot be read (bad wkb)");
	*out = geo_area(g, gg);
	GEOSGeom_destroy_r(g->gh, gg);
	return 0;
}

/* ---- output ---- */

struct outctx {
	struct dm_geo *g;
	const struct geo_crs *crs; /* NULL = WGS84 */
	double scale;              /* 1e9 for degrees, 1e4 for metres */
	int fail;
};

static int out_xy(struct outctx *o, double *x, double *y)
{
	if (o->crs && geo_crs_from_wgs84(o->g, o->crs, x, y)) {
		o->fail = 1;
		return -1;
	}
	*x = round(*x * o->scale) / o->scale;
	*y = round(*y * o->scale) / o->scale;
	return 0;
}

static json_t *pos_json(double x, double y)
{
	return json_pack("[ff]", x, y);
}

/* A line or ring as a JSON array; want_ccw: 1 ccw, -1 cw, 0 as stored. */
static json_t *seq_json(struct outctx *o, const GEOSGeometry *line, int want_ccw)
{
	const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(o->g->gh, line);
	unsigned n = 0;
	json_t *arr = json_array();
	if (!s || !GEOSCoordSeq_getSize_r(o->g->gh, s, &n) || !arr)
		return arr;
	double *xy = malloc(2 * (size_t)(n ? n : 1) * sizeof(double));
	if (!xy) {
		o->fail = 1;
		return arr;
	}
	double twice_area = 0;
	for (unsigned i = 0; i < n; i++) {
		GEOSCoordSeq_getXY_r(o->g->gh, s, i, &xy[2 * i], &xy[2 * i + 1]);
		out_xy(o, &xy[2 * i], &xy[2 * i + 1]);
		if (i)
			twice_area += xy[2 * i - 2] * xy[2 * i + 1] - xy[2 * i] * xy[2 * i - 1];
	}
	/* Orientation is judged on the output coordinates, so a projection cannot flip it. */
	int reverse = want_ccw && ((want_ccw > 0) != (twice_area > 0));
	for (unsigned k = 0; k < n; k++) {
		unsigned i = reverse ? n - 1 - k : k;
		json_array_append_new(arr, pos_json(xy[2 * i], xy[2 * i + 1]));
	}
	free(xy);
	return arr;
}

static json_t *polygon_json(struct outctx *o, const GEOSGeometry *p)
{
	json_t *rings = json_array();
	if (GEOSisEmpty_r(o->g->gh, p))
		return rings;
	json_array_append_new(rings, seq_json(o, GEOSGetExteriorRing_r(o->g->gh, p), 1));
	int nh = GEOSGetNumInteriorRings_r(o->g->gh, p);
	for (int i = 0; i < nh; i++)
		json_array_append_new(rings, seq_json(o, GEOSGetInteriorRingN_r(o->g->gh, p, i), -1));
	return rings;
}

static json_t *point_json(struct outctx *o, const GEOSGeometry *p)
{
	double x, y;
	if (GEOSisEmpty_r(o->g->gh, p))
		return json_array();
	GEOSGeomGetX_r(o->g->gh, p, &x);
	GEOSGeomGetY_r(o->g->gh, p, &y);
	out_xy(o, &x, &y);
	return pos_json(x, y);
}

static json_t *part_json(struct outctx *o, const GEOSGeometry *p)
{
	switch (GEOSGeomTypeId_r(o->g->gh, p)) {
	case GEOS_POINT: return point_json(o, p);
	case GEOS_LINESTRING:
	case GEOS_LINEARRING: return seq_json(o, p, 0);
	case GEOS_POLYGON: return polygon_json(o, p);
	default: o->fail = 1; return json_array();
	}
}

static json_t *geometry_json(struct outctx *o, const GEOSGeometry *gg)
{
	static const char *const names[] = {
		[GEOS_POINT] = "Point", [GEOS_LINESTRING] = "LineString", [GEOS_LINEARRING] = "LineString",
		[GEOS_POLYGON] = "Polygon", [GEOS_MULTIPOINT] = "MultiPoint",
		[GEOS_MULTILINESTRING] = "MultiLineString", [GEOS_MULTIPOLYGON] = "MultiPolygon",
	};
	int t = GEOSGeomTypeId_r(o->g->gh, gg);
	if (t < 0 || t > GEOS_MULTIPOLYGON)
		return NULL; /* collections are refused on input, so never stored */
	json_t *coords;
	if (t >= GEOS_MULTIPOINT) {
		coords = json_array();
		int n = GEOSGetNumGeometries_r(o->g->gh, gg);
		for (int i = 0; i < n; i++)
			json_array_append_new(coords, part_json(o, GEOSGetGeometryN_r(o->g->gh, gg, i)));
	} else {
		coords = part_json(o, gg);
	}
	return json_pack("{s:s,s:o}", "type", names[t], "coordinates", coords);
}

static int out_init(struct dm_geo *g, struct outctx *o, const char *dst_crs)
{
	memset(o, 0, sizeof(*o));
	o->g = g;
	o->scale = 1e9;
	struct dm_error err;
	dm_error_init(&err);
	const struct geo_crs *c = geo_crs_get(g, dst_crs, &err);
	dm_error_release(&err);
	if (!c)
		return -1;
	if (c->to_wgs84) {
		o->crs = c;
		if (!c->geographic)
			o->scale = 1e4;
	}
	return 0;
}

json_t *dm_geo_to_geojson(struct dm_geo *g, const struct dm_geom *geom, const char *dst_crs)
{
	struct outctx o;
	if (out_init(g, &o, dst_crs))
		return NULL;
	GEOSGeometry *gg = geo_read(g, geom);
	if (!gg)
		return NULL;
	json_t *j = geometry_json(&o, gg);
	GEOSGeom_destroy_r(g->gh, gg);
	if (o.fail) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static int xy_from_wgs84(double *x, double *y, void *arg)
{
	struct outctx *o = arg;
	return geo_crs_from_wgs84(o->g, o->crs, x, y) ? 0 : 1;
}

char *dm_geo_to_wkt(struct dm_geo *g, const struct dm_geom *geom, const char *dst_crs)
{
	struct outctx o;
	char *res = NULL;
	if (out_init(g, &o, dst_crs))
		return NULL;
	GEOSGeometry *gg = geo_read(g, geom);
	if (!gg)
		return NULL;
	if (o.crs) {
		GEOSGeometry *t = GEOSGeom_transformXY_r(g->gh, gg, xy_from_wgs84, &o);
		GEOSGeom_destroy_r(g->gh, gg);
		gg = t;
		if (!gg)
			return NULL;
	}
	GEOSWKTWriter *w = GEOSWKTWriter_create_r(g->gh);
	if (w) {
		GEOSWKTWriter_setTrim_r(g->gh, w, 1);
		GEOSWKTWriter_setRoundingPrecision_r(g->gh, w, o.scale > 1e5 ? 9 : 4);
		GEOSWKTWriter_setOutputDimension_r(g->gh, w, 2);
		char *s = GEOSWKTWriter_write_r(g->gh, w, gg);
		if (s) {
			res = strdup(s);
			GEOSFree_r(g->gh, s);
		}
		GEOSWKTWriter_destroy_r(g->gh, w);
	}
	GEOSGeom_destroy_r(g->gh, gg);
	return res;
}

/* ---- helpers for admin areas and data quality ---- */

/* A dm_geom built from WKB alone has a zero bbox: then the bbox cannot rule anything out. */
static int has_bbox(const struct dm_geom *g)
{
	return g->minx != 0 || g->miny != 0 || g->maxx != 0 || g->maxy != 0;
}

int dm_geo_point_in(struct dm_geo *g, const struct dm_geom *poly, double x, double y)
{
	if (has_bbox(poly) && (x < poly->minx || x > poly->maxx || y < poly->miny || y > poly->maxy))
		return 0;
	GEOSGeometry *a = geo_read(g, poly);
	if (!a)
		return DM_EINVAL;
	GEOSGeometry *p = GEOSGeom_createPointFromXY_r(g->gh, x, y);
	char r = p ? GEOSIntersects_r(g->gh, a, p) : 2;
	GEOSGeom_destroy_r(g->gh, a);
	if (p)
		GEOSGeom_destroy_r(g->gh, p);
	return r == 1 ? 1 : r == 0 ? 0 : DM_EINVAL;
}

struct dm_geo_prepared {
	GEOSGeometry *geom;
	const GEOSPreparedGeometry *prep;
};

struct dm_geo_prepared *dm_geo_prepare(struct dm_geo *g, const struct dm_geom *poly)
{
	struct dm_geo_prepared *p = calloc(1, sizeof(*p));
	if (p && (p->geom = geo_read(g, poly)) != NULL && (p->prep = GEOSPrepare_r(g->gh, p->geom)) != NULL)
		return p;
	dm_geo_prepared_free(g, p);
	return NULL;
}

void dm_geo_prepared_free(struct dm_geo *g, struct dm_geo_prepared *p)
{
	if (!p)
		return;
	if (p->prep)
		GEOSPreparedGeom_destroy_r(g->gh, p->prep);
	if (p->geom)
		GEOSGeom_destroy_r(g->gh, p->geom);
	free(p);
}

int dm_geo_prepared_covers(struct dm_geo *g, const struct dm_geo_prepared *p, const struct dm_geom *geom)
{
	GEOSGeometry *a = geo_read(g, geom);
	char r;
	if (!a)
		return DM_EINVAL;
	r = GEOSPreparedCovers_r(g->gh, p->prep, a);
	GEOSGeom_destroy_r(g->gh, a);
	return r == 1 ? 1 : r == 0 ? 0 : DM_EINVAL;
}

double dm_geo_intersection_area_m2(struct dm_geo *g, const struct dm_geom *a, const struct dm_geom *b)
{
	if (has_bbox(a) && has_bbox(b) &&
	    (a->maxx < b->minx || b->maxx < a->minx || a->maxy < b->miny || b->maxy < a->miny))
		return 0;
	GEOSGeometry *ga = geo_read(g, a), *gb = geo_read(g, b), *gi = NULL;
	double r = -1;
	if (ga && gb && (gi = GEOSIntersection_r(g->gh, ga, gb)) != NULL)
		r = geo_area(g, gi);
	if (ga)
		GEOSGeom_destroy_r(g->gh, ga);
	if (gb)
		GEOSGeom_destroy_r(g->gh, gb);
	if (gi)
		GEOSGeom_destroy_r(g->gh, gi);
	return r;
}

int dm_geo_representative_point(struct dm_geo *g, const struct dm_geom *geom, double *x, double *y)
{
	GEOSGeometry *a = geo_read(g, geom), *p = NULL;
	int rc = DM_EINVAL;
	if (a && !GEOSisEmpty_r(g->gh, a) && (p = GEOSPointOnSurface_r(g->gh, a)) != NULL &&
	    GEOSGeomGetX_r(g->gh, p, x) && GEOSGeomGetY_r(g->gh, p, y))
		rc = 0;
	if (a)
		GEOSGeom_destroy_r(g->gh, a);
	if (p)
		GEOSGeom_destroy_r(g->gh, p);
	return rc;
}

int dm_geo_is_valid_wkb(struct dm_geo *g, const struct dm_geom *geom, char *reason, size_t reason_len)
{
	char msg[512];
	GEOSGeometry *a = geo_read(g, geom);
	if (!a)
		return DM_EINVAL;
	int r = geo_validity(g, a, msg, sizeof(msg));
	GEOSGeom_destroy_r(g->gh, a);
	if (r == 0 && reason && reason_len)
		snprintf(reason, reason_len, "%s", msg);
	return r;
}

static void spacing_seq(struct dm_geo *g, const GEOSGeometry *line, double *mn, double *mx)
{
	const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(g->gh, line);
	unsigned n = 0;
	if (!s || !GEOSCoordSeq_getSize_r(g->gh, s, &n))
		return;
	double px = 0, py = 0;
	for (unsigned i = 0; i < n; i++) {
		double x, y, d;
		GEOSCoordSeq_getXY_r(g->gh, s, i, &x, &y);
		if (i) {
			geod_inverse(&g->geod, py, px, y, x, &d, NULL, NULL);
			if (d < *mn)
				*mn = d;
			if (d > *mx)
				*mx = d;
		}
		px = x;
		py = y;
	}
}

static void spacing_walk(struct dm_geo *g, const GEOSGeometry *gg, double *mn, double *mx)
{
	int t = GEOSGeomTypeId_r(g->gh, gg);
	if (t == GEOS_LINESTRING || t == GEOS_LINEARRING) {
		spacing_seq(g, gg, mn, mx);
	} else if (t == GEOS_POLYGON) {
		if (GEOSisEmpty_r(g->gh, gg))
			return;
		spacing_seq(g, GEOSGetExteriorRing_r(g->gh, gg), mn, mx);
		for (int i = 0; i < GEOSGetNumInteriorRings_r(g->gh, gg); i++)
			spacing_seq(g, GEOSGetInteriorRingN_r(g->gh, gg, i), mn, mx);
	} else if (t >= GEOS_MULTIPOINT) {
		for (int i = 0; i < GEOSGetNumGeometries_r(g->gh, gg); i++)
			spacing_walk(g, GEOSGetGeometryN_r(g->gh, gg, i), mn, mx);
	}
}

int dm_geo_vertex_spacing_m(struct dm_geo *g, const struct dm_geom *geom, double *min_m, double *max_m,
			    struct dm_error *err)
{
	GEOSGeometry *a = geo_read(g, geom);
	if (!a)
		return dm_error_set(err, DM_EINVAL, "geometry", "geometry cannot be read (bad wkb)");
	double mn = INFINITY, mx = -1;
	spacing_walk(g, a, &mn, &mx);
	GEOSGeom_destroy_r(g->gh, a);
	if (mx < 0)
		return dm_error_set(err, DM_EINVAL, "geometry", "geometry has no segments");
	*min_m = mn;
	*max_m = mx;
	return 0;
}

static int xy_fwd(double *x, double *y, void *arg)
{
	PJ_COORD c = proj_trans(arg, PJ_FWD, proj_coord(*x, *y, 0, 0));
	if (!isfinite(c.xy.x) || !isfinite(c.xy.y))
		return 0;
	*x = c.xy.x;
	*y = c.xy.y;
	return 1;
}

double dm_geo_hausdorff_m(struct dm_geo *g, const struct dm_geom *a, const struct dm_geom *b)
{
	char def[256];
	double r = -1;
	GEOSGeometry *ga = geo_read(g, a), *gb = geo_read(g, b), *pa = NULL, *pb = NULL;
	if (!ga || !gb)
		goto out;
	/* An azimuthal equidistant projection centred on a keeps distances true to a few mm
	 * over the few km a hazard spans, so GEOS can measure in metres. */
	double x0 = 0, y0 = 0, x1 = 0, y1 = 0; /* from the geometry: the bbox may not be filled */
	GEOSGeom_getXMin_r(g->gh, ga, &x0);
	GEOSGeom_getYMin_r(g->gh, ga, &y0);
	GEOSGeom_getXMax_r(g->gh, ga, &x1);
	GEOSGeom_getYMax_r(g->gh, ga, &y1);
	snprintf(def, sizeof(def), "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
		 "+step +proj=aeqd +lat_0=%.9f +lon_0=%.9f +ellps=WGS84", (y0 + y1) / 2, (x0 + x1) / 2);
	PJ *p = proj_create(g->pj, def);
	if (!p)
		goto out;
	pa = GEOSGeom_transformXY_r(g->gh, ga, xy_fwd, p);
	pb = GEOSGeom_transformXY_r(g->gh, gb, xy_fwd, p);
	proj_destroy(p);
	if (pa && pb && !GEOSHausdorffDistanceDensify_r(g->gh, pa, pb, 0.1, &r))
		r = -1;
out:
	if (ga)
		GEOSGeom_destroy_r(g->gh, ga);
	if (gb)
		GEOSGeom_destroy_r(g->gh, gb);
	if (pa)
		GEOSGeom_destroy_r(g->gh, pa);
	if (pb)
		GEOSGeom_destroy_r(g->gh, pb);
	return r;
}
