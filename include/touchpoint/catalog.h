/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file catalog.h
 * @brief The catalog: the channels, touchpoints, funnel stages and funnels
 * of a business.
 *
 * A catalog is the list the source texts ask a business to write first:
 * every channel (the medium: e-mail, physical store...), every touchpoint
 * (the moment of contact: welcome e-mail, checkout, satisfaction survey...)
 * with its channel, its default funnel stage and its dimensions (see
 * taxonomy.h), the funnel stages with their phase, and the funnels, each an
 * ordered list of stages.
 *
 * Every item has an id, a stable lowercase slug (`[a-z][a-z0-9_]*`, at most
 * 64 bytes) such as `email`, `welcome_email` or `discovery`, and a display
 * name. Items of one kind are numbered from 0 in the order they were added;
 * the accessors take that index, and the find functions turn an id into it.
 *
 * A catalog is built with a ::tp_catalog_builder, loaded from JSON
 * (docs/catalog-format.md, docs/catalog.schema.json), or taken from the
 * built-in default (tp_catalog_default()), which covers every channel,
 * touchpoint and funnel the source texts name (listed in docs/catalog.md;
 * the concepts are explained in docs/concepts.md).
 *
 * Thread-safety: a finished ::tp_catalog is immutable; any number of
 * threads may read it at once. Objects compiled against a catalog (rule
 * sets, classifiers) keep it alive, so it may be freed before them. A
 * ::tp_catalog_builder belongs to one thread at a time.
 */
#ifndef TOUCHPOINT_CATALOG_H
#define TOUCHPOINT_CATALOG_H

#include <stddef.h>
#include <touchpoint/status.h>
#include <touchpoint/error.h>
#include <touchpoint/taxonomy.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A finished, immutable catalog (opaque). */
typedef struct tp_catalog tp_catalog;
/** A catalog under construction (opaque). */
typedef struct tp_catalog_builder tp_catalog_builder;

/**
 * A channel to add to a builder. Start from #TP_CHANNEL_DEF_INIT so that
 * tp_channel_def::size is set; fields may be appended in later versions.
 */
typedef struct tp_channel_def {
	size_t size;           /**< sizeof(tp_channel_def), set by the INIT macro. */
	const char *id;        /**< Slug, required. */
	const char *name;      /**< Display name; NULL uses the id. */
	tp_channel_kind kind;  /**< Digital or physical. */
} tp_channel_def;

/** Initializer for ::tp_channel_def. */
#define TP_CHANNEL_DEF_INIT { sizeof(tp_channel_def), NULL, NULL, TP_CHANNEL_KIND_UNKNOWN }

/** A funnel stage to add to a builder. Start from #TP_STAGE_DEF_INIT. */
typedef struct tp_stage_def {
	size_t size;       /**< sizeof(tp_stage_def), set by the INIT macro. */
	const char *id;    /**< Slug, required. */
	const char *name;  /**< Display name; NULL uses the id. */
	tp_phase phase;    /**< The phase the stage belongs to. */
} tp_stage_def;

/** Initializer for ::tp_stage_def. */
#define TP_STAGE_DEF_INIT { sizeof(tp_stage_def), NULL, NULL, TP_PHASE_UNKNOWN }

/** A touchpoint to add to a builder. Start from #TP_TOUCHPOINT_DEF_INIT. */
typedef struct tp_touchpoint_def {
	size_t size;               /**< sizeof(tp_touchpoint_def), set by the INIT macro. */
	const char *id;            /**< Slug, required. */
	const char *name;          /**< Display name; NULL uses the id. */
	const char *channel;       /**< Id of its usual channel, required. */
	const char *stage;         /**< Id of its default stage, or NULL. */
	tp_phase phase;            /**< Phase; unknown takes the stage's phase. */
	tp_initiator initiator;                /**< Who starts the contact. */
	tp_personalization personalization;    /**< Personalized or mass. */
	tp_intent intent;                      /**< Proactive or reactive. */
	tp_control control;                    /**< Intentional or not. */
	tp_agent agent;                        /**< Human or machine. */
	tp_business_model business_model;      /**< B2B, B2C or unknown (both). */
} tp_touchpoint_def;

/** Initializer for ::tp_touchpoint_def. */
#define TP_TOUCHPOINT_DEF_INIT { sizeof(tp_touchpoint_def), NULL, NULL, NULL, NULL, \
	TP_PHASE_UNKNOWN, TP_INITIATOR_UNKNOWN, TP_PERSONALIZATION_UNKNOWN, \
	TP_INTENT_UNKNOWN, TP_CONTROL_UNKNOWN, TP_AGENT_UNKNOWN, TP_BUSINESS_MODEL_UNKNOWN }

