/* SPDX-License-Identifier: MIT */
/*
 * A strict JSON scanner (jsonscan.h): one pass, no allocation, an
 * explicit stack of open containers (one bit each), strings scanned eight
 * bytes at a time until their first escape.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/jsonscan.h"
#include "util/text.h"

#define MAX_LEVELS 1024   /* the deepest max_depth honoured */

struct scan {
	char *s;
	size_t len, pos;
	bool decode;
	tpi_jscan_fn fn;
	void *ud;
	struct tpi_jscan_fault *fault;
};

static tp_status
fail(struct scan *sc, tp_status st, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static tp_status
fail(struct scan *sc, tp_status st, size_t offset, const char *fmt, ...)
{
	va_list ap;

	if (sc->fault) {
		sc->fault->offset = offset;
		va_start(ap, fmt);
		vsnprintf(sc->fault->message, sizeof(sc->fault->message), fmt, ap);
		va_end(ap);
	}
	return st;
}

/* The fault of an unexpected byte at sc->pos (or the end of the text). */
static tp_status
unexpected(struct scan *sc, const char *wanted)
{
	unsigned char c;

	if (sc->pos >= sc->len)
		return fail(sc, TP_ESYNTAX, sc->len, "unexpected end of JSON text%s%s",
			    wanted ? ": expected " : "", wanted ? wanted : "");
	c = (unsigned char)sc->s[sc->pos];
	if (c > 0x20 && c < 0x7f)
		return fail(sc, TP_ESYNTAX, sc->pos, "unexpected character '%c'%s%s",
			    c, wanted ? ", expected " : "", wanted ? wanted : "");
	return fail(sc, TP_ESYNTAX, sc->pos, "unexpected byte 0x%02x%s%s", c,
		    wanted ? ", expected " : "", wanted ? wanted : "");
}

static inline void
skip_ws(struct scan *sc)
{
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->pos++;
	}
}

