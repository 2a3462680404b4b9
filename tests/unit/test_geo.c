/* test_geo.c: the geometry module against outside references: GEOS's validity cases,
 * GeographicLib's Planimeter and GeodSolve, PROJ's cs2cs figures, hand-computed release. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "check.h"
#include "demine/geo.h"

static struct dm_geo *G;

static void geom_free(struct dm_geom *g)
{
	free(g->wkb);
	memset(g, 0, sizeof(*g));
}

/* ---- 1. GEOS validity fixtures ---- */

static xmlNode *child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

static xmlNode *find_op(xmlNode *c)
{
	for (xmlNode *t = c->children; t; t = t->next)
		if (t->type == XML_ELEMENT_NODE && !strcmp((const char *)t->name, "test"))
			return child(t, "op");
	return NULL;
}

/* Calls fn(wkt, expected_valid, desc) for each isValid case; returns the number of cases. */
static int each_case(const char *file, void (*fn)(const char *wkt, int valid, const char *desc, void *arg), void *arg)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/geos/%s", check_fixtures(), file);
	xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	CHECK_MSG(doc != NULL, "cannot read %s (set DEMINE_FIXTURES)", path);
	if (!doc)
		return 0;
	int n = 0;
	for (xmlNode *c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "case"))
			continue;
		xmlNode *a = child(c, "a"), *op = find_op(c), *d = child(c, "desc");
		xmlChar *prop = op ? xmlGetProp(op, (const xmlChar *)"name") : NULL;
		if (a && op && prop && !strcmp((const char *)prop, "isValid")) {
			xmlChar *wkt = xmlNodeGetContent(a), *exp = xmlNodeGetContent(op);
			xmlChar *desc = d ? xmlNodeGetContent(d) : NULL;
			fn((const char *)wkt, strstr((const char *)exp, "true") != NULL, desc ? (const char *)desc : "", arg);
			xmlFree(wkt);
			xmlFree(exp);
			xmlFree(desc);
			n++;
		}
		xmlFree(prop);
	}
	xmlFreeDoc(doc);
	return n;
}

struct tally {
	int checked, skipped;
};

static void wkt_case(const char *wkt, int valid, const char *desc, void *arg)
{
	struct tally *t = arg;
	struct dm_error err;
	struct dm_geom g = {0};
	dm_error_init(&err);
	/* GeometryCollection is refused by design (a record has one kind of geometry). */
	if (strstr(wkt, "GEOMETRYCOLLECTION")) {
		t->skipped++;
		return;
	}
	int rc = dm_geo_from_wkt(G, wkt, NULL, DM_GEO_NO_RANGE_CHECK | DM_GEO_ALLOW_EMPTY, &g, NULL, &err);
	CHECK_MSG(valid ? rc == 0 : rc == DM_EINVAL, "%s: expected %s, got rc %d: %s", desc, valid ? "valid" : "invalid",
		  rc, err.message);
	if (!valid && rc == DM_EINVAL)
		CHECK_MSG(!strcmp(err.field, "geometry") && err.message[0] >= 'a' && err.message[0] <= 'z',
			  "%s: message '%s'", desc, err.message);
	t->checked++;
	geom_free(&g);
	dm_error_release(&err);
}

/* Rescales a GeoJSON geometry's coordinates in place: x' = ox + (x - minx) * s, same for y.
 * s is a power of two and the offsets are short binary fractions, so the map is exact and
 * the validity answer cannot change. Usable by any test that needs fixtures in Azerbaijan. */
static void rescale_coords(json_t *c, double minx, double miny, double s, double ox, double oy)
{
	if (json_array_size(c) >= 2 && json_is_number(json_array_get(c, 0))) {
		double x = json_number_value(json_array_get(c, 0)), y = json_number_value(json_array_get(c, 1));
		json_array_set_new(c, 0, json_real(ox + (x - minx) * s));
		json_array_set_new(c, 1, json_real(oy + (y - miny) * s));
		return;
	}
	for (size_t i = 0; i < json_array_size(c); i++)
		rescale_coords(json_array_get(c, i), minx, miny, s, ox, oy);
}

static void extent(json_t *c, double *b)
{
	if (json_array_size(c) >= 2 && json_is_number(json_array_get(c, 0))) {
		double x = json_number_value(json_array_get(c, 0)), y = json_number_value(json_array_get(c, 1));
		b[0] = fmin(b[0], x), b[1] = fmin(b[1], y), b[2] = fmax(b[2], x), b[3] = fmax(b[3], y);
		return;
	}
	for (size_t i = 0; i < json_array_size(c); i++)
		extent(json_array_get(c, i), b);
}

/* The polygon cases moved into lon 46.5-47.0, lat 39.7-40.0, through the GeoJSON path. */
json_t *geo_fixture_in_azerbaijan(const char *wkt);
json_t *geo_fixture_in_azerbaijan(const char *wkt)
{
	struct dm_error err;
	dm_error_init(&err);
	json_t *j = dm_geo_wkt_to_json(wkt, &err);
	dm_error_release(&err);
	if (!j)
		return NULL;
	double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
	json_t *c = json_object_get(j, "coordinates");
	extent(c, b);
	double span = fmax(b[2] - b[0], b[3] - b[1]), s = 1;
	while (span * s > 0.3)
		s /= 2;
	while (span > 0 && span * s * 2 <= 0.3)
		s *= 2;
	rescale_coords(c, b[0], b[1], s, 46.5, 39.6875);
	return j;
}

