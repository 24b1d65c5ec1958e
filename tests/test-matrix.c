/* SPDX-License-Identifier: MIT */
/* The touchpoint matrix: cells by hand, other fields, merging, states. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

static tp_catalog *
small_catalog(void)
{
	static const char *const stages[] = { "discovery", "consideration", "sale" };
	tp_catalog_builder *b;
	tp_catalog *c = NULL;
	tp_channel_def ch = TP_CHANNEL_DEF_INIT;
	tp_stage_def sd = TP_STAGE_DEF_INIT;
	tp_touchpoint_def td = TP_TOUCHPOINT_DEF_INIT;
	size_t i;

	ck_assert_int_eq(tp_catalog_builder_new(&b), TP_OK);
	ch.kind = TP_CHANNEL_KIND_DIGITAL;
	ch.id = "email";
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);
	ch.id = "web";
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);
	ch.id = "store";
	ch.kind = TP_CHANNEL_KIND_PHYSICAL;
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);
	for (i = 0; i < 3; i++) {
		sd.id = stages[i];
		ck_assert_int_eq(tp_catalog_builder_add_stage(b, &sd), TP_OK);
	}
	td.id = "newsletter"; td.channel = "email"; td.stage = "discovery";
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &td), TP_OK);
	td.id = "product_page"; td.channel = "web"; td.stage = "consideration";
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &td), TP_OK);
	td.id = "checkout"; td.channel = "web"; td.stage = "sale";
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &td), TP_OK);
	td.id = "store_visit"; td.channel = "store"; td.stage = "consideration";
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &td), TP_OK);
	ck_assert_int_eq(tp_catalog_builder_finish(b, &c, NULL), TP_OK);
	tp_catalog_builder_free(b);
	return c;
}

struct mev {
	const char *customer;
	int64_t t;
	const char *event;
	const char *touchpoint;
	double score;   /* NAN: none */
};

static void
add_mev(tp_journey_store *s, const struct mev *e)
{
	tp_touch t = TP_TOUCH_INIT;

	t.customer_id = e->customer;
	t.customer_id_len = strlen(e->customer);
	t.timestamp_ms = e->t;
	t.event = e->event;
	t.event_len = strlen(e->event);
	if (e->touchpoint)
		t.touchpoint = tp_catalog_find_touchpoint(
			tp_journey_store_catalog(s), e->touchpoint);
	if (!isnan(e->score)) {
		t.has_score = 1;
		t.score = e->score;
	}
	ck_assert_int_eq(tp_journey_store_add(s, &t, NULL), TP_OK);
}

static const struct mev evs[] = {
	{ "c1", 0, "open", "newsletter", NAN },
	{ "c1", 10, "view", "product_page", NAN },
	{ "c1", 20, "purchase", "checkout", NAN },
	{ "c1", 30, "survey", "store_visit", 4 },
	{ "c2", 0, "open", "newsletter", NAN },
	{ "c2", 5, "view", "product_page", NAN },
	{ "c2", 6, "view", "product_page", NAN },
	{ "c2", 7, "visit", "store_visit", 2 },
	{ "c3", 0, "visit", "store_visit", 5 },
	{ "c3", 1, "purchase", "checkout", NAN },
	{ "c4", 0, "page_view", NULL, NAN },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static tp_journey_store *
store_of(tp_catalog *c, const struct mev *e, size_t n)
{
	tp_journey_store *s;
	size_t i;

	ck_assert_int_eq(tp_journey_store_new(c, NULL, &s, NULL), TP_OK);
	for (i = 0; i < n; i++)
		add_mev(s, &e[i]);
	ck_assert_int_eq(tp_journey_store_finish(s), TP_OK);
	return s;
}

static void
check_cell(const tp_matrix *m, size_t r, size_t c, uint64_t events,
	   uint64_t customers, uint64_t converted, uint64_t scores,
	   double mean)
{
	tp_matrix_cell x = TP_MATRIX_CELL_INIT;

	ck_assert_int_eq(tp_matrix_cell_get(m, r, c, &x), TP_OK);
	ck_assert_msg(x.events == events && x.customers == customers &&
		      x.converted == converted && x.scores == scores,
		      "cell %zu,%zu: %llu %llu %llu %llu", r, c,
		      (unsigned long long)x.events,
		      (unsigned long long)x.customers,
		      (unsigned long long)x.converted,
		      (unsigned long long)x.scores);
	ck_assert(fabs(x.mean_score - mean) < 1e-9);
	ck_assert(fabs(x.conversion_rate -
		       (customers ? (double)converted / (double)customers : 0)) < 1e-12);
}

static void
check_labels(const char *(*get)(const tp_matrix *, size_t), const tp_matrix *m,
	     const char *const *want, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *l = get(m, i);

		if (want[i])
			ck_assert_str_eq(l, want[i]);
		else
			ck_assert_ptr_null(l);
	}
}

