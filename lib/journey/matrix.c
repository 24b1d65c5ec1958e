/* SPDX-License-Identifier: MIT */
/* The touchpoint matrix (matrix.h): a mergeable state. */
#include <stdio.h>
#include <string.h>

#include "journey/journey-private.h"
#include "touchpoint/matrix.h"
#include "util/error.h"
#include "util/export.h"
#include "util/json.h"
#include "util/mem.h"

struct mx_axis {
	uint32_t label;   /* label id + 1; 0 = no value */
	int64_t order;    /* catalog or enum order; -1: by bytes */
};

struct mx_cell {
	uint64_t events;
	uint64_t customers;
	uint64_t converted;
	uint64_t scores;
	int64_t score_sum;   /* millionths */
};

struct tp_matrix {
	char *rows_field;
	char *cols_field;
	struct tpi_strpool labels;
	struct mx_axis *rows, *cols;
	size_t n_rows, n_cols, cap_rows, cap_cols;
	struct mx_cell *cells;   /* n_rows x n_cols, row-major */
};

/* Number of cells, at least 1 (for the allocator). */
static size_t
area(size_t rows, size_t cols)
{
	size_t n = rows * cols;

	return n ? n : 1;
}

static tp_matrix *
mx_new(const char *rows, const char *cols)
{
	tp_matrix *m = tpi_calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	tpi_strpool_init(&m->labels);
	m->rows_field = tpi_strdup(rows);
	m->cols_field = tpi_strdup(cols);
	if (!m->rows_field || !m->cols_field) {
		tp_matrix_free(m);
		return NULL;
	}
	return m;
}

TP_EXPORT void
tp_matrix_free(tp_matrix *m)
{
	if (!m)
		return;
	tpi_free(m->rows_field);
	tpi_free(m->cols_field);
	tpi_strpool_fini(&m->labels);
	tpi_free(m->rows);
	tpi_free(m->cols);
	tpi_free(m->cells);
	tpi_free(m);
}

/* Index of a row or column by label, added when new; -1 on exhaustion. */
static int64_t
axis_get(struct mx_axis **ax, size_t *n, size_t *cap, uint32_t label,
	 int64_t order)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*ax)[i].label == label)
			return (int64_t)i;
	if (!TPI_GROW(*ax, *cap, *n + 1))
		return -1;
	(*ax)[*n].label = label;
	(*ax)[*n].order = label ? order : 0;
	return (int64_t)(*n)++;
}

static bool
intern_label(tp_matrix *m, const char *s, size_t len, uint32_t *out,
	     tp_status *st)
{
	bool range = false;

	if (!s) {
		*out = 0;
		return true;
	}
	if (!tpi_strpool_intern(&m->labels, s, len, out, &range)) {
		*st = range ? TP_ERANGE : TP_ENOMEM;
		return false;
	}
	(*out)++;
	return true;
}

struct axis_ctx {
	const tp_matrix *m;
	const struct mx_axis *ax;
};

static int
axis_cmp(size_t a, size_t b, const void *ctx)
{
	const struct axis_ctx *c = ctx;
	const struct mx_axis *x = &c->ax[a], *y = &c->ax[b];

	if (!x->label || !y->label)
		return (x->label == 0) - (y->label == 0);
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(c->m->labels.strs[x->label - 1].s,
		      c->m->labels.strs[y->label - 1].s);
}

