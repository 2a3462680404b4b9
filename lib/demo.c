/* demo.c: fills a database with the demo data set (the report's organisations, agreement and
 * grant, the 79 districts and cities, and hazards, releases, finds, an accident, risk education
 * and QM in the Karabakh districts), the same on every run (fixed-seed PRNG, fixed tables). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/demo.h"
#include "demine/record.h"
#include "demine/schema.h"
#include "demine/store.h"
#include "demine/util.h"
#include "synth.h"

#ifndef DEMINE_DATADIR
#define DEMINE_DATADIR "data"
#endif

#define MAX_HAZ 64
#define SEED 0x2021091104000000ULL /* 8 Sep 2021, EUR 400,000 */

enum wf { WF_APPROVED, WF_DRAFT, WF_SUBMITTED, WF_REJECTED };

struct hazard {
	char id[37];
	char code[48];
	struct synth_area *district;
	struct synth_shape s;
	int is_point;
	const char *type;
	const char *operator_id;
	char task[37];
};

struct settlement {
	const char *name_en, *name_az, *name_ru, *alt, *abbr_hint;
	double lon, lat;
};

static const struct settlement settlements[] = {
	{ "Aghdam", "Ağdam şəhəri", "Агдам", "Agdam;Ağdam;Akdam", "AGD", 46.9290, 39.9930 },
	{ "Fuzuli", "Füzuli şəhəri", "Физули", "Füzuli;Fizuli;Varanda", "FZL", 47.1430, 39.6000 },
	{ "Jabrayil", "Cəbrayıl şəhəri", "Джебраил", "Cəbrayıl;Cebrayil;Jabrail;Jebrail", "JBR", 47.0260, 39.3990 },
	{ "Zangilan", "Zəngilan şəhəri", "Зангилан", "Zəngilan;Zengilan;Zangelan", "ZNG", 46.6530, 39.0860 },
	{ "Gubadly", "Qubadlı şəhəri", "Губадлы", "Qubadlı;Qubadli;Kubatly", "GBD", 46.5800, 39.3440 },
	{ "Lachin", "Laçın şəhəri", "Лачин", "Laçın;Lacin;Berdzor", "LAC", 46.5460, 39.6380 },
	{ "Kalbajar", "Kəlbəcər şəhəri", "Кельбаджар", "Kəlbəcər;Kelbecer;Karvachar", "KLB", 46.0380, 40.1050 },
	{ "Khojavand", "Xocavənd şəhəri", "Ходжавенд", "Xocavənd;Xocavend;Khojavend;Martuni", "KHJ", 47.1130, 39.7940 },
	{ "Shusha", "Şuşa şəhəri", "Шуша", "Şuşa;Susa;Shushi", "SHC", 46.7505, 39.7470 },
	{ "Horadiz", "Horadiz şəhəri", "Горадиз", "Goradiz", "FZL", 47.3360, 39.4480 },
	/* Talış belongs to Tərtər rayonu; the simplified pre-2021 boundaries put this point in
	 * Kəlbəcər, and the parent follows the boundaries */
	{ "Talysh", "Talış kəndi", "Талыш", "Talış;Talis;Tonashen", "KLB", 46.6400, 40.1350 },
	{ "Sugovushan", "Suqovuşan qəsəbəsi", "Суговушан", "Suqovuşan;Suqovusan;Madagiz", "TRT", 46.6870, 40.1490 },
};
#define NSETTLE (sizeof(settlements) / sizeof(settlements[0]))

struct ctx {
	struct dm_db *db;
	struct dm_actor who;
	struct dm_demo_stats *st;
	struct dm_error *err;
	uint64_t rng;
	struct synth_area areas[SYNTH_MAX_AREAS];
	size_t nareas;
	struct hazard haz[MAX_HAZ];
	size_t nhaz;
	char settle_id[NSETTLE][37];
	struct synth_area *settle_area[NSETTLE];
	char anama[37], meae[37], embassy[37], ngo[37], llc[37], mil[37], undp[37], eu[37];
	char agreement[37], grant_fr[37], grant_undp[37], grant_eu[37];
	char release_full[37], release_qc[37], task_qa[37];
};

