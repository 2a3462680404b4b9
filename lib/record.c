/* record.c: the single write path: create, update, delete-by-flag, workflow transitions,
 * system versions and the erasure of personal data, each validating, versioning, auditing and
 * committing in one transaction. Domain rules reach it only through the hook table
 * (rec_hooks.c): nothing here names a record type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "demine/geo.h"
#include "rec_hooks.h"
#include "record_impl.h"

/* Sets *dst to a copy of v; 1 when the copy failed (the caller latches DM_ENOMEM). */
static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = dm_strdup0(v);
	return v && !*dst;
}

static void set_status(struct dm_record *r, const char *status)
{
	snprintf(r->status, sizeof(r->status), "%s", status);
}

/* Stamps a new version: author, time, reason. */
static int stamp(struct dm_record *r, const struct dm_actor *who, const char *reason, struct dm_error *err)
{
	char now[32];
	int fail = 0;
	dm_now(now);
	r->version++;
	fail |= set_str(&r->updated_by, who->user);
	fail |= set_str(&r->updated_at, now);
	fail |= set_str(&r->change_reason, reason);
	if (!r->created_at) {
		fail |= set_str(&r->created_by, who->user);
		fail |= set_str(&r->created_at, now);
	}
	return fail ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory") : 0;
}

static void approve_version(struct dm_record *r)
{
	set_status(r, "approved");
	r->approved_version = r->version;
}

/* ---- hooks and system versions ---- */

static int write_system(struct dm_hook_ctx *parent, struct dm_record *r, const char *why, struct dm_error *err);

/* The context of a user's write of r: the root of any chain of system versions it causes. */
static void user_ctx(struct dm_hook_ctx *c, struct dm_db *db, const struct dm_actor *who, const char *action,
		     const struct dm_record *r)
{
	memset(c, 0, sizeof(*c));
	c->db = db;
	c->who = who;
	c->action = action;
	c->chain[0] = r->id;
	c->write_system = write_system;
}

void dm_rec_system_ctx(struct dm_hook_ctx *c, struct dm_db *db)
{
	memset(c, 0, sizeof(*c));
	c->db = db;
	c->who = &dm_system_actor;
	c->action = "system";
	c->depth = -1; /* no user's write above: the first system version is at depth 0 */
	c->write_system = write_system;
}

/* A loop between hooks would write the same record again further down one chain. */
static int check_chain(const struct dm_hook_ctx *parent, const struct dm_record *r, struct dm_error *err)
{
	int i;
	if (parent->depth + 1 >= DM_HOOK_MAX_DEPTH)
		return dm_error_set(err, DM_ELIMIT, NULL, "system versions nested %d deep writing %s %s: a loop "
				    "between the hooks of rec_hooks.c", DM_HOOK_MAX_DEPTH, r->type->name, r->code);
	for (i = 0; i <= parent->depth; i++)
		if (parent->chain[i] && !strcmp(parent->chain[i], r->id))
			return dm_error_set(err, DM_ELIMIT, NULL, "%s %s would be written twice by one change: a loop "
					    "between the hooks of rec_hooks.c", r->type->name, r->code);
	return 0;
}

/* A system version: author system, approved, its reason; the after-write hooks of its own
 * type run too, so effects cascade (a hazard closed by a release updates what depends on it).
 * Its derived figures are its writer's: BEFORE_STORE hooks do not run again. */
static int write_system(struct dm_hook_ctx *parent, struct dm_record *r, const char *why, struct dm_error *err)
{
	struct dm_hook_ctx c = *parent;
	int64_t cur = r->version;
	int rc = check_chain(parent, r, err);
	if (rc)
		return rc;
	c.who = &dm_system_actor;
	c.action = "system";
	c.depth = parent->depth + 1;
	c.chain[c.depth] = r->id;
	rc = stamp(r, &dm_system_actor, why, err);
	if (!rc) {
		set_str(&r->status_reason, NULL);
		approve_version(r);
		rc = dm_rec_store(c.db, r, 0, cur, err);
	}
	if (!rc)
		rc = dm_rec_audit(c.db, &dm_system_actor, "system_recompute", r, why, err);
	if (!rc)
		rc = dm_rec_hooks_run(&c, DM_HOOK_AFTER_WRITE, r, err);
	return rc;
}

