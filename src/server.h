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

struct srv_opts {
	const char *db;
	char addr[64];
	unsigned port;
	const char *web;
	int public_read;  /* --public: anonymous GETs act with role "public" */
	unsigned threads;
	int quiet;        /* no access log (programs that run the server themselves) */
	/* --trusted-proxy: peers whose X-Forwarded-For and X-Forwarded-Proto are believed */
	char proxies[SRV_MAX_PROXIES][64];
	unsigned nproxies;
};

/* Shared by every worker, read-only once the daemon runs. */
struct srv {
	struct srv_opts opts;
	char web_real[PATH_MAX]; /* realpath of the web folder, "" when it does not exist */
	pthread_key_t db_key;    /* each worker thread's own database connection */
};

/* One request: everything a handler needs; freed when the request completes. */
struct req {
	const struct srv *srv;
	struct MHD_Connection *conn;
	const char *method, *url;
	struct dm_buf body;
	int body_too_big, body_nul;
	struct dm_db *db;
	struct dm_user user;
	int authed, via_cookie;
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
};

/* A handler answers the request (through srv_json/srv_error...) and returns their result. */
typedef enum MHD_Result (*srv_handler)(struct req *r);

#define ROUTE_OPEN 1       /* no credentials needed (login, tokens with a password, healthz) */
#define ROUTE_PUBLIC 2     /* with --public, anonymous GETs act with role "public" */
#define ROUTE_RECORD_WRITE 4 /* writes the record of the path (or a new one of its type): who
			      * may write it is decided before the body is read */

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
enum MHD_Result srv_dm_error(struct req *r, const struct dm_error *err);
/* Sends a response built by the caller (destroyed here). */
enum MHD_Result srv_send(struct req *r, unsigned status, struct MHD_Response *resp);

/* A JSON string of s, with any byte that is not valid UTF-8 shown as '?' (jansson refuses
 * invalid UTF-8, and an error must never fail to be sent). */
json_t *srv_json_text(const char *s);

const char *srv_header(struct req *r, const char *name);
const char *srv_arg(struct req *r, const char *name);
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
enum MHD_Result srv_token_create(struct req *r);
enum MHD_Result srv_token_revoke(struct req *r);
enum MHD_Result srv_users_list(struct req *r);
enum MHD_Result srv_users_add(struct req *r);
enum MHD_Result srv_user_disable(struct req *r);
enum MHD_Result srv_user_password(struct req *r);
/* Credentials of the request (Bearer token or session cookie): fills r->user, r->who;
 * returns -1 after a 401 was sent for a bad bearer token. */
int srv_authenticate(struct req *r, enum MHD_Result *sent);

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

#endif
