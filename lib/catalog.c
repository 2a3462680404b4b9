/* catalog.c: message catalogues read from data/i18n/<lang>.json (see include/demine/catalog.h
 * and docs/reports.md for the file's shape). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include "demine/catalog.h"
#include "demine/util.h"

#ifndef DEMINE_DATADIR
#define DEMINE_DATADIR "data"
#endif

#define MAX_TEXT (64 * 1024) /* a text with its parameters put in */

struct dm_catalog {
	char lang[16];
	json_t *own;  /* this language's file */
	json_t *base; /* English, or NULL when lang is en */
};

const char *dm_catalog_dir(char *buf, size_t n)
{
	const char *dir = getenv("DEMINE_DATA");
	snprintf(buf, n, "%s/i18n", dir && *dir ? dir : DEMINE_DATADIR);
	return buf;
}

/* A language code is 2 or 3 lowercase letters (ISO 639), maybe with a region (pt-BR). */
static int lang_valid(const char *l)
{
	size_t i, n = strlen(l);
	if (n < 2 || n > 10)
		return 0;
	for (i = 0; i < n; i++)
		if (!((l[i] >= 'a' && l[i] <= 'z') || (i >= 2 && (l[i] == '-' || (l[i] >= 'A' && l[i] <= 'Z')))))
			return 0;
	return 1;
}

/* The languages there are a file for, "az, en, ru". */
static void list_langs(const char *dir, char *out, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char names[32][16];
	size_t k = 0, i, j, used = 0;
	out[0] = 0;
	while (d && (e = readdir(d)) && k < 32) {
		size_t len = strlen(e->d_name);
		if (len > 5 && len < 16 && !strcmp(e->d_name + len - 5, ".json")) {
			snprintf(names[k], sizeof(names[k]), "%.*s", (int)(len - 5), e->d_name);
			k++;
		}
	}
	if (d)
		closedir(d);
	for (i = 1; i < k; i++) /* sorted, so the message is the same on every machine */
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char t[16];
			memcpy(t, names[j], 16);
			memcpy(names[j], names[j - 1], 16);
			memcpy(names[j - 1], t, 16);
		}
	for (i = 0; i < k && used < n; i++)
		used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "", names[i]);
}

static int load_file(const char *dir, const char *lang, json_t **out, struct dm_error *err)
{
	char path[4096], langs[256];
	json_error_t je;
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s.json", dir, lang);
	if (!(f = fopen(path, "rb"))) {
		list_langs(dir, langs, sizeof(langs));
		return dm_error_set(err, DM_EINVAL, "lang", "lang: there is no catalogue for the language '%s' (there are: %s)",
				    lang, langs[0] ? langs : "none");
	}
	*out = json_loadf(f, 0, &je);
	fclose(f);
	if (!*out || !json_is_object(json_object_get(*out, "messages")))
		return dm_error_set(err, DM_EINVAL, "lang", "catalogue %s: %s at line %d", path,
				    *out ? "has no \"messages\" object" : je.text, je.line);
	return 0;
}

int dm_catalog_load(const char *dir, const char *lang, struct dm_catalog **out, struct dm_error *err)
{
	char buf[4096];
	struct dm_catalog *c;
	int rc;
	*out = NULL;
	if (!lang || !lang_valid(lang))
		return dm_error_set(err, DM_EINVAL, "lang", "lang: '%.20s' is not a language code (az, en, ru)",
				    lang ? lang : "");
	if (!dir)
		dir = dm_catalog_dir(buf, sizeof(buf));
	if (!(c = calloc(1, sizeof(*c))))
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	snprintf(c->lang, sizeof(c->lang), "%s", lang);
	rc = load_file(dir, lang, &c->own, err);
	if (!rc && strcmp(lang, "en"))
		rc = load_file(dir, "en", &c->base, err);
	if (rc) {
		dm_catalog_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void dm_catalog_free(struct dm_catalog *c)
{
	if (!c)
		return;
	json_decref(c->own);
	json_decref(c->base);
	free(c);
}

const char *dm_catalog_lang(const struct dm_catalog *c)
{
	return c->lang;
}

const char *dm_catalog_plural(const char *lang, long long n)
{
	long long m10 = llabs(n) % 10, m100 = llabs(n) % 100;
	if (!strcmp(lang, "ru") || !strcmp(lang, "uk")) {
		if (m10 == 1 && m100 != 11)
			return "one";
		if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14))
			return "few";
		return "many";
	}
	return llabs(n) == 1 ? "one" : "other";
}

/* The entry of key: this language's, else English's. */
static json_t *lookup(const struct dm_catalog *c, const char *section, const char *key)
{
	json_t *v = json_object_get(json_object_get(c->own, section), key);
	if (!v && c->base)
		v = json_object_get(json_object_get(c->base, section), key);
	return v;
}

/* A plural entry's form for n: the rule's category, else "other", else "many". The count is
 * the param "n", or the one the entry's "count" member names ({"count": "max", ...}). */
static const char *plural_form(const struct dm_catalog *c, json_t *entry, json_t *params)
{
	const char *which = json_string_value(json_object_get(entry, "count"));
	json_t *n = json_object_get(params, which ? which : "n");
	long long count = json_is_integer(n) ? json_integer_value(n) : json_is_real(n) ? (long long)json_real_value(n) : 0;
	const char *cat = dm_catalog_plural(c->lang, count);
	json_t *v = json_object_get(entry, cat);
	if (!v)
		v = json_object_get(entry, "other");
	if (!v)
		v = json_object_get(entry, "many");
	return json_string_value(v);
}

