/* server_ogc.c: OGC API - Features Part 1 (Core, GeoJSON) at /ogc: the landing page,
 * conformance, the record types with geometry as collections, and their features, read
 * through the library's listing so every role rule applies as in the record API. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "demine/geo.h"
#include "server.h"

#define OGC_LIMIT_DEFAULT 10
#define OGC_LIMIT_MAX 10000
#define CRS84 "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#define CONF "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
#define GEOJSON "application/geo+json"
#define JSON "application/json"

/* Part 2: the CRSs features and bbox may be given in, by URI, and the code dm_geo takes. */
static const struct ogc_crs {
	const char *uri, *epsg;
} crs_table[] = {
	{ CRS84, NULL },
	{ "http://www.opengis.net/def/crs/EPSG/0/32638", "EPSG:32638" }, /* UTM 38N */
	{ "http://www.opengis.net/def/crs/EPSG/0/32639", "EPSG:32639" }, /* UTM 39N */
	{ "http://www.opengis.net/def/crs/EPSG/0/3857", "EPSG:3857" },   /* Web Mercator */
};
#define NCRS (sizeof(crs_table) / sizeof(crs_table[0]))

static const struct ogc_crs *crs_by_uri(const char *uri)
{
	size_t i;
	for (i = 0; i < NCRS; i++)
		if (!strcmp(crs_table[i].uri, uri))
			return &crs_table[i];
	return NULL;
}

static json_t *crs_list(void)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; i < NCRS; i++)
		json_array_append_new(a, json_string(crs_table[i].uri));
	return a;
}

/* Azerbaijan: the extent of a collection that has no geometry yet. */
static const double home_bbox[4] = { 44.77, 38.39, 50.39, 41.91 };

/* ---- links ---- */

/* "http(s)://host:port" as the client reached us, for absolute links (clients such as GDAL
 * resolve a link starting with '/' against the landing page, not the host). */
