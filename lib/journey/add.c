/* SPDX-License-Identifier: MIT */
/*
 * Adding events to the journey store (journey.h): each touch is checked,
 * its classification interned as a kind and its customer as a number,
 * and a record appended to the columnar log in chunks.
 *
 * A kind is found by its numbers and the string ids of its fields. A
 * field's id comes from a small cache of the field's short strings,
 * keyed by their content (exact: the words of a string of up to 16 bytes
 * and its length determine it), else from the string pool. Each event
 * then costs a few compares and one lookup among the kinds, by integers.
 *
 * tp_journey_store_add_batch() goes in blocks: it checks a block of
 * touches and hashes their kinds and customers, fetches the table slots
 * (and the customers' ids) of the whole block at once, then adds the
 * touches, so that finding one of tens of thousands of kinds or of a
 * million customers seldom waits for memory.
 */
#include <math.h>
#include <string.h>

#include "catalog-private.h"
#include "journey/journey-private.h"
#include "util/error.h"
#include "util/export.h"
#include "util/mem.h"

/* Years 1 to 9999, as tp_timestamp_parse() accepts them. */
#define TS_MIN INT64_C(-62135596800000)
#define TS_MAX INT64_C(253402300799999)

#define NO_ID UINT32_MAX

/* A touch checked and prepared for the store: its classification (the
 * kind, before interning), the string ids of its fields and its hash. */
struct probe {
	const tp_touch *t;
	struct tpi_pstr str[TPI_NSTR];  /* event, channel group, ... */
	uint32_t id[TPI_NSTR];          /* their ids, NO_ID when new */
	const struct tpi_pstr *keep;    /* the kept attributes */
	uint32_t *keep_id;              /* their ids */
	int32_t touchpoint, channel, stage;
	uint8_t phase;
	bool known;                     /* every string has an id */
	bool same;                      /* the customer of the touch before */
	uint32_t hash;                  /* of the kind, when known */
	uint32_t cust_hash;             /* of the customer, unless same */
};

static tp_status
touch_fault(tp_error *err, const char *what)
{
	return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL, "touch: %s", what);
}

static tp_status
string_fault(tp_error *err, const char *what)
{
	return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
			 "touch: %s contains a NUL byte", what);
}

/* ---- string ids ---- */

/* The id of a string of the pool, or NO_ID. */
static uint32_t
pool_id(const struct tp_journey_store *s, const struct tpi_pstr *v)
{
	uint32_t id;

	return tpi_strpool_find(&s->strings, v->s, v->len, &id) ? id : NO_ID;
}

/* The id of a field's string, through the field's cache. Always inlined:
 * it runs five times an event. */
static inline __attribute__((always_inline)) uint32_t
field_id(struct tp_journey_store *s, size_t field, const struct tpi_pstr *v)
{
	struct tpi_scache *e;
	uint64_t a, b;
	uint32_t id;

	if (!v->len)
		return 0;
	if (v->len > 16)
		return pool_id(s, v);
	tpi_short_words(v->s, v->len, &a, &b);
	/* The multiplication carries every bit up to the top ones: b is
	 * rotated so that its last bytes, often the distinctive ones
	 * (spring_01, spring_02), are not shifted out. */
	e = &s->str_cache[field][((a ^ (b << 32 | b >> 32)) + v->len) *
				 TPI_K0 >> (64 - TPI_SCACHE_BITS)];
	if (e->a == a && e->b == b && e->len == v->len)
		return e->id;
	id = pool_id(s, v);
	if (id != NO_ID) {
		e->a = a;
		e->b = b;
		e->len = (uint32_t)v->len;
		e->id = id;
	}
	return id;
}

_Static_assert(TPI_NSTR == 5, "lookup_ids() names the five strings");

/* Fill the ids of a probe's strings and, when they are all known, the
 * kind's hash. Always inlined in prepare(). */
