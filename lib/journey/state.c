/* SPDX-License-Identifier: MIT */
/*
 * The mergeable-state formats (state.h): the binary codec (header,
 * varints, CRC-32) and the JSON head, shared by funnels, matrices and
 * path counts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "journey/journey-private.h"
#include "util/error.h"
#include "util/export.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/text.h"

#define MAGIC "TPST"
#define HEADER_LEN 8
#define CRC_LEN 4
#define JSON_FORMAT "touchpoint-state"

static const char *const kind_names[] = {
	NULL, "funnel", "matrix", "path_counts",
};

TP_EXPORT const char *
tp_state_kind_name(tp_state_kind kind)
{
	if ((int)kind <= 0 || (size_t)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return NULL;
	return kind_names[kind];
}

TP_EXPORT const char *
tp_state_format_name(tp_state_format format)
{
	switch (format) {
	case TP_STATE_FORMAT_BINARY: return "binary";
	case TP_STATE_FORMAT_JSON: return "json";
	default: return NULL;
	}
}

TP_EXPORT tp_status
tp_state_format_parse(const char *name, tp_state_format *out)
{
	if (!name || !out)
		return TP_EINVAL;
	if (tpi_strcaseeq(name, "binary"))
		*out = TP_STATE_FORMAT_BINARY;
	else if (tpi_strcaseeq(name, "json"))
		*out = TP_STATE_FORMAT_JSON;
	else
		return TP_ENOTFOUND;
	return TP_OK;
}

/* CRC-32 (IEEE 802.3, reflected, as zlib), four bits at a time. */
static uint32_t
crc32(const unsigned char *p, size_t n)
{
	static const uint32_t t[16] = {
		0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC,
		0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
		0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
		0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
	};
	uint32_t c = 0xFFFFFFFFu;
	size_t i;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		c = (c >> 4) ^ t[c & 15];
		c = (c >> 4) ^ t[c & 15];
	}
	return c ^ 0xFFFFFFFFu;
}

/* ---- writing ---- */

void
tpi_wr_header(struct tpi_buf *b, tp_state_kind kind)
{
	unsigned char h[HEADER_LEN] = { 'T', 'P', 'S', 'T', TP_STATE_VERSION,
					0, 0, 0 };

	h[5] = (unsigned char)kind;
	tpi_buf_append(b, h, sizeof(h));
}

void
tpi_wr_u64(struct tpi_buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		unsigned char c = v & 0x7F;

		v >>= 7;
		tmp[n++] = (unsigned char)(c | (v ? 0x80 : 0));
	} while (v);
	tpi_buf_append(b, tmp, n);
}

