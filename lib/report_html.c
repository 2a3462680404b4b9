/* report_html.c: a report as one self-contained HTML page to print (styles inline, no
 * script); every text is escaped as it is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_impl.h"

static void esc(struct dm_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': dm_buf_add(b, "&lt;"); break;
		case '>': dm_buf_add(b, "&gt;"); break;
		case '&': dm_buf_add(b, "&amp;"); break;
		case '"': dm_buf_add(b, "&quot;"); break;
		case '\'': dm_buf_add(b, "&#39;"); break;
		default: dm_buf_addn(b, s, 1);
		}
	}
}

static const char *label(json_t *model, const char *key)
{
	return json_string_value(json_object_get(json_object_get(model, "labels"), key));
}

static const char *layer_fill(const char *key)
{
	return !strcmp(key, "cancelled") ? "#e8b903" : !strcmp(key, "reduced") ? "#4a90d9" : !strcmp(key, "cleared") ? "#1a9850"
												       : "#eef0f3";
}

/* A map section as inline SVG: numbers only, so nothing to escape but the legend. */
static void map_svg(struct dm_buf *b, json_t *map)
{
	json_t *layer, *poly, *ring, *v;
	size_t i, j, k, m;
	const char *key;
	dm_buf_addf(b, "<svg class=\"map\" viewBox=\"0 0 %lld %lld\" width=\"100%%\" style=\"max-width:700px\""
		       " role=\"img\">", (long long)json_integer_value(json_object_get(map, "width")),
		    (long long)json_integer_value(json_object_get(map, "height")));
	json_array_foreach(json_object_get(map, "layers"), i, layer) {
		key = json_string_value(json_object_get(layer, "key"));
		dm_buf_addf(b, "<g fill=\"%s\" fill-rule=\"evenodd\"%s>", layer_fill(key),
			    strcmp(key, "districts") ? "" : " stroke=\"#8a9099\" stroke-width=\"1\"");
		json_array_foreach(json_object_get(layer, "paths"), j, poly) {
			dm_buf_add(b, "<path d=\"");
			json_array_foreach(poly, k, ring) {
				for (m = 0; m + 1 < json_array_size(ring); m += 2)
					dm_buf_addf(b, "%s%lld %lld", m ? " L" : "M", (long long)json_integer_value(json_array_get(ring, m)),
						    (long long)json_integer_value(json_array_get(ring, m + 1)));
				dm_buf_add(b, "Z");
			}
			dm_buf_add(b, "\"/>");
		}
		dm_buf_add(b, "</g>");
	}
	dm_buf_add(b, "</svg><p class=\"legend\">");
	json_object_foreach(json_object_get(map, "legend"), key, v) {
		dm_buf_addf(b, "<span style=\"color:%s\">&#9632;</span> ", layer_fill(key));
		esc(b, json_string_value(v));
		dm_buf_add(b, " &#160; ");
	}
	dm_buf_add(b, "</p>");
}

static void table(struct dm_buf *b, const struct dm_catalog *cat, json_t *sec)
{
	json_t *col, *r;
	size_t i, j;
	dm_buf_addf(b, "<section id=\"%s\"><h2>", json_string_value(json_object_get(sec, "key")));
	esc(b, json_string_value(json_object_get(sec, "title")));
	dm_buf_add(b, "</h2>\n");
	if (json_object_get(sec, "map")) {
		map_svg(b, json_object_get(sec, "map"));
		if (json_is_string(json_object_get(sec, "note"))) {
			dm_buf_add(b, "<p class=\"note\">");
			esc(b, json_string_value(json_object_get(sec, "note")));
			dm_buf_add(b, "</p>");
		}
		dm_buf_add(b, "</section>\n");
		return;
	}
	if (!json_array_size(json_object_get(sec, "rows"))) {
		dm_buf_add(b, "<p class=\"empty\">");
		esc(b, json_string_value(json_object_get(sec, "empty")));
		dm_buf_add(b, "</p></section>\n");
		return;
	}
	dm_buf_add(b, "<table><thead><tr>");
	json_array_foreach(json_object_get(sec, "columns"), j, col) {
		dm_buf_add(b, "<th>");
		esc(b, json_string_value(json_object_get(col, "label")));
		dm_buf_add(b, "</th>");
	}
	dm_buf_add(b, "</tr></thead><tbody>\n");
	json_array_foreach(json_object_get(sec, "rows"), i, r) {
		dm_buf_add(b, "<tr>");
		json_array_foreach(json_object_get(sec, "columns"), j, col) {
			json_t *v = json_object_get(r, json_string_value(json_object_get(col, "key")));
			char *t = dm_report_cell_display(cat, col, v);
			dm_buf_add(b, json_is_number(v) ? "<td class=\"n\">" : "<td>");
			esc(b, t);
			free(t);
			dm_buf_add(b, "</td>");
		}
		dm_buf_add(b, "</tr>\n");
	}
	dm_buf_add(b, "</tbody></table>");
	if (json_is_string(json_object_get(sec, "note"))) {
		dm_buf_add(b, "<p class=\"note\">");
		esc(b, json_string_value(json_object_get(sec, "note")));
		dm_buf_add(b, "</p>");
	}
	dm_buf_add(b, "</section>\n");
}

int dm_report_html(json_t *model, const struct dm_catalog *cat, struct dm_buf *b, struct dm_error *err)
{
	json_t *sec;
	size_t i;
	(void)err;
	dm_buf_add(b, "<!doctype html>\n<html lang=\"");
	esc(b, json_string_value(json_object_get(model, "lang")));
	dm_buf_add(b, "\"><head><meta charset=\"utf-8\"><title>");
	esc(b, json_string_value(json_object_get(model, "title")));
	dm_buf_add(b, "</title><style>body{font-family:'DejaVu Sans',sans-serif;margin:2em;color:#222}"
		      "table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #999;padding:.2em .5em}"
		      "th{background:#eee;text-align:left}td.n{text-align:right}.empty{color:#666;font-style:italic}"
		      "footer{margin-top:2em;font-size:.8em;color:#555}@media print{body{margin:0}section{break-inside:avoid}}"
		      "</style></head><body>\n<h1>");
	esc(b, json_string_value(json_object_get(model, "title")));
	dm_buf_add(b, "</h1>\n<p class=\"period\">");
	esc(b, label(model, "period"));
	dm_buf_add(b, " · ");
	esc(b, label(model, "area"));
	dm_buf_add(b, "</p>\n");
	if (json_is_true(json_object_get(model, "empty"))) {
		dm_buf_add(b, "<p class=\"empty\" id=\"empty-period\">");
		esc(b, label(model, "empty"));
		dm_buf_add(b, "</p>\n");
	}
	json_array_foreach(json_object_get(model, "sections"), i, sec)
		table(b, cat, sec);
	dm_buf_add(b, "<footer>");
	esc(b, label(model, "as_of"));
	dm_buf_add(b, " · ");
	esc(b, label(model, "generated_by"));
	dm_buf_add(b, "</footer>\n</body></html>\n");
	return 0;
}