static void base_url(struct req *r, char *out, size_t n)
{
	const char *host = srv_header(r, MHD_HTTP_HEADER_HOST);
	const char *proto = srv_header(r, "X-Forwarded-Proto");
	size_t i;
	int ok = host && *host && strlen(host) < 256;
	for (i = 0; ok && host[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]", host[i]))
			ok = 0;
	snprintf(out, n, "%s://%s", proto && !strcmp(proto, "https") ? "https" : "http",
		 ok ? host : r->srv->opts.addr);
}

/* {"href","rel","type","title"} with the href formatted from fmt. */
static json_t *ogc_link(const char *rel, const char *type, const char *title, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static json_t *ogc_link(const char *rel, const char *type, const char *title, const char *fmt, ...)
{
	va_list ap;
	json_t *href;
	va_start(ap, fmt);
	href = json_vsprintf(fmt, ap);
	va_end(ap);
	return json_pack("{s:o, s:s, s:s, s:s?}", "href", href, "rel", rel, "type", type, "title", title);
}

static void url_encode(struct dm_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.~,:", c))
			dm_buf_addf(b, "%c", c);
		else
			dm_buf_addf(b, "%%%02X", c);
	}
}

/* ---- landing page and conformance ---- */

enum MHD_Result srv_ogc_landing(struct req *r)
{
	char base[300];
	json_t *links;
	base_url(r, base, sizeof(base));
	links = json_array();
	json_array_append_new(links, ogc_link("self", JSON, "This document", "%s/ogc", base));
	json_array_append_new(links, ogc_link("service-desc", "application/vnd.oai.openapi+json;version=3.0",
					  "The API definition (OpenAPI 3.0)", "%s/ogc/api", base));
	json_array_append_new(links, ogc_link("service-desc", "application/vnd.oai.openapi+json;version=3.1",
					  "The API definition (OpenAPI 3.1)", "%s/openapi.json", base));
	json_array_append_new(links, ogc_link("conformance", JSON, "The OGC API conformance classes this server implements",
					  "%s/ogc/conformance", base));
	json_array_append_new(links, ogc_link("data", JSON, "The feature collections", "%s/ogc/collections", base));
	return srv_json(r, 200, json_pack("{s:s, s:s, s:o}", "title", "demine",
					  "description", "Mine action records (hazards, land release, explosive ordnance, "
					  "accidents, risk education, places) as OGC API - Features",
					  "links", links));
}

enum MHD_Result srv_ogc_conformance(struct req *r)
{
	/* oas30: the OpenAPI 3.0 document at /ogc/api (and /api); /openapi.json stays 3.1 */
	return srv_json(r, 200, json_pack("{s:[s, s, s, s, s, s, s]}", "conformsTo", CONF "core", CONF "geojson",
					  CONF "oas30", "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
					  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
					  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
					  "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas"));
}

/* ---- collections ---- */

/* A collection: a record type with geometry, or one geometry family of a type that has two
 * (hazard: the areas, hazard_point: the hazards known only by a point), because GIS clients
 * (QGIS's OAPIF layer, GeoPackage) take one geometry type per layer. */
struct ogc_coll {
	const struct dm_type *t;
	enum dm_geom_family fam;
	char id[80];
};

#define POINT_SUFFIX "_point"

static void coll_init(struct ogc_coll *c, const struct dm_type *t, enum dm_geom_family fam)
{
	c->t = t;
	c->fam = fam;
	snprintf(c->id, sizeof(c->id), "%s%s", t->name, fam == DM_FAMILY_POINT ? POINT_SUFFIX : "");
}

/* The collection of an id: 0, or -1 after a 404 (no such type, or no geometry). */
static int collection_of(struct req *r, const char *id, struct ogc_coll *c, enum MHD_Result *sent)
{
	const struct dm_schema *s = dm_db_schema(r->db);
	const struct dm_type *t = dm_schema_type(s, id);
	size_t n = strlen(id), sl = strlen(POINT_SUFFIX);
	char base[80];
	if (t && t->geom != DM_GEOM_NONE) {
		coll_init(c, t, dm_type_has_point_family(t) ? DM_FAMILY_AREA : DM_FAMILY_ALL);
		return 0;
	}
	if (n > sl && n - sl < sizeof(base) && !strcmp(id + n - sl, POINT_SUFFIX)) {
		snprintf(base, sizeof(base), "%.*s", (int)(n - sl), id);
		t = dm_schema_type(s, base);
		if (t && dm_type_has_point_family(t)) {
			coll_init(c, t, DM_FAMILY_POINT);
			return 0;
		}
	}
	*sent = srv_error(r, 404, "not_found", "collectionId", "no collection '%s'; GET /ogc/collections lists them", id);
	return -1;
}

/* The record type of the request's collection, or NULL after a 404. */
static const struct dm_type *collection_type(struct req *r, struct ogc_coll *c, enum MHD_Result *sent)
{
	return collection_of(r, r->param[0], c, sent) ? NULL : c->t;
}

static json_t *collection_extent(const struct dm_list_summary *s)
{
	const double *b = s->has_bbox ? s->bbox : home_bbox;
	char from[32], to[32];
	snprintf(from, sizeof(from), "%sT00:00:00Z", s->first_date);
	snprintf(to, sizeof(to), "%sT23:59:59Z", s->last_date);
	return json_pack("{s:{s:[[f, f, f, f]], s:s}, s:{s:[[s?, s?]], s:s}}", "spatial", "bbox", b[0], b[1], b[2],
			 b[3], "crs", CRS84, "temporal", "interval", s->first_date[0] ? from : NULL,
			 s->last_date[0] ? to : NULL, "trs", "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian");
}

/* One collection's description; NULL with err set when the library refuses. */
static json_t *collection(struct req *r, const struct ogc_coll *c, const char *base, struct dm_error *err)
{
	const struct dm_type *t = c->t;
	struct dm_list_opts o = { 0 };
	struct dm_list_summary sum;
	char title[300];
	const char *label = t->label_en ? t->label_en : t->name;
	o.family = c->fam;
	if (dm_record_list_summary(r->db, &r->who, t->name, &o, &sum, err))
		return NULL;
	snprintf(title, sizeof(title), "%s%s", label, c->fam == DM_FAMILY_POINT ? " (points)"
					      : c->fam == DM_FAMILY_AREA ? (t->geom == DM_GEOM_ANY ? " (polygons and lines)" : " (polygons)")
					      : "");
	return json_pack("{s:s, s:s, s:s?, s:o, s:s, s:o, s:s, s:[o, o, o, o, o]}", "id", c->id, "title", title,
		      "description", t->help, "extent", collection_extent(&sum),
		      "itemType", "feature", "crs", crs_list(), "storageCrs", CRS84, "links",
		      ogc_link("self", JSON, "This collection", "%s/ogc/collections/%s", base, c->id),
		      ogc_link("items", GEOJSON, "The features of this collection", "%s/ogc/collections/%s/items", base,
			   c->id),
		      ogc_link("http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json",
			   "The properties features can be filtered on", "%s/ogc/collections/%s/queryables", base, c->id),
		      ogc_link("http://www.opengis.net/def/rel/ogc/1.0/schema", "application/schema+json",
			   "The schema of the features", "%s/ogc/collections/%s/schema", base, c->id),
		      ogc_link("describedby", "application/schema+json", "The schema of the features",
			   "%s/ogc/collections/%s/schema", base, c->id));
}

static enum MHD_Result answer_err(struct req *r, struct dm_error *err)
{
	enum MHD_Result sent;
	/* The library's refusals of a query (a bad filter value or cursor) are bad requests here. */
	if (err->code == DM_EINVAL || err->code == DM_EUSAGE)
		sent = srv_error(r, 400, "bad_request", !strcmp(err->field, "after_id") ? "cursor" : err->field, "%s",
				 err->message);
	else
		sent = srv_dm_error(r, err);
	dm_error_release(err);
	return sent;
}

enum MHD_Result srv_ogc_collections(struct req *r)
{
	const struct dm_schema *s = dm_db_schema(r->db);
	struct dm_error err;
	char base[300];
	json_t *list = json_array(), *c;
	size_t i;
	base_url(r, base, sizeof(base));
	dm_error_init(&err);
	for (i = 0; i < s->ntypes; i++) {
		const struct dm_type *t = &s->types[i];
		struct ogc_coll oc;
		int fam, two = dm_type_has_point_family(t);
		/* only the types this role may read at all (the public role sees fewer) */
		if (t->geom == DM_GEOM_NONE || dm_auth_check_read_type(&r->who, t->name, NULL))
			continue;
		for (fam = two ? DM_FAMILY_AREA : DM_FAMILY_ALL; fam <= (two ? DM_FAMILY_POINT : DM_FAMILY_ALL); fam++) {
			coll_init(&oc, t, (enum dm_geom_family)fam);
			if (!(c = collection(r, &oc, base, &err))) {
				json_decref(list);
				return answer_err(r, &err);
			}
			json_array_append_new(list, c);
		}
	}
	return srv_json(r, 200, json_pack("{s:[o], s:o}", "links",
					  ogc_link("self", JSON, "This document", "%s/ogc/collections", base),
					  "collections", list));
}

enum MHD_Result srv_ogc_collection(struct req *r)
{
	const struct dm_type *t;
	struct ogc_coll oc;
	struct dm_error err;
	enum MHD_Result sent;
	char base[300];
	json_t *c;
	if (!(t = collection_type(r, &oc, &sent)))
		return sent;
	base_url(r, base, sizeof(base));
	dm_error_init(&err);
	if (dm_auth_check_read_type(&r->who, t->name, &err) || !(c = collection(r, &oc, base, &err)))
		return answer_err(r, &err);
	return srv_json(r, 200, c);
}

/* ---- features ---- */

/* A record as an RFC 7946 Feature with the properties of `demine export --format geojson`. */
static json_t *feature(struct req *r, const struct dm_record *rec, const char *epsg)
{
	json_t *doc = dm_record_to_json(r->db, &r->who, rec, epsg), *f;
	if (!doc)
		return NULL;
	f = json_pack("{s:s, s:s, s:O}", "type", "Feature", "id", rec->id, "geometry", json_object_get(doc, "geometry"));
	json_object_del(doc, "geometry");
	json_object_del(doc, "id");
	json_object_set_new(f, "properties", doc);
	return f;
}

/* The common members a query may filter on, besides the type's own fields. */
static const char *const common_filters[] = { "code", "external_id", "organisation", "location", "status", NULL };

struct items_q {
	struct req *r;
	const struct dm_type *t;
	struct ogc_coll c;
	struct dm_list_opts o;
	json_t *filters, *seen;
	double bbox[4];
	int has_bbox;
	const struct ogc_crs *crs, *bbox_crs; /* crs= and bbox-crs= (NULL: CRS84) */
	char from[11], to[11];
	int64_t limit;
	char bad[512], bad_field[64];
	struct dm_buf query; /* the query without cursor=, for self and next links */
	json_t *features;
	char last_id[37];
	int more, failed;
};

/* Notes why the query is refused (the first problem is the one reported); returns -1. */
static int refuse(struct items_q *q, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(struct items_q *q, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (q->bad[0])
		return -1;
	va_start(ap, fmt);
	vsnprintf(q->bad, sizeof(q->bad), fmt, ap);
	va_end(ap);
	snprintf(q->bad_field, sizeof(q->bad_field), "%s", field);
	return -1;
}

/* limit: a whole number >= 1; above the maximum it is clamped, as the standard asks. */
static void parse_limit(struct items_q *q, const char *v)
{
	char *end;
	long long n;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (!*v || *end || (errno && errno != ERANGE) || n < 1) {
		refuse(q, "limit", "limit must be a whole number from 1 to %d, not '%.40s'", OGC_LIMIT_MAX, v);
		return;
	}
	q->limit = n > OGC_LIMIT_MAX || errno == ERANGE ? OGC_LIMIT_MAX : n;
}

/* bbox: four numbers minx,miny,maxx,maxy, or six with the heights minx,miny,minz,maxx,maxy,maxz
 * (/req/core/fc-bbox-definition; the heights are ignored: records are 2D). Checked once every
 * parameter is read (check_bbox), since bbox-crs may come after it. */
static void parse_bbox(struct items_q *q, const char *v)
{
	double n[6];
	const char *p = v;
	char *end;
	int i, k = 0;
	for (i = 0; i < 6; i++) {
		n[i] = strtod(p, &end);
		if (end == p || !isfinite(n[i]) || (*end && *end != ','))
			break;
		k++;
		if (!*end)
			break;
		p = end + 1;
	}
	if ((k != 4 && k != 6) || *end || end == p) {
		refuse(q, "bbox", "bbox must be four numbers minx,miny,maxx,maxy (or six with minz and maxz), not '%.80s'", v);
		return;
	}
	q->bbox[0] = n[0];
	q->bbox[1] = n[1];
	q->bbox[2] = n[k == 6 ? 3 : 2];
	q->bbox[3] = n[k == 6 ? 4 : 3];
	q->has_bbox = 1;
}

/* A bbox given in a projected bbox-crs into CRS84: the box of its edges, sampled (straight in
 * metres, curved in degrees). */
static int bbox_to_crs84(struct items_q *q, struct dm_error *err)
{
	struct dm_geo *g = dm_db_geo(q->r->db);
	double b[4] = { INFINITY, INFINITY, -INFINITY, -INFINITY }, x, y;
	int i, side, rc;
	for (side = 0; side < 4; side++) {
		for (i = 0; i <= 8; i++) {
			double t = i / 8.0;
			x = side < 2 ? q->bbox[0] + t * (q->bbox[2] - q->bbox[0]) : q->bbox[side == 2 ? 0 : 2];
			y = side < 2 ? q->bbox[side == 0 ? 1 : 3] : q->bbox[1] + t * (q->bbox[3] - q->bbox[1]);
			if (!g || (rc = dm_geo_transform_point(g, q->bbox_crs->epsg, "EPSG:4326", &x, &y, err)))
				return g ? rc : dm_error_set(err, DM_EIO, NULL, "no geometry context");
			b[0] = fmin(b[0], x);
			b[1] = fmin(b[1], y);
			b[2] = fmax(b[2], x);
			b[3] = fmax(b[3], y);
		}
	}
	memcpy(q->bbox, b, sizeof(b));
	return 0;
}

/* The bbox in CRS84, in range; minx > maxx is a box across the antimeridian (two boxes: minx
 * to 180 and -180 to maxx), which the listing reads as such. */
static void check_bbox(struct items_q *q, const char *v)
{
	struct dm_error err;
	if (!q->has_bbox || q->bad[0])
		return;
	if (q->bbox_crs && q->bbox_crs->epsg) {
		if (q->bbox[0] > q->bbox[2] || q->bbox[1] > q->bbox[3]) {
			refuse(q, "bbox", "bbox '%.80s' in %s: the minimum is greater than the maximum", v, q->bbox_crs->uri);
			return;
		}
		dm_error_init(&err);
		if (bbox_to_crs84(q, &err))
			refuse(q, "bbox", "bbox '%.80s' cannot be transformed from %s: %s", v, q->bbox_crs->uri, err.message);
		dm_error_release(&err);
		if (q->bad[0])
			return;
	}
	if (fabs(q->bbox[0]) > 180 || fabs(q->bbox[2]) > 180 || fabs(q->bbox[1]) > 90 || fabs(q->bbox[3]) > 90)
		refuse(q, "bbox", "bbox '%.80s' is outside -180..180 longitude, -90..90 latitude", v);
	else if (q->bbox[1] > q->bbox[3])
		refuse(q, "bbox", "bbox '%.80s': minlat is greater than maxlat", v);
	q->o.bbox = q->bbox;
}

/* crs / bbox-crs: one of crs_table's URIs; anything else is refused naming it. */
static const struct ogc_crs *parse_crs(struct items_q *q, const char *k, const char *v)
{
	const struct ogc_crs *c = crs_by_uri(v);
	if (!c)
		refuse(q, k, "%s '%.200s' is not a CRS this server offers: give one of the collection's crs (%s,"
		       " http://www.opengis.net/def/crs/EPSG/0/32638, .../32639, .../3857)", k, v, CRS84);
	return c;
}

static int two_digits(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

/* An RFC 3339 date or date-time into its UTC calendar date (date_of_information is a date).
 * Returns 0, or -1 when s is not one. */
static int instant_date(const char *s, char out[11])
{
	char day[11];
	int hh, mm, ss, oh = 0, om = 0, sign = 0;
	long days;
	const char *p;
	if (strlen(s) < 10)
		return -1;
	memcpy(day, s, 10);
	day[10] = 0;
	if (!dm_is_date(day))
		return -1;
	if (!s[10]) {
		memcpy(out, day, 11);
		return 0;
	}
	p = s + 10;
	if ((*p != 'T' && *p != 't') || two_digits(p + 1, &hh) || p[3] != ':' || two_digits(p + 4, &mm) ||
	    p[6] != ':' || two_digits(p + 7, &ss) || hh > 23 || mm > 59 || ss > 60)
		return -1;
	p += 9;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
		if (p[-1] == '.')
			return -1;
	}
	if ((*p == 'Z' || *p == 'z') && !p[1]) {
		sign = 0;
	} else if ((*p == '+' || *p == '-') && !two_digits(p + 1, &oh) && p[3] == ':' && !two_digits(p + 4, &om) &&
		   !p[6] && oh < 24 && om < 60) {
		sign = *p == '+' ? 1 : -1;
	} else {
		return -1;
	}
	/* local time minus the offset is UTC; only the day can change */
	days = dm_date_days(day);
	mm = hh * 60 + mm - sign * (oh * 60 + om);
	if (mm < 0)
		days--;
	else if (mm >= 24 * 60)
		days++;
	dm_days_to_date(days, out);
	return 0;
}

/* datetime: an instant, or an interval start/end where '..' or nothing leaves an end open. */
static int parse_datetime(struct items_q *q, const char *v)
{
	const char *slash = strchr(v, '/');
	char a[64], b[64];
	if (!slash) {
		if (instant_date(v, q->from)) {
			return refuse(q, "datetime", "datetime '%.80s' is not an RFC 3339 date or date-time "
				      "(2024-01-31, 2024-01-31T10:00:00Z) or an interval (2023-01-01/2023-12-31, ../2024-01-01)", v);
		}
		memcpy(q->to, q->from, sizeof(q->to));
		q->o.from = q->from;
		q->o.to = q->to;
		return 0;
	}
	snprintf(a, sizeof(a), "%.*s", (int)(slash - v), v);
	snprintf(b, sizeof(b), "%s", slash + 1);
	if (strchr(b, '/') || strlen(v) > 100) {
		return refuse(q, "datetime", "datetime '%.80s' has more than one '/'", v);
	}
	if (a[0] && strcmp(a, "..")) {
		if (instant_date(a, q->from))
			return refuse(q, "datetime", "datetime '%.80s': the start '%s' is not an RFC 3339 date or date-time", v, a);
		q->o.from = q->from;
	}
	if (b[0] && strcmp(b, "..")) {
		if (instant_date(b, q->to))
			return refuse(q, "datetime", "datetime '%.80s': the end '%s' is not an RFC 3339 date or date-time", v, b);
		q->o.to = q->to;
	}
	if (q->o.from && q->o.to && strcmp(q->from, q->to) > 0)
		return refuse(q, "datetime", "datetime '%.80s': the start is after the end", v);
	return 0;
}

static int filterable(const struct dm_field *f)
{
	return !(f->flags & DM_FF_PERSONAL) && f->type != DM_F_REAL && f->type != DM_F_AREA &&
	       f->type != DM_F_MONEY && f->type != DM_F_DECIMAL && f->type != DM_F_JSON;
}

/* A property filter ?name=value: the value checked against the field's type, then passed in
 * the text form the library compares with the stored column. */
static int parse_property(struct items_q *q, const char *k, const char *v)
{
	const struct dm_field *f = dm_type_field(q->t, k);
	const char *const *c;
	struct dm_error err;
	json_t *val = NULL, *one;
	char num[32], msg[256];
	if (!f) {
		if (!strcmp(k, "status")) {
			for (c = dm_status_values; *c && strcmp(*c, v); c++)
				;
			if (!*c)
				return refuse(q, k, "status must be draft, submitted, approved or rejected, not '%.80s'", v);
			q->o.status = v;
		} else if ((!strcmp(k, "organisation") || !strcmp(k, "location")) && !dm_is_uuid(v)) {
			return refuse(q, k, "%s must be a UUID, not '%.80s'", k, v);
		} else {
			json_object_set_new(q->filters, k, json_pack("[s]", v));
		}
		return 0;
	}
	if (!filterable(f))
		return refuse(q, k, "%s features cannot be filtered on '%s'%s", q->t->name, k,
			      (f->flags & DM_FF_PERSONAL) ? " (personal data)" : " (use a property with exact values)");
	dm_error_init(&err);
	if (dm_field_from_text(f, v, &val, &err) || !val || json_is_null(val)) {
		refuse(q, k, "%s: %s", k, err.message[0] ? err.message : "an empty value matches nothing");
		dm_error_release(&err);
		json_decref(val);
		return -1;
	}
	dm_error_release(&err);
	if (dm_field_check(f, val, msg, sizeof(msg))) {
		json_decref(val);
		return refuse(q, k, "%s: %s", k, msg);
	}
	one = json_is_array(val) ? json_array_get(val, 0) : val;
	if (json_is_array(val) && json_array_size(val) != 1)
		refuse(q, k, "%s: give one value, not '%.80s'", k, v);
	else if (json_is_boolean(one))
		json_object_set_new(q->filters, k, json_pack("[s]", json_is_true(one) ? "1" : "0"));
	else if (json_is_integer(one)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(one));
		json_object_set_new(q->filters, k, json_pack("[s]", num));
	} else if (json_is_string(one))
		json_object_set_new(q->filters, k, json_pack("[s]", json_string_value(one)));
	else
		refuse(q, k, "%s features cannot be filtered on '%s'", q->t->name, k);
	json_decref(val);
	return q->bad[0] ? -1 : 0;
}

static int is_common_filter(const char *k)
{
	const char *const *c;
	for (c = common_filters; *c; c++)
		if (!strcmp(*c, k))
			return 1;
	return 0;
}

static enum MHD_Result items_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct items_q *q = cls;
	if (!v)
		v = "";
	if (json_object_get(q->seen, k)) {
		refuse(q, k, "the parameter '%.60s' is given more than once", k);
		return MHD_YES;
	}
	json_object_set_new(q->seen, k, json_true());
	if (strcmp(k, "cursor")) {
		dm_buf_add(&q->query, q->query.len ? "&" : "?");
		url_encode(&q->query, k);
		dm_buf_add(&q->query, "=");
		url_encode(&q->query, v);
	}
	if (!strcmp(k, "limit"))
		parse_limit(q, v);
	else if (!strcmp(k, "bbox"))
		parse_bbox(q, v);
	else if (!strcmp(k, "crs"))
		q->crs = parse_crs(q, k, v);
	else if (!strcmp(k, "bbox-crs"))
		q->bbox_crs = parse_crs(q, k, v);
	else if (!strcmp(k, "datetime"))
		parse_datetime(q, v);
	else if (!strcmp(k, "cursor")) {
		if (!dm_is_uuid(v))
			refuse(q, k, "cursor must be the value of a next link, not '%.80s'", v);
		q->o.after_id = v;
	} else if (!strcmp(k, "f")) {
		if (strcmp(v, "json") && strcmp(v, "geojson"))
			refuse(q, k, "f must be json or geojson (the only encoding), not '%.40s'", v);
	} else if (dm_type_field(q->t, k) || is_common_filter(k))
		parse_property(q, k, v);
	else
		refuse(q, k, "unknown parameter '%.60s'; %s items take limit, bbox, datetime, cursor and the properties"
		       " of /api/v1/schema as filters (e.g. code=...)", k, q->t->name);
	return MHD_YES;
}

