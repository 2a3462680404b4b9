/* ogr.c: GIS files through GDAL's OGR C API: any vector file read one feature at a time as
 * record input, GeoPackage, Shapefile and KML written; stubs when built without GDAL. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "demine/fold.h"
#include "demine/geo.h"
#include "demine/ogr.h"
#include "demine/record.h"
#include "demine/util.h"

static const char *const gis_ext[] = { "shp", "zip", "gpkg", "kml", "kmz", "gpx", "xlsx", NULL };

int dm_ogr_is_gis_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *const *p;
	if (!dot)
		return 0;
	for (p = gis_ext; *p; p++)
		if (!strcasecmp(dot + 1, *p))
			return 1;
	return 0;
}

#ifndef DM_HAVE_GDAL

int dm_ogr_available(void)
{
	return 0;
}

int dm_ogr_read(const char *path, const struct dm_ogr_reader *r, struct dm_error *err)
{
	const char *dot = strrchr(path, '.');
	(void)r;
	return dm_error_set(err, DM_EUSAGE, NULL, "demine was built without GDAL: cannot read '%s' files",
			    dot ? dot : path);
}

int dm_ogr_writer_open(struct dm_ogr_writer **out, const char *path, enum dm_export_format format,
		       const struct dm_type *t, json_t *columns, const char *crs, struct dm_error *err)
{
	(void)path; (void)format; (void)t; (void)columns; (void)crs;
	*out = NULL;
	return dm_error_set(err, DM_EUSAGE, NULL, "demine was built without GDAL: cannot write GIS files");
}

int dm_ogr_writer_feature(struct dm_ogr_writer *w, json_t *doc, struct dm_error *err)
{
	(void)w; (void)doc;
	return dm_error_set(err, DM_EUSAGE, NULL, "demine was built without GDAL");
}

int dm_ogr_writer_close(struct dm_ogr_writer *w, struct dm_error *err)
{
	(void)w; (void)err;
	return 0;
}

#else /* DM_HAVE_GDAL */

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

int dm_ogr_available(void)
{
	return 1;
}

/* Members every record has, beside its type's fields: truncated Shapefile names are matched
 * against these too. */
static const char *const common_names[] = {
	"id", "type", "code", "external_id", "version", "status", "approved_version", "deleted", "organisation",
	"location", "date_of_information", "created_by", "created_at", "updated_by", "updated_at",
	"change_reason", "status_reason", "source_crs", NULL,
};

/* Fields the drivers add themselves (KML placemarks, GPX points): dropped unless the record
 * type has a field of that name. */
static const char *const driver_fields[] = {
	"Name", "Description", "timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility",
	"drawOrder", "icon", "snippet", "ele", "time", "magvar", "geoidheight", "cmt", "desc", "src", "sym", "fix",
	"sat", "hdop", "vdop", "pdop", "ageofdgpsdata", "dgpsid", "number", "route_fid", "route_point_id",
	"track_fid", "track_seg_id", "track_seg_point_id", "link1_href", "link1_text", "link1_type", "link2_href",
	"link2_text", "link2_type", NULL,
};

struct col {
	char *name;               /* the member it becomes; NULL = dropped */
	const struct dm_field *f; /* the type's field, or NULL for a common member */
};

/* The names a coordinate column of a table without geometry (XLSX, CSV through GDAL) goes by,
 * any case: longitude or easting (with --crs), latitude or northing. */
static const char *const x_names[] = { "x", "lon", "longitude", "long", "lng", "easting", NULL };
static const char *const y_names[] = { "y", "lat", "latitude", "northing", NULL };

static int in_list(const char *const *list, const char *name, int nocase)
{
	for (; *list; list++)
		if (nocase ? !strcasecmp(*list, name) : !strcmp(*list, name))
			return 1;
	return 0;
}

/* The code page text that is not UTF-8 was most likely written in, for the hint: Cyrillic
 * (CP1251) is all bytes above 0x7F, Azerbaijani and Turkish Latin (CP1254) a few among ASCII
 * letters. */
static const char *likely_code_page(const char *s)
{
	size_t high = 0, letters = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x80)
			high++;
		if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			letters++;
	}
	return high * 2 >= letters ? "CP1251" : "CP1254";
}

/* The record member an OGR field name stands for: exact, then ignoring case, then (a name cut
 * short by the Shapefile format) the one member it is a prefix of. */
static const char *member_for(const struct dm_type *t, const char *name, int *by_prefix)
{
	const char *hit = NULL;
	size_t i, n = strlen(name), nhits = 0;
	const char *const *p;
	*by_prefix = 0;
	if (dm_type_field(t, name))
		return dm_type_field(t, name)->name;
	if (in_list(common_names, name, 0))
		return name;
	for (i = 0; i < t->nfields; i++)
		if (!strcasecmp(t->fields[i].name, name))
			return t->fields[i].name;
	for (p = common_names; *p; p++)
		if (!strcasecmp(*p, name))
			return *p;
	/* GDAL writes the fields of a GPX it makes as extensions named ogr_FIELD */
	if (!strncasecmp(name, "ogr_", 4) && name[4]) {
		const char *m = member_for(t, name + 4, by_prefix);
		if (m && m != name + 4)
			return m;
		if (m && (dm_type_field(t, m) || in_list(common_names, m, 0)))
			return m;
	}
	if (in_list(driver_fields, name, 1))
		return NULL;
	if (n < 3)
		return name;
	for (i = 0; i < t->nfields; i++)
		if (!strncasecmp(t->fields[i].name, name, n)) {
			hit = t->fields[i].name;
			nhits++;
		}
	for (p = common_names; *p; p++)
		if (!strncasecmp(*p, name, n)) {
			hit = *p;
			nhits++;
		}
	if (nhits == 1) {
		*by_prefix = 1;
		return hit;
	}
	return name;
}

