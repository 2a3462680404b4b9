/* csv.c: RFC 4180 CSV reader (UTF-8 checked, line numbers, caps) and writer. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "demine/csv.h"
#include "demine/util.h"

#define BUFSZ (64 * 1024)

struct dm_csv_reader {
	FILE *f;
	unsigned char buf[BUFSZ];
	size_t pos, len;
	int eof;
	int started;        /* the BOM check is done */
	size_t line;        /* physical line of the next byte */
	int failed;         /* the error code once an error was returned */
	size_t header;      /* fields in the header, 0 before it */

	/* the current record: fields back to back, each NUL-terminated */
	char *data;
	size_t dlen, dcap;
	size_t *offs;       /* start of each field in data */
	size_t nf, ocap;
	char **ptrs;
	size_t pcap;
};

struct dm_csv_reader *dm_csv_reader_new(FILE *f)
{
	struct dm_csv_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->f = f;
	r->line = 1;
	return r;
}

void dm_csv_reader_free(struct dm_csv_reader *r)
{
	if (!r)
		return;
	free(r->data);
	free(r->offs);
	free(r->ptrs);
	free(r);
}

size_t dm_csv_header_fields(const struct dm_csv_reader *r)
{
	return r->header;
}

/* Next byte, or -1 at the end; -2 on a read error. */
static int next(struct dm_csv_reader *r)
{
	if (r->pos == r->len) {
		if (r->eof)
			return -1;
		r->len = fread(r->buf, 1, BUFSZ, r->f);
		r->pos = 0;
		if (r->len < BUFSZ) {
			if (ferror(r->f))
				return -2;
			r->eof = 1;
		}
		if (r->len == 0)
			return -1;
	}
	return r->buf[r->pos++];
}

static int peek(struct dm_csv_reader *r)
{
	int c = next(r);
	if (c >= 0)
		r->pos--; /* next() left the byte in the buffer */
	return c;
}

static int put(struct dm_csv_reader *r, int c)
{
	if (DM_GROW(r->data, r->dlen + 2, r->dcap))
		return -1;
	r->data[r->dlen++] = (char)c;
	return 0;
}

static int begin_field(struct dm_csv_reader *r)
{
	if (DM_GROW(r->offs, r->nf + 1, r->ocap))
		return -1;
	r->offs[r->nf++] = r->dlen;
	if (!r->data) { /* so that an empty first field has a buffer to point into */
		r->data = malloc(256);
		if (!r->data)
			return -1;
		r->dcap = 256;
	}
	return 0;
}

/* Length of the valid UTF-8 prefix of s (strict: no overlongs, surrogates or > U+10FFFF). */
static size_t utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			k = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (i + k >= n)
			return i;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += k + 1;
	}
	return n;
}

static int fail(struct dm_csv_reader *r, struct dm_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct dm_csv_reader *r, struct dm_error *err, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dm_error_set(err, code, NULL, "%s", msg);
	r->failed = code;
	return code;
}

/* Ends the current field: NUL-terminates it and checks its content. */
static int end_field(struct dm_csv_reader *r, size_t recline, struct dm_error *err)
{
	size_t start = r->offs[r->nf - 1], flen = r->dlen - start;
	const unsigned char *s = (const unsigned char *)r->data + start;
	if (memchr(s, '\0', flen))
		return fail(r, err, DM_EINVAL, "line %zu: NUL byte in column %zu", recline, r->nf);
	if (utf8_valid(s, flen) != flen)
		return fail(r, err, DM_EINVAL, "line %zu: invalid UTF-8 in column %zu", recline, r->nf);
	if (put(r, '\0'))
		return fail(r, err, DM_ENOMEM, "out of memory reading CSV");
	return 0;
}

enum state { START, UNQUOTED, QUOTED, AFTER_QUOTE };