static void geojson_case(const char *wkt, int valid, const char *desc, void *arg)
{
	struct tally *t = arg;
	if (strncmp(wkt + strspn(wkt, " \t\r\n"), "POLYGON", 7) && strncmp(wkt + strspn(wkt, " \t\r\n"), "MULTIPOLYGON", 12))
		return;
	if (strstr(wkt, "EMPTY"))
		return;
	json_t *j = geo_fixture_in_azerbaijan(wkt);
	struct dm_error err;
	struct dm_geom g = {0};
	dm_error_init(&err);
	/* NaN cannot be written in JSON: such a case cannot reach the GeoJSON path, it is refused */
	int rc = j ? dm_geo_from_geojson(G, j, NULL, 0, &g, NULL, &err) : DM_EINVAL;
	CHECK_MSG(valid ? rc == 0 : rc == DM_EINVAL, "rescaled %s: expected %s, got %d: %s", desc,
		  valid ? "valid" : "invalid", rc, err.message);
	if (rc == 0)
		CHECK(g.minx >= 46.5 && g.maxx <= 46.8 + 1e-9 && g.miny >= 39.6875 && g.maxy <= 40.0);
	t->checked++;
	json_decref(j);
	geom_free(&g);
	dm_error_release(&err);
}

static void test_fixtures(void)
{
	struct tally t = {0, 0}, r = {0, 0};
	int n = each_case("TestValid.xml", wkt_case, &t);
	n += each_case("TestIsValid.xml", wkt_case, &t);
	n += each_case("TestValid2.xml", wkt_case, &t);
	n += each_case("TestValid2-big.xml", wkt_case, &t);
	each_case("TestValid.xml", geojson_case, &r);
	CHECK(n >= 800);
	printf("geo: %d GEOS isValid cases checked through WKT (%d geometrycollections skipped), "
	       "%d TestValid polygon cases rescaled into Azerbaijan through GeoJSON\n", t.checked, t.skipped, r.checked);
}

/* ---- 2. geodesic area against Planimeter ---- */

#define NPOLY 24

struct ring {
	int n;
	double lon[16], lat[16];
};

/* An irregular star-shaped ring of radius r metres around (lon, lat); cw when hole. */
static void make_ring(struct ring *rg, double lon, double lat, double r, int n, int seed, int hole)
{
	rg->n = n;
	for (int i = 0; i < n; i++) {
		int k = hole ? n - 1 - i : i;
		double a = 2 * M_PI * k / n, f = 0.75 + 0.25 * ((k * 7 + seed * 3) % 5) / 4.0;
		rg->lon[i] = lon + f * r * cos(a) / (111320.0 * cos(lat * M_PI / 180));
		rg->lat[i] = lat + f * r * sin(a) / 110950.0;
	}
}

static json_t *ring_json(const struct ring *rg)
{
	json_t *a = json_array();
	for (int i = 0; i <= rg->n; i++)
		json_array_append_new(a, json_pack("[ff]", rg->lon[i % rg->n], rg->lat[i % rg->n]));
	return a;
}

static void test_area(void)
{
	if (access("/usr/bin/Planimeter", X_OK) != 0) {
		CHECK_MSG(0, "/usr/bin/Planimeter is missing: run scripts/install-deps (geographiclib-tools)");
		return;
	}
	struct ring shell[NPOLY], hole[NPOLY];
	char path[] = "/tmp/demine-planimeter-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	double radius = 1.5; /* metres: a few m² up to 1,000 km² */
	for (int p = 0; p < NPOLY; p++, radius *= 1.52) {
		double lon = 46.5 + 0.05 * p, lat = 39.6 + 0.02 * p;
		make_ring(&shell[p], lon, lat, radius, 5 + p % 10, p, 0);
		make_ring(&hole[p], lon, lat, radius * 0.3, 4 + p % 5, p + 1, 1);
		for (int h = 0; h < 2; h++) {
			const struct ring *rg = h ? &hole[p] : &shell[p];
			for (int i = 0; i < rg->n; i++)
				fprintf(f, "%.12f %.12f\n", rg->lat[i], rg->lon[i]);
			fprintf(f, "\n");
		}
	}
	fclose(f);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "/usr/bin/Planimeter -p 12 --input-file %s", path);
	FILE *pl = popen(cmd, "r");
	CHECK(pl != NULL);
	int ok = 0;
	double amin = INFINITY, amax = 0;
	for (int p = 0; pl && p < NPOLY; p++) {
		double ref[2];
		for (int h = 0; h < 2; h++) {
			int n;
			double per;
			CHECK(fscanf(pl, "%d %lf %lf", &n, &per, &ref[h]) == 3);
		}
		for (int with_hole = 0; with_hole < 2; with_hole++) {
			json_t *rings = json_pack("[o]", ring_json(&shell[p]));
			if (with_hole)
				json_array_append_new(rings, ring_json(&hole[p]));
			json_t *geom = json_pack("{s:s,s:o}", "type", "Polygon", "coordinates", rings);
			struct dm_geom g = {0};
			struct dm_error err;
			dm_error_init(&err);
			double a = -1, want = fabs(ref[0]) - (with_hole ? fabs(ref[1]) : 0);
			CHECK_MSG(dm_geo_from_geojson(G, geom, NULL, 0, &g, NULL, &err) == 0, "polygon %d: %s", p, err.message);
			CHECK(dm_geo_area_m2(G, &g, &a, &err) == 0);
			double tol = fmax(1e-6 * want, 0.01);
			CHECK_MSG(fabs(a - want) <= tol, "polygon %d (hole %d): area %.4f, Planimeter %.4f", p, with_hole, a, want);
			ok += fabs(a - want) <= tol;
			amin = fmin(amin, want);
			amax = fmax(amax, want);
			json_decref(geom);
			geom_free(&g);
			dm_error_release(&err);
		}
	}
	if (pl)
		CHECK(pclose(pl) == 0);
	unlink(path);
	CHECK(amin < 10 && amax > 1e9);
	printf("geo: %d polygon areas (%.1f m² to %.0f km², with and without holes) agree with Planimeter\n", ok,
	       amin, amax / 1e6);
}

/* ---- 3. messages ---- */

static void expect_msg(const char *wkt, unsigned flags, const char *want)
{
	struct dm_error err;
	struct dm_geom g = {0};
	dm_error_init(&err);
	int rc = dm_geo_from_wkt(G, wkt, NULL, flags, &g, NULL, &err);
	CHECK_MSG(rc == DM_EINVAL, "%s: rc %d", wkt, rc);
	CHECK_STR(err.message, want);
	CHECK_STR(err.field, "geometry");
	geom_free(&g);
	dm_error_release(&err);
}

