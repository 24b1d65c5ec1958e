/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file journey.h
 * @brief Customer journeys: the journey store, sessions, paths to
 * conversion and path counts.
 *
 * A **journey** is the ordered list of one customer's touchpoint events,
 * from discovery to after the sale. A ::tp_journey_store collects
 * classified events (::tp_touch) in any order — customers interleaved,
 * late events — and, once finished, gives every customer's journey
 * ordered by time. Events with the same time keep the order in which
 * they were added (the sort is stable).
 *
 * Typical use:
 * @code
 * tp_journey_store *store;
 * tp_journey_store_new(catalog, NULL, &store, err);
 * for (each classified event) {
 *         tp_touch t = TP_TOUCH_INIT;
 *         t.customer_id = id; t.customer_id_len = strlen(id);
 *         t.timestamp_ms = ms; t.event = name; t.event_len = strlen(name);
 *         t.touchpoint = tp_index; ...
 *         tp_journey_store_add(store, &t, err);
 * }
 * tp_journey_store_finish(store);
 * // journeys, paths, funnels (funnel.h), matrices (matrix.h)...
 * tp_journey_store_free(store);
 * @endcode
 *
 * **Storage.** The store copies nothing per event but ids and numbers:
 * strings (customer ids, event names, channel groups, sources, mediums,
 * campaigns, kept attributes) are interned once, and each distinct
 * combination of an event's classification is interned as one *kind*. An
 * event then costs a 16-byte record (time, kind id, flags) and a session
 * number, plus 16 bytes when it carries a value or a score; until the
 * store is finished, also its customer id. Finishing sorts the log once
 * by (customer, time, input order) with a counting sort on customers and
 * a stable sort of each journey. Ten million events of a million
 * customers take about half a GiB (docs/performance.md).
 *
 * **Fields.** Funnel steps, breakdowns, matrices and path counts name the
 * values of an event by *field*: the classification outputs `event`,
 * `touchpoint`, `channel`, `stage`, `phase`, `channel_group`, `source`,
 * `medium`, `campaign`; the touchpoint's dimensions `kind`, `initiator`,
 * `personalization`, `intent`, `control`, `agent`, `business_model`
 * (taxonomy.h); and any raw attribute of the event (`url_path`, `plan`)
 * that the store was told to keep with tp_journey_store_keep_field()
 * before the first event. Values of catalog fields are catalog ids
 * (`email`, `discovery`), of enum fields their stable names
 * (`pre_purchase`); empty strings count as absent.
 *
 * **Sessions.** A journey is cut into sessions as Universal Analytics did:
 * a new session starts after an inactivity timeout (30 minutes by
 * default: an event at least that long after the previous one starts a
 * session), optionally at midnight in a given UTC offset, and optionally
 * when the source, medium or campaign changes (an event with none of
 * them, or with source `(direct)`, never starts a session by itself).
 *
 * **Conversions.** Which events convert is set by conditions
 * `FIELD=VALUE` in the store's options (default `event=purchase`); a
 * touch can also say so itself (::tp_touch::conversion).
 *
 * **Paths to conversion.** A journey is cut into paths: each ends at a
 * conversion and starts after the previous one; what follows the last
 * conversion is a non-converting path. A lookback window (in time and in
 * steps) keeps only the last touches of each path. The path iterator
 * (::tp_journey_path_iter) gives each path with its touches, their times
 * and classification, so an attribution engine can read them; path
 * counts (::tp_path_counts) aggregate them by a field into the mergeable
 * table `path, conversions, nulls, value`.
 *
 * Thread-safety: a store belongs to one thread while events are added and
 * while it is finished; a finished store is immutable and any number of
 * threads may read it and run analyses on it at once. A path iterator
 * belongs to one thread.
 */
#ifndef TOUCHPOINT_JOURNEY_H
#define TOUCHPOINT_JOURNEY_H

#include <stddef.h>
#include <stdint.h>
#include <touchpoint/status.h>
#include <touchpoint/error.h>
#include <touchpoint/taxonomy.h>
#include <touchpoint/catalog.h>
#include <touchpoint/classifier.h>
#include <touchpoint/event.h>
#include <touchpoint/state.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Durations                                                           */
/* ------------------------------------------------------------------ */

