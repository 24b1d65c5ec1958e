/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "attribution-output.h"
#include "format.h"

static void
nl(FILE *out, int indent)
{
	putc('\n', out);
	for (; indent > 0; indent--)
		putc(' ', out);
}

static const char *
by_name(const tp_attribution *a)
{
	const char *s = tp_attribution_by_name(tp_attribution_get_by(a));

	return s ? s : "unknown";
}

static const char *
model_name(const tp_attribution *a)
{
	return tp_attribution_model_name(tp_attribution_get_model(a));
}

/* ---- JSON ---- */

void
tp_cli_attribution_json(FILE *out, const tp_paths *p, tp_attribution *const *res,
			size_t n, int indent)
{
	size_t m, i;

	fputs("{", out);
	nl(out, indent + 2);
	fputs("\"total_conversions\": ", out);
	tp_fmt_json_number(out, tp_paths_total_conversions(p));
	fputs(",", out);
	nl(out, indent + 2);
	fputs("\"total_value\": ", out);
	tp_fmt_json_number(out, tp_paths_total_value(p));
	fputs(",", out);
	nl(out, indent + 2);
	fputs("\"models\": [", out);
	for (m = 0; m < n; m++) {
		const tp_attribution *a = res[m];
		bool markov = tp_attribution_get_model(a) == TP_ATTRIBUTION_MARKOV;

		fputs(m ? "," : "", out);
		nl(out, indent + 4);
		fputs("{", out);
		nl(out, indent + 6);
		fprintf(out, "\"model\": \"%s\",", model_name(a));
		nl(out, indent + 6);
		fprintf(out, "\"by\": \"%s\",", by_name(a));
		if (markov) {
			nl(out, indent + 6);
			fprintf(out, "\"order\": %d,", tp_attribution_get_order(a));
			nl(out, indent + 6);
			fputs("\"conversion_probability\": ", out);
			tp_fmt_json_number(out, tp_attribution_conversion_probability(a));
			fputs(",", out);
		}
		nl(out, indent + 6);
		fputs("\"items\": [", out);
		for (i = 0; i < tp_attribution_item_count(a); i++) {
			fputs(i ? "," : "", out);
			nl(out, indent + 8);
			fputs("{\"id\": ", out);
			tp_fmt_json_string(out, tp_attribution_item_id(a, i));
			fputs(", \"conversions\": ", out);
			tp_fmt_json_number(out, tp_attribution_conversions(a, i));
			fputs(", \"value\": ", out);
			tp_fmt_json_number(out, tp_attribution_value(a, i));
			fputs(", \"share\": ", out);
			tp_fmt_json_number(out, tp_attribution_share(a, i));
			if (markov) {
				fputs(", \"removal_effect\": ", out);
				tp_fmt_json_number(out, tp_attribution_removal_effect(a, i));
				fputs(", \"value_removal_effect\": ", out);
				tp_fmt_json_number(out, tp_attribution_value_removal_effect(a, i));
			}
			fputs("}", out);
		}
		if (tp_attribution_item_count(a))
			nl(out, indent + 6);
		fputs("]", out);
		if (markov && tp_attribution_transition_count(a)) {
			fputs(",", out);
			nl(out, indent + 6);
			fputs("\"transitions\": [", out);
			for (i = 0; i < tp_attribution_transition_count(a); i++) {
				size_t f, t;
				double w, pr;

				tp_attribution_transition(a, i, &f, &t, &w, &pr);
				fputs(i ? "," : "", out);
				nl(out, indent + 8);
				fputs("{\"from\": ", out);
				tp_fmt_json_string(out, tp_attribution_state_name(a, f));
				fputs(", \"to\": ", out);
				tp_fmt_json_string(out, tp_attribution_state_name(a, t));
				fputs(", \"weight\": ", out);
				tp_fmt_json_number(out, w);
				fputs(", \"probability\": ", out);
				tp_fmt_json_number(out, pr);
				fputs("}", out);
			}
			nl(out, indent + 6);
			fputs("]", out);
		}
		nl(out, indent + 4);
		fputs("}", out);
	}
	if (n)
		nl(out, indent + 2);
	fputs("]", out);
	nl(out, indent);
	fputs("}", out);
}