/**
 * Create an empty catalog builder.
 *
 * @param[out] out The builder, to be freed with tp_catalog_builder_free().
 * @return #TP_OK, #TP_EINVAL when @p out is NULL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_catalog_builder_new(tp_catalog_builder **out);

/**
 * Free a builder and everything added to it.
 *
 * @param builder The builder; NULL does nothing.
 * @since 1.0
 * Thread-safety: the builder belongs to one thread at a time.
 */
void tp_catalog_builder_free(tp_catalog_builder *builder);

/**
 * Add a channel. The strings are copied. Ids, names and references are
 * checked by tp_catalog_builder_finish(), which reports every fault.
 *
 * @param builder The builder.
 * @param def The channel; `def->size` must be set (use the INIT macro).
 * @return #TP_OK, #TP_EINVAL for NULL arguments or a NULL id, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: the builder belongs to one thread at a time.
 */
tp_status tp_catalog_builder_add_channel(tp_catalog_builder *builder,
					 const tp_channel_def *def);

/**
 * Add a funnel stage. The strings are copied.
 *
 * @param builder The builder.
 * @param def The stage; `def->size` must be set (use the INIT macro).
 * @return #TP_OK, #TP_EINVAL for NULL arguments or a NULL id, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: the builder belongs to one thread at a time.
 */
tp_status tp_catalog_builder_add_stage(tp_catalog_builder *builder,
				       const tp_stage_def *def);

/**
 * Add a touchpoint. The strings are copied; the channel and stage may be
 * added later, they are resolved by tp_catalog_builder_finish().
 *
 * @param builder The builder.
 * @param def The touchpoint; `def->size` must be set (use the INIT macro).
 * @return #TP_OK, #TP_EINVAL for NULL arguments or a NULL id, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: the builder belongs to one thread at a time.
 */
tp_status tp_catalog_builder_add_touchpoint(tp_catalog_builder *builder,
					    const tp_touchpoint_def *def);

/**
 * Add a funnel: an ordered list of stage ids. The strings are copied.
 *
 * @param builder The builder.
 * @param id Slug of the funnel.
 * @param name Display name; NULL uses the id.
 * @param stage_ids The stages in funnel order; may be NULL when
 *        @p n_stages is 0 (an empty funnel is refused by finish).
 * @param n_stages Number of stages.
 * @return #TP_OK, #TP_EINVAL for NULL arguments, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: the builder belongs to one thread at a time.
 */
tp_status tp_catalog_builder_add_funnel(tp_catalog_builder *builder,
					const char *id, const char *name,
					const char *const *stage_ids,
					size_t n_stages);

/**
 * Validate what was added and make an immutable catalog of it.
 *
 * Every fault is appended to @p err with the JSON path that the item would
 * have in the catalog format (`$.touchpoints[4].channel`): malformed or
 * duplicate ids, unknown channel or stage references, empty funnels, a
 * stage listed twice in one funnel, out-of-range enum values. On success
 * the builder is emptied and may be reused.
 *
 * @param builder The builder.
 * @param[out] out The catalog, to be freed with tp_catalog_free().
 * @param err Receives the faults; may be NULL.
 * @return #TP_OK; the code of the first fault (#TP_ESCHEMA, #TP_EEXIST,
 *         #TP_ENOTFOUND); #TP_EINVAL for NULL arguments; #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: the builder belongs to one thread at a time.
 */
tp_status tp_catalog_builder_finish(tp_catalog_builder *builder,
				    tp_catalog **out, tp_error *err);

