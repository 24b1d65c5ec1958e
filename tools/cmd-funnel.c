/* SPDX-License-Identifier: MIT */
/*
 * touchpoint funnel: how far customers get through an ordered list of
 * steps (or the stages of a catalog funnel), and where they drop off.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "format.h"
#include "funnel-output.h"
#include "journey-input.h"
#include "state-output.h"

#define CMD "funnel"

static void
help(const struct tp_cli_input *in)
{
	printf(
"Usage: touchpoint funnel (--steps STEP[,STEP...] | --funnel ID) [OPTIONS]\n"
"                         [FILE...]\n"
"\n"
"Read events as NDJSON from the FILEs (or standard input, also with '-'),\n"
"build each customer's journey and measure how many customers reach each\n"
"step of a funnel, in order: conversion from the previous and the first\n"
"step, drop-off, the median and 90th percentile of the time between\n"
"steps, and the touchpoints those who dropped went to instead.\n"
"\n"
"A STEP is FIELD=VALUE on any field of an event: event=add_to_cart,\n"
"stage=consideration, touchpoint=free_trial, channel=email,\n"
"'channel_group=Paid Search', or a raw attribute (url_path=/checkout); a\n"
"bare word is an event name (add_to_cart means event=add_to_cart). Values\n"
"are compared ignoring case.\n"
"\n"
"Funnel options:\n"
"  --steps STEP,...     the steps, in order; repeatable (appends)\n"
"  --funnel ID          the stages of a catalog funnel as steps: seven_stage,\n"
"                       four_step, b2b, b2c, or one of --catalog's\n"
"  --window T           time allowed from the step-1 event: 30m, 12h, 7d...\n"
"                       (default: none)\n"
"  --mode MODE          default, or strict_order, strict_increase,\n"
"                       strict_deduplication, comma-separated to combine\n"
"  --exclude STEP       an event matching STEP between two steps disqualifies\n"
"                       the attempt; repeatable\n"
"  --count WHAT         customers (default: each once, its best attempt) or\n"
"                       attempts (every attempt)\n"
"  --breakdown FIELD    also one funnel per value of FIELD\n"
"  --breakdown-attribution A\n"
"                       the event that gives the value: first_touch (default,\n"
"                       the step-1 event), last_touch (the last step reached)\n"
"                       or step:N\n"
"\n"
"Input options:\n");
	tp_cli_input_help(in, stdout);
	printf(
"\n"
"Output options:\n"
"  --format FORMAT      json (default), text, or state (the mergeable state,\n"
"                       for 'touchpoint merge')\n"
"  --state-format F     json (default) or binary, with --format state\n"
"  -o, --output FILE    write to FILE instead of standard output\n"
"  -h, --help           show this help\n"
"\n"
"JSON: {\"steps\": [{\"name\", \"condition\", \"customers\",\n"
"\"conversion_from_previous\", \"conversion_from_first\", \"dropped\",\n"
"\"median_seconds_from_previous\", \"p90_seconds_from_previous\",\n"
"\"next_after_drop\": [{\"touchpoint\", \"customers\"}...]}...], \"journeys\",\n"
"\"window_seconds\", \"mode\", \"count\", \"exclusions\", \"breakdown\": null or\n"
"{\"field\", \"attribution\", \"groups\": [{\"value\", \"steps\": [...]}...]}}.\n"
"Attempts, modes and equal timestamps: docs/journeys.md.\n"
"\n"
"%s"
"\n"
"Exit status: 0 every line used, 1 some lines rejected (the funnel of the\n"
"others is printed), 2 usage error, invalid funnel or configuration file.\n",
	TP_CLI_INPUT_ABOUT);
}

/* A step or exclusion: FIELD=VALUE, or a bare event name. */
static tp_status
add_condition(tp_funnel *f, const char *text, size_t len, bool exclusion,
	      tp_error *err)
{
	char cond[512];
	tp_status st;

	while (len && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len == 0 || len + sizeof("event=") > sizeof(cond))
		return TP_ESYNTAX;
	if (memchr(text, '=', len))
		snprintf(cond, sizeof(cond), "%.*s", (int)len, text);
	else
		snprintf(cond, sizeof(cond), "event=%.*s", (int)len, text);
	if (exclusion)
		return tp_funnel_add_exclusion(f, cond, err);
	if (memchr(text, '=', len))
		return tp_funnel_add_step(f, cond, NULL, err);
	st = tp_funnel_add_step(f, cond, cond + 6, err);
	return st;
}