/* ---- deterministic randomness (xorshift64*) ---- */
static uint64_t next(struct ctx *c)
{
	uint64_t x = c->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	c->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static double unif(struct ctx *c)
{
	return (double)(next(c) >> 11) * (1.0 / 9007199254740992.0);
}

static int pick(struct ctx *c, int n)
{
	int v = (int)(unif(c) * n);
	return v < n ? v : n - 1;
}

static struct synth_area *area_by_abbr(struct ctx *c, const char *abbr)
{
	size_t i;
	for (i = 0; i < c->nareas; i++)
		if (!strcmp(c->areas[i].pl->abbr, abbr))
			return &c->areas[i];
	return NULL;
}

static struct synth_area *area_at(struct ctx *c, double x, double y)
{
	size_t i;
	for (i = 0; i < c->nareas; i++)
		if (synth_inside(&c->areas[i], x, y))
			return &c->areas[i];
	return NULL;
}

/* ---- generated geometry ---- */

static void gen_shape(struct ctx *c, double cx, double cy, double area_m2, int hole, struct synth_shape *s)
{
	double ratio = 1.0 + 1.5 * unif(c), b = sqrt(area_m2 / (SYNTH_PI * ratio * 0.85)), a = b * ratio;
	double th = unif(c) * SYNTH_PI, kx = synth_kx(cy), sum = 0;
	int i;
	memset(s, 0, sizeof(*s));
	s->cx = cx;
	s->cy = cy;
	s->n = 6 + pick(c, 9);
	for (i = 0; i < s->n; i++) {
		/* jitter below half a step keeps the angles strictly increasing */
		double t = 2 * SYNTH_PI * (i + 0.6 * (unif(c) - 0.5)) / s->n, r = 0.8 + 0.3 * unif(c);
		double ex = a * r * cos(t), ey = b * r * sin(t);
		double x = ex * cos(th) - ey * sin(th), y = ex * sin(th) + ey * cos(th);
		s->x[i] = synth_round_to(cx + x / kx, 1e7);
		s->y[i] = synth_round_to(cy + y / SYNTH_KY, 1e7);
	}
	s->r_m = a * 1.1;
	for (i = 0; i < s->n; i++) {
		int j = (i + 1) % s->n;
		sum += ((s->x[i] - cx) * kx) * ((s->y[j] - cy) * SYNTH_KY) - ((s->x[j] - cx) * kx) * ((s->y[i] - cy) * SYNTH_KY);
	}
	s->area_m2 = sum / 2;
	if (hole) {
		/* a building footprint or a pond, on the segment centre-v[0], clockwise */
		double hcx = cx + 0.45 * (s->x[0] - cx), hcy = cy + 0.45 * (s->y[0] - cy), hr = 0.12 * b;
		s->hn = 5;
		for (i = 0; i < s->hn; i++) {
			double phi = 0.3 - 2 * SYNTH_PI * i / s->hn;
			s->hx[i] = synth_round_to(hcx + hr * cos(phi) / kx, 1e7);
			s->hy[i] = synth_round_to(hcy + hr * sin(phi) / SYNTH_KY, 1e7);
		}
		s->area_m2 -= SYNTH_PI * hr * hr * 0.75;
	}
}

/* A copy scaled by f towards the centre, then moved by (dx, dy) degrees. */
static json_t *scaled_geom(const struct synth_shape *s, double f, double dx, double dy)
{
	double x[SYNTH_MAXV], y[SYNTH_MAXV];
	int i;
	for (i = 0; i < s->n; i++) {
		x[i] = synth_round_to(s->cx + dx + f * (s->x[i] - s->cx), 1e7);
		y[i] = synth_round_to(s->cy + dy + f * (s->y[i] - s->cy), 1e7);
	}
	return synth_polygon(synth_ring_json(x, y, s->n), NULL);
}

/* A point inside the fan triangles i0..i1-1, shrunk by f towards the centre. */
static json_t *point_in_fan(struct ctx *c, const struct synth_shape *s, int i0, int i1, double f)
{
	int k = i0 + pick(c, i1 - i0), l = k + 1;
	double u = 0.15 + 0.25 * unif(c), w = 0.15 + 0.25 * unif(c);
	double x = s->cx + f * (u * (s->x[k % s->n] - s->cx) + w * (s->x[l % s->n] - s->cx));
	double y = s->cy + f * (u * (s->y[k % s->n] - s->cy) + w * (s->y[l % s->n] - s->cy));
	return synth_point(synth_round_to(x, 1e7), synth_round_to(y, 1e7));
}

/* ---- writing records ---- */
static void count(struct ctx *c, const char *type)
{
	size_t i;
	for (i = 0; i < c->st->ntypes; i++)
		if (!strcmp(c->st->type[i], type)) {
			c->st->count[i]++;
			break;
		}
	c->st->total++;
}

static json_t *set_of(const char *a, const char *b, const char *d)
{
	json_t *s = json_array();
	if (a)
		json_array_append_new(s, json_string(a));
	if (b)
		json_array_append_new(s, json_string(b));
	if (d)
		json_array_append_new(s, json_string(d));
	return s;
}

/* Creates a record from in (consumed) and brings it to state wf. id_out and code_out may
 * be NULL. */
static int put(struct ctx *c, const char *type, json_t *in, enum wf wf, char *id_out, char *code_out, size_t codelen)
{
	struct dm_write_opts o = { 0 };
	struct dm_record *r = NULL, *t = NULL;
	char id[37];
	int rc;
	if (!in)
		return dm_error_set(c->err, DM_ENOMEM, "", "demo: could not build a %s (out of memory)", type);
	o.resolve_links = 1;
	if (wf == WF_APPROVED) {
		o.approve = 1;
		json_object_set_new(in, "change_reason", json_string("demo data"));
	}
	rc = dm_record_create(c->db, &c->who, type, in, &o, &r, c->err);
	if (rc) {
		char *dump = json_dumps(in, JSON_COMPACT | JSON_PRESERVE_ORDER);
		dm_error_prefix(c->err, "demo: %s %.200s", type, dump ? dump : "");
		free(dump);
		json_decref(in);
		return rc;
	}
	json_decref(in);
	memcpy(id, r->id, sizeof(id));
	if (id_out)
		memcpy(id_out, r->id, 37);
	if (code_out)
		snprintf(code_out, codelen, "%s", r->code ? r->code : "");
	dm_record_free(r);
	count(c, type);
	if (wf == WF_DRAFT)
		c->st->drafts++;
	if (wf == WF_SUBMITTED || wf == WF_REJECTED) {
		rc = dm_record_transition(c->db, &c->who, id, DM_SUBMIT, 0, NULL, &t, c->err);
		dm_record_free(t);
		t = NULL;
		if (rc)
			return rc;
		if (wf == WF_SUBMITTED)
			c->st->submitted++;
	}
	if (wf == WF_REJECTED) {
		rc = dm_record_transition(c->db, &c->who, id, DM_REJECT, 0,
					  "the polygon does not match the corners on the handover certificate; "
					  "resurvey the boundary and resubmit", &t, c->err);
		dm_record_free(t);
		if (rc)
			return rc;
		c->st->rejected++;
	}
	return 0;
}

/* ---- the parts of the data set ---- */
static int organisations(struct ctx *c)
{
	int rc;
	rc = put(c, "organisation", json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}",
		"date_of_information", "2021-09-08",
		"name", "Mine Action Agency of the Republic of Azerbaijan", "short_name", "ANAMA",
		"kind", "national_authority", "country", "AZ",
		"accredited_activities", set_of("nts", "ts", "clearance")), WF_APPROVED, c->anama, NULL, 0);
	if (!rc)
		rc = put(c, "organisation", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}",
			"date_of_information", "2021-09-08",
			"name", "Ministry for Europe and Foreign Affairs", "short_name", "MEAE",
			"kind", "donor_government", "country", "FR", "iati_identifier", "FR-6"),
			WF_APPROVED, c->meae, NULL, 0);
	if (!rc)
		rc = put(c, "organisation", json_pack("{s:s,s:s,s:s,s:s}",
			"date_of_information", "2021-09-08",
			"name", "Embassy of France in Azerbaijan", "kind", "other", "country", "FR"),
			WF_APPROVED, c->embassy, NULL, 0);
	if (!rc)
		rc = put(c, "organisation", json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:s}",
			"date_of_information", "2021-10-04",
			"name", "Azerbaijan Demining NGO", "short_name", "ADN", "kind", "operator_ngo", "country", "AZ",
			"accredited_activities", set_of("nts", "eore", "victim_assistance"),
			"accreditation_valid_until", "2027-10-03"), WF_APPROVED, c->ngo, NULL, 0);
	if (!rc)
		rc = put(c, "organisation", json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:s}",
			"date_of_information", "2022-02-14",
			"name", "Safe Lands LLC", "short_name", "Safe Lands", "kind", "operator_commercial",
			"country", "AZ", "accredited_activities", set_of("nts", "ts", "clearance"),
			"accreditation_valid_until", "2027-02-13"), WF_APPROVED, c->llc, NULL, 0);
	if (!rc)
		rc = put(c, "organisation", json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}",
			"date_of_information", "2021-03-01",
			"name", "Engineering Battalion (MoD)", "short_name", "Eng Bn", "kind", "operator_military",
			"country", "AZ", "accredited_activities", set_of("ts", "clearance", NULL)),
			WF_APPROVED, c->mil, NULL, 0);
	if (!rc)
		rc = put(c, "organisation", json_pack("{s:s,s:s,s:s,s:s,s:s}",
			"date_of_information", "2021-09-08",
			"name", "United Nations Development Programme", "short_name", "UNDP",
			"kind", "un_agency", "iati_identifier", "XM-DAC-41114"), WF_APPROVED, c->undp, NULL, 0);
	if (!rc)
		rc = put(c, "organisation", json_pack("{s:s,s:s,s:s,s:s,s:s}",
			"date_of_information", "2021-09-08",
			"name", "European Union", "short_name", "EU", "kind", "donor_multilateral",
			"iati_identifier", "XI-IATI-EC_INTPA"), WF_APPROVED, c->eu, NULL, 0);
	return rc;
}

static int locations(struct ctx *c)
{
	size_t i, j;
	int rc = 0;
	for (i = 0; i < c->nareas && !rc; i++) {
		struct synth_area *a = &c->areas[i];
		json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O}",
			"external_id", a->pl->pcode, "date_of_information", "2021-07-01", "kind", "adm2",
			"name_en", a->pl->name_en, "name_az", a->pl->name_az, "name_ru", a->pl->name_ru,
			"alt_names", a->pl->alt_names, "pcode", a->pl->pcode, "geometry", a->geom);
		if (in)
			json_object_set_new(in, "abbr", json_string(a->pl->abbr));
		rc = put(c, "location", in, WF_APPROVED, a->id, NULL, 0);
	}
	for (j = 0; j < NSETTLE && !rc; j++) {
		const struct settlement *s = &settlements[j];
		struct synth_area *a = area_at(c, s->lon, s->lat);
		if (!a)
			a = area_by_abbr(c, s->abbr_hint);
		c->settle_area[j] = a;
		rc = put(c, "location", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
			"date_of_information", "2021-07-01", "kind", "settlement", "name_en", s->name_en,
			"name_az", s->name_az, "name_ru", s->name_ru, "alt_names", s->alt, "parent", a->id,
			"location", a->id, "geometry", synth_point(s->lon, s->lat)), WF_APPROVED, c->settle_id[j], NULL, 0);
	}
	return rc;
}

