/* cli_rates.c: demine rates import (CBAR/ECB files into exchange_rate records, all or nothing)
 * and demine rates show (what a rate file holds, without a database). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/rates.h"
#include "demine/record.h"
#include "cli.h"

static void usage_text(FILE *out)
{
	fprintf(out, "usage: demine rates import --db PATH [--user NAME] FILE\n"
		     "       demine rates show FILE\n"
		     "FILE: a CBAR daily bulletin (XML), ECB eurofxref-hist.csv or eurofxref.csv,\n"
		     "or ECB SDMX csvdata; the format is read from the content.\n");
}

static void print_period(const struct dm_rates_info *in)
{
	if (!in->date_min[0])
		printf(", no dates");
	else if (!strcmp(in->source, "cbar") && !strcmp(in->date_min, in->date_max))
		printf(", bulletin of %s", in->date_min);
	else if (!strcmp(in->date_min, in->date_max))
		printf(", of %s", in->date_min);
	else
		printf(", %s to %s", in->date_min, in->date_max);
}

static void print_notes(const struct dm_rates_info *in)
{
	if (in->nmissing)
		printf("%zu cells without a rate (N/A)\n", in->nmissing);
	if (in->nmetals)
		printf("%zu bank metals left out\n", in->nmetals);
	if (in->nskipped)
		printf("%zu skipped with a warning, the first: %s\n", in->nskipped, in->warning);
}

static int import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *user = NULL;
	struct dm_rates_import_stats st;
	struct dm_actor who;
	struct dm_db *db = NULL;
	struct dm_error err;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db_opt = optarg;
		else if (c == 'u')
			user = optarg;
		else
			return cli_usage("rates import", "unknown option");
	}
	if (optind + 1 != argc)
		return cli_usage("rates import", optind == argc ? "FILE is required" : "one FILE at a time");
	if (!cli_db_path(db_opt))
		return cli_usage("rates import", "--db PATH (or DEMINE_DB) is required");
	rc = cli_open("rates import", db_opt, 0, &db);
	if (rc)
		return rc;
	cli_actor(&who, user);
	dm_error_init(&err);
	rc = dm_rates_import_file(db, &who, argv[optind], &st, &err);
	if (rc) {
		rc = cli_fail(&err);
		fprintf(stderr, "demine: nothing was imported from %s\n", argv[optind]);
	} else {
		printf("%zu rates imported from %s", st.ncreated + st.nupdated, st.info.source);
		print_period(&st.info);
		printf(" (%zu new, %zu changed), %zu unchanged; file format %s\n", st.ncreated, st.nupdated,
		       st.nunchanged, st.info.format);
		print_notes(&st.info);
		rc = CLI_OK;
	}
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

static int print_rate(const struct dm_rate *r, void *arg)
{
	char rate[DM_DECIMAL_BUF];
	(void)arg;
	dm_decimal_format(&r->rate, rate, sizeof(rate));
	printf("%s,%s,%s,%s,%s\n", r->date, r->from, r->to, rate, r->source);
	return 0;
}

static int show(int argc, char **argv)
{
	struct dm_rates_info info;
	struct dm_error err;
	int rc;
	if (argc != 2)
		return cli_usage("rates show", "one FILE is required");
	dm_error_init(&err);
	printf("date,from_currency,to_currency,rate,source\n");
	rc = dm_rates_read_file_info(argv[1], print_rate, NULL, &info, &err);
	if (rc) {
		fflush(stdout);
		rc = cli_fail(&err);
	} else {
		fprintf(stderr, "%zu rates from %s (%s), %s to %s; %zu without a rate, %zu skipped%s%s\n",
			info.nrates, info.source, info.format, info.date_min[0] ? info.date_min : "-",
			info.date_max[0] ? info.date_max : "-", info.nmissing, info.nskipped,
			info.warning[0] ? ": " : "", info.warning);
		rc = CLI_OK;
	}
	dm_error_release(&err);
	return rc;
}

int cli_rates(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage("rates", "a subcommand is required: import or show");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage_text(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "import"))
		return import(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return show(argc - 1, argv + 1);
	return cli_usage("rates", "unknown subcommand '%s' (expected import or show)", argv[1]);
}
