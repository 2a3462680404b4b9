/* catalog.h: message catalogues (data/i18n/<lang>.json): texts by key with {param}
 * placeholders and plural forms, in az, en, ru and any language given a file, with English
 * as the fallback for a key a catalogue lacks. Reports use it now; the server's validation
 * messages, the web's help texts and value labels are meant to come from the same files. */
#ifndef DEMINE_CATALOG_H
#define DEMINE_CATALOG_H
#include <jansson.h>
#include "demine/error.h"

struct dm_catalog;

/* The directory catalogues are read from: $DEMINE_DATA/i18n, else the build's data/i18n. */
const char *dm_catalog_dir(char *buf, size_t n);

/* Loads the catalogue of lang (and English beneath it) from dir (NULL: dm_catalog_dir()).
 * A language without a file is DM_EINVAL on field "lang" naming the languages there are.
 * Caller frees *out with dm_catalog_free(). */
int dm_catalog_load(const char *dir, const char *lang, struct dm_catalog **out, struct dm_error *err);
void dm_catalog_free(struct dm_catalog *c);
const char *dm_catalog_lang(const struct dm_catalog *c);

/* The text of key with params (an object, or NULL) put in its {name} placeholders (strings
 * as they are, numbers, a list joined with ", "). A plural entry ({"one": ..., "few": ...,
 * "many": ..., "other": ...}) is chosen by the param "n", or by the param its "count" member
 * names, under the language's rule (az, en: one/other; ru: one/few/many). A key no catalogue has comes back as the key itself, so a missing text shows
 * and does not crash. Caller frees the result with free(); NULL only when memory ran out. */
char *dm_catalog_text(const struct dm_catalog *c, const char *key, json_t *params);

/* Whether this catalogue or English's has key. */
int dm_catalog_has(const struct dm_catalog *c, const char *key);

/* The plural category of n in lang: "one", "few", "many" or "other". */
const char *dm_catalog_plural(const char *lang, long long n);

/* A date (YYYY-MM-DD, or a longer ISO time whose first 10 characters are one) as the
 * language writes it: az and ru 03.12.2026, en 3 December 2026 (the catalogue's "date" and
 * "months"). Writes at most n bytes into out; returns out. */
char *dm_catalog_date(const struct dm_catalog *c, const char *iso, char *out, size_t n);

/* A number with the language's digit grouping and decimal mark and decimals digits after
 * it (az, ru: 1 234,50; en: 1,234.50). Returns out. */
char *dm_catalog_number(const struct dm_catalog *c, double v, int decimals, char *out, size_t n);

#endif
