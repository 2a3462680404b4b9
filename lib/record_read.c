/* record_read.c: reading records (newest, approved, as of a time), listing, history and the
 * erasure of personal data. Role rules are applied here, so every output gets them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "demine/fold.h"
#include "record_impl.h"

/* May who see the unapproved versions of records owned by org? */
static int sees_unapproved(const struct dm_actor *who, const char *org)
{
	if (dm_actor_can(who, DM_P_READ_UNAPPROVED))
		return 1;
	return dm_actor_can(who, DM_P_READ_OWN_UNAPPROVED) && org && who->org_id && !strcmp(org, who->org_id);
}

/* Listings longer than this are read a page at a time (dm_stmt_stream). */
#define LIST_STREAM_ABOVE 1000

/* Calls fn for each row of s as a record of type t (freed after fn returns). */
static int each_record(struct dm_db *db, const struct dm_type *t, struct dm_stmt *s,
		       int (*fn)(struct dm_record *r, void *arg), void *arg, struct dm_error *err)
{
	struct dm_record *r;
	int rc;
	while ((rc = dm_stmt_step(s, err)) == 1) {
		if ((rc = dm_rec_from_row(db, t, s, &r, err)))
			break;
		rc = fn(r, arg);
		dm_record_free(r);
		if (rc)
			break;
	}
	return rc < 0 ? rc : 0;
}

int dm_record_resolve(struct dm_db *db, const char *type, const char *ref, char *id_out, const char **type_out,
		      struct dm_error *err)
{
	const struct dm_type *t = NULL;
	int rc = dm_rec_find(db, ref, 1, id_out, &t, err);
	if (rc == DM_ENOTFOUND)
		return dm_error_set(err, DM_ENOTFOUND, NULL, "no %s record '%s'", type ? type : "", ref);
	if (rc)
		return rc;
	if (type && strcmp(type, t->name))
		return dm_error_set(err, DM_ENOTFOUND, NULL, "'%s' is a %s record, not a %s", ref, t->name, type);
	if (type_out)
		*type_out = t->name;
	return 0;
}

int dm_record_get(struct dm_db *db, const struct dm_actor *who, const char *ref, const struct dm_read_opts *opts,
		  struct dm_record **out, struct dm_error *err)
{
	static const struct dm_read_opts none;
	char id[37], as_of[32];
	const struct dm_type *t = NULL;
	struct dm_record *r = NULL, *a = NULL;
	int rc;
	if (!opts)
		opts = &none;
	*out = NULL;
	rc = dm_rec_find(db, ref, 0, id, &t, err);
	if (rc == DM_ENOTFOUND)
		return dm_error_set(err, DM_ENOTFOUND, NULL, "no record '%s'", ref);
	if (!rc)
		rc = dm_auth_check_read_type(who, t->name, err);
	if (rc)
		return rc;
	if (opts->as_of) {
		rc = dm_parse_as_of(opts->as_of, as_of, err);
		if (!rc)
			rc = dm_rec_load_as_of(db, t, id, as_of, &r, err);
	} else {
		rc = dm_rec_load(db, t, id, opts->version, &r, err);
	}
	if (rc)
		return rc;
	/* The approved version when asked, or when who may not see this record's newer work. */
	if (opts->approved || !sees_unapproved(who, r->organisation)) {
		if (!r->approved_version) {
			dm_record_free(r);
			return dm_error_set(err, DM_ENOTFOUND, NULL, "%s %s has no approved version%s", t->name, ref,
					    opts->as_of ? " at that time" : "");
		}
		if (r->approved_version != r->version) {
			rc = dm_rec_load(db, t, id, r->approved_version, &a, err);
			dm_record_free(r);
			if (rc)
				return rc;
			r = a;
		}
	}
	*out = r;
	return 0;
}

struct sqlq {
	struct dm_buf sql;
	json_t *params; /* strings and numbers, bound in order */
};

static void param(struct sqlq *q, json_t *v)
{
	json_array_append_new(q->params, v);
}

static void bind_params(struct dm_stmt *s, json_t *params)
{
	size_t i;
	json_t *v;
	json_array_foreach(params, i, v) {
		if (json_is_integer(v))
			dm_stmt_bind_int(s, (int)i + 1, json_integer_value(v));
		else if (json_is_real(v))
			dm_stmt_bind_real(s, (int)i + 1, json_real_value(v));
		else
			dm_stmt_bind_text(s, (int)i + 1, json_string_value(v));
	}
}

/* Refuses a filter or sort (what) on member or field k that who may not see (a filter would
 * reveal the value); the error names field. */
