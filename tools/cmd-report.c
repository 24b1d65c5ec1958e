/* SPDX-License-Identifier: MIT */
/*
 * touchpoint report: everything the source texts ask of a business's
 * touchpoints, from one run over the events: a summary, events by channel
 * group and by phase, the 7-stage funnel with drop-off, the touchpoint
 * matrix (channels by stages) and the attribution of the conversions to
 * the channels with every model side by side. Readable text (default) or
 * one JSON document. Each section is printed by the same code as the
 * command that computes it alone (funnel-output.h, matrix-output.h,
 * attribution-output.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attribution-output.h"
#include "cli.h"
#include "commands.h"
#include "format.h"
#include "funnel-output.h"
#include "journey-input.h"
#include "journey-paths.h"
#include "matrix-output.h"

#define CMD "report"

/* The models of the attribution section, in the order of their columns. */
static const tp_attribution_model models[] = {
	TP_ATTRIBUTION_FIRST, TP_ATTRIBUTION_LAST, TP_ATTRIBUTION_LAST_NON_DIRECT,
	TP_ATTRIBUTION_LINEAR, TP_ATTRIBUTION_TIME_DECAY, TP_ATTRIBUTION_POSITION,
	TP_ATTRIBUTION_MARKOV, TP_ATTRIBUTION_SHAPLEY,
};
#define N_MODELS (sizeof(models) / sizeof(models[0]))

static void
help(const struct tp_cli_input *in)
{
	printf(
"Usage: touchpoint report [--format text|json] [OPTIONS] [FILE...]\n"
"\n"
"Read events as NDJSON from the FILEs (or standard input, also with '-'),\n"
"classify them, build each customer's journey and report:\n"
"- a summary: events, customers, sessions, conversions and their value;\n"
"- events by channel group and by phase, with the customers who converted;\n"
"- the 7-stage funnel (or --funnel) with drop-off and where those who\n"
"  dropped went instead;\n"
"- the touchpoint matrix: channels by stages, events and conversion rates;\n"
"- attribution of the conversions to the channels (or --by) with the\n"
"  models first, last, last_non_direct, linear, time_decay, position,\n"
"  markov and shapley side by side.\n"
"\n"
"Options:\n"
"  --format FORMAT      text (default: aligned tables) or json (one document\n"
"                       with the sections summary, events_by_channel_group,\n"
"                       events_by_phase, funnel, matrix and attribution,\n"
"                       each as the command that computes it prints it)\n"
"  --funnel ID          the catalog funnel (default: seven_stage)\n"
"  --by DIM             attribution items: channel (default), channel_group,\n"
"                       touchpoint, stage or source\n"
"  --touches WHICH      the touches of the attribution paths: events\n"
"                       (default), sessions or touchpoints (as 'touchpoint\n"
"                       attribute')\n");
	tp_cli_input_help(in, stdout);
	printf(
"  -o, --output FILE    write to FILE instead of standard output\n"
"  -h, --help           show this help\n"
"\n"
"When stderr is a terminal and the input is large (65,536 lines or more),\n"
"a progress indicator there shows the lines read and the section being\n"
"computed.\n"
"\n"
"%s"
"\n"
"Exit status: 0 every line used, 1 some lines rejected (the report covers\n"
"the others), 2 usage error or invalid configuration file.\n",
	TP_CLI_INPUT_ABOUT);
}

struct report {
	const char *format;
	const char *funnel_id;
	tp_attribution_by by;
	tp_journey_path_options cut;
	bool tty;

	/* computed */
	tp_journey_store *store;
	tp_matrix *by_group, *by_phase, *matrix;
	tp_funnel_state *funnel;
	const char *funnel_name;
	tp_paths *paths;
	struct tp_cli_paths_stats path_stats;
	tp_attribution *res[N_MODELS];
	size_t n_res;

	/* summary */
	uint64_t sessions, conversions, converting_customers;
	double value;
	int64_t first_ms, last_ms;
};

