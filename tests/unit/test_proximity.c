/* test_proximity.c: what lies near a geometry (geo_near.c) against figures computed here
 * another way (boxes' own geodesic areas, the regular polygon of a buffer scaled by the
 * Transverse Mercator scale factor, GeographicLib's direct problem), then the proximity module
 * (proximity.c) over a database: open hazards near a settlement and routes crossing them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <geodesic.h>
#include "check.h"
#include "demine/auth.h"
#include "demine/db.h"
#include "demine/geo.h"
#include "demine/readiness.h"
#include "demine/record.h"
#include "proximity.h"

static struct dm_geo *G;
static struct geod_geodesic WGS84;

static struct dm_geom geom(const char *geojson)
{
	struct dm_geom g = { 0 };
	struct dm_error err;
	json_t *j = json_loads(geojson, 0, NULL);
	dm_error_init(&err);
	if (!j || dm_geo_from_geojson(G, j, NULL, 0, &g, NULL, &err))
		fprintf(stderr, "  geometry %s: %s\n", geojson, err.message);
	json_decref(j);
	dm_error_release(&err);
	return g;
}

static struct dm_geom box(double x0, double y0, double x1, double y1)
{
	char s[400];
	snprintf(s, sizeof(s), "{\"type\":\"Polygon\",\"coordinates\":[[[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],"
		 "[%.9f,%.9f],[%.9f,%.9f]]]}", x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
	return geom(s);
}

static struct dm_geom point(double x, double y)
{
	char s[200];
	snprintf(s, sizeof(s), "{\"type\":\"Point\",\"coordinates\":[%.9f,%.9f]}", x, y);
	return geom(s);
}

static double area(const struct dm_geom *g)
{
	struct dm_error err;
	double a = -1;
	dm_error_init(&err);
	dm_geo_area_m2(G, g, &a, &err);
	dm_error_release(&err);
	return a;
}

static struct dm_geo_near_result near(const struct dm_geom *base, double buffer, const struct dm_geom *other)
{
	struct dm_geo_near *n = NULL;
	struct dm_geo_near_result r = { 0, 0, -1, -1, -1 };
	struct dm_error err;
	dm_error_init(&err);
	CHECK_INT(dm_geo_near_new(G, base, buffer, &n, &err), 0);
	if (n)
		CHECK_INT(dm_geo_near_test(G, n, other, &r, &err), 0);
	dm_geo_near_free(G, n);
	dm_error_release(&err);
	return r;
}

/* The Transverse Mercator point scale factor at (lon, lat) in a zone of central meridian lon0
 * (Snyder, Map Projections, eq. 8-16, to the fourth order). */
static double tm_scale(double lon, double lat, double lon0)
{
	const double k0 = 0.9996, f = 1 / 298.257223563, e2 = f * (2 - f), ep2 = e2 / (1 - e2);
	double phi = lat * M_PI / 180, c = ep2 * cos(phi) * cos(phi), t = tan(phi) * tan(phi);
	double a = (lon - lon0) * M_PI / 180 * cos(phi);
	return k0 * (1 + (1 + c) * a * a / 2 + (5 - 4 * t + 42 * c + 13 * c * c - 28 * ep2) * pow(a, 4) / 24);
}

static void test_areas(void)
{
	/* a built-up polygon and a hazard overlapping its eastern half: the overlap is a box
	 * with the same corners, whose geodesic area is computed directly */
	struct dm_geom base = box(47.0, 40.0, 47.01, 40.01), hz = box(47.005, 40.0, 47.02, 40.01);
	struct dm_geom overlap = box(47.005, 40.0, 47.01, 40.01), inner = box(47.012, 40.002, 47.014, 40.004);
	struct dm_geo_near_result r = near(&base, 500, &hz);
	CHECK(r.touches && r.within);
	CHECK_NEAR(r.distance_m, 0, 0);
	/* The cut is made in UTM, as PostGIS does: the two bottom edges, straight in UTM between
	 * their own corners, are different chords of the parallel, so the cut has a sliver of a
	 * few mm along 850 m of edge that the directly built box has not (4.3 m² of 47.4 ha). */
	CHECK_NEAR(r.inside_m2, area(&overlap), 5);
	CHECK(r.within_m2 > r.inside_m2 && r.within_m2 < area(&hz)); /* it reaches 850 m beyond */
	/* a hazard wholly inside the buffer: all of its area is within, none inside */
	r = near(&base, 500, &inner);
	CHECK(!r.touches && r.within);
	CHECK_NEAR(r.within_m2, area(&inner), 0.01);
	CHECK_NEAR(r.inside_m2, 0, 0);
	/* and wholly inside the built-up polygon: its own area, to the hundredth */
	free(inner.wkb);
	inner = box(47.002, 40.002, 47.004, 40.004);
	r = near(&base, 500, &inner);
	CHECK(r.touches);
	CHECK_NEAR(r.inside_m2, area(&inner), 0.01);
	free(base.wkb), free(hz.wkb), free(overlap.wkb), free(inner.wkb);
}

