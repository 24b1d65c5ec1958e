/* SPDX-License-Identifier: MIT */
/*
 * Printing a touchpoint matrix (matrix.h) as JSON, CSV and text, the same
 * for `touchpoint matrix`, `touchpoint merge` and the matrix sections of
 * `touchpoint report`.
 */
#ifndef TP_MATRIX_OUTPUT_H
#define TP_MATRIX_OUTPUT_H

#include <stdio.h>

#include <touchpoint/touchpoint.h>

/* {"rows_field", "cols_field", "rows": [...], "cols": [...], "cells":
 * [{"row", "col", "events", "customers", "converted", "conversion_rate",
 * "scores", "mean_score"}...]}: the non-empty cells, row by row; "no
 * value" rows and columns are null. Lines indented by `indent` spaces
 * past the first; no final newline. */
void tp_cli_matrix_json(FILE *out, const tp_matrix *m, int indent);

/* For a matrix with a single column (cols_field "all"): [{"value",
 * "events", "share", "customers", "converted", "conversion_rate",
 * "scores", "mean_score"}...], one object per row (share: of all events);
 * no final newline. */
void tp_cli_matrix_json_list(FILE *out, const tp_matrix *m, int indent);

/* A header row FIELD,FIELD,events,customers,converted,conversion_rate,
 * scores,mean_score, then one line per non-empty cell. */
void tp_cli_matrix_csv(FILE *out, const tp_matrix *m);

/* The map as grids, rows by columns: events (with totals), conversion
 * rates and, when some events carry a score, mean scores. Columns are
 * numbered, with a legend, when their names would make a grid too wide
 * for a terminal. */
void tp_cli_matrix_text_grids(FILE *out, const tp_matrix *m);

/* The grids, then a table of every non-empty cell with all its
 * figures. */
void tp_cli_matrix_text(FILE *out, const tp_matrix *m);

/* For a matrix with a single column (cols_field "all"): one line per row
 * with events, share of events, customers, converted and rate, and the
 * mean score when any event has one. */
void tp_cli_matrix_text_list(FILE *out, const tp_matrix *m);

#endif
