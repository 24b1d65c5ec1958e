/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the referrer-database loader (tp_refdb_load_string). A database
 * that loads is looked up with fixed URLs and with the input's first line
 * as a URL, then used by a classifier on a few fixed events.
 */
#include <string.h>
#include "fuzz-common.h"
#include "fuzz-events.h"

static const char *const urls[] = {
	"https://www.google.com/search?q=red+shoes",
	"http://l.facebook.com/l.php?u=x",
	"bing.com/search?q=%E2%82%AC",
	"//[::1]:8080/x?q=",
	"https://a.b.c.d.example.co.uk./p?q=%ZZ&k=%C3",
	NULL,
};

static tp_result *result;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (tp_result_new(&result))
		__builtin_trap();
	return 0;
}

static void
lookup(const tp_refdb *db, const char *url, size_t len)
{
	tp_referrer_info info = TP_REFERRER_INFO_INIT;
	char term[64];
	tp_status st = tp_refdb_lookup(db, url, len, term, sizeof(term), &info);

	FUZZ_CHECK(st == TP_OK || st == TP_ESYNTAX);
	if (info.known)
		FUZZ_CHECK(info.source != NULL);
	if (info.term) {
		FUZZ_CHECK(info.term_len < sizeof(term));
		FUZZ_CHECK(info.term[info.term_len] == '\0');
		FUZZ_CHECK(fuzz_utf8_valid(info.term, info.term_len));
		FUZZ_CHECK(strlen(info.term) == info.term_len);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tp_error *err = tp_error_new();
	tp_refdb *db = NULL;
	tp_classifier *c = NULL;
	tp_status st;
	size_t i;

	if (!err)
		return 0;
	st = tp_refdb_load_string((const char *)data, size, "fuzz", &db, err);
	fuzz_check_error(st, err);
	if (st == TP_OK) {
		const char *nl = memchr(data, '\n', size);

		FUZZ_CHECK(db != NULL);
		(void)tp_refdb_count(db);
		(void)tp_refdb_source_count(db);
		for (i = 0; urls[i]; i++)
			lookup(db, urls[i], strlen(urls[i]));
		lookup(db, (const char *)data,
		       nl ? (size_t)(nl - (const char *)data) : size);
		if (tp_classifier_new(NULL, &c, NULL) == TP_OK &&
		    tp_classifier_set_refdb(c, db) == TP_OK &&
		    tp_classifier_add_rules_named(c, "default", NULL) == TP_OK)
			fuzz_classify_all(c, result);
		tp_classifier_free(c);
	} else {
		FUZZ_CHECK(db == NULL);
	}
	tp_refdb_free(db);
	tp_error_free(err);
	return 0;
}
