/* SPDX-License-Identifier: MIT */
/*
 * Journeys, the 7-stage funnel and the touchpoint matrix: speed and
 * memory.
 *
 * Generates EVENTS classified events of CUSTOMERS customers in memory
 * (deterministic: fixed seed) in batches of 4,096 — still warm in the
 * cache, as a classifier's output would be, and never weighing on the
 * peak memory — and times, RUNS times (medians printed):
 *
 *   add        tp_journey_store_add_batch() of every batch (generation of
 *              each batch not included)
 *   finish     tp_journey_store_finish(): the sort into journeys and the
 *              sessions
 *   funnel     the default catalog's seven_stage funnel
 *              (tp_funnel_run())
 *   matrix     channels x stages (tp_matrix_compute())
 *   total      all four: the target is at least 5 million events per
 *              second on one core
 *
 * then prints the peak resident memory (getrusage ru_maxrss) against the
 * 1 GiB target.
 *
 * The simulated customers move through the seven stages: each event stays
 * in the customer's stage or moves one on (sometimes back), at times
 * minutes to days apart, from one of eight traffic sources with their
 * channel group and 40 campaigns; 2% of the events arrive late (out of
 * order); customers are interleaved in small bursts, as in an exported
 * event log. Purchases carry a value, survey answers a score.
 *
 * Usage: bench-journeys [EVENTS] [CUSTOMERS] [RUNS]
 *        (default 10000000 1000000 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "bench-common.h"

#define BATCH 4096
#define MAX_RUNS 9
#define STAGES 7
#define MAX_TP 64

/* CPU time of this process: the machine may be shared; the target is
 * for one core. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct source {
	const char *source, *medium, *group;
};

static const struct source sources[] = {
	{ "google", "cpc", "Paid Search" },
	{ "google", "organic", "Organic Search" },
	{ "(direct)", "(none)", "Direct" },
	{ "newsletter", "email", "Email" },
	{ "facebook", "paid_social", "Paid Social" },
	{ "instagram", "social", "Organic Social" },
	{ "partner.example", "referral", "Referral" },
	{ "bing", "organic", "Organic Search" },
};
#define N_SOURCES (sizeof(sources) / sizeof(sources[0]))

static const char *const event_names[] = {
	"page_view", "email_open", "ad_click", "store_visit", "call",
};

struct gen {
	uint64_t rng;
	const tp_catalog *catalog;
	int32_t tps[STAGES][MAX_TP];
	size_t n_tps[STAGES];
	int32_t checkout, survey;
	size_t customers;
	uint8_t *stage;          /* per customer */
	int64_t *time;           /* per customer */
	char campaigns[40][16];
	/* the current burst */
	size_t burst_customer, burst_left;
};

/* Generated events, ready to hand over in one batch. */
struct batch {
	char id[BATCH][16];
	tp_touch t[BATCH];
};

static tp_status
gen_init(struct gen *g, const tp_catalog *c, size_t customers)
{
	static const char *const stage_ids[STAGES] = {
		"discovery", "consideration", "preference", "intention", "sale",
		"recommendation", "loyalty",
	};
	size_t i, s;

	memset(g, 0, sizeof(*g));
	g->rng = 20260301;
	g->catalog = c;
	g->customers = customers;
	for (s = 0; s < STAGES; s++) {
		int idx = tp_catalog_find_stage(c, stage_ids[s]);

		if (idx < 0)
			return TP_ENOTFOUND;
		for (i = 0; i < tp_catalog_touchpoint_count(c); i++)
			if (tp_catalog_touchpoint_stage(c, i) == idx &&
			    g->n_tps[s] < MAX_TP)
				g->tps[s][g->n_tps[s]++] = (int32_t)i;
		if (!g->n_tps[s])
			return TP_ENOTFOUND;
	}
	g->checkout = tp_catalog_find_touchpoint(c, "checkout");
	g->survey = tp_catalog_find_touchpoint(c, "satisfaction_survey");
	if (g->checkout < 0 || g->survey < 0)
		return TP_ENOTFOUND;
	for (i = 0; i < 40; i++)
		snprintf(g->campaigns[i], sizeof(g->campaigns[i]), "spring_%02zu", i);
	g->stage = calloc(customers, 1);
	g->time = calloc(customers, sizeof(*g->time));
	if (!g->stage || !g->time)
		return TP_ENOMEM;
	for (i = 0; i < customers; i++)
		g->time[i] = INT64_C(1772323200000) +
			     (int64_t)(bench_rand(&g->rng) % (30 * 86400000ULL));
	return TP_OK;
}

