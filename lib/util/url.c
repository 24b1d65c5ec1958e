/* SPDX-License-Identifier: MIT */
/* URL views, query parameters, decoding and host helpers (util/url.h). */
#include <stdint.h>
#include <string.h>

#include "util/text.h"
#include "util/url.h"

/* Characters that matter while scanning an authority. */
enum { C_AUTH_END = 1, C_AUTH_SPECIAL = 2 };
static const unsigned char char_class[256] = {
	['/'] = C_AUTH_END | C_AUTH_SPECIAL,
	['?'] = C_AUTH_END | C_AUTH_SPECIAL,
	['#'] = C_AUTH_END | C_AUTH_SPECIAL,
	['@'] = C_AUTH_SPECIAL,
	[':'] = C_AUTH_SPECIAL,
};

/* 0x20 for 'A' to 'Z': c | case_bit[c] lowercases ASCII. */
static const unsigned char case_bit[256] = {
	['A'] = 32, ['B'] = 32, ['C'] = 32, ['D'] = 32, ['E'] = 32, ['F'] = 32,
	['G'] = 32, ['H'] = 32, ['I'] = 32, ['J'] = 32, ['K'] = 32, ['L'] = 32,
	['M'] = 32, ['N'] = 32, ['O'] = 32, ['P'] = 32, ['Q'] = 32, ['R'] = 32,
	['S'] = 32, ['T'] = 32, ['U'] = 32, ['V'] = 32, ['W'] = 32, ['X'] = 32,
	['Y'] = 32, ['Z'] = 32,
};

static inline char
lower_fast(char c)
{
	unsigned char u = (unsigned char)c;

	return (char)(u | case_bit[u]);
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parse the port digits p[0..n); -1 when empty, -2 when invalid. */
static int
parse_port(const char *p, size_t n)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -2;
		v = v * 10 + (unsigned long)(p[i] - '0');
		if (v > 65535)
			return -2;
	}
	return (int)v;
}

/*
 * Length of a scheme at the start of s ("https" in "https://..."), or 0.
 * "host:8080/x" is a host and a port, not a scheme: a candidate followed
 * by ':' and only digits up to the end of the authority is refused.
 */
static size_t
scheme_length(const char *s, size_t len)
{
	size_t i = 0, k;

	if (len == 0 || !is_alpha(s[0]))
		return 0;
	while (i < len && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' ||
			   s[i] == '-' || s[i] == '.'))
		i++;
	if (i >= len || s[i] != ':')
		return 0;
	if (len - i >= 3 && s[i + 1] == '/' && s[i + 2] == '/')
		return i;
	for (k = i + 1; k < len && is_digit(s[k]); k++)
		;
	if (k > i + 1 && (k == len || s[k] == '/' || s[k] == '?' || s[k] == '#'))
		return 0;
	return i;
}

static void
span_set(struct tpi_span *sp, const char *p, size_t n)
{
	sp->p = p;
	sp->n = n;
}

bool
tpi_url_parse(const char *s, size_t len, struct tpi_url *u)
{
	size_t b = 0, e = len, pos, a_end, sl;
	bool authority = false;

	memset(u, 0, sizeof(*u));
	u->port_number = -1;
	if (!s)
		return false;
	/* Trim white space and C0 controls, as browsers do. */
	while (b < e && (unsigned char)s[b] <= 0x20)
		b++;
	while (e > b && (unsigned char)s[e - 1] <= 0x20)
		e--;
	s += b;
	len = e - b;
	span_set(&u->raw, s, len);

	pos = 0;
	sl = scheme_length(s, len);
	if (sl) {
		span_set(&u->scheme, s, sl);
		pos = sl + 1;
		if (len - pos >= 2 && s[pos] == '/' && s[pos + 1] == '/') {
			authority = true;
			pos += 2;
		}
	} else if (len >= 2 && s[0] == '/' && s[1] == '/') {
		authority = true;
		pos = 2;
	} else if (len > 0 && s[0] != '/' && s[0] != '?' && s[0] != '#') {
		authority = true;   /* scheme-less "host/path?query" */
	}

	if (authority) {
		size_t hb, he, at = (size_t)-1, colon = (size_t)-1, i;

		/* One pass: the end of the authority, its last '@' and the
		 * first ':' after that. */
		for (a_end = pos; a_end < len; a_end++) {
			unsigned char c = (unsigned char)s[a_end];

			if (!(char_class[c] & C_AUTH_SPECIAL))
				continue;
			if (char_class[c] & C_AUTH_END)
				break;
			if (c == '@') {
				at = a_end;
				colon = (size_t)-1;
			} else if (c == ':' && colon == (size_t)-1) {
				colon = a_end;
			}
		}
		hb = pos;
		if (at != (size_t)-1) {
			span_set(&u->userinfo, s + pos, at - pos);
			hb = at + 1;
		}
		he = a_end;
		if (hb < he && s[hb] == '[') {
			for (i = hb + 1; i < he && s[i] != ']'; i++)
				;
			if (i >= he)
				goto bad;
			span_set(&u->host, s + hb + 1, i - hb - 1);
			u->ipv6 = true;
			i++;
			if (i < he) {
				if (s[i] != ':')
					goto bad;
				span_set(&u->port, s + i + 1, he - i - 1);
			}
		} else {
			i = colon != (size_t)-1 ? colon : he;
			span_set(&u->host, s + hb, i - hb);
			if (i < he)
				span_set(&u->port, s + i + 1, he - i - 1);
		}
		if (u->port.p) {
			u->port_number = parse_port(u->port.p, u->port.n);
			if (u->port_number == -2)
				goto bad;
		}
		pos = a_end;
	}

	/* Path, query, fragment: the first '#' ends the query, the first
	 * '?' before it ends the path. */
	{
		const char *hash = memchr(s + pos, '#', len - pos);
		size_t end = hash ? (size_t)(hash - s) : len;
		const char *q = memchr(s + pos, '?', end - pos);
		size_t pend = q ? (size_t)(q - s) : end;

		span_set(&u->path, s + pos, pend - pos);
		if (q)
			span_set(&u->query, q + 1, end - pend - 1);
		if (hash)
			span_set(&u->fragment, hash + 1, len - end - 1);
	}
	return true;
bad:
	memset(u, 0, sizeof(*u));
	u->port_number = -1;
	return false;
}

