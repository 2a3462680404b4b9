/* tiles.c: vector tiles of the record layers: bounding-box index first, the read path's role
 * rules, tile-space geometry from geo, MVT encoding. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/auth.h"
#include "demine/geo.h"
#include "demine/mvt.h"
#include "demine/tiles.h"
#include "demine/util.h"

/* The layers and the type fields each carries (what a map and its filters need). */
static const struct tile_layer {
	const char *name;
	const char *fields[10];
} layers[] = {
	{ "hazard", { "category", "hazard_type", "land_status", "priority", "area_m2", "remaining_m2", NULL } },
	{ "land_release", { "method", "result", "area_m2", "end_date", NULL } },
	{ "eo_find", { "category", "model", "quantity", "disposition", "find_date", NULL } },
	{ "accident", { "accident_kind", "device_category", "accident_date", NULL } },
	{ "eore_session", { "method", "audience", "girls", "boys", "women", "men", "session_date", NULL } },
	{ "location", { "kind", "name_en", "name_az", "name_ru", "pcode", "abbr", NULL } },
	{ "settlement", { "name_en", "name_az", "name_ru", "readiness_status", "open_hazards", "hazard_within_m2",
			  "return_priority", "planned_returnees", NULL } },
	{ "access_route", { "kind", "hazards_crossed", NULL } },
};
#define NLAYERS (sizeof(layers) / sizeof(layers[0]))

static const char *const layer_names[] = { "hazard", "land_release", "eo_find", "accident", "eore_session",
					   "location", "settlement", "access_route", NULL };

const char *const *dm_tiles_layers(void)
{
	return layer_names;
}

static const struct tile_layer *find_layer(const char *name)
{
	size_t i;
	for (i = 0; name && i < NLAYERS; i++)
		if (!strcmp(layers[i].name, name))
			return &layers[i];
	return NULL;
}

int dm_tiles_is_layer(const char *name)
{
	return find_layer(name) != NULL;
}

/* A stable feature id: the first 52 bits of the UUID (13 hex digits), exact as a JS number. */
static uint64_t feature_id(const char *uuid)
{
	uint64_t v = 0;
	int n = 0;
	for (; *uuid && n < 13; uuid++) {
		int c = *uuid, d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			continue;
		v = v << 4 | (uint64_t)d;
		n++;
	}
	return v;
}

/* Selected columns: fixed ones first, then the layer's fields. */
enum { COL_ID, COL_CODE, COL_STATUS, COL_ORG, COL_DOI, COL_GEOM, COL_MINX, COL_MINY, COL_MAXX, COL_MAXY,
       COL_ADM2, COL_HAZCODE, COL_FIELDS };

/* The select list and joins of a tile's rows, h being the version who sees. */
static void add_select(struct dm_buf *b, const struct dm_actor *who, const struct dm_type *t,
		       const struct tile_layer *L, const char **fields, size_t *nfields, const char *from)
{
	size_t i;
	*nfields = 0;
	dm_buf_add(b, "SELECT h.id, h.code, h.status, h.organisation, h.date_of_information, h.geom, h.minx,"
		      " h.miny, h.maxx, h.maxy, COALESCE(loc.pcode, loc.abbr) AS adm2, ");
	dm_buf_add(b, !strcmp(t->name, "land_release") ? "hz.code AS hazard_code" : "NULL AS hazard_code");
	for (i = 0; L->fields[i]; i++) {
		const struct dm_field *f = dm_type_field(t, L->fields[i]);
		if (!f || (f->flags & DM_FF_PERSONAL) || !dm_auth_sees_field(who, NULL, f->flags))
			continue; /* never personal data, nor what who may not see, whatever the table says */
		dm_buf_addf(b, ", h.\"%s\"", f->name);
		fields[(*nfields)++] = f->name;
	}
	dm_buf_add(b, from);
	dm_buf_add(b, " LEFT JOIN location loc ON loc.id = h.location");
	if (!strcmp(t->name, "land_release"))
		dm_buf_add(b, " LEFT JOIN hazard hz ON hz.id = h.hazard");
}

