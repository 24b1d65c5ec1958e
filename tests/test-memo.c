/* SPDX-License-Identifier: MIT */
/*
 * The caches of a result: the event memo (tp_result_set_cache_size) and
 * the group cache. Both must be invisible: the outputs of an event are
 * the same whether it is classified into a fresh result, a result with
 * the event memo off, or a warm result that remembers it, and the views a
 * result hands out point into the event being classified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

/* Everything a result says about an event, as text. */
static char *
fingerprint(const tp_result *r)
{
	size_t cap = 8192, used = 0, i, len;
	char *s = malloc(cap);
	long n;
	int f, d;

	ck_assert_ptr_nonnull(s);
	n = tp_result_json(r, s, cap);
	ck_assert_int_ge(n, 0);
	ck_assert_int_lt(n, (long)cap);
	used = (size_t)n;
	for (f = 1; f <= tp_field_count(); f++) {
		const char *v = tp_result_field(r, (tp_field)f, &len);

		used += (size_t)snprintf(s + used, cap - used, "|%d=%.*s", f,
					 v ? (int)len : 2, v ? v : "--");
		ck_assert_int_lt(used, cap);
	}
	for (d = 1; d <= TP_DIMENSION_LAST; d++)
		used += (size_t)snprintf(s + used, cap - used, "|d%d=%d", d,
					 tp_result_dimension(r, (tp_dimension)d));
	for (i = 0; i < tp_result_label_count(r); i++) {
		const char *name, *value;

		ck_assert_int_eq(tp_result_label(r, i, &name, &value), TP_OK);
		used += (size_t)snprintf(s + used, cap - used, "|%s:%s", name, value);
		ck_assert_int_lt(used, cap);
	}
	return s;
}

