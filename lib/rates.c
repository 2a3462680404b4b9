/* rates.c: exchange rate file readers: CBAR's daily XML bulletin and the ECB's CSV files
 * (eurofxref daily and history, SDMX), each rate handed to a callback. The conversion policy
 * is rates_convert.c's, the rate records rates_store.c's. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "demine/rates.h"
#include "demine/db.h"
#include "demine/record.h"
#include "demine/store.h"
#include "demine/util.h"

#define LINE_MAX_BYTES (64 * 1024)        /* one CSV line */
#define XML_MAX_BYTES (16 * 1024 * 1024)  /* a CBAR bulletin is ~30 KiB */
#define MAX_COLUMNS 1024

/* ---- shared reader state ---- */

struct reader {
	dm_rate_fn fn;
	void *arg;
	struct dm_rates_info *info;
	struct dm_error *err;
};

static void warn(struct reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct reader *rd, const char *fmt, ...)
{
	va_list ap;
	rd->info->nskipped++;
	if (rd->info->warning[0])
		return;
	va_start(ap, fmt);
	vsnprintf(rd->info->warning, sizeof(rd->info->warning), fmt, ap);
	va_end(ap);
}

static int deliver(struct reader *rd, const struct dm_rate *r)
{
	struct dm_rates_info *in = rd->info;
	int rc;
	if (!in->date_min[0] || strcmp(r->date, in->date_min) < 0)
		memcpy(in->date_min, r->date, sizeof(in->date_min));
	if (!in->date_max[0] || strcmp(r->date, in->date_max) > 0)
		memcpy(in->date_max, r->date, sizeof(in->date_max));
	in->nrates++;
	rc = rd->fn ? rd->fn(r, rd->arg) : 0;
	return rc;
}


/* Parses a rate value; errors read "line 7: rate 'abc' for USD is not a number". */
static int parse_rate(struct reader *rd, long line, const char *text, const char *code, struct dm_decimal *out)
{
	struct dm_error e;
	char head[96];
	int rc;
	size_t hl;
	dm_error_init(&e);
	rc = dm_decimal_parse_rate(text, out, &e);
	if (rc) {
		/* e.message is "rate 'TEXT' REASON": put the currency after the value */
		snprintf(head, sizeof(head), "rate '%s'", text);
		hl = strlen(head);
		if (!strncmp(e.message, head, hl))
			dm_error_set(rd->err, DM_EINVAL, code, "line %ld: rate '%.64s' for %s%s", line, text, code,
				     e.message + hl);
		else
			dm_error_set(rd->err, DM_EINVAL, code, "line %ld: %s (%s)", line, e.message, code);
		dm_error_release(&e);
	}
	return rc;
}

static int is_code(const char *s)
{
	return strlen(s) == 3 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
	       isupper((unsigned char)s[2]);
}

static int is_metal(const char *code)
{
	return !strcmp(code, "XAU") || !strcmp(code, "XAG") || !strcmp(code, "XPT") || !strcmp(code, "XPD");
}

/* ---- CBAR daily bulletin (XML) ---- */

/* Text of an element's children (text and CDATA only), trimmed into buf; NULL when it
 * does not fit (a rate or a Nominal is short: a long one is refused, not cut). */
static const char *node_text(xmlNode *n, char *buf, size_t len)
{
	xmlNode *c;
	size_t used = 0;
	char *t;
	buf[0] = '\0';
	for (c = n ? n->children : NULL; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
			size_t k = strlen((const char *)c->content);
			if (used + k >= len)
				return NULL;
			memcpy(buf + used, c->content, k);
			used += k;
			buf[used] = '\0';
		}
	}
	t = dm_str_trim(buf);
	if (t != buf)
		memmove(buf, t, strlen(t) + 1);
	return buf;
}

static xmlNode *child(xmlNode *n, const char *name)
{
	xmlNode *c;
	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, (const xmlChar *)name))
			return c;
	return NULL;
}

/* attribute value into buf ("" if absent) */
static const char *attr(xmlNode *n, const char *name, char *buf, size_t len)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	snprintf(buf, len, "%s", v ? (const char *)v : "");
	xmlFree(v);
	return buf;
}

