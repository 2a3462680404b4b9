/* cli_audit.c: demine audit, the audit log newest first (the server's GET /api/v1/audit). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "demine/audit.h"
#include "demine/db.h"
#include "cli.h"

static const char *text(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

static void print_entry(json_t *e, int json)
{
	char *t;
	if (json) {
		t = json_dumps(e, JSON_COMPACT);
		if (t)
			printf("%s\n", t);
		free(t);
		return;
	}
	printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\t%lld\t%s\n", (long long)json_integer_value(json_object_get(e, "seq")),
	       text(e, "at"), text(e, "user"), text(e, "role"), text(e, "action"), text(e, "record_type"),
	       text(e, "record_id"), (long long)json_integer_value(json_object_get(e, "version")), text(e, "detail"));
}

int cli_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "limit", required_argument, NULL, 'l' },
		{ "offset", required_argument, NULL, 'o' }, { "json", no_argument, NULL, 'j' },
		{ "user", required_argument, NULL, 'u' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *user = NULL;
	long long limit = 100, offset = 0;
	struct dm_actor who;
	struct dm_db *db = NULL;
	struct dm_error err;
	json_t *items = NULL, *e;
	size_t i;
	int c, json = 0, rc = 0;
	while (!rc && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'l': rc = cli_parse_int("audit", "--limit", optarg, &limit); break;
		case 'o': rc = cli_parse_int("audit", "--offset", optarg, &offset); break;
		case 'j': json = 1; break;
		case 'u': user = optarg; break;
		default: return cli_usage("audit", "unknown option");
		}
	}
	if (rc)
		return rc;
	if (optind != argc)
		return cli_usage("audit", "no arguments expected");
	if ((rc = cli_open("audit", db_opt, 0, &db)))
		return rc;
	cli_actor(&who, user);
	dm_error_init(&err);
	rc = dm_audit_list(db, &who, limit, offset, &items, &err) ? cli_fail(&err) : CLI_OK;
	json_array_foreach(items, i, e)
		print_entry(e, json);
	json_decref(items);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