/* Sort rows and columns, drop empty ones. */
static tp_status
mx_finalize(tp_matrix *m)
{
	size_t *ri = NULL, *ci = NULL, nr = 0, nc = 0, i, j;
	struct mx_axis *rows = NULL, *cols = NULL;
	struct mx_cell *cells = NULL;
	struct axis_ctx ctx;

	ri = tpi_malloc((m->n_rows ? m->n_rows : 1) * sizeof(*ri));
	ci = tpi_malloc((m->n_cols ? m->n_cols : 1) * sizeof(*ci));
	rows = tpi_malloc((m->n_rows ? m->n_rows : 1) * sizeof(*rows));
	cols = tpi_malloc((m->n_cols ? m->n_cols : 1) * sizeof(*cols));
	if (!ri || !ci || !rows || !cols)
		goto nomem;
	for (i = 0; i < m->n_rows; i++) {
		for (j = 0; j < m->n_cols; j++)
			if (m->cells[i * m->n_cols + j].events)
				break;
		if (j < m->n_cols)
			ri[nr++] = i;
	}
	for (j = 0; j < m->n_cols; j++) {
		for (i = 0; i < m->n_rows; i++)
			if (m->cells[i * m->n_cols + j].events)
				break;
		if (i < m->n_rows)
			ci[nc++] = j;
	}
	ctx.m = m;
	ctx.ax = m->rows;
	tpi_sort_idx(ri, nr, axis_cmp, &ctx);
	ctx.ax = m->cols;
	tpi_sort_idx(ci, nc, axis_cmp, &ctx);
	cells = tpi_calloc(area(nr, nc), sizeof(*cells));
	if (!cells)
		goto nomem;
	for (i = 0; i < nr; i++) {
		rows[i] = m->rows[ri[i]];
		for (j = 0; j < nc; j++)
			cells[i * nc + j] = m->cells[ri[i] * m->n_cols + ci[j]];
	}
	for (j = 0; j < nc; j++)
		cols[j] = m->cols[ci[j]];
	tpi_free(ri);
	tpi_free(ci);
	tpi_free(m->rows);
	tpi_free(m->cols);
	tpi_free(m->cells);
	m->rows = rows;
	m->cols = cols;
	m->cells = cells;
	m->n_rows = m->cap_rows = nr;
	m->n_cols = m->cap_cols = nc;
	return TP_OK;
nomem:
	tpi_free(ri);
	tpi_free(ci);
	tpi_free(rows);
	tpi_free(cols);
	tpi_free(cells);
	return TP_ENOMEM;
}

static bool
cell_add(struct mx_cell *d, const struct mx_cell *s)
{
	return tpi_add_u64(&d->events, s->events) &&
	       tpi_add_u64(&d->customers, s->customers) &&
	       tpi_add_u64(&d->converted, s->converted) &&
	       tpi_add_u64(&d->scores, s->scores) &&
	       tpi_add_i64(&d->score_sum, s->score_sum);
}

