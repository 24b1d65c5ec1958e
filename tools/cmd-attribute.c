/* SPDX-License-Identifier: MIT */
/*
 * touchpoint attribute: run attribution models on paths to conversion and
 * print the credit of every channel (or touchpoint, stage...) as JSON,
 * text or CSV.
 *
 * The command has three steps: parse the options, get a path set — from
 * path tables given with --paths (load_paths()), or from the journeys of
 * NDJSON events (load_journeys(): the classification pipeline, the
 * journey store and its paths to conversion, journey-paths.h) — then run
 * each model and print (attribution-output.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "attribution-output.h"
#include "cli.h"
#include "commands.h"
#include "format.h"
#include "journey-input.h"
#include "journey-paths.h"
#include "paths-output.h"
#include "state-output.h"

#define CMD "attribute"

static void
attribute_usage(FILE *out, const struct tp_cli_input *in)
{
	fprintf(out,
		"Usage: touchpoint attribute (--paths FILE.csv... | FILE.ndjson...)\n"
		"                            [--model MODEL] [OPTIONS]\n"
		"\n"
		"Attribute conversions and their value to the items of paths to\n"
		"conversion (channels by default) with one or more models. The input\n"
		"is either\n"
		"- path tables (--paths): CSV with a header naming the columns path\n"
		"  (items separated by ' > '), conversions, nulls (journeys that did\n"
		"  not convert, optional) and value (optional); several are merged; or\n"
		"- events as NDJSON (FILE... or '-' for standard input): classified,\n"
		"  built into journeys and cut into paths to conversion, each ending\n"
		"  at a conversion (its value is the conversion's) or, after the last\n"
		"  one, at the journey's end (a null). Such paths carry the time of\n"
		"  every touch, so time_decay can run.\n"
		"\n"
		"Model options:\n"
		"  --model MODEL        first, last, last_non_direct, linear, time_decay,\n"
		"                       position, markov, shapley, shapley_simple, a\n"
		"                       comma-separated list, or all (default: all; all\n"
		"                       skips time_decay, with a note, on untimed paths)\n"
		"  --order K            Markov order, 1 to 4 (default 1)\n"
		"  --transitions        print the Markov transition matrix (json, text)\n"
		"  --by DIM             what the items are: channel (default),\n"
		"                       channel_group, touchpoint, stage, source\n"
		"  --half-life TIME     time_decay half-life: a number and a unit ms, s,\n"
		"                       m, h, d or w (default 7d; a bare number is days)\n"
		"  --exclude NAME       last_non_direct: the item to skip (default Direct)\n"
		"  --first-share X      position: share of the first touch (default 0.4)\n"
		"  --last-share X       position: share of the last touch (default 0.4)\n"
		"\n"
		"Path table options:\n"
		"  --paths FILE.csv     a path table (repeat to merge tables)\n"
		"  --separator TEXT     between the items of a path (default ' > ')\n"
		"  --path-column NAME, --conversions-column NAME, --nulls-column NAME,\n"
		"  --value-column NAME  the header names of the columns\n"
		"\n"
		"Journey options (NDJSON input):\n"
		"  --lookback-days N    keep the touches at most N days (a number, 0.5\n"
		"                       allowed) before the path's end (default: all)\n"
		"  --lookback-steps N   keep at most the last N touches of each path\n"
		"  --touches WHICH      events (default: every event), sessions (the\n"
		"                       first event of each session) or touchpoints\n"
		"                       (events with a catalog touchpoint)\n"
		"  --exclude-conversion the converting event is not itself a touch\n");
	tp_cli_input_help(in, out);
	fprintf(out,
		"\n"
		"Output options:\n"
		"  --format FORMAT      json (default), text or csv; with NDJSON input\n"
		"                       also paths (the path table of the journeys, as\n"
		"                       CSV for --paths) or state (the mergeable path\n"
		"                       counts, for 'touchpoint merge')\n"
		"  --state-format F     json (default) or binary, with --format state\n"
		"  -h, --help           show this help\n"
		"\n"
		"Every model gives each item its attributed conversions, value and share\n"
		"of conversions; markov also the removal effect. The attributed totals\n"
		"equal the input totals. Definitions: docs/attribution.md. A touch\n"
		"without a value for --by is left out of its path; a path left without\n"
		"touches is reported in a note and not attributed.\n"
		"\n"
		"%s"
		"\n"
		"Exit status: 0 success, 1 some NDJSON lines rejected (the others are\n"
		"attributed), 2 usage error, unreadable or invalid path table (each\n"
		"fault is printed as FILE:LINE:COL: message) or configuration file.\n",
		TP_CLI_INPUT_ABOUT);
}

struct options {
	tp_attribution_model models[TP_ATTRIBUTION_MODEL_LAST];
	size_t n_models;
	bool all;
	const char *format;
	const char *state_format;
	tp_attribution_options attr;
	tp_path_table_options table;
	tp_journey_path_options cut;
	const char **paths;
	size_t n_paths;
	size_t n_inputs;         /* NDJSON files, kept in `in` */
	struct tp_cli_input in;
};

