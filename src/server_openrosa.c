/* server_openrosa.c: OpenRosa 1.0 as ODK Collect speaks it (formList, forms, manifests, media,
 * HEAD and POST /submission) and the JSON routes of field collection (forms, device keys,
 * submissions, attachments). The forms and the reading of submissions are lib/xform*.c; the
 * taking in of a submission is lib/openrosa.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/md5.h>
#include <sodium.h>
#include <zlib.h>
#include "demine/attach.h"
#include "demine/auth.h"
#include "demine/openrosa.h"
#include "demine/record.h"
#include "demine/tokens.h"
#include "demine/xform.h"
#include "server.h"

#define OR_MAX_SUBMISSION 10000000 /* X-OpenRosa-Accept-Content-Length; Collect splits above it */
#define OR_MAX_FILES 50
#define OR_MEDIA_ROWS 5000

/* ---- responses ---- */

static enum MHD_Result send_xml(struct req *r, unsigned status, const char *body, size_t len, const char *ctype)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	char max[24];
	if (!resp)
		return MHD_NO;
	snprintf(max, sizeof(max), "%d", OR_MAX_SUBMISSION);
	MHD_add_response_header(resp, "Content-Type", ctype ? ctype : "text/xml; charset=utf-8");
	MHD_add_response_header(resp, "X-OpenRosa-Version", "1.0");
	MHD_add_response_header(resp, "X-OpenRosa-Accept-Content-Length", max);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	return srv_send(r, status, resp);
}

static void add_esc(struct dm_buf *b, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<': dm_buf_add(b, "&lt;"); break;
		case '>': dm_buf_add(b, "&gt;"); break;
		case '&': dm_buf_add(b, "&amp;"); break;
		case '"': dm_buf_add(b, "&quot;"); break;
		default: dm_buf_addn(b, s, 1);
		}
}

/* The OpenRosa response document: nature submit_success or error. */
enum MHD_Result srv_or_message(struct req *r, unsigned status, const char *msg)
{
	struct dm_buf b;
	enum MHD_Result ret;
	dm_buf_init(&b, 1 << 16);
	dm_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OpenRosaResponse"
			" xmlns=\"http://openrosa.org/http/response\"><message nature=\"%s\">",
		    status < 300 ? "submit_success" : "error");
	add_esc(&b, msg);
	dm_buf_add(&b, "</message></OpenRosaResponse>\n");
	ret = send_xml(r, status, b.s ? b.s : "", b.len, NULL);
	dm_buf_release(&b);
	return ret;
}

/* ---- the forms of this server ---- */

struct built {
	struct req *r;
	char version[16][24];
	int have[16];
};

static int build_form(struct built *c, const struct dm_form *f, char **xml, size_t *len, char version[24],
		      struct dm_error *err)
{
	return dm_xform_build(dm_db_schema(c->r->db), f, NULL, xml, len, version, err);
}

static const char *current_version(const struct dm_form *f, void *arg)
{
	struct built *c = arg;
	size_t n, i;
	const struct dm_form *all = dm_forms(&n);
	char *xml = NULL;
	size_t len;
	struct dm_error err;
	i = (size_t)(f - all);
	if (i >= n || i >= 16)
		return NULL;
	if (!c->have[i]) {
		dm_error_init(&err);
		if (build_form(c, f, &xml, &len, c->version[i], &err)) {
			dm_error_release(&err);
			return NULL;
		}
		free(xml);
		c->have[i] = 1;
	}
	return c->version[i];
}

static int may_fill(struct req *r, const struct dm_form *f)
{
	struct dm_error err;
	int rc;
	dm_error_init(&err);
	rc = dm_record_check_write(r->db, &r->who, f->type, NULL, &err);
	dm_error_release(&err);
	return rc == 0;
}

static void md5_hex(const void *data, size_t len, char out[33])
{
	struct md5_ctx c;
	unsigned char h[MD5_DIGEST_SIZE];
	md5_init(&c);
	md5_update(&c, len, data);
	md5_digest(&c, MD5_DIGEST_SIZE, h);
	sodium_bin2hex(out, 33, h, sizeof(h));
}

