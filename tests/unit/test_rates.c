/* test_rates.c: CBAR and ECB readers on the shared fixtures and on bad input; the conversion
 * policy (source order, inverse, cross, staleness) over an in-memory rate table. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/rates.h"
#include "demine/record.h"
#include "demine/store.h"
#include "check.h"

/* ---- an in-memory rate table, filled by the readers or by hand ---- */

struct table {
	struct dm_rate *r;
	size_t n, cap;
	int fail; /* make find fail */
};

static int collect(const struct dm_rate *r, void *arg)
{
	struct table *t = arg;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->r = realloc(t->r, t->cap * sizeof(*t->r));
		if (!t->r)
			abort();
	}
	t->r[t->n++] = *r;
	return 0;
}

static void add(struct table *t, const char *date, const char *from, const char *to, const char *rate,
		const char *source)
{
	struct dm_rate r;
	struct dm_error err;
	memset(&r, 0, sizeof(r));
	snprintf(r.date, sizeof(r.date), "%s", date);
	snprintf(r.from, sizeof(r.from), "%s", from);
	snprintf(r.to, sizeof(r.to), "%s", to);
	snprintf(r.source, sizeof(r.source), "%s", source);
	dm_error_init(&err);
	CHECK_MSG(dm_decimal_parse_rate(rate, &r.rate, &err) == 0, "%s", err.message);
	dm_error_release(&err);
	collect(&r, t);
}

static int table_find(void *arg, const char *from, const char *to, const char *source, const char *date,
		      struct dm_rate *out, struct dm_error *err)
{
	struct table *t = arg;
	const struct dm_rate *best = NULL;
	size_t i;
	if (t->fail)
		return dm_error_set(err, DM_EIO, NULL, "disk on fire");
	for (i = 0; i < t->n; i++) {
		const struct dm_rate *r = &t->r[i];
		if (strcmp(r->from, from) || strcmp(r->to, to) || strcmp(r->source, source) || strcmp(r->date, date) > 0)
			continue;
		if (!best || strcmp(r->date, best->date) > 0)
			best = r;
	}
	if (!best)
		return 0;
	*out = *best;
	return 1;
}

static const struct dm_rate *get(const struct table *t, const char *date, const char *from, const char *to)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->r[i].date, date) && !strcmp(t->r[i].from, from) && !strcmp(t->r[i].to, to))
			return &t->r[i];
	return NULL;
}

static const char *rate_text(const struct dm_rate *r)
{
	static char buf[DM_DECIMAL_BUF];
	if (!r)
		return "(missing)";
	dm_decimal_format(&r->rate, buf, sizeof(buf));
	return buf;
}

static int read_fixture(const char *name, struct table *t, struct dm_rates_info *info, struct dm_error *err)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/rates/%s", check_fixtures(), name);
	return dm_rates_read_file_info(path, collect, t, info, err);
}

/* ---- readers on the fixtures ---- */

static void test_cbar(void)
{
	struct table t = { 0 };
	struct dm_rates_info info;
	struct dm_error err;
	size_t i;
	dm_error_init(&err);
	CHECK_MSG(read_fixture("cbar-04.09.2026.xml", &t, &info, &err) == 0, "%s", err.message);
	CHECK_STR(info.format, "cbar-xml");
	CHECK_STR(info.source, "cbar");
	CHECK_INT(info.nmetals, 4);
	CHECK_INT(info.nrates, 37); /* 38 currencies less SDR, which is no ISO 4217 code */
	CHECK_INT(info.nskipped, 1);
	CHECK_MSG(strstr(info.warning, "SDR is not an ISO 4217 currency") != NULL, "%s", info.warning);
	CHECK_STR(info.date_min, "2026-09-04");
	CHECK_STR(info.date_max, "2026-09-04");
	CHECK_INT(t.n, 37);
	CHECK_STR(rate_text(get(&t, "2026-09-04", "USD", "AZN")), "1.7");
	CHECK_STR(rate_text(get(&t, "2026-09-04", "EUR", "AZN")), "1.9765");
	CHECK_STR(rate_text(get(&t, "2026-09-04", "GBP", "AZN")), "2.3004");
	CHECK_STR(rate_text(get(&t, "2026-09-04", "JPY", "AZN")), "0.010873"); /* 1.0873 per 100 */
	CHECK_STR(rate_text(get(&t, "2026-09-04", "KRW", "AZN")), "0.001255");
	CHECK(get(&t, "2026-09-04", "XAU", "AZN") == NULL);
	for (i = 0; i < t.n; i++) {
		CHECK_STR(t.r[i].source, "cbar");
		CHECK_STR(t.r[i].to, "AZN");
		CHECK(t.r[i].rate.mantissa > 0);
	}
	dm_error_release(&err);
	/* weekend requests returned Friday's bulletin: the date inside the file wins */
	t.n = 0;
	dm_error_init(&err);
	CHECK_MSG(read_fixture("cbar-06.09.2026.xml", &t, &info, &err) == 0, "%s", err.message);
	CHECK_STR(info.date_max, "2026-09-04");
	dm_error_release(&err);
	t.n = 0;
	dm_error_init(&err);
	CHECK_MSG(read_fixture("cbar-08.09.2026.xml", &t, &info, &err) == 0, "%s", err.message);
	CHECK_STR(info.date_max, "2026-09-08");
	CHECK_STR(rate_text(get(&t, "2026-09-08", "JPY", "AZN")), "0.011076");
	dm_error_release(&err);
	/* 1993: before the 2006 redenomination the bulletin is in old manat (AZM) */
	t.n = 0;
	dm_error_init(&err);
	CHECK_MSG(read_fixture("cbar-26.11.1993.xml", &t, &info, &err) == 0, "%s", err.message);
	CHECK_STR(info.date_max, "1993-11-25");
	CHECK_INT(info.nrates, 12);
	CHECK_INT(info.nmetals, 4); /* their Values are empty, but metals are skipped first */
	CHECK_INT(info.nskipped, 0);
	CHECK_STR(rate_text(get(&t, "1993-11-25", "USD", "AZM")), "118");
	CHECK_STR(rate_text(get(&t, "1993-11-25", "GBP", "AZM")), "174.2");
	CHECK_STR(rate_text(get(&t, "1993-11-25", "JPY", "AZM")), "1.09");
	CHECK_STR(rate_text(get(&t, "1993-11-25", "LBP", "AZM")), "0.07");
	CHECK(get(&t, "1993-11-25", "USD", "AZN") == NULL);
	dm_error_release(&err);
	free(t.r);
}

