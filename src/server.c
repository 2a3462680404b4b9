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
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "demine/auth.h"
#include "demine/catalog.h"
#include "demine/fold.h"
#include "demine/json_out.h"
#include "server.h"

#define BODY_DISCARD_MAX ((size_t)64 << 20) /* above this, 413 at once instead of reading on */

static enum MHD_Result healthz(struct req *r)
{
	return srv_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

const struct srv_route srv_routes[] = {
	{ "GET", "/healthz", healthz, ROUTE_OPEN, 0, "healthz", "Liveness check" },
	{ "POST", "/api/v1/login", srv_login, ROUTE_OPEN, 0, "login", "Log in with a password; sets the session cookie" },
	{ "POST", "/api/v1/logout", srv_logout, 0, 0, "logout", "End the session" },
	{ "GET", "/api/v1/me", srv_me, 0, 0, "getMe", "The calling user" },
	{ "PATCH", "/api/v1/me", srv_me_patch, 0, 0, "patchMe", "Change the caller's own settings: language (az, en, ru, or null for the browser's)" },
	{ "POST", "/api/v1/tokens", srv_token_create, ROUTE_OPEN, 0, "createToken", "Create a bearer token" },
	{ "GET", "/api/v1/tokens", srv_tokens_list, 0, 0, "listTokens", "The caller's live API tokens" },
	{ "DELETE", "/api/v1/tokens/current", srv_token_revoke, 0, 0, "revokeToken", "Revoke the bearer token of the request" },
	{ "DELETE", "/api/v1/tokens/{tokenId}", srv_token_revoke_id, 0, 0, "revokeTokenById", "Revoke one of the caller's tokens by its id" },
	{ "GET", "/api/v1/users", srv_users_list, 0, DM_P_USERS, "listUsers", "List users" },
	{ "POST", "/api/v1/users", srv_users_add, 0, DM_P_USERS, "createUser", "Add a user" },
	{ "POST", "/api/v1/users/{login}/disable", srv_user_disable, 0, DM_P_USERS, "disableUser", "Disable a user" },
	{ "POST", "/api/v1/users/{login}/password", srv_user_password, 0, 0, "setUserPassword", "Set a user's password" },
	{ "GET", "/openapi.json", srv_openapi, ROUTE_OPEN, 0, "getOpenApi", "This OpenAPI document" },
	{ "GET", "/api/v1/schema", srv_schema, ROUTE_PUBLIC, 0, "getSchema", "The data model: record types and their fields" },
	{ "GET", "/api/v1/audit", srv_audit, 0, DM_P_AUDIT, "listAudit", "The audit log, newest first" },
	{ "GET", "/tiles/{layer}/{z}/{x}/{y}.mvt", srv_tile, ROUTE_PUBLIC, 0, "getTile", "A vector tile (MVT 2.1) of a layer; 204 when empty" },
	{ "GET", "/tiles/{layer}.json", srv_tilejson, ROUTE_PUBLIC, 0, "getTileJson", "The TileJSON 3.0 of a layer" },
	{ "GET", "/api/v1/stats/released", srv_stats, ROUTE_PUBLIC, 0, "getStatsReleased", "Area released per month by method and result" },
	{ "GET", "/api/v1/stats/remaining", srv_stats, ROUTE_PUBLIC, 0, "getStatsRemaining", "Remaining contaminated area by district" },
	{ "GET", "/api/v1/stats/items", srv_stats, ROUTE_PUBLIC, 0, "getStatsItems", "Explosive ordnance destroyed by category" },
	{ "GET", "/api/v1/stats/casualties", srv_stats, ROUTE_PUBLIC, 0, "getStatsCasualties", "Casualties by year, sex and age group" },
	{ "GET", "/api/v1/stats/eore", srv_stats, ROUTE_PUBLIC, 0, "getStatsEore", "Risk education beneficiaries per month" },
	{ "GET", "/api/v1/stats/funding", srv_stats, ROUTE_PUBLIC, 0, "getStatsFunding", "Funding by donor in one currency" },
	{ "GET", "/api/v1/stats/released_operator", srv_stats, ROUTE_PUBLIC, 0, "getStatsReleasedOperator", "Area released by operator, method and result" },
	{ "GET", "/api/v1/stats/remaining_ap", srv_stats, ROUTE_PUBLIC, 0, "getStatsRemainingAp", "Remaining area of the hazards holding anti-personnel mines, by district" },
	{ "GET", "/api/v1/stats/remaining_type", srv_stats, ROUTE_PUBLIC, 0, "getStatsRemainingType", "Remaining area by district and hazard type" },
	{ "GET", "/api/v1/stats/va_services", srv_stats, ROUTE_PUBLIC, 0, "getStatsVaServices", "Victim assistance services by service and status" },
	{ "GET", "/api/v1/stats/tasks", srv_stats, ROUTE_PUBLIC, 0, "getStatsTasks", "Tasks by status with their planned area" },
	{ "GET", "/api/v1/stats/casualties_lm", srv_stats, ROUTE_PUBLIC, 0, "getStatsCasualtiesLm", "Casualties in the Landmine Monitor's breakdown" },
	{ "GET", "/api/v1/reports", srv_reports_list, 0, 0, "listReports", "The reports and their parameters" },
	{ "GET", "/api/v1/reports/{name}", srv_report, 0, 0, "getReport", "A report as PDF, XLSX, CSV (one table), HTML or JSON" },
	{ "GET", "/api/v1/search", srv_search, ROUTE_PUBLIC, 0, "search", "Search record codes and place names" },
	{ "GET", "/api/v1/readiness/settings", srv_readiness_settings, ROUTE_PUBLIC, 0, "getReadinessSettings", "The settlement readiness rules (thresholds) in force" },
	{ "GET", "/api/v1/settlement/{id}/readiness", srv_readiness, ROUTE_PUBLIC, 0, "getSettlementReadiness", "A settlement's readiness for return: status, reasons, hazards near it, routes, history" },
	{ "GET", "/api/v1/forms", srv_forms_list, 0, 0, "listForms", "The field forms the user may fill, with their versions" },
	{ "GET", "/api/v1/forms/{formId}.xml", srv_or_form, 0, 0, "getForm", "One XForm, for the web app's Forms page" },
	{ "GET", "/api/v1/forms/{formId}/media/{file}", srv_or_media, 0, 0, "getFormMedia", "A form's media file, for the web app's forms" },
	{ "POST", "/api/v1/submissions", srv_or_submission, ROUTE_WRITER, 0, "createSubmission", "A field form submission from the web app (OpenRosa multipart, session and CSRF token)" },
	{ "POST", "/api/v1/forms/devices", srv_forms_device, ROUTE_WRITER, 0, "createFormDevice", "A device key and ODK Collect's QR settings for it" },
	{ "GET", "/api/v1/field/submissions", srv_field_submissions, 0, DM_P_APPROVE, "listFieldSubmissions", "Field submissions, accepted and rejected (with the reason)" },
	{ "GET", "/api/v1/*", srv_rec_list, ROUTE_PUBLIC, 0, "list", "List records" },
	{ "POST", "/api/v1/*", srv_rec_create, ROUTE_RECORD_WRITE, 0, "create", "Create a record (a draft)" },
	{ "GET", "/api/v1/*/*", srv_rec_get, ROUTE_PUBLIC, 0, "get", "Get a record by id or code" },
	{ "PUT", "/api/v1/*/*", srv_rec_update, ROUTE_RECORD_WRITE, 0, "update", "Update a record (If-Match: its version)" },
	{ "PATCH", "/api/v1/*/*", srv_rec_patch, ROUTE_RECORD_WRITE, 0, "patch", "Change some members of a record (If-Match: its version; computed members refused)" },
	{ "DELETE", "/api/v1/*/*", srv_rec_delete, ROUTE_RECORD_WRITE, 0, "delete", "Delete a record (a deletion version with a reason)" },
	{ "GET", "/api/v1/*/*/history", srv_rec_history, ROUTE_PUBLIC, 0, "getHistory", "Every version of a record" },
	{ "POST", "/api/v1/*/*/submit", srv_rec_submit, ROUTE_RECORD_WRITE, 0, "submit", "Submit a draft for approval" },
	{ "POST", "/api/v1/*/*/approve", srv_rec_approve, ROUTE_RECORD_WRITE, DM_P_APPROVE, "approve", "Approve a submitted record" },
	{ "POST", "/api/v1/*/*/reject", srv_rec_reject, ROUTE_RECORD_WRITE, DM_P_APPROVE, "reject", "Reject a submitted record with a reason" },
	/* OGC API - Features (server_ogc.c) */
	{ "GET", "/formList", srv_or_formlist, ROUTE_OPENROSA, 0, "openRosaFormList", "OpenRosa: the forms the user may fill (xformslist)" },
	{ "GET", "/forms/{formId}.xml", srv_or_form, ROUTE_OPENROSA, 0, "openRosaForm", "OpenRosa: one XForm" },
	{ "GET", "/forms/{formId}/manifest", srv_or_manifest, ROUTE_OPENROSA, 0, "openRosaManifest", "OpenRosa: the media files of a form" },
	{ "GET", "/forms/{formId}/media/{file}", srv_or_media, ROUTE_OPENROSA, 0, "openRosaMedia", "OpenRosa: a media file (the organisation's open hazards or tasks, CSV)" },
	{ "GET", "/submission", srv_or_submission, ROUTE_OPENROSA, 0, "openRosaSubmissionHead", "OpenRosa: HEAD before a submission (204, the size limit)" },
	{ "POST", "/submission", srv_or_submission, ROUTE_OPENROSA | ROUTE_WRITER, 0, "openRosaSubmit", "OpenRosa: a submission (multipart: xml_submission_file and attachments)" },
	{ "GET", "/key/{key}/formList", srv_or_formlist, ROUTE_OPENROSA, 0, "openRosaKeyFormList", "OpenRosa with a device key in the path: the forms" },
	{ "GET", "/key/{key}/forms/{formId}.xml", srv_or_form, ROUTE_OPENROSA, 0, "openRosaKeyForm", "OpenRosa with a device key: one XForm" },
	{ "GET", "/key/{key}/forms/{formId}/manifest", srv_or_manifest, ROUTE_OPENROSA, 0, "openRosaKeyManifest", "OpenRosa with a device key: a manifest" },
	{ "GET", "/key/{key}/forms/{formId}/media/{file}", srv_or_media, ROUTE_OPENROSA, 0, "openRosaKeyMedia", "OpenRosa with a device key: a media file" },
	{ "GET", "/key/{key}/submission", srv_or_submission, ROUTE_OPENROSA, 0, "openRosaKeySubmissionHead", "OpenRosa with a device key: HEAD before a submission" },
	{ "POST", "/key/{key}/submission", srv_or_submission, ROUTE_OPENROSA | ROUTE_WRITER, 0, "openRosaKeySubmit", "OpenRosa with a device key: a submission" },
	{ "GET", "/api/v1/*/*/attachments", srv_rec_attachments, ROUTE_PUBLIC, 0, "listAttachments", "The files attached to a record" },
	{ "GET", "/api/v1/*/*/attachments/{name}", srv_rec_attachment, ROUTE_PUBLIC, 0, "getAttachment", "One file attached to a record" },
	{ "GET", "/ogc", srv_ogc_landing, ROUTE_OPEN, 0, "getOgcLandingPage", "OGC API - Features: the landing page" },
	{ "GET", "/ogc/conformance", srv_ogc_conformance, ROUTE_OPEN, 0, "getOgcConformance", "OGC API - Features: conformance classes" },
	{ "GET", "/ogc/collections", srv_ogc_collections, ROUTE_PUBLIC, 0, "getOgcCollections", "OGC API - Features: the record types with geometry" },
	{ "GET", "/ogc/collections/{collectionId}", srv_ogc_collection, ROUTE_PUBLIC, 0, "getOgcCollection", "OGC API - Features: one collection" },
	{ "GET", "/ogc/collections/{collectionId}/items", srv_ogc_items, ROUTE_PUBLIC, 0, "getOgcFeatures", "OGC API - Features: the features of a collection (GeoJSON)" },
	{ "GET", "/ogc/collections/{collectionId}/items/{featureId}", srv_ogc_item, ROUTE_PUBLIC, 0, "getOgcFeature", "OGC API - Features: one feature by its UUID" },
	{ "GET", "/ogc/collections/{collectionId}/queryables", srv_ogc_queryables, ROUTE_PUBLIC, 0, "getOgcQueryables", "OGC API - Features Part 3: the properties a collection's features can be filtered on (JSON Schema)" },
	{ "GET", "/ogc/collections/{collectionId}/schema", srv_ogc_schema, ROUTE_PUBLIC, 0, "getOgcSchema", "OGC API - Features Part 5: the schema of a collection's features (JSON Schema)" },
	{ "GET", "/ogc/api", srv_openapi_v30, ROUTE_OPEN, 0, "getOgcApi", "The API definition as OpenAPI 3.0 (OGC oas30)" },
	{ "GET", "/api", srv_openapi_v30, ROUTE_OPEN, 0, "getApi", "The API definition as OpenAPI 3.0" },
};
const size_t srv_nroutes = sizeof(srv_routes) / sizeof(srv_routes[0]);

/* ---- responses ---- */

enum MHD_Result srv_send(struct req *r, unsigned status, struct MHD_Response *resp)
{
	enum MHD_Result ret;
	if (!resp)
		return MHD_NO;
	r->status = status;
	srv_http_decorate(r, status, resp);
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

/* Length of the valid UTF-8 sequence at p (strict, as dm_utf8_valid), 0 when there is none. */
static size_t utf8_seq(const unsigned char *p)
{
	size_t n, i;
	if (p[0] < 0x80)
		return 1;
	n = p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3 : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) || (p[0] == 0xF0 && p[1] < 0x90) ||
	    (p[0] == 0xF4 && p[1] > 0x8F))
		return 0; /* overlong, surrogate or above U+10FFFF */
	return n;
}

