/* test_csv.c: the RFC 4180 reader and writer: quoting, line numbers, refusals, round trips. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "demine/csv.h"

/* Reads all of text; returns the last dm_csv_next code; records and fields counted. */
struct res {
	int rc;
	size_t records, lastline, nf;
	char first[8][64]; /* fields of the second record (first data row) */
	char msg[1024];
};

static struct res run(const char *text, size_t len)
{
	struct res s;
	struct dm_error err;
	FILE *f = fmemopen((void *)text, len, "rb");
	struct dm_csv_reader *r = dm_csv_reader_new(f);
	char **fields;
	size_t n, line;
	memset(&s, 0, sizeof(s));
	dm_error_init(&err);
	while ((s.rc = dm_csv_next(r, &fields, &n, &line, &err)) == 1) {
		s.records++;
		s.lastline = line;
		s.nf = n;
		if (s.records == 2)
			for (size_t i = 0; i < n && i < 8; i++)
				snprintf(s.first[i], sizeof(s.first[i]), "%s", fields[i]);
	}
	snprintf(s.msg, sizeof(s.msg), "%s", err.message);
	if (s.rc < 0 && !strstr(s.msg, "the header has")) /* errors are final */
		CHECK(dm_csv_next(r, &fields, &n, &line, &err) == s.rc);
	dm_csv_reader_free(r);
	fclose(f);
	dm_error_release(&err);
	return s;
}

#define RUN(lit) run(lit, sizeof(lit) - 1)

static void refused(const char *text, size_t len, int code, const char *msg)
{
	struct res s = run(text, len);
	CHECK_MSG(s.rc == code, "rc %d, expected %d (%s)", s.rc, code, s.msg);
	CHECK_STR(s.msg, msg);
}
#define REFUSED(lit, code, msg) refused(lit, sizeof(lit) - 1, code, msg)

static void test_reader(void)
{
	struct res s;
	s = RUN("code,name,note\r\nHAZ-1,\"Ağdam, district\",\"say \"\"hi\"\"\"\r\n"
		"HAZ-2,\"two\r\nlines\",x\r\nHAZ-3,,\r\n");
	CHECK_INT(s.rc, 0);
	CHECK_INT(s.records, 4);
	CHECK_INT(s.lastline, 5); /* the quoted line break moved HAZ-3 down */
	CHECK_STR(s.first[0], "HAZ-1");
	CHECK_STR(s.first[1], "Ağdam, district");
	CHECK_STR(s.first[2], "say \"hi\"");

	/* BOM, LF, empty lines, no final line break, a trailing empty field, spaces kept */
	s = RUN("\xEF\xBB\xBF" "a,b\n\n x ,\n\n\nc,\"\"");
	CHECK_INT(s.rc, 0);
	CHECK_INT(s.records, 3);
	CHECK_INT(s.lastline, 6);
	CHECK_STR(s.first[0], " x ");
	CHECK_STR(s.first[1], "");

	/* embedded line breaks in quotes are returned as LF; lone CR ends a record */
	{
		const char *t = "h\r\"a\r\nb\rc\"\rz\r";
		FILE *f = fmemopen((void *)t, strlen(t), "rb");
		struct dm_csv_reader *r = dm_csv_reader_new(f);
		struct dm_error err;
		char **fl;
		size_t n, line;
		dm_error_init(&err);
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), 1);
		CHECK_INT(dm_csv_header_fields(r), 1);
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), 1);
		CHECK_STR(fl[0], "a\nb\nc");
		CHECK_INT(line, 2);
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), 1);
		CHECK_STR(fl[0], "z");
		CHECK_INT(line, 5);
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), 0);
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), 0);
		dm_csv_reader_free(r);
		fclose(f);
	}

	s = RUN("");
	CHECK_INT(s.rc, 0);
	CHECK_INT(s.records, 0);
	s = RUN("\xEF\xBB\xBF");
	CHECK_INT(s.records, 0);
	s = RUN("\xEF\xBB");
	CHECK_INT(s.rc, DM_EINVAL); /* half a BOM is not UTF-8 */
	s = RUN("a\n\xF0\x9F\x98\x80\n"); /* 4-byte UTF-8 */
	CHECK_INT(s.rc, 0);
	CHECK_STR(s.first[0], "\xF0\x9F\x98\x80");
}