/* ---- CSV ---- */

void
tp_cli_attribution_csv(FILE *out, tp_attribution *const *res, size_t n)
{
	size_t m, i;

	fputs("model,by,id,conversions,value,share,removal_effect\n", out);
	for (m = 0; m < n; m++) {
		const tp_attribution *a = res[m];

		for (i = 0; i < tp_attribution_item_count(a); i++) {
			fprintf(out, "%s,%s,", model_name(a), by_name(a));
			tp_fmt_csv_field(out, tp_attribution_item_id(a, i));
			putc(',', out);
			tp_fmt_csv_number(out, tp_attribution_conversions(a, i));
			putc(',', out);
			tp_fmt_csv_number(out, tp_attribution_value(a, i));
			putc(',', out);
			tp_fmt_csv_number(out, tp_attribution_share(a, i));
			putc(',', out);
			if (tp_attribution_get_model(a) == TP_ATTRIBUTION_MARKOV)
				tp_fmt_csv_number(out, tp_attribution_removal_effect(a, i));
			putc('\n', out);
		}
	}
}

/* ---- text ---- */

static int
name_width(const tp_attribution *a, const char *title)
{
	size_t i;
	int w = tp_fmt_width(title);

	for (i = 0; i < tp_attribution_item_count(a); i++)
		if (tp_fmt_width(tp_attribution_item_id(a, i)) > w)
			w = tp_fmt_width(tp_attribution_item_id(a, i));
	return w;
}

static void
upper(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		buf[i] = (char)toupper((unsigned char)s[i]);
	buf[i] = '\0';
}

static void
transitions_text(FILE *out, const tp_attribution *a)
{
	size_t i;
	int w = 4;

	for (i = 0; i < tp_attribution_state_count(a); i++)
		if (tp_fmt_width(tp_attribution_state_name(a, i)) > w)
			w = tp_fmt_width(tp_attribution_state_name(a, i));
	fprintf(out, "\n  Transitions (%zu states, %zu transitions):\n",
		tp_attribution_state_count(a), tp_attribution_transition_count(a));
	fputs("    ", out);
	tp_fmt_pad(out, "FROM", w);
	fputs("  ", out);
	tp_fmt_pad(out, "TO", w);
	fprintf(out, "  %12s  %11s\n", "WEIGHT", "PROBABILITY");
	for (i = 0; i < tp_attribution_transition_count(a); i++) {
		size_t f, t;
		double wt, pr;

		tp_attribution_transition(a, i, &f, &t, &wt, &pr);
		fputs("    ", out);
		tp_fmt_pad(out, tp_attribution_state_name(a, f), w);
		fputs("  ", out);
		tp_fmt_pad(out, tp_attribution_state_name(a, t), w);
		fprintf(out, "  %12.6g  %11.6f\n", wt, pr);
	}
}

/* One model: a table of its items. */
static void
text_one(FILE *out, const tp_attribution *a)
{
	bool markov = tp_attribution_get_model(a) == TP_ATTRIBUTION_MARKOV;
	char title[64];
	size_t i;
	int w;

	upper(by_name(a), title, sizeof(title));
	w = name_width(a, title);
	fprintf(out, "\n%s", model_name(a));
	if (markov)
		fprintf(out, " (order %d, P(conversion) = %.6f)", tp_attribution_get_order(a),
			tp_attribution_conversion_probability(a));
	fputs("\n  ", out);
	tp_fmt_pad(out, title, w);
	fprintf(out, "  %14s  %16s  %7s", "CONVERSIONS", "VALUE", "SHARE");
	if (markov)
		fprintf(out, "  %14s  %14s", "REMOVAL_EFFECT", "VALUE_REMOVAL");
	fputs("\n", out);
	for (i = 0; i < tp_attribution_item_count(a); i++) {
		fputs("  ", out);
		tp_fmt_pad(out, tp_attribution_item_id(a, i), w);
		fprintf(out, "  %14.6f  %16.6f  %6.2f%%",
			tp_attribution_conversions(a, i) + 0.0,
			tp_attribution_value(a, i) + 0.0,
			100 * tp_attribution_share(a, i) + 0.0);
		if (markov)
			fprintf(out, "  %14.6f  %14.6f",
				tp_attribution_removal_effect(a, i) + 0.0,
				tp_attribution_value_removal_effect(a, i) + 0.0);
		fputs("\n", out);
	}
	fputs("  ", out);
	tp_fmt_pad(out, "total", w);
	fprintf(out, "  %14.6f  %16.6f\n", tp_attribution_total_conversions(a),
		tp_attribution_total_value(a));
	if (markov && tp_attribution_transition_count(a))
		transitions_text(out, a);
}

