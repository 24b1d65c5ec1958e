/* SPDX-License-Identifier: MIT */
/*
 * Embedding the classifier: compile the built-in rule sets once, then
 * classify events handed in as key/value pairs, and print for each its
 * touchpoint, channel group and funnel stage.
 *
 * Build against an installed library:
 *     cc classify-events.c $(pkg-config --cflags --libs libtouchpoint)
 */
#include <stdio.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

/* An event as the caller's program holds it: key/value pairs. */
struct pair {
	const char *key;
	const char *value;
};

static const struct pair events[][6] = {
	{ { "customer_id", "c1" }, { "event", "page_view" },
	  { "url", "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=spring" } },
	{ { "customer_id", "c1" }, { "event", "page_view" },
	  { "url", "https://shop.example.com/shoes" },
	  { "referrer", "https://www.bing.com/search?q=trail+shoes" } },
	{ { "customer_id", "c2" }, { "event", "email_open" },
	  { "utm_source", "newsletter" }, { "utm_medium", "email" },
	  { "utm_campaign", "march_newsletter" } },
	{ { "customer_id", "c2" }, { "event", "add_to_cart" },
	  { "url", "https://shop.example.com/cart" },
	  { "referrer", "https://shop.example.com/shoes" } },
	{ { "customer_id", "c3" }, { "event", "store_visit" },
	  { "channel", "physical_store" } },
	{ { "customer_id", "c3" }, { "event", "survey_response" },
	  { "score", "4" } },
};

static void
show(const char *label, const char *value, size_t len)
{
	printf("  %-14s %.*s\n", label, value ? (int)len : 4,
	       value ? value : "none");
}

int
main(void)
{
	tp_classifier *classifier = NULL;
	tp_result *result = NULL;
	tp_error *err = tp_error_new();
	tp_status st;
	size_t i, k;

	/* Compile once: the built-in catalog, referrer database and the
	 * `default` rule sets (ga4, then touchpoints). */
	st = tp_classifier_new(NULL, &classifier, err);
	if (!st)
		st = tp_classifier_add_rules_named(classifier, "default", err);
	if (!st)
		st = tp_result_new(&result);
	if (st) {
		char msg[512];

		if (tp_error_count(err))
			tp_error_format(err, 0, msg, sizeof(msg));
		else
			snprintf(msg, sizeof(msg), "%s", tp_strerror(st));
		fprintf(stderr, "classify-events: %s\n", msg);
		return 1;
	}

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		tp_attr attrs[6];
		size_t n = 0, len = 0;
		const char *v;

		/* Views of the caller's strings: nothing is copied. */
		for (k = 0; k < 6 && events[i][k].key; k++, n++) {
			attrs[n].key = events[i][k].key;
			attrs[n].key_len = strlen(events[i][k].key);
			attrs[n].value = events[i][k].value;
			attrs[n].value_len = strlen(events[i][k].value);
		}
		st = tp_classify(classifier, attrs, n, result);
		if (st) {
			fprintf(stderr, "classify-events: %s\n", tp_strerror(st));
			return 1;
		}
		printf("event %zu (%s):\n", i + 1, events[i][1].value);
		v = tp_result_field(result, TP_FIELD_TOUCHPOINT, &len);
		show("touchpoint", v, len);
		v = tp_result_field(result, TP_FIELD_CHANNEL_GROUP, &len);
		show("channel_group", v, len);
		v = tp_result_field(result, TP_FIELD_STAGE, &len);
		show("stage", v, len);
	}
	tp_result_free(result);
	tp_classifier_free(classifier);
	tp_error_free(err);
	return 0;
}