static void expect_json_msg(const char *doc, const char *crs, const char *want)
{
	struct dm_error err;
	struct dm_geom g = {0};
	dm_error_init(&err);
	json_t *j = json_loads(doc, 0, NULL);
	CHECK(j != NULL);
	int rc = dm_geo_from_geojson(G, j, crs, 0, &g, NULL, &err);
	CHECK_MSG(rc == DM_EINVAL, "%s: rc %d", doc, rc);
	CHECK_STR(err.message, want);
	json_decref(j);
	geom_free(&g);
	dm_error_release(&err);
}

static void test_messages(void)
{
	expect_msg("POLYGON((46.9 39.9, 47.0 40.0, 47.0 39.9, 46.9 40.0, 46.9 39.9))", 0,
		   "polygon ring 1 (the shell) self-intersects at (46.950000 39.950000)");
	expect_msg("MULTIPOLYGON(((46.0 39.0, 46.1 39.0, 46.1 39.1, 46.0 39.1, 46.0 39.0)),"
		   "((46.9 39.9, 47.0 40.0, 47.0 39.9, 46.9 40.0, 46.9 39.9)))", 0,
		   "polygon 2 ring 1 (the shell) self-intersects at (46.950000 39.950000)");
	expect_msg("POLYGON((46.9 39.9, 47.0 39.9, 47.0 40.0, 46.9 40.0))", 0,
		   "polygon ring 1 is not closed: first (46.900000 39.900000) and last (46.900000 40.000000) differ");
	expect_msg("POLYGON((46.9 39.9, 47.0 39.9, 47.0 40.0, 46.9 40.0, 46.9 39.9), (46.95 39.95, 46.96 39.95, 46.96 39.96))", 0,
		   "polygon ring 2 is not closed: first (46.950000 39.950000) and last (46.960000 39.960000) differ");
	expect_msg("POLYGON((46.9 39.9, 47.0 39.9, 46.9 39.9))", 0,
		   "polygon ring 1 has 3 positions, a ring needs at least 4");
	expect_msg("POLYGON((46.9 39.9, 47.0 39.9, 47.0 40.0, 46.9 40.0, 46.9 39.9), (47.1 39.9, 47.2 39.9, 47.2 40.0, 47.1 39.9))", 0,
		   "polygon ring 2 (a hole) lies outside the shell at (47.100000 39.900000)");
	expect_msg("POLYGON((46.0 39.0, 47.0 39.0, 47.0 40.0, 46.0 40.0, 46.0 39.0), (46.1 39.1, 46.9 39.1, 46.9 39.9, 46.1 39.9, 46.1 39.1),"
		   "(46.2 39.2, 46.8 39.2, 46.8 39.8, 46.2 39.8, 46.2 39.2))", 0,
		   "polygon ring 3 (a hole) lies inside another hole at (46.200000 39.200000)");
	expect_msg("POLYGON((46.0 39.0, 46.6 39.0, 46.6 39.6, 46.0 39.6, 46.0 39.0), (46.0 39.4, 46.2 39.2, 46.6 39.2, 46.0 39.4))", 0,
		   "polygon interior is disconnected (holes cut it in pieces) at (46.000000 39.400000)");
	expect_msg("MULTIPOLYGON(((46.0 39.0, 46.6 39.0, 46.6 39.6, 46.0 39.6, 46.0 39.0)), ((46.1 39.1, 46.2 39.1, 46.2 39.2, 46.1 39.1)))", 0,
		   "polygon 2 lies inside polygon 1 (nested shells) at (46.100000 39.100000)");
	expect_msg("MULTIPOLYGON(((46.0 39.0, 46.6 39.0, 46.6 39.6, 46.0 39.6, 46.0 39.0)), ((46.5 39.5, 46.8 39.5, 46.8 39.8, 46.5 39.5)))", 0,
		   "polygons 1 and 2 overlap at (46.600000 39.500000)");
	expect_msg("POLYGON((46.0 39.6, 46.0 39.0, 46.6 39.0, 46.6 39.2, 47.0 39.2, 46.6 39.2, 46.6 39.6, 46.0 39.6))", 0,
		   "polygon ring 1 (the shell) has a spike at (47.000000 39.200000)");
	expect_msg("POLYGON((46.0 39.0, 46.0 39.0, 46.0 39.0, 46.0 39.0))", 0,
		   "polygon ring 1 (the shell) has too few distinct points at (46.000000 39.000000)");
	expect_msg("LINESTRING(46 39, 46 39)", 0, "linestring has too few distinct points at (46.000000 39.000000)");
	expect_msg("MULTILINESTRING((46.1 39.1, 46 39), (46 39, 46 39))", 0,
		   "linestring 2 has too few distinct points at (46.000000 39.000000)");
	expect_msg("MULTIPOLYGON(((46.0 39.0, 46.6 39.0, 46.6 39.6, 46.0 39.6, 46.0 39.0)), ((46.6 39.0, 46.6 39.0, 46.6 39.0, 46.6 39.0)))", 0,
		   "polygon 2 ring 1 (the shell) has too few distinct points at (46.600000 39.000000)");
	/* nested shells touching at vertices: the location is shared, the inner part is found */
	expect_msg("MULTIPOLYGON (((10 10, 20 30, 10 90, 90 90, 80 30, 90 10, 50 20, 10 10)), ((80 30, 20 30, 50 20, 80 30)))", 0,
		   "polygon 2 lies inside polygon 1 (nested shells) at (80.000000 30.000000)");
	expect_msg("POLYGON ((0 60, 0 0, 60 0, 60 60, 0 60), (0 40, 20 20, 60 20, 0 40))", 0,
		   "polygon interior is disconnected (holes cut it in pieces) at (60.000000 20.000000)");
	expect_msg("POLYGON ((60 280, 260 180, 60 80, 60 280), (140 80, 120 180, 200 180, 140 80))", DM_GEO_NO_RANGE_CHECK,
		   "polygon ring 1 (the shell) and ring 2 (a hole) cross or touch at (132.727273 116.363636)");
	expect_msg("POINT(NaN 10)", 0, "invalid coordinate 'NaN'");
	expect_msg("POINT(181 10)", 0, "point: longitude 181.000000 is outside -180..180 in (181.000000 10.000000)");
	expect_msg("POINT(39.9 95)", 0,
		   "point: latitude 95.000000 is outside -90..90 in (39.900000 95.000000) (longitude and latitude swapped?)");
	expect_msg("GEOMETRYCOLLECTION(POINT(1 2))", 0, "geometrycollection is not supported: give each part as its own record");
	expect_msg("POINT EMPTY", 0, "point is empty");
	expect_msg("MULTIPOLYGON EMPTY", 0, "geometry is empty");
	expect_msg("POLYGON((1 2, 3 4)", 0, "wkt ends early: ')' expected");
	expect_msg("TRIANGLE((1 2, 3 4, 5 6, 1 2))", 0, "unknown wkt geometry type 'TRIANGLE'");
	expect_json_msg("{\"type\":\"GeometryCollection\",\"geometries\":[]}", NULL,
			"geometrycollection is not supported: give each part as its own record");
	expect_json_msg("{\"coordinates\":[1,2]}", NULL, "geometry has no type member");
	expect_json_msg("{\"type\":\"Point\",\"coordinates\":[1]}", NULL, "point: a position must be an array of 2 or 3 numbers");
	expect_json_msg("{\"type\":\"Point\",\"coordinates\":[1,2,3,4]}", NULL, "point: a position must be an array of 2 or 3 numbers");
	expect_json_msg("{\"type\":\"Point\",\"coordinates\":[\"46\",39]}", NULL, "point: a position must be an array of 2 or 3 numbers");
	expect_json_msg("{\"type\":\"LineString\",\"coordinates\":[[46,39]]}", NULL, "linestring has 1 position, a line needs at least 2");
	expect_json_msg("{\"type\":\"Polygon\",\"coordinates\":[[[46,39],[47,39],[46,40],[47,40],[46,39]]]}", NULL,
			"polygon ring 1 (the shell) self-intersects at (46.500000 39.500000)");
	expect_json_msg("{\"type\":\"Point\",\"coordinates\":[46,39]}", "EPSG:9999", "unsupported crs 'EPSG:9999'");
	expect_json_msg("{\"type\":\"Polygonn\",\"coordinates\":[]}", NULL, "unknown geometry type 'Polygonn'");
	/* A valid 3D point drops Z; a bad CRS name is refused. */
	struct dm_error err;
	struct dm_geom g = {0};
	dm_error_init(&err);
	CHECK_INT(dm_geo_from_wkt(G, "POINT Z (46.9 39.9 120)", NULL, 0, &g, NULL, &err), 0);
	CHECK_INT(dm_geo_wkb_type(&g), 1);
	CHECK_INT(g.wkb_len, 21);
	geom_free(&g);
	CHECK_INT(dm_geo_crs_check(G, "bogus", &err), DM_EINVAL);
	CHECK_STR(err.message, "unsupported crs 'bogus'");
	dm_error_release(&err);
}