static int
column_width(const tp_attribution *a)
{
	int w = tp_fmt_width(model_name(a));

	return w > 10 ? w : 10;
}

void
tp_cli_attribution_side_by_side(FILE *out, tp_attribution *const *res, size_t n)
{
	static const char *const what[2] = { "Conversions", "Value" };
	char title[64];
	size_t m, i, k;
	int w;

	if (n == 0)
		return;
	upper(by_name(res[0]), title, sizeof(title));
	w = name_width(res[0], title);
	for (k = 0; k < 2; k++) {
		fprintf(out, "\n%s by %s:\n  ", what[k], by_name(res[0]));
		tp_fmt_pad(out, title, w);
		for (m = 0; m < n; m++) {
			fputs("  ", out);
			tp_fmt_rpad(out, model_name(res[m]), column_width(res[m]));
		}
		fputs("\n", out);
		for (i = 0; i <= tp_attribution_item_count(res[0]); i++) {
			bool total = i == tp_attribution_item_count(res[0]);

			fputs("  ", out);
			tp_fmt_pad(out, total ? "total" : tp_attribution_item_id(res[0], i), w);
			for (m = 0; m < n; m++) {
				const tp_attribution *a = res[m];
				double x;

				if (total)
					x = k ? tp_attribution_total_value(a)
					      : tp_attribution_total_conversions(a);
				else
					x = k ? tp_attribution_value(a, i)
					      : tp_attribution_conversions(a, i);
				fprintf(out, "  %*.*f", column_width(a), k ? 2 : 4, x + 0.0);
			}
			fputs("\n", out);
		}
	}
	for (m = 0; m < n; m++)
		if (tp_attribution_get_model(res[m]) == TP_ATTRIBUTION_MARKOV &&
		    tp_attribution_item_count(res[m])) {
			const tp_attribution *a = res[m];

			int at = 2;

			fprintf(out, "\nMarkov (order %d): P(conversion) = %.6f; removal "
				"effects:\n  ", tp_attribution_get_order(a),
				tp_attribution_conversion_probability(a));
			for (i = 0; i < tp_attribution_item_count(a); i++) {
				const char *id = tp_attribution_item_id(a, i);
				int len = tp_fmt_width(id) + 11;

				if (i && at + len > 78) {
					fputs(",\n  ", out);
					at = 2;
				} else if (i) {
					fputs(", ", out);
				}
				fprintf(out, "%s %.6f", id,
					tp_attribution_removal_effect(a, i) + 0.0);
				at += len;
			}
			fputs("\n", out);
			if (tp_attribution_transition_count(a))
				transitions_text(out, a);
		}
}

void
tp_cli_attribution_text(FILE *out, const tp_paths *p, tp_attribution *const *res,
			size_t n)
{
	fprintf(out, "Attribution by %s: %zu distinct paths (%zu rows), %zu items, "
		"%.12g conversions, %.12g nulls, value %.12g\n",
		tp_attribution_by_name(tp_paths_by(p)), tp_paths_count(p),
		tp_paths_row_count(p), tp_paths_item_count(p),
		tp_paths_total_conversions(p) + 0.0, tp_paths_total_nulls(p) + 0.0,
		tp_paths_total_value(p) + 0.0);
	if (n == 1)
		text_one(out, res[0]);
	else
		tp_cli_attribution_side_by_side(out, res, n);
}