void
tpi_wr_i64(struct tpi_buf *b, int64_t v)
{
	tpi_wr_u64(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void
tpi_wr_str(struct tpi_buf *b, const char *s, size_t len)
{
	tpi_wr_u64(b, len);
	tpi_buf_append(b, s, len);
}

bool
tpi_wr_finish(struct tpi_buf *b)
{
	uint32_t c;
	unsigned char t[CRC_LEN];

	if (b->failed)
		return false;
	c = crc32((const unsigned char *)b->data, b->len);
	t[0] = (unsigned char)c;
	t[1] = (unsigned char)(c >> 8);
	t[2] = (unsigned char)(c >> 16);
	t[3] = (unsigned char)(c >> 24);
	return tpi_buf_append(b, t, sizeof(t));
}

/* ---- reading ---- */

static tp_status
rd_fail(struct tpi_rd *rd, tp_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static tp_status
rd_fail(struct tpi_rd *rd, tp_status code, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (rd->st == TP_OK) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		tpi_error(rd->err, code, rd->source, 0, 0, NULL, "%s", msg);
		rd->st = code;
	}
	return rd->st;
}

static tp_status
check_header(const unsigned char *d, size_t len, const char *source,
	     tp_state_kind *kind, tp_error *err)
{
	if (len < 4 || memcmp(d, MAGIC, 4) != 0)
		return tpi_error(err, TP_ESYNTAX, source, 0, 0, NULL,
				 "not a libtouchpoint state (no TPST header and "
				 "not JSON)");
	if (len < HEADER_LEN + CRC_LEN)
		return tpi_error(err, TP_ESYNTAX, source, 0, 0, NULL,
				 "state is truncated: %zu bytes, the header "
				 "and checksum alone take %d", len,
				 HEADER_LEN + CRC_LEN);
	if (d[4] != TP_STATE_VERSION)
		return tpi_error(err, TP_EVERSION, source, 0, 0, NULL,
				 "state format version %u is not supported "
				 "(this library reads version %d)",
				 (unsigned)d[4], TP_STATE_VERSION);
	if (d[6] || d[7])
		return tpi_error(err, TP_ESYNTAX, source, 0, 0, NULL,
				 "state header is corrupt (reserved bytes "
				 "are not zero)");
	if (!tp_state_kind_name((tp_state_kind)d[5]))
		return tpi_error(err, TP_ESCHEMA, source, 0, 0, NULL,
				 "unknown state kind %u", (unsigned)d[5]);
	*kind = (tp_state_kind)d[5];
	return TP_OK;
}

tp_status
tpi_rd_open(struct tpi_rd *rd, const void *data, size_t len,
	    const char *source, tp_state_kind kind, tp_error *err)
{
	const unsigned char *d = data;
	tp_state_kind got;
	uint32_t want;
	tp_status st;

	memset(rd, 0, sizeof(*rd));
	rd->source = source;
	rd->err = err;
	st = check_header(d, len, source, &got, err);
	if (st != TP_OK)
		return st;
	if (got != kind)
		return tpi_error(err, TP_EMISMATCH, source, 0, 0, NULL,
				 "this is a %s state, not a %s state",
				 tp_state_kind_name(got),
				 tp_state_kind_name(kind));
	want = (uint32_t)d[len - 4] | (uint32_t)d[len - 3] << 8 |
	       (uint32_t)d[len - 2] << 16 | (uint32_t)d[len - 1] << 24;
	if (crc32(d, len - CRC_LEN) != want)
		return tpi_error(err, TP_ESYNTAX, source, 0, 0, NULL,
				 "state is corrupt: checksum mismatch (damaged "
				 "or truncated data)");
	rd->start = d;
	rd->p = d + HEADER_LEN;
	rd->end = d + len - CRC_LEN;
	return TP_OK;
}

bool
tpi_rd_u64(struct tpi_rd *rd, uint64_t *v)
{
	uint64_t r = 0;
	unsigned shift = 0;

	if (rd->st != TP_OK)
		return false;
	for (;;) {
		unsigned char c;

		if (rd->p >= rd->end) {
			rd_fail(rd, TP_ESYNTAX, "state is truncated at byte %zu",
				(size_t)(rd->p - rd->start));
			return false;
		}
		c = *rd->p++;
		if (shift == 63 && (c & 0x7E)) {
			rd_fail(rd, TP_ESYNTAX, "number too large at byte %zu",
				(size_t)(rd->p - rd->start - 1));
			return false;
		}
		r |= (uint64_t)(c & 0x7F) << shift;
		if (!(c & 0x80))
			break;
		shift += 7;
		if (shift > 63) {
			rd_fail(rd, TP_ESYNTAX, "number too long at byte %zu",
				(size_t)(rd->p - rd->start - 1));
			return false;
		}
	}
	*v = r;
	return true;
}

bool
tpi_rd_i64(struct tpi_rd *rd, int64_t *v)
{
	uint64_t u;

	if (!tpi_rd_u64(rd, &u))
		return false;
	*v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
	return true;
}

bool
tpi_rd_count(struct tpi_rd *rd, uint64_t max, size_t *v)
{
	uint64_t u;
	size_t at = (size_t)(rd->p - rd->start);

	if (!tpi_rd_u64(rd, &u))
		return false;
	if (u > max || u > SIZE_MAX) {
		rd_fail(rd, TP_ESCHEMA, "impossible count %llu at byte %zu",
			(unsigned long long)u, at);
		return false;
	}
	*v = (size_t)u;
	return true;
}

bool
tpi_rd_str(struct tpi_rd *rd, const char **s, size_t *len)
{
	size_t n;

	if (!tpi_rd_count(rd, (uint64_t)(rd->end - rd->p), &n))
		return false;
	*s = (const char *)rd->p;
	*len = n;
	rd->p += n;
	return true;
}

bool
tpi_rd_bad(struct tpi_rd *rd, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rd_fail(rd, TP_ESCHEMA, "%s (before byte %zu)", msg,
		(size_t)(rd->p - rd->start));
	return false;
}

tp_status
tpi_rd_close(struct tpi_rd *rd)
{
	if (rd->st == TP_OK && rd->p != rd->end)
		rd_fail(rd, TP_ESYNTAX, "%zu unexpected bytes at the end of "
			"the state", (size_t)(rd->end - rd->p));
	return rd->st;
}

bool
tpi_state_is_json(const void *data, size_t len)
{
	const char *d = data;
	size_t i = 0;

	if (len >= 3 && (unsigned char)d[0] == 0xEF &&
	    (unsigned char)d[1] == 0xBB && (unsigned char)d[2] == 0xBF)
		i = 3;
	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' ||
			   d[i] == '\r'))
		i++;
	return i < len && d[i] == '{';
}