TP_EXPORT tp_status
tp_matrix_compute(const tp_journey_store *s, const tp_matrix_options *options,
		  tp_matrix **out, tp_error *err)
{
	tp_matrix_options defaults = TP_MATRIX_OPTIONS_INIT;
	const tp_matrix_options *o = options ? options : &defaults;
	const char *rname, *cname;
	struct tpi_field rf, cf;
	tp_matrix *m = NULL;
	uint32_t *rmap = NULL, *cmap = NULL, *kcell = NULL, *stamp = NULL;
	size_t nrc, ncc, k, c, i;
	tp_status st = TP_ENOMEM;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!s || !s->finished || o->size < sizeof(tp_matrix_options))
		return TP_EINVAL;
	rname = o->rows ? o->rows : "channel";
	cname = o->cols ? o->cols : "stage";
	if (!tpi_field_resolve(s, rname, true, &rf))
		return tpi_error(err, TP_ENOTFOUND, NULL, 0, 0, NULL,
				 "matrix: unknown row field '%s'", rname);
	if (!tpi_field_resolve(s, cname, true, &cf))
		return tpi_error(err, TP_ENOTFOUND, NULL, 0, 0, NULL,
				 "matrix: unknown column field '%s'", cname);
	m = mx_new(rname, cname);
	nrc = tpi_field_code_limit(s, rf);
	ncc = tpi_field_code_limit(s, cf);
	rmap = tpi_calloc(nrc, sizeof(*rmap));
	cmap = tpi_calloc(ncc, sizeof(*cmap));
	kcell = tpi_malloc((s->n_kinds ? s->n_kinds : 1) * sizeof(*kcell));
	if (!m || !rmap || !cmap || !kcell)
		goto done;
	/* Rows and columns of every kind. */
	for (k = 0; k < s->n_kinds; k++) {
		uint32_t rc = tpi_field_code(s, rf, &s->kinds[k]);
		uint32_t cc = tpi_field_code(s, cf, &s->kinds[k]);

		if (!rmap[rc]) {
			const char *l = tpi_field_label(s, rf, rc);
			uint32_t id;
			int64_t r;

			if (!intern_label(m, l, l ? strlen(l) : 0, &id, &st))
				goto done;
			r = axis_get(&m->rows, &m->n_rows, &m->cap_rows, id,
				     tpi_field_order(rf, rc));
			if (r < 0)
				goto nomem;
			rmap[rc] = (uint32_t)r + 1;
		}
		if (!cmap[cc]) {
			const char *l = tpi_field_label(s, cf, cc);
			uint32_t id;
			int64_t r;

			if (!intern_label(m, l, l ? strlen(l) : 0, &id, &st))
				goto done;
			r = axis_get(&m->cols, &m->n_cols, &m->cap_cols, id,
				     tpi_field_order(cf, cc));
			if (r < 0)
				goto nomem;
			cmap[cc] = (uint32_t)r + 1;
		}
	}
	if (m->n_rows && m->n_cols > UINT32_MAX / m->n_rows)
		goto nomem;
	for (k = 0; k < s->n_kinds; k++) {
		uint32_t rc = tpi_field_code(s, rf, &s->kinds[k]);
		uint32_t cc = tpi_field_code(s, cf, &s->kinds[k]);

		kcell[k] = (rmap[rc] - 1) * (uint32_t)m->n_cols + cmap[cc] - 1;
	}
	m->cells = tpi_calloc(area(m->n_rows, m->n_cols),
			      sizeof(*m->cells));
	stamp = tpi_calloc(area(m->n_rows, m->n_cols),
			   sizeof(*stamp));
	if (!m->cells || !stamp)
		goto nomem;
	for (c = 0; c < s->customers.n; c++) {
		size_t first = s->cust_start[c], end = s->cust_start[c + 1];
		size_t last_conv = first, has_conv = 0;

		for (i = end; i > first; i--) {
			if (tpi_rec_flags(&s->recs[i - 1]) & TPI_EV_CONVERSION) {
				last_conv = i - 1;
				has_conv = 1;
				break;
			}
		}
		for (i = first; i < end; i++) {
			uint32_t cell = kcell[s->recs[i].kind];
			struct mx_cell *x = &m->cells[cell];

			x->events++;
			if (tpi_rec_flags(&s->recs[i]) & TPI_EV_SCORE) {
				int64_t v;

				if (!tpi_to_micros(s->extras[tpi_rec_extra(&s->recs[i])].score, &v) ||
				    !tpi_add_i64(&x->score_sum, v)) {
					st = tpi_error(err, TP_ERANGE, NULL, 0, 0,
						       NULL, "matrix: a score "
						       "sum overflows");
					goto done;
				}
				x->scores++;
			}
			if (stamp[cell] != c + 1) {
				stamp[cell] = (uint32_t)(c + 1);
				x->customers++;
				if (has_conv && i <= last_conv)
					x->converted++;
			}
		}
	}
	st = mx_finalize(m);
	goto done;
nomem:
	st = TP_ENOMEM;
done:
	tpi_free(rmap);
	tpi_free(cmap);
	tpi_free(kcell);
	tpi_free(stamp);
	if (st != TP_OK) {
		tp_matrix_free(m);
		return st;
	}
	*out = m;
	return TP_OK;
}

