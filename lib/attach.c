/* attach.c: attachments of records, content-addressed (see attach.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/attach.h"
#include "demine/idempotency.h"
#include "demine/store.h"
#include "demine/util.h"

static int starts(const unsigned char *d, size_t n, size_t off, const char *magic, size_t m)
{
	return n >= off + m && !memcmp(d + off, magic, m);
}

/* Decided by the bytes, never by the name or the declared type. */
static const char *sniff(const unsigned char *d, size_t n)
{
	if (starts(d, n, 0, "\xff\xd8\xff", 3))
		return "image/jpeg";
	if (starts(d, n, 0, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (starts(d, n, 0, "RIFF", 4) && starts(d, n, 8, "WEBP", 4))
		return "image/webp";
	if (starts(d, n, 0, "RIFF", 4) && starts(d, n, 8, "WAVE", 4))
		return "audio/wav";
	if (starts(d, n, 0, "OggS", 4))
		return "audio/ogg";
	if (starts(d, n, 0, "ID3", 3) || (n >= 2 && d[0] == 0xff && (d[1] & 0xe0) == 0xe0))
		return "audio/mpeg";
	if (starts(d, n, 4, "ftyp", 4))
		return "audio/mp4";
	return NULL;
}

const char *dm_attach_check(const char *name, const void *data, size_t len, struct dm_error *err)
{
	const char *t;
	if (len > DM_ATTACH_MAX) {
		dm_error_set(err, DM_ELIMIT, name, "attachment %.80s is %zu bytes, more than the %zu allowed", name, len,
			     DM_ATTACH_MAX);
		return NULL;
	}
	if (!len || !(t = sniff(data, len))) {
		dm_error_set(err, DM_EINVAL, name, "attachment %.80s is not a photo or a sound demine accepts (JPEG,"
			     " PNG, WebP, MP3, M4A, Ogg, WAV)", name);
		return NULL;
	}
	return t;
}

int dm_attach_put(struct dm_db *db, const char *record_id, const char *name, const void *data, size_t len,
		  const char *instance_id, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	const char *type = dm_attach_check(name, data, len, err);
	char sha[65], now[32];
	int rc;
	if (!type)
		return err->code;
	dm_idem_hash(data, len, sha);
	dm_now(now);
	rc = dm_stmt_prepare(dm_db_store(db), "INSERT INTO attachment (sha256, media_type, size, data) VALUES (?, ?, ?, ?)"
			     " ON CONFLICT (sha256) DO NOTHING", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, sha);
	dm_stmt_bind_text(s, 2, type);
	dm_stmt_bind_int(s, 3, (int64_t)len);
	dm_stmt_bind_blob(s, 4, data, len);
	rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
	dm_stmt_finalize(s);
	if (rc)
		return rc;
	rc = dm_stmt_prepare(dm_db_store(db), "INSERT INTO record_attachment (record_id, name, sha256, instance_id,"
			     " added_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id, name) DO NOTHING", &s, err);
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, record_id);
	dm_stmt_bind_text(s, 2, name);
	dm_stmt_bind_text(s, 3, sha);
	dm_stmt_bind_text(s, 4, instance_id);
	dm_stmt_bind_text(s, 5, now);
	rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
	dm_stmt_finalize(s);
	return rc;
}

json_t *dm_attach_list(struct dm_db *db, const char *record_id, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	json_t *a = json_array();
	int rc;
	if (!a || dm_stmt_prepare(dm_db_store(db), "SELECT ra.name, ra.sha256, a.media_type, a.size FROM record_attachment ra"
				  " JOIN attachment a ON a.sha256 = ra.sha256 WHERE ra.record_id = ? ORDER BY ra.name",
				  &s, err)) {
		json_decref(a);
		return NULL;
	}
	dm_stmt_bind_text(s, 1, record_id);
	while ((rc = dm_stmt_step(s, err)) == 1)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:I}", "name", dm_stmt_column_text(s, 0), "sha256",
						   dm_stmt_column_text(s, 1), "media_type", dm_stmt_column_text(s, 2),
						   "size", (json_int_t)dm_stmt_column_int(s, 3)));
	dm_stmt_finalize(s);
	if (rc < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int dm_attach_get(struct dm_db *db, const char *record_id, const char *name, void **data, size_t *len,
		  char media_type[64], struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	const void *d;
	int rc = dm_stmt_prepare(dm_db_store(db), "SELECT a.media_type, a.data FROM record_attachment ra JOIN attachment a"
				 " ON a.sha256 = ra.sha256 WHERE ra.record_id = ? AND ra.name = ?", &s, err);
	*data = NULL;
	if (rc)
		return rc;
	dm_stmt_bind_text(s, 1, record_id);
	dm_stmt_bind_text(s, 2, name);
	rc = dm_stmt_step(s, err);
	if (rc == 1) {
		snprintf(media_type, 64, "%s", dm_stmt_column_text(s, 0));
		d = dm_stmt_column_blob(s, 1, len);
		*data = malloc(*len ? *len : 1);
		rc = *data ? 0 : dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		if (*data)
			memcpy(*data, d, *len);
	} else if (rc == 0) {
		rc = dm_error_set(err, DM_ENOTFOUND, "name", "record %s has no attachment '%.80s'", record_id, name);
	}
	dm_stmt_finalize(s);
	return rc;
}
