/* test_faults.c: fault injection over a whole create / update / submit / approve / import
 * sequence (issue 13). For each N the Nth call into SQLite or libpq (DM_FAULT_STORE), or the
 * Nth allocation of the library and of jansson (DM_FAULT_ALLOC, through the --wrap'ed malloc
 * family below), fails once. Each failure must give a clean error, leave no transaction open
 * and nothing half-written (every table as before the operation that failed), and the same
 * operation must then succeed; LeakSanitizer checks at exit that nothing leaked on any path.
 * Environment: FAULT_KIND=store|alloc|both (both), FAULT_STEP=K (walk every Kth point, 1),
 * FAULT_FROM=N (first point, 1), DEMINE_TEST_PG=URI (a PostgreSQL database, for store faults:
 * every table is emptied before each point). Prints the points walked and the failures seen. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "demine/auth.h"
#include "demine/db.h"
#include "demine/exchange.h"
#include "demine/record.h"
#include "fault.h"

/* ---- the allocation wrappers (linked with -Wl,--wrap=malloc,...) ---- */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

void *__wrap_malloc(size_t n)
{
	return dm_fault_hit(DM_FAULT_ALLOC) ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
	return dm_fault_hit(DM_FAULT_ALLOC) ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
	return dm_fault_hit(DM_FAULT_ALLOC) ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return dm_fault_hit(DM_FAULT_ALLOC) ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return dm_fault_hit(DM_FAULT_ALLOC) ? NULL : __real_strndup(s, n);
}

static void *json_alloc(size_t n)
{
	return __wrap_malloc(n);
}

/* ---- the sequence ---- */

static const struct dm_actor officer = { "ana", "local", NULL };
static char dir[] = "/tmp/demine-test-faults-XXXXXX";
static char template_db[600], geojson[600];
static const char *pg_uri;

#define SQUARE(x) "{\"type\":\"Polygon\",\"coordinates\":[[[" x ",40],[" x ".01,40],[" x ".01,40.01],[" x ",40.01]," \
	"[" x ",40]]]}"

struct run {
	struct dm_db *db;
	char hazard[37], release[37];
	int64_t version;
};

static int op_create_hazard(struct run *r, struct dm_error *err)
{
	struct dm_write_opts o = { .approve = 1 };
	struct dm_record *h = NULL;
	json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:o}", "category", "cha", "hazard_type", "minefield", "land_status",
			       "open", "change_reason", "survey", "geometry", json_loads(SQUARE("47"), 0, NULL));
	int rc = in ? dm_record_create(r->db, &officer, "hazard", in, &o, &h, err)
		    : dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (!rc) {
		memcpy(r->hazard, h->id, sizeof(r->hazard));
		r->version = h->version;
	}
	dm_record_free(h);
	json_decref(in);
	return rc;
}

static int op_update_hazard(struct run *r, struct dm_error *err)
{
	struct dm_write_opts o = { .approve = 1 };
	struct dm_record *h = NULL;
	json_t *in = json_pack("{s:s}", "hazard_type", "battle_area");
	int rc = in ? dm_record_update(r->db, &officer, r->hazard, r->version, in, "resurvey", &o, &h, err)
		    : dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (!rc)
		r->version = h->version;
	dm_record_free(h);
	json_decref(in);
	return rc;
}

static int op_create_release(struct run *r, struct dm_error *err)
{
	struct dm_record *l = NULL;
	json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "hazard", r->hazard, "method", "clearance", "result",
			       "cleared", "end_date", "2026-05-01", "change_reason", "completion report", "geometry",
			       json_loads(SQUARE("47"), 0, NULL));
	int rc = in ? dm_record_create(r->db, &officer, "land_release", in, NULL, &l, err)
		    : dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (!rc)
		memcpy(r->release, l->id, sizeof(r->release));
	dm_record_free(l);
	json_decref(in);
	return rc;
}

static int op_submit(struct run *r, struct dm_error *err)
{
	return dm_record_transition(r->db, &officer, r->release, DM_SUBMIT, 0, NULL, NULL, err);
}

/* approving the release closes the hazard: a system version, through the hooks */
static int op_approve(struct run *r, struct dm_error *err)
{
	return dm_record_transition(r->db, &officer, r->release, DM_APPROVE, 0, "checked", NULL, err);
}