int dm_rec_write_system(struct dm_db *db, struct dm_record *r, const char *why, struct dm_error *err)
{
	struct dm_hook_ctx c;
	dm_rec_system_ctx(&c, db);
	return write_system(&c, r, why, err);
}

/* Ends a write: commit, or roll back everything (nothing half-written is left behind). */
static int finish(struct dm_db *db, int rc, struct dm_error *err)
{
	if (rc) {
		dm_store_rollback(db->st);
		return rc;
	}
	return dm_store_commit(db->st, err);
}

/* Audit, then the effects on other records. */
static int after_write(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err)
{
	int rc = dm_rec_audit(c->db, c->who, c->action, r, r->change_reason, err);
	if (!rc)
		rc = dm_rec_hooks_run(c, DM_HOOK_AFTER_WRITE, r, err);
	return rc;
}

/* A refusal of the input (DM_EINVAL with its problems as details) lets the later steps run
 * too, so every problem of the record is listed at once; the code is cleared so that a later
 * refusal of another kind (a role, the store) still wins. Any other failure stops the write. */
static int go_on(int rc, int *bad, struct dm_error *err)
{
	if (rc != DM_EINVAL || !err->ndetails)
		return rc;
	*bad = 1;
	err->code = 0;
	err->field[0] = 0;
	err->message[0] = 0;
	return 0;
}

/* The content steps every write shares: the input, who may write it, where it is, what it
 * computes from itself, and whether the whole record is valid. */
static int prepare_content(struct dm_hook_ctx *c, struct dm_record *r, json_t *in, const struct dm_write_opts *opts,
			   struct dm_error *err)
{
	int bad = 0;
	int rc = go_on(dm_rec_apply_input(c->db, c->who, r, in, opts, err), &bad, err);
	if (!rc)
		rc = dm_auth_check_write(c->who, r->type->name, r->organisation, r->version > 0, err);
	if (!rc)
		rc = go_on(dm_rec_hooks_run(c, DM_HOOK_LOCATE, r, err), &bad, err);
	if (!rc)
		rc = go_on(dm_rec_hooks_run(c, DM_HOOK_COMPUTE_OWN, r, err), &bad, err);
	if (!rc)
		rc = go_on(dm_rec_validate(c->db, r, err), &bad, err);
	if (!rc && bad)
		rc = dm_rec_refused(r, err);
	return rc;
}

/* The version is stamped and has its status: the rules across records when a user approves
 * it, then the figures derived into it. */
static int before_store(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err)
{
	int rc = 0;
	if (!strcmp(r->status, "approved"))
		rc = dm_rec_hooks_run(c, DM_HOOK_CHECK_APPROVE, r, err);
	if (!rc)
		rc = dm_rec_hooks_run(c, DM_HOOK_BEFORE_STORE, r, err);
	return rc;
}

static int give(struct dm_record *r, struct dm_record **out)
{
	if (out)
		*out = r;
	else
		dm_record_free(r);
	return 0;
}