static void
gen_fini(struct gen *g)
{
	free(g->stage);
	free(g->time);
}

static void
gen_next(struct gen *g, char *id, tp_touch *out)
{
	tp_touch t = TP_TOUCH_INIT;
	uint64_t r = bench_rand(&g->rng);
	size_t c;
	unsigned st, move = (unsigned)(r % 100);
	const struct source *src;
	int64_t ts;

	if (!g->burst_left) {
		g->burst_customer = (size_t)(bench_rand(&g->rng) % g->customers);
		g->burst_left = 1 + (size_t)(r >> 60) % 4;
	}
	g->burst_left--;
	c = g->burst_customer;
	st = g->stage[c];
	if (move < 30 && st + 1 < STAGES)
		st++;
	else if (move >= 97 && st > 0)
		st--;
	g->stage[c] = (uint8_t)st;
	g->time[c] += 60000 + (int64_t)((r >> 8) % (move < 30 ? 3 * 86400000ULL
							       : 20 * 60000ULL));
	ts = g->time[c];
	if ((r >> 40) % 50 == 0)      /* 2% late */
		ts -= 3600000;
	snprintf(id, 16, "c%zu", c);
	t.customer_id = id;
	t.customer_id_len = strlen(id);
	t.timestamp_ms = ts;
	src = &sources[(r >> 20) % N_SOURCES];
	t.source = src->source;
	t.source_len = strlen(src->source);
	t.medium = src->medium;
	t.medium_len = strlen(src->medium);
	t.channel_group = src->group;
	t.channel_group_len = strlen(src->group);
	if (strcmp(src->medium, "cpc") == 0 || strcmp(src->medium, "paid_social") == 0) {
		t.campaign = g->campaigns[(r >> 24) % 40];
		t.campaign_len = strlen(t.campaign);
	}
	if ((r >> 30) % 10 == 0) {
		/* An event the rules could not place: no touchpoint. */
		t.event = "page_view";
	} else if (st == 4 && (r >> 34) % 3 == 0) {
		t.touchpoint = g->checkout;
		t.event = "purchase";
		t.has_value = 1;
		t.value = (double)(1000 + (r >> 36) % 20000) / 100.0;
	} else if (st == 5 && (r >> 34) % 2 == 0) {
		t.touchpoint = g->survey;
		t.event = "survey_response";
		t.has_score = 1;
		t.score = (double)((r >> 36) % 11);
	} else {
		t.touchpoint = g->tps[st][(r >> 44) % g->n_tps[st]];
		t.event = event_names[(r >> 52) % 5];
	}
	t.event_len = strlen(t.event);
	*out = t;
}

struct times {
	double add, finish, funnel, matrix, total;   /* wall clock */
	double cadd, cfinish, cfunnel, cmatrix, ctotal;  /* CPU time */
};

static int
run_once(const tp_catalog *c, size_t events, size_t customers,
	 struct times *tm, size_t *out_customers, uint64_t *reached_sale)
{
	struct batch *batch = malloc(sizeof(*batch));
	tp_journey_store *s = NULL;
	tp_funnel *f = NULL;
	tp_funnel_state *fs = NULL;
	tp_matrix *m = NULL;
	tp_funnel_step_stats sale = TP_FUNNEL_STEP_STATS_INIT;
	struct gen g;
	size_t done = 0, i;
	double t0, c0;
	tp_status st;

