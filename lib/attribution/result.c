/* SPDX-License-Identifier: MIT */
/*
 * Attribution results (attribution.h): model and dimension names, the
 * dispatcher tp_attribution_compute(), and the result's accessors.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "attribution-private.h"
#include "util/error.h"
#include "util/export.h"
#include "util/mem.h"
#include "util/text.h"

static const char *const model_names[] = {
	NULL, "first", "last", "last_non_direct", "linear", "time_decay",
	"position", "markov", "shapley", "shapley_simple",
};

static const char *const by_names[] = {
	"unknown", "channel", "channel_group", "touchpoint", "stage", "source",
};

TP_EXPORT const char *
tp_attribution_model_name(tp_attribution_model model)
{
	if ((int)model <= 0 || model > TP_ATTRIBUTION_MODEL_LAST)
		return NULL;
	return model_names[model];
}

TP_EXPORT tp_status
tp_attribution_model_parse(const char *name, tp_attribution_model *out)
{
	int i;

	if (!name || !out)
		return TP_EINVAL;
	for (i = 1; i <= TP_ATTRIBUTION_MODEL_LAST; i++)
		if (tpi_strcaseeq(name, model_names[i])) {
			*out = (tp_attribution_model)i;
			return TP_OK;
		}
	return TP_ENOTFOUND;
}

TP_EXPORT const char *
tp_attribution_by_name(tp_attribution_by by)
{
	if ((int)by < 0 || by > TP_ATTRIBUTION_BY_LAST)
		return NULL;
	return by_names[by];
}

TP_EXPORT tp_status
tp_attribution_by_parse(const char *name, tp_attribution_by *out)
{
	int i;

	if (!name || !out)
		return TP_EINVAL;
	for (i = 0; i <= TP_ATTRIBUTION_BY_LAST; i++)
		if (tpi_strcaseeq(name, by_names[i])) {
			*out = (tp_attribution_by)i;
			return TP_OK;
		}
	return TP_ENOTFOUND;
}

tp_status
tpi_attribution_alloc(const tp_paths *p, tp_attribution_model model,
		      bool removal, tp_attribution **out)
{
	tp_attribution *r = tpi_calloc(1, sizeof(*r));
	size_t n = p->n_items, i;

	if (!r)
		return TP_ENOMEM;
	r->model = model;
	r->by = p->by;
	r->probability = NAN;
	r->n_items = n;
	r->names = tpi_malloc(p->names_len + 1);
	r->name_off = tpi_malloc(n * sizeof(*r->name_off) + 1);
	r->conversions = tpi_calloc(n + 1, sizeof(double));
	r->value = tpi_calloc(n + 1, sizeof(double));
	r->share = tpi_calloc(n + 1, sizeof(double));
	if (removal) {
		r->removal = tpi_calloc(n + 1, sizeof(double));
		r->value_removal = tpi_calloc(n + 1, sizeof(double));
	}
	if (!r->names || !r->name_off || !r->conversions || !r->value ||
	    !r->share || (removal && (!r->removal || !r->value_removal))) {
		tp_attribution_free(r);
		return TP_ENOMEM;
	}
	if (p->names_len)
		memcpy(r->names, p->names, p->names_len);
	for (i = 0; i < n; i++)
		r->name_off[i] = p->name_off[i];
	*out = r;
	return TP_OK;
}

/* Options with the caller's fields where its struct has them. */
static tp_status
read_options(const tp_attribution_options *in, tp_attribution_options *o,
	     tp_error *err)
{
	tp_attribution_options d = TP_ATTRIBUTION_OPTIONS_INIT;

	*o = d;
	if (in) {
		if (in->size < offsetof(tp_attribution_options, excluded))
			return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
					 "options: size is not set (use TP_ATTRIBUTION_OPTIONS_INIT)");
#define TAKE(f) if (in->size >= offsetof(tp_attribution_options, f) + sizeof(in->f)) o->f = in->f
		TAKE(excluded);
		TAKE(half_life_ms);
		TAKE(first_share);
		TAKE(last_share);
		TAKE(order);
		TAKE(transitions);
#undef TAKE
	}
	if (o->order < 1 || o->order > TP_ATTRIBUTION_MAX_ORDER)
		return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				 "options: order %d is not between 1 and %d",
				 o->order, TP_ATTRIBUTION_MAX_ORDER);
	if (o->half_life_ms <= 0)
		return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				 "options: the half-life must be positive");
	if (!(o->first_share >= 0 && o->first_share <= 1) ||
	    !(o->last_share >= 0 && o->last_share <= 1) ||
	    o->first_share + o->last_share > 1 + 1e-12)
		return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				 "options: position shares must be between 0 and 1 "
				 "with first + last <= 1");
	return TP_OK;
}

