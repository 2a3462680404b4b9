/* test_mvt.c: the MVT encoder and decoder on hand-made tiles and on @mapbox/mvt-fixtures. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include <jansson.h>
#include "demine/mvt.h"

static unsigned char *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	long len;
	*n = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		p = malloc((size_t)len + 1);
		if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
			free(p);
			p = NULL;
		} else if (p)
			*n = (size_t)len;
	}
	fclose(f);
	return p;
}

#define ANY_INT ((enum dm_mvt_vtype)99)

/* A tile.json value object ({"string_value": "x"}, ...) as a dm_mvt_value (strings borrowed). */
static int json_value(json_t *o, struct dm_mvt_value *v)
{
	const char *k;
	json_t *x;
	memset(v, 0, sizeof(*v));
	json_object_foreach(o, k, x) {
		if (!strcmp(k, "string_value") && json_is_integer(x)) {
			/* fixture 076's tile.json shows the string "613" as the number 613 */
			v->type = ANY_INT;
			v->i = json_integer_value(x);
		} else if (!strcmp(k, "string_value")) {
			v->type = DM_MVT_STRING;
			v->s = json_string_value(x);
			v->slen = json_string_length(x);
		} else if (!strcmp(k, "float_value")) {
			v->type = DM_MVT_FLOAT;
			v->d = (float)json_number_value(x);
		} else if (!strcmp(k, "double_value")) {
			v->type = DM_MVT_DOUBLE;
			v->d = json_number_value(x);
		} else if (!strcmp(k, "int_value")) {
			v->type = DM_MVT_INT;
			v->i = json_integer_value(x);
		} else if (!strcmp(k, "uint_value")) {
			v->type = DM_MVT_UINT;
			v->u = (uint64_t)json_integer_value(x);
		} else if (!strcmp(k, "sint_value")) {
			v->type = DM_MVT_SINT;
			v->i = json_integer_value(x);
		} else if (!strcmp(k, "bool_value")) {
			v->type = DM_MVT_BOOL;
			v->b = json_is_true(x);
		} else
			return -1;
	}
	return v->type ? 0 : -1;
}

static int same_value(const struct dm_mvt_value *a, const struct dm_mvt_value *b)
{
	if (a->type == ANY_INT && b->type == DM_MVT_STRING) {
		char t[32];
		snprintf(t, sizeof(t), "%lld", (long long)a->i);
		return b->slen == strlen(t) && !memcmp(b->s, t, b->slen);
	}
	if (a->type == ANY_INT)
		return ((b->type == DM_MVT_INT || b->type == DM_MVT_SINT) && b->i == a->i) ||
		       (b->type == DM_MVT_UINT && (int64_t)b->u == a->i);
	if (a->type != b->type)
		return 0;
	switch ((int)a->type) {
	case DM_MVT_STRING:
		return a->slen == b->slen && !memcmp(a->s, b->s, a->slen);
	case DM_MVT_FLOAT:
		return (float)a->d == (float)b->d;
	case DM_MVT_DOUBLE:
		return a->d == b->d;
	case DM_MVT_INT:
	case DM_MVT_SINT:
		return a->i == b->i;
	case DM_MVT_UINT:
		return a->u == b->u;
	case DM_MVT_BOOL:
		return !a->b == !b->b;
	}
	return 0;
}

static uint32_t *json_u32s(json_t *a, size_t *n)
{
	size_t i;
	uint32_t *p = malloc((json_array_size(a) + 1) * sizeof(*p));
	*n = json_array_size(a);
	for (i = 0; p && i < *n; i++)
		p[i] = (uint32_t)json_integer_value(json_array_get(a, i));
	return p;
}