static void test_ecb(void)
{
	struct table t = { 0 };
	struct dm_rates_info info;
	struct dm_error err;
	dm_error_init(&err);
	CHECK_MSG(read_fixture("eurofxref-hist.csv", &t, &info, &err) == 0, "%s", err.message);
	CHECK_STR(info.format, "ecb-hist-csv");
	CHECK_STR(info.source, "ecb");
	CHECK_INT(info.nrates, 217555);
	CHECK_INT(info.nmissing, 68748);
	CHECK_INT(info.nskipped, 0);
	CHECK_STR(info.date_min, "1999-01-04");
	CHECK_STR(info.date_max, "2026-04-13");
	CHECK_STR(rate_text(get(&t, "2026-04-13", "EUR", "USD")), "1.1684");
	CHECK_STR(rate_text(get(&t, "2026-04-13", "EUR", "IDR")), "20082.05");
	CHECK_STR(rate_text(get(&t, "1999-01-04", "EUR", "USD")), "1.1789");
	CHECK_STR(rate_text(get(&t, "1999-01-04", "EUR", "TRL")), "372274");
	CHECK(get(&t, "2026-04-13", "EUR", "BGN") == NULL); /* N/A */
	CHECK_STR(t.r[0].source, "ecb");
	dm_error_release(&err);
	t.n = 0;
	dm_error_init(&err);
	CHECK_MSG(read_fixture("eurofxref.csv", &t, &info, &err) == 0, "%s", err.message);
	CHECK_STR(info.format, "ecb-daily-csv");
	CHECK_INT(info.nrates, 29);
	CHECK_STR(info.date_max, "2026-04-13");
	CHECK_STR(rate_text(get(&t, "2026-04-13", "EUR", "HUF")), "366.90"); /* kept as written */
	CHECK_STR(rate_text(get(&t, "2026-04-13", "EUR", "ZAR")), "19.3849");
	dm_error_release(&err);
	t.n = 0;
	dm_error_init(&err);
	CHECK_MSG(read_fixture("ecb-sdmx-csvdata-2026-02-17_to_2026-03-18.csv", &t, &info, &err) == 0, "%s",
		  err.message);
	CHECK_STR(info.format, "ecb-sdmx-csv");
	CHECK_INT(info.nrates, 638);
	CHECK_STR(info.date_min, "2026-02-17");
	CHECK_STR(info.date_max, "2026-03-18");
	CHECK_STR(rate_text(get(&t, "2026-02-17", "EUR", "USD")), "1.1826");
	dm_error_release(&err);
	free(t.r);
	/* a missing file */
	dm_error_init(&err);
	CHECK_INT(dm_rates_read_file("/nonexistent/rates.csv", collect, &t, &err), DM_ENOTFOUND);
	dm_error_release(&err);
}

/* ---- readers on bad input ---- */

struct bad_case {
	const char *data;
	int code;
	const char *message; /* exact, or NULL: any message */
	size_t len;          /* bytes of data, 0 = strlen */
};