/* ---- query parameters ---- */

void
tpi_query_iter_init(struct tpi_query_iter *it, struct tpi_span query)
{
	it->p = query.p;
	it->end = query.p ? query.p + query.n : NULL;
}

bool
tpi_query_next(struct tpi_query_iter *it, struct tpi_span *name,
	       struct tpi_span *value)
{
	while (it->p && it->p < it->end) {
		const char *b = it->p, *e = b, *eq;

		while (e < it->end && *e != '&')
			e++;
		it->p = e < it->end ? e + 1 : e;
		if (e == b)
			continue;
		for (eq = b; eq < e && *eq != '='; eq++)
			;
		span_set(name, b, (size_t)(eq - b));
		if (eq < e)
			span_set(value, eq + 1, (size_t)(e - eq - 1));
		else
			span_set(value, e, 0);
		return true;
	}
	return false;
}

struct tpi_span
tpi_query_get(struct tpi_span query, const char *name, size_t name_len)
{
	struct tpi_query_iter it;
	struct tpi_span k, v, none = { NULL, 0 };

	tpi_query_iter_init(&it, query);
	while (tpi_query_next(&it, &k, &v))
		if (tpi_memcaseeq(k.p, k.n, name, name_len))
			return v;
	return none;
}

/* ---- decoding ---- */

/* Next decoded byte of s[*i..n); advances *i. */
static unsigned char
next_byte(const char *s, size_t n, size_t *i, unsigned flags)
{
	char c = s[*i];

	if (c == '%' && n - *i >= 3) {
		int h = tpi_hex_value(s[*i + 1]), l = tpi_hex_value(s[*i + 2]);

		if (h >= 0 && l >= 0) {
			*i += 3;
			return (unsigned char)(h * 16 + l);
		}
	}
	(*i)++;
	if (c == '+' && (flags & TPI_DECODE_FORM))
		return ' ';
	return (unsigned char)c;
}

struct out {
	char *dst;
	size_t cap;
	size_t w;       /* bytes stored */
	size_t total;   /* bytes of the whole result */
	bool full;      /* a piece did not fit: store nothing more */
};

static void
put(struct out *o, const unsigned char *b, size_t k)
{
	o->total += k;
	if (o->full)
		return;
	if (o->cap == 0 || o->w + k > o->cap - 1) {
		o->full = true;
		return;
	}
	memcpy(o->dst + o->w, b, k);
	o->w += k;
}

static const unsigned char replacement[3] = { 0xef, 0xbf, 0xbd };

