/* SPDX-License-Identifier: MIT */
/*
 * Finishing the journey store (journey.h): the log is sorted once into
 * journeys, by (customer, time, input order) — a counting sort on the
 * customers in two passes (into buckets of customers, then within each
 * bucket while it is in the cache), then a stable sort of each journey
 * that is not in time order yet — and each journey is cut into sessions.
 */
#include <string.h>

#include "journey/journey-private.h"
#include "util/export.h"
#include "util/mem.h"

#define DAY_MS INT64_C(86400000)

/* Stable sort of n records by time: insertion sort for short runs,
 * bottom-up merge sort otherwise. */
static void
sort_records(struct tpi_rec *a, struct tpi_rec *tmp, size_t n)
{
	size_t width, i, k;
	struct tpi_rec *src = a, *dst = tmp, *sw;

	if (n <= 24) {
		for (i = 1; i < n; i++) {
			struct tpi_rec r = a[i];
			size_t j = i;

			while (j > 0 && a[j - 1].ts > r.ts) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = r;
		}
		return;
	}
	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t lo = i, mid = i + width < n ? i + width : n;
			size_t hi = i + 2 * width < n ? i + 2 * width : n;
			size_t l = lo, r = mid;

			for (k = lo; k < hi; k++) {
				if (l < mid && (r >= hi || src[l].ts <= src[r].ts))
					dst[k] = src[l++];
				else
					dst[k] = src[r++];
			}
		}
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void
cut_sessions(struct tp_journey_store *s, size_t first, size_t end)
{
	const struct tpi_rec *r = s->recs;
	uint32_t sess = 0, cur_src = 0, cur_med = 0, cur_camp = 0;
	bool have_cur = false;
	int64_t prev_day = 0;
	size_t i;

	for (i = first; i < end; i++) {
		int64_t day = 0;
		bool cut = false;

		if (s->midnight)
			day = floor_div(r[i].ts + s->offset_ms, DAY_MS);
		if (i > first) {
			if (s->timeout_ms > 0 &&
			    r[i].ts - r[i - 1].ts >= s->timeout_ms)
				cut = true;
			if (s->midnight && day != prev_day)
				cut = true;
		}
		if (s->campaign_change) {
			const struct tpi_kind *k = &s->kinds[r[i].kind];
			uint32_t src = k->str[TPI_S_SOURCE];
			uint32_t med = k->str[TPI_S_MEDIUM];
			uint32_t camp = k->str[TPI_S_CAMPAIGN];

			if ((src || med || camp) &&
			    !(src && src == s->direct_id)) {
				if (have_cur && i > first &&
				    (src != cur_src || med != cur_med ||
				     camp != cur_camp))
					cut = true;
				cur_src = src;
				cur_med = med;
				cur_camp = camp;
				have_cur = true;
			}
		}
		if (cut)
			sess++;
		s->session[i] = sess;
		prev_day = day;
	}
}

/* Sessions cut by inactivity alone (the default), in the pass that also
 * checks that the journey is in time order: false when it is not. */
static bool
cut_timeouts(struct tp_journey_store *s, size_t first, size_t end)
{
	const struct tpi_rec *r = s->recs;
	int64_t timeout = s->timeout_ms > 0 ? s->timeout_ms : INT64_MAX;
	uint32_t sess = 0;
	size_t i;

	s->session[first] = 0;
	for (i = first + 1; i < end; i++) {
		int64_t gap = r[i].ts - r[i - 1].ts;

		if (gap < 0)
			return false;
		sess += gap >= timeout;
		s->session[i] = sess;
	}
	return true;
}

/* Sort a journey by time if it is not, and cut its sessions. */
static void
finish_journey(struct tp_journey_store *s, size_t first, size_t end,
	       struct tpi_rec *tmp)
{
	size_t i;

	if (!s->midnight && !s->campaign_change) {
		if (!cut_timeouts(s, first, end)) {
			sort_records(s->recs + first, tmp, end - first);
			cut_timeouts(s, first, end);
		}
		return;
	}
	for (i = first + 1; i < end; i++) {
		if (s->recs[i].ts < s->recs[i - 1].ts) {
			sort_records(s->recs + first, tmp, end - first);
			break;
		}
	}
	cut_sessions(s, first, end);
}

/*
 * The events of customers [b << shift, (b + 1) << shift) form bucket b.
 * About 16,384 events a bucket (256 KiB of records), at most 4,096
 * buckets: a bucket stays in the cache while it is sorted, and pass 1
 * writes to few enough places at once.
 */
static unsigned
bucket_shift(size_t n, size_t nc)
{
	size_t nb = n / 16384, per;
	unsigned shift = 0;

	if (nb < 1)
		nb = 1;
	if (nb > 4096)
		nb = 4096;
	per = (nc + nb - 1) / nb;
	while (shift < sizeof(size_t) * 8 - 1 && ((size_t)1 << shift) < per)
		shift++;
	return shift;
}

/* What sorting the log into journeys needs beside the store's columns. */
struct sorter {
	unsigned shift;
	size_t n_buckets;
	size_t *bstart;            /* n_buckets + 1: where each bucket starts */
	size_t *bpos;              /* n_buckets: pass 1's write positions */
	struct tpi_rec *brecs;     /* the largest bucket's records */
	uint32_t *bcust;           /* and customers */
	size_t *count;             /* 1 << shift: events of each customer */
};

static void
sorter_free(struct sorter *so)
{
	tpi_free(so->bstart);
	tpi_free(so->bpos);
	tpi_free(so->brecs);
	tpi_free(so->bcust);
	tpi_free(so->count);
}

