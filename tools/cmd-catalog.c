/* SPDX-License-Identifier: MIT */
/* touchpoint catalog: print a catalog as JSON or as a table by stage. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static void
catalog_usage(FILE *out)
{
	fprintf(out,
		"Usage: touchpoint catalog [--catalog FILE] [--format json|text]\n"
		"\n"
		"Print the touchpoint catalog: its channels, touchpoints, funnel\n"
		"stages and funnels.\n"
		"\n"
		"Options:\n"
		"  --catalog FILE   read the catalog from FILE (JSON, see\n"
		"                   docs/catalog-format.md) instead of the built-in one\n"
		"  --format FORMAT  json: the catalog format, which --catalog reads back;\n"
		"                   text: a table of touchpoints grouped by funnel stage\n"
		"                   (default)\n"
		"  -h, --help       show this help\n"
		"\n"
		"Exit status: 0 success, 2 usage error or unreadable or invalid catalog\n"
		"(each fault is printed as FILE:LINE:COL: message).\n");
}

/* A count and the "s" of its plural, for "%zu thing%s". */
#define PLURAL(n) (size_t)(n), ((n) == 1 ? "" : "s")

/* A dimension's value name, "-" for unknown. */
static const char *
value_name(tp_dimension d, int v)
{
	const char *s;

	if (v <= 0)
		return "-";
	s = tp_dimension_value_name(d, v);
	return s ? s : "?";
}

