/* demo_users.c: the demo database's users, one per role with a published password, so that a
 * database `demine demo` made can be signed in to at once. */
#include <stdio.h>
#include <string.h>
#include "demine/demo.h"
#include "demine/store.h"
#include "demine/users.h"

static const struct dm_demo_user users[] = {
	{ "admin", "admin-demo", "admin" },
	{ "im_officer", "im_officer-demo", "im_officer" },
	{ "operator", "operator-demo", "operator" },
	{ "va_officer", "va_officer-demo", "va_officer" },
	{ "donor", "donor-demo", "donor" },
	{ "viewer", "viewer-demo", "viewer" },
};
#define NUSERS (sizeof(users) / sizeof(users[0]))

const struct dm_demo_user *dm_demo_users(size_t *n)
{
	*n = NUSERS;
	return users;
}

/* The organisation a demo user belongs to: operators and VA officers work for the organisation
 * that surveyed the first demo hazard, the donor for a donor of the demo's grants (so that its
 * funding is visible to it); the other roles belong to none. */
static const char *org_of(const struct dm_demo_user *u, const struct dm_demo_stats *st)
{
	if (!strcmp(u->role, "operator") || !strcmp(u->role, "va_officer"))
		return st->operator_org;
	if (!strcmp(u->role, "donor"))
		return st->donor_org;
	return NULL;
}

int dm_demo_add_users(struct dm_db *db, const struct dm_demo_stats *st, struct dm_error *err)
{
	struct dm_store *store = dm_db_store(db);
	char full_name[64];
	size_t i;
	int rc = dm_store_begin(store, err);
	for (i = 0; i < NUSERS && !rc; i++) {
		snprintf(full_name, sizeof(full_name), "Demo %s", users[i].role);
		rc = dm_user_add(db, users[i].login, users[i].role, org_of(&users[i], st), full_name,
				 users[i].password, DM_USER_DEMO, err);
	}
	if (rc) {
		dm_store_rollback(store);
		return rc;
	}
	return dm_store_commit(store, err);
}
