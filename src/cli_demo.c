/* cli_demo.c: demine demo: create a database and fill it with the demo data set. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "demine/db.h"
#include "demine/demo.h"
#include "cli.h"

int cli_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *path;
	struct dm_db *db = NULL;
	struct dm_demo_stats st;
	struct dm_error err;
	size_t i;
	int c, force = 0, rc;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db_opt = optarg;
		else if (c == 'f')
			force = 1;
		else
			return cli_usage("demo", "unknown option");
	}
	if (optind != argc)
		return cli_usage("demo", "unexpected argument '%s'", argv[optind]);
	path = cli_db_path(db_opt);
	if (force && path)
		cli_remove_db_files(path);
	rc = cli_open("demo", db_opt, 1, &db);
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