static int collect(struct dm_record *rec, void *arg)
{
	struct items_q *q = arg;
	json_t *f;
	if ((int64_t)json_array_size(q->features) >= q->limit) {
		q->more = 1; /* the one extra record only tells that a next page exists */
		return 1;
	}
	if (!(f = feature(q->r, rec, q->crs ? q->crs->epsg : NULL))) {
		q->failed = 1; /* out of memory: no silently short page */
		return 1;
	}
	json_array_append_new(q->features, f);
	memcpy(q->last_id, rec->id, sizeof(q->last_id));
	return 0;
}

/* The FeatureCollection of a page; matched < 0 leaves numberMatched out. */
static json_t *items_body(struct items_q *q, int64_t matched)
{
	char base[300], now[32];
	const char *qs = q->query.len ? q->query.s : "", *sep = q->query.len ? "&" : "?";
	json_t *links = json_array(), *fc;
	base_url(q->r, base, sizeof(base));
	if (q->o.after_id)
		json_array_append_new(links, ogc_link("self", GEOJSON, "This page", "%s/ogc/collections/%s/items%s%scursor=%s",
						  base, q->c.id, qs, sep, q->o.after_id));
	else
		json_array_append_new(links, ogc_link("self", GEOJSON, "This page", "%s/ogc/collections/%s/items%s", base,
						  q->c.id, qs));
	if (q->more)
		json_array_append_new(links, ogc_link("next", GEOJSON, "The next page", "%s/ogc/collections/%s/items%s%scursor=%s",
						  base, q->c.id, qs, sep, q->last_id));
	json_array_append_new(links, ogc_link("collection", JSON, "The collection", "%s/ogc/collections/%s", base, q->c.id));
	dm_now(now);
	memcpy(now + 19, "Z", 2); /* whole seconds */
	fc = json_pack("{s:s, s:O}", "type", "FeatureCollection", "features", q->features);
	if (matched >= 0)
		json_object_set_new(fc, "numberMatched", json_integer(matched));
	json_object_set_new(fc, "numberReturned", json_integer((json_int_t)json_array_size(q->features)));
	json_object_set_new(fc, "timeStamp", json_string(now));
	json_object_set_new(fc, "links", links);
	return fc;
}

