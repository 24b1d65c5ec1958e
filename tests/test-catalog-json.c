/* SPDX-License-Identifier: MIT */
/*
 * The catalog's JSON format: load, save, the built-in default catalog,
 * every kind of load fault with its place, file errors and allocation
 * failures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

/* ---- helpers ---- */

static tp_status
load_text(const char *text, tp_catalog **out, tp_error *err)
{
	return tp_catalog_load_string(text, strlen(text), "case.json", out, err);
}

/* Read a whole file with stdio (not the library), NUL-terminated. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0, n = 0, got;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	do {
		if (n + 4096 + 1 > cap) {
			cap = (n + 4096 + 1) * 2;
			data = realloc(data, cap);
			ck_assert_ptr_nonnull(data);
		}
		got = fread(data + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
}

static void
print_errors(const tp_error *e)
{
	size_t i;

	for (i = 0; i < tp_error_count(e); i++) {
		char buf[1024];

		tp_error_format(e, i, buf, sizeof(buf));
		fprintf(stderr, "  %s\n", buf);
	}
}

/*
 * A custom catalog that uses every value of every dimension, names that
 * need JSON escapes, a touchpoint without a stage, a phase that differs
 * from its stage's, a stage without a phase and three funnels.
 */
static tp_status
build_custom(tp_catalog **out, tp_error *err)
{
	static const char *const f1[] = { "aware", "buy", "after" };
	static const char *const f2[] = { "limbo" };
	static const char *const f3[] = { "after", "aware" };
	tp_channel_def ch = TP_CHANNEL_DEF_INIT;
	tp_stage_def s = TP_STAGE_DEF_INIT;
	tp_touchpoint_def t = TP_TOUCHPOINT_DEF_INIT;
	tp_catalog_builder *b;
	tp_status st;

	if ((st = tp_catalog_builder_new(&b)))
		return st;
#define TRY(x) do { if ((st = (x))) goto out; } while (0)
	ch.id = "web";
	ch.name = "Web \"shop\" \xc3\xbcnicode \\ path";
	ch.kind = TP_CHANNEL_KIND_DIGITAL;
	TRY(tp_catalog_builder_add_channel(b, &ch));
	ch.id = "store";
	ch.name = "Store\twith\ncontrol\x01 bytes";
	ch.kind = TP_CHANNEL_KIND_PHYSICAL;
	TRY(tp_catalog_builder_add_channel(b, &ch));
	ch.id = "other";
	ch.name = NULL;
	ch.kind = TP_CHANNEL_KIND_UNKNOWN;
	TRY(tp_catalog_builder_add_channel(b, &ch));

	s.id = "aware"; s.name = "Awareness"; s.phase = TP_PHASE_PRE_PURCHASE;
	TRY(tp_catalog_builder_add_stage(b, &s));
	s.id = "buy"; s.name = "Buying"; s.phase = TP_PHASE_PURCHASE;
	TRY(tp_catalog_builder_add_stage(b, &s));
	s.id = "after"; s.name = "After-sale"; s.phase = TP_PHASE_POST_PURCHASE;
	TRY(tp_catalog_builder_add_stage(b, &s));
	s.id = "limbo"; s.name = NULL; s.phase = TP_PHASE_UNKNOWN;
	TRY(tp_catalog_builder_add_stage(b, &s));

	t.id = "ad"; t.name = "Banner ad"; t.channel = "web"; t.stage = "aware";
	t.initiator = TP_INITIATOR_BRAND;
	t.personalization = TP_PERSONALIZATION_MASS;
	t.intent = TP_INTENT_PROACTIVE;
	t.control = TP_CONTROL_INTENTIONAL;
	t.agent = TP_AGENT_MACHINE;
	t.business_model = TP_BUSINESS_MODEL_B2C;
	TRY(tp_catalog_builder_add_touchpoint(b, &t));
	t = (tp_touchpoint_def)TP_TOUCHPOINT_DEF_INIT;
	t.id = "counter"; t.name = "Shop counter"; t.channel = "store";
	t.stage = "buy";
	t.phase = TP_PHASE_POST_PURCHASE;   /* differs from the stage's */
	t.initiator = TP_INITIATOR_CUSTOMER;
	t.personalization = TP_PERSONALIZATION_PERSONALIZED;
	t.intent = TP_INTENT_REACTIVE;
	t.control = TP_CONTROL_UNINTENTIONAL;
	t.agent = TP_AGENT_HUMAN;
	t.business_model = TP_BUSINESS_MODEL_B2B;
	TRY(tp_catalog_builder_add_touchpoint(b, &t));
	t = (tp_touchpoint_def)TP_TOUCHPOINT_DEF_INIT;
	t.id = "rumour"; t.channel = "other";   /* no stage, all unknown */
	TRY(tp_catalog_builder_add_touchpoint(b, &t));
	t = (tp_touchpoint_def)TP_TOUCHPOINT_DEF_INIT;
	t.id = "survey"; t.name = "Survey"; t.channel = "web"; t.stage = "after";
	TRY(tp_catalog_builder_add_touchpoint(b, &t));

	TRY(tp_catalog_builder_add_funnel(b, "main", "Main funnel", f1, 3));
	TRY(tp_catalog_builder_add_funnel(b, "odd", NULL, f2, 1));
	TRY(tp_catalog_builder_add_funnel(b, "backwards", "Backwards", f3, 2));
#undef TRY
	st = tp_catalog_builder_finish(b, out, err);
out:
	tp_catalog_builder_free(b);
	return st;
}

static tp_catalog *
custom(void)
{
	tp_catalog *c = NULL;

	ck_assert_int_eq(build_custom(&c, NULL), TP_OK);
	return c;
}