static const struct bad_case bad[] = {
	{ "", DM_EINVAL, "the rate file is empty", 0 },
	{ "\n\n  \n", DM_EINVAL, "the rate file is empty", 0 },
	{ "hello,world\n1,2\n", DM_EINVAL, NULL, 0 },
	{ "Date,USD,\n2026-04-13,abc,\n", DM_EINVAL, "line 2: rate 'abc' for USD is not a number", 0 },
	{ "Date,USD,JPY,\n2026-04-13,1.1,186,\n\n\n2026-04-10,1.1,0,\n", DM_EINVAL,
	  "line 5: rate '0' for JPY must be greater than zero", 0 },
	{ "Date,USD,\n2026-04-13,-1.1684,\n", DM_EINVAL, "line 2: rate '-1.1684' for USD must be greater than zero", 0 },
	{ "Date,USD,\n2026-04-13,1e3,\n", DM_EINVAL, "line 2: rate '1e3' for USD has an exponent: write the digits in full", 0 },
	{ "Date,USD,\n2026-04-13,1.0000000000001,\n", DM_EINVAL,
	  "line 2: rate '1.0000000000001' for USD has more than 12 decimals", 0 },
	{ "Date,USD,\n2026-02-30,1.1,\n", DM_EINVAL, "line 2: date '2026-02-30' is not a date (YYYY-MM-DD)", 0 },
	{ "Date,USD,\n13/04/2026,1.1,\n", DM_EINVAL, NULL, 0 },
	{ "Date, USD, \n31 Feb 2026, 1.1, \n", DM_EINVAL, NULL, 0 },
	{ "Date,USD,\n2026-04-13,1.1,2.2,\n", DM_EINVAL, "line 2: 3 cells, the header has 2", 0 },
	{ "Date,USD,JPY\n2026-04-13,1.1\n", DM_EINVAL, "line 2: 2 cells, the header has 3", 0 },
	{ "Date,usd,\n2026-04-13,1.1,\n", DM_EINVAL, "line 1: column 2 'usd' is not a currency code", 0 },
	{ "Date,\n2026-04-13,\n", DM_EINVAL, NULL, 0 },
	{ "Date,USD,\n\"2026-04-13,1.1,\n", DM_EINVAL, "line 2: unclosed or misplaced quote", 0 },
	{ "Date,USD,\n2026-04-13,1.1\0,\n", DM_EINVAL, "line 2: contains a NUL byte", 27 },
	{ "FREQ,CURRENCY,TIME_PERIOD,OBS_VALUE\nD,USD,2026-02,1.18\n", DM_EINVAL,
	  "line 2: TIME_PERIOD '2026-02' is not a day (YYYY-MM-DD)", 0 },
	{ "FREQ,CURRENCY,TIME_PERIOD,OBS_VALUE\nD,USD,2026-02-17,x\n", DM_EINVAL,
	  "line 2: rate 'x' for USD is not a number", 0 },
	{ "FREQ,CURRENCY,TIME_PERIOD,OBS_VALUE\nD,USD,2026-02-17\n", DM_EINVAL, "line 2: 3 cells, the header has 4", 0 },
	{ "FREQ,CUR,TIME_PERIOD,OBS_VALUE\nD,USD,2026-02-17,1\n", DM_EINVAL, "line 1: no CURRENCY column", 0 },
	{ "<ValCurs Date=\"04.09.2026\"><ValType Type=\"Xarici valyutalar\"><Valute Code=\"USD\"><Nominal>1</Nominal>"
	  "<Value>abc</Value></Valute></ValType></ValCurs>", DM_EINVAL, "line 1: rate 'abc' for USD is not a number", 0 },
	{ "<ValCurs Date=\"04.09.2026\">\n<ValType Type=\"Xarici valyutalar\">\n<Valute Code=\"USD\">\n"
	  "<Nominal>1</Nominal>\n<Value>0</Value>\n</Valute></ValType></ValCurs>", DM_EINVAL,
	  "line 5: rate '0' for USD must be greater than zero", 0 },
	{ "<ValCurs Date=\"04.09.2026\"><ValType Type=\"Xarici valyutalar\"><Valute Code=\"USD\"><Nominal>1</Nominal>"
	  "<Value>-1.7</Value></Valute></ValType></ValCurs>", DM_EINVAL, NULL, 0 },
	{ "<ValCurs Date=\"04.09.2026\"><ValType Type=\"Xarici valyutalar\"><Valute Code=\"USD\"><Nominal>x</Nominal>"
	  "<Value>1.7</Value></Valute></ValType></ValCurs>", DM_EINVAL, "line 1: Nominal 'x' for USD is not a whole number", 0 },
	{ "<ValCurs Date=\"04.09.2026\"><ValType Type=\"Xarici valyutalar\"><Valute Code=\"USD\"><Nominal>0</Nominal>"
	  "<Value>1.7</Value></Valute></ValType></ValCurs>", DM_EINVAL, NULL, 0 },
	{ "<ValCurs Date=\"04.09.2026\"><ValType Type=\"Xarici valyutalar\"><Valute Code=\"USD\"><Nominal>3</Nominal>"
	  "<Value>1</Value></Valute></ValType></ValCurs>", DM_EINVAL, NULL, 0 },
	{ "<ValCurs Date=\"04.09.2026\"><ValType Type=\"Xarici valyutalar\"><Valute Code=\"USD\"><Nominal>1</Nominal>"
	  "<Value>1.7</Value></Valute><Valute Code=\"USD\"><Nominal>1</Nominal><Value>1.8</Value></Valute></ValType>"
	  "</ValCurs>", DM_EINVAL, "line 1: USD appears twice in the bulletin", 0 },
	{ "<ValCurs Date=\"2026-09-04\"></ValCurs>", DM_EINVAL,
	  "line 1: ValCurs Date '2026-09-04' is not a date (DD.MM.YYYY)", 0 },
	{ "<ValCurs Date=\"31.02.2026\"></ValCurs>", DM_EINVAL, NULL, 0 },
	{ "<ValCurs></ValCurs>", DM_EINVAL, NULL, 0 },
	{ "<rates/>", DM_EINVAL, "line 1: not a CBAR bulletin: the root element is 'rates', expected ValCurs", 0 },
	{ "<ValCurs Date=\"04.09.2026\">\n<ValType>", DM_EINVAL, NULL, 0 },
	{ "<?xml version=\"1.0\"?>\n<!DOCTYPE ValCurs [<!ENTITY a \"1.7\">]>\n<ValCurs Date=\"04.09.2026\">"
	  "<ValType Type=\"x\"><Valute Code=\"USD\"><Nominal>1</Nominal><Value>&a;</Value></Valute></ValType></ValCurs>",
	  DM_EINVAL, "XML with a DTD is not accepted in a rate file", 0 },
};

