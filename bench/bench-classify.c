/* SPDX-License-Identifier: MIT */
/*
 * Classification speed.
 *
 * 1. Pre-parsed events (tp_attr arrays) through the `default` rule sets
 *    (ga4 then touchpoints): events per second on one core, and the
 *    memory of the compiled rule sets. Twice: handed over in batches of
 *    1,024 events copied (untimed) into one buffer just before they are
 *    classified, still warm in the cache as a parser's output would be
 *    (the figure for the target, measured like bench-journeys' events);
 *    and straight from the array of every event in memory, which is
 *    read cold from RAM (hundreds of MiB for a million events).
 * 2. NDJSON: a file of the same events; the time of a bare cJSON parse
 *    (cJSON_ParseWithLength + cJSON_Delete of every line, reading the file
 *    with getline) against the time of the `touchpoint classify` command
 *    on the same file with its output to /dev/null. Throughput ratio.
 *
 * Usage: bench-classify [EVENTS] [PATH-TO-touchpoint] [SAMPLE.ndjson] [CACHE]
 * With a sample file, its events (cycled to EVENTS) are used instead of
 * the built-in synthetic mix ("" for none). CACHE sets the size of the
 * result's event memo in KiB (tp_result_set_cache_size(); 0 = off) for
 * part 1; the command keeps its default. Each run of part 1 starts with a
 * new result, its memo empty: a run is never served what an earlier pass
 * over the same events left in the memo. Medians of 5 runs; the runs of
 * part 2 alternate between the two.
 */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <touchpoint/touchpoint.h>

#include "bench-common.h"

extern char **environ;

#define MAX_ATTRS 24
#define RUNS 5
#define BATCH 1024

struct event {
	tp_attr attrs[MAX_ATTRS];
	size_t n;
};

static const char *const search_refs[] = {
	"https://www.google.com/search?q=running+shoes",
	"https://www.bing.com/search?q=trail%20shoes&form=QBLH",
	"https://duckduckgo.com/?q=shoe+store",
	"https://www.google.co.uk/",
	"https://search.yahoo.com/search?p=sneakers",
};
static const char *const social_refs[] = {
	"https://m.facebook.com/", "https://t.co/abc", "https://www.instagram.com/",
	"https://www.linkedin.com/feed/", "https://www.youtube.com/watch?v=x",
};
static const char *const other_refs[] = {
	"https://blog.example.org/best-shoes-2026", "https://news.example.net/a",
	"https://www.reddit.com/r/running/",
};
static const char *const utm_urls[] = {
	"https://shop.example.com/p/42?utm_source=google&utm_medium=cpc&utm_campaign=spring_sale",
	"https://shop.example.com/?utm_source=facebook&utm_medium=paid_social&utm_campaign=launch",
	"https://shop.example.com/p/7?utm_source=newsletter&utm_medium=email&utm_campaign=march_newsletter",
	"https://shop.example.com/?utm_source=partner&utm_medium=affiliate&utm_campaign=q1",
	"https://shop.example.com/deals?utm_source=google&utm_medium=cpc&utm_campaign=shopping_feed",
	"https://shop.example.com/?gclid=abc123",
};
static const char *const paths[] = {
	"https://shop.example.com/", "https://shop.example.com/p/42",
	"https://shop.example.com/cart", "https://shop.example.com/checkout",
	"https://shop.example.com/blog/how-to-choose",
};
static const char *const offline[] = {
	"store_visit", "call", "survey_response", "return_request", "sales_meeting",
};

#define PICK(a) (a)[bench_rand(&seed) % (sizeof(a) / sizeof((a)[0]))]

static void
set(struct event *e, const char *k, const char *v)
{
	e->attrs[e->n].key = k;
	e->attrs[e->n].key_len = strlen(k);
	e->attrs[e->n].value = v;
	e->attrs[e->n].value_len = strlen(v);
	e->n++;
}

static char *customer_ids;   /* n * 16 bytes */
static char *timestamps;     /* n * 32 bytes */

