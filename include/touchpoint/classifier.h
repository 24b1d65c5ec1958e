/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file classifier.h
 * @brief The classifier: raw events in, typed touchpoints out.
 *
 * A ::tp_classifier holds a catalog, a referrer database, a field map and
 * one or more rule sets. For each event, handed in as ::tp_attr views
 * (event.h), it
 *
 * 1. finds the canonical attributes through the field map (a caller's
 *    schema may call `utm_source` `context.campaign.source`);
 * 2. derives source, medium and campaign as GA4 does: the utm_* attributes;
 *    else the utm_* parameters of the url's query string; else the
 *    referrer: a known search engine gives source = its name and medium
 *    `organic`, another site gives source = its host and medium
 *    `referral`, a referrer on the url's own host or on an internal domain
 *    starts no new source; nothing at all gives `(direct)` / `(none)`;
 * 3. runs the rule sets in order (rules.h);
 * 4. completes the outputs from the catalog: a touchpoint brings its
 *    channel, stage and dimensions unless a rule set them.
 *
 * The outputs go to a ::tp_result, which the caller creates once per
 * thread and reuses: classifying allocates nothing once the result has
 * grown to fit (its first events), and copies no attribute: the result's
 * strings point into the caller's attributes, the rule sets, the catalog,
 * the referrer database or the result's own scratch space, and stay valid
 * until the next classification into the same result.
 *
 * Thread-safety: configure a classifier (the tp_classifier_add_... and
 * tp_classifier_set_... functions) from one thread; once configured, any
 * number of threads may classify with it at once, each with its own
 * ::tp_result.
 */
#ifndef TOUCHPOINT_CLASSIFIER_H
#define TOUCHPOINT_CLASSIFIER_H

#include <stddef.h>
#include <stdint.h>
#include <touchpoint/status.h>
#include <touchpoint/error.h>
#include <touchpoint/catalog.h>
#include <touchpoint/event.h>
#include <touchpoint/referrer.h>
#include <touchpoint/rules.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A configured classifier (opaque). */
typedef struct tp_classifier tp_classifier;
/** The outputs of one classification, reused from event to event (opaque). */
typedef struct tp_result tp_result;

/**
 * The fields of a classification: canonical attributes, derived values and
 * outputs. Rule conditions and funnel steps name them by tp_field_name().
 */
typedef enum tp_field {
	TP_FIELD_NONE = 0,             /**< Not a field. */
	TP_FIELD_CUSTOMER_ID = 1,      /**< `customer_id` attribute */
	TP_FIELD_TIMESTAMP = 2,        /**< `timestamp` attribute, as given */
	TP_FIELD_EVENT = 3,            /**< `event` attribute */
	TP_FIELD_SOURCE = 4,           /**< derived `source` */
	TP_FIELD_MEDIUM = 5,           /**< derived `medium` */
	TP_FIELD_CAMPAIGN = 6,         /**< derived `campaign` */
	TP_FIELD_CONTENT = 7,          /**< derived `content` (utm_content) */
	TP_FIELD_TERM = 8,             /**< derived `term` (utm_term, else the search term) */
	TP_FIELD_URL = 9,              /**< `url` attribute */
	TP_FIELD_URL_HOST = 10,        /**< `url_host`: the url's host */
	TP_FIELD_URL_PATH = 11,        /**< `url_path`: the url's path */
	TP_FIELD_REFERRER = 12,        /**< `referrer` attribute */
	TP_FIELD_REFERRER_HOST = 13,   /**< `referrer_host` */
	TP_FIELD_REFERRER_MEDIUM = 14, /**< `referrer_medium`: search, social, email, paid, chatbot, internal, unknown */
	TP_FIELD_REFERRER_SOURCE = 15, /**< `referrer_source`: the database's name for the referrer */
	TP_FIELD_REFERRER_TERM = 16,   /**< `referrer_term`: the search term in the referrer */
	TP_FIELD_CHANNEL_GROUP = 17,   /**< `channel_group` label (set by the ga4 rules) */
	TP_FIELD_CHANNEL = 18,         /**< `channel` id (output) */
	TP_FIELD_TOUCHPOINT = 19,      /**< `touchpoint` id (output) */
	TP_FIELD_STAGE = 20,           /**< `stage` id (output) */
	TP_FIELD_PHASE = 21,           /**< `phase` name (output) */
	TP_FIELD_RULE = 22,            /**< `rule`: the last rule that matched */
	TP_FIELD_VALUE = 23,           /**< `value` attribute (money) */
	TP_FIELD_SCORE = 24,           /**< `score` attribute (satisfaction) */
	TP_FIELD_REFERRER_KNOWN = 25   /**< `referrer_known`: "true" when the referrer is in the database */
} tp_field;

