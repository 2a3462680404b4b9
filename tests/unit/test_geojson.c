/* test_geojson.c: the streaming GeoJSON reader and the writer, on hand-made cases and fixtures. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "check.h"
#include "demine/geojson.h"

struct got {
	size_t n;           /* features delivered */
	size_t last_index, last_line;
	size_t lines_ok;    /* writer round trip: feature i on line i + 1 */
	int refcount_ok;
	char crs[32];
	size_t ncrs, nmembers;
	json_t *first;      /* a copy of the first feature */
	int stop_at;        /* return 7 at this feature */
};

static int on_feature(void *arg, size_t index, size_t line, json_t *f)
{
	struct got *g = arg;
	g->n++;
	g->last_index = index;
	g->last_line = line;
	if (line == index + 1)
		g->lines_ok++;
	if (f->refcount != 1) /* nobody else holds features: one in memory at a time */
		g->refcount_ok = 0;
	if (!g->first)
		g->first = json_deep_copy(f);
	if (g->stop_at && (int)index == g->stop_at)
		return 7;
	return 0;
}

static int on_crs(void *arg, const char *crs)
{
	struct got *g = arg;
	g->ncrs++;
	snprintf(g->crs, sizeof(g->crs), "%s", crs);
	return 0;
}

static int on_member(void *arg, const char *name, json_t *v)
{
	struct got *g = arg;
	(void)name;
	(void)v;
	g->nmembers++;
	return 0;
}

static void got_init(struct got *g)
{
	memset(g, 0, sizeof(*g));
	g->refcount_ok = 1;
}

static void got_release(struct got *g)
{
	json_decref(g->first);
	g->first = NULL;
}

static int parse(const char *s, struct got *g, struct dm_error *err)
{
	struct dm_geojson_handler h = {g, on_feature, on_crs, on_member};
	got_init(g);
	dm_error_init(err);
	return dm_geojson_parse_string(s, strlen(s), &h, err);
}

static int read_path(const char *path, struct got *g, struct dm_error *err)
{
	struct dm_geojson_handler h = {g, on_feature, on_crs, on_member};
	FILE *f = fopen(path, "rb");
	int rc;
	got_init(g);
	dm_error_init(err);
	if (!f)
		return -1000;
	rc = dm_geojson_read(f, &h, err);
	fclose(f);
	return rc;
}

/* Expects a refusal whose message contains want. */
static void refused(const char *doc, int code, const char *want)
{
	struct got g;
	struct dm_error err;
	int rc = parse(doc, &g, &err);
	CHECK_MSG(rc == code, "rc %d (%s), expected %d for %.60s", rc, err.message, code, doc);
	CHECK_MSG(strstr(err.message, want) != NULL, "message \"%s\" lacks \"%s\"", err.message, want);
	got_release(&g);
	dm_error_release(&err);
}

