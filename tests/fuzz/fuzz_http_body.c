/* fuzz_http_body.c: libFuzzer target for the bodies of the API's writes: JSON record bodies
 * sent to a real `demine serve` in this process (tests/fuzz/http_harness.h), as a role that may
 * write, to create a record of each type, update HAZ-AGD-00001 or post a workflow step. The body
 * goes through the server's body reading, jansson, the field tables' checks and the single write
 * path. Every request must get a complete answer that is not a 500, and nothing may crash. The
 * first input byte picks the route, the record type and the role; the rest is the body, sent
 * as it is with its Content-Length. */
#include "http_harness.h"

static const char *const types[] = { "organisation", "location", "hazard", "task", "land_release", "eo_find",
				     "accident", "victim", "va_service", "eore_session", "qm_inspection", "agreement",
				     "grant", "disbursement", "exchange_rate", "nothing" };
#define NTYPES (sizeof(types) / sizeof(types[0]))
/* the roles that may write something: im_officer, operator, va_officer (indexes in roles[]) */
static const size_t writers[] = { 2, 3, 4 };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	harness_start();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char req[70000];
	char head[1024];
	size_t role, len, n;
	int status, route;
	if (size < 1 || size > 64000)
		return 0;
	route = data[0] & 3;    /* create, update, submit, delete */
	role = writers[(data[0] >> 2) % 3];
	n = (size_t)(data[0] >> 4) % NTYPES;
	if (route == 0)
		len = (size_t)snprintf(head, sizeof(head), "POST /api/v1/%s HTTP/1.1\r\n", types[n]);
	else
		len = (size_t)snprintf(head, sizeof(head), "%s /api/v1/hazard/%s%s HTTP/1.1\r\nIf-Match: \"%u\"\r\n",
				       route == 1 ? "PUT" : route == 2 ? "POST" : "DELETE", hazard_id,
				       route == 2 ? "/submit" : "", (unsigned)(data[0] >> 4) + 1);
	len += (size_t)snprintf(head + len, sizeof(head) - len,
				"Host: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer %s\r\n"
				"Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
				tokens[role], size - 1);
	memcpy(req, head, len);
	memcpy(req + len, data + 1, size - 1);
	status = exchange(req, len + size - 1);
	if (status == 0 || status == 500) {
		fprintf(stderr, "fuzz_http_body: %.*s as %s: %s\n", (int)(strchr(head, '\r') - head), head, roles[role],
			status ? "500" : "no answer");
		abort();
	}
	return 0;
}
