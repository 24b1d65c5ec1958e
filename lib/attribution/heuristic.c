/* SPDX-License-Identifier: MIT */
/*
 * The rule-based models: first, last, last non-direct, linear, time decay
 * and position-based. Each walks the distinct paths once (time decay: the
 * timed rows) and hands each path's conversions and value out over its
 * touches with weights that add up to 1.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "attribution-private.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/text.h"

static void
credit(tp_attribution *r, uint32_t item, double w, double conversions,
       double value)
{
	r->conversions[item] += w * conversions;
	r->value[item] += w * value;
}

static tp_status
last_non_direct(const tp_paths *p, const tp_attribution_options *o,
		tp_attribution *r)
{
	const char *excluded = o->excluded ? o->excluded : "Direct";
	bool *skip = NULL;
	size_t i;

	if (p->n_items) {
		skip = tpi_calloc(p->n_items, sizeof(*skip));
		if (!skip)
			return TP_ENOMEM;
	}
	for (i = 0; i < p->n_items; i++)
		skip[i] = tpi_strcaseeq(tpi_item_name(p, (uint32_t)i), excluded);
	for (i = 0; i < p->n_paths; i++) {
		const struct tpi_path *q = &p->paths[i];
		const uint32_t *s = tpi_path_items(p, q);
		size_t k = q->len;

		while (k > 0 && skip[s[k - 1]])
			k--;
		/* Only excluded touches: fall back to the last touch. */
		credit(r, s[k ? k - 1 : q->len - 1], 1, q->conversions, q->value);
	}
	tpi_free(skip);
	return TP_OK;
}

static void
position(const tp_paths *p, const tp_attribution_options *o,
	 tp_attribution *r)
{
	double f = o->first_share, l = o->last_share;
	double f2 = f + l > 0 ? f / (f + l) : 0.5;
	size_t i, k;

	for (i = 0; i < p->n_paths; i++) {
		const struct tpi_path *q = &p->paths[i];
		const uint32_t *s = tpi_path_items(p, q);
		size_t n = q->len;

		if (n == 1) {
			credit(r, s[0], 1, q->conversions, q->value);
		} else if (n == 2) {
			credit(r, s[0], f2, q->conversions, q->value);
			credit(r, s[1], 1 - f2, q->conversions, q->value);
		} else {
			double m = (1 - f - l) / (double)(n - 2);

			credit(r, s[0], f, q->conversions, q->value);
			for (k = 1; k + 1 < n; k++)
				credit(r, s[k], m, q->conversions, q->value);
			credit(r, s[n - 1], l, q->conversions, q->value);
		}
	}
}

static tp_status
time_decay(const tp_paths *p, const tp_attribution_options *o,
	   tp_attribution *r, tp_error *err)
{
	double h = (double)o->half_life_ms;
	size_t i, k;

	if (p->untimed_converting)
		return tpi_error(err, TP_EEMPTY, NULL, 0, 0, NULL,
				 "time_decay needs the time of every touch, and %zu "
				 "converting path rows have none (a path table carries "
				 "no times; use journeys)",
				 p->untimed_converting);
	for (i = 0; i < p->n_timed; i++) {
		const struct tpi_timed *t = &p->timed[i];
		const struct tpi_path *q = &p->paths[t->path];
		const uint32_t *s = tpi_path_items(p, q);
		const int64_t *tm = p->times + t->toff;
		/* Weights relative to the last touch, the nearest to the
		 * conversion, so that old paths do not underflow to 0. */
		double last = (double)(t->conversion_time - tm[q->len - 1]);
		double sum = 0;

		for (k = 0; k < q->len; k++)
			sum += exp2(-((double)(t->conversion_time - tm[k]) - last) / h);
		for (k = 0; k < q->len; k++) {
			double w = exp2(-((double)(t->conversion_time - tm[k]) - last) / h);

			credit(r, s[k], w / sum, t->conversions, t->value);
		}
	}
	return TP_OK;
}

tp_status
tpi_attr_heuristic(const tp_paths *p, tp_attribution_model model,
		   const tp_attribution_options *o, tp_attribution *r,
		   tp_error *err)
{
	size_t i, k;

	switch (model) {
	case TP_ATTRIBUTION_LAST_NON_DIRECT:
		return last_non_direct(p, o, r);
	case TP_ATTRIBUTION_POSITION:
		position(p, o, r);
		return TP_OK;
	case TP_ATTRIBUTION_TIME_DECAY:
		return time_decay(p, o, r, err);
	default:
		break;
	}
	for (i = 0; i < p->n_paths; i++) {
		const struct tpi_path *q = &p->paths[i];
		const uint32_t *s = tpi_path_items(p, q);

		switch (model) {
		case TP_ATTRIBUTION_FIRST:
			credit(r, s[0], 1, q->conversions, q->value);
			break;
		case TP_ATTRIBUTION_LAST:
			credit(r, s[q->len - 1], 1, q->conversions, q->value);
			break;
		case TP_ATTRIBUTION_LINEAR:
			for (k = 0; k < q->len; k++)
				credit(r, s[k], 1.0 / q->len, q->conversions, q->value);
			break;
		default:
			return TP_EINVAL;
		}
	}
	return TP_OK;
}
