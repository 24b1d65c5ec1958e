/* SPDX-License-Identifier: MIT */
/*
 * touchpoint merge: merge mergeable states (funnel results, touchpoint
 * matrices, path counts) computed on parts of the data split by customer,
 * and print the result as the command that made them would.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "format.h"
#include "funnel-output.h"
#include "matrix-output.h"
#include "paths-output.h"
#include "state-output.h"

#define CMD "merge"

static void
help(void)
{
	printf(
"Usage: touchpoint merge [--format FORMAT] [OPTIONS] STATE...\n"
"\n"
"Merge states written with --format state by 'touchpoint funnel',\n"
"'touchpoint matrix' or 'touchpoint attribute' (path counts), each\n"
"computed on a part of the events split by customer, and print the result\n"
"as the command that made them does: the merge of the parts equals the\n"
"result on the whole. States may be in either form (json or binary) and\n"
"must all be of one kind, made with the same definition (the same funnel,\n"
"the same matrix fields, the same path options). '-' reads standard\n"
"input.\n"
"\n"
"Options:\n"
"  --format FORMAT      json (default), text, csv (matrix, path counts), or\n"
"                       state (the merged state, to merge further)\n"
"  --state-format F     json (default) or binary, with --format state\n"
"  -o, --output FILE    write to FILE instead of standard output\n"
"  -h, --help           show this help\n"
"\n"
"Exit status: 0 success, 2 usage error, unreadable or invalid state,\n"
"states of different kinds or definitions.\n");
}

struct input {
	const char *name;
	char *data;
	size_t len;
	tp_state_kind kind;
};

static int
read_all(const char *path, char **data, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 0, n = 0;
	char *buf = NULL;

	if (!f)
		return tp_cli_usage_error(CMD, "%s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (n + 65536 + 1 > cap) {
			char *b = realloc(buf, cap = (n + 65536 + 1) * 2);

			if (!b) {
				free(buf);
				if (f != stdin)
					fclose(f);
				return tp_cli_usage_error(CMD, "out of memory");
			}
			buf = b;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		if (f != stdin)
			fclose(f);
		return tp_cli_usage_error(CMD, "%s: read error", path);
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

static const char *
kind_name(tp_state_kind k)
{
	const char *s = tp_state_kind_name(k);

	return s ? s : "unknown";
}

/* Load every input and merge it into the first; 0 or the exit status. */
static int
merge(struct input *in, size_t n, void **out, tp_error *err)
{
	void *all = NULL;
	size_t k;
	tp_status st = TP_OK;

	for (k = 0; k < n && !st; k++) {
		void *one = NULL;

		switch (in[0].kind) {
		case TP_STATE_KIND_FUNNEL:
			st = tp_funnel_state_load(in[k].data, in[k].len, in[k].name,
						  (tp_funnel_state **)&one, err);
			if (!st && all)
				st = tp_funnel_state_merge(all, one, err);
			if (all)
				tp_funnel_state_free(one);
			break;
		case TP_STATE_KIND_MATRIX:
			st = tp_matrix_load(in[k].data, in[k].len, in[k].name,
					    (tp_matrix **)&one, err);
			if (!st && all)
				st = tp_matrix_merge(all, one, err);
			if (all)
				tp_matrix_free(one);
			break;
		default:
			st = tp_path_counts_load(in[k].data, in[k].len, in[k].name,
						 (tp_path_counts **)&one, err);
			if (!st && all)
				st = tp_path_counts_merge(all, one, err);
			if (all)
				tp_path_counts_free(one);
			break;
		}
		if (!all)
			all = one;
		if (st == TP_EMISMATCH) {
			tp_cli_usage_error(CMD, "%s: made with another definition than %s; "
					   "states merge only when made the same way:",
					   in[k].name, in[0].name);
			tp_cli_print_error(err);
		} else if (st) {
			tp_cli_fail(CMD, in[k].name, st, err);
		}
	}
	if (st) {
		if (in[0].kind == TP_STATE_KIND_FUNNEL)
			tp_funnel_state_free(all);
		else if (in[0].kind == TP_STATE_KIND_MATRIX)
			tp_matrix_free(all);
		else
			tp_path_counts_free(all);
		return TP_EXIT_USAGE;
	}
	*out = all;
	return TP_EXIT_OK;
}