static int is_readonly(const char *name)
{
	static const char *const ro[] = {
		"code", "status", "approved_version", "deleted", "created_by", "created_at", "updated_by",
		"updated_at", "status_reason", "source_crs", NULL,
	};
	return in_list(ro, name, 0);
}

/* "[\"a\", \"b\"]" (GeoPackage JSON lists) and "(2:a,b)" (OGR string lists flattened) become
 * "a;b", the text form of sets. Returns a new string or NULL when TEXT is neither. */
static char *list_text(const char *text)
{
	size_t len = strlen(text);
	char *out = NULL;
	if (text[0] == '[') {
		json_t *a = json_loads(text, 0, NULL), *v;
		size_t i, cap = len + 1, used = 0;
		if (!json_is_array(a) || !(out = calloc(1, cap))) {
			json_decref(a);
			return NULL;
		}
		json_array_foreach(a, i, v) {
			const char *s = json_string_value(v);
			size_t sl = s ? strlen(s) : 0;
			if (used + sl + 2 > cap)
				break;
			if (used)
				out[used++] = ';';
			memcpy(out + used, s ? s : "", sl);
			used += sl;
		}
		json_decref(a);
		return out;
	}
	if (text[0] == '(' && len > 3 && text[len - 1] == ')') {
		const char *colon = strchr(text, ':');
		char *p;
		if (!colon || colon == text + 1 || strspn(text + 1, "0123456789") != (size_t)(colon - text - 1))
			return NULL;
		out = strndup(colon + 1, (size_t)(text + len - 1 - colon - 1));
		for (p = out; p && *p; p++)
			if (*p == ',')
				*p = ';';
		return out;
	}
	return NULL;
}

/* The value of field I as text, as a CSV cell would hold it; NULL when unset or null.
 * Caller frees. */
static char *field_text(OGRFeatureH feat, int i, OGRFieldDefnH fd, int want_datetime)
{
	char buf[64];
	int y, m, d, h, mi, tz;
	float s;
	if (!OGR_F_IsFieldSetAndNotNull(feat, i))
		return NULL;
	switch (OGR_Fld_GetType(fd)) {
	case OFTInteger:
	case OFTInteger64:
		snprintf(buf, sizeof(buf), "%lld", (long long)OGR_F_GetFieldAsInteger64(feat, i));
		return strdup(buf);
	case OFTReal:
		snprintf(buf, sizeof(buf), "%.17g", OGR_F_GetFieldAsDouble(feat, i));
		return strdup(buf);
	case OFTDate:
	case OFTDateTime:
		if (!OGR_F_GetFieldAsDateTimeEx(feat, i, &y, &m, &d, &h, &mi, &s, &tz))
			return NULL;
		if (OGR_Fld_GetType(fd) == OFTDate || !want_datetime)
			snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
		else
			snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, h, mi, (int)s);
		return strdup(buf);
	case OFTStringList: {
		char **list = OGR_F_GetFieldAsStringList(feat, i);
		size_t n = 0, k;
		char *out;
		for (k = 0; list && list[k]; k++)
			n += strlen(list[k]) + 1;
		out = calloc(1, n + 1);
		for (k = 0; out && list && list[k]; k++) {
			if (k)
				strncat(out, ";", n - strlen(out));
			strncat(out, list[k], n - strlen(out));
		}
		return out;
	}
	default: {
		/* a DBF pads text with blanks: a value of blanks only is an empty one */
		const char *v = OGR_F_GetFieldAsString(feat, i);
		return v[strspn(v, " ")] ? strdup(v) : NULL;
	}
	}
}

/* Dates that reached a text field through OGR read "2021/11/01" or "2021/11/01 08:14:55+00":
 * made ISO 8601 in place for date fields. */
static void iso_date(char *text, int datetime)
{
	size_t n = strlen(text);
	if (n < 10 || text[4] != '/' || text[7] != '/' || strspn(text, "0123456789") != 4)
		return;
	text[4] = text[7] = '-';
	if (!datetime) {
		text[10] = 0;
		return;
	}
	if (n >= 19 && text[10] == ' ') {
		text[10] = 'T';
		text[19] = 'Z';
		text[20 < n ? 20 : n] = 0;
	}
}

struct layer_ctx {
	const struct dm_ogr_reader *r;
	OGRLayerH lyr;
	const char *lname;
	struct col *cols;
	int ncols;
	int wkt, x, y;  /* spreadsheets: geometry as WKT or lon/lat columns */
	int drop_type;  /* GPX: its 'type' is the point's kind, not the record type */
	char crs[64];
	OGRCoordinateTransformationH ct;
	size_t index;   /* the feature being read, from 1, for notes */
};

static void layer_release(struct layer_ctx *lc)
{
	int i;
	for (i = 0; i < lc->ncols; i++)
		free(lc->cols[i].name);
	free(lc->cols);
	if (lc->ct)
		OCTDestroyCoordinateTransformation(lc->ct);
}

/* The layer's CRS: an EPSG code goes to the write path as it is (the record keeps its source
 * CRS); anything else is transformed to WGS84 here. */
