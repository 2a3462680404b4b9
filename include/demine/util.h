/* util.h: small shared helpers: UUIDs, UTC timestamps, dates, string builders. */
#ifndef DEMINE_UTIL_H
#define DEMINE_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include "demine/error.h"

/* Writes a random (version 4) UUID, 36 chars + NUL. */
void dm_uuid(char out[37]);
int dm_is_uuid(const char *s);
/* Now in UTC with microseconds: "2026-11-29T07:01:02.123456Z" (28 bytes incl NUL).
 * Strictly increasing within a process, so versions written in one run sort in order. */
void dm_now(char out[32]);
/* Parses an ISO 8601 UTC time or a bare date (end of that day) into the stored form.
 * Accepts "2026-11-29", "2026-11-29T07:01:02Z", "2026-11-29T07:01:02.5Z", "...+00:00". */
int dm_parse_as_of(const char *in, char out[32], struct dm_error *err);
/* 1 if s is a real calendar date YYYY-MM-DD. */
int dm_is_date(const char *s);
/* Days from 1970-01-01 for a valid YYYY-MM-DD. */
long dm_date_days(const char *s);
void dm_days_to_date(long days, char out[11]);

/* strdup that passes NULL through: NULL for NULL, and NULL when out of memory. */
char *dm_strdup0(const char *s);

/* Growable string with a hard cap. */
struct dm_buf {
	char *s;
	size_t len, cap, max;
	int overflow;
};
void dm_buf_init(struct dm_buf *b, size_t max);
void dm_buf_release(struct dm_buf *b);
void dm_buf_add(struct dm_buf *b, const char *s);
void dm_buf_addn(struct dm_buf *b, const char *s, size_t n); /* n bytes of s (which may hold NULs) */
void dm_buf_addf(struct dm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes the string (caller frees); the buffer is reset. */
char *dm_buf_take(struct dm_buf *b);

#endif
