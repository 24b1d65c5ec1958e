/* SPDX-License-Identifier: MIT */
/*
 * Attribution of the worked example (docs/attribution.md) with every
 * model, side by side.
 *
 * The four paths are added one by one with the time of each touch, as a
 * journey store would add them, so that the time-decay model can run too;
 * the same paths read from a path table (CSV) give the same results for
 * every other model, which the program checks.
 *
 * Build: cc attribution.c $(pkg-config --cflags --libs libtouchpoint)
 * Run:   ./attribution
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#define DAY ((int64_t)24 * 3600 * 1000)

static const char table[] =
	"path,conversions,nulls,value\n"
	"A > B > C,2,1,100\n"
	"A > C,1,2,30\n"
	"C > B > B,1,1,40\n"
	"C > A,0,2,0\n";

/* One path with its touch times, days before the conversion. */
struct example_path {
	const char *items[3];
	int days_before[3];
	size_t n;
	double conversions, nulls, value;
};

static const struct example_path paths[] = {
	{ { "A", "B", "C" }, { 14, 7, 0 }, 3, 2, 1, 100 },
	{ { "A", "C" }, { 7, 7 }, 2, 1, 2, 30 },
	{ { "C", "B", "B" }, { 21, 7, 7 }, 3, 1, 1, 40 },
	{ { "C", "A" }, { 3, 1 }, 2, 0, 2, 0 },
};

static int
fail(const char *what, tp_status st, const tp_error *err)
{
	char buf[512] = "";

	if (tp_error_count(err))
		tp_error_format(err, 0, buf, sizeof(buf));
	fprintf(stderr, "attribution: %s: %s %s\n", what, tp_strerror(st), buf);
	return 1;
}

static tp_status
build_timed(tp_paths **out, tp_error *err)
{
	const int64_t conversion = (int64_t)1767225600000; /* 2026-01-01 */
	tp_paths *p;
	size_t i, k;
	tp_status st = tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &p);

	if (st)
		return st;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		tp_path d = TP_PATH_INIT;
		int64_t times[3];

		for (k = 0; k < paths[i].n; k++)
			times[k] = conversion - paths[i].days_before[k] * DAY;
		d.items = paths[i].items;
		d.n_items = paths[i].n;
		d.times = times;
		d.conversion_time = conversion;
		d.conversions = paths[i].conversions;
		d.nulls = paths[i].nulls;
		d.value = paths[i].value;
		st = tp_paths_add(p, &d, err);
		if (st) {
			tp_paths_free(p);
			return st;
		}
	}
	*out = p;
	return TP_OK;
}

int
main(void)
{
	tp_attribution *res[TP_ATTRIBUTION_MODEL_LAST];
	tp_paths *timed = NULL, *csv = NULL;
	tp_error *err = tp_error_new();
	tp_status st;
	size_t n = 0, m, i;
	int rc = 0;

	if (!err)
		return fail("tp_error_new", TP_ENOMEM, NULL);
	st = build_timed(&timed, err);
	if (st)
		return fail("adding paths", st, err);
	st = tp_paths_load_csv_string(table, strlen(table), "table", NULL, &csv, err);
	if (st)
		return fail("reading the path table", st, err);

	printf("Worked example: %zu paths, %g conversions, %g nulls, value %g\n",
	       tp_paths_count(timed), tp_paths_total_conversions(timed),
	       tp_paths_total_nulls(timed), tp_paths_total_value(timed));

	for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++) {
		st = tp_attribution_compute(timed, (tp_attribution_model)m, NULL,
					    &res[n], err);
		if (st)
			return fail(tp_attribution_model_name((tp_attribution_model)m), st, err);
		n++;
	}

	/* Conversions, then value, one column per model. */
	for (i = 0; i < 2; i++) {
		size_t item;

		printf("\n%-12s", i ? "value" : "conversions");
		for (m = 0; m < n; m++)
			printf(" %15s", tp_attribution_model_name(tp_attribution_get_model(res[m])));
		printf("\n");
		for (item = 0; item < tp_attribution_item_count(res[0]); item++) {
			printf("%-12s", tp_attribution_item_id(res[0], item));
			for (m = 0; m < n; m++)
				printf(" %15.6f", i ? tp_attribution_value(res[m], item)
				       : tp_attribution_conversions(res[m], item));
			printf("\n");
		}
	}

	for (m = 0; m < n; m++) {
		const tp_attribution *a = res[m];

		if (tp_attribution_get_model(a) != TP_ATTRIBUTION_MARKOV)
			continue;
		printf("\nMarkov order %d: P(conversion) = %.6f\n",
		       tp_attribution_get_order(a),
		       tp_attribution_conversion_probability(a));
		for (i = 0; i < tp_attribution_item_count(a); i++)
			printf("  removal effect of %s: %.6f (value: %.6f)\n",
			       tp_attribution_item_id(a, i),
			       tp_attribution_removal_effect(a, i),
			       tp_attribution_value_removal_effect(a, i));
	}

	/* The path table gives the same results, time decay apart (a path
	 * table has no times). */
	for (m = 0; m < n; m++) {
		tp_attribution_model model = tp_attribution_get_model(res[m]);
		tp_attribution *b;

		if (model == TP_ATTRIBUTION_TIME_DECAY)
			continue;
		st = tp_attribution_compute(csv, model, NULL, &b, err);
		if (st)
			return fail("path table", st, err);
		for (i = 0; i < tp_attribution_item_count(b); i++)
			if (fabs(tp_attribution_conversions(b, i) -
				 tp_attribution_conversions(res[m], i)) > 1e-12) {
				printf("%s differs on the path table\n",
				       tp_attribution_model_name(model));
				rc = 1;
			}
		tp_attribution_free(b);
	}
	if (rc == 0)
		printf("\nThe path table gives the same results.\n");

	for (m = 0; m < n; m++)
		tp_attribution_free(res[m]);
	tp_paths_free(timed);
	tp_paths_free(csv);
	tp_error_free(err);
	return rc;
}
