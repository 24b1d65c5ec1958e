/* SPDX-License-Identifier: MIT */
/* Path counts: the mergeable path table of a store (journey.h). */
#include <stdio.h>
#include <string.h>

#include "journey/journey-private.h"
#include "journey/paths-private.h"
#include "util/error.h"
#include "util/export.h"
#include "util/json.h"
#include "util/mem.h"

struct pc_path {
	size_t off;          /* first item in items */
	uint32_t len;
	uint32_t hash;
	uint64_t conv;
	uint64_t nulls;
	int64_t value;       /* millionths */
};

struct tp_path_counts {
	char *field;
	int64_t lookback_ms;
	size_t lookback_steps;
	tp_journey_path_touches touches;
	bool exclude_conversion;
	struct tpi_strpool labels;   /* ids from 0 */
	uint32_t *items;
	size_t n_items, cap_items;
	struct pc_path *paths;
	size_t n_paths, cap_paths;
	uint32_t *table;             /* path index + 1 */
	size_t mask;
	size_t *order;               /* canonical order */
	uint64_t tot_conv, tot_nulls;
	int64_t tot_value;
};

static const char *const touches_names[] = {
	"events", "events", "sessions", "touchpoints",
};

static tp_path_counts *
pc_new(const char *field, int64_t lookback_ms, size_t lookback_steps,
       tp_journey_path_touches touches, bool exclude)
{
	tp_path_counts *pc = tpi_calloc(1, sizeof(*pc));

	if (!pc)
		return NULL;
	pc->field = tpi_strdup(field);
	if (!pc->field) {
		tpi_free(pc);
		return NULL;
	}
	pc->lookback_ms = lookback_ms;
	pc->lookback_steps = lookback_steps;
	pc->touches = touches;
	pc->exclude_conversion = exclude;
	tpi_strpool_init(&pc->labels);
	return pc;
}

TP_EXPORT void
tp_path_counts_free(tp_path_counts *pc)
{
	if (!pc)
		return;
	tpi_free(pc->field);
	tpi_strpool_fini(&pc->labels);
	tpi_free(pc->items);
	tpi_free(pc->paths);
	tpi_free(pc->table);
	tpi_free(pc->order);
	tpi_free(pc);
}

static uint32_t
seq_hash(const uint32_t *seq, size_t n)
{
	uint64_t h = tpi_hmix(0x51ED270B27F2F4C5ULL, n);
	size_t i;

	for (i = 0; i < n; i++)
		h = tpi_hmix(h, seq[i]);
	return tpi_hfinal(h);
}

static bool
table_grow(tp_path_counts *pc)
{
	size_t ncap = pc->table ? (pc->mask + 1) * 2 : 64, i;
	uint32_t *t = tpi_calloc(ncap, sizeof(*t));

	if (!t)
		return false;
	for (i = 0; i < pc->n_paths; i++) {
		size_t j = pc->paths[i].hash & (ncap - 1);

		while (t[j])
			j = (j + 1) & (ncap - 1);
		t[j] = (uint32_t)i + 1;
	}
	tpi_free(pc->table);
	pc->table = t;
	pc->mask = ncap - 1;
	return true;
}

