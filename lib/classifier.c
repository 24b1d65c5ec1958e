/* SPDX-License-Identifier: MIT */
/*
 * The classifier (classifier.h): field map, normalisation of source,
 * medium and campaign, the rule sets in order, completion from the
 * catalog.
 */
#include <stdatomic.h>
#include <string.h>

#include "catalog-private.h"
#include "classifier-private.h"
#include "referrer-private.h"
#include "util/error.h"
#include "util/export.h"
#include "util/file.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/text.h"
#include "util/url.h"

static atomic_ulong generations;

static const char *const canon_default[TPI_C_COUNT] = {
	"customer_id", "timestamp", "event", "url", "referrer", "utm_source",
	"utm_medium", "utm_campaign", "utm_content", "utm_term", "value",
	"score", "channel",
};

static const char *const field_names[TPI_FIELD_COUNT] = {
	[TP_FIELD_CUSTOMER_ID] = "customer_id",
	[TP_FIELD_TIMESTAMP] = "timestamp",
	[TP_FIELD_EVENT] = "event",
	[TP_FIELD_SOURCE] = "source",
	[TP_FIELD_MEDIUM] = "medium",
	[TP_FIELD_CAMPAIGN] = "campaign",
	[TP_FIELD_CONTENT] = "content",
	[TP_FIELD_TERM] = "term",
	[TP_FIELD_URL] = "url",
	[TP_FIELD_URL_HOST] = "url_host",
	[TP_FIELD_URL_PATH] = "url_path",
	[TP_FIELD_REFERRER] = "referrer",
	[TP_FIELD_REFERRER_HOST] = "referrer_host",
	[TP_FIELD_REFERRER_MEDIUM] = "referrer_medium",
	[TP_FIELD_REFERRER_SOURCE] = "referrer_source",
	[TP_FIELD_REFERRER_TERM] = "referrer_term",
	[TP_FIELD_CHANNEL_GROUP] = "channel_group",
	[TP_FIELD_CHANNEL] = "channel",
	[TP_FIELD_TOUCHPOINT] = "touchpoint",
	[TP_FIELD_STAGE] = "stage",
	[TP_FIELD_PHASE] = "phase",
	[TP_FIELD_RULE] = "rule",
	[TP_FIELD_VALUE] = "value",
	[TP_FIELD_SCORE] = "score",
	[TP_FIELD_REFERRER_KNOWN] = "referrer_known",
};

TP_EXPORT int
tp_field_count(void)
{
	return TPI_FIELD_COUNT - 1;
}

TP_EXPORT const char *
tp_field_name(tp_field field)
{
	if ((int)field <= 0 || (int)field >= TPI_FIELD_COUNT)
		return NULL;
	return field_names[field];
}

TP_EXPORT tp_status
tp_field_parse(const char *name, tp_field *out)
{
	int f;

	if (!name || !out)
		return TP_EINVAL;
	for (f = 1; f < TPI_FIELD_COUNT; f++) {
		if (tpi_strcaseeq(name, field_names[f])) {
			*out = (tp_field)f;
			return TP_OK;
		}
	}
	return TP_ENOTFOUND;
}

/* ---- configuration ---- */

static bool
add_name(char ***names, size_t *n, size_t *cap, struct tpi_strmap *ids,
	 const char *name, uint16_t *slot)
{
	uint32_t idx;
	char *copy;

	if (tpi_strmap_get(ids, name, strlen(name), &idx)) {
		*slot = (uint16_t)idx;
		return true;
	}
	if (*n >= 0xfffe || !TPI_GROW(*names, *cap, *n + 1))
		return false;
	copy = tpi_strdup(name);
	if (!copy)
		return false;
	if (!tpi_strmap_put(ids, copy, strlen(copy), (uint32_t)*n, NULL)) {
		tpi_free(copy);
		return false;
	}
	(*names)[*n] = copy;
	*slot = (uint16_t)(*n)++;
	return true;
}

static void
free_names(char **names, size_t n, struct tpi_strmap *ids)
{
	size_t i;

	for (i = 0; i < n; i++)
		tpi_free(names[i]);
	tpi_free(names);
	tpi_strmap_fini(ids);
}

static void
free_links(tp_classifier *c)
{
	size_t i;

	for (i = 0; i < 2 * c->n_rulesets && c->link_tables; i++)
		tpi_free(c->link_tables[i]);
	tpi_free(c->link_tables);
	tpi_free(c->links);
	c->link_tables = NULL;
	c->links = NULL;
}

