/* fuzz_http.c: libFuzzer target for what a client controls in a request line: the method, and
 * the path and query of every route (percent-decoding included), sent as one of the roles to a
 * real `demine serve` running in this process on a demo database. Every request must get a
 * complete answer that is not a 500, and nothing may crash. The first input byte picks the
 * method and the role, the rest is the request target; bytes a request line cannot carry are
 * sent percent-encoded, so every byte value reaches the server's decoding. */
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
static const char *const methods[] = { "GET", "HEAD", "POST", "DELETE" };

static struct srv_handle *server;
static char tokens[NROLES][65];
static struct srv_opts opts;

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
	dm_record_free(h);
	dm_db_close(db);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char dir[] = "/tmp/demine-fuzz-http-XXXXXX", path[128];
	(void)argc;
	(void)argv;
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
	return 0;
}

/* The request target: a leading '/', then the input with every byte a request line cannot
 * hold (controls, space, DEL, '#', and bytes above 0x7f) percent-encoded. */
static size_t target_of(const uint8_t *d, size_t n, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t w = 0, i;
	if (!n || d[0] != '/')
		out[w++] = '/';
	for (i = 0; i < n && w + 4 < cap; i++) {
		if (d[i] <= 0x20 || d[i] >= 0x7f || d[i] == '#') {
			out[w++] = '%';
			out[w++] = hex[d[i] >> 4];
			out[w++] = hex[d[i] & 15];
		} else {
			out[w++] = (char)d[i];
		}
	}
	out[w] = 0;
	return w;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char target[8192], req[9000];
	const char *method, *role;
	size_t len;
	int status;
	if (size < 1 || size > 2000)
		return 0;
	method = methods[(data[0] / NROLES) % 4];
	role = roles[data[0] % NROLES];
	target_of(data + 1, size - 1, target, sizeof(target));
	len = (size_t)snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s\r\n",
			       method, target, role ? "Authorization: Bearer " : "", role ? tokens[data[0] % NROLES] : "",
			       role ? "\r\n" : "");
	status = exchange(req, len);
	/* 414 and 431 are MHD's answers to a line too long; any other missing or 500 answer is a bug */
	if (status == 0 || status == 500) {
		fprintf(stderr, "fuzz_http: %s %s as %s: %s\n", method, target, role ? role : "anonymous",
			status ? "500" : "no answer");
		abort();
	}
	return 0;
}
