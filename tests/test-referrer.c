/* SPDX-License-Identifier: MIT */
/*
 * The referrer database: the built-in Matomo data, every lookup rule
 * (www, parent domains, path entries, `{}` patterns, terms, regular
 * expressions), loading and merging files, load faults with their place,
 * allocation failures, and the internal lookup on a parsed URL.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <touchpoint/touchpoint.h>

#include "referrer-private.h"
#include "test-common.h"
#include "util/url.h"

/* ---- helpers ---- */

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

static tp_refdb *
builtin(void)
{
	tp_error *e = tp_error_new();
	tp_refdb *db = NULL;
	tp_status st = tp_refdb_default(&db, e);

	if (st)
		print_errors(e);
	ck_assert_int_eq(st, TP_OK);
	ck_assert_ptr_nonnull(db);
	tp_error_free(e);
	return db;
}

static tp_refdb *
from_text(const char *text)
{
	tp_error *e = tp_error_new();
	tp_refdb *db = NULL;
	tp_status st = tp_refdb_load_string(text, strlen(text), "case.json", &db, e);

	if (st)
		print_errors(e);
	ck_assert_int_eq(st, TP_OK);
	tp_error_free(e);
	return db;
}

struct look {
	tp_status st;
	tp_referrer_info r;
	char term[256];
};

static const struct look *
look(const tp_refdb *db, const char *url)
{
	static struct look l;
	tp_referrer_info init = TP_REFERRER_INFO_INIT;

	memset(&l, 0, sizeof(l));
	l.r = init;
	l.st = tp_refdb_lookup(db, url, strlen(url), l.term, sizeof(l.term), &l.r);
	return &l;
}

/* Assert a lookup: known source (NULL = not known) and term (NULL = none). */
static void
expect(const tp_refdb *db, const char *url, tp_referrer_medium medium,
       const char *source, const char *term)
{
	const struct look *l = look(db, url);

	ck_assert_msg(l->st == TP_OK, "%s: %s", url, tp_strerror(l->st));
	if (!source) {
		ck_assert_msg(!l->r.known, "%s: known as %s", url, l->r.source);
		ck_assert_ptr_null(l->r.source);
		ck_assert_int_eq(l->r.medium, TP_REFERRER_MEDIUM_UNKNOWN);
	} else {
		ck_assert_msg(l->r.known, "%s: not known", url);
		ck_assert_msg(strcmp(l->r.source, source) == 0,
			      "%s: source \"%s\", want \"%s\"", url, l->r.source, source);
		ck_assert_msg(l->r.medium == medium, "%s: medium %s, want %s", url,
			      tp_referrer_medium_name(l->r.medium),
			      tp_referrer_medium_name(medium));
	}
	if (!term) {
		ck_assert_msg(l->r.term == NULL, "%s: term \"%s\"", url, l->r.term);
		ck_assert_uint_eq(l->r.term_len, 0);
	} else {
		ck_assert_msg(l->r.term != NULL, "%s: no term, want \"%s\"", url, term);
		ck_assert_msg(strcmp(l->r.term, term) == 0, "%s: term \"%s\", want \"%s\"",
			      url, l->r.term, term);
		ck_assert_ptr_eq(l->r.term, l->term);
		ck_assert_uint_eq(l->r.term_len, strlen(term));
		ck_assert_int_eq(l->r.term_truncated, 0);
	}
}

#define SEARCH TP_REFERRER_MEDIUM_SEARCH
#define SOCIAL TP_REFERRER_MEDIUM_SOCIAL
#define CHATBOT TP_REFERRER_MEDIUM_CHATBOT
#define EMAIL TP_REFERRER_MEDIUM_EMAIL
#define UNKNOWN TP_REFERRER_MEDIUM_UNKNOWN

/* ---- media ---- */

START_TEST(medium_names)
{
	static const char *const names[] = {
		"unknown", "search", "social", "email", "paid", "chatbot", "internal",
	};
	tp_referrer_medium m;
	int i;

	ck_assert_int_eq(TP_REFERRER_MEDIUM_LAST, 6);
	for (i = 0; i <= TP_REFERRER_MEDIUM_LAST; i++) {
		ck_assert_str_eq(tp_referrer_medium_name((tp_referrer_medium)i), names[i]);
		ck_assert_int_eq(tp_referrer_medium_parse(names[i], &m), TP_OK);
		ck_assert_int_eq(m, i);
	}
	ck_assert_int_eq(TP_REFERRER_MEDIUM_CHATBOT, 5);
	ck_assert_ptr_null(tp_referrer_medium_name((tp_referrer_medium)7));
	ck_assert_ptr_null(tp_referrer_medium_name((tp_referrer_medium)-1));
	ck_assert_int_eq(tp_referrer_medium_parse("SoCiAl", &m), TP_OK);
	ck_assert_int_eq(m, SOCIAL);
	m = SEARCH;
	ck_assert_int_eq(tp_referrer_medium_parse("organic", &m), TP_ENOTFOUND);
	ck_assert_int_eq(m, SEARCH);
	ck_assert_int_eq(tp_referrer_medium_parse(NULL, &m), TP_EINVAL);
	ck_assert_int_eq(tp_referrer_medium_parse("search", NULL), TP_EINVAL);
}
END_TEST

/* ---- the built-in database ---- */

