/* test_tiles.c: vector tiles of the demo database: content, geometry accuracy, winding,
 * role rules, ETag, TileJSON, and GDAL's MVT driver reading a tile. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "demine/demo.h"
#include "demine/geo.h"
#include "demine/mvt.h"
#include "demine/record.h"
#include "demine/store.h"
#include "demine/tiles.h"

static const struct dm_actor officer = { "test", "im_officer", NULL };
static const struct dm_actor viewer = { "test", "viewer", NULL };
static const struct dm_actor public_actor = { "test", "public", NULL };

/* A decoded tile's one layer; NULL when it has none. */
static const struct dm_mvt_layer *layer_of(const struct dm_mvt_tile *t, const char *name)
{
	size_t i;
	for (i = 0; t && i < t->nlayers; i++)
		if (!strcmp(t->layers[i].name, name))
			return &t->layers[i];
	return NULL;
}

/* The value of key in feature f, or NULL. */
static const struct dm_mvt_value *prop(const struct dm_mvt_layer *L, const struct dm_mvt_feature *f, const char *key)
{
	size_t k;
	for (k = 0; k + 1 < f->ntags; k += 2)
		if (!strcmp(L->keys[f->tags[k]], key))
			return &L->values[f->tags[k + 1]];
	return NULL;
}

static struct dm_mvt_tile *render(struct dm_db *db, const struct dm_actor *who, const char *layer, int z, int x,
				  int y, size_t *len_out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	struct dm_mvt_tile *t = NULL;
	struct dm_error err;
	int rc;
	dm_error_init(&err);
	rc = dm_tiles_render(db, who, layer, z, x, y, &buf, &len, &err);
	CHECK_MSG(rc == 0, "%s %d/%d/%d as %s: %s", layer, z, x, y, who->role, err.message);
	if (len_out)
		*len_out = len;
	if (!rc && len) {
		rc = dm_mvt_decode(buf, len, &t, &err);
		CHECK_MSG(rc == 0, "our tile does not decode: %s", err.message);
	}
	free(buf);
	dm_error_release(&err);
	return t;
}

/* Every polygon feature: rings of at least 4 points, first ring of each polygon positive
 * (exterior), no ring of zero area. Returns the number of polygon features. */
static size_t check_polygons(const struct dm_mvt_layer *L)
{
	size_t i, k, npoly = 0, bad_len = 0, bad_area = 0, bad_first = 0;
	for (i = 0; i < L->nfeatures; i++) {
		struct dm_mvt_geom g;
		struct dm_error err;
		dm_error_init(&err);
		if (dm_mvt_geom_decode(L->features[i].type, L->features[i].geometry, L->features[i].ngeometry, &g, &err)) {
			CHECK_MSG(0, "feature %zu geometry: %s", i, err.message);
			dm_error_release(&err);
			continue;
		}
		if (g.type == DM_MVT_POLYGON) {
			npoly++;
			if (g.nparts == 0 || dm_mvt_ring_area(&g, 0) <= 0)
				bad_first++;
			for (k = 0; k < g.nparts; k++) {
				if (g.part_len[k] < 4)
					bad_len++;
				if (dm_mvt_ring_area(&g, k) == 0)
					bad_area++;
			}
		}
		dm_mvt_geom_release(&g);
		dm_error_release(&err);
	}
	CHECK_INT(bad_len, 0);
	CHECK_INT(bad_area, 0);
	CHECK_INT(bad_first, 0);
	return npoly;
}

static size_t count_status(const struct dm_mvt_layer *L, const char *status, int not)
{
	size_t i, n = 0;
	for (i = 0; L && i < L->nfeatures; i++) {
		const struct dm_mvt_value *v = prop(L, &L->features[i], "status");
		int eq = v && v->type == DM_MVT_STRING && !strcmp(v->s, status);
		if (not ? !eq : eq)
			n++;
	}
	return n;
}

struct pick {
	struct dm_geo *geo;
	char id[37];
	struct dm_geom geom;
	int z14x, z14y;
	size_t n;
};

/* A polygon hazard that lies in one z14 tile. */
static int pick_hazard(struct dm_record *r, void *arg)
{
	struct pick *p = arg;
	int x0, y0, x1, y1, t = dm_geo_wkb_type(&r->geom);
	p->n++;
	if (p->id[0] || (t != 3 && t != 6))
		return 0;
	dm_geo_tile_of(r->geom.minx, r->geom.maxy, 14, &x0, &y0);
	dm_geo_tile_of(r->geom.maxx, r->geom.miny, 14, &x1, &y1);
	if (x0 != x1 || y0 != y1)
		return 0;
	memcpy(p->id, r->id, 37);
	dm_geom_copy(&p->geom, &r->geom);
	p->z14x = x0;
	p->z14y = y0;
	return 0;
}

