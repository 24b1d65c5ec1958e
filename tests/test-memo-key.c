/* SPDX-License-Identifier: MIT */
/*
 * White-box tests of the event memo's key of a url (lib/memo.c,
 * tpi_memo_key_url()): what it keeps of a url, and the pieces that map
 * offsets in the key back to the url.
 */
#include <stdio.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "classifier-private.h"
#include "test-common.h"
#include "util/mem.h"

struct keyed {
	bool use, changed;
	const char *key;
	size_t n;
};

/* The key of url, for a classifier whose rules read the url or not. */
static struct keyed
key_of(tp_result *r, const char *url, bool url_read)
{
	static struct tpi_str attrs[TPI_C_COUNT];
	tp_classifier c;
	struct keyed k = { true, false, NULL, 0 };

	memset(&c, 0, sizeof(c));
	memset(attrs, 0, sizeof(attrs));
	c.url_read = url_read;
	r->attrs = attrs;
	attrs[TPI_C_URL].p = url;
	attrs[TPI_C_URL].n = url ? strlen(url) : 0;
	r->memo_url = attrs[TPI_C_URL];
	r->n_url_pieces = 0;
	ck_assert_int_eq(tpi_memo_key_url(&c, r, &k.use, &k.changed), TP_OK);
	k.key = r->memo_url.p;
	k.n = r->memo_url.n;
	return k;
}

/* The pieces cover the key, in order, each byte either in a piece that
 * holds the url's bytes or a single '&' between two pieces. */
static void
check_pieces(const tp_result *r, const char *url)
{
	size_t k, at = 0;

	ck_assert_uint_ge(r->n_url_pieces, 1);
	ck_assert_uint_le(r->n_url_pieces, TPI_URL_PIECES);
	for (k = 0; k < r->n_url_pieces; k++) {
		const struct tpi_url_piece *pc = &r->url_pieces[k];

		if (k > 0) {
			const struct tpi_url_piece *prev = &r->url_pieces[k - 1];

			ck_assert_uint_gt(pc->raw, prev->raw + prev->n);
			if (pc->key == at + 1)
				ck_assert_int_eq(r->memo_url.p[at], '&');
			else
				ck_assert_uint_eq(pc->key, at);
		} else {
			ck_assert_uint_eq(pc->key, 0);
			ck_assert_uint_eq(pc->raw, 0);
		}
		ck_assert(memcmp(r->memo_url.p + pc->key, url + pc->raw, pc->n) == 0);
		at = pc->key + pc->n;
	}
	ck_assert_uint_eq(at, r->memo_url.n);
}

START_TEST(url_keys)
{
	static const struct {
		const char *url, *key;   /* key NULL: the url itself */
		size_t pieces;
	} cases[] = {
		{ "https://s.example/p?utm_source=a&gclid=XYZ&sid=1&utm_medium=cpc",
		  "https://s.example/p?utm_source=a&gclid&utm_medium=cpc", 2 },
		{ "https://s.example/p?x=1&utm_source=a",
		  "https://s.example/p?utm_source=a", 2 },
		{ "https://s.example/p?utm_source=a&x=1", "https://s.example/p?utm_source=a", 1 },
		{ "https://s.example/p?utm_source=a&utm_medium=b", NULL, 0 },
		{ "https://s.example/p?gclid", NULL, 0 },
		{ "https://s.example/p", NULL, 0 },
		{ "https://s.example/p#f?x=1", NULL, 0 },
		{ "https://s.example/p?x=1#utm_source=a", "https://s.example/p?", 1 },
		{ "https://s.example/p?utm_source=a#x", "https://s.example/p?utm_source=a", 1 },
		{ "https://s.example/p??&&UTM_SOURCE=fb&&", "https://s.example/p?UTM_SOURCE=fb", 2 },
		{ "https://s.example/p?utm_=1&utm_x", "https://s.example/p?utm_x", 2 },
		{ "https://s.example/p?gclidx=1&GCLID=2", "https://s.example/p?GCLID", 2 },
		{ "https://s.example/p?gclid=1&gclid=2", "https://s.example/p?gclid&gclid", 2 },
		{ "https://s.example/p?q=a+b&utm_term=c%20d&page=2&utm_content=e&f",
		  "https://s.example/p?utm_term=c%20d&utm_content=e", 3 },
		{ "?utm_source=a&k", "?utm_source=a", 1 },
		{ "s.example/p?k&utm_medium=m", "s.example/p?utm_medium=m", 2 },
	};
	tp_result r;
	size_t i;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct keyed k = key_of(&r, cases[i].url, false);

		ck_assert(k.use);
		if (!cases[i].key) {
			ck_assert_msg(!k.changed, "%s", cases[i].url);
			ck_assert_ptr_eq(k.key, cases[i].url);
			ck_assert_uint_eq(k.n, strlen(cases[i].url));
			ck_assert_uint_eq(r.n_url_pieces, 0);
			continue;
		}
		ck_assert_msg(k.changed, "%s", cases[i].url);
		ck_assert_msg(k.n == strlen(cases[i].key) &&
			      memcmp(k.key, cases[i].key, k.n) == 0,
			      "%s: key %.*s, not %s", cases[i].url, (int)k.n,
			      k.key, cases[i].key);
		ck_assert_msg(r.n_url_pieces == cases[i].pieces, "%s: %zu pieces",
			      cases[i].url, r.n_url_pieces);
		check_pieces(&r, cases[i].url);
	}
	tpi_free(r.key_url);
}
END_TEST

/* A rule that reads the url, no url, a url with more pieces than the key
 * has room for. */
START_TEST(url_keys_not_made)
{
	char url[512];
	tp_result r;
	struct keyed k;
	size_t used, j;

	memset(&r, 0, sizeof(r));
	k = key_of(&r, "https://s.example/p?x=1&utm_source=a", true);
	ck_assert(k.use && !k.changed);
	k = key_of(&r, NULL, false);
	ck_assert(k.use && !k.changed);
	used = (size_t)snprintf(url, sizeof(url), "https://s.example/p?");
	for (j = 0; j < TPI_URL_PIECES - 1; j++)
		used += (size_t)snprintf(url + used, sizeof(url) - used,
					 "k%zu=1&utm_%zu=v&", j, j);
	k = key_of(&r, url, false);
	ck_assert(k.use && k.changed);
	ck_assert_uint_eq(r.n_url_pieces, TPI_URL_PIECES);
	check_pieces(&r, url);
	snprintf(url + used, sizeof(url) - used, "k=1&utm_last=v");
	k = key_of(&r, url, false);
	ck_assert(!k.use);
	tpi_free(r.key_url);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("memo_key");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, url_keys);
	tcase_add_test(tc, url_keys_not_made);
	suite_add_tcase(s, tc);
	return s;
}