TP_EXPORT tp_status
tp_attribution_compute(const tp_paths *p, tp_attribution_model model,
		       const tp_attribution_options *options,
		       tp_attribution **out, tp_error *err)
{
	tp_attribution_options o;
	tp_attribution *r = NULL;
	tp_status st;
	size_t i;

	if (!p || !out)
		return TP_EINVAL;
	*out = NULL;
	if ((int)model <= 0 || model > TP_ATTRIBUTION_MODEL_LAST)
		return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				 "unknown attribution model %d", (int)model);
	st = read_options(options, &o, err);
	if (st)
		return st;
	st = tpi_attribution_alloc(p, model, model == TP_ATTRIBUTION_MARKOV, &r);
	if (st)
		return st;
	switch (model) {
	case TP_ATTRIBUTION_MARKOV:
		st = tpi_attr_markov(p, &o, r, err);
		break;
	case TP_ATTRIBUTION_SHAPLEY:
		st = tpi_attr_shapley(p, r, err);
		break;
	case TP_ATTRIBUTION_SHAPLEY_SIMPLE:
		st = tpi_attr_shapley_simple(p, r);
		break;
	default:
		st = tpi_attr_heuristic(p, model, &o, r, err);
		break;
	}
	if (st) {
		tp_attribution_free(r);
		return st;
	}
	r->total_conversions = p->total_conversions;
	r->total_value = p->total_value;
	for (i = 0; i < r->n_items; i++)
		r->share[i] = r->total_conversions > 0
			? r->conversions[i] / r->total_conversions : 0;
	*out = r;
	return TP_OK;
}

TP_EXPORT void
tp_attribution_free(tp_attribution *r)
{
	if (!r)
		return;
	tpi_free(r->names);
	tpi_free(r->name_off);
	tpi_free(r->conversions);
	tpi_free(r->value);
	tpi_free(r->share);
	tpi_free(r->removal);
	tpi_free(r->value_removal);
	tpi_free(r->state_names);
	tpi_free(r->state_off);
	tpi_free(r->trans_from);
	tpi_free(r->trans_to);
	tpi_free(r->trans_weight);
	tpi_free(r->trans_prob);
	tpi_free(r);
}

TP_EXPORT tp_attribution_model
tp_attribution_get_model(const tp_attribution *r)
{
	return r ? r->model : TP_ATTRIBUTION_UNKNOWN;
}

TP_EXPORT tp_attribution_by
tp_attribution_get_by(const tp_attribution *r)
{
	return r ? r->by : TP_ATTRIBUTION_BY_UNKNOWN;
}

TP_EXPORT int
tp_attribution_get_order(const tp_attribution *r)
{
	return r && r->model == TP_ATTRIBUTION_MARKOV ? r->order : 0;
}

TP_EXPORT double
tp_attribution_total_conversions(const tp_attribution *r)
{
	return r ? r->total_conversions : 0;
}

TP_EXPORT double
tp_attribution_total_value(const tp_attribution *r)
{
	return r ? r->total_value : 0;
}

TP_EXPORT double
tp_attribution_conversion_probability(const tp_attribution *r)
{
	return r ? r->probability : NAN;
}

TP_EXPORT size_t
tp_attribution_item_count(const tp_attribution *r)
{
	return r ? r->n_items : 0;
}

TP_EXPORT const char *
tp_attribution_item_id(const tp_attribution *r, size_t index)
{
	if (!r || index >= r->n_items)
		return NULL;
	return r->names + r->name_off[index];
}

static double
item_value(const tp_attribution *r, const double *arr, size_t index)
{
	if (!r || !arr || index >= r->n_items)
		return NAN;
	return arr[index];
}

TP_EXPORT double
tp_attribution_conversions(const tp_attribution *r, size_t index)
{
	return item_value(r, r ? r->conversions : NULL, index);
}

TP_EXPORT double
tp_attribution_value(const tp_attribution *r, size_t index)
{
	return item_value(r, r ? r->value : NULL, index);
}

TP_EXPORT double
tp_attribution_share(const tp_attribution *r, size_t index)
{
	return item_value(r, r ? r->share : NULL, index);
}

TP_EXPORT double
tp_attribution_removal_effect(const tp_attribution *r, size_t index)
{
	return item_value(r, r ? r->removal : NULL, index);
}

TP_EXPORT double
tp_attribution_value_removal_effect(const tp_attribution *r, size_t index)
{
	return item_value(r, r ? r->value_removal : NULL, index);
}

TP_EXPORT size_t
tp_attribution_state_count(const tp_attribution *r)
{
	return r ? r->n_states : 0;
}

TP_EXPORT const char *
tp_attribution_state_name(const tp_attribution *r, size_t index)
{
	if (!r || index >= r->n_states)
		return NULL;
	return r->state_names + r->state_off[index];
}

TP_EXPORT size_t
tp_attribution_transition_count(const tp_attribution *r)
{
	return r ? r->n_trans : 0;
}

TP_EXPORT tp_status
tp_attribution_transition(const tp_attribution *r, size_t index,
			  size_t *from, size_t *to, double *weight,
			  double *probability)
{
	if (!r || index >= r->n_trans)
		return TP_EINVAL;
	if (from)
		*from = r->trans_from[index];
	if (to)
		*to = r->trans_to[index];
	if (weight)
		*weight = r->trans_weight[index];
	if (probability)
		*probability = r->trans_prob[index];
	return TP_OK;
}