/* The organisation of a hazard with unapproved work. */
static int pick_draft_org(struct dm_record *r, void *arg)
{
	char *org = arg;
	if (!org[0] && strcmp(r->status, "approved") && r->organisation)
		snprintf(org, 37, "%s", r->organisation);
	return 0;
}

static int count_cb(struct dm_record *r, void *arg)
{
	(void)r;
	(*(size_t *)arg)++;
	return 0;
}

/* The feature whose "id" property is id, or NULL. */
static const struct dm_mvt_feature *feature_by_id(const struct dm_mvt_layer *L, const char *id)
{
	size_t i;
	for (i = 0; L && i < L->nfeatures; i++) {
		const struct dm_mvt_value *v = prop(L, &L->features[i], "id");
		if (v && v->type == DM_MVT_STRING && !strcmp(v->s, id))
			return &L->features[i];
	}
	return NULL;
}

/* Decoded vertices of the hazard at z/x/y lie within one pixel (extent/256 units: a 256 px tile)
 * of the source vertices projected into the tile. */
static void check_accuracy(struct dm_db *db, struct pick *p, int z, int x, int y)
{
	struct dm_mvt_tile *t = render(db, &officer, "hazard", z, x, y, NULL);
	const struct dm_mvt_layer *L = layer_of(t, "hazard");
	const struct dm_mvt_feature *f = feature_by_id(L, p->id);
	json_t *gj = dm_geo_to_geojson(dm_db_geo(db), &p->geom, NULL), *polys, *poly, *ring, *pt;
	struct dm_mvt_geom g = { 0 };
	struct dm_error err;
	double src[4096][2], px_unit = DM_TILES_EXTENT / 256.0, worst = 0;
	size_t nsrc = 0, i, j, k, l;
	dm_error_init(&err);
	CHECK_MSG(f != NULL, "hazard %s missing from z%d tile", p->id, z);
	if (!f || !gj)
		goto out;
	CHECK_INT(f->type, DM_MVT_POLYGON);
	CHECK_INT(dm_mvt_geom_decode(f->type, f->geometry, f->ngeometry, &g, &err), 0);
	polys = json_object_get(gj, "coordinates");
	if (!strcmp(json_string_value(json_object_get(gj, "type")), "Polygon")) {
		polys = json_pack("[O]", polys);
	} else
		json_incref(polys);
	json_array_foreach(polys, i, poly) json_array_foreach(poly, j, ring) json_array_foreach(ring, k, pt) {
		if (nsrc < 4096) {
			dm_geo_tile_project(json_number_value(json_array_get(pt, 0)), json_number_value(json_array_get(pt, 1)),
					    z, x, y, DM_TILES_EXTENT, &src[nsrc][0], &src[nsrc][1]);
			nsrc++;
		}
	}
	json_decref(polys);
	for (l = 0; l < g.npoints; l++) {
		double best = 1e18;
		for (i = 0; i < nsrc; i++)
			best = fmin(best, hypot(g.xy[2 * l] - src[i][0], g.xy[2 * l + 1] - src[i][1]));
		worst = fmax(worst, best);
	}
	CHECK(g.npoints >= 4);
	printf("z%d %d/%d: hazard %s: %zu source vertices, %zu decoded, worst error %.3f units (1 px = %.0f)\n", z, x,
	       y, p->id, nsrc, g.npoints, worst, px_unit);
	CHECK_MSG(worst <= px_unit, "z%d: a decoded vertex lies %.2f units from the source (1 px = %.0f)", z,
		  worst, px_unit);
	if (z == 14) { /* at z14 vertices are kept (tolerance 0.5 units): within one unit */
		CHECK_MSG(worst <= 1.0, "z14: worst vertex error %.3f units", worst);
	}
out:
	dm_mvt_geom_release(&g);
	json_decref(gj);
	dm_mvt_tile_free(t);
	dm_error_release(&err);
}

