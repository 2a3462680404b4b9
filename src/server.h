/* server.h: the HTTP server core shared by its handler files: options, the request context,
 * the route table's handler type, JSON responses and errors. */
#ifndef DM_SERVER_H
#define DM_SERVER_H
#include <limits.h>
#include <pthread.h>
#include <time.h>
#include <microhttpd.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/record.h"
#include "demine/users.h"
#include "demine/util.h"

#define SRV_BODY_MAX ((size_t)16 << 20)     /* request bodies above this get 413 */
#define SRV_SESSION_TTL (12 * 3600)          /* cookie sessions */
#define SRV_TOKEN_TTL (30 * 24 * 3600)       /* bearer tokens */
#define SRV_LOGIN_WINDOW 900                 /* failed logins are counted over 15 minutes */
#define SRV_LOGIN_MAX 5                      /* ... and this many block further attempts */

#define SRV_MAX_PROXIES 8
#define SRV_MAX_CORS 16
#define SRV_ORIGIN_MAX 256

#define SRV_MAX_CONNS 4096
#define SRV_MAX_PER_IP 256 /* the default of --max-per-ip, without --trusted-proxy */

struct srv_opts {
	const char *db;
	char addr[64];
	unsigned port;
	const char *web;
	int public_read;  /* --public: anonymous GETs act with role "public" */
	unsigned threads;
	/* Connection limits (slow and idle clients, docs/api.md): at most max_conns at once (0: the
	 * default, SRV_MAX_CONNS, lowered to what the open-file limit allows) and max_per_ip from one
	 * address (0: no limit per address). */
	unsigned max_conns, max_per_ip;
	int quiet;        /* no access log (programs that run the server themselves) */
	/* --trusted-proxy: peers whose X-Forwarded-For and X-Forwarded-Proto are believed */
	char proxies[SRV_MAX_PROXIES][64];
	unsigned nproxies;
	/* --cors-origin: origins whose scripts may read the tiles, OGC API and GET API ("*": any,
	 * only with --public) */
	char cors[SRV_MAX_CORS][SRV_ORIGIN_MAX];
	unsigned ncors;
};

/* Shared by every worker, read-only once the daemon runs. */
struct srv {
	struct srv_opts opts;
	char web_real[PATH_MAX]; /* realpath of the web folder, "" when it does not exist */
	pthread_key_t db_key;    /* each worker thread's own database connection */
	unsigned char digest_random[32]; /* HTTP Digest nonces (OpenRosa) */
};

/* One request: everything a handler needs; freed when the request completes. */
struct req {
	const struct srv *srv;
	struct MHD_Connection *conn;
	const char *method, *url;
	struct dm_buf body;
	int body_too_big, body_nul;
	int binary_body;         /* multipart/form-data: kept byte for byte (OpenRosa submissions) */
	struct dm_db *db;
	struct dm_user user;
	int authed, via_cookie;
	int read_only;           /* the token's scope is "read": GET and HEAD only */
	char csrf[65];
	char token[65];          /* the credential this request came with */
	struct dm_actor who;
	char *path;              /* copy of url, cut into seg[] */
	const char *seg[8];
	int nseg;
	const char *param[4];    /* the '*' parts of the matched route */
	unsigned status;
	struct timespec t0;
	char addr[64];           /* the client: the peer, or what a trusted proxy forwarded */
	int https;               /* a trusted proxy says the client spoke HTTPS */
	int via_key;             /* OpenRosa: the device key came in the path (/key/TOKEN/...) */
};

/* A handler answers the request (through srv_json/srv_error...) and returns their result. */
typedef enum MHD_Result (*srv_handler)(struct req *r);

#define ROUTE_OPEN 1       /* no credentials needed (login, tokens with a password, healthz) */
#define ROUTE_PUBLIC 2     /* with --public, anonymous GETs act with role "public" */
#define ROUTE_OPENROSA 8   /* an OpenRosa path: Digest, Basic, Bearer or a device key in the path;
			      * never the session cookie (a form post from another site cannot act) */
#define ROUTE_RECORD_WRITE 4 /* writes the record of the path (or a new one of its type): who
			      * may write it is decided before the body is read */
#define ROUTE_WRITER 16    /* only for roles that write records of some organisation (their own or
			      * any): a field device's key is of use only to them */

/* The route table (server.c); also the source of the OpenAPI document (server_openapi.c).
 * Routes under /api/v1/ whose first segment is '*' are the record routes: one per type. */
