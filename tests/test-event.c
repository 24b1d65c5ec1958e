/* SPDX-License-Identifier: MIT */
/* Timestamps (event.h) and the NDJSON reader (reader.h). */
#include <stdio.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

static tp_status
ts(const char *s, int64_t *out)
{
	return tp_timestamp_parse(s, strlen(s), out);
}

START_TEST(timestamps_rfc3339)
{
	int64_t v = 0;

	ck_assert_int_eq(ts("1970-01-01T00:00:00Z", &v), TP_OK);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(ts("2026-03-01T12:30:00Z", &v), TP_OK);
	ck_assert_int_eq(v, 1772368200000LL);
	ck_assert_int_eq(ts("2026-03-01T12:30:00.25Z", &v), TP_OK);
	ck_assert_int_eq(v, 1772368200250LL);
	ck_assert_int_eq(ts("2026-03-01T13:30:00+01:00", &v), TP_OK);
	ck_assert_int_eq(v, 1772368200000LL);
	ck_assert_int_eq(ts("2026-03-01 12:30:00-0030", &v), TP_OK);
	ck_assert_int_eq(v, 1772370000000LL);
	ck_assert_int_eq(ts("2026-03-01", &v), TP_OK);
	ck_assert_int_eq(v, 1772323200000LL);
	ck_assert_int_eq(ts("2024-02-29T00:00:00Z", &v), TP_OK);
	ck_assert_int_eq(ts("1969-12-31T23:59:59.999Z", &v), TP_OK);
	ck_assert_int_eq(v, -1);
	ck_assert_int_eq(ts("0001-01-01T00:00:00Z", &v), TP_OK);
	ck_assert_int_eq(v, -62135596800000LL);
	/* invalid */
	ck_assert_int_eq(ts("2023-02-29T00:00:00Z", &v), TP_ESYNTAX);
	ck_assert_int_eq(ts("2026-13-01T00:00:00Z", &v), TP_ESYNTAX);
	ck_assert_int_eq(ts("2026-03-01T24:00:00Z", &v), TP_ESYNTAX);
	ck_assert_int_eq(ts("2026-03-01T12:30Z", &v), TP_ESYNTAX);
	ck_assert_int_eq(ts("2026-03-01T12:30:00Zjunk", &v), TP_ESYNTAX);
	ck_assert_int_eq(ts("2026-03-01T12:30:00.Z", &v), TP_ESYNTAX);
	ck_assert_int_eq(ts("0000-01-01T00:00:00Z", &v), TP_ERANGE);
	ck_assert_int_eq(ts("", &v), TP_ESYNTAX);
	ck_assert_int_eq(tp_timestamp_parse(NULL, 0, &v), TP_EINVAL);
	ck_assert_int_eq(tp_timestamp_parse("1", 1, NULL), TP_EINVAL);
}
END_TEST

START_TEST(timestamps_epoch)
{
	int64_t v = 0;

	ck_assert_int_eq(ts("1772368200", &v), TP_OK);
	ck_assert_int_eq(v, 1772368200000LL);
	ck_assert_int_eq(ts("1772368200.5", &v), TP_OK);
	ck_assert_int_eq(v, 1772368200500LL);
	ck_assert_int_eq(ts("1772368200123", &v), TP_OK);   /* milliseconds */
	ck_assert_int_eq(v, 1772368200123LL);
	ck_assert_int_eq(ts("-86400", &v), TP_OK);
	ck_assert_int_eq(v, -86400000LL);
	ck_assert_int_eq(ts("99999999999999999999", &v), TP_ERANGE);
	ck_assert_int_eq(ts("253402300800000", &v), TP_ERANGE);   /* year 10000 */
	ck_assert_int_eq(ts("12a", &v), TP_ESYNTAX);
	ck_assert_int_eq(ts("1.", &v), TP_ESYNTAX);
	ck_assert_int_eq(ts("-", &v), TP_ESYNTAX);
}
END_TEST

START_TEST(timestamp_format)
{
	char buf[32];
	int64_t back;

	ck_assert_int_eq(tp_timestamp_format(1772368200250LL, buf, sizeof(buf)), TP_OK);
	ck_assert_str_eq(buf, "2026-03-01T12:30:00.250Z");
	ck_assert_int_eq(tp_timestamp_format(-1, buf, sizeof(buf)), TP_OK);
	ck_assert_str_eq(buf, "1969-12-31T23:59:59.999Z");
	ck_assert_int_eq(ts(buf, &back), TP_OK);
	ck_assert_int_eq(back, -1);
	ck_assert_int_eq(tp_timestamp_format(0, buf, 24), TP_ERANGE);
	ck_assert_int_eq(tp_timestamp_format(0, NULL, 32), TP_EINVAL);
	ck_assert_int_eq(tp_timestamp_format(INT64_MAX, buf, sizeof(buf)), TP_ERANGE);
	/* Every day over 30 years round-trips. */
	for (int64_t d = -5000; d < 6000; d += 7) {
		int64_t ms = d * 86400000LL + 12345;

		ck_assert_int_eq(tp_timestamp_format(ms, buf, sizeof(buf)), TP_OK);
		ck_assert_int_eq(ts(buf, &back), TP_OK);
		ck_assert_int_eq(back, ms);
	}
}
END_TEST

