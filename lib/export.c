/* export.c: writing records out as GeoJSON (RFC 7946, or a 2008-style crs member when asked
 * for another CRS) and CSV (RFC 4180, geometry as WKT, optional HXL row), streaming. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "demine/csv.h"
#include "demine/exchange.h"
#include "demine/geo.h"
#include "demine/geojson.h"
#include "demine/ogr.h"
#include "record_impl.h"

struct export {
	struct dm_db *db;
	const struct dm_actor *who;
	const struct dm_export_opts *o;
	struct dm_geojson_writer gw;
	FILE *out;
	json_t *columns; /* CSV: the column names, in order */
	size_t count;
	struct dm_error *err;
	struct dm_ogr_writer *ogr; /* GPKG, SHP, KML */
};

static int feature_out(struct dm_record *r, void *arg)
{
	struct export *x = arg;
	json_t *doc = dm_record_to_json(x->db, x->who, r, x->o->crs), *f;
	int rc;
	f = json_pack("{s:s, s:s, s:O}", "type", "Feature", "id", r->id, "geometry", json_object_get(doc, "geometry"));
	json_object_del(doc, "geometry");
	json_object_del(doc, "id");
	json_object_set_new(f, "properties", doc);
	rc = dm_geojson_writer_feature(&x->gw, f, x->err);
	json_decref(f);
	x->count++;
	return rc;
}

static json_t *csv_columns(const struct dm_db *db, const struct dm_actor *who, const struct dm_type *t)
{
	static const char *const common[] = {
		"id", "type", "code", "external_id", "version", "status", "approved_version", "deleted", "organisation",
		"location", "date_of_information", "created_by", "created_at", "updated_by", "updated_at",
		"change_reason", "status_reason", "source_crs", NULL,
	};
	json_t *cols = json_array();
	const char *const *p;
	size_t i;
	(void)db;
	for (p = common; *p; p++)
		if (dm_auth_sees_member(who, *p))
			json_array_append_new(cols, json_string(*p));
	for (i = 0; i < t->nfields; i++) {
		/* Columns who may never see are left out (the cells of others' records stay blank). */
		if (!dm_auth_sees_field(who, NULL, t->fields[i].flags))
			continue;
		json_array_append_new(cols, json_string(t->fields[i].name));
	}
	if (t->geom != DM_GEOM_NONE)
		json_array_append_new(cols, json_string("geometry"));
	return cols;
}

static void write_cells(FILE *out, json_t *cells)
{
	size_t n = json_array_size(cells), i;
	const char **v = calloc(n ? n : 1, sizeof(char *));
	if (!v)
		return;
	for (i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(cells, i));
	dm_csv_write_row(out, v, n);
	free(v);
}

static const char *common_hxl(const char *name)
{
	static const char *const map[][2] = {
		{ "id", "#meta+id" }, { "code", "#meta+code" }, { "external_id", "#meta+id+external" },
		{ "status", "#status+workflow" }, { "organisation", "#org+id" }, { "location", "#adm2+id" },
		{ "date_of_information", "#date+reported" }, { "geometry", "#geo+wkt" },
	};
	size_t i;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], name))
			return map[i][1];
	return "";
}

static void write_csv_header(struct export *x, const struct dm_type *t)
{
	json_t *hx = json_array(), *c;
	size_t i;
	write_cells(x->out, x->columns);
	if (!x->o->hxl) {
		json_decref(hx);
		return;
	}
	json_array_foreach(x->columns, i, c) {
		const struct dm_field *f = dm_type_field(t, json_string_value(c));
		const char *tag = f ? (f->hxl ? f->hxl : "") : common_hxl(json_string_value(c));
		json_array_append_new(hx, json_string(tag));
	}
	write_cells(x->out, hx);
	json_decref(hx);
}

