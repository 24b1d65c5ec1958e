/* SPDX-License-Identifier: MIT */
/* Funnels: hand-computed cases for every mode, windows, exclusions,
 * breakdowns, drop-offs, merging and the state formats. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

#define SEC 1000

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
	ch.id = "email";
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);
	ch.id = "web";
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);
	ch.id = "store";
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
	ck_assert_int_eq(tp_catalog_builder_add_funnel(b, "simple", NULL, stages, 3),
			 TP_OK);
	ck_assert_int_eq(tp_catalog_builder_finish(b, &c, NULL), TP_OK);
	tp_catalog_builder_free(b);
	return c;
}

struct fev {
	const char *customer;
	int64_t t;                /* seconds */
	const char *event;
	const char *touchpoint;   /* id or NULL */
	const char *source;       /* or NULL */
};

static void
add_fev(tp_journey_store *s, const struct fev *e)
{
	tp_touch t = TP_TOUCH_INIT;
	tp_attr attr = { "plan", 4, "pro", 3 };

	t.customer_id = e->customer;
	t.customer_id_len = strlen(e->customer);
	t.timestamp_ms = e->t * SEC;
	t.event = e->event;
	t.event_len = strlen(e->event);
	if (e->touchpoint)
		t.touchpoint = tp_catalog_find_touchpoint(
			tp_journey_store_catalog(s), e->touchpoint);
	t.source = e->source;
	t.source_len = e->source ? strlen(e->source) : 0;
	t.attrs = &attr;
	t.n_attrs = 1;
	ck_assert_int_eq(tp_journey_store_add(s, &t, NULL), TP_OK);
}

static tp_journey_store *
store_of(tp_catalog *c, const struct fev *evs, size_t n, int reverse)
{
	tp_journey_store *s = NULL;
	size_t i;

	ck_assert_int_eq(tp_journey_store_new(c, NULL, &s, NULL), TP_OK);
	for (i = 0; i < n; i++)
		add_fev(s, &evs[reverse ? n - 1 - i : i]);
	ck_assert_int_eq(tp_journey_store_finish(s), TP_OK);
	return s;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A funnel of event=X steps: "A,B,C" gives event=A, event=B, event=C. */
static tp_funnel *
funnel_of(const char *steps, unsigned mode, int64_t window_s)
{
	tp_funnel *f;
	char buf[64];
	const char *p;

	ck_assert_int_eq(tp_funnel_new(&f), TP_OK);
	for (p = steps; *p; p++) {
		if (*p == ',')
			continue;
		snprintf(buf, sizeof(buf), "event=%c", *p);
		ck_assert_int_eq(tp_funnel_add_step(f, buf, NULL, NULL), TP_OK);
	}
	ck_assert_int_eq(tp_funnel_set_mode(f, mode), TP_OK);
	ck_assert_int_eq(tp_funnel_set_window(f, window_s * SEC), TP_OK);
	return f;
}

/* The step counts of a group as "n n n". */
static const char *
counts(const tp_funnel_state *fs, size_t group)
{
	static char buf[256];
	size_t k, used = 0;

	buf[0] = '\0';
	for (k = 0; k < tp_funnel_state_step_count(fs); k++) {
		tp_funnel_step_stats st = TP_FUNNEL_STEP_STATS_INIT;

		ck_assert_int_eq(tp_funnel_state_step(fs, group, k, &st), TP_OK);
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%llu",
					 k ? " " : "",
					 (unsigned long long)st.customers);
	}
	return buf;
}

static const char *
run_counts(tp_funnel *f, const tp_journey_store *s)
{
	tp_funnel_state *fs;
	const char *r;

	ck_assert_int_eq(tp_funnel_run(f, s, &fs, NULL), TP_OK);
	r = counts(fs, TP_FUNNEL_ALL_GROUPS);
	tp_funnel_state_free(fs);
	return r;
}

/* One funnel on one set of events. */
static void
check(const struct fev *evs, size_t n, const char *steps, unsigned mode,
      int64_t window_s, const char *want)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, evs, n, 0);
	tp_journey_store *r = store_of(c, evs, n, 1);
	tp_funnel *f = funnel_of(steps, mode, window_s);

	ck_assert_str_eq(run_counts(f, s), want);
	/* Out-of-order input gives the same result (same times, so only
	 * ties may be reordered, which the funnel reads in step order). */
	ck_assert_str_eq(run_counts(f, r), want);
	tp_funnel_free(f);
	tp_journey_store_free(s);
	tp_journey_store_free(r);
	tp_catalog_free(c);
}

/* Five customers: A B D C; A C B; B C; A; C B A. */
static const struct fev modes_evs[] = {
	{ "c1", 1, "A", NULL, NULL }, { "c1", 2, "B", NULL, NULL },
	{ "c1", 3, "D", NULL, NULL }, { "c1", 4, "C", NULL, NULL },
	{ "c2", 1, "A", NULL, NULL }, { "c2", 2, "C", NULL, NULL },
	{ "c2", 3, "B", NULL, NULL },
	{ "c3", 1, "B", NULL, NULL }, { "c3", 2, "C", NULL, NULL },
	{ "c4", 1, "A", NULL, NULL },
	{ "c5", 1, "C", NULL, NULL }, { "c5", 2, "B", NULL, NULL },
	{ "c5", 3, "A", NULL, NULL },
};

START_TEST(default_mode)
{
	/* c1 reaches C (D is ignored), c2 B, c4 and c5 only A, c3 nothing. */
	check(modes_evs, N(modes_evs), "ABC", 0, 0, "4 2 1");
}
END_TEST

