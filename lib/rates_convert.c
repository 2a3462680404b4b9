/* rates_convert.c: the conversion policy: which rate converts an amount on a date (the sources
 * in the order configured, a rate no older than allowed, through EUR or AZN when no direct
 * pair exists), and how the conversion is described. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/rates.h"
#include "demine/util.h"

#define MAX_SOURCES 8

struct leg {
	struct dm_rate r;
	int inverted;
};

struct policy {
	const struct dm_rates_lookup *lk;
	const char *date;
	long oldest; /* first usable day, or LONG_MIN for any age */
	struct dm_error *err;
	/* newest rate seen for the asked pair that was too old (for the message) */
	struct dm_rate stale;
	int have_stale;
	const char *want_from, *want_to;
};

/* 1 found and fresh, 0 none, <0 error */
static int find_fresh(struct policy *p, const char *a, const char *b, const char *src, struct dm_rate *out)
{
	int rc;
	memset(out, 0, sizeof(*out));
	rc = p->lk->find(p->lk->arg, a, b, src, p->date, out, p->err);
	if (rc < 0)
		return p->err->code ? p->err->code : dm_error_set(p->err, rc, NULL, "reading exchange rates failed");
	if (rc == 0)
		return 0;
	if (out->rate.mantissa <= 0 || !dm_is_date(out->date) || strcmp(out->date, p->date) > 0)
		return dm_error_set(p->err, DM_EIO, NULL, "stored %s rate %s->%s of '%s' is not usable", src, a, b,
				    out->date);
	if (dm_date_days(out->date) >= p->oldest)
		return 1;
	if (((!strcmp(a, p->want_from) && !strcmp(b, p->want_to)) || (!strcmp(a, p->want_to) && !strcmp(b, p->want_from))) &&
	    (!p->have_stale || strcmp(out->date, p->stale.date) > 0)) {
		p->stale = *out;
		p->have_stale = 1;
	}
	return 0;
}

/* a -> b from one source: the direct pair, else the inverse pair */
static int find_leg(struct policy *p, const char *a, const char *b, const char *src, struct leg *out)
{
	int rc = find_fresh(p, a, b, src, &out->r);
	if (rc) {
		out->inverted = 0;
		return rc;
	}
	rc = find_fresh(p, b, a, src, &out->r);
	out->inverted = 1;
	return rc;
}

static void fill_rate(struct dm_conversion_rate *cr, const struct leg *l)
{
	memset(cr, 0, sizeof(*cr));
	memcpy(cr->from, l->r.from, 4);
	memcpy(cr->to, l->r.to, 4);
	cr->from[3] = cr->to[3] = '\0';
	dm_decimal_format(&l->r.rate, cr->rate, sizeof(cr->rate));
	memcpy(cr->date, l->r.date, 11);
	cr->date[10] = '\0';
	snprintf(cr->source, sizeof(cr->source), "%s", l->r.source);
	cr->inverted = l->inverted;
}

static int finish(int64_t minor, const char *from, const char *to, const struct leg *legs, size_t n,
		  const char *via, struct dm_conversion *out, struct dm_error *err)
{
	struct dm_money_step steps[2];
	size_t i;
	int rc;
	for (i = 0; i < n; i++) {
		steps[i].rate = &legs[i].r.rate;
		steps[i].invert = legs[i].inverted;
		fill_rate(&out->rates[i], &legs[i]);
	}
	out->nrates = n;
	snprintf(out->via, sizeof(out->via), "%s", via ? via : "");
	rc = dm_money_convert_steps(minor, from, to, steps, n, &out->minor, err);
	if (rc)
		return rc;
	return dm_money_format(out->minor, to, out->amount, sizeof(out->amount));
}