static int check_visible(const struct dm_actor *who, const struct dm_type *t, const struct dm_field *f,
			 const char *k, const char *what, const char *field, struct dm_error *err)
{
	if (f && (f->flags & DM_FF_PERSONAL))
		return dm_error_set(err, DM_EINVAL, field, "cannot %s %s records on personal data ('%s')", what, t->name,
				    k);
	if ((f && !dm_auth_sees_field(who, NULL, f->flags)) || (!f && !dm_auth_sees_member(who, k)))
		return dm_error_set(err, DM_EINVAL, field, "cannot %s %s records on '%s': role %s does not see it", what,
				    t->name, k, who->role);
	return 0;
}

static int add_field_filters(struct sqlq *q, const struct dm_actor *who, const struct dm_type *t, json_t *filters,
			     struct dm_error *err)
{
	const char *k;
	json_t *vals, *v;
	size_t i;
	int rc;
	json_object_foreach(filters, k, vals) {
		const struct dm_field *f = dm_type_field(t, k);
		int common = !strcmp(k, "organisation") || !strcmp(k, "location") || !strcmp(k, "code") ||
			     !strcmp(k, "external_id");
		if (!f && !common)
			return dm_error_set(err, DM_EINVAL, k, "unknown filter field '%s' for %s records", k, t->name);
		if ((rc = check_visible(who, t, f, k, "filter", k, err)))
			return rc;
		if (!json_array_size(vals))
			return dm_error_set(err, DM_EINVAL, k, "the filter on '%s' needs at least one value", k);
		json_array_foreach(vals, i, v)
			if (!json_is_string(v))
				return dm_error_set(err, DM_EINVAL, k, "the values of the filter on '%s' must be text", k);
		dm_buf_add(&q->sql, " AND (");
		json_array_foreach(vals, i, v) {
			if (f && (f->type == DM_F_SET || f->type == DM_F_LINKS)) {
				/* ';'-joined lists: match a whole element */
				dm_buf_addf(&q->sql, "%s(';' || h.\"%s\" || ';') LIKE ?", i ? " OR " : "", k);
				param(q, json_sprintf("%%;%s;%%", json_string_value(v)));
			} else if (f && (f->type == DM_F_INT || f->type == DM_F_BOOL)) {
				dm_buf_addf(&q->sql, "%sh.\"%s\" = ?", i ? " OR " : "", k);
				param(q, json_integer(strtoll(json_string_value(v), NULL, 10)));
			} else {
				dm_buf_addf(&q->sql, "%sh.\"%s\" = ?", i ? " OR " : "", k);
				param(q, json_string(json_string_value(v)));
			}
		}
		dm_buf_add(&q->sql, ")");
	}
	return 0;
}

/* text as a LIKE pattern that matches it anywhere, its own % _ and \\ taken literally
 * (ESCAPE '\\'); caller frees. */
static char *contains_pattern(const char *text)
{
	struct dm_buf b;
	dm_buf_init(&b, 0);
	dm_buf_add(&b, "%");
	for (; *text; text++) {
		if (*text == '%' || *text == '_' || *text == '\\')
			dm_buf_add(&b, "\\");
		dm_buf_addn(&b, text, 1);
	}
	dm_buf_add(&b, "%");
	return dm_buf_take(&b);
}

/* Codes, external ids and the searchable fields who may see; text is valid UTF-8. */
static int add_text_search(struct sqlq *q, const struct dm_actor *who, const struct dm_type *t, const char *text,
			   struct dm_error *err)
{
	size_t i;
	char *pat = contains_pattern(text);
	if (!pat)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	dm_buf_add(&q->sql, " AND (lower(h.code) LIKE lower(?) ESCAPE '\\' OR lower(h.external_id) LIKE lower(?) ESCAPE '\\'");
	param(q, json_string(pat));
	param(q, json_string(pat));
	for (i = 0; i < t->nfields; i++) {
		const struct dm_field *f = &t->fields[i];
		if (!(f->flags & DM_FF_SEARCH) || (f->flags & DM_FF_PERSONAL) || !dm_auth_sees_field(who, NULL, f->flags))
			continue;
		dm_buf_addf(&q->sql, " OR lower(h.\"%s\") LIKE lower(?) ESCAPE '\\'", f->name);
		param(q, json_string(pat));
	}
	dm_buf_add(&q->sql, ")");
	free(pat);
	return 0;
}

/* The table the default order (code, id) is read from: the current table where the listing
 * joins it (a code never changes, and its unique index gives the order without a sort, so a
 * page of a national table reads a page of rows), else history (a listing as of a date). */
static const char *code_alias(const struct dm_list_opts *o)
{
	return o->as_of ? "h" : "c";
}

