/* test_db.c: a database's own state beside the records: extra fields (demine field add). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "demine/db.h"

static void rm_rf(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* A refused ALTER leaves no phantom field in the schema in memory and no row in field_def. */
static void test_field_add_atomic(struct dm_db *db)
{
	struct dm_error err;
	struct dm_field f;
	int64_t n = -1;
	dm_error_init(&err);
	/* a column already there, outside field_def: the ALTER of field add fails */
	CHECK_INT(dm_store_exec(dm_db_store(db), "ALTER TABLE hazard ADD COLUMN access_road TEXT", &err), 0);
	memset(&f, 0, sizeof(f));
	f.name = "access_road";
	f.type = DM_F_TEXT;
	f.label_en = "Access road";
	CHECK(dm_db_add_field(db, "hazard", &f, &err) < 0);
	CHECK(dm_type_field(dm_schema_type(dm_db_schema(db), "hazard"), "access_road") == NULL);
	CHECK_INT(dm_store_query_int(dm_db_store(db), "SELECT count(*) FROM field_def", NULL, &n, &err), 0);
	CHECK_INT(n, 0);
	CHECK(!dm_store_in_transaction(dm_db_store(db)));
	dm_error_release(&err);

	/* a good one is there once committed, with its values joined whole */
	static const char *const many[] = {"v0000000000000000000000000000000000000000000000000000000000000",
					   "v1000000000000000000000000000000000000000000000000000000000000", NULL};
	memset(&f, 0, sizeof(f));
	f.name = "sector";
	f.type = DM_F_ENUM;
	f.values = many;
	CHECK_INT(dm_db_add_field(db, "hazard", &f, &err), 0);
	const struct dm_field *got = dm_type_field(dm_schema_type(dm_db_schema(db), "hazard"), "sector");
	CHECK(got != NULL && got->values && got->values[1] && !strcmp(got->values[1], many[1]));
	CHECK_INT(dm_store_query_int(dm_db_store(db), "SELECT length(allowed) FROM field_def WHERE name = 'sector'",
				     NULL, &n, &err), 0);
	CHECK_INT(n, (int64_t)(strlen(many[0]) + 1 + strlen(many[1])));
	/* a name already there is refused before anything is written */
	CHECK_INT(dm_db_add_field(db, "hazard", &f, &err), DM_EEXIST);
	dm_error_release(&err);
}

int main(void)
{
	char dir[] = "/tmp/demine-test-db-XXXXXX", path[600];
	struct dm_db *db = NULL;
	struct dm_error err;
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/t.db", dir);
	dm_error_init(&err);
	CHECK_INT(dm_db_open(path, 1, &db, &err), 0);
	dm_error_release(&err);
	if (db) {
		test_field_add_atomic(db);
		dm_db_close(db);
	}
	rm_rf(dir);
	return check_report("db");
}