START_TEST(builtin_search)
{
	tp_refdb *db = builtin();

	ck_assert_uint_gt(tp_refdb_count(db), 800);
	ck_assert_uint_gt(tp_refdb_source_count(db), 350);
	expect(db, "https://www.google.com/search?q=running+shoes&hl=en",
	       SEARCH, "Google", "running shoes");
	expect(db, "https://google.com/", SEARCH, "Google", NULL);
	/* google.{}: country code top-level domains, with com/co before them */
	expect(db, "https://www.google.co.uk/search?q=caf%C3%A9&hl=en",
	       SEARCH, "Google", "caf\xc3\xa9");
	expect(db, "http://www.google.de/url?sa=t&q=", SEARCH, "Google", NULL);
	expect(db, "https://www.google.com.br/search?q=t%C3%AAnis", SEARCH,
	       "Google", "t\xc3\xaanis");
	expect(db, "https://m.google.fr/search?q=x", SEARCH, "Google", "x");
	/* google.{} does not take a generic or unknown top-level domain */
	expect(db, "https://google.zz/search?q=x", UNKNOWN, NULL, NULL);
	/* subdomains with their own entries: images.google.{}, news */
	expect(db, "https://images.google.de/search?q=cats", SEARCH,
	       "Google Images", "cats");
	expect(db, "https://news.google.co.jp/?q=tokyo", SEARCH, "Google News", "tokyo");
	expect(db, "https://www.bing.com/search?q=hello%20world&form=QBLH",
	       SEARCH, "Bing", "hello world");
	/* {}.bing.com: a country-code subdomain */
	expect(db, "https://de.bing.com/search?q=hallo", SEARCH, "Bing", "hallo");
	/* Bing lists both q and Q; matching ignores case anyway */
	expect(db, "https://www.bing.com/search?Q=Upper", SEARCH, "Bing", "Upper");
	expect(db, "https://duckduckgo.com/?q=privacy&t=h_", SEARCH, "DuckDuckGo", "privacy");
	expect(db, "https://yandex.ru/search/?text=%D0%BF%D0%BE%D0%B3%D0%BE%D0%B4%D0%B0",
	       SEARCH, "Yandex",
	       "\xd0\xbf\xd0\xbe\xd0\xb3\xd0\xbe\xd0\xb4\xd0\xb0");
	expect(db, "https://yandex.com.tr/search/?text=hava", SEARCH, "Yandex", "hava");
	/* Yahoo! takes p before q */
	expect(db, "https://search.yahoo.com/search?q=second&p=first", SEARCH,
	       "Yahoo!", "first");
	tp_refdb_free(db);
}
END_TEST

START_TEST(builtin_paths)
{
	tp_refdb *db = builtin();

	/* a path entry beats the host's own entry */
	expect(db, "https://www.bing.com/images/search?q=cats&form=HDRSC2",
	       SEARCH, "Bing Images", "cats");
	expect(db, "https://fr.bing.com/images/search?q=chats", SEARCH,
	       "Bing Images", "chats");
	expect(db, "https://www.bing.com/images/search/more?q=x", SEARCH,
	       "Bing Images", "x");
	/* the path matches whole segments only */
	expect(db, "https://www.bing.com/images/searching?q=x", SEARCH, "Bing", "x");
	expect(db, "https://www.bing.com/images?q=x", SEARCH, "Bing", "x");
	expect(db, "https://www.google.com/imgres?imgurl=a&q=pic", SEARCH,
	       "Google Images", "pic");
	expect(db, "https://www.google.co.uk/imgres?imgurl=a", SEARCH,
	       "Google Images", NULL);
	/* path case is ignored */
	expect(db, "https://www.BING.com/Images/Search?q=x", SEARCH, "Bing Images", "x");
	/* an AI assistant under a social network's host */
	expect(db, "https://x.com/i/grok?conversation=1", CHATBOT, "Grok", NULL);
	expect(db, "https://x.com/home", SOCIAL, "Twitter", NULL);
	expect(db, "https://x.com/i/groking", SOCIAL, "Twitter", NULL);
	/* an app referrer with a path entry */
	expect(db, "android-app://com.google.android.googlequicksearchbox/https/www.google.com",
	       SEARCH, "Google", NULL);
	tp_refdb_free(db);
}
END_TEST

START_TEST(builtin_social_chatbot)
{
	tp_refdb *db = builtin();

	expect(db, "https://www.facebook.com/", SOCIAL, "Facebook", NULL);
	expect(db, "https://m.facebook.com/story.php?id=1", SOCIAL, "Facebook", NULL);
	expect(db, "https://l.facebook.com/l.php?u=https%3A%2F%2Fshop.example%2F",
	       SOCIAL, "Facebook", NULL);
	/* parent domains: any subdomain of a listed host */
	expect(db, "https://business.deep.facebook.com/x", SOCIAL, "Facebook", NULL);
	expect(db, "https://t.co/AbCdEf", SOCIAL, "Twitter", NULL);
	expect(db, "https://www.linkedin.com/feed/", SOCIAL, "LinkedIn", NULL);
	expect(db, "https://chatgpt.com/", CHATBOT, "ChatGPT", NULL);
	expect(db, "https://chat.openai.com/c/123", CHATBOT, "ChatGPT", NULL);
	expect(db, "https://gemini.google.com/app", CHATBOT, "Gemini", NULL);
	/* an AI assistant that Matomo also lists as a search engine keeps its parameters */
	expect(db, "https://www.perplexity.ai/search?q=x", CHATBOT, "Perplexity", "x");
	/* you.com is an AI assistant that kept its search parameter */
	expect(db, "https://you.com/search?q=best+shoes", CHATBOT, "You", "best shoes");
	expect(db, "https://claude.ai/chat/1", CHATBOT, "Claude", NULL);
	/* unknown sites and near misses */
	expect(db, "https://shop.example.org/", UNKNOWN, NULL, NULL);
	expect(db, "https://notfacebook.com/", UNKNOWN, NULL, NULL);
	expect(db, "https://facebook.com.evil.example/", UNKNOWN, NULL, NULL);
	tp_refdb_free(db);
}
END_TEST

