/* record_json.c: records in and out of their flat JSON form, and field values from text
 * (CSV cells, --set). Input is validated member by member; every problem is reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "demine/geo.h"
#include "demine/money.h"
#include "record_impl.h"

/* Members every record has that a writer may not set, and what sets them: ignored in a whole
 * document, so a client can send back the very document it read; refused in a partial one. */
static const struct readonly_member {
	const char *name, *set_by;
} readonly_members[] = {
	{ "id", "the record's identity, given when it was created" },
	{ "type", "the record's type" },
	{ "code", "assigned when the record is created" },
	{ "version", "counted by every write (give it as the expected version)" },
	{ "status", "set by submit, approve and reject" },
	{ "approved_version", "set by approve" },
	{ "approved", "set by approve" },
	{ "deleted", "set by a deletion" },
	{ "created_by", "stamped by the first write" },
	{ "created_at", "stamped by the first write" },
	{ "updated_by", "stamped by every write" },
	{ "updated_at", "stamped by every write" },
	{ "status_reason", "the reason given with a rejection" },
	{ "change_reason", "the reason given with the write itself" },
	{ "source_crs", "the CRS the geometry was given in" },
};

static const struct readonly_member *readonly_member(const char *k)
{
	size_t i;
	for (i = 0; i < sizeof(readonly_members) / sizeof(readonly_members[0]); i++)
		if (!strcmp(readonly_members[i].name, k))
			return &readonly_members[i];
	return NULL;
}

/* A partial write naming a member it cannot set: say what sets it. */
static int refuse_readonly(struct dm_error *err, const char *k, const struct dm_field *f, const char *set_by)
{
	char from[300];
	if (f && (f->flags & DM_FF_COMPUTED)) {
		snprintf(from, sizeof(from), "%s", f->help ? f->help : "the record and its related records");
		if (from[0] >= 'A' && from[0] <= 'Z' && !(from[1] >= 'A' && from[1] <= 'Z'))
			from[0] = (char)(from[0] - 'A' + 'a');
		dm_error_addc(err, k, "computed", json_pack("{s:s,s:s}", "field", k, "from", from),
			      "%s is computed and cannot be set: %s", k, from);
	} else {
		dm_error_addc(err, k, "read_only", json_pack("{s:s,s:s}", "field", k, "set_by", set_by ? set_by : "the system"),
			      "%s is read-only: %s", k, set_by ? set_by : "set by the system");
	}
	return DM_EINVAL;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = dm_strdup0(v);
}

/* A link names its target by id, code or external id; it is stored as the id. */
static int resolve_link(struct dm_db *db, const char *field, const char *target_type, json_t *v, json_t **out,
			struct dm_error *err)
{
	char id[37];
	const struct dm_type *t = NULL;
	struct dm_error e;
	int rc;
	if (!json_is_string(v)) {
		dm_error_addc(err, field, "wrong_type", json_pack("{s:s,s:s}", "expected", "link", "target", target_type),
			      "expected the id or code of a %s record", target_type);
		return DM_EINVAL;
	}
	dm_error_init(&e);
	rc = dm_rec_find(db, json_string_value(v), 1, id, &t, &e);
	if (rc && rc != DM_ENOTFOUND) /* the store failed: that error, not "no such record" */
		dm_error_set(err, rc, field, "%s", e.message);
	dm_error_release(&e);
	if (rc == DM_ENOTFOUND) {
		dm_error_addc(err, field, "no_record", json_pack("{s:s,s:s}", "target", target_type, "value",
								 json_string_value(v)),
			      "no %s record '%s'", target_type, json_string_value(v));
		return DM_EINVAL;
	}
	if (rc)
		return rc;
	if (strcmp(t->name, target_type)) {
		dm_error_addc(err, field, "wrong_record_type", json_pack("{s:s,s:s,s:s}", "value", json_string_value(v),
									 "type", t->name, "target", target_type),
			      "'%s' is a %s record, not a %s", json_string_value(v), t->name, target_type);
		return DM_EINVAL;
	}
	*out = json_string(id);
	return 0;
}

