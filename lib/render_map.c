/* render_map.c: a report's map: the district outlines and the period's releases (the
 * released figure's own records, dm_stats_release_geometries), projected to Web Mercator
 * through the vector tiles' geometry (one tile holding the whole area, with an extent that
 * gives about a thousand units across), as paths the PDF, HTML and web renderers draw. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "demine/geo.h"
#include "demine/util.h"
#include "demine/value.h"
#include "render_map.h"

#define MAP_UNITS 1000.0 /* the map's larger side, in units */
#define MAX_ZOOM 14

struct feature {
	char result[16]; /* "" for a district */
	struct dm_geom geom;
};

struct collect {
	struct feature *f;
	size_t n, cap;
	size_t releases;
};

static int keep(void *arg, const char *result, const unsigned char *wkb, size_t n, const double box[4])
{
	struct collect *c = arg;
	struct feature *f;
	if (DM_GROW(c->f, c->n + 1, c->cap))
		return DM_ENOMEM;
	f = &c->f[c->n];
	memset(f, 0, sizeof(*f));
	if (!(f->geom.wkb = malloc(n)))
		return DM_ENOMEM;
	memcpy(f->geom.wkb, wkb, n);
	f->geom.wkb_len = n;
	f->geom.minx = box[0];
	f->geom.miny = box[1];
	f->geom.maxx = box[2];
	f->geom.maxy = box[3];
	snprintf(f->result, sizeof(f->result), "%s", result ? result : "");
	c->releases += result != NULL;
	c->n++;
	return 0;
}

/* The box of the releases, with a margin of a tenth around them (else of the districts):
 * what the map shows. */
static int map_box(const struct collect *c, double box[4])
{
	size_t i;
	int pass, found = 0, releases = 0;
	box[0] = box[1] = box[2] = box[3] = 0;
	for (pass = 0; pass < 2 && !found; pass++)
		for (i = 0; i < c->n; i++) {
			const struct feature *f = &c->f[i];
			if ((pass == 0) != (f->result[0] != 0))
				continue;
			if (!found) {
				box[0] = f->geom.minx, box[1] = f->geom.miny, box[2] = f->geom.maxx, box[3] = f->geom.maxy;
				found = 1;
				releases = pass == 0;
			}
			box[0] = fmin(box[0], f->geom.minx), box[1] = fmin(box[1], f->geom.miny);
			box[2] = fmax(box[2], f->geom.maxx), box[3] = fmax(box[3], f->geom.maxy);
		}
	if (releases) { /* room around them, and at least about a kilometre across */
		double dx = fmax((box[2] - box[0]) * 0.1, 0.005), dy = fmax((box[3] - box[1]) * 0.1, 0.005);
		box[0] -= dx, box[2] += dx, box[1] -= dy, box[3] += dy;
	}
	return found;
}

/* One polygon, line or point of a tile geometry as rings of map units; points become small
 * squares, so a release too small to draw at this scale still shows. */
static json_t *paths_of(const struct dm_tile_geom *tg, double ox, double oy)
{
	json_t *polys = json_array(), *poly = json_array();
	size_t p, i, at = 0;
	for (p = 0; p < tg->nparts; p++) {
		json_t *ring = json_array();
		if (tg->type == 1) {
			for (i = 0; i < tg->part_len[p]; i++) {
				json_int_t x = (json_int_t)llround((double)tg->xy[2 * (at + i)] - ox);
				json_int_t y = (json_int_t)llround((double)tg->xy[2 * (at + i) + 1] - oy);
				json_t *sq = json_pack("[IIIIIIII]", x - 4, y - 4, x + 4, y - 4, x + 4, y + 4, x - 4, y + 4);
				json_array_append_new(polys, json_pack("[o]", sq));
			}
			json_decref(ring);
		} else {
			for (i = 0; i < tg->part_len[p]; i++) {
				json_array_append_new(ring, json_integer((json_int_t)llround((double)tg->xy[2 * (at + i)] - ox)));
				json_array_append_new(ring, json_integer((json_int_t)llround((double)tg->xy[2 * (at + i) + 1] - oy)));
			}
			json_array_append_new(poly, ring);
		}
		at += tg->part_len[p];
	}
	if (json_array_size(poly))
		json_array_append(polys, poly);
	json_decref(poly);
	return polys;
}

static json_t *layer_of(json_t *layers, const char *key)
{
	size_t i;
	json_t *l;
	json_array_foreach(layers, i, l)
		if (!strcmp(json_string_value(json_object_get(l, "key")), key))
			return json_object_get(l, "paths");
	return NULL;
}

int dm_render_map(struct dm_db *db, const struct dm_actor *who, const struct dm_stats_filter *f, json_t **out,
		  struct dm_error *err)
{
	static const char *const keys[] = { "districts", "cancelled", "reduced", "cleared" };
	struct collect c = { 0 };
	double box[4], fx0, fy0, fx1, fy1, span, ox, oy;
	int z, x = 0, y = 0, x1, y1, extent, rc;
	size_t i, left_out = 0;
	json_t *layers;
	*out = NULL;
	rc = dm_stats_release_geometries(db, who, f, DM_MAP_MAX_RELEASES, keep, &c, err);
	if (rc == DM_ENOMEM)
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (rc || !map_box(&c, box))
		goto out;
	for (z = MAX_ZOOM; z > 0; z--) { /* the deepest single tile holding the whole box */
		dm_geo_tile_of(box[0], box[3], z, &x, &y);
		dm_geo_tile_of(box[2], box[1], z, &x1, &y1);
		if (x == x1 && y == y1)
			break;
	}
	if (z == 0)
		x = y = 0;
	dm_geo_tile_project(box[0], box[3], z, x, y, 1, &fx0, &fy0);
	dm_geo_tile_project(box[2], box[1], z, x, y, 1, &fx1, &fy1);
	span = fmax(fmax(fx1 - fx0, fy1 - fy0), 1e-9);
	extent = (int)fmin(fmax(MAP_UNITS / span, 256), 1 << 24);
	ox = fx0 * extent;
	oy = fy0 * extent;
	layers = json_array();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		json_array_append_new(layers, json_pack("{s:s, s:[]}", "key", keys[i], "paths"));
	for (i = 0; i < c.n; i++) {
		struct dm_tile_geom tg = { 0 };
		struct dm_error e;
		json_t *paths = layer_of(layers, c.f[i].result[0] ? c.f[i].result : "districts");
		dm_error_init(&e);
		/* a geometry the tiles cannot draw is left out of the map, counted, not fatal */
		if (!paths || dm_geo_tile_geometry(dm_db_geo(db), &c.f[i].geom, z, x, y, extent, 0, 0.5, &tg, &e))
			left_out++;
		else if (tg.type) {
			json_t *p = paths_of(&tg, ox, oy);
			json_array_extend(paths, p);
			json_decref(p);
		}
		dm_tile_geom_release(&tg);
		dm_error_release(&e);
	}
	*out = json_pack("{s:i, s:i, s:o, s:I, s:I}", "width", (int)ceil((fx1 - fx0) * extent), "height",
			 (int)ceil((fy1 - fy0) * extent), "layers", layers, "releases", (json_int_t)c.releases, "left_out",
			 (json_int_t)left_out);
out:
	for (i = 0; i < c.n; i++)
		free(c.f[i].geom.wkb);
	free(c.f);
	return rc;
}
