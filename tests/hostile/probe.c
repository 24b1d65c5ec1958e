/* SPDX-License-Identifier: MIT */
/*
 * tests/hostile/probe: feed one file to one reader of the public API and
 * print what happened, one line per outcome, for tests/hostile/run.py to
 * compare with tests/hostile/EXPECTED.
 *
 *   probe KIND FILE
 *
 * KIND is catalog, rules, refdb, pathtable (the whole file to one loader),
 * ndjson (line by line through tp_reader_parse and tp_classify, as
 * `touchpoint classify` does), timestamp or referrer (each line to
 * tp_timestamp_parse or tp_refdb_lookup).
 *
 * Output: a loader prints `ok` or `STATUS LINE:COL PATH (N faults)`,
 * STATUS the first fault's code name (tp_status without TP_), PATH its
 * JSON path or `-`. An ndjson file prints one line per input line:
 * `N: ok`, `N: blank` or `N: STATUS LINE:COL`. A timestamp or referrer file
 * prints `N: STATUS VALUE`. Every fault must have a message, the source
 * name and a line; the probe exits 3 when one does not, 2 on a usage or
 * I/O error, 0 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#include <touchpoint/touchpoint.h>

static int bad_fault;

static const char *
code(tp_status st)
{
	switch (st) {
	case TP_OK: return "ok";
	case TP_EINVAL: return "EINVAL";
	case TP_ENOMEM: return "ENOMEM";
	case TP_ESYNTAX: return "ESYNTAX";
	case TP_ESCHEMA: return "ESCHEMA";
	case TP_EUTF8: return "EUTF8";
	case TP_ERANGE: return "ERANGE";
	case TP_ENOTFOUND: return "ENOTFOUND";
	case TP_EEXIST: return "EEXIST";
	case TP_EIO: return "EIO";
	case TP_EEMPTY: return "EEMPTY";
	default: return tp_strerror(st);
	}
}

/* Check every fault: a message, the source, a line. */
static void
check_faults(const tp_error *err, const char *source)
{
	size_t i;

	for (i = 0; i < tp_error_count(err); i++) {
		const char *m = tp_error_message(err, i);
		const char *s = tp_error_source(err, i);
		char buf[512];

		tp_error_format(err, i, buf, sizeof(buf));
		if (!m || !*m || !s || strcmp(s, source) != 0 ||
		    tp_error_line(err, i) == 0) {
			fprintf(stderr, "probe: fault %zu lacks a message, source or line: %s\n",
				i, buf);
			bad_fault = 1;
		}
		if (getenv("PROBE_VERBOSE"))
			fprintf(stderr, "  %s\n", buf);
	}
}