static int money(struct ctx *c)
{
	static const char *const rates[][3] = { { "EUR", "AZN", "2.00818" }, { "EUR", "USD", "1.18188" },
		{ "USD", "AZN", "1.7000" } };
	size_t i;
	char dsb[37];
	int rc = put(c, "agreement", json_pack("{s:s,s:s,s:[s,s],s:s,s:o,s:s}",
		"organisation", c->anama, "date_of_information", "2021-11-12", "parties", c->anama, c->meae,
		"title", "Cooperation in humanitarian demining between France and Azerbaijan",
		"scope", set_of("demining_support", "victim_assistance", "risk_education"),
		"agreement_status", "envisaged"), WF_APPROVED, c->agreement, NULL, 0);
	for (i = 0; i < 3 && !rc; i++)
		rc = put(c, "exchange_rate", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			"date_of_information", "2021-09-08", "date", "2021-09-08", "from_currency", rates[i][0],
			"to_currency", rates[i][1], "rate", rates[i][2], "source", "manual",
			"external_id", i == 0 ? "azernews-2021-11-12-eur-azn" : i == 1 ? "azernews-2021-11-12-eur-usd"
			: "cbar-peg-usd-azn-2021"), WF_APPROVED, NULL, NULL, 0);
	if (!rc)
		rc = put(c, "grant", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
			"organisation", c->anama, "date_of_information", "2021-09-08", "donor", c->meae,
			"recipient", c->anama, "agreement", c->agreement,
			"title", "Support to mine clearance in liberated territories", "amount", "400000.00",
			"currency", "EUR", "announced_date", "2021-09-08", "grant_status", "pledged",
			"purpose_code", "15250", "earmark_activity", set_of("clearance", NULL, NULL)),
			WF_APPROVED, c->grant_fr, NULL, 0);
	if (!rc)
		rc = put(c, "grant", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
			"organisation", c->undp, "date_of_information", "2022-03-15", "donor", c->eu,
			"recipient", c->undp, "title", "Mine action capacity and risk education in Karabakh (demo)",
			"amount", "1200000.00", "currency", "EUR", "announced_date", "2022-03-15",
			"grant_status", "committed", "purpose_code", "15250",
			"earmark_activity", set_of("capacity_building", "eore", "nts")), WF_APPROVED, c->grant_eu, NULL, 0);
	if (!rc)
		rc = put(c, "grant", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
			"organisation", c->undp, "date_of_information", "2022-05-02", "donor", c->undp,
			"recipient", c->ngo, "title", "Risk education and victim assistance for returning families (demo)",
			"amount", "250000.00", "currency", "USD", "announced_date", "2022-05-02",
			"grant_status", "disbursed", "purpose_code", "15250",
			"earmark_activity", set_of("eore", "victim_assistance", NULL)), WF_APPROVED, c->grant_undp, NULL, 0);
	if (!rc)
		rc = put(c, "disbursement", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			"organisation", c->undp, "date_of_information", "2022-06-01", "grant", c->grant_undp,
			"disbursement_date", "2022-06-01", "amount", "150000.00", "currency", "USD", "kind", "disbursement"),
			WF_APPROVED, dsb, NULL, 0);
	if (!rc)
		rc = put(c, "disbursement", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			"organisation", c->undp, "date_of_information", "2023-01-20", "grant", c->grant_undp,
			"disbursement_date", "2023-01-20", "amount", "100000.00", "currency", "USD", "kind", "disbursement"),
			WF_APPROVED, NULL, NULL, 0);
	if (!rc)
		rc = put(c, "disbursement", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			"organisation", c->undp, "date_of_information", "2022-04-01", "grant", c->grant_eu,
			"disbursement_date", "2022-04-01", "amount", "400000.00", "currency", "EUR", "kind", "commitment"),
			WF_APPROVED, NULL, NULL, 0);
	return rc;
}

/* ---- hazards ---- */
static const struct {
	const char *abbr;
	int n;
} hazard_plan[] = { { "AGD", 6 }, { "FZL", 6 }, { "JBR", 4 }, { "ZNG", 3 }, { "GBD", 3 },
		    { "LAC", 3 }, { "KLB", 4 }, { "KHJ", 3 }, { "SHU", 3 } };

/* Hazard numbers (in creation order) with a fixed role in the story. */
enum {
	H_FULL = 0,      /* AGD: cleared in one release equal to its polygon, closed */
	H_NTS_TS = 1,    /* AGD: part cancelled, part reduced */
	H_PARTIAL = 2,   /* AGD: battle area, centre cleared */
	H_PLANNED = 3,   /* AGD: task planned */
	H_HOLE = 4,      /* AGD: with a hole, part cancelled */
	H_TWO = 6,       /* FZL: cancelled half + cleared half, closed */
	H_OUTSIDE = 7,   /* FZL: a reduction reaching outside the polygon (flagged) */
	H_ACCIDENT = 8,  /* FZL: the tractor accident; pending proposal to upgrade it */
	H_CLUSTER = 9,   /* FZL: cluster strike, cancelled + reduced */
	H_JBR = 12,      /* JBR: minefield, centre cleared */
	H_JBR_HOLE = 13, /* JBR: hole, part cancelled */
	H_SUBMIT = 14,   /* JBR: a release waiting for approval */
	H_ZNG = 16,      /* ZNG: cancelled + reduced */
	H_REJECT = 17,   /* ZNG: a rejected release */
	H_GBD = 19,      /* GBD: battle area, centre cleared */
	H_LAC_HOLE = 22, /* LAC: hole, task planned */
	H_KLB = 25,      /* KLB: cancelled + reduced */
	H_KHJ = 29,      /* KHJ: minefield, centre cleared */
	H_SHU = 32,      /* SHU: cancelled + reduced */
	H_SHU2 = 33,     /* SHU: task planned */
};

static const char *forced_type(size_t i)
{
	switch (i) {
	case H_FULL: case H_NTS_TS: case H_TWO: case H_OUTSIDE: case H_ACCIDENT: case H_JBR: case H_KHJ:
		return "minefield";
	case H_PARTIAL: case H_GBD:
		return "battle_area";
	case H_CLUSTER:
		return "cluster_munition_strike";
	default:
		return NULL;
	}
}

/* Hazards with work on them (tasks under way, releases): land_status worked_on. */
static int is_worked(size_t i)
{
	switch (i) {
	case H_FULL: case H_NTS_TS: case H_PARTIAL: case H_HOLE: case H_TWO: case H_OUTSIDE: case H_CLUSTER:
	case H_JBR: case H_JBR_HOLE: case H_SUBMIT: case H_ZNG: case H_REJECT: case H_GBD: case H_KLB: case H_KHJ:
	case H_SHU: case H_SHU2:
		return 1;
	default:
		return 0;
	}
}

static int is_point_hazard(size_t i)
{
	return i == 11 || i == 24 || i == 28;
}

static int is_hole_hazard(size_t i)
{
	return i == H_HOLE || i == H_JBR_HOLE || i == H_LAC_HOLE || i == 31;
}

static int place_hazard(struct ctx *c, struct hazard *h, struct synth_area *d, size_t idx, int point)
{
	int tries;
	double lo = log(0.5e4), hi = log(60e4);
	for (tries = 0; tries < 2000; tries++) {
		double x = synth_round_to(d->minx + unif(c) * (d->maxx - d->minx), 1e6);
		double y = synth_round_to(d->miny + unif(c) * (d->maxy - d->miny), 1e6);
		double area = exp(lo + unif(c) * (hi - lo)), kx = synth_kx(y);
		size_t k;
		int clash = 0;
		if (!synth_inside(d, x, y))
			continue;
		if (point) {
			memset(&h->s, 0, sizeof(h->s));
			h->s.cx = x;
			h->s.cy = y;
			h->s.r_m = 150;
			h->s.area_m2 = synth_round_to(area / 2, 1e-2);
		} else {
			gen_shape(c, x, y, area, is_hole_hazard(idx), &h->s);
			if (!synth_ring_inside(d, h->s.x, h->s.y, h->s.n))
				continue;
		}
		for (k = 0; k < c->nhaz && !clash; k++) {
			const struct synth_shape *o = &c->haz[k].s;
			double dx = (o->cx - x) * kx, dy = (o->cy - y) * SYNTH_KY;
			clash = sqrt(dx * dx + dy * dy) < o->r_m + h->s.r_m + 100;
		}
		if (!clash)
			return 0;
	}
	return dm_error_set(c->err, DM_EINVAL, "", "demo: could not place hazard %zu in %s", idx + 1,
			    d->pl->name_en);
}

