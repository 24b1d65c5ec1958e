/* SPDX-License-Identifier: MIT */
/*
 * The journey store (journey.h): interning of customers, strings and
 * event kinds; a columnar event log in chunks; the sort into journeys and
 * the cut into sessions.
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
#define DAY_MS INT64_C(86400000)

TP_EXPORT tp_status
tp_journey_store_new(const tp_catalog *catalog,
		     const tp_journey_options *options,
		     tp_journey_store **out, tp_error *err)
{
	static const char *const default_conv[] = { "event=purchase" };
	tp_journey_options defaults = TP_JOURNEY_OPTIONS_INIT;
	const tp_journey_options *o = options ? options : &defaults;
	const char *const *conv;
	struct tp_journey_store *s;
	size_t n_conv, i;
	uint32_t id;
	tp_status st;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!catalog || o->size < sizeof(tp_journey_options))
		return TP_EINVAL;
	if (o->session_timeout_ms < 0 ||
	    o->session_utc_offset_minutes < -1440 ||
	    o->session_utc_offset_minutes > 1440 ||
	    (o->n_conversions && !o->conversions))
		return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				 "journey options out of range");
	conv = o->conversions ? o->conversions : default_conv;
	n_conv = o->conversions ? o->n_conversions : 1;
	for (i = 0; i < n_conv; i++)
		if (!conv[i])
			return TP_EINVAL;

	s = tpi_calloc(1, sizeof(*s));
	if (!s)
		return TP_ENOMEM;
	s->catalog = tpi_catalog_ref(catalog);
	s->timeout_ms = o->session_timeout_ms;
	s->offset_ms = (int64_t)o->session_utc_offset_minutes * 60000;
	s->midnight = o->session_midnight != 0;
	s->campaign_change = o->session_on_campaign_change != 0;
	tpi_strpool_init(&s->strings);
	tpi_strpool_init(&s->customers);
	st = TP_ENOMEM;
	if (!tpi_strpool_intern(&s->strings, "", 0, &id, NULL))
		goto fail;
	if (n_conv) {
		s->conv = tpi_calloc(n_conv, sizeof(*s->conv));
		if (!s->conv)
			goto fail;
	}
	for (i = 0; i < n_conv; i++) {
		st = tpi_cond_parse(conv[i], true, &s->conv[i], err,
				    "conversion");
		if (st != TP_OK)
			goto fail;
		s->n_conv++;
		if (!tpi_field_is_builtin(s->conv[i].field_name)) {
			st = tp_journey_store_keep_field(s,
							 s->conv[i].field_name);
			if (st != TP_OK)
				goto fail;
		}
		st = tpi_cond_resolve(s, &s->conv[i], err, "conversion");
		if (st != TP_OK)
			goto fail;
	}
	*out = s;
	return TP_OK;
fail:
	tp_journey_store_free(s);
	return st;
}

static void
free_columns(struct tp_journey_store *s)
{
	tpi_free(s->cust_start);
	tpi_free(s->recs);
	tpi_free(s->session);
	s->cust_start = NULL;
	s->recs = NULL;
	s->session = NULL;
}

TP_EXPORT void
tp_journey_store_free(tp_journey_store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_conv; i++)
		tpi_cond_fini(&s->conv[i]);
	tpi_free(s->conv);
	for (i = 0; i < s->n_keep; i++)
		tpi_free(s->keep[i]);
	tpi_strpool_fini(&s->strings);
	tpi_strpool_fini(&s->customers);
	tpi_free(s->kinds);
	tpi_free(s->kind_table);
	tpi_free(s->kind_attrs);
	tpi_free(s->extras);
	tpi_free(s->ring);
	for (i = 0; i < s->n_chunks; i++)
		tpi_free(s->chunks[i]);
	tpi_free(s->chunks);
	free_columns(s);
	tp_catalog_free(s->catalog);
	tpi_free(s);
}

TP_EXPORT tp_status
tp_journey_store_keep_field(tp_journey_store *s, const char *name)
{
	size_t i;

	if (!s || !name || !*name)
		return TP_EINVAL;
	if (tpi_field_is_builtin(name))
		return TP_OK;
	for (i = 0; i < s->n_keep; i++)
		if (strcmp(s->keep[i], name) == 0)
			return TP_OK;
	/* Kinds already interned would lack the new attribute. */
	if (s->n_events || s->n_kinds || s->finished)
		return TP_EINVAL;
	if (s->n_keep >= TPI_MAX_KEEP)
		return TP_ERANGE;
	s->keep[s->n_keep] = tpi_strdup(name);
	if (!s->keep[s->n_keep])
		return TP_ENOMEM;
	s->keep_len[s->n_keep] = strlen(name);
	s->n_keep++;
	return TP_OK;
}

