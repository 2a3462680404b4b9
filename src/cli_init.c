/* cli_init.c: demine init: create an empty database. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "demine/db.h"
#include "cli.h"

/* --force replaces an existing SQLite file (and its WAL files, which SQLite would otherwise
 * replay into the new database). */
int cli_remove_db_files(const char *path)
{
	struct dm_error err;
	int rc;
	dm_error_init(&err);
	rc = dm_store_remove(path, &err);
	if (rc)
		rc = cli_fail(&err);
	dm_error_release(&err);
	return rc;
}

int cli_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ 0, 0, 0, 0 },
	};
	const char *db_opt = NULL;
	struct dm_db *db = NULL;
	int c, force = 0, rc;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db_opt = optarg;
		else if (c == 'f')
			force = 1;
		else
			return cli_usage("init", "unknown option");
	}
	if (optind != argc)
		return cli_usage("init", "unexpected argument '%s'", argv[optind]);
	if (force && cli_db_path(db_opt) && (rc = cli_remove_db_files(cli_db_path(db_opt))))
		return rc;
	rc = cli_open("init", db_opt, 1, &db);
	if (rc)
		return rc;
	printf("created %s\n", cli_db_path(db_opt));
	dm_db_close(db);
	return CLI_OK;
}
