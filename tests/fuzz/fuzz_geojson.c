/* fuzz_geojson.c: libFuzzer target for the streaming GeoJSON reader (and the writer on what it reads). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "demine/geojson.h"

struct sink {
	FILE *out;
	struct dm_geojson_writer w;
	size_t n;
};

static int on_feature(void *arg, size_t index, size_t line, json_t *f)
{
	struct sink *s = arg;
	struct dm_error err;
	char *text = json_dumps(f, JSON_COMPACT); /* touches every value */
	free(text);
	dm_error_init(&err);
	if (s->out)
		dm_geojson_writer_feature(&s->w, f, &err);
	dm_error_release(&err);
	s->n++;
	return 0;
}

static int on_crs(void *arg, const char *crs)
{
	(void)arg;
	return crs[0] ? 0 : 1;
}

static int on_member(void *arg, const char *name, json_t *v)
{
	(void)arg;
	return name && v ? 0 : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink s = {0};
	struct dm_geojson_handler h = {&s, on_feature, on_crs, on_member};
	struct dm_error err;
	char *buf = NULL;
	size_t len = 0;
	dm_error_init(&err);
	s.out = open_memstream(&buf, &len);
	if (s.out)
		dm_geojson_writer_begin(&s.w, s.out, NULL, &err);
	dm_geojson_parse_string((const char *)data, size, &h, &err);
	if (s.out) {
		dm_geojson_writer_end(&s.w, &err);
		fclose(s.out);
	}
	/* what the writer wrote must read back with as many features */
	if (buf && s.n) {
		struct sink again = {0};
		struct dm_geojson_handler h2 = {&again, on_feature, NULL, NULL};
		struct dm_error err2;
		dm_error_init(&err2);
		if (dm_geojson_parse_string(buf, len, &h2, &err2) != 0 || again.n != s.n)
			abort();
		dm_error_release(&err2);
	}
	free(buf);
	dm_error_release(&err);
	return 0;
}
