/* SPDX-License-Identifier: MIT */
/*
 * The replaceable allocator (alloc.h) and the internal helpers (util/mem.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "touchpoint/alloc.h"
#include "util/export.h"
#include "util/mem.h"

static void *
default_malloc(size_t size, void *userdata)
{
	(void)userdata;
	return malloc(size);
}

static void *
default_realloc(void *ptr, size_t size, void *userdata)
{
	(void)userdata;
	return realloc(ptr, size);
}

static void
default_free(void *ptr, void *userdata)
{
	(void)userdata;
	free(ptr);
}

static tp_allocator current = {
	default_malloc, default_realloc, default_free, NULL
};

static _Thread_local unsigned long oom_count;

void
tpi_oom_reset(void)
{
	oom_count = 0;
}

bool
tpi_oom_happened(void)
{
	return oom_count != 0;
}

void *
tpi_malloc(size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	p = current.malloc_fn(size, current.userdata);
	if (!p)
		oom_count++;
	return p;
}

void *
tpi_calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size) {
		oom_count++;
		return NULL;
	}
	p = tpi_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *
tpi_realloc(void *ptr, size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	p = current.realloc_fn(ptr, size, current.userdata);
	if (!p)
		oom_count++;
	return p;
}

void *
tpi_reallocarray(void *ptr, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		oom_count++;
		return NULL;
	}
	return tpi_realloc(ptr, n * size);
}

void
tpi_free(void *ptr)
{
	if (ptr)
		current.free_fn(ptr, current.userdata);
}

char *
tpi_strndup(const char *s, size_t n)
{
	char *p = tpi_malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
tpi_strdup(const char *s)
{
	return tpi_strndup(s, strlen(s));
}

bool
tpi_grow(void **arr, size_t *cap, size_t need, size_t elem_size)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return true;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2) {
			oom_count++;
			return false;
		}
		ncap *= 2;
	}
	p = tpi_reallocarray(*arr, ncap, elem_size);
	if (!p)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

/* cJSON's hooks have no userdata and cJSON has no realloc hook of its own
 * when malloc/free are replaced, which is what we want: it then uses only
 * malloc_fn and free_fn. */
static void *
json_malloc(size_t size)
{
	return tpi_malloc(size);
}

static void
json_free(void *ptr)
{
	tpi_free(ptr);
}

static void
tpi_mem_init_json_hooks(void)
{
	cJSON_Hooks hooks = { json_malloc, json_free };

	cJSON_InitHooks(&hooks);
}

TP_EXPORT tp_status
tp_set_allocator(const tp_allocator *allocator)
{
	if (!allocator) {
		current.malloc_fn = default_malloc;
		current.realloc_fn = default_realloc;
		current.free_fn = default_free;
		current.userdata = NULL;
		cJSON_InitHooks(NULL);
		return TP_OK;
	}
	if (!allocator->malloc_fn || !allocator->realloc_fn ||
	    !allocator->free_fn)
		return TP_EINVAL;
	current = *allocator;
	tpi_mem_init_json_hooks();
	return TP_OK;
}

TP_EXPORT void *
tp_malloc(size_t size)
{
	if (size == 0)
		return NULL;
	return tpi_malloc(size);
}

TP_EXPORT void
tp_free(void *ptr)
{
	tpi_free(ptr);
}
