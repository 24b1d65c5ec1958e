/* SPDX-License-Identifier: MIT */
/*
 * The built-in `ga4` rule set against GA4's documented default channel
 * group ("[GA4] Default channel group", Analytics Help 9756891): the 18
 * channels and Unassigned, in GA4's order, each with a positive and a
 * negative case, the cases where the order decides, case-insensitivity,
 * every row of GA4's source-category list, and the normalisation paths
 * (utm attributes, utm parameters of the url, referrers, gclid).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <touchpoint/touchpoint.h>

#include "test-common.h"

static tp_classifier *ga4;
static tp_result *res;

static void
setup(void)
{
	tp_error *err = tp_error_new();

	ck_assert_int_eq(tp_classifier_new(NULL, &ga4, err), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules_named(ga4, "ga4", err), TP_OK);
	ck_assert_int_eq(tp_result_new(&res), TP_OK);
	tp_error_free(err);
}

static void
teardown(void)
{
	tp_result_free(res);
	tp_classifier_free(ga4);
	res = NULL;
	ga4 = NULL;
}

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

/* Classify key, value, ..., NULL; the channel group. */
static const char *
group(const char *key, ...)
{
	tp_attr a[16];
	size_t n = 0;
	va_list ap;

	va_start(ap, key);
	for (; key; key = va_arg(ap, const char *)) {
		const char *value = va_arg(ap, const char *);

		ck_assert_uint_lt(n, 16);
		a[n].key = key;
		a[n].key_len = strlen(key);
		a[n].value = value;
		a[n].value_len = strlen(value);
		n++;
	}
	va_end(ap);
	ck_assert_int_eq(tp_classify(ga4, a, n, res), TP_OK);
	/* Every event gets a group, set by the rule of the same name. */
	ck_assert_ptr_nonnull(field(TP_FIELD_CHANNEL_GROUP));
	ck_assert_str_eq(field(TP_FIELD_RULE), field(TP_FIELD_CHANNEL_GROUP));
	return field(TP_FIELD_CHANNEL_GROUP);
}

/* The channel group of an event tagged utm_source, utm_medium,
 * utm_campaign (NULL leaves one out). */
static const char *
utm(const char *source, const char *medium, const char *campaign)
{
	const char *kv[6];
	size_t n = 0;

	if (source) {
		kv[n++] = "utm_source";
		kv[n++] = source;
	}
	if (medium) {
		kv[n++] = "utm_medium";
		kv[n++] = medium;
	}
	if (campaign) {
		kv[n++] = "utm_campaign";
		kv[n++] = campaign;
	}
	while (n < 6)
		kv[n++] = NULL;
	return group(kv[0], kv[1], kv[2], kv[3], kv[4], kv[5], NULL);
}

/* The channel group of a visit to the shop from `referrer`. */
static const char *
from(const char *referrer)
{
	return group("url", "https://shop.example.com/landing", "referrer", referrer, NULL);
}

#define GROUP_IS(expected, got) ck_assert_value(got, expected)

/* ---- the rule set itself ---- */

static const char *const ga4_order[] = {
	"Direct", "Cross-network", "Paid Shopping", "Paid Search", "Paid Social",
	"Paid Video", "Display", "Paid Other", "Organic Shopping", "Organic Social",
	"Organic Video", "Organic Search", "Referral", "Email", "Affiliates",
	"Audio", "SMS", "Mobile Push Notifications", "Unassigned",
};
#define N_GA4 (sizeof(ga4_order) / sizeof(ga4_order[0]))

static int
occurrences(const char *text, const char *s)
{
	int n = 0;

	while ((text = strstr(text, s))) {
		n++;
		text++;
	}
	return n;
}