static int stop_at_two(const struct dm_rate *r, void *arg)
{
	int *n = arg;
	return ++*n == 2 ? 42 : 0;
}

static void test_bad(void)
{
	size_t i;
	struct table t = { 0 };
	struct dm_rates_info info;
	struct dm_error err;
	char *big;
	int n = 0;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].data);
		int rc;
		dm_error_init(&err);
		t.n = 0;
		rc = dm_rates_read_buffer(bad[i].data, len, collect, &t, &info, &err);
		CHECK_MSG(rc == bad[i].code, "case %zu: rc %d (%s)", i, rc, err.message);
		if (bad[i].message)
			CHECK_MSG(!strcmp(err.message, bad[i].message), "case %zu: message \"%s\", expected \"%s\"", i,
				  err.message, bad[i].message);
		else
			CHECK_MSG(err.message[0] != '\0', "case %zu: no message", i);
		dm_error_release(&err);
	}
	/* tolerated: empty CBAR Value (skipped, warned), N/A, CRLF, BOM, quotes, a CURRENCY_DENOM column */
	dm_error_init(&err);
	t.n = 0;
	{
		const char *x = "\xEF\xBB\xBF<ValCurs Date=\"04.09.2026\">\n<ValType Type=\"Bank metalları\"><Valute Code=\"XAU\">"
				"<Nominal>1 t.u.</Nominal><Value>7605.494</Value></Valute></ValType>\n"
				"<ValType Type=\"Xarici valyutalar\">\n<Valute Code=\"USD\"><Nominal>1</Nominal><Value></Value>"
				"</Valute>\n<Valute Code=\"HUF\"><Nominal> 100 </Nominal><Value> 0.5 </Value></Valute>"
				"</ValType></ValCurs>\n";
		CHECK_MSG(dm_rates_read_buffer(x, strlen(x), collect, &t, &info, &err) == 0, "%s", err.message);
		CHECK_INT(info.nrates, 1);
		CHECK_INT(info.nskipped, 1);
		CHECK_INT(info.nmetals, 1);
		CHECK_STR(info.warning, "line 4: no Value for USD; skipped");
		CHECK_STR(rate_text(get(&t, "2026-09-04", "HUF", "AZN")), "0.005");
	}
	dm_error_release(&err);
	dm_error_init(&err);
	t.n = 0;
	{
		const char *x = "\xEF\xBB\xBF" "Date,USD,JPY,EEK\r\n2026-04-13,1.1684,N/A,\r\n\r\n2026-04-10,\"1.1711\",186.43,15.6466\r\n";
		CHECK_MSG(dm_rates_read_buffer(x, strlen(x), collect, &t, &info, &err) == 0, "%s", err.message);
		CHECK_INT(info.nrates, 4);
		CHECK_INT(info.nmissing, 2);
		CHECK_STR(rate_text(get(&t, "2026-04-10", "EUR", "USD")), "1.1711");
		CHECK_STR(rate_text(get(&t, "2026-04-10", "EUR", "EEK")), "15.6466");
	}
	dm_error_release(&err);
	dm_error_init(&err);
	t.n = 0;
	{
		const char *x = "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,TIME_PERIOD,OBS_VALUE,TITLE\n"
				"EXR.D.USD.EUR.SP00.A,D,USD,EUR,SP00,2026-02-17,1.1826,\"US dollar, euro\"\n"
				"EXR.D.JPY.EUR.SP00.A,D,JPY,EUR,SP00,2026-02-17,,\"Japanese yen/Euro\"\n";
		CHECK_MSG(dm_rates_read_buffer(x, strlen(x), collect, &t, &info, &err) == 0, "%s", err.message);
		CHECK_INT(info.nrates, 1);
		CHECK_INT(info.nmissing, 1);
		CHECK_STR(rate_text(get(&t, "2026-02-17", "EUR", "USD")), "1.1826");
	}
	dm_error_release(&err);
	/* a Value too long to be a rate is refused, not cut */
	{
		char x[600];
		int k = snprintf(x, sizeof(x), "<ValCurs Date=\"04.09.2026\"><ValType Type=\"v\"><Valute Code=\"USD\">"
				 "<Nominal>1</Nominal><Value>1.7%300sx</Value></Valute></ValType></ValCurs>", "");
		dm_error_init(&err);
		CHECK_INT(dm_rates_read_buffer(x, (size_t)k, collect, &t, &info, &err), DM_EINVAL);
		CHECK_STR(err.message, "line 1: Value for USD is too long");
		dm_error_release(&err);
	}
	/* a line over 64 KiB */
	big = malloc(70000);
	memset(big, '1', 70000);
	memcpy(big, "Date,USD\n", 9);
	dm_error_init(&err);
	CHECK_INT(dm_rates_read_buffer(big, 70000, collect, &t, &info, &err), DM_ELIMIT);
	CHECK_MSG(strstr(err.message, "line 2: longer than") != NULL, "%s", err.message);
	dm_error_release(&err);
	free(big);
	/* the callback stops the reading and its value comes back */
	dm_error_init(&err);
	{
		const char *x = "Date,USD,JPY,GBP\n2026-04-13,1.1,186,0.87\n";
		CHECK_INT(dm_rates_read_buffer(x, strlen(x), stop_at_two, &n, &info, &err), 42);
		CHECK_INT(n, 2);
	}
	dm_error_release(&err);
	free(t.r);
}

