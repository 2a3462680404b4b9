/* geo_tp.c: turning points: a polygon entered as field teams record it (benchmark,
 * reference point, then bearing and distance to each corner), walked on the ellipsoid. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include "demine/csv.h"
#include "geo_impl.h"

/* A turning point closer than this to TP1 is the team walking back to the start. */
#define TP_CLOSE_M 0.05

static int given(const char *s)
{
	return s && *s;
}

static int num(const struct dm_tp_row *r, const char *col, const char *text, double *v, struct dm_error *err)
{
	char *end;
	errno = 0;
	*v = strtod(text, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == text || *end || errno || !isfinite(*v))
		return dm_error_set(err, DM_EINVAL, col, "line %zu: %s '%s' is not a number", r->line, col, text);
	return 0;
}

/* The coordinates given on a row (lon/lat, or x/y in crs) in WGS84; 1 when given, 0 when
 * the row has none, negative on error. */
static int row_coords(struct dm_geo *g, const struct dm_tp_row *r, double *lon, double *lat, struct dm_error *err)
{
	if (given(r->lon) || given(r->lat)) {
		if (!given(r->lon) || !given(r->lat))
			return dm_error_set(err, DM_EINVAL, "lon", "line %zu: lon and lat go together", r->line);
		if (num(r, "lon", r->lon, lon, err) || num(r, "lat", r->lat, lat, err))
			return DM_EINVAL;
		if (fabs(*lon) > 180 || fabs(*lat) > 90)
			return dm_error_set(err, DM_EINVAL, "lon", "line %zu: (%s %s) is outside lon -180..180, lat -90..90",
					    r->line, r->lon, r->lat);
		return 1;
	}
	if (!given(r->x) && !given(r->y))
		return 0;
	if (!given(r->x) || !given(r->y))
		return dm_error_set(err, DM_EINVAL, "x", "line %zu: x and y go together", r->line);
	if (!given(r->crs))
		return dm_error_set(err, DM_EINVAL, "crs", "line %zu: x and y need a crs", r->line);
	if (num(r, "x", r->x, lon, err) || num(r, "y", r->y, lat, err))
		return DM_EINVAL;
	if (dm_geo_transform_point(g, r->crs, NULL, lon, lat, err)) {
		dm_error_prefix(err, "line %zu", r->line);
		return DM_EINVAL;
	}
	return 1;
}

/* True bearing from bearing, bearing_type and declination. */
static int true_bearing(const struct dm_tp_row *r, double *azi, struct dm_error *err)
{
	double b, decl = 0;
	if (!given(r->bearing))
		return dm_error_set(err, DM_EINVAL, "bearing", "line %zu: %s needs a bearing and a distance", r->line, r->point);
	if (num(r, "bearing", r->bearing, &b, err))
		return DM_EINVAL;
	if (b < 0 || b > 360)
		return dm_error_set(err, DM_EINVAL, "bearing", "line %zu: bearing '%s' is outside 0-360", r->line, r->bearing);
	int magnetic = 0;
	if (given(r->bearing_type) && !strcasecmp(r->bearing_type, "magnetic"))
		magnetic = 1;
	else if (given(r->bearing_type) && strcasecmp(r->bearing_type, "true"))
		return dm_error_set(err, DM_EINVAL, "bearing_type", "line %zu: bearing_type '%s' is not true or magnetic",
				    r->line, r->bearing_type);
	if (magnetic && !given(r->declination))
		return dm_error_set(err, DM_EINVAL, "declination", "line %zu: a magnetic bearing needs a declination", r->line);
	if (magnetic && num(r, "declination", r->declination, &decl, err))
		return DM_EINVAL;
	if (fabs(decl) > 180)
		return dm_error_set(err, DM_EINVAL, "declination", "line %zu: declination '%s' is outside -180..180", r->line,
				    r->declination);
	*azi = fmod(b + decl + 360.0, 360.0);
	return 0;
}

