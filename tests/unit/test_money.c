/* test_money.c: currencies, amount parsing and formatting, exact decimals, conversion. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "demine/money.h"
#include "check.h"

static int64_t parse_ok(const char *text, const char *cur)
{
	struct dm_error err;
	int64_t v = -777;
	dm_error_init(&err);
	CHECK_MSG(dm_money_parse(text, cur, &v, &err) == 0, "%s %s: %s", text, cur, err.message);
	dm_error_release(&err);
	return v;
}

static void parse_bad(const char *text, const char *cur, const char *msg)
{
	struct dm_error err;
	int64_t v = 0;
	dm_error_init(&err);
	CHECK_MSG(dm_money_parse(text, cur, &v, &err) == DM_EINVAL, "'%s' %s accepted", text, cur);
	if (msg)
		CHECK_STR(err.message, msg);
	else
		CHECK_MSG(err.message[0] != '\0', "'%s': no message", text);
	dm_error_release(&err);
}

static const char *fmt(int64_t minor, const char *cur)
{
	static char buf[64];
	CHECK(dm_money_format(minor, cur, buf, sizeof(buf)) == 0);
	return buf;
}

static struct dm_decimal dec(const char *text)
{
	struct dm_decimal d = { 0, 0 };
	struct dm_error err;
	dm_error_init(&err);
	CHECK_MSG(dm_decimal_parse_rate(text, &d, &err) == 0, "%s: %s", text, err.message);
	dm_error_release(&err);
	return d;
}

static void test_currencies(void)
{
	const char *code, *prev = "";
	size_t i, n = 0;
	int exp;
	CHECK_INT(dm_currency_exponent("AZN"), 2);
	CHECK_INT(dm_currency_exponent("EUR"), 2);
	CHECK_INT(dm_currency_exponent("USD"), 2);
	CHECK_INT(dm_currency_exponent("GBP"), 2);
	CHECK_INT(dm_currency_exponent("JPY"), 0);
	CHECK_INT(dm_currency_exponent("KRW"), 0);
	CHECK_INT(dm_currency_exponent("ISK"), 0);
	CHECK_INT(dm_currency_exponent("KWD"), 3);
	CHECK_INT(dm_currency_exponent("BHD"), 3);
	CHECK_INT(dm_currency_exponent("OMR"), 3);
	CHECK_INT(dm_currency_exponent("CLF"), 4);
	CHECK_INT(dm_currency_exponent("XAU"), -1);
	CHECK_INT(dm_currency_exponent("XYZ"), -1);
	CHECK_INT(dm_currency_exponent("eur"), -1);
	CHECK_INT(dm_currency_exponent("EURO"), -1);
	CHECK_INT(dm_currency_exponent(""), -1);
	CHECK_INT(dm_currency_exponent(NULL), -1);
	CHECK(dm_currency_valid("AZN"));
	CHECK(!dm_currency_valid("XDR"));
	CHECK(!dm_currency_valid("SDR"));
	CHECK(dm_currency_valid("EEK"));   /* withdrawn, still in ECB history */
	CHECK(!dm_currency_current("EEK"));
	CHECK(dm_currency_current("EUR"));
	CHECK_STR(dm_currency_name("AZN"), "Azerbaijan Manat");
	/* sorted (bsearch relies on it), three upper-case letters each */
	for (i = 0; (code = dm_currency_at(i, &exp)) != NULL; i++, n++) {
		CHECK_MSG(strcmp(prev, code) < 0, "%s after %s", code, prev);
		CHECK_MSG(strlen(code) == 3 && code[0] >= 'A' && code[0] <= 'Z', "%s", code);
		CHECK_INT(dm_currency_exponent(code), exp);
		prev = code;
	}
	CHECK_MSG(n > 170, "only %zu currencies", n);
}

