/* SPDX-License-Identifier: MIT */
/*
 * The event memo of a result: the outcome of classifying an event,
 * remembered by the values of the attributes the classifier reads.
 *
 * A classification is a function of the attributes in the classifier's
 * key slots (the url, the referrer, the utm_* attributes and whatever the
 * rule sets read, tpi_classifier's key_slots) and of the classifier's
 * configuration (its generation). Real traffic repeats itself: the same
 * landing pages, referrers and campaigns come back thousands of times, so
 * a result remembers the outcomes of the last events it classified, and
 * an event whose key slots hold the same bytes as a remembered one gets
 * that outcome without deriving anything or running a rule.
 *
 * An entry is a head with the outputs, then records of variable length: a
 * copy of the key (which key slots the event has, as a bit mask, then the
 * length and bytes of each, the url's first; first, so that the lines a
 * lookup compares follow the head), the names of the matching rules, the derived fields,
 * the labels and the bytes of derived values that lived in the result's
 * scratch space (decoded query parameters, a lowercased engine name). A
 * lookup asks for an entry's lines at once. Entries take 150 to 600
 * bytes; they are written one after the other into a log of memo_size KiB
 * used as a ring (an entry that would cross its end starts the next lap
 * at its beginning), so the log holds about twice memo_size entries, the
 * oldest giving way to the newest. An index of memo_size buckets of four
 * slots (hash, position in the log counted from the first byte ever
 * written) finds them; an entry is intact as long as less than a lap has
 * been written since it, which the position alone tells, and a bucket's
 * new slot takes the place of an empty, overwritten or else oldest one.
 *
 * Admission: most events seen for the first time are never seen again
 * (a landing url with a click id, a referrer with a search term), and
 * remembering them would cost time and push out outcomes that do come
 * back. So a key is remembered at its second sighting: its first only
 * sets a bit in a filter of 16 bits an entry, cleared whenever a
 * quarter of its bits have been set (a key seen once slips in with at
 * most that chance).
 *
 * A derived value that is a view into one of the attributes the
 * derivation reads (url, referrer, utm_*: always key slots) is
 * remembered as (slot, offset): restored, it points into the new event's
 * attribute, which holds the same bytes. Other derived values are views
 * into the scratch space (copied into the entry) or into memory that
 * lives as long as the classifier's generation (the rule sets, the
 * catalog, the referrer database, constants), remembered by address. An
 * event whose record does not fit an entry is not remembered. *
 * The url is keyed by what the derivation reads of it, unless a rule
 * reads the url itself: the part up to and including the '?' that starts
 * its query (scheme, host, path), then the query's utm_* parameters as
 * they are and the name of gclid (only its presence counts), in their
 * order, joined by '&'; the other parameters and the fragment are left
 * out (tpi_memo_key_url()). Click ids, session ids, product and search
 * parameters make most urls of a stream unique and change nothing the
 * derivation finds. A derived value in the url is remembered by its
 * offset in that key, and restored through the pieces of the new
 * event's url that the key is made of; an event whose derived value lies
 * in a part left out is not remembered.
 */
#include <stddef.h>
#include <string.h>

#include "classifier-private.h"
#include "util/hash.h"
#include "util/mem.h"

#define TPI_MEMO_BYTES 1024        /* of log for each event of memo_size */
#define TPI_MEMO_WAYS 4             /* slots in a bucket of the index */

/* A slot of the index: pos is the entry's position in the log plus one
 * (0: empty). */
struct tpi_memo_slot {
	uint64_t hash;
	uint64_t pos;
};

struct memo_head {
	uint64_t hash;
	uint32_t epoch;            /* valid when equal to the result's */
	uint32_t key_len;          /* bytes of the key copy */
	uint32_t extra_len;        /* bytes copied from the scratch space */
	int32_t channel, touchpoint, stage;
	int32_t referrer_medium;
	int8_t referrer_known, referrer_parent;
	uint8_t n_rules, n_derived, n_labels;
	uint8_t dims[TP_DIMENSION_LAST + 1];
	const char *rule;
};

