/* SPDX-License-Identifier: MIT */
/*
 * Internal: reading JSON documents with cJSON and reporting faults with
 * their place: source, line, column and JSON path.
 *
 * cJSON keeps no positions, so a fault found after parsing is located by
 * tpi_json_locate(), which walks the text along the JSON path.
 */
#ifndef TP_UTIL_JSON_H
#define TP_UTIL_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "touchpoint/error.h"
#include "util/buf.h"

/* The deepest nesting a document may have (the top value is level 0). */
#define TPI_JSON_MAX_DEPTH 512

/*
 * Parse a whole document: valid UTF-8, one strict JSON value (RFC 8259;
 * no \u0000 escape), nothing but white space after it, nesting at most
 * TPI_JSON_MAX_DEPTH deep, no duplicate member names. Faults are reported
 * with line and column. Returns TP_OK, TP_EUTF8, TP_ESYNTAX, TP_ERANGE
 * (too deep), TP_ESCHEMA (duplicate member), TP_ENOMEM.
 */
tp_status tpi_json_parse(const char *text, size_t len, const char *source,
			 cJSON **out, tp_error *err);

/* 1-based line and column (in bytes) of a byte offset. */
void tpi_text_position(const char *text, size_t len, size_t offset,
		       unsigned long *line, unsigned long *column);

/*
 * Line and column of the value at `path` ("$", "$.a", "$.a[2].b"); for a
 * member name that is absent, the position of the enclosing value. It
 * follows the tokens of tpi_jscan(); a leading BOM is skipped. Never
 * fails: an unreadable text (or no memory for the walk) gives the
 * position of the top value.
 */
void tpi_json_locate(const char *text, size_t len, const char *path,
		     unsigned long *line, unsigned long *column);

/*
 * Give every entry of err from `first` on that has a path but no line the
 * position of that path in text, and the source name.
 */
void tpi_json_locate_errors(tp_error *err, size_t first, const char *text,
			    size_t len, const char *source);

/* A JSON path under construction: push a member or an index, pop back. */
struct tpi_path {
	struct tpi_buf buf;
	size_t *marks;      /* buf.len before each step, grown as needed */
	size_t cap;
	size_t depth;
};

void tpi_path_init(struct tpi_path *p);
void tpi_path_fini(struct tpi_path *p);
void tpi_path_push_key(struct tpi_path *p, const char *key);
void tpi_path_push_index(struct tpi_path *p, size_t index);
void tpi_path_pop(struct tpi_path *p);
/* The current path; "$" at the top, never NULL (a failed append gives "$"). */
const char *tpi_path_str(const struct tpi_path *p);

/* JSON type name for messages: "string", "number", "object"... */
const char *tpi_json_type_name(const cJSON *item);

#endif
