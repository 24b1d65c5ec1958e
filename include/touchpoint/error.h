/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file error.h
 * @brief Error objects: what went wrong and where.
 *
 * Functions that read or validate input take a `tp_error *err` as their
 * last argument. It may be NULL when the caller only wants the status code.
 * Otherwise the function appends one entry per fault it found (a rule-set
 * compiler reports every fault, not just the first), each with a message,
 * the source name (file name or the name given to a string), a 1-based
 * line and column (0 when unknown) and, for JSON input, the path of the
 * offending member in the form `$.touchpoints[3].channel`.
 *
 * A ::tp_error is owned by the caller. It is not cleared by the functions
 * that fill it: call tp_error_clear() to reuse it.
 *
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
#ifndef TOUCHPOINT_ERROR_H
#define TOUCHPOINT_ERROR_H

#include <stddef.h>
#include <touchpoint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An ordered list of error entries (opaque). */
typedef struct tp_error tp_error;

/**
 * Create an empty error object.
 *
 * @return A new object, to be freed with tp_error_free(); NULL when memory
 *         is exhausted.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_error *tp_error_new(void);

/**
 * Free an error object and all its entries.
 *
 * @param err The object; NULL is allowed and does nothing.
 * @since 1.0
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
void tp_error_free(tp_error *err);

/**
 * Remove every entry, keeping the object for reuse.
 *
 * @param err The object; NULL is allowed and does nothing.
 * @since 1.0
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
void tp_error_clear(tp_error *err);

/**
 * How many entries the object holds.
 *
 * @param err The object; NULL gives 0.
 * @return The number of entries. At most 1000 are kept; further faults
 *         are counted by tp_error_dropped().
 * @since 1.0
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
size_t tp_error_count(const tp_error *err);

/**
 * How many faults were not recorded because the entry limit was reached.
 *
 * @param err The object; NULL gives 0.
 * @return The number of faults left out.
 * @since 1.0
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
size_t tp_error_dropped(const tp_error *err);

/**
 * The status code of an entry.
 *
 * @param err The object.
 * @param index Entry number, from 0.
 * @return The entry's code; #TP_OK when @p err is NULL or @p index is out
 *         of range.
 * @since 1.0
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
tp_status tp_error_code(const tp_error *err, size_t index);

/**
 * The message of an entry, without location.
 *
 * @param err The object.
 * @param index Entry number, from 0.
 * @return A string owned by @p err, valid until it is cleared or freed;
 *         NULL when @p index is out of range.
 * @since 1.0
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
const char *tp_error_message(const tp_error *err, size_t index);

/**
 * The source name of an entry: the file name, or the name given with a
 * string input.
 *
 * @param err The object.
 * @param index Entry number, from 0.
 * @return A string owned by @p err, or NULL when the entry has no source.
 * @since 1.0
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
const char *tp_error_source(const tp_error *err, size_t index);

/**
 * The 1-based line of an entry.
 *
 * @param err The object.
 * @param index Entry number, from 0.
 * @return The line, or 0 when unknown or @p index is out of range.
 * @since 1.0
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
unsigned long tp_error_line(const tp_error *err, size_t index);

/**
 * The 1-based column of an entry, counted in bytes.
 *
 * @param err The object.
 * @param index Entry number, from 0.
 * @return The column, or 0 when unknown or @p index is out of range.
 * @since 1.0
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
unsigned long tp_error_column(const tp_error *err, size_t index);

/**
 * The JSON path of the member an entry is about, such as
 * `$.rules[2].when.all[0].regex`.
 *
 * @param err The object.
 * @param index Entry number, from 0.
 * @return A string owned by @p err, or NULL when the entry has no path.
 * @since 1.0
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
const char *tp_error_path(const tp_error *err, size_t index);

/**
 * Format an entry as `SOURCE:LINE:COL: message (at PATH)`, leaving out the
 * parts that are unknown, like snprintf().
 *
 * @param err The object.
 * @param index Entry number, from 0.
 * @param buf Destination; may be NULL when @p size is 0.
 * @param size Size of @p buf in bytes.
 * @return The length the full text needs, not counting the final NUL
 *         (the text was cut when it is >= @p size); a negative
 *         ::tp_status when @p index is out of range.
 * @since 1.0
 * Thread-safety: a ::tp_error belongs to one thread at a time.
 */
int tp_error_format(const tp_error *err, size_t index, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_ERROR_H */
