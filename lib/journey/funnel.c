/* SPDX-License-Identifier: MIT */
/*
 * Funnels (funnel.h): definitions, the per-customer evaluation of
 * attempts (ClickHouse windowFunnel semantics) and the mergeable result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journey/journey-private.h"
#include "touchpoint/funnel.h"
#include "util/error.h"
#include "util/export.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/text.h"

#define MODE_ALL (TP_FUNNEL_STRICT_ORDER | TP_FUNNEL_STRICT_INCREASE | \
		  TP_FUNNEL_STRICT_DEDUPLICATION)
#define NONE_STEP 0xFF

struct tp_funnel {
	struct tpi_cond steps[TP_FUNNEL_MAX_STEPS];
	char *names[TP_FUNNEL_MAX_STEPS];
	size_t n_steps;
	struct tpi_cond excl[TP_FUNNEL_MAX_EXCLUSIONS];
	size_t n_excl;
	int64_t window_ms;
	unsigned mode;
	tp_funnel_count count;
	char *breakdown;
	tp_funnel_attribution attribution;
	size_t breakdown_step;
};

/* ---- names ---- */

static const struct {
	const char *name;
	unsigned flag;
} mode_names[] = {
	{ "strict_order", TP_FUNNEL_STRICT_ORDER },
	{ "strict_increase", TP_FUNNEL_STRICT_INCREASE },
	{ "strict_deduplication", TP_FUNNEL_STRICT_DEDUPLICATION },
};

TP_EXPORT tp_status
tp_funnel_mode_parse(const char *text, unsigned *out)
{
	unsigned mode = 0;
	const char *p;

	if (!text || !out)
		return TP_EINVAL;
	p = text;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p), i;
		bool found = false;

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || tpi_memcaseeq(p, len, "default", 7)) {
			found = true;
		} else {
			for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
				if (tpi_memcaseeq(p, len, mode_names[i].name,
						  strlen(mode_names[i].name))) {
					mode |= mode_names[i].flag;
					found = true;
				}
			}
		}
		if (!found)
			return TP_ENOTFOUND;
		if (!e)
			break;
		p = e + 1;
	}
	*out = mode;
	return TP_OK;
}

TP_EXPORT const char *
tp_funnel_mode_name(tp_funnel_mode mode)
{
	size_t i;

	if (mode == TP_FUNNEL_MODE_DEFAULT)
		return "default";
	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (mode_names[i].flag == (unsigned)mode)
			return mode_names[i].name;
	return NULL;
}

TP_EXPORT tp_status
tp_funnel_count_parse(const char *name, tp_funnel_count *out)
{
	if (!name || !out)
		return TP_EINVAL;
	if (tpi_strcaseeq(name, "customers"))
		*out = TP_FUNNEL_COUNT_CUSTOMERS;
	else if (tpi_strcaseeq(name, "attempts"))
		*out = TP_FUNNEL_COUNT_ATTEMPTS;
	else
		return TP_ENOTFOUND;
	return TP_OK;
}

TP_EXPORT const char *
tp_funnel_count_name(tp_funnel_count count)
{
	switch (count) {
	case TP_FUNNEL_COUNT_DEFAULT:
	case TP_FUNNEL_COUNT_CUSTOMERS: return "customers";
	case TP_FUNNEL_COUNT_ATTEMPTS: return "attempts";
	}
	return NULL;
}

TP_EXPORT tp_status
tp_funnel_attribution_parse(const char *name, tp_funnel_attribution *out)
{
	if (!name || !out)
		return TP_EINVAL;
	if (tpi_strcaseeq(name, "first_touch"))
		*out = TP_FUNNEL_ATTRIBUTION_FIRST_TOUCH;
	else if (tpi_strcaseeq(name, "last_touch"))
		*out = TP_FUNNEL_ATTRIBUTION_LAST_TOUCH;
	else if (tpi_strcaseeq(name, "step"))
		*out = TP_FUNNEL_ATTRIBUTION_STEP;
	else
		return TP_ENOTFOUND;
	return TP_OK;
}

TP_EXPORT const char *
tp_funnel_attribution_name(tp_funnel_attribution a)
{
	switch (a) {
	case TP_FUNNEL_ATTRIBUTION_DEFAULT:
	case TP_FUNNEL_ATTRIBUTION_FIRST_TOUCH: return "first_touch";
	case TP_FUNNEL_ATTRIBUTION_LAST_TOUCH: return "last_touch";
	case TP_FUNNEL_ATTRIBUTION_STEP: return "step";
	}
	return NULL;
}

/* ---- definitions ---- */

TP_EXPORT tp_status
tp_funnel_new(tp_funnel **out)
{
	if (!out)
		return TP_EINVAL;
	*out = tpi_calloc(1, sizeof(**out));
	if (!*out)
		return TP_ENOMEM;
	(*out)->count = TP_FUNNEL_COUNT_CUSTOMERS;
	(*out)->attribution = TP_FUNNEL_ATTRIBUTION_FIRST_TOUCH;
	return TP_OK;
}

TP_EXPORT void
tp_funnel_free(tp_funnel *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n_steps; i++) {
		tpi_cond_fini(&f->steps[i]);
		tpi_free(f->names[i]);
	}
	for (i = 0; i < f->n_excl; i++)
		tpi_cond_fini(&f->excl[i]);
	tpi_free(f->breakdown);
	tpi_free(f);
}

TP_EXPORT tp_status
tp_funnel_add_step(tp_funnel *f, const char *condition, const char *name,
		   tp_error *err)
{
	struct tpi_cond c;
	char *n;
	tp_status st;

	if (!f || !condition)
		return TP_EINVAL;
	if (f->n_steps >= TP_FUNNEL_MAX_STEPS)
		return tpi_error(err, TP_ERANGE, NULL, 0, 0, NULL,
				 "a funnel has at most %d steps",
				 TP_FUNNEL_MAX_STEPS);
	st = tpi_cond_parse(condition, false, &c, err, "funnel step");
	if (st != TP_OK)
		return st;
	n = tpi_strdup(name ? name : c.text);
	if (!n) {
		tpi_cond_fini(&c);
		return TP_ENOMEM;
	}
	f->steps[f->n_steps] = c;
	f->names[f->n_steps++] = n;
	return TP_OK;
}

TP_EXPORT tp_status
tp_funnel_add_exclusion(tp_funnel *f, const char *condition, tp_error *err)
{
	struct tpi_cond c;
	tp_status st;

	if (!f || !condition)
		return TP_EINVAL;
	if (f->n_excl >= TP_FUNNEL_MAX_EXCLUSIONS)
		return tpi_error(err, TP_ERANGE, NULL, 0, 0, NULL,
				 "a funnel has at most %d exclusion steps",
				 TP_FUNNEL_MAX_EXCLUSIONS);
	st = tpi_cond_parse(condition, false, &c, err, "exclusion step");
	if (st != TP_OK)
		return st;
	f->excl[f->n_excl++] = c;
	return TP_OK;
}

TP_EXPORT tp_status
tp_funnel_new_from_catalog(const tp_catalog *catalog, const char *funnel_id,
			   tp_funnel **out, tp_error *err)
{
	tp_funnel *f;
	size_t n, i;
	int fi;
	tp_status st;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!catalog)
		return TP_EINVAL;
	if (!funnel_id)
		funnel_id = "seven_stage";
	fi = tp_catalog_find_funnel(catalog, funnel_id);
	if (fi < 0)
		return tpi_error(err, TP_ENOTFOUND, NULL, 0, 0, NULL,
				 "no funnel '%s' in the catalog", funnel_id);
	n = tp_catalog_funnel_stage_count(catalog, (size_t)fi);
	if (n > TP_FUNNEL_MAX_STEPS)
		return tpi_error(err, TP_ERANGE, NULL, 0, 0, NULL,
				 "funnel '%s' has more than %d stages",
				 funnel_id, TP_FUNNEL_MAX_STEPS);
	st = tp_funnel_new(&f);
	if (st != TP_OK)
		return st;
	for (i = 0; i < n; i++) {
		int stage = tp_catalog_funnel_stage(catalog, (size_t)fi, i);
		const char *id = tp_catalog_stage_id(catalog, (size_t)stage);
		char cond[128];

		snprintf(cond, sizeof(cond), "stage=%s", id);
		st = tp_funnel_add_step(f, cond, id, err);
		if (st != TP_OK) {
			tp_funnel_free(f);
			return st;
		}
	}
	*out = f;
	return TP_OK;
}

TP_EXPORT tp_status
tp_funnel_set_window(tp_funnel *f, int64_t window_ms)
{
	if (!f || window_ms < 0 || window_ms > INT64_C(4611686018427387904))
		return TP_EINVAL;
	f->window_ms = window_ms;
	return TP_OK;
}

TP_EXPORT tp_status
tp_funnel_set_mode(tp_funnel *f, unsigned mode)
{
	if (!f || (mode & ~(unsigned)MODE_ALL))
		return TP_EINVAL;
	f->mode = mode;
	return TP_OK;
}

