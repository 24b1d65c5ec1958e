/* SPDX-License-Identifier: MIT */
/*
 * Classifying one event (tp_classify) and reading the result
 * (classifier.h). The hot path: one pass over the attributes, views into
 * them, no allocation once the result has grown to the classifier.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog-private.h"
#include "classifier-private.h"
#include "referrer-private.h"
#include "util/export.h"
#include "util/mem.h"
#include "util/text.h"
#include "util/url.h"

static void *
re_malloc(PCRE2_SIZE size, void *ud)
{
	(void)ud;
	return tpi_malloc(size);
}

static void
re_free(void *p, void *ud)
{
	(void)ud;
	tpi_free(p);
}

TP_EXPORT tp_status
tp_result_new(tp_result **out)
{
	tp_result *r;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	r = tpi_calloc(1, sizeof(*r));
	if (!r)
		return TP_ENOMEM;
	r->gctx = pcre2_general_context_create(re_malloc, re_free, NULL);
	if (r->gctx)
		r->ev.md = pcre2_match_data_create(1, r->gctx);
	if (!r->ev.md) {
		tp_result_free(r);
		return TP_ENOMEM;
	}
	r->ev.channel = r->ev.touchpoint = r->ev.stage = -1;
	r->memo_size = TPI_MEMO_DEFAULT;
	*out = r;
	return TP_OK;
}

TP_EXPORT void
tp_result_free(tp_result *r)
{
	if (!r)
		return;
	if (r->ev.md)
		pcre2_match_data_free(r->ev.md);
	if (r->gctx)
		pcre2_general_context_free(r->gctx);
	tpi_free(r->attrs);
	tpi_free(r->labels);
	tpi_free(r->memo);
	tpi_free(r->gcache);
	tpi_free(r->scratch);
	tpi_free(r->key_url);
	tpi_memo_release(r);
	tpi_free(r);
}

TP_EXPORT tp_status
tp_result_set_cache_size(tp_result *r, size_t events)
{
	size_t n = 2;

	if (!r)
		return TP_EINVAL;
	if (events > ((size_t)1 << 24))
		return TP_ERANGE;
	while (events && n < events)
		n *= 2;
	tpi_memo_release(r);   /* allocated again at the next classification */
	r->memo_size = events ? n : 0;
	return TP_OK;
}

TP_EXPORT size_t
tp_result_cache_size(const tp_result *r)
{
	return r ? r->memo_size : 0;
}

/* Grow the result's arrays to fit the classifier and this event. */
static tp_status
fit(tp_result *r, const tp_classifier *c)
{
	if (r->cap_attrs < c->n_attrs) {
		struct tpi_str *a = tpi_reallocarray(r->attrs, c->n_attrs, sizeof(*a));

		if (!a)
			return TP_ENOMEM;
		r->attrs = a;
		r->cap_attrs = c->n_attrs;
	}
	if (r->cap_labels < c->n_labels) {
		struct tpi_str *l = tpi_reallocarray(r->labels, c->n_labels, sizeof(*l));

		if (!l)
			return TP_ENOMEM;
		r->labels = l;
		r->cap_labels = c->n_labels;
	}
	if (r->cap_memo < c->max_atoms) {
		uint32_t *m = tpi_calloc(c->max_atoms, sizeof(*m));

		if (!m)
			return TP_ENOMEM;
		tpi_free(r->memo);
		r->memo = m;
		r->cap_memo = c->max_atoms;
		r->ev.gen = 0;
	}
	if (r->cap_gcache < c->n_gcache) {
		struct tpi_gcache_entry *g = tpi_calloc(c->n_gcache, sizeof(*g));

		if (!g)
			return TP_ENOMEM;
		tpi_free(r->gcache);
		r->gcache = g;
		r->cap_gcache = c->n_gcache;
	} else if (r->gcache &&
		   (r->classifier != c || r->generation != c->generation)) {
		/* Another classifier, or this one reconfigured: forget. */
		memset(r->gcache, 0, r->cap_gcache * sizeof(*r->gcache));
	}
	if (tpi_memo_fit(r))
		return TP_ENOMEM;
	if (r->classifier != c || r->generation != c->generation)
		tpi_memo_forget(r);
	r->generation = c->generation;
	return TP_OK;
}