/* Whether more than a third of the current table's rows have boxes meeting bbox, when the
 * store can tell cheaply (SQLite's R*Tree stops counting at that third). Then reading the
 * whole table in order costs less than an index lookup for each candidate: on SQLite a scan
 * with its sort took a third of the time at 60% of the rows and broke even near 30%. Not
 * asked above zoom 10, where the two queries would cost more than they could save. */
static int most_rows_in_box(struct dm_store *st, const struct dm_type *t, int z, const double bbox[4])
{
	return z <= 10 && dm_store_box_index_share_above(st, t->name, bbox, 3) == 1;
}

static const char row_filter[] = " AND h.deleted = 0 AND h.geom IS NOT NULL"
				 " AND h.minx <= ? AND h.maxx >= ? AND h.miny <= ? AND h.maxy >= ?";

/* The query of a tile's rows, and the order of its parameters in binds (BIND_ORG; BIND_BOX
 * for the four bounds of row_filter; BIND_INDEX for those of the store's box index). Records whose visible version is the newest are read from the
 * current table, a few pages for a whole tile where the history table would cost one lookup
 * per record in a table several times as big; where who sees older approved versions, the few
 * records with unapproved work pending take theirs from history (their approved geometry may
 * lie elsewhere, so they are found by the status index too). */
enum { BIND_ORG = 1, BIND_BOX, BIND_INDEX };
#define MAXBINDS 8

static int build_sql(struct dm_db *db, const struct dm_type *t, const struct tile_layer *L,
		     const struct dm_actor *who, int z, const double bbox[4], const char **fields, size_t *nfields,
		     struct dm_buf *b, int *binds, size_t *nbinds)
{
	struct dm_store *st = dm_db_store(db);
	int all = dm_actor_can(who, DM_P_READ_UNAPPROVED), bind_org = 0;
	const char *version = dm_auth_version_sql(who, 0, &bind_org);
	char from[400];
	*nbinds = 0;
	snprintf(from, sizeof(from), " FROM \"%s\" h", t->name);
	add_select(b, who, t, L, fields, nfields, from);
	if (most_rows_in_box(st, t, z, bbox)) {
		dm_buf_add(b, " WHERE 1 = 1"); /* row_filter has the box */
	} else {
		dm_buf_add(b, " WHERE h.id IN (");
		dm_store_box_index_ids(st, b, t->name);
		binds[(*nbinds)++] = BIND_INDEX;
		dm_buf_add(b, ")");
	}
	if (!all && bind_org) { /* the CASE of dm_auth_version_sql picks the newest */
		dm_buf_add(b, " AND (h.organisation = ? OR h.version = h.approved_version)");
		binds[(*nbinds)++] = BIND_ORG;
	} else if (!all) {
		dm_buf_add(b, " AND h.version = h.approved_version");
	}
	dm_buf_add(b, row_filter);
	binds[(*nbinds)++] = BIND_BOX;
	if (!all) {
		snprintf(from, sizeof(from), " FROM \"%s\" c JOIN \"%s_history\" h ON h.id = c.id AND h.version = %s",
			 t->name, t->name, version);
		dm_buf_add(b, " UNION ALL ");
		add_select(b, who, t, L, fields, nfields, from);
		if (bind_org)
			binds[(*nbinds)++] = BIND_ORG;
		dm_buf_add(b, " WHERE c.id IN (");
		dm_store_box_index_ids(st, b, t->name);
		binds[(*nbinds)++] = BIND_INDEX;
		dm_buf_addf(b, " UNION SELECT id FROM \"%s\" WHERE status IN ('draft', 'submitted', 'rejected')"
			       " AND approved_version > 0) AND h.version <> c.version", t->name);
		dm_buf_add(b, row_filter);
		binds[(*nbinds)++] = BIND_BOX;
	}
	return b->overflow ? -1 : 0;
}

static int add_column(struct dm_mvt_enc *e, struct dm_stmt *s, int col, const char *key, struct dm_error *err)
{
	switch (dm_stmt_column_type(s, col)) {
	case DM_COL_INT:
		return dm_mvt_enc_prop_int(e, key, dm_stmt_column_int(s, col), err);
	case DM_COL_REAL: {
		double d = dm_stmt_column_real(s, col);
		/* areas in whole m² are exact enough and keep tiles small */
		if (fabs(d) < 9e15 && strstr(key, "_m2"))
			return dm_mvt_enc_prop_int(e, key, llround(d), err);
		return dm_mvt_enc_prop_double(e, key, d, err);
	}
	case DM_COL_TEXT:
		return dm_mvt_enc_prop_str(e, key, dm_stmt_column_text(s, col), err);
	default:
		return 0;
	}
}

