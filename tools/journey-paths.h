/* SPDX-License-Identifier: MIT */
/*
 * The bridge from journeys to attribution: the paths to conversion of a
 * finished journey store (journey.h's path iterator, with its lookback
 * window) become a timed path set (attribution.h) whose items are one
 * field of the touches: channel, channel_group, touchpoint, stage or
 * source. Used by `touchpoint attribute FILE.ndjson` and the attribution
 * section of `touchpoint report`.
 *
 * Each path of each journey is one row: 1 conversion (with the
 * conversion's value and time) or 1 null, and the times of its touches,
 * so that every model, time decay included, can run. A touch without a
 * value for the field is left out of its path, as tp_path_counts_compute()
 * does; a path left without touches cannot be attributed and is counted
 * in the stats instead.
 */
#ifndef TP_JOURNEY_PATHS_H
#define TP_JOURNEY_PATHS_H

#include <stdint.h>

#include <touchpoint/touchpoint.h>

struct tp_cli_paths_stats {
	uint64_t paths;               /* rows added */
	uint64_t conversions;         /* converting rows added */
	uint64_t empty_paths;         /* paths without a touch: left out */
	uint64_t empty_conversions;   /* of those, converting ones */
	double empty_value;           /* and their value */
};

/* Fill *out with a new path set; TP_OK or the failing status (the
 * message in err when there is one). */
tp_status tp_cli_paths_from_journeys(const tp_journey_store *store,
				     tp_attribution_by by,
				     const tp_journey_path_options *cut,
				     tp_paths **out,
				     struct tp_cli_paths_stats *stats,
				     tp_error *err);

/* A note on stderr about the paths left out (nothing when none). */
void tp_cli_paths_note(const char *cmd, tp_attribution_by by,
		       const struct tp_cli_paths_stats *stats);

#endif