static int layer_crs(struct layer_ctx *lc, struct dm_error *err)
{
	OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lc->lyr), src, dst;
	const char *auth, *code;
	if (!srs) {
		snprintf(lc->crs, sizeof(lc->crs), "%s", lc->r->crs ? lc->r->crs : "");
		return 0;
	}
	src = OSRClone(srs);
	auth = OSRGetAuthorityName(src, NULL);
	if (!auth || strcasecmp(auth, "EPSG")) {
		OSRAutoIdentifyEPSG(src);
		auth = OSRGetAuthorityName(src, NULL);
	}
	code = OSRGetAuthorityCode(src, NULL);
	if (auth && code && !strcasecmp(auth, "EPSG")) {
		if (strcmp(code, "4326"))
			snprintf(lc->crs, sizeof(lc->crs), "EPSG:%s", code);
		OSRDestroySpatialReference(src);
		return 0;
	}
	dst = OSRNewSpatialReference(NULL);
	OSRImportFromEPSG(dst, 4326);
	OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
	OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
	lc->ct = OCTNewCoordinateTransformation(src, dst);
	OSRDestroySpatialReference(src);
	OSRDestroySpatialReference(dst);
	if (!lc->ct)
		return dm_error_set(err, DM_EINVAL, NULL, "layer %s: its coordinate system cannot be transformed to WGS84: %s",
				    lc->lname, CPLGetLastErrorMsg());
	return 0;
}

static int layer_columns(struct layer_ctx *lc)
{
	OGRFeatureDefnH fdefn = OGR_L_GetLayerDefn(lc->lyr);
	int i, n = OGR_FD_GetFieldCount(fdefn), nogeom = OGR_FD_GetGeomFieldCount(fdefn) == 0;
	lc->ncols = n;
	lc->wkt = lc->x = lc->y = -1;
	lc->cols = calloc(n ? (size_t)n : 1, sizeof(*lc->cols));
	if (!lc->cols)
		return DM_ENOMEM;
	for (i = 0; i < n; i++) {
		const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fdefn, i)), *m;
		int by_prefix;
		if (nogeom && (!strcasecmp(name, "geometry") || !strcasecmp(name, "wkt"))) {
			lc->wkt = i;
			continue;
		}
		if (nogeom && in_list(x_names, name, 1)) {
			lc->x = i;
			continue;
		}
		if (nogeom && in_list(y_names, name, 1)) {
			lc->y = i;
			continue;
		}
		if (lc->drop_type && !strcasecmp(name, "type"))
			continue;
		m = member_for(lc->r->type, name, &by_prefix);
		if (!m)
			continue;
		lc->cols[i].name = strdup(m);
		lc->cols[i].f = dm_type_field(lc->r->type, m);
		if (by_prefix && lc->r->report) {
			char note[200];
			snprintf(note, sizeof(note), "field '%s' of layer %s read as '%s' (Shapefile field names are cut to 10 characters)",
				 name, lc->lname, m);
			json_array_append_new(lc->r->report, json_pack("{s:s}", "note", note));
		}
	}
	return 0;
}

/* Google Earth writes a placemark as a MultiGeometry of a label Point and the Polygon: the
 * polygon(s) are the geometry, the label points are dropped with a note. g is taken; returns
 * what to use (g itself when it is not such a collection, or has parts of another kind). */
static OGRGeometryH polygon_of_label_collection(struct layer_ctx *lc, OGRGeometryH g)
{
	int i, n, npoly = 0, npoint = 0;
	OGRGeometryH out;
	char note[200];
	if (wkbFlatten(OGR_G_GetGeometryType(g)) != wkbGeometryCollection)
		return g;
	n = OGR_G_GetGeometryCount(g);
	for (i = 0; i < n; i++) {
		OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(OGR_G_GetGeometryRef(g, i)));
		if (t == wkbPolygon || t == wkbMultiPolygon)
			npoly++;
		else if (t == wkbPoint)
			npoint++;
	}
	if (!npoly || npoly + npoint != n)
		return g;
	out = OGR_G_CreateGeometry(wkbMultiPolygon);
	for (i = 0; i < n; i++) {
		OGRGeometryH part = OGR_G_GetGeometryRef(g, i);
		OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(part));
		int j;
		if (t == wkbPolygon)
			OGR_G_AddGeometry(out, part);
		else if (t == wkbMultiPolygon)
			for (j = 0; j < OGR_G_GetGeometryCount(part); j++)
				OGR_G_AddGeometry(out, OGR_G_GetGeometryRef(part, j));
	}
	if (OGR_G_GetGeometryCount(out) == 1) {
		OGRGeometryH one = OGR_G_Clone(OGR_G_GetGeometryRef(out, 0));
		OGR_G_DestroyGeometry(out);
		out = one;
	}
	OGR_G_DestroyGeometry(g);
	if (npoint) {
		snprintf(note, sizeof(note), "feature %zu (layer %s): a MultiGeometry of %d polygon(s) and %d label point(s):"
			 " the polygon is taken, the point dropped", lc->index, lc->lname, npoly, npoint);
		json_array_append_new(lc->r->report, json_pack("{s:s}", "note", note));
	}
	return out;
}

/* Metres between two WGS84 positions (haversine; for naming a gap, not for areas). */
static double metres_between(double x0, double y0, double x1, double y1)
{
	double r = 6371008.8, p = 3.14159265358979323846 / 180;
	double a = sin((y1 - y0) * p / 2) * sin((y1 - y0) * p / 2) +
		   cos(y0 * p) * cos(y1 * p) * sin((x1 - x0) * p / 2) * sin((x1 - x0) * p / 2);
	return 2 * r * asin(sqrt(a));
}

/* --track-as-polygon: a perimeter walked with a handheld GPS (a track: one line, or a
 * MultiLineString of one segment) becomes the polygon it encloses; the gap between its ends is
 * closed and named in a note. Other geometries are kept. g is taken; NULL after an error. */