int dm_tiles_render(struct dm_db *db, const struct dm_actor *who, const char *layer, int z, int x, int y,
		    unsigned char **out, size_t *len, struct dm_error *err)
{
	const struct tile_layer *L = find_layer(layer);
	const struct dm_type *t = L ? dm_schema_type(dm_db_schema(db), layer) : NULL;
	const char *fields[10];
	size_t nfields = 0, i;
	struct dm_buf b;
	struct dm_stmt *s = NULL;
	struct dm_mvt_enc *e = NULL;
	double bbox[4];
	int rc, binds[MAXBINDS], p = 1, sees_org;
	size_t nbinds = 0;
	*out = NULL;
	*len = 0;
	if (!t)
		return dm_error_set(err, DM_EINVAL, "layer", "unknown tile layer '%s'", layer ? layer : "");
	if (z < 0 || z > DM_TILES_MAXZ_REQUEST || x < 0 || y < 0 || x >= (1 << z) || y >= (1 << z))
		return dm_error_set(err, DM_EINVAL, NULL, "no tile %d/%d/%d (z 0-%d, x and y 0-2^z-1)", z, x, y,
				    DM_TILES_MAXZ_REQUEST);
	if ((rc = dm_auth_check_read_type(who, t->name, err)))
		return rc;
	sees_org = dm_auth_sees_member(who, "organisation");
	dm_geo_tile_bbox(z, x, y, DM_TILES_EXTENT, DM_TILES_BUFFER, bbox);
	dm_buf_init(&b, 0);
	if (build_sql(db, t, L, who, z, bbox, fields, &nfields, &b, binds, &nbinds)) {
		dm_buf_release(&b);
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	}
	rc = dm_stmt_prepare(dm_db_store(db), b.s, &s, err);
	dm_buf_release(&b);
	if (rc)
		return rc;
	for (i = 0; i < nbinds; i++) {
		if (binds[i] == BIND_ORG) {
			dm_stmt_bind_text(s, p++, who->org_id);
			continue;
		}
		if (binds[i] == BIND_INDEX) {
			for (int k = 0; k < 4; k++)
				dm_stmt_bind_real(s, p++, bbox[k]);
			continue;
		}
		dm_stmt_bind_real(s, p++, bbox[2]);
		dm_stmt_bind_real(s, p++, bbox[0]);
		dm_stmt_bind_real(s, p++, bbox[3]);
		dm_stmt_bind_real(s, p++, bbox[1]);
	}
	e = dm_mvt_enc_new();
	if (!e)
		rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	if (!rc)
		rc = dm_mvt_enc_layer(e, t->name, DM_TILES_EXTENT, err);
	while (!rc && (rc = dm_stmt_step(s, err)) == 1) {
		struct dm_geom g = { 0 };
		struct dm_tile_geom tg = { 0 };
		struct dm_mvt_geom mg;
		size_t n = 0;
		const void *wkb = dm_stmt_column_blob(s, COL_GEOM, &n);
		const char *id = dm_stmt_column_text(s, COL_ID);
		rc = 0;
		if (!wkb || !n || !id)
			continue;
		g.wkb = (unsigned char *)wkb; /* borrowed: not released */
		g.wkb_len = n;
		g.minx = dm_stmt_column_real(s, COL_MINX);
		g.miny = dm_stmt_column_real(s, COL_MINY);
		g.maxx = dm_stmt_column_real(s, COL_MAXX);
		g.maxy = dm_stmt_column_real(s, COL_MAXY);
		rc = dm_geo_tile_geometry(dm_db_geo(db), &g, z, x, y, DM_TILES_EXTENT, DM_TILES_BUFFER, 0.5, &tg, err);
		if (rc)
			break;
		if (!tg.type)
			continue;
		mg.type = (enum dm_mvt_gtype)tg.type;
		mg.xy = tg.xy;
		mg.npoints = tg.npoints;
		mg.part_len = tg.part_len;
		mg.nparts = tg.nparts;
		rc = dm_mvt_enc_feature(e, 1, feature_id(id), &mg, err);
		dm_tile_geom_release(&tg);
		if (!rc) /* by code: the rows come unordered, sorting them in the store cost more */
			rc = dm_mvt_enc_order(e, dm_stmt_column_text(s, COL_CODE) ? dm_stmt_column_text(s, COL_CODE) : "",
					      err);
		if (!rc) /* one feature a record: id and code are unique in the layer */
			rc = dm_mvt_enc_prop_str_unique(e, "id", id, err);
		if (!rc)
			rc = dm_mvt_enc_prop_str_unique(e, "code", dm_stmt_column_text(s, COL_CODE), err);
		if (!rc)
			rc = add_column(e, s, COL_STATUS, "status", err);
		for (i = 0; !rc && i < nfields; i++)
			rc = add_column(e, s, COL_FIELDS + (int)i, fields[i], err);
		if (!rc && !strcmp(t->name, "land_release"))
			rc = add_column(e, s, COL_HAZCODE, "hazard_code", err);
		if (!rc && sees_org)
			rc = add_column(e, s, COL_ORG, "organisation", err);
		if (!rc)
			rc = add_column(e, s, COL_ADM2, "adm2", err);
		if (!rc)
			rc = add_column(e, s, COL_DOI, "date_of_information", err);
	}
	dm_stmt_finalize(s);
	if (!rc)
		rc = dm_mvt_enc_finish(e, 1, out, len, err);
	dm_mvt_enc_free(e);
	return rc;
}