/* The decoded tile agrees with tile.json member by member. Returns 1 when it does. */
static int agrees(const char *name, const struct dm_mvt_tile *t, json_t *tj)
{
	json_t *jl = json_object_get(tj, "layers"), *l, *jf;
	size_t i, j, k, n;
	int ok = 1;
	if (json_array_size(jl) != t->nlayers) {
		fprintf(stderr, "%s: %zu layers, tile.json has %zu\n", name, t->nlayers, json_array_size(jl));
		return 0;
	}
	json_array_foreach(jl, i, l) {
		const struct dm_mvt_layer *L = &t->layers[i];
		json_t *ext = json_object_get(l, "extent");
		ok &= !strcmp(L->name, json_string_value(json_object_get(l, "name")));
		ok &= L->extent == (ext ? (unsigned)json_integer_value(ext) : 4096u);
		ok &= L->nkeys == json_array_size(json_object_get(l, "keys"));
		for (k = 0; ok && k < L->nkeys; k++)
			ok &= !strcmp(L->keys[k], json_string_value(json_array_get(json_object_get(l, "keys"), k)));
		ok &= L->nvalues == json_array_size(json_object_get(l, "values"));
		for (k = 0; ok && k < L->nvalues; k++) {
			struct dm_mvt_value v;
			ok &= !json_value(json_array_get(json_object_get(l, "values"), k), &v) &&
			      same_value(&v, &L->values[k]);
		}
		ok &= L->nfeatures == json_array_size(json_object_get(l, "features"));
		json_array_foreach(json_object_get(l, "features"), j, jf) {
			const struct dm_mvt_feature *F;
			uint32_t *a;
			if (!ok || j >= L->nfeatures)
				break;
			F = &L->features[j];
			if (json_object_get(jf, "id"))
				ok &= F->has_id && F->id == (uint64_t)json_integer_value(json_object_get(jf, "id"));
			ok &= (int)F->type == (int)json_integer_value(json_object_get(jf, "type"));
			a = json_u32s(json_object_get(jf, "tags"), &n);
			ok &= n == F->ntags && (!n || !memcmp(a, F->tags, n * sizeof(*a)));
			free(a);
			a = json_u32s(json_object_get(jf, "geometry"), &n);
			ok &= n == F->ngeometry && (!n || !memcmp(a, F->geometry, n * sizeof(*a)));
			free(a);
		}
	}
	if (!ok)
		fprintf(stderr, "%s: decoded tile differs from tile.json\n", name);
	return ok;
}

/* Re-encodes tile.json with the encoder (geometry as points, properties as key/value pairs),
 * decodes it and compares with the fixture's own tile. 1 same, 0 differs, -1 not encodable. */
