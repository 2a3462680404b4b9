/* report_impl.h: what the report renderers share (lib/report_render.c). */
#ifndef DM_REPORT_IMPL_H
#define DM_REPORT_IMPL_H
#include <jansson.h>
#include "demine/catalog.h"
#include "demine/util.h"

/* A cell as a reader sees it: text as it is, integers grouped, areas in hectares with two
 * decimals, in the language's number style. Caller frees. */
char *dm_report_cell_display(const struct dm_catalog *cat, json_t *col, json_t *v);
/* A number cell as a machine reads it (CSV, XLSX): areas in hectares, others as they are.
 * Returns 1 and sets *out for a number, 0 for text or null. */
int dm_report_cell_number(json_t *col, json_t *v, double *out);

int dm_report_csv(json_t *model, const char *table, struct dm_buf *out, struct dm_error *err);
int dm_report_html(json_t *model, const struct dm_catalog *cat, struct dm_buf *out, struct dm_error *err);
int dm_report_pdf(json_t *model, const struct dm_catalog *cat, struct dm_buf *out, struct dm_error *err);
int dm_report_xlsx(json_t *model, struct dm_buf *out, struct dm_error *err);

#endif