enum { D_ABS, D_SLOT, D_URL, D_EXTRA };

/* Where a derived value lives: 16 bytes, the record an entry has most
 * of. */
struct memo_derived {
	union {
		const char *p;     /* D_ABS: the value */
		uint32_t off;      /* D_SLOT: in the attribute; D_URL: in the
				    * url's key; D_EXTRA: in the extra bytes */
	} at;
	uint32_t n;
	uint8_t field;
	uint8_t kind;
	uint16_t slot;
};

_Static_assert(sizeof(struct memo_derived) == 16, "a derived record is 16 bytes");

struct memo_label {
	const char *p;
	uint32_t n;
	uint32_t slot;
};

/* The derived fields that are the canonical attributes themselves:
 * restored from the event, never remembered. */
static bool
is_copy(int f)
{
	return f == TP_FIELD_CUSTOMER_ID || f == TP_FIELD_TIMESTAMP ||
	       f == TP_FIELD_EVENT || f == TP_FIELD_URL ||
	       f == TP_FIELD_REFERRER || f == TP_FIELD_VALUE ||
	       f == TP_FIELD_SCORE;
}

void
tpi_memo_copy_fields(tp_result *r)
{
	struct tpi_str *d = r->ev.derived;
	const struct tpi_str *a = r->attrs;

	d[TP_FIELD_CUSTOMER_ID] = a[TPI_C_CUSTOMER_ID];
	d[TP_FIELD_TIMESTAMP] = a[TPI_C_TIMESTAMP];
	d[TP_FIELD_EVENT] = a[TPI_C_EVENT];
	d[TP_FIELD_URL] = a[TPI_C_URL];
	d[TP_FIELD_REFERRER] = a[TPI_C_REFERRER];
	d[TP_FIELD_VALUE] = a[TPI_C_VALUE];
	d[TP_FIELD_SCORE] = a[TPI_C_SCORE];
}

void
tpi_memo_release(tp_result *r)
{
	tpi_free(r->memo_table);
	tpi_free(r->memo_index);
	tpi_free(r->memo_seen);
	tpi_free(r->refmemo);
	r->memo_table = NULL;
	r->memo_index = NULL;
	r->memo_seen = NULL;
	r->refmemo = NULL;
	r->memo_write = 0;
}

tp_status
tpi_memo_fit(tp_result *r)
{
	size_t n = r->memo_size;

	if (!n || r->memo_table)
		return TP_OK;
	/* calloc: pages are touched only as the log fills */
	r->memo_table = tpi_calloc(n, TPI_MEMO_BYTES);
	r->memo_index = tpi_calloc(n * TPI_MEMO_WAYS, sizeof(*r->memo_index));
	r->memo_seen = tpi_calloc((n * 16 + 63) / 64, sizeof(uint64_t));
	r->memo_seen_count = 0;
	r->memo_write = 0;
	if (!r->refmemo)
		r->refmemo = tpi_calloc(TPI_REFMEMO_SIZE, sizeof(*r->refmemo));
	if (!r->memo_table || !r->memo_index || !r->memo_seen || !r->refmemo) {
		tpi_memo_release(r);
		return TP_ENOMEM;
	}
	r->memo_epoch = 1;
	return TP_OK;
}

void
tpi_memo_forget(tp_result *r)
{
	/* Entries of older epochs are invalid; wrapping around to 0 (the
	 * epoch of never-written entries) clears the table instead. */
	if (++r->memo_epoch == 0) {
		if (r->memo_table)
			memset(r->memo_table, 0, r->memo_size * TPI_MEMO_BYTES);
		if (r->memo_index)
			memset(r->memo_index, 0, r->memo_size * TPI_MEMO_WAYS *
						 sizeof(*r->memo_index));
		r->memo_write = 0;
		if (r->refmemo)
			memset(r->refmemo, 0, TPI_REFMEMO_SIZE * sizeof(*r->refmemo));
		r->memo_epoch = 1;
	}
}

