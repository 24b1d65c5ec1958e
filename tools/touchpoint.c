/* SPDX-License-Identifier: MIT */
/* touchpoint: the command-line front end of libtouchpoint. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static const struct tp_cli_command commands[] = {
	{ "version", "print the library and command versions", tp_cmd_version },
	{ "catalog", "print the touchpoint catalog (built-in or from a file)", tp_cmd_catalog },
	{ "classify", "classify NDJSON events into typed touchpoints", tp_cmd_classify },
	{ "rules", "check rule files; list and show the built-in rule sets", tp_cmd_rules },
	{ "journeys", "print each customer's journey: sessions, touchpoints, conversions", tp_cmd_journeys },
	{ "funnel", "measure a funnel: customers per step, drop-off, time between steps", tp_cmd_funnel },
	{ "matrix", "draw the touchpoint matrix: channels by stages, with conversions", tp_cmd_matrix },
	{ "attribute", "attribute conversions to channels: first, last, linear, Markov, Shapley...", tp_cmd_attribute },
	{ "merge", "merge funnel, matrix or path-count states computed on parts of the data", tp_cmd_merge },
	{ "report", "the whole report: channel groups, phases, funnel, matrix, attribution", tp_cmd_report },
};

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: touchpoint COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"Customer touchpoints: classify raw interaction events into typed\n"
		"touchpoints, build journeys, measure funnels, the touchpoint\n"
		"matrix and attribution.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Run 'touchpoint COMMAND --help' for a command's options.\n"
		"Exit status: 0 success, 1 some input rejected, 2 usage or input-file error.\n");
}

int
tp_cmd_version(int argc, char **argv)
{
	if (argc > 1 && tp_cli_is_help(argv[1])) {
		printf("Usage: touchpoint version\n\nPrint the version of the command and of the loaded library.\n");
		return TP_EXIT_OK;
	}
	if (argc > 1)
		return tp_cli_usage_error("version", "unexpected argument '%s'", argv[1]);
	printf("touchpoint %s (libtouchpoint %s)\n", TP_VERSION_STRING,
	       tp_version_string());
	return TP_EXIT_OK;
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return TP_EXIT_USAGE;
	}
	if (tp_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return TP_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return tp_cmd_version(1, argv + 1);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "touchpoint: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return TP_EXIT_USAGE;
}