/* Add src into dst (fields already checked). */
static tp_status
mx_add_all(tp_matrix *dst, const tp_matrix *src)
{
	size_t *rmap = NULL, *cmap = NULL, i, j, nr, nc;
	struct mx_cell *cells = NULL;
	tp_status st = TP_ENOMEM;

	rmap = tpi_malloc((src->n_rows ? src->n_rows : 1) * sizeof(*rmap));
	cmap = tpi_malloc((src->n_cols ? src->n_cols : 1) * sizeof(*cmap));
	if (!rmap || !cmap)
		goto done;
	nr = dst->n_rows;
	nc = dst->n_cols;
	for (i = 0; i < src->n_rows; i++) {
		uint32_t l = src->rows[i].label, id;
		int64_t r;

		if (!intern_label(dst, l ? src->labels.strs[l - 1].s : NULL,
				  l ? src->labels.strs[l - 1].len : 0, &id, &st))
			goto done;
		r = axis_get(&dst->rows, &dst->n_rows, &dst->cap_rows, id,
			     src->rows[i].order);
		if (r < 0) {
			st = TP_ENOMEM;
			goto done;
		}
		rmap[i] = (size_t)r;
	}
	for (j = 0; j < src->n_cols; j++) {
		uint32_t l = src->cols[j].label, id;
		int64_t r;

		if (!intern_label(dst, l ? src->labels.strs[l - 1].s : NULL,
				  l ? src->labels.strs[l - 1].len : 0, &id, &st))
			goto done;
		r = axis_get(&dst->cols, &dst->n_cols, &dst->cap_cols, id,
			     src->cols[j].order);
		if (r < 0) {
			st = TP_ENOMEM;
			goto done;
		}
		cmap[j] = (size_t)r;
	}
	/* Re-layout dst's cells for the grown axes. */
	st = TP_ENOMEM;
	cells = tpi_calloc(area(dst->n_rows, dst->n_cols),
			   sizeof(*cells));
	if (!cells)
		goto done;
	for (i = 0; i < nr; i++)
		for (j = 0; j < nc; j++)
			cells[i * dst->n_cols + j] = dst->cells[i * nc + j];
	tpi_free(dst->cells);
	dst->cells = cells;
	st = TP_ERANGE;
	for (i = 0; i < src->n_rows; i++)
		for (j = 0; j < src->n_cols; j++)
			if (!cell_add(&dst->cells[rmap[i] * dst->n_cols + cmap[j]],
				      &src->cells[i * src->n_cols + j]))
				goto done;
	st = TP_OK;
done:
	tpi_free(rmap);
	tpi_free(cmap);
	return st;
}

TP_EXPORT tp_status
tp_matrix_merge(tp_matrix *into, const tp_matrix *from, tp_error *err)
{
	tp_matrix *tmp, swap;
	tp_status st;

	if (!into || !from || into == from)
		return TP_EINVAL;
	if (strcmp(into->rows_field, from->rows_field) != 0 ||
	    strcmp(into->cols_field, from->cols_field) != 0)
		return tpi_error(err, TP_EMISMATCH, NULL, 0, 0, NULL,
				 "matrices of %s x %s and %s x %s cannot be "
				 "merged", into->rows_field, into->cols_field,
				 from->rows_field, from->cols_field);
	tmp = mx_new(into->rows_field, into->cols_field);
	if (!tmp)
		return TP_ENOMEM;
	st = mx_add_all(tmp, into);
	if (st == TP_OK)
		st = mx_add_all(tmp, from);
	if (st == TP_OK)
		st = mx_finalize(tmp);
	if (st != TP_OK) {
		tp_matrix_free(tmp);
		if (st == TP_ERANGE)
			return tpi_error(err, st, NULL, 0, 0, NULL,
					 "matrix merge: a count overflows");
		return st;
	}
	swap = *into;
	*into = *tmp;
	*tmp = swap;
	tp_matrix_free(tmp);
	return TP_OK;
}

/* ---- writing ---- */

static int
label_rank_cmp(size_t a, size_t b, const void *ctx)
{
	const tp_matrix *m = ctx;

	return strcmp(m->labels.strs[a].s, m->labels.strs[b].s);
}

static void
json_label(struct tpi_buf *b, const tp_matrix *m, uint32_t l)
{
	if (l)
		tpi_buf_json_string(b, m->labels.strs[l - 1].s,
				    m->labels.strs[l - 1].len);
	else
		tpi_buf_puts(b, "null");
}