START_TEST(strict_order)
{
	/* c1 stops at D (2); c2 stops at C, a step ahead of B (1). */
	check(modes_evs, N(modes_evs), "ABC", TP_FUNNEL_STRICT_ORDER, 0, "4 1 0");
	/* ClickHouse's example: A B D C reaches 2. */
	{
		static const struct fev e[] = {
			{ "x", 1, "A", NULL, NULL }, { "x", 2, "B", NULL, NULL },
			{ "x", 3, "D", NULL, NULL }, { "x", 4, "C", NULL, NULL },
		};

		check(e, N(e), "ABC", TP_FUNNEL_STRICT_ORDER, 0, "1 1 0");
	}
	/* A step already taken (B again) is no intervention; a later
	 * step-1 event (A) neither. */
	{
		static const struct fev e[] = {
			{ "x", 1, "A", NULL, NULL }, { "x", 2, "B", NULL, NULL },
			{ "x", 3, "B", NULL, NULL }, { "x", 4, "A", NULL, NULL },
			{ "x", 5, "C", NULL, NULL },
		};

		check(e, N(e), "ABC", TP_FUNNEL_STRICT_ORDER, 0, "1 1 1");
	}
}
END_TEST

START_TEST(strict_deduplication)
{
	/* ClickHouse's example: A B C B D reaches 3. */
	static const struct fev e1[] = {
		{ "x", 1, "A", NULL, NULL }, { "x", 2, "B", NULL, NULL },
		{ "x", 3, "C", NULL, NULL }, { "x", 4, "B", NULL, NULL },
		{ "x", 5, "D", NULL, NULL },
	};
	/* A B B C: 2 with deduplication, 3 without. */
	static const struct fev e2[] = {
		{ "x", 1, "A", NULL, NULL }, { "x", 2, "B", NULL, NULL },
		{ "x", 3, "B", NULL, NULL }, { "x", 4, "C", NULL, NULL },
	};
	/* A A B: a repeated step 1 does not end anything. */
	static const struct fev e3[] = {
		{ "x", 1, "A", NULL, NULL }, { "x", 2, "A", NULL, NULL },
		{ "x", 3, "B", NULL, NULL },
	};

	check(e1, N(e1), "ABCD", TP_FUNNEL_STRICT_DEDUPLICATION, 0, "1 1 1 0");
	check(e1, N(e1), "ABCD", 0, 0, "1 1 1 1");
	check(e2, N(e2), "ABC", TP_FUNNEL_STRICT_DEDUPLICATION, 0, "1 1 0");
	check(e2, N(e2), "ABC", 0, 0, "1 1 1");
	check(e3, N(e3), "AB", TP_FUNNEL_STRICT_DEDUPLICATION, 0, "1 1");
}
END_TEST

START_TEST(strict_increase_and_equal_times)
{
	/* A and B at the same second. */
	static const struct fev e1[] = {
		{ "x", 10, "A", NULL, NULL }, { "x", 10, "B", NULL, NULL },
		{ "x", 20, "C", NULL, NULL },
	};
	static const struct fev e2[] = {
		{ "x", 10, "A", NULL, NULL }, { "x", 10, "B", NULL, NULL },
		{ "x", 15, "B", NULL, NULL }, { "x", 20, "C", NULL, NULL },
	};
	/* Simultaneous events added in the reverse step order, with an
	 * event that matches no step at the same time. */
	static const struct fev e3[] = {
		{ "x", 5, "C", NULL, NULL }, { "x", 5, "B", NULL, NULL },
		{ "x", 5, "X", NULL, NULL }, { "x", 5, "A", NULL, NULL },
	};
	/* An event that matches no step between B and C ends the attempt
	 * in strict order, but not when it is simultaneous with step 1. */
	static const struct fev e4[] = {
		{ "x", 5, "A", NULL, NULL }, { "x", 5, "B", NULL, NULL },
		{ "x", 6, "X", NULL, NULL }, { "x", 7, "C", NULL, NULL },
	};

	check(e1, N(e1), "ABC", 0, 0, "1 1 1");
	check(e1, N(e1), "ABC", TP_FUNNEL_STRICT_INCREASE, 0, "1 0 0");
	check(e2, N(e2), "ABC", TP_FUNNEL_STRICT_INCREASE, 0, "1 1 1");
	check(e3, N(e3), "ABC", 0, 0, "1 1 1");
	check(e3, N(e3), "ABC", TP_FUNNEL_STRICT_ORDER, 0, "1 1 1");
	check(e3, N(e3), "ABC", TP_FUNNEL_STRICT_INCREASE, 0, "1 0 0");
	check(e4, N(e4), "ABC", TP_FUNNEL_STRICT_ORDER, 0, "1 1 0");
	check(e4, N(e4), "ABC", TP_FUNNEL_STRICT_ORDER | TP_FUNNEL_STRICT_INCREASE,
	      0, "1 0 0");
}
END_TEST

START_TEST(windows_and_attempts)
{
	static const struct fev e1[] = {
		{ "x", 0, "A", NULL, NULL }, { "x", 10, "B", NULL, NULL },
		{ "x", 100, "C", NULL, NULL },
	};
	/* A later step-1 event starts a new attempt; the best counts. */
	static const struct fev e2[] = {
		{ "x", 0, "A", NULL, NULL }, { "x", 10, "B", NULL, NULL },
		{ "x", 200, "A", NULL, NULL }, { "x", 210, "B", NULL, NULL },
		{ "x", 220, "C", NULL, NULL },
	};
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, e2, N(e2), 0);
	tp_funnel *f;

	check(e1, N(e1), "ABC", 0, 50, "1 1 0");
	check(e1, N(e1), "ABC", 0, 99, "1 1 0");
	check(e1, N(e1), "ABC", 0, 100, "1 1 1");   /* inclusive */
	check(e1, N(e1), "ABC", 0, 0, "1 1 1");     /* no window */
	check(e2, N(e2), "ABC", 0, 50, "1 1 1");
	/* Counting attempts: A0 B10 (C is too late) and A200 B210 C220. */
	f = funnel_of("ABC", 0, 50);
	ck_assert_int_eq(tp_funnel_set_count(f, TP_FUNNEL_COUNT_ATTEMPTS), TP_OK);
	ck_assert_str_eq(run_counts(f, s), "2 2 1");
	/* A A B: two attempts both reach B. */
	tp_funnel_free(f);
	tp_journey_store_free(s);
	{
		static const struct fev e3[] = {
			{ "x", 0, "A", NULL, NULL }, { "x", 1, "A", NULL, NULL },
			{ "x", 2, "B", NULL, NULL },
		};

		s = store_of(c, e3, N(e3), 0);
		f = funnel_of("AB", 0, 0);
		ck_assert_str_eq(run_counts(f, s), "1 1");
		ck_assert_int_eq(tp_funnel_set_count(f, TP_FUNNEL_COUNT_ATTEMPTS), TP_OK);
		ck_assert_str_eq(run_counts(f, s), "2 2");
		ck_assert_int_eq(tp_funnel_set_count(f, TP_FUNNEL_COUNT_DEFAULT), TP_OK);
		ck_assert_str_eq(run_counts(f, s), "1 1");
		tp_funnel_free(f);
		tp_journey_store_free(s);
	}
	tp_catalog_free(c);
}
END_TEST

