/* SPDX-License-Identifier: MIT */
/*
 * touchpoint attribute: run attribution models on paths to conversion and
 * print the credit of every channel (or touchpoint, stage...) as JSON,
 * text or CSV.
 *
 * The command has three steps: parse the options, get a path set
 * (load_paths(): today from path tables given with --paths; journeys read
 * from NDJSON files will be a second source feeding the same tp_paths),
 * then run each model and print.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

#define CMD "attribute"

static void
attribute_usage(FILE *out)
{
	fprintf(out,
		"Usage: touchpoint attribute --paths FILE.csv [--paths FILE.csv...]\n"
		"                            [--model MODEL] [OPTIONS]\n"
		"\n"
		"Attribute conversions and their value to the items of paths to\n"
		"conversion (channels by default) with one or more models. The input\n"
		"is a path table: CSV with a header naming the columns path (items\n"
		"separated by ' > '), conversions, nulls (journeys that did not\n"
		"convert, optional) and value (optional). Several tables are merged.\n"
		"\n"
		"Options:\n"
		"  --model MODEL        first, last, last_non_direct, linear, time_decay,\n"
		"                       position, markov, shapley, shapley_simple, a\n"
		"                       comma-separated list, or all (default: all; all\n"
		"                       skips time_decay, with a note, on untimed paths)\n"
		"  --order K            Markov order, 1 to 4 (default 1)\n"
		"  --transitions        print the Markov transition matrix (json, text)\n"
		"  --by DIM             what the items are: channel (default),\n"
		"                       channel_group, touchpoint, stage, source\n"
		"  --half-life TIME     time_decay half-life: a number and a unit ms, s,\n"
		"                       m, h, d or w (default 7d; a bare number is days)\n"
		"  --exclude NAME       last_non_direct: the item to skip (default Direct)\n"
		"  --first-share X      position: share of the first touch (default 0.4)\n"
		"  --last-share X       position: share of the last touch (default 0.4)\n"
		"  --paths FILE.csv     a path table (required; repeat to merge tables)\n"
		"  --separator TEXT     between the items of a path (default ' > ')\n"
		"  --path-column NAME, --conversions-column NAME, --nulls-column NAME,\n"
		"  --value-column NAME  the header names of the columns\n"
		"  --format FORMAT      json (default), text or csv\n"
		"  -h, --help           show this help\n"
		"\n"
		"Every model gives each item its attributed conversions, value and share\n"
		"of conversions; markov also the removal effect. The attributed totals\n"
		"equal the input totals. Definitions: docs/attribution.md.\n"
		"\n"
		"Exit status: 0 success, 2 usage error or unreadable or invalid path\n"
		"table (each fault is printed as FILE:LINE:COL: message).\n");
}

struct options {
	tp_attribution_model models[TP_ATTRIBUTION_MODEL_LAST];
	size_t n_models;
	bool all;
	const char *format;
	tp_attribution_options attr;
	tp_path_table_options table;
	const char **paths;
	size_t n_paths;
	const char **inputs;     /* NDJSON journeys: not available yet */
	size_t n_inputs;
};

/* ---- option values ---- */

static int
parse_models(const char *s, struct options *o)
{
	const char *p = s;

	o->n_models = 0;
	o->all = false;
	if (strcmp(s, "all") == 0) {
		int m;

		o->all = true;
		for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++)
			o->models[o->n_models++] = (tp_attribution_model)m;
		return 0;
	}
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char name[64];
		tp_attribution_model m;
		size_t k;

		if (len == 0 || len >= sizeof(name))
			return tp_cli_usage_error(CMD, "bad --model '%s'", s);
		memcpy(name, p, len);
		name[len] = '\0';
		if (tp_attribution_model_parse(name, &m) != TP_OK)
			return tp_cli_usage_error(CMD,
				"unknown model '%s' (expected first, last, last_non_direct, "
				"linear, time_decay, position, markov, shapley, "
				"shapley_simple or all)", name);
		for (k = 0; k < o->n_models; k++)
			if (o->models[k] == m)
				break;
		if (k == o->n_models)
			o->models[o->n_models++] = m;
		p += len;
		if (*p == ',')
			p++;
	}
	if (o->n_models == 0)
		return tp_cli_usage_error(CMD, "bad --model '%s'", s);
	return 0;
}