struct srv_route {
	const char *method;
	const char *pattern; /* '*' or "{name}" (optionally with a suffix: "{y}.mvt") = one path
			      * segment, passed whole in r->param[]; '*' only in the record routes */
	srv_handler fn;
	unsigned flags;
	unsigned perm;       /* DM_P_* the caller must hold, checked before the body is read */
	const char *op;      /* operationId; record routes: the type name goes after the verb */
	const char *summary;
};
extern const struct srv_route srv_routes[];
extern const size_t srv_nroutes;

struct srv_hdr {
	const char *name, *value;
};

/* Runs the server until SIGTERM or SIGINT; returns an exit status. */
int srv_run(const struct srv_opts *o);
/* The same in parts, for a program that runs the server beside other work (the HTTP fuzz
 * target): start listening (0, or an exit status after a message), the port it listens on,
 * and stop (lets requests in flight finish, frees h). */
struct srv_handle;
int srv_start(const struct srv_opts *o, struct srv_handle **h);
unsigned srv_port(const struct srv_handle *h);
void srv_stop(struct srv_handle *h);

/* Sends body (taken) as JSON with status and the extra headers (hdr ends with {NULL}). */
enum MHD_Result srv_json_h(struct req *r, unsigned status, json_t *body, const char *ctype,
			   const struct srv_hdr *hdr);
