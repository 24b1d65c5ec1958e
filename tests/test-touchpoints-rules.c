/* SPDX-License-Identifier: MIT */
/*
 * The built-in `touchpoints` rule set (data/rules/touchpoints.json),
 * through the `default` rule sets (ga4, then touchpoints) of a classifier
 * on the default catalog, with the public API only:
 *
 * - every rule has a positive case with the exact touchpoint, channel and
 *   stage (and the coverage is checked against the rule set's own source:
 *   a rule without a case fails);
 * - negative cases for the conditions that could over-match (path
 *   prefixes, campaign keywords, paid traffic from review and news sites,
 *   topics, agents...);
 * - the rule set compiles against the default catalog and names only its
 *   touchpoints, channels and stages, and names every touchpoint of it;
 * - the example field maps (examples/fields/) load and classify Segment
 *   and Snowplow events;
 * - the committed sample (examples/data/sample.ndjson) gets a touchpoint
 *   for at least 99% of its events, and shows every touchpoint the rules
 *   name.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <touchpoint/touchpoint.h>

#include "test-common.h"

#define SHOP "https://www.cafetto.example"
#define NOSTAGE "-"   /* expected: no stage */
#define MAX_ATTRS 24

static tp_classifier *cls;
static tp_result *res;
static cJSON *source;   /* the rule set's JSON text, parsed */

static cJSON *builtin_source(void);

/* The rule cases share one classifier, made once before the cases fork
 * (compiling the rule sets per case is slow under valgrind). */
static void
setup_once(void)
{
	tp_error *err = tp_error_new();

	ck_assert_int_eq(tp_classifier_new(NULL, &cls, err), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules_named(cls, "default", err), TP_OK);
	ck_assert_uint_eq(tp_error_count(err), 0);
	ck_assert_int_eq(tp_result_new(&res), TP_OK);
	source = builtin_source();
	tp_error_free(err);
}

static void
teardown_once(void)
{
	cJSON_Delete(source);
	tp_result_free(res);
	tp_classifier_free(cls);
	source = NULL;
	res = NULL;
	cls = NULL;
}

static void
setup(void)
{
	tp_error *err = tp_error_new();

	ck_assert_int_eq(tp_classifier_new(NULL, &cls, err), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules_named(cls, "default", err), TP_OK);
	ck_assert_uint_eq(tp_error_count(err), 0);
	ck_assert_int_eq(tp_result_new(&res), TP_OK);
	tp_error_free(err);
}