TP_EXPORT tp_status
tp_funnel_set_count(tp_funnel *f, tp_funnel_count count)
{
	if (!f || (int)count < 0 || count > TP_FUNNEL_COUNT_ATTEMPTS)
		return TP_EINVAL;
	f->count = count == TP_FUNNEL_COUNT_DEFAULT ? TP_FUNNEL_COUNT_CUSTOMERS
						    : count;
	return TP_OK;
}

TP_EXPORT tp_status
tp_funnel_set_breakdown(tp_funnel *f, const char *field,
			tp_funnel_attribution attribution, size_t step)
{
	char *copy = NULL;

	if (!f || (field && !*field) || (int)attribution < 0 ||
	    attribution > TP_FUNNEL_ATTRIBUTION_STEP ||
	    (attribution == TP_FUNNEL_ATTRIBUTION_STEP && step == 0))
		return TP_EINVAL;
	if (field) {
		copy = tpi_strdup(field);
		if (!copy)
			return TP_ENOMEM;
	}
	tpi_free(f->breakdown);
	f->breakdown = copy;
	f->attribution = attribution == TP_FUNNEL_ATTRIBUTION_DEFAULT
		? TP_FUNNEL_ATTRIBUTION_FIRST_TOUCH : attribution;
	f->breakdown_step = attribution == TP_FUNNEL_ATTRIBUTION_STEP ? step : 0;
	return TP_OK;
}

TP_EXPORT size_t
tp_funnel_step_count(const tp_funnel *f)
{
	return f ? f->n_steps : 0;
}

TP_EXPORT const char *
tp_funnel_step_name(const tp_funnel *f, size_t step)
{
	return f && step < f->n_steps ? f->names[step] : NULL;
}

TP_EXPORT tp_status
tp_funnel_keep_fields(const tp_funnel *f, tp_journey_store *store)
{
	size_t i;
	tp_status st;

	if (!f || !store)
		return TP_EINVAL;
	for (i = 0; i < f->n_steps; i++) {
		st = tp_journey_store_keep_field(store, f->steps[i].field_name);
		if (st != TP_OK)
			return st;
	}
	for (i = 0; i < f->n_excl; i++) {
		st = tp_journey_store_keep_field(store, f->excl[i].field_name);
		if (st != TP_OK)
			return st;
	}
	if (f->breakdown)
		return tp_journey_store_keep_field(store, f->breakdown);
	return TP_OK;
}

/* ---- the state ---- */

struct fs_next {
	uint32_t label;   /* label id + 1; 0 = no further touchpoint */
	uint64_t count;
};

struct fs_step {
	uint64_t count;
	int64_t *dur;
	size_t n_dur, cap_dur;
	struct fs_next *next;
	size_t n_next, cap_next;
};

struct fs_group {
	uint32_t label;   /* label id + 1; 0 = no value */
	struct fs_step *steps;
};

struct tp_funnel_state {
	size_t n_steps;
	char *names[TP_FUNNEL_MAX_STEPS];
	char *conds[TP_FUNNEL_MAX_STEPS];
	size_t n_excl;
	char *excl[TP_FUNNEL_MAX_EXCLUSIONS];
	int64_t window_ms;
	unsigned mode;
	tp_funnel_count count;
	char *breakdown;
	tp_funnel_attribution attribution;
	size_t breakdown_step;

	uint64_t journeys;
	struct tpi_strpool labels;
	struct fs_group total;
	struct fs_group *groups;
	size_t n_groups, cap_groups;
	uint32_t *group_of;      /* label id -> group + 1 (building) */
	size_t cap_group_of;
	uint32_t none_group;     /* group + 1 of the "no value" group */
};

static void
group_fini(struct fs_group *g, size_t n_steps)
{
	size_t k;

	if (!g->steps)
		return;
	for (k = 0; k < n_steps; k++) {
		tpi_free(g->steps[k].dur);
		tpi_free(g->steps[k].next);
	}
	tpi_free(g->steps);
	g->steps = NULL;
}

TP_EXPORT void
tp_funnel_state_free(tp_funnel_state *fs)
{
	size_t i;

	if (!fs)
		return;
	for (i = 0; i < fs->n_steps; i++) {
		tpi_free(fs->names[i]);
		tpi_free(fs->conds[i]);
	}
	for (i = 0; i < fs->n_excl; i++)
		tpi_free(fs->excl[i]);
	tpi_free(fs->breakdown);
	tpi_strpool_fini(&fs->labels);
	group_fini(&fs->total, fs->n_steps);
	for (i = 0; i < fs->n_groups; i++)
		group_fini(&fs->groups[i], fs->n_steps);
	tpi_free(fs->groups);
	tpi_free(fs->group_of);
	tpi_free(fs);
}

/* A state with a definition and nothing counted. */
static tp_funnel_state *
fs_new(size_t n_steps, const char *const *names, const char *const *conds,
       size_t n_excl, const char *const *excl, int64_t window, unsigned mode,
       tp_funnel_count count, const char *breakdown,
       tp_funnel_attribution attribution, size_t bstep)
{
	tp_funnel_state *fs = tpi_calloc(1, sizeof(*fs));
	size_t i;

	if (!fs)
		return NULL;
	tpi_strpool_init(&fs->labels);
	fs->window_ms = window;
	fs->mode = mode;
	fs->count = count;
	fs->attribution = attribution;
	fs->breakdown_step = bstep;
	for (i = 0; i < n_steps; i++) {
		fs->names[i] = tpi_strdup(names[i]);
		fs->conds[i] = tpi_strdup(conds[i]);
		fs->n_steps++;
		if (!fs->names[i] || !fs->conds[i])
			goto fail;
	}
	for (i = 0; i < n_excl; i++) {
		fs->excl[i] = tpi_strdup(excl[i]);
		if (!fs->excl[i])
			goto fail;
		fs->n_excl++;
	}
	if (breakdown) {
		fs->breakdown = tpi_strdup(breakdown);
		if (!fs->breakdown)
			goto fail;
	}
	fs->total.steps = tpi_calloc(n_steps, sizeof(*fs->total.steps));
	if (!fs->total.steps)
		goto fail;
	return fs;
fail:
	tp_funnel_state_free(fs);
	return NULL;
}

static tp_funnel_state *
fs_clone_def(const tp_funnel_state *o)
{
	return fs_new(o->n_steps, (const char *const *)o->names,
		      (const char *const *)o->conds, o->n_excl,
		      (const char *const *)o->excl, o->window_ms, o->mode,
		      o->count, o->breakdown, o->attribution,
		      o->breakdown_step);
}

/* The group of a label (label id + 1, 0 = none), created when new. */
static struct fs_group *
fs_group(tp_funnel_state *fs, uint32_t label)
{
	struct fs_group *g;
	uint32_t *slot;

	if (label) {
		size_t old = fs->cap_group_of;

		if (!TPI_GROW(fs->group_of, fs->cap_group_of, label))
			return NULL;
		if (fs->cap_group_of > old)
			memset(fs->group_of + old, 0,
			       (fs->cap_group_of - old) * sizeof(*fs->group_of));
		slot = &fs->group_of[label - 1];
	} else {
		slot = &fs->none_group;
	}
	if (*slot && *slot <= fs->n_groups &&
	    fs->groups[*slot - 1].label == label)
		return &fs->groups[*slot - 1];
	if (!TPI_GROW(fs->groups, fs->cap_groups, fs->n_groups + 1))
		return NULL;
	g = &fs->groups[fs->n_groups];
	g->label = label;
	g->steps = tpi_calloc(fs->n_steps, sizeof(*g->steps));
	if (!g->steps)
		return NULL;
	*slot = (uint32_t)++fs->n_groups;
	return g;
}

static inline bool
push_dur(struct fs_step *st, int64_t d)
{
	if (st->n_dur == st->cap_dur &&
	    !TPI_GROW(st->dur, st->cap_dur, st->n_dur + 1))
		return false;
	st->dur[st->n_dur++] = d;
	return true;
}

static bool
add_next(struct fs_step *st, uint32_t label, uint64_t n)
{
	size_t i;

	for (i = 0; i < st->n_next; i++) {
		if (st->next[i].label == label)
			return tpi_add_u64(&st->next[i].count, n);
	}
	if (!TPI_GROW(st->next, st->cap_next, st->n_next + 1))
		return false;
	st->next[st->n_next].label = label;
	st->next[st->n_next].count = n;
	st->n_next++;
	return true;
}

struct next_ctx {
	const tp_funnel_state *fs;
	const struct fs_next *next;
};

static int
label_strcmp(const tp_funnel_state *fs, uint32_t a, uint32_t b)
{
	if (a == b)
		return 0;
	if (!a)
		return 1;
	if (!b)
		return -1;
	return strcmp(fs->labels.strs[a - 1].s, fs->labels.strs[b - 1].s);
}

static int
next_cmp(size_t a, size_t b, const void *ctx)
{
	const struct next_ctx *c = ctx;
	const struct fs_next *x = &c->next[a], *y = &c->next[b];

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return label_strcmp(c->fs, x->label, y->label);
}

static int
group_cmp(size_t a, size_t b, const void *ctx)
{
	const tp_funnel_state *fs = ctx;

	return label_strcmp(fs, fs->groups[a].label, fs->groups[b].label);
}