/* ---- 4. CRS ---- */

struct known {
	const char *crs;
	double x, y;     /* Aghdam 46.99 39.99 in crs: cs2cs, and for Pulkovo cct -I on the EPSG:1808 pipeline */
	double lon, lat; /* x, y back in WGS84: cs2cs / cct forward */
};

static void test_crs(void)
{
	/* EPSG reverses a Helmert by negating its parameters, which is not an exact inverse
	 * with EPSG:1808's large rotations: Pulkovo there and back is about 1 cm off. */
	static const struct known k[] = {
		{"EPSG:4326", 46.99, 39.99, 46.99, 39.99},
		{"EPSG:32638", 669896.5954, 4428543.8396, 46.99, 39.99},
		{"EPSG:32639", 157608.5746, 4434354.2268, 46.99, 39.99},
		/* PROJ's own choice (EPSG:15865) would give 8670069.2813 4430406.1489: 3.6 m away */
		{"EPSG:28408", 8670067.9632, 4430402.8211, 46.989999937, 39.990000051},
		{"EPSG:28409", 9157566.8232, 4436208.8474, 46.989999937, 39.990000051},
	};
	struct dm_error err;
	dm_error_init(&err);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		double x = 46.99, y = 39.99;
		CHECK_INT(dm_geo_transform_point(G, "EPSG:4326", k[i].crs, &x, &y, &err), 0);
		CHECK_NEAR(x, k[i].x, 1e-3);
		CHECK_NEAR(y, k[i].y, 1e-3);
		x = k[i].x, y = k[i].y;
		CHECK_INT(dm_geo_transform_point(G, k[i].crs, "EPSG:4326", &x, &y, &err), 0);
		CHECK_NEAR(x, k[i].lon, 2e-9);
		CHECK_NEAR(y, k[i].lat, 2e-9);
	}
	/* Gauss-Krüger eastings without the zone prefix. */
	double x = 670067.9632, y = 4430402.8211;
	CHECK_INT(dm_geo_transform_point(G, "EPSG:28408", NULL, &x, &y, &err), 0);
	CHECK_NEAR(x, 46.989999937, 2e-9);
	CHECK_NEAR(y, 39.990000051, 2e-9);
	x = 157566.8232, y = 4436208.8474;
	CHECK_INT(dm_geo_transform_point(G, "epsg:28409", NULL, &x, &y, &err), 0);
	CHECK_NEAR(x, 46.989999937, 2e-9);
	x = 9670067.9632, y = 4430402.8211;
	CHECK_INT(dm_geo_transform_point(G, "EPSG:28408", NULL, &x, &y, &err), DM_EINVAL);
	CHECK_STR(err.message, "easting 9670067.963 has zone prefix 9, but EPSG:28408 is Gauss-Krüger zone 8");
	dm_error_release(&err);
	/* UTM 38N to 39N goes through WGS84. */
	x = 669896.5954, y = 4428543.8396;
	CHECK_INT(dm_geo_transform_point(G, "EPSG:32638", "EPSG:32639", &x, &y, &err), 0);
	CHECK_NEAR(x, 157608.5746, 2e-3);
	CHECK_NEAR(y, 4434354.2268, 2e-3);
	x = 1, y = 2;
	CHECK_INT(dm_geo_transform_point(G, "EPSG:9999", NULL, &x, &y, &err), DM_EINVAL);
	CHECK_STR(err.message, "unsupported crs 'EPSG:9999'");
	dm_error_release(&err);
	CHECK_INT(dm_geo_crs_is_geographic(G, "EPSG:4326"), 1);
	CHECK_INT(dm_geo_crs_is_geographic(G, "EPSG:32638"), 0);

	/* A 100 m square given in UTM 38N and in Gauss-Krüger without prefix: area and round trip. */
	const char *sq = "POLYGON((669800 4428500, 669900 4428500, 669900 4428600, 669800 4428600, 669800 4428500))";
	struct dm_geom g = {0};
	double a = 0;
	CHECK_INT(dm_geo_from_wkt(G, sq, "EPSG:32638", 0, &g, NULL, &err), 0);
	CHECK_INT(dm_geo_area_m2(G, &g, &a, &err), 0);
	/* UTM's scale factor 2 degrees east of 45E is about 0.99995: 100 m on the grid is a bit more on the ground */
	CHECK_MSG(a > 10000.5 && a < 10001.5, "UTM square area %f", a);
	json_t *back = dm_geo_to_geojson(G, &g, "EPSG:32638");
	char *s = json_dumps(back, JSON_COMPACT | JSON_REAL_PRECISION(12));
	CHECK_STR(s, "{\"type\":\"Polygon\",\"coordinates\":[[[669800.0,4428500.0],[669900.0,4428500.0],[669900.0,4428600.0],"
		     "[669800.0,4428600.0],[669800.0,4428500.0]]]}");
	free(s);
	json_decref(back);
	char *wkt = dm_geo_to_wkt(G, &g, "EPSG:32638");
	CHECK_STR(wkt, "POLYGON ((669800 4428500, 669900 4428500, 669900 4428600, 669800 4428600, 669800 4428500))");
	free(wkt);
	geom_free(&g);
	CHECK_INT(dm_geo_from_wkt(G, "POINT(670067.9632 4430402.8211)", "EPSG:28408", 0, &g, NULL, &err), 0);
	wkt = dm_geo_to_wkt(G, &g, NULL);
	CHECK_STR(wkt, "POINT (46.989999937 39.990000051)");
	free(wkt);
	wkt = dm_geo_to_wkt(G, &g, "EPSG:28408"); /* the 1 cm of the Helmert reversal, see above */
	CHECK_STR(wkt, "POINT (8670067.9577 4430402.8267)");
	free(wkt);
	geom_free(&g);
	dm_error_release(&err);
}