/* A hazard holding the whole buffer of a point: the buffer is a regular polygon of 32 sides
 * in UTM 38N, so its area on the ellipsoid is the polygon's plane area over k². */
static void test_buffer_area(void)
{
	struct dm_geom p = point(47.0, 40.0), big = box(46.9, 39.9, 47.1, 40.1);
	double plane = 0.5 * 32 * 500.0 * 500.0 * sin(2 * M_PI / 32), k = tm_scale(47.0, 40.0, 45.0);
	struct dm_geo_near_result r = near(&p, 500, &big);
	CHECK(r.touches && r.within);
	CHECK_NEAR(r.within_m2, plane / (k * k), 1);
	CHECK_NEAR(r.inside_m2, 0, 0); /* a point has no inside */
	free(p.wkb), free(big.wkb);
}

/* Distances: a hazard whose nearest corner is at a known geodesic distance and azimuth. */
static void test_distance(void)
{
	double lat2, lon2;
	struct dm_geom p = point(46.9, 39.8), hz;
	/* the south-west corner of the hazard 499.5 m and 500.5 m away to the north-east */
	for (int i = 0; i < 2; i++) {
		double d = i ? 500.5 : 499.5;
		geod_direct(&WGS84, 39.8, 46.9, 45, d, &lat2, &lon2, NULL);
		hz = box(lon2, lat2, lon2 + 0.01, lat2 + 0.01);
		struct dm_geo_near_result r = near(&p, 500, &hz);
		CHECK(!r.touches);
		CHECK_NEAR(r.distance_m, d, 0.05);
		CHECK_INT(r.within, !i);
		free(hz.wkb);
	}
	free(p.wkb);
}

/* A route crossing a hazard touches it; one passing by does not, at its distance. */
static void test_route(void)
{
	struct dm_geom road = geom("{\"type\":\"LineString\",\"coordinates\":[[47,40],[47.02,40]]}");
	struct dm_geom across = box(47.005, 39.999, 47.006, 40.001), beside = box(47.005, 40.001, 47.006, 40.002);
	double d;
	struct dm_geo_near_result r = near(&road, 0, &across);
	CHECK(r.touches && r.within);
	r = near(&road, 0, &beside);
	CHECK(!r.touches && !r.within);
	geod_inverse(&WGS84, 40.0, 47.0055, 40.001, 47.0055, &d, NULL, NULL);
	CHECK_NEAR(r.distance_m, d, 0.05);
	free(road.wkb), free(across.wkb), free(beside.wkb);
}

static void test_bad_input(void)
{
	struct dm_geo_near *n = NULL;
	struct dm_geom p = point(47, 40), empty = { 0 };
	struct dm_error err;
	dm_error_init(&err);
	CHECK_INT(dm_geo_near_new(G, &p, -1, &n, &err), DM_EINVAL);
	CHECK(strstr(err.message, "buffer") != NULL);
	dm_error_release(&err);
	dm_error_init(&err);
	CHECK_INT(dm_geo_near_new(G, &empty, 500, &n, &err), DM_EINVAL);
	CHECK(n == NULL);
	dm_error_release(&err);
	free(p.wkb);
}

/* ---- over a database: the readiness of a settlement follows its hazards ---- */
static const struct dm_actor officer = { "ana", "local", NULL };

static struct dm_record *create(struct dm_db *db, const char *type, const char *json, int approve)
{
	struct dm_write_opts opts = { .approve = approve };
	struct dm_record *r = NULL;
	struct dm_error err;
	json_t *in = json_loads(json, 0, NULL);
	dm_error_init(&err);
	if (!in || dm_record_create(db, &officer, type, in, &opts, &r, &err))
		fprintf(stderr, "  create %s: %s\n", type, err.message);
	json_decref(in);
	dm_error_release(&err);
	return r;
}

static struct dm_record *get(struct dm_db *db, const char *id)
{
	struct dm_record *r = NULL;
	struct dm_error err;
	dm_error_init(&err);
	if (dm_record_get(db, &officer, id, NULL, &r, &err))
		fprintf(stderr, "  get %s: %s\n", id, err.message);
	dm_error_release(&err);
	return r;
}

