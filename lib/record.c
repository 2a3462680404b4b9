/* record.c: the single write path: create, update, delete-by-flag and workflow transitions,
 * each validating, versioning, auditing and committing in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "record_impl.h"

struct dm_record *dm_record_new(const struct dm_type *type)
{
	struct dm_record *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->type = type;
	r->fields = json_object();
	if (!r->fields) {
		free(r);
		return NULL;
	}
	return r;
}

void dm_geom_release(struct dm_geom *g)
{
	free(g->wkb);
	memset(g, 0, sizeof(*g));
}

int dm_geom_copy(struct dm_geom *dst, const struct dm_geom *src)
{
	*dst = *src;
	dst->wkb = NULL;
	if (!src->wkb)
		return 0;
	dst->wkb = malloc(src->wkb_len);
	if (!dst->wkb)
		return DM_ENOMEM;
	memcpy(dst->wkb, src->wkb, src->wkb_len);
	return 0;
}

void dm_record_free(struct dm_record *r)
{
	if (!r)
		return;
	free(r->code);
	free(r->external_id);
	free(r->organisation);
	free(r->location);
	free(r->date_of_information);
	free(r->created_by);
	free(r->created_at);
	free(r->updated_by);
	free(r->updated_at);
	free(r->change_reason);
	free(r->status_reason);
	free(r->source_crs);
	dm_geom_release(&r->geom);
	json_decref(r->fields);
	free(r);
}

struct dm_record *dm_rec_clone(const struct dm_record *r)
{
	struct dm_record *c = dm_record_new(r->type);
	if (!c)
		return NULL;
	memcpy(c->id, r->id, sizeof(c->id));
	memcpy(c->status, r->status, sizeof(c->status));
	c->version = r->version;
	c->approved_version = r->approved_version;
	c->deleted = r->deleted;
	c->code = dm_strdup0(r->code);
	c->external_id = dm_strdup0(r->external_id);
	c->organisation = dm_strdup0(r->organisation);
	c->location = dm_strdup0(r->location);
	c->date_of_information = dm_strdup0(r->date_of_information);
	c->created_by = dm_strdup0(r->created_by);
	c->created_at = dm_strdup0(r->created_at);
	c->updated_by = dm_strdup0(r->updated_by);
	c->updated_at = dm_strdup0(r->updated_at);
	c->change_reason = dm_strdup0(r->change_reason);
	c->status_reason = dm_strdup0(r->status_reason);
	c->source_crs = dm_strdup0(r->source_crs);
	dm_geom_copy(&c->geom, &r->geom);
	json_decref(c->fields);
	c->fields = json_deep_copy(r->fields);
	return c;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = dm_strdup0(v);
}

static void set_status(struct dm_record *r, const char *status)
{
	snprintf(r->status, sizeof(r->status), "%s", status);
}

/* Stamps a new version: author, time, reason. */
static void stamp(struct dm_record *r, const struct dm_actor *who, const char *reason)
{
	char now[32];
	dm_now(now);
	r->version++;
	set_str(&r->updated_by, who->user);
	set_str(&r->updated_at, now);
	set_str(&r->change_reason, reason);
	if (!r->created_at) {
		set_str(&r->created_by, who->user);
		set_str(&r->created_at, now);
	}
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

static int after_write(struct dm_db *db, const struct dm_actor *who, const char *action, struct dm_record *r,
		       struct dm_error *err)
{
	int rc = dm_rec_audit(db, who, action, r, r->change_reason, err);
	if (!strcmp(r->type->name, "location"))
		dm_rec_forget_areas(db);
	if (!rc && !strcmp(r->status, "approved"))
		rc = dm_landrelease_after_write(db, r, err);
	return rc;
}

/* The content steps every write shares: the input, who may write it, where it is, what it
 * computes from itself, and whether the whole record is valid. */
static int prepare_content(struct dm_db *db, const struct dm_actor *who, struct dm_record *r, json_t *in,
			   const struct dm_write_opts *opts, struct dm_error *err)
{
	int rc = dm_rec_apply_input(db, who, r, in, opts, err);
	if (!rc)
		rc = dm_auth_check_write(who, r->type->name, r->organisation, r->version > 0, err);
	if (!rc)
		rc = dm_rec_assign_location(db, r, err);
	if (!rc)
		rc = dm_rec_compute_own(db, r, err);
	if (!rc)
		rc = dm_rec_validate(db, r, err);
	return rc;
}

/* A hazard carries its land release figures in every version it is written with. */
static int fill_figures(struct dm_db *db, struct dm_record *r, struct dm_error *err)
{
	const char *why;
	int rc;
	if (strcmp(r->type->name, "hazard"))
		return 0;
	rc = dm_landrelease_fill(db, r, &why, err);
	return rc < 0 ? rc : 0;
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
	if (who->org_id && !dm_actor_can(who, DM_P_WRITE_ANY))
		set_str(&r->organisation, who->org_id);
	rc = dm_store_begin(db->st, err);
	if (!rc)
		rc = prepare_content(db, who, r, in, opts, err);
	if (!rc)
		rc = dm_rec_next_code(db, r, err);
	if (!rc) {
		stamp(r, who, reason ? reason : "created");
		if (opts->approve) {
			set_status(r, "approved");
			r->approved_version = r->version;
		}
		rc = fill_figures(db, r, err);
	}
	if (!rc) {
		rc = dm_rec_store(db, r, 1, -1, err);
	}
	if (!rc)
		rc = after_write(db, who, opts->approve ? "create_approved" : "create", r, err);
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
	if (opts->approve && dm_actor_can(who, DM_P_APPROVE)) {
		set_status(r, "approved");
		r->approved_version = r->version;
	} else {
		set_status(r, "draft");
	}
	set_str(&r->status_reason, NULL);
}

int dm_record_update(struct dm_db *db, const struct dm_actor *who, const char *ref, int64_t expected,
		     json_t *in, const char *reason, const struct dm_write_opts *opts, struct dm_record **out,
		     struct dm_error *err)
{
	static const struct dm_write_opts none;
	struct dm_record *r = NULL;
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
	if (!rc)
		rc = prepare_content(db, who, r, in, opts, err);
	if (!rc) {
		cur = r->version;
		stamp(r, who, reason);
		status_for_edit(r, who, opts);
		rc = fill_figures(db, r, err);
		if (!rc)
			rc = dm_rec_store(db, r, 0, cur, err);
	}
	if (!rc)
		rc = after_write(db, who, "update", r, err);
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
		cur = r->version;
		stamp(r, who, reason);
		r->deleted = 1;
		/* Deleting approved data is itself a change that needs approval. */
		if (dm_actor_can(who, DM_P_APPROVE)) {
			set_status(r, "approved");
			r->approved_version = r->version;
		} else {
			set_status(r, r->approved_version ? "submitted" : "draft");
		}
		rc = dm_rec_store(db, r, 0, cur, err);
	}
	if (!rc)
		rc = after_write(db, who, "delete", r, err);
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
	int64_t cur;
	int rc = dm_store_begin(db->st, err);
	if (!rc)
		rc = load_for_write(db, who, ref, expected, &r, err);
	if (!rc)
		rc = check_transition(who, r, t, reason, err);
	if (!rc) {
		cur = r->version;
		stamp(r, who, reason && *reason ? reason : transition_name(t));
		set_status(r, t == DM_SUBMIT ? "submitted" : t == DM_APPROVE ? "approved" : "rejected");
		set_str(&r->status_reason, t == DM_REJECT ? reason : NULL);
		if (t == DM_APPROVE)
			r->approved_version = r->version;
		rc = fill_figures(db, r, err);
		if (!rc)
			rc = dm_rec_store(db, r, 0, cur, err);
	}
	if (!rc)
		rc = after_write(db, who, transition_name(t), r, err);
	rc = finish(db, rc, err);
	if (rc) {
		dm_record_free(r);
		return rc;
	}
	return give(r, out);
}