static void
print(FILE *out, tp_state_kind kind, const void *state, const char *format)
{
	bool json = strcmp(format, "json") == 0, csv = strcmp(format, "csv") == 0;

	if (kind == TP_STATE_KIND_FUNNEL) {
		if (json) {
			tp_cli_funnel_json(out, state, 0);
			fputs("\n", out);
		} else {
			tp_cli_funnel_text(out, state);
		}
	} else if (kind == TP_STATE_KIND_MATRIX) {
		if (json) {
			tp_cli_matrix_json(out, state, 0);
			fputs("\n", out);
		} else if (csv) {
			tp_cli_matrix_csv(out, state);
		} else {
			tp_cli_matrix_text(out, state);
		}
	} else {
		if (json) {
			tp_cli_paths_json(out, state, 0);
			fputs("\n", out);
		} else if (csv) {
			tp_cli_paths_csv(out, state);
		} else {
			tp_cli_paths_text(out, state);
		}
	}
}

int
tp_cmd_merge(int argc, char **argv)
{
	const char *format = "json", *state_format = NULL, *output = NULL;
	struct input *in = NULL;
	size_t n = 0, k;
	tp_error *err = NULL;
	void *state = NULL;
	FILE *out = stdout;
	int i = 1, rc = TP_EXIT_OK;

	in = calloc((size_t)argc, sizeof(*in));
	if (!in)
		return tp_cli_usage_error(CMD, "out of memory");
	while (i < argc) {
		int r;

		if (tp_cli_is_help(argv[i])) {
			help();
			goto done;
		}
		if ((r = tp_cli_option(CMD, argc, argv, &i, "--format", &format)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--state-format", &state_format)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--output", &output)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "-o", &output))) {
			if (r < 0) {
				rc = TP_EXIT_USAGE;
				goto done;
			}
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			rc = tp_cli_usage_error(CMD, "unknown option '%s' (see --help)", argv[i]);
			goto done;
		}
		in[n++].name = argv[i++];
	}
	if (strcmp(format, "json") && strcmp(format, "text") &&
	    strcmp(format, "csv") && strcmp(format, "state")) {
		rc = tp_cli_usage_error(CMD, "unknown --format '%s' (expected json, "
					"text, csv or state)", format);
		goto done;
	}
	if (tp_cli_state_format_check(CMD, state_format, format)) {
		rc = TP_EXIT_USAGE;
		goto done;
	}
	if (n == 0) {
		rc = tp_cli_usage_error(CMD, "no state to merge (see --help)");
		goto done;
	}
	err = tp_error_new();
	if (!err) {
		rc = tp_cli_usage_error(CMD, "out of memory");
		goto done;
	}
	for (k = 0; k < n; k++) {
		tp_status st;

		if ((rc = read_all(in[k].name, &in[k].data, &in[k].len)) != 0)
			goto done;
		tp_error_clear(err);
		st = tp_state_identify(in[k].data, in[k].len, in[k].name, &in[k].kind,
				       NULL, err);
		if (st) {
			tp_cli_usage_error(CMD, "%s is not a state (as written by --format "
					   "state):", in[k].name);
			rc = tp_cli_fail(CMD, in[k].name, st, err);
			goto done;
		}
	}
	for (k = 1; k < n; k++)
		if (in[k].kind != in[0].kind) {
			rc = tp_cli_usage_error(CMD, "cannot merge states of different "
						"kinds: %s is a %s state, %s a %s state",
						in[0].name, kind_name(in[0].kind),
						in[k].name, kind_name(in[k].kind));
			goto done;
		}
	if (strcmp(format, "csv") == 0 && in[0].kind == TP_STATE_KIND_FUNNEL) {
		rc = tp_cli_usage_error(CMD, "--format csv is for matrix and path "
					"counts states; a funnel prints as json or text");
		goto done;
	}
	tp_error_clear(err);
	if ((rc = merge(in, n, &state, err)) != 0)
		goto done;
	if (output && !(out = fopen(output, "w"))) {
		out = stdout;
		rc = tp_cli_usage_error(CMD, "%s: %s", output, strerror(errno));
		goto done;
	}
	if (strcmp(format, "state") == 0)
		rc = tp_cli_state_write(CMD, out, in[0].kind, state, state_format);
	else
		print(out, in[0].kind, state, format);
	if (!rc)
		rc = tp_fmt_finish(out, CMD);
done:
	if (state) {
		if (in[0].kind == TP_STATE_KIND_FUNNEL)
			tp_funnel_state_free(state);
		else if (in[0].kind == TP_STATE_KIND_MATRIX)
			tp_matrix_free(state);
		else
			tp_path_counts_free(state);
	}
	if (out != stdout)
		fclose(out);
	for (k = 0; k < n; k++)
		free(in[k].data);
	free(in);
	tp_error_free(err);
	return rc;
}
