/* SPDX-License-Identifier: MIT */
/*
 * Journeys, a funnel with drop-off and a touchpoint matrix.
 *
 * Feeds the classified events of eight customers (in no particular order)
 * to a journey store, then prints the 7-stage funnel of the default
 * catalog — how many customers reached each stage, how long it took, and
 * where those who dropped off went instead — and the touchpoint matrix of
 * channels by stages.
 *
 * Build: cc journeys.c $(pkg-config --cflags --libs libtouchpoint)
 */
#include <stdio.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

/* A classified event: what the classifier would hand over. */
struct event {
	const char *customer;
	const char *time;        /* RFC 3339 */
	const char *event;
	const char *touchpoint;  /* a touchpoint id of the default catalog */
	double value;            /* purchase value, 0 for none */
	double score;            /* satisfaction score, 0 for none */
};

static const struct event events[] = {
	{ "ana", "2026-03-01T10:00:00Z", "ad_click", "social_ad", 0, 0 },
	{ "ben", "2026-03-01T11:00:00Z", "page_view", "organic_search", 0, 0 },
	{ "ana", "2026-03-01T10:05:00Z", "page_view", "product_page_view", 0, 0 },
	{ "cai", "2026-03-02T09:00:00Z", "ad_click", "paid_search", 0, 0 },
	{ "dee", "2026-03-02T20:00:00Z", "tv_spot", "tv_ad", 0, 0 },
	{ "ben", "2026-03-01T11:02:00Z", "page_view", "product_page_view", 0, 0 },
	{ "ana", "2026-03-02T18:00:00Z", "wish_list_add", "wish_list", 0, 0 },
	{ "eva", "2026-03-03T08:00:00Z", "page_view", "social_post", 0, 0 },
	{ "cai", "2026-03-03T15:00:00Z", "webinar_join", "webinar", 0, 0 },
	{ "ben", "2026-03-04T12:00:00Z", "page_view", "price_comparison", 0, 0 },
	{ "fox", "2026-03-04T10:00:00Z", "referral_visit", "word_of_mouth", 0, 0 },
	{ "ana", "2026-03-04T09:00:00Z", "coupon_open", "coupon", 0, 0 },
	{ "gus", "2026-03-05T07:30:00Z", "page_view", "organic_search", 0, 0 },
	{ "cai", "2026-03-05T16:00:00Z", "store_visit", "store_visit", 0, 0 },
	{ "eva", "2026-03-03T08:04:00Z", "page_view", "product_page_view", 0, 0 },
	{ "ana", "2026-03-04T09:10:00Z", "purchase", "checkout", 59.90, 0 },
	{ "hal", "2026-03-06T13:00:00Z", "ad_click", "paid_search", 0, 0 },
	{ "ben", "2026-03-05T20:00:00Z", "coupon_open", "coupon", 0, 0 },
	{ "fox", "2026-03-06T17:00:00Z", "store_visit", "store_visit", 0, 0 },
	{ "gus", "2026-03-05T07:40:00Z", "page_view", "testimonial", 0, 0 },
	{ "hal", "2026-03-06T13:01:00Z", "page_view", "product_page_view", 0, 0 },
	{ "cai", "2026-03-05T16:30:00Z", "demo", "in_store_demo", 0, 0 },
	{ "eva", "2026-03-05T21:00:00Z", "wish_list_add", "wish_list", 0, 0 },
	{ "ben", "2026-03-05T20:05:00Z", "add_to_cart", "cart", 0, 0 },
	{ "gus", "2026-03-06T11:00:00Z", "chat", "live_chat", 0, 0 },
	{ "cai", "2026-03-05T16:50:00Z", "purchase", "store_purchase", 120.00, 0 },
	{ "hal", "2026-03-08T09:00:00Z", "email_open", "newsletter", 0, 0 },
	{ "ana", "2026-03-11T10:00:00Z", "survey_response", "satisfaction_survey", 0, 9 },
	{ "eva", "2026-03-07T09:00:00Z", "email_open", "abandoned_cart_email", 0, 0 },
	{ "gus", "2026-03-08T11:00:00Z", "trial_start", "free_trial", 0, 0 },
	{ "cai", "2026-03-12T12:00:00Z", "review", "review", 0, 4 },
	{ "gus", "2026-03-15T11:00:00Z", "purchase", "checkout", 30.00, 0 },
	{ "ana", "2026-03-13T10:00:00Z", "loyalty_signup", "loyalty_signup", 0, 0 },
	{ "gus", "2026-03-20T08:00:00Z", "referral", "referral", 0, 0 },
};

static int
fail(const char *what, tp_status st, const tp_error *err)
{
	size_t i;

	fprintf(stderr, "journeys: %s: %s\n", what, tp_strerror(st));
	for (i = 0; i < tp_error_count(err); i++)
		fprintf(stderr, "  %s\n", tp_error_message(err, i));
	return 1;
}

