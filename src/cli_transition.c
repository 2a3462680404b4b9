/* cli_transition.c: demine submit, approve, reject and delete: moving a record through
 * the workflow, and deletion as a flagged version. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "demine/db.h"
#include "demine/record.h"
#include "cli.h"

int cli_transition(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "reason", required_argument, NULL, 'r' },
		{ "expect-version", required_argument, NULL, 'e' }, { "user", required_argument, NULL, 'u' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = argv[0], *db_opt = NULL, *user = NULL, *reason = NULL;
	long long expect = 0;
	struct dm_db *db = NULL;
	struct dm_record *r = NULL;
	struct dm_error err;
	struct dm_actor who;
	enum dm_transition t = !strcmp(cmd, "submit") ? DM_SUBMIT : !strcmp(cmd, "approve") ? DM_APPROVE : DM_REJECT;
	int c, rc, del = !strcmp(cmd, "delete");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'r': reason = optarg; break;
		case 'u': user = optarg; break;
		case 'e':
			if ((rc = cli_parse_int(cmd, "--expect-version", optarg, &expect)))
				return rc;
			break;
		default: return cli_usage(cmd, "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage(cmd, "give one record ID or code");
	if ((t == DM_REJECT || del) && (!reason || !*reason))
		return cli_usage(cmd, "--reason TEXT is required");
	if (del && expect <= 0)
		return cli_usage(cmd, "--expect-version N is required");
	if ((rc = cli_open(cmd, db_opt, 0, &db)))
		return rc;
	cli_actor(&who, user);
	dm_error_init(&err);
	if (del)
		rc = dm_record_delete(db, &who, argv[optind], expect, reason, &err);
	else
		rc = dm_record_transition(db, &who, argv[optind], t, expect, reason, &r, &err);
	if (rc)
		rc = cli_fail(&err);
	else if (del)
		printf("%s deleted (a flagged version; history is kept)\n", argv[optind]);
	else
		printf("%s %s is now %s (version %lld)\n", r->type->name, r->code, r->status, (long long)r->version);
	dm_record_free(r);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

int cli_erase(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "reason", required_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'u' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *user = NULL, *reason = NULL;
	struct dm_db *db = NULL;
	struct dm_error err;
	struct dm_actor who;
	int c, rc;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'r': reason = optarg; break;
		case 'u': user = optarg; break;
		default: return cli_usage("erase", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("erase", "give one record ID or code");
	if (!reason || !*reason)
		return cli_usage("erase", "--reason TEXT is required (the lawful request)");
	if ((rc = cli_open("erase", db_opt, 0, &db)))
		return rc;
	cli_actor(&who, user);
	dm_error_init(&err);
	rc = dm_record_erase_personal(db, &who, argv[optind], reason, &err);
	if (rc)
		rc = cli_fail(&err);
	else
		printf("personal data of %s erased in every version; the erasure is in the audit log\n", argv[optind]);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
