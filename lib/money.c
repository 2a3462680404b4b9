/* money.c: ISO 4217 currencies, amounts in minor units, exact decimals and conversion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/money.h"

/* ISO 4217 (list one, 2025) plus withdrawn codes still met in historic rate files.
 * exp -1: no minor unit (metals, units of account, test codes): not usable for money.
 * Sorted by code: looked up with bsearch (the unit test checks the order). */
struct currency {
	char code[4];
	signed char exp;
	unsigned char current;
	const char *name;
};

#define C(code, exp, name) { code, exp, 1, name }
#define W(code, exp, name) { code, exp, 0, name } /* withdrawn */

static const struct currency currencies[] = {
	C("AED", 2, "UAE Dirham"),
	C("AFN", 2, "Afghani"),
	C("ALL", 2, "Lek"),
	C("AMD", 2, "Armenian Dram"),
	W("ANG", 2, "Netherlands Antillean Guilder"),
	C("AOA", 2, "Kwanza"),
	C("ARS", 2, "Argentine Peso"),
	W("ATS", 2, "Schilling"),
	C("AUD", 2, "Australian Dollar"),
	C("AWG", 2, "Aruban Florin"),
	W("AZM", 2, "Azerbaijanian Manat (1992-2005)"),
	C("AZN", 2, "Azerbaijan Manat"),
	C("BAM", 2, "Convertible Mark"),
	C("BBD", 2, "Barbados Dollar"),
	C("BDT", 2, "Taka"),
	W("BEF", 0, "Belgian Franc"),
	W("BGN", 2, "Bulgarian Lev"),
	C("BHD", 3, "Bahraini Dinar"),
	C("BIF", 0, "Burundi Franc"),
	C("BMD", 2, "Bermudian Dollar"),
	C("BND", 2, "Brunei Dollar"),
	C("BOB", 2, "Boliviano"),
	C("BOV", 2, "Mvdol"),
	C("BRL", 2, "Brazilian Real"),
	C("BSD", 2, "Bahamian Dollar"),
	C("BTN", 2, "Ngultrum"),
	C("BWP", 2, "Pula"),
	C("BYN", 2, "Belarusian Ruble"),
	W("BYR", 0, "Belarusian Ruble (2000-2016)"),
	C("BZD", 2, "Belize Dollar"),
	C("CAD", 2, "Canadian Dollar"),
	C("CDF", 2, "Congolese Franc"),
	C("CHE", 2, "WIR Euro"),
	C("CHF", 2, "Swiss Franc"),
	C("CHW", 2, "WIR Franc"),
	C("CLF", 4, "Unidad de Fomento"),
	C("CLP", 0, "Chilean Peso"),
	C("CNY", 2, "Yuan Renminbi"),
	C("COP", 2, "Colombian Peso"),
	C("COU", 2, "Unidad de Valor Real"),
	C("CRC", 2, "Costa Rican Colon"),
	C("CUC", 2, "Peso Convertible"),
	C("CUP", 2, "Cuban Peso"),
	C("CVE", 2, "Cabo Verde Escudo"),
	W("CYP", 2, "Cyprus Pound"),
	C("CZK", 2, "Czech Koruna"),
	W("DEM", 2, "Deutsche Mark"),
	C("DJF", 0, "Djibouti Franc"),
	C("DKK", 2, "Danish Krone"),
	C("DOP", 2, "Dominican Peso"),
	C("DZD", 2, "Algerian Dinar"),
	W("EEK", 2, "Kroon"),
	C("EGP", 2, "Egyptian Pound"),
	C("ERN", 2, "Nakfa"),
	W("ESP", 0, "Spanish Peseta"),
	C("ETB", 2, "Ethiopian Birr"),
	C("EUR", 2, "Euro"),
	W("FIM", 2, "Markka"),
	C("FJD", 2, "Fiji Dollar"),
	C("FKP", 2, "Falkland Islands Pound"),
	W("FRF", 2, "French Franc"),
	C("GBP", 2, "Pound Sterling"),
	C("GEL", 2, "Lari"),
	C("GHS", 2, "Ghana Cedi"),
	C("GIP", 2, "Gibraltar Pound"),
	C("GMD", 2, "Dalasi"),
	C("GNF", 0, "Guinean Franc"),
	W("GRD", 0, "Drachma"),
	C("GTQ", 2, "Quetzal"),
	C("GYD", 2, "Guyana Dollar"),
	C("HKD", 2, "Hong Kong Dollar"),
	C("HNL", 2, "Lempira"),
	W("HRK", 2, "Kuna"),
	C("HTG", 2, "Gourde"),
	C("HUF", 2, "Forint"),
	C("IDR", 2, "Rupiah"),
	W("IEP", 2, "Irish Pound"),
	C("ILS", 2, "New Israeli Sheqel"),
	C("INR", 2, "Indian Rupee"),
	C("IQD", 3, "Iraqi Dinar"),
	C("IRR", 2, "Iranian Rial"),
	C("ISK", 0, "Iceland Krona"),
	W("ITL", 0, "Italian Lira"),
	C("JMD", 2, "Jamaican Dollar"),
	C("JOD", 3, "Jordanian Dinar"),
	C("JPY", 0, "Yen"),
	C("KES", 2, "Kenyan Shilling"),
	C("KGS", 2, "Som"),
	C("KHR", 2, "Riel"),
	C("KMF", 0, "Comorian Franc"),
	C("KPW", 2, "North Korean Won"),
	C("KRW", 0, "Won"),
	C("KWD", 3, "Kuwaiti Dinar"),
	C("KYD", 2, "Cayman Islands Dollar"),
	C("KZT", 2, "Tenge"),
	C("LAK", 2, "Lao Kip"),
	C("LBP", 2, "Lebanese Pound"),
	C("LKR", 2, "Sri Lanka Rupee"),
	C("LRD", 2, "Liberian Dollar"),
	C("LSL", 2, "Loti"),
	W("LTL", 2, "Lithuanian Litas"),
	W("LUF", 0, "Luxembourg Franc"),
	W("LVL", 2, "Latvian Lats"),
	C("LYD", 3, "Libyan Dinar"),
	C("MAD", 2, "Moroccan Dirham"),
	C("MDL", 2, "Moldovan Leu"),
	C("MGA", 2, "Malagasy Ariary"),
	C("MKD", 2, "Denar"),
	C("MMK", 2, "Kyat"),
	C("MNT", 2, "Tugrik"),
	C("MOP", 2, "Pataca"),
	W("MRO", 2, "Ouguiya (1973-2017)"),
	C("MRU", 2, "Ouguiya"),
	W("MTL", 2, "Maltese Lira"),
	C("MUR", 2, "Mauritius Rupee"),
	C("MVR", 2, "Rufiyaa"),
	C("MWK", 2, "Malawi Kwacha"),
	C("MXN", 2, "Mexican Peso"),
	C("MXV", 2, "Mexican Unidad de Inversion (UDI)"),
	C("MYR", 2, "Malaysian Ringgit"),
	C("MZN", 2, "Mozambique Metical"),
	C("NAD", 2, "Namibia Dollar"),
	C("NGN", 2, "Naira"),
	C("NIO", 2, "Cordoba Oro"),
	W("NLG", 2, "Netherlands Guilder"),
	C("NOK", 2, "Norwegian Krone"),
	C("NPR", 2, "Nepalese Rupee"),
	C("NZD", 2, "New Zealand Dollar"),
	C("OMR", 3, "Rial Omani"),
	C("PAB", 2, "Balboa"),
	C("PEN", 2, "Sol"),
	C("PGK", 2, "Kina"),
	C("PHP", 2, "Philippine Peso"),
	C("PKR", 2, "Pakistan Rupee"),
	C("PLN", 2, "Zloty"),
	W("PTE", 0, "Portuguese Escudo"),
	C("PYG", 0, "Guarani"),
	C("QAR", 2, "Qatari Rial"),
	W("ROL", 2, "Romanian Leu (1952-2005)"),
	C("RON", 2, "Romanian Leu"),
	C("RSD", 2, "Serbian Dinar"),
	C("RUB", 2, "Russian Ruble"),
	C("RWF", 0, "Rwanda Franc"),
	C("SAR", 2, "Saudi Riyal"),
	C("SBD", 2, "Solomon Islands Dollar"),
	C("SCR", 2, "Seychelles Rupee"),
	C("SDG", 2, "Sudanese Pound"),
	C("SEK", 2, "Swedish Krona"),
	C("SGD", 2, "Singapore Dollar"),
	C("SHP", 2, "Saint Helena Pound"),
	W("SIT", 2, "Tolar"),
	W("SKK", 2, "Slovak Koruna"),
	C("SLE", 2, "Leone"),
	W("SLL", 2, "Leone (1964-2022)"),
	C("SOS", 2, "Somali Shilling"),
	C("SRD", 2, "Surinam Dollar"),
	C("SSP", 2, "South Sudanese Pound"),
	W("STD", 2, "Dobra (1977-2017)"),
	C("STN", 2, "Dobra"),
	C("SVC", 2, "El Salvador Colon"),
	C("SYP", 2, "Syrian Pound"),
	C("SZL", 2, "Lilangeni"),
	C("THB", 2, "Baht"),
	C("TJS", 2, "Somoni"),
	C("TMT", 2, "Turkmenistan New Manat"),
	C("TND", 3, "Tunisian Dinar"),
	C("TOP", 2, "Pa'anga"),
	W("TRL", 0, "Turkish Lira (1922-2005)"),
	C("TRY", 2, "Turkish Lira"),
	C("TTD", 2, "Trinidad and Tobago Dollar"),
	C("TWD", 2, "New Taiwan Dollar"),
	C("TZS", 2, "Tanzanian Shilling"),
	C("UAH", 2, "Hryvnia"),
	C("UGX", 0, "Uganda Shilling"),
	C("USD", 2, "US Dollar"),
	C("USN", 2, "US Dollar (Next day)"),
	W("USS", 2, "US Dollar (Same day)"),
	C("UYI", 0, "Uruguay Peso en Unidades Indexadas (UI)"),
	C("UYU", 2, "Peso Uruguayo"),
	C("UYW", 4, "Unidad Previsional"),
	C("UZS", 2, "Uzbekistan Sum"),
	C("VED", 2, "Bolivar Soberano"),
	W("VEF", 2, "Bolivar (2008-2018)"),
	C("VES", 2, "Bolivar Soberano"),
	C("VND", 0, "Dong"),
	C("VUV", 0, "Vatu"),
	C("WST", 2, "Tala"),
	C("XAF", 0, "CFA Franc BEAC"),
	C("XAG", -1, "Silver"),
	C("XAU", -1, "Gold"),
	C("XBA", -1, "Bond Markets Unit European Composite Unit (EURCO)"),
	C("XBB", -1, "Bond Markets Unit European Monetary Unit (E.M.U.-6)"),
	C("XBC", -1, "Bond Markets Unit European Unit of Account 9 (E.U.A.-9)"),
	C("XBD", -1, "Bond Markets Unit European Unit of Account 17 (E.U.A.-17)"),
	C("XCD", 2, "East Caribbean Dollar"),
	C("XCG", 2, "Caribbean Guilder"),
	C("XDR", -1, "SDR (Special Drawing Right)"),
	C("XOF", 0, "CFA Franc BCEAO"),
	C("XPD", -1, "Palladium"),
	C("XPF", 0, "CFP Franc"),
	C("XPT", -1, "Platinum"),
	C("XSU", -1, "Sucre"),
	C("XTS", -1, "Codes specifically reserved for testing purposes"),
	C("XUA", -1, "ADB Unit of Account"),
	C("XXX", -1, "No currency"),
	C("YER", 2, "Yemeni Rial"),
	C("ZAR", 2, "Rand"),
	W("ZMK", 2, "Zambian Kwacha (1968-2012)"),
	C("ZMW", 2, "Zambian Kwacha"),
	C("ZWG", 2, "Zimbabwe Gold"),
	W("ZWL", 2, "Zimbabwe Dollar"),
};
#define NCURRENCIES (sizeof(currencies) / sizeof(currencies[0]))