json_t *srv_json_text(const char *s)
{
	json_t *v;
	struct dm_buf b;
	const unsigned char *p;
	size_t n;
	if (!s)
		return json_string("");
	if ((v = json_string(s)))
		return v;
	dm_buf_init(&b, 0);
	for (p = (const unsigned char *)s; *p; p += n) {
		if (!(n = utf8_seq(p))) {
			dm_buf_add(&b, "?");
			n = 1;
		} else {
			dm_buf_addn(&b, (const char *)p, n);
		}
	}
	v = json_string(b.s ? b.s : "");
	dm_buf_release(&b);
	return v;
}

static json_t *error_body(const char *code, const char *message, const char *field, json_t *details)
{
	json_t *e = json_object(), *o = json_object();
	json_object_set_new(e, "code", json_string(code));
	json_object_set_new(e, "message", srv_json_text(message));
	if (field && *field)
		json_object_set_new(e, "field", srv_json_text(field));
	json_object_set_new(e, "details", details ? details : json_array());
	json_object_set_new(o, "error", e);
	return o;
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
	{ DM_EBUSY, 503, "busy" },
};

/* A server-side failure: the details (a store's message may quote its SQL) go to the log
 * under a reference the client is given, never to the client. */
static enum MHD_Result internal_error(struct req *r, const struct dm_error *err)
{
	unsigned char b[4];
	char ref[9];
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(ref, sizeof(ref), b, sizeof(b));
	fprintf(stderr, "demine serve: [%s] %s %s: %s\n", ref, r->method, r->url, err->message);
	return srv_error(r, 500, "internal", NULL, "internal error; the server log has the details under [%s]", ref);
}

