/* SPDX-License-Identifier: MIT */
/*
 * The Markov-chain model: a chain of order k over the paths, removal
 * effects from the exact solution of the absorbing chain.
 *
 * States. Consecutive repeats of an item are merged (A > B > B > C is
 * A > B > C); the state after the i-th touch is the tuple of the last k
 * items up to it, shorter at the start of a path. Each distinct path with
 * c conversions and n nulls adds weight c + n to (start) -> s1, s1 -> s2,
 * ..., and from its last state weight c to (conversion) and n to (null).
 * A state's transition probabilities are its weights over its total
 * outgoing weight.
 *
 * The probability of converting from state s, x_s, solves
 *     x_s = P(s -> conversion) + sum_t P(s -> t) x_t,
 * i.e. (I - Q) x = b with Q the transient part of the chain. The expected
 * converted value uses the same matrix with b_s = P(s -> conversion) x
 * (mean value of the conversions of the paths that end in s). P and V are
 * the start distribution times x. Removing item c makes every state that
 * contains c absorbing into (null): its rows and columns leave the system.
 *
 * Every state lies on an observed path, which leads to absorption, so
 * I - Q restricted to any set of states is a non-singular M-matrix: both
 * Gaussian elimination and Gauss-Seidel apply. Small systems (up to
 * TPI_DENSE_MAX states) are solved directly with partial pivoting; larger
 * ones by Gauss-Seidel sweeps, deepest states first, until the estimated
 * error (last change times rho / (1 - rho), rho the observed contraction)
 * is below 1e-13 of the largest unknown.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "attribution-private.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/mem.h"

#define TOL 1e-13
#define MAX_SWEEPS 1000000

/* ---- the solver ---- */

static tp_status
solve_dense(const struct tpi_chain *c, const bool *keep, double *xc,
	    double *xv)
{
	size_t n = 0, i, j, k, s, e;
	uint32_t *idx = NULL, *back = NULL;
	double *a = NULL, *rhs = NULL;
	tp_status st = TP_ENOMEM;

	idx = tpi_malloc(c->n * sizeof(*idx) + 1);
	back = tpi_malloc(c->n * sizeof(*back) + 1);
	if (!idx || !back)
		goto out;
	for (s = 0; s < c->n; s++) {
		idx[s] = UINT32_MAX;
		if (!keep || keep[s]) {
			back[n] = (uint32_t)s;
			idx[s] = (uint32_t)n++;
		}
	}
	a = tpi_calloc(n * n + 1, sizeof(*a));
	rhs = tpi_calloc(2 * n + 1, sizeof(*rhs));
	if (!a || !rhs)
		goto out;
	for (i = 0; i < n; i++) {
		s = back[i];
		a[i * n + i] = 1;
		rhs[2 * i] = c->b_conv[s];
		rhs[2 * i + 1] = c->b_value[s];
		for (e = c->rowptr[s]; e < c->rowptr[s + 1]; e++)
			if (idx[c->col[e]] != UINT32_MAX)
				a[i * n + idx[c->col[e]]] -= c->prob[e];
	}
	/* Gaussian elimination with partial pivoting. */
	for (k = 0; k < n; k++) {
		size_t piv = k;
		double best = fabs(a[k * n + k]);

		for (i = k + 1; i < n; i++)
			if (fabs(a[i * n + k]) > best) {
				best = fabs(a[i * n + k]);
				piv = i;
			}
		if (best == 0) {
			st = TP_ERANGE;   /* singular: cannot happen, see above */
			goto out;
		}
		if (piv != k) {
			for (j = 0; j < n; j++) {
				double t = a[k * n + j];

				a[k * n + j] = a[piv * n + j];
				a[piv * n + j] = t;
			}
			for (j = 0; j < 2; j++) {
				double t = rhs[2 * k + j];

				rhs[2 * k + j] = rhs[2 * piv + j];
				rhs[2 * piv + j] = t;
			}
		}
		for (i = k + 1; i < n; i++) {
			double f = a[i * n + k] / a[k * n + k];

			if (f == 0)
				continue;
			for (j = k; j < n; j++)
				a[i * n + j] -= f * a[k * n + j];
			rhs[2 * i] -= f * rhs[2 * k];
			rhs[2 * i + 1] -= f * rhs[2 * k + 1];
		}
	}
	for (k = n; k-- > 0;) {
		double sc = rhs[2 * k], sv = rhs[2 * k + 1];

		for (j = k + 1; j < n; j++) {
			sc -= a[k * n + j] * rhs[2 * j];
			sv -= a[k * n + j] * rhs[2 * j + 1];
		}
		rhs[2 * k] = sc / a[k * n + k];
		rhs[2 * k + 1] = sv / a[k * n + k];
	}
	for (s = 0; s < c->n; s++) {
		xc[s] = idx[s] == UINT32_MAX ? 0 : rhs[2 * idx[s]];
		xv[s] = idx[s] == UINT32_MAX ? 0 : rhs[2 * idx[s] + 1];
	}
	st = TP_OK;
out:
	tpi_free(idx);
	tpi_free(back);
	tpi_free(a);
	tpi_free(rhs);
	return st;
}

