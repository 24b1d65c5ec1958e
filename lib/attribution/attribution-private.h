/* SPDX-License-Identifier: MIT */
/* Internal: the path set and the result object shared by lib/attribution/. */
#ifndef TP_ATTRIBUTION_PRIVATE_H
#define TP_ATTRIBUTION_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "touchpoint/attribution.h"

/* A distinct path: items seq[off .. off + len) of the path set. */
struct tpi_path {
	size_t off;
	uint32_t len;
	uint32_t hash;
	double conversions;
	double nulls;
	double value;
};

/* A timed path with conversions: its touch times are times[toff ..
 * toff + len of the path). Kept one per added row, for time decay. */
struct tpi_timed {
	uint32_t path;
	size_t toff;
	int64_t conversion_time;
	double conversions;
	double value;
};

struct tp_paths {
	tp_attribution_by by;

	/* Items: NUL-terminated names in one arena, addressed by offset. */
	char *names;
	size_t names_len, names_cap;
	size_t *name_off;
	uint32_t *name_len;
	uint32_t *name_hash;
	size_t n_items, cap_items;
	uint32_t *item_slots;   /* open addressing: id + 1, 0 = empty */
	size_t item_mask;       /* slots - 1; slots a power of two or 0 */

	/* Distinct paths: item ids concatenated in seq. */
	uint32_t *seq;
	size_t seq_len, seq_cap;
	struct tpi_path *paths;
	size_t n_paths, cap_paths;
	uint32_t *path_slots;   /* path index + 1, 0 = empty */
	size_t path_mask;

	/* Timed converting rows. */
	struct tpi_timed *timed;
	size_t n_timed, cap_timed;
	int64_t *times;
	size_t n_times, cap_times;
	size_t untimed_converting;   /* rows with conversions and no times */

	/* Scratch for one path's ids while adding. */
	uint32_t *scratch;
	size_t scratch_cap;

	size_t rows;
	double total_conversions, total_nulls, total_value;
};

/* Intern a name; the set is unchanged on failure. Checks nothing but
 * length limits: the caller has validated the name. */
tp_status tpi_paths_intern(tp_paths *p, const char *name, size_t len,
			   uint32_t *id);
/* Add a validated path given by ids (all < n_items). times may be NULL. */
tp_status tpi_paths_add_ids(tp_paths *p, const uint32_t *ids, size_t n,
			    const int64_t *times, int64_t conversion_time,
			    double conversions, double nulls, double value);

static inline const uint32_t *
tpi_path_items(const tp_paths *p, const struct tpi_path *path)
{
	return p->seq + path->off;
}

static inline const char *
tpi_item_name(const tp_paths *p, uint32_t id)
{
	return p->names + p->name_off[id];
}

/* The result object. */
struct tp_attribution {
	tp_attribution_model model;
	tp_attribution_by by;
	int order;
	double total_conversions, total_value;
	double probability;   /* Markov P(conversion), else NAN */

	size_t n_items;
	char *names;          /* arena copied from the path set */
	size_t *name_off;
	double *conversions;
	double *value;
	double *share;
	double *removal;        /* Markov only, else NULL */
	double *value_removal;  /* Markov only, else NULL */

	/* Kept transition matrix (Markov with options->transitions). */
	size_t n_states;
	char *state_names;
	size_t *state_off;
	size_t n_trans;
	size_t *trans_from, *trans_to;
	double *trans_weight, *trans_prob;
};

/* Allocate a result with the items of p and zeroed per-item arrays. */
tp_status tpi_attribution_alloc(const tp_paths *p, tp_attribution_model model,
				bool removal, tp_attribution **out);

/* The models; they fill r->conversions and r->value (and the Markov
 * fields). The caller sets shares and totals. */
tp_status tpi_attr_heuristic(const tp_paths *p, tp_attribution_model model,
			     const tp_attribution_options *o,
			     tp_attribution *r, tp_error *err);
tp_status tpi_attr_markov(const tp_paths *p, const tp_attribution_options *o,
			  tp_attribution *r, tp_error *err);
tp_status tpi_attr_shapley(const tp_paths *p, tp_attribution *r,
			   tp_error *err);
/* The two forms of exact Shapley (shapley.c), for white-box tests. */
tp_status tpi_shapley_table(const tp_paths *p, tp_attribution *r);
tp_status tpi_shapley_dividends(const tp_paths *p, tp_attribution *r);
tp_status tpi_attr_shapley_simple(const tp_paths *p, tp_attribution *r);

/*
 * The Markov solver, exposed for white-box tests. Solves (I - Q) x = b
 * for two right-hand sides over the states whose keep[] is true (others
 * count as absorbing with x = 0). Q is given in CSR form: row s has
 * columns col[rowptr[s] .. rowptr[s+1]) with probabilities prob[].
 * method: 0 = automatic, 1 = dense direct, 2 = Gauss-Seidel.
 */
struct tpi_chain {
	size_t n;              /* transient states */
	size_t *rowptr;        /* n + 1 */
	uint32_t *col;
	double *prob;
	double *b_conv;        /* P(s -> conversion) */
	double *b_value;       /* P(s -> conversion) * mean value at s */
	uint32_t *order;       /* Gauss-Seidel sweep order (n) */
};

#define TPI_DENSE_MAX 300

tp_status tpi_chain_solve(const struct tpi_chain *c, const bool *keep,
			  int method, double *x_conv, double *x_value);

#endif