enum MHD_Result srv_ogc_items(struct req *r)
{
	struct items_q q;
	struct dm_list_summary sum;
	struct dm_error err;
	enum MHD_Result sent;
	memset(&q, 0, sizeof(q));
	if (!(q.t = collection_type(r, &q.c, &sent)))
		return sent;
	q.o.family = q.c.fam;
	q.r = r;
	q.limit = OGC_LIMIT_DEFAULT;
	q.filters = json_object();
	q.seen = json_object();
	q.features = json_array();
	dm_buf_init(&q.query, 64 * 1024);
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, items_arg, &q);
	check_bbox(&q, srv_arg(r, "bbox"));
	dm_error_init(&err);
	if (q.bad[0]) {
		sent = srv_error(r, 400, "bad_request", q.bad_field, "%s", q.bad);
		goto out;
	}
	q.o.filters = json_object_size(q.filters) ? q.filters : NULL;
	/* numberMatched costs a count of every match: given on the first page only, which is where
	 * clients (GDAL, QGIS) read it, so walking a large table stays linear. */
	sum.count = -1;
	if (!q.o.after_id && dm_record_list_summary(r->db, &r->who, q.t->name, &q.o, &sum, &err)) {
		sent = answer_err(r, &err);
		goto out;
	}
	q.o.limit = q.limit + 1;
	if (dm_record_list(r->db, &r->who, q.t->name, &q.o, collect, &q, &err))
		sent = answer_err(r, &err);
	else if (q.failed)
		sent = srv_error(r, 500, "internal", NULL, "could not encode the features");
	else {
		char ccrs[128];
		struct srv_hdr hdr[2] = { { "Content-Crs", ccrs }, { NULL, NULL } };
		snprintf(ccrs, sizeof(ccrs), "<%s>", q.crs ? q.crs->uri : CRS84);
		sent = srv_json_h(r, 200, items_body(&q, sum.count), GEOJSON, hdr);
	}