/* ---- adding events ---- */

/*
 * A touch checked and prepared for the store: its classification (the
 * kind, before interning) with its hash, and the customer's hash. Adding
 * is split in two: prepare (no memory touched but the touch's) and commit
 * (the lookups), so that tp_journey_store_add_batch() can prefetch the
 * table slots of the touches ahead of the one it commits.
 */
struct tpi_probe {
	const tp_touch *t;
	const char *s[TPI_NSTR + TPI_MAX_KEEP];
	size_t len[TPI_NSTR + TPI_MAX_KEEP];
	int32_t touchpoint, channel, stage;
	uint8_t phase;
	uint32_t hash;
	uint32_t cust_hash;
};

#define RING 16          /* touches in flight in add_batch */
#define AHEAD 12         /* prefetch the table slots this far ahead */
#define AHEAD2 6         /* and what the slots point to this far */

/* A macro: GCC drops the calls of a small function whose only effect is
 * a prefetch (it finds it "const" and the call dead). */
#define prefetch(p) __builtin_prefetch((p), 0, 3)

static void
probe_hash(struct tpi_probe *p, size_t nstr)
{
	uint64_t h = 0x12345678u;
	size_t i;

	h = tpi_hmix(h, (uint64_t)(uint32_t)p->touchpoint |
			(uint64_t)(uint32_t)p->channel << 32);
	h = tpi_hmix(h, (uint64_t)(uint32_t)p->stage | (uint64_t)p->phase << 32);
	for (i = 0; i < nstr; i++)
		h = tpi_hash_bytes(h, p->s[i], p->len[i]);
	p->hash = tpi_hfinal(h);
}

static bool
kind_equal(const struct tp_journey_store *s, const struct tpi_kind *k,
	   const struct tpi_probe *p)
{
	size_t i;

	if (k->touchpoint != p->touchpoint || k->channel != p->channel ||
	    k->stage != p->stage || k->phase != p->phase)
		return false;
	for (i = 0; i < TPI_NSTR + s->n_keep; i++) {
		uint32_t id = i < TPI_NSTR ? k->str[i]
					   : s->kind_attrs[k->attrs + i - TPI_NSTR];
		const struct tpi_pstr *ps = &s->strings.strs[id];

		if (ps->len != p->len[i] ||
		    !tpi_bytes_eq(ps->s, p->s[i], p->len[i]))
			return false;
	}
	return true;
}

static bool
kind_table_grow(struct tp_journey_store *s)
{
	size_t ncap = s->kind_table ? (s->kind_mask + 1) * 2 : 256, i;
	struct tpi_kslot *t = tpi_calloc(ncap, sizeof(*t));

	if (!t)
		return false;
	for (i = 0; i < s->n_kinds; i++) {
		size_t j = s->kinds[i].hash & (ncap - 1);

		while (t[j].idx1)
			j = (j + 1) & (ncap - 1);
		t[j].hash = s->kinds[i].hash;
		t[j].idx1 = (uint32_t)i + 1;
	}
	tpi_free(s->kind_table);
	s->kind_table = t;
	s->kind_mask = ncap - 1;
	return true;
}

static tp_status
string_fault(tp_error *err, const char *what)
{
	return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
			 "touch: %s contains a NUL byte", what);
}

