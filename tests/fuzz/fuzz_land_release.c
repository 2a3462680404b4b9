/* fuzz_land_release.c: libFuzzer target for the land release overlay (geo_lr.c): a hazard and
 * up to eight releases, each read from WKT (repaired when invalid), overlaid and densified. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "demine/geo.h"

#define MAX_RELEASES 8

static struct dm_geo *geo;

/* Input: lines of WKT. The first line is the hazard; each later line starts with a method
 * digit (0 cancelled, 1 reduced, 2 cleared; other values test the refusal) then its WKT.
 * The first byte of the whole input chooses whether the remaining polygon is built. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dm_geom hazard = {0}, rel_geom[MAX_RELEASES] = {{0}};
	struct dm_lr_release rel[MAX_RELEASES];
	struct dm_lr_result res;
	struct dm_error err;
	size_t nrel = 0;
	if (!geo)
		geo = dm_geo_new();
	if (!size)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	unsigned flags = (data[0] & 1) ? DM_LR_REMAINING_GEOMETRY : 0;
	dm_error_init(&err);
	char *line = text + 1, *next;
	int have_hazard = 0;
	for (; line && nrel < MAX_RELEASES; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (!have_hazard) {
			if (dm_geo_from_wkt(geo, line, NULL, DM_GEO_REPAIR, &hazard, NULL, &err))
				goto out;
			have_hazard = 1;
			continue;
		}
		if (!*line)
			continue;
		int method = *line - '0';
		if (dm_geo_from_wkt(geo, line + 1, NULL, DM_GEO_REPAIR, &rel_geom[nrel], NULL, &err) == 0) {
			rel[nrel].geom = &rel_geom[nrel];
			rel[nrel].method = method;
			nrel++;
		}
	}
	if (have_hazard && dm_geo_land_release(geo, &hazard, rel, nrel, flags, &res, &err) == 0)
		dm_geom_release(&res.remaining);
out:
	for (size_t i = 0; i < nrel; i++)
		dm_geom_release(&rel_geom[i]);
	dm_geom_release(&hazard);
	dm_error_release(&err);
	free(text);
	return 0;
}
