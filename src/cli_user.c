/* cli_user.c: demine user add|list|disable|password (passwords come on stdin) and demine token
 * create|revoke: the server's user and token actions, through the same library calls. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/db.h"
#include "demine/users.h"
#include "cli.h"

/* Reads the first line of stdin (without its newline) into buf. */
static int read_password(char *buf, size_t n)
{
	size_t len;
	if (!fgets(buf, (int)n, stdin))
		return -1;
	len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = 0;
	return len ? 0 : -1;
}

static int user_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' }, { "org", required_argument, NULL, 'o' },
		{ "full-name", required_argument, NULL, 'f' }, { "demo", no_argument, NULL, 'D' }, { 0, 0, 0, 0 },
	};
	unsigned flags = 0;
	const char *db_opt = NULL, *name = NULL, *role = NULL, *org = NULL, *full = NULL;
	char pw[1100];
	struct dm_db *db = NULL;
	struct dm_error err;
	int c, rc;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		case 'o': org = optarg; break;
		case 'f': full = optarg; break;
		case 'D': flags |= DM_USER_DEMO; break;
		default: return cli_usage("user add", "unknown option");
		}
	}
	if (!name || !role || optind != argc)
		return cli_usage("user add", "--name LOGIN and --role ROLE are required");
	if (read_password(pw, sizeof(pw)))
		return cli_usage("user add", "give the password on the first line of stdin");
	if ((rc = cli_open("user add", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = dm_user_add(db, name, role, org, full, pw, flags, &err) ? cli_fail(&err) : CLI_OK;
	if (!rc)
		printf("user %s added with role %s\n", name, role);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

/* The options every other user subcommand takes: --db, and --name for one user. */
static int name_opts(const char *cmd, int argc, char **argv, int need_name, const char **db_opt, const char **name,
		     int *json)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "name", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' }, { 0, 0, 0, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': *db_opt = optarg; break;
		case 'n': *name = optarg; break;
		case 'j': *json = 1; break;
		default: return cli_usage(cmd, "unknown option");
		}
	}
	if (optind != argc || (need_name && !*name))
		return cli_usage(cmd, need_name ? "--name LOGIN is required" : "no arguments expected");
	return CLI_OK;
}

static int print_user(const struct dm_user *u, void *arg)
{
	int json = *(int *)arg;
	if (json) {
		json_t *o = dm_user_to_json(u);
		char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		if (!t)
			return DM_ENOMEM;
		printf("%s\n", t);
		free(t);
	} else {
		printf("%s\t%s\t%s\t%s\t%s\n", u->login, u->role, u->org_id, u->disabled ? "disabled" : "active",
		       u->full_name);
	}
	return 0;
}

static int user_list(int argc, char **argv)
{
	const char *db_opt = NULL, *name = NULL;
	struct dm_db *db = NULL;
	struct dm_error err;
	int json = 0, rc = name_opts("user list", argc, argv, 0, &db_opt, &name, &json);
	if (rc || (rc = cli_open("user list", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = dm_user_list(db, print_user, &json, &err) ? cli_fail(&err) : CLI_OK;
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

static int user_disable(int argc, char **argv)
{
	const char *db_opt = NULL, *name = NULL;
	struct dm_db *db = NULL;
	struct dm_error err;
	int json = 0, rc = name_opts("user disable", argc, argv, 1, &db_opt, &name, &json);
	if (rc || (rc = cli_open("user disable", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = dm_user_disable(db, name, &err) ? cli_fail(&err) : CLI_OK;
	if (!rc)
		printf("user %s disabled; their sessions and tokens are revoked\n", name);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

static int user_password(int argc, char **argv)
{
	const char *db_opt = NULL, *name = NULL;
	char pw[1100];
	struct dm_db *db = NULL;
	struct dm_error err;
	int json = 0, rc = name_opts("user password", argc, argv, 1, &db_opt, &name, &json);
	if (rc)
		return rc;
	if (read_password(pw, sizeof(pw)))
		return cli_usage("user password", "give the new password on the first line of stdin");
	if ((rc = cli_open("user password", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = dm_user_set_password(db, name, pw, NULL, &err) ? cli_fail(&err) : CLI_OK;
	if (!rc)
		printf("password of %s set; their sessions and tokens are revoked\n", name);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} user_cmds[] = {
	{ "add", user_add },
	{ "list", user_list },
	{ "disable", user_disable },
	{ "password", user_password },
};

int cli_user_cmd(int argc, char **argv)
{
	for (size_t i = 0; argc >= 2 && i < sizeof(user_cmds) / sizeof(user_cmds[0]); i++)
		if (!strcmp(argv[1], user_cmds[i].name))
			return user_cmds[i].run(argc - 1, argv + 1);
	return cli_usage("user", "usage: demine user add|list|disable|password --db PATH [--name LOGIN] ... (add: --role ROLE [--org ID] [--full-name TEXT] [--demo])");
}

/* demine token revoke: the token (as printed by token create) on the first line of stdin. */
static int token_revoke(int argc, char **argv)
{
	const char *db_opt = NULL, *name = NULL;
	char token[200];
	struct dm_db *db = NULL;
	struct dm_error err;
	int json = 0, rc = name_opts("token revoke", argc, argv, 0, &db_opt, &name, &json);
	if (rc)
		return rc;
	if (read_password(token, sizeof(token)))
		return cli_usage("token revoke", "give the token on the first line of stdin");
	if ((rc = cli_open("token revoke", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = dm_session_revoke(db, token, &err) ? cli_fail(&err) : CLI_OK;
	if (!rc)
		printf("token revoked\n");
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

int cli_token(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "name", required_argument, NULL, 'n' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *name = NULL;
	char token[65], csrf[65], exp[32];
	struct dm_db *db = NULL;
	struct dm_error err;
	struct dm_user u;
	int c, rc;
	if (argc >= 2 && !strcmp(argv[1], "revoke"))
		return token_revoke(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "create"))
		return cli_usage("token", "usage: demine token create --db PATH --name LOGIN | token revoke --db PATH < TOKEN");
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'n': name = optarg; break;
		default: return cli_usage("token create", "unknown option");
		}
	}
	if (!name || optind != argc)
		return cli_usage("token create", "--name LOGIN is required");
	if ((rc = cli_open("token create", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = dm_user_get(db, name, &u, &err) || dm_session_create(db, &u, "token", 30 * 24 * 3600, token, csrf, exp, &err)
		     ? cli_fail(&err) : CLI_OK;
	if (!rc) {
		printf("%s\n", token);
		fprintf(stderr, "bearer token for %s, expires %s\n", name, exp);
	}
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
