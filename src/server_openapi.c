/* server_openapi.c: GET /openapi.json, an OpenAPI 3.1 document built from the route table
 * (server.c) and the record types of the database's schema, extras included. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "demine/schema.h"
#include "server.h"

static const char *const err_status[] = { "400", "401", "403", "404", "409", "412", "413", "415",
					  "422", "428", "429", NULL };

static json_t *ref(const char *name)
{
	char b[160];
	snprintf(b, sizeof(b), "#/components/schemas/%s", name);
	return json_pack("{s:s}", "$ref", b);
}

static json_t *str_array(const char *const *v)
{
	json_t *a = json_array();
	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/* "land_release" -> "LandRelease" */
static void pascal(const char *name, char *out, size_t n)
{
	size_t k = 0;
	int up = 1;
	for (; *name && k + 1 < n; name++) {
		if (*name == '_' || *name == '-') {
			up = 1;
			continue;
		}
		out[k++] = up ? (char)toupper((unsigned char)*name) : *name;
		up = 0;
	}
	out[k] = 0;
}

json_t *srv_field_schema(const struct dm_field *f)
{
	json_t *p = json_object();
	switch (f->type) {
	case DM_F_INT:
		json_object_set_new(p, "type", json_string("integer"));
		break;
	case DM_F_REAL:
	case DM_F_AREA:
		json_object_set_new(p, "type", json_string("number"));
		if (f->type == DM_F_AREA)
			json_object_set_new(p, "minimum", json_integer(0));
		break;
	case DM_F_BOOL:
		json_object_set_new(p, "type", json_string("boolean"));
		break;
	case DM_F_DATE:
		json_object_set_new(p, "type", json_string("string"));
		json_object_set_new(p, "format", json_string("date"));
		break;
	case DM_F_DATETIME:
		json_object_set_new(p, "type", json_string("string"));
		json_object_set_new(p, "format", json_string("date-time"));
		break;
	case DM_F_ENUM:
		json_object_set_new(p, "type", json_string("string"));
		json_object_set_new(p, "enum", str_array(f->values));
		break;
	case DM_F_SET:
		json_object_set_new(p, "type", json_string("array"));
		json_object_set_new(p, "items", json_pack("{s:s, s:o}", "type", "string", "enum", str_array(f->values)));
		json_object_set_new(p, "uniqueItems", json_true());
		break;
	case DM_F_LINK:
		json_object_set_new(p, "type", json_string("string"));
		json_object_set_new(p, "format", json_string("uuid"));
		break;
	case DM_F_LINKS:
		json_object_set_new(p, "type", json_string("array"));
		json_object_set_new(p, "items", json_pack("{s:s, s:s}", "type", "string", "format", "uuid"));
		break;
	case DM_F_MONEY:
	case DM_F_DECIMAL:
		json_object_set_new(p, "type", json_string("string"));
		json_object_set_new(p, "pattern", json_string("^-?[0-9]+(\\.[0-9]+)?$"));
		break;
	case DM_F_CURRENCY:
		json_object_set_new(p, "type", json_string("string"));
		json_object_set_new(p, "pattern", json_string("^[A-Z]{3}$"));
		break;
	case DM_F_COUNTRY:
		json_object_set_new(p, "type", json_string("string"));
		json_object_set_new(p, "pattern", json_string("^[A-Z]{2}$"));
		break;
	case DM_F_JSON:
		json_object_set_new(p, "type", json_pack("[s, s]", "array", "object"));
		break;
	case DM_F_TEXT:
	default:
		json_object_set_new(p, "type", json_string("string"));
		break;
	}
	if ((f->flags & DM_FF_NONNEG) && (f->type == DM_F_INT || f->type == DM_F_REAL))
		json_object_set_new(p, "minimum", json_integer(0));
	if (f->label_en)
		json_object_set_new(p, "title", json_string(f->label_en));
	if (f->help)
		json_object_set_new(p, "description", json_string(f->help));
	if (f->flags & (DM_FF_COMPUTED | DM_FF_READONLY))
		json_object_set_new(p, "readOnly", json_true());
	if (f->unit)
		json_object_set_new(p, "x-unit", json_string(f->unit));
	if (f->type == DM_F_MONEY && f->currency_field)
		json_object_set_new(p, "x-currency-field", json_string(f->currency_field));
	if (f->link_type)
		json_object_set_new(p, "x-link-type", json_string(f->link_type));
	if (f->flags & DM_FF_PERSONAL)
		json_object_set_new(p, "x-personal", json_true());
	if (f->flags & DM_FF_INTERNAL)
		json_object_set_new(p, "x-internal", json_true());
	return p;
}

