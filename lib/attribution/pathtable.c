/* SPDX-License-Identifier: MIT */
/*
 * The path-table reader (attribution.h): CSV as RFC 4180 describes it,
 * with a header naming the columns, into a path set.
 *
 * Every record is accounted for: it becomes a row of the path set, or an
 * error entry with the file, line and column of the fault (empty lines are
 * skipped). After a fault the reader goes on to the end, to report every
 * faulty record, but returns no path set.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attribution-private.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/export.h"
#include "util/file.h"
#include "util/mem.h"
#include "util/text.h"

struct field {
	size_t content;       /* offset of the content in the reader's buffer,
			       * or in the text when !quoted */
	size_t len;
	size_t raw;           /* offset in the text of the first byte */
	unsigned long line, col;
	bool quoted;
};

struct reader {
	const char *text;
	size_t len, pos;
	unsigned long line;
	size_t line_start;     /* offset of the current line's first byte */
	const char *source;
	tp_error *err;
	tp_status first;       /* code of the first fault */

	struct field *fields;
	size_t n_fields, cap_fields;
	struct tpi_buf unq;    /* unescaped quoted fields of the record */
	bool oom;
};

static void fault(struct reader *r, tp_status code, unsigned long line,
		  unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void
fault(struct reader *r, tp_status code, unsigned long line, unsigned long col,
      const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!r->first)
		r->first = code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tpi_error(r->err, code, r->source, line, col, NULL, "%s", msg);
}

static unsigned long
col_at(const struct reader *r, size_t pos)
{
	return (unsigned long)(pos - r->line_start + 1);
}

static const char *
field_ptr(const struct reader *r, const struct field *f)
{
	return f->quoted ? r->unq.data + f->content : r->text + f->content;
}

/* Skip to just after the end of the current line (recovery). */
static void
skip_line(struct reader *r)
{
	const char *nl = memchr(r->text + r->pos, '\n', r->len - r->pos);

	if (!nl) {
		r->pos = r->len;
		return;
	}
	r->pos = (size_t)(nl - r->text) + 1;
	r->line++;
	r->line_start = r->pos;
}

/*
 * Read one record into r->fields. Returns 1 for a record, 0 at the end
 * of the text, -1 for a record with a syntax fault (reported; the reader
 * has moved past it), -2 when the rest of the text cannot be read (an
 * unterminated quote) or memory ran out.
 */
