/* mvt_decode.c: the Mapbox Vector Tile 2.1 decoder, for tests, checks and tools that read
 * tiles back: every length and count from the input is bounded before it is used. */
#include <stdlib.h>
#include <string.h>
#include "demine/mvt.h"
#include "demine/util.h"

/* Protobuf wire types. */
enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

static int32_t unzz32(uint32_t v)
{
	return (int32_t)((v >> 1) ^ (~(v & 1) + 1));
}

static int64_t unzz64(uint64_t v)
{
	return (int64_t)((v >> 1) ^ (~(v & 1) + 1));
}

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
	if (!add)
		return 0;
	if (add > SIZE_MAX - *n)
		return -1;
	cap = *n + add;
	na = dm_realloc_array(*arr, cap, sizeof(*na));
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
	unsigned char *q = n < SIZE_MAX ? dm_realloc_array(p, n + 1, size) : NULL;
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
		int64_t *n = dm_grow_array(g->xy, 2 * sizeof(*n), g->npoints + 1, cap);
		if (!n)
			return -1;
		g->xy = n;
	}
	g->xy[2 * g->npoints] = x;
	g->xy[2 * g->npoints + 1] = y;
	g->npoints++;
	return 0;
}

static int add_part(struct dm_mvt_geom *g)
{
	size_t *n = dm_realloc_array(g->part_len, g->nparts + 1, sizeof(*n));
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
