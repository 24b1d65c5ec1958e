/* SPDX-License-Identifier: MIT */
/*
 * The candidate index of a rule group (see struct tpi_group_index in
 * rules-private.h): for each rule a necessary condition made of
 * "triggers" on field values, and for each distinct trigger the bitset of
 * the rules it makes candidates. Built once when a rule set compiles;
 * read-only afterwards (eval.c probes it).
 */
#include <string.h>

#include "rules/rules-private.h"
#include "util/mem.h"
#include "util/text.h"

enum trig_kind { TK_PRESENT, TK_EQ, TK_PREFIX, TK_SUFFIX, TK_HOST };

struct trig {
	struct tpi_fref field;
	uint8_t kind;
	bool any_non_ascii;   /* also holds for any value with a byte >= 0x80 */
	const char *s;
	size_t n;
};

/* A necessary condition of a node: one of the triggers holds, or (always)
 * nothing can be said. */
struct tset {
	struct trig *v;
	size_t n, cap;
	bool always;
};

static bool
same_field(const struct tpi_fref *a, const struct tpi_fref *b)
{
	return a->kind == b->kind && a->id == b->id && a->name == b->name;
}

static void
tset_fini(struct tset *t)
{
	tpi_free(t->v);
	memset(t, 0, sizeof(*t));
}

static bool
tset_add(struct tset *t, const struct tpi_fref *f, uint8_t kind,
	 const char *s, size_t n)
{
	if (!TPI_GROW(t->v, t->cap, t->n + 1))
		return false;
	t->v[t->n].field = *f;
	t->v[t->n].kind = kind;
	t->v[t->n].any_non_ascii = false;
	t->v[t->n].s = s;
	t->v[t->n].n = n;
	t->n++;
	return true;
}

/* How weak a condition is: a value trigger narrows to a few events, a
 * short string or a mere presence to many. Lower is better. */
static size_t
tset_weight(const struct tset *t)
{
	size_t i, w = 0;

	for (i = 0; i < t->n; i++)
		w += t->v[i].kind == TK_PRESENT ? 64 : t->v[i].n >= 3 ? 1 : 16;
	return w;
}

/* ---- literal prefixes of anchored regular expressions ---- */

static bool
re_meta(char c)
{
	return strchr("\\^$.|?*+()[]{}", c) != NULL;
}

/* Whether the pattern has a `|` outside any group or class. */
static bool
re_top_level_alternation(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				break;
		} else if (*p == '[') {
			/* a class: `]` first is literal; escapes inside */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p && *p != ']') {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (!*p)
				break;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if (*p == '|' && depth == 0) {
			return true;
		}
	}
	return false;
}

/* A run of literal ASCII characters at *pp into buf (up to cap); stops
 * before anything else. Returns its length. */
static size_t
re_literals(const char **pp, char *buf, size_t cap)
{
	const char *p = *pp;
	size_t n = 0;

	while (*p && n < cap) {
		char c = *p;

		if ((unsigned char)c >= 0x80 || c == ' ' || c == '#')
			break;   /* non-ASCII case rules; (?x) white space */
		if (c == '\\') {
			/* an escaped punctuation character is itself */
			if (!p[1] || (unsigned char)p[1] >= 0x80 ||
			    !strchr("/.-_:!\"'%&,;<=>@`~\\^$|?*+()[]{}", p[1]))
				break;
			c = p[1];
			p++;
		} else if (re_meta(c)) {
			break;
		}
		buf[n++] = c;
		p++;
	}
	*pp = p;
	return n;
}

static bool
re_quantifier_zero(char c)
{
	return c == '?' || c == '*' || c == '{';
}

/* Keep s (allocated) with the index, which frees it; NULL when out of
 * memory (s is freed). */
static const char *
own(struct tpi_group_index *ix, char *s)
{
	if (!s || !TPI_GROW(ix->keys, ix->cap_keys, ix->n_keys + 1)) {
		tpi_free(s);
		return NULL;
	}
	ix->keys[ix->n_keys++] = s;
	return s;
}

static bool
add_prefix(struct tpi_group_index *ix, const struct tpi_atom *a,
	   struct tset *out, const char *run, size_t n, const char *alt,
	   size_t m)
{
	char *s = tpi_malloc(n + m + 1);
	const char *kept;

	if (s) {
		memcpy(s, run, n);
		memcpy(s + n, alt, m);
		s[n + m] = '\0';
	}
	if (!(kept = own(ix, s)) ||
	    !tset_add(out, &a->field, n + m ? TK_PREFIX : TK_PRESENT, kept, n + m))
		return false;
	/* caseless matching folds a few non-ASCII characters onto ASCII
	 * letters (K, s): a value with such bytes must be tried */
	out->v[out->n - 1].any_non_ascii = !a->case_sensitive;
	return true;
}

/*
 * The literal prefixes a match of an anchored pattern must start with:
 * `^/cart` gives /cart, `^/(cart|basket)(/|$)` gives /cart and /basket.
 * Conservative: anything it does not understand ends the prefix. Adds
 * nothing (and sets *found false) when there is no prefix to find.
 * Returns false when memory is exhausted.
 */
static bool
regex_prefixes(struct tpi_group_index *ix, const struct tpi_atom *a,
	       struct tset *out, bool *found)
{
	char run[64], alt[64];
	const char *p = a->strs[0], *q;
	size_t n, m;
	bool group = false;

	*found = false;
	if (*p == '^')
		p++;
	else if (!a->full_match)
		return true;
	if (re_top_level_alternation(p))
		return true;
	n = re_literals(&p, run, sizeof(run));
	if (re_quantifier_zero(*p)) {
		if (n)
			n--;   /* the last character may be absent */
	} else if (*p == '(') {
		/* a group of literal alternatives that is not optional */
		q = p + 1;
		if (q[0] == '?' && q[1] == ':')
			q += 2;
		else if (q[0] == '?')
			q = NULL;
		while (q) {
			m = re_literals(&q, alt, sizeof(alt));
			if ((*q != '|' && *q != ')') || n + m > sizeof(run))
				break;
			if (*q == ')') {
				group = !re_quantifier_zero(q[1]);
				break;
			}
			q++;
		}
	}
	if (!group) {
		if (n == 0)
			return true;
		*found = true;
		return add_prefix(ix, a, out, run, n, "", 0);
	}
	q = p + 1;
	if (q[0] == '?' && q[1] == ':')
		q += 2;
	*found = true;
	for (;;) {
		m = re_literals(&q, alt, sizeof(alt));
		if (!add_prefix(ix, a, out, run, n, alt, m))
			return false;
		if (*q++ == ')')
			return true;
	}
}

static bool
atom_triggers(struct tpi_group_index *ix, const struct tpi_atom *a,
	      struct tset *out)
{
	uint8_t kind;
	size_t i;
	bool found;

	switch (a->op) {
	case TPI_OP_REGEX:
		if (!regex_prefixes(ix, a, out, &found))
			return false;
		if (found)
			return true;
		return tset_add(out, &a->field, TK_PRESENT, NULL, 0);
	case TPI_OP_EQ:
		kind = TK_EQ;
		break;
	case TPI_OP_IN:
		for (i = 0; i < a->set->n; i++)
			if (!tset_add(out, &a->field, TK_EQ, a->set->items[i],
				      strlen(a->set->items[i])))
				return false;
		return true;
	case TPI_OP_PREFIX:
		kind = TK_PREFIX;
		break;
	case TPI_OP_SUFFIX:
		kind = TK_SUFFIX;
		break;
	case TPI_OP_HOST:
		kind = TK_HOST;
		break;
	case TPI_OP_NE:
	case TPI_OP_MISSING:
		/* true when the field is absent: no trigger */
		out->always = true;
		return true;
	default:
		/* every other operator is false on an absent (or empty) field */
		return tset_add(out, &a->field, TK_PRESENT, NULL, 0);
	}
	for (i = 0; i < a->n_strs; i++) {
		/* an empty prefix or suffix only needs the field to be there */
		uint8_t k = (kind != TK_EQ && a->lens[i] == 0) ? TK_PRESENT : kind;

		if (!tset_add(out, &a->field, k, a->strs[i], a->lens[i]))
			return false;
	}
	return true;
}

