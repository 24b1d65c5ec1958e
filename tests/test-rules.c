/* SPDX-License-Identifier: MIT */
/*
 * The rule language (rules.h, docs/rules.md) through the public API:
 * every operator with matching and non-matching values, case rules,
 * all/any/not, first match wins, later groups and rule sets reading what
 * earlier ones set, outputs completed from the catalog, the fields a
 * condition reads (derived, raw, dotted, renamed by a field map), every
 * kind of compile fault with its exact place, and allocation failures.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

static tp_catalog *catalog;
static tp_classifier *cls;
static tp_result *res;

static void
setup(void)
{
	ck_assert_int_eq(tp_catalog_default(&catalog, NULL), TP_OK);
}

static void
teardown(void)
{
	tp_result_free(res);
	tp_classifier_free(cls);
	tp_catalog_free(catalog);
	res = NULL;
	cls = NULL;
	catalog = NULL;
}

/* ---- helpers ---- */

static tp_ruleset *
compile(const char *json)
{
	tp_error *err = tp_error_new();
	tp_ruleset *rs = NULL;
	char msg[1024] = "";
	tp_status st;

	ck_assert_ptr_nonnull(err);
	st = tp_ruleset_compile_string(catalog, json, strlen(json), "test.json",
				       &rs, err);
	if (tp_error_count(err))
		tp_error_format(err, 0, msg, sizeof(msg));
	ck_assert_msg(st == TP_OK, "compile: %s: %s", tp_status_name(st), msg);
	ck_assert_ptr_nonnull(rs);
	tp_error_free(err);
	return rs;
}

/* A fresh classifier over the default catalog running these rule sets. */
static void
use_rulesets(const char *const *jsons, size_t n)
{
	size_t i;

	tp_classifier_free(cls);
	cls = NULL;
	ck_assert_int_eq(tp_classifier_new(catalog, &cls, NULL), TP_OK);
	for (i = 0; i < n; i++) {
		tp_ruleset *rs = compile(jsons[i]);

		ck_assert_int_eq(tp_classifier_add_rules(cls, rs), TP_OK);
		tp_ruleset_free(rs);
	}
	/* A fresh result too: see bug_result_reused_with_new_classifier. */
	tp_result_free(res);
	res = NULL;
	ck_assert_int_eq(tp_result_new(&res), TP_OK);
}

static void
use(const char *json)
{
	use_rulesets(&json, 1);
}

#define MAX_ATTRS 16
static tp_attr attrs[MAX_ATTRS];

static void
classify_va(const char *key, va_list ap)
{
	size_t n = 0;

	for (; key; key = va_arg(ap, const char *)) {
		const char *value = va_arg(ap, const char *);

		ck_assert_uint_lt(n, MAX_ATTRS);
		attrs[n].key = key;
		attrs[n].key_len = strlen(key);
		attrs[n].value = value;
		attrs[n].value_len = strlen(value);
		n++;
	}
	ck_assert_int_eq(tp_classify(cls, attrs, n, res), TP_OK);
}

/* Classify an event given as key, value, ..., NULL (just NULL: no attribute). */
static void
classify(const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	classify_va(key, ap);
	va_end(ap);
}

/* A counted result value as a C string (a few static buffers), or NULL. */
static const char *
cstr(const char *v, size_t len)
{
	static char buf[8][512];
	static int i;

	if (!v)
		return NULL;
	i = (i + 1) % 8;
	ck_assert_uint_lt(len, sizeof(buf[0]));
	memcpy(buf[i], v, len);
	buf[i][len] = '\0';
	return buf[i];
}

static const char *
get(const char *name)
{
	size_t len = 0;
	const char *v = tp_result_get(res, name, &len);

	return cstr(v, len);
}

static const char *
field(tp_field f)
{
	size_t len = 0;
	const char *v = tp_result_field(res, f, &len);

	return cstr(v, len);
}

static const char *
str_or_null(const char *s)
{
	return s ? s : "(null)";
}

#define ck_assert_value(got, expected) do { \
	const char *_g = (got), *_e = (expected); \
	ck_assert_msg((_g == NULL && _e == NULL) || \
		      (_g != NULL && _e != NULL && strcmp(_g, _e) == 0), \
		      "%s is \"%s\", expected \"%s\"", #got, str_or_null(_g), \
		      str_or_null(_e)); \
} while (0)

/*
 * Whether a one-rule rule set whose rule has condition `cond` matches the
 * event given as key, value, ..., NULL. The rule set has the list
 * "engines" = ["Google", "bing", "DuckDuckGo"].
 */
static bool
cond_matches(const char *cond, ...)
{
	char json[4096];
	const char *key, *m;
	va_list ap;

	snprintf(json, sizeof(json),
		 "{\"lists\": {\"engines\": [\"Google\", \"bing\", \"DuckDuckGo\"]},\n"
		 " \"groups\": [{\"name\": \"g\", \"rules\": [\n"
		 "   {\"name\": \"hit\", \"when\": %s, \"set\": {\"matched\": \"yes\"}}]}]}\n",
		 cond);
	use(json);
	va_start(ap, cond);
	key = va_arg(ap, const char *);
	classify_va(key, ap);
	va_end(ap);
	m = get("matched");
	return m && strcmp(m, "yes") == 0;
}

