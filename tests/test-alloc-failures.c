/* SPDX-License-Identifier: MIT */
/*
 * Allocation failures across the whole pipeline, one operation at a time.
 *
 * For each operation — loading (catalog, rule sets, referrer database,
 * path table, saved states), compiling, building a classifier,
 * classifying, building journeys, and each analysis (funnel, matrix, path
 * counts, every attribution model) — the n-th allocation is made to fail,
 * for n = 1, 2, ... until a run makes no allocation fail. Every run must
 * return TP_ENOMEM (or absorb the failure and give the same answer), leak
 * nothing (the failing allocator's count of live blocks; LeakSanitizer in
 * the ASan build), and leave the objects it was given usable: the final,
 * unfailed run gives the same answer as a clean one. The number of
 * failure points of each operation is printed to stderr
 * ("alloc-failures: NAME: N points") and must equal the allocations of
 * its clean run, so the walk covers every allocation.
 *
 * One operation is too big to walk whole under the sanitizers within the
 * test's time: compiling the built-in `touchpoints` rule set (some 28,000
 * allocations, each run a full compile). In a sanitizer build (TP_SANITIZE
 * set by tests/meson.build) it fails every allocation up to its
 * `sanitized_limit`, then every 50th; the plain build walks all of them.
 * The other rule sets (the test fixture, `ga4`) go through the same
 * compiler and are walked whole everywhere.
 *
 * The inputs the operations read (catalog, rule sets, classifier, journey
 * store, saved states...) are built once per test with the default
 * allocator; the operations only read them.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

#define N_LINES 300

/* ---- digest: FNV-1a over what an operation produced ---- */

static void
mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	if (*h == 0)
		*h = 0xcbf29ce484222325ull;
	for (i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ull;
	}
}

static void
mix_u(uint64_t *h, uint64_t v)
{
	mix(h, &v, sizeof(v));
}

/* Hash and free saved bytes. */
static void
mix_free(uint64_t *h, char *bytes, size_t len)
{
	mix(h, bytes, len);
	tp_free(bytes);
}

/* ---- the inputs, built once ---- */

struct touch_copy {
	tp_touch t;
	char *strings[6];
};

static struct fixture {
	tp_catalog *catalog;
	char *catalog_json;
	size_t catalog_json_len;
	char *rules_json;
	size_t rules_json_len;
	tp_ruleset *ga4, *touchpoints;
	tp_refdb *refdb;
	tp_classifier *classifier;
	char *lines[N_LINES];
	size_t n_lines;
	struct touch_copy touches[N_LINES];
	size_t n_touches;
	tp_journey_store *store;
	tp_funnel *funnel;
	char *funnel_bin, *funnel_json, *matrix_bin, *matrix_json;
	char *counts_bin, *counts_json;
	size_t funnel_bin_len, funnel_json_len, matrix_bin_len, matrix_json_len;
	size_t counts_bin_len, counts_json_len;
	tp_paths *paths;
	char *csv;
	size_t csv_len;
} fx;

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* A few events when examples/data/sample.ndjson is not there. */
static const char *const fallback_lines[] = {
	"{\"customer_id\":\"a\",\"timestamp\":\"2026-03-01T10:00:00Z\",\"event\":\"page_view\",\"url\":\"https://shop.example/?utm_source=newsletter&utm_medium=email\"}",
	"{\"customer_id\":\"a\",\"timestamp\":\"2026-03-01T10:05:00Z\",\"event\":\"purchase\",\"value\":20}",
	"{\"customer_id\":\"b\",\"timestamp\":\"2026-03-01T11:00:00Z\",\"event\":\"page_view\",\"referrer\":\"https://www.google.com/search?q=shoes\",\"url\":\"https://shop.example/\"}",
	"{\"customer_id\":\"b\",\"timestamp\":\"2026-03-02T11:00:00Z\",\"event\":\"store_visit\",\"channel\":\"store\"}",
	"{\"customer_id\":\"b\",\"timestamp\":\"2026-03-02T11:30:00Z\",\"event\":\"purchase\",\"value\":50}",
	"{\"customer_id\":\"c\",\"timestamp\":\"2026-03-03T09:00:00Z\",\"event\":\"page_view\",\"utm_source\":\"facebook\",\"utm_medium\":\"cpc\"}",
};

