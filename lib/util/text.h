/* SPDX-License-Identifier: MIT */
/* Internal: small text helpers (ASCII case, slugs, UTF-8). */
#ifndef TP_UTIL_TEXT_H
#define TP_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline char
tpi_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

/*
 * The 8 bytes at p, flagged: the high bit of a byte of the result is set
 * for a '"', a '\\' or a byte below 0x20 (a byte that a JSON string cannot
 * hold as it is). Exact for the first such byte in memory order; bytes
 * after it may be flagged falsely (borrows).
 */
static inline uint64_t
tpi_json_special_mask_word(uint64_t w)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	uint64_t q, b;

	q = w ^ (ones * '"');
	b = w ^ (ones * '\\');
	return (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) &
	       UINT64_C(0x8080808080808080);
}

/* The same for the 8 bytes at p. */
static inline uint64_t
tpi_json_special_mask8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return tpi_json_special_mask_word(w);
}

/* Whether one of the 8 bytes at p is '"', '\\' or below 0x20. */
static inline bool
tpi_json_special8(const char *p)
{
	return tpi_json_special_mask8(p) != 0;
}

/* The index (0 to 7) of the first flagged byte of a nonzero
 * tpi_json_special_mask8() result, or 0 where the byte order is not
 * little-endian (the caller then looks byte by byte). */
static inline size_t
tpi_first_flagged(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(m) >> 3;
#else
	(void)m;
	return 0;
#endif
}

/* The value of a hexadecimal digit, -1 for another character. */
static inline int
tpi_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Whether all n bytes at p are ASCII (below 0x80). */
static inline bool
tpi_ascii(const char *p, size_t n)
{
	uint64_t w, acc = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= (unsigned char)p[i];
	return (acc & UINT64_C(0x8080808080808080)) == 0;
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
