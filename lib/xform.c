/* xform.c: the field forms as ODK XForms 1.0, generated from the field tables (one source of
 * truth with the record types): questions, types, required flags, choice lists, labels and hints
 * in az/en/ru through itext, geometry as geopoint/geoshape or turning points. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/xform.h"
#include "demine/catalog.h"
#include "demine/util.h"

static const struct dm_form forms[] = {
	{ "demine_nts", "hazard", "Non-technical survey: new suspected hazardous area (SHA)",
	  "Qeyri-texniki tədqiqat: yeni şübhəli təhlükəli ərazi (SHA)",
	  "Нетехническое обследование: новый предположительно опасный район (SHA)", DM_FORM_GEO_AREA_ANY,
	  { { "category", "sha" }, { "land_status", "open" }, { "evidence_kind", "indirect" } }, NULL, NULL },
	{ "demine_ts", "hazard", "Technical survey: confirmed hazardous area (CHA)",
	  "Texniki tədqiqat: təsdiqlənmiş təhlükəli ərazi (CHA)",
	  "Техническое обследование: подтверждённый опасный район (CHA)", DM_FORM_GEO_AREA_ANY,
	  { { "category", "cha" }, { "land_status", "open" }, { "evidence_kind", "direct" } }, NULL, NULL },
	{ "demine_release", "land_release", "Land release completion (cancelled, reduced, cleared)",
	  "Ərazinin azad edilməsinin başa çatması (ləğv, azaltma, təmizləmə)",
	  "Завершение высвобождения земель (исключение, сокращение, очистка)", DM_FORM_GEO_SHAPE,
	  { { NULL, NULL } }, NULL, NULL },
	{ "demine_eo", "eo_find", "Explosive ordnance found / EOD spot task",
	  "Aşkarlanmış partlayıcı sursat / EOD nöqtəvi tapşırıq",
	  "Обнаруженный взрывоопасный предмет / точечная задача EOD", DM_FORM_GEO_POINT, { { NULL, NULL } },
	  NULL, NULL },
	{ "demine_accident", "accident", "Accident with victims", "Zərərçəkmişlərlə bədbəxt hadisə",
	  "Несчастный случай с пострадавшими", DM_FORM_GEO_POINT, { { NULL, NULL } }, "victim", "accident" },
	{ "demine_eore", "eore_session", "Risk education session", "Risklər barədə maarifləndirmə sessiyası",
	  "Занятие по информированию о рисках", DM_FORM_GEO_POINT, { { NULL, NULL } }, NULL, NULL },
};

const struct dm_form *dm_forms(size_t *n)
{
	*n = sizeof(forms) / sizeof(forms[0]);
	return forms;
}

const struct dm_form *dm_form_find(const char *id)
{
	size_t i;
	for (i = 0; id && i < sizeof(forms) / sizeof(forms[0]); i++)
		if (!strcmp(forms[i].id, id))
			return &forms[i];
	return NULL;
}

int dm_form_fixed_value(const struct dm_form *f, const char *field, const char **value)
{
	size_t i;
	for (i = 0; i < sizeof(f->fixed) / sizeof(f->fixed[0]) && f->fixed[i].field; i++)
		if (!strcmp(f->fixed[i].field, field)) {
			if (value)
				*value = f->fixed[i].value;
			return 1;
		}
	return 0;
}

/* A field the form asks: not computed, not set by the form itself, of a kind a tablet can enter.
 * Links are asked only to hazards and tasks (picked from the organisation's list in the manifest);
 * the link of a child back to its parent is the repeat itself. */
int dm_form_asks(const struct dm_form *f, const struct dm_type *t, const struct dm_field *fd)
{
	if (fd->flags & (DM_FF_COMPUTED | DM_FF_READONLY))
		return 0;
	if (t == NULL || (f->type && !strcmp(t->name, f->type) && dm_form_fixed_value(f, fd->name, NULL)))
		return 0;
	if (f->child_link && !strcmp(t->name, f->child_type) && !strcmp(fd->name, f->child_link))
		return 0;
	switch (fd->type) {
	case DM_F_LINK:
		return fd->link_type && (!strcmp(fd->link_type, "hazard") || !strcmp(fd->link_type, "task"));
	case DM_F_LINKS: case DM_F_JSON: case DM_F_MONEY: case DM_F_CURRENCY: case DM_F_DECIMAL: case DM_F_COUNTRY:
		return 0;
	default:
		return 1;
	}
}