TP_EXPORT tp_status
tp_matrix_save(const tp_matrix *m, tp_state_format format, char **out,
	       size_t *len)
{
	struct tpi_buf b = TPI_BUF_INIT;
	size_t *sorted = NULL, *rank = NULL, i, j, n_cells = 0;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!m || (format != TP_STATE_FORMAT_BINARY &&
		   format != TP_STATE_FORMAT_JSON))
		return TP_EINVAL;
	for (i = 0; i < m->n_rows * m->n_cols; i++)
		if (m->cells[i].events)
			n_cells++;
	if (format == TP_STATE_FORMAT_BINARY) {
		size_t nl = m->labels.n;

		sorted = tpi_malloc((nl ? nl : 1) * sizeof(*sorted));
		rank = tpi_malloc((nl ? nl : 1) * sizeof(*rank));
		if (!sorted || !rank) {
			tpi_free(sorted);
			tpi_free(rank);
			return TP_ENOMEM;
		}
		for (i = 0; i < nl; i++)
			sorted[i] = i;
		tpi_sort_idx(sorted, nl, label_rank_cmp, m);
		for (i = 0; i < nl; i++)
			rank[sorted[i]] = i;
		tpi_wr_header(&b, TP_STATE_KIND_MATRIX);
		tpi_wr_str(&b, m->rows_field, strlen(m->rows_field));
		tpi_wr_str(&b, m->cols_field, strlen(m->cols_field));
		tpi_wr_u64(&b, nl);
		for (i = 0; i < nl; i++)
			tpi_wr_str(&b, m->labels.strs[sorted[i]].s,
				   m->labels.strs[sorted[i]].len);
		tpi_wr_u64(&b, m->n_rows);
		for (i = 0; i < m->n_rows; i++) {
			tpi_wr_u64(&b, m->rows[i].label ? rank[m->rows[i].label - 1] + 1 : 0);
			tpi_wr_i64(&b, m->rows[i].order);
		}
		tpi_wr_u64(&b, m->n_cols);
		for (j = 0; j < m->n_cols; j++) {
			tpi_wr_u64(&b, m->cols[j].label ? rank[m->cols[j].label - 1] + 1 : 0);
			tpi_wr_i64(&b, m->cols[j].order);
		}
		tpi_wr_u64(&b, n_cells);
		for (i = 0; i < m->n_rows; i++) {
			for (j = 0; j < m->n_cols; j++) {
				const struct mx_cell *x = &m->cells[i * m->n_cols + j];

				if (!x->events)
					continue;
				tpi_wr_u64(&b, i);
				tpi_wr_u64(&b, j);
				tpi_wr_u64(&b, x->events);
				tpi_wr_u64(&b, x->customers);
				tpi_wr_u64(&b, x->converted);
				tpi_wr_u64(&b, x->scores);
				tpi_wr_i64(&b, x->score_sum);
			}
		}
		tpi_wr_finish(&b);
		tpi_free(sorted);
		tpi_free(rank);
	} else {
		tpi_json_head(&b, TP_STATE_KIND_MATRIX);
		tpi_buf_puts(&b, ",\"rows_field\":");
		tpi_buf_json_string(&b, m->rows_field, strlen(m->rows_field));
		tpi_buf_puts(&b, ",\"cols_field\":");
		tpi_buf_json_string(&b, m->cols_field, strlen(m->cols_field));
		tpi_buf_puts(&b, ",\"rows\":[");
		for (i = 0; i < m->n_rows; i++) {
			tpi_buf_puts(&b, i ? ",{\"label\":" : "{\"label\":");
			json_label(&b, m, m->rows[i].label);
			tpi_buf_printf(&b, ",\"order\":%lld}",
				       (long long)m->rows[i].order);
		}
		tpi_buf_puts(&b, "],\"cols\":[");
		for (j = 0; j < m->n_cols; j++) {
			tpi_buf_puts(&b, j ? ",{\"label\":" : "{\"label\":");
			json_label(&b, m, m->cols[j].label);
			tpi_buf_printf(&b, ",\"order\":%lld}",
				       (long long)m->cols[j].order);
		}
		tpi_buf_puts(&b, "],\"cells\":[");
		n_cells = 0;
		for (i = 0; i < m->n_rows; i++) {
			for (j = 0; j < m->n_cols; j++) {
				const struct mx_cell *x = &m->cells[i * m->n_cols + j];

				if (!x->events)
					continue;
				tpi_buf_printf(&b, "%s\n{\"row\":%zu,\"col\":%zu,"
					       "\"events\":%llu,\"customers\":%llu,"
					       "\"converted\":%llu,\"scores\":%llu,"
					       "\"score_sum_micros\":%lld}",
					       n_cells++ ? "," : "", i, j,
					       (unsigned long long)x->events,
					       (unsigned long long)x->customers,
					       (unsigned long long)x->converted,
					       (unsigned long long)x->scores,
					       (long long)x->score_sum);
			}
		}
		tpi_buf_puts(&b, "]}\n");
	}
	*out = tpi_buf_steal(&b, len);
	return *out ? TP_OK : TP_ENOMEM;
}

/* ---- reading ---- */

