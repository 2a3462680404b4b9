/* record_store.c: records to rows and back, the current and history tables, codes, links,
 * the R*Tree and the audit log. All SQL here is shared by both stores. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/money.h"
#include "record_impl.h"

const char *const dm_rec_common_cols[DM_NCOMMON] = {
	"id", "code", "external_id", "version", "status", "approved_version", "deleted", "organisation",
	"location", "date_of_information", "created_by", "created_at", "updated_by", "updated_at",
	"change_reason", "status_reason", "source_crs", "geom", "minx", "miny", "maxx", "maxy",
};

char *dm_rec_select_sql(const struct dm_type *t, const char *table, const char *alias)
{
	struct dm_buf b;
	size_t i;
	const char *a = alias ? alias : "";
	const char *dot = alias ? "." : "";
	/* appends, not dm_buf_addf: every record read builds this, and printf was a tenth of a
	 * land release recompute */
	dm_buf_init(&b, 0);
	dm_buf_add(&b, "SELECT ");
	for (i = 0; i < DM_NCOMMON; i++) {
		dm_buf_add(&b, i ? ", " : "");
		dm_buf_add(&b, a);
		dm_buf_add(&b, dot);
		dm_buf_add(&b, dm_rec_common_cols[i]);
	}
	for (i = 0; i < t->nfields; i++) {
		dm_buf_add(&b, ", ");
		dm_buf_add(&b, a);
		dm_buf_add(&b, dot);
		dm_buf_add(&b, "\"");
		dm_buf_add(&b, t->fields[i].name);
		dm_buf_add(&b, "\"");
	}
	dm_buf_add(&b, " FROM \"");
	dm_buf_add(&b, table);
	dm_buf_add(&b, "\"");
	dm_buf_add(&b, alias ? " " : "");
	dm_buf_add(&b, a);
	return dm_buf_take(&b);
}

/* A copy of column i (NULL for SQL NULL); *fail set when the copy failed. */
static char *coltext(struct dm_stmt *s, int i, int *fail)
{
	const char *v = dm_stmt_column_text(s, i);
	char *c = dm_strdup0(v);
	*fail |= v && !c;
	return c;
}

static json_t *split_list(const char *v)
{
	json_t *arr = json_array();
	const char *p = v, *semi;
	while (p && *p) {
		semi = strchr(p, ';');
		json_array_append_new(arr, json_stringn(p, semi ? (size_t)(semi - p) : strlen(p)));
		p = semi ? semi + 1 : NULL;
	}
	return arr;
}

static json_t *field_from_column(struct dm_stmt *s, int i, const struct dm_field *f)
{
	const char *txt;
	if (dm_stmt_column_type(s, i) == DM_COL_NULL)
		return json_null();
	switch (f->type) {
	case DM_F_INT:
		return json_integer(dm_stmt_column_int(s, i));
	case DM_F_BOOL:
		return json_boolean(dm_stmt_column_int(s, i));
	case DM_F_REAL:
	case DM_F_AREA:
		return json_real(dm_stmt_column_real(s, i));
	case DM_F_SET:
	case DM_F_LINKS:
		return split_list(dm_stmt_column_text(s, i));
	case DM_F_JSON:
		txt = dm_stmt_column_text(s, i);
		return txt ? json_loads(txt, 0, NULL) : json_null();
	case DM_F_MONEY:
		return json_integer(dm_stmt_column_int(s, i)); /* formatted once the currency is known */
	default:
		txt = dm_stmt_column_text(s, i);
		return txt ? json_string(txt) : json_null();
	}
}

