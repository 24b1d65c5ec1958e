/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file attribution.h
 * @brief Attribution: which channels (or touchpoints, stages...) earn the
 * conversions and their value.
 *
 * Attribution works on a **path set** (::tp_paths): the distinct paths to
 * conversion, each an ordered list of items (channel ids, touchpoint
 * ids...) with the number of journeys that followed it and converted
 * (*conversions*), that followed it and did not (*nulls*), and the
 * conversion value they brought. Items are interned: each distinct name
 * gets an integer id, numbered from 0 in the order of first appearance,
 * and results list the items in that order.
 *
 * A path set is filled in one of two ways:
 * - from a **path table**, the CSV file that ChannelAttribution users keep
 *   (`path,conversions,nulls,value` with paths written `a > b > c`), with
 *   tp_paths_load_csv_file(); such paths carry no times;
 * - path by path with tp_paths_add(), which takes item names or ids and,
 *   optionally, the time of every touch and of the conversion. The journey
 *   store cuts journeys into such *timed* paths. Only timed paths allow the
 *   time-decay model.
 *
 * Path sets are mergeable: tp_paths_merge() adds one into another, so a
 * large input can be cut into parts, each part turned into a path set
 * (possibly in its own thread) and the parts merged before the models run.
 *
 * Every model then runs with tp_attribution_compute() and gives a
 * ::tp_attribution result: per item the attributed conversions, the
 * attributed value and the share of conversions, and for the Markov model
 * the removal effects and, on request, the transition matrix. For every
 * model the attributed conversions add up to the input's conversions and
 * the attributed values to the input's value.
 *
 * The models (exact definitions in docs/attribution.md):
 * - #TP_ATTRIBUTION_FIRST, #TP_ATTRIBUTION_LAST: all credit to the first or
 *   the last touch;
 * - #TP_ATTRIBUTION_LAST_NON_DIRECT: all credit to the last touch that is
 *   not the excluded item (default `Direct`, compared ignoring ASCII case);
 *   a path made only of excluded touches credits its last touch;
 * - #TP_ATTRIBUTION_LINEAR: equal shares per touch, repeated touches
 *   counting each time;
 * - #TP_ATTRIBUTION_TIME_DECAY: shares proportional to
 *   2^(-Δt / half-life), Δt the time from the touch to the conversion;
 *   needs timed paths;
 * - #TP_ATTRIBUTION_POSITION: 40% first, 40% last, 20% over the middle
 *   touches (configurable); one touch gets everything, two touches split
 *   first : last;
 * - #TP_ATTRIBUTION_MARKOV: Markov chain of order 1 to 4 over states made
 *   of the last k items (consecutive repeats merged), removal effects from
 *   the exact solution of the absorbing chain;
 * - #TP_ATTRIBUTION_SHAPLEY: Shapley values of the game whose coalition
 *   worth is the sum of the conversion rates of the channel sets it
 *   contains, exact over all coalitions;
 * - #TP_ATTRIBUTION_SHAPLEY_SIMPLE: each converting path's credit split
 *   equally over its distinct items.
 *
 * Options. The models read their settings from a ::tp_attribution_options
 * struct that starts with its own size and has an initializer macro,
 * rather than from zstd-style setParameter(enum, int) calls: the settings
 * are few and of mixed types (a string, shares, a duration, an order),
 * all read by one call, and a typed struct lets the compiler check them.
 * The size field lets later versions append fields without breaking
 * callers compiled against this header.
 *
 * Thread-safety: a ::tp_paths belongs to one thread while it is being
 * filled; once filled, any number of threads may compute models on it at
 * once (tp_attribution_compute() only reads it). A ::tp_attribution is
 * immutable and may be read from any thread.
 */
#ifndef TOUCHPOINT_ATTRIBUTION_H
#define TOUCHPOINT_ATTRIBUTION_H

