/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file referrer.h
 * @brief The referrer database: which site a visitor came from, and what
 * they searched for.
 *
 * A page view often carries the URL of the page before it, the referrer:
 * `https://www.google.co.uk/search?q=running+shoes`. A referrer database
 * (::tp_refdb) knows the hosts of search engines, social networks, webmail
 * services and AI chat assistants, and turns such a URL into a
 * ::tp_referrer_info: whether the site is known, its medium (search,
 * social, email, paid, chatbot...), the name of the source ("Google") and
 * the search term ("running shoes").
 *
 * The lookup follows Snowplow's referer-parser:
 * - the host is taken without a leading `www.`, then its parent domains
 *   are tried down to two labels (`a.b.example.co.uk`, `b.example.co.uk`,
 *   `example.co.uk`, `co.uk`);
 * - for each host, entries with a path (`bing.com/images/search`) are
 *   tried before the entry for the host alone, the longest path first; a
 *   path matches the URL's path when it is equal to it or a prefix of it
 *   ending at a `/`;
 * - the search term is the first non-blank value among the source's
 *   parameters, in the order they are listed, decoded as a form field
 *   (percent escapes, `+` as a space); the query is searched first, then
 *   the fragment.
 *
 * Matching ignores ASCII case. Two extensions of the Snowplow format carry
 * the Matomo lists faithfully: `{}` in a domain stands for a country code
 * (`google.{}` is Google in every country: `google.de`, `google.co.uk`,
 * `google.com.br`), and a parameter written `/regex/` is a PCRE2 pattern
 * whose first group, matched against the whole referrer URL, gives the
 * term. docs/referrers.md describes the format, the extensions and the
 * built-in database.
 *
 * The built-in database (tp_refdb_default()) is generated at build time
 * from the CC0 lists of Matomo (search engines, social networks, AI
 * assistants). tp_refdb_load_files() reads files in the Snowplow format,
 * such as the `referers.json` of Snowplow's referer-parser; several files
 * merge in order, a later entry for the same domain and path replacing an
 * earlier one.
 *
 * Whether a referrer is the site itself (an internal referrer) depends on
 * the site, not on the database: the classifier decides it from the page's
 * host and the configured internal domains. A database may still list
 * hosts under the `internal` medium.
 *
 * Thread-safety: a ::tp_refdb is immutable once loaded; any number of
 * threads may look URLs up in it at once. Objects built on a database
 * (classifiers) keep it alive, so it may be freed before them.
 */
#ifndef TOUCHPOINT_REFERRER_H
#define TOUCHPOINT_REFERRER_H

#include <stddef.h>
#include <touchpoint/status.h>
#include <touchpoint/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The kind of site a referrer is. Values are fixed forever and only ever
 * appended. Each has a stable lowercase name, the name of its section in
 * the Snowplow format.
 */
typedef enum tp_referrer_medium {
	TP_REFERRER_MEDIUM_UNKNOWN = 0,   /**< `unknown`: not known, or in Snowplow's `unknown` section */
	TP_REFERRER_MEDIUM_SEARCH = 1,    /**< `search`: a search engine */
	TP_REFERRER_MEDIUM_SOCIAL = 2,    /**< `social`: a social network */
	TP_REFERRER_MEDIUM_EMAIL = 3,     /**< `email`: a webmail service */
	TP_REFERRER_MEDIUM_PAID = 4,      /**< `paid`: an advertising network */
	TP_REFERRER_MEDIUM_CHATBOT = 5,   /**< `chatbot`: an AI chat assistant */
	TP_REFERRER_MEDIUM_INTERNAL = 6   /**< `internal`: the site itself */
} tp_referrer_medium;

/** The highest ::tp_referrer_medium value of this version of the headers. */
#define TP_REFERRER_MEDIUM_LAST TP_REFERRER_MEDIUM_INTERNAL

/**
 * The stable name of a medium, such as "search".
 *
 * @param medium A medium.
 * @return A static string ("unknown" for #TP_REFERRER_MEDIUM_UNKNOWN), or
 *         NULL for a value out of range.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_referrer_medium_name(tp_referrer_medium medium);

/**
 * Find a medium by name, ignoring ASCII case.
 *
 * @param name A name such as "social"; "unknown" gives
 *        #TP_REFERRER_MEDIUM_UNKNOWN.
 * @param[out] out The medium, set only on success.
 * @return #TP_OK, #TP_ENOTFOUND for an unknown name, #TP_EINVAL for NULL
 *         arguments.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_referrer_medium_parse(const char *name, tp_referrer_medium *out);

/** A loaded, immutable referrer database (opaque). */
typedef struct tp_refdb tp_refdb;

/**
 * What a lookup found. Start from #TP_REFERRER_INFO_INIT so that @ref tp_referrer_info::size
 * is set; fields may be appended in later versions, and a lookup fills
 * only the fields that @ref tp_referrer_info::size covers.
 */
