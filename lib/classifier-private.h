/* SPDX-License-Identifier: MIT */
/* Internal: the classifier and its result (classifier.c, result.c). */
#ifndef TP_CLASSIFIER_PRIVATE_H
#define TP_CLASSIFIER_PRIVATE_H

#include <stdint.h>

#include "touchpoint/classifier.h"
#include "rules/rules-private.h"
#include "util/strmap.h"

/* The canonical attributes a field map can rename (event.h). */
enum tpi_canon {
	TPI_C_CUSTOMER_ID, TPI_C_TIMESTAMP, TPI_C_EVENT, TPI_C_URL,
	TPI_C_REFERRER, TPI_C_UTM_SOURCE, TPI_C_UTM_MEDIUM, TPI_C_UTM_CAMPAIGN,
	TPI_C_UTM_CONTENT, TPI_C_UTM_TERM, TPI_C_VALUE, TPI_C_SCORE,
	TPI_C_CHANNEL, TPI_C_COUNT
};

struct tp_classifier {
	tp_catalog *catalog;
	tp_refdb *refdb;
	tp_ruleset **rulesets;
	size_t n_rulesets;
	struct tpi_rules_link *links;   /* one per rule set */
	uint16_t **link_tables;         /* their arrays (2 per rule set) */
	/* Attribute slots: canonical ones first (0 .. TPI_C_COUNT-1), then
	 * the names the rule sets read. */
	char **attr_names;
	size_t n_attrs, cap_attrs;
	struct tpi_strmap attr_ids;
	char *canon_names[TPI_C_COUNT];   /* the caller's names */
	/* Label slots. */
	char **label_names;
	size_t n_labels, cap_labels;
	struct tpi_strmap label_ids;
	size_t max_atoms;
	size_t n_groups;                  /* over all rule sets */
	unsigned long generation;         /* bumped by every relink */
	char **internal;                  /* internal domains */
	size_t n_internal, cap_internal;
};

struct tp_result {
	const tp_classifier *classifier;   /* of the last classification */
	const tp_attr *raw;                /* the caller's attributes */
	size_t n_raw;
	struct tpi_eval ev;
	struct tpi_str *attrs;             /* n_attrs slots */
	size_t cap_attrs;
	struct tpi_str *labels;            /* n_labels slots */
	size_t cap_labels;
	uint32_t *memo;
	size_t cap_memo;
	struct tpi_gcache_entry *gcache;   /* classifier->n_groups groups */
	size_t cap_gcache;                 /* in groups */
	unsigned long generation;          /* of the classifier it was filled for */
	char *scratch;                     /* decoded url parameters, term */
	size_t cap_scratch;
	int referrer_known;
	int referrer_parent;               /* known through a parent domain */
	tp_referrer_medium referrer_medium;
	pcre2_general_context *gctx;
};

#endif