#define MATCH(cond, ...) \
	ck_assert_msg(cond_matches(cond, __VA_ARGS__, NULL), \
		      "%s should match %s", cond, #__VA_ARGS__)
#define NO_MATCH(cond, ...) \
	ck_assert_msg(!cond_matches(cond, __VA_ARGS__, NULL), \
		      "%s should not match %s", cond, #__VA_ARGS__)

/* ---- operators ---- */

START_TEST(op_eq)
{
	const char *c = "{\"field\": \"plan\", \"eq\": \"gold\"}";

	MATCH(c, "plan", "gold");
	MATCH(c, "plan", "GoLd");
	NO_MATCH(c, "plan", "golden");
	NO_MATCH(c, "plan", "gol");
	NO_MATCH(c, "plan", "gold ");
	NO_MATCH(c, "other", "gold");
	NO_MATCH(c, NULL);
	/* A list: any of them. */
	c = "{\"field\": \"plan\", \"eq\": [\"silver\", \"gold\"]}";
	MATCH(c, "plan", "Silver");
	MATCH(c, "plan", "gold");
	NO_MATCH(c, "plan", "bronze");
	/* Case-sensitive. */
	c = "{\"field\": \"plan\", \"eq\": \"Gold\", \"case_sensitive\": true}";
	MATCH(c, "plan", "Gold");
	NO_MATCH(c, "plan", "gold");
	NO_MATCH(c, "plan", "GOLD");
	c = "{\"field\": \"plan\", \"eq\": \"Gold\", \"case_sensitive\": false}";
	MATCH(c, "plan", "gOLD");
}
END_TEST

START_TEST(op_ne)
{
	const char *c = "{\"field\": \"plan\", \"ne\": \"gold\"}";

	MATCH(c, "plan", "silver");
	NO_MATCH(c, "plan", "gold");
	NO_MATCH(c, "plan", "GOLD");
	/* A missing or empty field is "not equal". */
	MATCH(c, NULL);
	MATCH(c, "plan", "");
	c = "{\"field\": \"plan\", \"ne\": [\"gold\", \"silver\"]}";
	NO_MATCH(c, "plan", "Silver");
	MATCH(c, "plan", "bronze");
	c = "{\"field\": \"plan\", \"ne\": \"Gold\", \"case_sensitive\": true}";
	MATCH(c, "plan", "gold");
	NO_MATCH(c, "plan", "Gold");
}
END_TEST

START_TEST(op_in_inline)
{
	const char *c = "{\"field\": \"plan\", \"in\": [\"gold\", \"Silver\"]}";

	MATCH(c, "plan", "gold");
	MATCH(c, "plan", "SILVER");
	MATCH(c, "plan", "silver");
	NO_MATCH(c, "plan", "bronze");
	NO_MATCH(c, "plan", "gold ");
	NO_MATCH(c, "plan", "silv");
	NO_MATCH(c, NULL);
	c = "{\"field\": \"plan\", \"in\": [\"Gold\", \"silver\"], \"case_sensitive\": true}";
	MATCH(c, "plan", "Gold");
	MATCH(c, "plan", "silver");
	NO_MATCH(c, "plan", "gold");
	NO_MATCH(c, "plan", "Silver");
}
END_TEST

START_TEST(op_in_list)
{
	/* "engines" = ["Google", "bing", "DuckDuckGo"]: matched ignoring case. */
	const char *c = "{\"field\": \"site\", \"in\": \"engines\"}";

	MATCH(c, "site", "google");
	MATCH(c, "site", "GOOGLE");
	MATCH(c, "site", "duckduckgo");
	MATCH(c, "site", "Bing");
	NO_MATCH(c, "site", "yahoo");
	NO_MATCH(c, "site", "googl");
	NO_MATCH(c, "site", "");
	NO_MATCH(c, NULL);
}
END_TEST

START_TEST(op_prefix)
{
	const char *c = "{\"field\": \"path\", \"prefix\": \"/Checkout\"}";

	MATCH(c, "path", "/checkout/step-1");
	MATCH(c, "path", "/CHECKOUT");
	NO_MATCH(c, "path", "/cart/checkout");
	NO_MATCH(c, "path", "/check");
	NO_MATCH(c, NULL);
	c = "{\"field\": \"path\", \"prefix\": [\"/cart\", \"/basket\"]}";
	MATCH(c, "path", "/basket/2");
	MATCH(c, "path", "/cart");
	NO_MATCH(c, "path", "/bask");
	c = "{\"field\": \"path\", \"prefix\": \"/Checkout\", \"case_sensitive\": true}";
	MATCH(c, "path", "/Checkout/1");
	NO_MATCH(c, "path", "/checkout/1");
}
END_TEST

START_TEST(op_suffix)
{
	const char *c = "{\"field\": \"kind\", \"suffix\": \"push\"}";

	MATCH(c, "kind", "web-push");
	MATCH(c, "kind", "WEB-PUSH");
	MATCH(c, "kind", "push");
	NO_MATCH(c, "kind", "pushed");
	NO_MATCH(c, "kind", "sh");
	NO_MATCH(c, NULL);
	c = "{\"field\": \"kind\", \"suffix\": [\".pdf\", \".zip\"]}";
	MATCH(c, "kind", "report.ZIP");
	NO_MATCH(c, "kind", "report.zip.txt");
	c = "{\"field\": \"kind\", \"suffix\": \"Push\", \"case_sensitive\": true}";
	MATCH(c, "kind", "web-Push");
	NO_MATCH(c, "kind", "web-push");
}
END_TEST

START_TEST(op_contains)
{
	const char *c = "{\"field\": \"name\", \"contains\": \"Cross-Network\"}";

	MATCH(c, "name", "pmax_cross-network_2026");
	MATCH(c, "name", "CROSS-NETWORK");
	NO_MATCH(c, "name", "crossnetwork");
	NO_MATCH(c, "name", "cross-netwo");
	NO_MATCH(c, NULL);
	c = "{\"field\": \"name\", \"contains\": [\"mobile\", \"notification\"]}";
	MATCH(c, "name", "app-Notification-1");
	MATCH(c, "name", "MOBILE");
	NO_MATCH(c, "name", "notify");
	c = "{\"field\": \"name\", \"contains\": \"Sale\", \"case_sensitive\": true}";
	MATCH(c, "name", "Big Sale now");
	NO_MATCH(c, "name", "big sale now");
	MATCH(c, "name", "SSale");
	NO_MATCH(c, "name", "Sal");
	/* A first byte that is not a letter: the same in either case. */
	c = "{\"field\": \"name\", \"contains\": \"/P/\"}";
	MATCH(c, "name", "/p/");
	MATCH(c, "name", "https://shop.example/P/42");
	MATCH(c, "name", "x//p/");
	NO_MATCH(c, "name", "/p");
	NO_MATCH(c, "name", "/q/px");
	/* Candidates that fail before the one that matches; the needle at
	 * the start and at the end; bytes one bit away from a letter. */
	c = "{\"field\": \"name\", \"contains\": \"aab\"}";
	MATCH(c, "name", "aaab");
	MATCH(c, "name", "AAB-x");
	MATCH(c, "name", "x-aAb");
	NO_MATCH(c, "name", "aa");
	NO_MATCH(c, "name", "!!b aa");
	NO_MATCH(c, "name", "@ab");
	NO_MATCH(c, "name", "a\xc3\xa1" "b");
}
END_TEST

START_TEST(op_regex_partial)
{
	const char *c = "{\"field\": \"m\", \"regex\": \"cp\"}";

	MATCH(c, "m", "cpc");
	MATCH(c, "m", "xCPx");
	NO_MATCH(c, "m", "c-p");
	NO_MATCH(c, NULL);
	c = "{\"field\": \"m\", \"regex\": \"cp\", \"match\": \"partial\"}";
	MATCH(c, "m", "xcpx");
	/* Anchors in the pattern work as usual. */
	c = "{\"field\": \"m\", \"regex\": \"^(.*cp.*|ppc|retargeting|paid.*)$\"}";
	MATCH(c, "m", "cpm");
	MATCH(c, "m", "Paid_Social");
	MATCH(c, "m", "retargeting");
	NO_MATCH(c, "m", "unpaid");
	NO_MATCH(c, "m", "retargetings");
	/* Case-sensitive. */
	c = "{\"field\": \"m\", \"regex\": \"^Gold$\", \"case_sensitive\": true}";
	MATCH(c, "m", "Gold");
	NO_MATCH(c, "m", "gold");
	/* PCRE2 syntax, UTF-8 aware: \\d, \\b, Unicode case folding. */
	c = "{\"field\": \"m\", \"regex\": \"\\\\bspring-\\\\d{4}\\\\b\"}";
	MATCH(c, "m", "big spring-2026 sale");
	NO_MATCH(c, "m", "spring-26");
	c = "{\"field\": \"m\", \"regex\": \"^caf\xc3\xa9$\"}";
	MATCH(c, "m", "CAF\xc3\x89");
}
END_TEST

START_TEST(op_regex_full)
{
	const char *c = "{\"field\": \"m\", \"regex\": \"cp\", \"match\": \"full\"}";

	MATCH(c, "m", "cp");
	MATCH(c, "m", "CP");
	NO_MATCH(c, "m", "cpc");
	NO_MATCH(c, "m", "xcp");
	/* The whole pattern is anchored, not just its first and last branch. */
	c = "{\"field\": \"m\", \"regex\": \"a|b\", \"match\": \"full\"}";
	MATCH(c, "m", "b");
	NO_MATCH(c, "m", "ab");
	NO_MATCH(c, "m", "ba");
	c = "{\"field\": \"m\", \"regex\": \"a|ab\", \"match\": \"full\"}";
	MATCH(c, "m", "ab");
	c = "{\"field\": \"m\", \"regex\": \"e[-_ ]?mail\", \"match\": \"full\", "
	    "\"case_sensitive\": true}";
	MATCH(c, "m", "e-mail");
	NO_MATCH(c, "m", "E-mail");
	NO_MATCH(c, "m", "e-mails");
}
END_TEST

START_TEST(op_exists)
{
	const char *c = "{\"field\": \"coupon\", \"exists\": true}";

	MATCH(c, "coupon", "SPRING10");
	MATCH(c, "coupon", "0");
	NO_MATCH(c, NULL);
	NO_MATCH(c, "other", "x");
	/* An empty value counts as missing. */
	NO_MATCH(c, "coupon", "");
	c = "{\"field\": \"coupon\", \"exists\": false}";
	MATCH(c, NULL);
	MATCH(c, "coupon", "");
	NO_MATCH(c, "coupon", "x");
}
END_TEST

START_TEST(op_missing)
{
	const char *c = "{\"field\": \"coupon\", \"missing\": true}";

	MATCH(c, NULL);
	MATCH(c, "coupon", "");
	NO_MATCH(c, "coupon", "x");
	c = "{\"field\": \"coupon\", \"missing\": false}";
	MATCH(c, "coupon", "x");
	NO_MATCH(c, NULL);
}
END_TEST

START_TEST(op_gt)
{
	const char *c = "{\"field\": \"value\", \"gt\": 100}";

	MATCH(c, "value", "100.5");
	MATCH(c, "value", "1e3");
	NO_MATCH(c, "value", "100");
	NO_MATCH(c, "value", "99.99");
	NO_MATCH(c, "value", "abc");
	NO_MATCH(c, "value", "150 EUR");
	NO_MATCH(c, "value", "inf");
	NO_MATCH(c, NULL);
	c = "{\"field\": \"delta\", \"gt\": -1.5}";
	MATCH(c, "delta", "-1");
	NO_MATCH(c, "delta", "-2");
}
END_TEST

START_TEST(op_ge)
{
	const char *c = "{\"field\": \"score\", \"ge\": 9}";

	MATCH(c, "score", "9");
	MATCH(c, "score", "10");
	MATCH(c, "score", "9.0");
	NO_MATCH(c, "score", "8.99");
	NO_MATCH(c, "score", "nine");
	NO_MATCH(c, NULL);
}
END_TEST

START_TEST(op_lt)
{
	const char *c = "{\"field\": \"score\", \"lt\": 3}";

	MATCH(c, "score", "2.5");
	MATCH(c, "score", "-3");
	NO_MATCH(c, "score", "3");
	NO_MATCH(c, "score", "4");
	NO_MATCH(c, "score", "");
	NO_MATCH(c, NULL);
}
END_TEST

START_TEST(op_le)
{
	const char *c = "{\"field\": \"value\", \"le\": 0}";

	MATCH(c, "value", "0");
	MATCH(c, "value", "-12.5");
	NO_MATCH(c, "value", "0.01");
	NO_MATCH(c, "value", "free");
	NO_MATCH(c, NULL);
}
END_TEST

START_TEST(op_host)
{
	const char *c = "{\"field\": \"referrer_host\", \"host\": \"google.com\"}";

	MATCH(c, "referrer", "https://www.google.com/search?q=x");
	MATCH(c, "referrer", "https://google.com/");
	MATCH(c, "referrer", "https://news.google.com/");
	MATCH(c, "referrer", "https://NEWS.GOOGLE.COM/");
	NO_MATCH(c, "referrer", "https://notgoogle.com/");
	NO_MATCH(c, "referrer", "https://google.com.evil.example/");
	NO_MATCH(c, "referrer", "https://google.co.uk/");
	NO_MATCH(c, NULL);
	/* On any field, with a list. */
	c = "{\"field\": \"domain\", \"host\": [\"example.org\", \"example.com\"]}";
	MATCH(c, "domain", "shop.example.com");
	MATCH(c, "domain", "example.org");
	NO_MATCH(c, "domain", "example.net");
	NO_MATCH(c, "domain", "myexample.com");
}
END_TEST

/* ---- combinations ---- */

START_TEST(combinators)
{
	const char *all = "{\"all\": [{\"field\": \"a\", \"eq\": \"1\"}, "
			  "{\"field\": \"b\", \"eq\": \"2\"}]}";
	const char *any = "{\"any\": [{\"field\": \"a\", \"eq\": \"1\"}, "
			  "{\"field\": \"b\", \"eq\": \"2\"}]}";
	const char *not = "{\"not\": {\"field\": \"a\", \"eq\": \"1\"}}";
	const char *nested =
		"{\"all\": [{\"any\": [{\"field\": \"a\", \"eq\": \"1\"}, "
		"                      {\"field\": \"a\", \"eq\": \"2\"}]},"
		"           {\"not\": {\"any\": [{\"field\": \"b\", \"exists\": true}, "
		"                               {\"field\": \"c\", \"eq\": \"x\"}]}}]}";

	MATCH(all, "a", "1", "b", "2");
	NO_MATCH(all, "a", "1", "b", "3");
	NO_MATCH(all, "a", "1");
	MATCH(any, "a", "1");
	MATCH(any, "b", "2");
	NO_MATCH(any, "a", "2", "b", "1");
	NO_MATCH(any, NULL);
	MATCH(not, "a", "2");
	MATCH(not, NULL);
	NO_MATCH(not, "a", "1");
	MATCH(nested, "a", "2", "c", "y");
	NO_MATCH(nested, "a", "2", "b", "z");
	NO_MATCH(nested, "a", "2", "c", "X");
	NO_MATCH(nested, "a", "3");
	/* One element. */
	MATCH("{\"all\": [{\"field\": \"a\", \"exists\": true}]}", "a", "x");
	MATCH("{\"any\": [{\"field\": \"a\", \"exists\": true}]}", "a", "x");
	/* not not. */
	MATCH("{\"not\": {\"not\": {\"field\": \"a\", \"eq\": \"1\"}}}", "a", "1");
}
END_TEST

START_TEST(rule_without_when_always_matches)
{
	use("{\"groups\": [{\"name\": \"g\", \"rules\": ["
	    "{\"name\": \"always\", \"set\": {\"tag\": \"x\"}}]}]}");
	classify(NULL);
	ck_assert_value(get("tag"), "x");
	ck_assert_value(field(TP_FIELD_RULE), "always");
}
END_TEST

START_TEST(first_match_wins)
{
	use("{\"groups\": [{\"name\": \"tiers\", \"rules\": [\n"
	    "  {\"name\": \"first\", \"when\": {\"field\": \"plan\", \"exists\": true},\n"
	    "   \"set\": {\"tier\": \"one\"}},\n"
	    "  {\"name\": \"second\", \"when\": {\"field\": \"plan\", \"eq\": \"gold\"},\n"
	    "   \"set\": {\"tier\": \"two\", \"extra\": \"x\", \"channel\": \"email\"}},\n"
	    "  {\"name\": \"fallback\", \"set\": {\"tier\": \"none\"}}]}]}");
	classify("plan", "gold", NULL);
	ck_assert_value(get("tier"), "one");
	ck_assert_value(get("extra"), NULL);
	ck_assert_value(field(TP_FIELD_CHANNEL), NULL);
	ck_assert_value(field(TP_FIELD_RULE), "first");
	ck_assert_uint_eq(tp_result_label_count(res), 1);
	classify(NULL);
	ck_assert_value(get("tier"), "none");
	ck_assert_value(field(TP_FIELD_RULE), "fallback");
	/* No rule matches: nothing is set. */
	use("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"only\", \"when\": {\"field\": \"plan\", \"exists\": true},\n"
	    "   \"set\": {\"tier\": \"one\"}}]}]}");
	classify("other", "x", NULL);
	ck_assert_value(get("tier"), NULL);
	ck_assert_value(field(TP_FIELD_RULE), NULL);
	ck_assert_uint_eq(tp_result_label_count(res), 0);
}
END_TEST

/* Every group runs; a later one sees the labels and outputs set before it. */
START_TEST(later_groups_read_earlier_outputs)
{
	const char *label, *value;

	use("{\"groups\": [\n"
	    " {\"name\": \"first\", \"rules\": [\n"
	    "   {\"name\": \"mail\", \"when\": {\"field\": \"utm_medium\", \"eq\": \"email\"},\n"
	    "    \"set\": {\"channel_group\": \"Email\", \"channel\": \"email\",\n"
	    "            \"touchpoint\": \"newsletter\", \"stage\": \"loyalty\",\n"
	    "            \"initiator\": \"customer\", \"phase\": \"post_purchase\"}}]},\n"
	    " {\"name\": \"by_label\", \"rules\": [\n"
	    "   {\"name\": \"label seen\", \"when\": {\"field\": \"channel_group\", \"eq\": \"email\"},\n"
	    "    \"set\": {\"t_label\": \"yes\"}}]},\n"
	    " {\"name\": \"by_channel\", \"rules\": [\n"
	    "   {\"name\": \"channel seen\", \"when\": {\"field\": \"channel\", \"eq\": \"email\"},\n"
	    "    \"set\": {\"t_channel\": \"yes\"}}]},\n"
	    " {\"name\": \"by_touchpoint\", \"rules\": [\n"
	    "   {\"name\": \"touchpoint seen\", \"when\": {\"field\": \"touchpoint\", \"eq\": \"newsletter\"},\n"
	    "    \"set\": {\"t_touchpoint\": \"yes\"}}]},\n"
	    " {\"name\": \"by_stage\", \"rules\": [\n"
	    "   {\"name\": \"stage seen\", \"when\": {\"field\": \"stage\", \"eq\": \"loyalty\"},\n"
	    "    \"set\": {\"t_stage\": \"yes\"}}]},\n"
	    " {\"name\": \"by_dimension\", \"rules\": [\n"
	    "   {\"name\": \"dimension seen\", \"when\": {\"all\": [\n"
	    "       {\"field\": \"initiator\", \"eq\": \"customer\"},\n"
	    "       {\"field\": \"phase\", \"eq\": \"post_purchase\"}]},\n"
	    "    \"set\": {\"t_dimension\": \"yes\"}}]}]}");
	classify("utm_source", "shop", "utm_medium", "EMAIL", NULL);
	ck_assert_value(get("channel_group"), "Email");
	ck_assert_value(get("t_label"), "yes");
	ck_assert_value(get("t_channel"), "yes");
	ck_assert_value(get("t_touchpoint"), "yes");
	ck_assert_value(get("t_stage"), "yes");
	ck_assert_value(get("t_dimension"), "yes");
	ck_assert_value(field(TP_FIELD_RULE), "dimension seen");
	ck_assert_uint_eq(tp_result_label_count(res), 6);
	/* Labels come back in the order the classifier first met their names. */
	ck_assert_int_eq(tp_result_label(res, 0, &label, &value), TP_OK);
	ck_assert_str_eq(label, "channel_group");
	ck_assert_str_eq(value, "Email");
	ck_assert_int_eq(tp_result_label(res, 6, &label, &value), TP_EINVAL);

	/* Nothing set: no later rule fires. */
	classify("utm_medium", "cpc", NULL);
	ck_assert_value(get("channel_group"), NULL);
	ck_assert_value(get("t_label"), NULL);
	ck_assert_value(get("t_channel"), NULL);
	ck_assert_value(get("t_touchpoint"), NULL);
	ck_assert_value(get("t_stage"), NULL);
	ck_assert_value(get("t_dimension"), NULL);
	ck_assert_value(field(TP_FIELD_RULE), NULL);
}
END_TEST

/*
 * Completion from the catalog happens after all the rule sets: a later
 * group sees the stage a rule set, not the stage a touchpoint will bring.
 */
START_TEST(completion_happens_after_the_rules)
{
	use("{\"groups\": [\n"
	    " {\"name\": \"tp\", \"rules\": [\n"
	    "   {\"name\": \"checkout\", \"set\": {\"touchpoint\": \"checkout\"}}]},\n"
	    " {\"name\": \"st\", \"rules\": [\n"
	    "   {\"name\": \"saw stage\", \"when\": {\"field\": \"stage\", \"exists\": true},\n"
	    "    \"set\": {\"saw\": \"stage\"}},\n"
	    "   {\"name\": \"saw channel\", \"when\": {\"field\": \"channel\", \"exists\": true},\n"
	    "    \"set\": {\"saw\": \"channel\"}},\n"
	    "   {\"name\": \"saw nothing\", \"set\": {\"saw\": \"nothing\"}}]}]}");
	classify(NULL);
	ck_assert_value(get("saw"), "nothing");
	ck_assert_value(field(TP_FIELD_STAGE), "sale");
	ck_assert_value(field(TP_FIELD_CHANNEL), "website");
}
END_TEST

/* An output falls back to the event's attribute of the same name. */
START_TEST(outputs_fall_back_to_attributes)
{
	use("{\"groups\": [\n"
	    " {\"name\": \"set\", \"rules\": [\n"
	    "   {\"name\": \"mail\", \"when\": {\"field\": \"event\", \"eq\": \"email_open\"},\n"
	    "    \"set\": {\"channel\": \"email\"}}]},\n"
	    " {\"name\": \"test\", \"rules\": [\n"
	    "   {\"name\": \"phone\", \"when\": {\"field\": \"channel\", \"eq\": \"phone\"},\n"
	    "    \"set\": {\"touchpoint\": \"call_center\"}}]}]}");
	/* An offline event naming its channel. */
	classify("event", "call", "channel", "phone", NULL);
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), "call_center");
	ck_assert_value(field(TP_FIELD_CHANNEL), "phone");
	/* The output set by an earlier group wins over the attribute. */
	classify("event", "email_open", "channel", "phone", NULL);
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), NULL);
	ck_assert_value(field(TP_FIELD_CHANNEL), "email");
	/* Neither. */
	classify("event", "call", NULL);
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), NULL);
	ck_assert_value(field(TP_FIELD_CHANNEL), NULL);
}
END_TEST

/* Rule sets run in the order they were added; later ones read earlier ones. */
START_TEST(rule_sets_run_in_order)
{
	const char *sets[2] = {
		"{\"name\": \"one\", \"groups\": [{\"name\": \"g\", \"rules\": [\n"
		"  {\"name\": \"vip\", \"when\": {\"field\": \"plan\", \"eq\": \"gold\"},\n"
		"   \"set\": {\"segment\": \"vip\"}},\n"
		"  {\"name\": \"regular\", \"set\": {\"segment\": \"regular\"}}]}]}",
		"{\"name\": \"two\", \"groups\": [{\"name\": \"g\", \"rules\": [\n"
		"  {\"name\": \"vip offer\", \"when\": {\"field\": \"segment\", \"eq\": \"vip\"},\n"
		"   \"set\": {\"touchpoint\": \"exclusive_offer\", \"segment\": \"vip+\"}}]}]}",
	};

	use_rulesets(sets, 2);
	classify("plan", "gold", NULL);
	ck_assert_value(get("segment"), "vip+");
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), "exclusive_offer");
	ck_assert_value(field(TP_FIELD_RULE), "vip offer");
	classify("plan", "basic", NULL);
	ck_assert_value(get("segment"), "regular");
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), NULL);
	ck_assert_value(field(TP_FIELD_RULE), "regular");
}
END_TEST