static void test_basics(void)
{
	struct got g;
	struct dm_error err;
	int rc;

	rc = parse("{\"type\":\"FeatureCollection\",\n\"features\":[\n"
		   "{\"type\":\"Feature\",\"id\":\"a\",\"properties\":{\"n\":1},\"geometry\":null},\n"
		   "  {\"type\":\"Feature\",\"properties\":null,\n"
		   "   \"geometry\":{\"type\":\"Point\",\"coordinates\":[46.9,39.7]}}\n],\"bbox\":[0,0,1,1]}",
		   &g, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.last_index, 2);
	CHECK_INT(g.last_line, 4);
	CHECK_INT(g.nmembers, 1); /* bbox */
	CHECK_INT(g.ncrs, 0);
	CHECK(g.refcount_ok);
	CHECK_STR(json_string_value(json_object_get(g.first, "id")), "a");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(g.first, "properties"), "n")), 1);
	got_release(&g);

	/* a single Feature is one feature; its crs is delivered too */
	rc = parse("{\"properties\":{},\"geometry\":null,\"crs\":{\"type\":\"name\",\"properties\":"
		   "{\"name\":\"urn:ogc:def:crs:EPSG::28408\"}},\"type\":\"Feature\"}", &g, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.crs, "EPSG:28408");
	CHECK(json_object_get(g.first, "crs") == NULL);
	got_release(&g);

	/* type may come after features; an empty collection is fine */
	rc = parse("{\"features\":[{\"type\":\"Feature\",\"properties\":null,\"geometry\":null}],"
		   "\"type\":\"FeatureCollection\"}", &g, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(g.n, 1);
	got_release(&g);
	rc = parse(" {\"type\":\"FeatureCollection\",\"features\":[]} \n", &g, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(g.n, 0);
	got_release(&g);

	/* crs before features, in both spellings; null crs ignored; crs after features refused */
	rc = parse("{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
		   "{\"name\":\"EPSG:32638\"}},\"features\":[]}", &g, &err);
	CHECK_INT(rc, 0);
	CHECK_STR(g.crs, "EPSG:32638");
	got_release(&g);
	rc = parse("{\"type\":\"FeatureCollection\",\"crs\":null,\"features\":[]}", &g, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(g.ncrs, 0);
	got_release(&g);
	refused("{\"type\":\"FeatureCollection\",\"features\":[],\n\"crs\":{\"type\":\"name\",\"properties\":"
		"{\"name\":\"EPSG:32638\"}}}", DM_EINVAL, "line 2: crs member must come before features");
	refused("{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
		"{\"name\":\"EPSG:abc\"}},\"features\":[]}", DM_EINVAL, "unsupported crs name 'EPSG:abc'");
	refused("{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"link\",\"properties\":"
		"{\"href\":\"x\"}},\"features\":[]}", DM_EINVAL, "unsupported crs");

	/* a callback's non-zero return stops and is returned */
	{
		struct dm_geojson_handler h = {&g, on_feature, NULL, NULL};
		const char *doc = "{\"type\":\"FeatureCollection\",\"features\":["
				  "{\"type\":\"Feature\",\"properties\":null,\"geometry\":null},"
				  "{\"type\":\"Feature\",\"properties\":null,\"geometry\":null},"
				  "{\"type\":\"Feature\",\"properties\":null,\"geometry\":null}]}";
		got_init(&g);
		g.stop_at = 2;
		dm_error_init(&err);
		rc = dm_geojson_parse_string(doc, strlen(doc), &h, &err);
		CHECK_INT(rc, 7);
		CHECK_INT(g.n, 2);
		got_release(&g);
		/* no handler at all: a validity check */
		rc = dm_geojson_parse_string(doc, strlen(doc), NULL, &err);
		CHECK_INT(rc, 0);
	}
	dm_error_release(&err);
}

static void test_crs_names(void)
{
	char out[32];
	CHECK_INT(dm_geojson_crs_normalise("EPSG:32638", out, sizeof(out)), 0);
	CHECK_STR(out, "EPSG:32638");
	CHECK_INT(dm_geojson_crs_normalise("urn:ogc:def:crs:EPSG::32639", out, sizeof(out)), 0);
	CHECK_STR(out, "EPSG:32639");
	CHECK_INT(dm_geojson_crs_normalise("urn:ogc:def:crs:EPSG:6.6:4326", out, sizeof(out)), 0);
	CHECK_STR(out, "EPSG:4326");
	CHECK_INT(dm_geojson_crs_normalise("epsg:28408", out, sizeof(out)), 0);
	CHECK_STR(out, "EPSG:28408");
	CHECK_INT(dm_geojson_crs_normalise("urn:ogc:def:crs:OGC:1.3:CRS84", out, sizeof(out)), 0);
	CHECK_STR(out, "OGC:CRS84");
	CHECK(dm_geojson_crs_normalise("EPSG:", out, sizeof(out)) != 0);
	CHECK(dm_geojson_crs_normalise("EPSG:1234567890", out, sizeof(out)) != 0);
	CHECK(dm_geojson_crs_normalise("32638", out, sizeof(out)) != 0);
	CHECK(dm_geojson_crs_normalise("urn:ogc:def:crs:EPSG:32638", out, sizeof(out)) != 0);
}

static void test_refusals(void)
{
	struct got g;
	struct dm_error err;
	int rc;

	refused("{\"type\":\"Point\",\"coordinates\":[1,2]}", DM_EINVAL,
		"line 1: expected a FeatureCollection or a Feature, found 'Point'");
	refused("{\"type\":\"featurecollection\",\"features\":[]}", DM_EINVAL,
		"expected a FeatureCollection or a Feature, found 'featurecollection'");
	refused("{\n\"type\":\"FeatureCollection\",\n\"features\":[,]}", DM_EINVAL, "line 3: invalid JSON: ");
	refused("[1,2]", DM_EINVAL, "line 1: expected a FeatureCollection or a Feature, found an array");
	refused("\"x\"", DM_EINVAL, "found a string");
	refused("", DM_EINVAL, "empty document");
	refused(" \n ", DM_EINVAL, "line 2: empty document");
	refused("{\"type\":\"FeatureCollection\"", DM_EINVAL, "invalid JSON: premature EOF");
	refused("{\"type\":\"FeatureCollection\",\"features\":[]} x", DM_EINVAL, "invalid JSON: trailing garbage");
	refused("{\"features\":[]}", DM_EINVAL, "missing member 'type'");
	refused("{\"type\":1,\"features\":[]}", DM_EINVAL, "'type' must be a string, found a number");
	refused("{\"type\":\"FeatureCollection\"}", DM_EINVAL, "a FeatureCollection needs a 'features' array");
	refused("{\"type\":\"FeatureCollection\",\"features\":{}}", DM_EINVAL,
		"'features' must be an array, found an object");
	refused("{\"type\":\"Feature\",\"features\":[]}", DM_EINVAL, "a Feature cannot have a 'features' member");
	refused("{\"type\":\"FeatureCollection\",\n\"type\":\"Feature\",\"features\":[]}", DM_EINVAL,
		"line 2: duplicate member 'type'");
	refused("{\"type\":\"FeatureCollection\",\"features\":[],\"features\":[]}", DM_EINVAL,
		"duplicate member 'features'");
	refused("{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":"
		"{\"n\":\"\xc3\x28\"},\"geometry\":null}]}", DM_EINVAL, "line 2: invalid UTF-8");
	refused("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
		"{\"n\":1e400},\"geometry\":null}]}", DM_EINVAL, "number out of range: 1e400");
	refused("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
		"{\"n\":1}, \"geometry\":null}] /* c */}", DM_EINVAL, "invalid JSON");

	/* per-feature problems: each listed, good features still delivered, DM_EINVAL at the end */
	rc = parse("{\"type\":\"FeatureCollection\",\"features\":[\n"
		   "1,\n"
		   "{\"type\":\"Feature\",\"properties\":{\"name\":1,\n\"name\":2},\"geometry\":null},\n"
		   "{\"type\":\"Feature\",\"properties\":[],\"geometry\":null},\n"
		   "{\"type\":\"Feat\",\"properties\":null,\"geometry\":null},\n"
		   "{\"type\":\"Feature\",\"properties\":null},\n"
		   "{\"type\":\"Feature\",\"properties\":null,\"geometry\":{\"coordinates\":[]}},\n"
		   "{\"type\":\"Feature\",\"properties\":null,\"geometry\":null,\"id\":true},\n"
		   "{\"type\":\"Feature\",\"properties\":null,\"geometry\":null,\"id\":12},\n"
		   "{\"properties\":null,\"geometry\":null},\n"
		   "{\"type\":\"Feature\",\"geometry\":null}\n"
		   "]}", &g, &err);
	CHECK_INT(rc, DM_EINVAL);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.last_index, 8);
	CHECK_INT(err.ndetails, 9);
	CHECK_STR(err.message, "feature 1: expected a Feature object, found a number (line 2)");
	if (err.ndetails == 9) {
		CHECK_STR(err.details[1].message, "feature 2: duplicate member 'name' (line 4)");
		CHECK_STR(err.details[2].message,
			  "feature 3: 'properties' must be an object or null, found an array (line 5)");
		CHECK_STR(err.details[3].message, "feature 4: 'type' is 'Feat', expected 'Feature' (line 6)");
		CHECK_STR(err.details[4].message,
			  "feature 5: missing member 'geometry' (null when there is none) (line 7)");
		CHECK_STR(err.details[5].message, "feature 6: the geometry has no string member 'type' (line 8)");
		CHECK_STR(err.details[6].message,
			  "feature 7: 'id' must be a string or a number, found a boolean (line 9)");
		CHECK_STR(err.details[7].message, "feature 9: missing member 'type' (line 11)");
		CHECK_STR(err.details[8].message,
			  "feature 10: missing member 'properties' (null when there are none) (line 12)");
	}
	got_release(&g);
	dm_error_release(&err);

	/* a problem in a single Feature document */
	refused("{\"type\":\"Feature\",\"properties\":7,\"geometry\":null}", DM_EINVAL,
		"feature 1: 'properties' must be an object or null, found a number (line 1)");
}

static void test_numbers(void)
{
	struct got g;
	struct dm_error err;
	json_t *p;
	int rc = parse("{\"type\":\"Feature\",\"geometry\":null,\"properties\":{"
		       "\"i\":9007199254740993,\"neg\":-42,\"big\":123456789012345678901234567890,"
		       "\"r\":46.123456789012345,\"e\":1.5E3,\"z\":-0,\"tiny\":1e-400,\"s\":\"a\\u0000b\","
		       "\"u\":\"A\\u011fdam \\ud83d\\ude00\"}}", &g, &err);
	CHECK_INT(rc, 0);
	p = json_object_get(g.first, "properties");
	CHECK(json_is_integer(json_object_get(p, "i")));
	CHECK(json_integer_value(json_object_get(p, "i")) == 9007199254740993LL);
	CHECK_INT(json_integer_value(json_object_get(p, "neg")), -42);
	CHECK(json_is_real(json_object_get(p, "big")));
	CHECK_NEAR(json_real_value(json_object_get(p, "big")) / 1e29, 1.2345678901234568, 1e-12);
	CHECK(json_real_value(json_object_get(p, "r")) == 46.123456789012345);
	CHECK(json_is_real(json_object_get(p, "e")));
	CHECK_NEAR(json_real_value(json_object_get(p, "e")), 1500, 0);
	CHECK(json_is_integer(json_object_get(p, "z")));
	CHECK(json_is_real(json_object_get(p, "tiny")));
	CHECK_INT(json_string_length(json_object_get(p, "s")), 3);
	CHECK_STR(json_string_value(json_object_get(p, "u")), "A\xc4\x9f" "dam \xf0\x9f\x98\x80");
	got_release(&g);
	dm_error_release(&err);
}

static void test_limits(void)
{
	size_t i, n;
	char *doc, *p;
	/* nesting: 64 levels are fine, 65 are not */
	doc = malloc(1000);
	p = doc;
	p += snprintf(p, 200, "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"a\":");
	for (i = 0; i < 61; i++)
		*p++ = '[';
	for (i = 0; i < 61; i++)
		*p++ = ']';
	memcpy(p, "}}", 3);
	{
		struct got g;
		struct dm_error err;
		CHECK_INT(parse(doc, &g, &err), 0); /* object, properties, 61 arrays = 63 */
		got_release(&g);
		dm_error_release(&err);
	}
	p = doc + strlen("{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"a\":");
	for (i = 0; i < 63; i++)
		*p++ = '[';
	for (i = 0; i < 63; i++)
		*p++ = ']';
	memcpy(p, "}}", 3);
	refused(doc, DM_ELIMIT, "line 1: nesting deeper than 64 levels");
	free(doc);

	/* a 17 MiB string */
	n = 17u << 20;
	doc = malloc(n + 200);
	p = doc + snprintf(doc, 200, "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"a\":\"");
	memset(p, 'x', n);
	p += n;
	memcpy(p, "\"}}", 4);
	refused(doc, DM_ELIMIT, "longer than 16 MiB");
	free(doc);

	/* a feature of 65 MiB made of 1 MiB strings: refused, the reader keeps at most 64 MiB */
	n = 65;
	doc = malloc(n * ((1u << 20) + 16) + 200);
	p = doc + snprintf(doc, 200, "{\"type\":\"FeatureCollection\",\"features\":[{\"properties\":{");
	for (i = 0; i < n; i++) {
		p += snprintf(p, 16, "%s\"k%zu\":\"", i ? "," : "", i);
		memset(p, 'y', 1u << 20);
		p += 1u << 20;
		*p++ = '"';
	}
	memcpy(p, "}}]}", 5);
	refused(doc, DM_ELIMIT, "feature 1 is larger than 64 MiB of JSON");
	free(doc);
}

/* The writer's output read back: 100,000 features streamed through a temporary file. */
static void test_writer_and_stream(void)
{
	struct dm_geojson_writer w;
	struct dm_error err;
	struct got g;
	struct dm_geojson_handler h = {&g, on_feature, on_crs, on_member};
	FILE *f = tmpfile();
	json_t *feat;
	size_t i, N = 100000;
	char *text;
	size_t len;
	int rc;

	dm_error_init(&err);
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(dm_geojson_writer_begin(&w, f, "EPSG:32638", &err), 0);
	for (i = 0; i < N; i++) {
		feat = json_pack("{s:s,s:I,s:{s:s,s:f},s:{s:s,s:[f,f]}}", "type", "Feature", "id", (json_int_t)i,
				 "properties", "name", i % 2 ? "A\xc4\x9f" "dam" : "x,\"y\"", "area", 0.1 * (double)i,
				 "geometry", "type", "Point", "coordinates",
				 500000.123456789 + (double)i, 4400000.987654321 - (double)i);
		rc = dm_geojson_writer_feature(&w, feat, &err);
		json_decref(feat);
		if (rc)
			break;
	}
	CHECK_INT(rc, 0);
	CHECK_INT(dm_geojson_writer_end(&w, &err), 0);
	CHECK_INT(w.nfeatures, N);
	rewind(f);
	got_init(&g);
	rc = dm_geojson_read(f, &h, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_INT(g.n, N);
	CHECK_INT(g.lines_ok, N); /* one feature per line, after the header line */
	CHECK(g.refcount_ok);
	CHECK_STR(g.crs, "EPSG:32638");
	{
		json_t *c = json_object_get(json_object_get(g.first, "geometry"), "coordinates");
		CHECK_NEAR(json_real_value(json_array_get(c, 0)), 500000.123456789, 1e-9);
		CHECK_NEAR(json_real_value(json_array_get(c, 1)), 4400000.987654321, 1e-9);
		CHECK_STR(json_string_value(json_object_get(json_object_get(g.first, "properties"), "name")),
			  "x,\"y\"");
	}
	got_release(&g);

	/* the text itself: UTF-8 kept as is, compact, the crs as a URN, readable reals */
	rewind(f);
	text = malloc(4096);
	len = fread(text, 1, 4095, f);
	text[len] = '\0';
	CHECK(strncmp(text, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
		      "{\"name\":\"urn:ogc:def:crs:EPSG::32638\"}},\"features\":[\n{", 100) == 0);
	CHECK(strstr(text, "\"name\":\"A\xc4\x9f" "dam\"") != NULL);
	CHECK(strstr(text, "\"area\":0.1}") != NULL);
	free(text);
	fclose(f);

	/* an empty collection */
	f = tmpfile();
	CHECK_INT(dm_geojson_writer_begin(&w, f, NULL, &err), 0);
	CHECK_INT(dm_geojson_writer_end(&w, &err), 0);
	rewind(f);
	CHECK_INT(dm_geojson_read(f, &h, &err), 0);
	fclose(f);
	f = tmpfile();
	CHECK_INT(dm_geojson_writer_begin(&w, f, "bogus", &err), DM_EINVAL);
	dm_error_release(&err);
	feat = json_object();
	CHECK_INT(dm_geojson_writer_feature(&w, feat, &err), DM_EIO); /* the writer stays failed */
	json_decref(feat);
	fclose(f);
	dm_error_release(&err);
}

/* Calls fn for every regular file under dir (sorted order is not needed). */
static void walk(const char *dir, void (*fn)(const char *path, void *arg), void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];
	struct stat st;
	CHECK_MSG(d != NULL, "cannot open %s", dir);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(path, fn, arg);
		else
			fn(path, arg);
	}
	closedir(d);
}

