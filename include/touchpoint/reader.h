/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file reader.h
 * @brief Reading events from JSON: one object per line (NDJSON).
 *
 * A ::tp_reader parses one JSON object (one NDJSON line) and flattens it
 * into ::tp_attr views (event.h) that tp_classify() takes: nested members
 * get dotted names (`{"context": {"campaign": {"source": "x"}}}` gives
 * `context.campaign.source`), array elements their index
 * (`items.0.sku`), `true`/`false` their text, and numbers their text as
 * written (`59.90`, `1e3`: exact, so ids of any length survive).
 * `null` members are left out. When a name appears twice, both
 * are kept and the first counts for classification.
 *
 * A line is refused with a located fault (the byte column where the fault
 * is; for a line cut short, the column just past its end) when it is not
 * valid UTF-8, not strict JSON (RFC 8259: no raw control characters in
 * strings, no leading zeros or `+` in numbers, no trailing commas), holds
 * a NUL byte or a `\u0000` escape (which a C string would cut), is not an
 * object, is longer than the reader's limit (column: the first byte past
 * it), or is nested deeper than 64 levels; nothing is classified from a
 * refused line. A UTF-8 byte-order mark at the start of the line is
 * skipped.
 *
 * Thread-safety: a reader belongs to one thread at a time; use one per
 * thread. The views stay valid until the next parse with the same reader.
 */
#ifndef TOUCHPOINT_READER_H
#define TOUCHPOINT_READER_H

#include <stddef.h>
#include <touchpoint/status.h>
#include <touchpoint/error.h>
#include <touchpoint/event.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An NDJSON line reader (opaque). */
typedef struct tp_reader tp_reader;

/** The default longest line a reader accepts: 1 MiB. */
#define TP_READER_DEFAULT_MAX_BYTES (1024u * 1024u)

/**
 * Create a reader.
 *
 * @param[out] out The reader, to be freed with tp_reader_free().
 * @return #TP_OK, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_reader_new(tp_reader **out);

/**
 * Free a reader.
 *
 * @param reader The reader; NULL does nothing.
 * @since 1.0
 * Thread-safety: the reader belongs to one thread at a time.
 */
void tp_reader_free(tp_reader *reader);

/**
 * Set the longest line the reader accepts.
 *
 * @param reader The reader.
 * @param max_bytes The limit in bytes, at least 2.
 * @return #TP_OK, #TP_EINVAL.
 * @since 1.0
 * Thread-safety: the reader belongs to one thread at a time.
 */
tp_status tp_reader_set_max_bytes(tp_reader *reader, size_t max_bytes);

/**
 * Parse one JSON object (a line without its line end; a final `\r` is
 * ignored) and flatten it.
 *
 * @param reader The reader.
 * @param text The line; need not be NUL-terminated.
 * @param len Its length in bytes.
 * @param source Name for error messages (a file name), or NULL.
 * @param line The line number for error messages (1-based), or 0.
 * @param err Receives the fault with source, line and column; may be NULL.
 * @return #TP_OK; #TP_EUTF8, #TP_ESYNTAX, #TP_ESCHEMA (not an object),
 *         #TP_ERANGE (too long or too deep); #TP_EINVAL; #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: the reader belongs to one thread at a time.
 */
tp_status tp_reader_parse(tp_reader *reader, const char *text, size_t len,
			  const char *source, unsigned long line,
			  tp_error *err);

/**
 * The attributes of the last line parsed.
 *
 * @param reader The reader.
 * @param[out] n Number of attributes; may be NULL.
 * @return The attributes, owned by the reader, valid until its next parse;
 *         NULL (with *n = 0) before a successful parse.
 * @since 1.0
 * Thread-safety: the reader belongs to one thread at a time.
 */
const tp_attr *tp_reader_attrs(const tp_reader *reader, size_t *n);

/**
 * Whether the last object parsed had no members at all.
 *
 * @param reader The reader.
 * @return 1 for `{}`, 0 otherwise.
 * @since 1.0
 * Thread-safety: the reader belongs to one thread at a time.
 */
int tp_reader_empty_object(const tp_reader *reader);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_READER_H */
