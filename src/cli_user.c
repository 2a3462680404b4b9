/* cli_user.c: demine user add|list|disable|password (passwords come on stdin) and demine token
 * create|list|revoke: the server's user and token actions, through the same library calls. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/db.h"
#include "demine/tokens.h"
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
static int token_revoke_id(const char *db_opt, const char *name, const char *id);

static int token_revoke(int argc, char **argv)
{
	const char *db_opt = NULL, *name = NULL, *id = NULL;
	char token[200], *args[32];
	struct dm_db *db = NULL;
	struct dm_error err;
	int i, nargs = 0, json = 0, rc;
	/* --id ID is revoke's own; the rest are the options of every user subcommand */
	for (i = 0; i < argc && nargs < 31; i++) {
		if (!strcmp(argv[i], "--id") && i + 1 < argc)
			id = argv[++i];
		else
			args[nargs++] = argv[i];
	}
	args[nargs] = NULL;
	if (i < argc)
		return cli_usage("token revoke", "too many arguments");
	if ((rc = name_opts("token revoke", nargs, args, id != NULL, &db_opt, &name, &json)))
		return rc;
	if (id)
		return token_revoke_id(db_opt, name, id);
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

static int print_token(const struct dm_token *t, void *arg)
{
	(void)arg;
	printf("%s\t%s\t%s\t%s\t%s\n", t->id, t->scope, t->created_at, t->expires_at, t->name);
	return 0;
}

/* demine token list --name LOGIN: id, scope, created, expires and name of each live token. */
static int token_list(int argc, char **argv)
{
	const char *db_opt = NULL, *name = NULL;
	struct dm_db *db = NULL;
	struct dm_error err;
	struct dm_user u;
	int json = 0, rc = name_opts("token list", argc, argv, 1, &db_opt, &name, &json);
	if (rc || (rc = cli_open("token list", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = dm_user_get(db, name, &u, &err) || dm_token_list(db, u.id, print_token, NULL, &err) ? cli_fail(&err) : CLI_OK;
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

/* demine token revoke --name LOGIN --id ID: one of the user's tokens by the id token list shows. */
static int token_revoke_id(const char *db_opt, const char *name, const char *id)
{
	struct dm_db *db = NULL;
	struct dm_error err;
	struct dm_user u;
	int rc = cli_open("token revoke", db_opt, 0, &db);
	if (rc)
		return rc;
	dm_error_init(&err);
	rc = dm_user_get(db, name, &u, &err) || dm_token_revoke_id(db, u.id, id, &err) ? cli_fail(&err) : CLI_OK;
	if (!rc)
		printf("token %s of %s revoked\n", id, name);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

static int token_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "name", required_argument, NULL, 'n' },
		{ "label", required_argument, NULL, 'l' }, { "read-only", no_argument, NULL, 'r' },
		{ "days", required_argument, NULL, 'D' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *name = NULL, *label = NULL, *scope = "full";
	char token[65], *end = NULL;
	long long days = 30;
	struct dm_db *db = NULL;
	struct dm_error err;
	struct dm_token t;
	struct dm_user u;
	int c, rc;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'n': name = optarg; break;
		case 'l': label = optarg; break;
		case 'r': scope = "read"; break;
		case 'D':
			days = strtoll(optarg, &end, 10);
			if (!*optarg || *end)
				return cli_usage("token create", "--days must be a whole number, not '%s'", optarg);
			break;
		default: return cli_usage("token create", "unknown option");
		}
	}
	if (!name || optind != argc)
		return cli_usage("token create", "--name LOGIN is required");
	if ((rc = cli_open("token create", db_opt, 0, &db)))
		return rc;
	dm_error_init(&err);
	rc = dm_user_get(db, name, &u, &err) || dm_token_create(db, &u, label, scope, days, token, &t, &err)
		     ? cli_fail(&err) : CLI_OK;
	if (!rc) {
		printf("%s\n", token);
		fprintf(stderr, "%s token %s for %s, expires %s\n", !strcmp(t.scope, "read") ? "read-only" : "bearer",
			t.id, name, t.expires_at);
	}
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

int cli_token(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "revoke"))
		return token_revoke(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return token_list(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "create"))
		return token_create(argc - 1, argv + 1);
	return cli_usage("token", "usage: demine token create --db PATH --name LOGIN [--label TEXT] [--read-only]"
			 " [--days N] | token list --db PATH --name LOGIN | token revoke --db PATH (--name LOGIN --id ID"
			 " | < TOKEN)");
}
