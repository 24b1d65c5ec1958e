/* SPDX-License-Identifier: MIT */
/* The classifier: normalisation, field map, outputs, the result API. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <touchpoint/touchpoint.h>

#include "test-common.h"

#define MAX_ATTRS 16

struct ev {
	tp_attr a[MAX_ATTRS];
	size_t n;
};

/* "k=v|k=v|..." into attributes (pointers into the static string). */
static struct ev
event(const char *spec)
{
	static char store[64][512];
	static int next;
	struct ev e = { .n = 0 };
	char *s = store[next++ % 64], *p;

	snprintf(store[(next - 1) % 64], 512, "%s", spec);
	for (p = strtok(s, "|"); p && e.n < MAX_ATTRS; p = strtok(NULL, "|")) {
		char *eq = strchr(p, '=');

		e.a[e.n].key = p;
		e.a[e.n].key_len = (size_t)(eq - p);
		e.a[e.n].value = eq + 1;
		e.a[e.n].value_len = strlen(eq + 1);
		e.n++;
	}
	return e;
}

static tp_classifier *
classifier(const char *rules)
{
	tp_classifier *c = NULL;
	tp_error *err = tp_error_new();

	ck_assert_int_eq(tp_classifier_new(NULL, &c, err), TP_OK);
	if (rules)
		ck_assert_int_eq(tp_classifier_add_rules_named(c, rules, err), TP_OK);
	tp_error_free(err);
	return c;
}

static const char *
field(const tp_result *r, tp_field f)
{
	static char buf[8][256];
	static int k;
	size_t n = 0;
	const char *v = tp_result_field(r, f, &n);

	if (!v)
		return NULL;
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%.*s", (int)n, v);
	return buf[k];
}

/* The attributes must outlive the reads of the result: keep them. */
static struct ev last_event;

static void
classify(const tp_classifier *c, tp_result *r, const char *spec)
{
	last_event = event(spec);
	ck_assert_int_eq(tp_classify(c, last_event.a, last_event.n, r), TP_OK);
}

#define CHECK3(r, s, m, cmp) do { \
	ck_assert_str_eq(field(r, TP_FIELD_SOURCE), s); \
	ck_assert_str_eq(field(r, TP_FIELD_MEDIUM), m); \
	ck_assert_str_eq(field(r, TP_FIELD_CAMPAIGN), cmp); \
} while (0)

START_TEST(normalisation)
{
	tp_classifier *c = classifier(NULL);
	tp_result *r;

	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	/* utm attributes win over everything */
	classify(c, r, "utm_source=Google|utm_medium=CPC|utm_campaign=Spring|url=https://s.example.com/?utm_source=x|referrer=https://www.bing.com/search?q=a");
	CHECK3(r, "Google", "CPC", "Spring");
	ck_assert_str_eq(field(r, TP_FIELD_REFERRER_TERM), "a");
	ck_assert_str_eq(field(r, TP_FIELD_TERM), "a");
	/* utm parameters of the url, decoded */
	classify(c, r, "url=https://s.example.com/p?a=1&UTM_SOURCE=news%20letter&utm_medium=e+mail&utm_term=red+shoes");
	CHECK3(r, "news letter", "e mail", "(not set)");
	ck_assert_str_eq(field(r, TP_FIELD_TERM), "red shoes");
	ck_assert_str_eq(field(r, TP_FIELD_URL_HOST), "s.example.com");
	ck_assert_str_eq(field(r, TP_FIELD_URL_PATH), "/p");
	/* gclid: Google Ads auto-tagging */
	classify(c, r, "url=https://s.example.com/?gclid=123");
	CHECK3(r, "google", "cpc", "(not set)");
	/* a search engine referrer: organic, lowercase engine name, term */
	classify(c, r, "url=https://s.example.com/|referrer=https://www.google.co.uk/search?q=caf%C3%A9+au+lait");
	CHECK3(r, "google", "organic", "(organic)");
	ck_assert_str_eq(field(r, TP_FIELD_REFERRER_SOURCE), "Google");
	ck_assert_str_eq(field(r, TP_FIELD_REFERRER_MEDIUM), "search");
	ck_assert_str_eq(field(r, TP_FIELD_REFERRER_TERM), "caf\xc3\xa9 au lait");
	ck_assert_str_eq(field(r, TP_FIELD_REFERRER_KNOWN), "true");
	ck_assert_int_eq(tp_result_referrer_known(r), 1);
	/* another site: referral with its host, www. stripped */
	classify(c, r, "url=https://s.example.com/|referrer=https://www.blog.example.org/post");
	CHECK3(r, "blog.example.org", "referral", "(referral)");
	ck_assert_int_eq(tp_result_referrer_known(r), 0);
	ck_assert_str_eq(field(r, TP_FIELD_REFERRER_MEDIUM), "unknown");
	/* a social network: referral too, but known */
	classify(c, r, "url=https://s.example.com/|referrer=https://m.facebook.com/");
	CHECK3(r, "m.facebook.com", "referral", "(referral)");
	ck_assert_str_eq(field(r, TP_FIELD_REFERRER_MEDIUM), "social");
	/* the site itself: internal, no new source */
	classify(c, r, "url=https://www.s.example.com/b|referrer=https://s.example.com/a");
	CHECK3(r, "(direct)", "(none)", "(direct)");
	ck_assert_str_eq(field(r, TP_FIELD_REFERRER_MEDIUM), "internal");
	/* nothing at all */
	classify(c, r, "event=store_visit");
	CHECK3(r, "(direct)", "(none)", "(direct)");
	ck_assert_ptr_null(field(r, TP_FIELD_REFERRER_MEDIUM));
	ck_assert_ptr_null(field(r, TP_FIELD_URL_HOST));
	/* empty values count as missing */
	classify(c, r, "utm_source=|utm_medium=|url=https://s.example.com/");
	CHECK3(r, "(direct)", "(none)", "(direct)");
	tp_result_free(r);
	tp_classifier_free(c);
}
END_TEST

