/* rates_store.c: exchange rates kept as exchange_rate records: finding one for a pair, source
 * and date, converting with the rates of a database, and importing a rate file through the
 * write path (a rate already there unchanged is skipped). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/rates.h"
#include "demine/db.h"
#include "demine/record.h"
#include "demine/store.h"
#include "demine/util.h"

int dm_rates_store_find(void *dbv, const char *from, const char *to, const char *source, const char *date,
			struct dm_rate *out, struct dm_error *err)
{
	struct dm_db *db = dbv;
	struct dm_stmt *s = NULL;
	int rc;
	rc = dm_stmt_prepare(dm_db_store(db),
			     "SELECT date, rate, source FROM exchange_rate WHERE from_currency=? AND to_currency=? "
			     "AND source=? AND date<=? AND status='approved' AND deleted=0 ORDER BY date DESC LIMIT 1",
			     &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, from);
	dm_stmt_bind_text(s, 2, to);
	dm_stmt_bind_text(s, 3, source);
	dm_stmt_bind_text(s, 4, date);
	rc = dm_stmt_step(s, err);
	if (rc == 1) {
		const char *d = dm_stmt_column_text(s, 0), *rate = dm_stmt_column_text(s, 1);
		const char *src = dm_stmt_column_text(s, 2);
		memset(out, 0, sizeof(*out));
		if (!d || !dm_is_date(d) || !rate) {
			rc = dm_error_set(err, DM_EIO, NULL, "stored %s rate %s->%s has no date or rate", source, from, to);
			goto out;
		}
		memcpy(out->date, d, 11);
		snprintf(out->from, sizeof(out->from), "%s", from);
		snprintf(out->to, sizeof(out->to), "%s", to);
		snprintf(out->source, sizeof(out->source), "%s", src ? src : source);
		if (dm_decimal_parse_rate(rate, &out->rate, err)) {
			dm_error_prefix(err, "stored %s rate %s->%s of %s", source, from, to, d);
			rc = err->code;
			goto out;
		}
		rc = 1;
	}
out:
	dm_stmt_finalize(s);
	return rc;
}

int dm_rates_convert_db(struct dm_db *db, int64_t minor, const char *from, const char *to, const char *date,
			struct dm_conversion *out, struct dm_error *err)
{
	char sources[128], age[32], *end;
	struct dm_rates_lookup lk;
	long days;
	snprintf(sources, sizeof(sources), "%s", dm_db_setting(db, "rates.sources", "manual,cbar,ecb"));
	snprintf(age, sizeof(age), "%s", dm_db_setting(db, "rates.max_age_days", "7"));
	errno = 0;
	days = strtol(age, &end, 10);
	if (!age[0] || *end || errno || days < -1 || days > 100000)
		return dm_error_set(err, DM_EINVAL, "rates.max_age_days",
				    "setting rates.max_age_days '%s' is not a number of days", age);
	lk.find = dm_rates_store_find;
	lk.arg = db;
	lk.sources = sources;
	lk.max_age_days = (int)days;
	return dm_rates_convert(&lk, minor, from, to, date, out, err);
}

struct importer {
	struct dm_db *db;
	const struct dm_actor *who;
	struct dm_rates_import_stats *st;
	struct dm_stmt *q;
	struct dm_error *err;
	char reason[256];
};

static int import_one(const struct dm_rate *r, void *arg)
{
	struct importer *im = arg;
	struct dm_write_opts opts;
	char rate[DM_DECIMAL_BUF], id[64] = "";
	int64_t version = 0;
	json_t *in = NULL;
	int rc, found = 0, same = 0;
	dm_decimal_format(&r->rate, rate, sizeof(rate));
	dm_stmt_reset(im->q);
	dm_stmt_bind_text(im->q, 1, r->date);
	dm_stmt_bind_text(im->q, 2, r->from);
	dm_stmt_bind_text(im->q, 3, r->to);
	dm_stmt_bind_text(im->q, 4, r->source);
	rc = dm_stmt_step(im->q, im->err);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		struct dm_decimal old;
		struct dm_error e;
		const char *oid = dm_stmt_column_text(im->q, 0), *orate = dm_stmt_column_text(im->q, 2);
		found = 1;
		snprintf(id, sizeof(id), "%s", oid ? oid : "");
		version = dm_stmt_column_int(im->q, 1);
		dm_error_init(&e);
		same = orate && dm_decimal_parse(orate, &old, &e) == 0 && dm_decimal_cmp(&old, &r->rate) == 0;
		dm_error_release(&e);
	}
	dm_stmt_reset(im->q);
	/* cppcheck-suppress knownConditionTrueFalse ; found is set when a row came back */
	if (found && same) {
		im->st->nunchanged++;
		return 0;
	}
	memset(&opts, 0, sizeof(opts));
	opts.approve = 1;
	/* cppcheck-suppress knownConditionTrueFalse ; likewise */
	if (found) {
		in = json_pack("{s:s}", "rate", rate);
		if (!in)
			return dm_error_set(im->err, DM_ENOMEM, NULL, "out of memory");
		rc = dm_record_update(im->db, im->who, id, version, in, "rate changed in source file", &opts, NULL,
				      im->err);
		if (!rc)
			im->st->nupdated++;
	} else {
		in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "date", r->date, "from_currency", r->from,
			       "to_currency", r->to, "rate", rate, "source", r->source, "date_of_information", r->date,
			       "change_reason", im->reason);
		if (!in)
			return dm_error_set(im->err, DM_ENOMEM, NULL, "out of memory");
		rc = dm_record_create(im->db, im->who, "exchange_rate", in, &opts, NULL, im->err);
		if (!rc)
			im->st->ncreated++;
	}
	json_decref(in);
	if (rc)
		dm_error_prefix(im->err, "%s rate %s->%s of %s", r->source, r->from, r->to, r->date);
	return rc;
}

int dm_rates_import_file(struct dm_db *db, const struct dm_actor *who, const char *path,
			 struct dm_rates_import_stats *st, struct dm_error *err)
{
	struct dm_rates_import_stats local;
	struct importer im;
	struct dm_store *store = dm_db_store(db);
	int rc;
	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	memset(&im, 0, sizeof(im));
	im.db = db;
	im.who = who;
	im.st = st;
	im.err = err;
	{
		const char *base = strrchr(path, '/');
		snprintf(im.reason, sizeof(im.reason), "imported from the rate file %.200s", base ? base + 1 : path);
	}
	rc = dm_store_begin(store, err);
	if (rc)
		return rc;
	/* exchange_rate_pair_date (lib/db.c) serves this look-up and the conversions' */
	rc = dm_stmt_prepare(store,
				     "SELECT id, version, rate FROM exchange_rate WHERE date=? AND from_currency=? "
				     "AND to_currency=? AND source=? AND deleted=0",
				     &im.q, err);
	if (!rc)
		rc = dm_rates_read_file_info(path, import_one, &im, &st->info, err);
	if (im.q)
		dm_stmt_finalize(im.q);
	if (!rc && err->code)
		rc = err->code;
	if (rc) {
		dm_store_rollback(store);
		st->ncreated = st->nupdated = st->nunchanged = 0;
		return rc;
	}
	return dm_store_commit(store, err);
}
