/* ogr.h: GIS files through GDAL's OGR (optional at build time): reading any vector file one
 * feature at a time as record input, and writing GeoPackage, Shapefile and KML. */
#ifndef DEMINE_OGR_H
#define DEMINE_OGR_H
#include <jansson.h>
#include "demine/error.h"
#include "demine/exchange.h"
#include "demine/schema.h"

/* 1 when demine was built with GDAL. */
int dm_ogr_available(void);

/* 1 when PATH's extension is one the OGR reader takes (.shp .zip .gpkg .kml .kmz .gpx .xlsx). */
int dm_ogr_is_gis_path(const char *path);

struct dm_ogr_reader {
	const struct dm_type *type; /* the record type every feature becomes */
	const char *crs;            /* CRS of layers that carry none ("EPSG:32638"); NULL = WGS84 */
	json_t *report;             /* notes (field names read by prefix) are appended here */
	const char *encoding;       /* the code page of files that name none (a Shapefile without
				     * .cpg): "CP1254"; NULL = as GDAL reads them */
	const char *layer;          /* read only this layer ("tracks" of a GPX); NULL = every one */
	json_t *defaults;           /* {"field": "text"}: the value of a field a feature lacks */
	int track_as_polygon;       /* a line (a perimeter walked with a GPS) closes into a polygon */
	void *arg;
	/* One feature as the flat JSON input of a record (the shape the GeoJSON import builds),
	 * WHERE is "feature 3 (layer hazards)", CRS is the CRS of its geometry ("EPSG:N") or NULL
	 * for WGS84. IN is borrowed. A non-zero return stops reading and is returned. */
	int (*feature)(void *arg, const char *where, json_t *in, const char *crs);
	/* A feature that could not be turned into input (bad values, unreadable geometry): E
	 * holds its problems. A non-zero return stops reading and is returned. */
	int (*bad)(void *arg, const char *where, struct dm_error *e);
};

/* Reads every layer of the vector file PATH (zipped shapefiles and KMZ through /vsizip/),
 * features in FID order. Problems of the file itself go to ERR (DM_EINVAL); without GDAL,
 * DM_EUSAGE. */
int dm_ogr_read(const char *path, const struct dm_ogr_reader *r, struct dm_error *err);

/* A GIS file being written: one layer named after the record type. */
struct dm_ogr_writer;

/* Creates PATH as FORMAT (DM_EXPORT_GPKG, _SHP or _KML) with the columns COLUMNS (names, in
 * order; "geometry" is the geometry) of records of type T, geometry in CRS (NULL = WGS84).
 * Caller closes with dm_ogr_writer_close(), which frees the writer. */
int dm_ogr_writer_open(struct dm_ogr_writer **out, const char *path, enum dm_export_format format,
		       const struct dm_type *t, json_t *columns, const char *crs, struct dm_error *err);
/* Writes one record given as its flat JSON document (geometry as GeoJSON in the writer's CRS). */
int dm_ogr_writer_feature(struct dm_ogr_writer *w, json_t *doc, struct dm_error *err);
/* Finishes the file (rc 0 when it is complete) and frees W. */
int dm_ogr_writer_close(struct dm_ogr_writer *w, struct dm_error *err);

#endif