START_TEST(exclusions)
{
	static const struct fev e[] = {
		/* X between A and B: disqualified. */
		{ "c1", 0, "A", NULL, NULL }, { "c1", 5, "X", NULL, NULL },
		{ "c1", 10, "B", NULL, NULL }, { "c1", 20, "C", NULL, NULL },
		/* X after the last step reached: counts (2). */
		{ "c2", 0, "A", NULL, NULL }, { "c2", 10, "B", NULL, NULL },
		{ "c2", 15, "X", NULL, NULL },
		/* X at the same time as B is not between A and B (3). */
		{ "c3", 0, "A", NULL, NULL }, { "c3", 10, "X", NULL, NULL },
		{ "c3", 10, "B", NULL, NULL }, { "c3", 20, "C", NULL, NULL },
		/* The first attempt is disqualified, the second counts (2). */
		{ "c4", 0, "A", NULL, NULL }, { "c4", 5, "X", NULL, NULL },
		{ "c4", 10, "B", NULL, NULL }, { "c4", 20, "A", NULL, NULL },
		{ "c4", 30, "B", NULL, NULL },
	};
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, e, N(e), 0);
	tp_funnel *f = funnel_of("ABC", 0, 0);
	tp_funnel_state *fs;

	ck_assert_str_eq(run_counts(f, s), "4 4 2");
	ck_assert_int_eq(tp_funnel_add_exclusion(f, "event=X", NULL), TP_OK);
	ck_assert_int_eq(tp_funnel_run(f, s, &fs, NULL), TP_OK);
	ck_assert_str_eq(counts(fs, TP_FUNNEL_ALL_GROUPS), "3 3 1");
	ck_assert_uint_eq(tp_funnel_state_journeys(fs), 4);
	ck_assert_uint_eq(tp_funnel_state_exclusion_count(fs), 1);
	ck_assert_str_eq(tp_funnel_state_exclusion(fs, 0), "event=X");
	ck_assert_ptr_null(tp_funnel_state_exclusion(fs, 1));
	ck_assert_int_eq(tp_funnel_state_breakdown_attribution(fs, NULL),
			 TP_FUNNEL_ATTRIBUTION_DEFAULT);
	tp_funnel_state_free(fs);
	/* Attempts: c4's first attempt does not count either. */
	ck_assert_int_eq(tp_funnel_set_count(f, TP_FUNNEL_COUNT_ATTEMPTS), TP_OK);
	ck_assert_str_eq(run_counts(f, s), "3 3 1");
	tp_funnel_free(f);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

START_TEST(durations_and_drop_off)
{
	static const struct fev e[] = {
		{ "c1", 0, "A", "newsletter", NULL }, { "c1", 10, "B", "product_page", NULL },
		{ "c1", 30, "C", "checkout", NULL },
		{ "c2", 0, "A", "newsletter", NULL }, { "c2", 20, "B", "product_page", NULL },
		{ "c2", 21, "V", "product_page", NULL }, { "c2", 25, "V", "store_visit", NULL },
		{ "c3", 0, "A", "newsletter", NULL }, { "c3", 40, "B", "product_page", NULL },
		{ "c3", 50, "C", "checkout", NULL },
		{ "c4", 0, "A", "newsletter", NULL }, { "c4", 9, "Z", NULL, NULL },
		{ "c5", 0, "A", "newsletter", NULL }, { "c5", 1, "A", "newsletter", NULL },
		{ "c5", 3, "V", "store_visit", NULL },
	};
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, e, N(e), 0);
	tp_funnel *f = funnel_of("ABC", 0, 0);
	tp_funnel_state *fs;
	tp_funnel_step_stats st = TP_FUNNEL_STEP_STATS_INIT;
	const char *tp;
	uint64_t n;

	ck_assert_int_eq(tp_funnel_run(f, s, &fs, NULL), TP_OK);
	ck_assert_str_eq(counts(fs, TP_FUNNEL_ALL_GROUPS), "5 3 2");
	ck_assert_int_eq(tp_funnel_state_step(fs, TP_FUNNEL_ALL_GROUPS, 0, &st), TP_OK);
	ck_assert_str_eq(st.name, "event=A");
	ck_assert(st.conversion_from_previous == 1.0);
	ck_assert(st.conversion_from_first == 1.0);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert(!st.has_times);
	ck_assert_int_eq(tp_funnel_state_step(fs, TP_FUNNEL_ALL_GROUPS, 1, &st), TP_OK);
	ck_assert(fabs(st.conversion_from_previous - 0.6) < 1e-12);
	ck_assert(fabs(st.conversion_from_first - 0.6) < 1e-12);
	ck_assert_uint_eq(st.dropped, 2);
	ck_assert(st.has_times);
	/* 10, 20, 40 s: median 20, p90 20 + 0.8 * 20 = 36. */
	ck_assert(fabs(st.median_seconds_from_previous - 20.0) < 1e-9);
	ck_assert(fabs(st.p90_seconds_from_previous - 36.0) < 1e-9);
	ck_assert_int_eq(tp_funnel_state_step(fs, TP_FUNNEL_ALL_GROUPS, 2, &st), TP_OK);
	ck_assert(fabs(st.conversion_from_previous - 2.0 / 3.0) < 1e-12);
	ck_assert(fabs(st.conversion_from_first - 0.4) < 1e-12);
	ck_assert_uint_eq(st.dropped, 1);
	/* 20, 10 s: median 15, p90 10 + 0.9 * 10 = 19. */
	ck_assert(fabs(st.median_seconds_from_previous - 15.0) < 1e-9);
	ck_assert(fabs(st.p90_seconds_from_previous - 19.0) < 1e-9);

	/* Before B, c5 went to the store (after its first A, the second A
	 * has the same touchpoint) and c4's journey has no further
	 * touchpoint. */
	ck_assert_uint_eq(tp_funnel_state_next_count(fs, TP_FUNNEL_ALL_GROUPS, 0), 0);
	ck_assert_uint_eq(tp_funnel_state_next_count(fs, TP_FUNNEL_ALL_GROUPS, 1), 2);
	ck_assert_int_eq(tp_funnel_state_next(fs, TP_FUNNEL_ALL_GROUPS, 1, 0, &tp, &n), TP_OK);
	ck_assert_str_eq(tp, "store_visit");
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(tp_funnel_state_next(fs, TP_FUNNEL_ALL_GROUPS, 1, 1, &tp, &n), TP_OK);
	ck_assert_ptr_null(tp);
	ck_assert_uint_eq(n, 1);
	/* Before C, c2 went on from the product page to the store. */
	ck_assert_uint_eq(tp_funnel_state_next_count(fs, TP_FUNNEL_ALL_GROUPS, 2), 1);
	ck_assert_int_eq(tp_funnel_state_next(fs, TP_FUNNEL_ALL_GROUPS, 2, 0, &tp, &n), TP_OK);
	ck_assert_str_eq(tp, "store_visit");
	ck_assert_int_eq(tp_funnel_state_next(fs, TP_FUNNEL_ALL_GROUPS, 2, 1, &tp, &n),
			 TP_EINVAL);
	tp_funnel_state_free(fs);
	tp_funnel_free(f);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static double
