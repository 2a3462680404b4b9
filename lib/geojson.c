/* geojson.c: streaming GeoJSON reader on yajl's event parser, and the incremental writer. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_parse.h>
#include "demine/json_out.h"
#include "demine/geojson.h"

#define CHUNK (64 * 1024)

/* What the value being built will become when it is complete. */
enum cap_ctx { CAP_NONE, CAP_MEMBER, CAP_FEATURE };

struct frame {
	json_t *v;  /* frame 0 owns its value; deeper frames are borrowed from their parent */
	char *key;  /* pending member name of an object */
	size_t keylen;
};

struct rd {
	yajl_handle y;
	const struct dm_geojson_handler *h;
	struct dm_error *err;
	int rc;              /* set when reading must stop: fatal error or a callback's value */
	locale_t c_locale;   /* numbers are parsed in the C locale whatever the program set */

	/* position: lines are counted lazily over the bytes yajl has consumed */
	const unsigned char *chunk;
	size_t scanned;      /* bytes of chunk already counted */
	uint64_t base;       /* document offset of chunk[0] */
	size_t line;         /* line of chunk[scanned] */
	uint64_t last_event; /* document offset just after the last token with a callback */
	int nonspace;        /* a non-whitespace byte was seen */
	int depth;

	/* the document */
	int top_seen, in_top, in_features, features_seen;
	size_t top_line;
	json_t *top;         /* top-level members other than "features" */
	char *key;           /* the current top-level member name */
	size_t keylen;
	char doctype[32];    /* the top-level "type" once seen */
	uint64_t top_bytes;

	/* the value being built */
	enum cap_ctx ctx;
	struct frame stack[DM_GEOJSON_MAX_DEPTH + 1];
	int nstack;
	uint64_t cap_start;
	size_t nfeatures, feature_line;
	int feature_bad;
	size_t problems;
};

static void count_lines(struct rd *r, size_t off)
{
	const unsigned char *p, *e;
	if (!r->chunk || off <= r->scanned)
		return;
	p = r->chunk + r->scanned;
	e = r->chunk + off;
	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		r->line++;
		p++;
	}
	r->scanned = off;
}

/* Document offset just after the current token; also brings r->line up to it. yajl keeps
 * the offset into the current chunk up to date while it calls back. */
static uint64_t here(struct rd *r)
{
	size_t off = yajl_get_bytes_consumed(r->y);
	count_lines(r, off);
	return r->base + off;
}

/* A printable, bounded rendering of a name or value for messages. */
static const char *shown(char *buf, size_t n, const char *s, size_t len)
{
	size_t i, max = n - 4;
	if (len <= n - 1) {
		for (i = 0; i < len; i++)
			buf[i] = s[i] ? s[i] : '?';
		buf[len] = '\0';
		return buf;
	}
	i = max;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) /* do not cut a UTF-8 sequence */
		i--;
	memcpy(buf, s, i);
	memcpy(buf + i, "...", 4);
	for (size_t j = 0; j < i; j++)
		if (!buf[j])
			buf[j] = '?';
	return buf;
}

static const char *kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

static void vrecord(struct rd *r, int code, const char *fmt, va_list ap)
{
	char msg[700];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	dm_error_set(r->err, code, NULL, "%s", msg);
	dm_error_add(r->err, NULL, "%s", msg);
}

