/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file event.h
 * @brief Raw interaction events as attribute views, and their timestamps.
 *
 * A raw event (a page view with utm parameters, an e-mail open, a store
 * visit, a call, a survey answer) is a flat set of string attributes. The
 * library sees it as an array of ::tp_attr views: pointers into the
 * caller's memory, never copied. Nested JSON members are flattened to
 * dotted names (`context.campaign.source`) by the NDJSON reader.
 *
 * Canonical attribute names: `customer_id`, `timestamp`, `event`, `url`,
 * `referrer`, `utm_source`, `utm_medium`, `utm_campaign`, `utm_content`,
 * `utm_term`, `value`, `score`, `channel`. A field map (classifier.h) lets
 * a caller use its own names.
 */
#ifndef TOUCHPOINT_EVENT_H
#define TOUCHPOINT_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <touchpoint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One attribute of an event: a key and a value, both counted byte strings
 * that need not be NUL-terminated. This struct is frozen: it will never
 * change.
 */
typedef struct tp_attr {
	const char *key;     /**< Attribute name, UTF-8. */
	size_t key_len;      /**< Length of @ref key in bytes. */
	const char *value;   /**< Attribute value, UTF-8. */
	size_t value_len;    /**< Length of @ref value in bytes. */
} tp_attr;

/**
 * Parse an event timestamp: RFC 3339 (`2026-03-01T12:30:00Z`,
 * `2026-03-01T12:30:00.250+01:00`, a space instead of `T` accepted), or
 * epoch seconds or milliseconds as a decimal number (values of 10^11 and
 * more are taken as milliseconds; a fraction of seconds is allowed).
 *
 * @param text The timestamp text; need not be NUL-terminated.
 * @param len Its length in bytes.
 * @param[out] out_ms Milliseconds since 1970-01-01T00:00:00Z, set only on
 *        success.
 * @return #TP_OK, #TP_ESYNTAX for text that is no timestamp, #TP_ERANGE
 *         for a date outside years 1 to 9999, #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_timestamp_parse(const char *text, size_t len, int64_t *out_ms);

/**
 * Format a timestamp as RFC 3339 in UTC with milliseconds
 * (`2026-03-01T12:30:00.250Z`, 24 bytes plus the NUL).
 *
 * @param ms Milliseconds since the epoch.
 * @param buf Destination of at least 25 bytes.
 * @param size Size of @p buf.
 * @return #TP_OK, #TP_ERANGE when @p buf is too small or the date is
 *         outside years 1 to 9999, #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_timestamp_format(int64_t ms, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_EVENT_H */
