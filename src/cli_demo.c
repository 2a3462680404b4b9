/* cli_demo.c: demine demo: create a database, fill it with the demo data set and add the demo
 * users (one per role; --no-users leaves them out). */
#include <stdio.h>
#include <string.h>
#include "demine/db.h"
#include "demine/demo.h"
#include "cli.h"

#define MAX_ARGS 64

static void print_stats(const char *path, const struct dm_demo_stats *st)
{
	size_t i;
	printf("demo database %s: %zu records\n", path, st->total);
	for (i = 0; i < st->ntypes; i++)
		if (st->count[i])
			printf("  %-14s %5zu\n", st->type[i], st->count[i]);
	printf("workflow: %zu draft, %zu submitted, %zu rejected, %zu approved with a pending draft, "
	       "%zu deleted; %zu hazards closed by land release\n",
	       st->drafts, st->submitted, st->rejected, st->pending, st->deleted, st->hazards_closed);
}

static void print_users(void)
{
	size_t i, n;
	const struct dm_demo_user *u = dm_demo_users(&n);
	printf("demo users (login / password; demo accounts, for trying demine only):\n");
	for (i = 0; i < n; i++)
		printf("  %-11s %s\n", u[i].login, u[i].password);
}

int cli_demo(int argc, char **argv)
{
	const char *path = NULL;
	char *args[MAX_ARGS];
	struct dm_db *db = NULL;
	struct dm_demo_stats st;
	struct dm_error err;
	int i, nargs = 0, with_users = 1, rc;
	/* --no-users is demo's own; the rest are those of every command that creates a database */
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--no-users"))
			with_users = 0;
		else if (nargs < MAX_ARGS - 1)
			args[nargs++] = argv[i];
		else
			return cli_usage("demo", "too many arguments");
	}
	args[nargs] = NULL;
	if ((rc = cli_create_db("demo", nargs, args, &db, &path)))
		return rc;
	dm_error_init(&err);
	rc = dm_demo_fill(db, &st, &err);
	if (!rc && with_users)
		rc = dm_demo_add_users(db, &st, &err);
	dm_db_close(db);
	if (rc) {
		rc = cli_fail(&err);
		dm_error_release(&err);
		/* a half-made demo is of no use: do not leave an empty database behind */
		cli_remove_db_files(path);
		return rc;
	}
	dm_error_release(&err);
	print_stats(path, &st);
	if (with_users)
		print_users();
	return CLI_OK;
}
