/* SPDX-License-Identifier: MIT */
/* Attribution: path sets, the path-table reader and every model. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

#define EPS 1e-9
#define DAY ((int64_t)24 * 3600 * 1000)

static const char worked_csv[] =
	"path,conversions,nulls,value\n"
	"A > B > C,2,1,100\n"
	"A > C,1,2,30\n"
	"C > B > B,1,1,40\n"
	"C > A,0,2,0\n";

static tp_paths *
load(const char *csv)
{
	tp_paths *p = NULL;
	tp_error *e = tp_error_new();
	tp_status st = tp_paths_load_csv_string(csv, strlen(csv), "t.csv", NULL,
						&p, e);

	if (st) {
		char buf[512];

		tp_error_format(e, 0, buf, sizeof(buf));
		ck_abort_msg("load failed: %s: %s", tp_strerror(st), buf);
	}
	tp_error_free(e);
	return p;
}

static tp_attribution *
run(const tp_paths *p, tp_attribution_model m, const tp_attribution_options *o)
{
	tp_attribution *a = NULL;
	tp_status st = tp_attribution_compute(p, m, o, &a, NULL);

	ck_assert_msg(st == TP_OK, "%s: %s", tp_attribution_model_name(m),
		      tp_strerror(st));
	ck_assert_ptr_nonnull(a);
	return a;
}

/* The index of a named item in a result. */
static size_t
item(const tp_attribution *a, const char *name)
{
	size_t i;

	for (i = 0; i < tp_attribution_item_count(a); i++)
		if (strcmp(tp_attribution_item_id(a, i), name) == 0)
			return i;
	ck_abort_msg("no item %s", name);
	return 0;
}

