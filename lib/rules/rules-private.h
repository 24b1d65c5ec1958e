/* SPDX-License-Identifier: MIT */
/*
 * Internal: the compiled form of a rule set and its evaluation.
 *
 * A rule set compiles to groups of rules; each rule has a condition tree
 * whose leaves are "atoms" (one operator on one field). Identical atoms
 * are stored once, so the evaluation memoizes each atom per event.
 *
 * Field references resolve at compile time:
 *  - derived fields (source, medium, url_host ... see tp_field) to a fixed
 *    slot that the classifier fills before the rules run;
 *  - outputs (channel, touchpoint, stage, the dimensions) to what earlier
 *    groups set, falling back to a raw attribute of the same name;
 *  - any other name to a label set by an earlier group, falling back to a
 *    raw attribute of that name. Names are local to the rule set; the
 *    classifier links them to its own slots (struct tpi_rules_link).
 */
#ifndef TP_RULES_PRIVATE_H
#define TP_RULES_PRIVATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "touchpoint/classifier.h"
#include "touchpoint/rules.h"
#include "util/strmap.h"

/* Number of tp_field values (1 .. TPI_FIELD_COUNT - 1). */
#define TPI_FIELD_COUNT (TP_FIELD_REFERRER_KNOWN + 1)

/* A counted string view. */
struct tpi_str {
	const char *p;
	size_t n;
};

enum tpi_fkind {
	TPI_FK_DERIVED = 1,     /* id = tp_field */
	TPI_FK_CHANNEL,         /* output channel id, else attribute */
	TPI_FK_TOUCHPOINT,
	TPI_FK_STAGE,
	TPI_FK_DIMENSION,       /* id = tp_dimension */
	TPI_FK_NAMED,           /* name = rule-set name index: label, else attribute */
};

struct tpi_fref {
	uint8_t kind;
	uint8_t id;
	uint16_t name;          /* index into rs->names; for all kinds but DERIVED */
};

enum tpi_op {
	TPI_OP_EQ = 1, TPI_OP_NE, TPI_OP_IN, TPI_OP_PREFIX, TPI_OP_SUFFIX,
	TPI_OP_CONTAINS, TPI_OP_REGEX, TPI_OP_EXISTS, TPI_OP_MISSING,
	TPI_OP_GT, TPI_OP_GE, TPI_OP_LT, TPI_OP_LE, TPI_OP_HOST,
};

/* A set of strings for `in`: hashed (lowercased unless case-sensitive). */
struct tpi_strset {
	struct tpi_strmap map;
	char **items;
	size_t n;
};

struct tpi_atom {
	struct tpi_fref field;
	uint8_t op;
	bool case_sensitive;
	bool full_match;         /* regex: the whole value must match */
	double number;           /* gt/ge/lt/le */
	char **strs;             /* eq/ne/prefix/suffix/contains/host: any of */
	size_t *lens;
	size_t n_strs;
	const struct tpi_strset *set;   /* in: owned by rs->lists or rs->inline_sets */
	pcre2_code *re;
	bool jit;                /* re was JIT-compiled: use pcre2_jit_match */
};

enum tpi_node_type { TPI_N_TRUE = 1, TPI_N_ATOM, TPI_N_ALL, TPI_N_ANY, TPI_N_NOT };

struct tpi_node {
	uint8_t type;
	uint32_t atom;           /* TPI_N_ATOM */
	struct tpi_node *kids;   /* ALL/ANY: n_kids; NOT: 1 */
	size_t n_kids;
};

/* What a rule sets. -1 / 0xff = not set. */
struct tpi_label_set {
	uint16_t name;           /* rs->names index */
	char *value;
	size_t len;
};

struct tpi_outputs {
	int32_t channel, touchpoint, stage;
	uint8_t dims[TP_DIMENSION_LAST + 1];   /* 0xff = not set */
	struct tpi_label_set *labels;
	size_t n_labels;
};

struct tpi_rule {
	char *name;
	struct tpi_node when;
	struct tpi_outputs set;
};