out:
	dm_error_release(&err);
	json_decref(q.filters);
	json_decref(q.seen);
	json_decref(q.features);
	dm_buf_release(&q.query);
	return sent;
}

enum MHD_Result srv_ogc_item(struct req *r)
{
	const struct dm_type *t;
	struct ogc_coll oc;
	struct dm_record *rec = NULL;
	struct dm_error err;
	enum MHD_Result sent;
	char base[300], id[37];
	const char *tn = NULL;
	json_t *f;
	int point;
	const char *crs_arg = srv_arg(r, "crs");
	const struct ogc_crs *crs = crs_arg ? crs_by_uri(crs_arg) : &crs_table[0];
	char ccrs[128];
	struct srv_hdr hdr[2] = { { "Content-Crs", ccrs }, { NULL, NULL } };
	if (!(t = collection_type(r, &oc, &sent)))
		return sent;
	if (!crs)
		return srv_error(r, 400, "bad_request", "crs", "crs '%.200s' is not a CRS this server offers: give one of the"
				 " collection's crs (%s, http://www.opengis.net/def/crs/EPSG/0/32638, .../32639, .../3857)",
				 crs_arg, CRS84);
	snprintf(ccrs, sizeof(ccrs), "<%s>", crs->uri);
	if (!dm_is_uuid(r->param[1]))
		return srv_error(r, 404, "not_found", "featureId", "no feature '%.80s' in %s: a feature id is a UUID",
				 r->param[1], t->name);
	dm_error_init(&err);
	if (dm_auth_check_read_type(&r->who, t->name, &err))
		return answer_err(r, &err);
	if (dm_record_resolve(r->db, t->name, r->param[1], id, &tn, &err) ||
	    dm_record_get(r->db, &r->who, id, NULL, &rec, &err)) {
		if (err.code != DM_ENOTFOUND)
			return answer_err(r, &err);
		dm_error_release(&err);
		return srv_error(r, 404, "not_found", "featureId", "no feature '%s' in %s", r->param[1], t->name);
	}
	if (rec->deleted) {
		dm_record_free(rec);
		return srv_error(r, 404, "not_found", "featureId", "feature '%s' in %s was deleted", r->param[1], t->name);
	}
	/* the same rule as the listing's: a single point is the geometry whose box has no extent */
	point = rec->geom.wkb && rec->geom.minx == rec->geom.maxx && rec->geom.miny == rec->geom.maxy;
	if ((oc.fam == DM_FAMILY_POINT && !point) || (oc.fam == DM_FAMILY_AREA && point)) {
		dm_record_free(rec);
		return srv_error(r, 404, "not_found", "featureId", "feature '%s' is in the collection %s%s", r->param[1],
				 t->name, point ? POINT_SUFFIX : "");
	}
	base_url(r, base, sizeof(base));
	if ((f = feature(r, rec, crs->epsg)))
		json_object_set_new(f, "links", json_pack("[o, o]",
				    ogc_link("self", GEOJSON, "This feature", "%s/ogc/collections/%s/items/%s", base, oc.id, rec->id),
				    ogc_link("collection", JSON, "The collection", "%s/ogc/collections/%s", base, oc.id)));
	dm_record_free(rec);
	if (!f)
		return srv_error(r, 500, "internal", NULL, "could not encode the feature");
	return srv_json_h(r, 200, f, GEOJSON, hdr);
}