/* RFC 7946 output: exterior ccw, holes cw, rounded to 1e-9. */
static void test_output(void)
{
	struct dm_error err;
	struct dm_geom g = {0};
	dm_error_init(&err);
	/* shell given clockwise, hole counter-clockwise: both must come out the other way */
	CHECK_INT(dm_geo_from_wkt(G, "POLYGON((46 39, 46 40, 47 40, 47 39, 46 39), (46.2 39.2, 46.4 39.2, 46.4 39.4, 46.2 39.2))",
				  NULL, 0, &g, NULL, &err), 0);
	json_t *j = dm_geo_to_geojson(G, &g, NULL);
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
	CHECK_STR(s, "{\"type\":\"Polygon\",\"coordinates\":[[[46.0,39.0],[47.0,39.0],[47.0,40.0],[46.0,40.0],[46.0,39.0]],"
		     "[[46.2,39.2],[46.4,39.4],[46.4,39.2],[46.2,39.2]]]}");
	free(s);
	json_decref(j);
	CHECK_INT(dm_geo_wkb_type(&g), 3);
	CHECK(g.minx == 46 && g.miny == 39 && g.maxx == 47 && g.maxy == 40);
	geom_free(&g);
	CHECK_INT(dm_geo_from_wkt(G, "POINT(46.1234567891234 39.9876543210987)", NULL, 0, &g, NULL, &err), 0);
	j = dm_geo_to_geojson(G, &g, NULL);
	CHECK_NEAR(json_real_value(json_array_get(json_object_get(j, "coordinates"), 0)), 46.123456789, 1e-15);
	CHECK_NEAR(json_real_value(json_array_get(json_object_get(j, "coordinates"), 1)), 39.987654321, 1e-15);
	json_decref(j);
	geom_free(&g);
	CHECK_INT(dm_geo_point(G, 46.9, 39.9, &g, &err), 0);
	CHECK_INT(dm_geo_wkb_type(&g), 1);
	geom_free(&g);
	CHECK_INT(dm_geo_point(G, 46.9, 99, &g, &err), DM_EINVAL);
	dm_error_release(&err);
}

/* ---- 5. turning points ---- */

/* GeographicLib's GeodSolve, an outside reference for geod_direct. */
static void geodsolve(double lat, double lon, double azi, double s, double *lat2, double *lon2)
{
	char cmd[256];
	CHECK_MSG(access("/usr/bin/GeodSolve", X_OK) == 0, "/usr/bin/GeodSolve is missing: run scripts/install-deps (geographiclib-tools)");
	snprintf(cmd, sizeof(cmd), "echo '%.12f %.12f %.9f %.6f' | /usr/bin/GeodSolve -p 9", lat, lon, azi, s);
	FILE *p = popen(cmd, "r");
	CHECK(p && fscanf(p, "%lf %lf", lat2, lon2) == 2);
	if (p)
		pclose(p);
}

static void tp_file(const char *name, struct dm_geom *g, json_t **pts, struct dm_error *err, int want)
{
	char path[256];
	snprintf(path, sizeof(path), "tests/data/turning-points/%s", name);
	int rc = dm_geo_turning_points_csv(G, path, g, pts, err);
	CHECK_MSG(rc == want, "%s: rc %d: %s", name, rc, err->message);
}