/* ---- option values ---- */

static int
parse_models(const char *s, struct options *o)
{
	const char *p = s;

	o->n_models = 0;
	o->all = false;
	if (strcmp(s, "all") == 0) {
		int m;

		o->all = true;
		for (m = 1; m <= TP_ATTRIBUTION_MODEL_LAST; m++)
			o->models[o->n_models++] = (tp_attribution_model)m;
		return 0;
	}
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char name[64];
		tp_attribution_model m;
		size_t k;

		if (len == 0 || len >= sizeof(name))
			return tp_cli_usage_error(CMD, "bad --model '%s'", s);
		memcpy(name, p, len);
		name[len] = '\0';
		if (tp_attribution_model_parse(name, &m) != TP_OK)
			return tp_cli_usage_error(CMD,
				"unknown model '%s' (expected first, last, last_non_direct, "
				"linear, time_decay, position, markov, shapley, "
				"shapley_simple or all)", name);
		for (k = 0; k < o->n_models; k++)
			if (o->models[k] == m)
				break;
		if (k == o->n_models)
			o->models[o->n_models++] = m;
		p += len;
		if (*p == ',')
			p++;
	}
	if (o->n_models == 0)
		return tp_cli_usage_error(CMD, "bad --model '%s'", s);
	return 0;
}

/* "7d", "36h", "90m", "1.5w", "3600s", "500ms"; a bare number is days. */
static int
parse_duration(const char *s, int64_t *ms)
{
	char *end;
	double v, unit = 86400e3;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !(v > 0))
		return -1;
	if (strcmp(end, "ms") == 0)
		unit = 1;
	else if (strcmp(end, "s") == 0)
		unit = 1e3;
	else if (strcmp(end, "m") == 0)
		unit = 60e3;
	else if (strcmp(end, "h") == 0)
		unit = 3600e3;
	else if (strcmp(end, "d") == 0 || *end == '\0')
		unit = 86400e3;
	else if (strcmp(end, "w") == 0)
		unit = 7 * 86400e3;
	else
		return -1;
	if (v * unit < 1 || v * unit > 9e15)
		return -1;
	*ms = (int64_t)(v * unit + 0.5);
	return 0;
}

static int
parse_share(const char *name, const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end || errno || !(*out >= 0 && *out <= 1))
		return tp_cli_usage_error(CMD, "%s wants a number from 0 to 1, not '%s'",
					  name, s);
	return 0;
}

static int
push(const char ***arr, size_t *n, const char *s)
{
	const char **a = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!a)
		return tp_cli_usage_error(CMD, "out of memory");
	a[(*n)++] = s;
	*arr = a;
	return 0;
}

