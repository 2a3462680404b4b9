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

/* s without leading and trailing blanks (spaces, tabs, CR, LF): cut in place. */
char *dm_str_trim(char *s);
/* strdup that passes NULL through: NULL for NULL, and NULL when out of memory. */
char *dm_strdup0(const char *s);

/* Growable arrays (git's ALLOC_GROW, without dying): makes room for need elements of elem
 * bytes in arr, whose capacity is *cap elements, doubling it (8 at least). Every multiplication
 * is checked for overflow. Returns the array, or NULL on overflow or out of memory, when arr is
 * still valid and still the caller's, and *cap unchanged. */
void *dm_grow_array(void *arr, size_t elem, size_t need, size_t *cap);
/* realloc of n elements of elem bytes, refusing (NULL, p untouched) when n * elem overflows:
 * for arrays grown side by side with one capacity, after DM_GROW grew the first. */
void *dm_realloc_array(void *p, size_t n, size_t elem);
/* DM_GROW(arr, need, cap): 0 when arr has room for need elements (grown when it had not), -1
 * on overflow or out of memory (arr and cap unchanged). arr is an lvalue of a pointer type,
 * cap a size_t lvalue. */
#define DM_GROW(arr, need, cap) __extension__({ \
	int dm_grow_rc_ = 0; \
	if ((size_t)(need) > (cap)) { \
		void *dm_grow_p_ = dm_grow_array((arr), sizeof(*(arr)), (need), &(cap)); \
		if (dm_grow_p_) \
			(arr) = dm_grow_p_; \
		else \
			dm_grow_rc_ = -1; \
	} \
	dm_grow_rc_; \
})

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
/* Takes the string (caller frees); the buffer is reset. NULL when anything added was lost
 * (the cap was reached or memory ran out): a truncated string is never handed on. */
char *dm_buf_take(struct dm_buf *b);

#endif
