/* report.h: reports (national progress, Article 7, casualties, donor) built from the
 * dashboard's figures (dm_stats_compute) as a model, a JSON tree of titled tables, then
 * rendered as PDF, XLSX, CSV, HTML or the model itself (JSON). docs/reports.md. */
#ifndef DEMINE_REPORT_H
#define DEMINE_REPORT_H
#include <stdio.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/record.h"

struct dm_report_params {
	const char *from, *to;     /* the period, YYYY-MM-DD inclusive (required) */
	const char *area;          /* a district's pcode or abbreviation, or NULL for the country */
	const char *organisation;  /* an organisation's UUID, or NULL */
	const char *grant;         /* a grant's UUID (the donor report requires one) */
	const char *lang;          /* az, en, ru, ... (default en) */
	const char *as_of;         /* the approved data as it stood then (default now) */
};

/* The reports' names, NULL-terminated: national, article7, casualties, donor. */
extern const char *const dm_report_names[];

/* The reports, for a listing: [{name, title, parameters:[...]}] with titles in lang;
 * caller frees with json_decref(). */
int dm_report_list(const char *lang, json_t **out, struct dm_error *err);

/* Builds the model of report name for who: {report, title, lang, params, as_of, version,
 * sections:[{key, title, columns:[{key, label, type}], rows:[{...}], empty}]}; text columns
 * hold the value's label in lang, numbers stay numbers (areas in m², as the dashboard).
 * Bad parameters are DM_EINVAL naming the parameter as the field; an unknown report
 * DM_ENOTFOUND on field "report". Caller frees *out with json_decref(). */
int dm_report_build(struct dm_db *db, const struct dm_actor *who, const char *name,
		    const struct dm_report_params *p, json_t **out, struct dm_error *err);

/* The formats, NULL-terminated: pdf, xlsx, csv, html, json. */
extern const char *const dm_report_formats[];
/* The media type of a format, or NULL for an unknown one. */
const char *dm_report_media_type(const char *format);

/* Renders model as format into memory: *buf (caller frees with free()) of *len bytes. CSV is
 * one table per file: table names the section (NULL for the other formats; a CSV without one
 * is DM_EINVAL on field "table" listing the tables). */
int dm_report_render(json_t *model, const char *format, const char *table, char **buf, size_t *len,
		     struct dm_error *err);

/* The keys of the model's tables, in order (for one CSV file per table). */
size_t dm_report_tables(json_t *model, const char **keys, size_t max);

#endif
