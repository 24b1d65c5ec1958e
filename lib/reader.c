/* SPDX-License-Identifier: MIT */
/*
 * The NDJSON event reader (reader.h). The line is copied into the reader,
 * checked and tokenized by the strict scanner (util/jsonscan.h), which
 * unescapes strings in place; attributes point into that copy, and only
 * composed names (a.b.c) go to an arena. No allocation per
 * line once the buffers have grown.
 */
#include <stdio.h>
#include <string.h>

#include "touchpoint/reader.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/export.h"
#include "util/jsonscan.h"
#include "util/mem.h"
#include "util/text.h"

#define MAX_DEPTH 64

/* A view that lives either in the line copy (a pointer) or in the arena
 * (an offset: the arena may move while it grows). */
struct view {
	const char *p;     /* NULL: in the arena at off */
	size_t off, len;
};

struct flat {
	struct view key, val;
};

/* An open container: the name its members' names extend. */
struct level {
	struct view prefix;
	bool array;
	size_t index;
};

struct tp_reader {
	size_t max_bytes;
	char *line;                 /* the copy the views point into */
	size_t cap_line;
	struct tpi_buf arena;
	struct flat *flat;
	size_t n_flat, cap_flat;
	tp_attr *attrs;
	size_t cap_attrs;
	size_t n_attrs;
	bool parsed;
	int empty;
	/* while scanning */
	struct level levels[MAX_DEPTH + 2];
	struct view member;         /* the last member name seen */
	enum tpi_jtok root;         /* the type of the top value */
};

TP_EXPORT tp_status
tp_reader_new(tp_reader **out)
{
	if (!out)
		return TP_EINVAL;
	*out = tpi_calloc(1, sizeof(**out));
	if (!*out)
		return TP_ENOMEM;
	(*out)->max_bytes = TP_READER_DEFAULT_MAX_BYTES;
	return TP_OK;
}

TP_EXPORT void
tp_reader_free(tp_reader *r)
{
	if (!r)
		return;
	tpi_free(r->line);
	tpi_buf_fini(&r->arena);
	tpi_free(r->flat);
	tpi_free(r->attrs);
	tpi_free(r);
}

TP_EXPORT tp_status
tp_reader_set_max_bytes(tp_reader *r, size_t max_bytes)
{
	if (!r || max_bytes < 2)
		return TP_EINVAL;
	r->max_bytes = max_bytes;
	return TP_OK;
}

static inline const char *
view_ptr(const tp_reader *r, const struct view *v)
{
	return v->p ? v->p : r->arena.data + v->off;
}

/* The name of a new value at depth d (d >= 1) in *out. */
static tp_status
name_of(tp_reader *r, size_t d, struct view *out)
{
	struct level *lv = &r->levels[d];
	char digits[24];
	const char *name;
	size_t n, off;

	if (lv->array) {
		n = (size_t)snprintf(digits, sizeof(digits), "%zu", lv->index++);
		name = digits;
	} else {
		name = r->member.p;
		n = r->member.len;
	}
	if (!lv->prefix.len && !lv->array) {
		*out = r->member;     /* in the line copy */
		return TP_OK;
	}
	off = r->arena.len;
	if (lv->prefix.len) {
		if (!tpi_buf_reserve(&r->arena, lv->prefix.len + 1 + n + 1))
			return TP_ENOMEM;
		/* the prefix may itself be in the arena: copy after reserving */
		memcpy(r->arena.data + off, view_ptr(r, &lv->prefix), lv->prefix.len);
		r->arena.len += lv->prefix.len;
		r->arena.data[r->arena.len++] = '.';
	}
	if (!tpi_buf_append(&r->arena, name, n) || !tpi_buf_putc(&r->arena, '\0'))
		return TP_ENOMEM;
	out->p = NULL;
	out->off = off;
	out->len = r->arena.len - 1 - off;
	return TP_OK;
}

static tp_status
add(tp_reader *r, const struct view *key, const struct view *val)
{
	struct flat *f;

	if (!TPI_GROW(r->flat, r->cap_flat, r->n_flat + 1))
		return TP_ENOMEM;
	f = &r->flat[r->n_flat++];
	f->key = *key;
	f->val = *val;
	return TP_OK;
}

