/* SPDX-License-Identifier: MIT */
/*
 * White-box tests of the journey store's customers (lib/journey/add.c):
 * customers whose ids have the same hash stay apart, whether they come
 * in one batch or one by one; ids with a NUL byte are refused, whatever
 * their length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"
#include "journey/journey-private.h"

struct hashed {
	uint32_t hash;
	uint32_t n;
};

static int
cmp_hashed(const void *pa, const void *pb)
{
	const struct hashed *a = pa, *b = pb;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return a->n < b->n ? -1 : a->n > b->n;
}

/* Two different customer ids with the same tpi_strhash(): among 400,000
 * ids of 32-bit hashes some surely collide. */
static void
colliding_ids(char a[16], char b[16])
{
	enum { N = 400000 };
	struct hashed *v = malloc(N * sizeof(*v));
	char id[16];
	uint32_t i;

	ck_assert_ptr_nonnull(v);
	for (i = 0; i < N; i++) {
		snprintf(id, sizeof(id), "k%u", i);
		v[i].hash = tpi_strhash(id, strlen(id));
		v[i].n = i;
	}
	qsort(v, N, sizeof(*v), cmp_hashed);
	for (i = 1; i < N; i++) {
		if (v[i].hash == v[i - 1].hash) {
			snprintf(a, 16, "k%u", v[i - 1].n);
			snprintf(b, 16, "k%u", v[i].n);
			free(v);
			ck_assert_str_ne(a, b);
			ck_assert_uint_eq(tpi_strhash(a, strlen(a)),
					  tpi_strhash(b, strlen(b)));
			return;
		}
	}
	free(v);
	ck_abort_msg("no two ids of the same hash");
}

static tp_touch
touch(const char *customer, int64_t minute)
{
	tp_touch t = TP_TOUCH_INIT;

	t.customer_id = customer;
	t.customer_id_len = strlen(customer);
	t.timestamp_ms = minute * 60000;
	t.event = "view";
	t.event_len = 4;
	return t;
}

/* The times of a customer's journey, in order. */
static void
assert_journey(const tp_journey_store *s, const char *customer,
	       const int64_t *minutes, size_t n)
{
	int64_t c = tp_journey_store_find_customer(s, customer);
	size_t first, count, i;

	ck_assert_int_ge(c, 0);
	ck_assert_str_eq(tp_journey_store_customer_id(s, (size_t)c), customer);
	ck_assert_int_eq(tp_journey_store_journey(s, (size_t)c, &first, &count),
			 TP_OK);
	ck_assert_uint_eq(count, n);
	for (i = 0; i < n; i++) {
		tp_journey_event e = TP_JOURNEY_EVENT_INIT;

		ck_assert_int_eq(tp_journey_store_event(s, first + i, &e), TP_OK);
		ck_assert_int_eq(e.timestamp_ms, minutes[i] * 60000);
		ck_assert_uint_eq(e.customer, (size_t)c);
	}
}

START_TEST(same_hash_customers)
{
	static const int64_t ta[] = { 1, 3, 8 }, tb[] = { 0, 2, 6 }, tx[] = { 4 };
	char a[16], b[16];
	tp_catalog *c;
	tp_touch t[7];
	int step;
	size_t i;

	colliding_ids(a, b);
	t[0] = touch(a, 1);
	t[1] = touch(b, 2);
	t[2] = touch(a, 3);
	t[3] = touch("x", 4);
	t[4] = touch(b, 0);
	t[5] = touch(b, 6);
	t[6] = touch(a, 8);
	ck_assert_int_eq(tp_catalog_default(&c, NULL), TP_OK);
	/* step 0: one by one, with questions on the way; 1: in one batch,
	 * whose customers are looked up together. */
	for (step = 0; step < 2; step++) {
		tp_journey_store *s;

		ck_assert_int_eq(tp_journey_store_new(c, NULL, &s, NULL), TP_OK);
		if (step) {
			ck_assert_int_eq(tp_journey_store_add_batch(s, t, 7, NULL, NULL),
					 TP_OK);
		} else {
			for (i = 0; i < 7; i++) {
				ck_assert_int_eq(tp_journey_store_add(s, &t[i], NULL),
						 TP_OK);
				if (i == 1)
					ck_assert_uint_eq(tp_journey_store_customer_count(s), 2);
				if (i == 4) {
					ck_assert_int_eq(tp_journey_store_find_customer(s, b), 1);
					ck_assert_int_eq(tp_journey_store_find_customer(s, a), 0);
				}
			}
		}
		ck_assert_int_eq(tp_journey_store_finish(s), TP_OK);
		ck_assert_uint_eq(tp_journey_store_customer_count(s), 3);
		ck_assert_int_eq(tp_journey_store_find_customer(s, a), 0);
		ck_assert_int_eq(tp_journey_store_find_customer(s, b), 1);
		ck_assert_int_eq(tp_journey_store_find_customer(s, "x"), 2);
		assert_journey(s, a, ta, 3);
		assert_journey(s, b, tb, 3);
		assert_journey(s, "x", tx, 1);
		tp_journey_store_free(s);
	}
	tp_catalog_free(c);
}
END_TEST

START_TEST(nul_bytes)
{
	/* Every length up to 24, a NUL at each position or none. */
	char buf[32];
	size_t len, at;

	for (len = 0; len <= 24; len++) {
		memset(buf, 'x', sizeof(buf));
		ck_assert(!tpi_has_nul(buf, len));
		for (at = 0; at < len; at++) {
			buf[at] = '\0';
			ck_assert_msg(tpi_has_nul(buf, len), "len %zu at %zu", len, at);
			buf[at] = (char)0x80;   /* high bytes are no NUL */
			ck_assert(!tpi_has_nul(buf, len));
			buf[at] = 'x';
		}
		/* A NUL just past the end does not count. */
		buf[len] = '\0';
		ck_assert(!tpi_has_nul(buf, len));
	}
}
END_TEST

START_TEST(refused_ids)
{
	tp_catalog *c;
	tp_journey_store *s;
	tp_touch t = TP_TOUCH_INIT;
	tp_error *err = tp_error_new();

	ck_assert_int_eq(tp_catalog_default(&c, NULL), TP_OK);
	ck_assert_int_eq(tp_journey_store_new(c, NULL, &s, NULL), TP_OK);
	t.customer_id = "abcdef\0h";
	t.customer_id_len = 9;
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_EINVAL);
	ck_assert_ptr_nonnull(strstr(tp_error_message(err, 0), "customer_id"));
	ck_assert_uint_eq(tp_journey_store_event_count(s), 0);
	t.customer_id_len = 6;
	ck_assert_int_eq(tp_journey_store_add(s, &t, err), TP_OK);
	ck_assert_uint_eq(tp_journey_store_customer_count(s), 1);
	tp_journey_store_free(s);
	tp_error_free(err);
	tp_catalog_free(c);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("journey_customers");
	TCase *tc = tcase_create("customers");

	tcase_add_test(tc, same_hash_customers);
	tcase_add_test(tc, nul_bytes);
	tcase_add_test(tc, refused_ids);
	suite_add_tcase(s, tc);
	return s;
}
