/* SPDX-License-Identifier: MIT */
/*
 * Referrer database speed and size.
 *
 * Loads the built-in database (tp_refdb_default()) RUNS times through a
 * counting allocator, then looks up LOOKUPS referrer URLs RUNS times on
 * one thread, and prints the medians:
 *
 *   load      CPU time to load the built-in database
 *   memory    bytes the loaded database holds (live blocks of the library's
 *             allocator, each block counted at its requested size), and
 *             the peak while loading
 *   lookups   tp_refdb_lookup() calls per second, CPU time of the process,
 *             with a 256-byte term buffer
 *
 * The URLs are a fixed, weighted mix (deterministic seed) meant to look
 * like the referrers of a shop: search engines with and without a query
 * (Google in several countries, Bing, Yahoo!, DuckDuckGo, Yandex, Baidu),
 * social networks and their link shims, AI assistants, the shop's own
 * pages (internal referrers, unknown to the database) and other sites.
 *
 * Usage: bench-referrer [LOOKUPS] [RUNS]    (default 2000000 5)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "bench-common.h"

#define MAX_RUNS 15

/* CPU time of this process: the machine may be shared. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- a counting allocator: each block carries its size ---- */

static size_t live_bytes, peak_bytes;

#define HDR 16

static void *
c_malloc(size_t size, void *ud)
{
	unsigned char *p = malloc(size + HDR);

	(void)ud;
	if (!p)
		return NULL;
	memcpy(p, &size, sizeof(size));
	live_bytes += size;
	if (live_bytes > peak_bytes)
		peak_bytes = live_bytes;
	return p + HDR;
}

static void
c_free(void *ptr, void *ud)
{
	unsigned char *p = ptr;
	size_t size;

	(void)ud;
	if (!p)
		return;
	p -= HDR;
	memcpy(&size, p, sizeof(size));
	live_bytes -= size;
	free(p);
}

static void *
c_realloc(void *ptr, size_t size, void *ud)
{
	unsigned char *p = ptr, *q;
	size_t old = 0;

	(void)ud;
	if (p) {
		p -= HDR;
		memcpy(&old, p, sizeof(old));
	}
	q = realloc(p, size + HDR);
	if (!q)
		return NULL;
	memcpy(q, &size, sizeof(size));
	live_bytes = live_bytes - old + size;
	if (live_bytes > peak_bytes)
		peak_bytes = live_bytes;
	return q + HDR;
}

/* ---- the referrer mix ---- */

struct kind {
	unsigned weight;
	const char *fmt;   /* %s: a word, %d: a number */
};

static const struct kind mix[] = {
	/* search: most modern referrers carry no query */
	{ 180, "https://www.google.com/" },
	{ 40, "https://www.google.com/search?q=%s+shoes&hl=en&source=hp" },
	{ 30, "https://www.google.co.uk/" },
	{ 20, "https://www.google.de/search?q=%s&client=firefox-b-d" },
	{ 15, "https://www.google.com.br/" },
	{ 10, "https://www.google.fr/url?sa=t&rct=j&q=&esrc=s&url=https%%3A%%2F%%2Fshop.example.com%%2F" },
	{ 10, "android-app://com.google.android.googlequicksearchbox/" },
	{ 40, "https://www.bing.com/search?q=%s%%20jacket&form=QBLH" },
	{ 10, "https://www.bing.com/" },
	{ 10, "https://search.yahoo.com/search?p=%s&fr=yfp-t" },
	{ 15, "https://duckduckgo.com/" },
	{ 5, "https://yandex.ru/search/?text=%s&lr=213" },
	{ 5, "https://www.baidu.com/s?wd=%s" },
	{ 5, "https://www.ecosia.org/search?q=%s" },
	/* social */
	{ 50, "https://l.facebook.com/l.php?u=https%%3A%%2F%%2Fshop.example.com%%2Fp%%2F%d&h=AT0" },
	{ 30, "https://m.facebook.com/" },
	{ 30, "https://www.instagram.com/" },
	{ 25, "https://t.co/%s%d" },
	{ 15, "https://www.linkedin.com/feed/" },
	{ 15, "https://www.youtube.com/watch?v=%s%d" },
	{ 10, "https://www.pinterest.co.uk/pin/%d/" },
	{ 10, "https://www.reddit.com/r/%s/comments/%d/" },
	{ 5, "https://x.com/i/grok?conversation=%d" },
	/* AI assistants */
	{ 10, "https://chatgpt.com/" },
	{ 5, "https://www.perplexity.ai/search?q=%s" },
	{ 3, "https://gemini.google.com/app/%d" },
	/* internal and other sites: unknown to the database */
	{ 220, "https://shop.example.com/products/%s-%d?variant=%d" },
	{ 60, "https://www.example-blog.net/2024/05/%s-review/" },
	{ 40, "https://news.some-magazine.co.uk/style/%s" },
	{ 20, "https://partner%d.affiliate-network.example/click?id=%d" },
	{ 10, "http://192.168.1.%d/" },
};

