/* cli_util.c: error printing and option helpers shared by the commands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <pwd.h>
#include "cli.h"

int cli_fail(const struct dm_error *err)
{
	size_t i;
	fprintf(stderr, "demine: %s\n", err->message[0] ? err->message : dm_err_name(err->code));
	for (i = 0; i < err->ndetails; i++) {
		if (err->details[i].field[0])
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
