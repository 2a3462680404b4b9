/* cli_landrelease.c: demine landrelease recompute: rebuild every hazard's figures. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "demine/db.h"
#include "demine/landrelease.h"
#include "cli.h"

int cli_landrelease(int argc, char **argv)
{
	static const struct option opts[] = { { "db", required_argument, NULL, 'd' }, { 0, 0, 0, 0 } };
	const char *db_opt = NULL;
	struct dm_landrelease_stats st;
	struct dm_db *db = NULL;
	struct dm_error err;
	int c, rc;
	if (argc < 2 || strcmp(argv[1], "recompute"))
		return cli_usage("landrelease", "the subcommand is 'recompute'");
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db_opt = optarg;
		else
			return cli_usage("landrelease", "unknown option");
	}
	if ((rc = cli_open("landrelease", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = dm_landrelease_recompute_all(db, &st, &err);
	if (rc)
		rc = cli_fail(&err);
	else
		printf("%zu hazards recomputed: %zu changed (%zu closed, %zu reopened)\n", st.hazards, st.changed,
		       st.closed, st.reopened);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