static struct event *
make_events(size_t n)
{
	struct event *ev = calloc(n, sizeof(*ev));
	uint64_t seed = 42;
	size_t i;

	customer_ids = malloc(n * 16);
	timestamps = malloc(n * 32);
	if (!ev || !customer_ids || !timestamps)
		return NULL;
	for (i = 0; i < n; i++) {
		struct event *e = &ev[i];
		unsigned kind = (unsigned)(bench_rand(&seed) % 100);
		char *cid = customer_ids + i * 16, *ts = timestamps + i * 32;

		snprintf(cid, 16, "c%06u", (unsigned)(bench_rand(&seed) % 200000));
		snprintf(ts, 32, "2026-03-%02uT%02u:%02u:%02uZ",
			 (unsigned)(1 + i * 28 / n), (unsigned)(i / 3600 % 24),
			 (unsigned)(i / 60 % 60), (unsigned)(i % 60));
		set(e, "customer_id", cid);
		set(e, "timestamp", ts);
		if (kind < 30) {
			set(e, "event", "page_view");
			set(e, "url", PICK(utm_urls));
		} else if (kind < 50) {
			set(e, "event", "page_view");
			set(e, "url", PICK(paths));
			set(e, "referrer", PICK(search_refs));
		} else if (kind < 60) {
			set(e, "event", "page_view");
			set(e, "url", PICK(paths));
			set(e, "referrer", PICK(social_refs));
		} else if (kind < 65) {
			set(e, "event", "page_view");
			set(e, "url", PICK(paths));
			set(e, "referrer", PICK(other_refs));
		} else if (kind < 75) {
			set(e, "event", kind < 70 ? "add_to_cart" : "page_view");
			set(e, "url", PICK(paths));
			set(e, "referrer", "https://shop.example.com/p/42");
		} else if (kind < 80) {
			set(e, "event", "page_view");
			set(e, "url", PICK(paths));
		} else if (kind < 88) {
			set(e, "event", "email_open");
			set(e, "utm_source", "newsletter");
			set(e, "utm_medium", "email");
			set(e, "utm_campaign", "march_newsletter");
		} else if (kind < 93) {
			set(e, "event", "purchase");
			set(e, "url", "https://shop.example.com/checkout/done");
			set(e, "value", "89.90");
		} else {
			set(e, "event", PICK(offline));
			set(e, "channel", "physical_store");
			set(e, "score", "4");
		}
	}
	return ev;
}

/* Events of an NDJSON file, copied out of the reader, cycled to n. */
static struct event *
load_events(const char *path, size_t n)
{
	struct event *ev = calloc(n, sizeof(*ev));
	tp_reader *rd = NULL;
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, have = 0, i, k;
	ssize_t got;

	if (!ev || !f || tp_reader_new(&rd) != TP_OK)
		return NULL;
	while (have < n && (got = getline(&line, &cap, f)) > 0) {
		const tp_attr *a;
		size_t na;

		if (tp_reader_parse(rd, line, (size_t)got - (line[got - 1] == '\n'),
				    path, have + 1, NULL) != TP_OK)
			continue;
		a = tp_reader_attrs(rd, &na);
		for (k = 0; k < na && ev[have].n < MAX_ATTRS; k++) {
			tp_attr *d = &ev[have].attrs[ev[have].n++];

			d->key = strndup(a[k].key, a[k].key_len);
			d->key_len = a[k].key_len;
			d->value = strndup(a[k].value, a[k].value_len);
			d->value_len = a[k].value_len;
		}
		have++;
	}
	fclose(f);
	free(line);
	tp_reader_free(rd);
	if (have == 0)
		return NULL;
	for (i = have; i < n; i++)
		ev[i] = ev[i % have];
	return ev;
}

static void
json_str(FILE *f, const char *s, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fputc('\\', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

static int
write_ndjson(const char *path, const struct event *ev, size_t n)
{
	FILE *f = fopen(path, "w");
	size_t i, k;

	if (!f)
		return -1;
	for (i = 0; i < n; i++) {
		fputc('{', f);
		for (k = 0; k < ev[i].n; k++) {
			if (k)
				fputc(',', f);
			json_str(f, ev[i].attrs[k].key, ev[i].attrs[k].key_len);
			fputc(':', f);
			json_str(f, ev[i].attrs[k].value, ev[i].attrs[k].value_len);
		}
		fputs(",\"context\":{\"device\":{\"type\":\"mobile\",\"os\":\"android\"},\"locale\":\"es-ES\"}}\n", f);
	}
	return fclose(f);
}

static double
bare_cjson(const char *path, size_t *lines)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	double t0 = bench_cpu();

	*lines = 0;
	if (!f)
		return -1;
	while ((got = getline(&line, &cap, f)) > 0) {
		cJSON *j = cJSON_ParseWithLength(line, (size_t)got);

		if (j)
			(*lines)++;
		cJSON_Delete(j);
	}
	fclose(f);
	free(line);
	return bench_cpu() - t0;
}

/* CPU seconds (user + system) of `touchpoint classify FILE > /dev/null`. */
static double
run_command(const char *exe, const char *path)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)exe, (char *)"classify", (char *)path, NULL };
	struct rusage before, after;
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	getrusage(RUSAGE_CHILDREN, &before);
	if (posix_spawn(&pid, exe, &fa, NULL, argv, environ) != 0)
		return -1;
	waitpid(pid, &status, 0);
	getrusage(RUSAGE_CHILDREN, &after);
	posix_spawn_file_actions_destroy(&fa);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