static tp_status
on_token(void *userdata, enum tpi_jtok tok, const char *s, size_t n,
	 size_t depth, size_t offset)
{
	tp_reader *r = userdata;
	struct view name, val;
	tp_status st;

	(void)offset;
	if (tok == TPI_J_END)
		return TP_OK;
	if (tok == TPI_J_KEY) {
		r->member.p = s;
		r->member.off = 0;
		r->member.len = n;
		if (depth == 1)
			r->empty = 0;
		return TP_OK;
	}
	if (depth == 0) {
		r->root = tok;
		if (tok == TPI_J_OBJECT || tok == TPI_J_ARRAY) {
			memset(&r->levels[1], 0, sizeof(r->levels[1]));
			r->levels[1].array = tok == TPI_J_ARRAY;
		}
		return TP_OK;
	}
	if (r->root != TPI_J_OBJECT)
		return TP_OK;   /* refused after the scan: not an object */
	if ((st = name_of(r, depth, &name)))
		return st;
	switch (tok) {
	case TPI_J_OBJECT:
	case TPI_J_ARRAY: {
		struct level *lv = &r->levels[depth + 1];

		lv->prefix = name;
		lv->array = tok == TPI_J_ARRAY;
		lv->index = 0;
		return TP_OK;
	}
	case TPI_J_STRING:
		val.p = s;
		val.off = 0;
		val.len = n;
		break;
	case TPI_J_NUMBER:
		/* as written: the scanner checked it is a JSON number */
		val.p = s;
		val.off = 0;
		val.len = n;
		break;
	case TPI_J_TRUE:
	case TPI_J_FALSE:
		val.p = tok == TPI_J_TRUE ? "true" : "false";
		val.off = 0;
		val.len = tok == TPI_J_TRUE ? 4 : 5;
		break;
	default:
		return TP_OK;   /* null: left out */
	}
	return add(r, &name, &val);
}

TP_EXPORT tp_status
tp_reader_parse(tp_reader *r, const char *text, size_t len,
		const char *source, unsigned long line, tp_error *err)
{
	struct tpi_jscan_fault fault;
	const char *nul;
	size_t bad, i, bom;
	tp_status st;

	if (!r || (!text && len))
		return TP_EINVAL;
	r->parsed = false;
	r->n_attrs = 0;
	r->n_flat = 0;
	r->empty = 1;
	r->root = 0;
	tpi_buf_reset(&r->arena);
	if (len && text[len - 1] == '\r')
		len--;
	if (len > r->max_bytes)
		return tpi_error(err, TP_ERANGE, source, line, r->max_bytes + 1,
				 NULL, "line of %zu bytes is over the limit of %zu bytes",
				 len, r->max_bytes);
	bad = tpi_utf8_check(text, len);
	if (bad < len)
		return tpi_error(err, TP_EUTF8, source, line, bad + 1, NULL,
				 "invalid UTF-8 byte 0x%02x",
				 (unsigned)(unsigned char)text[bad]);
	if ((nul = memchr(text, '\0', len)))
		return tpi_error(err, TP_ESYNTAX, source, line,
				 (size_t)(nul - text) + 1, NULL, "NUL byte in the line");
	if (!TPI_GROW(r->line, r->cap_line, len + 1))
		return tpi_error(err, TP_ENOMEM, source, line, 0, NULL, "out of memory");
	memcpy(r->line, text, len);
	r->line[len] = '\0';
	/* a byte-order mark (first line of a file written on Windows) */
	bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	st = tpi_jscan(r->line + bom, len - bom, MAX_DEPTH, true, on_token, r,
		       &fault);
	if (st == TP_ESYNTAX || st == TP_ERANGE)
		return tpi_error(err, st, source, line, bom + fault.offset + 1,
				 NULL, "%s", fault.message);
	if (!st && r->arena.failed)
		st = TP_ENOMEM;
	if (st)
		return tpi_error(err, st, source, line, 0, NULL, "out of memory");
	if (r->root != TPI_J_OBJECT) {
		static const char *const types[] = {
			[TPI_J_ARRAY] = "an array", [TPI_J_STRING] = "a string",
			[TPI_J_NUMBER] = "a number", [TPI_J_TRUE] = "a boolean",
			[TPI_J_FALSE] = "a boolean", [TPI_J_NULL] = "null",
		};

		r->n_flat = 0;
		return tpi_error(err, TP_ESCHEMA, source, line, 1, "$",
				 "an event is a JSON object, not %s",
				 types[r->root] ? types[r->root] : "a value");
	}
	if (!TPI_GROW(r->attrs, r->cap_attrs, r->n_flat + 1)) {
		r->n_flat = 0;
		return tpi_error(err, TP_ENOMEM, source, line, 0, NULL, "out of memory");
	}
	for (i = 0; i < r->n_flat; i++) {
		const struct flat *f = &r->flat[i];

		r->attrs[i].key = view_ptr(r, &f->key);
		r->attrs[i].key_len = f->key.len;
		r->attrs[i].value = view_ptr(r, &f->val);
		r->attrs[i].value_len = f->val.len;
	}
	r->n_attrs = r->n_flat;
	r->parsed = true;
	return TP_OK;
}

TP_EXPORT const tp_attr *
tp_reader_attrs(const tp_reader *r, size_t *n)
{
	if (n)
		*n = r ? r->n_attrs : 0;
	if (!r || !r->parsed)
		return NULL;
	return r->attrs;
}

TP_EXPORT int
tp_reader_empty_object(const tp_reader *r)
{
	return r ? r->empty : 0;
}
