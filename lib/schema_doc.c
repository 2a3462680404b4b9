/* schema_doc.c: the schema's JSON (GET /schema, demine schema --json) and Markdown
 * (docs/data-model.md) forms. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/money.h"
#include "demine/schema.h"
#include "demine/util.h"

/* ---- JSON and Markdown forms ---- */
static const char *geom_name(enum dm_geomkind g)
{
	switch (g) {
	case DM_GEOM_POINT: return "point";
	case DM_GEOM_AREA: return "area";
	case DM_GEOM_ANY: return "any";
	default: return "none";
	}
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *labels(const char *en, const char *az, const char *ru)
{
	return json_pack("{s:o, s:o, s:o}", "en", str_or_null(en), "az", str_or_null(az), "ru", str_or_null(ru));
}

static json_t *field_json(const struct dm_field *f)
{
	json_t *o = json_object(), *vals = json_null();
	const char *const *v;
	if (f->values) {
		vals = json_array();
		for (v = f->values; *v; v++)
			json_array_append_new(vals, json_string(*v));
	}
	json_object_set_new(o, "name", json_string(f->name));
	json_object_set_new(o, "type", json_string(dm_ftype_name(f->type)));
	json_object_set_new(o, "required", json_boolean(f->flags & DM_FF_REQUIRED));
	json_object_set_new(o, "personal", json_boolean(f->flags & DM_FF_PERSONAL));
	json_object_set_new(o, "internal", json_boolean(f->flags & DM_FF_INTERNAL));
	json_object_set_new(o, "computed", json_boolean(f->flags & DM_FF_COMPUTED));
	json_object_set_new(o, "readonly", json_boolean(f->flags & (DM_FF_READONLY | DM_FF_COMPUTED)));
	json_object_set_new(o, "nonneg", json_boolean(f->flags & DM_FF_NONNEG || f->type == DM_F_AREA));
	json_object_set_new(o, "search", json_boolean(f->flags & DM_FF_SEARCH));
	json_object_set_new(o, "past", json_boolean(f->flags & DM_FF_PAST));
	json_object_set_new(o, "values", vals);
	json_object_set_new(o, "unit", str_or_null(f->unit));
	json_object_set_new(o, "link_type", str_or_null(f->link_type));
	json_object_set_new(o, "currency_field", str_or_null(f->currency_field));
	json_object_set_new(o, "labels", labels(f->label_en, f->label_az, f->label_ru));
	json_object_set_new(o, "hxl", str_or_null(f->hxl));
	json_object_set_new(o, "help", str_or_null(f->help));
	json_object_set_new(o, "extra", json_boolean(f->flags & DM_FF_EXTRA));
	return o;
}

json_t *dm_schema_to_json(const struct dm_schema *s)
{
	json_t *root = json_object(), *types = json_array(), *common = json_array(), *status = json_array();
	const struct dm_type *tt = s ? s->types : NULL;
	const struct dm_common_field *c;
	size_t i, j, nt = s ? s->ntypes : 0, nc;
	if (!s)
		tt = dm_schema_builtin(&nt);
	for (i = 0; i < nt; i++) {
		const struct dm_type *t = &tt[i];
		json_t *o = json_object(), *fields = json_array();
		for (j = 0; j < t->nfields; j++)
			json_array_append_new(fields, field_json(&t->fields[j]));
		json_object_set_new(o, "name", json_string(t->name));
		json_object_set_new(o, "code_prefix", json_string(t->code_prefix));
		json_object_set_new(o, "geometry", json_string(geom_name(t->geom)));
		json_object_set_new(o, "labels", labels(t->label_en, t->label_az, t->label_ru));
		json_object_set_new(o, "help", str_or_null(t->help));
		json_object_set_new(o, "fields", fields);
		json_array_append_new(types, o);
	}
	c = dm_schema_common(&nc);
	for (i = 0; i < nc; i++)
		json_array_append_new(common, json_pack("{s:s, s:s, s:o, s:b, s:o}", "name", c[i].name, "type",
							c[i].json_type, "help", str_or_null(c[i].help), "readonly",
							c[i].readonly, "hxl", str_or_null(c[i].hxl)));
	for (i = 0; dm_status_values[i]; i++)
		json_array_append_new(status, json_string(dm_status_values[i]));
	json_object_set_new(root, "types", types);
	json_object_set_new(root, "common", common);
	json_object_set_new(root, "status_values", status);
	return root;
}

/* A Markdown table cell: '|' escaped, line breaks as spaces. */
static void cell(FILE *o, const char *s)
{
	fputs("| ", o);
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", o);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', o);
		else
			fputc(*s, o);
	}
	fputc(' ', o);
}