START_TEST(rules_in_ga4_order)
{
	size_t len = 0, i = 0;
	const char *text = tp_ruleset_builtin_source("ga4", &len);
	cJSON *doc, *groups, *rules, *rule;
	tp_catalog *catalog = NULL;
	tp_ruleset *rs = NULL;

	ck_assert_ptr_nonnull(text);
	doc = cJSON_ParseWithLength(text, len);
	ck_assert_ptr_nonnull(doc);
	groups = cJSON_GetObjectItemCaseSensitive(doc, "groups");
	ck_assert_int_eq(cJSON_GetArraySize(groups), 1);
	rules = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(groups, 0), "rules");
	ck_assert_int_eq(cJSON_GetArraySize(rules), (int)N_GA4);
	cJSON_ArrayForEach(rule, rules) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(rule, "name");
		const cJSON *set = cJSON_GetObjectItemCaseSensitive(rule, "set");
		const cJSON *cg = cJSON_GetObjectItemCaseSensitive(set, "channel_group");

		ck_assert_str_eq(name->valuestring, ga4_order[i]);
		ck_assert_str_eq(cg->valuestring, ga4_order[i]);
		ck_assert_int_eq(cJSON_GetArraySize(set), 1);
		/* Only Unassigned has no condition. */
		ck_assert_int_eq(cJSON_HasObjectItem(rule, "when"), i + 1 < N_GA4);
		i++;
	}
	cJSON_Delete(doc);
	/* GA4's regular expressions, verbatim: the paid medium in Paid
	 * Shopping, Search, Social, Video and Other; the shopping campaign in
	 * Paid and Organic Shopping. */
	ck_assert_int_eq(occurrences(text, "\"^(.*cp.*|ppc|retargeting|paid.*)$\""), 5);
	ck_assert_int_eq(occurrences(text, "\"^(.*(([^a-df-z]|^)shop|shopping).*)$\""), 2);
	ck_assert_int_eq(occurrences(text, "\"regex\""), 8);
	ck_assert_int_eq(occurrences(text, "\"^(.*video.*)$\""), 1);
	ck_assert_int_eq(tp_catalog_default(&catalog, NULL), TP_OK);
	ck_assert_int_eq(tp_ruleset_builtin(catalog, "ga4", &rs, NULL), TP_OK);
	ck_assert_uint_eq(tp_ruleset_rule_count(rs), N_GA4);
	ck_assert_str_eq(tp_ruleset_name(rs), "ga4");
	tp_ruleset_free(rs);
	tp_catalog_free(catalog);
}
END_TEST

/* ---- one test per channel, in GA4's order ---- */

/* Source exactly matches "(direct)" AND Medium is one of ("(not set)", "(none)"). */
START_TEST(direct)
{
	GROUP_IS("Direct", group(NULL));
	GROUP_IS("Direct", group("event", "page_view", "url", "https://shop.example.com/", NULL));
	GROUP_IS("Direct", utm("(direct)", "(none)", NULL));
	GROUP_IS("Direct", utm("(direct)", NULL, NULL));
	GROUP_IS("Direct", utm("(direct)", "(not set)", "spring"));
	/* negative */
	GROUP_IS("Email", utm("(direct)", "email", NULL));
	GROUP_IS("Unassigned", utm("direct", "(none)", NULL));
	GROUP_IS("Referral", from("https://blog.example.net/post"));
}
END_TEST

/* Campaign Name contains "cross-network". */
START_TEST(cross_network)
{
	GROUP_IS("Cross-network", utm("google", "cpc", "pmax-cross-network-2026"));
	GROUP_IS("Cross-network", utm("newsletter", "email", "Cross-Network test"));
	GROUP_IS("Cross-network", utm(NULL, NULL, "cross-network"));
	/* negative */
	GROUP_IS("Paid Search", utm("google", "cpc", "crossnetwork"));
	GROUP_IS("Paid Search", utm("google", "cpc", "cross network"));
	GROUP_IS("Unassigned", utm("cross-network", "x", NULL));
}
END_TEST

/* (Source matches a list of shopping sites OR Campaign Name matches regex
 * ^(.*(([^a-df-z]|^)shop|shopping).*)$) AND Medium matches regex
 * ^(.*cp.*|ppc|retargeting|paid.*)$ */
START_TEST(paid_shopping)
{
	GROUP_IS("Paid Shopping", utm("amazon", "cpc", NULL));
	GROUP_IS("Paid Shopping", utm("Google Shopping", "ppc", NULL));
	GROUP_IS("Paid Shopping", utm("x", "retargeting", "shop"));
	GROUP_IS("Paid Shopping", utm("x", "paid", "summer-shop"));
	GROUP_IS("Paid Shopping", utm("x", "paid", "eshop"));
	GROUP_IS("Paid Shopping", utm("x", "paid", "2026shop"));
	GROUP_IS("Paid Shopping", utm("x", "paid", "myshopping"));
	/* A search or social source with a shopping campaign: Paid Shopping first. */
	GROUP_IS("Paid Shopping", utm("google", "cpc", "Summer_Shop"));
	GROUP_IS("Paid Shopping", utm("facebook", "paid_social", "shopping-ads"));
	/* negative */
	GROUP_IS("Paid Search", utm("google", "cpc", "workshop"));
	GROUP_IS("Paid Other", utm("x", "cpc", "bishop"));
	GROUP_IS("Organic Shopping", utm("amazon", "referral", NULL));
	GROUP_IS("Organic Shopping", utm("x", "email", "shop"));
}
END_TEST