int dm_tiles_etag(struct dm_db *db, const char *layer, char *buf, size_t n, struct dm_error *err)
{
	int64_t c = 0;
	int rc;
	if (!find_layer(layer))
		return dm_error_set(err, DM_EINVAL, "layer", "unknown tile layer '%s'", layer ? layer : "");
	rc = dm_store_query_int(dm_db_store(db), "SELECT n FROM change_counter WHERE name = ?", layer, &c, err);
	if (rc)
		return rc;
	if ((size_t)snprintf(buf, n, "\"%s-%lld\"", layer, (long long)c) >= n)
		return dm_error_set(err, DM_EUSAGE, NULL, "etag buffer too small");
	return 0;
}

static const char *json_kind(const struct dm_field *f)
{
	switch (f->type) {
	case DM_F_INT:
	case DM_F_REAL:
	case DM_F_AREA:
		return "Number";
	default:
		return "String";
	}
}

json_t *dm_tiles_tilejson(const char *layer, const char *base_url)
{
	const struct tile_layer *L = find_layer(layer);
	const struct dm_type *t = L ? dm_schema_builtin_type(layer) : NULL;
	json_t *fields, *tj;
	size_t i;
	if (!t)
		return NULL;
	fields = json_pack("{ssssss}", "id", "String", "code", "String", "status", "String");
	for (i = 0; L->fields[i]; i++) {
		const struct dm_field *f = dm_type_field(t, L->fields[i]);
		if (f && !(f->flags & DM_FF_PERSONAL))
			json_object_set_new(fields, f->name, json_string(json_kind(f)));
	}
	if (!strcmp(layer, "land_release"))
		json_object_set_new(fields, "hazard_code", json_string("String"));
	json_object_set_new(fields, "organisation", json_string("String"));
	json_object_set_new(fields, "adm2", json_string("String"));
	json_object_set_new(fields, "date_of_information", json_string("String"));
	tj = json_pack("{sssssss[o]sisis[ffff]s[ffi]s[{sssosisiss}]}", "tilejson", "3.0.0", "name", layer,
		       "scheme", "xyz", "tiles",
		       json_sprintf("%s/tiles/%s/{z}/{x}/{y}.mvt", base_url ? base_url : "", layer), "minzoom", 0,
		       "maxzoom", DM_TILES_MAXZOOM, "bounds", 44.76, 38.38, 50.64, 41.91, "center", 47.0, 39.8, 8,
		       "vector_layers", "id", layer, "fields", fields, "minzoom", 0, "maxzoom", DM_TILES_MAXZOOM,
		       "description", t->label_en);
	return tj;
}
