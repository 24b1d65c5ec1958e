/* SPDX-License-Identifier: MIT */
/*
 * Mergeable states (state.h) on the command line: the --format state
 * output of funnel, matrix and attribute (--state-format json|binary),
 * and reading state files for `touchpoint merge`.
 */
#ifndef TP_STATE_OUTPUT_H
#define TP_STATE_OUTPUT_H

#include <stdio.h>

#include <touchpoint/touchpoint.h>

/* Check --state-format (NULL: not given) against --format; 0 or -1
 * after printing a usage error. */
int tp_cli_state_format_check(const char *cmd, const char *state_format,
			      const char *format);

/* Write a state of the given kind (a tp_funnel_state, tp_matrix or
 * tp_path_counts) in the --state-format (NULL: json). Returns 0 or the
 * exit status after printing the fault. */
int tp_cli_state_write(const char *cmd, FILE *out, tp_state_kind kind,
		       const void *state, const char *state_format);

#endif
