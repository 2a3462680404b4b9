/* test_write.c: the single write path: the hooks of rec_hooks.c fire at their events, system
 * versions are written by one function and cascade, loops between hooks are refused, a failed
 * write leaves nothing behind, and erasure moves the layers' change counters. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "demine/auth.h"
#include "demine/db.h"
#include "demine/record.h"
#include "db_impl.h"
#include "hook.h"
#include "record_impl.h"

static const struct dm_actor officer = { "ana", "local", NULL };

static int64_t count(struct dm_db *db, const char *sql, const char *arg)
{
	struct dm_error err;
	int64_t n = -1;
	dm_error_init(&err);
	if (dm_store_query_int(dm_db_store(db), sql, arg, &n, &err))
		fprintf(stderr, "  count: %s\n", err.message);
	dm_error_release(&err);
	return n;
}

/* Creates an approved record from JSON text; NULL (with the message printed) on failure. */
static struct dm_record *create(struct dm_db *db, const char *type, const char *json)
{
	struct dm_write_opts opts = { .approve = 1 };
	struct dm_record *r = NULL;
	struct dm_error err;
	json_t *in = json_loads(json, 0, NULL);
	dm_error_init(&err);
	if (!in || dm_record_create(db, &officer, type, in, &opts, &r, &err))
		fprintf(stderr, "  create %s: %s\n", type, err.message);
	json_decref(in);
	dm_error_release(&err);
	return r;
}

#define SQUARE "{\"type\":\"Polygon\",\"coordinates\":[[[47,40],[47.01,40],[47.01,40.01],[47,40.01],[47,40]]]}"
#define HAZARD "{\"category\":\"cha\",\"hazard_type\":\"minefield\",\"land_status\":\"open\"," \
	       "\"change_reason\":\"survey\",\"geometry\":" SQUARE "}"

static char *release_json(const char *hazard_id)
{
	static char buf[600];
	snprintf(buf, sizeof(buf), "{\"hazard\":\"%s\",\"method\":\"clearance\",\"result\":\"cleared\","
		 "\"end_date\":\"2026-05-01\",\"change_reason\":\"completion report\",\"geometry\":" SQUARE "}",
		 hazard_id);
	return buf;
}

/* An approved release writes the hazard's figures and closure as a system version, through
 * the AFTER_WRITE row of land_release; the hazard's BEFORE_STORE row filled its first version. */
static void test_hooks_fire(struct dm_db *db)
{
	struct dm_record *h = create(db, "hazard", HAZARD), *r = NULL, *now = NULL;
	struct dm_error err;
	dm_error_init(&err);
	CHECK(h != NULL);
	if (!h)
		return;
	CHECK(json_is_number(json_object_get(h->fields, "remaining_m2")));
	CHECK_NEAR(json_number_value(json_object_get(h->fields, "remaining_m2")),
		   json_number_value(json_object_get(h->fields, "area_m2")), 0.01);
	r = create(db, "land_release", release_json(h->id));
	CHECK(r != NULL);
	CHECK_INT(dm_record_get(db, &officer, h->id, NULL, &now, &err), 0);
	if (now) {
		CHECK_INT(now->version, 2);
		CHECK_STR(now->updated_by, "system");
		CHECK_STR(now->status, "approved");
		CHECK_INT(now->approved_version, 2);
		CHECK_STR(now->change_reason, "closed: fully released");
		CHECK_STR(json_string_value(json_object_get(now->fields, "land_status")), "closed");
		CHECK_NEAR(json_number_value(json_object_get(now->fields, "remaining_m2")), 0, 0.01);
	}
	CHECK_INT(count(db, "SELECT count(*) FROM audit WHERE action = 'system_recompute' AND record_id = ?", h->id), 1);
	dm_record_free(now);
	dm_record_free(r);
	dm_record_free(h);
	dm_error_release(&err);
}

/* dm_rec_write_system: author system, approved, its reason, and the after-write hooks of the
 * record's own type (a location's drops this connection's admin area cache). */