static tp_catalog *
default_catalog(void)
{
	tp_catalog *c = NULL;
	tp_error *e = tp_error_new();
	tp_status st = tp_catalog_default(&c, e);

	if (st)
		print_errors(e);
	ck_assert_int_eq(st, TP_OK);
	ck_assert_uint_eq(tp_error_count(e), 0);
	tp_error_free(e);
	return c;
}

/* save(c), load it back, check it equals c and saves to the same text. */
static void
check_round_trip(const tp_catalog *c)
{
	char *text = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	tp_catalog *back = NULL;
	tp_error *e = tp_error_new();
	tp_status st;

	ck_assert_int_eq(tp_catalog_save_string(c, &text, &len), TP_OK);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(len, strlen(text));
	st = tp_catalog_load_string(text, len, "saved", &back, e);
	if (st)
		print_errors(e);
	ck_assert_int_eq(st, TP_OK);
	ck_assert_uint_eq(tp_error_count(e), 0);
	ck_assert(tp_catalog_equal(c, back));
	ck_assert_int_eq(tp_catalog_save_string(back, &again, &len2), TP_OK);
	ck_assert_uint_eq(len, len2);
	ck_assert_str_eq(text, again);
	tp_free(text);
	tp_free(again);
	tp_catalog_free(back);
	tp_error_free(e);
}

/* ---- the built-in default catalog ---- */

static int
stage_of(const tp_catalog *c, const char *touchpoint)
{
	int t = tp_catalog_find_touchpoint(c, touchpoint);

	ck_assert_msg(t >= 0, "touchpoint %s missing", touchpoint);
	return tp_catalog_touchpoint_stage(c, (size_t)t);
}

static void
check_funnel(const tp_catalog *c, const char *id, const char *const *stages,
	     size_t n)
{
	int f = tp_catalog_find_funnel(c, id);
	size_t k;

	ck_assert_msg(f >= 0, "funnel %s missing", id);
	ck_assert_uint_eq(tp_catalog_funnel_stage_count(c, (size_t)f), n);
	for (k = 0; k < n; k++) {
		int s = tp_catalog_funnel_stage(c, (size_t)f, k);

		ck_assert_int_ge(s, 0);
		ck_assert_str_eq(tp_catalog_stage_id(c, (size_t)s), stages[k]);
	}
}

