/* geo_crs.c: coordinate reference systems: EPSG lookup, the pinned Pulkovo 1942
 * transformation and Gauss-Krüger zone prefixes. Every transformation goes through WGS84. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include "geo_impl.h"

/* Pulkovo 1942 -> WGS 84 is pinned to EPSG:1808, "Pulkovo 1942 to WGS 84 (14)": a
 * 7-parameter Helmert (position vector; tx 686.1 ty -123.5 tz -574.4 m, rx 8.045 ry -23.366
 * rz 10.791", ds -2.926 ppm) published for Azerbaijan (including the Caspian) and Georgia
 * onshore, accuracy about 5 m. PROJ would otherwise pick by its own ranking (in 9.1 it
 * prefers EPSG:15865, a 4.5 m fit for the whole former USSR), and a figure must not move
 * when PROJ's ranking does. */
#define PULKOVO_1942 "4284"
#define PULKOVO_PINNED "1808"

/* "EPSG:N" (any case), "CRS84" forms and NULL/"" (WGS84); returns the code or 0. */
static int crs_code(const char *name)
{
	if (!name || !*name)
		return 4326;
	if (!strcasecmp(name, "CRS84") || !strcasecmp(name, "OGC:CRS84") ||
	    !strcasecmp(name, "urn:ogc:def:crs:OGC:1.3:CRS84"))
		return 4326;
	if (strncasecmp(name, "EPSG:", 5) || !isdigit((unsigned char)name[5]))
		return 0;
	char *end;
	errno = 0;
	long v = strtol(name + 5, &end, 10);
	if (errno || *end || v <= 0 || v > 999999)
		return 0;
	return (int)v;
}

static int has_id(PJ_CONTEXT *ctx, PJ *obj, const char *code)
{
	const char *c = proj_get_id_code(obj, 0);
	(void)ctx;
	return c && !strcmp(c, code);
}

/* Whether op is, or has a step that is, the EPSG operation code. */
static int uses_operation(PJ_CONTEXT *ctx, PJ *op, const char *code)
{
	if (has_id(ctx, op, code))
		return 1;
	if (proj_get_type(op) != PJ_TYPE_CONCATENATED_OPERATION)
		return 0;
	int n = proj_concatoperation_get_step_count(ctx, op), found = 0;
	for (int i = 0; i < n && !found; i++) {
		PJ *s = proj_concatoperation_get_step(ctx, op, i);
		if (s) {
			found = has_id(ctx, s, code);
			proj_destroy(s);
		}
	}
	return found;
}

static PJ *pinned_operation(PJ_CONTEXT *ctx, PJ *src, PJ *dst, const char *code)
{
	PJ *res = NULL;
	PJ_OPERATION_FACTORY_CONTEXT *oc = proj_create_operation_factory_context(ctx, NULL);
	if (!oc)
		return NULL;
	proj_operation_factory_context_set_spatial_criterion(ctx, oc, PROJ_SPATIAL_CRITERION_PARTIAL_INTERSECTION);
	proj_operation_factory_context_set_grid_availability_use(ctx, oc, PROJ_GRID_AVAILABILITY_IGNORED);
	PJ_OBJ_LIST *ops = proj_create_operations(ctx, src, dst, oc);
	int n = ops ? proj_list_get_count(ops) : 0;
	for (int i = 0; i < n && !res; i++) {
		PJ *op = proj_list_get(ctx, ops, i);
		if (op && uses_operation(ctx, op, code))
			res = op;
		else
			proj_destroy(op);
	}
	proj_list_destroy(ops);
	proj_operation_factory_context_destroy(oc);
	return res;
}

static int is_pulkovo(PJ_CONTEXT *ctx, PJ *crs)
{
	PJ *geod = proj_crs_get_geodetic_crs(ctx, crs);
	int r = geod && has_id(ctx, geod, PULKOVO_1942);
	proj_destroy(geod);
	return r;
}

static int make_crs(struct dm_geo *g, int code, struct geo_crs *out)
{
	char num[16];
	snprintf(num, sizeof(num), "%d", code);
	memset(out, 0, sizeof(*out));
	out->code = code;
	if (code == 4326) {
		out->geographic = 1;
		return 0;
	}
	PJ *src = proj_create_from_database(g->pj, "EPSG", num, PJ_CATEGORY_CRS, 0, NULL);
	PJ *dst = proj_create_from_database(g->pj, "EPSG", "4326", PJ_CATEGORY_CRS, 0, NULL);
	PJ *op = NULL;
	int rc = -1;
	if (!src || !dst)
		goto out;
	PJ_TYPE t = proj_get_type(src);
	if (t != PJ_TYPE_GEOGRAPHIC_2D_CRS && t != PJ_TYPE_PROJECTED_CRS)
		goto out; /* geocentric, vertical, compound: not coordinates we can place */
	out->geographic = t == PJ_TYPE_GEOGRAPHIC_2D_CRS;
	if (is_pulkovo(g->pj, src))
		op = pinned_operation(g->pj, src, dst, PULKOVO_PINNED);
	else
		op = proj_create_crs_to_crs_from_pj(g->pj, src, dst, NULL, NULL);
	if (!op)
		goto out;
	out->to_wgs84 = proj_normalize_for_visualization(g->pj, op);
	if (!out->to_wgs84)
		goto out;
	/* EPSG:28402-28432 carry the zone number in front of the easting (false easting
	 * N500000); old documents often leave it off. */
	if (code >= 28402 && code <= 28432)
		out->gk_zone = code - 28400;
	rc = 0;
out:
	proj_destroy(op);
	proj_destroy(src);
	proj_destroy(dst);
	return rc;
}

