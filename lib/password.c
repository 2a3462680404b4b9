/* password.c: the account password rule (NIST SP 800-63B style: length and a list of
 * passwords known to be common, no composition rules). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/fold.h"
#include "demine/password.h"
#include "demine/util.h"

/* Bases of the passwords most often found in breaches and default configurations (and the
 * obvious ones of this field and region), lower case. A password whose core (what is left
 * when digits, symbols and spaces are taken off both ends, and common letter-for-digit swaps
 * undone) is one of these, or one of these repeated, is refused. */
static const char *const common[] = {
	"password", "pass", "passwd", "passcode", "qwerty", "qwertz", "azerty", "letmein", "welcome", "admin",
	"administrator", "root", "login", "master", "secret", "changeme", "default", "iloveyou", "loveyou",
	"love", "lovely", "loveme", "monkey", "dragon", "football", "baseball", "soccer", "hockey", "princess",
	"sunshine", "shadow", "superman", "batman", "spiderman", "michael", "jennifer", "jordan", "trustno",
	"starwars", "whatever", "freedom", "hello", "hellohello", "abc", "test", "testing", "tester", "guest",
	"user", "username", "demo", "demine", "mine", "landmine", "azerbaijan", "baku", "anama", "karabakh",
	"access", "computer", "internet", "samsung", "google", "apple", "microsoft", "windows", "linux",
	"mustang", "charlie", "thomas", "robert", "daniel", "ashley", "bailey", "killer", "pepper", "ginger",
	"cheese", "flower", "summer", "winter", "spring", "autumn", "hunter", "ranger", "buster", "tigger",
	"harley", "hannah", "maggie", "jessica", "andrew", "joshua", "matrix", "silver", "golden", "orange",
	"purple", "yellow", "banana", "cookie", "chocolate", "pokemon", "naruto", "minecraft", "fuckyou",
	"asshole", "zaqxsw", "qazwsx", "qazxsw", "asdf", "asdfgh", "zxcvbn", "zxcvbnm", "qwertyuiop",
	"parol", "sifre", "salam", "salamlar", "privet", "secure", "security", "office", "server", "database",
	"system", "manager", "support", "service", "company", "student", "teacher", "family", "friends",
	"letmeinnow", "iloveu", "mypassword", "newpassword", "oldpassword", "temp", "temporary", NULL,
};

/* Rows of keys and runs of letters and digits: a password inside one (either way) is a walk. */
static const char *const runs[] = {
	"abcdefghijklmnopqrstuvwxyz", "01234567890123456789", "qwertyuiopasdfghjklzxcvbnm", "qwertzuiopasdfghjklyxcvbnm",
	"azertyuiopqsdfghjklmwxcvbn", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "1q2w3e4r5t6y7u8i9o0p",
	"zaq1xsw2cde3vfr4bgt5nhy6mju7", "q1w2e3r4t5y6u7i8o9p0", "a1b2c3d4e5f6g7h8i9", NULL,
};

static int fail(struct dm_error *err, const char *why)
{
	return dm_error_set(err, DM_EINVAL, "password", "password %s", why);
}

static size_t count_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static char unswap(char c)
{
	static const char from[] = "0134@$57!|", to[] = "oieaasstil";
	const char *p = strchr(from, c);
	return p && c ? to[p - from] : c;
}

/* The folded password without digits, symbols and spaces at either end, common swaps undone
 * inside; caller frees. */
static char *core_of(const char *folded)
{
	size_t n = strlen(folded), a = 0, b = n, i;
	char *c;
	while (a < n && !isalpha((unsigned char)folded[a]) && !((unsigned char)folded[a] & 0x80))
		a++;
	while (b > a && !isalpha((unsigned char)folded[b - 1]) && !((unsigned char)folded[b - 1] & 0x80))
		b--;
	if (!(c = malloc(b - a + 1)))
		return NULL;
	for (i = a; i < b; i++)
		c[i - a] = unswap(folded[i]);
	c[b - a] = 0;
	return c;
}