/* rate = value / nominal, exactly; 0 or -1 when it is no decimal of at most 12 places */
static int divide_nominal(struct dm_decimal *d, long nominal)
{
	__int128 m = d->mantissa;
	int scale = d->scale;
	while (m % nominal != 0) {
		if (scale >= DM_DECIMAL_MAX_SCALE)
			return -1;
		m *= 10;
		scale++;
	}
	m /= nominal;
	while (scale > 0 && m % 10 == 0 && scale > d->scale) {
		m /= 10;
		scale--;
	}
	if (m > INT64_MAX || m <= 0)
		return -1;
	d->mantissa = (int64_t)m;
	d->scale = scale;
	return 0;
}

static int cbar_valute(struct reader *rd, xmlNode *v, const char *date, char seen[][4], size_t *nseen)
{
	char code[64], nom[64], val[128];
	long line = xmlGetLineNo(v);
	xmlNode *nn, *vn;
	struct dm_rate r;
	char *end;
	long nominal;
	size_t i;
	attr(v, "Code", code, sizeof(code));
	if (!code[0])
		return dm_error_set(rd->err, DM_EINVAL, NULL, "line %ld: Valute without a Code", line);
	if (is_metal(code)) {
		rd->info->nmetals++;
		return 0;
	}
	if (!is_code(code) || !dm_currency_valid(code)) {
		warn(rd, "line %ld: %s is not an ISO 4217 currency; skipped", line, code);
		return 0;
	}
	if (!strcmp(code, "AZN") || !strcmp(code, "AZM")) {
		warn(rd, "line %ld: a rate of the manat in manat; skipped", line);
		return 0;
	}
	for (i = 0; i < *nseen; i++)
		if (!strcmp(seen[i], code))
			return dm_error_set(rd->err, DM_EINVAL, code, "line %ld: %s appears twice in the bulletin",
					    line, code);
	if (*nseen < 512)
		memcpy(seen[(*nseen)++], code, 4);
	vn = child(v, "Value");
	if (!node_text(vn, val, sizeof(val)))
		return dm_error_set(rd->err, DM_EINVAL, code, "line %ld: Value for %s is too long", xmlGetLineNo(vn), code);
	if (!val[0]) {
		warn(rd, "line %ld: no Value for %s; skipped", vn ? xmlGetLineNo(vn) : line, code);
		return 0;
	}
	nn = child(v, "Nominal");
	if (!node_text(nn, nom, sizeof(nom)))
		return dm_error_set(rd->err, DM_EINVAL, code, "line %ld: Nominal for %s is too long", xmlGetLineNo(nn), code);
	errno = 0;
	nominal = strtol(nom, &end, 10);
	if (!nom[0] || *end || errno || nominal <= 0 || nominal > 1000000000L || !isdigit((unsigned char)nom[0]))
		return dm_error_set(rd->err, DM_EINVAL, code, "line %ld: Nominal '%.32s' for %s is not a whole number",
				    nn ? xmlGetLineNo(nn) : line, nom, code);
	memset(&r, 0, sizeof(r));
	if (parse_rate(rd, vn ? xmlGetLineNo(vn) : line, val, code, &r.rate))
		return rd->err->code;
	if (nominal != 1 && divide_nominal(&r.rate, nominal))
		return dm_error_set(rd->err, DM_EINVAL, code,
				    "line %ld: rate '%s' per %ld %s is not a decimal of at most %d places",
				    vn ? xmlGetLineNo(vn) : line, val, nominal, code, DM_DECIMAL_MAX_SCALE);
	memcpy(r.date, date, 11);
	memcpy(r.from, code, 4);
	/* the manat was redenominated on 2006-01-01 (1 AZN = 5000 AZM): older bulletins are in AZM */
	memcpy(r.to, strcmp(date, "2006-01-01") < 0 ? "AZM" : "AZN", 4);
	memcpy(r.source, "cbar", 5);
	return deliver(rd, &r);
}

