/* test_demo.c: the demo data set: counts, France's grant, hazards inside their Karabakh
 * districts (checked with GEOS), every workflow state, and the same data on every run. */
#define GEOS_USE_ONLY_R_API
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <geos_c.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/demo.h"
#include "demine/record.h"
#include "demine/util.h"
#include "check.h"

static const struct dm_actor who = { "test", "local", NULL };
static const char *const karabakh[] = { "AGD", "FZL", "JBR", "ZNG", "GBD", "LAC", "KLB", "KHJ", "SHU", NULL };

struct loc {
	char id[37];
	char abbr[8];
	char kind[16];
	unsigned char *wkb;
	size_t wkb_len;
};

struct seen {
	struct dm_db *db;
	struct loc *locs;   /* locations, then hazards, then releases are kept here, by id */
	size_t nlocs;
	size_t releases_outside, finds, finds_outside;
	size_t status[4];   /* draft, submitted, approved, rejected */
	size_t pending;     /* approved, with a newer draft version */
	size_t deleted;
	json_t *grants;     /* flat JSON of every grant */
	size_t hazards, hazards_outside, hazards_not_karabakh, hazards_closed, released_outside;
	GEOSContextHandle_t gh;
	struct dm_buf *trace;
};

static int on_location(struct dm_record *r, void *arg)
{
	struct seen *s = arg;
	struct loc *l;
	const char *abbr = json_string_value(json_object_get(r->fields, "abbr"));
	const char *kind = json_string_value(json_object_get(r->fields, "kind"));
	struct loc *nl = realloc(s->locs, (s->nlocs + 1) * sizeof(*nl));
	if (!nl)
		return 1;
	s->locs = nl;
	l = &nl[s->nlocs++];
	memset(l, 0, sizeof(*l));
	memcpy(l->id, r->id, 37);
	snprintf(l->abbr, sizeof(l->abbr), "%s", abbr ? abbr : "");
	snprintf(l->kind, sizeof(l->kind), "%s", kind ? kind : "");
	if (r->geom.wkb) {
		l->wkb = malloc(r->geom.wkb_len);
		memcpy(l->wkb, r->geom.wkb, r->geom.wkb_len);
		l->wkb_len = r->geom.wkb_len;
	}
	return 0;
}

static const struct loc *find_loc(const struct seen *s, const char *id)
{
	size_t i;
	for (i = 0; id && i < s->nlocs; i++)
		if (!strcmp(s->locs[i].id, id))
			return &s->locs[i];
	return NULL;
}

static int is_karabakh(const char *abbr)
{
	size_t i;
	for (i = 0; karabakh[i]; i++)
		if (!strcmp(karabakh[i], abbr))
			return 1;
	return 0;
}

static GEOSGeometry *read_wkb(GEOSContextHandle_t gh, const unsigned char *wkb, size_t n)
{
	GEOSWKBReader *rd = GEOSWKBReader_create_r(gh);
	GEOSGeometry *g = GEOSWKBReader_read_r(gh, rd, wkb, n);
	GEOSWKBReader_destroy_r(gh, rd);
	return g;
}

static int on_hazard(struct dm_record *r, void *arg)
{
	struct seen *s = arg;
	const struct loc *l = find_loc(s, r->location);
	const char *ls = json_string_value(json_object_get(r->fields, "land_status"));
	json_t *out = json_object_get(r->fields, "released_outside_m2");
	s->hazards++;
	if (ls && !strcmp(ls, "closed"))
		s->hazards_closed++;
	if (json_is_number(out) && json_number_value(out) > 1)
		s->released_outside++;
	if (!l || !is_karabakh(l->abbr)) {
		s->hazards_not_karabakh++;
		fprintf(stderr, "hazard %s: location %s is not a Karabakh district\n", r->code,
			l ? l->abbr : "(none)");
		return 0;
	}
	if (r->geom.wkb && l->wkb) {
		GEOSGeometry *h = read_wkb(s->gh, r->geom.wkb, r->geom.wkb_len);
		GEOSGeometry *d = read_wkb(s->gh, l->wkb, l->wkb_len);
		if (!h || !d || GEOSWithin_r(s->gh, h, d) != 1 || GEOSisValid_r(s->gh, h) != 1) {
			s->hazards_outside++;
			fprintf(stderr, "hazard %s: not a valid geometry within %s\n", r->code, l->abbr);
		}
		if (h)
			GEOSGeom_destroy_r(s->gh, h);
		if (d)
			GEOSGeom_destroy_r(s->gh, d);
	} else {
		s->hazards_outside++;
		fprintf(stderr, "hazard %s: no geometry\n", r->code);
	}
	return 0;
}

static int within(GEOSContextHandle_t gh, const struct dm_record *r, const struct loc *l, int covered)
{
	GEOSGeometry *a = read_wkb(gh, r->geom.wkb, r->geom.wkb_len), *b = read_wkb(gh, l->wkb, l->wkb_len);
	int ok = a && b && (covered ? GEOSCoveredBy_r(gh, a, b) : GEOSWithin_r(gh, a, b)) == 1;
	if (a)
		GEOSGeom_destroy_r(gh, a);
	if (b)
		GEOSGeom_destroy_r(gh, b);
	return ok;
}