START_TEST(identical_conditions_in_many_rules)
{
	/* The same condition in several rules and groups is one atom,
	 * evaluated once per event and per rule set; results stay right. */
	use("{\"groups\": [\n"
	    " {\"name\": \"a\", \"rules\": [\n"
	    "   {\"name\": \"a1\", \"when\": {\"all\": [{\"field\": \"m\", \"regex\": \"^x\"},\n"
	    "                                   {\"field\": \"n\", \"eq\": \"1\"}]},\n"
	    "    \"set\": {\"a\": \"1\"}},\n"
	    "   {\"name\": \"a2\", \"when\": {\"field\": \"m\", \"regex\": \"^x\"}, \"set\": {\"a\": \"2\"}}]},\n"
	    " {\"name\": \"b\", \"rules\": [\n"
	    "   {\"name\": \"b1\", \"when\": {\"not\": {\"field\": \"m\", \"regex\": \"^x\"}},\n"
	    "    \"set\": {\"b\": \"1\"}},\n"
	    "   {\"name\": \"b2\", \"when\": {\"field\": \"m\", \"regex\": \"^x\", \"case_sensitive\": true},\n"
	    "    \"set\": {\"b\": \"2\"}},\n"
	    "   {\"name\": \"b3\", \"set\": {\"b\": \"3\"}}]}]}");
	classify("m", "xyz", "n", "2", NULL);
	ck_assert_value(get("a"), "2");
	ck_assert_value(get("b"), "2");
	classify("m", "Xyz", "n", "1", NULL);
	ck_assert_value(get("a"), "1");
	ck_assert_value(get("b"), "3");
	classify("m", "abc", NULL);
	ck_assert_value(get("a"), NULL);
	ck_assert_value(get("b"), "1");
}
END_TEST

/* ---- outputs completed from the catalog ---- */

START_TEST(touchpoint_brings_channel_stage_phase_dimensions)
{
	int t = tp_catalog_find_touchpoint(catalog, "call_center");
	int d;

	ck_assert_int_ge(t, 0);
	use("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"call\", \"when\": {\"field\": \"event\", \"eq\": \"call\"},\n"
	    "   \"set\": {\"touchpoint\": \"call_center\"}}]}]}");
	classify("event", "call", NULL);
	ck_assert_int_eq(tp_result_touchpoint(res), t);
	ck_assert_int_eq(tp_result_channel(res), tp_catalog_touchpoint_channel(catalog, t));
	ck_assert_int_eq(tp_result_stage(res), tp_catalog_touchpoint_stage(catalog, t));
	ck_assert_value(field(TP_FIELD_CHANNEL), "phone");
	ck_assert_value(field(TP_FIELD_STAGE), "follow_up");
	ck_assert_value(field(TP_FIELD_PHASE), "post_purchase");
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_PHASE), TP_PHASE_POST_PURCHASE);
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_KIND), TP_CHANNEL_KIND_PHYSICAL);
	for (d = TP_DIMENSION_INITIATOR; d <= TP_DIMENSION_LAST; d++)
		ck_assert_int_eq(tp_result_dimension(res, (tp_dimension)d),
				 tp_catalog_touchpoint_dimension(catalog, (size_t)t,
								 (tp_dimension)d));
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_AGENT), TP_AGENT_HUMAN);
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_INTENT), TP_INTENT_REACTIVE);
	ck_assert_value(get("agent"), "human");
	ck_assert_value(get("kind"), "physical");
	/* Nothing matched: nothing completed. */
	classify("event", "visit", NULL);
	ck_assert_int_eq(tp_result_touchpoint(res), TP_ENOTFOUND);
	ck_assert_int_eq(tp_result_channel(res), TP_ENOTFOUND);
	ck_assert_int_eq(tp_result_stage(res), TP_ENOTFOUND);
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_PHASE), 0);
	ck_assert_value(field(TP_FIELD_PHASE), NULL);
}
END_TEST

START_TEST(rule_outputs_win_over_completion)
{
	use("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"call by mail\",\n"
	    "   \"set\": {\"touchpoint\": \"call_center\", \"channel\": \"email\",\n"
	    "           \"stage\": \"loyalty\", \"agent\": \"machine\"}}]}]}");
	classify(NULL);
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), "call_center");
	ck_assert_value(field(TP_FIELD_CHANNEL), "email");
	ck_assert_value(field(TP_FIELD_STAGE), "loyalty");
	/* The phase follows the stage the rule set; the kind the channel. */
	ck_assert_value(field(TP_FIELD_PHASE), "post_purchase");
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_KIND), TP_CHANNEL_KIND_DIGITAL);
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_AGENT), TP_AGENT_MACHINE);
	/* The others still come from the touchpoint. */
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_INTENT), TP_INTENT_REACTIVE);

	/* A stage alone gives its phase; a channel alone its kind. */
	use("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"s\", \"set\": {\"stage\": \"consideration\", \"channel\": \"print\"}}]}]}");
	classify(NULL);
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), NULL);
	ck_assert_value(field(TP_FIELD_STAGE), "consideration");
	ck_assert_value(field(TP_FIELD_PHASE), "pre_purchase");
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_KIND), TP_CHANNEL_KIND_PHYSICAL);
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_INITIATOR), 0);

	/* A touchpoint without a stage keeps its own phase. */
	use("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"v\", \"set\": {\"touchpoint\": \"website_visit\"}}]}]}");
	classify(NULL);
	ck_assert_value(field(TP_FIELD_STAGE), NULL);
	ck_assert_value(field(TP_FIELD_PHASE),
			tp_dimension_value_name(TP_DIMENSION_PHASE,
				tp_catalog_touchpoint_dimension(catalog,
					(size_t)tp_catalog_find_touchpoint(catalog, "website_visit"),
					TP_DIMENSION_PHASE)));
	ck_assert_value(field(TP_FIELD_PHASE), "purchase");
}
END_TEST

START_TEST(labels_and_dimensions_by_name)
{
	use("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"r\", \"set\": {\"channel_group\": \"Mine\", \"segment\": \"a b\",\n"
	    "                           \"business_model\": \"b2b\", \"control\": \"unintentional\"}}]}]}");
	classify(NULL);
	ck_assert_value(field(TP_FIELD_CHANNEL_GROUP), "Mine");
	ck_assert_value(get("segment"), "a b");
	ck_assert_value(get("business_model"), "b2b");
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_BUSINESS_MODEL), TP_BUSINESS_MODEL_B2B);
	ck_assert_int_eq(tp_result_dimension(res, TP_DIMENSION_CONTROL), TP_CONTROL_UNINTENTIONAL);
	ck_assert_uint_eq(tp_result_label_count(res), 2);
}
END_TEST

/*
 * A group where many rules require a value of one field (eq/in) may be
 * indexed by that field; rules that do not require a value of it (other
 * fields, case-sensitive, under any/not) must still be tried in order.
 */
START_TEST(many_rules_on_one_field)
{
	use("{\"lists\": {\"tail\": [\"y\", \"Z\"]},\n"
	    " \"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"r0\", \"when\": {\"field\": \"event\", \"eq\": \"a\"}, \"set\": {\"r\": \"0\"}},\n"
	    "  {\"name\": \"r1\", \"when\": {\"field\": \"url_path\", \"prefix\": \"/x\"}, \"set\": {\"r\": \"1\"}},\n"
	    "  {\"name\": \"r2\", \"when\": {\"field\": \"event\", \"in\": [\"b\", \"c\"]}, \"set\": {\"r\": \"2\"}},\n"
	    "  {\"name\": \"r3\", \"when\": {\"all\": [{\"field\": \"event\", \"eq\": \"d\"},\n"
	    "                                  {\"field\": \"plan\", \"eq\": \"gold\"}]}, \"set\": {\"r\": \"3\"}},\n"
	    "  {\"name\": \"r4\", \"when\": {\"field\": \"event\", \"eq\": [\"d\", \"e\"]}, \"set\": {\"r\": \"4\"}},\n"
	    "  {\"name\": \"r5\", \"when\": {\"field\": \"event\", \"eq\": \"F\", \"case_sensitive\": true},\n"
	    "   \"set\": {\"r\": \"5\"}},\n"
	    "  {\"name\": \"r6\", \"when\": {\"field\": \"event\", \"eq\": \"f\"}, \"set\": {\"r\": \"6\"}},\n"
	    "  {\"name\": \"r7\", \"when\": {\"any\": [{\"field\": \"event\", \"eq\": \"g\"},\n"
	    "                                  {\"field\": \"plan\", \"eq\": \"g\"}]}, \"set\": {\"r\": \"7\"}},\n"
	    "  {\"name\": \"r8\", \"when\": {\"field\": \"event\", \"eq\": \"g\"}, \"set\": {\"r\": \"8\"}},\n"
	    "  {\"name\": \"r9\", \"when\": {\"field\": \"event\", \"in\": \"tail\"}, \"set\": {\"r\": \"9\"}},\n"
	    "  {\"name\": \"r10\", \"when\": {\"not\": {\"field\": \"event\", \"eq\": \"h\"}},\n"
	    "   \"set\": {\"r\": \"10\"}},\n"
	    "  {\"name\": \"r11\", \"when\": {\"field\": \"event\", \"eq\": \"i\"}, \"set\": {\"r\": \"11\"}},\n"
	    "  {\"name\": \"r12\", \"when\": {\"field\": \"event\", \"eq\": \"h\"}, \"set\": {\"r\": \"12\"}},\n"
	    "  {\"name\": \"last\", \"set\": {\"r\": \"last\"}}]}]}");
	static const struct {
		const char *event, *path, *plan, *want;
	} cases[] = {
		{ "a", NULL, NULL, "0" },
		{ "A", "/x/1", NULL, "0" },
		{ "b", "/x/1", NULL, "1" },
		{ "b", NULL, NULL, "2" },
		{ "C", NULL, NULL, "2" },
		{ "d", NULL, "gold", "3" },
		{ "d", NULL, "silver", "4" },
		{ "E", NULL, NULL, "4" },
		{ "F", NULL, NULL, "5" },
		{ "f", NULL, NULL, "6" },
		{ "x", NULL, "g", "7" },
		{ "g", NULL, NULL, "7" },
		{ "Y", NULL, NULL, "9" },
		{ "z", NULL, NULL, "9" },
		{ "i", NULL, NULL, "10" },
		{ "h", NULL, NULL, "12" },
		{ NULL, "/x", NULL, "1" },
		{ NULL, NULL, NULL, "10" },
	};
	size_t i, round;

	/* Twice: the second round may come from the result's cache. */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			char url[64];
			tp_attr a[3];
			size_t n = 0;

			if (cases[i].event) {
				a[n].key = "event";
				a[n].key_len = 5;
				a[n].value = cases[i].event;
				a[n++].value_len = strlen(cases[i].event);
			}
			if (cases[i].path) {
				snprintf(url, sizeof(url), "https://shop.example.com%s", cases[i].path);
				a[n].key = "url";
				a[n].key_len = 3;
				a[n].value = url;
				a[n++].value_len = strlen(url);
			}
			if (cases[i].plan) {
				a[n].key = "plan";
				a[n].key_len = 4;
				a[n].value = cases[i].plan;
				a[n++].value_len = strlen(cases[i].plan);
			}
			ck_assert_int_eq(tp_classify(cls, a, n, res), TP_OK);
			ck_assert_msg(get("r") && strcmp(get("r"), cases[i].want) == 0,
				      "case %zu (event %s): rule %s, expected r%s", i,
				      str_or_null(cases[i].event), str_or_null(get("r")),
				      cases[i].want);
		}
	}
}
END_TEST

/* The same event again, and events that differ only in case or in a
 * field a later group reads: each gets its own outcome. */
START_TEST(repeated_events)
{
	int round;

	use("{\"groups\": [\n"
	    " {\"name\": \"a\", \"rules\": [\n"
	    "   {\"name\": \"gold\", \"when\": {\"field\": \"plan\", \"eq\": \"Gold\", \"case_sensitive\": true},\n"
	    "    \"set\": {\"tier\": \"1\"}},\n"
	    "   {\"name\": \"any plan\", \"when\": {\"field\": \"plan\", \"exists\": true},\n"
	    "    \"set\": {\"tier\": \"2\"}}]},\n"
	    " {\"name\": \"b\", \"rules\": [\n"
	    "   {\"name\": \"tier 1 mail\", \"when\": {\"all\": [{\"field\": \"tier\", \"eq\": \"1\"},\n"
	    "                                         {\"field\": \"medium\", \"eq\": \"email\"}]},\n"
	    "    \"set\": {\"offer\": \"vip mail\"}},\n"
	    "   {\"name\": \"tier 1\", \"when\": {\"field\": \"tier\", \"eq\": \"1\"},\n"
	    "    \"set\": {\"offer\": \"vip\"}}]}]}");
	for (round = 0; round < 3; round++) {
		classify("plan", "Gold", "utm_medium", "email", NULL);
		ck_assert_value(get("tier"), "1");
		ck_assert_value(get("offer"), "vip mail");
		classify("plan", "gold", "utm_medium", "email", NULL);
		ck_assert_value(get("tier"), "2");
		ck_assert_value(get("offer"), NULL);
		classify("plan", "Gold", "utm_medium", "sms", NULL);
		ck_assert_value(get("tier"), "1");
		ck_assert_value(get("offer"), "vip");
		classify("plan", "Gold", NULL);
		ck_assert_value(get("offer"), "vip");
		ck_assert_value(field(TP_FIELD_RULE), "tier 1");
		classify(NULL);
		ck_assert_value(get("tier"), NULL);
		ck_assert_value(get("offer"), NULL);
		ck_assert_value(field(TP_FIELD_RULE), NULL);
	}
}
END_TEST

/*
 * A result remembers group outcomes per classifier; one reused with a new
 * classifier (here usually at the address of the freed one) must forget
 * them: the rules differ.
 */