#define ck_close(x, y) do { double x_ = (x), y_ = (y); \
	ck_assert_msg(fabs(x_ - y_) <= EPS * (1 + fabs(y_)), \
		      "%s = %.15g, expected %.15g", #x, x_, y_); } while (0)

static void
expect(const tp_attribution *a, const char *name, double conv, double value)
{
	size_t i = item(a, name);

	ck_close(tp_attribution_conversions(a, i), conv);
	if (!isnan(value))
		ck_close(tp_attribution_value(a, i), value);
	ck_close(tp_attribution_share(a, i),
		 conv / tp_attribution_total_conversions(a));
}

/* Attributed conversions and values add up to the input totals. */
static void
check_totals(const tp_paths *p, const tp_attribution *a)
{
	double c = 0, v = 0, s = 0;
	size_t i;

	ck_assert_uint_eq(tp_attribution_item_count(a), tp_paths_item_count(p));
	for (i = 0; i < tp_attribution_item_count(a); i++) {
		c += tp_attribution_conversions(a, i);
		v += tp_attribution_value(a, i);
		s += tp_attribution_share(a, i);
		ck_assert_msg(tp_attribution_conversions(a, i) >= -1e-12,
			      "negative credit");
	}
	ck_assert_msg(fabs(c - tp_paths_total_conversions(p)) <=
		      1e-9 * (1 + tp_paths_total_conversions(p)),
		      "%s: conversions %.17g != %.17g",
		      tp_attribution_model_name(tp_attribution_get_model(a)), c,
		      tp_paths_total_conversions(p));
	ck_assert_msg(fabs(v - tp_paths_total_value(p)) <=
		      1e-9 * (1 + tp_paths_total_value(p)),
		      "%s: value %.17g != %.17g",
		      tp_attribution_model_name(tp_attribution_get_model(a)), v,
		      tp_paths_total_value(p));
	if (tp_paths_total_conversions(p) > 0)
		ck_close(s, 1.0);
	ck_close(tp_attribution_total_conversions(a), tp_paths_total_conversions(p));
	ck_close(tp_attribution_total_value(a), tp_paths_total_value(p));
}

/* ---- the worked example ---- */

START_TEST(worked_path_set)
{
	tp_paths *p = load(worked_csv);

	ck_assert_uint_eq(tp_paths_count(p), 4);
	ck_assert_uint_eq(tp_paths_row_count(p), 4);
	ck_assert_uint_eq(tp_paths_item_count(p), 3);
	ck_assert_str_eq(tp_paths_item_name(p, 0), "A");
	ck_assert_str_eq(tp_paths_item_name(p, 1), "B");
	ck_assert_str_eq(tp_paths_item_name(p, 2), "C");
	ck_assert_ptr_null(tp_paths_item_name(p, 3));
	ck_assert_int_eq(tp_paths_find_item(p, "C"), 2);
	ck_assert_int_eq(tp_paths_find_item(p, "D"), TP_ENOTFOUND);
	ck_assert_uint_eq(tp_paths_path_length(p, 2), 3);
	ck_assert_int_eq(tp_paths_path_item(p, 2, 0), 2);
	ck_assert_int_eq(tp_paths_path_item(p, 2, 2), 1);
	ck_assert_int_eq(tp_paths_path_item(p, 2, 3), TP_EINVAL);
	ck_close(tp_paths_path_conversions(p, 1), 1);
	ck_close(tp_paths_path_nulls(p, 1), 2);
	ck_close(tp_paths_path_value(p, 1), 30);
	ck_close(tp_paths_total_conversions(p), 4);
	ck_close(tp_paths_total_nulls(p), 6);
	ck_close(tp_paths_total_value(p), 170);
	ck_assert_int_eq(tp_paths_timed(p), 0);
	ck_assert_int_eq(tp_paths_by(p), TP_ATTRIBUTION_BY_CHANNEL);
	tp_paths_free(p);
}
END_TEST

START_TEST(worked_first_last)
{
	tp_paths *p = load(worked_csv);
	tp_attribution *a = run(p, TP_ATTRIBUTION_FIRST, NULL);

	expect(a, "A", 3, 130);
	expect(a, "B", 0, 0);
	expect(a, "C", 1, 40);
	check_totals(p, a);
	ck_assert(isnan(tp_attribution_removal_effect(a, 0)));
	ck_assert_int_eq(tp_attribution_get_order(a), 0);
	tp_attribution_free(a);

	a = run(p, TP_ATTRIBUTION_LAST, NULL);
	expect(a, "A", 0, 0);
	expect(a, "B", 1, 40);
	expect(a, "C", 3, 130);
	check_totals(p, a);
	tp_attribution_free(a);

	/* No Direct item: the same as last touch. */
	a = run(p, TP_ATTRIBUTION_LAST_NON_DIRECT, NULL);
	expect(a, "A", 0, 0);
	expect(a, "B", 1, 40);
	expect(a, "C", 3, 130);
	tp_attribution_free(a);
	tp_paths_free(p);
}
END_TEST

START_TEST(worked_linear_position)
{
	tp_paths *p = load(worked_csv);
	tp_attribution *a = run(p, TP_ATTRIBUTION_LINEAR, NULL);

	expect(a, "A", 7.0 / 6, 100.0 / 3 + 15);
	expect(a, "B", 4.0 / 3, 100.0 / 3 + 80.0 / 3);
	expect(a, "C", 3.0 / 2, 100.0 / 3 + 15 + 40.0 / 3);
	check_totals(p, a);
	tp_attribution_free(a);

	a = run(p, TP_ATTRIBUTION_POSITION, NULL);
	expect(a, "A", 1.3, 40 + 15);
	expect(a, "B", 1.0, 20 + 24);
	expect(a, "C", 1.7, 40 + 15 + 16);
	check_totals(p, a);
	tp_attribution_free(a);
	tp_paths_free(p);
}
END_TEST

START_TEST(worked_markov)
{
	tp_paths *p = load(worked_csv);
	tp_attribution *a = run(p, TP_ATTRIBUTION_MARKOV, NULL);
	size_t A = item(a, "A"), B = item(a, "B"), C = item(a, "C");

	ck_close(tp_attribution_conversion_probability(a), 2.0 / 5);
	ck_close(tp_attribution_removal_effect(a, A), 27.0 / 44);
	ck_close(tp_attribution_removal_effect(a, B), 73.0 / 148);
	ck_close(tp_attribution_removal_effect(a, C), 71.0 / 80);
	/* Value removal effects, from V = 17 without removal. */
	ck_close(tp_attribution_value_removal_effect(a, A), 114.0 / 187);
	ck_close(tp_attribution_value_removal_effect(a, B), 304.0 / 629);
	ck_close(tp_attribution_value_removal_effect(a, C), 76.0 / 85);
	ck_assert_msg(fabs(tp_attribution_conversions(a, A) - 1.230731) < 5e-7, "A");
	ck_assert_msg(fabs(tp_attribution_conversions(a, B) - 0.989267) < 5e-7, "B");
	ck_assert_msg(fabs(tp_attribution_conversions(a, C) - 1.780002) < 5e-7, "C");
	ck_assert_msg(fabs(tp_attribution_value(a, A) - 52.155887) < 5e-7, "vA");
	ck_assert_msg(fabs(tp_attribution_value(a, B) - 41.348811) < 5e-7, "vB");
	ck_assert_msg(fabs(tp_attribution_value(a, C) - 76.495301) < 5e-7, "vC");
	{
		/* Exactly: RE / sum(RE) x 4. */
		double s = 27.0 / 44 + 73.0 / 148 + 71.0 / 80;
		double sv = 114.0 / 187 + 304.0 / 629 + 76.0 / 85;

		expect(a, "A", 27.0 / 44 / s * 4, 114.0 / 187 / sv * 170);
		expect(a, "B", 73.0 / 148 / s * 4, 304.0 / 629 / sv * 170);
		expect(a, "C", 71.0 / 80 / s * 4, 76.0 / 85 / sv * 170);
	}
	check_totals(p, a);
	ck_assert_int_eq(tp_attribution_get_order(a), 1);
	ck_assert_uint_eq(tp_attribution_state_count(a), 0);
	ck_assert_uint_eq(tp_attribution_transition_count(a), 0);
	tp_attribution_free(a);
	tp_paths_free(p);
}
END_TEST

static double
find_transition(const tp_attribution *a, const char *from, const char *to,
		double *weight)
{
	size_t i, f, t;
	double w, pr;

	for (i = 0; i < tp_attribution_transition_count(a); i++) {
		ck_assert_int_eq(tp_attribution_transition(a, i, &f, &t, &w, &pr), TP_OK);
		if (strcmp(tp_attribution_state_name(a, f), from) == 0 &&
		    strcmp(tp_attribution_state_name(a, t), to) == 0) {
			if (weight)
				*weight = w;
			return pr;
		}
	}
	return -1;
}

START_TEST(worked_markov_transitions)
{
	tp_paths *p = load(worked_csv);
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_attribution *a;
	double w = 0, sum;
	size_t i, f, t, prev_f = 0, prev_t = 0;

	o.transitions = 1;
	a = run(p, TP_ATTRIBUTION_MARKOV, &o);
	ck_assert_uint_eq(tp_attribution_state_count(a), 6);
	ck_assert_str_eq(tp_attribution_state_name(a, 0), "(start)");
	ck_assert_str_eq(tp_attribution_state_name(a, 1), "(conversion)");
	ck_assert_str_eq(tp_attribution_state_name(a, 2), "(null)");
	ck_assert_ptr_null(tp_attribution_state_name(a, 6));
	/* start->A, start->C; A->B, A->C, A->null; B->C, B->conv, B->null;
	 * C->A, C->B, C->conv, C->null. */
	ck_assert_uint_eq(tp_attribution_transition_count(a), 12);
	ck_close(find_transition(a, "(start)", "A", &w), 0.6);
	ck_close(w, 6);
	ck_close(find_transition(a, "A", "B", NULL), 3.0 / 8);
	ck_close(find_transition(a, "A", "(null)", NULL), 2.0 / 8);
	ck_close(find_transition(a, "B", "C", NULL), 3.0 / 5);
	ck_close(find_transition(a, "C", "(conversion)", &w), 3.0 / 10);
	ck_close(w, 3);
	ck_close(find_transition(a, "C", "A", NULL), 2.0 / 10);
	ck_assert(find_transition(a, "B", "A", NULL) < 0);
	/* Sorted by source then target; rows sum to 1. */
	for (i = 0; i < tp_attribution_transition_count(a); i++) {
		tp_attribution_transition(a, i, &f, &t, NULL, NULL);
		ck_assert(i == 0 || f > prev_f || (f == prev_f && t > prev_t));
		prev_f = f;
		prev_t = t;
	}
	for (f = 0; f < tp_attribution_state_count(a); f++) {
		if (f == 1 || f == 2)
			continue;
		sum = 0;
		for (i = 0; i < tp_attribution_transition_count(a); i++) {
			double pr;

			tp_attribution_transition(a, i, &prev_f, NULL, NULL, &pr);
			if (prev_f == f)
				sum += pr;
		}
		ck_close(sum, 1);
	}
	ck_assert_int_eq(tp_attribution_transition(a, 12, NULL, NULL, NULL, NULL),
			 TP_EINVAL);
	tp_attribution_free(a);
	tp_paths_free(p);
}
END_TEST

START_TEST(worked_shapley)
{
	tp_paths *p = load(worked_csv);
	tp_attribution *a = run(p, TP_ATTRIBUTION_SHAPLEY, NULL);

	/* r(ABC) = 2/3, r(AC) = 1/5, r(BC) = 1/2; phi = 29/90, 17/36,
	 * 103/180, sum 41/30. Value: 100/3, 6, 20; phi 127/9, 190/9, 217/9. */
	expect(a, "A", 116.0 / 123, 127.0 / 534 * 170);
	expect(a, "B", 170.0 / 123, 190.0 / 534 * 170);
	expect(a, "C", 206.0 / 123, 217.0 / 534 * 170);
	check_totals(p, a);
	tp_attribution_free(a);

	a = run(p, TP_ATTRIBUTION_SHAPLEY_SIMPLE, NULL);
	expect(a, "A", 7.0 / 6, 100.0 / 3 + 15);
	expect(a, "B", 7.0 / 6, 100.0 / 3 + 20);
	expect(a, "C", 5.0 / 3, 100.0 / 3 + 15 + 20);
	check_totals(p, a);
	tp_attribution_free(a);
	tp_paths_free(p);
}
END_TEST

/* The worked example as timed paths, as the journey store adds them. */
static tp_paths *
worked_timed(void)
{
	const int64_t T = (int64_t)1700000000000;
	const char *p1[] = { "A", "B", "C" }, *p2[] = { "A", "C" },
		*p3[] = { "C", "B", "B" }, *p4[] = { "C", "A" };
	int64_t t1[] = { T - 14 * DAY, T - 7 * DAY, T };
	int64_t t2[] = { T - 7 * DAY, T - 7 * DAY };
	int64_t t3[] = { T - 21 * DAY, T - 7 * DAY, T - 7 * DAY };
	tp_path d = TP_PATH_INIT;
	tp_paths *p;

	ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &p), TP_OK);
	/* Path 1 in two rows (1 + 1 conversions), to exercise merging
	 * of equal paths. */
	d.items = p1; d.n_items = 3; d.times = t1; d.conversion_time = T;
	d.conversions = 1; d.nulls = 1; d.value = 50;
	ck_assert_int_eq(tp_paths_add(p, &d, NULL), TP_OK);
	d.nulls = 0;
	ck_assert_int_eq(tp_paths_add(p, &d, NULL), TP_OK);
	d.items = p2; d.n_items = 2; d.times = t2;
	d.conversions = 1; d.nulls = 2; d.value = 30;
	ck_assert_int_eq(tp_paths_add(p, &d, NULL), TP_OK);
	d.items = p3; d.n_items = 3; d.times = t3;
	d.conversions = 1; d.nulls = 1; d.value = 40;
	ck_assert_int_eq(tp_paths_add(p, &d, NULL), TP_OK);
	/* A path without conversions needs no times. */
	d.items = p4; d.n_items = 2; d.times = NULL;
	d.conversions = 0; d.nulls = 2; d.value = 0;
	ck_assert_int_eq(tp_paths_add(p, &d, NULL), TP_OK);
	return p;
}