/* Money is stored in minor units; the JSON form is a decimal string in its currency. */
/* 0, or -1 when out of memory. */
static int format_money(const struct dm_type *t, json_t *fields)
{
	size_t i;
	char buf[64];
	int fail = 0;
	for (i = 0; i < t->nfields; i++) {
		const struct dm_field *f = &t->fields[i];
		json_t *v = json_object_get(fields, f->name);
		const char *cur;
		if (f->type != DM_F_MONEY || !json_is_integer(v))
			continue;
		cur = json_string_value(json_object_get(fields, f->currency_field));
		if (cur && dm_money_format(json_integer_value(v), cur, buf, sizeof(buf)) == 0)
			fail |= json_object_set_new(fields, f->name, json_string(buf));
		else
			fail |= json_object_set_new(fields, f->name, json_null());
	}
	return fail ? -1 : 0;
}

int dm_rec_from_row(struct dm_db *db, const struct dm_type *t, struct dm_stmt *s, struct dm_record **out,
		    struct dm_error *err)
{
	struct dm_record *r = dm_record_new(t);
	const void *blob;
	size_t i, n;
	int fail = 0;
	if (!r)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	snprintf(r->id, sizeof(r->id), "%s", dm_stmt_column_text(s, 0) ? dm_stmt_column_text(s, 0) : "");
	r->code = coltext(s, 1, &fail);
	r->external_id = coltext(s, 2, &fail);
	r->version = dm_stmt_column_int(s, 3);
	snprintf(r->status, sizeof(r->status), "%s", dm_stmt_column_text(s, 4) ? dm_stmt_column_text(s, 4) : "");
	r->approved_version = dm_stmt_column_int(s, 5);
	r->deleted = (int)dm_stmt_column_int(s, 6);
	r->organisation = coltext(s, 7, &fail);
	r->location = coltext(s, 8, &fail);
	r->date_of_information = coltext(s, 9, &fail);
	r->created_by = coltext(s, 10, &fail);
	r->created_at = coltext(s, 11, &fail);
	r->updated_by = coltext(s, 12, &fail);
	r->updated_at = coltext(s, 13, &fail);
	r->change_reason = coltext(s, 14, &fail);
	r->status_reason = coltext(s, 15, &fail);
	r->source_crs = coltext(s, 16, &fail);
	blob = dm_stmt_column_blob(s, 17, &n);
	if (blob && n) {
		r->geom.wkb = malloc(n);
		if (r->geom.wkb) {
			memcpy(r->geom.wkb, blob, n);
			r->geom.wkb_len = n;
		}
		fail |= !r->geom.wkb;
		r->geom.minx = dm_stmt_column_real(s, 18);
		r->geom.miny = dm_stmt_column_real(s, 19);
		r->geom.maxx = dm_stmt_column_real(s, 20);
		r->geom.maxy = dm_stmt_column_real(s, 21);
	}
	/* a value that cannot be built (out of memory) fails the read: a record is never seen, or
	 * written back, with a field missing */
	for (i = 0; i < t->nfields; i++)
		fail |= json_object_set_new(r->fields, t->fields[i].name,
					    field_from_column(s, DM_NCOMMON + (int)i, &t->fields[i])) != 0;
	fail |= format_money(t, r->fields) != 0;
	(void)db;
	if (fail) { /* never a record with members silently missing */
		dm_record_free(r);
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	*out = r;
	return 0;
}

static char *join_list(json_t *arr)
{
	struct dm_buf b;
	size_t i;
	json_t *v;
	dm_buf_init(&b, 0);
	json_array_foreach(arr, i, v)
		dm_buf_addf(&b, "%s%s", i ? ";" : "", json_string_value(v) ? json_string_value(v) : "");
	return dm_buf_take(&b);
}

static int bind_field(struct dm_stmt *s, int i, const struct dm_field *f, json_t *fields, struct dm_error *err)
{
	json_t *v = json_object_get(fields, f->name);
	char *txt;
	int64_t minor;
	if (!v || json_is_null(v)) {
		dm_stmt_bind_null(s, i);
		return 0;
	}
	switch (f->type) {
	case DM_F_INT:
		dm_stmt_bind_int(s, i, json_integer_value(v));
		break;
	case DM_F_BOOL:
		dm_stmt_bind_int(s, i, json_is_true(v));
		break;
	case DM_F_REAL:
	case DM_F_AREA:
		dm_stmt_bind_real(s, i, json_number_value(v));
		break;
	case DM_F_SET:
	case DM_F_LINKS:
		txt = join_list(v);
		dm_stmt_bind_text(s, i, txt);
		free(txt);
		break;
	case DM_F_JSON:
		txt = json_dumps(v, JSON_COMPACT);
		dm_stmt_bind_text(s, i, txt);
		free(txt);
		break;
	case DM_F_MONEY:
		if (dm_money_parse(json_string_value(v),
				   json_string_value(json_object_get(fields, f->currency_field)), &minor, err))
			return err->code;
		dm_stmt_bind_int(s, i, minor);
		break;
	default:
		dm_stmt_bind_text(s, i, json_string_value(v));
	}
	return 0;
}

static int bind_record(struct dm_stmt *s, const struct dm_record *r, struct dm_error *err)
{
	size_t i;
	int rc = 0;
	dm_stmt_bind_text(s, 1, r->id);
	dm_stmt_bind_text(s, 2, r->code);
	dm_stmt_bind_text(s, 3, r->external_id);
	dm_stmt_bind_int(s, 4, r->version);
	dm_stmt_bind_text(s, 5, r->status);
	dm_stmt_bind_int(s, 6, r->approved_version);
	dm_stmt_bind_int(s, 7, r->deleted);
	dm_stmt_bind_text(s, 8, r->organisation);
	dm_stmt_bind_text(s, 9, r->location);
	dm_stmt_bind_text(s, 10, r->date_of_information);
	dm_stmt_bind_text(s, 11, r->created_by);
	dm_stmt_bind_text(s, 12, r->created_at);
	dm_stmt_bind_text(s, 13, r->updated_by);
	dm_stmt_bind_text(s, 14, r->updated_at);
	dm_stmt_bind_text(s, 15, r->change_reason);
	dm_stmt_bind_text(s, 16, r->status_reason);
	dm_stmt_bind_text(s, 17, r->source_crs);
	if (r->geom.wkb) {
		dm_stmt_bind_blob(s, 18, r->geom.wkb, r->geom.wkb_len);
		dm_stmt_bind_real(s, 19, r->geom.minx);
		dm_stmt_bind_real(s, 20, r->geom.miny);
		dm_stmt_bind_real(s, 21, r->geom.maxx);
		dm_stmt_bind_real(s, 22, r->geom.maxy);
	} else {
		for (i = 18; i <= 22; i++)
			dm_stmt_bind_null(s, (int)i);
	}
	for (i = 0; !rc && i < r->type->nfields; i++)
		rc = bind_field(s, DM_NCOMMON + 1 + (int)i, &r->type->fields[i], r->fields, err);
	return rc;
}

/* Built with plain appends: these run for every record written, and formatted appends
 * (vsnprintf per column) were a tenth of a bulk import. */
static void add_quoted(struct dm_buf *b, const char *name)
{
	dm_buf_add(b, "\"");
	dm_buf_add(b, name);
	dm_buf_add(b, "\"");
}

static char *insert_sql(const struct dm_type *t, const char *table)
{
	struct dm_buf b;
	size_t i, n = DM_NCOMMON + t->nfields;
	dm_buf_init(&b, 0);
	dm_buf_add(&b, "INSERT INTO ");
	add_quoted(&b, table);
	dm_buf_add(&b, " (");
	for (i = 0; i < DM_NCOMMON; i++) {
		dm_buf_add(&b, i ? ", " : "");
		dm_buf_add(&b, dm_rec_common_cols[i]);
	}
	for (i = 0; i < t->nfields; i++) {
		dm_buf_add(&b, ", ");
		add_quoted(&b, t->fields[i].name);
	}
	dm_buf_add(&b, ") VALUES (");
	for (i = 0; i < n; i++)
		dm_buf_add(&b, i ? ", ?" : "?");
	dm_buf_add(&b, ")");
	return dm_buf_take(&b);
}

static char *update_sql(const struct dm_type *t)
{
	struct dm_buf b;
	size_t i;
	dm_buf_init(&b, 0);
	dm_buf_add(&b, "UPDATE ");
	add_quoted(&b, t->name);
	dm_buf_add(&b, " SET ");
	for (i = 0; i < DM_NCOMMON; i++) {
		dm_buf_add(&b, i ? ", " : "");
		dm_buf_add(&b, dm_rec_common_cols[i]);
		dm_buf_add(&b, " = ?");
	}
	for (i = 0; i < t->nfields; i++) {
		dm_buf_add(&b, ", ");
		add_quoted(&b, t->fields[i].name);
		dm_buf_add(&b, " = ?");
	}
	dm_buf_add(&b, " WHERE id = ? AND version = ?");
	return dm_buf_take(&b);
}

static int run_write(struct dm_db *db, const char *sql, const struct dm_record *r, int64_t expected,
		     int64_t *changes, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(db->st, sql, &s, err);
	if (!rc)
		rc = bind_record(s, r, err);
	if (!rc && expected >= 0) {
		int n = DM_NCOMMON + (int)r->type->nfields;
		dm_stmt_bind_text(s, n + 1, r->id);
		dm_stmt_bind_int(s, n + 2, expected);
	}
	if (!rc)
		rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
	if (!rc && changes)
		*changes = dm_stmt_changes(s);
	dm_stmt_finalize(s);
	return rc;
}

static int exec1(struct dm_db *db, const char *sql, const char *a, const char *b, const char *c,
		 struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(db->st, sql, &s, err);
	if (!rc) {
		if (a)
			dm_stmt_bind_text(s, 1, a);
		if (b)
			dm_stmt_bind_text(s, 2, b);
		if (c)
			dm_stmt_bind_text(s, 3, c);
		rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
	}
	dm_stmt_finalize(s);
	return rc;
}

/* The links of the newest version, so "what points at X" is one indexed query. */
static int store_links(struct dm_db *db, const struct dm_record *r, struct dm_error *err)
{
	size_t i, j;
	int rc = exec1(db, "DELETE FROM record_link WHERE from_id = ?", r->id, NULL, NULL, err);
	for (i = 0; !rc && i < r->type->nfields; i++) {
		const struct dm_field *f = &r->type->fields[i];
		json_t *v = json_object_get(r->fields, f->name), *e;
		if (f->type == DM_F_LINK && json_is_string(v))
			rc = exec1(db, "INSERT INTO record_link (from_id, field, to_id) VALUES (?, ?, ?)", r->id,
				   f->name, json_string_value(v), err);
		else if (f->type == DM_F_LINKS && json_is_array(v))
			json_array_foreach(v, j, e) {
				if (!rc && json_is_string(e))
					rc = exec1(db, "INSERT INTO record_link (from_id, field, to_id) VALUES (?, ?, ?)",
						   r->id, f->name, json_string_value(e), err);
			}
	}
	if (!rc && r->organisation)
		rc = exec1(db, "INSERT INTO record_link (from_id, field, to_id) VALUES (?, ?, ?)", r->id,
			   "organisation", r->organisation, err);
	if (!rc && r->location)
		rc = exec1(db, "INSERT INTO record_link (from_id, field, to_id) VALUES (?, ?, ?)", r->id,
			   "location", r->location, err);
	return rc;
}

/* The store's box index follows the record's box (none when it has no geometry). */
static int store_box(struct dm_db *db, const struct dm_record *r, int create, struct dm_error *err)
{
	const double box[4] = { r->geom.minx, r->geom.miny, r->geom.maxx, r->geom.maxy };
	if (r->type->geom == DM_GEOM_NONE)
		return 0;
	return dm_store_box_index_put(db->st, r->type->name, r->id, create, r->geom.wkb ? box : NULL, err);
}

static int store_index(struct dm_db *db, const struct dm_record *r, int create, struct dm_error *err)
{
	int rc;
	if (create) {
		rc = exec1(db, "INSERT INTO record_index (id, record_type, code, external_id) VALUES (?, ?, ?, NULL)",
			   r->id, r->type->name, r->code, err);
		if (rc)
			return rc;
	}
	return exec1(db, "UPDATE record_index SET external_id = ? WHERE id = ?", r->external_id, r->id, NULL, err);
}

int dm_rec_store(struct dm_db *db, struct dm_record *r, int create, int64_t expected_version,
		 struct dm_error *err)
{
	char table[80];
	char *sql;
	int64_t changes = 0;
	int rc;
	/* The current row first: its "WHERE version = ?" update locks the row, so a concurrent
	 * writer of the same version (another server process on PostgreSQL) waits here and then
	 * changes 0 rows (a stale version), instead of colliding on the history key. */
	if (create) {
		sql = insert_sql(r->type, r->type->name);
		rc = run_write(db, sql, r, -1, NULL, err);
	} else {
		sql = update_sql(r->type);
		rc = run_write(db, sql, r, expected_version, &changes, err);
		if (!rc && changes != 1)
			rc = dm_error_set(err, DM_ECONFLICT, "version",
					  "%s %s was changed by someone else: version %lld is not the current version",
					  r->type->name, r->code, (long long)expected_version);
	}
	free(sql);
	if (rc)
		return rc;
	snprintf(table, sizeof(table), "%s_history", r->type->name);
	sql = insert_sql(r->type, table);
	rc = run_write(db, sql, r, -1, NULL, err);
	free(sql);
	if (!rc)
		rc = store_index(db, r, create, err);
	if (!rc)
		rc = store_links(db, r, err);
	if (!rc)
		rc = store_box(db, r, create, err);
	if (!rc)
		rc = dm_rec_bump_counter(db, r->type->name, err);
	return rc;
}

static int load_one(struct dm_db *db, const struct dm_type *t, const char *where, const char *id,
		    const char *text2, int64_t num2, struct dm_record **out, struct dm_error *err)
{
	char *base, *sql, table[80];
	struct dm_stmt *s = NULL;
	struct dm_buf b;
	int rc;
	/* history: the select needs the history table */
	snprintf(table, sizeof(table), "%s%s", t->name, where[0] == 'H' ? "_history" : "");
	if (where[0] == 'H')
		where++;
	*out = NULL;
	if (!(base = dm_rec_select_sql(t, table, NULL)))
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	dm_buf_init(&b, 0);
	dm_buf_add(&b, base);
	dm_buf_add(&b, " ");
	dm_buf_add(&b, where);
	free(base);
	sql = dm_buf_take(&b);
	rc = dm_stmt_prepare(db->st, sql, &s, err);
	free(sql);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, id);
	if (text2)
		dm_stmt_bind_text(s, 2, text2);
	else if (num2)
		dm_stmt_bind_int(s, 2, num2);
	rc = dm_stmt_step(s, err);
	if (rc == 1)
		rc = dm_rec_from_row(db, t, s, out, err);
	else if (rc == 0)
		rc = DM_ENOTFOUND;
	dm_stmt_finalize(s);
	return rc;
}