static tp_status
fit_scratch(tp_result *r, size_t need)
{
	char *s;

	if (r->cap_scratch >= need)
		return TP_OK;
	if (need < 1024)
		need = 1024;
	/* Zeroed: PCRE2's JIT may read a little past a subject that lies
	 * here, within the block. */
	s = tpi_calloc(1, need);
	if (!s)
		return TP_ENOMEM;
	tpi_free(r->scratch);
	r->scratch = s;
	r->cap_scratch = need;
	return TP_OK;
}

#define STR(lit) ((struct tpi_str){ lit, sizeof(lit) - 1 })

static struct tpi_str
span_str(struct tpi_span s)
{
	struct tpi_str r = { s.p, s.n };

	if (s.p && s.n == 0)
		r.p = NULL;
	return r;
}

/* Decode a raw query value into the scratch space at *pos. */
static struct tpi_str
decode_param(tp_result *r, size_t *pos, struct tpi_span v)
{
	struct tpi_str out = { NULL, 0 };
	size_t written = 0;

	if (!v.p || v.n == 0)
		return out;
	/* Most values need no decoding: view them where they are. */
	if (!memchr(v.p, '%', v.n) && !memchr(v.p, '+', v.n) &&
	    tpi_utf8_check(v.p, v.n) == v.n) {
		out.p = v.p;
		out.n = v.n;
		return out;
	}
	tpi_url_decode(v.p, v.n, TPI_DECODE_FORM | TPI_DECODE_UTF8,
		       r->scratch + *pos, r->cap_scratch - *pos, &written);
	if (written == 0)
		return out;
	out.p = r->scratch + *pos;
	out.n = written;
	*pos += written + 1;
	return out;
}

/* The utm_* parameters (and gclid) of a query string, in one pass. The
 * first occurrence of each counts. */
enum { Q_SOURCE, Q_MEDIUM, Q_CAMPAIGN, Q_CONTENT, Q_TERM, Q_GCLID, Q_N };

static void
scan_query(struct tpi_span query, struct tpi_span *out)
{
	static const struct { const char *name; size_t len; } wanted[Q_N] = {
		{ "source", 6 }, { "medium", 6 }, { "campaign", 8 },
		{ "content", 7 }, { "term", 4 }, { "gclid", 5 },
	};
	struct tpi_query_iter it;
	struct tpi_span name, value;
	int k;

	for (k = 0; k < Q_N; k++)
		out[k].p = NULL, out[k].n = 0;
	tpi_query_iter_init(&it, query);
	while (tpi_query_next(&it, &name, &value)) {
		enum tpi_query_param kind = tpi_query_param(name.p, name.n);

		if (kind == TPI_QP_UTM) {
			for (k = 0; k < Q_GCLID; k++)
				if (!out[k].p && tpi_memcaseeq(name.p + 4, name.n - 4,
							       wanted[k].name, wanted[k].len))
					out[k] = value.n ? value : tpi_span(NULL, 0);
		} else if (kind == TPI_QP_GCLID && !out[Q_GCLID].p) {
			out[Q_GCLID] = value.p ? value : tpi_span(name.p, 0);
			if (!out[Q_GCLID].p)
				out[Q_GCLID].p = name.p;
		}
	}
}

static bool
is_internal(const tp_classifier *c, struct tpi_span ref_host,
	    struct tpi_span url_host)
{
	size_t i;

	if (url_host.p && url_host.n &&
	    tpi_memcaseeq(tpi_host_strip_www(tpi_host_trim(ref_host)).p,
			  tpi_host_strip_www(tpi_host_trim(ref_host)).n,
			  tpi_host_strip_www(tpi_host_trim(url_host)).p,
			  tpi_host_strip_www(tpi_host_trim(url_host)).n))
		return true;
	for (i = 0; i < c->n_internal; i++)
		if (tpi_host_in_domain(ref_host,
				       tpi_span(c->internal[i], strlen(c->internal[i]))))
			return true;
	return false;
}