/* ---- JSON ---- */

void
tpi_json_head(struct tpi_buf *b, tp_state_kind kind)
{
	tpi_buf_printf(b, "{\"format\":\"" JSON_FORMAT "\",\"version\":%d,"
		       "\"kind\":\"%s\"", TP_STATE_VERSION,
		       tp_state_kind_name(kind));
}

void
tpi_jrd_init(struct tpi_jrd *j, const void *data, size_t len,
	     const char *source, tp_error *err)
{
	memset(j, 0, sizeof(*j));
	j->err = err;
	j->first_error = tp_error_count(err);
	j->data = data;
	j->len = len;
	j->source = source;
	tpi_path_init(&j->path);
}

tp_status
tpi_jrd_fini(struct tpi_jrd *j)
{
	if (j->st != TP_OK && j->st != TP_ENOMEM)
		tpi_json_locate_errors(j->err, j->first_error, j->data, j->len,
				       j->source);
	tpi_path_fini(&j->path);
	return j->st;
}

bool
tpi_jfail(struct tpi_jrd *j, tp_status code, const char *member,
	  const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (j->st == TP_OK)
		j->st = code;
	if (code == TP_ENOMEM)
		return false;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (member)
		tpi_path_push_key(&j->path, member);
	tpi_error(j->err, code, j->source, 0, 0, tpi_path_str(&j->path),
		  "%s", msg);
	if (member)
		tpi_path_pop(&j->path);
	return false;
}

static const char *
type_name(int type)
{
	switch (type) {
	case cJSON_Number: return "a number";
	case cJSON_String: return "a string";
	case cJSON_Array: return "an array";
	case cJSON_Object: return "an object";
	default: return "a value";
	}
}

const cJSON *
tpi_jmember(struct tpi_jrd *j, const cJSON *obj, const char *name, int type)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!m) {
		tpi_jfail(j, TP_ESCHEMA, NULL, "member \"%s\" is missing",
			  name);
		return NULL;
	}
	if ((m->type & 0xFF) != type) {
		tpi_jfail(j, TP_ESCHEMA, name, "\"%s\" must be %s, not %s",
			  name, type_name(type), tpi_json_type_name(m));
		return NULL;
	}
	return m;
}

/*
 * Exact integers. cJSON keeps a number as a double, which holds integers
 * exactly only up to 2^53 in magnitude, while a state holds 64-bit counts
 * and sums. So every number of a parsed state is paired with its text:
 * numbers come in the same order in the text as in a depth-first walk of
 * the tree, and one pass over the text (skipping strings) finds them. The
 * place of its text goes in the item's valuestring, which cJSON leaves
 * unused for numbers, and the item is marked cJSON_IsReference so that
 * cJSON_Delete() does not free it. tpi_jint() and tpi_juint() then read the
 * integer from the text, exactly, in the whole 64-bit range.
 */

