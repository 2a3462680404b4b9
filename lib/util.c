/* util.c: UUIDs, UTC timestamps, calendar dates and a capped string builder. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <sodium.h>
#include "demine/util.h"

void dm_uuid(char out[37])
{
	unsigned char b[16];
	static const char hex[] = "0123456789abcdef";
	int i, j = 0;
	if (sodium_init() < 0)
		abort(); /* libsodium cannot fail to init on Linux unless the system has no entropy */
	randombytes_buf(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[b[i] >> 4];
		out[j++] = hex[b[i] & 15];
	}
	out[j] = 0;
}

int dm_is_uuid(const char *s)
{
	int i;
	if (!s || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
			     (s[i] >= 'A' && s[i] <= 'F'))) {
			return 0;
		}
	}
	return 1;
}

static pthread_mutex_t now_lock = PTHREAD_MUTEX_INITIALIZER;
static long long last_us;

void dm_now(char out[32])
{
	struct timespec ts;
	struct tm tm;
	long long us;
	time_t secs;
	clock_gettime(CLOCK_REALTIME, &ts);
	us = (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	/* Versions written back to back must not share a timestamp, or "as of" would be ambiguous. */
	pthread_mutex_lock(&now_lock);
	if (us <= last_us)
		us = last_us + 1;
	last_us = us;
	pthread_mutex_unlock(&now_lock);
	secs = (time_t)(us / 1000000);
	gmtime_r(&secs, &tm);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us % 1000000);
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int digits(const char *s, int n)
{
	int i, v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int dm_is_date(const char *s)
{
	int y, m, d;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days_in_month(y, m);
}

/* Howard Hinnant's days_from_civil. */
long dm_date_days(const char *s)
{
	long y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	long era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void dm_days_to_date(long z, char out[11])
{
	long era, doe, yoe, y, doy, mp, d, m;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(out, 11, "%04ld-%02ld-%02ld", y % 10000, m, d);
}

int dm_parse_as_of(const char *in, char out[32], struct dm_error *err)
{
	char date[11];
	int hh, mi, ss, i;
	const char *p;
	long frac = 0, scale = 100000;
	if (!in || strlen(in) < 10)
		goto bad;
	memcpy(date, in, 10);
	date[10] = 0;
	if (!dm_is_date(date))
		goto bad;
	if (in[10] == 0) {
		snprintf(out, 32, "%sT23:59:59.999999Z", date);
		return 0;
	}
	if (in[10] != 'T' && in[10] != ' ')
		goto bad;
	p = in + 11;
	if (strlen(p) < 8 || p[2] != ':' || p[5] != ':')
		goto bad;
	hh = digits(p, 2);
	mi = digits(p + 3, 2);
	ss = digits(p + 6, 2);
	if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 60)
		goto bad;
	p += 8;
	if (*p == '.') {
		p++;
		for (i = 0; *p >= '0' && *p <= '9'; p++, i++)
			if (i < 6) {
				frac += (*p - '0') * scale;
				scale /= 10;
			}
		if (i == 0)
			goto bad;
	}
	if (strcmp(p, "Z") && strcmp(p, "+00:00") && strcmp(p, "+0000") && *p)
		goto bad;
	snprintf(out, 32, "%sT%02d:%02d:%02d.%06ldZ", date, hh, mi, ss, frac);
	return 0;
bad:
	return dm_error_set(err, DM_EINVAL, "as_of",
			    "time '%s' is not an ISO 8601 UTC time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)",
			    in ? in : "");
}

void dm_buf_init(struct dm_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void dm_buf_release(struct dm_buf *b)
{
	free(b->s);
	dm_buf_init(b, b->max);
}

/* Once anything is lost the buffer holds nothing: b->s is NULL from then on, so a statement
 * or document cut short can never be used as if it were whole. */
static int overflow(struct dm_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->overflow = 1;
	return -1;
}

static int grow(struct dm_buf *b, size_t need)
{
	size_t cap;
	char *s;
	if (b->overflow)
		return -1;
	if (need < SIZE_MAX - b->len - 1 && b->len + need + 1 <= b->cap)
		return 0;
	if (need >= SIZE_MAX / 4 - b->len || (b->max && b->len + need + 1 > b->max))
		return overflow(b);
	cap = b->cap ? b->cap * 2 : 256;
	while (cap < b->len + need + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s)
		return overflow(b);
	b->s = s;
	b->cap = cap;
	return 0;
}

void dm_buf_add(struct dm_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (grow(b, n))
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void dm_buf_addn(struct dm_buf *b, const char *s, size_t n)
{
	if (grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void dm_buf_addf(struct dm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *dm_buf_take(struct dm_buf *b)
{
	char *s = b->s;
	if (b->overflow) {
		free(s);
		s = NULL;
	} else if (!s) {
		s = calloc(1, 1);
	}
	dm_buf_init(b, b->max);
	return s;
}

void *dm_realloc_array(void *p, size_t n, size_t elem)
{
	if (elem && n > SIZE_MAX / elem)
		return NULL;
	return realloc(p, n && elem ? n * elem : 1);
}

void *dm_grow_array(void *arr, size_t elem, size_t need, size_t *cap)
{
	size_t n = *cap ? *cap : 4, bytes;
	void *p;
	if (need <= *cap)
		return arr;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return NULL;
		n *= 2;
	}
	if (n < 8)
		n = 8;
	if (elem && n > SIZE_MAX / elem)
		return NULL;
	bytes = n * elem;
	p = realloc(arr, bytes ? bytes : 1);
	if (!p)
		return NULL;
	*cap = n;
	return p;
}

char *dm_str_trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

char *dm_strdup0(const char *s)
{
	return s ? strdup(s) : NULL;
}
