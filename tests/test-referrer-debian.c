/* SPDX-License-Identifier: MIT */
/*
 * Snowplow's own data: the referers.json that Debian's ruby-referer-parser
 * ships. The program exits with 77 (skipped) when the package is not
 * installed; .ci/run installs it.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

#define PATTERN "/usr/share/rubygems-integration/all/gems/referer-parser-*/data/referers.json"

static char path[4096];

static int
find_file(void)
{
	const char *env = getenv("TP_SNOWPLOW_REFERERS");
	glob_t g;
	int found = 0;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s", env);
		return 1;
	}
	if (glob(PATTERN, 0, NULL, &g) == 0) {
		if (g.gl_pathc > 0) {
			/* the highest version sorts last */
			snprintf(path, sizeof(path), "%s", g.gl_pathv[g.gl_pathc - 1]);
			found = 1;
		}
		globfree(&g);
	}
	return found;
}

static void
expect(const tp_refdb *db, const char *url, tp_referrer_medium medium,
       const char *source, const char *term)
{
	tp_referrer_info r = TP_REFERRER_INFO_INIT;
	char buf[256];

	ck_assert_int_eq(tp_refdb_lookup(db, url, strlen(url), buf, sizeof(buf), &r), TP_OK);
	ck_assert_msg(r.known, "%s: not known", url);
	ck_assert_msg(strcmp(r.source, source) == 0, "%s: source %s, want %s", url,
		      r.source, source);
	ck_assert_msg(r.medium == medium, "%s: medium %s", url,
		      tp_referrer_medium_name(r.medium));
	if (term)
		ck_assert_msg(r.term && strcmp(r.term, term) == 0, "%s: term %s", url,
			      r.term ? r.term : "(none)");
	else
		ck_assert_ptr_null(r.term);
}

START_TEST(snowplow_referers_json)
{
	const char *paths[1] = { path };
	tp_error *e = tp_error_new();
	tp_refdb *db = NULL;
	tp_status st = tp_refdb_load_files(paths, 1, &db, e);
	tp_referrer_info r = TP_REFERRER_INFO_INIT;
	size_t i;

	for (i = 0; i < tp_error_count(e); i++) {
		char msg[1024];

		tp_error_format(e, i, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
	}
	ck_assert_int_eq(st, TP_OK);
	ck_assert_uint_gt(tp_refdb_count(db), 1500);
	ck_assert_uint_gt(tp_refdb_source_count(db), 250);

	/* the examples of Snowplow's own test suite */
	expect(db, "http://www.google.com/search?q=gateway+oracle+cards+denise+linn&hl=en&client=safari",
	       TP_REFERRER_MEDIUM_SEARCH, "Google", "gateway oracle cards denise linn");
	expect(db, "http://search.yahoo.com/search?p=the+big+lebowski",
	       TP_REFERRER_MEDIUM_SEARCH, "Yahoo!", "the big lebowski");
	expect(db, "https://www.bing.com/search?q=snowplow", TP_REFERRER_MEDIUM_SEARCH,
	       "Bing", "snowplow");
	/* a path entry before the host's own */
	expect(db, "http://www.bing.com/images/search?q=cats", TP_REFERRER_MEDIUM_SEARCH,
	       "Bing Images", "cats");
	expect(db, "http://www.google.co.uk/imgres?q=dogs&imgurl=x", TP_REFERRER_MEDIUM_SEARCH,
	       "Google Images", "dogs");
	expect(db, "http://orange.fr/webmail/fr_FR/read.html?FOLDER=SF_INBOX",
	       TP_REFERRER_MEDIUM_EMAIL, "Orange Webmail", NULL);
	/* the "unknown" section: known, medium unknown; before the parent */
	expect(db, "http://support.google.com/analytics/answer.py?answer=1",
	       TP_REFERRER_MEDIUM_UNKNOWN, "Google", NULL);
	expect(db, "https://mail.google.com/mail/u/0/", TP_REFERRER_MEDIUM_EMAIL,
	       "Gmail", NULL);
	expect(db, "http://www.facebook.com/l.php?u=http%3A%2F%2Fexample.com",
	       TP_REFERRER_MEDIUM_SOCIAL, "Facebook", NULL);
	expect(db, "http://t.co/fujjnzjbuV", TP_REFERRER_MEDIUM_SOCIAL, "Twitter", NULL);
	/* parent domains */
	expect(db, "http://uk.search.yahoo.com/search?p=x", TP_REFERRER_MEDIUM_SEARCH,
	       "Yahoo!", "x");
	/* not in Snowplow's data */
	ck_assert_int_eq(tp_refdb_lookup(db, "https://chatgpt.com/", 20, NULL, 0, &r), TP_OK);
	ck_assert_int_eq(r.known, 0);
	tp_refdb_free(db);
	tp_error_free(e);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("referrer-debian");
	TCase *tc = tcase_create("snowplow");

	if (!find_file()) {
		fprintf(stderr, "skipped: no %s (install ruby-referer-parser)\n", PATTERN);
		exit(77);
	}
	tcase_add_test(tc, snowplow_referers_json);
	suite_add_tcase(s, tc);
	return s;
}