static bool
num_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	       c == 'e' || c == 'E';
}

/* Length of the number text at s (at most `room` bytes). */
static size_t
num_len(const char *s, size_t room)
{
	size_t n = 0;

	while (n < room && num_char(s[n]))
		n++;
	return n;
}

struct num_scan {
	const char *text;
	size_t len, pos;
	bool ok;
};

/* The next number of the text, or NULL. */
static const char *
next_number(struct num_scan *sc)
{
	const char *t = sc->text;
	size_t i = sc->pos;

	while (i < sc->len) {
		if (t[i] == '"') {
			for (i++; i < sc->len && t[i] != '"'; i++)
				if (t[i] == '\\')
					i++;
			i++;
		} else if (t[i] == '-' || (t[i] >= '0' && t[i] <= '9')) {
			size_t start = i;

			i += num_len(t + i, sc->len - i);
			sc->pos = i;
			return t + start;
		} else {
			i++;
		}
	}
	sc->pos = sc->len;
	return NULL;
}

/* Pair the numbers of the tree with their text (mark), or undo it. */
static void
pair_numbers(cJSON *item, struct num_scan *sc, bool mark)
{
	for (; item; item = item->next) {
		if ((item->type & 0xFF) == cJSON_Number) {
			const char *p = mark ? next_number(sc) : NULL;

			if (mark && !p)
				sc->ok = false;
			if (p) {
				item->valuestring = (char *)p;
				item->type |= cJSON_IsReference;
			} else if (item->type & cJSON_IsReference) {
				item->valuestring = NULL;
				item->type &= ~cJSON_IsReference;
			}
		}
		pair_numbers(item->child, sc, mark);
	}
}

/* Parse the JSON state j was opened on; its numbers can be read exactly. */
static tp_status
json_parse_state(struct tpi_jrd *j, cJSON **root)
{
	struct num_scan sc = { j->data, j->len, 0, true };
	tp_status st = tpi_json_parse(j->data, j->len, j->source, root, j->err);

	if (st != TP_OK) {
		j->st = st;
		return st;
	}
	pair_numbers(*root, &sc, true);
	if (!sc.ok || next_number(&sc)) {
		/* The text and the tree disagree: read no number. */
		pair_numbers(*root, &sc, false);
	}
	return TP_OK;
}

enum exact { EXACT_INT, EXACT_FRACTION, EXACT_BEYOND };

/*
 * The exact value of the JSON number text s[0..n) (already accepted by the
 * parser): an integer as a sign and a magnitude below 2^64, a number with
 * a fractional part, or an integer of 2^64 or more in magnitude. Forms
 * with a fraction or an exponent count by their value: 1.0 and 1e3 are
 * integers.
 */