/* A param as text: strings as they are, numbers, true/false, a list joined with ", " (the
 * allowed values of a field). */
static void put_param(struct dm_buf *b, json_t *v, const char *name, size_t len)
{
	size_t i;
	json_t *item;
	if (json_is_string(v))
		dm_buf_add(b, json_string_value(v));
	else if (json_is_integer(v))
		dm_buf_addf(b, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		dm_buf_addf(b, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		dm_buf_add(b, json_is_true(v) ? "true" : "false");
	else if (json_is_array(v)) {
		json_array_foreach (v, i, item) {
			if (i)
				dm_buf_add(b, ", ");
			put_param(b, item, "", 0);
		}
	} else
		dm_buf_addf(b, "{%.*s}", (int)len, name); /* left as it stands: a missing param shows */
}

int dm_catalog_has(const struct dm_catalog *c, const char *key)
{
	return lookup(c, "messages", key) != NULL;
}

char *dm_catalog_text(const struct dm_catalog *c, const char *key, json_t *params)
{
	json_t *e = lookup(c, "messages", key);
	const char *t = json_is_object(e) ? plural_form(c, e, params) : json_string_value(e), *p, *close;
	struct dm_buf b;
	if (!t)
		return strdup(key);
	dm_buf_init(&b, MAX_TEXT);
	for (p = t; *p; p++) {
		char name[64];
		if (*p == '{' && (close = strchr(p + 1, '}')) && close - p - 1 < (long)sizeof(name)) {
			memcpy(name, p + 1, (size_t)(close - p - 1));
			name[close - p - 1] = 0;
			put_param(&b, json_object_get(params, name), name, strlen(name));
			p = close;
		} else {
			dm_buf_addn(&b, p, 1);
		}
	}
	if (!b.s)
		dm_buf_add(&b, "");
	return dm_buf_take(&b);
}

static const char *format_of(const struct dm_catalog *c, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(c->own, key));
	if (!v && c->base)
		v = json_string_value(json_object_get(c->base, key));
	return v ? v : dflt;
}

char *dm_catalog_date(const struct dm_catalog *c, const char *iso, char *out, size_t n)
{
	const char *fmt = format_of(c, "date", "{yyyy}-{mm}-{dd}"), *p;
	json_t *months = json_object_get(c->own, "months");
	char date[11];
	size_t used = 0;
	int month;
	if (!iso || strlen(iso) < 10) {
		snprintf(out, n, "%s", iso ? iso : "");
		return out;
	}
	memcpy(date, iso, 10);
	date[10] = 0;
	if (!dm_is_date(date)) {
		snprintf(out, n, "%s", iso);
		return out;
	}
	month = (date[5] - '0') * 10 + (date[6] - '0');
	if (!json_is_array(months) && c->base)
		months = json_object_get(c->base, "months");
	out[0] = 0;
	for (p = fmt; *p && used + 1 < n; p++) {
		const char *rep = NULL;
		char tmp[8];
		size_t skip = 0;
		if (!strncmp(p, "{yyyy}", 6)) {
			snprintf(tmp, sizeof(tmp), "%.4s", date), rep = tmp, skip = 6;
		} else if (!strncmp(p, "{mm}", 4)) {
			snprintf(tmp, sizeof(tmp), "%.2s", date + 5), rep = tmp, skip = 4;
		} else if (!strncmp(p, "{dd}", 4)) {
			snprintf(tmp, sizeof(tmp), "%.2s", date + 8), rep = tmp, skip = 4;
		} else if (!strncmp(p, "{d}", 3)) {
			snprintf(tmp, sizeof(tmp), "%d", (date[8] - '0') * 10 + (date[9] - '0')), rep = tmp, skip = 3;
		} else if (!strncmp(p, "{month}", 7)) {
			rep = json_string_value(json_array_get(months, (size_t)month - 1));
			if (!rep)
				snprintf(tmp, sizeof(tmp), "%02d", month), rep = tmp;
			skip = 7;
		}
		if (rep) {
			used += (size_t)snprintf(out + used, n - used, "%s", rep);
			p += skip - 1;
		} else {
			out[used++] = *p;
			out[used] = 0;
		}
		if (used >= n)
			used = n - 1;
	}
	return out;
}

char *dm_catalog_number(const struct dm_catalog *c, double v, int decimals, char *out, size_t n)
{
	const char *group = format_of(c, "group", ","), *mark = format_of(c, "decimal", ".");
	char digits[64], *dot;
	size_t len, i, used = 0, intlen;
	int neg;
	if (!isfinite(v)) {
		snprintf(out, n, "-");
		return out;
	}
	snprintf(digits, sizeof(digits), "%.*f", decimals < 0 ? 0 : decimals > 6 ? 6 : decimals, fabs(v));
	neg = v < 0 && strspn(digits, "0.") != strlen(digits);
	dot = strchr(digits, '.');
	len = strlen(digits);
	intlen = dot ? (size_t)(dot - digits) : len;
	out[0] = 0;
	if (neg)
		used += (size_t)snprintf(out + used, n - used, "-");
	for (i = 0; i < intlen && used + 1 < n; i++) {
		if (i && (intlen - i) % 3 == 0)
			used += (size_t)snprintf(out + used, n - used, "%s", group);
		if (used + 1 < n) {
			out[used++] = digits[i];
			out[used] = 0;
		}
	}
	if (dot && used + 1 < n)
		snprintf(out + used, n - used, "%s%s", mark, dot + 1);
	return out;
}