static json_t *type_schema(const struct dm_type *t)
{
	json_t *props = json_object(), *req = json_array(), *o;
	const struct dm_common_field *c;
	size_t i, n;
	c = dm_schema_common(&n);
	for (i = 0; i < n; i++) {
		json_t *p;
		if (!strcmp(c[i].name, "geometry") && t->geom == DM_GEOM_NONE)
			continue;
		if (!strcmp(c[i].name, "geometry"))
			p = json_pack("{s:[s, s], s:s}", "type", "object", "null", "description", c[i].help);
		else
			p = json_pack("{s:s, s:s}", "type", c[i].json_type, "description", c[i].help);
		if (!strcmp(c[i].name, "status"))
			json_object_set_new(p, "enum", str_array(dm_status_values));
		if (c[i].readonly)
			json_object_set_new(p, "readOnly", json_true());
		json_object_set_new(props, c[i].name, p);
	}
	for (i = 0; i < t->nfields; i++) {
		const struct dm_field *f = &t->fields[i];
		json_object_set_new(props, f->name, srv_field_schema(f));
		if ((f->flags & DM_FF_REQUIRED) && !(f->flags & DM_FF_COMPUTED))
			json_array_append_new(req, json_string(f->name));
	}
	o = json_pack("{s:s, s:o, s:o}", "type", "object", "properties", props, "required", req);
	if (t->label_en)
		json_object_set_new(o, "title", json_string(t->label_en));
	if (t->help)
		json_object_set_new(o, "description", json_string(t->help));
	return o;
}

static json_t *error_schema(void)
{
	return json_pack("{s:s, s:[s], s:{s:{s:s, s:[s, s], s:{s:{s:s}, s:{s:s}, s:{s:[s, s]}, s:{s:s, s:{s:s, s:{s:{s:s}, s:{s:s}}}}}}}}",
			 "type", "object", "required", "error", "properties", "error", "type", "object", "required",
			 "code", "message", "properties", "code", "type", "string", "message", "type", "string", "field",
			 "type", "string", "null", "details", "type", "array", "items", "type", "object", "properties",
			 "field", "type", "string", "message", "type", "string");
}

static json_t *param(const char *name, const char *in, const char *type, const char *desc, int required)
{
	return json_pack("{s:s, s:s, s:b, s:s, s:{s:s}}", "name", name, "in", in, "required", required,
			 "description", desc, "schema", "type", type);
}

/* One operation for route rt; t is the record type of a record route, else NULL. */
/* One required path parameter per "{name}" of a (non-record) route pattern. */
static void add_path_params(const char *pattern, json_t *params)
{
	const char *p = pattern, *close;
	char name[64];
	while ((p = strchr(p, '{')) && (close = strchr(p, '}'))) {
		snprintf(name, sizeof(name), "%.*s", (int)(close - p - 1), p + 1);
		json_array_append_new(params, param(name, "path", "string", !strcmp(name, "login") ? "The user's login name"
						    : "See the operation's summary", 1));
		p = close + 1;
	}
}