static int is_collection_or_feature(const char *path)
{
	return strstr(path, "/feature/") || strstr(path, "/featurecollection/");
}

static void valid_file(const char *path, void *arg)
{
	struct got g;
	struct dm_error err;
	int rc = read_path(path, &g, &err);
	(void)arg;
	if (is_collection_or_feature(path)) {
		CHECK_MSG(rc == 0, "%s: %s", path, err.message);
		if (strstr(path, "/feature/"))
			CHECK_MSG(g.n == 1, "%s: %zu features", path, g.n);
	} else {
		CHECK_MSG(rc == DM_EINVAL && strstr(err.message, "expected a FeatureCollection or a Feature, found '"),
			  "%s: %d %s", path, rc, err.message);
	}
	got_release(&g);
	dm_error_release(&err);
}

/* geojson/invalid: every bare geometry is refused as such; of the Feature and
 * FeatureCollection files, these pass this reader and are left to the geometry module:
 *   feature/1d-point.json   a Point with a 1-D position: geometry content, not structure.
 * All others are refused here: boolean-id, object-id (id type), no-geometry, no-properties,
 * no-type (feature type), featurecollection/no-features, featurecollection/no-type. */
static void invalid_file(const char *path, void *arg)
{
	struct got g;
	struct dm_error err;
	int rc = read_path(path, &g, &err);
	int *passed = arg;
	if (strstr(path, "feature/1d-point.json")) {
		CHECK_MSG(rc == 0, "%s: %s", path, err.message);
		(*passed)++;
	} else {
		CHECK_MSG(rc == DM_EINVAL, "%s: rc %d", path, rc);
		if (!is_collection_or_feature(path))
			CHECK_MSG(strstr(err.message, "expected a FeatureCollection or a Feature") != NULL,
				  "%s: %s", path, err.message);
	}
	if (getenv("VERBOSE"))
		fprintf(stderr, "invalid %s: %d %s\n", path, rc, err.message);
	got_release(&g);
	dm_error_release(&err);
}