const struct geo_crs *geo_crs_get(struct dm_geo *g, const char *name, struct dm_error *err)
{
	int code = crs_code(name);
	for (size_t i = 0; code && i < g->ncrs; i++)
		if (g->crs[i].code == code)
			return &g->crs[i];
	struct geo_crs c;
	if (!code || make_crs(g, code, &c)) {
		dm_error_set(err, DM_EINVAL, "crs", "unsupported crs '%s'", name);
		return NULL;
	}
	if (g->ncrs == GEO_CRS_CACHE) { /* evict the oldest but keep 4326 logic trivial */
		proj_destroy(g->crs[0].to_wgs84);
		memmove(&g->crs[0], &g->crs[1], (GEO_CRS_CACHE - 1) * sizeof(g->crs[0]));
		g->ncrs--;
	}
	g->crs[g->ncrs] = c;
	return &g->crs[g->ncrs++];
}

int geo_crs_to_wgs84(struct dm_geo *g, const struct geo_crs *c, double *x, double *y, struct dm_error *err)
{
	if (!c->to_wgs84)
		return 0;
	double ex = *x;
	if (c->gk_zone) {
		if (ex < 1e6)
			ex += c->gk_zone * 1e6;
		else if ((long)floor(ex / 1e6) != c->gk_zone)
			return dm_error_set(err, DM_EINVAL, "geometry",
					    "easting %.3f has zone prefix %ld, but EPSG:%d is Gauss-Krüger zone %d",
					    *x, (long)floor(ex / 1e6), c->code, c->gk_zone);
	}
	proj_errno_reset(c->to_wgs84);
	PJ_COORD r = proj_trans(c->to_wgs84, PJ_FWD, proj_coord(ex, *y, 0, HUGE_VAL));
	if (!isfinite(r.xy.x) || !isfinite(r.xy.y) || fabs(r.xy.x) > 1e300)
		return dm_error_set(err, DM_EINVAL, "geometry", "coordinate (%.6f %.6f) cannot be transformed from EPSG:%d",
				    *x, *y, c->code);
	*x = r.xy.x;
	*y = r.xy.y;
	return 0;
}

int geo_crs_from_wgs84(struct dm_geo *g, const struct geo_crs *c, double *x, double *y)
{
	(void)g;
	if (!c->to_wgs84)
		return 0;
	proj_errno_reset(c->to_wgs84);
	PJ_COORD r = proj_trans(c->to_wgs84, PJ_INV, proj_coord(*x, *y, 0, HUGE_VAL));
	if (!isfinite(r.xy.x) || !isfinite(r.xy.y) || fabs(r.xy.x) > 1e300)
		return DM_EINVAL;
	*x = r.xy.x;
	*y = r.xy.y;
	return 0;
}

int dm_geo_crs_check(struct dm_geo *g, const char *crs, struct dm_error *err)
{
	return geo_crs_get(g, crs, err) ? 0 : DM_EINVAL;
}

int dm_geo_crs_is_geographic(struct dm_geo *g, const char *crs)
{
	struct dm_error err;
	dm_error_init(&err);
	const struct geo_crs *c = geo_crs_get(g, crs, &err);
	dm_error_release(&err);
	return c ? c->geographic : DM_EINVAL;
}

int dm_geo_transform_point(struct dm_geo *g, const char *src_crs, const char *dst_crs, double *x,
			   double *y, struct dm_error *err)
{
	const struct geo_crs *s = geo_crs_get(g, src_crs, err);
	if (!s)
		return DM_EINVAL;
	int scode = s->code; /* the cache may move entries when dst is looked up */
	const struct geo_crs *d = geo_crs_get(g, dst_crs, err);
	if (!d)
		return DM_EINVAL;
	s = geo_crs_get(g, src_crs, err);
	double tx = *x, ty = *y;
	int rc = geo_crs_to_wgs84(g, s, &tx, &ty, err);
	if (rc)
		return rc;
	d = geo_crs_get(g, dst_crs, err);
	if (geo_crs_from_wgs84(g, d, &tx, &ty))
		return dm_error_set(err, DM_EINVAL, "geometry", "coordinate (%.6f %.6f) cannot be transformed from EPSG:%d to %s",
				    *x, *y, scode, dst_crs);
	*x = tx;
	*y = ty;
	return 0;
}