START_TEST(channels_by_stages)
{
	static const char *const rows[] = { "email", "web", "store", NULL };
	static const char *const cols[] = { "discovery", "consideration", "sale", NULL };
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, evs, N(evs));
	tp_matrix *m;
	size_t i, j;
	uint64_t total = 0;

	ck_assert_int_eq(tp_matrix_compute(s, NULL, &m, NULL), TP_OK);
	ck_assert_str_eq(tp_matrix_rows_field(m), "channel");
	ck_assert_str_eq(tp_matrix_cols_field(m), "stage");
	ck_assert_uint_eq(tp_matrix_row_count(m), 4);
	ck_assert_uint_eq(tp_matrix_col_count(m), 4);
	check_labels(tp_matrix_row_label, m, rows, 4);
	check_labels(tp_matrix_col_label, m, cols, 4);
	/* email x discovery: c1 (converted later) and c2. */
	check_cell(m, 0, 0, 2, 2, 1, 0, 0);
	/* web x consideration: c1 once, c2 twice. */
	check_cell(m, 1, 1, 3, 2, 1, 0, 0);
	/* web x sale: the purchases themselves. */
	check_cell(m, 1, 2, 2, 2, 2, 0, 0);
	/* store x consideration: c1's survey after its purchase (not
	 * converted later), c2, c3 before its purchase; scores 4, 2, 5. */
	check_cell(m, 2, 1, 3, 3, 1, 3, 11.0 / 3.0);
	/* The event without touchpoint. */
	check_cell(m, 3, 3, 1, 1, 0, 0, 0);
	check_cell(m, 0, 1, 0, 0, 0, 0, 0);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++) {
			tp_matrix_cell x = TP_MATRIX_CELL_INIT;

			ck_assert_int_eq(tp_matrix_cell_get(m, i, j, &x), TP_OK);
			total += x.events;
		}
	ck_assert_uint_eq(total, N(evs));
	ck_assert_int_eq(tp_matrix_cell_get(m, 4, 0, &(tp_matrix_cell)TP_MATRIX_CELL_INIT),
			 TP_EINVAL);
	ck_assert_ptr_null(tp_matrix_row_label(m, 4));
	tp_matrix_free(m);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

START_TEST(other_fields)
{
	static const char *const events[] = {
		"open", "page_view", "purchase", "survey", "view", "visit"
	};
	static const char *const kinds[] = { "digital", "physical", NULL };
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, evs, N(evs));
	tp_matrix_options o = TP_MATRIX_OPTIONS_INIT;
	tp_matrix *m;
	tp_error *err = tp_error_new();

	o.rows = "event";
	o.cols = "all";
	ck_assert_int_eq(tp_matrix_compute(s, &o, &m, NULL), TP_OK);
	ck_assert_uint_eq(tp_matrix_row_count(m), 6);
	ck_assert_uint_eq(tp_matrix_col_count(m), 1);
	check_labels(tp_matrix_row_label, m, events, 6);
	ck_assert_str_eq(tp_matrix_col_label(m, 0), "all");
	check_cell(m, 0, 0, 2, 2, 1, 0, 0);   /* open */
	check_cell(m, 4, 0, 3, 2, 1, 0, 0);   /* view */
	check_cell(m, 5, 0, 2, 2, 1, 2, 3.5); /* visit */
	tp_matrix_free(m);

	o.rows = "kind";
	o.cols = "touchpoint";
	ck_assert_int_eq(tp_matrix_compute(s, &o, &m, NULL), TP_OK);
	ck_assert_uint_eq(tp_matrix_row_count(m), 3);
	check_labels(tp_matrix_row_label, m, kinds, 3);
	ck_assert_uint_eq(tp_matrix_col_count(m), 5);
	ck_assert_str_eq(tp_matrix_col_label(m, 3), "store_visit");
	check_cell(m, 1, 3, 3, 3, 1, 3, 11.0 / 3.0);
	tp_matrix_free(m);

	o.rows = "nope";
	ck_assert_int_eq(tp_matrix_compute(s, &o, &m, err), TP_ENOTFOUND);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(tp_error_message(err, 0), "nope"));
	o.rows = NULL;
	o.size = 1;
	ck_assert_int_eq(tp_matrix_compute(s, &o, &m, err), TP_EINVAL);
	tp_matrix_free(m);
	tp_journey_store_free(s);
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

