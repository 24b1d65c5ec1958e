/* SPDX-License-Identifier: MIT */
/* The journey store: ordering, sessions, conversions, paths, path counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

#define MIN (60 * 1000)
#define HOUR (60 * MIN)

/* A small catalog: three channels, three stages, four touchpoints. */
static tp_catalog *
small_catalog(void)
{
	static const char *const stages[] = { "discovery", "consideration", "sale" };
	tp_catalog_builder *b;
	tp_catalog *c = NULL;
	tp_channel_def ch = TP_CHANNEL_DEF_INIT;
	tp_stage_def sd = TP_STAGE_DEF_INIT;
	tp_touchpoint_def td = TP_TOUCHPOINT_DEF_INIT;
	size_t i;

	ck_assert_int_eq(tp_catalog_builder_new(&b), TP_OK);
	ch.kind = TP_CHANNEL_KIND_DIGITAL;
	ch.id = "email";
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);
	ch.id = "web";
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);
	ch.id = "store";
	ch.kind = TP_CHANNEL_KIND_PHYSICAL;
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);
	for (i = 0; i < 3; i++) {
		sd.id = stages[i];
		sd.phase = i < 2 ? TP_PHASE_PRE_PURCHASE : TP_PHASE_PURCHASE;
		ck_assert_int_eq(tp_catalog_builder_add_stage(b, &sd), TP_OK);
	}
	td.id = "newsletter"; td.channel = "email"; td.stage = "discovery";
	td.initiator = TP_INITIATOR_BRAND;
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &td), TP_OK);
	td.id = "product_page"; td.channel = "web"; td.stage = "consideration";
	td.initiator = TP_INITIATOR_CUSTOMER;
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &td), TP_OK);
	td.id = "checkout"; td.channel = "web"; td.stage = "sale";
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &td), TP_OK);
	td.id = "store_visit"; td.channel = "store"; td.stage = "consideration";
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &td), TP_OK);
	ck_assert_int_eq(tp_catalog_builder_add_funnel(b, "simple", NULL, stages, 3),
			 TP_OK);
	ck_assert_int_eq(tp_catalog_builder_finish(b, &c, NULL), TP_OK);
	tp_catalog_builder_free(b);
	return c;
}

struct ev {
	const char *customer;
	int64_t t;
	const char *event;
	const char *touchpoint;   /* id or NULL */
	const char *source;
	const char *medium;
	double value;             /* NAN: none */
	const char *plan;         /* attribute "plan", or NULL */
};

static tp_status
add_ev(tp_journey_store *s, const struct ev *e)
{
	const tp_catalog *c = tp_journey_store_catalog(s);
	tp_touch t = TP_TOUCH_INIT;
	tp_attr attrs[2];

	t.customer_id = e->customer;
	t.customer_id_len = strlen(e->customer);
	t.timestamp_ms = e->t;
	t.event = e->event;
	t.event_len = e->event ? strlen(e->event) : 0;
	if (e->touchpoint)
		t.touchpoint = tp_catalog_find_touchpoint(c, e->touchpoint);
	t.source = e->source;
	t.source_len = e->source ? strlen(e->source) : 0;
	t.medium = e->medium;
	t.medium_len = e->medium ? strlen(e->medium) : 0;
	if (!isnan(e->value)) {
		t.has_value = 1;
		t.value = e->value;
	}
	attrs[0].key = "url";
	attrs[0].key_len = 3;
	attrs[0].value = "/x";
	attrs[0].value_len = 2;
	attrs[1].key = "plan";
	attrs[1].key_len = 4;
	attrs[1].value = e->plan ? e->plan : "";
	attrs[1].value_len = e->plan ? strlen(e->plan) : 0;
	t.attrs = attrs;
	t.n_attrs = 2;
	return tp_journey_store_add(s, &t, NULL);
}

static tp_journey_store *
store_of(tp_catalog *c, const tp_journey_options *o, const struct ev *evs,
	 size_t n)
{
	tp_journey_store *s = NULL;
	size_t i;

	ck_assert_int_eq(tp_journey_store_new(c, o, &s, NULL), TP_OK);
	ck_assert_int_eq(tp_journey_store_keep_field(s, "plan"), TP_OK);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(add_ev(s, &evs[i]), TP_OK);
	ck_assert_int_eq(tp_journey_store_finish(s), TP_OK);
	return s;
}

#define EV(c, t, e, tp) { c, t, e, tp, NULL, NULL, NAN, NULL }

static const char *
event_name(const tp_journey_store *s, size_t i)
{
	tp_journey_event e = TP_JOURNEY_EVENT_INIT;

	ck_assert_int_eq(tp_journey_store_event(s, i, &e), TP_OK);
	return e.event;
}

START_TEST(empty_store)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, NULL, NULL, 0);
	tp_journey_path_iter *it;
	tp_journey_event e = TP_JOURNEY_EVENT_INIT;
	size_t first, n;

	ck_assert_uint_eq(tp_journey_store_customer_count(s), 0);
	ck_assert_uint_eq(tp_journey_store_event_count(s), 0);
	ck_assert(tp_journey_store_is_finished(s));
	ck_assert_ptr_null(tp_journey_store_customer_id(s, 0));
	ck_assert_int_eq(tp_journey_store_journey(s, 0, &first, &n), TP_EINVAL);
	ck_assert_int_eq(tp_journey_store_event(s, 0, &e), TP_EINVAL);
	ck_assert_int_eq(tp_journey_path_iter_new(s, NULL, &it), TP_OK);
	ck_assert_int_eq(tp_journey_path_iter_next(it), 0);
	tp_journey_path_iter_free(it);
	/* Finishing twice is harmless. */
	ck_assert_int_eq(tp_journey_store_finish(s), TP_OK);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

