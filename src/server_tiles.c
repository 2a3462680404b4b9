/* server_tiles.c: vector tiles (GET /tiles/{layer}/{z}/{x}/{y}.mvt) and their TileJSON
 * (GET /tiles/{layer}.json). Tiles are rendered by the library on request with the caller's
 * read rights; the ETag comes from the layer's change counter in the database, so it holds across
 * several server processes, and names the caller's role and organisation, whose tiles differ. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "demine/auth.h"
#include "demine/tiles.h"
#include "server.h"

#define MVT_TYPE "application/vnd.mapbox-vector-tile"

/* A decimal integer in [0, max] that is the whole string (no sign, no spaces); -1 otherwise. */
static int tile_number(const char *s, size_t len, int max)
{
	long v = 0;
	size_t i;
	if (!len || len > 9)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? (int)v : -1;
}

/* The layer's ETag for this caller: change counter, role and a hash of the organisation. */
static int tile_etag(struct req *r, const char *layer, char *out, size_t n, struct dm_error *err)
{
	char base[64];
	unsigned char h[8];
	const char *org = r->who.org_id ? r->who.org_id : "";
	int rc = dm_tiles_etag(r->db, layer, base, sizeof(base), err);
	if (rc)
		return rc;
	crypto_generichash(h, sizeof(h), (const unsigned char *)org, strlen(org), NULL, 0);
	base[strlen(base) - 1] = 0; /* drop the closing quote */
	snprintf(out, n, "%s-%s-%02x%02x%02x%02x\"", base, r->who.role, h[0], h[1], h[2], h[3]);
	return 0;
}

/* 1 when If-None-Match names etag (or is "*"). */
static int not_modified(struct req *r, const char *etag)
{
	const char *inm = srv_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *p;
	size_t n = strlen(etag);
	if (!inm)
		return 0;
	if (!strcmp(inm, "*"))
		return 1;
	for (p = strstr(inm, etag); p; p = strstr(p + 1, etag))
		if ((p == inm || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') && (p[n] == 0 || p[n] == ',' || p[n] == ' '))
			return 1;
	return 0;
}

/* An empty-bodied 204 or 304, or the tile, with the caching headers every answer carries. */
static enum MHD_Result send_tile(struct req *r, unsigned status, unsigned char *mvt, size_t len, const char *etag)
{
	struct MHD_Response *resp = mvt ? MHD_create_response_from_buffer(len, mvt, MHD_RESPMEM_MUST_FREE)
					: MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(mvt);
		return MHD_NO;
	}
	if (mvt)
		MHD_add_response_header(resp, "Content-Type", MVT_TYPE);
	MHD_add_response_header(resp, "Cache-Control", "private, no-cache");
	MHD_add_response_header(resp, "Vary", "Cookie, Authorization");
	MHD_add_response_header(resp, "ETag", etag);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	return srv_send(r, status, resp);
}

static enum MHD_Result tile_error(struct req *r, struct dm_error *err)
{
	enum MHD_Result sent = srv_dm_error(r, err);
	dm_error_release(err);
	return sent;
}

enum MHD_Result srv_tile(struct req *r)
{
	const char *layer = r->param[0], *ylast = r->param[3];
	size_t ylen = strlen(ylast);
	int z, x, y, max;
	char etag[160];
	unsigned char *mvt = NULL;
	size_t len = 0;
	struct dm_error err;
	if (!dm_tiles_is_layer(layer))
		return srv_error(r, 404, "not_found", "layer", "no tile layer '%s' (layers: hazard, land_release, "
				 "eo_find, accident, eore_session, location)", layer);
	if (ylen < 5 || strcmp(ylast + ylen - 4, ".mvt"))
		return srv_error(r, 404, "not_found", NULL, "tiles are named {z}/{x}/{y}.mvt");
	z = tile_number(r->param[1], strlen(r->param[1]), DM_TILES_MAXZ_REQUEST);
	if (z < 0)
		return srv_error(r, 400, "bad_request", "z", "zoom '%s' is not a whole number from 0 to %d",
				 r->param[1], DM_TILES_MAXZ_REQUEST);
	max = (1 << z) - 1;
	x = tile_number(r->param[2], strlen(r->param[2]), max);
	y = tile_number(ylast, ylen - 4, max);
	if (x < 0 || y < 0)
		return srv_error(r, 400, "bad_request", x < 0 ? "x" : "y", "%s '%.*s' is not a whole number from 0 "
				 "to %d at zoom %d", x < 0 ? "x" : "y", x < 0 ? (int)strlen(r->param[2]) : (int)ylen - 4,
				 x < 0 ? r->param[2] : ylast, max, z);
	dm_error_init(&err);
	if (tile_etag(r, layer, etag, sizeof(etag), &err))
		return tile_error(r, &err);
	if (not_modified(r, etag))
		return send_tile(r, 304, NULL, 0, etag);
	if (dm_tiles_render(r->db, &r->who, layer, z, x, y, &mvt, &len, &err))
		return tile_error(r, &err);
	return send_tile(r, mvt ? 200 : 204, mvt, len, etag);
}

/* The URL this server is reached at, for the absolute tile URLs of TileJSON: the Host header
 * (and X-Forwarded-Proto behind a TLS proxy), when they hold only the characters a host may. */
static void base_url(struct req *r, char *out, size_t n)
{
	const char *host = srv_header(r, MHD_HTTP_HEADER_HOST);
	const char *proto = srv_header(r, "X-Forwarded-Proto");
	if (!host || !*host || strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
			       != strlen(host))
		host = "localhost";
	if (!proto || strcmp(proto, "https"))
		proto = "http";
	snprintf(out, n, "%s://%s", proto, host);
}

enum MHD_Result srv_tilejson(struct req *r)
{
	char layer[64], base[300];
	const char *name = r->param[0];
	size_t len = strlen(name);
	struct dm_error err;
	json_t *tj;
	if (len < 6 || len - 5 >= sizeof(layer) || strcmp(name + len - 5, ".json"))
		return srv_error(r, 404, "not_found", NULL, "TileJSON is at /tiles/{layer}.json");
	snprintf(layer, sizeof(layer), "%.*s", (int)(len - 5), name);
	if (!dm_tiles_is_layer(layer))
		return srv_error(r, 404, "not_found", "layer", "no tile layer '%s'", layer);
	dm_error_init(&err);
	if (dm_auth_check_read_type(&r->who, layer, &err))
		return tile_error(r, &err);
	base_url(r, base, sizeof(base));
	if (!(tj = dm_tiles_tilejson(layer, base)))
		return srv_error(r, 500, "internal", NULL, "could not build the TileJSON of '%s'", layer);
	return srv_json(r, 200, tj);
}
