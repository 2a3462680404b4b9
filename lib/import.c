/* import.c: bringing records in from GeoJSON and CSV, one feature at a time, in one
 * transaction: a file is taken whole or not at all, and every problem is listed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "demine/csv.h"
#include "demine/exchange.h"
#include "demine/geo.h"
#include "demine/geojson.h"
#include "demine/ogr.h"
#include "record_impl.h"

struct import {
	struct dm_db *db;
	const struct dm_actor *who;
	const struct dm_import_opts *o;
	struct dm_import_stats *st;
	struct dm_error *err;
	char crs[64];
	size_t nbad, max_errors;
	int fatal; /* a store failure: stop at once */
};

static const char *ext_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : "";
}

/* Copies one record's problems into the import's error, prefixed with where it is. */
static void collect(struct import *im, const char *where, struct dm_error *e)
{
	size_t i;
	im->nbad++;
	if (!e->ndetails) {
		dm_error_add(im->err, e->field, "%s: %s", where, e->message);
		return;
	}
	for (i = 0; i < e->ndetails; i++) {
		char prefix[160];
		snprintf(prefix, sizeof(prefix), "%s: %s%s", where, e->details[i].field,
			 e->details[i].field[0] ? ": " : "");
		dm_error_add_detail(im->err, &e->details[i], prefix);
	}
}

static int write_one(struct import *im, json_t *in, const char *where)
{
	struct dm_write_opts w = { 0 };
	struct dm_error e;
	const char *id = json_string_value(json_object_get(in, "id"));
	json_t *ver = json_object_get(in, "version");
	const char *reason = im->o->reason;
	int rc;
	w.approve = im->o->approve;
	w.repair = im->o->repair;
	w.crs = im->crs[0] ? im->crs : NULL;
	w.resolve_links = 1;
	w.report = im->st->report;
	dm_error_init(&e);
	if (id && json_is_integer(ver)) {
		struct dm_record *out = NULL;
		rc = dm_record_update(im->db, im->who, id, json_integer_value(ver), in,
				      reason ? reason : "imported", &w, &out, &e);
		/* a record exported and brought back unchanged writes no version */
		if (!rc && out->version == json_integer_value(ver))
			im->st->unchanged++;
		else if (!rc)
			im->st->updated++;
		dm_record_free(out);
	} else if (id) {
		rc = dm_error_set(&e, DM_EINVAL, "version",
				  "a record with an id updates that record and needs its 'version'; put legacy ids in external_id");
	} else {
		if (reason && !json_object_get(in, "change_reason"))
			json_object_set_new(in, "change_reason", json_string(reason));
		rc = dm_record_create(im->db, im->who, im->o->type, in, &w, NULL, &e);
		if (!rc)
			im->st->created++;
	}
	if (rc == DM_EINVAL || rc == DM_ECONFLICT || rc == DM_ENOTFOUND || rc == DM_ESTATE || rc == DM_EPERM) {
		collect(im, where, &e);
		rc = im->nbad >= im->max_errors ? DM_ELIMIT : 0;
	} else if (rc) {
		dm_error_set(im->err, rc, e.field, "%s: %s", where, e.message);
		im->fatal = 1;
	}
	dm_error_release(&e);
	im->st->records++;
	if (im->o->progress && im->o->progress_every && im->st->records % im->o->progress_every == 0)
		im->o->progress(im->st->records, im->o->progress_arg);
	return rc;
}

/* ---- GeoJSON ---- */

static int on_crs(void *arg, const char *crs)
{
	struct import *im = arg;
	snprintf(im->crs, sizeof(im->crs), "%s", strcmp(crs, "OGC:CRS84") ? crs : "EPSG:4326");
	return 0;
}

static int on_feature(void *arg, size_t index, size_t line, json_t *feature)
{
	struct import *im = arg;
	json_t *props = json_object_get(feature, "properties"), *in, *id;
	char where[64];
	int rc;
	in = json_is_object(props) ? json_deep_copy(props) : json_object();
	id = json_object_get(feature, "id");
	snprintf(where, sizeof(where), "feature %zu (line %zu)", index, line);
	/* a feature half copied (out of memory) must fail the import, not lose a member */
	if (!in || (json_object_get(feature, "geometry") && json_object_set(in, "geometry", json_object_get(feature, "geometry"))) ||
	    (json_is_string(id) && json_object_set(in, "id", id))) {
		json_decref(in);
		im->fatal = 1;
		return dm_error_set(im->err, DM_ENOMEM, NULL, "%s: out of memory", where);
	}
	rc = write_one(im, in, where);
	json_decref(in);
	return rc;
}