/* The URL the client used to reach us, with the device key when it came in the path. */
static void base_url(struct req *r, char *out, size_t n)
{
	const char *host = srv_header(r, "Host");
	if (r->via_key)
		snprintf(out, n, "%s://%s/key/%s", r->https ? "https" : "http", host ? host : "localhost", r->seg[1]);
	else
		snprintf(out, n, "%s://%s", r->https ? "https" : "http", host ? host : "localhost");
}

static const char *param_form(struct req *r)
{
	return r->param[r->via_key ? 1 : 0];
}

/* The form named in the path, when the user may fill it: NULL after a 404 was sent. */
static const struct dm_form *path_form(struct req *r, enum MHD_Result *sent)
{
	char id[80];
	const char *p = param_form(r);
	const struct dm_form *f;
	size_t n = strlen(p);
	snprintf(id, sizeof(id), "%.*s", (int)(n > 4 && !strcmp(p + n - 4, ".xml") ? n - 4 : n), p);
	f = dm_form_find(id);
	if (!f || !may_fill(r, f)) {
		*sent = srv_or_message(r, 404, f ? "you may not fill this form" : "no such form");
		return NULL;
	}
	return f;
}

enum MHD_Result srv_or_formlist(struct req *r)
{
	struct built c = { r, { { 0 } }, { 0 } };
	struct dm_buf b;
	struct dm_error err;
	const struct dm_form *forms;
	size_t n, i, len;
	char base[512], hash[33], version[24], *xml;
	enum MHD_Result ret;
	const char *only = srv_arg(r, "formID");
	forms = dm_forms(&n);
	dm_buf_init(&b, 1 << 20);
	base_url(r, base, sizeof(base));
	dm_buf_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xforms xmlns=\"http://openrosa.org/xforms/xformsList\">\n");
	for (i = 0; i < n; i++) {
		if (!may_fill(r, &forms[i]) || (only && strcmp(only, forms[i].id)))
			continue;
		dm_error_init(&err);
		if (build_form(&c, &forms[i], &xml, &len, version, &err)) {
			dm_error_release(&err);
			continue;
		}
		md5_hex(xml, len, hash);
		free(xml);
		dm_buf_addf(&b, "<xform><formID>%s</formID><name>", forms[i].id);
		add_esc(&b, forms[i].title_en);
		dm_buf_addf(&b, "</name><version>%s</version><hash>md5:%s</hash><descriptionText></descriptionText>"
				"<downloadUrl>", version, hash);
		add_esc(&b, base);
		dm_buf_addf(&b, "/forms/%s.xml</downloadUrl><manifestUrl>", forms[i].id);
		add_esc(&b, base);
		dm_buf_addf(&b, "/forms/%s/manifest</manifestUrl></xform>\n", forms[i].id);
	}
	dm_buf_add(&b, "</xforms>\n");
	ret = send_xml(r, 200, b.s ? b.s : "", b.len, NULL);
	dm_buf_release(&b);
	return ret;
}

enum MHD_Result srv_or_form(struct req *r)
{
	struct built c = { r, { { 0 } }, { 0 } };
	struct dm_error err;
	enum MHD_Result sent;
	const struct dm_form *f = path_form(r, &sent);
	char *xml, version[24];
	size_t len;
	if (!f) {
			return sent;
	}
	dm_error_init(&err);
	if (build_form(&c, f, &xml, &len, version, &err)) {
		sent = srv_or_message(r, 500, err.message);
	} else {
		sent = send_xml(r, 200, xml, len, NULL);
		free(xml);
	}
	dm_error_release(&err);
	return sent;
}

/* ---- media: the organisation's open hazards and tasks as CSV (name = code, label) ---- */

static void csv_cell(struct dm_buf *b, const char *s)
{
	dm_buf_add(b, "\"");
	for (; s && *s; s++) {
		if (*s == '"')
			dm_buf_add(b, "\"\"");
		else if (*s != '\n' && *s != '\r')
			dm_buf_addn(b, s, 1);
	}
	dm_buf_add(b, "\"");
}

static int media_row(struct dm_record *rec, void *arg)
{
	struct dm_buf *b = arg;
	char label[400];
	const char *name = json_string_value(json_object_get(rec->fields, "name"));
	const char *cat = json_string_value(json_object_get(rec->fields, "category"));
	const char *st = json_string_value(json_object_get(rec->fields, "task_status"));
	snprintf(label, sizeof(label), "%s%s%s%s%s", rec->code, name ? " " : "", name ? name : "",
		 cat || st ? " - " : "", cat ? cat : st ? st : "");
	csv_cell(b, rec->code);
	dm_buf_add(b, ",");
	csv_cell(b, label);
	dm_buf_add(b, "\n");
	return 0;
}

