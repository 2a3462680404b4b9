/* fuzz_geo_wkt.c: libFuzzer target for the geometry readers (WKT from CSV cells, GeoJSON
 * geometries) and what is done with what they accept: validity, repair, area, output. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/geo.h"

static struct dm_geo *geo;

static void use(struct dm_geom *g)
{
	double area, x, y;
	struct dm_error err;
	json_t *j;
	char *wkt;
	dm_error_init(&err);
	dm_geo_area_m2(geo, g, &area, &err);
	dm_geo_representative_point(geo, g, &x, &y);
	j = dm_geo_to_geojson(geo, g, NULL);
	json_decref(j);
	wkt = dm_geo_to_wkt(geo, g, "EPSG:32638");
	free(wkt);
	dm_error_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dm_geom g = { 0 };
	struct dm_error err;
	json_t *report = json_array(), *doc;
	char *text;
	if (!geo)
		geo = dm_geo_new();
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	dm_error_init(&err);
	/* the first byte picks the reader and the flags, so both paths and repair get coverage */
	if (size && (data[0] & 1)) {
		doc = json_loadb((const char *)data + 1, size - 1, 0, NULL);
		if (doc && dm_geo_from_geojson(geo, doc, NULL, data[0] & 2 ? DM_GEO_REPAIR : 0, &g, report, &err) == 0)
			use(&g);
		json_decref(doc);
	} else if (dm_geo_from_wkt(geo, size ? text + 1 : text, NULL, size && (data[0] & 2) ? DM_GEO_REPAIR : 0, &g,
				   report, &err) == 0) {
		use(&g);
	}
	dm_geom_release(&g);
	dm_error_release(&err);
	json_decref(report);
	free(text);
	return 0;
}