/* Find or add the kind of a probe. */
static tp_status
kind_get(struct tp_journey_store *s, const struct tpi_probe *p,
	 uint32_t *out, tp_error *err)
{
	static const char *const what[TPI_NSTR] = {
		"event", "channel_group", "source", "medium", "campaign"
	};
	size_t nstr = TPI_NSTR + s->n_keep, i, j;
	uint32_t ids[TPI_NSTR + TPI_MAX_KEEP];
	struct tpi_kind k;
	bool range = false;

	if (s->kind_table) {
		for (j = p->hash & s->kind_mask; s->kind_table[j].idx1;
		     j = (j + 1) & s->kind_mask) {
			uint32_t ki = s->kind_table[j].idx1 - 1;

			if (s->kind_table[j].hash == p->hash &&
			    kind_equal(s, &s->kinds[ki], p)) {
				*out = ki;
				return TP_OK;
			}
		}
	}
	/* A new kind. */
	for (i = 0; i < nstr; i++) {
		if (p->len[i] && memchr(p->s[i], '\0', p->len[i]))
			return string_fault(err, i < TPI_NSTR ? what[i]
					    : "a kept attribute");
	}
	if (s->n_kinds >= UINT32_MAX - 2 ||
	    s->n_kind_attrs > UINT32_MAX - s->n_keep)
		return tpi_error(err, TP_ERANGE, NULL, 0, 0, NULL,
				 "too many distinct event kinds");
	for (i = 0; i < nstr; i++) {
		if (!tpi_strpool_intern(&s->strings, p->s[i], p->len[i],
					&ids[i], &range))
			return range ? TP_ERANGE : TP_ENOMEM;
	}
	if (!TPI_GROW(s->kinds, s->cap_kinds, s->n_kinds + 1))
		return TP_ENOMEM;
	if (s->n_keep &&
	    !TPI_GROW(s->kind_attrs, s->cap_kind_attrs,
		      s->n_kind_attrs + s->n_keep))
		return TP_ENOMEM;
	if ((s->n_kinds + 1) * 2 > (s->kind_table ? s->kind_mask + 1 : 0) &&
	    !kind_table_grow(s))
		return TP_ENOMEM;
	memset(&k, 0, sizeof(k));
	memcpy(k.str, ids, sizeof(k.str));
	k.touchpoint = p->touchpoint;
	k.channel = p->channel;
	k.stage = p->stage;
	k.phase = p->phase;
	k.hash = p->hash;
	k.attrs = (uint32_t)s->n_kind_attrs;
	for (i = 0; i < s->n_keep; i++)
		s->kind_attrs[s->n_kind_attrs + i] = ids[TPI_NSTR + i];
	for (i = 0; i < s->n_conv; i++) {
		if (tpi_cond_match(s, &s->conv[i], &k)) {
			k.conversion = 1;
			break;
		}
	}
	s->n_kind_attrs += s->n_keep;
	s->kinds[s->n_kinds] = k;
	for (j = p->hash & s->kind_mask; s->kind_table[j].idx1;
	     j = (j + 1) & s->kind_mask)
		;
	s->kind_table[j].hash = p->hash;
	s->kind_table[j].idx1 = (uint32_t)s->n_kinds + 1;
	*out = (uint32_t)s->n_kinds++;
	if (s->direct_id == 0 && p->len[TPI_S_SOURCE] == 8 &&
	    memcmp(p->s[TPI_S_SOURCE], "(direct)", 8) == 0)
		s->direct_id = ids[TPI_S_SOURCE];
	return TP_OK;
}

static bool
opt_str(const char *s, size_t len, const char **ps, size_t *plen)
{
	if (!s && len)
		return false;
	*ps = s ? s : "";
	*plen = s ? len : 0;
	return true;
}

static tp_status
touch_fault(tp_error *err, const char *what)
{
	return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL, "touch: %s", what);
}

/* Check a touch and fill its probe. Touches no memory of the store but
 * the catalog's and the options. */