static int media_csv(struct req *r, const char *file, struct dm_buf *b, struct dm_error *err)
{
	const char *type = !strcmp(file, "hazards.csv") ? "hazard" : !strcmp(file, "tasks.csv") ? "task" : NULL;
	struct dm_list_opts lo = { 0 };
	int rc;
	if (!type)
		return dm_error_set(err, DM_ENOTFOUND, "file", "no media file '%.80s'", file);
	lo.filters = !strcmp(type, "hazard") ? json_pack("{s:[s,s]}", "land_status", "open", "worked_on")
					     : json_pack("{s:[s,s]}", "task_status", "planned", "in_progress");
	lo.limit = OR_MEDIA_ROWS;
	dm_buf_add(b, "name,label\n");
	rc = dm_record_list(r->db, &r->who, type, &lo, media_row, b, err);
	json_decref(lo.filters);
	return rc;
}

enum MHD_Result srv_or_manifest(struct req *r)
{
	static const char *const files[] = { "hazards.csv", "tasks.csv" };
	static const char *const types[] = { "hazard", "task" };
	enum MHD_Result sent;
	const struct dm_form *f = path_form(r, &sent);
	struct dm_buf b, m;
	struct dm_error err;
	char base[512], hash[33];
	size_t i;
	if (!f)
		return sent;
	dm_buf_init(&b, 1 << 20);
	base_url(r, base, sizeof(base));
	dm_buf_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest xmlns=\"http://openrosa.org/xforms/xformsManifest\">\n");
	for (i = 0; i < 2; i++) {
		if (!dm_form_uses_media(dm_db_schema(r->db), f, types[i]))
			continue;
		dm_buf_init(&m, (size_t)8 << 20);
		dm_error_init(&err);
		if (!media_csv(r, files[i], &m, &err) && !m.overflow) {
			md5_hex(m.s, m.len, hash);
			dm_buf_addf(&b, "<mediaFile><filename>%s</filename><hash>md5:%s</hash><downloadUrl>", files[i], hash);
			add_esc(&b, base);
			dm_buf_addf(&b, "/forms/%s/media/%s</downloadUrl></mediaFile>\n", f->id, files[i]);
		}
		dm_error_release(&err);
		dm_buf_release(&m);
	}
	dm_buf_add(&b, "</manifest>\n");
	sent = send_xml(r, 200, b.s ? b.s : "", b.len, NULL);
	dm_buf_release(&b);
	return sent;
}

enum MHD_Result srv_or_media(struct req *r)
{
	enum MHD_Result sent;
	const struct dm_form *f = path_form(r, &sent);
	const char *file = r->param[r->via_key ? 2 : 1];
	struct dm_buf m;
	struct dm_error err;
	if (!f)
		return sent;
	dm_buf_init(&m, (size_t)8 << 20);
	dm_error_init(&err);
	if (!dm_form_uses_media(dm_db_schema(r->db), f, !strcmp(file, "hazards.csv") ? "hazard" : "task") ||
	    media_csv(r, file, &m, &err) || m.overflow)
		sent = srv_or_message(r, 404, err.code ? err.message : "no such media file");
	else
		sent = send_xml(r, 200, m.s, m.len, "text/csv; charset=utf-8");
	dm_error_release(&err);
	dm_buf_release(&m);
	return sent;
}

/* ---- submissions ---- */

struct part {
	char name[128];
	char filename[256];
	struct dm_buf data;
};

struct parts {
	struct part p[OR_MAX_FILES + 2];
	size_t n;
	int too_many;
};

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
			       const char *ctype, const char *enc, const char *data, uint64_t off, size_t size)
{
	struct parts *ps = cls;
	struct part *p = ps->n ? &ps->p[ps->n - 1] : NULL;
	if (!p || off == 0 || strcmp(p->name, key) || strcmp(p->filename, filename ? filename : "")) {
		if (ps->n >= sizeof(ps->p) / sizeof(ps->p[0])) {
			ps->too_many = 1;
			return MHD_NO;
		}
		p = &ps->p[ps->n++];
		snprintf(p->name, sizeof(p->name), "%s", key);
		snprintf(p->filename, sizeof(p->filename), "%s", filename ? filename : "");
		dm_buf_init(&p->data, SRV_BODY_MAX);
	}
	if (size)
		dm_buf_addn(&p->data, data, size);
	return MHD_YES;
}