/**
 * Parse a duration: a decimal number of seconds (`90`, `1.5`), or one or
 * more numbers each followed by a unit — `ms`, `s`, `m` (minutes), `h`,
 * `d`, `w` — such as `30m`, `12h`, `7d`, `1h30m` or `0.5d`.
 *
 * @param text The text; need not be NUL-terminated.
 * @param len Its length in bytes.
 * @param[out] out_ms The duration in milliseconds (rounded to the nearest
 *        millisecond), set only on success.
 * @return #TP_OK, #TP_ESYNTAX for text that is no duration (empty,
 *         negative, unknown unit), #TP_ERANGE above 2^62 ms, #TP_EINVAL
 *         for NULL.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_duration_parse(const char *text, size_t len, int64_t *out_ms);

/* ------------------------------------------------------------------ */
/* The touch: a classified event handed to the store                   */
/* ------------------------------------------------------------------ */

/** Whether a touch is a conversion. */
typedef enum tp_conversion_flag {
	TP_CONVERSION_AUTO = 0,  /**< Decided by the store's conversion conditions. */
	TP_CONVERSION_YES = 1,   /**< A conversion, whatever the conditions say. */
	TP_CONVERSION_NO = 2     /**< Not a conversion, whatever the conditions say. */
} tp_conversion_flag;

/**
 * A classified event, as the classifier (or a binding) hands it to the
 * store. Start from #TP_TOUCH_INIT so that @ref tp_touch::size is set and every
 * optional field is absent; fields may be appended in later versions.
 *
 * Strings are counted byte strings that need not be NUL-terminated and
 * must not contain NUL bytes; NULL or empty means absent. The store
 * copies what it keeps, so the caller may reuse the memory after each
 * call.
 */
typedef struct tp_touch {
	size_t size;                 /**< sizeof(tp_touch), set by the INIT macro. */
	const char *customer_id;     /**< The customer, required. */
	size_t customer_id_len;      /**< Length of @ref customer_id. */
	int64_t timestamp_ms;        /**< Milliseconds since the epoch (tp_timestamp_parse()). */
	const char *event;           /**< Event name (`page_view`, `purchase`), or NULL. */
	size_t event_len;            /**< Length of @ref event. */
	int32_t touchpoint;          /**< Catalog touchpoint index, -1 for none. */
	int32_t channel;             /**< Catalog channel index, -1: the touchpoint's channel, or none. */
	int32_t stage;               /**< Catalog stage index, -1: the touchpoint's stage, or none. */
	tp_phase phase;              /**< Phase; unknown: the stage's phase. */
	const char *channel_group;   /**< Channel group label (`Paid Search`), or NULL. */
	size_t channel_group_len;    /**< Length of @ref channel_group. */
	const char *source;          /**< Traffic source (`google`), or NULL. */
	size_t source_len;           /**< Length of @ref source. */
	const char *medium;          /**< Traffic medium (`cpc`), or NULL. */
	size_t medium_len;           /**< Length of @ref medium. */
	const char *campaign;        /**< Campaign, or NULL. */
	size_t campaign_len;         /**< Length of @ref campaign. */
	int has_value;               /**< Non-zero when @ref value is set. */
	double value;                /**< Money value (of a purchase), finite. */
	int has_score;               /**< Non-zero when @ref score is set. */
	double score;                /**< Satisfaction score (survey, review), finite. */
	tp_conversion_flag conversion;  /**< Whether it converts; AUTO asks the store's conditions. */
	const tp_attr *attrs;        /**< The raw attributes; the store keeps those named by tp_journey_store_keep_field(). */
	size_t n_attrs;              /**< Number of @ref attrs. */
} tp_touch;

/** Initializer for ::tp_touch: everything absent. */
#define TP_TOUCH_INIT { sizeof(tp_touch), NULL, 0, 0, NULL, 0, -1, -1, -1, \
	TP_PHASE_UNKNOWN, NULL, 0, NULL, 0, NULL, 0, NULL, 0, 0, 0.0, 0, 0.0, \
	TP_CONVERSION_AUTO, NULL, 0 }

/**
 * Set a touch to the defaults of #TP_TOUCH_INIT, for callers that cannot use the
 * macro (FFI bindings).
 *
 * @param[out] out The struct to fill; NULL does nothing.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
void tp_touch_init(tp_touch *out);

/* ------------------------------------------------------------------ */
/* The store                                                           */
/* ------------------------------------------------------------------ */

/** A journey store (opaque). */
typedef struct tp_journey_store tp_journey_store;

/**
 * Settings of a journey store. Start from #TP_JOURNEY_OPTIONS_INIT, which
 * holds the defaults.
 */