static int reencode(const char *name, json_t *tj, const struct dm_mvt_tile *orig)
{
	struct dm_mvt_enc *e = dm_mvt_enc_new();
	struct dm_error err;
	json_t *l, *jf;
	size_t i, j, k, n;
	unsigned char *buf = NULL;
	size_t len = 0;
	struct dm_mvt_tile *back = NULL;
	int rc = 0, ok = 1;
	dm_error_init(&err);
	json_array_foreach(json_object_get(tj, "layers"), i, l) {
		json_t *ext = json_object_get(l, "extent"), *keys = json_object_get(l, "keys"),
		       *vals = json_object_get(l, "values");
		if ((rc = dm_mvt_enc_layer(e, json_string_value(json_object_get(l, "name")),
					   ext ? (unsigned)json_integer_value(ext) : 4096, &err)))
			break;
		json_array_foreach(json_object_get(l, "features"), j, jf) {
			struct dm_mvt_geom g;
			uint32_t *cmd = json_u32s(json_object_get(jf, "geometry"), &n);
			int type = (int)json_integer_value(json_object_get(jf, "type"));
			json_t *tags = json_object_get(jf, "tags");
			rc = dm_mvt_geom_decode((enum dm_mvt_gtype)type, cmd, n, &g, &err);
			free(cmd);
			if (rc)
				break;
			rc = dm_mvt_enc_feature(e, json_object_get(jf, "id") != NULL,
						(uint64_t)json_integer_value(json_object_get(jf, "id")), &g, &err);
			dm_mvt_geom_release(&g);
			for (k = 0; !rc && k + 1 < json_array_size(tags); k += 2) {
				struct dm_mvt_value v;
				size_t ki = (size_t)json_integer_value(json_array_get(tags, k));
				size_t vi = (size_t)json_integer_value(json_array_get(tags, k + 1));
				if (ki >= json_array_size(keys) || vi >= json_array_size(vals) ||
				    json_value(json_array_get(vals, vi), &v) || v.type == ANY_INT) {
					rc = -1;
					break;
				}
				rc = dm_mvt_enc_prop(e, json_string_value(json_array_get(keys, ki)), &v, &err);
			}
			if (rc)
				break;
		}
		if (rc)
			break;
	}
	if (!rc)
		rc = dm_mvt_enc_finish(e, 0, &buf, &len, &err);
	dm_mvt_enc_free(e);
	dm_error_release(&err);
	if (rc) {
		free(buf);
		return -1;
	}
	dm_error_init(&err);
	rc = dm_mvt_decode(buf, len, &back, &err);
	CHECK_MSG(rc == 0, "%s: our own tile does not decode: %s", name, err.message);
	dm_error_release(&err);
	free(buf);
	if (rc)
		return 0;
	ok = back->nlayers == orig->nlayers;
	for (i = 0; ok && i < back->nlayers; i++) {
		const struct dm_mvt_layer *A = &orig->layers[i], *B = &back->layers[i];
		ok &= !strcmp(A->name, B->name) && A->extent == B->extent && A->nfeatures == B->nfeatures;
		for (j = 0; ok && j < A->nfeatures; j++) {
			const struct dm_mvt_feature *fa = &A->features[j], *fb = &B->features[j];
			struct dm_mvt_geom ga, gb;
			struct dm_error e2;
			dm_error_init(&e2);
			ok &= fa->has_id == fb->has_id && (!fa->has_id || fa->id == fb->id) && fa->type == fb->type;
			ok &= fa->ntags == fb->ntags;
			for (k = 0; ok && k < fa->ntags; k += 2) {
				ok &= !strcmp(A->keys[fa->tags[k]], B->keys[fb->tags[k]]);
				ok &= same_value(&A->values[fa->tags[k + 1]], &B->values[fb->tags[k + 1]]);
			}
			if (ok && !dm_mvt_geom_decode(fa->type, fa->geometry, fa->ngeometry, &ga, &e2)) {
				if (!dm_mvt_geom_decode(fb->type, fb->geometry, fb->ngeometry, &gb, &e2)) {
					ok &= ga.npoints == gb.npoints && ga.nparts == gb.nparts &&
					      !memcmp(ga.xy, gb.xy, 2 * ga.npoints * sizeof(*ga.xy)) &&
					      !memcmp(ga.part_len, gb.part_len, ga.nparts * sizeof(*ga.part_len));
					dm_mvt_geom_release(&gb);
				} else
					ok = 0;
				dm_mvt_geom_release(&ga);
			}
			dm_error_release(&e2);
		}
	}
	dm_mvt_tile_free(back);
	if (!ok)
		fprintf(stderr, "%s: re-encoded tile differs\n", name);
	return ok;
}

