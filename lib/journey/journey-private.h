/* SPDX-License-Identifier: MIT */
/*
 * Internal view of the journey store and the helpers the analyses share:
 * string pools, fields, conditions and the state codec.
 */
#ifndef TP_JOURNEY_PRIVATE_H
#define TP_JOURNEY_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "touchpoint/journey.h"
#include "touchpoint/state.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/json.h"

/* ---- string pools ---------------------------------------------------- */

/*
 * Interned strings: each distinct byte string gets an id, numbered from 0
 * in order of first appearance. Strings live in an arena of blocks and are
 * NUL-terminated.
 */
struct tpi_pstr {
	const char *s;
	size_t len;
};

/* A slot of the pool's table; the id is stored in the 4 bytes before the
 * key in the arena. */
struct tpi_pslot {
	const char *key;
	uint32_t hash;
	uint32_t len;
};

struct tpi_strpool {
	struct tpi_pslot *slots;
	size_t mask;
	struct tpi_pstr *strs;
	size_t n, cap;
	char **blocks;
	size_t n_blocks, cap_blocks;
	size_t block_used, block_size;
};

static inline uint32_t
tpi_strhash(const char *s, size_t len)
{
	return tpi_hash_final(tpi_hash_str(s, len, TPI_K2));
}

static inline uint32_t
tpi_pslot_id(const struct tpi_pslot *sl)
{
	uint32_t id;

	memcpy(&id, sl->key - 4, 4);
	return id;
}

void tpi_strpool_init(struct tpi_strpool *p);
void tpi_strpool_fini(struct tpi_strpool *p);
/* Id of s, adding it when new. false on exhaustion (ids unchanged) or
 * past UINT32_MAX - 1 strings (*range set). */
bool tpi_strpool_intern(struct tpi_strpool *p, const char *s, size_t len,
			uint32_t *id, bool *range);
bool tpi_strpool_intern_hashed(struct tpi_strpool *p, const char *s,
			       size_t len, uint32_t hash, uint32_t *id,
			       bool *range);
/* Add s, known to be absent. */
bool tpi_strpool_insert_hashed(struct tpi_strpool *p, const char *s,
			       size_t len, uint32_t hash, uint32_t *id,
			       bool *range);
bool tpi_strpool_find(const struct tpi_strpool *p, const char *s, size_t len,
		      uint32_t *id);
bool tpi_strpool_find_hashed(const struct tpi_strpool *p, const char *s,
			     size_t len, uint32_t hash, uint32_t *id);
/* The slot of s (its key and length), or NULL. */
const struct tpi_pslot *tpi_strpool_lookup(const struct tpi_strpool *p,
					   const char *s, size_t len,
					   uint32_t hash);

/* The slot a hash starts at. */
static inline const struct tpi_pslot *
tpi_strpool_slot(const struct tpi_strpool *p, uint32_t hash)
{
	return p->slots ? &p->slots[hash & p->mask] : NULL;
}

static inline const char *
tpi_strpool_str(const struct tpi_strpool *p, uint32_t id)
{
	return id < p->n ? p->strs[id].s : NULL;
}

/* ---- the store ------------------------------------------------------- */

/* String fields of a kind. */
enum {
	TPI_S_EVENT = 0,
	TPI_S_CHANNEL_GROUP = 1,
	TPI_S_SOURCE = 2,
	TPI_S_MEDIUM = 3,
	TPI_S_CAMPAIGN = 4,
	TPI_NSTR = 5
};

#define TPI_MAX_KEEP 64

/* One distinct classification: every event refers to one. */
struct tpi_kind {
	uint32_t str[TPI_NSTR];   /* string ids, 0 = absent */
	int32_t touchpoint, channel, stage;
	uint32_t hash;
	uint32_t attrs;           /* offset of n_keep string ids in kind_attrs */
	uint8_t phase;
	uint8_t conversion;
};

/* Event flags. */
#define TPI_EV_CONVERSION 0x01
#define TPI_EV_VALUE 0x02
#define TPI_EV_SCORE 0x04

/* One event of the log: its time, kind, and the index of its value and
 * score (low 28 bits) with its flags (high 4 bits). */
struct tpi_rec {
	int64_t ts;
	uint32_t kind;
	uint32_t xf;
};

#define TPI_XF_SHIFT 28
#define TPI_XF_EXTRA 0x0FFFFFFFu

static inline unsigned
tpi_rec_flags(const struct tpi_rec *r)
{
	return r->xf >> TPI_XF_SHIFT;
}

static inline uint32_t
tpi_rec_extra(const struct tpi_rec *r)
{
	return r->xf & TPI_XF_EXTRA;
}

#define TPI_CHUNK_EVENTS 65536

struct tpi_chunk {
	struct tpi_rec recs[TPI_CHUNK_EVENTS];
	uint32_t cust[TPI_CHUNK_EVENTS];
};

struct tpi_extra {
	double value;
	double score;
};