/*
 * A group's candidate index (rules/index.c). Each rule gets a necessary
 * condition in terms of "triggers" on the values of a few fields: the
 * field equals one of some values (from eq/in), starts or ends with one
 * of some strings (prefix/suffix, and the literal start of an anchored
 * regex such as `^/(cart|bag)/`), is one of some domains or their
 * subdomains (host), or is merely present (any other positive operator).
 * Caseless regular expressions fold a few non-ASCII characters onto ASCII
 * letters, so their prefixes also hold for any value with a non-ASCII
 * byte (`non_ascii`).
 * A rule for which no such condition can be derived (a `not`, `ne`,
 * `missing`, a `true` rule) is a candidate for every event.
 *
 * A rule has two such conditions, both necessary: for an `all`, the two
 * narrowest of its members' conditions; otherwise its one condition and
 * `always`. Every distinct trigger maps to a bitset in two halves, the
 * rules for which it satisfies the first condition and those for which it
 * satisfies the second. For an event, each half is the union of its
 * triggers' halves and of `always`; the rules in both halves are all that
 * can match, and the group evaluates just those, in rule order (first
 * match wins is kept).
 */
#define TPI_INDEX_MIN_RULES 40     /* smaller groups are scanned in order */
#define TPI_INDEX_MAX_RULES 4096   /* and so are larger ones */

struct tpi_trigger_field {
	struct tpi_fref field;
	uint32_t present;              /* bitset number, UINT32_MAX = none */
	uint32_t non_ascii;            /* for a value with a byte >= 0x80 */
	struct tpi_strmap eq;          /* lowercased value -> bitset number */
	struct tpi_strmap prefix;      /* lowercased prefix -> bitset number */
	struct tpi_strmap suffix;
	struct tpi_strmap host;        /* lowercased domain -> bitset number */
	uint32_t *prefix_lens;         /* distinct prefix lengths, ascending */
	size_t n_prefix_lens;
	uint32_t *suffix_lens;
	size_t n_suffix_lens;
};

struct tpi_group_index {
	size_t n_words;                /* 64-bit words a bitset */
	uint64_t *bits;                /* n_bitsets * 2 halves * n_words words;
					  bitset 0 = always */
	size_t n_bitsets, cap_bits;
	struct tpi_trigger_field *fields;
	size_t n_fields;
	char **keys;                   /* the maps' keys, owned */
	size_t n_keys, cap_keys;
};

/*
 * A field a group's conditions read, and how the group's cache key
 * represents it. The group's outcome is a function of the values of its
 * fields; more precisely, of the truth values of the atoms that read
 * them. A field read by few atoms (a referrer tested by one `contains`, a
 * search term by one regex) is keyed by those atoms' truth values, so
 * that its many distinct values share cache entries; a field read by many
 * atoms (event, medium) is keyed by its value; a field only tested by
 * exists/missing by its presence.
 */
#define TPI_DEP_MAX_ATOMS 3

enum tpi_dep_key { TPI_DEP_VALUE = 0, TPI_DEP_PRESENCE, TPI_DEP_ATOMS };

struct tpi_dep {
	struct tpi_fref field;
	uint8_t key;                   /* enum tpi_dep_key */
	bool presence_only;            /* only exists/missing read it */
	uint8_t n_atoms;               /* > TPI_DEP_MAX_ATOMS: too many to list */
	uint32_t atoms[TPI_DEP_MAX_ATOMS];
};

struct tpi_group {
	char *name;
	struct tpi_rule *rules;
	size_t n_rules;
	/* The distinct fields the group's conditions read: its outcome is a
	 * function of their values, so it can be cached per result. */
	struct tpi_dep *deps;
	size_t n_deps;
	/* Its part of a result's cache: 2-way sets (a power of two) from
	 * entry cache_off of the rule set's part. */
	uint32_t cache_sets;
	uint32_t cache_off;
	/* The candidate index (rules/index.c); absent when not indexed. */
	struct tpi_group_index *index;
};

