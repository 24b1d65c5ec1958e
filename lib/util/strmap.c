/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "util/mem.h"
#include "util/strmap.h"
#include "util/text.h"

/*
 * A word-at-a-time multiplicative hash: keys are short (ids, attribute
 * names, hosts) and this takes 8 bytes per step. tpi_hash_lower() gives
 * the hash of the ASCII-lowercased bytes without copying them, so a set
 * of lowercased keys can be probed with a value in any case.
 */
static inline uint64_t
load_tail(const char *s, size_t n)
{
	uint64_t w = 0;

	memcpy(&w, s, n);
	return w;
}

/* ASCII A-Z to a-z in each byte of w, other bytes unchanged (SWAR). */
static inline uint64_t
lower_word(uint64_t w)
{
	uint64_t heptets = w & 0x7f7f7f7f7f7f7f7fULL;
	uint64_t gt_z = heptets + 0x2525252525252525ULL;
	uint64_t ge_a = heptets + 0x3f3f3f3f3f3f3f3fULL;
	uint64_t ascii = ~w & 0x8080808080808080ULL;
	uint64_t upper = ascii & (ge_a ^ gt_z);

	return w | (upper >> 2);
}

static inline uint32_t
finish(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 29;
	return (uint32_t)h;
}

uint32_t
tpi_hash(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len, w;

	while (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x100000001b3ULL * 0x9e3779b1ULL;
		h ^= h >> 31;
		s += 8;
		len -= 8;
	}
	if (len) {
		w = load_tail(s, len);
		h = (h ^ w) * 0x100000001b3ULL * 0x9e3779b1ULL;
	}
	return finish(h);
}

uint32_t
tpi_hash_lower(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len, w;

	while (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ lower_word(w)) * 0x100000001b3ULL * 0x9e3779b1ULL;
		h ^= h >> 31;
		s += 8;
		len -= 8;
	}
	if (len) {
		w = lower_word(load_tail(s, len));
		h = (h ^ w) * 0x100000001b3ULL * 0x9e3779b1ULL;
	}
	return finish(h);
}

static bool
rehash(struct tpi_strmap *m, size_t ncap)
{
	struct tpi_strmap_slot *slots = tpi_calloc(ncap, sizeof(*slots));
	size_t i;

	if (!slots)
		return false;
	for (i = 0; m->slots && i <= m->mask; i++) {
		struct tpi_strmap_slot *s = &m->slots[i];
		size_t j;

		if (!s->key)
			continue;
		j = s->hash & (ncap - 1);
		while (slots[j].key)
			j = (j + 1) & (ncap - 1);
		slots[j] = *s;
	}
	tpi_free(m->slots);
	m->slots = slots;
	m->mask = ncap - 1;
	return true;
}

bool
tpi_strmap_put(struct tpi_strmap *m, const char *key, size_t len,
	       uint32_t value, uint32_t *existing)
{
	uint32_t h = tpi_hash(key, len);
	size_t j;

	if (!m->slots || (m->count + 1) * 4 > (m->mask + 1) * 3) {
		if (!rehash(m, m->slots ? (m->mask + 1) * 2 : 16))
			return false;
	}
	j = h & m->mask;
	while (m->slots[j].key) {
		struct tpi_strmap_slot *s = &m->slots[j];

		if (s->hash == h && s->len == len &&
		    memcmp(s->key, key, len) == 0) {
			if (existing)
				*existing = s->value;
			return true;
		}
		j = (j + 1) & m->mask;
	}
	m->slots[j].key = key;
	m->slots[j].len = (uint32_t)len;
	m->slots[j].hash = h;
	m->slots[j].value = value;
	m->count++;
	if (existing)
		*existing = value;
	return true;
}

bool
tpi_strmap_get(const struct tpi_strmap *m, const char *key, size_t len,
	       uint32_t *value)
{
	uint32_t h;
	size_t j;

	if (!m->slots)
		return false;
	h = tpi_hash(key, len);
	j = h & m->mask;
	while (m->slots[j].key) {
		const struct tpi_strmap_slot *s = &m->slots[j];

		if (s->hash == h && s->len == len &&
		    memcmp(s->key, key, len) == 0) {
			if (value)
				*value = s->value;
			return true;
		}
		j = (j + 1) & m->mask;
	}
	return false;
}

void
tpi_strmap_fini(struct tpi_strmap *m)
{
	tpi_free(m->slots);
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
}