struct funnel_args {
	const char **steps;
	size_t n_steps;
	const char **excludes;
	size_t n_excludes;
	const char *funnel_id, *window, *mode, *count, *breakdown, *attribution;
	const char *format, *state_format, *output;
};

static int
push(const char ***list, size_t *n, const char *v)
{
	const char **l = realloc(*list, (*n + 1) * sizeof(**list));

	if (!l)
		return tp_cli_usage_error(CMD, "out of memory");
	l[(*n)++] = v;
	*list = l;
	return 0;
}

/* Define the funnel from the options; 0 or the exit status. */
static int
define(const struct funnel_args *a, const tp_catalog *catalog, tp_funnel **out)
{
	tp_funnel *f = NULL;
	tp_error *err = tp_error_new();
	tp_status st;
	size_t k;
	int rc = TP_EXIT_USAGE;

	if (!err)
		return tp_cli_usage_error(CMD, "out of memory");
	if (a->funnel_id) {
		st = tp_funnel_new_from_catalog(catalog, a->funnel_id, &f, err);
		if (st) {
			if (st == TP_ENOTFOUND)
				tp_cli_usage_error(CMD, "unknown --funnel '%s' (the catalog's "
						   "funnels: 'touchpoint catalog' lists them)",
						   a->funnel_id);
			else
				tp_cli_fail(CMD, "--funnel", st, err);
			goto out;
		}
	} else if (tp_funnel_new(&f)) {
		tp_cli_usage_error(CMD, "out of memory");
		goto out;
	}
	for (k = 0; k < a->n_steps; k++) {
		const char *p = a->steps[k];

		for (;;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);

			st = add_condition(f, p, len, false, err);
			if (st == TP_ERANGE) {
				tp_cli_usage_error(CMD, "too many steps (at most %d)",
						   TP_FUNNEL_MAX_STEPS);
				goto out;
			}
			if (st) {
				tp_cli_usage_error(CMD, "bad step '%.*s' in --steps '%s' "
						   "(expected FIELD=VALUE or an event name)",
						   (int)len, p, a->steps[k]);
				goto out;
			}
			if (!comma)
				break;
			p = comma + 1;
		}
	}
	for (k = 0; k < a->n_excludes; k++) {
		st = add_condition(f, a->excludes[k], strlen(a->excludes[k]), true, err);
		if (st) {
			tp_cli_usage_error(CMD, st == TP_ERANGE ? "too many --exclude "
					   "steps (at most 32)" : "bad --exclude '%s' (expected "
					   "FIELD=VALUE or an event name)", a->excludes[k]);
			goto out;
		}
	}
	if (a->window) {
		int64_t ms;

		if (tp_duration_parse(a->window, strlen(a->window), &ms) ||
		    tp_funnel_set_window(f, ms)) {
			tp_cli_usage_error(CMD, "bad --window '%s' (expected a duration "
					   "such as 30m, 12h or 7d)", a->window);
			goto out;
		}
	}
	if (a->mode) {
		unsigned m;

		if (tp_funnel_mode_parse(a->mode, &m) || tp_funnel_set_mode(f, m)) {
			tp_cli_usage_error(CMD, "bad --mode '%s' (expected default, "
					   "strict_order, strict_increase, strict_deduplication, "
					   "comma-separated)", a->mode);
			goto out;
		}
	}
	if (a->count) {
		tp_funnel_count c;

		if (tp_funnel_count_parse(a->count, &c) || tp_funnel_set_count(f, c)) {
			tp_cli_usage_error(CMD, "bad --count '%s' (expected customers or "
					   "attempts)", a->count);
			goto out;
		}
	}
	if (a->attribution && !a->breakdown) {
		tp_cli_usage_error(CMD, "--breakdown-attribution needs --breakdown");
		goto out;
	}
	if (a->breakdown) {
		tp_funnel_attribution at = TP_FUNNEL_ATTRIBUTION_FIRST_TOUCH;
		size_t step = 0;
		const char *s = a->attribution;

		if (s && strncmp(s, "step:", 5) == 0) {
			char *end;
			unsigned long n = strtoul(s + 5, &end, 10);

			if (end == s + 5 || *end || n < 1 ||
			    n > tp_funnel_step_count(f)) {
				tp_cli_usage_error(CMD, "bad --breakdown-attribution '%s' "
						   "(step:N wants a step from 1 to %zu)", s,
						   tp_funnel_step_count(f));
				goto out;
			}
			at = TP_FUNNEL_ATTRIBUTION_STEP;
			step = n;
		} else if (s && (tp_funnel_attribution_parse(s, &at) ||
				 at == TP_FUNNEL_ATTRIBUTION_STEP)) {
			tp_cli_usage_error(CMD, "bad --breakdown-attribution '%s' (expected "
					   "first_touch, last_touch or step:N)", s);
			goto out;
		}
		if (!*a->breakdown ||
		    tp_funnel_set_breakdown(f, a->breakdown, at, step)) {
			tp_cli_usage_error(CMD, "bad --breakdown '%s'", a->breakdown);
			goto out;
		}
	}
	if (tp_funnel_step_count(f) == 0) {
		tp_cli_usage_error(CMD, "the funnel has no steps");
		goto out;
	}
	*out = f;
	f = NULL;
	rc = TP_EXIT_OK;