int dm_record_create(struct dm_db *db, const struct dm_actor *who, const char *type, json_t *in,
		     const struct dm_write_opts *opts, struct dm_record **out, struct dm_error *err)
{
	static const struct dm_write_opts none;
	const struct dm_type *t = dm_schema_type(db->schema, type);
	struct dm_record *r;
	struct dm_hook_ctx c;
	const char *reason;
	int rc;
	if (!opts)
		opts = &none;
	if (!t)
		return dm_error_set(err, DM_EINVAL, "type", "unknown record type '%s'", type ? type : "");
	if (!json_is_object(in))
		return dm_error_set(err, DM_EINVAL, NULL, "a %s record must be a JSON object", type);
	reason = json_string_value(json_object_get(in, "change_reason"));
	if (opts->approve && !dm_actor_can(who, DM_P_APPROVE))
		return dm_error_set(err, DM_EPERM, NULL, "role %s may not approve", who->role);
	if (opts->approve && (!reason || !*reason))
		return dm_error_set(err, DM_EINVAL, "reason", "approving on import needs a reason");
	r = dm_record_new(t);
	if (!r)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	dm_uuid(r->id);
	set_status(r, "draft");
	user_ctx(&c, db, who, opts->approve ? "create_approved" : "create", r);
	rc = who->org_id && !dm_actor_can(who, DM_P_WRITE_ANY) && set_str(&r->organisation, who->org_id)
		     ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory") : 0;
	if (!rc)
		rc = dm_store_begin(db->st, err);
	if (!rc)
		rc = prepare_content(&c, r, in, opts, err);
	if (!rc)
		rc = dm_rec_next_code(db, r, err);
	if (!rc)
		rc = stamp(r, who, reason ? reason : "created", err);
	if (!rc) {
		if (opts->approve)
			approve_version(r);
		rc = before_store(&c, r, err);
	}
	if (!rc)
		rc = dm_rec_store(db, r, 1, -1, err);
	if (!rc)
		rc = after_write(&c, r, err);
	rc = finish(db, rc, err);
	if (rc) {
		dm_record_free(r);
		return rc;
	}
	return give(r, out);
}

/* Loads the current version of id_or_code for writing and checks who may write it. */
static int load_for_write(struct dm_db *db, const struct dm_actor *who, const char *ref, int64_t expected,
			  struct dm_record **out, struct dm_error *err)
{
	char id[37];
	const struct dm_type *t;
	int rc = dm_rec_find(db, ref, 0, id, &t, err);
	if (rc == DM_ENOTFOUND)
		return dm_error_set(err, DM_ENOTFOUND, NULL, "no record '%s'", ref);
	if (rc)
		return rc;
	rc = dm_rec_load(db, t, id, 0, out, err);
	if (rc)
		return rc;
	rc = dm_auth_check_write(who, t->name, (*out)->organisation, 1, err);
	if (!rc && expected > 0 && (*out)->version != expected)
		rc = dm_error_set(err, DM_ECONFLICT, "version",
				  "%s %s is at version %lld, not %lld: reload it and apply your change again",
				  t->name, (*out)->code, (long long)(*out)->version, (long long)expected);
	if (rc) {
		dm_record_free(*out);
		*out = NULL;
	}
	return rc;
}

int dm_record_check_write(struct dm_db *db, const struct dm_actor *who, const char *type, const char *ref,
			  struct dm_error *err)
{
	const struct dm_type *t = dm_schema_type(db->schema, type);
	struct dm_record *r = NULL;
	char id[37];
	int rc;
	if (!t)
		return dm_error_set(err, DM_ENOTFOUND, "type", "no record type '%s'", type ? type : "");
	if (!ref)
		return dm_auth_check_write(who, t->name, NULL, 0, err);
	if ((rc = dm_record_resolve(db, t->name, ref, id, NULL, err)))
		return rc;
	if ((rc = dm_rec_load(db, t, id, 0, &r, err)))
		return rc;
	rc = dm_auth_check_write(who, t->name, r->organisation, 1, err);
	dm_record_free(r);
	return rc;
}

/* A new version of an approved record is a proposal (draft) while the approved one stays
 * authoritative; editing a submitted or rejected record takes it back to draft. */
static void status_for_edit(struct dm_record *r, const struct dm_actor *who, const struct dm_write_opts *opts)
{
	if (opts->approve && dm_actor_can(who, DM_P_APPROVE))
		approve_version(r);
	else
		set_status(r, "draft");
	set_str(&r->status_reason, NULL);
}

static int same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Two values of a field the same (null and absent alike; numbers by value, 5 and 5.0). */
static int same_value(json_t *a, json_t *b)
{
	if (json_is_null(a))
		a = NULL;
	if (json_is_null(b))
		b = NULL;
	if (!a || !b)
		return a == b;
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal(a, b);
}