/* ---- the conversion policy ---- */

static struct table policy_table(void)
{
	struct table t = { 0 };
	/* the report's manual rates */
	add(&t, "2021-09-08", "EUR", "AZN", "2.00818", "manual");
	add(&t, "2021-09-08", "EUR", "USD", "1.18188", "manual");
	/* CBAR: AZN per unit */
	add(&t, "2021-09-03", "EUR", "AZN", "2.0161", "cbar");
	add(&t, "2021-09-03", "USD", "AZN", "1.7", "cbar");
	add(&t, "2021-09-03", "GBP", "AZN", "2.2", "cbar");
	add(&t, "2021-09-06", "USD", "AZN", "1.7", "cbar");
	add(&t, "2021-09-06", "GBP", "AZN", "2.3", "cbar");
	/* ECB: units per EUR */
	add(&t, "2021-09-07", "EUR", "USD", "1.1861", "ecb");
	add(&t, "2021-09-07", "EUR", "GBP", "0.8571", "ecb");
	add(&t, "2021-09-07", "EUR", "ZAR", "16.8", "ecb");
	add(&t, "2021-09-07", "EUR", "JPY", "130.5", "ecb");
	/* an old rate only */
	add(&t, "2021-08-20", "EUR", "CHF", "1.07", "ecb");
	return t;
}

static int convert(struct table *t, const char *sources, int max_age, const char *amount, const char *from,
		   const char *to, const char *date, struct dm_conversion *out, struct dm_error *err)
{
	struct dm_rates_lookup lk = { table_find, t, sources, max_age };
	int64_t minor = 0;
	CHECK(dm_money_parse(amount, from, &minor, err) == 0);
	return dm_rates_convert(&lk, minor, from, to, date, out, err);
}

static const char *describe(const struct dm_conversion *c, size_t i)
{
	static char buf[256];
	CHECK(i < c->nrates);
	CHECK(dm_conversion_describe_rate(&c->rates[i], buf, sizeof(buf)) == 0);
	return buf;
}