#include <stddef.h>
#include <stdint.h>
#include <touchpoint/status.h>
#include <touchpoint/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An attribution model. */
typedef enum tp_attribution_model {
	TP_ATTRIBUTION_UNKNOWN = 0,          /**< Not a model. */
	TP_ATTRIBUTION_FIRST = 1,            /**< `first`: first touch. */
	TP_ATTRIBUTION_LAST = 2,             /**< `last`: last touch. */
	TP_ATTRIBUTION_LAST_NON_DIRECT = 3,  /**< `last_non_direct`: last touch that is not the excluded item. */
	TP_ATTRIBUTION_LINEAR = 4,           /**< `linear`: equal shares per touch. */
	TP_ATTRIBUTION_TIME_DECAY = 5,       /**< `time_decay`: shares halving every half-life before the conversion. */
	TP_ATTRIBUTION_POSITION = 6,         /**< `position`: 40/20/40 position-based. */
	TP_ATTRIBUTION_MARKOV = 7,           /**< `markov`: removal effects of a Markov chain. */
	TP_ATTRIBUTION_SHAPLEY = 8,          /**< `shapley`: exact Shapley values. */
	TP_ATTRIBUTION_SHAPLEY_SIMPLE = 9    /**< `shapley_simple`: credit split over a path's distinct items. */
} tp_attribution_model;

/** The highest ::tp_attribution_model value of this version of the headers. */
#define TP_ATTRIBUTION_MODEL_LAST TP_ATTRIBUTION_SHAPLEY_SIMPLE

/** What the items of a path set are: the dimension journeys were cut by. */
typedef enum tp_attribution_by {
	TP_ATTRIBUTION_BY_UNKNOWN = 0,        /**< `unknown`: not said. */
	TP_ATTRIBUTION_BY_CHANNEL = 1,        /**< `channel` */
	TP_ATTRIBUTION_BY_CHANNEL_GROUP = 2,  /**< `channel_group` */
	TP_ATTRIBUTION_BY_TOUCHPOINT = 3,     /**< `touchpoint` */
	TP_ATTRIBUTION_BY_STAGE = 4,          /**< `stage` */
	TP_ATTRIBUTION_BY_SOURCE = 5          /**< `source` */
} tp_attribution_by;

/** The highest ::tp_attribution_by value of this version of the headers. */
#define TP_ATTRIBUTION_BY_LAST TP_ATTRIBUTION_BY_SOURCE

/** The highest Markov order the library computes. */
#define TP_ATTRIBUTION_MAX_ORDER 4

/**
 * The stable name of a model, such as "last_non_direct".
 *
 * @param model A model.
 * @return A static string, or NULL for #TP_ATTRIBUTION_UNKNOWN and values
 *         out of range.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_attribution_model_name(tp_attribution_model model);

/**
 * Find a model by name, ignoring ASCII case.
 *
 * @param name A name such as "markov".
 * @param[out] out The model, set only on success.
 * @return #TP_OK, #TP_ENOTFOUND for an unknown name, #TP_EINVAL for NULL
 *         arguments.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_attribution_model_parse(const char *name,
				     tp_attribution_model *out);

/**
 * The stable name of a path dimension, such as "channel_group".
 *
 * @param by A dimension.
 * @return A static string ("unknown" for #TP_ATTRIBUTION_BY_UNKNOWN), or
 *         NULL for values out of range.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_attribution_by_name(tp_attribution_by by);

/**
 * Find a path dimension by name, ignoring ASCII case.
 *
 * @param name A name such as "touchpoint".
 * @param[out] out The dimension, set only on success.
 * @return #TP_OK, #TP_ENOTFOUND for an unknown name, #TP_EINVAL for NULL
 *         arguments.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_attribution_by_parse(const char *name, tp_attribution_by *out);

/* ------------------------------------------------------------------ */
/* Path sets                                                           */
/* ------------------------------------------------------------------ */

/** A set of distinct paths with their counts and value (opaque). */
typedef struct tp_paths tp_paths;