START_TEST(builtin_regex_params)
{
	tp_refdb *db = builtin();

	/* 1.cz: '/s\/([^\/]+)/' against the whole URL, then q */
	expect(db, "https://1.cz/s/hledat+neco/", SEARCH, "1.cz", "hledat neco");
	expect(db, "https://1.cz/?q=dotaz", SEARCH, "1.cz", "dotaz");
	/* the regex is tried first, as listed, on the whole URL */
	expect(db, "https://1.cz/s/a%20b/?q=other", SEARCH, "1.cz", "a b");
	expect(db, "https://1.cz/s/a%20b?q=other", SEARCH, "1.cz", "a b?q=other");
	tp_refdb_free(db);
}
END_TEST

START_TEST(case_and_forms)
{
	tp_refdb *db = builtin();

	expect(db, "HTTPS://WWW.GOOGLE.COM/SEARCH?Q=Shoes", SEARCH, "Google", "Shoes");
	expect(db, "www.google.com/search?q=no+scheme", SEARCH, "Google", "no scheme");
	expect(db, "//www.google.com/search?q=relative", SEARCH, "Google", "relative");
	expect(db, "https://www.google.com.:443/search?q=dot", SEARCH, "Google", "dot");
	expect(db, "  https://www.google.com/search?q=trim  ", SEARCH, "Google", "trim");
	/* the fragment is searched after the query */
	expect(db, "https://www.google.com/#q=in+fragment", SEARCH, "Google", "in fragment");
	expect(db, "https://www.google.com/?q=query#q=fragment", SEARCH, "Google", "query");
	/* userinfo does not hide the host */
	expect(db, "https://user@www.google.com/search?q=u", SEARCH, "Google", "u");
	tp_refdb_free(db);
}
END_TEST

START_TEST(not_urls)
{
	tp_refdb *db = builtin();
	tp_referrer_info r = TP_REFERRER_INFO_INIT;
	char term[16];

	ck_assert_int_eq(look(db, "")->st, TP_ESYNTAX);
	ck_assert_int_eq(look(db, "/just/a/path?q=1")->st, TP_ESYNTAX);
	ck_assert_int_eq(look(db, "mailto:a@b.example")->st, TP_ESYNTAX);
	ck_assert_int_eq(look(db, "http://www.google.com:99999/")->st, TP_ESYNTAX);
	ck_assert_int_eq(look(db, "http://www.google.com:99999/")->r.known, 0);
	ck_assert_int_eq(look(db, "http://[::1")->st, TP_ESYNTAX);
	/* IPv6 literals and absurd hosts are unknown, not errors */
	expect(db, "http://[2001:db8::1]/search?q=x", UNKNOWN, NULL, NULL);
	{
		char host[400];

		memset(host, 'a', sizeof(host));
		memcpy(host, "http://", 7);
		memcpy(host + sizeof(host) - 12, ".google.com", 12);
		expect(db, host, UNKNOWN, NULL, NULL);
	}
	/* arguments */
	ck_assert_int_eq(tp_refdb_lookup(NULL, "x", 1, term, sizeof(term), &r), TP_EINVAL);
	ck_assert_int_eq(tp_refdb_lookup(db, NULL, 0, term, sizeof(term), &r), TP_EINVAL);
	ck_assert_int_eq(tp_refdb_lookup(db, "x", 1, NULL, 5, &r), TP_EINVAL);
	ck_assert_int_eq(tp_refdb_lookup(db, "x", 1, term, sizeof(term), NULL), TP_EINVAL);
	r.size = 4;
	ck_assert_int_eq(tp_refdb_lookup(db, "x", 1, term, sizeof(term), &r), TP_EINVAL);
	ck_assert_uint_eq(tp_refdb_count(NULL), 0);
	ck_assert_uint_eq(tp_refdb_source_count(NULL), 0);
	tp_refdb_free(NULL);
	tp_refdb_free(db);
}
END_TEST

/* ---- lookup rules on small databases ---- */

START_TEST(parent_domains_two_labels)
{
	tp_refdb *db = from_text(
		"{\"search\": {\"UK\": {\"domains\": [\"uk\"]},"
		" \"CoUK\": {\"domains\": [\"co.uk\"]},"
		" \"Deep\": {\"domains\": [\"a.b.c.example.com\"]},"
		" \"Example\": {\"domains\": [\"www.example.com\"]}},"
		" \"social\": {\"Local\": {\"domains\": [\"localhost\"]}}}");

	/* the walk stops at two labels: "uk" alone is never tried */
	expect(db, "http://shop.example.co.uk/", SEARCH, "CoUK", NULL);
	expect(db, "http://uk/", SEARCH, "UK", NULL);
	expect(db, "http://co.uk/", SEARCH, "CoUK", NULL);
	/* www. is stripped from entries and hosts */
	expect(db, "http://example.com/", SEARCH, "Example", NULL);
	expect(db, "http://www.example.com/", SEARCH, "Example", NULL);
	expect(db, "http://x.y.example.com/", SEARCH, "Example", NULL);
	/* a deeper entry wins over its parents */
	expect(db, "http://z.a.b.c.example.com/", SEARCH, "Deep", NULL);
	expect(db, "http://b.c.example.com/", SEARCH, "Example", NULL);
	expect(db, "http://localhost:8080/", SOCIAL, "Local", NULL);
	ck_assert_uint_eq(tp_refdb_count(db), 5);
	tp_refdb_free(db);
}
END_TEST

