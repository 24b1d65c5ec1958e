/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "journey-input.h"

static void
push(const char ***list, size_t *n, const char *v)
{
	const char **l = realloc(*list, (*n + 1) * sizeof(**list));

	if (!l) {
		fprintf(stderr, "touchpoint: out of memory\n");
		exit(TP_EXIT_USAGE);
	}
	l[(*n)++] = v;
	*list = l;
}

void
tp_cli_input_init(struct tp_cli_input *in, const char *cmd, unsigned accept)
{
	tp_journey_options init = TP_JOURNEY_OPTIONS_INIT;

	memset(in, 0, sizeof(*in));
	tp_pipeline_config_init(&in->pipeline, cmd);
	in->accept = accept;
	in->options = init;
}

void
tp_cli_input_fini(struct tp_cli_input *in)
{
	tp_pipeline_config_fini(&in->pipeline);
	free(in->conversions);
	free(in->keep);
	memset(in, 0, sizeof(*in));
}

int
tp_cli_input_parse_option(struct tp_cli_input *in, int argc, char **argv,
			  int *i)
{
	const char *cmd = in->pipeline.cmd, *v;
	int r;

	if (in->accept & TP_CLI_INPUT_SESSIONS) {
		r = tp_cli_option(cmd, argc, argv, i, "--session-timeout", &v);
		if (r < 0)
			return -1;
		if (r > 0) {
			int64_t ms;

			if (tp_duration_parse(v, strlen(v), &ms) != TP_OK) {
				tp_cli_usage_error(cmd, "bad --session-timeout '%s' "
						   "(expected a duration such as 30m, 1h or "
						   "0 for none)", v);
				return -1;
			}
			in->options.session_timeout_ms = ms;
			return 1;
		}
	}
	if (in->accept & TP_CLI_INPUT_CONVERSIONS) {
		r = tp_cli_option(cmd, argc, argv, i, "--conversion", &v);
		if (r < 0)
			return -1;
		if (r > 0) {
			if (!*v) {
				tp_cli_usage_error(cmd, "--conversion needs an event "
						   "name or FIELD=VALUE");
				return -1;
			}
			push(&in->conversions, &in->n_conversions, v);
			return 1;
		}
	}
	return tp_pipeline_parse_option(&in->pipeline, argc, argv, i);
}

void
tp_cli_input_add_file(struct tp_cli_input *in, const char *path)
{
	tp_pipeline_add_input(&in->pipeline, path);
}

void
tp_cli_input_keep(struct tp_cli_input *in, const char *field)
{
	push(&in->keep, &in->n_keep, field);
}

void
tp_cli_input_help(const struct tp_cli_input *in, FILE *out)
{
	if (in->accept & TP_CLI_INPUT_SESSIONS)
		fputs("  --session-timeout T  inactivity that starts a new session: 30m\n"
		      "                       (default), 1h, 90s...; 0 for none\n", out);
	if (in->accept & TP_CLI_INPUT_CONVERSIONS)
		fputs("  --conversion EVENT   an event name, or FIELD=VALUE, that converts;\n"
		      "                       repeatable (default: purchase)\n", out);
	fputs(tp_pipeline_options_help(), out);
	fputs("  --rejects FILE       write refused lines there (NDJSON: file, line,\n"
	      "                       column, reason, text) instead of to stderr\n", out);
}

const tp_catalog *
tp_cli_input_catalog(struct tp_cli_input *in)
{
	if (tp_pipeline_prepare(&in->pipeline))
		return NULL;
	return tp_classifier_catalog(in->pipeline.classifier);
}

/* The classifier derives fields that are no raw attribute of the event
 * (url_path, referrer_host, term...). tp_touch_from_result() hands the
 * store the raw attributes only, so when the store keeps such a field
 * (a funnel step url_path=/checkout, a matrix --rows referrer_medium) the
 * touch gets it as an attribute, ahead of the raw ones. */
#define MAX_DERIVED 64

struct feed {
	tp_journey_store *store;
	tp_error *err;
	tp_field derived[MAX_DERIVED];
	size_t n_derived;
	tp_attr *attrs;               /* derived + raw attributes of a touch */
	size_t cap;
};

/* The classifier fields the store keeps as attributes. */
static tp_status
find_derived(struct feed *f, const tp_catalog *catalog)
{
	tp_journey_store *plain = NULL;
	tp_status st = tp_journey_store_new(catalog, NULL, &plain, NULL);
	int k;

	if (st)
		return st;
	for (k = 1; k <= tp_field_count() && f->n_derived < MAX_DERIVED; k++) {
		const char *name = tp_field_name((tp_field)k);

		if (name && tp_journey_store_find_field(plain, name) < 0 &&
		    tp_journey_store_find_field(f->store, name) >= 0)
			f->derived[f->n_derived++] = (tp_field)k;
	}
	tp_journey_store_free(plain);
	return TP_OK;
}