static void hint_good(const char *path, void *arg)
{
	struct got g;
	struct dm_error err;
	int rc = read_path(path, &g, &err);
	const char *b = strrchr(path, '/') + 1;
	(void)arg;
	if (strstr(b, "feature") || strstr(b, "nullgeometry") || strstr(b, "nullproperties"))
		CHECK_MSG(rc == 0, "%s: %s", path, err.message);
	else
		CHECK_MSG(rc == DM_EINVAL && strstr(err.message, "found '"), "%s: %s", path, err.message);
	if (getenv("VERBOSE"))
		fprintf(stderr, "good %s: %d %zu %s\n", path, rc, g.n, err.message);
	got_release(&g);
	dm_error_release(&err);
}

struct hint_case {
	const char *file;
	const char *message; /* the first message we give */
};

/* geojsonhint/bad: the structural cases and what we say; the remaining files are about
 * geometry content (coordinates, rings, bbox, winding) and pass this reader when they are
 * Features or FeatureCollections, or are refused as bare geometries.
 * For problems of a feature we give the line where the feature starts, as geojsonhint does
 * (multiple_problems: lines 4, 27 and 38 in both).
 * bad-json: geojsonhint's parser says "Parse error on line 2"; we also stop on line 2, but
 * first because its "type" is a bare MultiPoint (seen before the missing comma). */
