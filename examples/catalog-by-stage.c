/* SPDX-License-Identifier: MIT */
/*
 * catalog-by-stage: print the built-in default catalog grouped by the
 * stages of the 7-stage funnel, then the touchpoints whose default stage
 * is outside that funnel, then those without a stage.
 *
 * Build against an installed library:
 *     cc catalog-by-stage.c $(pkg-config --cflags --libs libtouchpoint)
 */
#include <stdio.h>

#include <touchpoint/touchpoint.h>

/* Print every touchpoint whose default stage is `stage` (TP_ENOTFOUND:
 * none) as "  id: Name [channel, kind]". */
static void
print_touchpoints(const tp_catalog *c, int stage)
{
	size_t i;

	for (i = 0; i < tp_catalog_touchpoint_count(c); i++) {
		int ch;

		if (tp_catalog_touchpoint_stage(c, i) != stage)
			continue;
		ch = tp_catalog_touchpoint_channel(c, i);
		printf("  %s: %s [%s, %s]\n", tp_catalog_touchpoint_id(c, i),
		       tp_catalog_touchpoint_name(c, i),
		       tp_catalog_channel_id(c, (size_t)ch),
		       tp_dimension_value_name(TP_DIMENSION_KIND,
					       (int)tp_catalog_channel_kind(c, (size_t)ch)));
	}
}

static void
print_stage(const tp_catalog *c, int stage, const char *prefix)
{
	printf("%s%s (%s, %s)\n", prefix, tp_catalog_stage_name(c, (size_t)stage),
	       tp_catalog_stage_id(c, (size_t)stage),
	       tp_dimension_value_name(TP_DIMENSION_PHASE,
				       (int)tp_catalog_stage_phase(c, (size_t)stage)));
	print_touchpoints(c, stage);
}

int
main(void)
{
	tp_catalog *c = NULL;
	tp_status st;
	size_t k, n, s;
	int funnel;

	/* The default catalog is compiled into the library: no file needed. */
	st = tp_catalog_default(&c, NULL);
	if (st != TP_OK) {
		fprintf(stderr, "catalog-by-stage: %s\n", tp_strerror(st));
		return 1;
	}

	funnel = tp_catalog_find_funnel(c, "seven_stage");
	if (funnel < 0) {
		fprintf(stderr, "catalog-by-stage: no seven_stage funnel\n");
		tp_catalog_free(c);
		return 1;
	}
	n = tp_catalog_funnel_stage_count(c, (size_t)funnel);
	printf("%s: %zu stages\n", tp_catalog_funnel_name(c, (size_t)funnel), n);
	for (k = 0; k < n; k++) {
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "\n%zu. ", k + 1);
		print_stage(c, tp_catalog_funnel_stage(c, (size_t)funnel, k), prefix);
	}

	/* Stages of the other funnels (b2b, b2c, four_step). */
	for (s = 0; s < tp_catalog_stage_count(c); s++) {
		int in_funnel = 0;

		for (k = 0; k < n; k++)
			if (tp_catalog_funnel_stage(c, (size_t)funnel, k) == (int)s)
				in_funnel = 1;
		if (!in_funnel)
			print_stage(c, (int)s, "\nOutside the funnel: ");
	}

	printf("\nWithout a stage\n");
	print_touchpoints(c, TP_ENOTFOUND);

	tp_catalog_free(c);
	return 0;
}