/*
 * The referrer memo's entry for the referrer p[0..n): *hit tells whether
 * it holds what the derivation found of it; otherwise the caller fills
 * it (key, hash and epoch are set here). NULL when there is no memo or
 * the referrer is too long to remember.
 */
struct tpi_refmemo *
tpi_refmemo_entry(tp_result *r, const char *p, size_t n, bool *hit)
{
	struct tpi_refmemo *e;
	uint64_t h;

	*hit = false;
	if (!r->refmemo || n > TPI_REFMEMO_KEY)
		return NULL;
	h = tpi_hash_str(p, n, TPI_K1);
	e = &r->refmemo[h & (TPI_REFMEMO_SIZE - 1)];
	if (e->epoch == r->memo_epoch && e->hash == h && e->len == n &&
	    memcmp(e->key, p, n) == 0) {
		*hit = true;
		return e;
	}
	memset(e, 0, offsetof(struct tpi_refmemo, term));
	e->hash = h;
	e->epoch = r->memo_epoch;
	e->len = (uint16_t)n;
	memcpy(e->key, p, n);
	return e;
}

/* Of the query parameter p[0..n), the bytes the url's key keeps: all
 * of a utm_* one, the name of gclid (only its presence counts), nothing
 * of the others. */
static inline size_t
param_keep(const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);

	switch (tpi_query_param(p, eq ? (size_t)(eq - p) : n)) {
	case TPI_QP_UTM:
		return n;
	case TPI_QP_GCLID:
		return 5;
	default:
		return 0;
	}
}

/*
 * The url's key: its part up to q, its '?' included, then the query's
 * parameters that param_keep() keeps, joined by '&'; and the pieces of
 * the url it is made of (runs of kept parameters next to each other in
 * the url are one piece). *changed: whether it differs from the url.
 */
tp_status
tpi_memo_key_query(tp_result *r, const char *q, bool *use, bool *changed)
{
	const struct tpi_str *u = &r->attrs[TPI_C_URL];
	struct tpi_url_piece *last = r->url_pieces;
	const char *hash;
	size_t end, i, n, k;
	bool first = true;

	/* As tpi_url_parse() splits the url: the first '#' ends the query,
	 * the first '?' before it starts it (no part before the path holds
	 * a '?'). A '#' before q: no query, the url as it is. */
	if (u->n > UINT32_MAX || memchr(u->p, '#', (size_t)(q - u->p)))
		return TP_OK;   /* (pieces count in 32 bits) */
	n = (size_t)(q - u->p) + 1;
	hash = memchr(q, '#', u->n - n + 1);
	end = hash ? (size_t)(hash - u->p) : u->n;
	last->raw = 0;
	last->key = 0;
	last->n = (uint32_t)n;
	r->n_url_pieces = 1;
	for (i = n; i < end;) {
		const char *amp = memchr(u->p + i, '&', end - i);
		size_t e = amp ? (size_t)(amp - u->p) : end;
		size_t keep = e > i ? param_keep(u->p + i, e - i) : 0;
		size_t sep = first ? 0 : 1;   /* the '&' before it in the key */

		if (keep) {
			if (i == (size_t)last->raw + last->n + sep) {
				/* next to the last piece in the url too */
				last->n += (uint32_t)(sep + keep);
			} else if (r->n_url_pieces == TPI_URL_PIECES) {
				*use = false;
				r->n_url_pieces = 0;
				return TP_OK;
			} else {
				last = &r->url_pieces[r->n_url_pieces++];
				last->raw = (uint32_t)i;
				last->key = (uint32_t)(n + sep);
				last->n = (uint32_t)keep;
			}
			n += sep + keep;
			first = false;
		}
		i = e + 1;
	}
	if (n == u->n) {
		/* nothing left out: the key is the url */
		r->n_url_pieces = 0;
		return TP_OK;
	}
	if (r->cap_key_url < n) {
		char *b = tpi_malloc(u->n);

		if (!b)
			return TP_ENOMEM;
		tpi_free(r->key_url);
		r->key_url = b;
		r->cap_key_url = u->n;
	}
	for (k = 0; k < r->n_url_pieces; k++) {
		const struct tpi_url_piece *pc = &r->url_pieces[k];

		if (pc->key > 0 && (k == 0 || pc->key > r->url_pieces[k - 1].key +
						 r->url_pieces[k - 1].n))
			r->key_url[pc->key - 1] = '&';
		memcpy(r->key_url + pc->key, u->p + pc->raw, pc->n);
	}
	r->memo_url.p = r->key_url;
	r->memo_url.n = n;
	*changed = true;
	return TP_OK;
}

