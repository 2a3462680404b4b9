/* gen.c: the generated national data set for benchmarks: star-shaped hazard polygons of
 * log-normal sizes placed inside the Karabakh districts, releases cut from them as strips,
 * finds, accidents, victims, risk education and grants, written through the single write path
 * as approved records, deterministic for a seed (xoshiro256** seeded with splitmix64). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>
#include "demine/demo.h"
#include "demine/gen.h"
#include "demine/record.h"
#include "demine/store.h"
#include "demine/util.h"
#include "synth.h"

#ifndef DEMINE_DATADIR
#define DEMINE_DATADIR "data"
#endif

#define CELL 0.01      /* degrees: the occupancy grid that keeps hazards apart */
#define LAST_DAY "2026-10-31"
#define REASON "generated national data set (demine gen)"

struct org {
	const char *name, *short_name, *kind, *country, *ext;
};

struct gen {
	struct dm_db *db;
	struct dm_store *st;
	struct dm_actor who;
	struct dm_error *err;
	const struct dm_gen_opts *o;
	struct dm_gen_stats *stats;
	uint64_t s[4];
	crypto_generichash_state digest;
	struct synth_area areas[SYNTH_MAX_AREAS];
	size_t nareas;
	struct synth_area *kar[16];
	double kweight[16], ktotal;
	size_t nkar;
	char org_id[16][37]; /* ids of the organisations of org_table, in its order */
	char grant_id[3][37], grant_code[3][48];
	/* occupancy grid over the Karabakh box: head[cell] -> first hazard, next[hazard] */
	double gx0, gy0;
	int gw, gh;
	int32_t *head, *next;
	float *hx, *hy, *hr;
	size_t nplaced, cap;
	int first_feature;
};