static tp_status
prepare(const struct tp_journey_store *s, const tp_touch *t,
	struct tpi_probe *p, tp_error *err)
{
	const struct tpi_catalog_items *it = &s->catalog->it;
	size_t i;

	if (!t || t->size < sizeof(tp_touch))
		return TP_EINVAL;
	if (!t->customer_id || !t->customer_id_len)
		return touch_fault(err, "customer_id is missing");
	if (t->timestamp_ms < TS_MIN || t->timestamp_ms > TS_MAX)
		return touch_fault(err, "timestamp out of range (years 1 to "
				   "9999)");
	if (t->touchpoint < -1 || (t->touchpoint >= 0 &&
				   (size_t)t->touchpoint >= it->n_touchpoints))
		return touch_fault(err, "touchpoint index out of range");
	if (t->channel < -1 || (t->channel >= 0 &&
				(size_t)t->channel >= it->n_channels))
		return touch_fault(err, "channel index out of range");
	if (t->stage < -1 || (t->stage >= 0 &&
			      (size_t)t->stage >= it->n_stages))
		return touch_fault(err, "stage index out of range");
	if ((int)t->phase < 0 || t->phase > TP_PHASE_POST_PURCHASE)
		return touch_fault(err, "phase out of range");
	if ((int)t->conversion < 0 || t->conversion > TP_CONVERSION_NO)
		return touch_fault(err, "conversion flag out of range");
	if ((t->has_value && !isfinite(t->value)) ||
	    (t->has_score && !isfinite(t->score)))
		return touch_fault(err, "value or score is not finite");
	if (t->n_attrs && !t->attrs)
		return touch_fault(err, "attrs is NULL");
	if (!opt_str(t->event, t->event_len, &p->s[TPI_S_EVENT],
		     &p->len[TPI_S_EVENT]) ||
	    !opt_str(t->channel_group, t->channel_group_len,
		     &p->s[TPI_S_CHANNEL_GROUP], &p->len[TPI_S_CHANNEL_GROUP]) ||
	    !opt_str(t->source, t->source_len, &p->s[TPI_S_SOURCE],
		     &p->len[TPI_S_SOURCE]) ||
	    !opt_str(t->medium, t->medium_len, &p->s[TPI_S_MEDIUM],
		     &p->len[TPI_S_MEDIUM]) ||
	    !opt_str(t->campaign, t->campaign_len, &p->s[TPI_S_CAMPAIGN],
		     &p->len[TPI_S_CAMPAIGN]))
		return touch_fault(err, "a string is NULL with a length");

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
	for (i = 0; i < s->n_keep; i++) {
		size_t nlen = s->keep_len[i], a;

		p->s[TPI_NSTR + i] = "";
		p->len[TPI_NSTR + i] = 0;
		for (a = 0; a < t->n_attrs; a++) {
			const tp_attr *at = &t->attrs[a];

			if (at->key_len == nlen && at->key &&
			    memcmp(at->key, s->keep[i], nlen) == 0) {
				if (at->value && at->value_len) {
					p->s[TPI_NSTR + i] = at->value;
					p->len[TPI_NSTR + i] = at->value_len;
				}
				break;
			}
		}
	}
	probe_hash(p, TPI_NSTR + s->n_keep);
	p->cust_hash = tpi_strhash(t->customer_id, t->customer_id_len);
	return TP_OK;
}

/* Bring the first table slots of a probe's kind and customer closer.
 * Always inlined, for the reason given at prefetch(). */
static inline __attribute__((always_inline)) void
prefetch_slots(const struct tp_journey_store *s, const struct tpi_probe *p)
{
	if (s->kind_table)
		prefetch(&s->kind_table[p->hash & s->kind_mask]);
	if (s->customers.slots)
		prefetch(tpi_strpool_slot(&s->customers, p->cust_hash));
}

