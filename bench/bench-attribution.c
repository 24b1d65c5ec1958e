/* SPDX-License-Identifier: MIT */
/*
 * Attribution speed.
 *
 * Writes a path table of PATHS rows over 20 channels to a temporary CSV
 * file (deterministic: fixed seed; path lengths 1 to 12, mean about 3.7;
 * channel popularity skewed; about a third of the rows convert), then
 * times, each RUNS times (medians printed):
 *
 *   read       tp_paths_load_csv_file() of the file
 *   MODEL      tp_attribution_compute() of every model that a path table
 *              allows (time_decay needs times), Markov at order 1
 *   total      read + all those models: what `touchpoint attribute
 *              --model all` computes (target: under 2 s)
 *   markov3    Markov at order 3 on the same path set (target: under 10 s)
 *   time_decay the same rows added with touch times by tp_paths_add()
 *              (timing the adds, then the model)
 *
 * and prints the peak resident memory after each phase.
 *
 * Usage: bench-attribution [PATHS] [RUNS]    (default 1000000 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <touchpoint/touchpoint.h>

#include "bench-common.h"

#define CHANNELS 20

/* CPU time of this process: the machine may be shared, and the targets
 * are for one core. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
#define MAX_LEN 12
#define MAX_RUNS 9

static const char *const channel_names[CHANNELS] = {
	"Paid Search", "Organic Search", "Direct", "Email", "Display",
	"Paid Social", "Organic Social", "Affiliate", "Referral", "Video",
	"Push", "SMS", "Comparison", "Events", "Print", "Radio", "TV",
	"Store", "Call Center", "Chatbot",
};

struct row {
	unsigned char items[MAX_LEN];
	unsigned char len;
	unsigned conversions, nulls;
	double value;
};

/* Skewed channel choice: channel k with weight 1 / (k + 2). */
static unsigned
pick_channel(uint64_t *rng)
{
	static double cum[CHANNELS];
	static int ready;
	double u;
	unsigned k;

	if (!ready) {
		double s = 0;

		for (k = 0; k < CHANNELS; k++)
			cum[k] = (s += 1.0 / (k + 2));
		for (k = 0; k < CHANNELS; k++)
			cum[k] /= s;
		ready = 1;
	}
	u = (double)(bench_rand(rng) >> 11) / 9007199254740992.0;
	for (k = 0; k + 1 < CHANNELS && u > cum[k]; k++)
		;
	return k;
}

static void
make_row(uint64_t *rng, struct row *r)
{
	unsigned k;

	r->len = 1;
	while (r->len < MAX_LEN && bench_rand(rng) % 100 < 70)
		r->len++;
	for (k = 0; k < r->len; k++)
		r->items[k] = (unsigned char)pick_channel(rng);
	r->conversions = bench_rand(rng) % 3 == 0 ? 1 + (unsigned)(bench_rand(rng) % 3) : 0;
	r->nulls = (unsigned)(bench_rand(rng) % 6) + (r->conversions ? 0 : 1);
	r->value = r->conversions ? (double)(bench_rand(rng) % 20000) / 100.0 * r->conversions : 0;
}

static int
write_csv(const char *path, size_t n, double *mib)
{
	FILE *f = fopen(path, "w");
	uint64_t rng = 20260301;
	size_t i, k;
	long size;

	if (!f)
		return -1;
	fputs("path,conversions,nulls,value\n", f);
	for (i = 0; i < n; i++) {
		struct row r;

		make_row(&rng, &r);
		for (k = 0; k < r.len; k++)
			fprintf(f, "%s%s", k ? " > " : "", channel_names[r.items[k]]);
		fprintf(f, ",%u,%u,%.2f\n", r.conversions, r.nulls, r.value);
	}
	size = ftell(f);
	*mib = (double)size / (1024.0 * 1024.0);
	return fclose(f);
}

/* The same rows, with touch times, into a path set. */
static tp_status
add_timed(tp_paths *p, size_t n)
{
	uint64_t rng = 20260301;
	const int64_t t0 = (int64_t)1767225600000;
	size_t i, k;

	for (i = 0; i < n; i++) {
		struct row r;
		uint32_t ids[MAX_LEN];
		int64_t times[MAX_LEN];
		tp_path d = TP_PATH_INIT;
		tp_status st;

		make_row(&rng, &r);
		for (k = 0; k < r.len; k++) {
			st = tp_paths_intern(p, channel_names[r.items[k]],
					     strlen(channel_names[r.items[k]]), &ids[k]);
			if (st)
				return st;
			times[k] = t0 + (int64_t)(i % 1000) * 60000 +
				(int64_t)k * 3600 * 1000 * (int64_t)(1 + bench_rand(&rng) % 48);
			if (k && times[k] < times[k - 1])
				times[k] = times[k - 1];
		}
		d.item_ids = ids;
		d.n_items = r.len;
		d.times = times;
		d.conversion_time = times[r.len - 1] + 86400000;
		d.conversions = r.conversions;
		d.nulls = r.nulls;
		d.value = r.value;
		st = tp_paths_add(p, &d, NULL);
		if (st)
			return st;
	}
	return TP_OK;
}