#define SEC(tv) ((double)(tv).tv_sec + (double)(tv).tv_usec / 1e6)
	return SEC(after.ru_utime) - SEC(before.ru_utime) +
	       SEC(after.ru_stime) - SEC(before.ru_stime);
#undef SEC
}

/* A batch of events in one buffer, as a parser would hand them over:
 * their attributes one after the other, the bytes they point to too. */
struct batch {
	tp_attr *attrs;          /* BATCH * MAX_ATTRS */
	size_t start[BATCH + 1]; /* event j: attrs[start[j] .. start[j + 1]) */
	char *bytes;
	size_t cap_bytes;
};

/* Copy events [first, first + m) into the batch; -1 when out of memory. */
static int
batch_fill(struct batch *b, const struct event *ev, size_t first, size_t m)
{
	size_t need = 0, used = 0, x = 0, j, k;

	for (j = 0; j < m; j++)
		for (k = 0; k < ev[first + j].n; k++)
			need += ev[first + j].attrs[k].key_len +
				ev[first + j].attrs[k].value_len + 2;
	if (need > b->cap_bytes) {
		char *nb = realloc(b->bytes, need);

		if (!nb)
			return -1;
		b->bytes = nb;
		b->cap_bytes = need;
	}
	for (j = 0; j < m; j++) {
		const struct event *e = &ev[first + j];

		b->start[j] = x;
		for (k = 0; k < e->n; k++, x++) {
			const tp_attr *a = &e->attrs[k];
			tp_attr *d = &b->attrs[x];

			memcpy(b->bytes + used, a->key, a->key_len);
			b->bytes[used + a->key_len] = '\0';
			d->key = b->bytes + used;
			d->key_len = a->key_len;
			used += a->key_len + 1;
			memcpy(b->bytes + used, a->value, a->value_len);
			b->bytes[used + a->value_len] = '\0';
			d->value = b->bytes + used;
			d->value_len = a->value_len;
			used += a->value_len + 1;
		}
	}
	b->start[m] = x;
	return 0;
}

/* A new result with an empty event memo of kib KiB: every run starts
 * cold, so that no run is served outcomes remembered on an earlier pass
 * over the same events. */
static int
fresh_result(tp_result **r, size_t kib)
{
	tp_result_free(*r);
	*r = NULL;
	return tp_result_new(r) != TP_OK ||
	       tp_result_set_cache_size(*r, kib) != TP_OK;
}