static int resolve_links(struct dm_db *db, const struct dm_field *f, json_t *v, json_t **out, struct dm_error *err)
{
	size_t i;
	json_t *e, *id, *arr;
	int rc = 0, bad = 0;
	if (f->type == DM_F_LINK)
		return resolve_link(db, f->name, f->link_type, v, out, err);
	if (!json_is_array(v)) {
		dm_error_addc(err, f->name, "wrong_type", json_pack("{s:s,s:s}", "expected", "links", "target", f->link_type),
			      "expected a list of %s ids or codes", f->link_type);
		return DM_EINVAL;
	}
	arr = json_array();
	json_array_foreach(v, i, e) {
		id = NULL;
		rc = resolve_link(db, f->name, f->link_type, e, &id, err);
		if (rc == DM_EINVAL) {
			bad = 1;
			continue;
		}
		if (rc)
			break;
		json_array_append_new(arr, id);
	}
	if (rc || bad) {
		json_decref(arr);
		return rc ? rc : DM_EINVAL;
	}
	*out = arr;
	return 0;
}

static int apply_field(struct dm_db *db, struct dm_record *r, const struct dm_field *f, json_t *v,
		       struct dm_error *err)
{
	json_t *resolved = NULL;
	int rc;
	if (json_is_null(v))
		return json_object_set_new(r->fields, f->name, json_null()) ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory")
									      : 0;
	if (f->type == DM_F_LINK || f->type == DM_F_LINKS) {
		rc = resolve_links(db, f, v, &resolved, err);
		if (rc)
			return rc;
		v = resolved;
	}
	rc = dm_field_validate(f, v, err);
	if (!rc && json_object_set(r->fields, f->name, v))
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	json_decref(resolved);
	return rc;
}

/* WKB geometry type (ISO, 2D): 1 point, 2 line, 3 polygon, 4-6 multi. */
static unsigned wkb_type(const struct dm_geom *g)
{
	unsigned t;
	if (!g->wkb || g->wkb_len < 5)
		return 0;
	if (g->wkb[0] == 1)
		t = g->wkb[1] | g->wkb[2] << 8 | g->wkb[3] << 16 | (unsigned)g->wkb[4] << 24;
	else
		t = g->wkb[4] | g->wkb[3] << 8 | g->wkb[2] << 16 | (unsigned)g->wkb[1] << 24;
	return t % 1000;
}

static int check_geom_kind(const struct dm_type *t, const struct dm_geom *g, struct dm_error *err)
{
	unsigned k = wkb_type(g);
	if (t->geom == DM_GEOM_NONE) {
		dm_error_addc(err, "geometry", "no_geometry", json_pack("{s:s}", "type", t->name),
			      "%s records have no geometry", t->name);
		return DM_EINVAL;
	}
	if (t->geom == DM_GEOM_POINT && k != 1) {
		dm_error_addc(err, "geometry", "wrong_geometry", json_pack("{s:s,s:s}", "type", t->name, "expected", "Point"),
			      "a %s is located by a Point", t->name);
		return DM_EINVAL;
	}
	/* A hazard known only as a point keeps an entered estimated area until surveyed. */
	if (t->geom == DM_GEOM_AREA && k != 3 && k != 6 && !(k == 1 && t->point_area_field)) {
		dm_error_addc(err, "geometry", "wrong_geometry", json_pack("{s:s,s:s}", "type", t->name, "expected",
									   "Polygon"),
			      "a %s needs a Polygon or MultiPolygon%s", t->name,
			      !t->point_area_field ? "" : *t->point_area_field ? " (or a Point with its estimated area)" : " or a Point");
		return DM_EINVAL;
	}
	return 0;
}

/* The stable code of a geometry problem, from the geometry module's message (geo_valid.c). */
static const char *geometry_code(const char *msg)
{
	static const struct { const char *text, *code; } codes[] = {
		{ "self-intersects", "self_intersection" }, { "is not closed", "ring_not_closed" },
		{ "a ring needs at least", "too_few_positions" }, { "is outside -180..180", "out_of_range" },
		{ "is outside -90..90", "out_of_range" }, { "outside the country", "outside_country" },
		{ "is empty", "empty_geometry" },
	};
	size_t i;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strstr(msg, codes[i].text))
			return codes[i].code;
	return "invalid_geometry";
}

static int apply_geometry(struct dm_db *db, struct dm_record *r, json_t *v, const struct dm_write_opts *opts,
			  struct dm_error *err)
{
	struct dm_geom g = { 0 };
	struct dm_error ge;
	int rc;
	if (json_is_null(v)) {
		dm_geom_release(&r->geom);
		return 0;
	}
	dm_error_init(&ge);
	rc = dm_geo_from_geojson(db->geo, v, opts->crs, opts->repair ? DM_GEO_REPAIR : 0, &g, opts->report, &ge);
	if (rc == DM_EINVAL) { /* a problem of the input, listed with the record's others */
		dm_error_addc(err, "geometry", geometry_code(ge.message), NULL, "%s", ge.message);
	} else if (rc) { /* out of memory or the geometry library failing: the write fails */
		dm_error_set(err, rc, "geometry", "%s", ge.message[0] ? ge.message : "out of memory");
	}
	if (rc) {
		dm_error_release(&ge);
		return rc;
	}
	dm_error_release(&ge);
	rc = check_geom_kind(r->type, &g, err);
	if (rc) {
		dm_geom_release(&g);
		return rc;
	}
	dm_geom_release(&r->geom);
	r->geom = g;
	set_str(&r->source_crs, opts->crs && strcmp(opts->crs, "EPSG:4326") ? opts->crs : NULL);
	return 0;
}