static void check_gdal(struct dm_db *db, int z, int x, int y, size_t expect)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	struct dm_error err;
	char path[128], cmd[300], line[512], want[64];
	FILE *f, *p;
	int have_layer = 0, have_count = 0;
	if (system("command -v ogrinfo >/dev/null 2>&1") != 0) {
		CHECK_MSG(0, "ogrinfo is missing: GDAL's MVT driver check cannot run (scripts/install-deps installs gdal-bin)");
		return;
	}
	dm_error_init(&err);
	CHECK_INT(dm_tiles_render(db, &officer, "hazard", z, x, y, &buf, &len, &err), 0);
	snprintf(path, sizeof(path), "/tmp/demine-test-tiles-%d.mvt", (int)getpid());
	f = fopen(path, "wb");
	CHECK(f && fwrite(buf, 1, len, f) == len);
	if (f)
		fclose(f);
	snprintf(cmd, sizeof(cmd), "ogrinfo -ro -al -so %s 2>&1", path);
	snprintf(want, sizeof(want), "Feature Count: %zu", expect);
	p = popen(cmd, "r");
	CHECK(p != NULL);
	while (p && fgets(line, sizeof(line), p)) {
		if (strstr(line, "Layer name: hazard"))
			have_layer = 1;
		if (!strncmp(line, want, strlen(want)))
			have_count = 1;
	}
	if (p)
		CHECK_INT(pclose(p), 0);
	CHECK_MSG(have_layer, "ogrinfo does not list layer hazard in %s", path);
	CHECK_MSG(have_count, "ogrinfo does not say \"%s\"", want);
	unlink(path);
	free(buf);
	dm_error_release(&err);
}