quantile(const int64_t *v, size_t n, double q)
{
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)h;

	if (lo + 1 >= n)
		return (double)v[n - 1];
	return (double)v[lo] + (h - (double)lo) * (double)(v[lo + 1] - v[lo]);
}

START_TEST(exact_quantiles_many)
{
	/* 5000 customers, A then B after a spread of gaps (some of them
	 * years): the median and p90 are those of the exact list. */
	enum { N_CUST = 5000 };
	tp_catalog *c = small_catalog();
	tp_journey_store *s;
	tp_funnel *f = funnel_of("AB", 0, 0);
	tp_funnel_state *fs;
	tp_funnel_step_stats st = TP_FUNNEL_STEP_STATS_INIT;
	int64_t *gaps = malloc(N_CUST * sizeof(*gaps));
	size_t i;

	ck_assert_int_eq(tp_journey_store_new(c, NULL, &s, NULL), TP_OK);
	for (i = 0; i < N_CUST; i++) {
		char id[16];
		struct fev a = { id, 1000, "A", NULL, NULL }, b = a;

		snprintf(id, sizeof(id), "q%zu", i);
		gaps[i] = (int64_t)((i * 7919u) % 100003u);
		if (i % 97 == 0)
			gaps[i] += (int64_t)i * 86400 * 365;
		b.t = a.t + gaps[i];
		b.event = "B";
		add_fev(s, &b);   /* late: B before A in the input */
		add_fev(s, &a);
	}
	ck_assert_int_eq(tp_journey_store_finish(s), TP_OK);
	ck_assert_int_eq(tp_funnel_run(f, s, &fs, NULL), TP_OK);
	qsort(gaps, N_CUST, sizeof(*gaps), cmp_i64);
	ck_assert_int_eq(tp_funnel_state_step(fs, TP_FUNNEL_ALL_GROUPS, 1, &st), TP_OK);
	ck_assert_uint_eq(st.customers, N_CUST);
	ck_assert(fabs(st.median_seconds_from_previous -
		       quantile(gaps, N_CUST, 0.5)) < 1e-6);
	ck_assert(fabs(st.p90_seconds_from_previous -
		       quantile(gaps, N_CUST, 0.9)) < 1e-6);
	free(gaps);
	tp_funnel_state_free(fs);
	tp_funnel_free(f);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

static const struct fev bd_evs[] = {
	{ "c1", 0, "A", NULL, "g" }, { "c1", 10, "B", NULL, "n" },
	{ "c2", 0, "A", NULL, "n" }, { "c2", 5, "B", NULL, "g" },
	{ "c2", 9, "C", NULL, "g" },
	{ "c3", 0, "A", NULL, "g" },
};

static void
check_groups(tp_funnel_state *fs, const char *const *labels,
	     const char *const *want, size_t n)
{
	size_t g;

	ck_assert_uint_eq(tp_funnel_state_group_count(fs), n);
	for (g = 0; g < n; g++) {
		const char *l = tp_funnel_state_group_label(fs, g);

		if (labels[g])
			ck_assert_str_eq(l, labels[g]);
		else
			ck_assert_ptr_null(l);
		ck_assert_str_eq(counts(fs, g), want[g]);
	}
	ck_assert_str_eq(counts(fs, TP_FUNNEL_ALL_GROUPS), "3 2 1");
}

START_TEST(breakdowns)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, bd_evs, N(bd_evs), 0);
	tp_funnel *f = funnel_of("ABC", 0, 0);
	tp_funnel_state *fs;

	ck_assert_int_eq(tp_funnel_set_breakdown(f, "source",
						 TP_FUNNEL_ATTRIBUTION_DEFAULT, 0), TP_OK);
	ck_assert_int_eq(tp_funnel_run(f, s, &fs, NULL), TP_OK);
	ck_assert_str_eq(tp_funnel_state_breakdown(fs), "source");
	{
		static const char *const l[] = { "g", "n" };
		static const char *const w[] = { "2 1 0", "1 1 1" };

		check_groups(fs, l, w, 2);
	}
	tp_funnel_state_free(fs);

	ck_assert_int_eq(tp_funnel_set_breakdown(f, "source",
						 TP_FUNNEL_ATTRIBUTION_LAST_TOUCH, 0), TP_OK);
	ck_assert_int_eq(tp_funnel_run(f, s, &fs, NULL), TP_OK);
	{
		static const char *const l[] = { "g", "n" };
		static const char *const w[] = { "2 1 1", "1 1 0" };

		check_groups(fs, l, w, 2);
	}
	tp_funnel_state_free(fs);

	ck_assert_int_eq(tp_funnel_set_breakdown(f, "source",
						 TP_FUNNEL_ATTRIBUTION_STEP, 2), TP_OK);
	ck_assert_int_eq(tp_funnel_run(f, s, &fs, NULL), TP_OK);
	{
		size_t bstep = 0;

		ck_assert_int_eq(tp_funnel_state_breakdown_attribution(fs, &bstep),
				 TP_FUNNEL_ATTRIBUTION_STEP);
		ck_assert_uint_eq(bstep, 2);
	}
	{
		static const char *const l[] = { "g", "n", NULL };
		static const char *const w[] = { "1 1 1", "1 1 0", "1 0 0" };

		check_groups(fs, l, w, 3);
	}
	tp_funnel_state_free(fs);

	/* Without breakdown there are no groups. */
	ck_assert_int_eq(tp_funnel_set_breakdown(f, NULL, 0, 0), TP_OK);
	ck_assert_int_eq(tp_funnel_run(f, s, &fs, NULL), TP_OK);
	ck_assert_uint_eq(tp_funnel_state_group_count(fs), 0);
	ck_assert_ptr_null(tp_funnel_state_breakdown(fs));
	ck_assert_int_eq(tp_funnel_state_step(fs, 0, 0, &(tp_funnel_step_stats)
					      TP_FUNNEL_STEP_STATS_INIT), TP_EINVAL);
	tp_funnel_state_free(fs);
	tp_funnel_free(f);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