static int import_geojson(struct import *im, FILE *f)
{
	struct dm_geojson_handler h = { 0 };
	struct dm_error e;
	int rc;
	h.arg = im;
	h.feature = on_feature;
	h.crs = on_crs;
	dm_error_init(&e);
	rc = dm_geojson_read(f, &h, &e);
	if (rc && e.code) { /* problems of the file itself, as the reader reported them */
		size_t i;
		for (i = 0; i < e.ndetails; i++)
			dm_error_add(im->err, e.details[i].field, "%s", e.details[i].message);
		if (!e.ndetails)
			dm_error_add(im->err, e.field, "%s", e.message);
		im->nbad++;
	}
	dm_error_release(&e);
	return rc;
}

/* ---- CSV ---- */

struct csv_cols {
	char **names;
	size_t n;
	int geometry, x, y, crs;
	/* turning points: rows BM, RP, TP1..TPn of one record, bearing and distance */
	int point, bearing, distance, bearing_type, declination;
};

/* The rows of one record entered as turning points, kept until the next benchmark. */
struct tp_group {
	char ***rows;
	size_t *lines;
	size_t n, cap;
};

/* The names a coordinate column goes by in spreadsheets and GPS exports, any case: x first
 * (longitude in WGS84, easting with --crs), then y. */
static const char *const x_names[] = { "x", "lon", "longitude", "long", "lng", "easting", NULL };
static const char *const y_names[] = { "y", "lat", "latitude", "northing", NULL };
static const char *const lon_names[] = { "lon", "longitude", "long", "lng", NULL };

static int in_names(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(name, *list))
			return 1;
	return 0;
}

static int col_index_of(char **names, size_t n, const char *const *list)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (in_names(names[i], list))
			return (int)i;
	return -1;
}

static int col_index(char **names, size_t n, const char *a, const char *b)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!strcasecmp(names[i], a) || (b && !strcasecmp(names[i], b)))
			return (int)i;
	return -1;
}

/* 1 when column i exists in this row and is not empty. */
static int filled(char **cells, int i)
{
	return i >= 0 && cells && cells[i] && cells[i][0];
}

/* A CSV geometry is WKT (any CRS), or x/y (lon/lat) columns for points. */
static int csv_geometry(struct import *im, const struct csv_cols *c, char **cells, json_t *in, struct dm_error *e)
{
	char wkt[128];
	const char *text = NULL;
	json_t *gj;
	if (filled(cells, c->geometry))
		text = cells[c->geometry];
	else if (filled(cells, c->x) && filled(cells, c->y)) {
		char *end1, *end2;
		double x = strtod(cells[c->x], &end1), y = strtod(cells[c->y], &end2);
		if (*end1 || *end2) {
			dm_error_add(e, "geometry", "x/y '%s' '%s' are not numbers", cells[c->x], cells[c->y]);
			return DM_EINVAL;
		}
		snprintf(wkt, sizeof(wkt), "POINT (%.10f %.10f)", x, y);
		text = wkt;
	}
	if (!text)
		return 0;
	/* WKT to GeoJSON as it is (source CRS, no checks): the write path validates, transforms
	 * and keeps the source CRS, once. */
	gj = dm_geo_wkt_to_json(text, e);
	if (!gj) {
		dm_error_add(e, "geometry", "%s", e->message);
		return DM_EINVAL;
	}
	json_object_set_new(in, "geometry", gj);
	return 0;
}

