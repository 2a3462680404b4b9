/* report_csv.c: one table of a report as CSV (RFC 4180): a header of the column labels, then
 * a row per item; numbers as plain decimals (areas in hectares), text quoted when it must be. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_impl.h"

static void csv_field(struct dm_buf *b, const char *s)
{
	const char *p;
	if (!strpbrk(s, ",\"\r\n")) {
		dm_buf_add(b, s);
		return;
	}
	dm_buf_add(b, "\"");
	for (p = s; *p; p++)
		dm_buf_add(b, *p == '"' ? "\"\"" : (char[]){ *p, 0 });
	dm_buf_add(b, "\"");
}

/* %.6f without its trailing zeros: 12.5, 3, 0.0001 (areas in m² have two decimals, so
 * their hectares have six at most). */
static void csv_number(struct dm_buf *b, double v)
{
	char s[64];
	size_t n;
	snprintf(s, sizeof(s), "%.6f", v);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '0')
		s[--n] = 0;
	if (n > 0 && s[n - 1] == '.')
		s[--n] = 0;
	dm_buf_add(b, strcmp(s, "-0") ? s : "0");
}

int dm_report_csv(json_t *model, const char *table, struct dm_buf *out, struct dm_error *err)
{
	json_t *sec = NULL, *s, *col, *r;
	struct dm_buf names;
	size_t i, j;
	json_array_foreach(json_object_get(model, "sections"), i, s)
		if (table && !json_object_get(s, "map") && !strcmp(json_string_value(json_object_get(s, "key")), table))
			sec = s;
	if (!sec) {
		dm_buf_init(&names, 4096);
		json_array_foreach(json_object_get(model, "sections"), i, s)
			if (!json_object_get(s, "map"))
				dm_buf_addf(&names, "%s%s", names.len ? ", " : "", json_string_value(json_object_get(s, "key")));
		dm_error_set(err, DM_EINVAL, "table", "table: %s%.60s%s (a CSV is one table of the report: %s)",
			     table ? "no table '" : "name one", table ? table : "", table ? "'" : "",
			     names.s ? names.s : "");
		dm_buf_release(&names);
		return err->code;
	}
	json_array_foreach(json_object_get(sec, "columns"), j, col) {
		if (j)
			dm_buf_add(out, ",");
		csv_field(out, json_string_value(json_object_get(col, "label")));
	}
	dm_buf_add(out, "\r\n");
	json_array_foreach(json_object_get(sec, "rows"), i, r) {
		json_array_foreach(json_object_get(sec, "columns"), j, col) {
			json_t *v = json_object_get(r, json_string_value(json_object_get(col, "key")));
			double d;
			if (j)
				dm_buf_add(out, ",");
			if (dm_report_cell_number(col, v, &d))
				csv_number(out, d);
			else if (json_is_string(v))
				csv_field(out, json_string_value(v));
		}
		dm_buf_add(out, "\r\n");
	}
	return 0;
}