START_TEST(result_reused_with_new_classifier)
{
	static const char first[] =
		"{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
		"  {\"name\": \"a\", \"when\": {\"field\": \"x\", \"exists\": true}, \"set\": {\"v\": \"a\"}},\n"
		"  {\"name\": \"b\", \"when\": {\"field\": \"x\", \"eq\": \"1\"}, \"set\": {\"v\": \"b\"}},\n"
		"  {\"name\": \"c\", \"set\": {\"v\": \"c\"}}]}]}";
	static const char second[] =
		"{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
		"  {\"name\": \"only\", \"when\": {\"field\": \"x\", \"eq\": \"2\"}, \"set\": {\"v\": \"z\"}}]}]}";
	tp_ruleset *rs;
	tp_result *r;
	int i;

	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	for (i = 0; i < 4; i++) {
		const char *json = i % 2 ? second : first;

		rs = compile(json);
		tp_classifier_free(cls);
		cls = NULL;
		ck_assert_int_eq(tp_classifier_new(catalog, &cls, NULL), TP_OK);
		ck_assert_int_eq(tp_classifier_add_rules(cls, rs), TP_OK);
		tp_ruleset_free(rs);
		attrs[0].key = "y";
		attrs[0].key_len = 1;
		attrs[0].value = "1";
		attrs[0].value_len = 1;
		ck_assert_int_eq(tp_classify(cls, attrs, 1, r), TP_OK);
		ck_assert_value(cstr(tp_result_get(r, "v", NULL), 1), i % 2 ? NULL : "c");
		ck_assert_value(tp_result_get(r, "rule", NULL), i % 2 ? NULL : "c");
	}
	tp_result_free(r);
}
END_TEST

/* ---- fields ---- */

START_TEST(derived_source_medium_campaign)
{
	use("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"nl\", \"when\": {\"all\": [{\"field\": \"source\", \"eq\": \"newsletter\"},\n"
	    "                                  {\"field\": \"medium\", \"eq\": \"email\"},\n"
	    "                                  {\"field\": \"campaign\", \"eq\": \"spring sale\"},\n"
	    "                                  {\"field\": \"content\", \"eq\": \"hero\"},\n"
	    "                                  {\"field\": \"term\", \"eq\": \"shoes\"}]},\n"
	    "   \"set\": {\"hit\": \"utm\"}}]}]}");
	/* utm_* attributes, as given (case kept). */
	classify("utm_source", "Newsletter", "utm_medium", "Email",
		 "utm_campaign", "Spring Sale", "utm_content", "hero",
		 "utm_term", "shoes", NULL);
	ck_assert_value(get("hit"), "utm");
	ck_assert_value(field(TP_FIELD_SOURCE), "Newsletter");
	ck_assert_value(field(TP_FIELD_MEDIUM), "Email");
	ck_assert_value(field(TP_FIELD_CAMPAIGN), "Spring Sale");
	/* utm_* parameters of the url, decoded (%20 and +). */
	classify("url", "https://shop.example.com/p?utm_source=newsletter&utm_medium=e%6dail"
		 "&utm_campaign=spring+sale&utm_content=hero&utm_term=sho%65s", NULL);
	ck_assert_value(get("hit"), "utm");
	ck_assert_value(field(TP_FIELD_CAMPAIGN), "spring sale");
	/* Attributes win: the url's parameters are not read at all then. */
	classify("utm_source", "newsletter",
		 "url", "https://shop.example.com/?utm_medium=email&utm_campaign=x", NULL);
	ck_assert_value(field(TP_FIELD_SOURCE), "newsletter");
	ck_assert_value(field(TP_FIELD_MEDIUM), "(not set)");
	ck_assert_value(field(TP_FIELD_CAMPAIGN), "(not set)");
	ck_assert_value(get("hit"), NULL);
	/* Google Ads auto-tagging. */
	classify("url", "https://shop.example.com/?gclid=Cj0KCQ", NULL);
	ck_assert_value(field(TP_FIELD_SOURCE), "google");
	ck_assert_value(field(TP_FIELD_MEDIUM), "cpc");
	ck_assert_value(field(TP_FIELD_CAMPAIGN), "(not set)");
	/* A search engine: its name, organic, and the search term. */
	classify("url", "https://shop.example.com/", "referrer",
		 "https://www.bing.com/search?q=red+shoes", NULL);
	ck_assert_value(field(TP_FIELD_SOURCE), "bing");
	ck_assert_value(field(TP_FIELD_MEDIUM), "organic");
	ck_assert_value(field(TP_FIELD_CAMPAIGN), "(organic)");
	ck_assert_value(field(TP_FIELD_TERM), "red shoes");
	/* Another site: its host and referral. */
	classify("url", "https://shop.example.com/", "referrer",
		 "https://www.blog.example.net/post/1", NULL);
	ck_assert_value(field(TP_FIELD_SOURCE), "blog.example.net");
	ck_assert_value(field(TP_FIELD_MEDIUM), "referral");
	ck_assert_value(field(TP_FIELD_CAMPAIGN), "(referral)");
	/* The site itself, or nothing: direct. */
	classify("url", "https://shop.example.com/b", "referrer",
		 "https://shop.example.com/a", NULL);
	ck_assert_value(field(TP_FIELD_SOURCE), "(direct)");
	ck_assert_value(field(TP_FIELD_MEDIUM), "(none)");
	ck_assert_value(field(TP_FIELD_CAMPAIGN), "(direct)");
	classify(NULL);
	ck_assert_value(field(TP_FIELD_SOURCE), "(direct)");
	ck_assert_value(field(TP_FIELD_MEDIUM), "(none)");
	ck_assert_value(field(TP_FIELD_CONTENT), NULL);
	ck_assert_value(field(TP_FIELD_TERM), NULL);
	/* Empty attributes count as missing. */
	classify("utm_source", "", "utm_medium", "", NULL);
	ck_assert_value(field(TP_FIELD_SOURCE), "(direct)");
}
END_TEST

START_TEST(derived_url_and_referrer_fields)
{
	use("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"r\", \"when\": {\"all\": [\n"
	    "      {\"field\": \"url_host\", \"eq\": \"shop.example.com\"},\n"
	    "      {\"field\": \"url_path\", \"eq\": \"/cart/view\"},\n"
	    "      {\"field\": \"referrer_host\", \"eq\": \"duckduckgo.com\"},\n"
	    "      {\"field\": \"referrer_medium\", \"eq\": \"search\"},\n"
	    "      {\"field\": \"referrer_source\", \"eq\": \"duckduckgo\"},\n"
	    "      {\"field\": \"referrer_term\", \"eq\": \"blue socks\"},\n"
	    "      {\"field\": \"referrer_known\", \"eq\": \"true\"}]},\n"
	    "   \"set\": {\"hit\": \"yes\"}}]}]}");
	classify("url", "https://Shop.Example.com:8443/cart/view?x=1#top",
		 "referrer", "https://duckduckgo.com/?q=blue%20socks", NULL);
	ck_assert_value(get("hit"), "yes");
	ck_assert_value(field(TP_FIELD_URL_HOST), "Shop.Example.com");
	ck_assert_value(field(TP_FIELD_URL_PATH), "/cart/view");
	ck_assert_value(field(TP_FIELD_REFERRER_HOST), "duckduckgo.com");
	ck_assert_value(field(TP_FIELD_REFERRER_SOURCE), "DuckDuckGo");
	ck_assert_value(field(TP_FIELD_REFERRER_KNOWN), "true");
	ck_assert_int_eq(tp_result_referrer_known(res), 1);

	/* A social network; www. is dropped from the referrer's host. */
	classify("url", "https://shop.example.com/",
		 "referrer", "https://www.facebook.com/some/page", NULL);
	ck_assert_value(get("hit"), NULL);
	ck_assert_value(field(TP_FIELD_REFERRER_HOST), "facebook.com");
	ck_assert_value(field(TP_FIELD_REFERRER_MEDIUM), "social");
	ck_assert_value(field(TP_FIELD_REFERRER_SOURCE), "Facebook");
	ck_assert_value(field(TP_FIELD_REFERRER_TERM), NULL);

	/* Unknown site; internal referrer; no referrer. */
	classify("referrer", "https://www.blog.example.net/x", NULL);
	ck_assert_value(field(TP_FIELD_REFERRER_MEDIUM), "unknown");
	ck_assert_value(field(TP_FIELD_REFERRER_KNOWN), "false");
	ck_assert_value(field(TP_FIELD_REFERRER_SOURCE), NULL);
	ck_assert_int_eq(tp_result_referrer_known(res), 0);
	classify("url", "https://www.shop.example.com/b",
		 "referrer", "https://shop.example.com/a", NULL);
	ck_assert_value(field(TP_FIELD_REFERRER_MEDIUM), "internal");
	classify("url", "https://shop.example.com/", NULL);
	ck_assert_value(field(TP_FIELD_REFERRER_MEDIUM), NULL);
	ck_assert_value(field(TP_FIELD_REFERRER_KNOWN), NULL);
	ck_assert_value(field(TP_FIELD_REFERRER_HOST), NULL);
	/* A relative url has a path but no host. */
	classify("url", "/relative/path?x=1", NULL);
	ck_assert_value(field(TP_FIELD_URL_HOST), NULL);
	ck_assert_value(field(TP_FIELD_URL_PATH), "/relative/path");
	ck_assert_value(field(TP_FIELD_URL), "/relative/path?x=1");
}
END_TEST

START_TEST(configured_internal_domain)
{
	use("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"internal\", \"when\": {\"field\": \"referrer_medium\", \"eq\": \"internal\"},\n"
	    "   \"set\": {\"hit\": \"yes\"}}]}]}");
	classify("url", "https://shop.example.com/", "referrer", "https://pay.example.com/ok", NULL);
	ck_assert_value(get("hit"), NULL);
	ck_assert_value(field(TP_FIELD_SOURCE), "pay.example.com");
	ck_assert_int_eq(tp_classifier_add_internal_domain(cls, "example.com"), TP_OK);
	classify("url", "https://shop.example.com/", "referrer", "https://pay.example.com/ok", NULL);
	ck_assert_value(get("hit"), "yes");
	ck_assert_value(field(TP_FIELD_SOURCE), "(direct)");
	ck_assert_value(field(TP_FIELD_MEDIUM), "(none)");
}
END_TEST

START_TEST(raw_and_dotted_attributes)
{
	use("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"r\", \"when\": {\"all\": [\n"
	    "      {\"field\": \"context.page.title\", \"contains\": \"sale\"},\n"
	    "      {\"field\": \"items.0.sku\", \"prefix\": \"SKU-\"},\n"
	    "      {\"field\": \"customer_id\", \"eq\": \"c1\"},\n"
	    "      {\"field\": \"timestamp\", \"prefix\": \"2026-\"},\n"
	    "      {\"field\": \"url\", \"contains\": \"/p/\"},\n"
	    "      {\"field\": \"utm_medium\", \"eq\": \"cpc\"},\n"
	    "      {\"field\": \"event\", \"eq\": \"page_view\"}]},\n"
	    "   \"set\": {\"hit\": \"yes\"}}]}]}");
	classify("context.page.title", "Summer SALE", "items.0.sku", "sku-1",
		 "customer_id", "c1", "timestamp", "2026-03-01T10:00:00Z",
		 "url", "https://shop.example.com/p/1", "utm_medium", "CPC",
		 "event", "page_view", NULL);
	ck_assert_value(get("hit"), "yes");
	ck_assert_value(get("context.page.title"), "Summer SALE");
	/* Attribute names are case-sensitive; the first of two equal keys counts. */
	classify("Context.Page.Title", "Summer SALE", "items.0.sku", "sku-1",
		 "customer_id", "c1", "timestamp", "2026-03-01T10:00:00Z",
		 "url", "https://shop.example.com/p/1", "utm_medium", "CPC",
		 "event", "page_view", NULL);
	ck_assert_value(get("hit"), NULL);
	classify("context.page.title", "no", "context.page.title", "Summer SALE",
		 "items.0.sku", "sku-1", "customer_id", "c1",
		 "timestamp", "2026-03-01T10:00:00Z",
		 "url", "https://shop.example.com/p/1", "utm_medium", "CPC",
		 "event", "page_view", NULL);
	ck_assert_value(get("hit"), NULL);
}
END_TEST

START_TEST(field_map_renames)
{
	use("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
	    "  {\"name\": \"paid\", \"when\": {\"all\": [{\"field\": \"source\", \"eq\": \"google\"},\n"
	    "                                    {\"field\": \"medium\", \"eq\": \"cpc\"},\n"
	    "                                    {\"field\": \"event\", \"eq\": \"page_view\"}]},\n"
	    "   \"set\": {\"hit\": \"yes\"}}]}]}");
	/* Segment's schema, mapped after the rules were added. */
	ck_assert_int_eq(tp_classifier_map_field(cls, "utm_source", "context.campaign.source"), TP_OK);
	ck_assert_int_eq(tp_classifier_map_field(cls, "utm_medium", "context.campaign.medium"), TP_OK);
	ck_assert_int_eq(tp_classifier_map_field(cls, "event", "type"), TP_OK);
	classify("context.campaign.source", "google", "context.campaign.medium", "cpc",
		 "type", "page_view", NULL);
	ck_assert_value(get("hit"), "yes");
	ck_assert_value(field(TP_FIELD_SOURCE), "google");
	ck_assert_value(field(TP_FIELD_EVENT), "page_view");
	/* The canonical names are no longer read. */
	classify("utm_source", "google", "utm_medium", "cpc", "event", "page_view", NULL);
	ck_assert_value(get("hit"), NULL);
	ck_assert_value(field(TP_FIELD_SOURCE), "(direct)");
	/* Mapping again replaces. */
	ck_assert_int_eq(tp_classifier_map_field(cls, "event", "mkt_event"), TP_OK);
	classify("context.campaign.source", "google", "context.campaign.medium", "cpc",
		 "mkt_event", "page_view", NULL);
	ck_assert_value(get("hit"), "yes");
	/* Only canonical names can be mapped. */
	ck_assert_int_eq(tp_classifier_map_field(cls, "source", "src"), TP_ENOTFOUND);
	ck_assert_int_eq(tp_classifier_map_field(cls, "event", ""), TP_EINVAL);
}
END_TEST