enum MHD_Result srv_json(struct req *r, unsigned status, json_t *body);
/* {"error":{"code","message","field","details"}}; code is a short word ("not_found"). */
enum MHD_Result srv_error(struct req *r, unsigned status, const char *code, const char *field,
			  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Maps a library error to its status and sends it with its details. */
/* The language answers to r are written in (az, en, ru): the user's setting, Accept-Language, else en. */
const char *srv_lang(struct req *r);
enum MHD_Result srv_dm_error(struct req *r, const struct dm_error *err);
/* HTTP behaviour common to every answer (server_http.c): called by srv_send before a response
 * is queued, it adds what the request and status call for (WWW-Authenticate on a 401 of a path
 * that takes HTTP Basic with a token, the CORS headers for a listed origin). */
void srv_http_decorate(struct req *r, unsigned status, struct MHD_Response *resp);
/* An OPTIONS request: 1 with *sent when it was answered here (a CORS preflight, or OPTIONS on
 * a path open to other origins: 204), 0 when the router should answer it as before. */
int srv_http_options(struct req *r, enum MHD_Result *sent);
/* Checks and adds a --cors-origin value; -1 with a message in msg (n bytes) when it is not
 * "*" or scheme://host[:port] without a path, or too many. */
int srv_cors_add(struct srv_opts *o, const char *origin, char *msg, size_t n);
/* 1 for the paths where HTTP Basic with an API token as its password is a credential (the GIS
 * clients' paths: /ogc, /tiles, /api/v1 and the API documents), 0 elsewhere (the OpenRosa paths
 * take Basic/Digest with account passwords instead, and nothing else takes Basic). */
int srv_basic_token_path(const char *url);
/* Sends a response built by the caller (destroyed here). */
enum MHD_Result srv_send(struct req *r, unsigned status, struct MHD_Response *resp);

/* A JSON string of s, with any byte that is not valid UTF-8 shown as '?' (jansson refuses
 * invalid UTF-8, and an error must never fail to be sent). */
json_t *srv_json_text(const char *s);

const char *srv_header(struct req *r, const char *name);
const char *srv_arg(struct req *r, const char *name);
/* Reads the query string: val[i] the value of allowed[i] (NULL-terminated) or NULL; an unknown
 * or repeated parameter answers 400 naming it and returns -1 (*sent the answer). */
int srv_query_args(struct req *r, const char *const *allowed, const char **val, size_t nval, enum MHD_Result *sent);
/* Reports (server_reports.c). */
enum MHD_Result srv_reports_list(struct req *r);
enum MHD_Result srv_report(struct req *r);
/* Parses the body as a JSON object. Returns 0 with *out (caller frees), or a negative value
 * after an error response (415, 400) was sent; *sent holds its result. */
int srv_body_object(struct req *r, json_t **out, enum MHD_Result *sent);
/* The version in If-Match ("N" or W/"N"): 0 and *v, or -1 after a 428/400 was sent. */
int srv_if_match(struct req *r, int64_t *v, enum MHD_Result *sent);

/* 0 unless the request came with a session cookie and lacks its X-CSRF-Token (-1 after a 403). */
int srv_check_csrf(struct req *r, enum MHD_Result *sent);

/* Handlers (server_auth.c) */
enum MHD_Result srv_login(struct req *r);
enum MHD_Result srv_logout(struct req *r);
enum MHD_Result srv_me(struct req *r);
enum MHD_Result srv_me_patch(struct req *r);
enum MHD_Result srv_token_create(struct req *r);
enum MHD_Result srv_token_revoke(struct req *r);
enum MHD_Result srv_tokens_list(struct req *r);
enum MHD_Result srv_token_revoke_id(struct req *r);
enum MHD_Result srv_users_list(struct req *r);
enum MHD_Result srv_users_add(struct req *r);
enum MHD_Result srv_user_disable(struct req *r);
enum MHD_Result srv_user_password(struct req *r);
/* Credentials of the request (Bearer token or session cookie): fills r->user, r->who;
 * returns -1 after a 401 was sent for a bad bearer token. */
int srv_authenticate(struct req *r, enum MHD_Result *sent);

/* Checks a login and password with the login limits (as POST /api/v1/login): 0 with r->user and
 * r->who, else -1 after a 401 or 429 was sent. */
int srv_password_check(struct req *r, const char *login, const char *password, enum MHD_Result *sent);
/* OpenRosa credentials (server_openrosa_auth.c): -1 after a 401 with the Digest and Basic
 * challenges was sent. */
int srv_openrosa_authenticate(struct req *r, enum MHD_Result *sent);
enum MHD_Result srv_openrosa_challenge(struct req *r, const char *why);
/* After a password login (web app or Basic): keeps what HTTP Digest needs for that password. */
void srv_openrosa_keep_digest(struct req *r, const char *login, const char *password);

/* Handlers (server_openrosa.c): OpenRosa 1.0 for ODK Collect and web forms */
enum MHD_Result srv_or_formlist(struct req *r);
enum MHD_Result srv_or_form(struct req *r);
enum MHD_Result srv_or_manifest(struct req *r);
enum MHD_Result srv_or_media(struct req *r);
enum MHD_Result srv_or_submission(struct req *r);
/* The OpenRosa response document (nature submit_success below 300, else error) with msg. */
enum MHD_Result srv_or_message(struct req *r, unsigned status, const char *msg);
enum MHD_Result srv_forms_list(struct req *r);      /* GET /api/v1/forms (JSON) */
enum MHD_Result srv_forms_device(struct req *r);    /* POST /api/v1/forms/devices: a device key + QR settings */
enum MHD_Result srv_field_submissions(struct req *r); /* GET /api/v1/field/submissions */
enum MHD_Result srv_rec_attachments(struct req *r);  /* GET /api/v1/{type}/{id}/attachments */
enum MHD_Result srv_rec_attachment(struct req *r);   /* GET /api/v1/{type}/{id}/attachments/{name} */

/* Handlers (server_openapi.c) */
enum MHD_Result srv_openapi(struct req *r);
/* The OpenAPI 3.1 document of the route table and the schema's record types; caller frees. */
json_t *srv_openapi_doc(const struct dm_schema *s);

/* Handlers (server_tiles.c) */
enum MHD_Result srv_tile(struct req *r);
enum MHD_Result srv_tilejson(struct req *r);

/* Handlers (server_api.c) */
enum MHD_Result srv_schema(struct req *r);
enum MHD_Result srv_audit(struct req *r);
enum MHD_Result srv_rec_list(struct req *r);
enum MHD_Result srv_rec_get(struct req *r);
enum MHD_Result srv_rec_history(struct req *r);
enum MHD_Result srv_rec_create(struct req *r);
enum MHD_Result srv_rec_update(struct req *r);
enum MHD_Result srv_rec_patch(struct req *r);
enum MHD_Result srv_rec_delete(struct req *r);
enum MHD_Result srv_rec_submit(struct req *r);
enum MHD_Result srv_rec_approve(struct req *r);
enum MHD_Result srv_rec_reject(struct req *r);

/* Handlers (server_ogc.c): OGC API - Features at /ogc */
enum MHD_Result srv_ogc_landing(struct req *r);
enum MHD_Result srv_ogc_conformance(struct req *r);
enum MHD_Result srv_ogc_collections(struct req *r);
enum MHD_Result srv_ogc_collection(struct req *r);
enum MHD_Result srv_ogc_items(struct req *r);
enum MHD_Result srv_ogc_item(struct req *r);
/* The OpenAPI parameters of an /ogc route (appended to params). */
void srv_ogc_openapi_params(const struct srv_route *rt, json_t *params);
/* Handlers (server_stats.c) */
enum MHD_Result srv_stats(struct req *r);  /* GET /api/v1/stats/FIGURE */
enum MHD_Result srv_search(struct req *r); /* GET /api/v1/search */
/* Handlers (server_readiness.c) */
enum MHD_Result srv_readiness(struct req *r);          /* GET /api/v1/settlement/{id}/readiness */
enum MHD_Result srv_readiness_settings(struct req *r); /* GET /api/v1/readiness/settings */

#endif