static void
teardown(void)
{
	tp_result_free(res);
	tp_classifier_free(cls);
	res = NULL;
	cls = NULL;
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
or_null(const char *s)
{
	return s ? s : "(null)";
}

/* ------------------------------------------------------------------ */
/* The cases.                                                           */

struct rule_case {
	const char *rule;         /* the rule this case is about */
	bool negative;            /* that rule must not decide this event */
	const char *touchpoint;   /* expected touchpoint */
	const char *channel;      /* expected channel; NULL: not checked */
	const char *stage;        /* expected stage, NOSTAGE, NULL: not checked */
	const char *business_model;   /* expected, NULL: not checked */
	const char *attrs[MAX_ATTRS]; /* key, value, ..., NULL */
};

#define POS(rule_, tp_, ch_, st_, ...) \
	{ rule_, false, tp_, ch_, st_, NULL, { __VA_ARGS__, NULL } }
#define NEG(rule_, tp_, ch_, st_, ...) \
	{ rule_, true, tp_, ch_, st_, NULL, { __VA_ARGS__, NULL } }
#define BM(rule_, tp_, bm_, ...) \
	{ rule_, false, tp_, NULL, NULL, bm_, { __VA_ARGS__, NULL } }

/* A page view on the shop reached from another page of the shop. */
#define PAGE(path) "event", "page_view", "url", SHOP path, "referrer", SHOP "/"
/* A landing page view (no referrer of the shop's own). */
#define LAND(path) "event", "page_view", "url", SHOP path
#define EMAIL(campaign) "event", "email_open", "utm_source", "crm", \
	"utm_medium", "email", "utm_campaign", campaign
#define SMS(campaign) "event", "sms_delivered", "utm_source", "sms", \
	"utm_medium", "sms", "utm_campaign", campaign
#define PUSH(campaign) "event", "push_open", "platform", "ios", \
	"utm_source", "firebase", "utm_medium", "push", "utm_campaign", campaign
/* survey_response's catalog channel is email: the channel rules change it. */
#define SURVEY_VIA(ch) "event", "survey_response", "score", "4", "channel", ch
#define CH(rule_, value, ch_) \
	POS(rule_, "satisfaction_survey", ch_, "recommendation", SURVEY_VIA(value))

static const struct rule_case cases[] = {
	/* ---- group channel: an explicit channel attribute ---- */
	CH("channel: physical store", "Store", "physical_store"),
	CH("channel: phone", "call_center", "phone"),
	CH("channel: in-person service", "service_desk", "in_person_service"),
	CH("channel: sales team", "account_manager", "sales_team"),
	CH("channel: event", "conference", "event"),
	CH("channel: catalog", "catalogue", "print_catalog"),
	CH("channel: packaging and shipping", "courier", "packaging_shipping"),
	CH("channel: print", "magazine", "print"),
	CH("channel: radio", "radio", "radio"),
	CH("channel: tv", "TV", "tv"),
	CH("channel: billing", "invoice", "billing"),
	CH("channel: merchandising", "giveaway", "merchandising"),
	CH("channel: public relations", "pr", "public_relations"),
	CH("channel: word of mouth", "friend", "word_of_mouth"),
	CH("channel: web site", "web", "website"),
	CH("channel: mobile app", "app", "mobile_app"),
	POS("channel: e-mail", "complaint", "email", "follow_up",
	    "event", "complaint", "channel", "e-mail"),
	CH("channel: SMS", "text", "sms"),
	CH("channel: push", "push", "push_notification"),
	CH("channel: social", "facebook", "social_media"),
	CH("channel: live chat", "whatsapp", "live_chat"),
	CH("channel: chatbot", "bot", "chatbot"),
	CH("channel: review site", "trustpilot", "review_site"),
	CH("channel: online ads", "banner", "online_ads"),
	CH("channel: search engine", "sem", "search_engine"),
	CH("channel: affiliate", "affiliate", "affiliate"),
	CH("channel: price comparator", "price_comparator", "price_comparator"),
	CH("channel: remarketing", "remarketing", "remarketing"),
	CH("channel: influencer", "influencer", "influencer"),
	CH("channel: social comments", "social_comments", "social_comments"),
	POS("channel: in-app interaction", "product_page_view", "mobile_app", "consideration",
	    "event", "view_item", "platform", "ios", "product_id", "milk-frother"),
	/* An unknown channel value changes nothing. */
	POS("satisfaction survey", "satisfaction_survey", "email", "recommendation",
	    SURVEY_VIA("carrier-pigeon")),

	/* ---- sales events ---- */
	POS("store purchase", "store_purchase", "physical_store", "sale",
	    "event", "purchase", "channel", "pos", "value", "12.50"),
	POS("store purchase", "store_purchase", "physical_store", "sale",
	    "event", "pos_sale", "value", "3.20"),
	NEG("store purchase", "checkout", "website", "sale",
	    "event", "purchase", "value", "12.50"),
	POS("phone order", "phone_order", "phone", "sale",
	    "event", "purchase", "channel", "phone"),
	POS("purchase", "checkout", "website", "sale",
	    "event", "purchase", "url", SHOP "/checkout/thank-you", "value", "99.90"),
	POS("purchase", "checkout", "website", "sale",
	    "event", "Order Completed", "value", "99.90"),
	POS("purchase", "checkout", "mobile_app", "sale",
	    "event", "purchase", "platform", "android", "value", "24.50"),
	POS("checkout event", "checkout", "website", "sale", "event", "begin_checkout"),
	POS("cart event", "cart", "website", "sale", "event", "add_to_cart"),
	POS("wish list event", "wish_list", "website", "preference", "event", "add_to_wishlist"),
	POS("compare event", "price_comparison", "website", "preference", "event", "compare_products"),
	POS("site search event", "site_search", "website", "search_and_comparison",
	    "event", "search", "search_term", "grinder"),
	POS("product view event", "product_page_view", "website", "consideration",
	    "event", "view_item"),

	/* ---- stores, service, support ---- */
	POS("in-store demo", "in_store_demo", "physical_store", "intention",
	    "event", "in_store_demo", "channel", "store"),
	POS("in-store demo", "in_store_demo", "physical_store", "intention",
	    "event", "demo", "channel", "showroom"),
	POS("store visit", "store_visit", "physical_store", "preference", "event", "store_visit"),
	POS("in-person assistance", "in_person_assistance", "in_person_service", "preference",
	    "event", "store_assistance"),
	POS("installation", "after_sales_service", "in_person_service", "follow_up",
	    "event", "installation", "channel", "on_site"),
	POS("after-sales service", "after_sales_service", "in_person_service", "loyalty",
	    "event", "repair"),
	POS("call: order", "phone_order", "phone", "sale",
	    "event", "inbound_call", "topic", "order"),
	NEG("call: order", "call_center", "phone", "follow_up",
	    "event", "inbound_call", "topic", "order_status"),
	POS("call: pre-sales", "phone_assistance", "phone", "sale",
	    "event", "call", "topic", "pre_sales"),
	POS("call: technical", "technical_support", "phone", "follow_up",
	    "event", "phone_call", "topic", "technical"),
	POS("call: complaint", "complaint", "phone", "follow_up",
	    "event", "inbound_call", "topic", "complaint"),
	POS("call: return", "return_request", "phone", "follow_up",
	    "event", "inbound_call", "topic", "return"),
	POS("call", "call_center", "phone", "follow_up",
	    "event", "inbound_call", "topic", "billing"),
	POS("chat: complaint", "complaint", "live_chat", "follow_up",
	    "event", "chat_started", "topic", "complaint"),
	POS("chatbot after purchase", "chatbot", "chatbot", "follow_up",
	    "event", "chat_started", "agent", "bot", "topic", "order_status"),
	POS("chatbot", "chatbot", "chatbot", "preference", "event", "chatbot_conversation"),
	NEG("chatbot", "live_chat", "live_chat", "preference",
	    "event", "chat_started", "agent", "human", "topic", "pricing"),
	POS("live chat after purchase", "live_chat", "live_chat", "follow_up",
	    "event", "chat_started", "agent", "human", "topic", "delivery"),
	NEG("live chat after purchase", "live_chat", "live_chat", "preference",
	    "event", "chat_started", "topic", "availability"),
	POS("live chat", "live_chat", "live_chat", "preference",
	    "event", "chat_started", "topic", "pricing"),
	POS("ticket: complaint", "complaint", "email", "follow_up",
	    "event", "support_ticket", "topic", "complaint", "channel", "email"),
	POS("ticket: technical", "technical_support", "email", "follow_up",
	    "event", "support_ticket", "topic", "setup", "channel", "email"),
	NEG("ticket: complaint", "technical_support", "email", "follow_up",
	    "event", "support_ticket", "topic", "setup", "channel", "email"),
	POS("support e-mail", "support_email", "email", "follow_up",
	    "event", "support_ticket", "topic", "invoice"),
	POS("complaint", "complaint", "social_media", "follow_up",
	    "event", "complaint", "channel", "social"),
	POS("return request", "return_request", "website", "follow_up",
	    "event", "return_request", "channel", "web"),
	POS("refund", "refund", "billing", "follow_up", "event", "refund_issued", "value", "49.90"),
	POS("invoice", "invoice", "billing", "sale", "event", "invoice_sent"),
	POS("order confirmation", "order_confirmation", "email", "follow_up",
	    "event", "order_confirmation_sent"),
	POS("shipping notification", "shipping_notification", "email", "follow_up",
	    "event", "order_shipped"),
	POS("order tracking on the web", "order_tracking", "website", "follow_up",
	    "event", "track_order", "url", SHOP "/track?order=ord-1"),
	POS("order tracking", "order_tracking", "sms", "follow_up",
	    "event", "order_tracking", "channel", "sms"),
	POS("delivery", "delivery", "packaging_shipping", "follow_up",
	    "event", "delivered", "channel", "courier"),
	POS("unboxing", "unboxing", "packaging_shipping", "follow_up", "event", "package_opened"),
	POS("thank-you note", "thank_you_note", "packaging_shipping", "follow_up",
	    "event", "thank_you_note"),
	POS("satisfaction survey", "satisfaction_survey", "sms", "recommendation",
	    "event", "survey_response", "score", "4", "channel", "sms"),
	POS("review", "review", "review_site", "recommendation",
	    "event", "review_submitted", "score", "5"),
	POS("review", "review", "website", "recommendation",
	    "event", "review_submitted", "score", "2", "channel", "website"),
	POS("review response", "review_response", "review_site", "recommendation",
	    "event", "review_response"),
	POS("social comment", "social_comment", "social_comments", "consideration",
	    "event", "social_mention", "network", "x"),
	POS("comment reply", "comment_reply", "social_media", "recommendation",
	    "event", "comment_reply"),
	POS("social group", "social_group", "social_media", "consideration", "event", "group_join"),
	POS("forum post", "forum_post", "review_site", "search_and_comparison",
	    "event", "forum_question"),
	POS("referral", "referral", "website", "recommendation", "event", "referral_sent"),
	POS("loyalty sign-up", "loyalty_signup", "website", "loyalty", "event", "loyalty_signup"),
	POS("loyalty reward", "loyalty_reward", "email", "loyalty", "event", "points_redeemed"),
	POS("coupon", "coupon", "physical_store", "intention",
	    "event", "coupon_redeemed", "channel", "store"),
	POS("free trial", "free_trial", "website", "intention", "event", "trial_started"),
	POS("free sample", "free_sample", "merchandising", "intention", "event", "sample_request"),
	POS("promotional item", "promotional_item", "merchandising", "discovery",
	    "event", "promotional_item"),
	POS("catalog request", "catalog_request", "print_catalog", "consideration",
	    "event", "catalog_request"),
	POS("webinar", "webinar", "website", "consideration", "event", "webinar_attended"),
	POS("demo", "demo", "sales_team", "consideration", "event", "demo_request"),
	POS("e-book download", "ebook", "website", "discovery", "event", "ebook_download"),
	POS("case study", "case_study", "website", "consideration", "event", "case_study_download"),
	POS("newsletter sign-up", "newsletter", "website", "consideration",
	    "event", "newsletter_signup", "url", SHOP "/"),
	POS("quote request", "quote_request", "sales_team", "intention", "event", "quote_request"),
	POS("first sales meeting", "sales_meeting", "sales_team", "consideration",
	    "event", "sales_meeting", "meeting_type", "discovery"),
	NEG("first sales meeting", "sales_meeting", "sales_team", "sale",
	    "event", "sales_meeting", "meeting_type", "account_review"),
	POS("sales meeting", "sales_meeting", "sales_team", "sale",
	    "event", "sales_meeting", "meeting_type", "proposal"),
	POS("negotiation", "negotiation", "sales_team", "sale", "event", "proposal_sent"),
	POS("contract signature", "contract_signature", "sales_team", "sale",
	    "event", "contract_signed", "value", "12000"),

	/* ---- events, offline ads, "how did you hear about us?" ---- */
	POS("trade fair", "trade_fair", "event", "consideration",
	    "event", "event_attendance", "format", "trade_fair"),
	POS("trade fair", "trade_fair", "event", "consideration", "event", "booth_visit"),
	POS("congress", "congress", "event", "consideration",
	    "event", "event_attendance", "format", "conference"),
	POS("exhibition", "exhibition", "event", "consideration",
	    "event", "event_checkin", "format", "pop_up"),
	POS("event attendance", "event_attendance", "event", "consideration",
	    "event", "event_attendance", "format", "tasting"),
	POS("ad: TV sponsorship", "tv_sponsorship", "tv", "pre_awareness",
	    "event", "ad_exposure", "channel", "tv", "format", "sponsorship"),
	POS("ad: TV", "tv_ad", "tv", "discovery", "event", "ad_exposure", "channel", "television"),
	POS("ad: radio sponsorship", "radio_sponsorship", "radio", "pre_awareness",
	    "event", "ad_exposure", "channel", "radio", "format", "sponsor"),
	POS("ad: radio", "radio_ad", "radio", "discovery",
	    "event", "ad_exposure", "channel", "radio", "format", "spot"),
	POS("ad: newspaper", "newspaper_ad", "print", "discovery",
	    "event", "ad_exposure", "format", "newspaper"),
	POS("ad: leaflet", "leaflet", "print", "discovery",
	    "event", "ad_impression", "channel", "print", "format", "flyer"),
	POS("ad: poster", "poster", "print", "discovery",
	    "event", "ad_exposure", "format", "billboard"),
	POS("ad: magazine", "magazine_ad", "print", "discovery",
	    "event", "ad_exposure", "channel", "print"),
	POS("ad: promotional item", "promotional_item", "merchandising", "discovery",
	    "event", "ad_exposure", "channel", "merch"),
	POS("ad: social", "social_ad", "social_media", "discovery",
	    "event", "ad_impression", "channel", "facebook"),
	POS("ad: online", "online_ad", "online_ads", "discovery",
	    "event", "ad_impression", "channel", "display"),
	NEG("ad: magazine", "tv_ad", "tv", "discovery",
	    "event", "ad_exposure", "channel", "tv", "format", "spot"),
	POS("heard: word of mouth", "word_of_mouth", "word_of_mouth", "discovery",
	    "event", "attribution_survey", "answer", "friend"),
	POS("heard: TV", "tv_ad", "tv", "discovery", "event", "attribution_survey", "answer", "tv"),
	POS("heard: radio", "radio_ad", "radio", "discovery",
	    "event", "attribution_survey", "answer", "podcast"),
	POS("heard: magazine", "magazine_ad", "print", "discovery",
	    "event", "attribution_survey", "answer", "magazine"),
	POS("heard: newspaper", "newspaper_ad", "print", "discovery",
	    "event", "attribution_survey", "answer", "newspaper"),
	POS("heard: leaflet", "leaflet", "print", "discovery",
	    "event", "attribution_survey", "answer", "flyer"),
	POS("heard: poster", "poster", "print", "discovery",
	    "event", "attribution_survey", "answer", "billboard"),
	POS("heard: search", "organic_search", "search_engine", "discovery",
	    "event", "attribution_survey", "answer", "google"),
	POS("heard: social", "social_post", "social_media", "discovery",
	    "event", "attribution_survey", "answer", "instagram"),
	POS("heard: influencer", "influencer_post", "influencer", "discovery",
	    "event", "attribution_survey", "answer", "youtuber"),
	POS("heard: press", "press_coverage", "public_relations", "discovery",
	    "event", "attribution_survey", "answer", "news"),
	POS("heard: event", "event_attendance", "event", "consideration",
	    "event", "attribution_survey", "answer", "trade_show"),
	POS("heard: store", "store_visit", "physical_store", "preference",
	    "event", "attribution_survey", "answer", "walked_by"),
	POS("heard: reviews", "review_read", "review_site", "consideration",
	    "event", "attribution_survey", "answer", "reviews"),
	POS("heard: forum", "forum_post", "review_site", "search_and_comparison",
	    "event", "attribution_survey", "answer", "reddit"),

	/* ---- e-mail, SMS, push: by campaign ---- */
	POS("e-mail: welcome", "welcome_email", "email", "consideration", EMAIL("welcome-series-1")),
	POS("e-mail: newsletter", "newsletter", "email", "consideration", EMAIL("newsletter-2025-03")),
	POS("e-mail: newsletter", "newsletter", "email", "consideration",
	    LAND("/?utm_source=newsletter&utm_medium=email&utm_campaign=Newsletter-March")),
	NEG("e-mail: newsletter", "social_ad", "social_media", "discovery",
	    LAND("/?utm_source=facebook&utm_medium=paid_social&utm_campaign=newsletter-promo")),
	POS("e-mail: abandoned cart", "abandoned_cart_email", "email", "intention",
	    EMAIL("abandoned-cart-1h")),
	POS("e-mail: abandoned cart", "abandoned_cart_email", "email", "intention",
	    LAND("/cart?utm_source=crm&utm_medium=email&utm_campaign=abandoned-cart-1h")),
	POS("e-mail: order confirmation", "order_confirmation", "email", "follow_up",
	    EMAIL("order-confirmation")),
	POS("e-mail: shipping", "shipping_notification", "email", "follow_up",
	    EMAIL("shipping-confirmation")),
	NEG("e-mail: shipping", "promotional_email", "email", "intention",
	    EMAIL("free-shipping-weekend")),
	POS("e-mail: order tracking", "order_tracking", "email", "follow_up",
	    EMAIL("delivery-tracking")),
	POS("e-mail: invoice", "invoice", "email", "sale", EMAIL("invoice-march")),
	POS("e-mail: survey", "satisfaction_survey", "email", "recommendation", EMAIL("csat-survey")),
	POS("e-mail: follow-up", "follow_up_email", "email", "follow_up",
	    EMAIL("post-purchase-follow-up")),
	POS("e-mail: remarketing", "remarketing_email", "email", "consideration",
	    EMAIL("winback-30d")),
	/* Browse abandonment is no abandoned cart. */
	POS("e-mail: remarketing", "remarketing_email", "email", "consideration",
	    EMAIL("browse-abandon-reminder")),
	POS("e-mail: anniversary", "purchase_anniversary", "email", "loyalty",
	    EMAIL("purchase-anniversary")),
	POS("e-mail: loyalty", "loyalty_reward", "email", "loyalty",
	    EMAIL("loyalty-points-statement")),
	POS("e-mail: exclusive offer", "exclusive_offer", "email", "loyalty",
	    EMAIL("vip-exclusive-preview")),
	POS("e-mail: recommendations", "product_recommendation", "email", "loyalty",
	    EMAIL("recommended-for-you")),
	POS("e-mail: launch", "launch_notification", "email", "loyalty",
	    EMAIL("new-arrival-launch")),
	POS("e-mail: coupon", "coupon", "email", "intention", EMAIL("coupon-10-off")),
	POS("e-mail: webinar", "webinar", "email", "consideration", EMAIL("office-coffee-webinar")),
	NEG("e-mail: referral", "webinar", "email", "consideration", EMAIL("webinar-invite")),
	POS("e-mail: referral", "referral", "email", "recommendation", EMAIL("refer-a-friend")),
	POS("e-mail: content", "personalized_content", "email", "loyalty",
	    EMAIL("brewing-tips-digest")),
	POS("e-mail: support", "support_email", "email", "follow_up",
	    EMAIL("support-ticket-update")),
	POS("e-mail: promotion", "promotional_email", "email", "intention", EMAIL("spring-sale")),
	POS("e-mail: promotion", "promotional_email", "email", "intention",
	    "event", "email_open"),
	POS("SMS: order tracking", "order_tracking", "sms", "follow_up", SMS("out-for-delivery")),
	NEG("SMS: order tracking", "sms_promotion", "sms", "intention", SMS("free-delivery-weekend")),
	POS("SMS: coupon", "coupon", "sms", "intention", SMS("coupon-15")),
	POS("SMS: survey", "satisfaction_survey", "sms", "recommendation", SMS("nps-survey")),
	POS("SMS: abandoned cart", "abandoned_cart_email", "sms", "intention",
	    SMS("abandoned-cart-reminder")),
	POS("SMS: promotion", "sms_promotion", "sms", "intention", SMS("sms-flash-sale")),
	POS("SMS: promotion", "sms_promotion", "sms", "intention",
	    LAND("/c/coffee?utm_source=sms&utm_medium=sms&utm_campaign=weekend-promo")),
	POS("push: anniversary", "purchase_anniversary", "push_notification", "loyalty",
	    PUSH("birthday-treat")),
	POS("push: launch", "launch_notification", "push_notification", "loyalty",
	    PUSH("back-in-stock")),
	POS("push: abandoned cart", "abandoned_cart_email", "push_notification", "intention",
	    PUSH("cart-reminder")),
	POS("push: order tracking", "order_tracking", "push_notification", "follow_up",
	    PUSH("order-shipped")),
	NEG("push: order tracking", "personalized_content", "push_notification", "loyalty",
	    PUSH("free-shipping-today")),
	POS("push: coupon", "coupon", "push_notification", "intention", PUSH("voucher-5")),
	POS("push: loyalty", "loyalty_reward", "push_notification", "loyalty",
	    PUSH("points-reminder")),
	POS("push: personalized", "personalized_content", "push_notification", "loyalty",
	    PUSH("your-weekly-picks")),

	/* ---- pages of the shop, by path ---- */
	POS("page: cart", "cart", "website", "sale", PAGE("/cart")),
	NEG("page: cart", "website_visit", "website", NOSTAGE, PAGE("/cartography")),
	POS("page: checkout", "checkout", "website", "sale", PAGE("/checkout/payment")),
	POS("page: wish list", "wish_list", "website", "preference", PAGE("/wishlist")),
	POS("page: compare", "price_comparison", "website", "preference",
	    PAGE("/compare?items=moka-pot-6-cup,cold-brew-maker")),
	POS("page: site search", "site_search", "website", "search_and_comparison",
	    PAGE("/search?q=grinder")),
	POS("page: returns", "return_request", "website", "follow_up", PAGE("/returns")),
	NEG("page: returns", "website_visit", "website", NOSTAGE, PAGE("/returning-customers")),
	POS("page: order tracking", "order_tracking", "website", "follow_up",
	    PAGE("/track?order=ord-000001-1")),
	NEG("page: order tracking", "website_visit", "website", NOSTAGE, PAGE("/tracksuits")),
	POS("page: blog", "blog_post", "website", "discovery", PAGE("/blog/cold-brew-guide")),
	NEG("page: blog", "website_visit", "website", NOSTAGE, PAGE("/blogger-program")),
	POS("page: webinar", "webinar", "website", "consideration", PAGE("/webinars/latte-art-live")),
	POS("page: demo", "demo", "website", "consideration", PAGE("/demo")),
	NEG("page: demo", "website_visit", "website", NOSTAGE, PAGE("/demographics")),
	POS("page: free trial", "free_trial", "website", "intention", PAGE("/free-trial")),
	POS("page: e-book", "ebook", "website", "discovery", PAGE("/ebooks/home-barista-guide")),
	POS("page: case study", "case_study", "website", "consideration",
	    PAGE("/case-studies/coworking-madrid")),
	POS("page: testimonials", "testimonial", "website", "consideration", PAGE("/testimonials")),
	POS("page: reviews", "review_read", "website", "consideration",
	    PAGE("/reviews?product=milk-frother")),
	POS("page: loyalty program", "loyalty_signup", "website", "loyalty", PAGE("/loyalty")),
	POS("page: referral program", "referral", "website", "recommendation", PAGE("/refer")),
	NEG("page: referral program", "website_visit", "website", NOSTAGE, PAGE("/reference")),
	POS("page: catalog request", "catalog_request", "website", "consideration",
	    PAGE("/catalog-request")),
	POS("page: quote request", "quote_request", "website", "intention", PAGE("/quote")),
	POS("page: free sample", "free_sample", "website", "intention", PAGE("/samples")),
	POS("page: coupons", "coupon", "website", "intention", PAGE("/coupons")),
	/* Content wins over the acquisition of its landing page. */
	POS("page: blog", "blog_post", "website", "discovery",
	    LAND("/blog/descaling-101"), "referrer", "https://www.google.com/search?q=descale"),

	/* ---- landing pages, by acquisition ---- */
	POS("landing: packaging QR code", "unboxing", "packaging_shipping", "follow_up",
	    LAND("/welcome-pack?utm_source=package-insert&utm_medium=packaging&utm_campaign=unboxing-qr")),
	POS("landing: local search", "local_search", "search_engine", "discovery",
	    LAND("/stores"), "referrer", "https://www.google.com/maps/place/Cafetto"),
	POS("landing: local search", "local_search", "search_engine", "discovery",
	    LAND("/stores?utm_source=gmb&utm_medium=organic&utm_campaign=store-listing")),
	NEG("landing: local search", "organic_search", "search_engine", "discovery",
	    LAND("/stores"), "referrer", "https://www.google.com/search?q=maps"),
	POS("landing: review site", "review_read", "review_site", "consideration",
	    LAND("/"), "referrer", "https://www.trustpilot.com/review/cafetto.example"),
	NEG("landing: review site", "online_ad", "online_ads", "discovery",
	    LAND("/?utm_source=criteo&utm_medium=display&utm_campaign=prospecting"),
	    "referrer", "https://www.trustpilot.com/"),
	POS("landing: forum", "forum_post", "review_site", "search_and_comparison",
	    LAND("/"), "referrer", "https://www.reddit.com/r/espresso/"),
	NEG("landing: forum", "social_ad", "social_media", "discovery",
	    LAND("/?utm_source=reddit&utm_medium=cpc&utm_campaign=spring"),
	    "referrer", "https://www.reddit.com/"),
	POS("landing: social group", "social_group", "social_media", "consideration",
	    LAND("/"), "referrer", "https://www.facebook.com/groups/homebaristas/"),
	POS("landing: press release", "press_release", "public_relations", "discovery",
	    LAND("/?utm_source=prnewswire&utm_medium=referral&utm_campaign=launch")),
	POS("landing: press coverage", "press_coverage", "public_relations", "discovery",
	    LAND("/"), "referrer", "https://elpais.com/economia/cafetto.html"),
	NEG("landing: press coverage", "online_ad", "online_ads", "discovery",
	    LAND("/?utm_source=dv360&utm_medium=display&utm_campaign=prospecting"),
	    "referrer", "https://elpais.com/"),
	POS("landing: price comparator", "price_comparison", "price_comparator", "preference",
	    LAND("/products/milk-frother"), "referrer", "https://www.idealo.es/precios/x.html"),
	POS("landing: price comparator", "price_comparison", "price_comparator", "preference",
	    LAND("/products/milk-frother?utm_source=google&utm_medium=cpc&utm_campaign=shopping-espresso")),
	POS("landing: influencer", "influencer_post", "influencer", "discovery",
	    LAND("/?utm_source=instagram&utm_medium=influencer&utm_campaign=latte-art")),
	NEG("landing: influencer", "social_post", "social_media", "discovery",
	    LAND("/"), "referrer", "https://www.instagram.com/"),
	POS("landing: affiliate", "affiliate_post", "affiliate", "discovery",
	    LAND("/?utm_source=awin&utm_medium=affiliate&utm_campaign=blog-network")),
	NEG("landing: affiliate", "website_visit", "website", NOSTAGE,
	    LAND("/"), "referrer", "https://www.coffeelovers.example/links"),
	POS("landing: TV sponsorship", "tv_sponsorship", "tv", "pre_awareness",
	    LAND("/?utm_source=tv&utm_medium=tv&utm_campaign=cooking-show-sponsorship")),
	POS("landing: TV", "tv_ad", "tv", "discovery",
	    LAND("/?utm_source=tv&utm_medium=tv&utm_campaign=spring-tv-spot")),
	POS("landing: radio sponsorship", "radio_sponsorship", "radio", "pre_awareness",
	    LAND("/?utm_source=cadena&utm_medium=radio&utm_campaign=morning-show-sponsor")),
	POS("landing: radio", "radio_ad", "radio", "discovery",
	    LAND("/?utm_source=cadena&utm_medium=radio&utm_campaign=radio-spot-may")),
	POS("landing: magazine", "magazine_ad", "print", "discovery",
	    LAND("/?utm_source=coffee-magazine&utm_medium=print&utm_campaign=spring")),
	POS("landing: newspaper", "newspaper_ad", "print", "discovery",
	    LAND("/?utm_source=daily-newspaper&utm_medium=print&utm_campaign=spring")),
	POS("landing: leaflet", "leaflet", "print", "discovery",
	    LAND("/?utm_source=mailbox&utm_medium=leaflet&utm_campaign=store-opening")),
	POS("landing: poster", "poster", "print", "discovery",
	    LAND("/?utm_source=metro&utm_medium=poster&utm_campaign=spring-outdoor")),
	POS("landing: social remarketing", "remarketing_social", "remarketing", "consideration",
	    LAND("/?utm_source=facebook&utm_medium=cpc&utm_campaign=retargeting-product-viewers")),
	POS("landing: display remarketing", "remarketing_display", "remarketing", "consideration",
	    LAND("/?utm_source=criteo&utm_medium=display&utm_campaign=remarketing-cart")),
	POS("landing: display remarketing", "remarketing_display", "remarketing", "consideration",
	    LAND("/?utm_source=google&utm_medium=retargeting&utm_campaign=cart")),
	NEG("landing: social remarketing", "social_ad", "social_media", "discovery",
	    LAND("/?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring-sale")),
	POS("landing: paid search", "paid_search", "search_engine", "discovery",
	    LAND("/?utm_source=google&utm_medium=cpc&utm_campaign=brand-search")),
	POS("landing: paid search", "paid_search", "search_engine", "discovery",
	    LAND("/products/milk-frother?gclid=Cj0KCQabc")),
	POS("landing: paid social", "social_ad", "social_media", "discovery",
	    LAND("/?utm_source=linkedin&utm_medium=paid_social&utm_campaign=office-coffee")),
	POS("landing: display and other paid", "online_ad", "online_ads", "discovery",
	    LAND("/?utm_source=criteo&utm_medium=display&utm_campaign=prospecting")),
	POS("landing: display and other paid", "online_ad", "online_ads", "discovery",
	    LAND("/?utm_source=spotify&utm_medium=audio&utm_campaign=spring")),
	POS("landing: long-tail search", "long_tail_search", "search_engine", "search_and_comparison",
	    LAND("/"), "referrer", "https://www.google.com/search?q=best+espresso+machine+for+home"),
	NEG("landing: long-tail search", "organic_search", "search_engine", "discovery",
	    LAND("/"), "referrer", "https://www.google.com/search?q=cheap+espresso+machine"),
	POS("landing: organic search", "organic_search", "search_engine", "discovery",
	    LAND("/"), "referrer", "https://www.bing.com/search?q=espresso+machine"),
	POS("landing: organic social", "social_post", "social_media", "discovery",
	    LAND("/"), "referrer", "https://www.instagram.com/"),
	POS("landing: organic social", "social_post", "social_media", "discovery",
	    LAND("/"), "referrer", "https://www.youtube.com/watch?v=abc"),

	/* ---- fallbacks ---- */
	POS("page: product", "product_page_view", "website", "consideration",
	    PAGE("/products/milk-frother")),
	/* An ad landing on a product page is the ad. */
	NEG("page: product", "paid_search", "search_engine", "discovery",
	    LAND("/products/milk-frother?utm_source=google&utm_medium=cpc&utm_campaign=generic")),
	POS("app session", "app_session", "mobile_app", NOSTAGE,
	    "event", "app_open", "platform", "android"),
	POS("app session", "app_session", "mobile_app", NOSTAGE,
	    "event", "screen_view", "screen", "home"),
	NEG("app session", "website_visit", "website", NOSTAGE,
	    PAGE("/about"), "context.device.type", "mobile"),
	POS("web site visit", "website_visit", "website", NOSTAGE, PAGE("/about")),
	POS("web site visit", "website_visit", "website", NOSTAGE, LAND("/")),
	/* A referrer on the shop itself is no referral. */
	POS("web site visit", "website_visit", "website", NOSTAGE,
	    LAND("/about"), "referrer", SHOP "/blog/cold-brew-guide"),
	POS("web site visit", "website_visit", "website", NOSTAGE,
	    LAND("/"), "referrer", "https://www.coffeelovers.example/links"),
	POS("web site visit", "website_visit", "website", NOSTAGE,
	    "event", "login", "url", SHOP "/account"),

	/* ---- group business_model ---- */
	BM("segment: B2B", "website_visit", "b2b", PAGE("/about"), "segment", "Enterprise"),
	BM("segment: B2B", "sales_meeting", "b2b", "event", "sales_meeting", "account_type", "business"),
	BM("segment: B2C", "store_visit", "b2c", "event", "store_visit", "account_type", "Consumer"),
	BM("segment: B2C", "checkout", "b2c", "event", "purchase", "segment", "b2c"),
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* ------------------------------------------------------------------ */
/* The rule set's own source: rule names and the group of each.         */

static cJSON *
builtin_source(void)
{
	size_t len = 0;
	const char *text = tp_ruleset_builtin_source("touchpoints", &len);
	cJSON *root;

	ck_assert_ptr_nonnull(text);
	ck_assert_uint_gt(len, 0);
	root = cJSON_ParseWithLength(text, len);
	ck_assert_ptr_nonnull(root);
	return root;
}

/* The group name of a rule, or NULL when the rule set has no such rule. */
static const char *
group_of(const cJSON *root, const char *rule)
{
	const cJSON *g, *r;

	cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "groups")) {
		cJSON_ArrayForEach(r, cJSON_GetObjectItem(g, "rules")) {
			if (strcmp(cJSON_GetObjectItem(r, "name")->valuestring, rule) == 0)
				return cJSON_GetObjectItem(g, "name")->valuestring;
		}
	}
	return NULL;
}