/* The bytes the key holds of the attribute at key position k. */
static inline const struct tpi_str *
key_value(const tp_classifier *c, const tp_result *r, unsigned k)
{
	uint16_t slot = c->key_slots[k];

	return slot == TPI_C_URL ? &r->memo_url : &r->attrs[slot];
}

/* The offset in the url's key of url[off, off + n), or false when it is
 * not within one piece the key keeps. */
static bool
url_to_key(const tp_result *r, size_t off, size_t n, uint32_t *out)
{
	size_t i;

	if (!r->n_url_pieces) {
		*out = (uint32_t)off;
		return true;
	}
	for (i = 0; i < r->n_url_pieces; i++) {
		const struct tpi_url_piece *pc = &r->url_pieces[i];

		if (off >= pc->raw && off + n <= (size_t)pc->raw + pc->n) {
			*out = (uint32_t)(pc->key + (off - pc->raw));
			return true;
		}
	}
	return false;
}

/* The offset in the url of key[off, off + n): the inverse of
 * url_to_key() for an event whose url has the same key. */
static size_t
key_to_url(const tp_result *r, size_t off, size_t n)
{
	size_t i;

	for (i = 0; i < r->n_url_pieces; i++) {
		const struct tpi_url_piece *pc = &r->url_pieces[i];

		if (off >= pc->key && off + n <= (size_t)pc->key + pc->n)
			return pc->raw + (off - pc->key);
	}
	return off;
}

uint64_t
tpi_memo_hash(const tp_classifier *c, const tp_result *r)
{
	uint64_t m = r->memo_present, h = tpi_mum(m ^ TPI_K3, TPI_K2);

	/* the url first: its key is r->memo_url, not the attribute */
	if (m & c->url_kbit) {
		h = tpi_hash_str(r->memo_url.p, r->memo_url.n, h ^ TPI_K0);
		m &= ~c->url_kbit;
	}
	while (m) {
		unsigned k = (unsigned)__builtin_ctzll(m);
		const struct tpi_str *v = &r->attrs[c->key_slots[k]];

		m &= m - 1;
		h = tpi_hash_str(v->p, v->n, h ^ k);
	}
	return h;
}

/* Bytes of the log: a power of two. */
static inline uint64_t
log_bytes(const tp_result *r)
{
	return (uint64_t)r->memo_size * TPI_MEMO_BYTES;
}

/* Whether the entry written at position pos is intact: less than a lap
 * written since. */
static inline bool
intact(const tp_result *r, uint64_t pos)
{
	return r->memo_write - pos <= log_bytes(r);
}

static inline struct memo_head *
entry_at(const tp_result *r, uint64_t pos)
{
	return (struct memo_head *)(void *)(r->memo_table +
					    (pos & (log_bytes(r) - 1)));
}

static inline struct tpi_memo_slot *
bucket(const tp_result *r, uint64_t h)
{
	return &r->memo_index[(size_t)(h & (r->memo_size - 1)) * TPI_MEMO_WAYS];
}

/*
 * Ask for the cache lines of an entry at once: the head, the key that
 * follows it and the records that restore() reads lie in three to ten
 * lines, which would otherwise come from memory one after the other,
 * each waiting for the one before; the first eight are asked for (most
 * entries are shorter). A prefetch never faults; the lines past a short
 * entry are the next entry's, or past the end of the log.
 */
#define TPI_MEMO_PREFETCH 512