/* And then what the slots point to, when they look right. */
static inline __attribute__((always_inline)) void
prefetch_targets(const struct tp_journey_store *s, const struct tpi_probe *p)
{
	const struct tpi_pslot *cs = tpi_strpool_slot(&s->customers,
						      p->cust_hash);

	if (s->kind_table) {
		const struct tpi_kslot *ks = &s->kind_table[p->hash & s->kind_mask];

		if (ks->idx1 && ks->hash == p->hash)
			prefetch(&s->kinds[ks->idx1 - 1]);
	}
	if (cs && cs->key && cs->hash == p->cust_hash)
		prefetch(cs->key - 4);
}

/* Add a prepared touch. Everything that can fail comes before anything
 * that tells: the chunk, the extras, the kind, then the customer. */
static tp_status
commit(struct tp_journey_store *s, const struct tpi_probe *p, tp_error *err)
{
	const tp_touch *t = p->t;
	size_t slot = s->n_events % TPI_CHUNK_EVENTS;
	struct tpi_chunk *c;
	struct tpi_rec *r;
	uint32_t kind = 0, cust = 0, extra = 0;
	bool range = false;
	unsigned flags = 0;
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
	st = kind_get(s, p, &kind, err);
	if (st != TP_OK)
		return st;
	if (s->last_cust_s && s->last_cust_len == t->customer_id_len &&
	    tpi_bytes_eq(s->last_cust_s, t->customer_id, t->customer_id_len)) {
		cust = s->last_cust;
	} else {
		const struct tpi_pslot *sl = tpi_strpool_lookup(
			&s->customers, t->customer_id, t->customer_id_len,
			p->cust_hash);

		if (sl) {
			cust = tpi_pslot_id(sl);
			s->last_cust_s = sl->key;
		} else {
			if (memchr(t->customer_id, '\0', t->customer_id_len))
				return string_fault(err, "customer_id");
			if (!tpi_strpool_insert_hashed(&s->customers,
						       t->customer_id,
						       t->customer_id_len,
						       p->cust_hash, &cust,
						       &range))
				return range ? tpi_error(err, TP_ERANGE, NULL, 0,
							 0, NULL, "too many "
							 "customers")
					     : TP_ENOMEM;
			s->last_cust_s = s->customers.strs[cust].s;
		}
		s->last_cust = cust;
		s->last_cust_len = t->customer_id_len;
	}

	if (t->conversion == TP_CONVERSION_YES ||
	    (t->conversion == TP_CONVERSION_AUTO && s->kinds[kind].conversion))
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
	s->n_events++;
	return TP_OK;
}

TP_EXPORT tp_status
tp_journey_store_add(tp_journey_store *s, const tp_touch *t, tp_error *err)
{
	struct tpi_probe p;
	tp_status st;

	if (!s || !t)
		return TP_EINVAL;
	if (s->finished)
		return touch_fault(err, "the journey store is finished");
	st = prepare(s, t, &p, err);
	if (st != TP_OK)
		return st;
	return commit(s, &p, err);
}

TP_EXPORT tp_status
tp_journey_store_add_batch(tp_journey_store *s, const tp_touch *touches,
			   size_t n, size_t *added, tp_error *err)
{
	size_t i, done = 0;
	tp_status st = TP_OK;

	if (added)
		*added = 0;
	if (!s || (n && !touches))
		return TP_EINVAL;
	if (s->finished)
		return touch_fault(err, "the journey store is finished");
	if (!s->ring) {
		s->ring = tpi_malloc(RING * sizeof(*s->ring));
		if (!s->ring)
			return TP_ENOMEM;
	}
	/* Touch i is prepared AHEAD touches before it is committed; its
	 * slots are prefetched then, and what they point to AHEAD - AHEAD2
	 * touches later. */
	for (i = 0; i < n + AHEAD; i++) {
		if (i < n) {
			struct tpi_probe *p = &s->ring[i % RING];

			st = prepare(s, &touches[i], p, err);
			if (st != TP_OK)
				break;
			prefetch_slots(s, p);
		}
		if (i >= AHEAD2 && i - AHEAD2 < n && i - AHEAD2 >= done)
			prefetch_targets(s, &s->ring[(i - AHEAD2) % RING]);
		if (i >= AHEAD) {
			st = commit(s, &s->ring[(i - AHEAD) % RING], err);
			if (st != TP_OK)
				goto out;
			done++;
		}
	}
	if (st != TP_OK) {
		/* Touch i was refused: commit the prepared ones before it. */
		tp_status st2 = TP_OK;

		while (done < i && st2 == TP_OK) {
			st2 = commit(s, &s->ring[done % RING], err);
			if (st2 == TP_OK)
				done++;
		}
		if (st2 != TP_OK)
			st = st2;
	}
out:
	if (added)
		*added = done;
	return st;
}