static int
canon_index(const char *name)
{
	int i;

	for (i = 0; i < TPI_C_COUNT; i++)
		if (strcmp(name, canon_default[i]) == 0)
			return i;
	return -1;
}

/* The canonical slot of a derived field that copies an attribute, or -1. */
static int
copy_slot(int field)
{
	switch (field) {
	case TP_FIELD_CUSTOMER_ID: return TPI_C_CUSTOMER_ID;
	case TP_FIELD_TIMESTAMP: return TPI_C_TIMESTAMP;
	case TP_FIELD_EVENT: return TPI_C_EVENT;
	case TP_FIELD_URL: return TPI_C_URL;
	case TP_FIELD_REFERRER: return TPI_C_REFERRER;
	case TP_FIELD_VALUE: return TPI_C_VALUE;
	case TP_FIELD_SCORE: return TPI_C_SCORE;
	default: return -1;
	}
}

/*
 * The attribute slots a classification reads: those the derivation of
 * source, medium and campaign reads, and those the rule sets' atoms read
 * (a derived field that copies an attribute, or a name that falls back
 * to an attribute). The event memo is keyed by their values. *url_read:
 * whether an atom reads the url attribute itself.
 */
static bool
key_slots(tp_ruleset *const *rulesets, size_t n_rulesets,
	  const struct tpi_rules_link *links, size_t n_attrs,
	  uint16_t **out, size_t *n_out, uint8_t **pos_out, bool *url_read)
{
	static const int derive_reads[] = {
		TPI_C_URL, TPI_C_REFERRER, TPI_C_UTM_SOURCE, TPI_C_UTM_MEDIUM,
		TPI_C_UTM_CAMPAIGN, TPI_C_UTM_CONTENT, TPI_C_UTM_TERM,
	};
	bool *mark = tpi_calloc(n_attrs ? n_attrs : 1, sizeof(bool));
	uint16_t *slots;
	uint8_t *pos;
	size_t i, k, n = 0;

	if (!mark)
		return false;
	*url_read = false;
	for (i = 0; i < sizeof(derive_reads) / sizeof(derive_reads[0]); i++)
		mark[derive_reads[i]] = true;
	for (i = 0; i < n_rulesets; i++) {
		const tp_ruleset *rs = rulesets[i];

		for (k = 0; k < rs->n_atoms; k++) {
			const struct tpi_fref *f = &rs->atoms[k].field;

			if (f->kind == TPI_FK_DERIVED) {
				int s = copy_slot(f->id);

				if (s >= 0)
					mark[s] = true;
				if (s == TPI_C_URL)
					*url_read = true;
			} else if (links[i].attr_slot[f->name] != 0xffff) {
				mark[links[i].attr_slot[f->name]] = true;
				if (links[i].attr_slot[f->name] == TPI_C_URL)
					*url_read = true;
			}
		}
	}
	for (i = 0; i < n_attrs; i++)
		n += mark[i];
	slots = tpi_calloc(n ? n : 1, sizeof(*slots));
	pos = tpi_malloc(n_attrs ? n_attrs : 1);
	if (!slots || !pos) {
		tpi_free(slots);
		tpi_free(pos);
		tpi_free(mark);
		return false;
	}
	memset(pos, 0xff, n_attrs ? n_attrs : 1);
	for (i = 0, n = 0; i < n_attrs; i++) {
		if (mark[i]) {
			if (n < 64)
				pos[i] = (uint8_t)n;
			slots[n++] = (uint16_t)i;
		}
	}
	tpi_free(mark);
	*out = slots;
	*n_out = n;
	*pos_out = pos;
	return true;
}

/* The table of short attribute names (struct tpi_name_slot). */
static bool
name_table(tp_classifier *c, char **names, size_t n)
{
	size_t cap = 16, i, j;
	struct tpi_name_slot *t;

	while (cap < 4 * n)
		cap *= 2;
	t = tpi_calloc(cap, sizeof(*t));
	if (!t)
		return false;
	c->long_names = 0;
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		uint64_t a, b;

		if (len > 16 || len == 0) {
			c->long_names++;
			continue;
		}
		tpi_short_words(names[i], len, &a, &b);
		j = tpi_name_index(a, b, len) & (cap - 1);
		while (t[j].len)
			j = (j + 1) & (cap - 1);
		t[j].a = a;
		t[j].b = b;
		t[j].len = (uint32_t)len;
		t[j].slot = (uint32_t)i;
	}
	tpi_free(c->short_names);
	c->short_names = t;
	c->short_mask = cap - 1;
	return true;
}

