/* SPDX-License-Identifier: MIT */
/*
 * Fields of an event (classification outputs, touchpoint dimensions, kept
 * attributes), conditions FIELD=VALUE, durations and exact sums.
 */
#include <math.h>
#include <string.h>

#include "journey/journey-private.h"
#include "touchpoint/taxonomy.h"
#include "util/error.h"
#include "util/export.h"
#include "util/mem.h"
#include "util/text.h"

struct builtin {
	const char *name;
	enum tpi_field_type type;
	int arg;
};

/* The handle of a built-in field is its index here; attributes follow. */
static const struct builtin builtins[] = {
	{ "event", TPI_FIELD_STR, TPI_S_EVENT },
	{ "touchpoint", TPI_FIELD_TOUCHPOINT, 0 },
	{ "channel", TPI_FIELD_CHANNEL, 0 },
	{ "stage", TPI_FIELD_STAGE, 0 },
	{ "phase", TPI_FIELD_PHASE, 0 },
	{ "channel_group", TPI_FIELD_STR, TPI_S_CHANNEL_GROUP },
	{ "source", TPI_FIELD_STR, TPI_S_SOURCE },
	{ "medium", TPI_FIELD_STR, TPI_S_MEDIUM },
	{ "campaign", TPI_FIELD_STR, TPI_S_CAMPAIGN },
	{ "kind", TPI_FIELD_DIMENSION, TP_DIMENSION_KIND },
	{ "initiator", TPI_FIELD_DIMENSION, TP_DIMENSION_INITIATOR },
	{ "personalization", TPI_FIELD_DIMENSION, TP_DIMENSION_PERSONALIZATION },
	{ "intent", TPI_FIELD_DIMENSION, TP_DIMENSION_INTENT },
	{ "control", TPI_FIELD_DIMENSION, TP_DIMENSION_CONTROL },
	{ "agent", TPI_FIELD_DIMENSION, TP_DIMENSION_AGENT },
	{ "business_model", TPI_FIELD_DIMENSION, TP_DIMENSION_BUSINESS_MODEL },
};