int dm_rec_load(struct dm_db *db, const struct dm_type *t, const char *id, int64_t version,
		struct dm_record **out, struct dm_error *err)
{
	int rc;
	if (version > 0)
		rc = load_one(db, t, "HWHERE id = ? AND version = ?", id, NULL, version, out, err);
	else
		rc = load_one(db, t, "WHERE id = ?", id, NULL, 0, out, err);
	if (rc == DM_ENOTFOUND)
		return version > 0 ? dm_error_set(err, DM_ENOTFOUND, "version", "%s %s has no version %lld",
						  t->name, id, (long long)version)
				   : dm_error_set(err, DM_ENOTFOUND, NULL, "no %s record '%s'", t->name, id);
	return rc;
}

int dm_rec_load_as_of(struct dm_db *db, const struct dm_type *t, const char *id, const char *as_of,
		      struct dm_record **out, struct dm_error *err)
{
	int rc = load_one(db, t, "HWHERE id = ? AND updated_at <= ? ORDER BY version DESC LIMIT 1", id, as_of, 0,
			  out, err);
	if (rc == DM_ENOTFOUND)
		return dm_error_set(err, DM_ENOTFOUND, "as_of", "%s %s did not exist yet at %s", t->name, id, as_of);
	return rc;
}

/* One look-up of record_index by col: 1 with id and *t set, 0 when no row matches. */
static int find_by(struct dm_db *db, const char *col_sql, const char *ref, char id[37], const struct dm_type **t,
		   struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(db->st, col_sql, &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, ref);
	rc = dm_stmt_step(s, err);
	if (rc == 1) {
		snprintf(id, 37, "%s", dm_stmt_column_text(s, 0));
		*t = dm_schema_type(db->schema, dm_stmt_column_text(s, 1));
		if (!*t)
			rc = dm_error_set(err, DM_EIO, NULL, "record '%s' has an unknown type", ref);
	}
	dm_stmt_finalize(s);
	return rc;
}