static tp_status
derive(const tp_classifier *c, tp_result *r)
{
	struct tpi_eval *ev = &r->ev;
	struct tpi_str *d = ev->derived;
	const struct tpi_str *a = r->attrs;
	struct tpi_url url, ref;
	struct tpi_span ref_host = { NULL, 0 };
	struct tpi_refmemo *rm = NULL;
	bool have_url = false, have_ref = false, parsed_ref = false, rm_hit = false;
	bool utm;
	struct tpi_str src, med, cmp, cnt, trm;
	size_t pos = 0, need;
	tp_status st;

	tpi_memo_copy_fields(r);

	need = a[TPI_C_URL].n + a[TPI_C_REFERRER].n + 64;
	st = fit_scratch(r, need);
	if (st)
		return st;

	if (a[TPI_C_URL].p && tpi_url_parse(a[TPI_C_URL].p, a[TPI_C_URL].n, &url)) {
		have_url = true;
		d[TP_FIELD_URL_HOST] = span_str(tpi_host_trim(url.host));
		d[TP_FIELD_URL_PATH] = span_str(url.path);
	}
	if (a[TPI_C_REFERRER].p) {
		const char *rp = a[TPI_C_REFERRER].p;

		rm = tpi_refmemo_entry(r, rp, a[TPI_C_REFERRER].n, &rm_hit);
		if (rm_hit) {
			have_ref = rm->has_host;
			ref_host = tpi_span(rp + rm->host_off, rm->host_len);
			if (have_ref)
				d[TP_FIELD_REFERRER_HOST] = span_str(
					tpi_span(rp + rm->rhost_off, rm->rhost_len));
		} else if (tpi_url_parse(rp, a[TPI_C_REFERRER].n, &ref) &&
			   tpi_url_has_host(&ref)) {
			struct tpi_span rh = tpi_host_strip_www(tpi_host_trim(ref.host));

			parsed_ref = have_ref = true;
			ref_host = ref.host;
			d[TP_FIELD_REFERRER_HOST] = span_str(rh);
			if (rm) {
				rm->has_host = true;
				rm->host_off = (uint16_t)(ref.host.p - rp);
				rm->host_len = (uint16_t)ref.host.n;
				rm->rhost_off = (uint16_t)(rh.p ? rh.p - rp : 0);
				rm->rhost_len = (uint16_t)rh.n;
			}
		}
	}

	src = a[TPI_C_UTM_SOURCE];
	med = a[TPI_C_UTM_MEDIUM];
	cmp = a[TPI_C_UTM_CAMPAIGN];
	cnt = a[TPI_C_UTM_CONTENT];
	trm = a[TPI_C_UTM_TERM];
	utm = src.p || med.p || cmp.p;
	if (!utm && have_url && url.query.p && url.query.n) {
		struct tpi_span q[Q_N];

		scan_query(url.query, q);
		src = decode_param(r, &pos, q[Q_SOURCE]);
		med = decode_param(r, &pos, q[Q_MEDIUM]);
		cmp = decode_param(r, &pos, q[Q_CAMPAIGN]);
		if (!cnt.p)
			cnt = decode_param(r, &pos, q[Q_CONTENT]);
		if (!trm.p)
			trm = decode_param(r, &pos, q[Q_TERM]);
		utm = src.p || med.p || cmp.p;
		if (!utm && q[Q_GCLID].p) {
			/* Google Ads auto-tagging */
			src = STR("google");
			med = STR("cpc");
			utm = true;
		}
	}

	r->referrer_known = 0;
	r->referrer_parent = 0;
	r->referrer_medium = TP_REFERRER_MEDIUM_UNKNOWN;
	if (have_ref) {
		tp_referrer_info info = TP_REFERRER_INFO_INIT;

		if (is_internal(c, ref_host, have_url ? url.host : tpi_span(NULL, 0))) {
			r->referrer_medium = TP_REFERRER_MEDIUM_INTERNAL;
		} else if (rm_hit && rm->looked_up) {
			/* remembered; the term goes to the scratch space as
			 * the database would have written it */
			r->referrer_known = rm->known;
			r->referrer_parent = rm->parent;
			r->referrer_medium = rm->medium;
			if (rm->source) {
				d[TP_FIELD_REFERRER_SOURCE].p = rm->source;
				d[TP_FIELD_REFERRER_SOURCE].n = rm->source_len;
			}
			if (rm->term_len && pos + rm->term_len + 1 <= r->cap_scratch) {
				memcpy(r->scratch + pos, rm->term, rm->term_len);
				r->scratch[pos + rm->term_len] = '\0';
				d[TP_FIELD_REFERRER_TERM].p = r->scratch + pos;
				d[TP_FIELD_REFERRER_TERM].n = rm->term_len;
				pos += rm->term_len + 1;
			}
		} else if ((parsed_ref ||
			    tpi_url_parse(a[TPI_C_REFERRER].p, a[TPI_C_REFERRER].n,
					  &ref)) &&
			   tpi_refdb_lookup_url(c->refdb, &ref, r->scratch + pos,
						r->cap_scratch - pos, &info) == TP_OK) {
			r->referrer_known = info.known;
			r->referrer_parent = info.parent_domain;
			r->referrer_medium = info.medium;
			if (info.source) {
				d[TP_FIELD_REFERRER_SOURCE].p = info.source;
				d[TP_FIELD_REFERRER_SOURCE].n = strlen(info.source);
			}
			if (info.term && info.term_len) {
				d[TP_FIELD_REFERRER_TERM].p = info.term;
				d[TP_FIELD_REFERRER_TERM].n = info.term_len;
				pos += info.term_len + 1;
			}
			if (rm && info.term_len <= TPI_REFMEMO_TERM &&
			    !info.term_truncated) {
				rm->looked_up = true;
				rm->known = info.known;
				rm->parent = info.parent_domain;
				rm->medium = info.medium;
				rm->source = info.source;
				rm->source_len = d[TP_FIELD_REFERRER_SOURCE].n;
				rm->term_len = (uint16_t)info.term_len;
				if (info.term_len)
					memcpy(rm->term, info.term, info.term_len);
			}
		}
		d[TP_FIELD_REFERRER_MEDIUM].p =
			tp_referrer_medium_name(r->referrer_medium);
		d[TP_FIELD_REFERRER_MEDIUM].n = strlen(d[TP_FIELD_REFERRER_MEDIUM].p);
		d[TP_FIELD_REFERRER_KNOWN] = r->referrer_known ? STR("true") : STR("false");
	}

	if (utm) {
		d[TP_FIELD_SOURCE] = src.p ? src : STR("(not set)");
		d[TP_FIELD_MEDIUM] = med.p ? med : STR("(not set)");
		d[TP_FIELD_CAMPAIGN] = cmp.p ? cmp : STR("(not set)");
	} else if (have_ref && r->referrer_medium != TP_REFERRER_MEDIUM_INTERNAL) {
		/*
		 * Organic only for the search engine's own host: GA4 reports
		 * mail.google.com or sites.google.com as referrals (the
		 * database's parent-domain match says Google).
		 */
		if (r->referrer_known && !r->referrer_parent &&
		    r->referrer_medium == TP_REFERRER_MEDIUM_SEARCH &&
		    d[TP_FIELD_REFERRER_SOURCE].p) {
			/* GA4 names engines in lowercase: "google / organic". */
			size_t n = d[TP_FIELD_REFERRER_SOURCE].n, k;
			char *lc = r->scratch + pos;

			if (pos + n + 1 <= r->cap_scratch) {
				size_t m = 0;

				/* "Yahoo!" -> "yahoo", as GA4 names it */
				for (k = 0; k < n; k++) {
					char ch = d[TP_FIELD_REFERRER_SOURCE].p[k];

					if (ch != '!' && ch != '?')
						lc[m++] = tpi_lower(ch);
				}
				lc[m] = '\0';
				pos += m + 1;
				d[TP_FIELD_SOURCE].p = lc;
				d[TP_FIELD_SOURCE].n = m;
			} else {
				d[TP_FIELD_SOURCE] = d[TP_FIELD_REFERRER_SOURCE];
			}
			d[TP_FIELD_MEDIUM] = STR("organic");
			d[TP_FIELD_CAMPAIGN] = STR("(organic)");
		} else {
			d[TP_FIELD_SOURCE] = d[TP_FIELD_REFERRER_HOST];
			d[TP_FIELD_MEDIUM] = STR("referral");
			d[TP_FIELD_CAMPAIGN] = STR("(referral)");
		}
	} else {
		/* Nothing, or a referrer on the site itself: GA4 gives a
		 * session that starts so "(direct) / (none)". */
		d[TP_FIELD_SOURCE] = STR("(direct)");
		d[TP_FIELD_MEDIUM] = STR("(none)");
		d[TP_FIELD_CAMPAIGN] = STR("(direct)");
	}
	d[TP_FIELD_CONTENT] = cnt;
	d[TP_FIELD_TERM] = trm.p ? trm : d[TP_FIELD_REFERRER_TERM];
	return TP_OK;
}

