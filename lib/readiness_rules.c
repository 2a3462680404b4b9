/* readiness_rules.c: settlement readiness for return (issue 17): the rules, the figures of one
 * settlement and the hook rows that keep them current. A settlement's figures and status
 * come from the proximity module (hazards not closed inside it and within the buffer, releases
 * and accidents around it) and from the hazards its access routes cross; the rules are
 * settings a national authority sets. Hooks keep them current in the approving transaction of
 * the hazard, release (through its hazard's system version) or route that changes them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/readiness.h"
#include "proximity.h"
#include "readiness_rules.h"
#include "record_impl.h"

/* ---- the rules ---- */

enum rule_kind { RULE_METRES, RULE_AREA, RULE_CATEGORIES, RULE_YESNO };
static const struct rule {
	const char *name, *def;
	enum rule_kind kind;
	const char *help;
} rule_table[] = {
	{ "readiness.buffer_m", "500", RULE_METRES, "metres around the settlement in which hazards count (0 to 5000)" },
	{ "readiness.categories", "cha,sha", RULE_CATEGORIES, "hazard categories that count (cha, sha or both)" },
	{ "readiness.cleared_max_m2", "0", RULE_AREA,
	  "cleared for return at or below this hazardous area (m²) within the buffer, with no route crossing a hazard" },
	{ "readiness.blocked_inside_m2", "0", RULE_AREA, "blocked above this hazardous area (m²) inside the built-up polygon" },
	{ "readiness.untouched_blocks", "yes", RULE_YESNO,
	  "yes: a hazard near it that no one works on (land status open) blocks it; no: it is in progress" },
};
#define NRULES (sizeof(rule_table) / sizeof(rule_table[0]))

static const struct rule *rule_named(const char *name)
{
	for (size_t i = 0; i < NRULES; i++)
		if (!strcmp(rule_table[i].name, name))
			return &rule_table[i];
	return NULL;
}

/* Parses v for rule r into *num or the category flags; DM_EINVAL naming the setting. */
static int parse_rule(const struct rule *r, const char *v, double *num, int *cha, int *sha, struct dm_error *err)
{
	char *end = NULL;
	switch (r->kind) {
	case RULE_METRES:
	case RULE_AREA:
		*num = strtod(v, &end);
		if (end == v || *end || !isfinite(*num) || *num < 0 || (r->kind == RULE_METRES && *num > 5000))
			return dm_error_set(err, DM_EINVAL, r->name, "setting %s: '%.40s' is not %s", r->name, v,
					    r->kind == RULE_METRES ? "a distance from 0 to 5000 m" : "an area of 0 m² or more");
		return 0;
	case RULE_YESNO:
		if (strcmp(v, "yes") && strcmp(v, "no"))
			return dm_error_set(err, DM_EINVAL, r->name, "setting %s: '%.40s' is not yes or no", r->name, v);
		*num = !strcmp(v, "yes");
		return 0;
	case RULE_CATEGORIES: {
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", v);
		*cha = *sha = 0;
		for (char *p = buf, *next; p && *p; p = next) {
			next = strchr(p, ',');
			if (next)
				*next++ = 0;
			if (!strcmp(p, "cha"))
				*cha = 1;
			else if (!strcmp(p, "sha"))
				*sha = 1;
			else
				return dm_error_set(err, DM_EINVAL, r->name, "setting %s: '%.40s' is not a hazard category"
						    " (cha, sha)", r->name, p);
		}
		if (!*cha && !*sha)
			return dm_error_set(err, DM_EINVAL, r->name, "setting %s: names no category (cha, sha)", r->name);
		return 0;
	}
	}
	return DM_EINVAL;
}

int dm_readiness_read_rules(struct dm_db *db, struct dm_readiness_rules *out, struct dm_error *err)
{
	double *slots[] = { &out->buffer_m, NULL, &out->cleared_max_m2, &out->blocked_inside_m2, NULL };
	int rc = 0;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; !rc && i < NRULES; i++) {
		char v[64];
		double num = 0;
		snprintf(v, sizeof(v), "%s", dm_db_setting(db, rule_table[i].name, rule_table[i].def));
		rc = parse_rule(&rule_table[i], v, &num, &out->cha, &out->sha, err);
		if (slots[i])
			*slots[i] = num;
		else if (rule_table[i].kind == RULE_YESNO)
			out->untouched_blocks = num != 0;
	}
	return rc;
}