/* By id, else by code, else (allow_external) by external id: one unique-index seek each, in
 * that order of preference (one query with OR and ORDER BY cost as much as all three). */
int dm_rec_find(struct dm_db *db, const char *ref, int allow_external, char id[37], const struct dm_type **t,
		struct dm_error *err)
{
	int rc = find_by(db, "SELECT id, record_type FROM record_index WHERE id = ?", ref, id, t, err);
	if (rc == 0)
		rc = find_by(db, "SELECT id, record_type FROM record_index WHERE code = ?", ref, id, t, err);
	if (rc == 0 && allow_external)
		rc = find_by(db, "SELECT id, record_type FROM record_index WHERE external_id = ? LIMIT 1", ref, id, t,
			     err);
	return rc == 1 ? 0 : rc == 0 ? DM_ENOTFOUND : rc;
}

/* The next number of a code prefix: one statement creates or bumps the row, so two server
 * processes creating the first record of a prefix at once do not both insert it (the second
 * waits for the first to commit, then bumps). In a batch only the first number is asked of
 * the database: PostgreSQL slows down quadratically when one transaction updates the same row
 * thousands of times (each update walks the row's versions). */
static int code_number(struct dm_db *db, const char *key, int64_t *n, struct dm_error *err)
{
	int i, rc;
	if (db->codes_batch)
		for (i = 0; i < db->ncodes; i++)
			if (!strcmp(db->codes[i].prefix, key)) {
				*n = ++db->codes[i].n;
				return 0;
			}
	rc = exec1(db, "INSERT INTO code_seq (prefix, n) VALUES (?, 1)"
		       " ON CONFLICT (prefix) DO UPDATE SET n = code_seq.n + 1", key, NULL, NULL, err);
	if (!rc)
		rc = dm_store_query_int(db->st, "SELECT n FROM code_seq WHERE prefix = ?", key, n, err);
	if (!rc && db->codes_batch && db->ncodes < (int)(sizeof(db->codes) / sizeof(db->codes[0])) &&
	    strlen(key) < sizeof(db->codes[0].prefix)) {
		snprintf(db->codes[db->ncodes].prefix, sizeof(db->codes[0].prefix), "%s", key);
		db->codes[db->ncodes++].n = *n;
	}
	return rc;
}