/* ---- finishing ---- */

/* Stable sort of n records by time: insertion sort for short runs,
 * bottom-up merge sort otherwise. */
static void
sort_records(struct tpi_rec *a, struct tpi_rec *tmp, size_t n)
{
	size_t width, i, k;
	struct tpi_rec *src = a, *dst = tmp, *sw;

	if (n <= 24) {
		for (i = 1; i < n; i++) {
			struct tpi_rec r = a[i];
			size_t j = i;

			while (j > 0 && a[j - 1].ts > r.ts) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = r;
		}
		return;
	}
	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t lo = i, mid = i + width < n ? i + width : n;
			size_t hi = i + 2 * width < n ? i + 2 * width : n;
			size_t l = lo, r = mid;

			for (k = lo; k < hi; k++) {
				if (l < mid && (r >= hi || src[l].ts <= src[r].ts))
					dst[k] = src[l++];
				else
					dst[k] = src[r++];
			}
		}
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void
cut_sessions(struct tp_journey_store *s, size_t first, size_t end)
{
	const struct tpi_rec *r = s->recs;
	uint32_t sess = 0, cur_src = 0, cur_med = 0, cur_camp = 0;
	bool have_cur = false;
	int64_t prev_day = 0;
	size_t i;

	for (i = first; i < end; i++) {
		int64_t day = 0;
		bool cut = false;

		if (s->midnight)
			day = floor_div(r[i].ts + s->offset_ms, DAY_MS);
		if (i > first) {
			if (s->timeout_ms > 0 &&
			    r[i].ts - r[i - 1].ts >= s->timeout_ms)
				cut = true;
			if (s->midnight && day != prev_day)
				cut = true;
		}
		if (s->campaign_change) {
			const struct tpi_kind *k = &s->kinds[r[i].kind];
			uint32_t src = k->str[TPI_S_SOURCE];
			uint32_t med = k->str[TPI_S_MEDIUM];
			uint32_t camp = k->str[TPI_S_CAMPAIGN];

			if ((src || med || camp) &&
			    !(src && src == s->direct_id)) {
				if (have_cur && i > first &&
				    (src != cur_src || med != cur_med ||
				     camp != cur_camp))
					cut = true;
				cur_src = src;
				cur_med = med;
				cur_camp = camp;
				have_cur = true;
			}
		}
		if (cut)
			sess++;
		s->session[i] = sess;
		prev_day = day;
	}
}