/* ---- deterministic randomness: xoshiro256**, seeded through splitmix64 ---- */
static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next(struct gen *g)
{
	uint64_t *s = g->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

static double unif(struct gen *g)
{
	return (double)(next(g) >> 11) * (1.0 / 9007199254740992.0);
}

static int pick(struct gen *g, int n)
{
	int v = (int)(unif(g) * n);
	return v < n ? v : n - 1;
}

/* A standard normal deviate (Box-Muller). */
static double normal(struct gen *g)
{
	double u = unif(g), v = unif(g);
	return sqrt(-2.0 * log(u > 1e-300 ? u : 1e-300)) * cos(2 * SYNTH_PI * v);
}

/* A date no later than the last day of the data set. */
static void date_capped(const char *base, long d, char out[11])
{
	synth_date_add(base, d, out);
	if (strcmp(out, LAST_DAY) > 0)
		memcpy(out, LAST_DAY, 11);
}

/* The districts hazards go to, with a weight for how much contamination each holds. */
static const struct {
	const char *abbr;
	double weight;
} karabakh[] = { { "AGD", 12 }, { "FZL", 14 }, { "JBR", 10 }, { "ZNG", 6 }, { "GBD", 6 }, { "LAC", 9 },
		 { "KLB", 12 }, { "KHJ", 8 }, { "SHU", 3 }, { "KHL", 7 }, { "TRT", 9 } };

static int pick_districts(struct gen *g)
{
	size_t i, k;
	double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9;
	for (k = 0; k < sizeof(karabakh) / sizeof(karabakh[0]); k++)
		for (i = 0; i < g->nareas; i++)
			if (!strcmp(g->areas[i].pl->abbr, karabakh[k].abbr)) {
				struct synth_area *a = &g->areas[i];
				g->kar[g->nkar] = a;
				g->ktotal += karabakh[k].weight;
				g->kweight[g->nkar++] = g->ktotal;
				minx = fmin(minx, a->minx), miny = fmin(miny, a->miny);
				maxx = fmax(maxx, a->maxx), maxy = fmax(maxy, a->maxy);
				break;
			}
	if (g->nkar != sizeof(karabakh) / sizeof(karabakh[0]))
		return dm_error_set(g->err, DM_EINVAL, "", "gen: the boundary file lacks a Karabakh district");
	g->gx0 = minx;
	g->gy0 = miny;
	g->gw = (int)((maxx - minx) / CELL) + 1;
	g->gh = (int)((maxy - miny) / CELL) + 1;
	g->head = malloc((size_t)g->gw * g->gh * sizeof(int32_t));
	if (!g->head)
		return dm_error_set(g->err, DM_ENOMEM, "", "gen: out of memory");
	memset(g->head, 0xff, (size_t)g->gw * g->gh * sizeof(int32_t));
	return 0;
}

static struct synth_area *pick_district(struct gen *g)
{
	double u = unif(g) * g->ktotal;
	size_t i;
	for (i = 0; i < g->nkar - 1; i++)
		if (u < g->kweight[i])
			break;
	return g->kar[i];
}

/* ---- keeping hazards apart: a grid of cells, each a list of placed hazards ---- */
static int grid_clash(const struct gen *g, double x, double y, double r_m)
{
	int cx = (int)((x - g->gx0) / CELL), cy = (int)((y - g->gy0) / CELL), i, j;
	double kx = synth_kx(y);
	for (j = cy - 2; j <= cy + 2; j++)
		for (i = cx - 2; i <= cx + 2; i++) {
			int32_t h;
			if (i < 0 || j < 0 || i >= g->gw || j >= g->gh)
				continue;
			for (h = g->head[(size_t)j * g->gw + i]; h >= 0; h = g->next[h]) {
				double dx = (g->hx[h] - x) * kx, dy = (g->hy[h] - y) * SYNTH_KY;
				if (sqrt(dx * dx + dy * dy) < g->hr[h] + r_m + 50)
					return 1;
			}
		}
	return 0;
}

static int grid_add(struct gen *g, double x, double y, double r_m)
{
	int cx = (int)((x - g->gx0) / CELL), cy = (int)((y - g->gy0) / CELL);
	size_t cell;
	if (g->nplaced == g->cap) {
		size_t cap = g->cap;
		int grown = !DM_GROW(g->next, g->nplaced + 1, cap);
		float *a = NULL, *b = NULL, *c = NULL;
		if (grown && (a = dm_realloc_array(g->hx, cap, sizeof(float))))
			g->hx = a;
		if (a && (b = dm_realloc_array(g->hy, cap, sizeof(float))))
			g->hy = b;
		if (b && (c = dm_realloc_array(g->hr, cap, sizeof(float))))
			g->hr = c;
		if (!c)
			return dm_error_set(g->err, DM_ENOMEM, "", "gen: out of memory");
		g->cap = cap;
	}
	cx = cx < 0 ? 0 : cx >= g->gw ? g->gw - 1 : cx;
	cy = cy < 0 ? 0 : cy >= g->gh ? g->gh - 1 : cy;
	cell = (size_t)cy * g->gw + cx;
	g->hx[g->nplaced] = (float)x;
	g->hy[g->nplaced] = (float)y;
	g->hr[g->nplaced] = (float)r_m;
	g->next[g->nplaced] = g->head[cell];
	g->head[cell] = (int32_t)g->nplaced++;
	return 0;
}

/* ---- shapes ---- */
/* Area sizes: log-normal around 15,000 m2, kept between 1,000 and 500,000 m2 (the margins
 * cover the local planar approximation, within 1%, and a hole, within 3%). */
static double pick_area(struct gen *g)
{
	double a = exp(log(15000.0) + 1.3 * normal(g));
	return fmin(490000.0, fmax(1050.0, a));
}

/* The hole: a quadrilateral inside sector 0 (affine image of a convex quad in barycentric
 * coordinates of the triangle c, v0, v1), written clockwise as RFC 7946 asks. */
static void make_hole(struct synth_shape *s)
{
	static const double u[4] = { 0.25, 0.5, 0.55, 0.3 }, w[4] = { 0.2, 0.15, 0.3, 0.45 };
	int i;
	for (i = 0; i < 4; i++) {
		s->hx[3 - i] = synth_round_to(s->cx + u[i] * (s->x[0] - s->cx) + w[i] * (s->x[1] - s->cx), 1e7);
		s->hy[3 - i] = synth_round_to(s->cy + u[i] * (s->y[0] - s->cy) + w[i] * (s->y[1] - s->cy), 1e7);
	}
	s->hn = 4;
}

static void make_shape(struct gen *g, double cx, double cy, double area_m2, struct synth_shape *s)
{
	double ratio = 1.0 + 1.5 * unif(g), th = unif(g) * SYNTH_PI, kx = synth_kx(cy), sum = 0, f, rmax = 0;
	double ex[SYNTH_MAXV], ey[SYNTH_MAXV];
	int i;
	memset(s, 0, sizeof(*s));
	s->cx = cx;
	s->cy = cy;
	s->n = 8 + pick(g, 13);
	for (i = 0; i < s->n; i++) {
		/* jitter below half a step keeps the angles strictly increasing */
		double t = 2 * SYNTH_PI * (i + 0.8 * (unif(g) - 0.5)) / s->n, r = 0.55 + 0.6 * unif(g);
		double px = ratio * r * cos(t), py = r * sin(t);
		ex[i] = px * cos(th) - py * sin(th);
		ey[i] = px * sin(th) + py * cos(th);
	}
	for (i = 0; i < s->n; i++) {
		int j = (i + 1) % s->n;
		sum += ex[i] * ey[j] - ex[j] * ey[i];
	}
	f = sqrt(area_m2 / (sum / 2)); /* metres per unit, for the area asked */
	for (i = 0; i < s->n; i++) {
		s->x[i] = synth_round_to(cx + f * ex[i] / kx, 1e7);
		s->y[i] = synth_round_to(cy + f * ey[i] / SYNTH_KY, 1e7);
		rmax = fmax(rmax, f * sqrt(ex[i] * ex[i] + ey[i] * ey[i]));
	}
	s->r_m = rmax;
}

static int place(struct gen *g, struct synth_area **d_out, struct synth_shape *s)
{
	int tries;
	for (tries = 0; tries < 400; tries++) {
		struct synth_area *d = tries % 40 == 0 || !*d_out ? pick_district(g) : *d_out;
		double x = synth_round_to(d->minx + unif(g) * (d->maxx - d->minx), 1e6);
		double y = synth_round_to(d->miny + unif(g) * (d->maxy - d->miny), 1e6);
		double area = pick_area(g);
		*d_out = d;
		if (!synth_inside(d, x, y))
			continue;
		make_shape(g, x, y, area, s);
		/* apart from the others while there is room; a full map accepts overlaps */
		if (tries < 20 && grid_clash(g, x, y, s->r_m))
			continue;
		if (!synth_ring_inside(d, s->x, s->y, s->n))
			continue;
		if (unif(g) < 0.1)
			make_hole(s);
		return grid_add(g, x, y, s->r_m);
	}
	return dm_error_set(g->err, DM_EINVAL, "", "gen: could not place a hazard in %s", (*d_out)->pl->name_en);
}

/* A strip of the hazard: the fan of sectors i0 .. i0+len-1 (all of them: the shell). */
static json_t *fan_geom(const struct synth_shape *s, int i0, int len)
{
	if (len >= s->n)
		return synth_polygon(synth_ring_json(s->x, s->y, s->n), NULL);
	return synth_fan_geom(s, i0, i0 + len);
}

/* A point inside sector k, away from its edges. */
static json_t *point_in_sector(struct gen *g, const struct synth_shape *s, int k)
{
	int l = (k + 1) % s->n;
	double u = 0.1 + 0.35 * unif(g), w = 0.1 + 0.35 * unif(g);
	double x = s->cx + u * (s->x[k] - s->cx) + w * (s->x[l] - s->cx);
	double y = s->cy + u * (s->y[k] - s->cy) + w * (s->y[l] - s->cy);
	return synth_point(synth_round_to(x, 1e7), synth_round_to(y, 1e7));
}

/* ---- writing ---- */
struct link {
	const char *field, *id, *code;
};

/* Adds the record's content to the digest: its type and its fields, links by code (ids are
 * random), keys sorted. */
static void digest_add(struct gen *g, const char *type, json_t *in, const struct link *links, size_t nlinks)
{
	size_t i;
	char *dump;
	for (i = 0; i < nlinks; i++)
		json_object_set_new(in, links[i].field, json_string(links[i].code));
	dump = json_dumps(in, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
	crypto_generichash_update(&g->digest, (const unsigned char *)type, strlen(type) + 1);
	if (dump)
		crypto_generichash_update(&g->digest, (const unsigned char *)dump, strlen(dump) + 1);
	free(dump);
	for (i = 0; i < nlinks; i++)
		json_object_set_new(in, links[i].field, json_string(links[i].id));
}

/* Creates an approved record from in (consumed), links given by id and code. id_out and code_out
 * (48 bytes) may be NULL. */
static int put(struct gen *g, const char *type, json_t *in, const struct link *links, size_t nlinks, char *id_out,
	       char *code_out)
{
	struct dm_write_opts o = { 0 };
	struct dm_record *r = NULL;
	int rc;
	if (!in)
		return dm_error_set(g->err, DM_ENOMEM, "", "gen: could not build a %s (out of memory)", type);
	digest_add(g, type, in, links, nlinks);
	o.approve = 1;
	json_object_set_new(in, "change_reason", json_string(REASON));
	rc = dm_record_create(g->db, &g->who, type, in, &o, &r, g->err);
	if (rc) {
		char *dump = json_dumps(in, JSON_COMPACT);
		dm_error_prefix(g->err, "gen: %s %.300s", type, dump ? dump : "");
		free(dump);
	} else {
		if (id_out)
			memcpy(id_out, r->id, 37);
		if (code_out)
			snprintf(code_out, 48, "%s", r->code ? r->code : "");
		g->stats->records++;
	}
	json_decref(in);
	dm_record_free(r);
	return rc;
}

/* ---- base data: organisations, admin areas, money ---- */
static const struct org org_table[] = {
	{ "Mine Action Agency of the Republic of Azerbaijan", "ANAMA", "national_authority", "AZ", "GEN-ORG-ANAMA" },
	{ "Azerbaijan Demining NGO", "ADN", "operator_ngo", "AZ", "GEN-ORG-ADN" },
	{ "Safe Lands LLC", "Safe Lands", "operator_commercial", "AZ", "GEN-ORG-SL" },
	{ "Engineering Battalion (MoD)", "Eng Bn", "operator_military", "AZ", "GEN-ORG-ENG" },
	{ "Karabakh Clearance Company", "KCC", "operator_commercial", "AZ", "GEN-ORG-KCC" },
	{ "Ministry for Europe and Foreign Affairs", "MEAE", "donor_government", "FR", "GEN-ORG-MEAE" },
	{ "U.S. Department of State, Office of Weapons Removal and Abatement", "PM/WRA", "donor_government", "US",
	  "GEN-ORG-WRA" },
	{ "United Nations Development Programme", "UNDP", "un_agency", NULL, "GEN-ORG-UNDP" },
	{ "European Union", "EU", "donor_multilateral", NULL, "GEN-ORG-EU" },
	{ "Ministry of Finance of the Republic of Azerbaijan", "MoF", "donor_government", "AZ", "GEN-ORG-MOF" },
};
enum { O_ANAMA, O_ADN, O_SL, O_ENG, O_KCC, O_MEAE, O_WRA, O_UNDP, O_EU, O_MOF, NORG };
static const int operators[] = { O_ANAMA, O_ADN, O_SL, O_ENG, O_KCC };
static const int donors[] = { O_MEAE, O_WRA, O_UNDP, O_EU, O_MOF };

static int organisations(struct gen *g)
{
	const struct org *o = org_table;
	size_t i;
	int rc = 0;
	for (i = 0; i < NORG && !rc; i++) {
		json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s}", "date_of_information", "2021-01-15", "name", o[i].name,
				       "short_name", o[i].short_name, "kind", o[i].kind, "external_id", o[i].ext);
		if (in && o[i].country)
			json_object_set_new(in, "country", json_string(o[i].country));
		rc = put(g, "organisation", in, NULL, 0, g->org_id[i], NULL);
		g->stats->organisations += !rc;
	}
	return rc;
}

