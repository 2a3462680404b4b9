/* render_map.h: the map of a report (lib/render_map.c). */
#ifndef DM_RENDER_MAP_H
#define DM_RENDER_MAP_H
#include <jansson.h>
#include "demine/db.h"
#include "demine/record.h"
#include "demine/stats.h"

#define DM_MAP_MAX_RELEASES 20000 /* the largest releases of the period are drawn, at most */

/* The period's releases over the district outlines as vector paths ready to draw:
 * {"width", "height", "layers": [{"key": "districts"|"cancelled"|"reduced"|"cleared",
 * "paths": [[[x, y, x, y, ...] ring, ...] polygon, ...]}], "releases": N, "left_out": N}, in
 * map units (y down), projected, clipped and simplified to the unit by the vector tiles'
 * geometry code (dm_geo_tile_geometry). *out is NULL when there is nothing to draw. Caller
 * frees *out with json_decref(). */
int dm_render_map(struct dm_db *db, const struct dm_actor *who, const struct dm_stats_filter *f, json_t **out,
		  struct dm_error *err);

#endif