START_TEST(worked_time_decay)
{
	tp_paths *p = worked_timed(), *csv = load(worked_csv);
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_attribution *a = NULL;
	tp_error *e = tp_error_new();

	ck_assert_int_eq(tp_paths_timed(p), 1);
	ck_assert_uint_eq(tp_paths_count(p), 4);
	ck_assert_uint_eq(tp_paths_row_count(p), 5);
	a = run(p, TP_ATTRIBUTION_TIME_DECAY, NULL);
	/* Path 1: weights 1/4, 1/2, 1; path 2: equal; path 3: 1/8, 1/2, 1/2. */
	expect(a, "A", 2.0 / 7 + 0.5, 100.0 / 7 + 15);
	expect(a, "B", 4.0 / 7 + 8.0 / 9, 200.0 / 7 + 320.0 / 9);
	expect(a, "C", 8.0 / 7 + 0.5 + 1.0 / 9, 400.0 / 7 + 15 + 40.0 / 9);
	check_totals(p, a);
	tp_attribution_free(a);

	/* A 14-day half-life: path 1 weights 1/2, 2^-1/2, 1. */
	o.half_life_ms = 14 * DAY;
	a = run(p, TP_ATTRIBUTION_TIME_DECAY, &o);
	{
		double w1 = 0.5, w2 = sqrt(0.5), w3 = 1, s = w1 + w2 + w3;
		double s3 = pow(2, -1.5) + 2 * pow(2, -0.5);

		expect(a, "A", 2 * w1 / s + 0.5, NAN);
		expect(a, "B", 2 * w2 / s + 2 * pow(2, -0.5) / s3, NAN);
	}
	check_totals(p, a);
	tp_attribution_free(a);

	/* A path table has no times: time decay says so. */
	a = NULL;
	ck_assert_int_eq(tp_attribution_compute(csv, TP_ATTRIBUTION_TIME_DECAY,
						NULL, &a, e), TP_EEMPTY);
	ck_assert_ptr_null(a);
	ck_assert_uint_eq(tp_error_count(e), 1);
	ck_assert_ptr_nonnull(strstr(tp_error_message(e, 0), "time"));
	tp_error_free(e);
	tp_paths_free(csv);
	tp_paths_free(p);
}
END_TEST

static void
assert_same(const tp_attribution *a, const tp_attribution *b)
{
	size_t i;

	ck_assert_uint_eq(tp_attribution_item_count(a), tp_attribution_item_count(b));
	for (i = 0; i < tp_attribution_item_count(a); i++) {
		ck_assert_str_eq(tp_attribution_item_id(a, i), tp_attribution_item_id(b, i));
		ck_close(tp_attribution_conversions(a, i), tp_attribution_conversions(b, i));
		ck_close(tp_attribution_value(a, i), tp_attribution_value(b, i));
	}
}

/* A path table and the same data added as timed paths agree on every
 * model that both can run. */
START_TEST(input_forms_agree)
{
	tp_paths *t = worked_timed(), *c = load(worked_csv);
	int m;

	for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++) {
		tp_attribution *a, *b;

		if (m == TP_ATTRIBUTION_TIME_DECAY)
			continue;
		a = run(t, (tp_attribution_model)m, NULL);
		b = run(c, (tp_attribution_model)m, NULL);
		assert_same(a, b);
		tp_attribution_free(a);
		tp_attribution_free(b);
	}
	tp_paths_free(t);
	tp_paths_free(c);
}
END_TEST

/* ---- random data: totals, merging ---- */

static uint64_t rng_state;

static uint32_t
rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)((rng_state >> 33) % n);
}

static const char *const names[] = {
	"c00", "c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08", "c09",
	"c10", "c11", "c12", "c13", "c14", "c15", "c16", "c17", "c18", "c19",
	"c20", "c21", "c22", "c23",
};

/* Add `rows` random timed rows over `channels` channels to p. */
static void
random_rows(tp_paths *p, unsigned rows, unsigned channels, unsigned maxlen)
{
	unsigned r, k;

	for (r = 0; r < rows; r++) {
		const char *items[16];
		int64_t times[16];
		tp_path d = TP_PATH_INIT;
		unsigned n = 1 + rnd(maxlen);

		for (k = 0; k < n; k++) {
			items[k] = names[rnd(channels)];
			times[k] = (int64_t)k * 3600 * 1000 * (1 + rnd(48));
			if (k)
				times[k] += times[k - 1];
		}
		d.items = items;
		d.n_items = n;
		d.times = times;
		d.conversion_time = times[n - 1] + rnd(5) * DAY;
		d.conversions = rnd(3);
		d.nulls = rnd(4);
		if (d.conversions + d.nulls == 0)
			d.nulls = 1;
		d.value = d.conversions ? rnd(1000) / 10.0 : 0;
		ck_assert_int_eq(tp_paths_add(p, &d, NULL), TP_OK);
	}
}

START_TEST(totals_random)
{
	static const unsigned channels[] = { 1, 2, 5, 12, 24 };
	size_t ci;

	rng_state = 12345;
	for (ci = 0; ci < sizeof(channels) / sizeof(channels[0]); ci++) {
		tp_paths *p;
		int m, order;

		ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &p), TP_OK);
		random_rows(p, 400, channels[ci], 8);
		for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++) {
			tp_attribution *a = run(p, (tp_attribution_model)m, NULL);

			check_totals(p, a);
			tp_attribution_free(a);
		}
		for (order = 2; order <= TP_ATTRIBUTION_MAX_ORDER; order++) {
			tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
			tp_attribution *a;

			o.order = order;
			a = run(p, TP_ATTRIBUTION_MARKOV, &o);
			check_totals(p, a);
			tp_attribution_free(a);
		}
		tp_paths_free(p);
	}
}
END_TEST

START_TEST(merge_equals_whole)
{
	tp_paths *whole, *a, *b;
	int m;

	ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_TOUCHPOINT, &whole), TP_OK);
	ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_TOUCHPOINT, &a), TP_OK);
	ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_TOUCHPOINT, &b), TP_OK);
	rng_state = 99;
	random_rows(whole, 300, 6, 6);
	rng_state = 99;
	random_rows(a, 150, 6, 6);
	random_rows(b, 150, 6, 6);
	ck_assert_int_eq(tp_paths_merge(a, b), TP_OK);
	ck_assert_uint_eq(tp_paths_count(a), tp_paths_count(whole));
	ck_assert_uint_eq(tp_paths_row_count(a), 300);
	ck_assert_uint_eq(tp_paths_item_count(a), tp_paths_item_count(whole));
	ck_close(tp_paths_total_value(a), tp_paths_total_value(whole));
	for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++) {
		tp_attribution *x = run(a, (tp_attribution_model)m, NULL);
		tp_attribution *y = run(whole, (tp_attribution_model)m, NULL);

		ck_assert_int_eq(tp_attribution_get_by(x), TP_ATTRIBUTION_BY_TOUCHPOINT);
		assert_same(x, y);
		tp_attribution_free(x);
		tp_attribution_free(y);
	}
	ck_assert_int_eq(tp_paths_merge(a, a), TP_EINVAL);
	ck_assert_int_eq(tp_paths_merge(NULL, a), TP_EINVAL);
	tp_paths_free(whole);
	tp_paths_free(b);
	/* Different labels do not merge. */
	ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &b), TP_OK);
	ck_assert_int_eq(tp_paths_merge(a, b), TP_EMISMATCH);
	tp_paths_free(a);
	tp_paths_free(b);
}
END_TEST

/* Merging an untimed set keeps time decay refused. */
START_TEST(merge_untimed)
{
	tp_paths *t = worked_timed(), *c = load(worked_csv);

	ck_assert_int_eq(tp_paths_timed(t), 1);
	ck_assert_int_eq(tp_paths_merge(t, c), TP_OK);
	ck_assert_int_eq(tp_paths_timed(t), 0);
	ck_assert_uint_eq(tp_paths_count(t), 4);
	ck_close(tp_paths_total_conversions(t), 8);
	tp_paths_free(t);
	tp_paths_free(c);
}
END_TEST

/* ---- degenerate inputs ---- */

START_TEST(degenerate_empty)
{
	tp_paths *p = load("path,conversions,nulls,value\n");
	tp_paths *q;
	int m;

	ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_UNKNOWN, &q), TP_OK);
	ck_assert_uint_eq(tp_paths_count(p), 0);
	for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++) {
		tp_attribution *a = run(p, (tp_attribution_model)m, NULL);
		tp_attribution *b = run(q, (tp_attribution_model)m, NULL);

		ck_assert_uint_eq(tp_attribution_item_count(a), 0);
		ck_assert_uint_eq(tp_attribution_item_count(b), 0);
		ck_assert(tp_attribution_total_conversions(a) == 0);
		ck_assert(isnan(tp_attribution_conversions(a, 0)));
		ck_assert_ptr_null(tp_attribution_item_id(a, 0));
		tp_attribution_free(a);
		tp_attribution_free(b);
	}
	tp_paths_free(p);
	tp_paths_free(q);
}
END_TEST