/* Source matches a list of search sites AND Medium matches regex
 * ^(.*cp.*|ppc|retargeting|paid.*)$ */
START_TEST(paid_search)
{
	GROUP_IS("Paid Search", utm("google", "cpc", NULL));
	GROUP_IS("Paid Search", utm("bing", "ppc", "brand"));
	GROUP_IS("Paid Search", utm("duckduckgo", "paidsearch", NULL));
	GROUP_IS("Paid Search", utm("baidu", "retargeting", NULL));
	/* cpm matches .*cp.*: Paid Search comes before Display. */
	GROUP_IS("Paid Search", utm("google", "cpm", NULL));
	/* negative */
	GROUP_IS("Organic Search", utm("google", "organic", NULL));
	GROUP_IS("Organic Search", utm("google", "unpaid", NULL));
	GROUP_IS("Paid Other", utm("googles", "cpc", NULL));
}
END_TEST

/* Source matches a list of social sites AND Medium matches the paid regex. */
START_TEST(paid_social)
{
	GROUP_IS("Paid Social", utm("facebook", "paid_social", NULL));
	GROUP_IS("Paid Social", utm("instagram.com", "cpc", NULL));
	GROUP_IS("Paid Social", utm("t.co", "ppc", NULL));
	GROUP_IS("Paid Social", utm("linkedin", "cpm", NULL));
	/* negative */
	GROUP_IS("Organic Social", utm("facebook", "social", NULL));
	GROUP_IS("Organic Social", utm("tiktok", "organic", NULL));
	GROUP_IS("Paid Other", utm("my-facebook-page", "cpc", NULL));
}
END_TEST

/* Source matches a list of video sites AND Medium matches the paid regex. */
START_TEST(paid_video)
{
	GROUP_IS("Paid Video", utm("youtube", "cpv", NULL));
	GROUP_IS("Paid Video", utm("vimeo.com", "paid", NULL));
	GROUP_IS("Paid Video", utm("twitch", "cpc", NULL));
	/* negative */
	GROUP_IS("Organic Video", utm("youtube", "video", NULL));
	GROUP_IS("Organic Video", utm("youtube.com", "referral", NULL));
	GROUP_IS("Paid Other", utm("dailymotionx", "cpv", NULL));
}
END_TEST

/* Medium is one of ("display", "banner", "expandable", "interstitial", "cpm"). */
START_TEST(display)
{
	GROUP_IS("Display", utm("adserver", "display", NULL));
	GROUP_IS("Display", utm("adserver", "banner", NULL));
	GROUP_IS("Display", utm("adserver", "expandable", NULL));
	GROUP_IS("Display", utm("adserver", "interstitial", NULL));
	GROUP_IS("Display", utm("adserver", "cpm", NULL));
	GROUP_IS("Display", utm(NULL, "Banner", NULL));
	/* negative */
	GROUP_IS("Unassigned", utm("adserver", "displays", NULL));
	GROUP_IS("Unassigned", utm("adserver", "rich banner", NULL));
	GROUP_IS("Paid Search", utm("google", "cpm", NULL));
}
END_TEST

/* Medium matches regex ^(.*cp.*|ppc|retargeting|paid.*)$ */
START_TEST(paid_other)
{
	GROUP_IS("Paid Other", utm("adserver", "cpc", NULL));
	GROUP_IS("Paid Other", utm("adserver", "cpa", NULL));
	GROUP_IS("Paid Other", utm("adserver", "ppc", NULL));
	GROUP_IS("Paid Other", utm("adserver", "retargeting", NULL));
	GROUP_IS("Paid Other", utm("adserver", "paid-partner", NULL));
	GROUP_IS("Paid Other", utm(NULL, "xcpx", NULL));
	/* negative */
	GROUP_IS("Unassigned", utm("adserver", "unpaid", NULL));
	GROUP_IS("Unassigned", utm("adserver", "retargetings", NULL));
	GROUP_IS("Unassigned", utm("adserver", "ppcx", NULL));
	GROUP_IS("Unassigned", utm("adserver", "c-p", NULL));
}
END_TEST

/* Source matches a list of shopping sites OR Campaign Name matches the
 * shopping regex. */
