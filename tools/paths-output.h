/* SPDX-License-Identifier: MIT */
/*
 * Printing path counts (journey.h's tp_path_counts: the distinct paths to
 * conversion of journeys with their conversions, nulls and value): as the
 * path table CSV that `touchpoint attribute --paths` reads, as JSON and as
 * a text table. Used by `touchpoint attribute --format paths` and
 * `touchpoint merge`.
 */
#ifndef TP_PATHS_OUTPUT_H
#define TP_PATHS_OUTPUT_H

#include <stdio.h>

#include <touchpoint/touchpoint.h>

/* path,conversions,nulls,value: one row per distinct path, items joined
 * with " > ". Paths without touches have no row (a path table cannot
 * hold them); returns how many journeys' paths were left out so. */
uint64_t tp_cli_paths_csv(FILE *out, const tp_path_counts *pc);

/* {"field", "total_conversions", "total_nulls", "total_value", "paths":
 * [{"path": [items...], "conversions", "nulls", "value"}...]}, no final
 * newline. */
void tp_cli_paths_json(FILE *out, const tp_path_counts *pc, int indent);

/* An aligned table of the paths, most conversions first, with totals. */
void tp_cli_paths_text(FILE *out, const tp_path_counts *pc);

#endif
