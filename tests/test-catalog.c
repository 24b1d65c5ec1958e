/* SPDX-License-Identifier: MIT */
/* The catalog builder, its validation and the accessors. */
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

/* A small catalog: 2 channels, 3 stages, 2 touchpoints, 1 funnel. */
static tp_status
build_small(tp_catalog **out, tp_error *err)
{
	static const char *const stages[] = { "discovery", "sale", "loyalty" };
	tp_channel_def email = TP_CHANNEL_DEF_INIT, store = TP_CHANNEL_DEF_INIT;
	tp_stage_def s = TP_STAGE_DEF_INIT;
	tp_touchpoint_def t = TP_TOUCHPOINT_DEF_INIT;
	tp_catalog_builder *b;
	tp_status st;

	st = tp_catalog_builder_new(&b);
	if (st)
		return st;
	email.id = "email";
	email.name = "E-mail";
	email.kind = TP_CHANNEL_KIND_DIGITAL;
	store.id = "physical_store";
	store.kind = TP_CHANNEL_KIND_PHYSICAL;
	if ((st = tp_catalog_builder_add_channel(b, &email)) ||
	    (st = tp_catalog_builder_add_channel(b, &store)))
		goto out;
	s.id = "discovery"; s.name = "Discovery"; s.phase = TP_PHASE_PRE_PURCHASE;
	if ((st = tp_catalog_builder_add_stage(b, &s)))
		goto out;
	s.id = "sale"; s.name = "Sale"; s.phase = TP_PHASE_PURCHASE;
	if ((st = tp_catalog_builder_add_stage(b, &s)))
		goto out;
	s.id = "loyalty"; s.name = "Loyalty"; s.phase = TP_PHASE_POST_PURCHASE;
	if ((st = tp_catalog_builder_add_stage(b, &s)))
		goto out;
	t.id = "welcome_email";
	t.name = "Welcome e-mail";
	t.channel = "email";
	t.stage = "loyalty";
	t.initiator = TP_INITIATOR_BRAND;
	t.personalization = TP_PERSONALIZATION_PERSONALIZED;
	t.intent = TP_INTENT_PROACTIVE;
	t.control = TP_CONTROL_INTENTIONAL;
	t.agent = TP_AGENT_MACHINE;
	if ((st = tp_catalog_builder_add_touchpoint(b, &t)))
		goto out;
	t = (tp_touchpoint_def)TP_TOUCHPOINT_DEF_INIT;
	t.id = "store_visit";
	t.channel = "physical_store";
	t.phase = TP_PHASE_PURCHASE;
	t.business_model = TP_BUSINESS_MODEL_B2C;
	if ((st = tp_catalog_builder_add_touchpoint(b, &t)))
		goto out;
	if ((st = tp_catalog_builder_add_funnel(b, "mini", "Mini funnel", stages, 3)))
		goto out;
	st = tp_catalog_builder_finish(b, out, err);
out:
	tp_catalog_builder_free(b);
	return st;
}