static OGRGeometryH polygon_of_track(struct layer_ctx *lc, OGRGeometryH g, struct dm_error *e)
{
	OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
	OGRGeometryH line = g, ring, poly;
	double x0, y0, x1, y1, gap;
	char note[240];
	int i, n;
	if (t == wkbMultiLineString && OGR_G_GetGeometryCount(g) == 1)
		line = OGR_G_GetGeometryRef(g, 0);
	else if (t != wkbLineString)
		return g;
	n = OGR_G_GetPointCount(line);
	if (n < 3) {
		dm_error_add(e, "geometry", "the track has %d point%s: at least 3 make a polygon", n, n == 1 ? "" : "s");
		OGR_G_DestroyGeometry(g);
		return NULL;
	}
	ring = OGR_G_CreateGeometry(wkbLinearRing);
	for (i = 0; i < n; i++)
		OGR_G_AddPoint_2D(ring, OGR_G_GetX(line, i), OGR_G_GetY(line, i));
	x0 = OGR_G_GetX(line, 0), y0 = OGR_G_GetY(line, 0);
	x1 = OGR_G_GetX(line, n - 1), y1 = OGR_G_GetY(line, n - 1);
	/* a transformed layer is in WGS84 by now; a layer without CRS is taken as WGS84 too */
	gap = metres_between(x0, y0, x1, y1);
	if (x0 != x1 || y0 != y1)
		OGR_G_AddPoint_2D(ring, x0, y0);
	poly = OGR_G_CreateGeometry(wkbPolygon);
	OGR_G_AddGeometryDirectly(poly, ring);
	OGR_G_DestroyGeometry(g);
	snprintf(note, sizeof(note), "feature %zu (layer %s): the track of %d points is closed into a polygon; its ends"
		 " were %.1f m apart", lc->index, lc->lname, n, gap);
	json_array_append_new(lc->r->report, json_pack("{s:s}", "note", note));
	return poly;
}

static int feature_geometry(struct layer_ctx *lc, OGRFeatureH feat, json_t *in, struct dm_error *e)
{
	OGRGeometryH g = OGR_F_GetGeometryRef(feat), c;
	char *js;
	json_t *gj;
	if (!g) {
		if (lc->wkt >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->wkt) && *OGR_F_GetFieldAsString(feat, lc->wkt)) {
			gj = dm_geo_wkt_to_json(OGR_F_GetFieldAsString(feat, lc->wkt), e);
			if (!gj) {
				dm_error_add(e, "geometry", "%s", e->message);
				return DM_EINVAL;
			}
			json_object_set_new(in, "geometry", gj);
		} else if (lc->x >= 0 && lc->y >= 0 && OGR_F_IsFieldSetAndNotNull(feat, lc->x) &&
			   OGR_F_IsFieldSetAndNotNull(feat, lc->y)) {
			json_object_set_new(in, "geometry",
					    json_pack("{s:s,s:[f,f]}", "type", "Point", "coordinates",
						      OGR_F_GetFieldAsDouble(feat, lc->x), OGR_F_GetFieldAsDouble(feat, lc->y)));
		}
		return 0;
	}
	c = OGR_G_HasCurveGeometry(g, 1) ? OGR_G_GetLinearGeometry(g, 0, NULL) : OGR_G_Clone(g);
	if (!c) {
		dm_error_add(e, "geometry", "cannot read the geometry: %s", CPLGetLastErrorMsg());
		return DM_EINVAL;
	}
	OGR_G_FlattenTo2D(c);
	c = polygon_of_label_collection(lc, c);
	if (lc->r->track_as_polygon && !(c = polygon_of_track(lc, c, e)))
		return DM_EINVAL;
	if (lc->ct && OGR_G_Transform(c, lc->ct) != OGRERR_NONE) {
		OGR_G_DestroyGeometry(c);
		dm_error_add(e, "geometry", "cannot transform the geometry to WGS84: %s", CPLGetLastErrorMsg());
		return DM_EINVAL;
	}
	js = OGR_G_ExportToJson(c);
	OGR_G_DestroyGeometry(c);
	gj = js ? json_loads(js, 0, NULL) : NULL;
	CPLFree(js);
	if (!gj) {
		dm_error_add(e, "geometry", "cannot read the geometry as GeoJSON");
		return DM_EINVAL;
	}
	json_object_set_new(in, "geometry", gj);
	return 0;
}

/* --set FIELD=VALUE: the value of a field the feature lacks (a GPS waypoint has a name only). */
static int apply_defaults(struct layer_ctx *lc, json_t *in, struct dm_error *e)
{
	const char *k;
	json_t *v, *val;
	int bad = 0;
	json_object_foreach(lc->r->defaults, k, v) {
		const struct dm_field *f = dm_type_field(lc->r->type, k);
		json_t *have = json_object_get(in, k);
		if (have && !json_is_null(have))
			continue;
		if (!f) {
			json_object_set_new(in, k, json_string(json_string_value(v)));
			continue;
		}
		val = NULL;
		if (dm_field_from_text(f, json_string_value(v), &val, e))
			bad = 1;
		else
			json_object_set_new(in, k, val);
	}
	return bad ? DM_EINVAL : 0;
}

