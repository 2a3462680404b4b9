/* server_http.c: HTTP behaviour every answer shares, applied in one place (srv_send) whichever
 * handler made it: the HTTP Basic challenge on the GIS paths, and CORS for the partner web maps
 * (--cors-origin) on the tiles, the OGC API, the API documents and the API's GET routes. */
#include <stdio.h>
#include <string.h>
#include "server.h"

/* url starts with one of prefixes (the prefix whole, or followed by '/'). */
static int under(const char *url, const char *const *prefixes, size_t n)
{
	size_t i, len;
	for (i = 0; i < n; i++) {
		len = strlen(prefixes[i]);
		if (!strncmp(url, prefixes[i], len) && (url[len] == 0 || url[len] == '/'))
			return 1;
	}
	return 0;
}

/* /ogc, /tiles, /api/v1 and the API documents a GIS client reads beside them (/api,
 * /openapi.json). */
int srv_basic_token_path(const char *url)
{
	static const char *const prefixes[] = { "/ogc", "/tiles", "/api", "/openapi.json" };
	return under(url, prefixes, sizeof(prefixes) / sizeof(prefixes[0]));
}

/* The web app's own scripts (fetch from a page of this server: Sec-Fetch-Site same-origin, a
 * mode other than navigate) must not get the challenge, or the browser would put its password
 * dialog over the app's sign-in page when a session ends. GIS clients, a browser opening the
 * URL itself (navigate) and other sites' maps (browsers never prompt for those) get it. */
static int wants_challenge(struct req *r)
{
	const char *site = srv_header(r, "Sec-Fetch-Site"), *mode = srv_header(r, "Sec-Fetch-Mode");
	return !site || strcmp(site, "same-origin") || (mode && !strcmp(mode, "navigate"));
}

/* ---- CORS ---- */

int srv_cors_add(struct srv_opts *o, const char *origin, char *msg, size_t n)
{
	const char *host = !strncmp(origin, "https://", 8) ? origin + 8 : !strncmp(origin, "http://", 7) ? origin + 7 : NULL;
	if (o->ncors == SRV_MAX_CORS) {
		snprintf(msg, n, "at most %d --cors-origin values", SRV_MAX_CORS);
		return -1;
	}
	if (strcmp(origin, "*") && (!host || !*host || strpbrk(host, "/?#@ \t") || strlen(origin) >= SRV_ORIGIN_MAX)) {
		snprintf(msg, n, "--cors-origin '%.200s' is not an origin: give '*' or scheme://host[:port] (e.g."
			 " https://maps.example.org), without a path or a trailing '/'", origin);
		return -1;
	}
	snprintf(o->cors[o->ncors++], SRV_ORIGIN_MAX, "%s", origin);
	return 0;
}

/* The paths other origins may read: the tiles, the OGC API, the API documents and (for GET)
 * the API. Everything else (the web app, writes) stays same-origin. */
static int cors_path(const char *url)
{
	static const char *const prefixes[] = { "/tiles", "/ogc", "/openapi.json", "/api" };
	return under(url, prefixes, sizeof(prefixes) / sizeof(prefixes[0]));
}

/* The value of Access-Control-Allow-Origin for this request, or NULL: the request's Origin
 * when it is listed ("*" when any origin is). */
static const char *allowed_origin(struct req *r)
{
	const char *origin = srv_header(r, "Origin");
	unsigned i;
	if (!origin)
		return NULL;
	for (i = 0; i < r->srv->opts.ncors; i++) {
		if (!strcmp(r->srv->opts.cors[i], "*"))
			return "*";
		if (!strcmp(r->srv->opts.cors[i], origin))
			return origin;
	}
	return NULL;
}

static int is_get(const char *method)
{
	return !strcmp(method, "GET") || !strcmp(method, "HEAD");
}

/* Never Access-Control-Allow-Credentials: cookies never cross origins, tokens do. */
static void add_cors(struct req *r, struct MHD_Response *resp, int preflight)
{
	const char *allow = allowed_origin(r);
	MHD_add_response_header(resp, "Vary", "Origin");
	if (!allow)
		return;
	MHD_add_response_header(resp, "Access-Control-Allow-Origin", allow);
	if (preflight) {
		MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
		MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Authorization, If-Match, If-None-Match");
		MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
	} else {
		MHD_add_response_header(resp, "Access-Control-Expose-Headers",
					"ETag, Link, Content-Crs, Retry-After, WWW-Authenticate");
	}
}

int srv_http_options(struct req *r, enum MHD_Result *sent)
{
	struct MHD_Response *resp;
	const char *want = srv_header(r, "Access-Control-Request-Method");
	if (strcmp(r->method, "OPTIONS") || !r->srv->opts.ncors || !cors_path(r->url))
		return 0;
	resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		*sent = MHD_NO;
		return 1;
	}
	MHD_add_response_header(resp, "Allow", "GET, HEAD, OPTIONS");
	/* a preflight for a method other origins may not use gets no CORS headers: the browser
	 * refuses the request itself */
	r->status = 204;
	if (!want || is_get(want))
		add_cors(r, resp, want != NULL);
	else
		MHD_add_response_header(resp, "Vary", "Origin");
	*sent = MHD_queue_response(r->conn, 204, resp);
	MHD_destroy_response(resp);
	return 1;
}

void srv_http_decorate(struct req *r, unsigned status, struct MHD_Response *resp)
{
	if (status == 401 && srv_basic_token_path(r->url) && wants_challenge(r))
		MHD_add_response_header(resp, "WWW-Authenticate", "Basic realm=\"demine\"");
	if (r->srv->opts.ncors && cors_path(r->url) && is_get(r->method))
		add_cors(r, resp, 0);
}