/* One relaxation of state s; returns the new values. */
static inline void
relax(const struct tpi_chain *c, const bool *keep, const double *xc,
      const double *xv, size_t s, double *nc, double *nv)
{
	double ac = c->b_conv[s], av = c->b_value[s], diag = 0;
	size_t e;

	for (e = c->rowptr[s]; e < c->rowptr[s + 1]; e++) {
		uint32_t t = c->col[e];

		if (t == s)
			diag += c->prob[e];
		else if (!keep || keep[t]) {
			ac += c->prob[e] * xc[t];
			av += c->prob[e] * xv[t];
		}
	}
	*nc = ac / (1 - diag);
	*nv = av / (1 - diag);
}

/* Has the sequence of sweep changes d (current) after prev converged to
 * within TOL of scale? */
static bool
converged(double d, double prev, double scale)
{
	double rho;

	if (d == 0 || d <= 1e-17 * scale)
		return true;
	if (prev <= 0 || d >= prev)
		return false;
	rho = d / prev;
	return d * rho / (1 - rho) <= TOL * scale;
}

static tp_status
solve_iterative(const struct tpi_chain *c, const bool *keep, double *xc,
		double *xv)
{
	double prev_c = 0, prev_v = 0;
	size_t s, i;
	long sweep;

	/* The caller's x is the starting point (a warm start); states left
	 * out are absorbing. */
	for (s = 0; s < c->n; s++)
		if (keep && !keep[s])
			xc[s] = xv[s] = 0;
	for (sweep = 0; sweep < MAX_SWEEPS; sweep++) {
		double dc = 0, dv = 0, mc = 0, mv = 0;

		for (i = 0; i < c->n; i++) {
			double nc, nv;

			s = c->order[i];
			if (keep && !keep[s])
				continue;
			relax(c, keep, xc, xv, s, &nc, &nv);
			if (fabs(nc - xc[s]) > dc)
				dc = fabs(nc - xc[s]);
			if (fabs(nv - xv[s]) > dv)
				dv = fabs(nv - xv[s]);
			xc[s] = nc;
			xv[s] = nv;
			if (fabs(nc) > mc)
				mc = fabs(nc);
			if (fabs(nv) > mv)
				mv = fabs(nv);
		}
		if (sweep > 0 && converged(dc, prev_c, mc) &&
		    converged(dv, prev_v, mv))
			return TP_OK;
		prev_c = dc;
		prev_v = dv;
	}
	return TP_ERANGE;
}

tp_status
tpi_chain_solve(const struct tpi_chain *c, const bool *keep, int method,
		double *xc, double *xv)
{
	size_t n = 0, s;

	if (method == 0) {
		for (s = 0; s < c->n; s++)
			n += !keep || keep[s];
		method = n <= TPI_DENSE_MAX ? 1 : 2;
	}
	if (method == 1)
		return solve_dense(c, keep, xc, xv);
	return solve_iterative(c, keep, xc, xv);
}

/* ---- building the chain ---- */

struct state {
	uint32_t len;
	uint32_t hash;
	uint32_t ids[TP_ATTRIBUTION_MAX_ORDER];
};

struct edge {
	uint32_t from, to;
	double w;
};

struct builder {
	struct state *states;
	size_t n_states, cap_states;
	uint32_t *state_slots;
	size_t state_mask;
	double *start_w, *conv_w, *null_w, *end_value;  /* per state */
	size_t cap_w;

	struct edge *edges;
	size_t n_edges, cap_edges;
	uint32_t *edge_slots;     /* edge index + 1 */
	size_t edge_mask;
};

static uint32_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 33;
	return (uint32_t)h;
}

static uint32_t
state_hash(const uint32_t *ids, uint32_t len)
{
	uint64_t h = len;
	uint32_t i;

	for (i = 0; i < len; i++)
		h = h * 0x100000001b3u + ids[i] + 1;
	return mix(h);
}