static void
complete(const tp_classifier *c, struct tpi_eval *ev)
{
	const struct tpi_catalog_items *it = &c->catalog->it;
	int d;

	if (ev->touchpoint >= 0) {
		const struct tpi_touchpoint *t = &it->touchpoints[ev->touchpoint];

		if (ev->channel < 0)
			ev->channel = t->channel;
		if (ev->stage < 0)
			ev->stage = t->stage;
		for (d = 1; d <= TP_DIMENSION_LAST; d++)
			if (!ev->dims[d] && d != TP_DIMENSION_KIND &&
			    d != TP_DIMENSION_PHASE)
				ev->dims[d] = t->dims[d];
		if (!ev->dims[TP_DIMENSION_PHASE] && ev->stage < 0)
			ev->dims[TP_DIMENSION_PHASE] = t->dims[TP_DIMENSION_PHASE];
	}
	if (!ev->dims[TP_DIMENSION_PHASE] && ev->stage >= 0)
		ev->dims[TP_DIMENSION_PHASE] = (uint8_t)it->stages[ev->stage].phase;
	if (ev->channel >= 0)
		ev->dims[TP_DIMENSION_KIND] = (uint8_t)it->channels[ev->channel].kind;
}

TP_EXPORT tp_status
tp_classify(const tp_classifier *c, const tp_attr *attrs, size_t n_attrs,
	    tp_result *r)
{
	struct tpi_eval *ev;
	uint64_t h = 0;
	bool memo;
	tp_status st;
	size_t i;

	if (!c || !r || (n_attrs && !attrs))
		return TP_EINVAL;
	st = fit(r, c);
	if (st)
		return st;
	r->classifier = c;
	r->raw = attrs;
	r->n_raw = n_attrs;
	ev = &r->ev;
	memset(r->attrs, 0, c->n_attrs * sizeof(r->attrs[0]));
	ev->channel = ev->touchpoint = ev->stage = -1;
	ev->rule = NULL;
	ev->n_rules = 0;
	ev->attrs = r->attrs;
	ev->labels = r->labels;
	ev->memo = r->memo;
	ev->n_memo = r->cap_memo;
	ev->gcache = r->gcache;

	r->memo_present = 0;
	for (i = 0; i < n_attrs; i++) {
		const tp_attr *a = &attrs[i];
		uint32_t slot;

		if (!a->value_len || !a->key)
			continue;
		if (tpi_attr_slot(c, a->key, a->key_len, &slot) &&
		    !r->attrs[slot].p) {
			uint8_t kp = c->key_pos[slot];

			r->attrs[slot].p = a->value;
			r->attrs[slot].n = a->value_len;
			if (kp != 0xff)
				r->memo_present |= (uint64_t)1 << kp;
		}
	}
	memo = r->memo_table && c->n_key_slots <= 64;
	if (memo) {
		/* first by the url itself, which is its own key unless its
		 * query holds what the derivation does not read */
		r->memo_url = r->attrs[TPI_C_URL];
		r->n_url_pieces = 0;
		h = tpi_memo_hash(c, r);
		/* the index bucket comes from memory while the outputs are
		 * cleared */
		tpi_memo_prefetch(r, h);
	}
	memset(r->labels, 0, c->n_labels * sizeof(r->labels[0]));
	memset(ev->derived, 0, sizeof(ev->derived));
	memset(ev->dims, 0, sizeof(ev->dims));
	if (memo && tpi_memo_lookup(c, r, h))
		return TP_OK;
	if (memo) {
		bool changed;

		st = tpi_memo_key_url(c, r, &memo, &changed);
		if (st)
			return st;
		if (changed) {
			h = tpi_memo_hash(c, r);
			if (tpi_memo_lookup(c, r, h))
				return TP_OK;
		}
	}
	st = derive(c, r);
	if (st)
		return st;
	for (i = 0; i < c->n_rulesets; i++)
		tpi_ruleset_eval(c->rulesets[i], &c->links[i], ev);
	complete(c, ev);
	if (memo)
		tpi_memo_store(c, r, h);
	return TP_OK;
}

