/* SPDX-License-Identifier: MIT */
/* Event timestamps (event.h). */
#include <stdbool.h>
#include <stdio.h>

#include "touchpoint/event.h"
#include "util/export.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static bool
digits(const char *s, size_t len, size_t *pos, unsigned n, unsigned *out)
{
	unsigned v = 0, i;

	if (*pos + n > len)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[*pos + i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (unsigned)(c - '0');
	}
	*pos += n;
	*out = v;
	return true;
}

static bool
expect(const char *s, size_t len, size_t *pos, char c)
{
	if (*pos < len && s[*pos] == c) {
		(*pos)++;
		return true;
	}
	return false;
}

static unsigned
days_in_month(unsigned y, unsigned m)
{
	static const unsigned dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

#define MS_MIN (-62135596800000LL)   /* 0001-01-01T00:00:00Z */
#define MS_MAX (253402300799999LL)   /* 9999-12-31T23:59:59.999Z */

static tp_status
parse_rfc3339(const char *s, size_t len, int64_t *out)
{
	unsigned y, mo, d, h, mi, sec, ms = 0;
	size_t pos = 0;
	int64_t t, off = 0;

	if (!digits(s, len, &pos, 4, &y) || !expect(s, len, &pos, '-') ||
	    !digits(s, len, &pos, 2, &mo) || !expect(s, len, &pos, '-') ||
	    !digits(s, len, &pos, 2, &d))
		return TP_ESYNTAX;
	if (pos < len && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
		pos++;
		if (!digits(s, len, &pos, 2, &h) || !expect(s, len, &pos, ':') ||
		    !digits(s, len, &pos, 2, &mi) || !expect(s, len, &pos, ':') ||
		    !digits(s, len, &pos, 2, &sec))
			return TP_ESYNTAX;
		if (expect(s, len, &pos, '.')) {
			unsigned k = 0;

			if (pos >= len || s[pos] < '0' || s[pos] > '9')
				return TP_ESYNTAX;
			while (pos < len && s[pos] >= '0' && s[pos] <= '9') {
				if (k < 3)
					ms = ms * 10 + (unsigned)(s[pos] - '0');
				k++;
				pos++;
			}
			for (; k < 3; k++)
				ms *= 10;
		}
		if (pos < len && (s[pos] == 'Z' || s[pos] == 'z')) {
			pos++;
		} else if (pos < len && (s[pos] == '+' || s[pos] == '-')) {
			int sign = s[pos] == '-' ? -1 : 1;
			unsigned oh, om;

			pos++;
			if (!digits(s, len, &pos, 2, &oh))
				return TP_ESYNTAX;
			expect(s, len, &pos, ':');
			if (!digits(s, len, &pos, 2, &om) || oh > 23 || om > 59)
				return TP_ESYNTAX;
			off = sign * (int64_t)(oh * 60 + om) * 60000;
		} else if (pos < len) {
			return TP_ESYNTAX;
		}
	} else {
		h = mi = sec = 0;
	}
	if (pos != len)
		return TP_ESYNTAX;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 60)
		return y < 1 ? TP_ERANGE : TP_ESYNTAX;
	if (sec == 60)
		sec = 59;   /* a leap second folds onto the second before */
	t = days_from_civil(y, mo, d) * 86400000LL +
	    (int64_t)(h * 3600 + mi * 60 + sec) * 1000 + ms - off;
	if (t < MS_MIN || t > MS_MAX)
		return TP_ERANGE;
	*out = t;
	return TP_OK;
}

static tp_status
parse_epoch(const char *s, size_t len, int64_t *out)
{
	size_t pos = 0;
	bool neg = false;
	int64_t whole = 0;
	unsigned frac = 0, k = 0;

	if (pos < len && (s[pos] == '-' || s[pos] == '+'))
		neg = s[pos++] == '-';
	if (pos >= len || s[pos] < '0' || s[pos] > '9')
		return TP_ESYNTAX;
	while (pos < len && s[pos] >= '0' && s[pos] <= '9') {
		if (whole > (INT64_MAX - 9) / 10)
			return TP_ERANGE;
		whole = whole * 10 + (s[pos++] - '0');
	}
	if (pos < len && s[pos] == '.') {
		pos++;
		if (pos >= len)
			return TP_ESYNTAX;
		while (pos < len && s[pos] >= '0' && s[pos] <= '9') {
			if (k < 3)
				frac = frac * 10 + (unsigned)(s[pos] - '0');
			k++;
			pos++;
		}
		if (k == 0)
			return TP_ESYNTAX;
		for (; k < 3; k++)
			frac *= 10;
	}
	if (pos != len)
		return TP_ESYNTAX;
	if (whole >= 100000000000LL) {
		/* milliseconds; a fraction is sub-millisecond and dropped */
	} else {
		whole = whole * 1000 + frac;
	}
	if (neg)
		whole = -whole;
	if (whole < MS_MIN || whole > MS_MAX)
		return TP_ERANGE;
	*out = whole;
	return TP_OK;
}

TP_EXPORT tp_status
tp_timestamp_parse(const char *text, size_t len, int64_t *out_ms)
{
	int64_t v = 0;
	tp_status st;

	if (!text || !out_ms)
		return TP_EINVAL;
	/* A date starts with four digits and a dash; anything else numeric
	 * is epoch time. */
	if (len >= 5 && text[4] == '-' && text[0] >= '0' && text[0] <= '9')
		st = parse_rfc3339(text, len, &v);
	else
		st = parse_epoch(text, len, &v);
	if (st == TP_OK)
		*out_ms = v;
	return st;
}

TP_EXPORT tp_status
tp_timestamp_format(int64_t ms, char *buf, size_t size)
{
	int64_t days, rem, y;
	unsigned m, d;

	if (!buf)
		return TP_EINVAL;
	if (size < 25 || ms < MS_MIN || ms > MS_MAX)
		return TP_ERANGE;
	days = ms / 86400000;
	rem = ms % 86400000;
	if (rem < 0) {
		rem += 86400000;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", (int)y, m, d,
		 (int)(rem / 3600000), (int)(rem / 60000 % 60),
		 (int)(rem / 1000 % 60), (int)(rem % 1000));
	return TP_OK;
}