START_TEST(order_interleaved_and_late)
{
	/* Customers interleaved, events late, equal times in input order. */
	static const struct ev evs[] = {
		EV("bob", 5000, "b3", NULL),
		EV("ann", 3000, "a3", NULL),
		EV("bob", 1000, "b1", NULL),
		EV("ann", 1000, "a1", NULL),
		EV("ann", 2000, "a2-first", NULL),
		EV("bob", 3000, "b2", NULL),
		EV("ann", 2000, "a2-second", NULL),
		EV("ann", 500, "a0-late", NULL),
		EV("ann", 2000, "a2-third", NULL),
	};
	static const char *const ann[] = {
		"a0-late", "a1", "a2-first", "a2-second", "a2-third", "a3"
	};
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, NULL, evs, sizeof(evs) / sizeof(evs[0]));
	size_t first, n, i;
	tp_journey_event e = TP_JOURNEY_EVENT_INIT;

	ck_assert_uint_eq(tp_journey_store_customer_count(s), 2);
	ck_assert_uint_eq(tp_journey_store_event_count(s), 9);
	/* Customers are numbered in order of first appearance. */
	ck_assert_str_eq(tp_journey_store_customer_id(s, 0), "bob");
	ck_assert_str_eq(tp_journey_store_customer_id(s, 1), "ann");
	ck_assert_int_eq(tp_journey_store_find_customer(s, "ann"), 1);
	ck_assert_int_eq(tp_journey_store_find_customer(s, "zed"), TP_ENOTFOUND);
	ck_assert_int_eq(tp_journey_store_journey(s, 1, &first, &n), TP_OK);
	ck_assert_uint_eq(n, 6);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(event_name(s, first + i), ann[i]);
		ck_assert_int_eq(tp_journey_store_event(s, first + i, &e), TP_OK);
		ck_assert_uint_eq(e.customer, 1);
	}
	ck_assert_int_eq(tp_journey_store_journey(s, 0, &first, &n), TP_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(event_name(s, first), "b1");
	ck_assert_str_eq(event_name(s, first + 1), "b2");
	ck_assert_str_eq(event_name(s, first + 2), "b3");
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

START_TEST(one_event)
{
	static const struct ev evs[] = { EV("solo", 42, "page_view", "product_page") };
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, NULL, evs, 1);
	tp_journey_event e = TP_JOURNEY_EVENT_INIT;
	size_t first, n;

	ck_assert_int_eq(tp_journey_store_journey(s, 0, &first, &n), TP_OK);
	ck_assert_uint_eq(first, 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(tp_journey_store_session_count(s, 0), 1);
	ck_assert_int_eq(tp_journey_store_event(s, 0, &e), TP_OK);
	ck_assert_int_eq(e.timestamp_ms, 42);
	/* The channel and stage come from the touchpoint. */
	ck_assert_int_eq(e.touchpoint, tp_catalog_find_touchpoint(c, "product_page"));
	ck_assert_int_eq(e.channel, tp_catalog_find_channel(c, "web"));
	ck_assert_int_eq(e.stage, tp_catalog_find_stage(c, "consideration"));
	ck_assert_int_eq(e.phase, TP_PHASE_PRE_PURCHASE);
	ck_assert(e.session_start);
	ck_assert_uint_eq(e.session, 0);
	ck_assert(!e.is_conversion);
	ck_assert(!e.has_value);
	ck_assert_ptr_null(e.source);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

static void
check_sessions(const tp_journey_store *s, size_t customer,
	       const size_t *want, size_t n)
{
	size_t first, count, i;

	ck_assert_int_eq(tp_journey_store_journey(s, customer, &first, &count),
			 TP_OK);
	ck_assert_uint_eq(count, n);
	for (i = 0; i < n; i++) {
		tp_journey_event e = TP_JOURNEY_EVENT_INIT;

		ck_assert_int_eq(tp_journey_store_event(s, first + i, &e), TP_OK);
		ck_assert_msg(e.session == want[i], "event %zu: session %zu, "
			      "want %zu", i, e.session, want[i]);
		ck_assert_int_eq(e.session_start,
				 i == 0 || want[i] != want[i - 1]);
	}
	ck_assert_uint_eq(tp_journey_store_session_count(s, customer),
			  want[n - 1] + 1);
}

START_TEST(sessions_timeout)
{
	static const struct ev evs[] = {
		EV("c", 0, "a", NULL),
		EV("c", 10 * MIN, "b", NULL),
		EV("c", 45 * MIN, "c", NULL),          /* 35 min gap */
		EV("c", 75 * MIN, "d", NULL),          /* exactly 30 min */
		EV("c", 75 * MIN + 29 * MIN, "e", NULL),
	};
	static const size_t want30[] = { 0, 0, 1, 2, 2 };
	static const size_t want10[] = { 0, 1, 2, 3, 4 };
	static const size_t want0[] = { 0, 0, 0, 0, 0 };
	tp_journey_options o = TP_JOURNEY_OPTIONS_INIT;
	tp_catalog *c = small_catalog();
	tp_journey_store *s;

	s = store_of(c, NULL, evs, 5);
	check_sessions(s, 0, want30, 5);
	tp_journey_store_free(s);

	o.session_timeout_ms = 10 * MIN;
	s = store_of(c, &o, evs, 5);
	check_sessions(s, 0, want10, 5);
	tp_journey_store_free(s);

	o.session_timeout_ms = 0;
	s = store_of(c, &o, evs, 5);
	check_sessions(s, 0, want0, 5);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

START_TEST(sessions_midnight)
{
	/* 2026-03-01T22:30Z and 23:30Z: at UTC+1 the second is 00:30 the
	 * next day; at UTC-5 both are the same afternoon; at UTC they are
	 * the same evening. 2026-03-01T00:00Z = 1772323200 s. */
	const int64_t day = INT64_C(1772323200000);
	const struct ev evs[] = {
		EV("c", day + 22 * HOUR + 30 * MIN, "a", NULL),
		EV("c", day + 23 * HOUR + 30 * MIN, "b", NULL),
		EV("c", day + 23 * HOUR + 50 * MIN, "c", NULL),
		EV("c", day + 24 * HOUR + 10 * MIN, "d", NULL),   /* 00:10Z */
	};
	static const size_t plus1[] = { 0, 1, 1, 1 };
	static const size_t utc[] = { 0, 0, 0, 1 };
	static const size_t minus5[] = { 0, 0, 0, 0 };
	tp_journey_options o = TP_JOURNEY_OPTIONS_INIT;
	tp_catalog *c = small_catalog();
	tp_journey_store *s;

	o.session_timeout_ms = 0;
	o.session_midnight = 1;
	o.session_utc_offset_minutes = 60;
	s = store_of(c, &o, evs, 4);
	check_sessions(s, 0, plus1, 4);
	tp_journey_store_free(s);
	o.session_utc_offset_minutes = 0;
	s = store_of(c, &o, evs, 4);
	check_sessions(s, 0, utc, 4);
	tp_journey_store_free(s);
	o.session_utc_offset_minutes = -300;
	s = store_of(c, &o, evs, 4);
	check_sessions(s, 0, minus5, 4);
	tp_journey_store_free(s);
	/* Without the midnight rule nothing is cut (the timeout is off). */
	o.session_midnight = 0;
	s = store_of(c, &o, evs, 4);
	check_sessions(s, 0, minus5, 4);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

START_TEST(sessions_campaign_change)
{
	static const struct ev evs[] = {
		{ "c", 0, "a", NULL, "google", "cpc", NAN, NULL },
		{ "c", 1 * MIN, "b", NULL, NULL, NULL, NAN, NULL },          /* nothing */
		{ "c", 2 * MIN, "c", NULL, "(direct)", "(none)", NAN, NULL }, /* direct */
		{ "c", 3 * MIN, "d", NULL, "google", "cpc", NAN, NULL },      /* same */
		{ "c", 4 * MIN, "e", NULL, "facebook", "social", NAN, NULL }, /* cut */
		{ "c", 5 * MIN, "f", NULL, "facebook", "cpc", NAN, NULL },    /* cut */
		{ "c", 6 * MIN, "g", NULL, NULL, NULL, NAN, NULL },
	};
	static const size_t on[] = { 0, 0, 0, 0, 1, 2, 2 };
	static const size_t off[] = { 0, 0, 0, 0, 0, 0, 0 };
	tp_journey_options o = TP_JOURNEY_OPTIONS_INIT;
	tp_catalog *c = small_catalog();
	tp_journey_store *s;

	o.session_on_campaign_change = 1;
	s = store_of(c, &o, evs, 7);
	check_sessions(s, 0, on, 7);
	tp_journey_store_free(s);
	s = store_of(c, NULL, evs, 7);
	check_sessions(s, 0, off, 7);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

static int
conv_flag(const tp_journey_store *s, size_t i)
{
	tp_journey_event e = TP_JOURNEY_EVENT_INIT;

	ck_assert_int_eq(tp_journey_store_event(s, i, &e), TP_OK);
	return e.is_conversion;
}

START_TEST(conversions)
{
	static const struct ev evs[] = {
		EV("c", 1, "purchase", NULL),
		EV("c", 2, "signup", NULL),
		{ "c", 3, "page_view", NULL, NULL, NULL, NAN, "pro" },
		EV("c", 4, "PURCHASE", NULL),
	};
	static const char *const custom[] = { "signup", "plan=pro" };
	tp_journey_options o = TP_JOURNEY_OPTIONS_INIT;
	tp_catalog *c = small_catalog();
	tp_journey_store *s;
	tp_touch t = TP_TOUCH_INIT;
	tp_error *err = tp_error_new();

	/* Default: event=purchase, compared ignoring case. */
	s = store_of(c, NULL, evs, 4);
	ck_assert_int_eq(conv_flag(s, 0), 1);
	ck_assert_int_eq(conv_flag(s, 1), 0);
	ck_assert_int_eq(conv_flag(s, 2), 0);
	ck_assert_int_eq(conv_flag(s, 3), 1);
	tp_journey_store_free(s);

	/* Custom: a bare event name and a condition on an attribute (which
	 * the store then keeps by itself). */
	o.conversions = custom;
	o.n_conversions = 2;
	s = store_of(c, &o, evs, 4);
	ck_assert_int_eq(conv_flag(s, 0), 0);
	ck_assert_int_eq(conv_flag(s, 1), 1);
	ck_assert_int_eq(conv_flag(s, 2), 1);
	ck_assert_int_eq(conv_flag(s, 3), 0);
	tp_journey_store_free(s);

	/* The touch's own flag wins. */
	ck_assert_int_eq(tp_journey_store_new(c, NULL, &s, NULL), TP_OK);
	t.customer_id = "x";
	t.customer_id_len = 1;
	t.event = "purchase";
	t.event_len = 8;
	t.conversion = TP_CONVERSION_NO;
	ck_assert_int_eq(tp_journey_store_add(s, &t, NULL), TP_OK);
	t.event = "view";
	t.event_len = 4;
	t.conversion = TP_CONVERSION_YES;
	t.timestamp_ms = 1;
	ck_assert_int_eq(tp_journey_store_add(s, &t, NULL), TP_OK);
	ck_assert_int_eq(tp_journey_store_finish(s), TP_OK);
	ck_assert_int_eq(conv_flag(s, 0), 0);
	ck_assert_int_eq(conv_flag(s, 1), 1);
	tp_journey_store_free(s);

	/* Bad conditions are refused with a message. */
	{
		static const char *const bad1[] = { "stage=nowhere" };
		static const char *const bad2[] = { "=x" };

		o.conversions = bad1;
		o.n_conversions = 1;
		ck_assert_int_eq(tp_journey_store_new(c, &o, &s, err), TP_ENOTFOUND);
		ck_assert_ptr_null(s);
		ck_assert_ptr_nonnull(strstr(tp_error_message(err, 0), "nowhere"));
		o.conversions = bad2;
		ck_assert_int_eq(tp_journey_store_new(c, &o, &s, err), TP_ESYNTAX);
	}
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

START_TEST(fields_and_strings)
{
	static const struct ev evs[] = {
		{ "c", 1, "view", "newsletter", "news", "email", NAN, "pro" },
		{ "d", 2, "view", "checkout", "news", "email", 12.5, NULL },
	};
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, NULL, evs, 2);
	tp_journey_event a = TP_JOURNEY_EVENT_INIT, b = TP_JOURNEY_EVENT_INIT;
	int f;

	ck_assert_int_eq(tp_journey_store_event(s, 0, &a), TP_OK);
	ck_assert_int_eq(tp_journey_store_event(s, 1, &b), TP_OK);
	/* Interned: equal strings, equal pointers and ids. */
	ck_assert_ptr_eq(a.event, b.event);
	ck_assert_uint_eq(a.event_id, b.event_id);
	ck_assert_uint_ne(a.event_id, 0);
	ck_assert_str_eq(tp_journey_store_string(s, a.source_id), "news");
	ck_assert_ptr_null(tp_journey_store_string(s, 0));
	ck_assert_uint_eq(a.channel_group_id, 0);
	ck_assert(b.has_value);
	ck_assert(fabs(b.value - 12.5) < 1e-12);
	f = tp_journey_store_find_field(s, "channel");
	ck_assert_int_ge(f, 0);
	ck_assert_str_eq(tp_journey_store_event_field(s, 0, f), "email");
	ck_assert_str_eq(tp_journey_store_event_field(s, 1, f), "web");
	f = tp_journey_store_find_field(s, "stage");
	ck_assert_str_eq(tp_journey_store_event_field(s, 1, f), "sale");
	f = tp_journey_store_find_field(s, "phase");
	ck_assert_str_eq(tp_journey_store_event_field(s, 1, f), "purchase");
	f = tp_journey_store_find_field(s, "initiator");
	ck_assert_str_eq(tp_journey_store_event_field(s, 0, f), "brand");
	f = tp_journey_store_find_field(s, "kind");
	ck_assert_str_eq(tp_journey_store_event_field(s, 0, f), "digital");
	f = tp_journey_store_find_field(s, "plan");
	ck_assert_int_ge(f, 0);
	ck_assert_str_eq(tp_journey_store_event_field(s, 0, f), "pro");
	ck_assert_ptr_null(tp_journey_store_event_field(s, 1, f));
	ck_assert_int_eq(tp_journey_store_find_field(s, "url"), TP_ENOTFOUND);
	ck_assert_ptr_null(tp_journey_store_event_field(s, 0, 999));
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

START_TEST(refused_touches)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *s;
	tp_touch t = TP_TOUCH_INIT;
	tp_error *err = tp_error_new();
	tp_journey_options o = TP_JOURNEY_OPTIONS_INIT;

	ck_assert_int_eq(tp_journey_store_new(NULL, NULL, &s, NULL), TP_EINVAL);
	o.session_timeout_ms = -1;
	ck_assert_int_eq(tp_journey_store_new(c, &o, &s, NULL), TP_EINVAL);
	ck_assert_int_eq(tp_journey_store_new(c, NULL, &s, err), TP_OK);
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_EINVAL);
	ck_assert_ptr_nonnull(strstr(tp_error_message(err, 0), "customer_id"));
	t.customer_id = "c";
	t.customer_id_len = 1;
	t.touchpoint = 99;
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_EINVAL);
	t.touchpoint = -1;
	t.stage = 3;
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_EINVAL);
	t.stage = -1;
	t.has_value = 1;
	t.value = NAN;
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_EINVAL);
	t.has_value = 0;
	t.event = "a\0b";
	t.event_len = 3;
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_EINVAL);
	t.event = NULL;
	t.event_len = 2;
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_EINVAL);
	t.event_len = 0;
	t.timestamp_ms = INT64_MAX;
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_EINVAL);
	t.timestamp_ms = 0;
	t.size = sizeof(t) - 1;
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_EINVAL);
	t.size = sizeof(t);
	/* Nothing was added by the refusals. */
	ck_assert_uint_eq(tp_journey_store_event_count(s), 0);
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_OK);
	/* Attributes must be kept before the first event; built-in fields
	 * need nothing. */
	ck_assert_int_eq(tp_journey_store_keep_field(s, "plan"), TP_EINVAL);
	ck_assert_int_eq(tp_journey_store_keep_field(s, "channel_group"), TP_OK);
	ck_assert_int_eq(tp_journey_store_keep_field(s, ""), TP_EINVAL);
	ck_assert_int_eq(tp_journey_store_finish(s), TP_OK);
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_EINVAL);
	ck_assert_uint_eq(tp_journey_store_event_count(s), 1);
	tp_journey_store_free(s);
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