static void test_fixtures(void)
{
	char dir[512], path[600];
	DIR *d;
	struct dirent *de;
	size_t nvalid = 0, nagree = 0, nre = 0, nre_ok = 0, ninvalid = 0, nrefused = 0;
	snprintf(dir, sizeof(dir), "%s/mvt", check_fixtures());
	d = opendir(dir);
	CHECK_MSG(d != NULL, "no fixtures at %s", dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		json_t *info, *tj;
		unsigned char *buf;
		size_t len;
		struct dm_mvt_tile *t = NULL;
		struct dm_error err;
		int valid, rc;
		if (strlen(de->d_name) != 3 || de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%s/info.json", dir, de->d_name);
		info = json_load_file(path, 0, NULL);
		snprintf(path, sizeof(path), "%s/%s/tile.json", dir, de->d_name);
		tj = json_load_file(path, 0, NULL);
		snprintf(path, sizeof(path), "%s/%s/tile.mvt", dir, de->d_name);
		buf = read_all(path, &len);
		CHECK_MSG(info && tj && buf, "fixture %s unreadable", de->d_name);
		valid = json_is_true(json_object_get(json_object_get(info, "validity"), "v2"));
		dm_error_init(&err);
		rc = buf ? dm_mvt_decode(buf, len, &t, &err) : -1;
		if (valid) {
			nvalid++;
			CHECK_MSG(rc == 0, "valid fixture %s refused: %s", de->d_name, err.message);
			if (!rc && agrees(de->d_name, t, tj))
				nagree++;
			if (!rc) {
				int r = reencode(de->d_name, tj, t);
				if (r >= 0)
					nre++;
				if (r == 1)
					nre_ok++;
			}
		} else {
			ninvalid++;
			if (rc)
				nrefused++;
		}
		/* every tile's geometry decodes or is refused without a crash */
		if (!rc) {
			size_t i, j;
			for (i = 0; i < t->nlayers; i++)
				for (j = 0; j < t->layers[i].nfeatures; j++) {
					struct dm_mvt_geom g;
					struct dm_error e2;
					const struct dm_mvt_feature *f = &t->layers[i].features[j];
					dm_error_init(&e2);
					if (!dm_mvt_geom_decode(f->type, f->geometry, f->ngeometry, &g, &e2))
						dm_mvt_geom_release(&g);
					dm_error_release(&e2);
				}
		}
		dm_mvt_tile_free(t);
		dm_error_release(&err);
		free(buf);
		json_decref(info);
		json_decref(tj);
	}
	closedir(d);
	printf("mvt fixtures: %zu valid, %zu agree with tile.json, %zu re-encoded, %zu round trips equal;"
	       " %zu invalid, %zu refused\n", nvalid, nagree, nre, nre_ok, ninvalid, nrefused);
	CHECK(nvalid >= 40);
	CHECK_INT(nagree, nvalid);
	CHECK(nre + 2 >= nvalid); /* all but the gigantic-count fixtures */
	CHECK_INT(nre_ok, nre);
	CHECK(nrefused * 2 >= ninvalid); /* the fatal ones at least */
}

static void test_roundtrip(void)
{
	struct dm_mvt_enc *e = dm_mvt_enc_new();
	struct dm_error err;
	unsigned char *buf = NULL;
	size_t len = 0;
	struct dm_mvt_tile *t = NULL;
	/* a square with a hole, clockwise shell on screen (positive area, y down) */
	int64_t xy[] = { 0, 0, 10, 0, 10, 10, 0, 10, 0, 0, 2, 2, 2, 8, 8, 8, 8, 2, 2, 2 };
	size_t parts[] = { 5, 5 };
	struct dm_mvt_geom g = { DM_MVT_POLYGON, xy, 10, parts, 2 }, back;
	int64_t pts[] = { 5, 5, -3, 4100 };
	size_t ppart[] = { 2 };
	struct dm_mvt_geom mp = { DM_MVT_POINT, pts, 2, ppart, 1 };
	dm_error_init(&err);
	CHECK(dm_mvt_ring_area(&g, 0) > 0);
	CHECK(dm_mvt_ring_area(&g, 1) < 0);
	CHECK_INT(dm_mvt_enc_layer(e, "hazard", 4096, &err), 0);
	CHECK_INT(dm_mvt_enc_feature(e, 1, 42, &g, &err), 0);
	CHECK_INT(dm_mvt_enc_prop_str(e, "code", "HAZ-1", &err), 0);
	CHECK_INT(dm_mvt_enc_prop_int(e, "n", -5, &err), 0);
	CHECK_INT(dm_mvt_enc_prop_double(e, "a", 2.5, &err), 0);
	CHECK_INT(dm_mvt_enc_feature(e, 1, 43, &mp, &err), 0);
	CHECK_INT(dm_mvt_enc_prop_str(e, "code", "HAZ-1", &err), 0); /* same value: shared */
	CHECK_INT(dm_mvt_enc_prop_str_unique(e, "id", "b9e0", &err), 0); /* not looked up: a value of its own */
	CHECK_INT(dm_mvt_enc_count(e), 2);
	CHECK_INT(dm_mvt_enc_finish(e, 1, &buf, &len, &err), 0);
	CHECK(len > 0);
	CHECK_INT(dm_mvt_decode(buf, len, &t, &err), 0);
	if (t) {
		const struct dm_mvt_layer *L = &t->layers[0];
		CHECK_INT(t->nlayers, 1);
		CHECK_STR(L->name, "hazard");
		CHECK_INT(L->version, 2);
		CHECK_INT(L->nkeys, 4);
		CHECK_INT(L->nvalues, 4);
		CHECK_STR(L->values[3].s, "b9e0");
		CHECK_INT(L->features[1].ntags, 4);
		CHECK_INT(L->features[1].tags[2], 3);
		CHECK_INT(L->features[1].tags[3], 3);
		CHECK_INT(L->nfeatures, 2);
		CHECK_INT(L->features[0].id, 42);
		CHECK_INT(L->values[1].type, DM_MVT_SINT);
		CHECK_INT(L->values[1].i, -5);
		CHECK_INT(L->features[1].tags[1], 0);
		CHECK_INT(dm_mvt_geom_decode(L->features[0].type, L->features[0].geometry, L->features[0].ngeometry,
					     &back, &err), 0);
		CHECK_INT(back.nparts, 2);
		CHECK_INT(back.npoints, 10);
		CHECK(back.xy && !memcmp(back.xy, xy, sizeof(xy)));
		dm_mvt_geom_release(&back);
		CHECK_INT(dm_mvt_geom_decode(L->features[1].type, L->features[1].geometry, L->features[1].ngeometry,
					     &back, &err), 0);
		CHECK_INT(back.npoints, 2);
		CHECK(back.xy && back.xy[2] == -3 && back.xy[3] == 4100);
		dm_mvt_geom_release(&back);
	}
	dm_mvt_tile_free(t);
	free(buf);
	dm_mvt_enc_free(e);
	/* empty tile */
	e = dm_mvt_enc_new();
	CHECK_INT(dm_mvt_enc_layer(e, "hazard", 0, &err), 0);
	CHECK_INT(dm_mvt_enc_finish(e, 1, &buf, &len, &err), 0);
	CHECK(buf == NULL && len == 0);
	dm_mvt_enc_free(e);
	/* garbage is refused, not read past its end */
	{
		static const unsigned char junk[] = { 0x1a, 0x7f, 0x0a };
		static const uint32_t bad[] = { 9, 50, 34, 15 }; /* ClosePath in a point */
		CHECK(dm_mvt_decode(junk, sizeof(junk), &t, &err) == DM_EINVAL);
		CHECK(t == NULL);
		CHECK(dm_mvt_geom_decode(DM_MVT_POINT, bad, 4, &back, &err) == DM_EINVAL);
	}
	dm_error_release(&err);
}

/* Features with sort keys come out in key order, layer by layer; one without a key keeps
 * its layer in the order added. */
static void encode_keyed(const char *const *keys, size_t n, unsigned char **buf, size_t *len)
{
	struct dm_mvt_enc *e = dm_mvt_enc_new();
	struct dm_error err;
	int64_t xy[] = { 1, 1 };
	size_t part[] = { 1 };
	struct dm_mvt_geom g = { DM_MVT_POINT, xy, 1, part, 1 };
	size_t i;
	dm_error_init(&err);
	CHECK_INT(dm_mvt_enc_layer(e, "hazard", 4096, &err), 0);
	for (i = 0; i < n; i++) {
		CHECK_INT(dm_mvt_enc_feature(e, 1, i + 1, &g, &err), 0);
		if (keys[i])
			CHECK_INT(dm_mvt_enc_order(e, keys[i], &err), 0);
		CHECK_INT(dm_mvt_enc_prop_str(e, "code", keys[i] ? keys[i] : "none", &err), 0);
	}
	CHECK_INT(dm_mvt_enc_finish(e, 1, buf, len, &err), 0);
	dm_mvt_enc_free(e);
	dm_error_release(&err);
}

static void test_order(void)
{
	static const char *const keyed[] = { "HAZ-2", "HAZ-10", "HAZ-1", "HAZ-2" };
	static const char *const partly[] = { "HAZ-2", NULL, "HAZ-1" };
	static const uint64_t want_keyed[] = { 3, 2, 1, 4 }, want_partly[] = { 1, 2, 3 };
	struct dm_mvt_tile *t = NULL;
	struct dm_error err;
	unsigned char *buf = NULL;
	size_t len = 0, i;
	dm_error_init(&err);
	encode_keyed(keyed, 4, &buf, &len);
	CHECK_INT(dm_mvt_decode(buf, len, &t, &err), 0);
	CHECK(t && t->nlayers == 1 && t->layers[0].nfeatures == 4);
	for (i = 0; t && i < 4; i++)
		CHECK_INT(t->layers[0].features[i].id, want_keyed[i]); /* byte order; ties as added */
	dm_mvt_tile_free(t);
	free(buf);
	t = NULL;
	encode_keyed(partly, 3, &buf, &len);
	CHECK_INT(dm_mvt_decode(buf, len, &t, &err), 0);
	for (i = 0; t && i < 3; i++)
		CHECK_INT(t->layers[0].features[i].id, want_partly[i]);
	dm_mvt_tile_free(t);
	free(buf);
	dm_error_release(&err);
}

int main(void)
{
	test_roundtrip();
	test_order();
	test_fixtures();
	return check_report("mvt");
}