static int locations(struct gen *g)
{
	size_t i;
	int rc = 0;
	for (i = 0; i < g->nareas && !rc; i++) {
		struct synth_area *a = &g->areas[i];
		json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O}",
			"external_id", a->pl->pcode, "date_of_information", "2021-01-15", "kind", "adm2",
			"name_en", a->pl->name_en, "name_az", a->pl->name_az, "name_ru", a->pl->name_ru,
			"alt_names", a->pl->alt_names, "pcode", a->pl->pcode, "abbr", a->pl->abbr, "geometry", a->geom);
		rc = put(g, "location", in, NULL, 0, a->id, a->code);
		g->stats->locations += !rc;
	}
	return rc;
}

/* Rates on one day, around their 2021-2026 levels (the manat is pegged to the dollar). */
static int rates_on(struct gen *g, const char *date)
{
	double eurusd = synth_round_to(1.05 + 0.15 * unif(g), 1e4);
	char r1[32], r2[32];
	int rc;
	snprintf(r1, sizeof(r1), "%.4f", synth_round_to(eurusd * 1.7, 1e4));
	snprintf(r2, sizeof(r2), "%.4f", eurusd);
	rc = put(g, "exchange_rate", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "date_of_information", date, "date", date,
		 "from_currency", "EUR", "to_currency", "AZN", "rate", r1, "source", "cbar"), NULL, 0, NULL, NULL);
	if (!rc)
		rc = put(g, "exchange_rate", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "date_of_information", date, "date",
			 date, "from_currency", "USD", "to_currency", "AZN", "rate", "1.7000", "source", "cbar"), NULL, 0,
			 NULL, NULL);
	if (!rc)
		rc = put(g, "exchange_rate", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "date_of_information", date, "date",
			 date, "from_currency", "EUR", "to_currency", "USD", "rate", r2, "source", "ecb"), NULL, 0,
			 NULL, NULL);
	g->stats->exchange_rates += rc ? 0 : 3;
	return rc;
}

