/* SPDX-License-Identifier: MIT */
/* The catalog: builder, validation and accessors (catalog.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "catalog-private.h"
#include "util/error.h"
#include "util/export.h"
#include "util/mem.h"
#include "util/text.h"

struct tp_catalog_builder {
	struct tpi_catalog_items it;
};

static void
items_fini(struct tpi_catalog_items *it)
{
	size_t i, k;

	for (i = 0; i < it->n_channels; i++) {
		tpi_free(it->channels[i].id);
		tpi_free(it->channels[i].name);
	}
	for (i = 0; i < it->n_stages; i++) {
		tpi_free(it->stages[i].id);
		tpi_free(it->stages[i].name);
	}
	for (i = 0; i < it->n_touchpoints; i++) {
		struct tpi_touchpoint *t = &it->touchpoints[i];

		tpi_free(t->id);
		tpi_free(t->name);
		tpi_free(t->channel_ref);
		tpi_free(t->stage_ref);
	}
	for (i = 0; i < it->n_funnels; i++) {
		struct tpi_funnel *f = &it->funnels[i];

		tpi_free(f->id);
		tpi_free(f->name);
		if (f->stage_refs)
			for (k = 0; k < f->n_stages; k++)
				tpi_free(f->stage_refs[k]);
		tpi_free(f->stage_refs);
		tpi_free(f->stages);
	}
	tpi_free(it->channels);
	tpi_free(it->stages);
	tpi_free(it->touchpoints);
	tpi_free(it->funnels);
	memset(it, 0, sizeof(*it));
}

TP_EXPORT tp_status
tp_catalog_builder_new(tp_catalog_builder **out)
{
	if (!out)
		return TP_EINVAL;
	*out = tpi_calloc(1, sizeof(**out));
	return *out ? TP_OK : TP_ENOMEM;
}

TP_EXPORT void
tp_catalog_builder_free(tp_catalog_builder *builder)
{
	if (!builder)
		return;
	items_fini(&builder->it);
	tpi_free(builder);
}

/* Copy an optional string; *ok turns false when the copy fails. */
static char *
dup_opt(const char *s, bool *ok)
{
	char *d;

	if (!s)
		return NULL;
	d = tpi_strdup(s);
	if (!d)
		*ok = false;
	return d;
}

/* Read a field of a caller's def struct only when its size covers it. */
#define DEF_HAS(def, field) \
	((def)->size >= offsetof(__typeof__(*(def)), field) + sizeof((def)->field))

TP_EXPORT tp_status
tp_catalog_builder_add_channel(tp_catalog_builder *builder,
			       const tp_channel_def *def)
{
	struct tpi_catalog_items *it;
	struct tpi_channel c = { 0 };
	bool ok = true;

	if (!builder || !def || !DEF_HAS(def, kind) || !def->id)
		return TP_EINVAL;
	it = &builder->it;
	if (!TPI_GROW(it->channels, it->cap_channels, it->n_channels + 1))
		return TP_ENOMEM;
	c.id = dup_opt(def->id, &ok);
	c.name = dup_opt(def->name, &ok);
	c.kind = def->kind;
	if (!ok) {
		tpi_free(c.id);
		tpi_free(c.name);
		return TP_ENOMEM;
	}
	it->channels[it->n_channels++] = c;
	return TP_OK;
}

TP_EXPORT tp_status
tp_catalog_builder_add_stage(tp_catalog_builder *builder,
			     const tp_stage_def *def)
{
	struct tpi_catalog_items *it;
	struct tpi_stage s = { 0 };
	bool ok = true;

	if (!builder || !def || !DEF_HAS(def, phase) || !def->id)
		return TP_EINVAL;
	it = &builder->it;
	if (!TPI_GROW(it->stages, it->cap_stages, it->n_stages + 1))
		return TP_ENOMEM;
	s.id = dup_opt(def->id, &ok);
	s.name = dup_opt(def->name, &ok);
	s.phase = def->phase;
	if (!ok) {
		tpi_free(s.id);
		tpi_free(s.name);
		return TP_ENOMEM;
	}
	it->stages[it->n_stages++] = s;
	return TP_OK;
}

