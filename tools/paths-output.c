/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "paths-output.h"

/* The items of a path joined with " > ", in a buffer to free. */
static char *
joined(const tp_path_counts *pc, size_t i)
{
	size_t len = tp_path_counts_length(pc, i), k, size = 1;
	char *s;

	for (k = 0; k < len; k++)
		size += strlen(tp_path_counts_item(pc, i, k)) + 3;
	s = malloc(size);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (k = 0; k < len; k++) {
		if (k)
			strcat(s, " > ");
		strcat(s, tp_path_counts_item(pc, i, k));
	}
	return s;
}

uint64_t
tp_cli_paths_csv(FILE *out, const tp_path_counts *pc)
{
	size_t i, n = tp_path_counts_count(pc);
	uint64_t empty = 0;

	fputs("path,conversions,nulls,value\n", out);
	for (i = 0; i < n; i++) {
		char *path;

		if (tp_path_counts_length(pc, i) == 0) {
			empty += tp_path_counts_conversions(pc, i) +
				 tp_path_counts_nulls(pc, i);
			continue;
		}
		path = joined(pc, i);
		tp_fmt_csv_field(out, path ? path : "");
		free(path);
		fprintf(out, ",%llu,%llu,",
			(unsigned long long)tp_path_counts_conversions(pc, i),
			(unsigned long long)tp_path_counts_nulls(pc, i));
		tp_fmt_csv_number(out, tp_path_counts_value(pc, i));
		putc('\n', out);
	}
	return empty;
}

static void
nl(FILE *out, int indent)
{
	putc('\n', out);
	for (; indent > 0; indent--)
		putc(' ', out);
}

void
tp_cli_paths_json(FILE *out, const tp_path_counts *pc, int indent)
{
	size_t i, k, n = tp_path_counts_count(pc);
	uint64_t conv = 0, nulls = 0;
	double value = 0;

	tp_path_counts_totals(pc, &conv, &nulls, &value);
	fputs("{", out);
	nl(out, indent + 2);
	fputs("\"field\": ", out);
	tp_fmt_json_string(out, tp_path_counts_field(pc));
	fprintf(out, ", \"total_conversions\": %llu, \"total_nulls\": %llu, "
		"\"total_value\": ", (unsigned long long)conv,
		(unsigned long long)nulls);
	tp_fmt_json_number(out, value);
	fputs(",", out);
	nl(out, indent + 2);
	fputs("\"paths\": [", out);
	for (i = 0; i < n; i++) {
		fputs(i ? "," : "", out);
		nl(out, indent + 4);
		fputs("{\"path\": [", out);
		for (k = 0; k < tp_path_counts_length(pc, i); k++) {
			fputs(k ? ", " : "", out);
			tp_fmt_json_string(out, tp_path_counts_item(pc, i, k));
		}
		fprintf(out, "], \"conversions\": %llu, \"nulls\": %llu, \"value\": ",
			(unsigned long long)tp_path_counts_conversions(pc, i),
			(unsigned long long)tp_path_counts_nulls(pc, i));
		tp_fmt_json_number(out, tp_path_counts_value(pc, i));
		fputs("}", out);
	}
	if (n)
		nl(out, indent + 2);
	fputs("]", out);
	nl(out, indent);
	fputs("}", out);
}

void
tp_cli_paths_text(FILE *out, const tp_path_counts *pc)
{
	size_t i, n = tp_path_counts_count(pc);
	uint64_t conv = 0, nulls = 0;
	double value = 0;

	tp_path_counts_totals(pc, &conv, &nulls, &value);
	fprintf(out, "Paths by %s: %zu distinct, %llu converting, %llu not, value %.12g\n\n",
		tp_path_counts_field(pc), n, (unsigned long long)conv,
		(unsigned long long)nulls, value + 0.0);
	fprintf(out, "  %11s  %9s  %12s  %s\n", "CONVERSIONS", "NULLS", "VALUE",
		"PATH");
	for (i = 0; i < n; i++) {
		char *p = joined(pc, i);

		fprintf(out, "  %11llu  %9llu  %12.2f  %s\n",
			(unsigned long long)tp_path_counts_conversions(pc, i),
			(unsigned long long)tp_path_counts_nulls(pc, i),
			tp_path_counts_value(pc, i) + 0.0, p && *p ? p : "(no touch)");
		free(p);
	}
	fprintf(out, "  %11llu  %9llu  %12.2f  total\n", (unsigned long long)conv,
		(unsigned long long)nulls, value + 0.0);
}