/* Grants in EUR, USD and AZN, one a few days apart, each with the rates of its day. */
static int grants(struct gen *g, size_t n)
{
	static const char *const cur[] = { "EUR", "USD", "AZN" };
	static const char *const status[] = { "pledged", "committed", "disbursed", "disbursed" };
	size_t i;
	int rc = 0;
	for (i = 0; i < n && !rc; i++) {
		int donor = donors[i % 5], recipient = i % 3 == 0 ? O_ANAMA : operators[i % 5];
		char date[11], amount[32], title[120], id[37], code[48];
		struct link l[3] = { { "donor", g->org_id[donor], org_table[donor].ext },
			{ "recipient", g->org_id[recipient], org_table[recipient].ext },
			{ "organisation", g->org_id[O_ANAMA], org_table[O_ANAMA].ext } };
		synth_date_add("2021-01-04", (long)(i * 2130 / (n > 1 ? n - 1 : 1)), date);
		snprintf(amount, sizeof(amount), "%lld.00", (long long)(50 + pick(g, 2000)) * 1000);
		snprintf(title, sizeof(title), "Humanitarian mine action in Karabakh, phase %zu (generated)", i + 1);
		rc = rates_on(g, date);
		if (!rc)
			rc = put(g, "grant", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
				 "organisation", g->org_id[O_ANAMA], "date_of_information", date, "donor", g->org_id[donor],
				 "recipient", g->org_id[recipient], "title", title, "amount", amount, "currency", cur[i % 3],
				 "announced_date", date, "grant_status", status[pick(g, 4)], "purpose_code", "15250"),
				 l, 3, id, code);
		if (!rc && i < 3) {
			memcpy(g->grant_id[i], id, 37);
			memcpy(g->grant_code[i], code, 48);
		}
		g->stats->grants += !rc;
	}
	return rc;
}

