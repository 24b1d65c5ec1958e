/* SPDX-License-Identifier: MIT */
/*
 * The touchpoint command: shared helpers of the subcommands. Each
 * subcommand lives in its own file (cmd-NAME.c) and is listed in the
 * table of touchpoint.c. The command is a thin client of the public API:
 * it includes only <touchpoint/touchpoint.h>, never lib/ internals.
 *
 * Exit statuses, the same for every subcommand:
 *   0  success (every input line was processed)
 *   1  the run finished but some input was rejected
 *   2  usage error, unreadable or invalid file (rules, catalog...)
 */
#ifndef TP_CLI_H
#define TP_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <touchpoint/touchpoint.h>

#define TP_EXIT_OK 0
#define TP_EXIT_REJECTED 1
#define TP_EXIT_USAGE 2

/* A subcommand: argv[0] is the subcommand's name. */
struct tp_cli_command {
	const char *name;
	const char *summary;   /* one line for `touchpoint --help` */
	int (*run)(int argc, char **argv);
};

/* Print "touchpoint NAME: message" to stderr and return TP_EXIT_USAGE. */
int tp_cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print every entry of err as "SOURCE:LINE:COL: message" to stderr. */
void tp_cli_print_error(const tp_error *err);

/* Print a failure of a library call: the error entries when there are
 * some, else "touchpoint CMD: what: strerror". Returns TP_EXIT_USAGE. */
int tp_cli_fail(const char *cmd, const char *what, tp_status st,
		const tp_error *err);

/* True when arg is "-h" or "--help". */
bool tp_cli_is_help(const char *arg);

/* Parse s as a whole decimal number from lo to hi (digits only: no sign,
 * no space) into *out; false when it is not one. */
bool tp_cli_parse_count(const char *s, unsigned long long lo,
			unsigned long long hi, size_t *out);

/*
 * Option parsing shared by the subcommands: if argv[*i] is `--name VALUE`
 * or `--name=VALUE`, set *value, advance *i past it and return 1; return
 * -1 (after printing a usage error) when the value is missing; 0 when
 * argv[*i] is another argument.
 */
int tp_cli_option(const char *cmd, int argc, char **argv, int *i,
		  const char *name, const char **value);

#endif
