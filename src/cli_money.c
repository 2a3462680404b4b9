/* cli_money.c: demine money convert: an amount into another currency, at a given rate or by
 * the stored rates of a date (with the rate, its date and source named). */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/money.h"
#include "demine/rates.h"
#include "cli.h"

#define CMD "money convert"

static void usage_text(FILE *out)
{
	fprintf(out, "usage: demine money convert AMOUNT FROM TO --rate R [--inverse] [--json]\n"
		     "       demine money convert AMOUNT FROM TO --date YYYY-MM-DD --db PATH [--json]\n"
		     "  --rate R     units of TO per 1 FROM (e.g. 2.00818 AZN per EUR)\n"
		     "  --inverse    R is in units of FROM per 1 TO instead\n"
		     "  --date D     use the stored rates of that day (setting rates.sources, rates.max_age_days)\n");
}

static void print_json(const char *amount, const char *currency, const struct dm_conversion *c)
{
	json_t *o = json_pack("{s:s, s:s, s:[]}", "amount", amount, "currency", currency, "rates");
	size_t i;
	if (!o)
		return;
	for (i = 0; c && i < c->nrates; i++) {
		const struct dm_conversion_rate *r = &c->rates[i];
		json_array_append_new(json_object_get(o, "rates"),
				      json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "from_currency", r->from, "to_currency",
						r->to, "rate", r->rate, "date", r->date, "source", r->source, "inverted",
						r->inverted));
	}
	if (c && c->via[0])
		json_object_set_new(o, "via", json_string(c->via));
	cli_print_json(o);
}

static int convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rate", required_argument, NULL, 'r' },
		{ "inverse", no_argument, NULL, 'i' },
		{ "date", required_argument, NULL, 't' },
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	static char neg_mark[] = "\001"; /* stands for a negative amount while getopt runs */
	const char *rate_opt = NULL, *date = NULL, *db_opt = NULL, *neg = NULL, *pos[3];
	int c, inverse = 0, json = 0, npos = 0, i, rc = CLI_OK;
	struct dm_error err;
	struct dm_db *db = NULL;
	int64_t minor = 0, out = 0;
	char amount[48];

	/* "-12.34" is an amount, not an option */
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-' && isdigit((unsigned char)argv[i][1]) && !neg) {
			neg = argv[i];
			argv[i] = neg_mark;
		}
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rate_opt = optarg; break;
		case 'i': inverse = 1; break;
		case 't': date = optarg; break;
		case 'd': db_opt = optarg; break;
		case 'j': json = 1; break;
		case 'h': usage_text(stdout); return CLI_OK;
		default: return cli_usage(CMD, "unknown option");
		}
	}
	for (i = optind; i < argc; i++) {
		if (npos == 3)
			return cli_usage(CMD, "unexpected argument '%s'", argv[i] == neg_mark ? neg : argv[i]);
		pos[npos++] = argv[i] == neg_mark ? neg : argv[i];
	}
	if (npos != 3)
		return cli_usage(CMD, "AMOUNT FROM TO are required");
	if (!rate_opt == !date)
		return cli_usage(CMD, "give either --rate R or --date YYYY-MM-DD (with --db PATH)");
	if (inverse && !rate_opt)
		return cli_usage(CMD, "--inverse goes with --rate");

	dm_error_init(&err);
	if (dm_money_parse(pos[0], pos[1], &minor, &err))
		goto refused;
	if (!dm_currency_valid(pos[2])) {
		dm_error_set(&err, DM_EINVAL, NULL, "unknown currency '%s'", pos[2]);
		goto refused;
	}
	if (rate_opt) {
		struct dm_decimal r;
		if (dm_decimal_parse_rate(rate_opt, &r, &err))
			goto refused;
		if (inverse ? dm_money_convert_inverse(minor, pos[1], pos[2], &r, &out, &err)
			    : dm_money_convert(minor, pos[1], pos[2], &r, &out, &err))
			goto refused;
		dm_money_format(out, pos[2], amount, sizeof(amount));
		if (json)
			print_json(amount, pos[2], NULL);
		else
			printf("%s %s\n", amount, pos[2]);
	} else {
		struct dm_conversion conv;
		size_t k;
		if (!cli_db_path(db_opt))
			return cli_usage(CMD, "--date needs --db PATH (or DEMINE_DB)");
		rc = cli_open(CMD, db_opt, 0, &db);
		if (rc)
			goto out;
		if (dm_rates_convert_db(db, minor, pos[1], pos[2], date, &conv, &err))
			goto refused;
		if (json) {
			print_json(conv.amount, conv.currency, &conv);
		} else {
			printf("%s %s\n", conv.amount, conv.currency);
			for (k = 0; k < conv.nrates; k++) {
				char line[256];
				dm_conversion_describe_rate(&conv.rates[k], line, sizeof(line));
				printf("rate %s\n", line);
			}
			if (conv.nrates == 0)
				printf("no conversion: the same currency\n");
		}
	}
	goto out;
refused:
	rc = cli_fail(&err);
out:
	dm_error_release(&err);
	if (db)
		dm_db_close(db);
	return rc;
}

int cli_money(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage("money", "a subcommand is required: convert");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage_text(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "convert"))
		return convert(argc - 1, argv + 1);
	return cli_usage("money", "unknown subcommand '%s' (expected convert)", argv[1]);
}
