/* SPDX-License-Identifier: MIT */
#include <stdint.h>

#include "util/text.h"

bool
tpi_strcaseeq(const char *a, const char *b)
{
	while (*a && *b) {
		if (tpi_lower(*a) != tpi_lower(*b))
			return false;
		a++;
		b++;
	}
	return *a == *b;
}

bool
tpi_memcaseeq(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (tpi_lower(a[i]) != tpi_lower(b[i]))
			return false;
	return true;
}

bool
tpi_is_slug(const char *s)
{
	size_t i;

	if (!s || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (i >= 64)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

size_t
tpi_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c;
		size_t n;
		uint32_t cp, min;
		uint64_t w;

		/* ASCII eight bytes at a time */
		while (i + 8 <= len) {
			memcpy(&w, s + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			n = 1; cp = c & 0x1F; min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2; cp = c & 0x0F; min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n + 1;
	}
	return len;
}
