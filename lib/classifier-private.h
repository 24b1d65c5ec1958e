/* SPDX-License-Identifier: MIT */
/* Internal: the classifier and its result (classifier.c, result.c). */
#ifndef TP_CLASSIFIER_PRIVATE_H
#define TP_CLASSIFIER_PRIVATE_H

#include <stdint.h>
#include <string.h>

#include "touchpoint/classifier.h"
#include "rules/rules-private.h"
#include "util/hash.h"
#include "util/strmap.h"
#include "util/text.h"

/* The canonical attributes a field map can rename (event.h). */
enum tpi_canon {
	TPI_C_CUSTOMER_ID, TPI_C_TIMESTAMP, TPI_C_EVENT, TPI_C_URL,
	TPI_C_REFERRER, TPI_C_UTM_SOURCE, TPI_C_UTM_MEDIUM, TPI_C_UTM_CAMPAIGN,
	TPI_C_UTM_CONTENT, TPI_C_UTM_TERM, TPI_C_VALUE, TPI_C_SCORE,
	TPI_C_CHANNEL, TPI_C_COUNT
};

/*
 * The attribute names of up to 16 bytes, for the lookup of every
 * attribute of every event: a name is determined by its length and its
 * first and last 8 (or 4) bytes (tpi_short_words), so a lookup compares
 * two words. Open addressing, at most a quarter full; longer names are
 * found in attr_ids.
 */
struct tpi_name_slot {
	uint64_t a, b;
	uint32_t len;      /* 0 = empty */
	uint32_t slot;
};

struct tp_classifier {
	tp_catalog *catalog;
	tp_refdb *refdb;
	tp_ruleset **rulesets;
	size_t n_rulesets;
	struct tpi_rules_link *links;   /* one per rule set */
	uint16_t **link_tables;         /* their arrays (2 per rule set) */
	/* Attribute slots: canonical ones first (0 .. TPI_C_COUNT-1), then
	 * the names the rule sets read. */
	char **attr_names;
	size_t n_attrs, cap_attrs;
	struct tpi_strmap attr_ids;
	struct tpi_name_slot *short_names;
	size_t short_mask;
	size_t long_names;                /* names over 16 bytes */
	char *canon_names[TPI_C_COUNT];   /* the caller's names */
	/* Label slots. */
	char **label_names;
	size_t n_labels, cap_labels;
	struct tpi_strmap label_ids;
	size_t max_atoms;
	size_t n_gcache;                  /* group cache entries, all rule sets */
	unsigned long generation;         /* bumped by every relink */
	/* The attribute slots a classification reads (the event memo's
	 * key, memo.c), ascending, and the position of each slot among
	 * them (0xff: not read). The memo serves classifiers that read at
	 * most 64 slots. */
	uint16_t *key_slots;
	size_t n_key_slots;
	uint8_t *key_pos;
	/* A rule set reads the url attribute itself: the memo keys the
	 * whole url, not only what the derivation reads of it (memo.c). */
	bool url_read;
	uint64_t url_kbit;                /* the url's bit among key_pos */
	char **internal;                  /* internal domains */
	size_t n_internal, cap_internal;
};

struct tpi_memo_slot;       /* memo.c */

/* A piece of the url that the memo's key of it keeps (memo.c): n bytes
 * at raw in the url, at key in the key. */
struct tpi_url_piece {
	uint32_t raw, key, n;
};

#define TPI_URL_PIECES 10

struct tp_result {
	const tp_classifier *classifier;   /* of the last classification */
	const tp_attr *raw;                /* the caller's attributes */
	size_t n_raw;
	struct tpi_eval ev;
	struct tpi_str *attrs;             /* n_attrs slots */
	size_t cap_attrs;
	struct tpi_str *labels;            /* n_labels slots */
	size_t cap_labels;
	uint32_t *memo;
	size_t cap_memo;
	struct tpi_gcache_entry *gcache;   /* classifier->n_gcache entries */
	size_t cap_gcache;                 /* in entries */
	unsigned long generation;          /* of the classifier it was filled for */
	char *scratch;                     /* decoded url parameters, term */
	size_t cap_scratch;
	int referrer_known;
	int referrer_parent;               /* known through a parent domain */
	tp_referrer_medium referrer_medium;
	pcre2_general_context *gctx;
	/* The event memo (memo.c): a log of memo_size KiB (memo_size a
	 * power of two, at least 2; 0 = off) and an index of memo_size
	 * buckets, allocated at the first classification. */
	char *memo_table;                  /* the log */
	struct tpi_memo_slot *memo_index;  /* 4 slots a bucket */
	uint64_t memo_write;               /* bytes written to the log, laps included */
	uint64_t *memo_seen;               /* 16 bits a bucket: keys seen once */
	size_t memo_seen_count;            /* bits set since the last clearing */
	size_t memo_size;
	uint32_t memo_epoch;
	uint64_t memo_present;             /* key slots the event has, by position */
	/* The event's url as the memo keys it (tpi_memo_key_url()): a view
	 * of the url, or of key_url, made of url_pieces pieces of it (0:
	 * the url itself). */
	struct tpi_str memo_url;
	char *key_url;
	size_t cap_key_url;
	struct tpi_url_piece url_pieces[TPI_URL_PIECES];
	size_t n_url_pieces;
	struct tpi_refmemo *refmemo;       /* TPI_REFMEMO_SIZE entries, with the memo */
};