static size_t
classify_case(const struct rule_case *c)
{
	tp_attr a[MAX_ATTRS / 2];
	size_t n = 0, i;

	for (i = 0; c->attrs[i]; i += 2) {
		ck_assert_uint_lt(n, MAX_ATTRS / 2);
		ck_assert_ptr_nonnull(c->attrs[i + 1]);
		a[n].key = c->attrs[i];
		a[n].key_len = strlen(c->attrs[i]);
		a[n].value = c->attrs[i + 1];
		a[n].value_len = strlen(c->attrs[i + 1]);
		n++;
	}
	ck_assert_int_eq(tp_classify(cls, a, n, res), TP_OK);
	return n;
}

START_TEST(rule_cases)
{
	const struct rule_case *c = &cases[_i];
	const char *group = group_of(source, c->rule);
	const char *tp, *ch, *st, *rule;

	ck_assert_msg(group != NULL, "case %d names no rule of the set: \"%s\"",
		      _i, c->rule);
	classify_case(c);
	tp = field(TP_FIELD_TOUCHPOINT);
	ch = field(TP_FIELD_CHANNEL);
	st = field(TP_FIELD_STAGE);
	rule = field(TP_FIELD_RULE);
	ck_assert_msg(tp && strcmp(tp, c->touchpoint) == 0,
		      "case %d (%s%s): touchpoint \"%s\" (rule \"%s\"), expected \"%s\"",
		      _i, c->negative ? "not " : "", c->rule, or_null(tp),
		      or_null(rule), c->touchpoint);
	if (c->channel)
		ck_assert_msg(ch && strcmp(ch, c->channel) == 0,
			      "case %d (%s): channel \"%s\", expected \"%s\"",
			      _i, c->rule, or_null(ch), c->channel);
	if (c->stage && strcmp(c->stage, NOSTAGE) == 0)
		ck_assert_msg(st == NULL, "case %d (%s): stage \"%s\", expected none",
			      _i, c->rule, st);
	else if (c->stage)
		ck_assert_msg(st && strcmp(st, c->stage) == 0,
			      "case %d (%s): stage \"%s\", expected \"%s\"",
			      _i, c->rule, or_null(st), c->stage);
	if (c->business_model) {
		size_t len = 0;
		const char *bm = tp_result_get(res, "business_model", &len);

		ck_assert_msg(bm && strcmp(cstr(bm, len), c->business_model) == 0,
			      "case %d (%s): business_model \"%s\", expected \"%s\"",
			      _i, c->rule, or_null(bm ? cstr(bm, len) : NULL),
			      c->business_model);
	}
	/* The rule that decided: the last rule matched is the touchpoint
	 * group's (no segment attribute) or the business_model group's. */
	if (strcmp(group, "channel") != 0) {
		ck_assert_ptr_nonnull(rule);
		if (c->negative)
			ck_assert_msg(strcmp(rule, c->rule) != 0,
				      "case %d: rule \"%s\" matched, it must not",
				      _i, c->rule);
		else
			ck_assert_msg(strcmp(rule, c->rule) == 0,
				      "case %d: rule \"%s\" decided, expected \"%s\"",
				      _i, rule, c->rule);
	}
}
END_TEST