/**
 * One path to add to a path set. Start from #TP_PATH_INIT so that
 * @ref tp_path::size is set; fields may be appended in later versions.
 *
 * Give the touches either by name (@ref tp_path::items) or by the ids that
 * tp_paths_intern() returned (@ref tp_path::item_ids). A timed path also gives the
 * time of every touch (@ref tp_path::times) and of the conversion
 * (@ref tp_path::conversion_time), in milliseconds since the epoch as
 * tp_timestamp_parse() returns them.
 */
typedef struct tp_path {
	size_t size;                /**< sizeof(tp_path), set by the INIT macro. */
	const char *const *items;   /**< @ref n_items NUL-terminated UTF-8 names, or NULL to use @ref item_ids. */
	const uint32_t *item_ids;   /**< @ref n_items ids from tp_paths_intern(); read when @ref items is NULL. */
	size_t n_items;             /**< Number of touches, at least 1. */
	const int64_t *times;       /**< NULL for an untimed path, else @ref n_items non-decreasing touch times (ms). */
	int64_t conversion_time;    /**< Time of the conversion (ms), not before the last touch; read when @ref times is set and @ref conversions > 0. */
	double conversions;         /**< Journeys on this path that converted (>= 0, may be fractional). */
	double nulls;               /**< Journeys on this path that did not convert (>= 0). */
	double value;               /**< Total value of those conversions (>= 0; must be 0 when @ref conversions is 0). */
} tp_path;

/** Initializer for ::tp_path. */
#define TP_PATH_INIT { sizeof(tp_path), NULL, NULL, 0, NULL, 0, 0.0, 0.0, 0.0 }

/**
 * Set a path to add to the defaults of #TP_PATH_INIT, for callers that cannot use the
 * macro (FFI bindings).
 *
 * @param[out] out The struct to fill; NULL does nothing.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
void tp_path_init(tp_path *out);

/**
 * Create an empty path set.
 *
 * @param by What the items are (a label carried into the results; merging
 *        requires equal labels). #TP_ATTRIBUTION_BY_UNKNOWN is allowed.
 * @param[out] out The path set, to be freed with tp_paths_free().
 * @return #TP_OK, #TP_EINVAL when @p out is NULL or @p by is out of range,
 *         #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_paths_new(tp_attribution_by by, tp_paths **out);

/**
 * Free a path set.
 *
 * @param paths The path set; NULL does nothing.
 * @since 1.0
 * Thread-safety: the path set belongs to one thread at a time.
 */
void tp_paths_free(tp_paths *paths);

/**
 * What the items of a path set are.
 *
 * @param paths The path set.
 * @return The label given to tp_paths_new(); #TP_ATTRIBUTION_BY_UNKNOWN for
 *         NULL.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
tp_attribution_by tp_paths_by(const tp_paths *paths);

/**
 * Intern an item name: return its id, adding it when it is new. Adding
 * paths by id (tp_path::item_ids) saves a hash lookup per touch for a
 * caller that keeps its own table of names, such as the journey store.
 *
 * @param paths The path set.
 * @param name The name, UTF-8, not empty; need not be NUL-terminated.
 * @param len Its length in bytes.
 * @param[out] id The item's id.
 * @return #TP_OK, #TP_EINVAL for NULL arguments or an empty name,
 *         #TP_EUTF8 for a name that is not UTF-8, #TP_ERANGE past 2^32 - 2
 *         items, #TP_ENOMEM (the set is then unchanged).
 * @since 1.0
 * Thread-safety: the path set belongs to one thread at a time.
 */
tp_status tp_paths_intern(tp_paths *paths, const char *name, size_t len,
			  uint32_t *id);

/**
 * Add a path. When the same sequence of items was added before, the
 * counts and value are added to it; a timed path also keeps its times for
 * the time-decay model. Either the whole path is added or nothing is.
 *
 * @param paths The path set.
 * @param path The path; `path->size` must be set (use #TP_PATH_INIT).
 * @param err Receives a description of a refused path; may be NULL.
 * @return #TP_OK; #TP_EINVAL for NULL arguments, no touches, an unknown id,
 *         an empty name, negative or non-finite counts or value, value
 *         without conversions, times that go backwards or a conversion
 *         before the last touch; #TP_EUTF8 for a name that is not UTF-8;
 *         #TP_ERANGE past 2^32 - 2 items or paths; #TP_ENOMEM (the set is
 *         then unchanged).
 * @since 1.0
 * Thread-safety: the path set belongs to one thread at a time.
 */