static inline uint32_t
tpi_name_index(uint64_t a, uint64_t b, size_t len)
{
	return (uint32_t)tpi_mum(a ^ TPI_K1, b ^ (TPI_K0 * len));
}

/* The slot of the attribute named p[0..n), or false. */
static inline bool
tpi_attr_slot(const tp_classifier *c, const char *p, size_t n, uint32_t *slot)
{
	uint64_t a, b;
	size_t j;

	if (n > 16 || n == 0)
		return c->long_names && tpi_strmap_get(&c->attr_ids, p, n, slot);
	tpi_short_words(p, n, &a, &b);
	for (j = tpi_name_index(a, b, n) & c->short_mask;
	     c->short_names[j].len; j = (j + 1) & c->short_mask) {
		const struct tpi_name_slot *s = &c->short_names[j];

		if (s->len == n && s->a == a && s->b == b) {
			*slot = s->slot;
			return true;
		}
	}
	return false;
}

/*
 * The referrer memo (memo.c): what the derivation found of a referrer
 * url, by its bytes, for the events the event memo misses (the same
 * referrers come with ever new pages). Offsets are into the referrer.
 */
#define TPI_REFMEMO_SIZE 512
#define TPI_REFMEMO_KEY 200
#define TPI_REFMEMO_TERM 120

struct tpi_refmemo {
	uint64_t hash;
	uint32_t epoch;                /* valid when equal to the result's memo_epoch */
	uint16_t len;
	bool has_host;                 /* parsed, with a host */
	bool looked_up;                /* the database was asked (not internal) */
	uint16_t host_off, host_len;   /* the url's host */
	uint16_t rhost_off, rhost_len; /* the referrer_host field */
	int known, parent;
	tp_referrer_medium medium;
	const char *source;            /* the database's */
	size_t source_len;
	uint16_t term_len;
	char term[TPI_REFMEMO_TERM];
	char key[TPI_REFMEMO_KEY];
};

struct tpi_refmemo *tpi_refmemo_entry(tp_result *r, const char *p, size_t n,
				      bool *hit);

/* The event memo (memo.c). */
#define TPI_MEMO_DEFAULT 8192
tp_status tpi_memo_fit(tp_result *r);
/* Free the memos' memory (the size setting stays). */
void tpi_memo_release(tp_result *r);
void tpi_memo_forget(tp_result *r);
/*
 * What the derivation reads of a query parameter named p[0..n) (its
 * name, before any '='): scan_query() in result.c takes the utm_* ones
 * and gclid's presence; the memo's key of a url keeps just those
 * (memo.c). Case-insensitive.
 */
enum tpi_query_param { TPI_QP_OTHER, TPI_QP_UTM, TPI_QP_GCLID };

static inline enum tpi_query_param
tpi_query_param(const char *p, size_t n)
{
	if (n > 4 && tpi_memcaseeq(p, 4, "utm_", 4))
		return TPI_QP_UTM;
	if (n == 5 && tpi_memcaseeq(p, 5, "gclid", 5))
		return TPI_QP_GCLID;
	return TPI_QP_OTHER;
}

/* The url's key when its query starts at q (memo.c). */
tp_status tpi_memo_key_query(tp_result *r, const char *q, bool *use,
			     bool *changed);

/*
 * Key the url by what the derivation reads of it (memo.c): r->memo_url
 * becomes the url's key and *changed true when that differs from the
 * url (a lookup by the url itself missed: the caller tries again with
 * the key). *use is false when the memo must sit the event out (a url
 * with more parameters than its key has pieces for).
 */
static inline tp_status
tpi_memo_key_url(const tp_classifier *c, tp_result *r, bool *use,
		 bool *changed)
{
	const struct tpi_str *u = &r->attrs[TPI_C_URL];
	const char *q;

	*changed = false;
	if (c->url_read || !u->p || !(q = memchr(u->p, '?', u->n)))
		return TP_OK;
	return tpi_memo_key_query(r, q, use, changed);
}

uint64_t tpi_memo_hash(const tp_classifier *c, const tp_result *r);
/* Ask for the index bucket of a hash ahead of tpi_memo_lookup(). */
void tpi_memo_prefetch(const tp_result *r, uint64_t hash);
bool tpi_memo_lookup(const tp_classifier *c, tp_result *r, uint64_t hash);
void tpi_memo_store(const tp_classifier *c, tp_result *r, uint64_t hash);
/* The derived fields that copy canonical attributes. */
void tpi_memo_copy_fields(tp_result *r);

#endif
