/* server_reports.c: the reports (GET /api/v1/reports and /api/v1/reports/{name}): the same
 * library calls as demine report, with the caller as actor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/report.h"
#include "server.h"

static enum MHD_Result answer_err(struct req *r, struct dm_error *err)
{
	enum MHD_Result sent = srv_dm_error(r, err);
	dm_error_release(err);
	return sent;
}

enum MHD_Result srv_reports_list(struct req *r)
{
	static const char *const allowed[] = { "lang", NULL };
	const char *val[1] = { NULL };
	struct dm_error err;
	enum MHD_Result sent;
	json_t *list = NULL;
	if (srv_query_args(r, allowed, val, 1, &sent))
		return sent;
	dm_error_init(&err);
	if (dm_report_list(val[0], &list, &err))
		return answer_err(r, &err);
	return srv_json(r, 200, json_pack("{s:o, s:[sssss]}", "items", list, "formats", "pdf", "xlsx", "csv", "html", "json"));
}

/* The report's file name: national-2024-01-01-2024-12-31.pdf (a CSV adds its table). */
static void file_name(char *out, size_t n, const char *name, const struct dm_report_params *p, const char *table,
		      const char *format)
{
	snprintf(out, n, "%s-%.10s-%.10s%s%.40s.%s", name, p->from, p->to, table ? "-" : "", table ? table : "", format);
}

enum MHD_Result srv_report(struct req *r)
{
	static const char *const allowed[] = { "from", "to", "area", "grant", "organisation", "lang", "as_of", "format",
					       "table", NULL };
	const char *val[9] = { NULL }, *name = r->nseg >= 4 ? r->seg[3] : "", *format;
	struct dm_report_params p;
	struct dm_error err;
	enum MHD_Result sent;
	struct MHD_Response *resp;
	json_t *model = NULL;
	char *buf = NULL, fname[160], disp[200];
	size_t len = 0;
	int rc;
	if (srv_query_args(r, allowed, val, 9, &sent))
		return sent;
	memset(&p, 0, sizeof(p));
	p.from = val[0];
	p.to = val[1];
	p.area = val[2];
	p.grant = val[3];
	p.organisation = val[4];
	p.lang = val[5];
	p.as_of = val[6];
	format = val[7] ? val[7] : "json";
	if (!dm_report_media_type(format))
		return srv_error(r, 400, "bad_request", "format", "format: '%.20s' is not a report format (pdf, xlsx, csv, html,"
				 " json)", format);
	dm_error_init(&err);
	rc = dm_report_build(r->db, &r->who, name, &p, &model, &err);
	if (!rc)
		rc = dm_report_render(model, format, val[8], &buf, &len, &err);
	json_decref(model);
	if (rc)
		return answer_err(r, &err);
	resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", dm_report_media_type(format));
	file_name(fname, sizeof(fname), name, &p, val[8], format);
	snprintf(disp, sizeof(disp), "%s; filename=\"%s\"",
		 strcmp(format, "json") && strcmp(format, "html") ? "attachment" : "inline", fname);
	MHD_add_response_header(resp, "Content-Disposition", disp);
	MHD_add_response_header(resp, "Cache-Control", "private, no-cache");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (!strcmp(format, "html")) /* the print view runs no script and loads nothing */
		MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
	return srv_send(r, 200, resp);
}
