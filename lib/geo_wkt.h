/* geo_wkt.h: WKT to a GeoJSON-shaped geometry object (private to the geo module). */
#ifndef DM_GEO_WKT_H
#define DM_GEO_WKT_H
#include <jansson.h>
#include "demine/error.h"

/* Returns {"type": ..., "coordinates": ...} (type "LinearRing" for LINEARRING, which only
 * WKT has; EMPTY as an empty array), or NULL with err set. Caller frees with json_decref(). */
json_t *geo_wkt_parse(const char *wkt, struct dm_error *err);

#endif