START_TEST(degenerate_no_conversions)
{
	tp_paths *p = load("path,conversions,nulls\nA > B,0,3\nB,0,1\nC > A > C,0,2\n");
	int m;

	for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++) {
		tp_attribution *a;
		size_t i;

		if (m == TP_ATTRIBUTION_TIME_DECAY) {
			/* Nothing converted: no times needed. */
			ck_assert_int_eq(tp_paths_timed(p), 1);
		}
		a = run(p, (tp_attribution_model)m, NULL);
		ck_assert_uint_eq(tp_attribution_item_count(a), 3);
		for (i = 0; i < 3; i++) {
			ck_assert(tp_attribution_conversions(a, i) == 0);
			ck_assert(tp_attribution_value(a, i) == 0);
			ck_assert(tp_attribution_share(a, i) == 0);
		}
		if (m == TP_ATTRIBUTION_MARKOV) {
			ck_assert(tp_attribution_removal_effect(a, 0) == 0);
			ck_assert(tp_attribution_conversion_probability(a) == 0);
		}
		tp_attribution_free(a);
	}
	tp_paths_free(p);
}
END_TEST

START_TEST(degenerate_one_channel)
{
	tp_paths *p = load("path,conversions,nulls,value\nA,2,1,10\nA > A > A,1,5,7\n");
	int m;

	/* A > A > A is a path of its own (linear counts repeats). */
	ck_assert_uint_eq(tp_paths_count(p), 2);
	for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++) {
		tp_attribution *a;

		if (m == TP_ATTRIBUTION_TIME_DECAY)
			continue;
		a = run(p, (tp_attribution_model)m, NULL);
		expect(a, "A", 3, 17);
		tp_attribution_free(a);
	}
	{
		tp_attribution *a = run(p, TP_ATTRIBUTION_MARKOV, NULL);

		/* Repeats merge: both paths are the state A; P = 3/9. */
		ck_close(tp_attribution_conversion_probability(a), 3.0 / 9);
		ck_close(tp_attribution_removal_effect(a, 0), 1);
		tp_attribution_free(a);
	}
	tp_paths_free(p);
}
END_TEST

START_TEST(degenerate_identical_paths)
{
	tp_paths *p = load("path,conversions,nulls,value\n"
			   "A > B,1,0,5\nA > B,1,2,5\n\"A > B\",0,1,0\n");
	tp_paths *q = load("path,conversions,nulls,value\nA > B,2,3,10\n");
	int m;

	ck_assert_uint_eq(tp_paths_count(p), 1);
	ck_assert_uint_eq(tp_paths_row_count(p), 3);
	ck_close(tp_paths_path_conversions(p, 0), 2);
	ck_close(tp_paths_path_nulls(p, 0), 3);
	for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++) {
		tp_attribution *a, *b;

		if (m == TP_ATTRIBUTION_TIME_DECAY)
			continue;
		a = run(p, (tp_attribution_model)m, NULL);
		b = run(q, (tp_attribution_model)m, NULL);
		assert_same(a, b);
		check_totals(p, a);
		tp_attribution_free(a);
		tp_attribution_free(b);
	}
	tp_paths_free(p);
	tp_paths_free(q);
}
END_TEST

START_TEST(degenerate_length_one)
{
	tp_paths *p = load("path,conversions,nulls,value\nA,3,1,30\nB,1,3,10\nC,0,4,0\n");
	int m;

	for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++) {
		tp_attribution *a;

		if (m == TP_ATTRIBUTION_TIME_DECAY)
			continue;
		a = run(p, (tp_attribution_model)m, NULL);
		/* With single touches every model agrees. */
		expect(a, "A", 3, 30);
		expect(a, "B", 1, 10);
		expect(a, "C", 0, 0);
		if (m == TP_ATTRIBUTION_MARKOV) {
			/* P = (3 + 1) / 12; without A: 1/12. */
			ck_close(tp_attribution_removal_effect(a, 0), 0.75);
			ck_close(tp_attribution_removal_effect(a, 1), 0.25);
			ck_close(tp_attribution_removal_effect(a, 2), 0);
		}
		tp_attribution_free(a);
	}
	tp_paths_free(p);
}
END_TEST

/* D appears only on paths that never convert. */
START_TEST(degenerate_never_converts)
{
	tp_paths *p = load("path,conversions,nulls,value\n"
			   "A > B,2,1,20\nD,0,5,0\nD > D,0,1,0\nB,1,1,5\n");
	int m;

	for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++) {
		tp_attribution *a;

		if (m == TP_ATTRIBUTION_TIME_DECAY)
			continue;
		a = run(p, (tp_attribution_model)m, NULL);
		expect(a, "D", 0, 0);
		check_totals(p, a);
		if (m == TP_ATTRIBUTION_MARKOV)
			ck_close(tp_attribution_removal_effect(a, item(a, "D")), 0);
		tp_attribution_free(a);
	}
	tp_paths_free(p);
}
END_TEST

/* Cycles: A and B alternate before converting. */
START_TEST(degenerate_cycles)
{
	tp_paths *p = load("path,conversions,nulls,value\n"
			   "A > B > A > B > C,1,0,10\nB > A,0,1,0\nA > B > A,1,1,10\n");
	tp_attribution *a = run(p, TP_ATTRIBUTION_MARKOV, NULL);

	/*
	 * start: A 3 (paths 1 and 3), B 1 (path 2): 3/4, 1/4.
	 * A: -> B 1 + 1 + 2 = 4, -> conversion 1, -> null 1 + 1; out 7.
	 * B: -> A 1 + 1 + 2 = 4, -> C 1; out 5. C: -> conversion 1.
	 * x_A = 1/7 + 4/7 x_B, x_B = 4/5 x_A + 1/5: x_A = 9/19, x_B = 11/19,
	 * P = 27/76 + 11/76 = 1/2, the observed rate (as it always is).
	 */
	ck_close(tp_attribution_conversion_probability(a), 0.5);
	/* Without C: x_B = 4/5 x_A, x_A = 5/19, x_B = 4/19: P = 1/4. */
	ck_close(tp_attribution_removal_effect(a, item(a, "C")), 0.5);
	/* Without A: from B only B -> C -> conversion, 1/5: P = 1/20. */
	ck_close(tp_attribution_removal_effect(a, item(a, "A")), 0.9);
	/* Without B: from A, 1/7 directly: P = 3/28. */
	ck_close(tp_attribution_removal_effect(a, item(a, "B")), 1 - 3.0 / 14);
	check_totals(p, a);
	tp_attribution_free(a);
	tp_paths_free(p);
}
END_TEST

/* ---- Markov orders ---- */

static void
markov_case(const char *csv, int order, const char *const *ids,
	    const double *conv)
{
	tp_paths *p = load(csv);
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_attribution *a;
	size_t i;

	o.order = order;
	a = run(p, TP_ATTRIBUTION_MARKOV, &o);
	ck_assert_int_eq(tp_attribution_get_order(a), order);
	for (i = 0; ids[i]; i++) {
		size_t k = item(a, ids[i]);

		ck_assert_msg(fabs(tp_attribution_conversions(a, k) - conv[i]) < EPS,
			      "order %d, %s: %.15g, expected %.15g", order, ids[i],
			      tp_attribution_conversions(a, k), conv[i]);
	}
	check_totals(p, a);
	tp_attribution_free(a);
	tp_paths_free(p);
}