int dm_readiness_settings(struct dm_db *db, json_t **out, struct dm_error *err)
{
	json_t *o = json_object();
	int rc = o ? 0 : DM_ENOMEM;
	for (size_t i = 0; !rc && i < NRULES; i++)
		if (json_object_set_new(o, rule_table[i].name,
					json_pack("{s:s,s:s,s:s}", "value", dm_db_setting(db, rule_table[i].name,
											    rule_table[i].def),
						  "default", rule_table[i].def, "help", rule_table[i].help)))
			rc = DM_ENOMEM;
	if (rc) {
		json_decref(o);
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	*out = o;
	return 0;
}

int dm_readiness_set(struct dm_db *db, const char *name, const char *value, struct dm_error *err)
{
	const struct rule *r = rule_named(name);
	double num;
	int cha, sha;
	if (!r) {
		struct dm_buf b;
		int rc;
		dm_buf_init(&b, 1024);
		for (size_t i = 0; i < NRULES; i++)
			dm_buf_addf(&b, "%s%s", i ? ", " : "", rule_table[i].name);
		rc = dm_error_set(err, DM_EINVAL, "name", "unknown readiness setting '%.60s' (known: %s)", name,
				  b.s ? b.s : "");
		dm_buf_release(&b);
		return rc;
	}
	if (parse_rule(r, value, &num, &cha, &sha, err))
		return DM_EINVAL;
	return dm_db_set_setting(db, name, value, err);
}

/* ---- one settlement ---- */


void dm_readiness_figures_free(struct dm_readiness_figures *f)
{
	dm_prox_release(&f->prox);
	for (size_t i = 0; i < f->nroutes; i++) {
		json_decref(f->routes[i].crossed);
		dm_geom_release(&f->routes[i].geom);
	}
	free(f->routes);
	json_decref(f->reasons);
}

/* Drops the hazards of categories the rules leave out. */
static void keep_categories(struct dm_prox *p, const struct dm_readiness_rules *ru)
{
	size_t k = 0;
	p->open_within_m2 = p->open_inside_m2 = 0;
	for (size_t i = 0; i < p->n; i++) {
		const char *c = p->hz[i].category;
		if ((!strcmp(c, "cha") && ru->cha) || (!strcmp(c, "sha") && ru->sha)) {
			p->hz[k++] = p->hz[i];
			p->open_within_m2 += p->hz[i].within_m2;
			p->open_inside_m2 += p->hz[i].inside_m2;
		}
	}
	p->n = k;
}

static int count_accidents(struct dm_db *db, const struct dm_geom *g, double buffer_m, size_t *n,
			   struct dm_error *err)
{
	struct dm_prox_count pc;
	int rc = dm_prox_count(db, "accident", g, buffer_m, &pc, err);
	*n = rc ? 0 : pc.n;
	return rc;
}

/* The approved, not deleted routes serving settlement id, each measured against the hazards. */
static int routes_of(struct dm_db *db, const char *settlement_id, const struct dm_readiness_rules *ru, struct dm_readiness_figures *f,
		     struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	size_t cap = 0;
	int rc = dm_stmt_prepare(db->st, "SELECT h.code, h.name, h.geom, h.minx, h.miny, h.maxx, h.maxy FROM"
				 " access_route c JOIN access_route_history h ON h.id = c.id AND h.version ="
				 " c.approved_version WHERE c.id IN (SELECT from_id FROM record_link WHERE to_id = ? AND"
				 " field = 'settlements') AND h.deleted = 0 AND h.geom IS NOT NULL ORDER BY h.code",
				 &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, settlement_id);
	while ((rc = dm_stmt_step(s, err)) == 1) {
		size_t len;
		const void *wkb = dm_stmt_column_blob(s, 2, &len);
		struct dm_readiness_route *h;
		if (!wkb || !len)
			continue;
		if (f->nroutes == cap && DM_GROW(f->routes, f->nroutes + 1, cap)) {
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			break;
		}
		h = &f->routes[f->nroutes];
		memset(h, 0, sizeof(*h));
		if (!(h->geom.wkb = malloc(len))) {
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			break;
		}
		memcpy(h->geom.wkb, wkb, len);
		h->geom.wkb_len = len;
		h->geom.minx = dm_stmt_column_real(s, 3);
		h->geom.miny = dm_stmt_column_real(s, 4);
		h->geom.maxx = dm_stmt_column_real(s, 5);
		h->geom.maxy = dm_stmt_column_real(s, 6);
		snprintf(h->code, sizeof(h->code), "%s", dm_stmt_column_text(s, 0) ? dm_stmt_column_text(s, 0) : "");
		snprintf(h->name, sizeof(h->name), "%s", dm_stmt_column_text(s, 1) ? dm_stmt_column_text(s, 1) : "");
		f->nroutes++;
	}
	dm_stmt_finalize(s);
	rc = rc < 0 ? rc : 0;
	for (size_t i = 0; !rc && i < f->nroutes; i++) {
		struct dm_prox p;
		rc = dm_prox_near(db, &f->routes[i].geom, 0, 0, &p, err);
		if (!rc) {
			keep_categories(&p, ru);
			if (!(f->routes[i].crossed = json_array()))
				rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			for (size_t k = 0; !rc && k < p.n; k++)
				if (json_array_append_new(f->routes[i].crossed, json_string(p.hz[k].code)))
					rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
				else
					f->routes_untouched |= !strcmp(p.hz[k].land_status, "open");
			f->routes_blocked += p.n > 0;
		}
		dm_prox_release(&p);
	}
	return rc;
}

/* "route R-12 (RTE-00003) crosses HAZ-FZL-00012, HAZ-FZL-00040" */
static int route_reasons(const struct dm_readiness_figures *f, json_t *reasons)
{
	for (size_t i = 0; i < f->nroutes; i++) {
		const struct dm_readiness_route *h = &f->routes[i];
		struct dm_buf b;
		size_t k;
		json_t *c;
		int rc;
		if (!json_array_size(h->crossed))
			continue;
		dm_buf_init(&b, 4096);
		dm_buf_addf(&b, "route %s (%s) crosses", h->name, h->code);
		json_array_foreach(h->crossed, k, c)
			dm_buf_addf(&b, "%s %s", k ? "," : "", json_string_value(c));
		rc = b.overflow || !b.s || json_array_append_new(reasons, json_string(b.s));
		dm_buf_release(&b);
		if (rc)
			return DM_ENOMEM;
	}
	return 0;
}

/* The status by the rules, and the sentence that says why when nothing is near. */
static const char *decide(const struct dm_readiness_figures *f, const struct dm_readiness_rules *ru)
{
	int untouched = 0;
	for (size_t i = 0; i < f->prox.n; i++)
		untouched |= !strcmp(f->prox.hz[i].land_status, "open");
	if (f->prox.open_within_m2 <= ru->cleared_max_m2 && !f->routes_blocked)
		return "cleared_for_return";
	if (f->prox.open_inside_m2 > ru->blocked_inside_m2 || ((untouched || f->routes_untouched) && ru->untouched_blocks))
		return "blocked";
	return "in_progress";
}

int dm_readiness_compute(struct dm_db *db, const struct dm_record *s, const struct dm_readiness_rules *ru, struct dm_readiness_figures *f,
		   struct dm_error *err)
{
	int rc;
	memset(f, 0, sizeof(*f));
	if (!(f->reasons = json_array()))
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (!s->geom.wkb)
		return dm_error_set(err, DM_EINVAL, "geometry", "settlement %s has no geometry: readiness needs its point"
				    " or built-up polygon", s->code ? s->code : s->id);
	rc = dm_prox_near(db, &s->geom, ru->buffer_m, 1, &f->prox, err);
	if (!rc) {
		keep_categories(&f->prox, ru);
		rc = count_accidents(db, &s->geom, ru->buffer_m, &f->accidents, err);
	}
	if (!rc)
		rc = routes_of(db, s->id, ru, f, err);
	if (!rc && (dm_prox_reasons(&f->prox, ru->buffer_m, f->reasons) || route_reasons(f, f->reasons)))
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (rc)
		return rc;
	f->status = decide(f, ru);
	if (!json_array_size(f->reasons)) {
		char msg[120];
		snprintf(msg, sizeof(msg), "no hazard within %.0f m and no route crossing one", ru->buffer_m);
		if (json_array_append_new(f->reasons, json_string(msg)))
			return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

/* 1 when the value changed, 0 when not, -1 when out of memory. */
static int set_field(json_t *fields, const char *name, json_t *v)
{
	json_t *old = json_object_get(fields, name);
	if (!v)
		return -1;
	if (old && (json_equal(old, v) ||
		    (json_is_number(old) && json_is_number(v) && fabs(json_number_value(old) - json_number_value(v)) < 0.005))) {
		json_decref(v);
		return 0;
	}
	return json_object_set_new(fields, name, v) ? -1 : 1;
}

/* Writes f into s's fields: 0 nothing changed, 1 a figure did, 2 the status did; -1 no memory. */
static int apply(struct dm_record *s, const struct dm_readiness_figures *f)
{
	const char *old = json_string_value(json_object_get(s->fields, "readiness_status"));
	int moved = !old || strcmp(old, f->status), diff = 0, c;
	struct { const char *name; json_t *v; } set[] = {
		{ "readiness_status", json_string(f->status) },
		{ "readiness_reasons", json_deep_copy(f->reasons) },
		{ "open_hazards", json_integer((json_int_t)f->prox.n) },
		{ "hazard_inside_m2", json_real(round(f->prox.open_inside_m2 * 100) / 100) },
		{ "hazard_within_m2", json_real(round(f->prox.open_within_m2 * 100) / 100) },
		{ "routes_blocked", json_integer((json_int_t)f->routes_blocked) },
		{ "released_within_m2", json_real(round(f->prox.released_within_m2 * 100) / 100) },
		{ "accidents_within", json_integer((json_int_t)f->accidents) },
	};
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		if (diff < 0) {
			json_decref(set[i].v);
			continue;
		}
		if ((c = set_field(s->fields, set[i].name, set[i].v)) < 0)
			diff = -1;
		else
			diff |= c;
	}
	return diff < 0 ? -1 : diff && moved ? 2 : diff;
}

/* Computes and writes the figures into s (its own version): *changed as apply() returns. */
int dm_readiness_refresh(struct dm_db *db, struct dm_record *s, int *changed, struct dm_error *err)
{
	struct dm_readiness_rules ru;
	struct dm_readiness_figures f;
	int rc = dm_readiness_read_rules(db, &ru, err);
	*changed = 0;
	if (rc)
		return rc;
	rc = dm_readiness_compute(db, s, &ru, &f, err);
	if (!rc && (*changed = apply(s, &f)) < 0)
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	dm_readiness_figures_free(&f);
	return rc;
}

/* ---- hooks ---- */
int dm_readiness_located_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err)
{
	(void)c;
	if (r->location || !r->geom.wkb)
		return 0;
	dm_error_add(err, "geometry", "the settlement at (%.6f %.6f) lies outside every administrative area of this"
		     " database: give its location (an admin area) or check the coordinates (longitude first)",
		     (r->geom.minx + r->geom.maxx) / 2, (r->geom.miny + r->geom.maxy) / 2);
	return dm_error_set(err, DM_EINVAL, "geometry", "settlement record refused: geometry: outside every"
			    " administrative area");
}

int dm_readiness_settlement_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err)
{
	int changed;
	if (r->deleted || !r->geom.wkb)
		return 0;
	return dm_readiness_refresh(c->db, r, &changed, err);
}

