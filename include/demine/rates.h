/* rates.h: exchange rates: CBAR and ECB file readers, the conversion policy (source order,
 * direct/inverse/cross, staleness) and its storage in exchange_rate records. */
#ifndef DEMINE_RATES_H
#define DEMINE_RATES_H
#include <stddef.h>
#include <stdint.h>
#include "demine/error.h"
#include "demine/money.h"

struct dm_db;
struct dm_actor;

/* 1 unit of 'from' = rate units of 'to' on date (CBAR: from=USD, to=AZN; ECB: from=EUR, to=USD). */
struct dm_rate {
	char date[11];   /* YYYY-MM-DD */
	char from[4];
	char to[4];
	struct dm_decimal rate; /* > 0 */
	char source[8];  /* "cbar", "ecb", "manual" */
};

/* ---- rate files ---- */

/* What a reader saw. */
struct dm_rates_info {
	char format[16];     /* "cbar-xml", "ecb-hist-csv", "ecb-daily-csv", "ecb-sdmx-csv" */
	char source[8];      /* "cbar" or "ecb" */
	char date_min[11];   /* oldest and newest date of the rates delivered ("" if none) */
	char date_max[11];
	size_t nrates;       /* rates delivered to the callback */
	size_t nmissing;     /* cells without a rate (ECB "N/A", empty SDMX values) */
	size_t nskipped;     /* items skipped with a warning (CBAR empty Value, SDR, unknown codes) */
	size_t nmetals;      /* CBAR bank metals (XAU, XAG, XPT, XPD), not currencies */
	char warning[256];   /* the first warning, e.g. "line 12: SDR is not an ISO 4217 currency; skipped" */
};

/* The callback gets each rate (borrowed); a non-zero return stops reading and is returned. */
typedef int (*dm_rate_fn)(const struct dm_rate *r, void *arg);

/* Reads a rate file, detecting the format by its content, not its name:
 *  - CBAR daily bulletin XML (<ValCurs Date="DD.MM.YYYY">): AZN per Nominal units of each
 *    currency, delivered as CODE -> AZN at Value / Nominal (exact), dated by the Date inside
 *    the file; bank metals are skipped; an empty Value skips that item with a warning;
 *  - ECB eurofxref-hist.csv ("Date,USD,JPY,...," one row per day) and the daily
 *    eurofxref.csv ("Date, USD, ..." / "13 April 2026, 1.1684, ..."): EUR -> CODE, "N/A"
 *    means no rate; read one line at a time (lines up to 64 KiB);
 *  - ECB SDMX csvdata (columns found by name: CURRENCY, TIME_PERIOD, OBS_VALUE, and
 *    CURRENCY_DENOM when present, else EUR).
 * A value that is not a number, zero or negative refuses the file (DM_EINVAL), and so do a
 * bad date, an unknown currency column, a row with more cells than the header, a DTD.
 * Messages name the line: "line 7: rate 'abc' for USD is not a number".
 * Rates already delivered before an error are not taken back: callers that store rates
 * wrap the read in a transaction. info may be NULL. */
int dm_rates_read_file(const char *path, dm_rate_fn fn, void *arg, struct dm_error *err);
int dm_rates_read_file_info(const char *path, dm_rate_fn fn, void *arg, struct dm_rates_info *info,
			    struct dm_error *err);
/* The same over bytes in memory (tests, fuzzing, HTTP uploads). */
int dm_rates_read_buffer(const char *data, size_t len, dm_rate_fn fn, void *arg,
			 struct dm_rates_info *info, struct dm_error *err);

/* ---- conversion policy (independent of storage) ---- */

struct dm_rates_lookup {
	/* The most recent rate on or before date for exactly that pair and source.
	 * Returns 1 (found, *out filled), 0 (none) or a negative dm_err (err filled). */
	int (*find)(void *arg, const char *from, const char *to, const char *source, const char *date,
		    struct dm_rate *out, struct dm_error *err);
	void *arg;
	const char *sources; /* order to try, "manual,cbar,ecb" */
	int max_age_days;    /* a rate older than this many days before the date is not used (7); <0 = any age */
};

/* One rate a conversion used, as stored (the pair of the stored rate, not of the conversion). */
struct dm_conversion_rate {
	char from[4], to[4];
	char rate[DM_DECIMAL_BUF]; /* decimal string as stored, "2.00818" */
	char date[11];
	char source[8];
	int inverted;              /* 1 when the conversion divided by it */
};

struct dm_conversion {
	int64_t minor;       /* result in minor units of currency */
	char currency[4];
	char amount[40];     /* result as a decimal string, "803272.00" */
	size_t nrates;       /* 0 (same currency), 1 (direct or inverse) or 2 (cross) */
	struct dm_conversion_rate rates[2];
	char via[4];         /* the pivot currency of a cross, else "" */
};

/* Converts minor units of 'from' into 'to' at date (YYYY-MM-DD). For each source in order:
 * the direct pair, the inverse pair, then a cross through AZN, EUR or USD with both rates
 * from that source; if none, a cross whose two rates come from different sources (each
 * leg from the first source in order that has it; e.g. ZAR -> AZN through ECB's ZAR rate
 * and CBAR's EUR rate). Rates older than max_age_days before date are not used:
 * DM_ENOTFOUND "no EUR->AZN rate within 7 days before 2021-09-08 (newest: cbar 2021-08-20)".
 * Rounds once, half-even, to the minor unit of 'to'. */
int dm_rates_convert(const struct dm_rates_lookup *lk, int64_t minor, const char *from, const char *to,
		     const char *date, struct dm_conversion *out, struct dm_error *err);

/* Describes one rate of a conversion: "2.00818 AZN per EUR of 2021-09-08 (manual)",
 * with ", inverted" appended inside the parentheses when it was divided by. */
int dm_conversion_describe_rate(const struct dm_conversion_rate *r, char *buf, size_t n);

/* ---- storage (exchange_rate records) ---- */

/* A find callback over the database: arg is a struct dm_db *. Reads approved, not deleted
 * exchange_rate records. */
int dm_rates_store_find(void *db, const char *from, const char *to, const char *source,
			const char *date, struct dm_rate *out, struct dm_error *err);

/* dm_rates_convert over the database with its settings "rates.sources" (default
 * "manual,cbar,ecb") and "rates.max_age_days" (default 7). */
int dm_rates_convert_db(struct dm_db *db, int64_t minor, const char *from, const char *to,
			const char *date, struct dm_conversion *out, struct dm_error *err);

struct dm_rates_import_stats {
	struct dm_rates_info info; /* what the file held */
	size_t ncreated;   /* new exchange_rate records */
	size_t nupdated;   /* existing (date, from, to, source) with a different rate: new version */
	size_t nunchanged; /* existing with the same rate: skipped */
};

/* Imports a rate file into approved exchange_rate records in one transaction: all or
 * nothing. A rate already stored for the same (date, from, to, source) is skipped when
 * equal, else updated (new version, reason "rate changed in source file"). st may be NULL. */
int dm_rates_import_file(struct dm_db *db, const struct dm_actor *who, const char *path,
			 struct dm_rates_import_stats *st, struct dm_error *err);

#endif