static const char *const place_words[] = { "former front line", "vineyard", "orchard", "pasture", "road verge",
	"riverbank", "cemetery approach", "farm buildings", "hilltop position", "irrigation canal", "wheat field",
	"village outskirts" };

static int hazards(struct ctx *c)
{
	static const char *const types[] = { "minefield", "minefield", "minefield", "minefield", "battle_area",
		"battle_area", "battle_area", "cluster_munition_strike", "dangerous_area" };
	static const char *const hml[] = { "high", "medium", "low" };
	static const char *const uses[] = { "agriculture", "grazing", "roads", "housing", "water", "infrastructure" };
	static const char *const sources[] = { "ANAMA non-technical survey team",
		"Local residents (returning IDPs)", "Former front-line records of the armed forces",
		"Shepherd's report to the district executive authority" };
	size_t p, j, idx = 0;
	int rc = 0;
	for (p = 0; p < sizeof(hazard_plan) / sizeof(hazard_plan[0]) && !rc; p++) {
		struct synth_area *d = area_by_abbr(c, hazard_plan[p].abbr);
		for (j = 0; j < (size_t)hazard_plan[p].n && !rc; j++, idx++) {
			struct hazard *h = &c->haz[c->nhaz];
			const char *type = forced_type(idx), *cat, *ek, *ev;
			json_t *in, *cont, *block;
			char name[160], date[11], ext[32];
			int u1, u2;
			if (!type)
				type = types[pick(c, sizeof(types) / sizeof(types[0]))];
			if ((rc = place_hazard(c, h, d, idx, is_point_hazard(idx))))
				break;
			h->district = d;
			h->type = type;
			h->is_point = is_point_hazard(idx);
			cat = (idx == H_ACCIDENT || unif(c) < 0.45) ? "sha" : "cha";
			ek = !strcmp(cat, "cha") ? "direct" : "indirect";
			if (!strcmp(type, "minefield")) {
				cont = idx == H_ACCIDENT || unif(c) < 0.6 ? set_of("ap_mine", "at_mine", NULL)
					: set_of("ap_mine", unif(c) < 0.3 ? "booby_trap" : NULL, NULL);
				ev = !strcmp(cat, "cha") ? "Mines visible on the surface; marking stakes and trenches of a former "
					"defensive line" : "Former front line nearby; residents report livestock losses";
			} else if (!strcmp(type, "battle_area")) {
				cont = set_of("uxo", "axo", NULL);
				ev = !strcmp(cat, "cha") ? "Unexploded artillery projectiles seen in the field"
					: "Heavy fighting reported here in October 2020";
			} else if (!strcmp(type, "cluster_munition_strike")) {
				cont = set_of("cmr", "uxo", NULL);
				ev = !strcmp(cat, "cha") ? "Submunitions and carrier debris on the surface"
					: "Cluster strike reported by residents";
			} else {
				cont = set_of("uxo", NULL, NULL);
				ev = "Ammunition scattered around a former position";
			}
			u1 = pick(c, 6);
			u2 = (u1 + 1 + pick(c, 5)) % 6;
			block = unif(c) < 0.5 ? set_of(uses[u1], NULL, NULL) : set_of(uses[u1], uses[u2], NULL);
			/* "Ağdam, vineyard (sector 2)": the district's short Azerbaijani name */
			snprintf(name, sizeof(name), "%.*s, %s (sector %zu)", (int)strcspn(d->pl->name_az, " "),
				 d->pl->name_az, place_words[pick(c, 12)], j + 1);
			synth_date_add("2021-03-01", pick(c, 600), date);
			snprintf(ext, sizeof(ext), "ANAMA-HA-%04zu", 101 + idx * 7);
			in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:o,s:s,s:s,s:s}",
				"external_id", ext, "organisation", c->anama, "location", d->id,
				"date_of_information", date, "name", name, "category", cat, "hazard_type", type,
				"contamination", cont, "evidence_kind", ek, "evidence", ev,
				"land_status", is_worked(idx) ? "worked_on" : "open",
				"blockages", block, "priority", hml[pick(c, 3)], "source", sources[pick(c, 4)],
				"source_reliability", hml[pick(c, 2)]);
			if (in && h->is_point) {
				json_object_set_new(in, "geometry", synth_point(h->s.cx, h->s.cy));
				json_object_set_new(in, "estimated_area_m2", json_real(h->s.area_m2));
			} else if (in) {
				json_object_set_new(in, "geometry", synth_shape_geom(&h->s));
			}
			rc = put(c, "hazard", in, WF_APPROVED, h->id, h->code, sizeof(h->code));
			c->nhaz++;
		}
	}
	return rc;
}

/* ---- tasks, releases, finds ---- */
static const char *operator_for(struct ctx *c, size_t idx)
{
	const char *ops[] = { c->anama, c->llc, c->mil, c->llc, c->anama };
	return ops[idx % 5];
}

static const char *team_of(const struct ctx *c, const char *op, size_t idx, char buf[32])
{
	const char *base = op == c->anama ? "ANAMA Team" : op == c->llc ? "SL Team" : "Eng Bn Platoon";
	snprintf(buf, 32, "%s %zu", base, 1 + idx % 7);
	return buf;
}

static int task(struct ctx *c, size_t idx, const char *method, const char *status, const char *start, int days,
		const char *grant)
{
	struct hazard *h = &c->haz[idx];
	char end[11], team[32];
	json_t *in;
	h->operator_id = operator_for(c, idx);
	synth_date_add(start, days, end);
	in = json_pack("{s:s,s:s,s:s,s:[s],s:s,s:s,s:s,s:s,s:s,s:f,s:s}",
		"organisation", c->anama, "location", h->district->id,
		/* a task planned for later was written down before it starts */
		"date_of_information", strcmp(start, "2026-11-02") > 0 ? "2026-11-02" : start, "hazards", h->id,
		"operator", h->operator_id, "team", team_of(c, h->operator_id, idx, team),
		"planned_method", method, "planned_start", start, "planned_end", end,
		"planned_area_m2", synth_round_to(h->s.area_m2, 1), "task_status", status);
	if (in && grant)
		json_object_set_new(in, "grant", json_string(grant));
	return put(c, "task", in, WF_APPROVED, h->task, NULL, 0);
}

static json_t *technique_for(const struct hazard *h, const char *method, size_t k)
{
	if (!strcmp(method, "nts"))
		return NULL;
	if (!strcmp(h->type, "battle_area") || !strcmp(h->type, "cluster_munition_strike"))
		return set_of("battle_area_clearance", "manual", NULL);
	if (!strcmp(method, "ts"))
		return k % 2 ? set_of("mechanical", NULL, NULL) : set_of("manual", "mdd", NULL);
	return k % 2 ? set_of("mechanical", "manual", NULL) : set_of("manual", "mdd", NULL);
}