static int leg(struct dm_geo *g, const struct dm_tp_row *r, double *lon, double *lat, struct dm_error *err)
{
	double azi = 0, d = 0;
	if (true_bearing(r, &azi, err))
		return DM_EINVAL;
	if (!given(r->distance))
		return dm_error_set(err, DM_EINVAL, "distance", "line %zu: %s needs a distance", r->line, r->point);
	if (num(r, "distance", r->distance, &d, err))
		return DM_EINVAL;
	if (d <= 0 || d > 100000)
		return dm_error_set(err, DM_EINVAL, "distance", "line %zu: distance '%s' is outside 0-100000 m", r->line,
				    r->distance);
	double la, lo;
	geod_direct(&g->geod, *lat, *lon, azi, d, &la, &lo, NULL);
	*lat = la;
	*lon = lo;
	return 0;
}

/* The expected name of row i: BM first, RP optional second, then TP1, TP2, ... */
static int check_name(const struct dm_tp_row *r, size_t i, size_t *tp, struct dm_error *err)
{
	const char *p = r->point;
	if (!given(p))
		return dm_error_set(err, DM_EINVAL, "point", "line %zu: point is missing", r->line);
	if (i == 0)
		return strcasecmp(p, "BM") ? dm_error_set(err, DM_EINVAL, "point", "line %zu: the first point must be BM (the benchmark), found '%s'", r->line, p) : 0;
	if (i == 1 && !strcasecmp(p, "RP"))
		return 0;
	char want[32];
	snprintf(want, sizeof(want), "TP%zu", *tp + 1);
	if (strcasecmp(p, want))
		return dm_error_set(err, DM_EINVAL, "point", "line %zu: expected %s%s, found '%s'", r->line,
				    i == 1 ? "RP or " : "", want, p);
	(*tp)++;
	return 0;
}

static json_t *point_feature(const char *name, size_t line, double lon, double lat)
{
	return json_pack("{s:s,s:{s:s,s:[ff]},s:{s:s,s:I}}", "type", "Feature", "geometry", "type", "Point",
			 "coordinates", round(lon * 1e9) / 1e9, round(lat * 1e9) / 1e9, "properties", "point", name,
			 "line", (json_int_t)line);
}

int dm_geo_turning_points(struct dm_geo *g, const struct dm_tp_row *rows, size_t n, struct dm_geom *out,
			  json_t **geojson_out, struct dm_error *err)
{
	double lon = 0, lat = 0;
	size_t tp = 0;
	int rc = 0;
	json_t *ring = json_array(), *feats = json_array();
	for (size_t i = 0; i < n && !rc; i++) {
		const struct dm_tp_row *r = &rows[i];
		if ((rc = check_name(r, i, &tp, err)))
			break;
		int c = i == 0 || !strcasecmp(r->point, "RP") ? row_coords(g, r, &lon, &lat, err) : 0;
		if (c < 0)
			rc = c;
		else if (i == 0 && !c)
			rc = dm_error_set(err, DM_EINVAL, "lon", "line %zu: BM needs lon/lat or x/y with a crs", r->line);
		else if (!c)
			rc = leg(g, r, &lon, &lat, err);
		if (rc)
			break;
		json_array_append_new(feats, point_feature(r->point, r->line, lon, lat));
		if (tp && strcasecmp(r->point, "RP"))
			json_array_append_new(ring, json_pack("[ff]", lon, lat));
	}
	if (!rc && tp >= 2) { /* a last leg back onto TP1 closes the polygon: not a corner */
		json_t *f = json_array_get(ring, 0), *l = json_array_get(ring, tp - 1);
		double d;
		geod_inverse(&g->geod, json_real_value(json_array_get(f, 1)), json_real_value(json_array_get(f, 0)),
			     json_real_value(json_array_get(l, 1)), json_real_value(json_array_get(l, 0)), &d, NULL, NULL);
		if (d < TP_CLOSE_M) {
			json_array_remove(ring, tp - 1);
			tp--;
		}
	}
	if (!rc && tp < 3)
		rc = dm_error_set(err, DM_EINVAL, "point", "turning points: %zu turning point%s, a polygon needs at least 3",
				  tp, tp == 1 ? "" : "s");
	if (!rc) {
		json_array_append_new(ring, json_copy(json_array_get(ring, 0)));
		json_t *geom = json_pack("{s:s,s:[O]}", "type", "Polygon", "coordinates", ring);
		rc = dm_geo_from_geojson(g, geom, NULL, 0, out, NULL, err);
		json_decref(geom);
	}
	if (!rc && geojson_out)
		*geojson_out = json_pack("{s:s,s:O}", "type", "FeatureCollection", "features", feats);
	json_decref(ring);
	json_decref(feats);
	return rc;
}

