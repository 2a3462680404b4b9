/* fuzz_http.c: libFuzzer target for what a client controls in a request line: the method, and
 * the path and query of every route (percent-decoding included), sent as one of the roles to a
 * real `demine serve` running in this process on a demo database. Every request must get a
 * complete answer that is not a 500, and nothing may crash. The first input byte picks the
 * method and the role, the rest is the request target; bytes a request line cannot carry are
 * sent percent-encoded, so every byte value reaches the server's decoding. */
#include "http_harness.h"

static const char *const methods[] = { "GET", "HEAD", "POST", "DELETE" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	harness_start();
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