START_TEST(add_batch)
{
	enum { N_T = 300 };
	static const char *const names[] = { "view", "purchase", "open" };
	tp_catalog *c = small_catalog();
	tp_journey_store *one, *many, *bad;
	tp_touch *t = calloc(N_T, sizeof(*t));
	char (*ids)[8] = calloc(N_T, sizeof(*ids));
	tp_error *err = tp_error_new();
	size_t i, added = 99;

	for (i = 0; i < N_T; i++) {
		tp_touch x = TP_TOUCH_INIT;

		snprintf(ids[i], sizeof(ids[i]), "b%zu", (i * 7) % 23);
		x.customer_id = ids[i];
		x.customer_id_len = strlen(ids[i]);
		x.timestamp_ms = (int64_t)((i * 7919) % 1000) * MIN;
		x.event = names[i % 3];
		x.event_len = strlen(x.event);
		x.touchpoint = (int32_t)(i % 5) - 1;
		x.has_value = i % 3 == 1;
		x.value = (double)i;
		t[i] = x;
	}
	ck_assert_int_eq(tp_journey_store_new(c, NULL, &one, NULL), TP_OK);
	ck_assert_int_eq(tp_journey_store_new(c, NULL, &many, NULL), TP_OK);
	for (i = 0; i < N_T; i++)
		ck_assert_int_eq(tp_journey_store_add(one, &t[i], NULL), TP_OK);
	/* In pieces of different sizes, below and above the pipeline's. */
	ck_assert_int_eq(tp_journey_store_add_batch(many, t, 0, &added, NULL), TP_OK);
	ck_assert_uint_eq(added, 0);
	ck_assert_int_eq(tp_journey_store_add_batch(many, t, 5, &added, NULL), TP_OK);
	ck_assert_uint_eq(added, 5);
	ck_assert_int_eq(tp_journey_store_add_batch(many, t + 5, N_T - 5, &added,
						    NULL), TP_OK);
	ck_assert_uint_eq(added, N_T - 5);
	ck_assert_int_eq(tp_journey_store_finish(one), TP_OK);
	ck_assert_int_eq(tp_journey_store_finish(many), TP_OK);
	ck_assert_uint_eq(tp_journey_store_event_count(many), N_T);
	ck_assert_uint_eq(tp_journey_store_customer_count(many),
			  tp_journey_store_customer_count(one));
	for (i = 0; i < N_T; i++) {
		tp_journey_event a = TP_JOURNEY_EVENT_INIT, b = TP_JOURNEY_EVENT_INIT;

		ck_assert_int_eq(tp_journey_store_event(one, i, &a), TP_OK);
		ck_assert_int_eq(tp_journey_store_event(many, i, &b), TP_OK);
		ck_assert_int_eq(a.timestamp_ms, b.timestamp_ms);
		ck_assert_str_eq(a.event, b.event);
		ck_assert_int_eq(a.touchpoint, b.touchpoint);
		ck_assert_uint_eq(a.customer, b.customer);
		ck_assert_int_eq(a.has_value, b.has_value);
		ck_assert(a.value == b.value);
		ck_assert_int_eq(a.is_conversion, b.is_conversion);
	}
	ck_assert_int_eq(tp_journey_store_add_batch(many, t, 1, &added, err),
			 TP_EINVAL);

	/* A refused touch in the middle: those before it are added. */
	ck_assert_int_eq(tp_journey_store_new(c, NULL, &bad, NULL), TP_OK);
	t[150].touchpoint = 1000;
	tp_error_clear(err);
	ck_assert_int_eq(tp_journey_store_add_batch(bad, t, N_T, &added, err),
			 TP_EINVAL);
	ck_assert_uint_eq(added, 150);
	ck_assert_uint_eq(tp_journey_store_event_count(bad), 150);
	ck_assert_ptr_nonnull(strstr(tp_error_message(err, 0), "touchpoint"));
	ck_assert_int_eq(tp_journey_store_add_batch(bad, NULL, 1, &added, err),
			 TP_EINVAL);
	ck_assert_int_eq(tp_journey_store_add_batch(NULL, t, 1, NULL, err), TP_EINVAL);

	tp_journey_store_free(one);
	tp_journey_store_free(many);
	tp_journey_store_free(bad);
	tp_error_free(err);
	free(t);
	free(ids);
	tp_catalog_free(c);
}
END_TEST

