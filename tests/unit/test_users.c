/* test_users.c: accounts, passwords, sessions and tokens, failed-login counting, and the role
 * rules the write path asks (auth.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "demine/auth.h"
#include "demine/db.h"
#include "demine/users.h"

static void test_accounts(struct dm_db *db)
{
	struct dm_error err;
	struct dm_user u;
	dm_error_init(&err);
	CHECK_INT(dm_user_add(db, "ana", "im_officer", NULL, "Ana Aliyeva", "correct horse battery", 0, &err), 0);
	CHECK_INT(dm_user_add(db, "ana", "viewer", NULL, NULL, "another one entirely", 0, &err), DM_EEXIST);
	dm_error_release(&err);
	CHECK_INT(dm_user_add(db, "bob", "emperor", NULL, NULL, "correct horse battery", 0, &err), DM_EINVAL);
	dm_error_release(&err);
	CHECK_INT(dm_user_get(db, "ana", &u, &err), 0);
	CHECK_STR(u.role, "im_officer");
	CHECK_STR(u.full_name, "Ana Aliyeva");
	CHECK_INT(dm_user_get(db, "nobody", &u, &err), DM_ENOTFOUND);
	dm_error_release(&err);
	/* one answer for a wrong password and an unknown user */
	CHECK_INT(dm_user_verify(db, "ana", "correct horse battery", &u, &err), 0);
	CHECK_INT(dm_user_verify(db, "ana", "wrong horse battery", &u, &err), DM_EPERM);
	char wrong[sizeof(err.message)];
	snprintf(wrong, sizeof(wrong), "%s", err.message);
	dm_error_release(&err);
	CHECK_INT(dm_user_verify(db, "nobody", "wrong horse battery", &u, &err), DM_EPERM);
	CHECK_STR(err.message, wrong);
	dm_error_release(&err);
	/* a new password replaces the old one */
	CHECK_INT(dm_user_set_password(db, "ana", "a brand new passphrase", NULL, &err), 0);
	CHECK_INT(dm_user_verify(db, "ana", "correct horse battery", &u, &err), DM_EPERM);
	dm_error_release(&err);
	CHECK_INT(dm_user_verify(db, "ana", "a brand new passphrase", &u, &err), 0);
	dm_error_release(&err);
}

static void test_sessions(struct dm_db *db)
{
	struct dm_error err;
	struct dm_user u, got;
	char token[65], csrf[65], csrf2[65], exp[32], tok2[65];
	dm_error_init(&err);
	CHECK_INT(dm_user_add(db, "cem", "operator", "org-1", NULL, "a long enough passphrase", 0, &err), 0);
	CHECK_INT(dm_user_get(db, "cem", &u, &err), 0);
	CHECK_INT(dm_session_create(db, &u, "session", 3600, token, csrf, exp, &err), 0);
	CHECK_INT((int)strlen(token), 64);
	CHECK_INT(dm_session_lookup(db, token, "session", &got, csrf2, &err), 0);
	CHECK_STR(got.login, "cem");
	CHECK_STR(csrf2, csrf);
	/* a session is not a token, and the other way round */
	CHECK_INT(dm_session_lookup(db, token, "token", &got, csrf2, &err), DM_ENOTFOUND);
	dm_error_release(&err);
	CHECK_INT(dm_session_revoke(db, token, &err), 0);
	CHECK_INT(dm_session_lookup(db, token, "session", &got, csrf2, &err), DM_ENOTFOUND);
	dm_error_release(&err);
	/* an expired token is dead, and disabling an account kills its live ones */
	CHECK_INT(dm_session_create(db, &u, "token", -1, tok2, csrf, exp, &err), 0);
	CHECK_INT(dm_session_lookup(db, tok2, "token", &got, csrf2, &err), DM_ENOTFOUND);
	dm_error_release(&err);
	CHECK_INT(dm_session_create(db, &u, "token", 3600, tok2, csrf, exp, &err), 0);
	CHECK_INT(dm_session_lookup(db, tok2, "token", &got, csrf2, &err), 0);
	CHECK_INT(dm_user_disable(db, "cem", &err), 0);
	CHECK_INT(dm_session_lookup(db, tok2, "token", &got, csrf2, &err), DM_ENOTFOUND);
	dm_error_release(&err);
	CHECK_INT(dm_user_verify(db, "cem", "a long enough passphrase", &got, &err), DM_EPERM);
	dm_error_release(&err);
}

/* Login throttling: free attempts, then a backoff; a reset starts again; keys are apart. */
static void test_failures(struct dm_db *db)
{
	const struct dm_throttle t = { .free_failures = 2, .base = 30, .cap = 600, .window = 600 };
	struct dm_error err;
	int64_t retry = -1;
	dm_error_init(&err);
	CHECK_INT(dm_login_attempt(db, "user:ana", &t, &retry, &err), 0);
	CHECK_INT(dm_login_attempt(db, "user:ana", &t, &retry, &err), 0);
	CHECK_INT(dm_login_attempt(db, "user:ana", &t, &retry, &err), DM_ELIMIT);
	CHECK(retry > 0 && retry <= 600);
	dm_error_release(&err);
	CHECK_INT(dm_login_attempt(db, "addr:10.0.0.1", &t, &retry, &err), 0);
	CHECK_INT(dm_login_reset(db, "user:ana", &err), 0);
	CHECK_INT(dm_login_attempt(db, "user:ana", &t, &retry, &err), 0);
	dm_error_release(&err);
}

/* The role table as the write path asks it. */
static void test_roles(void)
{
	const struct dm_actor op = { "cem", "operator", "org-1" }, viewer = { "v", "viewer", NULL },
			      officer = { "ana", "im_officer", NULL };
	struct dm_error err;
	dm_error_init(&err);
	CHECK(dm_actor_can(&officer, DM_P_APPROVE));
	CHECK(!dm_actor_can(&op, DM_P_APPROVE));
	CHECK(!dm_actor_can(&viewer, DM_P_WRITE_OWN));
	CHECK_INT(dm_auth_check_write(&op, "hazard", "org-1", 0, &err), 0);
	CHECK_INT(dm_auth_check_write(&op, "hazard", "org-2", 0, &err), DM_EPERM);
	dm_error_release(&err);
	CHECK_INT(dm_auth_check_write(&viewer, "hazard", NULL, 0, &err), DM_EPERM);
	dm_error_release(&err);
	CHECK_INT(dm_auth_check_write(NULL, "hazard", NULL, 0, &err), DM_EPERM);
	dm_error_release(&err);
	CHECK_INT(dm_auth_check_write(&officer, "hazard", "org-2", 0, &err), 0);
}

int main(void)
{
	char dir[] = "/tmp/demine-test-users-XXXXXX", path[600], cmd[700];
	struct dm_db *db = NULL;
	struct dm_error err;
	setenv("DEMINE_ARGON2_FAST", "1", 1);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/u.db", dir);
	dm_error_init(&err);
	CHECK_INT(dm_db_open(path, 1, &db, &err), 0);
	dm_error_release(&err);
	if (db) {
		test_accounts(db);
		test_sessions(db);
		test_failures(db);
		dm_db_close(db);
	}
	test_roles();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_report("users");
}