/* ---- a hazard and what happened on it ---- */
struct haz {
	struct synth_area *d;
	struct synth_shape s;
	const char *type;
	char date[11];
	char id[37], code[48];
	int op; /* the operator, an index in org_table */
	int nrel;
	int rel_sector0[8], rel_len[8];
	char rel_id[8][37], rel_code[8][48], rel_end[8][11];
	const char *rel_method[8];
};

static const char *const place_words[] = { "former front line", "vineyard", "orchard", "pasture", "road verge",
	"riverbank", "cemetery approach", "farm buildings", "hilltop position", "irrigation canal", "wheat field",
	"village outskirts", "forest edge", "railway embankment", "school yard", "gas pipeline corridor" };

static json_t *contamination_of(struct gen *g, const char *type)
{
	if (!strcmp(type, "minefield"))
		return unif(g) < 0.6 ? json_pack("[s,s]", "ap_mine", "at_mine") : json_pack("[s]", "ap_mine");
	if (!strcmp(type, "battle_area"))
		return json_pack("[s,s]", "uxo", "axo");
	if (!strcmp(type, "cluster_munition_strike"))
		return json_pack("[s,s]", "cmr", "uxo");
	return json_pack("[s]", "uxo");
}

/* The hazard's own fields (the GeoJSON feature's properties too). */
static json_t *hazard_fields(struct gen *g, struct haz *h, size_t idx)
{
	static const char *const types[] = { "minefield", "minefield", "minefield", "minefield", "battle_area",
		"battle_area", "battle_area", "cluster_munition_strike", "dangerous_area" };
	static const char *const hml[] = { "high", "medium", "low" };
	static const char *const uses[] = { "agriculture", "grazing", "roads", "housing", "water", "infrastructure" };
	static const char *const sources[] = { "ANAMA non-technical survey team", "Local residents (returning IDPs)",
		"Former front-line records of the armed forces", "District executive authority" };
	const char *cat = unif(g) < 0.45 ? "sha" : "cha";
	char name[160];
	h->type = types[pick(g, 9)];
	synth_date_add("2021-02-01", pick(g, 1450), h->date);
	snprintf(name, sizeof(name), "%.*s, %s (%zu)", (int)strcspn(h->d->pl->name_az, " "), h->d->pl->name_az,
		 place_words[pick(g, 16)], idx + 1);
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:[s],s:s,s:s}",
		"name", name, "category", cat, "hazard_type", h->type, "date_of_information", h->date,
		"contamination", contamination_of(g, h->type), "evidence_kind", !strcmp(cat, "cha") ? "direct" : "indirect",
		"land_status", h->nrel ? "worked_on" : "open", "priority", hml[pick(g, 3)],
		"blockages", uses[pick(g, 6)], "source", sources[pick(g, 4)], "source_reliability", hml[pick(g, 2)]);
}

