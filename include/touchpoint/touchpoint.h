/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file touchpoint.h
 * @brief The umbrella header: includes every public header.
 *
 * @mainpage libtouchpoint
 *
 * libtouchpoint turns raw interaction events (web hits with utm parameters
 * and referrers, e-mails, store visits, calls, surveys) into typed
 * touchpoints, orders them into customer journeys, and measures funnels,
 * the touchpoint matrix and attribution.
 *
 * Conventions, the same in every header:
 * - functions that can fail return a ::tp_status (0 = #TP_OK, negative =
 *   error); tp_strerror() names it;
 * - inputs come first, then `[out]` parameters, then `tp_error *err`;
 * - an object returned through `**out` belongs to the caller and is freed
 *   with its own `_free` function; strings returned by accessors belong to
 *   the object they came from;
 * - callbacks take `void *userdata` as their last argument;
 * - compiled, immutable objects (catalogs, rule sets, referrer databases,
 *   classifiers) may be shared by any number of threads; builders and
 *   accumulators belong to one thread at a time.
 *
 * Start with docs/concepts.md, then catalog.h.
 */
#ifndef TOUCHPOINT_TOUCHPOINT_H
#define TOUCHPOINT_TOUCHPOINT_H

#include <touchpoint/version.h>
#include <touchpoint/status.h>
#include <touchpoint/error.h>
#include <touchpoint/alloc.h>
#include <touchpoint/taxonomy.h>
#include <touchpoint/catalog.h>
#include <touchpoint/referrer.h>
#include <touchpoint/event.h>
#include <touchpoint/rules.h>
#include <touchpoint/classifier.h>
#include <touchpoint/reader.h>
#include <touchpoint/attribution.h>
#include <touchpoint/state.h>
#include <touchpoint/journey.h>
#include <touchpoint/funnel.h>
#include <touchpoint/matrix.h>

#endif /* TOUCHPOINT_TOUCHPOINT_H */
