/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
tp_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "touchpoint%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return TP_EXIT_USAGE;
}

void
tp_cli_print_error(const tp_error *err)
{
	size_t i, n = tp_error_count(err);

	for (i = 0; i < n; i++) {
		char buf[1024];

		tp_error_format(err, i, buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
	}
	if (tp_error_dropped(err))
		fprintf(stderr, "(%zu more errors not shown)\n",
			tp_error_dropped(err));
}

int
tp_cli_fail(const char *cmd, const char *what, tp_status st,
	    const tp_error *err)
{
	if (tp_error_count(err))
		tp_cli_print_error(err);
	else
		tp_cli_usage_error(cmd, "%s: %s", what, tp_strerror(st));
	return TP_EXIT_USAGE;
}

bool
tp_cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

bool
tp_cli_parse_count(const char *s, unsigned long long lo, unsigned long long hi,
		   size_t *out)
{
	unsigned long long n;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (*end || errno || n < lo || n > hi || n > (size_t)-1)
		return false;
	*out = (size_t)n;
	return true;
}

int
tp_cli_option(const char *cmd, int argc, char **argv, int *i,
	      const char *name, const char **value)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*value = a + n + 1;
		(*i)++;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		tp_cli_usage_error(cmd, "option %s needs a value", name);
		return -1;
	}
	*value = argv[*i + 1];
	*i += 2;
	return 1;
}