START_TEST(organic_shopping)
{
	GROUP_IS("Organic Shopping", utm("ebay.com", "referral", NULL));
	GROUP_IS("Organic Shopping", from("https://www.amazon.com/gp/product/1"));
	GROUP_IS("Organic Shopping", utm("shopify", NULL, NULL));
	/* Before Email and Referral. */
	GROUP_IS("Organic Shopping", utm("newsletter", "email", "shop-launch"));
	GROUP_IS("Organic Shopping", utm("blog", "referral", "Black Friday Shopping"));
	/* negative */
	GROUP_IS("Email", utm("newsletter", "email", "workshop"));
	GROUP_IS("Referral", utm("blog", "referral", "bishop"));
	GROUP_IS("Referral", utm("amazon.example", "referral", NULL));
}
END_TEST

/* Source matches a list of social sites OR Medium is one of ("social",
 * "social-network", "social-media", "sm", "social network", "social media"). */
START_TEST(organic_social)
{
	GROUP_IS("Organic Social", from("https://www.facebook.com/groups/1"));
	GROUP_IS("Organic Social", from("https://www.linkedin.com/feed/"));
	GROUP_IS("Organic Social", utm("x", "social", NULL));
	GROUP_IS("Organic Social", utm("x", "social-network", NULL));
	GROUP_IS("Organic Social", utm("x", "social-media", NULL));
	GROUP_IS("Organic Social", utm("x", "sm", NULL));
	GROUP_IS("Organic Social", utm("x", "social network", NULL));
	GROUP_IS("Organic Social", utm("x", "social media", NULL));
	/* Social comes before video and search. */
	GROUP_IS("Organic Social", utm("facebook", "video", NULL));
	GROUP_IS("Organic Social", utm("facebook", "organic", NULL));
	/* negative */
	GROUP_IS("Unassigned", utm("x", "socials", NULL));
	GROUP_IS("Unassigned", utm("x", "social_network", NULL));
	GROUP_IS("Referral", from("https://facebook.example.org/"));
}
END_TEST

/* Source matches a list of video sites OR Medium matches regex ^(.*video.*)$ */
START_TEST(organic_video)
{
	GROUP_IS("Organic Video", from("https://www.youtube.com/watch?v=1"));
	GROUP_IS("Organic Video", utm("vimeo", "referral", NULL));
	GROUP_IS("Organic Video", utm("x", "video", NULL));
	GROUP_IS("Organic Video", utm("x", "pre-roll-Video-ad", NULL));
	/* Video comes before search. */
	GROUP_IS("Organic Video", utm("google", "video", NULL));
	/* negative */
	GROUP_IS("Unassigned", utm("x", "vid", NULL));
	GROUP_IS("Unassigned", utm("x", "vide-o", NULL));
}
END_TEST

/* Source matches a list of search sites OR Medium exactly matches organic. */
START_TEST(organic_search)
{
	GROUP_IS("Organic Search", from("https://www.google.com/"));
	GROUP_IS("Organic Search", from("https://www.bing.com/search?q=shoes"));
	GROUP_IS("Organic Search", utm("x", "organic", NULL));
	/* A search site as a referral: Organic Search comes before Referral. */
	GROUP_IS("Organic Search", utm("bing", "referral", NULL));
	GROUP_IS("Organic Search", utm("ecosia.org", "link", NULL));
	/* negative */
	GROUP_IS("Unassigned", utm("x", "organics", NULL));
	GROUP_IS("Referral", utm("my-search", "referral", NULL));
}
END_TEST

/* Medium is one of ("referral", "app", "link"). */
START_TEST(referral)
{
	GROUP_IS("Referral", from("https://blog.example.net/review"));
	GROUP_IS("Referral", utm("partner", "referral", NULL));
	GROUP_IS("Referral", utm("partner", "app", NULL));
	GROUP_IS("Referral", utm("partner", "link", NULL));
	GROUP_IS("Referral", utm("partner", "REFERRAL", NULL));
	/* negative */
	GROUP_IS("Unassigned", utm("partner", "referrals", NULL));
	GROUP_IS("Unassigned", utm("partner", "links", NULL));
	GROUP_IS("Unassigned", utm("referral", "x", NULL));
}
END_TEST

