/* money.h: amounts as integer minor units of an ISO 4217 currency, exact decimals for rates,
 * and conversion with half-even rounding. No floating point anywhere. */
#ifndef DEMINE_MONEY_H
#define DEMINE_MONEY_H
#include <stddef.h>
#include <stdint.h>
#include "demine/error.h"

/* ---- currencies (ISO 4217) ---- */

/* Minor-unit exponent of a currency: 2 for EUR, USD, AZN; 0 for JPY, KRW; 3 for KWD, BHD.
 * Current codes and the withdrawn ones that still appear in historic rate files (EEK, LTL,
 * CYP, TRL, HRK, ...). Returns -1 for an unknown code and for codes without a minor unit
 * (metals XAU/XAG/XPT/XPD, XDR, test and fund codes): money can not be kept in them.
 * Codes are three upper-case letters; the match is exact. */
int dm_currency_exponent(const char *code);
/* 1 if code is a currency money may be kept in (dm_currency_exponent() >= 0), else 0. */
int dm_currency_valid(const char *code);
/* 1 if code is in the current ISO 4217 list (not withdrawn), else 0. */
int dm_currency_current(const char *code);
/* English name ("Euro"), or NULL for an unknown code. */
const char *dm_currency_name(const char *code);
/* Iterates the table (for docs, the API schema): returns the i-th code or NULL past the end. */
const char *dm_currency_at(size_t i, int *exponent);

/* ---- amounts ---- */

/* Parses a decimal amount in currency into minor units: "400000", "400000.5", "400000.00",
 * "-12.34", "+3". Refused (DM_EINVAL, message quoting the text): more decimals than the
 * currency allows ("amount '1.234' has more decimals than EUR allows (2)"), thousands
 * separators, exponents, spaces, empty text, a lone sign or dot, overflow of int64;
 * an unknown currency ("unknown currency 'XYZ'"). err may be NULL. */
int dm_money_parse(const char *text, const char *currency, int64_t *minor, struct dm_error *err);

/* Formats minor units with the currency's decimals: 80327200 EUR -> "803272.00",
 * 5 JPY -> "5", -1 EUR -> "-0.01". No thousands separators, no currency code.
 * Returns 0, DM_EINVAL (unknown currency; buf gets "") or DM_ELIMIT (buf too small). */
int dm_money_format(int64_t minor, const char *currency, char *buf, size_t n);

/* ---- exact decimals (rates) ---- */

#define DM_DECIMAL_MAX_SCALE 12 /* most decimals a rate may have */
#define DM_DECIMAL_BUF 32       /* enough for any formatted dm_decimal */

/* value = mantissa / 10^scale, 0 <= scale <= DM_DECIMAL_MAX_SCALE. The scale is kept as
 * written ("366.90" stays scale 2); compare with dm_decimal_cmp(), not memcmp. */
struct dm_decimal {
	int64_t mantissa;
	int scale;
};

/* Parses "2.00818", "-1.5", "118", ".5" is refused (a digit must precede the dot).
 * Refuses garbage, exponents, separators, more than 12 decimals, and values whose
 * mantissa does not fit int64. err may be NULL; messages say "decimal '...' ...". */
int dm_decimal_parse(const char *text, struct dm_decimal *out, struct dm_error *err);
/* As dm_decimal_parse, for an exchange rate: also refuses zero and negative values
 * ("rate '0' must be greater than zero"); messages say "rate '...' ...". */
int dm_decimal_parse_rate(const char *text, struct dm_decimal *out, struct dm_error *err);
/* Formats with exactly d->scale decimals ("2.00818", "366.90", "118").
 * Returns 0, or DM_ELIMIT when buf is too small (DM_DECIMAL_BUF always suffices). */
int dm_decimal_format(const struct dm_decimal *d, char *buf, size_t n);
/* Numeric comparison: <0, 0, >0 ("1.70" equals "1.7"). */
int dm_decimal_cmp(const struct dm_decimal *a, const struct dm_decimal *b);
/* Removes trailing zeros of the fraction ("1.700" -> "1.7"). */
void dm_decimal_normalise(struct dm_decimal *d);

/* ---- conversion ---- */

/* One factor of a conversion: multiply by rate, or divide by it when invert is set. */
struct dm_money_step {
	const struct dm_decimal *rate;
	int invert;
};

/* Converts minor units of 'from' into minor units of 'to' through steps, in exact rational
 * arithmetic (128-bit, reduced as it goes), rounding once at the end, half-even, to the
 * minor unit of 'to'. nsteps 0 requires from == to. Refuses unknown currencies, rates that
 * are not > 0, and results that do not fit (DM_ELIMIT "amount ... is too large to convert"). */
int dm_money_convert_steps(int64_t minor, const char *from, const char *to,
			   const struct dm_money_step *steps, size_t nsteps, int64_t *out,
			   struct dm_error *err);
/* rate = units of 'to' per 1 'from' (multiply): 400000.00 EUR at 2.00818 -> 803272.00 AZN. */
int dm_money_convert(int64_t minor, const char *from, const char *to, const struct dm_decimal *rate,
		     int64_t *out, struct dm_error *err);
/* rate = units of 'from' per 1 'to' (divide): AZN -> EUR with the rate 2.00818 AZN/EUR. */
int dm_money_convert_inverse(int64_t minor, const char *from, const char *to,
			     const struct dm_decimal *rate, int64_t *out, struct dm_error *err);
/* Cross: minor * rate1 * rate2, each in units of the next currency per 1 of the previous
 * (from -> via at rate1, via -> to at rate2); rounded once. */
int dm_money_convert_cross(int64_t minor, const char *from, const char *to,
			   const struct dm_decimal *rate1, const struct dm_decimal *rate2,
			   int64_t *out, struct dm_error *err);

#endif