/* Every current code of the IATI Currency codelist (ISO 4217 replicated) is known. */
static void test_iati_codelist(void)
{
	char path[1024], line[512];
	FILE *f;
	int nseen = 0;
	snprintf(path, sizeof(path), "%s/iati/codelists/Currency.xml", check_fixtures());
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "skipping IATI codelist check: %s not found\n", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "<code>");
		if (p && strlen(p) >= 9) {
			char code[4];
			memcpy(code, p + 6, 3);
			code[3] = '\0';
			if (!strcmp(code, "XBT")) /* bitcoin: not ISO 4217 */
				continue;
			nseen++;
			CHECK_MSG(dm_currency_name(code) != NULL, "IATI currency %s is not in the table", code);
		}
	}
	fclose(f);
	CHECK_MSG(nseen > 150, "%d IATI codes", nseen);
}

static void test_parse(void)
{
	CHECK_INT(parse_ok("400000", "EUR"), 40000000);
	CHECK_INT(parse_ok("400000.5", "EUR"), 40000050);
	CHECK_INT(parse_ok("400000.00", "EUR"), 40000000);
	CHECK_INT(parse_ok("-12.34", "EUR"), -1234);
	CHECK_INT(parse_ok("+3", "USD"), 300);
	CHECK_INT(parse_ok("0", "USD"), 0);
	CHECK_INT(parse_ok("-0.00", "USD"), 0);
	CHECK_INT(parse_ok("1.230", "EUR"), 123); /* exact: the extra decimal is a zero */
	CHECK_INT(parse_ok("1500", "JPY"), 1500);
	CHECK_INT(parse_ok("5.00", "JPY"), 5);
	CHECK_INT(parse_ok("1.234", "KWD"), 1234);
	CHECK_INT(parse_ok("92233720368547758.07", "EUR"), INT64_MAX);
	CHECK_INT(parse_ok("-92233720368547758.08", "EUR"), INT64_MIN);
	CHECK_INT(parse_ok("007.5", "EUR"), 750);
	parse_bad("1.234", "EUR", "amount '1.234' has more decimals than EUR allows (2)");
	parse_bad("1.5", "JPY", "amount '1.5' has more decimals than JPY allows (0)");
	parse_bad("1.2345", "KWD", "amount '1.2345' has more decimals than KWD allows (3)");
	parse_bad("1,000.00", "EUR", "amount '1,000.00' has a separator: write digits only, with '.' before the decimals");
	parse_bad("1 000", "EUR", NULL);
	parse_bad("1.000.000", "EUR", NULL);
	parse_bad("1e5", "EUR", "amount '1e5' has an exponent: write the digits in full");
	parse_bad("1.5E2", "EUR", NULL);
	parse_bad("", "EUR", "amount is empty");
	parse_bad("-", "EUR", NULL);
	parse_bad(".5", "EUR", NULL);
	parse_bad("5.", "EUR", NULL);
	parse_bad(" 5", "EUR", NULL);
	parse_bad("5 ", "EUR", NULL);
	parse_bad("abc", "EUR", "amount 'abc' is not a number");
	parse_bad("0x10", "EUR", NULL);
	parse_bad("NaN", "EUR", NULL);
	parse_bad("inf", "EUR", NULL);
	parse_bad("--1", "EUR", NULL);
	parse_bad("92233720368547758.08", "EUR", "amount '92233720368547758.08' is too large");
	parse_bad("99999999999999999999", "JPY", NULL);
	parse_bad("922337203685477581", "EUR", NULL); /* fits int64 only before scaling to cents */
	parse_bad("100", "XYZ", "unknown currency 'XYZ'");
	parse_bad("100", "XAU", "unknown currency 'XAU'");
	parse_bad("100", NULL, "unknown currency ''");
}