START_TEST(durations)
{
	int64_t ms = 0;

	ck_assert_int_eq(tp_duration_parse("30m", 3, &ms), TP_OK);
	ck_assert_int_eq(ms, 30 * MIN);
	ck_assert_int_eq(tp_duration_parse("12h", 3, &ms), TP_OK);
	ck_assert_int_eq(ms, 12 * HOUR);
	ck_assert_int_eq(tp_duration_parse("7d", 2, &ms), TP_OK);
	ck_assert_int_eq(ms, INT64_C(7) * 24 * HOUR);
	ck_assert_int_eq(tp_duration_parse("90", 2, &ms), TP_OK);
	ck_assert_int_eq(ms, 90000);
	ck_assert_int_eq(tp_duration_parse("1.5", 3, &ms), TP_OK);
	ck_assert_int_eq(ms, 1500);
	ck_assert_int_eq(tp_duration_parse("1h30m", 5, &ms), TP_OK);
	ck_assert_int_eq(ms, 90 * MIN);
	ck_assert_int_eq(tp_duration_parse("250ms", 5, &ms), TP_OK);
	ck_assert_int_eq(ms, 250);
	ck_assert_int_eq(tp_duration_parse("2w", 2, &ms), TP_OK);
	ck_assert_int_eq(ms, INT64_C(14) * 24 * HOUR);
	ck_assert_int_eq(tp_duration_parse(" 0.5d ", 6, &ms), TP_OK);
	ck_assert_int_eq(ms, 12 * HOUR);
	ms = -7;
	ck_assert_int_eq(tp_duration_parse("", 0, &ms), TP_ESYNTAX);
	ck_assert_int_eq(tp_duration_parse("-5m", 3, &ms), TP_ESYNTAX);
	ck_assert_int_eq(tp_duration_parse("5y", 2, &ms), TP_ESYNTAX);
	ck_assert_int_eq(tp_duration_parse("1h30", 4, &ms), TP_ESYNTAX);
	ck_assert_int_eq(tp_duration_parse("m", 1, &ms), TP_ESYNTAX);
	ck_assert_int_eq(tp_duration_parse("99999999999999999d", 18, &ms),
			 TP_ERANGE);
	ck_assert_int_eq(ms, -7);
	ck_assert_int_eq(tp_duration_parse(NULL, 0, &ms), TP_EINVAL);
}
END_TEST

/* Paths of one store as text: "customer:conv:event,event,..". */
static void
paths_text(const tp_journey_store *s, const tp_journey_path_options *o,
	   char *buf, size_t size)
{
	tp_journey_path_iter *it;
	size_t used = 0, i;

	buf[0] = '\0';
	ck_assert_int_eq(tp_journey_path_iter_new(s, o, &it), TP_OK);
	while (tp_journey_path_iter_next(it)) {
		size_t n = tp_journey_path_iter_length(it);
		const size_t *ev = tp_journey_path_iter_events(it);
		const int64_t *times = tp_journey_path_iter_times(it);

		used += (size_t)snprintf(buf + used, size - used, "%s%s:%d:",
			used ? " " : "",
			tp_journey_store_customer_id(s, tp_journey_path_iter_customer(it)),
			tp_journey_path_iter_converted(it));
		for (i = 0; i < n; i++) {
			tp_journey_event e = TP_JOURNEY_EVENT_INIT;

			ck_assert_int_eq(tp_journey_path_iter_touch(it, i, &e), TP_OK);
			ck_assert_int_eq(e.timestamp_ms, times[i]);
			ck_assert_str_eq(event_name(s, ev[i]), e.event);
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
						 i ? "," : "", e.event);
		}
		ck_assert(used < size);
	}
	tp_journey_path_iter_free(it);
}

static const struct ev path_evs[] = {
	EV("p", 1 * HOUR, "a", "newsletter"),
	EV("p", 2 * HOUR, "b", NULL),
	{ "p", 3 * HOUR, "purchase", "checkout", NULL, NULL, 30.0, NULL },
	EV("p", 50 * HOUR, "c", "product_page"),
	{ "p", 51 * HOUR, "purchase", "checkout", NULL, NULL, 20.0, NULL },
	EV("p", 52 * HOUR, "d", NULL),
	EV("q", 1 * HOUR, "e", "store_visit"),
	EV("r", 1 * HOUR, "purchase", "checkout"),
};

START_TEST(paths_to_conversion)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, NULL, path_evs, 8);
	tp_journey_path_options o = TP_JOURNEY_PATH_OPTIONS_INIT;
	tp_journey_path_iter *it;
	char buf[1024];

	paths_text(s, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "p:1:a,b,purchase p:1:c,purchase p:0:d q:0:e "
			 "r:1:purchase");
	o.exclude_conversion = 1;
	paths_text(s, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "p:1:a,b p:1:c p:0:d q:0:e r:1:");
	o.exclude_conversion = 0;
	o.lookback_steps = 2;
	paths_text(s, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "p:1:b,purchase p:1:c,purchase p:0:d q:0:e "
			 "r:1:purchase");
	o.lookback_steps = 0;
	o.lookback_ms = 90 * MIN;   /* a (2 h before) falls out, b stays */
	paths_text(s, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "p:1:b,purchase p:1:c,purchase p:0:d q:0:e "
			 "r:1:purchase");
	o.lookback_ms = 0;
	o.touches = TP_JOURNEY_PATH_TOUCHES_TOUCHPOINTS;
	paths_text(s, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "p:1:a,purchase p:1:c,purchase q:0:e r:1:purchase");
	o.touches = TP_JOURNEY_PATH_TOUCHES_SESSIONS;
	paths_text(s, &o, buf, sizeof(buf));
	/* Sessions start at a, b (1 h gaps), the 3 h purchase, c, d... */
	ck_assert_str_eq(buf, "p:1:a,b,purchase p:1:c,purchase p:0:d q:0:e "
			 "r:1:purchase");

	/* Conversion time, value and event. */
	ck_assert_int_eq(tp_journey_path_iter_new(s, NULL, &it), TP_OK);
	ck_assert_int_eq(tp_journey_path_iter_next(it), 1);
	ck_assert_int_eq(tp_journey_path_iter_end_time(it), 3 * HOUR);
	ck_assert(fabs(tp_journey_path_iter_value(it) - 30.0) < 1e-12);
	ck_assert_str_eq(event_name(s, tp_journey_path_iter_conversion_event(it)),
			 "purchase");
	ck_assert_int_eq(tp_journey_path_iter_next(it), 1);
	ck_assert(fabs(tp_journey_path_iter_value(it) - 20.0) < 1e-12);
	ck_assert_int_eq(tp_journey_path_iter_next(it), 1);
	ck_assert_int_eq(tp_journey_path_iter_converted(it), 0);
	ck_assert_uint_eq(tp_journey_path_iter_conversion_event(it), (size_t)-1);
	ck_assert_int_eq(tp_journey_path_iter_end_time(it), 52 * HOUR);
	ck_assert(tp_journey_path_iter_value(it) == 0);
	ck_assert_int_eq(tp_journey_path_iter_touch(it, 5, NULL), TP_EINVAL);
	tp_journey_path_iter_free(it);

	o.touches = (tp_journey_path_touches)9;
	ck_assert_int_eq(tp_journey_path_iter_new(s, &o, &it), TP_EINVAL);
	tp_journey_store_free(s);
	tp_catalog_free(c);
}
END_TEST