START_TEST(field_map_before_rules)
{
	/* Snowplow's mkt_* names, mapped before the rule set is added. */
	tp_ruleset *rs;

	tp_classifier_free(cls);
	cls = NULL;
	ck_assert_int_eq(tp_classifier_new(catalog, &cls, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_map_field(cls, "utm_medium", "mkt_medium"), TP_OK);
	ck_assert_int_eq(tp_classifier_map_field(cls, "channel", "offline_channel"), TP_OK);
	rs = compile("{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
		     "  {\"name\": \"mail\", \"when\": {\"field\": \"medium\", \"eq\": \"email\"},\n"
		     "   \"set\": {\"hit\": \"mail\"}},\n"
		     "  {\"name\": \"phone\", \"when\": {\"field\": \"channel\", \"eq\": \"phone\"},\n"
		     "   \"set\": {\"hit\": \"phone\"}}]}]}");
	ck_assert_int_eq(tp_classifier_add_rules(cls, rs), TP_OK);
	tp_ruleset_free(rs);
	ck_assert_int_eq(tp_result_new(&res), TP_OK);
	classify("mkt_medium", "email", NULL);
	ck_assert_value(get("hit"), "mail");
	classify("offline_channel", "phone", NULL);
	ck_assert_value(get("hit"), "phone");
	classify("channel", "phone", NULL);
	ck_assert_value(get("hit"), NULL);
}
END_TEST

/* ---- the rule-set object ---- */

START_TEST(ruleset_accessors)
{
	tp_ruleset *rs = compile("{\"name\": \"mine\", \"groups\": [\n"
				 " {\"name\": \"a\", \"rules\": [{\"name\": \"1\", \"set\": {\"x\": \"1\"}},\n"
				 "                            {\"name\": \"2\", \"set\": {\"x\": \"2\"}}]},\n"
				 " {\"name\": \"b\", \"rules\": [{\"name\": \"3\", \"set\": {\"y\": \"1\"}}]}]}");
	tp_ruleset *anon;
	const char *text = "{\"groups\": [{\"name\": \"a\", \"rules\": [{\"name\": \"1\", \"set\": {}}]}]}"
			   "GARBAGE";
	tp_error *err = tp_error_new();

	ck_assert_str_eq(tp_ruleset_name(rs), "mine");
	ck_assert_uint_eq(tp_ruleset_rule_count(rs), 3);
	ck_assert_uint_gt(tp_ruleset_memory(rs), 0);
	/* No "name": the source name; the text need not end with a NUL. */
	ck_assert_int_eq(tp_ruleset_compile_string(catalog, text, strlen(text) - 7,
						   "inline", &anon, err), TP_OK);
	ck_assert_str_eq(tp_ruleset_name(anon), "inline");
	ck_assert_uint_eq(tp_ruleset_rule_count(anon), 1);
	tp_ruleset_free(anon);
	ck_assert_int_eq(tp_ruleset_compile_string(catalog, text, strlen(text) - 7,
						   NULL, &anon, err), TP_OK);
	ck_assert_str_eq(tp_ruleset_name(anon), "<string>");
	tp_ruleset_free(anon);
	ck_assert_uint_eq(tp_error_count(err), 0);

	ck_assert_ptr_null(tp_ruleset_name(NULL));
	ck_assert_uint_eq(tp_ruleset_rule_count(NULL), 0);
	ck_assert_uint_eq(tp_ruleset_memory(NULL), 0);
	tp_ruleset_free(NULL);
	ck_assert_int_eq(tp_ruleset_compile_string(NULL, text, 10, NULL, &anon, err), TP_EINVAL);
	ck_assert_int_eq(tp_ruleset_compile_string(catalog, NULL, 10, NULL, &anon, err), TP_EINVAL);
	ck_assert_int_eq(tp_ruleset_compile_string(catalog, text, 10, NULL, NULL, err), TP_EINVAL);

	/* A classifier keeps its own reference. */
	ck_assert_int_eq(tp_classifier_new(catalog, &cls, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules(cls, rs), TP_OK);
	tp_ruleset_free(rs);
	ck_assert_int_eq(tp_result_new(&res), TP_OK);
	classify(NULL);
	ck_assert_value(get("x"), "1");
	ck_assert_value(get("y"), "1");
	tp_error_free(err);
}
END_TEST

START_TEST(ruleset_of_another_catalog)
{
	tp_catalog *other = NULL;
	static const char text[] =
		"{\"groups\": [{\"name\": \"a\", \"rules\": [{\"name\": \"1\", \"set\": {}}]}]}";
	tp_ruleset *rs;

	ck_assert_int_eq(tp_catalog_default(&other, NULL), TP_OK);
	ck_assert_int_eq(tp_ruleset_compile_string(other, text, sizeof(text) - 1, NULL,
						   &rs, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_new(catalog, &cls, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules(cls, rs), TP_EMISMATCH);
	tp_ruleset_free(rs);
	tp_catalog_free(other);
}
END_TEST

START_TEST(compile_file)
{
	tp_error *err = tp_error_new();
	tp_ruleset *rs = NULL;

	ck_assert_int_eq(tp_ruleset_compile_file(catalog, tp_test_data("rules/valid.json"),
						 &rs, err), TP_OK);
	ck_assert_str_eq(tp_ruleset_name(rs), "store");
	ck_assert_uint_eq(tp_ruleset_rule_count(rs), 18);
	ck_assert_int_eq(tp_classifier_new(catalog, &cls, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules(cls, rs), TP_OK);
	tp_ruleset_free(rs);
	ck_assert_int_eq(tp_result_new(&res), TP_OK);
	classify("url", "https://shop.example.com/cart?utm_source=Google&utm_medium=cpc",
		 "value", "750", NULL);
	ck_assert_value(get("channel_group"), "Paid Search");
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), "cart");
	ck_assert_value(get("business_model"), "b2b");
	ck_assert_value(field(TP_FIELD_RULE), "big basket");
	classify("event", "survey_response", "score", "2", "channel", "phone", NULL);
	ck_assert_value(get("channel_group"), "Offline");
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), "complaint");
	ck_assert_value(field(TP_FIELD_STAGE), "follow_up");
	classify("event", "store_visit", "channel", "physical_store",
		 "context.store.kind", "Outlet", NULL);
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), NULL);
	classify("event", "store_visit", "channel", "physical_store",
		 "context.store.kind", "outlet", NULL);
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), "store_visit");
	classify("event", "page_view", "url", "https://shop.example.com/",
		 "referrer", "https://www.ebay.com/itm/1", NULL);
	ck_assert_value(get("channel_group"), "Marketplace");
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), "website_visit");
	ck_assert_value(get("device"), "web");
	classify("url", "https://shop.example.com/?utm_source=nl&utm_medium=E_Mail"
		 "&utm_campaign=weekly-newsletter", NULL);
	ck_assert_value(get("channel_group"), "Email");
	ck_assert_value(field(TP_FIELD_TOUCHPOINT), "newsletter");

	/* A missing file. */
	tp_error_clear(err);
	rs = (tp_ruleset *)&rs;
	ck_assert_int_eq(tp_ruleset_compile_file(catalog, tp_test_data("rules/no-such-file.json"),
						 &rs, err), TP_EIO);
	ck_assert_ptr_null(rs);
	ck_assert_uint_eq(tp_error_count(err), 1);
	tp_error_free(err);
}
END_TEST

START_TEST(builtin_rule_sets)
{
	tp_error *err = tp_error_new();
	tp_ruleset *rs = NULL;
	size_t i, len = 0;

	ck_assert_str_eq(tp_ruleset_builtin_name(0), "ga4");
	ck_assert_str_eq(tp_ruleset_builtin_name(1), "touchpoints");
	ck_assert_ptr_null(tp_ruleset_builtin_name(2));
	for (i = 0; tp_ruleset_builtin_name(i); i++) {
		const char *name = tp_ruleset_builtin_name(i);

		ck_assert_ptr_nonnull(tp_ruleset_builtin_source(name, &len));
		ck_assert_uint_gt(len, 100);
		ck_assert_uint_eq(strlen(tp_ruleset_builtin_source(name, NULL)), len);
		ck_assert_int_eq(tp_ruleset_builtin(catalog, name, &rs, err), TP_OK);
		ck_assert_str_eq(tp_ruleset_name(rs), name);
		tp_ruleset_free(rs);
	}
	ck_assert_ptr_null(tp_ruleset_builtin_source("default", NULL));
	ck_assert_ptr_null(tp_ruleset_builtin_source(NULL, NULL));
	rs = (tp_ruleset *)&rs;
	ck_assert_int_eq(tp_ruleset_builtin(catalog, "nope", &rs, err), TP_ENOTFOUND);
	ck_assert_ptr_null(rs);
	ck_assert_uint_eq(tp_error_count(err), 1);
	ck_assert_int_eq(tp_ruleset_builtin(catalog, "default", &rs, err), TP_ENOTFOUND);
	tp_error_free(err);
}
END_TEST

/* ---- compile faults ---- */