START_TEST(stage_funnel)
{
	static const struct fev e[] = {
		{ "c1", 0, "x", "newsletter", NULL }, { "c1", 1, "x", "product_page", NULL },
		{ "c1", 2, "x", "checkout", NULL },
		{ "c2", 0, "x", "product_page", NULL }, { "c2", 1, "x", "checkout", NULL },
		{ "c3", 0, "x", "newsletter", NULL }, { "c3", 1, "x", "checkout", NULL },
		{ "c4", 0, "x", "newsletter", NULL }, { "c4", 1, "x", "store_visit", NULL },
	};
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, e, N(e), 0);
	tp_funnel *f;
	tp_error *err = tp_error_new();

	ck_assert_int_eq(tp_funnel_new_from_catalog(c, NULL, &f, err), TP_ENOTFOUND);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(tp_funnel_new_from_catalog(c, "simple", &f, err), TP_OK);
	ck_assert_uint_eq(tp_funnel_step_count(f), 3);
	ck_assert_str_eq(tp_funnel_step_name(f, 0), "discovery");
	ck_assert_str_eq(tp_funnel_step_name(f, 2), "sale");
	ck_assert_ptr_null(tp_funnel_step_name(f, 3));
	/* c1 all three, c4 two (the store visit is consideration), c3 one. */
	ck_assert_str_eq(run_counts(f, s), "3 2 1");
	tp_funnel_free(f);
	tp_journey_store_free(s);
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

START_TEST(empty_and_single)
{
	static const struct fev one[] = { { "solo", 3, "A", NULL, NULL } };
	static const struct fev other[] = { { "solo", 3, "Q", NULL, NULL } };
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, NULL, 0, 0);
	tp_funnel *f = funnel_of("ABC", 0, 0);
	tp_funnel_state *fs;
	tp_funnel_step_stats st = TP_FUNNEL_STEP_STATS_INIT;

	ck_assert_int_eq(tp_funnel_run(f, s, &fs, NULL), TP_OK);
	ck_assert_str_eq(counts(fs, TP_FUNNEL_ALL_GROUPS), "0 0 0");
	ck_assert_uint_eq(tp_funnel_state_journeys(fs), 0);
	ck_assert_int_eq(tp_funnel_state_step(fs, TP_FUNNEL_ALL_GROUPS, 1, &st), TP_OK);
	ck_assert(st.conversion_from_previous == 0);
	ck_assert(st.conversion_from_first == 0);
	ck_assert(!st.has_times);
	tp_funnel_state_free(fs);
	tp_journey_store_free(s);
	check(one, 1, "ABC", 0, 0, "1 0 0");
	check(one, 1, "ABC", TP_FUNNEL_STRICT_ORDER | TP_FUNNEL_STRICT_INCREASE |
	      TP_FUNNEL_STRICT_DEDUPLICATION, 10, "1 0 0");
	check(other, 1, "ABC", 0, 0, "0 0 0");
	check(one, 1, "A", 0, 0, "1");
	tp_funnel_free(f);
	tp_catalog_free(c);
}
END_TEST