typedef struct tp_journey_options {
	size_t size;                        /**< sizeof(tp_journey_options), set by the INIT macro. */
	int64_t session_timeout_ms;         /**< Inactivity that starts a new session; default 30 minutes; 0: never. */
	int session_midnight;               /**< Non-zero: a new session at midnight (local time, see below). */
	int32_t session_utc_offset_minutes; /**< The local time's offset from UTC for midnight, -1440 to 1440. */
	int session_on_campaign_change;     /**< Non-zero: a new session when source, medium or campaign changes. */
	const char *const *conversions;     /**< Conversion conditions `FIELD=VALUE` (or a bare event name); NULL: `event=purchase`. */
	size_t n_conversions;               /**< Number of @ref conversions. */
} tp_journey_options;

/** Initializer for ::tp_journey_options: the defaults. */
#define TP_JOURNEY_OPTIONS_INIT { sizeof(tp_journey_options), \
	(int64_t)30 * 60 * 1000, 0, 0, 0, NULL, 0 }

/**
 * Set journey options to the defaults of #TP_JOURNEY_OPTIONS_INIT, for callers that cannot use the
 * macro (FFI bindings).
 *
 * @param[out] out The struct to fill; NULL does nothing.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
void tp_journey_options_init(tp_journey_options *out);

/**
 * Create an empty journey store.
 *
 * @param catalog The catalog whose indices the touches carry; the store
 *        takes its own reference, so the caller may free it first.
 * @param options Settings, or NULL for the defaults.
 * @param[out] out The store, to be freed with tp_journey_store_free().
 * @param err Receives a description of bad options (a malformed or
 *        unknown-field conversion condition); may be NULL.
 * @return #TP_OK; #TP_EINVAL for NULL arguments or out-of-range options;
 *         #TP_ESYNTAX for a malformed condition; #TP_ENOTFOUND for a
 *         catalog value a condition names that the catalog lacks;
 *         #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_journey_store_new(const tp_catalog *catalog,
			       const tp_journey_options *options,
			       tp_journey_store **out, tp_error *err);

/**
 * Free a store and everything in it.
 *
 * @param store The store; NULL does nothing.
 * @since 1.0
 * Thread-safety: the store must not be in use by another thread.
 */
void tp_journey_store_free(tp_journey_store *store);

/**
 * Make a field usable by the analyses. For a raw attribute name (not one
 * of the built-in fields listed above) the store keeps that attribute of
 * every event added from now on; built-in fields are always available
 * and need nothing. Call it before the first tp_journey_store_add().
 *
 * @param store The store.
 * @param name The field or attribute name, such as `url_path`.
 * @return #TP_OK (also for a built-in field or an attribute already
 *         kept, at any time), #TP_EINVAL for NULL or empty arguments or
 *         for a new attribute once events were added, #TP_ERANGE past 64
 *         kept attributes, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: the store belongs to one thread while it is built.
 */
tp_status tp_journey_store_keep_field(tp_journey_store *store,
				      const char *name);

/**
 * Fill a touch from a classification (classifier.h): the customer, the
 * time, the event name, the touchpoint, channel, stage and phase, the
 * channel group, source, medium and campaign, the value and the score,
 * and the raw attributes. The touch points into @p result (and the
 * attributes it was classified from): use it before the next
 * classification into @p result.
 *
 * A value or a score that is not a finite number is left out (the touch
 * has no value), as is an empty one.
 *
 * @param result A result of tp_classify().
 * @param[out] out The touch; `out->size` must be set (use #TP_TOUCH_INIT).
 * @return #TP_OK; #TP_ENOTFOUND when the event has no customer_id or no
 *         timestamp; the status of tp_timestamp_parse() for a timestamp
 *         that does not parse (#TP_ESYNTAX, #TP_ERANGE); #TP_EINVAL for
 *         NULL arguments, a result that classified nothing, or a touch
 *         without its size.
 * @since 1.0
 * Thread-safety: the result and the touch belong to one thread.
 */
tp_status tp_touch_from_result(const tp_result *result, tp_touch *out);