/* Add counts to the path seq (label ids). */
static tp_status
pc_add(tp_path_counts *pc, const uint32_t *seq, size_t n, uint64_t conv,
       uint64_t nulls, int64_t value)
{
	uint32_t h = seq_hash(seq, n);
	struct pc_path *p;
	size_t j;

	if (pc->table) {
		for (j = h & pc->mask; pc->table[j]; j = (j + 1) & pc->mask) {
			p = &pc->paths[pc->table[j] - 1];
			if (p->hash == h && p->len == n &&
			    (n == 0 || memcmp(pc->items + p->off, seq,
					      n * sizeof(*seq)) == 0))
				goto found;
		}
	}
	if (pc->n_paths >= UINT32_MAX - 1 || n > UINT32_MAX)
		return TP_ERANGE;
	if (!TPI_GROW(pc->paths, pc->cap_paths, pc->n_paths + 1) ||
	    !TPI_GROW(pc->items, pc->cap_items, pc->n_items + n + 1))
		return TP_ENOMEM;
	if ((pc->n_paths + 1) * 2 > (pc->table ? pc->mask + 1 : 0) &&
	    !table_grow(pc))
		return TP_ENOMEM;
	p = &pc->paths[pc->n_paths];
	memset(p, 0, sizeof(*p));
	p->off = pc->n_items;
	p->len = (uint32_t)n;
	p->hash = h;
	if (n)
		memcpy(pc->items + pc->n_items, seq, n * sizeof(*seq));
	pc->n_items += n;
	for (j = h & pc->mask; pc->table[j]; j = (j + 1) & pc->mask)
		;
	pc->table[j] = (uint32_t)pc->n_paths + 1;
	pc->n_paths++;
found:
	if (!tpi_add_u64(&p->conv, conv) || !tpi_add_u64(&p->nulls, nulls) ||
	    !tpi_add_i64(&p->value, value) ||
	    !tpi_add_u64(&pc->tot_conv, conv) ||
	    !tpi_add_u64(&pc->tot_nulls, nulls) ||
	    !tpi_add_i64(&pc->tot_value, value))
		return TP_ERANGE;
	return TP_OK;
}

static int
label_cmp(const tp_path_counts *pc, uint32_t a, uint32_t b)
{
	return strcmp(pc->labels.strs[a].s, pc->labels.strs[b].s);
}

static int
path_cmp(size_t a, size_t b, const void *ctx)
{
	const tp_path_counts *pc = ctx;
	const struct pc_path *x = &pc->paths[a], *y = &pc->paths[b];
	size_t i;

	if (x->conv != y->conv)
		return x->conv > y->conv ? -1 : 1;
	if (x->nulls != y->nulls)
		return x->nulls > y->nulls ? -1 : 1;
	for (i = 0; i < x->len && i < y->len; i++) {
		int c = label_cmp(pc, pc->items[x->off + i],
				  pc->items[y->off + i]);

		if (c)
			return c;
	}
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return 0;
}

static tp_status
pc_finalize(tp_path_counts *pc)
{
	size_t i;

	tpi_free(pc->order);
	pc->order = tpi_malloc((pc->n_paths ? pc->n_paths : 1) *
			       sizeof(*pc->order));
	if (!pc->order)
		return TP_ENOMEM;
	for (i = 0; i < pc->n_paths; i++)
		pc->order[i] = i;
	tpi_sort_idx(pc->order, pc->n_paths, path_cmp, pc);
	return TP_OK;
}

TP_EXPORT tp_status
tp_path_counts_compute(const tp_journey_store *s, const char *field,
		       const tp_journey_path_options *options,
		       tp_path_counts **out, tp_error *err)
{
	struct tpi_path_cursor cur;
	struct tpi_field f;
	tp_path_counts *pc = NULL;
	uint32_t *code_label = NULL, *kind_code = NULL, *seq = NULL;
	size_t limit, i;
	tp_status st;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!s || !s->finished)
		return TP_EINVAL;
	if (!field)
		field = "channel";
	if (!tpi_field_resolve(s, field, false, &f))
		return tpi_error(err, TP_ENOTFOUND, NULL, 0, 0, NULL,
				 "path counts: unknown field '%s'", field);
	st = tpi_path_cursor_init(&cur, s, options);
	if (st != TP_OK)
		return st;
	st = TP_ENOMEM;
	pc = pc_new(field, cur.lookback_ms, cur.lookback_steps, cur.touches,
		    cur.exclude_conversion);
	limit = tpi_field_code_limit(s, f);
	code_label = tpi_calloc(limit, sizeof(*code_label));
	kind_code = tpi_malloc((s->n_kinds ? s->n_kinds : 1) *
			       sizeof(*kind_code));
	seq = tpi_malloc((s->max_journey ? s->max_journey : 1) *
			 sizeof(*seq));
	if (!pc || !code_label || !kind_code || !seq)
		goto done;
	for (i = 0; i < s->n_kinds; i++)
		kind_code[i] = tpi_field_code(s, f, &s->kinds[i]);
	while (tpi_path_cursor_next(&cur)) {
		size_t n = 0;
		int64_t value = 0;

		for (i = 0; i < cur.n; i++) {
			uint32_t code = kind_code[s->recs[cur.events[i]].kind];

			if (!code)
				continue;
			if (!code_label[code]) {
				const char *l = tpi_field_label(s, f, code);
				uint32_t id;
				bool range = false;

				if (!tpi_strpool_intern(&pc->labels, l,
							strlen(l), &id,
							&range)) {
					st = range ? TP_ERANGE : TP_ENOMEM;
					goto done;
				}
				code_label[code] = id + 1;
			}
			seq[n++] = code_label[code] - 1;
		}
		if (cur.converted && !tpi_to_micros(cur.value, &value)) {
			st = tpi_error(err, TP_ERANGE, NULL, 0, 0, NULL,
				       "path counts: value %g out of range",
				       cur.value);
			goto done;
		}
		st = pc_add(pc, seq, n, cur.converted ? 1 : 0,
			    cur.converted ? 0 : 1, value);
		if (st != TP_OK)
			goto done;
	}
	st = pc_finalize(pc);
done:
	tpi_path_cursor_fini(&cur);
	tpi_free(code_label);
	tpi_free(kind_code);
	tpi_free(seq);
	if (st != TP_OK) {
		tp_path_counts_free(pc);
		return st;
	}
	*out = pc;
	return TP_OK;
}

/* Add every path of src into dst, matching labels by text. */
static tp_status
pc_add_all(tp_path_counts *dst, const tp_path_counts *src)
{
	uint32_t *map, *seq = NULL;
	size_t i, j, maxlen = 1;
	tp_status st = TP_ENOMEM;

	map = tpi_malloc((src->labels.n ? src->labels.n : 1) * sizeof(*map));
	for (i = 0; i < src->n_paths; i++)
		if (src->paths[i].len > maxlen)
			maxlen = src->paths[i].len;
	seq = tpi_malloc(maxlen * sizeof(*seq));
	if (!map || !seq)
		goto done;
	for (i = 0; i < src->labels.n; i++) {
		bool range = false;

		if (!tpi_strpool_intern(&dst->labels, src->labels.strs[i].s,
					src->labels.strs[i].len, &map[i],
					&range)) {
			st = range ? TP_ERANGE : TP_ENOMEM;
			goto done;
		}
	}
	for (i = 0; i < src->n_paths; i++) {
		const struct pc_path *p = &src->paths[i];

		for (j = 0; j < p->len; j++)
			seq[j] = map[src->items[p->off + j]];
		st = pc_add(dst, seq, p->len, p->conv, p->nulls, p->value);
		if (st != TP_OK)
			goto done;
	}
	st = TP_OK;
done:
	tpi_free(map);
	tpi_free(seq);
	return st;
}

static bool
same_options(const tp_path_counts *a, const tp_path_counts *b)
{
	return strcmp(a->field, b->field) == 0 &&
	       a->lookback_ms == b->lookback_ms &&
	       a->lookback_steps == b->lookback_steps &&
	       a->touches == b->touches &&
	       a->exclude_conversion == b->exclude_conversion;
}

TP_EXPORT tp_status
tp_path_counts_merge(tp_path_counts *into, const tp_path_counts *from,
		     tp_error *err)
{
	tp_path_counts *tmp, swap;
	tp_status st;

	if (!into || !from || into == from)
		return TP_EINVAL;
	if (!same_options(into, from))
		return tpi_error(err, TP_EMISMATCH, NULL, 0, 0, NULL,
				 "path counts by different fields or cutting "
				 "options cannot be merged (%s and %s)",
				 into->field, from->field);
	tmp = pc_new(into->field, into->lookback_ms, into->lookback_steps,
		     into->touches, into->exclude_conversion);
	if (!tmp)
		return TP_ENOMEM;
	st = pc_add_all(tmp, into);
	if (st == TP_OK)
		st = pc_add_all(tmp, from);
	if (st == TP_OK)
		st = pc_finalize(tmp);
	if (st != TP_OK) {
		tp_path_counts_free(tmp);
		return st == TP_ERANGE
			? tpi_error(err, st, NULL, 0, 0, NULL,
				    "path counts: a sum overflows")
			: st;
	}
	swap = *into;
	*into = *tmp;
	*tmp = swap;
	tp_path_counts_free(tmp);
	return TP_OK;
}