static int apply_common(struct dm_db *db, struct dm_record *r, const char *k, json_t *v,
			const struct dm_write_opts *opts, struct dm_error *err)
{
	json_t *id = NULL;
	char today[11];
	int rc = 0;
	if (!strcmp(k, "geometry"))
		return apply_geometry(db, r, v, opts, err);
	if (!json_is_null(v) && !json_is_string(v)) {
		dm_error_addc(err, k, "wrong_type", json_pack("{s:s}", "expected", "text"), "expected a string");
		return DM_EINVAL;
	}
	if (!strcmp(k, "external_id")) {
		set_str(&r->external_id, json_string_value(v));
	} else if (!strcmp(k, "date_of_information")) {
		if (v && !json_is_null(v) && !dm_is_date(json_string_value(v))) {
			dm_error_addc(err, k, "not_a_date", json_pack("{s:s}", "value", json_string_value(v)),
				      "'%s' is not a date (YYYY-MM-DD)", json_string_value(v));
			return DM_EINVAL;
		}
		if (v && !json_is_null(v) && strcmp(json_string_value(v), dm_today(today)) > 0) {
			dm_error_addc(err, k, "future_date", json_pack("{s:s,s:s}", "value", json_string_value(v), "today", today),
				      "'%s' is in the future: today is %s", json_string_value(v), today);
			return DM_EINVAL;
		}
		set_str(&r->date_of_information, json_string_value(v));
	} else if (!strcmp(k, "organisation") || !strcmp(k, "location")) {
		if (!json_is_null(v))
			rc = resolve_link(db, k, k, v, &id, err);
		if (!rc)
			set_str(!strcmp(k, "organisation") ? &r->organisation : &r->location, json_string_value(id));
		json_decref(id);
	}
	return rc;
}

static int is_common_input(const char *k)
{
	return !strcmp(k, "geometry") || !strcmp(k, "external_id") || !strcmp(k, "date_of_information") ||
	       !strcmp(k, "organisation") || !strcmp(k, "location");
}

int dm_rec_apply_input(struct dm_db *db, const struct dm_actor *who, struct dm_record *r, json_t *in,
		       const struct dm_write_opts *opts, struct dm_error *err)
{
	const char *k;
	json_t *v;
	const struct dm_field *f;
	const struct readonly_member *ro;
	int rc, bad = 0;
	const char *type = json_string_value(json_object_get(in, "type"));
	if (type && strcmp(type, r->type->name)) {
		dm_error_addc(err, "type", "wrong_record_type", json_pack("{s:s,s:s}", "value", type, "type", r->type->name),
			      "the document is a %s, not a %s", type, r->type->name);
		bad = 1;
	}
	json_object_foreach(in, k, v) {
		if (is_common_input(k)) {
			rc = apply_common(db, r, k, v, opts, err);
		} else if ((ro = readonly_member(k))) {
			if (!opts->partial || !strcmp(k, "type"))
				continue;
			rc = refuse_readonly(err, k, NULL, ro->set_by);
		} else if ((f = dm_type_field(r->type, k))) {
			if (f->flags & (DM_FF_COMPUTED | DM_FF_READONLY)) {
				if (!opts->partial)
					continue;
				rc = refuse_readonly(err, k, f, NULL);
			} else {
				rc = apply_field(db, r, f, v, err);
			}
		} else {
			dm_error_addc(err, k, "unknown_field", json_pack("{s:s,s:s}", "field", k, "type", r->type->name),
				      "unknown field '%s' for %s records", k, r->type->name);
			rc = DM_EINVAL;
		}
		if (rc && rc != DM_EINVAL)
			return rc;
		bad |= rc != 0;
	}
	(void)who;
	return bad ? DM_EINVAL : 0;
}