tp_status tp_paths_add(tp_paths *paths, const tp_path *path, tp_error *err);

/**
 * Add every path of @p from into @p into, as if each had been added with
 * tp_paths_add() (items are matched by name, timed paths keep their
 * times). Either everything is added or nothing is.
 *
 * @param into The path set that grows.
 * @param from The path set to add; unchanged. It must not be @p into.
 * @return #TP_OK, #TP_EINVAL for NULL arguments or @p from == @p into,
 *         #TP_EMISMATCH when the two sets have different tp_paths_by()
 *         labels, #TP_ERANGE past 2^32 - 2 items or paths, #TP_ENOMEM
 *         (@p into is then unchanged).
 * @since 1.0
 * Thread-safety: @p into belongs to one thread; @p from must not be
 * modified meanwhile.
 */
tp_status tp_paths_merge(tp_paths *into, const tp_paths *from);

/**
 * Options of the path-table (CSV) reader. Start from
 * #TP_PATH_TABLE_OPTIONS_INIT; a NULL string means the default.
 *
 * The path and conversions columns are required. The nulls and value
 * columns are optional when left at their default names (a missing one
 * counts as 0 on every row) and required when named explicitly.
 */
typedef struct tp_path_table_options {
	size_t size;                     /**< sizeof(tp_path_table_options), set by the INIT macro. */
	const char *separator;           /**< Between the items of a path; NULL: `" > "`. Items are trimmed of spaces and tabs. */
	const char *path_column;         /**< Header of the path column; NULL: `path`. */
	const char *conversions_column;  /**< Header of the conversions column; NULL: `conversions`. */
	const char *nulls_column;        /**< Header of the non-conversions column; NULL: `nulls`. */
	const char *value_column;        /**< Header of the value column; NULL: `value`. */
	tp_attribution_by by;            /**< Label of the items (tp_paths_by()). */
} tp_path_table_options;

/** Initializer for ::tp_path_table_options: defaults, items labelled channels. */
#define TP_PATH_TABLE_OPTIONS_INIT { sizeof(tp_path_table_options), NULL, NULL, \
	NULL, NULL, NULL, TP_ATTRIBUTION_BY_CHANNEL }