/* Source = email|e-mail|e_mail|e mail OR Medium = email|e-mail|e_mail|e mail. */
START_TEST(email)
{
	GROUP_IS("Email", utm("crm", "email", NULL));
	GROUP_IS("Email", utm("crm", "e-mail", NULL));
	GROUP_IS("Email", utm("crm", "e_mail", NULL));
	GROUP_IS("Email", utm("crm", "e mail", NULL));
	GROUP_IS("Email", utm("email", "newsletter", NULL));
	GROUP_IS("Email", utm("e-mail", NULL, NULL));
	GROUP_IS("Email", utm("E_Mail", "x", NULL));
	/* negative */
	GROUP_IS("Unassigned", utm("crm", "emails", NULL));
	GROUP_IS("Unassigned", utm("crm", "mail", NULL));
	GROUP_IS("Unassigned", utm("crm", "e--mail", NULL));
}
END_TEST

/* Medium = affiliate. */
START_TEST(affiliates)
{
	GROUP_IS("Affiliates", utm("partner", "affiliate", NULL));
	GROUP_IS("Affiliates", utm("partner", "Affiliate", "spring"));
	/* negative */
	GROUP_IS("Unassigned", utm("partner", "affiliates", NULL));
	GROUP_IS("Unassigned", utm("affiliate", "x", NULL));
}
END_TEST

/* Medium exactly matches audio. */
START_TEST(audio)
{
	GROUP_IS("Audio", utm("podcastnet", "audio", NULL));
	GROUP_IS("Audio", utm(NULL, "AUDIO", NULL));
	/* negative */
	GROUP_IS("Unassigned", utm("podcastnet", "podcast", NULL));
	GROUP_IS("Unassigned", utm("audio", "x", NULL));
	GROUP_IS("Unassigned", utm("podcastnet", "audio-ad", NULL));
}
END_TEST

/* Source exactly matches sms OR Medium exactly matches sms. */
START_TEST(sms)
{
	GROUP_IS("SMS", utm("sms", "x", NULL));
	GROUP_IS("SMS", utm("sms", NULL, NULL));
	GROUP_IS("SMS", utm("gateway", "sms", NULL));
	GROUP_IS("SMS", utm("gateway", "SMS", NULL));
	/* negative */
	GROUP_IS("Unassigned", utm("gateway", "mms", NULL));
	GROUP_IS("Unassigned", utm("sms-gateway", "text", NULL));
}
END_TEST

/* Medium ends with "push" OR Medium contains "mobile" or "notification"
 * OR Source exactly matches "firebase". */
START_TEST(mobile_push)
{
	GROUP_IS("Mobile Push Notifications", utm("app", "web-push", NULL));
	GROUP_IS("Mobile Push Notifications", utm("app", "push", NULL));
	GROUP_IS("Mobile Push Notifications", utm("app", "mobile", NULL));
	GROUP_IS("Mobile Push Notifications", utm("app", "in-app-Notification-1", NULL));
	GROUP_IS("Mobile Push Notifications", utm("firebase", "x", NULL));
	GROUP_IS("Mobile Push Notifications", utm("Firebase", NULL, NULL));
	/* negative */
	GROUP_IS("Unassigned", utm("app", "pushed", NULL));
	GROUP_IS("Unassigned", utm("app", "notify", NULL));
	GROUP_IS("Unassigned", utm("firebase.com", "x", NULL));
}
END_TEST

/* Everything else. */
START_TEST(unassigned)
{
	GROUP_IS("Unassigned", utm("foo", "bar", NULL));
	GROUP_IS("Unassigned", utm(NULL, NULL, "spring"));
	GROUP_IS("Unassigned", utm("foo", NULL, NULL));
	/* negative */
	GROUP_IS("Email", utm("foo", "email", NULL));
	GROUP_IS("Direct", group(NULL));
}
END_TEST

/* ---- across channels ---- */

START_TEST(case_insensitive)
{
	GROUP_IS("Direct", utm("(DIRECT)", "(None)", NULL));
	GROUP_IS("Cross-network", utm("x", "x", "PMAX_CROSS-NETWORK"));
	GROUP_IS("Paid Shopping", utm("x", "CPC", "SHOP"));
	GROUP_IS("Paid Search", utm("GOOGLE", "CPC", NULL));
	GROUP_IS("Paid Social", utm("FaceBook", "Paid_Social", NULL));
	GROUP_IS("Paid Video", utm("YouTube", "CPV", NULL));
	GROUP_IS("Display", utm("x", "DISPLAY", NULL));
	GROUP_IS("Paid Other", utm("x", "RETARGETING", NULL));
	GROUP_IS("Organic Shopping", utm("AMAZON", NULL, NULL));
	GROUP_IS("Organic Social", utm("x", "Social Media", NULL));
	GROUP_IS("Organic Video", utm("x", "VIDEO", NULL));
	GROUP_IS("Organic Search", utm("x", "ORGANIC", NULL));
	GROUP_IS("Referral", utm("x", "Link", NULL));
	GROUP_IS("Email", utm("x", "E-Mail", NULL));
	GROUP_IS("Affiliates", utm("x", "AFFILIATE", NULL));
	GROUP_IS("SMS", utm("SMS", NULL, NULL));
	GROUP_IS("Mobile Push Notifications", utm("x", "WEB-PUSH", NULL));
}
END_TEST

