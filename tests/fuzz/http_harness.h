/* http_harness.h: what the HTTP fuzz targets share: a real `demine serve` started in this
 * process on a demo database with one user (and bearer token) per role, and one exchange of a
 * request for its status. Included by fuzz_http.c and fuzz_http_body.c only. */
#ifndef DEMINE_FUZZ_HTTP_HARNESS_H
#define DEMINE_FUZZ_HTTP_HARNESS_H
#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "demine/auth.h"
#include "demine/demo.h"
#include "demine/record.h"
#include "demine/users.h"
#include "server.h"

static const char *const roles[] = { NULL, "viewer", "im_officer", "operator", "va_officer", "donor" };
#define NROLES (sizeof(roles) / sizeof(roles[0]))

static struct srv_handle *server;
static char tokens[NROLES][65];
static struct srv_opts opts;
static char hazard_id[37], hazard_org[64]; /* HAZ-AGD-00001, for targets that write to it */

static void die(const char *what, const struct dm_error *err)
{
	fprintf(stderr, "fuzz_http: %s: %s\n", what, err ? err->message : "");
	exit(1);
}

/* A demo database with one user (and token) per role, in a temporary folder. */
static void make_database(const char *path)
{
	struct dm_db *db = NULL;
	struct dm_record *h = NULL;
	struct dm_error err;
	struct dm_user u;
	char csrf[65], exp[32];
	size_t i;
	dm_error_init(&err);
	if (dm_db_open(path, 1, &db, &err) || dm_demo_fill(db, NULL, &err))
		die("demo database", &err);
	if (dm_record_get(db, &dm_system_actor, "HAZ-AGD-00001", NULL, &h, &err))
		die("HAZ-AGD-00001", &err);
	for (i = 1; i < NROLES; i++) {
		const char *org = !strcmp(roles[i], "operator") || !strcmp(roles[i], "va_officer") ? h->organisation : NULL;
		if (dm_user_add(db, roles[i], roles[i], org, NULL, "fuzzing passphrase here", 0, &err) ||
		    dm_user_get(db, roles[i], &u, &err) ||
		    dm_session_create(db, &u, "token", 86400, tokens[i], csrf, exp, &err))
			die(roles[i], &err);
	}
	snprintf(hazard_id, sizeof(hazard_id), "%s", h->id);
	snprintf(hazard_org, sizeof(hazard_org), "%s", h->organisation);
	dm_record_free(h);
	dm_db_close(db);
}

/* Starts the server on a new demo database (LLVMFuzzerInitialize of both targets). */
static void harness_start(void)
{
	static char dir[] = "/tmp/demine-fuzz-http-XXXXXX", path[128];
	setenv("DEMINE_ARGON2_FAST", "1", 1);
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	snprintf(path, sizeof(path), "%s/fuzz.db", dir);
	make_database(path);
	opts.db = path;
	snprintf(opts.addr, sizeof(opts.addr), "127.0.0.1");
	opts.port = 0;
	opts.web = dir; /* static files: only the database's folder, nothing to find there */
	opts.public_read = 1;
	opts.threads = 2;
	opts.quiet = 1;
	if (srv_start(&opts, &server))
		die("srv_start", NULL);
}

/* Sends the request and reads the answer until the server closes; returns its status, 0 when
 * the connection ended without a status line. */
static int exchange(const char *req, size_t len)
{
	struct sockaddr_in sa;
	struct timeval tv = { 10, 0 };
	char buf[4096];
	size_t got = 0;
	ssize_t k;
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = 0;
	if (fd < 0)
		die("socket", NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)srv_port(server));
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) || write(fd, req, len) != (ssize_t)len)
		die("connect or write", NULL);
	while ((k = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0) {
		got += (size_t)k;
		if (got >= 12)
			break;
	}
	buf[got] = 0;
	if (got >= 12 && !strncmp(buf, "HTTP/1.", 7))
		status = (int)strtol(buf + 9, NULL, 10);
	while (read(fd, buf, sizeof(buf)) > 0)
		; /* the rest of the answer */
	close(fd);
	return status;
}

#endif