/* ---- CSV ---- */

static const char *const columns[] = {"point", "lon", "lat", "x", "y", "crs",
				      "bearing", "distance", "bearing_type", "declination"};
#define NCOL (sizeof(columns) / sizeof(columns[0]))

struct tp_file {
	struct dm_tp_row *rows;
	char **cells; /* NCOL per row, owned */
	size_t n, cap;
};

static void tp_file_release(struct tp_file *f)
{
	for (size_t i = 0; i < f->n * NCOL; i++)
		free(f->cells[i]);
	free(f->cells);
	free(f->rows);
}

static int header(char **fields, size_t nf, int *map, struct dm_error *err)
{
	for (size_t c = 0; c < NCOL; c++)
		map[c] = -1;
	for (size_t i = 0; i < nf; i++) {
		const char *h = fields[i];
		while (isspace((unsigned char)*h))
			h++;
		for (size_t c = 0; c < NCOL; c++)
			if (!strncasecmp(h, columns[c], strlen(columns[c])) &&
			    (!h[strlen(columns[c])] || isspace((unsigned char)h[strlen(columns[c])])))
				map[c] = (int)i;
	}
	if (map[0] < 0)
		return dm_error_set(err, DM_EINVAL, "point", "line 1: no 'point' column");
	return 0;
}

static int add_row(struct tp_file *f, char **fields, size_t nf, const int *map, size_t line)
{
	if (f->n == f->cap) {
		size_t nc = f->cap;
		if (DM_GROW(f->rows, f->n + 1, nc))
			return DM_ENOMEM;
		char **ncells = nc <= SIZE_MAX / NCOL ? dm_realloc_array(f->cells, nc * NCOL, sizeof(*ncells)) : NULL;
		if (!ncells)
			return DM_ENOMEM;
		f->cells = ncells;
		f->cap = nc;
	}
	char **cells = f->cells + f->n * NCOL;
	for (size_t c = 0; c < NCOL; c++) {
		cells[c] = NULL;
		if (map[c] >= 0 && (size_t)map[c] < nf) {
			const char *v = fields[map[c]];
			while (isspace((unsigned char)*v))
				v++;
			size_t len = strlen(v);
			while (len && isspace((unsigned char)v[len - 1]))
				len--;
			cells[c] = strndup(v, len);
		}
	}
	f->n++;
	return 0;
}

static void link_rows(struct tp_file *f, const size_t *lines)
{
	for (size_t i = 0; i < f->n; i++) {
		char **c = f->cells + i * NCOL;
		f->rows[i] = (struct dm_tp_row){lines[i], c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]};
	}
}

int dm_geo_turning_points_csv(struct dm_geo *g, const char *path, struct dm_geom *out, json_t **geojson_out,
			      struct dm_error *err)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return dm_error_set(err, DM_ENOTFOUND, "", "cannot open '%s': %s", path, strerror(errno));
	struct dm_csv_reader *r = dm_csv_reader_new(fp);
	struct tp_file f = {0};
	size_t *lines = NULL, nf, line;
	char **fields;
	int map[NCOL], rc = r ? 0 : DM_ENOMEM, got, first = 1;
	while (!rc && (got = dm_csv_next(r, &fields, &nf, &line, err)) != 0) {
		if (got < 0) {
			rc = got;
		} else if (first) {
			rc = header(fields, nf, map, err);
			first = 0;
		} else if (!dm_csv_is_hxl_row(fields, nf)) {
			size_t *nl = dm_realloc_array(lines, f.n + 1, sizeof(*lines));
			rc = nl ? add_row(&f, fields, nf, map, line) : DM_ENOMEM;
			if (nl)
				(lines = nl)[f.n - (rc ? 0 : 1)] = line;
		}
	}
	if (!rc && first)
		rc = dm_error_set(err, DM_EINVAL, "", "'%s' is empty", path);
	if (!rc) {
		link_rows(&f, lines);
		rc = dm_geo_turning_points(g, f.rows, f.n, out, geojson_out, err);
	}
	if (rc == DM_ENOMEM)
		dm_error_set(err, DM_ENOMEM, "", "out of memory");
	tp_file_release(&f);
	free(lines);
	dm_csv_reader_free(r);
	fclose(fp);
	return rc;
}
