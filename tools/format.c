/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "format.h"

void
tp_fmt_json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\r')
			fputs("\\r", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			putc(c, out);
	}
	putc('"', out);
}

void
tp_fmt_json_number(FILE *out, double x)
{
	if (!isfinite(x)) {
		fputs("null", out);
		return;
	}
	if (x == 0)
		x = 0;
	fprintf(out, "%.12g", x);
}

void
tp_fmt_csv_field(FILE *out, const char *s)
{
	if (!s)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	putc('"', out);
}

void
tp_fmt_csv_number(FILE *out, double x)
{
	if (!isfinite(x))
		return;
	if (x == 0)
		x = 0;
	fprintf(out, "%.12g", x);
}

void
tp_fmt_title(FILE *out, const char *title)
{
	int i, n = tp_fmt_width(title);

	fprintf(out, "%s\n", title);
	for (i = 0; i < n; i++)
		putc('=', out);
	putc('\n', out);
}

const char *
tp_fmt_percent(double ratio, char *buf, size_t size)
{
	if (!isfinite(ratio))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f%%", 100 * ratio + 0.0);
	return buf;
}

const char *
tp_fmt_duration(double seconds, char *buf, size_t size)
{
	unsigned long long s;

	if (!isfinite(seconds) || seconds < 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	s = (unsigned long long)(seconds + 0.5);
	if (s < 60)
		snprintf(buf, size, "%llus", s);
	else if (s < 3600)
		snprintf(buf, size, s % 60 ? "%llum %02llus" : "%llum", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, s % 3600 / 60 ? "%lluh %02llum" : "%lluh",
			 s / 3600, s % 3600 / 60);
	else
		snprintf(buf, size, s % 86400 / 3600 ? "%llud %02lluh" : "%llud",
			 s / 86400, s % 86400 / 3600);
	return buf;
}

int
tp_fmt_width(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

void
tp_fmt_pad(FILE *out, const char *s, int width)
{
	int n = tp_fmt_width(s);

	fputs(s, out);
	for (; n < width; n++)
		putc(' ', out);
}

void
tp_fmt_rpad(FILE *out, const char *s, int width)
{
	int n = tp_fmt_width(s);

	for (; n < width; n++)
		putc(' ', out);
	fputs(s, out);
}

int
tp_fmt_finish(FILE *out, const char *cmd)
{
	if (fflush(out) != 0 || ferror(out))
		return tp_cli_usage_error(cmd, "cannot write the output");
	return TP_EXIT_OK;
}