static int csv_row_to_json(struct import *im, const struct csv_cols *c, char **cells, json_t *in,
			   struct dm_error *e)
{
	const struct dm_type *t = dm_schema_type(im->db->schema, im->o->type);
	size_t i;
	int bad = 0;
	for (i = 0; i < c->n; i++) {
		const struct dm_field *f = dm_type_field(t, c->names[i]);
		json_t *v = NULL;
		if ((int)i == c->geometry || (int)i == c->x || (int)i == c->y || (int)i == c->crs ||
		    (int)i == c->point || (int)i == c->bearing || (int)i == c->distance ||
		    (int)i == c->bearing_type || (int)i == c->declination)
			continue;
		if (!strcmp(c->names[i], "version")) {
			if (cells[i][0])
				json_object_set_new(in, "version", json_integer(strtoll(cells[i], NULL, 10)));
			continue;
		}
		if (!f) {
			if (cells[i][0])
				json_object_set_new(in, c->names[i], json_string(cells[i]));
			continue;
		}
		if (dm_field_from_text(f, cells[i], &v, e))
			bad = 1;
		else
			json_object_set_new(in, c->names[i], v);
	}
	if (!bad && csv_geometry(im, c, cells, in, e))
		bad = 1;
	return bad ? DM_EINVAL : 0;
}

static const char *cell(char **cells, int i)
{
	return i >= 0 ? cells[i] : NULL;
}

static void tp_clear(struct tp_group *g, size_t ncols)
{
	size_t i, j;
	for (i = 0; i < g->n; i++) {
		for (j = 0; j < ncols; j++)
			free(g->rows[i][j]);
		free(g->rows[i]);
	}
	g->n = 0;
}

static int tp_add(struct tp_group *g, char **cells, size_t ncols, size_t line)
{
	size_t j;
	char **copy;
	if (g->n == g->cap) {
		size_t cap = g->cap;
		size_t *lines;
		if (DM_GROW(g->rows, g->n + 1, cap))
			return DM_ENOMEM;
		lines = dm_realloc_array(g->lines, cap, sizeof(*lines));
		if (!lines)
			return DM_ENOMEM;
		g->lines = lines;
		g->cap = cap;
	}
	copy = calloc(ncols, sizeof(char *));
	if (!copy)
		return DM_ENOMEM;
	for (j = 0; j < ncols; j++)
		copy[j] = strdup(cells[j]);
	g->rows[g->n] = copy;
	g->lines[g->n++] = line;
	return 0;
}

/* Writes the record of a turning-point group: its fields from the benchmark row, its
 * polygon from bearings and distances. */
static int tp_flush(struct import *im, const struct csv_cols *c, struct tp_group *g)
{
	struct dm_tp_row *rows;
	struct dm_geom geom = { 0 };
	struct dm_error e;
	char where[64];
	json_t *in, *gj = NULL;
	size_t i;
	int rc;
	if (!g->n)
		return 0;
	rows = calloc(g->n, sizeof(*rows));
	if (!rows)
		return dm_error_set(im->err, DM_ENOMEM, NULL, "out of memory");
	for (i = 0; i < g->n; i++) {
		char **r = g->rows[i];
		rows[i].line = g->lines[i];
		rows[i].point = cell(r, c->point);
		if (c->x >= 0 && in_names(c->names[c->x], lon_names)) {
			rows[i].lon = cell(r, c->x);
			rows[i].lat = cell(r, c->y);
		} else {
			rows[i].x = cell(r, c->x);
			rows[i].y = cell(r, c->y);
		}
		rows[i].crs = cell(r, c->crs) && *cell(r, c->crs) ? cell(r, c->crs) : im->o->crs;
		rows[i].bearing = cell(r, c->bearing);
		rows[i].distance = cell(r, c->distance);
		rows[i].bearing_type = cell(r, c->bearing_type);
		rows[i].declination = cell(r, c->declination);
	}
	snprintf(where, sizeof(where), "turning points from line %zu", g->lines[0]);
	in = json_object();
	dm_error_init(&e);
	rc = dm_geo_turning_points(im->db->geo, rows, g->n, &geom, NULL, &e);
	if (!rc) {
		gj = dm_geo_to_geojson(im->db->geo, &geom, NULL);
		rc = csv_row_to_json(im, c, g->rows[0], in, &e);
	}
	if (rc) {
		collect(im, where, &e);
		im->st->records++;
		rc = im->nbad >= im->max_errors ? DM_ELIMIT : 0;
	} else {
		json_object_set_new(in, "geometry", gj);
		gj = NULL;
		im->crs[0] = 0; /* the polygon is already in WGS84 */
		rc = write_one(im, in, where);
	}
	json_decref(gj);
	json_decref(in);
	dm_geom_release(&geom);
	dm_error_release(&e);
	free(rows);
	return rc;
}