static enum exact
exact_integer(const char *s, size_t n, bool *neg, uint64_t *mag)
{
	size_t i = 0, m0, digits = 0, frac = 0, first = SIZE_MAX, last = 0;
	int64_t exp = 0, e;
	uint64_t v = 0;
	bool in_frac = false, eneg = false;

	*neg = n > 0 && s[0] == '-';
	*mag = 0;
	i = m0 = *neg ? 1 : 0;
	for (; i < n; i++) {
		if (s[i] == '.' && !in_frac) {
			in_frac = true;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			break;
		if (s[i] != '0') {
			if (first == SIZE_MAX)
				first = digits;
			last = digits;
		}
		digits++;
		if (in_frac)
			frac++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (exp < 1000000000)
				exp = exp * 10 + (s[i] - '0');
		if (eneg)
			exp = -exp;
	}
	if (first == SIZE_MAX) {        /* zero, whatever its form */
		*neg = false;
		return EXACT_INT;
	}
	/* The value is digits[first..last] times 10^e. */
	e = exp - (int64_t)frac + (int64_t)(digits - 1 - last);
	if (e < 0)
		return EXACT_FRACTION;  /* the last significant digit is not 0 */
	if ((int64_t)(last - first + 1) + e > 20)
		return EXACT_BEYOND;    /* 10^20 > 2^64 */
	digits = 0;
	for (i = m0; i < n && digits <= last; i++) {
		unsigned d;

		if (s[i] == '.')
			continue;
		d = (unsigned)(s[i] - '0');
		if (digits++ < first)
			continue;
		if (v > (UINT64_MAX - d) / 10)
			return EXACT_BEYOND;
		v = v * 10 + d;
	}
	for (; e > 0; e--) {
		if (v > UINT64_MAX / 10)
			return EXACT_BEYOND;
		v *= 10;
	}
	*mag = v;
	return EXACT_INT;
}

#define NUM_TEXT 72

/*
 * Read item as an exact integer: *neg and *mag, or *beyond when it is
 * 2^64 or more in magnitude; its text goes to num for messages. Reports
 * and returns false when it is not a number or not an integer.
 */
static bool
jinteger(struct tpi_jrd *j, const cJSON *item, const char *member,
	 bool *neg, uint64_t *mag, bool *beyond, char num[NUM_TEXT])
{
	const char *s;
	size_t n;

	if (!cJSON_IsNumber(item))
		return tpi_jfail(j, TP_ESCHEMA, member, "expected an integer, "
				 "not %s", tpi_json_type_name(item));
	s = item->valuestring;
	if (!(item->type & cJSON_IsReference) || !s)
		return tpi_jfail(j, TP_ESCHEMA, member, "%.17g cannot be read "
				 "exactly", item->valuedouble);
	n = num_len(s, (size_t)(j->data + j->len - s));
	if (n > 64)
		snprintf(num, NUM_TEXT, "%.60s...", s);
	else
		snprintf(num, NUM_TEXT, "%.*s", (int)n, s);
	*beyond = false;
	switch (exact_integer(s, n, neg, mag)) {
	case EXACT_FRACTION:
		return tpi_jfail(j, TP_ESCHEMA, member, "%s is not an integer",
				 num);
	case EXACT_BEYOND:
		*beyond = true;
		return true;
	case EXACT_INT:
	default:
		/* The text is the number the parser read. */
		if ((*neg ? -(double)*mag : (double)*mag) != item->valuedouble)
			return tpi_jfail(j, TP_ESCHEMA, member, "%s cannot be "
					 "read exactly", num);
		return true;
	}
}

bool
tpi_jint(struct tpi_jrd *j, const cJSON *item, const char *member,
	 int64_t min, int64_t max, int64_t *out)
{
	char num[NUM_TEXT];
	uint64_t mag;
	bool neg, beyond;
	int64_t v;

	if (!jinteger(j, item, member, &neg, &mag, &beyond, num))
		return false;
	if (!beyond && mag <= (uint64_t)INT64_MAX + neg) {
		if (!neg)
			v = (int64_t)mag;
		else if (mag == (uint64_t)INT64_MAX + 1)
			v = INT64_MIN;
		else
			v = -(int64_t)mag;
		if (v >= min && v <= max) {
			*out = v;
			return true;
		}
	}
	return tpi_jfail(j, TP_ESCHEMA, member, "%s is out of range (%lld to "
			 "%lld)", num, (long long)min, (long long)max);
}

bool
tpi_juint(struct tpi_jrd *j, const cJSON *item, const char *member,
	  uint64_t min, uint64_t max, uint64_t *out)
{
	char num[NUM_TEXT];
	uint64_t mag;
	bool neg, beyond;

	if (!jinteger(j, item, member, &neg, &mag, &beyond, num))
		return false;
	if (!beyond && !neg && mag >= min && mag <= max) {
		*out = mag;
		return true;
	}
	return tpi_jfail(j, TP_ESCHEMA, member, "%s is out of range (%llu to "
			 "%llu)", num, (unsigned long long)min,
			 (unsigned long long)max);
}

bool
tpi_jint_member(struct tpi_jrd *j, const cJSON *obj, const char *name,
		int64_t min, int64_t max, int64_t *out)
{
	const cJSON *m = tpi_jmember(j, obj, name, cJSON_Number);

	return m && tpi_jint(j, m, name, min, max, out);
}

bool
tpi_juint_member(struct tpi_jrd *j, const cJSON *obj, const char *name,
		 uint64_t min, uint64_t max, uint64_t *out)
{
	const cJSON *m = tpi_jmember(j, obj, name, cJSON_Number);

	return m && tpi_juint(j, m, name, min, max, out);
}

bool
tpi_jstr_member(struct tpi_jrd *j, const cJSON *obj, const char *name,
		bool nullable, const char **out)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (m && nullable && cJSON_IsNull(m)) {
		*out = NULL;
		return true;
	}
	m = tpi_jmember(j, obj, name, cJSON_String);
	if (!m)
		return false;
	*out = m->valuestring;
	return true;
}

