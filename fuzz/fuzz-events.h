/* SPDX-License-Identifier: MIT */
/*
 * A few fixed raw events for the targets that fuzz a rule set or a
 * referrer database and then use it: every rule kind and the referrer
 * lookup get something to match.
 */
#ifndef TP_FUZZ_EVENTS_H
#define TP_FUZZ_EVENTS_H

#include <string.h>
#include <touchpoint/touchpoint.h>

#define FUZZ_MAX_ATTRS 8

static const char *const fuzz_events[][FUZZ_MAX_ATTRS * 2 + 1] = {
	{ "event", "page_view", "url",
	  "https://shop.example.com/p?utm_source=newsletter&utm_medium=email",
	  "utm_source", "newsletter", "utm_medium", "email", "customer_id",
	  "c1", "timestamp", "2026-03-01T12:30:00Z", NULL },
	{ "event", "page_view", "referrer",
	  "https://www.google.com/search?q=red+shoes", "url",
	  "https://shop.example.com/", NULL },
	{ "event", "purchase", "value", "19.90", "channel", "store",
	  "timestamp", "1767225600000", NULL },
	{ "event", "call", "channel", "phone", "score", "4", NULL },
	{ "event", "page_view", "referrer", "https://l.facebook.com/",
	  "utm_campaign", "spring", "utm_source", "facebook", "utm_medium",
	  "cpc", NULL },
	{ "event", "survey_answer", "score", "-1e308", "utm_term", "\xc3\xa9t\xc3\xa9",
	  NULL },
	{ NULL },
};

/* Turn a NULL-terminated key/value list into attributes. */
static inline size_t
fuzz_event_attrs(const char *const *kv, tp_attr *a)
{
	size_t n = 0;

	while (kv[2 * n] && n < FUZZ_MAX_ATTRS) {
		a[n].key = kv[2 * n];
		a[n].key_len = strlen(kv[2 * n]);
		a[n].value = kv[2 * n + 1];
		a[n].value_len = strlen(kv[2 * n + 1]);
		n++;
	}
	return n;
}

/* Classify every fixed event; each must succeed and write JSON. */
static inline void
fuzz_classify_all(const tp_classifier *c, tp_result *r)
{
	tp_attr a[FUZZ_MAX_ATTRS];
	char json[4096];
	size_t i;

	for (i = 0; fuzz_events[i][0]; i++) {
		size_t n = fuzz_event_attrs(fuzz_events[i], a);

		if (tp_classify(c, a, n, r) != TP_OK)
			__builtin_trap();
		if (tp_result_json(r, json, sizeof(json)) < 0)
			__builtin_trap();
	}
}

#endif
