/* server_api.c: the record routes of the API (list, get, history, create, update, delete,
 * workflow), the schema and the audit log: each one library call with the caller as actor. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/audit.h"
#include "demine/auth.h"
#include "demine/idempotency.h"
#include "demine/store.h"
#include "server.h"

#define LIST_DEFAULT 100
#define LIST_MAX 1000

static enum MHD_Result answer_err(struct req *r, struct dm_error *err)
{
	enum MHD_Result sent = srv_dm_error(r, err);
	dm_error_release(err);
	return sent;
}

/* The record type named in the path, or NULL after a 404. */
static const struct dm_type *path_type(struct req *r, enum MHD_Result *sent)
{
	const struct dm_type *t = dm_schema_type(dm_db_schema(r->db), r->param[0]);
	if (!t)
		*sent = srv_error(r, 404, "not_found", "type", "no record type '%s'", r->param[0]);
	return t;
}

/* Resolves the path's record reference within its type into id (37 bytes); -1 after a 404. */
static int path_record(struct req *r, char id[37], enum MHD_Result *sent)
{
	struct dm_error err;
	const char *tn = NULL;
	if (!path_type(r, sent))
		return -1;
	dm_error_init(&err);
	if (dm_record_resolve(r->db, r->param[0], r->param[1], id, &tn, &err)) {
		*sent = answer_err(r, &err);
		return -1;
	}
	return 0;
}

static void etag_of(int64_t version, char out[32])
{
	snprintf(out, 32, "\"%lld\"", (long long)version);
}

static int wants_geojson(struct req *r)
{
	const char *a = srv_header(r, MHD_HTTP_HEADER_ACCEPT);
	return a && strstr(a, "application/geo+json") != NULL;
}

/* A flat record as an RFC 7946 Feature (geometry out, the rest as properties). */
static json_t *as_feature(json_t *flat)
{
	json_t *geom = json_object_get(flat, "geometry");
	json_t *f = json_pack("{s:s, s:O, s:O?, s:O}", "type", "Feature", "id", json_object_get(flat, "id"),
			      "geometry", geom ? geom : json_null(), "properties", flat);
	json_object_del(json_object_get(f, "properties"), "geometry");
	json_decref(flat);
	return f;
}

/* Answers with one record (status 200/201), its ETag and optional Location. */
static enum MHD_Result send_record(struct req *r, unsigned status, const struct dm_record *rec, int location)
{
	char etag[32], loc[512];
	json_t *j = dm_record_to_json(r->db, &r->who, rec, NULL);
	struct srv_hdr hdr[3] = { { "ETag", etag }, { location ? "Location" : NULL, loc }, { NULL, NULL } };
	etag_of(rec->version, etag);
	snprintf(loc, sizeof(loc), "/api/v1/%s/%s", rec->type->name, rec->id);
	if (!j)
		return srv_error(r, 500, "internal", NULL, "could not encode the record");
	if (wants_geojson(r))
		return srv_json_h(r, status, as_feature(j), "application/geo+json", hdr);
	return srv_json_h(r, status, j, NULL, hdr);
}

/* ---- list ---- */

struct list_ctx {
	struct req *r;
	const struct dm_type *t;
	struct dm_list_opts o;
	json_t *filters;
	double bbox[4];
	int64_t limit, offset;
	char bad[256], bad_field[64]; /* the first refused parameter */
	int more;
	json_t *items;
	struct dm_buf query; /* the query string without after=, for the next link */
};

static void url_encode(struct dm_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.~,", c))
			dm_buf_addf(b, "%c", c);
		else
			dm_buf_addf(b, "%%%02X", c);
	}
}

static int valid_as_of(const char *v)
{
	char stored[32];
	struct dm_error e;
	int rc;
	dm_error_init(&e);
	rc = dm_parse_as_of(v, stored, &e);
	dm_error_release(&e);
	return rc == 0;
}

static int parse_whole(const char *v, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	errno = 0;
	*out = strtoll(v, &end, 10);
	return errno || !*v || *end || *out < lo || *out > hi ? -1 : 0;
}