int dm_rec_refused(const struct dm_record *r, struct dm_error *err)
{
	const struct dm_error_detail *d = err->ndetails ? &err->details[0] : NULL;
	size_t more = err->ndetails + err->ndetails_dropped - (d != NULL);
	char rest[64] = "";
	if (more)
		snprintf(rest, sizeof(rest), " (and %zu more problem%s)", more, more == 1 ? "" : "s");
	if (!d)
		return dm_error_set(err, DM_EINVAL, NULL, "%s record refused: invalid input", r->type->name);
	return dm_error_set(err, DM_EINVAL, d->field, "%s record refused: %s%s%s%s", r->type->name, d->field,
			    d->field[0] ? ": " : "", d->message, rest);
}

/* An amount must fit its currency's minor unit ("1.234" EUR is refused). */
static void validate_money(const struct dm_type *t, json_t *fields, struct dm_error *err)
{
	size_t i;
	int64_t minor;
	for (i = 0; i < t->nfields; i++) {
		const struct dm_field *f = &t->fields[i];
		const char *amount = json_string_value(json_object_get(fields, f->name));
		const char *cur = f->currency_field ? json_string_value(json_object_get(fields, f->currency_field)) : NULL;
		struct dm_error e;
		if (f->type != DM_F_MONEY || !amount || !cur || !dm_currency_valid(cur))
			continue;
		dm_error_init(&e);
		if (dm_money_parse(amount, cur, &minor, &e))
			dm_error_add(err, f->name, "%s", e.message);
		dm_error_release(&e);
	}
}

/* A record located by a Point where its type wants an area carries the entered estimate: a
 * point is never taken for an area. */
static void validate_point_area(const struct dm_record *r, struct dm_error *err)
{
	const char *f = r->type->point_area_field;
	json_t *v = f && *f ? json_object_get(r->fields, f) : NULL;
	if (f && *f && wkb_type(&r->geom) == 1 && (!json_is_number(v) || json_number_value(v) <= 0))
		dm_error_addc(err, f, "point_needs_area", json_pack("{s:s}", "type", r->type->name),
			      "a %s located only by a Point needs its estimated area (%s, in m2) until its"
			      " polygon is surveyed", r->type->name, f);
}

int dm_rec_validate(struct dm_db *db, struct dm_record *r, struct dm_error *err)
{
	size_t before = err->ndetails;
	int rc;
	(void)db;
	rc = dm_type_validate(r->type, r->fields, err);
	if (rc && rc != DM_EINVAL)
		return rc;
	validate_money(r->type, r->fields, err);
	validate_point_area(r, err);
	return err->ndetails > before || rc ? DM_EINVAL : 0;
}

/* ---- output ---- */

static json_t *str_or_null(const char *v)
{
	return v ? json_string(v) : json_null();
}

/* Sets member k unless who may not see it (dm_auth_sees_member); takes v. */
static void set_member(json_t *o, const struct dm_actor *who, const char *k, json_t *v)
{
	if (dm_auth_sees_member(who, k))
		json_object_set_new(o, k, v);
	else
		json_decref(v);
}

json_t *dm_record_to_json(struct dm_db *db, const struct dm_actor *who, const struct dm_record *r, const char *crs)
{
	json_t *o = json_object(), *g;
	size_t i;
	int personal_read = 0;
	struct dm_error e;
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "type", json_string(r->type->name));
	json_object_set_new(o, "code", json_string(r->code ? r->code : ""));
	json_object_set_new(o, "external_id", str_or_null(r->external_id));
	json_object_set_new(o, "version", json_integer(r->version));
	json_object_set_new(o, "status", json_string(r->status));
	json_object_set_new(o, "approved_version", r->approved_version ? json_integer(r->approved_version) : json_null());
	json_object_set_new(o, "deleted", json_boolean(r->deleted));
	set_member(o, who, "organisation", str_or_null(r->organisation));
	json_object_set_new(o, "location", str_or_null(r->location));
	json_object_set_new(o, "date_of_information", str_or_null(r->date_of_information));
	set_member(o, who, "created_by", json_string(r->created_by ? r->created_by : ""));
	json_object_set_new(o, "created_at", json_string(r->created_at ? r->created_at : ""));
	set_member(o, who, "updated_by", json_string(r->updated_by ? r->updated_by : ""));
	json_object_set_new(o, "updated_at", json_string(r->updated_at ? r->updated_at : ""));
	set_member(o, who, "change_reason", str_or_null(r->change_reason));
	set_member(o, who, "status_reason", str_or_null(r->status_reason));
	json_object_set_new(o, "source_crs", str_or_null(r->source_crs));
	/* computed fields first, then the fields, in table order */
	for (i = 0; i < r->type->nfields; i++)
		if ((r->type->fields[i].flags & DM_FF_COMPUTED) &&
		    dm_auth_sees_field(who, r->organisation, r->type->fields[i].flags))
			json_object_set(o, r->type->fields[i].name, json_object_get(r->fields, r->type->fields[i].name));
	for (i = 0; i < r->type->nfields; i++) {
		const struct dm_field *f = &r->type->fields[i];
		json_t *v = json_object_get(r->fields, f->name);
		if (f->flags & DM_FF_COMPUTED)
			continue;
		if (!dm_auth_sees_field(who, r->organisation, f->flags))
			continue;
		if ((f->flags & DM_FF_PERSONAL) && v && !json_is_null(v))
			personal_read = 1;
		json_object_set(o, f->name, v ? v : json_null());
	}
	g = r->geom.wkb ? dm_geo_to_geojson(db->geo, &r->geom, crs) : NULL;
	json_object_set_new(o, "geometry", g ? g : json_null());
	/* Every read of personal data is logged (who, what, which version). */
	if (personal_read && who && strcmp(who->role, "system")) {
		dm_error_init(&e);
		dm_rec_audit(db, who, "read_personal", r, NULL, &e);
		dm_error_release(&e);
	}
	return o;
}