static const char *const words[] = {
	"running", "trail", "winter", "red", "leather", "kids", "sale",
	"waterproof", "caf%C3%A9", "gift", "size+42", "best",
};

static char *
make_url(uint64_t *rng)
{
	unsigned total = 0, r, i;
	char buf[512], *out;
	const char *f;
	size_t o = 0;

	for (i = 0; i < sizeof(mix) / sizeof(mix[0]); i++)
		total += mix[i].weight;
	r = (unsigned)(bench_rand(rng) % total);
	for (i = 0; r >= mix[i].weight; i++)
		r -= mix[i].weight;
	for (f = mix[i].fmt; *f && o < sizeof(buf) - 32; f++) {
		if (f[0] == '%' && f[1] == 's') {
			const char *w = words[bench_rand(rng) % (sizeof(words) / sizeof(words[0]))];

			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", w);
			f++;
		} else if (f[0] == '%' && f[1] == 'd') {
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%u",
					      (unsigned)(bench_rand(rng) % 100000));
			f++;
		} else if (f[0] == '%' && f[1] == '%') {
			buf[o++] = '%';
			f++;
		} else {
			buf[o++] = *f;
		}
	}
	buf[o] = '\0';
	out = malloc(o + 1);
	if (!out)
		exit(1);
	memcpy(out, buf, o + 1);
	return out;
}

int
main(int argc, char **argv)
{
	size_t lookups = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	tp_allocator counting = { c_malloc, c_realloc, c_free, NULL };
	double load_t[MAX_RUNS], look_t[MAX_RUNS];
	size_t mem = 0, peak = 0, known = 0, terms = 0, distinct = 4096, i;
	char **urls;
	size_t *lens;
	uint64_t rng = 42;
	tp_refdb *db = NULL;
	int run;

	if (runs < 1 || runs > MAX_RUNS || lookups == 0) {
		fprintf(stderr, "usage: bench-referrer [LOOKUPS] [RUNS<=%d]\n", MAX_RUNS);
		return 2;
	}

	/* load, through the counting allocator */
	tp_set_allocator(&counting);
	for (run = 0; run < runs; run++) {
		double t0;

		if (db)
			tp_refdb_free(db);
		db = NULL;
		peak_bytes = live_bytes;
		t0 = cpu_now();
		if (tp_refdb_default(&db, NULL) != TP_OK) {
			fprintf(stderr, "cannot load the built-in database\n");
			return 1;
		}
		load_t[run] = cpu_now() - t0;
		mem = live_bytes;
		peak = peak_bytes;
	}

	/* a pool of distinct URLs, visited in a random order */
	urls = malloc(distinct * sizeof(*urls));
	lens = malloc(distinct * sizeof(*lens));
	if (!urls || !lens)
		return 1;
	for (i = 0; i < distinct; i++) {
		urls[i] = make_url(&rng);
		lens[i] = strlen(urls[i]);
	}

	for (run = 0; run < runs; run++) {
		tp_referrer_info r = TP_REFERRER_INFO_INIT;
		char term[256];
		uint64_t pick = 7;
		double t0 = cpu_now();

		known = terms = 0;
		for (i = 0; i < lookups; i++) {
			size_t k = (size_t)(bench_rand(&pick) & (distinct - 1));

			tp_refdb_lookup(db, urls[k], lens[k], term, sizeof(term), &r);
			known += (size_t)r.known;
			terms += r.term != NULL;
		}
		look_t[run] = cpu_now() - t0;
	}
	if (live_bytes != mem) {
		fprintf(stderr, "lookups allocated memory\n");
		return 1;
	}

	printf("referrer database: %zu entries, %zu sources\n",
	       tp_refdb_count(db), tp_refdb_source_count(db));
	printf("load (median of %d, CPU time): %.2f ms\n", runs, bench_median(load_t, (size_t)runs) * 1e3);
	printf("memory: %.1f KiB held, %.1f KiB peak while loading\n",
	       (double)mem / 1024.0, (double)peak / 1024.0);
	printf("lookups: %zu per run, %zu known (%.1f%%), %zu with a term\n",
	       lookups, known, 100.0 * (double)known / (double)lookups, terms);
	printf("lookups per second (median of %d, CPU time, one thread): %.2f million\n",
	       runs, (double)lookups / bench_median(look_t, (size_t)runs) / 1e6);
	tp_refdb_free(db);
	for (i = 0; i < distinct; i++)
		free(urls[i]);
	free(urls);
	free(lens);
	return 0;
}