/**
 * Add one classified event. Nothing of @p touch is referenced after the
 * call returns.
 *
 * A touch with a touchpoint and no channel (or stage) takes the
 * touchpoint's channel (or default stage) from the catalog.
 *
 * @param store The store, not finished.
 * @param touch The event; `touch->size` must be set (use #TP_TOUCH_INIT).
 * @param err Receives a description of a refused touch; may be NULL.
 * @return #TP_OK; #TP_EINVAL for NULL arguments, a finished store, a
 *         missing customer id, a catalog index out of range, a string with
 *         a NUL byte, a value or score that is not finite, an unknown
 *         phase or conversion flag; #TP_ERANGE past 2^32 - 2 customers
 *         or kinds, or 2^28 - 1 events with a value or a score;
 *         #TP_ENOMEM (the event is then not added).
 * @since 1.0
 * Thread-safety: the store belongs to one thread while it is built.
 */
tp_status tp_journey_store_add(tp_journey_store *store, const tp_touch *touch,
			       tp_error *err);

/**
 * Add many classified events at once: the same as calling
 * tp_journey_store_add() on each in order, only faster on large stores
 * (the store looks up the customers and kinds of a block of touches
 * together, hiding memory latency). Nothing of @p touches is referenced
 * after the call returns.
 *
 * @param store The store, not finished.
 * @param touches The events, each with `size` set (use #TP_TOUCH_INIT).
 * @param n Their number.
 * @param[out] added How many were added (the first ones; all on success);
 *        may be NULL.
 * @param err Receives a description of the first refused touch; may be
 *        NULL.
 * @return As tp_journey_store_add() for the first touch that could not be
 *         added; the touches before it are added, those after it are not.
 * @since 1.0
 * Thread-safety: the store belongs to one thread while it is built.
 */
tp_status tp_journey_store_add_batch(tp_journey_store *store,
				     const tp_touch *touches, size_t n,
				     size_t *added, tp_error *err);

/**
 * Sort the events into journeys and cut the sessions. After this no
 * event can be added, and the accessors and analyses may be used.
 * Calling it again does nothing.
 *
 * @param store The store.
 * @return #TP_OK, #TP_EINVAL for NULL, #TP_ENOMEM (the store is then
 *         unchanged and finishing may be retried).
 * @since 1.0
 * Thread-safety: the store belongs to one thread until it is finished.
 */
tp_status tp_journey_store_finish(tp_journey_store *store);

/**
 * Whether tp_journey_store_finish() succeeded.
 *
 * @param store The store.
 * @return 1 when finished, 0 when not or for NULL.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
int tp_journey_store_is_finished(const tp_journey_store *store);

/**
 * The catalog the store was made with.
 *
 * @param store The store.
 * @return The catalog, owned by the store (valid while it lives); NULL for
 *         NULL.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
const tp_catalog *tp_journey_store_catalog(const tp_journey_store *store);

/**
 * Number of customers (journeys). Customers are numbered from 0 in the
 * order their first event was added.
 *
 * @param store The store.
 * @return The count (also before finishing); 0 for NULL.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
size_t tp_journey_store_customer_count(const tp_journey_store *store);

/**
 * Number of events added.
 *
 * @param store The store.
 * @return The count (also before finishing); 0 for NULL.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
size_t tp_journey_store_event_count(const tp_journey_store *store);

/**
 * The id of a customer.
 *
 * @param store The store.
 * @param customer The customer's number.
 * @return A NUL-terminated string owned by the store; NULL when out of
 *         range.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
const char *tp_journey_store_customer_id(const tp_journey_store *store,
					 size_t customer);

/**
 * Find a customer by id.
 *
 * @param store The store.
 * @param id The customer id, NUL-terminated.
 * @return The customer's number (>= 0), #TP_ENOTFOUND, or #TP_EINVAL for
 *         NULL.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
int64_t tp_journey_store_find_customer(const tp_journey_store *store,
				       const char *id);

/**
 * The events of one customer's journey. In a finished store the events of
 * customer c are numbered `first` to `first + count - 1`, in journey
 * order; read them with tp_journey_store_event().
 *
 * @param store The finished store.
 * @param customer The customer's number.
 * @param[out] first The number of the journey's first event.
 * @param[out] count The number of events in the journey (at least 1).
 * @return #TP_OK, #TP_EINVAL for NULL arguments, an unfinished store or a
 *         customer out of range.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
tp_status tp_journey_store_journey(const tp_journey_store *store,
				   size_t customer, size_t *first,
				   size_t *count);

/**
 * Number of sessions in a customer's journey.
 *
 * @param store The finished store.
 * @param customer The customer's number.
 * @return The count (at least 1); 0 when out of range or not finished.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
size_t tp_journey_store_session_count(const tp_journey_store *store,
				      size_t customer);

/**
 * One event of a finished store, as read back. Start from
 * #TP_JOURNEY_EVENT_INIT so that @ref tp_journey_event::size is set.
 *
 * Strings belong to the store and live as long as it does; each distinct
 * string is stored once, so within one store equal strings have equal
 * pointers and equal ids (tp_journey_store_string()).
 */