static const struct hint_case hint_cases[] = {
	{"bad-json.geojson", "line 2: "},
	{"bad-duplicate-properties.geojson", "line 3: duplicate member 'type'"},
	{"badfeature.geojson", "feature 1: expected a Feature object, found null (line 1)"},
	{"badfeatureid.geojson", "feature 1: 'id' must be a string or a number, found an object (line 4)"},
	{"bad-properties-as-array.geojson", "'properties' must be an object or null, found an array"},
	{"expected_object.geojson", "'properties' must be an object or null, found a number"},
	{"bad-object-type.geojson", "'type' must be a string, found an object"},
	{"featurecollection-obj.geojson", "'features' must be an array, found an object"},
	{"featurecollection-type-case.geojson", "found 'featurecollection'"},
	{"featurecollection.geojson", "a FeatureCollection needs a 'features' array"},
	{"nofeaturetype.geojson", "feature 1: 'type' is 'Featre', expected 'Feature' (line 4)"},
	{"notype.geojson", "missing member 'type'"},
	{"rootstring.geojson", "line 1: expected a FeatureCollection or a Feature, found null"},
	{"multiple_problems.geojson", "feature 1: 'id' must be a string or a number, found an object (line 4)"},
	{"feature_changed_semantics.geojson", ""},
	{"featurecollection_changed_semantics.geojson", ""},
	{NULL, NULL},
};

