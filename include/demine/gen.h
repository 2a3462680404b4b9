/* gen.h: a generated national data set for benchmarks (demine gen): hazards of realistic sizes
 * and shapes across the Karabakh districts with their releases, finds, accidents, victims,
 * risk education and grants, all approved, the same for the same seed. */
#ifndef DEMINE_GEN_H
#define DEMINE_GEN_H
#include <stdint.h>
#include <stdio.h>
#include "demine/db.h"

struct dm_gen_opts {
	size_t hazards;   /* hazards to generate (0: only the base data: organisations, areas, money) */
	uint64_t seed;    /* the same seed gives the same data set (codes, geometry, values) */
	size_t batch;     /* hazards per transaction (0 = 1000) */
	FILE *geojson;    /* if set, the hazards as they were created, as a GeoJSON FeatureCollection */
	/* Called after each committed batch with the hazards written so far. */
	void (*progress)(size_t hazards, void *arg);
	void *progress_arg;
};

struct dm_gen_stats {
	size_t organisations, locations, exchange_rates, grants;
	size_t hazards, holes, releases, finds, accidents, victims, eore_sessions;
	size_t records;       /* every record written by the generator */
	char digest[65];      /* BLAKE2b-256 (hex) of every record's content as written, links by code */
};

/* Fills a new, empty database. The data directory (aze-adm2.geojson) is found as for the demo
 * ($DEMINE_DATA, else DEMINE_DATADIR). Each batch of hazards is one transaction: on an error the
 * batches already committed stay. st may not be NULL. */
int dm_gen_fill(struct dm_db *db, const struct dm_gen_opts *o, struct dm_gen_stats *st, struct dm_error *err);

#endif
