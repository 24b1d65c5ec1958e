/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/mem.h"

bool
tpi_buf_reserve(struct tpi_buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (extra > (size_t)-1 - b->len - 1 ||
	    !TPI_GROW(b->data, b->cap, b->len + extra + 1)) {
		b->failed = true;
		return false;
	}
	return true;
}

bool
tpi_buf_append(struct tpi_buf *b, const void *data, size_t len)
{
	if (!tpi_buf_reserve(b, len))
		return false;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return true;
}

bool
tpi_buf_puts(struct tpi_buf *b, const char *s)
{
	return tpi_buf_append(b, s, strlen(s));
}

bool
tpi_buf_putc(struct tpi_buf *b, char c)
{
	return tpi_buf_append(b, &c, 1);
}

bool
tpi_buf_printf(struct tpi_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !tpi_buf_reserve(b, (size_t)n)) {
		b->failed = true;
		return false;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return true;
}

bool
tpi_buf_json_string(struct tpi_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;

	if (!tpi_buf_putc(b, '"'))
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		const char *rep = NULL;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case '\b': rep = "\\b"; break;
		case '\f': rep = "\\f"; break;
		default:
			esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15]; esc[6] = 0;
			rep = esc;
		}
		tpi_buf_append(b, s + start, i - start);
		tpi_buf_puts(b, rep);
		start = i + 1;
	}
	tpi_buf_append(b, s + start, len - start);
	return tpi_buf_putc(b, '"');
}

void
tpi_buf_reset(struct tpi_buf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->data)
		b->data[0] = '\0';
}

void
tpi_buf_fini(struct tpi_buf *b)
{
	tpi_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

char *
tpi_buf_steal(struct tpi_buf *b, size_t *len)
{
	char *d;

	if (b->failed) {
		tpi_buf_fini(b);
		return NULL;
	}
	if (!b->data && !tpi_buf_reserve(b, 0))
		return NULL;
	b->data[b->len] = '\0';
	d = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}