/* Every rule of the set has a positive case above. */
START_TEST(every_rule_has_a_case)
{
	const cJSON *g, *r;
	size_t rules = 0, i, missing = 0;

	cJSON_ArrayForEach(g, cJSON_GetObjectItem(source, "groups")) {
		cJSON_ArrayForEach(r, cJSON_GetObjectItem(g, "rules")) {
			const char *name = cJSON_GetObjectItem(r, "name")->valuestring;
			bool found = false;

			rules++;
			for (i = 0; i < N_CASES && !found; i++)
				found = !cases[i].negative && strcmp(cases[i].rule, name) == 0;
			if (!found) {
				fprintf(stderr, "no positive case for rule \"%s\"\n", name);
				missing++;
			}
		}
	}
	ck_assert_uint_eq(missing, 0);
	ck_assert_uint_gt(rules, 150);
}
END_TEST

/* docs/events.md has a row for every rule of the touchpoint group. */
START_TEST(every_rule_is_documented)
{
	const char *path = tp_test_source("docs/events.md");
	FILE *f = fopen(path, "r");
	const cJSON *g, *r;
	char *doc, row[256];
	long size;
	size_t missing = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	ck_assert_int_gt(size, 0);
	rewind(f);
	doc = malloc((size_t)size + 1);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(fread(doc, 1, (size_t)size, f), (size_t)size);
	doc[size] = '\0';
	fclose(f);
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(source, "groups")) {
		if (strcmp(cJSON_GetObjectItem(g, "name")->valuestring, "touchpoint") != 0)
			continue;
		cJSON_ArrayForEach(r, cJSON_GetObjectItem(g, "rules")) {
			snprintf(row, sizeof(row), "\n| %s |",
				 cJSON_GetObjectItem(r, "name")->valuestring);
			if (!strstr(doc, row)) {
				fprintf(stderr, "docs/events.md has no row for rule \"%s\"\n",
					cJSON_GetObjectItem(r, "name")->valuestring);
				missing++;
			}
		}
	}
	ck_assert_uint_eq(missing, 0);
	free(doc);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The rule set against the default catalog.                            */

