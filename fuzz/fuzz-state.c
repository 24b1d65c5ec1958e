/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the state deserializers: tp_state_identify, tp_funnel_state_load,
 * tp_matrix_load and tp_path_counts_load, on both forms (binary with its
 * CRC-32, JSON). A state that loads is saved in both forms; each must load
 * back and save to the same bytes (the forms are canonical), and merging
 * it into a copy of itself must succeed or overflow cleanly.
 */
#include <string.h>
#include "fuzz-common.h"

typedef tp_status (*load_fn)(const void *, size_t, const char *, void **,
			     tp_error *);
typedef tp_status (*save_fn)(const void *, tp_state_format, char **, size_t *);
typedef tp_status (*merge_fn)(void *, const void *, tp_error *);
typedef void (*free_fn)(void *);

#define WRAP(name, load, save, merge, free_)                                    \
	static tp_status name##_load(const void *d, size_t n, const char *s,  \
				     void **o, tp_error *e)                    \
	{ return load(d, n, s, (void *)o, e); }                               \
	static tp_status name##_save(const void *x, tp_state_format f,        \
				     char **o, size_t *n)                      \
	{ return save(x, f, o, n); }                                           \
	static tp_status name##_merge(void *a, const void *b, tp_error *e)    \
	{ return merge(a, b, e); }                                             \
	static void name##_free(void *x) { free_(x); }

WRAP(funnel, tp_funnel_state_load, tp_funnel_state_save, tp_funnel_state_merge,
     tp_funnel_state_free)
WRAP(matrix, tp_matrix_load, tp_matrix_save, tp_matrix_merge, tp_matrix_free)
WRAP(counts, tp_path_counts_load, tp_path_counts_save, tp_path_counts_merge,
     tp_path_counts_free)

static const struct kind {
	tp_state_kind kind;
	load_fn load;
	save_fn save;
	merge_fn merge;
	free_fn free;
} kinds[] = {
	{ TP_STATE_KIND_FUNNEL, funnel_load, funnel_save, funnel_merge, funnel_free },
	{ TP_STATE_KIND_MATRIX, matrix_load, matrix_save, matrix_merge, matrix_free },
	{ TP_STATE_KIND_PATH_COUNTS, counts_load, counts_save, counts_merge,
	  counts_free },
};

/* Save obj in one form; load it back; save again: same bytes. */
static void
round_trip(const struct kind *k, const void *obj, tp_state_format f,
	   char **first, size_t *first_len)
{
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	void *again = NULL;
	tp_status st = k->save(obj, f, &a, &na);

	FUZZ_CHECK(st == TP_OK || st == TP_ENOMEM);
	if (st != TP_OK)
		return;
	st = k->load(a, na, "saved", &again, NULL);
	FUZZ_CHECK(st == TP_OK || st == TP_ENOMEM);
	if (st == TP_OK) {
		st = k->save(again, f, &b, &nb);
		FUZZ_CHECK(st == TP_OK || st == TP_ENOMEM);
		if (st == TP_OK)
			FUZZ_CHECK(na == nb && memcmp(a, b, na) == 0);
	}
	tp_free(b);
	k->free(again);
	if (first) {
		*first = a;
		*first_len = na;
	} else {
		tp_free(a);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tp_error *err = tp_error_new();
	tp_state_kind kind = TP_STATE_KIND_UNKNOWN;
	tp_state_format format = TP_STATE_FORMAT_UNKNOWN;
	tp_status id;
	size_t i;

	if (!err)
		return 0;
	id = tp_state_identify(data, size, "fuzz", &kind, &format, err);
	fuzz_check_error(id, err);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const struct kind *k = &kinds[i];
		void *obj = NULL, *copy = NULL;
		char *bin = NULL;
		size_t bin_len = 0;
		tp_status st;

		tp_error_clear(err);
		st = k->load(data, size, "fuzz", &obj, err);
		fuzz_check_error(st, err);
		if (st != TP_OK) {
			FUZZ_CHECK(obj == NULL);
			continue;
		}
		/* What loads is what identify recognised. */
		FUZZ_CHECK(id == TP_OK && kind == k->kind);
		round_trip(k, obj, TP_STATE_FORMAT_BINARY, &bin, &bin_len);
		round_trip(k, obj, TP_STATE_FORMAT_JSON, NULL, NULL);
		if (bin && k->load(bin, bin_len, "copy", &copy, NULL) == TP_OK) {
			st = k->merge(copy, obj, NULL);
			FUZZ_CHECK(st == TP_OK || st == TP_ERANGE || st == TP_ENOMEM);
		}
		k->free(copy);
		tp_free(bin);
		k->free(obj);
	}
	tp_error_free(err);
	return 0;
}
