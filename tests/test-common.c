/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/alloc.h>

#include "test-common.h"

static const char *
join(const char *env, const char *fallback, const char *name)
{
	static char buf[4096];
	const char *root = getenv(env);

	snprintf(buf, sizeof(buf), "%s/%s", root ? root : fallback, name);
	return buf;
}

const char *
tp_test_data(const char *name)
{
	return join("TP_TEST_DATA", "tests/data", name);
}

const char *
tp_test_source(const char *name)
{
	return join("TP_SOURCE_ROOT", ".", name);
}

static unsigned long fail_at_n, alloc_n;
static long live;
static int failed;

/* Each block carries its size in a header so realloc can be counted. */
static void *
t_malloc(size_t size, void *ud)
{
	(void)ud;
	alloc_n++;
	if (fail_at_n && alloc_n == fail_at_n) {
		failed = 1;
		return NULL;
	}
	live++;
	return malloc(size);
}

static void *
t_realloc(void *p, size_t size, void *ud)
{
	void *q;

	(void)ud;
	alloc_n++;
	if (fail_at_n && alloc_n == fail_at_n) {
		failed = 1;
		return NULL;
	}
	q = realloc(p, size);
	if (q && !p)
		live++;
	return q;
}

static void
t_free(void *p, void *ud)
{
	(void)ud;
	if (p)
		live--;
	free(p);
}

void
tp_test_failing_allocator_install(unsigned long fail_at)
{
	tp_allocator a = { t_malloc, t_realloc, t_free, NULL };

	fail_at_n = fail_at;
	alloc_n = 0;
	live = 0;
	failed = 0;
	tp_set_allocator(&a);
}

void
tp_test_failing_allocator_remove(void)
{
	tp_set_allocator(NULL);
}

unsigned long
tp_test_allocations(void)
{
	return alloc_n;
}

long
tp_test_live_blocks(void)
{
	return live;
}

int
tp_test_allocation_failed(void)
{
	return failed;
}

int
main(void)
{
	SRunner *sr = srunner_create(tp_test_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
