/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file funnel.h
 * @brief Funnels: how far customers get through an ordered list of steps,
 * and where they drop off.
 *
 * A funnel (::tp_funnel) is an ordered list of **steps**, each a condition
 * `FIELD=VALUE` on any field of an event (journey.h): `event=cart`,
 * `stage=consideration`, `touchpoint=free_trial`, `channel=email`,
 * `channel_group=Paid Search`, `url_path=/checkout`. Values are compared
 * ignoring ASCII case. Any catalog funnel — the 7-stage one by default —
 * is a funnel whose steps are its stages (tp_funnel_new_from_catalog()).
 *
 * Running a funnel on a finished journey store gives a ::tp_funnel_state,
 * which answers, per step: how many customers reached at least that step,
 * the conversion from the previous and from the first step, how many
 * dropped before it, the median and 90th percentile of the time from the
 * previous step, and, for those who dropped, the touchpoints they went to
 * instead.
 *
 * **Attempts.** Every event matching step 1 starts an *attempt*. An
 * attempt takes, after its step-1 event, the first event matching step 2,
 * then the first later event matching step 3, and so on, all within the
 * **window** measured from the step-1 event (`t <= t1 + window`; no window
 * by default). Its depth is the number of steps it took. Per customer the
 * deepest attempt counts (the earliest of equally deep ones): this is
 * ClickHouse's `windowFunnel` in its default mode.
 *
 * **Modes** (flags that combine, as in ClickHouse):
 * - #TP_FUNNEL_STRICT_ORDER: an event that matches no step, or that
 *   matches a step further on than the next one, ends the attempt (A B D C
 *   reaches 2 for A, B, C);
 * - #TP_FUNNEL_STRICT_INCREASE: a step is only taken by an event strictly
 *   later than the previous step's event;
 * - #TP_FUNNEL_STRICT_DEDUPLICATION: an event that matches a step the
 *   attempt already took (other than step 1) ends the attempt (A B C B D
 *   reaches 3).
 *
 * **Equal timestamps.** Events with the same time are simultaneous: the
 * funnel reads them in step order — first those that match no step, then
 * those matching step 1, step 2 and so on — whatever order they were
 * added in, as ClickHouse does. So A and B at the same second complete
 * the steps A, B; under #TP_FUNNEL_STRICT_INCREASE they do not. An event
 * matching two steps can take both.
 *
 * **Exclusions.** An exclusion step is a condition that, matched by an
 * event strictly between two steps an attempt took (later than one,
 * earlier than the next), disqualifies the attempt: it does not count at
 * all.
 *
 * **Counting.** By default each customer counts once, with the best
 * attempt (#TP_FUNNEL_COUNT_CUSTOMERS); #TP_FUNNEL_COUNT_ATTEMPTS counts
 * every attempt.
 *
 * **Breakdown.** A funnel may be broken down by any field; a customer's
 * value is taken from the counted attempt's step-1 event (first touch),
 * from its last step's event (last touch) or from the event of a chosen
 * step (customers who did not reach it fall under "no value").
 *
 * States are mergeable (state.h): run the same funnel on parts of the
 * data split by customer and merge; the medians and percentiles stay
 * exact because the state keeps every duration.
 *
 * Thread-safety: a ::tp_funnel belongs to one thread while it is being
 * defined; a defined funnel may then be run by any number of threads at
 * once. A ::tp_funnel_state belongs to one thread while it is merged into;
 * otherwise it is only read.
 */
#ifndef TOUCHPOINT_FUNNEL_H
#define TOUCHPOINT_FUNNEL_H

#include <stddef.h>
#include <stdint.h>
#include <touchpoint/status.h>
#include <touchpoint/error.h>
#include <touchpoint/catalog.h>
#include <touchpoint/state.h>
#include <touchpoint/journey.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Mode flags of a funnel; 0 is the default mode. */
typedef enum tp_funnel_mode {
	TP_FUNNEL_MODE_DEFAULT = 0,          /**< `default`: ClickHouse's default windowFunnel. */
	TP_FUNNEL_STRICT_ORDER = 1,          /**< `strict_order`: no other event in between. */
	TP_FUNNEL_STRICT_INCREASE = 2,       /**< `strict_increase`: strictly increasing times. */
	TP_FUNNEL_STRICT_DEDUPLICATION = 4   /**< `strict_deduplication`: a repeated step ends the attempt. */
} tp_funnel_mode;

/** What a funnel counts. */
typedef enum tp_funnel_count {
	TP_FUNNEL_COUNT_DEFAULT = 0,    /**< The default: customers. */
	TP_FUNNEL_COUNT_CUSTOMERS = 1,  /**< `customers`: each customer once, with the best attempt. */
	TP_FUNNEL_COUNT_ATTEMPTS = 2    /**< `attempts`: every attempt. */
} tp_funnel_count;

/** Which event of the counted attempt gives the breakdown value. */
typedef enum tp_funnel_attribution {
	TP_FUNNEL_ATTRIBUTION_DEFAULT = 0,      /**< The default: first touch. */
	TP_FUNNEL_ATTRIBUTION_FIRST_TOUCH = 1,  /**< `first_touch`: the step-1 event. */
	TP_FUNNEL_ATTRIBUTION_LAST_TOUCH = 2,   /**< `last_touch`: the last step's event. */
	TP_FUNNEL_ATTRIBUTION_STEP = 3          /**< `step`: the event of a chosen step. */
} tp_funnel_attribution;

/** The most steps a funnel can have (as ClickHouse's windowFunnel). */
#define TP_FUNNEL_MAX_STEPS 32
/** The most exclusion steps a funnel can have. */
#define TP_FUNNEL_MAX_EXCLUSIONS 32
/** Group number of the totals over every breakdown value. */
#define TP_FUNNEL_ALL_GROUPS ((size_t)-1)

/** A funnel definition (opaque). */
typedef struct tp_funnel tp_funnel;
/** The result of a funnel: a mergeable state (opaque). */
typedef struct tp_funnel_state tp_funnel_state;

/**
 * Parse mode names separated by commas, such as
 * `strict_order,strict_increase`; `default` (or an empty text) is no flag.
 *
 * @param text The names, NUL-terminated.
 * @param[out] out The OR of the ::tp_funnel_mode flags, set only on
 *        success.
 * @return #TP_OK, #TP_ENOTFOUND for an unknown name, #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_funnel_mode_parse(const char *text, unsigned *out);

/**
 * The name of one mode flag.
 *
 * @param mode #TP_FUNNEL_MODE_DEFAULT or a single flag.
 * @return A static string, or NULL for other values.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_funnel_mode_name(tp_funnel_mode mode);

/**
 * Parse `customers` or `attempts`, ignoring ASCII case.
 *
 * @param name The name.
 * @param[out] out The count, set only on success.
 * @return #TP_OK, #TP_ENOTFOUND, #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_funnel_count_parse(const char *name, tp_funnel_count *out);

/**
 * The name of a count: `customers` or `attempts`.
 *
 * @param count The count; #TP_FUNNEL_COUNT_DEFAULT gives `customers`.
 * @return A static string, or NULL when out of range.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_funnel_count_name(tp_funnel_count count);

/**
 * Parse `first_touch`, `last_touch` or `step`, ignoring ASCII case.
 *
 * @param name The name.
 * @param[out] out The attribution, set only on success.
 * @return #TP_OK, #TP_ENOTFOUND, #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_funnel_attribution_parse(const char *name,
				      tp_funnel_attribution *out);

/**
 * The name of a breakdown attribution.
 *
 * @param attribution The attribution; the default gives `first_touch`.
 * @return A static string, or NULL when out of range.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_funnel_attribution_name(tp_funnel_attribution attribution);

/**
 * Create an empty funnel: no steps, no window, default mode, counting
 * customers, no breakdown.
 *
 * @param[out] out The funnel, to be freed with tp_funnel_free().
 * @return #TP_OK, #TP_EINVAL for NULL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_funnel_new(tp_funnel **out);

/**
 * Create a funnel whose steps are the stages of a catalog funnel, each
 * step named after its stage id and matching `stage=ID`.
 *
 * @param catalog The catalog.
 * @param funnel_id The catalog funnel's id, or NULL for `seven_stage`.
 * @param[out] out The funnel, to be freed with tp_funnel_free().
 * @param err Receives a description of an unknown funnel; may be NULL.
 * @return #TP_OK, #TP_ENOTFOUND, #TP_ERANGE for more than
 *         #TP_FUNNEL_MAX_STEPS stages, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_funnel_new_from_catalog(const tp_catalog *catalog,
				     const char *funnel_id, tp_funnel **out,
				     tp_error *err);

/**
 * Free a funnel.
 *
 * @param funnel The funnel; NULL does nothing.
 * @since 1.0
 * Thread-safety: the funnel must not be in use by another thread.
 */
void tp_funnel_free(tp_funnel *funnel);

/**
 * Append a step.
 *
 * @param funnel The funnel.
 * @param condition `FIELD=VALUE`; spaces around the field and the value
 *        are ignored.
 * @param name The step's name in results, or NULL for the condition text.
 * @param err Receives a description of a malformed condition; may be NULL.
 * @return #TP_OK, #TP_ESYNTAX for a malformed condition, #TP_ERANGE past
 *         #TP_FUNNEL_MAX_STEPS, #TP_EINVAL for NULL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: the funnel belongs to one thread while it is defined.
 */
tp_status tp_funnel_add_step(tp_funnel *funnel, const char *condition,
			     const char *name, tp_error *err);

/**
 * Add an exclusion step.
 *
 * @param funnel The funnel.
 * @param condition `FIELD=VALUE`.
 * @param err Receives a description of a malformed condition; may be NULL.
 * @return #TP_OK, #TP_ESYNTAX, #TP_ERANGE past #TP_FUNNEL_MAX_EXCLUSIONS,
 *         #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: the funnel belongs to one thread while it is defined.
 */
tp_status tp_funnel_add_exclusion(tp_funnel *funnel, const char *condition,
				  tp_error *err);

/**
 * Set the window, measured from each attempt's step-1 event.
 *
 * @param funnel The funnel.
 * @param window_ms The window in milliseconds (tp_duration_parse()); 0:
 *        no window.
 * @return #TP_OK, #TP_EINVAL for NULL or a negative window.
 * @since 1.0
 * Thread-safety: the funnel belongs to one thread while it is defined.
 */
tp_status tp_funnel_set_window(tp_funnel *funnel, int64_t window_ms);

/**
 * Set the mode.
 *
 * @param funnel The funnel.
 * @param mode An OR of ::tp_funnel_mode flags.
 * @return #TP_OK, #TP_EINVAL for NULL or unknown flags.
 * @since 1.0
 * Thread-safety: the funnel belongs to one thread while it is defined.
 */
tp_status tp_funnel_set_mode(tp_funnel *funnel, unsigned mode);

/**
 * Set what is counted.
 *
 * @param funnel The funnel.
 * @param count Customers or attempts.
 * @return #TP_OK, #TP_EINVAL for NULL or an out-of-range value.
 * @since 1.0
 * Thread-safety: the funnel belongs to one thread while it is defined.
 */
tp_status tp_funnel_set_count(tp_funnel *funnel, tp_funnel_count count);

/**
 * Break the funnel down by a field.
 *
 * @param funnel The funnel.
 * @param field The field (journey.h), or NULL to remove the breakdown.
 * @param attribution Which event gives the value.
 * @param step For #TP_FUNNEL_ATTRIBUTION_STEP, the step, from 1;
 *        otherwise ignored. It is checked when the funnel runs.
 * @return #TP_OK, #TP_EINVAL for a NULL funnel, an empty field, an
 *         out-of-range attribution or step 0, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: the funnel belongs to one thread while it is defined.
 */
tp_status tp_funnel_set_breakdown(tp_funnel *funnel, const char *field,
				  tp_funnel_attribution attribution,
				  size_t step);

/**
 * Number of steps.
 *
 * @param funnel The funnel; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe on a funnel no thread modifies.
 */
size_t tp_funnel_step_count(const tp_funnel *funnel);

/**
 * The name of a step.
 *
 * @param funnel The funnel.
 * @param step The step, from 0.
 * @return A string owned by the funnel; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe on a funnel no thread modifies.
 */
const char *tp_funnel_step_name(const tp_funnel *funnel, size_t step);

/**
 * Tell a store (before its first event) to keep every attribute the
 * funnel's steps, exclusions and breakdown name, with
 * tp_journey_store_keep_field().
 *
 * @param funnel The funnel.
 * @param store The store, still empty.
 * @return As tp_journey_store_keep_field().
 * @since 1.0
 * Thread-safety: the store belongs to one thread while it is built.
 */
tp_status tp_funnel_keep_fields(const tp_funnel *funnel,
				tp_journey_store *store);

/**
 * Run a funnel on every journey of a finished store.
 *
 * @param funnel The funnel, with at least one step.
 * @param store The finished store; only read.
 * @param[out] out The result, to be freed with tp_funnel_state_free().
 * @param err Receives every fault of the definition against this store
 *        (an unknown field, a catalog id the catalog lacks, a breakdown
 *        step past the last step); may be NULL.
 * @return #TP_OK; #TP_ENOTFOUND for an unknown field or catalog id;
 *         #TP_EEMPTY for a funnel without steps; #TP_EINVAL for NULL
 *         arguments, an unfinished store or a bad breakdown step;
 *         #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe; the funnel and the store are only read.
 */
tp_status tp_funnel_run(const tp_funnel *funnel,
			const tp_journey_store *store,
			tp_funnel_state **out, tp_error *err);

/**
 * Free a funnel result.
 *
 * @param state The result; NULL does nothing.
 * @since 1.0
 * Thread-safety: the object must not be in use by another thread.
 */
void tp_funnel_state_free(tp_funnel_state *state);

/**
 * Add the result of another part (split by customer) into @p into. The
 * two must come from the same funnel definition.
 *
 * @param into The result that grows.
 * @param from The result to add; unchanged; must not be @p into.
 * @param err Receives a description of a mismatch; may be NULL.
 * @return #TP_OK, #TP_EMISMATCH for different definitions, #TP_ERANGE on
 *         overflow, #TP_EINVAL, #TP_ENOMEM (@p into is then unchanged).
 * @since 1.0
 * Thread-safety: @p into belongs to one thread; @p from is only read.
 */
tp_status tp_funnel_state_merge(tp_funnel_state *into,
				const tp_funnel_state *from, tp_error *err);

/**
 * Write a funnel result as a state (state.h).
 *
 * @param state The result.
 * @param format #TP_STATE_FORMAT_BINARY or #TP_STATE_FORMAT_JSON.
 * @param[out] out The bytes, NUL-terminated, to be freed with tp_free().
 * @param[out] len Their number without the NUL; may be NULL.
 * @return #TP_OK, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
tp_status tp_funnel_state_save(const tp_funnel_state *state,
			       tp_state_format format, char **out,
			       size_t *len);

/**
 * Read a funnel result written by tp_funnel_state_save() (either form).
 *
 * @param data The bytes.
 * @param len Their number.
 * @param source Name for error messages; NULL gives "<state>".
 * @param[out] out The result, to be freed with tp_funnel_state_free().
 * @param err Receives a description of the fault; may be NULL.
 * @return #TP_OK; #TP_ESYNTAX, #TP_EVERSION, #TP_ESCHEMA, #TP_EMISMATCH
 *         (another kind of state), #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_funnel_state_load(const void *data, size_t len,
			       const char *source, tp_funnel_state **out,
			       tp_error *err);

/**
 * Number of steps of the funnel that made the result.
 *
 * @param state The result; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
size_t tp_funnel_state_step_count(const tp_funnel_state *state);

/**
 * The name of a step.
 *
 * @param state The result.
 * @param step The step, from 0.
 * @return A string owned by the result; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
const char *tp_funnel_state_step_name(const tp_funnel_state *state,
				      size_t step);

/**
 * The condition of a step, `FIELD=VALUE`.
 *
 * @param state The result.
 * @param step The step, from 0.
 * @return A string owned by the result; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
const char *tp_funnel_state_step_condition(const tp_funnel_state *state,
					   size_t step);

/**
 * The settings of the funnel that made the result.
 *
 * @param state The result.
 * @param[out] window_ms The window (0: none); may be NULL.
 * @param[out] mode The mode flags; may be NULL.
 * @param[out] count What was counted (never the default value); may be
 *        NULL.
 * @return #TP_OK, #TP_EINVAL for a NULL @p state.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
tp_status tp_funnel_state_settings(const tp_funnel_state *state,
				   int64_t *window_ms, unsigned *mode,
				   tp_funnel_count *count);

/**
 * Number of exclusion steps of the funnel that made the result.
 *
 * @param state The result; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
size_t tp_funnel_state_exclusion_count(const tp_funnel_state *state);

/**
 * An exclusion step's condition, `FIELD=VALUE`.
 *
 * @param state The result.
 * @param index The exclusion, from 0.
 * @return A string owned by the result; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
const char *tp_funnel_state_exclusion(const tp_funnel_state *state,
				      size_t index);

/**
 * How the breakdown value was taken.
 *
 * @param state The result.
 * @param[out] step For #TP_FUNNEL_ATTRIBUTION_STEP the step (from 1),
 *        otherwise 0; may be NULL.
 * @return The attribution (never the default value);
 *         #TP_FUNNEL_ATTRIBUTION_DEFAULT without breakdown or for NULL.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
tp_funnel_attribution tp_funnel_state_breakdown_attribution(
	const tp_funnel_state *state, size_t *step);

/**
 * Number of journeys the funnel looked at (customers, whether they
 * reached step 1 or not).
 *
 * @param state The result; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
uint64_t tp_funnel_state_journeys(const tp_funnel_state *state);

/**
 * The breakdown field.
 *
 * @param state The result.
 * @return A string owned by the result, or NULL without breakdown.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
const char *tp_funnel_state_breakdown(const tp_funnel_state *state);

/**
 * Number of breakdown groups (distinct values), in byte order of the
 * values with "no value" last; 0 without breakdown.
 *
 * @param state The result; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
size_t tp_funnel_state_group_count(const tp_funnel_state *state);

/**
 * The value of a breakdown group.
 *
 * @param state The result.
 * @param group The group, from 0.
 * @return A string owned by the result; NULL for the "no value" group or
 *         out of range.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
const char *tp_funnel_state_group_label(const tp_funnel_state *state,
					size_t group);

/**
 * The figures of one step. Start from #TP_FUNNEL_STEP_STATS_INIT.
 *
 * Conversions are fractions (0 to 1): from the previous step's count and
 * from step 1's (both 1 on step 1 when anyone reached it, 0 when nobody
 * did). `dropped` is the previous step's count minus this one's (0 on
 * step 1). Quantiles interpolate linearly between the closest ranks of
 * the exact durations (a median of 10 s and 20 s is 15 s).
 */
typedef struct tp_funnel_step_stats {
	size_t size;                          /**< sizeof(tp_funnel_step_stats), set by the INIT macro. */
	const char *name;                     /**< The step's name, owned by the result. */
	uint64_t customers;                   /**< Customers (or attempts) that reached at least this step. */
	double conversion_from_previous;      /**< customers / previous step's customers. */
	double conversion_from_first;         /**< customers / step 1's customers. */
	uint64_t dropped;                     /**< Reached the previous step but not this one. */
	int has_times;                        /**< Non-zero when the two durations below are set. */
	double median_seconds_from_previous;  /**< Median time from the previous step's event. */
	double p90_seconds_from_previous;     /**< 90th percentile of that time. */
} tp_funnel_step_stats;

/** Initializer for ::tp_funnel_step_stats. */
#define TP_FUNNEL_STEP_STATS_INIT { sizeof(tp_funnel_step_stats), NULL, 0, \
	0.0, 0.0, 0, 0, 0.0, 0.0 }

