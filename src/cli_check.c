/* cli_check.c: demine check: integrity and business rules, with record codes and severity. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "demine/check.h"
#include "cli.h"

int cli_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "json", no_argument, NULL, 'j' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL;
	struct dm_db *db = NULL;
	struct dm_error err;
	json_t *findings = NULL, *f;
	size_t i, errors = 0, warnings = 0;
	int c, rc, json = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db_opt = optarg;
		else if (c == 'j')
			json = 1;
		else
			return cli_usage("check", "unknown option");
	}
	if (optind != argc)
		return cli_usage("check", "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_open("check", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = dm_check_run(db, &findings, &err);
	if (rc) {
		rc = cli_fail(&err);
		goto out;
	}
	json_array_foreach(findings, i, f) {
		if (!strcmp(json_string_value(json_object_get(f, "severity")), "error"))
			errors++;
		else
			warnings++;
	}
	if (json) {
		cli_print_json(json_pack("{s:O, s:I, s:I}", "findings", findings, "errors", (json_int_t)errors,
					 "warnings", (json_int_t)warnings));
	} else {
		json_array_foreach(findings, i, f)
			printf("%-7s %-24s %s\n", json_string_value(json_object_get(f, "severity")),
			       json_string_value(json_object_get(f, "check")), json_string_value(json_object_get(f, "message")));
		printf("%zu errors, %zu warnings\n", errors, warnings);
	}
	rc = errors ? CLI_REFUSED : CLI_OK;
out:
	json_decref(findings);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