START_TEST(markov_orders)
{
	static const char *abc[] = { "A", "B", "C", NULL };
	static const char *abcd[] = { "A", "B", "C", "D", NULL };
	static const char *abcde[] = { "A", "B", "C", "D", "E", NULL };
	const char *two = "path,conversions,nulls\nA > B,1,0\nC > B,0,1\n";
	const char *three = "path,conversions,nulls\nA > B > C,1,0\nD > B > C,0,1\n";
	const char *four = "path,conversions,nulls\n"
		"A > B > C > D,1,0\nE > B > C > D,0,1\n";
	/* Order 1: B and its mixing: RE A 1/2, B 1, C 1/2. */
	double o1[] = { 0.25, 0.5, 0.25 };
	/* Order 2 tells A > B (converts) from C > B (does not). */
	double o2[] = { 0.5, 0.5, 0 };
	/* three: order 2 mixes at (B, C): RE A 1/2, B 1, C 1, D 1/2. */
	double t2[] = { 1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6 };
	double t3[] = { 1.0 / 3, 1.0 / 3, 1.0 / 3, 0 };
	/* four: order 3 mixes at (B, C, D), order 4 does not. */
	double f3[] = { 0.125, 0.25, 0.25, 0.25, 0.125 };
	double f4[] = { 0.25, 0.25, 0.25, 0.25, 0 };

	markov_case(two, 1, abc, o1);
	markov_case(two, 2, abc, o2);
	markov_case(two, 3, abc, o2);
	markov_case(three, 2, abcd, t2);
	markov_case(three, 3, abcd, t3);
	markov_case(three, 4, abcd, t3);
	markov_case(four, 3, abcde, f3);
	markov_case(four, 4, abcde, f4);
	/* Repeats merge before states are formed: A > A > B is A > B. */
	markov_case("path,conversions,nulls\nA > A > B,1,0\nC > B > B,0,1\n",
		    2, abc, o2);
}
END_TEST

START_TEST(markov_order_states)
{
	tp_paths *p = load("path,conversions,nulls\nA > B > C,1,0\n");
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_attribution *a;

	o.order = 2;
	o.transitions = 1;
	a = run(p, TP_ATTRIBUTION_MARKOV, &o);
	/* (start) (conversion) (null) A, A > B, B > C */
	ck_assert_uint_eq(tp_attribution_state_count(a), 6);
	ck_assert_str_eq(tp_attribution_state_name(a, 3), "A");
	ck_assert_str_eq(tp_attribution_state_name(a, 4), "A > B");
	ck_assert_str_eq(tp_attribution_state_name(a, 5), "B > C");
	ck_close(find_transition(a, "A > B", "B > C", NULL), 1);
	ck_close(find_transition(a, "B > C", "(conversion)", NULL), 1);
	tp_attribution_free(a);
	tp_paths_free(p);
}
END_TEST

/* ---- other models' options ---- */

START_TEST(last_non_direct)
{
	tp_paths *p = load("path,conversions,nulls,value\n"
			   "Email > Direct,2,0,20\n"
			   "Search > direct > DIRECT,1,0,10\n"
			   "Direct > Direct,1,0,5\n"
			   "Direct > Email > Direct > Search > Direct,1,0,1\n");
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_attribution *a = run(p, TP_ATTRIBUTION_LAST_NON_DIRECT, NULL);

	/* Direct matches any case; a Direct-only path keeps last touch. */
	expect(a, "Email", 2, 20);
	expect(a, "Search", 2, 11);
	expect(a, "Direct", 1, 5);
	expect(a, "direct", 0, 0);
	check_totals(p, a);
	tp_attribution_free(a);

	o.excluded = "email";
	a = run(p, TP_ATTRIBUTION_LAST_NON_DIRECT, &o);
	expect(a, "Direct", 4, 26);
	expect(a, "DIRECT", 1, 10);
	tp_attribution_free(a);
	tp_paths_free(p);
}
END_TEST

START_TEST(position_shares)
{
	tp_paths *p = load("path,conversions,nulls,value\n"
			   "A > B,1,0,10\nA > B > C > D,1,0,0\nB,1,0,0\n");
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_attribution *a;

	o.first_share = 0.3;
	o.last_share = 0.5;
	a = run(p, TP_ATTRIBUTION_POSITION, &o);
	/* Two touches split first : last = 3 : 5. */
	expect(a, "A", 0.375 + 0.3, 3.75);
	expect(a, "B", 0.625 + 0.1 + 1, 6.25);
	expect(a, "C", 0.1, 0);
	expect(a, "D", 0.5, 0);
	tp_attribution_free(a);

	/* All to the ends: the middle gets nothing, two touches 50/50. */
	o.first_share = 0.5;
	o.last_share = 0.5;
	a = run(p, TP_ATTRIBUTION_POSITION, &o);
	expect(a, "C", 0, 0);
	expect(a, "A", 1, 5);
	tp_attribution_free(a);
	tp_paths_free(p);
}
END_TEST

START_TEST(bad_options)
{
	tp_paths *p = load(worked_csv);
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_attribution *a = (tp_attribution *)&o;
	tp_error *e = tp_error_new();

	o.order = 5;
	ck_assert_int_eq(tp_attribution_compute(p, TP_ATTRIBUTION_MARKOV, &o, &a, e),
			 TP_EINVAL);
	ck_assert_ptr_null(a);
	ck_assert_ptr_nonnull(strstr(tp_error_message(e, 0), "order"));
	o.order = 0;
	ck_assert_int_eq(tp_attribution_compute(p, TP_ATTRIBUTION_MARKOV, &o, &a, NULL),
			 TP_EINVAL);
	o.order = 1;
	o.first_share = 0.7;
	ck_assert_int_eq(tp_attribution_compute(p, TP_ATTRIBUTION_POSITION, &o, &a, NULL),
			 TP_EINVAL);
	o.first_share = -0.1;
	ck_assert_int_eq(tp_attribution_compute(p, TP_ATTRIBUTION_POSITION, &o, &a, NULL),
			 TP_EINVAL);
	o.first_share = 0.4;
	o.half_life_ms = 0;
	ck_assert_int_eq(tp_attribution_compute(p, TP_ATTRIBUTION_LINEAR, &o, &a, NULL),
			 TP_EINVAL);
	o = (tp_attribution_options)TP_ATTRIBUTION_OPTIONS_INIT;
	o.size = 0;
	ck_assert_int_eq(tp_attribution_compute(p, TP_ATTRIBUTION_LINEAR, &o, &a, NULL),
			 TP_EINVAL);
	ck_assert_int_eq(tp_attribution_compute(p, TP_ATTRIBUTION_UNKNOWN, NULL, &a, NULL),
			 TP_EINVAL);
	ck_assert_int_eq(tp_attribution_compute(p, (tp_attribution_model)99, NULL, &a, NULL),
			 TP_EINVAL);
	ck_assert_int_eq(tp_attribution_compute(NULL, TP_ATTRIBUTION_LINEAR, NULL, &a, NULL),
			 TP_EINVAL);
	ck_assert_int_eq(tp_attribution_compute(p, TP_ATTRIBUTION_LINEAR, NULL, NULL, NULL),
			 TP_EINVAL);
	tp_error_free(e);
	tp_paths_free(p);
}
END_TEST

START_TEST(model_names)
{
	tp_attribution_model m;
	tp_attribution_by b;
	int i;

	for (i = 1; i <= TP_ATTRIBUTION_MODEL_LAST; i++) {
		ck_assert_ptr_nonnull(tp_attribution_model_name((tp_attribution_model)i));
		ck_assert_int_eq(tp_attribution_model_parse(
			tp_attribution_model_name((tp_attribution_model)i), &m), TP_OK);
		ck_assert_int_eq(m, i);
	}
	ck_assert_str_eq(tp_attribution_model_name(TP_ATTRIBUTION_LAST_NON_DIRECT),
			 "last_non_direct");
	ck_assert_ptr_null(tp_attribution_model_name(TP_ATTRIBUTION_UNKNOWN));
	ck_assert_ptr_null(tp_attribution_model_name((tp_attribution_model)10));
	ck_assert_int_eq(tp_attribution_model_parse("MARKOV", &m), TP_OK);
	ck_assert_int_eq(m, TP_ATTRIBUTION_MARKOV);
	ck_assert_int_eq(tp_attribution_model_parse("all", &m), TP_ENOTFOUND);
	ck_assert_int_eq(tp_attribution_model_parse(NULL, &m), TP_EINVAL);
	for (i = 0; i <= TP_ATTRIBUTION_BY_LAST; i++) {
		ck_assert_int_eq(tp_attribution_by_parse(
			tp_attribution_by_name((tp_attribution_by)i), &b), TP_OK);
		ck_assert_int_eq(b, i);
	}
	ck_assert_str_eq(tp_attribution_by_name(TP_ATTRIBUTION_BY_CHANNEL_GROUP),
			 "channel_group");
	ck_assert_ptr_null(tp_attribution_by_name((tp_attribution_by)6));
	ck_assert_int_eq(tp_attribution_by_parse("medium", &b), TP_ENOTFOUND);
}
END_TEST