START_TEST(internal_domains_and_field_map)
{
	tp_classifier *c = classifier(NULL);
	tp_result *r;
	char path[] = "/tmp/tp-fields-XXXXXX";
	FILE *f;
	tp_error *e = tp_error_new();
	int fd;

	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	classify(c, r, "url=https://shop.example.com/|referrer=https://pay.example.com/ok");
	CHECK3(r, "pay.example.com", "referral", "(referral)");
	ck_assert_int_eq(tp_classifier_add_internal_domain(c, "Example.COM."), TP_OK);
	classify(c, r, "url=https://shop.example.com/|referrer=https://pay.example.com/ok");
	CHECK3(r, "(direct)", "(none)", "(direct)");
	classify(c, r, "url=https://shop.example.com/|referrer=https://notexample.com/");
	CHECK3(r, "notexample.com", "referral", "(referral)");
	ck_assert_int_eq(tp_classifier_add_internal_domain(c, ""), TP_EINVAL);

	/* Segment-style names */
	ck_assert_int_eq(tp_classifier_map_field(c, "utm_source", "context.campaign.source"), TP_OK);
	ck_assert_int_eq(tp_classifier_map_field(c, "utm_medium", "context.campaign.medium"), TP_OK);
	ck_assert_int_eq(tp_classifier_map_field(c, "colour", "x"), TP_ENOTFOUND);
	ck_assert_int_eq(tp_classifier_map_field(c, "utm_source", ""), TP_EINVAL);
	classify(c, r, "context.campaign.source=fb|context.campaign.medium=paid_social|utm_source=ignored");
	CHECK3(r, "fb", "paid_social", "(not set)");

	/* a field-map file, and its faults located */
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("{\n  \"customer_id\": \"userId\",\n  \"colour\": \"x\",\n  \"event\": 3\n}\n", f);
	fclose(f);
	ck_assert_int_eq(tp_classifier_load_field_map(c, path, e), TP_ENOTFOUND);
	ck_assert_uint_eq(tp_error_count(e), 2);
	ck_assert_uint_eq(tp_error_line(e, 0), 3);
	ck_assert_uint_eq(tp_error_column(e, 0), 13);
	ck_assert_str_eq(tp_error_path(e, 0), "$.colour");
	ck_assert_str_eq(tp_error_source(e, 0), path);
	ck_assert_uint_eq(tp_error_line(e, 1), 4);
	ck_assert_str_eq(tp_error_path(e, 1), "$.event");
	/* the good member was applied */
	classify(c, r, "userId=u9");
	ck_assert_str_eq(field(r, TP_FIELD_CUSTOMER_ID), "u9");
	unlink(path);
	tp_error_clear(e);
	ck_assert_int_eq(tp_classifier_load_field_map(c, "/nonexistent/f.json", e), TP_EIO);
	tp_error_free(e);
	tp_result_free(r);
	tp_classifier_free(c);
}
END_TEST