static void
collect_outputs(const cJSON *root, const char *key, const tp_catalog *cat,
		int (*find)(const tp_catalog *, const char *), size_t *named,
		bool *seen)
{
	const cJSON *g, *r;

	cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "groups")) {
		cJSON_ArrayForEach(r, cJSON_GetObjectItem(g, "rules")) {
			const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "set"), key);
			int idx;

			if (!v)
				continue;
			ck_assert(cJSON_IsString(v));
			idx = find(cat, v->valuestring);
			ck_assert_msg(idx >= 0, "rule \"%s\" sets unknown %s \"%s\"",
				      cJSON_GetObjectItem(r, "name")->valuestring, key,
				      v->valuestring);
			if (seen)
				seen[idx] = true;
			(*named)++;
		}
	}
}

START_TEST(compiles_against_default_catalog)
{
	tp_error *err = tp_error_new();
	tp_catalog *cat = NULL;
	tp_ruleset *rs = NULL;
	cJSON *root = builtin_source();
	size_t named = 0, n_rules = 0, i, ntp;
	const cJSON *g;
	bool *seen;

	ck_assert_int_eq(tp_catalog_default(&cat, err), TP_OK);
	ck_assert_int_eq(tp_ruleset_builtin(cat, "touchpoints", &rs, err), TP_OK);
	ck_assert_uint_eq(tp_error_count(err), 0);
	ck_assert_str_eq(tp_ruleset_name(rs), "touchpoints");
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "groups"))
		n_rules += (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(g, "rules"));
	ck_assert_uint_eq(tp_ruleset_rule_count(rs), n_rules);

	/* Every id it sets exists in the catalog... */
	ntp = tp_catalog_touchpoint_count(cat);
	seen = calloc(ntp, sizeof(bool));
	ck_assert_ptr_nonnull(seen);
	collect_outputs(root, "touchpoint", cat, tp_catalog_find_touchpoint, &named, seen);
	ck_assert_uint_gt(named, 150);
	named = 0;
	collect_outputs(root, "channel", cat, tp_catalog_find_channel, &named, NULL);
	ck_assert_uint_gt(named, 30);
	named = 0;
	collect_outputs(root, "stage", cat, tp_catalog_find_stage, &named, NULL);
	ck_assert_uint_gt(named, 3);
	/* ...and every touchpoint of the catalog can be revealed. */
	for (i = 0; i < ntp; i++)
		ck_assert_msg(seen[i], "no rule reveals touchpoint \"%s\"",
			      tp_catalog_touchpoint_id(cat, i));
	free(seen);
	cJSON_Delete(root);
	tp_ruleset_free(rs);
	tp_catalog_free(cat);
	tp_error_free(err);
}
END_TEST