static const char *field_str(const struct dm_record *r, const char *name)
{
	return r ? json_string_value(json_object_get(r->fields, name)) : NULL;
}

static double field_num(const struct dm_record *r, const char *name)
{
	return r ? json_number_value(json_object_get(r->fields, name)) : -1;
}

/* The box 300 to 470 m east of (47, 40), 220 m high. */
#define HZ_BOX "[[[47.0035,39.999],[47.0055,39.999],[47.0055,40.001],[47.0035,40.001],[47.0035,39.999]]]"

static void test_readiness(struct dm_db *db)
{
	char buf[1200];
	struct dm_record *adm, *s, *h, *rt, *lr, *now;
	struct dm_prox p;
	struct dm_error err;
	json_t *reasons;
	adm = create(db, "location", "{\"kind\":\"adm2\",\"name_en\":\"Fuzuli\",\"abbr\":\"FZL\",\"change_reason\":"
		     "\"cod-ab\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[46.5,39.5],[47.5,39.5],[47.5,"
		     "40.5],[46.5,40.5],[46.5,39.5]]]}}", 1);
	s = create(db, "settlement", "{\"name_en\":\"Khidirli\",\"name_az\":\"Xıdırlı\",\"planned_returnees\":300,"
		   "\"return_priority\":1,\"change_reason\":\"return plan\",\"geometry\":{\"type\":\"Point\","
		   "\"coordinates\":[47,40]}}", 1);
	CHECK(adm && s);
	if (!adm || !s)
		return;
	CHECK_STR(field_str(s, "readiness_status"), "cleared_for_return");
	CHECK_STR(s->location, adm->id);
	/* an open CHA 300 m away blocks it: a system version on the hazard's approval */
	h = create(db, "hazard", "{\"category\":\"cha\",\"hazard_type\":\"minefield\",\"land_status\":\"open\","
		   "\"change_reason\":\"survey\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" HZ_BOX "}}", 1);
	CHECK(h != NULL);
	now = get(db, s->id);
	CHECK_STR(field_str(now, "readiness_status"), "blocked");
	CHECK_INT(field_num(now, "open_hazards"), 1);
	CHECK_NEAR(field_num(now, "hazard_within_m2"), field_num(h, "area_m2"), 0.01);
	CHECK_STR(now ? now->updated_by : NULL, "system");
	snprintf(buf, sizeof(buf), "1 open CHA within 500 m: %s (", h ? h->code : "?");
	reasons = now ? json_object_get(now->fields, "readiness_reasons") : NULL;
	CHECK(json_is_string(json_array_get(reasons, 0)) &&
	      !strncmp(json_string_value(json_array_get(reasons, 0)), buf, strlen(buf)));
	dm_record_free(now);
	/* the proximity module itself: distance about 298 m (the box's west edge) */
	dm_error_init(&err);
	CHECK_INT(dm_prox_near(db, &s->geom, 500, 1, &p, &err), 0);
	CHECK_INT(p.n, 1);
	if (p.n)
		CHECK_NEAR(p.hz[0].distance_m, 298.1, 1);
	dm_prox_release(&p);
	CHECK_INT(dm_prox_near(db, &s->geom, 250, 0, &p, &err), 0);
	CHECK_INT(p.n, 0);
	dm_prox_release(&p);
	/* a road to the settlement crossing the hazard */
	snprintf(buf, sizeof(buf), "{\"name\":\"R-12\",\"kind\":\"road\",\"settlements\":[\"%s\"],\"change_reason\":"
		 "\"roads\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[47,40],[47.02,40]]}}", s->id);
	rt = create(db, "access_route", buf, 1);
	CHECK(rt != NULL);
	CHECK_INT(field_num(rt, "hazards_crossed"), 1);
	now = get(db, s->id);
	CHECK_INT(field_num(now, "routes_blocked"), 1);
	reasons = now ? json_object_get(now->fields, "readiness_reasons") : NULL;
	CHECK(json_array_size(reasons) == 2 && strstr(json_string_value(json_array_get(reasons, 1)), "route R-12") != NULL);
	dm_record_free(now);
	/* approving the release that clears the last hazard: cleared for return in the same
	 * transaction, a system version naming the release */
	snprintf(buf, sizeof(buf), "{\"hazard\":\"%s\",\"method\":\"clearance\",\"result\":\"cleared\",\"end_date\":"
		 "\"2026-05-01\",\"change_reason\":\"completion report\",\"geometry\":{\"type\":\"Polygon\","
		 "\"coordinates\":" HZ_BOX "}}", h ? h->id : "");
	lr = create(db, "land_release", buf, 1);
	CHECK(lr != NULL);
	now = get(db, s->id);
	CHECK_STR(field_str(now, "readiness_status"), "cleared_for_return");
	CHECK_STR(now ? now->updated_by : NULL, "system");
	CHECK(now && lr && now->change_reason && strstr(now->change_reason, lr->code) &&
	      strstr(now->change_reason, "cleared for return"));
	CHECK_NEAR(field_num(now, "released_within_m2"), field_num(h, "area_m2"), 1);
	CHECK_INT(field_num(now, "routes_blocked"), 0);
	dm_record_free(now);
	now = get(db, rt ? rt->id : "");
	CHECK_INT(field_num(now, "hazards_crossed"), 0);
	dm_record_free(now);
	/* a settlement outside every admin area is refused with the reason */
	CHECK(create(db, "settlement", "{\"name_en\":\"Nowhere\",\"change_reason\":\"x\",\"geometry\":{\"type\":"
		     "\"Point\",\"coordinates\":[47.8,40]}}", 1) == NULL);
	/* the rules: unknown names and bad values are refused naming them */
	CHECK_INT(dm_readiness_set(db, "readiness.bufer_m", "300", &err), DM_EINVAL);
	CHECK(strstr(err.message, "unknown readiness setting 'readiness.bufer_m'") != NULL);
	dm_error_release(&err);
	dm_error_init(&err);
	CHECK_INT(dm_readiness_set(db, "readiness.buffer_m", "9000", &err), DM_EINVAL);
	CHECK(strstr(err.message, "readiness.buffer_m") && strstr(err.message, "9000"));
	dm_error_release(&err);
	dm_error_init(&err);
	CHECK_INT(dm_readiness_set(db, "readiness.categories", "cha,uxo", &err), DM_EINVAL);
	CHECK(strstr(err.message, "'uxo' is not a hazard category") != NULL);
	dm_error_release(&err);
	dm_record_free(adm);
	dm_record_free(s);
	dm_record_free(h);
	dm_record_free(rt);
	dm_record_free(lr);
}