static uint32_t
edge_hash(uint32_t from, uint32_t to)
{
	return mix(((uint64_t)from << 32) | to);
}

/* Grow an open-addressing table of `count` entries whose hashes come
 * from hashof(index). */
static bool
rehash_states(struct builder *b, size_t need)
{
	size_t cap = b->state_slots ? b->state_mask + 1 : 0, ncap, i;
	uint32_t *ns;

	if (need <= cap / 2)
		return true;
	ncap = cap ? cap * 2 : 64;
	while (ncap / 2 < need)
		ncap *= 2;
	ns = tpi_calloc(ncap, sizeof(*ns));
	if (!ns)
		return false;
	for (i = 0; i < b->n_states; i++) {
		size_t j = b->states[i].hash & (ncap - 1);

		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = (uint32_t)(i + 1);
	}
	tpi_free(b->state_slots);
	b->state_slots = ns;
	b->state_mask = ncap - 1;
	return true;
}

static bool
rehash_edges(struct builder *b, size_t need)
{
	size_t cap = b->edge_slots ? b->edge_mask + 1 : 0, ncap, i;
	uint32_t *ns;

	if (need <= cap / 2)
		return true;
	ncap = cap ? cap * 2 : 256;
	while (ncap / 2 < need)
		ncap *= 2;
	ns = tpi_calloc(ncap, sizeof(*ns));
	if (!ns)
		return false;
	for (i = 0; i < b->n_edges; i++) {
		size_t j = edge_hash(b->edges[i].from, b->edges[i].to) & (ncap - 1);

		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = (uint32_t)(i + 1);
	}
	tpi_free(b->edge_slots);
	b->edge_slots = ns;
	b->edge_mask = ncap - 1;
	return true;
}

static tp_status
state_id(struct builder *b, const uint32_t *ids, uint32_t len, uint32_t *out)
{
	uint32_t h = state_hash(ids, len);
	size_t j;
	struct state *s;

	if (!rehash_states(b, b->n_states + 1))
		return TP_ENOMEM;
	j = h & b->state_mask;
	while (b->state_slots[j]) {
		s = &b->states[b->state_slots[j] - 1];
		if (s->hash == h && s->len == len &&
		    memcmp(s->ids, ids, len * sizeof(*ids)) == 0) {
			*out = b->state_slots[j] - 1;
			return TP_OK;
		}
		j = (j + 1) & b->state_mask;
	}
	if (b->n_states >= UINT32_MAX - 1)
		return TP_ERANGE;
	if (!TPI_GROW(b->states, b->cap_states, b->n_states + 1))
		return TP_ENOMEM;
	if (b->n_states + 1 > b->cap_w) {
		size_t c1 = b->cap_w, c2 = b->cap_w, c3 = b->cap_w, c4 = b->cap_w;
		size_t need = b->n_states + 1, k;

		if (!TPI_GROW(b->start_w, c1, need) || !TPI_GROW(b->conv_w, c2, need) ||
		    !TPI_GROW(b->null_w, c3, need) || !TPI_GROW(b->end_value, c4, need))
			return TP_ENOMEM;
		k = c1 < c2 ? c1 : c2;
		k = k < c3 ? k : c3;
		b->cap_w = k < c4 ? k : c4;
	}
	s = &b->states[b->n_states];
	memset(s, 0, sizeof(*s));
	s->len = len;
	s->hash = h;
	memcpy(s->ids, ids, len * sizeof(*ids));
	b->start_w[b->n_states] = b->conv_w[b->n_states] = 0;
	b->null_w[b->n_states] = b->end_value[b->n_states] = 0;
	b->state_slots[j] = (uint32_t)(b->n_states + 1);
	*out = (uint32_t)b->n_states++;
	return TP_OK;
}

static tp_status
add_edge(struct builder *b, uint32_t from, uint32_t to, double w)
{
	uint32_t h = edge_hash(from, to);
	size_t j;

	if (!rehash_edges(b, b->n_edges + 1))
		return TP_ENOMEM;
	j = h & b->edge_mask;
	while (b->edge_slots[j]) {
		struct edge *e = &b->edges[b->edge_slots[j] - 1];

		if (e->from == from && e->to == to) {
			e->w += w;
			return TP_OK;
		}
		j = (j + 1) & b->edge_mask;
	}
	if (b->n_edges >= UINT32_MAX - 1)
		return TP_ERANGE;
	if (!TPI_GROW(b->edges, b->cap_edges, b->n_edges + 1))
		return TP_ENOMEM;
	b->edges[b->n_edges].from = from;
	b->edges[b->n_edges].to = to;
	b->edges[b->n_edges].w = w;
	b->edge_slots[j] = (uint32_t)(b->n_edges + 1);
	b->n_edges++;
	return TP_OK;
}

