/* fuzz_mvt.c: libFuzzer target feeding bytes to the vector tile decoder, then re-encoding what
 * it accepted: the encoder's output of a decoded tile must decode again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "demine/mvt.h"

/* Re-encodes t; returns 0 when the encoder took all of it. */
static int reencode(const struct dm_mvt_tile *t, unsigned char **out, size_t *len, struct dm_error *err)
{
	struct dm_mvt_enc *e = dm_mvt_enc_new();
	size_t i, j, k;
	int rc = e ? 0 : -1;
	for (i = 0; !rc && i < t->nlayers; i++) {
		const struct dm_mvt_layer *L = &t->layers[i];
		if (!L->name[0]) /* the encoder wants a name */
			continue;
		rc = dm_mvt_enc_layer(e, L->name, L->extent, err);
		for (j = 0; !rc && j < L->nfeatures; j++) {
			const struct dm_mvt_feature *f = &L->features[j];
			struct dm_mvt_geom g;
			if (dm_mvt_geom_decode(f->type, f->geometry, f->ngeometry, &g, err)) {
				rc = -1;
				break;
			}
			rc = dm_mvt_enc_feature(e, f->has_id, f->id, &g, err);
			dm_mvt_geom_release(&g);
			for (k = 0; !rc && k + 1 < f->ntags; k += 2)
				rc = dm_mvt_enc_prop(e, L->keys[f->tags[k]], &L->values[f->tags[k + 1]], err);
		}
	}
	if (!rc)
		rc = dm_mvt_enc_finish(e, 0, out, len, err);
	dm_mvt_enc_free(e);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dm_mvt_tile *t = NULL, *back = NULL;
	struct dm_error err;
	unsigned char *buf = NULL;
	size_t len = 0, i;
	dm_error_init(&err);
	if (dm_mvt_decode(data, size, &t, &err) == 0) {
		if (!t)
			__builtin_trap();
		for (i = 0; i < t->nlayers; i++)
			if (!t->layers[i].name)
				__builtin_trap();
		if (reencode(t, &buf, &len, &err) == 0) {
			struct dm_error e2;
			dm_error_init(&e2);
			/* our own output always decodes, unless two names became equal at a NUL byte */
			if (dm_mvt_decode(buf, len, &back, &e2) && !strstr(e2.message, "two layers"))
				__builtin_trap();
			dm_error_release(&e2);
		}
	} else if (t || !err.code) {
		__builtin_trap();
	}
	dm_mvt_tile_free(back);
	dm_mvt_tile_free(t);
	free(buf);
	dm_error_release(&err);
	return 0;
}
