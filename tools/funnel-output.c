/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <string.h>

#include "format.h"
#include "funnel-output.h"

/* How many "went instead" touchpoints a text table shows per step. */
#define TEXT_NEXT 3

static void
indent_to(FILE *out, int n)
{
	putc('\n', out);
	for (; n > 0; n--)
		putc(' ', out);
}

static void
steps_json(FILE *out, const tp_funnel_state *st, size_t group, int indent)
{
	size_t n = tp_funnel_state_step_count(st), s, k;

	fputs("[", out);
	for (s = 0; s < n; s++) {
		tp_funnel_step_stats x = TP_FUNNEL_STEP_STATS_INIT;
		size_t nn = tp_funnel_state_next_count(st, group, s);

		tp_funnel_state_step(st, group, s, &x);
		if (s)
			putc(',', out);
		indent_to(out, indent + 2);
		fputs("{\"name\": ", out);
		tp_fmt_json_string(out, x.name);
		fputs(", \"condition\": ", out);
		tp_fmt_json_string(out, tp_funnel_state_step_condition(st, s));
		fprintf(out, ", \"customers\": %llu, \"conversion_from_previous\": ",
			(unsigned long long)x.customers);
		tp_fmt_json_number(out, x.conversion_from_previous);
		fputs(", \"conversion_from_first\": ", out);
		tp_fmt_json_number(out, x.conversion_from_first);
		fprintf(out, ", \"dropped\": %llu, \"median_seconds_from_previous\": ",
			(unsigned long long)x.dropped);
		if (x.has_times)
			tp_fmt_json_number(out, x.median_seconds_from_previous);
		else
			fputs("null", out);
		fputs(", \"p90_seconds_from_previous\": ", out);
		if (x.has_times)
			tp_fmt_json_number(out, x.p90_seconds_from_previous);
		else
			fputs("null", out);
		fputs(", \"next_after_drop\": [", out);
		for (k = 0; k < nn; k++) {
			const char *tp = NULL;
			uint64_t c = 0;

			tp_funnel_state_next(st, group, s, k, &tp, &c);
			fprintf(out, "%s{\"touchpoint\": ", k ? ", " : "");
			tp_fmt_json_string(out, tp);
			fprintf(out, ", \"customers\": %llu}", (unsigned long long)c);
		}
		fputs("]}", out);
	}
	if (n)
		indent_to(out, indent);
	putc(']', out);
}

void
tp_cli_funnel_json(FILE *out, const tp_funnel_state *st, int indent)
{
	int64_t window = 0;
	unsigned mode = 0, bit;
	tp_funnel_count count = TP_FUNNEL_COUNT_CUSTOMERS;
	size_t k, n, step = 0;
	const char *field = tp_funnel_state_breakdown(st);
	bool first = true;

	tp_funnel_state_settings(st, &window, &mode, &count);
	fputs("{", out);
	indent_to(out, indent + 2);
	fputs("\"steps\": ", out);
	steps_json(out, st, TP_FUNNEL_ALL_GROUPS, indent + 2);
	fprintf(out, ",");
	indent_to(out, indent + 2);
	fprintf(out, "\"journeys\": %llu,",
		(unsigned long long)tp_funnel_state_journeys(st));
	indent_to(out, indent + 2);
	fputs("\"window_seconds\": ", out);
	if (window)
		tp_fmt_json_number(out, (double)window / 1000);
	else
		fputs("null", out);
	fputs(",", out);
	indent_to(out, indent + 2);
	fputs("\"mode\": [", out);
	for (bit = 1; bit <= TP_FUNNEL_STRICT_DEDUPLICATION; bit <<= 1)
		if (mode & bit) {
			fprintf(out, "%s", first ? "" : ", ");
			tp_fmt_json_string(out, tp_funnel_mode_name((tp_funnel_mode)bit));
			first = false;
		}
	fputs("],", out);
	indent_to(out, indent + 2);
	fputs("\"count\": ", out);
	tp_fmt_json_string(out, tp_funnel_count_name(count));
	fputs(",", out);
	indent_to(out, indent + 2);
	fputs("\"exclusions\": [", out);
	n = tp_funnel_state_exclusion_count(st);
	for (k = 0; k < n; k++) {
		fputs(k ? ", " : "", out);
		tp_fmt_json_string(out, tp_funnel_state_exclusion(st, k));
	}
	fputs("],", out);
	indent_to(out, indent + 2);
	fputs("\"breakdown\": ", out);
	if (!field) {
		fputs("null", out);
	} else {
		tp_funnel_attribution a = tp_funnel_state_breakdown_attribution(st, &step);

		fputs("{\"field\": ", out);
		tp_fmt_json_string(out, field);
		fputs(", \"attribution\": ", out);
		tp_fmt_json_string(out, tp_funnel_attribution_name(a));
		if (a == TP_FUNNEL_ATTRIBUTION_STEP)
			fprintf(out, ", \"step\": %zu", step);
		fputs(", \"groups\": [", out);
		n = tp_funnel_state_group_count(st);
		for (k = 0; k < n; k++) {
			fputs(k ? "," : "", out);
			indent_to(out, indent + 4);
			fputs("{\"value\": ", out);
			tp_fmt_json_string(out, tp_funnel_state_group_label(st, k));
			fputs(", \"steps\": ", out);
			steps_json(out, st, k, indent + 4);
			fputs("}", out);
		}
		if (n)
			indent_to(out, indent + 2);
		fputs("]}", out);
	}
	indent_to(out, indent);
	fputs("}", out);
}