/* Line and column (1-based, bytes) where `marker` first occurs in text. */
static void
position_of(const char *text, const char *marker, unsigned long *line,
	    unsigned long *col)
{
	const char *p = strstr(text, marker), *q;

	ck_assert_msg(p != NULL, "marker '%s' not in the text", marker);
	*line = 1;
	*col = 1;
	for (q = text; q < p; q++) {
		if (*q == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* Compile text; it must fail with `status`. The caller frees the error. */
static tp_error *
compile_fails(const char *text, tp_status status)
{
	tp_error *err = tp_error_new();
	tp_ruleset *rs = (tp_ruleset *)&err;
	tp_status st;

	ck_assert_ptr_nonnull(err);
	st = tp_ruleset_compile_string(catalog, text, strlen(text), "bad.json", &rs, err);
	ck_assert_msg(st == status, "status %s, expected %s", tp_status_name(st),
		      tp_status_name(status));
	ck_assert_ptr_null(rs);
	return err;
}

/* Entry i: code, at the value that `marker` starts (NULL: line and column
 * 0), JSON path (NULL: none), exact message. */
static void
fault_is(const tp_error *err, size_t i, tp_status code, const char *text,
	 const char *marker, const char *path, const char *message)
{
	unsigned long line = 0, col = 0;

	ck_assert_uint_lt(i, tp_error_count(err));
	if (marker)
		position_of(text, marker, &line, &col);
	ck_assert_msg(tp_error_code(err, i) == code, "entry %zu: %s, expected %s", i,
		      tp_status_name(tp_error_code(err, i)), tp_status_name(code));
	ck_assert_str_eq(tp_error_source(err, i), "bad.json");
	ck_assert_msg(tp_error_line(err, i) == line && tp_error_column(err, i) == col,
		      "entry %zu (%s) at %lu:%lu, expected %lu:%lu", i,
		      tp_error_message(err, i), tp_error_line(err, i),
		      tp_error_column(err, i), line, col);
	ck_assert_value(tp_error_path(err, i), path);
	ck_assert_str_eq(tp_error_message(err, i), message);
}

START_TEST(fault_bad_json)
{
	const char *text = "{\"groups\": [\n  {\"name\": }\n]}";
	tp_error *err = compile_fails(text, TP_ESYNTAX);

	ck_assert_uint_eq(tp_error_count(err), 1);
	fault_is(err, 0, TP_ESYNTAX, text, "}\n]", NULL,
		 "unexpected character '}', expected a value");
	tp_error_free(err);

	text = "{\"groups\": [\n  {\"name\": \"g\" \"rules\": []}\n]}";
	err = compile_fails(text, TP_ESYNTAX);
	fault_is(err, 0, TP_ESYNTAX, text, "\"rules\"", NULL,
		 "unexpected character '\"', expected ',' or '}'");
	tp_error_free(err);

	text = "{\"groups\": []}\n x";
	err = compile_fails(text, TP_ESYNTAX);
	fault_is(err, 0, TP_ESYNTAX, text, "x", NULL,
		 "unexpected text after the JSON value");
	tp_error_free(err);

	text = "{\"name\": \"caf\xe9\", \"groups\": []}";
	err = compile_fails(text, TP_EUTF8);
	fault_is(err, 0, TP_EUTF8, text, "\xe9", NULL, "invalid UTF-8 byte 0xe9");
	tp_error_free(err);

	text = "{\"groups\": [], \"groups\": []}";
	err = compile_fails(text, TP_ESCHEMA);
	ck_assert_uint_eq(tp_error_count(err), 1);
	ck_assert_value(tp_error_path(err, 0), "$.groups");
	ck_assert_str_eq(tp_error_message(err, 0), "member \"groups\" appears more than once");
	tp_error_free(err);

	text = "[1, 2]";
	err = compile_fails(text, TP_ESCHEMA);
	fault_is(err, 0, TP_ESCHEMA, text, "[", "$",
		 "a rule set is a JSON object, not array");
	tp_error_free(err);
}
END_TEST

START_TEST(fault_unknown_member)
{
	const char *text =
		"{\"name\": \"x\", \"groupz\": [],\n"
		" \"groups\": [{\"name\": \"g\", \"colour\": \"red\", \"rules\": [\n"
		"   {\"name\": \"r1\", \"priority\": 1,\n"
		"    \"when\": {\"field\": \"a\", \"eq\": \"b\", \"cs\": true},\n"
		"    \"set\": {\"x\": \"1\"}}]}]}";
	tp_error *err = compile_fails(text, TP_ESCHEMA);

	ck_assert_uint_eq(tp_error_count(err), 4);
	fault_is(err, 0, TP_ESCHEMA, text, "[],", "$.groupz",
		 "unknown member \"groupz\" in a rule set");
	fault_is(err, 1, TP_ESCHEMA, text, "\"red\"", "$.groups[0].colour",
		 "unknown member \"colour\" in a group");
	fault_is(err, 2, TP_ESCHEMA, text, "1,\n", "$.groups[0].rules[0].priority",
		 "rule \"r1\": unknown member \"priority\" in a rule");
	fault_is(err, 3, TP_ESCHEMA, text, "true}", "$.groups[0].rules[0].when.cs",
		 "rule \"r1\": unknown member \"cs\" in a condition");
	tp_error_free(err);
}
END_TEST

START_TEST(fault_wrong_type)
{
	const char *text =
		"{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
		"  {\"name\": \"r1\", \"when\": {\"field\": \"a\", \"eq\": 5}, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"r2\", \"when\": [], \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"r3\", \"when\": {\"field\": 7, \"exists\": true}, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"r4\", \"when\": {\"field\": \"a\", \"exists\": \"yes\"}, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"r5\", \"when\": {\"field\": \"a\", \"gt\": \"10\"}, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"r6\", \"set\": {\"channel\": 5}},\n"
		"  {\"name\": \"r7\", \"set\": []},\n"
		"  {\"name\": \"r8\", \"when\": {\"field\": \"a\", \"regex\": [\"x\"]}, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"r9\", \"when\": {\"any\": {\"field\": \"a\", \"exists\": true}}, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"r10\", \"when\": {\"field\": \"a\", \"eq\": \"b\", \"case_sensitive\": 1}, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"r11\", \"when\": {\"field\": \"a\", \"regex\": \"b\", \"match\": \"whole\"}, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"r12\", \"when\": {\"field\": \"a\", \"eq\": \"b\", \"match\": \"full\"}, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": 12, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"r14\", \"when\": {\"field\": \"a\", \"in\": [\"b\", 2]}, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"r15\", \"when\": {\"field\": \"a\", \"eq\": []}, \"set\": {\"x\": \"1\"}}]}],\n"
		" \"lists\": {\"l\": \"google\"}}";
	tp_error *err = compile_fails(text, TP_ESCHEMA);

	ck_assert_uint_eq(tp_error_count(err), 16);
	fault_is(err, 0, TP_ESCHEMA, text, "\"google\"", "$.lists.l",
		 "list \"l\" is an array of strings, not string");
	fault_is(err, 1, TP_ESCHEMA, text, "5}, ", "$.groups[0].rules[0].when.eq",
		 "rule \"r1\": \"eq\" takes a string or a non-empty array of strings, not number");
	fault_is(err, 2, TP_ESCHEMA, text, "[], \"set\"", "$.groups[0].rules[1].when",
		 "rule \"r2\": a condition is an object, not array");
	fault_is(err, 3, TP_ESCHEMA, text, "7, ", "$.groups[0].rules[2].when.field",
		 "rule \"r3\": \"field\" takes a string, not number");
	fault_is(err, 4, TP_ESCHEMA, text, "\"yes\"", "$.groups[0].rules[3].when.exists",
		 "rule \"r4\": \"exists\" takes true or false");
	fault_is(err, 5, TP_ESCHEMA, text, "\"10\"", "$.groups[0].rules[4].when.gt",
		 "rule \"r5\": \"gt\" takes a number, not string");
	fault_is(err, 6, TP_ESCHEMA, text, "5}},", "$.groups[0].rules[5].set.channel",
		 "rule \"r6\": \"channel\" takes a string, not number");
	fault_is(err, 7, TP_ESCHEMA, text, "[]},\n  {\"name\": \"r8\"", "$.groups[0].rules[6].set",
		 "rule \"r7\": \"set\" is an object, not array");
	fault_is(err, 8, TP_ESCHEMA, text, "[\"x\"]", "$.groups[0].rules[7].when.regex",
		 "rule \"r8\": \"regex\" takes a string, not array");
	fault_is(err, 9, TP_ESCHEMA, text, "{\"field\": \"a\", \"exists\": true}}",
		 "$.groups[0].rules[8].when.any",
		 "rule \"r9\": \"any\" takes a non-empty array of conditions");
	fault_is(err, 10, TP_ESCHEMA, text, "1}", "$.groups[0].rules[9].when.case_sensitive",
		 "rule \"r10\": \"case_sensitive\" takes true or false");
	fault_is(err, 11, TP_ESCHEMA, text, "\"whole\"", "$.groups[0].rules[10].when.match",
		 "rule \"r11\": \"match\" is \"full\" or \"partial\"");
	fault_is(err, 12, TP_ESCHEMA, text, "\"full\"}", "$.groups[0].rules[11].when.match",
		 "rule \"r12\": \"match\" applies to \"regex\" only");
	fault_is(err, 13, TP_ESCHEMA, text, "12,", "$.groups[0].rules[12].name",
		 "\"name\" takes a non-empty string");
	fault_is(err, 14, TP_ESCHEMA, text, "2]}", "$.groups[0].rules[13].when.in[1]",
		 "rule \"r14\": list items must be strings, not number");
	fault_is(err, 15, TP_ESCHEMA, text, "[]}, \"set\": {\"x\": \"1\"}}]}]",
		 "$.groups[0].rules[14].when.eq",
		 "rule \"r15\": \"eq\" takes a string or a non-empty array of strings, not array");
	tp_error_free(err);
}
END_TEST

START_TEST(fault_unknown_operator)
{
	const char *text =
		"{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
		"  {\"name\": \"typo\",\n"
		"   \"when\": {\"field\": \"source\", \"equals\": \"google\"},\n"
		"   \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"nothing\", \"when\": {\"field\": \"source\"}, \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"no field\", \"when\": {\"eq\": \"x\"}, \"set\": {\"x\": \"1\"}}]}]}";
	tp_error *err = compile_fails(text, TP_ESCHEMA);
	static const char no_op[] =
		"condition has no operator (eq, ne, in, prefix, suffix, contains, "
		"regex, exists, missing, gt, ge, lt, le, host)";
	char msg[256];

	ck_assert_uint_eq(tp_error_count(err), 4);
	fault_is(err, 0, TP_ESCHEMA, text, "\"google\"", "$.groups[0].rules[0].when.equals",
		 "rule \"typo\": unknown member \"equals\" in a condition");
	snprintf(msg, sizeof(msg), "rule \"typo\": %s", no_op);
	fault_is(err, 1, TP_ESCHEMA, text, "{\"field\": \"source\", \"equals\"",
		 "$.groups[0].rules[0].when", msg);
	snprintf(msg, sizeof(msg), "rule \"nothing\": %s", no_op);
	fault_is(err, 2, TP_ESCHEMA, text, "{\"field\": \"source\"}",
		 "$.groups[0].rules[1].when", msg);
	fault_is(err, 3, TP_ESCHEMA, text, "{\"eq\": \"x\"}", "$.groups[0].rules[2].when",
		 "rule \"no field\": condition has no \"field\"");
	tp_error_free(err);
}
END_TEST

START_TEST(fault_two_operators)
{
	const char *text =
		"{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
		"  {\"name\": \"both\",\n"
		"   \"when\": {\"field\": \"source\", \"eq\": \"a\", \"prefix\": \"b\", \"ne\": \"c\"},\n"
		"   \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"mixed\",\n"
		"   \"when\": {\"all\": [], \"field\": \"a\", \"eq\": \"b\"},\n"
		"   \"set\": {\"x\": \"1\"}}]}]}";
	tp_error *err = compile_fails(text, TP_ESCHEMA);

	ck_assert_uint_eq(tp_error_count(err), 3);
	fault_is(err, 0, TP_ESCHEMA, text, "\"b\", \"ne\"", "$.groups[0].rules[0].when.prefix",
		 "rule \"both\": one operator per condition: \"eq\" and \"prefix\" "
		 "(combine conditions with \"all\")");
	fault_is(err, 1, TP_ESCHEMA, text, "\"c\"}", "$.groups[0].rules[0].when.ne",
		 "rule \"both\": one operator per condition: \"eq\" and \"ne\" "
		 "(combine conditions with \"all\")");
	fault_is(err, 2, TP_ESCHEMA, text, "[], \"field\"", "$.groups[0].rules[1].when.all",
		 "rule \"mixed\": \"all\" must be the only member of its condition");
	tp_error_free(err);
}
END_TEST

START_TEST(fault_unknown_list)
{
	const char *text =
		"{\"lists\": {\"engines\": [\"google\"]},\n"
		" \"groups\": [{\"name\": \"g\", \"rules\": [\n"
		"  {\"name\": \"search\", \"when\": {\"field\": \"source\", \"in\": \"Engines\"},\n"
		"   \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"cs list\",\n"
		"   \"when\": {\"field\": \"source\", \"in\": \"engines\", \"case_sensitive\": true},\n"
		"   \"set\": {\"x\": \"1\"}}]}]}";
	tp_error *err = compile_fails(text, TP_ENOTFOUND);

	ck_assert_uint_eq(tp_error_count(err), 2);
	fault_is(err, 0, TP_ENOTFOUND, text, "\"Engines\"", "$.groups[0].rules[0].when.in",
		 "rule \"search\": unknown list \"Engines\"");
	fault_is(err, 1, TP_ESCHEMA, text, "\"engines\", \"case", "$.groups[0].rules[1].when.in",
		 "rule \"cs list\": a named list is matched ignoring case; use an "
		 "inline array for a case-sensitive \"in\"");
	tp_error_free(err);
}
END_TEST

START_TEST(fault_unknown_ids)
{
	const char *text =
		"{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
		"  {\"name\": \"ids\",\n"
		"   \"set\": {\"channel\": \"carrier_pigeon\",\n"
		"           \"touchpoint\": \"Checkout\",\n"
		"           \"stage\": \"awareness\"}}]}]}";
	tp_error *err = compile_fails(text, TP_ENOTFOUND);

	ck_assert_uint_eq(tp_error_count(err), 3);
	fault_is(err, 0, TP_ENOTFOUND, text, "\"carrier_pigeon\"", "$.groups[0].rules[0].set.channel",
		 "rule \"ids\": unknown channel \"carrier_pigeon\"");
	fault_is(err, 1, TP_ENOTFOUND, text, "\"Checkout\"", "$.groups[0].rules[0].set.touchpoint",
		 "rule \"ids\": unknown touchpoint \"Checkout\"");
	fault_is(err, 2, TP_ENOTFOUND, text, "\"awareness\"", "$.groups[0].rules[0].set.stage",
		 "rule \"ids\": unknown stage \"awareness\"");
	tp_error_free(err);
}
END_TEST

START_TEST(fault_bad_dimension_value)
{
	const char *text =
		"{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
		"  {\"name\": \"dims\",\n"
		"   \"set\": {\"initiator\": \"robot\", \"phase\": \"during\", \"agent\": \"human\"}}]}]}";
	tp_error *err = compile_fails(text, TP_ESCHEMA);

	ck_assert_uint_eq(tp_error_count(err), 2);
	fault_is(err, 0, TP_ESCHEMA, text, "\"robot\"", "$.groups[0].rules[0].set.initiator",
		 "rule \"dims\": \"robot\" is not a value of initiator");
	fault_is(err, 1, TP_ESCHEMA, text, "\"during\"", "$.groups[0].rules[0].set.phase",
		 "rule \"dims\": \"during\" is not a value of phase");
	tp_error_free(err);
}
END_TEST

START_TEST(fault_invalid_regex)
{
	const char *text =
		"{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
		"  {\"name\": \"paid\",\n"
		"   \"when\": {\"any\": [{\"field\": \"medium\", \"eq\": \"cpc\"},\n"
		"                    {\"field\": \"medium\", \"regex\": \"^(cpc|ppc\"}]},\n"
		"   \"set\": {\"x\": \"1\"}},\n"
		"  {\"name\": \"star\", \"when\": {\"field\": \"m\", \"regex\": \"*a\"}, \"set\": {\"x\": \"1\"}}]}]}";
	tp_error *err = compile_fails(text, TP_ESCHEMA);

	ck_assert_uint_eq(tp_error_count(err), 2);
	fault_is(err, 0, TP_ESCHEMA, text, "\"^(cpc", "$.groups[0].rules[0].when.any[1].regex",
		 "rule \"paid\": invalid regular expression at offset 9: missing closing parenthesis");
	fault_is(err, 1, TP_ESCHEMA, text, "\"*a\"", "$.groups[0].rules[1].when.regex",
		 "rule \"star\": invalid regular expression at offset 0: quantifier does not follow a repeatable item");
	tp_error_free(err);
}
END_TEST

START_TEST(fault_setting_a_derived_field)
{
	static const char *const derived[] = {
		"source", "medium", "campaign", "url_host", "referrer_medium",
		"referrer_known", "rule", "event", "Source",
	};
	size_t i;

	for (i = 0; i < sizeof(derived) / sizeof(derived[0]); i++) {
		char text[512], path[128], msg[256];
		tp_error *err;

		snprintf(text, sizeof(text),
			 "{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
			 "  {\"name\": \"r%zu\", \"set\": {\"%s\": \"x\"}}]}]}", i, derived[i]);
		err = compile_fails(text, TP_ESCHEMA);
		ck_assert_uint_eq(tp_error_count(err), 1);
		snprintf(path, sizeof(path), "$.groups[0].rules[0].set.%s", derived[i]);
		snprintf(msg, sizeof(msg),
			 "rule \"r%zu\": \"%s\" is derived from the event and cannot be set",
			 i, derived[i]);
		fault_is(err, 0, TP_ESCHEMA, text, "\"x\"", path, msg);
		tp_error_free(err);
	}
}
END_TEST

/* Build {"not": ... {"not": COND} ...} n deep. */
static char *
nested_not(int n, const char *cond)
{
	size_t len = (size_t)n * 9 + strlen(cond) + 1;
	char *s = malloc(len);
	int i;

	if (!s)
		abort();
	*s = '\0';
	for (i = 0; i < n; i++)
		strcat(s, "{\"not\": ");
	strcat(s, cond);
	for (i = 0; i < n; i++)
		strcat(s, "}");
	return s;
}

START_TEST(fault_nesting_too_deep)
{
	char *deep = nested_not(60, "{\"field\": \"a\", \"exists\": true}");
	char *ok = nested_not(48, "{\"field\": \"a\", \"exists\": true}");
	size_t len = strlen(deep) + strlen(ok) + 512;
	char *text = malloc(len), *marker, path[512];
	unsigned long line, col;
	tp_error *err;
	tp_ruleset *rs;
	int i;

	ck_assert_ptr_nonnull(text);
	/* 48 levels below "when" are allowed. */
	snprintf(text, len, "{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
		 "  {\"name\": \"deep enough\", \"when\": %s, \"set\": {\"x\": \"1\"}}]}]}", ok);
	rs = compile(text);
	tp_ruleset_free(rs);

	snprintf(text, len, "{\"groups\": [{\"name\": \"g\", \"rules\": [\n"
		 "  {\"name\": \"too deep\",\n   \"when\": %s,\n   \"set\": {\"x\": \"1\"}},\n"
		 "  {\"name\": \"next\", \"set\": {\"stage\": \"nope\"}}]}]}", deep);
	err = compile_fails(text, TP_ERANGE);
	ck_assert_uint_eq(tp_error_count(err), 2);
	/* The fault is at the 49th "not" below "when". */
	strcpy(path, "$.groups[0].rules[0].when");
	for (i = 0; i < 49; i++)
		strcat(path, ".not");
	marker = strstr(text, "{\"not\"");
	for (i = 0; i < 49; i++)
		marker = strstr(marker + 1, "{\"not\"");
	position_of(text, marker, &line, &col);
	ck_assert_uint_eq(line, 3);
	ck_assert_uint_eq(col, 12 + 49 * 8);
	fault_is(err, 0, TP_ERANGE, text, marker, path,
		 "rule \"too deep\": conditions nested deeper than 48 levels");
	/* Compiling goes on after it. */
	fault_is(err, 1, TP_ENOTFOUND, text, "\"nope\"", "$.groups[0].rules[1].set.stage",
		 "rule \"next\": unknown stage \"nope\"");
	tp_error_free(err);
	free(text);
	free(deep);
	free(ok);
}
END_TEST

START_TEST(fault_empty_or_missing_parts)
{
	const char *text = "{\"groups\": []}";
	tp_error *err = compile_fails(text, TP_ESCHEMA);

	fault_is(err, 0, TP_ESCHEMA, text, "[]", "$.groups", "\"groups\" takes a non-empty array");
	tp_error_free(err);

	text = "{\"name\": \"no groups\", \"lists\": {}}";
	err = compile_fails(text, TP_ESCHEMA);
	fault_is(err, 0, TP_ESCHEMA, text, "{", "$", "missing member \"groups\"");
	tp_error_free(err);

	text = "{\"groups\": [\n"
	       "  {\"name\": \"empty\", \"rules\": []},\n"
	       "  {\"name\": \"none\"},\n"
	       "  {\"rules\": [{\"name\": \"r\", \"set\": {}}]},\n"
	       "  \"group\",\n"
	       "  {\"name\": \"g\", \"rules\": [{\"name\": \"no set\"}, 5,\n"
	       "                          {\"name\": \"\", \"set\": {}},\n"
	       "                          {\"name\": \"r\", \"when\": {\"all\": []}, \"set\": {}}]}]}";
	err = compile_fails(text, TP_ESCHEMA);
	ck_assert_uint_eq(tp_error_count(err), 8);
	fault_is(err, 0, TP_ESCHEMA, text, "[]},\n", "$.groups[0].rules",
		 "\"rules\" takes a non-empty array");
	fault_is(err, 1, TP_ESCHEMA, text, "{\"name\": \"none\"}", "$.groups[1]",
		 "missing member \"rules\"");
	fault_is(err, 2, TP_ESCHEMA, text, "{\"rules\"", "$.groups[2]",
		 "missing member \"name\"");
	fault_is(err, 3, TP_ESCHEMA, text, "\"group\"", "$.groups[3]",
		 "a group is an object, not string");
	fault_is(err, 4, TP_ESCHEMA, text, "{\"name\": \"no set\"}", "$.groups[4].rules[0]",
		 "rule \"no set\": missing member \"set\"");
	fault_is(err, 5, TP_ESCHEMA, text, "5,\n", "$.groups[4].rules[1]",
		 "a rule is an object, not number");
	fault_is(err, 6, TP_ESCHEMA, text, "\"\", \"set\"", "$.groups[4].rules[2].name",
		 "\"name\" takes a non-empty string");
	fault_is(err, 7, TP_ESCHEMA, text, "[]}, \"set\": {}}]}]}", "$.groups[4].rules[3].when.all",
		 "rule \"r\": \"all\" takes a non-empty array of conditions");
	tp_error_free(err);
}
END_TEST

/* One fault of each kind in one file: all are reported, in order. */
START_TEST(several_faults_in_a_file)
{
	tp_error *err = tp_error_new();
	tp_ruleset *rs = NULL;
	const char *path = tp_test_data("rules/several-faults.json");
	char file[4096];
	static const struct {
		tp_status code;
		unsigned long line, col;
		const char *path, *message;
	} want[] = {
		{ TP_ESCHEMA, 9, 49, "$.groups[0].rules[0].when.regex",
		  "rule \"bad regex\": invalid regular expression at offset 9: missing closing parenthesis" },
		{ TP_ENOTFOUND, 12, 46, "$.groups[0].rules[1].when.in",
		  "rule \"unknown list\": unknown list \"search_engines\"" },
		{ TP_ESCHEMA, 15, 61, "$.groups[0].rules[2].when.prefix",
		  "rule \"two operators\": one operator per condition: \"eq\" and \"prefix\" "
		  "(combine conditions with \"all\")" },
		{ TP_ENOTFOUND, 19, 31, "$.groups[0].rules[3].set.channel",
		  "rule \"unknown outputs\": unknown channel \"carrier_pigeon\"" },
		{ TP_ESCHEMA, 19, 62, "$.groups[0].rules[3].set.initiator",
		  "rule \"unknown outputs\": \"robot\" is not a value of initiator" },
		{ TP_ESCHEMA, 21, 30, "$.groups[0].rules[4].set.medium",
		  "rule \"derived\": \"medium\" is derived from the event and cannot be set" },
		{ TP_ESCHEMA, 24, 38, "$.groups[1].rules",
		  "\"rules\" takes a non-empty array" },
	};
	size_t i;

	snprintf(file, sizeof(file), "%s", path);
	ck_assert_int_eq(tp_ruleset_compile_file(catalog, file, &rs, err), TP_ESCHEMA);
	ck_assert_ptr_null(rs);
	ck_assert_uint_eq(tp_error_count(err), sizeof(want) / sizeof(want[0]));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_int_eq(tp_error_code(err, i), want[i].code);
		ck_assert_str_eq(tp_error_source(err, i), file);
		ck_assert_uint_eq(tp_error_line(err, i), want[i].line);
		ck_assert_uint_eq(tp_error_column(err, i), want[i].col);
		ck_assert_str_eq(tp_error_path(err, i), want[i].path);
		ck_assert_str_eq(tp_error_message(err, i), want[i].message);
	}
	tp_error_free(err);
}
END_TEST

/* ---- allocation failures ---- */

/*
 * The candidate index of a group (rules/index.c) must never change which
 * rule matches: the same conditions in a group that cannot be indexed
 * (each wrapped in `any` with a `not` that is always false) give the same
 * first match for every event of a grid over all the trigger kinds (eq,
 * in, prefix, suffix, host, presence, and the rules every event must
 * try: not, ne, missing, no condition).
 */
static const char *const index_conds[] = {
	"{\"field\": \"event\", \"eq\": \"purchase\"}",
	"{\"all\": [{\"field\": \"url_path\", \"prefix\": [\"/cart\", \"/basket\"]},"
	" {\"field\": \"event\", \"in\": [\"page_view\", \"add_to_cart\"]}]}",
	"{\"field\": \"url_path\", \"suffix\": \".PDF\"}",
	"{\"field\": \"referrer_host\", \"host\": \"google.com\"}",
	"{\"field\": \"campaign\", \"contains\": \"sale\"}",
	"{\"field\": \"url_path\", \"prefix\": \"/Checkout\", \"case_sensitive\": true}",
	"{\"field\": \"url_path\", \"regex\": \"^/check\"}",
	/* regex prefixes: a group of alternatives, a caseless K that also
	 * matches the Kelvin sign, an optional letter, a top-level | */
	"{\"field\": \"url_path\", \"regex\": \"^/(bag|kart)(/|$)\"}",
	"{\"field\": \"url_path\", \"regex\": \"^/Ba?sket\"}",
	"{\"field\": \"url_path\", \"regex\": \"^/zzz|p/\"}",
	"{\"field\": \"url_path\", \"regex\": \"(?:m)^/p\", \"match\": \"full\"}",
	"{\"any\": [{\"field\": \"url_host\", \"host\": \"m.shop.example\"},"
	" {\"all\": [{\"field\": \"campaign\", \"missing\": true}, {\"field\": \"event\", \"eq\": \"email_open\"}]}]}",
	"{\"field\": \"medium\", \"ne\": \"organic\"}",
	"{\"not\": {\"field\": \"event\", \"eq\": \"page_view\"}}",
	"{\"field\": \"source\", \"exists\": true}",
	NULL,   /* no condition: a fallback */
};

static char *
index_rules(bool linear)
{
	static const char never[] =
		"{\"not\": {\"any\": [{\"field\": \"zz\", \"exists\": true},"
		" {\"field\": \"zz\", \"missing\": true}]}}";
	size_t i, n = sizeof(index_conds) / sizeof(index_conds[0]), len = 0;
	char *json = malloc(16384);

	ck_assert_ptr_nonnull(json);
	len += (size_t)sprintf(json + len, "{\"groups\": [{\"name\": \"g\", \"rules\": [");
	/* rules that never match first: groups under TPI_INDEX_MIN_RULES (40)
	 * rules are not indexed */
	for (i = 0; i < 40; i++)
		len += (size_t)sprintf(json + len, "{\"name\": \"pad%zu\", \"when\": "
				       "{\"field\": \"event\", \"eq\": \"none-%zu\"}, "
				       "\"set\": {\"label_r\": \"pad\"}},", i, i);
	for (i = 0; i < n; i++) {
		len += (size_t)sprintf(json + len, "%s{\"name\": \"r%zu\"", i ? "," : "", i);
		if (index_conds[i] && linear)
			len += (size_t)sprintf(json + len, ", \"when\": {\"any\": [%s, %s]}",
					       index_conds[i], never);
		else if (index_conds[i])
			len += (size_t)sprintf(json + len, ", \"when\": %s", index_conds[i]);
		len += (size_t)sprintf(json + len, ", \"set\": {\"label_r\": \"r%zu\"}}", i);
	}
	sprintf(json + len, "]}]}");
	return json;
}

START_TEST(index_keeps_first_match)
{
	static const char *const events[] = { "page_view", "purchase", "PURCHASE",
					      "email_open", "add_to_cart", NULL };
	static const char *const urls[] = { "https://shop.example/cart/x",
		"https://SHOP.example/Checkout", "https://shop.example/checkout",
		"https://m.shop.example/p/a.pdf", "https://shop.example/BASKET",
		"https://shop.example/\xe2\x84\xaa" "art/1", "https://shop.example/bsket",
		"https://shop.example/bag", "https://shop.example/shop/deals", NULL };
	static const char *const refs[] = { "https://www.google.com/search?q=a",
		"https://maps.google.com/", "https://news.example.org/", NULL };
	static const char *const camps[] = { "Spring-SALE", "winback", NULL };
	char *ix_json = index_rules(false), *lin_json = index_rules(true);
	tp_classifier *lin = NULL;
	tp_result *lres = NULL;
	tp_ruleset *rs;
	size_t e, u, f, c, checked = 0;

	use(ix_json);
	ck_assert_int_eq(tp_classifier_new(catalog, &lin, NULL), TP_OK);
	rs = compile(lin_json);
	ck_assert_int_eq(tp_classifier_add_rules(lin, rs), TP_OK);
	tp_ruleset_free(rs);
	ck_assert_int_eq(tp_result_new(&lres), TP_OK);
	for (e = 0; e < 6; e++)
		for (u = 0; u < 10; u++)
			for (f = 0; f < 4; f++)
				for (c = 0; c < 3; c++) {
					tp_attr a[4];
					size_t n = 0;
					const char *want, *got;
					size_t wl = 0, gl = 0;

#define ATTR(k, v) do { if (v) { a[n].key = k; a[n].key_len = strlen(k); \
	a[n].value = v; a[n].value_len = strlen(v); n++; } } while (0)
					ATTR("event", events[e]);
					ATTR("url", urls[u]);
					ATTR("referrer", refs[f]);
					ATTR("utm_campaign", camps[c]);
#undef ATTR
					ck_assert_int_eq(tp_classify(cls, a, n, res), TP_OK);
					ck_assert_int_eq(tp_classify(lin, a, n, lres), TP_OK);
					got = tp_result_get(res, "label_r", &gl);
					want = tp_result_get(lres, "label_r", &wl);
					ck_assert_ptr_nonnull(got);
					ck_assert_ptr_nonnull(want);
					ck_assert_msg(gl == wl && memcmp(got, want, gl) == 0,
						      "event %zu url %zu referrer %zu campaign %zu: "
						      "indexed %.*s, in order %.*s", e, u, f, c,
						      (int)gl, got, (int)wl, want);
					checked++;
				}
	ck_assert_uint_eq(checked, 720);
	tp_result_free(lres);
	tp_classifier_free(lin);
	free(ix_json);
	free(lin_json);
}
END_TEST

