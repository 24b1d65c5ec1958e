/* SPDX-License-Identifier: MIT */
/*
 * The journey store (journey.h): its settings, its life and the reading
 * of a finished store. Adding events is in add.c, finishing (the sort
 * into journeys and the cut into sessions) in finish.c.
 */
#include <math.h>
#include <string.h>

#include "catalog-private.h"
#include "journey/journey-private.h"
#include "util/error.h"
#include "util/export.h"
#include "util/mem.h"

TP_EXPORT tp_status
tp_journey_store_new(const tp_catalog *catalog,
		     const tp_journey_options *options,
		     tp_journey_store **out, tp_error *err)
{
	static const char *const default_conv[] = { "event=purchase" };
	tp_journey_options defaults = TP_JOURNEY_OPTIONS_INIT;
	const tp_journey_options *o = options ? options : &defaults;
	const char *const *conv;
	struct tp_journey_store *s;
	size_t n_conv, i;
	uint32_t id;
	tp_status st;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!catalog || o->size < sizeof(tp_journey_options))
		return TP_EINVAL;
	if (o->session_timeout_ms < 0 ||
	    o->session_utc_offset_minutes < -1440 ||
	    o->session_utc_offset_minutes > 1440 ||
	    (o->n_conversions && !o->conversions))
		return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				 "journey options out of range");
	conv = o->conversions ? o->conversions : default_conv;
	n_conv = o->conversions ? o->n_conversions : 1;
	for (i = 0; i < n_conv; i++)
		if (!conv[i])
			return TP_EINVAL;

	s = tpi_calloc(1, sizeof(*s));
	if (!s)
		return TP_ENOMEM;
	s->catalog = tpi_catalog_ref(catalog);
	s->timeout_ms = o->session_timeout_ms;
	s->offset_ms = (int64_t)o->session_utc_offset_minutes * 60000;
	s->midnight = o->session_midnight != 0;
	s->campaign_change = o->session_on_campaign_change != 0;
	tpi_strpool_init(&s->strings);
	tpi_strpool_init(&s->customers);
	st = TP_ENOMEM;
	if (!tpi_strpool_intern(&s->strings, "", 0, &id, NULL))
		goto fail;
	if (n_conv) {
		s->conv = tpi_calloc(n_conv, sizeof(*s->conv));
		if (!s->conv)
			goto fail;
	}
	for (i = 0; i < n_conv; i++) {
		st = tpi_cond_parse(conv[i], true, &s->conv[i], err,
				    "conversion");
		if (st != TP_OK)
			goto fail;
		s->n_conv++;
		if (!tpi_field_is_builtin(s->conv[i].field_name)) {
			st = tp_journey_store_keep_field(s,
							 s->conv[i].field_name);
			if (st != TP_OK)
				goto fail;
		}
		st = tpi_cond_resolve(s, &s->conv[i], err, "conversion");
		if (st != TP_OK)
			goto fail;
	}
	*out = s;
	return TP_OK;
fail:
	tp_journey_store_free(s);
	return st;
}

void
tpi_store_free_columns(struct tp_journey_store *s)
{
	tpi_free(s->cust_start);
	tpi_free(s->recs);
	tpi_free(s->session);
	s->cust_start = NULL;
	s->recs = NULL;
	s->session = NULL;
}

TP_EXPORT void
tp_journey_store_free(tp_journey_store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_conv; i++)
		tpi_cond_fini(&s->conv[i]);
	tpi_free(s->conv);
	for (i = 0; i < s->n_keep; i++)
		tpi_free(s->keep[i]);
	tpi_strpool_fini(&s->strings);
	tpi_strpool_fini(&s->customers);
	tpi_free(s->kinds);
	tpi_free(s->kind_table);
	tpi_free(s->kind_attrs);
	tpi_free(s->extras);
	tpi_free(s->keep_views);
	tpi_free(s->keep_ids);
	for (i = 0; i < s->n_chunks; i++)
		tpi_free(s->chunks[i]);
	tpi_free(s->chunks);
	tpi_store_free_columns(s);
	tp_catalog_free(s->catalog);
	tpi_free(s);
}

TP_EXPORT tp_status
tp_journey_store_keep_field(tp_journey_store *s, const char *name)
{
	size_t i;

	if (!s || !name || !*name)
		return TP_EINVAL;
	if (tpi_field_is_builtin(name))
		return TP_OK;
	for (i = 0; i < s->n_keep; i++)
		if (strcmp(s->keep[i], name) == 0)
			return TP_OK;
	/* Kinds already interned would lack the new attribute. */
	if (s->n_events || s->n_kinds || s->finished)
		return TP_EINVAL;
	if (s->n_keep >= TPI_MAX_KEEP)
		return TP_ERANGE;
	s->keep[s->n_keep] = tpi_strdup(name);
	if (!s->keep[s->n_keep])
		return TP_ENOMEM;
	s->keep_len[s->n_keep] = strlen(name);
	s->n_keep++;
	return TP_OK;
}

/* ---- reading ---- */


TP_EXPORT int
tp_journey_store_is_finished(const tp_journey_store *s)
{
	return s && s->finished;
}

TP_EXPORT const tp_catalog *
tp_journey_store_catalog(const tp_journey_store *s)
{
	return s ? s->catalog : NULL;
}

TP_EXPORT size_t
tp_journey_store_customer_count(const tp_journey_store *s)
{
	return s ? s->customers.n : 0;
}

TP_EXPORT size_t
tp_journey_store_event_count(const tp_journey_store *s)
{
	return s ? s->n_events : 0;
}