/* minlon,minlat,maxlon,maxlat: four finite numbers within WGS84's range, min <= max. */
static int parse_bbox(const char *v, double b[4])
{
	char *end;
	int i;
	for (i = 0; i < 4; i++) {
		errno = 0;
		b[i] = strtod(v, &end);
		if (end == v || errno || !isfinite(b[i]) || (i < 3 && *end != ',') || (i == 3 && *end))
			return -1;
		if (fabs(b[i]) > (i % 2 ? 90 : 180))
			return -1;
		v = end + 1;
	}
	return b[0] <= b[2] && b[1] <= b[3] ? 0 : -1;
}

static json_t *split_values(const char *v)
{
	json_t *a = json_array();
	const char *p = v, *c;
	for (;;) {
		c = strchr(p, ',');
		json_array_append_new(a, json_stringn(p, c ? (size_t)(c - p) : strlen(p)));
		if (!c)
			return a;
		p = c + 1;
	}
}

static void refuse(struct list_ctx *c, const char *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void refuse(struct list_ctx *c, const char *k, const char *fmt, ...)
{
	va_list ap;
	if (c->bad[0])
		return;
	snprintf(c->bad_field, sizeof(c->bad_field), "%s", k);
	va_start(ap, fmt);
	vsnprintf(c->bad, sizeof(c->bad), fmt, ap);
	va_end(ap);
}

static enum MHD_Result list_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct list_ctx *c = cls;
	int common = !strcmp(k, "organisation") || !strcmp(k, "location") || !strcmp(k, "code");
	if (!v)
		v = "";
	if (strcmp(k, "after")) {
		dm_buf_add(&c->query, c->query.len ? "&" : "?");
		url_encode(&c->query, k);
		dm_buf_add(&c->query, "=");
		url_encode(&c->query, v);
	}
	if (!strcmp(k, "limit")) {
		if (parse_whole(v, 1, LIST_MAX, &c->limit))
			refuse(c, k, "limit must be a whole number from 1 to %d", LIST_MAX);
	} else if (!strcmp(k, "after")) {
		if (parse_whole(v, 0, INT64_MAX / 2, &c->offset))
			refuse(c, k, "after must be the cursor of a next link");
	} else if (!strcmp(k, "bbox")) {
		if (parse_bbox(v, c->bbox))
			refuse(c, k, "bbox must be minlon,minlat,maxlon,maxlat: four numbers,"
				 " longitudes -180 to 180, latitudes -90 to 90, min before max");
		c->o.bbox = c->bbox;
	} else if (!strcmp(k, "status")) {
		c->o.status = v;
	} else if (!strcmp(k, "from") || !strcmp(k, "to")) {
		if (!dm_is_date(v))
			refuse(c, k, "%s must be a date (YYYY-MM-DD), not '%.40s'", k, v);
		*(!strcmp(k, "from") ? &c->o.from : &c->o.to) = v;
	} else if (!strcmp(k, "q")) {
		c->o.q = v;
	} else if (!strcmp(k, "sort")) {
		c->o.sort = v;
	} else if (!strcmp(k, "as_of")) {
		if (!valid_as_of(v))
			refuse(c, k, "as_of must be a date or an ISO 8601 UTC time, not '%.40s'", v);
		c->o.as_of = v;
	} else if (!strcmp(k, "version") && !strcmp(v, "approved")) {
		c->o.approved_only = 1;
	} else if (common || dm_type_field(c->t, k)) {
		json_object_set_new(c->filters, k, split_values(v));
	} else {
		refuse(c, k, "unknown parameter '%.100s' for %s records", k, c->t->name);
	}
	return MHD_YES;
}

static int collect(struct dm_record *rec, void *arg)
{
	struct list_ctx *c = arg;
	if ((int64_t)json_array_size(c->items) >= c->limit) {
		c->more = 1; /* the extra one only tells there is a next page */
		return 1;
	}
	json_array_append_new(c->items, dm_record_to_json(c->r->db, &c->r->who, rec, NULL));
	return 0;
}

static enum MHD_Result list_answer(struct list_ctx *c, int more)
{
	char next[64];
	struct dm_buf url, link;
	struct srv_hdr hdr[2] = { { "Link", NULL }, { NULL, NULL } };
	enum MHD_Result sent;
	dm_buf_init(&url, 0);
	dm_buf_init(&link, 0);
	if (more) {
		snprintf(next, sizeof(next), "%safter=%lld", c->query.len ? "&" : "?", (long long)(c->offset + c->limit));
		dm_buf_addf(&url, "/api/v1/%s%s%s", c->t->name, c->query.len ? c->query.s : "", next);
		dm_buf_addf(&link, "<%s>; rel=\"next\"", url.s);
		hdr[0].value = link.s;
	}
	sent = srv_json_h(c->r, 200, json_pack("{s:O, s:s?}", "items", c->items, "next", more ? url.s : NULL), NULL, hdr);
	dm_buf_release(&url);
	dm_buf_release(&link);
	return sent;
}

