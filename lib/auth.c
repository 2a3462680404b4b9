/* auth.c: the role table and the checks built on it. */
#include <string.h>
#include "demine/auth.h"
#include "demine/schema.h"

static const char *const va_types[] = { "victim", "va_service", "accident", NULL };
/* What the public map shows: hazard outlines, released land, places and the readiness of
 * settlements for return (issue 17). */
static const char *const public_types[] = { "hazard", "land_release", "location", "settlement", NULL };

static const struct dm_role roles[] = {
	{ "system", DM_P_READ_UNAPPROVED | DM_P_READ_PERSONAL | DM_P_READ_PERSONAL_ANY | DM_P_WRITE_ANY |
			    DM_P_APPROVE | DM_P_AUDIT, NULL,
	  "demine itself: computed figures and automatic closure" },
	{ "local", DM_P_READ_UNAPPROVED | DM_P_READ_PERSONAL | DM_P_READ_PERSONAL_ANY | DM_P_WRITE_ANY |
			   DM_P_APPROVE | DM_P_USERS | DM_P_AUDIT | DM_P_ERASE, NULL,
	  "the command line on the database host: full rights" },
	{ "admin", DM_P_READ_UNAPPROVED | DM_P_USERS | DM_P_AUDIT | DM_P_ERASE, NULL,
	  "users and configuration" },
	{ "im_officer", DM_P_READ_UNAPPROVED | DM_P_WRITE_ANY | DM_P_APPROVE | DM_P_AUDIT, NULL,
	  "national IM: edit anything, approve, reject" },
	{ "operator", DM_P_READ_OWN_UNAPPROVED | DM_P_WRITE_OWN, NULL,
	  "create and edit drafts of its own organisation, propose new versions, submit them" },
	{ "va_officer", DM_P_READ_OWN_UNAPPROVED | DM_P_READ_PERSONAL | DM_P_WRITE_OWN, va_types,
	  "victim records including personal data" },
	{ "donor", DM_P_OWN_GRANTS, NULL, "approved data, the funding of its own grants, no personal data" },
	{ "viewer", 0, NULL, "approved data without personal data" },
	{ "public", DM_P_PUBLIC_ONLY, NULL, "approved hazard outlines and released land only" },
};

const struct dm_actor dm_system_actor = { "system", "system", NULL };

const struct dm_role *dm_roles(size_t *n)
{
	*n = sizeof(roles) / sizeof(roles[0]);
	return roles;
}

const struct dm_role *dm_role_find(const char *name)
{
	size_t i;
	for (i = 0; name && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(roles[i].name, name))
			return &roles[i];
	return NULL;
}

int dm_actor_can(const struct dm_actor *who, unsigned perm)
{
	const struct dm_role *r = dm_role_find(who ? who->role : NULL);
	return r && (r->perms & perm) == perm;
}

static int type_listed(const char *const *types, const char *type)
{
	for (; types && *types; types++)
		if (!strcmp(*types, type))
			return 1;
	return types == NULL;
}

int dm_auth_check_write(const struct dm_actor *who, const char *type, const char *org_id, int existing,
			struct dm_error *err)
{
	const struct dm_role *r = who ? dm_role_find(who->role) : NULL;
	if (!r)
		return dm_error_set(err, DM_EPERM, NULL, "unknown role '%s'", who && who->role ? who->role : "");
	if (r->write_types && !type_listed(r->write_types, type))
		return dm_error_set(err, DM_EPERM, NULL, "role %s may not write %s records", r->name, type);
	if (r->perms & DM_P_WRITE_ANY)
		return 0;
	if (r->perms & DM_P_WRITE_OWN) {
		if ((!org_id && !existing) || (org_id && who->org_id && !strcmp(org_id, who->org_id)))
			return 0;
		return dm_error_set(err, DM_EPERM, "organisation",
				    "role %s may only write records of its own organisation", r->name);
	}
	return dm_error_set(err, DM_EPERM, NULL, "role %s may not write records", r->name);
}

int dm_auth_check_read_type(const struct dm_actor *who, const char *type, struct dm_error *err)
{
	const struct dm_role *r = dm_role_find(who ? who->role : NULL);
	if (!r)
		return dm_error_set(err, DM_EPERM, NULL, "unknown role '%s'", who && who->role ? who->role : "");
	if ((r->perms & DM_P_PUBLIC_ONLY) && !type_listed(public_types, type))
		return dm_error_set(err, DM_EPERM, NULL, "%s records are not public", type);
	return 0;
}

const char *dm_auth_version_sql(const struct dm_actor *who, int approved_only, int *bind_org)
{
	*bind_org = 0;
	if (approved_only)
		return "c.approved_version";
	if (dm_actor_can(who, DM_P_READ_UNAPPROVED))
		return "c.version";
	if (dm_actor_can(who, DM_P_READ_OWN_UNAPPROVED) && who->org_id) {
		*bind_org = 1;
		return "CASE WHEN c.organisation = ? THEN c.version ELSE c.approved_version END";
	}
	return "c.approved_version";
}

int dm_auth_sees_field(const struct dm_actor *who, const char *record_org, unsigned flags)
{
	if (flags & DM_FF_PERSONAL) {
		if (dm_actor_can(who, DM_P_READ_PERSONAL_ANY))
			return 1;
		if (!dm_actor_can(who, DM_P_READ_PERSONAL) || !who->org_id)
			return 0;
		if (record_org && strcmp(record_org, who->org_id))
			return 0;
	}
	if ((flags & DM_FF_INTERNAL) && dm_actor_can(who, DM_P_PUBLIC_ONLY))
		return 0;
	return 1;
}

int dm_auth_sees_member(const struct dm_actor *who, const char *member)
{
	static const char *const operator_members[] = { "organisation", "created_by", "updated_by", "change_reason",
							"status_reason", NULL };
	const char *const *p;
	if (!dm_actor_can(who, DM_P_PUBLIC_ONLY))
		return 1;
	for (p = operator_members; *p; p++)
		if (!strcmp(*p, member))
			return 0;
	return 1;
}