/**
 * How many fields the loaded library knows: they are numbered 1 to this
 * value, with no gap.
 *
 * @return The highest valid ::tp_field value.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
int tp_field_count(void);

/**
 * The name of a field, such as "channel_group".
 *
 * @param field A field.
 * @return A static string, or NULL for an unknown field.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_field_name(tp_field field);

/**
 * Find a field by name (ASCII case ignored).
 *
 * @param name The name.
 * @param[out] out The field, set only on success.
 * @return #TP_OK, #TP_ENOTFOUND, #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_field_parse(const char *name, tp_field *out);

/**
 * Create a classifier with no rule sets, the built-in referrer database
 * and the canonical attribute names.
 *
 * @param catalog The catalog its rule sets are compiled against; NULL
 *        uses the built-in default catalog. The classifier keeps a
 *        reference.
 * @param[out] out The classifier, to be freed with tp_classifier_free().
 * @param err Receives faults (only when building the defaults fails);
 *        may be NULL.
 * @return #TP_OK, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_classifier_new(const tp_catalog *catalog, tp_classifier **out,
			    tp_error *err);

/**
 * Free a classifier (the rule sets, catalog and database it used stay
 * alive while other owners hold them).
 *
 * @param classifier The classifier; NULL does nothing.
 * @since 1.0
 * Thread-safety: no other thread may use the classifier any more.
 */
void tp_classifier_free(tp_classifier *classifier);

/**
 * The catalog of a classifier.
 *
 * @param classifier The classifier.
 * @return The catalog, owned by the classifier; NULL for NULL.
 * @since 1.0
 * Thread-safety: safe.
 */
const tp_catalog *tp_classifier_catalog(const tp_classifier *classifier);

/**
 * Append a compiled rule set; rule sets run in the order they were added.
 *
 * @param classifier The classifier.
 * @param ruleset The rule set; the classifier keeps a reference. It must
 *        have been compiled against the classifier's catalog.
 * @return #TP_OK, #TP_EMISMATCH for a rule set of another catalog,
 *         #TP_ERANGE past 64 rule sets or 65535 names, #TP_EINVAL,
 *         #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: configuration; see the file comment.
 */
tp_status tp_classifier_add_rules(tp_classifier *classifier,
				  const tp_ruleset *ruleset);

/**
 * Compile and append rule sets by name or file: `ga4`, `touchpoints`,
 * `default` (= `ga4` then `touchpoints`), or the path of a JSON rule file
 * (anything that is not a built-in name).
 *
 * @param classifier The classifier.
 * @param name_or_path A built-in name or a file path.
 * @param err Receives every compile fault; may be NULL.
 * @return #TP_OK or a status of tp_ruleset_compile_file(),
 *         tp_ruleset_builtin() or tp_classifier_add_rules().
 * @since 1.0
 * Thread-safety: configuration; see the file comment.
 */
tp_status tp_classifier_add_rules_named(tp_classifier *classifier,
					const char *name_or_path,
					tp_error *err);

/**
 * Replace the referrer database.
 *
 * @param classifier The classifier.
 * @param refdb The database; the classifier keeps a reference.
 * @return #TP_OK, #TP_EINVAL.
 * @since 1.0
 * Thread-safety: configuration; see the file comment.
 */
tp_status tp_classifier_set_refdb(tp_classifier *classifier,
				  const tp_refdb *refdb);