/* The approved, not deleted version of a record, or NULL. */
int dm_readiness_load_approved(struct dm_db *db, const char *type, const char *id, struct dm_record **out,
			 struct dm_error *err)
{
	const struct dm_type *t = dm_schema_type(db->schema, type);
	struct dm_record *cur = NULL;
	int rc = dm_rec_load(db, t, id, 0, &cur, err);
	*out = NULL;
	if (rc || !cur->approved_version) {
		dm_record_free(cur);
		return rc == DM_ENOTFOUND ? 0 : rc;
	}
	if (cur->version != cur->approved_version) {
		struct dm_record *ap = NULL;
		rc = dm_rec_load(db, t, id, cur->approved_version, &ap, err);
		dm_record_free(cur);
		cur = ap;
	}
	if (!rc && cur && cur->deleted) {
		dm_record_free(cur);
		cur = NULL;
	}
	*out = cur;
	return rc;
}

/* "readiness: cleared for return (LR-AGD-00003 approved: HAZ-AGD-00001 closed)" */
static void reason_for(struct dm_hook_ctx *c, const struct dm_record *s, const struct dm_record *cause, char *why,
		       size_t n)
{
	const char *status = json_string_value(json_object_get(s->fields, "readiness_status"));
	char first[48] = "";
	if (c->depth > 0 && c->chain[0] && strcmp(c->chain[0], cause->id)) {
		struct dm_stmt *st = NULL;
		struct dm_error e;
		dm_error_init(&e);
		if (!dm_stmt_prepare(c->db->st, "SELECT code FROM record_index WHERE id = ?", &st, &e)) {
			dm_stmt_bind_text(st, 1, c->chain[0]);
			if (dm_stmt_step(st, &e) == 1 && dm_stmt_column_text(st, 0))
				snprintf(first, sizeof(first), "%s", dm_stmt_column_text(st, 0));
		}
		dm_stmt_finalize(st);
		dm_error_release(&e);
	}
	snprintf(why, n, "readiness: %s (%s%s%s %s)",
		 !status ? "?" : !strcmp(status, "cleared_for_return") ? "cleared for return"
		 : !strcmp(status, "in_progress") ? "in progress" : status,
		 first, first[0] ? " approved: " : "", cause->code ? cause->code : cause->id,
		 !strcmp(cause->type->name, "hazard")
			 ? (json_string_value(json_object_get(cause->fields, "land_status")) &&
			    !strcmp(json_string_value(json_object_get(cause->fields, "land_status")), "closed")
				    ? "closed" : "changed")
			 : "changed");
}

