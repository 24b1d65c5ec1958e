/* SPDX-License-Identifier: MIT */
/*
 * Internal: URL views without allocation.
 *
 * A URL is cut into (pointer, length) views of the caller's text; nothing
 * is copied, nothing needs a final NUL, and no function reads past the
 * length it is given. The parser is lenient in the way a referrer or a
 * landing page URL needs: the scheme may be missing
 * (`www.google.com/search?q=x`), `//host/path` is accepted, and leading
 * and trailing white space and control characters are ignored. It refuses
 * only what cannot be cut: a port that is not a number up to 65535 or an
 * unclosed IPv6 literal.
 *
 * Values are decoded into a caller buffer: percent escapes, and `+` as a
 * space for form fields, optionally with invalid UTF-8 and NUL bytes
 * replaced by U+FFFD so that the result is always valid UTF-8 that a C
 * string holds whole.
 *
 * Host helpers compare ASCII case-insensitively: strip a leading `www.`,
 * walk the parent domains down to two labels, test whether a host is a
 * domain or one of its subdomains.
 */
#ifndef TP_UTIL_URL_H
#define TP_UTIL_URL_H

#include <stdbool.h>
#include <stddef.h>

/* A view of bytes; p == NULL means absent, n == 0 with p set is empty. */
struct tpi_span {
	const char *p;
	size_t n;
};

static inline struct tpi_span
tpi_span(const char *p, size_t n)
{
	struct tpi_span s = { p, n };

	return s;
}

struct tpi_url {
	struct tpi_span raw;       /* the whole text, trimmed */
	struct tpi_span scheme;    /* "https", without ':'; absent when none */
	struct tpi_span userinfo;  /* "user:pass", without '@' */
	struct tpi_span host;      /* as written; IPv6 without the brackets */
	struct tpi_span port;      /* digits, without ':' */
	struct tpi_span path;      /* "/a/b"; empty (not absent) when none */
	struct tpi_span query;     /* after '?', without it */
	struct tpi_span fragment;  /* after '#', without it */
	int port_number;           /* -1 when there is no port */
	bool ipv6;                 /* the host was a [bracketed] literal */
};

/*
 * Parse s[0..len) into views of s. Returns false (with *u cleared) when
 * the text cannot be a URL: a bad port or an unclosed '['. A text with no
 * authority (`/path?q`, `mailto:x`) parses with an absent host.
 */
bool tpi_url_parse(const char *s, size_t len, struct tpi_url *u);

/* True when the URL has a non-empty host. */
static inline bool
tpi_url_has_host(const struct tpi_url *u)
{
	return u->host.p != NULL && u->host.n > 0;
}

/*
 * Query parameters, in order: `a=1&b&&c=` gives (a,"1"), (b,""), (c,"");
 * empty pieces are skipped. Names and values are raw (still encoded).
 */
struct tpi_query_iter {
	const char *p;
	const char *end;
};

void tpi_query_iter_init(struct tpi_query_iter *it, struct tpi_span query);
bool tpi_query_next(struct tpi_query_iter *it, struct tpi_span *name,
		    struct tpi_span *value);
/* The raw value of the first parameter called name (ASCII case-
 * insensitive), absent when there is none. */
struct tpi_span tpi_query_get(struct tpi_span query, const char *name,
			      size_t name_len);

/* Decoding flags. */
enum {
	TPI_DECODE_FORM = 1u << 0,  /* '+' is a space (form fields) */
	TPI_DECODE_UTF8 = 1u << 1   /* replace invalid UTF-8 and NUL with U+FFFD */
};

/*
 * Decode s[0..n) into dst, which holds cap bytes (dst may be NULL when cap
 * is 0). Valid %XX escapes become bytes; a '%' not followed by two hex
 * digits is kept as it is. The output is cut at a character boundary (a
 * whole escape, and with TPI_DECODE_UTF8 a whole UTF-8 sequence) and
 * NUL-terminated when cap > 0. *written (may be NULL) receives the bytes
 * stored, NUL excluded. Returns the length of the full decoded text: it
 * was cut when the result is greater than *written.
 */
size_t tpi_url_decode(const char *s, size_t n, unsigned flags, char *dst,
		      size_t cap, size_t *written);

/* True when s decodes to nothing but white space (or to nothing). */
bool tpi_url_decoded_blank(const char *s, size_t n, unsigned flags);

/*
 * Lowercase a host into dst (cap bytes, NUL-terminated), without a final
 * dot. Returns the length, or (size_t)-1 when it does not fit.
 */
size_t tpi_host_lower(struct tpi_span host, char *dst, size_t cap);

/* The host without one final dot. */
struct tpi_span tpi_host_trim(struct tpi_span host);

/* The host without a leading "www." (any case), unless nothing is left. */
struct tpi_span tpi_host_strip_www(struct tpi_span host);

/* Number of dot-separated labels ("a.b.c" has 3; "" has 0). */
size_t tpi_host_labels(struct tpi_span host);

/*
 * Move to the parent domain while more than two labels remain:
 * "a.b.example.com" -> "b.example.com" -> "example.com", then false.
 */
bool tpi_host_parent(struct tpi_span *host);

/*
 * True when host is domain or a subdomain of it ("news.example.com" is in
 * "example.com"; "badexample.com" is not), ASCII case-insensitive, a final
 * dot on either ignored. An empty domain matches nothing.
 */
bool tpi_host_in_domain(struct tpi_span host, struct tpi_span domain);

#endif
