/* SPDX-License-Identifier: MIT */
/*
 * The classification pipeline shared by the commands that read events
 * (classify, journeys, funnel, matrix, attribute, report): the options
 * that configure the classifier, reading NDJSON files line by line,
 * rejects, and the summary that accounts for every line.
 */
#ifndef TP_PIPELINE_H
#define TP_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include <touchpoint/touchpoint.h>

/* The size of the commands' result's memo (KiB; two to three events each):
 * more than the library's default (4,096), since a command has one
 * result (docs/performance.md). */
#define TP_PIPELINE_CACHE_DEFAULT 16384

struct tp_pipeline_config {
	const char *cmd;              /* for messages */
	const char **rules;           /* --rules, in order; none = "default" */
	size_t n_rules;
	const char *catalog_path;     /* --catalog */
	const char **refdbs;          /* --refdb, merged in order */
	size_t n_refdbs;
	const char *fields_path;      /* --fields */
	const char **internal;        /* --internal-domain */
	size_t n_internal;
	const char *rejects_path;     /* --rejects */
	size_t max_line_bytes;        /* --max-line-bytes */
	size_t cache_size;            /* --cache-size, KiB */
	const char **inputs;          /* files; none = stdin */
	size_t n_inputs;
	bool progress;                /* draw progress on a terminal stderr */
	tp_classifier *classifier;    /* built by tp_pipeline_prepare() */
};

struct tp_pipeline_event {
	const char *file;
	unsigned long line;
	const char *text;             /* the line as read, without '\n' */
	size_t len;
	const tp_attr *attrs;
	size_t n_attrs;
	int empty_object;
	const tp_result *result;
	char *reason;                 /* a consumer that refuses the event */
	size_t reason_size;           /* writes why here and returns 1 */
};

struct tp_pipeline_stats {
	unsigned long long read;
	unsigned long long classified;
	unsigned long long rejected;
	unsigned long long blank;
};

void tp_pipeline_config_init(struct tp_pipeline_config *cfg, const char *cmd);
void tp_pipeline_config_fini(struct tp_pipeline_config *cfg);
/* 1: consumed argv[*i] (and its value), 0: not a pipeline option,
 * -1: bad option (message printed). */
int tp_pipeline_parse_option(struct tp_pipeline_config *cfg, int argc,
			     char **argv, int *i);
void tp_pipeline_add_input(struct tp_pipeline_config *cfg, const char *path);
/* The help lines of the pipeline options. */
const char *tp_pipeline_options_help(void);
/* Build the classifier from the options (once). Returns an exit code:
 * 0, or 2 after printing the faults. */
int tp_pipeline_prepare(struct tp_pipeline_config *cfg);
/* Classify every line of the inputs; call fn for each classified event.
 * fn returns 0 to accept it, 1 to reject it (the line is counted and
 * reported as rejected, with the reason fn wrote to ev->reason), -1 to
 * stop the run with exit code 2. Prints the summary. Returns 0, 1 (some
 * lines rejected) or 2. */
int tp_pipeline_run(struct tp_pipeline_config *cfg,
		    int (*fn)(const struct tp_pipeline_event *ev, void *userdata),
		    void *userdata, struct tp_pipeline_stats *stats);

#endif