/* One release of hazard idx with geometry geom (consumed); work from start for days. */
static int release(struct ctx *c, size_t idx, const char *method, json_t *geom, const char *start, int days,
		   enum wf wf, char *id_out)
{
	struct hazard *h = &c->haz[idx];
	const char *result = !strcmp(method, "nts") ? "cancelled" : !strcmp(method, "ts") ? "reduced" : "cleared";
	const char *op = h->operator_id ? h->operator_id : c->anama;
	char end[11], handover[11], team[32];
	json_t *in, *tech;
	synth_date_add(start, days, end);
	synth_date_add(end, 21, handover);
	in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
		"organisation", op, "location", h->district->id, "date_of_information", end, "hazard", h->id,
		"operator", op, "team", team_of(c, op, idx, team), "method", method, "result", result,
		"start_date", start, "geometry", geom);
	if (!in)
		return put(c, "land_release", NULL, wf, NULL, NULL, 0);
	json_object_set_new(in, "end_date", json_string(end));
	if (h->task[0])
		json_object_set_new(in, "task", json_string(h->task));
	if ((tech = technique_for(h, method, idx)))
		json_object_set_new(in, "technique", tech);
	if (!strcmp(method, "clearance"))
		json_object_set_new(in, "clearance_depth_cm", json_integer(!strcmp(h->type, "minefield") ? 20 : 30));
	if (wf == WF_APPROVED) {
		json_object_set_new(in, "handover_date", json_string(handover));
		json_object_set_new(in, "handover_to", json_string(!strcmp(h->district->pl->abbr, "SHU")
			? "Special representation of the President in Shusha"
			: "District executive authority and the village municipality"));
		json_object_set_new(in, "land_use_after", !strcmp(h->type, "minefield")
			? set_of("agriculture", "grazing", NULL) : set_of("agriculture", "roads", NULL));
	}
	return put(c, "land_release", in, wf, id_out, NULL, 0);
}

struct find_kind {
	const char *category, *model;
	int qmin, qmax, dmin, dmax;
};
static const struct find_kind f_pmn2 = { "ap_mine", "PMN-2", 2, 24, 3, 12 };
static const struct find_kind f_tm62 = { "at_mine", "TM-62M", 1, 5, 10, 30 };
static const struct find_kind f_ozm72 = { "ap_mine", "OZM-72", 1, 4, 0, 10 };
static const struct find_kind f_122 = { "uxo", "122mm artillery projectile (OF-462)", 1, 4, 0, 40 };
static const struct find_kind f_82 = { "uxo", "82mm mortar bomb", 2, 9, 0, 25 };
static const struct find_kind f_smerch = { "cmr", "9N235 submunition", 4, 30, 0, 10 };
static const struct find_kind f_rpg = { "axo", "PG-7V rocket-propelled grenade", 1, 3, 0, 5 };

static int find(struct ctx *c, size_t idx, const char *rel, const struct find_kind *k, json_t *geom,
		const char *start, int days)
{
	struct hazard *h = &c->haz[idx];
	char date[11];
	json_t *in;
	const char *disp = !strcmp(k->category, "uxo") && unif(c) < 0.4 ? "removed" : "destroyed_in_situ";
	int q = k->qmin + pick(c, k->qmax - k->qmin + 1), depth = k->dmin + pick(c, k->dmax - k->dmin + 1);
	synth_date_add(start, pick(c, days + 1), date);
	in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:i,s:s,s:o}",
		"organisation", h->operator_id ? h->operator_id : c->anama, "location", h->district->id,
		"date_of_information", date, "release", rel, "hazard", h->id, "category", k->category,
		"model", k->model, "quantity", q, "disposition", disp, "depth_cm", depth, "find_date", date,
		"geometry", geom);
	if (in && h->task[0])
		json_object_set_new(in, "task", json_string(h->task));
	return put(c, "eo_find", in, WF_APPROVED, NULL, NULL, 0);
}

/* Finds of a release over fan i0..i1 shrunk by f. */
static int finds(struct ctx *c, size_t idx, const char *rel, int i0, int i1, double f, const char *start, int days,
		 int ts)
{
	struct hazard *h = &c->haz[idx];
	int rc = 0;
	if (!strcmp(h->type, "minefield")) {
		rc = find(c, idx, rel, &f_pmn2, point_in_fan(c, &h->s, i0, i1, f), start, days);
		if (!rc && !ts)
			rc = find(c, idx, rel, &f_tm62, point_in_fan(c, &h->s, i0, i1, f), start, days);
		if (!rc && !ts && (idx % 2 == 0))
			rc = find(c, idx, rel, &f_ozm72, point_in_fan(c, &h->s, i0, i1, f), start, days);
	} else if (!strcmp(h->type, "cluster_munition_strike")) {
		rc = find(c, idx, rel, &f_smerch, point_in_fan(c, &h->s, i0, i1, f), start, days);
	} else {
		rc = find(c, idx, rel, &f_122, point_in_fan(c, &h->s, i0, i1, f), start, days);
		if (!rc && !ts)
			rc = find(c, idx, rel, &f_82, point_in_fan(c, &h->s, i0, i1, f), start, days);
		if (!rc && !ts && idx % 2)
			rc = find(c, idx, rel, &f_rpg, point_in_fan(c, &h->s, i0, i1, f), start, days);
	}
	return rc;
}

/* Part cancelled by NTS (first third), part reduced by TS (second third). */
static int plan_nts_ts(struct ctx *c, size_t idx, const char *start, const char *grant)
{
	struct hazard *h = &c->haz[idx];
	int n = h->s.n, rc;
	char rel[37], ts_start[11];
	rc = task(c, idx, "ts", "completed", start, 75, grant);
	if (!rc)
		rc = release(c, idx, "nts", synth_fan_geom(&h->s, 0, n / 3), start, 4, WF_APPROVED, rel);
	synth_date_add(start, 14, ts_start);
	if (!rc)
		rc = release(c, idx, "ts", synth_fan_geom(&h->s, n / 3, 2 * n / 3), ts_start, 45, WF_APPROVED, rel);
	if (!rc)
		rc = finds(c, idx, rel, n / 3, 2 * n / 3, 1.0, ts_start, 45, 1);
	return rc;
}

/* The centre cleared (a copy scaled to 55 %). */
static int plan_partial(struct ctx *c, size_t idx, const char *start, const char *grant, const char *status)
{
	struct hazard *h = &c->haz[idx];
	char rel[37];
	int rc = task(c, idx, "clearance", status, start, 240, grant);
	if (!rc)
		rc = release(c, idx, "clearance", scaled_geom(&h->s, 0.55, 0, 0), start, 120, WF_APPROVED, rel);
	if (!rc)
		rc = finds(c, idx, rel, 0, h->s.n, 0.55, start, 120, 0);
	return rc;
}