/* ---- writing ---- */

static int
label_rank_cmp(size_t a, size_t b, const void *ctx)
{
	return label_cmp(ctx, (uint32_t)a, (uint32_t)b);
}

/* rank[label] = position of the label in byte order; sorted[] the reverse. */
static bool
label_ranks(const tp_path_counts *pc, size_t **sorted, size_t **rank)
{
	size_t i, n = pc->labels.n;

	*sorted = tpi_malloc((n ? n : 1) * sizeof(**sorted));
	*rank = tpi_malloc((n ? n : 1) * sizeof(**rank));
	if (!*sorted || !*rank) {
		tpi_free(*sorted);
		tpi_free(*rank);
		return false;
	}
	for (i = 0; i < n; i++)
		(*sorted)[i] = i;
	tpi_sort_idx(*sorted, n, label_rank_cmp, pc);
	for (i = 0; i < n; i++)
		(*rank)[(*sorted)[i]] = i;
	return true;
}

TP_EXPORT tp_status
tp_path_counts_save(const tp_path_counts *pc, tp_state_format format,
		    char **out, size_t *len)
{
	struct tpi_buf b = TPI_BUF_INIT;
	size_t *sorted, *rank, i, j;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!pc || (format != TP_STATE_FORMAT_BINARY &&
		    format != TP_STATE_FORMAT_JSON))
		return TP_EINVAL;
	if (!label_ranks(pc, &sorted, &rank))
		return TP_ENOMEM;
	if (format == TP_STATE_FORMAT_BINARY) {
		tpi_wr_header(&b, TP_STATE_KIND_PATH_COUNTS);
		tpi_wr_str(&b, pc->field, strlen(pc->field));
		tpi_wr_i64(&b, pc->lookback_ms);
		tpi_wr_u64(&b, pc->lookback_steps);
		tpi_wr_u64(&b, (uint64_t)pc->touches);
		tpi_wr_u64(&b, pc->exclude_conversion);
		tpi_wr_u64(&b, pc->labels.n);
		for (i = 0; i < pc->labels.n; i++)
			tpi_wr_str(&b, pc->labels.strs[sorted[i]].s,
				   pc->labels.strs[sorted[i]].len);
		tpi_wr_u64(&b, pc->n_paths);
		for (i = 0; i < pc->n_paths; i++) {
			const struct pc_path *p = &pc->paths[pc->order[i]];

			tpi_wr_u64(&b, p->len);
			for (j = 0; j < p->len; j++)
				tpi_wr_u64(&b, rank[pc->items[p->off + j]]);
			tpi_wr_u64(&b, p->conv);
			tpi_wr_u64(&b, p->nulls);
			tpi_wr_i64(&b, p->value);
		}
		tpi_wr_finish(&b);
	} else {
		tpi_json_head(&b, TP_STATE_KIND_PATH_COUNTS);
		tpi_buf_puts(&b, ",\"field\":");
		tpi_buf_json_string(&b, pc->field, strlen(pc->field));
		tpi_buf_printf(&b, ",\"lookback_ms\":%lld,\"lookback_steps\":%zu,"
			       "\"touches\":\"%s\",\"exclude_conversion\":%s,"
			       "\"paths\":[", (long long)pc->lookback_ms,
			       pc->lookback_steps,
			       touches_names[pc->touches],
			       pc->exclude_conversion ? "true" : "false");
		for (i = 0; i < pc->n_paths; i++) {
			const struct pc_path *p = &pc->paths[pc->order[i]];

			tpi_buf_puts(&b, i ? ",\n{\"path\":[" : "\n{\"path\":[");
			for (j = 0; j < p->len; j++) {
				const struct tpi_pstr *l =
					&pc->labels.strs[pc->items[p->off + j]];

				if (j)
					tpi_buf_putc(&b, ',');
				tpi_buf_json_string(&b, l->s, l->len);
			}
			tpi_buf_printf(&b, "],\"conversions\":%llu,\"nulls\":%llu,"
				       "\"value_micros\":%lld}",
				       (unsigned long long)p->conv,
				       (unsigned long long)p->nulls,
				       (long long)p->value);
		}
		tpi_buf_puts(&b, "]}\n");
	}
	tpi_free(sorted);
	tpi_free(rank);
	*out = tpi_buf_steal(&b, len);
	return *out ? TP_OK : TP_ENOMEM;
}

