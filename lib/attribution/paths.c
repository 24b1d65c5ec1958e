/* SPDX-License-Identifier: MIT */
/*
 * The path set (attribution.h): interned items, distinct paths with their
 * counts and value, timed rows for time decay, merging.
 *
 * Every change is made in two steps: first every array the change needs
 * is grown (which may fail, leaving the set as it was, only with more
 * capacity), then the change is written, which cannot fail. So a failed
 * tp_paths_add() or tp_paths_merge() leaves the set unchanged.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "attribution-private.h"
#include "util/error.h"
#include "util/export.h"
#include "util/mem.h"
#include "util/strmap.h"
#include "util/text.h"

#define MAX_COUNT ((size_t)UINT32_MAX - 1)

TP_EXPORT tp_status
tp_paths_new(tp_attribution_by by, tp_paths **out)
{
	tp_paths *p;

	if (!out || (int)by < 0 || by > TP_ATTRIBUTION_BY_LAST)
		return TP_EINVAL;
	p = tpi_calloc(1, sizeof(*p));
	if (!p)
		return TP_ENOMEM;
	p->by = by;
	*out = p;
	return TP_OK;
}

TP_EXPORT void
tp_paths_free(tp_paths *p)
{
	if (!p)
		return;
	tpi_free(p->names);
	tpi_free(p->name_off);
	tpi_free(p->name_len);
	tpi_free(p->name_hash);
	tpi_free(p->item_slots);
	tpi_free(p->seq);
	tpi_free(p->paths);
	tpi_free(p->path_slots);
	tpi_free(p->timed);
	tpi_free(p->times);
	tpi_free(p->scratch);
	tpi_free(p);
}

TP_EXPORT tp_attribution_by
tp_paths_by(const tp_paths *p)
{
	return p ? p->by : TP_ATTRIBUTION_BY_UNKNOWN;
}

/* ---- hashing ---- */

static uint32_t
hash_ids(const uint32_t *ids, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= ids[i];
		h *= 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 32;
	return (uint32_t)h;
}

/* Make sure a table of slots holds `need` entries at load <= 1/2. */
static bool
slots_reserve(uint32_t **slots, size_t *mask, size_t need,
	      const uint32_t *hashes, size_t count, size_t hash_stride)
{
	size_t cap = *slots ? *mask + 1 : 0, ncap, i;
	uint32_t *ns;

	if (need <= cap / 2)
		return true;
	ncap = cap ? cap : 16;
	while (ncap / 2 < need) {
		if (ncap > SIZE_MAX / 4)
			return false;
		ncap *= 2;
	}
	ns = tpi_calloc(ncap, sizeof(*ns));
	if (!ns)
		return false;
	for (i = 0; i < count; i++) {
		uint32_t h = *(const uint32_t *)(const void *)
			((const char *)hashes + i * hash_stride);
		size_t j = h & (ncap - 1);

		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = (uint32_t)(i + 1);
	}
	tpi_free(*slots);
	*slots = ns;
	*mask = ncap - 1;
	return true;
}

static bool
item_slots_reserve(tp_paths *p, size_t need)
{
	return slots_reserve(&p->item_slots, &p->item_mask, need,
			     p->name_hash, p->n_items, sizeof(uint32_t));
}

static bool
path_slots_reserve(tp_paths *p, size_t need)
{
	return slots_reserve(&p->path_slots, &p->path_mask, need,
			     p->n_paths ? &p->paths[0].hash : NULL, p->n_paths,
			     sizeof(struct tpi_path));
}

/* Find an item; returns its slot index and sets *found. */
static size_t
item_lookup(const tp_paths *p, const char *name, size_t len, uint32_t h,
	    bool *found)
{
	size_t j = h & p->item_mask;

	while (p->item_slots[j]) {
		uint32_t id = p->item_slots[j] - 1;

		if (p->name_hash[id] == h && p->name_len[id] == len &&
		    memcmp(p->names + p->name_off[id], name, len) == 0) {
			*found = true;
			return j;
		}
		j = (j + 1) & p->item_mask;
	}
	*found = false;
	return j;
}

