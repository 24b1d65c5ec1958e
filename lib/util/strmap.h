/* SPDX-License-Identifier: MIT */
/*
 * Internal: an open-addressing hash map from byte strings to uint32
 * values. Keys are not copied: they must outlive the map (they usually
 * live in the object that owns the map, or in an arena).
 */
#ifndef TP_UTIL_STRMAP_H
#define TP_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tpi_strmap_slot {
	const char *key;
	uint32_t len;
	uint32_t hash;
	uint32_t value;
};

struct tpi_strmap {
	struct tpi_strmap_slot *slots;
	size_t mask;   /* capacity - 1; capacity is a power of two */
	size_t count;
};

#define TPI_STRMAP_INIT { NULL, 0, 0 }

uint32_t tpi_hash(const char *s, size_t len);
/* Hash of the ASCII-lowercased bytes. */
uint32_t tpi_hash_lower(const char *s, size_t len);

/* Insert key -> value. When the key exists its value is kept and *found
 * (if not NULL) is set to true with *existing (if not NULL) its value.
 * Returns false only when memory is exhausted. */
bool tpi_strmap_put(struct tpi_strmap *m, const char *key, size_t len,
		    uint32_t value, uint32_t *existing);
/* Look a key up; returns false when absent. */
bool tpi_strmap_get(const struct tpi_strmap *m, const char *key, size_t len,
		    uint32_t *value);
void tpi_strmap_fini(struct tpi_strmap *m);

#endif