static int
parse_count(const char *name, const char *s, double *days, size_t *steps)
{
	char *end;

	errno = 0;
	if (days) {
		*days = strtod(s, &end);
		if (end != s && !*end && !errno && *days >= 0 && *days <= 1e6)
			return 0;
		return tp_cli_usage_error(CMD, "%s wants a number of days, not '%s'",
					  name, s);
	}
	if (tp_cli_parse_count(s, 0, ULLONG_MAX, steps))
		return 0;
	return tp_cli_usage_error(CMD, "%s wants a whole number, not '%s'", name, s);
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	const char *model = "all", *order = NULL, *by = NULL, *half = NULL,
		*first = NULL, *last = NULL, *path = NULL, *days = NULL,
		*steps = NULL, *touches = NULL;
	int i = 1;

	while (i < argc) {
		int r;

		if (tp_cli_is_help(argv[i])) {
			attribute_usage(stdout, &o->in);
			return 1;
		}
		if (strcmp(argv[i], "--transitions") == 0) {
			o->attr.transitions = 1;
			i++;
			continue;
		}
		if (strcmp(argv[i], "--exclude-conversion") == 0) {
			o->cut.exclude_conversion = 1;
			i++;
			continue;
		}
		if ((r = tp_cli_input_parse_option(&o->in, argc, argv, &i)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--model", &model)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--order", &order)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--by", &by)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--half-life", &half)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--exclude", &o->attr.excluded)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--first-share", &first)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--last-share", &last)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--separator", &o->table.separator)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--path-column", &o->table.path_column)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--conversions-column",
				       &o->table.conversions_column)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--nulls-column", &o->table.nulls_column)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--value-column", &o->table.value_column)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--lookback-days", &days)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--lookback-steps", &steps)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--touches", &touches)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--state-format", &o->state_format)) ||
		    (r = tp_cli_option(CMD, argc, argv, &i, "--format", &o->format))) {
			if (r < 0)
				return -1;
			continue;
		}
		if ((r = tp_cli_option(CMD, argc, argv, &i, "--paths", &path)) != 0) {
			if (r < 0 || push(&o->paths, &o->n_paths, path))
				return -1;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			tp_cli_usage_error(CMD, "unknown option '%s'", argv[i]);
			return -1;
		}
		tp_cli_input_add_file(&o->in, argv[i++]);
		o->n_inputs++;
	}
	if (parse_models(model, o))
		return -1;
	if (order) {
		char *end;
		long k = strtol(order, &end, 10);

		if (end == order || *end || k < 1 || k > TP_ATTRIBUTION_MAX_ORDER) {
			tp_cli_usage_error(CMD, "--order wants 1 to %d, not '%s'",
					   TP_ATTRIBUTION_MAX_ORDER, order);
			return -1;
		}
		o->attr.order = (int)k;
	}
	if (by && tp_attribution_by_parse(by, &o->table.by) != TP_OK) {
		tp_cli_usage_error(CMD, "unknown --by '%s' (expected channel, "
				   "channel_group, touchpoint, stage or source)", by);
		return -1;
	}
	if (half && parse_duration(half, &o->attr.half_life_ms)) {
		tp_cli_usage_error(CMD, "bad --half-life '%s' (expected a positive "
				   "number and ms, s, m, h, d or w, such as 7d)", half);
		return -1;
	}
	if ((first && parse_share("--first-share", first, &o->attr.first_share)) ||
	    (last && parse_share("--last-share", last, &o->attr.last_share)))
		return -1;
	if (o->attr.first_share + o->attr.last_share > 1) {
		tp_cli_usage_error(CMD, "--first-share and --last-share add up to more than 1");
		return -1;
	}
	if (o->table.separator && !*o->table.separator) {
		tp_cli_usage_error(CMD, "--separator must not be empty");
		return -1;
	}
	if (days) {
		double d;

		if (parse_count("--lookback-days", days, &d, NULL))
			return -1;
		o->cut.lookback_ms = (int64_t)(d * 86400e3 + 0.5);
	}
	if (steps && parse_count("--lookback-steps", steps, NULL, &o->cut.lookback_steps))
		return -1;
	if (touches) {
		if (strcmp(touches, "events") == 0)
			o->cut.touches = TP_JOURNEY_PATH_TOUCHES_EVENTS;
		else if (strcmp(touches, "sessions") == 0)
			o->cut.touches = TP_JOURNEY_PATH_TOUCHES_SESSIONS;
		else if (strcmp(touches, "touchpoints") == 0)
			o->cut.touches = TP_JOURNEY_PATH_TOUCHES_TOUCHPOINTS;
		else {
			tp_cli_usage_error(CMD, "unknown --touches '%s' (expected events, "
					   "sessions or touchpoints)", touches);
			return -1;
		}
	}
	if (strcmp(o->format, "json") && strcmp(o->format, "text") &&
	    strcmp(o->format, "csv") && strcmp(o->format, "paths") &&
	    strcmp(o->format, "state")) {
		tp_cli_usage_error(CMD, "unknown format '%s' (expected json, text, csv, "
				   "paths or state)", o->format);
		return -1;
	}
	if (tp_cli_state_format_check(CMD, o->state_format, o->format))
		return -1;
	if (o->attr.transitions && strcmp(o->format, "json") &&
	    strcmp(o->format, "text")) {
		tp_cli_usage_error(CMD, "--transitions needs --format json or text");
		return -1;
	}
	if (o->n_inputs && o->n_paths) {
		tp_cli_usage_error(CMD, "give either path tables (--paths) or NDJSON "
				   "events (FILE... or -), not both");
		return -1;
	}
	if (o->n_inputs == 0 && o->n_paths == 0) {
		tp_cli_usage_error(CMD, "missing input: --paths FILE.csv (a path table) "
				   "or FILE.ndjson... (events; - for standard input); "
				   "see --help");
		return -1;
	}
	if (o->n_paths && (!strcmp(o->format, "paths") || !strcmp(o->format, "state"))) {
		tp_cli_usage_error(CMD, "--format %s needs NDJSON events as input",
				   o->format);
		return -1;
	}
	if (o->n_paths && (days || steps || touches || o->cut.exclude_conversion)) {
		tp_cli_usage_error(CMD, "--lookback-days, --lookback-steps, --touches "
				   "and --exclude-conversion need NDJSON events as input");
		return -1;
	}
	return 0;
}