/* ---- XML text ---- */

static void add_esc(struct dm_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': dm_buf_add(b, "&lt;"); break;
		case '>': dm_buf_add(b, "&gt;"); break;
		case '&': dm_buf_add(b, "&amp;"); break;
		case '"': dm_buf_add(b, "&quot;"); break;
		case '\'': dm_buf_add(b, "&apos;"); break;
		default: dm_buf_addn(b, s, 1);
		}
	}
}

static const char *const langs[] = { "en", "az", "ru" };
static const char *const lang_names[] = { "English (en)", "Azərbaycan dili (az)", "Русский (ru)" };

/* Words the forms add around the field tables, in the three languages. */
static const struct word {
	const char *key, *en, *az, *ru;
} words[] = {
	{ "date_of_information", "Date of information", "Məlumatın tarixi", "Дата информации" },
	{ "geo_method", "How is the area recorded?", "Ərazi necə qeyd olunur?", "Как записан район?" },
	{ "polygon", "Walk the boundary (polygon)", "Sərhəd boyunca (poliqon)", "Обход границы (полигон)" },
	{ "turning_points", "Turning points from a benchmark", "Reper nöqtəsindən dönmə nöqtələri",
	  "Поворотные точки от репера" },
	{ "point", "A point with an estimated area", "Təxmini sahəsi olan nöqtə", "Точка с оценочной площадью" },
	{ "shape", "Boundary of the area", "Ərazinin sərhədi", "Граница района" },
	{ "location", "Location", "Yer", "Местоположение" },
	{ "tp", "Turning points", "Dönmə nöqtələri", "Поворотные точки" },
	{ "bm", "Benchmark (BM)", "Reper (BM)", "Репер (BM)" },
	{ "bearing_type", "Bearings are", "Azimutlar", "Азимуты" },
	{ "true", "true north", "həqiqi şimal", "истинные" },
	{ "magnetic", "magnetic", "maqnit", "магнитные" },
	{ "declination", "Magnetic declination (degrees, east positive)", "Maqnit meyli (dərəcə, şərq müsbət)",
	  "Магнитное склонение (градусы, восток положителен)" },
	{ "leg", "Leg to the next turning point", "Növbəti dönmə nöqtəsinə qədər", "Отрезок до следующей точки" },
	{ "bearing", "Bearing (degrees 0-360)", "Azimut (dərəcə 0-360)", "Азимут (градусы 0-360)" },
	{ "distance", "Distance (m)", "Məsafə (m)", "Расстояние (м)" },
	{ "photo", "Photos", "Fotolar", "Фотографии" },
	{ "image", "Photo", "Foto", "Фотография" },
	{ "personal", "personal data", "şəxsi məlumat", "персональные данные" },
	{ "yes", "yes", "bəli", "да" },
	/* units of the field tables */
	{ "years", "years", "il", "лет" },
	{ "people", "people", "nəfər", "чел." },
	{ "items", "items", "ədəd", "шт." },
	{ "m2", "m²", "m²", "м²" },
	{ "cm", "cm", "sm", "см" },
	{ "m", "m", "m", "м" },
	{ "no", "no", "xeyr", "нет" },
};

static const char *word(const char *key, int lang)
{
	size_t i;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(words[i].key, key))
			return lang == 0 ? words[i].en : lang == 1 ? words[i].az : words[i].ru;
	return key;
}

static const char *field_label(const struct dm_field *fd, int lang)
{
	const char *s = lang == 1 ? fd->label_az : lang == 2 ? fd->label_ru : fd->label_en;
	return s && *s ? s : fd->label_en ? fd->label_en : fd->name;
}

static const char *type_label(const struct dm_type *t, int lang)
{
	return lang == 1 ? t->label_az : lang == 2 ? t->label_ru : t->label_en;
}

/* A value's label from the message catalogue of the language ("v.ap_mine"), else the value
 * itself with '_' as ' '. */