typedef struct tp_journey_event {
	size_t size;                 /**< sizeof(tp_journey_event), set by the INIT macro. */
	size_t customer;             /**< The customer's number. */
	int64_t timestamp_ms;        /**< Milliseconds since the epoch. */
	const char *event;           /**< Event name, or NULL. */
	int32_t touchpoint;          /**< Catalog touchpoint index, -1 for none. */
	int32_t channel;             /**< Catalog channel index, -1 for none. */
	int32_t stage;               /**< Catalog stage index, -1 for none. */
	tp_phase phase;              /**< Phase (the touch's, else its stage's). */
	const char *channel_group;   /**< Channel group, or NULL. */
	const char *source;          /**< Source, or NULL. */
	const char *medium;          /**< Medium, or NULL. */
	const char *campaign;        /**< Campaign, or NULL. */
	int has_value;               /**< Non-zero when @ref value is set. */
	double value;                /**< Money value. */
	int has_score;               /**< Non-zero when @ref score is set. */
	double score;                /**< Satisfaction score. */
	int is_conversion;           /**< Non-zero for a conversion. */
	size_t session;              /**< Session number within the journey, from 0. */
	int session_start;           /**< Non-zero for the first event of a session. */
	uint32_t event_id;           /**< String id of @ref event, 0 when absent. */
	uint32_t channel_group_id;   /**< String id of @ref channel_group, 0 when absent. */
	uint32_t source_id;          /**< String id of @ref source, 0 when absent. */
	uint32_t medium_id;          /**< String id of @ref medium, 0 when absent. */
	uint32_t campaign_id;        /**< String id of @ref campaign, 0 when absent. */
} tp_journey_event;

/** Initializer for ::tp_journey_event. */
#define TP_JOURNEY_EVENT_INIT { sizeof(tp_journey_event), 0, 0, NULL, -1, -1, -1, \
	TP_PHASE_UNKNOWN, NULL, NULL, NULL, NULL, 0, 0.0, 0, 0.0, 0, 0, 0, \
	0, 0, 0, 0, 0 }

/**
 * Read one event of a finished store.
 *
 * @param store The finished store.
 * @param index The event's number, below tp_journey_store_event_count().
 * @param[out] out Filled in; `out->size` must be set (use
 *        #TP_JOURNEY_EVENT_INIT).
 * @return #TP_OK, #TP_EINVAL for NULL arguments, an unfinished store or an
 *         index out of range.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
tp_status tp_journey_store_event(const tp_journey_store *store, size_t index,
				 tp_journey_event *out);

/**
 * An interned string of the store by id: ids are numbered from 1; 0 means
 * absent.
 *
 * @param store The store.
 * @param id The id.
 * @return A NUL-terminated string owned by the store; NULL for 0 or out of
 *         range.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
const char *tp_journey_store_string(const tp_journey_store *store,
				    uint32_t id);

/**
 * Number of interned strings (ids 1 to this number are in use).
 *
 * @param store The store.
 * @return The count; 0 for NULL.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
size_t tp_journey_store_string_count(const tp_journey_store *store);

/**
 * Resolve a field name (see the header's description) for
 * tp_journey_store_event_field().
 *
 * @param store The store.
 * @param name A built-in field or a kept attribute.
 * @return A field handle (>= 0); #TP_ENOTFOUND for an attribute the store
 *         does not keep; #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
int tp_journey_store_find_field(const tp_journey_store *store,
				const char *name);

/**
 * The value of a field on one event, as text: catalog ids for
 * `touchpoint`, `channel` and `stage`, stable enum names for `phase` and
 * the dimensions, the string itself for the others.
 *
 * @param store The finished store.
 * @param index The event's number.
 * @param field A handle from tp_journey_store_find_field().
 * @return A NUL-terminated string owned by the store or the catalog (valid
 *         while the store lives); NULL when the event has no value or the
 *         arguments are out of range.
 * @since 1.0
 * Thread-safety: safe on a finished store from any thread.
 */