START_TEST(builder_and_accessors)
{
	tp_catalog *c = NULL;

	ck_assert_int_eq(build_small(&c, NULL), TP_OK);
	ck_assert_uint_eq(tp_catalog_channel_count(c), 2);
	ck_assert_uint_eq(tp_catalog_stage_count(c), 3);
	ck_assert_uint_eq(tp_catalog_touchpoint_count(c), 2);
	ck_assert_uint_eq(tp_catalog_funnel_count(c), 1);

	ck_assert_str_eq(tp_catalog_channel_id(c, 0), "email");
	ck_assert_str_eq(tp_catalog_channel_name(c, 0), "E-mail");
	/* A missing name takes the id. */
	ck_assert_str_eq(tp_catalog_channel_name(c, 1), "physical_store");
	ck_assert_int_eq(tp_catalog_channel_kind(c, 1), TP_CHANNEL_KIND_PHYSICAL);
	ck_assert_int_eq(tp_catalog_find_channel(c, "physical_store"), 1);
	ck_assert_int_eq(tp_catalog_find_channel(c, "Email"), TP_ENOTFOUND);
	ck_assert_int_eq(tp_catalog_find_channel(c, NULL), TP_EINVAL);

	ck_assert_int_eq(tp_catalog_find_touchpoint(c, "welcome_email"), 0);
	ck_assert_str_eq(tp_catalog_touchpoint_name(c, 0), "Welcome e-mail");
	ck_assert_int_eq(tp_catalog_touchpoint_channel(c, 0), 0);
	ck_assert_int_eq(tp_catalog_touchpoint_stage(c, 0), 2);
	/* Phase from the stage, kind from the channel. */
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 0, TP_DIMENSION_PHASE), TP_PHASE_POST_PURCHASE);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 0, TP_DIMENSION_KIND), TP_CHANNEL_KIND_DIGITAL);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 0, TP_DIMENSION_AGENT), TP_AGENT_MACHINE);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 0, TP_DIMENSION_INITIATOR), TP_INITIATOR_BRAND);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 0, TP_DIMENSION_PERSONALIZATION), TP_PERSONALIZATION_PERSONALIZED);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 0, TP_DIMENSION_INTENT), TP_INTENT_PROACTIVE);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 0, TP_DIMENSION_CONTROL), TP_CONTROL_INTENTIONAL);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 0, TP_DIMENSION_BUSINESS_MODEL), TP_BUSINESS_MODEL_UNKNOWN);
	ck_assert_int_eq(tp_catalog_touchpoint_stage(c, 1), TP_ENOTFOUND);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 1, TP_DIMENSION_PHASE), TP_PHASE_PURCHASE);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 1, TP_DIMENSION_KIND), TP_CHANNEL_KIND_PHYSICAL);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 1, TP_DIMENSION_BUSINESS_MODEL), TP_BUSINESS_MODEL_B2C);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 1, TP_DIMENSION_NONE), TP_EINVAL);

	ck_assert_int_eq(tp_catalog_find_stage(c, "sale"), 1);
	ck_assert_str_eq(tp_catalog_stage_name(c, 1), "Sale");
	ck_assert_int_eq(tp_catalog_stage_phase(c, 1), TP_PHASE_PURCHASE);

	ck_assert_int_eq(tp_catalog_find_funnel(c, "mini"), 0);
	ck_assert_str_eq(tp_catalog_funnel_id(c, 0), "mini");
	ck_assert_str_eq(tp_catalog_funnel_name(c, 0), "Mini funnel");
	ck_assert_uint_eq(tp_catalog_funnel_stage_count(c, 0), 3);
	ck_assert_int_eq(tp_catalog_funnel_stage(c, 0, 0), 0);
	ck_assert_int_eq(tp_catalog_funnel_stage(c, 0, 2), 2);
	ck_assert_int_eq(tp_catalog_funnel_stage(c, 0, 3), TP_EINVAL);

	/* Out of range and NULL. */
	ck_assert_ptr_null(tp_catalog_channel_id(c, 2));
	ck_assert_ptr_null(tp_catalog_channel_name(c, 2));
	ck_assert_int_eq(tp_catalog_channel_kind(c, 2), TP_CHANNEL_KIND_UNKNOWN);
	ck_assert_ptr_null(tp_catalog_touchpoint_id(c, 9));
	ck_assert_ptr_null(tp_catalog_touchpoint_name(c, 9));
	ck_assert_int_eq(tp_catalog_touchpoint_channel(c, 9), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_touchpoint_stage(c, 9), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_touchpoint_dimension(c, 9, TP_DIMENSION_PHASE), TP_EINVAL);
	ck_assert_ptr_null(tp_catalog_stage_id(c, 3));
	ck_assert_ptr_null(tp_catalog_stage_name(c, 3));
	ck_assert_int_eq(tp_catalog_stage_phase(c, 3), TP_PHASE_UNKNOWN);
	ck_assert_ptr_null(tp_catalog_funnel_id(c, 1));
	ck_assert_ptr_null(tp_catalog_funnel_name(c, 1));
	ck_assert_uint_eq(tp_catalog_funnel_stage_count(c, 1), 0);
	ck_assert_uint_eq(tp_catalog_channel_count(NULL), 0);
	ck_assert_uint_eq(tp_catalog_stage_count(NULL), 0);
	ck_assert_uint_eq(tp_catalog_touchpoint_count(NULL), 0);
	ck_assert_uint_eq(tp_catalog_funnel_count(NULL), 0);
	ck_assert_int_eq(tp_catalog_find_stage(NULL, "x"), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_find_touchpoint(NULL, "x"), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_find_funnel(c, "nope"), TP_ENOTFOUND);
	tp_catalog_free(c);
	tp_catalog_free(NULL);
}
END_TEST