/* A detail's parameters as an object ({} when it has none). */
static json_t *detail_params(const struct dm_error_detail *d)
{
	json_t *p = d->params[0] ? json_loads(d->params, 0, NULL) : NULL;
	if (p && !json_is_object(p)) {
		json_decref(p);
		p = NULL;
	}
	return p ? p : json_object();
}

/* The language of the request's answers: the user's own setting, else the first of
 * Accept-Language's languages that has a catalogue (az, en, ru), else English. */
const char *srv_lang(struct req *r)
{
	static const char *const langs[] = { "az", "en", "ru" };
	const char *al = srv_header(r, "Accept-Language"), *p;
	size_t i;
	if (r->authed && r->user.language[0])
		return r->user.language;
	for (p = al; p && *p;) {
		p += strspn(p, " ,");
		for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
			if (!strncasecmp(p, langs[i], 2) && (!p[2] || strchr("-_;, ", p[2])))
				return langs[i];
		p = strchr(p, ',');
	}
	return "en";
}

/* A detail's message in the request's language from the catalogue's "error.CODE". English
 * keeps the text made where the problem was found (it may say more: where a ring crosses
 * itself), and so does a code the catalogue lacks. */
static json_t *detail_message(const struct dm_catalog *cat, const struct dm_error_detail *d, json_t *params)
{
	char key[48];
	char *text;
	json_t *v;
	snprintf(key, sizeof(key), "error.%s", d->code[0] ? d->code : "invalid");
	if (!cat || !strcmp(dm_catalog_lang(cat), "en") || !d->code[0] || !dm_catalog_has(cat, key) || !(text = dm_catalog_text(cat, key, params)))
		return srv_json_text(d->message);
	v = srv_json_text(text);
	free(text);
	return v;
}

