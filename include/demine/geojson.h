/* geojson.h: streaming GeoJSON reader (one feature in memory at a time) and incremental writer. */
#ifndef DEMINE_GEOJSON_H
#define DEMINE_GEOJSON_H
#include <stdio.h>
#include <stddef.h>
#include <jansson.h>
#include "demine/error.h"

/* Hard caps of the reader (each refusal names the line). */
#define DM_GEOJSON_MAX_DEPTH 64                      /* nested arrays/objects */
#define DM_GEOJSON_MAX_STRING (16u * 1024 * 1024)    /* one string, key or number */
#define DM_GEOJSON_MAX_FEATURE (64u * 1024 * 1024)   /* bytes of JSON of one feature */

/* What the reader calls. Every callback is optional; arg is passed back.
 * A non-zero return from any callback stops reading and dm_geojson_read returns it. */
struct dm_geojson_handler {
	void *arg;
	/* One feature (a JSON object with "type":"Feature", "properties" an object or null,
	 * "geometry" null or an object with a string "type", "id" absent, string or number).
	 * index counts the elements of "features" from 1 (bad elements count too), line is
	 * the line of the feature's opening brace. The feature is borrowed: it is freed when
	 * the callback returns (json_incref() it to keep it). Geometry content (coordinates)
	 * is NOT checked here. */
	int (*feature)(void *arg, size_t index, size_t line, json_t *feature);
	/* The 2008-style "crs" member, normalised: "EPSG:32638" (from "EPSG:32638",
	 * "epsg:32638", "urn:ogc:def:crs:EPSG::32638", "urn:ogc:def:crs:EPSG:6.6:32638") or
	 * "OGC:CRS84" (from "urn:ogc:def:crs:OGC:1.3:CRS84", "OGC:CRS84"). A null crs is
	 * ignored. In a FeatureCollection "crs" must come before "features" (else the file is
	 * refused: "crs member must come before features"), so it is known before the
	 * first feature is delivered. */
	int (*crs)(void *arg, const char *crs);
	/* Other top-level members of a FeatureCollection ("bbox", "name", foreign members),
	 * after the last feature; value borrowed. Not called for "type", "crs", "features". */
	int (*member)(void *arg, const char *name, json_t *value);
};

/* Reads a GeoJSON document from f in 64 KiB chunks: a FeatureCollection (features are
 * delivered one by one as they are parsed) or a single Feature (delivered as feature 1).
 * A bare geometry is refused ("expected a FeatureCollection or a Feature, found 'Point'").
 *
 * Errors. Fatal ones stop at once: invalid JSON ("line 3: invalid JSON: ..."), invalid
 * UTF-8, the caps above, a top level that is not a FeatureCollection or a Feature,
 * "features" not an array, duplicate top-level members, crs after features, a read error.
 * Problems inside one feature ("feature 2: duplicate member 'name' (line 14)", wrong
 * "type", bad "properties", missing "geometry", bad "id") are not fatal: that feature is
 * not delivered, the problem is added to err->details (and the first one becomes
 * err->message), reading goes on so that every problem is listed, and the call returns
 * DM_EINVAL at the end. Every fatal error is also added to err->details.
 * A caller that must be all-or-nothing (an import) therefore checks the return value
 * after the last feature; features already delivered may have to be rolled back.
 * Returns 0, DM_EINVAL, DM_ELIMIT, DM_ENOMEM, DM_EIO, or a callback's non-zero value. */
int dm_geojson_read(FILE *f, const struct dm_geojson_handler *h, struct dm_error *err);

/* The same over a buffer in memory (tests, fuzzing, HTTP request bodies). */
int dm_geojson_parse_string(const char *s, size_t len, const struct dm_geojson_handler *h,
			    struct dm_error *err);

/* Normalises a crs name as described for the crs callback into out (at least 32 bytes).
 * Returns 0, or DM_EINVAL for a name it does not understand. */
int dm_geojson_crs_normalise(const char *name, char *out, size_t outlen);

/* Writes a FeatureCollection incrementally, one feature per line:
 *   {"type":"FeatureCollection","features":[
 *   {"type":"Feature",...},
 *   {"type":"Feature",...}
 *   ]}
 * Output is UTF-8, compact, reals with 15 significant digits (1e-9 of a degree or a metre
 * for any coordinate below 10^6). No allocation: init with dm_geojson_writer_begin. */
struct dm_geojson_writer {
	FILE *f;
	size_t nfeatures;
	int failed; /* a write failed: later calls do nothing and return DM_EIO */
};

/* crs: NULL for RFC 7946 (WGS84), else written as a 2008-style named crs member;
 * "EPSG:N" is written as "urn:ogc:def:crs:EPSG::N". */
int dm_geojson_writer_begin(struct dm_geojson_writer *w, FILE *f, const char *crs, struct dm_error *err);
/* feature must be a JSON object; it is borrowed (not freed). */
int dm_geojson_writer_feature(struct dm_geojson_writer *w, json_t *feature, struct dm_error *err);
/* Closes the collection and flushes f (f stays open). */
int dm_geojson_writer_end(struct dm_geojson_writer *w, struct dm_error *err);

#endif
