/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "matrix-output.h"

#define NONE "(none)"

static const char *
label(const char *s)
{
	return s ? s : NONE;
}

static void
newline(FILE *out, int indent)
{
	putc('\n', out);
	for (; indent > 0; indent--)
		putc(' ', out);
}

void
tp_cli_matrix_json(FILE *out, const tp_matrix *m, int indent)
{
	size_t nr = tp_matrix_row_count(m), nc = tp_matrix_col_count(m), r, c;
	bool first = true;

	fputs("{", out);
	newline(out, indent + 2);
	fputs("\"rows_field\": ", out);
	tp_fmt_json_string(out, tp_matrix_rows_field(m));
	fputs(", \"cols_field\": ", out);
	tp_fmt_json_string(out, tp_matrix_cols_field(m));
	fputs(",", out);
	newline(out, indent + 2);
	fputs("\"rows\": [", out);
	for (r = 0; r < nr; r++) {
		fputs(r ? ", " : "", out);
		tp_fmt_json_string(out, tp_matrix_row_label(m, r));
	}
	fputs("],", out);
	newline(out, indent + 2);
	fputs("\"cols\": [", out);
	for (c = 0; c < nc; c++) {
		fputs(c ? ", " : "", out);
		tp_fmt_json_string(out, tp_matrix_col_label(m, c));
	}
	fputs("],", out);
	newline(out, indent + 2);
	fputs("\"cells\": [", out);
	for (r = 0; r < nr; r++)
		for (c = 0; c < nc; c++) {
			tp_matrix_cell x = TP_MATRIX_CELL_INIT;

			if (tp_matrix_cell_get(m, r, c, &x) || x.events == 0)
				continue;
			fputs(first ? "" : ",", out);
			first = false;
			newline(out, indent + 4);
			fputs("{\"row\": ", out);
			tp_fmt_json_string(out, tp_matrix_row_label(m, r));
			fputs(", \"col\": ", out);
			tp_fmt_json_string(out, tp_matrix_col_label(m, c));
			fprintf(out, ", \"events\": %llu, \"customers\": %llu, "
				"\"converted\": %llu, \"conversion_rate\": ",
				(unsigned long long)x.events,
				(unsigned long long)x.customers,
				(unsigned long long)x.converted);
			tp_fmt_json_number(out, x.conversion_rate);
			fprintf(out, ", \"scores\": %llu, \"mean_score\": ",
				(unsigned long long)x.scores);
			if (x.scores)
				tp_fmt_json_number(out, x.mean_score);
			else
				fputs("null", out);
			fputs("}", out);
		}
	if (!first)
		newline(out, indent + 2);
	fputs("]", out);
	newline(out, indent);
	fputs("}", out);
}

void
tp_cli_matrix_json_list(FILE *out, const tp_matrix *m, int indent)
{
	size_t nr = tp_matrix_row_count(m), r;
	uint64_t total = 0;

	for (r = 0; r < nr; r++) {
		tp_matrix_cell x = TP_MATRIX_CELL_INIT;

		tp_matrix_cell_get(m, r, 0, &x);
		total += x.events;
	}
	fputs("[", out);
	for (r = 0; r < nr; r++) {
		tp_matrix_cell x = TP_MATRIX_CELL_INIT;

		tp_matrix_cell_get(m, r, 0, &x);
		fputs(r ? "," : "", out);
		newline(out, indent + 2);
		fputs("{\"value\": ", out);
		tp_fmt_json_string(out, tp_matrix_row_label(m, r));
		fprintf(out, ", \"events\": %llu, \"share\": ", (unsigned long long)x.events);
		tp_fmt_json_number(out, total ? (double)x.events / (double)total : 0);
		fprintf(out, ", \"customers\": %llu, \"converted\": %llu, "
			"\"conversion_rate\": ", (unsigned long long)x.customers,
			(unsigned long long)x.converted);
		tp_fmt_json_number(out, x.conversion_rate);
		fprintf(out, ", \"scores\": %llu, \"mean_score\": ",
			(unsigned long long)x.scores);
		if (x.scores)
			tp_fmt_json_number(out, x.mean_score);
		else
			fputs("null", out);
		fputs("}", out);
	}
	if (nr)
		newline(out, indent);
	fputs("]", out);
}

