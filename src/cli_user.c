/* cli_user.c: demine user add (the password comes on stdin) and demine token create. */
#include <getopt.h>
#include <stdio.h>
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

int cli_user_cmd(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "add"))
		return cli_usage("user", "usage: demine user add --db PATH --name LOGIN --role ROLE [--org ID] [--full-name TEXT] [--demo]");
	return user_add(argc - 1, argv + 1);
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
	if (argc < 2 || strcmp(argv[1], "create"))
		return cli_usage("token", "usage: demine token create --db PATH --name LOGIN");
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
	if (!rc)
		printf("%s\n", token);
	if (!rc)
		fprintf(stderr, "bearer token for %s, expires %s\n", name, exp);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