struct category_row {
	char source[256];
	char category[32];   /* SEARCH, SOCIAL, SHOPPING or VIDEO */
};

/* "Paid Search", "Organic Social"...: the first of `order` (category
 * names) that the source is listed under. */
static void
expected_group(const struct category_row *rows, size_t n, const char *source,
	       const char *prefix, const char *const order[4], char *out, size_t size)
{
	size_t c, k;

	*out = '\0';
	for (c = 0; c < 4; c++) {
		for (k = 0; k < n; k++) {
			if (strcasecmp(rows[k].source, source) == 0 &&
			    strcmp(rows[k].category, order[c]) == 0) {
				/* "SHOPPING" -> "Shopping" */
				snprintf(out, size, "%s %c%s", prefix, order[c][0], order[c] + 1);
				for (out += strlen(prefix) + 2; *out; out++)
					*out = (char)(*out - 'A' + 'a');
				return;
			}
		}
	}
}

/*
 * Every row of GA4's source-category list (data/ga4/): a paid medium
 * gives Paid <category>, a referral Organic <category> (were a source
 * listed under several categories, GA4's order would decide: paid
 * shopping, search, social, video; organic shopping, social, video,
 * search).
 */
START_TEST(every_listed_source)
{
	static const char *const paid_order[4] = { "SHOPPING", "SEARCH", "SOCIAL", "VIDEO" };
	static const char *const organic_order[4] = { "SHOPPING", "SOCIAL", "VIDEO", "SEARCH" };
	struct category_row *rows = calloc(2000, sizeof(*rows));
	FILE *f = fopen(tp_test_source("data/ga4/ga4_source_categories.csv"), "r");
	char line[256];
	size_t n = 0, i;

	ck_assert_ptr_nonnull(rows);
	ck_assert_msg(f != NULL, "cannot open the GA4 source categories");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "source,source_category\n");
	while (fgets(line, sizeof(line), f)) {
		char *comma = strchr(line, ',');

		ck_assert_ptr_nonnull(comma);
		*comma = '\0';
		comma[1 + strcspn(comma + 1, "\r\n")] = '\0';
		ck_assert(strncmp(comma + 1, "SOURCE_CATEGORY_", 16) == 0);
		ck_assert_uint_lt(n, 2000);
		snprintf(rows[n].source, sizeof(rows[n].source), "%s", line);
		snprintf(rows[n].category, sizeof(rows[n].category), "%s", comma + 17);
		n++;
	}
	fclose(f);
	ck_assert_uint_eq(n, 819);

	for (i = 0; i < n; i++) {
		char paid[64], organic[64];

		expected_group(rows, n, rows[i].source, "Paid", paid_order, paid, sizeof(paid));
		expected_group(rows, n, rows[i].source, "Organic", organic_order, organic,
			       sizeof(organic));
		ck_assert_msg(*paid && *organic, "%s: no category", rows[i].source);
		ck_assert_msg(strcmp(utm(rows[i].source, "cpc", NULL), paid) == 0,
			      "%s / cpc: %s, expected %s", rows[i].source,
			      field(TP_FIELD_CHANNEL_GROUP), paid);
		ck_assert_msg(strcmp(utm(rows[i].source, "referral", NULL), organic) == 0,
			      "%s / referral: %s, expected %s", rows[i].source,
			      field(TP_FIELD_CHANNEL_GROUP), organic);
	}
	free(rows);
}
END_TEST

/* ---- normalisation: where source, medium and campaign come from ---- */