static bool
cell_valid(const struct mx_cell *x)
{
	return x->events && x->customers && x->customers <= x->events &&
	       x->converted <= x->customers && x->scores <= x->events &&
	       (x->scores || !x->score_sum);
}

static bool
axis_unique(const struct mx_axis *ax, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (ax[i].label == ax[j].label)
				return false;
	return true;
}

static tp_status
load_binary(const void *data, size_t len, const char *source,
	    tp_matrix **out, tp_error *err)
{
	struct tpi_rd rd;
	tp_matrix *m = NULL;
	uint32_t *labels = NULL;
	const char *s1, *s2, *s;
	size_t l1, l2, slen, nl, i, n_cells, cap;
	char *rf = NULL, *cf = NULL;
	tp_status st;

	st = tpi_rd_open(&rd, data, len, source, TP_STATE_KIND_MATRIX, err);
	if (st != TP_OK)
		return st;
	if (!tpi_rd_str(&rd, &s1, &l1) || !tpi_rd_str(&rd, &s2, &l2))
		return rd.st;
	if (!l1 || !l2 || memchr(s1, '\0', l1) || memchr(s2, '\0', l2)) {
		tpi_rd_bad(&rd, "bad matrix fields");
		return rd.st;
	}
	rf = tpi_strndup(s1, l1);
	cf = tpi_strndup(s2, l2);
	if (rf && cf)
		m = mx_new(rf, cf);
	tpi_free(rf);
	tpi_free(cf);
	if (!m)
		return TP_ENOMEM;
	st = TP_ENOMEM;
	if (!tpi_rd_count(&rd, (uint64_t)(rd.end - rd.p), &nl))
		goto fail;
	labels = tpi_malloc((nl ? nl : 1) * sizeof(*labels));
	if (!labels)
		goto fail_st;
	for (i = 0; i < nl; i++) {
		if (!tpi_rd_str(&rd, &s, &slen))
			goto fail;
		if (memchr(s, '\0', slen)) {
			tpi_rd_bad(&rd, "a label contains a NUL byte");
			goto fail;
		}
		if (!intern_label(m, s, slen, &labels[i], &st))
			goto fail_st;
	}
	for (int axis = 0; axis < 2; axis++) {
		struct mx_axis **ax = axis ? &m->cols : &m->rows;
		size_t *n = axis ? &m->n_cols : &m->n_rows;
		size_t count;

		if (!tpi_rd_count(&rd, (uint64_t)(rd.end - rd.p), &count))
			goto fail;
		*ax = tpi_calloc(count ? count : 1, sizeof(**ax));
		if (!*ax)
			goto fail_st;
		if (axis)
			m->cap_cols = count;
		else
			m->cap_rows = count;
		for (i = 0; i < count; i++) {
			size_t l;
			int64_t order;

			if (!tpi_rd_count(&rd, nl, &l) || !tpi_rd_i64(&rd, &order))
				goto fail;
			(*ax)[i].label = l ? labels[l - 1] : 0;
			(*ax)[i].order = l ? order : 0;
			(*n)++;
		}
		if (!axis_unique(*ax, *n)) {
			tpi_rd_bad(&rd, "a row or column is listed twice");
			goto fail;
		}
	}
	if (m->n_rows && m->n_cols > SIZE_MAX / sizeof(*m->cells) / m->n_rows)
		goto fail_st;
	cap = m->n_rows * m->n_cols;
	m->cells = tpi_calloc(cap ? cap : 1, sizeof(*m->cells));
	if (!m->cells)
		goto fail_st;
	if (!tpi_rd_count(&rd, cap, &n_cells))
		goto fail;
	for (i = 0; i < n_cells; i++) {
		size_t r, c;
		struct mx_cell x;

		if (!tpi_rd_count(&rd, m->n_rows ? m->n_rows - 1 : 0, &r) ||
		    !tpi_rd_count(&rd, m->n_cols ? m->n_cols - 1 : 0, &c) ||
		    !tpi_rd_u64(&rd, &x.events) ||
		    !tpi_rd_u64(&rd, &x.customers) ||
		    !tpi_rd_u64(&rd, &x.converted) ||
		    !tpi_rd_u64(&rd, &x.scores) ||
		    !tpi_rd_i64(&rd, &x.score_sum))
			goto fail;
		if (!cap || !cell_valid(&x) || m->cells[r * m->n_cols + c].events) {
			tpi_rd_bad(&rd, "a cell is impossible or listed twice");
			goto fail;
		}
		m->cells[r * m->n_cols + c] = x;
	}
	if (tpi_rd_close(&rd) != TP_OK)
		goto fail;
	st = mx_finalize(m);
	if (st != TP_OK)
		goto fail_st;
	tpi_free(labels);
	*out = m;
	return TP_OK;
fail:
	st = rd.st != TP_OK ? rd.st : st;
fail_st:
	tpi_free(labels);
	tp_matrix_free(m);
	return st;
}