/* A new generation: results forget what they remember of this one. */
static void
new_generation(tp_classifier *c)
{
	c->generation = atomic_fetch_add_explicit(&generations, 1,
						  memory_order_relaxed) + 1;
}

/*
 * Rebuild the slot registries and the links of every rule set. Called
 * after each configuration change; on failure the classifier keeps its
 * previous state.
 */
static tp_status
relink(tp_classifier *c, tp_ruleset *const *rulesets, size_t n_rulesets)
{
	struct tpi_strmap attr_ids = TPI_STRMAP_INIT, label_ids = TPI_STRMAP_INIT;
	char **attr_names = NULL, **label_names = NULL;
	size_t n_attrs = 0, cap_attrs = 0, n_labels = 0, cap_labels = 0;
	struct tpi_rules_link *links = NULL;
	uint16_t **tables = NULL, *keys = NULL;
	uint8_t *key_pos = NULL;
	bool url_read = false;
	size_t i, k, max_atoms = 0, n_gcache = 0, n_keys = 0;
	uint16_t slot;
	bool ok = true;

	/* Canonical attributes take slots 0 .. TPI_C_COUNT-1, under the
	 * caller's names. Two canonical names mapped to one attribute share
	 * nothing: the second keeps its own (unused) slot. */
	for (i = 0; i < TPI_C_COUNT && ok; i++) {
		const char *name = c->canon_names[i];

		if (!TPI_GROW(attr_names, cap_attrs, n_attrs + 1) ||
		    !(attr_names[n_attrs] = tpi_strdup(name))) {
			ok = false;
			break;
		}
		if (!tpi_strmap_put(&attr_ids, attr_names[n_attrs],
				    strlen(name), (uint32_t)n_attrs, NULL))
			ok = false;
		n_attrs++;
	}
	/* The channel_group label always has slot 0. */
	ok = ok && add_name(&label_names, &n_labels, &cap_labels, &label_ids,
			    "channel_group", &slot);
	if (ok && n_rulesets) {
		links = tpi_calloc(n_rulesets, sizeof(*links));
		tables = tpi_calloc(2 * n_rulesets, sizeof(*tables));
		ok = links && tables;
	}
	for (i = 0; ok && i < n_rulesets; i++) {
		const tp_ruleset *rs = rulesets[i];
		size_t n = tpi_ruleset_name_count(rs);
		uint16_t *ls = tpi_calloc(n ? n : 1, sizeof(uint16_t));
		uint16_t *as = tpi_calloc(n ? n : 1, sizeof(uint16_t));

		tables[2 * i] = ls;
		tables[2 * i + 1] = as;
		if (!ls || !as) {
			ok = false;
			break;
		}
		for (k = 0; ok && k < n; k++) {
			const char *name = tpi_ruleset_name_at(rs, k);
			int ci = canon_index(name);

			ok = add_name(&label_names, &n_labels, &cap_labels,
				      &label_ids, name, &ls[k]);
			if (!ok)
				break;
			if (ci >= 0)
				as[k] = (uint16_t)ci;
			else
				ok = add_name(&attr_names, &n_attrs, &cap_attrs,
					      &attr_ids, name, &as[k]);
		}
		links[i].label_slot = ls;
		links[i].attr_slot = as;
		links[i].group_base = n_gcache;
		n_gcache += rs->cache_entries;
		if (rs->n_atoms > max_atoms)
			max_atoms = rs->n_atoms;
	}
	ok = ok && key_slots(rulesets, n_rulesets, links, n_attrs, &keys,
			     &n_keys, &key_pos, &url_read);
	if (ok && !name_table(c, attr_names, n_attrs)) {
		tpi_free(keys);
		tpi_free(key_pos);
		ok = false;
	}
	if (!ok) {
		free_names(attr_names, n_attrs, &attr_ids);
		free_names(label_names, n_labels, &label_ids);
		for (i = 0; tables && i < 2 * n_rulesets; i++)
			tpi_free(tables[i]);
		tpi_free(tables);
		tpi_free(links);
		return TP_ENOMEM;
	}
	free_names(c->attr_names, c->n_attrs, &c->attr_ids);
	free_names(c->label_names, c->n_labels, &c->label_ids);
	free_links(c);
	c->attr_names = attr_names;
	c->n_attrs = n_attrs;
	c->cap_attrs = cap_attrs;
	c->attr_ids = attr_ids;
	c->label_names = label_names;
	c->n_labels = n_labels;
	c->cap_labels = cap_labels;
	c->label_ids = label_ids;
	c->links = links;
	c->link_tables = tables;
	c->max_atoms = max_atoms;
	c->n_gcache = n_gcache;
	tpi_free(c->key_slots);
	tpi_free(c->key_pos);
	c->key_slots = keys;
	c->n_key_slots = n_keys;
	c->key_pos = key_pos;
	c->url_read = url_read;
	c->url_kbit = key_pos[TPI_C_URL] != 0xff ?
		      (uint64_t)1 << key_pos[TPI_C_URL] : 0;
	/* Unique in the process: a result that saw another classifier (even
	 * one at the same address) forgets its cached outcomes. */
	new_generation(c);
	return TP_OK;
}