TP_EXPORT tp_status
tp_catalog_builder_add_touchpoint(tp_catalog_builder *builder,
				  const tp_touchpoint_def *def)
{
	struct tpi_catalog_items *it;
	struct tpi_touchpoint t;
	bool ok = true;

	if (!builder || !def || !DEF_HAS(def, business_model) || !def->id)
		return TP_EINVAL;
	it = &builder->it;
	if (!TPI_GROW(it->touchpoints, it->cap_touchpoints,
		      it->n_touchpoints + 1))
		return TP_ENOMEM;
	memset(&t, 0, sizeof(t));
	t.id = dup_opt(def->id, &ok);
	t.name = dup_opt(def->name, &ok);
	t.channel_ref = dup_opt(def->channel, &ok);
	t.stage_ref = dup_opt(def->stage, &ok);
	if (!ok) {
		tpi_free(t.id);
		tpi_free(t.name);
		tpi_free(t.channel_ref);
		tpi_free(t.stage_ref);
		return TP_ENOMEM;
	}
	t.channel = -1;
	t.stage = -1;
	/* Out-of-range values are kept (clamped to 255) and reported by
	 * finish; the uint8 store is only for valid ones. */
#define DIM(d, v) t.dims[d] = (uint8_t)(((unsigned)(v) > 255u) ? 255u : (unsigned)(v))
	DIM(TP_DIMENSION_PHASE, def->phase);
	DIM(TP_DIMENSION_INITIATOR, def->initiator);
	DIM(TP_DIMENSION_PERSONALIZATION, def->personalization);
	DIM(TP_DIMENSION_INTENT, def->intent);
	DIM(TP_DIMENSION_CONTROL, def->control);
	DIM(TP_DIMENSION_AGENT, def->agent);
	DIM(TP_DIMENSION_BUSINESS_MODEL, def->business_model);
#undef DIM
	it->touchpoints[it->n_touchpoints++] = t;
	return TP_OK;
}

TP_EXPORT tp_status
tp_catalog_builder_add_funnel(tp_catalog_builder *builder, const char *id,
			      const char *name, const char *const *stage_ids,
			      size_t n_stages)
{
	struct tpi_catalog_items *it;
	struct tpi_funnel f;
	bool ok = true;
	size_t k;

	if (!builder || !id || (n_stages && !stage_ids))
		return TP_EINVAL;
	for (k = 0; k < n_stages; k++)
		if (!stage_ids[k])
			return TP_EINVAL;
	it = &builder->it;
	if (!TPI_GROW(it->funnels, it->cap_funnels, it->n_funnels + 1))
		return TP_ENOMEM;
	memset(&f, 0, sizeof(f));
	f.id = dup_opt(id, &ok);
	f.name = dup_opt(name, &ok);
	f.n_stages = n_stages;
	if (n_stages) {
		f.stage_refs = tpi_calloc(n_stages, sizeof(char *));
		if (!f.stage_refs)
			ok = false;
		for (k = 0; ok && k < n_stages; k++)
			f.stage_refs[k] = dup_opt(stage_ids[k], &ok);
	}
	if (!ok) {
		for (k = 0; f.stage_refs && k < n_stages; k++)
			tpi_free(f.stage_refs[k]);
		tpi_free(f.stage_refs);
		tpi_free(f.id);
		tpi_free(f.name);
		return TP_ENOMEM;
	}
	it->funnels[it->n_funnels++] = f;
	return TP_OK;
}

/* ---- validation ---- */

struct checker {
	tp_error *err;
	tp_status first;
	char path[128];
};

static void
fault(struct checker *ck, tp_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fault(struct checker *ck, tp_status code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ck->first)
		ck->first = code;
	tpi_error(ck->err, code, NULL, 0, 0, ck->path, "%s", msg);
}

#define AT(ck, ...) snprintf((ck)->path, sizeof((ck)->path), __VA_ARGS__)

static bool
check_id(struct checker *ck, const char *kind, size_t i, const char *id,
	 struct tpi_strmap *map, bool *oom)
{
	uint32_t prev;