static void
builder_fini(struct builder *b)
{
	tpi_free(b->states);
	tpi_free(b->state_slots);
	tpi_free(b->start_w);
	tpi_free(b->conv_w);
	tpi_free(b->null_w);
	tpi_free(b->end_value);
	tpi_free(b->edges);
	tpi_free(b->edge_slots);
}

/* Walk every path and collect states and weighted transitions. */
static tp_status
build(const tp_paths *p, int order, struct builder *b)
{
	uint32_t *m = NULL, prev = 0;
	size_t cap = 0, i, k, n;
	tp_status st = TP_OK;

	for (i = 0; i < p->n_paths && st == TP_OK; i++) {
		const struct tpi_path *q = &p->paths[i];
		const uint32_t *s = tpi_path_items(p, q);
		double w = q->conversions + q->nulls;

		if (w <= 0)
			continue;
		if (!TPI_GROW(m, cap, q->len)) {
			st = TP_ENOMEM;
			break;
		}
		n = 0;
		for (k = 0; k < q->len; k++)
			if (n == 0 || m[n - 1] != s[k])
				m[n++] = s[k];
		for (k = 0; k < n && st == TP_OK; k++) {
			size_t from = k + 1 >= (size_t)order ? k + 1 - (size_t)order : 0;
			uint32_t id;

			st = state_id(b, m + from, (uint32_t)(k + 1 - from), &id);
			if (st)
				break;
			if (k == 0)
				b->start_w[id] += w;
			else
				st = add_edge(b, prev, id, w);
			prev = id;
		}
		if (st == TP_OK) {
			b->conv_w[prev] += q->conversions;
			b->null_w[prev] += q->nulls;
			b->end_value[prev] += q->value;
		}
	}
	tpi_free(m);
	return st;
}

static int
cmp_edge(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return 0;
}

/* The chain in CSR form, plus the sweep order (deepest states first). */
static tp_status
make_chain(struct builder *b, struct tpi_chain *c)
{
	size_t n = b->n_states, i, e;
	double *out_w = NULL;
	uint32_t *depth = NULL, *queue = NULL;
	size_t head = 0, tail = 0;
	tp_status st = TP_ENOMEM;

	memset(c, 0, sizeof(*c));
	c->n = n;
	/* The edges sorted by (from, to): the order of the CSR and of the
	 * kept transition matrix. */
	if (b->n_edges)
		qsort(b->edges, b->n_edges, sizeof(*b->edges), cmp_edge);
	c->rowptr = tpi_calloc(n + 1, sizeof(*c->rowptr));
	c->col = tpi_malloc(b->n_edges * sizeof(*c->col) + 1);
	c->prob = tpi_malloc(b->n_edges * sizeof(*c->prob) + 1);
	c->b_conv = tpi_malloc(n * sizeof(double) + 1);
	c->b_value = tpi_malloc(n * sizeof(double) + 1);
	c->order = tpi_malloc(n * sizeof(*c->order) + 1);
	out_w = tpi_calloc(n + 1, sizeof(*out_w));
	depth = tpi_malloc(n * sizeof(*depth) + 1);
	queue = tpi_malloc(n * sizeof(*queue) + 1);
	if (!c->rowptr || !c->col || !c->prob || !c->b_conv || !c->b_value ||
	    !c->order || !out_w || !depth || !queue)
		goto out;
	for (e = 0; e < b->n_edges; e++) {
		c->rowptr[b->edges[e].from + 1]++;
		out_w[b->edges[e].from] += b->edges[e].w;
	}
	for (i = 0; i < n; i++) {
		c->rowptr[i + 1] += c->rowptr[i];
		out_w[i] += b->conv_w[i] + b->null_w[i];
	}
	for (e = 0; e < b->n_edges; e++) {
		c->col[e] = b->edges[e].to;
		c->prob[e] = b->edges[e].w / out_w[b->edges[e].from];
	}
	for (i = 0; i < n; i++) {
		c->b_conv[i] = out_w[i] > 0 ? b->conv_w[i] / out_w[i] : 0;
		c->b_value[i] = out_w[i] > 0 ? b->end_value[i] / out_w[i] : 0;
	}
	/* Breadth-first depth from the start; sweep deepest first so that a
	 * state is relaxed after most of its successors. */
	for (i = 0; i < n; i++) {
		depth[i] = UINT32_MAX;
		if (b->start_w[i] > 0) {
			depth[i] = 0;
			queue[tail++] = (uint32_t)i;
		}
	}
	while (head < tail) {
		uint32_t s = queue[head++];

		for (e = c->rowptr[s]; e < c->rowptr[s + 1]; e++)
			if (depth[c->col[e]] == UINT32_MAX) {
				depth[c->col[e]] = depth[s] + 1;
				queue[tail++] = c->col[e];
			}
	}
	/* Every state is reachable from the start; reverse BFS order. */
	for (i = 0; i < tail; i++)
		c->order[i] = queue[tail - 1 - i];
	for (i = 0; i < n && tail < n; i++)
		if (depth[i] == UINT32_MAX)
			c->order[tail++] = (uint32_t)i;
	st = TP_OK;
out:
	tpi_free(out_w);
	tpi_free(depth);
	tpi_free(queue);
	return st;
}