static void
load_lines(void)
{
	const char *path = tp_test_source("examples/data/sample.ndjson");
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t got;

	fx.n_lines = 0;
	if (!f) {
		for (i = 0; i < sizeof(fallback_lines) / sizeof(fallback_lines[0]); i++)
			fx.lines[fx.n_lines++] = strdup(fallback_lines[i]);
		return;
	}
	while (fx.n_lines < N_LINES && (got = getline(&line, &cap, f)) > 0) {
		if (line[got - 1] == '\n')
			line[got - 1] = '\0';
		fx.lines[fx.n_lines++] = strdup(line);
	}
	free(line);
	fclose(f);
}

static char *
copy_field(const tp_result *r, tp_field field, size_t *len)
{
	const char *v = tp_result_field(r, field, len);
	char *s;

	if (!v) {
		*len = 0;
		return NULL;
	}
	s = malloc(*len + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, v, *len);
	s[*len] = '\0';
	return s;
}

/* Classify the lines into touches the journey store takes. */
static void
make_touches(void)
{
	tp_reader *reader;
	tp_result *r;
	size_t i;

	ck_assert_int_eq(tp_reader_new(&reader), TP_OK);
	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	for (i = 0; i < fx.n_lines; i++) {
		struct touch_copy *c = &fx.touches[fx.n_touches];
		tp_touch init = TP_TOUCH_INIT;
		const tp_attr *a;
		size_t n;
		double v;

		if (tp_reader_parse(reader, fx.lines[i], strlen(fx.lines[i]), "sample",
				    i + 1, NULL) != TP_OK)
			continue;
		a = tp_reader_attrs(reader, &n);
		ck_assert_int_eq(tp_classify(fx.classifier, a, n, r), TP_OK);
		c->t = init;
		if (tp_result_timestamp(r, &c->t.timestamp_ms) != TP_OK)
			continue;
		c->strings[0] = copy_field(r, TP_FIELD_CUSTOMER_ID, &c->t.customer_id_len);
		if (!c->strings[0])
			continue;
		c->t.customer_id = c->strings[0];
		c->t.event = c->strings[1] = copy_field(r, TP_FIELD_EVENT, &c->t.event_len);
		c->t.source = c->strings[2] = copy_field(r, TP_FIELD_SOURCE, &c->t.source_len);
		c->t.medium = c->strings[3] = copy_field(r, TP_FIELD_MEDIUM, &c->t.medium_len);
		c->t.campaign = c->strings[4] =
			copy_field(r, TP_FIELD_CAMPAIGN, &c->t.campaign_len);
		c->t.channel_group = c->strings[5] =
			copy_field(r, TP_FIELD_CHANNEL_GROUP, &c->t.channel_group_len);
		/* TP_ENOTFOUND (negative) means none: -1 for the store. */
		c->t.touchpoint = tp_result_touchpoint(r) < 0 ? -1 : tp_result_touchpoint(r);
		c->t.channel = tp_result_channel(r) < 0 ? -1 : tp_result_channel(r);
		c->t.stage = tp_result_stage(r) < 0 ? -1 : tp_result_stage(r);
		if (tp_result_number(r, TP_FIELD_VALUE, &v) == TP_OK && isfinite(v)) {
			c->t.has_value = 1;
			c->t.value = v;
		}
		if (tp_result_number(r, TP_FIELD_SCORE, &v) == TP_OK && isfinite(v)) {
			c->t.has_score = 1;
			c->t.score = v;
		}
		fx.n_touches++;
	}
	tp_result_free(r);
	tp_reader_free(reader);
	ck_assert_uint_gt(fx.n_touches, 0);
}

