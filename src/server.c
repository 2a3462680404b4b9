/* server.c: the HTTP server core: daemon lifecycle, the route table, request bodies, per-worker
 * database connections, JSON responses and errors, static files, the access log. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "demine/json_out.h"
#include "server.h"

#define BODY_DISCARD_MAX ((size_t)64 << 20) /* above this, 413 at once instead of reading on */

static enum MHD_Result healthz(struct req *r)
{
	return srv_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

const struct srv_route srv_routes[] = {
	{ "GET", "/healthz", healthz, ROUTE_OPEN, "healthz", "Liveness check" },
	{ "POST", "/api/v1/login", srv_login, ROUTE_OPEN, "login", "Log in with a password; sets the session cookie" },
	{ "POST", "/api/v1/logout", srv_logout, 0, "logout", "End the session" },
	{ "GET", "/api/v1/me", srv_me, 0, "getMe", "The calling user" },
	{ "POST", "/api/v1/tokens", srv_token_create, ROUTE_OPEN, "createToken", "Create a bearer token" },
	{ "DELETE", "/api/v1/tokens/current", srv_token_revoke, 0, "revokeToken", "Revoke the bearer token of the request" },
	{ "GET", "/api/v1/users", srv_users_list, 0, "listUsers", "List users" },
	{ "POST", "/api/v1/users", srv_users_add, 0, "createUser", "Add a user" },
	{ "POST", "/api/v1/users/{login}/disable", srv_user_disable, 0, "disableUser", "Disable a user" },
	{ "POST", "/api/v1/users/{login}/password", srv_user_password, 0, "setUserPassword", "Set a user's password" },
	{ "GET", "/openapi.json", srv_openapi, ROUTE_OPEN, "getOpenApi", "This OpenAPI document" },
	{ "GET", "/api/v1/schema", srv_schema, ROUTE_PUBLIC, "getSchema", "The data model: record types and their fields" },
	{ "GET", "/api/v1/audit", srv_audit, 0, "listAudit", "The audit log, newest first" },
	{ "GET", "/tiles/{layer}/{z}/{x}/{y}.mvt", srv_tile, ROUTE_PUBLIC, "getTile", "A vector tile (MVT 2.1) of a layer; 204 when empty" },
	{ "GET", "/tiles/{layer}.json", srv_tilejson, ROUTE_PUBLIC, "getTileJson", "The TileJSON 3.0 of a layer" },
	{ "GET", "/api/v1/stats/released", srv_stats, ROUTE_PUBLIC, "getStatsReleased", "Area released per month by method and result" },
	{ "GET", "/api/v1/stats/remaining", srv_stats, ROUTE_PUBLIC, "getStatsRemaining", "Remaining contaminated area by district" },
	{ "GET", "/api/v1/stats/items", srv_stats, ROUTE_PUBLIC, "getStatsItems", "Explosive ordnance destroyed by category" },
	{ "GET", "/api/v1/stats/casualties", srv_stats, ROUTE_PUBLIC, "getStatsCasualties", "Casualties by year, sex and age group" },
	{ "GET", "/api/v1/stats/eore", srv_stats, ROUTE_PUBLIC, "getStatsEore", "Risk education beneficiaries per month" },
	{ "GET", "/api/v1/stats/funding", srv_stats, ROUTE_PUBLIC, "getStatsFunding", "Funding by donor in one currency" },
	{ "GET", "/api/v1/search", srv_search, ROUTE_PUBLIC, "search", "Search record codes and place names" },
	{ "GET", "/api/v1/*", srv_rec_list, ROUTE_PUBLIC, "list", "List records" },
	{ "POST", "/api/v1/*", srv_rec_create, 0, "create", "Create a record (a draft)" },
	{ "GET", "/api/v1/*/*", srv_rec_get, ROUTE_PUBLIC, "get", "Get a record by id or code" },
	{ "PUT", "/api/v1/*/*", srv_rec_update, 0, "update", "Update a record (If-Match: its version)" },
	{ "DELETE", "/api/v1/*/*", srv_rec_delete, 0, "delete", "Delete a record (a deletion version with a reason)" },
	{ "GET", "/api/v1/*/*/history", srv_rec_history, ROUTE_PUBLIC, "getHistory", "Every version of a record" },
	{ "POST", "/api/v1/*/*/submit", srv_rec_submit, 0, "submit", "Submit a draft for approval" },
	{ "POST", "/api/v1/*/*/approve", srv_rec_approve, 0, "approve", "Approve a submitted record" },
	{ "POST", "/api/v1/*/*/reject", srv_rec_reject, 0, "reject", "Reject a submitted record with a reason" },
	/* OGC API - Features (server_ogc.c) */
	{ "GET", "/ogc", srv_ogc_landing, ROUTE_OPEN, "getOgcLandingPage", "OGC API - Features: the landing page" },
	{ "GET", "/ogc/conformance", srv_ogc_conformance, ROUTE_OPEN, "getOgcConformance", "OGC API - Features: conformance classes" },
	{ "GET", "/ogc/collections", srv_ogc_collections, ROUTE_PUBLIC, "getOgcCollections", "OGC API - Features: the record types with geometry" },
	{ "GET", "/ogc/collections/{collectionId}", srv_ogc_collection, ROUTE_PUBLIC, "getOgcCollection", "OGC API - Features: one collection" },
	{ "GET", "/ogc/collections/{collectionId}/items", srv_ogc_items, ROUTE_PUBLIC, "getOgcFeatures", "OGC API - Features: the features of a collection (GeoJSON)" },
	{ "GET", "/ogc/collections/{collectionId}/items/{featureId}", srv_ogc_item, ROUTE_PUBLIC, "getOgcFeature", "OGC API - Features: one feature by its UUID" },
};
const size_t srv_nroutes = sizeof(srv_routes) / sizeof(srv_routes[0]);

/* ---- responses ---- */

enum MHD_Result srv_send(struct req *r, unsigned status, struct MHD_Response *resp)
{
	enum MHD_Result ret;
	if (!resp)
		return MHD_NO;
	r->status = status;
	ret = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result srv_json_h(struct req *r, unsigned status, json_t *body, const char *ctype,
			   const struct srv_hdr *hdr)
{
	char *s = body ? dm_json_dumps(body) : NULL;
	struct MHD_Response *resp;
	json_decref(body);
	if (!s)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(s);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", ctype ? ctype : "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	for (; hdr && hdr->name; hdr++)
		if (hdr->value)
			MHD_add_response_header(resp, hdr->name, hdr->value);
	return srv_send(r, status, resp);
}

enum MHD_Result srv_json(struct req *r, unsigned status, json_t *body)
{
	return srv_json_h(r, status, body, NULL, NULL);
}

static json_t *error_body(const char *code, const char *message, const char *field, json_t *details)
{
	return json_pack("{s:{s:s, s:s, s:s?, s:o}}", "error", "code", code, "message", message,
			 "field", field && *field ? field : NULL, "details", details ? details : json_array());
}

enum MHD_Result srv_error(struct req *r, unsigned status, const char *code, const char *field,
			  const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return srv_json(r, status, error_body(code, msg, field, NULL));
}

static const struct err_map {
	int code;
	unsigned status;
	const char *name;
} err_map[] = {
	{ DM_EINVAL, 422, "invalid" },          { DM_ENOTFOUND, 404, "not_found" },
	{ DM_ECONFLICT, 412, "stale_version" }, { DM_ESTATE, 409, "illegal_transition" },
	{ DM_EPERM, 403, "forbidden" },         { DM_ELIMIT, 413, "too_large" },
	{ DM_EUSAGE, 400, "bad_request" },      { DM_EEXIST, 409, "exists" },
	{ DM_EIO, 500, "internal" },            { DM_ENOMEM, 500, "internal" },
};

enum MHD_Result srv_dm_error(struct req *r, const struct dm_error *err)
{
	json_t *details = json_array();
	size_t i;
	unsigned status = 500;
	const char *name = "internal";
	for (i = 0; i < sizeof(err_map) / sizeof(err_map[0]); i++)
		if (err_map[i].code == err->code) {
			status = err_map[i].status;
			name = err_map[i].name;
		}
	for (i = 0; i < err->ndetails; i++)
		json_array_append_new(details, json_pack("{s:s?, s:s}", "field",
					err->details[i].field[0] ? err->details[i].field : NULL,
					"message", err->details[i].message));
	if (status == 500)
		fprintf(stderr, "demine serve: %s %s: %s\n", r->method, r->url, err->message);
	return srv_json(r, status, error_body(name, err->message[0] ? err->message : dm_err_name(err->code),
					      err->field, details));
}

/* ---- request helpers ---- */

const char *srv_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *srv_arg(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int srv_body_object(struct req *r, json_t **out, enum MHD_Result *sent)
{
	const char *ct = srv_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	json_error_t jerr;
	json_t *v;
	*out = NULL;
	if (r->body_nul) {
		*sent = srv_error(r, 400, "malformed_json", NULL, "malformed JSON body: it holds a NUL byte");
		return -1;
	}
	if (!ct || strncasecmp(ct, "application/json", 16) || (ct[16] && ct[16] != ';' && ct[16] != ' ')) {
		*sent = srv_error(r, 415, "unsupported_media_type", NULL,
				  "the body must be application/json, not '%s'", ct ? ct : "");
		return -1;
	}
	v = json_loadb(r->body.s ? r->body.s : "", r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v) {
		*sent = srv_error(r, 400, "malformed_json", NULL, "malformed JSON body: %s (line %d, column %d)",
				  jerr.text, jerr.line, jerr.column);
		return -1;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		*sent = srv_error(r, 400, "malformed_json", NULL, "the body must be a JSON object");
		return -1;
	}
	*out = v;
	return 0;
}

int srv_if_match(struct req *r, int64_t *v, enum MHD_Result *sent)
{
	const char *h = srv_header(r, MHD_HTTP_HEADER_IF_MATCH);
	char *end;
	if (!h) {
		*sent = srv_error(r, 428, "precondition_required", NULL,
				  "this write needs If-Match: \"VERSION\" (the ETag of a GET)");
		return -1;
	}
	if (!strncmp(h, "W/", 2))
		h += 2;
	if (*h == '"')
		h++;
	errno = 0;
	*v = strtoll(h, &end, 10);
	if (errno || end == h || *v <= 0 || (*end && strcmp(end, "\""))) {
		*sent = srv_error(r, 400, "bad_request", NULL, "If-Match must be a version in quotes, e.g. \"3\"");
		return -1;
	}
	return 0;
}

/* ---- per-worker database ---- */

static void close_db(void *p)
{
	dm_db_close(p);
}

static int worker_db(struct req *r, struct dm_error *err)
{
	struct dm_db *db = pthread_getspecific(r->srv->db_key);
	int rc;
	if (!db) {
		if ((rc = dm_db_open(r->srv->opts.db, 0, &db, err)))
			return rc;
		pthread_setspecific(r->srv->db_key, db);
	}
	r->db = db;
	return 0;
}

/* ---- static files ---- */

static const struct mime {
	const char *ext, *type;
} mimes[] = {
	{ ".html", "text/html; charset=utf-8" },  { ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },          { ".svg", "image/svg+xml" },
	{ ".png", "image/png" },                  { ".jpg", "image/jpeg" },
	{ ".ico", "image/x-icon" },               { ".woff2", "font/woff2" },
	{ ".map", "application/json" },           { ".pbf", "application/x-protobuf" },
	{ ".txt", "text/plain; charset=utf-8" },  { ".webmanifest", "application/manifest+json" },
};

static const char *mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;
	for (i = 0; dot && i < sizeof(mimes) / sizeof(mimes[0]); i++)
		if (!strcasecmp(dot, mimes[i].ext))
			return mimes[i].type;
	return "application/octet-stream";
}

/* 1 if the URL path could name something outside the web folder. */
static int suspicious_path(const char *url)
{
	const char *p;
	if (url[0] != '/' || strchr(url, '\\') || strstr(url, "//"))
		return 1;
	for (p = url; (p = strstr(p, "/.")); p++)
		if (p[2] == '.' || p[2] == '/' || p[2] == 0)
			return 1;
	for (p = url; *p; p++)
		if ((unsigned char)*p < 0x20)
			return 1;
	return 0;
}

static enum MHD_Result serve_static(struct req *r)
{
	char want[PATH_MAX * 2], real[PATH_MAX];
	size_t n = strlen(r->srv->web_real);
	struct stat sb;
	struct MHD_Response *resp;
	const char *type;
	int fd;
	if (suspicious_path(r->url))
		return srv_error(r, 400, "bad_path", NULL, "the path must not contain '..', '.', '//' or '\\'");
	if (!r->srv->web_real[0])
		return srv_error(r, 404, "not_found", NULL, "no such file");
	snprintf(want, sizeof(want), "%s%s%s", r->srv->web_real, r->url,
		 r->url[strlen(r->url) - 1] == '/' ? "index.html" : "");
	if (!realpath(want, real) || strncmp(real, r->srv->web_real, n) || real[n] != '/')
		return srv_error(r, 404, "not_found", NULL, "no such file");
	if (stat(real, &sb) || !S_ISREG(sb.st_mode))
		return srv_error(r, 404, "not_found", NULL, "no such file");
	if ((fd = open(real, O_RDONLY | O_CLOEXEC)) < 0)
		return srv_error(r, 404, "not_found", NULL, "no such file");
	resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	if (!resp) {
		close(fd);
		return MHD_NO;
	}
	type = mime_of(real);
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control",
				!strncmp(type, "text/html", 9) ? "no-cache" : "public, max-age=3600");
	return srv_send(r, 200, resp);
}

/* ---- routing ---- */

static void split_path(struct req *r)
{
	char *p, *save = NULL;
	r->path = strdup(r->url);
	r->nseg = 0;
	for (p = r->path ? strtok_r(r->path, "/", &save) : NULL; p && r->nseg < 8; p = strtok_r(NULL, "/", &save))
		r->seg[r->nseg++] = p;
	if (p)
		r->nseg = 9; /* too deep for any route */
}

/* 1 when segment seg fits the pattern segment pat: equal text, '*', or "{name}" with an optional
 * literal suffix ("{y}.mvt" needs a non-empty part before ".mvt"). */
static int segment_fits(const char *pat, const char *seg, int *is_param)
{
	const char *close;
	size_t sl, tl;
	*is_param = 0;
	if (!strcmp(pat, "*"))
		return *is_param = 1;
	if (pat[0] != '{' || !(close = strchr(pat, '}')))
		return !strcmp(pat, seg);
	*is_param = 1;
	sl = strlen(seg);
	tl = strlen(close + 1);
	return sl > tl && !strcmp(seg + sl - tl, close + 1);
}

/* 1 if pattern matches the request's segments; fills r->param[] (suffixes included). */
static int match(struct req *r, const char *pattern)
{
	char buf[128], *p, *save = NULL;
	int i = 0, np = 0, is_param;
	snprintf(buf, sizeof(buf), "%s", pattern);
	for (p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save), i++) {
		if (i >= r->nseg || !segment_fits(p, r->seg[i], &is_param))
			return 0;
		if (is_param && np < 4)
			r->param[np++] = r->seg[i];
	}
	return i == r->nseg;
}