static inline void
prefetch_entry(const struct memo_head *e)
{
	const char *q = (const char *)e;
	size_t k;

	for (k = 0; k < TPI_MEMO_PREFETCH; k += 64)
		__builtin_prefetch(q + k);
}

/* The parts of an entry's record. */
struct parts {
	const char **rules;
	struct memo_derived *derived;
	struct memo_label *labels;
	char *key;
	char *extra;
};

/* A key copy's bytes rounded up to the alignment of what follows it. */
static inline size_t
key_room(size_t key_len)
{
	return (key_len + 7) & ~(size_t)7;
}

static void
parts_of(struct memo_head *e, struct parts *p)
{
	char *q = (char *)(e + 1);

	p->key = q;
	q += key_room(e->key_len);
	p->rules = (const char **)(void *)q;
	q += e->n_rules * sizeof(*p->rules);
	p->derived = (struct memo_derived *)(void *)q;
	q += e->n_derived * sizeof(*p->derived);
	p->labels = (struct memo_label *)(void *)q;
	q += e->n_labels * sizeof(*p->labels);
	p->extra = q;
}

/* Whether the part of a key copy at *q (its length, then its bytes)
 * holds v; *q moves past it. */
static inline bool
part_equal(const char **q, const char *end, const struct tpi_str *v)
{
	uint32_t n;

	memcpy(&n, *q, 4);
	*q += 4;
	if (n != v->n || (size_t)(end - *q) < n || !tpi_bytes_eq(*q, v->p, n))
		return false;
	*q += n;
	return true;
}

/* Whether the key copy at key holds the event's key slots (the url's
 * key first, then the others by position, as tpi_memo_hash() takes
 * them). */
static bool
key_equal(const tp_classifier *c, const tp_result *r, const char *key,
	  uint32_t key_len)
{
	const char *q = key + 8, *end = key + key_len;
	uint64_t m;

	memcpy(&m, key, 8);
	if (m != r->memo_present)
		return false;
	if (m & c->url_kbit) {
		if (!part_equal(&q, end, &r->memo_url))
			return false;
		m &= ~c->url_kbit;
	}
	while (m) {
		unsigned k = (unsigned)__builtin_ctzll(m);

		m &= m - 1;
		if (!part_equal(&q, end, &r->attrs[c->key_slots[k]]))
			return false;
	}
	return true;
}

static void
restore(tp_result *r, struct memo_head *e)
{
	struct tpi_eval *ev = &r->ev;
	struct parts p;
	size_t i;

	parts_of(e, &p);
	ev->channel = e->channel;
	ev->touchpoint = e->touchpoint;
	ev->stage = e->stage;
	memcpy(ev->dims, e->dims, sizeof(ev->dims));
	ev->rule = e->rule;
	ev->n_rules = e->n_rules;
	for (i = 0; i < e->n_rules; i++)
		ev->rules[i] = p.rules[i];
	r->referrer_known = e->referrer_known;
	r->referrer_parent = e->referrer_parent;
	r->referrer_medium = (tp_referrer_medium)e->referrer_medium;
	tpi_memo_copy_fields(r);
	for (i = 0; i < e->n_derived; i++) {
		const struct memo_derived *d = &p.derived[i];
		struct tpi_str *out = &ev->derived[d->field];

		out->n = d->n;
		if (d->kind == D_ABS)
			out->p = d->at.p;
		else if (d->kind == D_SLOT)
			out->p = r->attrs[d->slot].p + d->at.off;
		else if (d->kind == D_URL)
			out->p = r->attrs[TPI_C_URL].p +
				 key_to_url(r, d->at.off, d->n);
		else
			out->p = p.extra + d->at.off;
	}
	for (i = 0; i < e->n_labels; i++) {
		r->labels[p.labels[i].slot].p = p.labels[i].p;
		r->labels[p.labels[i].slot].n = p.labels[i].n;
	}
}

void
tpi_memo_prefetch(const tp_result *r, uint64_t h)
{
	__builtin_prefetch(bucket(r, h));
}