static int op_import(struct run *r, struct dm_error *err)
{
	struct dm_import_opts o = { .type = "hazard", .approve = 1, .reason = "survey of 2026" };
	struct dm_import_stats st;
	int rc;
	memset(&st, 0, sizeof(st));
	rc = dm_import_file(r->db, &officer, geojson, &o, &st, err);
	json_decref(st.report);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(struct run *r, struct dm_error *err);
} ops[] = {
	{ "create", op_create_hazard }, { "update", op_update_hazard }, { "create release", op_create_release },
	{ "submit", op_submit },        { "approve", op_approve },      { "import", op_import },
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

/* What the database holds, as one string: the row count of every table the sequence writes. */
static char *fingerprint(struct dm_db *db)
{
	static const char *const tables[] = { "hazard", "hazard_history", "land_release", "land_release_history",
					      "audit", "record_index", "record_link", "code_seq", "change_counter",
					      "hazard_rtree" };
	char *out = calloc(1, 512), sql[100];
	struct dm_error e;
	dm_error_init(&e);
	for (size_t i = 0; out && i < sizeof(tables) / sizeof(tables[0]); i++) {
		int64_t n = -1;
		if (!strcmp(tables[i], "hazard_rtree") && pg_uri)
			continue;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
		dm_store_query_int(dm_db_store(db), sql, NULL, &n, &e);
		dm_error_release(&e);
		snprintf(out + strlen(out), 512 - strlen(out), "%s=%lld ", tables[i], (long long)n);
	}
	/* the code counters too: a failed create must not use up a code */
	int64_t codes = -1;
	dm_store_query_int(dm_db_store(db), "SELECT COALESCE(SUM(n), 0) FROM code_seq", NULL, &codes, &e);
	dm_error_release(&e);
	if (out)
		snprintf(out + strlen(out), 512 - strlen(out), "codes=%lld", (long long)codes);
	return out;
}

/* What the records say once the sequence is done, without ids and times (random per run):
 * a failure the code tolerated must not have changed any of it. */
static char *content(struct dm_db *db)
{
	static const char *const queries[] = {
		"SELECT code, version, approved_version, status, deleted, category, hazard_type, land_status,"
		" closure_reason, CAST(ROUND(area_m2) AS BIGINT), CAST(ROUND(remaining_m2) AS BIGINT),"
		" CAST(ROUND(cleared_m2) AS BIGINT), change_reason, updated_by, location FROM hazard_history"
		" ORDER BY code, version",
		"SELECT code, version, status, method, result, CAST(ROUND(area_m2) AS BIGINT), change_reason"
		" FROM land_release_history ORDER BY code, version",
		"SELECT action, record_type, version, detail, user_name FROM audit ORDER BY seq",
	};
	struct dm_buf b;
	struct dm_error e;
	dm_buf_init(&b, 0);
	dm_error_init(&e);
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		struct dm_stmt *s = NULL;
		if (dm_stmt_prepare(dm_db_store(db), queries[q], &s, &e)) {
			dm_buf_add(&b, "(query failed)");
			break;
		}
		while (dm_stmt_step(s, &e) == 1) {
			for (int i = 0; i < dm_stmt_column_count(s); i++) {
				const char *v = dm_stmt_column_text(s, i);
				dm_buf_add(&b, v ? v : "-");
				dm_buf_add(&b, "|");
			}
			dm_buf_add(&b, "\n");
		}
		dm_stmt_finalize(s);
	}
	dm_error_release(&e);
	return dm_buf_take(&b);
}
static char *reference;

static int fresh_db(struct dm_db **db, struct dm_error *err)
{
	char cmd[1300];
	if (pg_uri) {
		int rc = dm_db_open(pg_uri, 0, db, err);
		if (!rc)
			rc = dm_store_exec(dm_db_store(*db), "TRUNCATE hazard, hazard_history, land_release,"
					   " land_release_history, audit, record_index, record_link, code_seq,"
					   " change_counter", err);
		return rc;
	}
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/walk.db' && rm -f '%s/walk.db-wal' '%s/walk.db-shm'", template_db, dir,
		 dir, dir);
	if (system(cmd) != 0)
		return dm_error_set(err, DM_EIO, NULL, "cannot copy the template database");
	snprintf(cmd, sizeof(cmd), "%s/walk.db", dir);
	return dm_db_open(cmd, 0, db, err);
}

struct tally {
	long points, failures, succeeded_anyway, most, changed;
	long per_op[NOPS];
};

/* One point: the sequence with the nth call of kind failing. Returns 1 while the sequence made
 * at least n calls (there are points left), 0 past its end. */