void
tp_cli_matrix_csv(FILE *out, const tp_matrix *m)
{
	size_t nr = tp_matrix_row_count(m), nc = tp_matrix_col_count(m), r, c;

	tp_fmt_csv_field(out, tp_matrix_rows_field(m));
	putc(',', out);
	tp_fmt_csv_field(out, tp_matrix_cols_field(m));
	fputs(",events,customers,converted,conversion_rate,scores,mean_score\n", out);
	for (r = 0; r < nr; r++)
		for (c = 0; c < nc; c++) {
			tp_matrix_cell x = TP_MATRIX_CELL_INIT;

			if (tp_matrix_cell_get(m, r, c, &x) || x.events == 0)
				continue;
			tp_fmt_csv_field(out, tp_matrix_row_label(m, r));
			putc(',', out);
			tp_fmt_csv_field(out, tp_matrix_col_label(m, c));
			fprintf(out, ",%llu,%llu,%llu,", (unsigned long long)x.events,
				(unsigned long long)x.customers,
				(unsigned long long)x.converted);
			tp_fmt_csv_number(out, x.conversion_rate);
			fprintf(out, ",%llu,", (unsigned long long)x.scores);
			if (x.scores)
				tp_fmt_csv_number(out, x.mean_score);
			putc('\n', out);
		}
}