/* A slot of the kind table: the kind's index + 1 with a copy of what
 * finding it compares, so that a lookup reads the slot and nothing
 * else (adding an event looks one of tens of thousands of kinds up). */
struct tpi_kslot {
	uint32_t idx1;
	uint32_t hash;
	uint32_t str[TPI_NSTR];
	int32_t touchpoint, channel, stage;
	uint32_t attrs;
	uint8_t phase;
	uint8_t conversion;
};

/* A field of an event. */
enum tpi_field_type {
	TPI_FIELD_NONE = 0,
	TPI_FIELD_STR,         /* arg: TPI_S_* */
	TPI_FIELD_TOUCHPOINT,
	TPI_FIELD_CHANNEL,
	TPI_FIELD_STAGE,
	TPI_FIELD_PHASE,
	TPI_FIELD_DIMENSION,   /* arg: tp_dimension */
	TPI_FIELD_ATTR,        /* arg: index of the kept attribute */
	TPI_FIELD_ALL          /* one constant value, "all" */
};

struct tpi_field {
	enum tpi_field_type type;
	int arg;
};

/* A condition FIELD=VALUE. */
struct tpi_cond {
	char *text;            /* "field=value" as normalised */
	char *field_name;
	char *value;
	size_t value_len;
	struct tpi_field field;
};

/* A cache of the string ids of a field: short strings (up to 16 bytes)
 * by their words (tpi_short_words()); all zeros is "", id 0. */
struct tpi_scache {
	uint64_t a, b;
	uint32_t len, id;
};

#define TPI_SCACHE_BITS 8
#define TPI_SCACHE (1 << TPI_SCACHE_BITS)

struct tp_journey_store {
	tp_catalog *catalog;
	int64_t timeout_ms;
	int64_t offset_ms;
	bool midnight;
	bool campaign_change;
	struct tpi_cond *conv;
	size_t n_conv;
	char *keep[TPI_MAX_KEEP];
	size_t keep_len[TPI_MAX_KEEP];
	size_t n_keep;

	struct tpi_strpool strings;     /* id 0 is "" = absent */
	struct tpi_strpool customers;   /* id = customer number */
	uint32_t last_cust;             /* of the last event added */
	uint32_t direct_id;             /* id of "(direct)", 0 until seen */

	struct tpi_kind *kinds;
	size_t n_kinds, cap_kinds;
	struct tpi_kslot *kind_table;   /* until finished */
	size_t kind_mask;
	uint32_t *kind_attrs;
	size_t n_kind_attrs, cap_kind_attrs;

	struct tpi_extra *extras;
	size_t n_extras, cap_extras;

	struct tpi_chunk **chunks;      /* the log, until finished */
	size_t n_chunks, cap_chunks;
	size_t n_events;

	/* adding's helpers */
	struct tpi_scache str_cache[TPI_NSTR][TPI_SCACHE];
	volatile uint32_t fetched;      /* where loads of table slots land */
	struct tpi_pstr *keep_views;    /* a block's kept attributes */
	uint32_t *keep_ids;             /* and their string ids */
	size_t cap_keep;

	bool finished;
	size_t *cust_start;             /* n_customers + 1 */
	struct tpi_rec *recs;
	uint32_t *session;
	size_t max_journey;
};

/* Free the columns of a finished store (or of a failed finish). */
void tpi_store_free_columns(struct tp_journey_store *s);

/* ---- fields and conditions ------------------------------------------- */

/* Resolve a field name; false when unknown (an attribute not kept). The
 * matrix's "all" is accepted only when allow_all. */
bool tpi_field_resolve(const struct tp_journey_store *s, const char *name,
		       bool allow_all, struct tpi_field *out);
/* True when name is a built-in field (not an attribute). */
bool tpi_field_is_builtin(const char *name);
/* Value code of a field on a kind: 0 = absent. */
uint32_t tpi_field_code(const struct tp_journey_store *s,
			struct tpi_field f, const struct tpi_kind *k);
/* One more than the largest code the field can take in this store. */
size_t tpi_field_code_limit(const struct tp_journey_store *s,
			    struct tpi_field f);
/* Text of a code (NULL for 0). */
const char *tpi_field_label(const struct tp_journey_store *s,
			    struct tpi_field f, uint32_t code);
/* Sort key of a code: catalog or enum order; -1 for strings (sorted by
 * bytes); INT64_MAX for absent. */
int64_t tpi_field_order(struct tpi_field f, uint32_t code);

/* Parse "FIELD=VALUE" (or, with bare_event, a bare event name). */
tp_status tpi_cond_parse(const char *text, bool bare_event,
			 struct tpi_cond *out, tp_error *err,
			 const char *what);
void tpi_cond_fini(struct tpi_cond *c);
/* Resolve the field against a store and check catalog values. */
tp_status tpi_cond_resolve(const struct tp_journey_store *s,
			   struct tpi_cond *c, tp_error *err,
			   const char *what);
bool tpi_cond_match(const struct tp_journey_store *s, const struct tpi_cond *c,
		    const struct tpi_kind *k);
