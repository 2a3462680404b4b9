/* check.c: integrity, business rules and data quality checks, each one function in a table. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/check.h"
#include "demine/geo.h"
#include "record_impl.h"

struct checker {
	struct dm_db *db;
	json_t *out;
	struct dm_error *err;
};

static void finding(struct checker *c, const char *sev, const char *check, const char *type, const char *code,
		    const char *id, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void finding(struct checker *c, const char *sev, const char *check, const char *type, const char *code,
		    const char *id, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(c->out, json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s}", "severity", sev, "check", check,
						"type", type, "record", code, "id", id, "message", msg));
}

/* Runs sql and calls fn for each row. */
static int each_row(struct checker *c, const char *sql, const char *arg, int (*fn)(struct checker *, struct dm_stmt *))
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(c->db->st, sql, &s, c->err);
	if (rc)
		return rc;
	if (arg)
		dm_stmt_bind_text(s, 1, arg);
	while ((rc = dm_stmt_step(s, c->err)) == 1)
		if ((rc = fn(c, s)))
			break;
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

static const char *txt(struct dm_stmt *s, int i)
{
	return dm_stmt_column_text(s, i);
}

/* ---- integrity ---- */

static int integrity_problem(const char *problem, void *arg)
{
	finding(arg, "error", "store_integrity", NULL, NULL, NULL, "database integrity check: %s", problem);
	return 0;
}

static int check_store(struct checker *c)
{
	return dm_store_check_integrity(c->db->st, integrity_problem, c, c->err);
}

static int row_missing_version(struct checker *c, struct dm_stmt *s)
{
	finding(c, "error", "history", txt(s, 2), txt(s, 1), txt(s, 0),
		"%s has no history row for its %s version %lld", txt(s, 1), txt(s, 3), (long long)dm_stmt_column_int(s, 4));
	return 0;
}

static int check_history(struct checker *c)
{
	size_t i;
	int rc = 0;
	char sql[1024];
	for (i = 0; !rc && i < c->db->schema->ntypes; i++) {
		const char *t = c->db->schema->types[i].name;
		snprintf(sql, sizeof(sql),
			 "SELECT c.id, c.code, '%s', 'current', c.version FROM \"%s\" c LEFT JOIN %s_history h ON h.id = c.id"
			 " AND h.version = c.version WHERE h.id IS NULL"
			 " UNION ALL SELECT c.id, c.code, '%s', 'approved', c.approved_version FROM \"%s\" c LEFT JOIN %s_history h"
			 " ON h.id = c.id AND h.version = c.approved_version AND h.status = 'approved'"
			 " WHERE c.approved_version > 0 AND h.id IS NULL",
			 t, t, t, t, t, t);
		rc = each_row(c, sql, NULL, row_missing_version);
	}
	return rc;
}

static int row_dangling(struct checker *c, struct dm_stmt *s)
{
	finding(c, "error", "links", txt(s, 3), txt(s, 2), txt(s, 0), "%s: %s points to a missing record %s", txt(s, 2),
		txt(s, 1), txt(s, 4));
	return 0;
}

static int check_links(struct checker *c)
{
	return each_row(c, "SELECT l.from_id, l.field, f.code, f.record_type, l.to_id FROM record_link l"
			   " JOIN record_index f ON f.id = l.from_id LEFT JOIN record_index t ON t.id = l.to_id"
			   " WHERE t.id IS NULL", NULL, row_dangling);
}

/* ---- land release ---- */

static int row_outside(struct checker *c, struct dm_stmt *s)
{
	double out = dm_stmt_column_real(s, 2);
	/* a hazard without a polygon (none, or a point) counts all it released as outside it */
	if (out >= 1 && dm_stmt_column_int(s, 3))
		finding(c, "warning", "release_outside_hazard", "hazard", txt(s, 1), txt(s, 0),
			"%s: %.2f m2 (%.4f ha) released against it count as outside the hazard: it has no polygon to "
			"reduce (survey its outline, or close it by an NTS cancellation or by hand)", txt(s, 1), out,
			out / 10000);
	else if (out >= 1)
		finding(c, "warning", "release_outside_hazard", "hazard", txt(s, 1), txt(s, 0),
			"%s: %.2f m2 (%.4f ha) of its released land lies outside the hazard polygon", txt(s, 1), out,
			out / 10000);
	return 0;
}

static int check_release_outside(struct checker *c)
{
	return each_row(c, "SELECT id, code, released_outside_m2, CASE WHEN geom IS NULL OR (minx = maxx AND miny = maxy)"
			   " THEN 1 ELSE 0 END FROM hazard WHERE deleted = 0 AND released_outside_m2 > 0",
			NULL, row_outside);
}