/**
 * Set path-table reading options to the defaults of #TP_PATH_TABLE_OPTIONS_INIT, for callers that cannot use the
 * macro (FFI bindings).
 *
 * @param[out] out The struct to fill; NULL does nothing.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
void tp_path_table_options_init(tp_path_table_options *out);

/**
 * Read a path table (CSV, RFC 4180) into a new path set.
 *
 * The first record is the header; header names are matched ignoring ASCII
 * case and surrounding spaces, other columns are ignored. Every following
 * record is a path row; empty lines are skipped. Fields may be quoted
 * (`"a, b > c"`, `""` for a quote inside) and may then span lines. Lines
 * end with LF or CRLF; a UTF-8 byte-order mark at the start is skipped.
 * Numbers are decimal (`2`, `0.5`, `1e3`), not negative.
 *
 * Every faulty record is reported (up to the error object's limit) with
 * the file, the 1-based line and the 1-based byte column of the faulty
 * field, quote or item; when there is a fault no path set is returned.
 * Otherwise every data record went into the set
 * (tp_paths_row_count() gives their number).
 *
 * @param filename The file, also used as source name in errors.
 * @param options Reader options, or NULL for the defaults.
 * @param[out] out The path set, to be freed with tp_paths_free().
 * @param err Receives every fault; may be NULL.
 * @return #TP_OK; #TP_EIO when the file cannot be read; #TP_ESYNTAX for
 *         broken quoting; #TP_ESCHEMA for a missing or repeated column, a
 *         wrong number of fields, an empty path or item, a bad number;
 *         #TP_EUTF8; #TP_EINVAL for NULL arguments or bad options;
 *         #TP_ENOMEM. With several faults, the code of the first.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_paths_load_csv_file(const char *filename,
				 const tp_path_table_options *options,
				 tp_paths **out, tp_error *err);

/**
 * Read a path table from memory; see tp_paths_load_csv_file().
 *
 * @param text The CSV text; it need not be NUL-terminated.
 * @param len Its length in bytes.
 * @param source Name for error messages; NULL gives "<string>".
 * @param options Reader options, or NULL for the defaults.
 * @param[out] out The path set, to be freed with tp_paths_free().
 * @param err Receives every fault; may be NULL.
 * @return As tp_paths_load_csv_file(), without #TP_EIO.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_paths_load_csv_string(const char *text, size_t len,
				   const char *source,
				   const tp_path_table_options *options,
				   tp_paths **out, tp_error *err);

/**
 * Number of distinct paths.
 *
 * @param paths The path set; NULL gives 0.
 * @return The count. Paths are numbered from 0 in the order they first
 *         appeared.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
size_t tp_paths_count(const tp_paths *paths);

/**
 * Number of rows added: tp_paths_add() calls, path-table records, and
 * the rows of merged sets.
 *
 * @param paths The path set; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
size_t tp_paths_row_count(const tp_paths *paths);

/**
 * Whether the time-decay model can run: every path added with conversions
 * carried times.
 *
 * @param paths The path set.
 * @return 1 when timed (also when nothing converted), 0 when some
 *         converting path has no times or @p paths is NULL.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
int tp_paths_timed(const tp_paths *paths);

/**
 * Number of distinct items.
 *
 * @param paths The path set; NULL gives 0.
 * @return The count; items are numbered from 0.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
size_t tp_paths_item_count(const tp_paths *paths);

/**
 * The name of an item.
 *
 * @param paths The path set.
 * @param id The item's id.
 * @return A NUL-terminated string owned by the path set, valid until it
 *         is modified or freed; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
const char *tp_paths_item_name(const tp_paths *paths, size_t id);

/**
 * Find an item by name (exact match).
 *
 * @param paths The path set.
 * @param name The name.
 * @return The id (>= 0), #TP_ENOTFOUND, or #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
int64_t tp_paths_find_item(const tp_paths *paths, const char *name);

/**
 * Number of touches of a distinct path.
 *
 * @param paths The path set.
 * @param index The path's number.
 * @return The length; 0 when out of range.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
size_t tp_paths_path_length(const tp_paths *paths, size_t index);

/**
 * One touch of a distinct path.
 *
 * @param paths The path set.
 * @param index The path's number.
 * @param position The touch's position, from 0.
 * @return The item id (>= 0), or #TP_EINVAL when out of range.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
int64_t tp_paths_path_item(const tp_paths *paths, size_t index,
			   size_t position);

/**
 * The conversions of a distinct path, summed over the rows that gave it.
 *
 * @param paths The path set.
 * @param index The path's number.
 * @return The conversions; 0 when out of range.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
double tp_paths_path_conversions(const tp_paths *paths, size_t index);

/**
 * The non-conversions (nulls) of a distinct path.
 *
 * @param paths The path set.
 * @param index The path's number.
 * @return The nulls; 0 when out of range.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
double tp_paths_path_nulls(const tp_paths *paths, size_t index);

/**
 * The conversion value of a distinct path.
 *
 * @param paths The path set.
 * @param index The path's number.
 * @return The value; 0 when out of range.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
double tp_paths_path_value(const tp_paths *paths, size_t index);

/**
 * Total conversions over all paths.
 *
 * @param paths The path set; NULL gives 0.
 * @return The total.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
double tp_paths_total_conversions(const tp_paths *paths);

/**
 * Total non-conversions over all paths.
 *
 * @param paths The path set; NULL gives 0.
 * @return The total.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
double tp_paths_total_nulls(const tp_paths *paths);

/**
 * Total conversion value over all paths.
 *
 * @param paths The path set; NULL gives 0.
 * @return The total.
 * @since 1.0
 * Thread-safety: safe while no thread modifies the path set.
 */
