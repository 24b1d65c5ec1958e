/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file matrix.h
 * @brief The touchpoint matrix: the "interaction map" of channels against
 * funnel stages.
 *
 * The source texts ask a business to draw a touchpoint matrix: channels
 * down the side, the stages (or main actions) across the top, each cell
 * the contacts that happen there. A ::tp_matrix computes it from a
 * finished journey store: rows are the values of one field (`channel` by
 * default) and columns those of another (`stage` by default); any two
 * fields of journey.h may be used, and the column field `all` gives a
 * single column (events by channel group, by phase...).
 *
 * Each cell holds:
 * - **events**: the events with that row and column value;
 * - **customers**: the distinct customers with such an event;
 * - **converted**: those of them whose journey has a conversion at or
 *   after their first event in the cell (the event itself counts);
 * - the **conversion rate** converted / customers;
 * - the **mean satisfaction score** of the cell's events that carry a
 *   score.
 *
 * An event without a value for the row or the column field falls in the
 * "no value" row or column, listed last. Rows and columns come in catalog
 * order for catalog fields, in enum order for enum fields and in byte
 * order otherwise.
 *
 * A matrix is a mergeable state (state.h): computed on parts of the data
 * split by customer and merged, it equals the matrix of the whole (score
 * sums are kept in integer millionths, so merging is exact).
 *
 * Thread-safety: a ::tp_matrix belongs to one thread while it is merged
 * into; otherwise any number of threads may read it.
 */
#ifndef TOUCHPOINT_MATRIX_H
#define TOUCHPOINT_MATRIX_H

#include <stddef.h>
#include <stdint.h>
#include <touchpoint/status.h>
#include <touchpoint/error.h>
#include <touchpoint/state.h>
#include <touchpoint/journey.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A touchpoint matrix: a mergeable state (opaque). */
typedef struct tp_matrix tp_matrix;

/**
 * What a matrix is made of. Start from #TP_MATRIX_OPTIONS_INIT.
 */
typedef struct tp_matrix_options {
	size_t size;        /**< sizeof(tp_matrix_options), set by the INIT macro. */
	const char *rows;   /**< The row field; NULL: `channel`. */
	const char *cols;   /**< The column field; NULL: `stage`; `all`: one column. */
} tp_matrix_options;

/** Initializer for ::tp_matrix_options: channels by stages. */
#define TP_MATRIX_OPTIONS_INIT { sizeof(tp_matrix_options), NULL, NULL }

/**
 * Set matrix options to the defaults of #TP_MATRIX_OPTIONS_INIT, for callers that cannot use the
 * macro (FFI bindings).
 *
 * @param[out] out The struct to fill; NULL does nothing.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
void tp_matrix_options_init(tp_matrix_options *out);

/**
 * Compute the matrix of a finished store.
 *
 * @param store The finished store; only read.
 * @param options The fields, or NULL for channels by stages.
 * @param[out] out The matrix, to be freed with tp_matrix_free().
 * @param err Receives a description of an unknown field; may be NULL.
 * @return #TP_OK; #TP_ENOTFOUND for an unknown field; #TP_EINVAL for NULL
 *         arguments or an unfinished store; #TP_ERANGE when a score sum
 *         overflows; #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe; the store is only read.
 */
tp_status tp_matrix_compute(const tp_journey_store *store,
			    const tp_matrix_options *options,
			    tp_matrix **out, tp_error *err);

/**
 * Free a matrix.
 *
 * @param matrix The matrix; NULL does nothing.
 * @since 1.0
 * Thread-safety: the object must not be in use by another thread.
 */
void tp_matrix_free(tp_matrix *matrix);

/**
 * Add the matrix of another part (split by customer) into @p into.
 *
 * @param into The matrix that grows.
 * @param from The matrix to add; unchanged; must not be @p into.
 * @param err Receives a description of a mismatch; may be NULL.
 * @return #TP_OK, #TP_EMISMATCH for different row or column fields,
 *         #TP_ERANGE on overflow, #TP_EINVAL, #TP_ENOMEM (@p into is then
 *         unchanged).
 * @since 1.0
 * Thread-safety: @p into belongs to one thread; @p from is only read.
 */
tp_status tp_matrix_merge(tp_matrix *into, const tp_matrix *from,
			  tp_error *err);