static void test_turning_points(void)
{
	const char *ok_files[] = {"square.csv", "magnetic.csv", "closing-leg.csv"};
	/* expected corners: BM -> RP (45°, 50 m) -> TP1 (0°, 20 m) -> ... by GeodSolve */
	double lat = 39.9, lon = 46.9, tl[4], tn[4];
	geodsolve(lat, lon, 45, 50, &lat, &lon);
	const double legs[4][2] = {{0, 20}, {90, 100}, {180, 100}, {270, 100}};
	for (int i = 0; i < 4; i++) {
		geodsolve(lat, lon, legs[i][0], legs[i][1], &lat, &lon);
		tl[i] = lat, tn[i] = lon;
	}
	for (size_t f = 0; f < 3; f++) {
		struct dm_error err;
		struct dm_geom g = {0};
		json_t *pts = NULL;
		dm_error_init(&err);
		tp_file(ok_files[f], &g, &pts, &err, 0);
		double a = 0;
		CHECK_INT(dm_geo_area_m2(G, &g, &a, &err), 0);
		CHECK_NEAR(a, 10000, 0.5);
		json_t *j = dm_geo_to_geojson(G, &g, NULL), *ring = json_array_get(json_object_get(j, "coordinates"), 0);
		CHECK_INT(json_array_size(ring), 5);
		/* closing-leg.csv has no RP: its corners sit 50 m at 45° from the others */
		double dlat = f == 2 ? 39.9 - 39.900318 : 0, dlon = f == 2 ? 46.9 - 46.900414 : 0;
		for (size_t i = 0; f < 2 && i < 4; i++) {
			int found = 0;
			for (size_t k = 0; k < 4; k++) {
				json_t *p = json_array_get(ring, k);
				found |= fabs(json_real_value(json_array_get(p, 0)) - tn[i] - dlon) < 1e-8 &&
					 fabs(json_real_value(json_array_get(p, 1)) - tl[i] - dlat) < 1e-8;
			}
			CHECK_MSG(found, "%s: corner TP%zu (%.9f %.9f) missing", ok_files[f], i + 1, tn[i], tl[i]);
		}
		CHECK(json_array_size(json_object_get(pts, "features")) >= 5);
		json_decref(j);
		json_decref(pts);
		geom_free(&g);
		dm_error_release(&err);
	}
	/* BM in UTM 38N: the same square near Aghdam */
	struct dm_error err;
	struct dm_geom g = {0};
	dm_error_init(&err);
	double a = 0;
	tp_file("utm.csv", &g, NULL, &err, 0);
	CHECK_INT(dm_geo_area_m2(G, &g, &a, &err), 0);
	CHECK_NEAR(a, 10000, 0.5);
	CHECK(g.minx > 46.98 && g.minx < 47.0);
	geom_free(&g);
	dm_error_release(&err);
	static const struct {
		const char *file, *msg;
	} bad[] = {
		{"bad-bearing.csv", "line 4: bearing '400' is outside 0-360"},
		{"bad-order.csv", "line 5: expected TP2, found 'TP3'"},
		{"no-declination.csv", "line 4: a magnetic bearing needs a declination"},
		{"too-few.csv", "turning points: 2 turning points, a polygon needs at least 3"},
		{"bad-distance.csv", "line 4: distance 'abc' is not a number"},
		{"no-bm.csv", "line 2: the first point must be BM (the benchmark), found 'RP'"},
		{"missing.csv", NULL},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dm_error_init(&err);
		tp_file(bad[i].file, &g, NULL, &err, bad[i].msg ? DM_EINVAL : DM_ENOTFOUND);
		if (bad[i].msg)
			CHECK_STR(err.message, bad[i].msg);
		dm_error_release(&err);
	}
	dm_error_init(&err);
	tp_file("crossing.csv", &g, NULL, &err, DM_EINVAL);
	CHECK_MSG(strstr(err.message, "polygon ring 1 (the shell) self-intersects at (46.90") != NULL, "%s", err.message);
	dm_error_release(&err);
}

/* ---- 6. land release ---- */

/* A rectangle on a metre grid anchored at (46.9, 39.9): x east, y north. */
#define LON0 46.9
#define LAT0 39.9
static double mx(double m)
{
	return LON0 + m / (111320.0 * cos(LAT0 * M_PI / 180) * 1.0025);
}
static double my(double m)
{
	return LAT0 + m / 111040.0;
}

static void rect(double x0, double y0, double x1, double y1, struct dm_geom *g)
{
	char wkt[400];
	struct dm_error err;
	dm_error_init(&err);
	snprintf(wkt, sizeof(wkt), "POLYGON((%.12f %.12f, %.12f %.12f, %.12f %.12f, %.12f %.12f, %.12f %.12f))", mx(x0),
		 my(y0), mx(x1), my(y0), mx(x1), my(y1), mx(x0), my(y1), mx(x0), my(y0));
	CHECK_INT(dm_geo_from_wkt(G, wkt, NULL, 0, g, NULL, &err), 0);
	dm_error_release(&err);
}

/* The "survey team's" figure: the geodesic area of a grid rectangle, by Planimeter. */
static double hand(double x0, double y0, double x1, double y1)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "printf '%.12f %.12f\\n%.12f %.12f\\n%.12f %.12f\\n%.12f %.12f\\n' | /usr/bin/Planimeter -p 10",
		 my(y0), mx(x0), my(y0), mx(x1), my(y1), mx(x1), my(y1), mx(x0));
	FILE *p = popen(cmd, "r");
	int n;
	double per, a = 0;
	CHECK(p && fscanf(p, "%d %lf %lf", &n, &per, &a) == 3);
	if (p)
		pclose(p);
	return fabs(a);
}

/* Issue 20: a clearance whose polygon is the hazard's own ring. Its first edge (3.9 km) fills
 * the densified buffer exactly and the two short edges after it wrote past its end. */