static bool
json_axis(struct tpi_jrd *j, tp_matrix *m, const cJSON *root,
	  const char *name, struct mx_axis **ax, size_t *n, size_t *cap)
{
	const cJSON *arr = tpi_jmember(j, root, name, cJSON_Array), *v;
	size_t i = 0;

	if (!arr)
		return false;
	*cap = (size_t)cJSON_GetArraySize(arr);
	*ax = tpi_calloc(*cap ? *cap : 1, sizeof(**ax));
	if (!*ax)
		return tpi_jfail(j, TP_ENOMEM, NULL, "out of memory");
	tpi_path_push_key(&j->path, name);
	cJSON_ArrayForEach(v, arr) {
		const cJSON *l;
		int64_t order;
		uint32_t id = 0;
		tp_status st = TP_OK;

		tpi_path_push_index(&j->path, i++);
		if (!cJSON_IsObject(v))
			return tpi_jfail(j, TP_ESCHEMA, NULL, "an entry is an "
					 "object");
		l = cJSON_GetObjectItemCaseSensitive(v, "label");
		if (!l || (!cJSON_IsNull(l) &&
			   (!cJSON_IsString(l) || !*l->valuestring)))
			return tpi_jfail(j, TP_ESCHEMA, "label", "\"label\" "
					 "must be a non-empty string or null");
		if (!tpi_jint_member(j, v, "order", -1, INT64_MAX, &order))
			return false;
		if (cJSON_IsString(l) &&
		    !intern_label(m, l->valuestring, strlen(l->valuestring),
				  &id, &st))
			return tpi_jfail(j, st, NULL, "too many labels");
		(*ax)[*n].label = id;
		(*ax)[*n].order = id ? order : 0;
		(*n)++;
		tpi_path_pop(&j->path);
	}
	tpi_path_pop(&j->path);
	if (!axis_unique(*ax, *n))
		return tpi_jfail(j, TP_ESCHEMA, name, "a label is listed twice");
	return true;
}