	AT(ck, "$.%ss[%zu].id", kind, i);
	if (!tpi_is_slug(id)) {
		fault(ck, TP_ESCHEMA,
		      "%s id \"%s\" is not a slug (lowercase letters, digits "
		      "and '_', starting with a letter, at most 64 bytes)",
		      kind, id);
		return false;
	}
	if (!tpi_strmap_put(map, id, strlen(id), (uint32_t)i, &prev)) {
		*oom = true;
		return false;
	}
	if (prev != i) {
		fault(ck, TP_EEXIST, "duplicate %s id \"%s\" (first at $.%ss[%u])",
		      kind, id, kind, prev);
		return false;
	}
	return true;
}

static void
check_name(struct checker *ck, const char *kind, size_t i, const char *name)
{
	if (name && !*name) {
		AT(ck, "$.%ss[%zu].name", kind, i);
		fault(ck, TP_ESCHEMA, "%s name is empty", kind);
	}
}

static void
check_enum(struct checker *ck, const char *kind, size_t i, tp_dimension d,
	   unsigned value)
{
	if ((int)value >= tp_dimension_value_count(d)) {
		AT(ck, "$.%ss[%zu].%s", kind, i, tp_dimension_name(d));
		fault(ck, TP_ESCHEMA, "%s value %u is out of range", tp_dimension_name(d),
		      value);
	}
}

static tp_status
resolve(struct tp_catalog *c, struct checker *ck)
{
	struct tpi_catalog_items *it = &c->it;
	bool oom = false;
	size_t i, k;

	for (i = 0; i < it->n_channels && !oom; i++) {
		struct tpi_channel *ch = &it->channels[i];

		check_id(ck, "channel", i, ch->id, &c->channel_ids, &oom);
		check_name(ck, "channel", i, ch->name);
		check_enum(ck, "channel", i, TP_DIMENSION_KIND, (unsigned)ch->kind);
	}
	for (i = 0; i < it->n_stages && !oom; i++) {
		struct tpi_stage *s = &it->stages[i];

		check_id(ck, "stage", i, s->id, &c->stage_ids, &oom);
		check_name(ck, "stage", i, s->name);
		check_enum(ck, "stage", i, TP_DIMENSION_PHASE, (unsigned)s->phase);
	}
	for (i = 0; i < it->n_touchpoints && !oom; i++) {
		struct tpi_touchpoint *t = &it->touchpoints[i];
		uint32_t idx;
		int d;

		check_id(ck, "touchpoint", i, t->id, &c->touchpoint_ids, &oom);
		check_name(ck, "touchpoint", i, t->name);
		for (d = 1; d <= TP_DIMENSION_LAST; d++)
			if (d != TP_DIMENSION_KIND)
				check_enum(ck, "touchpoint", i, (tp_dimension)d,
					   t->dims[d]);
		AT(ck, "$.touchpoints[%zu].channel", i);
		if (!t->channel_ref)
			fault(ck, TP_ESCHEMA, "touchpoint \"%s\" has no channel", t->id);
		else if (!tpi_strmap_get(&c->channel_ids, t->channel_ref,
					 strlen(t->channel_ref), &idx))
			fault(ck, TP_ENOTFOUND, "unknown channel \"%s\"", t->channel_ref);
		else
			t->channel = (int32_t)idx;
		if (t->stage_ref) {
			AT(ck, "$.touchpoints[%zu].stage", i);
			if (!tpi_strmap_get(&c->stage_ids, t->stage_ref,
					    strlen(t->stage_ref), &idx))
				fault(ck, TP_ENOTFOUND, "unknown stage \"%s\"",
				      t->stage_ref);
			else
				t->stage = (int32_t)idx;
		}
	}
	for (i = 0; i < it->n_funnels && !oom; i++) {
		struct tpi_funnel *f = &it->funnels[i];

		check_id(ck, "funnel", i, f->id, &c->funnel_ids, &oom);
		check_name(ck, "funnel", i, f->name);
		if (f->n_stages == 0) {
			AT(ck, "$.funnels[%zu].stages", i);
			fault(ck, TP_ESCHEMA, "funnel \"%s\" has no stages", f->id);
			continue;
		}
		f->stages = tpi_calloc(f->n_stages, sizeof(int32_t));
		if (!f->stages) {
			oom = true;
			break;
		}
		for (k = 0; k < f->n_stages; k++) {
			uint32_t idx;
			size_t j;

			AT(ck, "$.funnels[%zu].stages[%zu]", i, k);
			f->stages[k] = -1;
			if (!tpi_strmap_get(&c->stage_ids, f->stage_refs[k],
					    strlen(f->stage_refs[k]), &idx)) {
				fault(ck, TP_ENOTFOUND, "unknown stage \"%s\"",
				      f->stage_refs[k]);
				continue;
			}
			for (j = 0; j < k; j++)
				if (f->stages[j] == (int32_t)idx)
					break;
			if (j < k) {
				fault(ck, TP_EEXIST,
				      "stage \"%s\" appears twice in funnel \"%s\"",
				      f->stage_refs[k], f->id);
				continue;
			}
			f->stages[k] = (int32_t)idx;
		}
	}
	if (oom)
		return TP_ENOMEM;
	return ck->first;
}

static bool
default_names(struct tpi_catalog_items *it)
{
	size_t i;

#define NAME(x) do { if (!(x).name && !((x).name = tpi_strdup((x).id))) return false; } while (0)
	for (i = 0; i < it->n_channels; i++)
		NAME(it->channels[i]);
	for (i = 0; i < it->n_stages; i++)
		NAME(it->stages[i]);
	for (i = 0; i < it->n_touchpoints; i++)
		NAME(it->touchpoints[i]);
	for (i = 0; i < it->n_funnels; i++)
		NAME(it->funnels[i]);
#undef NAME
	return true;
}

static void
catalog_destroy(struct tp_catalog *c)
{
	items_fini(&c->it);
	tpi_strmap_fini(&c->channel_ids);
	tpi_strmap_fini(&c->stage_ids);
	tpi_strmap_fini(&c->touchpoint_ids);
	tpi_strmap_fini(&c->funnel_ids);
	tpi_free(c);
}

TP_EXPORT tp_status
tp_catalog_builder_finish(tp_catalog_builder *builder, tp_catalog **out,
			  tp_error *err)
{
	struct checker ck = { err, TP_OK, "" };
	struct tp_catalog *c;
	tp_status st;
	size_t i, k;

	if (!builder || !out)
		return TP_EINVAL;
	*out = NULL;
	c = tpi_calloc(1, sizeof(*c));
	if (!c)
		return TP_ENOMEM;
	atomic_init(&c->refs, 1);
	/* The catalog takes the items; on failure they go back. */
	c->it = builder->it;
	memset(&builder->it, 0, sizeof(builder->it));
	st = resolve(c, &ck);
	if (!st && !default_names(&c->it))
		st = TP_ENOMEM;
	if (st) {
		if (st == TP_ENOMEM)
			tpi_error(err, TP_ENOMEM, NULL, 0, 0, NULL,
				  "out of memory while building the catalog");
		builder->it = c->it;
		memset(&c->it, 0, sizeof(c->it));
		for (i = 0; i < builder->it.n_funnels; i++) {
			tpi_free(builder->it.funnels[i].stages);
			builder->it.funnels[i].stages = NULL;
		}
		catalog_destroy(c);
		return st;
	}
	/* Phase defaults to the stage's; kind comes from the channel. */
	for (i = 0; i < c->it.n_touchpoints; i++) {
		struct tpi_touchpoint *t = &c->it.touchpoints[i];

		if (!t->dims[TP_DIMENSION_PHASE] && t->stage >= 0)
			t->dims[TP_DIMENSION_PHASE] =
				(uint8_t)c->it.stages[t->stage].phase;
		t->dims[TP_DIMENSION_KIND] =
			(uint8_t)c->it.channels[t->channel].kind;
		tpi_free(t->channel_ref);
		tpi_free(t->stage_ref);
		t->channel_ref = t->stage_ref = NULL;
	}
	for (i = 0; i < c->it.n_funnels; i++) {
		struct tpi_funnel *f = &c->it.funnels[i];

		for (k = 0; k < f->n_stages; k++)
			tpi_free(f->stage_refs[k]);
		tpi_free(f->stage_refs);
		f->stage_refs = NULL;
	}
	*out = c;
	return TP_OK;
}

tp_catalog *
tpi_catalog_ref(const tp_catalog *catalog)
{
	tp_catalog *c = (tp_catalog *)catalog;

	atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
	return c;
}