static void test_land_release_own_ring(void)
{
	struct dm_geom h = {0};
	struct dm_error err;
	dm_error_init(&err);
	CHECK_INT(dm_geo_from_wkt(G, "POLYGON((47 40, 47.045721 40, 47.045721 40.0009, 47.044521 40.0009, 47 40.0009, 47 40))",
				  NULL, 0, &h, NULL, &err), 0);
	struct dm_lr_release all[] = {{&h, 2}};
	struct dm_lr_result res;
	CHECK_INT(dm_geo_land_release(G, &h, all, 1, DM_LR_REMAINING_GEOMETRY, &res, &err), 0);
	double hz = 0;
	CHECK_INT(dm_geo_area_m2(G, &h, &hz, &err), 0);
	CHECK_NEAR(res.cleared_m2, hz, 0.01);
	CHECK_NEAR(res.remaining_m2, 0, 0.01);
	CHECK_NEAR(res.outside_m2, 0, 0.01);
	geom_free(&res.remaining);
	geom_free(&h);
	dm_error_release(&err);
}

static void test_land_release(void)
{
	struct dm_geom h = {0}, c = {0}, r = {0}, k = {0};
	rect(0, 0, 1000, 1000, &h);    /* the hazard, 1 km x 1 km */
	rect(0, 0, 400, 1000, &c);     /* NTS: cancelled */
	rect(300, 0, 700, 500, &r);    /* TS: reduced, overlaps the cancelled strip */
	rect(600, 200, 1000, 1200, &k); /* clearance: overlaps the reduced block, 200 m outside */
	struct dm_lr_release rel[] = {{&c, 0}, {&r, 1}, {&k, 2}};
	struct dm_lr_result res;
	struct dm_error err;
	dm_error_init(&err);
	CHECK_INT(dm_geo_land_release(G, &h, rel, 3, DM_LR_REMAINING_GEOMETRY, &res, &err), 0);
	double hz = 0;
	CHECK_INT(dm_geo_area_m2(G, &h, &hz, &err), 0);
	/* Cut points on an edge lie on that edge's geodesic, while the hand figures use
	 * geodesics between grid corners: up to ~2 cm x 300 m apart, so 10 m² tolerance. */
	CHECK_NEAR(res.hazard_area_m2, hz, 0.01);
	CHECK_NEAR(res.hazard_area_m2, hand(0, 0, 1000, 1000), 0.01);
	CHECK_NEAR(res.hazard_area_m2, 1e6, 3000);
	CHECK_NEAR(res.cancelled_m2, hand(0, 0, 400, 1000), 10);
	CHECK_NEAR(res.reduced_m2, hand(400, 0, 700, 500), 10);
	CHECK_NEAR(res.cleared_m2, hand(700, 200, 1000, 1000) + hand(600, 500, 700, 1000), 10);
	CHECK_NEAR(res.remaining_m2, hand(400, 500, 600, 1000) + hand(700, 0, 1000, 200), 10);
	CHECK_NEAR(res.outside_m2, hand(600, 1000, 1000, 1200), 10);
	CHECK_NEAR(res.cancelled_m2 + res.reduced_m2 + res.cleared_m2 + res.remaining_m2, res.hazard_area_m2, 0.01);
	CHECK_MSG(res.has_outside_point && res.outside_y > my(1000) && res.outside_y < my(1200) &&
	      res.outside_x > mx(600) && res.outside_x < mx(1000), "outside point %d (%.9f %.9f)", res.has_outside_point,
	      res.outside_x, res.outside_y);
	double rem = 0;
	CHECK_INT(dm_geo_area_m2(G, &res.remaining, &rem, &err), 0);
	CHECK_NEAR(rem, res.remaining_m2, 1e-6);
	CHECK_INT(dm_geo_wkb_type(&res.remaining), 6);
	printf("geo: land release of 1 km²: cancelled %.2f, reduced %.2f, cleared %.2f, remaining %.2f, outside %.2f m²\n",
	       res.cancelled_m2, res.reduced_m2, res.cleared_m2, res.remaining_m2, res.outside_m2);
	geom_free(&res.remaining);
	/* Without the remaining polygon, the same figures (remaining as the hazard less the parts). */
	struct dm_lr_result fig;
	CHECK_INT(dm_geo_land_release(G, &h, rel, 3, 0, &fig, &err), 0);
	CHECK(fig.remaining.wkb == NULL);
	CHECK_NEAR(fig.cancelled_m2, res.cancelled_m2, 1e-9);
	CHECK_NEAR(fig.cleared_m2, res.cleared_m2, 1e-9);
	CHECK_NEAR(fig.outside_m2, res.outside_m2, 1e-9);
	CHECK_NEAR(fig.remaining_m2, res.remaining_m2, 0.01);
	/* The other order credits the overlaps to clearance first. */
	struct dm_lr_release rev[] = {{&k, 2}, {&r, 1}, {&c, 0}};
	CHECK_INT(dm_geo_land_release(G, &h, rev, 3, DM_LR_REMAINING_GEOMETRY, &res, &err), 0);
	CHECK_NEAR(res.cleared_m2, hand(600, 200, 1000, 1000), 10);
	CHECK_NEAR(res.cancelled_m2 + res.reduced_m2 + res.cleared_m2 + res.remaining_m2, res.hazard_area_m2, 0.01);
	geom_free(&res.remaining);
	/* Fully released: nothing remains. */
	struct dm_lr_release all[] = {{&h, 2}};
	CHECK_INT(dm_geo_land_release(G, &h, all, 1, DM_LR_REMAINING_GEOMETRY, &res, &err), 0);
	CHECK_NEAR(res.remaining_m2, 0, 0.01);
	CHECK(!res.has_outside_point);
	geom_free(&res.remaining);
	/* No releases: everything remains. */
	CHECK_INT(dm_geo_land_release(G, &h, NULL, 0, DM_LR_REMAINING_GEOMETRY, &res, &err), 0);
	CHECK_NEAR(res.remaining_m2, hz, 0.01);
	geom_free(&res.remaining);
	struct dm_lr_release badm[] = {{&c, 7}};
	CHECK_INT(dm_geo_land_release(G, &h, badm, 1, 0, &res, &err), DM_EUSAGE);
	dm_error_release(&err);

	/* helpers on the same shapes */
	CHECK_INT(dm_geo_point_in(G, &h, mx(500), my(500)), 1);
	CHECK_INT(dm_geo_point_in(G, &h, mx(1500), my(500)), 0);
	struct dm_geom nobox = {h.wkb, h.wkb_len, 0, 0, 0, 0}; /* WKB alone, as from a blob */
	CHECK_INT(dm_geo_point_in(G, &nobox, mx(500), my(500)), 1);
	CHECK_NEAR(dm_geo_intersection_area_m2(G, &nobox, &h), hz, 0.01);
	CHECK_NEAR(dm_geo_intersection_area_m2(G, &h, &k), hand(600, 200, 1000, 1000), 10);
	double px, py;
	CHECK_INT(dm_geo_representative_point(G, &r, &px, &py), 0);
	CHECK_INT(dm_geo_point_in(G, &r, px, py), 1);
	char why[200];
	CHECK_INT(dm_geo_is_valid_wkb(G, &h, why, sizeof(why)), 1);
	double mn, mxx;
	CHECK_INT(dm_geo_vertex_spacing_m(G, &h, &mn, &mxx, &err), 0);
	CHECK_NEAR(mn, 1000, 3);
	CHECK_NEAR(mxx, 1000, 3);
	struct dm_geom h2 = {0};
	rect(0, 0, 1000, 1003, &h2);
	CHECK_NEAR(dm_geo_hausdorff_m(G, &h, &h2), 3, 0.05);
	geom_free(&h2);
	geom_free(&h);
	geom_free(&c);
	geom_free(&r);
	geom_free(&k);
}