/* A hazard moved away by an approved correction leaves the settlement it blocked: the
 * settlements near where it was are recomputed too. */
static void test_moved_hazard(struct dm_db *db)
{
	struct dm_write_opts opts = { .approve = 1 };
	struct dm_record *s, *h, *moved = NULL, *now;
	struct dm_error err;
	json_t *in;
	s = create(db, "settlement", "{\"name_en\":\"Dashkasan\",\"change_reason\":\"plan\",\"geometry\":{\"type\":"
		   "\"Point\",\"coordinates\":[47.2,40.2]}}", 1);
	h = create(db, "hazard", "{\"category\":\"sha\",\"hazard_type\":\"minefield\",\"land_status\":\"open\","
		   "\"change_reason\":\"survey\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[47.202,40.199],"
		   "[47.204,40.199],[47.204,40.201],[47.202,40.201],[47.202,40.199]]]}}", 1);
	CHECK(s && h);
	if (!s || !h)
		goto out;
	now = get(db, s->id);
	CHECK_STR(field_str(now, "readiness_status"), "blocked");
	dm_record_free(now);
	in = json_loads("{\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[47.302,40.199],[47.304,40.199],"
			"[47.304,40.201],[47.302,40.201],[47.302,40.199]]]}}", 0, NULL);
	dm_error_init(&err);
	CHECK_INT(dm_record_update(db, &officer, h->id, h->version, in, "resurveyed: it lay 8.5 km east", &opts, &moved, &err), 0);
	json_decref(in);
	dm_error_release(&err);
	now = get(db, s->id);
	CHECK_STR(field_str(now, "readiness_status"), "cleared_for_return");
	CHECK(now && now->change_reason && h->code && strstr(now->change_reason, h->code));
	dm_record_free(now);
out:
	dm_record_free(moved);
	dm_record_free(s);
	dm_record_free(h);
}

int main(void)
{
	char dir[] = "/tmp/demine-test-prox-XXXXXX", path[600], cmd[700];
	struct dm_db *db = NULL;
	struct dm_error err;
	G = dm_geo_new();
	geod_init(&WGS84, 6378137.0, 1 / 298.257223563);
	test_areas();
	test_buffer_area();
	test_distance();
	test_route();
	test_bad_input();
	dm_geo_free(G);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/p.db", dir);
	dm_error_init(&err);
	CHECK_INT(dm_db_open(path, 1, &db, &err), 0);
	dm_error_release(&err);
	if (db) {
		G = dm_db_geo(db);
		test_readiness(db);
		test_moved_hazard(db);
		dm_db_close(db);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_report("proximity");
}
