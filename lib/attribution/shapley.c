/* SPDX-License-Identifier: MIT */
/*
 * The Shapley models.
 *
 * Exact Shapley. Let N be the items of the path set (n = |N|). For a set
 * of items T, r(T) is the conversion rate of the paths whose set of
 * distinct items is exactly T:
 *     r(T) = conversions(T) / (conversions(T) + nulls(T)),
 * and r(T) = 0 when no path (or only paths of zero weight) has item set T.
 * The worth of a coalition S is what the paths made of its items convert:
 *     v(S) = sum over T subset of S of r(T),   v(empty) = 0.
 * The Shapley value of item c is, with the standard weights,
 *     phi(c) = sum over S in N \ {c} of |S|! (n - |S| - 1)! / n!
 *                                        (v(S + c) - v(S)).
 * The phi add up to v(N); item c's attributed conversions are
 * phi(c) / v(N) x the total conversions. Value uses the same game with
 * r_value(T) = value(T) / (conversions(T) + nulls(T)), the value per
 * journey, shared out of the total value.
 *
 * Up to 20 items, v is tabulated over all 2^n coalitions with the
 * subset-sum (zeta) transform, O(n 2^n), and phi is summed over all
 * coalitions as written above. Above 20 items the table would not fit, and
 * phi is computed from the Harsanyi dividends of v, which are the r(T)
 * themselves: phi(c) = sum over T containing c of r(T) / |T|, the same
 * number (tests compare both forms).
 *
 * The simplified variant credits each path's conversions and value in
 * equal parts to its distinct items.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "attribution-private.h"
#include "util/error.h"
#include "util/mem.h"

#define EXACT_MAX 20

/* Distinct items of a path, in first-appearance order, into out; returns
 * their count. seen is a per-item scratch array of stamps. */
static size_t
distinct(const uint32_t *s, size_t len, uint32_t *seen, uint32_t stamp,
	 uint32_t *out)
{
	size_t k, n = 0;

	for (k = 0; k < len; k++)
		if (seen[s[k]] != stamp) {
			seen[s[k]] = stamp;
			out[n++] = s[k];
		}
	return n;
}

tp_status
tpi_attr_shapley_simple(const tp_paths *p, tp_attribution *r)
{
	uint32_t *seen = NULL, *u = NULL;
	size_t i, k, maxlen = 1;

	for (i = 0; i < p->n_paths; i++)
		if (p->paths[i].len > maxlen)
			maxlen = p->paths[i].len;
	seen = tpi_calloc(p->n_items + 1, sizeof(*seen));
	u = tpi_malloc(maxlen * sizeof(*u));
	if (!seen || !u) {
		tpi_free(seen);
		tpi_free(u);
		return TP_ENOMEM;
	}
	for (i = 0; i < p->n_paths; i++) {
		const struct tpi_path *q = &p->paths[i];
		size_t n = distinct(tpi_path_items(p, q), q->len, seen,
				    (uint32_t)i + 1, u);

		for (k = 0; k < n; k++) {
			r->conversions[u[k]] += q->conversions / (double)n;
			r->value[u[k]] += q->value / (double)n;
		}
	}
	tpi_free(seen);
	tpi_free(u);
	return TP_OK;
}

/* Normalize phi (conversions and value) to the input totals. */
static void
share_out(const tp_paths *p, tp_attribution *r, const double *phi_c,
	  const double *phi_v)
{
	double sc = 0, sv = 0;
	size_t i;

	for (i = 0; i < p->n_items; i++) {
		sc += phi_c[i];
		sv += phi_v[i];
	}
	for (i = 0; i < p->n_items; i++) {
		r->conversions[i] = sc > 0 ? phi_c[i] / sc * p->total_conversions : 0;
		r->value[i] = sv > 0 ? phi_v[i] / sv * p->total_value : 0;
	}
}

/* Exact over all 2^n coalitions, n <= EXACT_MAX. */
tp_status
tpi_shapley_table(const tp_paths *p, tp_attribution *r)
{
	size_t n = p->n_items, full, S, i, k;
	double *vc = NULL, *vv = NULL, *wsum = NULL, *w = NULL;
	double phi_c[EXACT_MAX] = { 0 }, phi_v[EXACT_MAX] = { 0 };
	tp_status st = TP_ENOMEM;

	if (n == 0 || n > EXACT_MAX)
		return n == 0 ? TP_OK : TP_ERANGE;
	full = (size_t)1 << n;
	vc = tpi_calloc(full, sizeof(*vc));
	vv = tpi_calloc(full, sizeof(*vv));
	wsum = tpi_calloc(full, sizeof(*wsum));
	w = tpi_calloc(n + 1, sizeof(*w));
	if (!vc || !vv || !wsum || !w)
		goto out;
	/* Aggregate conversions, value and weight per exact item set. */
	for (i = 0; i < p->n_paths; i++) {
		const struct tpi_path *q = &p->paths[i];
		const uint32_t *s = tpi_path_items(p, q);
		size_t mask = 0;

		for (k = 0; k < q->len; k++)
			mask |= (size_t)1 << s[k];
		vc[mask] += q->conversions;
		vv[mask] += q->value;
		wsum[mask] += q->conversions + q->nulls;
	}
	/* r(T), then the zeta transform v(S) = sum over T in S of r(T). */
	for (S = 0; S < full; S++) {
		vc[S] = wsum[S] > 0 ? vc[S] / wsum[S] : 0;
		vv[S] = wsum[S] > 0 ? vv[S] / wsum[S] : 0;
	}
	for (k = 0; k < n; k++)
		for (S = 0; S < full; S++)
			if (S & ((size_t)1 << k)) {
				vc[S] += vc[S ^ ((size_t)1 << k)];
				vv[S] += vv[S ^ ((size_t)1 << k)];
			}
	/* w[s] = s! (n - s - 1)! / n!, by the recurrence
	 * w[s + 1] = w[s] (s + 1) / (n - s - 1), w[0] = 1 / n. */
	w[0] = 1.0 / (double)n;
	for (k = 0; k + 1 < n; k++)
		w[k + 1] = w[k] * (double)(k + 1) / (double)(n - k - 1);
	for (S = 0; S < full; S++) {
		size_t size = 0, m = S;

		while (m) {
			m &= m - 1;
			size++;
		}
		for (k = 0; k < n; k++) {
			size_t bit = (size_t)1 << k;

			if (S & bit)
				continue;
			phi_c[k] += w[size] * (vc[S | bit] - vc[S]);
			phi_v[k] += w[size] * (vv[S | bit] - vv[S]);
		}
	}
	share_out(p, r, phi_c, phi_v);
	st = TP_OK;
out:
	tpi_free(vc);
	tpi_free(vv);
	tpi_free(wsum);
	tpi_free(w);
	return st;
}