typedef struct tp_referrer_info {
	size_t size;                /**< sizeof(tp_referrer_info), set by the INIT macro. */
	int known;                  /**< 1 when the database has the referrer, else 0. */
	tp_referrer_medium medium;  /**< The medium; unknown when not known. */
	const char *source;         /**< The source's name ("Google"), owned by the database; NULL when not known. */
	const char *term;           /**< The search term in the caller's buffer, NUL-terminated valid UTF-8 (invalid sequences and NUL bytes become U+FFFD, so strlen(term) == term_len); NULL when there is none. */
	size_t term_len;            /**< Bytes of @ref term, NUL excluded. */
	int term_truncated;         /**< 1 when the term did not fit in the buffer and was cut at a character boundary. */
	int parent_domain;          /**< 1 when the entry that matched is a parent domain of the host (`google.com` for `mail.google.com`), 0 when it is the host itself (without `www.`). */
} tp_referrer_info;

/** Initializer for ::tp_referrer_info. */
#define TP_REFERRER_INFO_INIT { sizeof(tp_referrer_info), 0, \
	TP_REFERRER_MEDIUM_UNKNOWN, NULL, NULL, 0, 0, 0 }

/**
 * Load the built-in database: Matomo's search engines, social networks and
 * AI assistants, compiled into the library (docs/referrers.md).
 *
 * @param[out] out The database, to be freed with tp_refdb_free(); set to
 *        NULL on failure.
 * @param err Error details, or NULL.
 * @return #TP_OK, #TP_EINVAL when @p out is NULL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_refdb_default(tp_refdb **out, tp_error *err);

/**
 * Load and merge files in the Snowplow referers JSON format.
 *
 * The files are read in order; an entry for a domain and path that an
 * earlier file (or an earlier place in the same file) also has replaces
 * it, with its source, medium and parameters. A NULL path stands for the
 * built-in database, so that `{NULL, "mine.json"}` adds to it and
 * overrides it. Every fault is appended to @p err with the file name,
 * line, column and JSON path (`$.search.Google.domains[3]`).
 *
 * @param paths The file names; may be NULL when @p n is 0.
 * @param n Number of files; 0 gives an empty database.
 * @param[out] out The database, to be freed with tp_refdb_free(); set to
 *        NULL on failure.
 * @param err Error details, or NULL.
 * @return #TP_OK, #TP_EINVAL for NULL arguments, #TP_EIO when a file
 *         cannot be read, #TP_EUTF8 or #TP_ESYNTAX for a malformed file,
 *         #TP_ESCHEMA for a well-formed file of the wrong shape (an unknown
 *         medium, a bad domain or regular expression...), #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_refdb_load_files(const char *const *paths, size_t n,
			      tp_refdb **out, tp_error *err);

/**
 * Load a database from text in the Snowplow referers JSON format.
 *
 * @param text The JSON text; it need not be NUL-terminated.
 * @param len Its length in bytes.
 * @param source A name for error messages (such as a file name), or NULL.
 * @param[out] out The database, to be freed with tp_refdb_free(); set to
 *        NULL on failure.
 * @param err Error details, or NULL.
 * @return #TP_OK, #TP_EINVAL for NULL arguments, #TP_EUTF8, #TP_ESYNTAX,
 *         #TP_ESCHEMA, #TP_ENOMEM (see tp_refdb_load_files()).
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_refdb_load_string(const char *text, size_t len,
			       const char *source, tp_refdb **out,
			       tp_error *err);

/**
 * Release a database. Objects that keep it alive (classifiers) may still
 * use it; it is destroyed with the last of them.
 *
 * @param db The database; NULL does nothing.
 * @since 1.0
 * Thread-safety: safe to call from any thread, once per database the
 *        caller owns.
 */
void tp_refdb_free(tp_refdb *db);

/**
 * The number of entries: distinct (domain, path) pairs, a `{}` pattern
 * counting once.
 *
 * @param db The database; NULL gives 0.
 * @return The number of entries.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
size_t tp_refdb_count(const tp_refdb *db);

/**
 * The number of distinct sources (a name within a medium).
 *
 * @param db The database; NULL gives 0.
 * @return The number of sources.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
size_t tp_refdb_source_count(const tp_refdb *db);

/**
 * Look a referrer URL up. No memory is allocated.
 *
 * The URL may lack its scheme (`www.google.com/search?q=x`). When the
 * database does not know it, @p out says so (`known` 0, medium unknown,
 * source and term NULL) and the call still succeeds.
 *
 * @param db The database.
 * @param url The referrer URL; it need not be NUL-terminated.
 * @param len Its length in bytes.
 * @param term_buf Where to decode the search term; may be NULL when
 *        @p term_size is 0 (the term is then not returned).
 * @param term_size Size of @p term_buf in bytes.
 * @param[out] out The result; `out->size` must be set (use the INIT
 *        macro). Its strings belong to @p db and @p term_buf.
 * @return #TP_OK; #TP_ESYNTAX when @p url has no host or is not a URL
 *         (@p out then says "not known"); #TP_EINVAL for NULL arguments or
 *         an @p out without its size.
 * @since 1.0
 * Thread-safety: safe to call from any thread; many threads may share
 *        @p db, each with its own @p out and @p term_buf.
 */
tp_status tp_refdb_lookup(const tp_refdb *db, const char *url, size_t len,
			  char *term_buf, size_t term_size,
			  tp_referrer_info *out);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_REFERRER_H */