/* ---- values from text ---- */

static json_t *split_text(const char *text)
{
	json_t *arr = json_array();
	const char *p = text, *semi;
	while (p && *p) {
		size_t n;
		while (*p == ' ')
			p++;
		semi = strchr(p, ';');
		n = semi ? (size_t)(semi - p) : strlen(p);
		while (n && p[n - 1] == ' ')
			n--;
		if (n)
			json_array_append_new(arr, json_stringn(p, n));
		p = semi ? semi + 1 : NULL;
	}
	return arr;
}

int dm_field_from_text(const struct dm_field *f, const char *text, json_t **out, struct dm_error *err)
{
	char *end;
	long long iv;
	double dv;
	*out = NULL;
	if (!text || !*text) {
		*out = json_null();
		return 0;
	}
	switch (f->type) {
	case DM_F_INT:
		iv = strtoll(text, &end, 10);
		if (*end || end == text) {
			dm_error_add(err, f->name, "'%s' is not a whole number", text);
			return DM_EINVAL;
		}
		*out = json_integer(iv);
		return 0;
	case DM_F_REAL:
	case DM_F_AREA:
		dv = strtod(text, &end);
		if (*end || end == text) {
			dm_error_add(err, f->name, "'%s' is not a number", text);
			return DM_EINVAL;
		}
		*out = json_real(dv);
		return 0;
	case DM_F_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "1") || !strcmp(text, "yes"))
			*out = json_true();
		else if (!strcmp(text, "false") || !strcmp(text, "0") || !strcmp(text, "no"))
			*out = json_false();
		else {
			dm_error_add(err, f->name, "'%s' is not true or false", text);
			return DM_EINVAL;
		}
		return 0;
	case DM_F_SET:
	case DM_F_LINKS:
		*out = split_text(text);
		return 0;
	case DM_F_JSON:
		*out = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
		if (!*out) {
			dm_error_add(err, f->name, "'%.60s' is not valid JSON", text);
			return DM_EINVAL;
		}
		return 0;
	default:
		*out = json_string(text);
		if (!*out) {
			dm_error_add(err, f->name, "invalid UTF-8");
			return DM_EINVAL;
		}
		return 0;
	}
}

char *dm_field_to_text(const struct dm_field *f, json_t *v)
{
	char buf[64];
	struct dm_buf b;
	size_t i;
	json_t *e;
	if (!v || json_is_null(v))
		return strdup("");
	switch (json_typeof(v)) {
	case JSON_STRING:
		return strdup(json_string_value(v));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		return strdup(buf);
	case JSON_REAL:
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		if (f->type == DM_F_AREA)
			snprintf(buf, sizeof(buf), "%.2f", json_real_value(v));
		return strdup(buf);
	case JSON_TRUE:
		return strdup("true");
	case JSON_FALSE:
		return strdup("false");
	case JSON_ARRAY:
		if (f->type == DM_F_SET || f->type == DM_F_LINKS) {
			dm_buf_init(&b, 0);
			json_array_foreach(v, i, e)
				dm_buf_addf(&b, "%s%s", i ? ";" : "", json_string_value(e) ? json_string_value(e) : "");
			return dm_buf_take(&b);
		}
		/* fall through */
	default:
		return json_dumps(v, JSON_COMPACT);
	}
}
