/* demo.h: the demo database: a deterministic, plausible data set (Karabakh districts, France's
 * EUR 400,000 grant, hazards, releases, an accident, risk education, QM) for trying demine. */
#ifndef DEMINE_DEMO_H
#define DEMINE_DEMO_H
#include <stddef.h>
#include "demine/db.h"

#define DM_DEMO_MAX_TYPES 32

/* What dm_demo_fill wrote. type[i] names a builtin record type (in schema order), count[i]
 * how many records of it were created. The workflow counters say how many records were left
 * in each non-approved state (and approved ones with a pending draft version, deleted ones). */
struct dm_demo_stats {
	size_t ntypes;
	const char *type[DM_DEMO_MAX_TYPES];
	size_t count[DM_DEMO_MAX_TYPES];
	size_t total;
	size_t drafts, submitted, rejected, pending, deleted;
	size_t hazards_closed; /* hazards the land release accounting closed */
	char operator_org[37]; /* the organisation of the demo's operator and VA officer users */
	char donor_org[37];    /* the donor organisation of the demo's donor user (France's MEAE) */
};

/* Fills an (empty) database with the demo data set, in one transaction: all of it or none.
 * The data directory (for aze-adm2.geojson) is $DEMINE_DATA, else DEMINE_DATADIR (compile
 * time, default "data"). The data set is the same on every run: same records, codes and
 * geometries (only ids and times differ). st may be NULL. */
int dm_demo_fill(struct dm_db *db, struct dm_demo_stats *st, struct dm_error *err);

/* The demo users: one per role, login = the role, password = the role followed by "-demo"
 * (im_officer / im_officer-demo). */
struct dm_demo_user {
	const char *login;
	const char *password;
	const char *role;
};
/* The table of demo users (n of them), in the order they are created and printed. */
const struct dm_demo_user *dm_demo_users(size_t *n);
/* Adds the demo users to a database dm_demo_fill() filled (st is what it returned), in one
 * transaction, each marked as a demo account (DM_USER_DEMO): the operator and VA officer belong
 * to st->operator_org, the donor to st->donor_org. DM_EEXIST when one of the logins is taken. */
int dm_demo_add_users(struct dm_db *db, const struct dm_demo_stats *st, struct dm_error *err);

/* The 79 second-level areas of data/aze-adm2.geojson with their names in English,
 * Azerbaijani and Russian, other spellings and the three-letter abbreviation used in record
 * codes. pcode is the geoBoundaries shapeID. */
struct dm_demo_place {
	const char *pcode;
	const char *name_en;   /* as in the boundary file's shapeName */
	const char *name_az;
	const char *name_ru;
	const char *alt_names; /* ';'-separated */
	const char *abbr;
};
const struct dm_demo_place *dm_demo_places(size_t *n);
/* The place of a pcode, or NULL. */
const struct dm_demo_place *dm_demo_place(const char *pcode);

#endif