static void value_label(struct dm_catalog *const *cat, const char *value, int lang, char *out, size_t n)
{
	char key[96], *s;
	size_t i;
	snprintf(key, sizeof(key), "v.%s", value);
	s = cat[lang] ? dm_catalog_text(cat[lang], key, NULL) : NULL;
	if (s && strcmp(s, key)) {
		snprintf(out, n, "%s", s);
		free(s);
		return;
	}
	free(s);
	snprintf(out, n, "%s", value);
	for (i = 0; out[i]; i++)
		if (out[i] == '_')
			out[i] = ' ';
}

/* ---- the parts of a form ---- */

struct build {
	const struct dm_schema *s;
	const struct dm_form *f;
	const struct dm_type *main, *child;
	struct dm_catalog *cat[3]; /* en, az, ru; NULL when a catalogue is missing */
	struct dm_buf *b;
	int lang; /* while writing itext */
};

static void text(struct dm_buf *b, const char *id, const char *value)
{
	dm_buf_add(b, "<text id=\"");
	add_esc(b, id);
	dm_buf_add(b, "\"><value>");
	add_esc(b, value);
	dm_buf_add(b, "</value></text>\n");
}

static void itext_field(struct build *c, const char *path, const struct dm_field *fd)
{
	char id[256], lbl[600];
	const char *const *v;
	snprintf(id, sizeof(id), "%s:label", path);
	if (fd->flags & DM_FF_PERSONAL)
		snprintf(lbl, sizeof(lbl), "%s (%s)", field_label(fd, c->lang), word("personal", c->lang));
	else if (fd->unit)
		snprintf(lbl, sizeof(lbl), "%s (%s)", field_label(fd, c->lang), word(fd->unit, c->lang));
	else
		snprintf(lbl, sizeof(lbl), "%s", field_label(fd, c->lang));
	text(c->b, id, lbl);
	if (fd->help && c->lang == 0) {
		snprintf(id, sizeof(id), "%s:hint", path);
		text(c->b, id, fd->help);
	}
	for (v = fd->values; v && *v; v++) {
		snprintf(id, sizeof(id), "%s/%s:label", path, *v);
		value_label(c->cat, *v, c->lang, lbl, sizeof(lbl));
		text(c->b, id, lbl);
	}
	if (fd->type == DM_F_BOOL) {
		snprintf(id, sizeof(id), "%s/true:label", path);
		text(c->b, id, word("yes", c->lang));
		snprintf(id, sizeof(id), "%s/false:label", path);
		text(c->b, id, word("no", c->lang));
	}
}

static void itext_word(struct build *c, const char *path, const char *key)
{
	char id[256];
	snprintf(id, sizeof(id), "%s:label", path);
	text(c->b, id, word(key, c->lang));
}

static void itext_geo(struct build *c)
{
	if (c->f->geo == DM_FORM_GEO_AREA_ANY) {
		itext_word(c, "/data/geo_method", "geo_method");
		itext_word(c, "/data/geo_method/polygon", "polygon");
		itext_word(c, "/data/geo_method/turning_points", "turning_points");
		itext_word(c, "/data/geo_method/point", "point");
		itext_word(c, "/data/shape", "shape");
		itext_word(c, "/data/location", "location");
		itext_word(c, "/data/tp", "tp");
		itext_word(c, "/data/tp/bm", "bm");
		itext_word(c, "/data/tp/bearing_type", "bearing_type");
		itext_word(c, "/data/tp/bearing_type/true", "true");
		itext_word(c, "/data/tp/bearing_type/magnetic", "magnetic");
		itext_word(c, "/data/tp/declination", "declination");
		itext_word(c, "/data/tp/leg", "leg");
		itext_word(c, "/data/tp/leg/bearing", "bearing");
		itext_word(c, "/data/tp/leg/distance", "distance");
	} else if (c->f->geo == DM_FORM_GEO_SHAPE) {
		itext_word(c, "/data/shape", "shape");
	} else {
		itext_word(c, "/data/location", "location");
	}
}

