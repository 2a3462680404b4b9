/* cli_readiness.c: demine readiness recompute | settings | set NAME VALUE | show ID: settlement
 * readiness for return (issue 17). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "demine/auth.h"
#include "demine/db.h"
#include "demine/readiness.h"
#include "cli.h"

static const char usage_text[] = "the subcommand is recompute, settings, set NAME VALUE or show ID";

static int run(struct dm_db *db, const char *sub, char **args, int nargs, struct dm_error *err)
{
	if (!strcmp(sub, "recompute")) {
		struct dm_readiness_stats st;
		int rc = dm_readiness_recompute_all(db, &st, err);
		if (!rc)
			printf("%zu settlements recomputed: %zu changed; %zu blocked, %zu in progress, %zu cleared for"
			       " return\n", st.settlements, st.changed, st.blocked, st.in_progress, st.cleared);
		return rc;
	}
	if (!strcmp(sub, "settings")) {
		json_t *o = NULL;
		int rc = dm_readiness_settings(db, &o, err);
		if (!rc)
			cli_print_json(o);
		return rc;
	}
	if (!strcmp(sub, "set")) {
		int rc = dm_readiness_set(db, args[0], args[1], err);
		if (!rc)
			printf("%s = %s (run demine readiness recompute to apply it)\n", args[0], args[1]);
		return rc;
	}
	{
		struct dm_actor who;
		json_t *o = NULL;
		int rc;
		(void)nargs;
		cli_actor(&who, NULL);
		rc = dm_readiness_get(db, &who, args[0], &o, err);
		if (!rc)
			cli_print_json(o);
		return rc;
	}
}

int cli_readiness(int argc, char **argv)
{
	static const struct option opts[] = { { "db", required_argument, NULL, 'd' }, { 0, 0, 0, 0 } };
	const char *db_opt = NULL, *sub;
	struct dm_db *db = NULL;
	struct dm_error err;
	int c, rc, need;
	if (argc < 2)
		return cli_usage("readiness", usage_text);
	sub = argv[1];
	need = !strcmp(sub, "set") ? 2 : !strcmp(sub, "show") ? 1 : 0;
	if (need == 0 && strcmp(sub, "recompute") && strcmp(sub, "settings"))
		return cli_usage("readiness", usage_text);
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db_opt = optarg;
		else
			return cli_usage("readiness", "unknown option");
	}
	if (argc - optind != need)
		return cli_usage("readiness", "%s takes %d argument%s", sub, need, need == 1 ? "" : "s");
	if ((rc = cli_open("readiness", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = run(db, sub, argv + optind, need, &err);
	if (rc)
		rc = cli_fail(&err);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