static int walk_point(enum dm_fault_kind kind, long n, struct tally *t)
{
	struct run r;
	struct dm_error err;
	long calls = 0;
	int failed = -1;
	memset(&r, 0, sizeof(r));
	dm_error_init(&err);
	if (fresh_db(&r.db, &err)) {
		fprintf(stderr, "  cannot open the database: %s\n", err.message);
		check_failed++;
		dm_error_release(&err);
		return 0;
	}
	for (size_t i = 0; i < NOPS && failed < 0; i++) {
		char *before = fingerprint(r.db), *after;
		int rc;
		dm_fault_arm(kind, n > calls ? n - calls : -1);
		rc = ops[i].run(&r, &err);
		calls += dm_fault_calls(kind);
		dm_fault_arm(kind, 0);
		if (rc) {
			failed = (int)i;
			/* a clean error: a code, a message, no transaction left open, nothing written */
			CHECK_MSG(rc < 0 && err.code == rc && err.message[0], "%s, point %ld: rc %d, message '%s'",
				  ops[i].name, n, rc, err.message);
			CHECK_MSG(!dm_store_in_transaction(dm_db_store(r.db)), "%s, point %ld: transaction left open",
				  ops[i].name, n);
			after = fingerprint(r.db);
			CHECK_MSG(before && after && !strcmp(before, after), "%s, point %ld (%s): before %s, after %s",
				  ops[i].name, n, err.message, before ? before : "?", after ? after : "?");
			free(after);
			dm_error_release(&err);
			/* and the operation then works */
			rc = ops[i].run(&r, &err);
			CHECK_MSG(rc == 0, "%s after the fault at point %ld: %s", ops[i].name, n, err.message);
			dm_error_release(&err);
			t->failures++;
			t->per_op[i]++;
		}
		free(before);
	}
	/* the rest of the sequence, without faults, so that its end state can be compared */
	for (size_t i = failed >= 0 ? (size_t)failed + 1 : NOPS; i < NOPS; i++) {
		if (ops[i].run(&r, &err)) {
			CHECK_MSG(0, "%s after the fault at point %ld: %s", ops[i].name, n, err.message);
			dm_error_release(&err);
			break;
		}
	}
	{
		/* the sequence ran to its end (the failed operation retried): the records as without faults */
		char *c = content(r.db);
		if (reference && c && strcmp(c, reference)) {
			check_failed++;
			t->changed++;
			fprintf(stderr, "  point %ld: a tolerated failure changed the records:\n--- without faults\n%s--- with\n%s",
				n, reference, c);
		}
		free(c);
	}
	dm_db_close(r.db);
	dm_error_release(&err);
	if (calls > t->most)
		t->most = calls;
	if (calls >= n) {
		t->points++;
		if (failed < 0)
			t->succeeded_anyway++; /* a failure the code tolerates by design (a default, a retry) */
	}
	return calls >= n;
}

/* The records the sequence leaves without any fault. */
static int make_reference(void)
{
	struct run r;
	struct dm_error err;
	int rc;
	memset(&r, 0, sizeof(r));
	dm_error_init(&err);
	rc = fresh_db(&r.db, &err);
	for (size_t i = 0; !rc && i < NOPS; i++)
		if ((rc = ops[i].run(&r, &err)))
			fprintf(stderr, "reference run: %s: %s\n", ops[i].name, err.message);
	if (!rc)
		reference = content(r.db);
	dm_db_close(r.db);
	dm_error_release(&err);
	return rc || !reference ? -1 : 0;
}

static void walk(enum dm_fault_kind kind, const char *name, long from, long step)
{
	struct tally t;
	long n;
	memset(&t, 0, sizeof(t));
	for (n = from; walk_point(kind, n, &t); n += step)
		;
	printf("faults (%s%s): %ld points walked (every %ld from %ld, of the %ld the sequence makes), %ld failed"
	       " cleanly, %ld tolerated (%ld of them changing the records);", name, pg_uri ? ", postgres" : "", t.points,
	       step, from, t.most, t.failures, t.succeeded_anyway, t.changed);
	for (size_t i = 0; i < NOPS; i++)
		printf(" %s %ld%s", ops[i].name, t.per_op[i], i + 1 < NOPS ? "," : "\n");
}

static int setup(void)
{
	struct dm_db *db = NULL;
	struct dm_error err;
	FILE *f;
	int rc;
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(template_db, sizeof(template_db), "%s/template.db", dir);
	snprintf(geojson, sizeof(geojson), "%s/two.geojson", dir);
	if (!(f = fopen(geojson, "w")))
		return -1;
	fputs("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"category\":\"sha\","
	      "\"hazard_type\":\"minefield\",\"land_status\":\"open\"},\"geometry\":" SQUARE("48") "},{\"type\":\"Feature\","
	      "\"properties\":{\"category\":\"cha\",\"hazard_type\":\"ied_area\",\"land_status\":\"open\"},\"geometry\":"
	      SQUARE("49") "}]}", f);
	fclose(f);
	dm_error_init(&err);
	rc = dm_db_open(template_db, 1, &db, &err);
	if (rc)
		fprintf(stderr, "template: %s\n", err.message);
	dm_db_close(db);
	dm_error_release(&err);
	return rc;
}

int main(void)
{
	const char *kind = getenv("FAULT_KIND"), *step = getenv("FAULT_STEP"), *from = getenv("FAULT_FROM");
	long k = step ? strtol(step, NULL, 10) : 1, f = from ? strtol(from, NULL, 10) : 1;
	char cmd[700];
	json_set_alloc_funcs(json_alloc, free);
	pg_uri = getenv("DEMINE_TEST_PG");
	if (pg_uri && !*pg_uri)
		pg_uri = NULL;
	if (k < 1)
		k = 1;
	if (f < 1)
		f = 1;
	if (setup() || make_reference())
		return 1;
	if (!kind || !strcmp(kind, "both") || !strcmp(kind, "store"))
		walk(DM_FAULT_STORE, "store calls", f, k);
	if (!pg_uri && (!kind || !strcmp(kind, "both") || !strcmp(kind, "alloc")))
		walk(DM_FAULT_ALLOC, "allocations", f, k);
	free(reference);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_report("faults");
}
