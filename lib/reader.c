/* SPDX-License-Identifier: MIT */
/* The NDJSON event reader (reader.h): cJSON, then a flat attribute view. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "touchpoint/reader.h"
#include "util/error.h"
#include "util/export.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/text.h"

#define MAX_DEPTH 64

/* Attributes are built with offsets into the arena (which may move while
 * it grows) and turned into pointers at the end. */
struct flat {
	size_t key_off, key_len;
	size_t val_off, val_len;
	const char *val_ptr;   /* when the value lives in cJSON, not the arena */
};

struct tp_reader {
	size_t max_bytes;
	cJSON *root;
	struct tpi_buf arena;
	struct flat *flat;
	size_t n_flat, cap_flat;
	tp_attr *attrs;
	size_t cap_attrs;
	size_t n_attrs;
	int empty;
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
	cJSON_Delete(r->root);
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

static bool
add(tp_reader *r, size_t key_off, size_t key_len, const char *val_ptr,
    size_t val_off, size_t val_len)
{
	struct flat *f;

	if (!TPI_GROW(r->flat, r->cap_flat, r->n_flat + 1))
		return false;
	f = &r->flat[r->n_flat++];
	f->key_off = key_off;
	f->key_len = key_len;
	f->val_ptr = val_ptr;
	f->val_off = val_off;
	f->val_len = val_len;
	return true;
}

/* Write a number as text: integers exactly, others with 17 digits. */
static void
put_number(struct tpi_buf *b, double v)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		tpi_buf_printf(b, "%.0f", v);
	else
		tpi_buf_printf(b, "%.17g", v);
}

/* Flatten item under the key arena[prefix_off .. prefix_off+prefix_len). */
static tp_status
flatten(tp_reader *r, const cJSON *item, size_t prefix_off, size_t prefix_len,
	int depth)
{
	const cJSON *c;
	size_t i = 0;

	if (depth > MAX_DEPTH)
		return TP_ERANGE;
	if (cJSON_IsObject(item) || cJSON_IsArray(item)) {
		for (c = item->child; c; c = c->next, i++) {
			size_t off = r->arena.len, len;
			tp_status st;

			/* The child's key: prefix + '.' + name (or index). */
			if (prefix_len) {
				tpi_buf_reserve(&r->arena, prefix_len + 1);
				if (r->arena.failed)
					return TP_ENOMEM;
				memmove(r->arena.data + off, r->arena.data + prefix_off,
					prefix_len);
				r->arena.len += prefix_len;
				tpi_buf_putc(&r->arena, '.');
			}
			if (cJSON_IsObject(item))
				tpi_buf_puts(&r->arena, c->string ? c->string : "");
			else
				tpi_buf_printf(&r->arena, "%zu", i);
			if (r->arena.failed)
				return TP_ENOMEM;
			len = r->arena.len - off;
			tpi_buf_putc(&r->arena, '\0');
			st = flatten(r, c, off, len, depth + 1);
			if (st)
				return st;
		}
		return TP_OK;
	}
	if (cJSON_IsString(item))
		return add(r, prefix_off, prefix_len, item->valuestring, 0,
			   strlen(item->valuestring)) ? TP_OK : TP_ENOMEM;
	if (cJSON_IsBool(item))
		return add(r, prefix_off, prefix_len,
			   cJSON_IsTrue(item) ? "true" : "false", 0,
			   cJSON_IsTrue(item) ? 4 : 5) ? TP_OK : TP_ENOMEM;
	if (cJSON_IsNumber(item)) {
		size_t off = r->arena.len;

		put_number(&r->arena, item->valuedouble);
		if (r->arena.failed)
			return TP_ENOMEM;
		return add(r, prefix_off, prefix_len, NULL, off,
			   r->arena.len - off) ? TP_OK : TP_ENOMEM;
	}
	return TP_OK;   /* null */
}

