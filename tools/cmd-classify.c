/* SPDX-License-Identifier: MIT */
/*
 * touchpoint classify: NDJSON events in, the same objects out with a "tp"
 * member added. Every input line is accounted for: classified, rejected
 * (to --rejects or stderr, with its line, column and reason) or blank.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "pipeline.h"

static void
help(void)
{
	printf(
"Usage: touchpoint classify [OPTIONS] [FILE...]\n"
"\n"
"Read events as NDJSON (one JSON object per line) from the FILEs or from\n"
"standard input, and write each object unchanged with a member \"tp\":\n"
"source, medium, campaign, channel_group, channel, touchpoint, stage,\n"
"phase, rule and referrer {known, medium, source, term}; members are left\n"
"out when unknown.\n"
"\n"
"Options:\n"
"%s"
"  --rejects FILE       write refused lines there (NDJSON: file, line,\n"
"                       column, reason, text) instead of to stderr\n"
"  -o, --output FILE    write to FILE instead of standard output\n"
"  -h, --help           show this help\n"
"\n"
"A summary (lines read, classified, rejected, blank) goes to stderr.\n"
"Exit status: 0 every line classified, 1 some lines rejected,\n"
"2 usage error or invalid rules, catalog, referrer or field-map file.\n",
	tp_pipeline_options_help());
}

struct sink {
	FILE *out;
	struct tp_pipeline_stats *stats;
	char *buf;
	size_t cap;
	bool failed;
};

static bool
reserve(struct sink *s, size_t need)
{
	char *b;

	if (need <= s->cap)
		return true;
	b = realloc(s->buf, need);
	if (!b)
		return false;
	s->buf = b;
	s->cap = need;
	return true;
}

/* Write the input line with ,"tp":{...} before its closing brace, in
 * one piece. */
static int
emit(const struct tp_pipeline_event *ev, void *userdata)
{
	struct sink *s = userdata;
	const char *line = ev->text;
	size_t len = ev->len, close, at;
	long need;

	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
		       line[len - 1] == '\r'))
		len--;
	close = len - 1;   /* the reader accepted an object: it ends with } */
	at = close + (ev->empty_object ? 5 : 6);
	/* Room to spare after the line: the writer escapes in one pass when
	 * it has space for the worst case. */
	if (!reserve(s, at + 4096))
		return -1;
	need = tp_result_json(ev->result, s->buf + at, s->cap - at);
	if (need < 0)
		return -1;
	if ((size_t)need + 3 > s->cap - at) {
		if (!reserve(s, at + (size_t)need * 8 + 64))
			return -1;
		tp_result_json(ev->result, s->buf + at, s->cap - at);
	}
	memcpy(s->buf, line, close);
	memcpy(s->buf + close, &",\"tp\":"[ev->empty_object ? 1 : 0],
	       at - close);
	memcpy(s->buf + at + need, "}\n", 2);
	fwrite(s->buf, 1, at + (size_t)need + 2, s->out);
	return 0;
}

int
tp_cmd_classify(int argc, char **argv)
{
	struct tp_pipeline_config cfg;
	struct tp_pipeline_stats stats = { 0 };
	struct sink sink = { stdout, &stats, NULL, 0, false };
	const char *output = NULL;
	int i = 1, rc;

	tp_pipeline_config_init(&cfg, "classify");
	while (i < argc) {
		const char *v;
		int r;

		if (tp_cli_is_help(argv[i])) {
			help();
			tp_pipeline_config_fini(&cfg);
			return TP_EXIT_OK;
		}
		r = tp_pipeline_parse_option(&cfg, argc, argv, &i);
		if (r < 0) {
			tp_pipeline_config_fini(&cfg);
			return TP_EXIT_USAGE;
		}
		if (r > 0)
			continue;
		if ((r = tp_cli_option("classify", argc, argv, &i, "--output", &v)) ||
		    (r = tp_cli_option("classify", argc, argv, &i, "-o", &v))) {
			if (r < 0) {
				tp_pipeline_config_fini(&cfg);
				return TP_EXIT_USAGE;
			}
			output = v;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			tp_pipeline_config_fini(&cfg);
			return tp_cli_usage_error("classify",
						  "unknown option '%s' (see --help)",
						  argv[i]);
		}
		tp_pipeline_add_input(&cfg, argv[i++]);
	}
	if (output) {
		sink.out = fopen(output, "w");
		if (!sink.out) {
			tp_pipeline_config_fini(&cfg);
			return tp_cli_usage_error("classify", "%s: %s", output,
						  strerror(errno));
		}
	}
	rc = tp_pipeline_run(&cfg, emit, &sink, &stats);
	if (fflush(sink.out) != 0 || ferror(sink.out)) {
		fprintf(stderr, "touchpoint classify: error writing the output\n");
		rc = TP_EXIT_USAGE;
	}
	if (output)
		fclose(sink.out);
	free(sink.buf);
	tp_pipeline_config_fini(&cfg);
	return rc;
}
