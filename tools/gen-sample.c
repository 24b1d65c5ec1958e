/* SPDX-License-Identifier: MIT */
/*
 * touchpoint-gen: a deterministic generator of realistic raw events
 * (NDJSON) for a simulated store, Cafetto, that sells coffee equipment to
 * households (B2C) and offices (B2B) on its web site and app, in its
 * stores, by phone and through a sales team.
 *
 * Each customer (a household, or a B2B account of several people) walks a
 * journey across the default catalog's touchpoints: a first contact (an
 * ad, a search, a post, a review, a store, a fair...), consideration,
 * preference, intention, sale, follow-up and loyalty, dropping off at each
 * stage with some probability. The events are the raw records such a
 * store collects: page views with utm-tagged urls and referrers, e-mail,
 * SMS and push events, POS, call-center, chat, CRM and survey records.
 *
 * Determinism: a customer's journey depends only on the seed and its
 * index (each has its own xoshiro256** stream seeded by splitmix64), and
 * arrivals come from a separate stream; the output is sorted by time with
 * ties broken by generation order. The same seed and options give the
 * same bytes on every platform: there is no floating point at all
 * (probabilities are in permille, money in cents, times in seconds).
 *
 * This is a tool, not library API: it uses no library function.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define SITE "https://www.cafetto.example"

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64 to seed, xoshiro256** to draw.            */

