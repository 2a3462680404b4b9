/* attach.h: files attached to records (a field form's photos and audio): type checked by their
 * bytes, size limited, stored once by their SHA-256, listed on the record. */
#ifndef DEMINE_ATTACH_H
#define DEMINE_ATTACH_H
#include <stddef.h>
#include <jansson.h>
#include "demine/db.h"

#define DM_ATTACH_MAX ((size_t)10 << 20) /* one file */

/* The media type of data when it is one demine accepts (JPEG, PNG, WebP, MP3, M4A/MP4 audio,
 * Ogg, WAV), else NULL with err saying why (naming the file). */
const char *dm_attach_check(const char *name, const void *data, size_t len, struct dm_error *err);
/* Stores data (checked first) under name on record_id, inside the caller's transaction; the
 * same name again keeps the first file. */
int dm_attach_put(struct dm_db *db, const char *record_id, const char *name, const void *data, size_t len,
		  const char *instance_id, struct dm_error *err);
/* [{"name","sha256","media_type","size"}] of record_id; caller frees. */
json_t *dm_attach_list(struct dm_db *db, const char *record_id, struct dm_error *err);
/* The file of record_id named name: *data (caller frees), *len and media_type (64 bytes). */
int dm_attach_get(struct dm_db *db, const char *record_id, const char *name, void **data, size_t *len,
		  char media_type[64], struct dm_error *err);

#endif
