/* SPDX-License-Identifier: MIT */
/*
 * touchpoint journeys: NDJSON events in, one JSON object per customer out
 * — the customer's journey, ordered by time, cut into sessions, with its
 * conversions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "format.h"
#include "journey-input.h"

#define CMD "journeys"

static void
help(const struct tp_cli_input *in)
{
	printf(
"Usage: touchpoint journeys [OPTIONS] [FILE...]\n"
"\n"
"Read events as NDJSON from the FILEs (or standard input, also with '-'),\n"
"classify them, and print each customer's journey as one JSON object per\n"
"line, customers in byte order of their ids:\n"
"\n"
"  {\"customer_id\", \"events\", \"sessions\", \"conversions\", \"value\",\n"
"   \"touchpoints\": [{\"time\", \"session\", \"event\", \"touchpoint\", \"stage\",\n"
"                    \"channel\", \"channel_group\", \"source\", \"medium\",\n"
"                    \"campaign\", \"conversion\", \"value\", \"score\"}...]}\n"
"\n"
"Events of a journey are ordered by time (equal times keep the input\n"
"order); \"session\" numbers the sessions from 0; members without a value\n"
"are left out, \"conversion\" is there only when true. \"conversions\" counts\n"
"the converting events and \"value\" adds up their values.\n"
"\n"
"Options:\n");
	tp_cli_input_help(in, stdout);
	printf(
"  -o, --output FILE    write to FILE instead of standard output\n"
"  -h, --help           show this help\n"
"\n"
"%s"
"\n"
"Exit status: 0 every line used, 1 some lines rejected (the journeys of\n"
"the others are printed), 2 usage error or invalid configuration file.\n",
	TP_CLI_INPUT_ABOUT);
}

static void
member(FILE *out, const char *name, const char *value)
{
	if (!value)
		return;
	fprintf(out, ",\"%s\":", name);
	tp_fmt_json_string(out, value);
}

static void
print_journey(FILE *out, const tp_journey_store *store, size_t c)
{
	const tp_catalog *cat = tp_journey_store_catalog(store);
	size_t first = 0, count = 0, k, conversions = 0;
	double value = 0;

	tp_journey_store_journey(store, c, &first, &count);
	for (k = 0; k < count; k++) {
		tp_journey_event e = TP_JOURNEY_EVENT_INIT;

		tp_journey_store_event(store, first + k, &e);
		if (e.is_conversion) {
			conversions++;
			if (e.has_value)
				value += e.value;
		}
	}
	fputs("{\"customer_id\":", out);
	tp_fmt_json_string(out, tp_journey_store_customer_id(store, c));
	fprintf(out, ",\"events\":%zu,\"sessions\":%zu,\"conversions\":%zu,\"value\":",
		count, tp_journey_store_session_count(store, c), conversions);
	tp_fmt_json_number(out, value);
	fputs(",\"touchpoints\":[", out);
	for (k = 0; k < count; k++) {
		tp_journey_event e = TP_JOURNEY_EVENT_INIT;
		char time[32];

		tp_journey_store_event(store, first + k, &e);
		if (tp_timestamp_format(e.timestamp_ms, time, sizeof(time)) != TP_OK)
			snprintf(time, sizeof(time), "%lld", (long long)e.timestamp_ms);
		fprintf(out, "%s{\"time\":\"%s\",\"session\":%zu", k ? "," : "", time,
			e.session);
		member(out, "event", e.event);
		member(out, "touchpoint", e.touchpoint >= 0
		       ? tp_catalog_touchpoint_id(cat, (size_t)e.touchpoint) : NULL);
		member(out, "stage", e.stage >= 0
		       ? tp_catalog_stage_id(cat, (size_t)e.stage) : NULL);
		member(out, "channel", e.channel >= 0
		       ? tp_catalog_channel_id(cat, (size_t)e.channel) : NULL);
		member(out, "channel_group", e.channel_group);
		member(out, "source", e.source);
		member(out, "medium", e.medium);
		member(out, "campaign", e.campaign);
		if (e.is_conversion)
			fputs(",\"conversion\":true", out);
		if (e.has_value) {
			fputs(",\"value\":", out);
			tp_fmt_json_number(out, e.value);
		}
		if (e.has_score) {
			fputs(",\"score\":", out);
			tp_fmt_json_number(out, e.score);
		}
		putc('}', out);
	}
	fputs("]}\n", out);
}

static const tp_journey_store *sort_store;

static int
by_id(const void *a, const void *b)
{
	return strcmp(tp_journey_store_customer_id(sort_store, *(const size_t *)a),
		      tp_journey_store_customer_id(sort_store, *(const size_t *)b));
}

int
tp_cmd_journeys(int argc, char **argv)
{
	struct tp_cli_input in;
	tp_journey_store *store = NULL;
	const char *output = NULL;
	FILE *out = stdout;
	size_t *order = NULL, n, c;
	int i = 1, rc, wrc;

	tp_cli_input_init(&in, CMD, TP_CLI_INPUT_SESSIONS | TP_CLI_INPUT_CONVERSIONS);
	while (i < argc) {
		int r;

		if (tp_cli_is_help(argv[i])) {
			help(&in);
			tp_cli_input_fini(&in);
			return TP_EXIT_OK;
		}
		r = tp_cli_input_parse_option(&in, argc, argv, &i);
		if (r == 0 && !(r = tp_cli_option(CMD, argc, argv, &i, "--output", &output)))
			r = tp_cli_option(CMD, argc, argv, &i, "-o", &output);
		if (r < 0) {
			tp_cli_input_fini(&in);
			return TP_EXIT_USAGE;
		}
		if (r > 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			tp_cli_input_fini(&in);
			return tp_cli_usage_error(CMD, "unknown option '%s' (see --help)",
						  argv[i]);
		}
		tp_cli_input_add_file(&in, argv[i++]);
	}
	rc = tp_cli_input_read(&in, &store);
	tp_cli_input_fini(&in);
	if (!store)
		return rc;
	n = tp_journey_store_customer_count(store);
	order = malloc((n ? n : 1) * sizeof(*order));
	if (!order) {
		tp_journey_store_free(store);
		return tp_cli_usage_error(CMD, "out of memory");
	}
	for (c = 0; c < n; c++)
		order[c] = c;
	sort_store = store;
	qsort(order, n, sizeof(*order), by_id);
	if (output && !(out = fopen(output, "w"))) {
		rc = tp_cli_usage_error(CMD, "%s: %s", output, strerror(errno));
		goto done;
	}
	for (c = 0; c < n; c++)
		print_journey(out, store, order[c]);
	wrc = tp_fmt_finish(out, CMD);
	if (wrc)
		rc = wrc;
	if (out != stdout)
		fclose(out);
done:
	free(order);
	tp_journey_store_free(store);
	return rc;
}