static inline __attribute__((always_inline)) void
lookup_ids(struct tp_journey_store *s, struct probe *p)
{
	uint64_t h;
	size_t i;

	p->id[0] = field_id(s, 0, &p->str[0]);
	p->id[1] = field_id(s, 1, &p->str[1]);
	p->id[2] = field_id(s, 2, &p->str[2]);
	p->id[3] = field_id(s, 3, &p->str[3]);
	p->id[4] = field_id(s, 4, &p->str[4]);
	p->known = (p->id[0] != NO_ID) & (p->id[1] != NO_ID) &
		   (p->id[2] != NO_ID) & (p->id[3] != NO_ID) &
		   (p->id[4] != NO_ID);
	for (i = 0; i < s->n_keep; i++) {
		p->keep_id[i] = pool_id(s, &p->keep[i]);
		if (p->keep_id[i] == NO_ID)
			p->known = false;
	}
	if (!p->known)
		return;
	h = tpi_mum(((uint64_t)p->id[0] << 32 | p->id[1]) ^ TPI_K0,
		    ((uint64_t)p->id[2] << 32 | p->id[3]) ^ TPI_K1);
	h ^= tpi_mum(((uint64_t)p->id[4] << 32 | (uint32_t)p->touchpoint) ^ TPI_K2,
		     ((uint64_t)(uint32_t)p->channel << 32 | (uint32_t)p->stage) ^
		     (TPI_K3 + p->phase));
	for (i = 0; i < s->n_keep; i++)
		h ^= tpi_mum(p->keep_id[i] ^ TPI_K1, TPI_K2 + i);
	p->hash = tpi_hash_final(h);
}

/* ---- prepare ---- */

/* Check a touch and fill its probe (keep, keep_id: room for the kept
 * attributes). Changes nothing in the store but the string caches. A
 * string of the probe is NULL only when empty. */
static tp_status
prepare(struct tp_journey_store *s, const tp_touch *t, struct probe *p,
	struct tpi_pstr *keep, uint32_t *keep_id, tp_error *err)
{
	const struct tpi_catalog_items *it = &s->catalog->it;
	size_t i;

	/* Indices from -1: one unsigned compare each. */
	if (!t || t->size < sizeof(tp_touch))
		return TP_EINVAL;
	if (!t->customer_id || !t->customer_id_len)
		return touch_fault(err, "customer_id is missing");
	if ((uint64_t)t->timestamp_ms - (uint64_t)TS_MIN >
	    (uint64_t)(TS_MAX - TS_MIN))
		return touch_fault(err, "timestamp out of range (years 1 to "
				   "9999)");
	if ((uint64_t)((int64_t)t->touchpoint + 1) > it->n_touchpoints)
		return touch_fault(err, "touchpoint index out of range");
	if ((uint64_t)((int64_t)t->channel + 1) > it->n_channels)
		return touch_fault(err, "channel index out of range");
	if ((uint64_t)((int64_t)t->stage + 1) > it->n_stages)
		return touch_fault(err, "stage index out of range");
	if ((unsigned)t->phase > TP_PHASE_POST_PURCHASE)
		return touch_fault(err, "phase out of range");
	if ((unsigned)t->conversion > TP_CONVERSION_NO)
		return touch_fault(err, "conversion flag out of range");
	if ((t->has_value && !isfinite(t->value)) ||
	    (t->has_score && !isfinite(t->score)))
		return touch_fault(err, "value or score is not finite");
	if (t->n_attrs && !t->attrs)
		return touch_fault(err, "attrs is NULL");
	if ((!t->event && t->event_len) |
	    (!t->channel_group && t->channel_group_len) |
	    (!t->source && t->source_len) | (!t->medium && t->medium_len) |
	    (!t->campaign && t->campaign_len))
		return touch_fault(err, "a string is NULL with a length");
	p->str[TPI_S_EVENT].s = t->event;
	p->str[TPI_S_EVENT].len = t->event_len;
	p->str[TPI_S_CHANNEL_GROUP].s = t->channel_group;
	p->str[TPI_S_CHANNEL_GROUP].len = t->channel_group_len;
	p->str[TPI_S_SOURCE].s = t->source;
	p->str[TPI_S_SOURCE].len = t->source_len;
	p->str[TPI_S_MEDIUM].s = t->medium;
	p->str[TPI_S_MEDIUM].len = t->medium_len;
	p->str[TPI_S_CAMPAIGN].s = t->campaign;
	p->str[TPI_S_CAMPAIGN].len = t->campaign_len;