/* 1 when r's content is a's: every field the writer sets, the geometry and the common members.
 * Computed fields follow from these (and from other records, which this write does not change). */
static int same_content(const struct dm_record *a, const struct dm_record *r)
{
	size_t i;
	if (!same_text(a->external_id, r->external_id) || !same_text(a->organisation, r->organisation) ||
	    !same_text(a->location, r->location) || !same_text(a->date_of_information, r->date_of_information) ||
	    !dm_geo_same(&a->geom, &r->geom))
		return 0;
	for (i = 0; i < r->type->nfields; i++) {
		const char *k = r->type->fields[i].name;
		if (!(r->type->fields[i].flags & DM_FF_COMPUTED) &&
		    !same_value(json_object_get(a->fields, k), json_object_get(r->fields, k)))
			return 0;
	}
	return 1;
}

/* A write with nothing to change: the same content, and no approval asked of a version not yet
 * approved. It does not take a submitted or rejected record back to draft either. */
static int nothing_to_write(const struct dm_record *before, const struct dm_record *r, const struct dm_actor *who,
			    const struct dm_write_opts *opts)
{
	if (!same_content(before, r))
		return 0;
	if (opts->approve && dm_actor_can(who, DM_P_APPROVE))
		return !strcmp(r->status, "approved") && r->approved_version == r->version;
	return 1;
}

int dm_record_update(struct dm_db *db, const struct dm_actor *who, const char *ref, int64_t expected,
		     json_t *in, const char *reason, const struct dm_write_opts *opts, struct dm_record **out,
		     struct dm_error *err)
{
	static const struct dm_write_opts none;
	struct dm_record *r = NULL, *before = NULL;
	struct dm_hook_ctx c;
	int64_t cur;
	int rc;
	if (!opts)
		opts = &none;
	if (expected <= 0)
		return dm_error_set(err, DM_EINVAL, "version", "an update needs the version it was based on");
	if (!reason || !*reason)
		return dm_error_set(err, DM_EINVAL, "reason", "an update needs a reason");
	if (!json_is_object(in))
		return dm_error_set(err, DM_EINVAL, NULL, "an update must be a JSON object");
	rc = dm_store_begin(db->st, err);
	if (!rc)
		rc = load_for_write(db, who, ref, expected, &r, err);
	if (!rc && r->deleted)
		rc = dm_error_set(err, DM_ESTATE, NULL, "%s %s is deleted", r->type->name, r->code);
	if (!rc && !(before = dm_record_clone(r)))
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (!rc) {
		user_ctx(&c, db, who, "update", r);
		rc = prepare_content(&c, r, in, opts, err);
	}
	if (!rc && nothing_to_write(before, r, who, opts)) {
		/* no version, no audit row: the current version as it is stored */
		dm_record_free(r);
		r = before;
		before = NULL;
		dm_store_rollback(db->st);
		return give(r, out);
	}
	dm_record_free(before);
	if (!rc) {
		cur = r->version;
		rc = stamp(r, who, reason, err);
		status_for_edit(r, who, opts);
		if (!rc)
			rc = before_store(&c, r, err);
		if (!rc)
			rc = dm_rec_store(db, r, 0, cur, err);
	}
	if (!rc)
		rc = after_write(&c, r, err);
	rc = finish(db, rc, err);
	if (rc) {
		dm_record_free(r);
		return rc;
	}
	return give(r, out);
}