static void test_refusals(void)
{
	REFUSED("a,b,c\n1,2,3\n4,5,6\n7,8,\xff\n", DM_EINVAL, "line 4: invalid UTF-8 in column 3");
	REFUSED("a,b,c\n1,2,\xC0\xAF\n", DM_EINVAL, "line 2: invalid UTF-8 in column 3");          /* overlong */
	REFUSED("a,b,c\n1,\xED\xA0\x80,3\n", DM_EINVAL, "line 2: invalid UTF-8 in column 2");      /* surrogate */
	REFUSED("a,b,c\n1,\xF4\x90\x80\x80,3\n", DM_EINVAL, "line 2: invalid UTF-8 in column 2"); /* > U+10FFFF */
	REFUSED("a\n\xE2\x82", DM_EINVAL, "line 2: invalid UTF-8 in column 1");                 /* cut short */
	REFUSED("a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n13,14\n\"15,16\n17,18\n", DM_EINVAL,
		"line 9: unterminated quoted field");
	REFUSED("a,b\n1,x\"y\n", DM_EINVAL,
		"line 2: stray quote in unquoted field in column 2 (quote the whole field and double the quote)");
	REFUSED("a,b\n\"1\"x,2\n", DM_EINVAL, "line 2: unexpected character after the closing quote in column 1");
	REFUSED("a,b,c,d,e,f\n1,2,3,4,5,6\n1,2,3,4,5,6\n\"x\ny\",2,3,4,5,6\n1,2,3,4,5,6,7\n", DM_EINVAL,
		"line 6: 7 fields, the header has 6");
	REFUSED("a,b\n1\n", DM_EINVAL, "line 2: 1 fields, the header has 2");
	/* a wrong field count is not final: each such line can be listed */
	{
		const char *t = "a,b\n1\n2,3\n4,5,6\n7,8\n";
		FILE *f = fmemopen((void *)t, strlen(t), "rb");
		struct dm_csv_reader *r = dm_csv_reader_new(f);
		struct dm_error err;
		char **fl;
		size_t n, line;
		int rc;
		dm_error_init(&err);
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), 1);
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), DM_EINVAL);
		CHECK_STR(err.message, "line 2: 1 fields, the header has 2");
		dm_error_release(&err);
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), 1);
		CHECK_STR(fl[1], "3");
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), DM_EINVAL);
		CHECK_STR(err.message, "line 4: 3 fields, the header has 2");
		dm_error_release(&err);
		rc = dm_csv_next(r, &fl, &n, &line, &err);
		CHECK_INT(rc, 1);
		CHECK_INT(line, 5);
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), 0);
		dm_csv_reader_free(r);
		fclose(f);
	}
	REFUSED("a,b\n1,x\0y\n", DM_EINVAL, "line 2: NUL byte in column 2");

	/* a 17 MiB field */
	{
		size_t n = 17u << 20;
		char *t = malloc(n + 10);
		memcpy(t, "a\n\"", 3);
		memset(t + 3, 'x', n);
		memcpy(t + 3 + n, "\"\n", 2);
		refused(t, n + 5, DM_ELIMIT, "line 2: field in column 1 longer than 16 MiB");
		free(t);
	}
}

static void test_buffer_edges(void)
{
	/* CRLF and a doubled quote split across the reader's 64 KiB buffers */
	size_t B = 64 * 1024, i;
	char *t = malloc(3 * B);
	size_t len;
	struct res s;
	for (int shift = -3; shift <= 3; shift++) {
		memcpy(t, "h\r\n", 3);
		len = 3;
		t[len++] = '"';
		while (len < B - 2 + (size_t)(shift + 3) - 3)
			t[len++] = 'a';
		memcpy(t + len, "\"\"b\"\r\nc\r\n", 9);
		len += 9;
		s = run(t, len);
		CHECK_MSG(s.rc == 0 && s.records == 3 && s.lastline == 3, "shift %d: %d %zu %s", shift, s.rc,
			  s.records, s.msg);
	}
	/* many records across buffers: line numbers stay right */
	len = 0;
	for (i = 0; i < 20000; i++)
		len += (size_t)snprintf(t + len, 3 * B - len, "%zu,\"q\"\"\"\r\n", i % 10);
	s = run(t, len);
	CHECK_INT(s.rc, 0);
	CHECK_INT(s.records, 20000);
	CHECK_INT(s.lastline, 20000);
	free(t);
}

static void test_hxl(void)
{
	char *tags[] = {"#adm2+code", "", " #item+name", "#x"};
	char *data[] = {"#adm2", "Aghdam"};
	char *empty[] = {"", ""};
	CHECK(dm_csv_is_hxl_row(tags, 4));
	CHECK(!dm_csv_is_hxl_row(data, 2));
	CHECK(!dm_csv_is_hxl_row(empty, 2));
	CHECK(!dm_csv_is_hxl_row(NULL, 0));
}

static void test_writer(void)
{
	const char *row1[] = {"plain", "a,b", "say \"hi\"", "two\nlines", " lead", "trail ", "", NULL, "Ağdam"};
	const char *row2[] = {""};
	const char *want = "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",\"trail \",,,Ağdam\r\n"
			   "\"\"\r\n";
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK_INT(dm_csv_write_row(f, row1, 9), 0);
	CHECK_INT(dm_csv_write_row(f, row2, 1), 0);
	fclose(f);
	CHECK_STR(buf, want);
	free(buf);

	/* round trip: what the writer writes the reader gives back */
	{
		const char *hdr[] = {"x"};
		const char *vals[] = {"", "\"", "\"\"", ",", "a\nb", " ", "#tag", "\xE2\x82\xAC", "x,\"y\"\n,z"};
		size_t nv = sizeof(vals) / sizeof(vals[0]), i;
		struct dm_csv_reader *r;
		struct dm_error err;
		char **fl;
		size_t n, line;
		buf = NULL;
		f = open_memstream(&buf, &len);
		dm_csv_write_row(f, hdr, 1);
		for (i = 0; i < nv; i++)
			dm_csv_write_row(f, &vals[i], 1);
		fclose(f);
		f = fmemopen(buf, len, "rb");
		r = dm_csv_reader_new(f);
		dm_error_init(&err);
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), 1);
		for (i = 0; i < nv; i++) {
			CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), 1);
			CHECK_STR(fl[0], vals[i]);
		}
		CHECK_INT(dm_csv_next(r, &fl, &n, &line, &err), 0);
		dm_csv_reader_free(r);
		fclose(f);
		free(buf);
	}
}

int main(void)
{
	test_reader();
	test_refusals();
	test_buffer_edges();
	test_hxl();
	test_writer();
	return check_report("csv");
}
