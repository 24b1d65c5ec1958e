/* SPDX-License-Identifier: MIT */
/*
 * Internal view of the referrer database, for the classifier: take a
 * reference, and look up a URL that is already parsed (util/url.h) so
 * that it is not parsed twice.
 */
#ifndef TP_REFERRER_PRIVATE_H
#define TP_REFERRER_PRIVATE_H

#include <stddef.h>

#include "touchpoint/referrer.h"
#include "util/url.h"

/* Take one more reference; tp_refdb_free() drops one. */
tp_refdb *tpi_refdb_ref(const tp_refdb *db);

/*
 * tp_refdb_lookup() on a parsed URL. url->raw must be the whole URL text
 * (regular-expression parameters match against it). Returns TP_OK, or
 * TP_ESYNTAX when the URL has no host; never allocates.
 */
tp_status tpi_refdb_lookup_url(const tp_refdb *db, const struct tpi_url *url,
			       char *term_buf, size_t term_size,
			       tp_referrer_info *out);

/* Bytes of memory the database holds (its own blocks, not the allocator's
 * overhead nor PCRE2's JIT code). */
size_t tpi_refdb_memory(const tp_refdb *db);

/* The built-in database's JSON text, generated at build time. */
extern const char tpi_referrers_json[];
extern const size_t tpi_referrers_json_len;

#endif