/* "7d", "36h", "90m", "1.5w", "3600s", "500ms"; a bare number is days. */
static int
parse_duration(const char *s, int64_t *ms)
{
	char *end;
	double v, unit = 86400e3;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !(v > 0))
		return -1;
	if (strcmp(end, "ms") == 0)
		unit = 1;
	else if (strcmp(end, "s") == 0)
		unit = 1e3;
	else if (strcmp(end, "m") == 0)
		unit = 60e3;
	else if (strcmp(end, "h") == 0)
		unit = 3600e3;
	else if (strcmp(end, "d") == 0 || *end == '\0')
		unit = 86400e3;
	else if (strcmp(end, "w") == 0)
		unit = 7 * 86400e3;
	else
		return -1;
	if (v * unit < 1 || v * unit > 9e15)
		return -1;
	*ms = (int64_t)(v * unit + 0.5);
	return 0;
}

static int
parse_share(const char *name, const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end || errno || !(*out >= 0 && *out <= 1))
		return tp_cli_usage_error(CMD, "%s wants a number from 0 to 1, not '%s'",
					  name, s);
	return 0;
}

static int
push(const char ***arr, size_t *n, const char *s)
{
	const char **a = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!a)
		return tp_cli_usage_error(CMD, "out of memory");
	a[(*n)++] = s;
	*arr = a;
	return 0;
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	const char *model = "all", *order = NULL, *by = NULL, *half = NULL,
		*first = NULL, *last = NULL, *path = NULL;
	int i = 1;

	while (i < argc) {
		int r;

		if (tp_cli_is_help(argv[i])) {
			attribute_usage(stdout);
			return 1;
		}
		if (strcmp(argv[i], "--transitions") == 0) {
			o->attr.transitions = 1;
			i++;
			continue;
		}
		if ((r = tp_cli_option(CMD, argc, argv, &i, "--model", &model)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--order", &order)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--by", &by)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--half-life", &half)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--exclude", &o->attr.excluded)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--first-share", &first)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--last-share", &last)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--separator", &o->table.separator)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--path-column", &o->table.path_column)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--conversions-column",
				       &o->table.conversions_column)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--nulls-column", &o->table.nulls_column)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--value-column", &o->table.value_column)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--format", &o->format))) {
			if (r < 0)
				return -1;
			continue;
		}
		if ((r = tp_cli_option(CMD, argc, argv, &i, "--paths", &path)) != 0) {
			if (r < 0 || push(&o->paths, &o->n_paths, path))
				return -1;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			tp_cli_usage_error(CMD, "unknown option '%s'", argv[i]);
			return -1;
		}
		if (push(&o->inputs, &o->n_inputs, argv[i]))
			return -1;
		i++;
	}
	if (parse_models(model, o))
		return -1;
	if (order) {
		char *end;
		long k = strtol(order, &end, 10);

		if (end == order || *end || k < 1 || k > TP_ATTRIBUTION_MAX_ORDER) {
			tp_cli_usage_error(CMD, "--order wants 1 to %d, not '%s'",
					   TP_ATTRIBUTION_MAX_ORDER, order);
			return -1;
		}
		o->attr.order = (int)k;
	}
	if (by && tp_attribution_by_parse(by, &o->table.by) != TP_OK) {
		tp_cli_usage_error(CMD, "unknown --by '%s' (expected channel, "
				   "channel_group, touchpoint, stage or source)", by);
		return -1;
	}
	if (half && parse_duration(half, &o->attr.half_life_ms)) {
		tp_cli_usage_error(CMD, "bad --half-life '%s' (expected a positive "
				   "number and ms, s, m, h, d or w, such as 7d)", half);
		return -1;
	}
	if ((first && parse_share("--first-share", first, &o->attr.first_share)) ||
	    (last && parse_share("--last-share", last, &o->attr.last_share)))
		return -1;
	if (o->attr.first_share + o->attr.last_share > 1) {
		tp_cli_usage_error(CMD, "--first-share and --last-share add up to more than 1");
		return -1;
	}
	if (o->table.separator && !*o->table.separator) {
		tp_cli_usage_error(CMD, "--separator must not be empty");
		return -1;
	}
	if (strcmp(o->format, "json") && strcmp(o->format, "text") &&
	    strcmp(o->format, "csv")) {
		tp_cli_usage_error(CMD, "unknown format '%s' (expected json, text or csv)",
				   o->format);
		return -1;
	}
	if (o->attr.transitions && strcmp(o->format, "csv") == 0) {
		tp_cli_usage_error(CMD, "--transitions needs --format json or text");
		return -1;
	}
	if (o->n_inputs) {
		tp_cli_usage_error(CMD, "reading journeys from NDJSON files ('%s') is "
				   "not available yet; give a path table with --paths "
				   "FILE.csv", o->inputs[0]);
		return -1;
	}
	if (o->n_paths == 0) {
		tp_cli_usage_error(CMD, "missing --paths FILE.csv (the path table to "
				   "attribute; see --help)");
		return -1;
	}
	return 0;
}