enum MHD_Result srv_rec_list(struct req *r)
{
	struct list_ctx c;
	struct dm_error err;
	enum MHD_Result sent;
	char off[32];
	memset(&c, 0, sizeof(c));
	if (!(c.t = path_type(r, &sent)))
		return sent;
	c.r = r;
	c.limit = LIST_DEFAULT;
	c.filters = json_object();
	c.items = json_array();
	dm_buf_init(&c.query, 64 * 1024);
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, list_arg, &c);
	dm_error_init(&err);
	if (c.bad[0]) {
		sent = srv_error(r, 400, "bad_request", c.bad_field, "%s", c.bad);
		goto out;
	}
	c.o.filters = json_object_size(c.filters) ? c.filters : NULL;
	c.o.limit = c.limit + 1;
	snprintf(off, sizeof(off), "%lld", (long long)c.offset);
	c.o.after = off;
	if (dm_record_list(r->db, &r->who, c.t->name, &c.o, collect, &c, &err))
		/* the library's refusals of a query (a filter, sort or search it will not run) are
		 * bad requests, like the parameters refused above */
		sent = err.code == DM_EINVAL || err.code == DM_EUSAGE
			       ? srv_error(r, 400, "bad_request", err.field, "%s", err.message)
			       : srv_dm_error(r, &err);
	else
		sent = list_answer(&c, c.more);
out:
	dm_error_release(&err);
	json_decref(c.filters);
	json_decref(c.items);
	dm_buf_release(&c.query);
	return sent;
}

/* ---- one record ---- */

enum MHD_Result srv_rec_get(struct req *r)
{
	struct dm_read_opts o = { 0 };
	struct dm_record *rec = NULL;
	struct dm_error err;
	enum MHD_Result sent;
	const char *v = srv_arg(r, "version");
	char id[37];
	if (path_record(r, id, &sent))
		return sent;
	o.as_of = srv_arg(r, "as_of");
	if (o.as_of && !valid_as_of(o.as_of))
		return srv_error(r, 400, "bad_request", "as_of", "as_of must be a date or an ISO 8601 UTC time, not '%.40s'",
				 o.as_of);
	if (v && !strcmp(v, "approved"))
		o.approved = 1;
	else if (v && parse_whole(v, 1, INT64_MAX, &o.version))
		return srv_error(r, 400, "bad_request", "version", "version must be 'approved' or a version number");
	dm_error_init(&err);
	if (dm_record_get(r->db, &r->who, id, &o, &rec, &err))
		return answer_err(r, &err);
	sent = send_record(r, 200, rec, 0);
	dm_record_free(rec);
	return sent;
}

struct hist_ctx {
	struct req *r;
	json_t *items;
};

static int hist_one(struct dm_record *rec, void *arg)
{
	struct hist_ctx *h = arg;
	json_array_append_new(h->items, dm_record_to_json(h->r->db, &h->r->who, rec, NULL));
	return 0;
}

enum MHD_Result srv_rec_history(struct req *r)
{
	struct hist_ctx h = { r, NULL };
	struct dm_error err;
	enum MHD_Result sent;
	char id[37];
	if (path_record(r, id, &sent))
		return sent;
	h.items = json_array();
	dm_error_init(&err);
	if (dm_record_history(r->db, &r->who, id, hist_one, &h, &err)) {
		json_decref(h.items);
		return answer_err(r, &err);
	}
	return srv_json(r, 200, json_pack("{s:o}", "items", h.items));
}

/* Idempotency-Key (the key store of lib/idempotency.c, shared with OpenRosa's instanceIDs): the
 * answer of a create is kept with the record, in its transaction, under (key, user) and the
 * body's hash; a resend gets it again and writes nothing; the key with another body is 409. */
static int idem_key_ok(const char *k)
{
	size_t i, n = strlen(k);
	for (i = 0; i < n; i++)
		if ((unsigned char)k[i] <= 0x20 || (unsigned char)k[i] >= 0x7f)
			return 0;
	return n >= 1 && n <= 200;
}