START_TEST(path_entries)
{
	tp_refdb *db = from_text(
		"{\"search\": {"
		" \"Host\": {\"domains\": [\"example.com\"]},"
		" \"A\": {\"domains\": [\"example.com/a\"]},"
		" \"AB\": {\"domains\": [\"example.com/a/b/\"]},"
		" \"Sub\": {\"domains\": [\"sub.example.com/x\"]}}}");

	expect(db, "http://example.com/a/b/c?q=1", SEARCH, "AB", NULL);
	expect(db, "http://example.com/a/b", SEARCH, "AB", NULL);
	expect(db, "http://example.com/a/x", SEARCH, "A", NULL);
	expect(db, "http://example.com/a", SEARCH, "A", NULL);
	expect(db, "http://example.com/ab", SEARCH, "Host", NULL);
	expect(db, "http://example.com/", SEARCH, "Host", NULL);
	expect(db, "http://example.com", SEARCH, "Host", NULL);
	expect(db, "http://EXAMPLE.com/A/B", SEARCH, "AB", NULL);
	/* a path entry of a subdomain that does not match lets the walk go on */
	expect(db, "http://sub.example.com/x/y", SEARCH, "Sub", NULL);
	expect(db, "http://sub.example.com/y", SEARCH, "Host", NULL);
	tp_refdb_free(db);
}
END_TEST

START_TEST(terms)
{
	tp_refdb *db = from_text(
		"{\"search\": {\"E\": {\"domains\": [\"e.com\"], \"parameters\": [\"q\", \"p\"]},"
		" \"R\": {\"domains\": [\"r.com\"], \"parameters\": [\"/\\\\/find\\\\/([^\\\\/?]*)/\", \"q\"]}}}");
	const struct look *l;
	char small[8];
	tp_referrer_info r = TP_REFERRER_INFO_INIT;

	/* the first non-blank value, in the order of the parameters */
	expect(db, "http://e.com/?p=a&q=b", SEARCH, "E", "b");
	expect(db, "http://e.com/?q=+&p=x", SEARCH, "E", "x");
	expect(db, "http://e.com/?q=%20%09&q=second", SEARCH, "E", "second");
	expect(db, "http://e.com/?q=&p=", SEARCH, "E", NULL);
	expect(db, "http://e.com/?q", SEARCH, "E", NULL);
	expect(db, "http://e.com/?qq=a&pq=b", SEARCH, "E", NULL);
	/* form decoding; the term keeps its spaces */
	expect(db, "http://e.com/?q=+a+%2B+b+", SEARCH, "E", " a + b ");
	/* bad escapes are kept, invalid UTF-8 is replaced */
	expect(db, "http://e.com/?q=100%+%zz", SEARCH, "E", "100% %zz");
	expect(db, "http://e.com/?q=caf%E9", SEARCH, "E", "caf\xef\xbf\xbd");
	/* a NUL byte is replaced the same way (the term is a whole C
	 * string: expect() checks term_len == strlen(term)); NULs and white
	 * space alone are blank */
	expect(db, "http://e.com/?q=%00nul", SEARCH, "E", "\xef\xbf\xbdnul");
	expect(db, "http://e.com/?q=a%00%00+b", SEARCH, "E",
	       "a\xef\xbf\xbd\xef\xbf\xbd b");
	expect(db, "http://e.com/?q=%00+%00&p=x", SEARCH, "E", "x");
	expect(db, "http://r.com/find/%00x", SEARCH, "R", "\xef\xbf\xbdx");
	ck_assert_int_eq(tp_refdb_lookup(db, "http://e.com/?q=a\0b", 20, small,
					 sizeof(small), &r), TP_OK);
	ck_assert_str_eq(r.term, "a\xef\xbf\xbd" "b");
	ck_assert_uint_eq(r.term_len, 5);
	/* regular expression first, then the query */
	expect(db, "http://r.com/find/some%20thing?q=other", SEARCH, "R", "some thing");
	expect(db, "http://r.com/find/?q=other", SEARCH, "R", "other");
	expect(db, "http://R.COM/FIND/Upper", SEARCH, "R", "Upper");

	/* cut to the buffer at a character boundary */
	l = look(db, "http://e.com/?q=abcdefghij");
	ck_assert_str_eq(l->term, "abcdefghij");
	ck_assert_int_eq(tp_refdb_lookup(db, "http://e.com/?q=abcdefghij", 26,
					 small, sizeof(small), &r), TP_OK);
	ck_assert_str_eq(r.term, "abcdefg");
	ck_assert_uint_eq(r.term_len, 7);
	ck_assert_int_eq(r.term_truncated, 1);
	ck_assert_int_eq(tp_refdb_lookup(db, "http://e.com/?q=%C3%A9%C3%A9%C3%A9%C3%A9",
					 40, small, 6, &r), TP_OK);
	ck_assert_str_eq(r.term, "\xc3\xa9\xc3\xa9");
	ck_assert_int_eq(r.term_truncated, 1);
	/* no buffer: the source still, no term */
	ck_assert_int_eq(tp_refdb_lookup(db, "http://e.com/?q=x", 17, NULL, 0, &r), TP_OK);
	ck_assert_int_eq(r.known, 1);
	ck_assert_ptr_null(r.term);
	/* an old, shorter struct: the term fields are not touched */
	{
		tp_referrer_info old;

		memset(&old, 0x55, sizeof(old));
		old.size = offsetof(tp_referrer_info, term);
		ck_assert_int_eq(tp_refdb_lookup(db, "http://e.com/?q=x", 17, small,
						 sizeof(small), &old), TP_OK);
		ck_assert_int_eq(old.known, 1);
		ck_assert_str_eq(old.source, "E");
		ck_assert_uint_eq(old.term_len, (size_t)0x5555555555555555ull);
	}
	tp_refdb_free(db);
}
END_TEST

