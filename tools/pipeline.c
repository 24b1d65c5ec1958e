/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pipeline.h"

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
tp_pipeline_config_init(struct tp_pipeline_config *cfg, const char *cmd)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->cmd = cmd;
	cfg->max_line_bytes = TP_READER_DEFAULT_MAX_BYTES;
	cfg->cache_size = TP_PIPELINE_CACHE_DEFAULT;
	cfg->progress = true;
}

void
tp_pipeline_config_fini(struct tp_pipeline_config *cfg)
{
	free(cfg->rules);
	free(cfg->refdbs);
	free(cfg->internal);
	free(cfg->inputs);
	tp_classifier_free(cfg->classifier);
	memset(cfg, 0, sizeof(*cfg));
}

const char *
tp_pipeline_options_help(void)
{
	return
"  --rules NAME|FILE    rule set to run, repeatable, in order: ga4,\n"
"                       touchpoints, default (= ga4 then touchpoints) or a\n"
"                       JSON rule file (default: default)\n"
"  --catalog FILE       catalog JSON file (default: the built-in catalog)\n"
"  --refdb FILE         referrer database in Snowplow's JSON format,\n"
"                       repeatable, merged in order; replaces the built-in one\n"
"  --fields FILE        field map JSON: canonical name -> your attribute name\n"
"  --internal-domain D  treat referrers on D (and subdomains) as internal\n"
"  --max-line-bytes N   refuse longer lines (default 1048576)\n"
"  --cache-size N       remember recent classifications in N KiB (2N to 3N\n"
"                       events; default 16384, at most 16777216; 0: none);\n"
"                       the output is the same, only the time differs\n";
}

int
tp_pipeline_parse_option(struct tp_pipeline_config *cfg, int argc,
			 char **argv, int *i)
{
	const char *v;
	int r;

	if ((r = tp_cli_option(cfg->cmd, argc, argv, i, "--rules", &v)) > 0) {
		push(&cfg->rules, &cfg->n_rules, v);
		return 1;
	}
	if (r < 0)
		return -1;
	if ((r = tp_cli_option(cfg->cmd, argc, argv, i, "--catalog", &v)) > 0) {
		cfg->catalog_path = v;
		return 1;
	}
	if (r < 0)
		return -1;
	if ((r = tp_cli_option(cfg->cmd, argc, argv, i, "--refdb", &v)) > 0) {
		push(&cfg->refdbs, &cfg->n_refdbs, v);
		return 1;
	}
	if (r < 0)
		return -1;
	if ((r = tp_cli_option(cfg->cmd, argc, argv, i, "--fields", &v)) > 0) {
		cfg->fields_path = v;
		return 1;
	}
	if (r < 0)
		return -1;
	if ((r = tp_cli_option(cfg->cmd, argc, argv, i, "--internal-domain", &v)) > 0) {
		push(&cfg->internal, &cfg->n_internal, v);
		return 1;
	}
	if (r < 0)
		return -1;
	if ((r = tp_cli_option(cfg->cmd, argc, argv, i, "--rejects", &v)) > 0) {
		cfg->rejects_path = v;
		return 1;
	}
	if (r < 0)
		return -1;
	if ((r = tp_cli_option(cfg->cmd, argc, argv, i, "--max-line-bytes", &v)) > 0) {
		if (!tp_cli_parse_count(v, 2, ULLONG_MAX, &cfg->max_line_bytes)) {
			tp_cli_usage_error(cfg->cmd, "--max-line-bytes takes a number of bytes >= 2");
			return -1;
		}
		return 1;
	}
	if (r < 0)
		return -1;
	if ((r = tp_cli_option(cfg->cmd, argc, argv, i, "--cache-size", &v)) > 0) {
		if (!tp_cli_parse_count(v, 0, 1ull << 24, &cfg->cache_size)) {
			tp_cli_usage_error(cfg->cmd, "--cache-size takes a number of "
					   "KiB from 0 to 16777216");
			return -1;
		}
		return 1;
	}
	return r < 0 ? -1 : 0;
}

void
tp_pipeline_add_input(struct tp_pipeline_config *cfg, const char *path)
{
	push(&cfg->inputs, &cfg->n_inputs, path);
}