static void test_demo(void)
{
	char path[128];
	struct dm_db *db = NULL;
	struct dm_error err;
	struct dm_mvt_tile *t;
	const struct dm_mvt_layer *L;
	struct pick pk = { 0 };
	struct dm_list_opts lo = { 0 };
	double bbox[4];
	size_t len = 0, n_off = 0, n_view = 0, list_view = 0, list_off = 0, npoly, i;
	int x, y, rc;
	char etag[64], etag2[64];
	unsigned char *buf = NULL;

	snprintf(path, sizeof(path), "/tmp/demine-test-tiles-%d.db", (int)getpid());
	dm_error_init(&err);
	dm_store_remove(path, &err);
	dm_error_release(&err);
	rc = dm_db_open(path, 1, &db, &err);
	if (!rc)
		rc = dm_demo_fill(db, NULL, &err);
	CHECK_MSG(rc == 0, "demo database: %s", err.message);
	if (rc)
		goto out;

	/* z8 over Karabakh */
	dm_geo_tile_of(47.0, 39.8, 8, &x, &y);
	CHECK_INT(x, 161);
	CHECK_INT(y, 97);
	t = render(db, &officer, "hazard", 8, x, y, &len);
	L = layer_of(t, "hazard");
	CHECK(len > 0 && L && L->nfeatures > 0);
	if (L) {
		const struct dm_mvt_value *v;
		CHECK_INT(L->extent, 4096);
		CHECK_INT(L->version, 2);
		npoly = check_polygons(L);
		CHECK(npoly > 0);
		v = prop(L, &L->features[0], "code");
		CHECK(v && v->type == DM_MVT_STRING && !strncmp(v->s, "HAZ-", 4));
		CHECK(prop(L, &L->features[0], "organisation") != NULL);
		CHECK(prop(L, &L->features[0], "category") != NULL);
		CHECK(prop(L, &L->features[0], "land_status") != NULL);
		v = prop(L, &L->features[0], "area_m2");
		CHECK(v && (v->type == DM_MVT_UINT || v->type == DM_MVT_DOUBLE));
		CHECK(prop(L, &L->features[0], "adm2") != NULL);
		CHECK(L->features[0].has_id && L->features[0].id > 0 && L->features[0].id < (1ull << 53));
		printf("z8 %d/%d: %zu hazards, %zu polygons, %zu bytes\n", x, y, L->nfeatures, npoly, len);
		check_gdal(db, 8, x, y, L->nfeatures);
	}
	dm_mvt_tile_free(t);

	/* roles: a z5 tile holds all of Karabakh; compare with the read path's own list */
	dm_geo_tile_of(47.0, 39.8, 5, &x, &y);
	dm_geo_tile_bbox(5, x, y, DM_TILES_EXTENT, 0, bbox);
	lo.bbox = bbox;
	dm_error_init(&err);
	CHECK_INT(dm_record_list(db, &viewer, "hazard", &lo, count_cb, &list_view, &err), 0);
	CHECK_INT(dm_record_list(db, &officer, "hazard", &lo, count_cb, &list_off, &err), 0);
	t = render(db, &viewer, "hazard", 5, x, y, NULL);
	L = layer_of(t, "hazard");
	n_view = L ? L->nfeatures : 0;
	CHECK_INT(count_status(L, "approved", 1), 0); /* a viewer sees approved versions only */
	CHECK_INT(n_view, list_view);
	dm_mvt_tile_free(t);
	t = render(db, &officer, "hazard", 5, x, y, NULL);
	L = layer_of(t, "hazard");
	n_off = L ? L->nfeatures : 0;
	CHECK_MSG(count_status(L, "approved", 1) > 0, "the IM officer sees no draft or submitted hazard");
	CHECK_INT(n_off, list_off);
	printf("z5 %d/%d: viewer %zu hazards (list %zu), im_officer %zu (list %zu, %zu not approved)\n", x, y,
	       n_view, list_view, n_off, list_off, count_status(L, "approved", 1));
	dm_mvt_tile_free(t);

	/* an operator: its own organisation's newest versions, the others' approved ones */
	{
		char org[37] = "";
		struct dm_actor op = { "test", "operator", org };
		size_t list_op = 0, n_op;
		CHECK_INT(dm_record_list(db, &officer, "hazard", NULL, pick_draft_org, org, &err), 0);
		CHECK(org[0] != 0);
		CHECK_INT(dm_record_list(db, &op, "hazard", &lo, count_cb, &list_op, &err), 0);
		t = render(db, &op, "hazard", 5, x, y, NULL);
		n_op = layer_of(t, "hazard") ? layer_of(t, "hazard")->nfeatures : 0;
		CHECK_INT(n_op, list_op);
		CHECK(count_status(layer_of(t, "hazard"), "approved", 1) > 0);
		printf("z5 %d/%d: operator %zu hazards (list %zu)\n", x, y, n_op, list_op);
		dm_mvt_tile_free(t);
	}

	/* public: no organisation, no eo_find */
	t = render(db, &public_actor, "hazard", 5, x, y, NULL);
	L = layer_of(t, "hazard");
	CHECK(L && L->nfeatures > 0);
	for (i = 0; L && i < L->nkeys; i++)
		CHECK_MSG(strcmp(L->keys[i], "organisation"), "the public sees organisations");
	CHECK_INT(count_status(L, "approved", 1), 0);
	dm_mvt_tile_free(t);
	CHECK_INT(dm_tiles_render(db, &public_actor, "eo_find", 5, x, y, &buf, &len, &err), DM_EPERM);
	dm_error_release(&err);
	CHECK_INT(dm_tiles_render(db, &officer, "victim", 5, x, y, &buf, &len, &err), DM_EINVAL);
	dm_error_release(&err);
	CHECK_INT(dm_tiles_render(db, &officer, "hazard", 5, 32, 0, &buf, &len, &err), DM_EINVAL);
	dm_error_release(&err);

	/* the other layers render */
	{
		static const char *const others[] = { "land_release", "eo_find", "accident", "eore_session", "location" };
		for (i = 0; i < 5; i++) {
			size_t l2 = 0;
			t = render(db, &officer, others[i], 5, x, y, &l2);
			CHECK_MSG(l2 > 0 && layer_of(t, others[i]), "layer %s is empty at z5", others[i]);
			if (layer_of(t, others[i]))
				check_polygons(layer_of(t, others[i]));
			dm_mvt_tile_free(t);
		}
	}

	/* z12, z14 and overzoomed z16 around one hazard: vertices within a pixel */
	pk.geo = dm_db_geo(db);
	CHECK_INT(dm_record_list(db, &officer, "hazard", NULL, pick_hazard, &pk, &err), 0);
	CHECK_MSG(pk.id[0], "no hazard lies inside one z14 tile (%zu hazards)", pk.n);
	if (pk.id[0]) {
		check_accuracy(db, &pk, 14, pk.z14x, pk.z14y);
		check_accuracy(db, &pk, 12, pk.z14x >> 2, pk.z14y >> 2);
		t = render(db, &officer, "hazard", 16, pk.z14x * 4 + 1, pk.z14y * 4 + 1, &len);
		dm_mvt_tile_free(t);
		/* overzoom renders whatever part of the hazard falls in that z16 tile (maybe none) */
		{
			double cx = (pk.geom.minx + pk.geom.maxx) / 2, cy = (pk.geom.miny + pk.geom.maxy) / 2;
			int x16, y16;
			dm_geo_tile_of(cx, cy, 16, &x16, &y16);
			t = render(db, &officer, "hazard", 16, x16, y16, &len);
			CHECK_MSG(feature_by_id(layer_of(t, "hazard"), pk.id) != NULL, "overzoomed z16 tile lacks the hazard");
			if (layer_of(t, "hazard"))
				check_polygons(layer_of(t, "hazard"));
			dm_mvt_tile_free(t);
		}
	}
	dm_geom_release(&pk.geom);

	/* the Atlantic: empty */
	dm_geo_tile_of(-30.0, 40.0, 10, &x, &y);
	buf = (unsigned char *)"x";
	CHECK_INT(dm_tiles_render(db, &officer, "hazard", 10, x, y, &buf, &len, &err), 0);
	CHECK(len == 0 && buf == NULL);

	/* ETag from the change counter */
	CHECK_INT(dm_tiles_etag(db, "hazard", etag, sizeof(etag), &err), 0);
	CHECK(!strncmp(etag, "\"hazard-", 8) && strtol(etag + 8, NULL, 10) > 0 && etag[strlen(etag) - 1] == '"');
	CHECK_INT(dm_tiles_etag(db, "hazard", etag2, sizeof(etag2), &err), 0);
	CHECK_STR(etag2, etag);
	{
		struct dm_db *db2 = NULL;
		CHECK_INT(dm_db_open(path, 0, &db2, &err), 0); /* another connection, as another process */
		if (db2) {
			CHECK_INT(dm_tiles_etag(db2, "hazard", etag2, sizeof(etag2), &err), 0);
			CHECK_STR(etag2, etag);
			dm_db_close(db2);
		}
	}
	CHECK_INT(dm_tiles_etag(db, "nonsense", etag2, sizeof(etag2), &err), DM_EINVAL);
out:
	dm_error_release(&err);
	dm_db_close(db);
	dm_error_init(&err);
	dm_store_remove(path, &err);
	dm_error_release(&err);
}

