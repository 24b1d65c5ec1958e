/* SPDX-License-Identifier: MIT */
/*
 * Printing attribution results (attribution.h) as JSON, CSV and text, the
 * same for `touchpoint attribute` and the attribution section of
 * `touchpoint report`.
 */
#ifndef TP_ATTRIBUTION_OUTPUT_H
#define TP_ATTRIBUTION_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include <touchpoint/touchpoint.h>

/* {"total_conversions", "total_value", "models": [{"model", "by",
 * ["order", "conversion_probability",] "items": [{"id", "conversions",
 * "value", "share"[, "removal_effect", "value_removal_effect"]}...][,
 * "transitions": [...]]}...]}: lines indented by `indent` spaces past the
 * first, no final newline. */
void tp_cli_attribution_json(FILE *out, const tp_paths *paths,
			     tp_attribution *const *res, size_t n, int indent);

/* model,by,id,conversions,value,share,removal_effect: one row per model
 * and item. */
void tp_cli_attribution_csv(FILE *out, tp_attribution *const *res, size_t n);

/* A line about the path set, then one model as a table, or several side
 * by side. */
void tp_cli_attribution_text(FILE *out, const tp_paths *paths,
			     tp_attribution *const *res, size_t n);

/* Several models side by side: attributed conversions, then value, per
 * item, with totals; then the Markov removal effects. */
void tp_cli_attribution_side_by_side(FILE *out, tp_attribution *const *res,
				     size_t n);

#endif