/* Releases lie in their hazard (one reaches outside on purpose). */
static int on_release(struct dm_record *r, void *arg)
{
	struct seen *s = arg;
	const struct loc *h = find_loc(s, json_string_value(json_object_get(r->fields, "hazard")));
	if (!h || !r->geom.wkb || !h->wkb || !within(s->gh, r, h, 1)) {
		s->releases_outside++;
		fprintf(stderr, "note: release %s is not inside its hazard (one is meant to reach outside)\n",
			r->code);
	}
	return on_location(r, arg);
}

/* Items found lie inside the release they were found in. */
static int on_find(struct dm_record *r, void *arg)
{
	struct seen *s = arg;
	const struct loc *l = find_loc(s, json_string_value(json_object_get(r->fields, "release")));
	s->finds++;
	if (!l || !r->geom.wkb || !l->wkb || !within(s->gh, r, l, 0)) {
		s->finds_outside++;
		fprintf(stderr, "find %s lies outside its release\n", r->code);
	}
	return 0;
}

static int on_record(struct dm_record *r, void *arg)
{
	struct seen *s = arg;
	size_t i;
	for (i = 0; i < 4; i++)
		if (!strcmp(r->status, dm_status_values[i]))
			s->status[i]++;
	if (r->deleted)
		s->deleted++;
	if (r->approved_version && r->version > r->approved_version && !strcmp(r->status, "draft"))
		s->pending++;
	return 0;
}

static int on_grant(struct dm_record *r, void *arg)
{
	struct seen *s = arg;
	json_array_append_new(s->grants, dm_record_to_json(s->db, &who, r, NULL));
	return 0;
}

/* code + geometry of every record with geometry, in code order: what must not change. */
static int on_trace(struct dm_record *r, void *arg)
{
	struct seen *s = arg;
	json_t *j = dm_record_to_json(s->db, &who, r, NULL);
	char *g = json_dumps(json_object_get(j, "geometry"), JSON_COMPACT | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY);
	dm_buf_addf(s->trace, "%s %s %s\n", r->code, r->status, g ? g : "null");
	free(g);
	json_decref(j);
	return 0;
}

static char *make_demo(const char *dir, const char *name, struct dm_db **dbp, struct dm_demo_stats *st)
{
	char path[4096];
	struct dm_error err;
	struct dm_db *db = NULL;
	int rc;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	dm_error_init(&err);
	rc = dm_db_open(path, 1, &db, &err);
	CHECK_MSG(rc == 0, "open %s: %s", path, err.message);
	if (!rc) {
		rc = dm_demo_fill(db, st, &err);
		CHECK_MSG(rc == 0, "demo: %s", err.message);
		if (rc && err.ndetails)
			fprintf(stderr, "  %s: %s\n", err.details[0].field, err.details[0].message);
	}
	dm_error_release(&err);
	*dbp = db;
	return strdup(path);
}

static size_t stat_of(const struct dm_demo_stats *st, const char *type)
{
	size_t i;
	for (i = 0; i < st->ntypes; i++)
		if (!strcmp(st->type[i], type))
			return st->count[i];
	return (size_t)-1;
}

static char *trace(struct dm_db *db)
{
	static const char *const types[] = { "location", "hazard", "land_release", "eo_find", "accident",
		"eore_session", "task", "grant", NULL };
	struct seen s;
	struct dm_buf b;
	struct dm_error err;
	struct dm_list_opts lo = { 0 };
	size_t i;
	memset(&s, 0, sizeof(s));
	s.db = db;
	dm_buf_init(&b, 64u << 20);
	s.trace = &b;
	dm_error_init(&err);
	lo.include_deleted = 1;
	for (i = 0; types[i]; i++) {
		dm_buf_addf(&b, "== %s\n", types[i]);
		CHECK(dm_record_list(db, &who, types[i], &lo, on_trace, &s, &err) == 0);
	}
	dm_error_release(&err);
	return dm_buf_take(&b);
}