START_TEST(from_utm_attributes)
{
	GROUP_IS("Paid Search", group("utm_source", "google", "utm_medium", "cpc",
				      "utm_campaign", "brand", NULL));
	ck_assert_value(field(TP_FIELD_SOURCE), "google");
	ck_assert_value(field(TP_FIELD_MEDIUM), "cpc");
	ck_assert_value(field(TP_FIELD_CAMPAIGN), "brand");
	/* The attributes win over the url's parameters and the referrer. */
	GROUP_IS("Email", group("utm_source", "crm", "utm_medium", "email",
				"url", "https://shop.example.com/?utm_medium=cpc&utm_source=google",
				"referrer", "https://www.google.com/", NULL));
	/* A missing medium or campaign is (not set). */
	GROUP_IS("Organic Search", utm("bing", NULL, NULL));
	ck_assert_value(field(TP_FIELD_MEDIUM), "(not set)");
	ck_assert_value(field(TP_FIELD_CAMPAIGN), "(not set)");
}
END_TEST

START_TEST(from_url_parameters)
{
	GROUP_IS("Email", group("url", "https://shop.example.com/p/1?utm_source=crm"
				"&utm_medium=email&utm_campaign=may", NULL));
	ck_assert_value(field(TP_FIELD_SOURCE), "crm");
	ck_assert_value(field(TP_FIELD_CAMPAIGN), "may");
	/* Decoded as form fields. */
	GROUP_IS("Organic Social", group("url", "https://shop.example.com/?utm_source=x"
					 "&utm_medium=social+media", NULL));
	GROUP_IS("Email", group("url", "https://shop.example.com/?utm_medium=e%20mail", NULL));
	GROUP_IS("Paid Shopping", group("url", "https://shop.example.com/?utm_source=google"
					"&utm_medium=cpc&utm_campaign=%53hop", NULL));
	/* Parameters win over the referrer. */
	GROUP_IS("Affiliates", group("url", "https://shop.example.com/?utm_source=partner"
				     "&utm_medium=affiliate",
				     "referrer", "https://www.google.com/", NULL));
	/* Without utm parameters the referrer decides. */
	GROUP_IS("Organic Search", group("url", "https://shop.example.com/?ref=1",
					 "referrer", "https://www.google.com/", NULL));
}
END_TEST

START_TEST(from_gclid)
{
	GROUP_IS("Paid Search", group("url", "https://shop.example.com/?gclid=EAIaIQ", NULL));
	ck_assert_value(field(TP_FIELD_SOURCE), "google");
	ck_assert_value(field(TP_FIELD_MEDIUM), "cpc");
	/* ... also with a referrer. */
	GROUP_IS("Paid Search", group("url", "https://shop.example.com/?q=1&gclid=EAIaIQ",
				      "referrer", "https://www.google.com/", NULL));
}
END_TEST

START_TEST(from_search_engine_referrer)
{
	GROUP_IS("Organic Search", from("https://www.google.com/"));
	ck_assert_value(field(TP_FIELD_SOURCE), "google");
	ck_assert_value(field(TP_FIELD_MEDIUM), "organic");
	GROUP_IS("Organic Search", from("https://www.google.co.uk/search?q=red+shoes"));
	ck_assert_value(field(TP_FIELD_SOURCE), "google");
	ck_assert_value(field(TP_FIELD_TERM), "red shoes");
	GROUP_IS("Organic Search", from("https://duckduckgo.com/?q=x"));
	ck_assert_value(field(TP_FIELD_SOURCE), "duckduckgo");
	GROUP_IS("Organic Search", from("https://www.bing.com/search?q=x"));
	ck_assert_value(field(TP_FIELD_SOURCE), "bing");
}
END_TEST

START_TEST(from_social_referrer)
{
	GROUP_IS("Organic Social", from("https://l.facebook.com/l.php?u=x"));
	ck_assert_value(field(TP_FIELD_SOURCE), "l.facebook.com");
	ck_assert_value(field(TP_FIELD_MEDIUM), "referral");
	GROUP_IS("Organic Social", from("https://t.co/abc"));
	GROUP_IS("Organic Social", from("https://m.facebook.com/story"));
	ck_assert_value(field(TP_FIELD_SOURCE), "m.facebook.com");
	GROUP_IS("Organic Social", from("https://www.instagram.com/p/1"));
	ck_assert_value(field(TP_FIELD_SOURCE), "instagram.com");
}
END_TEST

START_TEST(from_other_referrer)
{
	GROUP_IS("Referral", from("https://www.blog.example.net/review?id=3"));
	ck_assert_value(field(TP_FIELD_SOURCE), "blog.example.net");
	ck_assert_value(field(TP_FIELD_MEDIUM), "referral");
	ck_assert_value(field(TP_FIELD_CAMPAIGN), "(referral)");
}
END_TEST