START_TEST(definitions)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, bd_evs, N(bd_evs), 0);
	tp_journey_store *k = NULL;
	tp_funnel *f;
	tp_funnel_state *fs;
	tp_error *err = tp_error_new();
	unsigned mode;
	tp_funnel_count cnt;
	tp_funnel_attribution attr;
	int i;

	ck_assert_int_eq(tp_funnel_new(&f), TP_OK);
	ck_assert_int_eq(tp_funnel_run(f, s, &fs, err), TP_EEMPTY);
	ck_assert_int_eq(tp_funnel_add_step(f, "noequals", NULL, err), TP_ESYNTAX);
	ck_assert_int_eq(tp_funnel_add_step(f, "event=", NULL, err), TP_ESYNTAX);
	ck_assert_int_eq(tp_funnel_add_step(f, " =x", NULL, err), TP_ESYNTAX);
	ck_assert_int_eq(tp_funnel_add_step(f, " channel_group = Paid Search ",
					    "paid", err), TP_OK);
	ck_assert_str_eq(tp_funnel_step_name(f, 0), "paid");
	ck_assert_int_eq(tp_funnel_add_step(f, "nope=1", NULL, err), TP_OK);
	ck_assert_int_eq(tp_funnel_add_step(f, "touchpoint=nothing", NULL, err), TP_OK);
	ck_assert_int_eq(tp_funnel_add_exclusion(f, "plan=pro", err), TP_OK);
	tp_error_clear(err);
	/* Every fault against the store is reported. */
	ck_assert_int_eq(tp_funnel_run(f, s, &fs, err), TP_ENOTFOUND);
	ck_assert_uint_eq(tp_error_count(err), 3);
	ck_assert_ptr_nonnull(strstr(tp_error_message(err, 0), "nope"));
	ck_assert_ptr_nonnull(strstr(tp_error_message(err, 1), "nothing"));
	ck_assert_ptr_nonnull(strstr(tp_error_message(err, 2), "plan"));
	tp_funnel_free(f);

	/* keep_fields makes the store keep the attributes a funnel names. */
	f = funnel_of("A", 0, 0);
	ck_assert_int_eq(tp_funnel_add_step(f, "plan=PRO", NULL, err), TP_OK);
	ck_assert_int_eq(tp_journey_store_new(c, NULL, &k, NULL), TP_OK);
	ck_assert_int_eq(tp_funnel_keep_fields(f, k), TP_OK);
	for (i = 0; i < (int)N(bd_evs); i++)
		add_fev(k, &bd_evs[i]);
	ck_assert_int_eq(tp_journey_store_finish(k), TP_OK);
	ck_assert_str_eq(run_counts(f, k), "3 3");
	ck_assert_int_eq(tp_funnel_set_breakdown(f, "source", TP_FUNNEL_ATTRIBUTION_STEP, 3),
			 TP_OK);
	ck_assert_int_eq(tp_funnel_run(f, k, &fs, err), TP_EINVAL);
	ck_assert_int_eq(tp_funnel_set_breakdown(f, "source", TP_FUNNEL_ATTRIBUTION_STEP, 0),
			 TP_EINVAL);
	ck_assert_int_eq(tp_funnel_set_breakdown(f, "", 0, 0), TP_EINVAL);
	tp_funnel_free(f);

	/* Limits and settings. */
	ck_assert_int_eq(tp_funnel_new(&f), TP_OK);
	for (i = 0; i < TP_FUNNEL_MAX_STEPS; i++)
		ck_assert_int_eq(tp_funnel_add_step(f, "event=A", NULL, err), TP_OK);
	ck_assert_int_eq(tp_funnel_add_step(f, "event=A", NULL, err), TP_ERANGE);
	ck_assert_int_eq(tp_funnel_set_window(f, -1), TP_EINVAL);
	ck_assert_int_eq(tp_funnel_set_mode(f, 8), TP_EINVAL);
	ck_assert_int_eq(tp_funnel_set_count(f, (tp_funnel_count)3), TP_EINVAL);
	tp_funnel_free(f);

	ck_assert_int_eq(tp_funnel_mode_parse("strict_order, STRICT_increase", &mode), TP_OK);
	ck_assert_uint_eq(mode, TP_FUNNEL_STRICT_ORDER | TP_FUNNEL_STRICT_INCREASE);
	ck_assert_int_eq(tp_funnel_mode_parse("default", &mode), TP_OK);
	ck_assert_uint_eq(mode, 0);
	ck_assert_int_eq(tp_funnel_mode_parse("strict", &mode), TP_ENOTFOUND);
	ck_assert_str_eq(tp_funnel_mode_name(TP_FUNNEL_STRICT_DEDUPLICATION),
			 "strict_deduplication");
	ck_assert_ptr_null(tp_funnel_mode_name((tp_funnel_mode)3));
	ck_assert_int_eq(tp_funnel_count_parse("Attempts", &cnt), TP_OK);
	ck_assert_int_eq(cnt, TP_FUNNEL_COUNT_ATTEMPTS);
	ck_assert_str_eq(tp_funnel_count_name(TP_FUNNEL_COUNT_DEFAULT), "customers");
	ck_assert_int_eq(tp_funnel_attribution_parse("last_touch", &attr), TP_OK);
	ck_assert_int_eq(attr, TP_FUNNEL_ATTRIBUTION_LAST_TOUCH);
	ck_assert_int_eq(tp_funnel_attribution_parse("middle", &attr), TP_ENOTFOUND);
	ck_assert_str_eq(tp_funnel_attribution_name(TP_FUNNEL_ATTRIBUTION_STEP), "step");

	tp_journey_store_free(k);
	tp_journey_store_free(s);
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

/* Random journeys, split by customer into two stores. */
static void
random_stores(tp_catalog *c, tp_journey_store **st)
{
	static const char *const events[] = { "A", "B", "C", "D", "X" };
	static const char *const tps[] = { NULL, "newsletter", "product_page",
					   "checkout", "store_visit" };
	static const char *const sources[] = { NULL, "g", "n", "fb" };
	uint64_t x = 0x9E3779B97F4A7C15ull;
	size_t i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(tp_journey_store_new(c, NULL, &st[i], NULL), TP_OK);
	for (i = 0; i < 3000; i++) {
		struct fev e;
		char id[16];
		unsigned cust;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		cust = (unsigned)(x % 150);
		snprintf(id, sizeof(id), "u%u", cust);
		e.customer = id;
		e.t = (int64_t)((x >> 8) % 5000);
		e.event = events[(x >> 24) % 5];
		e.touchpoint = tps[(x >> 28) % 5];
		e.source = sources[(x >> 32) % 4];
		add_fev(st[0], &e);
		add_fev(st[1 + cust % 2], &e);
	}
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(tp_journey_store_finish(st[i]), TP_OK);
}