TP_EXPORT tp_status
tp_journey_store_finish(tp_journey_store *s)
{
	size_t n, nc, i, c, max = 0;
	struct tpi_rec *tmp = NULL;

	if (!s)
		return TP_EINVAL;
	if (s->finished)
		return TP_OK;
	n = s->n_events;
	nc = s->customers.n;
	/* Everything is allocated first, so that a failure leaves the store
	 * as it was. */
	s->cust_start = tpi_calloc(nc + 1, sizeof(*s->cust_start));
	s->recs = tpi_malloc(n ? n * sizeof(*s->recs) : 1);
	s->session = tpi_malloc(n ? n * sizeof(*s->session) : 1);
	if (!s->cust_start || !s->recs || !s->session ||
	    (n && n > SIZE_MAX / sizeof(*s->recs)))
		goto nomem;
	for (i = 0; i < n; i++)
		s->cust_start[s->chunks[i / TPI_CHUNK_EVENTS]
				      ->cust[i % TPI_CHUNK_EVENTS] + 1]++;
	for (c = 0; c < nc; c++) {
		if (s->cust_start[c + 1] > max)
			max = s->cust_start[c + 1];
		s->cust_start[c + 1] += s->cust_start[c];
	}
	if (max > 24) {
		tmp = tpi_malloc(max * sizeof(*tmp));
		if (!tmp)
			goto nomem;
	}

	/* Scatter, chunk by chunk (stable), freeing chunks as we go. The
	 * write position of customer c is cust_start[c], which ends as the
	 * start of c + 1. */
	for (i = 0; i < s->n_chunks; i++) {
		struct tpi_chunk *ch = s->chunks[i];
		size_t j, m = n - i * TPI_CHUNK_EVENTS;

		if (m > TPI_CHUNK_EVENTS)
			m = TPI_CHUNK_EVENTS;
		for (j = 0; j < m; j++)
			s->recs[s->cust_start[ch->cust[j]]++] = ch->recs[j];
		tpi_free(ch);
		s->chunks[i] = NULL;
	}
	tpi_free(s->chunks);
	s->chunks = NULL;
	s->n_chunks = s->cap_chunks = 0;
	memmove(s->cust_start + 1, s->cust_start, nc * sizeof(*s->cust_start));
	s->cust_start[0] = 0;

	for (c = 0; c < nc; c++) {
		size_t first = s->cust_start[c], end = s->cust_start[c + 1];

		for (i = first + 1; i < end; i++) {
			if (s->recs[i].ts < s->recs[i - 1].ts) {
				sort_records(s->recs + first, tmp, end - first);
				break;
			}
		}
		cut_sessions(s, first, end);
	}
	tpi_free(tmp);
	tpi_free(s->ring);
	s->ring = NULL;
	s->max_journey = max;
	s->finished = true;
	return TP_OK;
nomem:
	tpi_free(tmp);
	free_columns(s);
	return TP_ENOMEM;
}

/* ---- reading ---- */

TP_EXPORT int
tp_journey_store_is_finished(const tp_journey_store *s)
{
	return s && s->finished;
}

TP_EXPORT const tp_catalog *
tp_journey_store_catalog(const tp_journey_store *s)
{
	return s ? s->catalog : NULL;
}

TP_EXPORT size_t
tp_journey_store_customer_count(const tp_journey_store *s)
{
	return s ? s->customers.n : 0;
}

TP_EXPORT size_t
tp_journey_store_event_count(const tp_journey_store *s)
{
	return s ? s->n_events : 0;
}

TP_EXPORT const char *
tp_journey_store_customer_id(const tp_journey_store *s, size_t customer)
{
	if (!s || customer >= s->customers.n)
		return NULL;
	return s->customers.strs[customer].s;
}

TP_EXPORT int64_t
tp_journey_store_find_customer(const tp_journey_store *s, const char *id)
{
	uint32_t v;

	if (!s || !id)
		return TP_EINVAL;
	if (!tpi_strpool_find(&s->customers, id, strlen(id), &v))
		return TP_ENOTFOUND;
	return v;
}

TP_EXPORT tp_status
tp_journey_store_journey(const tp_journey_store *s, size_t customer,
			 size_t *first, size_t *count)
{
	if (!s || !first || !count || !s->finished ||
	    customer >= s->customers.n)
		return TP_EINVAL;
	*first = s->cust_start[customer];
	*count = s->cust_start[customer + 1] - *first;
	return TP_OK;
}

TP_EXPORT size_t
tp_journey_store_session_count(const tp_journey_store *s, size_t customer)
{
	if (!s || !s->finished || customer >= s->customers.n)
		return 0;
	return (size_t)s->session[s->cust_start[customer + 1] - 1] + 1;
}

/* The customer of an event: binary search in cust_start. */
static size_t
customer_of(const struct tp_journey_store *s, size_t index)
{
	size_t lo = 0, hi = s->customers.n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->cust_start[mid] <= index)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

