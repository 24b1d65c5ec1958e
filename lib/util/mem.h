/* SPDX-License-Identifier: MIT */
/*
 * Internal allocation helpers. Everything goes through the allocator that
 * tp_set_allocator() installed. Sizes are overflow-checked.
 */
#ifndef TP_UTIL_MEM_H
#define TP_UTIL_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

void *tpi_malloc(size_t size);
void *tpi_calloc(size_t n, size_t size);
void *tpi_realloc(void *ptr, size_t size);
/* realloc to n * size bytes, NULL on overflow or failure (ptr intact). */
void *tpi_reallocarray(void *ptr, size_t n, size_t size);
void tpi_free(void *ptr);
char *tpi_strdup(const char *s);
char *tpi_strndup(const char *s, size_t n);

/*
 * Grow an array so that it holds at least `need` elements. *cap is the
 * current capacity in elements. Returns false on overflow or failure,
 * leaving *arr and *cap intact. TPI_GROW() compares inline and calls
 * tpi_grow() only to grow (it runs for every token the reader adds);
 * its arguments must have no side effects.
 */
bool tpi_grow(void **arr, size_t *cap, size_t need, size_t elem_size);

#define TPI_GROW(arr, cap, need) \
	((need) <= (cap) || \
	 tpi_grow((void **)&(arr), &(cap), (need), sizeof(*(arr))))

/*
 * Thread-local count of allocation failures, so that a caller of a
 * third-party function (cJSON) that returns NULL for both "out of memory"
 * and "bad input" can tell them apart: reset it, call, look.
 */
void tpi_oom_reset(void);
bool tpi_oom_happened(void);

#endif
