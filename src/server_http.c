/* server_http.c: HTTP behaviour every answer shares, applied in one place (srv_send) whichever
 * handler made it: the HTTP Basic challenge on the GIS paths. */
#include <string.h>
#include "server.h"

/* /ogc, /tiles, /api/v1 and the API documents a GIS client reads beside them (/api,
 * /openapi.json): the prefix whole, or followed by '/'. */
int srv_basic_token_path(const char *url)
{
	static const char *const prefixes[] = { "/ogc", "/tiles", "/api", "/openapi.json" };
	size_t i, n;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		n = strlen(prefixes[i]);
		if (!strncmp(url, prefixes[i], n) && (url[n] == 0 || url[n] == '/'))
			return 1;
	}
	return 0;
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

void srv_http_decorate(struct req *r, unsigned status, struct MHD_Response *resp)
{
	if (status == 401 && srv_basic_token_path(r->url) && wants_challenge(r))
		MHD_add_response_header(resp, "WWW-Authenticate", "Basic realm=\"demine\"");
}