/* A fatal error: records it and returns 0 so that yajl stops. */
static int fatal(struct rd *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fatal(struct rd *r, int code, const char *fmt, ...)
{
	va_list ap;
	if (r->rc)
		return 0;
	va_start(ap, fmt);
	vrecord(r, code, fmt, ap);
	va_end(ap);
	r->rc = code;
	return 0;
}

/* A problem inside one feature: the feature is dropped, reading goes on. */
static void problem(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct rd *r, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dm_error_set(r->err, DM_EINVAL, NULL, "feature %zu: %s", r->nfeatures, msg);
	dm_error_add(r->err, NULL, "feature %zu: %s", r->nfeatures, msg);
	r->problems++;
	r->feature_bad = 1;
}

static int oom(struct rd *r)
{
	return fatal(r, DM_ENOMEM, "out of memory reading GeoJSON");
}

/* Called at every token with a callback: position and size caps. */
static int event(struct rd *r)
{
	uint64_t p = here(r);
	r->last_event = p;
	if (r->nstack && p - r->cap_start > DM_GEOJSON_MAX_FEATURE) {
		if (r->ctx == CAP_FEATURE)
			return fatal(r, DM_ELIMIT, "line %zu: feature %zu is larger than 64 MiB of JSON",
				     r->line, r->nfeatures);
		return fatal(r, DM_ELIMIT, "line %zu: a top-level member is larger than 64 MiB of JSON", r->line);
	}
	return 1;
}

static void check_feature(struct rd *r, json_t *v)
{
	json_t *t, *p, *g, *id;
	char b[80];
	if (!json_is_object(v)) {
		problem(r, "expected a Feature object, found %s (line %zu)", kind(v), r->feature_line);
		return;
	}
	t = json_object_get(v, "type");
	if (!t)
		problem(r, "missing member 'type' (line %zu)", r->feature_line);
	else if (!json_is_string(t))
		problem(r, "'type' must be a string, found %s (line %zu)", kind(t), r->feature_line);
	else if (strcmp(json_string_value(t), "Feature") != 0)
		problem(r, "'type' is '%s', expected 'Feature' (line %zu)",
			shown(b, sizeof(b), json_string_value(t), json_string_length(t)), r->feature_line);
	p = json_object_get(v, "properties");
	if (!p)
		problem(r, "missing member 'properties' (null when there are none) (line %zu)", r->feature_line);
	else if (!json_is_object(p) && !json_is_null(p))
		problem(r, "'properties' must be an object or null, found %s (line %zu)", kind(p), r->feature_line);
	g = json_object_get(v, "geometry");
	if (!g)
		problem(r, "missing member 'geometry' (null when there is none) (line %zu)", r->feature_line);
	else if (!json_is_object(g) && !json_is_null(g))
		problem(r, "'geometry' must be an object or null, found %s (line %zu)", kind(g), r->feature_line);
	else if (json_is_object(g) && !json_is_string(json_object_get(g, "type")))
		problem(r, "the geometry has no string member 'type' (line %zu)", r->feature_line);
	id = json_object_get(v, "id");
	if (id && !json_is_string(id) && !json_is_number(id))
		problem(r, "'id' must be a string or a number, found %s (line %zu)", kind(id), r->feature_line);
}

/* Takes ownership of v. */
static int deliver_feature(struct rd *r, json_t *v)
{
	int rc;
	check_feature(r, v);
	if (!r->feature_bad && r->h && r->h->feature) {
		rc = r->h->feature(r->h->arg, r->nfeatures, r->feature_line, v);
		if (rc) {
			json_decref(v);
			r->rc = rc;
			return 0;
		}
	}
	json_decref(v);
	return 1;
}

static int is_geometry_type(const char *t)
{
	static const char *const names[] = {"Point", "MultiPoint", "LineString", "MultiLineString",
		"Polygon", "MultiPolygon", "GeometryCollection", NULL};
	for (size_t i = 0; names[i]; i++)
		if (strcmp(t, names[i]) == 0)
			return 1;
	return 0;
}

int dm_geojson_crs_normalise(const char *name, char *out, size_t outlen)
{
	const char *p = name, *auth, *code, *c;
	size_t authlen;
	if (!name || outlen < 16)
		return DM_EINVAL;
	if (strncasecmp(p, "urn:ogc:def:crs:", 16) == 0) {
		p += 16;
		auth = p;
		c = strchr(p, ':');
		if (!c)
			return DM_EINVAL;
		authlen = (size_t)(c - auth);
		c = strchr(c + 1, ':'); /* skip the version, often empty */
		if (!c)
			return DM_EINVAL;
		code = c + 1;
	} else {
		auth = p;
		c = strchr(p, ':');
		if (!c)
			return DM_EINVAL;
		authlen = (size_t)(c - auth);
		code = c + 1;
	}
	if (!*code || strchr(code, ':'))
		return DM_EINVAL;
	if (authlen == 4 && strncasecmp(auth, "EPSG", 4) == 0) {
		size_t n = strlen(code);
		if (n > 9 || strspn(code, "0123456789") != n || code[0] == '0')
			return DM_EINVAL;
		snprintf(out, outlen, "EPSG:%s", code);
		return 0;
	}
	if (authlen == 3 && strncasecmp(auth, "OGC", 3) == 0 &&
	    (strcasecmp(code, "CRS84") == 0 || strcasecmp(code, "CRS83") == 0 || strcasecmp(code, "CRS27") == 0)) {
		snprintf(out, outlen, "OGC:CRS%s", code + 3);
		return 0;
	}
	return DM_EINVAL;
}

static int deliver_crs(struct rd *r, json_t *v)
{
	json_t *t, *props, *name;
	char norm[64], b[80];
	int rc;
	if (json_is_null(v))
		return 1;
	t = json_object_get(v, "type");
	props = json_object_get(v, "properties");
	name = json_object_get(props, "name");
	if (!json_is_object(v) || !json_is_string(t) || strcmp(json_string_value(t), "name") != 0 ||
	    !json_is_string(name))
		return fatal(r, DM_EINVAL, "line %zu: unsupported crs: expected "
			     "{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:NNNN\"}}", r->line);
	if (dm_geojson_crs_normalise(json_string_value(name), norm, sizeof(norm)))
		return fatal(r, DM_EINVAL, "line %zu: unsupported crs name '%s' (expected EPSG:NNNN or "
			     "urn:ogc:def:crs:EPSG::NNNN)", r->line,
			     shown(b, sizeof(b), json_string_value(name), json_string_length(name)));
	if (r->h && r->h->crs) {
		rc = r->h->crs(r->h->arg, norm);
		if (rc) {
			r->rc = rc;
			return 0;
		}
	}
	return 1;
}

/* A top-level member other than "features" is complete. Takes ownership of v. */
static int member_done(struct rd *r, json_t *v)
{
	char b[80];
	uint64_t p = here(r);
	r->top_bytes += p - r->cap_start;
	if (r->top_bytes > DM_GEOJSON_MAX_FEATURE) {
		json_decref(v);
		return fatal(r, DM_ELIMIT, "line %zu: the top-level object is larger than 64 MiB of JSON "
			     "(not counting features)", r->line);
	}
	if (r->keylen == 4 && memcmp(r->key, "type", 4) == 0) {
		if (!json_is_string(v)) {
			fatal(r, DM_EINVAL, "line %zu: 'type' must be a string, found %s", r->line, kind(v));
			json_decref(v);
			return 0;
		}
		shown(r->doctype, sizeof(r->doctype), json_string_value(v), json_string_length(v));
		if (strcmp(r->doctype, "FeatureCollection") != 0 && strcmp(r->doctype, "Feature") != 0) {
			fatal(r, DM_EINVAL, "line %zu: expected a FeatureCollection or a Feature, found '%s'%s",
			      r->line, shown(b, sizeof(b), json_string_value(v), json_string_length(v)),
			      is_geometry_type(r->doctype) ? " (a bare geometry: wrap it in a Feature)" : "");
			json_decref(v);
			return 0;
		}
		if (r->features_seen && strcmp(r->doctype, "Feature") == 0) {
			json_decref(v);
			return fatal(r, DM_EINVAL, "line %zu: a Feature cannot have a 'features' member", r->line);
		}
	} else if (r->keylen == 3 && memcmp(r->key, "crs", 3) == 0) {
		if (r->features_seen) {
			json_decref(v);
			return fatal(r, DM_EINVAL, "line %zu: crs member must come before features", r->line);
		}
		if (!deliver_crs(r, v)) {
			json_decref(v);
			return 0;
		}
	}
	if (json_object_setn_new(r->top, r->key, r->keylen, v))
		return oom(r);
	return 1;
}

/* The value being built is complete. Takes ownership of v. */
static int complete(struct rd *r, json_t *v)
{
	enum cap_ctx c = r->ctx;
	r->ctx = CAP_NONE;
	if (c == CAP_FEATURE)
		return deliver_feature(r, v);
	return member_done(r, v);
}

/* The top-level object is closed. */
static int finish_top(struct rd *r)
{
	const char *k;
	json_t *v;
	int rc;
	if (!r->doctype[0])
		return fatal(r, DM_EINVAL, "line %zu: missing member 'type': expected a FeatureCollection "
			     "or a Feature", r->line);
	if (strcmp(r->doctype, "FeatureCollection") == 0) {
		if (!r->features_seen)
			return fatal(r, DM_EINVAL, "line %zu: a FeatureCollection needs a 'features' array",
				     r->line);
		if (!r->h || !r->h->member)
			return 1;
		json_object_foreach(r->top, k, v) {
			if (strcmp(k, "type") == 0 || strcmp(k, "crs") == 0)
				continue;
			rc = r->h->member(r->h->arg, k, v);
			if (rc) {
				r->rc = rc;
				return 0;
			}
		}
		return 1;
	}
	/* a single Feature: the top-level object is the feature */
	json_object_del(r->top, "crs");
	r->nfeatures = 1;
	r->feature_line = r->top_line;
	r->feature_bad = 0;
	v = r->top;
	r->top = NULL;
	return deliver_feature(r, v);
}

/* A value starts (container) or is complete (scalar). Takes ownership of v. */
static int on_value(struct rd *r, json_t *v, int container)
{
	if (!v)
		return oom(r);
	if (r->nstack) {
		struct frame *f = &r->stack[r->nstack - 1];
		int rc;
		if (json_is_array(f->v)) {
			rc = json_array_append_new(f->v, v);
		} else {
			rc = json_object_setn_new(f->v, f->key ? f->key : "", f->key ? f->keylen : 0, v);
			free(f->key);
			f->key = NULL;
		}
		if (rc)
			return oom(r);
		if (container) {
			r->stack[r->nstack].v = v;
			r->stack[r->nstack].key = NULL;
			r->nstack++;
		}
		return 1;
	}
	if (r->in_features) {
		r->nfeatures++;
		r->feature_line = r->line;
		r->feature_bad = 0;
		r->ctx = CAP_FEATURE;
	} else if (r->in_top) {
		if (r->keylen == 8 && memcmp(r->key, "features", 8) == 0) {
			if (!json_is_array(v)) {
				fatal(r, DM_EINVAL, "line %zu: 'features' must be an array, found %s", r->line,
				      kind(v));
				json_decref(v);
				return 0;
			}
			json_decref(v);
			if (strcmp(r->doctype, "Feature") == 0)
				return fatal(r, DM_EINVAL, "line %zu: a Feature cannot have a 'features' member",
					     r->line);
			r->features_seen = 1;
			r->in_features = 1;
			return 1;
		}
		r->ctx = CAP_MEMBER;
	} else {
		if (!json_is_object(v)) {
			fatal(r, DM_EINVAL, "line %zu: expected a FeatureCollection or a Feature, found %s",
			      r->line, kind(v));
			json_decref(v);
			return 0;
		}
		json_decref(v);
		r->top_seen = 1;
		r->in_top = 1;
		r->top_line = r->line;
		return 1;
	}
	r->cap_start = r->last_event;
	if (container) {
		r->stack[0].v = v;
		r->stack[0].key = NULL;
		r->nstack = 1;
		return 1;
	}
	return complete(r, v);
}

static int on_end(struct rd *r)
{
	r->depth--;
	if (r->nstack) {
		struct frame *f = &r->stack[--r->nstack];
		free(f->key);
		f->key = NULL;
		if (r->nstack == 0) {
			json_t *v = f->v;
			f->v = NULL;
			return complete(r, v);
		}
		return 1;
	}
	if (r->in_features) {
		r->in_features = 0;
		return 1;
	}
	if (r->in_top) {
		r->in_top = 0;
		return finish_top(r);
	}
	return 1;
}

static int cb_null(void *ctx)
{
	struct rd *r = ctx;
	return event(r) && on_value(r, json_null(), 0);
}

static int cb_boolean(void *ctx, int b)
{
	struct rd *r = ctx;
	return event(r) && on_value(r, json_boolean(b), 0);
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	struct rd *r = ctx;
	char small[64], *buf = small, *end;
	json_t *v = NULL;
	int isint;
	if (!event(r))
		return 0;
	if (len > DM_GEOJSON_MAX_STRING)
		return fatal(r, DM_ELIMIT, "line %zu: a number longer than 16 MiB", r->line);
	if (len >= sizeof(small)) {
		buf = malloc(len + 1);
		if (!buf)
			return oom(r);
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	isint = !memchr(buf, '.', len) && !memchr(buf, 'e', len) && !memchr(buf, 'E', len);
	errno = 0;
	if (isint) {
		long long i = strtoll(buf, &end, 10);
		if (errno == 0 && *end == '\0')
			v = json_integer(i);
	}
	if (!v) {
		/* big integers and decimals become reals (the C locale's decimal point) */
		double d;
		errno = 0;
		d = strtod_l(buf, &end, r->c_locale);
		if (*end != '\0' || !isfinite(d)) {
			char b[80];
			fatal(r, DM_EINVAL, "line %zu: number out of range: %s", r->line,
			      shown(b, sizeof(b), buf, len));
			if (buf != small)
				free(buf);
			return 0;
		}
		v = json_real(d);
	}
	if (buf != small)
		free(buf);
	return on_value(r, v, 0);
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct rd *r = ctx;
	json_t *v;
	if (!event(r))
		return 0;
	if (len > DM_GEOJSON_MAX_STRING)
		return fatal(r, DM_ELIMIT, "line %zu: a string longer than 16 MiB", r->line);
	v = json_stringn((const char *)s, len);
	if (!v) /* yajl checked the bytes; jansson also refuses escaped lone surrogates */
		return fatal(r, DM_EINVAL, "line %zu: invalid UTF-8 in a string (or an unpaired "
			     "\\u surrogate escape)", r->line);
	return on_value(r, v, 0);
}

static int start(struct rd *r, json_t *v)
{
	if (!event(r)) {
		json_decref(v);
		return 0;
	}
	if (++r->depth > DM_GEOJSON_MAX_DEPTH) {
		json_decref(v);
		return fatal(r, DM_ELIMIT, "line %zu: nesting deeper than %d levels", r->line,
			     DM_GEOJSON_MAX_DEPTH);
	}
	return on_value(r, v, 1);
}

static int cb_start_map(void *ctx)
{
	return start(ctx, json_object());
}

static int cb_start_array(void *ctx)
{
	return start(ctx, json_array());
}

static int cb_end(void *ctx)
{
	struct rd *r = ctx;
	return event(r) && on_end(r);
}

static int cb_key(void *ctx, const unsigned char *k, size_t len)
{
	struct rd *r = ctx;
	char b[80];
	char *copy;
	if (!event(r))
		return 0;
	if (len > DM_GEOJSON_MAX_STRING)
		return fatal(r, DM_ELIMIT, "line %zu: a member name longer than 16 MiB", r->line);
	if (r->nstack) {
		struct frame *f = &r->stack[r->nstack - 1];
		if (json_object_getn(f->v, (const char *)k, len)) {
			if (r->ctx != CAP_FEATURE)
				return fatal(r, DM_EINVAL, "line %zu: duplicate member '%s'", r->line,
					     shown(b, sizeof(b), (const char *)k, len));
			problem(r, "duplicate member '%s' (line %zu)", shown(b, sizeof(b), (const char *)k, len),
				r->line);
		}
	} else if (r->in_top) {
		if ((len == 8 && memcmp(k, "features", 8) == 0) ? r->features_seen
								 : json_object_getn(r->top, (const char *)k, len) != NULL)
			return fatal(r, DM_EINVAL, "line %zu: duplicate member '%s'", r->line,
				     shown(b, sizeof(b), (const char *)k, len));
	}
	copy = malloc(len + 1);
	if (!copy)
		return oom(r);
	memcpy(copy, k, len);
	copy[len] = '\0';
	if (r->nstack) {
		struct frame *f = &r->stack[r->nstack - 1];
		free(f->key);
		f->key = copy;
		f->keylen = len;
	} else {
		free(r->key);
		r->key = copy;
		r->keylen = len;
	}
	return 1;
}

static const yajl_callbacks callbacks = {
	cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_key, cb_end, cb_start_array, cb_end,
};

static int rd_init(struct rd *r, const struct dm_geojson_handler *h, struct dm_error *err)
{
	memset(r, 0, sizeof(*r));
	r->h = h;
	r->err = err;
	r->line = 1;
	r->top = json_object();
	r->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	r->y = yajl_alloc(&callbacks, NULL, r);
	if (!r->top || !r->y || r->c_locale == (locale_t)0)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory reading GeoJSON");
	return 0;
}

static void rd_release(struct rd *r)
{
	if (r->y)
		yajl_free(r->y);
	if (r->c_locale != (locale_t)0)
		freelocale(r->c_locale);
	if (r->nstack)
		json_decref(r->stack[0].v);
	for (int i = 0; i < r->nstack; i++)
		free(r->stack[i].key);
	json_decref(r->top);
	free(r->key);
}

static int parse_failed(struct rd *r, const unsigned char *buf, size_t len)
{
	unsigned char *e;
	const char *msg, *p;
	char clean[200];
	size_t n;
	if (r->rc) /* our own callback stopped it */
		return r->rc;
	count_lines(r, yajl_get_bytes_consumed(r->y));
	e = yajl_get_error(r->y, 0, buf, len);
	msg = e ? (const char *)e : "parse error";
	p = strstr(msg, "error: ");
	p = p ? p + 7 : msg;
	n = strcspn(p, "\n");
	while (n > 0 && (p[n - 1] == '.' || p[n - 1] == ' '))
		n--;
	if (n >= sizeof(clean))
		n = sizeof(clean) - 1;
	memcpy(clean, p, n);
	clean[n] = '\0';
	if (strstr(clean, "UTF8"))
		fatal(r, DM_EINVAL, "line %zu: invalid UTF-8", r->line);
	else
		fatal(r, DM_EINVAL, "line %zu: invalid JSON: %s", r->line, clean);
	if (e)
		yajl_free_error(r->y, e);
	return r->rc;
}

static int feed(struct rd *r, const unsigned char *buf, size_t len)
{
	yajl_status st;
	uint64_t end;
	r->chunk = buf;
	r->scanned = 0;
	if (!r->nonspace)
		for (size_t i = 0; i < len; i++)
			if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r') {
				r->nonspace = 1;
				break;
			}
	st = yajl_parse(r->y, buf, len);
	if (st != yajl_status_ok)
		return parse_failed(r, buf, len);
	count_lines(r, len);
	r->base += len;
	r->chunk = NULL;
	r->scanned = 0;
	end = r->base;
	/* yajl buffers a token that spans chunks: cap what it may hold */
	if (end - r->last_event > DM_GEOJSON_MAX_STRING)
		return fatal(r, DM_ELIMIT, "line %zu: a string or number longer than 16 MiB", r->line), r->rc;
	if (r->nstack && end - r->cap_start > DM_GEOJSON_MAX_FEATURE) {
		if (r->ctx == CAP_FEATURE)
			fatal(r, DM_ELIMIT, "line %zu: feature %zu is larger than 64 MiB of JSON", r->line,
			      r->nfeatures);
		else
			fatal(r, DM_ELIMIT, "line %zu: a top-level member is larger than 64 MiB of JSON", r->line);
		return r->rc;
	}
	return 0;
}

static int finish(struct rd *r)
{
	static const unsigned char none[1];
	yajl_status st;
	if (!r->nonspace)
		return fatal(r, DM_EINVAL, "line %zu: empty document: expected a FeatureCollection or a Feature",
			     r->line), r->rc;
	r->chunk = none;
	r->scanned = 0;
	st = yajl_complete_parse(r->y);
	if (st != yajl_status_ok)
		return parse_failed(r, none, 0);
	return r->problems ? DM_EINVAL : 0;
}

int dm_geojson_read(FILE *f, const struct dm_geojson_handler *h, struct dm_error *err)
{
	struct rd r;
	unsigned char *buf = NULL;
	size_t n;
	int rc = rd_init(&r, h, err);
	if (rc)
		goto out;
	buf = malloc(CHUNK);
	if (!buf) {
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory reading GeoJSON");
		goto out;
	}
	for (;;) {
		n = fread(buf, 1, CHUNK, f);
		if (n) {
			rc = feed(&r, buf, n);
			if (rc)
				goto out;
		}
		if (n < CHUNK) {
			if (ferror(f)) {
				rc = dm_error_set(err, DM_EIO, NULL, "line %zu: read error: %s", r.line,
						  strerror(errno));
				goto out;
			}
			break;
		}
	}
	rc = finish(&r);
out:
	rd_release(&r);
	free(buf);
	return rc;
}

int dm_geojson_parse_string(const char *s, size_t len, const struct dm_geojson_handler *h,
			    struct dm_error *err)
{
	struct rd r;
	size_t off = 0, n;
	int rc = rd_init(&r, h, err);
	if (rc)
		goto out;
	/* same chunking as a file, so that both take the same paths */
	while (off < len) {
		n = len - off < CHUNK ? len - off : CHUNK;
		rc = feed(&r, (const unsigned char *)s + off, n);
		if (rc)
			goto out;
		off += n;
	}
	rc = finish(&r);
out:
	rd_release(&r);
	return rc;
}

/* ---- writer ---- */

static int wfail(struct dm_geojson_writer *w, struct dm_error *err)
{
	w->failed = 1;
	return dm_error_set(err, DM_EIO, NULL, "writing GeoJSON: %s", strerror(errno ? errno : EIO));
}

int dm_geojson_writer_begin(struct dm_geojson_writer *w, FILE *f, const char *crs, struct dm_error *err)
{
	json_t *c;
	char name[96], norm[32];
	int rc;
	memset(w, 0, sizeof(*w));
	w->f = f;
	if (fputs("{\"type\":\"FeatureCollection\",", f) < 0)
		return wfail(w, err);
	if (crs) {
		if (dm_geojson_crs_normalise(crs, norm, sizeof(norm)) == 0 && strncmp(norm, "EPSG:", 5) == 0)
			snprintf(name, sizeof(name), "urn:ogc:def:crs:EPSG::%s", norm + 5);
		else if (dm_geojson_crs_normalise(crs, norm, sizeof(norm)) == 0)
			snprintf(name, sizeof(name), "urn:ogc:def:crs:OGC:1.3:%s", norm + 4);
		else {
			w->failed = 1;
			return dm_error_set(err, DM_EINVAL, "crs", "unsupported crs name '%.60s'", crs);
		}
		c = json_pack("{s:s,s:{s:s}}", "type", "name", "properties", "name", name);
		if (!c) {
			w->failed = 1;
			return dm_error_set(err, DM_ENOMEM, NULL, "out of memory writing GeoJSON");
		}
		rc = fputs("\"crs\":", f) < 0 || json_dumpf(c, f, JSON_COMPACT) || fputc(',', f) == EOF;
		json_decref(c);
		if (rc)
			return wfail(w, err);
	}
	if (fputs("\"features\":[", f) < 0)
		return wfail(w, err);
	return 0;
}

int dm_geojson_writer_feature(struct dm_geojson_writer *w, json_t *feature, struct dm_error *err)
{
	if (w->failed)
		return dm_error_set(err, DM_EIO, NULL, "writing GeoJSON: an earlier write failed");
	if (!json_is_object(feature))
		return dm_error_set(err, DM_EUSAGE, NULL, "a feature to write must be a JSON object");
	char *text = dm_json_dumps(feature);
	int bad = !text || fputs(w->nfeatures ? ",\n" : "\n", w->f) < 0 || fputs(text, w->f) < 0;
	free(text);
	if (bad)
		return wfail(w, err);
	w->nfeatures++;
	return 0;
}

int dm_geojson_writer_end(struct dm_geojson_writer *w, struct dm_error *err)
{
	if (w->failed)
		return dm_error_set(err, DM_EIO, NULL, "writing GeoJSON: an earlier write failed");
	if (fputs(w->nfeatures ? "\n]}\n" : "]}\n", w->f) < 0 || fflush(w->f))
		return wfail(w, err);
	return 0;
}