START_TEST(path_counts)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, NULL, path_evs, 8);
	tp_path_counts *pc;
	uint64_t conv, nulls;
	double value;
	tp_error *err = tp_error_new();

	ck_assert_int_eq(tp_path_counts_compute(s, "nope", NULL, &pc, err),
			 TP_ENOTFOUND);
	ck_assert_int_eq(tp_path_counts_compute(s, NULL, NULL, &pc, err), TP_OK);
	ck_assert_str_eq(tp_path_counts_field(pc), "channel");
	/* Paths by channel: email>web (1 conv, 30), web>web (1 conv, 20),
	 * "" (d has no channel: an empty non-converting path), store (null),
	 * web (r: 1 conv). Canonical order: conversions, nulls, items. */
	ck_assert_uint_eq(tp_path_counts_count(pc), 5);
	ck_assert_uint_eq(tp_path_counts_length(pc, 0), 2);
	ck_assert_str_eq(tp_path_counts_item(pc, 0, 0), "email");
	ck_assert_str_eq(tp_path_counts_item(pc, 0, 1), "web");
	ck_assert(fabs(tp_path_counts_value(pc, 0) - 30.0) < 1e-9);
	ck_assert_uint_eq(tp_path_counts_length(pc, 1), 1);
	ck_assert_str_eq(tp_path_counts_item(pc, 1, 0), "web");
	ck_assert_uint_eq(tp_path_counts_length(pc, 2), 2);
	ck_assert_str_eq(tp_path_counts_item(pc, 2, 0), "web");
	ck_assert(fabs(tp_path_counts_value(pc, 2) - 20.0) < 1e-9);
	ck_assert_uint_eq(tp_path_counts_conversions(pc, 2), 1);
	ck_assert_uint_eq(tp_path_counts_length(pc, 3), 0);
	ck_assert_uint_eq(tp_path_counts_nulls(pc, 3), 1);
	ck_assert_str_eq(tp_path_counts_item(pc, 4, 0), "store");
	ck_assert_uint_eq(tp_path_counts_nulls(pc, 4), 1);
	ck_assert_ptr_null(tp_path_counts_item(pc, 9, 0));
	ck_assert_int_eq(tp_path_counts_totals(pc, &conv, &nulls, &value), TP_OK);
	ck_assert_uint_eq(conv, 3);
	ck_assert_uint_eq(nulls, 2);
	ck_assert(fabs(value - 50.0) < 1e-9);
	tp_path_counts_free(pc);
	tp_journey_store_free(s);
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

/* Deterministic events for merge tests: customers split in two stores by
 * parity, plus the whole. */
static void
random_stores(tp_catalog *c, tp_journey_store **whole, tp_journey_store **a,
	      tp_journey_store **b)
{
	static const char *const events[] = { "view", "click", "purchase", "survey" };
	static const char *const sources[] = { "google", "news", "(direct)" };
	uint64_t x = 88172645463325252ull;
	size_t i, ntp = tp_catalog_touchpoint_count(c);
	tp_journey_store *st[3];

	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(tp_journey_store_new(c, NULL, &st[i], NULL), TP_OK);
		ck_assert_int_eq(tp_journey_store_keep_field(st[i], "plan"), TP_OK);
	}
	for (i = 0; i < 600; i++) {
		tp_touch t = TP_TOUCH_INIT;
		char id[16];
		unsigned cust;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		cust = (unsigned)(x % 40);
		snprintf(id, sizeof(id), "k%u", cust);
		t.customer_id = id;
		t.customer_id_len = strlen(id);
		t.timestamp_ms = (int64_t)((x >> 8) % 100000) * 1000;
		t.event = events[(x >> 20) % 4];
		t.event_len = strlen(t.event);
		t.touchpoint = (int32_t)((x >> 24) % (ntp + 1)) - 1;
		t.source = sources[(x >> 28) % 3];
		t.source_len = strlen(t.source);
		if (strcmp(t.event, "purchase") == 0) {
			t.has_value = 1;
			t.value = (double)((x >> 32) % 10000) / 100.0;
		}
		if (strcmp(t.event, "survey") == 0) {
			t.has_score = 1;
			t.score = (double)((x >> 36) % 11);
		}
		ck_assert_int_eq(tp_journey_store_add(st[0], &t, NULL), TP_OK);
		ck_assert_int_eq(tp_journey_store_add(st[1 + cust % 2], &t, NULL),
				 TP_OK);
	}
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(tp_journey_store_finish(st[i]), TP_OK);
	*whole = st[0];
	*a = st[1];
	*b = st[2];
}

static char *
pc_bytes(const tp_path_counts *pc, tp_state_format f, size_t *len)
{
	char *out = NULL;

	ck_assert_int_eq(tp_path_counts_save(pc, f, &out, len), TP_OK);
	return out;
}

START_TEST(path_counts_merge_and_states)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *whole, *a, *b;
	tp_path_counts *pw, *pa, *pb, *back, *other;
	tp_journey_path_options o = TP_JOURNEY_PATH_OPTIONS_INIT;
	char *bw, *bm, *ja, *jb, *bin;
	size_t lw, lm, la, lb, lbin;
	tp_error *err = tp_error_new();
	tp_state_kind kind;
	tp_state_format format;

	random_stores(c, &whole, &a, &b);
	o.lookback_steps = 5;
	ck_assert_int_eq(tp_path_counts_compute(whole, "touchpoint", &o, &pw, NULL), TP_OK);
	ck_assert_int_eq(tp_path_counts_compute(a, "touchpoint", &o, &pa, NULL), TP_OK);
	ck_assert_int_eq(tp_path_counts_compute(b, "touchpoint", &o, &pb, NULL), TP_OK);
	ck_assert_uint_gt(tp_path_counts_count(pw), 10);

	/* Through both forms: a as JSON, b as binary, then merged. */
	ja = pc_bytes(pa, TP_STATE_FORMAT_JSON, &la);
	jb = pc_bytes(pb, TP_STATE_FORMAT_BINARY, &lb);
	tp_path_counts_free(pa);
	tp_path_counts_free(pb);
	ck_assert_int_eq(tp_state_identify(ja, la, "a.json", &kind, &format, err), TP_OK);
	ck_assert_int_eq(kind, TP_STATE_KIND_PATH_COUNTS);
	ck_assert_int_eq(format, TP_STATE_FORMAT_JSON);
	ck_assert_int_eq(tp_state_identify(jb, lb, "b.bin", &kind, &format, err), TP_OK);
	ck_assert_int_eq(kind, TP_STATE_KIND_PATH_COUNTS);
	ck_assert_int_eq(format, TP_STATE_FORMAT_BINARY);
	ck_assert_int_eq(tp_path_counts_load(ja, la, "a.json", &pa, err), TP_OK);
	ck_assert_int_eq(tp_path_counts_load(jb, lb, "b.bin", &pb, err), TP_OK);
	ck_assert_int_eq(tp_path_counts_merge(pa, pb, err), TP_OK);
	bw = pc_bytes(pw, TP_STATE_FORMAT_BINARY, &lw);
	bm = pc_bytes(pa, TP_STATE_FORMAT_BINARY, &lm);
	ck_assert_uint_eq(lw, lm);
	ck_assert(memcmp(bw, bm, lw) == 0);
	tp_free(bm);
	/* JSON round trip of the whole gives the same bytes. */
	bm = pc_bytes(pw, TP_STATE_FORMAT_JSON, &lm);
	ck_assert_int_eq(tp_path_counts_load(bm, lm, NULL, &back, err), TP_OK);
	bin = pc_bytes(back, TP_STATE_FORMAT_BINARY, &lbin);
	ck_assert_uint_eq(lbin, lw);
	ck_assert(memcmp(bin, bw, lw) == 0);
	tp_free(bin);
	tp_path_counts_free(back);
	tp_free(bm);

	/* Different options do not merge. */
	ck_assert_int_eq(tp_path_counts_compute(a, "channel", &o, &other, NULL), TP_OK);
	ck_assert_int_eq(tp_path_counts_merge(pa, other, err), TP_EMISMATCH);
	ck_assert_int_eq(tp_path_counts_merge(pa, pa, err), TP_EINVAL);
	tp_path_counts_free(other);

	tp_free(ja);
	tp_free(jb);
	tp_free(bw);
	tp_path_counts_free(pa);
	tp_path_counts_free(pb);
	tp_path_counts_free(pw);
	tp_journey_store_free(whole);
	tp_journey_store_free(a);
	tp_journey_store_free(b);
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