static int write_feature(struct gen *g, const struct haz *h, json_t *props)
{
	json_t *f;
	int rc;
	if (!g->o->geojson)
		return 0;
	f = json_pack("{s:s,s:O,s:o}", "type", "Feature", "properties", props, "geometry", synth_shape_geom(&h->s));
	if (!f)
		return dm_error_set(g->err, DM_ENOMEM, "", "gen: out of memory");
	json_object_set_new(json_object_get(f, "properties"), "external_id", json_string(h->code));
	fputs(g->first_feature ? "\n" : ",\n", g->o->geojson);
	g->first_feature = 0;
	rc = json_dumpf(f, g->o->geojson, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(f);
	return rc ? dm_error_set(g->err, DM_EIO, "", "gen: could not write the GeoJSON file") : 0;
}

/* Area in m2 of sector i (the triangle centre, v[i], v[i+1]). */
static double sector_m2(const struct synth_shape *s, int i)
{
	int j = (i + 1) % s->n;
	double kx = synth_kx(s->cy);
	double ax = (s->x[i] - s->cx) * kx, ay = (s->y[i] - s->cy) * SYNTH_KY, bx = (s->x[j] - s->cx) * kx, by = (s->y[j] - s->cy) * SYNTH_KY;
	return fabs(ax * by - ay * bx) / 2;
}

#define MIN_STRIP_M2 100.0 /* demine check calls releases under 25 m2 slivers; none are made */

/* Splits the sectors that may be released into strips: nrel strips of at least one sector and
 * MIN_STRIP_M2, and (unless the hazard is to be closed) a remainder left contaminated. */
static void plan_strips(struct gen *g, struct haz *h)
{
	int first = (h->s.hn > 0) ? 1 : 0, m = h->s.n - first, k = pick(g, 7), close = !(h->s.hn > 0) && unif(g) < 0.3;
	int parts, sizes[9], i, j, left, small;
	if (k > 6)
		k = 6;
	for (; k > 0; k--) {
		parts = k + !close;
		for (i = 0; i < parts; i++)
			sizes[i] = 1;
		for (left = m - parts; left > 0; left--)
			sizes[pick(g, parts)]++;
		for (i = 0, small = 0, j = first; i < k; j += sizes[i++]) {
			double a = 0;
			int t;
			for (t = 0; t < sizes[i]; t++)
				a += sector_m2(&h->s, (j + t) % h->s.n);
			small |= a < MIN_STRIP_M2;
		}
		if (!small)
			break;
	}
	h->nrel = k;
	for (i = 0; i < k; i++) {
		h->rel_sector0[i] = first;
		h->rel_len[i] = sizes[i];
		first += sizes[i];
	}
}

static int hazard(struct gen *g, struct haz *h, size_t idx)
{
	struct link l[2];
	json_t *in, *props;
	int rc;
	memset(h, 0, sizeof(*h));
	rc = place(g, &h->d, &h->s);
	if (rc)
		return rc;
	plan_strips(g, h);
	h->op = operators[pick(g, 5)];
	props = hazard_fields(g, h, idx);
	if (!props)
		return dm_error_set(g->err, DM_ENOMEM, "", "gen: out of memory");
	in = json_deep_copy(props);
	l[0] = (struct link){ "organisation", g->org_id[O_ANAMA], org_table[O_ANAMA].ext };
	l[1] = (struct link){ "location", h->d->id, h->d->pl->pcode };
	if (in)
		json_object_set_new(in, "geometry", synth_shape_geom(&h->s));
	rc = put(g, "hazard", in, l, 2, h->id, h->code);
	if (!rc) {
		json_object_set_new(props, "organisation", json_string(org_table[O_ANAMA].ext));
		json_object_set_new(props, "location", json_string(h->d->pl->pcode));
		rc = write_feature(g, h, props);
	}
	json_decref(props);
	g->stats->hazards += !rc;
	g->stats->holes += !rc && (h->s.hn > 0);
	return rc;
}

static json_t *technique_of(struct gen *g, const char *htype, const char *method)
{
	if (!strcmp(method, "nts"))
		return NULL;
	if (strcmp(htype, "minefield"))
		return json_pack("[s,s]", "battle_area_clearance", "manual");
	return unif(g) < 0.5 ? json_pack("[s,s]", "manual", "mdd") : json_pack("[s,s]", "mechanical", "manual");
}

static int releases(struct gen *g, struct haz *h)
{
	static const char *const methods[] = { "nts", "ts", "clearance" };
	static const char *const results[] = { "cancelled", "reduced", "cleared" };
	char start[11];
	int i, rc = 0;
	synth_date_add(h->date, 20 + pick(g, 300), start);
	for (i = 0; i < h->nrel && !rc; i++) {
		int m = pick(g, 3);
		char end[11], handover[11], team[40];
		struct link l[4] = { { "hazard", h->id, h->code }, { "organisation", g->org_id[h->op], org_table[h->op].ext },
				     { "operator", g->org_id[h->op], org_table[h->op].ext },
				     { "location", h->d->id, h->d->pl->pcode } };
		json_t *in, *tech;
		date_capped(start, 0, start);
		date_capped(start, 3 + pick(g, m == 2 ? 120 : 30), end);
		date_capped(end, 7 + pick(g, 30), handover);
		snprintf(team, sizeof(team), "%s team %d", org_table[h->op].short_name, 1 + pick(g, 12));
		in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
			"organisation", g->org_id[h->op], "location", h->d->id, "date_of_information", end, "hazard", h->id,
			"operator", g->org_id[h->op], "team", team, "method", methods[m], "result", results[m],
			"start_date", start, "end_date", end, "handover_date", handover,
			"handover_to", "District executive authority and the village municipality",
			"geometry", fan_geom(&h->s, h->rel_sector0[i], h->rel_len[i]));
		if (in && (tech = technique_of(g, h->type, methods[m])))
			json_object_set_new(in, "technique", tech);
		if (in && m == 2)
			json_object_set_new(in, "clearance_depth_cm", json_integer(!strcmp(h->type, "minefield") ? 20 : 30));
		if (in) /* land_use_after is a set */
			json_object_set_new(in, "land_use_after", json_pack("[s]", !strcmp(h->type, "minefield")
					    ? "agriculture" : "grazing"));
		rc = put(g, "land_release", in, l, 4, h->rel_id[i], h->rel_code[i]);
		h->rel_method[i] = methods[m];
		memcpy(h->rel_end[i], end, 11);
		g->stats->releases += !rc;
		synth_date_add(end, 1 + pick(g, 90), start);
	}
	return rc;
}

struct find_kind {
	const char *category, *model;
	int qmax, dmax;
};
static const struct find_kind mine_finds[] = { { "ap_mine", "PMN-2", 24, 12 }, { "at_mine", "TM-62M", 5, 30 },
	{ "ap_mine", "OZM-72", 4, 10 }, { "ap_mine", "PMN-1", 12, 10 } };
