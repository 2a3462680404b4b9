/* mvt.c: a small Mapbox Vector Tile 2.1 encoder (protobuf varints, zigzag, length-delimited
 * messages) written by hand: the format is small and fixed. The decoder is mvt_decode.c's. */
#include <stdlib.h>
#include <string.h>
#include "demine/mvt.h"
#include "demine/util.h"

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
	if (n > SIZE_MAX - b->len || DM_GROW(b->p, b->len + n, b->cap)) {
		b->failed = 1;
		return;
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
	if (DM_GROW(e->fkeys, e->nfkeys + 1, e->capfkeys))
		return -1;
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
		if (DM_GROW(e->keys, e->nkeys + 1, e->capkeys))
			return -1;
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