static int add_sort(struct sqlq *q, const struct dm_actor *who, const struct dm_type *t, const struct dm_store *st,
		    const char *sort, const char *code_table, struct dm_error *err)
{
	int desc = sort && sort[0] == '-';
	const char *name = sort ? sort + desc : "code";
	const struct dm_field *f = dm_type_field(t, name);
	size_t i;
	int common = 0;
	for (i = 0; i < DM_NCOMMON; i++)
		if (!strcmp(dm_rec_common_cols[i], name) && strcmp(name, "geom"))
			common = 1;
	if (!common && (!f || (f->flags & DM_FF_PERSONAL)))
		return dm_error_set(err, DM_EINVAL, "sort", "cannot sort %s records by '%s'", t->name, name);
	if (check_visible(who, t, f, name, "sort", "sort", err))
		return err->code;
	dm_buf_addf(&q->sql, " ORDER BY %s.\"%s\"%s %s, %s.id%s", strcmp(name, "code") ? "h" : code_table, name,
		    (f && (f->type == DM_F_INT || f->type == DM_F_REAL || f->type == DM_F_AREA || f->type == DM_F_MONEY)) ||
				    !strcmp(name, "version")
			    ? ""
			    : dm_store_collate_binary(st),
		    desc ? "DESC" : "ASC", strcmp(name, "code") ? "h" : code_table, dm_store_collate_binary(st));
	return 0;
}

/* Which version of each record a list shows: the newest (or newest at as_of) where who may
 * see unapproved work, else the approved one. */
static void add_version_join(struct sqlq *q, const struct dm_type *t, const struct dm_actor *who,
			     const struct dm_list_opts *o, const char *as_of)
{
	int all = dm_actor_can(who, DM_P_READ_UNAPPROVED) && !o->approved_only;
	int own = dm_actor_can(who, DM_P_READ_OWN_UNAPPROVED) && who->org_id && !o->approved_only, bind_org;
	if (as_of) {
		/* m: the newest version of each record at as_of, with what was approved then */
		dm_buf_addf(&q->sql, " JOIN (SELECT x.id AS mid, x.version AS mv, x.approved_version AS mav,"
				      " x.organisation AS morg FROM %s_history x JOIN (SELECT id, MAX(version) AS v"
				      " FROM %s_history WHERE updated_at <= ? GROUP BY id) y ON x.id = y.id AND x.version = y.v)"
				      " m ON m.mid = h.id AND h.version = ",
			    t->name, t->name);
		param(q, json_string(as_of));
		if (all)
			dm_buf_add(&q->sql, "m.mv");
		else if (own) {
			dm_buf_add(&q->sql, "CASE WHEN m.morg = ? THEN m.mv ELSE m.mav END");
			param(q, json_string(who->org_id));
		} else
			dm_buf_add(&q->sql, "m.mav");
		return;
	}
	dm_buf_addf(&q->sql, " JOIN \"%s\" c ON c.id = h.id AND h.version = ", t->name);
	dm_buf_add(&q->sql, dm_auth_version_sql(who, o->approved_only, &bind_org));
	if (bind_org)
		param(q, json_string(who->org_id));
}

/* The FROM, JOIN and WHERE of a listing (after the select list): the version who may see,
 * and every filter of o except the cursor. Shared by the listing and its summary, so a count
 * always matches the items. */