static void itext(struct build *c)
{
	char path[160];
	size_t i, l;
	dm_buf_add(c->b, "<itext>\n");
	for (l = 0; l < 3; l++) {
		c->lang = (int)l;
		dm_buf_addf(c->b, "<translation lang=\"%s\"%s>\n", lang_names[l], l == 0 ? " default=\"true()\"" : "");
		itext_word(c, "/data/date_of_information", "date_of_information");
		itext_geo(c);
		for (i = 0; i < c->main->nfields; i++)
			if (dm_form_asks(c->f, c->main, &c->main->fields[i])) {
				snprintf(path, sizeof(path), "/data/%s", c->main->fields[i].name);
				itext_field(c, path, &c->main->fields[i]);
			}
		if (c->child) {
			snprintf(path, sizeof(path), "/data/%s:label", c->child->name);
			text(c->b, path, type_label(c->child, c->lang));
			for (i = 0; i < c->child->nfields; i++)
				if (dm_form_asks(c->f, c->child, &c->child->fields[i])) {
					snprintf(path, sizeof(path), "/data/%s/%s", c->child->name, c->child->fields[i].name);
					itext_field(c, path, &c->child->fields[i]);
				}
		}
		itext_word(c, "/data/photo", "photo");
		itext_word(c, "/data/photo/image", "image");
		dm_buf_add(c->b, "</translation>\n");
	}
	dm_buf_add(c->b, "</itext>\n");
}

static void instance_fields(struct build *c, const struct dm_type *t)
{
	size_t i;
	for (i = 0; i < t->nfields; i++)
		if (dm_form_asks(c->f, t, &t->fields[i]))
			dm_buf_addf(c->b, "<%s/>", t->fields[i].name);
}

static void instance(struct build *c, const char *version)
{
	dm_buf_addf(c->b, "<instance>\n<data id=\"%s\" version=\"%s\">", c->f->id, version);
	dm_buf_add(c->b, "<date_of_information/>");
	if (c->f->geo == DM_FORM_GEO_AREA_ANY)
		dm_buf_add(c->b, "<geo_method/><shape/><location/><tp><bm/><bearing_type>true</bearing_type>"
				 "<declination/><leg><bearing/><distance/></leg></tp>");
	else if (c->f->geo == DM_FORM_GEO_SHAPE)
		dm_buf_add(c->b, "<shape/>");
	else
		dm_buf_add(c->b, "<location/>");
	instance_fields(c, c->main);
	if (c->child) {
		dm_buf_addf(c->b, "<%s>", c->child->name);
		instance_fields(c, c->child);
		dm_buf_addf(c->b, "</%s>", c->child->name);
	}
	dm_buf_add(c->b, "<photo><image/></photo>");
	dm_buf_add(c->b, "<meta><instanceID/></meta></data>\n</instance>\n");
}

/* The XForms data type of a field's question. */
static const char *xtype(const struct dm_field *fd)
{
	switch (fd->type) {
	case DM_F_INT: return "int";
	case DM_F_REAL: case DM_F_AREA: return "decimal";
	case DM_F_DATE: return "date";
	case DM_F_DATETIME: return "dateTime";
	case DM_F_SET: return "string"; /* select: space-separated values */
	default: return "string";
	}
}

static void bind_field(struct build *c, const char *path, const struct dm_field *fd, const char *relevant)
{
	dm_buf_addf(c->b, "<bind nodeset=\"%s\" type=\"%s\"", path, xtype(fd));
	if (fd->flags & DM_FF_REQUIRED)
		dm_buf_add(c->b, " required=\"true()\"");
	if ((fd->flags & DM_FF_NONNEG) && (fd->type == DM_F_INT || fd->type == DM_F_REAL || fd->type == DM_F_AREA))
		dm_buf_add(c->b, " constraint=\". &gt;= 0\"");
	if (relevant)
		dm_buf_addf(c->b, " relevant=\"%s\"", relevant);
	dm_buf_add(c->b, "/>\n");
}