/**
 * Write a matrix as a state (state.h).
 *
 * @param matrix The matrix.
 * @param format #TP_STATE_FORMAT_BINARY or #TP_STATE_FORMAT_JSON.
 * @param[out] out The bytes, NUL-terminated, to be freed with tp_free().
 * @param[out] len Their number without the NUL; may be NULL.
 * @return #TP_OK, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe; the matrix is only read.
 */
tp_status tp_matrix_save(const tp_matrix *matrix, tp_state_format format,
			 char **out, size_t *len);

/**
 * Read a matrix written by tp_matrix_save() (either form).
 *
 * @param data The bytes.
 * @param len Their number.
 * @param source Name for error messages; NULL gives "<state>".
 * @param[out] out The matrix, to be freed with tp_matrix_free().
 * @param err Receives a description of the fault; may be NULL.
 * @return #TP_OK; #TP_ESYNTAX, #TP_EVERSION, #TP_ESCHEMA, #TP_EMISMATCH
 *         (another kind of state), #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_matrix_load(const void *data, size_t len, const char *source,
			 tp_matrix **out, tp_error *err);

/**
 * The row field.
 *
 * @param matrix The matrix.
 * @return A string owned by the matrix; NULL for NULL.
 * @since 1.0
 * Thread-safety: safe; the matrix is only read.
 */
const char *tp_matrix_rows_field(const tp_matrix *matrix);

/**
 * The column field.
 *
 * @param matrix The matrix.
 * @return A string owned by the matrix; NULL for NULL.
 * @since 1.0
 * Thread-safety: safe; the matrix is only read.
 */
const char *tp_matrix_cols_field(const tp_matrix *matrix);

/**
 * Number of rows.
 *
 * @param matrix The matrix; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe; the matrix is only read.
 */
size_t tp_matrix_row_count(const tp_matrix *matrix);

/**
 * Number of columns.
 *
 * @param matrix The matrix; NULL gives 0.
 * @return The count.
 * @since 1.0
 * Thread-safety: safe; the matrix is only read.
 */
size_t tp_matrix_col_count(const tp_matrix *matrix);

/**
 * The value of a row.
 *
 * @param matrix The matrix.
 * @param row The row, from 0.
 * @return A string owned by the matrix; NULL for the "no value" row or
 *         out of range.
 * @since 1.0
 * Thread-safety: safe; the matrix is only read.
 */
const char *tp_matrix_row_label(const tp_matrix *matrix, size_t row);

/**
 * The value of a column.
 *
 * @param matrix The matrix.
 * @param col The column, from 0.
 * @return A string owned by the matrix; NULL for the "no value" column or
 *         out of range.
 * @since 1.0
 * Thread-safety: safe; the matrix is only read.
 */
const char *tp_matrix_col_label(const tp_matrix *matrix, size_t col);

/** The figures of one cell. Start from #TP_MATRIX_CELL_INIT. */
typedef struct tp_matrix_cell {
	size_t size;             /**< sizeof(tp_matrix_cell), set by the INIT macro. */
	uint64_t events;         /**< Events in the cell. */
	uint64_t customers;      /**< Distinct customers with an event in the cell. */
	uint64_t converted;      /**< Of those, customers who converted then or later. */
	double conversion_rate;  /**< converted / customers; 0 for an empty cell. */
	uint64_t scores;         /**< Events in the cell that carry a score. */
	double mean_score;       /**< Their mean score; 0 when @ref scores is 0. */
} tp_matrix_cell;

/** Initializer for ::tp_matrix_cell. */
#define TP_MATRIX_CELL_INIT { sizeof(tp_matrix_cell), 0, 0, 0, 0.0, 0, 0.0 }

/**
 * Read one cell.
 *
 * @param matrix The matrix.
 * @param row The row, from 0.
 * @param col The column, from 0.
 * @param[out] out Filled in; `out->size` must be set.
 * @return #TP_OK, #TP_EINVAL for NULL arguments or out-of-range numbers.
 * @since 1.0
 * Thread-safety: safe; the matrix is only read.
 */
tp_status tp_matrix_cell_get(const tp_matrix *matrix, size_t row, size_t col,
			     tp_matrix_cell *out);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_MATRIX_H */
