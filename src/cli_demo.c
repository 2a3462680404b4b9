/* cli_demo.c: demine demo: create a database and fill it with the demo data set. */
#include <stdio.h>
#include <string.h>
#include "demine/db.h"
#include "demine/demo.h"
#include "cli.h"

int cli_demo(int argc, char **argv)
{
	const char *path = NULL;
	struct dm_db *db = NULL;
	struct dm_demo_stats st;
	struct dm_error err;
	size_t i;
	int rc = cli_create_db("demo", argc, argv, &db, &path);
	if (rc)
		return rc;
	dm_error_init(&err);
	rc = dm_demo_fill(db, &st, &err);
	dm_db_close(db);
	if (rc) {
		rc = cli_fail(&err);
		dm_error_release(&err);
		/* a half-made demo is of no use: do not leave an empty database behind */
		cli_remove_db_files(path);
		return rc;
	}
	dm_error_release(&err);
	printf("demo database %s: %zu records\n", path, st.total);
	for (i = 0; i < st.ntypes; i++)
		if (st.count[i])
			printf("  %-14s %5zu\n", st.type[i], st.count[i]);
	printf("workflow: %zu draft, %zu submitted, %zu rejected, %zu approved with a pending draft, "
	       "%zu deleted; %zu hazards closed by land release\n",
	       st.drafts, st.submitted, st.rejected, st.pending, st.deleted, st.hazards_closed);
	return CLI_OK;
}
