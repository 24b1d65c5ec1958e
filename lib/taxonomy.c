/* SPDX-License-Identifier: MIT */
/* The touchpoint dimensions (taxonomy.h). */
#include <stddef.h>

#include "touchpoint/taxonomy.h"
#include "util/export.h"
#include "util/text.h"

static const char *const kind_names[] = { "unknown", "digital", "physical" };
static const char *const initiator_names[] = { "unknown", "customer", "brand" };
static const char *const personalization_names[] = { "unknown", "personalized", "mass" };
static const char *const intent_names[] = { "unknown", "proactive", "reactive" };
static const char *const control_names[] = { "unknown", "intentional", "unintentional" };
static const char *const agent_names[] = { "unknown", "human", "machine" };
static const char *const phase_names[] = { "unknown", "pre_purchase", "purchase", "post_purchase" };
static const char *const business_model_names[] = { "unknown", "b2b", "b2c" };

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	const char *name;
	const char *const *values;
	int count;
} dimensions[] = {
	[TP_DIMENSION_NONE] = { NULL, NULL, 0 },
	[TP_DIMENSION_KIND] = { "kind", kind_names, N(kind_names) },
	[TP_DIMENSION_INITIATOR] = { "initiator", initiator_names, N(initiator_names) },
	[TP_DIMENSION_PERSONALIZATION] = { "personalization", personalization_names, N(personalization_names) },
	[TP_DIMENSION_INTENT] = { "intent", intent_names, N(intent_names) },
	[TP_DIMENSION_CONTROL] = { "control", control_names, N(control_names) },
	[TP_DIMENSION_AGENT] = { "agent", agent_names, N(agent_names) },
	[TP_DIMENSION_PHASE] = { "phase", phase_names, N(phase_names) },
	[TP_DIMENSION_BUSINESS_MODEL] = { "business_model", business_model_names, N(business_model_names) },
};

static int
valid_dimension(tp_dimension d)
{
	return (int)d > 0 && (int)d < N(dimensions);
}

TP_EXPORT int
tp_dimension_count(void)
{
	return N(dimensions) - 1;
}

TP_EXPORT const char *
tp_dimension_name(tp_dimension dimension)
{
	return valid_dimension(dimension) ? dimensions[dimension].name : NULL;
}

TP_EXPORT tp_status
tp_dimension_parse(const char *name, tp_dimension *out)
{
	int d;

	if (!name || !out)
		return TP_EINVAL;
	for (d = 1; d < N(dimensions); d++) {
		if (tpi_strcaseeq(name, dimensions[d].name)) {
			*out = (tp_dimension)d;
			return TP_OK;
		}
	}
	return TP_ENOTFOUND;
}

TP_EXPORT int
tp_dimension_value_count(tp_dimension dimension)
{
	return valid_dimension(dimension) ? dimensions[dimension].count : 0;
}

TP_EXPORT const char *
tp_dimension_value_name(tp_dimension dimension, int value)
{
	if (!valid_dimension(dimension) || value < 0 ||
	    value >= dimensions[dimension].count)
		return NULL;
	return dimensions[dimension].values[value];
}

TP_EXPORT tp_status
tp_dimension_value_parse(tp_dimension dimension, const char *name, int *out)
{
	int v;

	if (!valid_dimension(dimension) || !name || !out)
		return TP_EINVAL;
	for (v = 0; v < dimensions[dimension].count; v++) {
		if (tpi_strcaseeq(name, dimensions[dimension].values[v])) {
			*out = v;
			return TP_OK;
		}
	}
	return TP_ENOTFOUND;
}