	memset(tm, 0, sizeof(*tm));
	if (!batch || gen_init(&g, c, customers) != TP_OK) {
		fprintf(stderr, "bench-journeys: cannot set up the generator\n");
		free(batch);
		return 1;
	}
	st = tp_journey_store_new(c, NULL, &s, NULL);
	while (st == TP_OK && done < events) {
		size_t n = events - done < BATCH ? events - done : BATCH;

		for (i = 0; i < n; i++)
			gen_next(&g, batch->id[i], &batch->t[i]);
		t0 = bench_now();
		c0 = cpu_now();
		st = tp_journey_store_add_batch(s, batch->t, n, NULL, NULL);
		tm->add += bench_now() - t0;
		tm->cadd += cpu_now() - c0;
		done += n;
	}
	free(batch);
	gen_fini(&g);
	if (st != TP_OK) {
		fprintf(stderr, "bench-journeys: add: %s\n", tp_strerror(st));
		tp_journey_store_free(s);
		return 1;
	}
	c0 = cpu_now();
	t0 = bench_now();
	st = tp_journey_store_finish(s);
	tm->finish = bench_now() - t0;
	tm->cfinish = cpu_now() - c0;
	c0 = cpu_now();
	t0 = bench_now();
	if (st == TP_OK)
		st = tp_funnel_new_from_catalog(c, "seven_stage", &f, NULL);
	if (st == TP_OK)
		st = tp_funnel_run(f, s, &fs, NULL);
	tm->funnel = bench_now() - t0;
	tm->cfunnel = cpu_now() - c0;
	c0 = cpu_now();
	t0 = bench_now();
	if (st == TP_OK)
		st = tp_matrix_compute(s, NULL, &m, NULL);
	tm->matrix = bench_now() - t0;
	tm->cmatrix = cpu_now() - c0;
	tm->total = tm->add + tm->finish + tm->funnel + tm->matrix;
	tm->ctotal = tm->cadd + tm->cfinish + tm->cfunnel + tm->cmatrix;
	if (st == TP_OK)
		st = tp_funnel_state_step(fs, TP_FUNNEL_ALL_GROUPS, 4, &sale);
	if (st != TP_OK) {
		fprintf(stderr, "bench-journeys: %s\n", tp_strerror(st));
		return 1;
	}
	*out_customers = tp_journey_store_customer_count(s);
	*reached_sale = sale.customers;
	tp_matrix_free(m);
	tp_funnel_state_free(fs);
	tp_funnel_free(f);
	tp_journey_store_free(s);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t events = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
	size_t customers = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
	int runs = argc > 3 ? atoi(argv[3]) : 3, r;
	double w[5][MAX_RUNS], cpu[5][MAX_RUNS], total, ctotal, peak;
	static const char *const names[5] = {
		"add", "finish", "funnel", "matrix", "total",
	};
	static const char *const notes[5] = {
		"", "", "  (seven_stage)", "  (channel x stage)", "",
	};
	int k;
	size_t n_customers = 0;
	uint64_t sale = 0;
	tp_catalog *c;

	if (!events || !customers || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: bench-journeys [EVENTS] [CUSTOMERS] [RUNS<=%d]\n",
			MAX_RUNS);
		return 2;
	}
	if (tp_catalog_default(&c, NULL) != TP_OK)
		return 1;
	for (r = 0; r < runs; r++) {
		struct times tm;

		if (run_once(c, events, customers, &tm, &n_customers, &sale))
			return 1;
		w[0][r] = tm.add;
		w[1][r] = tm.finish;
		w[2][r] = tm.funnel;
		w[3][r] = tm.matrix;
		w[4][r] = tm.total;
		cpu[0][r] = tm.cadd;
		cpu[1][r] = tm.cfinish;
		cpu[2][r] = tm.cfunnel;
		cpu[3][r] = tm.cmatrix;
		cpu[4][r] = tm.ctotal;
		fprintf(stderr, "run %d: %.3f s (cpu %.3f s)\n", r + 1, tm.total,
			tm.ctotal);
	}
	tp_catalog_free(c);
	total = bench_median(w[4], (size_t)runs);
	ctotal = bench_median(cpu[4], (size_t)runs);
	peak = bench_peak_rss_mib();
	printf("events: %zu, customers: %zu (%llu reached the sale stage), "
	       "runs: %d (medians)\n", events, n_customers,
	       (unsigned long long)sale, runs);
	printf("%-8s %9s %9s\n", "phase", "wall (s)", "CPU (s)");
	for (k = 0; k < 5; k++)
		printf("%-8s %9.3f %9.3f%s\n", names[k],
		       bench_median(w[k], (size_t)runs),
		       bench_median(cpu[k], (size_t)runs), notes[k]);
	printf("throughput: %.2f million events/s wall, %.2f million events/s "
	       "of CPU time (target >= 5 on one core)\n",
	       (double)events / total / 1e6, (double)events / ctotal / 1e6);
	printf("peak resident memory %.1f MiB (target < 1024 MiB)\n", peak);
	return 0;
}