static tp_status
load_json(const void *data, size_t len, const char *source, tp_matrix **out,
	  tp_error *err)
{
	struct tpi_jrd j;
	cJSON *root = NULL;
	const cJSON *cells, *v;
	const char *rf, *cf;
	tp_matrix *m = NULL;
	size_t i = 0;
	tp_status st;

	tpi_jrd_init(&j, data, len, source, err);
	if (tpi_json_open(&j, TP_STATE_KIND_MATRIX, &root) != TP_OK)
		return tpi_jrd_fini(&j);
	if (!tpi_jstr_member(&j, root, "rows_field", false, &rf) ||
	    !tpi_jstr_member(&j, root, "cols_field", false, &cf))
		goto done;
	if (!*rf || !*cf) {
		tpi_jfail(&j, TP_ESCHEMA, NULL, "empty matrix fields");
		goto done;
	}
	m = mx_new(rf, cf);
	if (!m) {
		tpi_jfail(&j, TP_ENOMEM, NULL, "out of memory");
		goto done;
	}
	if (!json_axis(&j, m, root, "rows", &m->rows, &m->n_rows, &m->cap_rows) ||
	    !json_axis(&j, m, root, "cols", &m->cols, &m->n_cols, &m->cap_cols))
		goto done;
	cells = tpi_jmember(&j, root, "cells", cJSON_Array);
	if (!cells)
		goto done;
	if (m->n_rows && m->n_cols > SIZE_MAX / sizeof(*m->cells) / m->n_rows) {
		tpi_jfail(&j, TP_ENOMEM, NULL, "out of memory");
		goto done;
	}
	m->cells = tpi_calloc(area(m->n_rows, m->n_cols),
			      sizeof(*m->cells));
	if (!m->cells) {
		tpi_jfail(&j, TP_ENOMEM, NULL, "out of memory");
		goto done;
	}
	tpi_path_push_key(&j.path, "cells");
	cJSON_ArrayForEach(v, cells) {
		int64_t r, c, ss;
		struct mx_cell x;

		tpi_path_push_index(&j.path, i++);
		if (!cJSON_IsObject(v)) {
			tpi_jfail(&j, TP_ESCHEMA, NULL, "a cell is an object");
			goto done;
		}
		if (!m->n_rows || !m->n_cols) {
			tpi_jfail(&j, TP_ESCHEMA, NULL, "a cell without rows "
				  "or columns");
			goto done;
		}
		if (!tpi_jint_member(&j, v, "row", 0, (int64_t)m->n_rows - 1, &r) ||
		    !tpi_jint_member(&j, v, "col", 0, (int64_t)m->n_cols - 1, &c) ||
		    !tpi_juint_member(&j, v, "events", 1, UINT64_MAX, &x.events) ||
		    !tpi_juint_member(&j, v, "customers", 1, UINT64_MAX,
				      &x.customers) ||
		    !tpi_juint_member(&j, v, "converted", 0, UINT64_MAX,
				      &x.converted) ||
		    !tpi_juint_member(&j, v, "scores", 0, UINT64_MAX, &x.scores) ||
		    !tpi_jint_member(&j, v, "score_sum_micros", INT64_MIN,
				     INT64_MAX, &ss))
			goto done;
		x.score_sum = ss;
		if (!cell_valid(&x) || m->cells[(size_t)r * m->n_cols + (size_t)c].events) {
			tpi_jfail(&j, TP_ESCHEMA, NULL, "the cell is impossible "
				  "(customers above events, converted above "
				  "customers...) or listed twice");
			goto done;
		}
		m->cells[(size_t)r * m->n_cols + (size_t)c] = x;
		tpi_path_pop(&j.path);
	}
	tpi_path_pop(&j.path);
	st = mx_finalize(m);
	if (st != TP_OK)
		tpi_jfail(&j, st, NULL, "out of memory");
done:
	cJSON_Delete(root);
	st = tpi_jrd_fini(&j);
	if (st != TP_OK) {
		tp_matrix_free(m);
		return st;
	}
	*out = m;
	return TP_OK;
}

TP_EXPORT tp_status
tp_matrix_load(const void *data, size_t len, const char *source,
	       tp_matrix **out, tp_error *err)
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
tp_matrix_rows_field(const tp_matrix *m)
{
	return m ? m->rows_field : NULL;
}

TP_EXPORT const char *
tp_matrix_cols_field(const tp_matrix *m)
{
	return m ? m->cols_field : NULL;
}

TP_EXPORT size_t
tp_matrix_row_count(const tp_matrix *m)
{
	return m ? m->n_rows : 0;
}

TP_EXPORT size_t
tp_matrix_col_count(const tp_matrix *m)
{
	return m ? m->n_cols : 0;
}

TP_EXPORT const char *
tp_matrix_row_label(const tp_matrix *m, size_t row)
{
	if (!m || row >= m->n_rows || !m->rows[row].label)
		return NULL;
	return m->labels.strs[m->rows[row].label - 1].s;
}

TP_EXPORT const char *
tp_matrix_col_label(const tp_matrix *m, size_t col)
{
	if (!m || col >= m->n_cols || !m->cols[col].label)
		return NULL;
	return m->labels.strs[m->cols[col].label - 1].s;
}

TP_EXPORT tp_status
tp_matrix_cell_get(const tp_matrix *m, size_t row, size_t col,
		   tp_matrix_cell *out)
{
	const struct mx_cell *x;

	if (!m || !out || out->size < sizeof(*out) || row >= m->n_rows ||
	    col >= m->n_cols)
		return TP_EINVAL;
	x = &m->cells[row * m->n_cols + col];
	out->events = x->events;
	out->customers = x->customers;
	out->converted = x->converted;
	out->conversion_rate = x->customers
		? (double)x->converted / (double)x->customers : 0;
	out->scores = x->scores;
	out->mean_score = x->scores
		? (double)x->score_sum / 1e6 / (double)x->scores : 0;
	return TP_OK;
}