int
tp_pipeline_prepare(struct tp_pipeline_config *cfg)
{
	tp_catalog *catalog = NULL;
	tp_error *err;
	tp_status st;
	size_t i;

	if (cfg->classifier)
		return TP_EXIT_OK;
	err = tp_error_new();
	if (!err)
		return tp_cli_usage_error(cfg->cmd, "out of memory");
	if (cfg->catalog_path) {
		st = tp_catalog_load_file(cfg->catalog_path, &catalog, err);
		if (st)
			goto fail;
	}
	st = tp_classifier_new(catalog, &cfg->classifier, err);
	tp_catalog_free(catalog);
	if (st)
		goto fail;
	if (cfg->n_refdbs) {
		tp_refdb *db = NULL;

		st = tp_refdb_load_files(cfg->refdbs, cfg->n_refdbs, &db, err);
		if (st)
			goto fail;
		st = tp_classifier_set_refdb(cfg->classifier, db);
		tp_refdb_free(db);
		if (st)
			goto fail;
	}
	if (cfg->fields_path) {
		st = tp_classifier_load_field_map(cfg->classifier, cfg->fields_path, err);
		if (st)
			goto fail;
	}
	for (i = 0; i < cfg->n_internal; i++) {
		st = tp_classifier_add_internal_domain(cfg->classifier, cfg->internal[i]);
		if (st)
			goto fail;
	}
	if (cfg->n_rules == 0)
		st = tp_classifier_add_rules_named(cfg->classifier, "default", err);
	for (i = 0; !st && i < cfg->n_rules; i++)
		st = tp_classifier_add_rules_named(cfg->classifier, cfg->rules[i], err);
	if (st)
		goto fail;
	tp_error_free(err);
	return TP_EXIT_OK;
fail:
	tp_cli_fail(cfg->cmd, "configuration", st, err);
	tp_error_free(err);
	tp_classifier_free(cfg->classifier);
	cfg->classifier = NULL;
	return TP_EXIT_USAGE;
}

/* A refused line: NDJSON on the rejects file, or a located line on stderr.
 * The reason is the first entry of err, else `why`. */
static void
reject(FILE *rej, const char *file, unsigned long line, const tp_error *err,
       const char *why, const char *text, size_t len)
{
	unsigned long col = tp_error_column(err, 0);
	const char *msg = tp_error_message(err, 0);

	if (why)
		msg = why;
	size_t i, shown = len > 4096 ? 4096 : len;

	if (!msg)
		msg = "refused";
	if (!rej) {
		if (col)
			fprintf(stderr, "%s:%lu:%lu: %s\n", file, line, col, msg);
		else
			fprintf(stderr, "%s:%lu: %s\n", file, line, msg);
		return;
	}
	fputs("{\"file\":\"", rej);
	for (i = 0; file[i]; i++) {
		if (file[i] == '"' || file[i] == '\\')
			fputc('\\', rej);
		fputc(file[i], rej);
	}
	fprintf(rej, "\",\"line\":%lu,\"column\":%lu,\"reason\":\"", line, col);
	for (i = 0; msg[i]; i++) {
		if (msg[i] == '"' || msg[i] == '\\')
			fputc('\\', rej);
		fputc(msg[i], rej);
	}
	fprintf(rej, "\",\"bytes\":%zu,\"text\":\"", len);
	/* The text as far as 4 KiB, bytes that JSON cannot carry escaped
	 * as \u00XX (Latin-1 reading of the raw byte). */
	for (i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '"' || c == '\\')
			fprintf(rej, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(rej, "\\u%04x", c);
		else
			fputc(c, rej);
	}
	fputs("\"}\n", rej);
}

static void
progress(const struct tp_pipeline_config *cfg, unsigned long long n, bool done)
{
	if (done)
		fprintf(stderr, "\r\033[K");
	else
		fprintf(stderr, "\r%s: %llu lines...", cfg->cmd, n);
	fflush(stderr);
}

