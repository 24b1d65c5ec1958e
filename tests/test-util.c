/* SPDX-License-Identifier: MIT */
/* White-box tests of the internal helpers (lib/util). */
#include <stdio.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/strmap.h"
#include "util/text.h"

START_TEST(strmap_basic)
{
	struct tpi_strmap m = TPI_STRMAP_INIT;
	char keys[2000][16];
	uint32_t v, prev;
	int i;

	for (i = 0; i < 2000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key%d", i);
		ck_assert(tpi_strmap_put(&m, keys[i], strlen(keys[i]), (uint32_t)i, &prev));
		ck_assert_uint_eq(prev, (uint32_t)i);
	}
	ck_assert_uint_eq(m.count, 2000);
	ck_assert(tpi_strmap_put(&m, "key7", 4, 99, &prev));
	ck_assert_uint_eq(prev, 7);
	for (i = 0; i < 2000; i++) {
		ck_assert(tpi_strmap_get(&m, keys[i], strlen(keys[i]), &v));
		ck_assert_uint_eq(v, (uint32_t)i);
	}
	ck_assert(!tpi_strmap_get(&m, "key2000", 7, &v));
	ck_assert(!tpi_strmap_get(&m, "key", 3, &v));
	tpi_strmap_fini(&m);
	ck_assert(!tpi_strmap_get(&m, "key1", 4, &v));
	ck_assert_uint_eq(tpi_hash_lower("AbC", 3), tpi_hash("abc", 3));
}
END_TEST

START_TEST(text_helpers)
{
	ck_assert(tpi_strcaseeq("Email", "eMAIL"));
	ck_assert(!tpi_strcaseeq("Email", "Emails"));
	ck_assert(tpi_memcaseeq("CPC", 3, "cpc", 3));
	ck_assert(!tpi_memcaseeq("CPC", 3, "cp", 2));
	ck_assert(tpi_is_slug("welcome_email"));
	ck_assert(tpi_is_slug("b2b"));
	ck_assert(!tpi_is_slug("2b"));
	ck_assert(!tpi_is_slug("Email"));
	ck_assert(!tpi_is_slug(""));
	ck_assert(!tpi_is_slug("a-b"));
	ck_assert(!tpi_is_slug("a12345678901234567890123456789012345678901234567890123456789012345"));
	ck_assert_uint_eq(tpi_utf8_check("h\xc3\xa9llo", 6), 6);
	ck_assert_uint_eq(tpi_utf8_check("ab\xff", 3), 2);
	ck_assert_uint_eq(tpi_utf8_check("ab\xc3", 3), 2);            /* truncated */
	ck_assert_uint_eq(tpi_utf8_check("\xc0\xaf", 2), 0);          /* overlong */
	ck_assert_uint_eq(tpi_utf8_check("\xed\xa0\x80", 3), 0);      /* surrogate */
	ck_assert_uint_eq(tpi_utf8_check("\xf4\x90\x80\x80", 4), 0);  /* > U+10FFFF */
	ck_assert_uint_eq(tpi_utf8_check("\xf0\x9f\x98\x80", 4), 4);
}
END_TEST

START_TEST(buf_json_string)
{
	struct tpi_buf b = TPI_BUF_INIT;
	char *s;
	size_t n;

	ck_assert(tpi_buf_json_string(&b, "a\"b\\c\n\x01", 7));
	ck_assert_str_eq(b.data, "\"a\\\"b\\\\c\\n\\u0001\"");
	tpi_buf_reset(&b);
	ck_assert(tpi_buf_printf(&b, "%d-%s", 42, "x"));
	s = tpi_buf_steal(&b, &n);
	ck_assert_str_eq(s, "42-x");
	ck_assert_uint_eq(n, 4);
	ck_assert_ptr_null(b.data);
	tpi_free(s);
}
END_TEST

