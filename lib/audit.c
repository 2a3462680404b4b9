/* audit.c: the audit log read back, newest first (the rows are written by record_store.c in
 * the transaction of what they record). */
#include "demine/audit.h"
#include "demine/auth.h"

static json_t *audit_row(struct dm_stmt *s)
{
	static const char *const cols[] = { "seq", "at", "user", "role", "action", "record_type", "record_id",
					    "version", "detail" };
	json_t *o = json_object();
	for (int i = 0; o && i < 9; i++) {
		enum dm_coltype ct = dm_stmt_column_type(s, i);
		json_t *v = ct == DM_COL_NULL ? json_null()
			    : ct == DM_COL_INT ? json_integer(dm_stmt_column_int(s, i))
					       : json_string(dm_stmt_column_text(s, i));
		if (json_object_set_new(o, cols[i], v)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

int dm_audit_list(struct dm_db *db, const struct dm_actor *who, int64_t limit, int64_t offset, json_t **items,
		  struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc;
	*items = NULL;
	if (!dm_actor_can(who, DM_P_AUDIT))
		return dm_error_set(err, DM_EPERM, NULL, "role %s may not read the audit log", who ? who->role : "");
	if (limit < 1 || limit > 1000 || offset < 0)
		return dm_error_set(err, DM_EINVAL, "limit", "limit must be 1-1000 and offset a whole number");
	rc = dm_stmt_prepare(dm_db_store(db), "SELECT seq, at, user_name, role, action, record_type, record_id,"
			     " version, detail FROM audit ORDER BY seq DESC LIMIT ? OFFSET ?", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_int(s, 1, limit);
	dm_stmt_bind_int(s, 2, offset);
	*items = json_array();
	if (!*items)
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	while (!rc && (rc = dm_stmt_step(s, err)) == 1) {
		json_t *row = audit_row(s);
		rc = !row || json_array_append_new(*items, row) ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory") : 0;
	}
	dm_stmt_finalize(s);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}