static size_t
path_lookup(const tp_paths *p, const uint32_t *ids, size_t n, uint32_t h,
	    bool *found)
{
	size_t j = h & p->path_mask;

	while (p->path_slots[j]) {
		const struct tpi_path *q = &p->paths[p->path_slots[j] - 1];

		if (q->hash == h && q->len == n &&
		    memcmp(p->seq + q->off, ids, n * sizeof(*ids)) == 0) {
			*found = true;
			return j;
		}
		j = (j + 1) & p->path_mask;
	}
	*found = false;
	return j;
}

/* ---- reserving ---- */

/* Room for `extra` more items with `bytes` more name bytes (NULs
 * included). */
static bool
reserve_items(tp_paths *p, size_t extra, size_t bytes)
{
	size_t need = p->n_items + extra;

	if (extra == 0)
		return true;
	if (need > MAX_COUNT)
		return false;
	if (!TPI_GROW(p->names, p->names_cap, p->names_len + bytes))
		return false;
	if (need > p->cap_items) {
		size_t c1 = p->cap_items, c2 = p->cap_items, c3 = p->cap_items;

		if (!TPI_GROW(p->name_off, c1, need) ||
		    !TPI_GROW(p->name_len, c2, need) ||
		    !TPI_GROW(p->name_hash, c3, need))
			return false;
		/* All three now hold at least `need`; keep the smallest. */
		p->cap_items = c1 < c2 ? c1 : c2;
		if (c3 < p->cap_items)
			p->cap_items = c3;
	}
	return item_slots_reserve(p, need);
}

/* Room for one more distinct path of n items (and a scratch copy), and
 * for one timed row of n times when timed. */
static bool
reserve_path(tp_paths *p, size_t n, size_t extra_paths, bool timed)
{
	if (!TPI_GROW(p->seq, p->seq_cap, p->seq_len + n) ||
	    !TPI_GROW(p->paths, p->cap_paths, p->n_paths + extra_paths) ||
	    !path_slots_reserve(p, p->n_paths + extra_paths))
		return false;
	if (timed &&
	    (!TPI_GROW(p->timed, p->cap_timed, p->n_timed + 1) ||
	     !TPI_GROW(p->times, p->cap_times, p->n_times + n)))
		return false;
	return true;
}

/* Insert a name known to be absent, with room reserved. */
static uint32_t
insert_item(tp_paths *p, const char *name, size_t len, uint32_t h,
	    size_t slot)
{
	uint32_t id = (uint32_t)p->n_items++;

	memcpy(p->names + p->names_len, name, len);
	p->names[p->names_len + len] = '\0';
	p->name_off[id] = p->names_len;
	p->name_len[id] = (uint32_t)len;
	p->name_hash[id] = h;
	p->names_len += len + 1;
	p->item_slots[slot] = id + 1;
	return id;
}

tp_status
tpi_paths_intern(tp_paths *p, const char *name, size_t len, uint32_t *id)
{
	uint32_t h = tpi_hash(name, len);
	bool found = false;
	size_t slot;

	if (len > UINT32_MAX)
		return TP_ERANGE;
	if (p->item_slots) {
		slot = item_lookup(p, name, len, h, &found);
		if (found) {
			*id = p->item_slots[slot] - 1;
			return TP_OK;
		}
	}
	if (p->n_items >= MAX_COUNT)
		return TP_ERANGE;
	if (!reserve_items(p, 1, len + 1))
		return TP_ENOMEM;
	slot = item_lookup(p, name, len, h, &found);
	*id = insert_item(p, name, len, h, slot);
	return TP_OK;
}

/* Find or insert a distinct path whose room was reserved. */
static uint32_t
path_index(tp_paths *p, const uint32_t *ids, size_t n)
{
	uint32_t h = hash_ids(ids, n);
	bool found;
	size_t slot = path_lookup(p, ids, n, h, &found);
	uint32_t index;
	struct tpi_path *q;

	if (found)
		return p->path_slots[slot] - 1;
	index = (uint32_t)p->n_paths++;
	q = &p->paths[index];
	q->off = p->seq_len;
	q->len = (uint32_t)n;
	q->hash = h;
	q->conversions = q->nulls = q->value = 0;
	memcpy(p->seq + p->seq_len, ids, n * sizeof(*ids));
	p->seq_len += n;
	p->path_slots[slot] = index + 1;
	return index;
}