/* ---- reading the result ---- */

/* A field of a result known to be valid (see tp_result_field()). */
static inline const char *
field_of(const tp_result *r, tp_field field, size_t *len)
{
	const struct tpi_catalog_items *it = &r->classifier->catalog->it;
	const char *s = NULL;

	switch (field) {
	case TP_FIELD_CHANNEL_GROUP:
		if (r->labels[0].p) {
			if (len)
				*len = r->labels[0].n;
			return r->labels[0].p;
		}
		return NULL;
	case TP_FIELD_CHANNEL:
		s = r->ev.channel >= 0 ? it->channels[r->ev.channel].id : NULL;
		break;
	case TP_FIELD_TOUCHPOINT:
		s = r->ev.touchpoint >= 0 ? it->touchpoints[r->ev.touchpoint].id : NULL;
		break;
	case TP_FIELD_STAGE:
		s = r->ev.stage >= 0 ? it->stages[r->ev.stage].id : NULL;
		break;
	case TP_FIELD_PHASE:
		s = r->ev.dims[TP_DIMENSION_PHASE] ?
			tp_dimension_value_name(TP_DIMENSION_PHASE,
						r->ev.dims[TP_DIMENSION_PHASE]) : NULL;
		break;
	case TP_FIELD_RULE:
		s = r->ev.rule;
		break;
	default:
		if (!r->ev.derived[field].p)
			return NULL;
		if (len)
			*len = r->ev.derived[field].n;
		return r->ev.derived[field].p;
	}
	if (s && len)
		*len = strlen(s);
	return s;
}