static int read_cbar(struct reader *rd, const char *data, size_t len)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc = NULL;
	xmlNode *root, *vt, *v;
	char date[64], iso[11], type[128];
	char(*seen)[4] = NULL;
	size_t nseen = 0;
	int rc = 0;
	snprintf(rd->info->format, sizeof(rd->info->format), "cbar-xml");
	snprintf(rd->info->source, sizeof(rd->info->source), "cbar");
	if (len > XML_MAX_BYTES || len > (size_t)INT32_MAX)
		return dm_error_set(rd->err, DM_ELIMIT, NULL, "XML file larger than %d bytes", XML_MAX_BYTES);
	xmlInitParser();
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return dm_error_set(rd->err, DM_ENOMEM, NULL, "out of memory");
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
	if (!doc) {
		xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
		char msg[256];
		snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message : "not well-formed");
		rc = dm_error_set(rd->err, DM_EINVAL, NULL, "line %d: invalid XML: %s", e ? e->line : 0, dm_str_trim(msg));
		goto out;
	}
	if (doc->intSubset || doc->extSubset) {
		rc = dm_error_set(rd->err, DM_EINVAL, NULL, "XML with a DTD is not accepted in a rate file");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || xmlStrcmp(root->name, (const xmlChar *)"ValCurs")) {
		rc = dm_error_set(rd->err, DM_EINVAL, NULL,
				  "line %ld: not a CBAR bulletin: the root element is '%.64s', expected ValCurs",
				  root ? xmlGetLineNo(root) : 0L, root ? (const char *)root->name : "");
		goto out;
	}
	attr(root, "Date", date, sizeof(date));
	if (strlen(date) != 10 || date[2] != '.' || date[5] != '.') {
		rc = dm_error_set(rd->err, DM_EINVAL, "date", "line %ld: ValCurs Date '%.32s' is not a date (DD.MM.YYYY)",
				  xmlGetLineNo(root), date);
		goto out;
	}
	snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2s", date + 6, date + 3, date);
	if (!dm_is_date(iso)) {
		rc = dm_error_set(rd->err, DM_EINVAL, "date", "line %ld: ValCurs Date '%s' is not a date (DD.MM.YYYY)",
				  xmlGetLineNo(root), date);
		goto out;
	}
	seen = calloc(512, sizeof(*seen));
	if (!seen) {
		rc = dm_error_set(rd->err, DM_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (vt = root->children; vt && !rc; vt = vt->next) {
		int metals;
		if (vt->type != XML_ELEMENT_NODE || xmlStrcmp(vt->name, (const xmlChar *)"ValType"))
			continue;
		attr(vt, "Type", type, sizeof(type));
		metals = strstr(type, "metal") != NULL || strstr(type, "Metal") != NULL;
		for (v = vt->children; v && !rc; v = v->next) {
			if (v->type != XML_ELEMENT_NODE || xmlStrcmp(v->name, (const xmlChar *)"Valute"))
				continue;
			if (metals) {
				rd->info->nmetals++;
				continue;
			}
			rc = cbar_valute(rd, v, iso, seen, &nseen);
		}
	}
out:
	free(seen);
	if (doc)
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* ---- ECB CSV files ---- */

/* Splits a CSV line in place (RFC 4180 quotes, no line breaks inside). Returns the number
 * of cells, or -1 for an unclosed quote, -2 for too many cells. */
static int split_csv(char *s, char **cells, int max)
{
	int n = 0;
	for (;;) {
		char *w;
		if (n == max)
			return -2;
		if (*s == '"') {
			char *r = ++s;
			w = s;
			cells[n++] = s;
			for (;;) {
				if (*r == '\0')
					return -1;
				if (*r == '"') {
					if (r[1] == '"') {
						*w++ = '"';
						r += 2;
						continue;
					}
					r++;
					break;
				}
				*w++ = *r++;
			}
			while (*r == ' ')
				r++;
			*w = '\0';
			if (*r == '\0')
				return n;
			if (*r != ',')
				return -1;
			s = r + 1;
			continue;
		}
		cells[n++] = s;
		w = strchr(s, ',');
		if (!w)
			return n;
		*w = '\0';
		s = w + 1;
	}
}

static const char *const month_names[12] = { "January", "February", "March", "April", "May", "June", "July",
					      "August", "September", "October", "November", "December" };

/* "2026-04-13" or "13 April 2026" -> "2026-04-13"; 0 or -1. */
static int ecb_date(const char *s, char out[11])
{
	int d, y, m, k;
	char mon[16], tmp[32];
	if (dm_is_date(s)) {
		memcpy(out, s, 11);
		return 0;
	}
	k = 0;
	if (sscanf(s, "%2d %15[A-Za-z] %4d%n", &d, mon, &y, &k) != 3 || s[k] != '\0' || y < 1000)
		return -1;
	for (m = 0; m < 12; m++)
		if (!strcmp(mon, month_names[m]))
			break;
	if (m == 12)
		return -1;
	if (d < 1 || d > 31 || y > 9999)
		return -1;
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m + 1, d);
	if (!dm_is_date(tmp))
		return -1;
	memcpy(out, tmp, 11);
	return 0;
}

struct csv {
	struct reader *rd;
	FILE *f;
	char *buf;
	long line;
	char *cells[MAX_COLUMNS];
	int ncells;
	int spaced; /* the line separates cells with ", " (ECB daily file) */
};

/* Next non-blank line split into cells: 1, 0 at the end, <0 error. */
static int csv_next(struct csv *c)
{
	for (;;) {
		size_t n = 0;
		int ch, nul = 0;
		char *s;
		while ((ch = getc(c->f)) != EOF && ch != '\n') {
			if (n == LINE_MAX_BYTES - 1)
				return dm_error_set(c->rd->err, DM_ELIMIT, NULL, "line %ld: longer than %d bytes",
						    c->line + 1, LINE_MAX_BYTES - 1);
			nul |= ch == 0;
			c->buf[n++] = (char)ch;
		}
		if (ch == EOF && ferror(c->f))
			return dm_error_set(c->rd->err, DM_EIO, NULL, "line %ld: read error", c->line + 1);
		if (ch == EOF && n == 0)
			return 0;
		c->buf[n] = '\0';
		c->line++;
		if (nul)
			return dm_error_set(c->rd->err, DM_EINVAL, NULL, "line %ld: contains a NUL byte", c->line);
		s = c->buf;
		if (c->line == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
		    (unsigned char)s[2] == 0xBF)
			s += 3;
		s = dm_str_trim(s);
		if (!*s)
			continue;
		c->spaced = strstr(s, ", ") != NULL;
		c->ncells = split_csv(s, c->cells, MAX_COLUMNS);
		if (c->ncells == -1)
			return dm_error_set(c->rd->err, DM_EINVAL, NULL, "line %ld: unclosed or misplaced quote", c->line);
		if (c->ncells == -2)
			return dm_error_set(c->rd->err, DM_ELIMIT, NULL, "line %ld: more than %d cells", c->line,
					    MAX_COLUMNS);
		for (int i = 0; i < c->ncells; i++)
			c->cells[i] = dm_str_trim(c->cells[i]);
		return 1;
	}
}

/* A trailing comma ends every line of ECB's files: the empty last cell is no column. */
static int trailing_empty(const struct csv *c)
{
	return c->ncells > 1 && !c->cells[c->ncells - 1][0];
}

/* 0 if the row has ncols cells (a trailing comma allowed), else the error. */
static int check_width(struct csv *c, int ncols)
{
	int n = c->ncells;
	if (n == ncols || (n == ncols + 1 && trailing_empty(c)))
		return 0;
	if (trailing_empty(c))
		n--;
	return dm_error_set(c->rd->err, DM_EINVAL, NULL, "line %ld: %d cells, the header has %d", c->line, n, ncols);
}

static int is_missing(const char *v)
{
	return !v[0] || !strcmp(v, "N/A") || !strcmp(v, "NaN") || !strcmp(v, "-");
}

/* eurofxref-hist.csv and eurofxref.csv: Date,CUR1,CUR2,... one row per day. */
static int read_eurofxref(struct csv *c, int daily)
{
	struct reader *rd = c->rd;
	char(*codes)[4];
	int ncodes = c->ncells - 1 - trailing_empty(c), i, rc = 0;
	struct dm_rate r;
	snprintf(rd->info->format, sizeof(rd->info->format), daily ? "ecb-daily-csv" : "ecb-hist-csv");
	snprintf(rd->info->source, sizeof(rd->info->source), "ecb");
	if (ncodes < 1)
		return dm_error_set(rd->err, DM_EINVAL, NULL, "line %ld: no currency columns after Date", c->line);
	codes = calloc((size_t)ncodes, sizeof(*codes));
	if (!codes)
		return dm_error_set(rd->err, DM_ENOMEM, NULL, "out of memory");
	for (i = 0; i < ncodes; i++) {
		const char *h = c->cells[i + 1];
		if (!is_code(h)) {
			rc = dm_error_set(rd->err, DM_EINVAL, NULL, "line %ld: column %d '%.32s' is not a currency code",
					  c->line, i + 2, h);
			goto out;
		}
		if (!dm_currency_valid(h))
			warn(rd, "line %ld: column %d: %s is not an ISO 4217 currency; skipped", c->line, i + 2, h);
		else
			memcpy(codes[i], h, 4);
	}
	memset(&r, 0, sizeof(r));
	memcpy(r.from, "EUR", 4);
	memcpy(r.source, "ecb", 4);
	while ((rc = csv_next(c)) == 1) {
		rc = 0;
		rc = check_width(c, ncodes + 1);
		if (rc)
			goto out;
		if (ecb_date(c->cells[0], r.date)) {
			rc = dm_error_set(rd->err, DM_EINVAL, "date", "line %ld: date '%.32s' is not a date (YYYY-MM-DD)",
					  c->line, c->cells[0]);
			goto out;
		}
		for (i = 0; i < ncodes; i++) {
			const char *v = c->cells[i + 1];
			if (!codes[i][0])
				continue;
			if (is_missing(v)) {
				rd->info->nmissing++;
				continue;
			}
			if (!strcmp(codes[i], "EUR"))
				continue;
			if (parse_rate(rd, c->line, v, codes[i], &r.rate)) {
				rc = rd->err->code;
				goto out;
			}
			memcpy(r.to, codes[i], 4);
			rc = deliver(rd, &r);
			if (rc)
				goto out;
		}
	}
out:
	free(codes);
	return rc;
}

static int column(struct csv *c, const char *name)
{
	for (int i = 0; i < c->ncells; i++)
		if (!strcmp(c->cells[i], name))
			return i;
	return -1;
}

/* ECB Data API csvdata: one observation per row; columns found by name. */
static int read_sdmx(struct csv *c)
{
	struct reader *rd = c->rd;
	int icur = column(c, "CURRENCY"), iden = column(c, "CURRENCY_DENOM"), idate = column(c, "TIME_PERIOD"),
	    ival = column(c, "OBS_VALUE"), ncols = c->ncells - trailing_empty(c), rc;
	struct dm_rate r;
	snprintf(rd->info->format, sizeof(rd->info->format), "ecb-sdmx-csv");
	snprintf(rd->info->source, sizeof(rd->info->source), "ecb");
	if (icur < 0)
		return dm_error_set(rd->err, DM_EINVAL, NULL, "line %ld: no CURRENCY column", c->line);
	memset(&r, 0, sizeof(r));
	memcpy(r.source, "ecb", 4);
	while ((rc = csv_next(c)) == 1) {
		const char *cur, *den, *val;
		rc = 0;
		if (check_width(c, ncols))
			return rd->err->code;
		cur = c->cells[icur];
		den = iden >= 0 ? c->cells[iden] : "EUR";
		val = c->cells[ival];
		if (!is_code(cur) || !is_code(den))
			return dm_error_set(rd->err, DM_EINVAL, NULL, "line %ld: currency '%.32s' is not a currency code",
					    c->line, is_code(cur) ? den : cur);
		if (!dm_currency_valid(cur) || !dm_currency_valid(den)) {
			warn(rd, "line %ld: %s is not an ISO 4217 currency; skipped", c->line,
			     dm_currency_valid(cur) ? den : cur);
			continue;
		}
		if (!dm_is_date(c->cells[idate]))
			return dm_error_set(rd->err, DM_EINVAL, "date",
					    "line %ld: TIME_PERIOD '%.32s' is not a day (YYYY-MM-DD)", c->line,
					    c->cells[idate]);
		if (is_missing(val)) {
			rd->info->nmissing++;
			continue;
		}
		if (!strcmp(cur, den))
			continue;
		if (parse_rate(rd, c->line, val, cur, &r.rate))
			return rd->err->code;
		memcpy(r.date, c->cells[idate], 11);
		memcpy(r.from, den, 4);
		memcpy(r.to, cur, 4);
		rc = deliver(rd, &r);
		if (rc)
			return rc;
	}
	return rc;
}

static int read_csv(struct reader *rd, FILE *f)
{
	struct csv *c = calloc(1, sizeof(*c));
	int rc;
	if (!c || !(c->buf = malloc(LINE_MAX_BYTES))) {
		free(c);
		return dm_error_set(rd->err, DM_ENOMEM, NULL, "out of memory");
	}
	c->rd = rd;
	c->f = f;
	rc = csv_next(c);
	if (rc == 0) {
		rc = dm_error_set(rd->err, DM_EINVAL, NULL, "the rate file is empty");
	} else if (rc == 1) {
		if (c->ncells > 0 && !strcmp(c->cells[0], "Date"))
			rc = read_eurofxref(c, c->spaced);
		else if (column(c, "TIME_PERIOD") >= 0 && column(c, "OBS_VALUE") >= 0)
			rc = read_sdmx(c);
		else
			rc = dm_error_set(rd->err, DM_EINVAL, NULL,
					  "line %ld: not a rate file: expected a CBAR bulletin (XML), an ECB eurofxref "
					  "CSV (Date,USD,...) or ECB SDMX csvdata (...,TIME_PERIOD,OBS_VALUE,...)",
					  c->line);
	}
	free(c->buf);
	free(c);
	return rc;
}

/* ---- entry points ---- */

static int looks_xml(const char *p, size_t n)
{
	size_t i = 0;
	if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i < n && p[i] == '<';
}

static void info_init(struct dm_rates_info *info)
{
	memset(info, 0, sizeof(*info));
}

int dm_rates_read_buffer(const char *data, size_t len, dm_rate_fn fn, void *arg, struct dm_rates_info *info,
			 struct dm_error *err)
{
	struct dm_rates_info local;
	struct reader rd = { fn, arg, info ? info : &local, err };
	FILE *f;
	int rc;
	info_init(rd.info);
	if (len == 0)
		return dm_error_set(err, DM_EINVAL, NULL, "the rate file is empty");
	if (looks_xml(data, len))
		return read_cbar(&rd, data, len);
	f = fmemopen((void *)data, len, "r");
	if (!f)
		return dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
	rc = read_csv(&rd, f);
	fclose(f);
	return rc;
}

int dm_rates_read_file_info(const char *path, dm_rate_fn fn, void *arg, struct dm_rates_info *info,
			    struct dm_error *err)
{
	struct dm_rates_info local;
	struct reader rd = { fn, arg, info ? info : &local, err };
	char head[256];
	size_t n;
	FILE *f;
	int rc;
	info_init(rd.info);
	f = fopen(path, "rb");
	if (!f)
		return dm_error_set(err, errno == ENOENT ? DM_ENOTFOUND : DM_EIO, NULL, "cannot open '%s': %s", path,
				    strerror(errno));
	n = fread(head, 1, sizeof(head), f);
	if (n == 0) {
		rc = ferror(f) ? dm_error_set(err, DM_EIO, NULL, "cannot read '%s'", path)
			       : dm_error_set(err, DM_EINVAL, NULL, "the rate file is empty");
	} else if (looks_xml(head, n)) {
		/* a bulletin is small: read it whole (capped) for libxml2 */
		char *data = malloc(XML_MAX_BYTES + 1);
		size_t len = n;
		if (!data) {
			rc = dm_error_set(err, DM_ENOMEM, NULL, "out of memory");
		} else {
			memcpy(data, head, n);
			len += fread(data + n, 1, XML_MAX_BYTES + 1 - n, f);
			if (ferror(f))
				rc = dm_error_set(err, DM_EIO, NULL, "cannot read '%s'", path);
			else
				rc = read_cbar(&rd, data, len);
			free(data);
		}
	} else if (fseek(f, 0, SEEK_SET) != 0) {
		rc = dm_error_set(err, DM_EIO, NULL, "cannot read '%s': not a regular file", path);
	} else {
		rc = read_csv(&rd, f);
	}
	fclose(f);
	return rc;
}

int dm_rates_read_file(const char *path, dm_rate_fn fn, void *arg, struct dm_error *err)
{
	return dm_rates_read_file_info(path, fn, arg, NULL, err);
}