int main(void)
{
	char dir[] = "/tmp/demine-test-demo-XXXXXX";
	struct dm_demo_stats st, st2;
	struct dm_db *db = NULL, *db2 = NULL;
	struct dm_error err;
	struct dm_list_opts lo = { 0 };
	struct seen s;
	size_t i, n, ntypes;
	const struct dm_type *types;
	char *path, *path2, *t1, *t2;
	json_t *g;
	int found = 0;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	path = make_demo(dir, "demo.db", &db, &st);
	if (!db)
		return check_report("demo");

	/* counts */
	CHECK_INT(stat_of(&st, "organisation"), 8);
	CHECK_INT(stat_of(&st, "location"), 79 + 12);
	CHECK_INT(stat_of(&st, "agreement"), 1);
	CHECK_INT(stat_of(&st, "grant"), 3);
	CHECK_INT(stat_of(&st, "exchange_rate"), 3);
	CHECK_INT(stat_of(&st, "accident"), 1);
	CHECK_INT(stat_of(&st, "victim"), 2);
	CHECK(stat_of(&st, "hazard") >= 30 && stat_of(&st, "hazard") <= 40);
	CHECK(stat_of(&st, "task") >= 10);
	CHECK(stat_of(&st, "land_release") >= 15);
	CHECK(stat_of(&st, "eo_find") >= 15);
	CHECK(stat_of(&st, "va_service") >= 2);
	CHECK(stat_of(&st, "eore_session") >= 8);
	CHECK(stat_of(&st, "qm_inspection") >= 3);
	CHECK(stat_of(&st, "disbursement") >= 1);
	CHECK(st.hazards_closed >= 1);

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.gh = GEOS_init_r();
	s.grants = json_array();
	dm_error_init(&err);

	/* France's grant */
	CHECK(dm_record_list(db, &who, "grant", &lo, on_grant, &s, &err) == 0);
	json_array_foreach(s.grants, i, g) {
		const char *title = json_string_value(json_object_get(g, "title"));
		if (!title || strcmp(title, "Support to mine clearance in liberated territories"))
			continue;
		found++;
		CHECK_STR(json_string_value(json_object_get(g, "amount")), "400000.00");
		CHECK_STR(json_string_value(json_object_get(g, "currency")), "EUR");
		CHECK_STR(json_string_value(json_object_get(g, "announced_date")), "2021-09-08");
		CHECK_STR(json_string_value(json_object_get(g, "grant_status")), "pledged");
		CHECK_STR(json_string_value(json_object_get(g, "purpose_code")), "15250");
		CHECK_STR(json_string_value(json_object_get(g, "status")), "approved");
	}
	CHECK_INT(found, 1);

	/* every hazard lies inside one of the nine districts */
	CHECK(dm_record_list(db, &who, "location", &lo, on_location, &s, &err) == 0);
	CHECK_INT(s.nlocs, 79 + 12);
	for (i = 0, n = 0; i < s.nlocs; i++)
		n += !strcmp(s.locs[i].kind, "adm2") && s.locs[i].abbr[0] && s.locs[i].wkb;
	CHECK_INT(n, 79);
	CHECK(dm_record_list(db, &who, "hazard", &lo, on_hazard, &s, &err) == 0);
	CHECK(s.hazards >= 30);
	CHECK_INT(s.hazards_not_karabakh, 0);
	CHECK_INT(s.hazards_outside, 0);
	CHECK(s.hazards_closed >= 1);
	CHECK_MSG(s.released_outside >= 1, "no hazard has released_outside_m2 > 1");

	/* releases inside their hazards (but the one made to reach outside), finds inside releases */
	lo.include_deleted = 1;
	CHECK(dm_record_list(db, &who, "hazard", &lo, on_location, &s, &err) == 0);
	lo.include_deleted = 0;
	CHECK(dm_record_list(db, &who, "land_release", &lo, on_release, &s, &err) == 0);
	CHECK_INT(s.releases_outside, 1);
	CHECK(dm_record_list(db, &who, "eo_find", &lo, on_find, &s, &err) == 0);
	CHECK(s.finds >= 15);
	CHECK_INT(s.finds_outside, 0);

	/* every workflow state */
	types = dm_schema_builtin(&ntypes);
	lo.include_deleted = 1;
	for (i = 0; i < ntypes; i++)
		CHECK(dm_record_list(db, &who, types[i].name, &lo, on_record, &s, &err) == 0);
	CHECK(s.status[0] >= 1); /* draft */
	CHECK(s.status[1] >= 1); /* submitted */
	CHECK(s.status[2] >= 100); /* approved */
	CHECK(s.status[3] >= 1); /* rejected */
	CHECK(s.pending >= 1);
	CHECK_INT(s.deleted, 1);
	CHECK(st.drafts >= 1 && st.submitted >= 1 && st.rejected >= 1 && st.pending == 1 && st.deleted == 1);
	dm_error_release(&err);

	/* the same data on every run */
	path2 = make_demo(dir, "demo2.db", &db2, &st2);
	if (db2) {
		CHECK_INT(st2.total, st.total);
		t1 = trace(db);
		t2 = trace(db2);
		CHECK(t1 && t2 && strlen(t1) > 10000);
		CHECK_MSG(t1 && t2 && !strcmp(t1, t2), "two runs differ");
		free(t1);
		free(t2);
		dm_db_close(db2);
	}

	for (i = 0; i < s.nlocs; i++)
		free(s.locs[i].wkb);
	free(s.locs);
	json_decref(s.grants);
	GEOS_finish_r(s.gh);
	dm_db_close(db);
	{
		char side[4200];
		const char *ps[2] = { path, path2 };
		for (i = 0; i < 2; i++) {
			unlink(ps[i]);
			snprintf(side, sizeof(side), "%s-wal", ps[i]);
			unlink(side);
			snprintf(side, sizeof(side), "%s-shm", ps[i]);
			unlink(side);
		}
	}
	free(path);
	free(path2);
	rmdir(dir);
	return check_report("demo");
}