static bool
node_triggers(const tp_ruleset *rs, struct tpi_group_index *ix,
	      const struct tpi_node *n, struct tset *out)
{
	size_t i;

	switch (n->type) {
	case TPI_N_ATOM:
		return atom_triggers(ix, &rs->atoms[n->atom], out);
	case TPI_N_ANY:
		/* one of the kids must hold: the union of their conditions */
		for (i = 0; i < n->n_kids && !out->always; i++)
			if (!node_triggers(rs, ix, &n->kids[i], out))
				return false;
		return true;
	case TPI_N_ALL: {
		/* every kid must hold: any one kid's condition will do; take
		 * the narrowest */
		struct tset best = { NULL, 0, 0, true };

		for (i = 0; i < n->n_kids; i++) {
			struct tset t = { NULL, 0, 0, false };

			if (!node_triggers(rs, ix, &n->kids[i], &t)) {
				tset_fini(&t);
				tset_fini(&best);
				return false;
			}
			if (!t.always && (best.always ||
					  tset_weight(&t) < tset_weight(&best))) {
				tset_fini(&best);
				best = t;
			} else {
				tset_fini(&t);
			}
		}
		if (best.always) {
			out->always = true;
			return true;
		}
		for (i = 0; i < best.n; i++) {
			if (!tset_add(out, &best.v[i].field, best.v[i].kind,
				      best.v[i].s, best.v[i].n)) {
				tset_fini(&best);
				return false;
			}
			out->v[out->n - 1].any_non_ascii = best.v[i].any_non_ascii;
		}
		tset_fini(&best);
		return true;
	}
	default:
		/* true, not: nothing to require */
		out->always = true;
		return true;
	}
}

/* A new empty bitset (both halves); its number, or UINT32_MAX when out
 * of memory. */
static uint32_t
new_bitset(struct tpi_group_index *ix)
{
	size_t need = (ix->n_bitsets + 1) * 2 * ix->n_words;

	if (!TPI_GROW(ix->bits, ix->cap_bits, need))
		return UINT32_MAX;
	memset(ix->bits + ix->n_bitsets * 2 * ix->n_words, 0,
	       2 * ix->n_words * sizeof(uint64_t));
	return (uint32_t)ix->n_bitsets++;
}

/* Set rule's bit in half h (0 = first condition, 1 = second) of bitset b. */
static void
set_bit(struct tpi_group_index *ix, uint32_t b, int h, size_t rule)
{
	ix->bits[(b * 2 + (size_t)h) * ix->n_words + rule / 64] |=
		UINT64_C(1) << (rule % 64);
}

static struct tpi_trigger_field *
trigger_field(struct tpi_group_index *ix, const struct tpi_fref *f)
{
	struct tpi_trigger_field *tf;
	size_t i;

	for (i = 0; i < ix->n_fields; i++)
		if (same_field(&ix->fields[i].field, f))
			return &ix->fields[i];
	tf = tpi_reallocarray(ix->fields, ix->n_fields + 1, sizeof(*tf));
	if (!tf)
		return NULL;
	ix->fields = tf;
	tf = &ix->fields[ix->n_fields++];
	memset(tf, 0, sizeof(*tf));
	tf->field = *f;
	tf->present = UINT32_MAX;
	tf->non_ascii = UINT32_MAX;
	return tf;
}

/* The bitset of the lowercased key s in m, made when new. */
static uint32_t
keyed_bitset(struct tpi_group_index *ix, struct tpi_strmap *m, const char *s,
	     size_t n)
{
	char *key;
	uint32_t b, old;
	size_t i;

	key = tpi_strndup(s, n);
	if (!key)
		return UINT32_MAX;
	for (i = 0; i < n; i++)
		key[i] = tpi_lower(key[i]);
	if (tpi_strmap_get(m, key, n, &old)) {
		tpi_free(key);
		return old;
	}
	if (!TPI_GROW(ix->keys, ix->cap_keys, ix->n_keys + 1)) {
		tpi_free(key);
		return UINT32_MAX;
	}
	ix->keys[ix->n_keys++] = key;
	b = new_bitset(ix);
	if (b == UINT32_MAX || !tpi_strmap_put(m, key, n, b, &old))
		return UINT32_MAX;
	return b;
}

/* Add n to the sorted set of lengths lens[0 .. *count). */
static bool
add_length(uint32_t **lens, size_t *count, size_t n)
{
	uint32_t *l;
	size_t i;

	for (i = 0; i < *count && (*lens)[i] < n; i++)
		;
	if (i < *count && (*lens)[i] == n)
		return true;
	l = tpi_reallocarray(*lens, *count + 1, sizeof(uint32_t));
	if (!l)
		return false;
	memmove(l + i + 1, l + i, (*count - i) * sizeof(uint32_t));
	l[i] = (uint32_t)n;
	*lens = l;
	(*count)++;
	return true;
}

static bool
add_trigger(struct tpi_group_index *ix, const struct trig *t, int half,
	    size_t rule)
{
	struct tpi_trigger_field *tf = trigger_field(ix, &t->field);
	uint32_t b;

	if (!tf)
		return false;
	switch (t->kind) {
	case TK_PRESENT:
		if (tf->present == UINT32_MAX)
			tf->present = new_bitset(ix);
		b = tf->present;
		break;
	case TK_EQ:
		b = keyed_bitset(ix, &tf->eq, t->s, t->n);
		break;
	case TK_PREFIX:
		if (!add_length(&tf->prefix_lens, &tf->n_prefix_lens, t->n))
			return false;
		b = keyed_bitset(ix, &tf->prefix, t->s, t->n);
		break;
	case TK_SUFFIX:
		if (!add_length(&tf->suffix_lens, &tf->n_suffix_lens, t->n))
			return false;
		b = keyed_bitset(ix, &tf->suffix, t->s, t->n);
		break;
	default:
		b = keyed_bitset(ix, &tf->host, t->s, t->n);
		break;
	}
	if (b == UINT32_MAX)
		return false;
	set_bit(ix, b, half, rule);
	if (t->any_non_ascii) {
		if (tf->non_ascii == UINT32_MAX &&
		    (tf->non_ascii = new_bitset(ix)) == UINT32_MAX)
			return false;
		set_bit(ix, tf->non_ascii, half, rule);
	}
	return true;
}

static bool
add_tset(struct tpi_group_index *ix, const struct tset *t, int half,
	 size_t rule)
{
	size_t k;

	if (t->always) {
		set_bit(ix, 0, half, rule);
		return true;
	}
	for (k = 0; k < t->n; k++)
		if (!add_trigger(ix, &t->v[k], half, rule))
			return false;
	return true;
}

/*
 * The two conditions of a rule: for an `all`, the two narrowest of its
 * members' conditions (a rule is a candidate when both hold); otherwise
 * the rule's one condition and `always`.
 */
static bool
rule_conditions(const tp_ruleset *rs, struct tpi_group_index *ix,
		const struct tpi_node *when, struct tset *first,
		struct tset *second)
{
	size_t i;