/**
 * Read a canonical attribute under another name: for Segment events,
 * (`utm_source`, `context.campaign.source`); for Snowplow,
 * (`utm_source`, `mkt_source`). Mapping a name again replaces it.
 *
 * @param classifier The classifier.
 * @param canonical A canonical attribute name (event.h): customer_id,
 *        timestamp, event, url, referrer, utm_source, utm_medium,
 *        utm_campaign, utm_content, utm_term, value, score, channel.
 * @param attribute The caller's attribute name (copied).
 * @return #TP_OK, #TP_ENOTFOUND for a name that is not canonical,
 *         #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: configuration; see the file comment.
 */
tp_status tp_classifier_map_field(tp_classifier *classifier,
				  const char *canonical,
				  const char *attribute);

/**
 * Load a field map from a JSON file: an object whose members are
 * canonical names and whose values are the caller's attribute names,
 * e.g. `{"utm_source": "context.campaign.source"}`.
 *
 * @param classifier The classifier.
 * @param path The file.
 * @param err Receives faults with line, column and JSON path; may be NULL.
 * @return #TP_OK, #TP_EIO, #TP_ESYNTAX, #TP_ESCHEMA, #TP_ENOTFOUND,
 *         #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: configuration; see the file comment.
 */
tp_status tp_classifier_load_field_map(tp_classifier *classifier,
				       const char *path, tp_error *err);

/**
 * Treat a domain (and its subdomains) as the brand's own: a referrer there
 * is internal and starts no new source. The url's own host always is.
 *
 * @param classifier The classifier.
 * @param domain A host name such as "shop.example.com" (copied).
 * @return #TP_OK, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: configuration; see the file comment.
 */
tp_status tp_classifier_add_internal_domain(tp_classifier *classifier,
					    const char *domain);

/**
 * Create a result to classify into. One per thread; reuse it.
 *
 * @param[out] out The result, to be freed with tp_result_free().
 * @return #TP_OK, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_result_new(tp_result **out);

/**
 * Free a result.
 *
 * @param result The result; NULL does nothing.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
void tp_result_free(tp_result *result);

/**
 * Set how many events a result remembers the classification of, in units
 * of 1 KiB of memory.
 *
 * A classification depends only on the attributes the classifier reads
 * (the url, the referrer, the utm_* attributes and those the rule sets
 * test) and on its configuration. A result remembers the outcomes of
 * recent distinct events, by the bytes of those attributes (of the url,
 * unless a rule tests the url itself, only what the derivation reads:
 * the part before the query and the query's utm_* parameters and gclid;
 * an event is remembered the second time it is seen: most events seen
 * once are never seen again);
 * an event that repeats a remembered one (the same landing page,
 * referrer and campaign: most of real traffic) gets the same outputs
 * without deriving or evaluating anything. The outputs are identical
 * with or without this cache; only the time differs. Reconfiguring the
 * classifier, or classifying with another one, forgets what was
 * remembered.
 *
 * The cache is a log of @p events KiB, used as a ring, and an index of
 * 64 bytes for each of @p events, allocated at the next classification
 * (the pages of the log are touched as it fills). An outcome takes 150
 * to 600 bytes of the log (more with long urls; one of over half the log
 * is not remembered), so a result remembers two to three times @p
 * events, the oldest giving way to the newest. The default is 8192 (8 MiB and
 * 512 KiB: about 20,000 events).
 *
 * @param result The result.
 * @param events The size, in KiB of log (two to three events each),
 *        rounded up to a power of two (at least 2); 0 turns the cache
 *        off.
 * @return #TP_OK; #TP_EINVAL when @p result is NULL; #TP_ERANGE above
 *         2^24.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
tp_status tp_result_set_cache_size(tp_result *result, size_t events);

/**
 * The size of a result's cache of classifications, in KiB (two to three
 * events each).
 *
 * @param result The result.
 * @return The size set by tp_result_set_cache_size() (rounded), the
 *         default 8192, or 0 when the cache is off or @p result is NULL.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
size_t tp_result_cache_size(const tp_result *result);

/**
 * Classify one event.
 *
 * @param classifier A configured classifier.
 * @param attrs The event's attributes; they are not copied and must stay
 *        valid while the result is read. When a key appears twice, the
 *        first one counts.
 * @param n_attrs Number of attributes.
 * @param result Receives the outputs; its previous content is replaced.
 * @return #TP_OK; #TP_EINVAL for NULL arguments; #TP_ENOMEM when the
 *         result could not grow (only on its first uses).
 * @since 1.0
 * Thread-safety: safe from many threads at once on one classifier, each
 * with its own result.
 */
