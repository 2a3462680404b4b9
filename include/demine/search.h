/* search.h: finding records by code and places by name, in every spelling, as the caller may
 * read them. */
#ifndef DEMINE_SEARCH_H
#define DEMINE_SEARCH_H
#include <jansson.h>
#include "demine/db.h"
#include "demine/record.h"

#define DM_SEARCH_MAX_LIMIT 100
#define DM_SEARCH_MAX_QUERY 200 /* bytes */

/* Searches record codes by prefix (HAZ-FZL finds HAZ-FZL-00001..., any case; every record
 * type who may read, the version who may see, deleted records left out) and place names
 * (location name_en, name_az, name_ru and each of alt_names) folded with dm_fold(), so that
 * Füzuli, Fuzuli and fuzuli, or Физули and физули, find the same place; a name matches when
 * it equals the query, starts with it, or has a word that starts with it.
 * Best matches first (exact, then prefix, then word; places before records on a tie; then
 * admin level, name and code in byte order), at most limit (1-100) items:
 * {"kind":"record"|"place", "type", "id", "code", "label", "names":{"en","az","ru"}|null,
 *  "bbox":[w,s,e,n]|null, "match": the spelling that matched}.
 * *out receives the array; caller frees it with json_decref(). Bad input is DM_EINVAL with
 * field "q" (empty, longer than 200 bytes, not UTF-8) or "limit". */
int dm_search(struct dm_db *db, const struct dm_actor *who, const char *q, int limit, json_t **out,
	      struct dm_error *err);

#endif