/* Write a path whose room was reserved. */
static void
add_reserved(tp_paths *p, const uint32_t *ids, size_t n,
	     const int64_t *times, int64_t conversion_time,
	     double conversions, double nulls, double value)
{
	uint32_t index = path_index(p, ids, n);
	struct tpi_path *q = &p->paths[index];

	q->conversions += conversions;
	q->nulls += nulls;
	q->value += value;
	if (conversions > 0 || value > 0) {
		if (times) {
			struct tpi_timed *t = &p->timed[p->n_timed++];

			t->path = index;
			t->toff = p->n_times;
			t->conversion_time = conversion_time;
			t->conversions = conversions;
			t->value = value;
			memcpy(p->times + p->n_times, times, n * sizeof(*times));
			p->n_times += n;
		} else if (conversions > 0) {
			p->untimed_converting++;
		}
	}
	p->rows++;
	p->total_conversions += conversions;
	p->total_nulls += nulls;
	p->total_value += value;
}

tp_status
tpi_paths_add_ids(tp_paths *p, const uint32_t *ids, size_t n,
		  const int64_t *times, int64_t conversion_time,
		  double conversions, double nulls, double value)
{
	bool timed = times && (conversions > 0 || value > 0);

	if (n > UINT32_MAX || p->n_paths >= MAX_COUNT)
		return TP_ERANGE;
	if (!reserve_path(p, n, 1, timed))
		return TP_ENOMEM;
	add_reserved(p, ids, n, timed ? times : NULL, conversion_time,
		     conversions, nulls, value);
	return TP_OK;
}

TP_EXPORT tp_status
tp_paths_intern(tp_paths *p, const char *name, size_t len, uint32_t *id)
{
	if (!p || !name || !id || len == 0)
		return TP_EINVAL;
	if (tpi_utf8_check(name, len) != len)
		return TP_EUTF8;
	return tpi_paths_intern(p, name, len, id);
}

#define PATH_HAS(def, field) \
	((def)->size >= offsetof(tp_path, field) + sizeof((def)->field))

static bool
count_ok(double x)
{
	return isfinite(x) && x >= 0;
}

static tp_status
check_path(const tp_paths *p, const tp_path *d, tp_error *err)
{
	size_t i;

	if (!d->items && !d->item_ids)
		return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				 "path has neither item names nor item ids");
	if (d->n_items == 0)
		return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				 "path has no touches");
	if (d->n_items > UINT32_MAX)
		return tpi_error(err, TP_ERANGE, NULL, 0, 0, NULL,
				 "path has more than 2^32 - 1 touches");
	if (!count_ok(d->conversions) || !count_ok(d->nulls) ||
	    !count_ok(d->value))
		return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				 "conversions, nulls and value must be finite and not negative");
	if (d->conversions == 0 && d->value != 0)
		return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				 "a path without conversions cannot carry value");
	for (i = 0; i < d->n_items; i++) {
		if (d->items) {
			const char *s = d->items[i];
			size_t len;

			if (!s || !*s)
				return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
						 "touch %zu has an empty name", i + 1);
			len = strlen(s);
			if (tpi_utf8_check(s, len) != len)
				return tpi_error(err, TP_EUTF8, NULL, 0, 0, NULL,
						 "touch %zu: name is not valid UTF-8", i + 1);
		} else if (d->item_ids[i] >= p->n_items) {
			return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
					 "touch %zu: unknown item id %lu", i + 1,
					 (unsigned long)d->item_ids[i]);
		}
		if (d->times && i > 0 && d->times[i] < d->times[i - 1])
			return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
					 "touch %zu is earlier than touch %zu", i + 1, i);
	}
	if (d->times && d->conversions > 0 &&
	    d->conversion_time < d->times[d->n_items - 1])
		return tpi_error(err, TP_EINVAL, NULL, 0, 0, NULL,
				 "the conversion is earlier than the last touch");
	return TP_OK;
}