static int import_csv(struct import *im, FILE *f)
{
	struct dm_csv_reader *r;
	struct csv_cols c = { 0 };
	char **cells, where[64];
	struct tp_group group = { 0 };
	size_t n, line, i;
	int rc, first = 1, tp = 0;
	r = dm_csv_reader_new(f);
	if (!r)
		return dm_error_set(im->err, DM_ENOMEM, NULL, "out of memory");
	while ((rc = dm_csv_next(r, &cells, &n, &line, im->err)) == 1) {
		json_t *in;
		struct dm_error e;
		if (first) {
			c.names = calloc(n, sizeof(char *));
			if (!c.names) {
				rc = dm_error_set(im->err, DM_ENOMEM, NULL, "out of memory");
				break;
			}
			for (i = 0; i < n; i++)
				c.names[i] = strdup(cells[i]);
			c.n = n;
			c.geometry = col_index(c.names, n, "geometry", "wkt");
			c.x = col_index_of(c.names, n, x_names);
			c.y = col_index_of(c.names, n, y_names);
			c.crs = col_index(c.names, n, "crs", NULL);
			c.point = col_index(c.names, n, "point", NULL);
			c.bearing = col_index(c.names, n, "bearing", NULL);
			c.distance = col_index(c.names, n, "distance", NULL);
			c.bearing_type = col_index(c.names, n, "bearing_type", NULL);
			c.declination = col_index(c.names, n, "declination", NULL);
			tp = c.point >= 0 && c.bearing >= 0 && c.distance >= 0;
			first = 0;
			continue;
		}
		if (dm_csv_is_hxl_row(cells, n))
			continue;
		if (tp) {
			/* a benchmark row starts the next record */
			if (!strcasecmp(cells[c.point], "BM") && (rc = tp_flush(im, &c, &group)))
				break;
			if (!strcasecmp(cells[c.point], "BM"))
				tp_clear(&group, c.n);
			if (tp_add(&group, cells, c.n, line)) {
				rc = dm_error_set(im->err, DM_ENOMEM, NULL, "out of memory");
				break;
			}
			continue;
		}
		if (c.crs >= 0 && cells[c.crs][0])
			snprintf(im->crs, sizeof(im->crs), "%s", cells[c.crs]);
		snprintf(where, sizeof(where), "line %zu", line);
		in = json_object();
		dm_error_init(&e);
		if (csv_row_to_json(im, &c, cells, in, &e)) {
			collect(im, where, &e);
			im->st->records++;
			rc = im->nbad >= im->max_errors ? DM_ELIMIT : 0;
		} else {
			rc = write_one(im, in, where);
		}
		dm_error_release(&e);
		json_decref(in);
		if (rc || im->fatal)
			break;
	}
	if (rc == 0 && tp)
		rc = tp_flush(im, &c, &group);
	tp_clear(&group, c.n);
	free(group.rows);
	free(group.lines);
	for (i = 0; i < c.n; i++)
		free(c.names[i]);
	free(c.names);
	dm_csv_reader_free(r);
	if (rc < 0 && rc != DM_ELIMIT && !im->fatal)
		im->nbad++;
	return rc < 0 ? rc : 0;
}

/* ---- GIS files through OGR (lib/ogr.c) ---- */

static int on_ogr_feature(void *arg, const char *where, json_t *in, const char *crs)
{
	struct import *im = arg;
	int rc;
	/* the layer's CRS, as a GeoJSON crs member would give it */
	snprintf(im->crs, sizeof(im->crs), "%s", crs ? crs : "");
	rc = write_one(im, in, where);
	return rc ? rc : im->fatal ? DM_EIO : 0;
}

static int on_ogr_bad(void *arg, const char *where, struct dm_error *e)
{
	struct import *im = arg;
	collect(im, where, e);
	im->st->records++;
	return im->nbad >= im->max_errors ? DM_ELIMIT : 0;
}

