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

int cli_create_db(const char *cmd, int argc, char **argv, struct dm_db **db, const char **path)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ 0, 0, 0, 0 },
	};
	const char *db_opt = NULL;
	int c, force = 0, rc;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db_opt = optarg;
		else if (c == 'f')
			force = 1;
		else
			return cli_usage(cmd, "unknown option");
	}
	if (optind != argc)
		return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	*path = cli_db_path(db_opt);
	if (force && *path && (rc = cli_remove_db_files(*path)))
		return rc;
	return cli_open(cmd, db_opt, 1, db);
}

int cli_init(int argc, char **argv)
{
	struct dm_db *db = NULL;
	const char *path = NULL;
	int rc = cli_create_db("init", argc, argv, &db, &path);
	if (rc)
		return rc;
	printf("created %s\n", path);
	dm_db_close(db);
	return CLI_OK;
}
