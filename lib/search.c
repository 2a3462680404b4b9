/* search.c: record codes by prefix (one indexed range query per record type the code could
 * belong to) and place names in every spelling (folded and matched in C). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "demine/fold.h"
#include "demine/search.h"
#include "demine/util.h"

enum { EXACT = 0, PREFIX = 1, WORD = 2, NONE = 9 };

/* A hit with what it sorts by. */
struct hit {
	int score, kind_rank, level;
	char *label, *code;
	json_t *item;
};

struct hits {
	struct hit *v;
	size_t n, cap;
};

static int add_hit(struct hits *h, int score, int kind_rank, int level, json_t *item, struct dm_error *err)
{
	struct hit *x;
	if (DM_GROW(h->v, h->n + 1, h->cap)) {
		json_decref(item);
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	x = &h->v[h->n++];
	x->score = score;
	x->kind_rank = kind_rank;
	x->level = level;
	x->item = item;
	/* places sort by name, records by code */
	x->label = kind_rank ? NULL : (char *)json_string_value(json_object_get(item, "label"));
	x->code = (char *)json_string_value(json_object_get(item, "code"));
	return 0;
}

static int cmp_hit(const void *pa, const void *pb)
{
	const struct hit *a = pa, *b = pb;
	int r;
	if (a->score != b->score)
		return a->score - b->score;
	if (a->kind_rank != b->kind_rank)
		return a->kind_rank - b->kind_rank;
	if (a->level != b->level)
		return a->level - b->level;
	if ((r = strcmp(a->label ? a->label : "", b->label ? b->label : "")))
		return r;
	return strcmp(a->code ? a->code : "", b->code ? b->code : "");
}

static json_t *col_or_null(struct dm_stmt *s, int i)
{
	const char *v = dm_stmt_column_text(s, i);
	return v ? json_string(v) : json_null();
}

/* [w, s, e, n] from 4 columns starting at i, or null. */
static json_t *bbox_of(struct dm_stmt *s, int i)
{
	if (dm_stmt_column_type(s, i) == DM_COL_NULL)
		return json_null();
	return json_pack("[f, f, f, f]", dm_stmt_column_real(s, i), dm_stmt_column_real(s, i + 1),
			 dm_stmt_column_real(s, i + 2), dm_stmt_column_real(s, i + 3));
}

/* ---- codes ---- */

/* The field whose value labels a record of t ("name", "title", "name_en"), never personal. */
static const char *label_field(const struct dm_type *t)
{
	static const char *const names[] = { "name_en", "name", "title", NULL };
	size_t i;
	for (i = 0; names[i]; i++) {
		const struct dm_field *f = dm_type_field(t, names[i]);
		if (f && f->type == DM_F_TEXT && !(f->flags & DM_FF_PERSONAL))
			return names[i];
	}
	return NULL;
}

/* Can a code starting with q belong to t? Codes are PREFIX-...: q is a prefix of "PREFIX-",
 * or starts with it. */
static int code_may_match(const struct dm_type *t, const char *q)
{
	size_t np = strlen(t->code_prefix), nq = strlen(q);
	if (nq <= np)
		return !strncmp(t->code_prefix, q, nq);
	return !strncmp(t->code_prefix, q, np) && q[np] == '-';
}

static int search_type_codes(struct dm_db *db, const struct dm_actor *who, const struct dm_type *t, const char *q,
			     int limit, struct hits *h, struct dm_error *err)
{
	struct dm_store *st = dm_db_store(db);
	const char *lf = label_field(t), *coll = dm_store_collate_binary(st);
	int loc = !strcmp(t->name, "location"), geo = t->geom != DM_GEOM_NONE, bind_org, rc, p = 1;
	struct dm_buf b;
	struct dm_stmt *s = NULL;
	char hi[DM_SEARCH_MAX_QUERY + 1];
	size_t n = strlen(q);
	/* the codes from q up to (not including) q with its last byte raised: q's prefix range */
	memcpy(hi, q, n + 1);
	hi[n - 1]++;
	dm_buf_init(&b, 0);
	dm_buf_addf(&b, "SELECT c.id, r.code, %s%s%s, %s, %s, %s, %s FROM \"%s\" c JOIN \"%s_history\" r ON r.id = c.id"
			" AND r.version = ",
		    lf ? "r.\"" : "NULL", lf ? lf : "", lf ? "\"" : "", loc ? "r.name_en, r.name_az, r.name_ru" : "NULL, NULL, NULL",
		    geo ? "r.minx, r.miny" : "NULL, NULL", geo ? "r.maxx, r.maxy" : "NULL, NULL",
		    "r.deleted", t->name, t->name);
	dm_buf_add(&b, dm_auth_version_sql(who, 0, &bind_org));
	dm_buf_addf(&b, " WHERE c.code%s >= ? AND c.code%s < ? AND r.deleted = 0 ORDER BY c.code%s LIMIT %d", coll, coll, coll, limit);
	rc = b.overflow ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory") : dm_stmt_prepare(st, b.s, &s, err);
	dm_buf_release(&b);
	if (rc)
		return rc;
	if (bind_org)
		dm_stmt_bind_text(s, p++, who->org_id);
	dm_stmt_bind_text(s, p++, q);
	dm_stmt_bind_text(s, p, hi);
	while ((rc = dm_stmt_step(s, err)) == 1) {
		const char *code = dm_stmt_column_text(s, 1), *label = dm_stmt_column_text(s, 2);
		json_t *item = json_pack("{s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o}", "kind", "record", "type", t->name, "id",
				 col_or_null(s, 0), "code", col_or_null(s, 1), "label", label && *label ? label : t->label_en,
				 "names", loc ? json_pack("{s:o, s:o, s:o}", "en", col_or_null(s, 3), "az", col_or_null(s, 4),
							  "ru", col_or_null(s, 5))
					      : json_null(),
				 "bbox", geo ? bbox_of(s, 6) : json_null(), "match", col_or_null(s, 1));
		if ((rc = add_hit(h, code && !strcmp(code, q) ? EXACT : PREFIX, 1, 0, item, err)))
			break;
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Codes are upper-case ASCII: a query of printable ASCII, upper-cased, is searched. */
static int search_codes(struct dm_db *db, const struct dm_actor *who, const char *q, int limit, struct hits *h,
			struct dm_error *err)
{
	const struct dm_schema *sc = dm_db_schema(db);
	char up[DM_SEARCH_MAX_QUERY + 1];
	size_t i, n = strlen(q);
	struct dm_error e;
	int rc = 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)q[i];
		if (ch <= 0x20 || ch >= 0x7e)
			return 0;
		up[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
	}
	up[n] = 0;
	for (i = 0; !rc && i < sc->ntypes; i++) {
		const struct dm_type *t = &sc->types[i];
		if (!t->code_prefix || !code_may_match(t, up))
			continue;
		dm_error_init(&e);
		if (dm_auth_check_read_type(who, t->name, &e)) {
			dm_error_release(&e);
			continue; /* types who may not read are not searched */
		}
		dm_error_release(&e);
		rc = search_type_codes(db, who, t, up, limit, h, err);
	}
	return rc;
}

/* ---- places ---- */

/* How well the folded name matches the folded query. */
static int name_score(const char *name, const char *q)
{
	size_t nq = strlen(q);
	const char *p;
	if (!strcmp(name, q))
		return EXACT;
	if (!strncmp(name, q, nq))
		return PREFIX;
	for (p = name + 1; *p; p++)
		if (strchr(" -(/,.'\"", p[-1]) && !strncmp(p, q, nq))
			return WORD;
	return NONE;
}

/* Scores one spelling; keeps the best in *best and its original text in *match. */
static void try_name(const char *name, const char *q, int *best, const char **match, struct dm_error *err)
{
	char *f;
	int sc;
	if (!name || !*name)
		return;
	if (!(f = dm_fold(name))) {
		dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		return;
	}
	sc = name_score(f, q);
	free(f);
	if (sc < *best) {
		*best = sc;
		*match = name;
	}
}

static int level_of(const char *kind)
{
	static const char *const levels[] = { "adm1", "adm2", "adm3", "settlement", NULL };
	int i;
	for (i = 0; kind && levels[i]; i++)
		if (!strcmp(levels[i], kind))
			return i;
	return i;
}

static int place_row(struct dm_stmt *s, const char *q, struct hits *h, struct dm_error *err)
{
	int best = NONE, i;
	const char *match = NULL, *alt = dm_stmt_column_text(s, 6);
	char *alts, *a, *save = NULL;
	json_t *item;
	for (i = 3; i <= 5; i++)
		try_name(dm_stmt_column_text(s, i), q, &best, &match, err);
	alts = alt ? strdup(alt) : NULL;
	for (a = alts ? strtok_r(alts, ";", &save) : NULL; a; a = strtok_r(NULL, ";", &save)) {
		while (*a == ' ')
			a++;
		try_name(a, q, &best, &match, err);
	}
	if (best == NONE || err->code) {
		free(alts);
		return err->code;
	}
	item = json_pack("{s:s, s:s, s:o, s:o, s:o, s:{s:o, s:o, s:o}, s:o, s:s}", "kind", "place", "type", "location",
			 "id", col_or_null(s, 0), "code", col_or_null(s, 1), "label", col_or_null(s, 3), "names", "en",
			 col_or_null(s, 3), "az", col_or_null(s, 4), "ru", col_or_null(s, 5), "bbox", bbox_of(s, 7),
			 "match", match);
	free(alts);
	return add_hit(h, best, 0, level_of(dm_stmt_column_text(s, 2)), item, err);
}

static int search_places(struct dm_db *db, const struct dm_actor *who, const char *folded, struct hits *h,
			 struct dm_error *err)
{
	struct dm_buf b;
	struct dm_stmt *s = NULL;
	int bind_org, rc;
	dm_buf_init(&b, 0);
	dm_buf_add(&b, "SELECT c.id, r.code, r.kind, r.name_en, r.name_az, r.name_ru, r.alt_names, r.minx, r.miny,"
		       " r.maxx, r.maxy FROM location c JOIN location_history r ON r.id = c.id AND r.version = ");
	dm_buf_add(&b, dm_auth_version_sql(who, 0, &bind_org));
	dm_buf_add(&b, " WHERE r.deleted = 0");
	rc = b.overflow ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory") : dm_stmt_prepare(dm_db_store(db), b.s, &s, err);
	dm_buf_release(&b);
	if (rc)
		return rc;
	if (bind_org)
		dm_stmt_bind_text(s, 1, who->org_id);
	while ((rc = dm_stmt_step(s, err)) == 1)
		if ((rc = place_row(s, folded, h, err)))
			break;
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

/* ---- entry ---- */

static int check_query(const char *q, int limit, struct dm_error *err)
{
	if (!q || !*q)
		return dm_error_set(err, DM_EINVAL, "q", "q: give the text to search for (a record code or a place name)");
	if (strlen(q) > DM_SEARCH_MAX_QUERY)
		return dm_error_set(err, DM_EINVAL, "q", "q: %zu bytes is too long (at most %d)", strlen(q),
				    DM_SEARCH_MAX_QUERY);
	if (!dm_utf8_valid(q))
		return dm_error_set(err, DM_EINVAL, "q", "q: is not valid UTF-8");
	if (limit < 1 || limit > DM_SEARCH_MAX_LIMIT)
		return dm_error_set(err, DM_EINVAL, "limit", "limit: %d is not from 1 to %d", limit, DM_SEARCH_MAX_LIMIT);
	return 0;
}

int dm_search(struct dm_db *db, const struct dm_actor *who, const char *qin, int limit, json_t **out,
	      struct dm_error *err)
{
	struct hits h = { 0 };
	struct dm_error e;
	char q[DM_SEARCH_MAX_QUERY + 1], *folded = NULL;
	size_t i, n;
	int rc;
	*out = NULL;
	if ((rc = check_query(qin, limit, err)))
		return rc;
	/* surrounding spaces are no part of a name or code */
	while (*qin == ' ' || *qin == '\t')
		qin++;
	n = strlen(qin);
	while (n && (qin[n - 1] == ' ' || qin[n - 1] == '\t'))
		n--;
	if (!n)
		return dm_error_set(err, DM_EINVAL, "q", "q: give the text to search for (a record code or a place name)");
	memcpy(q, qin, n);
	q[n] = 0;
	if (!(folded = dm_fold(q)))
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	rc = search_codes(db, who, q, limit, &h, err);
	dm_error_init(&e);
	if (!rc && !dm_auth_check_read_type(who, "location", &e))
		rc = search_places(db, who, folded, &h, err);
	dm_error_release(&e);
	if (!rc) {
		if (h.n)
			qsort(h.v, h.n, sizeof(*h.v), cmp_hit);
		*out = json_array();
		for (i = 0; i < h.n && i < (size_t)limit; i++)
			json_array_append(*out, h.v[i].item);
	}
	for (i = 0; i < h.n; i++)
		json_decref(h.v[i].item);
	free(h.v);
	free(folded);
	return rc;
}