static tp_classifier *
default_classifier(void)
{
	tp_classifier *c = NULL;

	ck_assert_int_eq(tp_classifier_new(NULL, &c, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules_named(c, "default", NULL), TP_OK);
	return c;
}

/* A classifier with the one rule set of the JSON text rules, compiled
 * against the default catalog; *cat and *rs for the caller to free. */
static tp_classifier *
rules_classifier(const char *rules, tp_catalog **cat, tp_ruleset **rs)
{
	tp_classifier *c = NULL;
	tp_error *err = tp_error_new();

	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(tp_catalog_default(cat, NULL), TP_OK);
	ck_assert_msg(tp_ruleset_compile_string(*cat, rules, strlen(rules), "t",
						rs, err) == TP_OK,
		      "%s", tp_error_count(err) ? tp_error_message(err, 0) : "");
	ck_assert_int_eq(tp_classifier_new(*cat, &c, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules(c, *rs), TP_OK);
	tp_error_free(err);
	return c;
}

/*
 * The bundled sample, twice through a warm result (the second pass is
 * answered from the memo), against a result without the memo and, for
 * every fifth event, a fresh result (no cache of any kind).
 */
START_TEST(memo_same_outputs)
{
	tp_classifier *c = default_classifier();
	tp_result *warm = NULL, *off = NULL;
	tp_reader *rd = NULL;
	FILE *f = fopen(tp_test_source("examples/data/sample.ndjson"), "r");
	char *line = NULL;
	size_t cap = 0, lines = 0;
	ssize_t got;
	int pass;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(tp_reader_new(&rd), TP_OK);
	ck_assert_int_eq(tp_result_new(&warm), TP_OK);
	ck_assert_int_eq(tp_result_new(&off), TP_OK);
	ck_assert_uint_eq(tp_result_cache_size(warm), 8192);
	ck_assert_int_eq(tp_result_set_cache_size(off, 0), TP_OK);
	for (pass = 0; pass < 2; pass++) {
		rewind(f);
		while ((got = getline(&line, &cap, f)) > 0) {
			const tp_attr *a;
			size_t na;
			char *want, *have;

			lines++;
			ck_assert_int_eq(tp_reader_parse(rd, line, (size_t)got - 1,
							 "sample", lines, NULL), TP_OK);
			a = tp_reader_attrs(rd, &na);
			ck_assert_int_eq(tp_classify(c, a, na, off), TP_OK);
			ck_assert_int_eq(tp_classify(c, a, na, warm), TP_OK);
			want = fingerprint(off);
			have = fingerprint(warm);
			ck_assert_msg(strcmp(want, have) == 0,
				      "line %zu (pass %d):\n  off:  %s\n  warm: %s",
				      lines, pass + 1, want, have);
			if (lines % 5 == 0) {
				tp_result *fresh = NULL;
				char *cold;

				ck_assert_int_eq(tp_result_new(&fresh), TP_OK);
				ck_assert_int_eq(tp_classify(c, a, na, fresh), TP_OK);
				cold = fingerprint(fresh);
				ck_assert_msg(strcmp(want, cold) == 0,
					      "line %zu:\n  fresh: %s\n  off:   %s",
					      lines, cold, want);
				free(cold);
				tp_result_free(fresh);
			}
			free(want);
			free(have);
		}
	}
	ck_assert_uint_ge(lines, 2000);
	free(line);
	fclose(f);
	tp_reader_free(rd);
	tp_result_free(warm);
	tp_result_free(off);
	tp_classifier_free(c);
}
END_TEST

/*
 * The log of remembered outcomes used as a ring: with logs of 2 KiB
 * (about four entries, overwritten all the time), 16 KiB and 256 KiB
 * (the sample's repeats are answered from it), every event of the
 * sample has the outputs of a result without the memo.
 */
START_TEST(memo_log_wraps)
{
	static const size_t sizes[] = { 2, 16, 256 };
	tp_classifier *c = default_classifier();
	tp_result *r[3] = { NULL, NULL, NULL }, *off = NULL;
	tp_reader *rd = NULL;
	FILE *f = fopen(tp_test_source("examples/data/sample.ndjson"), "r");
	char *line = NULL;
	size_t cap = 0, lines = 0, k;
	ssize_t got;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(tp_reader_new(&rd), TP_OK);
	ck_assert_int_eq(tp_result_new(&off), TP_OK);
	ck_assert_int_eq(tp_result_set_cache_size(off, 0), TP_OK);
	for (k = 0; k < 3; k++) {
		ck_assert_int_eq(tp_result_new(&r[k]), TP_OK);
		ck_assert_int_eq(tp_result_set_cache_size(r[k], sizes[k]), TP_OK);
	}
	while ((got = getline(&line, &cap, f)) > 0) {
		const tp_attr *a;
		size_t na;
		char *want;

		lines++;
		ck_assert_int_eq(tp_reader_parse(rd, line, (size_t)got - 1,
						 "sample", lines, NULL), TP_OK);
		a = tp_reader_attrs(rd, &na);
		ck_assert_int_eq(tp_classify(c, a, na, off), TP_OK);
		want = fingerprint(off);
		for (k = 0; k < 3; k++) {
			char *have;

			ck_assert_int_eq(tp_classify(c, a, na, r[k]), TP_OK);
			have = fingerprint(r[k]);
			ck_assert_msg(strcmp(want, have) == 0,
				      "line %zu (cache %zu):\n"
				      "  off:  %s\n  memo: %s", lines,
				      sizes[k], want, have);
			free(have);
		}
		free(want);
	}
	ck_assert_uint_ge(lines, 2000);
	free(line);
	fclose(f);
	tp_reader_free(rd);
	for (k = 0; k < 3; k++)
		tp_result_free(r[k]);
	tp_result_free(off);
	tp_classifier_free(c);
}
END_TEST

static void
set_attr(tp_attr *a, const char *k, const char *v)
{
	a->key = k;
	a->key_len = strlen(k);
	a->value = v;
	a->value_len = strlen(v);
}

/* A remembered outcome hands out views into the event being classified,
 * and decoded values that equal the first event's. */
START_TEST(memo_views_follow_event)
{
	static const char url[] =
		"https://shop.example/p/7?utm_source=News%20Letter&utm_medium=email&utm_campaign=spring";
	tp_classifier *c = default_classifier();
	tp_result *r = NULL;
	char *u1 = strdup(url), *u2 = strdup(url);
	tp_attr a[2];
	const char *v;
	size_t len;

	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	set_attr(&a[0], "event", "page_view");
	set_attr(&a[1], "url", u1);
	ck_assert_int_eq(tp_classify(c, a, 2, r), TP_OK);
	/* The same bytes elsewhere; the first copy is gone. */
	memset(u1, 'x', strlen(u1));
	set_attr(&a[1], "url", u2);
	ck_assert_int_eq(tp_classify(c, a, 2, r), TP_OK);
	v = tp_result_field(r, TP_FIELD_URL_HOST, &len);
	ck_assert_ptr_nonnull(v);
	ck_assert(v >= u2 && v + len <= u2 + strlen(u2));
	ck_assert_int_eq((int)len, 12);
	ck_assert(memcmp(v, "shop.example", 12) == 0);
	v = tp_result_field(r, TP_FIELD_URL_PATH, &len);
	ck_assert(v >= u2 && v + len <= u2 + strlen(u2));
	ck_assert(len == 4 && memcmp(v, "/p/7", 4) == 0);
	v = tp_result_field(r, TP_FIELD_CAMPAIGN, &len);
	ck_assert(v >= u2 && v + len <= u2 + strlen(u2));
	ck_assert(len == 6 && memcmp(v, "spring", 6) == 0);
	/* decoded: not a view into the url */
	v = tp_result_field(r, TP_FIELD_SOURCE, &len);
	ck_assert(len == 11 && memcmp(v, "News Letter", 11) == 0);
	v = tp_result_field(r, TP_FIELD_URL, &len);
	ck_assert_ptr_eq(v, u2);
	v = tp_result_get(r, "channel_group", &len);
	ck_assert(len == 5 && memcmp(v, "Email", 5) == 0);
	free(u1);
	free(u2);
	tp_result_free(r);
	tp_classifier_free(c);
}
END_TEST

static const char *
medium_of(const tp_classifier *c, tp_result *r, const tp_attr *a, size_t n)
{
	static char buf[64];
	const char *v;
	size_t len;

	ck_assert_int_eq(tp_classify(c, a, n, r), TP_OK);
	v = tp_result_field(r, TP_FIELD_MEDIUM, &len);
	snprintf(buf, sizeof(buf), "%.*s", v ? (int)len : 2, v ? v : "--");
	return buf;
}

/*
 * The referrer memo: one referrer with ever new pages, first on the
 * referrer's own site (internal: the database is not asked), then on
 * another (asked on a remembered referrer), with search terms that need
 * decoding; each event against a result without memo.
 */
START_TEST(referrer_memo_cases)
{
	static const char *const refs[] = {
		"https://www.google.com/search?q=caf%C3%A9+grinder&hl=es",
		"https://shop.example/p/1",
		"https://www.bing.com/search?q=moka",
		"not a url",
		"https://mail.google.com/mail/u/0",
	};
	tp_classifier *c = default_classifier();
	tp_result *warm = NULL, *off = NULL;
	char url[128];
	tp_attr a[3];
	int i;

	ck_assert_int_eq(tp_result_new(&warm), TP_OK);
	ck_assert_int_eq(tp_result_new(&off), TP_OK);
	ck_assert_int_eq(tp_result_set_cache_size(off, 0), TP_OK);
	set_attr(&a[0], "event", "page_view");
	for (i = 0; i < 200; i++) {
		char *want, *have;

		/* pages on the shop, on google.com itself, and new ones */
		snprintf(url, sizeof(url), "https://%s/p/%d",
			 i % 3 == 0 ? "shop.example" : i % 3 == 1 ? "www.google.com" :
			 "other.example", i);
		set_attr(&a[1], "url", url);
		set_attr(&a[2], "referrer", refs[(i / 3) % 5]);
		ck_assert_int_eq(tp_classify(c, a, 3, off), TP_OK);
		ck_assert_int_eq(tp_classify(c, a, 3, warm), TP_OK);
		want = fingerprint(off);
		have = fingerprint(warm);
		ck_assert_msg(strcmp(want, have) == 0, "%s from %s:\n  off:  %s\n  warm: %s",
			      url, refs[(i / 3) % 5], want, have);
		free(want);
		free(have);
	}
	/* the decoded term, remembered */
	set_attr(&a[1], "url", "https://other.example/x");
	set_attr(&a[2], "referrer", refs[0]);
	ck_assert_int_eq(tp_classify(c, a, 3, warm), TP_OK);
	ck_assert_str_eq(tp_result_get(warm, "referrer_term", NULL), "caf\xc3\xa9 grinder");
	ck_assert_str_eq(tp_result_get(warm, "medium", NULL), "organic");
	tp_result_free(warm);
	tp_result_free(off);
	tp_classifier_free(c);
}
END_TEST

/* Reconfiguring a classifier, or classifying with another, forgets. */
START_TEST(memo_forgets_on_reconfigure)
{
	static const char db_json[] =
		"{\"search\": {\"Partner\": {\"domains\": [\"partner.example\"], "
		"\"parameters\": [\"q\"]}}}";
	tp_classifier *c = default_classifier(), *other = default_classifier();
	tp_result *r = NULL;
	tp_refdb *db = NULL;
	tp_attr a[3];

	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	set_attr(&a[0], "event", "page_view");
	set_attr(&a[1], "url", "https://shop.example/");
	set_attr(&a[2], "referrer", "https://partner.example/?q=espresso");
	ck_assert_str_eq(medium_of(c, r, a, 3), "referral");
	ck_assert_str_eq(medium_of(c, r, a, 3), "referral");

	/* a new referrer database: now a search engine */
	ck_assert_int_eq(tp_refdb_load_string(db_json, strlen(db_json), "db",
					      &db, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_set_refdb(c, db), TP_OK);
	ck_assert_str_eq(medium_of(c, r, a, 3), "organic");
	/* another classifier with the same result */
	ck_assert_str_eq(medium_of(other, r, a, 3), "referral");
	ck_assert_str_eq(medium_of(c, r, a, 3), "organic");
	/* an internal domain: the referrer starts no source */
	ck_assert_int_eq(tp_classifier_add_internal_domain(c, "partner.example"),
			 TP_OK);
	ck_assert_str_eq(medium_of(c, r, a, 3), "(none)");
	/* a field map: "url" is no longer the url */
	ck_assert_int_eq(tp_classifier_map_field(c, "referrer", "ref"), TP_OK);
	ck_assert_str_eq(medium_of(c, r, a, 3), "(none)");
	ck_assert_int_eq(tp_classifier_map_field(c, "url", "page"), TP_OK);
	set_attr(&a[2], "ref", "https://other.example/");
	ck_assert_str_eq(medium_of(c, r, a, 3), "referral");
	tp_refdb_free(db);
	tp_result_free(r);
	tp_classifier_free(c);
	tp_classifier_free(other);
}
END_TEST

START_TEST(cache_size_setting)
{
	tp_classifier *c = default_classifier();
	tp_result *r = NULL;
	tp_attr a[2];
	const char *v;
	size_t len;

	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	ck_assert_uint_eq(tp_result_cache_size(r), 8192);
	ck_assert_int_eq(tp_result_set_cache_size(r, 1000), TP_OK);
	ck_assert_uint_eq(tp_result_cache_size(r), 1024);
	ck_assert_int_eq(tp_result_set_cache_size(r, 1), TP_OK);
	ck_assert_uint_eq(tp_result_cache_size(r), 2);
	ck_assert_int_eq(tp_result_set_cache_size(r, (size_t)1 << 24), TP_OK);
	ck_assert_uint_eq(tp_result_cache_size(r), (size_t)1 << 24);
	ck_assert_int_eq(tp_result_set_cache_size(r, ((size_t)1 << 24) + 1),
			 TP_ERANGE);
	ck_assert_uint_eq(tp_result_cache_size(r), (size_t)1 << 24);
	ck_assert_int_eq(tp_result_set_cache_size(NULL, 8), TP_EINVAL);
	ck_assert_uint_eq(tp_result_cache_size(NULL), 0);
	ck_assert_int_eq(tp_result_set_cache_size(r, 2), TP_OK);

	/* Two ways: three alternating events still classify right. */
	set_attr(&a[0], "event", "page_view");
	for (int i = 0; i < 30; i++) {
		static const char *const refs[] = {
			"https://www.google.com/search?q=x",
			"https://blog.example.org/a", "",
		};
		static const char *const want[] = { "organic", "referral", "(none)" };

		set_attr(&a[1], "referrer", refs[i % 3]);
		ck_assert_int_eq(tp_classify(c, a, 2, r), TP_OK);
		v = tp_result_field(r, TP_FIELD_MEDIUM, &len);
		ck_assert_uint_eq(len, strlen(want[i % 3]));
		ck_assert(memcmp(v, want[i % 3], len) == 0);
	}
	/* Off, then on again mid-stream. */
	ck_assert_int_eq(tp_result_set_cache_size(r, 0), TP_OK);
	ck_assert_uint_eq(tp_result_cache_size(r), 0);
	ck_assert_int_eq(tp_classify(c, a, 2, r), TP_OK);
	ck_assert_int_eq(tp_result_set_cache_size(r, 64), TP_OK);
	ck_assert_int_eq(tp_classify(c, a, 2, r), TP_OK);
	ck_assert_int_eq(tp_classify(c, a, 2, r), TP_OK);
	v = tp_result_field(r, TP_FIELD_MEDIUM, &len);
	ck_assert(len == 6 && memcmp(v, "(none)", 6) == 0);
	set_attr(&a[1], "referrer", "https://blog.example.org/a");
	ck_assert_int_eq(tp_classify(c, a, 2, r), TP_OK);
	v = tp_result_field(r, TP_FIELD_MEDIUM, &len);
	ck_assert(len == 8 && memcmp(v, "referral", 8) == 0);
	tp_result_free(r);
	tp_classifier_free(c);
}
END_TEST

/*
 * A group keyed by the truth values of the atoms that read a field with
 * many values (here the referrer, by `contains` and a regex): hundreds of
 * distinct referrers through one warm result give what each gives in a
 * fresh one.
 */
START_TEST(group_cache_by_atoms)
{
	static const char rules[] =
		"{\"name\": \"t\", \"groups\": [{\"name\": \"g\", \"rules\": [\n"
		" {\"name\": \"maps\", \"when\": {\"all\": [{\"field\": \"event\", \"eq\": \"page_view\"},\n"
		"   {\"field\": \"referrer\", \"contains\": \"google.com/maps\"}]},\n"
		"  \"set\": {\"touchpoint\": \"local_search\"}},\n"
		" {\"name\": \"groups\", \"when\": {\"field\": \"referrer\",\n"
		"   \"regex\": \"^https?://([a-z]+\\\\.)?facebook\\\\.com/groups/\"},\n"
		"  \"set\": {\"touchpoint\": \"social_group\"}},\n"
		" {\"name\": \"other\", \"when\": {\"field\": \"referrer\", \"exists\": true},\n"
		"  \"set\": {\"channel\": \"website\"}}]}]}";
	static const char *const forms[][2] = {
		{ "https://www.google.com/maps/place/", "" },
		{ "https://facebook.com/groups/", "/" },
		{ "https://www.facebook.com/groups/", "" },
		{ "https://www.facebook.com/", "" },
		{ "https://example.org/", "/google.com/maps" },
		{ "https://maps.google.com/", "" },
	};
	tp_catalog *cat = NULL;
	tp_ruleset *rs = NULL;
	tp_classifier *c = rules_classifier(rules, &cat, &rs);
	tp_result *warm = NULL;
	char ref[128];
	tp_attr a[2];
	int i;

	ck_assert_int_eq(tp_result_new(&warm), TP_OK);
	ck_assert_int_eq(tp_result_set_cache_size(warm, 0), TP_OK);
	set_attr(&a[0], "event", "page_view");
	for (i = 0; i < 600; i++) {
		tp_result *fresh = NULL;
		char *want, *have;

		snprintf(ref, sizeof(ref), "%s%d%s", forms[i % 6][0], i,
			 forms[i % 6][1]);
		set_attr(&a[1], "referrer", ref);
		ck_assert_int_eq(tp_result_new(&fresh), TP_OK);
		ck_assert_int_eq(tp_classify(c, a, 2, fresh), TP_OK);
		ck_assert_int_eq(tp_classify(c, a, 2, warm), TP_OK);
		want = fingerprint(fresh);
		have = fingerprint(warm);
		ck_assert_msg(strcmp(want, have) == 0, "%s:\n  fresh: %s\n  warm:  %s",
			      ref, want, have);
		free(want);
		free(have);
		tp_result_free(fresh);
	}
	/* and the rules did tell the forms apart */
	set_attr(&a[1], "referrer", "https://www.google.com/maps/place/1");
	ck_assert_int_eq(tp_classify(c, a, 2, warm), TP_OK);
	ck_assert_str_eq(tp_result_get(warm, "rule", NULL), "maps");
	set_attr(&a[1], "referrer", "https://www.facebook.com/groups/9");
	ck_assert_int_eq(tp_classify(c, a, 2, warm), TP_OK);
	ck_assert_str_eq(tp_result_get(warm, "rule", NULL), "groups");
	set_attr(&a[1], "referrer", "https://www.facebook.com/9");
	ck_assert_int_eq(tp_classify(c, a, 2, warm), TP_OK);
	ck_assert_str_eq(tp_result_get(warm, "rule", NULL), "other");
	tp_result_free(warm);
	tp_classifier_free(c);
	tp_ruleset_free(rs);
	tp_catalog_free(cat);
}
END_TEST

/*
 * The url keyed by what the derivation reads of it: urls that differ in
 * other query parameters, in their fragment, in the value of gclid, share
 * an entry; each event of a family, classified into a result that has
 * seen the others, has the outputs of a result without the memo (and its
 * views point into its own url). The cases are the edges of the split:
 * '#' before '?', parameters without a value, empty ones, encoded
 * values, names in capitals, white space at the end, more parameters
 * than the key keeps pieces for.
 */
START_TEST(memo_url_key_cases)
{
	static const char *const families[][3] = {
		{ "https://shop.example/p?utm_source=google&utm_medium=cpc&gclid=A1",
		  "https://shop.example/p?utm_source=google&utm_medium=cpc&gclid=B22",
		  "https://shop.example/p?sid=9&utm_source=google&utm_medium=cpc&gclid" },
		{ "https://shop.example/p?gclid=A1&utm_source=google&utm_medium=cpc",
		  "https://shop.example/p?gclid=zzzz&utm_source=google&utm_medium=cpc#x",
		  "https://shop.example/p?GCLID=1&utm_source=google&utm_medium=cpc" },
		{ "https://shop.example/search?q=burr+grinder",
		  "https://shop.example/search?q=milk%20frother&page=2",
		  "https://shop.example/search?" },
		{ "https://shop.example/?gclid=abc",
		  "https://shop.example/?gclid=",
		  "https://shop.example/?x=1&gclid=def&y=2" },
		{ "https://shop.example/n?utm_source=News%20Letter&utm_medium=e%2Dmail&sid=1",
		  "https://shop.example/n?utm_source=News%20Letter&sid=2&utm_medium=e%2Dmail",
		  "https://shop.example/n?utm_source=News+Letter&utm_medium=e-mail" },
		{ "https://shop.example/p#a?utm_source=x&utm_medium=cpc",
		  "https://shop.example/p#b?utm_source=x&utm_medium=cpc",
		  "https://shop.example/p?k=1#?utm_source=x&utm_medium=cpc" },
		{ "https://shop.example/p?a=1&utm_source=x&utm_medium=email#&utm_source=y",
		  "https://shop.example/p?a=2&utm_source=x&utm_medium=email#&utm_medium=cpc",
		  "https://shop.example/p?utm_source=x&utm_medium=email&b=1  " },
		{ "https://shop.example/p?utm_source&utm_source=tw&utm_medium=social&k=1",
		  "https://shop.example/p?utm_source&utm_source=tw&utm_medium=social&k=2",
		  "https://shop.example/p?utm_source=&utm_source=tw&utm_medium=social" },
		{ "https://shop.example/p??&&UTM_SOURCE=fb&&utm_medium=paid_social&&",
		  "https://shop.example/p??&&UTM_SOURCE=fb&x&utm_medium=paid_social",
		  "https://shop.example/p?&UTM_SOURCE=fb&utm_medium=paid_social&" },
		{ "https://shop.example/p?utm_source=a&utm_medium=cpc&utm_campaign=c"
		  "&utm_content=d&utm_term=e&utm_id=f&utm_x=g&utm_y=h&utm_z=i&utm_w=j&s=1",
		  "https://shop.example/p?utm_source=a&utm_medium=cpc&utm_campaign=c"
		  "&utm_content=d&utm_term=e&utm_id=f&utm_x=g&utm_y=h&utm_z=i&utm_w=j&s=2",
		  "https://shop.example/p?utm_source=a&utm_medium=cpc&utm_campaign=c"
		  "&utm_content=d&utm_term=e&utm_id=f&utm_x=g&utm_y=h&utm_z=i&s=3" },
		{ "https://shop.example/v?utm_source=google&utm_medium=cpc&s=1",
		  "https://shop.example/v?utm_source=bing&utm_medium=cpc&s=1",
		  "https://shop.example/v?utm_source=google&utm_medium=email&s=1" },
		{ "https://shop.example/d?utm_source=News%20Letter&utm_medium=email&s=1",
		  "https://shop.example/d?utm_source=Old%20Letter&utm_medium=email&s=2",
		  "https://shop.example/d?utm_source=News%20Letter&utm_medium=e%2Dmail&s=3" },
		{ "https://shop.example:99999/p?utm_source=a&k=1",
		  "https://shop.example:99999/p?utm_source=a&k=2",
		  "https://[::1/p?utm_source=a&k=3" },
	};
	tp_classifier *c = default_classifier();
	tp_result *warm = NULL, *off = NULL;
	tp_attr a[3];
	size_t f, k, round;

	ck_assert_int_eq(tp_result_new(&warm), TP_OK);
	ck_assert_int_eq(tp_result_new(&off), TP_OK);
	ck_assert_int_eq(tp_result_set_cache_size(off, 0), TP_OK);
	set_attr(&a[0], "event", "page_view");
	set_attr(&a[2], "referrer", "https://www.google.com/");
	for (round = 0; round < 3; round++) {
		for (f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
			for (k = 0; k < 3; k++) {
				char *u = strdup(families[f][k]), *want, *have;
				const char *v;
				size_t len;

				ck_assert_ptr_nonnull(u);
				set_attr(&a[1], "url", u);
				/* with and without the referrer */
				ck_assert_int_eq(tp_classify(c, a, 2 + round % 2, off), TP_OK);
				ck_assert_int_eq(tp_classify(c, a, 2 + round % 2, warm), TP_OK);
				want = fingerprint(off);
				have = fingerprint(warm);
				ck_assert_msg(strcmp(want, have) == 0,
					      "%s (round %zu):\n  off:  %s\n  warm: %s",
					      u, round, want, have);
				v = tp_result_field(warm, TP_FIELD_MEDIUM, &len);
				ck_assert_ptr_nonnull(v);
				v = tp_result_field(warm, TP_FIELD_URL_PATH, &len);
				if (v)
					ck_assert(v >= u && v + len <= u + strlen(u));
				free(want);
				free(have);
				free(u);
			}
		}
	}
	tp_result_free(warm);
	tp_result_free(off);
	tp_classifier_free(c);
}
END_TEST

/* A remembered utm value in the query points into the new event's url,
 * where its parameter is there, not where it was in the first. */
START_TEST(memo_url_key_views)
{
	static const char *const urls[] = {
		"https://shop.example/p?utm_source=google&utm_medium=cpc&utm_campaign=spring",
		"https://shop.example/p?sid=123456&utm_source=google&utm_medium=cpc&x=1&utm_campaign=spring",
		"https://shop.example/p?utm_source=google&a=1&b=2&utm_medium=cpc&utm_campaign=spring&gclid=Q",
	};
	tp_classifier *c = default_classifier();
	tp_result *r = NULL;
	tp_attr a[2];
	size_t i;

	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	set_attr(&a[0], "event", "page_view");
	for (i = 0; i < 9; i++) {
		char *u = strdup(urls[i % 3]);
		const char *v, *want;
		size_t len;

		ck_assert_ptr_nonnull(u);
		set_attr(&a[1], "url", u);
		ck_assert_int_eq(tp_classify(c, a, 2, r), TP_OK);
		want = strstr(u, "spring");
		v = tp_result_field(r, TP_FIELD_CAMPAIGN, &len);
		ck_assert_ptr_eq(v, want);
		ck_assert_uint_eq(len, 6);
		v = tp_result_field(r, TP_FIELD_MEDIUM, &len);
		ck_assert_ptr_eq(v, strstr(u, "cpc"));
		v = tp_result_field(r, TP_FIELD_SOURCE, &len);
		ck_assert_ptr_eq(v, strstr(u, "google"));
		ck_assert_str_eq(tp_result_get(r, "channel_group", NULL), "Paid Search");
		free(u);
	}
	tp_result_free(r);
	tp_classifier_free(c);
}
END_TEST

/* A rule that reads the url itself: the memo keys the whole url, so
 * urls that differ in a parameter the derivation ignores keep their own
 * outcomes. */
START_TEST(memo_url_read_by_rule)
{
	static const char rules[] =
		"{\"name\": \"t\", \"groups\": [{\"name\": \"g\", \"rules\": [\n"
		" {\"name\": \"promo\", \"when\": {\"field\": \"url\", \"contains\": \"promo=1\"},\n"
		"  \"set\": {\"touchpoint\": \"coupon\"}},\n"
		" {\"name\": \"other\", \"when\": {\"field\": \"url\", \"exists\": true},\n"
		"  \"set\": {\"touchpoint\": \"social_group\"}}]}]}";
	tp_catalog *cat = NULL;
	tp_ruleset *rs = NULL;
	tp_classifier *c = rules_classifier(rules, &cat, &rs);
	tp_result *r = NULL;
	tp_attr a[2];
	int i;

	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	set_attr(&a[0], "event", "page_view");
	for (i = 0; i < 8; i++) {
		set_attr(&a[1], "url", i % 2 ? "https://shop.example/p?promo=2"
					     : "https://shop.example/p?promo=1");
		ck_assert_int_eq(tp_classify(c, a, 2, r), TP_OK);
		ck_assert_str_eq(tp_result_get(r, "rule", NULL),
				 i % 2 ? "other" : "promo");
	}
	tp_result_free(r);
	tp_classifier_free(c);
	tp_ruleset_free(rs);
	tp_catalog_free(cat);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("memo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, memo_same_outputs);
	tcase_add_test(tc, memo_log_wraps);
	tcase_add_test(tc, memo_views_follow_event);
	tcase_add_test(tc, memo_forgets_on_reconfigure);
	tcase_add_test(tc, referrer_memo_cases);
	tcase_add_test(tc, cache_size_setting);
	tcase_add_test(tc, group_cache_by_atoms);
	tcase_add_test(tc, memo_url_key_cases);
	tcase_add_test(tc, memo_url_key_views);
	tcase_add_test(tc, memo_url_read_by_rule);
	suite_add_tcase(s, tc);
	return s;
}
