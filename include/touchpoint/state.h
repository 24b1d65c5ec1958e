/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file state.h
 * @brief Mergeable analysis states: their formats and how to recognise
 * them.
 *
 * The results of the journey analyses — a funnel (funnel.h), a touchpoint
 * matrix (matrix.h) and path counts (journey.h) — are *states*: they can be
 * computed on parts of the data split by customer (each part in its own
 * process or machine), written out, read back and merged. Merging the
 * states of the parts gives exactly the state of the whole: counts are
 * added, the exact lists of durations behind medians and percentiles are
 * merged, sums of money and satisfaction scores are kept as integers of
 * millionths so that their addition is exact and independent of order.
 *
 * Every state is written in one of two forms:
 * - **binary** (#TP_STATE_FORMAT_BINARY): compact; the bytes `TPST`, a
 *   format version byte, a kind byte, two reserved zero bytes, the payload
 *   (unsigned LEB128 varints, zigzag for signed numbers, strings as a
 *   length and bytes) and a CRC-32 (IEEE) of everything before it, little
 *   endian;
 * - **JSON** (#TP_STATE_FORMAT_JSON): one object whose members
 *   `"format": "touchpoint-state"`, `"version"` and `"kind"` come first,
 *   readable and diffable.
 *
 * Both forms are canonical: equal states give equal bytes. A reader
 * refuses a version it does not know with #TP_EVERSION, data that is not
 * a state or is damaged (bad magic, truncation, checksum mismatch,
 * malformed JSON) with #TP_ESYNTAX, a well-formed state with impossible
 * contents with #TP_ESCHEMA, and a state of another kind with
 * #TP_EMISMATCH; each with an error entry naming the source and, for
 * JSON, the line, column and path of the fault. docs/journeys.md
 * describes the payloads.
 */
#ifndef TOUCHPOINT_STATE_H
#define TOUCHPOINT_STATE_H

#include <stddef.h>
#include <touchpoint/status.h>
#include <touchpoint/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The version of the state formats this library writes and reads. */
#define TP_STATE_VERSION 1

/** How a state is written. */
typedef enum tp_state_format {
	TP_STATE_FORMAT_UNKNOWN = 0,  /**< Not a state format. */
	TP_STATE_FORMAT_BINARY = 1,   /**< `binary`: compact, with a checksum. */
	TP_STATE_FORMAT_JSON = 2      /**< `json`: one JSON object. */
} tp_state_format;

/** What a state holds. */
typedef enum tp_state_kind {
	TP_STATE_KIND_UNKNOWN = 0,      /**< Not a state. */
	TP_STATE_KIND_FUNNEL = 1,       /**< `funnel`: a ::tp_funnel_state (funnel.h). */
	TP_STATE_KIND_MATRIX = 2,       /**< `matrix`: a ::tp_matrix (matrix.h). */
	TP_STATE_KIND_PATH_COUNTS = 3   /**< `path_counts`: a ::tp_path_counts (journey.h). */
} tp_state_kind;

/**
 * The stable name of a state kind, such as "funnel".
 *
 * @param kind A kind.
 * @return A static string, or NULL for #TP_STATE_KIND_UNKNOWN and values
 *         out of range.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_state_kind_name(tp_state_kind kind);

/**
 * The stable name of a state format: "binary" or "json".
 *
 * @param format A format.
 * @return A static string, or NULL for #TP_STATE_FORMAT_UNKNOWN and values
 *         out of range.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_state_format_name(tp_state_format format);

/**
 * Find a state format by name ("binary", "json"), ignoring ASCII case.
 *
 * @param name The name.
 * @param[out] out The format, set only on success.
 * @return #TP_OK, #TP_ENOTFOUND for an unknown name, #TP_EINVAL for NULL
 *         arguments.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_state_format_parse(const char *name, tp_state_format *out);

/**
 * Recognise a written state: its form, kind and version, without reading
 * the rest. `touchpoint merge` uses it to pick the loader.
 *
 * For the binary form the header is checked (the checksum is checked by
 * the loaders); for JSON the document is parsed and its `format`,
 * `version` and `kind` members are checked.
 *
 * @param data The bytes.
 * @param len Their number.
 * @param source Name for error messages; NULL gives "<state>".
 * @param[out] kind The kind, set only on success.
 * @param[out] format The form, set only on success; may be NULL.
 * @param err Receives a description of a refusal; may be NULL.
 * @return #TP_OK; #TP_ESYNTAX for bytes that are not a state;
 *         #TP_EVERSION for another format version; #TP_ESCHEMA for an
 *         unknown kind; #TP_EINVAL for NULL arguments; #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_state_identify(const void *data, size_t len, const char *source,
			    tp_state_kind *kind, tp_state_format *format,
			    tp_error *err);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_STATE_H */