static const struct find_kind battle_finds[] = { { "uxo", "122mm artillery projectile (OF-462)", 4, 40 },
	{ "uxo", "82mm mortar bomb", 9, 25 }, { "axo", "PG-7V rocket-propelled grenade", 3, 5 },
	{ "cmr", "9N235 submunition", 30, 10 }, { "saa", "7.62mm cartridges", 200, 5 } };

/* About ten finds per hazard, in the sectors of its survey and clearance strips when it has
 * some, else anywhere in it (found by other work). */
static int finds(struct gen *g, struct haz *h)
{
	int n = pick(g, 21), i, rc = 0;
	int tech[8], ntech = 0;
	for (i = 0; i < h->nrel; i++)
		if (strcmp(h->rel_method[i], "nts"))
			tech[ntech++] = i;
	for (i = 0; i < n && !rc; i++) {
		const struct find_kind *k = !strcmp(h->type, "minefield") ? &mine_finds[pick(g, 4)] : &battle_finds[pick(g, 5)];
		int r = ntech ? tech[pick(g, ntech)] : -1;
		int sector = r >= 0 ? h->rel_sector0[r] + pick(g, h->rel_len[r]) : (h->s.hn > 0) + pick(g, h->s.n - (h->s.hn > 0));
		struct link l[4] = { { "hazard", h->id, h->code }, { "organisation", g->org_id[h->op], org_table[h->op].ext },
				     { "location", h->d->id, h->d->pl->pcode }, { "release", r >= 0 ? h->rel_id[r] : "", r >= 0 ? h->rel_code[r] : "" } };
		char date[11];
		json_t *in;
		if (r >= 0)
			memcpy(date, h->rel_end[r], 11);
		else
			date_capped(h->date, pick(g, 400), date);
		in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:i,s:s,s:o}",
			"organisation", g->org_id[h->op], "location", h->d->id, "date_of_information", date, "hazard", h->id,
			"category", k->category, "model", k->model, "quantity", 1 + pick(g, k->qmax),
			"disposition", unif(g) < 0.8 ? "destroyed_in_situ" : unif(g) < 0.5 ? "removed" : "rendered_safe",
			"depth_cm", pick(g, k->dmax + 1), "find_date", date,
			"geometry", point_in_sector(g, &h->s, sector % h->s.n));
		if (in && r >= 0)
			json_object_set_new(in, "release", json_string(h->rel_id[r]));
		rc = put(g, "eo_find", in, l, r >= 0 ? 4 : 3, NULL, NULL);
		g->stats->finds += !rc;
	}
	return rc;
}

/* An accident in the hazard with one to three victims. */
static int accident(struct gen *g, struct haz *h)
{
	static const char *const activities[] = { "agriculture", "herding", "construction", "travel", "tampering",
		"demining" };
	static const char *const sexes[] = { "male", "male", "male", "female", "unknown" };
	int act = pick(g, 6), nv = 1 + pick(g, 3), i, rc;
	const char *dev = !strcmp(h->type, "minefield") ? (unif(g) < 0.7 ? "ap_mine" : "at_mine") : "uxo";
	char date[11], id[37], code[48];
	struct link l[3] = { { "hazard", h->id, h->code }, { "organisation", g->org_id[O_ANAMA], org_table[O_ANAMA].ext },
			     { "location", h->d->id, h->d->pl->pcode } };
	date_capped(h->date, pick(g, 700), date);
	rc = put(g, "accident", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
		"organisation", g->org_id[O_ANAMA], "location", h->d->id, "date_of_information", date,
		"accident_date", date, "accident_kind", act == 5 ? "demining" : "civilian", "device_category", dev,
		"activity", activities[act], "hazard", h->id, "geometry", point_in_sector(g, &h->s, (h->s.hn > 0))),
		l, 3, id, code);
	g->stats->accidents += !rc;
	for (i = 0; i < nv && !rc; i++) {
		struct link lv[3] = { { "accident", id, code }, { "organisation", g->org_id[O_ANAMA], org_table[O_ANAMA].ext },
				      { "location", h->d->id, h->d->pl->pcode } };
		int age = unif(g) < 0.25 ? 6 + pick(g, 12) : 18 + pick(g, 55);
		rc = put(g, "victim", json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s}",
			"organisation", g->org_id[O_ANAMA], "location", h->d->id, "date_of_information", date,
			"accident", id, "sex", sexes[pick(g, 5)], "age", age, "outcome", unif(g) < 0.3 ? "killed" : "injured",
			"role", act == 5 ? "deminer" : "civilian"), lv, 3, NULL, NULL);
		g->stats->victims += !rc;
	}
	return rc;
}

