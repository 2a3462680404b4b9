/* cli_report.c: demine report NAME: a report (national, article7, casualties, donor, return) for a
 * period, rendered as PDF, XLSX, CSV (one file per table), HTML or its JSON model. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/report.h"
#include "cli.h"

#define MAX_TABLES 32

/* Writes len bytes to path through a temporary file renamed into place: a reader never sees
 * half a report, and a failed write leaves nothing behind. */
static int write_whole(const char *path, const char *buf, size_t len)
{
	char tmp[4096];
	FILE *f;
	int ok;
	if (!strcmp(path, "-"))
		return fwrite(buf, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : -1;
	snprintf(tmp, sizeof(tmp), "%s.part", path);
	if (!(f = fopen(tmp, "wb"))) {
		fprintf(stderr, "demine report: can not write %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fwrite(buf, 1, len, f) == len;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path)) {
		fprintf(stderr, "demine report: can not write %s: %s\n", path, strerror(errno));
		remove(tmp);
		return -1;
	}
	return 0;
}

static int render_to(json_t *model, const char *format, const char *table, const char *path)
{
	struct dm_error err;
	char *buf = NULL;
	size_t len = 0;
	int rc;
	dm_error_init(&err);
	if ((rc = dm_report_render(model, format, table, &buf, &len, &err)))
		rc = cli_fail(&err);
	else if (write_whole(path, buf, len))
		rc = CLI_REFUSED;
	free(buf);
	dm_error_release(&err);
	return rc;
}

/* CSV without --table: one file per table, KEY.csv in the directory out. */
static int csv_tables(json_t *model, const char *dir)
{
	const char *keys[MAX_TABLES];
	char path[4096];
	size_t n = dm_report_tables(model, keys, MAX_TABLES), i;
	int rc = 0;
	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "demine report: can not make the directory %s: %s\n", dir, strerror(errno));
		return CLI_REFUSED;
	}
	for (i = 0; i < n && !rc; i++) {
		snprintf(path, sizeof(path), "%s/%s.csv", dir, keys[i]);
		rc = render_to(model, "csv", keys[i], path);
	}
	return rc;
}

int cli_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },	   { "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },	   { "area", required_argument, NULL, 'a' },
		{ "grant", required_argument, NULL, 'g' }, { "organisation", required_argument, NULL, 'O' },
		{ "lang", required_argument, NULL, 'l' },  { "as-of", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'F' }, { "table", required_argument, NULL, 'T' },
		{ "list", no_argument, NULL, 'L' },	   { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *format = NULL, *table = NULL, *out = NULL;
	struct dm_report_params p;
	struct dm_actor who;
	struct dm_db *db = NULL;
	struct dm_error err;
	json_t *model = NULL;
	int c, rc, list = 0;
	memset(&p, 0, sizeof(p));
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'f': p.from = optarg; break;
		case 't': p.to = optarg; break;
		case 'a': p.area = optarg; break;
		case 'g': p.grant = optarg; break;
		case 'O': p.organisation = optarg; break;
		case 'l': p.lang = optarg; break;
		case 's': p.as_of = optarg; break;
		case 'F': format = optarg; break;
		case 'T': table = optarg; break;
		case 'o': out = optarg; break;
		case 'L': list = 1; break;
		default: return cli_usage("report", "unknown option");
		}
	}
	dm_error_init(&err);
	if (list) {
		if ((rc = dm_report_list(p.lang, &model, &err)))
			rc = cli_fail(&err);
		else
			cli_print_json(model);
		dm_error_release(&err);
		return rc;
	}
	if (optind + 1 != argc)
		return cli_usage("report", "name one report: national, article7, casualties or donor");
	if (!format)
		format = "pdf";
	if (!dm_report_media_type(format))
		return cli_usage("report", "--format: '%s' is not a report format (pdf, xlsx, csv, html, json)", format);
	if (!out)
		return cli_usage("report", "-o FILE is required (-o - for standard output; for CSV without --table, a"
				 " directory)");
	if ((rc = cli_open("report", db_opt, 0, &db)))
		return rc;
	cli_actor(&who, NULL);
	if (dm_report_build(db, &who, argv[optind], &p, &model, &err))
		rc = cli_fail(&err);
	else if (!strcmp(format, "csv") && !table && strcmp(out, "-"))
		rc = csv_tables(model, out);
	else
		rc = render_to(model, format, table, out);
	json_decref(model);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