	p->t = t;
	p->touchpoint = t->touchpoint;
	p->channel = t->channel;
	p->stage = t->stage;
	if (p->touchpoint >= 0) {
		const struct tpi_touchpoint *tp = &it->touchpoints[p->touchpoint];

		if (p->channel < 0)
			p->channel = tp->channel;
		if (p->stage < 0)
			p->stage = tp->stage;
	}
	p->phase = (uint8_t)t->phase;
	if (!p->phase && p->stage >= 0)
		p->phase = (uint8_t)it->stages[p->stage].phase;
	if (!p->phase && p->touchpoint >= 0)
		p->phase = it->touchpoints[p->touchpoint].dims[TP_DIMENSION_PHASE];
	p->keep = keep;
	p->keep_id = keep_id;
	for (i = 0; i < s->n_keep; i++) {
		size_t nlen = s->keep_len[i], a;

		keep[i].s = "";
		keep[i].len = 0;
		for (a = 0; a < t->n_attrs; a++) {
			const tp_attr *at = &t->attrs[a];

			if (at->key_len == nlen && at->key &&
			    memcmp(at->key, s->keep[i], nlen) == 0) {
				if (at->value && at->value_len) {
					keep[i].s = at->value;
					keep[i].len = at->value_len;
				}
				break;
			}
		}
	}
	lookup_ids(s, p);
	return TP_OK;
}

/* ---- kinds ---- */

static bool
kind_is(const struct tp_journey_store *s, const struct tpi_kslot *k,
	const struct probe *p)
{
	size_t i;

	if (k->hash != p->hash || k->touchpoint != p->touchpoint ||
	    k->channel != p->channel || k->stage != p->stage ||
	    k->phase != p->phase || memcmp(k->str, p->id, sizeof(k->str)) != 0)
		return false;
	for (i = 0; i < s->n_keep; i++)
		if (s->kind_attrs[k->attrs + i] != p->keep_id[i])
			return false;
	return true;
}

/* The slot of the kind of a probe whose strings are known, or NULL when
 * the kind is new. */
static const struct tpi_kslot *
kind_find(const struct tp_journey_store *s, const struct probe *p)
{
	size_t j;

	if (!s->kind_table)
		return NULL;
	for (j = p->hash & s->kind_mask; s->kind_table[j].idx1;
	     j = (j + 1) & s->kind_mask)
		if (kind_is(s, &s->kind_table[j], p))
			return &s->kind_table[j];
	return NULL;
}

static void
kind_slot_fill(struct tpi_kslot *t, size_t mask, const struct tpi_kind *k,
	       uint32_t idx)
{
	size_t j;

	for (j = k->hash & mask; t[j].idx1; j = (j + 1) & mask)
		;
	t[j].idx1 = idx + 1;
	t[j].hash = k->hash;
	memcpy(t[j].str, k->str, sizeof(t[j].str));
	t[j].touchpoint = k->touchpoint;
	t[j].channel = k->channel;
	t[j].stage = k->stage;
	t[j].attrs = k->attrs;
	t[j].phase = k->phase;
	t[j].conversion = k->conversion;
}

/* The table is kept at most 3/4 full. */
static bool
kind_table_grow(struct tp_journey_store *s)
{
	size_t ncap = s->kind_table ? (s->kind_mask + 1) * 2 : 256, i;
	struct tpi_kslot *t = tpi_calloc(ncap, sizeof(*t));

	if (!t)
		return false;
	for (i = 0; i < s->n_kinds; i++)
		kind_slot_fill(t, ncap - 1, &s->kinds[i], (uint32_t)i);
	tpi_free(s->kind_table);
	s->kind_table = t;
	s->kind_mask = ncap - 1;
	return true;
}