static void test_system_version(struct dm_db *db)
{
	struct dm_record *loc = create(db, "location", "{\"kind\":\"adm2\",\"name_en\":\"Fuzuli\",\"change_reason\":\"cod-ab\","
				       "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[46,39],[48,39],[48,41],[46,41],[46,39]]]}}");
	struct dm_record *h;
	struct dm_error err;
	dm_error_init(&err);
	CHECK(loc != NULL);
	if (!loc)
		return;
	h = create(db, "hazard", HAZARD); /* locating it fills the admin area cache */
	CHECK(h != NULL && h->location && !strcmp(h->location, loc->id));
	CHECK(dm_db_cache(db, DM_CACHE_AREAS) != NULL);
	CHECK_INT(dm_store_begin(dm_db_store(db), &err), 0);
	CHECK_INT(dm_rec_write_system(db, loc, "boundary recomputed", &err), 0);
	CHECK_INT(dm_store_commit(dm_db_store(db), &err), 0);
	CHECK(dm_db_cache(db, DM_CACHE_AREAS) == NULL);
	CHECK_INT(loc->version, 2);
	CHECK_STR(loc->updated_by, "system");
	CHECK_STR(loc->change_reason, "boundary recomputed");
	CHECK_INT(count(db, "SELECT count(*) FROM location_history WHERE id = ? AND version = 2 AND status = 'approved'"
			" AND updated_by = 'system'", loc->id), 1);
	dm_record_free(h);
	dm_record_free(loc);
	dm_error_release(&err);
}

/* A hook that would write a record already written higher up the same chain, or a chain
 * deeper than DM_HOOK_MAX_DEPTH, is refused with DM_ELIMIT and nothing is written. */
static void test_loop_guard(struct dm_db *db)
{
	struct dm_record *h = create(db, "hazard", HAZARD);
	struct dm_hook_ctx c;
	struct dm_error err;
	int64_t before;
	dm_error_init(&err);
	if (!h)
		return;
	before = count(db, "SELECT count(*) FROM hazard_history WHERE id = ?", h->id);
	dm_rec_system_ctx(&c, db);
	c.depth = 0;
	c.chain[0] = h->id;
	CHECK_INT(dm_store_begin(dm_db_store(db), &err), 0);
	CHECK_INT(c.write_system(&c, h, "again", &err), DM_ELIMIT);
	CHECK(strstr(err.message, "written twice") != NULL);
	dm_store_rollback(dm_db_store(db));
	dm_error_release(&err);
	dm_rec_system_ctx(&c, db);
	c.depth = DM_HOOK_MAX_DEPTH - 1;
	CHECK_INT(dm_store_begin(dm_db_store(db), &err), 0);
	CHECK_INT(c.write_system(&c, h, "deep", &err), DM_ELIMIT);
	dm_store_rollback(dm_db_store(db));
	CHECK_INT(count(db, "SELECT count(*) FROM hazard_history WHERE id = ?", h->id), before);
	dm_record_free(h);
	dm_error_release(&err);
}

/* A hook that fails after the record was stored rolls the whole write back: the release whose
 * hazard cannot be overlaid (its stored geometry is broken) leaves no row, code or audit. */
static void test_rollback(struct dm_db *db)
{
	struct dm_record *h = create(db, "hazard", HAZARD), *r = NULL;
	struct dm_write_opts opts = { .approve = 1 };
	struct dm_error err;
	int64_t releases, audit, index;
	json_t *in;
	dm_error_init(&err);
	if (!h)
		return;
	CHECK_INT(dm_store_exec(dm_db_store(db), "UPDATE hazard SET geom = X'0103000000' WHERE id <> ''", &err), 0);
	CHECK_INT(dm_store_exec(dm_db_store(db), "UPDATE hazard_history SET geom = X'0103000000' WHERE id <> ''", &err), 0);
	releases = count(db, "SELECT count(*) FROM land_release_history", NULL);
	audit = count(db, "SELECT count(*) FROM audit", NULL);
	index = count(db, "SELECT count(*) FROM record_index", NULL);
	in = json_loads(release_json(h->id), 0, NULL);
	CHECK(dm_record_create(db, &officer, "land_release", in, &opts, &r, &err) < 0);
	CHECK(r == NULL);
	CHECK(!dm_store_in_transaction(dm_db_store(db)));
	CHECK_INT(count(db, "SELECT count(*) FROM land_release_history", NULL), releases);
	CHECK_INT(count(db, "SELECT count(*) FROM audit", NULL), audit);
	CHECK_INT(count(db, "SELECT count(*) FROM record_index", NULL), index);
	dm_record_free(r);
	json_decref(in);
	dm_record_free(h);
	dm_error_release(&err);
}

/* Erasing a person's data moves the change counter of their layer, so cached tiles, OGC
 * pages and ETags cannot show it again. */
