/* cli_tile.c: demine tile: write one vector tile (the server's /tiles route without HTTP). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "demine/db.h"
#include "demine/record.h"
#include "demine/tiles.h"
#include "cli.h"

int cli_tile(int argc, char **argv)
{
	static const struct option opts[] = { { "db", required_argument, NULL, 'd' },
					      { "role", required_argument, NULL, 'r' },
					      { "output", required_argument, NULL, 'o' },
					      { 0, 0, 0, 0 } };
	const char *db_opt = NULL, *role = NULL, *path = NULL;
	long long zxy[3];
	struct dm_db *db = NULL;
	struct dm_actor who;
	struct dm_error err;
	unsigned char *mvt = NULL;
	size_t len = 0;
	FILE *f;
	int c, rc, i;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (c == 'd')
			db_opt = optarg;
		else if (c == 'r')
			role = optarg;
		else if (c == 'o')
			path = optarg;
		else
			return cli_usage("tile", "unknown option");
	}
	if (argc - optind != 4)
		return cli_usage("tile", "give LAYER Z X Y");
	if (!dm_tiles_is_layer(argv[optind]))
		return cli_usage("tile", "unknown layer '%s' (hazard, land_release, eo_find, accident, eore_session,"
				 " location)", argv[optind]);
	for (i = 0; i < 3; i++)
		if ((rc = cli_parse_int("tile", i == 0 ? "Z" : i == 1 ? "X" : "Y", argv[optind + 1 + i], &zxy[i])))
			return rc;
	if (role && !dm_role_find(role))
		return cli_usage("tile", "unknown role '%s'", role);
	if ((rc = cli_open("tile", db_opt, 0, &db)))
		return rc;
	cli_actor(&who, NULL);
	if (role)
		who.role = role;
	dm_error_init(&err);
	if (zxy[0] < 0 || zxy[0] > 30 || zxy[1] < 0 || zxy[2] < 0 || zxy[1] > 1073741823 || zxy[2] > 1073741823)
		rc = dm_error_set(&err, DM_EINVAL, NULL, "no tile %lld/%lld/%lld", zxy[0], zxy[1], zxy[2]);
	else
		rc = dm_tiles_render(db, &who, argv[optind], (int)zxy[0], (int)zxy[1], (int)zxy[2], &mvt, &len, &err);
	if (rc) {
		rc = cli_fail(&err);
	} else if (!len) {
		fprintf(stderr, "demine: empty tile\n");
		rc = CLI_REFUSED;
	} else {
		f = path ? fopen(path, "wb") : stdout;
		if (!f || fwrite(mvt, 1, len, f) != len || (path && fclose(f))) {
			fprintf(stderr, "demine: cannot write %s\n", path ? path : "standard output");
			rc = CLI_REFUSED;
		}
		if (!path)
			fflush(stdout);
	}
	free(mvt);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