static int releases(struct ctx *c)
{
	struct hazard *h;
	char rel[37];
	int rc, n;

	/* AGD: the fully cleared minefield (France's grant), closed by the system */
	h = &c->haz[H_FULL];
	rc = task(c, H_FULL, "clearance", "completed", "2022-04-11", 150, c->grant_fr);
	if (!rc)
		rc = release(c, H_FULL, "clearance", synth_shape_geom(&h->s), "2022-04-11", 140, WF_APPROVED, c->release_full);
	if (!rc)
		rc = finds(c, H_FULL, c->release_full, 0, h->s.n, 1.0, "2022-04-11", 140, 0);
	if (!rc)
		rc = plan_nts_ts(c, H_NTS_TS, "2022-09-05", c->grant_fr);
	if (!rc)
		rc = plan_partial(c, H_PARTIAL, "2023-03-20", c->grant_fr, "completed");
	if (!rc)
		rc = task(c, H_PLANNED, "clearance", "planned", "2026-12-01", 120, c->grant_fr);
	if (!rc) {
		h = &c->haz[H_HOLE];
		n = h->s.n;
		rc = task(c, H_HOLE, "nts", "completed", "2022-06-06", 10, NULL);
		if (!rc)
			rc = release(c, H_HOLE, "nts", synth_fan_geom(&h->s, n / 3, 2 * n / 3), "2022-06-06", 5, WF_APPROVED,
				     NULL);
	}
	/* FZL: cancelled half and cleared half: closed */
	if (!rc) {
		h = &c->haz[H_TWO];
		n = h->s.n;
		rc = task(c, H_TWO, "clearance", "completed", "2023-04-03", 200, c->grant_fr);
		if (!rc)
			rc = release(c, H_TWO, "nts", synth_fan_geom(&h->s, 0, n / 2), "2023-04-03", 6, WF_APPROVED, NULL);
		if (!rc)
			rc = release(c, H_TWO, "clearance", synth_fan_geom(&h->s, n / 2, n), "2023-04-17", 180, WF_APPROVED,
				     rel);
		if (!rc)
			rc = finds(c, H_TWO, rel, n / 2, n, 1.0, "2023-04-17", 180, 0);
		if (!rc)
			memcpy(c->task_qa, h->task, 37);
	}
	/* FZL: a reduction reaching outside the hazard: the accounting flags it */
	if (!rc) {
		double dx, dy;
		h = &c->haz[H_OUTSIDE];
		dx = 0.7 * (h->s.x[0] - h->s.cx);
		dy = 0.7 * (h->s.y[0] - h->s.cy);
		rc = task(c, H_OUTSIDE, "ts", "in_progress", "2025-05-12", 90, NULL);
		if (!rc)
			rc = release(c, H_OUTSIDE, "ts", scaled_geom(&h->s, 0.5, dx, dy), "2025-05-12", 30, WF_APPROVED,
				     NULL);
	}
	if (!rc)
		rc = plan_nts_ts(c, H_CLUSTER, "2024-03-04", NULL);
	if (!rc)
		rc = plan_partial(c, H_JBR, "2023-06-12", NULL, "completed");
	if (!rc) {
		h = &c->haz[H_JBR_HOLE];
		n = h->s.n;
		rc = task(c, H_JBR_HOLE, "nts", "completed", "2024-09-09", 10, NULL);
		if (!rc)
			rc = release(c, H_JBR_HOLE, "nts", synth_fan_geom(&h->s, n / 3, 2 * n / 3), "2024-09-09", 4,
				     WF_APPROVED, NULL);
	}
	/* JBR: a cancellation waiting for the IM officer */
	if (!rc) {
		h = &c->haz[H_SUBMIT];
		rc = task(c, H_SUBMIT, "nts", "in_progress", "2026-10-05", 20, NULL);
		if (!rc)
			rc = release(c, H_SUBMIT, "nts", synth_fan_geom(&h->s, 0, h->s.n / 2), "2026-10-05", 5, WF_SUBMITTED,
				     NULL);
	}
	if (!rc)
		rc = plan_nts_ts(c, H_ZNG, "2024-05-20", NULL);
	/* ZNG: a clearance report the IM officer rejected */
	if (!rc) {
		h = &c->haz[H_REJECT];
		rc = task(c, H_REJECT, "clearance", "in_progress", "2026-04-06", 150, NULL);
		if (!rc)
			rc = release(c, H_REJECT, "clearance", scaled_geom(&h->s, 0.5, 0, 0), "2026-04-06", 60,
				     WF_REJECTED, NULL);
	}
	if (!rc)
		rc = plan_partial(c, H_GBD, "2024-08-19", NULL, "completed");
	if (!rc)
		rc = task(c, H_LAC_HOLE, "nts", "planned", "2027-03-01", 30, NULL);
	if (!rc)
		rc = plan_nts_ts(c, H_KLB, "2025-06-02", NULL);
	if (!rc)
		rc = plan_partial(c, H_KHJ, "2025-04-14", NULL, "in_progress");
	if (!rc)
		rc = plan_nts_ts(c, H_SHU, "2023-05-08", NULL);
	if (!rc)
		rc = task(c, H_SHU2, "ts", "suspended", "2025-09-01", 60, NULL);
	if (!rc)
		memcpy(c->release_qc, rel, 37);
	return rc;
}

/* ---- accident, victims, services ---- */
static int accident(struct ctx *c)
{
	struct hazard *h = &c->haz[H_ACCIDENT];
	char acc[37], vic[37];
	int rc;
	rc = put(c, "accident", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
		"organisation", c->anama, "location", h->district->id, "date_of_information", "2022-04-19",
		"accident_date", "2022-04-17", "accident_kind", "civilian", "device_category", "at_mine",
		"device_model", "TM-62M", "activity", "agriculture", "hazard", h->id,
		"description", "A tractor ploughing a field at the edge of a suspected area set off an anti-tank "
			"mine; the driver was killed and his passenger injured",
		"geometry", point_in_fan(c, &h->s, 0, h->s.n, 1.0)), WF_APPROVED, acc, NULL, 0);
	if (!rc)
		rc = put(c, "victim", json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s}",
			"organisation", c->anama, "location", h->district->id, "date_of_information", "2022-04-19",
			"accident", acc, "sex", "male", "age", 46, "date_of_birth", "1975-11-02", "outcome", "killed",
			"role", "civilian", "name", "Rauf Həsənov (invented)", "address", "Horadiz, Füzuli rayonu",
			"injuries", "fatal blast injuries"), WF_APPROVED, NULL, NULL, 0);
	if (!rc)
		rc = put(c, "victim", json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			"organisation", c->anama, "location", h->district->id, "date_of_information", "2022-04-19",
			"accident", acc, "sex", "male", "age", 19, "date_of_birth", "2002-08-23", "outcome", "injured",
			"role", "civilian", "name", "Elnur Quliyev (invented)", "address", "Horadiz, Füzuli rayonu",
			"contact", "+994 00 000 00 00",
			"injuries", "traumatic amputation of the left leg below the knee; fragment wounds"),
			WF_APPROVED, vic, NULL, 0);
	if (!rc)
		rc = put(c, "va_service", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			"organisation", c->anama, "date_of_information", "2022-04-17", "victim", vic,
			"service", "emergency_medical", "provider", "Horadiz district hospital (demo)",
			"service_date", "2022-04-17", "service_status", "completed"), WF_APPROVED, NULL, NULL, 0);
	if (!rc)
		rc = put(c, "va_service", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			"organisation", c->anama, "date_of_information", "2022-09-01", "victim", vic,
			"service", "prosthetics", "provider", "Prosthetic and orthopaedic centre, Baku (demo)",
			"service_date", "2022-09-01", "service_status", "completed",
			"notes", "first prosthesis fitted; replacement due in 2025"), WF_APPROVED, NULL, NULL, 0);
	if (!rc)
		rc = put(c, "va_service", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			"organisation", c->ngo, "date_of_information", "2023-02-10", "victim", vic,
			"service", "psychological", "provider_org", c->ngo, "service_date", "2023-02-10",
			"service_status", "in_progress"), WF_APPROVED, NULL, NULL, 0);
	if (!rc)
		rc = put(c, "va_service", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			"organisation", c->ngo, "date_of_information", "2024-03-18", "victim", vic,
			"service", "socio_economic", "provider_org", c->undp, "service_date", "2024-03-18",
			"service_status", "referred"), WF_APPROVED, NULL, NULL, 0);
	return rc;
}