/* Timed paths of the journeys, items named by channel. */
static void
make_paths(void)
{
	tp_journey_path_iter *it;
	int converted = 0;

	ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &fx.paths), TP_OK);
	ck_assert_int_eq(tp_journey_path_iter_new(fx.store, NULL, &it), TP_OK);
	while (tp_journey_path_iter_next(it)) {
		size_t n = tp_journey_path_iter_length(it), k, m = 0;
		const char *items[64];
		int64_t times[64];
		tp_path p = TP_PATH_INIT;

		for (k = 0; k < n && m < 64; k++) {
			tp_journey_event e = TP_JOURNEY_EVENT_INIT;

			ck_assert_int_eq(tp_journey_path_iter_touch(it, k, &e), TP_OK);
			items[m] = e.channel >= 0 ? tp_catalog_channel_id(fx.catalog,
									  (size_t)e.channel)
						  : "(none)";
			times[m++] = e.timestamp_ms;
		}
		if (m == 0)
			continue;
		p.items = items;
		p.n_items = m;
		p.times = times;
		if (tp_journey_path_iter_converted(it)) {
			p.conversions = 1;
			p.conversion_time = tp_journey_path_iter_end_time(it);
			if (p.conversion_time < times[m - 1])
				p.conversion_time = times[m - 1];
			p.value = tp_journey_path_iter_value(it);
			converted = 1;
		} else {
			p.nulls = 1;
		}
		ck_assert_int_eq(tp_paths_add(fx.paths, &p, NULL), TP_OK);
	}
	tp_journey_path_iter_free(it);
	if (!converted) {
		/* The sample's first lines may hold no purchase: add one. */
		static const char *const items[] = { "email", "website" };
		static const int64_t times[] = { 0, 1000 };
		tp_path p = TP_PATH_INIT;

		p.items = items;
		p.n_items = 2;
		p.times = times;
		p.conversion_time = 2000;
		p.conversions = 1;
		p.value = 10;
		ck_assert_int_eq(tp_paths_add(fx.paths, &p, NULL), TP_OK);
	}
}

