/* SPDX-License-Identifier: MIT */
/*
 * Printing a funnel result (funnel.h): as JSON and as a text table with
 * drop-off, the same for `touchpoint funnel`, `touchpoint merge` and the
 * funnel section of `touchpoint report`.
 */
#ifndef TP_FUNNEL_OUTPUT_H
#define TP_FUNNEL_OUTPUT_H

#include <stdio.h>

#include <touchpoint/touchpoint.h>

/* The JSON object {"steps": [...], "journeys", "window_seconds", "mode",
 * "count", "exclusions", "breakdown": null | {"field", "attribution",
 * "step", "groups": [{"value", "steps": [...]}]}}, its lines indented by
 * `indent` spaces past the first, without a final newline. */
void tp_cli_funnel_json(FILE *out, const tp_funnel_state *state, int indent);

/* A readable table per group: each step's customers, conversion from
 * the previous and the first step, drop-off, median and 90th percentile
 * of the time from the previous step, and the top touchpoints those who
 * dropped went to instead. Starts with a line of settings. */
void tp_cli_funnel_text(FILE *out, const tp_funnel_state *state);

#endif
