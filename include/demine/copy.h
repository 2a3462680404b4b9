/* copy.h: copying a whole demine database between stores (SQLite <-> PostgreSQL), verified. */
#ifndef DEMINE_COPY_H
#define DEMINE_COPY_H
#include <stddef.h>
#include <stdint.h>
#include "demine/error.h"

/* One copied table: rows and a checksum (BLAKE2b-256, hex) of its rows in key order, read back
 * from the source and from the destination. */
struct dm_copy_table {
	char name[80];
	int64_t rows, dest_rows;
	char checksum[65], dest_checksum[65];
};

struct dm_copy_report {
	struct dm_copy_table *tables;
	size_t ntables;
	int64_t rows;
};

/* Copies every table of from_uri (record tables with their history, indexes of records and
 * links, code sequences, audit, settings, extra fields, change counters, migrations, users and
 * sessions) into to_uri, which must not hold a demine database yet (created here with
 * dm_db_open(to_uri, 1)). The source is read in one snapshot; the destination is written in
 * one transaction. Then every table's row count and checksum are compared: a difference is
 * DM_EIO naming the table. The report is filled as far as the copy got; release it with
 * dm_copy_report_release(). */
int dm_copy(const char *from_uri, const char *to_uri, struct dm_copy_report *rep, struct dm_error *err);
void dm_copy_report_release(struct dm_copy_report *rep);

#endif