TP_EXPORT tp_status
tp_classifier_new(const tp_catalog *catalog, tp_classifier **out,
		  tp_error *err)
{
	tp_classifier *c;
	tp_catalog *def = NULL;
	tp_status st;
	int i;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	c = tpi_calloc(1, sizeof(*c));
	if (!c)
		return TP_ENOMEM;
	if (!catalog) {
		st = tp_catalog_default(&def, err);
		if (st) {
			tpi_free(c);
			return st;
		}
		c->catalog = def;
	} else {
		c->catalog = tpi_catalog_ref(catalog);
	}
	st = tp_refdb_default(&c->refdb, err);
	for (i = 0; !st && i < TPI_C_COUNT; i++)
		if (!(c->canon_names[i] = tpi_strdup(canon_default[i])))
			st = TP_ENOMEM;
	if (!st)
		st = relink(c, NULL, 0);
	if (st) {
		tp_classifier_free(c);
		return st;
	}
	*out = c;
	return TP_OK;
}

TP_EXPORT void
tp_classifier_free(tp_classifier *c)
{
	size_t i;

	if (!c)
		return;
	free_links(c);
	for (i = 0; i < c->n_rulesets; i++)
		tp_ruleset_free(c->rulesets[i]);
	tpi_free(c->rulesets);
	free_names(c->attr_names, c->n_attrs, &c->attr_ids);
	free_names(c->label_names, c->n_labels, &c->label_ids);
	for (i = 0; i < TPI_C_COUNT; i++)
		tpi_free(c->canon_names[i]);
	for (i = 0; i < c->n_internal; i++)
		tpi_free(c->internal[i]);
	tpi_free(c->internal);
	tp_refdb_free(c->refdb);
	tp_catalog_free(c->catalog);
	tpi_free(c->key_slots);
	tpi_free(c->key_pos);
	tpi_free(c->short_names);
	tpi_free(c);
}

TP_EXPORT const tp_catalog *
tp_classifier_catalog(const tp_classifier *c)
{
	return c ? c->catalog : NULL;
}

TP_EXPORT tp_status
tp_classifier_add_rules(tp_classifier *c, const tp_ruleset *ruleset)
{
	tp_ruleset **list;
	tp_status st;

	if (!c || !ruleset)
		return TP_EINVAL;
	if (ruleset->catalog != c->catalog)
		return TP_EMISMATCH;
	if (c->n_rulesets >= 64)
		return TP_ERANGE;
	list = tpi_reallocarray(c->rulesets, c->n_rulesets + 1, sizeof(*list));
	if (!list)
		return TP_ENOMEM;
	c->rulesets = list;
	list[c->n_rulesets] = (tp_ruleset *)ruleset;
	st = relink(c, list, c->n_rulesets + 1);
	if (st)
		return st;
	list[c->n_rulesets++] = tpi_ruleset_ref(ruleset);
	return TP_OK;
}

static bool
is_builtin(const char *name)
{
	size_t i;

	if (strcmp(name, "default") == 0)
		return true;
	for (i = 0; tp_ruleset_builtin_name(i); i++)
		if (strcmp(name, tp_ruleset_builtin_name(i)) == 0)
			return true;
	return false;
}