/* ---- Shapley against the definition ---- */

/* v(S) = sum over exact item sets T in S of r(T), by brute force from the
 * path set's accessors; phi with factorial weights, shared out of the
 * totals. */
static void
brute_shapley(const tp_paths *p, double *conv, double *value)
{
	size_t n = tp_paths_item_count(p), full = (size_t)1 << n, S, T, i, k;
	double c[1 << 10] = { 0 }, v[1 << 10] = { 0 }, w[1 << 10] = { 0 };
	double phic[10] = { 0 }, phiv[10] = { 0 }, sc = 0, sv = 0, fact[11];

	ck_assert_uint_le(n, 10);
	fact[0] = 1;
	for (i = 1; i <= 10; i++)
		fact[i] = fact[i - 1] * (double)i;
	for (i = 0; i < tp_paths_count(p); i++) {
		size_t mask = 0;

		for (k = 0; k < tp_paths_path_length(p, i); k++)
			mask |= (size_t)1 << tp_paths_path_item(p, i, k);
		c[mask] += tp_paths_path_conversions(p, i);
		v[mask] += tp_paths_path_value(p, i);
		w[mask] += tp_paths_path_conversions(p, i) + tp_paths_path_nulls(p, i);
	}
	for (k = 0; k < n; k++) {
		for (S = 0; S < full; S++) {
			double wc = 0, wv = 0, with_c = 0, with_v = 0;
			size_t size = 0;

			if (S & ((size_t)1 << k))
				continue;
			for (T = 0; T < full; T++) {
				if (!w[T])
					continue;
				if ((T & S) == T) {
					wc += c[T] / w[T];
					wv += v[T] / w[T];
				}
				if ((T & (S | ((size_t)1 << k))) == T) {
					with_c += c[T] / w[T];
					with_v += v[T] / w[T];
				}
			}
			for (T = S; T; T &= T - 1)
				size++;
			phic[k] += fact[size] * fact[n - size - 1] / fact[n] * (with_c - wc);
			phiv[k] += fact[size] * fact[n - size - 1] / fact[n] * (with_v - wv);
		}
	}
	for (k = 0; k < n; k++) {
		sc += phic[k];
		sv += phiv[k];
	}
	for (k = 0; k < n; k++) {
		conv[k] = sc > 0 ? phic[k] / sc * tp_paths_total_conversions(p) : 0;
		value[k] = sv > 0 ? phiv[k] / sv * tp_paths_total_value(p) : 0;
	}
}

START_TEST(shapley_brute_force)
{
	static const unsigned sizes[] = { 1, 2, 3, 5, 8 };
	size_t si;

	rng_state = 777;
	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		tp_paths *p;
		tp_attribution *a;
		double conv[10], value[10];
		size_t k;

		ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &p), TP_OK);
		random_rows(p, 60, sizes[si], 5);
		a = run(p, TP_ATTRIBUTION_SHAPLEY, NULL);
		brute_shapley(p, conv, value);
		for (k = 0; k < tp_paths_item_count(p); k++) {
			ck_close(tp_attribution_conversions(a, k), conv[k]);
			ck_close(tp_attribution_value(a, k), value[k]);
		}
		check_totals(p, a);
		tp_attribution_free(a);
		tp_paths_free(p);
	}
}
END_TEST

/* 20 channels: all 2^20 coalitions; 24: the dividend form. When every
 * path has one channel the game is additive, v(S) = sum of r({c}) over S,
 * so phi(c) = r({c}) exactly. */
START_TEST(shapley_many_channels)
{
	static const unsigned sizes[] = { 20, 24 };
	size_t si, k;

	for (si = 0; si < 2; si++) {
		tp_paths *p;
		tp_attribution *a;
		double rates = 0;

		ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &p), TP_OK);
		/* Channel k alone: converts (k + 1) of (k + 1) + 3 journeys. */
		for (k = 0; k < sizes[si]; k++) {
			const char *items[1] = { names[k] };
			tp_path d = TP_PATH_INIT;

			d.items = items;
			d.n_items = 1;
			d.conversions = (double)(k + 1);
			d.nulls = 3;
			d.value = 2.0 * (double)(k + 1);
			ck_assert_int_eq(tp_paths_add(p, &d, NULL), TP_OK);
			rates += (double)(k + 1) / (double)(k + 4);
		}
		a = run(p, TP_ATTRIBUTION_SHAPLEY, NULL);
		for (k = 0; k < sizes[si]; k++)
			ck_close(tp_attribution_conversions(a, k),
				 (double)(k + 1) / (double)(k + 4) / rates *
				 tp_paths_total_conversions(p));
		check_totals(p, a);
		tp_attribution_free(a);
		tp_paths_free(p);
	}
}
END_TEST

/* ---- tp_paths_add ---- */

START_TEST(add_validation)
{
	tp_paths *p;
	tp_path d = TP_PATH_INIT;
	const char *ok[] = { "A", "B" }, *empty[] = { "A", "" },
		*bad[] = { "A", "\xff" };
	int64_t back[] = { 10, 5 }, fwd[] = { 5, 10 };
	uint32_t ids[] = { 0, 7 }, id;
	tp_error *e = tp_error_new();

	ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &p), TP_OK);
	ck_assert_int_eq(tp_paths_new((tp_attribution_by)9, &p), TP_EINVAL);
	d.items = ok;
	d.n_items = 2;
	d.conversions = 1;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_OK);
	d.n_items = 0;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_EINVAL);
	d.n_items = 2;
	d.conversions = -1;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_EINVAL);
	d.conversions = NAN;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_EINVAL);
	d.conversions = 0;
	d.value = 5;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_EINVAL);
	d.conversions = 1;
	d.times = back;
	d.conversion_time = 20;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_EINVAL);
	d.times = fwd;
	d.conversion_time = 9;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_EINVAL);
	d.times = NULL;
	d.items = empty;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_EINVAL);
	d.items = bad;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_EUTF8);
	d.items = NULL;
	d.item_ids = ids;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_EINVAL);
	d.item_ids = NULL;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_EINVAL);
	d.size = 0;
	d.items = ok;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_EINVAL);
	/* Every refusal left the set as it was, with a message. */
	ck_assert_uint_eq(tp_paths_count(p), 1);
	ck_assert_uint_eq(tp_paths_row_count(p), 1);
	ck_assert_uint_eq(tp_paths_item_count(p), 2);
	ck_assert_uint_eq(tp_error_count(e), 10);

	/* By id. */
	ck_assert_int_eq(tp_paths_intern(p, "B", 1, &id), TP_OK);
	ck_assert_uint_eq(id, 1);
	ck_assert_int_eq(tp_paths_intern(p, "Cxyz", 1, &id), TP_OK);
	ck_assert_uint_eq(id, 2);
	ck_assert_str_eq(tp_paths_item_name(p, 2), "C");
	ck_assert_int_eq(tp_paths_intern(p, "", 0, &id), TP_EINVAL);
	ck_assert_int_eq(tp_paths_intern(p, "\xc3", 1, &id), TP_EUTF8);
	ids[1] = 1;
	d = (tp_path)TP_PATH_INIT;
	d.item_ids = ids;
	d.n_items = 2;
	d.nulls = 2;
	ck_assert_int_eq(tp_paths_add(p, &d, e), TP_OK);
	ck_assert_uint_eq(tp_paths_count(p), 1);
	ck_close(tp_paths_path_nulls(p, 0), 2);
	tp_error_free(e);
	tp_paths_free(p);
}
END_TEST

/* ---- the path-table reader ---- */

struct csv_fault {
	const char *csv;
	tp_status code;
	unsigned long line, column;
	const char *words;   /* a piece of the message */
};