/* Add the kind of a probe, known to be new: intern its new strings
 * first (which makes the probe's strings known). */
static tp_status
kind_add(struct tp_journey_store *s, struct probe *p, uint32_t *out,
	 tp_error *err)
{
	static const char *const what[TPI_NSTR] = {
		"event", "channel_group", "source", "medium", "campaign"
	};
	struct tpi_kind k;
	bool range = false;
	size_t i;

	for (i = 0; i < TPI_NSTR; i++)
		if (p->id[i] == NO_ID && memchr(p->str[i].s, '\0', p->str[i].len))
			return string_fault(err, what[i]);
	for (i = 0; i < s->n_keep; i++)
		if (p->keep_id[i] == NO_ID &&
		    memchr(p->keep[i].s, '\0', p->keep[i].len))
			return string_fault(err, "a kept attribute");
	if (s->n_kinds >= UINT32_MAX - 2 ||
	    s->n_kind_attrs > UINT32_MAX - s->n_keep)
		return tpi_error(err, TP_ERANGE, NULL, 0, 0, NULL,
				 "too many distinct event kinds");
	for (i = 0; i < TPI_NSTR; i++)
		if (p->id[i] == NO_ID &&
		    !tpi_strpool_intern(&s->strings, p->str[i].s, p->str[i].len,
					&p->id[i], &range))
			return range ? TP_ERANGE : TP_ENOMEM;
	for (i = 0; i < s->n_keep; i++)
		if (p->keep_id[i] == NO_ID &&
		    !tpi_strpool_intern(&s->strings, p->keep[i].s,
					p->keep[i].len, &p->keep_id[i], &range))
			return range ? TP_ERANGE : TP_ENOMEM;
	if (!p->known)
		lookup_ids(s, p);      /* now known: computes the hash */
	if (!TPI_GROW(s->kinds, s->cap_kinds, s->n_kinds + 1))
		return TP_ENOMEM;
	if (s->n_keep &&
	    !TPI_GROW(s->kind_attrs, s->cap_kind_attrs,
		      s->n_kind_attrs + s->n_keep))
		return TP_ENOMEM;
	if ((s->n_kinds + 1) * 4 > (s->kind_table ? s->kind_mask + 1 : 0) * 3 &&
	    !kind_table_grow(s))
		return TP_ENOMEM;
	memset(&k, 0, sizeof(k));
	memcpy(k.str, p->id, sizeof(k.str));
	k.touchpoint = p->touchpoint;
	k.channel = p->channel;
	k.stage = p->stage;
	k.phase = p->phase;
	k.hash = p->hash;
	k.attrs = (uint32_t)s->n_kind_attrs;
	for (i = 0; i < s->n_keep; i++)
		s->kind_attrs[s->n_kind_attrs + i] = p->keep_id[i];
	for (i = 0; i < s->n_conv; i++) {
		if (tpi_cond_match(s, &s->conv[i], &k)) {
			k.conversion = 1;
			break;
		}
	}
	s->n_kind_attrs += s->n_keep;
	s->kinds[s->n_kinds] = k;
	kind_slot_fill(s->kind_table, s->kind_mask, &k, (uint32_t)s->n_kinds);
	*out = (uint32_t)s->n_kinds++;
	if (s->direct_id == 0 && p->str[TPI_S_SOURCE].len == 8 &&
	    memcmp(p->str[TPI_S_SOURCE].s, "(direct)", 8) == 0)
		s->direct_id = p->id[TPI_S_SOURCE];
	return TP_OK;
}

/* ---- commit ---- */

/* The number of a touch's customer, interned when new. */
static tp_status
customer_get(struct tp_journey_store *s, const struct probe *p,
	     uint32_t *out, tp_error *err)
{
	const tp_touch *t = p->t;
	const struct tpi_pslot *sl = tpi_strpool_lookup(
		&s->customers, t->customer_id, t->customer_id_len, p->cust_hash);
	bool range = false;

	if (sl) {
		*out = tpi_pslot_id(sl);
		return TP_OK;
	}
	if (tpi_has_nul(t->customer_id, t->customer_id_len))
		return string_fault(err, "customer_id");
	if (!tpi_strpool_insert_hashed(&s->customers, t->customer_id,
				       t->customer_id_len, p->cust_hash, out,
				       &range))
		return range ? tpi_error(err, TP_ERANGE, NULL, 0, 0, NULL,
					 "too many customers")
			     : TP_ENOMEM;
	return TP_OK;
}

