/* cli_schema.c: demine schema (the field tables as JSON or Markdown) and demine field add
 * (a deployment's extra fields). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/db.h"
#include "cli.h"

int cli_schema(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "json", no_argument, NULL, 'j' },
		{ "markdown", no_argument, NULL, 'm' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL;
	struct dm_db *db = NULL;
	struct dm_schema *own = NULL;
	const struct dm_schema *sc;
	int c, rc, markdown = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'j': markdown = 0; break;
		case 'm': markdown = 1; break;
		default: return cli_usage("schema", "unknown option");
		}
	}
	if (cli_db_path(db_opt)) {
		if ((rc = cli_open("schema", db_opt, 0, &db)))
			return rc;
		sc = dm_db_schema(db);
	} else {
		sc = own = dm_schema_new_builtin();
	}
	if (markdown) {
		char *md = dm_schema_to_markdown(sc);
		fputs(md ? md : "", stdout);
		free(md);
	} else {
		cli_print_json(dm_schema_to_json(sc));
	}
	dm_schema_free(own);
	dm_db_close(db);
	return CLI_OK;
}

int cli_field(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "type", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' }, { "kind", required_argument, NULL, 'k' },
		{ "values", required_argument, NULL, 'v' }, { "label", required_argument, NULL, 'l' },
		{ "label-az", required_argument, NULL, 'a' }, { "label-ru", required_argument, NULL, 'r' },
		{ "required", no_argument, NULL, 'q' }, { "personal", no_argument, NULL, 'p' },
		{ "link", required_argument, NULL, 'L' }, { "unit", required_argument, NULL, 'U' },
		{ "help", required_argument, NULL, 'h' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *type = NULL, *kind = NULL, *values = NULL;
	const char *vals[128];
	char *copy = NULL;
	struct dm_field f;
	struct dm_db *db = NULL;
	struct dm_error err;
	size_t n = 0;
	int c, rc;
	memset(&f, 0, sizeof(f));
	if (argc < 2 || strcmp(argv[1], "add"))
		return cli_usage("field", "the subcommand is 'add'");
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 't': type = optarg; break;
		case 'n': f.name = optarg; break;
		case 'k': kind = optarg; break;
		case 'v': values = optarg; break;
		case 'l': f.label_en = optarg; break;
		case 'a': f.label_az = optarg; break;
		case 'r': f.label_ru = optarg; break;
		case 'q': f.flags |= DM_FF_REQUIRED; break;
		case 'p': f.flags |= DM_FF_PERSONAL; break;
		case 'L': f.link_type = optarg; break;
		case 'U': f.unit = optarg; break;
		case 'h': f.help = optarg; break;
		default: return cli_usage("field", "unknown option");
		}
	}
	if (!type || !f.name || !kind)
		return cli_usage("field", "--type, --name and --kind are required");
	f.type = dm_ftype_from_name(kind);
	if (!f.type)
		return cli_usage("field", "unknown --kind '%s' (text, int, real, bool, date, enum, set, ...)", kind);
	if (values) {
		char *p;
		copy = strdup(values);
		for (p = copy; p && n < sizeof(vals) / sizeof(vals[0]) - 1;) {
			char *semi = strchr(p, ';');
			if (semi)
				*semi = 0;
			if (*p)
				vals[n++] = p;
			p = semi ? semi + 1 : NULL;
		}
		vals[n] = NULL;
		f.values = vals;
	}
	if (!f.label_en)
		f.label_en = f.name;
	if ((rc = cli_open("field", db_opt, 0, &db))) {
		free(copy);
		return rc;
	}
	dm_error_init(&err);
	rc = dm_db_add_field(db, type, &f, &err);
	if (rc)
		rc = cli_fail(&err);
	else
		printf("%s records now have the field %s (%s)\n", type, f.name, kind);
	dm_error_release(&err);
	dm_db_close(db);
	free(copy);
	return rc;
}