static const tp_attribution_model table_models[] = {
	TP_ATTRIBUTION_FIRST, TP_ATTRIBUTION_LAST, TP_ATTRIBUTION_LAST_NON_DIRECT,
	TP_ATTRIBUTION_LINEAR, TP_ATTRIBUTION_POSITION, TP_ATTRIBUTION_MARKOV,
	TP_ATTRIBUTION_SHAPLEY, TP_ATTRIBUTION_SHAPLEY_SIMPLE,
};
#define N_MODELS (sizeof(table_models) / sizeof(table_models[0]))

static double
time_model(const tp_paths *p, tp_attribution_model m, int order, double *cpu)
{
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_attribution *a = NULL;
	tp_status st;
	double t, c;

	o.order = order;
	c = cpu_now();
	t = bench_now();
	st = tp_attribution_compute(p, m, &o, &a, NULL);
	t = bench_now() - t;
	*cpu = cpu_now() - c;
	if (st) {
		fprintf(stderr, "bench-attribution: %s: %s\n",
			tp_attribution_model_name(m), tp_strerror(st));
		exit(1);
	}
	tp_attribution_free(a);
	return t;
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
	int runs = argc > 2 ? atoi(argv[2]) : 3, r;
	char path[] = "/tmp/bench-attribution-XXXXXX";
	double t_read[MAX_RUNS], t_model[N_MODELS][MAX_RUNS], t_total[MAX_RUNS];
	double t_m3[MAX_RUNS], t_add[MAX_RUNS], t_td[MAX_RUNS], mib;
	double c_read[MAX_RUNS], c_model[N_MODELS][MAX_RUNS], c_total[MAX_RUNS];
	double c_m3[MAX_RUNS], c_add[MAX_RUNS], c_td[MAX_RUNS];
	double peak[4] = { 0, 0, 0, 0 };
	size_t k, distinct = 0, items = 0;
	int fd;

	if (n == 0 || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: bench-attribution [PATHS] [RUNS (1-%d)]\n", MAX_RUNS);
		return 2;
	}
	fd = mkstemp(path);
	if (fd < 0 || close(fd) != 0 || write_csv(path, n, &mib) != 0) {
		perror("bench-attribution: writing the path table");
		return 1;
	}
	printf("path table: %zu rows over %d channels, %.1f MiB (%s)\n", n,
	       CHANNELS, mib, path);

	for (r = 0; r < runs; r++) {
		tp_paths *p = NULL;
		tp_error *err = tp_error_new();
		double t = bench_now(), c = cpu_now();

		if (tp_paths_load_csv_file(path, NULL, &p, err) != TP_OK) {
			char buf[512];

			tp_error_format(err, 0, buf, sizeof(buf));
			fprintf(stderr, "bench-attribution: %s\n", buf);
			unlink(path);
			return 1;
		}
		t_read[r] = bench_now() - t;
		c_read[r] = cpu_now() - c;
		t_total[r] = t_read[r];
		c_total[r] = c_read[r];
		tp_error_free(err);
		peak[0] = bench_peak_rss_mib();
		distinct = tp_paths_count(p);
		items = tp_paths_item_count(p);
		for (k = 0; k < N_MODELS; k++) {
			t_model[k][r] = time_model(p, table_models[k], 1, &c_model[k][r]);
			t_total[r] += t_model[k][r];
			c_total[r] += c_model[k][r];
		}
		peak[1] = bench_peak_rss_mib();
		t_m3[r] = time_model(p, TP_ATTRIBUTION_MARKOV, 3, &c_m3[r]);
		peak[2] = bench_peak_rss_mib();
		tp_paths_free(p);

		if (tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &p) != TP_OK)
			return 1;
		t = bench_now();
		c = cpu_now();
		if (add_timed(p, n) != TP_OK) {
			fprintf(stderr, "bench-attribution: adding timed paths failed\n");
			return 1;
		}
		t_add[r] = bench_now() - t;
		c_add[r] = cpu_now() - c;
		t_td[r] = time_model(p, TP_ATTRIBUTION_TIME_DECAY, 1, &c_td[r]);
		peak[3] = bench_peak_rss_mib();
		tp_paths_free(p);
	}
	unlink(path);

	printf("distinct paths: %zu, items: %zu; medians of %d runs (wall, cpu):\n",
	       distinct, items, runs);
#define LINE(name, w, c, note) printf("  %-22s %8.3f s %8.3f s%s\n", name, \
	bench_median(w, (size_t)runs), bench_median(c, (size_t)runs), note)
	LINE("read CSV", t_read, c_read, "");
	for (k = 0; k < N_MODELS; k++)
		LINE(tp_attribution_model_name(table_models[k]), t_model[k], c_model[k], "");
	LINE("total: read + all", t_total, c_total, "   (target < 2 s)");
	LINE("markov order 3", t_m3, c_m3, "   (target < 10 s)");
	LINE("add timed paths", t_add, c_add, "   (includes generating them)");
	LINE("time_decay", t_td, c_td, "");
#undef LINE
	printf("peak memory (MiB, getrusage ru_maxrss, cumulative): after read %.1f, "
	       "after the order-1 models %.1f, after markov order 3 %.1f, after "
	       "timed paths %.1f\n", peak[0], peak[1], peak[2], peak[3]);
	return 0;
}