size_t
tpi_url_decode(const char *s, size_t n, unsigned flags, char *dst,
	       size_t cap, size_t *written)
{
	struct out o = { dst, dst ? cap : 0, 0, 0, false };
	unsigned char seq[4], lo = 0x80, hi = 0xbf;
	size_t i = 0, np = 0, need = 0;

	while (s && i < n) {
		unsigned char c;

		/* A run of plain ASCII is copied as it is. */
		if (np == 0 && !o.full) {
			size_t j = i;

			while (j < n && (unsigned char)s[j] < 0x80 && s[j] != '%' &&
			       !(s[j] == '+' && (flags & TPI_DECODE_FORM)) &&
			       !(s[j] == '\0' && (flags & TPI_DECODE_UTF8)))
				j++;
			if (j > i) {
				size_t k = j - i, room = o.cap ? o.cap - 1 - o.w : 0;

				if (k > room) {
					/* what fits, then nothing more */
					if (room)
						memcpy(o.dst + o.w, s + i, room);
					o.w += room;
					o.full = true;
				} else {
					memcpy(o.dst + o.w, s + i, k);
					o.w += k;
				}
				o.total += k;
				i = j;
				continue;
			}
		}
		c = next_byte(s, n, &i, flags);
		if (!(flags & TPI_DECODE_UTF8)) {
			put(&o, &c, 1);
			continue;
		}
again:
		if (np == 0) {
			if (c == 0) {
				/* Text for C: a NUL would end it early. */
				put(&o, replacement, 3);
				continue;
			}
			if (c < 0x80) {
				put(&o, &c, 1);
				continue;
			}
			lo = 0x80;
			hi = 0xbf;
			if (c >= 0xc2 && c <= 0xdf) {
				need = 2;
			} else if (c >= 0xe0 && c <= 0xef) {
				need = 3;
				if (c == 0xe0)
					lo = 0xa0;
				else if (c == 0xed)
					hi = 0x9f;
			} else if (c >= 0xf0 && c <= 0xf4) {
				need = 4;
				if (c == 0xf0)
					lo = 0x90;
				else if (c == 0xf4)
					hi = 0x8f;
			} else {
				put(&o, replacement, 3);
				continue;
			}
			seq[np++] = c;
			continue;
		}
		if (np == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xbf)) {
			seq[np++] = c;
			if (np == need) {
				put(&o, seq, np);
				np = 0;
			}
			continue;
		}
		/* The pending bytes are a maximal invalid subpart. */
		put(&o, replacement, 3);
		np = 0;
		goto again;
	}
	if (np)
		put(&o, replacement, 3);
	if (o.cap > 0)
		o.dst[o.w] = '\0';
	if (written)
		*written = o.w;
	return o.total;
}

bool
tpi_url_decoded_blank(const char *s, size_t n, unsigned flags)
{
	size_t i = 0;

	while (s && i < n) {
		unsigned char c = next_byte(s, n, &i, flags);

		if (!(c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
		      c == '\f' || c == '\r' || c == '\0'))
			return false;
	}
	return true;
}

/* ---- hosts ---- */

struct tpi_span
tpi_host_trim(struct tpi_span host)
{
	if (host.p && host.n > 0 && host.p[host.n - 1] == '.')
		host.n--;
	return host;
}

size_t
tpi_host_lower(struct tpi_span host, char *dst, size_t cap)
{
	size_t i;

	host = tpi_host_trim(host);
	if (!dst || host.n >= cap)
		return (size_t)-1;
	for (i = 0; i < host.n; i++)
		dst[i] = lower_fast(host.p[i]);
	dst[host.n] = '\0';
	return host.n;
}

struct tpi_span
tpi_host_strip_www(struct tpi_span host)
{
	if (host.p && host.n > 4 && lower_fast(host.p[0]) == 'w' &&
	    lower_fast(host.p[1]) == 'w' && lower_fast(host.p[2]) == 'w' &&
	    host.p[3] == '.') {
		host.p += 4;
		host.n -= 4;
	}
	return host;
}

size_t
tpi_host_labels(struct tpi_span host)
{
	size_t i, k = 1;

	if (!host.p || host.n == 0)
		return 0;
	for (i = 0; i < host.n; i++)
		if (host.p[i] == '.')
			k++;
	return k;
}

bool
tpi_host_parent(struct tpi_span *host)
{
	const char *dot, *rest;
	size_t n;

	if (!host->p || host->n == 0)
		return false;
	dot = memchr(host->p, '.', host->n);
	if (!dot)
		return false;
	rest = dot + 1;
	n = host->n - (size_t)(rest - host->p);
	/* more than two labels: the rest has a dot of its own */
	if (!memchr(rest, '.', n))
		return false;
	host->p = rest;
	host->n = n;
	return true;
}

bool
tpi_host_in_domain(struct tpi_span host, struct tpi_span domain)
{
	host = tpi_host_trim(host);
	domain = tpi_host_trim(domain);
	if (domain.p && domain.n > 0 && domain.p[0] == '.') {
		domain.p++;
		domain.n--;
	}
	if (!host.p || !domain.p || domain.n == 0 || host.n < domain.n)
		return false;
	if (host.n == domain.n)
		return tpi_memcaseeq(host.p, host.n, domain.p, domain.n);
	return host.p[host.n - domain.n - 1] == '.' &&
	       tpi_memcaseeq(host.p + host.n - domain.n, domain.n,
			     domain.p, domain.n);
}