TP_EXPORT const char *
tp_journey_store_customer_id(const tp_journey_store *s, size_t customer)
{
	if (!s || customer >= s->customers.n)
		return NULL;
	return s->customers.strs[customer].s;
}

TP_EXPORT int64_t
tp_journey_store_find_customer(const tp_journey_store *s, const char *id)
{
	uint32_t v;

	if (!s || !id)
		return TP_EINVAL;
	if (!tpi_strpool_find(&s->customers, id, strlen(id), &v))
		return TP_ENOTFOUND;
	return v;
}

TP_EXPORT tp_status
tp_journey_store_journey(const tp_journey_store *s, size_t customer,
			 size_t *first, size_t *count)
{
	if (!s || !first || !count || !s->finished ||
	    customer >= s->customers.n)
		return TP_EINVAL;
	*first = s->cust_start[customer];
	*count = s->cust_start[customer + 1] - *first;
	return TP_OK;
}

TP_EXPORT size_t
tp_journey_store_session_count(const tp_journey_store *s, size_t customer)
{
	if (!s || !s->finished || customer >= s->customers.n)
		return 0;
	return (size_t)s->session[s->cust_start[customer + 1] - 1] + 1;
}

/* The customer of an event: binary search in cust_start. */
static size_t
customer_of(const struct tp_journey_store *s, size_t index)
{
	size_t lo = 0, hi = s->customers.n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->cust_start[mid] <= index)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

TP_EXPORT tp_status
tp_journey_store_event(const tp_journey_store *s, size_t index,
		       tp_journey_event *out)
{
	const struct tpi_rec *r;
	const struct tpi_kind *k;
	unsigned flags;
	size_t c;

	if (!s || !out || out->size < sizeof(tp_journey_event) ||
	    !s->finished || index >= s->n_events)
		return TP_EINVAL;
	r = &s->recs[index];
	k = &s->kinds[r->kind];
	flags = tpi_rec_flags(r);
	c = customer_of(s, index);
	out->customer = c;
	out->timestamp_ms = r->ts;
	out->event_id = k->str[TPI_S_EVENT];
	out->channel_group_id = k->str[TPI_S_CHANNEL_GROUP];
	out->source_id = k->str[TPI_S_SOURCE];
	out->medium_id = k->str[TPI_S_MEDIUM];
	out->campaign_id = k->str[TPI_S_CAMPAIGN];
	out->event = out->event_id ? s->strings.strs[out->event_id].s : NULL;
	out->channel_group = out->channel_group_id
		? s->strings.strs[out->channel_group_id].s : NULL;
	out->source = out->source_id ? s->strings.strs[out->source_id].s : NULL;
	out->medium = out->medium_id ? s->strings.strs[out->medium_id].s : NULL;
	out->campaign = out->campaign_id
		? s->strings.strs[out->campaign_id].s : NULL;
	out->touchpoint = k->touchpoint;
	out->channel = k->channel;
	out->stage = k->stage;
	out->phase = (tp_phase)k->phase;
	out->has_value = (flags & TPI_EV_VALUE) != 0;
	out->value = out->has_value ? s->extras[tpi_rec_extra(r)].value : 0;
	out->has_score = (flags & TPI_EV_SCORE) != 0;
	out->score = out->has_score ? s->extras[tpi_rec_extra(r)].score : 0;
	out->is_conversion = (flags & TPI_EV_CONVERSION) != 0;
	out->session = s->session[index];
	out->session_start = index == s->cust_start[c] ||
			     s->session[index] != s->session[index - 1];
	return TP_OK;
}

TP_EXPORT const char *
tp_journey_store_string(const tp_journey_store *s, uint32_t id)
{
	if (!s || id == 0 || id >= s->strings.n)
		return NULL;
	return s->strings.strs[id].s;
}

TP_EXPORT size_t
tp_journey_store_string_count(const tp_journey_store *s)
{
	return s && s->strings.n ? s->strings.n - 1 : 0;
}

/* Field handles: the built-in fields are numbered as in fields.c's table
 * (16 of them), kept attributes follow. */
#define N_BUILTIN_HANDLES 16

static const char *const handle_names[N_BUILTIN_HANDLES] = {
	"event", "touchpoint", "channel", "stage", "phase", "channel_group",
	"source", "medium", "campaign", "kind", "initiator",
	"personalization", "intent", "control", "agent", "business_model",
};

TP_EXPORT int
tp_journey_store_find_field(const tp_journey_store *s, const char *name)
{
	size_t i;

	if (!s || !name)
		return TP_EINVAL;
	for (i = 0; i < N_BUILTIN_HANDLES; i++)
		if (strcmp(handle_names[i], name) == 0)
			return (int)i;
	for (i = 0; i < s->n_keep; i++)
		if (strcmp(s->keep[i], name) == 0)
			return (int)(N_BUILTIN_HANDLES + i);
	return TP_ENOTFOUND;
}

TP_EXPORT const char *
tp_journey_store_event_field(const tp_journey_store *s, size_t index,
			     int field)
{
	struct tpi_field f;

	if (!s || !s->finished || index >= s->n_events || field < 0)
		return NULL;
	if (field < N_BUILTIN_HANDLES) {
		if (!tpi_field_resolve(s, handle_names[field], false, &f))
			return NULL;
	} else if ((size_t)(field - N_BUILTIN_HANDLES) < s->n_keep) {
		f.type = TPI_FIELD_ATTR;
		f.arg = field - N_BUILTIN_HANDLES;
	} else {
		return NULL;
	}
	return tpi_field_label(s, f, tpi_field_code(s, f,
						    &s->kinds[s->recs[index].kind]));
}