static const tp_dimension columns[] = {
	TP_DIMENSION_KIND, TP_DIMENSION_PHASE, TP_DIMENSION_INITIATOR,
	TP_DIMENSION_PERSONALIZATION, TP_DIMENSION_INTENT,
	TP_DIMENSION_CONTROL, TP_DIMENSION_AGENT, TP_DIMENSION_BUSINESS_MODEL,
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

struct widths {
	int id;
	int channel;
	int dim[N_COLUMNS];
};

static int
max_int(int a, size_t b)
{
	return (size_t)a > b ? a : (int)b;
}

static void
measure(const tp_catalog *c, struct widths *w)
{
	size_t i, k, n = tp_catalog_touchpoint_count(c);

	w->id = (int)strlen("TOUCHPOINT");
	w->channel = (int)strlen("CHANNEL");
	for (k = 0; k < N_COLUMNS; k++)
		w->dim[k] = (int)strlen(tp_dimension_name(columns[k]));
	for (i = 0; i < n; i++) {
		int ch = tp_catalog_touchpoint_channel(c, i);

		w->id = max_int(w->id, strlen(tp_catalog_touchpoint_id(c, i)));
		w->channel = max_int(w->channel,
				     strlen(tp_catalog_channel_id(c, (size_t)ch)));
		for (k = 0; k < N_COLUMNS; k++) {
			int v = tp_catalog_touchpoint_dimension(c, i, columns[k]);

			w->dim[k] = max_int(w->dim[k],
					    strlen(value_name(columns[k], v)));
		}
	}
}

static void
print_header(const struct widths *w)
{
	size_t k;

	printf("  %-*s  %-*s", w->id, "TOUCHPOINT", w->channel, "CHANNEL");
	for (k = 0; k < N_COLUMNS; k++) {
		char up[64];
		const char *name = tp_dimension_name(columns[k]);
		size_t j;

		for (j = 0; name[j] && j + 1 < sizeof(up); j++)
			up[j] = (char)(name[j] >= 'a' && name[j] <= 'z' ?
				       name[j] - 'a' + 'A' : name[j]);
		up[j] = '\0';
		printf("  %-*s", k + 1 < N_COLUMNS ? w->dim[k] : 0, up);
	}
	printf("\n");
}

static void
print_row(const tp_catalog *c, size_t i, const struct widths *w)
{
	int ch = tp_catalog_touchpoint_channel(c, i);
	size_t k;

	printf("  %-*s  %-*s", w->id, tp_catalog_touchpoint_id(c, i),
	       w->channel, tp_catalog_channel_id(c, (size_t)ch));
	for (k = 0; k < N_COLUMNS; k++) {
		int v = tp_catalog_touchpoint_dimension(c, i, columns[k]);

		printf("  %-*s", k + 1 < N_COLUMNS ? w->dim[k] : 0,
		       value_name(columns[k], v));
	}
	printf("\n");
}

/* Print the touchpoints whose default stage is `stage` (-1: none). */
static void
print_group(const tp_catalog *c, int stage, const char *title,
	    const struct widths *w)
{
	size_t i, n = tp_catalog_touchpoint_count(c), count = 0;

	for (i = 0; i < n; i++)
		if (tp_catalog_touchpoint_stage(c, i) ==
		    (stage >= 0 ? stage : TP_ENOTFOUND))
			count++;
	if (stage < 0 && count == 0)
		return;
	printf("\n%s: %zu touchpoint%s\n", title, PLURAL(count));
	if (count == 0)
		return;
	print_header(w);
	for (i = 0; i < n; i++)
		if (tp_catalog_touchpoint_stage(c, i) ==
		    (stage >= 0 ? stage : TP_ENOTFOUND))
			print_row(c, i, w);
}

static void
print_stage_group(const tp_catalog *c, size_t s, const char *where,
		  const struct widths *w)
{
	char title[512];

	snprintf(title, sizeof(title), "%s%s \"%s\" (%s)", where,
		 tp_catalog_stage_id(c, s), tp_catalog_stage_name(c, s),
		 value_name(TP_DIMENSION_PHASE, (int)tp_catalog_stage_phase(c, s)));
	print_group(c, (int)s, title, w);
}

static int
print_text(const tp_catalog *c, const char *source)
{
	size_t i, k, n_stages = tp_catalog_stage_count(c);
	int main_funnel = tp_catalog_find_funnel(c, "seven_stage");
	unsigned char *shown;
	struct widths w;

	shown = calloc(n_stages ? n_stages : 1, 1);
	if (!shown)
		return tp_cli_usage_error("catalog", "out of memory");
	measure(c, &w);
	printf("Catalog %s: %zu channel%s, %zu touchpoint%s, %zu stage%s, "
	       "%zu funnel%s\n", source,
	       PLURAL(tp_catalog_channel_count(c)),
	       PLURAL(tp_catalog_touchpoint_count(c)), PLURAL(n_stages),
	       PLURAL(tp_catalog_funnel_count(c)));

	/* The 7-stage funnel first, then the other stages, then none. */
	if (main_funnel >= 0) {
		size_t n = tp_catalog_funnel_stage_count(c, (size_t)main_funnel);

		for (k = 0; k < n; k++) {
			int s = tp_catalog_funnel_stage(c, (size_t)main_funnel, k);
			char where[96];

			snprintf(where, sizeof(where), "Stage %zu/%zu of seven_stage: ",
				 k + 1, n);
			print_stage_group(c, (size_t)s, where, &w);
			shown[s] = 1;
		}
	}
	for (i = 0; i < n_stages; i++)
		if (!shown[i])
			print_stage_group(c, i, main_funnel >= 0 ?
					  "Stage not in seven_stage: " : "Stage ",
					  &w);
	print_group(c, -1, "No default stage", &w);
	free(shown);

	printf("\nFunnels:\n");
	for (i = 0; i < tp_catalog_funnel_count(c); i++) {
		size_t n = tp_catalog_funnel_stage_count(c, i);

		printf("  %s \"%s\":", tp_catalog_funnel_id(c, i),
		       tp_catalog_funnel_name(c, i));
		for (k = 0; k < n; k++)
			printf("%s%s", k ? " > " : " ",
			       tp_catalog_stage_id(c, (size_t)tp_catalog_funnel_stage(c, i, k)));
		printf("\n");
	}

	printf("\nChannels:\n");
	for (i = 0; i < tp_catalog_channel_count(c); i++) {
		size_t t, n = 0;

		for (t = 0; t < tp_catalog_touchpoint_count(c); t++)
			if (tp_catalog_touchpoint_channel(c, t) == (int)i)
				n++;
		printf("  %-*s  %-8s  %3zu  %s\n", w.channel,
		       tp_catalog_channel_id(c, i),
		       value_name(TP_DIMENSION_KIND, (int)tp_catalog_channel_kind(c, i)),
		       n, tp_catalog_channel_name(c, i));
	}
	return TP_EXIT_OK;
}

static int
print_json(const tp_catalog *c)
{
	char *text;
	size_t len;
	tp_status st = tp_catalog_save_string(c, &text, &len);

	if (st)
		return tp_cli_fail("catalog", "cannot write the catalog", st, NULL);
	fwrite(text, 1, len, stdout);
	tp_free(text);
	return TP_EXIT_OK;
}

int
tp_cmd_catalog(int argc, char **argv)
{
	const char *file = NULL, *format = "text";
	tp_catalog *catalog = NULL;
	tp_error *err;
	tp_status st;
	int i = 1, rc;

	while (i < argc) {
		int r;

		if (tp_cli_is_help(argv[i])) {
			catalog_usage(stdout);
			return TP_EXIT_OK;
		}
		if ((r = tp_cli_option("catalog", argc, argv, &i, "--catalog", &file)) != 0 ||
		    (r = tp_cli_option("catalog", argc, argv, &i, "--format", &format)) != 0) {
			if (r < 0)
				return TP_EXIT_USAGE;
			continue;
		}
		if (argv[i][0] == '-')
			return tp_cli_usage_error("catalog", "unknown option '%s'", argv[i]);
		return tp_cli_usage_error("catalog", "unexpected argument '%s'", argv[i]);
	}
	if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
		return tp_cli_usage_error("catalog",
					  "unknown format '%s' (expected json or text)",
					  format);

	err = tp_error_new();
	if (!err)
		return tp_cli_fail("catalog", "cannot load the catalog", TP_ENOMEM, NULL);
	st = file ? tp_catalog_load_file(file, &catalog, err) :
		tp_catalog_default(&catalog, err);
	if (st) {
		rc = tp_cli_fail("catalog", "cannot load the catalog", st, err);
		tp_error_free(err);
		return rc;
	}
	tp_error_free(err);

	rc = strcmp(format, "json") == 0 ? print_json(catalog) :
		print_text(catalog, file ? file : "(built in)");
	tp_catalog_free(catalog);
	if (fflush(stdout) != 0 || ferror(stdout))
		return tp_cli_usage_error("catalog", "cannot write the output");
	return rc;
}