double tp_paths_total_value(const tp_paths *paths);

/* ------------------------------------------------------------------ */
/* Models and results                                                  */
/* ------------------------------------------------------------------ */

/** The result of one model on one path set (opaque, immutable). */
typedef struct tp_attribution tp_attribution;

/**
 * Settings of the models. Start from #TP_ATTRIBUTION_OPTIONS_INIT, which
 * holds the defaults; each model reads only its own fields.
 */
typedef struct tp_attribution_options {
	size_t size;            /**< sizeof(tp_attribution_options), set by the INIT macro. */
	const char *excluded;   /**< last_non_direct: the item to skip, compared ignoring ASCII case; NULL: `Direct`. */
	int64_t half_life_ms;   /**< time_decay: the half-life in milliseconds, > 0; default 7 days. */
	double first_share;     /**< position: share of the first touch, default 0.4. */
	double last_share;      /**< position: share of the last touch, default 0.4; first + last <= 1, the rest goes to the middle. */
	int order;              /**< markov: the order, 1 to #TP_ATTRIBUTION_MAX_ORDER; default 1. */
	int transitions;        /**< markov: non-zero keeps the transition matrix in the result. */
} tp_attribution_options;

/** Initializer for ::tp_attribution_options: the defaults. */
#define TP_ATTRIBUTION_OPTIONS_INIT { sizeof(tp_attribution_options), NULL, \
	(int64_t)7 * 24 * 3600 * 1000, 0.4, 0.4, 1, 0 }

/**
 * Set attribution options to the defaults of #TP_ATTRIBUTION_OPTIONS_INIT, for callers that cannot use the
 * macro (FFI bindings).
 *
 * @param[out] out The struct to fill; NULL does nothing.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
void tp_attribution_options_init(tp_attribution_options *out);

/**
 * Run a model on a path set.
 *
 * The computation is deterministic: the same path set (items added in the
 * same order) gives bit-identical results. The Markov model solves the
 * absorbing chain's linear systems exactly (Gaussian elimination with
 * partial pivoting up to 300 transient states, Gauss-Seidel iteration to a
 * relative error estimate of 1e-13 above), never by simulation.
 *
 * @param paths The path set; only read.
 * @param model The model.
 * @param options Settings, or NULL for the defaults.
 * @param[out] out The result, to be freed with tp_attribution_free().
 * @param err Receives a description of a refusal; may be NULL.
 * @return #TP_OK; #TP_EINVAL for NULL arguments, an unknown model or
 *         out-of-range options (order, shares, half-life); #TP_EEMPTY for
 *         time decay on a path set whose converting paths have no times
 *         (a path table); #TP_ERANGE when an iterative solve does not
 *         converge; #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe from any number of threads on the same path set,
 * as long as no thread modifies it.
 */
tp_status tp_attribution_compute(const tp_paths *paths,
				 tp_attribution_model model,
				 const tp_attribution_options *options,
				 tp_attribution **out, tp_error *err);

/**
 * Free a result.
 *
 * @param result The result; NULL does nothing.
 * @since 1.0
 * Thread-safety: once, from any thread, when no thread reads it.
 */
void tp_attribution_free(tp_attribution *result);

