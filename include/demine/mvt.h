/* mvt.h: Mapbox Vector Tile 2.1 encoding and decoding (protobuf written by hand, no codegen). */
#ifndef DEMINE_MVT_H
#define DEMINE_MVT_H
#include <stddef.h>
#include <stdint.h>
#include "demine/error.h"

/* Hard caps of the encoder and decoder: a tile larger than this is refused (DM_ELIMIT). */
#define DM_MVT_MAX_BYTES (64u << 20)

enum dm_mvt_gtype { DM_MVT_UNKNOWN = 0, DM_MVT_POINT = 1, DM_MVT_LINESTRING = 2, DM_MVT_POLYGON = 3 };
/* The Value message's members, numbered as its protobuf fields. */
enum dm_mvt_vtype {
	DM_MVT_STRING = 1, DM_MVT_FLOAT, DM_MVT_DOUBLE, DM_MVT_INT, DM_MVT_UINT, DM_MVT_SINT, DM_MVT_BOOL
};

struct dm_mvt_value {
	enum dm_mvt_vtype type;
	const char *s; /* STRING (not necessarily NUL-free; slen bytes; the decoder NUL-terminates) */
	size_t slen;
	double d;      /* FLOAT and DOUBLE */
	int64_t i;     /* INT and SINT */
	uint64_t u;    /* UINT */
	int b;         /* BOOL */
};

/* A geometry in tile coordinates: npoints points (x, y) in xy, split into nparts parts of
 * part_len[k] points each: the points of a (multi)point, the lines of a (multi)linestring, the
 * rings of polygons (an exterior ring, then its holes; exterior rings have positive area by the
 * surveyor's formula in tile coordinates, y down: clockwise on screen). Rings may repeat their
 * first point at the end (the encoder drops it; the decoder adds it, as @mapbox/vector-tile does). */
struct dm_mvt_geom {
	enum dm_mvt_gtype type;
	int64_t *xy;
	size_t npoints;
	size_t *part_len;
	size_t nparts;
};
void dm_mvt_geom_release(struct dm_mvt_geom *g);

/* Encoder. Layers and features are written in the order added (features in the order of
 * their sort keys when all of a layer's have one); keys and values are deduplicated per
 * layer. Caller frees with dm_mvt_enc_free(). NULL when out of memory. */
struct dm_mvt_enc;
struct dm_mvt_enc *dm_mvt_enc_new(void);
void dm_mvt_enc_free(struct dm_mvt_enc *e);
/* Starts a layer (version 2). extent 0 means 4096. */
int dm_mvt_enc_layer(struct dm_mvt_enc *e, const char *name, unsigned extent, struct dm_error *err);
/* Starts a feature of the current layer; has_id 0 leaves the id out. */
int dm_mvt_enc_feature(struct dm_mvt_enc *e, int has_id, uint64_t id, const struct dm_mvt_geom *g,
		       struct dm_error *err);
/* Gives the current feature a sort key (copied): a layer whose features all have one is
 * written in the byte order of the keys (strcmp; equal keys in the order added), as an SQL
 * ORDER BY with binary collation would, without the database sorting whole rows. */
int dm_mvt_enc_order(struct dm_mvt_enc *e, const char *key, struct dm_error *err);
/* Adds a property to the current feature. */
int dm_mvt_enc_prop(struct dm_mvt_enc *e, const char *key, const struct dm_mvt_value *v, struct dm_error *err);
int dm_mvt_enc_prop_str(struct dm_mvt_enc *e, const char *key, const char *s, struct dm_error *err);
int dm_mvt_enc_prop_int(struct dm_mvt_enc *e, const char *key, int64_t i, struct dm_error *err);
int dm_mvt_enc_prop_double(struct dm_mvt_enc *e, const char *key, double d, struct dm_error *err);
/* A string the caller knows no other feature of the layer has (an id): not looked up for
 * sharing, which costs more than the bytes it could save. */
int dm_mvt_enc_prop_str_unique(struct dm_mvt_enc *e, const char *key, const char *s, struct dm_error *err);
/* Number of features written so far (all layers). */
size_t dm_mvt_enc_count(const struct dm_mvt_enc *e);
/* The tile's bytes; caller frees *out with free(). A tile without features has *len 0 and
 * *out NULL when skip_empty is set. The encoder can take no more input afterwards. */
int dm_mvt_enc_finish(struct dm_mvt_enc *e, int skip_empty, unsigned char **out, size_t *len,
		      struct dm_error *err);

/* Decoder: the tile as written, with raw tags and geometry commands. */
struct dm_mvt_feature {
	int has_id;
	uint64_t id;
	enum dm_mvt_gtype type;
	uint32_t *tags;
	size_t ntags;
	uint32_t *geometry;
	size_t ngeometry;
};
struct dm_mvt_layer {
	unsigned version; /* 1 when absent */
	char *name;
	unsigned extent;  /* 4096 when absent */
	char **keys;
	size_t nkeys;
	struct dm_mvt_value *values; /* strings owned by the layer */
	size_t nvalues;
	struct dm_mvt_feature *features;
	size_t nfeatures;
};
struct dm_mvt_tile {
	struct dm_mvt_layer *layers;
	size_t nlayers;
};
/* Decodes a tile; refuses (DM_EINVAL, a message saying where) malformed protobuf, wrong wire
 * types, layers without a name or with an unknown version, values with no or several members,
 * tags out of range or odd in number. Caller frees *out with dm_mvt_tile_free(). */
int dm_mvt_decode(const unsigned char *buf, size_t len, struct dm_mvt_tile **out, struct dm_error *err);
void dm_mvt_tile_free(struct dm_mvt_tile *t);
/* Decodes geometry commands into points (see struct dm_mvt_geom); refuses commands that do
 * not fit the type (a ClosePath count other than 1, a point without both coordinates, counts
 * beyond the data). Caller releases out with dm_mvt_geom_release(). */
int dm_mvt_geom_decode(enum dm_mvt_gtype type, const uint32_t *cmd, size_t n, struct dm_mvt_geom *out,
		       struct dm_error *err);
/* Signed area of ring k of g by the surveyor's formula (positive = exterior in MVT). */
double dm_mvt_ring_area(const struct dm_mvt_geom *g, size_t k);

#endif