static tp_status
feed(tp_journey_store *store, const tp_catalog *catalog, tp_error *err)
{
	size_t i;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		const struct event *e = &events[i];
		tp_touch t = TP_TOUCH_INIT;
		tp_status st;

		t.customer_id = e->customer;
		t.customer_id_len = strlen(e->customer);
		st = tp_timestamp_parse(e->time, strlen(e->time), &t.timestamp_ms);
		if (st != TP_OK)
			return st;
		t.event = e->event;
		t.event_len = strlen(e->event);
		/* The channel and stage follow from the touchpoint. */
		t.touchpoint = tp_catalog_find_touchpoint(catalog, e->touchpoint);
		if (t.touchpoint < 0)
			return TP_ENOTFOUND;
		t.has_value = e->value > 0;
		t.value = e->value;
		t.has_score = e->score > 0;
		t.score = e->score;
		st = tp_journey_store_add(store, &t, err);
		if (st != TP_OK)
			return st;
	}
	return tp_journey_store_finish(store);
}

static void
print_duration(double seconds)
{
	if (seconds >= 86400)
		printf("%7.1f d", seconds / 86400);
	else if (seconds >= 3600)
		printf("%7.1f h", seconds / 3600);
	else
		printf("%7.1f m", seconds / 60);
}

static void
print_funnel(const tp_funnel_state *fs)
{
	size_t k, r;

	printf("7-stage funnel of %llu journeys\n\n",
	       (unsigned long long)tp_funnel_state_journeys(fs));
	printf("%-15s %9s %9s %8s %9s  %s\n", "stage", "customers", "from prev",
	       "dropped", "median", "those who dropped went to");
	for (k = 0; k < tp_funnel_state_step_count(fs); k++) {
		tp_funnel_step_stats s = TP_FUNNEL_STEP_STATS_INIT;

		tp_funnel_state_step(fs, TP_FUNNEL_ALL_GROUPS, k, &s);
		printf("%-15s %9llu %8.1f%% %8llu ", s.name,
		       (unsigned long long)s.customers,
		       100 * s.conversion_from_previous,
		       (unsigned long long)s.dropped);
		if (s.has_times)
			print_duration(s.median_seconds_from_previous);
		else
			printf("%9s", "-");
		printf(" ");
		for (r = 0; r < tp_funnel_state_next_count(fs, TP_FUNNEL_ALL_GROUPS, k); r++) {
			const char *tp;
			uint64_t n;

			tp_funnel_state_next(fs, TP_FUNNEL_ALL_GROUPS, k, r, &tp, &n);
			printf(" %s %llu", tp ? tp : "(journey ends)",
			       (unsigned long long)n);
		}
		printf("\n");
	}
}

static void
print_matrix(const tp_matrix *m)
{
	size_t r, c;

	printf("\nTouchpoint matrix: events (converting customers) by %s and %s\n\n",
	       tp_matrix_rows_field(m), tp_matrix_cols_field(m));
	printf("%-16s", "");
	for (c = 0; c < tp_matrix_col_count(m); c++) {
		const char *l = tp_matrix_col_label(m, c);

		printf(" %14s", l ? l : "-");
	}
	printf("\n");
	for (r = 0; r < tp_matrix_row_count(m); r++) {
		const char *l = tp_matrix_row_label(m, r);

		printf("%-16s", l ? l : "-");
		for (c = 0; c < tp_matrix_col_count(m); c++) {
			tp_matrix_cell cell = TP_MATRIX_CELL_INIT;
			char buf[32];

			tp_matrix_cell_get(m, r, c, &cell);
			if (cell.events)
				snprintf(buf, sizeof(buf), "%llu (%llu)",
					 (unsigned long long)cell.events,
					 (unsigned long long)cell.converted);
			else
				snprintf(buf, sizeof(buf), ".");
			printf(" %14s", buf);
		}
		printf("\n");
	}
}

int
main(void)
{
	tp_catalog *catalog = NULL;
	tp_journey_store *store = NULL;
	tp_funnel *funnel = NULL;
	tp_funnel_state *result = NULL;
	tp_matrix *matrix = NULL;
	tp_error *err = tp_error_new();
	tp_status st;
	int rc = 1;

	if (!err)
		return 1;
	st = tp_catalog_default(&catalog, err);
	if (st != TP_OK) {
		fail("default catalog", st, err);
		goto out;
	}
	st = tp_journey_store_new(catalog, NULL, &store, err);
	if (st == TP_OK)
		st = feed(store, catalog, err);
	if (st != TP_OK) {
		fail("journey store", st, err);
		goto out;
	}
	st = tp_funnel_new_from_catalog(catalog, "seven_stage", &funnel, err);
	if (st == TP_OK)
		st = tp_funnel_run(funnel, store, &result, err);
	if (st != TP_OK) {
		fail("funnel", st, err);
		goto out;
	}
	st = tp_matrix_compute(store, NULL, &matrix, err);
	if (st != TP_OK) {
		fail("matrix", st, err);
		goto out;
	}
	print_funnel(result);
	print_matrix(matrix);
	rc = 0;
out:
	tp_matrix_free(matrix);
	tp_funnel_state_free(result);
	tp_funnel_free(funnel);
	tp_journey_store_free(store);
	tp_catalog_free(catalog);
	tp_error_free(err);
	return rc;
}