static json_t *operation(const struct srv_route *rt, const struct dm_type *t, const char *tname)
{
	json_t *op = json_object(), *params = json_array(), *resp = json_object(), *ok = NULL;
	char id[160], item[160];
	const char *verb = rt->op, *m = rt->method;
	size_t k = 0, i;
	if (t) {
		while (verb[k] && !isupper((unsigned char)verb[k]))
			k++;
		snprintf(id, sizeof(id), "%.*s%s%s", (int)k, verb, tname, verb + k);
		snprintf(item, sizeof(item), "%s", tname);
	} else {
		snprintf(id, sizeof(id), "%s", verb);
	}
	json_object_set_new(op, "operationId", json_string(id));
	json_object_set_new(op, "summary", json_string(rt->summary));
	json_object_set_new(op, "tags", json_pack("[s]", t ? t->name : rt->fn == srv_stats || rt->fn == srv_search ? "dashboard"
								   : !strncmp(rt->pattern, "/ogc", 4) ? "ogc"
									   : !strncmp(rt->pattern, "/api/v1/users", 13) ? "users"
									   : !strncmp(rt->pattern, "/api/v1/", 8) ? "auth" : "meta"));
	if (rt->flags & ROUTE_OPEN)
		json_object_set_new(op, "security", json_pack("[{}]"));
	if (!strncmp(rt->pattern, "/ogc", 4))
		srv_ogc_openapi_params(rt, params);
	else if (!t)
		add_path_params(rt->pattern, params);
	if (t && strstr(rt->pattern, "*/*"))
		json_array_append_new(params, param("id", "path", "string", "The record's UUID or its code", 1));
	if (t && !strcmp(verb, "list")) {
		json_array_append_new(params, param("limit", "query", "integer", "Items per page (1-1000)", 0));
		json_array_append_new(params, param("after", "query", "string", "Cursor from the next link", 0));
		json_array_append_new(params, param("sort", "query", "string", "Field to sort by; a leading - sorts descending", 0));
		json_array_append_new(params, param("q", "query", "string", "Text search", 0));
		json_array_append_new(params, param("bbox", "query", "string", "minlon,minlat,maxlon,maxlat", 0));
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:s, s:{s:s, s:o}}", "name", "status", "in", "query",
							"required", 0, "description", "Workflow status", "schema", "type",
							"string", "enum", str_array(dm_status_values)));
		json_array_append_new(params, param("from", "query", "string", "Date of information from (YYYY-MM-DD)", 0));
		json_array_append_new(params, param("to", "query", "string", "Date of information to (YYYY-MM-DD)", 0));
		json_array_append_new(params, param("as_of", "query", "string", "The records as they were at this time", 0));
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:s, s:{s:s, s:[s]}}", "name", "version", "in", "query",
							"required", 0, "description", "approved: the approved version of each record",
							"schema", "type", "string", "enum", "approved"));
	}
	if (!strcmp(m, "GET") && !strcmp(rt->pattern, "/api/v1/audit")) {
		json_array_append_new(params, param("limit", "query", "integer", "Items per page", 0));
		json_array_append_new(params, param("offset", "query", "integer", "Items to skip", 0));
	}
	if (rt->fn == srv_stats) {
		json_array_append_new(params, param("from", "query", "string", "First day (YYYY-MM-DD) on the figure's date field", 0));
		json_array_append_new(params, param("to", "query", "string", "Last day (YYYY-MM-DD) on the figure's date field", 0));
		json_array_append_new(params, param("adm2", "query", "string", "A district's pcode", 0));
		json_array_append_new(params, param("organisation", "query", "string", "An organisation's UUID", 0));
		if (!strcmp(rt->op, "getStatsFunding"))
			json_array_append_new(params, param("currency", "query", "string", "ISO 4217 code to convert into (AZN)", 0));
	}
	if (rt->fn == srv_search) {
		json_array_append_new(params, param("q", "query", "string", "A record code's start or a place name", 1));
		json_array_append_new(params, param("limit", "query", "integer", "Items (1-100, default 20)", 0));
	}
	if (t && (!strcmp(verb, "update") || !strcmp(verb, "patch")))
		json_array_append_new(params, param("If-Match", "header", "string", "The version the change is based on: \"N\"", 1));
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (t && (!strcmp(verb, "create") || !strcmp(verb, "update") || !strcmp(verb, "patch")))
		json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1, "content", json_pack("{s:{s:o}}",
								 "application/json", "schema", ref(item))));
	else if (t && (!strcmp(m, "POST") || !strcmp(m, "DELETE")))
		json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 0, "content",
					json_pack("{s:{s:{s:s, s:{s:{s:s}}}}}", "application/json", "schema", "type", "object",
						  "properties", "reason", "type", "string")));
	else if (!strcmp(rt->op, "login") || !strcmp(rt->op, "createToken"))
		json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1, "content",
					json_pack("{s:{s:{s:s, s:{s:{s:s}, s:{s:s}}}}}", "application/json", "schema", "type",
						  "object", "properties", "username", "type", "string", "password", "type", "string")));
	else if (!strcmp(m, "POST") && !t && strcmp(rt->op, "logout") && strcmp(rt->op, "disableUser"))
		json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1, "content",
					json_pack("{s:{s:{s:s}}}", "application/json", "schema", "type", "object")));
	if (t && !strcmp(verb, "list"))
		ok = json_pack("{s:s, s:{s:{s:s}, s:{s:s, s:o}}}", "type", "object", "properties", "next", "type",
			       "string", "items", "type", "array", "items", ref(item));
	else if (t && strcmp(verb, "getHistory"))
		ok = ref(item);
	else
		ok = json_pack("{s:s}", "type", "object");
	json_object_set_new(resp, t && !strcmp(verb, "create") ? "201" : !strcmp(rt->op, "createToken") ? "201"
			    : !strcmp(rt->op, "createUser") ? "201" : "200",
			    json_pack("{s:s, s:o}", "description", "Success", "content",
				      json_pack("{s:{s:o}}", "application/json", "schema", ok)));
	for (i = 0; err_status[i]; i++)
		json_object_set_new(resp, err_status[i], json_pack("{s:s}", "$ref", "#/components/responses/Error"));
	json_object_set_new(op, "responses", resp);
	return op;
}