static void
chain_fini(struct tpi_chain *c)
{
	tpi_free(c->rowptr);
	tpi_free(c->col);
	tpi_free(c->prob);
	tpi_free(c->b_conv);
	tpi_free(c->b_value);
	tpi_free(c->order);
}

/* ---- the kept transition matrix ---- */

static tp_status
keep_matrix(const tp_paths *p, const struct builder *b,
	    const struct tpi_chain *c, tp_attribution *r)
{
	struct tpi_buf names = TPI_BUF_INIT;
	static const char *special[3] = { "(start)", "(conversion)", "(null)" };
	size_t ns = b->n_states + 3, nt = 0, i, k, e, t;
	double total_start = 0;

	for (i = 0; i < b->n_states; i++) {
		total_start += b->start_w[i];
		nt += (b->start_w[i] > 0) + (b->conv_w[i] > 0) + (b->null_w[i] > 0);
	}
	nt += b->n_edges;
	r->state_off = tpi_malloc(ns * sizeof(*r->state_off));
	r->trans_from = tpi_malloc(nt * sizeof(size_t) + 1);
	r->trans_to = tpi_malloc(nt * sizeof(size_t) + 1);
	r->trans_weight = tpi_malloc(nt * sizeof(double) + 1);
	r->trans_prob = tpi_malloc(nt * sizeof(double) + 1);
	if (!r->state_off || !r->trans_from || !r->trans_to ||
	    !r->trans_weight || !r->trans_prob)
		return TP_ENOMEM;
	for (i = 0; i < ns; i++) {
		r->state_off[i] = names.len;
		if (i < 3) {
			tpi_buf_puts(&names, special[i]);
		} else {
			const struct state *s = &b->states[i - 3];

			for (k = 0; k < s->len; k++) {
				if (k)
					tpi_buf_puts(&names, " > ");
				tpi_buf_puts(&names, tpi_item_name(p, s->ids[k]));
			}
		}
		tpi_buf_putc(&names, '\0');
	}
	if (names.failed) {
		tpi_buf_fini(&names);
		return TP_ENOMEM;
	}
	r->state_names = tpi_buf_steal(&names, NULL);
	r->n_states = ns;
	t = 0;
#define PUT(f, to_, w_, p_) do { r->trans_from[t] = (f); r->trans_to[t] = (to_); \
	r->trans_weight[t] = (w_); r->trans_prob[t] = (p_); t++; } while (0)
	for (i = 0; i < b->n_states; i++)
		if (b->start_w[i] > 0)
			PUT(0, i + 3, b->start_w[i], b->start_w[i] / total_start);
	for (i = 0; i < b->n_states; i++) {
		double out = b->conv_w[i] + b->null_w[i];

		for (e = c->rowptr[i]; e < c->rowptr[i + 1]; e++)
			out += b->edges[e].w;
		if (b->conv_w[i] > 0)
			PUT(i + 3, 1, b->conv_w[i], b->conv_w[i] / out);
		if (b->null_w[i] > 0)
			PUT(i + 3, 2, b->null_w[i], b->null_w[i] / out);
		for (e = c->rowptr[i]; e < c->rowptr[i + 1]; e++)
			PUT(i + 3, (size_t)b->edges[e].to + 3, b->edges[e].w, c->prob[e]);
	}
