/* error.h: the one error type every libdemine call fills; the first error wins. */
#ifndef DEMINE_ERROR_H
#define DEMINE_ERROR_H
#include <stddef.h>

enum dm_err {
	DM_OK = 0,
	DM_EINVAL = -1,    /* refused input: validation, parse errors */
	DM_ENOTFOUND = -2, /* no such record, file or value */
	DM_ECONFLICT = -3, /* stale version (expected version is not the current one) */
	DM_ESTATE = -4,    /* illegal workflow transition */
	DM_EPERM = -5,     /* the actor's role may not do this */
	DM_EIO = -6,       /* store or file failure */
	DM_ENOMEM = -7,
	DM_EUSAGE = -8,    /* the caller used the API wrongly (bad option, bad argument) */
	DM_ELIMIT = -9,    /* a hard cap was reached */
	DM_EEXIST = -10,   /* already exists (a database file, a unique code) */
};

#define DM_ERROR_MAX_DETAILS 100

/* One problem among several (an import's list of bad features, a form's failing fields). */
struct dm_error_detail {
	char field[64];
	char message[512];
	/* A stable code (required, negative, not_allowed, before_start, future_date, computed, ...;
	 * "" when the problem has none yet: faces then say "invalid") and its parameters as the
	 * text of a JSON object ("" = {}), so a face can show and translate it beside its field. */
	char code[32];
	char params[384];
};

struct dm_error {
	int code;           /* 0 while no error is set */
	char field[64];     /* the field the error is about, "" if none */
	char message[1024]; /* lowercase, what is wrong first, quoting the offending value */
	struct dm_error_detail *details; /* owned; freed by dm_error_release() */
	size_t ndetails;
	size_t ndetails_dropped; /* details beyond DM_ERROR_MAX_DETAILS that were not kept */
};

void dm_error_init(struct dm_error *err);
/* Frees details and resets to no error. */
void dm_error_release(struct dm_error *err);
/* Sets the error unless one is already set (the first error wins). Returns code. */
int dm_error_set(struct dm_error *err, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#ifdef __clang_analyzer__
/* For scan-build, which reads one file at a time and so cannot see that dm_error_set returns
 * a nonzero code (the one already set, or code) whenever it is given one. */
static inline int dm_error_nonzero_(int rc, int code)
{
	return code && !rc ? code : rc;
}
#define dm_error_set(err, code, ...) dm_error_nonzero_((dm_error_set)(err, code, __VA_ARGS__), (code))
#endif
/* Appends a detail (kept even when an error is already set). */
void dm_error_add(struct dm_error *err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct json_t;
/* Appends a detail with its stable code and parameters (a JSON object, taken: decref'd here;
 * NULL for none). The message stays English text made from the same values. */
void dm_error_addc(struct dm_error *err, const char *field, const char *code, struct json_t *params,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Copies detail d (code and parameters too) into err, its message prefixed by prefix when
 * that is not NULL ("feature 3: "). */
void dm_error_add_detail(struct dm_error *err, const struct dm_error_detail *d, const char *prefix);
/* Prefixes the message (and field-less context) with "PREFIX: ", e.g. "feature 3". */
void dm_error_prefix(struct dm_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *dm_err_name(int code);

#endif