/* ---- OpenAPI ---- */

static json_t *oparam(const char *name, const char *in, json_t *schema, const char *desc, int required)
{
	return json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", name, "in", in, "required", required, "description", desc,
			 "schema", schema);
}

/* The query parameters of an items request (the filters come per collection). */
static void items_params(json_t *params)
{
	json_array_append_new(params, oparam("limit", "query", json_pack("{s:s, s:i, s:i, s:i}", "type", "integer",
					     "minimum", 1, "maximum", OGC_LIMIT_MAX, "default", OGC_LIMIT_DEFAULT),
					     "Features per page; larger values are clamped to the maximum", 0));
	/* /req/core/fc-bbox-definition: a comma-separated array, style form, explode false */
	json_t *bbox = oparam("bbox", "query", json_pack("{s:s, s:i, s:i, s:{s:s}}", "type", "array", "minItems", 4,
							 "maxItems", 6, "items", "type", "number"),
			      "minx,miny,maxx,maxy (or with minz and maxz) in bbox-crs (CRS84 by default); minx > maxx"
			      " crosses the antimeridian", 0);
	json_object_set_new(bbox, "style", json_string("form"));
	json_object_set_new(bbox, "explode", json_false());
	json_array_append_new(params, bbox);
	json_array_append_new(params, oparam("bbox-crs", "query", json_pack("{s:s, s:o, s:s}", "type", "string", "enum",
					     crs_list(), "default", CRS84), "The CRS of bbox (Part 2)", 0));
	json_array_append_new(params, oparam("datetime", "query", json_pack("{s:s}", "type", "string"),
					     "On date_of_information: an instant or an interval (2023-01-01/.., ../2024-01-01)", 0));
	json_array_append_new(params, oparam("cursor", "query", json_pack("{s:s}", "type", "string"),
					     "From the next link", 0));
	json_array_append_new(params, oparam("f", "query", json_pack("{s:s, s:[s, s], s:s}", "type", "string", "enum",
					     "json", "geojson", "default", "json"), "The encoding (GeoJSON only)", 0));
}

