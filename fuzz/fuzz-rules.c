/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the rule-language compiler (tp_ruleset_compile_string) against the
 * default catalog. A rule set that compiles is put in a classifier and
 * run on a few fixed events, so the evaluator meets every rule shape the
 * compiler accepts.
 */
#include "fuzz-common.h"
#include "fuzz-events.h"

static tp_catalog *catalog;
static tp_result *result;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (tp_catalog_default(&catalog, NULL) || tp_result_new(&result))
		__builtin_trap();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tp_error *err = tp_error_new();
	tp_ruleset *rs = NULL;
	tp_classifier *c = NULL;
	tp_status st;

	if (!err)
		return 0;
	st = tp_ruleset_compile_string(catalog, (const char *)data, size,
				       "fuzz", &rs, err);
	fuzz_check_error(st, err);
	if (st == TP_OK) {
		FUZZ_CHECK(rs != NULL);
		(void)tp_ruleset_name(rs);
		(void)tp_ruleset_memory(rs);
		if (tp_classifier_new(catalog, &c, NULL) == TP_OK &&
		    tp_classifier_add_rules(c, rs) == TP_OK)
			fuzz_classify_all(c, result);
		tp_classifier_free(c);
	} else {
		FUZZ_CHECK(rs == NULL);
	}
	tp_ruleset_free(rs);
	tp_error_free(err);
	return 0;
}