static int
read_record(struct reader *r)
{
	const char *t = r->text;

	r->n_fields = 0;
	tpi_buf_reset(&r->unq);
	if (r->pos >= r->len)
		return 0;
	for (;;) {
		struct field *f;

		if (!TPI_GROW(r->fields, r->cap_fields, r->n_fields + 1)) {
			r->oom = true;
			return -2;
		}
		f = &r->fields[r->n_fields++];
		f->raw = r->pos;
		f->line = r->line;
		f->col = col_at(r, r->pos);
		if (r->pos < r->len && t[r->pos] == '"') {
			size_t p = r->pos + 1;

			f->quoted = true;
			f->content = r->unq.len;
			for (;;) {
				const char *q = memchr(t + p, '"', r->len - p);
				size_t end = q ? (size_t)(q - t) : r->len, k;

				for (k = p; k < end; k++)
					if (t[k] == '\n') {
						r->line++;
						r->line_start = k + 1;
					}
				tpi_buf_append(&r->unq, t + p, end - p);
				if (!q) {
					fault(r, TP_ESYNTAX, f->line, f->col,
					      "unterminated quoted field");
					r->pos = r->len;
					return -2;
				}
				if (end + 1 < r->len && t[end + 1] == '"') {
					tpi_buf_putc(&r->unq, '"');
					p = end + 2;
					continue;
				}
				r->pos = end + 1;
				break;
			}
			if (r->unq.failed) {
				r->oom = true;
				return -2;
			}
			f->len = r->unq.len - f->content;
			tpi_buf_putc(&r->unq, '\0');
			if (r->pos < r->len && t[r->pos] == '\r' &&
			    r->pos + 1 < r->len && t[r->pos + 1] == '\n')
				r->pos++;
			if (r->pos < r->len && t[r->pos] != ',' && t[r->pos] != '\n') {
				fault(r, TP_ESYNTAX, r->line, col_at(r, r->pos),
				      "unexpected character after a closing quote");
				skip_line(r);
				return -1;
			}
		} else {
			size_t p = r->pos;
			char c = 0;

			f->quoted = false;
			while (p < r->len) {
				c = t[p];
				if (c == ',' || c == '\n' || c == '"')
					break;
				p++;
			}
			if (p < r->len && c == '"') {
				fault(r, TP_ESYNTAX, r->line, col_at(r, p),
				      "a quote inside an unquoted field (quote the whole field)");
				skip_line(r);
				return -1;
			}
			f->content = r->pos;
			f->len = p - r->pos;
			if (f->len && t[p - 1] == '\r' && p < r->len && t[p] == '\n')
				f->len--;
			r->pos = p;
		}
		if (r->pos >= r->len)
			return 1;
		if (t[r->pos] == ',') {
			r->pos++;
			continue;
		}
		/* '\n' */
		r->pos++;
		r->line++;
		r->line_start = r->pos;
		return 1;
	}
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
trim(const char **s, size_t *len)
{
	while (*len && is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_space((*s)[*len - 1]))
		(*len)--;
}

/* Line and column of byte `off` of a field's content. */
static void
locate(const struct reader *r, const struct field *f, size_t off,
       unsigned long *line, unsigned long *col)
{
	size_t p, k = 0;

	*line = f->line;
	*col = f->col;
	if (!f->quoted) {
		*col += (unsigned long)off;
		return;
	}
	p = f->raw + 1;
	(*col)++;
	while (k < off && p < r->len) {
		if (r->text[p] == '"') {
			p++;   /* the first of a doubled quote */
			(*col)++;
		}
		if (r->text[p] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
		p++;
		k++;
	}
}

/* Parse a non-negative decimal number. Returns NULL or a message. */
static const char *
parse_number(const char *s, size_t len, double *out)
{
	char buf[64];
	size_t i = 0, digits = 0;
	static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
					1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	uint64_t v = 0;
	size_t frac = 0;
	bool simple = true;
	char *end;

	trim(&s, &len);
	if (len == 0)
		return "a number is missing";
	if (s[0] == '-')
		return "must not be negative";
	if (s[0] == '+')
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		if (digits < 15)
			v = v * 10 + (uint64_t)(s[i] - '0');
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++, frac++)
			if (digits < 15)
				v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (digits == 0)
		return "is not a number";
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t ed = 0;

		simple = false;
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			ed++;
		if (ed == 0)
			return "is not a number";
	}
	if (i != len)
		return "is not a number";
	if (simple && digits <= 15) {
		/* v < 10^15 < 2^53 and 10^frac are exact, so the division is
		 * correctly rounded: the same number strtod() gives. */
		*out = (double)v / pow10[frac];
		return NULL;
	}
	if (len >= sizeof(buf))
		return "is too long a number";
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, &end);
	if (*out > 1e300)
		return "is out of range";
	return NULL;
}

struct columns {
	long path, conv, nulls, value;
	size_t count;
};

static bool
header_is(const char *s, size_t len, const char *name)
{
	trim(&s, &len);
	return tpi_memcaseeq(s, len, name, strlen(name));
}

static void
find_columns(struct reader *r, const tp_path_table_options *o,
	     struct columns *c)
{
	const char *names[4] = {
		o->path_column ? o->path_column : "path",
		o->conversions_column ? o->conversions_column : "conversions",
		o->nulls_column ? o->nulls_column : "nulls",
		o->value_column ? o->value_column : "value",
	};
	bool required[4] = { true, true, o->nulls_column != NULL,
			     o->value_column != NULL };
	long *idx[4] = { &c->path, &c->conv, &c->nulls, &c->value };
	size_t i, k;

