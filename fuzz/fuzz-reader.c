/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the NDJSON event reader (tp_reader_parse) and the classifier
 * (tp_classify with the default catalog, rules and referrer database).
 * The input is cut into lines as the touchpoint command cuts them; each
 * line is parsed, and each parsed line classified and written as JSON.
 * A refused line must carry its line number and a column inside the line
 * or just past its end; the attributes of an accepted line must be valid
 * UTF-8 without a NUL byte (the reader refuses \u0000 and unescapes in
 * place: a slip there would show).
 */
#include <string.h>
#include "fuzz-common.h"

static tp_classifier *classifier;
static tp_reader *reader;
static tp_result *result;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (tp_classifier_new(NULL, &classifier, NULL) ||
	    tp_classifier_add_rules_named(classifier, "default", NULL) ||
	    tp_reader_new(&reader) || tp_result_new(&result))
		__builtin_trap();
	/* Keep executions fast: the 1 MiB default is tested by tests/hostile. */
	tp_reader_set_max_bytes(reader, 64 * 1024);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	tp_error *err = tp_error_new();
	unsigned long line = 0;
	char json[4096];

	if (!err)
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		tp_status st;

		line++;
		tp_error_clear(err);
		st = tp_reader_parse(reader, p, len, "fuzz", line, err);
		fuzz_check_error(st, err);
		if (st == TP_OK) {
			size_t n = 0, k;
			const tp_attr *a = tp_reader_attrs(reader, &n);

			for (k = 0; k < n; k++) {
				FUZZ_CHECK(!memchr(a[k].key, '\0', a[k].key_len));
				FUZZ_CHECK(!memchr(a[k].value, '\0', a[k].value_len));
				FUZZ_CHECK(fuzz_utf8_valid(a[k].key, a[k].key_len));
				FUZZ_CHECK(fuzz_utf8_valid(a[k].value, a[k].value_len));
			}
			st = tp_classify(classifier, a, n, result);
			FUZZ_CHECK(st == TP_OK || st == TP_ENOMEM);
			if (st == TP_OK) {
				long w = tp_result_json(result, json, sizeof(json));

				FUZZ_CHECK(w >= 0);
			}
		} else if (st != TP_ENOMEM) {
			FUZZ_CHECK(tp_error_line(err, 0) == line);
			FUZZ_CHECK(tp_error_column(err, 0) >= 1);
			FUZZ_CHECK(tp_error_column(err, 0) <= len + 1);
		}
		p += len + (nl != NULL);
	}
	tp_error_free(err);
	return 0;
}
