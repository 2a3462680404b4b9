/* auth.h: the role table: what each role may read and write. The library's read and
 * write paths consult it, so every output applies the same rules. */
#ifndef DEMINE_AUTH_H
#define DEMINE_AUTH_H
#include "demine/record.h"

enum dm_perm {
	DM_P_READ_UNAPPROVED = 1 << 0, /* drafts, submissions, rejections of every organisation */
	DM_P_READ_OWN_UNAPPROVED = 1 << 1, /* ... of the actor's own organisation */
	DM_P_READ_PERSONAL = 1 << 2,   /* victims' personal data of the actor's organisation's records
	                                  (every read is audited) */
	DM_P_WRITE_ANY = 1 << 3,       /* create and edit records of any organisation */
	DM_P_WRITE_OWN = 1 << 4,       /* create and edit records of the actor's organisation */
	DM_P_APPROVE = 1 << 5,         /* approve and reject */
	DM_P_USERS = 1 << 6,           /* manage users and configuration */
	DM_P_AUDIT = 1 << 7,           /* read the audit log */
	DM_P_PUBLIC_ONLY = 1 << 8,     /* only approved hazard outlines and released land */
	DM_P_OWN_GRANTS = 1 << 9,      /* funding records only of the actor's own grants */
	DM_P_ERASE = 1 << 10,          /* erase personal data on a lawful request */
	DM_P_READ_PERSONAL_ANY = 1 << 11, /* ... of every organisation's records */
};

struct dm_role {
	const char *name;
	unsigned perms;
	const char *const *write_types; /* record types this role may write, NULL = all */
	const char *help;
};

/* The role table. */
const struct dm_role *dm_roles(size_t *n);
const struct dm_role *dm_role_find(const char *name);
int dm_actor_can(const struct dm_actor *who, unsigned perm);
/* 0 if who may write a record of type owned by org_id. A new record (existing 0) without an
 * owner becomes who's organisation's; an existing one without an owner (an organisation, an
 * admin area) is written only by roles that write any organisation's records. */
int dm_auth_check_write(const struct dm_actor *who, const char *type, const char *org_id, int existing,
			struct dm_error *err);
/* 0 if who may read type at all. */
int dm_auth_check_read_type(const struct dm_actor *who, const char *type, struct dm_error *err);

/* The SQL expression that picks which version of each record who sees, over a current row
 * aliased c: the newest for roles that read unapproved work, the newest of their own
 * organisation's records (else the approved one) for operators, the approved one for the
 * rest or when approved_only. *bind_org is set when it holds one ? for who->org_id. */
const char *dm_auth_version_sql(const struct dm_actor *who, int approved_only, int *bind_org);

/* The one rule of what a role sees of a record, asked by every output (JSON, CSV, GeoJSON, OGC,
 * tiles, search, history, exports) and by the filters and sorts that could reveal a value:
 * a field with flags (DM_FF_*) of a record owned by record_org is visible when
 * - it is personal only to roles that read personal data of any organisation, or of their own
 *   when the record is their organisation's;
 * - it is internal (DM_FF_INTERNAL) only to roles other than the public one.
 * record_org NULL asks about a record of who's own organisation (a column of an export). */
int dm_auth_sees_field(const struct dm_actor *who, const char *record_org, unsigned flags);
/* The same for the members every record has: the public role never sees who owns, wrote or
 * reviewed a record (organisation, created_by, updated_by, change_reason, status_reason). */
int dm_auth_sees_member(const struct dm_actor *who, const char *member);

extern const struct dm_actor dm_system_actor;

#endif
