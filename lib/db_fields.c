/* db_fields.c: a deployment's extra fields (demine field add), kept in field_def and added
 * to the typed tables, then validated like builtin fields. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "demine/util.h"
#include "db_impl.h"

enum dm_ftype dm_ftype_from_name(const char *name)
{
	int t;
	for (t = DM_F_TEXT; t <= DM_F_JSON; t++)
		if (name && !strcmp(dm_ftype_name((enum dm_ftype)t), name))
			return (enum dm_ftype)t;
	return 0;
}

/* Splits "a;b;c" into a NULL-terminated array (one allocation; caller frees the array). */
static const char **split_values(const char *text)
{
	size_t n = 1, len;
	const char *p;
	char **arr, *copy, *tok;
	if (!text || !*text)
		return NULL;
	for (p = text; *p; p++)
		n += *p == ';';
	len = strlen(text) + 1;
	arr = malloc((n + 1) * sizeof(char *) + len);
	if (!arr)
		return NULL;
	copy = (char *)(arr + n + 1);
	memcpy(copy, text, len);
	n = 0;
	for (tok = copy; tok; ) {
		char *semi = strchr(tok, ';');
		if (semi)
			*semi = 0;
		if (*tok)
			arr[n++] = tok;
		tok = semi ? semi + 1 : NULL;
	}
	arr[n] = NULL;
	return (const char **)arr;
}

static const char *col(struct dm_stmt *s, int i)
{
	const char *v = dm_stmt_column_text(s, i);
	return v && *v ? v : NULL;
}

int dm_db_extra_from_row(struct dm_db *db, struct dm_stmt *s, struct dm_error *err)
{
	struct dm_field f;
	const char **values;
	int rc;
	memset(&f, 0, sizeof(f));
	f.name = col(s, 1);
	f.type = dm_ftype_from_name(col(s, 2));
	f.flags = (unsigned)dm_stmt_column_int(s, 3) | DM_FF_EXTRA;
	values = split_values(col(s, 4));
	f.values = values;
	f.unit = col(s, 5);
	f.link_type = col(s, 6);
	f.label_en = col(s, 7);
	f.label_az = col(s, 8);
	f.label_ru = col(s, 9);
	f.hxl = col(s, 10);
	f.help = col(s, 11);
	rc = dm_schema_add_extra(db->schema, col(s, 0), &f, err);
	free(values);
	return rc;
}

static void join_values(const char *const *v, char *out, size_t n)
{
	size_t len = 0;
	out[0] = 0;
	for (; v && *v; v++) {
		int w = snprintf(out + len, n - len, "%s%s", len ? ";" : "", *v);
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
}

int dm_db_add_field(struct dm_db *db, const char *type, const struct dm_field *f, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	char now[32], sql[300], allowed[4096];
	int rc;
	rc = dm_schema_add_extra(db->schema, type, f, err);
	if (rc)
		return rc;
	join_values(f->values, allowed, sizeof(allowed));
	dm_now(now);
	rc = dm_store_begin(db->st, err);
	if (!rc)
		rc = dm_stmt_prepare(db->st, "INSERT INTO field_def (record_type, name, kind, flags, allowed, unit,"
				     " link_type, label_en, label_az, label_ru, hxl, help, created_at)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &s, err);
	if (!rc) {
		dm_stmt_bind_text(s, 1, type);
		dm_stmt_bind_text(s, 2, f->name);
		dm_stmt_bind_text(s, 3, dm_ftype_name(f->type));
		dm_stmt_bind_int(s, 4, f->flags & ~(unsigned)DM_FF_EXTRA);
		dm_stmt_bind_text(s, 5, allowed);
		dm_stmt_bind_text(s, 6, f->unit);
		dm_stmt_bind_text(s, 7, f->link_type);
		dm_stmt_bind_text(s, 8, f->label_en);
		dm_stmt_bind_text(s, 9, f->label_az);
		dm_stmt_bind_text(s, 10, f->label_ru);
		dm_stmt_bind_text(s, 11, f->hxl);
		dm_stmt_bind_text(s, 12, f->help);
		dm_stmt_bind_text(s, 13, now);
		rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
		dm_stmt_finalize(s);
	}
	if (!rc) {
		snprintf(sql, sizeof(sql), "ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s", type, f->name,
			 dm_db_column_sqltype(db->st, f->type));
		rc = dm_store_exec(db->st, sql, err);
	}
	if (!rc) {
		snprintf(sql, sizeof(sql), "ALTER TABLE %s_history ADD COLUMN \"%s\" %s", type, f->name,
			 dm_db_column_sqltype(db->st, f->type));
		rc = dm_store_exec(db->st, sql, err);
	}
	if (rc) {
		dm_store_rollback(db->st);
		return rc;
	}
	return dm_store_commit(db->st, err);
}
