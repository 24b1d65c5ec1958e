/* SPDX-License-Identifier: MIT */
/*
 * White-box tests of attribution internals: the Markov solver's two
 * methods agree, and the two forms of exact Shapley agree.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "attribution/attribution-private.h"
#include "test-common.h"

static uint64_t rng = 1;

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)((rng >> 33) % n);
}

/* A random chain of n states, each with up to 6 successors; every state
 * has some weight to (null) or (conversion), `leak` out of 1000 on
 * average, so small leaks make slowly mixing chains. */
static void
random_chain(struct tpi_chain *c, size_t n, unsigned leak)
{
	size_t s, e = 0, k;

	c->n = n;
	c->rowptr = calloc(n + 1, sizeof(*c->rowptr));
	c->col = calloc(n * 6 + 1, sizeof(*c->col));
	c->prob = calloc(n * 6 + 1, sizeof(*c->prob));
	c->b_conv = calloc(n + 1, sizeof(double));
	c->b_value = calloc(n + 1, sizeof(double));
	c->order = calloc(n + 1, sizeof(*c->order));
	for (s = 0; s < n; s++) {
		size_t deg = 1 + rnd(6);
		double w[6], total, conv = 1 + rnd(leak), null = 1 + rnd(leak);

		total = conv + null;
		for (k = 0; k < deg; k++) {
			w[k] = 1 + rnd(1000);
			total += w[k];
		}
		c->rowptr[s] = e;
		for (k = 0; k < deg; k++) {
			c->col[e] = rnd((uint32_t)n);
			c->prob[e] = w[k] / total;
			e++;
		}
		c->b_conv[s] = conv / total;
		c->b_value[s] = conv / total * (1 + rnd(100));
		c->order[s] = (uint32_t)(n - 1 - s);
	}
	c->rowptr[n] = e;
}

static void
free_chain(struct tpi_chain *c)
{
	free(c->rowptr);
	free(c->col);
	free(c->prob);
	free(c->b_conv);
	free(c->b_value);
	free(c->order);
}

/* Residual max |(I - Q) x - b| over kept states. */
static double
residual(const struct tpi_chain *c, const bool *keep, const double *x,
	 const double *b)
{
	double worst = 0;
	size_t s, e;

	for (s = 0; s < c->n; s++) {
		double r;

		if (keep && !keep[s])
			continue;
		r = x[s] - b[s];
		for (e = c->rowptr[s]; e < c->rowptr[s + 1]; e++)
			if (!keep || keep[c->col[e]])
				r -= c->prob[e] * x[c->col[e]];
		if (fabs(r) > worst)
			worst = fabs(r);
	}
	return worst;
}

START_TEST(dense_and_iterative_agree)
{
	static const size_t sizes[] = { 5, 60, 350 };
	static const unsigned leaks[] = { 1000, 50, 3 };
	size_t si, li, s;

	rng = 42;
	for (si = 0; si < 3; si++)
		for (li = 0; li < 3; li++) {
			struct tpi_chain c;
			size_t n = sizes[si];
			double *dc = calloc(n, sizeof(double)), *dv = calloc(n, sizeof(double));
			double *ic = calloc(n, sizeof(double)), *iv = calloc(n, sizeof(double));
			bool *keep = calloc(n, sizeof(bool));

			random_chain(&c, n, leaks[li]);
			ck_assert_int_eq(tpi_chain_solve(&c, NULL, 1, dc, dv), TP_OK);
			ck_assert_int_eq(tpi_chain_solve(&c, NULL, 2, ic, iv), TP_OK);
			for (s = 0; s < n; s++) {
				ck_assert_msg(fabs(dc[s] - ic[s]) <= 1e-11 * (1 + fabs(dc[s])),
					      "n=%zu leak=%u s=%zu: %.17g vs %.17g",
					      n, leaks[li], s, dc[s], ic[s]);
				ck_assert_msg(fabs(dv[s] - iv[s]) <= 1e-11 * (1 + fabs(dv[s])),
					      "value n=%zu s=%zu", n, s);
				ck_assert(dc[s] >= -1e-15 && dc[s] <= 1 + 1e-12);
			}
			ck_assert(residual(&c, NULL, dc, c.b_conv) < 1e-12);
			ck_assert(residual(&c, NULL, ic, c.b_conv) < 1e-12);
			/* With states removed, warm-started from the full solution. */
			for (s = 0; s < n; s++)
				keep[s] = rnd(4) != 0;
			ck_assert_int_eq(tpi_chain_solve(&c, keep, 1, dc, dv), TP_OK);
			ck_assert_int_eq(tpi_chain_solve(&c, keep, 2, ic, iv), TP_OK);
			for (s = 0; s < n; s++) {
				ck_assert(fabs(dc[s] - ic[s]) <= 1e-11 * (1 + fabs(dc[s])));
				if (!keep[s])
					ck_assert(dc[s] == 0 && ic[s] == 0);
			}
			{
				double mx = 0, res = residual(&c, keep, iv, c.b_value);

				for (s = 0; s < n; s++)
					mx = fmax(mx, fabs(iv[s]));
				ck_assert_msg(res <= 1e-12 * mx, "n=%zu leak=%u residual %g of %g",
					      n, leaks[li], res, mx);
			}
			free_chain(&c);
			free(dc);
			free(dv);
			free(ic);
			free(iv);
			free(keep);
		}
}
END_TEST