START_TEST(default_contents)
{
	static const char *const seven[] = { "discovery", "consideration",
		"preference", "intention", "sale", "recommendation", "loyalty" };
	static const char *const four[] = { "discovery",
		"search_and_comparison", "sale", "loyalty" };
	static const char *const journey[] = { "pre_awareness", "discovery",
		"consideration", "preference", "sale", "follow_up", "loyalty" };
	/* Ids that classification rules and the sample data rely on. */
	static const char *const touchpoints[] = {
		"welcome_email", "abandoned_cart_email", "newsletter",
		"checkout", "cart", "satisfaction_survey", "store_visit",
		"call_center", "sales_meeting", "event_attendance",
		"catalog_request", "delivery", "return_request", "refund",
		"complaint", "review", "referral", "loyalty_signup", "coupon",
		"free_trial", "webinar", "demo", "live_chat", "chatbot",
		"word_of_mouth", "social_comment", "invoice",
	};
	static const char *const channels[] = {
		"website", "social_media", "mobile_app", "email", "online_ads",
		"chatbot", "search_engine", "review_site", "affiliate",
		"price_comparator", "remarketing", "influencer", "live_chat",
		"sms", "push_notification", "physical_store", "event",
		"print_catalog", "packaging_shipping", "in_person_service",
		"phone", "sales_team", "print", "radio", "tv", "merchandising",
		"public_relations", "billing", "word_of_mouth", "social_comments",
	};
	tp_catalog *c = default_catalog();
	size_t i, n_digital = 0, n_physical = 0;
	int t;

	ck_assert_uint_ge(tp_catalog_channel_count(c), 30);
	ck_assert_uint_ge(tp_catalog_touchpoint_count(c), 60);
	ck_assert_uint_eq(tp_catalog_stage_count(c), 10);
	ck_assert_uint_eq(tp_catalog_funnel_count(c), 4);

	check_funnel(c, "seven_stage", seven, 7);
	check_funnel(c, "four_step", four, 4);
	check_funnel(c, "b2b", journey, 7);
	check_funnel(c, "b2c", journey, 7);
	/* The 7-stage funnel's stages come first, in funnel order. */
	for (i = 0; i < 7; i++)
		ck_assert_str_eq(tp_catalog_stage_id(c, i), seven[i]);

	/* Every stage is mapped to a phase. */
	for (i = 0; i < tp_catalog_stage_count(c); i++)
		ck_assert_msg(tp_catalog_stage_phase(c, i) != TP_PHASE_UNKNOWN,
			      "stage %s has no phase", tp_catalog_stage_id(c, i));
	ck_assert_int_eq(tp_catalog_stage_phase(c, (size_t)tp_catalog_find_stage(c, "discovery")),
			 TP_PHASE_PRE_PURCHASE);
	ck_assert_int_eq(tp_catalog_stage_phase(c, (size_t)tp_catalog_find_stage(c, "sale")),
			 TP_PHASE_PURCHASE);
	ck_assert_int_eq(tp_catalog_stage_phase(c, (size_t)tp_catalog_find_stage(c, "loyalty")),
			 TP_PHASE_POST_PURCHASE);

	for (i = 0; i < sizeof(touchpoints) / sizeof(touchpoints[0]); i++)
		ck_assert_msg(tp_catalog_find_touchpoint(c, touchpoints[i]) >= 0,
			      "touchpoint %s missing", touchpoints[i]);
	for (i = 0; i < sizeof(channels) / sizeof(channels[0]); i++)
		ck_assert_msg(tp_catalog_find_channel(c, channels[i]) >= 0,
			      "channel %s missing", channels[i]);

	/* Every channel has a kind and carries at least one touchpoint. */
	for (i = 0; i < tp_catalog_channel_count(c); i++) {
		size_t k, used = 0;

		switch (tp_catalog_channel_kind(c, i)) {
		case TP_CHANNEL_KIND_DIGITAL: n_digital++; break;
		case TP_CHANNEL_KIND_PHYSICAL: n_physical++; break;
		default:
			ck_abort_msg("channel %s has no kind",
				     tp_catalog_channel_id(c, i));
		}
		for (k = 0; k < tp_catalog_touchpoint_count(c); k++)
			if (tp_catalog_touchpoint_channel(c, k) == (int)i)
				used++;
		ck_assert_msg(used > 0, "channel %s has no touchpoint",
			      tp_catalog_channel_id(c, i));
	}
	ck_assert_uint_ge(n_digital, 10);
	ck_assert_uint_ge(n_physical, 10);

	/* Every funnel stage has touchpoints of its own. */
	for (i = 0; i < 7; i++) {
		int s = tp_catalog_find_stage(c, seven[i]);
		size_t k, n = 0;

		for (k = 0; k < tp_catalog_touchpoint_count(c); k++)
			if (tp_catalog_touchpoint_stage(c, k) == s)
				n++;
		ck_assert_msg(n > 0, "stage %s has no touchpoint", seven[i]);
	}

	/* A few facts from the sources. */
	ck_assert_int_eq(stage_of(c, "checkout"), tp_catalog_find_stage(c, "sale"));
	ck_assert_int_eq(stage_of(c, "satisfaction_survey"),
			 tp_catalog_find_stage(c, "recommendation"));
	ck_assert_int_eq(stage_of(c, "webinar"), tp_catalog_find_stage(c, "consideration"));
	ck_assert_int_eq(stage_of(c, "coupon"), tp_catalog_find_stage(c, "intention"));
	ck_assert_int_eq(stage_of(c, "loyalty_signup"), tp_catalog_find_stage(c, "loyalty"));
	t = tp_catalog_find_touchpoint(c, "word_of_mouth");
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, (size_t)t, TP_DIMENSION_CONTROL),
			 TP_CONTROL_UNINTENTIONAL);
	t = tp_catalog_find_touchpoint(c, "chatbot");
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, (size_t)t, TP_DIMENSION_AGENT),
			 TP_AGENT_MACHINE);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, (size_t)t, TP_DIMENSION_KIND),
			 TP_CHANNEL_KIND_DIGITAL);
	t = tp_catalog_find_touchpoint(c, "call_center");
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, (size_t)t, TP_DIMENSION_AGENT),
			 TP_AGENT_HUMAN);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, (size_t)t, TP_DIMENSION_INTENT),
			 TP_INTENT_REACTIVE);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, (size_t)t, TP_DIMENSION_PHASE),
			 TP_PHASE_POST_PURCHASE);
	t = tp_catalog_find_touchpoint(c, "welcome_email");
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, (size_t)t, TP_DIMENSION_INITIATOR),
			 TP_INITIATOR_BRAND);
	ck_assert_int_eq(tp_catalog_touchpoint_channel(c, (size_t)t),
			 tp_catalog_find_channel(c, "email"));
	t = tp_catalog_find_touchpoint(c, "store_visit");
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, (size_t)t, TP_DIMENSION_KIND),
			 TP_CHANNEL_KIND_PHYSICAL);
	t = tp_catalog_find_touchpoint(c, "negotiation");
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, (size_t)t, TP_DIMENSION_BUSINESS_MODEL),
			 TP_BUSINESS_MODEL_B2B);
	tp_catalog_free(c);
}
END_TEST

START_TEST(default_each_call_is_independent)
{
	tp_catalog *a = default_catalog(), *b = default_catalog();

	ck_assert_ptr_ne(a, b);
	ck_assert(tp_catalog_equal(a, b));
	tp_catalog_free(a);
	/* b is still whole after a is gone. */
	ck_assert_str_eq(tp_catalog_stage_id(b, 0), "discovery");
	tp_catalog_free(b);
	ck_assert_int_eq(tp_catalog_default(NULL, NULL), TP_EINVAL);
}
END_TEST

START_TEST(default_matches_data_file)
{
	const char *path = tp_test_source("data/catalog/default.json");
	tp_catalog *c = default_catalog(), *f = NULL;
	char *file, *saved;
	size_t flen, slen;

	ck_assert_int_eq(tp_catalog_load_file(path, &f, NULL), TP_OK);
	ck_assert(tp_catalog_equal(c, f));
	/* data/catalog/default.json is kept in the saved form: saving the
	 * default catalog gives the file byte for byte. */
	file = slurp(path, &flen);
	ck_assert_int_eq(tp_catalog_save_string(c, &saved, &slen), TP_OK);
	ck_assert_uint_eq(slen, flen);
	ck_assert_str_eq(saved, file);
	free(file);
	tp_free(saved);
	tp_catalog_free(f);
	tp_catalog_free(c);
}
END_TEST

/* ---- round trips ---- */

START_TEST(round_trip_default)
{
	tp_catalog *c = default_catalog();

	check_round_trip(c);
	tp_catalog_free(c);
}
END_TEST

