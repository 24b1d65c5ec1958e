/* SPDX-License-Identifier: MIT */
/* Internal: a growable byte buffer, always NUL-terminated when non-empty. */
#ifndef TP_UTIL_BUF_H
#define TP_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct tpi_buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;   /* an append failed: the content is incomplete */
};

#define TPI_BUF_INIT { NULL, 0, 0, false }

bool tpi_buf_reserve(struct tpi_buf *b, size_t extra);
bool tpi_buf_append(struct tpi_buf *b, const void *data, size_t len);
bool tpi_buf_puts(struct tpi_buf *b, const char *s);
bool tpi_buf_putc(struct tpi_buf *b, char c);
bool tpi_buf_printf(struct tpi_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal, quotes included. */
bool tpi_buf_json_string(struct tpi_buf *b, const char *s, size_t len);
void tpi_buf_reset(struct tpi_buf *b);
void tpi_buf_fini(struct tpi_buf *b);
/* Hand the data over (NUL-terminated) and leave b empty. */
char *tpi_buf_steal(struct tpi_buf *b, size_t *len);

#endif