static int list_from_where(struct dm_db *db, const struct dm_actor *who, const struct dm_type *t,
			   const struct dm_list_opts *o, struct sqlq *q, struct dm_error *err)
{
	char as_of[32];
	int rc;
	if ((rc = dm_auth_check_read_type(who, t->name, err)))
		return rc;
	if (o->as_of && (rc = dm_parse_as_of(o->as_of, as_of, err)))
		return rc;
	if (o->q && !dm_utf8_valid(o->q))
		return dm_error_set(err, DM_EINVAL, "q", "the search text is not valid UTF-8");
	if (o->from && !dm_is_date(o->from))
		return dm_error_set(err, DM_EINVAL, "from", "from '%.40s' is not a date (YYYY-MM-DD)", o->from);
	if (o->to && !dm_is_date(o->to))
		return dm_error_set(err, DM_EINVAL, "to", "to '%.40s' is not a date (YYYY-MM-DD)", o->to);
	dm_buf_addf(&q->sql, " FROM \"%s_history\" h", t->name);
	add_version_join(q, t, who, o, o->as_of ? as_of : NULL);
	dm_buf_add(&q->sql, " WHERE 1 = 1");
	if (!o->include_deleted)
		dm_buf_add(&q->sql, " AND h.deleted = 0");
	if (o->status) {
		dm_buf_add(&q->sql, " AND h.status = ?");
		param(q, json_string(o->status));
	}
	if (o->from) {
		dm_buf_add(&q->sql, " AND h.date_of_information >= ?");
		param(q, json_string(o->from));
	}
	if (o->to) {
		dm_buf_add(&q->sql, " AND h.date_of_information <= ?");
		param(q, json_string(o->to));
	}
	if (o->bbox && t->geom != DM_GEOM_NONE) {
		/* minx > maxx: a box across the antimeridian, minx to 180 and -180 to maxx */
		dm_buf_add(&q->sql, o->bbox[0] <= o->bbox[2] ? " AND h.maxx >= ? AND h.minx <= ? AND h.maxy >= ? AND h.miny <= ?"
							     : " AND (h.maxx >= ? OR h.minx <= ?) AND h.maxy >= ? AND h.miny <= ?");
		param(q, json_real(o->bbox[0]));
		param(q, json_real(o->bbox[2]));
		param(q, json_real(o->bbox[1]));
		param(q, json_real(o->bbox[3]));
	}
	/* a single point is the one geometry whose box has no extent */
	if (o->family == DM_FAMILY_POINT && t->geom != DM_GEOM_NONE)
		dm_buf_add(&q->sql, " AND h.geom IS NOT NULL AND h.minx = h.maxx AND h.miny = h.maxy");
	else if (o->family == DM_FAMILY_AREA && t->geom != DM_GEOM_NONE)
		dm_buf_add(&q->sql, " AND (h.geom IS NULL OR h.minx < h.maxx OR h.miny < h.maxy)");
	if (o->q && *o->q && (rc = add_text_search(q, who, t, o->q, err)))
		return rc;
	return o->filters ? add_field_filters(q, who, t, o->filters, err) : 0;
}

int dm_type_has_point_family(const struct dm_type *t)
{
	return t->geom == DM_GEOM_ANY || (t->geom == DM_GEOM_AREA && t->point_area_field);
}

/* Keyset cursor: the records that sort after after_id in the default order (code, id). The
 * code of a record never changes, so pages stay stable while records are added or edited. */
static int add_keyset(struct dm_db *db, struct sqlq *q, const struct dm_type *t, const char *after_id,
		      const char *code_table, struct dm_error *err)
{
	const char *bin = dm_store_collate_binary(db->st);
	struct dm_stmt *s = NULL;
	char sql[160];
	int rc;
	snprintf(sql, sizeof(sql), "SELECT code FROM \"%s\" WHERE id = ?", t->name);
	if ((rc = dm_stmt_prepare(db->st, sql, &s, err)))
		return rc;
	dm_stmt_bind_text(s, 1, after_id);
	rc = dm_stmt_step(s, err);
	if (rc == 1) {
		dm_buf_addf(&q->sql, " AND (%s.code%s > ? OR (%s.code = ? AND %s.id%s > ?))", code_table, bin, code_table,
			    code_table, bin);
		param(q, json_string(dm_stmt_column_text(s, 0)));
		param(q, json_string(dm_stmt_column_text(s, 0)));
		param(q, json_string(after_id));
		rc = 0;
	} else if (rc == 0) {
		rc = dm_error_set(err, DM_EINVAL, "after_id", "the cursor names no %s record ('%s')", t->name, after_id);
	}
	dm_stmt_finalize(s);
	return rc;
}

int dm_record_list(struct dm_db *db, const struct dm_actor *who, const char *type, const struct dm_list_opts *o,
		   int (*fn)(struct dm_record *r, void *arg), void *arg, struct dm_error *err)
{
	static const struct dm_list_opts none;
	const struct dm_type *t = dm_schema_type(db->schema, type);
	struct sqlq q;
	struct dm_stmt *s = NULL;
	char *base;
	int rc;
	if (!o)
		o = &none;
	if (!t)
		return dm_error_set(err, DM_EINVAL, "type", "unknown record type '%s'", type ? type : "");
	if (o->after_id && o->sort)
		return dm_error_set(err, DM_EUSAGE, "after_id", "a keyset cursor works only with the default order");
	/* the select list of the history table, without its FROM */
	base = dm_rec_select_sql(t, "x", "h");
	if (!base)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	base[strlen(base) - strlen(" FROM \"x\" h")] = 0;
	dm_buf_init(&q.sql, 0);
	q.params = json_array();
	dm_buf_add(&q.sql, base);
	free(base);
	rc = list_from_where(db, who, t, o, &q, err);
	if (!rc && o->after_id)
		rc = add_keyset(db, &q, t, o->after_id, code_alias(o), err);
	if (!rc)
		rc = add_sort(&q, who, t, db->st, o->sort, code_alias(o), err);
	if (!rc && o->limit > 0)
		dm_buf_addf(&q.sql, " LIMIT %lld", (long long)o->limit);
	if (!rc && o->after)
		dm_buf_addf(&q.sql, " OFFSET %lld", strtoll(o->after, NULL, 10));
	if (!rc)
		rc = dm_stmt_prepare(db->st, q.sql.s, &s, err);
	if (!rc && (o->limit <= 0 || o->limit > LIST_STREAM_ABOVE))
		dm_stmt_stream(s); /* an export or a whole table: a page of rows at a time */
	if (!rc) {
		bind_params(s, q.params);
		rc = each_record(db, t, s, fn, arg, err);
	}
	dm_stmt_finalize(s);
	dm_buf_release(&q.sql);
	json_decref(q.params);
	return rc;
}

