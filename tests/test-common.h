/* SPDX-License-Identifier: MIT */
/* Shared helpers of the Check suites. */
#ifndef TP_TEST_COMMON_H
#define TP_TEST_COMMON_H

#include <check.h>
#include <stddef.h>

/* Each suite file defines this; test-common.c's main() runs it. */
Suite *tp_test_suite(void);

/* Path of a file under tests/data (static buffer). */
const char *tp_test_data(const char *name);
/* Path of a file under the source root (static buffer). */
const char *tp_test_source(const char *name);

/* A tp_allocator that fails the n-th allocation (1-based; 0 = never) and
 * counts live blocks, for allocation-failure loops. */
void tp_test_failing_allocator_install(unsigned long fail_at);
void tp_test_failing_allocator_remove(void);
unsigned long tp_test_allocations(void);
long tp_test_live_blocks(void);
int tp_test_allocation_failed(void);

#endif
