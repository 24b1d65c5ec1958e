/* SPDX-License-Identifier: MIT */
/* Internal: the path cursor shared by the iterator and the path counts. */
#ifndef TP_PATHS_PRIVATE_H
#define TP_PATHS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journey/journey-private.h"

struct tpi_path_cursor {
	const struct tp_journey_store *s;
	int64_t lookback_ms;
	size_t lookback_steps;
	tp_journey_path_touches touches;   /* never DEFAULT */
	bool exclude_conversion;
	/* position */
	size_t customer;
	size_t pos;
	/* the current path */
	size_t cur_customer;
	bool converted;
	size_t conversion;
	int64_t end_time;
	double value;
	size_t *events;
	int64_t *times;
	size_t n;
};

bool tpi_path_options_valid(const tp_journey_path_options *o);
tp_status tpi_path_cursor_init(struct tpi_path_cursor *pc,
			       const tp_journey_store *s,
			       const tp_journey_path_options *o);
void tpi_path_cursor_fini(struct tpi_path_cursor *pc);
bool tpi_path_cursor_next(struct tpi_path_cursor *pc);

#endif
