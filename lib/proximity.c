/* proximity.c: the hazards and releases near a geometry. Candidates come from the store's box
 * index (and the few records whose newest version is a pending proposal, whose box may have
 * moved); each approved version is then measured on the ellipsoid (geo_near.c). A hazard
 * worked on counts by what remains of it: its polygon less its approved releases. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lr_figures.h"
#include "proximity.h"
#include "record_impl.h"

void dm_prox_release(struct dm_prox *p)
{
	free(p->hz);
	memset(p, 0, sizeof(*p));
}

/* One candidate row, held until the statement is finished (other reads follow). */
struct cand {
	char id[37], code[48], category[8], land_status[16];
	double remaining_m2, released_m2;
	struct dm_geom geom;
};
struct cands {
	struct cand *c;
	size_t n, cap;
};

static void cands_free(struct cands *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		dm_geom_release(&cs->c[i].geom);
	free(cs->c);
}

/* The buffer's text, or NULL when anything was lost (the store refuses a NULL statement). */
static const char *buf_text(const struct dm_buf *b)
{
	return b->overflow ? NULL : b->s ? b->s : "";
}

static void copy_text(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* The approved, not deleted versions of type whose boxes meet bbox. */
static int read_candidates(struct dm_db *db, const char *type, const double bbox[4], struct cands *out,
			   struct dm_error *err)
{
	struct dm_buf b;
	struct dm_stmt *s = NULL;
	int rc, is_hazard = !strcmp(type, "hazard"), is_release = !strcmp(type, "land_release");
	dm_buf_init(&b, 8192);
	dm_buf_addf(&b, "SELECT h.id, h.code, h.geom, h.minx, h.miny, h.maxx, h.maxy, %s FROM \"%s\" c JOIN"
		    " \"%s_history\" h ON h.id = c.id AND h.version = c.approved_version WHERE c.id IN (",
		    is_hazard ? "h.category, h.land_status, h.remaining_m2,"
				" COALESCE(h.cancelled_m2, 0) + COALESCE(h.reduced_m2, 0) + COALESCE(h.cleared_m2, 0)"
			      : is_release ? "h.method, NULL, h.area_m2, 0" : "NULL, NULL, 0, 0", type, type);
	dm_store_box_index_ids(db->st, &b, type);
	dm_buf_addf(&b, " UNION SELECT id FROM \"%s\" WHERE status IN ('draft', 'submitted', 'rejected')"
		    " AND approved_version > 0) AND h.deleted = 0 AND h.geom IS NOT NULL AND h.maxx >= ? AND"
		    " h.maxy >= ? AND h.minx <= ? AND h.miny <= ?%s ORDER BY h.code%s", type,
		    is_hazard ? " AND h.land_status <> 'closed'" : "", dm_store_collate_binary(db->st));
	rc = dm_stmt_prepare(db->st, buf_text(&b), &s, err);
	dm_buf_release(&b);
	if (rc)
		return rc;
	for (int k = 0; k < 8; k++) /* the index's four, then the version's own box */
		dm_stmt_bind_real(s, k + 1, bbox[k % 4]);
	while ((rc = dm_stmt_step(s, err)) == 1) {
		struct cand *c;
		size_t len;
		const void *wkb = dm_stmt_column_blob(s, 2, &len);
		if (!wkb || !len)
			continue;
		if (out->n == out->cap && DM_GROW(out->c, out->n + 1, out->cap)) {
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			break;
		}
		c = &out->c[out->n];
		memset(c, 0, sizeof(*c));
		if (!(c->geom.wkb = malloc(len))) {
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			break;
		}
		out->n++;
		memcpy(c->geom.wkb, wkb, len);
		c->geom.wkb_len = len;
		c->geom.minx = dm_stmt_column_real(s, 3);
		c->geom.miny = dm_stmt_column_real(s, 4);
		c->geom.maxx = dm_stmt_column_real(s, 5);
		c->geom.maxy = dm_stmt_column_real(s, 6);
		copy_text(c->id, sizeof(c->id), dm_stmt_column_text(s, 0));
		copy_text(c->code, sizeof(c->code), dm_stmt_column_text(s, 1));
		copy_text(c->category, sizeof(c->category), dm_stmt_column_text(s, 7));
		copy_text(c->land_status, sizeof(c->land_status), dm_stmt_column_text(s, 8));
		c->remaining_m2 = dm_stmt_column_real(s, 9);
		c->released_m2 = dm_stmt_column_real(s, 10);
	}
	dm_stmt_finalize(s);
	return rc < 0 ? rc : 0;
}

/* What is left of a hazard after its approved releases; *out empty when nothing is. */
static int remaining_geometry(struct dm_db *db, const struct cand *c, struct dm_geom *out, struct dm_error *err)
{
	struct dm_lr_releases rl;
	struct dm_lr_result res;
	size_t n = 0;
	int rc = dm_lr_load_releases(db, c->id, &rl, err);
	for (size_t i = 0; !rc && i < rl.n; i++)
		if (rl.geoms[i].wkb) {
			rl.rel[n].geom = &rl.geoms[i];
			rl.rel[n].method = rl.rel[i].method;
			n++;
		}
	memset(&res, 0, sizeof(res));
	if (!rc && n)
		rc = dm_geo_land_release(db->geo, &c->geom, rl.rel, n, DM_LR_REMAINING_GEOMETRY, &res, err);
	if (!rc)
		*out = n ? res.remaining : (struct dm_geom){ 0 };
	if (!rc && !n)
		rc = dm_geom_copy(out, &c->geom) ? dm_error_set(err, DM_ENOMEM, NULL, "out of memory") : 0;
	dm_lr_releases_free(&rl);
	return rc;
}

static int add_hit(struct dm_prox *p, const struct cand *c, const struct dm_geo_near_result *r, int point_only)
{
	struct dm_prox_hazard *h;
	if (p->n == p->cap && DM_GROW(p->hz, p->n + 1, p->cap))
		return DM_ENOMEM;
	h = &p->hz[p->n++];
	memset(h, 0, sizeof(*h));
	memcpy(h->id, c->id, sizeof(h->id));
	memcpy(h->code, c->code, sizeof(h->code));
	memcpy(h->category, c->category, sizeof(h->category));
	memcpy(h->land_status, c->land_status, sizeof(h->land_status));
	h->distance_m = r->distance_m;
	h->remaining_m2 = c->remaining_m2;
	h->point_only = point_only;
	h->inside_m2 = point_only ? (r->touches ? c->remaining_m2 : 0) : r->inside_m2;
	h->within_m2 = point_only ? c->remaining_m2 : r->within_m2;
	p->open_within_m2 += h->within_m2;
	p->open_inside_m2 += h->inside_m2;
	return 0;
}

static int hazards_near(struct dm_db *db, const struct dm_geo_near *nr, struct dm_prox *out, struct dm_error *err)
{
	struct cands cs = { 0 };
	double bbox[4];
	int rc;
	dm_geo_near_bbox(nr, bbox);
	rc = read_candidates(db, "hazard", bbox, &cs, err);
	for (size_t i = 0; !rc && i < cs.n; i++) {
		struct cand *c = &cs.c[i];
		struct dm_geo_near_result r;
		struct dm_geom rem = { 0 };
		int point_only = dm_geo_wkb_type(&c->geom) == 1;
		/* first whether the hazard as surveyed comes near at all, then what remains of it */
		rc = dm_geo_near_test(db->geo, nr, &c->geom, &r, err);
		if (rc || !r.within)
			continue;
		if (!point_only && c->released_m2 > 0) {
			rc = remaining_geometry(db, c, &rem, err);
			if (!rc && rem.wkb)
				rc = dm_geo_near_test(db->geo, nr, &rem, &r, err);
			dm_geom_release(&rem);
			if (rc || !r.within || c->remaining_m2 <= 0)
				continue;
		}
		if (add_hit(out, c, &r, point_only))
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	cands_free(&cs);
	return rc;
}

static int releases_near(struct dm_db *db, const struct dm_geo_near *nr, struct dm_prox *out, struct dm_error *err)
{
	struct cands cs = { 0 };
	double bbox[4];
	int rc;
	dm_geo_near_bbox(nr, bbox);
	rc = read_candidates(db, "land_release", bbox, &cs, err);
	for (size_t i = 0; !rc && i < cs.n; i++) {
		struct dm_geo_near_result r;
		rc = dm_geo_near_test(db->geo, nr, &cs.c[i].geom, &r, err);
		if (!rc && r.within) {
			out->released_within_m2 += r.within_m2;
			out->releases++;
		}
	}
	cands_free(&cs);
	return rc;
}

int dm_prox_count(struct dm_db *db, const char *type, const struct dm_geom *g, double buffer_m,
		  struct dm_prox_count *out, struct dm_error *err)
{
	struct dm_geo_near *nr = NULL;
	struct cands cs = { 0 };
	double bbox[4];
	int rc = dm_geo_near_new(db->geo, g, buffer_m, &nr, err);
	out->n = 0;
	if (!rc) {
		dm_geo_near_bbox(nr, bbox);
		rc = read_candidates(db, type, bbox, &cs, err);
	}
	for (size_t i = 0; !rc && i < cs.n; i++) {
		struct dm_geo_near_result r;
		rc = dm_geo_near_test(db->geo, nr, &cs.c[i].geom, &r, err);
		out->n += !rc && r.within;
	}
	cands_free(&cs);
	dm_geo_near_free(db->geo, nr);
	return rc;
}

static int by_distance(const void *a, const void *b)
{
	const struct dm_prox_hazard *x = a, *y = b;
	return x->distance_m < y->distance_m ? -1 : x->distance_m > y->distance_m ? 1 : strcmp(x->code, y->code);
}

int dm_prox_near(struct dm_db *db, const struct dm_geom *g, double buffer_m, int want_releases,
		 struct dm_prox *out, struct dm_error *err)
{
	struct dm_geo_near *nr = NULL;
	int rc;
	memset(out, 0, sizeof(*out));
	rc = dm_geo_near_new(db->geo, g, buffer_m, &nr, err);
	if (!rc)
		rc = hazards_near(db, nr, out, err);
	if (!rc && want_releases)
		rc = releases_near(db, nr, out, err);
	dm_geo_near_free(db->geo, nr);
	if (!rc && out->n > 1)
		qsort(out->hz, out->n, sizeof(out->hz[0]), by_distance);
	return rc;
}

static void add_ha(struct dm_buf *b, double m2)
{
	if (m2 >= 1000)
		dm_buf_addf(b, "%.1f ha", m2 / 10000);
	else
		dm_buf_addf(b, "%.0f m²", m2);
}

/* One clause per category and state, e.g. "2 open CHA within 500 m: HAZ-1 (3.4 ha), HAZ-2
 * (0.8 ha)"; at most 10 codes, then "and N more". */
static int clause(const struct dm_prox *p, const char *cat, const char *ls, double buffer_m, json_t *reasons)
{
	struct dm_buf b;
	size_t n = 0, shown = 0;
	int rc;
	for (size_t i = 0; i < p->n; i++)
		n += !strcmp(p->hz[i].category, cat) && !strcmp(p->hz[i].land_status, ls);
	if (!n)
		return 0;
	dm_buf_init(&b, 4096);
	dm_buf_addf(&b, "%zu %s ", n, !strcmp(ls, "open") ? "open" : "worked-on");
	for (const char *c = cat; *c; c++)
		dm_buf_addf(&b, "%c", *c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	dm_buf_addf(&b, " within %.0f m:", buffer_m);
	for (size_t i = 0; i < p->n; i++) {
		const struct dm_prox_hazard *h = &p->hz[i];
		if (strcmp(h->category, cat) || strcmp(h->land_status, ls))
			continue;
		if (shown++ == 10) {
			dm_buf_addf(&b, " and %zu more", n - 10);
			break;
		}
		dm_buf_addf(&b, "%s %s (", shown > 1 ? "," : "", h->code);
		add_ha(&b, h->within_m2);
		dm_buf_add(&b, h->inside_m2 > 0 ? ", inside)" : h->distance_m <= 0 ? ", touching)" : ")");
	}
	rc = json_array_append_new(reasons, buf_text(&b) ? json_string(buf_text(&b)) : NULL) ? DM_ENOMEM : 0;
	dm_buf_release(&b);
	return rc;
}

int dm_prox_reasons(const struct dm_prox *p, double buffer_m, json_t *reasons)
{
	static const char *const cats[] = { "cha", "sha" }, *const states[] = { "open", "worked_on" };
	int rc = 0;
	for (size_t s = 0; !rc && s < 2; s++)
		for (size_t c = 0; !rc && c < 2; c++)
			rc = clause(p, cats[c], states[s], buffer_m, reasons);
	return rc;
}
