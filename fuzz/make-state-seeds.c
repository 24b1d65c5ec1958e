/* SPDX-License-Identifier: MIT */
/*
 * make-state-seeds DIR: write one state of each kind (funnel, matrix,
 * path counts), in both forms, into DIR as seeds of fuzz-state. The
 * journeys are a fixed handful of customers on the default catalog, so
 * the seeds are small and every part of each payload is present
 * (durations, values, scores, breakdown groups, next touchpoints).
 */
#include <stdio.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

static const struct {
	const char *customer, *time, *event, *touchpoint;
	double value, score;
	const char *segment;
} events[] = {
	{ "ana", "2026-03-01T10:00:00Z", "ad_click", "social_ad", 0, 0, "new" },
	{ "ana", "2026-03-01T10:05:00Z", "page_view", "product_page_view", 0, 0, "new" },
	{ "ana", "2026-03-04T09:10:00Z", "purchase", "checkout", 59.90, 0, "new" },
	{ "ana", "2026-03-11T10:00:00Z", "survey_response", "satisfaction_survey", 0, 9, "new" },
	{ "ben", "2026-03-01T11:00:00Z", "page_view", "organic_search", 0, 0, "vip" },
	{ "ben", "2026-03-04T12:00:00Z", "page_view", "price_comparison", 0, 0, "vip" },
	{ "ben", "2026-03-05T20:05:00Z", "add_to_cart", "cart", 0, 0, "vip" },
	{ "cai", "2026-03-02T09:00:00Z", "ad_click", "paid_search", 0, 0, NULL },
	{ "cai", "2026-03-05T16:00:00Z", "store_visit", "store_visit", 0, 0, NULL },
	{ "cai", "2026-03-05T16:50:00Z", "purchase", "store_purchase", 120.00, 0, NULL },
	{ "cai", "2026-03-12T12:00:00Z", "review", "review", 0, 4, NULL },
	{ "dee", "2026-03-02T20:00:00Z", "tv_spot", "tv_ad", 0, 0, "new" },
};

static int
write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

typedef tp_status (*save_fn)(const void *obj, tp_state_format f, char **out,
			     size_t *len);

static tp_status
save_funnel(const void *o, tp_state_format f, char **out, size_t *len)
{
	return tp_funnel_state_save(o, f, out, len);
}

static tp_status
save_matrix(const void *o, tp_state_format f, char **out, size_t *len)
{
	return tp_matrix_save(o, f, out, len);
}

static tp_status
save_counts(const void *o, tp_state_format f, char **out, size_t *len)
{
	return tp_path_counts_save(o, f, out, len);
}

static int
save_both(const char *dir, const char *name, const void *obj, save_fn save)
{
	static const tp_state_format formats[] = { TP_STATE_FORMAT_BINARY,
						   TP_STATE_FORMAT_JSON };
	static const char *const ext[] = { "bin", "json" };
	int i, rc = 0;

	for (i = 0; i < 2; i++) {
		char file[256], *data = NULL;
		size_t len = 0;

		if (save(obj, formats[i], &data, &len) != TP_OK)
			return 1;
		snprintf(file, sizeof(file), "%s.%s", name, ext[i]);
		rc |= write_file(dir, file, data, len);
		tp_free(data);
	}
	return rc;
}

int
main(int argc, char **argv)
{
	tp_catalog *catalog = NULL;
	tp_journey_store *store = NULL;
	tp_funnel *funnel = NULL;
	tp_funnel_state *fs = NULL;
	tp_matrix *matrix = NULL;
	tp_path_counts *counts = NULL;
	tp_journey_path_options po = TP_JOURNEY_PATH_OPTIONS_INIT;
	tp_error *err = tp_error_new();
	tp_status st;
	size_t i;
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: make-state-seeds DIR\n");
		return 2;
	}
	st = tp_catalog_default(&catalog, err);
	if (!st)
		st = tp_journey_store_new(catalog, NULL, &store, err);
	if (!st)
		st = tp_journey_store_keep_field(store, "segment");
	for (i = 0; !st && i < sizeof(events) / sizeof(events[0]); i++) {
		tp_touch t = TP_TOUCH_INIT;
		tp_attr a = { "segment", 7, events[i].segment,
			      events[i].segment ? strlen(events[i].segment) : 0 };

		t.customer_id = events[i].customer;
		t.customer_id_len = strlen(t.customer_id);
		st = tp_timestamp_parse(events[i].time, strlen(events[i].time),
					&t.timestamp_ms);
		if (st)
			break;
		t.event = events[i].event;
		t.event_len = strlen(t.event);
		t.touchpoint = tp_catalog_find_touchpoint(catalog, events[i].touchpoint);
		t.has_value = events[i].value > 0;
		t.value = events[i].value;
		t.has_score = events[i].score > 0;
		t.score = events[i].score;
		if (events[i].segment) {
			t.attrs = &a;
			t.n_attrs = 1;
		}
		st = tp_journey_store_add(store, &t, err);
	}
	if (!st)
		st = tp_journey_store_finish(store);
	if (!st)
		st = tp_funnel_new_from_catalog(catalog, "seven_stage", &funnel, err);
	if (!st)
		st = tp_funnel_set_breakdown(funnel, "segment",
					     TP_FUNNEL_ATTRIBUTION_DEFAULT, 0);
	if (!st)
		st = tp_funnel_run(funnel, store, &fs, err);
	if (!st)
		st = tp_matrix_compute(store, NULL, &matrix, err);
	po.lookback_steps = 8;
	if (!st)
		st = tp_path_counts_compute(store, "touchpoint", &po, &counts, err);
	if (st) {
		fprintf(stderr, "make-state-seeds: %s: %s\n", tp_strerror(st),
			tp_error_count(err) ? tp_error_message(err, 0) : "");
		goto out;
	}
	rc = save_both(argv[1], "funnel", fs, save_funnel) |
	     save_both(argv[1], "matrix", matrix, save_matrix) |
	     save_both(argv[1], "path-counts", counts, save_counts);
out:
	tp_path_counts_free(counts);
	tp_matrix_free(matrix);
	tp_funnel_state_free(fs);
	tp_funnel_free(funnel);
	tp_journey_store_free(store);
	tp_catalog_free(catalog);
	tp_error_free(err);
	return rc;
}