START_TEST(round_trip_custom)
{
	tp_catalog *c = custom(), *back = NULL;
	char *text;
	size_t len;
	int t;

	check_round_trip(c);

	/* The loaded copy keeps what needed escapes, and every value. */
	ck_assert_int_eq(tp_catalog_save_string(c, &text, &len), TP_OK);
	ck_assert_ptr_nonnull(strstr(text, "\"name\": \"Store\\twith\\ncontrol\\u0001 bytes\""));
	ck_assert_ptr_nonnull(strstr(text, "\"name\": \"Web \\\"shop\\\" \xc3\xbcnicode \\\\ path\""));
	ck_assert_ptr_nonnull(strstr(text, "\"stage\": null"));
	ck_assert_int_eq(tp_catalog_load_string(text, len, NULL, &back, NULL), TP_OK);
	ck_assert_str_eq(tp_catalog_channel_name(back, 1), "Store\twith\ncontrol\x01 bytes");
	ck_assert_str_eq(tp_catalog_channel_name(back, 2), "other");
	ck_assert_str_eq(tp_catalog_stage_name(back, 3), "limbo");
	ck_assert_str_eq(tp_catalog_funnel_name(back, 1), "odd");
	t = tp_catalog_find_touchpoint(back, "counter");
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(back, (size_t)t, TP_DIMENSION_PHASE),
			 TP_PHASE_POST_PURCHASE);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(back, (size_t)t, TP_DIMENSION_CONTROL),
			 TP_CONTROL_UNINTENTIONAL);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(back, (size_t)t, TP_DIMENSION_BUSINESS_MODEL),
			 TP_BUSINESS_MODEL_B2B);
	t = tp_catalog_find_touchpoint(back, "rumour");
	ck_assert_int_eq(tp_catalog_touchpoint_stage(back, (size_t)t), TP_ENOTFOUND);
	t = tp_catalog_find_touchpoint(back, "survey");
	/* Phase taken from the stage by the builder, then saved explicitly. */
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(back, (size_t)t, TP_DIMENSION_PHASE),
			 TP_PHASE_POST_PURCHASE);
	ck_assert_int_eq(tp_catalog_funnel_stage(back, 2, 0),
			 tp_catalog_find_stage(back, "after"));
	tp_free(text);
	tp_catalog_free(back);
	tp_catalog_free(c);
}
END_TEST

START_TEST(round_trip_empty)
{
	tp_catalog_builder *b;
	tp_catalog *c = NULL;
	char *text;

	ck_assert_int_eq(tp_catalog_builder_new(&b), TP_OK);
	ck_assert_int_eq(tp_catalog_builder_finish(b, &c, NULL), TP_OK);
	tp_catalog_builder_free(b);
	ck_assert_int_eq(tp_catalog_save_string(c, &text, NULL), TP_OK);
	ck_assert_str_eq(text, "{\n  \"channels\": [],\n  \"touchpoints\": [],\n"
			 "  \"stages\": [],\n  \"funnels\": []\n}\n");
	tp_free(text);
	check_round_trip(c);
	tp_catalog_free(c);
}
END_TEST

/* Absent members take their defaults; "stage": null means none. */
START_TEST(absent_members)
{
	const char *text =
		"{\"touchpoints\": [{\"id\": \"t\", \"channel\": \"web\", \"stage\": null},\n"
		"                  {\"id\": \"u\", \"channel\": \"web\", \"stage\": \"s\"}],\n"
		" \"channels\": [{\"id\": \"web\"}],\n"
		" \"stages\": [{\"id\": \"s\", \"phase\": \"purchase\"}]}";
	tp_catalog *c = NULL;
	int d;

	ck_assert_int_eq(load_text(text, &c, NULL), TP_OK);
	ck_assert_uint_eq(tp_catalog_funnel_count(c), 0);
	ck_assert_str_eq(tp_catalog_channel_name(c, 0), "web");
	ck_assert_int_eq(tp_catalog_channel_kind(c, 0), TP_CHANNEL_KIND_UNKNOWN);
	ck_assert_str_eq(tp_catalog_touchpoint_name(c, 0), "t");
	ck_assert_int_eq(tp_catalog_touchpoint_stage(c, 0), TP_ENOTFOUND);
	for (d = 1; d <= TP_DIMENSION_LAST; d++)
		ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 0, (tp_dimension)d), 0);
	ck_assert_int_eq(tp_catalog_touchpoint_stage(c, 1), 0);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 1, TP_DIMENSION_PHASE),
			 TP_PHASE_PURCHASE);
	tp_catalog_free(c);

	ck_assert_int_eq(load_text("{}", &c, NULL), TP_OK);
	ck_assert_uint_eq(tp_catalog_channel_count(c) + tp_catalog_touchpoint_count(c) +
			  tp_catalog_stage_count(c) + tp_catalog_funnel_count(c), 0);
	tp_catalog_free(c);
}
END_TEST

/* A funnel of 40 stages (more than the loader keeps on its stack). */
static char *
long_funnel_text(void)
{
	static char buf[4096];
	size_t n = 0, k;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{\"stages\": [");
	for (k = 0; k < 40; k++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "%s{\"id\": \"s%zu\"}", k ? ", " : "", k);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			      "],\n \"funnels\": [{\"id\": \"long\", \"stages\": [");
	for (k = 0; k < 40; k++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\"s%zu\"",
				      k ? ", " : "", 39 - k);
	snprintf(buf + n, sizeof(buf) - n, "]}]}");
	return buf;
}

START_TEST(long_funnel)
{
	tp_catalog *c = NULL;
	size_t k;

	ck_assert_int_eq(load_text(long_funnel_text(), &c, NULL), TP_OK);
	ck_assert_uint_eq(tp_catalog_funnel_stage_count(c, 0), 40);
	for (k = 0; k < 40; k++)
		ck_assert_int_eq(tp_catalog_funnel_stage(c, 0, k), (int)(39 - k));
	check_round_trip(c);
	tp_catalog_free(c);
}
END_TEST

/* ---- load faults: each with its exact place ---- */

struct load_case {
	const char *name;
	const char *text;
	tp_status code;
	unsigned long line, column;
	const char *path;      /* NULL: a fault without a JSON path */
	const char *message;   /* a part of the message */
};

/* Lines and columns were computed from the texts by an independent
 * script (position of the offending value, 1-based, in bytes). */