TP_EXPORT tp_catalog *
tp_catalog_ref(const tp_catalog *catalog)
{
	return catalog ? tpi_catalog_ref(catalog) : NULL;
}

TP_EXPORT void
tp_catalog_free(tp_catalog *catalog)
{
	if (!catalog)
		return;
	if (atomic_fetch_sub_explicit(&catalog->refs, 1,
				      memory_order_acq_rel) == 1)
		catalog_destroy(catalog);
}

static int
find(const struct tpi_strmap *m, const char *id)
{
	uint32_t idx;

	if (!id)
		return TP_EINVAL;
	if (!tpi_strmap_get(m, id, strlen(id), &idx))
		return TP_ENOTFOUND;
	return (int)idx;
}

TP_EXPORT int
tp_catalog_equal(const tp_catalog *a, const tp_catalog *b)
{
	const struct tpi_catalog_items *x, *y;
	size_t i;

	if (!a || !b)
		return 0;
	x = &a->it;
	y = &b->it;
	if (x->n_channels != y->n_channels || x->n_stages != y->n_stages ||
	    x->n_touchpoints != y->n_touchpoints ||
	    x->n_funnels != y->n_funnels)
		return 0;
#define SAME(f) (strcmp(p->f, q->f) == 0)
	for (i = 0; i < x->n_channels; i++) {
		const struct tpi_channel *p = &x->channels[i], *q = &y->channels[i];

		if (!SAME(id) || !SAME(name) || p->kind != q->kind)
			return 0;
	}
	for (i = 0; i < x->n_stages; i++) {
		const struct tpi_stage *p = &x->stages[i], *q = &y->stages[i];

		if (!SAME(id) || !SAME(name) || p->phase != q->phase)
			return 0;
	}
	for (i = 0; i < x->n_touchpoints; i++) {
		const struct tpi_touchpoint *p = &x->touchpoints[i],
					    *q = &y->touchpoints[i];

		if (!SAME(id) || !SAME(name) || p->channel != q->channel ||
		    p->stage != q->stage ||
		    memcmp(p->dims, q->dims, sizeof(p->dims)) != 0)
			return 0;
	}
	for (i = 0; i < x->n_funnels; i++) {
		const struct tpi_funnel *p = &x->funnels[i], *q = &y->funnels[i];

		if (!SAME(id) || !SAME(name) || p->n_stages != q->n_stages ||
		    memcmp(p->stages, q->stages,
			   p->n_stages * sizeof(p->stages[0])) != 0)
			return 0;
	}
#undef SAME
	return 1;
}

/* ---- accessors ---- */

TP_EXPORT size_t
tp_catalog_channel_count(const tp_catalog *catalog)
{
	return catalog ? catalog->it.n_channels : 0;
}

#define CHANNEL(c, i) ((c) && (i) < (c)->it.n_channels ? &(c)->it.channels[i] : NULL)
#define STAGE(c, i) ((c) && (i) < (c)->it.n_stages ? &(c)->it.stages[i] : NULL)
#define TOUCHPOINT(c, i) ((c) && (i) < (c)->it.n_touchpoints ? &(c)->it.touchpoints[i] : NULL)
#define FUNNEL(c, i) ((c) && (i) < (c)->it.n_funnels ? &(c)->it.funnels[i] : NULL)

TP_EXPORT const char *
tp_catalog_channel_id(const tp_catalog *catalog, size_t index)
{
	const struct tpi_channel *x = CHANNEL(catalog, index);

	return x ? x->id : NULL;
}

TP_EXPORT const char *
tp_catalog_channel_name(const tp_catalog *catalog, size_t index)
{
	const struct tpi_channel *x = CHANNEL(catalog, index);

	return x ? x->name : NULL;
}

TP_EXPORT tp_channel_kind
tp_catalog_channel_kind(const tp_catalog *catalog, size_t index)
{
	const struct tpi_channel *x = CHANNEL(catalog, index);

	return x ? x->kind : TP_CHANNEL_KIND_UNKNOWN;
}

TP_EXPORT int
tp_catalog_find_channel(const tp_catalog *catalog, const char *id)
{
	return catalog ? find(&catalog->channel_ids, id) : TP_EINVAL;
}