START_TEST(patterns)
{
	tp_refdb *db = from_text(
		"{\"search\": {\"Engine\": {\"domains\": [\"engine.{}\", \"{}.engine.com\","
		" \"engine.{}/img\"], \"parameters\": [\"q\"]}},"
		" \"social\": {\"Exact\": {\"domains\": [\"engine.fr\"]}}}");

	expect(db, "http://engine.de/?q=1", SEARCH, "Engine", "1");
	expect(db, "http://www.engine.co.uk/?q=1", SEARCH, "Engine", "1");
	expect(db, "http://engine.com.au/?q=1", SEARCH, "Engine", "1");
	expect(db, "http://engine.edu.pl/?q=1", SEARCH, "Engine", "1");
	expect(db, "http://engine.gov.pl/", UNKNOWN, NULL, NULL);
	expect(db, "http://engine.cat/", SEARCH, "Engine", NULL);
	expect(db, "http://engine.info/", UNKNOWN, NULL, NULL);
	/* an exact entry comes before the pattern */
	expect(db, "http://engine.fr/?q=1", SOCIAL, "Exact", NULL);
	/* m., www2. and search. in front are Matomo's lossy form too */
	expect(db, "http://m.engine.it/?q=1", SEARCH, "Engine", "1");
	expect(db, "http://search.engine.it/?q=1", SEARCH, "Engine", "1");
	/* a country-code subdomain */
	expect(db, "http://nl.engine.com/?q=1", SEARCH, "Engine", "1");
	expect(db, "http://xx.engine.com/?q=1", UNKNOWN, NULL, NULL);
	/* path entries of patterns */
	expect(db, "http://engine.de/img/1", SEARCH, "Engine", NULL);
	ck_assert_uint_eq(tp_refdb_count(db), 4);
	tp_refdb_free(db);
}
END_TEST

START_TEST(source_blocks)
{
	/* Matomo's configurations: one source, several parameter lists */
	tp_refdb *db = from_text(
		"{\"search\": {\"Multi\": ["
		" {\"domains\": [\"one.com\"], \"parameters\": [\"q\"]},"
		" {\"domains\": [\"two.com\"], \"parameters\": [\"text\"]}]}}");

	expect(db, "http://one.com/?text=a&q=b", SEARCH, "Multi", "b");
	expect(db, "http://two.com/?text=a&q=b", SEARCH, "Multi", "a");
	ck_assert_uint_eq(tp_refdb_source_count(db), 1);
	tp_refdb_free(db);
}
END_TEST

START_TEST(same_name_other_medium)
{
	tp_refdb *db = from_text(
		"{\"search\": {\"Google\": {\"domains\": [\"google.com\"], \"parameters\": [\"q\"]}},"
		" \"unknown\": {\"Google\": {\"domains\": [\"support.google.com\"]}},"
		" \"email\": {\"Gmail\": {\"domains\": [\"mail.google.com\"]}},"
		" \"paid\": {\"Ads\": {\"domains\": [\"googleadservices.com\"]}},"
		" \"internal\": {\"Us\": {\"domains\": [\"our-shop.example\"]}}}");

	expect(db, "https://support.google.com/x?q=1", UNKNOWN, "Google", NULL);
	expect(db, "https://www.google.com/?q=1", SEARCH, "Google", "1");
	expect(db, "https://mail.google.com/mail/u/0/", EMAIL, "Gmail", NULL);
	expect(db, "https://www.googleadservices.com/pagead/aclk", TP_REFERRER_MEDIUM_PAID,
	       "Ads", NULL);
	expect(db, "https://our-shop.example/cart", TP_REFERRER_MEDIUM_INTERNAL, "Us", NULL);
	ck_assert_uint_eq(tp_refdb_source_count(db), 5);
	/* "known" with medium unknown */
	ck_assert_int_eq(look(db, "https://support.google.com/")->r.known, 1);
	tp_refdb_free(db);
}
END_TEST

START_TEST(later_wins_in_a_file)
{
	tp_refdb *db = from_text(
		"{\"search\": {\"First\": {\"domains\": [\"dup.com\", \"keep.com\"], \"parameters\": [\"q\"]}},"
		" \"social\": {\"Second\": {\"domains\": [\"DUP.com/\", \"www.dup.com/p\"]}}}");

	expect(db, "http://dup.com/?q=1", SOCIAL, "Second", NULL);
	expect(db, "http://dup.com/p?q=1", SOCIAL, "Second", NULL);
	expect(db, "http://keep.com/?q=1", SEARCH, "First", "1");
	ck_assert_uint_eq(tp_refdb_count(db), 3);
	tp_refdb_free(db);
}
END_TEST

/* ---- files ---- */

static char tmpdir[64];

static const char *
write_tmp(const char *name, const char *text)
{
	static char paths[4][128];
	static int next;
	char *p = paths[next++ % 4];
	FILE *f;

	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/tp-referrer-XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	}
	snprintf(p, 128, "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return p;
}