START_TEST(equal)
{
	tp_catalog *a = NULL, *b = NULL;

	ck_assert_int_eq(build_small(&a, NULL), TP_OK);
	ck_assert_int_eq(build_small(&b, NULL), TP_OK);
	ck_assert_int_eq(tp_catalog_equal(a, b), 1);
	ck_assert_int_eq(tp_catalog_equal(a, NULL), 0);
	tp_catalog_free(b);
	{
		tp_catalog_builder *bb;
		tp_channel_def ch = TP_CHANNEL_DEF_INIT;

		ck_assert_int_eq(tp_catalog_builder_new(&bb), TP_OK);
		ch.id = "email";
		ch.kind = TP_CHANNEL_KIND_DIGITAL;
		ck_assert_int_eq(tp_catalog_builder_add_channel(bb, &ch), TP_OK);
		ck_assert_int_eq(tp_catalog_builder_finish(bb, &b, NULL), TP_OK);
		ck_assert_int_eq(tp_catalog_equal(a, b), 0);
		/* The builder is empty after finish and may be reused. */
		tp_catalog_free(b);
		ck_assert_int_eq(tp_catalog_builder_finish(bb, &b, NULL), TP_OK);
		ck_assert_uint_eq(tp_catalog_channel_count(b), 0);
		tp_catalog_free(b);
		tp_catalog_builder_free(bb);
	}
	tp_catalog_free(a);
}
END_TEST

static int
has_entry(const tp_error *e, tp_status code, const char *path)
{
	size_t i;

	for (i = 0; i < tp_error_count(e); i++)
		if (tp_error_code(e, i) == code &&
		    strcmp(tp_error_path(e, i), path) == 0)
			return 1;
	return 0;
}

START_TEST(validation_reports_every_fault)
{
	static const char *const bad_stages[] = { "discovery", "nowhere", "discovery" };
	tp_catalog_builder *b;
	tp_catalog *c = NULL;
	tp_error *e = tp_error_new();
	tp_channel_def ch = TP_CHANNEL_DEF_INIT;
	tp_stage_def s = TP_STAGE_DEF_INIT;
	tp_touchpoint_def t = TP_TOUCHPOINT_DEF_INIT;

	ck_assert_int_eq(tp_catalog_builder_new(&b), TP_OK);
	ch.id = "email";
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);   /* duplicate */
	ch.id = "Web Site";
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);   /* not a slug */
	ch.id = "sms";
	ch.name = "";
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);   /* empty name */
	ch.id = "tv";
	ch.name = NULL;
	ch.kind = (tp_channel_kind)7;
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);   /* bad kind */
	s.id = "discovery";
	ck_assert_int_eq(tp_catalog_builder_add_stage(b, &s), TP_OK);
	t.id = "newsletter";
	t.channel = "mail";
	t.stage = "awareness";
	t.agent = (tp_agent)3;
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &t), TP_OK);
	t = (tp_touchpoint_def)TP_TOUCHPOINT_DEF_INIT;
	t.id = "no_channel";
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &t), TP_OK);
	ck_assert_int_eq(tp_catalog_builder_add_funnel(b, "empty", NULL, NULL, 0), TP_OK);
	ck_assert_int_eq(tp_catalog_builder_add_funnel(b, "bad", NULL, bad_stages, 3), TP_OK);

	ck_assert_int_eq(tp_catalog_builder_finish(b, &c, e), TP_EEXIST);
	ck_assert_ptr_null(c);
	ck_assert(has_entry(e, TP_EEXIST, "$.channels[1].id"));
	ck_assert(has_entry(e, TP_ESCHEMA, "$.channels[2].id"));
	ck_assert(has_entry(e, TP_ESCHEMA, "$.channels[3].name"));
	ck_assert(has_entry(e, TP_ESCHEMA, "$.channels[4].kind"));
	ck_assert(has_entry(e, TP_ENOTFOUND, "$.touchpoints[0].channel"));
	ck_assert(has_entry(e, TP_ENOTFOUND, "$.touchpoints[0].stage"));
	ck_assert(has_entry(e, TP_ESCHEMA, "$.touchpoints[0].agent"));
	ck_assert(has_entry(e, TP_ESCHEMA, "$.touchpoints[1].channel"));
	ck_assert(has_entry(e, TP_ESCHEMA, "$.funnels[0].stages"));
	ck_assert(has_entry(e, TP_ENOTFOUND, "$.funnels[1].stages[1]"));
	ck_assert(has_entry(e, TP_EEXIST, "$.funnels[1].stages[2]"));
	ck_assert_uint_eq(tp_error_count(e), 11);
	/* A failed finish leaves the items in the builder: it fails again. */
	tp_error_clear(e);
	ck_assert_int_eq(tp_catalog_builder_finish(b, &c, e), TP_EEXIST);
	ck_assert_uint_eq(tp_error_count(e), 11);
	tp_catalog_builder_free(b);
	tp_error_free(e);
}
END_TEST