START_TEST(empty_store)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, NULL, 0);
	tp_matrix *m, *back;
	char *out;
	size_t len;

	ck_assert_int_eq(tp_matrix_compute(s, NULL, &m, NULL), TP_OK);
	ck_assert_uint_eq(tp_matrix_row_count(m), 0);
	ck_assert_uint_eq(tp_matrix_col_count(m), 0);
	ck_assert_int_eq(tp_matrix_save(m, TP_STATE_FORMAT_BINARY, &out, &len), TP_OK);
	ck_assert_int_eq(tp_matrix_load(out, len, NULL, &back, NULL), TP_OK);
	ck_assert_uint_eq(tp_matrix_row_count(back), 0);
	tp_free(out);
	ck_assert_int_eq(tp_matrix_save(m, TP_STATE_FORMAT_JSON, &out, &len), TP_OK);
	tp_matrix_free(back);
	ck_assert_int_eq(tp_matrix_load(out, len, NULL, &back, NULL), TP_OK);
	tp_free(out);
	tp_matrix_free(back);
	tp_matrix_free(m);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

static void
random_stores(tp_catalog *c, tp_journey_store **st)
{
	static const char *const events[] = { "view", "purchase", "survey" };
	static const char *const tps[] = { NULL, "newsletter", "product_page",
					   "checkout", "store_visit" };
	uint64_t x = 0x2545F4914F6CDD1Dull;
	size_t i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(tp_journey_store_new(c, NULL, &st[i], NULL), TP_OK);
	for (i = 0; i < 2000; i++) {
		struct mev e;
		char id[16];
		unsigned cust;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		cust = (unsigned)(x % 120);
		snprintf(id, sizeof(id), "m%u", cust);
		e.customer = id;
		e.t = (int64_t)((x >> 8) % 100000);
		e.event = events[(x >> 24) % 3];
		e.touchpoint = tps[(x >> 28) % 5];
		e.score = strcmp(e.event, "survey") == 0
			? (double)((x >> 32) % 101) / 10.0 : NAN;
		add_mev(st[0], &e);
		add_mev(st[1 + cust % 2], &e);
	}
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(tp_journey_store_finish(st[i]), TP_OK);
}

static char *
save(const tp_matrix *m, tp_state_format f, size_t *len)
{
	char *out = NULL;

	ck_assert_int_eq(tp_matrix_save(m, f, &out, len), TP_OK);
	return out;
}

START_TEST(merge_halves)
{
	static const char *const fields[][2] = {
		{ NULL, NULL }, { "event", "all" }, { "touchpoint", "channel" },
	};
	tp_catalog *c = small_catalog();
	tp_journey_store *st[3];
	tp_error *err = tp_error_new();
	size_t k;

	random_stores(c, st);
	for (k = 0; k < N(fields); k++) {
		tp_matrix_options o = TP_MATRIX_OPTIONS_INIT;
		tp_matrix *w, *a, *b, *la, *lb;
		char *bw, *bm, *ja, *jb;
		size_t lw, lm, lena, lenb;

		o.rows = fields[k][0];
		o.cols = fields[k][1];
		ck_assert_int_eq(tp_matrix_compute(st[0], &o, &w, NULL), TP_OK);
		ck_assert_int_eq(tp_matrix_compute(st[1], &o, &a, NULL), TP_OK);
		ck_assert_int_eq(tp_matrix_compute(st[2], &o, &b, NULL), TP_OK);
		ja = save(a, TP_STATE_FORMAT_JSON, &lena);
		jb = save(b, TP_STATE_FORMAT_BINARY, &lenb);
		ck_assert_int_eq(tp_matrix_load(ja, lena, "a", &la, err), TP_OK);
		ck_assert_int_eq(tp_matrix_load(jb, lenb, "b", &lb, err), TP_OK);
		ck_assert_int_eq(tp_matrix_merge(la, lb, err), TP_OK);
		bw = save(w, TP_STATE_FORMAT_BINARY, &lw);
		bm = save(la, TP_STATE_FORMAT_BINARY, &lm);
		ck_assert_msg(lw == lm && memcmp(bw, bm, lw) == 0, "fields %zu", k);
		tp_free(bw);
		tp_free(bm);
		bw = save(w, TP_STATE_FORMAT_JSON, &lw);
		bm = save(la, TP_STATE_FORMAT_JSON, &lm);
		ck_assert(lw == lm && memcmp(bw, bm, lw) == 0);
		tp_free(bw);
		tp_free(bm);
		tp_free(ja);
		tp_free(jb);
		tp_matrix_free(w);
		tp_matrix_free(a);
		tp_matrix_free(b);
		tp_matrix_free(la);
		tp_matrix_free(lb);
	}
	{
		tp_matrix_options o = TP_MATRIX_OPTIONS_INIT;
		tp_matrix *a, *b;

		ck_assert_int_eq(tp_matrix_compute(st[1], NULL, &a, NULL), TP_OK);
		o.cols = "all";
		ck_assert_int_eq(tp_matrix_compute(st[2], &o, &b, NULL), TP_OK);
		ck_assert_int_eq(tp_matrix_merge(a, b, err), TP_EMISMATCH);
		ck_assert_int_eq(tp_matrix_merge(a, a, err), TP_EINVAL);
		tp_matrix_free(a);
		tp_matrix_free(b);
	}
	for (k = 0; k < 3; k++)
		tp_journey_store_free(st[k]);
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

START_TEST(bad_states)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, evs, N(evs));
	tp_matrix *m, *back = NULL;
	tp_error *err = tp_error_new();
	char *bin, *json, *copy, *p;
	size_t lb, lj, i;
	tp_status st;

	ck_assert_int_eq(tp_matrix_compute(s, NULL, &m, NULL), TP_OK);
	bin = save(m, TP_STATE_FORMAT_BINARY, &lb);
	json = save(m, TP_STATE_FORMAT_JSON, &lj);
	copy = malloc(lj + lb + 1);
	for (i = 0; i < lb; i++) {
		st = tp_matrix_load(bin, i, "t", &back, NULL);
		ck_assert_msg(st == TP_ESYNTAX, "length %zu: %s", i, tp_strerror(st));
	}
	for (i = 0; i < lb; i++) {
		memcpy(copy, bin, lb);
		copy[i] ^= 0x40;
		ck_assert_msg(tp_matrix_load(copy, lb, "f", &back, NULL) != TP_OK,
			      "flip at %zu accepted", i);
	}
	memcpy(copy, bin, lb);
	copy[4] = 0;
	ck_assert_int_eq(tp_matrix_load(copy, lb, "v0", &back, err), TP_EVERSION);
	copy[4] = 1;
	copy[5] = TP_STATE_KIND_FUNNEL;
	ck_assert_int_eq(tp_matrix_load(copy, lb, "k", &back, err), TP_EMISMATCH);
	/* JSON: more customers than events in a cell. */
	memcpy(copy, json, lj + 1);
	p = strstr(copy, "\"customers\":");
	ck_assert_ptr_nonnull(p);
	p[12] = '9';
	tp_error_clear(err);
	ck_assert_int_eq(tp_matrix_load(copy, lj, "c.json", &back, err), TP_ESCHEMA);
	ck_assert_ptr_nonnull(strstr(tp_error_path(err, 0), "$.cells["));
	/* JSON: a row listed twice. */
	memcpy(copy, json, lj + 1);
	p = strstr(copy, "\"label\":\"web\"");
	ck_assert_ptr_nonnull(p);
	memcpy(p, "\"label\":\"ema\"", 13);
	p = strstr(copy, "\"label\":\"email\"");
	memcpy(p, "\"label\":\"ema\"  ", 15);
	ck_assert_int_eq(tp_matrix_load(copy, lj, "d.json", &back, err), TP_ESCHEMA);
	for (i = 0; i + 1 < lj; i += 3)
		ck_assert_msg(tp_matrix_load(json, i, "t", &back, NULL) != TP_OK,
			      "JSON length %zu accepted", i);
	ck_assert_ptr_null(back);
	free(copy);
	tp_free(bin);
	tp_free(json);
	tp_matrix_free(m);
	tp_journey_store_free(s);
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