START_TEST(merge_files)
{
	const char *paths[3];
	tp_refdb *db = NULL;
	tp_error *e = tp_error_new();

	paths[0] = write_tmp("one.json",
		"{\"search\": {\"One\": {\"domains\": [\"google.com\", \"only-one.com\"],"
		" \"parameters\": [\"q\"]}}}");
	paths[1] = write_tmp("two.json",
		"{\"social\": {\"Two\": {\"domains\": [\"google.com\", \"only-two.com\"]}}}");
	ck_assert_int_eq(tp_refdb_load_files(paths, 2, &db, e), TP_OK);
	expect(db, "https://www.google.com/?q=x", SOCIAL, "Two", NULL);
	expect(db, "https://only-one.com/?q=x", SEARCH, "One", "x");
	expect(db, "https://only-two.com/", SOCIAL, "Two", NULL);
	expect(db, "https://www.bing.com/?q=x", UNKNOWN, NULL, NULL);
	ck_assert_uint_eq(tp_refdb_count(db), 3);
	tp_refdb_free(db);

	/* the other order */
	paths[2] = paths[0];
	ck_assert_int_eq(tp_refdb_load_files(paths + 1, 2, &db, e), TP_OK);
	expect(db, "https://www.google.com/?q=x", SEARCH, "One", "x");
	tp_refdb_free(db);

	/* NULL is the built-in database: add to it and override it */
	paths[0] = NULL;
	ck_assert_int_eq(tp_refdb_load_files(paths, 2, &db, e), TP_OK);
	expect(db, "https://www.google.com/?q=x", SOCIAL, "Two", NULL);
	expect(db, "https://www.google.co.uk/?q=x", SEARCH, "Google", "x");
	expect(db, "https://www.bing.com/?q=x", SEARCH, "Bing", "x");
	expect(db, "https://only-two.com/", SOCIAL, "Two", NULL);
	tp_refdb_free(db);

	/* no file: an empty database */
	ck_assert_int_eq(tp_refdb_load_files(NULL, 0, &db, e), TP_OK);
	ck_assert_uint_eq(tp_refdb_count(db), 0);
	expect(db, "https://www.google.com/?q=x", UNKNOWN, NULL, NULL);
	tp_refdb_free(db);
	ck_assert_uint_eq(tp_error_count(e), 0);
	tp_error_free(e);
}
END_TEST

START_TEST(file_errors)
{
	const char *paths[3];
	tp_refdb *db = (tp_refdb *)1;
	tp_error *e = tp_error_new();

	paths[0] = "/nonexistent/referers.json";
	paths[1] = write_tmp("bad.json", "{\"search\": {\"X\": {\"domains\": [\"a b\"]}}}");
	paths[2] = write_tmp("good.json", "{\"search\": {}}");
	ck_assert_int_eq(tp_refdb_load_files(paths, 3, &db, e), TP_EIO);
	ck_assert_ptr_null(db);
	/* every file was read: both faults are reported */
	ck_assert_uint_eq(tp_error_count(e), 2);
	ck_assert_int_eq(tp_error_code(e, 0), TP_EIO);
	ck_assert_str_eq(tp_error_source(e, 0), "/nonexistent/referers.json");
	ck_assert_int_eq(tp_error_code(e, 1), TP_ESCHEMA);
	ck_assert_str_eq(tp_error_source(e, 1), paths[1]);
	ck_assert_str_eq(tp_error_path(e, 1), "$.search.X.domains[0]");
	ck_assert_uint_eq(tp_error_line(e, 1), 1);
	ck_assert_uint_eq(tp_error_column(e, 1), 31);

	ck_assert_int_eq(tp_refdb_load_files(NULL, 1, &db, e), TP_EINVAL);
	ck_assert_int_eq(tp_refdb_load_files(paths, 1, NULL, e), TP_EINVAL);
	ck_assert_int_eq(tp_refdb_load_string(NULL, 0, "x", &db, e), TP_EINVAL);
	ck_assert_int_eq(tp_refdb_load_string("{}", 2, "x", NULL, e), TP_EINVAL);
	ck_assert_int_eq(tp_refdb_default(NULL, e), TP_EINVAL);
	tp_error_free(e);
}
END_TEST

/* One bad input: its status, and a fault at (path, line, column). */
static void
expect_fault(const char *text, tp_status st, const char *path,
	     unsigned long line, unsigned long column, const char *words)
{
	tp_error *e = tp_error_new();
	tp_refdb *db = (tp_refdb *)1;
	size_t i;
	int found = 0;

	ck_assert_int_eq(tp_refdb_load_string(text, strlen(text), "bad.json", &db, e), st);
	ck_assert_ptr_null(db);
	for (i = 0; i < tp_error_count(e); i++) {
		const char *p = tp_error_path(e, i);

		ck_assert_str_eq(tp_error_source(e, i), "bad.json");
		if (((!path && !p) || (path && p && strcmp(p, path) == 0)) &&
		    tp_error_line(e, i) == line && tp_error_column(e, i) == column &&
		    strstr(tp_error_message(e, i), words))
			found = 1;
	}
	if (!found) {
		fprintf(stderr, "want %s %lu:%lu \"%s\", got:\n", path ? path : "-",
			line, column, words);
		print_errors(e);
	}
	ck_assert(found);
	tp_error_free(e);
}

