/* report_pdf.c: a report as PDF through cairo and pango (DejaVu Sans, which has the
 * Azerbaijani and Cyrillic letters): A4 pages of tables, bar charts drawn as vectors, and a
 * footer with the data's as-of time, the demine version and the page number. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include "report_impl.h"

#define PAGE_W 595.0 /* A4 in points */
#define PAGE_H 842.0
#define MARGIN 50.0
#define FOOTER_H 30.0
#define ROW_H 15.0
#define CHART_H 120.0
#define FONT "DejaVu Sans"

struct pdf {
	cairo_t *cr;
	cairo_surface_t *surface;
	json_t *model;
	const struct dm_catalog *cat;
	double y;
	int page;
	struct dm_buf *out;
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
	struct dm_buf *b = closure;
	dm_buf_addn(b, (const char *)data, len);
	return b->overflow ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Draws text at (x, y) in a box width wide (0: as wide as it is), aligned right when right;
 * returns the height it took. */
static double draw_text(struct pdf *p, const char *s, double x, double y, double width, double size, int bold,
			int right)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(FONT);
	int w, h;
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(l, fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		pango_layout_set_alignment(l, right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	}
	pango_layout_set_text(l, s ? s : "", -1);
	pango_layout_get_size(l, &w, &h);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

static const char *label(struct pdf *p, const char *key)
{
	return json_string_value(json_object_get(json_object_get(p->model, "labels"), key));
}

static void footer(struct pdf *p)
{
	char page[64];
	cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
	draw_text(p, label(p, "as_of"), MARGIN, PAGE_H - MARGIN + 8, 300, 7, 0, 0);
	draw_text(p, label(p, "generated_by"), MARGIN, PAGE_H - MARGIN + 18, 300, 7, 0, 0);
	snprintf(page, sizeof(page), "%s %d", label(p, "page") ? label(p, "page") : "", p->page);
	draw_text(p, page, PAGE_W - MARGIN - 100, PAGE_H - MARGIN + 8, 100, 7, 0, 1);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void new_page(struct pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

/* Starts a new page unless h more points fit on this one. */
static void need(struct pdf *p, double h)
{
	if (p->y + h > PAGE_H - MARGIN - FOOTER_H)
		new_page(p);
}

/* Text columns (names, indicators) get twice the width of number columns. */
static double col_weight(json_t *col)
{
	const char *t = json_string_value(json_object_get(col, "type"));
	return t && !strcmp(t, "text") ? 2.0 : 1.0;
}

static void table_row(struct pdf *p, json_t *cols, json_t *r, int head)
{
	size_t j;
	double weight = 0, x = MARGIN, unit;
	json_t *col;
	json_array_foreach(cols, j, col)
		weight += col_weight(col);
	unit = (PAGE_W - 2 * MARGIN) / (weight > 0 ? weight : 1);
	if (head) {
		cairo_set_source_rgb(p->cr, 0.9, 0.9, 0.9);
		cairo_rectangle(p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, ROW_H);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	json_array_foreach(cols, j, col) {
		json_t *v = r ? json_object_get(r, json_string_value(json_object_get(col, "key"))) : NULL;
		char *t = head ? strdup(json_string_value(json_object_get(col, "label")))
			       : dm_report_cell_display(p->cat, col, v);
		double w = unit * col_weight(col);
		draw_text(p, t, x + 2, p->y + 2, w - 4, 8, head, !head && json_is_number(v));
		x += w;
		free(t);
	}
	cairo_set_line_width(p->cr, 0.3);
	cairo_move_to(p->cr, MARGIN, p->y + ROW_H);
	cairo_line_to(p->cr, PAGE_W - MARGIN, p->y + ROW_H);
	cairo_stroke(p->cr);
	p->y += ROW_H;
}

/* A bar chart of one numeric column of the section's rows, labelled by another. */
static void bar_chart(struct pdf *p, json_t *sec)
{
	json_t *ch = json_object_get(sec, "chart"), *rows = json_object_get(sec, "rows"), *r, *col = NULL, *c;
	const char *lk = json_string_value(json_object_get(ch, "label")), *vk = json_string_value(json_object_get(ch, "value"));
	size_t n = json_array_size(rows), i;
	double max = 0, bw, x0 = MARGIN + 10, avail = PAGE_W - 2 * MARGIN - 20;
	if (!ch || !n)
		return;
	json_array_foreach(json_object_get(sec, "columns"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "key")), vk))
			col = c;
	json_array_foreach(rows, i, r)
		max = fmax(max, json_number_value(json_object_get(r, vk)));
	if (max <= 0)
		return;
	if (n > 20)
		n = 20; /* the largest rows come first: the chart shows the first twenty */
	need(p, CHART_H + 40);
	bw = avail / (double)n;
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, x0, p->y + 10);
	cairo_line_to(p->cr, x0, p->y + 10 + CHART_H);
	cairo_line_to(p->cr, x0 + avail, p->y + 10 + CHART_H);
	cairo_stroke(p->cr);
	for (i = 0; i < n; i++) {
		double v = json_number_value(json_object_get(json_array_get(rows, i), vk)), h = CHART_H * v / max;
		char *t = dm_report_cell_display(p->cat, col, json_object_get(json_array_get(rows, i), vk));
		cairo_set_source_rgb(p->cr, 0.16, 0.42, 0.62);
		cairo_rectangle(p->cr, x0 + (double)i * bw + bw * 0.15, p->y + 10 + CHART_H - h, bw * 0.7, h);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		draw_text(p, t, x0 + (double)i * bw, p->y + CHART_H - h - 2, bw, 6, 0, 0);
		draw_text(p, json_string_value(json_object_get(json_array_get(rows, i), lk)), x0 + (double)i * bw,
			  p->y + 12 + CHART_H, bw, 6, 0, 0);
		free(t);
	}
	p->y += CHART_H + 30;
}

/* The colour of a map layer: the dashboard's colours of the methods' results. */
static void layer_colour(cairo_t *cr, const char *key, int fill)
{
	if (!strcmp(key, "cancelled"))
		cairo_set_source_rgb(cr, 0.91, 0.73, 0.01);
	else if (!strcmp(key, "reduced"))
		cairo_set_source_rgb(cr, 0.29, 0.56, 0.85);
	else if (!strcmp(key, "cleared"))
		cairo_set_source_rgb(cr, 0.10, 0.60, 0.31);
	else if (fill)
		cairo_set_source_rgb(cr, 0.93, 0.94, 0.95);
	else
		cairo_set_source_rgb(cr, 0.54, 0.56, 0.60);
}

/* A map section: its layers' paths scaled into the page width, districts filled and outlined,
 * releases filled by result, and a legend. */
static void map_view(struct pdf *p, json_t *map)
{
	double w = json_number_value(json_object_get(map, "width")), h = json_number_value(json_object_get(map, "height"));
	double avail = PAGE_W - 2 * MARGIN, scale, mh, lx = MARGIN;
	json_t *layer, *poly, *ring, *legend = json_object_get(map, "legend");
	size_t i, j, k, m;
	const char *key;
	if (w <= 0 || h <= 0)
		return;
	scale = fmin(avail / w, 380.0 / h);
	mh = h * scale;
	need(p, mh + 30);
	cairo_save(p->cr);
	cairo_rectangle(p->cr, MARGIN, p->y, w * scale, mh);
	cairo_clip(p->cr);
	cairo_set_fill_rule(p->cr, CAIRO_FILL_RULE_EVEN_ODD);
	cairo_set_line_width(p->cr, 0.4);
	json_array_foreach(json_object_get(map, "layers"), i, layer) {
		key = json_string_value(json_object_get(layer, "key"));
		json_array_foreach(json_object_get(layer, "paths"), j, poly) {
			json_array_foreach(poly, k, ring) {
				for (m = 0; m + 1 < json_array_size(ring); m += 2) {
					double x = MARGIN + json_number_value(json_array_get(ring, m)) * scale;
					double y = p->y + json_number_value(json_array_get(ring, m + 1)) * scale;
					if (m)
						cairo_line_to(p->cr, x, y);
					else
						cairo_move_to(p->cr, x, y);
				}
				cairo_close_path(p->cr);
			}
			layer_colour(p->cr, key, 1);
			if (strcmp(key, "districts")) {
				cairo_fill(p->cr);
				continue;
			}
			cairo_fill_preserve(p->cr);
			layer_colour(p->cr, key, 0);
			cairo_stroke(p->cr);
		}
	}
	cairo_restore(p->cr);
	p->y += mh + 6;
	json_object_foreach(legend, key, layer) {
		layer_colour(p->cr, key, 1);
		cairo_rectangle(p->cr, lx, p->y + 1, 8, 8);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		draw_text(p, json_string_value(layer), lx + 11, p->y, 120, 7, 0, 0);
		lx += 130;
	}
	p->y += 14;
}

static void section(struct pdf *p, json_t *sec)
{
	json_t *rows = json_object_get(sec, "rows"), *cols = json_object_get(sec, "columns"), *r;
	size_t i;
	need(p, json_object_get(sec, "map") ? 420 : 3 * ROW_H + 20); /* a map stays with its title */
	p->y += 6;
	p->y += draw_text(p, json_string_value(json_object_get(sec, "title")), MARGIN, p->y, PAGE_W - 2 * MARGIN, 11, 1, 0) + 4;
	if (json_object_get(sec, "map")) {
		map_view(p, json_object_get(sec, "map"));
		if (json_is_string(json_object_get(sec, "note")))
			p->y += draw_text(p, json_string_value(json_object_get(sec, "note")), MARGIN, p->y, PAGE_W - 2 * MARGIN, 7, 0, 0) + 6;
		return;
	}
	if (!json_array_size(rows)) {
		cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
		p->y += draw_text(p, json_string_value(json_object_get(sec, "empty")), MARGIN, p->y, 0, 8, 0, 0) + 8;
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		return;
	}
	table_row(p, cols, NULL, 1);
	json_array_foreach(rows, i, r) {
		if (p->y + ROW_H > PAGE_H - MARGIN - FOOTER_H) {
			new_page(p);
			table_row(p, cols, NULL, 1);
		}
		table_row(p, cols, r, 0);
	}
	if (json_is_string(json_object_get(sec, "note")))
		p->y += draw_text(p, json_string_value(json_object_get(sec, "note")), MARGIN, p->y + 2, PAGE_W - 2 * MARGIN, 7, 0, 0);
	p->y += 10;
	bar_chart(p, sec);
}

int dm_report_pdf(json_t *model, const struct dm_catalog *cat, struct dm_buf *out, struct dm_error *err)
{
	struct pdf p;
	json_t *sec;
	size_t i;
	const char *as_of = json_string_value(json_object_get(model, "as_of"));
	char date[32] = "";
	cairo_status_t st;
	memset(&p, 0, sizeof(p));
	p.model = model;
	p.cat = cat;
	p.out = out;
	p.page = 1;
	p.y = MARGIN;
	p.surface = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
	/* the file's dates are the data's as-of time: the same report gives the same file */
	if (as_of && strlen(as_of) >= 19)
		snprintf(date, sizeof(date), "%.19s", as_of);
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, json_string_value(json_object_get(model, "title")));
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, "demine");
	if (date[0]) {
		cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
		cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_MOD_DATE, date);
	}
	p.cr = cairo_create(p.surface);
	cairo_set_source_rgb(p.cr, 0, 0, 0);
	p.y += draw_text(&p, json_string_value(json_object_get(model, "title")), MARGIN, p.y, PAGE_W - 2 * MARGIN, 16, 1, 0) + 4;
	p.y += draw_text(&p, label(&p, "period"), MARGIN, p.y, PAGE_W - 2 * MARGIN, 9, 0, 0);
	p.y += draw_text(&p, label(&p, "area"), MARGIN, p.y, PAGE_W - 2 * MARGIN, 9, 0, 0) + 8;
	if (json_is_true(json_object_get(model, "empty")))
		p.y += draw_text(&p, label(&p, "empty"), MARGIN, p.y, PAGE_W - 2 * MARGIN, 10, 1, 0) + 8;
	json_array_foreach(json_object_get(model, "sections"), i, sec)
		section(&p, sec);
	footer(&p);
	cairo_show_page(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.surface);
	st = cairo_surface_status(p.surface);
	cairo_surface_destroy(p.surface);
	if (st != CAIRO_STATUS_SUCCESS)
		return dm_error_set(err, out->overflow ? DM_ELIMIT : DM_EIO, "format", "the PDF could not be written: %s",
				    cairo_status_to_string(st));
	return 0;
}

#if defined(__SANITIZE_ADDRESS__)
/* Under AddressSanitizer: fontconfig, pango and GLib keep their caches (the fonts found, type
 * registrations) for the life of the process once a PDF has been drawn. Held, not lost; the
 * leak checker is told so here, so every run of an ASan build (tests, a server) knows it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libpango-1.0.so\nleak:libpangoft2-1.0.so\nleak:libpangocairo-1.0.so\n"
	       "leak:libglib-2.0.so\nleak:libgobject-2.0.so\nleak:libharfbuzz.so\nleak:libcairo.so\n";
}

/* ... and says nothing of them (LSAN_OPTIONS still decides). */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif
