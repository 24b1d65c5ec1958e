/* SPDX-License-Identifier: MIT */
/*
 * Evaluating a compiled rule set on one event. Nothing here allocates:
 * values are views, atoms are memoized per event in ev->memo.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catalog-private.h"
#include "rules/rules-private.h"
#include "util/text.h"

static inline bool
attr_value(const struct tpi_rules_link *link, const struct tpi_eval *ev,
	   uint16_t name, struct tpi_str *out)
{
	uint16_t slot = link->attr_slot[name];

	if (slot == 0xffff)
		return false;
	*out = ev->attrs[slot];
	return out->p != NULL;
}

static bool
field_value(const tp_ruleset *rs, const struct tpi_rules_link *link,
	    const struct tpi_eval *ev, const struct tpi_fref *f,
	    struct tpi_str *out)
{
	const struct tpi_catalog_items *it = &rs->catalog->it;
	const char *s = NULL;

	switch (f->kind) {
	case TPI_FK_DERIVED:
		if (f->id == TP_FIELD_RULE) {
			/* the last rule that matched so far */
			s = ev->rule;
			break;
		}
		*out = ev->derived[f->id];
		return out->p != NULL;
	case TPI_FK_CHANNEL:
		if (ev->channel >= 0)
			s = it->channels[ev->channel].id;
		break;
	case TPI_FK_TOUCHPOINT:
		if (ev->touchpoint >= 0)
			s = it->touchpoints[ev->touchpoint].id;
		break;
	case TPI_FK_STAGE:
		if (ev->stage >= 0)
			s = it->stages[ev->stage].id;
		break;
	case TPI_FK_DIMENSION:
		if (ev->dims[f->id])
			s = tp_dimension_value_name((tp_dimension)f->id,
						    ev->dims[f->id]);
		break;
	case TPI_FK_NAMED: {
		const struct tpi_str *l = &ev->labels[link->label_slot[f->name]];

		if (l->p) {
			*out = *l;
			return true;
		}
		break;
	}
	default:
		return false;
	}
	if (s) {
		out->p = s;
		out->n = strlen(s);
		return true;
	}
	if (f->kind == TPI_FK_DERIVED)
		return false;
	return attr_value(link, ev, f->name, out);
}

static bool
eq(const struct tpi_atom *a, const char *p, size_t n, size_t i)
{
	if (a->lens[i] != n)
		return false;
	if (a->case_sensitive)
		return memcmp(p, a->strs[i], n) == 0;
	return tpi_memcaseeq(p, n, a->strs[i], n);
}

static bool
has_prefix(const struct tpi_atom *a, const char *p, size_t n, size_t i)
{
	return a->lens[i] <= n && (a->case_sensitive ?
		memcmp(p, a->strs[i], a->lens[i]) == 0 :
		tpi_memcaseeq(p, a->lens[i], a->strs[i], a->lens[i]));
}

static bool
has_suffix(const struct tpi_atom *a, const char *p, size_t n, size_t i)
{
	size_t k = a->lens[i];

	return k <= n && (a->case_sensitive ?
		memcmp(p + n - k, a->strs[i], k) == 0 :
		tpi_memcaseeq(p + n - k, k, a->strs[i], k));
}

static bool
contains(const struct tpi_atom *a, const char *p, size_t n, size_t i)
{
	size_t k = a->lens[i];
	const char *needle = a->strs[i], *q, *last;
	char c0;

	if (k == 0)
		return true;
	if (k > n)
		return false;
	last = p + (n - k);     /* the last place the needle can start */
	c0 = needle[0];         /* lowercase unless case-sensitive */
	if (a->case_sensitive || c0 < 'a' || c0 > 'z') {
		/* The first byte has one form: memchr finds the places. */
		for (q = p; q <= last; q++) {
			q = memchr(q, c0, (size_t)(last - q) + 1);
			if (!q)
				return false;
			if (a->case_sensitive ? memcmp(q, needle, k) == 0 :
			    tpi_memcaseeq(q, k, needle, k))
				return true;
		}
		return false;
	}
	/* A letter, in either case: b | 0x20 is c0 only for c0 and its
	 * capital. */
	for (q = p; q <= last; q++)
		if ((char)(*q | 0x20) == c0 && tpi_memcaseeq(q, k, needle, k))
			return true;
	return false;
}

/* host equals the domain or is a subdomain of it. */
static bool
host_match(const struct tpi_atom *a, const char *p, size_t n, size_t i)
{
	size_t k = a->lens[i];

	if (n == k)
		return tpi_memcaseeq(p, n, a->strs[i], k);
	return n > k && p[n - k - 1] == '.' &&
	       tpi_memcaseeq(p + n - k, k, a->strs[i], k);
}

static bool
in_set(const struct tpi_atom *a, const char *p, size_t n)
{
	const struct tpi_strmap *m = &a->set->map;
	uint32_t h;
	size_t j;

	if (!m->slots)
		return false;
	h = a->case_sensitive ? tpi_hash(p, n) : tpi_hash_lower(p, n);
	j = h & m->mask;
	while (m->slots[j].key) {
		const struct tpi_strmap_slot *s = &m->slots[j];

		if (s->hash == h && s->len == n &&
		    (a->case_sensitive ? memcmp(s->key, p, n) == 0 :
		     tpi_memcaseeq(s->key, n, p, n)))
			return true;
		j = (j + 1) & m->mask;
	}
	return false;
}

static bool
number(const char *p, size_t n, double *out)
{
	char buf[64], *end;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	*out = strtod(buf, &end);
	return end == buf + n && isfinite(*out);
}

static bool
atom_eval(const tp_ruleset *rs, const struct tpi_rules_link *link,
	  struct tpi_eval *ev, const struct tpi_atom *a)
{
	struct tpi_str v = { NULL, 0 };
	bool present = field_value(rs, link, ev, &a->field, &v) && v.n > 0;
	size_t i;
	double x;

	switch (a->op) {
	case TPI_OP_EXISTS:
		return present;
	case TPI_OP_MISSING:
		return !present;
	case TPI_OP_NE:
		if (!present)
			return true;
		for (i = 0; i < a->n_strs; i++)
			if (eq(a, v.p, v.n, i))
				return false;
		return true;
	default:
		break;
	}
	if (!present)
		return false;
	switch (a->op) {
	case TPI_OP_EQ:
		for (i = 0; i < a->n_strs; i++)
			if (eq(a, v.p, v.n, i))
				return true;
		return false;
	case TPI_OP_IN:
		return in_set(a, v.p, v.n);
	case TPI_OP_PREFIX:
		for (i = 0; i < a->n_strs; i++)
			if (has_prefix(a, v.p, v.n, i))
				return true;
		return false;
	case TPI_OP_SUFFIX:
		for (i = 0; i < a->n_strs; i++)
			if (has_suffix(a, v.p, v.n, i))
				return true;
		return false;
	case TPI_OP_CONTAINS:
		for (i = 0; i < a->n_strs; i++)
			if (contains(a, v.p, v.n, i))
				return true;
		return false;
	case TPI_OP_HOST:
		for (i = 0; i < a->n_strs; i++)
			if (host_match(a, v.p, v.n, i))
				return true;
		return false;
	case TPI_OP_REGEX:
		if (!ev->md)
			return false;
		if (a->jit)
			return pcre2_jit_match(a->re, (PCRE2_SPTR)v.p, v.n, 0, 0,
					       ev->md, NULL) >= 0;
		return pcre2_match(a->re, (PCRE2_SPTR)v.p, v.n, 0, 0, ev->md,
				   NULL) >= 0;
	case TPI_OP_GT:
		return number(v.p, v.n, &x) && x > a->number;
	case TPI_OP_GE:
		return number(v.p, v.n, &x) && x >= a->number;
	case TPI_OP_LT:
		return number(v.p, v.n, &x) && x < a->number;
	case TPI_OP_LE:
		return number(v.p, v.n, &x) && x <= a->number;
	default:
		return false;
	}
}

/* An atom's truth value for this event, memoized. */
static inline bool
atom_memo(const tp_ruleset *rs, const struct tpi_rules_link *link,
	  struct tpi_eval *ev, uint32_t atom)
{
	uint32_t m = ev->memo[atom];
	bool r;

	if ((m >> 1) == ev->gen)
		return m & 1;
	r = atom_eval(rs, link, ev, &rs->atoms[atom]);
	ev->memo[atom] = (ev->gen << 1) | (uint32_t)r;
	return r;
}

static bool
node_eval(const tp_ruleset *rs, const struct tpi_rules_link *link,
	  struct tpi_eval *ev, const struct tpi_node *n)
{
	size_t i;

	switch (n->type) {
	case TPI_N_TRUE:
		return true;
	case TPI_N_ATOM:
		return atom_memo(rs, link, ev, n->atom);
	case TPI_N_ALL:
		for (i = 0; i < n->n_kids; i++)
			if (!node_eval(rs, link, ev, &n->kids[i]))
				return false;
		return true;
	case TPI_N_ANY:
		for (i = 0; i < n->n_kids; i++)
			if (node_eval(rs, link, ev, &n->kids[i]))
				return true;
		return false;
	case TPI_N_NOT:
		return !node_eval(rs, link, ev, &n->kids[0]);
	default:
		return false;
	}
}