START_TEST(csv_errors)
{
	static const struct csv_fault cases[] = {
		{ "", TP_ESCHEMA, 1, 1, "empty" },
		{ "path,nulls\nA,1\n", TP_ESCHEMA, 1, 1, "conversions" },
		{ "path,conversions,path\nA,1,B\n", TP_ESCHEMA, 1, 18, "twice" },
		{ "path,conversions,nulls,value\nA > B,1\n", TP_ESCHEMA, 2, 1, "expected 4 fields, found 2" },
		{ "path,conversions,nulls,value\nA,1,0,0,9\n", TP_ESCHEMA, 2, 9, "found 5" },
		{ "path,conversions,nulls,value\n\nA,-1,0,0\n", TP_ESCHEMA, 3, 3, "negative" },
		{ "path,conversions,nulls,value\nA,1,x,0\n", TP_ESCHEMA, 2, 5, "nulls is not a number" },
		{ "path,conversions,nulls,value\nA,1,0x10,0\n", TP_ESCHEMA, 2, 5, "not a number" },
		{ "path,conversions,nulls,value\nA,1,1,\n", TP_ESCHEMA, 2, 7, "missing" },
		{ "path,conversions,nulls,value\nA,0,1,5\n", TP_ESCHEMA, 2, 7, "value" },
		{ "path,conversions,nulls,value\nA >  > B,1,0,0\n", TP_ESCHEMA, 2, 5, "empty item" },
		{ "path,conversions,nulls,value\n > B,1,0,0\n", TP_ESCHEMA, 2, 1, "empty item" },
		{ "path,conversions,nulls,value\nA > ,1,0,0\n", TP_ESCHEMA, 2, 5, "empty item" },
		{ "path,conversions,nulls,value\n  ,1,0,0\n", TP_ESCHEMA, 2, 1, "path is empty" },
		{ "path,conversions,nulls,value\n\"A > B,1,0,0\n", TP_ESYNTAX, 2, 1, "unterminated" },
		{ "path,conversions,nulls,value\n\"A\"x,1,0,0\n", TP_ESYNTAX, 2, 4, "closing quote" },
		{ "path,conversions,nulls,value\nA\"B,1,0,0\n", TP_ESYNTAX, 2, 2, "quote inside" },
		{ "path,conversions,nulls,value\n\"A >\nB\",1,0,0\nC,-1,0,0\n", TP_ESCHEMA, 4, 3, "negative" },
		{ "path,conversions,nulls,value\n\"\"\"A\"\" >  > B\",1,0,0\n", TP_ESCHEMA, 2, 10, "empty item" },
		{ "path,conversions,nulls,value\n\"A\n >  > B\",1,0,0\n", TP_ESCHEMA, 3, 4, "empty item" },
		{ "path,conversions,nulls,value\nA\xff,1,0,0\n", TP_EUTF8, 2, 2, "UTF-8" },
		{ "\xef\xbb\xbfpath,conversions\r\nA,1\r\nB,1,2\r\n", TP_ESCHEMA, 3, 5, "found 3" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct csv_fault *c = &cases[i];
		tp_error *e = tp_error_new();
		tp_paths *p = (tp_paths *)e;
		tp_status st = tp_paths_load_csv_string(c->csv, strlen(c->csv),
							"bad.csv", NULL, &p, e);

		ck_assert_msg(st == c->code, "case %zu: %s", i, tp_strerror(st));
		ck_assert_ptr_null(p);
		ck_assert_msg(tp_error_count(e) >= 1, "case %zu", i);
		ck_assert_str_eq(tp_error_source(e, 0), "bad.csv");
		ck_assert_msg(tp_error_line(e, 0) == c->line &&
			      tp_error_column(e, 0) == c->column,
			      "case %zu: %lu:%lu, expected %lu:%lu (%s)", i,
			      tp_error_line(e, 0), tp_error_column(e, 0),
			      c->line, c->column, tp_error_message(e, 0));
		ck_assert_msg(strstr(tp_error_message(e, 0), c->words),
			      "case %zu: '%s' lacks '%s'", i,
			      tp_error_message(e, 0), c->words);
		tp_error_free(e);
	}
}
END_TEST

/* A NUL byte in a path is refused where it is: an item "B\0x" would print
 * as "B" while counting apart from "B". */
START_TEST(csv_nul_byte)
{
	static const struct {
		const char *csv;
		size_t len;
		tp_status code;
		unsigned long line, column;
		const char *words;
	} cases[] = {
#define NUL_CASE(s, code, l, c, w) { s, sizeof(s) - 1, code, l, c, w }
		NUL_CASE("path,conversions,nulls,value\nA > B\0x,2,1,10\n",
			 TP_ESYNTAX, 2, 6, "NUL byte"),
		NUL_CASE("path,conversions,nulls,value\nA,1,0,0\n\0,1,0,0\n",
			 TP_ESYNTAX, 3, 1, "NUL byte"),
		NUL_CASE("path,conversions,nulls,value\n\"A >\nB\0\",1,0,0\n",
			 TP_ESYNTAX, 3, 2, "NUL byte"),
		NUL_CASE("path,conversions,nulls,value\n\"\"\"A\"\" > B\0\",1,0,0\n",
			 TP_ESYNTAX, 2, 11, "NUL byte"),
		NUL_CASE("path,conversions,nulls,value\nA,1\0,0,0\n",
			 TP_ESCHEMA, 2, 3, "not a number"),
#undef NUL_CASE
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tp_error *e = tp_error_new();
		tp_paths *p = NULL;
		tp_status st = tp_paths_load_csv_string(cases[i].csv, cases[i].len,
							"nul.csv", NULL, &p, e);

		ck_assert_msg(st == cases[i].code, "case %zu: %s", i,
			      tp_strerror(st));
		ck_assert_ptr_null(p);
		ck_assert_uint_eq(tp_error_count(e), 1);
		ck_assert_str_eq(tp_error_source(e, 0), "nul.csv");
		ck_assert_msg(tp_error_line(e, 0) == cases[i].line &&
			      tp_error_column(e, 0) == cases[i].column,
			      "case %zu: %lu:%lu, expected %lu:%lu", i,
			      tp_error_line(e, 0), tp_error_column(e, 0),
			      cases[i].line, cases[i].column);
		ck_assert_msg(strstr(tp_error_message(e, 0), cases[i].words),
			      "case %zu: %s", i, tp_error_message(e, 0));
		tp_error_free(e);
	}
	/* A NUL in a column the reader does not use changes nothing. */
	{
		static const char csv[] = "path,conversions,note\nA > B,2,x\0y\n";
		tp_paths *p = NULL;

		ck_assert_int_eq(tp_paths_load_csv_string(csv, sizeof(csv) - 1,
							  NULL, NULL, &p, NULL),
				 TP_OK);
		ck_assert_ptr_nonnull(p);
		tp_paths_free(p);
	}
}
END_TEST

START_TEST(csv_every_fault)
{
	const char *csv = "path,conversions,nulls,value\n"
		"A,1,0,0\n"
		"B,-1,0,0\n"
		"C,1,0,0\n"
		"D,1\n"
		"\"E\"x,1,0,0\n"
		"F,1,0,0\n"
		" > G,1,0,0\n";
	tp_error *e = tp_error_new();
	tp_paths *p = NULL;

	ck_assert_int_eq(tp_paths_load_csv_string(csv, strlen(csv), NULL, NULL,
						  &p, e), TP_ESCHEMA);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(tp_error_count(e), 4);
	ck_assert_uint_eq(tp_error_line(e, 0), 3);
	ck_assert_uint_eq(tp_error_line(e, 1), 5);
	ck_assert_uint_eq(tp_error_line(e, 2), 6);
	ck_assert_int_eq(tp_error_code(e, 2), TP_ESYNTAX);
	ck_assert_uint_eq(tp_error_line(e, 3), 8);
	ck_assert_str_eq(tp_error_source(e, 0), "<string>");
	tp_error_free(e);
}
END_TEST

START_TEST(csv_formats)
{
	tp_path_table_options o = TP_PATH_TABLE_OPTIONS_INIT;
	const char *csv;
	tp_paths *p = NULL;
	tp_error *e = tp_error_new();

	/* Quoting, CRLF, a BOM, extra columns, case and spaces in headers,
	 * no trailing newline, blank lines, decimals and exponents. */
	csv = "\xef\xbb\xbf" "id, PATH ,Conversions,extra,value,nulls\r\n"
		"1,\"Mail, weekly > Search\",1.5,\"x\"\"y\",3e1,0.5\r\n"
		"\r\n"
		"2,Search,2,,0,1";
	ck_assert_int_eq(tp_paths_load_csv_string(csv, strlen(csv), NULL, NULL,
						  &p, e), TP_OK);
	ck_assert_uint_eq(tp_paths_count(p), 2);
	ck_assert_uint_eq(tp_paths_row_count(p), 2);
	ck_assert_str_eq(tp_paths_item_name(p, 0), "Mail, weekly");
	ck_assert_str_eq(tp_paths_item_name(p, 1), "Search");
	ck_close(tp_paths_total_conversions(p), 3.5);
	ck_close(tp_paths_total_nulls(p), 1.5);
	ck_close(tp_paths_total_value(p), 30);
	tp_paths_free(p);

	/* Other names and separator; nulls and value are optional. */
	o.separator = ">";
	o.path_column = "journey";
	o.conversions_column = "total_conversions";
	o.by = TP_ATTRIBUTION_BY_STAGE;
	csv = "journey,total_conversions\nA>B> C ,2\n";
	ck_assert_int_eq(tp_paths_load_csv_string(csv, strlen(csv), NULL, &o,
						  &p, e), TP_OK);
	ck_assert_uint_eq(tp_paths_item_count(p), 3);
	ck_assert_str_eq(tp_paths_item_name(p, 2), "C");
	ck_assert_int_eq(tp_paths_by(p), TP_ATTRIBUTION_BY_STAGE);
	ck_close(tp_paths_total_nulls(p), 0);
	tp_paths_free(p);

	/* A column named explicitly is required. */
	o.value_column = "revenue";
	ck_assert_int_eq(tp_paths_load_csv_string(csv, strlen(csv), NULL, &o,
						  &p, e), TP_ESCHEMA);
	ck_assert_ptr_nonnull(strstr(tp_error_message(e, 0), "revenue"));
	o.value_column = NULL;
	o.separator = "";
	ck_assert_int_eq(tp_paths_load_csv_string(csv, strlen(csv), NULL, &o,
						  &p, NULL), TP_EINVAL);
	o.separator = NULL;
	o.size = 0;
	ck_assert_int_eq(tp_paths_load_csv_string(csv, strlen(csv), NULL, &o,
						  &p, NULL), TP_EINVAL);
	ck_assert_int_eq(tp_paths_load_csv_string(csv, strlen(csv), NULL, NULL,
						  NULL, NULL), TP_EINVAL);
	tp_error_free(e);
}
END_TEST

START_TEST(csv_file)
{
	char path[] = "/tmp/tp-attribution-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	tp_paths *p = NULL;
	tp_error *e = tp_error_new();

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(worked_csv, f);
	fputs("A,-2,0,0\n", f);
	fclose(f);
	ck_assert_int_eq(tp_paths_load_csv_file(path, NULL, &p, e), TP_ESCHEMA);
	ck_assert_str_eq(tp_error_source(e, 0), path);
	ck_assert_uint_eq(tp_error_line(e, 0), 6);
	ck_assert_uint_eq(tp_error_column(e, 0), 3);
	unlink(path);
	tp_error_clear(e);
	ck_assert_int_eq(tp_paths_load_csv_file(path, NULL, &p, e), TP_EIO);
	ck_assert_ptr_null(p);
	tp_error_free(e);
}
END_TEST

/* ---- allocation failures ---- */

static tp_status
pipeline(void)
{
	static const char csv[] = "path,conversions,nulls,value\n"
		"A > B > C,2,1,100\n\"A > C\",1,2,30\nC > B > B,1,1,40\n"
		"C > A,0,2,0\nD > A > B > D > C,1,1,5\n";
	tp_paths *p = NULL, *t = NULL;
	tp_attribution *a = NULL;
	tp_error *e = tp_error_new();
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_status st;
	int m;

	if (!e)
		return TP_ENOMEM;
	st = tp_paths_load_csv_string(csv, strlen(csv), "m.csv", NULL, &p, e);
	if (st)
		goto out;
	ck_assert_uint_eq(tp_paths_count(p), 5);
	o.transitions = 1;
	o.order = 2;
	for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++) {
		if (m == TP_ATTRIBUTION_TIME_DECAY)
			continue;
		st = tp_attribution_compute(p, (tp_attribution_model)m, &o, &a, e);
		if (st)
			goto out;
		ck_assert_uint_eq(tp_attribution_item_count(a), 4);
		tp_attribution_free(a);
		a = NULL;
	}
	/* A timed set, grown path by path and merged. */
	st = tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &t);
	if (st)
		goto out;
	{
		const char *items[] = { "A", "E", "A" };
		int64_t times[] = { 0, DAY, 2 * DAY };
		tp_path d = TP_PATH_INIT;
		size_t before = tp_paths_item_count(t);

		d.items = items;
		d.n_items = 3;
		d.times = times;
		d.conversion_time = 3 * DAY;
		d.conversions = 1;
		d.value = 9;
		st = tp_paths_add(t, &d, e);
		if (st) {
			/* Nothing half-added. */
			ck_assert_uint_eq(tp_paths_item_count(t), before);
			ck_assert_uint_eq(tp_paths_count(t), 0);
			goto out;
		}
	}
	st = tp_attribution_compute(t, TP_ATTRIBUTION_TIME_DECAY, &o, &a, e);
	if (st)
		goto out;
	tp_attribution_free(a);
	a = NULL;
	{
		size_t before = tp_paths_count(t);

		st = tp_paths_merge(t, p);
		if (st) {
			ck_assert_uint_eq(tp_paths_count(t), before);
			ck_assert_uint_eq(tp_paths_item_count(t), 2);
			goto out;
		}
	}
	ck_assert_uint_eq(tp_paths_count(t), 6);
	st = tp_attribution_compute(t, TP_ATTRIBUTION_MARKOV, &o, &a, e);
	if (st)
		goto out;
	tp_attribution_free(a);
	a = NULL;
	st = tp_attribution_compute(t, TP_ATTRIBUTION_SHAPLEY, &o, &a, e);