static int read_feature(struct layer_ctx *lc, OGRFeatureH feat, size_t index)
{
	const struct dm_ogr_reader *r = lc->r;
	OGRFeatureDefnH fdefn = OGR_L_GetLayerDefn(lc->lyr);
	json_t *in = json_object();
	struct dm_error e;
	char where[160];
	int i, rc, bad = 0;
	dm_error_init(&e);
	lc->index = index;
	snprintf(where, sizeof(where), "feature %zu (layer %s)", index, lc->lname);
	for (i = 0; i < lc->ncols; i++) {
		const struct col *c = &lc->cols[i];
		char *text, *list;
		json_t *v = NULL;
		if (!c->name)
			continue;
		if (!c->f && is_readonly(c->name))
			continue;
		text = field_text(feat, i, OGR_FD_GetFieldDefn(fdefn, i), c->f && c->f->type == DM_F_DATETIME);
		if (text && !dm_utf8_valid(text)) {
			const char *cp = likely_code_page(text);
			dm_error_add(&e, c->name, "not UTF-8, and the file names no code page (a Shapefile without .cpg):"
				     " its bytes look like %s (%s); import it with --encoding %s", cp,
				     !strcmp(cp, "CP1251") ? "Cyrillic" : "Azerbaijani/Turkish Latin", cp);
			bad = 1;
			free(text);
			continue;
		}
		if (text && ((c->f && (c->f->type == DM_F_DATE || c->f->type == DM_F_DATETIME)) ||
			     (!c->f && !strcmp(c->name, "date_of_information"))))
			iso_date(text, c->f && c->f->type == DM_F_DATETIME);
		if (c->f) {
			if (text && (c->f->type == DM_F_SET || c->f->type == DM_F_LINKS) && (list = list_text(text))) {
				free(text);
				text = list;
			}
			if (dm_field_from_text(c->f, text, &v, &e))
				bad = 1;
			else
				json_object_set_new(in, c->name, v);
		} else if (!strcmp(c->name, "version")) {
			if (text && *text)
				json_object_set_new(in, "version", json_integer(strtoll(text, NULL, 10)));
		} else {
			json_object_set_new(in, c->name, text && *text ? json_string(text) : json_null());
		}
		free(text);
	}
	if (!bad && apply_defaults(lc, in, &e))
		bad = 1;
	if (!bad && feature_geometry(lc, feat, in, &e))
		bad = 1;
	if (bad) {
		if (!e.code)
			e.code = DM_EINVAL;
		rc = r->bad ? r->bad(r->arg, where, &e) : DM_EINVAL;
	} else {
		rc = r->feature(r->arg, where, in, lc->crs[0] ? lc->crs : NULL);
	}
	dm_error_release(&e);
	json_decref(in);
	return rc;
}

static int read_layer(const struct dm_ogr_reader *r, OGRLayerH lyr, int gpx, struct dm_error *err)
{
	struct layer_ctx lc;
	OGRFeatureH feat;
	size_t index = 0;
	int rc;
	memset(&lc, 0, sizeof(lc));
	lc.r = r;
	lc.lyr = lyr;
	lc.lname = OGR_L_GetName(lyr);
	lc.drop_type = gpx;
	if ((rc = layer_crs(&lc, err)) || (rc = layer_columns(&lc))) {
		layer_release(&lc);
		return rc == DM_ENOMEM ? dm_error_set(err, rc, NULL, "out of memory") : rc;
	}
	OGR_L_ResetReading(lyr);
	CPLErrorReset();
	while ((feat = OGR_L_GetNextFeature(lyr))) {
		rc = read_feature(&lc, feat, ++index);
		OGR_F_Destroy(feat);
		if (rc)
			break;
	}
	if (!rc && CPLGetLastErrorType() >= CE_Failure)
		rc = dm_error_set(err, DM_EINVAL, NULL, "layer %s: reading stopped after feature %zu: %s", lc.lname,
				  index, CPLGetLastErrorMsg());
	layer_release(&lc);
	return rc;
}

static GDALDatasetH open_vector_oo(const char *path, const char *const *oo);

static GDALDatasetH open_vector(const char *path, const char *encoding)
{
	char **oo = NULL;
	GDALDatasetH ds;
	/* ENCODING: the code page the Shapefile driver recodes from when the file names none */
	if (encoding)
		oo = CSLSetNameValue(oo, "ENCODING", encoding);
	ds = open_vector_oo(path, (const char *const *)oo);
	CSLDestroy(oo);
	return ds;
}

static GDALDatasetH open_vector_oo(const char *path, const char *const *oo)
{
	const char *dot = strrchr(path, '.');
	GDALDatasetH ds = NULL;
	char *vsi;
	size_t n;
	if (dot && (!strcasecmp(dot, ".zip") || !strcasecmp(dot, ".kmz"))) {
		n = strlen(path) + 16;
		vsi = malloc(n);
		if (!vsi)
			return NULL;
		snprintf(vsi, n, "/vsizip/%s", path);
		if (!strcasecmp(dot, ".kmz")) {
			/* the .kml inside, opened as KML: LIBKML on the .kmz itself loses typed
			 * ExtendedData (SchemaData) */
			char **names = VSIReadDir(vsi), **p;
			for (p = names; p && *p && !ds; p++) {
				size_t k = strlen(*p);
				char *inner;
				if (k < 4 || strcasecmp(*p + k - 4, ".kml"))
					continue;
				inner = malloc(n + k + 1);
				if (!inner)
					break;
				snprintf(inner, n + k + 1, "%s/%s", vsi, *p);
				ds = GDALOpenEx(inner, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, oo, NULL);
				free(inner);
			}
			CSLDestroy(names);
		}
		if (!ds && !strcasecmp(dot, ".kmz"))
			ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, oo, NULL);
		if (!ds)
			ds = GDALOpenEx(vsi, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, oo, NULL);
		free(vsi);
		return ds;
	}
	return GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, oo, NULL);
}