out:
	tp_funnel_free(f);
	tp_error_free(err);
	return rc;
}

static int
keep_fields(tp_journey_store *store, void *userdata)
{
	tp_status st = tp_funnel_keep_fields(userdata, store);

	if (st)
		return tp_cli_usage_error(CMD, "the funnel names too many raw "
					  "attributes: %s", tp_strerror(st));
	return TP_EXIT_OK;
}

/* Run the funnel on an empty store first, so that an unknown field or
 * catalog id is reported before the input is read. */
static int
check(const tp_funnel *f, const tp_catalog *catalog)
{
	tp_journey_store *store = NULL;
	tp_funnel_state *st = NULL;
	tp_error *err = tp_error_new();
	tp_status s;
	int rc = TP_EXIT_OK;

	if (!err)
		return tp_cli_usage_error(CMD, "out of memory");
	s = tp_journey_store_new(catalog, NULL, &store, NULL);
	if (!s)
		s = tp_funnel_keep_fields(f, store);
	if (!s)
		s = tp_journey_store_finish(store);
	if (!s)
		s = tp_funnel_run(f, store, &st, err);
	if (s) {
		if (tp_error_count(err)) {
			size_t i;

			for (i = 0; i < tp_error_count(err); i++)
				tp_cli_usage_error(CMD, "%s", tp_error_message(err, i));
			rc = TP_EXIT_USAGE;
		} else {
			rc = tp_cli_fail(CMD, "the funnel", s, err);
		}
	}
	tp_funnel_state_free(st);
	tp_journey_store_free(store);
	tp_error_free(err);
	return rc;
}

