/* SPDX-License-Identifier: MIT */
/*
 * From a classification to a journey touch (journey.h): the bridge that
 * lets the command and the bindings feed the journey store with what the
 * classifier found, without copying.
 */
#include <stddef.h>

#include "classifier-private.h"
#include "touchpoint/journey.h"
#include "util/export.h"

#define TOUCH_HAS(t, field) \
	((t)->size >= offsetof(tp_touch, field) + sizeof((t)->field))

static void
text(const tp_result *r, tp_field f, const char **p, size_t *n)
{
	*n = 0;
	*p = tp_result_field(r, f, n);
	if (!*p)
		*n = 0;
}

TP_EXPORT tp_status
tp_touch_from_result(const tp_result *r, tp_touch *out)
{
	const char *id;
	size_t id_len = 0;
	int64_t ms;
	double v;
	tp_status st;

	if (!r || !out || !r->classifier || !TOUCH_HAS(out, n_attrs))
		return TP_EINVAL;
	id = tp_result_field(r, TP_FIELD_CUSTOMER_ID, &id_len);
	if (!id || !id_len)
		return TP_ENOTFOUND;
	st = tp_result_timestamp(r, &ms);
	if (st)
		return st;
	out->customer_id = id;
	out->customer_id_len = id_len;
	out->timestamp_ms = ms;
	text(r, TP_FIELD_EVENT, &out->event, &out->event_len);
	out->touchpoint = r->ev.touchpoint;
	out->channel = r->ev.channel;
	out->stage = r->ev.stage;
	out->phase = (tp_phase)r->ev.dims[TP_DIMENSION_PHASE];
	text(r, TP_FIELD_CHANNEL_GROUP, &out->channel_group,
	     &out->channel_group_len);
	text(r, TP_FIELD_SOURCE, &out->source, &out->source_len);
	text(r, TP_FIELD_MEDIUM, &out->medium, &out->medium_len);
	text(r, TP_FIELD_CAMPAIGN, &out->campaign, &out->campaign_len);
	out->has_value = tp_result_number(r, TP_FIELD_VALUE, &v) == TP_OK;
	out->value = out->has_value ? v : 0;
	out->has_score = tp_result_number(r, TP_FIELD_SCORE, &v) == TP_OK;
	out->score = out->has_score ? v : 0;
	out->conversion = TP_CONVERSION_AUTO;
	out->attrs = r->raw;
	out->n_attrs = r->n_raw;
	return TP_OK;
}
