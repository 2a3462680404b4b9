/* server_stats.c: the dashboard figures (GET /api/v1/stats/FIGURE) and search
 * (GET /api/v1/search): each one library call with the caller as actor. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/search.h"
#include "demine/stats.h"
#include "server.h"

#define SEARCH_DEFAULT_LIMIT 20

/* The query parameters a route accepts, and what the request gave. */
struct args {
	const char *const *allowed;
	const char *val[12];
	char bad[256];
	char bad_field[64];
};

static enum MHD_Result take_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct args *a = cls;
	size_t i;
	if (a->bad[0])
		return MHD_YES;
	for (i = 0; a->allowed[i]; i++)
		if (!strcmp(a->allowed[i], k))
			break;
	if (!a->allowed[i]) {
		snprintf(a->bad_field, sizeof(a->bad_field), "%.60s", k);
		snprintf(a->bad, sizeof(a->bad), "unknown parameter '%.60s'", k);
	} else if (a->val[i]) {
		snprintf(a->bad_field, sizeof(a->bad_field), "%s", k);
		snprintf(a->bad, sizeof(a->bad), "parameter '%s' is given more than once", k);
	} else {
		a->val[i] = v ? v : "";
	}
	return MHD_YES;
}

/* Reads the query string into a->val (in the order of allowed); -1 after a 400. */
static int read_args(struct req *r, struct args *a, enum MHD_Result *sent)
{
	struct dm_buf list;
	size_t i;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, take_arg, a);
	if (!a->bad[0])
		return 0;
	dm_buf_init(&list, 1024);
	for (i = 0; a->allowed[i]; i++)
		dm_buf_addf(&list, "%s%s", i ? ", " : "", a->allowed[i]);
	*sent = srv_error(r, 400, "bad_request", a->bad_field, "%s (this endpoint takes %s)", a->bad,
			  list.s ? list.s : "no parameters");
	dm_buf_release(&list);
	return -1;
}

int srv_query_args(struct req *r, const char *const *allowed, const char **val, size_t nval, enum MHD_Result *sent)
{
	struct args a;
	size_t i;
	memset(&a, 0, sizeof(a));
	a.allowed = allowed;
	for (i = 0; allowed[i]; i++)
		if (i >= nval || i >= sizeof(a.val) / sizeof(a.val[0]))
			return -1;
	if (read_args(r, &a, sent))
		return -1;
	for (i = 0; allowed[i]; i++)
		val[i] = a.val[i];
	return 0;
}

static enum MHD_Result answer_err(struct req *r, struct dm_error *err)
{
	enum MHD_Result sent = srv_dm_error(r, err);
	dm_error_release(err);
	return sent;
}

enum MHD_Result srv_stats(struct req *r)
{
	static const char *const common[] = { "from", "to", "adm2", "organisation", "as_of", "grant", NULL };
	static const char *const funding[] = { "from", "to", "adm2", "organisation", "as_of", "grant", "currency", NULL };
	const char *figure = r->nseg >= 4 ? r->seg[3] : "";
	struct args a;
	struct dm_stats_filter f;
	struct dm_error err;
	enum MHD_Result sent;
	json_t *out = NULL;
	memset(&a, 0, sizeof(a));
	a.allowed = !strcmp(figure, "funding") ? funding : common;
	if (read_args(r, &a, &sent))
		return sent;
	memset(&f, 0, sizeof(f));
	f.from = a.val[0];
	f.to = a.val[1];
	f.adm2 = a.val[2];
	f.organisation = a.val[3];
	f.as_of = a.val[4];
	f.grant = a.val[5];
	f.currency = a.val[6];
	dm_error_init(&err);
	if (dm_stats_compute(r->db, &r->who, figure, &f, &out, &err))
		return answer_err(r, &err);
	return srv_json(r, 200, out);
}

enum MHD_Result srv_search(struct req *r)
{
	static const char *const allowed[] = { "q", "limit", NULL };
	struct args a;
	struct dm_error err;
	enum MHD_Result sent;
	json_t *items = NULL;
	long long limit = SEARCH_DEFAULT_LIMIT;
	char *end;
	memset(&a, 0, sizeof(a));
	a.allowed = allowed;
	if (read_args(r, &a, &sent))
		return sent;
	if (a.val[1]) {
		errno = 0;
		limit = strtoll(a.val[1], &end, 10);
		if (errno || !*a.val[1] || *end || limit < 1 || limit > DM_SEARCH_MAX_LIMIT)
			return srv_error(r, 422, "invalid", "limit", "limit: '%.40s' is not a whole number from 1 to %d",
					 a.val[1], DM_SEARCH_MAX_LIMIT);
	}
	dm_error_init(&err);
	if (dm_search(r->db, &r->who, a.val[0], (int)limit, &items, &err))
		return answer_err(r, &err);
	return srv_json(r, 200, json_pack("{s:o, s:s, s:I}", "items", items, "q", a.val[0], "limit", (json_int_t)limit));
}
