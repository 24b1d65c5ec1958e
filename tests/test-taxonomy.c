/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

START_TEST(names_round_trip)
{
	int d, v;

	ck_assert_int_eq(tp_dimension_count(), TP_DIMENSION_LAST);
	for (d = 1; d <= tp_dimension_count(); d++) {
		tp_dimension back;
		const char *dn = tp_dimension_name((tp_dimension)d);

		ck_assert_ptr_nonnull(dn);
		ck_assert_int_eq(tp_dimension_parse(dn, &back), TP_OK);
		ck_assert_int_eq(back, d);
		ck_assert_int_ge(tp_dimension_value_count((tp_dimension)d), 3);
		for (v = 0; v < tp_dimension_value_count((tp_dimension)d); v++) {
			const char *vn = tp_dimension_value_name((tp_dimension)d, v);
			int got = -1;

			ck_assert_ptr_nonnull(vn);
			ck_assert_int_eq(tp_dimension_value_parse((tp_dimension)d, vn, &got), TP_OK);
			ck_assert_int_eq(got, v);
		}
		ck_assert_ptr_null(tp_dimension_value_name((tp_dimension)d, v));
		ck_assert_ptr_null(tp_dimension_value_name((tp_dimension)d, -1));
		ck_assert_str_eq(tp_dimension_value_name((tp_dimension)d, 0), "unknown");
	}
}
END_TEST

START_TEST(stable_names)
{
	static const struct { tp_dimension d; int v; const char *name; } cases[] = {
		{ TP_DIMENSION_KIND, TP_CHANNEL_KIND_DIGITAL, "digital" },
		{ TP_DIMENSION_KIND, TP_CHANNEL_KIND_PHYSICAL, "physical" },
		{ TP_DIMENSION_INITIATOR, TP_INITIATOR_CUSTOMER, "customer" },
		{ TP_DIMENSION_INITIATOR, TP_INITIATOR_BRAND, "brand" },
		{ TP_DIMENSION_PERSONALIZATION, TP_PERSONALIZATION_PERSONALIZED, "personalized" },
		{ TP_DIMENSION_PERSONALIZATION, TP_PERSONALIZATION_MASS, "mass" },
		{ TP_DIMENSION_INTENT, TP_INTENT_PROACTIVE, "proactive" },
		{ TP_DIMENSION_INTENT, TP_INTENT_REACTIVE, "reactive" },
		{ TP_DIMENSION_CONTROL, TP_CONTROL_INTENTIONAL, "intentional" },
		{ TP_DIMENSION_CONTROL, TP_CONTROL_UNINTENTIONAL, "unintentional" },
		{ TP_DIMENSION_AGENT, TP_AGENT_HUMAN, "human" },
		{ TP_DIMENSION_AGENT, TP_AGENT_MACHINE, "machine" },
		{ TP_DIMENSION_PHASE, TP_PHASE_PRE_PURCHASE, "pre_purchase" },
		{ TP_DIMENSION_PHASE, TP_PHASE_PURCHASE, "purchase" },
		{ TP_DIMENSION_PHASE, TP_PHASE_POST_PURCHASE, "post_purchase" },
		{ TP_DIMENSION_BUSINESS_MODEL, TP_BUSINESS_MODEL_B2B, "b2b" },
		{ TP_DIMENSION_BUSINESS_MODEL, TP_BUSINESS_MODEL_B2C, "b2c" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(tp_dimension_value_name(cases[i].d, cases[i].v),
				 cases[i].name);
	ck_assert_str_eq(tp_dimension_name(TP_DIMENSION_BUSINESS_MODEL), "business_model");
}
END_TEST

START_TEST(parse_errors)
{
	tp_dimension d = TP_DIMENSION_NONE;
	int v = 42;

	ck_assert_int_eq(tp_dimension_parse("Phase", &d), TP_OK);
	ck_assert_int_eq(d, TP_DIMENSION_PHASE);
	ck_assert_int_eq(tp_dimension_parse("colour", &d), TP_ENOTFOUND);
	ck_assert_int_eq(tp_dimension_parse(NULL, &d), TP_EINVAL);
	ck_assert_int_eq(tp_dimension_parse("phase", NULL), TP_EINVAL);
	ck_assert_ptr_null(tp_dimension_name(TP_DIMENSION_NONE));
	ck_assert_ptr_null(tp_dimension_name((tp_dimension)99));
	ck_assert_int_eq(tp_dimension_value_count((tp_dimension)99), 0);
	ck_assert_int_eq(tp_dimension_value_parse(TP_DIMENSION_AGENT, "robot", &v), TP_ENOTFOUND);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(tp_dimension_value_parse(TP_DIMENSION_AGENT, "MACHINE", &v), TP_OK);
	ck_assert_int_eq(v, TP_AGENT_MACHINE);
	ck_assert_int_eq(tp_dimension_value_parse((tp_dimension)0, "x", &v), TP_EINVAL);
	ck_assert_int_eq(tp_dimension_value_parse(TP_DIMENSION_AGENT, NULL, &v), TP_EINVAL);
	ck_assert_int_eq(tp_dimension_value_parse(TP_DIMENSION_AGENT, "human", NULL), TP_EINVAL);
}
END_TEST

START_TEST(version)
{
	ck_assert_uint_eq(tp_version_number(), TP_VERSION_NUMBER);
	ck_assert_str_eq(tp_version_string(), TP_VERSION_STRING);
	ck_assert_uint_eq(TP_VERSION_NUMBER,
			  TP_VERSION_MAJOR * 10000 + TP_VERSION_MINOR * 100 + TP_VERSION_PATCH);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("taxonomy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, names_round_trip);
	tcase_add_test(tc, stable_names);
	tcase_add_test(tc, parse_errors);
	tcase_add_test(tc, version);
	suite_add_tcase(s, tc);
	return s;
}
