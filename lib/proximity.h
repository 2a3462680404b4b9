/* proximity.h: the hazards and releases that cover, touch or lie within a buffer of a
 * geometry (settlement readiness, search-site safety), read through the store's box index and
 * measured by geo_near (geodesic, as PostGIS measures geography). One module for both. */
#ifndef DM_PROXIMITY_H
#define DM_PROXIMITY_H
#include "demine/geo.h"
#include "demine/record.h"

/* An approved, not deleted hazard that is not closed, within the buffer. */
struct dm_prox_hazard {
	char id[37];
	char code[48];
	char category[8];     /* sha, cha */
	char land_status[16]; /* open, worked_on */
	double distance_m;    /* geodesic; 0 when it touches the geometry */
	double inside_m2;     /* its remaining area inside the geometry (a polygon) */
	double within_m2;     /* its remaining area within the buffer (inside included) */
	double remaining_m2;  /* all of its remaining area */
	int point_only;       /* known only as a point: the areas are its entered remaining area */
};

struct dm_prox {
	struct dm_prox_hazard *hz; /* nearest first */
	size_t n, cap;
	double open_within_m2;     /* sum of within_m2 */
	double open_inside_m2;     /* sum of inside_m2 */
	double released_within_m2; /* area of approved releases within the buffer */
	size_t releases;           /* how many releases that is */
};
void dm_prox_release(struct dm_prox *p);

/* Fills out (initialised here whatever the result) with the hazards near g within buffer_m
 * metres, and the releases when want_releases. A hazard's remaining area is its polygon less
 * its approved releases (the land release overlay). */
int dm_prox_near(struct dm_db *db, const struct dm_geom *g, double buffer_m, int want_releases,
		 struct dm_prox *out, struct dm_error *err);

/* Point records of type (accidents) within buffer_m of g: approved, not deleted. */
struct dm_prox_count {
	size_t n;
};
int dm_prox_count(struct dm_db *db, const char *type, const struct dm_geom *g, double buffer_m,
		  struct dm_prox_count *out, struct dm_error *err);

/* Words for a list of hazards, e.g. "2 open CHA within 500 m: HAZ-FZL-00012 (3.4 ha),
 * HAZ-FZL-00040 (0.8 ha)", one clause per category, into a JSON array of strings. */
int dm_prox_reasons(const struct dm_prox *p, double buffer_m, json_t *reasons);

#endif