static const struct load_case load_cases[] = {
	{ "syntax",
	  "{\n"
	  "  \"channels\": [],\n"
	  "}",
	  TP_ESYNTAX, 3, 1, NULL, "unexpected character '}', expected a member name" },
	/* strict JSON: what cJSON alone let through or placed vaguely */
	{ "nul escape",
	  "{\"channels\": [{\"id\": \"a\\u0000b\"}]}",
	  TP_ESYNTAX, 1, 24, NULL, "\\u0000 in a string is not supported" },
	{ "raw control character",
	  "{\"channels\": [{\"id\": \"a\tb\"}]}",
	  TP_ESYNTAX, 1, 24, NULL, "raw control character U+0009" },
	{ "truncated",
	  "{\n  \"channels\": [{\"id\": \"web\"",
	  TP_ESYNTAX, 2, 28, NULL, "unexpected end of JSON text" },
	{ "leading zero",
	  "{\"channels\": [], \"x\": 007}",
	  TP_ESYNTAX, 1, 23, NULL, "invalid number: leading zero" },
	{ "utf8",
	  "{\"channels\": [{\"id\": \"caf\xc3""\"}]}",
	  TP_EUTF8, 1, 26, NULL, "invalid UTF-8" },
	{ "duplicate_member",
	  "{\n"
	  "  \"stages\": [],\n"
	  "  \"stages\": []\n"
	  "}",
	  TP_ESCHEMA, 2, 13, "$.stages", "appears more than once" },
	{ "root_not_object",
	  "[\n"
	  "  {}\n"
	  "]",
	  TP_ESCHEMA, 1, 1, "$", "must be a JSON object, not array" },
	{ "unknown_section",
	  "{\n"
	  "  \"channel\": []\n"
	  "}",
	  TP_ESCHEMA, 2, 14, "$.channel", "unknown member \"channel\" in catalog" },
	{ "section_not_array",
	  "{\"touchpoints\": {}}",
	  TP_ESCHEMA, 1, 17, "$.touchpoints", "\"touchpoints\" must be an array, not object" },
	{ "item_not_object",
	  "{\"stages\": [\n"
	  "  \"discovery\"\n"
	  "]}",
	  TP_ESCHEMA, 2, 3, "$.stages[0]", "a stage must be an object, not string" },
	{ "unknown_member",
	  "{\"channels\": [\n"
	  "  {\"id\": \"web\", \"colour\": \"red\"}\n"
	  "]}",
	  TP_ESCHEMA, 2, 27, "$.channels[0].colour", "unknown member \"colour\" in channel" },
	{ "name_not_string",
	  "{\"channels\": [{\"id\": \"web\"}],\n"
	  " \"touchpoints\": [\n"
	  "  {\"id\": \"t\", \"name\": 5, \"channel\": \"web\"}\n"
	  "]}",
	  TP_ESCHEMA, 3, 23, "$.touchpoints[0].name", "\"name\" must be a string, not number" },
	{ "stage_wrong_type",
	  "{\"touchpoints\": [\n"
	  "  {\"id\": \"t\", \"channel\": \"web\", \"stage\": 3}\n"
	  "]}",
	  TP_ESCHEMA, 2, 42, "$.touchpoints[0].stage", "\"stage\" must be a string or null, not number" },
	{ "bad_enum_case",
	  "{\n"
	  "  \"channels\": [\n"
	  "    {\"id\": \"web\", \"kind\": \"Digital\"}\n"
	  "  ]\n"
	  "}",
	  TP_ESCHEMA, 3, 27, "$.channels[0].kind", "unknown kind \"Digital\" (expected one of: unknown, digital, physical)" },
	{ "bad_enum_name",
	  "{\"stages\": [\n"
	  "  {\"id\": \"discovery\", \"phase\": \"prepurchase\"}\n"
	  "]}",
	  TP_ESCHEMA, 2, 32, "$.stages[0].phase", "unknown phase \"prepurchase\"" },
	{ "enum_not_string",
	  "{\"touchpoints\": [\n"
	  "  {\"id\": \"t\", \"channel\": \"web\",\n"
	  "   \"agent\": true}\n"
	  "]}",
	  TP_ESCHEMA, 3, 13, "$.touchpoints[0].agent", "\"agent\" must be a string, not boolean" },
	{ "stages_not_array",
	  "{\"funnels\": [\n"
	  "  {\"id\": \"f\", \"stages\": \"discovery\"}\n"
	  "]}",
	  TP_ESCHEMA, 2, 25, "$.funnels[0].stages", "must be an array of stage ids, not string" },
	{ "stage_id_not_string",
	  "{\"funnels\": [\n"
	  "  {\"id\": \"f\", \"stages\": [\"a\", 2]}\n"
	  "]}",
	  TP_ESCHEMA, 2, 31, "$.funnels[0].stages[1]", "a stage id must be a string, not number" },
	{ "missing_id",
	  "{\"stages\": [\n"
	  "  {\"id\": \"a\"},\n"
	  "  {\"name\": \"No id\"}\n"
	  "]}",
	  TP_ESCHEMA, 3, 3, "$.stages[1]", "stage has no \"id\"" },
	{ "duplicate_id",
	  "{\"channels\": [\n"
	  "  {\"id\": \"web\"},\n"
	  "  {\"id\": \"web\"}\n"
	  "]}",
	  TP_EEXIST, 3, 10, "$.channels[1].id", "duplicate channel id \"web\"" },
	{ "unknown_channel",
	  "{\"channels\": [{\"id\": \"web\"}],\n"
	  " \"touchpoints\": [\n"
	  "  {\"id\": \"t\", \"channel\": \"wbe\"}\n"
	  "]}",
	  TP_ENOTFOUND, 3, 26, "$.touchpoints[0].channel", "unknown channel \"wbe\"" },
	{ "unknown_stage",
	  "{\"channels\": [{\"id\": \"web\"}],\n"
	  " \"touchpoints\": [\n"
	  "  {\"id\": \"t\", \"channel\": \"web\", \"stage\": \"sael\"}\n"
	  "]}",
	  TP_ENOTFOUND, 3, 42, "$.touchpoints[0].stage", "unknown stage \"sael\"" },
	{ "funnel_unknown_stage",
	  "{\"stages\": [{\"id\": \"a\"}],\n"
	  " \"funnels\": [\n"
	  "  {\"id\": \"f\", \"stages\": [\"a\", \"b\"]}\n"
	  "]}",
	  TP_ENOTFOUND, 3, 31, "$.funnels[0].stages[1]", "unknown stage \"b\"" },
	{ "funnel_empty",
	  "{\"funnels\": [\n"
	  "  {\"id\": \"f\", \"stages\": []}\n"
	  "]}",
	  TP_ESCHEMA, 2, 25, "$.funnels[0].stages", "has no stages" },
	{ "funnel_no_stages",
	  "{\"funnels\": [\n"
	  "  {\"id\": \"f\"}\n"
	  "]}",
	  TP_ESCHEMA, 2, 3, "$.funnels[0].stages", "has no stages" },
	{ "funnel_stage_twice",
	  "{\"stages\": [{\"id\": \"a\"}],\n"
	  " \"funnels\": [\n"
	  "  {\"id\": \"f\", \"stages\": [\"a\", \"a\"]}\n"
	  "]}",
	  TP_EEXIST, 3, 31, "$.funnels[0].stages[1]", "appears twice" },
	{ "bad_slug",
	  "{\"channels\": [{\"id\": \"web\"}],\n"
	  " \"touchpoints\": [\n"
	  "  {\"id\": \"Web-Visit\", \"channel\": \"web\"}\n"
	  "]}",
	  TP_ESCHEMA, 3, 10, "$.touchpoints[0].id", "is not a slug" },
	{ "missing_channel",
	  "{\"touchpoints\": [\n"
	  "  {\"id\": \"t\"}\n"
	  "]}",
	  TP_ESCHEMA, 2, 3, "$.touchpoints[0].channel", "has no channel" },
	{ "empty_name",
	  "{\"channels\": [\n"
	  "  {\"id\": \"web\", \"name\": \"\"}\n"
	  "]}",
	  TP_ESCHEMA, 2, 25, "$.channels[0].name", "name is empty" },
};

