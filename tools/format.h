/* SPDX-License-Identifier: MIT */
/*
 * Output primitives shared by the subcommands that print results: JSON
 * strings and numbers, CSV fields, and the small pieces of the text
 * tables (titles, percentages, durations, column widths), so that every
 * command prints the same value the same way.
 */
#ifndef TP_FORMAT_H
#define TP_FORMAT_H

#include <stdint.h>
#include <stdio.h>

/* A JSON string (quoted, escaped); NULL prints null. */
void tp_fmt_json_string(FILE *out, const char *s);
/* A JSON number with 12 significant digits, so that results are stable
 * across compilers and merges; -0 prints as 0, non-finite as null. */
void tp_fmt_json_number(FILE *out, double x);
/* One CSV field (RFC 4180: quoted when it holds a comma, quote or line
 * break); NULL prints an empty field. */
void tp_fmt_csv_field(FILE *out, const char *s);
/* A CSV number (%.12g, -0 as 0, non-finite empty). */
void tp_fmt_csv_number(FILE *out, double x);

/* A section title of a text report: the text, then a line of '='. */
void tp_fmt_title(FILE *out, const char *title);
/* A ratio as a percentage with one decimal ("62.5%"), into buf. */
const char *tp_fmt_percent(double ratio, char *buf, size_t size);
/* A duration in seconds, readable: "45s", "12m 30s", "3h 05m", "2d 04h";
 * "-" for a negative value. */
const char *tp_fmt_duration(double seconds, char *buf, size_t size);
/* The display width of a UTF-8 string (code points; enough for the
 * labels the command prints). */
int tp_fmt_width(const char *s);
/* Print s left-aligned in a column of `width` display columns. */
void tp_fmt_pad(FILE *out, const char *s, int width);
/* Print s right-aligned in a column of `width` display columns. */
void tp_fmt_rpad(FILE *out, const char *s, int width);

/* Write out, check it, and print a message on failure: returns 0 or the
 * usage exit status. name is the command's name. */
int tp_fmt_finish(FILE *out, const char *cmd);

#endif
