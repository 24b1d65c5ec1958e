/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file status.h
 * @brief Status codes: every function that can fail returns a ::tp_status.
 *
 * Zero is success, every error is negative. Values are fixed forever and
 * new codes are only appended. tp_strerror() names a code; functions that
 * parse or validate input also fill a ::tp_error (see error.h) with a
 * message and the location of the fault.
 */
#ifndef TOUCHPOINT_STATUS_H
#define TOUCHPOINT_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/** Result of a libtouchpoint call: #TP_OK or a negative error code. */
typedef enum tp_status {
	TP_OK = 0,             /**< Success. */
	TP_EINVAL = -1,        /**< An argument is invalid (NULL, out of range, wrong state). */
	TP_ENOMEM = -2,        /**< An allocation failed; nothing was leaked. */
	TP_EIO = -3,           /**< A file could not be opened, read or written. */
	TP_ESYNTAX = -4,       /**< Input is not well-formed (JSON, CSV, number, URL...). */
	TP_ESCHEMA = -5,       /**< Input is well-formed but has the wrong shape, type or value. */
	TP_ENOTFOUND = -6,     /**< A name or id refers to nothing. */
	TP_EEXIST = -7,        /**< An id is defined twice. */
	TP_ERANGE = -8,        /**< A number or size is out of range or over a limit. */
	TP_EUTF8 = -9,         /**< Text is not valid UTF-8. */
	TP_EVERSION = -10,     /**< Serialized data has an unsupported format version. */
	TP_EMISMATCH = -11,    /**< Objects that must agree do not (merging different kinds). */
	TP_EEMPTY = -12        /**< There is nothing to compute on (no data where some is required). */
} tp_status;

/**
 * A short English description of a status code.
 *
 * @param status Any value; unknown values give "unknown error".
 * @return A static string, never NULL, never to be freed.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_strerror(tp_status status);

/**
 * The stable identifier of a status code, such as "TP_ENOMEM".
 *
 * @param status Any value; unknown values give NULL.
 * @return A static string or NULL; never to be freed.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_status_name(tp_status status);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_STATUS_H */
