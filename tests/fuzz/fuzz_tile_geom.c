/* fuzz_tile_geom.c: libFuzzer target for the tile geometry (geo_tile.c): a WKT geometry
 * projected, clipped, simplified and snapped into a tile near it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "demine/geo.h"

static struct dm_geo *geo;

/* Input: four header bytes then WKT. Byte 0: zoom (0..22); byte 1: the tile's offset from the
 * one holding the geometry's representative point (-1..1 in x and y); byte 2: simplification
 * in eighths of a pixel; byte 3: extent (256 << (b & 3)) and buffer ((b >> 2) * 4 units). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dm_geom g = {0};
	struct dm_tile_geom t = {0};
	struct dm_error err;
	if (!geo)
		geo = dm_geo_new();
	if (size < 4)
		return 0;
	char *wkt = malloc(size - 4 + 1);
	if (!wkt)
		return 0;
	memcpy(wkt, data + 4, size - 4);
	wkt[size - 4] = 0;
	dm_error_init(&err);
	if (dm_geo_from_wkt(geo, wkt, NULL, (data[3] & 0x80) ? DM_GEO_REPAIR : 0, &g, NULL, &err) == 0) {
		int z = data[0] % 23, x, y;
		double px, py;
		if (dm_geo_representative_point(geo, &g, &px, &py) != 0) {
			px = g.minx;
			py = g.miny;
		}
		dm_geo_tile_of(px, py, z, &x, &y);
		x += (int)(data[1] % 3) - 1;
		y += (int)((data[1] / 3) % 3) - 1;
		int n = 1 << z;
		if (x >= 0 && y >= 0 && x < n && y < n) {
			int extent = 256 << (data[3] & 3), buffer = ((data[3] >> 2) & 0x1f) * 4;
			if (dm_geo_tile_geometry(geo, &g, z, x, y, extent, buffer, data[2] / 8.0, &t, &err) == 0)
				dm_tile_geom_release(&t);
		}
	}
	dm_geom_release(&g);
	dm_error_release(&err);
	free(wkt);
	return 0;
}