/* A route pattern with its stars replaced: the type name, then {id}; "{name}" stays. */
static void path_of(const char *pattern, const char *tname, char *out, size_t n)
{
	struct dm_buf b;
	int star = 0;
	dm_buf_init(&b, 1024);
	for (; *pattern; pattern++) {
		if (*pattern == '*')
			dm_buf_add(&b, star++ ? "{id}" : tname);
		else
			dm_buf_addf(&b, "%c", *pattern);
	}
	snprintf(out, n, "%s", b.s ? b.s : "");
	dm_buf_release(&b);
}

json_t *srv_openapi_doc(const struct dm_schema *s)
{
	json_t *doc, *paths = json_object(), *schemas = json_object(), *path;
	char p[256], lower[16], pname[128];
	size_t i, j, k;
	if (!s)
		return NULL;
	for (i = 0; i < srv_nroutes; i++) {
		const struct srv_route *rt = &srv_routes[i];
		int rec = !strncmp(rt->pattern, "/api/v1/*", 9);
		for (j = 0; j < (rec ? s->ntypes : 1); j++) {
			const struct dm_type *t = NULL;
			if (rec) {
				t = &s->types[j];
				pascal(t->name, pname, sizeof(pname));
			}
			path_of(rt->pattern, t ? t->name : NULL, p, sizeof(p));
			if (!(path = json_object_get(paths, p))) {
				path = json_object();
				json_object_set_new(paths, p, path);
			}
			for (k = 0; rt->method[k] && k + 1 < sizeof(lower); k++)
				lower[k] = (char)tolower((unsigned char)rt->method[k]);
			lower[k] = 0;
			json_object_set_new(path, lower, operation(rt, t, pname));
		}
	}
	srv_ogc_openapi_paths(s, paths);
	for (j = 0; j < s->ntypes; j++) {
		pascal(s->types[j].name, pname, sizeof(pname));
		json_object_set_new(schemas, pname, type_schema(&s->types[j]));
	}
	json_object_set_new(schemas, "Error", error_schema());
	doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:o, s:{s:{s:s, s:o}}, s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}},"
			" s:[{s:[]}, {s:[]}]}",
			"openapi", "3.1.0", "info", "title", "demine API", "version", "1",
			"description", "Generated from the server's route table and the database's schema.",
			"paths", paths, "components", "schemas", schemas, "responses", "Error", "description",
			"Error", "content", json_pack("{s:{s:o}}", "application/json", "schema", ref("Error")),
			"securitySchemes", "bearerAuth", "type", "http", "scheme", "bearer", "cookieAuth", "type", "apiKey",
			"in", "cookie", "name", "demine_session", "security", "bearerAuth", "cookieAuth");
	return doc;
}