int dm_record_delete(struct dm_db *db, const struct dm_actor *who, const char *ref, int64_t expected,
		     const char *reason, struct dm_error *err)
{
	struct dm_record *r = NULL;
	struct dm_hook_ctx c;
	int64_t cur;
	int rc;
	if (expected <= 0)
		return dm_error_set(err, DM_EINVAL, "version", "a deletion needs the version it was based on");
	if (!reason || !*reason)
		return dm_error_set(err, DM_EINVAL, "reason", "a deletion needs a reason");
	rc = dm_store_begin(db->st, err);
	if (!rc)
		rc = load_for_write(db, who, ref, expected, &r, err);
	if (!rc && r->deleted)
		rc = dm_error_set(err, DM_ESTATE, NULL, "%s %s is already deleted", r->type->name, r->code);
	if (!rc) {
		user_ctx(&c, db, who, "delete", r);
		cur = r->version;
		rc = stamp(r, who, reason, err);
		r->deleted = 1;
		/* Deleting approved data is itself a change that needs approval. A deletion keeps
		 * the figures of the version deleted: no CHECK_APPROVE or BEFORE_STORE hooks. */
		if (dm_actor_can(who, DM_P_APPROVE))
			approve_version(r);
		else
			set_status(r, r->approved_version ? "submitted" : "draft");
		if (!rc)
			rc = dm_rec_store(db, r, 0, cur, err);
	}
	if (!rc)
		rc = after_write(&c, r, err);
	rc = finish(db, rc, err);
	dm_record_free(r);
	return rc;
}

static const char *transition_name(enum dm_transition t)
{
	return t == DM_SUBMIT ? "submit" : t == DM_APPROVE ? "approve" : "reject";
}

static int check_transition(const struct dm_actor *who, const struct dm_record *r, enum dm_transition t,
			    const char *reason, struct dm_error *err)
{
	int from_draft = !strcmp(r->status, "draft") || !strcmp(r->status, "rejected");
	if (t != DM_SUBMIT && !dm_actor_can(who, DM_P_APPROVE))
		return dm_error_set(err, DM_EPERM, NULL, "role %s may not %s records", who->role, transition_name(t));
	if (t == DM_SUBMIT && !from_draft)
		return dm_error_set(err, DM_ESTATE, "status", "cannot submit %s %s: it is %s, not draft or rejected",
				    r->type->name, r->code, r->status);
	if (t != DM_SUBMIT && strcmp(r->status, "submitted"))
		return dm_error_set(err, DM_ESTATE, "status", "cannot %s %s %s: it is %s, not submitted%s",
				    transition_name(t), r->type->name, r->code, r->status,
				    from_draft ? " (submit it first)" : "");
	if (t == DM_REJECT && (!reason || !*reason))
		return dm_error_set(err, DM_EINVAL, "reason", "a rejection needs a reason");
	return 0;
}

int dm_record_transition(struct dm_db *db, const struct dm_actor *who, const char *ref, enum dm_transition t,
			 int64_t expected, const char *reason, struct dm_record **out, struct dm_error *err)
{
	struct dm_record *r = NULL;
	struct dm_hook_ctx c;
	int64_t cur;
	int rc = dm_store_begin(db->st, err);
	if (!rc)
		rc = load_for_write(db, who, ref, expected, &r, err);
	if (!rc)
		rc = check_transition(who, r, t, reason, err);
	if (!rc) {
		user_ctx(&c, db, who, transition_name(t), r);
		cur = r->version;
		rc = stamp(r, who, reason && *reason ? reason : transition_name(t), err);
		set_status(r, t == DM_SUBMIT ? "submitted" : t == DM_APPROVE ? "approved" : "rejected");
		if (!rc && set_str(&r->status_reason, t == DM_REJECT ? reason : NULL))
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		if (t == DM_APPROVE)
			r->approved_version = r->version;
		if (!rc)
			rc = before_store(&c, r, err);
		if (!rc)
			rc = dm_rec_store(db, r, 0, cur, err);
	}
	if (!rc)
		rc = after_write(&c, r, err);
	rc = finish(db, rc, err);
	if (rc) {
		dm_record_free(r);
		return rc;
	}
	return give(r, out);
}

/* ---- erasure of personal data: blanked in place in every version, since the old versions
 * must not keep it either; the layers' change counters move so no cache shows it again ---- */