TP_EXPORT tp_status
tp_classifier_add_rules_named(tp_classifier *c, const char *name,
			      tp_error *err)
{
	tp_ruleset *rs = NULL;
	tp_status st;

	if (!c || !name)
		return TP_EINVAL;
	if (strcmp(name, "default") == 0) {
		st = tp_classifier_add_rules_named(c, "ga4", err);
		return st ? st : tp_classifier_add_rules_named(c, "touchpoints", err);
	}
	if (is_builtin(name))
		st = tp_ruleset_builtin(c->catalog, name, &rs, err);
	else
		st = tp_ruleset_compile_file(c->catalog, name, &rs, err);
	if (st)
		return st;
	st = tp_classifier_add_rules(c, rs);
	tp_ruleset_free(rs);
	if (st)
		tpi_error(err, st, name, 0, 0, NULL, "cannot add rule set: %s",
			  tp_strerror(st));
	return st;
}

TP_EXPORT tp_status
tp_classifier_set_refdb(tp_classifier *c, const tp_refdb *refdb)
{
	if (!c || !refdb)
		return TP_EINVAL;
	tp_refdb_free(c->refdb);
	c->refdb = tpi_refdb_ref(refdb);
	new_generation(c);
	return TP_OK;
}

TP_EXPORT tp_status
tp_classifier_map_field(tp_classifier *c, const char *canonical,
			const char *attribute)
{
	char *copy, *old;
	tp_status st;
	int i;

	if (!c || !canonical || !attribute || !*attribute)
		return TP_EINVAL;
	i = canon_index(canonical);
	if (i < 0)
		return TP_ENOTFOUND;
	copy = tpi_strdup(attribute);
	if (!copy)
		return TP_ENOMEM;
	old = c->canon_names[i];
	c->canon_names[i] = copy;
	st = relink(c, c->rulesets, c->n_rulesets);
	if (st) {
		c->canon_names[i] = old;
		tpi_free(copy);
		return st;
	}
	tpi_free(old);
	return TP_OK;
}

TP_EXPORT tp_status
tp_classifier_load_field_map(tp_classifier *c, const char *path,
			     tp_error *err)
{
	size_t first = tp_error_count(err), len;
	tp_status st, first_st = TP_OK;
	const cJSON *m;
	cJSON *root;
	char *text;

	if (!c || !path)
		return TP_EINVAL;
	st = tpi_read_file(path, &text, &len, err);
	if (st)
		return st;
	st = tpi_json_parse(text, len, path, &root, err);
	if (st) {
		tpi_free(text);
		return st;
	}
	if (!cJSON_IsObject(root)) {
		first_st = tpi_error(err, TP_ESCHEMA, NULL, 0, 0, "$",
				     "a field map is an object of names, not %s",
				     tpi_json_type_name(root));
	} else {
		cJSON_ArrayForEach(m, root) {
			struct tpi_path p;

			tpi_path_init(&p);
			tpi_path_push_key(&p, m->string);
			if (!cJSON_IsString(m) || !*m->valuestring)
				st = tpi_error(err, TP_ESCHEMA, NULL, 0, 0,
					       tpi_path_str(&p),
					       "\"%s\" takes a non-empty attribute name",
					       m->string);
			else if ((st = tp_classifier_map_field(c, m->string,
							       m->valuestring)) == TP_ENOTFOUND)
				tpi_error(err, st, NULL, 0, 0, tpi_path_str(&p),
					  "\"%s\" is not a canonical attribute "
					  "(customer_id, timestamp, event, url, referrer, "
					  "utm_source, utm_medium, utm_campaign, utm_content, "
					  "utm_term, value, score, channel)", m->string);
			else if (st)
				tpi_error(err, st, NULL, 0, 0, tpi_path_str(&p),
					  "%s", tp_strerror(st));
			tpi_path_fini(&p);
			if (st && !first_st)
				first_st = st;
		}
	}
	tpi_json_locate_errors(err, first, text, len, path);
	cJSON_Delete(root);
	tpi_free(text);
	return first_st;
}

TP_EXPORT tp_status
tp_classifier_add_internal_domain(tp_classifier *c, const char *domain)
{
	char *copy;
	size_t n, k;

	if (!c || !domain)
		return TP_EINVAL;
	n = strlen(domain);
	while (n && domain[n - 1] == '.')
		n--;
	if (n == 0)
		return TP_EINVAL;
	if (!TPI_GROW(c->internal, c->cap_internal, c->n_internal + 1))
		return TP_ENOMEM;
	copy = tpi_strndup(domain, n);
	if (!copy)
		return TP_ENOMEM;
	for (k = 0; k < n; k++)
		copy[k] = tpi_lower(copy[k]);
	c->internal[c->n_internal++] = copy;
	new_generation(c);
	return TP_OK;
}
