/* SPDX-License-Identifier: MIT */
/* Paths to conversion: the iterator over a finished store (journey.h). */
#include <string.h>

#include "journey/journey-private.h"
#include "journey/paths-private.h"
#include "util/export.h"
#include "util/mem.h"

bool
tpi_path_options_valid(const tp_journey_path_options *o)
{
	return o->size >= sizeof(tp_journey_path_options) &&
	       o->lookback_ms >= 0 && (int)o->touches >= 0 &&
	       o->touches <= TP_JOURNEY_PATH_TOUCHES_TOUCHPOINTS;
}

tp_status
tpi_path_cursor_init(struct tpi_path_cursor *pc, const tp_journey_store *s,
		     const tp_journey_path_options *o)
{
	tp_journey_path_options defaults = TP_JOURNEY_PATH_OPTIONS_INIT;

	memset(pc, 0, sizeof(*pc));
	if (!o)
		o = &defaults;
	if (!s || !s->finished || !tpi_path_options_valid(o))
		return TP_EINVAL;
	pc->s = s;
	pc->lookback_ms = o->lookback_ms;
	pc->lookback_steps = o->lookback_steps;
	pc->touches = o->touches == TP_JOURNEY_PATH_TOUCHES_DEFAULT
		? TP_JOURNEY_PATH_TOUCHES_EVENTS : o->touches;
	pc->exclude_conversion = o->exclude_conversion != 0;
	if (s->max_journey) {
		pc->events = tpi_malloc(s->max_journey * sizeof(*pc->events));
		pc->times = tpi_malloc(s->max_journey * sizeof(*pc->times));
		if (!pc->events || !pc->times) {
			tpi_path_cursor_fini(pc);
			return TP_ENOMEM;
		}
	}
	pc->pos = s->customers.n ? s->cust_start[0] : 0;
	return TP_OK;
}

void
tpi_path_cursor_fini(struct tpi_path_cursor *pc)
{
	tpi_free(pc->events);
	tpi_free(pc->times);
	pc->events = NULL;
	pc->times = NULL;
}

static bool
is_touch(const struct tpi_path_cursor *pc, size_t i, size_t first)
{
	const struct tp_journey_store *s = pc->s;

	switch (pc->touches) {
	case TP_JOURNEY_PATH_TOUCHES_SESSIONS:
		return i == first || s->session[i] != s->session[i - 1];
	case TP_JOURNEY_PATH_TOUCHES_TOUCHPOINTS:
		return s->kinds[s->recs[i].kind].touchpoint >= 0;
	default:
		return true;
	}
}

bool
tpi_path_cursor_next(struct tpi_path_cursor *pc)
{
	const struct tp_journey_store *s = pc->s;

	while (pc->customer < s->customers.n) {
		size_t first = s->cust_start[pc->customer];
		size_t end = s->cust_start[pc->customer + 1];
		size_t p = pc->pos, q, last, i, n = 0, from;
		int64_t end_time;

		if (p >= end) {
			pc->customer++;
			if (pc->customer < s->customers.n)
				pc->pos = s->cust_start[pc->customer];
			continue;
		}
		for (q = p; q < end; q++)
			if (tpi_rec_flags(&s->recs[q]) & TPI_EV_CONVERSION)
				break;
		pc->converted = q < end;
		last = pc->converted ? q : end - 1;
		pc->pos = last + 1;
		pc->conversion = pc->converted ? q : (size_t)-1;
		end_time = s->recs[last].ts;
		for (i = p; i <= last; i++) {
			if (i == q) {
				if (pc->exclude_conversion)
					continue;
			} else if (!is_touch(pc, i, first)) {
				continue;
			}
			if (pc->lookback_ms &&
			    s->recs[i].ts < end_time - pc->lookback_ms)
				continue;
			pc->events[n] = i;
			pc->times[n] = s->recs[i].ts;
			n++;
		}
		from = 0;
		if (pc->lookback_steps && n > pc->lookback_steps)
			from = n - pc->lookback_steps;
		if (from) {
			memmove(pc->events, pc->events + from,
				(n - from) * sizeof(*pc->events));
			memmove(pc->times, pc->times + from,
				(n - from) * sizeof(*pc->times));
			n -= from;
		}
		if (!pc->converted && n == 0)
			continue;
		pc->n = n;
		pc->end_time = end_time;
		pc->value = 0;
		if (pc->converted && (tpi_rec_flags(&s->recs[q]) & TPI_EV_VALUE))
			pc->value = s->extras[tpi_rec_extra(&s->recs[q])].value;
		pc->cur_customer = pc->customer;
		return true;
	}
	return false;
}

struct tp_journey_path_iter {
	struct tpi_path_cursor pc;
	bool on_path;
};

TP_EXPORT tp_status
tp_journey_path_iter_new(const tp_journey_store *store,
			 const tp_journey_path_options *options,
			 tp_journey_path_iter **out)
{
	tp_journey_path_iter *it;
	tp_status st;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!store)
		return TP_EINVAL;
	it = tpi_calloc(1, sizeof(*it));
	if (!it)
		return TP_ENOMEM;
	st = tpi_path_cursor_init(&it->pc, store, options);
	if (st != TP_OK) {
		tpi_free(it);
		return st;
	}
	*out = it;
	return TP_OK;
}

TP_EXPORT void
tp_journey_path_iter_free(tp_journey_path_iter *it)
{
	if (!it)
		return;
	tpi_path_cursor_fini(&it->pc);
	tpi_free(it);
}

TP_EXPORT int
tp_journey_path_iter_next(tp_journey_path_iter *it)
{
	if (!it)
		return 0;
	it->on_path = tpi_path_cursor_next(&it->pc);
	return it->on_path;
}

TP_EXPORT size_t
tp_journey_path_iter_customer(const tp_journey_path_iter *it)
{
	return it && it->on_path ? it->pc.cur_customer : 0;
}

TP_EXPORT int
tp_journey_path_iter_converted(const tp_journey_path_iter *it)
{
	return it && it->on_path && it->pc.converted;
}

TP_EXPORT int64_t
tp_journey_path_iter_end_time(const tp_journey_path_iter *it)
{
	return it && it->on_path ? it->pc.end_time : 0;
}

TP_EXPORT size_t
tp_journey_path_iter_conversion_event(const tp_journey_path_iter *it)
{
	return it && it->on_path ? it->pc.conversion : (size_t)-1;
}

TP_EXPORT double
tp_journey_path_iter_value(const tp_journey_path_iter *it)
{
	return it && it->on_path ? it->pc.value : 0;
}

TP_EXPORT size_t
tp_journey_path_iter_length(const tp_journey_path_iter *it)
{
	return it && it->on_path ? it->pc.n : 0;
}

TP_EXPORT const size_t *
tp_journey_path_iter_events(const tp_journey_path_iter *it)
{
	return it && it->on_path ? it->pc.events : NULL;
}

TP_EXPORT const int64_t *
tp_journey_path_iter_times(const tp_journey_path_iter *it)
{
	return it && it->on_path ? it->pc.times : NULL;
}

TP_EXPORT tp_status
tp_journey_path_iter_touch(const tp_journey_path_iter *it, size_t position,
			   tp_journey_event *out)
{
	if (!it || !out || !it->on_path || position >= it->pc.n)
		return TP_EINVAL;
	return tp_journey_store_event(it->pc.s, it->pc.events[position], out);
}