enum MHD_Result srv_dm_error(struct req *r, const struct dm_error *err)
{
	json_t *details, *body;
	struct dm_catalog *cat = NULL;
	struct dm_error cerr;
	char *summary = NULL;
	size_t i;
	unsigned status = 500;
	const char *name = "internal";
	for (i = 0; i < sizeof(err_map) / sizeof(err_map[0]); i++)
		if (err_map[i].code == err->code) {
			status = err_map[i].status;
			name = err_map[i].name;
		}
	if (status == 500)
		return internal_error(r, err);
	dm_error_init(&cerr);
	if (err->ndetails && dm_catalog_load(NULL, srv_lang(r), &cat, &cerr))
		cat = NULL; /* no catalogue: the English texts as they were made */
	dm_error_release(&cerr);
	details = json_array();
	for (i = 0; i < err->ndetails; i++) {
		json_t *d = json_object(), *params = detail_params(&err->details[i]);
		json_object_set_new(d, "field", err->details[i].field[0] ? srv_json_text(err->details[i].field) : json_null());
		json_object_set_new(d, "message", detail_message(cat, &err->details[i], params));
		json_object_set_new(d, "code", json_string(err->details[i].code[0] ? err->details[i].code : "invalid"));
		json_object_set_new(d, "params", params);
		json_array_append_new(details, d);
	}
	/* A record's problems: the summary says how many, in the request's language
	 * (English keeps the first problem's text, which scripts and older clients read). */
	if (cat && err->code == DM_EINVAL && err->ndetails && strcmp(dm_catalog_lang(cat), "en")) {
		json_t *n = json_pack("{s:I}", "n", (json_int_t)(err->ndetails + err->ndetails_dropped));
		summary = dm_catalog_text(cat, "error.problems", n);
		json_decref(n);
	}
	body = error_body(name, summary ? summary : err->message[0] ? err->message : dm_err_name(err->code), err->field,
			  details);
	free(summary);
	dm_catalog_free(cat);
	if (status == 503) {
		/* the store's lock was held past the wait (a long import, say): the client may
		 * retry; nothing was written */
		static const struct srv_hdr retry[2] = { { "Retry-After", "5" }, { NULL, NULL } };
		return srv_json_h(r, status, body, NULL, retry);
	}
	return srv_json(r, status, body);
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

/* Whether the client takes an encoding ("gzip", "br") by Accept-Encoding (not with q=0). */
static int accepts_encoding(struct req *r, const char *enc)
{
	const char *ae = srv_header(r, "Accept-Encoding"), *p;
	size_t n = strlen(enc);
	for (p = ae; p && (p = strstr(p, enc)); p += n) {
		const char *q;
		if ((p != ae && !strchr(" ,", p[-1])) || (p[n] && !strchr(" ,;", p[n])))
			continue;
		q = p + n + strspn(p + n, " ");
		if (!strncmp(q, ";q=0", 4) && (!q[4] || q[4] == ',' || q[4] == ' ' || !strncmp(q + 4, ".0", 2)))
			return 0;
		return 1;
	}
	return 0;
}

/* The precompressed copy of real (real.br, real.gz, made by `make web-vendor`) the client
 * takes, when it is at least as new as the file: its open fd and size, and its encoding in
 * *enc; -1 when there is none. */
static int open_precompressed(struct req *r, const char *real, const struct stat *orig, struct stat *sb, const char **enc)
{
	static const char *const encs[][2] = { { "br", ".br" }, { "gzip", ".gz" } };
	char path[PATH_MAX + 4];
	size_t i;
	int fd;
	for (i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
		if (!accepts_encoding(r, encs[i][0]))
			continue;
		snprintf(path, sizeof(path), "%s%s", real, encs[i][1]);
		if (stat(path, sb) || !S_ISREG(sb->st_mode) || sb->st_mtime < orig->st_mtime)
			continue;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		*enc = encs[i][0];
		return fd;
	}
	return -1;
}

/* Static files: a strong ETag from size and modification time (If-None-Match answers 304),
 * HTML revalidated on every load, the rest cached for an hour; a precompressed copy when the
 * client takes it (with Vary: Accept-Encoding), the ETag naming the encoding. */
static enum MHD_Result serve_static(struct req *r)
{
	char want[PATH_MAX * 2], real[PATH_MAX], etag[96];
	size_t n = strlen(r->srv->web_real);
	struct stat sb, zb;
	struct MHD_Response *resp;
	const char *type, *enc = NULL, *inm;
	int fd, zfd;
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
	type = mime_of(real);
	zfd = open_precompressed(r, real, &sb, &zb, &enc);
	snprintf(etag, sizeof(etag), "\"%llx-%llx%s%s\"", (unsigned long long)sb.st_size,
		 (unsigned long long)sb.st_mtim.tv_sec * 1000000000ULL + (unsigned long long)sb.st_mtim.tv_nsec,
		 enc ? "-" : "", enc ? enc : "");
	inm = srv_header(r, "If-None-Match");
	if (inm && (strstr(inm, etag) || !strcmp(inm, "*"))) {
		if (zfd >= 0)
			close(zfd);
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		fd = -1;
	} else if (zfd >= 0) {
		resp = MHD_create_response_from_fd((uint64_t)zb.st_size, zfd);
		fd = zfd;
	} else {
		if ((fd = open(real, O_RDONLY | O_CLOEXEC)) < 0)
			return srv_error(r, 404, "not_found", NULL, "no such file");
		resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	}
	if (!resp) {
		if (fd >= 0)
			close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "ETag", etag);
	MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (enc && fd >= 0)
		MHD_add_response_header(resp, "Content-Encoding", enc);
	MHD_add_response_header(resp, "Cache-Control",
				!strncmp(type, "text/html", 9) ? "no-cache" : "public, max-age=3600");
	return srv_send(r, fd < 0 ? 304 : 200, resp);
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
	if (rt->flags & ROUTE_OPENROSA)
		return srv_openrosa_authenticate(r, sent);
	if (srv_authenticate(r, sent))
		return -1;
	if (!r->authed && (rt->flags & ROUTE_PUBLIC) && r->srv->opts.public_read) {
		r->who.user = "anonymous";
		r->who.role = "public";
		r->who.org_id = NULL;
		return 0;
	}
	if (!r->authed && !(rt->flags & ROUTE_OPEN)) {
		*sent = srv_error(r, 401, "unauthorized", NULL, srv_basic_token_path(r->url)
				  ? "log in, or send Authorization: Bearer TOKEN, or HTTP Basic with a token as the password"
				  : "log in or send Authorization: Bearer TOKEN");
		return -1;
	}
	if (r->read_only && !is_read(r->method)) {
		*sent = srv_error(r, 403, "read_only_token", NULL, "this token is read-only (scope read): it may only GET");
		return -1;
	}
	if (!(rt->flags & ROUTE_OPEN) && !is_read(r->method))
		return srv_check_csrf(r, sent);
	return 0;
}

struct arg_check {
	const char *bad; /* the first parameter whose name or value is not valid UTF-8 */
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct arg_check *c = cls;
	if (!dm_utf8_valid(k) || (v && !dm_utf8_valid(v))) {
		c->bad = k;
		return MHD_NO;
	}
	return MHD_YES;
}

/* Every handler, and the library under it, may take the path and the query as valid UTF-8:
 * anything else is refused here, before routing. -1 after a 400. */
static int check_text(struct req *r, enum MHD_Result *sent)
{
	struct arg_check c = { NULL };
	if (!dm_utf8_valid(r->url)) {
		*sent = srv_error(r, 400, "bad_path", NULL, "the path is not valid UTF-8 (after percent-decoding)");
		return -1;
	}
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &c);
	if (c.bad) {
		*sent = srv_error(r, 400, "bad_request", c.bad, "the query parameter '%s' is not valid UTF-8 (after"
				  " percent-decoding)", c.bad);
		return -1;
	}
	return 0;
}

