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

struct scan {
	const char *s;
	size_t len;
	size_t pos;
};

static void
skip_ws(struct scan *sc)
{
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->pos++;
	}
}

/* Skip a string starting at the quote; decode it into out if not NULL. */
static bool
scan_string(struct scan *sc, struct tpi_buf *out)
{
	if (sc->pos >= sc->len || sc->s[sc->pos] != '"')
		return false;
	sc->pos++;
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos++];

		if (c == '"')
			return true;
		if (c == '\\' && sc->pos < sc->len) {
			char e = sc->s[sc->pos++];

			if (e == 'u') {
				/* Member names we look for are ASCII-named;
				 * keep escapes undecoded, they never match. */
				if (out)
					tpi_buf_putc(out, '\x01');
				sc->pos += 4;
				continue;
			}
			if (out) {
				char d = e == 'n' ? '\n' : e == 't' ? '\t' :
					e == 'r' ? '\r' : e == 'b' ? '\b' :
					e == 'f' ? '\f' : e;
				tpi_buf_putc(out, d);
			}
			continue;
		}
		if (out)
			tpi_buf_putc(out, c);
	}
	return false;
}

static bool skip_value(struct scan *sc, int depth);

static bool
skip_container(struct scan *sc, char open, char close, int depth)
{
	if (depth > 2000)
		return false;
	sc->pos++; /* open */
	skip_ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == close) {
		sc->pos++;
		return true;
	}
	while (sc->pos < sc->len) {
		skip_ws(sc);
		if (open == '{') {
			if (!scan_string(sc, NULL))
				return false;
			skip_ws(sc);
			if (sc->pos >= sc->len || sc->s[sc->pos] != ':')
				return false;
			sc->pos++;
			skip_ws(sc);
		}
		if (!skip_value(sc, depth + 1))
			return false;
		skip_ws(sc);
		if (sc->pos >= sc->len)
			return false;
		if (sc->s[sc->pos] == ',') {
			sc->pos++;
			continue;
		}
		if (sc->s[sc->pos] == close) {
			sc->pos++;
			return true;
		}
		return false;
	}
	return false;
}

static bool
skip_value(struct scan *sc, int depth)
{
	skip_ws(sc);
	if (sc->pos >= sc->len)
		return false;
	switch (sc->s[sc->pos]) {
	case '"':
		return scan_string(sc, NULL);
	case '{':
		return skip_container(sc, '{', '}', depth);
	case '[':
		return skip_container(sc, '[', ']', depth);
	default:
		while (sc->pos < sc->len) {
			char c = sc->s[sc->pos];

			if (c == ',' || c == '}' || c == ']' || c == ' ' ||
			    c == '\n' || c == '\r' || c == '\t')
				break;
			sc->pos++;
		}
		return true;
	}
}

/* Move sc to the member `key` of the object at sc->pos. */
static bool
enter_member(struct scan *sc, const char *key, size_t keylen)
{
	struct tpi_buf name = TPI_BUF_INIT;
	bool found = false;

	if (sc->pos >= sc->len || sc->s[sc->pos] != '{')
		return false;
	sc->pos++;
	for (;;) {
		skip_ws(sc);
		tpi_buf_reset(&name);
		if (!scan_string(sc, &name))
			break;
		skip_ws(sc);
		if (sc->pos >= sc->len || sc->s[sc->pos] != ':')
			break;
		sc->pos++;
		skip_ws(sc);
		if (name.len == keylen && !name.failed &&
		    (keylen == 0 || memcmp(name.data, key, keylen) == 0)) {
			found = true;
			break;
		}
		if (!skip_value(sc, 0))
			break;
		skip_ws(sc);
		if (sc->pos >= sc->len || sc->s[sc->pos] != ',')
			break;
		sc->pos++;
	}
	tpi_buf_fini(&name);
	return found;
}

static bool
enter_index(struct scan *sc, size_t index)
{
	size_t i;

	if (sc->pos >= sc->len || sc->s[sc->pos] != '[')
		return false;
	sc->pos++;
	for (i = 0;; i++) {
		skip_ws(sc);
		if (i == index)
			return sc->pos < sc->len && sc->s[sc->pos] != ']';
		if (!skip_value(sc, 0))
			return false;
		skip_ws(sc);
		if (sc->pos >= sc->len || sc->s[sc->pos] != ',')
			return false;
		sc->pos++;
	}
}

void
tpi_json_locate(const char *text, size_t len, const char *path,
		unsigned long *line, unsigned long *column)
{
	struct scan sc = { text, len, 0 };
	size_t found = 0;
	const char *p = path;

	skip_ws(&sc);
	found = sc.pos;
	if (p && *p == '$')
		p++;
	while (p && *p) {
		size_t save = sc.pos;

		if (*p == '.') {
			const char *k = ++p;

			while (*p && *p != '.' && *p != '[')
				p++;
			if (!enter_member(&sc, k, (size_t)(p - k))) {
				sc.pos = save;
				break;
			}
		} else if (*p == '[') {
			size_t idx = 0;

			p++;
			if (*p == '"') {
				/* ["name with . or ["] form */
				const char *k = ++p;

				while (*p && !(*p == '"' && p[1] == ']'))
					p++;
				if (!enter_member(&sc, k, (size_t)(p - k))) {
					sc.pos = save;
					break;
				}
				if (*p)
					p += 2;
				found = sc.pos;
				continue;
			}
			while (*p >= '0' && *p <= '9')
				idx = idx * 10 + (size_t)(*p++ - '0');
			if (*p == ']')
				p++;
			if (!enter_index(&sc, idx)) {
				sc.pos = save;
				break;
			}
		} else {
			break;
		}
		found = sc.pos;
	}
	tpi_text_position(text, len, found, line, column);
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
