/* csv.h: RFC 4180 CSV (UTF-8) reader and writer, with HXL hashtag row detection. */
#ifndef DEMINE_CSV_H
#define DEMINE_CSV_H
#include <stdio.h>
#include <stddef.h>
#include "demine/error.h"

#define DM_CSV_MAX_FIELD (16u * 1024 * 1024)  /* bytes of one field */
#define DM_CSV_MAX_RECORD (64u * 1024 * 1024) /* bytes of one record */

/* Reads records from a FILE* (not owned). Quoted fields may hold commas, doubled quotes
 * and line breaks; records end with CRLF, LF or a lone CR; a UTF-8 BOM at the start is
 * skipped; a line break inside a quoted field is returned as LF whatever it was (CRLF, CR);
 * empty lines are skipped (so a one-column file cannot carry an empty value
 * unquoted: the writer quotes it). The first record is the header: every later record
 * must have as many fields. */
struct dm_csv_reader;

/* Caller frees with dm_csv_reader_free(). Returns NULL when out of memory. */
struct dm_csv_reader *dm_csv_reader_new(FILE *f);
void dm_csv_reader_free(struct dm_csv_reader *r);

/* The next record: returns 1 and sets *fields (n NUL-terminated UTF-8 strings, owned by
 * the reader, valid until the next call) and *line (the physical line, from 1, where the
 * record starts); 0 at the end; negative on error with err filled, e.g.
 *   "line 4: invalid UTF-8 in column 3"      "line 9: unterminated quoted field"
 *   "line 5: 7 fields, the header has 6"     "line 2: stray quote in unquoted field in column 1"
 *   "line 3: field in column 2 longer than 16 MiB"  "line 6: NUL byte in column 1"
 * Errors are final (later calls return the same code), except a wrong number of fields:
 * that record is skipped and the next call reads on, so that every such line can be listed
 * (fill a fresh err for each call to see each message). line and n may be NULL. */
int dm_csv_next(struct dm_csv_reader *r, char ***fields, size_t *n, size_t *line, struct dm_error *err);

/* Number of fields of the header (0 before the first record). */
size_t dm_csv_header_fields(const struct dm_csv_reader *r);

/* 1 when the row is an HXL hashtag row: at least one non-empty cell and every non-empty
 * cell (after leading spaces) starts with '#'. An importer skips it (and may map columns
 * by its hashtags). */
int dm_csv_is_hxl_row(char *const *fields, size_t n);

/* Writes one record, quoting a field only when needed (comma, quote, CR, LF, a leading or
 * trailing space or tab, a leading U+FEFF, or the only field of the row being empty),
 * ending it with CRLF.
 * A NULL field is written empty. Returns 0 or DM_EIO. */
int dm_csv_write_row(FILE *f, const char *const *fields, size_t n);

#endif