/* The same text with an id the catalog does not have fails to compile,
 * with the rule's path: the check above is the compiler's, too. */
START_TEST(unknown_touchpoint_fails)
{
	tp_error *err = tp_error_new();
	tp_catalog *cat = NULL;
	tp_ruleset *rs = NULL;
	size_t len = 0;
	const char *text = tp_ruleset_builtin_source("touchpoints", &len);
	const char *at = strstr(text, "\"touchpoint\": \"store_purchase\"");
	char *copy;
	tp_status st;

	ck_assert_ptr_nonnull(at);
	copy = malloc(len + 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, text, len + 1);
	memcpy(copy + (at - text) + strlen("\"touchpoint\": \""), "store_purchasX", 14);
	ck_assert_int_eq(tp_catalog_default(&cat, err), TP_OK);
	st = tp_ruleset_compile_string(cat, copy, len, "touchpoints.json", &rs, err);
	ck_assert_int_eq(st, TP_ENOTFOUND);
	ck_assert_ptr_null(rs);
	ck_assert_uint_eq(tp_error_count(err), 1);
	ck_assert_ptr_nonnull(strstr(tp_error_message(err, 0), "store_purchasX"));
	ck_assert_ptr_nonnull(strstr(tp_error_path(err, 0), "touchpoint"));
	free(copy);
	tp_catalog_free(cat);
	tp_error_free(err);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Field maps and the sample.                                           */

/*
 * Flatten a JSON object into dotted attributes; numbers and booleans as
 * their JSON text. The values are copied into one zeroed pool: PCRE2's
 * JIT reads aligned words past the end of a subject, which valgrind
 * reports when the subject ends a heap block of its own (a known false
 * positive, PCRE2 issue #654), as cJSON's strings do.
 */
struct flat {
	tp_attr a[64];
	size_t n;
	char keys[64][128];
	char pool[16384];
	size_t used;
};

static void
flat_reset(struct flat *f)
{
	memset(f->pool, 0, f->used);
	f->used = 0;
	f->n = 0;
}

static void
flatten(struct flat *f, const cJSON *obj, const char *prefix)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, obj) {
		char *key, num[48];
		const char *v;
		size_t len;

		ck_assert_uint_lt(f->n, 64);
		key = f->keys[f->n];
		snprintf(key, sizeof(f->keys[0]), "%s%s%s", prefix, *prefix ? "." : "",
			 m->string);
		if (cJSON_IsObject(m)) {
			char sub[128];

			snprintf(sub, sizeof(sub), "%s", key);
			flatten(f, m, sub);
			continue;
		}
		if (cJSON_IsString(m)) {
			v = m->valuestring;
		} else if (cJSON_IsNumber(m)) {
			snprintf(num, sizeof(num), "%.17g", m->valuedouble);
			v = num;
		} else if (cJSON_IsBool(m)) {
			v = cJSON_IsTrue(m) ? "true" : "false";
		} else {
			continue;
		}
		len = strlen(v);
		ck_assert_uint_lt(f->used + len + 64, sizeof(f->pool));
		memcpy(f->pool + f->used, v, len);
		f->a[f->n].key = key;
		f->a[f->n].key_len = strlen(key);
		f->a[f->n].value = f->pool + f->used;
		f->a[f->n].value_len = len;
		f->used += len + 1;
		f->n++;
	}
}