void srv_ogc_openapi_params(const struct srv_route *rt, json_t *params)
{
	if (strstr(rt->pattern, "/collections/{collectionId}"))
		json_array_append_new(params, oparam("collectionId", "path", json_pack("{s:s}", "type", "string"),
						     "A record type with geometry (GET /ogc/collections)", 1));
	if (strstr(rt->pattern, "/items/{featureId}"))
		json_array_append_new(params, oparam("featureId", "path", json_pack("{s:s, s:s}", "type", "string", "format", "uuid"),
						     "The record's UUID", 1));
	if (rt->fn == srv_ogc_items)
		items_params(params);
	if (rt->fn == srv_ogc_items || rt->fn == srv_ogc_item)
		json_array_append_new(params, oparam("crs", "query", json_pack("{s:s, s:o, s:s}", "type", "string", "enum",
						     crs_list(), "default", CRS84), "The CRS of the geometries (Part 2)", 0));
}

/* Per collection, its items operation with its own queryables as filters (OWSLib, GDAL and
 * code generators read these), besides the generic /ogc/collections/{collectionId}/items. */
void srv_ogc_openapi_paths(const struct dm_schema *s, json_t *paths)
{
	size_t i, j;
	for (i = 0; i < s->ntypes; i++) {
		const struct dm_type *t = &s->types[i];
		int fam, two = dm_type_has_point_family(t);
		if (t->geom == DM_GEOM_NONE)
			continue;
		for (fam = two ? DM_FAMILY_AREA : DM_FAMILY_ALL; fam <= (two ? DM_FAMILY_POINT : DM_FAMILY_ALL); fam++) {
			struct ogc_coll c;
			char path[160], op[160];
			json_t *params = json_array();
			coll_init(&c, t, (enum dm_geom_family)fam);
			items_params(params);
			json_array_append_new(params, oparam("crs", "query", json_pack("{s:s, s:o}", "type", "string", "enum",
							     crs_list()), "The CRS of the geometries (Part 2)", 0));
			for (j = 0; j < t->nfields; j++)
				if (filterable(&t->fields[j]) && !(t->fields[j].flags & DM_FF_INTERNAL))
					json_array_append_new(params, oparam(t->fields[j].name, "query",
									     srv_field_schema(&t->fields[j]),
									     "Features whose value is this one", 0));
			snprintf(path, sizeof(path), "/ogc/collections/%s/items", c.id);
			snprintf(op, sizeof(op), "getOgcFeatures_%s", c.id);
			json_object_set_new(paths, path, json_pack("{s:{s:s, s:s, s:[s], s:o, s:{s:{s:s, s:{s:{s:{s:s}}}}}}}",
				"get", "operationId", op, "summary", "OGC API - Features: the features of one collection",
				"tags", "ogc", "parameters", params, "responses", "200", "description", "A GeoJSON FeatureCollection",
				"content", GEOJSON, "schema", "type", "object"));
		}
	}
}