/* ---- risk education ---- */
static int eore(struct ctx *c)
{
	static const char *const audiences[] = { "returning_idps", "school", "community", "workers", "returning_idps",
		"school", "community", "returning_idps", "workers", "school", "community", "returning_idps" };
	static const char *const methods[] = { "interpersonal", "interpersonal", "interpersonal", "training_of_trainers",
		"digital", "mass_media" };
	size_t i;
	int rc = 0;
	for (i = 0; i < NSETTLE && !rc; i++) {
		const struct settlement *s = &settlements[i];
		struct synth_area *a = c->settle_area[i];
		const char *aud = audiences[i];
		double x = synth_round_to(s->lon + (unif(c) - 0.5) * 0.008, 1e6), y = synth_round_to(s->lat + (unif(c) - 0.5) * 0.008, 1e6);
		int school = !strcmp(aud, "school"), workers = !strcmp(aud, "workers");
		int girls = workers ? 0 : 5 + pick(c, school ? 30 : 15), boys = workers ? 0 : 5 + pick(c, school ? 30 : 15);
		int women = school ? pick(c, 3) : 3 + pick(c, 25), men = school ? pick(c, 2) : 3 + pick(c, workers ? 40 : 20);
		char date[11];
		json_t *in;
		if (area_at(c, x, y) != a) {
			x = s->lon;
			y = s->lat;
		}
		synth_date_add("2021-11-15", (long)i * 120 + pick(c, 60), date);
		in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:s,s:s,s:o}",
			"organisation", i % 3 ? c->ngo : c->anama, "location", a->id, "date_of_information", date,
			"session_date", date, "method", methods[i % 6], "audience", aud, "girls", girls, "boys", boys,
			"women", women, "men", men,
			"materials", school ? "ANAMA leaflets for children (az), colouring book, posters"
				: "ANAMA leaflets (az, ru), posters of mines and ERW found in the area",
			"settlement", s->name_az, "geometry", synth_point(x, y));
		if (in && i % 3)
			json_object_set_new(in, "grant", json_string(c->grant_undp));
		rc = put(c, "eore_session", in, i == NSETTLE - 1 ? WF_DRAFT : WF_APPROVED, NULL, NULL, 0);
	}
	return rc;
}

/* ---- quality management ---- */
static int qm(struct ctx *c)
{
	json_t *nc;
	int rc = put(c, "qm_inspection", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
		"organisation", c->anama, "date_of_information", "2022-02-10", "inspected_org", c->llc,
		"inspecting_body", c->anama, "inspection_date", "2022-02-10", "kind", "accreditation",
		"result", "pass"), WF_APPROVED, NULL, NULL, 0);
	if (!rc) {
		nc = json_pack("[{s:s,s:s,s:s,s:s}]", "severity", "minor",
			"text", "Daily briefing record not signed by the team leader",
			"corrective_action", "Team leaders sign the briefing record before work starts",
			"closed_date", "2023-06-02");
		rc = put(c, "qm_inspection", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
			"organisation", c->anama, "location", c->haz[H_TWO].district->id,
			"date_of_information", "2023-05-24", "task", c->task_qa,
			"inspected_org", c->haz[H_TWO].operator_id, "inspecting_body", c->anama,
			"inspection_date", "2023-05-24", "kind", "qa_visit", "result", "pass_with_findings",
			"nonconformities", nc), WF_APPROVED, NULL, NULL, 0);
	}
	if (!rc)
		rc = put(c, "qm_inspection", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			"organisation", c->anama, "location", c->haz[H_TWO].district->id,
			"date_of_information", "2023-11-02", "release", c->release_qc,
			"inspected_org", c->haz[H_TWO].operator_id, "inspecting_body", c->anama,
			"inspection_date", "2023-11-02", "kind", "qc_sampling", "result", "pass"), WF_APPROVED, NULL, NULL, 0);
	if (!rc) {
		nc = json_pack("[{s:s,s:s,s:s,s:s},{s:s,s:s}]", "severity", "major",
			"text", "Perimeter marking missing at two corners of the cleared area",
			"corrective_action", "Corners re-marked with painted stones and handover map corrected",
			"closed_date", "2022-10-14", "severity", "minor",
			"text", "Clearance depth not written in two daily logs");
		rc = put(c, "qm_inspection", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
			"organisation", c->anama, "location", c->haz[H_FULL].district->id,
			"date_of_information", "2022-10-03", "release", c->release_full,
			"inspected_org", c->haz[H_FULL].operator_id, "inspecting_body", c->anama,
			"inspection_date", "2022-10-03", "kind", "post_clearance_inspection",
			"result", "pass_with_findings", "nonconformities", nc), WF_APPROVED, NULL, NULL, 0);
	}
	if (!rc) {
		nc = json_pack("[{s:s,s:s,s:s}]", "severity", "critical",
			"text", "Deminers working inside the hazard without visors lowered",
			"corrective_action", "Work stopped; team retrained on personal protective equipment");
		rc = put(c, "qm_inspection", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
			"organisation", c->anama, "location", c->haz[H_KHJ].district->id,
			"date_of_information", "2025-06-20", "task", c->haz[H_KHJ].task,
			"inspected_org", c->haz[H_KHJ].operator_id, "inspecting_body", c->anama,
			"inspection_date", "2025-06-20", "kind", "qa_visit", "result", "fail", "nonconformities", nc),
			WF_SUBMITTED, NULL, NULL, 0);
	}
	return rc;
}

/* ---- the other workflow states ---- */
static int workflow(struct ctx *c)
{
	struct hazard *h = &c->haz[H_ACCIDENT];
	struct dm_write_opts o = { 0 };
	struct dm_record *r = NULL, *out = NULL;
	struct synth_area *klb = area_by_abbr(c, "KLB"), *fzl = h->district;
	struct hazard spot;
	char dup[37];
	json_t *in;
	int rc;
	/* a proposal on an approved hazard: the accident is direct evidence */
	rc = dm_record_get(c->db, &c->who, h->id, NULL, &r, c->err);
	if (!rc) {
		in = json_pack("{s:s,s:s,s:s,s:s,s:s}", "category", "cha", "evidence_kind", "direct",
			"evidence", "Civilian accident on 2022-04-17: a tractor set off a TM-62M anti-tank mine",
			"priority", "high", "date_of_information", "2022-04-19");
		o.resolve_links = 1;
		rc = dm_record_update(c->db, &c->who, h->id, r->version, in, "accident confirms the hazard: upgrade to CHA",
				      &o, &out, c->err);
		json_decref(in);
		dm_record_free(out);
		out = NULL;
		if (!rc)
			c->st->pending++;
	}
	dm_record_free(r);
	r = NULL;
	/* a new report, still a draft: a point with an estimated area */
	if (!rc)
		rc = place_hazard(c, &spot, klb, 100, 1);
	if (!rc)
		rc = put(c, "hazard", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:f,s:o}",
			"organisation", c->ngo, "location", klb->id, "date_of_information", "2026-11-20",
			"name", "Kəlbəcər, summer pasture (new report)", "category", "sha", "hazard_type", "minefield",
			"contamination", set_of("ap_mine", NULL, NULL), "evidence_kind", "indirect",
			"evidence", "A shepherd reports a sheep killed by an explosion", "land_status", "open",
			"source", "Shepherd's report to the district executive authority", "estimated_area_m2", 25000.0,
			"geometry", synth_point(spot.s.cx, spot.s.cy)), WF_DRAFT, NULL, NULL, 0);
	/* a hazard submitted for approval */
	if (!rc)
		rc = place_hazard(c, &spot, fzl, 101, 1);
	if (!rc)
		rc = put(c, "hazard", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:f,s:o}",
			"organisation", c->llc, "location", fzl->id, "date_of_information", "2026-10-28",
			"name", "Füzuli, road verge (new report)", "category", "sha", "hazard_type", "dangerous_area",
			"contamination", set_of("uxo", NULL, NULL), "evidence_kind", "indirect",
			"evidence", "Road workers found a mortar bomb nearby", "land_status", "open",
			"source", "Road construction contractor", "estimated_area_m2", 4000.0,
			"geometry", synth_point(spot.s.cx, spot.s.cy)),
			WF_SUBMITTED, NULL, NULL, 0);
	/* a duplicate entry, deleted with a reason */
	if (!rc) {
		char reason[160];
		in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:o}",
			"organisation", c->anama, "location", fzl->id, "date_of_information", "2022-04-19",
			"name", "Field of the tractor accident", "category", "sha", "hazard_type", "minefield",
			"contamination", set_of("at_mine", NULL, NULL), "evidence_kind", "indirect", "land_status", "open",
			"geometry", synth_shape_geom(&h->s));
		rc = put(c, "hazard", in, WF_APPROVED, dup, NULL, 0);
		snprintf(reason, sizeof(reason), "duplicate of %s, entered twice from the same accident report",
			 h->code);
		if (!rc)
			rc = dm_record_get(c->db, &c->who, dup, NULL, &r, c->err);
		if (!rc)
			rc = dm_record_delete(c->db, &c->who, dup, r->version, reason, c->err);
		if (!rc)
			c->st->deleted++;
		dm_record_free(r);
	}
	return rc;
}