/* Who may call the route, decided before its body is read: the route's permission, and for a
 * record write whether the caller may write that record (or a new one of the type) at all.
 * The library checks again when it writes; this makes a refusal a 403 whatever the body
 * holds. -1 after answering. */
static int authorize(struct req *r, const struct srv_route *rt, enum MHD_Result *sent)
{
	struct dm_error err;
	int rc;
	if (rt->perm && !dm_actor_can(&r->who, rt->perm)) {
		*sent = srv_error(r, 403, "forbidden", NULL, "role %s may not call %s %s", r->who.role, rt->method,
				  rt->pattern);
		return -1;
	}
	if ((rt->flags & ROUTE_WRITER) && !dm_actor_can(&r->who, DM_P_WRITE_ANY) &&
	    !dm_actor_can(&r->who, DM_P_WRITE_OWN)) {
		if (rt->flags & ROUTE_OPENROSA) /* ODK Collect shows the message of its own document */
			*sent = srv_or_message(r, 403, "this user's role writes no records: it may not send forms");
		else
			*sent = srv_error(r, 403, "forbidden", NULL, "role %s writes no records: it may not call %s %s",
					  r->who.role, rt->method, rt->pattern);
		return -1;
	}
	if (!(rt->flags & ROUTE_RECORD_WRITE))
		return 0;
	dm_error_init(&err);
	rc = dm_record_check_write(r->db, &r->who, r->param[0], r->nseg > 3 ? r->param[1] : NULL, &err);
	if (rc)
		*sent = srv_dm_error(r, &err);
	dm_error_release(&err);
	return rc ? -1 : 0;
}

