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

int dm_db_load_extra_fields(struct dm_db *db, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	char sql[300];
	int rc;
	/* the order of extra fields is the order of their columns in listings and exports */
	snprintf(sql, sizeof(sql), "SELECT record_type, name, kind, flags, allowed, unit, link_type,"
		 " label_en, label_az, label_ru, hxl, help FROM field_def ORDER BY created_at%s, name%s",
		 dm_store_collate_binary(db->st), dm_store_collate_binary(db->st));
	rc = dm_stmt_prepare(db->st, sql, &s, err);
	while (!rc && (rc = dm_stmt_step(s, err)) == 1) {
		rc = dm_db_extra_from_row(db, s, err);
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

/* "a;b;c" from the values; NULL when there are none or out of memory (*nomem set). */
static char *join_values(const char *const *v, int *nomem)
{
	struct dm_buf b;
	if (!v || !*v)
		return NULL;
	dm_buf_init(&b, 0);
	for (; *v; v++) {
		if (b.len)
			dm_buf_add(&b, ";");
		dm_buf_add(&b, *v);
	}
	if (b.overflow) {
		dm_buf_release(&b);
		*nomem = 1;
		return NULL;
	}
	return dm_buf_take(&b);
}

static int store_field_def(struct dm_db *db, const char *type, const struct dm_field *f, const char *allowed,
			   struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	char now[32];
	int rc;
	dm_now(now);
	rc = dm_stmt_prepare(db->st, "INSERT INTO field_def (record_type, name, kind, flags, allowed, unit,"
			     " link_type, label_en, label_az, label_ru, hxl, help, created_at)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, type);
	dm_stmt_bind_text(s, 2, f->name);
	dm_stmt_bind_text(s, 3, dm_ftype_name(f->type));
	dm_stmt_bind_int(s, 4, f->flags & ~(unsigned)DM_FF_EXTRA);
	dm_stmt_bind_text(s, 5, allowed ? allowed : "");
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
	return rc;
}

/* ALTER TABLE table ADD COLUMN name kind, on the typed table or its history. The names were
 * checked by dm_schema_check_extra (lowercase letters, digits, '_'), so quoting is enough. */
static int add_column(struct dm_db *db, const char *type, const char *suffix, const struct dm_field *f,
		      struct dm_error *err)
{
	struct dm_buf sql;
	int rc;
	dm_buf_init(&sql, 0);
	dm_buf_addf(&sql, "ALTER TABLE \"%s%s\" ADD COLUMN \"%s\" %s", type, suffix, f->name,
		    dm_db_column_sqltype(db->st, f->type));
	if (sql.overflow)
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	else
		rc = dm_store_exec(db->st, sql.s, err);
	dm_buf_release(&sql);
	return rc;
}

/* The schema in memory changes only once the transaction has committed: a refused ALTER
 * leaves neither a row in field_def nor a phantom field. */
int dm_db_add_field(struct dm_db *db, const char *type, const struct dm_field *f, struct dm_error *err)
{
	int rc, nomem = 0;
	char *allowed;
	rc = dm_schema_check_extra(db->schema, type, f, err);
	if (rc)
		return rc;
	allowed = join_values(f->values, &nomem);
	if (nomem)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	rc = dm_store_begin(db->st, err);
	if (rc)
		goto out;
	rc = store_field_def(db, type, f, allowed, err);
	if (!rc)
		rc = add_column(db, type, "", f, err);
	if (!rc)
		rc = add_column(db, type, "_history", f, err);
	if (!rc)
		rc = dm_store_commit(db->st, err);
	else
		dm_store_rollback(db->st);
	if (!rc)
		rc = dm_schema_add_extra(db->schema, type, f, err);
out:
	free(allowed);
	return rc;
}
