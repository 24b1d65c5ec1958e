/* SPDX-License-Identifier: MIT */
/*
 * Internal: fast hashing and comparison of byte strings for the hot
 * paths (the journey store, the classifier's event memo). Loads are
 * whole words through memcpy; nothing here is for hash tables exposed to
 * untrusted keys chosen to collide (they have no secret seed).
 */
#ifndef TP_UTIL_HASH_H
#define TP_UTIL_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A fast hash of a byte string, eight bytes at a time. */
static inline uint64_t
tpi_hmix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= UINT64_C(0x9E3779B97F4A7C15);
	return h ^ (h >> 29);
}

static inline uint64_t
tpi_load64(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return w;
}

static inline uint32_t
tpi_load32(const char *s)
{
	uint32_t w;

	memcpy(&w, s, 4);
	return w;
}

/* Equality of n bytes, with whole (possibly overlapping) loads for the
 * short strings that dominate (names, ids), memcmp() above 16 bytes. */
static inline bool
tpi_bytes_eq(const char *a, const char *b, size_t n)
{
	if (n >= 8) {
		if (n > 16)
			return memcmp(a, b, n) == 0;
		return tpi_load64(a) == tpi_load64(b) &&
		       tpi_load64(a + n - 8) == tpi_load64(b + n - 8);
	}
	if (n >= 4)
		return tpi_load32(a) == tpi_load32(b) &&
		       tpi_load32(a + n - 4) == tpi_load32(b + n - 4);
	if (n)
		return a[0] == b[0] && a[n / 2] == b[n / 2] &&
		       a[n - 1] == b[n - 1];
	return true;
}

/* Whether a word has a zero byte (exact). */
static inline bool
tpi_zero_byte64(uint64_t v)
{
	return ((v - UINT64_C(0x0101010101010101)) & ~v &
		UINT64_C(0x8080808080808080)) != 0;
}

/* Whether s has a NUL byte, with whole (possibly overlapping) loads for
 * the short strings that dominate (ids), memchr() above 16 bytes. */
static inline bool
tpi_has_nul(const char *s, size_t n)
{
	if (n > 16)
		return memchr(s, '\0', n) != NULL;
	if (n >= 8)
		return tpi_zero_byte64(tpi_load64(s)) ||
		       tpi_zero_byte64(tpi_load64(s + n - 8));
	if (n >= 4)
		return tpi_zero_byte64(tpi_load32(s) |
				       (uint64_t)tpi_load32(s + n - 4) << 32);
	return n && (!s[0] || !s[n / 2] || !s[n - 1]);
}

/* The tail is read with whole (possibly overlapping) loads: no byte
 * copies through the stack. */
static inline uint64_t
tpi_hash_bytes(uint64_t h, const char *s, size_t len)
{
	size_t n = len;

	h = tpi_hmix(h, len);
	while (n > 8) {
		h = tpi_hmix(h, tpi_load64(s));
		s += 8;
		n -= 8;
	}
	if (n == 8)
		return tpi_hmix(h, tpi_load64(s));
	if (n >= 4)
		return tpi_hmix(h, tpi_load32(s) |
				   (uint64_t)tpi_load32(s + n - 4) << 32);
	if (n)
		return tpi_hmix(h, (uint64_t)(unsigned char)s[0] |
				   (uint64_t)(unsigned char)s[n / 2] << 8 |
				   (uint64_t)(unsigned char)s[n - 1] << 16);
	return h;
}

/* The final avalanche (splitmix64's): every input bit reaches the low
 * bits that index the tables. */
static inline uint32_t
tpi_hfinal(uint64_t h)
{
	h ^= h >> 30;
	h *= UINT64_C(0xBF58476D1CE4E5B9);
	h ^= h >> 27;
	h *= UINT64_C(0x94D049BB133111EB);
	h ^= h >> 31;
	return (uint32_t)h;
}

/*
 * A faster hash of a byte string for the hot paths (wyhash's scheme): the
 * first and last 8 (or 4) bytes of a short string, which with the length
 * cover every byte, go through one 64 x 64 -> 128-bit multiplication
 * whose halves are folded; longer strings take one multiplication per 16
 * bytes. Strings hashed with different seeds give unrelated hashes, so
 * the hashes of several fields can be combined by xor before
 * tpi_hash_final().
 */
#define TPI_K0 UINT64_C(0xA0761D6478BD642F)
#define TPI_K1 UINT64_C(0xE7037ED1A0B428DB)
#define TPI_K2 UINT64_C(0x8EBC6AF09C88C6E3)
#define TPI_K3 UINT64_C(0x589965CC75374CC3)

static inline uint64_t
tpi_mum(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	__extension__ typedef unsigned __int128 u128;
	u128 r = (u128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	uint64_t ha = a >> 32, la = (uint32_t)a, hb = b >> 32, lb = (uint32_t)b;
	uint64_t rh = ha * hb, rm0 = ha * lb, rm1 = hb * la, rl = la * lb;
	uint64_t t = rl + (rm0 << 32), c = t < rl, lo, hi;

	lo = t + (rm1 << 32);
	c += lo < t;
	hi = rh + (rm0 >> 32) + (rm1 >> 32) + c;
	return lo ^ hi;
#endif
}

/* Two words that, with its length, determine a string of up to 16 bytes:
 * its first and last 8 (or 4) bytes, or its 1 to 3 bytes. */
static inline void
tpi_short_words(const char *s, size_t len, uint64_t *a, uint64_t *b)
{
	if (len >= 8) {
		*a = tpi_load64(s);
		*b = tpi_load64(s + len - 8);
	} else if (len >= 4) {
		*a = tpi_load32(s);
		*b = tpi_load32(s + len - 4);
	} else if (len) {
		*a = (uint64_t)(unsigned char)s[0] << 16 |
		     (uint64_t)(unsigned char)s[len / 2] << 8 |
		     (unsigned char)s[len - 1];
		*b = 0;
	} else {
		*a = *b = 0;
	}
}

static inline uint64_t
tpi_hash_str(const char *s, size_t len, uint64_t seed)
{
	uint64_t a, b;

	if (len <= 16) {
		tpi_short_words(s, len, &a, &b);
	} else {
		const char *p = s;
		size_t n = len;

		while (n > 16) {
			seed = tpi_mum(tpi_load64(p) ^ TPI_K1,
				       tpi_load64(p + 8) ^ seed);
			p += 16;
			n -= 16;
		}
		a = tpi_load64(p + n - 16);
		b = tpi_load64(p + n - 8);
	}
	return tpi_mum(a ^ TPI_K1, b ^ seed ^ (TPI_K0 * len));
}

/* The final mixing, for a table index in the low bits. */
static inline uint32_t
tpi_hash_final(uint64_t h)
{
	return (uint32_t)tpi_mum(h ^ TPI_K3, TPI_K2);
}

#endif
