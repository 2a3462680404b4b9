/* report_xlsx.c: a report as an XLSX workbook through libxlsxwriter: one sheet per table,
 * numbers as numbers (areas in hectares), a first sheet with the title, period and as-of. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "report_impl.h"

#define SHEET_NAME_MAX 31

static int fill_sheet(lxw_workbook *wb, json_t *sec, lxw_format *head, lxw_format *area)
{
	char name[SHEET_NAME_MAX + 1];
	lxw_worksheet *ws;
	json_t *col, *r;
	size_t i, j;
	snprintf(name, sizeof(name), "%s", json_string_value(json_object_get(sec, "key")));
	if (!(ws = workbook_add_worksheet(wb, name)))
		return -1;
	json_array_foreach(json_object_get(sec, "columns"), j, col) {
		worksheet_write_string(ws, 0, (lxw_col_t)j, json_string_value(json_object_get(col, "label")), head);
		worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, 18, NULL);
	}
	json_array_foreach(json_object_get(sec, "rows"), i, r)
		json_array_foreach(json_object_get(sec, "columns"), j, col) {
			json_t *v = json_object_get(r, json_string_value(json_object_get(col, "key")));
			double d;
			const char *type = json_string_value(json_object_get(col, "type"));
			if (dm_report_cell_number(col, v, &d))
				worksheet_write_number(ws, (lxw_row_t)i + 1, (lxw_col_t)j, d,
						       type && !strcmp(type, "area") ? area : NULL);
			else if (json_is_string(v) && type && !strcmp(type, "money"))
				/* a decimal string of minor units: exact in a double up to 2^53 */
				worksheet_write_number(ws, (lxw_row_t)i + 1, (lxw_col_t)j, strtod(json_string_value(v), NULL),
						       area);
			else if (json_is_string(v))
				worksheet_write_string(ws, (lxw_row_t)i + 1, (lxw_col_t)j, json_string_value(v), NULL);
		}
	return 0;
}

static const char *label(json_t *model, const char *key)
{
	return json_string_value(json_object_get(json_object_get(model, "labels"), key));
}

/* libxlsxwriter writes a file: a private temporary one, read back and removed. */
int dm_report_xlsx(json_t *model, struct dm_buf *out, struct dm_error *err)
{
	char path[] = "/tmp/demine-report-XXXXXX";
	lxw_workbook_options opt = { .constant_memory = LXW_FALSE, .tmpdir = NULL, .use_zip64 = LXW_FALSE };
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head, *area;
	lxw_error le;
	json_t *sec;
	size_t i;
	char buf[65536];
	size_t n;
	FILE *f;
	int fd = mkstemp(path), rc = 0;
	lxw_row_t row = 6;
	if (fd < 0)
		return dm_error_set(err, DM_EIO, "format", "the XLSX could not be written: no temporary file");
	close(fd);
	if (!(wb = workbook_new_opt(path, &opt))) {
		unlink(path);
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	head = workbook_add_format(wb);
	format_set_bold(head);
	area = workbook_add_format(wb);
	format_set_num_format(area, "#,##0.00");
	ws = workbook_add_worksheet(wb, "report");
	worksheet_set_column(ws, 0, 0, 60, NULL);
	worksheet_write_string(ws, 0, 0, json_string_value(json_object_get(model, "title")), head);
	worksheet_write_string(ws, 1, 0, label(model, "period"), NULL);
	worksheet_write_string(ws, 2, 0, label(model, "area"), NULL);
	worksheet_write_string(ws, 3, 0, label(model, "as_of"), NULL);
	worksheet_write_string(ws, 4, 0, label(model, "generated_by"), NULL);
	json_array_foreach(json_object_get(model, "sections"), i, sec) {
		if (!json_object_get(sec, "map"))
			worksheet_write_string(ws, (lxw_row_t)(row++), 0, json_string_value(json_object_get(sec, "title")), NULL);
		if (json_object_get(sec, "map"))
			continue; /* a map has no sheet */
		if (!rc && fill_sheet(wb, sec, head, area))
			rc = dm_error_set(err, DM_EIO, "format", "the XLSX could not take the table '%s'",
					  json_string_value(json_object_get(sec, "key")));
	}
	if ((le = workbook_close(wb)) != LXW_NO_ERROR && !rc)
		rc = dm_error_set(err, DM_EIO, "format", "the XLSX could not be written: %s", lxw_strerror(le));
	if (!rc && (f = fopen(path, "rb"))) {
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			dm_buf_addn(out, buf, n);
		fclose(f);
	} else if (!rc) {
		rc = dm_error_set(err, DM_EIO, "format", "the XLSX could not be read back");
	}
	unlink(path);
	return rc;
}