TP_EXPORT const char *
tp_result_field(const tp_result *r, tp_field field, size_t *len)
{
	if (!r || !r->classifier || (int)field <= 0 || (int)field >= TPI_FIELD_COUNT)
		return NULL;
	return field_of(r, field, len);
}

TP_EXPORT const char *
tp_result_get(const tp_result *r, const char *name, size_t *len)
{
	const tp_classifier *c;
	tp_dimension d;
	tp_field f;
	uint32_t slot;
	size_t i, n;

	if (!r || !name || !r->classifier)
		return NULL;
	c = r->classifier;
	if (tp_field_parse(name, &f) == TP_OK)
		return tp_result_field(r, f, len);
	if (tp_dimension_parse(name, &d) == TP_OK) {
		int v = tp_result_dimension(r, d);
		const char *s = v > 0 ? tp_dimension_value_name(d, v) : NULL;

		if (s && len)
			*len = strlen(s);
		return s;
	}
	n = strlen(name);
	if (tpi_strmap_get(&c->label_ids, name, n, &slot) && r->labels[slot].p) {
		if (len)
			*len = r->labels[slot].n;
		return r->labels[slot].p;
	}
	for (i = 0; i < r->n_raw; i++) {
		const tp_attr *a = &r->raw[i];

		if (a->key && a->key_len == n && memcmp(a->key, name, n) == 0) {
			if (len)
				*len = a->value_len;
			return a->value;
		}
	}
	return NULL;
}

TP_EXPORT int
tp_result_channel(const tp_result *r)
{
	return r && r->classifier && r->ev.channel >= 0 ? r->ev.channel : TP_ENOTFOUND;
}

TP_EXPORT int
tp_result_touchpoint(const tp_result *r)
{
	return r && r->classifier && r->ev.touchpoint >= 0 ? r->ev.touchpoint : TP_ENOTFOUND;
}

TP_EXPORT int
tp_result_stage(const tp_result *r)
{
	return r && r->classifier && r->ev.stage >= 0 ? r->ev.stage : TP_ENOTFOUND;
}

TP_EXPORT int
tp_result_dimension(const tp_result *r, tp_dimension dimension)
{
	if (!r || (int)dimension < 1 || (int)dimension > TP_DIMENSION_LAST)
		return TP_EINVAL;
	return r->classifier ? r->ev.dims[dimension] : 0;
}