static void hint_bad(const char *path, void *arg)
{
	struct got g;
	struct dm_error err;
	const char *b = strrchr(path, '/') + 1;
	size_t i;
	int rc;
	(void)arg;
	if (!strstr(b, ".geojson"))
		return;
	rc = read_path(path, &g, &err);
	if (getenv("VERBOSE"))
		fprintf(stderr, "bad %s: %d %zu %s\n", b, rc, g.n, err.message);
	for (i = 0; hint_cases[i].file; i++)
		if (strcmp(hint_cases[i].file, b) == 0)
			break;
	if (hint_cases[i].file && hint_cases[i].message[0]) {
		CHECK_MSG(rc != 0, "%s accepted", b);
		CHECK_MSG(strstr(err.message, hint_cases[i].message) != NULL, "%s: \"%s\" lacks \"%s\"", b,
			  err.message, hint_cases[i].message);
	}
	if (strcmp(b, "multiple_problems.geojson") == 0) {
		CHECK_INT(err.ndetails, 3);
		if (err.ndetails == 3) {
			CHECK_STR(err.details[1].message, "feature 3: 'type' is 'Foo', expected 'Feature' (line 27)");
			CHECK_STR(err.details[2].message, "feature 4: 'type' is 'Foo', expected 'Feature' (line 38)");
		}
		CHECK_INT(g.n, 1); /* feature 2 is fine */
	}
	got_release(&g);
	dm_error_release(&err);
}