static void
progress(const struct report *r, const char *what)
{
	if (!r->tty)
		return;
	if (what)
		fprintf(stderr, "\rtouchpoint report: %s...\033[K", what);
	else
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

static void
summarize(struct report *r)
{
	const tp_journey_store *s = r->store;
	size_t n = tp_journey_store_customer_count(s), c, k;

	r->first_ms = INT64_MAX;
	r->last_ms = INT64_MIN;
	for (c = 0; c < n; c++) {
		size_t first = 0, count = 0;
		bool converted = false;

		tp_journey_store_journey(s, c, &first, &count);
		r->sessions += tp_journey_store_session_count(s, c);
		for (k = 0; k < count; k++) {
			tp_journey_event e = TP_JOURNEY_EVENT_INIT;

			tp_journey_store_event(s, first + k, &e);
			if (e.timestamp_ms < r->first_ms)
				r->first_ms = e.timestamp_ms;
			if (e.timestamp_ms > r->last_ms)
				r->last_ms = e.timestamp_ms;
			if (e.is_conversion) {
				r->conversions++;
				converted = true;
				if (e.has_value)
					r->value += e.value;
			}
		}
		if (converted)
			r->converting_customers++;
	}
}

static int
failed(const char *what, tp_status st, const tp_error *err)
{
	return tp_cli_fail(CMD, what, st, err);
}

static int
compute(struct report *r, tp_error *err)
{
	tp_matrix_options mo = TP_MATRIX_OPTIONS_INIT;
	const tp_catalog *cat = tp_journey_store_catalog(r->store);
	tp_attribution_options ao = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_funnel *f = NULL;
	tp_status st;
	size_t k;
	int id;

	progress(r, "summarizing the journeys");
	summarize(r);
	progress(r, "counting events by channel group and phase");
	mo.rows = "channel_group";
	mo.cols = "all";
	if ((st = tp_matrix_compute(r->store, &mo, &r->by_group, err)))
		return failed("events by channel group", st, err);
	mo.rows = "phase";
	if ((st = tp_matrix_compute(r->store, &mo, &r->by_phase, err)))
		return failed("events by phase", st, err);
	progress(r, "running the funnel");
	st = tp_funnel_new_from_catalog(cat, r->funnel_id, &f, err);
	if (st == TP_ENOTFOUND)
		return tp_cli_usage_error(CMD, "unknown --funnel '%s' (the catalog's "
					  "funnels: 'touchpoint catalog' lists them)",
					  r->funnel_id);
	if (!st)
		st = tp_funnel_run(f, r->store, &r->funnel, err);
	tp_funnel_free(f);
	if (st)
		return failed("the funnel", st, err);
	id = tp_catalog_find_funnel(cat, r->funnel_id);
	r->funnel_name = id >= 0 ? tp_catalog_funnel_name(cat, (size_t)id) : NULL;
	if (!r->funnel_name || !*r->funnel_name)
		r->funnel_name = r->funnel_id;
	progress(r, "drawing the touchpoint matrix");
	if ((st = tp_matrix_compute(r->store, NULL, &r->matrix, err)))
		return failed("the touchpoint matrix", st, err);
	progress(r, "cutting the journeys into paths to conversion");
	st = tp_cli_paths_from_journeys(r->store, r->by, &r->cut, &r->paths,
					&r->path_stats, err);
	if (st)
		return failed("the paths to conversion", st, err);
	for (k = 0; k < N_MODELS; k++) {
		char what[64];

		snprintf(what, sizeof(what), "attribution: %s",
			 tp_attribution_model_name(models[k]));
		progress(r, what);
		st = tp_attribution_compute(r->paths, models[k], &ao, &r->res[k], err);
		if (st)
			return failed(tp_attribution_model_name(models[k]), st, err);
		r->n_res++;
	}
	progress(r, NULL);
	return TP_EXIT_OK;
}

static const char *
when(int64_t ms, char *buf, size_t size)
{
	if (tp_timestamp_format(ms, buf, size) != TP_OK)
		snprintf(buf, size, "-");
	return buf;
}

/* ---- text ---- */

static void
text(FILE *out, const struct report *r, const struct tp_cli_input *in)
{
	size_t customers = tp_journey_store_customer_count(r->store), k;
	char a[64], b[64], pct[32];
	char title[256];

	tp_fmt_title(out, "Touchpoint report");
	fprintf(out, "Input:        ");
	for (k = 0; k < in->pipeline.n_inputs; k++)
		fprintf(out, "%s%s", k ? ", " : "", in->pipeline.inputs[k]);
	if (!in->pipeline.n_inputs)
		fputs("<stdin>", out);
	fprintf(out, "\nLines:        %llu read, %llu events, %llu rejected, %llu blank\n",
		in->stats.read, in->stats.classified, in->stats.rejected,
		in->stats.blank);
	fprintf(out, "Customers:    %zu, in %llu sessions\n", customers,
		(unsigned long long)r->sessions);
	fprintf(out, "Conversions:  %llu (", (unsigned long long)r->conversions);
	if (in->n_conversions)
		for (k = 0; k < in->n_conversions; k++)
			fprintf(out, "%s%s", k ? ", " : "", in->conversions[k]);
	else
		fputs("purchase", out);
	fprintf(out, ") by %llu customers (%s), value %.2f\n",
		(unsigned long long)r->converting_customers,
		tp_fmt_percent(customers ? (double)r->converting_customers /
			       (double)customers : 0, pct, sizeof(pct)), r->value);
	if (customers)
		fprintf(out, "Period:       %s to %s\n", when(r->first_ms, a, sizeof(a)),
			when(r->last_ms, b, sizeof(b)));

	fputs("\n", out);
	tp_fmt_title(out, "Events by channel group");
	tp_cli_matrix_text_list(out, r->by_group);
	fputs("\n(CUSTOMERS: with an event in the group; CONVERTED: of those, who\n"
	      "converted then or later.)\n\n", out);
	tp_fmt_title(out, "Events by phase");
	tp_cli_matrix_text_list(out, r->by_phase);

	fputs("\n", out);
	tp_fmt_title(out, r->funnel_name);
	tp_cli_funnel_text(out, r->funnel);

	fputs("\n", out);
	tp_fmt_title(out, "Touchpoint matrix: channels by stages");
	tp_cli_matrix_text_grids(out, r->matrix);

	fputs("\n", out);
	snprintf(title, sizeof(title), "Attribution by %s",
		 tp_attribution_by_name(r->by));
	tp_fmt_title(out, title);
	fprintf(out, "%zu paths to conversion (%.12g converting, %.12g not; value "
		"%.2f), %zu distinct, over %zu %ss.\n",
		tp_paths_row_count(r->paths), tp_paths_total_conversions(r->paths) + 0.0,
		tp_paths_total_nulls(r->paths) + 0.0, tp_paths_total_value(r->paths) + 0.0,
		tp_paths_count(r->paths), tp_paths_item_count(r->paths),
		tp_attribution_by_name(r->by));
	if (r->path_stats.empty_paths)
		fprintf(out, "%llu paths (%llu converting) have no touch with a %s and "
			"are left out.\n", (unsigned long long)r->path_stats.empty_paths,
			(unsigned long long)r->path_stats.empty_conversions,
			tp_attribution_by_name(r->by));
	tp_cli_attribution_side_by_side(out, r->res, r->n_res);
}

/* ---- JSON ---- */

static void
json(FILE *out, const struct report *r, const struct tp_cli_input *in)
{
	size_t customers = tp_journey_store_customer_count(r->store), k;
	char a[64];

	fputs("{\n  \"input\": {\"files\": [", out);
	for (k = 0; k < in->pipeline.n_inputs; k++) {
		fputs(k ? ", " : "", out);
		tp_fmt_json_string(out, in->pipeline.inputs[k]);
	}
	fprintf(out, "], \"lines\": %llu, \"events\": %llu, \"rejected\": %llu, "
		"\"blank\": %llu},\n", in->stats.read, in->stats.classified,
		in->stats.rejected, in->stats.blank);
	fprintf(out, "  \"summary\": {\"customers\": %zu, \"sessions\": %llu, "
		"\"conversions\": %llu, \"converting_customers\": %llu, \"value\": ",
		customers, (unsigned long long)r->sessions,
		(unsigned long long)r->conversions,
		(unsigned long long)r->converting_customers);
	tp_fmt_json_number(out, r->value);
	fputs(", \"first_event\": ", out);
	tp_fmt_json_string(out, customers ? when(r->first_ms, a, sizeof(a)) : NULL);
	fputs(", \"last_event\": ", out);
	tp_fmt_json_string(out, customers ? when(r->last_ms, a, sizeof(a)) : NULL);
	fputs("},\n  \"events_by_channel_group\": ", out);
	tp_cli_matrix_json_list(out, r->by_group, 2);
	fputs(",\n  \"events_by_phase\": ", out);
	tp_cli_matrix_json_list(out, r->by_phase, 2);
	fputs(",\n  \"funnel\": ", out);
	tp_cli_funnel_json(out, r->funnel, 2);
	fputs(",\n  \"matrix\": ", out);
	tp_cli_matrix_json(out, r->matrix, 2);
	fputs(",\n  \"attribution\": ", out);
	tp_cli_attribution_json(out, r->paths, r->res, r->n_res, 2);
	fputs("\n}\n", out);
}

static int
parse_args(int argc, char **argv, struct tp_cli_input *in, struct report *r,
	   const char **output)
{
	const char *by = NULL, *touches = NULL;
	int i = 1;

	while (i < argc) {
		int x;

		if (tp_cli_is_help(argv[i])) {
			help(in);
			return 1;
		}
		x = tp_cli_input_parse_option(in, argc, argv, &i);
		if (x == 0 &&
		    !(x = tp_cli_option(CMD, argc, argv, &i, "--format", &r->format)) &&
		    !(x = tp_cli_option(CMD, argc, argv, &i, "--funnel", &r->funnel_id)) &&
		    !(x = tp_cli_option(CMD, argc, argv, &i, "--by", &by)) &&
		    !(x = tp_cli_option(CMD, argc, argv, &i, "--touches", &touches)) &&
		    !(x = tp_cli_option(CMD, argc, argv, &i, "--output", output)))
			x = tp_cli_option(CMD, argc, argv, &i, "-o", output);
		if (x < 0)
			return -1;
		if (x > 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			tp_cli_usage_error(CMD, "unknown option '%s' (see --help)", argv[i]);
			return -1;
		}
		tp_cli_input_add_file(in, argv[i++]);
	}
	if (strcmp(r->format, "text") && strcmp(r->format, "json")) {
		tp_cli_usage_error(CMD, "unknown --format '%s' (expected text or json)",
				   r->format);
		return -1;
	}
	if (by && (tp_attribution_by_parse(by, &r->by) != TP_OK ||
		   r->by == TP_ATTRIBUTION_BY_UNKNOWN)) {
		tp_cli_usage_error(CMD, "unknown --by '%s' (expected channel, "
				   "channel_group, touchpoint, stage or source)", by);
		return -1;
	}
	if (touches) {
		if (strcmp(touches, "events") == 0)
			r->cut.touches = TP_JOURNEY_PATH_TOUCHES_EVENTS;
		else if (strcmp(touches, "sessions") == 0)
			r->cut.touches = TP_JOURNEY_PATH_TOUCHES_SESSIONS;
		else if (strcmp(touches, "touchpoints") == 0)
			r->cut.touches = TP_JOURNEY_PATH_TOUCHES_TOUCHPOINTS;
		else {
			tp_cli_usage_error(CMD, "unknown --touches '%s' (expected events, "
					   "sessions or touchpoints)", touches);
			return -1;
		}
	}
	return 0;
}

int
tp_cmd_report(int argc, char **argv)
{
	struct tp_cli_input in;
	struct report r;
	tp_journey_path_options cut = TP_JOURNEY_PATH_OPTIONS_INIT;
	const char *output = NULL;
	tp_error *err = NULL;
	FILE *out = stdout;
	size_t k;
	int rc, wrc;

	memset(&r, 0, sizeof(r));
	r.format = "text";
	r.funnel_id = "seven_stage";
	r.by = TP_ATTRIBUTION_BY_CHANNEL;
	r.cut = cut;
	tp_cli_input_init(&in, CMD, TP_CLI_INPUT_SESSIONS | TP_CLI_INPUT_CONVERSIONS);
	rc = parse_args(argc, argv, &in, &r, &output);
	if (rc) {
		rc = rc > 0 ? TP_EXIT_OK : TP_EXIT_USAGE;
		goto done;
	}
	r.tty = in.pipeline.progress && isatty(STDERR_FILENO);
	if (output && !(out = fopen(output, "w"))) {
		out = stdout;
		rc = tp_cli_usage_error(CMD, "%s: %s", output, strerror(errno));
		goto done;
	}
	rc = tp_cli_input_read(&in, &r.store);
	if (!r.store)
		goto done;
	/* Like the pipeline's line counter, the progress of the analyses is
	 * shown only for large inputs. */
	if (in.stats.read < 65536)
		r.tty = false;
	err = tp_error_new();
	if (!err) {
		rc = tp_cli_usage_error(CMD, "out of memory");
		goto done;
	}
	wrc = compute(&r, err);
	progress(&r, NULL);
	if (wrc) {
		rc = wrc;
		goto done;
	}
	if (strcmp(r.format, "json") == 0)
		json(out, &r, &in);
	else
		text(out, &r, &in);
	wrc = tp_fmt_finish(out, CMD);
	if (wrc)
		rc = wrc;
done:
	if (out != stdout)
		fclose(out);
	for (k = 0; k < r.n_res; k++)
		tp_attribution_free(r.res[k]);
	tp_paths_free(r.paths);
	tp_matrix_free(r.matrix);
	tp_matrix_free(r.by_group);
	tp_matrix_free(r.by_phase);
	tp_funnel_state_free(r.funnel);
	tp_journey_store_free(r.store);
	tp_error_free(err);
	tp_cli_input_fini(&in);
	return rc;
}