TP_EXPORT tp_status
tp_result_timestamp(const tp_result *r, int64_t *ms)
{
	const struct tpi_str *t;

	if (!r || !ms)
		return TP_EINVAL;
	if (!r->classifier)
		return TP_ENOTFOUND;
	t = &r->ev.derived[TP_FIELD_TIMESTAMP];
	if (!t->p)
		return TP_ENOTFOUND;
	return tp_timestamp_parse(t->p, t->n, ms);
}

TP_EXPORT tp_status
tp_result_number(const tp_result *r, tp_field field, double *out)
{
	const char *s;
	size_t n = 0;
	char buf[64], *end;
	double v;

	if (!r || !out)
		return TP_EINVAL;
	s = tp_result_field(r, field, &n);
	if (!s)
		return TP_ENOTFOUND;
	if (n == 0 || n >= sizeof(buf))
		return TP_ESYNTAX;
	memcpy(buf, s, n);
	buf[n] = '\0';
	v = strtod(buf, &end);
	if (end != buf + n || !isfinite(v))
		return TP_ESYNTAX;
	*out = v;
	return TP_OK;
}

TP_EXPORT int
tp_result_referrer_known(const tp_result *r)
{
	return r && r->classifier ? r->referrer_known : 0;
}

TP_EXPORT size_t
tp_result_label_count(const tp_result *r)
{
	size_t i, n = 0;

	if (!r || !r->classifier)
		return 0;
	for (i = 0; i < r->classifier->n_labels; i++)
		if (r->labels[i].p)
			n++;
	return n;
}

TP_EXPORT tp_status
tp_result_label(const tp_result *r, size_t index, const char **name,
		const char **value)
{
	size_t i, k = 0;

	if (!r || !r->classifier || !name || !value)
		return TP_EINVAL;
	for (i = 0; i < r->classifier->n_labels; i++) {
		if (!r->labels[i].p)
			continue;
		if (k++ == index) {
			*name = r->classifier->label_names[i];
			*value = r->labels[i].p;
			return TP_OK;
		}
	}
	return TP_EINVAL;
}

/* ---- JSON ---- */

/* The writer counts every byte and stores what fits before the last
 * byte of the buffer; tp_result_json() terminates the text at the end. */
struct jw {
	char *buf;
	size_t size;
	size_t len;
	bool first;
};

static inline void
jw_raw(struct jw *w, const char *s, size_t n)
{
	if (w->len + n < w->size) {
		memcpy(w->buf + w->len, s, n);
	} else if (w->len + 1 < w->size) {
		memcpy(w->buf + w->len, s, w->size - w->len - 1);
	}
	w->len += n;
}

/* s as a JSON string, escaped. */
static void
jw_str(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *o, *o0;
	size_t i = 0;

	if (w->len >= w->size || w->size - w->len < 6 * n + 3) {
		/* too little room for the worst case: piece by piece */
		size_t start = 0;

		jw_raw(w, "\"", 1);
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)s[i];
			char esc[7];

			if (ch >= 0x20 && ch != '"' && ch != '\\')
				continue;
			jw_raw(w, s + start, i - start);
			esc[0] = '\\';
			if (ch == '"' || ch == '\\') {
				esc[1] = (char)ch;
				jw_raw(w, esc, 2);
			} else {
				esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
				esc[4] = hex[ch >> 4]; esc[5] = hex[ch & 15];
				jw_raw(w, esc, 6);
			}
			start = i + 1;
		}
		jw_raw(w, s + start, n - start);
		jw_raw(w, "\"", 1);
		return;
	}
	o = o0 = w->buf + w->len;
	*o++ = '"';
	while (i < n) {
		unsigned char ch;

		if (i + 8 <= n) {
			uint64_t m = tpi_json_special_mask8(s + i);
			size_t k = m ? tpi_first_flagged(m) : 8;

			/* the bytes before the first special one as they are */
			memcpy(o, s + i, 8);
			o += k;
			i += k;
			if (k)
				continue;
		} else if (n >= 8 && !tpi_json_special8(s + n - 8)) {
			/* a tail with nothing to escape: its last 8 bytes */
			memcpy(o, s + i, n - i);
			o += n - i;
			break;
		} else if (i == 0 && n >= 4 && n < 8) {
			/* a short value (cpc, email, awareness): its first and
			 * last 4 bytes cover it */
			uint32_t x, y;

			memcpy(&x, s, 4);
			memcpy(&y, s + n - 4, 4);
			if (!tpi_json_special_mask_word((uint64_t)x |
							(uint64_t)y << 32)) {
				memcpy(o, &x, 4);
				memcpy(o + n - 4, &y, 4);
				o += n;
				break;
			}
		}
		ch = (unsigned char)s[i++];
		if (ch >= 0x20 && ch != '"' && ch != '\\') {
			*o++ = (char)ch;
		} else if (ch == '"' || ch == '\\') {
			*o++ = '\\';
			*o++ = (char)ch;
		} else {
			memcpy(o, "\\u00", 4);
			o[4] = hex[ch >> 4];
			o[5] = hex[ch & 15];
			o += 6;
		}
	}
	*o++ = '"';
	w->len += (size_t)(o - o0);
}