/**
 * Read the figures of one step.
 *
 * @param state The result.
 * @param group A breakdown group, or #TP_FUNNEL_ALL_GROUPS for everyone.
 * @param step The step, from 0.
 * @param[out] out Filled in; `out->size` must be set.
 * @return #TP_OK, #TP_EINVAL for NULL arguments or out-of-range numbers.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
tp_status tp_funnel_state_step(const tp_funnel_state *state, size_t group,
			       size_t step, tp_funnel_step_stats *out);

/**
 * Number of distinct touchpoints that customers who dropped before a step
 * went to instead.
 *
 * For each customer (or attempt) that reached step k - 1 but not step k,
 * the funnel records the first touchpoint of the journey after its step
 * k - 1 event that differs from that event's touchpoint, or "no value"
 * when there is none (the journey ends there).
 *
 * @param state The result.
 * @param group A breakdown group, or #TP_FUNNEL_ALL_GROUPS.
 * @param step The step, from 0 (step 0 has none).
 * @return The count; 0 when out of range.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
size_t tp_funnel_state_next_count(const tp_funnel_state *state,
				  size_t group, size_t step);

/**
 * One of the touchpoints that customers who dropped before a step went to
 * instead, by rank: the most frequent first, ties in byte order of the
 * ids, "no value" last among equals.
 *
 * @param state The result.
 * @param group A breakdown group, or #TP_FUNNEL_ALL_GROUPS.
 * @param step The step, from 0.
 * @param rank The rank, from 0.
 * @param[out] touchpoint The touchpoint id, owned by the result, or NULL
 *        for "no further touchpoint".
 * @param[out] customers How many went there.
 * @return #TP_OK, #TP_EINVAL for NULL arguments or out-of-range numbers.
 * @since 1.0
 * Thread-safety: safe; the result is only read.
 */
tp_status tp_funnel_state_next(const tp_funnel_state *state, size_t group,
			       size_t step, size_t rank,
			       const char **touchpoint, uint64_t *customers);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_FUNNEL_H */