START_TEST(path_counts_bad_states)
{
	tp_catalog *c = small_catalog();
	tp_journey_store *s = store_of(c, NULL, path_evs, 8);
	tp_path_counts *pc, *back = NULL;
	tp_error *err = tp_error_new();
	char *bin, *json, *copy;
	size_t lb, lj, i;
	tp_status st;

	ck_assert_int_eq(tp_path_counts_compute(s, NULL, NULL, &pc, NULL), TP_OK);
	bin = pc_bytes(pc, TP_STATE_FORMAT_BINARY, &lb);
	json = pc_bytes(pc, TP_STATE_FORMAT_JSON, &lj);
	copy = malloc(lb > lj ? lb : lj);

	/* Every truncation is refused (never a crash). */
	for (i = 0; i < lb; i++) {
		st = tp_path_counts_load(bin, i, "t.bin", &back, NULL);
		ck_assert_msg(st == TP_ESYNTAX, "length %zu: %s", i, tp_strerror(st));
		ck_assert_ptr_null(back);
	}
	/* Every flipped byte is refused: checksum, header or version. */
	for (i = 0; i < lb; i++) {
		memcpy(copy, bin, lb);
		copy[i] ^= 0x20;
		st = tp_path_counts_load(copy, lb, "f.bin", &back, NULL);
		ck_assert_msg(st != TP_OK, "flip at %zu accepted", i);
	}
	/* Another version. */
	memcpy(copy, bin, lb);
	copy[4] = 2;
	tp_error_clear(err);
	ck_assert_int_eq(tp_path_counts_load(copy, lb, "v2.bin", &back, err),
			 TP_EVERSION);
	ck_assert_str_eq(tp_error_source(err, 0), "v2.bin");
	ck_assert_ptr_nonnull(strstr(tp_error_message(err, 0), "version 2"));
	/* Another kind. */
	memcpy(copy, bin, lb);
	copy[5] = TP_STATE_KIND_MATRIX;
	ck_assert_int_eq(tp_path_counts_load(copy, lb, "k.bin", &back, err),
			 TP_EMISMATCH);
	ck_assert_int_eq(tp_state_identify("hello", 5, NULL, &(tp_state_kind){0},
					   NULL, NULL), TP_ESYNTAX);

	/* JSON: another version, with line and column. */
	{
		const char *v2 = "{\"format\":\"touchpoint-state\",\n"
				 " \"version\":2,\"kind\":\"path_counts\"}";
		const char *bad = "{\"format\":\"touchpoint-state\",\"version\":1,"
				  "\"kind\":\"path_counts\",\"field\":\"channel\","
				  "\"lookback_ms\":0,\"lookback_steps\":0,"
				  "\"touches\":\"events\",\"exclude_conversion\":false,"
				  "\"paths\":[{\"path\":[\"a\"],\"conversions\":-1,"
				  "\"nulls\":0,\"value_micros\":0}]}";

		tp_error_clear(err);
		ck_assert_int_eq(tp_path_counts_load(v2, strlen(v2), "v2.json",
						     &back, err), TP_EVERSION);
		ck_assert_uint_eq(tp_error_line(err, 0), 2);
		ck_assert_uint_eq(tp_error_column(err, 0), 12);
		ck_assert_str_eq(tp_error_path(err, 0), "$.version");
		tp_error_clear(err);
		ck_assert_int_eq(tp_path_counts_load(bad, strlen(bad), "bad.json",
						     &back, err), TP_ESCHEMA);
		ck_assert_str_eq(tp_error_path(err, 0), "$.paths[0].conversions");
		tp_error_clear(err);
		ck_assert_int_eq(tp_path_counts_load("{\"format\":", 10, "t.json",
						     &back, err), TP_ESYNTAX);
	}
	/* JSON truncations are refused too (the last byte is a newline). */
	ck_assert_int_eq(json[lj - 1], '\n');
	for (i = 0; i + 1 < lj; i++) {
		st = tp_path_counts_load(json, i, "t.json", &back, NULL);
		ck_assert_msg(st != TP_OK, "JSON length %zu accepted", i);
	}
	free(copy);
	tp_free(bin);
	tp_free(json);
	tp_path_counts_free(pc);
	tp_journey_store_free(s);
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

/* Build a store, finish it, iterate paths and count them: every step
 * under a failing allocator. */
static tp_status
build_and_count(tp_catalog *c, char **state, size_t *len)
{
	static const char *const conv[] = { "purchase", "plan=pro" };
	tp_journey_options o = TP_JOURNEY_OPTIONS_INIT;
	tp_journey_store *s = NULL;
	tp_journey_path_iter *it = NULL;
	tp_path_counts *pc = NULL, *back = NULL;
	tp_status st;
	size_t i;

	o.conversions = conv;
	o.n_conversions = 2;
	st = tp_journey_store_new(c, &o, &s, NULL);
	if (st != TP_OK)
		return st;
	for (i = 0; i < 3 * sizeof(path_evs) / sizeof(path_evs[0]) && st == TP_OK; i++) {
		struct ev e = path_evs[i % 8];
		char id[8];

		snprintf(id, sizeof(id), "%s%zu", e.customer, i / 8);
		e.customer = id;
		st = add_ev(s, &e);
	}
	if (st == TP_OK) {
		/* And a batch, which allocates its pipeline. */
		tp_touch t[3];

		for (i = 0; i < 3; i++) {
			tp_touch x = TP_TOUCH_INIT;

			x.customer_id = "batch";
			x.customer_id_len = 5;
			x.timestamp_ms = (int64_t)i * HOUR;
			x.event = i == 2 ? "purchase" : "view";
			x.event_len = strlen(x.event);
			t[i] = x;
		}
		st = tp_journey_store_add_batch(s, t, 3, NULL, NULL);
	}
	if (st == TP_OK)
		st = tp_journey_store_finish(s);
	if (st == TP_OK)
		st = tp_journey_path_iter_new(s, NULL, &it);
	if (st == TP_OK)
		while (tp_journey_path_iter_next(it))
			;
	if (st == TP_OK)
		st = tp_path_counts_compute(s, "touchpoint", NULL, &pc, NULL);
	if (st == TP_OK)
		st = tp_path_counts_save(pc, TP_STATE_FORMAT_JSON, state, len);
	if (st == TP_OK) {
		st = tp_path_counts_load(*state, *len, NULL, &back, NULL);
		if (st != TP_OK) {
			tp_free(*state);
			*state = NULL;
		}
	}
	if (st == TP_OK)
		st = tp_path_counts_merge(back, pc, NULL);
	if (st != TP_OK && *state) {
		tp_free(*state);
		*state = NULL;
	}
	tp_path_counts_free(back);
	tp_path_counts_free(pc);
	tp_journey_path_iter_free(it);
	tp_journey_store_free(s);
	return st;
}

/* A touch of customer c at time t (minutes), event e, source src. */
static tp_touch
touch_of(const char *c, int64_t t, const char *e, const char *src)
{
	tp_touch x = TP_TOUCH_INIT;

	x.customer_id = c;
	x.customer_id_len = strlen(c);
	x.timestamp_ms = t * MIN;
	x.event = e;
	x.event_len = e ? strlen(e) : 0;
	x.source = src;
	x.source_len = src ? strlen(src) : 0;
	return x;
}

/* Two stores hold the same journeys: customers, events and sessions. */
static void
assert_same_store(const tp_journey_store *a, const tp_journey_store *b)
{
	size_t i, n = tp_journey_store_event_count(a);

	ck_assert_uint_eq(tp_journey_store_customer_count(a),
			  tp_journey_store_customer_count(b));
	ck_assert_uint_eq(n, tp_journey_store_event_count(b));
	for (i = 0; i < tp_journey_store_customer_count(a); i++)
		ck_assert_str_eq(tp_journey_store_customer_id(a, i),
				 tp_journey_store_customer_id(b, i));
	for (i = 0; i < n; i++) {
		tp_journey_event x = TP_JOURNEY_EVENT_INIT, y = TP_JOURNEY_EVENT_INIT;

		ck_assert_int_eq(tp_journey_store_event(a, i, &x), TP_OK);
		ck_assert_int_eq(tp_journey_store_event(b, i, &y), TP_OK);
		ck_assert_uint_eq(x.customer, y.customer);
		ck_assert_int_eq(x.timestamp_ms, y.timestamp_ms);
		ck_assert_str_eq(x.event ? x.event : "-", y.event ? y.event : "-");
		ck_assert_str_eq(x.source ? x.source : "-", y.source ? y.source : "-");
		ck_assert_uint_eq(x.session, y.session);
		ck_assert_int_eq(x.is_conversion, y.is_conversion);
	}
}

START_TEST(customers_before_finishing)
{
	/* The customers are numbered in order of first appearance whether
	 * they are asked for while events are added or only once the store
	 * is finished; events added after a question join the right
	 * journeys, the last customer's included. */
	tp_catalog *c = small_catalog();
	tp_journey_store *asked, *plain;
	tp_touch t[8];
	size_t i, k;

	t[0] = touch_of("zoe", 50, "view", "google");
	t[1] = touch_of("adam", 10, "view", NULL);
	t[2] = touch_of("adam", 20, "open", NULL);
	t[3] = touch_of("zoe", 5, "purchase", "google");
	t[4] = touch_of("mia", 7, "view", "bing");
	t[5] = touch_of("adam", 30, "purchase", NULL);
	t[6] = touch_of("bo", 1, "view", NULL);
	t[7] = touch_of("zoe", 60, "view", "google");
	ck_assert_int_eq(tp_journey_store_new(c, NULL, &asked, NULL), TP_OK);
	ck_assert_int_eq(tp_journey_store_new(c, NULL, &plain, NULL), TP_OK);
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(tp_journey_store_add(plain, &t[i], NULL), TP_OK);

	ck_assert_uint_eq(tp_journey_store_customer_count(asked), 0);
	ck_assert_int_eq(tp_journey_store_find_customer(asked, "zoe"), TP_ENOTFOUND);
	ck_assert_int_eq(tp_journey_store_add_batch(asked, t, 3, NULL, NULL), TP_OK);
	ck_assert_uint_eq(tp_journey_store_customer_count(asked), 2);
	ck_assert_str_eq(tp_journey_store_customer_id(asked, 0), "zoe");
	ck_assert_str_eq(tp_journey_store_customer_id(asked, 1), "adam");
	ck_assert_ptr_null(tp_journey_store_customer_id(asked, 2));
	ck_assert_int_eq(tp_journey_store_find_customer(asked, "adam"), 1);
	ck_assert_int_eq(tp_journey_store_find_customer(asked, "mia"), TP_ENOTFOUND);
	/* adam again (the open run), then newcomers and zoe. */
	ck_assert_int_eq(tp_journey_store_add_batch(asked, t + 3, 2, NULL, NULL),
			 TP_OK);
	ck_assert_int_eq(tp_journey_store_find_customer(asked, "mia"), 2);
	ck_assert_uint_eq(tp_journey_store_customer_count(asked), 3);
	for (k = 5; k < 8; k++)
		ck_assert_int_eq(tp_journey_store_add(asked, &t[k], NULL), TP_OK);
	ck_assert_int_eq(tp_journey_store_finish(asked), TP_OK);
	ck_assert_int_eq(tp_journey_store_finish(plain), TP_OK);
	ck_assert_uint_eq(tp_journey_store_customer_count(asked), 4);
	ck_assert_str_eq(tp_journey_store_customer_id(asked, 3), "bo");
	ck_assert_int_eq(tp_journey_store_find_customer(asked, "bo"), 3);
	assert_same_store(asked, plain);
	tp_journey_store_free(asked);
	tp_journey_store_free(plain);
	tp_catalog_free(c);
}
END_TEST

START_TEST(many_strings_and_kinds)
{
	/* Thousands of distinct event names, sources and customers, short
	 * and long, each repeated, some first seen twice in one batch: every
	 * event reads back its own strings, and equal strings share an id. */
	enum { N = 6000 };
	tp_catalog *c = small_catalog();
	tp_journey_store *batched, *single;
	tp_touch *t = calloc(N, sizeof(*t));
	char (*ev)[40] = calloc(N, sizeof(*ev));
	char (*src)[40] = calloc(N, sizeof(*src));
	char (*cust)[40] = calloc(N, sizeof(*cust));
	size_t i, n;

	ck_assert_ptr_nonnull(t);
	for (i = 0; i < N; i++) {
		size_t k = (i * 7919) % 2500;

		/* 1 to 30 bytes: every length class of the string caches. */
		snprintf(ev[i], sizeof(ev[i]), "%.*s%zu", (int)(k % 28),
			 "ev_abcdefghijklmnopqrstuvwxyz", k);
		snprintf(src[i], sizeof(src[i]), "%zu%.*s", k % 97, (int)(k % 19),
			 "src.example.com/abcdefg");
		snprintf(cust[i], sizeof(cust[i]),
			 (i * 31) % 1700 % 3 ? "c%zu" : "customer-%zu-long-id",
			 (i * 31) % 1700);
		/* The first ones come in pairs: the second of a pair is
		 * checked before the first adds its strings. */
		if (i < 40) {
			snprintf(ev[i], sizeof(ev[i]), "pair_%zu", i / 2);
			snprintf(src[i], sizeof(src[i]), "pair_source_%zu", i / 2);
		}
		t[i] = touch_of(cust[i], (int64_t)(i % 500), ev[i], src[i]);
		t[i].touchpoint = (int32_t)(k % 5) - 1;
	}
	ck_assert_int_eq(tp_journey_store_new(c, NULL, &batched, NULL), TP_OK);
	ck_assert_int_eq(tp_journey_store_new(c, NULL, &single, NULL), TP_OK);
	ck_assert_int_eq(tp_journey_store_add_batch(batched, t, N, NULL, NULL), TP_OK);
	for (i = 0; i < N; i++)
		ck_assert_int_eq(tp_journey_store_add(single, &t[i], NULL), TP_OK);
	ck_assert_int_eq(tp_journey_store_finish(batched), TP_OK);
	ck_assert_int_eq(tp_journey_store_finish(single), TP_OK);
	assert_same_store(batched, single);
	n = tp_journey_store_customer_count(batched);
	ck_assert_uint_eq(n, 1700);
	for (i = 0; i < n; i++) {
		const char *id = tp_journey_store_customer_id(batched, i);
		size_t first, count, j;

		ck_assert_int_eq(tp_journey_store_find_customer(batched, id), (int64_t)i);
		ck_assert_int_eq(tp_journey_store_journey(batched, i, &first, &count),
				 TP_OK);
		for (j = first; j < first + count; j++) {
			tp_journey_event e = TP_JOURNEY_EVENT_INIT;

			ck_assert_int_eq(tp_journey_store_event(batched, j, &e), TP_OK);
			ck_assert_uint_eq(e.customer, i);
		}
	}
	/* Each event's strings, by input position: a customer's events keep
	 * their input order at equal times; here find them by content. */
	for (i = 0; i < N; i++) {
		size_t j, first, count;
		int found = 0;
		int64_t who = tp_journey_store_find_customer(batched, cust[i]);

		ck_assert_int_ge(who, 0);
		ck_assert_int_eq(tp_journey_store_journey(batched, (size_t)who, &first,
							  &count), TP_OK);
		for (j = first; j < first + count && !found; j++) {
			tp_journey_event e = TP_JOURNEY_EVENT_INIT;

			ck_assert_int_eq(tp_journey_store_event(batched, j, &e), TP_OK);
			found = e.timestamp_ms == t[i].timestamp_ms &&
				strcmp(e.event, ev[i]) == 0 &&
				strcmp(e.source, src[i]) == 0;
			if (found) {
				ck_assert_str_eq(tp_journey_store_string(batched, e.event_id),
						 ev[i]);
				ck_assert_str_eq(tp_journey_store_string(batched, e.source_id),
						 src[i]);
			}
		}
		ck_assert_msg(found, "event %zu not found", i);
	}
	/* At most 2,520 event names and 2,520 sources: each interned once. */
	ck_assert_uint_le(tp_journey_store_string_count(batched), 2 * 2520);
	ck_assert_uint_eq(tp_journey_store_string_count(batched),
			  tp_journey_store_string_count(single));
	tp_journey_store_free(batched);
	tp_journey_store_free(single);
	free(t);
	free(ev);
	free(src);
	free(cust);
	tp_catalog_free(c);
}
END_TEST

/* Add t[0..n) in two batches, asking for the customers in between, and
 * finish; a finish that failed is tried again (the failing allocator
 * fails once: the store must then be the same). */
static tp_status
build_asking(const tp_catalog *c, const tp_touch *t, size_t n,
	     tp_journey_store **out)
{
	tp_journey_store *s = NULL;
	tp_status st = tp_journey_store_new(c, NULL, &s, NULL);
	int64_t who;

	*out = NULL;
	if (st == TP_OK)
		st = tp_journey_store_add_batch(s, t, n / 2, NULL, NULL);
	if (st == TP_OK) {
		(void)tp_journey_store_customer_count(s);
		who = tp_journey_store_find_customer(s, t[0].customer_id);
		if (who != 0 && who != TP_ENOMEM)
			st = TP_EINVAL;
	}
	if (st == TP_OK)
		st = tp_journey_store_add_batch(s, t + n / 2, n - n / 2, NULL, NULL);
	if (st == TP_OK)
		st = tp_journey_store_finish(s);
	if (st == TP_ENOMEM && s && tp_journey_store_event_count(s) == n &&
	    !tp_journey_store_is_finished(s))
		st = tp_journey_store_finish(s);   /* it was left as it was */
	if (st != TP_OK) {
		tp_journey_store_free(s);
		return st;
	}
	*out = s;
	return TP_OK;
}

/* The reference order of sorted_in_buckets: by customer number, time and
 * input position. */
static const uint32_t *ref_cnum;
static const tp_touch *ref_touch;

static int
cmp_ref(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	if (ref_cnum[a] != ref_cnum[b])
		return ref_cnum[a] < ref_cnum[b] ? -1 : 1;
	if (ref_touch[a].timestamp_ms != ref_touch[b].timestamp_ms)
		return ref_touch[a].timestamp_ms < ref_touch[b].timestamp_ms ? -1 : 1;
	return a < b ? -1 : a > b;
}

START_TEST(sorted_in_buckets)
{
	/* Enough events for the log to be sorted in several buckets of
	 * customers (lib/journey/finish.c), the last one partial, and one
	 * customer with more events than a bucket holds on average: every
	 * journey holds its customer's events by time, equal times in input
	 * order, with sessions cut after 30 minutes without an event, as a
	 * sort done here says. */
	enum { N = 200000, C = 30001, BIG_EVERY = 10 };
	tp_catalog *c = small_catalog();
	tp_journey_store *s = NULL;
	tp_touch *t = calloc(N, sizeof(*t));
	char (*id)[16] = calloc(C, sizeof(*id));
	uint32_t *num_of = malloc(C * sizeof(*num_of));
	uint32_t *cnum = malloc(N * sizeof(*cnum));
	size_t *order = malloc(N * sizeof(*order));
	uint64_t x = 20261123;
	uint32_t n_cust = 0;
	size_t i, pos = 0, cust, sess = 0;

	ck_assert(t && id && num_of && cnum && order);
	for (i = 0; i < C; i++) {
		snprintf(id[i], sizeof(id[i]), "c%zu", i);
		num_of[i] = UINT32_MAX;
	}
	for (i = 0; i < N; i++) {
		size_t k;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		k = i % BIG_EVERY == 3 ? 17 : (size_t)(x >> 33) % C;
		if (num_of[k] == UINT32_MAX)
			num_of[k] = n_cust++;
		cnum[i] = num_of[k];
		t[i] = touch_of(id[k], 0, "page_view", NULL);
		/* ten-minute steps: equal times, and gaps on both sides of
		 * the timeout */
		t[i].timestamp_ms = (int64_t)((x >> 20) % 50) * 10 * MIN;
		t[i].has_value = 1;
		t[i].value = (double)i;
		order[i] = i;
	}
	ref_cnum = cnum;
	ref_touch = t;
	qsort(order, N, sizeof(*order), cmp_ref);

	ck_assert_int_eq(tp_journey_store_new(c, NULL, &s, NULL), TP_OK);
	ck_assert_int_eq(tp_journey_store_add_batch(s, t, N, NULL, NULL), TP_OK);
	ck_assert_int_eq(tp_journey_store_finish(s), TP_OK);
	ck_assert_uint_eq(tp_journey_store_customer_count(s), n_cust);
	ck_assert_uint_eq(tp_journey_store_event_count(s), N);
	for (cust = 0; cust < n_cust; cust++) {
		size_t first, count, j;

		ck_assert_int_eq(tp_journey_store_journey(s, cust, &first, &count),
				 TP_OK);
		ck_assert_uint_eq(first, pos);
		ck_assert_uint_gt(count, 0);
		for (j = 0; j < count; j++, pos++) {
			tp_journey_event e = TP_JOURNEY_EVENT_INIT;
			size_t want = order[pos];

			ck_assert_uint_eq(cnum[want], cust);
			ck_assert_int_eq(tp_journey_store_event(s, first + j, &e), TP_OK);
			ck_assert_msg(e.value == (double)want,
				      "customer %zu, event %zu: input event %.0f, "
				      "want %zu", cust, j, e.value, want);
			ck_assert_uint_eq(e.customer, cust);
			ck_assert_int_eq(e.timestamp_ms, t[want].timestamp_ms);
			if (j > 0 && t[want].timestamp_ms -
					     t[order[pos - 1]].timestamp_ms >=
				     30 * MIN)
				sess++;
			else if (j == 0)
				sess = 0;
			ck_assert_uint_eq(e.session, sess);
		}
	}
	ck_assert_uint_eq(pos, N);
	tp_journey_store_free(s);
	tp_catalog_free(c);
	free(t);
	free(id);
	free(num_of);
	free(cnum);
	free(order);
}
END_TEST

START_TEST(asking_allocation_failures)
{
	enum { N = 40 };
	tp_catalog *c = small_catalog();
	tp_journey_store *ref, *s;
	tp_touch t[N];
	char ids[N][8];
	unsigned long k;
	int succeeded = 0;
	size_t i;

	for (i = 0; i < N; i++) {
		snprintf(ids[i], sizeof(ids[i]), "u%zu", (i * 7) % 11);
		t[i] = touch_of(ids[i], (int64_t)((i * 13) % 17), i % 4 ? "view" : "purchase",
				i % 3 ? "google" : NULL);
	}
	ck_assert_int_eq(build_asking(c, t, N, &ref), TP_OK);
	for (k = 1; k < 100000 && !succeeded; k++) {
		tp_status st;

		tp_test_failing_allocator_install(k);
		st = build_asking(c, t, N, &s);
		succeeded = st == TP_OK && !tp_test_allocation_failed();
		if (st == TP_OK) {
			assert_same_store(s, ref);
			tp_journey_store_free(s);
		} else {
			ck_assert_msg(st == TP_ENOMEM, "k=%lu: %s", k, tp_strerror(st));
		}
		ck_assert_msg(tp_test_live_blocks() == 0, "k=%lu leaked %ld blocks",
			      k, tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(succeeded);
	tp_journey_store_free(ref);
	tp_catalog_free(c);
}
END_TEST

START_TEST(allocation_failures)
{
	tp_catalog *c = small_catalog();
	unsigned long n;
	int succeeded = 0;
	char *ref = NULL;
	size_t ref_len = 0;

	ck_assert_int_eq(build_and_count(c, &ref, &ref_len), TP_OK);
	for (n = 1; n < 100000 && !succeeded; n++) {
		char *state = NULL;
		size_t len = 0;
		tp_status st;

		tp_test_failing_allocator_install(n);
		st = build_and_count(c, &state, &len);
		if (st == TP_OK) {
			/* A failure may be absorbed (a JSON path for error
			 * messages); then the result must be the same. */
			succeeded = !tp_test_allocation_failed();
			ck_assert_uint_eq(len, ref_len);
			ck_assert(memcmp(state, ref, len) == 0);
			tp_free(state);
		} else {
			ck_assert_msg(st == TP_ENOMEM, "n=%lu: %s", n, tp_strerror(st));
			ck_assert_ptr_null(state);
		}
		ck_assert_msg(tp_test_live_blocks() == 0, "n=%lu leaked %ld blocks",
			      n, tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(succeeded);
	ck_assert_uint_gt(n, 50);
	tp_free(ref);
	tp_catalog_free(c);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("journey");
	TCase *tc = tcase_create("store");
	TCase *tp = tcase_create("paths");

	tcase_add_test(tc, empty_store);
	tcase_add_test(tc, order_interleaved_and_late);
	tcase_add_test(tc, one_event);
	tcase_add_test(tc, sessions_timeout);
	tcase_add_test(tc, sessions_midnight);
	tcase_add_test(tc, sessions_campaign_change);
	tcase_add_test(tc, conversions);
	tcase_add_test(tc, fields_and_strings);
	tcase_add_test(tc, refused_touches);
	tcase_add_test(tc, add_batch);
	tcase_add_test(tc, durations);
	tcase_add_test(tc, customers_before_finishing);
	tcase_add_test(tc, many_strings_and_kinds);
	tcase_add_test(tc, sorted_in_buckets);
	tcase_add_test(tc, asking_allocation_failures);
	suite_add_tcase(s, tc);
	tcase_add_test(tp, paths_to_conversion);
	tcase_add_test(tp, path_counts);
	tcase_add_test(tp, path_counts_merge_and_states);
	tcase_add_test(tp, path_counts_bad_states);
	tcase_add_test(tp, allocation_failures);
	suite_add_tcase(s, tp);
	return s;
}
