/* SPDX-License-Identifier: MIT */
/*
 * The machine's memory latency: how long a load waits when the data lies
 * in a block of a given size, read in a random order that no prefetcher
 * can guess (each load's address comes from the load before it).
 *
 * It tells how much of a working set the caches hold on the machine the
 * other benchmarks run on, which decides what the classifier's event
 * memo costs: a lookup reads the memo's index and then an entry, each a
 * random place in a block of several MiB (docs/performance.md). On a
 * virtual machine the caches a guest gets are not always the ones lscpu
 * names.
 *
 * Usage: bench-memory [MAX-MiB] [ROUNDS]
 * For each block size from 16 KiB to MAX-MiB (default 256), it builds
 * one random cycle through the block's 64-byte lines, walks it for 2^24
 * loads ROUNDS times (default 3) and prints the median nanoseconds of
 * CPU time a load; with small pages and, on Linux, with the block
 * advised to use transparent huge pages (MADV_HUGEPAGE; whether the
 * kernel gives them depends on its settings: the last column is the
 * process's AnonHugePages from /proc/self/smaps_rollup while that block
 * is in use, the only block allocated then).
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "bench-common.h"

#define LINE 64
#define LOADS ((size_t)1 << 24)
#define MAX_ROUNDS 15
#define HUGE (2u << 20)

/* A random cycle through the lines of a block of n lines: line i holds
 * the index of the line that follows it. -1 when out of memory. */
static int
make_cycle(size_t *block, size_t n, uint64_t *seed)
{
	size_t *order = malloc(n * sizeof(*order));
	size_t i;

	if (!order)
		return -1;
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		size_t j = (size_t)(bench_rand(seed) % (i + 1)), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++)
		block[order[i] * (LINE / sizeof(size_t))] = order[(i + 1) % n];
	free(order);
	return 0;
}

/* Where a walk leaves its last index, so that the loads are kept. */
static volatile size_t walk_end;

/* Nanoseconds of CPU time a load, walking the cycle. */
static double
walk(const size_t *block, size_t loads)
{
	size_t p = 0, i;
	double t0 = bench_cpu();

	for (i = 0; i < loads; i++)
		p = block[p * (LINE / sizeof(size_t))];
	walk_end = p;
	return (bench_cpu() - t0) / (double)loads * 1e9;
}

/* KiB of anonymous huge pages of this process (0 when unknown). */
static long
huge_kib(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long kib = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "AnonHugePages:", 14) == 0)
			kib = atol(line + 14);
	fclose(f);
	return kib;
}

int
main(int argc, char **argv)
{
	size_t max_mib = 256, rounds = 3, kib;
	uint64_t seed = 42;

	if (argc > 3 ||
	    (argc > 1 && (bench_parse_count(argv[1], &max_mib) || !max_mib ||
			  max_mib > 65536)) ||
	    (argc > 2 && (bench_parse_count(argv[2], &rounds) || !rounds ||
			  rounds > MAX_ROUNDS))) {
		fprintf(stderr, "usage: bench-memory [MAX-MiB (1 to 65536)] [ROUNDS (1 to %d)]\n",
			MAX_ROUNDS);
		return 2;
	}
	printf("block (KiB)  ns a load, small pages  ns a load, huge pages advised  (huge KiB)\n");
	for (kib = 16; kib <= max_mib * 1024; kib *= 2) {
		size_t bytes = kib * 1024, n = bytes / LINE, room, r;
		double t[2][MAX_ROUNDS], med[2];
		long huge = 0;
		int pass;

		room = (bytes + HUGE - 1) / HUGE * HUGE;
		for (pass = 0; pass < 2; pass++) {
			size_t *block = aligned_alloc(HUGE, room);
			int ok = block != NULL;

#ifdef __linux__
			/* advised before the cycle first touches the pages */
			if (ok && pass == 1)
				(void)madvise(block, room, MADV_HUGEPAGE);
#endif
			if (ok)
				ok = make_cycle(block, n, &seed) == 0;
			if (!ok) {
				free(block);
				fprintf(stderr, "bench-memory: out of memory at %zu KiB\n", kib);
				return 1;
			}
			walk(block, n < LOADS ? n : LOADS);   /* warm up */
			for (r = 0; r < rounds; r++)
				t[pass][r] = walk(block, LOADS);
			if (pass == 1)
				huge = huge_kib();
			med[pass] = bench_median(t[pass], rounds);
			free(block);
		}
		printf("%11zu  %22.1f  %29.1f  (%ld)\n", kib, med[0], med[1], huge);
	}
	return 0;
}