static void binds(struct build *c)
{
	char path[160];
	size_t i;
	const char *rel;
	dm_buf_add(c->b, "<bind nodeset=\"/data/date_of_information\" type=\"date\" required=\"true()\""
			 " jr:preload=\"date\" jr:preloadParams=\"today\"/>\n");
	if (c->f->geo == DM_FORM_GEO_AREA_ANY) {
		dm_buf_add(c->b, "<bind nodeset=\"/data/geo_method\" type=\"string\" required=\"true()\"/>\n"
				 "<bind nodeset=\"/data/shape\" type=\"geoshape\" required=\"true()\""
				 " relevant=\"/data/geo_method = 'polygon'\"/>\n"
				 "<bind nodeset=\"/data/location\" type=\"geopoint\" required=\"true()\""
				 " relevant=\"/data/geo_method = 'point'\"/>\n"
				 "<bind nodeset=\"/data/tp\" relevant=\"/data/geo_method = 'turning_points'\"/>\n"
				 "<bind nodeset=\"/data/tp/bm\" type=\"geopoint\" required=\"true()\"/>\n"
				 "<bind nodeset=\"/data/tp/bearing_type\" type=\"string\" required=\"true()\"/>\n"
				 "<bind nodeset=\"/data/tp/declination\" type=\"decimal\""
				 " relevant=\"/data/tp/bearing_type = 'magnetic'\"/>\n"
				 "<bind nodeset=\"/data/tp/leg/bearing\" type=\"decimal\" required=\"true()\""
				 " constraint=\". &gt;= 0 and . &lt;= 360\"/>\n"
				 "<bind nodeset=\"/data/tp/leg/distance\" type=\"decimal\" required=\"true()\""
				 " constraint=\". &gt; 0\"/>\n");
	} else if (c->f->geo == DM_FORM_GEO_SHAPE) {
		dm_buf_add(c->b, "<bind nodeset=\"/data/shape\" type=\"geoshape\" required=\"true()\"/>\n");
	} else {
		dm_buf_add(c->b, "<bind nodeset=\"/data/location\" type=\"geopoint\" required=\"true()\"/>\n");
	}
	for (i = 0; i < c->main->nfields; i++)
		if (dm_form_asks(c->f, c->main, &c->main->fields[i])) {
			snprintf(path, sizeof(path), "/data/%s", c->main->fields[i].name);
			rel = c->f->geo == DM_FORM_GEO_AREA_ANY && c->main->point_area_field &&
					      !strcmp(c->main->fields[i].name, c->main->point_area_field)
				      ? "/data/geo_method = 'point'"
				      : NULL;
			bind_field(c, path, &c->main->fields[i], rel);
		}
	for (i = 0; c->child && i < c->child->nfields; i++)
		if (dm_form_asks(c->f, c->child, &c->child->fields[i])) {
			snprintf(path, sizeof(path), "/data/%s/%s", c->child->name, c->child->fields[i].name);
			bind_field(c, path, &c->child->fields[i], NULL);
		}
	dm_buf_add(c->b, "<bind nodeset=\"/data/photo/image\" type=\"binary\"/>\n"
			 "<bind nodeset=\"/data/meta/instanceID\" type=\"string\" readonly=\"true()\""
			 " jr:preload=\"uid\"/>\n");
}

static void label_ref(struct dm_buf *b, const char *path)
{
	dm_buf_addf(b, "<label ref=\"jr:itext('%s:label')\"/>", path);
}

static void item(struct dm_buf *b, const char *path, const char *value)
{
	dm_buf_add(b, "<item>");
	dm_buf_addf(b, "<label ref=\"jr:itext('%s/%s:label')\"/><value>%s</value></item>", path, value, value);
}

static void body_field(struct build *c, const char *path, const struct dm_field *fd)
{
	const char *const *v;
	const char *elem = fd->type == DM_F_SET ? "select" : fd->type == DM_F_ENUM || fd->type == DM_F_BOOL ||
									 fd->type == DM_F_LINK
									 ? "select1"
									 : "input";
	dm_buf_addf(c->b, "<%s ref=\"%s\"", elem, path);
	if (fd->type == DM_F_LINK)
		dm_buf_add(c->b, " appearance=\"minimal search\"");
	dm_buf_add(c->b, ">");
	label_ref(c->b, path);
	if (fd->help)
		dm_buf_addf(c->b, "<hint ref=\"jr:itext('%s:hint')\"/>", path);
	for (v = fd->values; v && *v; v++)
		item(c->b, path, *v);
	if (fd->type == DM_F_BOOL) {
		item(c->b, path, "true");
		item(c->b, path, "false");
	}
	if (fd->type == DM_F_LINK)
		dm_buf_addf(c->b, "<itemset nodeset=\"instance('%ss')/root/item\"><value ref=\"name\"/>"
				  "<label ref=\"label\"/></itemset>", fd->link_type);
	dm_buf_addf(c->b, "</%s>\n", elem);
}

