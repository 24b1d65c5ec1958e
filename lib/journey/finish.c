/* SPDX-License-Identifier: MIT */
/*
 * Finishing the journey store (journey.h): the log is sorted once into
 * journeys, by (customer, time, input order) — a counting sort on the
 * customers, then a stable sort of each journey that is not in time
 * order yet — and each journey is cut into sessions.
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

TP_EXPORT tp_status
tp_journey_store_finish(tp_journey_store *s)
{
	size_t n, nc, i, c, max = 0;
	struct tpi_rec *tmp = NULL;

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
	    (n && n > SIZE_MAX / sizeof(*s->recs)))
		goto nomem;
	for (i = 0; i < n; i++)
		s->cust_start[s->chunks[i / TPI_CHUNK_EVENTS]
				      ->cust[i % TPI_CHUNK_EVENTS] + 1]++;
	for (c = 0; c < nc; c++) {
		if (s->cust_start[c + 1] > max)
			max = s->cust_start[c + 1];
		s->cust_start[c + 1] += s->cust_start[c];
	}
	if (max > 24) {
		tmp = tpi_malloc(max * sizeof(*tmp));
		if (!tmp)
			goto nomem;
	}

	/* Scatter, chunk by chunk (stable), freeing chunks as we go. The
	 * write position of customer c is cust_start[c], which ends as the
	 * start of c + 1. */
	for (i = 0; i < s->n_chunks; i++) {
		struct tpi_chunk *ch = s->chunks[i];
		size_t j, m = n - i * TPI_CHUNK_EVENTS;

		if (m > TPI_CHUNK_EVENTS)
			m = TPI_CHUNK_EVENTS;
		for (j = 0; j < m; j++)
			s->recs[s->cust_start[ch->cust[j]]++] = ch->recs[j];
		tpi_free(ch);
		s->chunks[i] = NULL;
	}
	tpi_free(s->chunks);
	s->chunks = NULL;
	s->n_chunks = s->cap_chunks = 0;
	memmove(s->cust_start + 1, s->cust_start, nc * sizeof(*s->cust_start));
	s->cust_start[0] = 0;

	for (c = 0; c < nc; c++)
		finish_journey(s, s->cust_start[c], s->cust_start[c + 1], tmp);
	/* What only adding needed. */
	tpi_free(tmp);
	tpi_free(s->kind_table);
	tpi_free(s->keep_views);
	tpi_free(s->keep_ids);
	s->kind_table = NULL;
	s->kind_mask = 0;
	s->keep_views = NULL;
	s->keep_ids = NULL;
	s->cap_keep = 0;
	s->max_journey = max;
	s->finished = true;
	return TP_OK;
nomem:
	tpi_free(tmp);
	tpi_store_free_columns(s);
	return TP_ENOMEM;
}
