/* json_out.c: compact JSON text of jansson values (see json_out.h), the same bytes as
 * json_dumps with JSON_COMPACT | JSON_REAL_PRECISION(15). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/json_out.h"

/* jansson's jsonp_dtostr: "%.15g", ".0" when that reads as an integer, no '+' or leading
 * zeros in the exponent. */
static int real_by_printf(double v, char *out)
{
	int n = snprintf(out, 32, "%.15g", v);
	char *e, *start, *end;
	if (n < 0 || n >= 28)
		return -1;
	if (!strchr(out, '.') && !strchr(out, 'e')) {
		memcpy(out + n, ".0", 3);
		n += 2;
	}
	if ((e = strchr(out, 'e')) != NULL) {
		start = e + 1;
		end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, (size_t)(n - (end - out)) + 1);
			n -= (int)(end - start);
		}
	}
	return n;
}

/* Writes the decimal r * 10^-k (r >= 0) in fixed notation; returns the length. */
static int fixed(uint64_t r, int k, int neg, char *out)
{
	char digits[24];
	int nd = 0, n = 0, i;
	do {
		digits[nd++] = (char)('0' + r % 10);
		r /= 10;
	} while (r);
	if (neg)
		out[n++] = '-';
	if (nd <= k) { /* 0.000ddd */
		out[n++] = '0';
		out[n++] = '.';
		for (i = 0; i < k - nd; i++)
			out[n++] = '0';
		for (i = nd - 1; i >= 0; i--)
			out[n++] = digits[i];
	} else {
		for (i = nd - 1; i >= k; i--)
			out[n++] = digits[i];
		out[n++] = '.';
		if (k == 0)
			out[n++] = '0';
		for (i = k - 1; i >= 0; i--)
			out[n++] = digits[i];
	}
	out[n] = 0;
	return n;
}

static int count_digits(uint64_t r)
{
	int n = 1;
	while (r >= 10) {
		r /= 10;
		n++;
	}
	return n;
}

/* The fewest decimals k that give v back exactly (r / 10^k == v in double arithmetic, so
 * reading the text gives v): that text has at most 15 significant digits, and so is what
 * "%.15g" prints, the 15-digit rounding of v being within a fraction of a unit of it. Values
 * %g would print with an exponent, and those needing more digits, go through printf. */
int dm_json_real(double v, char *out)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
				      1e14, 1e15 };
	double a = fabs(v);
	int k;
	if (!isfinite(v))
		return -1;
	if (a < 1e-4 || a >= 1e15)
		return real_by_printf(v, out);
	for (k = 0; k <= 15; k++) {
		double m = a * p10[k], r;
		if (m >= 9007199254740992.0) /* 2^53: integers beyond are not all doubles */
			break;
		r = nearbyint(m);
		if (r / p10[k] == a) {
			uint64_t u = (uint64_t)r;
			while (k > 0 && u % 10 == 0) {
				u /= 10;
				k--;
			}
			if (count_digits(u) > 15)
				break;
			return fixed(u, k, signbit(v) != 0, out);
		}
	}
	return real_by_printf(v, out);
}

static void write_string(struct dm_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;
	dm_buf_addn(b, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t n = 2;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		dm_buf_addn(b, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		dm_buf_addn(b, esc, n);
	}
	dm_buf_addn(b, s + run, len - run);
	dm_buf_addn(b, "\"", 1);
}

static int write_value(struct dm_buf *b, const json_t *v, int depth)
{
	char num[32];
	int n;
	if (depth > 2048) /* jansson's own limit */
		return -1;
	switch (json_typeof(v)) {
	case JSON_NULL:
		dm_buf_addn(b, "null", 4);
		return 0;
	case JSON_TRUE:
		dm_buf_addn(b, "true", 4);
		return 0;
	case JSON_FALSE:
		dm_buf_addn(b, "false", 5);
		return 0;
	case JSON_INTEGER:
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		dm_buf_addn(b, num, (size_t)n);
		return 0;
	case JSON_REAL:
		if ((n = dm_json_real(json_real_value(v), num)) < 0)
			return -1;
		dm_buf_addn(b, num, (size_t)n);
		return 0;
	case JSON_STRING:
		write_string(b, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_ARRAY: {
		size_t i;
		dm_buf_addn(b, "[", 1);
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				dm_buf_addn(b, ",", 1);
			if (write_value(b, json_array_get(v, i), depth + 1))
				return -1;
		}
		dm_buf_addn(b, "]", 1);
		return 0;
	}
	case JSON_OBJECT: {
		const char *key;
		json_t *m;
		int first = 1;
		dm_buf_addn(b, "{", 1);
		/* keys in insertion order, as jansson (2.8 and later) keeps and dumps them */
		json_object_foreach((json_t *)v, key, m) {
			if (!first)
				dm_buf_addn(b, ",", 1);
			first = 0;
			write_string(b, key, strlen(key));
			dm_buf_addn(b, ":", 1);
			if (write_value(b, m, depth + 1))
				return -1;
		}
		dm_buf_addn(b, "}", 1);
		return 0;
	}
	}
	return -1;
}

int dm_json_write(struct dm_buf *b, const json_t *v)
{
	size_t len = b->len;
	if (!v || write_value(b, v, 0)) {
		if (b->s && b->len > len) {
			b->len = len;
			b->s[len] = 0;
		}
		return -1;
	}
	return b->overflow ? -1 : 0;
}

char *dm_json_dumps(const json_t *v)
{
	struct dm_buf b;
	dm_buf_init(&b, 0);
	if (dm_json_write(&b, v)) {
		dm_buf_release(&b);
		return NULL;
	}
	return dm_buf_take(&b);
}