static void body(struct build *c)
{
	char path[160];
	size_t i;
	dm_buf_add(c->b, "<h:body>\n<input ref=\"/data/date_of_information\">");
	label_ref(c->b, "/data/date_of_information");
	dm_buf_add(c->b, "</input>\n");
	if (c->f->geo == DM_FORM_GEO_AREA_ANY) {
		dm_buf_add(c->b, "<select1 ref=\"/data/geo_method\">");
		label_ref(c->b, "/data/geo_method");
		item(c->b, "/data/geo_method", "polygon");
		item(c->b, "/data/geo_method", "turning_points");
		item(c->b, "/data/geo_method", "point");
		dm_buf_add(c->b, "</select1>\n<input ref=\"/data/shape\">");
		label_ref(c->b, "/data/shape");
		dm_buf_add(c->b, "</input>\n<input ref=\"/data/location\">");
		label_ref(c->b, "/data/location");
		dm_buf_add(c->b, "</input>\n<group ref=\"/data/tp\">");
		label_ref(c->b, "/data/tp");
		dm_buf_add(c->b, "<input ref=\"/data/tp/bm\">");
		label_ref(c->b, "/data/tp/bm");
		dm_buf_add(c->b, "</input><select1 ref=\"/data/tp/bearing_type\">");
		label_ref(c->b, "/data/tp/bearing_type");
		item(c->b, "/data/tp/bearing_type", "true");
		item(c->b, "/data/tp/bearing_type", "magnetic");
		dm_buf_add(c->b, "</select1><input ref=\"/data/tp/declination\">");
		label_ref(c->b, "/data/tp/declination");
		dm_buf_add(c->b, "</input>\n<group ref=\"/data/tp/leg\">");
		label_ref(c->b, "/data/tp/leg");
		dm_buf_add(c->b, "<repeat nodeset=\"/data/tp/leg\"><input ref=\"/data/tp/leg/bearing\">");
		label_ref(c->b, "/data/tp/leg/bearing");
		dm_buf_add(c->b, "</input><input ref=\"/data/tp/leg/distance\">");
		label_ref(c->b, "/data/tp/leg/distance");
		dm_buf_add(c->b, "</input></repeat></group>\n</group>\n");
	} else {
		const char *p = c->f->geo == DM_FORM_GEO_SHAPE ? "/data/shape" : "/data/location";
		dm_buf_addf(c->b, "<input ref=\"%s\">", p);
		label_ref(c->b, p);
		dm_buf_add(c->b, "</input>\n");
	}
	for (i = 0; i < c->main->nfields; i++)
		if (dm_form_asks(c->f, c->main, &c->main->fields[i])) {
			snprintf(path, sizeof(path), "/data/%s", c->main->fields[i].name);
			body_field(c, path, &c->main->fields[i]);
		}
	if (c->child) {
		snprintf(path, sizeof(path), "/data/%s", c->child->name);
		dm_buf_addf(c->b, "<group ref=\"%s\">", path);
		label_ref(c->b, path);
		dm_buf_addf(c->b, "<repeat nodeset=\"%s\">\n", path);
		for (i = 0; i < c->child->nfields; i++)
			if (dm_form_asks(c->f, c->child, &c->child->fields[i])) {
				snprintf(path, sizeof(path), "/data/%s/%s", c->child->name, c->child->fields[i].name);
				body_field(c, path, &c->child->fields[i]);
			}
		dm_buf_add(c->b, "</repeat></group>\n");
	}
	dm_buf_add(c->b, "<group ref=\"/data/photo\">");
	label_ref(c->b, "/data/photo");
	dm_buf_add(c->b, "<repeat nodeset=\"/data/photo\"><upload ref=\"/data/photo/image\" mediatype=\"image/*\">");
	label_ref(c->b, "/data/photo/image");
	dm_buf_add(c->b, "</upload></repeat></group>\n</h:body>\n");
}

