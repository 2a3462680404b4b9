/* test_password.c: the account password rule: each refusal with its reason, and passwords
 * people choose well (long, several words, any alphabet) accepted. */
#include <string.h>
#include "demine/password.h"
#include "check.h"

static void refused(const char *login, const char *pw, const char *why)
{
	struct dm_error err;
	int rc;
	dm_error_init(&err);
	rc = dm_password_check(login, pw, &err);
	CHECK_MSG(rc == DM_EINVAL && strstr(err.message, why) && !strcmp(err.field, "password"),
		  "'%s' (login %s): rc %d, '%s', expected '%s'", pw, login, rc, err.message, why);
	dm_error_release(&err);
}

static void accepted(const char *login, const char *pw)
{
	struct dm_error err;
	dm_error_init(&err);
	CHECK_MSG(dm_password_check(login, pw, &err) == 0, "'%s' (login %s): %s", pw, login, err.message);
	dm_error_release(&err);
}

int main(void)
{
	refused("aliyev", "", "missing");
	refused("aliyev", "password", "too short: 8 characters");
	refused("aliyev", "ağdam-çöl", "too short: 9 characters"); /* counted in characters, not bytes */
	refused("aliyev", "Password1234!", "common password ('password')");
	refused("aliyev", "P@$$w0rd2024!!", "common password ('password')");
	refused("aliyev", "letmeinletmein", "common password ('letmein')");
	refused("aliyev", "2024-Karabakh-2024", "common password ('karabakh')");
	refused("aliyev", "qwertyuiop12", "run of keys");
	refused("aliyev", "123456789012", "run of keys");
	refused("aliyev", "zyxwvutsrqponm", "run of keys");
	refused("aliyev", "aaaaaaaaaaaaaa", "repeats");
	refused("aliyev", "abababababab", "repeats");
	refused("aliyev", "Aliyev-2026-spring", "user name");
	refused("ELVIN", "my name is elvin, hi", "user name");
	refused("aliyev", "\xff\xfe long enough text", "UTF-8");
	accepted("aliyev", "four words make a passphrase");
	accepted("aliyev", "Ağdam-2021-çöl-yolu");
	accepted("aliyev", "минное поле у реки");
	accepted("aliyev", "correct-horse-battery");
	accepted("ab", "ab-ab-ab-ab-xy-zz"); /* a login of two letters is not looked for */
	return check_report("password");
}
