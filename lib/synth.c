/* synth.c: the boundary file and geometry helpers shared by the demo and the generator. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/util.h"
#include "synth.h"

#ifndef DEMINE_DATADIR
#define DEMINE_DATADIR "data"
#endif

static int add_ring(struct synth_area *a, json_t *ring, const char *who, struct dm_error *err)
{
	size_t n = json_array_size(ring), i;
	struct synth_ring *rs, *r;
	if (n < 4)
		return dm_error_set(err, DM_EINVAL, "", "%s: %s: a ring has %zu points", who, a->pl->name_en, n);
	rs = dm_realloc_array(a->rings, a->nrings + 1, sizeof(*rs));
	if (!rs)
		return dm_error_set(err, DM_ENOMEM, "", "%s: out of memory", who);
	a->rings = rs;
	r = &rs[a->nrings++];
	r->n = n;
	r->x = malloc(n * sizeof(double));
	r->y = malloc(n * sizeof(double));
	if (!r->x || !r->y)
		return dm_error_set(err, DM_ENOMEM, "", "%s: out of memory", who);
	for (i = 0; i < n; i++) {
		json_t *p = json_array_get(ring, i);
		r->x[i] = json_number_value(json_array_get(p, 0));
		r->y[i] = json_number_value(json_array_get(p, 1));
		a->minx = fmin(a->minx, r->x[i]);
		a->maxx = fmax(a->maxx, r->x[i]);
		a->miny = fmin(a->miny, r->y[i]);
		a->maxy = fmax(a->maxy, r->y[i]);
	}
	return 0;
}

static int load_area(struct synth_area *a, json_t *f, const char *path, size_t i, const char *who,
		     struct dm_error *err)
{
	json_t *geom = json_object_get(f, "geometry"), *co = json_object_get(geom, "coordinates"), *part, *ring;
	const char *gt = json_string_value(json_object_get(geom, "type"));
	const char *pcode = json_string_value(json_object_get(json_object_get(f, "properties"), "shapeID"));
	const struct dm_demo_place *pl = pcode ? dm_demo_place(pcode) : NULL;
	size_t j, k;
	int rc;
	if (!pl || !gt)
		return dm_error_set(err, DM_EINVAL, "", "%s: %s: feature %zu is not one of the 79 known areas", who, path,
				    i + 1);
	memset(a, 0, sizeof(*a));
	a->pl = pl;
	a->geom = json_incref(geom);
	a->minx = a->miny = 1e9;
	a->maxx = a->maxy = -1e9;
	if (!strcmp(gt, "Polygon")) {
		json_array_foreach(co, j, ring)
			if ((rc = add_ring(a, ring, who, err)))
				return rc;
	} else {
		json_array_foreach(co, j, part)
			json_array_foreach(part, k, ring)
				if ((rc = add_ring(a, ring, who, err)))
					return rc;
	}
	return 0;
}

int synth_load_areas(struct synth_area *areas, size_t *n, const char *who, struct dm_error *err)
{
	char path[4096];
	const char *dir = getenv("DEMINE_DATA");
	json_error_t je;
	json_t *fc, *f;
	size_t i;
	int rc = 0;
	*n = 0;
	if (!dir || !*dir)
		dir = DEMINE_DATADIR;
	snprintf(path, sizeof(path), "%s/aze-adm2.geojson", dir);
	fc = json_load_file(path, 0, &je);
	if (!fc)
		return dm_error_set(err, DM_ENOTFOUND, "", "%s: can not read the boundaries '%s': %s "
				    "(set DEMINE_DATA to the data directory)", who, path, je.text);
	json_array_foreach(json_object_get(fc, "features"), i, f) {
		if (*n >= SYNTH_MAX_AREAS) {
			rc = dm_error_set(err, DM_EINVAL, "", "%s: %s has more than %d areas", who, path, SYNTH_MAX_AREAS);
			break;
		}
		rc = load_area(&areas[*n], f, path, i, who, err);
		if (areas[*n].pl)
			(*n)++; /* loaded, or partly: released with the others */
		if (rc)
			break;
	}
	json_decref(fc);
	if (!rc && *n != 79)
		rc = dm_error_set(err, DM_EINVAL, "", "%s: %s has %zu areas, expected 79", who, path, *n);
	return rc;
}

void synth_release_areas(struct synth_area *areas, size_t n)
{
	size_t i, r;
	for (i = 0; i < n; i++) {
		for (r = 0; r < areas[i].nrings; r++) {
			free(areas[i].rings[r].x);
			free(areas[i].rings[r].y);
		}
		free(areas[i].rings);
		json_decref(areas[i].geom);
		memset(&areas[i], 0, sizeof(areas[i]));
	}
}