/* The secondary instances of the link questions: the organisation's open hazards and tasks,
 * sent as CSV media files in the form's manifest. */
static void link_instances(struct build *c)
{
	int hazard = 0, task = 0;
	size_t i;
	for (i = 0; i < c->main->nfields; i++) {
		const struct dm_field *fd = &c->main->fields[i];
		if (fd->type == DM_F_LINK && dm_form_asks(c->f, c->main, fd)) {
			hazard |= !strcmp(fd->link_type, "hazard");
			task |= !strcmp(fd->link_type, "task");
		}
	}
	if (hazard)
		dm_buf_add(c->b, "<instance id=\"hazards\" src=\"jr://file-csv/hazards.csv\"/>\n");
	if (task)
		dm_buf_add(c->b, "<instance id=\"tasks\" src=\"jr://file-csv/tasks.csv\"/>\n");
}

int dm_form_uses_media(const struct dm_schema *s, const struct dm_form *f, const char *link_type)
{
	const struct dm_type *t = dm_schema_type(s, f->type);
	size_t i;
	for (i = 0; t && i < t->nfields; i++)
		if (t->fields[i].type == DM_F_LINK && dm_form_asks(f, t, &t->fields[i]) &&
		    !strcmp(t->fields[i].link_type, link_type))
			return 1;
	return 0;
}

static void build_form(struct build *c, const char *version)
{
	dm_buf_add(c->b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<h:html xmlns=\"http://www.w3.org/2002/xforms\" xmlns:h=\"http://www.w3.org/1999/xhtml\""
			 " xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:odk=\"http://www.opendatakit.org/xforms\""
			 " xmlns:orx=\"http://openrosa.org/xforms\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\n"
			 "<h:head>\n<h:title>");
	add_esc(c->b, c->f->title_en);
	dm_buf_add(c->b, "</h:title>\n<model odk:xforms-version=\"1.0.0\">\n");
	itext(c);
	instance(c, version);
	link_instances(c);
	binds(c);
	dm_buf_add(c->b, "</model>\n</h:head>\n");
	body(c);
	dm_buf_add(c->b, "</h:html>\n");
}

/* FNV-1a 64: the version names the form's content (not a security digest). */
static unsigned long long fnv1a(const char *s, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void close_catalogs(struct build *c)
{
	size_t i;
	for (i = 0; i < 3; i++)
		dm_catalog_free(c->cat[i]);
}

int dm_xform_build(const struct dm_schema *s, const struct dm_form *form, const char *catalog_dir, char **xml_out,
		   size_t *len_out, char version_out[24], struct dm_error *err)
{
	struct dm_buf b;
	struct build c = { s, form, NULL, NULL, { NULL, NULL, NULL }, &b, 0 };
	struct dm_error ce;
	char *xml;
	size_t i;
	*xml_out = NULL;
	c.main = dm_schema_type(s, form->type);
	c.child = form->child_type ? dm_schema_type(s, form->child_type) : NULL;
	if (!c.main || (form->child_type && !c.child))
		return dm_error_set(err, DM_ENOTFOUND, "form", "form %s: record type %s is not in the schema", form->id,
				    form->type);
	/* without a catalogue the choices show their values: the form still works */
	for (i = 0; i < 3; i++) {
		dm_error_init(&ce);
		if (dm_catalog_load(catalog_dir, langs[i], &c.cat[i], &ce))
			c.cat[i] = NULL;
		dm_error_release(&ce);
	}
	/* the version is the digest of the form written without one */
	dm_buf_init(&b, (size_t)4 << 20);
	build_form(&c, "");
	if (b.overflow) {
		dm_buf_release(&b);
		close_catalogs(&c);
		return dm_error_set(err, DM_ENOMEM, "form", "form %s is too large", form->id);
	}
	snprintf(version_out, 24, "%016llx", fnv1a(b.s, b.len));
	dm_buf_release(&b);
	dm_buf_init(&b, (size_t)4 << 20);
	build_form(&c, version_out);
	close_catalogs(&c);
	*len_out = b.len;
	if (!(xml = dm_buf_take(&b)))
		return dm_error_set(err, DM_ENOMEM, "form", "form %s: out of memory", form->id);
	*xml_out = xml;
	return 0;
}
