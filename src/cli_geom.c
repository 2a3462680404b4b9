/* cli_geom.c: demine geom: geometry tools that need no database (turning-point surveys). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "demine/geo.h"
#include "cli.h"

static void usage_text(FILE *out)
{
	fprintf(out, "usage: demine geom turning-points [--wkt] FILE.csv\n"
		     "FILE.csv: a header row with point (BM, RP, TP1..TPn), lon/lat (or x/y and crs) for BM\n"
		     "and optionally RP, bearing (degrees), distance (m), bearing_type (true|magnetic),\n"
		     "declination (degrees east; true = magnetic + declination).\n"
		     "Prints the polygon TP1..TPn as a GeoJSON Feature with its geodesic area in m² and ha\n"
		     "(--wkt: as WKT and an area line).\n");
}

static int turning_points(int argc, char **argv)
{
	static const struct option opts[] = {{"wkt", no_argument, NULL, 'w'}, {"help", no_argument, NULL, 'h'}, {0}};
	int wkt = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'w')
			wkt = 1;
		else if (c == 'h') {
			usage_text(stdout);
			return CLI_OK;
		} else
			return cli_usage("geom", "unknown option");
	}
	if (optind != argc - 1)
		return cli_usage("geom", "turning-points needs one CSV file");
	struct dm_error err;
	struct dm_geom g = {0};
	double area = 0;
	int rc = CLI_OK;
	dm_error_init(&err);
	struct dm_geo *geo = dm_geo_new();
	if (!geo) {
		dm_error_set(&err, DM_ENOMEM, "", "cannot start GEOS/PROJ");
		return cli_fail(&err);
	}
	if (dm_geo_turning_points_csv(geo, argv[optind], &g, NULL, &err) || dm_geo_area_m2(geo, &g, &area, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	if (wkt) {
		char *s = dm_geo_to_wkt(geo, &g, NULL);
		printf("%s\narea %.2f m² = %.4f ha\n", s ? s : "", area, area / 1e4);
		free(s);
	} else {
		json_t *f = json_pack("{s:s,s:o,s:{s:f,s:f}}", "type", "Feature", "geometry", dm_geo_to_geojson(geo, &g, NULL),
				      "properties", "area_m2", round(area * 100) / 100, "area_ha", round(area) / 1e4);
		cli_print_json(f);
	}
out:
	free(g.wkb);
	dm_geo_free(geo);
	dm_error_release(&err);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subs[] = {
	{"turning-points", turning_points},
};

int cli_geom(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage_text(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	return cli_usage("geom", "unknown subcommand '%s'", argv[1]);
}