static void
setup(void)
{
	tp_funnel_state *fs;
	tp_matrix *m;
	tp_path_counts *pc;
	size_t i;

	memset(&fx, 0, sizeof(fx));
	ck_assert_int_eq(tp_catalog_default(&fx.catalog, NULL), TP_OK);
	ck_assert_int_eq(tp_catalog_save_string(fx.catalog, &fx.catalog_json,
						&fx.catalog_json_len), TP_OK);
	fx.rules_json = read_file(tp_test_data("rules/valid.json"), &fx.rules_json_len);
	fx.csv = read_file(tp_test_source("tests/golden/inputs/attribution-worked.csv"),
			   &fx.csv_len);
	ck_assert_int_eq(tp_ruleset_builtin(fx.catalog, "ga4", &fx.ga4, NULL), TP_OK);
	ck_assert_int_eq(tp_ruleset_builtin(fx.catalog, "touchpoints", &fx.touchpoints,
					    NULL), TP_OK);
	ck_assert_int_eq(tp_refdb_default(&fx.refdb, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_new(fx.catalog, &fx.classifier, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules(fx.classifier, fx.ga4), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules(fx.classifier, fx.touchpoints), TP_OK);
	load_lines();
	make_touches();
	ck_assert_int_eq(tp_journey_store_new(fx.catalog, NULL, &fx.store, NULL), TP_OK);
	for (i = 0; i < fx.n_touches; i++) {
		tp_error *e = tp_error_new();
		tp_status st = tp_journey_store_add(fx.store, &fx.touches[i].t, e);

		ck_assert_msg(st == TP_OK, "touch %zu: %s", i,
			      tp_error_count(e) ? tp_error_message(e, 0) : tp_strerror(st));
		tp_error_free(e);
	}
	ck_assert_int_eq(tp_journey_store_finish(fx.store), TP_OK);
	ck_assert_int_eq(tp_funnel_new_from_catalog(fx.catalog, NULL, &fx.funnel, NULL),
			 TP_OK);
	ck_assert_int_eq(tp_funnel_set_breakdown(fx.funnel, "channel",
						 TP_FUNNEL_ATTRIBUTION_DEFAULT, 0), TP_OK);
	ck_assert_int_eq(tp_funnel_run(fx.funnel, fx.store, &fs, NULL), TP_OK);
	ck_assert_int_eq(tp_funnel_state_save(fs, TP_STATE_FORMAT_BINARY, &fx.funnel_bin,
					      &fx.funnel_bin_len), TP_OK);
	ck_assert_int_eq(tp_funnel_state_save(fs, TP_STATE_FORMAT_JSON, &fx.funnel_json,
					      &fx.funnel_json_len), TP_OK);
	tp_funnel_state_free(fs);
	ck_assert_int_eq(tp_matrix_compute(fx.store, NULL, &m, NULL), TP_OK);
	ck_assert_int_eq(tp_matrix_save(m, TP_STATE_FORMAT_BINARY, &fx.matrix_bin,
					&fx.matrix_bin_len), TP_OK);
	ck_assert_int_eq(tp_matrix_save(m, TP_STATE_FORMAT_JSON, &fx.matrix_json,
					&fx.matrix_json_len), TP_OK);
	tp_matrix_free(m);
	ck_assert_int_eq(tp_path_counts_compute(fx.store, "touchpoint", NULL, &pc, NULL),
			 TP_OK);
	ck_assert_int_eq(tp_path_counts_save(pc, TP_STATE_FORMAT_BINARY, &fx.counts_bin,
					     &fx.counts_bin_len), TP_OK);
	ck_assert_int_eq(tp_path_counts_save(pc, TP_STATE_FORMAT_JSON, &fx.counts_json,
					     &fx.counts_json_len), TP_OK);
	tp_path_counts_free(pc);
	make_paths();
}

static void
teardown(void)
{
	size_t i, k;

	tp_paths_free(fx.paths);
	tp_free(fx.funnel_bin);
	tp_free(fx.funnel_json);
	tp_free(fx.matrix_bin);
	tp_free(fx.matrix_json);
	tp_free(fx.counts_bin);
	tp_free(fx.counts_json);
	tp_funnel_free(fx.funnel);
	tp_journey_store_free(fx.store);
	for (i = 0; i < fx.n_touches; i++)
		for (k = 0; k < 6; k++)
			free(fx.touches[i].strings[k]);
	for (i = 0; i < fx.n_lines; i++)
		free(fx.lines[i]);
	tp_classifier_free(fx.classifier);
	tp_refdb_free(fx.refdb);
	tp_ruleset_free(fx.touchpoints);
	tp_ruleset_free(fx.ga4);
	tp_free(fx.catalog_json);
	free(fx.rules_json);
	free(fx.csv);
	tp_catalog_free(fx.catalog);
}

/* ---- the operations ---- */

static tp_status
op_catalog_default(uint64_t *h)
{
	tp_catalog *c = NULL;
	tp_status st = tp_catalog_default(&c, NULL);

	if (!st) {
		mix_u(h, (uint64_t)tp_catalog_equal(c, fx.catalog));
		mix_u(h, tp_catalog_touchpoint_count(c));
	}
	tp_catalog_free(c);
	return st;
}

static tp_status
op_catalog_load(uint64_t *h)
{
	tp_catalog *c = NULL;
	tp_error *e = tp_error_new();
	tp_status st = e ? tp_catalog_load_string(fx.catalog_json, fx.catalog_json_len,
						  "default.json", &c, e)
			 : TP_ENOMEM;

	if (!st)
		mix_u(h, (uint64_t)tp_catalog_equal(c, fx.catalog));
	tp_catalog_free(c);
	tp_error_free(e);
	return st;
}

static tp_status
op_catalog_save(uint64_t *h)
{
	char *text = NULL;
	size_t len = 0;
	tp_status st = tp_catalog_save_string(fx.catalog, &text, &len);

	if (!st)
		mix_free(h, text, len);
	return st;
}

static tp_status
compile(const char *text, size_t len, uint64_t *h)
{
	tp_ruleset *rs = NULL;
	tp_error *e = tp_error_new();
	tp_status st = e ? tp_ruleset_compile_string(fx.catalog, text, len, "rules.json",
						     &rs, e)
			 : TP_ENOMEM;

	if (!st)
		mix_u(h, tp_ruleset_rule_count(rs));
	tp_ruleset_free(rs);
	tp_error_free(e);
	return st;
}

static tp_status
op_rules_compile(uint64_t *h)
{
	return compile(fx.rules_json, fx.rules_json_len, h);
}

static tp_status
builtin(const char *name, uint64_t *h)
{
	tp_ruleset *rs = NULL;
	tp_status st = tp_ruleset_builtin(fx.catalog, name, &rs, NULL);

	if (!st)
		mix_u(h, tp_ruleset_rule_count(rs));
	tp_ruleset_free(rs);
	return st;
}

static tp_status
op_rules_builtin_ga4(uint64_t *h)
{
	return builtin("ga4", h);
}

static tp_status
op_rules_builtin_touchpoints(uint64_t *h)
{
	return builtin("touchpoints", h);
}

static tp_status
op_refdb_default(uint64_t *h)
{
	tp_refdb *db = NULL;
	tp_status st = tp_refdb_default(&db, NULL);

	if (!st) {
		mix_u(h, tp_refdb_count(db));
		mix_u(h, tp_refdb_source_count(db));
	}
	tp_refdb_free(db);
	return st;
}

/* Classify the sample's lines with a reader and a result of its own. */
static tp_status
classify_lines(const tp_classifier *c, size_t n_lines, uint64_t *h)
{
	tp_reader *reader = NULL;
	tp_result *r = NULL;
	char json[8192];
	tp_status st;
	size_t i;

	st = tp_reader_new(&reader);
	if (!st)
		st = tp_result_new(&r);
	for (i = 0; !st && i < n_lines; i++) {
		const tp_attr *a;
		size_t n;
		long w;

		st = tp_reader_parse(reader, fx.lines[i], strlen(fx.lines[i]), "sample",
				     i + 1, NULL);
		if (st == TP_ENOMEM)
			break;
		if (st) {
			st = TP_OK;
			continue;
		}
		a = tp_reader_attrs(reader, &n);
		st = tp_classify(c, a, n, r);
		if (st)
			break;
		w = tp_result_json(r, json, sizeof(json));
		ck_assert_int_ge(w, 0);
		mix(h, json, (size_t)w < sizeof(json) ? (size_t)w : sizeof(json) - 1);
	}
	tp_result_free(r);
	tp_reader_free(reader);
	return st;
}

static tp_status
op_classifier_build(uint64_t *h)
{
	tp_classifier *c = NULL;
	tp_status st = tp_classifier_new(fx.catalog, &c, NULL);

	if (!st)
		st = tp_classifier_add_rules(c, fx.ga4);
	if (!st)
		st = tp_classifier_add_rules(c, fx.touchpoints);
	if (!st)
		st = tp_classifier_set_refdb(c, fx.refdb);
	if (!st)
		st = tp_classifier_map_field(c, "utm_source", "context.campaign.source");
	if (!st)
		st = tp_classifier_add_internal_domain(c, "shop.example.com");
	if (!st)
		st = classify_lines(c, fx.n_lines < 10 ? fx.n_lines : 10, h);
	tp_classifier_free(c);
	return st;
}

static tp_status
op_classify(uint64_t *h)
{
	return classify_lines(fx.classifier, fx.n_lines, h);
}

static tp_status
op_journey_build(uint64_t *h)
{
	tp_journey_store *s = NULL;
	tp_status st = tp_journey_store_new(fx.catalog, NULL, &s, NULL);
	size_t i;

	if (!st)
		st = tp_journey_store_keep_field(s, "url_path");
	for (i = 0; !st && i < fx.n_touches; i++)
		st = tp_journey_store_add(s, &fx.touches[i].t, NULL);
	if (!st)
		st = tp_journey_store_finish(s);
	if (!st) {
		mix_u(h, tp_journey_store_customer_count(s));
		mix_u(h, tp_journey_store_event_count(s));
		for (i = 0; i < tp_journey_store_customer_count(s); i++)
			mix_u(h, tp_journey_store_session_count(s, i));
	}
	tp_journey_store_free(s);
	return st;
}

static tp_status
op_funnel_run(uint64_t *h)
{
	tp_funnel_state *fs = NULL;
	char *out = NULL;
	size_t len = 0;
	tp_status st = tp_funnel_run(fx.funnel, fx.store, &fs, NULL);

	if (!st)
		st = tp_funnel_state_save(fs, TP_STATE_FORMAT_BINARY, &out, &len);
	if (!st)
		mix_free(h, out, len);
	tp_funnel_state_free(fs);
	return st;
}

static tp_status
op_funnel_load_merge(uint64_t *h)
{
	tp_funnel_state *a = NULL, *b = NULL;
	char *out = NULL;
	size_t len = 0;
	tp_status st;

	st = tp_funnel_state_load(fx.funnel_bin, fx.funnel_bin_len, "f.bin", &a, NULL);
	if (!st)
		st = tp_funnel_state_load(fx.funnel_json, fx.funnel_json_len, "f.json", &b,
					  NULL);
	if (!st)
		st = tp_funnel_state_merge(a, b, NULL);
	if (!st)
		st = tp_funnel_state_save(a, TP_STATE_FORMAT_JSON, &out, &len);
	if (!st)
		mix_free(h, out, len);
	tp_funnel_state_free(a);
	tp_funnel_state_free(b);
	return st;
}

static tp_status
op_matrix_compute(uint64_t *h)
{
	tp_matrix_options o = TP_MATRIX_OPTIONS_INIT;
	tp_matrix *m = NULL;
	char *out = NULL;
	size_t len = 0;
	tp_status st;

	o.rows = "touchpoint";
	o.cols = "phase";
	st = tp_matrix_compute(fx.store, &o, &m, NULL);
	if (!st)
		st = tp_matrix_save(m, TP_STATE_FORMAT_BINARY, &out, &len);
	if (!st)
		mix_free(h, out, len);
	tp_matrix_free(m);
	return st;
}

static tp_status
op_matrix_load_merge(uint64_t *h)
{
	tp_matrix *a = NULL, *b = NULL;
	char *out = NULL;
	size_t len = 0;
	tp_status st;

	st = tp_matrix_load(fx.matrix_bin, fx.matrix_bin_len, "m.bin", &a, NULL);
	if (!st)
		st = tp_matrix_load(fx.matrix_json, fx.matrix_json_len, "m.json", &b, NULL);
	if (!st)
		st = tp_matrix_merge(a, b, NULL);
	if (!st)
		st = tp_matrix_save(a, TP_STATE_FORMAT_JSON, &out, &len);
	if (!st)
		mix_free(h, out, len);
	tp_matrix_free(a);
	tp_matrix_free(b);
	return st;
}

static tp_status
op_path_counts_compute(uint64_t *h)
{
	tp_journey_path_options o = TP_JOURNEY_PATH_OPTIONS_INIT;
	tp_path_counts *pc = NULL;
	char *out = NULL;
	size_t len = 0;
	tp_status st;

	o.touches = TP_JOURNEY_PATH_TOUCHES_SESSIONS;
	st = tp_path_counts_compute(fx.store, "channel", &o, &pc, NULL);
	if (!st)
		st = tp_path_counts_save(pc, TP_STATE_FORMAT_BINARY, &out, &len);
	if (!st)
		mix_free(h, out, len);
	tp_path_counts_free(pc);
	return st;
}

static tp_status
op_path_counts_load_merge(uint64_t *h)
{
	tp_path_counts *a = NULL, *b = NULL;
	char *out = NULL;
	size_t len = 0;
	tp_status st;

	st = tp_path_counts_load(fx.counts_bin, fx.counts_bin_len, "p.bin", &a, NULL);
	if (!st)
		st = tp_path_counts_load(fx.counts_json, fx.counts_json_len, "p.json", &b,
					 NULL);
	if (!st)
		st = tp_path_counts_merge(a, b, NULL);
	if (!st)
		st = tp_path_counts_save(a, TP_STATE_FORMAT_JSON, &out, &len);
	if (!st)
		mix_free(h, out, len);
	tp_path_counts_free(a);
	tp_path_counts_free(b);
	return st;
}

static tp_status
op_state_identify(uint64_t *h)
{
	const char *const data[] = { fx.funnel_bin, fx.funnel_json, fx.matrix_bin,
				     fx.matrix_json, fx.counts_bin, fx.counts_json };
	const size_t len[] = { fx.funnel_bin_len, fx.funnel_json_len, fx.matrix_bin_len,
			       fx.matrix_json_len, fx.counts_bin_len, fx.counts_json_len };
	tp_status st = TP_OK;
	size_t i;

	for (i = 0; !st && i < 6; i++) {
		tp_state_kind kind;
		tp_state_format format;

		st = tp_state_identify(data[i], len[i], "state", &kind, &format, NULL);
		if (!st) {
			mix_u(h, kind);
			mix_u(h, format);
		}
	}
	return st;
}

static tp_status
op_paths_from_journeys(uint64_t *h)
{
	tp_journey_path_iter *it = NULL;
	tp_paths *p = NULL;
	tp_status st = tp_paths_new(TP_ATTRIBUTION_BY_TOUCHPOINT, &p);

	if (!st)
		st = tp_journey_path_iter_new(fx.store, NULL, &it);
	while (!st && tp_journey_path_iter_next(it)) {
		size_t n = tp_journey_path_iter_length(it), k;
		uint32_t ids[32];
		tp_path path = TP_PATH_INIT;

		for (k = 0; !st && k < n && k < 32; k++) {
			tp_journey_event e = TP_JOURNEY_EVENT_INIT;
			const char *name;

			tp_journey_path_iter_touch(it, k, &e);
			name = e.touchpoint >= 0
				? tp_catalog_touchpoint_id(fx.catalog, (size_t)e.touchpoint)
				: "(none)";
			st = tp_paths_intern(p, name, strlen(name), &ids[k]);
		}
		if (st || k == 0)
			continue;
		path.item_ids = ids;
		path.n_items = k;
		if (tp_journey_path_iter_converted(it))
			path.conversions = 1;
		else
			path.nulls = 1;
		st = tp_paths_add(p, &path, NULL);
	}
	if (!st) {
		mix_u(h, tp_paths_count(p));
		mix_u(h, tp_paths_item_count(p));
	}
	tp_journey_path_iter_free(it);
	tp_paths_free(p);
	return st;
}

static tp_status
op_pathtable_load(uint64_t *h)
{
	tp_paths *p = NULL;
	tp_error *e = tp_error_new();
	tp_status st = e ? tp_paths_load_csv_string(fx.csv, fx.csv_len, "paths.csv", NULL,
						    &p, e)
			 : TP_ENOMEM;

	if (!st) {
		mix_u(h, tp_paths_count(p));
		mix_u(h, tp_paths_item_count(p));
	}
	tp_paths_free(p);
	tp_error_free(e);
	return st;
}

static tp_status
attribution(tp_attribution_model model, uint64_t *h)
{
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_attribution *a = NULL;
	tp_status st;
	size_t i;

	o.transitions = 1;
	st = tp_attribution_compute(fx.paths, model, &o, &a, NULL);
	if (!st) {
		for (i = 0; i < tp_attribution_item_count(a); i++) {
			double v = tp_attribution_conversions(a, i);

			mix(h, tp_attribution_item_id(a, i), strlen(tp_attribution_item_id(a, i)));
			mix(h, &v, sizeof(v));
		}
	}
	tp_attribution_free(a);
	return st;
}

#define ATTRIBUTION_OP(name, model)                                             \
	static tp_status op_attribution_##name(uint64_t *h)                     \
	{                                                                        \
		return attribution(model, h);                                    \
	}
ATTRIBUTION_OP(first, TP_ATTRIBUTION_FIRST)
ATTRIBUTION_OP(last, TP_ATTRIBUTION_LAST)
ATTRIBUTION_OP(last_non_direct, TP_ATTRIBUTION_LAST_NON_DIRECT)
ATTRIBUTION_OP(linear, TP_ATTRIBUTION_LINEAR)
ATTRIBUTION_OP(time_decay, TP_ATTRIBUTION_TIME_DECAY)
ATTRIBUTION_OP(position, TP_ATTRIBUTION_POSITION)
ATTRIBUTION_OP(markov, TP_ATTRIBUTION_MARKOV)
ATTRIBUTION_OP(shapley, TP_ATTRIBUTION_SHAPLEY)
ATTRIBUTION_OP(shapley_simple, TP_ATTRIBUTION_SHAPLEY_SIMPLE)

static const struct op {
	const char *name;
	tp_status (*run)(uint64_t *digest);
	unsigned long sanitized_limit;  /* 0: every allocation everywhere */
} ops[] = {
	{ "catalog_default", op_catalog_default, 0 },
	{ "catalog_load", op_catalog_load, 0 },
	{ "catalog_save", op_catalog_save, 0 },
	{ "rules_compile", op_rules_compile, 0 },
	{ "rules_builtin_ga4", op_rules_builtin_ga4, 0 },
	{ "rules_builtin_touchpoints", op_rules_builtin_touchpoints, 3000 },
	{ "refdb_default", op_refdb_default, 0 },
	{ "classifier_build", op_classifier_build, 0 },
	{ "classify", op_classify, 0 },
	{ "journey_build", op_journey_build, 0 },
	{ "funnel_run", op_funnel_run, 0 },
	{ "funnel_state_load_merge", op_funnel_load_merge, 0 },
	{ "matrix_compute", op_matrix_compute, 0 },
	{ "matrix_load_merge", op_matrix_load_merge, 0 },
	{ "path_counts_compute", op_path_counts_compute, 0 },
	{ "path_counts_load_merge", op_path_counts_load_merge, 0 },
	{ "state_identify", op_state_identify, 0 },
	{ "paths_from_journeys", op_paths_from_journeys, 0 },
	{ "pathtable_load", op_pathtable_load, 0 },
	{ "attribution_first", op_attribution_first, 0 },
	{ "attribution_last", op_attribution_last, 0 },
	{ "attribution_last_non_direct", op_attribution_last_non_direct, 0 },
	{ "attribution_linear", op_attribution_linear, 0 },
	{ "attribution_time_decay", op_attribution_time_decay, 0 },
	{ "attribution_position", op_attribution_position, 0 },
	{ "attribution_markov", op_attribution_markov, 0 },
	{ "attribution_shapley", op_attribution_shapley, 0 },
	{ "attribution_shapley_simple", op_attribution_shapley_simple, 0 },
};

#define N_OPS (sizeof(ops) / sizeof(ops[0]))
#define SAMPLE_STEP 50

static int
sanitized(void)
{
	const char *v = getenv("TP_SANITIZE");

	return v && *v && strcmp(v, "none") != 0;
}

/* Fail each allocation of one operation in turn. */
START_TEST(fail_each_allocation)
{
	const struct op *op = &ops[_i];
	unsigned long n, total, points = 0, limit = 0;
	uint64_t ref = 0;
	clock_t start;
	tp_status st;

	setup();
	start = clock();
	tp_test_failing_allocator_install(0);
	st = op->run(&ref);
	total = tp_test_allocations();
	ck_assert_msg(tp_test_live_blocks() == 0, "%s: a clean run leaked %ld blocks",
		      op->name, tp_test_live_blocks());
	tp_test_failing_allocator_remove();
	ck_assert_msg(st == TP_OK, "%s: %s", op->name, tp_status_name(st));
	ck_assert_msg(total > 0, "%s allocates nothing", op->name);

	if (op->sanitized_limit && sanitized())
		limit = op->sanitized_limit;
	for (n = 1;; n += limit && n >= limit ? SAMPLE_STEP : 1) {
		uint64_t got = 0;
		long live;
		int failed;

		tp_test_failing_allocator_install(n);
		st = op->run(&got);
		failed = tp_test_allocation_failed();
		live = tp_test_live_blocks();
		tp_test_failing_allocator_remove();
		ck_assert_msg(live == 0, "%s: failing allocation %lu leaked %ld blocks",
			      op->name, n, live);
		if (!failed) {
			/* Past the last allocation: the inputs still work. */
			ck_assert_msg(st == TP_OK, "%s: %s after %lu failures", op->name,
				      tp_status_name(st), points);
			ck_assert_msg(got == ref, "%s: another answer after %lu failures",
				      op->name, points);
			break;
		}
		points++;
		if (st == TP_OK)
			/* An absorbed failure (slack not given back): the
			 * answer must not change. */
			ck_assert_msg(got == ref, "%s: failing allocation %lu changed the answer",
				      op->name, n);
		else
			ck_assert_msg(st == TP_ENOMEM, "%s: failing allocation %lu gave %s",
				      op->name, n, tp_status_name(st));
	}
	ck_assert_msg(points == (limit && total > limit
				 ? limit + (total - limit) / SAMPLE_STEP : total),
		      "%s: %lu failure points for %lu allocations", op->name, points,
		      total);
	fprintf(stderr, "alloc-failures: %s: %lu points%s (%lu allocations, %.1f s of CPU)\n",
		op->name, points, limit ? ", sampled" : "", total,
		(double)(clock() - start) / CLOCKS_PER_SEC);
	teardown();
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("alloc_failures");
	TCase *tc = tcase_create("each_operation");

	tcase_add_loop_test(tc, fail_each_allocation, 0, (int)N_OPS);
	tcase_set_timeout(tc, 1200);
	suite_add_tcase(s, tc);
	return s;
}