/* Add a prepared touch. Everything that can fail comes before anything
 * that tells: the chunk, the extras, the kind, then the customer. */
static tp_status
commit(struct tp_journey_store *s, struct probe *p, tp_error *err)
{
	const tp_touch *t = p->t;
	size_t slot = s->n_events % TPI_CHUNK_EVENTS;
	struct tpi_chunk *c;
	struct tpi_rec *r;
	const struct tpi_kslot *ks = NULL;
	uint32_t kind = 0, extra = 0, cust;
	unsigned flags = 0, conversion;
	tp_status st;

	if (slot == 0 && s->n_events / TPI_CHUNK_EVENTS == s->n_chunks) {
		if (!TPI_GROW(s->chunks, s->cap_chunks, s->n_chunks + 1))
			return TP_ENOMEM;
		c = tpi_malloc(sizeof(*c));
		if (!c)
			return TP_ENOMEM;
		s->chunks[s->n_chunks++] = c;
	}
	c = s->chunks[s->n_events / TPI_CHUNK_EVENTS];
	if (t->has_value || t->has_score) {
		if (s->n_extras >= TPI_XF_EXTRA)
			return tpi_error(err, TP_ERANGE, NULL, 0, 0, NULL,
					 "touch: too many events with a value "
					 "or a score");
		if (!TPI_GROW(s->extras, s->cap_extras, s->n_extras + 1))
			return TP_ENOMEM;
	}
	/* Strings new when the touch was prepared may have come since. */
	if (!p->known)
		lookup_ids(s, p);
	if (p->known)
		ks = kind_find(s, p);
	if (ks) {
		kind = ks->idx1 - 1;
		conversion = ks->conversion;
	} else {
		st = kind_add(s, p, &kind, err);
		if (st != TP_OK)
			return st;
		conversion = s->kinds[kind].conversion;
	}
	if (p->same) {
		cust = s->last_cust;
	} else {
		st = customer_get(s, p, &cust, err);
		if (st != TP_OK)
			return st;
	}

	if (t->conversion == TP_CONVERSION_YES ||
	    (t->conversion == TP_CONVERSION_AUTO && conversion))
		flags |= TPI_EV_CONVERSION;
	if (t->has_value || t->has_score) {
		struct tpi_extra *x = &s->extras[s->n_extras];

		x->value = t->has_value ? t->value : 0;
		x->score = t->has_score ? t->score : 0;
		if (t->has_value)
			flags |= TPI_EV_VALUE;
		if (t->has_score)
			flags |= TPI_EV_SCORE;
		extra = (uint32_t)s->n_extras++;
	}
	r = &c->recs[slot];
	r->ts = t->timestamp_ms;
	r->kind = kind;
	r->xf = extra | (uint32_t)flags << TPI_XF_SHIFT;
	c->cust[slot] = cust;
	s->last_cust = cust;
	s->n_events++;
	return TP_OK;
}

/* ---- blocks ---- */

#define BLOCK 64         /* touches checked before any is added */

/* Room for the kept attributes of a block. */
static bool
keep_reserve(struct tp_journey_store *s)
{
	size_t need = BLOCK * s->n_keep;

	if (need <= s->cap_keep)
		return true;
	tpi_free(s->keep_views);
	tpi_free(s->keep_ids);
	s->keep_views = tpi_malloc(need * sizeof(*s->keep_views));
	s->keep_ids = tpi_malloc(need * sizeof(*s->keep_ids));
	s->cap_keep = s->keep_views && s->keep_ids ? need : 0;
	return s->cap_keep != 0;
}