static void parts_release(struct parts *ps)
{
	size_t i;
	for (i = 0; i < ps->n; i++)
		dm_buf_release(&ps->p[i].data);
}

static enum MHD_Result submit(struct req *r, struct parts *ps)
{
	struct built c = { r, { { 0 } }, { 0 } };
	struct dm_or_file files[OR_MAX_FILES + 2];
	struct dm_or_result res;
	struct dm_error err;
	const struct part *xml = NULL;
	size_t i, nf = 0;
	enum MHD_Result sent;
	for (i = 0; i < ps->n; i++) {
		if (!strcmp(ps->p[i].name, "xml_submission_file"))
			xml = &ps->p[i];
		else if (ps->p[i].filename[0] && strcmp(ps->p[i].name, "*isIncomplete*")) {
			files[nf].name = ps->p[i].filename;
			files[nf].data = ps->p[i].data.s ? ps->p[i].data.s : "";
			files[nf].len = ps->p[i].data.len;
			nf++;
		}
	}
	if (!xml)
		return srv_or_message(r, 400, "the multipart body has no xml_submission_file part");
	dm_error_init(&err);
	dm_openrosa_submit(r->db, &r->who, xml->data.s ? xml->data.s : "", xml->data.len, files, nf, current_version, &c,
			   &res, &err);
	sent = srv_or_message(r, (unsigned)res.status, res.message);
	dm_error_release(&err);
	return sent;
}

enum MHD_Result srv_or_submission(struct req *r)
{
	struct MHD_PostProcessor *pp;
	struct parts *ps;
	enum MHD_Result sent;
	if (!strcmp(r->method, "HEAD") || !strcmp(r->method, "GET"))
		return send_xml(r, 204, "", 0, NULL);
	if (r->body_too_big)
		return srv_or_message(r, 413, "the submission is larger than the server accepts");
	if (!r->binary_body)
		return srv_or_message(r, 400, "a submission is a multipart/form-data body with an xml_submission_file part");
	if (!(ps = calloc(1, sizeof(*ps))))
		return MHD_NO;
	pp = MHD_create_post_processor(r->conn, 64 * 1024, on_part, ps);
	if (!pp || MHD_post_process(pp, r->body.s ? r->body.s : "", r->body.len) != MHD_YES)
		sent = srv_or_message(r, 400, ps->too_many ? "more than 50 files in one submission"
						       : "the multipart body cannot be read");
	else
		sent = submit(r, ps);
	if (pp)
		MHD_destroy_post_processor(pp);
	parts_release(ps);
	free(ps);
	return sent;
}

/* ---- JSON routes ---- */

enum MHD_Result srv_forms_list(struct req *r)
{
	struct built c = { r, { { 0 } }, { 0 } };
	const struct dm_form *forms;
	size_t n, i, len;
	json_t *a = json_array();
	char *xml, version[24], hash[33];
	struct dm_error err;
	forms = dm_forms(&n);
	for (i = 0; i < n; i++) {
		if (!may_fill(r, &forms[i]))
			continue;
		dm_error_init(&err);
		if (!build_form(&c, &forms[i], &xml, &len, version, &err)) {
			md5_hex(xml, len, hash);
			free(xml);
			json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", forms[i].id, "type",
							   forms[i].type, "title_en", forms[i].title_en, "title_az",
							   forms[i].title_az, "title_ru", forms[i].title_ru, "version",
							   version, "hash", hash));
		}
		dm_error_release(&err);
	}
	return srv_json(r, 200, json_pack("{s:o}", "forms", a));
}

/* ODK Collect's QR settings: the JSON, zlib-compressed, base64 (what Collect's settings importer
 * reads from the code). */
