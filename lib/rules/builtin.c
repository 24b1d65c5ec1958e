/* SPDX-License-Identifier: MIT */
/* The built-in rule sets, compiled into the library (rules.h). */
#include <stdio.h>
#include <string.h>

#include "rules/rules-private.h"
#include "util/error.h"
#include "util/export.h"

extern const char tpi_rules_ga4_json[];
extern const size_t tpi_rules_ga4_json_len;
extern const char tpi_rules_touchpoints_json[];
extern const size_t tpi_rules_touchpoints_json_len;

static const struct {
	const char *name;
	const char *text;
	const size_t *len;
} builtins[] = {
	{ "ga4", tpi_rules_ga4_json, &tpi_rules_ga4_json_len },
	{ "touchpoints", tpi_rules_touchpoints_json, &tpi_rules_touchpoints_json_len },
};

#define N_BUILTINS (sizeof(builtins) / sizeof(builtins[0]))

TP_EXPORT const char *
tp_ruleset_builtin_name(size_t index)
{
	return index < N_BUILTINS ? builtins[index].name : NULL;
}

TP_EXPORT const char *
tp_ruleset_builtin_source(const char *name, size_t *len)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < N_BUILTINS; i++) {
		if (strcmp(name, builtins[i].name) == 0) {
			if (len)
				*len = *builtins[i].len;
			return builtins[i].text;
		}
	}
	return NULL;
}

TP_EXPORT tp_status
tp_ruleset_builtin(const tp_catalog *catalog, const char *name,
		   tp_ruleset **out, tp_error *err)
{
	char source[64];
	const char *text;
	size_t len = 0;

	if (!catalog || !name || !out)
		return TP_EINVAL;
	*out = NULL;
	text = tp_ruleset_builtin_source(name, &len);
	if (!text)
		return tpi_error(err, TP_ENOTFOUND, NULL, 0, 0, NULL,
				 "no built-in rule set \"%s\" (ga4, touchpoints)",
				 name);
	/* Faults name the file the rule set was generated from. */
	snprintf(source, sizeof(source), "<builtin:%s>", name);
	return tp_ruleset_compile_string(catalog, text, len, source, out, err);
}