int dm_ogr_read(const char *path, const struct dm_ogr_reader *r, struct dm_error *err)
{
	GDALDatasetH ds;
	int i, n, rc = 0, gpx;
	GDALAllRegister();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	CPLErrorReset();
	/* spreadsheets: the first row names the columns, as in a CSV import (GDAL 3.6 has no open
	 * option for it; the sheets are parsed lazily, so it stays set while reading) */
	CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", "FORCE");
	ds = open_vector(path, r->encoding);
	if (!ds) {
		rc = dm_error_set(err, DM_EINVAL, NULL, "cannot read '%s': %s", path,
				  *CPLGetLastErrorMsg() ? CPLGetLastErrorMsg() : "not a vector file GDAL can open (damaged, or another format)");
		goto out;
	}
	gpx = !strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "GPX");
	n = GDALDatasetGetLayerCount(ds);
	if (n == 0)
		rc = dm_error_set(err, DM_EINVAL, NULL, "'%s' holds no vector layer", path);
	if (!rc && r->layer && !GDALDatasetGetLayerByName(ds, r->layer)) {
		struct dm_buf names;
		dm_buf_init(&names, 4096);
		for (i = 0; i < n; i++)
			dm_buf_addf(&names, "%s%s", i ? ", " : "", OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
		rc = dm_error_set(err, DM_EINVAL, "layer", "'%s' has no layer '%s'; its layers: %s", path, r->layer,
				  names.s ? names.s : "");
		dm_buf_release(&names);
	}
	for (i = 0; i < n && !rc; i++) {
		OGRLayerH lyr = GDALDatasetGetLayer(ds, i);
		const char *name = OGR_L_GetName(lyr);
		if (r->layer && strcmp(name, r->layer))
			continue;
		/* GPX repeats the points of routes and tracks as layers of their own */
		if (!r->layer && gpx && (!strcmp(name, "route_points") || !strcmp(name, "track_points")))
			continue;
		rc = read_layer(r, lyr, gpx, err);
	}
	GDALClose(ds);
out:
	CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", NULL);
	CPLPopErrorHandler();
	return rc;
}

/* ---- writing ---- */

enum { FAM_MAIN, FAM_POINT, FAM_LINE, NFAM };

struct dm_ogr_writer {
	enum dm_export_format fmt;
	const struct dm_type *t;
	json_t *columns;
	char *path;  /* SHP: the main .shp, or the folder */
	int folder;  /* SHP written as a folder of layers */
	GDALDriverH drv;
	OGRSpatialReferenceH srs;
	GDALDatasetH ds[NFAM];
	OGRLayerH lyr[NFAM];
	int *idx[NFAM]; /* the OGR field index of each column; -1 when the driver took it (KML <name>) */
};

static OGRFieldType column_type(const struct dm_field *f, const char *name, OGRFieldSubType *sub)
{
	*sub = OFSTNone;
	if (!f) {
		if (!strcmp(name, "version") || !strcmp(name, "approved_version"))
			return OFTInteger64;
		if (!strcmp(name, "deleted")) {
			*sub = OFSTBoolean;
			return OFTInteger;
		}
		return !strcmp(name, "date_of_information") ? OFTDate : OFTString;
	}
	switch (f->type) {
	case DM_F_INT: return OFTInteger64;
	case DM_F_REAL:
	case DM_F_AREA: return OFTReal;
	case DM_F_BOOL: *sub = OFSTBoolean; return OFTInteger;
	case DM_F_DATE: return OFTDate;
	default: return OFTString;
	}
}

/* Every GeoPackage and Shapefile layer holds one geometry family (QGIS keeps one geometry
 * type per layer; a GeoPackage table declares one): polygons (as MultiPolygon), points, or
 * lines (as MultiLineString). A KML folder holds any placemark, as Google Earth expects (and
 * GDAL's KML driver cannot write two folders at once). */
static OGRwkbGeometryType family_type(const struct dm_ogr_writer *w, int fam)
{
	if (w->t->geom == DM_GEOM_NONE)
		return wkbNone;
	if (w->fmt == DM_EXPORT_KML)
		return wkbUnknown;
	if (fam == FAM_POINT || w->t->geom == DM_GEOM_POINT)
		return wkbPoint;
	return fam == FAM_LINE ? wkbMultiLineString : wkbMultiPolygon;
}

/* The suffix of a family's layer: Shapefiles keep their file names (hazards_points.shp), the
 * other formats name layers as the OGC API names its collections (hazard_point). */
static const char *family_suffix(const struct dm_ogr_writer *w, int fam)
{
	if (fam == FAM_MAIN)
		return "";
	if (w->fmt == DM_EXPORT_SHP)
		return fam == FAM_POINT ? "_points" : "_lines";
	return fam == FAM_POINT ? "_point" : "_line";
}

static int writer_fail(struct dm_error *err, const char *what, const char *path)
{
	return dm_error_set(err, DM_EIO, NULL, "cannot write '%s': %s%s%s", path, what,
			    *CPLGetLastErrorMsg() ? ": " : "", CPLGetLastErrorMsg());
}

/* The layer of one geometry family; Shapefiles hold one kind of geometry each, so points and
 * lines of a polygon type go to layers of their own ("hazard_points"). */
