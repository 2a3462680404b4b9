/* cli_io.c: demine import and export: records in and out as GeoJSON and CSV, and (with GDAL)
 * GeoPackage, Shapefile and KML. */
#include <getopt.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/exchange.h"
#include "cli.h"

static void progress(size_t n, void *arg)
{
	(void)arg;
	fprintf(stderr, "imported %zu records so far...\n", n);
	fflush(stderr);
}

int cli_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "type", required_argument, NULL, 't' },
		{ "approve", no_argument, NULL, 'a' }, { "reason", required_argument, NULL, 'r' },
		{ "crs", required_argument, NULL, 'c' }, { "repair", no_argument, NULL, 'p' },
		{ "user", required_argument, NULL, 'u' }, { "progress", required_argument, NULL, 'g' },
		{ "encoding", required_argument, NULL, 'e' }, { "layer", required_argument, NULL, 'l' },
		{ "set", required_argument, NULL, 's' }, { "track-as-polygon", no_argument, NULL, 'T' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *user = NULL;
	struct dm_import_opts io = { 0 };
	iconv_t cd;
	struct dm_import_stats st;
	struct dm_db *db = NULL;
	struct dm_error err;
	struct dm_actor who;
	long long every = 10000;
	int c, rc;
	size_t i;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 't': io.type = optarg; break;
		case 'a': io.approve = 1; break;
		case 'r': io.reason = optarg; break;
		case 'c': io.crs = optarg; break;
		case 'p': io.repair = 1; break;
		case 'e':
			/* a code page iconv (and so GDAL) cannot read would only give wrong letters */
			if ((cd = iconv_open("UTF-8", optarg)) == (iconv_t)-1) {
				json_decref(io.defaults);
				return cli_usage("import", "--encoding '%s' is not a code page this system knows (e.g. CP1254,"
						 " CP1251, ISO-8859-9)", optarg);
			}
			iconv_close(cd);
			io.encoding = optarg;
			break;
		case 'l': io.layer = optarg; break;
		case 'T': io.track_as_polygon = 1; break;
		case 's': {
			/* --set FIELD=VALUE: a default for features that lack the field */
			const char *eq = strchr(optarg, '=');
			char name[128];
			if (!eq || eq == optarg || (size_t)(eq - optarg) >= sizeof(name)) {
				json_decref(io.defaults);
				return cli_usage("import", "--set takes FIELD=VALUE, not '%s'", optarg);
			}
			snprintf(name, sizeof(name), "%.*s", (int)(eq - optarg), optarg);
			if (!io.defaults)
				io.defaults = json_object();
			json_object_set_new(io.defaults, name, json_string(eq + 1));
			break;
		}
		case 'u': user = optarg; break;
		case 'g':
			if ((rc = cli_parse_int("import", "--progress", optarg, &every)))
				return rc;
			break;
		default: return cli_usage("import", "unknown option");
		}
	}
	if (!io.type || optind != argc - 1 || (io.approve && (!io.reason || !*io.reason))) {
		json_decref(io.defaults);
		return cli_usage("import", !io.type ? "--type TYPE is required" : optind != argc - 1 ? "give one FILE to import"
							    : "--approve needs --reason TEXT");
	}
	if ((rc = cli_open("import", db_opt, 0, &db))) {
		json_decref(io.defaults);
		return rc;
	}
	cli_actor(&who, user);
	io.progress = progress;
	io.progress_every = every > 0 ? (size_t)every : 10000;
	dm_error_init(&err);
	rc = dm_import_file(db, &who, argv[optind], &io, &st, &err);
	if (rc) {
		rc = cli_fail(&err);
	} else {
		char same[64] = "";
		if (st.unchanged)
			snprintf(same, sizeof(same), ", %zu unchanged", st.unchanged);
		printf("imported %s: %zu created, %zu updated%s%s\n", argv[optind], st.created, st.updated, same,
		       io.approve ? " (approved)" : " (drafts)");
		for (i = 0; i < json_array_size(st.report); i++) {
			char *s = json_dumps(json_array_get(st.report, i), JSON_COMPACT);
			printf("  note: %s\n", s ? s : "");
			free(s);
		}
	}
	json_decref(st.report);
	json_decref(io.defaults);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

int cli_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "type", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' }, { "hxl", no_argument, NULL, 'h' },
		{ "as-of", required_argument, NULL, 'a' }, { "crs", required_argument, NULL, 'c' },
		{ "approved", no_argument, NULL, 'p' }, { "user", required_argument, NULL, 'u' },
		{ 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *user = NULL, *out_path = NULL;
	struct dm_export_opts eo = { 0 };
	struct dm_db *db = NULL;
	struct dm_error err;
	struct dm_actor who;
	FILE *out = stdout;
	size_t n = 0;
	int c, rc;
	eo.format = DM_EXPORT_GEOJSON;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 't': eo.type = optarg; break;
		case 'f':
			if (!strcmp(optarg, "geojson"))
				eo.format = DM_EXPORT_GEOJSON;
			else if (!strcmp(optarg, "csv"))
				eo.format = DM_EXPORT_CSV;
			else if (!strcmp(optarg, "gpkg"))
				eo.format = DM_EXPORT_GPKG;
			else if (!strcmp(optarg, "shp"))
				eo.format = DM_EXPORT_SHP;
			else if (!strcmp(optarg, "kml"))
				eo.format = DM_EXPORT_KML;
			else
				return cli_usage("export", "--format is geojson, csv, gpkg, shp or kml, not '%s'", optarg);
			break;
		case 'h': eo.hxl = 1; break;
		case 'a': eo.as_of = optarg; break;
		case 'c': eo.crs = optarg; break;
		case 'p': eo.approved_only = 1; break;
		case 'u': user = optarg; break;
		case 'o': out_path = optarg; break;
		default: return cli_usage("export", "unknown option");
		}
	}
	if (!eo.type)
		return cli_usage("export", "--type TYPE is required");
	if (optind != argc)
		return cli_usage("export", "unexpected argument '%s'", argv[optind]);
	if (eo.hxl && eo.format != DM_EXPORT_CSV)
		return cli_usage("export", "--hxl goes with --format csv");
	if (eo.format == DM_EXPORT_GPKG || eo.format == DM_EXPORT_SHP || eo.format == DM_EXPORT_KML) {
		/* GDAL writes files, not streams */
		if (!out_path)
			return cli_usage("export", "--format gpkg, shp and kml need -o FILE");
		if (eo.format == DM_EXPORT_KML && eo.crs && strcmp(eo.crs, "EPSG:4326"))
			return cli_usage("export", "KML is always WGS84: leave out --crs");
		eo.path = out_path;
		out = NULL;
	}
	if ((rc = cli_open("export", db_opt, 0, &db)))
		return rc;
	cli_actor(&who, user);
	dm_error_init(&err);
	if (out_path && !eo.path && !(out = fopen(out_path, "wb"))) {
		dm_error_set(&err, DM_EIO, NULL, "cannot write '%s': %m", out_path);
		rc = DM_EIO;
	}
	if (!rc)
		rc = dm_export(db, &who, &eo, out, &n, &err);
	if (out && out != stdout && fclose(out) && !rc)
		rc = dm_error_set(&err, DM_EIO, NULL, "cannot write '%s': %m", out_path);
	if (rc)
		rc = cli_fail(&err);
	else if (out_path)
		fprintf(stderr, "exported %zu %s records to %s\n", n, eo.type, out_path);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