struct rng {
	uint64_t s[4];
};

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
	int i;

	x = splitmix64(&x) ^ stream;
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* A uniform integer in [0, n), without modulo bias (Lemire). */
static uint32_t
below(struct rng *r, uint32_t n)
{
	uint64_t m;
	uint32_t lo;

	if (n <= 1)
		return 0;
	m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
	lo = (uint32_t)m;
	if (lo < n) {
		uint32_t t = (uint32_t)-n % n;

		while (lo < t) {
			m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
			lo = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

/* A uniform integer in [lo, hi]. */
static int64_t
between(struct rng *r, int64_t lo, int64_t hi)
{
	return hi <= lo ? lo : lo + (int64_t)below(r, (uint32_t)(hi - lo + 1));
}

/* True with probability permille/1000 (integer, so exact everywhere). */
static bool
chance(struct rng *r, unsigned permille)
{
	return below(r, 1000) < permille;
}

/* An index drawn with integer weights. */
static size_t
weighted(struct rng *r, const unsigned *w, size_t n)
{
	unsigned total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = below(r, total);
	for (i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

#define PICK(r, arr) ((arr)[below((r), (uint32_t)N(arr))])

/* An exponential-ish delay in seconds with the given mean, from integer
 * arithmetic only: the sum of a uniform and a geometric tail. */
static int64_t
delay(struct rng *r, int64_t mean)
{
	int64_t d = 0;

	if (mean <= 0)
		return 0;
	/* Geometric number of halves of the mean, then a uniform part. */
	while (chance(r, 500) && d < 8 * mean)
		d += mean / 2;
	return d + between(r, mean / 4, mean);
}

/* ------------------------------------------------------------------ */
/* Dates.                                                               */

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static void
format_time(int64_t t, char *buf, size_t size)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400, y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02dZ", y, m, d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

static bool
parse_date(const char *s, int64_t *out)
{
	unsigned y, m, d;
	char extra;

	if (sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &extra) != 3 ||
	    strlen(s) != 10 || y < 1970 || y > 9999 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return false;
	*out = days_from_civil(y, m, d) * 86400;
	return true;
}

/* 0 = Sunday. */
static int
weekday(int64_t t)
{
	return (int)(((t / 86400) % 7 + 11) % 7);
}

/* ------------------------------------------------------------------ */
/* Output lines and the time-ordered merge.                             */

static void *
xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q) {
		fputs("touchpoint-gen: out of memory\n", stderr);
		exit(1);
	}
	return q;
}

struct event {
	int64_t t;
	uint64_t seq;
	char *line;
};

struct heap {
	struct event *v;
	size_t n, cap;
};

static bool
before(const struct event *a, const struct event *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void
heap_push(struct heap *h, struct event e)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 1024;
		h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	i = h->n++;
	while (i > 0 && before(&e, &h->v[(i - 1) / 2])) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = e;
}

static struct event
heap_pop(struct heap *h)
{
	struct event top = h->v[0], last = h->v[--h->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && before(&h->v[c + 1], &h->v[c]))
			c++;
		if (!before(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

/* A JSON object being written. */
struct line {
	char *p;
	size_t n, cap;
	int depth;        /* open nested objects */
	bool first;       /* no member yet at this depth */
};

static void
put(struct line *l, const char *s, size_t n)
{
	if (l->n + n + 1 > l->cap) {
		l->cap = (l->n + n + 1) * 2;
		l->p = xrealloc(l->p, l->cap);
	}
	memcpy(l->p + l->n, s, n);
	l->n += n;
	l->p[l->n] = '\0';
}

static void
puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

static void
put_json_string(struct line *l, const char *s)
{
	put(l, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(l, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(l, esc, 6);
		} else {
			put(l, (const char *)&c, 1);
		}
	}
	put(l, "\"", 1);
}

static void
key(struct line *l, const char *k)
{
	if (!l->first)
		put(l, ",", 1);
	l->first = false;
	put_json_string(l, k);
	put(l, ":", 1);
}

static void
str(struct line *l, const char *k, const char *v)
{
	if (!v)
		return;
	key(l, k);
	put_json_string(l, v);
}

static void
strf(struct line *l, const char *k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
strf(struct line *l, const char *k, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	str(l, k, buf);
}

static void
integer(struct line *l, const char *k, long v)
{
	char buf[32];

	key(l, k);
	snprintf(buf, sizeof(buf), "%ld", v);
	puts_(l, buf);
}

/* Money in cents, written as a JSON number with two decimals. */
static void
money(struct line *l, const char *k, long cents)
{
	char buf[48];

	key(l, k);
	snprintf(buf, sizeof(buf), "%ld.%02ld", cents / 100, cents % 100);
	puts_(l, buf);
}

static void
open_obj(struct line *l, const char *k)
{
	key(l, k);
	put(l, "{", 1);
	l->first = true;
	l->depth++;
}

static void
close_obj(struct line *l)
{
	put(l, "}", 1);
	l->first = false;
	l->depth--;
}

/* Percent-encode a query value (form style: space as '+'). */
static void
url_encode(const char *s, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s && o + 4 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c == '~') {
			out[o++] = (char)c;
		} else if (c == ' ') {
			out[o++] = '+';
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------------ */
/* The store.                                                           */

struct product {
	const char *slug;
	const char *category;
	long cents;
};

static const struct product products[] = {
	{ "espresso-machine-classic", "espresso-machines", 34900 },
	{ "espresso-machine-pro", "espresso-machines", 89900 },
	{ "bean-to-cup-deluxe", "espresso-machines", 119900 },
	{ "coffee-grinder-burr", "grinders", 17900 },
	{ "coffee-grinder-compact", "grinders", 8990 },
	{ "milk-frother", "accessories", 5990 },
	{ "pour-over-kit", "brewing", 3990 },
	{ "moka-pot-6-cup", "brewing", 3490 },
	{ "cold-brew-maker", "brewing", 4490 },
	{ "house-blend-beans-1kg", "coffee", 2450 },
	{ "single-origin-ethiopia-500g", "coffee", 1690 },
	{ "decaf-colombia-500g", "coffee", 1590 },
	{ "descaler-pack", "care", 1290 },
	{ "barista-tamper", "accessories", 2990 },
};

static const char *const b2c_terms[] = {
	"espresso machine", "cafetto", "cafetto espresso", "coffee grinder",
	"milk frother", "bean to cup coffee machine", "moka pot",
	"best espresso machine for home", "cold brew maker",
	"best coffee beans for espresso at home",
	"how to descale an espresso machine", "moka pot vs espresso machine",
	"cheap espresso machine under 300 euros",
	"máquina de café espresso", "cafetera superautomática",
	"burr grinder for pour over coffee", "coffee beans online",
};

static const char *const b2b_terms[] = {
	"office coffee machine", "cafetto business",
	"coffee machine for office with 50 employees",
	"commercial espresso machine lease", "office coffee service contract",
	"coffee machine rental for business", "bean to cup machine for offices",
};

static const char *const blog_posts[] = {
	"how-to-dial-in-espresso", "latte-art-for-beginners",
	"choosing-a-burr-grinder", "cold-brew-guide", "descaling-101",
	"single-origin-vs-blends",
};

static const char *const b2b_cases[] = {
	"coworking-madrid", "law-firm-barcelona", "hotel-chain-valencia",
	"tech-startup-bilbao",
};

static const char *const locales[] = { "es-ES", "es-ES", "en-GB", "ca-ES", "pt-PT", "fr-FR" };

/* Where a visit comes from. */
enum acq {
	ACQ_DIRECT, ACQ_ORGANIC, ACQ_PAID_SEARCH, ACQ_SHOPPING, ACQ_SOCIAL,
	ACQ_SOCIAL_GROUP, ACQ_FORUM, ACQ_VIDEO, ACQ_PAID_SOCIAL,
	ACQ_REMARKETING_SOCIAL, ACQ_DISPLAY, ACQ_REMARKETING_DISPLAY,
	ACQ_AFFILIATE, ACQ_INFLUENCER, ACQ_REVIEW, ACQ_COMPARATOR, ACQ_PRESS,
	ACQ_PRESS_RELEASE, ACQ_LOCAL, ACQ_AI, ACQ_REFERRAL, ACQ_POSTER,
	ACQ_LEAFLET, ACQ_TV, ACQ_RADIO, ACQ_MAGAZINE, ACQ_NEWSPAPER,
	ACQ_PACKAGING, ACQ_LINKEDIN_ADS, ACQ_EMAIL, ACQ_SMS, ACQ_PUSH,
};

/* ------------------------------------------------------------------ */
/* A journey being generated.                                           */

struct journey {
	struct rng r;
	int64_t t;                 /* time of the last event (seconds) */
	uint64_t *seq;             /* global generation counter */
	struct event *ev;          /* this journey's events */
	size_t n_ev, cap_ev;
	struct line l;             /* the event being written */
	/* who */
	unsigned index;
	bool b2b;
	char account[24];
	char people[4][32];
	unsigned n_people, who;
	const char *segment_attr;  /* "b2c" on CRM events, "b2b" on all */
	/* how they use the store */
	bool app;                  /* uses the mobile app */
	const char *os;            /* iOS, Android, Windows, macOS */
	const char *device;        /* mobile, desktop, tablet */
	const char *locale;
	bool context;              /* their tracker sends a nested context */
	bool subscribed;           /* newsletter */
	const char *heard;         /* "how did you hear about us?" answer */
	bool opened;               /* whether they opened the last e-mail */
	char last_url[512];        /* the page they are on, for referrers */
	/* what they bought */
	unsigned n_orders;
	char order[32];
	long order_cents;
	size_t cart[4];
	unsigned n_cart;
	int satisfaction;          /* 1..5 once they received an order */
};

static void
jpush(struct journey *j, char *line)
{
	if (j->n_ev == j->cap_ev) {
		j->cap_ev = j->cap_ev ? 2 * j->cap_ev : 64;
		j->ev = xrealloc(j->ev, j->cap_ev * sizeof(*j->ev));
	}
	j->ev[j->n_ev].t = j->t;
	j->ev[j->n_ev].seq = (*j->seq)++;
	j->ev[j->n_ev].line = line;
	j->n_ev++;
}

/* Hours of the day, weighted, for each kind of activity. */
enum daypart { DP_WEB, DP_STORE, DP_OFFICE, DP_ANY };

static int64_t
time_of_day(struct rng *r, enum daypart dp)
{
	static const unsigned web[24] = {
		3, 2, 1, 1, 1, 2, 4, 8, 12, 14, 15, 16,
		18, 17, 15, 14, 14, 15, 17, 20, 23, 22, 16, 8,
	};
	static const unsigned store[24] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 12,
		14, 12, 10, 10, 11, 14, 16, 15, 10, 0, 0, 0,
	};
	static const unsigned office[24] = {
		0, 0, 0, 0, 0, 0, 0, 0, 6, 14, 16, 16,
		14, 8, 10, 14, 14, 12, 6, 0, 0, 0, 0, 0,
	};
	static const unsigned any[24] = {
		1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 10,
		10, 10, 10, 10, 10, 10, 10, 10, 8, 6, 4, 2,
	};
	const unsigned *w = dp == DP_STORE ? store : dp == DP_OFFICE ? office :
			    dp == DP_WEB ? web : any;

	return (int64_t)weighted(r, w, 24) * 3600 + between(r, 0, 3599);
}

/* Move to a later day (about mean_days later) at a time that suits the
 * activity; stores and offices are closed on Sundays (and offices on
 * Saturdays). Never goes back in time. */
static void
later(struct journey *j, int64_t mean_days, enum daypart dp)
{
	int64_t day = j->t / 86400 + delay(&j->r, mean_days * 4) / 4;
	int64_t t;

	for (;;) {
		int wd = weekday(day * 86400);

		if ((dp == DP_STORE && wd == 0) ||
		    (dp == DP_OFFICE && (wd == 0 || wd == 6)))
			day++;
		else
			break;
	}
	t = day * 86400 + time_of_day(&j->r, dp);
	if (t <= j->t)
		t = j->t + between(&j->r, 60, 900);
	j->t = t;
}

/* A few seconds or minutes later, in the same session. */
static void
soon(struct journey *j, int64_t lo, int64_t hi)
{
	j->t += between(&j->r, lo, hi);
}

static const char *
who(struct journey *j)
{
	return j->people[j->who];
}

/* Start an event: timestamp, customer, event name, account. */
static struct line *
begin(struct journey *j, const char *event)
{
	struct line *l = &j->l;
	char ts[40];

	l->n = 0;
	l->depth = 0;
	puts_(l, "{");
	l->first = true;
	format_time(j->t, ts, sizeof(ts));
	str(l, "timestamp", ts);
	str(l, "customer_id", who(j));
	str(l, "event", event);
	if (j->b2b) {
		str(l, "account_id", j->account);
		str(l, "segment", "b2b");
	}
	return l;
}

/* A CRM-side record: B2C customers are tagged with their segment. */
static void
crm(struct journey *j)
{
	if (!j->b2b && j->segment_attr)
		str(&j->l, "segment", j->segment_attr);
}

static void
web_context(struct journey *j)
{
	struct line *l = &j->l;

	if (!j->context)
		return;
	open_obj(l, "context");
	open_obj(l, "device");
	str(l, "type", j->device);
	str(l, "os", j->os);
	close_obj(l);
	str(l, "locale", j->locale);
	close_obj(l);
}

static void
app_context(struct journey *j)
{
	struct line *l = &j->l;

	open_obj(l, "context");
	open_obj(l, "app");
	str(l, "name", "Cafetto");
	str(l, "version", j->index % 3 ? "4.2.0" : "4.1.3");
	close_obj(l);
	open_obj(l, "device");
	str(l, "type", "mobile");
	str(l, "os", j->os);
	close_obj(l);
	close_obj(l);
}

static void
end(struct journey *j)
{
	struct line *l = &j->l;

	puts_(l, "}\n");
	jpush(j, memcpy(xrealloc(NULL, l->n + 1), l->p, l->n + 1));
}

/* ------------------------------------------------------------------ */
/* Web visits.                                                          */

static void
set_url(struct journey *j, const char *path)
{
	snprintf(j->last_url, sizeof(j->last_url), "%s%s", SITE, path);
}

/* An internal page view: the referrer is the page they were on. */
static void
page(struct journey *j, const char *path)
{
	struct line *l;
	char ref[512];

	snprintf(ref, sizeof(ref), "%s", j->last_url);
	soon(j, 8, 150);
	set_url(j, path);
	l = begin(j, "page_view");
	str(l, "url", j->last_url);
	if (ref[0])
		str(l, "referrer", ref);
	web_context(j);
	end(j);
}

static void
pagef(struct journey *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
pagef(struct journey *j, const char *fmt, ...)
{
	char path[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	page(j, path);
}

struct tags {
	const char *source, *medium, *campaign, *content, *term;
	bool gclid;
};

/* A landing page view: url (utm in the query string, or as attributes
 * for some trackers) and the referrer of the acquisition. */
static void
land(struct journey *j, const char *path, const char *referrer,
     const struct tags *tg)
{
	struct line *l;
	char url[1024], enc[200];
	bool attrs = tg && tg->source && chance(&j->r, 200);
	size_t n;

	n = (size_t)snprintf(url, sizeof(url), "%s%s", SITE, path);
	if (tg && tg->source && !attrs) {
		char sep = strchr(path, '?') ? '&' : '?';

		url_encode(tg->source, enc, sizeof(enc));
		n += (size_t)snprintf(url + n, sizeof(url) - n, "%cutm_source=%s", sep, enc);
		url_encode(tg->medium, enc, sizeof(enc));
		n += (size_t)snprintf(url + n, sizeof(url) - n, "&utm_medium=%s", enc);
		if (tg->campaign) {
			url_encode(tg->campaign, enc, sizeof(enc));
			n += (size_t)snprintf(url + n, sizeof(url) - n, "&utm_campaign=%s", enc);
		}
		if (tg->content) {
			url_encode(tg->content, enc, sizeof(enc));
			n += (size_t)snprintf(url + n, sizeof(url) - n, "&utm_content=%s", enc);
		}
		if (tg->term) {
			url_encode(tg->term, enc, sizeof(enc));
			n += (size_t)snprintf(url + n, sizeof(url) - n, "&utm_term=%s", enc);
		}
	}
	if (tg && tg->gclid && n < sizeof(url) - 40)
		snprintf(url + n, sizeof(url) - n, "%cgclid=Cj0KCQ%08" PRIx32 "EAAYASAAEgK",
			 strchr(url, '?') ? '&' : '?', (uint32_t)rng_next(&j->r));
	l = begin(j, "page_view");
	str(l, "url", url);
	if (referrer)
		str(l, "referrer", referrer);
	if (attrs) {
		str(l, "utm_source", tg->source);
		str(l, "utm_medium", tg->medium);
		str(l, "utm_campaign", tg->campaign);
		str(l, "utm_content", tg->content);
		str(l, "utm_term", tg->term);
	}
	web_context(j);
	end(j);
	/* Later pages of the visit refer to the landing page without its
	 * tags, as most sites strip them. */
	set_url(j, path);
}

static const char *
product_path(struct journey *j, size_t p, char *buf, size_t size)
{
	(void)j;
	snprintf(buf, size, "/products/%s", products[p].slug);
	return buf;
}

static const char *
search_referrer(struct journey *j, const char *term, char *buf, size_t size)
{
	static const unsigned w[] = { 62, 10, 8, 6, 4, 3, 3, 4 };
	char enc[300];

	url_encode(term, enc, sizeof(enc));
	switch (weighted(&j->r, w, N(w))) {
	case 0:
		if (chance(&j->r, 250))
			return "https://www.google.com/";   /* no term given */
		snprintf(buf, size, "https://www.google.%s/search?q=%s&hl=%.2s",
			 chance(&j->r, 500) ? "es" : "com", enc, j->locale);
		break;
	case 1:
		snprintf(buf, size, "https://www.bing.com/search?q=%s&form=QBLH", enc);
		break;
	case 2:
		snprintf(buf, size, "https://duckduckgo.com/?q=%s&ia=web", enc);
		break;
	case 3:
		snprintf(buf, size, "https://search.yahoo.com/search?p=%s", enc);
		break;
	case 4:
		snprintf(buf, size, "https://www.ecosia.org/search?q=%s", enc);
		break;
	case 5:
		snprintf(buf, size, "https://yandex.com/search/?text=%s", enc);
		break;
	case 6:
		snprintf(buf, size, "https://search.brave.com/search?q=%s", enc);
		break;
	default:
		snprintf(buf, size, "https://www.google.es/search?q=%s", enc);
		break;
	}
	return buf;
}

/* A month tag for campaign names, from the current time. */
static void
month_tag(struct journey *j, char *buf, size_t size)
{
	int64_t y;
	unsigned m, d;

	civil_from_days(j->t / 86400, &y, &m, &d);
	snprintf(buf, size, "%04" PRId64 "-%02u", y, m);
}

/* A visit from the given acquisition: a landing page and a few pages. */
static void
visit(struct journey *j, enum acq a, const char *path)
{
	struct rng *r = &j->r;
	char ref[600], buf[200];
	struct tags tg = { 0 };
	const char *referrer = NULL;
	const char *term = j->b2b ? PICK(r, b2b_terms) : PICK(r, b2c_terms);

	switch (a) {
	case ACQ_DIRECT:
		break;
	case ACQ_ORGANIC:
		referrer = search_referrer(j, term, ref, sizeof(ref));
		break;
	case ACQ_PAID_SEARCH:
		tg.source = chance(r, 850) ? "google" : "bing";
		tg.medium = "cpc";
		tg.campaign = j->b2b ? "b2b-office-coffee" :
			      chance(r, 400) ? "brand-search" : "generic-espresso-machines";
		tg.term = term;
		tg.gclid = tg.source[0] == 'g';
		referrer = tg.source[0] == 'g' ? "https://www.google.com/" : "https://www.bing.com/";
		break;
	case ACQ_SHOPPING:
		tg.source = "google";
		tg.medium = "cpc";
		tg.campaign = "shopping-espresso-machines";
		tg.gclid = true;
		referrer = "https://www.google.com/";
		break;
	case ACQ_SOCIAL:
		referrer = PICK(r, ((const char *const[]){
			"https://www.facebook.com/", "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.cafetto.example%2F",
			"https://www.instagram.com/", "https://t.co/x4Ab9Qz1",
			"https://www.pinterest.com/pin/9288374/", "https://www.tiktok.com/",
			"https://www.linkedin.com/feed/", "https://m.facebook.com/" }));
		break;
	case ACQ_SOCIAL_GROUP:
		referrer = j->b2b ? "https://www.linkedin.com/groups/8812345/" :
				    "https://www.facebook.com/groups/homebaristas/";
		break;
	case ACQ_FORUM:
		referrer = PICK(r, ((const char *const[]){
			"https://www.reddit.com/r/espresso/comments/1b2c3d/grinder_advice/",
			"https://www.reddit.com/r/Coffee/", "https://www.quora.com/What-is-the-best-home-espresso-machine",
			"https://www.forocoches.com/foro/showthread.php?t=912345" }));
		break;
	case ACQ_VIDEO:
		referrer = "https://www.youtube.com/watch?v=Zx8kQ2pL0aE";
		break;
	case ACQ_PAID_SOCIAL:
		tg.source = PICK(r, ((const char *const[]){ "facebook", "instagram", "tiktok" }));
		tg.medium = chance(r, 500) ? "paid_social" : "cpc";
		tg.campaign = PICK(r, ((const char *const[]){ "spring-sale", "new-grinder-range", "latte-season" }));
		tg.content = PICK(r, ((const char *const[]){ "video-15s", "carousel", "story" }));
		referrer = tg.source[0] == 'f' ? "https://l.facebook.com/" :
			   tg.source[0] == 'i' ? "https://www.instagram.com/" : "https://www.tiktok.com/";
		break;
	case ACQ_LINKEDIN_ADS:
		tg.source = "linkedin";
		tg.medium = "paid_social";
		tg.campaign = "office-coffee-leads";
		tg.content = "sponsored-content";
		referrer = "https://www.linkedin.com/";
		break;
	case ACQ_REMARKETING_SOCIAL:
		tg.source = j->b2b ? "linkedin" : chance(r, 600) ? "facebook" : "instagram";
		tg.medium = "cpc";
		tg.campaign = "retargeting-product-viewers";
		referrer = "https://l.facebook.com/";
		break;
	case ACQ_DISPLAY:
		tg.source = PICK(r, ((const char *const[]){ "criteo", "dv360", "taboola" }));
		tg.medium = "display";
		tg.campaign = "prospecting-home-baristas";
		tg.content = "300x250";
		referrer = PICK(r, ((const char *const[]){
			"https://elpais.com/gastronomia/", "https://www.theguardian.com/food",
			"https://www.recetasgratis.example/" }));
		break;
	case ACQ_REMARKETING_DISPLAY:
		tg.source = chance(r, 500) ? "criteo" : "google";
		tg.medium = chance(r, 500) ? "display" : "retargeting";
		tg.campaign = "remarketing-cart-abandoners";
		referrer = "https://www.marca.com/";
		break;
	case ACQ_AFFILIATE:
		tg.source = PICK(r, ((const char *const[]){ "awin", "tradedoubler", "cj" }));
		tg.medium = "affiliate";
		tg.campaign = "coffee-blog-network";
		referrer = PICK(r, ((const char *const[]){
			"https://www.baristablog.example/best-grinders-2025/",
			"https://www.homebrewing.example/espresso-machines-reviewed/" }));
		break;
	case ACQ_INFLUENCER:
		tg.source = chance(r, 700) ? "instagram" : "youtube";
		tg.medium = "influencer";
		tg.campaign = "creator-latte-art";
		referrer = tg.source[0] == 'i' ? "https://www.instagram.com/" : "https://www.youtube.com/";
		break;
	case ACQ_REVIEW:
		referrer = j->b2b ? PICK(r, ((const char *const[]){
			"https://www.g2.com/products/cafetto-business/reviews",
			"https://www.capterra.com/p/123456/Cafetto/" })) :
			PICK(r, ((const char *const[]){
			"https://www.trustpilot.com/review/cafetto.example",
			"https://es.trustpilot.com/review/cafetto.example",
			"https://www.yelp.com/biz/cafetto-madrid" }));
		break;
	case ACQ_COMPARATOR:
		referrer = PICK(r, ((const char *const[]){
			"https://www.idealo.es/precios/espresso-machines.html",
			"https://www.pricerunner.com/cl/espresso-machines",
			"https://www.kelkoo.es/buscar?q=cafetera" }));
		break;
	case ACQ_PRESS:
		referrer = PICK(r, ((const char *const[]){
			"https://elpais.com/economia/2025/cafetto-abre-tiendas.html",
			"https://www.expansion.com/empresas/cafetto.html",
			"https://techcrunch.com/2025/coffee-startups/" }));
		break;
	case ACQ_PRESS_RELEASE:
		tg.source = "prnewswire";
		tg.medium = "referral";
		tg.campaign = "launch-espresso-pro";
		referrer = "https://www.prnewswire.com/news-releases/cafetto-launches-espresso-pro.html";
		break;
	case ACQ_LOCAL:
		if (chance(r, 500)) {
			tg.source = "gmb";
			tg.medium = "organic";
			tg.campaign = "store-listing";
		}
		referrer = chance(r, 500) ? "https://maps.google.com/" : "https://www.google.com/maps/place/Cafetto";
		break;
	case ACQ_AI:
		referrer = chance(r, 700) ? "https://chatgpt.com/" : "https://www.perplexity.ai/";
		break;
	case ACQ_REFERRAL:
		referrer = PICK(r, ((const char *const[]){
			"https://www.coffeelovers.example/links", "https://www.wikipedia.org/",
			"https://www.spanishcoffee.example/where-to-buy/" }));
		break;
	case ACQ_POSTER:
		tg.source = "metro-poster";
		tg.medium = "poster";
		tg.campaign = "spring-outdoor";
		break;
	case ACQ_LEAFLET:
		tg.source = "mailbox-leaflet";
		tg.medium = "leaflet";
		tg.campaign = "store-opening";
		break;
	case ACQ_TV:
		tg.source = "tv";
		tg.medium = "tv";
		tg.campaign = chance(r, 300) ? "cooking-show-sponsorship" : "spring-tv-spot";
		break;
	case ACQ_RADIO:
		tg.source = "cadena-radio";
		tg.medium = "radio";
		tg.campaign = chance(r, 300) ? "morning-show-sponsor" : "radio-spot-may";
		break;
	case ACQ_MAGAZINE:
		tg.source = "coffee-magazine";
		tg.medium = "print";
		tg.campaign = "print-ad-spring";
		break;
	case ACQ_NEWSPAPER:
		tg.source = "daily-newspaper";
		tg.medium = "print";
		tg.campaign = "print-ad-spring";
		break;
	case ACQ_PACKAGING:
		tg.source = "package-insert";
		tg.medium = "packaging";
		tg.campaign = "unboxing-qr";
		break;
	case ACQ_EMAIL:
	case ACQ_SMS:
	case ACQ_PUSH:
		break;   /* messages land through message() */
	}
	if (!path) {
		static const unsigned w[] = { 30, 45, 10, 15 };

		switch (weighted(r, w, N(w))) {
		case 0:
			path = j->b2b ? "/business" : "/";
			break;
		case 1:
			path = product_path(j, below(r, N(products)), buf, sizeof(buf));
			break;
		case 2:
			snprintf(buf, sizeof(buf), "/blog/%s", PICK(r, blog_posts));
			path = buf;
			break;
		default:
			snprintf(buf, sizeof(buf), "/c/%s", products[below(r, N(products))].category);
			path = buf;
			break;
		}
	}
	j->last_url[0] = '\0';
	land(j, path, referrer, tg.source ? &tg : NULL);
}

/* Browse a few pages after landing. */
static void
browse(struct journey *j, unsigned pages)
{
	struct rng *r = &j->r;
	char buf[200];
	unsigned i;

	for (i = 0; i < pages; i++) {
		static const unsigned w[] = { 40, 18, 8, 6, 5, 4, 3, 3 };
		size_t p = below(r, N(products));

		switch (weighted(r, w, N(w))) {
		case 0:
			page(j, product_path(j, p, buf, sizeof(buf)));
			break;
		case 1:
			pagef(j, "/c/%s", products[p].category);
			break;
		case 2:
			pagef(j, "/blog/%s", PICK(r, blog_posts));
			break;
		case 3:
			page(j, "/");
			break;
		case 4:
			pagef(j, "/reviews?product=%s", products[p].slug);
			break;
		case 5: {
			char enc[200];

			url_encode(PICK(r, b2c_terms), enc, sizeof(enc));
			pagef(j, "/search?q=%s", enc);
			break;
		}
		case 6:
			pagef(j, "/compare?items=%s,%s", products[p].slug,
			      products[(p + 1) % N(products)].slug);
			break;
		default:
			page(j, chance(r, 500) ? "/about" : "/stores");
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Messages: e-mail, SMS, push.                                         */

/* An e-mail the customer receives and maybe opens and clicks. Transactional
 * e-mails carry utm tags as attributes; a click lands on the site with
 * them in the url. Returns true when they clicked. */
static bool
email(struct journey *j, const char *source, const char *campaign,
      const char *path, unsigned open_pm, unsigned click_pm)
{
	struct rng *r = &j->r;
	struct line *l;
	struct tags tg = { source, "email", campaign, NULL, NULL, false };
	bool clicked;

	j->opened = chance(r, open_pm);
	if (!j->opened)
		return false;
	l = begin(j, "email_open");
	str(l, "utm_source", source);
	str(l, "utm_medium", "email");
	str(l, "utm_campaign", campaign);
	strf(l, "email_id", "m-%08" PRIx32, (uint32_t)rng_next(r));
	end(j);
	clicked = path && chance(r, click_pm);
	if (!clicked)
		return false;
	soon(j, 5, 300);
	l = begin(j, "email_click");
	str(l, "utm_source", source);
	str(l, "utm_medium", "email");
	str(l, "utm_campaign", campaign);
	end(j);
	soon(j, 1, 5);
	j->last_url[0] = '\0';
	land(j, path, chance(r, 300) ? "https://mail.google.com/" : NULL, &tg);
	return true;
}

static bool
sms(struct journey *j, const char *campaign, const char *path)
{
	struct line *l = begin(j, "sms_delivered");
	struct tags tg = { "sms", "sms", campaign, NULL, NULL, false };

	str(l, "utm_source", "sms");
	str(l, "utm_medium", "sms");
	str(l, "utm_campaign", campaign);
	end(j);
	if (!path || !chance(&j->r, 300))
		return false;
	soon(j, 30, 3600);
	j->last_url[0] = '\0';
	land(j, path, NULL, &tg);
	return true;
}

static bool
push(struct journey *j, const char *campaign)
{
	struct line *l;

	if (!j->app || !chance(&j->r, 450))
		return false;
	l = begin(j, "push_open");
	str(l, "platform", j->os[0] == 'i' ? "ios" : "android");
	str(l, "utm_source", "firebase");
	str(l, "utm_medium", "push");
	str(l, "utm_campaign", campaign);
	app_context(j);
	end(j);
	return true;
}

/* An app session: open the app and look at a few screens. */
static void
app_session(struct journey *j, unsigned screens)
{
	struct rng *r = &j->r;
	const char *platform = j->os[0] == 'i' ? "ios" : "android";
	struct line *l = begin(j, "app_open");
	unsigned i;

	str(l, "platform", platform);
	app_context(j);
	end(j);
	for (i = 0; i < screens; i++) {
		size_t p = below(r, N(products));

		soon(j, 5, 90);
		if (chance(r, 600)) {
			l = begin(j, "view_item");
			str(l, "platform", platform);
			str(l, "product_id", products[p].slug);
			money(l, "price", products[p].cents);
		} else {
			l = begin(j, "screen_view");
			str(l, "platform", platform);
			str(l, "screen", PICK(r, ((const char *const[]){ "home", "catalog", "offers", "account" })));
		}
		app_context(j);
		end(j);
	}
}

/* ------------------------------------------------------------------ */
/* Offline and service records.                                         */

static struct line *
record(struct journey *j, const char *event, const char *channel)
{
	struct line *l = begin(j, event);

	if (channel)
		str(l, "channel", channel);
	crm(j);
	return l;
}

static void
simple(struct journey *j, const char *event, const char *channel)
{
	record(j, event, channel);
	end(j);
}

/* A call the customer makes to the call center. */
static void
call(struct journey *j, const char *topic)
{
	struct line *l = record(j, "inbound_call", "call_center");

	str(l, "topic", topic);
	integer(l, "duration_s", (long)between(&j->r, 60, 1200));
	end(j);
}

static void
chat(struct journey *j, const char *topic)
{
	struct line *l = record(j, "chat_started", NULL);
	bool bot = chance(&j->r, 450);

	str(l, "agent", bot ? "bot" : "human");
	str(l, "topic", topic);
	str(l, "url", j->last_url[0] ? j->last_url : SITE);
	end(j);
}

/* ------------------------------------------------------------------ */
/* The B2C journey.                                                     */

static enum acq
b2c_first_touch(struct rng *r)
{
	static const struct { enum acq a; unsigned w; } t[] = {
		{ ACQ_ORGANIC, 190 }, { ACQ_PAID_SEARCH, 130 }, { ACQ_DIRECT, 80 },
		{ ACQ_SOCIAL, 60 }, { ACQ_PAID_SOCIAL, 80 }, { ACQ_DISPLAY, 45 },
		{ ACQ_SHOPPING, 40 }, { ACQ_AFFILIATE, 35 }, { ACQ_INFLUENCER, 30 },
		{ ACQ_REVIEW, 25 }, { ACQ_COMPARATOR, 30 }, { ACQ_FORUM, 15 },
		{ ACQ_SOCIAL_GROUP, 10 }, { ACQ_VIDEO, 20 }, { ACQ_PRESS, 10 },
		{ ACQ_PRESS_RELEASE, 5 }, { ACQ_LOCAL, 25 }, { ACQ_AI, 10 },
		{ ACQ_REFERRAL, 15 }, { ACQ_POSTER, 10 }, { ACQ_LEAFLET, 10 },
		{ ACQ_TV, 15 }, { ACQ_RADIO, 10 }, { ACQ_MAGAZINE, 8 },
		{ ACQ_NEWSPAPER, 7 },
	};
	unsigned w[N(t)];
	size_t i;

	for (i = 0; i < N(t); i++)
		w[i] = t[i].w;
	return t[weighted(r, w, N(t))].a;
}

/* Pick 1-3 products, the first one the journey is about. */
static void
choose_cart(struct journey *j)
{
	struct rng *r = &j->r;
	unsigned i;

	j->n_cart = 1 + (chance(r, 350) ? 1 : 0) + (chance(r, 120) ? 1 : 0);
	for (i = 0; i < j->n_cart; i++)
		j->cart[i] = below(r, N(products));
}

static long
cart_cents(const struct journey *j)
{
	long c = 0;
	unsigned i;

	for (i = 0; i < j->n_cart; i++)
		c += products[j->cart[i]].cents;
	return c;
}

static void
new_order(struct journey *j)
{
	j->n_orders++;
	snprintf(j->order, sizeof(j->order), "ord-%06u-%u", j->index, j->n_orders);
	j->order_cents = cart_cents(j);
}

static void
purchase_record(struct journey *j, const char *channel, long cents, const char *coupon)
{
	struct line *l = record(j, "purchase", channel);

	str(l, "order_id", j->order);
	money(l, "value", cents);
	str(l, "currency", "EUR");
	integer(l, "items", (long)j->n_cart);
	if (coupon)
		str(l, "coupon", coupon);
	if (!channel)
		str(l, "url", j->last_url);
	end(j);
}

/* Online checkout: cart (unless they are on it), checkout pages,
 * purchase. */
static void
checkout_online(struct journey *j, const char *coupon, bool view_cart)
{
	struct rng *r = &j->r;
	struct line *l;
	long cents;

	if (view_cart)
		page(j, "/cart");
	soon(j, 10, 120);
	l = begin(j, "begin_checkout");
	str(l, "url", SITE "/checkout");
	money(l, "value", cart_cents(j));
	str(l, "currency", "EUR");
	end(j);
	page(j, "/checkout/shipping");
	page(j, "/checkout/payment");
	new_order(j);
	cents = j->order_cents;
	if (coupon) {
		soon(j, 5, 40);
		l = record(j, "coupon_applied", "website");
		str(l, "coupon", coupon);
		end(j);
		cents -= cents / 10;
	}
	soon(j, 20, 180);
	set_url(j, "/checkout/thank-you");
	purchase_record(j, NULL, cents, coupon);
	if (j->heard && j->n_orders == 1 && chance(r, 250)) {
		soon(j, 10, 60);
		l = begin(j, "attribution_survey");
		str(l, "question", "How did you hear about us?");
		str(l, "answer", j->heard);
		str(l, "url", SITE "/checkout/thank-you");
		end(j);
	}
}

static void
post_purchase(struct journey *j, bool online)
{
	struct rng *r = &j->r;
	struct line *l;
	char path[120];

	/* Confirmation and invoice, right away. */
	soon(j, 30, 300);
	email(j, "transactional", "order-confirmation", NULL, 850, 0);
	if (!j->opened && chance(r, 300)) {
		/* The e-mail platform's log of a message nobody opened. */
		l = record(j, "order_confirmation_sent", "email");
		str(l, "order_id", j->order);
		end(j);
	}
	soon(j, 60, 3600);
	l = record(j, "invoice_sent", chance(r, 500) ? "billing" : "email");
	str(l, "order_id", j->order);
	money(l, "value", j->order_cents);
	end(j);
	if (online) {
		/* Shipping, tracking, delivery. */
		later(j, 1, DP_ANY);
		email(j, "transactional", "shipping-confirmation", NULL, 800, 0);
		if (!j->opened) {
			/* The warehouse's record stands for the unread e-mail. */
			l = record(j, "order_shipped", NULL);
			str(l, "order_id", j->order);
			str(l, "carrier", PICK(r, ((const char *const[]){ "SEUR", "Correos Express", "DHL" })));
			end(j);
		}
		if (chance(r, 500)) {
			soon(j, 3600, 20 * 3600);
			if (chance(r, 500)) {
				l = record(j, "order_tracking", "sms");
				str(l, "order_id", j->order);
				end(j);
			} else {
				j->last_url[0] = '\0';
				snprintf(path, sizeof(path), "/track?order=%s", j->order);
				land(j, path, NULL, NULL);
			}
		}
		if (chance(r, 250))
			push(j, "order-shipped");
		later(j, 2, DP_ANY);
		l = record(j, "delivered", "courier");
		str(l, "order_id", j->order);
		end(j);
		if (chance(r, 60)) {
			soon(j, 60, 600);
			simple(j, "thank_you_note", "packaging");
		}
		if (chance(r, 100)) {
			soon(j, 300, 7200);
			visit(j, ACQ_PACKAGING, "/welcome-pack");
			browse(j, below(r, 3));
		}
	}
	/* How it went. */
	{
		static const unsigned w[] = { 4, 6, 14, 36, 40 };

		j->satisfaction = 1 + (int)weighted(r, w, N(w));
	}
	if (j->satisfaction <= 2 && chance(r, 600)) {
		later(j, 1, DP_ANY);
		switch (below(r, 5)) {
		case 0:
			l = record(j, "complaint", PICK(r, ((const char *const[]){ "phone", "email", "social", "store" })));
			str(l, "reason", PICK(r, ((const char *const[]){ "late_delivery", "damaged_item", "wrong_item" })));
			str(l, "order_id", j->order);
			end(j);
			break;
		case 1:
			call(j, "complaint");
			break;
		case 2:
			chat(j, "complaint");
			break;
		case 3:
			l = record(j, "support_ticket", "email");
			str(l, "topic", "complaint");
			str(l, "order_id", j->order);
			end(j);
			break;
		default:
			l = record(j, "social_comment", NULL);
			str(l, "network", "instagram");
			str(l, "sentiment", "negative");
			end(j);
			soon(j, 1800, 6 * 3600);
			l = record(j, "comment_reply", NULL);
			str(l, "network", "instagram");
			end(j);
			break;
		}
	}
	if (chance(r, 150)) {
		later(j, 2, DP_OFFICE);
		if (chance(r, 500)) {
			call(j, PICK(r, ((const char *const[]){ "technical", "order_status", "delivery" })));
		} else {
			chat(j, PICK(r, ((const char *const[]){ "order_status", "technical", "delivery", "invoice" })));
		}
	}
	if (chance(r, 60)) {
		later(j, 3, DP_OFFICE);
		l = record(j, "support_email", "email");
		str(l, "topic", "setup");
		end(j);
	}
	/* Returns and refunds. */
	if (j->satisfaction <= 3 ? chance(r, 300) : chance(r, 30)) {
		bool store = chance(r, 300);

		later(j, 3, store ? DP_STORE : DP_WEB);
		if (!store) {
			j->last_url[0] = '\0';
			land(j, "/returns", NULL, NULL);
		}
		soon(j, 30, 300);
		l = record(j, "return_request", store ? "store" : "web");
		str(l, "order_id", j->order);
		str(l, "reason", PICK(r, ((const char *const[]){ "changed_mind", "damaged", "not_as_described", "too_small" })));
		end(j);
		later(j, 4, DP_OFFICE);
		l = record(j, "refund_issued", "billing");
		str(l, "order_id", j->order);
		money(l, "value", j->order_cents);
		str(l, "currency", "EUR");
		end(j);
	}
	/* Follow-up, survey, review. */
	later(j, 3, DP_ANY);
	email(j, "transactional", "post-purchase-follow-up", "/blog/descaling-101", 550, 150);
	if (chance(r, 400)) {
		const char *ch = PICK(r, ((const char *const[]){ "email", "email", "sms", "web" }));

		soon(j, 3600, 48 * 3600);
		if (ch[0] == 'e')
			email(j, "transactional", "csat-survey", NULL, 700, 0);
		soon(j, 60, 3600);
		l = record(j, "survey_response", ch);
		integer(l, "score", j->satisfaction);
		str(l, "survey", "csat");
		str(l, "order_id", j->order);
		end(j);
	}
	if (chance(r, j->satisfaction >= 4 ? 180 : 120)) {
		bool own = chance(r, 400);

		later(j, 2, DP_WEB);
		l = record(j, "review_submitted", own ? "website" : "review_site");
		integer(l, "score", j->satisfaction);
		str(l, "product_id", products[j->cart[0]].slug);
		str(l, "site", own ? "cafetto.example" : "trustpilot.com");
		end(j);
		if (j->satisfaction <= 3 || chance(r, 200)) {
			later(j, 1, DP_OFFICE);
			l = record(j, "review_response", own ? "website" : "review_site");
			str(l, "site", own ? "cafetto.example" : "trustpilot.com");
			end(j);
		}
	}
	if (chance(r, 30)) {
		later(j, 5, DP_STORE);
		l = record(j, "after_sales_service", "service_desk");
		str(l, "service", "machine_maintenance");
		end(j);
	}
}

/* After a good experience: loyalty program, offers, repeat purchase. */
static void
loyalty(struct journey *j)
{
	struct rng *r = &j->r;
	struct line *l;
	char mt[16], camp[64], buf[200];

	if (j->satisfaction >= 4 && chance(r, 350)) {
		later(j, 5, DP_WEB);
		visit(j, ACQ_DIRECT, "/loyalty");
		soon(j, 30, 200);
		l = record(j, "loyalty_signup", "web");
		str(l, "program", "Cafetto Club");
		end(j);
	}
	later(j, 7, DP_WEB);
	email(j, "crm", "recommended-for-you", "/products/descaler-pack", 450, 150);
	if (chance(r, 400)) {
		later(j, 6, DP_WEB);
		email(j, "crm", "vip-exclusive-preview", "/c/espresso-machines", 500, 200);
	}
	if (j->app) {
		later(j, 5, DP_WEB);
		push(j, PICK(r, ((const char *const[]){ "new-arrival-launch", "your-weekly-picks", "points-reminder" })));
	}
	if (chance(r, 120)) {
		later(j, 4, DP_WEB);
		visit(j, ACQ_DIRECT, "/refer");
		soon(j, 20, 200);
		l = record(j, "referral_sent", "web");
		str(l, "invitee", "friend");
		end(j);
	}
	if (chance(r, 100)) {
		later(j, 10, DP_WEB);
		email(j, "crm", "purchase-anniversary", "/c/coffee", 500, 150);
	}
	if (chance(r, 280)) {
		/* A repeat purchase: beans or care products. */
		bool store = chance(r, 200);

		later(j, 14, store ? DP_STORE : DP_WEB);
		month_tag(j, mt, sizeof(mt));
		snprintf(camp, sizeof(camp), "newsletter-%s", mt);
		if (store) {
			simple(j, "store_visit", "store");
			j->n_cart = 1;
			j->cart[0] = 9 + below(r, 4);
			new_order(j);
			soon(j, 300, 1800);
			purchase_record(j, "store", j->order_cents, NULL);
		} else {
			if (!(j->subscribed && email(j, "newsletter", camp, "/c/coffee", 600, 400)))
				visit(j, j->app ? ACQ_DIRECT : ACQ_ORGANIC, "/c/coffee");
			j->n_cart = 1;
			j->cart[0] = 9 + below(r, 4);
			page(j, product_path(j, j->cart[0], buf, sizeof(buf)));
			soon(j, 5, 60);
			l = begin(j, "add_to_cart");
			str(l, "product_id", products[j->cart[0]].slug);
			money(l, "price", products[j->cart[0]].cents);
			str(l, "url", j->last_url);
			end(j);
			checkout_online(j, NULL, true);
			soon(j, 60, 600);
			email(j, "transactional", "order-confirmation", NULL, 850, 0);
		}
		if (chance(r, 500)) {
			soon(j, 60, 3600);
			l = record(j, "points_earned", j->app ? "app" : "email");
			integer(l, "points", j->order_cents / 100);
			end(j);
		}
	}
}

/* What a customer answers to "how did you hear about us?", from their
 * first contact. */
static const char *
heard_from(struct rng *r, enum acq a)
{
	switch (a) {
	case ACQ_ORGANIC: case ACQ_PAID_SEARCH: case ACQ_LOCAL:
		return "search";
	case ACQ_SOCIAL: case ACQ_PAID_SOCIAL: case ACQ_VIDEO:
	case ACQ_SOCIAL_GROUP:
		return chance(r, 500) ? "social" : "instagram";
	case ACQ_INFLUENCER:
		return "influencer";
	case ACQ_REVIEW:
		return "reviews";
	case ACQ_FORUM:
		return "forum";
	case ACQ_PRESS: case ACQ_PRESS_RELEASE:
		return "press";
	case ACQ_POSTER:
		return "poster";
	case ACQ_LEAFLET:
		return "leaflet";
	case ACQ_TV:
		return "tv";
	case ACQ_RADIO:
		return chance(r, 700) ? "radio" : "podcast";
	case ACQ_MAGAZINE:
		return "magazine";
	case ACQ_NEWSPAPER:
		return "newspaper";
	case ACQ_DIRECT:
		return chance(r, 700) ? "friend" : "walked_by";
	default:
		return chance(r, 500) ? "friend" : "search";
	}
}

/* A customer who dropped off and left an e-mail address may get a
 * remarketing e-mail. */
static void
winback(struct journey *j, const char *campaign)
{
	if (!j->subscribed || !chance(&j->r, 450))
		return;
	later(j, 12, DP_WEB);
	email(j, "crm", campaign, "/c/espresso-machines", 450, 150);
}

static void
b2c_journey(struct journey *j)
{
	struct rng *r = &j->r;
	struct line *l;
	enum acq first = b2c_first_touch(r);
	char mt[16], camp[64];
	unsigned sessions, i;
	bool offline_start = chance(r, 90);

	choose_cart(j);
	/* 1. Discovery. */
	if (offline_start) {
		/* The first contact happened away from the web. */
		switch (below(r, 6)) {
		case 0: {
			const char *ch = PICK(r, ((const char *const[]){ "tv", "radio", "print", "print" }));

			l = begin(j, "ad_exposure");
			str(l, "channel", ch);
			str(l, "format", ch[0] == 'p' ? PICK(r, ((const char *const[]){ "magazine", "newspaper", "leaflet", "poster" })) :
					chance(r, 250) ? "sponsorship" : "spot");
			str(l, "ad_campaign", "spring-brand");
			str(l, "panel", "media-panel");
			end(j);
			j->heard = ch[0] == 'p' ? "magazine" : ch;
			break;
		}
		case 1:
			j->t = j->t / 86400 * 86400 + time_of_day(r, DP_STORE);
			if (weekday(j->t) == 0)
				j->t += 86400;
			simple(j, "store_visit", "store");
			j->heard = "walked_by";
			if (chance(r, 400)) {
				soon(j, 120, 900);
				simple(j, "in_store_demo", "store");
			} else if (chance(r, 400)) {
				soon(j, 60, 600);
				simple(j, "store_assistance", "store");
			}
			break;
		case 2:
			/* The reply card of a mailed catalog. */
			l = record(j, "catalog_request", "catalog");
			str(l, "catalog", "spring-2025");
			end(j);
			break;
		case 3:
			l = record(j, "event_attendance", "event");
			str(l, "format", PICK(r, ((const char *const[]){ "exhibition", "pop_up", "tasting" })));
			str(l, "event_name", "Madrid Coffee Festival");
			end(j);
			break;
		case 4:
			l = record(j, "sample_received", "merchandising");
			str(l, "item", "espresso-beans-sample");
			end(j);
			break;
		default:
			l = record(j, "promotional_item", "merchandising");
			str(l, "item", "tote-bag");
			end(j);
			break;
		}
		later(j, 4, DP_WEB);
		first = chance(r, 500) ? ACQ_DIRECT : ACQ_ORGANIC;
	} else {
		j->heard = heard_from(r, first);
	}
	if (j->app && chance(r, 300))
		app_session(j, 1 + below(r, 4));
	else {
		visit(j, first, NULL);
		browse(j, below(r, 4));
	}
	if (chance(r, 180)) {
		soon(j, 10, 120);
		l = begin(j, "newsletter_signup");
		str(l, "url", j->last_url);
		str(l, "form", "footer");
		end(j);
		j->subscribed = true;
		soon(j, 30, 600);
		email(j, "crm", "welcome-series-1", "/c/espresso-machines", 700, 250);
	}
	if (!chance(r, 560))
		return;   /* dropped off after discovery */

	/* 2. Consideration: more visits from other sources. */
	sessions = 1 + below(r, 3);
	for (i = 0; i < sessions; i++) {
		static const struct { enum acq a; unsigned w; } t[] = {
			{ ACQ_DIRECT, 25 }, { ACQ_ORGANIC, 20 }, { ACQ_REMARKETING_DISPLAY, 10 },
			{ ACQ_REMARKETING_SOCIAL, 8 }, { ACQ_REVIEW, 8 }, { ACQ_COMPARATOR, 6 },
			{ ACQ_SOCIAL, 6 }, { ACQ_VIDEO, 5 }, { ACQ_FORUM, 4 }, { ACQ_PAID_SEARCH, 8 },
			{ ACQ_EMAIL, 12 }, { ACQ_SMS, 5 },
		};
		unsigned w[N(t)];
		size_t k;
		enum acq a;
		char buf[200];

		for (k = 0; k < N(t); k++)
			w[k] = t[k].w;
		a = t[weighted(r, w, N(t))].a;
		later(j, 3, DP_WEB);
		if (a == ACQ_SMS) {
			if (!j->subscribed || !sms(j, chance(r, 500) ? "sms-flash-sale" : "weekend-promo",
						   "/c/espresso-machines"))
				continue;
		} else if (a == ACQ_EMAIL) {
			month_tag(j, mt, sizeof(mt));
			if (j->subscribed)
				snprintf(camp, sizeof(camp), "newsletter-%s", mt);
			else
				snprintf(camp, sizeof(camp), "%s", PICK(r, ((const char *const[]){ "spring-sale", "brewing-tips-digest", "home-barista-webinar" })));
			if (!email(j, j->subscribed ? "newsletter" : "crm", camp,
				   product_path(j, j->cart[0], buf, sizeof(buf)), 550, 300))
				continue;
		} else if (j->app && chance(r, 300)) {
			app_session(j, 1 + below(r, 5));
			continue;
		} else {
			visit(j, a, chance(r, 500) ? product_path(j, j->cart[0], buf, sizeof(buf)) : NULL);
		}
		browse(j, 1 + below(r, 4));
		if (chance(r, 70)) {
			soon(j, 20, 200);
			chat(j, PICK(r, ((const char *const[]){ "product_question", "availability", "pricing" })));
		}
		if (chance(r, 20)) {
			/* A spontaneous comment under one of the brand's posts,
			 * seen by its social listening tool. */
			later(j, 1, DP_WEB);
			l = begin(j, "social_mention");
			str(l, "network", PICK(r, ((const char *const[]){ "instagram", "x", "tiktok" })));
			str(l, "sentiment", PICK(r, ((const char *const[]){ "positive", "neutral", "question" })));
			end(j);
			if (chance(r, 500)) {
				soon(j, 900, 8 * 3600);
				l = begin(j, "comment_reply");
				str(l, "network", "instagram");
				end(j);
			}
		}
		if (chance(r, 50)) {
			page(j, "/ebooks/home-barista-guide");
			soon(j, 20, 120);
			l = begin(j, "ebook_download");
			str(l, "url", j->last_url);
			str(l, "asset", "home-barista-guide.pdf");
			end(j);
		}
		if (chance(r, 25)) {
			page(j, "/webinars/latte-art-live");
			soon(j, 20, 120);
			l = begin(j, "webinar_registration");
			str(l, "url", j->last_url);
			str(l, "webinar", "latte-art-live");
			end(j);
		}
		if (chance(r, 25)) {
			page(j, "/samples");
			soon(j, 20, 120);
			l = record(j, "sample_request", "web");
			str(l, "item", "single-origin-tasting-set");
			end(j);
		}
	}
	if (!chance(r, 600)) {
		winback(j, "browse-abandon-reminder");
		return;   /* dropped off after consideration */
	}

	/* 3. Preference: wish list, comparison, store, phone. */
	later(j, 2, DP_WEB);
	if (chance(r, 300)) {
		simple(j, "store_visit", "store");
		if (chance(r, 400)) {
			soon(j, 120, 900);
			simple(j, "in_store_demo", "store");
		}
	} else if (j->app && chance(r, 400)) {
		app_session(j, 2 + below(r, 3));
		l = begin(j, "add_to_wishlist");
		str(l, "platform", j->os[0] == 'i' ? "ios" : "android");
		str(l, "product_id", products[j->cart[0]].slug);
		app_context(j);
		end(j);
	} else {
		char buf[200];

		visit(j, chance(r, 500) ? ACQ_DIRECT : ACQ_ORGANIC, product_path(j, j->cart[0], buf, sizeof(buf)));
		if (chance(r, 350)) {
			soon(j, 10, 60);
			l = begin(j, "add_to_wishlist");
			str(l, "product_id", products[j->cart[0]].slug);
			str(l, "url", j->last_url);
			end(j);
			page(j, "/wishlist");
		}
		if (chance(r, 250))
			pagef(j, "/compare?items=%s,%s", products[j->cart[0]].slug,
			      products[(j->cart[0] + 3) % N(products)].slug);
		if (chance(r, 60))
			call(j, "pre_sales");
	}
	if (!chance(r, 700)) {
		winback(j, "winback-30d");
		return;   /* dropped off at preference */
	}

	/* 4. Intention: the cart, coupons, reminders. */
	{
		const char *coupon = NULL;
		char buf[200];
		unsigned k;

		if (chance(r, 150)) {
			later(j, 2, DP_WEB);
			coupon = "WELCOME10";
			if (chance(r, 500))
				email(j, "crm", "coupon-10-off", "/c/espresso-machines", 650, 300);
			else if (chance(r, 500))
				sms(j, "coupon-10-off", "/c/espresso-machines");
			else if (!push(j, "coupon-10-off")) {
				l = record(j, "coupon_issued", "web");
				str(l, "coupon", coupon);
				end(j);
			}
		}
		later(j, 1, DP_WEB);
		if (j->n_orders == 0 && chance(r, 200)) {
			/* Bought in the store right away. */
			simple(j, "store_visit", "store");
			new_order(j);
			soon(j, 300, 1800);
			purchase_record(j, "pos", j->order_cents, NULL);
			post_purchase(j, false);
			if (j->satisfaction >= 3 && chance(r, 500))
				loyalty(j);
			return;
		}
		if (chance(r, 60)) {
			call(j, "order");
			new_order(j);
			l = record(j, "purchase", "phone");
			str(l, "order_id", j->order);
			money(l, "value", j->order_cents);
			str(l, "currency", "EUR");
			end(j);
			post_purchase(j, true);
			if (j->satisfaction >= 3 && chance(r, 500))
				loyalty(j);
			return;
		}
		visit(j, chance(r, 600) ? ACQ_DIRECT : ACQ_PAID_SEARCH, product_path(j, j->cart[0], buf, sizeof(buf)));
		for (k = 0; k < j->n_cart; k++) {
			if (k)
				page(j, product_path(j, j->cart[k], buf, sizeof(buf)));
			soon(j, 5, 90);
			l = begin(j, "add_to_cart");
			str(l, "product_id", products[j->cart[k]].slug);
			money(l, "price", products[j->cart[k]].cents);
			integer(l, "quantity", 1);
			str(l, "url", j->last_url);
			web_context(j);
			end(j);
		}
		page(j, "/cart");
		if (chance(r, 400)) {
			/* Abandoned the cart: reminders. */
			bool back;

			later(j, 1, DP_WEB);
			back = email(j, "crm", "abandoned-cart-1h", "/cart", 500, 350);
			if (!back && chance(r, 300)) {
				soon(j, 3600, 24 * 3600);
				back = sms(j, "abandoned-cart-reminder", "/cart");
			}
			if (!back && chance(r, 300)) {
				later(j, 2, DP_WEB);
				visit(j, ACQ_REMARKETING_DISPLAY, "/cart");
				back = true;
			}
			if (!back && !chance(r, 200)) {
				winback(j, "winback-cart-30d");
				return;   /* dropped off at intention */
			}
			if (!back)
				visit(j, ACQ_DIRECT, "/cart");
		}
		/* 5. Sale. */
		checkout_online(j, coupon, false);
		post_purchase(j, true);
	}
	/* 6-7. Recommendation and loyalty. */
	if (j->satisfaction >= 3 && chance(r, 550))
		loyalty(j);
}

/* ------------------------------------------------------------------ */
/* The B2B journey: an account of several people.                       */

static void
person(struct journey *j, unsigned k)
{
	j->who = k < j->n_people ? k : j->n_people - 1;
	j->last_url[0] = '\0';
}

static void
meeting(struct journey *j, const char *type, const char *channel)
{
	struct line *l;

	later(j, 4, DP_OFFICE);
	l = record(j, "sales_meeting", channel);
	str(l, "meeting_type", type);
	integer(l, "attendees", (long)(1 + below(&j->r, j->n_people)));
	str(l, "sales_rep", PICK(&j->r, ((const char *const[]){ "ana.g", "luis.m", "marta.r" })));
	end(j);
}

static void
b2b_journey(struct journey *j)
{
	struct rng *r = &j->r;
	struct line *l;
	long contract;
	char buf[200];
	unsigned k;

	/* 1. Discovery: search, LinkedIn, a fair, a congress, the press. */
	j->t = j->t / 86400 * 86400 + time_of_day(r, DP_OFFICE);
	if (weekday(j->t) == 0 || weekday(j->t) == 6)
		j->t += (weekday(j->t) == 6 ? 2 : 1) * 86400;
	switch (below(r, 10)) {
	case 0:
	case 1:
		l = record(j, "event_attendance", "trade_fair");
		str(l, "format", "trade_fair");
		str(l, "event_name", "HostelCo Expo");
		end(j);
		if (chance(r, 500)) {
			soon(j, 600, 3600);
			l = record(j, "booth_visit", "trade_fair");
			str(l, "event_name", "HostelCo Expo");
			end(j);
		}
		later(j, 3, DP_OFFICE);
		visit(j, ACQ_DIRECT, "/business");
		break;
	case 2:
		l = record(j, "event_attendance", "conference");
		str(l, "format", "congress");
		str(l, "event_name", "Workplace Wellbeing Congress");
		end(j);
		later(j, 3, DP_OFFICE);
		visit(j, ACQ_ORGANIC, "/business");
		break;
	case 3:
	case 4:
		visit(j, ACQ_LINKEDIN_ADS, "/business/office-coffee");
		break;
	case 5:
		visit(j, ACQ_PRESS, "/business");
		break;
	case 6:
		visit(j, ACQ_REVIEW, "/business");
		break;
	case 7:
		visit(j, ACQ_SOCIAL_GROUP, "/blog/office-coffee-and-productivity");
		break;
	default:
		visit(j, chance(r, 600) ? ACQ_ORGANIC : ACQ_PAID_SEARCH, NULL);
		break;
	}
	browse(j, 1 + below(r, 3));
	if (chance(r, 400)) {
		snprintf(buf, sizeof(buf), "/case-studies/%s", PICK(r, b2b_cases));
		page(j, buf);
	}
	if (chance(r, 350)) {
		page(j, "/ebooks/office-coffee-guide");
		soon(j, 20, 200);
		l = begin(j, "ebook_download");
		str(l, "url", j->last_url);
		str(l, "asset", "office-coffee-guide.pdf");
		end(j);
		soon(j, 60, 900);
		email(j, "crm", "welcome-business", "/case-studies/coworking-madrid", 750, 300);
		j->subscribed = true;
	}
	if (!chance(r, 650))
		return;

	/* 2. Consideration: webinar, demo, first meeting, catalog. */
	if (chance(r, 400)) {
		later(j, 5, DP_OFFICE);
		email(j, "crm", "office-coffee-webinar", "/webinars/office-coffee-101", 600, 400);
		if (j->last_url[0] == '\0' || !strstr(j->last_url, "webinar"))
			visit(j, ACQ_DIRECT, "/webinars/office-coffee-101");
		soon(j, 30, 200);
		l = begin(j, "webinar_registration");
		str(l, "url", j->last_url);
		str(l, "webinar", "office-coffee-101");
		end(j);
		later(j, 6, DP_OFFICE);
		if (chance(r, 650)) {
			l = begin(j, "webinar_attended");
			str(l, "webinar", "office-coffee-101");
			integer(l, "minutes", (long)between(r, 10, 55));
			end(j);
		}
	}
	person(j, 1);
	later(j, 3, DP_OFFICE);
	visit(j, chance(r, 500) ? ACQ_ORGANIC : ACQ_REMARKETING_SOCIAL, "/business/office-coffee");
	snprintf(buf, sizeof(buf), "/case-studies/%s", PICK(r, b2b_cases));
	page(j, buf);
	if (chance(r, 200))
		page(j, "/testimonials");
	if (chance(r, 200)) {
		page(j, "/catalog-request");
		soon(j, 30, 200);
		l = record(j, "catalog_request", "web");
		str(l, "catalog", "business-2025");
		end(j);
	}
	if (chance(r, 700)) {
		page(j, "/demo");
		soon(j, 30, 300);
		l = begin(j, "demo_request");
		str(l, "url", j->last_url);
		str(l, "company_size", PICK(r, ((const char *const[]){ "10-49", "50-249", "250+" })));
		end(j);
		meeting(j, "discovery", "video_call");
		later(j, 5, DP_OFFICE);
		l = record(j, "demo", chance(r, 500) ? "field_sales" : "video_call");
		str(l, "product", "office-brewer-x2");
		end(j);
	} else {
		meeting(j, "intro", "video_call");
	}
	if (chance(r, 300)) {
		later(j, 3, DP_OFFICE);
		chat(j, "pricing");
	}
	if (!chance(r, 700))
		return;

	/* 3-4. Preference and intention: quote, trial, negotiation. */
	person(j, 0);
	later(j, 4, DP_OFFICE);
	visit(j, ACQ_DIRECT, "/quote");
	soon(j, 60, 600);
	l = record(j, "quote_request", "web");
	integer(l, "machines", (long)between(r, 1, 12));
	end(j);
	if (chance(r, 400)) {
		later(j, 5, DP_OFFICE);
		l = record(j, "trial_started", "sales_team");
		str(l, "product", "office-brewer-x2");
		integer(l, "trial_days", 14);
		end(j);
	}
	person(j, 2);
	meeting(j, "proposal", chance(r, 600) ? "video_call" : "sales_visit");
	later(j, 3, DP_OFFICE);
	l = record(j, "proposal_sent", "sales_team");
	contract = (long)between(r, 40, 600) * 10000;
	money(l, "value", contract);
	str(l, "currency", "EUR");
	end(j);
	if (chance(r, 600)) {
		person(j, 3);
		later(j, 5, DP_OFFICE);
		l = record(j, "negotiation", "sales_team");
		str(l, "topic", PICK(r, ((const char *const[]){ "price", "payment_terms", "service_level" })));
		end(j);
		contract -= contract / 20;
	}
	if (!chance(r, 620)) {
		if (chance(r, 300)) {
			later(j, 20, DP_OFFICE);
			email(j, "crm", "winback-quote-followup", "/business", 400, 200);
		}
		return;
	}

	/* 5. Sale. */
	person(j, 0);
	later(j, 6, DP_OFFICE);
	j->n_orders++;
	snprintf(j->order, sizeof(j->order), "ctr-%06u", j->index);
	j->order_cents = contract;
	l = record(j, "contract_signed", "sales_team");
	str(l, "contract_id", j->order);
	money(l, "value", contract);
	str(l, "currency", "EUR");
	integer(l, "term_months", 24);
	end(j);
	person(j, 3);
	soon(j, 3600, 8 * 3600);
	l = record(j, "invoice_sent", "billing");
	str(l, "contract_id", j->order);
	money(l, "value", contract / 24);
	end(j);

	/* 6. Follow-up: delivery, installation, support, survey, review. */
	later(j, 7, DP_OFFICE);
	l = record(j, "delivered", "courier");
	str(l, "contract_id", j->order);
	end(j);
	soon(j, 3600, 6 * 3600);
	l = record(j, "installation", "on_site");
	str(l, "contract_id", j->order);
	end(j);
	{
		static const unsigned w[] = { 3, 5, 12, 40, 40 };

		j->satisfaction = 1 + (int)weighted(r, w, N(w));
	}
	for (k = 1; k < j->n_people; k++) {
		if (chance(r, 300)) {
			person(j, k);
			later(j, 6, DP_OFFICE);
			call(j, chance(r, 500) ? "technical" : "billing");
		}
	}
	person(j, 0);
	later(j, 14, DP_OFFICE);
	email(j, "transactional", "nps-survey-business", NULL, 700, 0);
	if (chance(r, 550)) {
		soon(j, 600, 3 * 86400);
		l = record(j, "survey_response", "web");
		integer(l, "score", j->satisfaction);
		str(l, "survey", "csat");
		end(j);
	}
	if (chance(r, 200)) {
		later(j, 5, DP_OFFICE);
		l = record(j, "review_submitted", "review_site");
		integer(l, "score", j->satisfaction);
		str(l, "site", chance(r, 500) ? "g2.com" : "capterra.com");
		end(j);
	}
	person(j, 3);
	later(j, 30, DP_OFFICE);
	l = record(j, "invoice_sent", "billing");
	str(l, "contract_id", j->order);
	money(l, "value", contract / 24);
	end(j);

	/* 7. Loyalty: account review, offers, more machines. */
	if (j->satisfaction >= 4 && chance(r, 500)) {
		person(j, 0);
		meeting(j, "account_review", "sales_visit");
		later(j, 10, DP_OFFICE);
		email(j, "crm", "exclusive-business-offer", "/business/office-coffee", 550, 250);
		later(j, 10, DP_OFFICE);
		email(j, "newsletter", "business-newsletter", "/blog/office-coffee-and-productivity", 500, 150);
	}
}

/* ------------------------------------------------------------------ */

static void
journey_init(struct journey *j, uint64_t seed, unsigned index, int64_t start,
	     bool b2b, uint64_t *seq)
{
	struct rng *r = &j->r;
	unsigned k;

	memset(j, 0, sizeof(*j));
	rng_seed(r, seed, (uint64_t)index + 1);
	/* The first contact: on the arrival day, at an hour people browse. */
	j->t = start / 86400 * 86400 + time_of_day(r, DP_WEB);
	j->seq = seq;
	j->index = index;
	j->b2b = b2b;
	if (b2b) {
		snprintf(j->account, sizeof(j->account), "acct-%06u", index);
		j->n_people = 2 + below(r, 3);
		for (k = 0; k < j->n_people; k++)
			snprintf(j->people[k], sizeof(j->people[k]), "cus-%06u-%u", index, k + 1);
		j->os = chance(r, 500) ? "Windows" : "macOS";
		j->device = "desktop";
	} else {
		snprintf(j->people[0], sizeof(j->people[0]), "cus-%06u", index);
		j->n_people = 1;
		j->app = chance(r, 220);
		j->segment_attr = chance(r, 600) ? "b2c" : NULL;
		switch (below(r, 5)) {
		case 0:
		case 1:
			j->os = j->app ? "iOS" : PICK(r, ((const char *const[]){ "iOS", "Android" }));
			j->device = "mobile";
			break;
		case 2:
			j->os = "Android";
			j->device = "mobile";
			break;
		case 3:
			j->os = "Windows";
			j->device = chance(r, 900) ? "desktop" : "tablet";
			break;
		default:
			j->os = "macOS";
			j->device = "desktop";
			break;
		}
		if (j->app && strcmp(j->os, "iOS") && strcmp(j->os, "Android"))
			j->os = "Android";
	}
	j->locale = PICK(r, locales);
	j->context = chance(r, 450);
}

static void
journey_fini(struct journey *j)
{
	free(j->ev);
	free(j->l.p);
}

static int
usage(FILE *f, int status)
{
	fputs("Usage: touchpoint-gen [OPTION]...\n"
	      "Write realistic raw events of a simulated store as NDJSON on stdout,\n"
	      "sorted by time. The same seed and options give the same bytes.\n"
	      "\n"
	      "  --customers N   customers (B2C households and B2B accounts) to simulate\n"
	      "                  (default 1000; with --events, a minimum: more arrive\n"
	      "                  until N events are written)\n"
	      "  --events N      stop after exactly N events (lines)\n"
	      "  --seed S        random seed, an unsigned integer (default 1)\n"
	      "  --b2b-share F   share of B2B accounts among customers, 0 to 1\n"
	      "                  (default 0.15)\n"
	      "  --start DATE    first day, YYYY-MM-DD in UTC (default 2025-03-01)\n"
	      "  --days D        days over which customers arrive (default 90)\n"
	      "  -h, --help      show this help\n"
	      "\n"
	      "The events and attributes are described in docs/events.md.\n", f);
	return status;
}

static int
bad(const char *what, const char *arg)
{
	fprintf(stderr, "touchpoint-gen: %s, not '%s'\n"
		"Try 'touchpoint-gen --help'.\n", what, arg);
	return 2;
}

static bool
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* --name VALUE or --name=VALUE. */
static const char *
option(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc)
		return "";
	return argv[++*i];
}

/* Average events per customer, measured on long runs with the default
 * share of B2B accounts, to spread customers over --days when only
 * --events is given. */
#define EVENTS_PER_CUSTOMER 12

int
main(int argc, char **argv)
{
	uint64_t customers = 1000, events = 0, seed = 1, days = 90, v;
	bool have_customers = false, have_events = false;
	unsigned b2b_permille = 150;
	int64_t start = days_from_civil(2025, 3, 1) * 86400, next_arrival;
	struct rng arrivals;
	struct heap heap = { 0 };
	uint64_t seq = 0, written = 0, spacing, index = 0;
	static char outbuf[1 << 16];
	int i;

	for (i = 1; i < argc; i++) {
		const char *val;

		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return usage(stdout, 0);
		if ((val = option(argc, argv, &i, "--customers"))) {
			if (!parse_u64(val, 100000000, &customers) || customers == 0)
				return bad("--customers takes a positive integer", val);
			have_customers = true;
		} else if ((val = option(argc, argv, &i, "--events"))) {
			if (!parse_u64(val, UINT64_MAX / 2, &events))
				return bad("--events takes a non-negative integer", val);
			have_events = true;
		} else if ((val = option(argc, argv, &i, "--seed"))) {
			if (!parse_u64(val, UINT64_MAX, &seed))
				return bad("--seed takes an unsigned integer", val);
		} else if ((val = option(argc, argv, &i, "--b2b-share"))) {
			/* Parsed as a decimal fraction to permille, without
			 * floating point, so that "0.15" means the same
			 * everywhere. */
			const char *p = val;
			unsigned whole = 0, frac = 0, scale = 100;

			if (*p >= '0' && *p <= '1')
				whole = (unsigned)(*p++ - '0');
			else if (*p != '.')
				return bad("--b2b-share takes a number from 0 to 1", val);
			if (*p == '.') {
				p++;
				if (!*p)
					return bad("--b2b-share takes a number from 0 to 1", val);
				while (*p >= '0' && *p <= '9') {
					frac += (unsigned)(*p - '0') * scale;
					scale /= 10;
					p++;
				}
			}
			if (*p || whole * 1000 + frac > 1000)
				return bad("--b2b-share takes a number from 0 to 1", val);
			b2b_permille = whole * 1000 + frac;
		} else if ((val = option(argc, argv, &i, "--start"))) {
			if (!parse_date(val, &start))
				return bad("--start takes a date YYYY-MM-DD", val);
		} else if ((val = option(argc, argv, &i, "--days"))) {
			if (!parse_u64(val, 36500, &days) || days == 0)
				return bad("--days takes a positive integer (at most 36500)", val);
		} else {
			return bad("unknown argument", argv[i]);
		}
	}
	if (have_events && !have_customers) {
		customers = events / EVENTS_PER_CUSTOMER;
		if (customers == 0)
			customers = 1;
	}
	if (have_events && events == 0)
		return 0;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	rng_seed(&arrivals, seed, 0);
	spacing = days * 86400 / customers;
	if (spacing == 0)
		spacing = 1;
	next_arrival = start;
	for (;;) {
		struct journey j;
		int64_t floor_t;
		size_t k;
		bool more = have_events ? true : index < customers;

		/* Every event before the next customer's first day is final. */
		floor_t = more ? next_arrival / 86400 * 86400 : INT64_MAX;
		while (heap.n && heap.v[0].t < floor_t) {
			struct event e = heap_pop(&heap);

			if (!have_events || written < events) {
				fputs(e.line, stdout);
				written++;
			}
			free(e.line);
		}
		if (!more || (have_events && written >= events))
			break;
		journey_init(&j, seed, (unsigned)index, next_arrival,
			     below(&arrivals, 1000) < b2b_permille, &seq);
		if (j.b2b)
			b2b_journey(&j);
		else
			b2c_journey(&j);
		for (k = 0; k < j.n_ev; k++)
			heap_push(&heap, j.ev[k]);
		journey_fini(&j);
		index++;
		/* Exponential-ish gaps around the mean spacing. */
		v = (uint64_t)delay(&arrivals, (int64_t)spacing);
		next_arrival += (int64_t)v;
	}
	while (heap.n)
		free(heap_pop(&heap).line);
	free(heap.v);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("touchpoint-gen: write");
		return 1;
	}
	return 0;
}
