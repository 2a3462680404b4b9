/* value.c: the record value type (one version in memory) and its geometry: allocation, copy
 * and release. A leaf module: it calls no other record module. */
#include <stdlib.h>
#include <string.h>
#include "demine/util.h"
#include "demine/value.h"

struct dm_record *dm_record_new(const struct dm_type *type)
{
	struct dm_record *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->type = type;
	r->fields = json_object();
	if (!r->fields) {
		free(r);
		return NULL;
	}
	return r;
}

void dm_geom_release(struct dm_geom *g)
{
	free(g->wkb);
	memset(g, 0, sizeof(*g));
}

int dm_geom_copy(struct dm_geom *dst, const struct dm_geom *src)
{
	*dst = *src;
	dst->wkb = NULL;
	if (!src->wkb)
		return 0;
	dst->wkb = malloc(src->wkb_len);
	if (!dst->wkb)
		return DM_ENOMEM;
	memcpy(dst->wkb, src->wkb, src->wkb_len);
	return 0;
}

void dm_record_free(struct dm_record *r)
{
	if (!r)
		return;
	free(r->code);
	free(r->external_id);
	free(r->organisation);
	free(r->location);
	free(r->date_of_information);
	free(r->created_by);
	free(r->created_at);
	free(r->updated_by);
	free(r->updated_at);
	free(r->change_reason);
	free(r->status_reason);
	free(r->source_crs);
	dm_geom_release(&r->geom);
	json_decref(r->fields);
	free(r);
}

/* Copies src into *dst; 1 when src was set and the copy failed. */
static int copy_str(char **dst, const char *src)
{
	*dst = dm_strdup0(src);
	return src && !*dst;
}

struct dm_record *dm_record_clone(const struct dm_record *r)
{
	struct dm_record *c = dm_record_new(r->type);
	int fail = 0;
	if (!c)
		return NULL;
	memcpy(c->id, r->id, sizeof(c->id));
	memcpy(c->status, r->status, sizeof(c->status));
	c->version = r->version;
	c->approved_version = r->approved_version;
	c->deleted = r->deleted;
	fail |= copy_str(&c->code, r->code);
	fail |= copy_str(&c->external_id, r->external_id);
	fail |= copy_str(&c->organisation, r->organisation);
	fail |= copy_str(&c->location, r->location);
	fail |= copy_str(&c->date_of_information, r->date_of_information);
	fail |= copy_str(&c->created_by, r->created_by);
	fail |= copy_str(&c->created_at, r->created_at);
	fail |= copy_str(&c->updated_by, r->updated_by);
	fail |= copy_str(&c->updated_at, r->updated_at);
	fail |= copy_str(&c->change_reason, r->change_reason);
	fail |= copy_str(&c->status_reason, r->status_reason);
	fail |= copy_str(&c->source_crs, r->source_crs);
	fail |= dm_geom_copy(&c->geom, &r->geom) != 0;
	json_decref(c->fields);
	c->fields = json_deep_copy(r->fields);
	fail |= r->fields && !c->fields;
	if (fail) {
		dm_record_free(c);
		return NULL;
	}
	return c;
}