static void test_policy(void)
{
	struct table t = policy_table();
	struct dm_conversion c;
	struct dm_error err;
	int rc;

	dm_error_init(&err);
	rc = convert(&t, "manual,cbar,ecb", 7, "400000", "EUR", "AZN", "2021-09-08", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_STR(c.amount, "803272.00");
	CHECK_INT(c.minor, 80327200);
	CHECK_STR(c.currency, "AZN");
	CHECK_INT(c.nrates, 1);
	CHECK_STR(describe(&c, 0), "2.00818 AZN per EUR of 2021-09-08 (manual)");
	CHECK_STR(c.rates[0].source, "manual");
	CHECK_INT(c.rates[0].inverted, 0);
	CHECK_STR(c.via, "");
	rc = convert(&t, "manual,cbar,ecb", 7, "400000", "EUR", "USD", "2021-09-08", &c, &err);
	CHECK_STR(c.amount, "472752.00");
	/* the inverse pair */
	rc = convert(&t, "manual,cbar,ecb", 7, "803272.00", "AZN", "EUR", "2021-09-08", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_STR(c.amount, "400000.00");
	CHECK_STR(describe(&c, 0), "2.00818 AZN per EUR of 2021-09-08 (manual, inverted)");
	/* source order: cbar before manual when configured so */
	rc = convert(&t, "cbar,manual", 7, "100", "EUR", "AZN", "2021-09-08", &c, &err);
	CHECK_STR(c.amount, "201.61");
	CHECK_STR(c.rates[0].source, "cbar");
	CHECK_STR(c.rates[0].date, "2021-09-03");
	/* a cross through AZN in one source: GBP -> USD with CBAR (newest on or before the date) */
	rc = convert(&t, "cbar", 7, "100", "GBP", "USD", "2021-09-08", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_STR(c.amount, "135.29"); /* 100 * 2.3 / 1.7 = 135.294 */
	CHECK_INT(c.nrates, 2);
	CHECK_STR(c.via, "AZN");
	CHECK_STR(describe(&c, 0), "2.3 AZN per GBP of 2021-09-06 (cbar)");
	CHECK_STR(describe(&c, 1), "1.7 AZN per USD of 2021-09-06 (cbar, inverted)");
	/* the same on an earlier day picks the older bulletin */
	rc = convert(&t, "cbar", 7, "100", "GBP", "USD", "2021-09-05", &c, &err);
	CHECK_STR(c.amount, "129.41");
	/* ECB has no AZN and crosses USD -> GBP through EUR */
	rc = convert(&t, "ecb", 7, "100", "USD", "GBP", "2021-09-08", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_STR(c.amount, "72.26"); /* 100 / 1.1861 * 0.8571 = 72.262 */
	CHECK_STR(c.via, "EUR");
	CHECK_INT(c.rates[0].inverted, 1);
	CHECK_INT(c.rates[1].inverted, 0);
	/* manual has EUR->USD but not GBP; cbar has GBP and USD: cbar's own cross comes before mixing */
	rc = convert(&t, "manual,cbar,ecb", 7, "100", "GBP", "USD", "2021-09-08", &c, &err);
	CHECK_STR(c.rates[0].source, "cbar");
	CHECK_STR(c.rates[1].source, "cbar");
	/* mixed sources: ZAR -> AZN through ECB's ZAR and CBAR's EUR rate */
	rc = convert(&t, "cbar,ecb", 7, "1680", "ZAR", "AZN", "2021-09-08", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_STR(c.via, "EUR");
	CHECK_STR(c.amount, "201.61"); /* 1680 / 16.8 * 2.0161 */
	CHECK_STR(describe(&c, 0), "16.8 ZAR per EUR of 2021-09-07 (ecb, inverted)");
	CHECK_STR(describe(&c, 1), "2.0161 AZN per EUR of 2021-09-03 (cbar)");
	/* JPY (0 decimals) */
	rc = convert(&t, "ecb", 7, "1", "EUR", "JPY", "2021-09-08", &c, &err);
	CHECK_STR(c.amount, "130"); /* 130.5 -> 130, half-even */
	/* the same currency needs no rate */
	rc = convert(&t, "ecb", 7, "12.50", "EUR", "EUR", "2021-09-08", &c, &err);
	CHECK_INT(rc, 0);
	CHECK_STR(c.amount, "12.50");
	CHECK_INT(c.nrates, 0);
	dm_error_release(&err);

	/* staleness: the boundary day is accepted, the day after it is not */
	dm_error_init(&err);
	rc = convert(&t, "cbar", 7, "100", "EUR", "AZN", "2021-09-10", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	rc = convert(&t, "cbar", 7, "100", "EUR", "AZN", "2021-09-11", &c, &err);
	CHECK_INT(rc, DM_ENOTFOUND);
	CHECK_STR(err.message, "no EUR->AZN rate within 7 days before 2021-09-11 (newest: cbar 2021-09-03)");
	dm_error_release(&err);
	dm_error_init(&err);
	rc = convert(&t, "manual,cbar,ecb", 7, "100", "EUR", "CHF", "2021-09-08", &c, &err);
	CHECK_INT(rc, DM_ENOTFOUND);
	CHECK_STR(err.message, "no EUR->CHF rate within 7 days before 2021-09-08 (newest: ecb 2021-08-20)");
	dm_error_release(&err);
	dm_error_init(&err);
	rc = convert(&t, "manual,cbar,ecb", -1, "100", "EUR", "CHF", "2021-09-08", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message); /* no age limit */
	CHECK_STR(c.amount, "107.00");
	dm_error_release(&err);
	dm_error_init(&err);
	rc = convert(&t, "manual,cbar,ecb", 7, "100", "EUR", "AZN", "2021-09-01", &c, &err);
	CHECK_INT(rc, DM_ENOTFOUND);
	CHECK_STR(err.message, "no EUR->AZN rate on or before 2021-09-01 (sources: manual,cbar,ecb)");
	dm_error_release(&err);
	dm_error_init(&err);
	rc = convert(&t, "manual", 7, "100", "EUR", "KWD", "2021-09-08", &c, &err);
	CHECK_INT(rc, DM_ENOTFOUND);
	dm_error_release(&err);
	/* bad arguments */
	dm_error_init(&err);
	{
		struct dm_rates_lookup lk = { table_find, &t, "manual,cbar,ecb", 7 };
		CHECK_INT(dm_rates_convert(&lk, 100, "EUR", "XYZ", "2021-09-08", &c, &err), DM_EINVAL);
		CHECK_STR(err.message, "unknown currency 'XYZ'");
		dm_error_release(&err);
		dm_error_init(&err);
		CHECK_INT(dm_rates_convert(&lk, 100, "EUR", "AZN", "08.09.2021", &c, &err), DM_EINVAL);
		CHECK_STR(err.message, "date '08.09.2021' is not a date (YYYY-MM-DD)");
		dm_error_release(&err);
		dm_error_init(&err);
		lk.sources = " , ";
		CHECK_INT(dm_rates_convert(&lk, 100, "EUR", "AZN", "2021-09-08", &c, &err), DM_EINVAL);
		dm_error_release(&err);
		dm_error_init(&err);
		lk.sources = "manual";
		t.fail = 1;
		CHECK_INT(dm_rates_convert(&lk, 100, "EUR", "AZN", "2021-09-08", &c, &err), DM_EIO);
		CHECK_STR(err.message, "disk on fire");
		t.fail = 0;
	}
	dm_error_release(&err);
	free(t.r);
}

/* The policy over real bulletins: CBAR's 04.09.2026 file used on the following Sunday. */
static void test_policy_fixtures(void)
{
	struct table t = { 0 };
	struct dm_rates_info info;
	struct dm_conversion c;
	struct dm_error err;
	int rc;
	dm_error_init(&err);
	CHECK(read_fixture("cbar-04.09.2026.xml", &t, &info, &err) == 0);
	CHECK(read_fixture("eurofxref.csv", &t, &info, &err) == 0);
	rc = convert(&t, "manual,cbar,ecb", 7, "400000", "EUR", "AZN", "2026-09-06", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_STR(c.amount, "790600.00"); /* 400000 * 1.9765 */
	CHECK_STR(describe(&c, 0), "1.9765 AZN per EUR of 2026-09-04 (cbar)");
	rc = convert(&t, "manual,cbar,ecb", 7, "1000000", "JPY", "USD", "2026-09-06", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_STR(c.amount, "6395.88"); /* 1000000 * 0.010873 / 1.7 = 6395.882 */
	/* the ECB file is from April: too old for September, and the message says so */
	rc = convert(&t, "ecb", 7, "100", "EUR", "ZAR", "2026-09-06", &c, &err);
	CHECK_INT(rc, DM_ENOTFOUND);
	CHECK_STR(err.message, "no EUR->ZAR rate within 7 days before 2026-09-06 (newest: ecb 2026-04-13)");
	dm_error_release(&err);
	free(t.r);
}


/* ---- storage: import into exchange_rate records, and conversion from the database ---- */

static void remove_db(const char *path)
{
	char side[512];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static int64_t count_rates(struct dm_db *db)
{
	struct dm_error err;
	int64_t n = -1;
	dm_error_init(&err);
	CHECK_MSG(dm_store_query_int(dm_db_store(db), "SELECT count(*) FROM exchange_rate", NULL, &n, &err) == 0,
		  "%s", err.message);
	dm_error_release(&err);
	return n;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void test_store(void)
{
	const struct dm_actor who = { "test", "local", NULL };
	struct dm_rates_import_stats st;
	struct dm_conversion c;
	struct dm_error err;
	struct dm_db *db = NULL;
	char dbpath[256], tmp[256], path[1024];
	int64_t before;
	json_t *in;
	int rc;

	snprintf(dbpath, sizeof(dbpath), "/tmp/demine-test-rates-%d.db", (int)getpid());
	snprintf(tmp, sizeof(tmp), "/tmp/demine-test-rates-%d.csv", (int)getpid());
	remove_db(dbpath);
	dm_error_init(&err);
	rc = dm_db_open(dbpath, 1, &db, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	if (rc) {
		dm_error_release(&err);
		return;
	}
	snprintf(path, sizeof(path), "%s/rates/cbar-04.09.2026.xml", check_fixtures());
	rc = dm_rates_import_file(db, &who, path, &st, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_INT(st.ncreated, 37);
	CHECK_INT(st.nunchanged, 0);
	CHECK_STR(st.info.date_max, "2026-09-04");
	CHECK_INT(count_rates(db), 37);
	dm_error_release(&err);
	dm_error_init(&err);
	/* Sunday's request returned Friday's bulletin: nothing new */
	snprintf(path, sizeof(path), "%s/rates/cbar-06.09.2026.xml", check_fixtures());
	rc = dm_rates_import_file(db, &who, path, &st, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_INT(st.ncreated, 0);
	CHECK_INT(st.nunchanged, 37);
	CHECK_INT(count_rates(db), 37);
	dm_error_release(&err);

	/* ECB files: the daily one, then the same day again inside a history extract */
	dm_error_init(&err);
	snprintf(path, sizeof(path), "%s/rates/eurofxref.csv", check_fixtures());
	rc = dm_rates_import_file(db, &who, path, &st, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_INT(st.ncreated, 29);
	dm_error_release(&err);
	dm_error_init(&err);
	CHECK(write_file(tmp, "Date,USD,JPY,\n2026-04-13,1.1684,186.76,\n2026-04-10,1.1711,186.43,\n") == 0);
	rc = dm_rates_import_file(db, &who, tmp, &st, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_INT(st.ncreated, 2);
	CHECK_INT(st.nupdated, 1); /* JPY 186.75 -> 186.76: a new version */
	CHECK_INT(st.nunchanged, 1);
	CHECK_INT(count_rates(db), 37 + 29 + 2);
	dm_error_release(&err);

	/* all or nothing: a bad value on line 3 leaves the database as it was */
	dm_error_init(&err);
	before = count_rates(db);
	CHECK(write_file(tmp, "Date,USD,\n2026-04-09,1.17,\n2026-04-08,0,\n") == 0);
	rc = dm_rates_import_file(db, &who, tmp, &st, &err);
	CHECK_INT(rc, DM_EINVAL);
	CHECK_STR(err.message, "line 3: rate '0' for USD must be greater than zero");
	CHECK_INT(count_rates(db), before);
	dm_error_release(&err);

	/* the report's manual rate, then conversions */
	dm_error_init(&err);
	in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "date", "2021-09-08", "from_currency", "EUR", "to_currency",
		       "AZN", "rate", "2.00818", "source", "manual", "change_reason", "the rate the report implies");
	{
		struct dm_write_opts o;
		memset(&o, 0, sizeof(o));
		o.approve = 1;
		rc = dm_record_create(db, &who, "exchange_rate", in, &o, NULL, &err);
		CHECK_MSG(rc == 0, "%s", err.message);
	}
	json_decref(in);
	dm_error_release(&err);
	dm_error_init(&err);
	rc = dm_rates_convert_db(db, 40000000, "EUR", "AZN", "2021-09-08", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_STR(c.amount, "803272.00");
	CHECK_STR(c.rates[0].source, "manual");
	rc = dm_rates_convert_db(db, 40000000, "EUR", "AZN", "2026-09-06", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_STR(c.amount, "790600.00");
	CHECK_STR(c.rates[0].source, "cbar");
	CHECK_STR(c.rates[0].date, "2026-09-04");
	rc = dm_rates_convert_db(db, 10000, "USD", "GBP", "2026-04-14", &c, &err); /* ECB cross via EUR */
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK_STR(c.via, "EUR");
	dm_error_release(&err);
	dm_error_init(&err);
	rc = dm_rates_convert_db(db, 40000000, "EUR", "AZN", "2026-09-20", &c, &err);
	CHECK_INT(rc, DM_ENOTFOUND);
	CHECK_STR(err.message, "no EUR->AZN rate within 7 days before 2026-09-20 (newest: cbar 2026-09-04)");
	dm_error_release(&err);
	dm_error_init(&err);
	CHECK(dm_db_set_setting(db, "rates.max_age_days", "30", &err) == 0);
	rc = dm_rates_convert_db(db, 40000000, "EUR", "AZN", "2026-09-20", &c, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK(dm_db_set_setting(db, "rates.sources", "ecb", &err) == 0);
	dm_error_release(&err);
	dm_error_init(&err);
	rc = dm_rates_convert_db(db, 40000000, "EUR", "AZN", "2021-09-08", &c, &err);
	CHECK_INT(rc, DM_ENOTFOUND);
	dm_error_release(&err);
	dm_db_close(db);
	remove_db(dbpath);
	unlink(tmp);
}

int main(void)
{
	test_cbar();
	test_ecb();
	test_bad();
	test_policy();
	test_policy_fixtures();
	test_store();
	return check_report("rates");
}