/* 1 if s is one entry of common, or one entry said several times over. */
static int is_common(const char *s, const char **which)
{
	size_t n = strlen(s), k, i;
	for (i = 0; common[i]; i++) {
		k = strlen(common[i]);
		if (!n || n % k)
			continue;
		size_t j;
		for (j = 0; j < n && !strncmp(s + j, common[i], k); j += k)
			;
		if (j == n) {
			*which = common[i];
			return 1;
		}
	}
	return 0;
}

/* 1 if s (at least 4 bytes) is a stretch of one of the runs, forwards or backwards. */
static int is_walk(const char *s)
{
	size_t n = strlen(s), i, j, m;
	if (n < 4)
		return 0;
	for (i = 0; runs[i]; i++) {
		m = strlen(runs[i]);
		for (j = 0; j + n <= m; j++) {
			const char *run = runs[i] + j; /* n bytes of it from here on */
			size_t k;
			/* s[k] is never NUL for k < n; saying so lets scan-build follow the bounds */
			for (k = 0; k < n && s[k] && s[k] == run[k]; k++)
				;
			if (k == n)
				return 1;
			for (k = 0; k < n && s[k] && s[k] == run[n - 1 - k]; k++)
				;
			if (k == n)
				return 1;
		}
	}
	return 0;
}

/* 1 if s is a short pattern (at most 4 bytes) said over and over: "aaaaaaaaaaaa", "121212121212". */
static int is_repeat(const char *s)
{
	size_t n = strlen(s), p, i;
	for (p = 1; p <= 4 && p < n; p++) {
		for (i = p; i < n && s[i] == s[i - p]; i++)
			;
		if (i == n)
			return 1;
	}
	return 0;
}

/* s without spaces and punctuation, for the walk and repeat tests; caller frees. */
static char *squeeze(const char *s)
{
	char *out = calloc(strlen(s) + 1, 1), *w = out; /* zeroed: scan-build can follow it */
	if (!out)
		return NULL;
	for (; *s; s++)
		if (isalnum((unsigned char)*s) || ((unsigned char)*s & 0x80))
			*w++ = *s;
	*w = 0;
	return out;
}

int dm_password_check(const char *login, const char *password, struct dm_error *err)
{
	char *folded = NULL, *core = NULL, *flat = NULL, *flogin = NULL, why[160];
	const char *which = NULL;
	size_t n;
	int rc = 0;
	if (!password || !*password)
		return fail(err, "is missing");
	if (!dm_utf8_valid(password))
		return fail(err, "is not valid UTF-8");
	if (strlen(password) > DM_PASSWORD_MAX_BYTES)
		return fail(err, "is too long (at most 1024 bytes)");
	if ((n = count_chars(password)) < DM_PASSWORD_MIN_CHARS) {
		snprintf(why, sizeof(why), "is too short: %zu characters, at least %d (a few words make a good one)", n,
			 DM_PASSWORD_MIN_CHARS);
		return fail(err, why);
	}
	folded = dm_fold(password);
	flat = folded ? squeeze(folded) : NULL;
	core = folded ? core_of(folded) : NULL;
	flogin = login && *login ? dm_fold(login) : NULL;
	if (!folded || !flat || !core || (login && *login && !flogin))
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	else if (flogin && strlen(flogin) >= 3 && strstr(folded, flogin))
		rc = fail(err, "contains the user name");
	else if (is_walk(flat) || is_walk(core))
		rc = fail(err, "is a run of keys or letters (e.g. qwerty, 123456)");
	else if (is_common(core, &which)) {
		snprintf(why, sizeof(why), "is a common password ('%s') with digits or symbols around it", which);
		rc = fail(err, why);
	}
	else if (is_repeat(flat))
		rc = fail(err, "repeats a few characters over and over");
	free(folded);
	free(core);
	free(flat);
	free(flogin);
	return rc;
}