static void colombia_file(const char *path, void *arg)
{
	struct got g;
	struct dm_error err;
	size_t *total = arg;
	int rc = read_path(path, &g, &err);
	CHECK_MSG(rc == 0, "%s: %s", path, err.message);
	*total += g.n;
	got_release(&g);
	dm_error_release(&err);
}

static void test_fixtures(void)
{
	char dir[512];
	size_t total = 0;
	int passed = 0;
	snprintf(dir, sizeof(dir), "%s/geojson/valid", check_fixtures());
	walk(dir, valid_file, NULL);
	snprintf(dir, sizeof(dir), "%s/geojson/invalid", check_fixtures());
	walk(dir, invalid_file, &passed);
	CHECK_INT(passed, 1);
	snprintf(dir, sizeof(dir), "%s/geojson/geojsonhint/good", check_fixtures());
	walk(dir, hint_good, NULL);
	snprintf(dir, sizeof(dir), "%s/geojson/geojsonhint/bad", check_fixtures());
	walk(dir, hint_bad, NULL);
	snprintf(dir, sizeof(dir), "%s/colombia", check_fixtures());
	walk(dir, colombia_file, &total);
	CHECK_INT(total, 12171);
}

int main(void)
{
	test_basics();
	test_crs_names();
	test_refusals();
	test_numbers();
	test_limits();
	test_writer_and_stream();
	test_fixtures();
	return check_report("geojson");
}
