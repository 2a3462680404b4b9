/* fold.c: folding text for search (case, accents, Azerbaijani and Cyrillic letters), so that
 * Füzuli, FUZULI and fuzuli, or Физули and ФИЗУЛИ, are one spelling. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "demine/fold.h"

/* Base letters of U+00C0-U+00FF; '*' marks the ones folded to two letters, '.' the ones kept. */
static const char latin1[] = "aaaaaa*ceeeeiiii" "dnooooo.ouuuuy**"
			     "aaaaaa*ceeeeiiii" "dnooooo.ouuuuy*y";
/* Base letters of U+0100-U+017F (Latin Extended-A), '*' two letters. */
static const char latin_a[] = "aaaaaaccccccccdd" "ddeeeeeeeeeegggg" "gggghhhhiiiiiiii"
			      "ii**jjkkklllllll" "lllnnnnnnnnnoooo" "oo**rrrrrrssssss"
			      "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";

/* Decodes one UTF-8 sequence at s; returns its length (0 if invalid) and the code point. */
static size_t decode(const unsigned char *s, uint32_t *cp)
{
	size_t n, i;
	uint32_t c = s[0], min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0)
		n = 2, c &= 0x1F, min = 0x80;
	else if ((c & 0xF0) == 0xE0)
		n = 3, c &= 0x0F, min = 0x800;
	else if ((c & 0xF8) == 0xF0)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

static size_t encode(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3F));
	out[2] = (char)(0x80 | (c >> 6 & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Letters that fold to two: ß æ œ ĳ þ. */
static const char *pair(uint32_t c)
{
	switch (c) {
	case 0xC6: case 0xE6: return "ae";
	case 0xDE: case 0xFE: return "th";
	case 0xDF: return "ss";
	case 0x132: case 0x133: return "ij";
	case 0x152: case 0x153: return "oe";
	default: return "?";
	}
}

/* Cyrillic (U+0400-U+052F) to lower case, ё and є-like variants kept apart except ё -> е. */
static uint32_t cyrillic_lower(uint32_t c)
{
	if (c >= 0x410 && c <= 0x42F)
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40F)
		c += 0x50;
	if (c == 0x451)
		return 0x435; /* ё is written е in most sources */
	if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F))
		return c | 1; /* pairs: upper case even, lower case odd */
	if (c >= 0x4C1 && c <= 0x4CE)
		return (c & 1) ? c + 1 : c;
	if (c == 0x4C0)
		return 0x4CF;
	return c;
}

/* Appends the folded form of c to out; returns the bytes written (at most 4). */
static size_t fold_one(uint32_t c, char *out)
{
	const char *two;
	char base = 0;
	if (c < 0x80) {
		out[0] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		return 1;
	}
	if (c >= 0x300 && c <= 0x36F)
		return 0; /* combining accents of decomposed text */
	if (c >= 0xC0 && c <= 0xFF)
		base = latin1[c - 0xC0];
	else if (c >= 0x100 && c <= 0x17F)
		base = latin_a[c - 0x100];
	else if (c == 0x18F || c == 0x259 || c == 0x1DD)
		base = 'e'; /* Azerbaijani schwa Ə ə */
	else if (c == 0x1E6 || c == 0x1E7)
		base = 'g';
	else if (c == 0x218 || c == 0x219)
		base = 's';
	else if (c == 0x21A || c == 0x21B)
		base = 't';
	/* cppcheck-suppress knownConditionTrueFalse ; base comes from the tables above */
	if (base == '*') {
		two = pair(c);
		out[0] = two[0];
		out[1] = two[1];
		return 2;
	}
	/* cppcheck-suppress knownConditionTrueFalse ; likewise */
	if (base && base != '.') {
		out[0] = base;
		return 1;
	}
	if (c >= 0x400 && c <= 0x52F)
		c = cyrillic_lower(c);
	return encode(c, out);
}

char *dm_fold(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), k = 0, n;
	/* a folded character is never longer than its UTF-8 form, except a 2-byte letter that
	 * folds to two letters (same length): len + 1 always suffices */
	char *out = malloc(len + 1);
	uint32_t c;
	if (!out)
		return NULL;
	while (*p) {
		n = decode(p, &c);
		if (!n) {
			out[k++] = '?';
			p++;
			continue;
		}
		k += fold_one(c, out + k);
		p += n;
	}
	out[k] = 0;
	return out;
}

int dm_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	size_t n;
	while (*p) {
		if (!(n = decode(p, &c)))
			return 0;
		p += n;
	}
	return 1;
}
