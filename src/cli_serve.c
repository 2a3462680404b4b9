/* cli_serve.c: demine serve: parses the options and runs the HTTP server (server.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "demine/db.h"
#include "cli.h"
#include "server.h"

/* "ADDR:PORT", ":PORT" or "PORT" into o->addr and o->port. */
static int parse_listen(const char *s, struct srv_opts *o)
{
	const char *colon = strrchr(s, ':');
	long long port;
	if (colon && colon != s)
		snprintf(o->addr, sizeof(o->addr), "%.*s", (int)(colon - s), s);
	if (cli_parse_int("serve", "--listen port", colon ? colon + 1 : s, &port))
		return CLI_USAGE;
	if (port < 0 || port > 65535)
		return cli_usage("serve", "the port must be 0-65535, not %lld", port);
	o->port = (unsigned)port;
	return CLI_OK;
}

int cli_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "listen", required_argument, NULL, 'l' },
		{ "web", required_argument, NULL, 'w' }, { "public", no_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' }, { 0, 0, 0, 0 },
	};
	struct srv_opts o;
	struct dm_db *db = NULL;
	long long n;
	int c, rc;
	memset(&o, 0, sizeof(o));
	snprintf(o.addr, sizeof(o.addr), "127.0.0.1");
	o.port = 8080;
	o.web = "web";
	o.threads = 4;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case 'w': o.web = optarg; break;
		case 'p': o.public_read = 1; break;
		case 'l':
			if ((rc = parse_listen(optarg, &o)))
				return rc;
			break;
		case 't':
			if ((rc = cli_parse_int("serve", "--threads", optarg, &n)))
				return rc;
			if (n < 1 || n > 256)
				return cli_usage("serve", "--threads must be 1-256");
			o.threads = (unsigned)n;
			break;
		default: return cli_usage("serve", "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage("serve", "unexpected argument '%s'", argv[optind]);
	o.db = cli_db_path(o.db);
	/* open once here: migrations run before any worker, and a bad path fails at once */
	if ((rc = cli_open("serve", o.db, 0, &db)))
		return rc;
	dm_db_close(db);
	return srv_run(&o);
}