static void test_erase_counters(struct dm_db *db)
{
	struct dm_record *a = create(db, "accident", "{\"accident_date\":\"2026-03-01\",\"accident_kind\":\"civilian\","
				     "\"change_reason\":\"report\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[47,40]}}");
	struct dm_record *v = NULL;
	char json[400];
	struct dm_error err;
	int64_t before;
	dm_error_init(&err);
	if (!a)
		return;
	snprintf(json, sizeof(json), "{\"accident\":\"%s\",\"outcome\":\"injured\",\"name\":\"Aysel Mammadova\","
		 "\"change_reason\":\"report\"}", a->id);
	v = create(db, "victim", json);
	CHECK(v != NULL);
	if (!v)
		goto out;
	before = count(db, "SELECT n FROM change_counter WHERE name = ?", "victim");
	CHECK_INT(dm_record_erase_personal(db, &officer, v->id, "request of the person", &err), 0);
	CHECK(count(db, "SELECT n FROM change_counter WHERE name = ?", "victim") > before);
	CHECK_INT(count(db, "SELECT count(*) FROM victim_history WHERE id = ? AND name IS NOT NULL", v->id), 0);
out:
	dm_record_free(v);
	dm_record_free(a);
	dm_error_release(&err);
}

/* A write that changes nothing writes no version and no audit row (issue 25); a change does.
 * A partial write naming a computed field is refused and writes nothing either. */
static void test_no_change(struct dm_db *db)
{
	struct dm_record *h = create(db, "hazard", HAZARD), *r = NULL;
	struct dm_write_opts partial = { .partial = 1 };
	struct dm_error err;
	int64_t versions, audit;
	json_t *in;
	dm_error_init(&err);
	if (!h)
		return;
	versions = count(db, "SELECT count(*) FROM hazard_history WHERE id = ?", h->id);
	audit = count(db, "SELECT count(*) FROM audit", NULL);
	in = json_pack("{s:s, s:s}", "land_status", "open", "category", "cha");
	CHECK_INT(dm_record_update(db, &officer, h->id, h->version, in, "same again", NULL, &r, &err), 0);
	CHECK(r && r->version == h->version && !strcmp(r->status, "approved"));
	CHECK_INT(count(db, "SELECT count(*) FROM hazard_history WHERE id = ?", h->id), versions);
	CHECK_INT(count(db, "SELECT count(*) FROM audit", NULL), audit);
	CHECK(!dm_store_in_transaction(dm_db_store(db)));
	dm_record_free(r);
	r = NULL;
	json_decref(in);
	in = json_pack("{s:f}", "remaining_m2", 5.0);
	CHECK_INT(dm_record_update(db, &officer, h->id, h->version, in, "by hand", &partial, &r, &err), DM_EINVAL);
	CHECK(err.ndetails == 1 && !strcmp(err.details[0].code, "computed") &&
	      strstr(err.details[0].message, "remaining_m2 is computed and cannot be set"));
	CHECK_INT(count(db, "SELECT count(*) FROM hazard_history WHERE id = ?", h->id), versions);
	dm_error_release(&err);
	/* the same member in a whole document is ignored: nothing else changed, nothing written */
	CHECK_INT(dm_record_update(db, &officer, h->id, h->version, in, "whole document", NULL, &r, &err), 0);
	CHECK(r && r->version == h->version);
	dm_record_free(r);
	r = NULL;
	json_decref(in);
	in = json_pack("{s:s}", "priority", "high");
	CHECK_INT(dm_record_update(db, &officer, h->id, h->version, in, "raised", NULL, &r, &err), 0);
	CHECK(r && r->version == h->version + 1 && !strcmp(r->status, "draft"));
	CHECK_INT(count(db, "SELECT count(*) FROM hazard_history WHERE id = ?", h->id), versions + 1);
	dm_record_free(r);
	json_decref(in);
	dm_record_free(h);
	dm_error_release(&err);
}

int main(void)
{
	char dir[] = "/tmp/demine-test-write-XXXXXX", path[600], cmd[700];
	struct dm_db *db = NULL;
	struct dm_error err;
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/w.db", dir);
	dm_error_init(&err);
	CHECK_INT(dm_db_open(path, 1, &db, &err), 0);
	dm_error_release(&err);
	if (db) {
		test_hooks_fire(db);
		test_system_version(db);
		test_loop_guard(db);
		test_erase_counters(db);
		test_no_change(db);
		test_rollback(db); /* last: it breaks the stored hazards */
		dm_db_close(db);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_report("write");
}