	c->count = r->n_fields;
	for (k = 0; k < 4; k++)
		*idx[k] = -1;
	for (i = 0; i < r->n_fields; i++) {
		const struct field *f = &r->fields[i];
		const char *s = field_ptr(r, f);

		for (k = 0; k < 4; k++) {
			if (!header_is(s, f->len, names[k]))
				continue;
			if (*idx[k] >= 0)
				fault(r, TP_ESCHEMA, f->line, f->col,
				      "column '%s' appears twice in the header",
				      names[k]);
			else
				*idx[k] = (long)i;
		}
	}
	for (k = 0; k < 4; k++)
		if (*idx[k] < 0 && required[k])
			fault(r, TP_ESCHEMA, r->fields[0].line, 1,
			      "the header has no column '%s'", names[k]);
}

struct row_ids {
	uint32_t *ids;
	size_t n, cap;
};

/* Check and add one data record. */
static tp_status
do_row(struct reader *r, const struct columns *c, const char *sep,
       tp_paths *paths, struct row_ids *ids)
{
	const struct field *fp, *fn;
	const char *s, *end, *nm[3] = { "conversions", "nulls", "value" };
	long cols[3] = { c->conv, c->nulls, c->value };
	double num[3] = { 0, 0, 0 };
	size_t seplen = strlen(sep), k, bad;
	bool ok = true;

	if (r->n_fields != c->count) {
		const struct field *f = r->n_fields > c->count
			? &r->fields[c->count] : &r->fields[0];

		fault(r, TP_ESCHEMA, f->line, f->col,
		      "expected %zu fields, found %zu", c->count, r->n_fields);
		return TP_OK;
	}
	for (k = 0; k < 3; k++) {
		const char *msg;

		if (cols[k] < 0)
			continue;
		fn = &r->fields[cols[k]];
		msg = parse_number(field_ptr(r, fn), fn->len, &num[k]);
		if (msg) {
			fault(r, TP_ESCHEMA, fn->line, fn->col, "%s %s", nm[k], msg);
			ok = false;
		}
	}
	if (ok && num[0] == 0 && num[2] != 0) {
		fn = &r->fields[c->value];
		fault(r, TP_ESCHEMA, fn->line, fn->col,
		      "a path without conversions cannot carry value");
		ok = false;
	}
	fp = &r->fields[c->path];
	s = field_ptr(r, fp);
	bad = tpi_utf8_check(s, fp->len);
	if (bad != fp->len) {
		unsigned long l, col;

		locate(r, fp, bad, &l, &col);
		fault(r, TP_EUTF8, l, col, "the path is not valid UTF-8");
		return TP_OK;
	}
	end = memchr(s, '\0', fp->len);
	if (end) {
		unsigned long l, col;

		/* An item would print as its text before the NUL while
		 * counting apart from it. */
		locate(r, fp, (size_t)(end - s), &l, &col);
		fault(r, TP_ESYNTAX, l, col, "the path holds a NUL byte");
		return TP_OK;
	}
	ids->n = 0;
	end = s + fp->len;
	{
		const char *p = s, *q;

		{
			const char *t = s;
			size_t tl = fp->len;

			trim(&t, &tl);
			if (tl == 0) {
				fault(r, TP_ESCHEMA, fp->line, fp->col,
				      "the path is empty");
				return TP_OK;
			}
		}
		for (;;) {
			const char *it;
			size_t il;

			q = p;
			while (q < end && !(*q == sep[0] && (size_t)(end - q) >= seplen &&
					    memcmp(q, sep, seplen) == 0))
				q++;
			it = p;
			il = (size_t)(q - p);
			trim(&it, &il);
			if (il == 0) {
				unsigned long l, col;

				locate(r, fp, (size_t)(p - s), &l, &col);
				fault(r, TP_ESCHEMA, l, col,
				      "an empty item in the path");
				return TP_OK;
			}
			if (ok && !r->first) {
				tp_status st;

				if (!TPI_GROW(ids->ids, ids->cap, ids->n + 1))
					return TP_ENOMEM;
				st = tpi_paths_intern(paths, it, il, &ids->ids[ids->n]);
				if (st)
					return st;
				ids->n++;
			}
			if (q >= end)
				break;
			p = q + seplen;
		}
	}
	if (!ok || r->first)
		return TP_OK;
	return tpi_paths_add_ids(paths, ids->ids, ids->n, NULL, 0, num[0],
				 num[1], num[2]);
}