const char *tp_journey_store_event_field(const tp_journey_store *store,
					 size_t index, int field);

/* ------------------------------------------------------------------ */
/* Paths to conversion                                                 */
/* ------------------------------------------------------------------ */

/**
 * Which events of a journey are the touches of its paths. Whatever the
 * choice, the converting event is a path's last touch unless
 * ::tp_journey_path_options::exclude_conversion is set.
 */
typedef enum tp_journey_path_touches {
	TP_JOURNEY_PATH_TOUCHES_DEFAULT = 0,      /**< The default: every event. */
	TP_JOURNEY_PATH_TOUCHES_EVENTS = 1,       /**< Every event. */
	TP_JOURNEY_PATH_TOUCHES_SESSIONS = 2,     /**< The first event of each session. */
	TP_JOURNEY_PATH_TOUCHES_TOUCHPOINTS = 3   /**< Events that carry a catalog touchpoint. */
} tp_journey_path_touches;

/**
 * How journeys are cut into paths. Start from
 * #TP_JOURNEY_PATH_OPTIONS_INIT, which holds the defaults.
 *
 * A path ends at a conversion (its *end*) or, for the non-converting path
 * after the last conversion, at the journey's last event. The lookback
 * window keeps the touches no older than @ref tp_journey_path_options::lookback_ms before the end
 * and, of those, the last @ref tp_journey_path_options::lookback_steps.
 */
typedef struct tp_journey_path_options {
	size_t size;                      /**< sizeof(tp_journey_path_options), set by the INIT macro. */
	int64_t lookback_ms;              /**< Lookback in time (30 days: tp_duration_parse("30d")); 0: unlimited. */
	size_t lookback_steps;            /**< Lookback in touches; 0: unlimited. */
	tp_journey_path_touches touches;  /**< Which events are touches. */
	int exclude_conversion;           /**< Non-zero: the converting event is not itself the path's last touch. */
} tp_journey_path_options;

/** Initializer for ::tp_journey_path_options: the defaults. */
#define TP_JOURNEY_PATH_OPTIONS_INIT { sizeof(tp_journey_path_options), 0, 0, \
	TP_JOURNEY_PATH_TOUCHES_DEFAULT, 0 }

/**
 * Set path options to the defaults of #TP_JOURNEY_PATH_OPTIONS_INIT, for callers that cannot use the
 * macro (FFI bindings).
 *
 * @param[out] out The struct to fill; NULL does nothing.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
void tp_journey_path_options_init(tp_journey_path_options *out);

/** An iterator over the paths to conversion of a finished store (opaque). */
typedef struct tp_journey_path_iter tp_journey_path_iter;

/**
 * Start iterating over every path of every journey, customer by customer
 * and in time order within a journey. Converting paths always come out;
 * a non-converting path only when it has touches.
 *
 * @param store The finished store; it must outlive the iterator.
 * @param options How to cut, or NULL for the defaults.
 * @param[out] out The iterator, positioned before the first path; free it
 *        with tp_journey_path_iter_free().
 * @return #TP_OK, #TP_EINVAL for NULL arguments, an unfinished store or
 *         bad options, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread; several iterators
 * may read one finished store at once.
 */
tp_status tp_journey_path_iter_new(const tp_journey_store *store,
				   const tp_journey_path_options *options,
				   tp_journey_path_iter **out);

/**
 * Free an iterator.
 *
 * @param it The iterator; NULL does nothing.
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread.
 */
void tp_journey_path_iter_free(tp_journey_path_iter *it);

/**
 * Move to the next path. It never allocates and cannot fail.
 *
 * @param it The iterator.
 * @return 1 when positioned on a path, 0 when there are no more (or for
 *         NULL).
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread.
 */
int tp_journey_path_iter_next(tp_journey_path_iter *it);

/**
 * The customer of the current path.
 *
 * @param it The iterator, positioned on a path.
 * @return The customer's number (see tp_journey_store_customer_id()).
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread.
 */
size_t tp_journey_path_iter_customer(const tp_journey_path_iter *it);

/**
 * Whether the current path ends at a conversion.
 *
 * @param it The iterator, positioned on a path.
 * @return 1 for a converting path, 0 otherwise.
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread.
 */
int tp_journey_path_iter_converted(const tp_journey_path_iter *it);

/**
 * The time the current path ends: the conversion's time, or the last
 * event's time for a non-converting path.
 *
 * @param it The iterator, positioned on a path.
 * @return Milliseconds since the epoch.
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread.
 */