	second->always = true;
	if (when->type != TPI_N_ALL)
		return node_triggers(rs, ix, when, first);
	first->always = true;
	for (i = 0; i < when->n_kids; i++) {
		struct tset t = { NULL, 0, 0, false };

		if (!node_triggers(rs, ix, &when->kids[i], &t)) {
			tset_fini(&t);
			return false;
		}
		if (t.always) {
			tset_fini(&t);
		} else if (first->always || tset_weight(&t) < tset_weight(first)) {
			tset_fini(second);
			*second = *first;
			*first = t;
		} else if (second->always || tset_weight(&t) < tset_weight(second)) {
			tset_fini(second);
			*second = t;
		} else {
			tset_fini(&t);
		}
	}
	return true;
}

void
tpi_group_index_free(struct tpi_group_index *ix)
{
	size_t i;

	if (!ix)
		return;
	for (i = 0; i < ix->n_fields; i++) {
		struct tpi_trigger_field *tf = &ix->fields[i];

		tpi_strmap_fini(&tf->eq);
		tpi_strmap_fini(&tf->prefix);
		tpi_strmap_fini(&tf->suffix);
		tpi_strmap_fini(&tf->host);
		tpi_free(tf->prefix_lens);
		tpi_free(tf->suffix_lens);
	}
	tpi_free(ix->fields);
	for (i = 0; i < ix->n_keys; i++)
		tpi_free(ix->keys[i]);
	tpi_free(ix->keys);
	tpi_free(ix->bits);
	tpi_free(ix);
}

bool
tpi_group_index_build(const tp_ruleset *rs, struct tpi_group *g)
{
	struct tpi_group_index *ix;
	size_t i, narrowed = 0;

	/*
	 * Small groups are scanned in order: for the built-in `ga4` group
	 * (19 rules) and the `touchpoints` channel group (31), probing the
	 * index cost more than it saved (bench/bench-classify.c: ga4 alone
	 * 480 ns an event scanned, 540 ns indexed). Huge groups are scanned
	 * too (the candidate bitset lives on the stack).
	 */
	if (g->n_rules < TPI_INDEX_MIN_RULES || g->n_rules > TPI_INDEX_MAX_RULES)
		return true;
	ix = tpi_calloc(1, sizeof(*ix));
	if (!ix)
		return false;
	ix->n_words = (g->n_rules + 63) / 64;
	if (new_bitset(ix) != 0)
		goto nomem;
	for (i = 0; i < g->n_rules; i++) {
		struct tset a = { NULL, 0, 0, false }, b = { NULL, 0, 0, true };
		bool ok = rule_conditions(rs, ix, &g->rules[i].when, &a, &b) &&
			  add_tset(ix, &a, 0, i) && add_tset(ix, &b, 1, i);

		narrowed += !a.always;
		tset_fini(&a);
		tset_fini(&b);
		if (!ok)
			goto nomem;
	}
	if (narrowed == 0) {
		/* every rule is a candidate for every event */
		tpi_group_index_free(ix);
		return true;
	}
	g->index = ix;
	return true;
nomem:
	tpi_group_index_free(ix);
	return false;
}

static size_t
map_memory(const struct tpi_strmap *m)
{
	return m->slots ? (m->mask + 1) * sizeof(m->slots[0]) : 0;
}

size_t
tpi_group_index_memory(const struct tpi_group_index *ix)
{
	size_t m, i;

	if (!ix)
		return 0;
	m = sizeof(*ix) + ix->cap_bits * sizeof(uint64_t) +
	    ix->n_fields * sizeof(ix->fields[0]) + ix->cap_keys * sizeof(char *);
	for (i = 0; i < ix->n_keys; i++)
		m += strlen(ix->keys[i]) + 1;
	for (i = 0; i < ix->n_fields; i++) {
		const struct tpi_trigger_field *tf = &ix->fields[i];

		m += map_memory(&tf->eq) + map_memory(&tf->prefix) +
		     map_memory(&tf->suffix) + map_memory(&tf->host) +
		     (tf->n_prefix_lens + tf->n_suffix_lens) * sizeof(uint32_t);
	}
	return m;
}
