/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the path-table reader (tp_paths_load_csv_string). The first byte
 * picks the reader options (separator, column names, item label); the rest
 * is the CSV text. A table that loads is run through the heuristic models,
 * and through Markov and Shapley when it has few items.
 */
#include <math.h>
#include "fuzz-common.h"

static const char *const separators[] = { NULL, ">", ",", " ", "->", "\xe2\x86\x92" };

static void
run(const tp_paths *paths, tp_attribution_model model)
{
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_attribution *a = NULL;
	tp_status st;
	size_t i;

	o.transitions = 1;
	st = tp_attribution_compute(paths, model, &o, &a, NULL);
	FUZZ_CHECK(st == TP_OK || st == TP_EEMPTY || st == TP_ERANGE ||
		   st == TP_ENOMEM);
	if (st != TP_OK)
		return;
	for (i = 0; i < tp_attribution_item_count(a); i++) {
		FUZZ_CHECK(tp_attribution_item_id(a, i) != NULL);
		FUZZ_CHECK(!isnan(tp_attribution_conversions(a, i)));
		FUZZ_CHECK(!isnan(tp_attribution_share(a, i)));
	}
	tp_attribution_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tp_path_table_options o = TP_PATH_TABLE_OPTIONS_INIT;
	tp_error *err;
	tp_paths *paths = NULL;
	tp_status st;
	int m;

	if (size < 1)
		return 0;
	o.separator = separators[data[0] % 6];
	if (data[0] & 0x08) {
		o.path_column = "Path";
		o.conversions_column = "conv";
		o.nulls_column = "non";
		o.value_column = "revenue";
	}
	o.by = (tp_attribution_by)((data[0] >> 4) % (TP_ATTRIBUTION_BY_LAST + 1));
	err = tp_error_new();
	if (!err)
		return 0;
	st = tp_paths_load_csv_string((const char *)data + 1, size - 1, "fuzz",
				      &o, &paths, err);
	fuzz_check_error(st, err);
	if (st != TP_OK) {
		FUZZ_CHECK(paths == NULL);
		for (m = 0; (size_t)m < tp_error_count(err); m++)
			FUZZ_CHECK(tp_error_line(err, (size_t)m) >= 1);
		tp_error_free(err);
		return 0;
	}
	FUZZ_CHECK(tp_paths_row_count(paths) >= tp_paths_count(paths) ||
		   tp_paths_count(paths) == 0);
	for (m = TP_ATTRIBUTION_FIRST; m <= TP_ATTRIBUTION_POSITION; m++)
		run(paths, (tp_attribution_model)m);
	run(paths, TP_ATTRIBUTION_SHAPLEY_SIMPLE);
	if (tp_paths_item_count(paths) <= 24)
		run(paths, TP_ATTRIBUTION_MARKOV);
	if (tp_paths_item_count(paths) <= 8)
		run(paths, TP_ATTRIBUTION_SHAPLEY);
	tp_paths_free(paths);
	tp_error_free(err);
	return 0;
}