TP_EXPORT size_t
tp_catalog_touchpoint_count(const tp_catalog *catalog)
{
	return catalog ? catalog->it.n_touchpoints : 0;
}

TP_EXPORT const char *
tp_catalog_touchpoint_id(const tp_catalog *catalog, size_t index)
{
	const struct tpi_touchpoint *x = TOUCHPOINT(catalog, index);

	return x ? x->id : NULL;
}

TP_EXPORT const char *
tp_catalog_touchpoint_name(const tp_catalog *catalog, size_t index)
{
	const struct tpi_touchpoint *x = TOUCHPOINT(catalog, index);

	return x ? x->name : NULL;
}

TP_EXPORT int
tp_catalog_touchpoint_channel(const tp_catalog *catalog, size_t index)
{
	const struct tpi_touchpoint *x = TOUCHPOINT(catalog, index);

	return x ? x->channel : TP_EINVAL;
}

TP_EXPORT int
tp_catalog_touchpoint_stage(const tp_catalog *catalog, size_t index)
{
	const struct tpi_touchpoint *x = TOUCHPOINT(catalog, index);

	if (!x)
		return TP_EINVAL;
	return x->stage >= 0 ? x->stage : TP_ENOTFOUND;
}

TP_EXPORT int
tp_catalog_touchpoint_dimension(const tp_catalog *catalog, size_t index,
				tp_dimension dimension)
{
	const struct tpi_touchpoint *x = TOUCHPOINT(catalog, index);

	if (!x || (int)dimension < 1 || (int)dimension > TP_DIMENSION_LAST)
		return TP_EINVAL;
	return x->dims[dimension];
}

TP_EXPORT int
tp_catalog_find_touchpoint(const tp_catalog *catalog, const char *id)
{
	return catalog ? find(&catalog->touchpoint_ids, id) : TP_EINVAL;
}

TP_EXPORT size_t
tp_catalog_stage_count(const tp_catalog *catalog)
{
	return catalog ? catalog->it.n_stages : 0;
}

TP_EXPORT const char *
tp_catalog_stage_id(const tp_catalog *catalog, size_t index)
{
	const struct tpi_stage *x = STAGE(catalog, index);

	return x ? x->id : NULL;
}

TP_EXPORT const char *
tp_catalog_stage_name(const tp_catalog *catalog, size_t index)
{
	const struct tpi_stage *x = STAGE(catalog, index);

	return x ? x->name : NULL;
}

TP_EXPORT tp_phase
tp_catalog_stage_phase(const tp_catalog *catalog, size_t index)
{
	const struct tpi_stage *x = STAGE(catalog, index);

	return x ? x->phase : TP_PHASE_UNKNOWN;
}

TP_EXPORT int
tp_catalog_find_stage(const tp_catalog *catalog, const char *id)
{
	return catalog ? find(&catalog->stage_ids, id) : TP_EINVAL;
}

TP_EXPORT size_t
tp_catalog_funnel_count(const tp_catalog *catalog)
{
	return catalog ? catalog->it.n_funnels : 0;
}

TP_EXPORT const char *
tp_catalog_funnel_id(const tp_catalog *catalog, size_t index)
{
	const struct tpi_funnel *x = FUNNEL(catalog, index);

	return x ? x->id : NULL;
}

TP_EXPORT const char *
tp_catalog_funnel_name(const tp_catalog *catalog, size_t index)
{
	const struct tpi_funnel *x = FUNNEL(catalog, index);

	return x ? x->name : NULL;
}

TP_EXPORT size_t
tp_catalog_funnel_stage_count(const tp_catalog *catalog, size_t index)
{
	const struct tpi_funnel *x = FUNNEL(catalog, index);

	return x ? x->n_stages : 0;
}

TP_EXPORT int
tp_catalog_funnel_stage(const tp_catalog *catalog, size_t index,
			size_t position)
{
	const struct tpi_funnel *x = FUNNEL(catalog, index);

	if (!x || position >= x->n_stages)
		return TP_EINVAL;
	return x->stages[position];
}

TP_EXPORT int
tp_catalog_find_funnel(const tp_catalog *catalog, const char *id)
{
	return catalog ? find(&catalog->funnel_ids, id) : TP_EINVAL;
}
