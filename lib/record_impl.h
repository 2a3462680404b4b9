/* record_impl.h: the record modules' shared inside: rows <-> records, codes, links, audit
 * (record_store.c), input and validation (record_json.c), system versions (record.c). */
#ifndef DM_RECORD_IMPL_H
#define DM_RECORD_IMPL_H
#include "demine/record.h"
#include "demine/util.h"
#include "db_impl.h"

#define DM_NCOMMON 22 /* common columns, in the order of dm_rec_common_cols */
extern const char *const dm_rec_common_cols[DM_NCOMMON];

/* "SELECT <common>, <fields> FROM <table>" for a type; caller frees. */
char *dm_rec_select_sql(const struct dm_type *t, const char *table, const char *alias);
/* Builds a record from a row selected with dm_rec_select_sql (columns from offset 0). */
int dm_rec_from_row(struct dm_db *db, const struct dm_type *t, struct dm_stmt *s, struct dm_record **out,
		    struct dm_error *err);
/* Writes r as a new history row, and as the current row (insert when create, else update
 * guarded by expected_version: DM_ECONFLICT when someone else wrote first). */
int dm_rec_store(struct dm_db *db, struct dm_record *r, int create, int64_t expected_version,
		 struct dm_error *err);
/* Loads the newest version (history = 0) or a given version from history. */
int dm_rec_load(struct dm_db *db, const struct dm_type *t, const char *id, int64_t version,
		struct dm_record **out, struct dm_error *err);
/* Loads the version current at as_of (stored form, see dm_parse_as_of). */
int dm_rec_load_as_of(struct dm_db *db, const struct dm_type *t, const char *id, const char *as_of,
		      struct dm_record **out, struct dm_error *err);
/* Resolves id or code (or external id when allow_external) of any type. */
int dm_rec_find(struct dm_db *db, const char *ref, int allow_external, char id[37], const struct dm_type **t,
		struct dm_error *err);
/* Next code for a new record: PREFIX-ABBR-00001 (ABBR from its admin area) or PREFIX-00001. */
int dm_rec_next_code(struct dm_db *db, struct dm_record *r, struct dm_error *err);
/* Bulk writes in one all-or-nothing transaction (import): between batch_begin and flush, each
 * code prefix's counter row is bumped (and locked) once and later codes count on in memory.
 * dm_rec_codes_flush() writes the counters; call it before the commit. batch_end() leaves the
 * mode (after the flush, or to drop the counters when the transaction is rolled back). Only for
 * transactions that roll back as a whole when any record fails. */
void dm_rec_codes_batch_begin(struct dm_db *db);
int dm_rec_codes_flush(struct dm_db *db, struct dm_error *err);
void dm_rec_codes_batch_end(struct dm_db *db);
int dm_rec_audit(struct dm_db *db, const struct dm_actor *who, const char *action, const struct dm_record *r,
		 const char *detail, struct dm_error *err);
/* Bumps the change counter of a layer (record type), for tile ETags. */
int dm_rec_bump_counter(struct dm_db *db, const char *name, struct dm_error *err);

/* record_json.c: applies a JSON input document to r (validating every member; a member
 * refused leaves r's value as it was). Problems are added as details (err's code is not set);
 * returns DM_EINVAL when any was found, another code (err set) when the store failed. */
int dm_rec_apply_input(struct dm_db *db, const struct dm_actor *who, struct dm_record *r, json_t *in,
		       const struct dm_write_opts *opts, struct dm_error *err);
/* Checks the whole record (required fields, type rules), skipping the fields err already has
 * a problem of. Problems are added as details; returns DM_EINVAL when there is any. */
int dm_rec_validate(struct dm_db *db, struct dm_record *r, struct dm_error *err);
/* Sets err to "TYPE record refused: FIELD: MESSAGE (and N more problems)" from its details;
 * returns DM_EINVAL. */
int dm_rec_refused(const struct dm_record *r, struct dm_error *err);

/* record.c: system versions (author system, approved, with their reason), for derived
 * figures written outside a user's write (demine landrelease recompute). A root context for
 * hooks that write them; dm_rec_write_system() is the same for one record, within the
 * caller's transaction. */
struct dm_hook_ctx;
void dm_rec_system_ctx(struct dm_hook_ctx *c, struct dm_db *db);
int dm_rec_write_system(struct dm_db *db, struct dm_record *r, const char *why, struct dm_error *err);

#endif
