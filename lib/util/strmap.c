/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "util/mem.h"
#include "util/strmap.h"
#include "util/text.h"

/* FNV-1a, 32 bits: short keys dominate, and it is cheap on them. */
uint32_t
tpi_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

uint32_t
tpi_hash_lower(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)tpi_lower(s[i]);
		h *= 16777619u;
	}
	return h;
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
