/* check.h: demine check: integrity, business rules and data quality findings for an IM
 * officer (what GICHD's geocheck does after the fact, done by us always). */
#ifndef DEMINE_CHECK_H
#define DEMINE_CHECK_H
#include <jansson.h>
#include "demine/db.h"

/* Runs every check; *findings receives a JSON array of
 * {"severity": "error"|"warning", "check": name, "type", "record" (code), "id", "message"}.
 * Caller frees with json_decref(). Returns 0 when the checks ran (whatever they found). */
int dm_check_run(struct dm_db *db, json_t **findings, struct dm_error *err);

#endif