static char *collect_settings(const char *json)
{
	uLongf n = compressBound(strlen(json));
	unsigned char *z = malloc(n);
	char *b64;
	size_t bn;
	if (!z || compress2(z, &n, (const unsigned char *)json, strlen(json), 9) != Z_OK) {
		free(z);
		return NULL;
	}
	bn = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	if ((b64 = malloc(bn)))
		sodium_bin2base64(b64, bn, z, n, sodium_base64_VARIANT_ORIGINAL);
	free(z);
	return b64;
}

enum MHD_Result srv_forms_device(struct req *r)
{
	char token[65], exp[32], base[512], tname[DM_TOKEN_NAME_MAX + 1], *settings_json, *qr;
	struct dm_token tok;
	struct dm_error err;
	json_t *settings, *body = NULL;
	enum MHD_Result sent;
	const char *device = NULL;
	if (r->body.len && srv_body_object(r, &body, &sent))
		return sent;
	device = json_string_value(json_object_get(body, "device"));
	dm_error_init(&err);
	/* a device key is an API token of the user, named after the tablet: listed and revoked
	 * with the user's other tokens */
	snprintf(tname, sizeof(tname), "%.80s (ODK Collect)", device ? device : "tablet");
	if (dm_token_create(r->db, &r->user, tname, "full", 180, token, &tok, &err)) {
		json_decref(body);
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	snprintf(exp, sizeof(exp), "%s", tok.expires_at);
	base_url(r, base, sizeof(base));
	snprintf(base + strlen(base), sizeof(base) - strlen(base), "/key/%s", token);
	settings = json_pack("{s:{s:s, s:s, s:s, s:b}, s:{}, s:{s:s, s:s}}", "general", "server_url", base,
			     "form_update_mode", "match_exactly", "autosend", "wifi_and_cellular", "delete_send", 0,
			     "admin", "project", "name", device ? device : r->user.login, "icon", "D");
	settings_json = json_dumps(settings, JSON_COMPACT | JSON_SORT_KEYS);
	qr = settings_json ? collect_settings(settings_json) : NULL;
	json_decref(body);
	sent = srv_json(r, 201, json_pack("{s:s, s:s, s:s, s:o, s:s?}", "server_url", base, "key", token, "expires_at",
					  exp, "settings", settings, "qr_text", qr));
	free(settings_json);
	free(qr);
	return sent;
}

enum MHD_Result srv_field_submissions(struct req *r)
{
	struct dm_error err;
	const char *state = srv_arg(r, "state");
	json_t *a;
	enum MHD_Result sent;
	dm_error_init(&err);
	if (!(a = dm_openrosa_submissions(r->db, state, 200, &err))) {
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	return srv_json(r, 200, json_pack("{s:o}", "submissions", a));
}

/* The attachments follow the record's own visibility: whoever may read it sees its files. */
static int readable(struct req *r, char id[37], enum MHD_Result *sent)
{
	struct dm_error err;
	struct dm_record *rec = NULL;
	struct dm_read_opts ro = { 0 };
	int rc;
	dm_error_init(&err);
	rc = dm_record_get(r->db, &r->who, r->param[1], &ro, &rec, &err);
	if (!rc && strcmp(rec->type->name, r->param[0]))
		rc = dm_error_set(&err, DM_ENOTFOUND, NULL, "no %s %s", r->param[0], r->param[1]);
	if (rc)
		*sent = srv_dm_error(r, &err);
	else
		snprintf(id, 37, "%s", rec->id);
	dm_record_free(rec);
	dm_error_release(&err);
	return rc ? -1 : 0;
}

enum MHD_Result srv_rec_attachments(struct req *r)
{
	char id[37];
	struct dm_error err;
	enum MHD_Result sent;
	json_t *a;
	if (readable(r, id, &sent))
		return sent;
	dm_error_init(&err);
	if (!(a = dm_attach_list(r->db, id, &err))) {
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	return srv_json(r, 200, json_pack("{s:o}", "attachments", a));
}

enum MHD_Result srv_rec_attachment(struct req *r)
{
	char id[37], type[64];
	void *data;
	size_t len;
	struct dm_error err;
	struct MHD_Response *resp;
	enum MHD_Result sent;
	if (readable(r, id, &sent))
		return sent;
	dm_error_init(&err);
	if (dm_attach_get(r->db, id, r->param[2], &data, &len, type, &err)) {
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; sandbox");
	MHD_add_response_header(resp, "Cache-Control", "private, max-age=86400, immutable");
	return srv_send(r, 200, resp);
}
