/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journey-paths.h"

/* Item ids by the address of the field's text: the store and the catalog
 * keep each distinct string once, so equal values have equal pointers
 * and the path set's hash lookup runs once per distinct value. */
struct idcache {
	const char **keys;
	uint32_t *ids;
	size_t cap, n;
};

static size_t
slot(const struct idcache *c, const char *key)
{
	uintptr_t h = (uintptr_t)key;
	size_t i;

	h ^= h >> 17;
	h *= (uintptr_t)0x9e3779b97f4a7c15ull;
	i = (size_t)(h >> 7) & (c->cap - 1);
	while (c->keys[i] && c->keys[i] != key)
		i = (i + 1) & (c->cap - 1);
	return i;
}

static tp_status
cache_id(struct idcache *c, tp_paths *p, const char *key, uint32_t *id)
{
	size_t i;
	tp_status st;

	if (c->n * 2 >= c->cap) {
		struct idcache g = { NULL, NULL, c->cap ? c->cap * 2 : 64, 0 };
		size_t k;

		g.keys = calloc(g.cap, sizeof(*g.keys));
		g.ids = calloc(g.cap, sizeof(*g.ids));
		if (!g.keys || !g.ids) {
			free(g.keys);
			free(g.ids);
			return TP_ENOMEM;
		}
		for (k = 0; k < c->cap; k++)
			if (c->keys[k]) {
				size_t j = slot(&g, c->keys[k]);

				g.keys[j] = c->keys[k];
				g.ids[j] = c->ids[k];
			}
		g.n = c->n;
		free(c->keys);
		free(c->ids);
		*c = g;
	}
	i = slot(c, key);
	if (c->keys[i]) {
		*id = c->ids[i];
		return TP_OK;
	}
	st = tp_paths_intern(p, key, strlen(key), id);
	if (st)
		return st;
	c->keys[i] = key;
	c->ids[i] = *id;
	c->n++;
	return TP_OK;
}

tp_status
tp_cli_paths_from_journeys(const tp_journey_store *store, tp_attribution_by by,
			   const tp_journey_path_options *cut, tp_paths **out,
			   struct tp_cli_paths_stats *stats, tp_error *err)
{
	struct idcache cache = { NULL, NULL, 0, 0 };
	tp_journey_path_iter *it = NULL;
	tp_paths *p = NULL;
	uint32_t *ids = NULL;
	int64_t *times = NULL;
	size_t cap = 0;
	const char *name = tp_attribution_by_name(by);
	int field;
	tp_status st;

	memset(stats, 0, sizeof(*stats));
	*out = NULL;
	field = tp_journey_store_find_field(store, name ? name : "");
	if (field < 0)
		return (tp_status)field;
	st = tp_paths_new(by, &p);
	if (!st)
		st = tp_journey_path_iter_new(store, cut, &it);
	while (!st && tp_journey_path_iter_next(it)) {
		size_t len = tp_journey_path_iter_length(it), k, n = 0;
		const size_t *ev = tp_journey_path_iter_events(it);
		const int64_t *t = tp_journey_path_iter_times(it);
		int converted = tp_journey_path_iter_converted(it);
		tp_path path = TP_PATH_INIT;

		if (len > cap) {
			uint32_t *ni = realloc(ids, len * sizeof(*ids));
			int64_t *nt;

			if (ni)
				ids = ni;
			nt = ni ? realloc(times, len * sizeof(*times)) : NULL;
			if (!nt) {
				st = TP_ENOMEM;
				break;
			}
			times = nt;
			cap = len;
		}
		for (k = 0; !st && k < len; k++) {
			const char *v = tp_journey_store_event_field(store, ev[k], field);

			if (!v || !*v)
				continue;
			st = cache_id(&cache, p, v, &ids[n]);
			times[n++] = t[k];
		}
		if (st)
			break;
		if (n == 0) {
			stats->empty_paths++;
			if (converted) {
				stats->empty_conversions++;
				stats->empty_value += tp_journey_path_iter_value(it);
			}
			continue;
		}
		path.item_ids = ids;
		path.n_items = n;
		path.times = times;
		if (converted) {
			path.conversions = 1;
			path.value = tp_journey_path_iter_value(it);
			path.conversion_time = tp_journey_path_iter_end_time(it);
			if (path.conversion_time < times[n - 1])
				path.conversion_time = times[n - 1];
			stats->conversions++;
		} else {
			path.nulls = 1;
		}
		st = tp_paths_add(p, &path, err);
		stats->paths++;
	}
	tp_journey_path_iter_free(it);
	free(ids);
	free(times);
	free(cache.keys);
	free(cache.ids);
	if (st) {
		tp_paths_free(p);
		return st;
	}
	*out = p;
	return TP_OK;
}

void
tp_cli_paths_note(const char *cmd, tp_attribution_by by,
		  const struct tp_cli_paths_stats *stats)
{
	if (!stats->empty_paths)
		return;
	fprintf(stderr, "touchpoint %s: note: %llu paths (%llu converting, value "
		"%.12g) have no touch with a %s and are left out\n", cmd,
		(unsigned long long)stats->empty_paths,
		(unsigned long long)stats->empty_conversions, stats->empty_value + 0.0,
		tp_attribution_by_name(by));
}