static tp_status
run_all(const tp_journey_store *a, const tp_journey_store *b, char **out,
	size_t *len)
{
	tp_matrix *ma = NULL, *mb = NULL, *la = NULL, *lb = NULL;
	char *ja = NULL, *jb = NULL;
	size_t lena, lenb;
	tp_status st;

	st = tp_matrix_compute(a, NULL, &ma, NULL);
	if (st == TP_OK)
		st = tp_matrix_compute(b, NULL, &mb, NULL);
	if (st == TP_OK)
		st = tp_matrix_save(ma, TP_STATE_FORMAT_JSON, &ja, &lena);
	if (st == TP_OK)
		st = tp_matrix_save(mb, TP_STATE_FORMAT_BINARY, &jb, &lenb);
	if (st == TP_OK)
		st = tp_matrix_load(ja, lena, NULL, &la, NULL);
	if (st == TP_OK)
		st = tp_matrix_load(jb, lenb, NULL, &lb, NULL);
	if (st == TP_OK)
		st = tp_matrix_merge(la, lb, NULL);
	if (st == TP_OK)
		st = tp_matrix_save(la, TP_STATE_FORMAT_JSON, out, len);
	tp_free(ja);
	tp_free(jb);
	tp_matrix_free(ma);
	tp_matrix_free(mb);
	tp_matrix_free(la);
	tp_matrix_free(lb);
	return st;
}

START_TEST(allocation_failures)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *st[3];
	char *ref = NULL;
	size_t ref_len = 0, i;
	unsigned long n;
	int succeeded = 0;

	random_stores(c, st);
	ck_assert_int_eq(run_all(st[1], st[2], &ref, &ref_len), TP_OK);
	for (n = 1; n < 100000 && !succeeded; n++) {
		char *out = NULL;
		size_t len = 0;
		tp_status s;

		tp_test_failing_allocator_install(n);
		s = run_all(st[1], st[2], &out, &len);
		if (s == TP_OK) {
			/* A failure may be absorbed (a JSON path for error
			 * messages); then the result must be the same. */
			succeeded = !tp_test_allocation_failed();
			ck_assert(len == ref_len && memcmp(out, ref, len) == 0);
			tp_free(out);
		} else {
			ck_assert_msg(s == TP_ENOMEM, "n=%lu: %s", n, tp_strerror(s));
			ck_assert_ptr_null(out);
		}
		ck_assert_msg(tp_test_live_blocks() == 0, "n=%lu leaked %ld blocks",
			      n, tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(succeeded);
	ck_assert_uint_gt(n, 30);
	tp_free(ref);
	for (i = 0; i < 3; i++)
		tp_journey_store_free(st[i]);
	tp_catalog_free(c);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("matrix");
	TCase *tc = tcase_create("cells");
	TCase *ts = tcase_create("states");

	tcase_add_test(tc, channels_by_stages);
	tcase_add_test(tc, other_fields);
	tcase_add_test(tc, empty_store);
	suite_add_tcase(s, tc);
	tcase_add_test(ts, merge_halves);
	tcase_add_test(ts, bad_states);
	tcase_add_test(ts, allocation_failures);
	suite_add_tcase(s, ts);
	return s;
}
