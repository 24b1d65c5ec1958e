/* SPDX-License-Identifier: MIT */
/* Internal: small text helpers (ASCII case, slugs, UTF-8). */
#ifndef TP_UTIL_TEXT_H
#define TP_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

static inline char
tpi_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

/* ASCII case-insensitive equality of two NUL-terminated strings. */
bool tpi_strcaseeq(const char *a, const char *b);
/* The same for counted strings. */
bool tpi_memcaseeq(const char *a, size_t alen, const char *b, size_t blen);

/* True when s is a slug: [a-z][a-z0-9_]*, 1 to 64 bytes. */
bool tpi_is_slug(const char *s);

/*
 * Offset of the first byte that is not valid UTF-8 (overlongs, surrogates
 * and code points above U+10FFFF are invalid), or len when all is valid.
 */
size_t tpi_utf8_check(const char *s, size_t len);

#endif