static char *
save(const tp_funnel_state *fs, tp_state_format f, size_t *len)
{
	char *out = NULL;

	ck_assert_int_eq(tp_funnel_state_save(fs, f, &out, len), TP_OK);
	return out;
}

static tp_funnel *
complex_funnel(unsigned mode, tp_funnel_count count)
{
	tp_funnel *f = funnel_of("ABCD", mode, 600);

	ck_assert_int_eq(tp_funnel_add_exclusion(f, "event=X", NULL), TP_OK);
	ck_assert_int_eq(tp_funnel_set_breakdown(f, "source",
						 TP_FUNNEL_ATTRIBUTION_LAST_TOUCH, 0), TP_OK);
	ck_assert_int_eq(tp_funnel_set_count(f, count), TP_OK);
	return f;
}

START_TEST(merge_halves)
{
	static const unsigned modes[] = {
		0, TP_FUNNEL_STRICT_ORDER, TP_FUNNEL_STRICT_INCREASE,
		TP_FUNNEL_STRICT_DEDUPLICATION,
	};
	tp_catalog *c = small_catalog();
	tp_journey_store *st[3];
	tp_error *err = tp_error_new();
	size_t m, k;

	random_stores(c, st);
	for (m = 0; m < N(modes); m++) {
		for (k = 0; k < 3; k++) {
			tp_funnel *f = k == 2 ? funnel_of("ABC", modes[m], 0)
				: complex_funnel(modes[m], k ? TP_FUNNEL_COUNT_ATTEMPTS
							     : TP_FUNNEL_COUNT_CUSTOMERS);
			tp_funnel_state *w, *a, *b, *la, *lb;
			char *bw, *ba, *bb, *bm;
			size_t lw, lena, lenb, lm;

			ck_assert_int_eq(tp_funnel_run(f, st[0], &w, NULL), TP_OK);
			ck_assert_int_eq(tp_funnel_run(f, st[1], &a, NULL), TP_OK);
			ck_assert_int_eq(tp_funnel_run(f, st[2], &b, NULL), TP_OK);
			ck_assert_uint_eq(tp_funnel_state_journeys(w), 150);
			/* a through JSON, b through binary. */
			ba = save(a, TP_STATE_FORMAT_JSON, &lena);
			bb = save(b, TP_STATE_FORMAT_BINARY, &lenb);
			ck_assert_int_eq(tp_funnel_state_load(ba, lena, "a", &la, err), TP_OK);
			ck_assert_int_eq(tp_funnel_state_load(bb, lenb, "b", &lb, err), TP_OK);
			ck_assert_int_eq(tp_funnel_state_merge(la, lb, err), TP_OK);
			bw = save(w, TP_STATE_FORMAT_JSON, &lw);
			bm = save(la, TP_STATE_FORMAT_JSON, &lm);
			ck_assert_msg(lw == lm && memcmp(bw, bm, lw) == 0,
				      "mode %u funnel %zu: merged halves differ "
				      "from the whole", modes[m], k);
			tp_free(bw);
			tp_free(bm);
			bw = save(w, TP_STATE_FORMAT_BINARY, &lw);
			bm = save(la, TP_STATE_FORMAT_BINARY, &lm);
			ck_assert(lw == lm && memcmp(bw, bm, lw) == 0);
			/* And the figures agree. */
			ck_assert_str_eq(counts(w, TP_FUNNEL_ALL_GROUPS),
					 counts(la, TP_FUNNEL_ALL_GROUPS));
			tp_free(bw);
			tp_free(bm);
			tp_free(ba);
			tp_free(bb);
			tp_funnel_state_free(w);
			tp_funnel_state_free(a);
			tp_funnel_state_free(b);
			tp_funnel_state_free(la);
			tp_funnel_state_free(lb);
			tp_funnel_free(f);
		}
	}
	/* Different funnels do not merge. */
	{
		tp_funnel *f1 = funnel_of("AB", 0, 0), *f2 = funnel_of("AB", 0, 5);
		tp_funnel_state *s1, *s2;

		ck_assert_int_eq(tp_funnel_run(f1, st[1], &s1, NULL), TP_OK);
		ck_assert_int_eq(tp_funnel_run(f2, st[2], &s2, NULL), TP_OK);
		ck_assert_int_eq(tp_funnel_state_merge(s1, s2, err), TP_EMISMATCH);
		ck_assert_int_eq(tp_funnel_state_merge(s1, s1, err), TP_EINVAL);
		tp_funnel_state_free(s1);
		tp_funnel_state_free(s2);
		tp_funnel_free(f1);
		tp_funnel_free(f2);
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
	tp_journey_store *st[3];
	tp_funnel *f = complex_funnel(0, TP_FUNNEL_COUNT_CUSTOMERS);
	tp_funnel_state *fs, *back = NULL;
	tp_error *err = tp_error_new();
	char *bin, *json, *copy, *p;
	size_t lb, lj, i;
	tp_status s;
	tp_state_kind kind;

	random_stores(c, st);
	ck_assert_int_eq(tp_funnel_run(f, st[1], &fs, NULL), TP_OK);
	bin = save(fs, TP_STATE_FORMAT_BINARY, &lb);
	json = save(fs, TP_STATE_FORMAT_JSON, &lj);
	copy = malloc(lj + 1);
	ck_assert_int_eq(tp_state_identify(bin, lb, NULL, &kind, NULL, NULL), TP_OK);
	ck_assert_int_eq(kind, TP_STATE_KIND_FUNNEL);
	for (i = 0; i < lb; i += 1 + i / 50) {
		s = tp_funnel_state_load(bin, i, "t", &back, NULL);
		ck_assert_msg(s == TP_ESYNTAX, "length %zu: %s", i, tp_strerror(s));
	}
	for (i = 0; i < lb; i += 1 + i / 50) {
		memcpy(copy, bin, lb);
		copy[i] ^= 0x01;
		ck_assert_msg(tp_funnel_state_load(copy, lb, "f", &back, NULL) != TP_OK,
			      "flip at %zu accepted", i);
	}
	memcpy(copy, bin, lb);
	copy[4] = 9;
	tp_error_clear(err);
	ck_assert_int_eq(tp_funnel_state_load(copy, lb, "v9", &back, err), TP_EVERSION);
	ck_assert_ptr_nonnull(strstr(tp_error_message(err, 0), "version 9"));
	ck_assert_int_eq(tp_state_identify(copy, lb, "v9", &kind, NULL, NULL), TP_EVERSION);
	copy[4] = 1;
	copy[5] = TP_STATE_KIND_MATRIX;
	ck_assert_int_eq(tp_funnel_state_load(copy, lb, "k", &back, err), TP_EMISMATCH);

	/* JSON: a count changed so that the figures no longer agree. */
	memcpy(copy, json, lj + 1);
	p = strstr(copy, "\"customers\":");
	ck_assert_ptr_nonnull(p);
	p += strlen("\"customers\":");
	*p = *p == '9' ? '8' : (char)(*p + 1);
	tp_error_clear(err);
	ck_assert_int_eq(tp_funnel_state_load(copy, lj, "c.json", &back, err), TP_ESCHEMA);
	ck_assert_str_eq(tp_error_source(err, 0), "c.json");
	ck_assert_uint_gt(tp_error_line(err, 0), 0);
	/* JSON of another kind and another version. */
	memcpy(copy, json, lj + 1);
	p = strstr(copy, "\"kind\":\"funnel\"");
	memcpy(p, "\"kind\":\"matrix\"", 15);
	ck_assert_int_eq(tp_funnel_state_load(copy, lj, "k.json", &back, err), TP_EMISMATCH);
	memcpy(copy, json, lj + 1);
	p = strstr(copy, "\"version\":1");
	p[10] = '7';
	tp_error_clear(err);
	ck_assert_int_eq(tp_funnel_state_load(copy, lj, "v.json", &back, err), TP_EVERSION);
	ck_assert_str_eq(tp_error_path(err, 0), "$.version");
	ck_assert_uint_eq(tp_error_line(err, 0), 1);
	for (i = 0; i + 1 < lj; i += 1 + i / 40)
		ck_assert_msg(tp_funnel_state_load(json, i, "t", &back, NULL) != TP_OK,
			      "JSON length %zu accepted", i);
	ck_assert_ptr_null(back);

	free(copy);
	tp_free(bin);
	tp_free(json);
	tp_funnel_state_free(fs);
	tp_funnel_free(f);
	for (i = 0; i < 3; i++)
		tp_journey_store_free(st[i]);
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

static tp_status
run_all(const tp_journey_store *a, const tp_journey_store *b, char **out,
	size_t *len)
{
	tp_funnel *f = NULL;
	tp_funnel_state *sa = NULL, *sb = NULL, *la = NULL, *lb = NULL;
	char *ja = NULL, *jb = NULL;
	size_t lena, lenb;
	tp_status st;

	st = tp_funnel_new(&f);
	if (st == TP_OK)
		st = tp_funnel_add_step(f, "event=A", NULL, NULL);
	if (st == TP_OK)
		st = tp_funnel_add_step(f, "event=B", "bee", NULL);
	if (st == TP_OK)
		st = tp_funnel_add_step(f, "touchpoint=checkout", NULL, NULL);
	if (st == TP_OK)
		st = tp_funnel_add_exclusion(f, "event=X", NULL);
	if (st == TP_OK)
		st = tp_funnel_set_breakdown(f, "source",
					     TP_FUNNEL_ATTRIBUTION_FIRST_TOUCH, 0);
	if (st == TP_OK)
		st = tp_funnel_run(f, a, &sa, NULL);
	if (st == TP_OK)
		st = tp_funnel_run(f, b, &sb, NULL);
	if (st == TP_OK)
		st = tp_funnel_state_save(sa, TP_STATE_FORMAT_JSON, &ja, &lena);
	if (st == TP_OK)
		st = tp_funnel_state_save(sb, TP_STATE_FORMAT_BINARY, &jb, &lenb);
	if (st == TP_OK)
		st = tp_funnel_state_load(ja, lena, NULL, &la, NULL);
	if (st == TP_OK)
		st = tp_funnel_state_load(jb, lenb, NULL, &lb, NULL);
	if (st == TP_OK)
		st = tp_funnel_state_merge(la, lb, NULL);
	if (st == TP_OK)
		st = tp_funnel_state_save(la, TP_STATE_FORMAT_JSON, out, len);
	tp_free(ja);
	tp_free(jb);
	tp_funnel_state_free(sa);
	tp_funnel_state_free(sb);
	tp_funnel_state_free(la);
	tp_funnel_state_free(lb);
	tp_funnel_free(f);
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
	for (n = 1; n < 200000 && !succeeded; n++) {
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
	ck_assert_uint_gt(n, 50);
	tp_free(ref);
	for (i = 0; i < 3; i++)
		tp_journey_store_free(st[i]);
	tp_catalog_free(c);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("funnel");
	TCase *m = tcase_create("modes");
	TCase *r = tcase_create("results");
	TCase *t = tcase_create("states");

	tcase_add_test(m, default_mode);
	tcase_add_test(m, strict_order);
	tcase_add_test(m, strict_deduplication);
	tcase_add_test(m, strict_increase_and_equal_times);
	tcase_add_test(m, windows_and_attempts);
	tcase_add_test(m, exclusions);
	tcase_add_test(m, empty_and_single);
	suite_add_tcase(s, m);
	tcase_add_test(r, durations_and_drop_off);
	tcase_add_test(r, exact_quantiles_many);
	tcase_add_test(r, breakdowns);
	tcase_add_test(r, stage_funnel);
	tcase_add_test(r, definitions);
	suite_add_tcase(s, r);
	tcase_add_test(t, merge_halves);
	tcase_add_test(t, bad_states);
	tcase_add_test(t, allocation_failures);
	suite_add_tcase(s, t);
	return s;
}