int dm_csv_next(struct dm_csv_reader *r, char ***fields, size_t *n, size_t *line, struct dm_error *err)
{
	enum state st = START;
	size_t recline, quoteline = 0;
	int c, rc, any = 0;

	if (r->failed)
		return dm_error_set(err, r->failed, NULL, "the CSV reader stopped at an earlier error");
	if (!r->started) {
		r->started = 1;
		if (peek(r) == 0xEF) {
			/* a BOM can only be at the very start, where the buffer holds it whole or the
			 * file is shorter than 3 bytes */
			if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0)
				r->pos += 3;
		}
	}
	r->dlen = 0;
	r->nf = 0;
	recline = r->line;
	for (;;) {
		c = next(r);
		if (c == -2)
			return fail(r, err, DM_EIO, "line %zu: read error: %s", r->line, strerror(errno));
		if (c == '\r' && peek(r) == '\n')
			c = next(r); /* CRLF is one line break, seen as '\n' */
		else if (c == '\r')
			c = '\n'; /* a lone CR too */
		switch (st) {
		case START:
			if (!any && c == '\n') { /* an empty line */
				r->line++;
				recline = r->line;
				continue;
			}
			if (c == -1 && !any) {
				*fields = NULL;
				if (n)
					*n = 0;
				return 0;
			}
			any = 1;
			if (begin_field(r))
				return fail(r, err, DM_ENOMEM, "out of memory reading CSV");
			if (c == '"') {
				st = QUOTED;
				quoteline = r->line;
				continue;
			}
			if (c == ',' || c == '\n' || c == -1)
				goto field_end;
			st = UNQUOTED;
			goto append;
		case UNQUOTED:
			if (c == ',' || c == '\n' || c == -1)
				goto field_end;
			if (c == '"')
				return fail(r, err, DM_EINVAL, "line %zu: stray quote in unquoted field in column %zu "
					    "(quote the whole field and double the quote)", recline, r->nf);
			goto append;
		case QUOTED:
			if (c == -1)
				return fail(r, err, DM_EINVAL, "line %zu: unterminated quoted field", quoteline);
			if (c == '"') {
				if (peek(r) == '"') {
					next(r);
					goto append;
				}
				st = AFTER_QUOTE;
				continue;
			}
			if (c == '\n')
				r->line++; /* a CRLF or CR inside quotes is stored as LF */
			goto append;
		case AFTER_QUOTE:
			if (c == ',' || c == '\n' || c == -1)
				goto field_end;
			return fail(r, err, DM_EINVAL, "line %zu: unexpected character after the closing quote "
				    "in column %zu", recline, r->nf);
		}
	append:
		if (r->dlen - r->offs[r->nf - 1] >= DM_CSV_MAX_FIELD)
			return fail(r, err, DM_ELIMIT, "line %zu: field in column %zu longer than 16 MiB", recline,
				    r->nf);
		if (r->dlen >= DM_CSV_MAX_RECORD)
			return fail(r, err, DM_ELIMIT, "line %zu: record longer than 64 MiB", recline);
		if (put(r, c))
			return fail(r, err, DM_ENOMEM, "out of memory reading CSV");
		continue;
	field_end:
		rc = end_field(r, recline, err);
		if (rc)
			return rc;
		if (c == ',') {
			st = START;
			continue;
		}
		if (c == '\n')
			r->line++;
		break;
	}
	if (DM_GROW(r->ptrs, r->nf, r->pcap))
		return fail(r, err, DM_ENOMEM, "out of memory reading CSV");
	for (size_t i = 0; i < r->nf; i++)
		r->ptrs[i] = r->data + r->offs[i];
	if (!r->header)
		r->header = r->nf;
	else if (r->nf != r->header) /* not final: the record is whole, the next one can be read */
		return dm_error_set(err, DM_EINVAL, NULL, "line %zu: %zu fields, the header has %zu", recline,
				    r->nf, r->header);
	*fields = r->ptrs;
	if (n)
		*n = r->nf;
	if (line)
		*line = recline;
	return 1;
}

int dm_csv_is_hxl_row(char *const *fields, size_t n)
{
	size_t i, tags = 0;
	for (i = 0; i < n; i++) {
		const char *s = fields[i] ? fields[i] : "";
		s += strspn(s, " \t");
		if (!*s)
			continue;
		if (*s != '#')
			return 0;
		tags++;
	}
	return tags > 0;
}

static int needs_quotes(const char *s, size_t nfields)
{
	size_t len = strlen(s);
	if (len == 0)
		return nfields == 1; /* else the row would be an empty line, which readers skip */
	if (strpbrk(s, ",\"\r\n"))
		return 1;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		return 1; /* a leading U+FEFF would be taken for a BOM at the start of a file */
	return s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t';
}

int dm_csv_write_row(FILE *f, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = fields[i] ? fields[i] : "";
		if (i && fputc(',', f) == EOF)
			return DM_EIO;
		if (!needs_quotes(s, n)) {
			if (fputs(s, f) == EOF)
				return DM_EIO;
			continue;
		}
		if (fputc('"', f) == EOF)
			return DM_EIO;
		for (; *s; s++) {
			if (*s == '"' && fputc('"', f) == EOF)
				return DM_EIO;
			if (fputc(*s, f) == EOF)
				return DM_EIO;
		}
		if (fputc('"', f) == EOF)
			return DM_EIO;
	}
	if (fputs("\r\n", f) == EOF)
		return DM_EIO;
	return 0;
}