static int is_read(const char *method)
{
	return !strcmp(method, "GET") || !strcmp(method, "HEAD");
}

int srv_check_csrf(struct req *r, enum MHD_Result *sent)
{
	const char *h = srv_header(r, "X-CSRF-Token");
	if (!r->authed || !r->via_cookie)
		return 0;
	if (!h || strlen(h) != 64 || sodium_memcmp(h, r->csrf, 64)) {
		*sent = srv_error(r, 403, "csrf", NULL, "a write with a session cookie needs the X-CSRF-Token header from login");
		return -1;
	}
	return 0;
}

/* Credentials, the public fallback and CSRF (open routes check it themselves when they act on
 * the session); returns -1 after answering. */
static int gate(struct req *r, const struct srv_route *rt, enum MHD_Result *sent)
{
	if (srv_authenticate(r, sent))
		return -1;
	if (!r->authed && (rt->flags & ROUTE_PUBLIC) && r->srv->opts.public_read) {
		r->who.user = "anonymous";
		r->who.role = "public";
		r->who.org_id = NULL;
		return 0;
	}
	if (!r->authed && !(rt->flags & ROUTE_OPEN)) {
		*sent = srv_error(r, 401, "unauthorized", NULL, "log in or send Authorization: Bearer TOKEN");
		return -1;
	}
	if (!(rt->flags & ROUTE_OPEN) && !is_read(r->method))
		return srv_check_csrf(r, sent);
	return 0;
}

