/* main.c: the demine program: dispatches to one command per file (the table below). */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const struct cli_command commands[] = {
	{ "init", cli_init, "init --db PATH [--force]             create an empty database" },
	{ "demo", cli_demo, "demo --db PATH [--force] [--no-users] create and fill the demo database, with its users" },
	{ "import", cli_import, "import --db PATH --type TYPE FILE [--approve --reason TEXT] [--crs EPSG:N] [--repair]" },
	{ "export", cli_export, "export --db PATH --type TYPE [--format geojson|csv|gpkg|shp|kml] [--hxl] [--as-of TIME] [--crs EPSG:N] [-o FILE]" },
	{ "list", cli_list, "list --db PATH --type TYPE [--status S] [--json]" },
	{ "show", cli_show, "show --db PATH ID [--as-of TIME] [--approved] [--json]" },
	{ "history", cli_history, "history --db PATH ID [--json]" },
	{ "update", cli_update, "update --db PATH ID --set FIELD=VALUE... --expect-version N --reason TEXT" },
	{ "submit", cli_transition, "submit --db PATH ID" },
	{ "approve", cli_transition, "approve --db PATH ID" },
	{ "reject", cli_transition, "reject --db PATH ID --reason TEXT" },
	{ "delete", cli_transition, "delete --db PATH ID --expect-version N --reason TEXT" },
	{ "erase", cli_erase, "erase --db PATH ID --reason TEXT   blank a person's personal data in every version" },
	{ "rates", cli_rates, "rates import --db PATH FILE        CBAR daily XML or ECB eurofxref CSV" },
	{ "money", cli_money, "money convert AMOUNT FROM TO (--rate R | --date YYYY-MM-DD --db PATH)" },
	{ "check", cli_check, "check --db PATH [--json]            integrity and business rules" },
	{ "field", cli_field, "field add --db PATH --type TYPE --name NAME --kind KIND [--values a;b] [--label TEXT]" },
	{ "schema", cli_schema, "schema [--json|--markdown] [--db PATH]   the field tables" },
	{ "geom", cli_geom, "geom turning-points FILE.csv        print the polygon of a turning-point survey" },
	{ "landrelease", cli_landrelease, "landrelease recompute --db PATH   rebuild every hazard's land release figures" },
	{ "readiness", cli_readiness, "readiness recompute|settings|set NAME VALUE|show ID --db PATH   settlement readiness for return" },
	{ "serve", cli_serve, "serve --db PATH [--listen ADDR:PORT] [--web DIR] [--public] [--threads N] [--trusted-proxy ADDR] [--max-connections N] [--max-per-ip N] [--cors-origin ORIGIN]   the HTTP API and web app" },
	{ "user", cli_user_cmd, "user add --db PATH --name LOGIN --role ROLE [--org ID] [--full-name TEXT]   password on stdin" },
	{ "user", cli_user_cmd, "user list --db PATH [--json] | user disable --db PATH --name LOGIN" },
	{ "user", cli_user_cmd, "user password --db PATH --name LOGIN   the new password on stdin" },
	{ "token", cli_token, "token create --db PATH --name LOGIN [--label TEXT] [--read-only] [--days N]   print a token" },
	{ "token", cli_token, "token list --db PATH --name LOGIN   the user's live tokens" },
	{ "token", cli_token, "token revoke --db PATH (--name LOGIN --id ID | the token on stdin)" },
	{ "audit", cli_audit, "audit --db PATH [--limit N] [--offset N] [--json]   the audit log, newest first" },
	{ "tile", cli_tile, "tile --db PATH LAYER Z X Y [-o FILE] [--role ROLE]   write one vector tile (.mvt)" },
	{ "forms", cli_forms, "forms list | forms export NAME [-o FILE] [--db PATH]   the field forms (ODK XForms)" },
	{ "copy", cli_copy, "copy --from SRC --to DST             copy a whole database between stores, verified" },
	{ "report", cli_report, "report NAME --db PATH --from D --to D [--area PCODE --grant ID --organisation ID --lang az|en|ru --as-of TIME] --format pdf|xlsx|csv|html|json [--table KEY] -o FILE   a report (national, article7, casualties, donor, return); --list lists them" },
	{ "stats", cli_stats, "stats FIGURE --db PATH [--from D --to D --adm2 PCODE --organisation ID --grant ID --as-of TIME --currency C] [--json|--csv]   a dashboard figure" },
	{ "backup", cli_backup, "backup --db PATH --to FILE           online backup of an SQLite database" },
	{ "gen", cli_gen, "gen --db PATH --hazards N [--seed S] [--geojson FILE] [--batch N] [--force]   generate a national data set (benchmarks)" },
};

static void help(FILE *out)
{
	size_t i;
	fprintf(out, "usage: demine COMMAND [OPTIONS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  demine %s\n", commands[i].synopsis);
	fprintf(out, "\nDEMINE_DB may replace --db; DEMINE_USER or --user names the author of writes.\n"
		     "Exit status: 0 ok, 1 refused input, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	size_t i;
	if (argc < 2) {
		help(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		help(stdout);
		return CLI_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "demine: unknown command '%s'\n", argv[1]);
	help(stderr);
	return CLI_USAGE;
}