int
main(int argc, char **argv)
{
	size_t n = 1000000, kib = 0;
	const char *exe = argc > 2 && argv[2][0] ? argv[2] : NULL;
	const char *sample = argc > 3 && argv[3][0] ? argv[3] : NULL;
	const char *cache = argc > 4 ? argv[4] : NULL;
	struct event *ev;
	tp_classifier *c = NULL;
	tp_ruleset *ga4 = NULL, *tps = NULL;
	tp_catalog *cat = NULL;
	tp_result *r = NULL;
	double t[RUNS], med;
	size_t i, run, with_tp = 0;
	struct batch *batch = calloc(1, sizeof(*batch));
	char path[] = "/tmp/bench-classify-XXXXXX";
	int fd;

	if (argc > 5 || (argc > 1 && (bench_parse_count(argv[1], &n) || !n)) ||
	    (cache && bench_parse_count(cache, &kib))) {
		fprintf(stderr, "usage: bench-classify [EVENTS] [PATH-TO-touchpoint] "
			"[SAMPLE.ndjson] [CACHE-KiB]\n");
		return 2;
	}
	ev = sample ? load_events(sample, n) : make_events(n);
	if (batch)
		batch->attrs = calloc((size_t)BATCH * MAX_ATTRS, sizeof(tp_attr));
	if (!ev || !batch || !batch->attrs || tp_catalog_default(&cat, NULL) ||
	    tp_classifier_new(cat, &c, NULL) ||
	    tp_ruleset_builtin(cat, "ga4", &ga4, NULL) ||
	    tp_ruleset_builtin(cat, "touchpoints", &tps, NULL) ||
	    tp_classifier_add_rules(c, ga4) || tp_classifier_add_rules(c, tps) ||
	    tp_result_new(&r) ||
	    (cache && tp_result_set_cache_size(r, kib))) {
		fprintf(stderr, "bench-classify: setup failed\n");
		return 1;
	}
	printf("libtouchpoint %s, %zu events from %s, event memo %zu KiB\n",
	       tp_version_string(), n, sample ? sample : "the synthetic mix",
	       tp_result_cache_size(r));
	kib = tp_result_cache_size(r);
	printf("compiled rule sets: ga4 %zu rules %zu bytes, touchpoints %zu rules %zu bytes\n",
	       tp_ruleset_rule_count(ga4), tp_ruleset_memory(ga4),
	       tp_ruleset_rule_count(tps), tp_ruleset_memory(tps));
	for (run = 0; run < RUNS; run++) {
		size_t base;

		t[run] = 0;
		with_tp = 0;
		if (fresh_result(&r, kib))
			return 1;
		for (base = 0; base < n; base += BATCH) {
			size_t m = n - base < BATCH ? n - base : BATCH, j;
			double t0;

			if (batch_fill(batch, ev, base, m) != 0)
				return 1;
			t0 = bench_cpu();
			for (j = 0; j < m; j++) {
				if (tp_classify(c, batch->attrs + batch->start[j],
						batch->start[j + 1] - batch->start[j],
						r) != TP_OK)
					return 1;
				with_tp += tp_result_touchpoint(r) >= 0;
			}
			t[run] += bench_cpu() - t0;
		}
	}
	med = bench_median(t, RUNS);
	printf("pre-parsed, default rules, batches of %d: median CPU %.3f s, "
	       "%.2f M events/s (%.0f ns/event), %.1f%% with a touchpoint\n",
	       BATCH, med, n / med / 1e6, med / n * 1e9, 100.0 * with_tp / n);
	for (run = 0; run < RUNS; run++) {
		double t0;

		if (fresh_result(&r, kib))
			return 1;
		t0 = bench_cpu();
		for (i = 0; i < n; i++)
			if (tp_classify(c, ev[i].attrs, ev[i].n, r) != TP_OK)
				return 1;
		t[run] = bench_cpu() - t0;
	}
	med = bench_median(t, RUNS);
	printf("pre-parsed, default rules, all %zu in memory: median CPU %.3f s, "
	       "%.2f M events/s (%.0f ns/event)\n",
	       n, med, n / med / 1e6, med / n * 1e9);

	/* The same events through the ga4 rule set alone: the cost of the
	 * channel grouping without the touchpoint rules. */
	{
		tp_classifier *g = NULL;

		if (tp_classifier_new(cat, &g, NULL) || tp_classifier_add_rules(g, ga4))
			return 1;
		for (run = 0; run < RUNS; run++) {
			double t0;

			if (fresh_result(&r, kib))
				return 1;
			t0 = bench_cpu();
			for (i = 0; i < n; i++)
				if (tp_classify(g, ev[i].attrs, ev[i].n, r) != TP_OK)
					return 1;
			t[run] = bench_cpu() - t0;
		}
		med = bench_median(t, RUNS);
		printf("pre-parsed, ga4 rules only: median CPU %.3f s, %.2f M events/s "
		       "(%.0f ns/event)\n", med, n / med / 1e6, med / n * 1e9);
		tp_classifier_free(g);
	}

	fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	if (write_ndjson(path, ev, n) != 0)
		return 1;
	if (exe) {
		double tb[RUNS], tc[RUNS], mb, mc;
		size_t lines = 0;

		for (run = 0; run < RUNS; run++) {
			tb[run] = bare_cjson(path, &lines);
			tc[run] = run_command(exe, path);
			if (tc[run] < 0) {
				fprintf(stderr, "bench-classify: %s classify failed\n", exe);
				unlink(path);
				return 1;
			}
		}
		mb = bench_median(tb, RUNS);
		mc = bench_median(tc, RUNS);
		printf("NDJSON, %zu lines: bare cJSON parse median CPU %.3f s (%.0f lines/s); "
		       "touchpoint classify median CPU %.3f s (%.0f lines/s); ratio %.0f%%\n",
		       lines, mb, lines / mb, mc, lines / mc, 100.0 * mb / mc);
	}
	unlink(path);
	printf("peak RSS %.1f MiB\n", bench_peak_rss_mib());
	tp_result_free(r);
	tp_ruleset_free(ga4);
	tp_ruleset_free(tps);
	tp_classifier_free(c);
	tp_catalog_free(cat);
	free(ev);
	free(batch->attrs);
	free(batch->bytes);
	free(batch);
	free(customer_ids);
	free(timestamps);
	return 0;
}