TP_EXPORT tp_status
tp_paths_add(tp_paths *p, const tp_path *d, tp_error *err)
{
	size_t i, n, new_bytes = 0, new_items = 0;
	bool timed;
	tp_status st;

	if (!p || !d || !PATH_HAS(d, value))
		return TP_EINVAL;
	st = check_path(p, d, err);
	if (st)
		return st;
	n = d->n_items;
	timed = d->times && (d->conversions > 0 || d->value > 0);
	if (p->n_paths >= MAX_COUNT)
		return tpi_error(err, TP_ERANGE, NULL, 0, 0, NULL,
				 "too many distinct paths");
	if (d->items) {
		/* Names not yet interned: at most n of them, room for all. */
		for (i = 0; i < n; i++) {
			size_t len = strlen(d->items[i]);
			bool found = false;

			if (len > UINT32_MAX)
				return TP_ERANGE;
			if (p->item_slots)
				item_lookup(p, d->items[i], len,
					    tpi_hash(d->items[i], len), &found);
			if (!found) {
				new_items++;
				new_bytes += len + 1;
			}
		}
		if (p->n_items + new_items > MAX_COUNT)
			return tpi_error(err, TP_ERANGE, NULL, 0, 0, NULL,
					 "too many distinct items");
	}
	if (!reserve_items(p, new_items, new_bytes) ||
	    !reserve_path(p, n, 1, timed) ||
	    !TPI_GROW(p->scratch, p->scratch_cap, n))
		return TP_ENOMEM;
	for (i = 0; i < n; i++) {
		if (d->items) {
			const char *s = d->items[i];
			size_t len = strlen(s);
			uint32_t h = tpi_hash(s, len);
			bool found;
			size_t slot = item_lookup(p, s, len, h, &found);

			p->scratch[i] = found ? p->item_slots[slot] - 1
				: insert_item(p, s, len, h, slot);
		} else {
			p->scratch[i] = d->item_ids[i];
		}
	}
	add_reserved(p, p->scratch, n, timed ? d->times : NULL,
		     d->conversion_time, d->conversions, d->nulls, d->value);
	return TP_OK;
}

TP_EXPORT tp_status
tp_paths_merge(tp_paths *into, const tp_paths *from)
{
	uint32_t *map = NULL;
	size_t i, new_items = 0, new_bytes = 0;
	bool timed = from && from->n_timed > 0;

	if (!into || !from || into == from)
		return TP_EINVAL;
	if (into->by != from->by)
		return TP_EMISMATCH;
	if (from->n_items) {
		map = tpi_calloc(from->n_items, sizeof(*map));
		if (!map)
			return TP_ENOMEM;
	}
	for (i = 0; i < from->n_items; i++) {
		bool found = false;

		if (into->item_slots)
			item_lookup(into, tpi_item_name(from, (uint32_t)i),
				    from->name_len[i], from->name_hash[i], &found);
		if (!found) {
			new_items++;
			new_bytes += from->name_len[i] + 1;
		}
	}
	if (into->n_items + new_items > MAX_COUNT ||
	    into->n_paths + from->n_paths > MAX_COUNT) {
		tpi_free(map);
		return TP_ERANGE;
	}
	/* Reserve for the worst case: every path of from is new. */
	if (!reserve_items(into, new_items, new_bytes) ||
	    !TPI_GROW(into->seq, into->seq_cap, into->seq_len + from->seq_len) ||
	    !TPI_GROW(into->paths, into->cap_paths, into->n_paths + from->n_paths) ||
	    !path_slots_reserve(into, into->n_paths + from->n_paths) ||
	    (timed &&
	     (!TPI_GROW(into->timed, into->cap_timed, into->n_timed + from->n_timed) ||
	      !TPI_GROW(into->times, into->cap_times, into->n_times + from->n_times))) ||
	    !TPI_GROW(into->scratch, into->scratch_cap, from->seq_len ? from->seq_len : 1)) {
		tpi_free(map);
		return TP_ENOMEM;
	}
	for (i = 0; i < from->n_items; i++) {
		const char *s = tpi_item_name(from, (uint32_t)i);
		bool found;
		size_t slot = item_lookup(into, s, from->name_len[i],
					  from->name_hash[i], &found);

		map[i] = found ? into->item_slots[slot] - 1
			: insert_item(into, s, from->name_len[i],
				      from->name_hash[i], slot);
	}
	/* Translate all of from's sequences at once into scratch. */
	for (i = 0; i < from->seq_len; i++)
		into->scratch[i] = map[from->seq[i]];
	tpi_free(map);
	for (i = 0; i < from->n_paths; i++) {
		const struct tpi_path *q = &from->paths[i];
		struct tpi_path *dst = &into->paths[path_index(into,
					into->scratch + q->off, q->len)];

		dst->conversions += q->conversions;
		dst->nulls += q->nulls;
		dst->value += q->value;
	}
	for (i = 0; i < from->n_timed; i++) {
		const struct tpi_timed *ft = &from->timed[i];
		const struct tpi_path *q = &from->paths[ft->path];
		struct tpi_timed *dt = &into->timed[into->n_timed++];

		*dt = *ft;
		dt->path = path_index(into, into->scratch + q->off, q->len);
		dt->toff = into->n_times;
		memcpy(into->times + into->n_times, from->times + ft->toff,
		       q->len * sizeof(int64_t));
		into->n_times += q->len;
	}
	into->rows += from->rows;
	into->untimed_converting += from->untimed_converting;
	into->total_conversions += from->total_conversions;
	into->total_nulls += from->total_nulls;
	into->total_value += from->total_value;
	return TP_OK;
}