static int cmp_code(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const struct currency *)elem)->code);
}

static const struct currency *find_currency(const char *code)
{
	if (!code || strlen(code) != 3)
		return NULL;
	return bsearch(code, currencies, NCURRENCIES, sizeof(currencies[0]), cmp_code);
}

int dm_currency_exponent(const char *code)
{
	const struct currency *c = find_currency(code);
	return c ? c->exp : -1;
}

int dm_currency_valid(const char *code)
{
	return dm_currency_exponent(code) >= 0;
}

int dm_currency_current(const char *code)
{
	const struct currency *c = find_currency(code);
	return c && c->current && c->exp >= 0;
}

const char *dm_currency_name(const char *code)
{
	const struct currency *c = find_currency(code);
	return c ? c->name : NULL;
}

const char *dm_currency_at(size_t i, int *exponent)
{
	if (i >= NCURRENCIES)
		return NULL;
	if (exponent)
		*exponent = currencies[i].exp;
	return currencies[i].code;
}

/* ---- decimal text ---- */

static const int64_t pow10_tab[19] = {
	1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
	1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
	100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
	1000000000000000000LL,
};

enum { SCAN_OK = 0, SCAN_EMPTY, SCAN_SEPARATOR, SCAN_EXPONENT, SCAN_GARBAGE, SCAN_OVERFLOW };