#define N_LOAD_CASES ((int)(sizeof(load_cases) / sizeof(load_cases[0])))

START_TEST(load_faults)
{
	const struct load_case *lc = &load_cases[_i];
	tp_catalog *c = (tp_catalog *)&c;   /* must be reset to NULL */
	tp_error *e = tp_error_new();
	tp_status st;

	st = load_text(lc->text, &c, e);
	if (tp_error_count(e) != 1 || st != lc->code)
		print_errors(e);
	ck_assert_msg(st == lc->code, "%s: got %s", lc->name, tp_status_name(st));
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(tp_error_count(e), 1);
	ck_assert_int_eq(tp_error_code(e, 0), lc->code);
	ck_assert_str_eq(tp_error_source(e, 0), "case.json");
	ck_assert_msg(tp_error_line(e, 0) == lc->line &&
		      tp_error_column(e, 0) == lc->column,
		      "%s: at %lu:%lu, expected %lu:%lu", lc->name,
		      tp_error_line(e, 0), tp_error_column(e, 0), lc->line,
		      lc->column);
	if (lc->path)
		ck_assert_str_eq(tp_error_path(e, 0), lc->path);
	else
		ck_assert_ptr_null(tp_error_path(e, 0));
	ck_assert_msg(strstr(tp_error_message(e, 0), lc->message) != NULL,
		      "%s: message \"%s\" lacks \"%s\"", lc->name,
		      tp_error_message(e, 0), lc->message);
	tp_error_free(e);
}
END_TEST

/* Every shape fault of a document is reported, in document order; the
 * builder's checks run only when the shape is right. */
static const char several_faults[] =
	"{\n"
	"  \"channels\": [\n"
	"    {\"id\": \"web\", \"kind\": \"online\"},\n"
	"    {\"id\": \"web\"}\n"
	"  ],\n"
	"  \"touchpoints\": [\n"
	"    {\"id\": \"t\", \"channel\": \"nowhere\", \"colour\": \"red\"},\n"
	"    7\n"
	"  ],\n"
	"  \"extra\": true\n"
	"}\n";