static void
upper(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		buf[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	buf[i] = '\0';
}

static int
row_width(const tp_matrix *m, const char *title)
{
	size_t r;
	int w = tp_fmt_width(title);

	for (r = 0; r < tp_matrix_row_count(m); r++)
		if (tp_fmt_width(label(tp_matrix_row_label(m, r))) > w)
			w = tp_fmt_width(label(tp_matrix_row_label(m, r)));
	return w;
}

enum metric { EVENTS, RATE, SCORE };

/* One cell of a grid as text; "." for an empty cell, "-" for a rate or
 * score without data. */
static const char *
cell_text(const tp_matrix_cell *x, enum metric what, char *buf, size_t size)
{
	if (x->events == 0)
		return ".";
	if (what == EVENTS)
		snprintf(buf, size, "%llu", (unsigned long long)x->events);
	else if (what == RATE)
		snprintf(buf, size, "%.0f%%", 100 * x->conversion_rate);
	else if (x->scores)
		snprintf(buf, size, "%.2f", x->mean_score);
	else
		return "-";
	return buf;
}

/* Column headers wider than this in total are replaced by numbers, with
 * a legend above the grid. */
#define GRID_MAX_WIDTH 100

static void
grid(FILE *out, const tp_matrix *m, enum metric what)
{
	size_t nr = tp_matrix_row_count(m), nc = tp_matrix_col_count(m), r, c;
	int *w = calloc(nc ? nc : 1, sizeof(*w)), rw, total = 0;
	uint64_t *tot = calloc(nc + 1, sizeof(*tot));
	char title[64], num[32];
	bool numbered = false;

	if (!w || !tot) {
		free(w);
		free(tot);
		return;
	}
	upper(tp_matrix_rows_field(m), title, sizeof(title));
	rw = row_width(m, title);
	for (c = 0; c < nc; c++) {
		w[c] = tp_fmt_width(label(tp_matrix_col_label(m, c)));
		total += w[c] + 2;
	}
	if (rw + total > GRID_MAX_WIDTH) {
		numbered = true;
		int at = fprintf(out, "  %s:", tp_matrix_cols_field(m));

		for (c = 0; c < nc; c++) {
			char item[300];
			int n = snprintf(item, sizeof(item), " %zu %s%s", c + 1,
					 label(tp_matrix_col_label(m, c)),
					 c + 1 < nc ? "," : "");

			if (at + n > 78) {
				fputs("\n   ", out);
				at = 3;
			}
			fputs(item, out);
			at += n;
		}
		fputs("\n\n", out);
	}
	for (c = 0; c < nc; c++) {
		if (numbered) {
			snprintf(num, sizeof(num), "%zu", c + 1);
			w[c] = tp_fmt_width(num);
		}
		for (r = 0; r < nr; r++) {
			tp_matrix_cell x = TP_MATRIX_CELL_INIT;
			const char *t;

			tp_matrix_cell_get(m, r, c, &x);
			tot[c] += x.events;
			t = cell_text(&x, what, num, sizeof(num));
			if (tp_fmt_width(t) > w[c])
				w[c] = tp_fmt_width(t);
		}
		tot[nc] += tot[c];
		snprintf(num, sizeof(num), "%llu", (unsigned long long)tot[c]);
		if (what == EVENTS && tp_fmt_width(num) > w[c])
			w[c] = tp_fmt_width(num);
	}
	fputs("  ", out);
	tp_fmt_pad(out, title, rw);
	for (c = 0; c < nc; c++) {
		fputs("  ", out);
		if (numbered)
			snprintf(num, sizeof(num), "%zu", c + 1);
		tp_fmt_rpad(out, numbered ? num : label(tp_matrix_col_label(m, c)), w[c]);
	}
	fputs(what == EVENTS ? "  TOTAL\n" : "\n", out);
	for (r = 0; r < nr + (what == EVENTS); r++) {
		uint64_t sum = 0;

		fputs("  ", out);
		tp_fmt_pad(out, r < nr ? label(tp_matrix_row_label(m, r)) : "TOTAL", rw);
		for (c = 0; c < nc; c++) {
			tp_matrix_cell x = TP_MATRIX_CELL_INIT;

			if (r < nr)
				tp_matrix_cell_get(m, r, c, &x);
			else
				x.events = tot[c];
			sum += x.events;
			fputs("  ", out);
			tp_fmt_rpad(out, cell_text(&x, what, num, sizeof(num)), w[c]);
		}
		if (what == EVENTS)
			fprintf(out, "  %5llu", (unsigned long long)sum);
		fputs("\n", out);
	}
	free(w);
	free(tot);
}

static bool
has_scores(const tp_matrix *m)
{
	size_t r, c;

	for (r = 0; r < tp_matrix_row_count(m); r++)
		for (c = 0; c < tp_matrix_col_count(m); c++) {
			tp_matrix_cell x = TP_MATRIX_CELL_INIT;

			if (!tp_matrix_cell_get(m, r, c, &x) && x.scores)
				return true;
		}
	return false;
}

void
tp_cli_matrix_text_grids(FILE *out, const tp_matrix *m)
{
	fprintf(out, "Events, %s by %s (. for none):\n\n", tp_matrix_rows_field(m),
		tp_matrix_cols_field(m));
	grid(out, m, EVENTS);
	fprintf(out, "\nConversion rate: of the customers with an event in the cell,\n"
		"those who converted then or later:\n\n");
	grid(out, m, RATE);
	if (has_scores(m)) {
		fprintf(out, "\nMean satisfaction score of the events that carry one\n"
			"(- for none):\n\n");
		grid(out, m, SCORE);
	}
}

static void
cells(FILE *out, const tp_matrix *m)
{
	size_t nr = tp_matrix_row_count(m), nc = tp_matrix_col_count(m), r, c;
	char rt[64], ct[64];
	int rw, cw;

	upper(tp_matrix_rows_field(m), rt, sizeof(rt));
	upper(tp_matrix_cols_field(m), ct, sizeof(ct));
	rw = row_width(m, rt);
	cw = tp_fmt_width(ct);
	for (c = 0; c < nc; c++)
		if (tp_fmt_width(label(tp_matrix_col_label(m, c))) > cw)
			cw = tp_fmt_width(label(tp_matrix_col_label(m, c)));
	fputs("  ", out);
	tp_fmt_pad(out, rt, rw);
	fputs("  ", out);
	tp_fmt_pad(out, ct, cw);
	fprintf(out, "  %8s  %9s  %9s  %6s  %10s\n", "EVENTS", "CUSTOMERS",
		"CONVERTED", "RATE", "MEAN SCORE");
	for (r = 0; r < nr; r++) {
		bool shown = false;

		for (c = 0; c < nc; c++) {
			tp_matrix_cell x = TP_MATRIX_CELL_INIT;
			char pct[32], score[32];

			if (tp_matrix_cell_get(m, r, c, &x) || x.events == 0)
				continue;
			fputs("  ", out);
			tp_fmt_pad(out, shown ? "" : label(tp_matrix_row_label(m, r)), rw);
			shown = true;
			fputs("  ", out);
			tp_fmt_pad(out, label(tp_matrix_col_label(m, c)), cw);
			if (x.scores)
				snprintf(score, sizeof(score), "%.2f", x.mean_score);
			else
				snprintf(score, sizeof(score), "-");
			fprintf(out, "  %8llu  %9llu  %9llu  %6s  %10s\n",
				(unsigned long long)x.events,
				(unsigned long long)x.customers,
				(unsigned long long)x.converted,
				tp_fmt_percent(x.conversion_rate, pct, sizeof(pct)), score);
		}
	}
}

void
tp_cli_matrix_text(FILE *out, const tp_matrix *m)
{
	tp_cli_matrix_text_grids(out, m);
	fprintf(out, "\nEvery cell: events, customers with an event there, those who\n"
		"converted then or later, their rate, and the mean satisfaction score:\n\n");
	cells(out, m);
}

void
tp_cli_matrix_text_list(FILE *out, const tp_matrix *m)
{
	size_t nr = tp_matrix_row_count(m), r;
	uint64_t total = 0;
	bool scores = false;
	char title[64];
	int rw;

	for (r = 0; r < nr; r++) {
		tp_matrix_cell x = TP_MATRIX_CELL_INIT;

		tp_matrix_cell_get(m, r, 0, &x);
		total += x.events;
		if (x.scores)
			scores = true;
	}
	upper(tp_matrix_rows_field(m), title, sizeof(title));
	rw = row_width(m, title);
	fputs("  ", out);
	tp_fmt_pad(out, title, rw);
	fprintf(out, "  %8s  %6s  %9s  %9s  %6s%s\n", "EVENTS", "SHARE", "CUSTOMERS",
		"CONVERTED", "RATE", scores ? "  MEAN SCORE" : "");
	for (r = 0; r < nr; r++) {
		tp_matrix_cell x = TP_MATRIX_CELL_INIT;
		char share[32], rate[32];

		tp_matrix_cell_get(m, r, 0, &x);
		fputs("  ", out);
		tp_fmt_pad(out, label(tp_matrix_row_label(m, r)), rw);
		fprintf(out, "  %8llu  %6s  %9llu  %9llu  %6s",
			(unsigned long long)x.events,
			tp_fmt_percent(total ? (double)x.events / (double)total : 0,
				       share, sizeof(share)),
			(unsigned long long)x.customers,
			(unsigned long long)x.converted,
			tp_fmt_percent(x.conversion_rate, rate, sizeof(rate)));
		if (scores) {
			if (x.scores)
				fprintf(out, "  %10.2f", x.mean_score);
			else
				fprintf(out, "  %10s", "-");
		}
		fputs("\n", out);
	}
	fputs("  ", out);
	tp_fmt_pad(out, "TOTAL", rw);
	fprintf(out, "  %8llu\n", (unsigned long long)total);
}