/* ---- Part 3 queryables and Part 5 schema ---- */

/* The JSON Schema of a common member (id, code, status, ...), from its JSON type. */
static json_t *member_schema(const struct dm_common_field *c)
{
	json_t *p = json_pack("{s:s}", "type", !strcmp(c->json_type, "integer") ? "integer"
					   : !strcmp(c->json_type, "boolean") ? "boolean" : "string");
	if (!strcmp(c->name, "id") || !strcmp(c->name, "organisation") || !strcmp(c->name, "location"))
		json_object_set_new(p, "format", json_string("uuid"));
	else if (!strcmp(c->name, "date_of_information"))
		json_object_set_new(p, "format", json_string("date"));
	else if (!strcmp(c->name, "status"))
		json_object_set_new(p, "enum", json_pack("[s, s, s, s]", "draft", "submitted", "approved", "rejected"));
	if (c->help)
		json_object_set_new(p, "description", json_string(c->help));
	if (c->readonly)
		json_object_set_new(p, "readOnly", json_true());
	return p;
}

static const char *geometry_format(const struct ogc_coll *c)
{
	if (c->t->geom == DM_GEOM_POINT || c->fam == DM_FAMILY_POINT)
		return "geometry-point";
	if (c->t->geom == DM_GEOM_AREA)
		return "geometry-polygon-or-multipolygon";
	return c->fam == DM_FAMILY_AREA ? "geometry-any" : "geometry-any";
}

/* A JSON Schema document of the collection's properties as the caller may see them (the same
 * rule as every output: dm_auth_sees_field, dm_auth_sees_member); queryables: only those the
 * items filter takes. */
static json_t *properties_schema(struct req *r, const struct ogc_coll *c, int queryables)
{
	const struct dm_common_field *cf;
	json_t *props = json_object(), *p;
	char base[300], url[512];
	size_t i, n;
	base_url(r, base, sizeof(base));
	snprintf(url, sizeof(url), "%s/ogc/collections/%s/%s", base, c->id, queryables ? "queryables" : "schema");
	if (!queryables)
		json_object_set_new(props, "geometry", json_pack("{s:s, s:s}", "format", geometry_format(c), "x-ogc-role",
								 "primary-geometry"));
	cf = dm_schema_common(&n);
	for (i = 0; i < n; i++) {
		if (!strcmp(cf[i].name, "geometry") || !dm_auth_sees_member(&r->who, cf[i].name) ||
		    (queryables && !is_common_filter(cf[i].name)))
			continue;
		p = member_schema(&cf[i]);
		if (!strcmp(cf[i].name, "id"))
			json_object_set_new(p, "x-ogc-role", json_string("id"));
		else if (!strcmp(cf[i].name, "date_of_information"))
			json_object_set_new(p, "x-ogc-role", json_string("primary-instant"));
		json_object_set_new(props, cf[i].name, p);
	}
	for (i = 0; i < c->t->nfields; i++) {
		const struct dm_field *f = &c->t->fields[i];
		if (!dm_auth_sees_field(&r->who, NULL, f->flags) || (queryables && !filterable(f)))
			continue;
		json_object_set_new(props, f->name, srv_field_schema(f));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:b}", "$schema", "https://json-schema.org/draft/2020-12/schema",
			 "$id", url, "type", "object", "title", c->t->label_en ? c->t->label_en : c->t->name,
			 "properties", props, "additionalProperties", !queryables);
}

static enum MHD_Result schema_answer(struct req *r, int queryables)
{
	struct ogc_coll oc;
	struct dm_error err;
	enum MHD_Result sent;
	if (!collection_type(r, &oc, &sent))
		return sent;
	dm_error_init(&err);
	if (dm_auth_check_read_type(&r->who, oc.t->name, &err))
		return answer_err(r, &err);
	return srv_json_h(r, 200, properties_schema(r, &oc, queryables), "application/schema+json", NULL);
}

enum MHD_Result srv_ogc_queryables(struct req *r)
{
	return schema_answer(r, 1);
}

enum MHD_Result srv_ogc_schema(struct req *r)
{
	return schema_answer(r, 0);
}
