/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "util/json.h"
#include "util/jsonscan.h"
#include "util/mem.h"
#include "util/text.h"

void
tpi_text_position(const char *text, size_t len, size_t offset,
		  unsigned long *line, unsigned long *column)
{
	unsigned long l = 1, c = 1;
	size_t i;

	if (offset > len)
		offset = len;
	for (i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*column = c;
}

static tp_status
check_duplicates(const cJSON *item, struct tpi_path *path, const char *text,
		 size_t len, const char *source, tp_error *err)
{
	tp_status st = TP_OK;
	const cJSON *a, *b;
	size_t i = 0;

	if (cJSON_IsObject(item)) {
		for (a = item->child; a; a = a->next) {
			for (b = a->next; b; b = b->next) {
				if (a->string && b->string &&
				    strcmp(a->string, b->string) == 0) {
					unsigned long l, c;

					tpi_path_push_key(path, a->string);
					tpi_json_locate(text, len,
							tpi_path_str(path), &l, &c);
					st = tpi_error(err, TP_ESCHEMA, source, l, c,
						       tpi_path_str(path),
						       "member \"%s\" appears more than once",
						       a->string);
					tpi_path_pop(path);
					return st;
				}
			}
			tpi_path_push_key(path, a->string ? a->string : "");
			st = check_duplicates(a, path, text, len, source, err);
			tpi_path_pop(path);
			if (st)
				return st;
		}
	} else if (cJSON_IsArray(item)) {
		for (a = item->child; a; a = a->next, i++) {
			tpi_path_push_index(path, i);
			st = check_duplicates(a, path, text, len, source, err);
			tpi_path_pop(path);
			if (st)
				return st;
		}
	}
	return st;
}

tp_status
tpi_json_parse(const char *text, size_t len, const char *source,
	       cJSON **out, tp_error *err)
{
	const char *end = NULL;
	unsigned long line, col;
	struct tpi_path path;
	size_t bad;
	cJSON *root;
	tp_status st;

	*out = NULL;
	bad = tpi_utf8_check(text, len);
	if (bad < len) {
		tpi_text_position(text, len, bad, &line, &col);
		return tpi_error(err, TP_EUTF8, source, line, col, NULL,
				 "invalid UTF-8 byte 0x%02x",
				 (unsigned)(unsigned char)text[bad]);
	}
	if (memchr(text, '\0', len)) {
		bad = (size_t)((const char *)memchr(text, '\0', len) - text);
		tpi_text_position(text, len, bad, &line, &col);
		return tpi_error(err, TP_ESYNTAX, source, line, col, NULL,
				 "NUL byte in JSON text");
	}
	/*
	 * The strict scanner first: exact positions and messages, and the
	 * faults cJSON lets through (raw control characters, \u0000, numbers
	 * outside the grammar) refused. cJSON then builds the tree.
	 */
	{
		struct tpi_jscan_fault fault;
		size_t bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

		st = tpi_jscan((char *)text + bom, len - bom, TPI_JSON_MAX_DEPTH,
			       false, NULL, NULL, &fault);
		if (st) {
			tpi_text_position(text, len, bom + fault.offset, &line, &col);
			return tpi_error(err, st, source, line, col, NULL, "%s",
					 fault.message);
		}
	}
	tpi_oom_reset();
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (root && end) {
		size_t off = (size_t)(end - text);

		while (off < len && (text[off] == ' ' || text[off] == '\t' ||
				     text[off] == '\n' || text[off] == '\r'))
			off++;
		if (off < len) {
			cJSON_Delete(root);
			tpi_text_position(text, len, off, &line, &col);
			return tpi_error(err, TP_ESYNTAX, source, line, col, NULL,
					 "unexpected text after the JSON value");
		}
	}
	if (!root) {
		size_t off;

		if (tpi_oom_happened())
			return tpi_error(err, TP_ENOMEM, source, 0, 0, NULL,
					 "out of memory while parsing JSON");
		end = cJSON_GetErrorPtr();
		off = (end && end >= text && end <= text + len) ?
			(size_t)(end - text) : 0;
		tpi_text_position(text, len, off, &line, &col);
		if (off >= len)
			return tpi_error(err, TP_ESYNTAX, source, line, col, NULL,
					 "unexpected end of JSON text");
		return tpi_error(err, TP_ESYNTAX, source, line, col, NULL,
				 "JSON syntax error near '%c'",
				 text[off] >= 0x20 && text[off] < 0x7f ?
				 text[off] : '?');
	}
	tpi_path_init(&path);
	st = check_duplicates(root, &path, text, len, source, err);
	if (!st && path.buf.failed)
		st = tpi_error(err, TP_ENOMEM, source, 0, 0, NULL, "out of memory");
	tpi_path_fini(&path);
	if (st) {
		cJSON_Delete(root);
		return st;
	}
	*out = root;
	return TP_OK;
}

/* ---- locating a path in the text ---- */

/*
 * The strict scanner's tokens give each value's offset; the locator
 * follows them along the path and keeps the deepest value of the path
 * met so far: the value itself when the whole path is there, else the
 * enclosing value of the first step that is not.
 */
#define LOCATE_MAX_STEPS TPI_JSON_MAX_DEPTH
#define LOCATE_FOUND TP_EEXIST   /* stops the scan: the whole path is there */

struct step {
	const char *key;       /* a member name as the path writes it */
	size_t keylen;
	size_t index;
	bool is_index;
};

struct locate {
	struct step steps[LOCATE_MAX_STEPS];
	size_t n_steps;
	/* for depth d <= n_steps: the value there is on the path; its
	 * container is an array; the next element's index */
	bool on[LOCATE_MAX_STEPS + 2];
	bool in_array[LOCATE_MAX_STEPS + 2];
	size_t next[LOCATE_MAX_STEPS + 2];
	const char *key;       /* the last member name (decoded) */
	size_t keylen;
	size_t best, best_depth;
};

static tp_status
locate_token(void *userdata, enum tpi_jtok tok, const char *s, size_t n,
	     size_t depth, size_t offset)
{
	struct locate *lo = userdata;
	bool on;

	if (tok == TPI_J_END || depth > lo->n_steps)
		return TP_OK;
	if (tok == TPI_J_KEY) {
		lo->key = s;
		lo->keylen = n;
		return TP_OK;
	}
	if (depth == 0) {
		on = true;
	} else {
		const struct step *st = &lo->steps[depth - 1];

		on = lo->on[depth - 1] &&
		     (lo->in_array[depth] ?
		      st->is_index && st->index == lo->next[depth] :
		      !st->is_index && lo->keylen == st->keylen &&
		      memcmp(lo->key, st->key, st->keylen) == 0);
		lo->next[depth]++;
	}
	lo->on[depth] = on;
	if (tok == TPI_J_OBJECT || tok == TPI_J_ARRAY) {
		lo->in_array[depth + 1] = tok == TPI_J_ARRAY;
		lo->next[depth + 1] = 0;
	}
	if (on && depth >= lo->best_depth) {
		lo->best = offset;
		lo->best_depth = depth;
		if (depth == lo->n_steps)
			return LOCATE_FOUND;
	}
	return TP_OK;
}

/* The steps of a path: ".key", "[N]" and "[\"key\"]" after "$". */
static void
parse_path(struct locate *lo, const char *p)
{
	if (p && *p == '$')
		p++;
	while (p && *p && lo->n_steps < LOCATE_MAX_STEPS) {
		struct step *st = &lo->steps[lo->n_steps];

		memset(st, 0, sizeof(*st));
		if (*p == '.') {
			st->key = ++p;
			while (*p && *p != '.' && *p != '[')
				p++;
			st->keylen = (size_t)(p - st->key);
		} else if (*p == '[' && p[1] == '"') {
			st->key = p += 2;
			while (*p && !(*p == '"' && p[1] == ']'))
				p++;
			st->keylen = (size_t)(p - st->key);
			if (*p)
				p += 2;
		} else if (*p == '[') {
			p++;
			st->is_index = true;
			while (*p >= '0' && *p <= '9')
				st->index = st->index * 10 + (size_t)(*p++ - '0');
			if (*p != ']')
				break;
			p++;
		} else {
			break;
		}
		lo->n_steps++;
	}
}

void
tpi_json_locate(const char *text, size_t len, const char *path,
		unsigned long *line, unsigned long *column)
{
	struct tpi_jscan_fault fault;
	size_t bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	/* about 20 KiB, and a copy of the text in which member names are
	 * unescaped: on the heap; without them, the top value */
	struct locate *lo = tpi_calloc(1, sizeof(*lo));
	char *copy = lo ? tpi_malloc(len - bom + 1) : NULL;

	if (copy) {
		memcpy(copy, text + bom, len - bom);
		parse_path(lo, path);
		tpi_jscan(copy, len - bom, TPI_JSON_MAX_DEPTH, true,
			  locate_token, lo, &fault);
	}
	tpi_text_position(text, len, bom + (copy ? lo->best : 0), line, column);
	tpi_free(copy);
	tpi_free(lo);
}

void
tpi_json_locate_errors(tp_error *err, size_t first, const char *text,
		       size_t len, const char *source)
{
	size_t i, n = tp_error_count(err);

	for (i = first; i < n; i++) {
		const char *path = tp_error_path(err, i);
		unsigned long l, c;

		if (path && tp_error_line(err, i) == 0) {
			tpi_json_locate(text, len, path, &l, &c);
			tpi_error_set_position(err, i, l, c);
		}
	}
	tpi_error_set_source(err, first, source);
}

/* ---- paths ---- */

void
tpi_path_init(struct tpi_path *p)
{
	struct tpi_buf b = TPI_BUF_INIT;

	p->buf = b;
	p->marks = NULL;
	p->cap = 0;
	p->depth = 0;
	tpi_buf_putc(&p->buf, '$');
}

void
tpi_path_fini(struct tpi_path *p)
{
	tpi_buf_fini(&p->buf);
	tpi_free(p->marks);
	p->marks = NULL;
	p->cap = 0;
}

/* Remember where the next step starts; a failure marks the path failed. */
static void
mark(struct tpi_path *p)
{
	if (!TPI_GROW(p->marks, p->cap, p->depth + 1))
		p->buf.failed = true;
	else
		p->marks[p->depth] = p->buf.len;
	p->depth++;
}

static bool
plain_key(const char *key)
{
	if (!*key)
		return false;
	for (; *key; key++)
		if (*key == '.' || *key == '[' || *key == ']' || *key == '"')
			return false;
	return true;
}

void
tpi_path_push_key(struct tpi_path *p, const char *key)
{
	mark(p);
	if (plain_key(key))
		tpi_buf_printf(&p->buf, ".%s", key);
	else
		tpi_buf_printf(&p->buf, "[\"%s\"]", key);
}

void
tpi_path_push_index(struct tpi_path *p, size_t index)
{
	mark(p);
	tpi_buf_printf(&p->buf, "[%zu]", index);
}

void
tpi_path_pop(struct tpi_path *p)
{
	if (p->depth == 0)
		return;
	p->depth--;
	if (p->depth < p->cap && !p->buf.failed) {
		p->buf.len = p->marks[p->depth];
		p->buf.data[p->buf.len] = '\0';
	}
}

const char *
tpi_path_str(const struct tpi_path *p)
{
	return (p->buf.data && !p->buf.failed) ? p->buf.data : "$";
}

const char *
tpi_json_type_name(const cJSON *item)
{
	if (!item)
		return "nothing";
	if (cJSON_IsString(item))
		return "string";
	if (cJSON_IsNumber(item))
		return "number";
	if (cJSON_IsBool(item))
		return "boolean";
	if (cJSON_IsNull(item))
		return "null";
	if (cJSON_IsArray(item))
		return "array";
	if (cJSON_IsObject(item))
		return "object";
	return "invalid value";
}