static void test_format(void)
{
	char small[4];
	CHECK_STR(fmt(80327200, "AZN"), "803272.00");
	CHECK_STR(fmt(40000050, "EUR"), "400000.50");
	CHECK_STR(fmt(-1234, "EUR"), "-12.34");
	CHECK_STR(fmt(-1, "EUR"), "-0.01");
	CHECK_STR(fmt(0, "EUR"), "0.00");
	CHECK_STR(fmt(5, "JPY"), "5");
	CHECK_STR(fmt(-5, "KRW"), "-5");
	CHECK_STR(fmt(1234, "KWD"), "1.234");
	CHECK_STR(fmt(INT64_MAX, "EUR"), "92233720368547758.07");
	CHECK_STR(fmt(INT64_MIN, "EUR"), "-92233720368547758.08");
	CHECK_STR(fmt(INT64_MIN, "JPY"), "-9223372036854775808");
	CHECK_INT(dm_money_format(100, "XYZ", small, sizeof(small)), DM_EINVAL);
	CHECK_STR(small, "");
	CHECK_INT(dm_money_format(100000, "EUR", small, sizeof(small)), DM_ELIMIT);
}

static void test_decimal(void)
{
	struct dm_decimal d, e;
	struct dm_error err;
	char buf[DM_DECIMAL_BUF];
	const char *bad[] = { "", "abc", "1e3", "1,5", "1.", ".5", "1.2.3", "1 ", "0x1", "nan",
			      "1.0000000000001", "99999999999999999999", NULL };
	const char *roundtrip[] = { "2.00818", "1.7", "366.90", "118", "0.000000000001", "20082.05",
				    "1.000000000000", "9223372.036854775807", NULL };
	size_t i;
	d = dec("2.00818");
	CHECK_INT(d.mantissa, 200818);
	CHECK_INT(d.scale, 5);
	for (i = 0; roundtrip[i]; i++) {
		d = dec(roundtrip[i]);
		CHECK(dm_decimal_format(&d, buf, sizeof(buf)) == 0);
		CHECK_STR(buf, roundtrip[i]);
	}
	for (i = 0; bad[i]; i++) {
		dm_error_init(&err);
		CHECK_MSG(dm_decimal_parse_rate(bad[i], &d, &err) == DM_EINVAL, "'%s' accepted", bad[i]);
		CHECK_MSG(strncmp(err.message, "rate ", 5) == 0, "%s", err.message);
		dm_error_release(&err);
	}
	dm_error_init(&err);
	CHECK_INT(dm_decimal_parse_rate("0", &d, &err), DM_EINVAL);
	CHECK_STR(err.message, "rate '0' must be greater than zero");
	dm_error_release(&err);
	dm_error_init(&err);
	CHECK_INT(dm_decimal_parse_rate("-1.5", &d, &err), DM_EINVAL);
	CHECK_STR(err.message, "rate '-1.5' must be greater than zero");
	dm_error_release(&err);
	dm_error_init(&err);
	CHECK_INT(dm_decimal_parse_rate("0.0000000000001", &d, &err), DM_EINVAL);
	CHECK_STR(err.message, "rate '0.0000000000001' has more than 12 decimals");
	dm_error_release(&err);
	dm_error_init(&err);
	CHECK_INT(dm_decimal_parse("-1.5", &d, &err), 0); /* a plain decimal may be negative */
	CHECK_INT(d.mantissa, -15);
	CHECK_INT(dm_decimal_parse("0.000", &d, &err), 0);
	CHECK_INT(dm_decimal_parse("1e3", &d, &err), DM_EINVAL);
	CHECK_STR(err.message, "decimal '1e3' has an exponent: write the digits in full");
	dm_error_release(&err);
	d = dec("1.70");
	e = dec("1.7");
	CHECK_INT(dm_decimal_cmp(&d, &e), 0);
	e = dec("1.71");
	CHECK(dm_decimal_cmp(&d, &e) < 0);
	CHECK(dm_decimal_cmp(&e, &d) > 0);
	d = dec("366.900");
	dm_decimal_normalise(&d);
	CHECK(dm_decimal_format(&d, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "366.9");
	d = dec("100");
	dm_decimal_normalise(&d); /* integers keep their zeros */
	CHECK_INT(d.mantissa, 100);
	CHECK(dm_decimal_format(&d, buf, 3) == DM_ELIMIT);
}

static int64_t conv(int64_t minor, const char *from, const char *to, const char *rate, int invert)
{
	struct dm_decimal r = dec(rate);
	struct dm_error err;
	int64_t out = -777;
	dm_error_init(&err);
	if (invert)
		CHECK_MSG(dm_money_convert_inverse(minor, from, to, &r, &out, &err) == 0, "%s", err.message);
	else
		CHECK_MSG(dm_money_convert(minor, from, to, &r, &out, &err) == 0, "%s", err.message);
	dm_error_release(&err);
	return out;
}

static void test_convert(void)
{
	struct dm_decimal r1, r2;
	struct dm_money_step steps[2];
	struct dm_error err;
	int64_t out;
	/* the report's figures */
	CHECK_STR(fmt(conv(parse_ok("400000", "EUR"), "EUR", "AZN", "2.00818", 0), "AZN"), "803272.00");
	CHECK_STR(fmt(conv(parse_ok("400000", "EUR"), "EUR", "USD", "1.18188", 0), "USD"), "472752.00");
	CHECK_STR(fmt(conv(parse_ok("803272.00", "AZN"), "AZN", "EUR", "2.00818", 1), "EUR"), "400000.00");
	/* half-even to the target's minor unit */
	CHECK_INT(conv(100, "EUR", "USD", "0.125", 0), 12);   /* 0.125 -> 0.12 */
	CHECK_INT(conv(100, "EUR", "USD", "0.135", 0), 14);   /* 0.135 -> 0.14 */
	CHECK_INT(conv(100, "EUR", "USD", "0.145", 0), 14);   /* 0.145 -> 0.14 */
	CHECK_INT(conv(100, "EUR", "USD", "0.1451", 0), 15);
	CHECK_INT(conv(100, "EUR", "USD", "0.1249", 0), 12);
	CHECK_INT(conv(-100, "EUR", "USD", "0.125", 0), -12);
	CHECK_INT(conv(-100, "EUR", "USD", "0.135", 0), -14);
	CHECK_INT(conv(-100, "EUR", "USD", "0.1351", 0), -14);
	CHECK_INT(conv(-100, "EUR", "USD", "0.1349", 0), -13);
	CHECK_INT(conv(5, "EUR", "USD", "0.5", 0), 2);        /* 0.025 -> 0.02 */
	CHECK_INT(conv(7, "EUR", "USD", "0.5", 0), 4);        /* 0.035 -> 0.04 */
	CHECK_INT(conv(100, "USD", "KWD", "0.3075", 0), 308); /* 0.3075 -> 0.308 */
	CHECK_INT(conv(100, "USD", "KWD", "0.3065", 0), 306);
	CHECK_INT(conv(100, "EUR", "JPY", "186.5", 0), 186);  /* to 0 decimals */
	CHECK_INT(conv(100, "EUR", "JPY", "187.5", 0), 188);
	CHECK_INT(conv(1, "JPY", "EUR", "0.005", 0), 0);      /* 0.005 -> 0.00 */
	CHECK_INT(conv(3, "JPY", "EUR", "0.005", 0), 2);      /* 0.015 -> 0.02 */
	CHECK_INT(conv(1000, "KWD", "EUR", "3", 1), 33);      /* 1/3 = 0.333 -> 0.33 */
	CHECK_INT(conv(2000, "KWD", "EUR", "3", 1), 67);
	CHECK_INT(conv(0, "EUR", "AZN", "2", 0), 0);
	/* inverse with a Nominal-style rate: 100 JPY = 1.1234 AZN, rate 0.011234 */
	CHECK_INT(conv(112340, "AZN", "JPY", "0.011234", 1), 100000);
	/* cross: GBP -> AZN (cbar 2.2) then AZN -> USD (cbar USD 1.7, inverted); one rounding */
	r1 = dec("2.2");
	r2 = dec("1.7");
	steps[0].rate = &r1;
	steps[0].invert = 0;
	steps[1].rate = &r2;
	steps[1].invert = 1;
	dm_error_init(&err);
	CHECK(dm_money_convert_steps(10000, "GBP", "USD", steps, 2, &out, &err) == 0);
	CHECK_STR(fmt(out, "USD"), "129.41");
	/* rounding once: 1.005 EUR via two exact rates 0.5 and 2 stays 1.00 (half-even) */
	r1 = dec("0.5");
	r2 = dec("2");
	CHECK(dm_money_convert_cross(201, "EUR", "USD", &r1, &r2, &out, &err) == 0);
	CHECK_INT(out, 201);
	r1 = dec("1.18188");
	r2 = dec("2.00818");
	/* USD -> EUR (inverse of 1.18188) -> AZN */
	steps[0].rate = &r1;
	steps[0].invert = 1;
	steps[1].rate = &r2;
	steps[1].invert = 0;
	CHECK(dm_money_convert_steps(47275200, "USD", "AZN", steps, 2, &out, &err) == 0);
	CHECK_STR(fmt(out, "AZN"), "803272.00");
	/* 12-decimal rates twice over a large amount: reduced as it goes, no overflow */
	r1 = dec("1.234567890123");
	r2 = dec("0.987654321098");
	CHECK(dm_money_convert_cross(100000000000000LL, "EUR", "USD", &r1, &r2, &out, &err) == 0);
	CHECK_INT(out, 121932631136882LL); /* 1219326311368.82|19... */
	dm_error_release(&err);
	/* same currency, no steps */
	dm_error_init(&err);
	CHECK(dm_money_convert_steps(123, "EUR", "EUR", NULL, 0, &out, &err) == 0);
	CHECK_INT(out, 123);
	CHECK(dm_money_convert_steps(123, "EUR", "USD", NULL, 0, &out, &err) == DM_EUSAGE);
	dm_error_release(&err);
	/* errors */
	dm_error_init(&err);
	r1 = dec("2");
	CHECK_INT(dm_money_convert(INT64_MAX, "EUR", "AZN", &r1, &out, &err), DM_ELIMIT);
	CHECK_STR(err.message, "amount 92233720368547758.07 EUR is too large to convert to AZN");
	dm_error_release(&err);
	dm_error_init(&err);
	CHECK_INT(dm_money_convert(INT64_MIN, "EUR", "AZN", &r1, &out, &err), DM_ELIMIT);
	dm_error_release(&err);
	dm_error_init(&err);
	r1 = dec("1");
	CHECK_INT(dm_money_convert(INT64_MIN, "EUR", "USD", &r1, &out, &err), 0);
	CHECK_INT(out, INT64_MIN);
	CHECK_INT(dm_money_convert(1, "EUR", "XYZ", &r1, &out, &err), DM_EINVAL);
	CHECK_STR(err.message, "unknown currency 'XYZ'");
	dm_error_release(&err);
	dm_error_init(&err);
	r1.mantissa = 0;
	CHECK_INT(dm_money_convert(1, "EUR", "USD", &r1, &out, &err), DM_EINVAL);
	CHECK_STR(err.message, "rate '0' must be greater than zero");
	dm_error_release(&err);
	dm_error_init(&err);
	r1.mantissa = -5;
	CHECK_INT(dm_money_convert_inverse(1, "EUR", "USD", &r1, &out, &err), DM_EINVAL);
	dm_error_release(&err);
}

int main(void)
{
	test_currencies();
	test_iati_codelist();
	test_parse();
	test_format();
	test_decimal();
	test_convert();
	return check_report("money");
}