static const char alloc_rules[] =
	"{\"name\": \"alloc\",\n"
	" \"lists\": {\"engines\": [\"google\", \"bing\", \"duckduckgo\"],\n"
	"           \"social\": [\"facebook.com\", \"t.co\"]},\n"
	" \"groups\": [\n"
	"  {\"name\": \"channel_group\", \"rules\": [\n"
	"    {\"name\": \"Paid Search\", \"when\": {\"all\": [\n"
	"        {\"field\": \"source\", \"in\": \"engines\"},\n"
	"        {\"field\": \"medium\", \"regex\": \"^(.*cp.*|ppc|paid.*)$\"}]},\n"
	"     \"set\": {\"channel_group\": \"Paid Search\", \"touchpoint\": \"paid_search\"}},\n"
	"    {\"name\": \"Social\", \"when\": {\"any\": [\n"
	"        {\"field\": \"source\", \"in\": \"social\"},\n"
	"        {\"field\": \"medium\", \"in\": [\"social\", \"sm\"]}]},\n"
	"     \"set\": {\"channel_group\": \"Social\", \"channel\": \"social_media\"}},\n"
	"    {\"name\": \"Email\", \"when\": {\"field\": \"medium\", \"regex\": \"e.?mail\", \"match\": \"full\"},\n"
	"     \"set\": {\"channel_group\": \"Email\"}},\n"
	"    {\"name\": \"Other\", \"set\": {\"channel_group\": \"Other\"}}]},\n"
	"  {\"name\": \"touchpoint\", \"rules\": [\n"
	"    {\"name\": \"newsletter\", \"when\": {\"all\": [\n"
	"        {\"field\": \"channel_group\", \"eq\": \"Email\"},\n"
	"        {\"field\": \"campaign\", \"contains\": \"newsletter\"},\n"
	"        {\"not\": {\"field\": \"context.test\", \"exists\": true}}]},\n"
	"     \"set\": {\"touchpoint\": \"newsletter\", \"segment\": \"readers\"}}]}]}";

/* The same without regular expressions. */
static const char alloc_rules_lists[] =
	"{\"name\": \"alloc\",\n"
	" \"lists\": {\"engines\": [\"google\", \"bing\", \"duckduckgo\"],\n"
	"           \"social\": [\"facebook.com\", \"t.co\"]},\n"
	" \"groups\": [\n"
	"  {\"name\": \"channel_group\", \"rules\": [\n"
	"    {\"name\": \"Paid Search\", \"when\": {\"all\": [\n"
	"        {\"field\": \"source\", \"in\": \"engines\"},\n"
	"        {\"field\": \"medium\", \"in\": [\"cpc\", \"ppc\", \"paid\"]}]},\n"
	"     \"set\": {\"channel_group\": \"Paid Search\", \"touchpoint\": \"paid_search\"}},\n"
	"    {\"name\": \"Social\", \"when\": {\"any\": [\n"
	"        {\"field\": \"source\", \"in\": \"social\"},\n"
	"        {\"field\": \"medium\", \"in\": [\"social\", \"sm\"]}]},\n"
	"     \"set\": {\"channel_group\": \"Social\", \"channel\": \"social_media\"}},\n"
	"    {\"name\": \"Email\", \"when\": {\"field\": \"medium\", \"eq\": [\"email\", \"e-mail\"]},\n"
	"     \"set\": {\"channel_group\": \"Email\"}},\n"
	"    {\"name\": \"Other\", \"set\": {\"channel_group\": \"Other\"}}]},\n"
	"  {\"name\": \"touchpoint\", \"rules\": [\n"
	"    {\"name\": \"newsletter\", \"when\": {\"all\": [\n"
	"        {\"field\": \"channel_group\", \"eq\": \"Email\"},\n"
	"        {\"field\": \"campaign\", \"contains\": \"newsletter\"},\n"
	"        {\"not\": {\"field\": \"context.test\", \"exists\": true}}]},\n"
	"     \"set\": {\"touchpoint\": \"newsletter\", \"segment\": \"readers\"}}]}]}";

static const char *
result_value(const tp_result *r, const char *name)
{
	size_t len = 0;
	const char *v = tp_result_get(r, name, &len);

	return cstr(v, len);
}

