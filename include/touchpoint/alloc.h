/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file alloc.h
 * @brief The library's allocator, which a program may replace.
 *
 * Every allocation the library makes, including those of the JSON parser
 * it uses while a libtouchpoint function runs, goes through one allocator.
 * By default it is the C library's malloc(), realloc() and free(). A
 * program that wants its own (an arena, a counting allocator, a test that
 * fails the n-th allocation) installs it with tp_set_allocator() before it
 * creates any libtouchpoint object. Every allocation failure surfaces as
 * #TP_ENOMEM with nothing leaked.
 */
#ifndef TOUCHPOINT_ALLOC_H
#define TOUCHPOINT_ALLOC_H

#include <stddef.h>
#include <touchpoint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A replacement allocator. This struct is frozen: it will never change.
 *
 * The three functions follow malloc(), realloc() and free(), with the
 * tp_allocator::userdata pointer given back as last argument. realloc_fn with a NULL
 * pointer must allocate; free_fn with NULL must do nothing.
 */
typedef struct tp_allocator {
	/** Allocate @p size bytes (never called with 0); NULL on failure. */
	void *(*malloc_fn)(size_t size, void *userdata);
	/** Resize @p ptr to @p size bytes; NULL on failure, @p ptr intact. */
	void *(*realloc_fn)(void *ptr, size_t size, void *userdata);
	/** Release @p ptr. */
	void (*free_fn)(void *ptr, void *userdata);
	/** Passed to each function unchanged. */
	void *userdata;
} tp_allocator;

/**
 * Install an allocator for every later allocation of the library.
 *
 * Objects must be freed with the allocator they were created with, so call
 * this before creating any object, or after freeing all of them.
 *
 * cJSON, which the library uses to read JSON, has only process-wide
 * allocation hooks: installing an allocator also installs it as cJSON's,
 * and passing NULL restores cJSON's defaults. A program that sets cJSON
 * hooks of its own should not call this function.
 *
 * @param allocator The allocator, copied; NULL restores the C library's.
 * @return #TP_OK, or #TP_EINVAL when a function pointer is NULL.
 * @since 1.0
 * Thread-safety: not thread-safe; call it while no other thread uses the
 * library.
 */
tp_status tp_set_allocator(const tp_allocator *allocator);

/**
 * Allocate memory through the library's allocator.
 *
 * @param size Bytes to allocate; 0 gives NULL.
 * @return The memory, to be released with tp_free(); NULL on failure.
 * @since 1.0
 * Thread-safety: safe when the installed allocator is.
 */
void *tp_malloc(size_t size);

/**
 * Release memory that the library returned to the caller (such as the text
 * from tp_catalog_save_string()) or that tp_malloc() allocated.
 *
 * @param ptr The memory; NULL is allowed and does nothing.
 * @since 1.0
 * Thread-safety: safe when the installed allocator is.
 */
void tp_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_ALLOC_H */
