/* SPDX-License-Identifier: MIT */
/* An in-place sort of indices with a context, for canonical orders. */
#include <string.h>

#include "journey/journey-private.h"
#include "util/mem.h"

static void
sift(size_t *a, size_t root, size_t n, tpi_idx_cmp cmp, const void *ctx)
{
	for (;;) {
		size_t child = 2 * root + 1, big = root, t;

		if (child < n && cmp(a[big], a[child], ctx) < 0)
			big = child;
		if (child + 1 < n && cmp(a[big], a[child + 1], ctx) < 0)
			big = child + 1;
		if (big == root)
			return;
		t = a[root];
		a[root] = a[big];
		a[big] = t;
		root = big;
	}
}

void
tpi_sort_idx(size_t *a, size_t n, tpi_idx_cmp cmp, const void *ctx)
{
	size_t i, t;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;)
		sift(a, i, n, cmp, ctx);
	for (i = n - 1; i > 0; i--) {
		t = a[0];
		a[0] = a[i];
		a[i] = t;
		sift(a, 0, i, cmp, ctx);
	}
}

static void
heap_sift_i64(int64_t *a, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1, big = root;
		int64_t t;

		if (child < n && a[big] < a[child])
			big = child;
		if (child + 1 < n && a[big] < a[child + 1])
			big = child + 1;
		if (big == root)
			return;
		t = a[root];
		a[root] = a[big];
		a[big] = t;
		root = big;
	}
}

/* LSD radix sort on 11-bit digits of the order-preserving unsigned key,
 * skipping the digits where all keys agree. */
static void
radix_i64(int64_t *a, int64_t *tmp, size_t n)
{
	static const uint64_t flip = UINT64_C(1) << 63;
	uint64_t lo = UINT64_MAX, hi = 0, diff;
	size_t i, count[2048];
	unsigned shift;
	int64_t *src = a, *dst = tmp, *sw;

	for (i = 0; i < n; i++) {
		uint64_t k = (uint64_t)a[i] ^ flip;

		if (k < lo)
			lo = k;
		if (k > hi)
			hi = k;
	}
	diff = lo ^ hi;
	for (shift = 0; shift < 64 && (diff >> shift); shift += 11) {
		size_t sum = 0;

		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(((uint64_t)src[i] ^ flip) >> shift) & 0x7FF]++;
		for (i = 0; i < 2048; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(((uint64_t)src[i] ^ flip) >> shift) & 0x7FF]++] =
				src[i];
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

void
tpi_sort_i64(int64_t *a, size_t n)
{
	int64_t *tmp;
	size_t i;

	if (n < 64) {
		for (i = 1; i < n; i++) {
			int64_t v = a[i];
			size_t j = i;

			while (j > 0 && a[j - 1] > v) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = v;
		}
		return;
	}
	tmp = n >= 4096 ? tpi_malloc(n * sizeof(*tmp)) : NULL;
	if (tmp) {
		radix_i64(a, tmp, n);
		tpi_free(tmp);
		return;
	}
	/* Short lists, or no memory for the buffer: heap sort in place. */
	for (i = n / 2; i-- > 0;)
		heap_sift_i64(a, i, n);
	for (i = n - 1; i > 0; i--) {
		int64_t t = a[0];

		a[0] = a[i];
		a[i] = t;
		heap_sift_i64(a, 0, i);
	}
}