static void
print_load(tp_status st, const tp_error *err, const char *source)
{
	const char *path;

	if (st == TP_OK) {
		printf("ok\n");
		return;
	}
	check_faults(err, source);
	if (tp_error_count(err) == 0) {
		fprintf(stderr, "probe: %s without a fault\n", code(st));
		bad_fault = 1;
		printf("%s\n", code(st));
		return;
	}
	path = tp_error_path(err, 0);
	printf("%s %lu:%lu %s (%zu faults)\n", code(st), tp_error_line(err, 0),
	       tp_error_column(err, 0), path && *path ? path : "-",
	       tp_error_count(err));
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 65536 > cap) {
			char *b = realloc(buf, cap = (cap + 65536) * 2);

			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
per_line(const char *kind, const char *name, const char *text, size_t len)
{
	tp_classifier *c = NULL;
	tp_reader *reader = NULL;
	tp_result *result = NULL;
	tp_refdb *db = NULL;
	tp_error *err = tp_error_new();
	const char *p = text, *end = text + len;
	unsigned long line = 0;

	if (!err || tp_classifier_new(NULL, &c, NULL) ||
	    tp_classifier_add_rules_named(c, "default", NULL) ||
	    tp_reader_new(&reader) || tp_result_new(&result) ||
	    tp_refdb_default(&db, NULL))
		return 2;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), k;
		tp_status st;

		line++;
		if (strcmp(kind, "timestamp") == 0) {
			int64_t ms = 0;

			if (n && p[n - 1] == '\r')
				n--;
			st = tp_timestamp_parse(p, n, &ms);
			if (st == TP_OK)
				printf("%lu: ok %" PRId64 "\n", line, ms);
			else
				printf("%lu: %s\n", line, code(st));
		} else if (strcmp(kind, "referrer") == 0) {
			tp_referrer_info info = TP_REFERRER_INFO_INIT;
			char term[256];

			if (n && p[n - 1] == '\r')
				n--;
			st = tp_refdb_lookup(db, p, n, term, sizeof(term), &info);
			printf("%lu: %s %s%s%s\n", line, code(st),
			       info.known ? info.source : "unknown",
			       info.term ? " term=" : "", info.term ? info.term : "");
		} else {
			for (k = 0; k < n; k++)
				if (p[k] != ' ' && p[k] != '\t' && p[k] != '\r')
					break;
			if (k == n) {
				printf("%lu: blank\n", line);
			} else {
				tp_error_clear(err);
				st = tp_reader_parse(reader, p, n, name, line, err);
				if (st == TP_OK) {
					size_t na = 0;
					const tp_attr *a = tp_reader_attrs(reader, &na);

					st = tp_classify(c, a, na, result);
					if (st != TP_OK) {
						fprintf(stderr, "probe: line %lu: classify: %s\n",
							line, code(st));
						bad_fault = 1;
					}
					printf("%lu: ok\n", line);
				} else {
					check_faults(err, name);
					printf("%lu: %s %lu:%lu\n", line, code(st),
					       tp_error_line(err, 0), tp_error_column(err, 0));
					if (tp_error_line(err, 0) != line) {
						fprintf(stderr, "probe: line %lu reported as %lu\n",
							line, tp_error_line(err, 0));
						bad_fault = 1;
					}
				}
			}
		}
		p += n + (nl != NULL);
	}
	tp_refdb_free(db);
	tp_result_free(result);
	tp_reader_free(reader);
	tp_classifier_free(c);
	tp_error_free(err);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *kind, *file, *name;
	tp_error *err;
	char *text;
	size_t len = 0;
	tp_status st;
	int rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: probe KIND FILE\n");
		return 2;
	}
	kind = argv[1];
	file = argv[2];
	name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	text = slurp(file, &len);
	err = tp_error_new();
	if (!text || !err) {
		fprintf(stderr, "probe: cannot read %s\n", file);
		return 2;
	}
	if (strcmp(kind, "catalog") == 0) {
		tp_catalog *cat = NULL;

		st = tp_catalog_load_string(text, len, name, &cat, err);
		print_load(st, err, name);
		tp_catalog_free(cat);
	} else if (strcmp(kind, "rules") == 0) {
		tp_catalog *cat = NULL;
		tp_ruleset *rs = NULL;

		if (tp_catalog_default(&cat, NULL))
			return 2;
		st = tp_ruleset_compile_string(cat, text, len, name, &rs, err);
		print_load(st, err, name);
		tp_ruleset_free(rs);
		tp_catalog_free(cat);
	} else if (strcmp(kind, "refdb") == 0) {
		tp_refdb *db = NULL;

		st = tp_refdb_load_string(text, len, name, &db, err);
		print_load(st, err, name);
		tp_refdb_free(db);
	} else if (strcmp(kind, "pathtable") == 0) {
		tp_paths *paths = NULL;

		st = tp_paths_load_csv_string(text, len, name, NULL, &paths, err);
		print_load(st, err, name);
		if (st == TP_OK)
			printf("rows %zu paths %zu\n", tp_paths_row_count(paths),
			       tp_paths_count(paths));
		tp_paths_free(paths);
	} else if (strcmp(kind, "ndjson") == 0 || strcmp(kind, "timestamp") == 0 ||
		   strcmp(kind, "referrer") == 0) {
		rc = per_line(kind, name, text, len);
	} else {
		fprintf(stderr, "probe: unknown kind %s\n", kind);
		rc = 2;
	}
	tp_error_free(err);
	free(text);
	if (!rc && bad_fault)
		rc = 3;
	return rc;
}