static tp_status
alloc_classify(const tp_classifier *c, tp_result *r, const char *url)
{
	/* Static: the result is read after the call, and its raw
	 * attributes are views of these. */
	static tp_attr a[2];

	a[0] = (tp_attr){ "url", 3, url, strlen(url) };
	a[1] = (tp_attr){ "event", 5, "email_open", 10 };
	return tp_classify(c, a, 2, r);
}

/*
 * Fail each allocation in turn, first while compiling `rules`, then while
 * adding the rule set to a new classifier, creating a result and
 * classifying two events with it: every failure is TP_ENOMEM and leaks
 * nothing; once nothing fails, the results are right. (The catalog is
 * made before, outside the failing allocator; it is only referenced.)
 */
static void
allocation_loop(const char *rules)
{
	static const char url1[] =
		"https://shop.example.com/?utm_source=crm&utm_medium=E-Mail&utm_campaign=May+newsletter";
	static const char url2[] =
		"https://shop.example.com/?utm_source=Google&utm_medium=cpc&utm_campaign=brand";
	unsigned long setup_allocs, k;
	tp_classifier *c = NULL;
	tp_ruleset *compiled = NULL;
	int succeeded = 0;

	/* 1. Compiling. */
	for (k = 1; k < 100000 && !succeeded; k++) {
		tp_ruleset *rs = (tp_ruleset *)&k;
		tp_error *err;
		tp_status st;

		tp_test_failing_allocator_install(k);
		err = tp_error_new();
		if (err) {
			st = tp_ruleset_compile_string(catalog, rules, strlen(rules),
						       "alloc.json", &rs, err);
			if (st) {
				ck_assert_msg(st == TP_ENOMEM, "k=%lu: compile: %s: %s", k,
					      tp_status_name(st), tp_error_message(err, 0));
				ck_assert_ptr_null(rs);
				ck_assert(tp_test_allocation_failed());
			} else {
				ck_assert_msg(!tp_test_allocation_failed(),
					      "k=%lu: an allocation failed and nothing said so", k);
				ck_assert_uint_eq(tp_ruleset_rule_count(rs), 5);
				succeeded = 1;
			}
			tp_ruleset_free(rs);
			tp_error_free(err);
		}
		ck_assert_msg(tp_test_live_blocks() == 0, "k=%lu: compile leaked %ld blocks",
			      k, tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(succeeded);
	ck_assert_uint_gt(k, 100);

	/* 2. Classifying. A new classifier's allocations are always the same:
	 * count them once, then fail each allocation after them in turn. */
	compiled = compile(rules);
	tp_test_failing_allocator_install(0);
	ck_assert_int_eq(tp_classifier_new(catalog, &c, NULL), TP_OK);
	setup_allocs = tp_test_allocations();
	tp_classifier_free(c);
	c = NULL;
	ck_assert_int_eq(tp_test_live_blocks(), 0);
	tp_test_failing_allocator_remove();

	succeeded = 0;
	for (k = 1; k < 100000 && !succeeded; k++) {
		tp_result *r = NULL;
		tp_status st;

		tp_test_failing_allocator_install(setup_allocs + k);
		ck_assert_int_eq(tp_classifier_new(catalog, &c, NULL), TP_OK);
		st = tp_classifier_add_rules(c, compiled);
		ck_assert_msg(!st || st == TP_ENOMEM, "k=%lu: add: %s", k, tp_status_name(st));
		if (!st) {
			st = tp_result_new(&r);
			ck_assert_msg(!st || st == TP_ENOMEM, "k=%lu: result: %s", k,
				      tp_status_name(st));
		}
		if (!st) {
			st = alloc_classify(c, r, url1);
			ck_assert_msg(!st || st == TP_ENOMEM, "k=%lu: classify: %s", k,
				      tp_status_name(st));
			if (!st) {
				ck_assert_value(result_value(r, "channel_group"), "Email");
				ck_assert_value(result_value(r, "touchpoint"), "newsletter");
				ck_assert_value(result_value(r, "segment"), "readers");
				ck_assert_value(result_value(r, "campaign"), "May newsletter");
				ck_assert_value(result_value(r, "stage"), "consideration");
			}
		}
		if (!st) {
			st = alloc_classify(c, r, url2);
			ck_assert_msg(!st || st == TP_ENOMEM, "k=%lu: classify: %s", k,
				      tp_status_name(st));
			if (!st) {
				ck_assert_value(result_value(r, "channel_group"), "Paid Search");
				ck_assert_value(result_value(r, "touchpoint"), "paid_search");
				ck_assert_value(result_value(r, "segment"), NULL);
				ck_assert_value(result_value(r, "rule"), "Paid Search");
			}
		}
		if (!st) {
			succeeded = 1;
			ck_assert_msg(!tp_test_allocation_failed(),
				      "k=%lu: an allocation failed and nothing said so", k);
		} else {
			ck_assert(tp_test_allocation_failed());
		}
		tp_result_free(r);
		tp_classifier_free(c);
		c = NULL;
		ck_assert_msg(tp_test_live_blocks() == 0, "k=%lu: %ld blocks leaked", k,
			      tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(succeeded);
	ck_assert_uint_gt(k, 5);
	tp_ruleset_free(compiled);
}

START_TEST(allocation_failures_lists)
{
	allocation_loop(alloc_rules_lists);
}
END_TEST

/*
 * With regular expressions (an allocation failure inside pcre2_compile()
 * is compile error 121, PCRE2_ERROR_HEAP_FAILED: TP_ENOMEM too, not an
 * invalid expression).
 */
START_TEST(allocation_failures)
{
	allocation_loop(alloc_rules);
}
END_TEST

/* Once a result has grown, classifying allocates nothing. */
START_TEST(classifying_does_not_allocate)
{
	static const char url[] =
		"https://shop.example.com/?utm_source=crm&utm_medium=email&utm_campaign=newsletter";
	tp_ruleset *rs = compile(alloc_rules);
	tp_attr a[2] = {
		{ "url", 3, url, sizeof(url) - 1 },
		{ "event", 5, "email_open", 10 },
	};
	int i;

	ck_assert_int_eq(tp_classifier_new(catalog, &cls, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules(cls, rs), TP_OK);
	tp_ruleset_free(rs);
	ck_assert_int_eq(tp_result_new(&res), TP_OK);
	ck_assert_int_eq(tp_classify(cls, a, 2, res), TP_OK);
	tp_test_failing_allocator_install(1);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(tp_classify(cls, a, 2, res), TP_OK);
		ck_assert_value(get("channel_group"), "Email");
		ck_assert_value(get("touchpoint"), "newsletter");
	}
	ck_assert_uint_eq(tp_test_allocations(), 0);
	tp_test_failing_allocator_remove();
}
END_TEST

/* ---- regression tests of faults found while writing these ---- */

/*
 * Identical conditions share one compiled atom, found by a text key of
 * the condition: two conditions that only look alike ["a", "b"] and
 * "a\u001fb" must stay two.
 */
START_TEST(conditions_that_only_look_alike)
{
	use("{\"groups\": [\n"
	    " {\"name\": \"one\", \"rules\": [\n"
	    "   {\"name\": \"list\", \"when\": {\"field\": \"x\", \"eq\": [\"a\", \"b\"]},\n"
	    "    \"set\": {\"one\": \"yes\"}}]},\n"
	    " {\"name\": \"two\", \"rules\": [\n"
	    "   {\"name\": \"joined\", \"when\": {\"field\": \"x\", \"eq\": \"a\\u001fb\"},\n"
	    "    \"set\": {\"two\": \"yes\"}}]}]}");
	classify("x", "a", NULL);
	ck_assert_value(get("one"), "yes");
	ck_assert_value(get("two"), NULL);
}
END_TEST

/*
 * The JSON path and place of a fault more than 64 path steps deep, after
 * a sibling condition (a path builder with a fixed number of marks once
 * kept the sibling's steps: ".all[0].field.exists[1].field.eq").
 */
START_TEST(fault_path_deep_in_conditions)
{
	char text[4096], path[2048], *p = text;
	tp_error *err;
	int i;

	p += sprintf(p, "{\"groups\": [{\"name\": \"g\", \"rules\": [{\"name\": \"deep\", \"when\": ");
	for (i = 0; i < 35; i++)
		p += sprintf(p, "{\"all\": [");
	p += sprintf(p, "{\"field\": \"a\", \"exists\": true}, {\"field\": \"b\", \"eq\": 5}");
	for (i = 0; i < 35; i++)
		p += sprintf(p, "]}");
	sprintf(p, ", \"set\": {\"x\": \"1\"}}]}]}");
	err = compile_fails(text, TP_ESCHEMA);
	ck_assert_uint_eq(tp_error_count(err), 1);
	strcpy(path, "$.groups[0].rules[0].when");
	for (i = 0; i < 34; i++)
		strcat(path, ".all[0]");
	strcat(path, ".all[1].eq");
	fault_is(err, 0, TP_ESCHEMA, text, "5}", path,
		 "rule \"deep\": \"eq\" takes a string or a non-empty array of strings, not number");
	tp_error_free(err);
}
END_TEST

/*
 * A condition on the field "rule" reads the last rule that matched so far
 * (not an attribute or label called "rule").
 */
START_TEST(condition_on_rule)
{
	use("{\"groups\": [\n"
	    " {\"name\": \"first\", \"rules\": [\n"
	    "   {\"name\": \"mail\", \"when\": {\"field\": \"utm_medium\", \"eq\": \"email\"},\n"
	    "    \"set\": {\"channel_group\": \"Email\"}}]},\n"
	    " {\"name\": \"by_rule\", \"rules\": [\n"
	    "   {\"name\": \"rule seen\", \"when\": {\"field\": \"rule\", \"eq\": \"mail\"},\n"
	    "    \"set\": {\"t_rule\": \"yes\"}}]}]}");
	classify("utm_medium", "email", NULL);
	ck_assert_value(get("channel_group"), "Email");
	ck_assert_value(get("t_rule"), "yes");
	/* Not an attribute called "rule". */
	classify("utm_medium", "sms", "rule", "mail", NULL);
	ck_assert_value(get("t_rule"), NULL);
}
END_TEST

/*
 * Before any rule matched, "rule" has no value (nor does it read another
 * attribute, such as the rule set's first name, utm_medium).
 */
START_TEST(rule_before_any_match)
{
	use("{\"groups\": [\n"
	    " {\"name\": \"first\", \"rules\": [\n"
	    "   {\"name\": \"mail\", \"when\": {\"field\": \"utm_medium\", \"eq\": \"email\"},\n"
	    "    \"set\": {\"channel_group\": \"Email\"}}]},\n"
	    " {\"name\": \"by_rule\", \"rules\": [\n"
	    "   {\"name\": \"rule seen\", \"when\": {\"field\": \"rule\", \"eq\": \"mail\"},\n"
	    "    \"set\": {\"t_rule\": \"yes\"}},\n"
	    "   {\"name\": \"no rule\", \"when\": {\"field\": \"rule\", \"missing\": true},\n"
	    "    \"set\": {\"t_rule\": \"none\"}}]}]}");
	classify("utm_medium", "mail", NULL);
	ck_assert_value(get("channel_group"), NULL);
	ck_assert_value(get("t_rule"), "none");
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc;

	tc = tcase_create("operators");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, op_eq);
	tcase_add_test(tc, op_ne);
	tcase_add_test(tc, op_in_inline);
	tcase_add_test(tc, op_in_list);
	tcase_add_test(tc, op_prefix);
	tcase_add_test(tc, op_suffix);
	tcase_add_test(tc, op_contains);
	tcase_add_test(tc, op_regex_partial);
	tcase_add_test(tc, op_regex_full);
	tcase_add_test(tc, op_exists);
	tcase_add_test(tc, op_missing);
	tcase_add_test(tc, op_gt);
	tcase_add_test(tc, op_ge);
	tcase_add_test(tc, op_lt);
	tcase_add_test(tc, op_le);
	tcase_add_test(tc, op_host);
	tcase_add_test(tc, combinators);
	suite_add_tcase(s, tc);

	tc = tcase_create("evaluation");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rule_without_when_always_matches);
	tcase_add_test(tc, first_match_wins);
	tcase_add_test(tc, later_groups_read_earlier_outputs);
	tcase_add_test(tc, completion_happens_after_the_rules);
	tcase_add_test(tc, outputs_fall_back_to_attributes);
	tcase_add_test(tc, rule_sets_run_in_order);
	tcase_add_test(tc, identical_conditions_in_many_rules);
	tcase_add_test(tc, touchpoint_brings_channel_stage_phase_dimensions);
	tcase_add_test(tc, rule_outputs_win_over_completion);
	tcase_add_test(tc, labels_and_dimensions_by_name);
	tcase_add_test(tc, result_reused_with_new_classifier);
	tcase_add_test(tc, many_rules_on_one_field);
	tcase_add_test(tc, repeated_events);
	tcase_add_test(tc, conditions_that_only_look_alike);
	tcase_add_test(tc, condition_on_rule);
	tcase_add_test(tc, rule_before_any_match);
	suite_add_tcase(s, tc);

	tc = tcase_create("fields");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, derived_source_medium_campaign);
	tcase_add_test(tc, derived_url_and_referrer_fields);
	tcase_add_test(tc, configured_internal_domain);
	tcase_add_test(tc, raw_and_dotted_attributes);
	tcase_add_test(tc, field_map_renames);
	tcase_add_test(tc, field_map_before_rules);
	suite_add_tcase(s, tc);

	tc = tcase_create("ruleset");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ruleset_accessors);
	tcase_add_test(tc, ruleset_of_another_catalog);
	tcase_add_test(tc, compile_file);
	tcase_add_test(tc, builtin_rule_sets);
	suite_add_tcase(s, tc);

	tc = tcase_create("faults");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, index_keeps_first_match);
	tcase_add_test(tc, fault_bad_json);
	tcase_add_test(tc, fault_unknown_member);
	tcase_add_test(tc, fault_wrong_type);
	tcase_add_test(tc, fault_unknown_operator);
	tcase_add_test(tc, fault_two_operators);
	tcase_add_test(tc, fault_unknown_list);
	tcase_add_test(tc, fault_unknown_ids);
	tcase_add_test(tc, fault_bad_dimension_value);
	tcase_add_test(tc, fault_invalid_regex);
	tcase_add_test(tc, fault_setting_a_derived_field);
	tcase_add_test(tc, fault_nesting_too_deep);
	tcase_add_test(tc, fault_path_deep_in_conditions);
	tcase_add_test(tc, fault_empty_or_missing_parts);
	tcase_add_test(tc, several_faults_in_a_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("allocation");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, allocation_failures);
	tcase_add_test(tc, allocation_failures_lists);
	tcase_add_test(tc, classifying_does_not_allocate);
	suite_add_tcase(s, tc);
	return s;
}
