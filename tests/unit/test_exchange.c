/* test_exchange.c: import (all or nothing), export (GeoJSON, CSV) and the verified copy of a
 * whole database, through the library as the faces call it. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "demine/copy.h"
#include "demine/db.h"
#include "demine/exchange.h"
#include "demine/record.h"

static const struct dm_actor officer = { "ana", "local", NULL };

static int64_t count(struct dm_db *db, const char *sql)
{
	struct dm_error err;
	int64_t n = -1;
	dm_error_init(&err);
	dm_store_query_int(dm_db_store(db), sql, NULL, &n, &err);
	dm_error_release(&err);
	return n;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

#define FEATURE(x, extra) "{\"type\":\"Feature\",\"properties\":{\"category\":\"cha\",\"hazard_type\":\"minefield\"," \
	"\"land_status\":\"open\"" extra "},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[" x ",40],[" x ".01,40]," \
	"[" x ".01,40.01],[" x ",40.01],[" x ",40]]]}}"

static void test_import(struct dm_db *db, const char *dir)
{
	char path[600];
	struct dm_import_opts o = { .type = "hazard", .approve = 1, .reason = "survey of 2026" };
	struct dm_import_stats st;
	struct dm_error err;
	dm_error_init(&err);
	/* one bad feature among good ones: nothing is written, the problem names the feature */
	snprintf(path, sizeof(path), "%s/bad.geojson", dir);
	write_file(path, "{\"type\":\"FeatureCollection\",\"features\":[" FEATURE("47", "") "," FEATURE("48",
		   ",\"estimated_area_m2\":\"lots\"") "]}");
	memset(&st, 0, sizeof(st));
	CHECK_INT(dm_import_file(db, &officer, path, &o, &st, &err), DM_EINVAL);
	CHECK_INT(err.ndetails, 1);
	if (err.ndetails)
		CHECK_MSG(strstr(err.details[0].message, "feature 2") && strstr(err.details[0].message, "lots"), "%s: %s",
			  err.details[0].field, err.details[0].message);
	CHECK_INT(count(db, "SELECT count(*) FROM hazard"), 0);
	json_decref(st.report);
	dm_error_release(&err);
	/* good ones are created approved, with the reason on their version */
	snprintf(path, sizeof(path), "%s/good.geojson", dir);
	write_file(path, "{\"type\":\"FeatureCollection\",\"features\":[" FEATURE("47", ",\"external_id\":\"SVY-1\"") ","
		   FEATURE("48", ",\"external_id\":\"SVY-2\"") "]}");
	memset(&st, 0, sizeof(st));
	CHECK_INT(dm_import_file(db, &officer, path, &o, &st, &err), 0);
	CHECK_INT(st.created, 2);
	CHECK_INT(count(db, "SELECT count(*) FROM hazard WHERE status = 'approved' AND change_reason = 'survey of 2026'"), 2);
	json_decref(st.report);
	dm_error_release(&err);
}

static char *export_text(struct dm_db *db, enum dm_export_format format, size_t *n)
{
	struct dm_export_opts o = { .type = "hazard", .format = format };
	struct dm_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	dm_error_init(&err);
	CHECK_INT(dm_export(db, &officer, &o, f, n, &err), 0);
	fclose(f);
	dm_error_release(&err);
	return buf;
}

static void test_export(struct dm_db *db)
{
	size_t n = 0;
	char *gj = export_text(db, DM_EXPORT_GEOJSON, &n), *csv;
	json_t *doc = gj ? json_loads(gj, 0, NULL) : NULL;
	CHECK_INT(n, 2);
	CHECK(doc && json_array_size(json_object_get(doc, "features")) == 2);
	json_t *f0 = json_array_get(json_object_get(doc, "features"), 0);
	CHECK_STR(json_string_value(json_object_get(json_object_get(f0, "properties"), "external_id")), "SVY-1");
	CHECK_STR(json_string_value(json_object_get(json_object_get(f0, "geometry"), "type")), "Polygon");
	json_decref(doc);
	free(gj);
	csv = export_text(db, DM_EXPORT_CSV, &n);
	CHECK(csv && !strncmp(csv, "id,", 3));
	size_t lines = 0;
	for (const char *p = csv; p && *p; p++)
		lines += *p == '\n';
	CHECK_INT(lines, 3); /* the header and one line a hazard */
	CHECK(csv && strstr(csv, "SVY-2") != NULL);
	free(csv);
}

static void test_copy(const char *from, const char *dir)
{
	char to[600];
	struct dm_copy_report rep;
	struct dm_error err;
	struct dm_db *c = NULL;
	dm_error_init(&err);
	memset(&rep, 0, sizeof(rep));
	snprintf(to, sizeof(to), "%s/copy.db", dir);
	CHECK_INT(dm_copy(from, to, &rep, &err), 0);
	CHECK(rep.ntables > 0 && rep.rows > 0);
	int same = 1;
	for (size_t i = 0; i < rep.ntables; i++)
		same &= rep.tables[i].rows == rep.tables[i].dest_rows && !strcmp(rep.tables[i].checksum,
										 rep.tables[i].dest_checksum);
	CHECK(same);
	dm_copy_report_release(&rep);
	CHECK_INT(dm_db_open(to, 0, &c, &err), 0);
	if (c) {
		CHECK_INT(count(c, "SELECT count(*) FROM hazard"), 2);
		/* the box index was rebuilt from the rows copied */
		CHECK_INT(count(c, "SELECT count(*) FROM hazard_rtree"), 2);
		dm_db_close(c);
	}
	/* an existing destination is refused */
	memset(&rep, 0, sizeof(rep));
	CHECK(dm_copy(from, to, &rep, &err) < 0);
	dm_copy_report_release(&rep);
	dm_error_release(&err);
}

int main(void)
{
	char dir[] = "/tmp/demine-test-exchange-XXXXXX", path[600], cmd[700];
	struct dm_db *db = NULL;
	struct dm_error err;
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/x.db", dir);
	dm_error_init(&err);
	CHECK_INT(dm_db_open(path, 1, &db, &err), 0);
	dm_error_release(&err);
	if (db) {
		test_import(db, dir);
		test_export(db);
		dm_db_close(db);
		test_copy(path, dir);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_report("exchange");
}
