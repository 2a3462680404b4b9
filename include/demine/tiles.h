/* tiles.h: Mapbox vector tiles of the record layers, generated from the store on request,
 * with the role rules of the library's read path. */
#ifndef DEMINE_TILES_H
#define DEMINE_TILES_H
#include <stddef.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/record.h"

#define DM_TILES_EXTENT 4096
#define DM_TILES_BUFFER 64
#define DM_TILES_MAXZOOM 14   /* computed exactly up to here; above it tiles are overzoomed */
#define DM_TILES_MAXZ_REQUEST 24 /* larger z are refused */

/* The layers served, named as their record types: hazard, land_release, eo_find, accident,
 * eore_session, location. Returns NULL-terminated names. */
const char *const *dm_tiles_layers(void);
/* 1 when name is a tile layer. */
int dm_tiles_is_layer(const char *name);

/* Renders tile z/x/y (XYZ, Web Mercator) of layer as MVT 2.1 (one layer named as the record
 * type, extent 4096, buffer 64) for who: only the versions who may see (approved ones for
 * roles without DM_P_READ_UNAPPROVED, an operator's own organisation's newest ones), deleted
 * records left out, no personal fields, no organisation for the public role. Candidates come
 * from the bounding-box index (SQLite R*Tree, PostgreSQL bbox columns). Each feature has an
 * integer id (the first 52 bits of its UUID, exact in JavaScript) and the attributes id, code,
 * status, the layer's type fields, organisation, adm2 (pcode of its location), date_of_information.
 * An empty tile gives *out NULL, *len 0 and returns 0 (HTTP 204). Errors: DM_EINVAL (unknown
 * layer, tile out of range), DM_EPERM (who may not read the layer). Caller frees *out with free(). */
int dm_tiles_render(struct dm_db *db, const struct dm_actor *who, const char *layer, int z, int x, int y,
		    unsigned char **out, size_t *len, struct dm_error *err);

/* The layer's ETag from its change counter (valid across server processes), quoted:
 * "\"hazard-42\"". buf of at least 64 bytes. */
int dm_tiles_etag(struct dm_db *db, const char *layer, char *buf, size_t n, struct dm_error *err);

/* TileJSON 3.0.0 of layer: tiles "<base_url>/tiles/<layer>/{z}/{x}/{y}.mvt", minzoom 0,
 * maxzoom 14, bounds of Azerbaijan, vector_layers with the attribute types.
 * NULL for an unknown layer. Caller frees with json_decref(). */
json_t *dm_tiles_tilejson(const char *layer, const char *base_url);

#endif
