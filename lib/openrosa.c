/* openrosa.c: taking in field submissions (see openrosa.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/attach.h"
#include "demine/idempotency.h"
#include "demine/openrosa.h"
#include "demine/store.h"
#include "demine/util.h"

static int status_of(int code)
{
	switch (code) {
	case DM_ENOTFOUND: return 404;
	case DM_EPERM: return 403;
	case DM_ECONFLICT: return 409;
	case DM_ELIMIT: return 413;
	case DM_EINVAL: return 422;
	default: return 500;
	}
}

/* The message of an answer: the error and each detail ("field: message"). */
static void describe(const struct dm_error *err, char *out, size_t n)
{
	size_t i, l;
	snprintf(out, n, "%s", err->message);
	for (i = 0; i < err->ndetails && i < 20; i++) {
		l = strlen(out);
		if (strstr(out, err->details[i].message))
			continue;
		snprintf(out + l, n - l, "; %s: %s", err->details[i].field, err->details[i].message);
	}
}

static int keep_submission(struct dm_db *db, const struct dm_actor *who, const struct dm_submission *sub,
			   const char *state, const char *reason, const char *record_id, const char *xml, size_t len,
			   struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	char now[32], *copy = strndup(xml, len);
	int rc;
	if (!copy)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	rc = dm_stmt_prepare(dm_db_store(db), "INSERT INTO field_submission (instance_id, user_name, form_id, form_version,"
			     " state, reason, record_id, organisation, xml, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			     " ON CONFLICT (instance_id, user_name) DO NOTHING", &s, err);
	if (!rc) {
		dm_now(now);
		dm_stmt_bind_text(s, 1, sub->instance_id);
		dm_stmt_bind_text(s, 2, who->user);
		dm_stmt_bind_text(s, 3, sub->form->id);
		dm_stmt_bind_text(s, 4, sub->version);
		dm_stmt_bind_text(s, 5, state);
		dm_stmt_bind_text(s, 6, reason);
		dm_stmt_bind_text(s, 7, record_id);
		dm_stmt_bind_text(s, 8, who->org_id);
		dm_stmt_bind_text(s, 9, copy);
		dm_stmt_bind_text(s, 10, now);
		rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
		dm_stmt_finalize(s);
	}
	free(copy);
	return rc;
}

/* The record an earlier submission of who (instance_id) wrote, for deprecatedID. */
static int replaced_record(struct dm_db *db, const struct dm_actor *who, const char *instance_id, char id[37],
			   struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(dm_db_store(db), "SELECT record_id FROM field_submission WHERE instance_id = ?"
				 " AND user_name = ? AND state = 'accepted'", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, instance_id);
	dm_stmt_bind_text(s, 2, who->user);
	rc = dm_stmt_step(s, err);
	if (rc == 1 && dm_stmt_column_text(s, 0))
		snprintf(id, 37, "%s", dm_stmt_column_text(s, 0));
	else if (rc >= 0)
		rc = dm_error_set(err, DM_ENOTFOUND, "deprecatedID", "deprecatedID '%.100s' names no submission of yours",
				  instance_id);
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

static int write_records(struct dm_db *db, const struct dm_actor *who, struct dm_submission *sub, char id_out[37],
			 char code_out[64], struct dm_error *err)
{
	struct dm_write_opts opts = { .resolve_links = 1 };
	struct dm_record *rec = NULL, *cur = NULL;
	char old[37] = "";
	json_t *child;
	size_t i;
	int rc = 0;
	if (sub->deprecated_id[0]) {
		struct dm_read_opts ro = { 0 };
		rc = replaced_record(db, who, sub->deprecated_id, old, err);
		if (!rc)
			rc = dm_record_get(db, who, old, &ro, &cur, err);
		if (!rc)
			rc = dm_record_update(db, who, old, cur->version, sub->record, "edited in the field form", &opts, &rec,
					      err);
	} else {
		json_object_set_new(sub->record, "external_id", json_string(sub->instance_id));
		rc = dm_record_create(db, who, sub->form->type, sub->record, &opts, &rec, err);
	}
	if (!rc && strcmp(rec->status, "submitted"))
		rc = dm_record_transition(db, who, rec->id, DM_SUBMIT, 0, NULL, NULL, err);
	if (!rc) {
		snprintf(id_out, 37, "%s", rec->id);
		snprintf(code_out, 64, "%s", rec->code ? rec->code : rec->id);
	}
	json_array_foreach(sub->children, i, child) {
		struct dm_record *c = NULL;
		if (rc)
			break;
		json_object_set_new(child, sub->form->child_link, json_string(rec->id));
		rc = dm_record_create(db, who, sub->form->child_type, child, &opts, &c, err);
		if (rc)
			dm_error_prefix(err, "%s %zu", sub->form->child_type, i + 1);
		if (!rc)
			rc = dm_record_transition(db, who, c->id, DM_SUBMIT, 0, NULL, NULL, err);
		dm_record_free(c);
	}
	dm_record_free(rec);
	dm_record_free(cur);
	return rc;
}

static int put_files(struct dm_db *db, const struct dm_submission *sub, const char *record_id,
		     const struct dm_or_file *files, size_t nfiles, struct dm_error *err)
{
	size_t i, j;
	json_t *v;
	int rc = 0;
	for (i = 0; !rc && i < nfiles; i++)
		json_array_foreach(sub->files, j, v)
			if (!strcmp(json_string_value(v), files[i].name)) {
				rc = dm_attach_put(db, record_id, files[i].name, files[i].data, files[i].len, sub->instance_id,
						   err);
				break;
			}
	return rc;
}

/* Every attachment is checked before anything is written: one bad file refuses the submission. */
static int check_files(const struct dm_or_file *files, size_t nfiles, struct dm_error *err)
{
	size_t i;
	for (i = 0; i < nfiles; i++)
		if (!dm_attach_check(files[i].name, files[i].data, files[i].len, err))
			return err->code;
	return 0;
}

static void answer(struct dm_or_result *res, int status, const char *msg)
{
	res->status = status;
	snprintf(res->message, sizeof(res->message), "%s", msg);
}

/* A resend of what was answered already: the stored answer; the files a split submission
 * sends later join the record. */
static int replay(struct dm_db *db, const struct dm_actor *who, struct dm_submission *sub, int64_t status,
		  const char *response, const struct dm_or_file *files, size_t nfiles, struct dm_or_result *res,
		  struct dm_error *err)
{
	char id[37] = "";
	int rc = 0;
	res->replayed = 1;
	answer(res, (int)status, response);
	if (status != 201)
		return dm_error_set(err, DM_EINVAL, NULL, "%s", response);
	if (nfiles && !(rc = replaced_record(db, who, sub->instance_id, id, err))) {
		if (!(rc = dm_store_begin(dm_db_store(db), err))) {
			rc = put_files(db, sub, id, files, nfiles, err);
			rc = rc ? (dm_store_rollback(dm_db_store(db)), rc) : dm_store_commit(dm_db_store(db), err);
		}
	}
	snprintf(res->record_id, sizeof(res->record_id), "%s", id);
	if (rc)
		answer(res, status_of(rc), err->message);
	return rc;
}

int dm_openrosa_submit(struct dm_db *db, const struct dm_actor *who, const char *xml, size_t len,
		       const struct dm_or_file *files, size_t nfiles,
		       const char *(*current_version)(const struct dm_form *f, void *arg), void *arg,
		       struct dm_or_result *res, struct dm_error *err)
{
	struct dm_submission sub;
	struct dm_store *st = dm_db_store(db);
	char hash[65], id[37] = "", code[64] = "", msg[1024], *stored = NULL;
	int64_t status = 0;
	int rc, known, read_rc;
	struct dm_error le;
	memset(res, 0, sizeof(*res));
	rc = read_rc = dm_xform_read(dm_db_geo(db), dm_db_schema(db), xml, len, current_version, arg, &sub, err);
	if (rc && (!sub.form || !sub.instance_id[0] || rc != DM_EINVAL)) {
		/* not one of our forms, or no instanceID to keep it under */
		answer(res, rc == DM_EINVAL ? 400 : status_of(rc), err->message);
		dm_submission_release(&sub);
		return rc;
	}
	dm_idem_hash(xml, len, hash);
	dm_error_init(&le);
	known = dm_idem_lookup(db, sub.instance_id, who->user, hash, &status, &stored, &le);
	if (known < 0) {
		answer(res, status_of(known), le.message);
		dm_error_release(err);
		*err = le;
		rc = known;
		goto out;
	}
	dm_error_release(&le);
	if (known == 1) {
		rc = replay(db, who, &sub, status, stored, files, nfiles, res, err);
		goto out;
	}
	if (read_rc)
		goto refused; /* bad answers: kept as rejected below */
	if ((rc = check_files(files, nfiles, err)) || (rc = dm_record_check_write(db, who, sub.form->type, NULL, err))) {
		answer(res, rc == DM_EINVAL ? 415 : status_of(rc), err->message);
		goto out;
	}
	if (!rc && (rc = dm_store_begin(st, err)) == 0) {
		rc = write_records(db, who, &sub, id, code, err);
		if (!rc)
			rc = put_files(db, &sub, id, files, nfiles, err);
		if (!rc)
			rc = keep_submission(db, who, &sub, "accepted", NULL, id, xml, len, err);
		if (json_array_size(sub.children))
			snprintf(msg, sizeof(msg), "received: %s with %zu %s record(s), submitted for approval", code,
				 json_array_size(sub.children), sub.form->child_type);
		else
			snprintf(msg, sizeof(msg), "received: %s, submitted for approval", code);
		if (!rc)
			rc = dm_idem_store(db, sub.instance_id, who->user, hash, 201, msg, err);
		if (!rc)
			rc = dm_store_commit(st, err);
		else
			dm_store_rollback(st);
	}
	if (!rc) {
		answer(res, 201, msg);
		snprintf(res->record_id, sizeof(res->record_id), "%s", id);
		goto out;
	}
refused:
	describe(err, msg, sizeof(msg));
	answer(res, status_of(rc), msg);
	if (rc == DM_EINVAL) {
		/* refused by validation: kept as rejected, with the reason, never fixed or dropped */
		struct dm_error e2;
		dm_error_init(&e2);
		if (!dm_store_begin(st, &e2)) {
			if (!keep_submission(db, who, &sub, "rejected", msg, NULL, xml, len, &e2) &&
			    !dm_idem_store(db, sub.instance_id, who->user, hash, res->status, msg, &e2))
				dm_store_commit(st, &e2);
			else
				dm_store_rollback(st);
		}
		dm_error_release(&e2);
	}
out:
	free(stored);
	dm_submission_release(&sub);
	return rc;
}

json_t *dm_openrosa_submissions(struct dm_db *db, const char *state, int64_t limit, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	json_t *a = json_array();
	int rc;
	if (!a || dm_stmt_prepare(dm_db_store(db), "SELECT instance_id, user_name, form_id, state, reason, record_id,"
				  " organisation, received_at FROM field_submission WHERE (CAST(? AS TEXT) IS NULL OR"
				  " state = ?) ORDER BY received_at DESC LIMIT ?", &s, err)) {
		json_decref(a);
		return NULL;
	}
	dm_stmt_bind_text(s, 1, state);
	dm_stmt_bind_text(s, 2, state);
	dm_stmt_bind_int(s, 3, limit > 0 ? limit : 100);
	while ((rc = dm_stmt_step(s, err)) == 1) {
		json_t *o = json_object();
		const char *names[] = { "instance_id", "user", "form", "state", "reason", "record_id", "organisation",
					"received_at" };
		int i;
		for (i = 0; i < 8; i++)
			json_object_set_new(o, names[i], dm_stmt_column_text(s, i) ? json_string(dm_stmt_column_text(s, i))
										   : json_null());
		json_array_append_new(a, o);
	}
	dm_stmt_finalize(s);
	if (rc < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}