static void test_tilejson(void)
{
	json_t *tj = dm_tiles_tilejson("hazard", "http://127.0.0.1:8080"), *vl, *f;
	CHECK(tj != NULL);
	if (tj) {
		CHECK_STR(json_string_value(json_object_get(tj, "tilejson")), "3.0.0");
		CHECK_STR(json_string_value(json_array_get(json_object_get(tj, "tiles"), 0)),
			  "http://127.0.0.1:8080/tiles/hazard/{z}/{x}/{y}.mvt");
		CHECK_INT(json_integer_value(json_object_get(tj, "minzoom")), 0);
		CHECK_INT(json_integer_value(json_object_get(tj, "maxzoom")), 14);
		CHECK_INT(json_array_size(json_object_get(tj, "bounds")), 4);
		vl = json_array_get(json_object_get(tj, "vector_layers"), 0);
		CHECK_STR(json_string_value(json_object_get(vl, "id")), "hazard");
		f = json_object_get(vl, "fields");
		CHECK_STR(json_string_value(json_object_get(f, "area_m2")), "Number");
		CHECK_STR(json_string_value(json_object_get(f, "code")), "String");
		CHECK_STR(json_string_value(json_object_get(f, "category")), "String");
	}
	json_decref(tj);
	CHECK(dm_tiles_tilejson("victim", "") == NULL);
	CHECK(dm_tiles_is_layer("eore_session"));
	CHECK(!dm_tiles_is_layer("victim"));
}

static void test_tile_math(void)
{
	double bbox[4], px, py;
	int x, y;
	dm_geo_tile_of(0, 0, 1, &x, &y);
	CHECK_INT(x, 1);
	CHECK_INT(y, 1);
	dm_geo_tile_bbox(0, 0, 0, 4096, 0, bbox);
	CHECK_NEAR(bbox[0], -180, 1e-9);
	CHECK_NEAR(bbox[3], 85.0511287798066, 1e-9);
	dm_geo_tile_project(-180, 85.0511287798066, 0, 0, 0, 4096, &px, &py);
	CHECK_NEAR(px, 0, 1e-6);
	CHECK_NEAR(py, 0, 1e-6);
	dm_geo_tile_project(0, 0, 1, 1, 1, 4096, &px, &py);
	CHECK_NEAR(px, 0, 1e-6);
	CHECK_NEAR(py, 0, 1e-6);
}

int main(void)
{
	test_tile_math();
	test_tilejson();
	test_demo();
	return check_report("tiles");
}