/**
 * The built-in default catalog: every channel and touchpoint listed in
 * docs/catalog.md, the funnels `seven_stage`, `four_step`, `b2b` and
 * `b2c`, every stage mapped to a phase. It is data/catalog/default.json,
 * compiled into the library; no file is read. Each call returns a new,
 * independent catalog made with the current allocator.
 *
 * @param[out] out A new reference, to be freed with tp_catalog_free().
 * @param err Receives a fault (only possible when memory is exhausted);
 *        may be NULL.
 * @return #TP_OK, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_catalog_default(tp_catalog **out, tp_error *err);

/**
 * Load a catalog from a JSON file (format: docs/catalog-format.md).
 *
 * The load is strict. First the shape is checked: unknown members, wrong
 * JSON types and enum names that are not exactly one of the lowercase
 * names of taxonomy.h are faults, all of them reported. Only when the
 * shape is right are the ids and references checked, as
 * tp_catalog_builder_finish() does. Absent members take their defaults
 * (no items, the id as name, "unknown" dimensions, no stage).
 *
 * @param path The file name, also used as source name in errors.
 * @param[out] out The catalog, to be freed with tp_catalog_free().
 * @param err Receives every fault with file, line, column and JSON path;
 *        may be NULL.
 * @return #TP_OK, #TP_EIO, #TP_ESYNTAX, #TP_ESCHEMA, #TP_EEXIST,
 *         #TP_ENOTFOUND, #TP_EUTF8, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_catalog_load_file(const char *path, tp_catalog **out,
			       tp_error *err);

/**
 * Load a catalog from JSON text in memory.
 *
 * @param text The JSON text; it need not be NUL-terminated.
 * @param len Its length in bytes.
 * @param source Name for error messages; NULL gives "<string>".
 * @param[out] out The catalog, to be freed with tp_catalog_free().
 * @param err Receives every fault, as tp_catalog_load_file() does; may be
 *        NULL.
 * @return As tp_catalog_load_file(), without #TP_EIO. On failure @p out
 *         is set to NULL.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_catalog_load_string(const char *text, size_t len,
				 const char *source, tp_catalog **out,
				 tp_error *err);

/**
 * Write a catalog as JSON text that tp_catalog_load_string() reads back
 * to an equal catalog (tp_catalog_equal()).
 *
 * Every member is written, unknown dimensions as "unknown" and a missing
 * stage as null, one item per line, in the order of the catalog; the
 * same catalog always gives the same bytes.
 *
 * @param catalog The catalog.
 * @param[out] out NUL-terminated text, to be freed with tp_free().
 * @param[out] len Its length without the NUL; may be NULL.
 * @return #TP_OK, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe; the catalog is only read.
 */
tp_status tp_catalog_save_string(const tp_catalog *catalog, char **out,
				 size_t *len);

/**
 * Write a catalog as JSON to a file, replacing it.
 *
 * @param catalog The catalog.
 * @param path The file name.
 * @param err Receives a fault with the file name; may be NULL.
 * @return #TP_OK, #TP_EIO, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe; the catalog is only read.
 */
tp_status tp_catalog_save_file(const tp_catalog *catalog, const char *path,
			       tp_error *err);

/**
 * Compare two catalogs item by item (ids, names, references, dimensions,
 * funnels), in order.
 *
 * @param a A catalog.
 * @param b A catalog.
 * @return 1 when equal, 0 when not or when either is NULL.
 * @since 1.0
 * Thread-safety: safe; the catalogs are only read.
 */
int tp_catalog_equal(const tp_catalog *a, const tp_catalog *b);

/**
 * Take another reference to a catalog, for a caller that holds one it
 * does not own (from tp_classifier_catalog(), say) and wants to keep it.
 *
 * @param catalog The catalog.
 * @return @p catalog, with one more reference that the caller releases
 *         with tp_catalog_free(); NULL for NULL.
 * @since 1.0
 * Thread-safety: safe from any thread.
 */
tp_catalog *tp_catalog_ref(const tp_catalog *catalog);

/**
 * Release the caller's reference to a catalog. The catalog is freed when
 * no compiled object (rule set, classifier) uses it any more.
 *
 * @param catalog The catalog; NULL does nothing.
 * @since 1.0
 * Thread-safety: safe from any thread, once per reference.
 */
void tp_catalog_free(tp_catalog *catalog);