static enum MHD_Result replay_create(struct req *r, int64_t status, const char *response)
{
	json_t *j = json_loads(response, 0, NULL);
	const char *id = json_string_value(json_object_get(j, "id"));
	char loc[512];
	struct srv_hdr hdr[3] = { { "Location", loc }, { "Idempotent-Replayed", "true" }, { NULL, NULL } };
	snprintf(loc, sizeof(loc), "/api/v1/%s/%s", r->param[0], id ? id : "");
	if (!j)
		return srv_error(r, 500, "internal", NULL, "the stored answer cannot be read");
	return srv_json_h(r, (unsigned)status, j, NULL, hdr);
}

static enum MHD_Result create_once(struct req *r, const char *key, json_t *b)
{
	struct dm_record *rec = NULL;
	struct dm_error err;
	struct dm_store *st = dm_db_store(r->db);
	char hash[65], *stored = NULL, *text = NULL;
	int64_t status = 0;
	json_t *j;
	int rc;
	enum MHD_Result sent;
	dm_error_init(&err);
	dm_idem_hash(r->body.s ? r->body.s : "", r->body.len, hash);
	rc = dm_idem_lookup(r->db, key, r->who.user, hash, &status, &stored, &err);
	if (rc == 1) {
		sent = replay_create(r, status, stored);
		free(stored);
		dm_error_release(&err);
		return sent;
	}
	if (rc == DM_ECONFLICT) {
		sent = srv_error(r, 409, "idempotency_key_reused", "Idempotency-Key", "%s", err.message);
		dm_error_release(&err);
		return sent;
	}
	if (rc < 0)
		return answer_err(r, &err);
	if ((rc = dm_store_begin(st, &err)))
		return answer_err(r, &err);
	rc = dm_record_create(r->db, &r->who, r->param[0], b, NULL, &rec, &err);
	j = rc ? NULL : dm_record_to_json(r->db, &r->who, rec, NULL);
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!rc && !text)
		rc = dm_error_set(&err, DM_ENOMEM, NULL, "out of memory");
	if (!rc)
		rc = dm_idem_store(r->db, key, r->who.user, hash, 201, text, &err);
	rc = rc ? (dm_store_rollback(st), rc) : dm_store_commit(st, &err);
	free(text);
	if (rc) {
		dm_record_free(rec);
		return answer_err(r, &err);
	}
	sent = send_record(r, 201, rec, 1);
	dm_record_free(rec);
	dm_error_release(&err);
	return sent;
}

enum MHD_Result srv_rec_create(struct req *r)
{
	struct dm_record *rec = NULL;
	struct dm_error err;
	enum MHD_Result sent;
	json_t *b;
	const char *key = srv_header(r, "Idempotency-Key");
	if (!path_type(r, &sent))
		return sent;
	if (key && !idem_key_ok(key))
		return srv_error(r, 400, "bad_request", "Idempotency-Key", "Idempotency-Key must be 1 to 200 printable"
				 " ASCII characters without spaces");
	if (srv_body_object(r, &b, &sent))
		return sent;
	if (key) {
		sent = create_once(r, key, b);
		json_decref(b);
		return sent;
	}
	dm_error_init(&err);
	if (dm_record_create(r->db, &r->who, r->param[0], b, NULL, &rec, &err)) {
		json_decref(b);
		return answer_err(r, &err);
	}
	json_decref(b);
	sent = send_record(r, 201, rec, 1);
	dm_record_free(rec);
	return sent;
}

/* A string member taken out of the body (NULL when absent); -1 after a 422 when not a string. */
static int take_reason(struct req *r, json_t *b, const char *name, char **out, enum MHD_Result *sent)
{
	json_t *v = b ? json_object_get(b, name) : NULL;
	*out = NULL;
	if (v && !json_is_string(v) && !json_is_null(v)) {
		*sent = srv_error(r, 422, "invalid", name, "%s must be a string", name);
		return -1;
	}
	if (json_is_string(v))
		*out = strdup(json_string_value(v));
	if (b)
		json_object_del(b, name);
	return 0;
}

/* PUT takes a whole document (read-only and computed members ignored), PATCH only the members
 * to change (naming a computed one is refused): one write, two readings of the body. */