static bool
finalize_group(const tp_funnel_state *fs, struct fs_group *g)
{
	size_t k, i;

	for (k = 0; k < fs->n_steps; k++) {
		struct fs_step *st = &g->steps[k];
		struct next_ctx c = { fs, st->next };
		size_t *idx;
		struct fs_next *sorted;

		if (st->n_dur > 1)
			tpi_sort_i64(st->dur, st->n_dur);
		if (st->n_next < 2)
			continue;
		idx = tpi_malloc(st->n_next * sizeof(*idx));
		sorted = tpi_malloc(st->n_next * sizeof(*sorted));
		if (!idx || !sorted) {
			tpi_free(idx);
			tpi_free(sorted);
			return false;
		}
		for (i = 0; i < st->n_next; i++)
			idx[i] = i;
		tpi_sort_idx(idx, st->n_next, next_cmp, &c);
		for (i = 0; i < st->n_next; i++)
			sorted[i] = st->next[idx[i]];
		tpi_free(idx);
		tpi_free(st->next);
		st->next = sorted;
		st->cap_next = st->n_next;
	}
	return true;
}

/* Sort durations, next lists and groups into their canonical order. */
static tp_status
fs_finalize(tp_funnel_state *fs)
{
	struct fs_group *sorted;
	size_t *idx, i;

	if (!finalize_group(fs, &fs->total))
		return TP_ENOMEM;
	for (i = 0; i < fs->n_groups; i++)
		if (!finalize_group(fs, &fs->groups[i]))
			return TP_ENOMEM;
	if (fs->n_groups < 2)
		return TP_OK;
	idx = tpi_malloc(fs->n_groups * sizeof(*idx));
	sorted = tpi_malloc(fs->n_groups * sizeof(*sorted));
	if (!idx || !sorted) {
		tpi_free(idx);
		tpi_free(sorted);
		return TP_ENOMEM;
	}
	for (i = 0; i < fs->n_groups; i++)
		idx[i] = i;
	tpi_sort_idx(idx, fs->n_groups, group_cmp, fs);
	for (i = 0; i < fs->n_groups; i++)
		sorted[i] = fs->groups[idx[i]];
	tpi_free(idx);
	tpi_free(fs->groups);
	fs->groups = sorted;
	fs->cap_groups = fs->n_groups;
	/* The label -> group map is stale now; rebuild it lazily. */
	for (i = 0; i < fs->n_groups; i++) {
		uint32_t l = fs->groups[i].label;

		if (l)
			fs->group_of[l - 1] = (uint32_t)i + 1;
		else
			fs->none_group = (uint32_t)i + 1;
	}
	return TP_OK;
}

/* Add group src of state from into group dst (label maps translated). */
static tp_status
group_add(tp_funnel_state *dst_fs, struct fs_group *dst,
	  const tp_funnel_state *src_fs, const struct fs_group *src,
	  const uint32_t *label_map)
{
	size_t k, i;

	for (k = 0; k < src_fs->n_steps; k++) {
		const struct fs_step *s = &src->steps[k];
		struct fs_step *d = &dst->steps[k];

		if (!tpi_add_u64(&d->count, s->count))
			return TP_ERANGE;
		if (s->n_dur) {
			if (!TPI_GROW(d->dur, d->cap_dur, d->n_dur + s->n_dur))
				return TP_ENOMEM;
			memcpy(d->dur + d->n_dur, s->dur,
			       s->n_dur * sizeof(*s->dur));
			d->n_dur += s->n_dur;
		}
		for (i = 0; i < s->n_next; i++) {
			uint32_t l = s->next[i].label ? label_map[s->next[i].label - 1] + 1 : 0;

			if (!add_next(d, l, s->next[i].count))
				return TP_ENOMEM;
		}
	}
	(void)dst_fs;
	return TP_OK;
}

/* Add everything of src into dst (same definition). */
static tp_status
fs_add_all(tp_funnel_state *dst, const tp_funnel_state *src)
{
	uint32_t *map;
	size_t i;
	tp_status st = TP_ENOMEM;

	map = tpi_malloc((src->labels.n ? src->labels.n : 1) * sizeof(*map));
	if (!map)
		return TP_ENOMEM;
	for (i = 0; i < src->labels.n; i++) {
		bool range = false;

		if (!tpi_strpool_intern(&dst->labels, src->labels.strs[i].s,
					src->labels.strs[i].len, &map[i],
					&range)) {
			st = range ? TP_ERANGE : TP_ENOMEM;
			goto done;
		}
	}
	if (!tpi_add_u64(&dst->journeys, src->journeys)) {
		st = TP_ERANGE;
		goto done;
	}
	st = group_add(dst, &dst->total, src, &src->total, map);
	for (i = 0; st == TP_OK && i < src->n_groups; i++) {
		const struct fs_group *sg = &src->groups[i];
		struct fs_group *dg = fs_group(dst, sg->label ? map[sg->label - 1] + 1 : 0);

		st = dg ? group_add(dst, dg, src, sg, map) : TP_ENOMEM;
	}
done:
	tpi_free(map);
	return st;
}

static bool
same_definition(const tp_funnel_state *a, const tp_funnel_state *b)
{
	size_t i;

	if (a->n_steps != b->n_steps || a->n_excl != b->n_excl ||
	    a->window_ms != b->window_ms || a->mode != b->mode ||
	    a->count != b->count || !a->breakdown != !b->breakdown ||
	    a->attribution != b->attribution ||
	    a->breakdown_step != b->breakdown_step)
		return false;
	if (a->breakdown && strcmp(a->breakdown, b->breakdown) != 0)
		return false;
	for (i = 0; i < a->n_steps; i++)
		if (strcmp(a->names[i], b->names[i]) != 0 ||
		    strcmp(a->conds[i], b->conds[i]) != 0)
			return false;
	for (i = 0; i < a->n_excl; i++)
		if (strcmp(a->excl[i], b->excl[i]) != 0)
			return false;
	return true;
}

TP_EXPORT tp_status
tp_funnel_state_merge(tp_funnel_state *into, const tp_funnel_state *from,
		      tp_error *err)
{
	tp_funnel_state *tmp, swap;
	tp_status st;

	if (!into || !from || into == from)
		return TP_EINVAL;
	if (!same_definition(into, from))
		return tpi_error(err, TP_EMISMATCH, NULL, 0, 0, NULL,
				 "funnel results of different funnels (steps, "
				 "exclusions, window, mode, count or breakdown) "
				 "cannot be merged");
	tmp = fs_clone_def(into);
	if (!tmp)
		return TP_ENOMEM;
	st = fs_add_all(tmp, into);
	if (st == TP_OK)
		st = fs_add_all(tmp, from);
	if (st == TP_OK)
		st = fs_finalize(tmp);
	if (st != TP_OK) {
		tp_funnel_state_free(tmp);
		if (st == TP_ERANGE)
			return tpi_error(err, st, NULL, 0, 0, NULL,
					 "funnel merge: a count overflows");
		return st;
	}
	swap = *into;
	*into = *tmp;
	*tmp = swap;
	tp_funnel_state_free(tmp);
	return TP_OK;
}

/* ---- running ---- */

struct chain {
	size_t depth;
	bool disq;
	size_t pos[TP_FUNNEL_MAX_STEPS];
	int64_t t[TP_FUNNEL_MAX_STEPS];
};

struct entry {
	uint32_t pos;     /* offset in the journey */
	uint8_t step;     /* 0-based step, NONE_STEP: matches no step */
};

struct run {
	const struct tp_journey_store *s;
	tp_funnel_state *fs;
	size_t n_steps;
	unsigned mode;
	int64_t window;
	bool attempts;
	bool has_excl;
	bool has_breakdown;
	tp_funnel_attribution attribution;
	size_t bstep;
	struct tpi_field bfield;
	/* per kind */
	uint32_t *mask;
	int32_t *touchpoint;
	uint8_t *excl;
	uint32_t *bcode;
	/* dense maps */
	uint32_t *code_group;   /* breakdown code -> group + 1 */
	size_t n_codes;
	uint32_t *tp_label;     /* touchpoint + 1 -> label id + 1 */
	/* per customer */
	size_t first, end;
	struct entry *entries;
	size_t n_entries, cap_entries;
	int64_t *excl_ts;
	size_t n_excl_ts, cap_excl_ts;
};

static inline bool
push_entry(struct run *r, size_t pos, uint8_t step)
{
	if (r->n_entries == r->cap_entries &&
	    !TPI_GROW(r->entries, r->cap_entries, r->n_entries + 1))
		return false;
	r->entries[r->n_entries].pos = (uint32_t)(pos - r->first);
	r->entries[r->n_entries].step = step;
	r->n_entries++;
	return true;
}

/* The customer's entries in processing order: by time; at equal times
 * the events matching no step (strict_order only), then by step. */
static bool
build_entries(struct run *r)
{
	const struct tp_journey_store *s = r->s;
	bool strict_order = r->mode & TP_FUNNEL_STRICT_ORDER;
	size_t i = r->first, j, e, k;

	r->n_entries = 0;
	r->n_excl_ts = 0;
	while (i < r->end) {
		uint32_t all = 0;

		for (j = i + 1; j < r->end && s->recs[j].ts == s->recs[i].ts; j++)
			;
		for (e = i; e < j; e++) {
			uint32_t m = r->mask[s->recs[e].kind];

			all |= m;
			if (!m && strict_order && !push_entry(r, e, NONE_STEP))
				return false;
			if (r->has_excl && r->excl[s->recs[e].kind]) {
				if (!TPI_GROW(r->excl_ts, r->cap_excl_ts,
					      r->n_excl_ts + 1))
					return false;
				r->excl_ts[r->n_excl_ts++] = s->recs[e].ts;
			}
		}
		/* Each step matched at this time, in order; at a time of one
		 * event (the rule), its steps. */
		for (; all; all &= all - 1) {
			k = (size_t)__builtin_ctz(all);
			if (j == i + 1) {
				if (!push_entry(r, i, (uint8_t)k))
					return false;
				continue;
			}
			for (e = i; e < j; e++)
				if ((r->mask[s->recs[e].kind] >> k) & 1 &&
				    !push_entry(r, e, (uint8_t)k))
					return false;
		}
		i = j;
	}
	return true;
}

/* Is there an exclusion event strictly between times a and b? */
static bool
excluded_between(const struct run *r, int64_t a, int64_t b)
{
	size_t lo = 0, hi = r->n_excl_ts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->excl_ts[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n_excl_ts && r->excl_ts[lo] < b;
}

/* Follow the attempt that starts at entry a. *open is set when the
 * attempt ran to the end of the journey (no window cut, no strict stop). */
static void
run_attempt(const struct run *r, size_t a, struct chain *c, bool *open)
{
	const struct tpi_rec *rec = r->s->recs + r->first;
	size_t depth = 1, b;
	int64_t start = rec[r->entries[a].pos].ts, last = start;

	c->disq = false;
	c->pos[0] = r->entries[a].pos;
	c->t[0] = start;
	*open = false;
	if (r->n_steps == 1)
		goto out;
	for (b = a + 1; b < r->n_entries; b++) {
		const struct entry *e = &r->entries[b];
		int64_t t = rec[e->pos].ts;

		if (r->window && t - start > r->window)
			goto out;
		if (e->step == NONE_STEP)
			goto out;   /* only listed in strict_order */
		if (e->step == depth) {
			if ((r->mode & TP_FUNNEL_STRICT_INCREASE) && t <= last)
				continue;
			if (r->has_excl && excluded_between(r, last, t)) {
				c->disq = true;
				c->depth = depth;
				return;
			}
			c->pos[depth] = e->pos;
			c->t[depth] = t;
			last = t;
			if (++depth == r->n_steps)
				goto out;
			continue;
		}
		if (e->step == 0)
			continue;
		if (e->step < depth) {
			if (r->mode & TP_FUNNEL_STRICT_DEDUPLICATION)
				goto out;
			continue;
		}
		if (r->mode & TP_FUNNEL_STRICT_ORDER)
			goto out;
	}
	*open = true;
out:
	c->depth = depth;
}

static tp_status
record(struct run *r, const struct chain *c)
{
	const struct tp_journey_store *s = r->s;
	tp_funnel_state *fs = r->fs;
	struct fs_group *g[2];
	uint32_t next_label = 0;
	size_t ng = 1, gi, k;

	g[0] = &fs->total;
	if (r->has_breakdown) {
		size_t at;
		uint32_t code = 0, *slot;

		if (r->attribution == TP_FUNNEL_ATTRIBUTION_FIRST_TOUCH)
			at = c->pos[0];
		else if (r->attribution == TP_FUNNEL_ATTRIBUTION_LAST_TOUCH)
			at = c->pos[c->depth - 1];
		else
			at = c->depth >= r->bstep ? c->pos[r->bstep - 1] : SIZE_MAX;
		if (at != SIZE_MAX)
			code = r->bcode[s->recs[r->first + at].kind];
		slot = &r->code_group[code];
		if (!*slot) {
			struct fs_group *grp;
			uint32_t label = 0;

			if (code) {
				const char *l = tpi_field_label(s, r->bfield, code);
				uint32_t id;
				bool range = false;

				if (!tpi_strpool_intern(&fs->labels, l, strlen(l),
							&id, &range))
					return range ? TP_ERANGE : TP_ENOMEM;
				label = id + 1;
			}
			grp = fs_group(fs, label);
			if (!grp)
				return TP_ENOMEM;
			*slot = (uint32_t)(grp - fs->groups) + 1;
		}
		g[ng++] = &fs->groups[*slot - 1];
	}
	if (c->depth < r->n_steps) {
		size_t p = r->first + c->pos[c->depth - 1], q;
		int32_t tp0 = r->touchpoint[s->recs[p].kind];

		for (q = p + 1; q < r->end; q++) {
			int32_t tp = r->touchpoint[s->recs[q].kind];

			if (tp >= 0 && tp != tp0) {
				uint32_t *slot = &r->tp_label[tp + 1];

				if (!*slot) {
					const char *l = tp_catalog_touchpoint_id(
						s->catalog, (size_t)tp);
					uint32_t id;
					bool range = false;

					if (!tpi_strpool_intern(&fs->labels, l,
								strlen(l), &id,
								&range))
						return range ? TP_ERANGE : TP_ENOMEM;
					*slot = id + 1;
				}
				next_label = *slot;
				break;
			}
		}
	}
	for (gi = 0; gi < ng; gi++) {
		struct fs_group *grp = g[gi];

		if (!grp)
			continue;
		for (k = 0; k < c->depth; k++)
			grp->steps[k].count++;
		for (k = 1; k < c->depth; k++)
			if (!push_dur(&grp->steps[k], c->t[k] - c->t[k - 1]))
				return TP_ENOMEM;
		if (c->depth < r->n_steps &&
		    !add_next(&grp->steps[c->depth], next_label, 1))
			return TP_ENOMEM;
	}
	return TP_OK;
}

static tp_status
run_customer(struct run *r)
{
	struct chain c[2], *best = &c[0], *cur = &c[1], *sw;
	size_t a;
	bool open;
	tp_status st;

	if (!build_entries(r))
		return TP_ENOMEM;
	best->depth = 0;
	for (a = 0; a < r->n_entries; a++) {
		if (r->entries[a].step != 0)
			continue;
		run_attempt(r, a, cur, &open);
		if (cur->disq)
			continue;
		if (r->attempts) {
			st = record(r, cur);
			if (st != TP_OK)
				return st;
			continue;
		}
		if (cur->depth > best->depth) {
			sw = best;
			best = cur;
			cur = sw;
		}
		if (best->depth == r->n_steps)
			break;
		/* In the default mode without exclusions a later start
		 * cannot get further than an attempt that ran to the end. */
		if (open && !r->mode && !r->has_excl)
			break;
	}
	if (!r->attempts && best->depth > 0)
		return record(r, best);
	return TP_OK;
}

TP_EXPORT tp_status
tp_funnel_run(const tp_funnel *f, const tp_journey_store *s,
	      tp_funnel_state **out, tp_error *err)
{
	struct tpi_cond steps[TP_FUNNEL_MAX_STEPS], excl[TP_FUNNEL_MAX_EXCLUSIONS];
	const char *conds[TP_FUNNEL_MAX_STEPS], *excls[TP_FUNNEL_MAX_EXCLUSIONS];
	struct run r;
	tp_funnel_state *fs = NULL;
	tp_status st = TP_OK, st1;
	size_t i, k, c;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!f || !s || !s->finished)
		return TP_EINVAL;
	if (f->n_steps == 0)
		return tpi_error(err, TP_EEMPTY, NULL, 0, 0, NULL,
				 "the funnel has no steps");
	memset(&r, 0, sizeof(r));
	for (i = 0; i < f->n_steps; i++) {
		steps[i] = f->steps[i];
		conds[i] = f->steps[i].text;
		st1 = tpi_cond_resolve(s, &steps[i], err, "funnel step");
		if (st == TP_OK)
			st = st1;
	}
	for (i = 0; i < f->n_excl; i++) {
		excl[i] = f->excl[i];
		excls[i] = f->excl[i].text;
		st1 = tpi_cond_resolve(s, &excl[i], err, "exclusion step");
		if (st == TP_OK)
			st = st1;
	}
	if (f->breakdown && !tpi_field_resolve(s, f->breakdown, false,
					       &r.bfield)) {
		st1 = tpi_error(err, TP_ENOTFOUND, NULL, 0, 0, NULL,
				"breakdown: unknown field '%s'", f->breakdown);
		if (st == TP_OK)
			st = st1;
	}
	if (f->breakdown && f->attribution == TP_FUNNEL_ATTRIBUTION_STEP &&
	    f->breakdown_step > f->n_steps) {
		st1 = tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				"breakdown at step %zu of a funnel of %zu steps",
				f->breakdown_step, f->n_steps);
		if (st == TP_OK)
			st = st1;
	}
	if (st != TP_OK)
		return st;

	fs = fs_new(f->n_steps, (const char *const *)f->names, conds, f->n_excl,
		    excls, f->window_ms, f->mode, f->count, f->breakdown,
		    f->attribution, f->breakdown_step);
	if (!fs)
		return TP_ENOMEM;
	r.s = s;
	r.fs = fs;
	r.n_steps = f->n_steps;
	r.mode = f->mode;
	r.window = f->window_ms;
	r.attempts = f->count == TP_FUNNEL_COUNT_ATTEMPTS;
	r.has_excl = f->n_excl > 0;
	r.has_breakdown = f->breakdown != NULL;
	r.attribution = f->attribution;
	r.bstep = f->breakdown_step;
	st = TP_ENOMEM;
	k = s->n_kinds ? s->n_kinds : 1;
	r.mask = tpi_calloc(k, sizeof(*r.mask));
	r.touchpoint = tpi_malloc(k * sizeof(*r.touchpoint));
	r.excl = tpi_calloc(k, sizeof(*r.excl));
	r.bcode = tpi_calloc(k, sizeof(*r.bcode));
	r.tp_label = tpi_calloc(tp_catalog_touchpoint_count(s->catalog) + 1,
				sizeof(*r.tp_label));
	if (r.has_breakdown) {
		r.n_codes = tpi_field_code_limit(s, r.bfield);
		r.code_group = tpi_calloc(r.n_codes, sizeof(*r.code_group));
	}
	if (!r.mask || !r.touchpoint || !r.excl || !r.bcode || !r.tp_label ||
	    (r.has_breakdown && !r.code_group))
		goto done;
	for (k = 0; k < s->n_kinds; k++) {
		const struct tpi_kind *kd = &s->kinds[k];

		r.touchpoint[k] = kd->touchpoint;
		for (i = 0; i < f->n_steps; i++)
			if (tpi_cond_match(s, &steps[i], kd))
				r.mask[k] |= (uint32_t)1 << i;
		for (i = 0; i < f->n_excl; i++)
			if (tpi_cond_match(s, &excl[i], kd))
				r.excl[k] = 1;
		if (r.has_breakdown)
			r.bcode[k] = tpi_field_code(s, r.bfield, kd);
	}
	for (c = 0; c < s->customers.n; c++) {
		r.first = s->cust_start[c];
		r.end = s->cust_start[c + 1];
		st = run_customer(&r);
		if (st != TP_OK)
			goto done;
	}
	fs->journeys = s->customers.n;
	st = fs_finalize(fs);
done:
	tpi_free(r.mask);
	tpi_free(r.touchpoint);
	tpi_free(r.excl);
	tpi_free(r.bcode);
	tpi_free(r.tp_label);
	tpi_free(r.code_group);
	tpi_free(r.entries);
	tpi_free(r.excl_ts);
	if (st != TP_OK) {
		tp_funnel_state_free(fs);
		return st;
	}
	*out = fs;
	return TP_OK;
}

/* ---- writing ---- */

/* Labels in byte order: rank[id] = position. */
static int
label_rank_cmp(size_t a, size_t b, const void *ctx)
{
	const tp_funnel_state *fs = ctx;

	return strcmp(fs->labels.strs[a].s, fs->labels.strs[b].s);
}

static bool
ranks(const tp_funnel_state *fs, size_t **sorted, size_t **rank)
{
	size_t n = fs->labels.n, i;

	*sorted = tpi_malloc((n ? n : 1) * sizeof(**sorted));
	*rank = tpi_malloc((n ? n : 1) * sizeof(**rank));
	if (!*sorted || !*rank) {
		tpi_free(*sorted);
		tpi_free(*rank);
		return false;
	}
	for (i = 0; i < n; i++)
		(*sorted)[i] = i;
	tpi_sort_idx(*sorted, n, label_rank_cmp, fs);
	for (i = 0; i < n; i++)
		(*rank)[(*sorted)[i]] = i;
	return true;
}

/* The groups written: the breakdown groups, or the total alone. */
static const struct fs_group *
written_group(const tp_funnel_state *fs, size_t i)
{
	return fs->breakdown ? &fs->groups[i] : &fs->total;
}

static size_t
written_groups(const tp_funnel_state *fs)
{
	return fs->breakdown ? fs->n_groups : 1;
}

static void
save_binary(const tp_funnel_state *fs, const size_t *sorted,
	    const size_t *rank, struct tpi_buf *b)
{
	size_t i, k, d;

	tpi_wr_header(b, TP_STATE_KIND_FUNNEL);
	tpi_wr_u64(b, fs->n_steps);
	for (i = 0; i < fs->n_steps; i++) {
		tpi_wr_str(b, fs->names[i], strlen(fs->names[i]));
		tpi_wr_str(b, fs->conds[i], strlen(fs->conds[i]));
	}
	tpi_wr_u64(b, fs->n_excl);
	for (i = 0; i < fs->n_excl; i++)
		tpi_wr_str(b, fs->excl[i], strlen(fs->excl[i]));
	tpi_wr_i64(b, fs->window_ms);
	tpi_wr_u64(b, fs->mode);
	tpi_wr_u64(b, (uint64_t)fs->count);
	tpi_wr_u64(b, fs->breakdown != NULL);
	if (fs->breakdown) {
		tpi_wr_str(b, fs->breakdown, strlen(fs->breakdown));
		tpi_wr_u64(b, (uint64_t)fs->attribution);
		tpi_wr_u64(b, fs->breakdown_step);
	}
	tpi_wr_u64(b, fs->journeys);
	tpi_wr_u64(b, fs->labels.n);
	for (i = 0; i < fs->labels.n; i++)
		tpi_wr_str(b, fs->labels.strs[sorted[i]].s,
			   fs->labels.strs[sorted[i]].len);
	tpi_wr_u64(b, written_groups(fs));
	for (i = 0; i < written_groups(fs); i++) {
		const struct fs_group *g = written_group(fs, i);

		if (fs->breakdown)
			tpi_wr_u64(b, g->label ? rank[g->label - 1] + 1 : 0);
		for (k = 0; k < fs->n_steps; k++) {
			const struct fs_step *st = &g->steps[k];

			tpi_wr_u64(b, st->count);
			tpi_wr_u64(b, st->n_dur);
			for (d = 0; d < st->n_dur; d++) {
				if (d == 0)
					tpi_wr_i64(b, st->dur[0]);
				else
					tpi_wr_u64(b, (uint64_t)(st->dur[d] -
								 st->dur[d - 1]));
			}
			tpi_wr_u64(b, st->n_next);
			for (d = 0; d < st->n_next; d++) {
				uint32_t l = st->next[d].label;

				tpi_wr_u64(b, l ? rank[l - 1] + 1 : 0);
				tpi_wr_u64(b, st->next[d].count);
			}
		}
	}
	tpi_wr_finish(b);
}

static void
json_label(struct tpi_buf *b, const tp_funnel_state *fs, uint32_t l)
{
	if (l)
		tpi_buf_json_string(b, fs->labels.strs[l - 1].s,
				    fs->labels.strs[l - 1].len);
	else
		tpi_buf_puts(b, "null");
}

static void
save_json(const tp_funnel_state *fs, struct tpi_buf *b)
{
	size_t i, k, d;
	bool first;

	tpi_json_head(b, TP_STATE_KIND_FUNNEL);
	tpi_buf_puts(b, ",\"steps\":[");
	for (i = 0; i < fs->n_steps; i++) {
		tpi_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
		tpi_buf_json_string(b, fs->names[i], strlen(fs->names[i]));
		tpi_buf_puts(b, ",\"condition\":");
		tpi_buf_json_string(b, fs->conds[i], strlen(fs->conds[i]));
		tpi_buf_putc(b, '}');
	}
	tpi_buf_puts(b, "],\"exclusions\":[");
	for (i = 0; i < fs->n_excl; i++) {
		if (i)
			tpi_buf_putc(b, ',');
		tpi_buf_json_string(b, fs->excl[i], strlen(fs->excl[i]));
	}
	tpi_buf_printf(b, "],\"window_ms\":%lld,\"mode\":[",
		       (long long)fs->window_ms);
	first = true;
	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (!(fs->mode & mode_names[i].flag))
			continue;
		tpi_buf_printf(b, "%s\"%s\"", first ? "" : ",",
			       mode_names[i].name);
		first = false;
	}
	tpi_buf_printf(b, "],\"count\":\"%s\",\"breakdown\":",
		       tp_funnel_count_name(fs->count));
	if (fs->breakdown) {
		tpi_buf_puts(b, "{\"field\":");
		tpi_buf_json_string(b, fs->breakdown, strlen(fs->breakdown));
		tpi_buf_printf(b, ",\"attribution\":\"%s\",\"step\":%zu}",
			       tp_funnel_attribution_name(fs->attribution),
			       fs->breakdown_step);
	} else {
		tpi_buf_puts(b, "null");
	}
	tpi_buf_printf(b, ",\"journeys\":%llu,\"groups\":[",
		       (unsigned long long)fs->journeys);
	for (i = 0; i < written_groups(fs); i++) {
		const struct fs_group *g = written_group(fs, i);

		tpi_buf_puts(b, i ? ",\n{\"label\":" : "\n{\"label\":");
		json_label(b, fs, fs->breakdown ? g->label : 0);
		tpi_buf_puts(b, ",\"steps\":[");
		for (k = 0; k < fs->n_steps; k++) {
			const struct fs_step *st = &g->steps[k];

			tpi_buf_printf(b, "%s{\"customers\":%llu,\"durations_ms\":[",
				       k ? ",\n" : "\n",
				       (unsigned long long)st->count);
			for (d = 0; d < st->n_dur; d++)
				tpi_buf_printf(b, d ? ",%lld" : "%lld",
					       (long long)st->dur[d]);
			tpi_buf_puts(b, "],\"next_after_drop\":[");
			for (d = 0; d < st->n_next; d++) {
				tpi_buf_puts(b, d ? ",{\"touchpoint\":"
						  : "{\"touchpoint\":");
				json_label(b, fs, st->next[d].label);
				tpi_buf_printf(b, ",\"customers\":%llu}",
					       (unsigned long long)st->next[d].count);
			}
			tpi_buf_puts(b, "]}");
		}
		tpi_buf_puts(b, "]}");
	}
	tpi_buf_puts(b, "]}\n");
}

TP_EXPORT tp_status
tp_funnel_state_save(const tp_funnel_state *fs, tp_state_format format,
		     char **out, size_t *len)
{
	struct tpi_buf b = TPI_BUF_INIT;
	size_t *sorted, *rank;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!fs || (format != TP_STATE_FORMAT_BINARY &&
		    format != TP_STATE_FORMAT_JSON))
		return TP_EINVAL;
	if (format == TP_STATE_FORMAT_BINARY) {
		if (!ranks(fs, &sorted, &rank))
			return TP_ENOMEM;
		save_binary(fs, sorted, rank, &b);
		tpi_free(sorted);
		tpi_free(rank);
	} else {
		save_json(fs, &b);
	}
	*out = tpi_buf_steal(&b, len);
	return *out ? TP_OK : TP_ENOMEM;
}

/* ---- reading ---- */

/* Check that a group's figures hang together: counts never grow along
 * the funnel, one duration per count from step 2 on, next-after-drop
 * counts adding up to the drop. */
static bool
group_consistent(const tp_funnel_state *fs, const struct fs_group *g)
{
	size_t k, d;

	for (k = 0; k < fs->n_steps; k++) {
		const struct fs_step *st = &g->steps[k];
		uint64_t sum = 0;

		if (k == 0 && (st->n_dur || st->n_next))
			return false;
		if (k == 0)
			continue;
		if (st->count > g->steps[k - 1].count || st->n_dur != st->count)
			return false;
		for (d = 0; d < st->n_next; d++) {
			if (!st->next[d].count ||
			    !tpi_add_u64(&sum, st->next[d].count))
				return false;
			for (size_t e = 0; e < d; e++)
				if (st->next[e].label == st->next[d].label)
					return false;
		}
		if (sum != g->steps[k - 1].count - st->count)
			return false;
		for (d = 0; d < st->n_dur; d++)
			if (st->dur[d] < 0)
				return false;
	}
	return true;
}

/* Rebuild the total from the groups, finalize and check. */
static tp_status
load_finish(tp_funnel_state *fs, const char **what)
{
	uint32_t *map;
	size_t i;
	tp_status st = TP_OK;

	*what = NULL;
	for (i = 0; i < fs->n_groups; i++) {
		if (!group_consistent(fs, &fs->groups[i])) {
			*what = "a group's counts, durations and drop-offs do "
				"not agree";
			return TP_ESCHEMA;
		}
	}
	if (!fs->breakdown) {
		if (!group_consistent(fs, &fs->total)) {
			*what = "the counts, durations and drop-offs do not "
				"agree";
			return TP_ESCHEMA;
		}
		return fs_finalize(fs);
	}
	map = tpi_malloc((fs->labels.n ? fs->labels.n : 1) * sizeof(*map));
	if (!map)
		return TP_ENOMEM;
	for (i = 0; i < fs->labels.n; i++)
		map[i] = (uint32_t)i;
	for (i = 0; st == TP_OK && i < fs->n_groups; i++)
		st = group_add(fs, &fs->total, fs, &fs->groups[i], map);
	tpi_free(map);
	if (st == TP_ERANGE)
		*what = "the totals overflow";
	if (st == TP_OK)
		st = fs_finalize(fs);
	return st;
}

static tp_status
load_binary(const void *data, size_t len, const char *source,
	    tp_funnel_state **out, tp_error *err)
{
	struct tpi_rd rd;
	char *names[TP_FUNNEL_MAX_STEPS] = { 0 }, *conds[TP_FUNNEL_MAX_STEPS] = { 0 };
	char *excl[TP_FUNNEL_MAX_EXCLUSIONS] = { 0 }, *bd = NULL;
	size_t n_steps = 0, n_excl = 0, i, k, d, n_labels = 0, n_groups;
	uint64_t mode, count, has_bd, attr = 0, bstep = 0, journeys;
	uint32_t *labels = NULL;
	tp_funnel_state *fs = NULL;
	int64_t window;
	const char *s, *what;
	size_t slen;
	tp_status st;

	st = tpi_rd_open(&rd, data, len, source, TP_STATE_KIND_FUNNEL, err);
	if (st != TP_OK)
		return st;
	st = TP_ENOMEM;
	if (!tpi_rd_count(&rd, TP_FUNNEL_MAX_STEPS, &n_steps))
		goto fail;
	if (n_steps == 0) {
		tpi_rd_bad(&rd, "a funnel has at least one step");
		goto fail;
	}
	for (i = 0; i < n_steps; i++) {
		if (!tpi_rd_str(&rd, &s, &slen))
			goto fail;
		names[i] = tpi_strndup(s, slen);
		if (!tpi_rd_str(&rd, &s, &slen))
			goto fail;
		conds[i] = tpi_strndup(s, slen);
		if (!names[i] || !conds[i])
			goto fail_st;
	}
	if (!tpi_rd_count(&rd, TP_FUNNEL_MAX_EXCLUSIONS, &n_excl))
		goto fail;
	for (i = 0; i < n_excl; i++) {
		if (!tpi_rd_str(&rd, &s, &slen))
			goto fail;
		excl[i] = tpi_strndup(s, slen);
		if (!excl[i])
			goto fail_st;
	}
	if (!tpi_rd_i64(&rd, &window) || !tpi_rd_u64(&rd, &mode) ||
	    !tpi_rd_u64(&rd, &count) || !tpi_rd_u64(&rd, &has_bd))
		goto fail;
	if (window < 0 || (mode & ~(uint64_t)MODE_ALL) || count < 1 ||
	    count > TP_FUNNEL_COUNT_ATTEMPTS || has_bd > 1) {
		tpi_rd_bad(&rd, "bad funnel settings");
		goto fail;
	}
	if (has_bd) {
		if (!tpi_rd_str(&rd, &s, &slen) || !tpi_rd_u64(&rd, &attr) ||
		    !tpi_rd_u64(&rd, &bstep))
			goto fail;
		if (attr < 1 || attr > TP_FUNNEL_ATTRIBUTION_STEP ||
		    bstep > n_steps ||
		    (attr == TP_FUNNEL_ATTRIBUTION_STEP) != (bstep != 0)) {
			tpi_rd_bad(&rd, "bad breakdown settings");
			goto fail;
		}
		bd = tpi_strndup(s, slen);
		if (!bd)
			goto fail_st;
	}
	if (!tpi_rd_u64(&rd, &journeys))
		goto fail;
	fs = fs_new(n_steps, (const char *const *)names,
		    (const char *const *)conds, n_excl,
		    (const char *const *)excl, window, (unsigned)mode,
		    (tp_funnel_count)count, bd,
		    has_bd ? (tp_funnel_attribution)attr
			   : TP_FUNNEL_ATTRIBUTION_FIRST_TOUCH,
		    (size_t)bstep);
	if (!fs)
		goto fail_st;
	fs->journeys = journeys;
	if (!tpi_rd_count(&rd, (uint64_t)(rd.end - rd.p), &n_labels))
		goto fail;
	labels = tpi_malloc((n_labels ? n_labels : 1) * sizeof(*labels));
	if (!labels)
		goto fail_st;
	for (i = 0; i < n_labels; i++) {
		bool range = false;

		if (!tpi_rd_str(&rd, &s, &slen))
			goto fail;
		if (memchr(s, '\0', slen)) {
			tpi_rd_bad(&rd, "a label contains a NUL byte");
			goto fail;
		}
		if (!tpi_strpool_intern(&fs->labels, s, slen, &labels[i], &range)) {
			st = range ? TP_ERANGE : TP_ENOMEM;
			goto fail_st;
		}
	}
	if (!tpi_rd_count(&rd, has_bd ? (uint64_t)(rd.end - rd.p) : 1,
			  &n_groups))
		goto fail;
	if (!has_bd && n_groups != 1) {
		tpi_rd_bad(&rd, "a funnel without breakdown has one group");
		goto fail;
	}
	for (i = 0; i < n_groups; i++) {
		struct fs_group *g = &fs->total;

		if (has_bd) {
			size_t l;
			size_t before = fs->n_groups;

			if (!tpi_rd_count(&rd, n_labels, &l))
				goto fail;
			g = fs_group(fs, l ? labels[l - 1] + 1 : 0);
			if (!g)
				goto fail_st;
			if (fs->n_groups == before) {
				tpi_rd_bad(&rd, "a breakdown group is listed "
					   "twice");
				goto fail;
			}
		}
		for (k = 0; k < n_steps; k++) {
			struct fs_step *stp = &g->steps[k];
			size_t n_dur, n_next;

			if (!tpi_rd_u64(&rd, &stp->count) ||
			    !tpi_rd_count(&rd, (uint64_t)(rd.end - rd.p), &n_dur))
				goto fail;
			if (n_dur) {
				stp->dur = tpi_malloc(n_dur * sizeof(*stp->dur));
				if (!stp->dur)
					goto fail_st;
				stp->cap_dur = n_dur;
			}
			for (d = 0; d < n_dur; d++) {
				int64_t v;
				uint64_t delta;

				if (d == 0) {
					if (!tpi_rd_i64(&rd, &v))
						goto fail;
				} else {
					if (!tpi_rd_u64(&rd, &delta))
						goto fail;
					v = stp->dur[d - 1] + (int64_t)delta;
					if (delta > (uint64_t)INT64_MAX ||
					    v < stp->dur[d - 1]) {
						tpi_rd_bad(&rd, "a duration "
							   "overflows");
						goto fail;
					}
				}
				stp->dur[stp->n_dur++] = v;
			}
			if (!tpi_rd_count(&rd, (uint64_t)(rd.end - rd.p), &n_next))
				goto fail;
			for (d = 0; d < n_next; d++) {
				size_t l;
				uint64_t cnt;

				if (!tpi_rd_count(&rd, n_labels, &l) ||
				    !tpi_rd_u64(&rd, &cnt))
					goto fail;
				if (!add_next(stp, l ? labels[l - 1] + 1 : 0, cnt))
					goto fail_st;
			}
		}
	}
	if (tpi_rd_close(&rd) != TP_OK)
		goto fail;
	st = load_finish(fs, &what);
	if (st != TP_OK) {
		if (what) {
			tpi_rd_bad(&rd, "%s", what);
			goto fail;
		}
		goto fail_st;
	}
	goto done;
fail:
	st = rd.st != TP_OK ? rd.st : st;
fail_st:
	tp_funnel_state_free(fs);
	fs = NULL;
done:
	for (i = 0; i < TP_FUNNEL_MAX_STEPS; i++) {
		tpi_free(names[i]);
		tpi_free(conds[i]);
	}
	for (i = 0; i < TP_FUNNEL_MAX_EXCLUSIONS; i++)
		tpi_free(excl[i]);
	tpi_free(bd);
	tpi_free(labels);
	if (st != TP_OK)
		return st;
	*out = fs;
	return TP_OK;
}

/* A label of a JSON state: a string interned, or null (0). */
static bool
json_read_label(struct tpi_jrd *j, tp_funnel_state *fs, const cJSON *v,
		const char *member, uint32_t *out)
{
	uint32_t id;
	bool range = false;

	if (cJSON_IsNull(v)) {
		*out = 0;
		return true;
	}
	if (!cJSON_IsString(v) || !*v->valuestring)
		return tpi_jfail(j, TP_ESCHEMA, member, "\"%s\" must be a "
				 "non-empty string or null", member);
	if (!tpi_strpool_intern(&fs->labels, v->valuestring,
				strlen(v->valuestring), &id, &range))
		return tpi_jfail(j, range ? TP_ERANGE : TP_ENOMEM, NULL,
				 "too many labels");
	*out = id + 1;
	return true;
}

static bool
json_read_step(struct tpi_jrd *j, tp_funnel_state *fs, const cJSON *o,
	       struct fs_step *stp)
{
	const cJSON *durs, *next, *v;
	size_t n, d = 0;

	if (!cJSON_IsObject(o))
		return tpi_jfail(j, TP_ESCHEMA, NULL, "a step is an object");
	if (!tpi_juint_member(j, o, "customers", 0, UINT64_MAX, &stp->count))
		return false;
	durs = tpi_jmember(j, o, "durations_ms", cJSON_Array);
	if (!durs)
		return false;
	n = (size_t)cJSON_GetArraySize(durs);
	if (n) {
		stp->dur = tpi_malloc(n * sizeof(*stp->dur));
		if (!stp->dur)
			return tpi_jfail(j, TP_ENOMEM, NULL, "out of memory");
		stp->cap_dur = n;
	}
	tpi_path_push_key(&j->path, "durations_ms");
	cJSON_ArrayForEach(v, durs) {
		int64_t x;

		tpi_path_push_index(&j->path, d++);
		if (!tpi_jint(j, v, NULL, 0, INT64_MAX, &x))
			return false;
		tpi_path_pop(&j->path);
		stp->dur[stp->n_dur++] = x;
	}
	tpi_path_pop(&j->path);
	next = tpi_jmember(j, o, "next_after_drop", cJSON_Array);
	if (!next)
		return false;
	tpi_path_push_key(&j->path, "next_after_drop");
	d = 0;
	cJSON_ArrayForEach(v, next) {
		uint64_t c;
		uint32_t l;

		tpi_path_push_index(&j->path, d++);
		if (!cJSON_IsObject(v))
			return tpi_jfail(j, TP_ESCHEMA, NULL, "an entry is an "
					 "object");
		if (!json_read_label(j, fs,
				     cJSON_GetObjectItemCaseSensitive(v, "touchpoint"),
				     "touchpoint", &l) ||
		    !tpi_juint_member(j, v, "customers", 0, UINT64_MAX, &c))
			return false;
		if (!add_next(stp, l, c))
			return tpi_jfail(j, TP_ENOMEM, NULL, "out of memory");
		tpi_path_pop(&j->path);
	}
	tpi_path_pop(&j->path);
	return true;
}

static tp_status
load_json(const void *data, size_t len, const char *source,
	  tp_funnel_state **out, tp_error *err)
{
	struct tpi_jrd j;
	cJSON *root = NULL;
	const cJSON *steps, *excl, *modes, *bd, *groups, *v;
	const char *names[TP_FUNNEL_MAX_STEPS], *conds[TP_FUNNEL_MAX_STEPS];
	const char *excls[TP_FUNNEL_MAX_EXCLUSIONS];
	const char *count_name, *bfield = NULL, *what;
	tp_funnel_count count;
	tp_funnel_attribution attr = TP_FUNNEL_ATTRIBUTION_FIRST_TOUCH;
	tp_funnel_state *fs = NULL;
	int64_t window, bstep = 0;
	uint64_t journeys;
	unsigned mode = 0;
	size_t n_steps = 0, n_excl = 0, gi = 0;
	tp_status st;

	tpi_jrd_init(&j, data, len, source, err);
	if (tpi_json_open(&j, TP_STATE_KIND_FUNNEL, &root) != TP_OK)
		return tpi_jrd_fini(&j);
	steps = tpi_jmember(&j, root, "steps", cJSON_Array);
	if (!steps)
		goto done;
	tpi_path_push_key(&j.path, "steps");
	cJSON_ArrayForEach(v, steps) {
		tpi_path_push_index(&j.path, n_steps);
		if (n_steps >= TP_FUNNEL_MAX_STEPS) {
			tpi_jfail(&j, TP_ESCHEMA, NULL, "more than %d steps",
				  TP_FUNNEL_MAX_STEPS);
			goto done;
		}
		if (!cJSON_IsObject(v)) {
			tpi_jfail(&j, TP_ESCHEMA, NULL, "a step is an object");
			goto done;
		}
		if (!tpi_jstr_member(&j, v, "name", false, &names[n_steps]) ||
		    !tpi_jstr_member(&j, v, "condition", false, &conds[n_steps]))
			goto done;
		n_steps++;
		tpi_path_pop(&j.path);
	}
	tpi_path_pop(&j.path);
	if (n_steps == 0) {
		tpi_jfail(&j, TP_ESCHEMA, "steps", "a funnel has at least one "
			  "step");
		goto done;
	}
	excl = tpi_jmember(&j, root, "exclusions", cJSON_Array);
	if (!excl)
		goto done;
	cJSON_ArrayForEach(v, excl) {
		if (n_excl >= TP_FUNNEL_MAX_EXCLUSIONS || !cJSON_IsString(v)) {
			tpi_jfail(&j, TP_ESCHEMA, "exclusions", "exclusions are "
				  "at most %d strings", TP_FUNNEL_MAX_EXCLUSIONS);
			goto done;
		}
		excls[n_excl++] = v->valuestring;
	}
	if (!tpi_jint_member(&j, root, "window_ms", 0, INT64_MAX, &window))
		goto done;
	modes = tpi_jmember(&j, root, "mode", cJSON_Array);
	if (!modes)
		goto done;
	cJSON_ArrayForEach(v, modes) {
		unsigned m;

		if (!cJSON_IsString(v) ||
		    tp_funnel_mode_parse(v->valuestring, &m) != TP_OK) {
			tpi_jfail(&j, TP_ESCHEMA, "mode", "unknown mode");
			goto done;
		}
		mode |= m;
	}
	if (!tpi_jstr_member(&j, root, "count", false, &count_name))
		goto done;
	if (tp_funnel_count_parse(count_name, &count) != TP_OK) {
		tpi_jfail(&j, TP_ESCHEMA, "count", "unknown count \"%s\"",
			  count_name);
		goto done;
	}
	bd = cJSON_GetObjectItemCaseSensitive(root, "breakdown");
	if (!bd || (!cJSON_IsNull(bd) && !cJSON_IsObject(bd))) {
		tpi_jfail(&j, TP_ESCHEMA, "breakdown", "\"breakdown\" must be "
			  "an object or null");
		goto done;
	}
	if (cJSON_IsObject(bd)) {
		const char *an;

		tpi_path_push_key(&j.path, "breakdown");
		if (!tpi_jstr_member(&j, bd, "field", false, &bfield) ||
		    !tpi_jstr_member(&j, bd, "attribution", false, &an) ||
		    !tpi_jint_member(&j, bd, "step", 0, (int64_t)n_steps, &bstep))
			goto done;
		if (!*bfield || tp_funnel_attribution_parse(an, &attr) != TP_OK ||
		    (attr == TP_FUNNEL_ATTRIBUTION_STEP) != (bstep != 0)) {
			tpi_jfail(&j, TP_ESCHEMA, NULL, "bad breakdown");
			goto done;
		}
		tpi_path_pop(&j.path);
	}
	if (!tpi_juint_member(&j, root, "journeys", 0, UINT64_MAX, &journeys))
		goto done;
	groups = tpi_jmember(&j, root, "groups", cJSON_Array);
	if (!groups)
		goto done;
	if (!bfield && cJSON_GetArraySize(groups) != 1) {
		tpi_jfail(&j, TP_ESCHEMA, "groups", "a funnel without "
			  "breakdown has one group");
		goto done;
	}
	fs = fs_new(n_steps, names, conds, n_excl, excls, window, mode, count,
		    bfield, attr, (size_t)bstep);
	if (!fs) {
		tpi_jfail(&j, TP_ENOMEM, NULL, "out of memory");
		goto done;
	}
	fs->journeys = journeys;
	tpi_path_push_key(&j.path, "groups");
	cJSON_ArrayForEach(v, groups) {
		const cJSON *gsteps, *sv;
		struct fs_group *g = &fs->total;
		size_t k = 0;

		tpi_path_push_index(&j.path, gi++);
		if (!cJSON_IsObject(v)) {
			tpi_jfail(&j, TP_ESCHEMA, NULL, "a group is an object");
			goto done;
		}
		if (bfield) {
			uint32_t l;
			size_t before = fs->n_groups;

			if (!json_read_label(&j, fs,
					     cJSON_GetObjectItemCaseSensitive(v, "label"),
					     "label", &l))
				goto done;
			g = fs_group(fs, l);
			if (!g) {
				tpi_jfail(&j, TP_ENOMEM, NULL, "out of memory");
				goto done;
			}
			if (fs->n_groups == before) {
				tpi_jfail(&j, TP_ESCHEMA, "label", "a group is "
					  "listed twice");
				goto done;
			}
		}
		gsteps = tpi_jmember(&j, v, "steps", cJSON_Array);
		if (!gsteps)
			goto done;
		if ((size_t)cJSON_GetArraySize(gsteps) != n_steps) {
			tpi_jfail(&j, TP_ESCHEMA, "steps", "a group has one "
				  "entry per step (%zu)", n_steps);
			goto done;
		}
		tpi_path_push_key(&j.path, "steps");
		cJSON_ArrayForEach(sv, gsteps) {
			tpi_path_push_index(&j.path, k);
			if (!json_read_step(&j, fs, sv, &g->steps[k]))
				goto done;
			tpi_path_pop(&j.path);
			k++;
		}
		tpi_path_pop(&j.path);
		tpi_path_pop(&j.path);
	}
	tpi_path_pop(&j.path);
	/* The durations were written sorted; sort anyway, then check. */
	st = load_finish(fs, &what);
	if (st != TP_OK)
		tpi_jfail(&j, st, "groups", "%s", what ? what : "out of memory");
done:
	cJSON_Delete(root);
	st = tpi_jrd_fini(&j);
	if (st != TP_OK) {
		tp_funnel_state_free(fs);
		return st;
	}
	*out = fs;
	return TP_OK;
}

TP_EXPORT tp_status
tp_funnel_state_load(const void *data, size_t len, const char *source,
		     tp_funnel_state **out, tp_error *err)
{
	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!data)
		return TP_EINVAL;
	if (!source)
		source = "<state>";
	if (tpi_state_is_json(data, len))
		return load_json(data, len, source, out, err);
	return load_binary(data, len, source, out, err);
}

/* ---- accessors ---- */

TP_EXPORT size_t
tp_funnel_state_step_count(const tp_funnel_state *fs)
{
	return fs ? fs->n_steps : 0;
}

TP_EXPORT const char *
tp_funnel_state_step_name(const tp_funnel_state *fs, size_t step)
{
	return fs && step < fs->n_steps ? fs->names[step] : NULL;
}

TP_EXPORT const char *
tp_funnel_state_step_condition(const tp_funnel_state *fs, size_t step)
{
	return fs && step < fs->n_steps ? fs->conds[step] : NULL;
}

TP_EXPORT tp_status
tp_funnel_state_settings(const tp_funnel_state *fs, int64_t *window_ms,
			 unsigned *mode, tp_funnel_count *count)
{
	if (!fs)
		return TP_EINVAL;
	if (window_ms)
		*window_ms = fs->window_ms;
	if (mode)
		*mode = fs->mode;
	if (count)
		*count = fs->count;
	return TP_OK;
}

TP_EXPORT size_t
tp_funnel_state_exclusion_count(const tp_funnel_state *fs)
{
	return fs ? fs->n_excl : 0;
}

TP_EXPORT const char *
tp_funnel_state_exclusion(const tp_funnel_state *fs, size_t index)
{
	return fs && index < fs->n_excl ? fs->excl[index] : NULL;
}

TP_EXPORT tp_funnel_attribution
tp_funnel_state_breakdown_attribution(const tp_funnel_state *fs,
				      size_t *step)
{
	if (step)
		*step = fs && fs->breakdown ? fs->breakdown_step : 0;
	if (!fs || !fs->breakdown)
		return TP_FUNNEL_ATTRIBUTION_DEFAULT;
	return fs->attribution;
}

TP_EXPORT uint64_t
tp_funnel_state_journeys(const tp_funnel_state *fs)
{
	return fs ? fs->journeys : 0;
}

TP_EXPORT const char *
tp_funnel_state_breakdown(const tp_funnel_state *fs)
{
	return fs ? fs->breakdown : NULL;
}

TP_EXPORT size_t
tp_funnel_state_group_count(const tp_funnel_state *fs)
{
	return fs && fs->breakdown ? fs->n_groups : 0;
}

TP_EXPORT const char *
tp_funnel_state_group_label(const tp_funnel_state *fs, size_t group)
{
	uint32_t l;

	if (!fs || !fs->breakdown || group >= fs->n_groups)
		return NULL;
	l = fs->groups[group].label;
	return l ? fs->labels.strs[l - 1].s : NULL;
}

static const struct fs_group *
group_at(const tp_funnel_state *fs, size_t group)
{
	if (group == TP_FUNNEL_ALL_GROUPS)
		return &fs->total;
	if (!fs->breakdown || group >= fs->n_groups)
		return NULL;
	return &fs->groups[group];
}

TP_EXPORT tp_status
tp_funnel_state_step(const tp_funnel_state *fs, size_t group, size_t step,
		     tp_funnel_step_stats *out)
{
	const struct fs_group *g;
	const struct fs_step *st;
	uint64_t c0, prev;

	if (!fs || !out || out->size < sizeof(*out) || step >= fs->n_steps)
		return TP_EINVAL;
	g = group_at(fs, group);
	if (!g)
		return TP_EINVAL;
	st = &g->steps[step];
	c0 = g->steps[0].count;
	prev = step ? g->steps[step - 1].count : c0;
	out->name = fs->names[step];
	out->customers = st->count;
	out->conversion_from_previous = prev ? (double)st->count / (double)prev : 0;
	out->conversion_from_first = c0 ? (double)st->count / (double)c0 : 0;
	out->dropped = step ? prev - st->count : 0;
	out->has_times = st->n_dur > 0;
	out->median_seconds_from_previous = st->n_dur
		? tpi_quantile(st->dur, st->n_dur, 0.5) / 1000.0 : 0;
	out->p90_seconds_from_previous = st->n_dur
		? tpi_quantile(st->dur, st->n_dur, 0.9) / 1000.0 : 0;
	return TP_OK;
}

TP_EXPORT size_t
tp_funnel_state_next_count(const tp_funnel_state *fs, size_t group,
			   size_t step)
{
	const struct fs_group *g;

	if (!fs || step >= fs->n_steps)
		return 0;
	g = group_at(fs, group);
	return g ? g->steps[step].n_next : 0;
}

TP_EXPORT tp_status
tp_funnel_state_next(const tp_funnel_state *fs, size_t group, size_t step,
		     size_t rank, const char **touchpoint, uint64_t *customers)
{
	const struct fs_group *g;
	const struct fs_next *n;

	if (!fs || !touchpoint || !customers || step >= fs->n_steps)
		return TP_EINVAL;
	g = group_at(fs, group);
	if (!g || rank >= g->steps[step].n_next)
		return TP_EINVAL;
	n = &g->steps[step].next[rank];
	*touchpoint = n->label ? fs->labels.strs[n->label - 1].s : NULL;
	*customers = n->count;
	return TP_OK;
}