int
tp_pipeline_run(struct tp_pipeline_config *cfg,
		int (*fn)(const struct tp_pipeline_event *ev, void *userdata),
		void *userdata, struct tp_pipeline_stats *stats)
{
	bool tty = cfg->progress && isatty(STDERR_FILENO);
	tp_reader *reader = NULL;
	tp_result *result = NULL;
	tp_error *err = NULL;
	FILE *rej = NULL;
	char *line = NULL;
	size_t cap = 0, f;
	int rc;

	rc = tp_pipeline_prepare(cfg);
	if (rc)
		return rc;
	if (tp_reader_new(&reader) || tp_result_new(&result) ||
	    !(err = tp_error_new())) {
		rc = tp_cli_usage_error(cfg->cmd, "out of memory");
		goto out;
	}
	tp_reader_set_max_bytes(reader, cfg->max_line_bytes);
	if (tp_result_set_cache_size(result, cfg->cache_size)) {
		rc = tp_cli_usage_error(cfg->cmd, "--cache-size %zu: out of range",
					cfg->cache_size);
		goto out;
	}
	if (cfg->rejects_path && !(rej = fopen(cfg->rejects_path, "w"))) {
		rc = tp_cli_usage_error(cfg->cmd, "%s: %s", cfg->rejects_path,
					strerror(errno));
		goto out;
	}
	for (f = 0; f < (cfg->n_inputs ? cfg->n_inputs : 1); f++) {
		const char *name = cfg->n_inputs ? cfg->inputs[f] : "<stdin>";
		FILE *in = stdin;
		unsigned long lineno = 0;
		ssize_t got;

		if (cfg->n_inputs && strcmp(cfg->inputs[f], "-") != 0) {
			in = fopen(cfg->inputs[f], "r");
			if (!in) {
				rc = tp_cli_usage_error(cfg->cmd, "%s: %s", name,
							strerror(errno));
				goto out;
			}
		}
		while ((got = getline(&line, &cap, in)) >= 0) {
			struct tp_pipeline_event ev;
			size_t len = (size_t)got, k;
			char reason[256];
			tp_status st;
			int r;

			lineno++;
			stats->read++;
			if (tty && (stats->read & 0xffff) == 0)
				progress(cfg, stats->read, false);
			if (len && line[len - 1] == '\n')
				len--;
			for (k = 0; k < len; k++)
				if (line[k] != ' ' && line[k] != '\t' && line[k] != '\r')
					break;
			if (k == len) {
				stats->blank++;
				continue;
			}
			tp_error_clear(err);
			st = tp_reader_parse(reader, line, len, name, lineno, err);
			if (st == TP_ENOMEM) {
				rc = tp_cli_usage_error(cfg->cmd, "out of memory");
				goto out_file;
			}
			if (st) {
				stats->rejected++;
				reject(rej, name, lineno, err, NULL, line, len);
				continue;
			}
			ev.attrs = tp_reader_attrs(reader, &ev.n_attrs);
			st = tp_classify(cfg->classifier, ev.attrs, ev.n_attrs, result);
			if (st) {
				rc = tp_cli_usage_error(cfg->cmd, "%s:%lu: %s", name,
							lineno, tp_strerror(st));
				goto out_file;
			}
			ev.file = name;
			ev.line = lineno;
			ev.text = line;
			ev.len = len;
			ev.empty_object = tp_reader_empty_object(reader);
			ev.result = result;
			ev.reason = reason;
			ev.reason_size = sizeof(reason);
			reason[0] = '\0';
			r = fn ? fn(&ev, userdata) : 0;
			if (r < 0) {
				rc = tp_cli_usage_error(cfg->cmd, "%s:%lu: cannot process the event",
							name, lineno);
				goto out_file;
			}
			if (r > 0) {
				stats->rejected++;
				reject(rej, name, lineno, NULL,
				       reason[0] ? reason : "event refused", line, len);
				continue;
			}
			stats->classified++;
		}
		if (ferror(in)) {
			rc = tp_cli_usage_error(cfg->cmd, "%s: read error: %s", name,
						strerror(errno));
			goto out_file;
		}
out_file:
		if (in != stdin)
			fclose(in);
		if (rc)
			goto out;
	}
	if (tty)
		progress(cfg, stats->read, true);
	fprintf(stderr, "touchpoint %s: read %llu lines: %llu classified, "
		"%llu rejected, %llu blank\n", cfg->cmd, stats->read,
		stats->classified, stats->rejected, stats->blank);
	rc = stats->rejected ? TP_EXIT_REJECTED : TP_EXIT_OK;
out:
	if (rej && fclose(rej) != 0 && !rc)
		rc = tp_cli_usage_error(cfg->cmd, "%s: write error", cfg->rejects_path);
	free(line);
	tp_error_free(err);
	tp_result_free(result);
	tp_reader_free(reader);
	return rc;
}