/* A key written as ",\"key\":" (the comma unless first): the keys are
 * this file's own ASCII names, nothing to escape. */
#define KEY(k) { ",\"" k "\":", sizeof(",\"" k "\":") - 1 }

struct jw_keytext {
	const char *text;
	size_t len;
};

static inline void
jw_key(struct jw *w, struct jw_keytext k)
{
	if (w->first)
		jw_raw(w, k.text + 1, k.len - 1);
	else
		jw_raw(w, k.text, k.len);
	w->first = false;
}

static inline void
jw_member(struct jw *w, struct jw_keytext k, const char *v, size_t n)
{
	if (!v)
		return;
	jw_key(w, k);
	jw_str(w, v, n);
}

TP_EXPORT long
tp_result_json(const tp_result *r, char *buf, size_t size)
{
	static const struct jw_keytext k_referrer = KEY("referrer"),
		k_known = KEY("known"), k_medium = KEY("medium"),
		k_source = KEY("source"), k_term = KEY("term");
	struct jw w = { buf, buf ? size : 0, 0, true };
	size_t n;
	const char *v;

	if (!r || !r->classifier)
		return TP_EINVAL;
	jw_raw(&w, "{", 1);
	/* member by member: each field_of() folds to its own case */
#define MEMBER(k, f) do { \
		static const struct jw_keytext key_ = KEY(k); \
		n = 0; \
		v = field_of(r, f, &n); \
		jw_member(&w, key_, v, n); \
	} while (0)
	MEMBER("source", TP_FIELD_SOURCE);
	MEMBER("medium", TP_FIELD_MEDIUM);
	MEMBER("campaign", TP_FIELD_CAMPAIGN);
	MEMBER("channel_group", TP_FIELD_CHANNEL_GROUP);
	MEMBER("channel", TP_FIELD_CHANNEL);
	MEMBER("touchpoint", TP_FIELD_TOUCHPOINT);
	MEMBER("stage", TP_FIELD_STAGE);
	MEMBER("phase", TP_FIELD_PHASE);
	MEMBER("rule", TP_FIELD_RULE);
#undef MEMBER
	if (r->ev.derived[TP_FIELD_REFERRER_MEDIUM].p) {
		jw_key(&w, k_referrer);
		w.first = true;
		jw_raw(&w, "{", 1);
		jw_key(&w, k_known);
		jw_raw(&w, r->referrer_known ? "true" : "false",
		       r->referrer_known ? 4 : 5);
		v = field_of(r, TP_FIELD_REFERRER_MEDIUM, &n);
		jw_member(&w, k_medium, v, n);
		v = field_of(r, TP_FIELD_REFERRER_SOURCE, &n);
		jw_member(&w, k_source, v, n);
		v = field_of(r, TP_FIELD_REFERRER_TERM, &n);
		jw_member(&w, k_term, v, n);
		jw_raw(&w, "}", 1);
		w.first = false;
	}
	jw_raw(&w, "}", 1);
	if (w.size)
		w.buf[w.len < w.size ? w.len : w.size - 1] = '\0';
	return (long)w.len;
}