/*
 * A per-result cache of group outcomes, keyed by the group's fields
 * (struct tpi_dep): two ways a set, the most recently used first;
 * TPI_GCACHE_SETS sets for a group, TPI_GCACHE_SETS_LARGE for an indexed
 * one (many rules, and often many distinct keys: url paths x sources).
 * The memory is zeroed when allocated, so only the sets in use are ever
 * touched.
 */
#define TPI_GCACHE_SETS 128
#define TPI_GCACHE_SETS_LARGE 2048
#define TPI_GCACHE_KEY 232
#define TPI_GCACHE_MAX_DEPS 24

struct tpi_gcache_entry {
	uint64_t hash;
	int32_t rule;        /* index of the matching rule, -1 for none */
	uint16_t len;
	uint16_t valid;
	char key[TPI_GCACHE_KEY];
};

struct tp_ruleset {
	atomic_uint refs;
	char *name;
	tp_catalog *catalog;
	struct tpi_group *groups;
	size_t n_groups;
	struct tpi_atom *atoms;
	size_t n_atoms, cap_atoms;
	struct tpi_strmap atom_keys;   /* dedupe: canonical key -> atom */
	char **atom_key_strs;
	size_t cap_atom_keys;
	/* Names of labels and attributes this rule set refers to. */
	char **names;
	size_t n_names, cap_names;
	struct tpi_strmap name_ids;
	struct tpi_strset *sets;       /* named lists and inline `in` lists */
	size_t n_sets, cap_sets;
	char **set_names;              /* NULL for inline ones */
	struct tpi_strmap set_ids;
	bool uses_regex;
	size_t memory;
	size_t n_rules;
	size_t cache_entries;          /* of a result's group cache, all groups */
};

/* The per-event state the rules read and write. */
struct tpi_eval {
	struct tpi_str derived[TPI_FIELD_COUNT];
	const struct tpi_str *attrs;   /* by classifier attribute slot */
	struct tpi_str *labels;        /* by classifier label slot */
	int32_t channel, touchpoint, stage;
	uint8_t dims[TP_DIMENSION_LAST + 1];   /* 0 = unknown/not set */
	const char *rule;              /* name of the last rule that matched */
	const char *rules[16];         /* every matching rule, up to 16 */
	size_t n_rules;
	uint32_t *memo;                /* per atom: gen << 1 | value */
	size_t n_memo;
	struct tpi_gcache_entry *gcache;   /* the groups' parts (struct tpi_group) */
	uint32_t gen;
	pcre2_match_data *md;
};

/* How a rule set's names map to a classifier's slots. */
struct tpi_rules_link {
	const uint16_t *label_slot;    /* rs name -> label slot */
	const uint16_t *attr_slot;     /* rs name -> attribute slot, 0xffff = none */
	size_t group_base;             /* this rule set's first entry in the cache */
};

/* Build, free and measure a group's candidate index (rules/index.c).
 * Build returns false only when memory is exhausted. */
bool tpi_group_index_build(const tp_ruleset *rs, struct tpi_group *g);
void tpi_group_index_free(struct tpi_group_index *ix);
size_t tpi_group_index_memory(const struct tpi_group_index *ix);

/* Number of groups of a rule set (for the classifier's cache layout). */
static inline size_t
tpi_ruleset_group_count(const tp_ruleset *rs)
{
	return rs->n_groups;
}

tp_ruleset *tpi_ruleset_ref(const tp_ruleset *rs);

/* Evaluate every group in order against ev. Returns TP_OK or TP_ENOMEM
 * (never: evaluation does not allocate) — kept for future operators. */
void tpi_ruleset_eval(const tp_ruleset *rs, const struct tpi_rules_link *link,
		      struct tpi_eval *ev);

/* Lowercased, 0-terminated copies of names for the classifier's linker. */
static inline size_t
tpi_ruleset_name_count(const tp_ruleset *rs)
{
	return rs->n_names;
}

static inline const char *
tpi_ruleset_name_at(const tp_ruleset *rs, size_t i)
{
	return rs->names[i];
}

#endif