#undef PUT
	r->n_trans = t;
	return TP_OK;
}

/* ---- the model ---- */

tp_status
tpi_attr_markov(const tp_paths *p, const tp_attribution_options *o,
		tp_attribution *r, tp_error *err)
{
	struct builder b;
	struct tpi_chain c;
	double *x0c = NULL, *x0v = NULL, *xc = NULL, *xv = NULL, *sp = NULL;
	bool *keep = NULL, *present = NULL;
	double P = 0, V = 0, sum_re = 0, sum_vre = 0, total_start = 0;
	size_t i, s, k;
	tp_status st;

	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	r->order = o->order;
	st = build(p, o->order, &b);
	if (st == TP_OK)
		st = make_chain(&b, &c);
	if (st)
		goto out;
	st = TP_ENOMEM;
	x0c = tpi_calloc(c.n + 1, sizeof(double));
	x0v = tpi_calloc(c.n + 1, sizeof(double));
	xc = tpi_calloc(c.n + 1, sizeof(double));
	xv = tpi_calloc(c.n + 1, sizeof(double));
	sp = tpi_calloc(c.n + 1, sizeof(double));
	keep = tpi_calloc(c.n + 1, sizeof(bool));
	present = tpi_calloc(p->n_items + 1, sizeof(bool));
	if (!x0c || !x0v || !xc || !xv || !sp || !keep || !present)
		goto out;
	for (s = 0; s < c.n; s++)
		total_start += b.start_w[s];
	for (s = 0; s < c.n; s++) {
		sp[s] = total_start > 0 ? b.start_w[s] / total_start : 0;
		for (k = 0; k < b.states[s].len; k++)
			present[b.states[s].ids[k]] = true;
	}
	if (o->transitions) {
		st = keep_matrix(p, &b, &c, r);
		if (st)
			goto out;
	}
	st = tpi_chain_solve(&c, NULL, 0, x0c, x0v);
	if (st)
		goto solve_failed;
	for (s = 0; s < c.n; s++) {
		P += sp[s] * x0c[s];
		V += sp[s] * x0v[s];
	}
	r->probability = P;
	for (i = 0; i < p->n_items; i++) {
		double Pc = 0, Vc = 0;

		r->removal[i] = r->value_removal[i] = 0;
		if (!present[i] || (P <= 0 && V <= 0))
			continue;
		for (s = 0; s < c.n; s++) {
			const struct state *q = &b.states[s];

			keep[s] = true;
			for (k = 0; k < q->len; k++)
				if (q->ids[k] == i)
					keep[s] = false;
		}
		memcpy(xc, x0c, c.n * sizeof(double));
		memcpy(xv, x0v, c.n * sizeof(double));
		st = tpi_chain_solve(&c, keep, 0, xc, xv);
		if (st)
			goto solve_failed;
		for (s = 0; s < c.n; s++)
			if (keep[s]) {
				Pc += sp[s] * xc[s];
				Vc += sp[s] * xv[s];
			}
		if (P > 0)
			r->removal[i] = 1 - Pc / P;
		if (V > 0)
			r->value_removal[i] = 1 - Vc / V;
		/* Rounding may leave a hair below 0 for an item that does
		 * not matter; removal can never help. */
		if (r->removal[i] < 0)
			r->removal[i] = 0;
		if (r->value_removal[i] < 0)
			r->value_removal[i] = 0;
	}
	for (i = 0; i < p->n_items; i++) {
		sum_re += r->removal[i];
		sum_vre += r->value_removal[i];
	}
	for (i = 0; i < p->n_items; i++) {
		r->conversions[i] = sum_re > 0
			? r->removal[i] / sum_re * p->total_conversions : 0;
		/* Value removal effects are all 0 only when no converting
		 * path carries value; then the value (0) follows conversions. */
		r->value[i] = sum_vre > 0
			? r->value_removal[i] / sum_vre * p->total_value
			: (sum_re > 0 ? r->removal[i] / sum_re * p->total_value : 0);
	}
	st = TP_OK;
	goto out;
solve_failed:
	if (st == TP_ERANGE)
		tpi_error(err, st, NULL, 0, 0, NULL,
			  "the Markov chain's linear system did not converge");
out:
	tpi_free(x0c);
	tpi_free(x0v);
	tpi_free(xc);
	tpi_free(xv);
	tpi_free(sp);
	tpi_free(keep);
	tpi_free(present);
	chain_fini(&c);
	builder_fini(&b);
	return st;
}