static int import_ogr(struct import *im, const char *path)
{
	struct dm_ogr_reader r = { 0 };
	struct dm_error e;
	int rc;
	r.type = dm_schema_type(im->db->schema, im->o->type);
	r.crs = im->o->crs;
	r.encoding = im->o->encoding;
	r.layer = im->o->layer;
	r.defaults = im->o->defaults;
	r.track_as_polygon = im->o->track_as_polygon;
	r.report = im->st->report;
	r.arg = im;
	r.feature = on_ogr_feature;
	r.bad = on_ogr_bad;
	dm_error_init(&e);
	rc = dm_ogr_read(path, &r, &e);
	if (rc && e.code) { /* problems of the file itself */
		dm_error_add(im->err, e.field, "%s", e.message);
		im->nbad++;
	}
	dm_error_release(&e);
	return rc;
}

int dm_import_file(struct dm_db *db, const struct dm_actor *who, const char *path, const struct dm_import_opts *o,
		   struct dm_import_stats *st, struct dm_error *err)
{
	struct import im;
	const char *ext = ext_of(path);
	FILE *f;
	int rc, csv = !strcasecmp(ext, "csv"), gis = dm_ogr_is_gis_path(path);
	memset(st, 0, sizeof(*st));
	st->report = json_array();
	if (!dm_schema_type(db->schema, o->type))
		return dm_error_set(err, DM_EUSAGE, "type", "unknown record type '%s'", o->type ? o->type : "");
	if (gis && !dm_ogr_available())
		return dm_error_set(err, DM_EUSAGE, NULL, "demine was built without GDAL: cannot read '.%s' files", ext);
	if (!csv && !gis && strcasecmp(ext, "geojson") && strcasecmp(ext, "json"))
		return dm_error_set(err, DM_EUSAGE, NULL,
				    "cannot import '%s': use .geojson, .json, .csv%s", path,
				    dm_ogr_available() ? ", .shp, .zip, .gpkg, .kml, .kmz, .gpx or .xlsx" : "");
	if (o->approve && (!o->reason || !*o->reason))
		return dm_error_set(err, DM_EUSAGE, "reason", "--approve needs --reason");
	f = fopen(path, "rb");
	if (!f)
		return dm_error_set(err, DM_ENOTFOUND, NULL, "cannot open '%s': %m", path);
	memset(&im, 0, sizeof(im));
	im.db = db;
	im.who = who;
	im.o = o;
	im.st = st;
	im.err = err;
	im.max_errors = o->max_errors ? o->max_errors : 100;
	if (o->crs)
		snprintf(im.crs, sizeof(im.crs), "%s", o->crs);
	rc = dm_store_begin(db->st, err);
	if (!rc) {
		/* all or nothing (any bad record rolls back everything): codes may count in memory */
		dm_rec_codes_batch_begin(db);
		rc = gis ? import_ogr(&im, path) : csv ? import_csv(&im, f) : import_geojson(&im, f);
		if (!rc && !im.nbad && !im.fatal)
			rc = dm_rec_codes_flush(db, err);
		dm_rec_codes_batch_end(db);
	}
	fclose(f);
	if (rc || im.nbad || im.fatal) {
		dm_store_rollback(db->st);
		if (!err->code || im.nbad) {
			/* the count is of the problems listed; a feature may have several */
			size_t nlisted = err->ndetails > im.nbad ? err->ndetails : im.nbad;
			char in[64] = "";
			if (nlisted != im.nbad)
				snprintf(in, sizeof(in), " in %zu feature%s", im.nbad, im.nbad == 1 ? "" : "s");
			dm_error_set(err, im.fatal ? DM_EIO : DM_EINVAL, NULL,
				     "'%s' refused, nothing imported: %zu problem%s found%s%s", path, nlisted,
				     nlisted == 1 ? "" : "s", in, rc == DM_ELIMIT ? " (stopped listing at the limit)" : "");
		}
		st->created = st->updated = 0;
		return err->code ? err->code : DM_EINVAL;
	}
	return dm_store_commit(db->st, err);
}