static enum MHD_Result dispatch(struct req *r)
{
	const struct srv_route *rt = NULL;
	struct dm_error err;
	enum MHD_Result sent = MHD_NO;
	int path_known = 0, rc;
	size_t i;
	const char *m = strcmp(r->method, "HEAD") ? r->method : "GET";
	if (check_text(r, &sent) || srv_http_options(r, &sent))
		return sent;
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
		if (gate(r, rt, &sent) || authorize(r, rt, &sent))
			return sent;
	}
	return rt->fn(r);
}

/* The client's address: the peer's, or when the peer is a trusted proxy the address it
 * forwarded (the last one in X-Forwarded-For that is not itself a trusted proxy), and whether
 * the client spoke HTTPS to it. Login limits count per client, and cookies are Secure then. */
static int is_proxy(const struct srv *s, const char *addr)
{
	unsigned i;
	for (i = 0; i < s->opts.nproxies; i++)
		if (!strcmp(s->opts.proxies[i], addr))
			return 1;
	return 0;
}

static void client_of(struct req *r)
{
	const char *xff, *proto;
	char buf[512], *comma, *tok, *e;
	unsigned char any[16];
	size_t n;
	if (!is_proxy(r->srv, r->addr))
		return;
	proto = srv_header(r, "X-Forwarded-Proto");
	r->https = proto && !strcasecmp(proto, "https");
	if (!(xff = srv_header(r, "X-Forwarded-For")))
		return;
	/* the right end is what our proxies appended: keep it when the header is long */
	n = strlen(xff);
	snprintf(buf, sizeof(buf), "%s", n >= sizeof(buf) ? xff + n - (sizeof(buf) - 1) : xff);
	for (;;) {
		comma = strrchr(buf, ',');
		tok = comma ? comma + 1 : buf;
		while (*tok == ' ')
			tok++;
		e = tok + strlen(tok);
		while (e > tok && e[-1] == ' ')
			*--e = 0;
		if (!is_proxy(r->srv, tok)) {
			/* the first address from the right that is not one of ours is the client */
			if (inet_pton(AF_INET, tok, any) == 1 || inet_pton(AF_INET6, tok, any) == 1)
				snprintf(r->addr, sizeof(r->addr), "%s", tok);
			return;
		}
		if (!comma)
			return;
		*comma = 0;
	}
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
		client_of(r);
		*con_cls = r;
		/* a multipart body carries files (photos hold NUL bytes); every other body is text */
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
		r->binary_body = cl && !strncasecmp(cl, "multipart/form-data", 19);
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > BODY_DISCARD_MAX)
			return srv_error(r, 413, "too_large", NULL, "the request body is larger than %zu bytes", SRV_BODY_MAX);
		return MHD_YES;
	}
	if (*upload_size) {
		if (r->binary_body) {
			if (!r->body_too_big && r->body.len + *upload_size <= SRV_BODY_MAX)
				dm_buf_addn(&r->body, upload, *upload_size);
			else
				r->body_too_big = 1;
		} else if (memchr(upload, 0, *upload_size))
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
	if (!r->srv->opts.quiet)
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

/* How many connections the server may hold at once: the limit asked for, but no more than the
 * open files allow. The soft limit of open files (often 1,024) is raised to the hard one first,
 * keeping SRV_FD_RESERVE for databases, static files and logs. */
#define SRV_FD_RESERVE 64
static unsigned connection_limit(unsigned wanted)
{
	struct rlimit rl;
	if (!wanted)
		wanted = SRV_MAX_CONNS;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return wanted;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)wanted + 2 * SRV_FD_RESERVE) {
		unsigned fit = rl.rlim_cur > 2 * SRV_FD_RESERVE ? (unsigned)rl.rlim_cur - SRV_FD_RESERVE : SRV_FD_RESERVE;
		fprintf(stderr, "demine serve: at most %u connections at once (open-file limit %llu)\n", fit,
			(unsigned long long)rl.rlim_cur);
		return fit;
	}
	return wanted;
}