/* ---- the return programme (issue 17): the settlements of the demo districts, each with its
 * population before displacement and its planned returnees, and the roads to the first three
 * from the nearest hazard of their district (so that one route crosses a hazard not closed).
 * Written last: each computes its readiness from the hazards and releases already there. */
static size_t nearest_hazard(const struct ctx *c, size_t j)
{
	size_t best = c->nhaz;
	double bd = 1e30;
	for (size_t i = 0; i < c->nhaz; i++) {
		double dx = (c->haz[i].s.cx - settlements[j].lon) * synth_kx(settlements[j].lat);
		double dy = (c->haz[i].s.cy - settlements[j].lat) * SYNTH_KY, d = dx * dx + dy * dy;
		if (c->haz[i].district == c->settle_area[j] && d < bd) {
			bd = d;
			best = i;
		}
	}
	return best;
}

/* Villages of the return plan beside demo hazards (the hazards are made up, so are these
 * positions): 250 m beyond the edge of the first polygon hazards, the first drawn with a
 * built-up polygon of 400 m by 300 m. */
static const char *const villages[][3] = {
	{ "Kangarli", "Kəngərli kəndi", "Кенгерли" },
	{ "Ahmadbayli", "Əhmədbəyli kəndi", "Ахмедбейли" },
	{ "Soltanli", "Soltanlı kəndi", "Солтанлы" },
	{ "Gerger", "Gərgər kəndi", "Гергер" },
};

static json_t *village_geom(double x, double y, int built_up)
{
	double dx = 200 / synth_kx(y), dy = 150 / SYNTH_KY;
	if (!built_up)
		return synth_point(x, y);
	return json_pack("{s:s,s:[[[f,f],[f,f],[f,f],[f,f],[f,f]]]}", "type", "Polygon", "coordinates", x - dx, y - dy,
			 x + dx, y - dy, x + dx, y + dy, x - dx, y + dy, x - dx, y - dy);
}

static int villages_near_hazards(struct ctx *c)
{
	size_t k = 0;
	int rc = 0;
	for (size_t i = 0; i < c->nhaz && k < sizeof(villages) / sizeof(villages[0]) && !rc; i++) {
		const struct hazard *h = &c->haz[i];
		double x, y;
		if (h->is_point)
			continue;
		x = h->s.cx + (h->s.r_m + 250 + (k == 0 ? 200 : 0)) / synth_kx(h->s.cy);
		y = h->s.cy;
		rc = put(c, "settlement", json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:o}", "date_of_information",
			"2024-01-15", "name_en", villages[k][0], "name_az", villages[k][1], "name_ru", villages[k][2],
			"location", h->district->id, "population_before", (json_int_t)(400 + 150 * k), "planned_returnees",
			(json_int_t)(250 + 100 * k), "return_priority", (json_int_t)(NSETTLE + k + 1), "geometry",
			village_geom(x, y, k == 0)), WF_APPROVED, NULL, NULL, 0);
		k++;
	}
	return rc;
}

static int return_plan(struct ctx *c)
{
	char sid[NSETTLE][37];
	int rc = 0;
	for (size_t j = 0; j < NSETTLE && !rc; j++) {
		const struct settlement *s = &settlements[j];
		json_int_t before = 1500 + (json_int_t)(next(c) % 20) * 250;
		rc = put(c, "settlement", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:o}",
			"date_of_information", "2024-01-15", "name_en", s->name_en, "name_az", s->name_az,
			"name_ru", s->name_ru, "alt_names", s->alt, "location", c->settle_area[j]->id,
			"population_before", before, "planned_returnees", before * 3 / 5, "return_priority",
			(json_int_t)j + 1, "geometry", synth_point(s->lon, s->lat)), WF_APPROVED, sid[j], NULL, 0);
	}
	for (size_t j = 0; j < 3 && j < NSETTLE && !rc; j++) {
		size_t h = nearest_hazard(c, j);
		json_t *line;
		char name[40];
		if (h == c->nhaz)
			continue;
		line = json_pack("{s:s,s:[[f,f],[f,f]]}", "type", "LineString", "coordinates", settlements[j].lon, settlements[j].lat,
				 c->haz[h].s.cx, c->haz[h].s.cy);
		snprintf(name, sizeof(name), "R-%02zu %s access road", j + 1, settlements[j].name_en);
		rc = put(c, "access_route", json_pack("{s:s,s:s,s:s,s:[s],s:o}", "date_of_information", "2024-01-15",
			"name", name, "kind", "road", "settlements", sid[j], "geometry", line), WF_APPROVED, NULL, NULL, 0);
	}
	/* key infrastructure known as a point: the school of the first settlement */
	if (!rc)
		rc = put(c, "access_route", json_pack("{s:s,s:s,s:s,s:[s],s:o}", "date_of_information", "2024-01-15",
			"name", "School No. 1", "kind", "school", "settlements", sid[0], "geometry",
			synth_point(settlements[0].lon + 0.002, settlements[0].lat + 0.001)), WF_APPROVED, NULL, NULL, 0);
	return rc ? rc : villages_near_hazards(c);
}

static int count_closed(struct dm_record *r, void *arg)
{
	const char *s = json_string_value(json_object_get(r->fields, "land_status"));
	if (s && !strcmp(s, "closed"))
		(*(size_t *)arg)++;
	return 0;
}

int dm_demo_fill(struct dm_db *db, struct dm_demo_stats *st, struct dm_error *err)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct dm_demo_stats local;
	struct dm_store *store = dm_db_store(db);
	const struct dm_type *types;
	size_t i, n;
	int rc;
	if (!c)
		return dm_error_set(err, DM_ENOMEM, "", "demo: out of memory");
	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	types = dm_schema_builtin(&n);
	for (i = 0; i < n && i < DM_DEMO_MAX_TYPES; i++)
		st->type[st->ntypes++] = types[i].name;
	c->db = db;
	c->who.user = "demo";
	c->who.role = "local";
	c->who.org_id = NULL;
	c->st = st;
	c->err = err;
	c->rng = SEED;
	rc = synth_load_areas(c->areas, &c->nareas, "demo", c->err);
	if (!rc)
		rc = dm_store_begin(store, err);
	if (rc)
		goto out;
	rc = organisations(c);
	snprintf(st->operator_org, sizeof(st->operator_org), "%s", c->anama);
	snprintf(st->donor_org, sizeof(st->donor_org), "%s", c->meae);
	if (!rc)
		rc = locations(c);
	if (!rc)
		rc = money(c);
	if (!rc)
		rc = hazards(c);
	if (!rc)
		rc = releases(c);
	if (!rc)
		rc = accident(c);
	if (!rc)
		rc = eore(c);
	if (!rc)
		rc = qm(c);
	if (!rc)
		rc = workflow(c);
	if (!rc)
		rc = return_plan(c);
	if (!rc) {
		struct dm_list_opts lo = { 0 };
		rc = dm_record_list(db, &c->who, "hazard", &lo, count_closed, &st->hazards_closed, err);
	}
	if (rc) {
		dm_store_rollback(store);
		goto out;
	}
	rc = dm_store_commit(store, err);
out:
	synth_release_areas(c->areas, c->nareas);
	free(c);
	return rc;
}
