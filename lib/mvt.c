/* mvt.c: a small Mapbox Vector Tile 2.1 encoder and decoder (protobuf varints, zigzag,
 * length-delimited messages) written by hand: the format is small and fixed. */
#include <stdlib.h>
#include <string.h>
#include "demine/mvt.h"

/* Protobuf wire types. */
enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

/* A growable byte buffer with a hard cap; 'failed' sticks. */
struct bytes {
	unsigned char *p;
	size_t len, cap;
	int failed;
};

static void b_release(struct bytes *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void b_put(struct bytes *b, const void *src, size_t n)
{
	if (b->failed)
		return;
	if (n > DM_MVT_MAX_BYTES || b->len > DM_MVT_MAX_BYTES - n) {
		b->failed = 1;
		return;
	}
	if (b->len + n > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 256;
		unsigned char *np;
		while (nc < b->len + n)
			nc *= 2;
		np = realloc(b->p, nc);
		if (!np) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
	if (n)
		memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void b_varint(struct bytes *b, uint64_t v)
{
	unsigned char t[10];
	size_t n = 0;
	while (v >= 0x80) {
		t[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	t[n++] = (unsigned char)v;
	b_put(b, t, n);
}

static void b_key(struct bytes *b, unsigned field, unsigned wt)
{
	b_varint(b, ((uint64_t)field << 3) | wt);
}

static void b_lenfield(struct bytes *b, unsigned field, const void *p, size_t n)
{
	b_key(b, field, WT_LEN);
	b_varint(b, n);
	b_put(b, p, n);
}

/* Zigzag encoding in unsigned arithmetic: the sign bit spread over every bit is 0 - sign
 * (shifting a negative signed value right is implementation-defined). */
static uint32_t zz32(int64_t v)
{
	uint32_t x = (uint32_t)(int32_t)v;
	return (x << 1) ^ (0u - (x >> 31));
}

static uint64_t zz64(int64_t v)
{
	uint64_t x = (uint64_t)v;
	return (x << 1) ^ (0u - (x >> 63));
}

static int32_t unzz32(uint32_t v)
{
	return (int32_t)((v >> 1) ^ (~(v & 1) + 1));
}

static int64_t unzz64(uint64_t v)
{
	return (int64_t)((v >> 1) ^ (~(v & 1) + 1));
}

void dm_mvt_geom_release(struct dm_mvt_geom *g)
{
	if (!g)
		return;
	free(g->xy);
	free(g->part_len);
	memset(g, 0, sizeof(*g));
}

/* ---- encoder ---- */

struct vslot {
	size_t idx; /* value index + 1; 0 = empty slot */
	uint64_t hash;
	size_t off, len; /* the encoded value's bytes in the layer's values */
};

/* A feature's sort key and where its bytes are in the layer's features. */
struct fkey {
	char *key;
	size_t off, len;
};

struct dm_mvt_enc {
	struct bytes tile;
	/* current layer */
	int in_layer;
	char *name;
	unsigned extent;
	char **keys;
	size_t nkeys, capkeys;
	struct bytes values;      /* encoded Value messages, each as a field-4 entry */
	size_t nvals;
	struct vslot *vtab;       /* open addressing hash of the values */
	size_t vtabcap;
	size_t key_hint;          /* where the next key is looked for first: features repeat theirs */
	/* scratch buffers kept across features and properties: an allocation for each would
	 * cost more than the encoding itself */
	struct bytes value;
	struct bytes feature;
	struct bytes features;    /* encoded field-2 entries */
	struct fkey *fkeys;       /* the sort keys of the layer's features, when they have them */
	size_t nfkeys, capfkeys;
	size_t unkeyed;           /* features of the layer without a key: written as added */
	char *cur_key;            /* the current feature's */
	/* current feature */
	int in_feature;
	int has_id;
	uint64_t id;
	enum dm_mvt_gtype gtype;
	struct bytes geom;        /* packed geometry commands */
	struct bytes tags;        /* packed tags */
	size_t nfeatures;
	int finished;
};

struct dm_mvt_enc *dm_mvt_enc_new(void)
{
	return calloc(1, sizeof(struct dm_mvt_enc));
}

static void clear_layer(struct dm_mvt_enc *e)
{
	size_t i;
	free(e->name);
	e->name = NULL;
	for (i = 0; i < e->nkeys; i++)
		free(e->keys[i]);
	free(e->keys);
	e->keys = NULL;
	e->nkeys = e->capkeys = 0;
	e->nvals = 0;
	e->key_hint = 0;
	for (i = 0; i < e->nfkeys; i++)
		free(e->fkeys[i].key);
	free(e->fkeys);
	e->fkeys = NULL;
	e->nfkeys = e->capfkeys = e->unkeyed = 0;
	free(e->cur_key);
	e->cur_key = NULL;
	b_release(&e->value);
	b_release(&e->feature);
	free(e->vtab);
	e->vtab = NULL;
	e->vtabcap = 0;
	b_release(&e->values);
	b_release(&e->features);
	b_release(&e->geom);
	b_release(&e->tags);
	e->in_layer = e->in_feature = 0;
}

void dm_mvt_enc_free(struct dm_mvt_enc *e)
{
	if (!e)
		return;
	clear_layer(e);
	b_release(&e->tile);
	free(e);
}

static int nomem(struct dm_error *err)
{
	return dm_error_set(err, DM_ENOMEM, NULL, "vector tile: out of memory or larger than %u bytes",
			    (unsigned)DM_MVT_MAX_BYTES);
}

/* Notes where the feature just written lies, under its sort key if it has one. */
static int note_feature(struct dm_mvt_enc *e, size_t off)
{
	if (!e->cur_key) {
		e->unkeyed++;
		return 0;
	}
	if (e->nfkeys == e->capfkeys) {
		size_t nc = e->capfkeys ? e->capfkeys * 2 : 256;
		struct fkey *n = realloc(e->fkeys, nc * sizeof(*n));
		if (!n)
			return -1;
		e->fkeys = n;
		e->capfkeys = nc;
	}
	e->fkeys[e->nfkeys].key = e->cur_key;
	e->fkeys[e->nfkeys].off = off;
	e->fkeys[e->nfkeys++].len = e->features.len - off;
	e->cur_key = NULL;
	return 0;
}

static int end_feature(struct dm_mvt_enc *e, struct dm_error *err)
{
	struct bytes *f = &e->feature;
	size_t off = e->features.len;
	if (!e->in_feature)
		return 0;
	e->in_feature = 0;
	f->len = 0;
	if (e->has_id) {
		b_key(f, 1, WT_VARINT);
		b_varint(f, e->id);
	}
	if (e->tags.len)
		b_lenfield(f, 2, e->tags.p, e->tags.len);
	b_key(f, 3, WT_VARINT);
	b_varint(f, (uint64_t)e->gtype);
	b_lenfield(f, 4, e->geom.p, e->geom.len);
	b_lenfield(&e->features, 2, f->p, f->len);
	e->geom.len = 0;
	e->tags.len = 0;
	if (f->failed || e->features.failed || e->geom.failed || e->tags.failed || note_feature(e, off))
		return nomem(err);
	e->nfeatures++;
	return 0;
}

static int cmp_fkey(const void *a, const void *b)
{
	const struct fkey *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->off > y->off) - (x->off < y->off);
}

/* The layer's features into l: by key when every one has a key, else as added. */
static void put_features(struct dm_mvt_enc *e, struct bytes *l)
{
	size_t i;
	if (!e->nfkeys || e->unkeyed) {
		b_put(l, e->features.p, e->features.len);
		return;
	}
	qsort(e->fkeys, e->nfkeys, sizeof(*e->fkeys), cmp_fkey);
	for (i = 0; i < e->nfkeys; i++)
		b_put(l, e->features.p + e->fkeys[i].off, e->fkeys[i].len);
}

static int end_layer(struct dm_mvt_enc *e, struct dm_error *err)
{
	struct bytes l = { 0 };
	size_t i;
	int rc;
	if (!e->in_layer)
		return 0;
	if ((rc = end_feature(e, err)))
		return rc;
	b_key(&l, 15, WT_VARINT);
	b_varint(&l, 2);
	b_lenfield(&l, 1, e->name, strlen(e->name));
	put_features(e, &l);
	for (i = 0; i < e->nkeys; i++)
		b_lenfield(&l, 3, e->keys[i], strlen(e->keys[i]));
	b_put(&l, e->values.p, e->values.len);
	b_key(&l, 5, WT_VARINT);
	b_varint(&l, e->extent);
	b_lenfield(&e->tile, 3, l.p, l.len);
	rc = l.failed || e->tile.failed ? nomem(err) : 0;
	b_release(&l);
	clear_layer(e);
	return rc;
}

int dm_mvt_enc_layer(struct dm_mvt_enc *e, const char *name, unsigned extent, struct dm_error *err)
{
	int rc;
	if (e->finished || !name || !*name)
		return dm_error_set(err, DM_EUSAGE, NULL, "vector tile: a layer needs a name");
	if ((rc = end_layer(e, err)))
		return rc;
	e->name = strdup(name);
	if (!e->name)
		return nomem(err);
	e->extent = extent ? extent : 4096;
	e->in_layer = 1;
	return 0;
}

/* Geometry commands. */
static void cmd(struct bytes *b, unsigned id, size_t count)
{
	b_varint(b, (uint64_t)((id & 7) | ((uint32_t)count << 3)));
}

static int encode_geometry(struct bytes *b, const struct dm_mvt_geom *g, struct dm_error *err)
{
	int64_t cx = 0, cy = 0;
	size_t k, i, start = 0, total = 0;
	for (k = 0; k < g->nparts; k++)
		total += g->part_len[k];
	if (total > g->npoints)
		return dm_error_set(err, DM_EUSAGE, NULL, "vector tile: geometry parts hold more points than given");
	if (g->type == DM_MVT_POINT && g->nparts) {
		/* all parts together are one MultiPoint */
		cmd(b, 1, total);
		for (i = 0; i < total; i++) {
			b_varint(b, zz32(g->xy[2 * i] - cx));
			b_varint(b, zz32(g->xy[2 * i + 1] - cy));
			cx = g->xy[2 * i];
			cy = g->xy[2 * i + 1];
		}
		return 0;
	}
	for (k = 0; k < g->nparts; start += g->part_len[k], k++) {
		const int64_t *p = g->xy + 2 * start;
		size_t n = g->part_len[k];
		if (g->type == DM_MVT_POLYGON && n > 1 && p[0] == p[2 * (n - 1)] && p[1] == p[2 * (n - 1) + 1])
			n--; /* ClosePath closes it */
		if (n == 0)
			continue;
		cmd(b, 1, 1);
		b_varint(b, zz32(p[0] - cx));
		b_varint(b, zz32(p[1] - cy));
		cx = p[0];
		cy = p[1];
		if (n > 1)
			cmd(b, 2, n - 1);
		for (i = 1; i < n; i++) {
			b_varint(b, zz32(p[2 * i] - cx));
			b_varint(b, zz32(p[2 * i + 1] - cy));
			cx = p[2 * i];
			cy = p[2 * i + 1];
		}
		if (g->type == DM_MVT_POLYGON)
			cmd(b, 7, 1);
	}
	return 0;
}

int dm_mvt_enc_feature(struct dm_mvt_enc *e, int has_id, uint64_t id, const struct dm_mvt_geom *g,
		       struct dm_error *err)
{
	int rc;
	if (!e->in_layer)
		return dm_error_set(err, DM_EUSAGE, NULL, "vector tile: a feature outside a layer");
	if ((rc = end_feature(e, err)))
		return rc;
	e->in_feature = 1;
	e->key_hint = 0;
	e->has_id = has_id;
	e->id = id;
	e->gtype = g ? g->type : DM_MVT_UNKNOWN;
	if (g && (rc = encode_geometry(&e->geom, g, err)))
		return rc;
	return e->geom.failed ? nomem(err) : 0;
}

static void encode_value(struct bytes *b, const struct dm_mvt_value *v)
{
	unsigned char t[8];
	switch (v->type) {
	case DM_MVT_STRING:
		b_lenfield(b, 1, v->s ? v->s : "", v->s ? v->slen : 0);
		break;
	case DM_MVT_FLOAT: {
		float f = (float)v->d;
		memcpy(t, &f, 4); /* little-endian hosts only (x86-64, arm64) */
		b_key(b, 2, WT_I32);
		b_put(b, t, 4);
		break;
	}
	case DM_MVT_DOUBLE:
		memcpy(t, &v->d, 8);
		b_key(b, 3, WT_I64);
		b_put(b, t, 8);
		break;
	case DM_MVT_INT:
		b_key(b, 4, WT_VARINT);
		b_varint(b, (uint64_t)v->i);
		break;
	case DM_MVT_UINT:
		b_key(b, 5, WT_VARINT);
		b_varint(b, v->u);
		break;
	case DM_MVT_SINT:
		b_key(b, 6, WT_VARINT);
		b_varint(b, zz64(v->i));
		break;
	case DM_MVT_BOOL:
		b_key(b, 7, WT_VARINT);
		b_varint(b, v->b ? 1 : 0);
		break;
	}
}

static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;
	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static int vtab_grow(struct dm_mvt_enc *e)
{
	size_t nc = e->vtabcap ? e->vtabcap * 2 : 64, i, j;
	struct vslot *t = calloc(nc, sizeof(*t));
	if (!t)
		return -1;
	for (i = 0; i < e->vtabcap; i++) {
		if (!e->vtab[i].idx)
			continue;
		for (j = e->vtab[i].hash & (nc - 1); t[j].idx; j = (j + 1) & (nc - 1))
			;
		t[j] = e->vtab[i];
	}
	free(e->vtab);
	e->vtab = t;
	e->vtabcap = nc;
	return 0;
}

/* The index of an encoded value (p, n) in the layer's table, adding it when new; -1 on failure. */
static int64_t value_index(struct dm_mvt_enc *e, const unsigned char *p, size_t n)
{
	uint64_t h = fnv(p, n);
	size_t j;
	if ((e->nvals + 1) * 2 > e->vtabcap && vtab_grow(e))
		return -1;
	for (j = h & (e->vtabcap - 1); e->vtab[j].idx; j = (j + 1) & (e->vtabcap - 1)) {
		const struct vslot *o = &e->vtab[j];
		if (o->hash == h && o->len == n && !memcmp(e->values.p + o->off, p, n))
			return (int64_t)o->idx - 1;
	}
	b_key(&e->values, 4, WT_LEN);
	b_varint(&e->values, n);
	e->vtab[j].off = e->values.len;
	b_put(&e->values, p, n);
	if (e->values.failed)
		return -1;
	e->vtab[j].idx = ++e->nvals;
	e->vtab[j].hash = h;
	e->vtab[j].len = n;
	return (int64_t)e->nvals - 1;
}

/* The index of key in the layer's keys, adding it when new; -1 on failure. */
static int64_t key_index(struct dm_mvt_enc *e, const char *key)
{
	size_t k = e->key_hint;
	if (k >= e->nkeys || strcmp(e->keys[k], key))
		for (k = 0; k < e->nkeys && strcmp(e->keys[k], key); k++)
			;
	if (k == e->nkeys) {
		if (e->nkeys == e->capkeys) {
			size_t nc = e->capkeys ? e->capkeys * 2 : 16;
			char **nk = realloc(e->keys, nc * sizeof(*nk));
			if (!nk)
				return -1;
			e->keys = nk;
			e->capkeys = nc;
		}
		if (!(e->keys[e->nkeys] = strdup(key)))
			return -1;
		e->nkeys++;
	}
	e->key_hint = k + 1;
	return (int64_t)k;
}

int dm_mvt_enc_order(struct dm_mvt_enc *e, const char *key, struct dm_error *err)
{
	if (!e->in_feature || !key)
		return dm_error_set(err, DM_EUSAGE, NULL, "vector tile: a sort key outside a feature");
	free(e->cur_key);
	if (!(e->cur_key = strdup(key)))
		return nomem(err);
	return 0;
}

/* A value no other feature has: appended without a look in (or a place in) the table. */
static int64_t unique_value_index(struct dm_mvt_enc *e, const unsigned char *p, size_t n)
{
	b_key(&e->values, 4, WT_LEN);
	b_varint(&e->values, n);
	b_put(&e->values, p, n);
	return e->values.failed ? -1 : (int64_t)e->nvals++;
}

static int add_prop(struct dm_mvt_enc *e, const char *key, const struct dm_mvt_value *v, int unique,
		    struct dm_error *err)
{
	int64_t k, vi;
	if (!e->in_feature || !key)
		return dm_error_set(err, DM_EUSAGE, NULL, "vector tile: a property outside a feature");
	if ((k = key_index(e, key)) < 0)
		return nomem(err);
	e->value.len = 0;
	encode_value(&e->value, v);
	if (e->value.failed)
		return nomem(err);
	vi = unique ? unique_value_index(e, e->value.p, e->value.len) : value_index(e, e->value.p, e->value.len);
	if (vi < 0)
		return nomem(err);
	b_varint(&e->tags, (uint64_t)k);
	b_varint(&e->tags, (uint64_t)vi);
	return e->tags.failed ? nomem(err) : 0;
}

int dm_mvt_enc_prop(struct dm_mvt_enc *e, const char *key, const struct dm_mvt_value *v, struct dm_error *err)
{
	return add_prop(e, key, v, 0, err);
}

int dm_mvt_enc_prop_str_unique(struct dm_mvt_enc *e, const char *key, const char *s, struct dm_error *err)
{
	struct dm_mvt_value v = { .type = DM_MVT_STRING, .s = s, .slen = s ? strlen(s) : 0 };
	return s ? add_prop(e, key, &v, 1, err) : 0;
}

int dm_mvt_enc_prop_str(struct dm_mvt_enc *e, const char *key, const char *s, struct dm_error *err)
{
	struct dm_mvt_value v = { .type = DM_MVT_STRING, .s = s, .slen = s ? strlen(s) : 0 };
	return s ? dm_mvt_enc_prop(e, key, &v, err) : 0;
}

int dm_mvt_enc_prop_int(struct dm_mvt_enc *e, const char *key, int64_t i, struct dm_error *err)
{
	struct dm_mvt_value v = { .type = i < 0 ? DM_MVT_SINT : DM_MVT_UINT, .i = i, .u = (uint64_t)i };
	return dm_mvt_enc_prop(e, key, &v, err);
}

int dm_mvt_enc_prop_double(struct dm_mvt_enc *e, const char *key, double d, struct dm_error *err)
{
	struct dm_mvt_value v = { .type = DM_MVT_DOUBLE, .d = d };
	return dm_mvt_enc_prop(e, key, &v, err);
}

size_t dm_mvt_enc_count(const struct dm_mvt_enc *e)
{
	return e->nfeatures + (e->in_feature ? 1 : 0);
}

int dm_mvt_enc_finish(struct dm_mvt_enc *e, int skip_empty, unsigned char **out, size_t *len,
		      struct dm_error *err)
{
	int rc;
	*out = NULL;
	*len = 0;
	if (e->finished)
		return dm_error_set(err, DM_EUSAGE, NULL, "vector tile: already finished");
	if ((rc = end_layer(e, err)))
		return rc;
	e->finished = 1;
	if (e->tile.failed)
		return nomem(err);
	if (skip_empty && !e->nfeatures)
		return 0;
	*out = e->tile.p ? e->tile.p : calloc(1, 1);
	*len = e->tile.len;
	memset(&e->tile, 0, sizeof(e->tile));
	return *out ? 0 : nomem(err);
}

/* ---- decoder ---- */

struct reader {
	const unsigned char *p, *end;
};

static int r_varint(struct reader *r, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;
	while (r->p < r->end && shift < 64) {
		unsigned char c = *r->p++;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

/* Reads a field key; 1 with a field, 0 at the end, -1 on garbage. */
static int r_key(struct reader *r, unsigned *field, unsigned *wt)
{
	uint64_t k;
	if (r->p >= r->end)
		return 0;
	if (r_varint(r, &k) || (k >> 3) == 0 || (k >> 3) > 0x1fffffff)
		return -1;
	*field = (unsigned)(k >> 3);
	*wt = (unsigned)(k & 7);
	return 1;
}

static int r_len(struct reader *r, struct reader *sub)
{
	uint64_t n;
	if (r_varint(r, &n) || n > (uint64_t)(r->end - r->p))
		return -1;
	sub->p = r->p;
	sub->end = r->p + n;
	r->p += n;
	return 0;
}

static int r_skip(struct reader *r, unsigned wt)
{
	uint64_t v;
	struct reader sub;
	switch (wt) {
	case WT_VARINT:
		return r_varint(r, &v);
	case WT_I64:
		if (r->end - r->p < 8)
			return -1;
		r->p += 8;
		return 0;
	case WT_LEN:
		return r_len(r, &sub);
	case WT_I32:
		if (r->end - r->p < 4)
			return -1;
		r->p += 4;
		return 0;
	}
	return -1;
}

/* A packed (or single unpacked) repeated uint32 field appended to *arr. */
static int r_u32s(struct reader *r, unsigned wt, uint32_t **arr, size_t *n)
{
	struct reader sub;
	uint64_t v;
	size_t cap, add = 0;
	uint32_t *na;
	const unsigned char *q;
	if (wt == WT_VARINT) {
		sub.p = r->p;
		if (r_varint(r, &v))
			return -1;
		sub.end = r->p;
	} else if (wt != WT_LEN || r_len(r, &sub))
		return -1;
	for (q = sub.p; q < sub.end; q++)
		if (!(*q & 0x80))
			add++;
	cap = *n + add;
	if (!add)
		return 0;
	na = realloc(*arr, cap * sizeof(*na));
	if (!na)
		return -1;
	*arr = na;
	while (sub.p < sub.end) {
		if (r_varint(&sub, &v) || v > UINT32_MAX)
			return -1;
		(*arr)[(*n)++] = (uint32_t)v;
	}
	return 0;
}

static char *dupn(const unsigned char *p, size_t n)
{
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

static int bad(struct dm_error *err, const char *where, const char *what)
{
	return dm_error_set(err, DM_EINVAL, NULL, "vector tile: %s: %s", where, what);
}

static int decode_value(struct reader *r, struct dm_mvt_value *v, struct dm_error *err)
{
	unsigned field, wt;
	int k, members = 0;
	uint64_t x;
	struct reader sub;
	while ((k = r_key(r, &field, &wt)) == 1) {
		if (field >= 1 && field <= 7)
			members++;
		if (field == 1 && wt == WT_LEN) {
			if (r_len(r, &sub))
				return bad(err, "value", "truncated string");
			free((char *)v->s);
			v->type = DM_MVT_STRING;
			v->slen = (size_t)(sub.end - sub.p);
			if (!(v->s = dupn(sub.p, v->slen)))
				return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		} else if (field == 2 && wt == WT_I32) {
			float f;
			if (r->end - r->p < 4)
				return bad(err, "value", "truncated float");
			memcpy(&f, r->p, 4);
			r->p += 4;
			v->type = DM_MVT_FLOAT;
			v->d = f;
		} else if (field == 3 && wt == WT_I64) {
			if (r->end - r->p < 8)
				return bad(err, "value", "truncated double");
			memcpy(&v->d, r->p, 8);
			r->p += 8;
			v->type = DM_MVT_DOUBLE;
		} else if (field >= 4 && field <= 7 && wt == WT_VARINT) {
			if (r_varint(r, &x))
				return bad(err, "value", "truncated varint");
			v->type = (enum dm_mvt_vtype)field;
			v->i = field == 6 ? unzz64(x) : (int64_t)x;
			v->u = x;
			v->b = x != 0;
		} else if (field >= 1 && field <= 7) {
			return bad(err, "value", "a member has the wrong wire type");
		} else if (r_skip(r, wt)) {
			return bad(err, "value", "truncated unknown member");
		}
	}
	if (k < 0)
		return bad(err, "value", "malformed field key");
	if (members != 1)
		return bad(err, "value", members ? "several members" : "no known member");
	return 0;
}

static int decode_feature(struct reader *r, struct dm_mvt_feature *f, struct dm_error *err)
{
	unsigned field, wt;
	int k, ngeom = 0;
	uint64_t x;
	while ((k = r_key(r, &field, &wt)) == 1) {
		if (field == 1 && wt == WT_VARINT) {
			if (r_varint(r, &f->id))
				return bad(err, "feature", "truncated id");
			f->has_id = 1;
		} else if (field == 2) {
			if (r_u32s(r, wt, &f->tags, &f->ntags))
				return bad(err, "feature", "bad tags");
		} else if (field == 3 && wt == WT_VARINT) {
			if (r_varint(r, &x))
				return bad(err, "feature", "truncated type");
			if (x > 3)
				return bad(err, "feature", "unknown geometry type");
			f->type = (enum dm_mvt_gtype)x;
		} else if (field == 4) {
			if (ngeom++)
				return bad(err, "feature", "two geometry fields");
			if (r_u32s(r, wt, &f->geometry, &f->ngeometry))
				return bad(err, "feature", "bad geometry");
		} else if (field <= 4 || r_skip(r, wt)) {
			return bad(err, "feature", "wrong wire type or truncated field");
		}
	}
	if (k < 0)
		return bad(err, "feature", "malformed field key");
	if (f->ntags % 2)
		return bad(err, "feature", "odd number of tags");
	if (!ngeom)
		return bad(err, "feature", "no geometry");
	return 0;
}

static void *grow(void *p, size_t n, size_t size)
{
	/* one more element, zeroed */
	unsigned char *q = realloc(p, (n + 1) * size);
	if (q)
		memset(q + n * size, 0, size);
	return q;
}

static int decode_layer(struct reader *r, struct dm_mvt_layer *l, struct dm_error *err)
{
	unsigned field, wt;
	int k, rc;
	uint64_t x;
	struct reader sub;
	size_t i;
	l->version = 1;
	l->extent = 4096;
	while ((k = r_key(r, &field, &wt)) == 1) {
		if (field == 15 && wt == WT_VARINT) {
			if (r_varint(r, &x))
				return bad(err, "layer", "truncated version");
			if (x != 1 && x != 2)
				return bad(err, "layer", "unknown version");
			l->version = (unsigned)x;
		} else if (field == 1 && wt == WT_LEN) {
			if (r_len(r, &sub))
				return bad(err, "layer", "truncated name");
			free(l->name);
			if (!(l->name = dupn(sub.p, (size_t)(sub.end - sub.p))))
				return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		} else if (field == 2 && wt == WT_LEN) {
			struct dm_mvt_feature *nf;
			if (r_len(r, &sub))
				return bad(err, "layer", "truncated feature");
			if (!(nf = grow(l->features, l->nfeatures, sizeof(*nf))))
				return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			l->features = nf;
			rc = decode_feature(&sub, &l->features[l->nfeatures++], err);
			if (rc)
				return rc;
		} else if (field == 3 && wt == WT_LEN) {
			char **nk;
			if (r_len(r, &sub))
				return bad(err, "layer", "truncated key");
			if (!(nk = grow(l->keys, l->nkeys, sizeof(*nk))))
				return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			l->keys = nk;
			if (!(l->keys[l->nkeys++] = dupn(sub.p, (size_t)(sub.end - sub.p))))
				return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		} else if (field == 4 && wt == WT_LEN) {
			struct dm_mvt_value *nv;
			if (r_len(r, &sub))
				return bad(err, "layer", "truncated value");
			if (!(nv = grow(l->values, l->nvalues, sizeof(*nv))))
				return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
			l->values = nv;
			if ((rc = decode_value(&sub, &l->values[l->nvalues++], err)))
				return rc;
		} else if (field == 5 && wt == WT_VARINT) {
			if (r_varint(r, &x) || x == 0 || x > UINT32_MAX)
				return bad(err, "layer", "bad extent");
			l->extent = (unsigned)x;
		} else if ((field >= 1 && field <= 5) || field == 15 || r_skip(r, wt)) {
			return bad(err, "layer", "wrong wire type or truncated field");
		}
	}
	if (k < 0)
		return bad(err, "layer", "malformed field key");
	if (!l->name)
		return bad(err, "layer", "no name");
	for (i = 0; i < l->nfeatures; i++) {
		size_t t;
		for (t = 0; t < l->features[i].ntags; t += 2)
			if (l->features[i].tags[t] >= l->nkeys || l->features[i].tags[t + 1] >= l->nvalues)
				return bad(err, l->name, "a tag points past the keys or values");
	}
	return 0;
}

void dm_mvt_tile_free(struct dm_mvt_tile *t)
{
	size_t i, j;
	if (!t)
		return;
	for (i = 0; i < t->nlayers; i++) {
		struct dm_mvt_layer *l = &t->layers[i];
		free(l->name);
		for (j = 0; j < l->nkeys; j++)
			free(l->keys[j]);
		free(l->keys);
		for (j = 0; j < l->nvalues; j++)
			free((char *)l->values[j].s);
		free(l->values);
		for (j = 0; j < l->nfeatures; j++) {
			free(l->features[j].tags);
			free(l->features[j].geometry);
		}
		free(l->features);
	}
	free(t->layers);
	free(t);
}

int dm_mvt_decode(const unsigned char *buf, size_t len, struct dm_mvt_tile **out, struct dm_error *err)
{
	struct dm_mvt_tile *t = calloc(1, sizeof(*t));
	struct reader r = { buf, buf + len }, sub;
	unsigned field, wt;
	size_t i, j;
	int k, rc = 0;
	*out = NULL;
	if (!t)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (len > DM_MVT_MAX_BYTES)
		rc = dm_error_set(err, DM_ELIMIT, NULL, "vector tile: larger than %u bytes", (unsigned)DM_MVT_MAX_BYTES);
	while (!rc && (k = r_key(&r, &field, &wt)) == 1) {
		if (field == 3 && wt == WT_LEN) {
			struct dm_mvt_layer *nl;
			if (r_len(&r, &sub)) {
				rc = bad(err, "tile", "truncated layer");
				break;
			}
			if (!(nl = grow(t->layers, t->nlayers, sizeof(*nl)))) {
				rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
				break;
			}
			t->layers = nl;
			rc = decode_layer(&sub, &t->layers[t->nlayers++], err);
		} else if (field == 3 || r_skip(&r, wt)) {
			rc = bad(err, "tile", "wrong wire type or truncated field");
		}
	}
	if (!rc && k < 0)
		rc = bad(err, "tile", "malformed field key");
	for (i = 0; !rc && i < t->nlayers; i++)
		for (j = i + 1; !rc && j < t->nlayers; j++)
			if (!strcmp(t->layers[i].name, t->layers[j].name))
				rc = bad(err, t->layers[i].name, "two layers have this name");
	if (rc) {
		dm_mvt_tile_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

static int add_point(struct dm_mvt_geom *g, size_t *cap, int64_t x, int64_t y)
{
	if (g->npoints == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		int64_t *n = realloc(g->xy, nc * 2 * sizeof(*n));
		if (!n)
			return -1;
		g->xy = n;
		*cap = nc;
	}
	g->xy[2 * g->npoints] = x;
	g->xy[2 * g->npoints + 1] = y;
	g->npoints++;
	return 0;
}

static int add_part(struct dm_mvt_geom *g)
{
	size_t *n = realloc(g->part_len, (g->nparts + 1) * sizeof(*n));
	if (!n)
		return -1;
	g->part_len = n;
	g->part_len[g->nparts++] = 0;
	return 0;
}

int dm_mvt_geom_decode(enum dm_mvt_gtype type, const uint32_t *c, size_t n, struct dm_mvt_geom *out,
		       struct dm_error *err)
{
	struct dm_mvt_geom g = { .type = type };
	size_t i = 0, cap = 0, count, j;
	int64_t cx = 0, cy = 0;
	int rc = 0;
	const char *why = NULL;
	while (i < n && !why) {
		unsigned id = c[i] & 7;
		count = c[i] >> 3;
		i++;
		if (id == 1 || id == 2) {
			if (count == 0 || count > (n - i) / 2) {
				why = "a command count beyond the data";
				break;
			}
			if (type == DM_MVT_POINT && id == 2) {
				why = "LineTo in a point geometry";
				break;
			}
			if (id == 2 && !g.nparts) {
				why = "LineTo before MoveTo";
				break;
			}
			if (id == 1 && type != DM_MVT_POINT && count != 1) {
				why = "MoveTo with a count other than 1";
				break;
			}
			for (j = 0; j < count && !why; j++) {
				cx += unzz32(c[i++]);
				cy += unzz32(c[i++]);
				if ((id == 1 && (type != DM_MVT_POINT || !g.nparts) && add_part(&g)) ||
				    add_point(&g, &cap, cx, cy)) {
					rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
					why = "";
				} else {
					g.part_len[g.nparts - 1]++;
				}
			}
		} else if (id == 7) {
			size_t start = g.npoints;
			if (count != 1) {
				why = "ClosePath with a count other than 1";
				break;
			}
			if (type != DM_MVT_POLYGON) {
				why = "ClosePath outside a polygon";
				break;
			}
			if (!g.nparts) {
				why = "ClosePath before MoveTo";
				break;
			}
			start -= g.part_len[g.nparts - 1];
			if (add_point(&g, &cap, g.xy[2 * start], g.xy[2 * start + 1])) {
				rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
				why = "";
			} else {
				g.part_len[g.nparts - 1]++;
			}
		} else {
			why = "an unknown command";
		}
	}
	if (why) {
		if (!rc)
			rc = dm_error_set(err, DM_EINVAL, "geometry", "vector tile geometry: %s at integer %zu", why, i);
		dm_mvt_geom_release(&g);
		return rc;
	}
	*out = g;
	return 0;
}

double dm_mvt_ring_area(const struct dm_mvt_geom *g, size_t k)
{
	size_t start = 0, i, n;
	double a = 0;
	const int64_t *p;
	for (i = 0; i < k && i < g->nparts; i++)
		start += g->part_len[i];
	if (k >= g->nparts)
		return 0;
	p = g->xy + 2 * start;
	n = g->part_len[k];
	for (i = 0; i < n; i++) {
		size_t j = (i + 1) % n;
		a += (double)p[2 * i] * (double)p[2 * j + 1] - (double)p[2 * j] * (double)p[2 * i + 1];
	}
	return a / 2;
}