static int writer_layer(struct dm_ogr_writer *w, int fam, struct dm_error *err)
{
	char name[256], file[4096];
	char **lco = NULL;
	GDALDatasetH ds;
	OGRLayerH lyr;
	json_t *c;
	size_t i;
	if (w->lyr[fam])
		return 0;
	snprintf(name, sizeof(name), "%s%s", w->t->name, family_suffix(w, fam));
	if (w->fmt == DM_EXPORT_SHP && !w->folder) {
		size_t n = strlen(w->path) - 4; /* without ".shp" */
		snprintf(file, sizeof(file), "%.*s%s.shp", (int)n, w->path, family_suffix(w, fam));
		snprintf(name, sizeof(name), "%s", CPLGetBasename(file));
		ds = fam == FAM_MAIN ? w->ds[FAM_MAIN] : NULL;
		if (!ds) {
			GDALDeleteDataset(w->drv, file);
			ds = GDALCreate(w->drv, file, 0, 0, 0, GDT_Unknown, NULL);
			if (!ds)
				return writer_fail(err, "cannot create the file", file);
			w->ds[fam] = ds;
		}
	} else {
		ds = w->ds[FAM_MAIN];
	}
	if (w->fmt == DM_EXPORT_SHP) {
		lco = CSLSetNameValue(lco, "ENCODING", "UTF-8");
		lco = CSLSetNameValue(lco, "RESIZE", "YES");
	}
	lyr = GDALDatasetCreateLayer(ds, name, family_type(w, fam) == wkbNone ? NULL : w->srs, family_type(w, fam), lco);
	CSLDestroy(lco);
	if (!lyr)
		return writer_fail(err, "cannot create the layer", w->path);
	w->idx[fam] = calloc(json_array_size(w->columns) + 1, sizeof(int));
	if (!w->idx[fam])
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	json_array_foreach(w->columns, i, c) {
		const char *col = json_string_value(c);
		OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
		int n0 = OGR_FD_GetFieldCount(defn);
		OGRFieldSubType sub;
		OGRFieldType ft;
		OGRFieldDefnH fd;
		w->idx[fam][i] = -1;
		if (!strcmp(col, "geometry"))
			continue;
		ft = column_type(dm_type_field(w->t, col), col, &sub);
		fd = OGR_Fld_Create(col, ft);
		OGR_Fld_SetSubType(fd, sub);
		if (ft == OFTString && w->fmt == DM_EXPORT_SHP)
			OGR_Fld_SetWidth(fd, 254);
		if (OGR_L_CreateField(lyr, fd, 1) != OGRERR_NONE) {
			OGR_Fld_Destroy(fd);
			return writer_fail(err, "cannot create a field", w->path);
		}
		OGR_Fld_Destroy(fd);
		defn = OGR_L_GetLayerDefn(lyr);
		w->idx[fam][i] = OGR_FD_GetFieldCount(defn) == n0 + 1 ? n0 : OGR_FD_GetFieldIndex(defn, col);
	}
	w->lyr[fam] = lyr;
	return 0;
}

int dm_ogr_writer_open(struct dm_ogr_writer **out, const char *path, enum dm_export_format format,
		       const struct dm_type *t, json_t *columns, const char *crs, struct dm_error *err)
{
	static const char *const drivers[] = { [DM_EXPORT_GPKG] = "GPKG", [DM_EXPORT_SHP] = "ESRI Shapefile",
					       [DM_EXPORT_KML] = "KML" };
	struct dm_ogr_writer *w;
	struct stat sb;
	size_t n = path ? strlen(path) : 0;
	int rc = 0;
	*out = NULL;
	if (!path || !*path)
		return dm_error_set(err, DM_EUSAGE, NULL, "GIS formats are written to a file: give -o FILE");
	if (format != DM_EXPORT_GPKG && format != DM_EXPORT_SHP && format != DM_EXPORT_KML)
		return dm_error_set(err, DM_EUSAGE, NULL, "not a GIS format");
	if (format == DM_EXPORT_KML && crs && strcmp(crs, "EPSG:4326") && strcmp(crs, "OGC:CRS84"))
		return dm_error_set(err, DM_EUSAGE, "crs", "KML is always WGS84: leave out --crs '%s'", crs);
	w = calloc(1, sizeof(*w));
	if (!w)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	GDALAllRegister();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	CPLErrorReset();
	w->fmt = format;
	w->t = t;
	w->columns = json_incref(columns);
	w->path = strdup(path);
	w->folder = format == DM_EXPORT_SHP && (n < 4 || strcasecmp(path + n - 4, ".shp") ||
						  (!stat(path, &sb) && S_ISDIR(sb.st_mode)));
	w->drv = GDALGetDriverByName(drivers[format]);
	if (!w->drv || !w->path) {
		rc = dm_error_set(err, DM_EIO, NULL, "GDAL has no %s driver", drivers[format]);
		goto out;
	}
	w->srs = OSRNewSpatialReference(NULL);
	if (OSRSetFromUserInput(w->srs, crs && format != DM_EXPORT_KML ? crs : "EPSG:4326") != OGRERR_NONE) {
		rc = dm_error_set(err, DM_EUSAGE, "crs", "unknown CRS '%s'", crs);
		goto out;
	}
	OSRSetAxisMappingStrategy(w->srs, OAMS_TRADITIONAL_GIS_ORDER);
	if (format != DM_EXPORT_SHP || w->folder) {
		if (format == DM_EXPORT_SHP)
			mkdir(path, 0777);
		else if (!stat(path, &sb) && unlink(path)) {
			rc = dm_error_set(err, DM_EIO, NULL, "cannot replace '%s': %m", path);
			goto out;
		}
		char **dsco = NULL;
		/* KML: placemarks are named by the record's name, or its code */
		if (format == DM_EXPORT_KML)
			dsco = CSLSetNameValue(dsco, "NameField", dm_type_field(t, "name") ? "name" : "code");
		w->ds[FAM_MAIN] = GDALCreate(w->drv, path, 0, 0, 0, GDT_Unknown, dsco);
		CSLDestroy(dsco);
		if (!w->ds[FAM_MAIN]) {
			rc = writer_fail(err, "cannot create the file", path);
			goto out;
		}
	}
	rc = writer_layer(w, FAM_MAIN, err);
	if (!rc && format == DM_EXPORT_GPKG)
		GDALDatasetStartTransaction(w->ds[FAM_MAIN], 0);
out:
	CPLPopErrorHandler();
	if (rc) {
		dm_ogr_writer_close(w, NULL);
		return rc;
	}
	*out = w;
	return 0;
}