#define N_BUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static int
builtin_index(const char *name)
{
	size_t i;

	for (i = 0; i < N_BUILTINS; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool
tpi_field_is_builtin(const char *name)
{
	return builtin_index(name) >= 0 || strcmp(name, "all") == 0;
}

bool
tpi_field_resolve(const struct tp_journey_store *s, const char *name,
		  bool allow_all, struct tpi_field *out)
{
	int b = builtin_index(name);
	size_t i;

	if (b >= 0) {
		out->type = builtins[b].type;
		out->arg = builtins[b].arg;
		return true;
	}
	if (allow_all && strcmp(name, "all") == 0) {
		out->type = TPI_FIELD_ALL;
		out->arg = 0;
		return true;
	}
	for (i = 0; i < s->n_keep; i++) {
		if (strcmp(s->keep[i], name) == 0) {
			out->type = TPI_FIELD_ATTR;
			out->arg = (int)i;
			return true;
		}
	}
	return false;
}

uint32_t
tpi_field_code(const struct tp_journey_store *s, struct tpi_field f,
	       const struct tpi_kind *k)
{
	int v;

	switch (f.type) {
	case TPI_FIELD_STR:
		return k->str[f.arg];
	case TPI_FIELD_TOUCHPOINT:
		return (uint32_t)(k->touchpoint + 1);
	case TPI_FIELD_CHANNEL:
		return (uint32_t)(k->channel + 1);
	case TPI_FIELD_STAGE:
		return (uint32_t)(k->stage + 1);
	case TPI_FIELD_PHASE:
		return k->phase;
	case TPI_FIELD_DIMENSION:
		if (f.arg == TP_DIMENSION_KIND) {
			if (k->channel >= 0)
				return (uint32_t)tp_catalog_channel_kind(
					s->catalog, (size_t)k->channel) + 1;
			return 0;
		}
		if (k->touchpoint < 0)
			return 0;
		v = tp_catalog_touchpoint_dimension(s->catalog,
						    (size_t)k->touchpoint,
						    (tp_dimension)f.arg);
		return v < 0 ? 0 : (uint32_t)v + 1;
	case TPI_FIELD_ATTR:
		return s->kind_attrs[k->attrs + (size_t)f.arg];
	case TPI_FIELD_ALL:
		return 1;
	case TPI_FIELD_NONE:
		break;
	}
	return 0;
}

size_t
tpi_field_code_limit(const struct tp_journey_store *s, struct tpi_field f)
{
	switch (f.type) {
	case TPI_FIELD_STR:
	case TPI_FIELD_ATTR:
		return s->strings.n;
	case TPI_FIELD_TOUCHPOINT:
		return tp_catalog_touchpoint_count(s->catalog) + 1;
	case TPI_FIELD_CHANNEL:
		return tp_catalog_channel_count(s->catalog) + 1;
	case TPI_FIELD_STAGE:
		return tp_catalog_stage_count(s->catalog) + 1;
	case TPI_FIELD_PHASE:
		return (size_t)tp_dimension_value_count(TP_DIMENSION_PHASE);
	case TPI_FIELD_DIMENSION:
		return (size_t)tp_dimension_value_count((tp_dimension)f.arg) + 1;
	case TPI_FIELD_ALL:
		return 2;
	case TPI_FIELD_NONE:
		break;
	}
	return 1;
}

const char *
tpi_field_label(const struct tp_journey_store *s, struct tpi_field f,
		uint32_t code)
{
	if (code == 0)
		return NULL;
	switch (f.type) {
	case TPI_FIELD_STR:
	case TPI_FIELD_ATTR:
		return tpi_strpool_str(&s->strings, code);
	case TPI_FIELD_TOUCHPOINT:
		return tp_catalog_touchpoint_id(s->catalog, code - 1);
	case TPI_FIELD_CHANNEL:
		return tp_catalog_channel_id(s->catalog, code - 1);
	case TPI_FIELD_STAGE:
		return tp_catalog_stage_id(s->catalog, code - 1);
	case TPI_FIELD_PHASE:
		return tp_dimension_value_name(TP_DIMENSION_PHASE, (int)code);
	case TPI_FIELD_DIMENSION:
		return tp_dimension_value_name((tp_dimension)f.arg,
					       (int)code - 1);
	case TPI_FIELD_ALL:
		return "all";
	case TPI_FIELD_NONE:
		break;
	}
	return NULL;
}

int64_t
tpi_field_order(struct tpi_field f, uint32_t code)
{
	if (code == 0)
		return INT64_MAX;
	switch (f.type) {
	case TPI_FIELD_TOUCHPOINT:
	case TPI_FIELD_CHANNEL:
	case TPI_FIELD_STAGE:
	case TPI_FIELD_DIMENSION:
		return (int64_t)code - 1;
	case TPI_FIELD_PHASE:
		return code;
	default:
		return -1;
	}
}

/* ---- conditions ---- */

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

void
tpi_cond_fini(struct tpi_cond *c)
{
	tpi_free(c->text);
	tpi_free(c->field_name);
	tpi_free(c->value);
	memset(c, 0, sizeof(*c));
}

tp_status
tpi_cond_parse(const char *text, bool bare_event, struct tpi_cond *out,
	       tp_error *err, const char *what)
{
	const char *eq = strchr(text, '=');
	const char *f0, *f1, *v0, *v1;
	size_t flen, vlen;

	memset(out, 0, sizeof(*out));
	if (!eq && !bare_event)
		return tpi_error(err, TP_ESYNTAX, NULL, 0, 0, NULL,
				 "%s '%s': expected FIELD=VALUE", what, text);
	if (eq) {
		f0 = text;
		f1 = eq;
		v0 = eq + 1;
	} else {
		f0 = f1 = "event";
		f1 += 5;
		v0 = text;
	}
	v1 = v0 + strlen(v0);
	while (f0 < f1 && is_space(*f0))
		f0++;
	while (f1 > f0 && is_space(f1[-1]))
		f1--;
	while (v0 < v1 && is_space(*v0))
		v0++;
	while (v1 > v0 && is_space(v1[-1]))
		v1--;
	flen = (size_t)(f1 - f0);
	vlen = (size_t)(v1 - v0);
	if (flen == 0)
		return tpi_error(err, TP_ESYNTAX, NULL, 0, 0, NULL,
				 "%s '%s': the field name is empty", what, text);
	if (vlen == 0)
		return tpi_error(err, TP_ESYNTAX, NULL, 0, 0, NULL,
				 "%s '%s': the value is empty", what, text);
	out->field_name = tpi_strndup(f0, flen);
	out->value = tpi_strndup(v0, vlen);
	out->text = tpi_malloc(flen + vlen + 2);
	if (!out->field_name || !out->value || !out->text) {
		tpi_cond_fini(out);
		return TP_ENOMEM;
	}
	memcpy(out->text, f0, flen);
	out->text[flen] = '=';
	memcpy(out->text + flen + 1, v0, vlen);
	out->text[flen + vlen + 1] = '\0';
	out->value_len = vlen;
	return TP_OK;
}

bool
tpi_cond_copy(struct tpi_cond *dst, const struct tpi_cond *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->text = tpi_strdup(src->text);
	dst->field_name = tpi_strdup(src->field_name);
	dst->value = tpi_strdup(src->value);
	if (!dst->text || !dst->field_name || !dst->value) {
		tpi_cond_fini(dst);
		return false;
	}
	dst->value_len = src->value_len;
	dst->field = src->field;
	return true;
}

/* Does a catalog (or enum) field have the value at all? */
static bool
value_exists(const struct tp_journey_store *s, struct tpi_field f,
	     const char *value, size_t len)
{
	size_t i, n = tpi_field_code_limit(s, f);

	for (i = 1; i < n; i++) {
		const char *l = tpi_field_label(s, f, (uint32_t)i);

		if (l && tpi_memcaseeq(l, strlen(l), value, len))
			return true;
	}
	return false;
}

tp_status
tpi_cond_resolve(const struct tp_journey_store *s, struct tpi_cond *c,
		 tp_error *err, const char *what)
{
	if (!tpi_field_resolve(s, c->field_name, false, &c->field))
		return tpi_error(err, TP_ENOTFOUND, NULL, 0, 0, NULL,
				 "%s '%s': unknown field '%s' (not a built-in "
				 "field, and the journey store does not keep "
				 "such an attribute)", what, c->text,
				 c->field_name);
	switch (c->field.type) {
	case TPI_FIELD_TOUCHPOINT:
	case TPI_FIELD_CHANNEL:
	case TPI_FIELD_STAGE:
	case TPI_FIELD_PHASE:
	case TPI_FIELD_DIMENSION:
		if (!value_exists(s, c->field, c->value, c->value_len))
			return tpi_error(err, TP_ENOTFOUND, NULL, 0, 0, NULL,
					 "%s '%s': no %s '%s' in the catalog",
					 what, c->text, c->field_name,
					 c->value);
		break;
	default:
		break;
	}
	return TP_OK;
}

bool
tpi_cond_match(const struct tp_journey_store *s, const struct tpi_cond *c,
	       const struct tpi_kind *k)
{
	uint32_t code = tpi_field_code(s, c->field, k);
	const char *l;

	if (code == 0)
		return false;
	l = tpi_field_label(s, c->field, code);
	return l && tpi_memcaseeq(l, strlen(l), c->value, c->value_len);
}

/* ---- exact sums ---- */

bool
tpi_to_micros(double x, int64_t *out)
{
	double m = x * 1e6;

	if (!isfinite(m) || m >= 9.2e18 || m <= -9.2e18)
		return false;
	*out = (int64_t)llround(m);
	return true;
}

bool
tpi_add_i64(int64_t *acc, int64_t v)
{
	return !__builtin_add_overflow(*acc, v, acc);
}

bool
tpi_add_u64(uint64_t *acc, uint64_t v)
{
	return !__builtin_add_overflow(*acc, v, acc);
}

double
tpi_quantile(const int64_t *v, size_t n, double q)
{
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)h;
	double frac = h - (double)lo;

	if (lo + 1 >= n)
		return (double)v[n - 1];
	return (double)v[lo] + frac * (double)(v[lo + 1] - v[lo]);
}

/* ---- durations ---- */

TP_EXPORT tp_status
tp_duration_parse(const char *text, size_t len, int64_t *out_ms)
{
	const double limit = 4611686018427387904.0;   /* 2^62 */
	double total = 0;
	size_t i = 0;
	int parts = 0;

	if (!text || !out_ms)
		return TP_EINVAL;
	while (i < len && is_space(text[i]))
		i++;
	while (len > i && is_space(text[len - 1]))
		len--;
	if (i == len)
		return TP_ESYNTAX;
	while (i < len) {
		double num = 0, scale = 1, unit;
		bool digits = false;

		while (i < len && text[i] >= '0' && text[i] <= '9') {
			num = num * 10 + (text[i++] - '0');
			digits = true;
		}
		if (i < len && text[i] == '.') {
			i++;
			while (i < len && text[i] >= '0' && text[i] <= '9') {
				scale /= 10;
				num += (text[i++] - '0') * scale;
				digits = true;
			}
		}
		if (!digits)
			return TP_ESYNTAX;
		if (i == len) {
			if (parts > 0)
				return TP_ESYNTAX;   /* "1h30": unit missing */
			unit = 1000;
		} else if (len - i >= 2 && text[i] == 'm' && text[i + 1] == 's') {
			unit = 1;
			i += 2;
		} else {
			switch (text[i]) {
			case 's': unit = 1000; break;
			case 'm': unit = 60e3; break;
			case 'h': unit = 3600e3; break;
			case 'd': unit = 86400e3; break;
			case 'w': unit = 604800e3; break;
			default: return TP_ESYNTAX;
			}
			i++;
		}
		total += num * unit;
		if (total >= limit)
			return TP_ERANGE;
		parts++;
	}
	*out_ms = (int64_t)llround(total);
	return TP_OK;
}