void dm_rec_codes_batch_begin(struct dm_db *db)
{
	db->codes_batch = 1;
	db->ncodes = 0;
}

int dm_rec_codes_flush(struct dm_db *db, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int i, rc = 0;
	for (i = 0; !rc && i < db->ncodes; i++) {
		rc = dm_stmt_prepare(db->st, "UPDATE code_seq SET n = ? WHERE prefix = ?", &s, err);
		if (!rc) {
			dm_stmt_bind_int(s, 1, db->codes[i].n);
			dm_stmt_bind_text(s, 2, db->codes[i].prefix);
			rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
		}
		dm_stmt_finalize(s);
		s = NULL;
	}
	if (!rc)
		db->ncodes = 0;
	return rc;
}

void dm_rec_codes_batch_end(struct dm_db *db)
{
	db->codes_batch = 0;
	db->ncodes = 0;
}

int dm_rec_next_code(struct dm_db *db, struct dm_record *r, struct dm_error *err)
{
	char key[64], buf[96];
	const char *abbr = NULL;
	struct dm_stmt *s = NULL;
	int64_t n = 0;
	int rc = 0;
	if (r->location) {
		rc = dm_stmt_prepare(db->st, "SELECT abbr FROM location WHERE id = ?", &s, err);
		if (!rc) {
			dm_stmt_bind_text(s, 1, r->location);
			if (dm_stmt_step(s, err) == 1 && dm_stmt_column_text(s, 0) && *dm_stmt_column_text(s, 0))
				abbr = dm_stmt_column_text(s, 0);
			snprintf(key, sizeof(key), "%s%s%s", r->type->code_prefix, abbr ? "-" : "", abbr ? abbr : "");
		}
		dm_stmt_finalize(s);
		if (rc)
			return rc;
	} else {
		snprintf(key, sizeof(key), "%s", r->type->code_prefix);
	}
	rc = code_number(db, key, &n, err);
	if (rc)
		return rc;
	snprintf(buf, sizeof(buf), "%s-%05lld", key, (long long)n);
	free(r->code);
	r->code = strdup(buf);
	return r->code ? 0 : dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
}