static enum MHD_Result dispatch(struct req *r)
{
	const struct srv_route *rt = NULL;
	struct dm_error err;
	enum MHD_Result sent = MHD_NO;
	int path_known = 0, rc;
	size_t i;
	const char *m = strcmp(r->method, "HEAD") ? r->method : "GET";
	split_path(r);
	for (i = 0; i < srv_nroutes; i++) {
		if (!match(r, srv_routes[i].pattern))
			continue;
		path_known = 1;
		if (!strcmp(srv_routes[i].method, m)) {
			rt = &srv_routes[i];
			break;
		}
	}
	if (!rt && path_known)
		return srv_error(r, 405, "method_not_allowed", NULL, "%s is not allowed on %s", r->method, r->url);
	if (!rt && (!strncmp(r->url, "/api/", 5) || !strcmp(r->url, "/api") || !strncmp(r->url, "/ogc/", 5)))
		return srv_error(r, 404, "not_found", NULL, "no such API endpoint: %s", r->url);
	if (!rt)
		return is_read(r->method) ? serve_static(r)
					  : srv_error(r, 405, "method_not_allowed", NULL, "only GET is allowed here");
	if (r->body_too_big)
		return srv_error(r, 413, "too_large", NULL, "the request body is larger than %zu bytes", SRV_BODY_MAX);
	if (rt->fn != healthz) {
		dm_error_init(&err);
		rc = worker_db(r, &err);
		if (rc) {
			sent = srv_dm_error(r, &err);
			dm_error_release(&err);
			return sent;
		}
		if (gate(r, rt, &sent))
			return sent;
	}
	return rt->fn(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct req *r = *con_cls;
	const union MHD_ConnectionInfo *ci;
	const char *cl;
	if (!r) {
		if (!(r = calloc(1, sizeof(*r))))
			return MHD_NO;
		r->srv = cls;
		r->conn = conn;
		r->url = url;
		r->method = method;
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		dm_buf_init(&r->body, SRV_BODY_MAX);
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, r->addr, sizeof(r->addr));
		else
			snprintf(r->addr, sizeof(r->addr), "-");
		*con_cls = r;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > BODY_DISCARD_MAX)
			return srv_error(r, 413, "too_large", NULL, "the request body is larger than %zu bytes", SRV_BODY_MAX);
		return MHD_YES;
	}
	if (*upload_size) {
		if (memchr(upload, 0, *upload_size))
			r->body_nul = 1; /* JSON never holds a raw NUL; refused as malformed */
		else if (!r->body_too_big && r->body.len + *upload_size <= SRV_BODY_MAX)
			dm_buf_addf(&r->body, "%.*s", (int)*upload_size, upload);
		else
			r->body_too_big = 1;
		if (r->body.overflow)
			r->body_too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->status)
		return MHD_YES; /* already answered (413 on the first call) */
	return dispatch(r);
}