/* Slow and idle clients cannot stop others being served: each worker waits on its connections
 * with epoll (no FD_SETSIZE ceiling of select), a connection silent for 30 s is closed, the
 * connections at once are bounded (a new one beyond is closed at once) and so are those from one
 * address, so that one client dribbling headers on many connections cannot take them all. */
static struct MHD_Daemon *start(struct srv *s, struct sockaddr_in *sa)
{
	return MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL,
				on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)sa,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)s->opts.threads,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
				MHD_OPTION_CONNECTION_LIMIT, connection_limit(s->opts.max_conns),
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)s->opts.max_per_ip,
				MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
				MHD_OPTION_DIGEST_AUTH_RANDOM, sizeof(s->digest_random), s->digest_random,
				MHD_OPTION_NONCE_NC_SIZE, (unsigned int)4096,
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

/* The parts of the server that outlive one request: the shared state and the daemon. */
struct srv_handle {
	struct srv s;
	struct MHD_Daemon *d;
	unsigned port;
};

int srv_start(const struct srv_opts *o, struct srv_handle **out)
{
	struct srv_handle *h;
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *di;
	*out = NULL;
	if (!(h = calloc(1, sizeof(*h))))
		return 1;
	h->s.opts = *o;
	if (!o->web || !realpath(o->web, h->s.web_real))
		h->s.web_real[0] = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "demine serve: '%s' is not an IPv4 address\n", o->addr);
		free(h);
		return 2;
	}
	/* seed jansson's hash and initialise libsodium before any worker thread exists */
	json_object_seed(0);
	if (sodium_init() >= 0)
		randombytes_buf(h->s.digest_random, sizeof(h->s.digest_random));
	if (sodium_init() < 0 || pthread_key_create(&h->s.db_key, close_db)) {
		free(h);
		return 1;
	}
	if (!(h->d = start(&h->s, &sa))) {
		fprintf(stderr, "demine serve: cannot listen on %s:%u: %s\n", o->addr, o->port, strerror(errno));
		pthread_key_delete(h->s.db_key);
		free(h);
		return 1;
	}
	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = di ? (unsigned)di->port : o->port;
	*out = h;
	return 0;
}

unsigned srv_port(const struct srv_handle *h)
{
	return h->port;
}

void srv_stop(struct srv_handle *h)
{
	MHD_socket lsock;
	if (!h)
		return;
	/* no new connections; the old listening socket is ours to close once the daemon is down */
	lsock = MHD_quiesce_daemon(h->d);
	drain(h->d);
	MHD_stop_daemon(h->d);
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	pthread_key_delete(h->s.db_key);
	free(h);
}

int srv_run(const struct srv_opts *o)
{
	struct srv_handle *h;
	sigset_t set;
	int sig = 0, rc;
	/* The workers inherit this mask; only sigwait below sees the stop signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = srv_start(o, &h)))
		return rc;
	printf("listening on http://%s:%u\n", o->addr, srv_port(h));
	fflush(stdout);
	sigwait(&set, &sig);
	fprintf(stderr, "demine serve: stopping (signal %d)\n", sig);
	srv_stop(h);
	return 0;
}