START_TEST(invalid_arguments)
{
	tp_catalog_builder *b;
	tp_catalog *c;
	tp_channel_def ch = TP_CHANNEL_DEF_INIT;
	tp_stage_def s = TP_STAGE_DEF_INIT;
	tp_touchpoint_def t = TP_TOUCHPOINT_DEF_INIT;
	const char *stages[] = { NULL };

	ck_assert_int_eq(tp_catalog_builder_new(NULL), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_builder_new(&b), TP_OK);
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_builder_add_channel(NULL, &ch), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, NULL), TP_EINVAL);
	ch.id = "email";
	ch.size = 1;   /* too small for this version's fields */
	ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_builder_add_stage(b, &s), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &t), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_builder_add_funnel(b, NULL, NULL, NULL, 0), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_builder_add_funnel(b, "f", NULL, NULL, 1), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_builder_add_funnel(b, "f", NULL, stages, 1), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_builder_finish(b, NULL, NULL), TP_EINVAL);
	ck_assert_int_eq(tp_catalog_builder_finish(NULL, &c, NULL), TP_EINVAL);
	tp_catalog_builder_free(b);
	tp_catalog_builder_free(NULL);
}
END_TEST

/* Fail every allocation in turn: each run reports TP_ENOMEM (or succeeds
 * once n is past the last allocation) and leaks nothing. */
START_TEST(allocation_failures)
{
	unsigned long n;
	int succeeded = 0;

	for (n = 1; n < 10000 && !succeeded; n++) {
		tp_catalog *c = NULL;
		tp_error *e;
		tp_status st;

		tp_test_failing_allocator_install(n);
		e = tp_error_new();
		if (!e) {
			tp_test_failing_allocator_remove();
			continue;
		}
		st = build_small(&c, e);
		if (st == TP_OK) {
			ck_assert_ptr_nonnull(c);
			ck_assert_uint_eq(tp_catalog_touchpoint_count(c), 2);
			succeeded = 1;
		} else {
			ck_assert_msg(st == TP_ENOMEM, "n=%lu: %s", n, tp_strerror(st));
			ck_assert_ptr_null(c);
		}
		tp_catalog_free(c);
		tp_error_free(e);
		ck_assert_msg(tp_test_live_blocks() == 0, "n=%lu leaked %ld blocks",
			      n, tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(succeeded);
	ck_assert_uint_gt(n, 20);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("builder");

	tcase_add_test(tc, builder_and_accessors);
	tcase_add_test(tc, equal);
	tcase_add_test(tc, validation_reports_every_fault);
	tcase_add_test(tc, invalid_arguments);
	tcase_add_test(tc, allocation_failures);
	suite_add_tcase(s, tc);
	return s;
}