out:
	tp_attribution_free(a);
	tp_paths_free(p);
	tp_paths_free(t);
	tp_error_free(e);
	return st;
}

START_TEST(allocation_failures)
{
	unsigned long n;
	int succeeded = 0;

	for (n = 1; n < 100000 && !succeeded; n++) {
		tp_status st;

		tp_test_failing_allocator_install(n);
		st = pipeline();
		if (st == TP_OK)
			succeeded = 1;
		else
			ck_assert_msg(st == TP_ENOMEM, "n=%lu: %s", n, tp_strerror(st));
		ck_assert_msg(tp_test_live_blocks() == 0, "n=%lu leaked %ld blocks",
			      n, tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(succeeded);
	ck_assert_uint_gt(n, 100);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("attribution");
	TCase *tc;

	tc = tcase_create("worked_example");
	tcase_add_test(tc, worked_path_set);
	tcase_add_test(tc, worked_first_last);
	tcase_add_test(tc, worked_linear_position);
	tcase_add_test(tc, worked_markov);
	tcase_add_test(tc, worked_markov_transitions);
	tcase_add_test(tc, worked_shapley);
	tcase_add_test(tc, worked_time_decay);
	tcase_add_test(tc, input_forms_agree);
	suite_add_tcase(s, tc);

	tc = tcase_create("properties");
	tcase_add_test(tc, totals_random);
	tcase_add_test(tc, merge_equals_whole);
	tcase_add_test(tc, merge_untimed);
	tcase_add_test(tc, shapley_brute_force);
	tcase_add_test(tc, shapley_many_channels);
	suite_add_tcase(s, tc);

	tc = tcase_create("degenerate");
	tcase_add_test(tc, degenerate_empty);
	tcase_add_test(tc, degenerate_no_conversions);
	tcase_add_test(tc, degenerate_one_channel);
	tcase_add_test(tc, degenerate_identical_paths);
	tcase_add_test(tc, degenerate_length_one);
	tcase_add_test(tc, degenerate_never_converts);
	tcase_add_test(tc, degenerate_cycles);
	suite_add_tcase(s, tc);

	tc = tcase_create("models");
	tcase_add_test(tc, markov_orders);
	tcase_add_test(tc, markov_order_states);
	tcase_add_test(tc, last_non_direct);
	tcase_add_test(tc, position_shares);
	tcase_add_test(tc, bad_options);
	tcase_add_test(tc, model_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("input");
	tcase_add_test(tc, add_validation);
	tcase_add_test(tc, csv_errors);
	tcase_add_test(tc, csv_nul_byte);
	tcase_add_test(tc, csv_every_fault);
	tcase_add_test(tc, csv_formats);
	tcase_add_test(tc, csv_file);
	tcase_add_test(tc, allocation_failures);
	suite_add_tcase(s, tc);
	return s;
}
