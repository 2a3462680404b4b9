/* cli_gen.c: demine gen: create a database holding a generated national data set (benchmarks). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "demine/db.h"
#include "demine/gen.h"
#include "cli.h"

struct gen_args {
	const char *db, *geojson;
	long long hazards, seed, batch;
	int force, quiet;
};

static int parse(int argc, char **argv, struct gen_args *a)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "hazards", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' }, { "geojson", required_argument, NULL, 'g' },
		{ "batch", required_argument, NULL, 'b' }, { "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' }, { 0, 0, 0, 0 },
	};
	int c, rc = 0, have_n = 0;
	memset(a, 0, sizeof(*a));
	a->seed = 1;
	while (!rc && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			a->db = optarg;
		else if (c == 'n')
			rc = cli_parse_int("gen", "--hazards", optarg, &a->hazards), have_n = 1;
		else if (c == 's')
			rc = cli_parse_int("gen", "--seed", optarg, &a->seed);
		else if (c == 'g')
			a->geojson = optarg;
		else if (c == 'b')
			rc = cli_parse_int("gen", "--batch", optarg, &a->batch);
		else if (c == 'f')
			a->force = 1;
		else if (c == 'q')
			a->quiet = 1;
		else
			return cli_usage("gen", "unknown option");
	}
	if (rc)
		return rc;
	if (optind != argc)
		return cli_usage("gen", "unexpected argument '%s'", argv[optind]);
	if (!have_n)
		return cli_usage("gen", "--hazards N is required (0 for the base data only)");
	if (a->hazards < 0 || a->hazards > 10000000)
		return cli_usage("gen", "--hazards must be between 0 and 10000000, not %lld", a->hazards);
	if (a->batch < 0)
		return cli_usage("gen", "--batch must be positive, not %lld", a->batch);
	return 0;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

struct progress {
	double t0;
	size_t total;
};

static void report(size_t n, void *arg)
{
	const struct progress *p = arg;
	double dt = now_s() - p->t0;
	fprintf(stderr, "\rgen: %zu/%zu hazards, %.0f s, %.0f hazards/s", n, p->total, dt, dt > 0 ? n / dt : 0);
	fflush(stderr);
}

static void print_stats(const struct dm_gen_stats *st, double dt)
{
	printf("generated %zu records in %.1f s (%.0f records/s)\n", st->records, dt, dt > 0 ? st->records / dt : 0);
	printf("  hazards        %zu (%zu with a hole)\n  land_release   %zu\n  eo_find        %zu\n"
	       "  accident       %zu\n  victim         %zu\n  eore_session   %zu\n  grant          %zu\n"
	       "  exchange_rate  %zu\n  organisation   %zu\n  location       %zu\n",
	       st->hazards, st->holes, st->releases, st->finds, st->accidents, st->victims, st->eore_sessions,
	       st->grants, st->exchange_rates, st->organisations, st->locations);
	printf("digest %s\n", st->digest);
}

/* Closes *f if open; non-zero when the close (the last write) failed. */
static int fclose_checked(FILE **f)
{
	int rc = *f ? fclose(*f) : 0;
	*f = NULL;
	return rc;
}

int cli_gen(int argc, char **argv)
{
	struct gen_args a;
	struct dm_gen_opts o = { 0 };
	struct dm_gen_stats st;
	struct progress pr;
	struct dm_db *db = NULL;
	struct dm_error err;
	const char *path;
	FILE *gj = NULL;
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc;
	if (a.geojson && !(gj = fopen(a.geojson, "w"))) {
		fprintf(stderr, "demine: gen: cannot write '%s': %s\n", a.geojson, strerror(errno));
		return CLI_REFUSED;
	}
	path = cli_db_path(a.db);
	if (a.force && path && (rc = cli_remove_db_files(path)))
		goto out;
	if ((rc = cli_open("gen", a.db, 1, &db)))
		goto out;
	o.hazards = (size_t)a.hazards;
	o.seed = (uint64_t)a.seed;
	o.batch = (size_t)a.batch;
	o.geojson = gj;
	pr.t0 = now_s();
	pr.total = o.hazards;
	if (!a.quiet) {
		o.progress = report;
		o.progress_arg = &pr;
	}
	dm_error_init(&err);
	rc = dm_gen_fill(db, &o, &st, &err);
	if (!a.quiet && o.hazards)
		fputc('\n', stderr);
	if (fclose_checked(&gj) && !rc)
		rc = dm_error_set(&err, DM_EIO, "", "gen: could not write '%s'", a.geojson);
	dm_db_close(db);
	if (rc) {
		rc = cli_fail(&err);
		/* a half-made data set would give wrong benchmark figures: do not leave it behind */
		if (path && strncmp(path, "postgres", 8))
			cli_remove_db_files(path);
	} else {
		print_stats(&st, now_s() - pr.t0);
	}
	dm_error_release(&err);
out:
	fclose_checked(&gj);
	return rc;
}