int synth_inside(const struct synth_area *a, double x, double y)
{
	size_t r, i, j;
	int in = 0;
	if (x < a->minx || x > a->maxx || y < a->miny || y > a->maxy)
		return 0;
	for (r = 0; r < a->nrings; r++) {
		const struct synth_ring *q = &a->rings[r];
		for (i = 0, j = q->n - 1; i < q->n; j = i++)
			if ((q->y[i] > y) != (q->y[j] > y) &&
			    x < (q->x[j] - q->x[i]) * (y - q->y[i]) / (q->y[j] - q->y[i]) + q->x[i])
				in = !in;
	}
	return in;
}

static double orient(double ax, double ay, double bx, double by, double px, double py)
{
	return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

/* Whether segments p1p2 and q1q2 meet (touching counts: only clear interiors are wanted). */
static int segs_meet(double p1x, double p1y, double p2x, double p2y, double q1x, double q1y, double q2x, double q2y)
{
	double d1 = orient(q1x, q1y, q2x, q2y, p1x, p1y), d2 = orient(q1x, q1y, q2x, q2y, p2x, p2y);
	double d3 = orient(p1x, p1y, p2x, p2y, q1x, q1y), d4 = orient(p1x, p1y, p2x, p2y, q2x, q2y);
	if (fmax(p1x, p2x) < fmin(q1x, q2x) || fmax(q1x, q2x) < fmin(p1x, p2x) ||
	    fmax(p1y, p2y) < fmin(q1y, q2y) || fmax(q1y, q2y) < fmin(p1y, p2y))
		return 0;
	return ((d1 > 0) != (d2 > 0) || d1 == 0 || d2 == 0) && ((d3 > 0) != (d4 > 0) || d3 == 0 || d4 == 0);
}

int synth_ring_inside(const struct synth_area *a, const double *x, const double *y, int n)
{
	double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9;
	size_t r, i, j;
	int k;
	for (k = 0; k < n; k++) {
		if (!synth_inside(a, x[k], y[k]))
			return 0;
		minx = fmin(minx, x[k]);
		maxx = fmax(maxx, x[k]);
		miny = fmin(miny, y[k]);
		maxy = fmax(maxy, y[k]);
	}
	for (r = 0; r < a->nrings; r++) {
		const struct synth_ring *q = &a->rings[r];
		for (i = 0, j = q->n - 1; i < q->n; j = i++) {
			if (fmax(q->x[i], q->x[j]) < minx || fmin(q->x[i], q->x[j]) > maxx ||
			    fmax(q->y[i], q->y[j]) < miny || fmin(q->y[i], q->y[j]) > maxy)
				continue;
			for (k = 0; k < n; k++) {
				int l = (k + 1) % n;
				if (segs_meet(x[k], y[k], x[l], y[l], q->x[j], q->y[j], q->x[i], q->y[i]))
					return 0;
			}
		}
	}
	return 1;
}

double synth_kx(double lat)
{
	return 111320.0 * cos(lat * SYNTH_PI / 180.0);
}

double synth_round_to(double v, double scale)
{
	return round(v * scale) / scale;
}

void synth_date_add(const char *base, long days, char out[11])
{
	dm_days_to_date(dm_date_days(base) + days, out);
}

json_t *synth_pos(double x, double y)
{
	return json_pack("[f,f]", x, y);
}

json_t *synth_ring_json(const double *x, const double *y, int n)
{
	json_t *r = json_array();
	int i;
	for (i = 0; i <= n; i++)
		json_array_append_new(r, synth_pos(x[i % n], y[i % n]));
	return r;
}

json_t *synth_point(double x, double y)
{
	return json_pack("{s:s,s:o}", "type", "Point", "coordinates", synth_pos(x, y));
}

json_t *synth_shape_geom(const struct synth_shape *s)
{
	return synth_polygon(synth_ring_json(s->x, s->y, s->n), s->hn ? synth_ring_json(s->hx, s->hy, s->hn) : NULL);
}

json_t *synth_fan_geom(const struct synth_shape *s, int i0, int i1)
{
	double x[SYNTH_MAXV + 2], y[SYNTH_MAXV + 2];
	int i, n = 0;
	x[n] = s->cx;
	y[n++] = s->cy;
	for (i = i0; i <= i1 && n < SYNTH_MAXV + 2; i++) {
		x[n] = s->x[i % s->n];
		y[n++] = s->y[i % s->n];
	}
	return synth_polygon(synth_ring_json(x, y, n), NULL);
}

json_t *synth_polygon(json_t *shell, json_t *hole)
{
	json_t *co = json_array();
	json_array_append_new(co, shell);
	if (hole)
		json_array_append_new(co, hole);
	return json_pack("{s:s,s:o}", "type", "Polygon", "coordinates", co);
}