START_TEST(load_faults)
{
	expect_fault("{\n \"search\": {\n  \"X\": {\"domains\": [\"a.com\",]}\n }\n}",
		     TP_ESYNTAX, NULL, 3, 29, "unexpected character ']', expected a value");
	expect_fault("{\"search\": \xff}", TP_EUTF8, NULL, 1, 12, "UTF-8");
	expect_fault("[]", TP_ESCHEMA, "$", 1, 1, "object of media");
	expect_fault("{\n  \"bogus\": {}\n}", TP_ESCHEMA, "$.bogus", 2, 12, "unknown medium");
	expect_fault("{\"search\": []}", TP_ESCHEMA, "$.search", 1, 12, "object of sources");
	expect_fault("{\"search\": {\"X\": 3}}", TP_ESCHEMA, "$.search.X", 1, 18, "must be an object");
	expect_fault("{\"search\": {\"X\": {}}}", TP_ESCHEMA, "$.search.X", 1, 18, "no \"domains\"");
	expect_fault("{\"search\": {\"X\": {\"domains\": \"a.com\"}}}", TP_ESCHEMA,
		     "$.search.X.domains", 1, 30, "array");
	expect_fault("{\"search\": {\"X\": {\"domains\": [], \"params\": []}}}", TP_ESCHEMA,
		     "$.search.X.params", 1, 44, "unknown member");
	expect_fault("{\"search\": {\"X\": {\"domains\": [1]}}}", TP_ESCHEMA,
		     "$.search.X.domains[0]", 1, 31, "must be a string");
	expect_fault("{\"search\": {\"X\": {\"domains\": [\"\"]}}}", TP_ESCHEMA,
		     "$.search.X.domains[0]", 1, 31, "empty domain");
	expect_fault("{\"search\": {\"X\": {\"domains\": [\"ok.com\", \"https://a.com\"]}}}",
		     TP_ESCHEMA, "$.search.X.domains[1]", 1, 41, "scheme");
	expect_fault("{\"search\": {\"X\": {\"domains\": [\"goo{}gle.com\"]}}}", TP_ESCHEMA,
		     "$.search.X.domains[0]", 1, 31, "whole label");
	expect_fault("{\"search\": {\"X\": {\"domains\": [\"a.com:80\"]}}}", TP_ESCHEMA,
		     "$.search.X.domains[0]", 1, 31, "not allowed");
	expect_fault("{\"search\": {\"X\": {\"domains\": [\"a.com/p?q=1\"]}}}", TP_ESCHEMA,
		     "$.search.X.domains[0]", 1, 31, "query");
	expect_fault("{\"search\": {\"X\": {\"domains\": [\"/path\"]}}}", TP_ESCHEMA,
		     "$.search.X.domains[0]", 1, 31, "no host");
	expect_fault("{\"search\": {\"X\": {\"domains\": [\"a.com\"], \"parameters\": \"q\"}}}",
		     TP_ESCHEMA, "$.search.X.parameters", 1, 55, "array");
	expect_fault("{\"search\": {\"X\": {\"domains\": [\"a.com\"], \"parameters\": [\"q\", 2]}}}",
		     TP_ESCHEMA, "$.search.X.parameters[1]", 1, 61, "non-empty string");
	expect_fault("{\"search\": {\"X\": {\"domains\": [\"a.com\"],\n \"parameters\": [\"/a(b/\"]}}}",
		     TP_ESCHEMA, "$.search.X.parameters[0]", 2, 17, "regular expression");
	expect_fault("{\"search\": {\"X\": {\"domains\": [\"a.com\"], \"parameters\": [\"/ab/\"]}}}",
		     TP_ESCHEMA, "$.search.X.parameters[0]", 1, 56, "no group");
	expect_fault("{\"search\": {\"X\": [{\"domains\": [\"a.com\"]}, 5]}}", TP_ESCHEMA,
		     "$.search.X[1]", 1, 43, "must be an object");
	expect_fault("{\"search\": {\"\": {\"domains\": [\"a.com\"]}}}", TP_ESCHEMA,
		     "$.search[\"\"]", 1, 17, "needs a name");
	expect_fault("{\"search\": {\"X\": {\"domains\": [\"a.com\"], \"domains\": []}}}",
		     TP_ESCHEMA, "$.search.X.domains", 1, 30, "more than once");
}
END_TEST

START_TEST(every_fault_reported)
{
	const char *text =
		"{\"bogus\": {},\n"
		" \"search\": {\"X\": {\"domains\": [\"a b\", \"ok.com\", 7]},\n"
		"            \"Y\": {\"domains\": [\"y.com\"], \"parameters\": [\"/(/\"]}}}";
	tp_error *e = tp_error_new();
	tp_refdb *db = NULL;

	ck_assert_int_eq(tp_refdb_load_string(text, strlen(text), "all.json", &db, e),
			 TP_ESCHEMA);
	ck_assert_uint_eq(tp_error_count(e), 4);
	ck_assert_str_eq(tp_error_path(e, 0), "$.bogus");
	ck_assert_str_eq(tp_error_path(e, 1), "$.search.X.domains[0]");
	ck_assert_str_eq(tp_error_path(e, 2), "$.search.X.domains[2]");
	ck_assert_str_eq(tp_error_path(e, 3), "$.search.Y.parameters[0]");
	ck_assert_uint_eq(tp_error_line(e, 3), 3);
	tp_error_free(e);
}
END_TEST

/* ---- allocation failures ---- */

/*
 * Fail the n-th allocation of load() for n = 1, 1 + step, ... until no
 * allocation fails: every failure must give TP_ENOMEM (or a database that
 * works) and leak nothing.
 */