/* ---- input ---- */

/* The path set to attribute: every --paths table, merged. */
static int
load_paths(const struct options *o, tp_paths **out)
{
	tp_paths *all = NULL;
	tp_error *err = tp_error_new();
	size_t k;
	int rc = TP_EXIT_OK;

	if (!err)
		return tp_cli_fail(CMD, "cannot read the paths", TP_ENOMEM, NULL);
	for (k = 0; k < o->n_paths && rc == TP_EXIT_OK; k++) {
		tp_paths *p = NULL;
		tp_status st = tp_paths_load_csv_file(o->paths[k], &o->table, &p, err);

		if (st) {
			rc = tp_cli_fail(CMD, o->paths[k], st, err);
			break;
		}
		if (!all) {
			all = p;
			continue;
		}
		st = tp_paths_merge(all, p);
		tp_paths_free(p);
		if (st)
			rc = tp_cli_fail(CMD, o->paths[k], st, NULL);
	}
	tp_error_free(err);
	if (rc != TP_EXIT_OK) {
		tp_paths_free(all);
		return rc;
	}
	*out = all;
	return TP_EXIT_OK;
}

/* Journeys from NDJSON events: a timed path set, or for --format
 * paths|state the path counts printed right away (*out stays NULL). The
 * run's exit code (0, or 1 when some lines were rejected) goes to
 * *input_rc. */
