/* test_json_out.c: dm_json_dumps writes exactly the bytes json_dumps(JSON_COMPACT |
 * JSON_REAL_PRECISION(15)) writes (the oracle is jansson itself), for reals of every
 * magnitude and shape, strings with every escape, and nested records; and the reals read
 * back as the same doubles. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/json_out.h"
#include "check.h"

static int same_as_jansson(const json_t *v)
{
	char *mine = dm_json_dumps(v), *theirs = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY);
	int same = mine && theirs && !strcmp(mine, theirs);
	if (!same)
		fprintf(stderr, "  mine   %.300s\n  jansson %.300s\n", mine ? mine : "(null)", theirs ? theirs : "(null)");
	free(mine);
	free(theirs);
	return same;
}

/* A deterministic stream (xorshift), so a failure can be replayed. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static double unif(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

/* short: d has a decimal form of at most 15 significant digits, which must read back as d
 * (15 digits do not give every double back: jansson's precision, kept on purpose). */
static void check_real(double d, int short_form)
{
	json_t *v = json_real(d);
	char out[32];
	CHECK_MSG(same_as_jansson(v), "real %.17g", d);
	if (short_form && dm_json_real(d, out) > 0)
		CHECK_MSG(strtod(out, NULL) == d, "%s reads back as %.17g, not %.17g", out, strtod(out, NULL), d);
	json_decref(v);
}

static void check_reals(void)
{
	static const double fixed[] = { 0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1e-4, 9.99e-5, 1e-5, 1e15, 1e15 - 1,
					999999999999999.0, 123456789012345.0, 1234567890123456.0, 1e16, 1e100, 1e-100,
					5e-324, 1.7976931348623157e308, 2.5, 1055.91592865251, 47.0579853, 40.0726335,
					-0.00012, 0.000999, 100.0, 0.01, 210.54, 9007199254740992.0, 4503599627370497.5,
					1.0 / 3.0, 2.0 / 3.0, 3.141592653589793, 1e14 + 0.5, 12345.678901234567 };
	size_t i;
	int e;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		check_real(fixed[i], 0);
	for (i = 0; i < 20000; i++) {
		/* coordinates with 7 decimals, areas with 2, raw doubles over 40 orders of magnitude */
		check_real(round((unif() * 360 - 180) * 1e7) / 1e7, 1);
		check_real(round(unif() * 1e9) / 100, 1);
		e = (int)(rnd() % 41) - 20;
		check_real((unif() - 0.5) * pow(10, e), 0);
		check_real((double)(int64_t)(rnd() % 2000000) / pow(10, (int)(rnd() % 12)), 1);
	}
}

static void check_strings(void)
{
	char all[128];
	json_t *v;
	int i;
	for (i = 0; i < 127; i++)
		all[i] = (char)(i + 1);
	v = json_stringn(all, 127);
	CHECK(same_as_jansson(v));
	json_decref(v);
	v = json_stringn("a\0b", 3);
	CHECK(same_as_jansson(v));
	json_decref(v);
	v = json_string("Ağdam, \"vineyard\" \\ Агдам / 田 \xf0\x9f\x98\x80 \t\n");
	CHECK(same_as_jansson(v));
	json_decref(v);
	v = json_string("");
	CHECK(same_as_jansson(v));
	json_decref(v);
}

static void check_documents(void)
{
	json_t *v = json_pack("{s:s, s:I, s:f, s:b, s:n, s:[], s:{}, s:[i, f, s, [f, f]], s:{s:{s:[{}]}}}", "code",
			      "HAZ-AGD-00001", "version", (json_int_t)INT64_MIN, "area_m2", 1055.91592865251, "deleted", 0,
			      "evidence", "contamination", "extra", "geometry", 7, 47.0579853, "x", 40.0726335, 0.0,
			      "nested", "a", "b");
	json_t *big = json_array();
	int i;
	CHECK(same_as_jansson(v));
	/* keys in insertion order, after a delete and a re-insert too */
	json_object_set_new(v, "zz", json_integer(1));
	json_object_set_new(v, "aa", json_integer(2));
	json_object_del(v, "version");
	json_object_set_new(v, "version", json_integer(5));
	CHECK(same_as_jansson(v));
	for (i = 0; i < 2000; i++)
		json_array_append_new(big, json_pack("[f, f]", unif() * 100, unif() * 100));
	CHECK(same_as_jansson(big));
	json_decref(v);
	json_decref(big);
}

int main(void)
{
	check_reals();
	check_strings();
	check_documents();
	return check_report("json_out");
}