static void
oom_loop(tp_status (*load)(tp_refdb **, tp_error *), const char *probe,
	 const char *source, unsigned long step, unsigned long min_allocs)
{
	unsigned long n;
	int succeeded = 0;

	for (n = 1; n < 100000 && !succeeded; n += step) {
		tp_refdb *db = (tp_refdb *)1;
		tp_error *e;
		tp_status st;

		tp_test_failing_allocator_install(n);
		e = tp_error_new();
		if (!e) {
			tp_test_failing_allocator_remove();
			continue;
		}
		st = load(&db, e);
		if (st == TP_OK) {
			/* A failure may be harmless (giving back slack); the
			 * loop ends when nothing failed. */
			ck_assert_ptr_nonnull(db);
			succeeded = !tp_test_allocation_failed();
			{
				const struct look *l = look(db, probe);

				ck_assert_int_eq(l->r.known, 1);
				ck_assert_str_eq(l->r.source, source);
			}
		} else {
			ck_assert_msg(st == TP_ENOMEM, "n=%lu: %s", n, tp_strerror(st));
			ck_assert_ptr_null(db);
		}
		tp_refdb_free(st == TP_OK ? db : NULL);
		tp_error_free(e);
		ck_assert_msg(tp_test_live_blocks() == 0, "n=%lu leaked %ld blocks",
			      n, tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(succeeded);
	ck_assert_uint_gt(n, min_allocs);
}

static const char small_db[] =
	"{\"search\": {\"E\": [{\"domains\": [\"e.{}\", \"e.com/p\", \"x.e.com\"],"
	" \"parameters\": [\"q\", \"/\\\\/s\\\\/([^\\\\/]+)/\"]},"
	" {\"domains\": [\"f.com\"], \"parameters\": [\"k\"]}]},"
	" \"social\": {\"S\": {\"domains\": [\"s.com\", \"t.s.com\"]}}}";

static tp_status
load_small(tp_refdb **db, tp_error *e)
{
	return tp_refdb_load_string(small_db, strlen(small_db), "small.json", db, e);
}

static const char *oom_paths[3];

static tp_status
load_two_files(tp_refdb **db, tp_error *e)
{
	return tp_refdb_load_files(oom_paths + 1, 2, db, e);
}

static tp_status
load_builtin_and_file(tp_refdb **db, tp_error *e)
{
	return tp_refdb_load_files(oom_paths, 2, db, e);
}

START_TEST(allocation_failures)
{
	oom_paths[0] = NULL;
	oom_paths[1] = write_tmp("small.json", small_db);
	oom_paths[2] = write_tmp("more.json",
		"{\"social\": {\"S\": {\"domains\": [\"e.com/p\", \"u.com\"]}}}");
	/* every allocation of a string and of two merged files */
	oom_loop(load_small, "http://e.de/s/term", "E", 1, 20);
	oom_loop(load_two_files, "http://e.com/p/x", "S", 1, 20);
	/* the built-in database (some 7000 allocations): every 61st */
	oom_loop(tp_refdb_default, "https://www.google.co.uk/search?q=x", "Google", 61, 1000);
	oom_loop(load_builtin_and_file, "http://s.com/", "S", 61, 1000);
}
END_TEST

/* ---- the internal interface ---- */

START_TEST(internal_lookup)
{
	tp_refdb *db = builtin(), *ref;
	tp_referrer_info r = TP_REFERRER_INFO_INIT;
	const char *s = "https://www.google.com/search?q=parsed+once";
	struct tpi_url u;
	char term[64];

	ck_assert(tpi_url_parse(s, strlen(s), &u));
	ck_assert_int_eq(tpi_refdb_lookup_url(db, &u, term, sizeof(term), &r), TP_OK);
	ck_assert_str_eq(r.source, "Google");
	ck_assert_str_eq(r.term, "parsed once");
	ck_assert(tpi_url_parse("/no/host", 8, &u));
	ck_assert_int_eq(tpi_refdb_lookup_url(db, &u, term, sizeof(term), &r), TP_ESYNTAX);
	ck_assert_int_eq(r.known, 0);
	ck_assert_uint_gt(tpi_refdb_memory(db), 50000);
	ck_assert_uint_gt(tpi_referrers_json_len, 10000);
	ck_assert_int_eq(tpi_referrers_json[tpi_referrers_json_len], '\0');

	/* a reference keeps the database alive after tp_refdb_free() */
	ref = tpi_refdb_ref(db);
	ck_assert_ptr_eq(ref, db);
	tp_refdb_free(db);
	expect(ref, "https://t.co/x", SOCIAL, "Twitter", NULL);
	tp_refdb_free(ref);
}
END_TEST

/* ---- threads ---- */

#define THREADS 24   /* more than the pool of match-data blocks */

struct worker {
	const tp_refdb *db;
	int bad;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	static const char *const urls[] = {
		"https://1.cz/s/word%20one/", "https://www.google.de/search?q=zwei",
		"https://t.co/x", "https://shop.example.net/",
	};
	static const char *const want[] = { "word one", "zwei", NULL, NULL };
	int i;

	for (i = 0; i < 4000; i++) {
		tp_referrer_info r = TP_REFERRER_INFO_INIT;
		char term[64];
		int k = i % 4;

		if (tp_refdb_lookup(w->db, urls[k], strlen(urls[k]), term,
				    sizeof(term), &r) != TP_OK ||
		    r.known != (k < 3) ||
		    (want[k] ? !r.term || strcmp(r.term, want[k]) != 0 : r.term != NULL))
			w->bad++;
	}
	return NULL;
}

START_TEST(shared_between_threads)
{
	tp_refdb *db = builtin();
	pthread_t t[THREADS];
	struct worker w[THREADS];
	int i;

	for (i = 0; i < THREADS; i++) {
		w[i].db = db;
		w[i].bad = 0;
		ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_int_eq(w[i].bad, 0);
	}
	tp_refdb_free(db);
}
END_TEST

static void
cleanup(void)
{
	if (tmpdir[0]) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
		tmpdir[0] = '\0';
	}
}

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("referrer");
	TCase *tb = tcase_create("builtin");
	TCase *tr = tcase_create("rules");
	TCase *tl = tcase_create("load");

	tcase_add_test(tb, medium_names);
	tcase_add_test(tb, builtin_search);
	tcase_add_test(tb, builtin_paths);
	tcase_add_test(tb, builtin_social_chatbot);
	tcase_add_test(tb, builtin_regex_params);
	tcase_add_test(tb, case_and_forms);
	tcase_add_test(tb, not_urls);
	tcase_add_test(tb, internal_lookup);
	tcase_add_test(tb, shared_between_threads);
	tcase_add_test(tr, parent_domains_two_labels);
	tcase_add_test(tr, path_entries);
	tcase_add_test(tr, terms);
	tcase_add_test(tr, patterns);
	tcase_add_test(tr, source_blocks);
	tcase_add_test(tr, same_name_other_medium);
	tcase_add_test(tr, later_wins_in_a_file);
	tcase_add_checked_fixture(tl, NULL, cleanup);
	tcase_add_test(tl, merge_files);
	tcase_add_test(tl, file_errors);
	tcase_add_test(tl, load_faults);
	tcase_add_test(tl, every_fault_reported);
	tcase_add_test(tl, allocation_failures);
	suite_add_tcase(s, tb);
	suite_add_tcase(s, tr);
	suite_add_tcase(s, tl);
	return s;
}