int64_t tp_journey_path_iter_end_time(const tp_journey_path_iter *it);

/**
 * The number of the converting event in the store.
 *
 * @param it The iterator, positioned on a path.
 * @return The event number (tp_journey_store_event()), or (size_t)-1 for
 *         a non-converting path.
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread.
 */
size_t tp_journey_path_iter_conversion_event(const tp_journey_path_iter *it);

/**
 * The value of the current path's conversion.
 *
 * @param it The iterator, positioned on a path.
 * @return The converting event's value; 0 when it has none or the path
 *         does not convert.
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread.
 */
double tp_journey_path_iter_value(const tp_journey_path_iter *it);

/**
 * The number of touches of the current path.
 *
 * @param it The iterator, positioned on a path.
 * @return The count; it may be 0 for a converting path when the
 *         conversion is excluded and no touch precedes it.
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread.
 */
size_t tp_journey_path_iter_length(const tp_journey_path_iter *it);

/**
 * The touches of the current path as event numbers of the store, oldest
 * first.
 *
 * @param it The iterator, positioned on a path.
 * @return tp_journey_path_iter_length() event numbers, owned by the
 *         iterator and valid until the next call to
 *         tp_journey_path_iter_next().
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread.
 */
const size_t *tp_journey_path_iter_events(const tp_journey_path_iter *it);

/**
 * The times of the current path's touches, oldest first (non-decreasing).
 *
 * @param it The iterator, positioned on a path.
 * @return tp_journey_path_iter_length() times in milliseconds, owned by
 *         the iterator and valid until the next call to
 *         tp_journey_path_iter_next().
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread.
 */
const int64_t *tp_journey_path_iter_times(const tp_journey_path_iter *it);

/**
 * Read one touch of the current path.
 *
 * @param it The iterator, positioned on a path.
 * @param position The touch, from 0.
 * @param[out] out Filled in as by tp_journey_store_event().
 * @return #TP_OK, #TP_EINVAL for NULL arguments or a position out of
 *         range.
 * @since 1.0
 * Thread-safety: the iterator belongs to one thread.
 */
tp_status tp_journey_path_iter_touch(const tp_journey_path_iter *it,
				     size_t position, tp_journey_event *out);

/* ------------------------------------------------------------------ */
/* Path counts                                                         */
/* ------------------------------------------------------------------ */

/**
 * Path counts (opaque): the distinct paths of a store written as
 * sequences of one field's values (`email > paid_search > web`), each
 * with the number of converting and non-converting paths that followed
 * it and the converted value — the path table that ChannelAttribution
 * users keep. A mergeable state (state.h).
 */
typedef struct tp_path_counts tp_path_counts;

/**
 * Count the paths of a finished store by a field. A touch whose field is
 * absent is left out of the sequence (a path may then be empty).
 *
 * @param store The finished store.
 * @param field The field, or NULL for `channel`.
 * @param options How to cut the journeys, or NULL for the defaults.
 * @param[out] out The counts, to be freed with tp_path_counts_free().
 * @param err Receives a description of an unknown field; may be NULL.
 * @return #TP_OK; #TP_ENOTFOUND for an unknown field; #TP_EINVAL for NULL
 *         arguments, an unfinished store or bad options; #TP_ERANGE when a
 *         value sum overflows; #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe; the store is only read.
 */
tp_status tp_path_counts_compute(const tp_journey_store *store,
				 const char *field,
				 const tp_journey_path_options *options,
				 tp_path_counts **out, tp_error *err);

/**
 * Free path counts.
 *
 * @param counts The counts; NULL does nothing.
 * @since 1.0
 * Thread-safety: the object must not be in use by another thread.
 */
void tp_path_counts_free(tp_path_counts *counts);

/**
 * Add the counts of another part (split by customer) into @p into.
 *
 * @param into The counts that grow.
 * @param from The counts to add; unchanged; must not be @p into.
 * @param err Receives a description of a mismatch; may be NULL.
 * @return #TP_OK; #TP_EMISMATCH when the two were counted by different
 *         fields or options; #TP_ERANGE on overflow; #TP_EINVAL for NULL
 *         arguments; #TP_ENOMEM (@p into is then unchanged).
 * @since 1.0
 * Thread-safety: @p into belongs to one thread; @p from is only read.
 */
tp_status tp_path_counts_merge(tp_path_counts *into,
			       const tp_path_counts *from, tp_error *err);