static int
add_derived(struct feed *f, const tp_result *r, tp_touch *t)
{
	size_t need = f->n_derived + t->n_attrs, n = 0, k;

	if (need > f->cap) {
		tp_attr *a = realloc(f->attrs, need * sizeof(*a));

		if (!a)
			return -1;
		f->attrs = a;
		f->cap = need;
	}
	for (k = 0; k < f->n_derived; k++) {
		size_t len = 0;
		const char *v = tp_result_field(r, f->derived[k], &len);

		if (!v || !len)
			continue;
		f->attrs[n].key = tp_field_name(f->derived[k]);
		f->attrs[n].key_len = strlen(f->attrs[n].key);
		f->attrs[n].value = v;
		f->attrs[n].value_len = len;
		n++;
	}
	if (t->n_attrs)
		memcpy(f->attrs + n, t->attrs, t->n_attrs * sizeof(*t->attrs));
	t->attrs = f->attrs;
	t->n_attrs = n + t->n_attrs;
	return 0;
}

/* Why a classified event cannot join a journey, for the rejects. */
static void
why(const tp_result *r, tp_status st, char *buf, size_t size)
{
	size_t n = 0;
	const char *s;

	if (st == TP_ENOTFOUND) {
		s = tp_result_field(r, TP_FIELD_CUSTOMER_ID, &n);
		if (!s || !n)
			snprintf(buf, size, "no customer_id: the event belongs to no journey");
		else
			snprintf(buf, size, "no timestamp: the event cannot be placed in its journey");
		return;
	}
	s = tp_result_field(r, TP_FIELD_TIMESTAMP, &n);
	if (!s)
		n = 0;
	if (n > 64)
		n = 64;
	snprintf(buf, size, "%s timestamp '%.*s'",
		 st == TP_ERANGE ? "out-of-range" : "bad", (int)n, s ? s : "");
}

static int
add_event(const struct tp_pipeline_event *ev, void *userdata)
{
	struct feed *f = userdata;
	tp_touch t = TP_TOUCH_INIT;
	tp_status st;

	st = tp_touch_from_result(ev->result, &t);
	if (st == TP_ENOTFOUND || st == TP_ESYNTAX || st == TP_ERANGE) {
		why(ev->result, st, ev->reason, ev->reason_size);
		return 1;
	}
	if (st || (f->n_derived && add_derived(f, ev->result, &t)))
		return -1;
	tp_error_clear(f->err);
	st = tp_journey_store_add(f->store, &t, f->err);
	if (st == TP_ENOMEM || (st && st != TP_EINVAL && st != TP_ERANGE))
		return -1;
	if (st) {
		snprintf(ev->reason, ev->reason_size, "%s",
			 tp_error_count(f->err) ? tp_error_message(f->err, 0)
						: tp_strerror(st));
		return 1;
	}
	return 0;
}

int
tp_cli_input_read(struct tp_cli_input *in, tp_journey_store **out)
{
	const char *cmd = in->pipeline.cmd;
	struct feed f;
	const tp_catalog *catalog;
	tp_status st;
	size_t k;
	int rc;

	*out = NULL;
	memset(&f, 0, sizeof(f));
	catalog = tp_cli_input_catalog(in);
	if (!catalog)
		return TP_EXIT_USAGE;
	f.err = tp_error_new();
	if (!f.err)
		return tp_cli_usage_error(cmd, "out of memory");
	in->options.conversions = in->conversions;
	in->options.n_conversions = in->n_conversions;
	st = tp_journey_store_new(catalog, &in->options, &f.store, f.err);
	if (st) {
		rc = tp_cli_fail(cmd, "--conversion", st, f.err);
		goto out;
	}
	for (k = 0; k < in->n_keep; k++) {
		st = tp_journey_store_keep_field(f.store, in->keep[k]);
		if (st) {
			rc = tp_cli_usage_error(cmd, "cannot keep the field '%s': %s",
						in->keep[k], tp_strerror(st));
			goto out;
		}
	}
	if (in->prepare && (rc = in->prepare(f.store, in->userdata)) != 0)
		goto out;
	if (find_derived(&f, catalog)) {
		rc = tp_cli_usage_error(cmd, "out of memory");
		goto out;
	}
	memset(&in->stats, 0, sizeof(in->stats));
	rc = tp_pipeline_run(&in->pipeline, add_event, &f, &in->stats);
	if (rc != TP_EXIT_OK && rc != TP_EXIT_REJECTED)
		goto out;
	st = tp_journey_store_finish(f.store);
	if (st) {
		rc = tp_cli_usage_error(cmd, "cannot sort the journeys: %s",
					tp_strerror(st));
		goto out;
	}
	*out = f.store;
	f.store = NULL;
out:
	tp_journey_store_free(f.store);
	tp_error_free(f.err);
	free(f.attrs);
	return rc;
}