/* The path for the log: control characters (a decoded %0a) cannot forge log lines. */
static void printable(const char *in, char *out, size_t n)
{
	size_t i;
	for (i = 0; in[i] && i + 1 < n; i++)
		out[i] = (unsigned char)in[i] < 0x20 || in[i] == 0x7f ? '?' : in[i];
	out[i] = 0;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;
	struct timespec t1;
	char url[512];
	if (!r)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printable(r->url, url, sizeof(url));
	fprintf(stderr, "%s %s %s %u %.1fms %s%s\n", r->addr, r->method, url, r->status,
		(t1.tv_sec - r->t0.tv_sec) * 1e3 + (t1.tv_nsec - r->t0.tv_nsec) / 1e6,
		r->authed ? r->user.login : "-", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	dm_buf_release(&r->body);
	free(r->path);
	free(r);
	*con_cls = NULL;
}

/* ---- lifecycle ---- */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decoding of paths and arguments, except that %00 becomes 0x01 instead of ending the
 * string early: "/%00/etc" must be refused, not read as "/". */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *w = s;
	const char *p = s;
	while (*p) {
		if (p[0] == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			int v = hexval(p[1]) * 16 + hexval(p[2]);
			*w++ = (char)(v ? v : 1);
			p += 3;
		} else {
			*w++ = *p++;
		}
	}
	*w = 0;
	return (size_t)(w - s);
}