START_TEST(json_errors_have_positions)
{
	const char *text = "{\n  \"a\": [1, 2,\n   ]\n}";
	tp_error *e = tp_error_new();
	cJSON *root = NULL;

	ck_assert_int_eq(tpi_json_parse(text, strlen(text), "x.json", &root, e), TP_ESYNTAX);
	ck_assert_ptr_null(root);
	ck_assert_str_eq(tp_error_source(e, 0), "x.json");
	ck_assert_uint_eq(tp_error_line(e, 0), 3);
	ck_assert_uint_eq(tp_error_column(e, 0), 4);
	tp_error_clear(e);

	text = "{\"a\": 1, \"b\": {\"c\": 2, \"c\": 3}}";
	ck_assert_int_eq(tpi_json_parse(text, strlen(text), "d.json", &root, e), TP_ESCHEMA);
	ck_assert_str_eq(tp_error_path(e, 0), "$.b.c");
	ck_assert_uint_eq(tp_error_line(e, 0), 1);
	ck_assert_uint_eq(tp_error_column(e, 0), 21);
	tp_error_clear(e);

	text = "{\"a\": \"\xff\"}";
	ck_assert_int_eq(tpi_json_parse(text, strlen(text), NULL, &root, e), TP_EUTF8);
	ck_assert_uint_eq(tp_error_column(e, 0), 8);
	tp_error_clear(e);

	text = "[1] [2]";
	ck_assert_int_eq(tpi_json_parse(text, strlen(text), NULL, &root, e), TP_ESYNTAX);
	tp_error_clear(e);

	text = "{\"a\": 1";
	ck_assert_int_eq(tpi_json_parse(text, strlen(text), NULL, &root, e), TP_ESYNTAX);
	ck_assert_uint_eq(tp_error_line(e, 0), 1);
	tp_error_clear(e);

	text = " {\"ok\": [true]} \n";
	ck_assert_int_eq(tpi_json_parse(text, strlen(text), NULL, &root, e), TP_OK);
	ck_assert_ptr_nonnull(root);
	cJSON_Delete(root);
	tp_error_free(e);
}
END_TEST

START_TEST(json_locate)
{
	const char *text =
		"{\n"
		"  \"channels\": [\n"
		"    {\"id\": \"email\", \"kind\": \"digital\"},\n"
		"    {\"id\": \"tv\",\n"
		"     \"kind\": \"analog\"}\n"
		"  ],\n"
		"  \"we.ird\": {\"x\\\"y\": 1}\n"
		"}\n";
	unsigned long l, c;
	size_t n = strlen(text);

	tpi_json_locate(text, n, "$", &l, &c);
	ck_assert_uint_eq(l, 1); ck_assert_uint_eq(c, 1);
	tpi_json_locate(text, n, "$.channels[1].kind", &l, &c);
	ck_assert_uint_eq(l, 5); ck_assert_uint_eq(c, 14);
	tpi_json_locate(text, n, "$.channels[0].id", &l, &c);
	ck_assert_uint_eq(l, 3); ck_assert_uint_eq(c, 12);
	/* Missing member: the enclosing value. */
	tpi_json_locate(text, n, "$.channels[1].name", &l, &c);
	ck_assert_uint_eq(l, 4); ck_assert_uint_eq(c, 5);
	tpi_json_locate(text, n, "$.channels[7]", &l, &c);
	ck_assert_uint_eq(l, 2); ck_assert_uint_eq(c, 15);
	tpi_json_locate(text, n, "$[\"we.ird\"]", &l, &c);
	ck_assert_uint_eq(l, 7); ck_assert_uint_eq(c, 13);
	/* an escaped member name; a BOM before the text */
	tpi_json_locate(text, n, "$[\"we.ird\"][\"x\"y\"]", &l, &c);
	ck_assert_uint_eq(l, 7); ck_assert_uint_eq(c, 22);
	tpi_json_locate("\xEF\xBB\xBF{\"a\": [0, 1]}", 17, "$.a[1]", &l, &c);
	ck_assert_uint_eq(l, 1); ck_assert_uint_eq(c, 14);
}
END_TEST

START_TEST(paths)
{
	struct tpi_path p;

	tpi_path_init(&p);
	ck_assert_str_eq(tpi_path_str(&p), "$");
	tpi_path_push_key(&p, "rules");
	tpi_path_push_index(&p, 3);
	tpi_path_push_key(&p, "a.b");
	ck_assert_str_eq(tpi_path_str(&p), "$.rules[3][\"a.b\"]");
	tpi_path_pop(&p);
	tpi_path_push_key(&p, "when");
	ck_assert_str_eq(tpi_path_str(&p), "$.rules[3].when");
	tpi_path_pop(&p);
	tpi_path_pop(&p);
	tpi_path_pop(&p);
	tpi_path_pop(&p);
	ck_assert_str_eq(tpi_path_str(&p), "$");
	tpi_path_fini(&p);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, strmap_basic);
	tcase_add_test(tc, text_helpers);
	tcase_add_test(tc, buf_json_string);
	tcase_add_test(tc, json_errors_have_positions);
	tcase_add_test(tc, json_locate);
	tcase_add_test(tc, paths);
	suite_add_tcase(s, tc);
	return s;
}