/* ---- reading ---- */

static tp_status
load_binary(const void *data, size_t len, const char *source,
	    tp_path_counts **out, tp_error *err)
{
	struct tpi_rd rd;
	tp_path_counts *pc = NULL;
	uint32_t *labels = NULL, *seq = NULL;
	const char *s;
	size_t slen, n_labels = 0, n_paths, i, j, steps, cap_seq = 0;
	uint64_t touches, excl;
	int64_t lookback;
	char *field = NULL;
	tp_status st;

	st = tpi_rd_open(&rd, data, len, source, TP_STATE_KIND_PATH_COUNTS,
			 err);
	if (st != TP_OK)
		return st;
	if (!tpi_rd_str(&rd, &s, &slen) || !tpi_rd_i64(&rd, &lookback) ||
	    !tpi_rd_count(&rd, SIZE_MAX, &steps) ||
	    !tpi_rd_u64(&rd, &touches) || !tpi_rd_u64(&rd, &excl))
		return rd.st;
	if (lookback < 0 || touches < 1 ||
	    touches > TP_JOURNEY_PATH_TOUCHES_TOUCHPOINTS || excl > 1 ||
	    slen == 0 || memchr(s, '\0', slen)) {
		tpi_rd_bad(&rd, "bad path-count options");
		return rd.st;
	}
	field = tpi_strndup(s, slen);
	if (!field)
		return TP_ENOMEM;
	pc = pc_new(field, lookback, steps, (tp_journey_path_touches)touches,
		    excl != 0);
	tpi_free(field);
	if (!pc)
		return TP_ENOMEM;
	st = TP_ENOMEM;
	if (!tpi_rd_count(&rd, (uint64_t)(rd.end - rd.p), &n_labels))
		goto fail;
	labels = tpi_malloc((n_labels ? n_labels : 1) * sizeof(*labels));
	if (!labels)
		goto fail;
	for (i = 0; i < n_labels; i++) {
		bool range = false;

		if (!tpi_rd_str(&rd, &s, &slen))
			goto fail;
		if (memchr(s, '\0', slen)) {
			tpi_rd_bad(&rd, "a label contains a NUL byte");
			goto fail;
		}
		if (!tpi_strpool_intern(&pc->labels, s, slen, &labels[i],
					&range)) {
			st = range ? TP_ERANGE : TP_ENOMEM;
			goto fail_st;
		}
	}
	if (!tpi_rd_count(&rd, (uint64_t)(rd.end - rd.p), &n_paths))
		goto fail;
	for (i = 0; i < n_paths; i++) {
		size_t plen;
		uint64_t conv, nulls;
		int64_t value;

		if (!tpi_rd_count(&rd, (uint64_t)(rd.end - rd.p), &plen))
			goto fail;
		if (plen > cap_seq) {
			uint32_t *ns = tpi_realloc(seq, plen * sizeof(*seq));

			if (!ns) {
				st = TP_ENOMEM;
				goto fail_st;
			}
			seq = ns;
			cap_seq = plen;
		}
		for (j = 0; j < plen; j++) {
			size_t l;

			if (!tpi_rd_count(&rd, n_labels ? n_labels - 1 : 0, &l))
				goto fail;
			if (!n_labels) {
				tpi_rd_bad(&rd, "a path refers to no label");
				goto fail;
			}
			seq[j] = labels[l];
		}
		if (!tpi_rd_u64(&rd, &conv) || !tpi_rd_u64(&rd, &nulls) ||
		    !tpi_rd_i64(&rd, &value))
			goto fail;
		st = pc_add(pc, seq, plen, conv, nulls, value);
		if (st != TP_OK) {
			if (st == TP_ERANGE)
				tpi_rd_bad(&rd, "a count overflows");
			goto fail_st;
		}
	}
	if (tpi_rd_close(&rd) != TP_OK)
		goto fail;
	st = pc_finalize(pc);
	if (st != TP_OK)
		goto fail_st;
	tpi_free(labels);
	tpi_free(seq);
	*out = pc;
	return TP_OK;
fail:
	st = rd.st != TP_OK ? rd.st : st;
fail_st:
	tpi_free(labels);
	tpi_free(seq);
	tp_path_counts_free(pc);
	return st;
}

