/* cli_backup.c: demine backup: an online copy of an SQLite database into a new file. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "demine/db.h"
#include "cli.h"

int cli_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *to = NULL, *path;
	struct dm_db *db = NULL;
	struct dm_error err;
	int c, rc;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db_opt = optarg;
		else if (c == 't')
			to = optarg;
		else
			return cli_usage("backup", "unknown option");
	}
	if (optind != argc)
		return cli_usage("backup", "unexpected argument '%s'", argv[optind]);
	if (!to)
		return cli_usage("backup", "--to FILE is required");
	path = cli_db_path(db_opt);
	if (path && (!strncmp(path, "postgresql://", 13) || !strncmp(path, "postgres://", 11))) {
		fprintf(stderr, "demine: backup copies sqlite databases; back up postgresql with pg_dump:\n"
				"  pg_dump --format=custom --file '%s' --dbname \"$DEMINE_DB\"\n", to);
		return CLI_USAGE;
	}
	if ((rc = cli_open("backup", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = dm_store_backup(dm_db_store(db), to, &err);
	if (rc)
		rc = cli_fail(&err);
	else
		printf("backed up %s to %s\n", path, to);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
