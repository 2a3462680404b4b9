/* fuzz_csv.c: libFuzzer target for the CSV reader, and the writer round trip of what it reads. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dm_error err;
	struct dm_csv_reader *r, *r2;
	char **fields, **f2;
	size_t n, n2, line, line2, i;
	char *buf = NULL;
	size_t len = 0;
	FILE *in, *out, *back;
	int rc;
	if (size == 0)
		return 0;
	in = fmemopen((void *)data, size, "rb");
	if (!in)
		return 0;
	out = open_memstream(&buf, &len);
	r = dm_csv_reader_new(in);
	dm_error_init(&err);
	while ((rc = dm_csv_next(r, &fields, &n, &line, &err)) == 1) {
		for (i = 0; i < n; i++)
			if (strlen(fields[i]) > DM_CSV_MAX_FIELD)
				abort();
		dm_csv_is_hxl_row(fields, n);
		dm_csv_write_row(out, (const char *const *)fields, n);
	}
	dm_csv_reader_free(r);
	fclose(in);
	fclose(out);
	dm_error_release(&err);
	/* whatever was read and written reads back the same */
	back = fmemopen(buf, len ? len : 1, "rb");
	if (back && len) {
		r2 = dm_csv_reader_new(back);
		in = fmemopen((void *)data, size, "rb");
		r = dm_csv_reader_new(in);
		for (;;) {
			int a = dm_csv_next(r, &fields, &n, &line, &err);
			int b;
			if (a != 1)
				break;
			b = dm_csv_next(r2, &f2, &n2, &line2, &err);
			if (b != 1 || n != n2)
				abort();
			for (i = 0; i < n; i++)
				if (strcmp(fields[i], f2[i]) != 0)
					abort();
		}
		dm_csv_reader_free(r);
		dm_csv_reader_free(r2);
		fclose(in);
		dm_error_release(&err);
	}
	if (back)
		fclose(back);
	free(buf);
	return 0;
}