static inline uint32_t
log_cust(const struct tp_journey_store *s, size_t i)
{
	return s->chunks[i / TPI_CHUNK_EVENTS]->cust[i % TPI_CHUNK_EVENTS];
}

/* Count the buckets' events and allocate the rest (so starts zeroed):
 * false when out of memory. Changes nothing in the store. */
static bool
sorter_init(struct sorter *so, const struct tp_journey_store *s)
{
	size_t n = s->n_events, nc = s->customers.n, b, i, largest = 0;

	so->shift = bucket_shift(n, nc);
	so->n_buckets = nc ? ((nc - 1) >> so->shift) + 1 : 0;
	so->bstart = tpi_calloc(so->n_buckets + 1, sizeof(*so->bstart));
	so->bpos = tpi_malloc((so->n_buckets + 1) * sizeof(*so->bpos));
	if (!so->bstart || !so->bpos)
		return false;
	for (i = 0; i < n; i++)
		so->bstart[(log_cust(s, i) >> so->shift) + 1]++;
	for (b = 0; b < so->n_buckets; b++) {
		if (so->bstart[b + 1] > largest)
			largest = so->bstart[b + 1];
		so->bstart[b + 1] += so->bstart[b];
	}
	so->brecs = tpi_malloc((largest ? largest : 1) * sizeof(*so->brecs));
	so->bcust = tpi_malloc((largest ? largest : 1) * sizeof(*so->bcust));
	so->count = tpi_calloc((size_t)1 << so->shift, sizeof(*so->count));
	return so->brecs && so->bcust && so->count;
}

/*
 * Sort the log into journeys, stable: pass 1 moves every event, in input
 * order, to its bucket's part of recs (its customer to the same place in
 * the session column, which is free until the sessions are cut),
 * freeing the chunks as it goes; then each bucket in turn is copied aside
 * and each of its events put at its customer's place, and its journeys
 * are finished while they are in the cache. One pass that wrote every
 * event to a random place of the records did the same at a cache miss
 * an event.
 */
static void
sort_log(struct tp_journey_store *s, struct sorter *so)
{
	size_t n = s->n_events, nc = s->customers.n, i, b, max = 0;

	memcpy(so->bpos, so->bstart, so->n_buckets * sizeof(*so->bpos));
	for (i = 0; i < s->n_chunks; i++) {
		struct tpi_chunk *ch = s->chunks[i];
		size_t j, m = n - i * TPI_CHUNK_EVENTS;

		if (m > TPI_CHUNK_EVENTS)
			m = TPI_CHUNK_EVENTS;
		for (j = 0; j < m; j++) {
			size_t p = so->bpos[ch->cust[j] >> so->shift]++;

			s->recs[p] = ch->recs[j];
			s->session[p] = ch->cust[j];
		}
		tpi_free(ch);
		s->chunks[i] = NULL;
	}
	tpi_free(s->chunks);
	s->chunks = NULL;
	s->n_chunks = s->cap_chunks = 0;

	for (b = 0; b < so->n_buckets; b++) {
		size_t lo = so->bstart[b], m = so->bstart[b + 1] - lo, k, pos;
		size_t c0 = b << so->shift, c1 = (b + 1) << so->shift, c;

		if (c1 > nc)
			c1 = nc;
		memcpy(so->brecs, s->recs + lo, m * sizeof(*so->brecs));
		memcpy(so->bcust, s->session + lo, m * sizeof(*so->bcust));
		for (k = 0; k < m; k++)
			so->count[so->bcust[k] - c0]++;
		/* count[] becomes each customer's write position */
		for (c = c0, pos = lo; c < c1; c++) {
			size_t cnt = so->count[c - c0];

			s->cust_start[c] = pos;
			so->count[c - c0] = pos;
			pos += cnt;
			if (cnt > max)
				max = cnt;
		}
		for (k = 0; k < m; k++)
			s->recs[so->count[so->bcust[k] - c0]++] = so->brecs[k];
		for (c = c0; c < c1; c++) {
			size_t end = c + 1 < c1 ? s->cust_start[c + 1] : lo + m;

			finish_journey(s, s->cust_start[c], end, so->brecs);
			so->count[c - c0] = 0;
		}
	}
	s->cust_start[nc] = n;
	s->max_journey = max;
}

TP_EXPORT tp_status
tp_journey_store_finish(tp_journey_store *s)
{
	struct sorter so = { 0 };
	size_t n, nc;

	if (!s)
		return TP_EINVAL;
	if (s->finished)
		return TP_OK;
	n = s->n_events;
	nc = s->customers.n;
	/* Everything is allocated first, so that a failure leaves the store
	 * as it was. */
	s->cust_start = tpi_calloc(nc + 1, sizeof(*s->cust_start));
	s->recs = tpi_malloc(n ? n * sizeof(*s->recs) : 1);
	s->session = tpi_malloc(n ? n * sizeof(*s->session) : 1);
	if (!s->cust_start || !s->recs || !s->session ||
	    (n && n > SIZE_MAX / sizeof(*s->recs)) || !sorter_init(&so, s))
		goto nomem;
	sort_log(s, &so);
	sorter_free(&so);
	/* What only adding needed. */
	tpi_free(s->kind_table);
	tpi_free(s->keep_views);
	tpi_free(s->keep_ids);
	s->kind_table = NULL;
	s->kind_mask = 0;
	s->keep_views = NULL;
	s->keep_ids = NULL;
	s->cap_keep = 0;
	s->finished = true;
	return TP_OK;
nomem:
	sorter_free(&so);
	tpi_store_free_columns(s);
	return TP_ENOMEM;
}