/**
 * Number of channels.
 * @param catalog The catalog; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
size_t tp_catalog_channel_count(const tp_catalog *catalog);

/**
 * Id of a channel.
 * @param catalog The catalog.
 * @param index The channel's index.
 * @return A string owned by the catalog; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
const char *tp_catalog_channel_id(const tp_catalog *catalog, size_t index);

/**
 * Display name of a channel.
 * @param catalog The catalog.
 * @param index The channel's index.
 * @return A string owned by the catalog; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
const char *tp_catalog_channel_name(const tp_catalog *catalog, size_t index);

/**
 * Kind (digital or physical) of a channel.
 * @param catalog The catalog.
 * @param index The channel's index.
 * @return The kind; #TP_CHANNEL_KIND_UNKNOWN when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
tp_channel_kind tp_catalog_channel_kind(const tp_catalog *catalog,
					size_t index);

/**
 * Find a channel by id (exact match).
 * @param catalog The catalog.
 * @param id The id.
 * @return Its index (>= 0), or #TP_ENOTFOUND, or #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
int tp_catalog_find_channel(const tp_catalog *catalog, const char *id);

/**
 * Number of touchpoints.
 * @param catalog The catalog; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
size_t tp_catalog_touchpoint_count(const tp_catalog *catalog);

/**
 * Id of a touchpoint.
 * @param catalog The catalog.
 * @param index The touchpoint's index.
 * @return A string owned by the catalog; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
const char *tp_catalog_touchpoint_id(const tp_catalog *catalog, size_t index);

/**
 * Display name of a touchpoint.
 * @param catalog The catalog.
 * @param index The touchpoint's index.
 * @return A string owned by the catalog; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
const char *tp_catalog_touchpoint_name(const tp_catalog *catalog,
				       size_t index);

/**
 * Channel of a touchpoint.
 * @param catalog The catalog.
 * @param index The touchpoint's index.
 * @return The channel's index, or #TP_EINVAL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
int tp_catalog_touchpoint_channel(const tp_catalog *catalog, size_t index);

/**
 * Default funnel stage of a touchpoint.
 * @param catalog The catalog.
 * @param index The touchpoint's index.
 * @return The stage's index; #TP_ENOTFOUND when it has none; #TP_EINVAL
 *         when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
int tp_catalog_touchpoint_stage(const tp_catalog *catalog, size_t index);

/**
 * A dimension of a touchpoint. #TP_DIMENSION_KIND gives its channel's kind.
 * @param catalog The catalog.
 * @param index The touchpoint's index.
 * @param dimension The dimension.
 * @return The enum value (0 = unknown); #TP_EINVAL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
int tp_catalog_touchpoint_dimension(const tp_catalog *catalog, size_t index,
				    tp_dimension dimension);

/**
 * Find a touchpoint by id (exact match).
 * @param catalog The catalog.
 * @param id The id.
 * @return Its index (>= 0), or #TP_ENOTFOUND, or #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
int tp_catalog_find_touchpoint(const tp_catalog *catalog, const char *id);

/**
 * Number of funnel stages.
 * @param catalog The catalog; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
size_t tp_catalog_stage_count(const tp_catalog *catalog);

/**
 * Id of a stage.
 * @param catalog The catalog.
 * @param index The stage's index.
 * @return A string owned by the catalog; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
const char *tp_catalog_stage_id(const tp_catalog *catalog, size_t index);

/**
 * Display name of a stage.
 * @param catalog The catalog.
 * @param index The stage's index.
 * @return A string owned by the catalog; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
const char *tp_catalog_stage_name(const tp_catalog *catalog, size_t index);

/**
 * Phase of a stage.
 * @param catalog The catalog.
 * @param index The stage's index.
 * @return The phase; #TP_PHASE_UNKNOWN when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
tp_phase tp_catalog_stage_phase(const tp_catalog *catalog, size_t index);

/**
 * Find a stage by id (exact match).
 * @param catalog The catalog.
 * @param id The id.
 * @return Its index (>= 0), or #TP_ENOTFOUND, or #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
int tp_catalog_find_stage(const tp_catalog *catalog, const char *id);

/**
 * Number of funnels.
 * @param catalog The catalog; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
size_t tp_catalog_funnel_count(const tp_catalog *catalog);

/**
 * Id of a funnel.
 * @param catalog The catalog.
 * @param index The funnel's index.
 * @return A string owned by the catalog; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
const char *tp_catalog_funnel_id(const tp_catalog *catalog, size_t index);

/**
 * Display name of a funnel.
 * @param catalog The catalog.
 * @param index The funnel's index.
 * @return A string owned by the catalog; NULL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
const char *tp_catalog_funnel_name(const tp_catalog *catalog, size_t index);

/**
 * Number of stages in a funnel.
 * @param catalog The catalog.
 * @param index The funnel's index.
 * @return The count; 0 when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
size_t tp_catalog_funnel_stage_count(const tp_catalog *catalog, size_t index);

/**
 * A stage of a funnel, in funnel order.
 * @param catalog The catalog.
 * @param index The funnel's index.
 * @param position Position in the funnel, from 0.
 * @return The stage's index in the catalog; #TP_EINVAL when out of range.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
int tp_catalog_funnel_stage(const tp_catalog *catalog, size_t index,
			    size_t position);

/**
 * Find a funnel by id (exact match).
 * @param catalog The catalog.
 * @param id The id.
 * @return Its index (>= 0), or #TP_ENOTFOUND, or #TP_EINVAL for NULL.
 * @since 1.0
 * Thread-safety: safe from any thread; a finished catalog is immutable.
 */
int tp_catalog_find_funnel(const tp_catalog *catalog, const char *id);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_CATALOG_H */
