/* exchange.h: import and export of records as GeoJSON and CSV (+HXL): streaming, and an
 * import is all or nothing. */
#ifndef DEMINE_EXCHANGE_H
#define DEMINE_EXCHANGE_H
#include <stdio.h>
#include "demine/record.h"

struct dm_import_opts {
	const char *type;   /* record type of every feature/row */
	int approve;        /* import as approved (needs a reason and the approve right) */
	const char *reason; /* why: kept on every version written */
	const char *crs;    /* CRS of the coordinates ("EPSG:32638"); a GeoJSON crs member overrides */
	int repair;         /* repair invalid polygons instead of refusing them */
	const char *encoding; /* code page of GIS files that name none ("CP1254"); NULL = UTF-8 */
	const char *layer;    /* GIS files: read only this layer */
	json_t *defaults;     /* GIS files: {"field": "text"} for fields a feature lacks (--set) */
	int track_as_polygon; /* GIS files: a walked perimeter (a line) becomes the polygon */
	size_t max_errors;  /* stop listing after this many problems (0 = 100) */
	/* Called every progress_every records with the count so far (after the write). */
	void (*progress)(size_t n, void *arg);
	void *progress_arg;
	size_t progress_every;
};

struct dm_import_stats {
	size_t created, updated, records;
	size_t unchanged; /* records given with their id and version whose content was the same: no version */
	json_t *report; /* notes (repairs), an array; caller frees with json_decref */
};

/* Imports FILE (.geojson/.json: GeoJSON; .csv: CSV with a header row, optional HXL row;
 * with GDAL: .shp .zip .gpkg .kml .kmz .gpx .xlsx, every layer, see ogr.h).
 * All or nothing: any bad record refuses the whole file, and err lists every problem
 * found (up to max_errors) by feature number or line, field and reason. */
int dm_import_file(struct dm_db *db, const struct dm_actor *who, const char *path,
		   const struct dm_import_opts *opts, struct dm_import_stats *st, struct dm_error *err);

/* GPKG, SHP and KML are written through GDAL (lib/ogr.c) to opts.path, not to a stream. */
enum dm_export_format { DM_EXPORT_GEOJSON = 1, DM_EXPORT_CSV, DM_EXPORT_GPKG, DM_EXPORT_SHP, DM_EXPORT_KML };
struct dm_export_opts {
	const char *type;
	enum dm_export_format format;
	int hxl;            /* CSV: a row of HXL hashtags under the header */
	const char *as_of;  /* as the data stood at that time */
	const char *crs;    /* output CRS; GeoJSON then carries a 2008-style crs member */
	int approved_only;
	const char *path;   /* GPKG/SHP/KML: the file (SHP: a .shp file or a folder) */
};
int dm_export(struct dm_db *db, const struct dm_actor *who, const struct dm_export_opts *opts, FILE *out,
	      size_t *count, struct dm_error *err);

#endif