/* ---- geometry quality ---- */

struct geomrow {
	char id[37];
	char *code;
	struct dm_geom g;
	double area;
};

static void geomrows_free(struct geomrow *rows, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(rows[i].code);
		dm_geom_release(&rows[i].g);
	}
	free(rows);
}

static int load_polygons(struct checker *c, const char *type, struct geomrow **out, size_t *n)
{
	struct dm_stmt *s = NULL;
	char sql[256];
	size_t cap = 0;
	int rc, step = 0;
	struct dm_error e;
	*out = NULL;
	*n = 0;
	snprintf(sql, sizeof(sql), "SELECT id, code, geom, minx, miny, maxx, maxy FROM \"%s\" WHERE deleted = 0 AND geom IS NOT NULL"
				   " ORDER BY minx", type);
	rc = dm_stmt_prepare(c->db->st, sql, &s, c->err);
	while (!rc && (step = dm_stmt_step(s, c->err)) == 1) {
		struct geomrow *r;
		size_t len;
		const void *wkb = dm_stmt_column_blob(s, 2, &len);
		if (DM_GROW(*out, *n + 1, cap)) {
			rc = dm_error_set(c->err, DM_ENOMEM, NULL, "out of memory");
			break;
		}
		r = &(*out)[(*n)++];
		memset(r, 0, sizeof(*r));
		snprintf(r->id, sizeof(r->id), "%s", txt(s, 0));
		r->code = strdup(txt(s, 1));
		r->g.wkb = malloc(len ? len : 1);
		if (!r->code || !r->g.wkb) {
			rc = dm_error_set(c->err, DM_ENOMEM, NULL, "out of memory");
			break;
		}
		memcpy(r->g.wkb, wkb, len);
		r->g.wkb_len = len;
		r->g.minx = dm_stmt_column_real(s, 3);
		r->g.miny = dm_stmt_column_real(s, 4);
		r->g.maxx = dm_stmt_column_real(s, 5);
		r->g.maxy = dm_stmt_column_real(s, 6);
		dm_error_init(&e);
		if (dm_geo_area_m2(c->db->geo, &r->g, &r->area, &e))
			r->area = 0;
		dm_error_release(&e);
	}
	if (!rc && step < 0)
		rc = step;
	dm_stmt_finalize(s);
	return rc;
}

/* Pairs of polygons of one type: near-duplicates and overlaps (sorted by minx, sweep). */
static void check_pairs(struct checker *c, const char *type, struct geomrow *rows, size_t n)
{
	size_t i, j;
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n && rows[j].g.minx <= rows[i].g.maxx; j++) {
			double inter, smaller;
			if (rows[j].g.maxy < rows[i].g.miny || rows[j].g.miny > rows[i].g.maxy)
				continue;
			inter = dm_geo_intersection_area_m2(c->db->geo, &rows[i].g, &rows[j].g);
			smaller = fmin(rows[i].area, rows[j].area);
			if (inter <= 1 || smaller <= 0)
				continue;
			if (inter / fmax(rows[i].area, rows[j].area) > 0.95)
				finding(c, "warning", "duplicate_polygon", type, rows[i].code, rows[i].id,
					"%s and %s are (near) duplicates: they share %.0f%% of their area", rows[i].code,
					rows[j].code, 100 * inter / fmax(rows[i].area, rows[j].area));
			else
				finding(c, "warning", "overlap", type, rows[i].code, rows[i].id,
					"%s overlaps %s by %.2f m2 (%.4f ha)", rows[i].code, rows[j].code, inter, inter / 10000);
		}
	}
}

static void check_shapes(struct checker *c, const char *type, struct geomrow *rows, size_t n)
{
	double sliver = strtod(dm_db_setting(c->db, "check.sliver_m2", "25"), NULL);
	double max_gap = strtod(dm_db_setting(c->db, "check.max_vertex_gap_m", "5000"), NULL);
	double min_gap = strtod(dm_db_setting(c->db, "check.min_vertex_gap_m", "0.05"), NULL);
	size_t i;
	for (i = 0; i < n; i++) {
		double lo = 0, hi = 0;
		struct dm_error e;
		int spaced;
		if (rows[i].area > 0 && rows[i].area < sliver)
			finding(c, "warning", "sliver", type, rows[i].code, rows[i].id, "%s is a sliver of %.2f m2 (under %.0f m2)",
				rows[i].code, rows[i].area, sliver);
		dm_error_init(&e);
		spaced = dm_geo_vertex_spacing_m(c->db->geo, &rows[i].g, &lo, &hi, &e) == 0;
		dm_error_release(&e);
		if (spaced) {
			if (hi > max_gap)
				finding(c, "warning", "vertex_spacing", type, rows[i].code, rows[i].id,
					"%s has two consecutive vertices %.0f m apart (more than %.0f m): a typing error?",
					rows[i].code, hi, max_gap);
			if (lo < min_gap)
				finding(c, "warning", "vertex_spacing", type, rows[i].code, rows[i].id,
					"%s has two consecutive vertices only %.3f m apart (less than %.2f m)", rows[i].code, lo,
					min_gap);
		}
	}
}