/* Copy a condition. */
bool tpi_cond_copy(struct tpi_cond *dst, const struct tpi_cond *src);

/* ---- fixed-point sums ------------------------------------------------ */

/* x in millionths, rounded; false when out of range. */
bool tpi_to_micros(double x, int64_t *out);
bool tpi_add_i64(int64_t *acc, int64_t v);
bool tpi_add_u64(uint64_t *acc, uint64_t v);

/* ---- the state codec ------------------------------------------------- */

/* Binary: header, payload of varints, CRC-32. */
void tpi_wr_header(struct tpi_buf *b, tp_state_kind kind);
void tpi_wr_u64(struct tpi_buf *b, uint64_t v);
void tpi_wr_i64(struct tpi_buf *b, int64_t v);
void tpi_wr_str(struct tpi_buf *b, const char *s, size_t len);
/* Append the checksum; false when the buffer failed. */
bool tpi_wr_finish(struct tpi_buf *b);

struct tpi_rd {
	const unsigned char *start, *p, *end;
	const char *source;
	tp_error *err;
	tp_status st;          /* first fault */
};

/* Open a binary state of the given kind: checks magic, version, kind and
 * checksum; positions rd on the payload. */
tp_status tpi_rd_open(struct tpi_rd *rd, const void *data, size_t len,
		      const char *source, tp_state_kind kind, tp_error *err);
bool tpi_rd_u64(struct tpi_rd *rd, uint64_t *v);
bool tpi_rd_i64(struct tpi_rd *rd, int64_t *v);
/* A count that must be at most max (bounds allocations). */
bool tpi_rd_count(struct tpi_rd *rd, uint64_t max, size_t *v);
/* A string: points into the data (not NUL-terminated). */
bool tpi_rd_str(struct tpi_rd *rd, const char **s, size_t *len);
/* Report a schema fault at the current position. */
bool tpi_rd_bad(struct tpi_rd *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Check that the payload was read to its end. */
tp_status tpi_rd_close(struct tpi_rd *rd);

/* Whether data looks like JSON (first non-blank byte is '{'). */
bool tpi_state_is_json(const void *data, size_t len);

/* JSON: write the common head `{"format":...,"version":1,"kind":"..."`. */
void tpi_json_head(struct tpi_buf *b, tp_state_kind kind);

/* Reading a JSON state with faults reported at their path. */
struct tpi_jrd {
	tp_error *err;
	size_t first_error;
	const char *data;
	size_t len;
	const char *source;
	struct tpi_path path;
	tp_status st;          /* first fault */
};

void tpi_jrd_init(struct tpi_jrd *j, const void *data, size_t len,
		  const char *source, tp_error *err);
/* Locate the faults in the text, free the path; returns the first fault. */
tp_status tpi_jrd_fini(struct tpi_jrd *j);
/* Report a fault at the current path (plus member name when not NULL). */
bool tpi_jfail(struct tpi_jrd *j, tp_status code, const char *member,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A member of obj of the given cJSON type (cJSON_Number...); NULL after
 * reporting when absent or of another type. */
const cJSON *tpi_jmember(struct tpi_jrd *j, const cJSON *obj,
			 const char *name, int type);
/* An integral number in [min, max]; item is at the current path. Read
 * exactly from the text (any 64-bit value) when the tree comes from
 * tpi_json_open(). */
bool tpi_jint(struct tpi_jrd *j, const cJSON *item, const char *member,
	      int64_t min, int64_t max, int64_t *out);
bool tpi_jint_member(struct tpi_jrd *j, const cJSON *obj, const char *name,
		     int64_t min, int64_t max, int64_t *out);
/* The same for unsigned 64-bit counts. */
bool tpi_juint(struct tpi_jrd *j, const cJSON *item, const char *member,
	       uint64_t min, uint64_t max, uint64_t *out);
bool tpi_juint_member(struct tpi_jrd *j, const cJSON *obj, const char *name,
		      uint64_t min, uint64_t max, uint64_t *out);
/* A string member, or NULL when the member is JSON null and nullable. */
bool tpi_jstr_member(struct tpi_jrd *j, const cJSON *obj, const char *name,
		     bool nullable, const char **out);

/* Parse the JSON state j was opened on and check its format, version and
 * kind; *root is the document (cJSON_Delete it). */
tp_status tpi_json_open(struct tpi_jrd *j, tp_state_kind kind, cJSON **root);

/* Sort indices in place (heap sort) by a total order with a context. */
typedef int (*tpi_idx_cmp)(size_t a, size_t b, const void *ctx);
void tpi_sort_idx(size_t *a, size_t n, tpi_idx_cmp cmp, const void *ctx);
/* Sort int64 values ascending; never fails (radix sort with a buffer
 * when one can be had, heap sort in place otherwise). */
void tpi_sort_i64(int64_t *a, size_t n);

/* Quantile of a sorted list of n >= 1 values, linear interpolation. */
double tpi_quantile(const int64_t *v, size_t n, double q);

#endif
