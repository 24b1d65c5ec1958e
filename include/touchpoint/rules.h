/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file rules.h
 * @brief Classification rule sets: the rule language, compiled once.
 *
 * A rule set turns the attributes of a raw event into outputs: a channel,
 * a touchpoint, a funnel stage, any dimension of taxonomy.h, and free
 * labels such as `channel_group`. It is written in JSON (docs/rules.md,
 * docs/rules.schema.json):
 *
 * @code{.json}
 * {
 *   "name": "my-rules",
 *   "lists": { "search_sites": ["google", "bing", "duckduckgo"] },
 *   "groups": [
 *     { "name": "channel_group", "rules": [
 *       { "name": "Paid Search",
 *         "when": { "all": [ { "field": "source", "in": "search_sites" },
 *                            { "field": "medium", "regex": "^(.*cp.*|ppc|paid.*)$" } ] },
 *         "set": { "channel_group": "Paid Search" } },
 *       { "name": "Unassigned", "set": { "channel_group": "Unassigned" } } ] }
 *   ]
 * }
 * @endcode
 *
 * Each group is evaluated first-match-wins, in order, and sets its own
 * outputs; a later group (or a later rule set) can test what an earlier one
 * set. Conditions test any attribute or derived field with eq, ne, in,
 * prefix, suffix, contains, regex (PCRE2 with JIT), exists, missing, gt,
 * ge, lt, le and host, combined with all, any and not; matching ignores
 * case unless a condition says `"case_sensitive": true`.
 *
 * Compiling checks every reference against a catalog (channel, touchpoint
 * and stage ids, dimension values) and reports every fault with source,
 * line, column, JSON path and rule name. Identical conditions are
 * compiled once and evaluated at most once per event; lists become hash
 * sets; regular expressions are JIT-compiled.
 *
 * Built-in rule sets: `ga4` (GA4's default channel group, setting the
 * label channel_group) and `touchpoints` (events onto the default
 * catalog's touchpoints). The name `default` stands for both, in that
 * order (see tp_classifier_add_rules_named()).
 *
 * Thread-safety: a compiled ::tp_ruleset is immutable; any number of
 * threads may use it at once.
 */
#ifndef TOUCHPOINT_RULES_H
#define TOUCHPOINT_RULES_H

#include <stddef.h>
#include <touchpoint/status.h>
#include <touchpoint/error.h>
#include <touchpoint/catalog.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A compiled, immutable rule set (opaque). */
typedef struct tp_ruleset tp_ruleset;

/**
 * Compile a rule set from JSON text.
 *
 * @param catalog The catalog that outputs are checked against; the rule
 *        set keeps a reference to it.
 * @param text The JSON text; need not be NUL-terminated.
 * @param len Its length in bytes.
 * @param source Name for error messages; NULL gives "<string>".
 * @param[out] out The rule set, to be freed with tp_ruleset_free().
 * @param err Receives every fault (line, column, JSON path, rule name);
 *        may be NULL.
 * @return #TP_OK, #TP_ESYNTAX, #TP_ESCHEMA, #TP_ENOTFOUND, #TP_EEXIST,
 *         #TP_EUTF8, #TP_EINVAL, #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_ruleset_compile_string(const tp_catalog *catalog,
				    const char *text, size_t len,
				    const char *source, tp_ruleset **out,
				    tp_error *err);

/**
 * Compile a rule set from a JSON file.
 *
 * @param catalog The catalog that outputs are checked against.
 * @param path The file; its name is the source in error messages.
 * @param[out] out The rule set, to be freed with tp_ruleset_free().
 * @param err Receives every fault; may be NULL.
 * @return As tp_ruleset_compile_string(), and #TP_EIO.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_ruleset_compile_file(const tp_catalog *catalog, const char *path,
				  tp_ruleset **out, tp_error *err);

/**
 * Compile a built-in rule set: `ga4` or `touchpoints`. They are compiled
 * into the library; no file is read.
 *
 * @param catalog The catalog; `touchpoints` needs the default catalog's
 *        ids (a catalog without them gives #TP_ENOTFOUND faults).
 * @param name The rule set's name.
 * @param[out] out The rule set, to be freed with tp_ruleset_free().
 * @param err Receives faults; may be NULL.
 * @return #TP_OK, #TP_ENOTFOUND for an unknown name, faults as
 *         tp_ruleset_compile_string(), #TP_ENOMEM.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_ruleset_builtin(const tp_catalog *catalog, const char *name,
			     tp_ruleset **out, tp_error *err);

/**
 * The names of the built-in rule sets, for listing them.
 *
 * @param index From 0.
 * @return A static name, or NULL past the last one.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_ruleset_builtin_name(size_t index);

/**
 * The source text of a built-in rule set, as compiled into the library
 * (to read it, or to start a rule set of one's own from it).
 *
 * @param name The rule set's name.
 * @param[out] len Length of the text; may be NULL.
 * @return The JSON text (static, NUL-terminated), or NULL for an unknown
 *         name.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_ruleset_builtin_source(const char *name, size_t *len);

/**
 * The rule set's name (its "name" member, else the source name).
 *
 * @param ruleset The rule set.
 * @return A string owned by the rule set; NULL when @p ruleset is NULL.
 * @since 1.0
 * Thread-safety: safe; the rule set is immutable.
 */
const char *tp_ruleset_name(const tp_ruleset *ruleset);

/**
 * How many rules the rule set has, over all its groups.
 *
 * @param ruleset The rule set.
 * @return The count; 0 for NULL.
 * @since 1.0
 * Thread-safety: safe; the rule set is immutable.
 */
size_t tp_ruleset_rule_count(const tp_ruleset *ruleset);

/**
 * Memory held by the compiled rule set, in bytes (lists, conditions,
 * strings and compiled regular expressions; the catalog is not counted).
 *
 * @param ruleset The rule set.
 * @return Bytes; 0 for NULL.
 * @since 1.0
 * Thread-safety: safe; the rule set is immutable.
 */
size_t tp_ruleset_memory(const tp_ruleset *ruleset);

/**
 * Release a rule set. A classifier that uses it keeps its own reference.
 *
 * @param ruleset The rule set; NULL does nothing.
 * @since 1.0
 * Thread-safety: safe from any thread, once per reference.
 */
void tp_ruleset_free(tp_ruleset *ruleset);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_RULES_H */