static enum MHD_Result rec_update(struct req *r, int partial)
{
	struct dm_write_opts wo = { .partial = partial };
	struct dm_record *rec = NULL;
	struct dm_error err;
	enum MHD_Result sent;
	json_t *b = NULL;
	char id[37], *reason = NULL;
	int64_t v;
	if (path_record(r, id, &sent) || srv_if_match(r, &v, &sent) || srv_body_object(r, &b, &sent) ||
	    take_reason(r, b, "change_reason", &reason, &sent)) {
		json_decref(b);
		return sent;
	}
	dm_error_init(&err);
	if (dm_record_update(r->db, &r->who, id, v, b, reason, &wo, &rec, &err))
		sent = answer_err(r, &err);
	else
		sent = send_record(r, 200, rec, 0);
	dm_record_free(rec);
	json_decref(b);
	free(reason);
	return sent;
}

enum MHD_Result srv_rec_update(struct req *r)
{
	return rec_update(r, 0);
}

enum MHD_Result srv_rec_patch(struct req *r)
{
	return rec_update(r, 1);
}

/* The optional JSON body of a delete or transition, with its "reason". */
static int optional_reason(struct req *r, char **reason, enum MHD_Result *sent)
{
	json_t *b = NULL;
	int rc;
	*reason = NULL;
	if (!r->body.len && !r->body_nul)
		return 0;
	if (srv_body_object(r, &b, sent))
		return -1;
	rc = take_reason(r, b, "reason", reason, sent);
	json_decref(b);
	return rc;
}

enum MHD_Result srv_rec_delete(struct req *r)
{
	struct dm_error err;
	enum MHD_Result sent;
	char id[37], *reason = NULL;
	int64_t v;
	if (path_record(r, id, &sent) || srv_if_match(r, &v, &sent) || optional_reason(r, &reason, &sent))
		return sent;
	dm_error_init(&err);
	if (!reason || !*reason)
		dm_error_set(&err, DM_EINVAL, "reason", "a deletion needs a reason");
	else
		dm_record_delete(r->db, &r->who, id, v, reason, &err);
	free(reason);
	if (err.code)
		return answer_err(r, &err);
	return srv_json(r, 200, json_pack("{s:s, s:b}", "id", id, "deleted", 1));
}

static enum MHD_Result transition(struct req *r, enum dm_transition t)
{
	struct dm_record *rec = NULL;
	struct dm_error err;
	enum MHD_Result sent;
	char id[37], *reason = NULL;
	int64_t v;
	if (path_record(r, id, &sent) || srv_if_match(r, &v, &sent) || optional_reason(r, &reason, &sent))
		return sent;
	dm_error_init(&err);
	if (dm_record_transition(r->db, &r->who, id, t, v, reason, &rec, &err))
		sent = answer_err(r, &err);
	else
		sent = send_record(r, 200, rec, 0);
	dm_record_free(rec);
	free(reason);
	return sent;
}

enum MHD_Result srv_rec_submit(struct req *r)
{
	return transition(r, DM_SUBMIT);
}

enum MHD_Result srv_rec_approve(struct req *r)
{
	return transition(r, DM_APPROVE);
}

enum MHD_Result srv_rec_reject(struct req *r)
{
	return transition(r, DM_REJECT);
}

/* ---- schema and audit ---- */

enum MHD_Result srv_schema(struct req *r)
{
	return srv_json(r, 200, dm_schema_to_json(dm_db_schema(r->db)));
}

enum MHD_Result srv_audit(struct req *r)
{
	const char *ls = srv_arg(r, "limit"), *os = srv_arg(r, "offset");
	int64_t limit = LIST_DEFAULT, offset = 0;
	struct dm_error err;
	json_t *items;
	if (!dm_actor_can(&r->who, DM_P_AUDIT))
		return srv_error(r, 403, "forbidden", NULL, "role %s may not read the audit log", r->who.role);
	if ((ls && parse_whole(ls, 1, LIST_MAX, &limit)) || (os && parse_whole(os, 0, INT64_MAX / 2, &offset)))
		return srv_error(r, 400, "bad_request", NULL, "limit must be 1-%d and offset a whole number", LIST_MAX);
	dm_error_init(&err);
	if (dm_audit_list(r->db, &r->who, limit, offset, &items, &err))
		return answer_err(r, &err);
	return srv_json(r, 200, json_pack("{s:o}", "items", items));
}