static int check_polygons(struct checker *c)
{
	static const char *const types[] = { "hazard", "land_release" };
	size_t i, n;
	struct geomrow *rows;
	int rc = 0;
	for (i = 0; !rc && i < sizeof(types) / sizeof(types[0]); i++) {
		rc = load_polygons(c, types[i], &rows, &n);
		if (rc)
			break;
		if (!strcmp(types[i], "hazard"))
			check_pairs(c, types[i], rows, n);
		check_shapes(c, types[i], rows, n);
		geomrows_free(rows, n);
	}
	return rc;
}

static int row_unlocated(struct checker *c, struct dm_stmt *s)
{
	finding(c, "warning", "outside_admin_areas", txt(s, 2), txt(s, 1), txt(s, 0),
		"%s lies outside every admin area", txt(s, 1));
	return 0;
}

static int check_located(struct checker *c)
{
	size_t i;
	int rc = 0;
	char sql[300];
	int64_t nloc = 0;
	if ((rc = dm_store_query_int(c->db->st, "SELECT COUNT(*) FROM location WHERE deleted = 0 AND geom IS NOT NULL"
						" AND kind IN ('adm1', 'adm2')", NULL, &nloc, c->err)))
		return rc;
	if (!nloc)
		return 0; /* no admin areas loaded: nothing to check against */
	for (i = 0; !rc && i < c->db->schema->ntypes; i++) {
		const struct dm_type *t = &c->db->schema->types[i];
		if (t->geom == DM_GEOM_NONE || !strcmp(t->name, "location"))
			continue;
		snprintf(sql, sizeof(sql), "SELECT id, code, '%s' FROM \"%s\" WHERE deleted = 0 AND geom IS NOT NULL AND location IS NULL",
			 t->name, t->name);
		rc = each_row(c, sql, NULL, row_unlocated);
	}
	return rc;
}

static int row_find(struct checker *c, struct dm_stmt *s)
{
	struct dm_geom pt = { 0 }, rel = { 0 };
	pt.wkb = (unsigned char *)dm_stmt_column_blob(s, 2, &pt.wkb_len);
	rel.wkb = (unsigned char *)dm_stmt_column_blob(s, 3, &rel.wkb_len);
	rel.minx = dm_stmt_column_real(s, 7);
	rel.miny = dm_stmt_column_real(s, 8);
	rel.maxx = dm_stmt_column_real(s, 9);
	rel.maxy = dm_stmt_column_real(s, 10);
	if (!pt.wkb || !rel.wkb)
		return 0;
	if (!dm_geo_point_in(c->db->geo, &rel, dm_stmt_column_real(s, 5), dm_stmt_column_real(s, 6)))
		finding(c, "warning", "find_outside_release", "eo_find", txt(s, 1), txt(s, 0),
			"%s lies outside the polygon of its release %s (at %.6f %.6f)", txt(s, 1), txt(s, 4),
			dm_stmt_column_real(s, 5), dm_stmt_column_real(s, 6));
	return 0;
}

static int check_finds(struct checker *c)
{
	return each_row(c, "SELECT f.id, f.code, f.geom, r.geom, r.code, f.minx, f.miny, r.minx, r.miny, r.maxx, r.maxy"
			   " FROM eo_find f JOIN land_release r"
			   " ON r.id = f.release WHERE f.deleted = 0 AND r.deleted = 0", NULL, row_find);
}

static const struct {
	const char *name; /* cppcheck-suppress unusedStructMember ; kept to read the table by */
	int (*run)(struct checker *c);
} checks[] = {
	{ "store_integrity", check_store },
	{ "history", check_history },
	{ "links", check_links },
	{ "release_outside_hazard", check_release_outside },
	{ "polygons", check_polygons },
	{ "outside_admin_areas", check_located },
	{ "find_outside_release", check_finds },
};

int dm_check_run(struct dm_db *db, json_t **findings, struct dm_error *err)
{
	struct checker c = { db, json_array(), err };
	size_t i;
	int rc = 0;
	for (i = 0; !rc && i < sizeof(checks) / sizeof(checks[0]); i++)
		rc = checks[i].run(&c);
	if (rc) {
		json_decref(c.out);
		return rc;
	}
	*findings = c.out;
	return 0;
}