static tp_status
load_json(const void *data, size_t len, const char *source,
	  tp_path_counts **out, tp_error *err)
{
	struct tpi_jrd j;
	cJSON *root = NULL;
	const cJSON *paths, *p;
	tp_path_counts *pc = NULL;
	const char *field, *touches;
	int64_t lookback, t = 0;
	uint64_t steps;
	uint32_t *seq = NULL;
	size_t cap_seq = 0, pi = 0;
	const cJSON *excl;
	tp_status st;

	tpi_jrd_init(&j, data, len, source, err);
	if (tpi_json_open(&j, TP_STATE_KIND_PATH_COUNTS, &root) != TP_OK)
		return tpi_jrd_fini(&j);
	if (!tpi_jstr_member(&j, root, "field", false, &field) ||
	    !tpi_jint_member(&j, root, "lookback_ms", 0, INT64_MAX, &lookback) ||
	    !tpi_juint_member(&j, root, "lookback_steps", 0, SIZE_MAX, &steps) ||
	    !tpi_jstr_member(&j, root, "touches", false, &touches))
		goto done;
	for (t = 1; t <= TP_JOURNEY_PATH_TOUCHES_TOUCHPOINTS; t++)
		if (strcmp(touches, touches_names[t]) == 0)
			break;
	if (t > TP_JOURNEY_PATH_TOUCHES_TOUCHPOINTS) {
		tpi_jfail(&j, TP_ESCHEMA, "touches", "unknown touches \"%s\"",
			  touches);
		goto done;
	}
	excl = cJSON_GetObjectItemCaseSensitive(root, "exclude_conversion");
	if (!cJSON_IsBool(excl)) {
		tpi_jfail(&j, TP_ESCHEMA, "exclude_conversion",
			  "\"exclude_conversion\" must be true or false");
		goto done;
	}
	if (!*field) {
		tpi_jfail(&j, TP_ESCHEMA, "field", "the field is empty");
		goto done;
	}
	paths = tpi_jmember(&j, root, "paths", cJSON_Array);
	if (!paths)
		goto done;
	pc = pc_new(field, lookback, (size_t)steps, (tp_journey_path_touches)t,
		    cJSON_IsTrue(excl));
	if (!pc) {
		tpi_jfail(&j, TP_ENOMEM, NULL, "out of memory");
		goto done;
	}
	tpi_path_push_key(&j.path, "paths");
	cJSON_ArrayForEach(p, paths) {
		const cJSON *items, *it;
		uint64_t conv, nulls;
		int64_t value;
		size_t n = 0, ii = 0;

		tpi_path_push_index(&j.path, pi++);
		if (!cJSON_IsObject(p)) {
			tpi_jfail(&j, TP_ESCHEMA, NULL, "a path is an object");
			goto done;
		}
		items = tpi_jmember(&j, p, "path", cJSON_Array);
		if (!items ||
		    !tpi_juint_member(&j, p, "conversions", 0, UINT64_MAX,
				      &conv) ||
		    !tpi_juint_member(&j, p, "nulls", 0, UINT64_MAX, &nulls) ||
		    !tpi_jint_member(&j, p, "value_micros", INT64_MIN, INT64_MAX,
				     &value))
			goto done;
		n = (size_t)cJSON_GetArraySize(items);
		if (n > cap_seq) {
			uint32_t *ns = tpi_realloc(seq, n * sizeof(*seq));

			if (!ns) {
				tpi_jfail(&j, TP_ENOMEM, NULL, "out of memory");
				goto done;
			}
			seq = ns;
			cap_seq = n;
		}
		tpi_path_push_key(&j.path, "path");
		cJSON_ArrayForEach(it, items) {
			bool range = false;

			if (!cJSON_IsString(it) || !*it->valuestring) {
				tpi_path_push_index(&j.path, ii);
				tpi_jfail(&j, TP_ESCHEMA, NULL, "a path item is a "
					  "non-empty string");
				goto done;
			}
			if (!tpi_strpool_intern(&pc->labels, it->valuestring,
						strlen(it->valuestring),
						&seq[ii++], &range)) {
				tpi_jfail(&j, range ? TP_ERANGE : TP_ENOMEM,
					  NULL, "too many labels");
				goto done;
			}
		}
		tpi_path_pop(&j.path);
		st = pc_add(pc, seq, n, conv, nulls, value);
		if (st != TP_OK) {
			tpi_jfail(&j, st, NULL, "a count overflows");
			goto done;
		}
		tpi_path_pop(&j.path);
	}
	tpi_path_pop(&j.path);
	st = pc_finalize(pc);
	if (st != TP_OK)
		tpi_jfail(&j, st, NULL, "out of memory");
done:
	cJSON_Delete(root);
	tpi_free(seq);
	st = tpi_jrd_fini(&j);
	if (st != TP_OK) {
		tp_path_counts_free(pc);
		return st;
	}
	*out = pc;
	return TP_OK;
}