int dm_record_list_summary(struct dm_db *db, const struct dm_actor *who, const char *type,
			   const struct dm_list_opts *o, struct dm_list_summary *out, struct dm_error *err)
{
	static const struct dm_list_opts none;
	const struct dm_type *t = dm_schema_type(db->schema, type);
	struct sqlq q;
	struct dm_stmt *s = NULL;
	const char *v;
	int rc;
	memset(out, 0, sizeof(*out));
	if (!o)
		o = &none;
	if (!t)
		return dm_error_set(err, DM_EINVAL, "type", "unknown record type '%s'", type ? type : "");
	dm_buf_init(&q.sql, 0);
	q.params = json_array();
	dm_buf_add(&q.sql, "SELECT COUNT(*), MIN(h.minx), MIN(h.miny), MAX(h.maxx), MAX(h.maxy),"
			   " MIN(h.date_of_information), MAX(h.date_of_information)");
	rc = list_from_where(db, who, t, o, &q, err);
	if (!rc)
		rc = dm_stmt_prepare(db->st, q.sql.s, &s, err);
	if (!rc) {
		bind_params(s, q.params);
		rc = dm_stmt_step(s, err);
		rc = rc < 0 ? rc : 0;
	}
	if (!rc) {
		out->count = dm_stmt_column_int(s, 0);
		out->has_bbox = dm_stmt_column_type(s, 1) != DM_COL_NULL;
		for (int i = 0; out->has_bbox && i < 4; i++)
			out->bbox[i] = dm_stmt_column_real(s, 1 + i);
		if ((v = dm_stmt_column_text(s, 5)))
			snprintf(out->first_date, sizeof(out->first_date), "%s", v);
		if ((v = dm_stmt_column_text(s, 6)))
			snprintf(out->last_date, sizeof(out->last_date), "%s", v);
	}
	dm_stmt_finalize(s);
	dm_buf_release(&q.sql);
	json_decref(q.params);
	return rc;
}

int dm_record_history(struct dm_db *db, const struct dm_actor *who, const char *ref,
		      int (*fn)(struct dm_record *r, void *arg), void *arg, struct dm_error *err)
{
	char id[37], table[80], *base, *sql;
	const struct dm_type *t;
	struct dm_stmt *s = NULL;
	struct dm_record *cur = NULL;
	struct dm_buf b;
	int rc = dm_rec_find(db, ref, 0, id, &t, err), all;
	if (rc == DM_ENOTFOUND)
		return dm_error_set(err, DM_ENOTFOUND, NULL, "no record '%s'", ref);
	if (!rc)
		rc = dm_auth_check_read_type(who, t->name, err);
	if (!rc)
		rc = dm_rec_load(db, t, id, 0, &cur, err);
	if (rc)
		return rc;
	all = sees_unapproved(who, cur->organisation);
	/* a record with nothing who may see is not there for who, as in dm_record_get */
	rc = !all && !cur->approved_version ? dm_error_set(err, DM_ENOTFOUND, NULL, "no record '%s'", ref) : 0;
	dm_record_free(cur);
	if (rc)
		return rc;
	snprintf(table, sizeof(table), "%s_history", t->name);
	if (!(base = dm_rec_select_sql(t, table, NULL)))
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	dm_buf_init(&b, 0);
	dm_buf_addf(&b, "%s WHERE id = ?%s ORDER BY version", base, all ? "" : " AND status = 'approved'");
	free(base);
	sql = dm_buf_take(&b);
	rc = dm_stmt_prepare(db->st, sql, &s, err);
	free(sql);
	if (!rc) {
		dm_stmt_bind_text(s, 1, id);
		rc = each_record(db, t, s, fn, arg, err);
	}
	dm_stmt_finalize(s);
	return rc;
}