static struct MHD_Daemon *start(struct srv *s, struct sockaddr_in *sa)
{
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL,
				on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)sa,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)s->opts.threads,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
				MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
}

/* After quiescing, lets requests in flight finish (at most a few seconds). */
static void drain(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *di;
	int i;
	for (i = 0; i < 50; i++) {
		di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!di || di->num_connections == 0)
			return;
		usleep(100 * 1000);
	}
}

int srv_run(const struct srv_opts *o)
{
	struct srv s;
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *di;
	sigset_t set;
	MHD_socket lsock;
	int sig = 0;
	memset(&s, 0, sizeof(s));
	s.opts = *o;
	if (!o->web || !realpath(o->web, s.web_real))
		s.web_real[0] = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "demine serve: '%s' is not an IPv4 address\n", o->addr);
		return 2;
	}
	/* seed jansson's hash and initialise libsodium before any worker thread exists */
	json_object_seed(0);
	if (sodium_init() < 0 || pthread_key_create(&s.db_key, close_db))
		return 1;
	/* The workers inherit this mask; only sigwait below sees the stop signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!(d = start(&s, &sa))) {
		fprintf(stderr, "demine serve: cannot listen on %s:%u: %s\n", o->addr, o->port, strerror(errno));
		pthread_key_delete(s.db_key);
		return 1;
	}
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("listening on http://%s:%u\n", o->addr, di ? (unsigned)di->port : o->port);
	fflush(stdout);
	sigwait(&set, &sig);
	fprintf(stderr, "demine serve: stopping (signal %d)\n", sig);
	/* no new connections; the old listening socket is ours to close once the daemon is down */
	lsock = MHD_quiesce_daemon(d);
	drain(d);
	MHD_stop_daemon(d);
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	pthread_key_delete(s.db_key);
	return 0;
}