/* ---- input ---- */

/* The path set to attribute: every --paths table, merged. Journeys from
 * NDJSON inputs will be added here. */
static int
load_paths(const struct options *o, tp_paths **out)
{
	tp_paths *all = NULL;
	tp_error *err = tp_error_new();
	size_t k;
	int rc = TP_EXIT_OK;

	if (!err)
		return tp_cli_fail(CMD, "cannot read the paths", TP_ENOMEM, NULL);
	for (k = 0; k < o->n_paths && rc == TP_EXIT_OK; k++) {
		tp_paths *p = NULL;
		tp_status st = tp_paths_load_csv_file(o->paths[k], &o->table, &p, err);

		if (st) {
			rc = tp_cli_fail(CMD, o->paths[k], st, err);
			break;
		}
		if (!all) {
			all = p;
			continue;
		}
		st = tp_paths_merge(all, p);
		tp_paths_free(p);
		if (st)
			rc = tp_cli_fail(CMD, o->paths[k], st, NULL);
	}
	tp_error_free(err);
	if (rc != TP_EXIT_OK) {
		tp_paths_free(all);
		return rc;
	}
	*out = all;
	return TP_EXIT_OK;
}

/* ---- output ---- */

/* Numbers: 12 significant digits, so that results are stable across
 * compilers; -0 prints as 0, non-finite numbers as null. */
static void
json_number(double x)
{
	if (!isfinite(x)) {
		fputs("null", stdout);
		return;
	}
	if (x == 0)
		x = 0;
	printf("%.12g", x);
}