TP_EXPORT tp_status
tp_reader_parse(tp_reader *r, const char *text, size_t len,
		const char *source, unsigned long line, tp_error *err)
{
	const char *end = NULL;
	unsigned long l, col;
	size_t bad, i;
	tp_status st;

	if (!r || (!text && len))
		return TP_EINVAL;
	cJSON_Delete(r->root);
	r->root = NULL;
	r->n_attrs = 0;
	r->n_flat = 0;
	r->empty = 0;
	tpi_buf_reset(&r->arena);
	if (len && text[len - 1] == '\r')
		len--;
	if (len > r->max_bytes)
		return tpi_error(err, TP_ERANGE, source, line, 0, NULL,
				 "line of %zu bytes is over the limit of %zu bytes",
				 len, r->max_bytes);
	bad = tpi_utf8_check(text, len);
	if (bad < len)
		return tpi_error(err, TP_EUTF8, source, line, bad + 1, NULL,
				 "invalid UTF-8 byte 0x%02x",
				 (unsigned)(unsigned char)text[bad]);
	if (memchr(text, '\0', len)) {
		bad = (size_t)((const char *)memchr(text, '\0', len) - text);
		return tpi_error(err, TP_ESYNTAX, source, line, bad + 1, NULL,
				 "NUL byte in the line");
	}
	tpi_oom_reset();
	r->root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!r->root) {
		if (tpi_oom_happened())
			return tpi_error(err, TP_ENOMEM, source, line, 0, NULL,
					 "out of memory");
		end = cJSON_GetErrorPtr();
		bad = (end && end >= text && end <= text + len) ?
			(size_t)(end - text) : 0;
		tpi_text_position(text, len, bad, &l, &col);
		return tpi_error(err, TP_ESYNTAX, source, line, col, NULL,
				 bad >= len ? "truncated JSON" : "invalid JSON");
	}
	for (bad = (size_t)(end - text); bad < len; bad++) {
		if (text[bad] != ' ' && text[bad] != '\t') {
			cJSON_Delete(r->root);
			r->root = NULL;
			return tpi_error(err, TP_ESYNTAX, source, line, bad + 1, NULL,
					 "text after the JSON object");
		}
	}
	if (!cJSON_IsObject(r->root)) {
		st = tpi_error(err, TP_ESCHEMA, source, line, 1, "$",
			       "an event is a JSON object, not %s",
			       tpi_json_type_name(r->root));
		cJSON_Delete(r->root);
		r->root = NULL;
		return st;
	}
	r->empty = r->root->child == NULL;
	st = flatten(r, r->root, 0, 0, 0);
	if (!st && r->arena.failed)
		st = TP_ENOMEM;
	if (!st && !TPI_GROW(r->attrs, r->cap_attrs, r->n_flat + 1))
		st = TP_ENOMEM;
	if (st) {
		cJSON_Delete(r->root);
		r->root = NULL;
		r->n_flat = 0;
		if (st == TP_ERANGE)
			return tpi_error(err, st, source, line, 0, NULL,
					 "nested deeper than %d levels", MAX_DEPTH);
		return tpi_error(err, st, source, line, 0, NULL, "out of memory");
	}
	for (i = 0; i < r->n_flat; i++) {
		const struct flat *f = &r->flat[i];

		r->attrs[i].key = r->arena.data + f->key_off;
		r->attrs[i].key_len = f->key_len;
		r->attrs[i].value = f->val_ptr ? f->val_ptr : r->arena.data + f->val_off;
		r->attrs[i].value_len = f->val_len;
	}
	r->n_attrs = r->n_flat;
	return TP_OK;
}

TP_EXPORT const tp_attr *
tp_reader_attrs(const tp_reader *r, size_t *n)
{
	if (n)
		*n = r ? r->n_attrs : 0;
	if (!r || !r->root)
		return NULL;
	return r->attrs;
}

TP_EXPORT int
tp_reader_empty_object(const tp_reader *r)
{
	return r ? r->empty : 0;
}