static const char *const rules_json =
	"{ \"name\": \"t\", \"groups\": ["
	" { \"name\": \"g1\", \"rules\": ["
	"   { \"name\": \"welcome\", \"when\": { \"field\": \"event\", \"eq\": \"signup_email\" },"
	"     \"set\": { \"touchpoint\": \"welcome_email\", \"segment\": \"new\" } },"
	"   { \"name\": \"store\", \"when\": { \"field\": \"event\", \"eq\": \"store_visit\" },"
	"     \"set\": { \"channel\": \"physical_store\", \"stage\": \"preference\", \"agent\": \"human\" } } ] },"
	" { \"name\": \"g2\", \"rules\": ["
	"   { \"name\": \"tag new\", \"when\": { \"field\": \"segment\", \"eq\": \"new\" },"
	"     \"set\": { \"cohort\": \"2026\" } } ] } ] }";

START_TEST(outputs_and_accessors)
{
	tp_classifier *c = classifier(NULL);
	const tp_catalog *cat = tp_classifier_catalog(c);
	tp_ruleset *rs = NULL;
	tp_result *r;
	const char *name, *value;
	char json[1024];
	double num;
	int64_t ms;
	long n;

	ck_assert_int_eq(tp_ruleset_compile_string(cat, rules_json, strlen(rules_json), NULL, &rs, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules(c, rs), TP_OK);
	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	classify(c, r, "customer_id=c1|timestamp=2026-03-01T12:30:00Z|event=signup_email|value=12.5|score=x");
	ck_assert_str_eq(field(r, TP_FIELD_TOUCHPOINT), "welcome_email");
	ck_assert_int_eq(tp_result_touchpoint(r), tp_catalog_find_touchpoint(cat, "welcome_email"));
	/* completed from the catalog */
	ck_assert_int_eq(tp_result_channel(r), tp_catalog_touchpoint_channel(cat, (size_t)tp_result_touchpoint(r)));
	ck_assert_int_eq(tp_result_stage(r), tp_catalog_touchpoint_stage(cat, (size_t)tp_result_touchpoint(r)));
	ck_assert_int_eq(tp_result_dimension(r, TP_DIMENSION_AGENT),
			 tp_catalog_touchpoint_dimension(cat, (size_t)tp_result_touchpoint(r), TP_DIMENSION_AGENT));
	ck_assert_int_eq(tp_result_dimension(r, TP_DIMENSION_KIND), TP_CHANNEL_KIND_DIGITAL);
	ck_assert_int_eq(tp_result_dimension(r, TP_DIMENSION_NONE), TP_EINVAL);
	ck_assert_str_eq(field(r, TP_FIELD_RULE), "tag new");
	ck_assert_str_eq(tp_result_get(r, "segment", NULL), "new");
	ck_assert_str_eq(tp_result_get(r, "cohort", NULL), "2026");
	ck_assert_str_eq(tp_result_get(r, "kind", NULL), "digital");
	ck_assert_str_eq(tp_result_get(r, "customer_id", NULL), "c1");
	ck_assert_ptr_null(tp_result_get(r, "nope", NULL));
	ck_assert_uint_eq(tp_result_label_count(r), 2);
	ck_assert_int_eq(tp_result_label(r, 0, &name, &value), TP_OK);
	ck_assert_int_eq(tp_result_label(r, 2, &name, &value), TP_EINVAL);
	ck_assert_int_eq(tp_result_timestamp(r, &ms), TP_OK);
	ck_assert_int_eq(ms, 1772368200000LL);
	ck_assert_int_eq(tp_result_number(r, TP_FIELD_VALUE, &num), TP_OK);
	ck_assert(num == 12.5);
	ck_assert_int_eq(tp_result_number(r, TP_FIELD_SCORE, &num), TP_ESYNTAX);
	ck_assert_int_eq(tp_result_number(r, TP_FIELD_CONTENT, &num), TP_ENOTFOUND);
	n = tp_result_json(r, json, sizeof(json));
	ck_assert_int_eq(n, (long)strlen(json));
	ck_assert_ptr_nonnull(strstr(json, "\"touchpoint\":\"welcome_email\""));
	ck_assert_ptr_nonnull(strstr(json, "\"source\":\"(direct)\""));
	ck_assert_ptr_null(strstr(json, "\"channel_group\""));
	ck_assert_ptr_null(strstr(json, "\"referrer\""));
	/* snprintf semantics */
	ck_assert_int_eq(tp_result_json(r, json, 10), n);
	ck_assert_uint_eq(strlen(json), 9);
	ck_assert_int_eq(tp_result_json(r, NULL, 0), n);

	classify(c, r, "event=store_visit");
	ck_assert_ptr_null(field(r, TP_FIELD_TOUCHPOINT));
	ck_assert_str_eq(field(r, TP_FIELD_CHANNEL), "physical_store");
	ck_assert_str_eq(field(r, TP_FIELD_STAGE), "preference");
	ck_assert_str_eq(field(r, TP_FIELD_PHASE), "purchase");
	ck_assert_int_eq(tp_result_dimension(r, TP_DIMENSION_AGENT), TP_AGENT_HUMAN);
	ck_assert_int_eq(tp_result_dimension(r, TP_DIMENSION_KIND), TP_CHANNEL_KIND_PHYSICAL);
	ck_assert_ptr_null(tp_result_get(r, "segment", NULL));
	ck_assert_int_eq(tp_result_timestamp(r, &ms), TP_ENOTFOUND);

	ck_assert_int_eq(tp_classify(NULL, NULL, 0, r), TP_EINVAL);
	ck_assert_int_eq(tp_classify(c, NULL, 1, r), TP_EINVAL);
	tp_ruleset_free(rs);
	tp_result_free(r);
	tp_classifier_free(c);
}
END_TEST

START_TEST(fields_by_name)
{
	int f;
	tp_field back;

	for (f = 1; tp_field_name((tp_field)f); f++) {
		ck_assert_int_eq(tp_field_parse(tp_field_name((tp_field)f), &back), TP_OK);
		ck_assert_int_eq(back, f);
	}
	ck_assert_int_eq(f, TP_FIELD_REFERRER_KNOWN + 1);
	ck_assert_int_eq(tp_field_parse("CHANNEL_GROUP", &back), TP_OK);
	ck_assert_int_eq(back, TP_FIELD_CHANNEL_GROUP);
	ck_assert_int_eq(tp_field_parse("colour", &back), TP_ENOTFOUND);
	ck_assert_ptr_null(tp_field_name(TP_FIELD_NONE));
}
END_TEST

START_TEST(mismatched_catalog)
{
	tp_classifier *c = classifier(NULL);
	tp_catalog *other = NULL;
	tp_ruleset *rs = NULL;

	ck_assert_int_eq(tp_catalog_default(&other, NULL), TP_OK);
	ck_assert_int_eq(tp_ruleset_builtin(other, "ga4", &rs, NULL), TP_OK);
	ck_assert_int_eq(tp_classifier_add_rules(c, rs), TP_EMISMATCH);
	tp_ruleset_free(rs);
	ck_assert_int_eq(tp_ruleset_builtin(other, "nope", &rs, NULL), TP_ENOTFOUND);
	ck_assert_ptr_null(rs);
	tp_catalog_free(other);
	tp_classifier_free(c);
}
END_TEST

/*
 * The JSON of a result escapes every value exactly, wherever its special
 * bytes fall against the writer's 8-byte steps, and cuts like snprintf at
 * every buffer size.
 */
START_TEST(json_escapes)
{
	static const char specials[] = { '"', '\\', '\n', '\x01', '\x1f', 'z' };
	tp_classifier *c = classifier("default");
	tp_result *r;
	char value[64], full[512], cut[512];
	tp_attr a[4];
	size_t len, pos, k, size;

	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	a[0] = (tp_attr){ "event", 5, "page_view", 9 };
	a[1] = (tp_attr){ "utm_source", 10, "news", 4 };
	a[2] = (tp_attr){ "utm_medium", 10, "email", 5 };
	for (len = 1; len <= 26; len++) {
		for (pos = 0; pos < len; pos++) {
			for (k = 0; k < sizeof(specials); k++) {
				cJSON *j, *v;
				long n;

				memset(value, 'a' + (int)(len % 26), len);
				value[pos] = specials[k];
				if (pos + 2 < len)
					value[len - 1] = '"';
				a[3] = (tp_attr){ "utm_campaign", 12, value, len };
				ck_assert_int_eq(tp_classify(c, a, 4, r), TP_OK);
				n = tp_result_json(r, full, sizeof(full));
				ck_assert_int_gt(n, 0);
				ck_assert_int_lt(n, (long)sizeof(full));
				ck_assert_uint_eq(strlen(full), (size_t)n);
				j = cJSON_Parse(full);
				ck_assert_msg(j != NULL, "not JSON: %s", full);
				v = cJSON_GetObjectItemCaseSensitive(j, "campaign");
				ck_assert(cJSON_IsString(v));
				ck_assert_uint_eq(strlen(v->valuestring), len);
				ck_assert(memcmp(v->valuestring, value, len) == 0);
				cJSON_Delete(j);
				for (size = 0; size <= (size_t)n + 1; size++) {
					memset(cut, '#', sizeof(cut));
					ck_assert_int_eq(tp_result_json(r, size ? cut : NULL,
									size), n);
					if (!size)
						continue;
					ck_assert_uint_eq(strlen(cut),
							  (size_t)n < size ? (size_t)n : size - 1);
					ck_assert(memcmp(cut, full, strlen(cut)) == 0);
					ck_assert(cut[size] == '#');
				}
			}
		}
	}
	tp_result_free(r);
	tp_classifier_free(c);
}
END_TEST

/* Events for the consistency tests: a mix of every normalisation path. */
static const char *const mix[] = {
	"event=page_view|url=https://s.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=a",
	"event=page_view|url=https://s.example.com/p/1|referrer=https://www.google.com/search?q=x",
	"event=page_view|url=https://s.example.com/|referrer=https://t.co/x",
	"event=add_to_cart|url=https://s.example.com/cart|referrer=https://s.example.com/p/1",
	"event=email_open|utm_source=newsletter|utm_medium=email|utm_campaign=march_newsletter",
	"event=store_visit|channel=physical_store",
	"event=purchase|url=https://s.example.com/checkout|value=10",
	"event=page_view|url=https://s.example.com/?utm_source=Shop&utm_medium=paid&utm_campaign=shopping",
	"event=page_view|url=https://s.example.com/|referrer=https://news.example.net/",
	"event=call|channel=phone|score=2",
};
#define N_MIX (sizeof(mix) / sizeof(mix[0]))

static void
json_of(const tp_classifier *c, tp_result *r, const char *spec, char *out, size_t size)
{
	classify(c, r, spec);
	ck_assert_int_lt(tp_result_json(r, out, size), (long)size);
}

/* The per-result cache of group outcomes never changes an answer. */
START_TEST(warm_equals_cold)
{
	tp_classifier *c = classifier("default");
	tp_result *warm, *cold;
	char a[2048], b[2048];
	size_t i;

	ck_assert_int_eq(tp_result_new(&warm), TP_OK);
	for (i = 0; i < 50 * N_MIX; i++) {
		ck_assert_int_eq(tp_result_new(&cold), TP_OK);
		json_of(c, warm, mix[(i * 7) % N_MIX], a, sizeof(a));
		json_of(c, cold, mix[(i * 7) % N_MIX], b, sizeof(b));
		ck_assert_str_eq(a, b);
		tp_result_free(cold);
	}
	tp_result_free(warm);
	tp_classifier_free(c);
}
END_TEST

struct worker {
	const tp_classifier *c;
	char (*out)[2048];
	int failed;
};

static void *
work(void *p)
{
	struct worker *w = p;
	tp_result *r;
	size_t i;

	if (tp_result_new(&r) != TP_OK) {
		w->failed = 1;
		return NULL;
	}
	for (i = 0; i < 2000; i++) {
		struct ev e = { .n = 0 };
		char buf[2048];
		const char *spec = mix[i % N_MIX];
		char copy[512], *p2, *save = NULL;

		snprintf(copy, sizeof(copy), "%s", spec);
		for (p2 = strtok_r(copy, "|", &save); p2; p2 = strtok_r(NULL, "|", &save)) {
			char *eq = strchr(p2, '=');

			e.a[e.n].key = p2;
			e.a[e.n].key_len = (size_t)(eq - p2);
			e.a[e.n].value = eq + 1;
			e.a[e.n].value_len = strlen(eq + 1);
			e.n++;
		}
		if (tp_classify(w->c, e.a, e.n, r) != TP_OK ||
		    tp_result_json(r, buf, sizeof(buf)) >= (long)sizeof(buf) ||
		    strcmp(buf, w->out[i % N_MIX]) != 0)
			w->failed = 1;
	}
	tp_result_free(r);
	return NULL;
}

/* One classifier, 8 threads at once: the same answers as one thread. */
START_TEST(threads_agree)
{
	tp_classifier *c = classifier("default");
	char expect[N_MIX][2048];
	struct worker w[8];
	pthread_t t[8];
	tp_result *r;
	size_t i;

	ck_assert_int_eq(tp_result_new(&r), TP_OK);
	for (i = 0; i < N_MIX; i++)
		json_of(c, r, mix[i], expect[i], sizeof(expect[i]));
	tp_result_free(r);
	for (i = 0; i < 8; i++) {
		w[i].c = c;
		w[i].out = expect;
		w[i].failed = 0;
		ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(w[i].failed, 0);
	}
	tp_classifier_free(c);
}
END_TEST

/* Classifying: every allocation failure of the result (its first events)
 * gives TP_ENOMEM, leaks nothing, and a later call works. */
START_TEST(allocation_failures_classify)
{
	tp_classifier *c = classifier("default");
	unsigned long n;
	int ok = 0;

	for (n = 1; n < 1000 && !ok; n++) {
		tp_result *r = NULL;
		tp_status st;
		size_t i;

		tp_test_failing_allocator_install(n);
		st = tp_result_new(&r);
		for (i = 0; !st && i < N_MIX; i++) {
			struct ev e = event(mix[i]);

			st = tp_classify(c, e.a, e.n, r);
		}
		if (!st)
			ok = 1;
		else
			ck_assert_msg(st == TP_ENOMEM, "n=%lu: %s", n, tp_strerror(st));
		tp_result_free(r);
		ck_assert_msg(tp_test_live_blocks() == 0, "n=%lu leaked %ld blocks", n,
			      tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(ok);
	tp_classifier_free(c);
}
END_TEST

/* Building a classifier with the default rules: sampled allocation
 * failures (the first 300, then every 499th) give TP_ENOMEM and leak
 * nothing. */
START_TEST(allocation_failures_build)
{
	unsigned long n;
	int ok = 0;

	for (n = 1; !ok; n += n < 300 ? 1 : 499) {
		tp_classifier *c = NULL;
		tp_status st;

		tp_test_failing_allocator_install(n);
		st = tp_classifier_new(NULL, &c, NULL);
		if (!st)
			st = tp_classifier_add_rules_named(c, "default", NULL);
		if (!st)
			ok = 1;
		else
			ck_assert_msg(st == TP_ENOMEM, "n=%lu: %s", n, tp_strerror(st));
		tp_classifier_free(c);
		ck_assert_msg(tp_test_live_blocks() == 0, "n=%lu leaked %ld blocks", n,
			      tp_test_live_blocks());
		tp_test_failing_allocator_remove();
	}
	ck_assert(ok);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("classifier");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, normalisation);
	tcase_add_test(tc, internal_domains_and_field_map);
	tcase_add_test(tc, outputs_and_accessors);
	tcase_add_test(tc, fields_by_name);
	tcase_add_test(tc, mismatched_catalog);
	tcase_add_test(tc, warm_equals_cold);
	tcase_add_test(tc, threads_agree);
	tcase_add_test(tc, json_escapes);
	tcase_add_test(tc, allocation_failures_classify);
	tcase_add_test(tc, allocation_failures_build);
	tcase_set_timeout(tc, 600);
	suite_add_tcase(s, tc);
	return s;
}
