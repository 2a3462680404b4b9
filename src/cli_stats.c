/* cli_stats.c: demine stats FIGURE: a dashboard figure (the same library call as
 * GET /api/v1/stats/FIGURE) as a table, JSON or CSV. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/csv.h"
#include "demine/db.h"
#include "demine/stats.h"
#include "cli.h"

#define MAX_COLS 10

/* One cell as text: strings as they are, numbers as JSON writes them, null empty. */
static char *cell(json_t *v)
{
	if (!v || json_is_null(v))
		return strdup("");
	if (json_is_string(v))
		return strdup(json_string_value(v));
	return json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
}

static void print_rows(json_t *items, const char *const *cols, int csv)
{
	const char *row[MAX_COLS];
	char *cells[MAX_COLS];
	size_t i, j, n;
	json_t *it;
	for (n = 0; n < MAX_COLS && cols[n]; n++)
		row[n] = cols[n];
	if (csv)
		dm_csv_write_row(stdout, row, n);
	else
		for (j = 0; j < n; j++)
			printf("%s%s", j ? "\t" : "", cols[j]);
	if (!csv)
		putchar('\n');
	json_array_foreach(items, i, it) {
		for (j = 0; j < n; j++)
			row[j] = cells[j] = cell(json_object_get(it, cols[j]));
		if (csv)
			dm_csv_write_row(stdout, row, n);
		else
			for (j = 0; j < n; j++)
				printf("%s%s", j ? "\t" : "", row[j] ? row[j] : "");
		if (!csv)
			putchar('\n');
		for (j = 0; j < n; j++)
			free(cells[j]);
	}
}

int cli_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },	  { "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },	  { "adm2", required_argument, NULL, 'a' },
		{ "organisation", required_argument, NULL, 'o' }, { "currency", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },	  { "csv", no_argument, NULL, 'v' },
		{ "as-of", required_argument, NULL, 's' }, { "grant", required_argument, NULL, 'g' },
		{ 0, 0, 0, 0 },
	};
	const char *db_opt = NULL;
	struct dm_stats_filter f;
	struct dm_actor who;
	struct dm_db *db = NULL;
	struct dm_error err;
	json_t *out = NULL;
	int c, rc, json = 0, csv = 0;
	memset(&f, 0, sizeof(f));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'f': f.from = optarg; break;
		case 't': f.to = optarg; break;
		case 'a': f.adm2 = optarg; break;
		case 'o': f.organisation = optarg; break;
		case 'c': f.currency = optarg; break;
		case 's': f.as_of = optarg; break;
		case 'g': f.grant = optarg; break;
		case 'j': json = 1; break;
		case 'v': csv = 1; break;
		default: return cli_usage("stats", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage("stats", "name one figure: released, remaining, items, casualties, eore or funding");
	if (json && csv)
		return cli_usage("stats", "--json and --csv exclude each other");
	if (!dm_stats_columns(argv[optind]))
		return cli_usage("stats", "no figure '%s' (released, remaining, items, casualties, eore, funding)",
				 argv[optind]);
	if (f.currency && strcmp(argv[optind], "funding"))
		return cli_usage("stats", "--currency is for the funding figure only");
	if ((rc = cli_open("stats", db_opt, 0, &db)))
		return rc;
	cli_actor(&who, NULL);
	dm_error_init(&err);
	if (dm_stats_compute(db, &who, argv[optind], &f, &out, &err)) {
		rc = cli_fail(&err);
	} else if (json) {
		cli_print_json(out);
		out = NULL;
	} else {
		print_rows(json_object_get(out, "items"), dm_stats_columns(argv[optind]), csv);
	}
	json_decref(out);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