tp_status tp_classify(const tp_classifier *classifier, const tp_attr *attrs,
		      size_t n_attrs, tp_result *result);

/**
 * A field of the last classification.
 *
 * @param result The result.
 * @param field The field.
 * @param[out] len Length of the value; may be NULL.
 * @return The value (not NUL-terminated in general: use @p len), valid
 *         until the next classification into @p result; NULL when the
 *         field is absent or unknown.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
const char *tp_result_field(const tp_result *result, tp_field field,
			    size_t *len);

/**
 * Any value of the last classification by name: a field name
 * (tp_field_name()), a dimension name (taxonomy.h; gives the value's
 * name), a label set by a rule, or else a raw attribute.
 *
 * @param result The result.
 * @param name The name.
 * @param[out] len Length of the value; may be NULL.
 * @return The value (use @p len), valid until the next classification into
 *         @p result; NULL when absent.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
const char *tp_result_get(const tp_result *result, const char *name,
			  size_t *len);

/**
 * The channel of the last classification.
 * @param result The result.
 * @return Its index in the catalog, or #TP_ENOTFOUND.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
int tp_result_channel(const tp_result *result);

/**
 * The touchpoint of the last classification.
 * @param result The result.
 * @return Its index in the catalog, or #TP_ENOTFOUND.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
int tp_result_touchpoint(const tp_result *result);

/**
 * The funnel stage of the last classification.
 * @param result The result.
 * @return Its index in the catalog, or #TP_ENOTFOUND.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
int tp_result_stage(const tp_result *result);

/**
 * A dimension of the last classification: set by a rule, else the
 * touchpoint's (the phase also from the stage; the kind from the channel).
 * @param result The result.
 * @param dimension The dimension.
 * @return The enum value (0 = unknown), or #TP_EINVAL.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
int tp_result_dimension(const tp_result *result, tp_dimension dimension);

/**
 * The event's time.
 * @param result The result.
 * @param[out] ms Milliseconds since the epoch, set only on success.
 * @return #TP_OK, #TP_ENOTFOUND when the event has no timestamp, or the
 *         status of tp_timestamp_parse() for one that does not parse.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
tp_status tp_result_timestamp(const tp_result *result, int64_t *ms);

/**
 * A numeric field of the last classification (#TP_FIELD_VALUE or
 * #TP_FIELD_SCORE, or any field whose text is a number).
 * @param result The result.
 * @param field The field.
 * @param[out] out The number, set only on success.
 * @return #TP_OK, #TP_ENOTFOUND when absent, #TP_ESYNTAX when not a
 *         finite number.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
tp_status tp_result_number(const tp_result *result, tp_field field,
			   double *out);

/**
 * Whether the referrer was found in the referrer database.
 * @param result The result.
 * @return 1 when found, 0 otherwise.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
int tp_result_referrer_known(const tp_result *result);

/**
 * How many labels the rules set (channel_group among them).
 * @param result The result.
 * @return The count.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
size_t tp_result_label_count(const tp_result *result);

/**
 * A label the rules set.
 * @param result The result.
 * @param index From 0.
 * @param[out] name The label's name (NUL-terminated), owned by the rule set.
 * @param[out] value Its value (NUL-terminated), owned by the rule set.
 * @return #TP_OK, #TP_EINVAL when out of range.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
tp_status tp_result_label(const tp_result *result, size_t index,
			  const char **name, const char **value);

/**
 * The last classification as the JSON object that `touchpoint classify`
 * adds as member "tp": source, medium, campaign, channel_group, channel,
 * touchpoint, stage, phase, rule, and referrer {known, medium, source,
 * term}, members absent when unknown. Works like snprintf().
 *
 * @param result The result.
 * @param buf Destination; may be NULL when @p size is 0.
 * @param size Its size in bytes.
 * @return The length of the full text without the NUL (the text was cut
 *         when it is >= @p size), or a negative ::tp_status.
 * @since 1.0
 * Thread-safety: the result belongs to one thread at a time.
 */
long tp_result_json(const tp_result *result, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_CLASSIFIER_H */