/* Whether touch i has the customer of the touch before it. */
static bool
same_customer(const struct tp_journey_store *s, const tp_touch *touches,
	      size_t i)
{
	const tp_touch *t = &touches[i];
	const char *id;
	size_t len;

	if (i) {
		id = touches[i - 1].customer_id;
		len = touches[i - 1].customer_id_len;
	} else if (s->n_events) {
		id = s->customers.strs[s->last_cust].s;
		len = s->customers.strs[s->last_cust].len;
	} else {
		return false;
	}
	return len == t->customer_id_len &&
	       tpi_bytes_eq(id, t->customer_id, len);
}

/* Bring what adding n prepared touches looks up into the cache: their
 * kinds' table slots and their customers' slots, then the ids those
 * point to. Each is a load that nothing waits for, so that the processor
 * overlaps them. (Prefetch instructions a few touches ahead did less on
 * the benchmark, docs/performance.md: a prefetch that misses the TLB may
 * be dropped, a load is not.) */
static void
fetch(struct tp_journey_store *s, const struct probe *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i].known && s->kind_table) {
			const struct tpi_kslot *k =
				&s->kind_table[p[i].hash & s->kind_mask];

			/* Its first and last bytes: a slot may span two
			 * cache lines. */
			sum += k->idx1 + k->conversion;
		}
		if (!p[i].same && s->customers.slots)
			sum += tpi_strpool_slot(&s->customers,
						p[i].cust_hash)->hash;
	}
	for (i = 0; i < n; i++) {
		const struct tpi_strpool *c = &s->customers;
		size_t j, k;

		if (p[i].same || !c->slots)
			continue;
		/* The id of the first slot of the right hash, a few slots
		 * on at most. */
		for (j = p[i].cust_hash & c->mask, k = 0;
		     c->slots[j].key && k < 4; j = (j + 1) & c->mask, k++) {
			if (c->slots[j].hash == p[i].cust_hash) {
				sum += (unsigned char)c->slots[j].key[0];
				break;
			}
		}
	}
	s->fetched = sum;
}

TP_EXPORT tp_status
tp_journey_store_add_batch(tp_journey_store *s, const tp_touch *touches,
			   size_t n, size_t *added, tp_error *err)
{
	struct probe block[BLOCK];
	size_t base, done = 0;
	tp_status st = TP_OK;

	if (added)
		*added = 0;
	if (!s || (n && !touches))
		return TP_EINVAL;
	if (s->finished)
		return touch_fault(err, "the journey store is finished");
	if (s->n_keep && !keep_reserve(s))
		return TP_ENOMEM;
	/* Block by block: check the touches and hash their kinds and
	 * customers, fetch what they look up, add them. A refused touch is
	 * reported once the touches before it are added. */
	for (base = 0; base < n && st == TP_OK; base += BLOCK) {
		size_t m = n - base < BLOCK ? n - base : BLOCK, i;

		for (i = 0; i < m; i++) {
			const tp_touch *t = &touches[base + i];
			struct probe *p = &block[i];
			size_t k = i * s->n_keep;

			st = prepare(s, t, p, s->n_keep ? s->keep_views + k : NULL,
				     s->n_keep ? s->keep_ids + k : NULL, NULL);
			if (st != TP_OK)
				break;
			p->same = same_customer(s, touches, base + i);
			if (!p->same)
				p->cust_hash = tpi_strhash(t->customer_id,
							   t->customer_id_len);
		}
		fetch(s, block, i);
		m = i;
		for (i = 0; i < m; i++) {
			tp_status cst = commit(s, &block[i], err);

			if (cst != TP_OK) {
				st = cst;
				goto out;
			}
			done++;
		}
		if (st != TP_OK)
			st = prepare(s, &touches[base + m], &block[0],
				     s->keep_views, s->keep_ids, err);
	}
out:
	if (added)
		*added = done;
	return st;
}

TP_EXPORT tp_status
tp_journey_store_add(tp_journey_store *s, const tp_touch *t, tp_error *err)
{
	if (!s || !t)
		return TP_EINVAL;
	return tp_journey_store_add_batch(s, t, 1, NULL, err);
}
