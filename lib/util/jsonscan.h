/* SPDX-License-Identifier: MIT */
/*
 * Internal: a strict, allocation-free JSON scanner (RFC 8259).
 *
 * It checks one JSON text and reports the first fault with its byte
 * offset and a plain message: unexpected end of text, an unexpected
 * character, a raw control character or a \u0000 escape in a string, an
 * invalid escape or number, nesting past a limit, text after the value.
 * Used two ways:
 *  - in front of cJSON (json.c), so that documents get exact positions
 *    and the faults cJSON lets through are refused;
 *  - by the NDJSON reader (reader.c), which takes the tokens through a
 *    callback and has strings unescaped in place;
 *  - by tpi_json_locate() (json.c), which follows the tokens' offsets
 *    along a JSON path to put a line and column on a fault.
 * The input must already be valid UTF-8 (tpi_utf8_check) and hold no
 * NUL byte; bytes of 0x80 and above are only accepted inside strings.
 */
#ifndef TP_UTIL_JSONSCAN_H
#define TP_UTIL_JSONSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "touchpoint/status.h"

enum tpi_jtok {
	TPI_J_OBJECT = 1,    /* an object starts */
	TPI_J_ARRAY,         /* an array starts */
	TPI_J_END,           /* the innermost object or array ends */
	TPI_J_KEY,           /* a member name: s, n */
	TPI_J_STRING,        /* s, n */
	TPI_J_NUMBER,        /* its text: s, n */
	TPI_J_TRUE,
	TPI_J_FALSE,
	TPI_J_NULL,
};

/* Called for each token; depth is 0 for the top value, 1 inside it ...
 * offset is where the token starts in the text. A non-zero return stops
 * the scan and is returned by tpi_jscan. */
typedef tp_status (*tpi_jscan_fn)(void *userdata, enum tpi_jtok tok,
				  const char *s, size_t n, size_t depth,
				  size_t offset);

struct tpi_jscan_fault {
	size_t offset;       /* byte offset of the fault in the text */
	char message[96];
};

/*
 * Scan text[0 .. len): one JSON value, whitespace around it allowed.
 * A value deeper than max_depth (the top value has depth 0, the members
 * of a top object depth 1 ...; at most 1024) is refused with TP_ERANGE. When decode is true,
 * text must be writable: strings and keys are unescaped in place and
 * NUL-terminated (over their closing quote or later), and the views given
 * to fn point there. fn may be NULL.
 * Returns TP_OK; TP_ESYNTAX or TP_ERANGE with *fault filled; or what fn
 * returned.
 */
tp_status tpi_jscan(char *text, size_t len, size_t max_depth, bool decode,
		    tpi_jscan_fn fn, void *userdata,
		    struct tpi_jscan_fault *fault);

#endif
