/* SPDX-License-Identifier: MIT */
/*
 * Concurrency: compiled objects shared by threads (docs/reliability.md).
 *
 * One catalog, two compiled rule sets and one referrer database are put in
 * one classifier. A single thread classifies the sample events
 * (examples/data/sample.ndjson, or a few built-in events when it is
 * missing) and keeps each event's JSON. Then 8 threads classify the same
 * events at once through the same classifier, each with its own reader and
 * result and each starting at a different event, and every answer must be
 * byte for byte the single thread's. A second test does the same while
 * other threads keep creating and freeing classifiers that share the
 * compiled catalog, rule sets and database (their reference counts change
 * under the classifying threads).
 *
 * The CI job builds with -Db_sanitize=thread and runs this suite, so a data
 * race is a failure even when the answers happen to agree. TP_THREADS_LINES
 * caps the number of events (default 2000).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

#define N_THREADS 8

static const char *const fallback[] = {
	"{\"customer_id\":\"a\",\"event\":\"page_view\",\"url\":\"https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=spring\"}",
	"{\"customer_id\":\"b\",\"event\":\"page_view\",\"referrer\":\"https://www.google.com/search?q=red+shoes\",\"url\":\"https://shop.example/\"}",
	"{\"customer_id\":\"c\",\"event\":\"purchase\",\"channel\":\"store\",\"value\":19.9}",
	"{\"customer_id\":\"d\",\"event\":\"page_view\",\"utm_source\":\"facebook\",\"utm_medium\":\"cpc\"}",
	"{\"customer_id\":\"e\",\"event\":\"call\",\"channel\":\"phone\",\"score\":4}",
	"{\"customer_id\":\"f\",\"event\":\"page_view\",\"referrer\":\"https://l.instagram.com/\"}",
};

static struct {
	tp_catalog *catalog;
	tp_ruleset *ga4, *touchpoints;
	tp_refdb *refdb;
	tp_classifier *classifier;
	char **lines;
	char **expect;      /* the single thread's JSON per line, NULL if refused */
	size_t n;
} sh;

static size_t
max_lines(void)
{
	const char *v = getenv("TP_THREADS_LINES");
	long n = v ? strtol(v, NULL, 10) : 2000;

	return n > 0 ? (size_t)n : 2000;
}

static void
load_lines(void)
{
	FILE *f = fopen(tp_test_source("examples/data/sample.ndjson"), "r");
	size_t cap = 0, want = max_lines(), i;
	char *line = NULL;
	ssize_t got;

	sh.lines = calloc(want, sizeof(*sh.lines));
	ck_assert_ptr_nonnull(sh.lines);
	sh.n = 0;
	if (!f) {
		for (i = 0; i < sizeof(fallback) / sizeof(fallback[0]) && i < want; i++)
			sh.lines[sh.n++] = strdup(fallback[i]);
		return;
	}
	while (sh.n < want && (got = getline(&line, &cap, f)) > 0) {
		if (line[got - 1] == '\n')
			line[got - 1] = '\0';
		sh.lines[sh.n++] = strdup(line);
	}
	free(line);
	fclose(f);
}

/* The JSON of one line (malloc'd), or NULL when the reader refuses it. */
static char *
classify_line(const tp_classifier *c, tp_reader *reader, tp_result *r, size_t i)
{
	const tp_attr *a;
	size_t n;
	long need;
	char *buf;

	if (tp_reader_parse(reader, sh.lines[i], strlen(sh.lines[i]), "sample", i + 1,
			    NULL) != TP_OK)
		return NULL;
	a = tp_reader_attrs(reader, &n);
	if (tp_classify(c, a, n, r) != TP_OK)
		return strdup("classify failed");
	need = tp_result_json(r, NULL, 0);
	if (need < 0)
		return strdup("json failed");
	buf = malloc((size_t)need + 1);
	if (!buf)
		return NULL;
	tp_result_json(r, buf, (size_t)need + 1);
	return buf;
}

