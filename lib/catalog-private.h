/* SPDX-License-Identifier: MIT */
/*
 * Internal view of a catalog, for the modules that compile against one
 * (rules, classifier, journeys). Indices are int32: -1 means none.
 */
#ifndef TP_CATALOG_PRIVATE_H
#define TP_CATALOG_PRIVATE_H

#include <stdatomic.h>
#include <stdint.h>

#include "touchpoint/catalog.h"
#include "util/strmap.h"

struct tpi_channel {
	char *id;
	char *name;
	tp_channel_kind kind;
};

struct tpi_stage {
	char *id;
	char *name;
	tp_phase phase;
};

struct tpi_touchpoint {
	char *id;
	char *name;
	char *channel_ref;   /* builder only */
	char *stage_ref;     /* builder only */
	int32_t channel;
	int32_t stage;
	/* Indexed by tp_dimension; [TP_DIMENSION_KIND] is the channel's. */
	uint8_t dims[TP_DIMENSION_LAST + 1];
};

struct tpi_funnel {
	char *id;
	char *name;
	char **stage_refs;   /* builder only */
	int32_t *stages;
	size_t n_stages;
};

struct tpi_catalog_items {
	struct tpi_channel *channels;
	size_t n_channels, cap_channels;
	struct tpi_stage *stages;
	size_t n_stages, cap_stages;
	struct tpi_touchpoint *touchpoints;
	size_t n_touchpoints, cap_touchpoints;
	struct tpi_funnel *funnels;
	size_t n_funnels, cap_funnels;
};

struct tp_catalog {
	atomic_uint refs;
	struct tpi_catalog_items it;
	struct tpi_strmap channel_ids;
	struct tpi_strmap stage_ids;
	struct tpi_strmap touchpoint_ids;
	struct tpi_strmap funnel_ids;
};

/* Take one more reference (for objects compiled against the catalog). */
tp_catalog *tpi_catalog_ref(const tp_catalog *catalog);

#endif