/* Check the head of a parsed JSON state; the kind found goes to *kind. */
static tp_status
json_check_head(struct tpi_jrd *j, const cJSON *root, tp_state_kind *kind)
{
	const char *format, *name;
	int64_t version;
	int k;

	if (!cJSON_IsObject(root)) {
		tpi_jfail(j, TP_ESYNTAX, NULL, "a state is a JSON object, "
			  "not %s", tpi_json_type_name(root));
		return j->st;
	}
	if (!tpi_jstr_member(j, root, "format", false, &format))
		return j->st;
	if (strcmp(format, JSON_FORMAT) != 0) {
		tpi_jfail(j, TP_ESYNTAX, "format", "not a libtouchpoint state "
			  "(format is \"%s\", expected \"" JSON_FORMAT "\")",
			  format);
		return j->st;
	}
	if (!tpi_jint_member(j, root, "version", 0, INT32_MAX, &version))
		return j->st;
	if (version != TP_STATE_VERSION) {
		tpi_jfail(j, TP_EVERSION, "version", "state format version "
			  "%lld is not supported (this library reads version "
			  "%d)", (long long)version, TP_STATE_VERSION);
		return j->st;
	}
	if (!tpi_jstr_member(j, root, "kind", false, &name))
		return j->st;
	for (k = 1; tp_state_kind_name((tp_state_kind)k); k++) {
		if (strcmp(name, tp_state_kind_name((tp_state_kind)k)) == 0) {
			*kind = (tp_state_kind)k;
			return TP_OK;
		}
	}
	tpi_jfail(j, TP_ESCHEMA, "kind", "unknown state kind \"%s\"", name);
	return j->st;
}

tp_status
tpi_json_open(struct tpi_jrd *j, tp_state_kind kind, cJSON **root)
{
	tp_state_kind got = TP_STATE_KIND_UNKNOWN;
	tp_status st;

	*root = NULL;
	st = json_parse_state(j, root);
	if (st != TP_OK)
		return st;
	if (json_check_head(j, *root, &got) != TP_OK)
		goto fail;
	if (got != kind) {
		tpi_jfail(j, TP_EMISMATCH, "kind", "this is a %s state, not a "
			  "%s state", tp_state_kind_name(got),
			  tp_state_kind_name(kind));
		goto fail;
	}
	return TP_OK;
fail:
	cJSON_Delete(*root);
	*root = NULL;
	return j->st;
}

TP_EXPORT tp_status
tp_state_identify(const void *data, size_t len, const char *source,
		  tp_state_kind *kind, tp_state_format *format, tp_error *err)
{
	tp_state_kind got = TP_STATE_KIND_UNKNOWN;
	tp_status st;

	if (!data || !kind)
		return TP_EINVAL;
	if (!source)
		source = "<state>";
	if (tpi_state_is_json(data, len)) {
		struct tpi_jrd j;
		cJSON *root = NULL;

		tpi_jrd_init(&j, data, len, source, err);
		st = json_parse_state(&j, &root);
		if (st == TP_OK)
			st = json_check_head(&j, root, &got);
		cJSON_Delete(root);
		st = tpi_jrd_fini(&j);
		if (st != TP_OK)
			return st;
		if (format)
			*format = TP_STATE_FORMAT_JSON;
	} else {
		st = check_header(data, len, source, &got, err);
		if (st != TP_OK)
			return st;
		if (format)
			*format = TP_STATE_FORMAT_BINARY;
	}
	*kind = got;
	return TP_OK;
}
