/* SPDX-License-Identifier: MIT */
/*
 * Journeys from NDJSON events, shared by the commands that analyse
 * journeys (journeys, funnel, matrix, attribute, report): the options of
 * the journey store (--session-timeout, --conversion) on top of the
 * classification pipeline's, and the run that classifies every line
 * (pipeline.h), turns each classified event into a touch
 * (tp_touch_from_result()) and adds it to a journey store.
 *
 * Every line is accounted for in the pipeline's summary: an event that
 * cannot join a journey (no customer_id, no or a bad timestamp, a
 * refused touch) is rejected with that reason, never dropped.
 */
#ifndef TP_JOURNEY_INPUT_H
#define TP_JOURNEY_INPUT_H

#include <stddef.h>

#include <touchpoint/touchpoint.h>

#include "pipeline.h"

/* The paragraph of --help about the input. */
#define TP_CLI_INPUT_ABOUT \
"Input: raw events (one JSON object per line, with customer_id and\n" \
"timestamp), classified with the rule sets, or the output of 'touchpoint\n" \
"classify' (its \"tp\" member is ignored: the events are classified again\n" \
"with the rules given here). A line that is not a JSON object, or an event\n" \
"without customer_id or with a missing or bad timestamp, is rejected with\n" \
"its reason; a summary on stderr accounts for every line.\n"

/* Which journey-store options a command accepts. */
#define TP_CLI_INPUT_SESSIONS 1u     /* --session-timeout */
#define TP_CLI_INPUT_CONVERSIONS 2u  /* --conversion */

struct tp_cli_input {
	struct tp_pipeline_config pipeline;
	unsigned accept;
	tp_journey_options options;
	const char **conversions;     /* --conversion, in order */
	size_t n_conversions;
	const char **keep;            /* raw attributes the store must keep */
	size_t n_keep;
	/* Called once on the new, empty store (keep fields...); returns an
	 * exit code, 0 to go on. */
	int (*prepare)(tp_journey_store *store, void *userdata);
	void *userdata;
	struct tp_pipeline_stats stats;   /* the lines read, set by _read() */
};

void tp_cli_input_init(struct tp_cli_input *in, const char *cmd,
		       unsigned accept);
void tp_cli_input_fini(struct tp_cli_input *in);
/* 1: consumed argv[*i] (a pipeline or journey option and its value),
 * 0: another argument, -1: bad option (message printed). */
int tp_cli_input_parse_option(struct tp_cli_input *in, int argc, char **argv,
			      int *i);
/* A positional argument: an input file ("-" is standard input). */
void tp_cli_input_add_file(struct tp_cli_input *in, const char *path);
/* Ask the store to keep a raw attribute (a --rows url_path...). */
void tp_cli_input_keep(struct tp_cli_input *in, const char *field);
/* The help lines of the options the command accepts, pipeline options
 * included. */
void tp_cli_input_help(const struct tp_cli_input *in, FILE *out);
/* The catalog the events are classified with (builds the classifier);
 * NULL after printing the fault (exit status 2). */
const tp_catalog *tp_cli_input_catalog(struct tp_cli_input *in);
/* Read every input into a new, finished store. Returns the exit code of
 * the run: 0, 1 (some lines rejected: the store holds the others) or 2
 * (nothing usable; *out is NULL). */
int tp_cli_input_read(struct tp_cli_input *in, tp_journey_store **out);

#endif