START_TEST(several_faults_reported)
{
	static const struct { unsigned long line, column; const char *path; } want[] = {
		{ 3, 27, "$.channels[0].kind" },
		{ 7, 49, "$.touchpoints[0].colour" },
		{ 8, 5, "$.touchpoints[1]" },
		{ 10, 12, "$.extra" },
	};
	tp_catalog *c = NULL;
	tp_error *e = tp_error_new();
	size_t i;

	ck_assert_int_eq(tp_catalog_load_string(several_faults, strlen(several_faults),
						NULL, &c, e), TP_ESCHEMA);
	ck_assert_ptr_null(c);
	if (tp_error_count(e) != 4)
		print_errors(e);
	ck_assert_uint_eq(tp_error_count(e), 4);
	for (i = 0; i < 4; i++) {
		ck_assert_str_eq(tp_error_source(e, i), "<string>");
		ck_assert_str_eq(tp_error_path(e, i), want[i].path);
		ck_assert_uint_eq(tp_error_line(e, i), want[i].line);
		ck_assert_uint_eq(tp_error_column(e, i), want[i].column);
	}

	/* Shape fixed: now the duplicate id and the unknown channel. */
	tp_error_clear(e);
	ck_assert_int_eq(load_text(
		"{\"channels\": [{\"id\": \"web\"}, {\"id\": \"web\"}],\n"
		" \"touchpoints\": [{\"id\": \"t\", \"channel\": \"nowhere\"}]}",
		&c, e), TP_EEXIST);
	ck_assert_uint_eq(tp_error_count(e), 2);
	ck_assert_str_eq(tp_error_path(e, 0), "$.channels[1].id");
	ck_assert_uint_eq(tp_error_line(e, 0), 1);
	ck_assert_uint_eq(tp_error_column(e, 0), 37);
	ck_assert_int_eq(tp_error_code(e, 1), TP_ENOTFOUND);
	ck_assert_str_eq(tp_error_path(e, 1), "$.touchpoints[0].channel");
	ck_assert_uint_eq(tp_error_line(e, 1), 2);
	ck_assert_uint_eq(tp_error_column(e, 1), 41);
	ck_assert_str_eq(tp_error_source(e, 1), "case.json");

	/* Entries already in the error object are left alone. */
	tp_error_clear(e);
	ck_assert_int_eq(load_text("[]", &c, e), TP_ESCHEMA);
	ck_assert_int_eq(load_text("{\"funnels\": 1}", &c, e), TP_ESCHEMA);
	ck_assert_uint_eq(tp_error_count(e), 2);
	ck_assert_str_eq(tp_error_path(e, 0), "$");
	ck_assert_str_eq(tp_error_path(e, 1), "$.funnels");
	ck_assert_uint_eq(tp_error_column(e, 1), 13);
	tp_error_free(e);
}
END_TEST

/* The text need not be NUL-terminated: only len bytes are read. */
START_TEST(counted_text)
{
	const char buf[] = "{\"channels\": [{\"id\": \"web\"}]}GARBAGE";
	tp_catalog *c = NULL;

	ck_assert_int_eq(tp_catalog_load_string(buf, sizeof(buf) - 1 - 7, "b",
						&c, NULL), TP_OK);
	ck_assert_uint_eq(tp_catalog_channel_count(c), 1);
	tp_catalog_free(c);
	ck_assert_int_eq(tp_catalog_load_string(buf, sizeof(buf) - 1, "b",
						&c, NULL), TP_ESYNTAX);
	ck_assert_ptr_null(c);
	/* An empty text is a syntax error, not a crash. */
	ck_assert_int_eq(tp_catalog_load_string(NULL, 0, NULL, &c, NULL),
			 TP_ESYNTAX);
}
END_TEST

/* ---- files ---- */

START_TEST(file_errors)
{
	tp_catalog *c = custom(), *back = NULL;
	tp_error *e = tp_error_new();
	char dir[] = "/tmp/tp-catalog-json-XXXXXX";
	char path[256], missing[256], bad[256];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/catalog.json", dir);
	snprintf(missing, sizeof(missing), "%s/no/such/dir/catalog.json", dir);
	snprintf(bad, sizeof(bad), "%s/bad.json", dir);

	/* save_file then load_file gives the catalog back. */
	ck_assert_int_eq(tp_catalog_save_file(c, path, e), TP_OK);
	ck_assert_int_eq(tp_catalog_load_file(path, &back, e), TP_OK);
	ck_assert(tp_catalog_equal(c, back));
	tp_catalog_free(back);
	back = NULL;
	ck_assert_uint_eq(tp_error_count(e), 0);

	/* A file that does not exist. */
	ck_assert_int_eq(tp_catalog_load_file(missing, &back, e), TP_EIO);
	ck_assert_ptr_null(back);
	ck_assert_uint_eq(tp_error_count(e), 1);
	ck_assert_str_eq(tp_error_source(e, 0), missing);
	ck_assert_uint_eq(tp_error_line(e, 0), 0);
	ck_assert_ptr_nonnull(strstr(tp_error_message(e, 0), "cannot open"));

	/* A directory where a file is expected. */
	tp_error_clear(e);
	ck_assert_int_eq(tp_catalog_load_file(dir, &back, e), TP_EIO);
	ck_assert_str_eq(tp_error_source(e, 0), dir);

	/* Writing where no directory exists. */
	tp_error_clear(e);
	ck_assert_int_eq(tp_catalog_save_file(c, missing, e), TP_EIO);
	ck_assert_uint_eq(tp_error_count(e), 1);
	ck_assert_str_eq(tp_error_source(e, 0), missing);

	/* A fault in a file is placed in that file. */
	tp_error_clear(e);
	f = fopen(bad, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\n  \"stages\": [\n    {\"id\": \"s\", \"phase\": \"during\"}\n  ]\n}\n", f);
	fclose(f);
	ck_assert_int_eq(tp_catalog_load_file(bad, &back, e), TP_ESCHEMA);
	ck_assert_uint_eq(tp_error_count(e), 1);
	ck_assert_str_eq(tp_error_source(e, 0), bad);
	ck_assert_uint_eq(tp_error_line(e, 0), 3);
	ck_assert_uint_eq(tp_error_column(e, 0), 26);
	ck_assert_str_eq(tp_error_path(e, 0), "$.stages[0].phase");

	unlink(bad);
	unlink(path);
	rmdir(dir);
	tp_error_free(e);
	tp_catalog_free(c);
}
END_TEST