/* Above EXACT_MAX items: group the paths by item set (sorted distinct
 * ids), then phi(c) = sum over sets T containing c of r(T) / |T|. */
struct set_entry {
	size_t off;        /* into ids */
	uint32_t len;
	uint32_t hash;
	double conv, value, weight;
};

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t
hash_set(const uint32_t *ids, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= ids[i];
		h *= 0x100000001b3u;
	}
	h ^= h >> 31;
	return (uint32_t)(h * 0x9e3779b97f4a7c15u >> 32);
}

tp_status
tpi_shapley_dividends(const tp_paths *p, tp_attribution *r)
{
	struct set_entry *sets = NULL;
	uint32_t *ids = NULL, *slots = NULL, *seen = NULL, *u = NULL;
	double *phi_c = NULL, *phi_v = NULL;
	size_t n_sets = 0, ids_len = 0, cap = 16, mask, i, k, maxlen = 1;
	tp_status st = TP_ENOMEM;

	while (cap < 2 * p->n_paths + 2)
		cap *= 2;
	mask = cap - 1;
	for (i = 0; i < p->n_paths; i++)
		if (p->paths[i].len > maxlen)
			maxlen = p->paths[i].len;
	sets = tpi_malloc((p->n_paths + 1) * sizeof(*sets));
	ids = tpi_malloc((p->seq_len + 1) * sizeof(*ids));
	slots = tpi_calloc(cap, sizeof(*slots));
	seen = tpi_calloc(p->n_items + 1, sizeof(*seen));
	u = tpi_malloc(maxlen * sizeof(*u));
	phi_c = tpi_calloc(p->n_items + 1, sizeof(*phi_c));
	phi_v = tpi_calloc(p->n_items + 1, sizeof(*phi_v));
	if (!sets || !ids || !slots || !seen || !u || !phi_c || !phi_v)
		goto out;
	for (i = 0; i < p->n_paths; i++) {
		const struct tpi_path *q = &p->paths[i];
		size_t n = distinct(tpi_path_items(p, q), q->len, seen,
				    (uint32_t)i + 1, u);
		uint32_t h;
		size_t j;

		qsort(u, n, sizeof(*u), cmp_u32);
		h = hash_set(u, n);
		j = h & mask;
		while (slots[j]) {
			struct set_entry *e = &sets[slots[j] - 1];

			if (e->hash == h && e->len == n &&
			    memcmp(ids + e->off, u, n * sizeof(*u)) == 0)
				break;
			j = (j + 1) & mask;
		}
		if (!slots[j]) {
			struct set_entry *e = &sets[n_sets];

			e->off = ids_len;
			e->len = (uint32_t)n;
			e->hash = h;
			e->conv = e->value = e->weight = 0;
			memcpy(ids + ids_len, u, n * sizeof(*u));
			ids_len += n;
			slots[j] = (uint32_t)++n_sets;
		}
		sets[slots[j] - 1].conv += q->conversions;
		sets[slots[j] - 1].value += q->value;
		sets[slots[j] - 1].weight += q->conversions + q->nulls;
	}
	for (i = 0; i < n_sets; i++) {
		const struct set_entry *e = &sets[i];

		if (e->weight <= 0)
			continue;
		for (k = 0; k < e->len; k++) {
			phi_c[ids[e->off + k]] += e->conv / e->weight / e->len;
			phi_v[ids[e->off + k]] += e->value / e->weight / e->len;
		}
	}
	share_out(p, r, phi_c, phi_v);
	st = TP_OK;
out:
	tpi_free(sets);
	tpi_free(ids);
	tpi_free(slots);
	tpi_free(seen);
	tpi_free(u);
	tpi_free(phi_c);
	tpi_free(phi_v);
	return st;
}

tp_status
tpi_attr_shapley(const tp_paths *p, tp_attribution *r, tp_error *err)
{
	(void)err;
	if (p->n_items == 0)
		return TP_OK;
	if (p->n_items > EXACT_MAX)
		return tpi_shapley_dividends(p, r);
	return tpi_shapley_table(p, r);
}