static const char *
attr(const tp_reader *r, const char *key)
{
	static char buf[256];
	size_t n, i;
	const tp_attr *a = tp_reader_attrs(r, &n);

	for (i = 0; i < n; i++) {
		if (a[i].key_len == strlen(key) && memcmp(a[i].key, key, a[i].key_len) == 0) {
			snprintf(buf, sizeof(buf), "%.*s", (int)a[i].value_len, a[i].value);
			return buf;
		}
	}
	return NULL;
}

START_TEST(reader_flattens)
{
	const char *line = "{\"a\":\"x\",\"n\":42,\"f\":1.5,\"big\":1e300,\"t\":true,\"z\":null,"
		"\"ctx\":{\"c\":{\"source\":\"s\"},\"e\":{}},\"arr\":[{\"sku\":\"k\"},7],\"u\":\"\\u00e9\"}\r";
	tp_reader *r;
	size_t n;

	ck_assert_int_eq(tp_reader_new(&r), TP_OK);
	ck_assert_int_eq(tp_reader_parse(r, line, strlen(line), "f", 1, NULL), TP_OK);
	tp_reader_attrs(r, &n);
	ck_assert_uint_eq(n, 9);
	ck_assert_str_eq(attr(r, "a"), "x");
	ck_assert_str_eq(attr(r, "n"), "42");
	ck_assert_str_eq(attr(r, "f"), "1.5");
	ck_assert_str_eq(attr(r, "big"), "1e300");   /* numbers as written */
	ck_assert_str_eq(attr(r, "t"), "true");
	ck_assert_ptr_null(attr(r, "z"));
	ck_assert_str_eq(attr(r, "ctx.c.source"), "s");
	ck_assert_str_eq(attr(r, "arr.0.sku"), "k");
	ck_assert_str_eq(attr(r, "arr.1"), "7");
	ck_assert_str_eq(attr(r, "u"), "\xc3\xa9");
	ck_assert_int_eq(tp_reader_empty_object(r), 0);
	ck_assert_int_eq(tp_reader_parse(r, "{}", 2, NULL, 0, NULL), TP_OK);
	ck_assert_int_eq(tp_reader_empty_object(r), 1);
	tp_reader_attrs(r, &n);
	ck_assert_uint_eq(n, 0);
	tp_reader_free(r);
}
END_TEST

static void
refused(tp_reader *r, const char *line, size_t len, tp_status code,
	unsigned long column)
{
	tp_error *e = tp_error_new();
	size_t n = 99;

	ck_assert_int_eq(tp_reader_parse(r, line, len, "in.ndjson", 7, e), code);
	ck_assert_uint_eq(tp_error_count(e), 1);
	ck_assert_str_eq(tp_error_source(e, 0), "in.ndjson");
	ck_assert_uint_eq(tp_error_line(e, 0), 7);
	ck_assert_uint_eq(tp_error_column(e, 0), column);
	ck_assert_ptr_null(tp_reader_attrs(r, &n));
	ck_assert_uint_eq(n, 0);
	tp_error_free(e);
}

START_TEST(reader_refuses)
{
	tp_reader *r;
	char deep[400];
	size_t k;
	int i;

	ck_assert_int_eq(tp_reader_new(&r), TP_OK);
	/* the end of a truncated line is the column after its last byte */
	refused(r, "{\"a\":1", 6, TP_ESYNTAX, 7);
	refused(r, "not json", 8, TP_ESYNTAX, 1);
	refused(r, "[1,2]", 5, TP_ESCHEMA, 1);
	refused(r, "\"s\"", 3, TP_ESCHEMA, 1);
	refused(r, "{\"a\":\"\xff\"}", 9, TP_EUTF8, 7);
	refused(r, "{\"a\":1} x", 9, TP_ESYNTAX, 9);
	refused(r, "{\"a\":\"b\0\"}", 10, TP_ESYNTAX, 8);
	/* {"a":[[[...]]]} nested 96 deep: over the 64-level limit, located
	 * at the first value 65 levels down (the 65th '[', column 70) */
	memcpy(deep, "{\"a\":", 5);
	k = 5;
	for (i = 0; i < 95; i++)
		deep[k++] = '[';
	for (i = 0; i < 95; i++)
		deep[k++] = ']';
	deep[k++] = '}';
	refused(r, deep, k, TP_ERANGE, 70);
	/* a line over the limit: located at the first byte past it */
	ck_assert_int_eq(tp_reader_set_max_bytes(r, 10), TP_OK);
	refused(r, "{\"a\":\"0123456789\"}", 18, TP_ERANGE, 11);
	ck_assert_int_eq(tp_reader_set_max_bytes(r, 1), TP_EINVAL);
	ck_assert_int_eq(tp_reader_set_max_bytes(NULL, 100), TP_EINVAL);
	ck_assert_int_eq(tp_reader_new(NULL), TP_EINVAL);
	tp_reader_free(r);
	tp_reader_free(NULL);
}
END_TEST

