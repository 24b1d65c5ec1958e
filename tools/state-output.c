/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "cli.h"
#include "state-output.h"

int
tp_cli_state_format_check(const char *cmd, const char *state_format,
			  const char *format)
{
	tp_state_format f;

	if (!state_format)
		return 0;
	if (strcmp(format, "state") != 0) {
		tp_cli_usage_error(cmd, "--state-format goes with --format state");
		return -1;
	}
	if (tp_state_format_parse(state_format, &f) != TP_OK) {
		tp_cli_usage_error(cmd, "unknown --state-format '%s' (expected json "
				   "or binary)", state_format);
		return -1;
	}
	return 0;
}

int
tp_cli_state_write(const char *cmd, FILE *out, tp_state_kind kind,
		   const void *state, const char *state_format)
{
	tp_state_format f = TP_STATE_FORMAT_JSON;
	char *bytes = NULL;
	size_t len = 0;
	tp_status st;

	if (state_format)
		tp_state_format_parse(state_format, &f);
	switch (kind) {
	case TP_STATE_KIND_FUNNEL:
		st = tp_funnel_state_save(state, f, &bytes, &len);
		break;
	case TP_STATE_KIND_MATRIX:
		st = tp_matrix_save(state, f, &bytes, &len);
		break;
	case TP_STATE_KIND_PATH_COUNTS:
		st = tp_path_counts_save(state, f, &bytes, &len);
		break;
	default:
		st = TP_EINVAL;
		break;
	}
	if (st)
		return tp_cli_usage_error(cmd, "cannot write the state: %s",
					  tp_strerror(st));
	fwrite(bytes, 1, len, out);
	if (f == TP_STATE_FORMAT_JSON && (len == 0 || bytes[len - 1] != '\n'))
		putc('\n', out);
	tp_free(bytes);
	return TP_EXIT_OK;
}