TP_EXPORT tp_status
tp_journey_store_event(const tp_journey_store *s, size_t index,
		       tp_journey_event *out)
{
	const struct tpi_rec *r;
	const struct tpi_kind *k;
	unsigned flags;
	size_t c;

	if (!s || !out || out->size < sizeof(tp_journey_event) ||
	    !s->finished || index >= s->n_events)
		return TP_EINVAL;
	r = &s->recs[index];
	k = &s->kinds[r->kind];
	flags = tpi_rec_flags(r);
	c = customer_of(s, index);
	out->customer = c;
	out->timestamp_ms = r->ts;
	out->event_id = k->str[TPI_S_EVENT];
	out->channel_group_id = k->str[TPI_S_CHANNEL_GROUP];
	out->source_id = k->str[TPI_S_SOURCE];
	out->medium_id = k->str[TPI_S_MEDIUM];
	out->campaign_id = k->str[TPI_S_CAMPAIGN];
	out->event = out->event_id ? s->strings.strs[out->event_id].s : NULL;
	out->channel_group = out->channel_group_id
		? s->strings.strs[out->channel_group_id].s : NULL;
	out->source = out->source_id ? s->strings.strs[out->source_id].s : NULL;
	out->medium = out->medium_id ? s->strings.strs[out->medium_id].s : NULL;
	out->campaign = out->campaign_id
		? s->strings.strs[out->campaign_id].s : NULL;
	out->touchpoint = k->touchpoint;
	out->channel = k->channel;
	out->stage = k->stage;
	out->phase = (tp_phase)k->phase;
	out->has_value = (flags & TPI_EV_VALUE) != 0;
	out->value = out->has_value ? s->extras[tpi_rec_extra(r)].value : 0;
	out->has_score = (flags & TPI_EV_SCORE) != 0;
	out->score = out->has_score ? s->extras[tpi_rec_extra(r)].score : 0;
	out->is_conversion = (flags & TPI_EV_CONVERSION) != 0;
	out->session = s->session[index];
	out->session_start = index == s->cust_start[c] ||
			     s->session[index] != s->session[index - 1];
	return TP_OK;
}

TP_EXPORT const char *
tp_journey_store_string(const tp_journey_store *s, uint32_t id)
{
	if (!s || id == 0 || id >= s->strings.n)
		return NULL;
	return s->strings.strs[id].s;
}

TP_EXPORT size_t
tp_journey_store_string_count(const tp_journey_store *s)
{
	return s && s->strings.n ? s->strings.n - 1 : 0;
}

/* Field handles: the built-in fields are numbered as in fields.c's table
 * (16 of them), kept attributes follow. */
#define N_BUILTIN_HANDLES 16

static const char *const handle_names[N_BUILTIN_HANDLES] = {
	"event", "touchpoint", "channel", "stage", "phase", "channel_group",
	"source", "medium", "campaign", "kind", "initiator",
	"personalization", "intent", "control", "agent", "business_model",
};

TP_EXPORT int
tp_journey_store_find_field(const tp_journey_store *s, const char *name)
{
	size_t i;

	if (!s || !name)
		return TP_EINVAL;
	for (i = 0; i < N_BUILTIN_HANDLES; i++)
		if (strcmp(handle_names[i], name) == 0)
			return (int)i;
	for (i = 0; i < s->n_keep; i++)
		if (strcmp(s->keep[i], name) == 0)
			return (int)(N_BUILTIN_HANDLES + i);
	return TP_ENOTFOUND;
}

TP_EXPORT const char *
tp_journey_store_event_field(const tp_journey_store *s, size_t index,
			     int field)
{
	struct tpi_field f;

	if (!s || !s->finished || index >= s->n_events || field < 0)
		return NULL;
	if (field < N_BUILTIN_HANDLES) {
		if (!tpi_field_resolve(s, handle_names[field], false, &f))
			return NULL;
	} else if ((size_t)(field - N_BUILTIN_HANDLES) < s->n_keep) {
		f.type = TPI_FIELD_ATTR;
		f.arg = field - N_BUILTIN_HANDLES;
	} else {
		return NULL;
	}
	return tpi_field_label(s, f, tpi_field_code(s, f,
						    &s->kinds[s->recs[index].kind]));
}