static void flags_text(const struct dm_field *f, char *out, size_t n)
{
	static const struct { unsigned flag; const char *word; } words[] = {
		{ DM_FF_PERSONAL, "personal" }, { DM_FF_COMPUTED, "computed" }, { DM_FF_READONLY, "read-only" },
		{ DM_FF_NONNEG, ">= 0" }, { DM_FF_INDEX, "indexed" }, { DM_FF_SEARCH, "search" },
		{ DM_FF_HISTORY_INDEX, "indexed in history" },
		{ DM_FF_EXTRA, "extra" }, { DM_FF_INTERNAL, "internal (not public)" },
		{ DM_FF_PAST, "not in the future" },
	};
	size_t i, len = 0;
	out[0] = 0;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (f->flags & words[i].flag) {
			int w = snprintf(out + len, n - len, "%s%s", len ? ", " : "", words[i].word);
			if (w < 0 || (size_t)w >= n - len)
				break;
			len += (size_t)w;
		}
}

char *dm_schema_to_markdown(const struct dm_schema *s)
{
	char *buf = NULL, tmp[1024];
	size_t len = 0, i, j, nt = s ? s->ntypes : 0, nc;
	const struct dm_type *tt = s ? s->types : dm_schema_builtin(&nt);
	const struct dm_common_field *c = dm_schema_common(&nc);
	FILE *o = open_memstream(&buf, &len);
	if (!o)
		return NULL;
	fputs("# Data model\n\n"
	      "<!-- generated by `demine schema --markdown` from the field tables (lib/types.c); do not edit -->\n\n"
	      "Every record type below is one table in the database (one typed column per field) and one\n"
	      "flat JSON object in the API, CSV and GeoJSON exchange formats. In CSV, sets and lists of\n"
	      "links are joined by `;`; amounts and rates are decimal strings (`\"400000.00\"`), never\n"
	      "floating point numbers; dates are `YYYY-MM-DD`; times are ISO 8601 in UTC. Labels are given\n"
	      "in English, Azerbaijani and Russian. A deployment may declare extra fields per record type\n"
	      "(`demine field add`); they are validated like the fields listed here.\n\n"
	      "## Common members\n\nEvery record carries these members besides the fields of its type.\n\n"
	      "| member | JSON type | read-only | HXL | meaning |\n|---|---|---|---|---|\n", o);
	for (i = 0; i < nc; i++) {
		snprintf(tmp, sizeof(tmp), "`%s`", c[i].name);
		cell(o, tmp);
		cell(o, c[i].json_type);
		cell(o, c[i].readonly ? "yes" : "");
		cell(o, c[i].hxl);
		cell(o, c[i].help);
		fputs("|\n", o);
	}
	fputs("\nWorkflow `status` values: ", o);
	for (i = 0; dm_status_values[i]; i++)
		fprintf(o, "%s`%s`", i ? ", " : "", dm_status_values[i]);
	fputs(". Only approved data is authoritative. A record's own life-cycle field has its own\n"
	      "name (`land_status`, `task_status`, ...), never `status`.\n\n## Record types\n\n"
	      "| type | code prefix | geometry | en | az | ru |\n|---|---|---|---|---|---|\n", o);
	for (i = 0; i < nt; i++) {
		snprintf(tmp, sizeof(tmp), "[`%s`](#%s)", tt[i].name, tt[i].name);
		cell(o, tmp);
		cell(o, tt[i].code_prefix);
		cell(o, geom_name(tt[i].geom));
		cell(o, tt[i].label_en);
		cell(o, tt[i].label_az);
		cell(o, tt[i].label_ru);
		fputs("|\n", o);
	}
	for (i = 0; i < nt; i++) {
		const struct dm_type *t = &tt[i];
		fprintf(o, "\n### %s\n\n%s / %s / %s. %s.\n\nCode prefix `%s`; geometry: %s.\n\n", t->name,
			t->label_en, t->label_az, t->label_ru, t->help ? t->help : "", t->code_prefix,
			t->geom == DM_GEOM_NONE ? "none" : t->geom == DM_GEOM_POINT ? "point"
			: t->geom == DM_GEOM_AREA ? "polygon or multipolygon" : "point, line or polygon");
		fputs("| field | type | required | allowed values | unit | flags | link | HXL | en | az | ru | "
		      "help |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n", o);
		for (j = 0; j < t->nfields; j++) {
			const struct dm_field *f = &t->fields[j];
			snprintf(tmp, sizeof(tmp), "`%s`", f->name);
			cell(o, tmp);
			if (f->type == DM_F_MONEY && f->currency_field)
				snprintf(tmp, sizeof(tmp), "money (currency in `%s`)", f->currency_field);
			else
				snprintf(tmp, sizeof(tmp), "%s", dm_ftype_name(f->type));
			cell(o, tmp);
			cell(o, f->flags & DM_FF_REQUIRED ? "yes" : "");
			dm_field_values_join(f->values, tmp, sizeof(tmp));
			cell(o, tmp);
			cell(o, f->unit);
			flags_text(f, tmp, sizeof(tmp));
			cell(o, tmp);
			cell(o, f->link_type);
			cell(o, f->hxl);
			cell(o, f->label_en);
			cell(o, f->label_az);
			cell(o, f->label_ru);
			cell(o, f->help);
			fputs("|\n", o);
		}
	}
	fputs("\n## Computed fields\n\nFields flagged *computed* are written by the system, never by users: "
	      "in a whole document\n(a `PUT`, an import of an export) they are ignored; naming one in `demine update "
	      "--set` or a\n`PATCH` is refused, saying what computes it. Areas are geodesic, on the WGS84 ellipsoid, in\n"
	      "square metres. A hazard's `remaining_m2` is its polygon minus the union of its released\n"
	      "polygons (cancelled, reduced, cleared; overlapping releases count once); land released outside\n"
	      "the hazard is counted in `released_outside_m2` and flagged.\n\n"
	      "A hazard without a polygon (known by a point and its `estimated_area_m2`, or only by a\n"
	      "description) is never closed by area arithmetic: its releases count in `released_outside_m2`\n"
	      "and it remains as estimated, until an approved NTS cancellation closes it (`closure_reason`\n"
	      "*cancelled by non-technical survey*) or it is closed by hand.\n\n"
	      "The land status follows the approved releases: `open` while none is approved, `worked_on` from\n"
	      "the first (*partly released*), `closed` when a polygon's remaining area is 0 (*fully released*),\n"
	      "and back (*reopened: a release was withdrawn*, *open again: every release withdrawn*).\n"
	      "`closure_reason` says when the system set the status; a status set by hand (a closure with its\n"
	      "reason, which becomes the `closure_reason`, or a `worked_on` before any release) is never\n"
	      "overwritten, except that a hazard worked on is closed when fully released. These versions are\n"
	      "authored `system` and approved automatically, with the reason of the move as their change reason.\n\n", o);
	for (i = 0; i < nt; i++) {
		int any = 0;
		for (j = 0; j < tt[i].nfields; j++)
			if (tt[i].fields[j].flags & DM_FF_COMPUTED) {
				if (!any++)
					fprintf(o, "- %s: ", tt[i].name);
				else
					fputs(", ", o);
				fprintf(o, "`%s`", tt[i].fields[j].name);
			}
		if (any)
			fputc('\n', o);
	}
	if (fclose(o)) {
		free(buf);
		return NULL;
	}
	return buf;
}