/* ---- text ---- */

static void
settings_text(FILE *out, const tp_funnel_state *st)
{
	int64_t window = 0;
	unsigned mode = 0, bit;
	tp_funnel_count count = TP_FUNNEL_COUNT_CUSTOMERS;
	size_t k, n = tp_funnel_state_exclusion_count(st);
	char buf[64];
	bool first = true;

	tp_funnel_state_settings(st, &window, &mode, &count);
	fprintf(out, "%zu steps, %llu journeys; window ",
		tp_funnel_state_step_count(st),
		(unsigned long long)tp_funnel_state_journeys(st));
	if (window)
		fputs(tp_fmt_duration((double)window / 1000, buf, sizeof(buf)), out);
	else
		fputs("none", out);
	fputs("; mode ", out);
	for (bit = 1; bit <= TP_FUNNEL_STRICT_DEDUPLICATION; bit <<= 1)
		if (mode & bit) {
			fprintf(out, "%s%s", first ? "" : ",",
				tp_funnel_mode_name((tp_funnel_mode)bit));
			first = false;
		}
	if (first)
		fputs("default", out);
	fprintf(out, "; counting %s", tp_funnel_count_name(count));
	for (k = 0; k < n; k++)
		fprintf(out, "%s%s", k ? ", " : "; excluding ",
			tp_funnel_state_exclusion(st, k));
	fputs("\n", out);
}

static void
table_text(FILE *out, const tp_funnel_state *st, size_t group)
{
	size_t n = tp_funnel_state_step_count(st), s, k;
	tp_funnel_count count = TP_FUNNEL_COUNT_CUSTOMERS;
	int w = 4;
	char num[32];

	for (s = 0; s < n; s++) {
		int sw = tp_fmt_width(tp_funnel_state_step_name(st, s)) +
			 (s + 1 >= 10 ? 3 : 2);

		if (sw > w)
			w = sw;
	}
	tp_funnel_state_settings(st, NULL, NULL, &count);
	fputs("  ", out);
	tp_fmt_pad(out, "STEP", w);
	fprintf(out, "  %10s  %9s  %10s  %8s  %8s  %8s  %s\n",
		count == TP_FUNNEL_COUNT_ATTEMPTS ? "ATTEMPTS" : "CUSTOMERS",
		"FROM PREV", "FROM FIRST", "DROPPED", "MEDIAN", "P90",
		"DROPPED WENT TO");
	for (s = 0; s < n; s++) {
		tp_funnel_step_stats x = TP_FUNNEL_STEP_STATS_INIT;
		size_t nn = tp_funnel_state_next_count(st, group, s);
		char name[256], a[32], b[32], med[32], p90[32];

		tp_funnel_state_step(st, group, s, &x);
		snprintf(name, sizeof(name), "%zu %s", s + 1, x.name);
		fputs("  ", out);
		tp_fmt_pad(out, name, w);
		fprintf(out, "  %10llu  %9s  %10s  %8llu  %8s  %8s",
			(unsigned long long)x.customers,
			s ? tp_fmt_percent(x.conversion_from_previous, a, sizeof(a)) : "",
			tp_fmt_percent(x.conversion_from_first, b, sizeof(b)),
			(unsigned long long)x.dropped,
			x.has_times ? tp_fmt_duration(x.median_seconds_from_previous,
						      med, sizeof(med)) : "-",
			x.has_times ? tp_fmt_duration(x.p90_seconds_from_previous,
						      p90, sizeof(p90)) : "-");
		for (k = 0; k < nn && k < TEXT_NEXT; k++) {
			const char *tp = NULL;
			uint64_t c = 0;

			tp_funnel_state_next(st, group, s, k, &tp, &c);
			snprintf(num, sizeof(num), "%llu", (unsigned long long)c);
			fprintf(out, "%s%s %s", k ? ", " : "  ", tp ? tp : "(end)", num);
		}
		if (nn > TEXT_NEXT)
			fprintf(out, ", %zu more", nn - TEXT_NEXT);
		fputs("\n", out);
	}
}

void
tp_cli_funnel_text(FILE *out, const tp_funnel_state *st)
{
	const char *field = tp_funnel_state_breakdown(st);
	size_t k, n, step = 0;

	fputs("Funnel: ", out);
	settings_text(out, st);
	if (field) {
		tp_funnel_attribution a = tp_funnel_state_breakdown_attribution(st, &step);

		fputs("\nAll customers:\n", out);
		table_text(out, st, TP_FUNNEL_ALL_GROUPS);
		n = tp_funnel_state_group_count(st);
		for (k = 0; k < n; k++) {
			const char *label = tp_funnel_state_group_label(st, k);

			fprintf(out, "\n%s = %s (%s", field, label ? label : "(no value)",
				tp_funnel_attribution_name(a));
			if (a == TP_FUNNEL_ATTRIBUTION_STEP)
				fprintf(out, " %zu", step);
			fputs("):\n", out);
			table_text(out, st, k);
		}
	} else {
		fputs("\n", out);
		table_text(out, st, TP_FUNNEL_ALL_GROUPS);
	}
	fputs("\nDROPPED: reached the previous step but not this one. DROPPED WENT TO:\n"
	      "the touchpoint they went to next instead; (end): the journey ended.\n", out);
}