static void
apply(const struct tpi_rules_link *link, struct tpi_eval *ev,
      const struct tpi_rule *r)
{
	const struct tpi_outputs *o = &r->set;
	size_t i;

	if (o->channel >= 0)
		ev->channel = o->channel;
	if (o->touchpoint >= 0)
		ev->touchpoint = o->touchpoint;
	if (o->stage >= 0)
		ev->stage = o->stage;
	for (i = 1; i <= TP_DIMENSION_LAST; i++)
		if (o->dims[i] != 0xff)
			ev->dims[i] = o->dims[i];
	for (i = 0; i < o->n_labels; i++) {
		struct tpi_str *l = &ev->labels[link->label_slot[o->labels[i].name]];

		l->p = o->labels[i].value;
		l->n = o->labels[i].len;
	}
	ev->rule = r->name;
	if (ev->n_rules < sizeof(ev->rules) / sizeof(ev->rules[0]))
		ev->rules[ev->n_rules++] = r->name;
}

static inline uint64_t
mix_hash(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	uint64_t w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/*
 * The key of a group's outcome: for each of its fields, as the field's
 * key says (struct tpi_dep), the truth values of its atoms (one byte),
 * its presence (2 bytes) or its value (a 2-byte length, 0xffff = absent,
 * and its bytes). False when it does not fit in TPI_GCACHE_KEY bytes.
 */
static bool
group_key(const tp_ruleset *rs, const struct tpi_rules_link *link,
	  struct tpi_eval *ev, const struct tpi_group *g, char *key,
	  size_t *len)
{
	size_t i, k, n = 0;

	for (i = 0; i < g->n_deps; i++) {
		const struct tpi_dep *d = &g->deps[i];
		struct tpi_str v = { NULL, 0 };
		bool present;

		if (d->key == TPI_DEP_ATOMS) {
			unsigned bits = 0;

			if (n + 1 > TPI_GCACHE_KEY)
				return false;
			for (k = 0; k < d->n_atoms; k++)
				bits |= (unsigned)atom_memo(rs, link, ev, d->atoms[k]) << k;
			key[n++] = (char)bits;
			continue;
		}
		present = field_value(rs, link, ev, &d->field, &v) && v.n;
		if (!present) {
			if (n + 2 > TPI_GCACHE_KEY)
				return false;
			key[n++] = (char)0xff;
			key[n++] = (char)0xff;
			continue;
		}
		if (d->key == TPI_DEP_PRESENCE) {
			/* exists/missing only: the value does not matter */
			if (n + 2 > TPI_GCACHE_KEY)
				return false;
			key[n++] = 0;
			key[n++] = 0;
			continue;
		}
		if (v.n >= 0xffff || n + 2 + v.n > TPI_GCACHE_KEY)
			return false;
		key[n++] = (char)(v.n & 0xff);
		key[n++] = (char)(v.n >> 8);
		memcpy(key + n, v.p, v.n);
		n += v.n;
	}
	*len = n;
	return true;
}

/* The bitset number of the lowercased key equal to p[0..n) in any case. */
static inline bool
probe(const struct tpi_strmap *m, const char *p, size_t n, uint32_t *out)
{
	uint32_t h = tpi_hash_lower(p, n);
	size_t j = h & m->mask;

	while (m->slots[j].key) {
		const struct tpi_strmap_slot *s = &m->slots[j];

		if (s->hash == h && s->len == n && tpi_memcaseeq(s->key, n, p, n)) {
			*out = s->value;
			return true;
		}
		j = (j + 1) & m->mask;
	}
	return false;
}

static inline void
or_bits(uint64_t *dst, const struct tpi_group_index *ix, uint32_t b)
{
	const uint64_t *src = ix->bits + (size_t)b * 2 * ix->n_words;
	size_t w;

	for (w = 0; w < 2 * ix->n_words; w++)
		dst[w] |= src[w];
}

/* The rules of an indexed group that can match the event: in each half,
 * the union of `always` and the event's triggers (rules-private.h). */
static void
candidates(const tp_ruleset *rs, const struct tpi_rules_link *link,
	   const struct tpi_eval *ev, const struct tpi_group_index *ix,
	   uint64_t *cand)
{
	size_t f, k;
	uint32_t b;

	memcpy(cand, ix->bits, 2 * ix->n_words * sizeof(uint64_t));
	for (f = 0; f < ix->n_fields; f++) {
		const struct tpi_trigger_field *tf = &ix->fields[f];
		struct tpi_str v = { NULL, 0 };

		if (!field_value(rs, link, ev, &tf->field, &v) || !v.n)
			continue;
		if (tf->present != UINT32_MAX)
			or_bits(cand, ix, tf->present);
		if (tf->non_ascii != UINT32_MAX && !tpi_ascii(v.p, v.n))
			or_bits(cand, ix, tf->non_ascii);
		if (tf->eq.count && probe(&tf->eq, v.p, v.n, &b))
			or_bits(cand, ix, b);
		for (k = 0; k < tf->n_prefix_lens && tf->prefix_lens[k] <= v.n; k++)
			if (probe(&tf->prefix, v.p, tf->prefix_lens[k], &b))
				or_bits(cand, ix, b);
		for (k = 0; k < tf->n_suffix_lens && tf->suffix_lens[k] <= v.n; k++)
			if (probe(&tf->suffix, v.p + v.n - tf->suffix_lens[k],
				  tf->suffix_lens[k], &b))
				or_bits(cand, ix, b);
		if (tf->host.count) {
			/* the host, then each parent domain */
			const char *p = v.p, *end = v.p + v.n;

			for (;;) {
				const char *dot;

				if (probe(&tf->host, p, (size_t)(end - p), &b))
					or_bits(cand, ix, b);
				dot = memchr(p, '.', (size_t)(end - p));
				if (!dot)
					break;
				p = dot + 1;
			}
		}
	}
}

static int32_t
group_eval(const tp_ruleset *rs, const struct tpi_rules_link *link,
	   struct tpi_eval *ev, const struct tpi_group *grp)
{
	size_t k;

	if (grp->index) {
		uint64_t cand[2 * (TPI_INDEX_MAX_RULES / 64)];
		const struct tpi_group_index *ix = grp->index;
		size_t w;

		candidates(rs, link, ev, ix, cand);
		for (w = 0; w < ix->n_words; w++) {
			/* both conditions hold */
			uint64_t bits = cand[w] & cand[ix->n_words + w];

			while (bits) {
				k = w * 64 + (size_t)__builtin_ctzll(bits);
				bits &= bits - 1;
				if (node_eval(rs, link, ev, &grp->rules[k].when))
					return (int32_t)k;
			}
		}
		return -1;
	}
	for (k = 0; k < grp->n_rules; k++)
		if (node_eval(rs, link, ev, &grp->rules[k].when))
			return (int32_t)k;
	return -1;
}

void
tpi_ruleset_eval(const tp_ruleset *rs, const struct tpi_rules_link *link,
		 struct tpi_eval *ev)
{
	size_t g;

	/* Atom memos are per rule set: a new generation for each. */
	if (++ev->gen >= 0x7fffffffu) {
		memset(ev->memo, 0, ev->n_memo * sizeof(uint32_t));
		ev->gen = 1;
	}
	for (g = 0; g < rs->n_groups; g++) {
		const struct tpi_group *grp = &rs->groups[g];
		struct tpi_gcache_entry *e = NULL, *set;
		char key[TPI_GCACHE_KEY];
		size_t len = 0;
		uint64_t h = 0;
		int32_t rule;

		if (ev->gcache && grp->n_deps != SIZE_MAX &&
		    group_key(rs, link, ev, grp, key, &len)) {
			h = mix_hash(key, len);
			set = &ev->gcache[link->group_base + grp->cache_off +
					  2 * (h & (grp->cache_sets - 1))];
			if (set[0].valid && set[0].hash == h && set[0].len == len &&
			    memcmp(set[0].key, key, len) == 0) {
				if (set[0].rule >= 0)
					apply(link, ev, &grp->rules[set[0].rule]);
				continue;
			}
			if (set[1].valid && set[1].hash == h && set[1].len == len &&
			    memcmp(set[1].key, key, len) == 0) {
				struct tpi_gcache_entry t = set[1];

				/* most recently used first */
				set[1] = set[0];
				set[0] = t;
				if (t.rule >= 0)
					apply(link, ev, &grp->rules[t.rule]);
				continue;
			}
			/* the older entry makes room */
			set[1] = set[0];
			e = &set[0];
		}
		rule = group_eval(rs, link, ev, grp);
		if (rule >= 0)
			apply(link, ev, &grp->rules[rule]);
		if (e) {
			e->valid = 1;
			e->hash = h;
			e->len = (uint16_t)len;
			e->rule = rule;
			memcpy(e->key, key, len);
		}
	}
}