/* Recomputes settlement id and writes a system version when anything changed. */
static int recompute_settlement(struct dm_hook_ctx *c, const char *id, const struct dm_record *cause,
				struct dm_error *err)
{
	struct dm_record *s = NULL;
	char why[300];
	int changed = 0, rc = dm_readiness_load_approved(c->db, "settlement", id, &s, err);
	if (rc || !s)
		return rc;
	rc = dm_readiness_refresh(c->db, s, &changed, err);
	if (!rc && changed) {
		reason_for(c, s, cause, why, sizeof(why));
		rc = c->write_system(c, s, why, err);
	}
	dm_record_free(s);
	return rc;
}

/* Ids from a one-column query with the given binds (text id, then reals), appended to ids. */
int dm_readiness_collect_ids(struct dm_db *db, const char *sql, const char *text, const double *reals, int nreals,
		       json_t *ids, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(db->st, sql, &s, err), k = 1;
	if (rc)
		return rc;
	if (text)
		dm_stmt_bind_text(s, k++, text);
	for (int i = 0; i < nreals; i++)
		dm_stmt_bind_real(s, k++, reals[i]);
	while ((rc = dm_stmt_step(s, err)) == 1) {
		const char *id = dm_stmt_column_text(s, 0);
		size_t i;
		json_t *v;
		int seen = 0;
		json_array_foreach(ids, i, v)
			seen |= !strcmp(json_string_value(v), id);
		if (!seen && json_array_append_new(ids, json_string(id))) {
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			break;
		}
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

/* Ids of type whose boxes meet bbox (the box index, then the approved version's own box). */
static int ids_in_box(struct dm_db *db, const char *type, const double bbox[4], json_t *ids, struct dm_error *err)
{
	struct dm_buf b;
	double binds[8];
	int rc;
	dm_buf_init(&b, 4096);
	dm_buf_addf(&b, "SELECT h.id FROM \"%s\" c JOIN \"%s_history\" h ON h.id = c.id AND h.version ="
		    " c.approved_version WHERE c.id IN (", type, type);
	dm_store_box_index_ids(db->st, &b, type);
	dm_buf_addf(&b, " UNION SELECT id FROM \"%s\" WHERE status IN ('draft', 'submitted', 'rejected') AND"
		    " approved_version > 0) AND h.deleted = 0 AND h.maxx >= ? AND h.maxy >= ? AND h.minx <= ? AND"
		    " h.miny <= ?", type);
	for (int i = 0; i < 8; i++)
		binds[i] = bbox[i % 4];
	rc = b.overflow ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory")
			: dm_readiness_collect_ids(db, b.s, NULL, binds, 8, ids, err);
	dm_buf_release(&b);
	return rc;
}

/* The box of g grown by m metres (generously: the exact test follows). */
static void grow_box(const struct dm_geom *g, double m, double out[4])
{
	double lat = fmax(fabs(g->miny), fabs(g->maxy)), dlat = (m * 1.01 + 10) / 110000.0;
	double dlon = dlat / fmax(cos(lat * M_PI / 180), 0.01);
	out[0] = g->minx - dlon;
	out[1] = g->miny - dlat;
	out[2] = g->maxx + dlon;
	out[3] = g->maxy + dlat;
}

int dm_readiness_refresh_route(struct dm_hook_ctx *c, const char *id, struct dm_error *err);

/* The box of the approved version before h's, if any: 1 and box filled, 0 when none. */
static int previous_box(struct dm_db *db, const struct dm_record *h, double box[4], struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(db->st, "SELECT minx, miny, maxx, maxy FROM hazard_history WHERE id = ? AND version < ?"
				 " AND status = 'approved' AND geom IS NOT NULL ORDER BY version DESC LIMIT 1", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, h->id);
	dm_stmt_bind_int(s, 2, h->version);
	rc = dm_stmt_step(s, err);
	if (rc == 1)
		for (int i = 0; i < 4; i++)
			box[i] = dm_stmt_column_real(s, i);
	dm_stmt_finalize(s);
	return rc;
}

/* AFTER_WRITE of a hazard: an approved version (a closure by its release included) changes
 * the routes that cross it and the settlements near it. */
int dm_readiness_hazard_hook(struct dm_hook_ctx *c, struct dm_record *h, struct dm_error *err)
{
	struct dm_readiness_rules ru;
	double box[4];
	json_t *routes = NULL, *near = NULL;
	size_t i;
	json_t *v;
	int rc;
	if (strcmp(h->status, "approved") || !h->geom.wkb)
		return 0;
	if ((rc = dm_readiness_read_rules(c->db, &ru, err)))
		return rc;
	routes = json_array();
	near = json_array();
	if (!routes || !near) {
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		goto out;
	}
	grow_box(&h->geom, 0, box);
	rc = ids_in_box(c->db, "access_route", box, routes, err);
	/* routes first: their own after-write rows update their settlements, which then are
	 * already current when they come up again below */
	json_array_foreach(routes, i, v)
		if (!rc)
			rc = dm_readiness_refresh_route(c, json_string_value(v), err);
	grow_box(&h->geom, ru.buffer_m, box);
	if (!rc)
		rc = ids_in_box(c->db, "settlement", box, near, err);
	/* a hazard moved by this version leaves the settlements near where it was */
	if (!rc && (rc = previous_box(c->db, h, box, err)) == 1) {
		struct dm_geom was = { NULL, 0, box[0], box[1], box[2], box[3] };
		grow_box(&was, ru.buffer_m, box);
		rc = ids_in_box(c->db, "settlement", box, near, err);
	}
	json_array_foreach(near, i, v)
		if (!rc)
			rc = recompute_settlement(c, json_string_value(v), h, err);
out:
	json_decref(routes);
	json_decref(near);
	return rc;
}

static int route_crossings(struct dm_db *db, const struct dm_record *r, size_t *n, struct dm_error *err)
{
	struct dm_readiness_rules ru;
	struct dm_prox p;
	int rc = dm_readiness_read_rules(db, &ru, err);
	*n = 0;
	if (rc || !r->geom.wkb)
		return rc;
	rc = dm_prox_near(db, &r->geom, 0, 0, &p, err);
	if (!rc) {
		keep_categories(&p, &ru);
		*n = p.n;
	}
	dm_prox_release(&p);
	return rc;
}

/* BEFORE_STORE of a route: how many hazards not closed it crosses. */
int dm_readiness_route_figures_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err)
{
	size_t n;
	int rc;
	if (r->deleted)
		return 0;
	rc = route_crossings(c->db, r, &n, err);
	if (!rc && set_field(r->fields, "hazards_crossed", json_integer((json_int_t)n)) < 0)
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	return rc;
}

/* A route's count of hazards crossed, as a system version when it changed (its after-write
 * row then updates its settlements). */
int dm_readiness_refresh_route(struct dm_hook_ctx *c, const char *id, struct dm_error *err)
{
	struct dm_record *r = NULL;
	size_t n;
	int rc = dm_readiness_load_approved(c->db, "access_route", id, &r, err), ch = 0;
	if (!rc && r)
		rc = route_crossings(c->db, r, &n, err);
	if (!rc && r && (ch = set_field(r->fields, "hazards_crossed", json_integer((json_int_t)n))) < 0)
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (!rc && r && ch)
		rc = c->write_system(c, r, "readiness: hazards crossed recomputed", err);
	dm_record_free(r);
	return rc;
}

/* AFTER_WRITE of a route: an approved version (or deletion) changes its settlements'
 * readiness. */
int dm_readiness_route_hook(struct dm_hook_ctx *c, struct dm_record *r, struct dm_error *err)
{
	json_t *ss = json_object_get(r->fields, "settlements"), *v;
	size_t i;
	int rc = 0;
	if (strcmp(r->status, "approved"))
		return 0;
	json_array_foreach(ss, i, v)
		if (!rc && json_is_string(v))
			rc = recompute_settlement(c, json_string_value(v), r, err);
	return rc;
}