static void set_field(OGRFeatureH feat, int i, const struct dm_field *f, const char *name, json_t *v)
{
	OGRFieldSubType sub;
	OGRFieldType ft = column_type(f, name, &sub);
	char *txt;
	int y, m, d;
	if (!v || json_is_null(v)) {
		OGR_F_SetFieldNull(feat, i);
		return;
	}
	if (ft == OFTInteger64 && json_is_integer(v)) {
		OGR_F_SetFieldInteger64(feat, i, json_integer_value(v));
	} else if (ft == OFTReal && json_is_number(v)) {
		OGR_F_SetFieldDouble(feat, i, json_number_value(v));
	} else if (ft == OFTInteger && json_is_boolean(v)) {
		OGR_F_SetFieldInteger(feat, i, json_is_true(v));
	} else if (ft == OFTDate && json_is_string(v) && sscanf(json_string_value(v), "%4d-%2d-%2d", &y, &m, &d) == 3) {
		OGR_F_SetFieldDateTimeEx(feat, i, y, m, d, 0, 0, 0, 0);
	} else {
		static const struct dm_field plain = { .name = "", .type = DM_F_TEXT };
		txt = dm_field_to_text(f ? f : &plain, v);
		if (txt)
			OGR_F_SetFieldString(feat, i, txt);
		free(txt);
	}
}

int dm_ogr_writer_feature(struct dm_ogr_writer *w, json_t *doc, struct dm_error *err)
{
	json_t *gj = json_object_get(doc, "geometry"), *c;
	OGRGeometryH g = NULL;
	OGRFeatureH feat;
	int fam = FAM_MAIN, rc = 0;
	size_t i;
	CPLPushErrorHandler(CPLQuietErrorHandler);
	CPLErrorReset();
	if (json_is_object(gj)) {
		char *s = json_dumps(gj, JSON_COMPACT);
		g = s ? OGR_G_CreateGeometryFromJson(s) : NULL;
		free(s);
		if (!g) {
			rc = dm_error_set(err, DM_EIO, NULL, "%s: geometry not taken by GDAL: %s",
					  json_string_value(json_object_get(doc, "code")), CPLGetLastErrorMsg());
			goto out;
		}
		if (w->fmt != DM_EXPORT_KML) {
			OGRwkbGeometryType gt = wkbFlatten(OGR_G_GetGeometryType(g));
			if (w->t->geom != DM_GEOM_POINT && (gt == wkbPoint || gt == wkbMultiPoint))
				fam = FAM_POINT;
			else if (gt == wkbLineString || gt == wkbMultiLineString)
				fam = FAM_LINE;
			if (fam == FAM_MAIN && family_type(w, FAM_MAIN) == wkbMultiPolygon)
				g = OGR_G_ForceToMultiPolygon(g);
			else if (fam == FAM_LINE)
				g = OGR_G_ForceToMultiLineString(g);
		}
	}
	if ((rc = writer_layer(w, fam, err)))
		goto out;
	feat = OGR_F_Create(OGR_L_GetLayerDefn(w->lyr[fam]));
	json_array_foreach(w->columns, i, c) {
		const char *name = json_string_value(c);
		if (!strcmp(name, "geometry") || w->idx[fam][i] < 0)
			continue;
		set_field(feat, w->idx[fam][i], dm_type_field(w->t, name), name, json_object_get(doc, name));
	}
	if (g)
		OGR_F_SetGeometryDirectly(feat, g);
	g = NULL;
	if (OGR_L_CreateFeature(w->lyr[fam], feat) != OGRERR_NONE)
		rc = writer_fail(err, "feature refused", w->path);
	OGR_F_Destroy(feat);
out:
	if (g)
		OGR_G_DestroyGeometry(g);
	CPLPopErrorHandler();
	return rc;
}

int dm_ogr_writer_close(struct dm_ogr_writer *w, struct dm_error *err)
{
	int i, rc = 0;
	if (!w)
		return 0;
	CPLPushErrorHandler(CPLQuietErrorHandler);
	CPLErrorReset();
	if (w->fmt == DM_EXPORT_GPKG && w->ds[FAM_MAIN] && w->lyr[FAM_MAIN] &&
	    GDALDatasetCommitTransaction(w->ds[FAM_MAIN]) != OGRERR_NONE && err)
		rc = writer_fail(err, "commit failed", w->path);
	for (i = 0; i < NFAM; i++) {
		if (w->ds[i])
			GDALClose(w->ds[i]);
		free(w->idx[i]);
	}
	if (!rc && err && CPLGetLastErrorType() >= CE_Failure)
		rc = writer_fail(err, "closing failed", w->path);
	CPLPopErrorHandler();
	if (w->srs)
		OSRDestroySpatialReference(w->srs);
	json_decref(w->columns);
	free(w->path);
	free(w);
	return rc;
}

#endif /* DM_HAVE_GDAL */