/**
 * Write path counts as a state (state.h).
 *
 * @param counts The counts.
 * @param format #TP_STATE_FORMAT_BINARY or #TP_STATE_FORMAT_JSON.
 * @param[out] out The bytes, NUL-terminated, to be freed with tp_free().
 * @param[out] len Their number without the NUL; may be NULL.
 * @return #TP_OK, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe; the counts are only read.
 */
tp_status tp_path_counts_save(const tp_path_counts *counts,
			      tp_state_format format, char **out,
			      size_t *len);

/**
 * Read path counts written by tp_path_counts_save() (either form).
 *
 * @param data The bytes.
 * @param len Their number.
 * @param source Name for error messages; NULL gives "<state>".
 * @param[out] out The counts, to be freed with tp_path_counts_free().
 * @param err Receives a description of the fault; may be NULL.
 * @return #TP_OK; #TP_ESYNTAX, #TP_EVERSION, #TP_ESCHEMA, #TP_EMISMATCH
 *         (another kind of state), #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_path_counts_load(const void *data, size_t len,
			      const char *source, tp_path_counts **out,
			      tp_error *err);

/**
 * The field the paths are written in.
 *
 * @param counts The counts.
 * @return A string owned by @p counts; NULL for NULL.
 * @since 1.0
 * Thread-safety: safe; the counts are only read.
 */
const char *tp_path_counts_field(const tp_path_counts *counts);

/**
 * The cutting options the counts were made with.
 *
 * @param counts The counts.
 * @param[out] out Filled in; `out->size` must be set.
 * @return #TP_OK, #TP_EINVAL for NULL arguments.
 * @since 1.0
 * Thread-safety: safe; the counts are only read.
 */
tp_status tp_path_counts_options(const tp_path_counts *counts,
				 tp_journey_path_options *out);

/**
 * Number of distinct paths. Paths are numbered in a canonical order:
 * by conversions (most first), then non-conversions (most first), then
 * the sequence of values (byte order).
 *
 * @param counts The counts; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe; the counts are only read.
 */
size_t tp_path_counts_count(const tp_path_counts *counts);

/**
 * Number of touches of a distinct path.
 *
 * @param counts The counts.
 * @param index The path's number.
 * @return The length; 0 when out of range (or for the empty path).
 * @since 1.0
 * Thread-safety: safe; the counts are only read.
 */
size_t tp_path_counts_length(const tp_path_counts *counts, size_t index);

/**
 * One touch of a distinct path.
 *
 * @param counts The counts.
 * @param index The path's number.
 * @param position The touch, from 0.
 * @return The field's value, a string owned by @p counts; NULL when out of
 *         range.
 * @since 1.0
 * Thread-safety: safe; the counts are only read.
 */
const char *tp_path_counts_item(const tp_path_counts *counts, size_t index,
				size_t position);

/**
 * Converting paths that followed a distinct path.
 *
 * @param counts The counts.
 * @param index The path's number.
 * @return The count; 0 when out of range.
 * @since 1.0
 * Thread-safety: safe; the counts are only read.
 */
uint64_t tp_path_counts_conversions(const tp_path_counts *counts,
				    size_t index);

/**
 * Non-converting paths that followed a distinct path.
 *
 * @param counts The counts.
 * @param index The path's number.
 * @return The count; 0 when out of range.
 * @since 1.0
 * Thread-safety: safe; the counts are only read.
 */
uint64_t tp_path_counts_nulls(const tp_path_counts *counts, size_t index);

/**
 * Converted value of a distinct path (kept exactly in millionths).
 *
 * @param counts The counts.
 * @param index The path's number.
 * @return The value; 0 when out of range.
 * @since 1.0
 * Thread-safety: safe; the counts are only read.
 */
double tp_path_counts_value(const tp_path_counts *counts, size_t index);

/**
 * Totals over all paths.
 *
 * @param counts The counts.
 * @param[out] conversions Total converting paths; may be NULL.
 * @param[out] nulls Total non-converting paths; may be NULL.
 * @param[out] value Total converted value; may be NULL.
 * @return #TP_OK, #TP_EINVAL for NULL @p counts.
 * @since 1.0
 * Thread-safety: safe; the counts are only read.
 */
tp_status tp_path_counts_totals(const tp_path_counts *counts,
				uint64_t *conversions, uint64_t *nulls,
				double *value);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_JOURNEY_H */