static void
classify_json(tp_classifier *c, const char *json)
{
	cJSON *o = cJSON_Parse(json);
	struct flat *f = calloc(1, sizeof(*f));

	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(f);
	flatten(f, o, "");
	ck_assert_int_eq(tp_classify(c, f->a, f->n, res), TP_OK);
	free(f);
	/* The attributes go away: callers read only the touchpoint and the
	 * channel group, which belong to the catalog and the rule set. */
	cJSON_Delete(o);
}

START_TEST(field_map_segment)
{
	tp_error *err = tp_error_new();

	ck_assert_int_eq(tp_classifier_load_field_map(cls,
		tp_test_source("examples/fields/segment.json"), err), TP_OK);
	ck_assert_uint_eq(tp_error_count(err), 0);
	classify_json(cls,
		"{\"type\":\"track\",\"event\":\"Email Link Clicked\",\"userId\":\"u1\","
		"\"timestamp\":\"2025-03-02T10:00:00Z\","
		"\"context\":{\"campaign\":{\"source\":\"newsletter\",\"medium\":\"email\","
		"\"name\":\"newsletter-2025-03\"},"
		"\"page\":{\"url\":\"" SHOP "/\",\"referrer\":\"\"}}}");
	ck_assert_str_eq(field(TP_FIELD_TOUCHPOINT), "newsletter");
	ck_assert_str_eq(field(TP_FIELD_CHANNEL_GROUP), "Email");
	classify_json(cls,
		"{\"type\":\"page\",\"event\":\"page_view\",\"userId\":\"u1\","
		"\"context\":{\"page\":{\"url\":\"" SHOP "/blog/cold-brew-guide\","
		"\"referrer\":\"https://www.bing.com/search?q=cold+brew\"}}}");
	ck_assert_str_eq(field(TP_FIELD_TOUCHPOINT), "blog_post");
	ck_assert_str_eq(field(TP_FIELD_CHANNEL_GROUP), "Organic Search");
	classify_json(cls,
		"{\"event\":\"Order Completed\",\"userId\":\"u1\","
		"\"properties\":{\"revenue\":59.9,\"channel\":\"store\"}}");
	ck_assert_str_eq(field(TP_FIELD_TOUCHPOINT), "store_purchase");
	tp_error_free(err);
}
END_TEST

