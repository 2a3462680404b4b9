/* cli_serve.c: demine serve: parses the options and runs the HTTP server (server.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "demine/db.h"
#include "demine/users.h"
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

static int add_proxy(const char *a, struct srv_opts *o)
{
	struct in_addr in;
	if (inet_pton(AF_INET, a, &in) != 1)
		return cli_usage("serve", "--trusted-proxy must be an IPv4 address, not '%s'", a);
	if (o->nproxies == SRV_MAX_PROXIES)
		return cli_usage("serve", "at most %d --trusted-proxy addresses", SRV_MAX_PROXIES);
	snprintf(o->proxies[o->nproxies++], sizeof(o->proxies[0]), "%s", a);
	return CLI_OK;
}

static int loopback(const char *addr)
{
	return !strncmp(addr, "127.", 4);
}

/* What an operator should know before the server answers: published passwords, and where the
 * network can read the passwords and cookies. */
static void warn_exposure(struct dm_db *db, const struct srv_opts *o)
{
	struct dm_error err;
	dm_error_init(&err);
	if (!loopback(o->addr) && dm_users_have_demo(db, &err) == 1)
		fprintf(stderr, "demine serve: WARNING: demo accounts with published passwords exist and %s is not a"
			" loopback address; disable them (or use a database without them) before others can reach it\n",
			o->addr);
	if (!loopback(o->addr) && !o->nproxies)
		fprintf(stderr, "demine serve: WARNING: serving plain HTTP on %s: passwords and session cookies cross the"
			" network unencrypted; put the HTTPS proxy of docs/operations.md in front and name it with"
			" --trusted-proxy\n", o->addr);
	dm_error_release(&err);
}

int cli_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "listen", required_argument, NULL, 'l' },
		{ "web", required_argument, NULL, 'w' }, { "public", no_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' }, { "trusted-proxy", required_argument, NULL, 'x' },
		{ "max-connections", required_argument, NULL, 'm' }, { "max-per-ip", required_argument, NULL, 'i' },
		{ "cors-origin", required_argument, NULL, 'c' }, { 0, 0, 0, 0 },
	};
	struct srv_opts o;
	struct dm_db *db = NULL;
	char msg[320];
	long long n;
	unsigned i;
	int c, rc, per_ip_given = 0;
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
		case 'c':
			if (srv_cors_add(&o, optarg, msg, sizeof(msg)))
				return cli_usage("serve", "%s", msg);
			break;
		case 'x':
			if ((rc = add_proxy(optarg, &o)))
				return rc;
			break;
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
		case 'm':
			if ((rc = cli_parse_int("serve", "--max-connections", optarg, &n)))
				return rc;
			if (n < 16 || n > 1000000)
				return cli_usage("serve", "--max-connections must be 16-1000000");
			o.max_conns = (unsigned)n;
			break;
		case 'i':
			if ((rc = cli_parse_int("serve", "--max-per-ip", optarg, &n)))
				return rc;
			if (n < 0 || n > 1000000)
				return cli_usage("serve", "--max-per-ip must be 0 (no limit) to 1000000");
			o.max_per_ip = (unsigned)n;
			per_ip_given = 1;
			break;
		default: return cli_usage("serve", "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage("serve", "unexpected argument '%s'", argv[optind]);
	for (i = 0; i < o.ncors; i++)
		if (!strcmp(o.cors[i], "*") && !o.public_read)
			return cli_usage("serve", "--cors-origin '*' lets any web site read with its visitors' tokens;"
					 " it is allowed only with --public (name the partner sites' origins otherwise)");
	/* behind a proxy every client comes from the proxy's address: a limit per address would
	 * be one for everybody (the proxy limits its clients instead, docs/operations.md) */
	if (!per_ip_given)
		o.max_per_ip = o.nproxies ? 0 : SRV_MAX_PER_IP;
	o.db = cli_db_path(o.db);
	/* open once here: migrations run before any worker, and a bad path fails at once */
	if ((rc = cli_open("serve", o.db, 0, &db)))
		return rc;
	warn_exposure(db, &o);
	dm_db_close(db);
	return srv_run(&o);
}