static void
json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
csv_field(const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static const char *
by_name(const tp_attribution *a)
{
	const char *s = tp_attribution_by_name(tp_attribution_get_by(a));

	return s ? s : "unknown";
}

static void
print_json(const tp_paths *p, tp_attribution *const *res, size_t n)
{
	size_t m, i;

	printf("{\n  \"total_conversions\": ");
	json_number(tp_paths_total_conversions(p));
	printf(",\n  \"total_value\": ");
	json_number(tp_paths_total_value(p));
	printf(",\n  \"models\": [");
	for (m = 0; m < n; m++) {
		const tp_attribution *a = res[m];
		bool markov = tp_attribution_get_model(a) == TP_ATTRIBUTION_MARKOV;

		printf("%s\n    {\n      \"model\": \"%s\",\n      \"by\": \"%s\",\n",
		       m ? "," : "", tp_attribution_model_name(tp_attribution_get_model(a)),
		       by_name(a));
		if (markov) {
			printf("      \"order\": %d,\n      \"conversion_probability\": ",
			       tp_attribution_get_order(a));
			json_number(tp_attribution_conversion_probability(a));
			printf(",\n");
		}
		printf("      \"items\": [");
		for (i = 0; i < tp_attribution_item_count(a); i++) {
			printf("%s\n        {\"id\": ", i ? "," : "");
			json_string(tp_attribution_item_id(a, i));
			printf(", \"conversions\": ");
			json_number(tp_attribution_conversions(a, i));
			printf(", \"value\": ");
			json_number(tp_attribution_value(a, i));
			printf(", \"share\": ");
			json_number(tp_attribution_share(a, i));
			if (markov) {
				printf(", \"removal_effect\": ");
				json_number(tp_attribution_removal_effect(a, i));
				printf(", \"value_removal_effect\": ");
				json_number(tp_attribution_value_removal_effect(a, i));
			}
			printf("}");
		}
		printf("%s]", tp_attribution_item_count(a) ? "\n      " : "");
		if (markov && tp_attribution_transition_count(a)) {
			printf(",\n      \"transitions\": [");
			for (i = 0; i < tp_attribution_transition_count(a); i++) {
				size_t f, t;
				double w, pr;

				tp_attribution_transition(a, i, &f, &t, &w, &pr);
				printf("%s\n        {\"from\": ", i ? "," : "");
				json_string(tp_attribution_state_name(a, f));
				printf(", \"to\": ");
				json_string(tp_attribution_state_name(a, t));
				printf(", \"weight\": ");
				json_number(w);
				printf(", \"probability\": ");
				json_number(pr);
				printf("}");
			}
			printf("\n      ]");
		}
		printf("\n    }");
	}
	printf("%s]\n}\n", n ? "\n  " : "");
}

static void
print_csv(tp_attribution *const *res, size_t n)
{
	size_t m, i;

	printf("model,by,id,conversions,value,share,removal_effect\n");
	for (m = 0; m < n; m++) {
		const tp_attribution *a = res[m];

		for (i = 0; i < tp_attribution_item_count(a); i++) {
			printf("%s,%s,", tp_attribution_model_name(tp_attribution_get_model(a)),
			       by_name(a));
			csv_field(tp_attribution_item_id(a, i));
			printf(",%.12g,%.12g,%.12g,", tp_attribution_conversions(a, i) + 0.0,
			       tp_attribution_value(a, i) + 0.0,
			       tp_attribution_share(a, i) + 0.0);
			if (tp_attribution_get_model(a) == TP_ATTRIBUTION_MARKOV)
				printf("%.12g", tp_attribution_removal_effect(a, i) + 0.0);
			printf("\n");
		}
	}
}

static int
name_width(const tp_attribution *a, const char *title)
{
	size_t i, w = strlen(title);

	for (i = 0; i < tp_attribution_item_count(a); i++)
		if (strlen(tp_attribution_item_id(a, i)) > w)
			w = strlen(tp_attribution_item_id(a, i));
	return (int)w;
}

static void
upper(const char *s, char *out, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[i] = '\0';
}

static void
print_transitions_text(const tp_attribution *a)
{
	size_t i, w = 4;

	for (i = 0; i < tp_attribution_state_count(a); i++)
		if (strlen(tp_attribution_state_name(a, i)) > w)
			w = strlen(tp_attribution_state_name(a, i));
	printf("\n  Transitions (%zu states, %zu transitions):\n",
	       tp_attribution_state_count(a), tp_attribution_transition_count(a));
	printf("    %-*s  %-*s  %12s  %11s\n", (int)w, "FROM", (int)w, "TO",
	       "WEIGHT", "PROBABILITY");
	for (i = 0; i < tp_attribution_transition_count(a); i++) {
		size_t f, t;
		double wt, pr;

		tp_attribution_transition(a, i, &f, &t, &wt, &pr);
		printf("    %-*s  %-*s  %12.6g  %11.6f\n", (int)w,
		       tp_attribution_state_name(a, f), (int)w,
		       tp_attribution_state_name(a, t), wt, pr);
	}
}

/* One model: a table of its items. */
static void
print_text_one(const tp_attribution *a)
{
	bool markov = tp_attribution_get_model(a) == TP_ATTRIBUTION_MARKOV;
	char title[64];
	int w;
	size_t i;

	upper(by_name(a), title, sizeof(title));
	w = name_width(a, title);
	printf("\n%s", tp_attribution_model_name(tp_attribution_get_model(a)));
	if (markov)
		printf(" (order %d, P(conversion) = %.6f)", tp_attribution_get_order(a),
		       tp_attribution_conversion_probability(a));
	printf("\n  %-*s  %14s  %16s  %7s", w, title, "CONVERSIONS", "VALUE", "SHARE");
	if (markov)
		printf("  %14s  %14s", "REMOVAL_EFFECT", "VALUE_REMOVAL");
	printf("\n");
	for (i = 0; i < tp_attribution_item_count(a); i++) {
		printf("  %-*s  %14.6f  %16.6f  %6.2f%%", w, tp_attribution_item_id(a, i),
		       tp_attribution_conversions(a, i) + 0.0,
		       tp_attribution_value(a, i) + 0.0,
		       100 * tp_attribution_share(a, i) + 0.0);
		if (markov)
			printf("  %14.6f  %14.6f", tp_attribution_removal_effect(a, i) + 0.0,
			       tp_attribution_value_removal_effect(a, i) + 0.0);
		printf("\n");
	}
	printf("  %-*s  %14.6f  %16.6f\n", w, "total",
	       tp_attribution_total_conversions(a), tp_attribution_total_value(a));
	if (markov && tp_attribution_transition_count(a))
		print_transitions_text(a);
}

/* Several models: conversions, then value, side by side. */
static void
print_text_side_by_side(tp_attribution *const *res, size_t n)
{
	static const char *what[2] = { "Conversions", "Value" };
	char title[64];
	size_t m, i, k;
	int w;

	upper(by_name(res[0]), title, sizeof(title));
	w = name_width(res[0], title);
	for (k = 0; k < 2; k++) {
		printf("\n%s by %s:\n  %-*s", what[k], by_name(res[0]), w, title);
		for (m = 0; m < n; m++) {
			const char *name = tp_attribution_model_name(tp_attribution_get_model(res[m]));
			int cw = strlen(name) > 12 ? (int)strlen(name) : 12;

			printf("  %*s", cw, name);
		}
		printf("\n");
		for (i = 0; i <= tp_attribution_item_count(res[0]); i++) {
			bool total = i == tp_attribution_item_count(res[0]);

			printf("  %-*s", w, total ? "total" : tp_attribution_item_id(res[0], i));
			for (m = 0; m < n; m++) {
				const tp_attribution *a = res[m];
				const char *name = tp_attribution_model_name(tp_attribution_get_model(a));
				int cw = strlen(name) > 12 ? (int)strlen(name) : 12;
				double x;

				if (total)
					x = k ? tp_attribution_total_value(a)
						: tp_attribution_total_conversions(a);
				else
					x = k ? tp_attribution_value(a, i)
						: tp_attribution_conversions(a, i);
				printf("  %*.*f", cw, k ? 2 : 4, x + 0.0);
			}
			printf("\n");
		}
	}
	for (m = 0; m < n; m++)
		if (tp_attribution_get_model(res[m]) == TP_ATTRIBUTION_MARKOV) {
			const tp_attribution *a = res[m];

			printf("\nMarkov (order %d): P(conversion) = %.6f; removal effects:",
			       tp_attribution_get_order(a),
			       tp_attribution_conversion_probability(a));
			for (i = 0; i < tp_attribution_item_count(a); i++)
				printf(" %s %.6f", tp_attribution_item_id(a, i),
				       tp_attribution_removal_effect(a, i) + 0.0);
			printf("\n");
			if (tp_attribution_transition_count(a))
				print_transitions_text(a);
		}
}

static void
print_text(const tp_paths *p, tp_attribution *const *res, size_t n)
{
	printf("Attribution by %s: %zu distinct paths (%zu rows), %zu items, "
	       "%.12g conversions, %.12g nulls, value %.12g\n",
	       tp_attribution_by_name(tp_paths_by(p)), tp_paths_count(p),
	       tp_paths_row_count(p), tp_paths_item_count(p),
	       tp_paths_total_conversions(p), tp_paths_total_nulls(p),
	       tp_paths_total_value(p));
	if (n == 1) {
		print_text_one(res[0]);
		return;
	}
	print_text_side_by_side(res, n);
}

/* ---- the command ---- */

int
tp_cmd_attribute(int argc, char **argv)
{
	struct options o;
	tp_attribution_options attr_init = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_path_table_options table_init = TP_PATH_TABLE_OPTIONS_INIT;
	tp_attribution *res[TP_ATTRIBUTION_MODEL_LAST];
	tp_paths *paths = NULL;
	size_t n = 0, k;
	int rc;

	memset(&o, 0, sizeof(o));
	o.format = "json";
	o.attr = attr_init;
	o.table = table_init;
	rc = parse_args(argc, argv, &o);
	if (rc) {
		free(o.paths);
		free(o.inputs);
		return rc > 0 ? TP_EXIT_OK : TP_EXIT_USAGE;
	}
	rc = load_paths(&o, &paths);
	free(o.paths);
	free(o.inputs);
	if (rc)
		return rc;
	for (k = 0; k < o.n_models; k++) {
		tp_attribution_model m = o.models[k];
		tp_error *err;
		tp_status st;

		if (m == TP_ATTRIBUTION_TIME_DECAY && o.all && !tp_paths_timed(paths)) {
			fprintf(stderr, "touchpoint attribute: note: time_decay skipped: "
				"the paths carry no touch times (a path table has none)\n");
			continue;
		}
		err = tp_error_new();
		st = err ? tp_attribution_compute(paths, m, &o.attr, &res[n], err)
			: TP_ENOMEM;
		if (st) {
			if (tp_error_count(err) && !tp_error_source(err, 0))
				rc = tp_cli_usage_error(CMD, "model %s: %s",
							tp_attribution_model_name(m),
							tp_error_message(err, 0));
			else
				rc = tp_cli_fail(CMD, tp_attribution_model_name(m), st, err);
			tp_error_free(err);
			break;
		}
		tp_error_free(err);
		n++;
	}
	if (rc == TP_EXIT_OK) {
		if (strcmp(o.format, "json") == 0)
			print_json(paths, res, n);
		else if (strcmp(o.format, "csv") == 0)
			print_csv(res, n);
		else
			print_text(paths, res, n);
	}
	for (k = 0; k < n; k++)
		tp_attribution_free(res[k]);
	tp_paths_free(paths);
	if (rc == TP_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
		return tp_cli_usage_error(CMD, "cannot write the output");
	return rc;
}