/* A risk education session near the hazard. */
static int eore(struct gen *g, struct haz *h)
{
	static const char *const methods[] = { "interpersonal", "interpersonal", "interpersonal", "training_of_trainers",
		"digital", "mass_media" };
	static const char *const audiences[] = { "community", "school", "returning_idps", "workers" };
	int aud = pick(g, 4), school = aud == 1, workers = aud == 3, gi = pick(g, 3);
	char date[11];
	int o = pick(g, 2) ? O_ADN : O_ANAMA;
	struct link l[3] = { { "organisation", g->org_id[o], org_table[o].ext }, { "location", h->d->id, h->d->pl->pcode },
			     { "grant", g->grant_id[gi], g->grant_code[gi] } };
	json_t *in;
	int rc;
	date_capped(h->date, pick(g, 500), date);
	in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:s,s:s,s:o}",
		"organisation", g->org_id[o], "location", h->d->id, "date_of_information", date, "session_date", date,
		"method", methods[pick(g, 6)], "audience", audiences[aud],
		"girls", workers ? 0 : 3 + pick(g, school ? 30 : 15), "boys", workers ? 0 : 3 + pick(g, school ? 30 : 15),
		"women", school ? pick(g, 3) : 2 + pick(g, 25), "men", school ? pick(g, 2) : 2 + pick(g, workers ? 40 : 20),
		"grant", g->grant_id[gi], "settlement", h->d->pl->name_az,
		"geometry", point_in_sector(g, &h->s, (h->s.hn > 0)));
	rc = put(g, "eore_session", in, l, 3, NULL, NULL);
	g->stats->eore_sessions += !rc;
	return rc;
}

static int one_hazard(struct gen *g, size_t idx)
{
	struct haz *h = calloc(1, sizeof(*h));
	int rc;
	if (!h)
		return dm_error_set(g->err, DM_ENOMEM, "", "gen: out of memory");
	rc = hazard(g, h, idx);
	if (!rc)
		rc = releases(g, h);
	if (!rc)
		rc = finds(g, h);
	if (!rc && idx % 50 == 17)
		rc = accident(g, h);
	if (!rc && idx % 10 == 3)
		rc = eore(g, h);
	free(h);
	return rc;
}

/* ---- the whole data set ---- */
static int base_data(struct gen *g)
{
	size_t ngrants = g->o->hazards / 100 < 3 ? 3 : g->o->hazards / 100;
	int rc = dm_store_begin(g->st, g->err);
	if (!rc)
		rc = organisations(g);
	if (!rc)
		rc = locations(g);
	if (!rc)
		rc = grants(g, ngrants);
	if (!rc)
		return dm_store_commit(g->st, g->err);
	dm_store_rollback(g->st);
	return rc;
}

static int hazards(struct gen *g)
{
	size_t batch = g->o->batch ? g->o->batch : 1000, i = 0;
	int rc = 0;
	while (i < g->o->hazards && !rc) {
		size_t end = i + batch < g->o->hazards ? i + batch : g->o->hazards;
		rc = dm_store_begin(g->st, g->err);
		for (; i < end && !rc; i++)
			rc = one_hazard(g, i);
		if (rc) {
			dm_store_rollback(g->st);
			break;
		}
		rc = dm_store_commit(g->st, g->err);
		if (!rc && g->o->progress)
			g->o->progress(i, g->o->progress_arg);
	}
	return rc;
}

static void seed(struct gen *g, uint64_t s)
{
	int i;
	for (i = 0; i < 4; i++)
		g->s[i] = splitmix(&s);
}

int dm_gen_fill(struct dm_db *db, const struct dm_gen_opts *o, struct dm_gen_stats *st, struct dm_error *err)
{
	struct gen *g = calloc(1, sizeof(*g));
	unsigned char d[32];
	int rc;
	memset(st, 0, sizeof(*st));
	if (!g)
		return dm_error_set(err, DM_ENOMEM, "", "gen: out of memory");
	if (sodium_init() < 0) {
		free(g);
		return dm_error_set(err, DM_EIO, "", "gen: libsodium could not start");
	}
	g->db = db;
	g->st = dm_db_store(db);
	g->who.user = "gen";
	g->who.role = "local";
	g->err = err;
	g->o = o;
	g->stats = st;
	g->first_feature = 1;
	seed(g, o->seed);
	crypto_generichash_init(&g->digest, NULL, 0, sizeof(d));
	rc = synth_load_areas(g->areas, &g->nareas, "gen", g->err);
	if (!rc)
		rc = pick_districts(g);
	if (!rc && o->geojson)
		fputs("{\"type\":\"FeatureCollection\",\"name\":\"hazard\",\"features\":[", o->geojson);
	if (!rc)
		rc = base_data(g);
	if (!rc)
		rc = hazards(g);
	if (!rc && o->geojson && (fputs("\n]}\n", o->geojson) < 0 || fflush(o->geojson)))
		rc = dm_error_set(err, DM_EIO, "", "gen: could not write the GeoJSON file");
	crypto_generichash_final(&g->digest, d, sizeof(d));
	sodium_bin2hex(st->digest, sizeof(st->digest), d, sizeof(d));
	synth_release_areas(g->areas, g->nareas);
	free(g->head);
	free(g->next);
	free(g->hx);
	free(g->hy);
	free(g->hr);
	free(g);
	return rc;
}
