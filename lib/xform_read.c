/* xform_read.c: reads an OpenRosa submission (untrusted XML) of one of the field forms into
 * record input documents: libxml2 with no DTD, no entity expansion and no network; every bad
 * question is a detail naming it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "demine/fold.h"
#include "demine/geo.h"
#include "demine/record.h"
#include "demine/util.h"
#include "demine/xform.h"

#define MAX_FILES 50
#define MAX_CHILDREN 200
#define MAX_LEGS 500

void dm_submission_release(struct dm_submission *sub)
{
	json_decref(sub->record);
	json_decref(sub->children);
	json_decref(sub->files);
	memset(sub, 0, sizeof(*sub));
}

static int is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && (!name || !strcmp((const char *)n->name, name));
}

static int has_child_elements(const xmlNode *n)
{
	const xmlNode *c;
	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* The trimmed text of an element (caller frees), "" when empty; NULL when out of memory. */
static char *elem_text(const xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s = t ? strdup((const char *)t) : strdup("");
	char *r;
	xmlFree(t);
	if (!s)
		return NULL;
	r = dm_str_trim(s);
	if (r != s)
		memmove(s, r, strlen(r) + 1);
	return s;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
	const xmlNode *c;
	for (c = n ? n->children : NULL; c; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

/* ---- ODK geometry text: "lat lon [alt [accuracy]]" points, ';' between points ---- */

static int parse_point(const char *s, double *lon, double *lat, const char *q, struct dm_error *err)
{
	char *end;
	double la, lo;
	errno = 0;
	la = strtod(s, &end);
	if (end == s || (*end != ' ' && *end != '\t'))
		goto bad;
	s = end;
	lo = strtod(s, &end);
	if (end == s || (*end && *end != ' ' && *end != '\t' && *end != ';'))
		goto bad;
	if (!isfinite(la) || !isfinite(lo) || la < -90 || la > 90 || lo < -180 || lo > 180) {
		dm_error_add(err, q, "point '%.60s' is outside latitude -90..90, longitude -180..180", s);
		return DM_EINVAL;
	}
	*lon = lo;
	*lat = la;
	return 0;
bad:
	dm_error_add(err, q, "'%.60s' is not an ODK point (latitude longitude altitude accuracy)", s);
	return DM_EINVAL;
}

/* A geotrace/geoshape string as a JSON array of [lon, lat]; NULL after a detail. */
static json_t *parse_points(const char *text, const char *q, struct dm_error *err)
{
	json_t *a = json_array();
	const char *p = text;
	double lon, lat;
	while (a && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (!*p)
			break;
		if (parse_point(p, &lon, &lat, q, err) || json_array_size(a) >= 100000) {
			json_decref(a);
			return NULL;
		}
		json_array_append_new(a, json_pack("[f,f]", lon, lat));
		p = strchr(p, ';');
		if (!p)
			break;
	}
	return a;
}

static json_t *shape_geometry(const char *text, const char *q, struct dm_error *err)
{
	json_t *pts = parse_points(text, q, err), *first, *last;
	size_t n;
	if (!pts)
		return NULL;
	n = json_array_size(pts);
	if (n < 4) {
		dm_error_add(err, q, "a geoshape needs at least 4 points (3 corners and the first again), it has %zu", n);
		json_decref(pts);
		return NULL;
	}
	first = json_array_get(pts, 0);
	last = json_array_get(pts, n - 1);
	if (json_real_value(json_array_get(first, 0)) != json_real_value(json_array_get(last, 0)) ||
	    json_real_value(json_array_get(first, 1)) != json_real_value(json_array_get(last, 1))) {
		dm_error_add(err, q, "the geoshape is not closed: its last point is not its first");
		json_decref(pts);
		return NULL;
	}
	return json_pack("{s:s, s:[o]}", "type", "Polygon", "coordinates", pts);
}

static json_t *point_geometry(const char *text, const char *q, struct dm_error *err)
{
	double lon, lat;
	if (parse_point(text, &lon, &lat, q, err))
		return NULL;
	return json_pack("{s:s, s:[f,f]}", "type", "Point", "coordinates", lon, lat);
}

/* Turning points: the benchmark, then one leg (bearing, distance) to each turning point, walked
 * on the ellipsoid by the geometry module; the polygon is validated like any other. */
static json_t *tp_geometry(struct dm_geo *g, const xmlNode *tp, struct dm_error *err)
{
	struct dm_tp_row rows[MAX_LEGS + 1];
	char *texts[MAX_LEGS * 2 + 4] = { 0 }, lonb[40], latb[40], names[MAX_LEGS][12];
	size_t nrows = 0, nt = 0, i;
	const xmlNode *c;
	double lon, lat;
	struct dm_geom geom = { 0 };
	json_t *out = NULL;
	char *bm = NULL, *btype = NULL, *decl = NULL;
	memset(rows, 0, sizeof(rows));
	if (!tp || !(bm = elem_text(child(tp, "bm"))) || !*bm) {
		dm_error_add(err, "tp/bm", "turning points need the benchmark (bm) as a point");
		goto out;
	}
	if (parse_point(bm, &lon, &lat, "tp/bm", err))
		goto out;
	snprintf(lonb, sizeof(lonb), "%.9f", lon);
	snprintf(latb, sizeof(latb), "%.9f", lat);
	btype = elem_text(child(tp, "bearing_type"));
	decl = elem_text(child(tp, "declination"));
	rows[0].line = 1;
	rows[0].point = "BM";
	rows[0].lon = lonb;
	rows[0].lat = latb;
	nrows = 1;
	for (c = tp->children; c; c = c->next) {
		if (!is_elem(c, "leg"))
			continue;
		if (nrows > MAX_LEGS) {
			dm_error_add(err, "tp/leg", "more than %d turning points", MAX_LEGS);
			goto out;
		}
		snprintf(names[nrows - 1], sizeof(names[0]), "TP%zu", nrows);
		rows[nrows].line = nrows + 1;
		rows[nrows].point = names[nrows - 1];
		rows[nrows].bearing = texts[nt++] = elem_text(child(c, "bearing"));
		rows[nrows].distance = texts[nt++] = elem_text(child(c, "distance"));
		rows[nrows].bearing_type = btype && *btype ? btype : "true";
		rows[nrows].declination = decl && *decl ? decl : NULL;
		nrows++;
	}
	if (nrows < 4) {
		dm_error_add(err, "tp/leg", "turning points need at least 3 legs, there are %zu", nrows - 1);
		goto out;
	}
	if (dm_geo_turning_points(g, rows, nrows, &geom, NULL, err)) {
		if (!err->ndetails)
			dm_error_add(err, "tp", "%s", err->message);
		goto out;
	}
	if (!(out = dm_geo_to_geojson(g, &geom, NULL)))
		dm_error_set(err, DM_ENOMEM, "tp", "out of memory");
out:
	for (i = 0; i < nt; i++)
		free(texts[i]);
	free(bm);
	free(btype);
	free(decl);
	dm_geom_release(&geom);
	return out;
}

/* ---- questions ---- */

/* ODK select answers are separated by spaces; the record's text form of a set uses ';'. */
static void spaces_to_semicolons(char *s)
{
	for (; *s; s++)
		if (*s == ' ')
			*s = ';';
}

static int read_field(const struct dm_field *fd, const xmlNode *n, const char *qpath, json_t *doc,
		      struct dm_error *err)
{
	char *t;
	json_t *v = NULL;
	struct dm_error fe;
	int rc;
	if (has_child_elements(n)) {
		dm_error_add(err, qpath, "question %s holds elements; it takes a value", qpath);
		return DM_EINVAL;
	}
	if (!(t = elem_text(n)))
		return dm_error_set(err, DM_ENOMEM, qpath, "out of memory");
	if (!*t) {
		free(t);
		return 0;
	}
	if (fd->type == DM_F_SET)
		spaces_to_semicolons(t);
	dm_error_init(&fe);
	rc = dm_field_from_text(fd, t, &v, &fe);
	if (rc)
		dm_error_add(err, qpath, "%s", fe.ndetails ? fe.details[0].message : fe.message);
	else
		json_object_set_new(doc, fd->name, v);
	dm_error_release(&fe);
	free(t);
	return rc ? DM_EINVAL : 0;
}

/* The questions of one record (the main one under the root, or a child in its repeat). */
static int read_record(const struct dm_form *f, const struct dm_type *t, const xmlNode *parent, const char *prefix,
		       json_t *doc, struct dm_error *err)
{
	const xmlNode *c;
	const struct dm_field *fd;
	char q[200];
	int rc = 0;
	for (c = parent->children; c; c = c->next) {
		if (!is_elem(c, NULL))
			continue;
		snprintf(q, sizeof(q), "%s%s", prefix, (const char *)c->name);
		fd = dm_type_field(t, (const char *)c->name);
		if (fd && dm_form_asks(f, t, fd))
			rc |= read_field(fd, c, q, doc, err);
	}
	return rc;
}

static int known_top(const struct dm_form *f, const char *name)
{
	static const char *const common[] = { "meta", "date_of_information", "geo_method", "shape", "location",
					      "tp", "photo", "organisation", "formhub", "__version__", NULL };
	size_t i;
	for (i = 0; common[i]; i++)
		if (!strcmp(common[i], name))
			return 1;
	return f->child_type && !strcmp(f->child_type, name);
}

static int check_unknown(const struct dm_form *f, const struct dm_type *t, const xmlNode *parent, const char *prefix,
			 struct dm_error *err)
{
	const xmlNode *c;
	const struct dm_field *fd;
	int rc = 0;
	for (c = parent->children; c; c = c->next) {
		if (!is_elem(c, NULL) || (!*prefix && known_top(f, (const char *)c->name)))
			continue;
		fd = dm_type_field(t, (const char *)c->name);
		if (!fd || !dm_form_asks(f, t, fd)) {
			dm_error_add(err, (const char *)c->name, "form %s has no question '%s%.60s'", f->id, prefix,
				     (const char *)c->name);
			rc = DM_EINVAL;
		}
	}
	return rc;
}

static int read_meta(const xmlNode *root, struct dm_submission *out, struct dm_error *err)
{
	const xmlNode *meta = child(root, "meta");
	char *id = meta ? elem_text(child(meta, "instanceID")) : NULL;
	char *dep = meta ? elem_text(child(meta, "deprecatedID")) : NULL;
	int rc = 0;
	if (!id || !*id) {
		dm_error_add(err, "meta/instanceID", "the submission has no meta/instanceID");
		rc = DM_EINVAL;
	} else if (strlen(id) >= sizeof(out->instance_id) || !dm_utf8_valid(id)) {
		dm_error_add(err, "meta/instanceID", "meta/instanceID is longer than %zu bytes",
			     sizeof(out->instance_id) - 1);
		rc = DM_EINVAL;
	} else {
		snprintf(out->instance_id, sizeof(out->instance_id), "%s", id);
	}
	if (dep && *dep && strlen(dep) < sizeof(out->deprecated_id))
		snprintf(out->deprecated_id, sizeof(out->deprecated_id), "%s", dep);
	free(id);
	free(dep);
	return rc;
}

static int read_geometry(struct dm_geo *g, const struct dm_form *f, const xmlNode *root, json_t *doc,
			 struct dm_error *err)
{
	char *method = NULL, *text = NULL;
	const char *which = f->geo == DM_FORM_GEO_SHAPE ? "shape" : "location";
	json_t *geom = NULL;
	if (f->geo == DM_FORM_GEO_AREA_ANY) {
		method = elem_text(child(root, "geo_method"));
		if (!method || !*method) {
			dm_error_add(err, "geo_method", "geo_method is required: polygon, turning_points or point");
			free(method);
			return DM_EINVAL;
		}
		if (!strcmp(method, "turning_points")) {
			geom = tp_geometry(g, child(root, "tp"), err);
			free(method);
			goto done;
		}
		if (strcmp(method, "polygon") && strcmp(method, "point")) {
			dm_error_add(err, "geo_method", "'%.40s' is not polygon, turning_points or point", method);
			free(method);
			return DM_EINVAL;
		}
		which = !strcmp(method, "polygon") ? "shape" : "location";
		free(method);
	}
	text = elem_text(child(root, which));
	if (!text || !*text)
		dm_error_add(err, which, "%s is required", which);
	else if (!strcmp(which, "shape"))
		geom = shape_geometry(text, which, err);
	else
		geom = point_geometry(text, which, err);
	free(text);
done:
	if (!geom)
		return DM_EINVAL;
	json_object_set_new(doc, "geometry", geom);
	return 0;
}

static int read_files(const xmlNode *root, json_t *files, struct dm_error *err)
{
	const xmlNode *c;
	char *t;
	for (c = root->children; c; c = c->next) {
		if (!is_elem(c, "photo"))
			continue;
		t = elem_text(child(c, "image"));
		if (t && *t) {
			if (json_array_size(files) >= MAX_FILES || strchr(t, '/') || !dm_utf8_valid(t)) {
				dm_error_add(err, "photo/image", "photo '%.60s' is not a plain file name (or more than %d)",
					     t, MAX_FILES);
				free(t);
				return DM_EINVAL;
			}
			json_array_append_new(files, json_string(t));
		}
		free(t);
	}
	return 0;
}

static int read_children(const struct dm_schema *s, const struct dm_form *f, const xmlNode *root,
			 json_t *children, struct dm_error *err)
{
	const struct dm_type *t = f->child_type ? dm_schema_type(s, f->child_type) : NULL;
	const xmlNode *c;
	char prefix[80];
	json_t *doc;
	int rc = 0;
	size_t i = 0;
	for (c = root->children; t && c; c = c->next) {
		if (!is_elem(c, f->child_type))
			continue;
		if (++i > MAX_CHILDREN) {
			dm_error_add(err, f->child_type, "more than %d %s records in one submission", MAX_CHILDREN,
				     f->child_type);
			return DM_EINVAL;
		}
		snprintf(prefix, sizeof(prefix), "%s[%zu]/", f->child_type, i);
		doc = json_object();
		rc |= check_unknown(f, t, c, prefix, err);
		rc |= read_record(f, t, c, prefix, doc, err);
		if (json_object_size(doc) == 0) { /* an empty repeat Collect leaves behind */
			json_decref(doc);
			continue;
		}
		json_array_append_new(children, doc);
	}
	return rc;
}

static int refuse_dtd(const char *xml, size_t len, struct dm_error *err)
{
	if (memmem(xml, len, "<!DOCTYPE", 9) || memmem(xml, len, "<!ENTITY", 8) || memmem(xml, len, "<!doctype", 9))
		return dm_error_set(err, DM_EINVAL, "xml_submission_file",
				    "the submission holds a DTD or an entity declaration (<!DOCTYPE, <!ENTITY): refused,"
				    " a submission is plain XML");
	return 0;
}

static xmlDoc *parse_xml(const char *xml, size_t len, struct dm_error *err)
{
	xmlParserCtxt *ctx = xmlNewParserCtxt();
	const xmlError *e;
	xmlDoc *doc;
	if (!ctx) {
		dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	/* no NOENT (entities stay unexpanded), no DTDLOAD, no network, no HUGE limits */
	doc = xmlCtxtReadMemory(ctx, xml, (int)len, "submission.xml", "UTF-8",
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (!doc || !ctx->wellFormed) {
		e = xmlCtxtGetLastError(ctx);
		dm_error_set(err, DM_EINVAL, "xml_submission_file", "the submission is not well-formed XML: line %d: %s",
			     e ? e->line : 0, e && e->message ? dm_str_trim(e->message) : "parse error");
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (doc->intSubset || doc->extSubset) {
		dm_error_set(err, DM_EINVAL, "xml_submission_file", "the submission holds a DTD: refused");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctx);
	return doc;
}

static int encrypted(const xmlNode *root)
{
	xmlChar *a = xmlGetProp(root, (const xmlChar *)"encrypted");
	int yes = a && !strcmp((const char *)a, "yes");
	xmlFree(a);
	return yes || child(root, "base64EncryptedKey") || child(root, "encryptedXmlFile");
}

static int read_root(struct dm_geo *g, const struct dm_schema *s, const xmlNode *root,
		     const char *(*current_version)(const struct dm_form *f, void *arg), void *arg,
		     struct dm_submission *out, struct dm_error *err)
{
	xmlChar *id = xmlGetProp(root, (const xmlChar *)"id"), *ver = xmlGetProp(root, (const xmlChar *)"version");
	const struct dm_form *f = NULL;
	const struct dm_type *t;
	const char *cur;
	char *doi;
	int rc = 0;
	if (encrypted(root)) {
		rc = dm_error_set(err, DM_EINVAL, "encrypted", "encrypted submissions are refused: demine's forms are not"
				  " encrypted and the server holds no private key; remove the form's encryption key and"
				  " send it again");
		goto out;
	}
	if (!id || !(f = dm_form_find((const char *)id))) {
		rc = dm_error_set(err, DM_ENOTFOUND, "form", "form '%.60s' does not exist on this server (demine_nts,"
				  " demine_ts, demine_release, demine_eo, demine_accident, demine_eore)",
				  id ? (const char *)id : "(no id attribute)");
		goto out;
	}
	out->form = f;
	cur = current_version(f, arg);
	if (!ver || !cur || strcmp((const char *)ver, cur)) {
		rc = dm_error_set(err, DM_ENOTFOUND, "version", "form %s version '%.40s' does not exist (the current"
				  " version is %s): download the form again and fill it anew", f->id,
				  ver ? (const char *)ver : "(none)", cur ? cur : "?");
		goto out;
	}
	snprintf(out->version, sizeof(out->version), "%s", (const char *)ver);
	t = dm_schema_type(s, f->type);
	out->record = json_object();
	out->children = json_array();
	out->files = json_array();
	if (!t || !out->record || !out->children || !out->files) {
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		goto out;
	}
	rc |= read_meta(root, out, err);
	rc |= check_unknown(f, t, root, "", err);
	rc |= read_record(f, t, root, "", out->record, err);
	rc |= read_geometry(g, f, root, out->record, err);
	rc |= read_children(s, f, root, out->children, err);
	rc |= read_files(root, out->files, err);
	doi = elem_text(child(root, "date_of_information"));
	if (doi && *doi)
		json_object_set_new(out->record, "date_of_information", json_string(doi));
	free(doi);
	if (child(root, "organisation") && (doi = elem_text(child(root, "organisation")))) {
		if (*doi)
			json_object_set_new(out->record, "organisation", json_string(doi));
		free(doi);
	}
	for (size_t i = 0; i < sizeof(f->fixed) / sizeof(f->fixed[0]) && f->fixed[i].field; i++)
		json_object_set_new(out->record, f->fixed[i].field, json_string(f->fixed[i].value));
	if (rc && !err->code)
		dm_error_set(err, DM_EINVAL, err->ndetails ? err->details[0].field : NULL, "submission of form %s: %s",
			     f->id, err->ndetails ? err->details[0].message : "invalid");
out:
	xmlFree(id);
	xmlFree(ver);
	return rc ? (err->code ? err->code : DM_EINVAL) : 0;
}

int dm_xform_read(struct dm_geo *g, const struct dm_schema *s, const char *xml, size_t len,
		  const char *(*current_version)(const struct dm_form *f, void *arg), void *arg,
		  struct dm_submission *out, struct dm_error *err)
{
	xmlDoc *doc;
	int rc;
	memset(out, 0, sizeof(*out));
	if (!len)
		return dm_error_set(err, DM_EINVAL, "xml_submission_file", "the submission is empty");
	if (len > (size_t)8 << 20)
		return dm_error_set(err, DM_ELIMIT, "xml_submission_file", "the submission XML is larger than 8 MB");
	if ((rc = refuse_dtd(xml, len, err)))
		return rc;
	if (!(doc = parse_xml(xml, len, err)))
		return err->code;
	rc = read_root(g, s, xmlDocGetRootElement(doc), current_version, arg, out, err);
	xmlFreeDoc(doc);
	if (rc) { /* the form and ids stay: a refused submission is kept under its instanceID */
		json_decref(out->record);
		json_decref(out->children);
		json_decref(out->files);
		out->record = out->children = out->files = NULL;
	}
	return rc;
}