/* Scans [+-]digits[.digits] into a mantissa and a count of decimals; trailing fraction
 * zeros past max_scale are dropped (exact), other excess decimals are reported via
 * *scale > max_scale with the mantissa left meaningless. */
static int scan_decimal(const char *s, int max_scale, int64_t *mant, int *scale)
{
	const char *p = s, *frac = NULL, *end;
	int neg = 0, ndec = 0;
	uint64_t v = 0, limit;
	if (!s || !*s)
		return SCAN_EMPTY;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		return SCAN_GARBAGE;
	for (end = p; (*end >= '0' && *end <= '9'); end++)
		;
	if (*end == '.') {
		frac = end + 1;
		for (end = frac; (*end >= '0' && *end <= '9'); end++)
			;
		if (end == frac)
			return strchr(end, ',') || strchr(end, '.') ? SCAN_SEPARATOR : SCAN_GARBAGE;
	}
	if (*end) {
		if (*end == ',' || *end == '\'' || *end == ' ' || *end == '_' || (*end == '.' && frac))
			return SCAN_SEPARATOR;
		if (*end == 'e' || *end == 'E')
			return SCAN_EXPONENT;
		return SCAN_GARBAGE;
	}
	if (frac) {
		const char *last = end; /* drop excess trailing zeros: "1.230" EUR is exact */
		while (last > frac && last - frac > max_scale && last[-1] == '0')
			last--;
		ndec = (int)(last - frac);
		end = last;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (ndec > max_scale) {
		*scale = ndec;
		*mant = 0;
		return SCAN_OK;
	}
	for (; p < end; p++) {
		unsigned d;
		if (*p == '.')
			continue;
		d = (unsigned)(*p - '0');
		if (v > (limit - d) / 10)
			return SCAN_OVERFLOW;
		v = v * 10 + d;
	}
	*mant = neg ? (int64_t)(0 - v) : (int64_t)v;
	*scale = ndec;
	return SCAN_OK;
}

static int scan_fail(int rc, const char *what, const char *text, struct dm_error *err)
{
	switch (rc) {
	case SCAN_EMPTY:
		return dm_error_set(err, DM_EINVAL, NULL, "%s is empty", what);
	case SCAN_SEPARATOR:
		return dm_error_set(err, DM_EINVAL, NULL, "%s '%s' has a separator: write digits only, "
				    "with '.' before the decimals", what, text);
	case SCAN_EXPONENT:
		return dm_error_set(err, DM_EINVAL, NULL, "%s '%s' has an exponent: write the digits in full",
				    what, text);
	case SCAN_OVERFLOW:
		return dm_error_set(err, DM_EINVAL, NULL, "%s '%s' is too large", what, text);
	default:
		return dm_error_set(err, DM_EINVAL, NULL, "%s '%s' is not a number", what, text);
	}
}

int dm_money_parse(const char *text, const char *currency, int64_t *minor, struct dm_error *err)
{
	int exp = dm_currency_exponent(currency), rc, scale = 0;
	int64_t m = 0;
	if (exp < 0)
		return dm_error_set(err, DM_EINVAL, NULL, "unknown currency '%s'", currency ? currency : "");
	rc = scan_decimal(text, exp, &m, &scale);
	if (rc)
		return scan_fail(rc, "amount", text, err);
	if (scale > exp)
		return dm_error_set(err, DM_EINVAL, NULL, "amount '%s' has more decimals than %s allows (%d)",
				    text, currency, exp);
	if (__builtin_mul_overflow(m, pow10_tab[exp - scale], &m))
		return dm_error_set(err, DM_EINVAL, NULL, "amount '%s' is too large", text);
	*minor = m;
	return 0;
}

/* Writes mant / 10^scale into buf. */
static int format_scaled(int64_t mant, int scale, char *buf, size_t n)
{
	uint64_t a = mant < 0 ? 0 - (uint64_t)mant : (uint64_t)mant;
	uint64_t p = (uint64_t)pow10_tab[scale];
	int w;
	if (scale == 0)
		w = snprintf(buf, n, "%s%llu", mant < 0 ? "-" : "", (unsigned long long)a);
	else
		w = snprintf(buf, n, "%s%llu.%0*llu", mant < 0 ? "-" : "", (unsigned long long)(a / p), scale,
			     (unsigned long long)(a % p));
	return w < 0 || (size_t)w >= n ? DM_ELIMIT : 0;
}

int dm_money_format(int64_t minor, const char *currency, char *buf, size_t n)
{
	int exp = dm_currency_exponent(currency);
	if (exp < 0) {
		if (n)
			buf[0] = '\0';
		return DM_EINVAL;
	}
	return format_scaled(minor, exp, buf, n);
}

static int decimal_parse(const char *what, const char *text, struct dm_decimal *out, struct dm_error *err)
{
	int64_t m = 0;
	int scale = 0, rc = scan_decimal(text, DM_DECIMAL_MAX_SCALE, &m, &scale);
	if (rc)
		return scan_fail(rc, what, text, err);
	if (scale > DM_DECIMAL_MAX_SCALE)
		return dm_error_set(err, DM_EINVAL, NULL, "%s '%s' has more than %d decimals", what, text,
				    DM_DECIMAL_MAX_SCALE);
	out->mantissa = m;
	out->scale = scale;
	return 0;
}

int dm_decimal_parse(const char *text, struct dm_decimal *out, struct dm_error *err)
{
	return decimal_parse("decimal", text, out, err);
}

int dm_decimal_parse_rate(const char *text, struct dm_decimal *out, struct dm_error *err)
{
	struct dm_decimal d;
	int rc = decimal_parse("rate", text, &d, err);
	if (rc)
		return rc;
	if (d.mantissa <= 0)
		return dm_error_set(err, DM_EINVAL, NULL, "rate '%s' must be greater than zero", text);
	*out = d;
	return 0;
}

int dm_decimal_format(const struct dm_decimal *d, char *buf, size_t n)
{
	if (d->scale < 0 || d->scale > DM_DECIMAL_MAX_SCALE) {
		if (n)
			buf[0] = '\0';
		return DM_EINVAL;
	}
	return format_scaled(d->mantissa, d->scale, buf, n);
}

int dm_decimal_cmp(const struct dm_decimal *a, const struct dm_decimal *b)
{
	__int128 x = (__int128)a->mantissa, y = (__int128)b->mantissa;
	if (a->scale < b->scale)
		x *= pow10_tab[b->scale - a->scale];
	else if (b->scale < a->scale)
		y *= pow10_tab[a->scale - b->scale];
	return x < y ? -1 : x > y;
}

void dm_decimal_normalise(struct dm_decimal *d)
{
	while (d->scale > 0 && d->mantissa % 10 == 0) {
		d->mantissa /= 10;
		d->scale--;
	}
}

/* ---- conversion: num/den kept reduced, unsigned 128-bit, sign apart ---- */

typedef unsigned __int128 u128;

static u128 gcd128(u128 a, u128 b)
{
	while (b) {
		u128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* *x = *x * f / g-reduced against *other; returns 0 or -1 on overflow. */
static int mul_reduced(u128 *x, u128 *other, u128 f)
{
	u128 g = gcd128(f, *other);
	if (g > 1) {
		f /= g;
		*other /= g;
	}
	g = gcd128(*x, *other);
	if (g > 1) {
		*x /= g;
		*other /= g;
	}
	return __builtin_mul_overflow(*x, f, x) ? -1 : 0;
}

int dm_money_convert_steps(int64_t minor, const char *from, const char *to,
			   const struct dm_money_step *steps, size_t nsteps, int64_t *out,
			   struct dm_error *err)
{
	int ef = dm_currency_exponent(from), et = dm_currency_exponent(to);
	u128 num, den = 1, q, r, limit;
	int neg = minor < 0;
	size_t i;
	if (ef < 0)
		return dm_error_set(err, DM_EINVAL, NULL, "unknown currency '%s'", from ? from : "");
	if (et < 0)
		return dm_error_set(err, DM_EINVAL, NULL, "unknown currency '%s'", to ? to : "");
	if (nsteps == 0 && strcmp(from, to))
		return dm_error_set(err, DM_EUSAGE, NULL, "no rate given to convert %s to %s", from, to);
	num = neg ? 0 - (uint64_t)minor : (uint64_t)minor;
	if (num == 0) {
		*out = 0;
		return 0;
	}
	/* minor * 10^-ef [* or / rate_i ...] * 10^et */
	if (mul_reduced(&num, &den, (u128)pow10_tab[et]) || mul_reduced(&den, &num, (u128)pow10_tab[ef]))
		goto overflow;
	for (i = 0; i < nsteps; i++) {
		const struct dm_decimal *d = steps[i].rate;
		u128 m, p;
		if (!d || d->mantissa <= 0 || d->scale < 0 || d->scale > DM_DECIMAL_MAX_SCALE) {
			char b[DM_DECIMAL_BUF] = "?";
			if (d)
				dm_decimal_format(d, b, sizeof(b));
			return dm_error_set(err, DM_EINVAL, NULL, "rate '%s' must be greater than zero", b);
		}
		m = (u128)(uint64_t)d->mantissa;
		p = (u128)pow10_tab[d->scale];
		if (steps[i].invert) {
			if (mul_reduced(&num, &den, p) || mul_reduced(&den, &num, m))
				goto overflow;
		} else {
			if (mul_reduced(&num, &den, m) || mul_reduced(&den, &num, p))
				goto overflow;
		}
	}
	q = num / den;
	r = num % den;
	/* half-even: up when the remainder is over half, or exactly half and q is odd */
	if (r > den - r || (r == den - r && (q & 1)))
		q++;
	limit = neg ? (u128)INT64_MAX + 1 : (u128)INT64_MAX;
	if (q > limit)
		goto overflow;
	*out = neg ? (int64_t)(0 - (uint64_t)q) : (int64_t)(uint64_t)q;
	return 0;
overflow:
	{
		char b[32];
		dm_money_format(minor, from, b, sizeof(b));
		return dm_error_set(err, DM_ELIMIT, NULL, "amount %s %s is too large to convert to %s", b, from, to);
	}
}

int dm_money_convert(int64_t minor, const char *from, const char *to, const struct dm_decimal *rate,
		     int64_t *out, struct dm_error *err)
{
	struct dm_money_step s = { rate, 0 };
	return dm_money_convert_steps(minor, from, to, &s, 1, out, err);
}

int dm_money_convert_inverse(int64_t minor, const char *from, const char *to,
			     const struct dm_decimal *rate, int64_t *out, struct dm_error *err)
{
	struct dm_money_step s = { rate, 1 };
	return dm_money_convert_steps(minor, from, to, &s, 1, out, err);
}

int dm_money_convert_cross(int64_t minor, const char *from, const char *to,
			   const struct dm_decimal *rate1, const struct dm_decimal *rate2,
			   int64_t *out, struct dm_error *err)
{
	struct dm_money_step s[2] = { { rate1, 0 }, { rate2, 0 } };
	return dm_money_convert_steps(minor, from, to, s, 2, out, err);
}
