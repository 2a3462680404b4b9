/* hook.h: the interface between the write path (record.c) and the record types' domain
 * hooks (rec_hooks.c holds the table). A header of types only: hooks include it, and never
 * the write path, so the library stays layered (docs/architecture.md). */
#ifndef DM_HOOK_H
#define DM_HOOK_H
#include "demine/record.h"

/* The moments of a write at which hooks run, in this order. */
enum dm_hook_event {
	DM_HOOK_LOCATE,        /* find where the record is (its admin area) */
	DM_HOOK_COMPUTE_OWN,   /* figures the record computes from itself (geodesic area) */
	DM_HOOK_CHECK_APPROVE, /* a user approves this version: refuse it (DM_ECONFLICT) when a rule
				* across records says no */
	DM_HOOK_BEFORE_STORE,  /* derived figures written into this very version */
	DM_HOOK_AFTER_WRITE,   /* stored and audited: effects on other records, in the same
				* transaction (system versions through c->write_system) */
	DM_HOOK_NEVENTS
};

/* Deepest chain of system versions one write may cause (a release closes a hazard, the
 * hazard's closure updates a settlement, ...): a longer one is a loop between hooks. */
#define DM_HOOK_MAX_DEPTH 8

struct dm_hook_ctx {
	struct dm_db *db;
	const struct dm_actor *who; /* the author of the version (dm_system_actor for system ones) */
	const char *action;         /* "create", "update", "delete", "approve", "system", ... */
	int depth;                  /* 0 for a user's write, 1 + the writer's for a system version */
	const char *chain[DM_HOOK_MAX_DEPTH + 1]; /* ids written in this chain, outermost first */
	/* Writes r (a record the hook loaded and changed, owned by the caller) as a system
	 * version: author system, approved, change reason why; runs r's own after-write hooks.
	 * The write path provides it; hooks call it instead of naming the write module. */
	int (*write_system)(struct dm_hook_ctx *c, struct dm_record *r, const char *why, struct dm_error *err);
};

/* A hook: 0 to go on, negative (err set) to refuse the write; the whole transaction then
 * rolls back. r may be changed by LOCATE, COMPUTE_OWN and BEFORE_STORE hooks only. */
typedef int dm_hook_fn(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err);

struct dm_hook {
	const char *type; /* record type name, or "*" for every type */
	enum dm_hook_event event;
	dm_hook_fn *fn;
	const char *name; /* for messages and docs */
};

#endif