/* The automatic choice is deterministic and agrees with both methods. */
START_TEST(automatic_method)
{
	struct tpi_chain c;
	size_t n = TPI_DENSE_MAX + 20, s;
	double *a = calloc(n, sizeof(double)), *av = calloc(n, sizeof(double));
	double *b = calloc(n, sizeof(double)), *bv = calloc(n, sizeof(double));

	rng = 7;
	random_chain(&c, n, 100);
	ck_assert_int_eq(tpi_chain_solve(&c, NULL, 0, a, av), TP_OK);
	ck_assert_int_eq(tpi_chain_solve(&c, NULL, 0, b, bv), TP_OK);
	ck_assert_int_eq(memcmp(a, b, n * sizeof(double)), 0);
	ck_assert_int_eq(tpi_chain_solve(&c, NULL, 1, b, bv), TP_OK);
	for (s = 0; s < n; s++)
		ck_assert(fabs(a[s] - b[s]) <= 1e-11);
	free_chain(&c);
	free(a);
	free(av);
	free(b);
	free(bv);
}
END_TEST

/* The Markov model on a chain large enough to be solved iteratively
 * matches the same model computed with the dense method (order 3 over
 * 12 channels gives more than TPI_DENSE_MAX states). */
START_TEST(markov_large_orders)
{
	tp_paths *p;
	tp_attribution_options o = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_attribution *a;
	unsigned r, k;
	double sum = 0;

	ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &p), TP_OK);
	rng = 3;
	for (r = 0; r < 3000; r++) {
		char names[8][4];
		const char *items[8];
		tp_path d = TP_PATH_INIT;
		unsigned n = 1 + rnd(8);

		for (k = 0; k < n; k++) {
			names[k][0] = 'a' + (char)rnd(12);
			names[k][1] = '\0';
			items[k] = names[k];
		}
		d.items = items;
		d.n_items = n;
		d.conversions = rnd(2);
		d.nulls = 1 + rnd(3);
		d.value = d.conversions * 10;
		ck_assert_int_eq(tp_paths_add(p, &d, NULL), TP_OK);
	}
	o.order = 3;
	o.transitions = 1;
	ck_assert_int_eq(tp_attribution_compute(p, TP_ATTRIBUTION_MARKOV, &o, &a,
						NULL), TP_OK);
	ck_assert_uint_gt(tp_attribution_state_count(a), TPI_DENSE_MAX + 3);
	/* P equals the observed conversion rate (flow conservation). */
	ck_assert(fabs(tp_attribution_conversion_probability(a) -
		       tp_paths_total_conversions(p) /
		       (tp_paths_total_conversions(p) + tp_paths_total_nulls(p))) < 1e-12);
	for (k = 0; k < tp_attribution_item_count(a); k++) {
		sum += tp_attribution_conversions(a, k);
		ck_assert(tp_attribution_removal_effect(a, k) > 0);
		ck_assert(tp_attribution_removal_effect(a, k) <= 1);
	}
	ck_assert(fabs(sum - tp_paths_total_conversions(p)) < 1e-9);
	tp_attribution_free(a);
	tp_paths_free(p);
}
END_TEST

START_TEST(shapley_forms_agree)
{
	static const unsigned sizes[] = { 1, 3, 7, 12 };
	size_t si, k;

	rng = 11;
	for (si = 0; si < 4; si++) {
		tp_paths *p;
		tp_attribution *t, *d;
		unsigned r, i;

		ck_assert_int_eq(tp_paths_new(TP_ATTRIBUTION_BY_CHANNEL, &p), TP_OK);
		for (r = 0; r < 200; r++) {
			uint32_t ids[6], id;
			tp_path dp = TP_PATH_INIT;
			unsigned n = 1 + rnd(6);

			for (i = 0; i < n; i++) {
				char name[8];

				name[0] = 'x';
				name[1] = (char)('a' + rnd(sizes[si]));
				name[2] = '\0';
				ck_assert_int_eq(tp_paths_intern(p, name, 2, &id), TP_OK);
				ids[i] = id;
			}
			dp.item_ids = ids;
			dp.n_items = n;
			dp.conversions = rnd(3);
			dp.nulls = rnd(3);
			dp.value = dp.conversions * (1 + rnd(50));
			ck_assert_int_eq(tp_paths_add(p, &dp, NULL), TP_OK);
		}
		ck_assert_int_eq(tpi_attribution_alloc(p, TP_ATTRIBUTION_SHAPLEY, false, &t), TP_OK);
		ck_assert_int_eq(tpi_attribution_alloc(p, TP_ATTRIBUTION_SHAPLEY, false, &d), TP_OK);
		ck_assert_int_eq(tpi_shapley_table(p, t), TP_OK);
		ck_assert_int_eq(tpi_shapley_dividends(p, d), TP_OK);
		for (k = 0; k < tp_paths_item_count(p); k++) {
			ck_assert_msg(fabs(t->conversions[k] - d->conversions[k]) < 1e-10,
				      "n=%u k=%zu %.17g %.17g", sizes[si], k,
				      t->conversions[k], d->conversions[k]);
			ck_assert(fabs(t->value[k] - d->value[k]) < 1e-8);
		}
		tp_attribution_free(t);
		tp_attribution_free(d);
		tp_paths_free(p);
	}
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("attribution_solver");
	TCase *tc = tcase_create("solver");

	tcase_add_test(tc, dense_and_iterative_agree);
	tcase_add_test(tc, automatic_method);
	tcase_add_test(tc, markov_large_orders);
	tcase_add_test(tc, shapley_forms_agree);
	suite_add_tcase(s, tc);
	return s;
}
