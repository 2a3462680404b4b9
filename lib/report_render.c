/* report_render.c: a report model rendered in one of its formats; the cell formatting every
 * renderer shares. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/report.h"
#include "report_impl.h"

#define MAX_REPORT_BYTES (256u << 20) /* a rendered report's hard cap */

const char *const dm_report_formats[] = { "pdf", "xlsx", "csv", "html", "json", NULL };

const char *dm_report_media_type(const char *format)
{
	static const char *const types[][2] = {
		{ "pdf", "application/pdf" },
		{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ "csv", "text/csv; charset=utf-8" },
		{ "html", "text/html; charset=utf-8" },
		{ "json", "application/json" },
	};
	size_t i;
	for (i = 0; format && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(types[i][0], format))
			return types[i][1];
	return NULL;
}

size_t dm_report_tables(json_t *model, const char **keys, size_t max)
{
	size_t i, n = 0;
	json_t *s;
	json_array_foreach(json_object_get(model, "sections"), i, s)
		if (n < max && !json_object_get(s, "map")) /* a map is no table */
			keys[n++] = json_string_value(json_object_get(s, "key"));
	return n;
}

int dm_report_render(json_t *model, const char *format, const char *table, char **buf, size_t *len,
		     struct dm_error *err)
{
	struct dm_catalog *cat = NULL;
	struct dm_buf b;
	int rc = 0;
	*buf = NULL;
	*len = 0;
	if (!dm_report_media_type(format))
		return dm_error_set(err, DM_EINVAL, "format", "format: '%.20s' is not a report format (pdf, xlsx, csv, html,"
				    " json)", format ? format : "");
	if (table && strcmp(format, "csv"))
		return dm_error_set(err, DM_EINVAL, "table", "table: only a CSV is one table; the %s has them all", format);
	dm_buf_init(&b, MAX_REPORT_BYTES);
	if (!strcmp(format, "pdf") || !strcmp(format, "html"))
		rc = dm_catalog_load(NULL, json_string_value(json_object_get(model, "lang")), &cat, err);
	if (rc)
		goto out;
	if (!strcmp(format, "csv"))
		rc = dm_report_csv(model, table, &b, err);
	else if (!strcmp(format, "html"))
		rc = dm_report_html(model, cat, &b, err);
	else if (!strcmp(format, "pdf"))
		rc = dm_report_pdf(model, cat, &b, err);
	else if (!strcmp(format, "xlsx"))
		rc = dm_report_xlsx(model, &b, err);
	else {
		char *s = json_dumps(model, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
		if (s)
			dm_buf_add(&b, s);
		free(s);
		dm_buf_add(&b, "\n");
	}
	if (!rc && b.overflow)
		rc = dm_error_set(err, DM_ELIMIT, "format", "the %s report is over %u MB", format, MAX_REPORT_BYTES >> 20);
	if (!rc) {
		*len = b.len;
		*buf = dm_buf_take(&b);
		if (!*buf)
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
out:
	dm_buf_release(&b);
	dm_catalog_free(cat);
	return rc;
}
