/* geo_wkt.c: our own WKT reader: turns OGC WKT into a GeoJSON-shaped geometry object so
 * that WKT and GeoJSON go through one structure and validity path (geo_valid.c). */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include "geo_wkt.h"

struct wkt {
	const char *s;
	size_t pos;
	int dims; /* numbers per position: 0 = 2 or 3, else exactly this */
	size_t depth;
	struct dm_error *err;
};

static void skip_ws(struct wkt *w)
{
	while (isspace((unsigned char)w->s[w->pos]))
		w->pos++;
}

static int fail(struct wkt *w, const char *what)
{
	skip_ws(w);
	const char *at = w->s + w->pos;
	if (!*at)
		return dm_error_set(w->err, DM_EINVAL, "geometry", "wkt ends early: %s expected", what);
	return dm_error_set(w->err, DM_EINVAL, "geometry", "%s expected at offset %zu of the wkt, found '%.12s'",
			    what, w->pos, at);
}

static int peek(struct wkt *w, char c)
{
	skip_ws(w);
	return w->s[w->pos] == c;
}

static int expect(struct wkt *w, char c)
{
	if (!peek(w, c)) {
		char what[8];
		snprintf(what, sizeof(what), "'%c'", c);
		return fail(w, what);
	}
	w->pos++;
	return 0;
}

static size_t word(struct wkt *w, char *out, size_t n)
{
	skip_ws(w);
	size_t k = 0;
	while (isalpha((unsigned char)w->s[w->pos])) {
		if (k + 1 < n)
			out[k++] = (char)toupper((unsigned char)w->s[w->pos]);
		w->pos++;
	}
	out[k] = 0;
	return k;
}

/* "EMPTY" at the cursor: consumes it and returns 1. */
static int empty(struct wkt *w)
{
	skip_ws(w);
	if (strncasecmp(w->s + w->pos, "EMPTY", 5) == 0 && !isalnum((unsigned char)w->s[w->pos + 5])) {
		w->pos += 5;
		return 1;
	}
	return 0;
}

static int number(struct wkt *w, double *v)
{
	skip_ws(w);
	const char *start = w->s + w->pos;
	char *end;
	*v = strtod(start, &end);
	if (end == start)
		return fail(w, "a number");
	w->pos += (size_t)(end - start);
	if (!isfinite(*v))
		return dm_error_set(w->err, DM_EINVAL, "geometry", "invalid coordinate '%.*s'", (int)(end - start), start);
	return 0;
}

static json_t *position(struct wkt *w)
{
	double v[4];
	int n = 0;
	while (n < 4) {
		if (number(w, &v[n]))
			return NULL;
		n++;
		skip_ws(w);
		char c = w->s[w->pos];
		if (c == ',' || c == ')' || !c)
			break;
	}
	if (n < 2 || (w->dims && n != w->dims) || (!w->dims && n > 3)) {
		dm_error_set(w->err, DM_EINVAL, "geometry", "a wkt position has %d numbers, expected %d", n,
			     w->dims ? w->dims : 2);
		return NULL;
	}
	return json_pack("[ff]", v[0], v[1]);
}

typedef json_t *(*item_fn)(struct wkt *w);

/* "( item, item, ... )" or EMPTY (an empty array). */
static json_t *list(struct wkt *w, item_fn item)
{
	json_t *arr = json_array();
	if (!arr || empty(w))
		return arr;
	if (++w->depth > 64 || expect(w, '(')) {
		if (w->depth > 64)
			dm_error_set(w->err, DM_ELIMIT, "geometry", "wkt nested too deeply");
		json_decref(arr);
		return NULL;
	}
	do {
		json_t *it = item(w);
		if (!it) {
			json_decref(arr);
			return NULL;
		}
		json_array_append_new(arr, it);
		skip_ws(w);
	} while (w->s[w->pos] == ',' && ++w->pos);
	w->depth--;
	if (expect(w, ')')) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static json_t *line(struct wkt *w)
{
	return list(w, position);
}

static json_t *polygon(struct wkt *w)
{
	return list(w, line);
}

/* MULTIPOINT ((1 2), (3 4)) and the older MULTIPOINT (1 2, 3 4). */
static json_t *multipoint_item(struct wkt *w)
{
	if (empty(w))
		return json_array();
	if (!peek(w, '('))
		return position(w);
	w->pos++;
	json_t *p = position(w);
	if (p && expect(w, ')')) {
		json_decref(p);
		return NULL;
	}
	return p;
}

static json_t *point_body(struct wkt *w)
{
	if (empty(w))
		return json_array();
	if (expect(w, '('))
		return NULL;
	json_t *p = position(w);
	if (p && expect(w, ')')) {
		json_decref(p);
		return NULL;
	}
	return p;
}

static const struct {
	const char *wkt, *type;
	item_fn body;
} types[] = {
	{"POINT", "Point", point_body},
	{"LINESTRING", "LineString", line},
	{"LINEARRING", "LinearRing", line},
	{"POLYGON", "Polygon", polygon},
	{"MULTIPOINT", "MultiPoint", NULL},
	{"MULTILINESTRING", "MultiLineString", NULL},
	{"MULTIPOLYGON", "MultiPolygon", NULL},
};

static json_t *multi_body(struct wkt *w, const char *type)
{
	if (!strcmp(type, "MultiPoint"))
		return list(w, multipoint_item);
	if (!strcmp(type, "MultiLineString"))
		return list(w, line);
	return list(w, polygon);
}

json_t *geo_wkt_parse(const char *s, struct dm_error *err)
{
	struct wkt w = {s, 0, 0, 0, err};
	char name[32], dim[8];
	if (!s) {
		dm_error_set(err, DM_EINVAL, "geometry", "no wkt given");
		return NULL;
	}
	if (!word(&w, name, sizeof(name))) {
		fail(&w, "a wkt geometry type");
		return NULL;
	}
	if (!strcmp(name, "GEOMETRYCOLLECTION")) {
		dm_error_set(err, DM_EINVAL, "geometry", "geometrycollection is not supported: give each part as its own record");
		return NULL;
	}
	size_t i = 0, n = sizeof(types) / sizeof(types[0]);
	while (i < n && strcmp(types[i].wkt, name))
		i++;
	if (i == n) {
		dm_error_set(err, DM_EINVAL, "geometry", "unknown wkt geometry type '%s'", name);
		return NULL;
	}
	size_t save = w.pos;
	word(&w, dim, sizeof(dim));
	if (!strcmp(dim, "Z") || !strcmp(dim, "M"))
		w.dims = 3;
	else if (!strcmp(dim, "ZM"))
		w.dims = 4;
	else
		w.pos = save; /* EMPTY, or nothing */
	json_t *coords = types[i].body ? types[i].body(&w) : multi_body(&w, types[i].type);
	if (!coords)
		return NULL;
	skip_ws(&w);
	if (s[w.pos]) {
		json_decref(coords);
		fail(&w, "the end");
		return NULL;
	}
	return json_pack("{s:s,s:o}", "type", types[i].type, "coordinates", coords);
}