/**
 * The model that made a result.
 *
 * @param result The result.
 * @return The model; #TP_ATTRIBUTION_UNKNOWN for NULL.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
tp_attribution_model tp_attribution_get_model(const tp_attribution *result);

/**
 * What the items of a result are (the path set's label).
 *
 * @param result The result.
 * @return The label; #TP_ATTRIBUTION_BY_UNKNOWN for NULL.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
tp_attribution_by tp_attribution_get_by(const tp_attribution *result);

/**
 * The Markov order of a result.
 *
 * @param result The result.
 * @return The order for a Markov result; 0 for other models and NULL.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
int tp_attribution_get_order(const tp_attribution *result);

/**
 * Total conversions of the input, which the items' conversions add up to.
 *
 * @param result The result; NULL gives 0.
 * @return The total.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
double tp_attribution_total_conversions(const tp_attribution *result);

/**
 * Total value of the input, which the items' values add up to.
 *
 * @param result The result; NULL gives 0.
 * @return The total.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
double tp_attribution_total_value(const tp_attribution *result);

/**
 * The Markov chain's probability that a journey converts (2/5 in the
 * worked example of docs/attribution.md).
 *
 * @param result The result.
 * @return The probability for a Markov result; NAN for other models and
 *         NULL.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
double tp_attribution_conversion_probability(const tp_attribution *result);

/**
 * Number of items in a result: every item of the path set, in id order.
 *
 * @param result The result; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
size_t tp_attribution_item_count(const tp_attribution *result);

/**
 * The name of an item.
 *
 * @param result The result.
 * @param index The item's index (its id in the path set).
 * @return A string owned by the result; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
const char *tp_attribution_item_id(const tp_attribution *result,
				   size_t index);

/**
 * The conversions attributed to an item.
 *
 * @param result The result.
 * @param index The item's index.
 * @return The conversions; NAN when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
double tp_attribution_conversions(const tp_attribution *result, size_t index);

/**
 * The conversion value attributed to an item.
 *
 * @param result The result.
 * @param index The item's index.
 * @return The value; NAN when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
double tp_attribution_value(const tp_attribution *result, size_t index);

/**
 * An item's share of the attributed conversions, from 0 to 1.
 *
 * @param result The result.
 * @param index The item's index.
 * @return The share (0 when nothing converted); NAN when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
double tp_attribution_share(const tp_attribution *result, size_t index);

/**
 * The Markov removal effect of an item on the conversion probability:
 * 1 − P(conversion without the item) / P(conversion).
 *
 * @param result The result.
 * @param index The item's index.
 * @return The removal effect (0 when nothing converted); NAN for other
 *         models and out of range.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
double tp_attribution_removal_effect(const tp_attribution *result,
				     size_t index);

/**
 * The Markov removal effect of an item on the expected converted value:
 * 1 − V(without the item) / V.
 *
 * @param result The result.
 * @param index The item's index.
 * @return The removal effect (0 when there is no value); NAN for other
 *         models and out of range.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
double tp_attribution_value_removal_effect(const tp_attribution *result,
					   size_t index);

/**
 * Number of states of a kept Markov transition matrix (see
 * tp_attribution_options::transitions). States 0, 1 and 2 are
 * `(start)`, `(conversion)` and `(null)`; the others are the chain's
 * states, named by their items joined with `" > "`.
 *
 * @param result The result.
 * @return The count; 0 when no matrix was kept or @p result is NULL.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
size_t tp_attribution_state_count(const tp_attribution *result);

/**
 * The name of a state of the transition matrix.
 *
 * @param result The result.
 * @param index The state's index.
 * @return A string owned by the result; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
const char *tp_attribution_state_name(const tp_attribution *result,
				      size_t index);

/**
 * Number of non-zero transitions of a kept transition matrix.
 *
 * @param result The result.
 * @return The count; 0 when no matrix was kept or @p result is NULL.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
size_t tp_attribution_transition_count(const tp_attribution *result);

/**
 * One transition of a kept matrix. Transitions are sorted by source state,
 * then target state.
 *
 * @param result The result.
 * @param index The transition's index.
 * @param[out] from The source state's index; may be NULL.
 * @param[out] to The target state's index; may be NULL.
 * @param[out] weight The observed weight (conversions + nulls of the
 *        journeys that made it); may be NULL.
 * @param[out] probability The transition probability; may be NULL.
 * @return #TP_OK, #TP_EINVAL when @p result is NULL or @p index out of
 *         range.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
tp_status tp_attribution_transition(const tp_attribution *result,
				    size_t index, size_t *from, size_t *to,
				    double *weight, double *probability);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_ATTRIBUTION_H */