int dm_rec_audit(struct dm_db *db, const struct dm_actor *who, const char *action, const struct dm_record *r,
		 const char *detail, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	char now[32];
	int rc = dm_stmt_prepare(db->st, "INSERT INTO audit (at, user_name, role, action, record_type, record_id,"
				 " version, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &s, err);
	if (rc)
		return rc;
	dm_now(now);
	dm_stmt_bind_text(s, 1, now);
	dm_stmt_bind_text(s, 2, who && who->user ? who->user : "unknown");
	dm_stmt_bind_text(s, 3, who && who->role ? who->role : "unknown");
	dm_stmt_bind_text(s, 4, action);
	dm_stmt_bind_text(s, 5, r ? r->type->name : NULL);
	dm_stmt_bind_text(s, 6, r ? r->id : NULL);
	if (r)
		dm_stmt_bind_int(s, 7, r->version);
	else
		dm_stmt_bind_null(s, 7);
	dm_stmt_bind_text(s, 8, detail);
	rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
	dm_stmt_finalize(s);
	return rc;
}

int dm_rec_bump_counter(struct dm_db *db, const char *name, struct dm_error *err)
{
	int rc, i, in_txn = dm_store_in_transaction(db->st);
	unsigned long txn = dm_store_txn_id(db->st);
	if (in_txn && db->counted_txn == txn)
		for (i = 0; i < db->ncounted; i++)
			if (!strcmp(db->counted[i], name))
				return 0;
	/* one upsert: two servers writing the first record of a type at once cannot collide */
	rc = exec1(db, "INSERT INTO change_counter (name, n) VALUES (?, 1)"
		       " ON CONFLICT (name) DO UPDATE SET n = change_counter.n + 1", name, NULL, NULL, err);
	if (!rc && in_txn) {
		if (db->counted_txn != txn) {
			db->counted_txn = txn;
			db->ncounted = 0;
		}
		if (db->ncounted < (int)(sizeof(db->counted) / sizeof(db->counted[0])) && strlen(name) < sizeof(db->counted[0]))
			snprintf(db->counted[db->ncounted++], sizeof(db->counted[0]), "%s", name);
	}
	return rc;
}
