/* SPDX-License-Identifier: MIT */
/* Internal: appending entries to a tp_error. */
#ifndef TP_UTIL_ERROR_H
#define TP_UTIL_ERROR_H

#include "touchpoint/error.h"

/*
 * Append an entry; err may be NULL. source and path may be NULL; line and
 * column 0 mean unknown. Returns code, so that a caller can write
 * `return tpi_error(err, TP_ESCHEMA, ...)`. When the entry cannot be
 * stored (no memory) the fault is counted as dropped.
 */
tp_status tpi_error(tp_error *err, tp_status code, const char *source,
		    unsigned long line, unsigned long column, const char *path,
		    const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Fill in source/line/column of entries from `first` on that have none. */
void tpi_error_set_source(tp_error *err, size_t first, const char *source);
void tpi_error_set_position(tp_error *err, size_t index, unsigned long line,
			    unsigned long column);

#endif