/* Four hex digits at s[i]; -1 when they are not. */
static long
hex4(const struct scan *sc, size_t i)
{
	long v = 0;
	size_t k;

	if (sc->len - i < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		int h = tpi_hex_value(sc->s[i + k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t
put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * The string whose opening quote is at sc->pos. On success *start and *n
 * are its (unescaped, when decoding) bytes and sc->pos is past its
 * closing quote.
 */
static tp_status
string(struct scan *sc, size_t *start, size_t *n)
{
	char *s = sc->s;
	size_t i = sc->pos + 1, w;

	*start = i;
	while (i + 8 <= sc->len) {
		uint64_t m = tpi_json_special_mask8(s + i);

		if (m) {
			/* straight to the closing quote or the first escape */
			i += tpi_first_flagged(m);
			break;
		}
		i += 8;
	}
	w = i;   /* where unescaped bytes go; == i until the first escape */
	for (;;) {
		unsigned char c;

		if (i >= sc->len)
			return fail(sc, TP_ESYNTAX, sc->len,
				    "unexpected end of JSON text in a string");
		c = (unsigned char)s[i];
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(sc, TP_ESYNTAX, i,
				    "raw control character U+%04X in a string "
				    "(write it as an escape)", c);
		if (c != '\\') {
			if (sc->decode)
				s[w] = (char)c;
			w++;
			i++;
			continue;
		}
		/* an escape */
		if (i + 1 >= sc->len)
			return fail(sc, TP_ESYNTAX, sc->len,
				    "unexpected end of JSON text in an escape");
		c = (unsigned char)s[i + 1];
		switch (c) {
		case '"': case '\\': case '/':
			break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u': {
			long cp = hex4(sc, i + 2), lo;
			size_t used = 6;

			if (cp < 0)
				return fail(sc, TP_ESYNTAX, i,
					    "invalid \\u escape: four hex digits expected");
			if (cp == 0)
				return fail(sc, TP_ESYNTAX, i,
					    "\\u0000 in a string is not supported "
					    "(a NUL character would cut the text)");
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return fail(sc, TP_ESYNTAX, i,
					    "invalid \\u escape: a low surrogate "
					    "without a high one");
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (i + 7 >= sc->len || s[i + 6] != '\\' ||
				    s[i + 7] != 'u' ||
				    (lo = hex4(sc, i + 8)) < 0xDC00 || lo > 0xDFFF)
					return fail(sc, TP_ESYNTAX, i,
						    "invalid \\u escape: a high "
						    "surrogate without a low one");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				used = 12;
			}
			if (sc->decode)
				w += put_utf8(s + w, (uint32_t)cp);
			else
				w += 1;
			i += used;
			continue;
		}
		default:
			return fail(sc, TP_ESYNTAX, i, "invalid escape '\\%c'%s",
				    c >= 0x20 && c < 0x7f ? (char)c : '?',
				    c >= 0x20 && c < 0x7f ? "" : " (a control byte)");
		}
		if (sc->decode)
			s[w] = (char)c;
		w++;
		i += 2;
	}
	*n = w - *start;
	if (sc->decode)
		s[w] = '\0';   /* over the closing quote or an escape's bytes */
	sc->pos = i + 1;
	return TP_OK;
}

static inline bool
digit(const struct scan *sc, size_t i)
{
	return i < sc->len && sc->s[i] >= '0' && sc->s[i] <= '9';
}

static tp_status
number(struct scan *sc)
{
	size_t i = sc->pos, start = i;

	if (sc->s[i] == '-')
		i++;
	if (!digit(sc, i))
		return fail(sc, TP_ESYNTAX, i, "invalid number: a digit expected");
	if (sc->s[i] == '0') {
		i++;
		if (digit(sc, i))
			return fail(sc, TP_ESYNTAX, start,
				    "invalid number: leading zero");
	} else {
		while (digit(sc, i))
			i++;
	}
	if (i < sc->len && sc->s[i] == '.') {
		i++;
		if (!digit(sc, i))
			return fail(sc, TP_ESYNTAX, i,
				    "invalid number: a digit expected after '.'");
		while (digit(sc, i))
			i++;
	}
	if (i < sc->len && (sc->s[i] == 'e' || sc->s[i] == 'E')) {
		i++;
		if (i < sc->len && (sc->s[i] == '+' || sc->s[i] == '-'))
			i++;
		if (!digit(sc, i))
			return fail(sc, TP_ESYNTAX, i,
				    "invalid number: a digit expected in the exponent");
		while (digit(sc, i))
			i++;
	}
	sc->pos = i;
	return TP_OK;
}

static inline tp_status
emit(struct scan *sc, enum tpi_jtok tok, const char *s, size_t n, size_t depth,
     size_t offset)
{
	return sc->fn ? sc->fn(sc->ud, tok, s, n, depth, offset) : TP_OK;
}

tp_status
tpi_jscan(char *text, size_t len, size_t max_depth, bool decode,
	  tpi_jscan_fn fn, void *userdata, struct tpi_jscan_fault *fault)
{
	uint64_t is_object[MAX_LEVELS / 64 + 1];
	struct scan sc;
	size_t open = 0, start, n, at;
	tp_status st;

	if (max_depth > MAX_LEVELS)
		max_depth = MAX_LEVELS;
	sc.s = text;
	sc.len = len;
	sc.pos = 0;
	sc.decode = decode;
	sc.fn = fn;
	sc.ud = userdata;
	sc.fault = fault;
	skip_ws(&sc);

value:
	if (sc.pos >= sc.len)
		return unexpected(&sc, open ? "a value" : NULL);
	at = sc.pos;
	switch (sc.s[sc.pos]) {
	case '{':
	case '[': {
		bool obj = sc.s[sc.pos] == '{';

		if (open > max_depth)
			goto too_deep;
		if ((st = emit(&sc, obj ? TPI_J_OBJECT : TPI_J_ARRAY, NULL, 0, open, at)))
			return st;
		if (obj)
			is_object[open / 64] |= UINT64_C(1) << (open % 64);
		else
			is_object[open / 64] &= ~(UINT64_C(1) << (open % 64));
		open++;
		sc.pos++;
		skip_ws(&sc);
		if (sc.pos < sc.len && sc.s[sc.pos] == (obj ? '}' : ']')) {
			open--;
			if ((st = emit(&sc, TPI_J_END, NULL, 0, open, sc.pos)))
				return st;
			sc.pos++;
			goto after;
		}
		if (obj)
			goto key;
		goto value;
	}
	case '"':
		if (open > max_depth)
			goto too_deep;
		if ((st = string(&sc, &start, &n)))
			return st;
		if ((st = emit(&sc, TPI_J_STRING, sc.s + start, n, open, at)))
			return st;
		goto after;
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };
		static const enum tpi_jtok toks[] = { TPI_J_TRUE, TPI_J_FALSE, TPI_J_NULL };
		int k = sc.s[sc.pos] == 't' ? 0 : sc.s[sc.pos] == 'f' ? 1 : 2;
		size_t wl = strlen(words[k]);

		if (sc.len - sc.pos < wl || memcmp(sc.s + sc.pos, words[k], wl) != 0)
			return fail(&sc, TP_ESYNTAX, at, "invalid literal: %s expected",
				    words[k]);
		if (open > max_depth)
			goto too_deep;
		if ((st = emit(&sc, toks[k], sc.s + at, wl, open, at)))
			return st;
		sc.pos += wl;
		goto after;
	}
	default:
		if (sc.s[sc.pos] == '-' || (sc.s[sc.pos] >= '0' && sc.s[sc.pos] <= '9')) {
			if ((st = number(&sc)))
				return st;
			if (open > max_depth)
				goto too_deep;
			if ((st = emit(&sc, TPI_J_NUMBER, sc.s + at, sc.pos - at, open, at)))
				return st;
			goto after;
		}
		return unexpected(&sc, "a value");
	}

key:
	/* inside an object, after '{' or ',' and whitespace */
	if (sc.pos >= sc.len || sc.s[sc.pos] != '"')
		return unexpected(&sc, "a member name in double quotes");
	at = sc.pos;
	if ((st = string(&sc, &start, &n)))
		return st;
	if ((st = emit(&sc, TPI_J_KEY, sc.s + start, n, open, at)))
		return st;
	skip_ws(&sc);
	if (sc.pos >= sc.len || sc.s[sc.pos] != ':')
		return unexpected(&sc, "':' after the member name");
	sc.pos++;
	skip_ws(&sc);
	goto value;

after:
	skip_ws(&sc);
	if (open == 0) {
		if (sc.pos < sc.len)
			return fail(&sc, TP_ESYNTAX, sc.pos, "unexpected text after the JSON value");
		return TP_OK;
	}
	if (is_object[(open - 1) / 64] & (UINT64_C(1) << ((open - 1) % 64))) {
		if (sc.pos < sc.len && sc.s[sc.pos] == ',') {
			sc.pos++;
			skip_ws(&sc);
			goto key;
		}
		if (sc.pos < sc.len && sc.s[sc.pos] == '}')
			goto close;
		return unexpected(&sc, "',' or '}'");
	}
	if (sc.pos < sc.len && sc.s[sc.pos] == ',') {
		sc.pos++;
		skip_ws(&sc);
		goto value;
	}
	if (sc.pos < sc.len && sc.s[sc.pos] == ']')
		goto close;
	return unexpected(&sc, "',' or ']'");

close:
	open--;
	if ((st = emit(&sc, TPI_J_END, NULL, 0, open, sc.pos)))
		return st;
	sc.pos++;
	goto after;

too_deep:
	return fail(&sc, TP_ERANGE, at, "nested deeper than %zu levels", max_depth);
}
