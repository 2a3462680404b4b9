/* report_cell.c: a report cell as a reader sees it (PDF, HTML) and as a machine reads it
 * (CSV, XLSX), for every renderer. */
#include <stdlib.h>
#include <string.h>
#include "report_impl.h"

static const char *col_type(json_t *col)
{
	const char *t = json_string_value(json_object_get(col, "type"));
	return t ? t : "text";
}

int dm_report_cell_number(json_t *col, json_t *v, double *out)
{
	if (!json_is_number(v))
		return 0;
	*out = json_number_value(v);
	if (!strcmp(col_type(col), "area"))
		*out /= 10000.0;
	return 1;
}

char *dm_report_cell_display(const struct dm_catalog *cat, json_t *col, json_t *v)
{
	char buf[64];
	double d;
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (!dm_report_cell_number(col, v, &d))
		return strdup("");
	return strdup(dm_catalog_number(cat, d, strcmp(col_type(col), "area") ? 0 : 2, buf, sizeof(buf)));
}