/* Is the record an empty line? */
static bool
blank(const struct reader *r)
{
	return r->n_fields == 1 && !r->fields[0].quoted && r->fields[0].len == 0;
}

static tp_status
load(const char *text, size_t len, const char *source,
     const tp_path_table_options *options, tp_paths **out, tp_error *err)
{
	tp_path_table_options o = TP_PATH_TABLE_OPTIONS_INIT;
	struct reader r;
	struct columns cols;
	struct row_ids ids = { NULL, 0, 0 };
	tp_paths *paths = NULL;
	tp_status st;
	int rc;

	if (options) {
		if (options->size < offsetof(tp_path_table_options, by) + sizeof(options->by))
			return tpi_error(err, TP_EINVAL, source, 0, 0, NULL,
					 "options: size is not set (use TP_PATH_TABLE_OPTIONS_INIT)");
		o = *options;
	}
	if (o.separator && !*o.separator)
		return tpi_error(err, TP_EINVAL, source, 0, 0, NULL,
				 "options: the separator is empty");
	st = tp_paths_new(o.by, &paths);
	if (st)
		return st == TP_EINVAL
			? tpi_error(err, st, source, 0, 0, NULL,
				    "options: unknown item label %d", (int)o.by)
			: st;
	memset(&r, 0, sizeof(r));
	r.text = text;
	r.len = len;
	r.line = 1;
	r.source = source;
	r.err = err;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		r.pos = r.line_start = 3;
	/* The header: the first record that is not an empty line. */
	do
		rc = read_record(&r);
	while (rc == 1 && blank(&r));
	if (rc == 0) {
		fault(&r, TP_ESCHEMA, r.line, 1, "no header: the path table is empty");
	} else if (rc == 1) {
		find_columns(&r, &o, &cols);
		if (!r.first) {
			for (;;) {
				rc = read_record(&r);
				if (rc == 0 || rc == -2)
					break;
				if (rc < 0 || blank(&r))
					continue;
				st = do_row(&r, &cols, o.separator ? o.separator : " > ",
					    paths, &ids);
				if (st == TP_ENOMEM) {
					r.oom = true;
					break;
				}
				if (st) {
					const struct field *f = &r.fields[0];

					fault(&r, st, f->line, f->col, "too many paths or items");
				}
			}
		}
	}
	tpi_free(ids.ids);
	tpi_free(r.fields);
	tpi_buf_fini(&r.unq);
	if (r.oom || (!r.first && rc == -2)) {
		tp_paths_free(paths);
		return TP_ENOMEM;
	}
	if (r.first) {
		tp_paths_free(paths);
		return r.first;
	}
	*out = paths;
	return TP_OK;
}

TP_EXPORT tp_status
tp_paths_load_csv_string(const char *text, size_t len, const char *source,
			 const tp_path_table_options *options, tp_paths **out,
			 tp_error *err)
{
	if (!out || (!text && len))
		return TP_EINVAL;
	*out = NULL;
	return load(text ? text : "", len, source ? source : "<string>",
		    options, out, err);
}

TP_EXPORT tp_status
tp_paths_load_csv_file(const char *filename,
		       const tp_path_table_options *options, tp_paths **out,
		       tp_error *err)
{
	char *text = NULL;
	size_t len = 0;
	tp_status st;

	if (!filename || !out)
		return TP_EINVAL;
	*out = NULL;
	st = tpi_read_file(filename, &text, &len, err);
	if (st)
		return st;
	st = load(text, len, filename, options, out, err);
	tpi_free(text);
	return st;
}
