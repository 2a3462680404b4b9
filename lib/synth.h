/* synth.h: what the demo data set (demo.c) and generated national data sets (gen.c) share: the
 * 79 areas of data/aze-adm2.geojson as rings for point-in-area tests, the test that a generated
 * ring lies inside an area, dates and rounding, and GeoJSON of generated rings. Internal. */
#ifndef DM_SYNTH_H
#define DM_SYNTH_H
#include <stddef.h>
#include <jansson.h>
#include "demine/demo.h"
#include "demine/error.h"

#define SYNTH_PI 3.14159265358979323846
#define SYNTH_KY 110574.0 /* metres per degree of latitude */
#define SYNTH_MAX_AREAS 96

struct synth_ring {
	size_t n;
	double *x, *y;
};

struct synth_area {
	const struct dm_demo_place *pl;
	json_t *geom;             /* owned reference to the feature's geometry */
	struct synth_ring *rings; /* every ring of every part: the even-odd rule covers holes and parts */
	size_t nrings;
	double minx, miny, maxx, maxy;
	char id[37];              /* the location record written for it */
	char code[48];
};

/* Reads the boundary file ($DEMINE_DATA, else DEMINE_DATADIR) into areas (room for
 * SYNTH_MAX_AREAS); *n the count (79). who ("demo", "gen") starts every message. */
int synth_load_areas(struct synth_area *areas, size_t *n, const char *who, struct dm_error *err);
void synth_release_areas(struct synth_area *areas, size_t n);

/* 1 when (x, y) lies in the area (even-odd rule over all its rings). */
int synth_inside(const struct synth_area *a, double x, double y);
/* 1 when the closed ring of n vertices lies in the area's interior: every vertex inside, no
 * edge meeting the boundary. */
int synth_ring_inside(const struct synth_area *a, const double *x, const double *y, int n);

double synth_kx(double lat); /* metres per degree of longitude at lat */
double synth_round_to(double v, double scale);
void synth_date_add(const char *base, long days, char out[11]);

json_t *synth_pos(double x, double y);
/* The closed GeoJSON ring of n vertices (the first repeated at the end). */
json_t *synth_ring_json(const double *x, const double *y, int n);
/* A GeoJSON Polygon of shell and an optional hole (both taken). */
json_t *synth_polygon(json_t *shell, json_t *hole);
json_t *synth_point(double x, double y);

/* A hazard's outline as both data sets draw it: vertices around (cx, cy) at strictly
 * increasing angles, so the ring is star-shaped from the centre and simple by construction;
 * every triangle (centre, v[i], v[i+1]) (sector i) lies inside it, so releases are fans of
 * consecutive sectors. An optional hole (clockwise, inside the shell). */
#define SYNTH_MAXV 20
struct synth_shape {
	double cx, cy;
	int n;
	double x[SYNTH_MAXV], y[SYNTH_MAXV];
	int hn; /* vertices of the hole, 0 when there is none */
	double hx[8], hy[8];
	double r_m;     /* radius of a circle around the centre holding the shell */
	double area_m2; /* its area, where the drawer computes it */
};
/* The polygon, with its hole. */
json_t *synth_shape_geom(const struct synth_shape *s);
/* The fan of sectors i0 <= i < i1 (indexes modulo n) as one polygon. */
json_t *synth_fan_geom(const struct synth_shape *s, int i0, int i1);

#endif