int dm_rates_convert(const struct dm_rates_lookup *lk, int64_t minor, const char *from, const char *to,
		     const char *date, struct dm_conversion *out, struct dm_error *err)
{
	static const char *const pivots[] = { "AZN", "EUR", "USD" };
	char srcbuf[128], *sources[MAX_SOURCES], *s, *save = NULL;
	size_t nsrc = 0, i, k;
	struct policy p;
	struct leg legs[2];
	int rc;
	memset(out, 0, sizeof(*out));
	if (!dm_currency_valid(from))
		return dm_error_set(err, DM_EINVAL, "from", "unknown currency '%s'", from ? from : "");
	if (!dm_currency_valid(to))
		return dm_error_set(err, DM_EINVAL, "to", "unknown currency '%s'", to ? to : "");
	if (!date || !dm_is_date(date))
		return dm_error_set(err, DM_EINVAL, "date", "date '%s' is not a date (YYYY-MM-DD)", date ? date : "");
	memcpy(out->currency, to, 4);
	if (!strcmp(from, to))
		return finish(minor, from, to, legs, 0, NULL, out, err);
	if (!lk || !lk->find)
		return dm_error_set(err, DM_EUSAGE, NULL, "no exchange rate lookup given");
	snprintf(srcbuf, sizeof(srcbuf), "%s", lk->sources ? lk->sources : "manual,cbar,ecb");
	for (s = strtok_r(srcbuf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		s = dm_str_trim(s);
		if (!*s)
			continue;
		if (nsrc == MAX_SOURCES || strlen(s) >= sizeof(((struct dm_rate *)0)->source))
			return dm_error_set(err, DM_EINVAL, "rates.sources", "rate sources '%s' are not a list of "
					    "at most %d names such as manual,cbar,ecb", lk->sources, MAX_SOURCES);
		sources[nsrc++] = s;
	}
	if (!nsrc)
		return dm_error_set(err, DM_EINVAL, "rates.sources", "no rate sources configured");
	memset(&p, 0, sizeof(p));
	p.lk = lk;
	p.date = date;
	p.err = err;
	p.want_from = from;
	p.want_to = to;
	p.oldest = lk->max_age_days < 0 ? dm_date_days("0001-01-01") : dm_date_days(date) - lk->max_age_days;
	/* each source alone: direct, inverse, then a cross with both rates from it */
	for (i = 0; i < nsrc; i++) {
		rc = find_leg(&p, from, to, sources[i], &legs[0]);
		if (rc < 0)
			return rc;
		if (rc)
			return finish(minor, from, to, legs, 1, NULL, out, err);
		for (k = 0; k < 3; k++) {
			const char *v = pivots[k];
			if (!strcmp(v, from) || !strcmp(v, to))
				continue;
			rc = find_leg(&p, from, v, sources[i], &legs[0]);
			if (rc > 0)
				rc = find_leg(&p, v, to, sources[i], &legs[1]);
			if (rc < 0)
				return rc;
			if (rc)
				return finish(minor, from, to, legs, 2, v, out, err);
		}
	}
	/* a cross whose two rates come from different sources, each the first that has it */
	for (k = 0; k < 3; k++) {
		const char *v = pivots[k];
		int found[2] = { 0, 0 };
		if (!strcmp(v, from) || !strcmp(v, to))
			continue;
		for (i = 0; i < nsrc && !found[0]; i++) {
			rc = find_leg(&p, from, v, sources[i], &legs[0]);
			if (rc < 0)
				return rc;
			found[0] = rc;
		}
		for (i = 0; i < nsrc && found[0] && !found[1]; i++) {
			rc = find_leg(&p, v, to, sources[i], &legs[1]);
			if (rc < 0)
				return rc;
			found[1] = rc;
		}
		if (found[0] && found[1])
			return finish(minor, from, to, legs, 2, v, out, err);
	}
	if (p.have_stale && lk->max_age_days >= 0)
		return dm_error_set(err, DM_ENOTFOUND, NULL,
				    "no %s->%s rate within %d days before %s (newest: %s %s)", from, to,
				    lk->max_age_days, date, p.stale.source, p.stale.date);
	return dm_error_set(err, DM_ENOTFOUND, NULL, "no %s->%s rate on or before %s (sources: %s)", from, to, date,
			    lk->sources ? lk->sources : "manual,cbar,ecb");
}

int dm_conversion_describe_rate(const struct dm_conversion_rate *r, char *buf, size_t n)
{
	int w = snprintf(buf, n, "%s %s per %s of %s (%s%s)", r->rate, r->to, r->from, r->date, r->source,
			 r->inverted ? ", inverted" : "");
	return w < 0 || (size_t)w >= n ? DM_ELIMIT : 0;
}