START_TEST(internal_referrer_is_direct)
{
	GROUP_IS("Direct", group("url", "https://shop.example.com/cart",
				 "referrer", "https://shop.example.com/p/1", NULL));
	GROUP_IS("Direct", group("url", "https://shop.example.com/cart",
				 "referrer", "https://www.shop.example.com/p/1", NULL));
	GROUP_IS("Direct", group("url", "https://SHOP.example.com/cart",
				 "referrer", "http://shop.EXAMPLE.com/", NULL));
	/* Another subdomain is another site, unless declared internal. */
	GROUP_IS("Referral", group("url", "https://shop.example.com/cart",
				   "referrer", "https://pay.example.com/done", NULL));
	ck_assert_int_eq(tp_classifier_add_internal_domain(ga4, "example.com"), TP_OK);
	GROUP_IS("Direct", group("url", "https://shop.example.com/cart",
				 "referrer", "https://pay.example.com/done", NULL));
	GROUP_IS("Referral", group("url", "https://shop.example.com/cart",
				   "referrer", "https://notexample.com/", NULL));
}
END_TEST

START_TEST(no_referrer_is_direct)
{
	GROUP_IS("Direct", group("url", "https://shop.example.com/", NULL));
	ck_assert_value(field(TP_FIELD_SOURCE), "(direct)");
	ck_assert_value(field(TP_FIELD_MEDIUM), "(none)");
	GROUP_IS("Direct", group("url", "https://shop.example.com/", "referrer", "", NULL));
	GROUP_IS("Direct", group("event", "store_visit", "channel", "physical_store", NULL));
}
END_TEST

/*
 * Subdomains of a search engine that are no search: GA4's source-category
 * list puts sites.google.com, groups.google.com and messages.google.com
 * under SOURCE_CATEGORY_SOCIAL, so GA4 reports a visit from them as
 * "<host> / referral", Organic Social (a referrer lookup that falls back
 * to the parent domain google.com made them google / organic).
 */
START_TEST(google_social_hosts)
{
	GROUP_IS("Organic Social", from("https://sites.google.com/view/our-club"));
	ck_assert_value(field(TP_FIELD_SOURCE), "sites.google.com");
	ck_assert_value(field(TP_FIELD_MEDIUM), "referral");
	GROUP_IS("Organic Social", from("https://groups.google.com/g/shoes"));
	GROUP_IS("Organic Social", from("https://messages.google.com/web/"));
}
END_TEST

/* A link in Gmail's web client: GA4 reports mail.google.com / referral,
 * Referral, not google / organic. */
START_TEST(webmail_is_not_search)
{
	GROUP_IS("Referral", from("https://mail.google.com/mail/u/0/"));
	ck_assert_value(field(TP_FIELD_SOURCE), "mail.google.com");
	ck_assert_value(field(TP_FIELD_MEDIUM), "referral");
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("ga4");
	TCase *tc;

	tc = tcase_create("channels");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rules_in_ga4_order);
	tcase_add_test(tc, direct);
	tcase_add_test(tc, cross_network);
	tcase_add_test(tc, paid_shopping);
	tcase_add_test(tc, paid_search);
	tcase_add_test(tc, paid_social);
	tcase_add_test(tc, paid_video);
	tcase_add_test(tc, display);
	tcase_add_test(tc, paid_other);
	tcase_add_test(tc, organic_shopping);
	tcase_add_test(tc, organic_social);
	tcase_add_test(tc, organic_video);
	tcase_add_test(tc, organic_search);
	tcase_add_test(tc, referral);
	tcase_add_test(tc, email);
	tcase_add_test(tc, affiliates);
	tcase_add_test(tc, audio);
	tcase_add_test(tc, sms);
	tcase_add_test(tc, mobile_push);
	tcase_add_test(tc, unassigned);
	tcase_add_test(tc, case_insensitive);
	tcase_add_test(tc, every_listed_source);
	suite_add_tcase(s, tc);

	tc = tcase_create("normalisation");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, from_utm_attributes);
	tcase_add_test(tc, from_url_parameters);
	tcase_add_test(tc, from_gclid);
	tcase_add_test(tc, from_search_engine_referrer);
	tcase_add_test(tc, from_social_referrer);
	tcase_add_test(tc, from_other_referrer);
	tcase_add_test(tc, internal_referrer_is_direct);
	tcase_add_test(tc, no_referrer_is_direct);
	tcase_add_test(tc, google_social_hosts);
	tcase_add_test(tc, webmail_is_not_search);
	suite_add_tcase(s, tc);
	return s;
}