/* What RFC 8259 forbids is refused, located at the offending byte; what
 * it allows is decoded. */
START_TEST(reader_strict_json)
{
	const char *ok = "{\"e\":\"a\\\"b\\\\c\\/d\\n\",\"k\\u00e9y\":{\"x\\ty\":1},"
		"\"emoji\":\"\\ud83d\\ude00\",\"d\":\"1\",\"d\":\"2\",\"neg\":-0.5e1}";
	tp_reader *r;
	size_t n;

	ck_assert_int_eq(tp_reader_new(&r), TP_OK);
	ck_assert_int_eq(tp_reader_parse(r, ok, strlen(ok), "f", 1, NULL), TP_OK);
	tp_reader_attrs(r, &n);
	ck_assert_uint_eq(n, 6);
	ck_assert_str_eq(attr(r, "e"), "a\"b\\c/d\n");
	ck_assert_str_eq(attr(r, "k\xc3\xa9y.x\ty"), "1");
	ck_assert_str_eq(attr(r, "emoji"), "\xf0\x9f\x98\x80");
	ck_assert_str_eq(attr(r, "d"), "1");   /* both kept, the first found */
	ck_assert_str_eq(attr(r, "neg"), "-0.5e1");
	/* a \u0000 escape would cut the value: refused */
	refused(r, "{\"a\":\"x\\u0000y\"}", 16, TP_ESYNTAX, 8);
	/* raw control characters in strings */
	refused(r, "{\"a\":\"x\ty\"}", 11, TP_ESYNTAX, 8);
	refused(r, "{\"a\x01\":1}", 8, TP_ESYNTAX, 4);
	/* lone surrogates, bad escapes */
	refused(r, "{\"a\":\"\\ud83d\"}", 14, TP_ESYNTAX, 7);
	refused(r, "{\"a\":\"\\ude00\"}", 14, TP_ESYNTAX, 7);
	refused(r, "{\"a\":\"\\x\"}", 10, TP_ESYNTAX, 7);
	refused(r, "{\"a\":\"\\u12\"}", 12, TP_ESYNTAX, 7);
	/* numbers outside the grammar */
	refused(r, "{\"a\":01}", 8, TP_ESYNTAX, 6);
	refused(r, "{\"a\":1.}", 8, TP_ESYNTAX, 8);
	refused(r, "{\"a\":+1}", 8, TP_ESYNTAX, 6);
	refused(r, "{\"a\":.5}", 8, TP_ESYNTAX, 6);
	/* keys, separators, literals */
	refused(r, "{a:1}", 5, TP_ESYNTAX, 2);
	refused(r, "{\"a\" 1}", 7, TP_ESYNTAX, 6);
	refused(r, "{\"a\":1,}", 8, TP_ESYNTAX, 8);
	refused(r, "{\"a\":tru}", 9, TP_ESYNTAX, 6);
	refused(r, "{\"a\":[1 2]}", 11, TP_ESYNTAX, 9);
	refused(r, "", 0, TP_ESYNTAX, 1);
	tp_reader_free(r);
}
END_TEST

START_TEST(reader_allocation_failures)
{
	const char *line = "{\"customer_id\":\"c1\",\"ctx\":{\"campaign\":{\"source\":\"g\"}},\"v\":3.5}";
	unsigned long n;
	int ok = 0;

	for (n = 1; n < 1000 && !ok; n++) {
		tp_reader *r = NULL;
		tp_status st;

		tp_test_failing_allocator_install(n);
		st = tp_reader_new(&r);
		if (st == TP_OK) {
			st = tp_reader_parse(r, line, strlen(line), NULL, 1, NULL);
			if (st == TP_OK) {
				size_t k;

				tp_reader_attrs(r, &k);
				ck_assert_uint_eq(k, 3);
				ok = 1;
			}
		}
		ck_assert(st == TP_OK || st == TP_ENOMEM);
		tp_reader_free(r);
		ck_assert_msg(tp_test_live_blocks() == 0, "n=%lu leaked", n);
		tp_test_failing_allocator_remove();
	}
	ck_assert(ok);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("event");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, timestamps_rfc3339);
	tcase_add_test(tc, timestamps_epoch);
	tcase_add_test(tc, timestamp_format);
	tcase_add_test(tc, reader_flattens);
	tcase_add_test(tc, reader_refuses);
	tcase_add_test(tc, reader_strict_json);
	tcase_add_test(tc, reader_allocation_failures);
	suite_add_tcase(s, tc);
	return s;
}