static int
load_journeys(struct options *o, tp_paths **out, int *input_rc)
{
	tp_journey_store *store = NULL;
	tp_error *err;
	tp_status st;
	int rc;

	*out = NULL;
	rc = tp_cli_input_read(&o->in, &store);
	if (!store)
		return rc;
	*input_rc = rc;
	rc = TP_EXIT_OK;
	err = tp_error_new();
	if (!err) {
		rc = tp_cli_usage_error(CMD, "out of memory");
	} else if (!strcmp(o->format, "paths") || !strcmp(o->format, "state")) {
		tp_path_counts *pc = NULL;
		uint64_t empty;

		st = tp_path_counts_compute(store, tp_attribution_by_name(o->table.by),
					    &o->cut, &pc, err);
		if (st)
			rc = tp_cli_fail(CMD, "the paths", st, err);
		else if (!strcmp(o->format, "state"))
			rc = tp_cli_state_write(CMD, stdout, TP_STATE_KIND_PATH_COUNTS, pc,
						o->state_format);
		else if ((empty = tp_cli_paths_csv(stdout, pc)) > 0)
			fprintf(stderr, "touchpoint attribute: note: %llu paths have no "
				"touch with a %s and have no row\n",
				(unsigned long long)empty,
				tp_attribution_by_name(o->table.by));
		tp_path_counts_free(pc);
	} else {
		struct tp_cli_paths_stats stats;

		st = tp_cli_paths_from_journeys(store, o->table.by, &o->cut, out,
						&stats, err);
		if (st)
			rc = tp_cli_fail(CMD, "the paths", st, err);
		else
			tp_cli_paths_note(CMD, o->table.by, &stats);
	}
	tp_error_free(err);
	tp_journey_store_free(store);
	return rc;
}

/* ---- the command ---- */

int
tp_cmd_attribute(int argc, char **argv)
{
	struct options o;
	tp_attribution_options attr_init = TP_ATTRIBUTION_OPTIONS_INIT;
	tp_path_table_options table_init = TP_PATH_TABLE_OPTIONS_INIT;
	tp_journey_path_options cut_init = TP_JOURNEY_PATH_OPTIONS_INIT;
	tp_attribution *res[TP_ATTRIBUTION_MODEL_LAST];
	tp_paths *paths = NULL;
	size_t n = 0, k;
	int rc, input_rc = TP_EXIT_OK;

	memset(&o, 0, sizeof(o));
	o.format = "json";
	o.attr = attr_init;
	o.table = table_init;
	o.cut = cut_init;
	tp_cli_input_init(&o.in, CMD, TP_CLI_INPUT_SESSIONS | TP_CLI_INPUT_CONVERSIONS);
	rc = parse_args(argc, argv, &o);
	if (rc) {
		rc = rc > 0 ? TP_EXIT_OK : TP_EXIT_USAGE;
		goto out;
	}
	rc = o.n_paths ? load_paths(&o, &paths) : load_journeys(&o, &paths, &input_rc);
	if (rc || !paths)
		goto out;
	for (k = 0; k < o.n_models; k++) {
		tp_attribution_model m = o.models[k];
		tp_error *err;
		tp_status st;

		if (m == TP_ATTRIBUTION_TIME_DECAY && o.all && !tp_paths_timed(paths)) {
			fprintf(stderr, "touchpoint attribute: note: time_decay skipped: "
				"the paths carry no touch times (a path table has none)\n");
			continue;
		}
		err = tp_error_new();
		st = err ? tp_attribution_compute(paths, m, &o.attr, &res[n], err)
			: TP_ENOMEM;
		if (st) {
			if (tp_error_count(err) && !tp_error_source(err, 0))
				rc = tp_cli_usage_error(CMD, "model %s: %s",
							tp_attribution_model_name(m),
							tp_error_message(err, 0));
			else
				rc = tp_cli_fail(CMD, tp_attribution_model_name(m), st, err);
			tp_error_free(err);
			break;
		}
		tp_error_free(err);
		n++;
	}
	if (rc == TP_EXIT_OK) {
		if (strcmp(o.format, "json") == 0) {
			tp_cli_attribution_json(stdout, paths, res, n, 0);
			fputs("\n", stdout);
		} else if (strcmp(o.format, "csv") == 0) {
			tp_cli_attribution_csv(stdout, res, n);
		} else {
			tp_cli_attribution_text(stdout, paths, res, n);
		}
	}
	for (k = 0; k < n; k++)
		tp_attribution_free(res[k]);
out:
	tp_paths_free(paths);
	free(o.paths);
	tp_cli_input_fini(&o.in);
	if (rc == TP_EXIT_OK)
		rc = tp_fmt_finish(stdout, CMD);
	return rc ? rc : input_rc;
}