START_TEST(field_map_snowplow)
{
	tp_error *err = tp_error_new();

	ck_assert_int_eq(tp_classifier_load_field_map(cls,
		tp_test_source("examples/fields/snowplow.json"), err), TP_OK);
	ck_assert_uint_eq(tp_error_count(err), 0);
	classify_json(cls,
		"{\"event_name\":\"page_view\",\"domain_userid\":\"d1\","
		"\"collector_tstamp\":\"2025-03-02 10:00:00.000\","
		"\"page_url\":\"" SHOP "/products/milk-frother\","
		"\"mkt_source\":\"google\",\"mkt_medium\":\"cpc\",\"mkt_campaign\":\"brand\"}");
	ck_assert_str_eq(field(TP_FIELD_TOUCHPOINT), "paid_search");
	ck_assert_str_eq(field(TP_FIELD_CHANNEL_GROUP), "Paid Search");
	classify_json(cls,
		"{\"event_name\":\"page_view\",\"domain_userid\":\"d1\","
		"\"page_url\":\"" SHOP "/cart\",\"page_referrer\":\"" SHOP "/products/x\"}");
	ck_assert_str_eq(field(TP_FIELD_TOUCHPOINT), "cart");
	tp_error_free(err);
}
END_TEST

START_TEST(sample_is_classified)
{
	const char *path = tp_test_source("examples/data/sample.ndjson");
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lines = 0, classified = 0, ntp, i, distinct = 0, named = 0;
	ssize_t got;
	size_t *per_tp;
	tp_catalog *cat = NULL;
	tp_error *err = tp_error_new();
	cJSON *root = builtin_source();
	bool *named_tp;
	struct flat *fl = calloc(1, sizeof(*fl));

	ck_assert_ptr_nonnull(fl);
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(tp_catalog_default(&cat, err), TP_OK);
	ntp = tp_catalog_touchpoint_count(cat);
	per_tp = calloc(ntp, sizeof(size_t));
	named_tp = calloc(ntp, sizeof(bool));
	ck_assert_ptr_nonnull(per_tp);
	ck_assert_ptr_nonnull(named_tp);
	while ((got = getline(&line, &cap, f)) > 0) {
		cJSON *o = cJSON_ParseWithLength(line, (size_t)got);
		int t;

		ck_assert_msg(o != NULL, "line %zu is not JSON", lines + 1);
		flat_reset(fl);
		flatten(fl, o, "");
		ck_assert_int_eq(tp_classify(cls, fl->a, fl->n, res), TP_OK);
		t = tp_result_touchpoint(res);
		if (t >= 0) {
			classified++;
			ck_assert_int_lt(t, (int)ntp);
			per_tp[t]++;
		}
		lines++;
		cJSON_Delete(o);
	}
	free(fl);
	free(line);
	fclose(f);
	ck_assert_uint_eq(lines, 20000);
	/* At least 99% of the events get a touchpoint. */
	ck_assert_msg(classified * 100 >= lines * 99, "%zu of %zu classified",
		      classified, lines);
	/* The sample shows every touchpoint the rules can reveal. */
	collect_outputs(root, "touchpoint", cat, tp_catalog_find_touchpoint, &named, named_tp);
	for (i = 0; i < ntp; i++) {
		if (per_tp[i])
			distinct++;
		ck_assert_msg(!named_tp[i] || per_tp[i] > 0,
			      "no event of the sample reveals \"%s\"",
			      tp_catalog_touchpoint_id(cat, i));
	}
	ck_assert_uint_ge(distinct, 90);
	free(per_tp);
	free(named_tp);
	cJSON_Delete(root);
	tp_catalog_free(cat);
	tp_error_free(err);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("touchpoints_rules");
	TCase *tc;

	tc = tcase_create("rules");
	tcase_add_unchecked_fixture(tc, setup_once, teardown_once);
	tcase_add_loop_test(tc, rule_cases, 0, (int)N_CASES);
	tcase_add_test(tc, every_rule_has_a_case);
	tcase_add_test(tc, every_rule_is_documented);
	suite_add_tcase(s, tc);

	tc = tcase_create("catalog");
	tcase_add_test(tc, compiles_against_default_catalog);
	tcase_add_test(tc, unknown_touchpoint_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("data");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, field_map_segment);
	tcase_add_test(tc, field_map_snowplow);
	tcase_add_test(tc, sample_is_classified);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