/* ---- 7. repair ---- */

static void test_repair(void)
{
	struct dm_error err;
	struct dm_geom g = {0};
	json_t *report = json_array();
	dm_error_init(&err);
	const char *bowtie = "POLYGON((46.9 39.9, 47.0 40.0, 47.0 39.9, 46.9 40.0, 46.9 39.9))";
	CHECK_INT(dm_geo_from_wkt(G, bowtie, NULL, DM_GEO_REPAIR, &g, report, &err), 0);
	CHECK_INT(dm_geo_wkb_type(&g), 6);
	CHECK_INT(dm_geo_is_valid_wkb(G, &g, NULL, 0), 1);
	json_t *r = json_array_get(report, 0);
	CHECK(json_is_true(json_object_get(r, "repaired")));
	CHECK_STR(json_string_value(json_object_get(r, "reason")),
		  "polygon ring 1 (the shell) self-intersects at (46.950000 39.950000)");
	CHECK_INT(json_integer_value(json_object_get(r, "parts_before")), 1);
	CHECK_INT(json_integer_value(json_object_get(r, "parts_after")), 2);
	double after = json_real_value(json_object_get(r, "area_after_m2")), a = 0;
	CHECK_INT(dm_geo_area_m2(G, &g, &a, &err), 0);
	CHECK_NEAR(after, a, 1e-6);
	CHECK(a > 2e7 && a < 5e7); /* two triangles of a 0.1° square: about a quarter each of 95 km² */
	CHECK(json_is_real(json_object_get(r, "area_before_m2")));
	geom_free(&g);
	/* a spike is cut off, the polygon stays one polygon */
	CHECK_INT(dm_geo_from_wkt(G, "POLYGON((46.0 39.6, 46.0 39.0, 46.6 39.0, 46.6 39.2, 47.0 39.2, 46.6 39.2, 46.6 39.6, 46.0 39.6))",
				  NULL, DM_GEO_REPAIR, &g, NULL, &err), 0);
	CHECK_INT(dm_geo_wkb_type(&g), 3);
	CHECK_NEAR(g.maxx, 46.6, 1e-12);
	geom_free(&g);
	/* lines are not repaired */
	CHECK_INT(dm_geo_from_wkt(G, "LINESTRING(46 39, 46 39)", NULL, DM_GEO_REPAIR, &g, report, &err), DM_EINVAL);
	CHECK_INT(json_array_size(report), 1);
	json_decref(report);
	dm_error_release(&err);
}

/* A one-part MultiPolygon read back from a GeoPackage is the Polygon that was written; two parts,
 * another ring or no geometry are not (a re-import of an unchanged export writes nothing). */
static void test_same(void)
{
	const char *wkt[] = { "POLYGON((47 40,47.01 40,47.01 40.01,47 40))", "MULTIPOLYGON(((47 40,47.01 40,47.01 40.01,47 40)))",
			      "MULTIPOLYGON(((47 40,47.01 40,47.01 40.01,47 40)),((48 40,48.01 40,48.01 40.01,48 40)))",
			      "POLYGON((47 40,47.02 40,47.01 40.01,47 40))" };
	struct dm_geom g[4] = { { 0 } }, none = { 0 };
	struct dm_error err;
	dm_error_init(&err);
	for (int i = 0; i < 4; i++)
		CHECK(dm_geo_from_wkt(G, wkt[i], NULL, 0, &g[i], NULL, &err) == 0);
	CHECK(dm_geo_same(&g[0], &g[0]) && dm_geo_same(&g[0], &g[1]) && dm_geo_same(&g[1], &g[0]));
	CHECK(!dm_geo_same(&g[0], &g[2]) && !dm_geo_same(&g[1], &g[2]) && !dm_geo_same(&g[0], &g[3]));
	CHECK(!dm_geo_same(&g[0], &none) && dm_geo_same(&none, &none));
	for (int i = 0; i < 4; i++)
		dm_geom_release(&g[i]);
	dm_error_release(&err);
}

int main(void)
{
	G = dm_geo_new();
	CHECK(G != NULL);
	if (!G)
		return check_report("geo");
	test_messages();
	test_same();
	test_output();
	test_crs();
	test_area();
	test_turning_points();
	test_land_release();
	test_land_release_own_ring();
	test_repair();
	test_fixtures();
	dm_geo_free(G);
	xmlCleanupParser();
	return check_report("geo");
}
