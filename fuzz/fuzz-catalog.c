/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the catalog loader (tp_catalog_load_string). A catalog that loads
 * is saved and loaded again: the copy must equal the original and save
 * to the same bytes.
 */
#include <string.h>
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tp_error *err = tp_error_new();
	tp_catalog *cat = NULL, *again = NULL;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;
	tp_status st;

	if (!err)
		return 0;
	st = tp_catalog_load_string((const char *)data, size, "fuzz", &cat, err);
	fuzz_check_error(st, err);
	if (st == TP_OK) {
		FUZZ_CHECK(cat != NULL);
		FUZZ_CHECK(tp_catalog_save_string(cat, &text, &len) == TP_OK);
		tp_error_clear(err);
		st = tp_catalog_load_string(text, len, "saved", &again, err);
		FUZZ_CHECK(st == TP_OK);
		FUZZ_CHECK(tp_catalog_equal(cat, again));
		FUZZ_CHECK(tp_catalog_save_string(again, &text2, &len2) == TP_OK);
		FUZZ_CHECK(len == len2 && memcmp(text, text2, len) == 0);
	} else {
		FUZZ_CHECK(cat == NULL);
	}
	tp_free(text);
	tp_free(text2);
	tp_catalog_free(again);
	tp_catalog_free(cat);
	tp_error_free(err);
	return 0;
}
