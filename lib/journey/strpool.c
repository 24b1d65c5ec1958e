/* SPDX-License-Identifier: MIT */
/*
 * Interned strings for the journey store and the states: an arena of
 * NUL-terminated copies and an open-addressing table of 16-byte slots
 * (key pointer, hash, id), so that a lookup costs the slot and the key.
 */
#include <string.h>

#include "journey/journey-private.h"
#include "util/mem.h"

#define BLOCK_MIN 4096
#define BLOCK_MAX (1u << 20)

void
tpi_strpool_init(struct tpi_strpool *p)
{
	memset(p, 0, sizeof(*p));
}

void
tpi_strpool_fini(struct tpi_strpool *p)
{
	size_t i;

	for (i = 0; i < p->n_blocks; i++)
		tpi_free(p->blocks[i]);
	tpi_free(p->blocks);
	tpi_free(p->strs);
	tpi_free(p->slots);
	memset(p, 0, sizeof(*p));
}

/* Copy s into the arena after its id (4 bytes); NULL on exhaustion. */
static char *
arena_copy(struct tpi_strpool *p, const char *s, size_t len, uint32_t id)
{
	char *d;
	size_t need = len + 5;

	if (!p->n_blocks || p->block_size - p->block_used < need) {
		size_t size = p->block_size ? p->block_size * 2 : BLOCK_MIN;
		char *b;

		if (size > BLOCK_MAX)
			size = BLOCK_MAX;
		if (size < need)
			size = need;
		if (!TPI_GROW(p->blocks, p->cap_blocks, p->n_blocks + 1))
			return NULL;
		b = tpi_malloc(size);
		if (!b)
			return NULL;
		p->blocks[p->n_blocks++] = b;
		p->block_size = size;
		p->block_used = 0;
	}
	d = p->blocks[p->n_blocks - 1] + p->block_used;
	memcpy(d, &id, 4);
	d += 4;
	if (len)
		memcpy(d, s, len);
	d[len] = '\0';
	p->block_used += need;
	return d;
}

static bool
slot_is(const struct tpi_pslot *sl, const char *s, size_t len, uint32_t h)
{
	return sl->hash == h && sl->len == len && tpi_bytes_eq(sl->key, s, len);
}

const struct tpi_pslot *
tpi_strpool_lookup(const struct tpi_strpool *p, const char *s, size_t len,
		   uint32_t h)
{
	size_t j;

	if (!p->slots)
		return NULL;
	for (j = h & p->mask; p->slots[j].key; j = (j + 1) & p->mask)
		if (slot_is(&p->slots[j], s, len, h))
			return &p->slots[j];
	return NULL;
}

bool
tpi_strpool_find_hashed(const struct tpi_strpool *p, const char *s,
			size_t len, uint32_t h, uint32_t *id)
{
	const struct tpi_pslot *sl = tpi_strpool_lookup(p, s, len, h);

	if (!sl)
		return false;
	*id = tpi_pslot_id(sl);
	return true;
}

bool
tpi_strpool_find(const struct tpi_strpool *p, const char *s, size_t len,
		 uint32_t *id)
{
	return tpi_strpool_find_hashed(p, s, len, tpi_strhash(s, len), id);
}

static bool
rehash(struct tpi_strpool *p)
{
	size_t ncap = p->slots ? (p->mask + 1) * 2 : 64, i;
	struct tpi_pslot *t = tpi_calloc(ncap, sizeof(*t));

	if (!t)
		return false;
	for (i = 0; p->slots && i <= p->mask; i++) {
		size_t j;

		if (!p->slots[i].key)
			continue;
		for (j = p->slots[i].hash & (ncap - 1); t[j].key;
		     j = (j + 1) & (ncap - 1))
			;
		t[j] = p->slots[i];
	}
	tpi_free(p->slots);
	p->slots = t;
	p->mask = ncap - 1;
	return true;
}

bool
tpi_strpool_intern_hashed(struct tpi_strpool *p, const char *s, size_t len,
			  uint32_t h, uint32_t *id, bool *range)
{
	if (tpi_strpool_find_hashed(p, s, len, h, id))
		return true;
	return tpi_strpool_insert_hashed(p, s, len, h, id, range);
}

bool
tpi_strpool_insert_hashed(struct tpi_strpool *p, const char *s, size_t len,
			  uint32_t h, uint32_t *id, bool *range)
{
	char *copy;
	size_t j;

	if (p->n >= UINT32_MAX - 1 || len > UINT32_MAX - 8) {
		if (range)
			*range = true;
		return false;
	}
	/* Everything that can fail comes first: ids stay unchanged. */
	if ((p->n + 1) * 2 > (p->slots ? p->mask + 1 : 0) && !rehash(p))
		return false;
	if (!TPI_GROW(p->strs, p->cap, p->n + 1))
		return false;
	copy = arena_copy(p, s, len, (uint32_t)p->n);
	if (!copy)
		return false;
	for (j = h & p->mask; p->slots[j].key; j = (j + 1) & p->mask)
		;
	p->slots[j].key = copy;
	p->slots[j].hash = h;
	p->slots[j].len = (uint32_t)len;
	p->strs[p->n].s = copy;
	p->strs[p->n].len = len;
	*id = (uint32_t)p->n++;
	return true;
}

bool
tpi_strpool_intern(struct tpi_strpool *p, const char *s, size_t len,
		   uint32_t *id, bool *range)
{
	return tpi_strpool_intern_hashed(p, s, len, tpi_strhash(s, len), id,
					 range);
}
