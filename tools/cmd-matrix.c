/* SPDX-License-Identifier: MIT */
/*
 * touchpoint matrix: the touchpoint matrix ("interaction map") of the
 * events: channels down the side, stages across the top by default, each
 * cell with its events, customers, conversions and satisfaction.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "format.h"
#include "journey-input.h"
#include "matrix-output.h"
#include "state-output.h"

#define CMD "matrix"

static void
help(const struct tp_cli_input *in)
{
	printf(
"Usage: touchpoint matrix [--rows FIELD] [--cols FIELD] [OPTIONS] [FILE...]\n"
"\n"
"Read events as NDJSON from the FILEs (or standard input, also with '-'),\n"
"build each customer's journey and draw the touchpoint matrix: the values\n"
"of one field down the side, of another across the top, and for each\n"
"cell the events, the distinct customers, the customers who converted\n"
"then or later, their conversion rate and the mean satisfaction score of\n"
"the events that carry a score.\n"
"\n"
"Matrix options:\n"
"  --rows FIELD         the row field (default: channel)\n"
"  --cols FIELD         the column field (default: stage); 'all' gives one\n"
"                       column\n"
"                       Fields: event, touchpoint, channel, stage, phase,\n"
"                       channel_group, source, medium, campaign, kind,\n"
"                       initiator, personalization, intent, control, agent,\n"
"                       business_model, or any raw attribute (url_path...)\n"
"\n"
"Input options:\n");
	tp_cli_input_help(in, stdout);
	printf(
"\n"
"Output options:\n"
"  --format FORMAT      json (default), text, csv, or state (the mergeable\n"
"                       state, for 'touchpoint merge')\n"
"  --state-format F     json (default) or binary, with --format state\n"
"  -o, --output FILE    write to FILE instead of standard output\n"
"  -h, --help           show this help\n"
"\n"
"JSON: {\"rows_field\", \"cols_field\", \"rows\", \"cols\", \"cells\": [{\"row\",\n"
"\"col\", \"events\", \"customers\", \"converted\", \"conversion_rate\", \"scores\",\n"
"\"mean_score\"}...]} with the non-empty cells; events without a value for\n"
"a field are in the null row or column.\n"
"\n"
"%s"
"\n"
"Exit status: 0 every line used, 1 some lines rejected (the matrix of the\n"
"others is printed), 2 usage error or invalid configuration file.\n",
	TP_CLI_INPUT_ABOUT);
}

int
tp_cmd_matrix(int argc, char **argv)
{
	struct tp_cli_input in;
	tp_matrix_options mo = TP_MATRIX_OPTIONS_INIT;
	const char *format = "json", *state_format = NULL, *output = NULL;
	tp_journey_store *store = NULL;
	tp_matrix *matrix = NULL;
	tp_error *err = NULL;
	FILE *out = stdout;
	tp_status st;
	int i = 1, rc, wrc;

	tp_cli_input_init(&in, CMD, TP_CLI_INPUT_CONVERSIONS);
	while (i < argc) {
		int r;

		if (tp_cli_is_help(argv[i])) {
			help(&in);
			rc = TP_EXIT_OK;
			goto done;
		}
		r = tp_cli_input_parse_option(&in, argc, argv, &i);
		if (r == 0 &&
		    !(r = tp_cli_option(CMD, argc, argv, &i, "--rows", &mo.rows)) &&
		    !(r = tp_cli_option(CMD, argc, argv, &i, "--cols", &mo.cols)) &&
		    !(r = tp_cli_option(CMD, argc, argv, &i, "--format", &format)) &&
		    !(r = tp_cli_option(CMD, argc, argv, &i, "--state-format", &state_format)) &&
		    !(r = tp_cli_option(CMD, argc, argv, &i, "--output", &output)))
			r = tp_cli_option(CMD, argc, argv, &i, "-o", &output);
		if (r < 0) {
			rc = TP_EXIT_USAGE;
			goto done;
		}
		if (r > 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			rc = tp_cli_usage_error(CMD, "unknown option '%s' (see --help)", argv[i]);
			goto done;
		}
		tp_cli_input_add_file(&in, argv[i++]);
	}
	if (strcmp(format, "json") && strcmp(format, "text") &&
	    strcmp(format, "csv") && strcmp(format, "state")) {
		rc = tp_cli_usage_error(CMD, "unknown --format '%s' (expected json, "
					"text, csv or state)", format);
		goto done;
	}
	if ((mo.rows && !*mo.rows) || (mo.cols && !*mo.cols) ||
	    (mo.rows && strcmp(mo.rows, "all") == 0)) {
		rc = tp_cli_usage_error(CMD, "--rows and --cols need a field name "
					"(--rows cannot be 'all')");
		goto done;
	}
	if (tp_cli_state_format_check(CMD, state_format, format)) {
		rc = TP_EXIT_USAGE;
		goto done;
	}
	if (mo.rows)
		tp_cli_input_keep(&in, mo.rows);
	if (mo.cols && strcmp(mo.cols, "all") != 0)
		tp_cli_input_keep(&in, mo.cols);
	if (output && !(out = fopen(output, "w"))) {
		out = stdout;
		rc = tp_cli_usage_error(CMD, "%s: %s", output, strerror(errno));
		goto done;
	}
	rc = tp_cli_input_read(&in, &store);
	if (!store)
		goto done;
	err = tp_error_new();
	st = err ? tp_matrix_compute(store, &mo, &matrix, err) : TP_ENOMEM;
	if (st) {
		rc = tp_cli_fail(CMD, "the matrix", st, err);
		goto done;
	}
	if (strcmp(format, "state") == 0) {
		wrc = tp_cli_state_write(CMD, out, TP_STATE_KIND_MATRIX, matrix,
					 state_format);
		if (wrc)
			rc = wrc;
	} else if (strcmp(format, "csv") == 0) {
		tp_cli_matrix_csv(out, matrix);
	} else if (strcmp(format, "text") == 0) {
		tp_cli_matrix_text(out, matrix);
	} else {
		tp_cli_matrix_json(out, matrix, 0);
		fputs("\n", out);
	}
	wrc = tp_fmt_finish(out, CMD);
	if (wrc)
		rc = wrc;
done:
	if (out != stdout)
		fclose(out);
	tp_error_free(err);
	tp_matrix_free(matrix);
	tp_journey_store_free(store);
	tp_cli_input_fini(&in);
	return rc;
}