/* servers: the address the client reached (as the OGC links are made). */
static void add_servers(struct req *r, json_t *doc)
{
	const char *host = srv_header(r, MHD_HTTP_HEADER_HOST), *proto = srv_header(r, "X-Forwarded-Proto");
	char url[320];
	size_t i;
	int ok = host && *host && strlen(host) < 256;
	for (i = 0; ok && host[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]", host[i]))
			ok = 0;
	snprintf(url, sizeof(url), "%s://%s", proto && !strcmp(proto, "https") ? "https" : "http",
		 ok ? host : r->srv->opts.addr);
	json_object_set_new(doc, "servers", json_pack("[{s:s, s:s}]", "url", url, "description", "This server"));
}

enum MHD_Result srv_openapi(struct req *r)
{
	json_t *doc = srv_openapi_doc(dm_db_schema(r->db));
	if (!doc)
		return srv_error(r, 500, "internal", NULL, "could not build the OpenAPI document");
	add_servers(r, doc);
	return srv_json(r, 200, doc);
}

/* 3.1 allows a list of types ("type": ["array", "object"]); 3.0 says it with oneOf (and
 * "null" with nullable). */
static void to_30(json_t *v)
{
	const char *k;
	json_t *x, *t, *one;
	size_t i;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			to_30(x);
		return;
	}
	if (!json_is_object(v))
		return;
	t = json_object_get(v, "type");
	if (json_is_array(t)) {
		one = json_array();
		json_array_foreach(t, i, x) {
			if (!strcmp(json_string_value(x) ? json_string_value(x) : "", "null"))
				json_object_set_new(v, "nullable", json_true());
			else
				json_array_append_new(one, json_pack("{s:O}", "type", x));
		}
		json_object_del(v, "type");
		json_object_set_new(v, "oneOf", one);
	}
	json_object_foreach(v, k, x)
		to_30(x);
}

json_t *srv_openapi_30(json_t *doc)
{
	if (!doc)
		return NULL;
	to_30(doc);
	json_object_set_new(doc, "openapi", json_string("3.0.3"));
	return doc;
}

/* GET /api and /ogc/api: OpenAPI 3.0, for clients that read no 3.1 (OWSLib's api(), the OGC
 * oas30 conformance class); the same content as /openapi.json. */
enum MHD_Result srv_openapi_v30(struct req *r)
{
	json_t *doc = srv_openapi_30(srv_openapi_doc(dm_db_schema(r->db)));
	if (!doc)
		return srv_error(r, 500, "internal", NULL, "could not build the OpenAPI document");
	add_servers(r, doc);
	return srv_json_h(r, 200, doc, "application/vnd.oai.openapi+json;version=3.0", NULL);
}
