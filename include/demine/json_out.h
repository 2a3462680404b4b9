/* json_out.h: compact JSON text of a jansson value, byte for byte what
 * json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15)) writes, at a fraction of the cost:
 * jansson formats every real with snprintf("%.15g"), which was a third of the time of an API
 * read of a hazard (its outline is some tens of coordinates). */
#ifndef DEMINE_JSON_OUT_H
#define DEMINE_JSON_OUT_H
#include <jansson.h>
#include "demine/util.h"

/* Appends v to b; -1 (b unchanged in length) when v holds a value JSON cannot carry. */
int dm_json_write(struct dm_buf *b, const json_t *v);
/* The text of v, malloc'd; NULL when out of memory or v cannot be written. */
char *dm_json_dumps(const json_t *v);
/* A real as jansson writes it with JSON_REAL_PRECISION(15) into out (at least 32 bytes);
 * returns its length, or -1 for a value that is not finite. */
int dm_json_real(double v, char *out);

#endif