static void
setup(void)
{
	tp_reader *reader;
	tp_result *r;
	size_t i, refused = 0;

	memset(&sh, 0, sizeof(sh));
	ck_assert_int_eq(tp_catalog_default(&sh.catalog, NULL), TP_OK);
	ck_assert_int_eq(tp_ruleset_builtin(sh.catalog, "ga4", &sh.ga4, NULL), TP_OK);
	ck_assert_int_eq(tp_ruleset_builtin(sh.catalog, "touchpoints", &sh.touchpoints,
					    NULL), TP_OK);
	ck_assert_int_eq(tp_refdb_default(&sh.refdb, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_new(sh.catalog, &sh.classifier, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules(sh.classifier, sh.ga4), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules(sh.classifier, sh.touchpoints), TP_OK);
	ck_assert_int_eq(tp_classifier_set_refdb(sh.classifier, sh.refdb), TP_OK);
	ck_assert_int_eq(tp_classifier_add_internal_domain(sh.classifier,
							   "cafetto.example"), TP_OK);
	load_lines();
	sh.expect = calloc(sh.n, sizeof(*sh.expect));
	ck_assert_ptr_nonnull(sh.expect);
	ck_assert_int_eq(tp_reader_new(&reader), TP_OK);
	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	for (i = 0; i < sh.n; i++) {
		sh.expect[i] = classify_line(sh.classifier, reader, r, i);
		refused += sh.expect[i] == NULL;
		ck_assert(!sh.expect[i] || strstr(sh.expect[i], "failed") == NULL);
	}
	tp_result_free(r);
	tp_reader_free(reader);
	/* The sample is clean: nearly every line classifies. */
	ck_assert_uint_gt(sh.n, 0);
	ck_assert_uint_lt(refused, sh.n);
}

static void
teardown(void)
{
	size_t i;

	for (i = 0; i < sh.n; i++) {
		free(sh.lines[i]);
		free(sh.expect[i]);
	}
	free(sh.lines);
	free(sh.expect);
	tp_classifier_free(sh.classifier);
	tp_refdb_free(sh.refdb);
	tp_ruleset_free(sh.touchpoints);
	tp_ruleset_free(sh.ga4);
	tp_catalog_free(sh.catalog);
}

struct worker {
	size_t start;        /* first line; the thread wraps around */
	size_t done;         /* lines classified */
	size_t mismatches;
	size_t first_bad;    /* the first line that differed */
	int setup_failed;
};

static void *
classify_all(void *p)
{
	struct worker *w = p;
	tp_reader *reader = NULL;
	tp_result *r = NULL;
	size_t k;

	if (tp_reader_new(&reader) != TP_OK || tp_result_new(&r) != TP_OK) {
		w->setup_failed = 1;
		goto out;
	}
	for (k = 0; k < sh.n; k++) {
		size_t i = (w->start + k) % sh.n;
		char *got = classify_line(sh.classifier, reader, r, i);

		if ((got == NULL) != (sh.expect[i] == NULL) ||
		    (got && strcmp(got, sh.expect[i]) != 0)) {
			if (!w->mismatches)
				w->first_bad = i;
			w->mismatches++;
		}
		free(got);
		w->done++;
	}
out:
	tp_result_free(r);
	tp_reader_free(reader);
	return NULL;
}

/* Build and free classifiers on the shared compiled objects, and classify
 * a few lines with each. */
static void *
churn(void *p)
{
	struct worker *w = p;
	size_t round;

	for (round = 0; round < 20; round++) {
		tp_classifier *c = NULL;
		tp_reader *reader = NULL;
		tp_result *r = NULL;
		size_t i;

		if (tp_classifier_new(sh.catalog, &c, NULL) != TP_OK ||
		    tp_classifier_add_rules(c, sh.ga4) != TP_OK ||
		    tp_classifier_add_rules(c, sh.touchpoints) != TP_OK ||
		    tp_classifier_set_refdb(c, sh.refdb) != TP_OK ||
		    tp_classifier_add_internal_domain(c, "cafetto.example") != TP_OK ||
		    tp_reader_new(&reader) != TP_OK || tp_result_new(&r) != TP_OK) {
			w->setup_failed = 1;
		} else {
			for (i = 0; i < 10 && i < sh.n; i++) {
				size_t line = (w->start + round * 10 + i) % sh.n;
				char *got = classify_line(c, reader, r, line);

				if ((got == NULL) != (sh.expect[line] == NULL) ||
				    (got && strcmp(got, sh.expect[line]) != 0))
					w->mismatches++;
				free(got);
				w->done++;
			}
		}
		tp_result_free(r);
		tp_reader_free(reader);
		tp_classifier_free(c);
	}
	return NULL;
}

static void
run_threads(int churners)
{
	struct worker w[N_THREADS + 4];
	pthread_t t[N_THREADS + 4];
	size_t total = 0;
	int i, n = N_THREADS + churners;

	setup();
	memset(w, 0, sizeof(w));
	for (i = 0; i < n; i++) {
		w[i].start = (size_t)i * sh.n / (size_t)N_THREADS;
		ck_assert_int_eq(pthread_create(&t[i], NULL,
						i < N_THREADS ? classify_all : churn, &w[i]),
				 0);
	}
	for (i = 0; i < n; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	for (i = 0; i < n; i++) {
		ck_assert_msg(!w[i].setup_failed, "thread %d could not start", i);
		ck_assert_msg(w[i].mismatches == 0,
			      "thread %d: %zu answers differ from one thread's, first line %zu",
			      i, w[i].mismatches, w[i].first_bad + 1);
		total += w[i].done;
	}
	ck_assert_uint_ge(total, (size_t)N_THREADS * sh.n);
	fprintf(stderr, "threads: %d threads (%d churning) agreed on %zu classifications "
		"of %zu events\n", n, churners, total, sh.n);
	teardown();
}

/* 8 threads on one classifier: the answers of one thread. */
START_TEST(eight_threads_agree)
{
	run_threads(0);
}
END_TEST

/* The same while 4 more threads build and free classifiers that share the
 * compiled objects. */
START_TEST(shared_objects_churn)
{
	run_threads(4);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("shared");

	tcase_add_test(tc, eight_threads_agree);
	tcase_add_test(tc, shared_objects_churn);
	tcase_set_timeout(tc, 600);
	suite_add_tcase(s, tc);
	return s;
}