static int
parse_args(int argc, char **argv, struct tp_cli_input *in, struct funnel_args *a)
{
	int i = 1;

	while (i < argc) {
		const char *v;
		int r;

		if (tp_cli_is_help(argv[i])) {
			help(in);
			return 1;
		}
		r = tp_cli_input_parse_option(in, argc, argv, &i);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if ((r = tp_cli_option(CMD, argc, argv, &i, "--steps", &v)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--step", &v))) {
			if (r < 0 || push(&a->steps, &a->n_steps, v))
				return -1;
			continue;
		}
		if ((r = tp_cli_option(CMD, argc, argv, &i, "--exclude", &v))) {
			if (r < 0 || push(&a->excludes, &a->n_excludes, v))
				return -1;
			continue;
		}
		if ((r = tp_cli_option(CMD, argc, argv, &i, "--funnel", &a->funnel_id)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--window", &a->window)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--mode", &a->mode)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--count", &a->count)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--breakdown-attribution",
				       &a->attribution)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--breakdown", &a->breakdown)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--format", &a->format)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--state-format",
				       &a->state_format)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--output", &a->output)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "-o", &a->output))) {
			if (r < 0)
				return -1;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			tp_cli_usage_error(CMD, "unknown option '%s' (see --help)", argv[i]);
			return -1;
		}
		tp_cli_input_add_file(in, argv[i++]);
	}
	if (!!a->n_steps == !!a->funnel_id) {
		tp_cli_usage_error(CMD, a->n_steps ? "give either --steps or --funnel, "
				   "not both" : "missing --steps STEP,... or --funnel ID "
				   "(see --help)");
		return -1;
	}
	if (strcmp(a->format, "json") && strcmp(a->format, "text") &&
	    strcmp(a->format, "state")) {
		tp_cli_usage_error(CMD, "unknown --format '%s' (expected json, text or "
				   "state)", a->format);
		return -1;
	}
	if (tp_cli_state_format_check(CMD, a->state_format, a->format))
		return -1;
	return 0;
}

int
tp_cmd_funnel(int argc, char **argv)
{
	struct tp_cli_input in;
	struct funnel_args a;
	const tp_catalog *catalog;
	tp_journey_store *store = NULL;
	tp_funnel_state *state = NULL;
	tp_funnel *funnel = NULL;
	tp_error *err = NULL;
	FILE *out = stdout;
	tp_status st;
	int rc, wrc;

	memset(&a, 0, sizeof(a));
	a.format = "json";
	tp_cli_input_init(&in, CMD, 0);
	rc = parse_args(argc, argv, &in, &a);
	if (rc) {
		rc = rc > 0 ? TP_EXIT_OK : TP_EXIT_USAGE;
		goto done;
	}
	catalog = tp_cli_input_catalog(&in);
	if (!catalog) {
		rc = TP_EXIT_USAGE;
		goto done;
	}
	rc = define(&a, catalog, &funnel);
	if (!rc)
		rc = check(funnel, catalog);
	if (rc)
		goto done;
	if (a.output && !(out = fopen(a.output, "w"))) {
		rc = tp_cli_usage_error(CMD, "%s: %s", a.output, strerror(errno));
		out = stdout;
		goto done;
	}
	in.prepare = keep_fields;
	in.userdata = funnel;
	rc = tp_cli_input_read(&in, &store);
	if (!store)
		goto done;
	err = tp_error_new();
	st = err ? tp_funnel_run(funnel, store, &state, err) : TP_ENOMEM;
	if (st) {
		rc = tp_cli_fail(CMD, "the funnel", st, err);
		goto done;
	}
	if (strcmp(a.format, "state") == 0) {
		wrc = tp_cli_state_write(CMD, out, TP_STATE_KIND_FUNNEL, state,
					 a.state_format);
		if (wrc)
			rc = wrc;
	} else if (strcmp(a.format, "text") == 0) {
		tp_cli_funnel_text(out, state);
	} else {
		tp_cli_funnel_json(out, state, 0);
		fputs("\n", out);
	}
	wrc = tp_fmt_finish(out, CMD);
	if (wrc)
		rc = wrc;
done:
	if (out != stdout)
		fclose(out);
	tp_error_free(err);
	tp_funnel_state_free(state);
	tp_funnel_free(funnel);
	tp_journey_store_free(store);
	free(a.steps);
	free(a.excludes);
	tp_cli_input_fini(&in);
	return rc;
}
