/* SPDX-License-Identifier: MIT */
/* Error objects (error.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "touchpoint/error.h"
#include "util/error.h"
#include "util/export.h"
#include "util/mem.h"

#define TP_ERROR_MAX_ENTRIES 1000

struct tp_error_entry {
	tp_status code;
	char *message;
	char *source;
	char *path;
	unsigned long line;
	unsigned long column;
};

struct tp_error {
	struct tp_error_entry *entries;
	size_t count;
	size_t cap;
	size_t dropped;
};

TP_EXPORT tp_error *
tp_error_new(void)
{
	return tpi_calloc(1, sizeof(tp_error));
}

static void
entry_fini(struct tp_error_entry *e)
{
	tpi_free(e->message);
	tpi_free(e->source);
	tpi_free(e->path);
}

TP_EXPORT void
tp_error_clear(tp_error *err)
{
	size_t i;

	if (!err)
		return;
	for (i = 0; i < err->count; i++)
		entry_fini(&err->entries[i]);
	err->count = 0;
	err->dropped = 0;
}

TP_EXPORT void
tp_error_free(tp_error *err)
{
	if (!err)
		return;
	tp_error_clear(err);
	tpi_free(err->entries);
	tpi_free(err);
}

TP_EXPORT size_t
tp_error_count(const tp_error *err)
{
	return err ? err->count : 0;
}

TP_EXPORT size_t
tp_error_dropped(const tp_error *err)
{
	return err ? err->dropped : 0;
}

static const struct tp_error_entry *
entry_at(const tp_error *err, size_t index)
{
	if (!err || index >= err->count)
		return NULL;
	return &err->entries[index];
}

TP_EXPORT tp_status
tp_error_code(const tp_error *err, size_t index)
{
	const struct tp_error_entry *e = entry_at(err, index);

	return e ? e->code : TP_OK;
}

TP_EXPORT const char *
tp_error_message(const tp_error *err, size_t index)
{
	const struct tp_error_entry *e = entry_at(err, index);

	return e ? (e->message ? e->message : "out of memory") : NULL;
}

TP_EXPORT const char *
tp_error_source(const tp_error *err, size_t index)
{
	const struct tp_error_entry *e = entry_at(err, index);

	return e ? e->source : NULL;
}

TP_EXPORT unsigned long
tp_error_line(const tp_error *err, size_t index)
{
	const struct tp_error_entry *e = entry_at(err, index);

	return e ? e->line : 0;
}

TP_EXPORT unsigned long
tp_error_column(const tp_error *err, size_t index)
{
	const struct tp_error_entry *e = entry_at(err, index);

	return e ? e->column : 0;
}

TP_EXPORT const char *
tp_error_path(const tp_error *err, size_t index)
{
	const struct tp_error_entry *e = entry_at(err, index);

	return e ? e->path : NULL;
}

TP_EXPORT int
tp_error_format(const tp_error *err, size_t index, char *buf, size_t size)
{
	const struct tp_error_entry *e = entry_at(err, index);
	char loc[64] = "";
	const char *msg;

	if (!e)
		return TP_EINVAL;
	if (!buf)
		size = 0;
	msg = e->message ? e->message : "out of memory";
	if (e->line && e->column)
		snprintf(loc, sizeof(loc), "%lu:%lu:", e->line, e->column);
	else if (e->line)
		snprintf(loc, sizeof(loc), "%lu:", e->line);
	return snprintf(buf, size, "%s%s%s%s%s%s%s%s",
			e->source ? e->source : "", e->source ? ":" : "",
			loc, (e->source || loc[0]) ? " " : "", msg,
			e->path ? " (at " : "", e->path ? e->path : "",
			e->path ? ")" : "");
}

tp_status
tpi_error(tp_error *err, tp_status code, const char *source,
	  unsigned long line, unsigned long column, const char *path,
	  const char *fmt, ...)
{
	struct tp_error_entry *e;
	va_list ap;
	int n;

	if (!err)
		return code;
	if (err->count >= TP_ERROR_MAX_ENTRIES ||
	    !TPI_GROW(err->entries, err->cap, err->count + 1)) {
		err->dropped++;
		return code;
	}
	e = &err->entries[err->count];
	memset(e, 0, sizeof(*e));
	e->code = code;
	e->line = line;
	e->column = column;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		e->message = tpi_malloc((size_t)n + 1);
		if (e->message) {
			va_start(ap, fmt);
			vsnprintf(e->message, (size_t)n + 1, fmt, ap);
			va_end(ap);
		}
	}
	/* A missing copy degrades the entry, it never loses it. */
	if (source)
		e->source = tpi_strdup(source);
	if (path)
		e->path = tpi_strdup(path);
	err->count++;
	return code;
}

void
tpi_error_set_source(tp_error *err, size_t first, const char *source)
{
	size_t i;

	if (!err || !source)
		return;
	for (i = first; i < err->count; i++)
		if (!err->entries[i].source)
			err->entries[i].source = tpi_strdup(source);
}

void
tpi_error_set_position(tp_error *err, size_t index, unsigned long line,
		       unsigned long column)
{
	if (!err || index >= err->count)
		return;
	err->entries[index].line = line;
	err->entries[index].column = column;
}