/* ---- accessors ---- */

TP_EXPORT size_t
tp_paths_count(const tp_paths *p)
{
	return p ? p->n_paths : 0;
}

TP_EXPORT size_t
tp_paths_row_count(const tp_paths *p)
{
	return p ? p->rows : 0;
}

TP_EXPORT int
tp_paths_timed(const tp_paths *p)
{
	return p && p->untimed_converting == 0;
}

TP_EXPORT size_t
tp_paths_item_count(const tp_paths *p)
{
	return p ? p->n_items : 0;
}

TP_EXPORT const char *
tp_paths_item_name(const tp_paths *p, size_t id)
{
	if (!p || id >= p->n_items)
		return NULL;
	return tpi_item_name(p, (uint32_t)id);
}

TP_EXPORT int64_t
tp_paths_find_item(const tp_paths *p, const char *name)
{
	size_t len, slot;
	bool found;

	if (!p || !name)
		return TP_EINVAL;
	if (!p->item_slots)
		return TP_ENOTFOUND;
	len = strlen(name);
	slot = item_lookup(p, name, len, tpi_hash(name, len), &found);
	return found ? (int64_t)p->item_slots[slot] - 1 : TP_ENOTFOUND;
}

TP_EXPORT size_t
tp_paths_path_length(const tp_paths *p, size_t index)
{
	return p && index < p->n_paths ? p->paths[index].len : 0;
}

TP_EXPORT int64_t
tp_paths_path_item(const tp_paths *p, size_t index, size_t position)
{
	if (!p || index >= p->n_paths || position >= p->paths[index].len)
		return TP_EINVAL;
	return p->seq[p->paths[index].off + position];
}

TP_EXPORT double
tp_paths_path_conversions(const tp_paths *p, size_t index)
{
	return p && index < p->n_paths ? p->paths[index].conversions : 0;
}

TP_EXPORT double
tp_paths_path_nulls(const tp_paths *p, size_t index)
{
	return p && index < p->n_paths ? p->paths[index].nulls : 0;
}

TP_EXPORT double
tp_paths_path_value(const tp_paths *p, size_t index)
{
	return p && index < p->n_paths ? p->paths[index].value : 0;
}

TP_EXPORT double
tp_paths_total_conversions(const tp_paths *p)
{
	return p ? p->total_conversions : 0;
}

TP_EXPORT double
tp_paths_total_nulls(const tp_paths *p)
{
	return p ? p->total_nulls : 0;
}

TP_EXPORT double
tp_paths_total_value(const tp_paths *p)
{
	return p ? p->total_value : 0;
}