START_TEST(invalid_arguments)
{
	tp_catalog *c = custom(), *out = (tp_catalog *)&out;
	char *text = (char *)&text;
	size_t len = 99;

	ck_assert_int_eq(tp_catalog_load_string(NULL, 3, NULL, &out, NULL), TP_EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(tp_catalog_load_string("{}", 2, NULL, NULL, NULL), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_load_file(NULL, &out, NULL), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_load_file("x.json", NULL, NULL), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_save_string(NULL, &text, &len), TP_EINVAL);
	ck_assert_ptr_null(text);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(tp_catalog_save_string(c, NULL, NULL), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_save_file(NULL, "x.json", NULL), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_save_file(c, NULL, NULL), TP_EINVAL);
	tp_catalog_free(c);
}
END_TEST

/* ---- allocation failures ---- */

START_TEST(allocation_failures_load)
{
	tp_catalog *ref = NULL;
	unsigned long n;
	int succeeded = 0;
	char *text;
	size_t len;

	/* _i = 0: the custom catalog; 1: a long funnel. */
	if (_i == 0) {
		ref = custom();
	} else {
		ck_assert_int_eq(load_text(long_funnel_text(), &ref, NULL), TP_OK);
	}
	ck_assert_int_eq(tp_catalog_save_string(ref, &text, &len), TP_OK);
	for (n = 1; n < 100000 && !succeeded; n++) {
		tp_catalog *c = NULL;
		tp_error *e;
		tp_status st;

		tp_test_failing_allocator_install(n);
		e = tp_error_new();
		if (!e) {
			tp_test_failing_allocator_remove();
			continue;
		}
		st = tp_catalog_load_string(text, len, "custom", &c, e);
		if (st == TP_OK) {
			ck_assert(tp_catalog_equal(c, ref));
			succeeded = 1;
		} else {
			ck_assert_msg(st == TP_ENOMEM, "n=%lu: %s", n, tp_status_name(st));
			ck_assert_ptr_null(c);
		}
		tp_catalog_free(c);
		tp_error_free(e);
		ck_assert_msg(tp_test_live_blocks() == 0, "n=%lu leaked %ld blocks",
			      n, tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(succeeded);
	ck_assert_uint_gt(n, 50);
	tp_free(text);
	tp_catalog_free(ref);
}
END_TEST

/* Faulty documents under allocation failures: the faults or ENOMEM,
 * never a leak. */
START_TEST(allocation_failures_load_faulty)
{
	static const char *const docs[] = {
		several_faults,
		"{\"channels\": [{\"id\": \"web\"}, {\"id\": \"web\"}],\n"
		" \"touchpoints\": [{\"id\": \"t\", \"channel\": \"nowhere\"}],\n"
		" \"funnels\": [{\"id\": \"f\", \"stages\": []}]}",
	};
	static const tp_status want[] = { TP_ESCHEMA, TP_EEXIST };
	size_t d;

	for (d = 0; d < 2; d++) {
		unsigned long n;
		int finished = 0;

		for (n = 1; n < 100000 && !finished; n++) {
			tp_catalog *c = NULL;
			tp_error *e;
			tp_status st;

			tp_test_failing_allocator_install(n);
			e = tp_error_new();
			if (!e) {
				tp_test_failing_allocator_remove();
				continue;
			}
			st = load_text(docs[d], &c, e);
			ck_assert_ptr_null(c);
			if (!tp_test_allocation_failed()) {
				ck_assert_int_eq(st, want[d]);
				finished = 1;
			} else {
				ck_assert_msg(st == TP_ENOMEM || st == want[d],
					      "doc %zu n=%lu: %s", d, n,
					      tp_status_name(st));
			}
			tp_error_free(e);
			ck_assert_msg(tp_test_live_blocks() == 0,
				      "doc %zu n=%lu leaked %ld blocks", d, n,
				      tp_test_live_blocks());
			tp_test_failing_allocator_remove();
		}
		ck_assert(finished);
	}
}
END_TEST

START_TEST(allocation_failures_save)
{
	tp_catalog *ref = custom();
	unsigned long n;
	int succeeded = 0;
	char *want;
	size_t want_len;

	ck_assert_int_eq(tp_catalog_save_string(ref, &want, &want_len), TP_OK);
	for (n = 1; n < 100000 && !succeeded; n++) {
		char *text = (char *)&text;
		size_t len = 99;
		tp_status st;

		tp_test_failing_allocator_install(n);
		st = tp_catalog_save_string(ref, &text, &len);
		if (st == TP_OK) {
			ck_assert_uint_eq(len, want_len);
			ck_assert_str_eq(text, want);
			tp_free(text);
			succeeded = 1;
		} else {
			ck_assert_msg(st == TP_ENOMEM, "n=%lu: %s", n, tp_status_name(st));
			ck_assert_ptr_null(text);
			ck_assert_uint_eq(len, 0);
		}
		ck_assert_msg(tp_test_live_blocks() == 0, "n=%lu leaked %ld blocks",
			      n, tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(succeeded);
	ck_assert_uint_gt(n, 2);
	tp_free(want);
	tp_catalog_free(ref);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("catalog_json");
	TCase *tc;

	tc = tcase_create("default");
	tcase_add_test(tc, default_contents);
	tcase_add_test(tc, default_each_call_is_independent);
	tcase_add_test(tc, default_matches_data_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("round_trip");
	tcase_add_test(tc, round_trip_default);
	tcase_add_test(tc, round_trip_custom);
	tcase_add_test(tc, round_trip_empty);
	tcase_add_test(tc, absent_members);
	tcase_add_test(tc, long_funnel);
	suite_add_tcase(s, tc);

	tc = tcase_create("faults");
	tcase_add_loop_test(tc, load_faults, 0, N_LOAD_CASES);
	tcase_add_test(tc, several_faults_reported);
	tcase_add_test(tc, counted_text);
	tcase_add_test(tc, file_errors);
	tcase_add_test(tc, invalid_arguments);
	suite_add_tcase(s, tc);

	tc = tcase_create("allocation");
	tcase_add_loop_test(tc, allocation_failures_load, 0, 2);
	tcase_add_test(tc, allocation_failures_load_faulty);
	tcase_add_test(tc, allocation_failures_save);
	suite_add_tcase(s, tc);
	return s;
}
