/* cli_util.c: error printing and option helpers shared by the commands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pwd.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/record.h"
#include "cli.h"

int cli_fail(const struct dm_error *err)
{
	size_t i;
	fprintf(stderr, "demine: %s\n", err->message[0] ? err->message : dm_err_name(err->code));
	/* one detail that the message already says is not repeated */
	if (err->ndetails == 1 && strstr(err->message, err->details[0].message))
		return err->code == DM_EUSAGE ? CLI_USAGE : CLI_REFUSED;
	for (i = 0; i < err->ndetails; i++) {
		/* a detail that already names its field is printed as it is */
		if (err->details[i].field[0] && !strstr(err->details[i].message, err->details[i].field))
			fprintf(stderr, "  %s: %s\n", err->details[i].field, err->details[i].message);
		else
			fprintf(stderr, "  %s\n", err->details[i].message);
	}
	if (err->ndetails_dropped)
		fprintf(stderr, "  ... and %zu more problems\n", err->ndetails_dropped);
	return err->code == DM_EUSAGE ? CLI_USAGE : CLI_REFUSED;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "demine %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'demine help')\n");
	return CLI_USAGE;
}

const char *cli_db_path(const char *opt)
{
	if (opt && *opt)
		return opt;
	opt = getenv("DEMINE_DB");
	return opt && *opt ? opt : NULL;
}

const char *cli_user(const char *opt)
{
	const char *u;
	struct passwd *pw;
	if (opt && *opt)
		return opt;
	u = getenv("DEMINE_USER");
	if (u && *u)
		return u;
	pw = getpwuid(getuid());
	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

int cli_open(const char *cmd, const char *dbopt, int create, struct dm_db **db)
{
	struct dm_error err;
	const char *path = cli_db_path(dbopt);
	int rc;
	if (!path)
		return cli_usage(cmd, "--db PATH (or DEMINE_DB) is required");
	dm_error_init(&err);
	rc = dm_db_open(path, create, db, &err);
	if (rc) {
		rc = cli_fail(&err);
		dm_error_release(&err);
		return rc;
	}
	return CLI_OK;
}

void cli_actor(struct dm_actor *who, const char *useropt)
{
	who->user = cli_user(useropt);
	who->role = "local";
	who->org_id = NULL;
}

int cli_parse_int(const char *cmd, const char *name, const char *text, long long *out)
{
	char *end;
	*out = strtoll(text, &end, 10);
	if (!*text || *end)
		return cli_usage(cmd, "%s must be a whole number, not '%s'", name, text);
	return CLI_OK;
}

void cli_print_json(struct json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	fputc('\n', stdout);
	json_decref(v);
}
