/* stats.h: the dashboard figures (the official figures), computed from the approved, not
 * deleted version of each record: area released, remaining contaminated area, items
 * destroyed, casualties, risk education beneficiaries and funding in one currency. */
#ifndef DEMINE_STATS_H
#define DEMINE_STATS_H
#include <jansson.h>
#include "demine/db.h"
#include "demine/record.h"

/* Optional filters; NULL members do not filter. */
struct dm_stats_filter {
	const char *from, *to;     /* YYYY-MM-DD, inclusive, on the figure's own date field */
	const char *adm2;          /* a district's pcode (or its three-letter abbr) */
	const char *organisation;  /* UUID of the owning organisation (funding: donor or recipient) */
	const char *currency;      /* funding: ISO 4217 code to convert into (default AZN) */
	const char *as_of;         /* the approved data as it stood at this time (ISO 8601 UTC), or now */
	const char *grant;         /* UUID of a grant: what it funded (releases and finds of its tasks,
				    * its risk education sessions, the grant itself); casualties and
				    * remaining area do not depend on it */
};

/* The figure names, NULL-terminated: released, remaining, items, casualties, eore, funding,
 * released_operator (area released by operator, method and result), remaining_ap (remaining,
 * of the hazards holding anti-personnel mines), remaining_type (remaining by district and
 * hazard type), va_services (victim assistance services given by service and status), tasks
 * (tasks planned in the period by task_status, with their planned area), casualties_lm (victims
 * in the Landmine Monitor's breakdown). */
extern const char *const dm_stats_figures[];

/* The members of one item of a figure, in order (CSV columns), NULL-terminated; NULL for an
 * unknown figure. */
const char *const *dm_stats_columns(const char *figure);

/* Computes a figure for who (the role decides which record types may be read: the public role
 * gets released and remaining only; a donor's funding shows only the grants it gives).
 * *out receives {"items":[...], "from":..., "to":..., ...} (see docs/api.md); caller frees it
 * with json_decref(). Bad filters are DM_EINVAL naming the filter as the field ("from", "to",
 * "adm2", "organisation", "currency"); an unknown figure is DM_ENOTFOUND. */
int dm_stats_compute(struct dm_db *db, const struct dm_actor *who, const char *figure,
		     const struct dm_stats_filter *f, json_t **out, struct dm_error *err);

/* Calls fn for each approved land release of the released figure with the same filters
 * (period on end_date, district, organisation, grant, as_of) that has a geometry: its result
 * (cancelled, reduced, cleared), its WKB in WGS84 and its box (minx, miny, maxx, maxy), at
 * most max of them (largest first).
 * The district outlines (adm2 locations; the one of f->adm2 alone when set) come with result
 * NULL. For the report's map (lib/render_map.c). Same role checks as dm_stats_compute. */
int dm_stats_release_geometries(struct dm_db *db, const struct dm_actor *who, const struct dm_stats_filter *f,
				size_t max,
				int (*fn)(void *arg, const char *result, const unsigned char *wkb, size_t n,
					  const double box[4]),
				void *arg, struct dm_error *err);

#endif
