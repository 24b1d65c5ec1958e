/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

START_TEST(strerror_names)
{
	int code;

	ck_assert_str_eq(tp_strerror(TP_OK), "success");
	ck_assert_str_eq(tp_strerror(TP_ENOMEM), "out of memory");
	ck_assert_str_eq(tp_strerror((tp_status)-9999), "unknown error");
	ck_assert_ptr_null(tp_status_name((tp_status)-9999));
	for (code = 0; code >= TP_EEMPTY; code--) {
		const char *n = tp_status_name((tp_status)code);

		ck_assert_ptr_nonnull(n);
		ck_assert(strncmp(n, "TP_", 3) == 0);
		ck_assert_str_ne(tp_strerror((tp_status)code), "unknown error");
	}
}
END_TEST

START_TEST(empty_and_null)
{
	tp_error *e = tp_error_new();
	char buf[8];

	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(tp_error_count(e), 0);
	ck_assert_uint_eq(tp_error_count(NULL), 0);
	ck_assert_uint_eq(tp_error_dropped(NULL), 0);
	ck_assert_int_eq(tp_error_code(e, 0), TP_OK);
	ck_assert_ptr_null(tp_error_message(e, 0));
	ck_assert_ptr_null(tp_error_source(e, 0));
	ck_assert_ptr_null(tp_error_path(e, 0));
	ck_assert_uint_eq(tp_error_line(e, 0), 0);
	ck_assert_uint_eq(tp_error_column(e, 0), 0);
	ck_assert_int_eq(tp_error_format(e, 0, buf, sizeof(buf)), TP_EINVAL);
	tp_error_clear(NULL);
	tp_error_free(NULL);
	tp_error_free(e);
}
END_TEST

/* A catalog with a dangling reference fills an entry with a path. */
START_TEST(entries_from_catalog)
{
	tp_catalog_builder *b;
	tp_catalog *c = NULL;
	tp_error *e = tp_error_new();
	tp_touchpoint_def t = TP_TOUCHPOINT_DEF_INIT;
	char buf[256];
	int n;

	ck_assert_int_eq(tp_catalog_builder_new(&b), TP_OK);
	t.id = "welcome_email";
	t.channel = "emial";
	ck_assert_int_eq(tp_catalog_builder_add_touchpoint(b, &t), TP_OK);
	ck_assert_int_eq(tp_catalog_builder_finish(b, &c, e), TP_ENOTFOUND);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(tp_error_count(e), 1);
	ck_assert_int_eq(tp_error_code(e, 0), TP_ENOTFOUND);
	ck_assert_str_eq(tp_error_path(e, 0), "$.touchpoints[0].channel");
	ck_assert_str_eq(tp_error_message(e, 0), "unknown channel \"emial\"");
	n = tp_error_format(e, 0, buf, sizeof(buf));
	ck_assert_int_eq(n, (int)strlen(buf));
	ck_assert_str_eq(buf, "unknown channel \"emial\" (at $.touchpoints[0].channel)");
	/* snprintf semantics: a short buffer gets a cut, terminated text. */
	n = tp_error_format(e, 0, buf, 8);
	ck_assert_int_gt(n, 8);
	ck_assert_uint_eq(strlen(buf), 7);
	ck_assert_int_gt(tp_error_format(e, 0, NULL, 0), 0);
	tp_error_clear(e);
	ck_assert_uint_eq(tp_error_count(e), 0);
	tp_catalog_builder_free(b);
	tp_error_free(e);
}
END_TEST

START_TEST(entry_limit)
{
	tp_catalog_builder *b;
	tp_catalog *c = NULL;
	tp_error *e = tp_error_new();
	int i;

	ck_assert_int_eq(tp_catalog_builder_new(&b), TP_OK);
	for (i = 0; i < 1200; i++) {
		tp_channel_def ch = TP_CHANNEL_DEF_INIT;

		ch.id = "Not A Slug";
		ck_assert_int_eq(tp_catalog_builder_add_channel(b, &ch), TP_OK);
	}
	ck_assert_int_eq(tp_catalog_builder_finish(b, &c, e), TP_ESCHEMA);
	ck_assert_uint_eq(tp_error_count(e), 1000);
	ck_assert_uint_eq(tp_error_dropped(e), 200);
	tp_catalog_builder_free(b);
	tp_error_free(e);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, strerror_names);
	tcase_add_test(tc, empty_and_null);
	tcase_add_test(tc, entries_from_catalog);
	tcase_add_test(tc, entry_limit);
	suite_add_tcase(s, tc);
	return s;
}