bool
tpi_memo_lookup(const tp_classifier *c, tp_result *r, uint64_t h)
{
	struct tpi_memo_slot *b = bucket(r, h);
	size_t w;

	for (w = 0; w < TPI_MEMO_WAYS; w++) {
		struct memo_head *e;
		struct parts p;

		if (b[w].hash != h || !b[w].pos || !intact(r, b[w].pos - 1))
			continue;
		e = entry_at(r, b[w].pos - 1);
		prefetch_entry(e);
		if (e->epoch != r->memo_epoch || e->hash != h)
			continue;
		parts_of(e, &p);
		if (key_equal(c, r, p.key, e->key_len)) {
			restore(r, e);
			return true;
		}
	}
	return false;
}

/* Whether [p, p + n) lies within [base, base + len]. */
static inline bool
within(const char *p, size_t n, const char *base, size_t len)
{
	return p >= base && p + n <= base + len;
}

void
tpi_memo_store(const tp_classifier *c, tp_result *r, uint64_t h)
{
	const struct tpi_eval *ev = &r->ev;
	struct tpi_memo_slot *b = bucket(r, h);
	struct memo_head *e;
	struct memo_head head;
	struct parts p;
	struct memo_derived dv[TPI_FIELD_COUNT];
	const char *xsrc[TPI_FIELD_COUNT];   /* D_EXTRA: the value to copy */
	struct memo_label lb[UINT8_MAX];
	static const uint16_t derive_reads[] = {
		TPI_C_URL, TPI_C_REFERRER, TPI_C_UTM_SOURCE, TPI_C_UTM_MEDIUM,
		TPI_C_UTM_CAMPAIGN, TPI_C_UTM_CONTENT, TPI_C_UTM_TERM,
	};
	uint8_t key[64];   /* positions of the key slots the event has */
	uint16_t src[7];
	size_t n_key = 0, n_src = 0;
	size_t n_dv = 0, n_lb = 0, key_len = 8, extra_len = 0, need, i, k;
	size_t victim = 0;
	uint64_t m, pos, lap = log_bytes(r), off;
	char *q;

	if (ev->n_rules > UINT8_MAX)
		return;
	{
		/* the first sighting of a key only marks it (admission) */
		size_t bits = r->memo_size * 16;
		size_t bit = (size_t)(h >> 32) & (bits - 1);
		uint64_t *word = &r->memo_seen[bit / 64];
		uint64_t flag = (uint64_t)1 << (bit % 64);

		if (!(*word & flag)) {
			*word |= flag;
			if (++r->memo_seen_count >= bits / 4) {
				memset(r->memo_seen, 0, (bits + 63) / 64 * 8);
				r->memo_seen_count = 0;
			}
			return;
		}
	}
	/* The key attributes the event has, and those of them the
	 * derivation read: the only attributes derived values view. */
	m = r->memo_present;
	if (m & c->url_kbit) {
		key[n_key++] = c->key_pos[TPI_C_URL];
		m &= ~c->url_kbit;
	}
	for (; m; m &= m - 1)
		key[n_key++] = (uint8_t)__builtin_ctzll(m);
	for (i = 0; i < sizeof(derive_reads) / sizeof(derive_reads[0]); i++)
		if (r->attrs[derive_reads[i]].p)
			src[n_src++] = derive_reads[i];
	/* The derived fields: where each value lives. */
	for (i = 1; i < TPI_FIELD_COUNT; i++) {
		const struct tpi_str *v = &ev->derived[i];
		struct memo_derived *d = &dv[n_dv];
		bool placed = false;

		if (!v->p || is_copy((int)i))
			continue;
		memset(d, 0, sizeof(*d));
		d->field = (uint8_t)i;
		d->n = (uint32_t)v->n;
		for (k = 0; k < n_src && !placed; k++) {
			const struct tpi_str *a = &r->attrs[src[k]];

			if (within(v->p, v->n, a->p, a->n)) {
				d->kind = D_SLOT;
				d->slot = src[k];
				d->at.off = (uint32_t)(v->p - a->p);
				/* in the url: by its offset in the url's key,
				 * which must hold it */
				if (src[k] == TPI_C_URL) {
					d->kind = D_URL;
					if (!url_to_key(r, d->at.off, v->n, &d->at.off))
						return;
				}
				placed = true;
			}
		}
		if (!placed && r->scratch &&
		    within(v->p, v->n, r->scratch, r->cap_scratch)) {
			d->kind = D_EXTRA;
			d->at.off = (uint32_t)extra_len;
			xsrc[n_dv] = v->p;   /* copied below */
			extra_len += v->n;
			placed = true;
		}
		if (!placed) {
			d->kind = D_ABS;
			d->at.p = v->p;
		}
		n_dv++;
	}
	for (i = 0; i < c->n_labels; i++) {
		if (!r->labels[i].p)
			continue;
		if (n_lb == sizeof(lb) / sizeof(lb[0]))
			return;
		lb[n_lb].p = r->labels[i].p;
		lb[n_lb].n = (uint32_t)r->labels[i].n;
		lb[n_lb].slot = (uint32_t)i;
		n_lb++;
	}
	for (k = 0; k < n_key; k++)
		key_len += 4 + key_value(c, r, key[k])->n;
	need = sizeof(head) + key_room(key_len) +
	       ev->n_rules * sizeof(const char *) +
	       n_dv * sizeof(struct memo_derived) +
	       n_lb * sizeof(struct memo_label) + extra_len;
	need = (need + 7) & ~(size_t)7;
	if (need > lap / 2)
		return;
	/* Where it goes: on at the end of the log, or at the start of the
	 * next lap when it would cross the end. */
	off = r->memo_write & (lap - 1);
	if (off + need > lap)
		r->memo_write += lap - off;
	pos = r->memo_write;
	e = entry_at(r, pos);
	r->memo_write += need;

	memset(&head, 0, sizeof(head));
	head.hash = h;
	head.epoch = r->memo_epoch;
	head.key_len = (uint32_t)key_len;
	head.extra_len = (uint32_t)extra_len;
	head.channel = ev->channel;
	head.touchpoint = ev->touchpoint;
	head.stage = ev->stage;
	head.referrer_medium = (int32_t)r->referrer_medium;
	head.referrer_known = (int8_t)r->referrer_known;
	head.referrer_parent = (int8_t)r->referrer_parent;
	head.n_rules = (uint8_t)ev->n_rules;
	head.n_derived = (uint8_t)n_dv;
	head.n_labels = (uint8_t)n_lb;
	memcpy(head.dims, ev->dims, sizeof(head.dims));
	head.rule = ev->rule;

	/* Written in place: what it copies (the attributes, the scratch
	 * space, constants) never lies in the memo on a miss. */
	memcpy(e, &head, sizeof(head));
	parts_of(e, &p);
	for (i = 0; i < ev->n_rules; i++)
		p.rules[i] = ev->rules[i];
	for (i = 0; i < n_lb; i++)
		p.labels[i] = lb[i];
	q = p.key;
	memcpy(q, &r->memo_present, 8);
	q += 8;
	for (k = 0; k < n_key; k++) {
		const struct tpi_str *a = key_value(c, r, key[k]);
		uint32_t n = (uint32_t)a->n;

		memcpy(q, &n, 4);
		memcpy(q + 4, a->p, a->n);
		q += 4 + a->n;
	}
	for (i = 0; i < n_dv; i++) {
		if (dv[i].kind == D_EXTRA)
			memcpy(p.extra + dv[i].at.off, xsrc[i], dv[i].n);
		p.derived[i] = dv[i];
	}
	/* Its slot: an empty or overwritten one, else the oldest. */
	for (i = 0; i < TPI_MEMO_WAYS; i++) {
		if (!b[i].pos || !intact(r, b[i].pos - 1)) {
			victim = i;
			break;
		}
		if (b[i].pos < b[victim].pos)
			victim = i;
	}
	b[victim].hash = h;
	b[victim].pos = pos + 1;
}