static int blank_personal(struct dm_db *db, const struct dm_type *t, const char *id, size_t *nfields,
			  struct dm_error *err)
{
	struct dm_buf b;
	struct dm_stmt *s = NULL;
	size_t i;
	int rc = 0, pass;
	*nfields = 0;
	for (pass = 0; !rc && pass < 2; pass++) {
		dm_buf_init(&b, 0);
		dm_buf_addf(&b, "UPDATE \"%s%s\" SET ", t->name, pass ? "_history" : "");
		*nfields = 0;
		for (i = 0; i < t->nfields; i++)
			if (t->fields[i].flags & DM_FF_PERSONAL)
				dm_buf_addf(&b, "%s\"%s\" = NULL", (*nfields)++ ? ", " : "", t->fields[i].name);
		dm_buf_add(&b, " WHERE id = ?");
		if (*nfields) {
			rc = dm_stmt_prepare(db->st, b.s, &s, err);
			if (!rc) {
				dm_stmt_bind_text(s, 1, id);
				rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
			}
			dm_stmt_finalize(s);
			s = NULL;
		}
		dm_buf_release(&b);
	}
	return rc;
}

/* Records that carry personal data about the person too (their services' notes). */
static int erase_dependents(struct dm_db *db, const char *id, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	const struct dm_type *t;
	json_t *ids = json_array(), *v;
	size_t i, n = 0;
	int rc = dm_stmt_prepare(db->st, "SELECT l.from_id, x.record_type FROM record_link l JOIN record_index x"
				 " ON x.id = l.from_id WHERE l.to_id = ?", &s, err);
	if (!rc) {
		dm_stmt_bind_text(s, 1, id);
		while ((rc = dm_stmt_step(s, err)) == 1)
			json_array_append_new(ids, json_pack("[ss]", dm_stmt_column_text(s, 0), dm_stmt_column_text(s, 1)));
		rc = rc < 0 ? rc : 0;
	}
	dm_stmt_finalize(s);
	json_array_foreach(ids, i, v) {
		t = dm_schema_type(db->schema, json_string_value(json_array_get(v, 1)));
		if (!rc && t)
			rc = blank_personal(db, t, json_string_value(json_array_get(v, 0)), &n, err);
		if (!rc && t && n)
			rc = dm_rec_bump_counter(db, t->name, err);
	}
	json_decref(ids);
	return rc;
}

int dm_record_erase_personal(struct dm_db *db, const struct dm_actor *who, const char *ref, const char *reason,
			     struct dm_error *err)
{
	char id[37];
	const struct dm_type *t;
	struct dm_record *r = NULL;
	size_t n = 0;
	int rc;
	if (!dm_actor_can(who, DM_P_ERASE))
		return dm_error_set(err, DM_EPERM, NULL, "role %s may not erase personal data", who->role);
	if (!reason || !*reason)
		return dm_error_set(err, DM_EINVAL, "reason", "an erasure needs a reason (the lawful request)");
	rc = dm_rec_find(db, ref, 0, id, &t, err);
	if (rc == DM_ENOTFOUND)
		return dm_error_set(err, DM_ENOTFOUND, NULL, "no record '%s'", ref);
	if (rc)
		return rc;
	rc = dm_store_begin(db->st, err);
	if (!rc)
		rc = blank_personal(db, t, id, &n, err);
	if (!rc && n == 0)
		rc = dm_error_set(err, DM_EINVAL, NULL, "%s records hold no personal data", t->name);
	if (!rc)
		rc = erase_dependents(db, id, err);
	/* cached tiles, OGC pages and ETags of the layers must not show the erased values */
	if (!rc)
		rc = dm_rec_bump_counter(db, t->name, err);
	if (!rc)
		rc = dm_rec_load(db, t, id, 0, &r, err);
	if (!rc)
		rc = dm_rec_audit(db, who, "erase_personal", r, reason, err);
	dm_record_free(r);
	if (rc) {
		dm_store_rollback(db->st);
		return rc;
	}
	return dm_store_commit(db->st, err);
}
