/* error.c: filling struct dm_error (first error wins, bounded details). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/error.h"

void dm_error_init(struct dm_error *err)
{
	memset(err, 0, sizeof(*err));
}

void dm_error_release(struct dm_error *err)
{
	free(err->details);
	dm_error_init(err);
}

static void copy_field(char *dst, size_t n, const char *field)
{
	snprintf(dst, n, "%s", field ? field : "");
}

int (dm_error_set)(struct dm_error *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (!err || err->code)
		return err ? err->code : code;
	err->code = code;
	copy_field(err->field, sizeof(err->field), field);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

/* The next free detail, or NULL when the list is full (counted as dropped) or out of memory. */
static struct dm_error_detail *next_detail(struct dm_error *err, const char *field)
{
	struct dm_error_detail *d;
	if (!err)
		return NULL;
	if (err->ndetails >= DM_ERROR_MAX_DETAILS) {
		err->ndetails_dropped++;
		return NULL;
	}
	if (!err->details) {
		err->details = calloc(DM_ERROR_MAX_DETAILS, sizeof(*err->details));
		if (!err->details)
			return NULL;
	}
	d = &err->details[err->ndetails++];
	memset(d, 0, sizeof(*d));
	copy_field(d->field, sizeof(d->field), field);
	return d;
}

void dm_error_add(struct dm_error *err, const char *field, const char *fmt, ...)
{
	va_list ap;
	struct dm_error_detail *d = next_detail(err, field);
	if (!d)
		return;
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
	va_end(ap);
}

void dm_error_addc(struct dm_error *err, const char *field, const char *code, json_t *params, const char *fmt, ...)
{
	va_list ap;
	char *text;
	struct dm_error_detail *d = next_detail(err, field);
	if (d) {
		va_start(ap, fmt);
		vsnprintf(d->message, sizeof(d->message), fmt, ap);
		va_end(ap);
		snprintf(d->code, sizeof(d->code), "%s", code ? code : "");
		text = params ? json_dumps(params, JSON_COMPACT) : NULL;
		/* parameters too long to keep whole are dropped rather than cut into bad JSON */
		if (text && strlen(text) < sizeof(d->params))
			memcpy(d->params, text, strlen(text) + 1);
		free(text);
	}
	json_decref(params);
}

void dm_error_add_detail(struct dm_error *err, const struct dm_error_detail *src, const char *prefix)
{
	struct dm_error_detail *d = next_detail(err, src->field);
	if (!d)
		return;
	snprintf(d->message, sizeof(d->message), "%s%s", prefix ? prefix : "", src->message);
	memcpy(d->code, src->code, sizeof(d->code));
	memcpy(d->params, src->params, sizeof(d->params));
}

void dm_error_prefix(struct dm_error *err, const char *fmt, ...)
{
	char prefix[256], buf[sizeof(err->message) + sizeof(prefix) + 2];
	va_list ap;
	if (!err || !err->code)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	snprintf(buf, sizeof(buf), "%s: %s", prefix, err->message);
	snprintf(err->message, sizeof(err->message), "%s", buf);
}

const char *dm_err_name(int code)
{
	switch (code) {
	case DM_OK: return "ok";
	case DM_EINVAL: return "invalid";
	case DM_ENOTFOUND: return "not_found";
	case DM_ECONFLICT: return "stale_version";
	case DM_ESTATE: return "illegal_transition";
	case DM_EPERM: return "forbidden";
	case DM_EIO: return "io";
	case DM_ENOMEM: return "out_of_memory";
	case DM_EUSAGE: return "usage";
	case DM_ELIMIT: return "too_large";
	case DM_EEXIST: return "exists";
	}
	return "error";
}