static int row_out(struct dm_record *r, void *arg)
{
	struct export *x = arg;
	json_t *doc = dm_record_to_json(x->db, x->who, r, NULL), *cells = json_array(), *c;
	size_t i;
	json_array_foreach(x->columns, i, c) {
		const char *name = json_string_value(c);
		const struct dm_field *f = dm_type_field(r->type, name);
		char *txt;
		if (!strcmp(name, "geometry")) {
			txt = r->geom.wkb ? dm_geo_to_wkt(x->db->geo, &r->geom, x->o->crs) : NULL;
			json_array_append_new(cells, json_string(txt ? txt : ""));
			free(txt);
			continue;
		}
		if (f) {
			txt = dm_field_to_text(f, json_object_get(doc, name));
		} else {
			json_t *v = json_object_get(doc, name);
			static const struct dm_field plain = { .name = "", .type = DM_F_TEXT };
			txt = dm_field_to_text(&plain, v);
		}
		json_array_append_new(cells, json_string(txt ? txt : ""));
		free(txt);
	}
	write_cells(x->out, cells);
	json_decref(cells);
	json_decref(doc);
	x->count++;
	return ferror(x->out) ? dm_error_set(x->err, DM_EIO, NULL, "write failed") : 0;
}

/* GIS files: the columns of the CSV export, typed, geometry in the output CRS. */
static int ogr_out(struct dm_record *r, void *arg)
{
	struct export *x = arg;
	json_t *doc = dm_record_to_json(x->db, x->who, r, x->o->crs);
	int rc;
	rc = dm_ogr_writer_feature(x->ogr, doc, x->err);
	json_decref(doc);
	x->count++;
	return rc;
}

static int export_ogr(struct export *x, const struct dm_type *t, const struct dm_list_opts *lo)
{
	int rc, rc2;
	x->columns = csv_columns(x->db, x->who, t);
	rc = dm_ogr_writer_open(&x->ogr, x->o->path, x->o->format, t, x->columns, x->o->crs, x->err);
	if (!rc)
		rc = dm_record_list(x->db, x->who, x->o->type, lo, ogr_out, x, x->err);
	rc2 = x->ogr ? dm_ogr_writer_close(x->ogr, x->err) : 0;
	x->ogr = NULL;
	json_decref(x->columns);
	return rc ? rc : rc2;
}

int dm_export(struct dm_db *db, const struct dm_actor *who, const struct dm_export_opts *o, FILE *out,
	      size_t *count, struct dm_error *err)
{
	const struct dm_type *t = dm_schema_type(db->schema, o->type);
	struct dm_list_opts lo = { 0 };
	struct export x;
	int rc;
	if (!t)
		return dm_error_set(err, DM_EUSAGE, "type", "unknown record type '%s'", o->type ? o->type : "");
	memset(&x, 0, sizeof(x));
	x.db = db;
	x.who = who;
	x.o = o;
	x.out = out;
	x.err = err;
	lo.as_of = o->as_of;
	lo.approved_only = o->approved_only;
	if (o->crs && strcmp(o->crs, "EPSG:4326")) {
		/* fail early on an unknown CRS rather than after the header */
		double px = 47, py = 40;
		if ((rc = dm_geo_transform_point(db->geo, "EPSG:4326", o->crs, &px, &py, err)))
			return rc;
	}
	if (o->format == DM_EXPORT_GPKG || o->format == DM_EXPORT_SHP || o->format == DM_EXPORT_KML) {
		rc = export_ogr(&x, t, &lo);
	} else if (o->format == DM_EXPORT_CSV) {
		x.columns = csv_columns(db, who, t);
		write_csv_header(&x, t);
		rc = dm_record_list(db, who, o->type, &lo, row_out, &x, err);
		json_decref(x.columns);
	} else {
		rc = dm_geojson_writer_begin(&x.gw, out, o->crs && strcmp(o->crs, "EPSG:4326") ? o->crs : NULL, err);
		if (!rc)
			rc = dm_record_list(db, who, o->type, &lo, feature_out, &x, err);
		if (!rc)
			rc = dm_geojson_writer_end(&x.gw, err);
	}
	if (count)
		*count = x.count;
	if (!rc && out && fflush(out))
		rc = dm_error_set(err, DM_EIO, NULL, "write failed: %m");
	return rc;
}