TP_EXPORT tp_status
tp_path_counts_load(const void *data, size_t len, const char *source,
		    tp_path_counts **out, tp_error *err)
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

TP_EXPORT const char *
tp_path_counts_field(const tp_path_counts *pc)
{
	return pc ? pc->field : NULL;
}

TP_EXPORT tp_status
tp_path_counts_options(const tp_path_counts *pc, tp_journey_path_options *out)
{
	if (!pc || !out || out->size < sizeof(*out))
		return TP_EINVAL;
	out->lookback_ms = pc->lookback_ms;
	out->lookback_steps = pc->lookback_steps;
	out->touches = pc->touches;
	out->exclude_conversion = pc->exclude_conversion;
	return TP_OK;
}

TP_EXPORT size_t
tp_path_counts_count(const tp_path_counts *pc)
{
	return pc ? pc->n_paths : 0;
}

static const struct pc_path *
path_at(const tp_path_counts *pc, size_t index)
{
	if (!pc || index >= pc->n_paths)
		return NULL;
	return &pc->paths[pc->order[index]];
}

TP_EXPORT size_t
tp_path_counts_length(const tp_path_counts *pc, size_t index)
{
	const struct pc_path *p = path_at(pc, index);

	return p ? p->len : 0;
}

TP_EXPORT const char *
tp_path_counts_item(const tp_path_counts *pc, size_t index, size_t position)
{
	const struct pc_path *p = path_at(pc, index);

	if (!p || position >= p->len)
		return NULL;
	return pc->labels.strs[pc->items[p->off + position]].s;
}

TP_EXPORT uint64_t
tp_path_counts_conversions(const tp_path_counts *pc, size_t index)
{
	const struct pc_path *p = path_at(pc, index);

	return p ? p->conv : 0;
}

TP_EXPORT uint64_t
tp_path_counts_nulls(const tp_path_counts *pc, size_t index)
{
	const struct pc_path *p = path_at(pc, index);

	return p ? p->nulls : 0;
}

TP_EXPORT double
tp_path_counts_value(const tp_path_counts *pc, size_t index)
{
	const struct pc_path *p = path_at(pc, index);

	return p ? (double)p->value / 1e6 : 0;
}

TP_EXPORT tp_status
tp_path_counts_totals(const tp_path_counts *pc, uint64_t *conversions,
		      uint64_t *nulls, double *value)
{
	if (!pc)
		return TP_EINVAL;
	if (conversions)
		*conversions = pc->tot_conv;
	if (nulls)
		*nulls = pc->tot_nulls;
	if (value)
		*value = (double)pc->tot_value / 1e6;
	return TP_OK;
}
