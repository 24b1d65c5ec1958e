/* SPDX-License-Identifier: MIT */
/*
 * The referrer database (referrer.h): loading Snowplow-format JSON (with
 * the Matomo extensions: `{}` country placeholders and `/regex/`
 * parameters) and looking referrer URLs up without allocating.
 *
 * Layout: every host key (lowercase, without `www.`, possibly with `{}`
 * labels) maps to a run of entries sorted longest path first, the entry
 * for the host alone (empty path) last. An entry names a source (a name
 * within a medium) and a run of parameters. Strings live in one arena.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "referrer-private.h"
#include "util/error.h"
#include "util/export.h"
#include "util/file.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/strmap.h"
#include "util/text.h"
#include "util/url.h"

/* Longest host we look up or accept (DNS allows 253). */
#define HOST_MAX 253
/* Match-data blocks kept for regular-expression parameters: lookups in
 * more threads than this at the same instant allocate a temporary one. */
#define MD_POOL 16

/* ---- medium names ---- */

static const char *const medium_names[] = {
	"unknown", "search", "social", "email", "paid", "chatbot", "internal",
};

TP_EXPORT const char *
tp_referrer_medium_name(tp_referrer_medium medium)
{
	if ((unsigned)medium > (unsigned)TP_REFERRER_MEDIUM_LAST)
		return NULL;
	return medium_names[medium];
}

TP_EXPORT tp_status
tp_referrer_medium_parse(const char *name, tp_referrer_medium *out)
{
	size_t i;

	if (!name || !out)
		return TP_EINVAL;
	for (i = 0; i <= (size_t)TP_REFERRER_MEDIUM_LAST; i++) {
		if (tpi_strcaseeq(name, medium_names[i])) {
			*out = (tp_referrer_medium)i;
			return TP_OK;
		}
	}
	return TP_ENOTFOUND;
}

/* ---- country codes, for `{}` (Matomo's UrlHelper::getLossyUrl) ---- */

/*
 * ISO 3166-1 alpha-2, plus the reserved codes Matomo's country list adds
 * (ac an bu cp cs dg ea eu fx ic nt sf su ta tp uk yu zr) and `cat`.
 * Sorted, so that a binary search finds a code.
 */
static const char country_codes[][4] = {
	"ac", "ad", "ae", "af", "ag", "ai", "al", "am", "an", "ao", "aq", "ar",
	"as", "at", "au", "aw", "ax", "az", "ba", "bb", "bd", "be", "bf", "bg",
	"bh", "bi", "bj", "bl", "bm", "bn", "bo", "bq", "br", "bs", "bt", "bu",
	"bv", "bw", "by", "bz", "ca", "cat", "cc", "cd", "cf", "cg", "ch", "ci",
	"ck", "cl", "cm", "cn", "co", "cp", "cr", "cs", "cu", "cv", "cw", "cx",
	"cy", "cz", "de", "dg", "dj", "dk", "dm", "do", "dz", "ea", "ec", "ee",
	"eg", "eh", "er", "es", "et", "eu", "fi", "fj", "fk", "fm", "fo", "fr",
	"fx", "ga", "gb", "gd", "ge", "gf", "gg", "gh", "gi", "gl", "gm", "gn",
	"gp", "gq", "gr", "gs", "gt", "gu", "gw", "gy", "hk", "hm", "hn", "hr",
	"ht", "hu", "ic", "id", "ie", "il", "im", "in", "io", "iq", "ir", "is",
	"it", "je", "jm", "jo", "jp", "ke", "kg", "kh", "ki", "km", "kn", "kp",
	"kr", "kw", "ky", "kz", "la", "lb", "lc", "li", "lk", "lr", "ls", "lt",
	"lu", "lv", "ly", "ma", "mc", "md", "me", "mf", "mg", "mh", "mk", "ml",
	"mm", "mn", "mo", "mp", "mq", "mr", "ms", "mt", "mu", "mv", "mw", "mx",
	"my", "mz", "na", "nc", "ne", "nf", "ng", "ni", "nl", "no", "np", "nr",
	"nt", "nu", "nz", "om", "pa", "pe", "pf", "pg", "ph", "pk", "pl", "pm",
	"pn", "pr", "ps", "pt", "pw", "py", "qa", "re", "ro", "rs", "ru", "rw",
	"sa", "sb", "sc", "sd", "se", "sf", "sg", "sh", "si", "sj", "sk", "sl",
	"sm", "sn", "so", "sr", "ss", "st", "su", "sv", "sx", "sy", "sz", "ta",
	"tc", "td", "tf", "tg", "th", "tj", "tk", "tl", "tm", "tn", "to", "tp",
	"tr", "tt", "tv", "tw", "tz", "ua", "ug", "uk", "um", "us", "uy", "uz",
	"va", "vc", "ve", "vg", "vi", "vn", "vu", "wf", "ws", "ye", "yt", "yu",
	"za", "zm", "zr", "zw",
};

/* One bit per two-letter code: bit (second - 'a') of bits[first - 'a']. */
static void
country_bits(uint32_t bits[26])
{
	size_t i;

	memset(bits, 0, 26 * sizeof(bits[0]));
	for (i = 0; i < sizeof(country_codes) / sizeof(country_codes[0]); i++) {
		const char *c = country_codes[i];

		if (!c[2])
			bits[c[0] - 'a'] |= 1u << (c[1] - 'a');
	}
}

static bool
is_country(const uint32_t bits[26], const char *s, size_t n)
{
	if (n == 2) {
		unsigned a = (unsigned)(unsigned char)s[0] - 'a';
		unsigned b = (unsigned)(unsigned char)s[1] - 'a';

		return a < 26 && b < 26 && ((bits[a] >> b) & 1u);
	}
	return n == 3 && memcmp(s, "cat", 3) == 0;
}

static bool
is_combined_tld(const char *s, size_t n)
{
	static const char *const second[] = { "com", "org", "net", "co", "it", "edu" };
	size_t i;

	for (i = 0; i < sizeof(second) / sizeof(second[0]); i++)
		if (strlen(second[i]) == n && memcmp(s, second[i], n) == 0)
			return true;
	return false;
}

#define MAX_LABELS 128   /* a host of HOST_MAX bytes has at most 127 */

static bool
is_w_label(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] == 'w')
		i++;
	if (i == 0)
		return false;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i == n;
}

/*
 * Matomo's lossy form of a lowercase host (UrlHelper::getLossyUrl), as its
 * regular expressions compute it, applied one after the other, each to
 * every match from left to right:
 *   ^(w+[0-9]*|search)\.                      -> ""
 *   (^|\.)m\.                                 -> "$1"
 *   (\.(com|org|net|co|it|edu))?\.(CC)(/|$)   -> ".{}$4"
 *   (^|\.)(CC)\.                              -> "$1{}."
 * where CC is a country code. A match consumes the dot after its label, so
 * the label right after a replaced one cannot match the same expression.
 * Works on labels. Writes the result to out (at least n bytes) and
 * returns its length, or 0 when the lossy form is the host itself.
 */
static size_t
lossy_host(const uint32_t cc[26], const char *h, size_t n, char *out)
{
	size_t b[MAX_LABELS], len[MAX_LABELS];
	/* 0: dropped, 1: kept, 2: replaced by {} */
	unsigned char state[MAX_LABELS];
	size_t nl = 0, i = 0, first = 0, k, o = 0, live[MAX_LABELS], nlive = 0;
	bool changed = false, prev;

	for (;;) {
		const char *d = memchr(h + i, '.', n - i);
		size_t e = d ? (size_t)(d - h) : n;

		if (nl == MAX_LABELS)
			return 0;
		b[nl] = i;
		len[nl] = e - i;
		state[nl++] = 1;
		if (!d)
			break;
		i = e + 1;
	}
	/* 1. a leading www, www2, w3... or search label */
	if (nl >= 2 && (is_w_label(h, len[0]) ||
			(len[0] == 6 && memcmp(h, "search", 6) == 0))) {
		state[0] = 0;
		first = 1;
		changed = true;
	}
	/* 2. "m" labels followed by a dot */
	prev = false;
	for (k = first; k + 1 < nl; k++) {
		bool m = len[k] == 1 && h[b[k]] == 'm' && !prev;

		if (m) {
			state[k] = 0;
			changed = true;
		}
		prev = m;
	}
	for (k = first; k < nl; k++)
		if (state[k])
			live[nlive++] = k;
	/* 3. a country top-level domain, with com/org/net/co/it/edu before it */
	if (nlive >= 2 && is_country(cc, h + b[live[nlive - 1]], len[live[nlive - 1]])) {
		state[live[nlive - 1]] = 2;
		if (nlive >= 3 && is_combined_tld(h + b[live[nlive - 2]],
						  len[live[nlive - 2]])) {
			state[live[nlive - 2]] = 0;
			live[nlive - 2] = live[nlive - 1];
			nlive--;
		}
		changed = true;
	}
	/* 4. country-code labels followed by a dot */
	prev = false;
	for (k = 0; k + 1 < nlive; k++) {
		size_t x = live[k];
		bool r = !prev && is_country(cc, h + b[x], len[x]);

		if (r) {
			state[x] = 2;
			changed = true;
		}
		prev = r;
	}
	if (!changed)
		return 0;
	for (k = 0; k < nlive; k++) {
		size_t x = live[k];

		if (k)
			out[o++] = '.';
		if (state[x] == 2) {
			out[o++] = '{';
			out[o++] = '}';
		} else {
			memcpy(out + o, h + b[x], len[x]);
			o += len[x];
		}
	}
	return o;
}

/* ---- the database ---- */

struct ref_param {
	const char *name;      /* query parameter name, or the regex source */
	uint32_t len;
	pcre2_code *re;        /* NULL for a query parameter */
};

struct ref_source {
	const char *name;
	tp_referrer_medium medium;
};

struct ref_entry {
	const char *path;      /* lowercase, no final '/'; "" for the host alone */
	uint32_t path_len;
	uint32_t source;
	uint32_t params;       /* first parameter */
	uint32_t n_params;
};

/* Entries of one host: a growable run while loading, a slice after. */
struct ref_host {
	struct ref_entry *v;
	uint32_t n, cap;
};

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

struct tp_refdb {
	atomic_uint refs;
	struct tpi_strmap host_ids;      /* host key -> index in hosts */
	struct ref_host *hosts;
	size_t n_hosts, cap_hosts;
	struct ref_entry *entries;       /* all runs, after finishing */
	size_t n_entries;
	struct tpi_strmap source_ids;    /* medium byte + name -> index */
	struct ref_source *sources;
	size_t n_sources, cap_sources;
	struct ref_param *params;
	size_t n_params, cap_params;
	struct arena_block *arena;
	size_t arena_bytes;
	bool has_patterns;
	uint32_t country_bits[26];   /* for `{}` (lossy_host) */
	/* PCRE2: memory functions, compile context, match-data pool */
	pcre2_general_context *gctx;
	pcre2_compile_context *cctx;
	uint32_t ovec_pairs;
	pcre2_match_data *md[MD_POOL];
	atomic_uint md_busy[MD_POOL];
};

static char *
arena_alloc(tp_refdb *db, size_t n)
{
	struct arena_block *b = db->arena;
	char *p;

	if (!b || b->cap - b->used < n) {
		size_t cap = n > 16384 ? n : 16384;

		b = tpi_malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = db->arena;
		b->used = 0;
		b->cap = cap;
		db->arena = b;
		db->arena_bytes += sizeof(*b) + cap;
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

/* Copy s[0..n) into the arena, NUL-terminated, lowercased if asked. */
static char *
arena_str(tp_refdb *db, const char *s, size_t n, bool lower)
{
	char *p = arena_alloc(db, n + 1);
	size_t i;

	if (!p)
		return NULL;
	for (i = 0; i < n; i++)
		p[i] = lower ? tpi_lower(s[i]) : s[i];
	p[n] = '\0';
	return p;
}

static void *
re_malloc(PCRE2_SIZE size, void *data)
{
	(void)data;
	return tpi_malloc(size);
}

static void
re_free(void *p, void *data)
{
	(void)data;
	tpi_free(p);
}

static void
refdb_destroy(tp_refdb *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->n_params; i++)
		pcre2_code_free(db->params[i].re);
	for (i = 0; i < MD_POOL; i++)
		pcre2_match_data_free(db->md[i]);
	pcre2_compile_context_free(db->cctx);
	pcre2_general_context_free(db->gctx);
	if (!db->entries)
		for (i = 0; i < db->n_hosts; i++)
			tpi_free(db->hosts[i].v);
	tpi_free(db->entries);
	tpi_free(db->hosts);
	tpi_free(db->sources);
	tpi_free(db->params);
	tpi_strmap_fini(&db->host_ids);
	tpi_strmap_fini(&db->source_ids);
	while (db->arena) {
		struct arena_block *next = db->arena->next;

		tpi_free(db->arena);
		db->arena = next;
	}
	tpi_free(db);
}

static tp_refdb *
refdb_new(void)
{
	tp_refdb *db = tpi_calloc(1, sizeof(*db));
	size_t i;

	if (!db)
		return NULL;
	atomic_init(&db->refs, 1);
	country_bits(db->country_bits);
	for (i = 0; i < MD_POOL; i++)
		atomic_init(&db->md_busy[i], 0);
	return db;
}

/* ---- loading ---- */

struct loader {
	tp_refdb *db;
	tp_error *err;
	struct tpi_path path;
	tp_status st;        /* first fault */
	bool oom;
};

static void
fault(struct loader *ld, tp_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fault(struct loader *ld, tp_status code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (code == TP_ENOMEM)
		ld->oom = true;
	if (!ld->st)
		ld->st = code;
	tpi_error(ld->err, code, NULL, 0, 0,
		  code == TP_ENOMEM ? NULL : tpi_path_str(&ld->path), "%s", msg);
}

static void
oom(struct loader *ld)
{
	if (!ld->oom)
		fault(ld, TP_ENOMEM, "out of memory while loading the referrer database");
}

/* Index of the source (medium, name), added when new; UINT32_MAX on OOM. */
static uint32_t
intern_source(struct loader *ld, tp_referrer_medium medium, const char *name)
{
	tp_refdb *db = ld->db;
	size_t n = strlen(name);
	char *key;
	uint32_t idx;
	char stackkey[256];

	/* The key is the medium byte followed by the name. */
	if (n + 1 <= sizeof(stackkey)) {
		stackkey[0] = (char)('0' + medium);
		memcpy(stackkey + 1, name, n);
		if (tpi_strmap_get(&db->source_ids, stackkey, n + 1, &idx))
			return idx;
	}
	if (!TPI_GROW(db->sources, db->cap_sources, db->n_sources + 1))
		return UINT32_MAX;
	key = arena_alloc(db, n + 2);
	if (!key)
		return UINT32_MAX;
	key[0] = (char)('0' + medium);
	memcpy(key + 1, name, n + 1);
	idx = (uint32_t)db->n_sources;
	if (!tpi_strmap_put(&db->source_ids, key, n + 1, idx, &idx))
		return UINT32_MAX;
	if (idx == db->n_sources) {
		db->sources[idx].name = key + 1;
		db->sources[idx].medium = medium;
		db->n_sources++;
	}
	return idx;
}

/* Add or replace the entry (host, path). host and path are normalised. */
static bool
add_entry(struct loader *ld, const char *host, size_t hn, const char *path,
	  size_t pn, uint32_t source, uint32_t params, uint32_t n_params)
{
	tp_refdb *db = ld->db;
	struct ref_host *h;
	struct ref_entry *e;
	uint32_t hidx;
	uint32_t i;

	if (!tpi_strmap_get(&db->host_ids, host, hn, &hidx)) {
		char *key;

		if (!TPI_GROW(db->hosts, db->cap_hosts, db->n_hosts + 1))
			return false;
		key = arena_str(db, host, hn, false);
		if (!key)
			return false;
		hidx = (uint32_t)db->n_hosts;
		if (!tpi_strmap_put(&db->host_ids, key, hn, hidx, NULL))
			return false;
		memset(&db->hosts[hidx], 0, sizeof(db->hosts[hidx]));
		db->n_hosts++;
	}
	h = &db->hosts[hidx];
	for (i = 0; i < h->n; i++) {
		e = &h->v[i];
		if (e->path_len == pn && memcmp(e->path, path, pn) == 0)
			goto set;
	}
	if (h->n == h->cap) {
		uint32_t ncap = h->cap ? h->cap * 2 : 1;
		struct ref_entry *v = tpi_reallocarray(h->v, ncap, sizeof(*v));

		if (!v)
			return false;
		h->v = v;
		h->cap = ncap;
	}
	e = &h->v[h->n];
	if (pn) {
		char *p = arena_str(db, path, pn, false);

		if (!p)
			return false;
		e->path = p;
	} else {
		e->path = "";
	}
	e->path_len = (uint32_t)pn;
	h->n++;
	db->n_entries++;
set:
	e->source = source;
	e->params = params;
	e->n_params = n_params;
	return true;
}

static bool
has_ctl_or_space(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/*
 * Check and normalise a domain ("www.Example.com/Path/"): host lowercase
 * without "www." nor a final dot, path lowercase without final '/'.
 */
static bool
split_domain(struct loader *ld, const char *d, char *host, size_t *hn,
	     char *path, size_t *pn)
{
	size_t n = strlen(d), slash, i;
	struct tpi_span h;

	if (n == 0) {
		fault(ld, TP_ESCHEMA, "empty domain");
		return false;
	}
	if (has_ctl_or_space(d, n)) {
		fault(ld, TP_ESCHEMA, "domain \"%s\" contains white space or a control character", d);
		return false;
	}
	if (strstr(d, "://")) {
		fault(ld, TP_ESCHEMA, "domain \"%s\" has a scheme; give the host (and path) alone", d);
		return false;
	}
	for (slash = 0; slash < n && d[slash] != '/'; slash++)
		;
	h = tpi_host_trim(tpi_host_strip_www(tpi_span(d, slash)));
	if (h.n == 0) {
		fault(ld, TP_ESCHEMA, "domain \"%s\" has no host", d);
		return false;
	}
	if (h.n > HOST_MAX) {
		fault(ld, TP_ESCHEMA, "domain \"%.64s...\" is longer than %d bytes", d, HOST_MAX);
		return false;
	}
	for (i = 0; i < h.n; i++) {
		char c = h.p[i];

		if (c == '?' || c == '#' || c == '@' || c == ':' || c == '\\') {
			fault(ld, TP_ESCHEMA, "domain \"%s\": '%c' is not allowed in a host", d, c);
			return false;
		}
		if (c == '{' || c == '}') {
			bool ok = c == '{' && i + 1 < h.n && h.p[i + 1] == '}' &&
				  (i == 0 || h.p[i - 1] == '.') &&
				  (i + 2 == h.n || h.p[i + 2] == '.');

			if (!ok) {
				fault(ld, TP_ESCHEMA, "domain \"%s\": \"{}\" must stand for a whole label", d);
				return false;
			}
			ld->db->has_patterns = true;
			i++;
		}
	}
	for (i = 0; i < h.n; i++)
		host[i] = tpi_lower(h.p[i]);
	*hn = h.n;
	/* path */
	*pn = 0;
	if (slash < n) {
		size_t e = n;

		for (i = slash; i < n; i++) {
			if (d[i] == '?' || d[i] == '#') {
				fault(ld, TP_ESCHEMA, "domain \"%s\": a path has no query nor fragment", d);
				return false;
			}
		}
		while (e > slash && d[e - 1] == '/')
			e--;
		for (i = slash; i < e; i++)
			path[(*pn)++] = tpi_lower(d[i]);
	}
	return true;
}

/* True for a "/regex/" parameter. */
static bool
is_regex_param(const char *s, size_t n)
{
	return n >= 3 && s[0] == '/' && s[n - 1] == '/';
}

static bool
ensure_pcre2(struct loader *ld)
{
	tp_refdb *db = ld->db;

	if (db->cctx)
		return true;
	if (!db->gctx)
		db->gctx = pcre2_general_context_create(re_malloc, re_free, NULL);
	if (db->gctx)
		db->cctx = pcre2_compile_context_create(db->gctx);
	if (!db->cctx) {
		oom(ld);
		return false;
	}
	return true;
}

/* Read the parameters of a block into db->params; returns false on OOM. */
static bool
read_params(struct loader *ld, const cJSON *arr, uint32_t *first,
	    uint32_t *count)
{
	tp_refdb *db = ld->db;
	const cJSON *p;
	size_t i = 0;

	*first = (uint32_t)db->n_params;
	*count = 0;
	if (!arr)
		return true;
	if (!cJSON_IsArray(arr)) {
		fault(ld, TP_ESCHEMA, "\"parameters\" must be an array of strings, not %s",
		      tpi_json_type_name(arr));
		return true;
	}
	for (p = arr->child; p; p = p->next, i++) {
		struct ref_param rp = { NULL, 0, NULL };
		size_t n;

		tpi_path_push_index(&ld->path, i);
		if (!cJSON_IsString(p) || !p->valuestring[0]) {
			fault(ld, TP_ESCHEMA, "a parameter must be a non-empty string, not %s",
			      cJSON_IsString(p) ? "an empty string" : tpi_json_type_name(p));
			tpi_path_pop(&ld->path);
			continue;
		}
		n = strlen(p->valuestring);
		if (is_regex_param(p->valuestring, n)) {
			int code;
			PCRE2_SIZE off;
			uint32_t groups = 0;

			if (!ensure_pcre2(ld))
				return false;
			/* PCRE2 has no public code for "failed to get memory"
			 * in compile errors: our allocator counts failures. */
			tpi_oom_reset();
			rp.re = pcre2_compile((PCRE2_SPTR)p->valuestring + 1, n - 2,
					      PCRE2_CASELESS, &code, &off, db->cctx);
			if (!rp.re) {
				PCRE2_UCHAR msg[256];

				if (tpi_oom_happened()) {
					oom(ld);
					return false;
				}
				pcre2_get_error_message(code, msg, sizeof(msg));
				fault(ld, TP_ESCHEMA, "regular expression %s: %s at offset %zu",
				      p->valuestring, (const char *)msg, (size_t)off);
				tpi_path_pop(&ld->path);
				continue;
			}
			pcre2_pattern_info(rp.re, PCRE2_INFO_CAPTURECOUNT, &groups);
			if (groups < 1) {
				fault(ld, TP_ESCHEMA, "regular expression %s has no group to take the term from",
				      p->valuestring);
				pcre2_code_free(rp.re);
				tpi_path_pop(&ld->path);
				continue;
			}
			code = pcre2_jit_compile(rp.re, PCRE2_JIT_COMPLETE);
			if (code == PCRE2_ERROR_NOMEMORY) {
				pcre2_code_free(rp.re);
				oom(ld);
				return false;
			}
			if (groups + 1 > db->ovec_pairs)
				db->ovec_pairs = groups + 1;
		}
		if (!TPI_GROW(db->params, db->cap_params, db->n_params + 1)) {
			pcre2_code_free(rp.re);
			oom(ld);
			return false;
		}
		rp.name = arena_str(db, p->valuestring, n, false);
		if (!rp.name) {
			pcre2_code_free(rp.re);
			oom(ld);
			return false;
		}
		rp.len = (uint32_t)n;
		db->params[db->n_params++] = rp;
		(*count)++;
		tpi_path_pop(&ld->path);
	}
	return true;
}

/* One block: {"domains": [...], "parameters": [...]}. */
static void
read_block(struct loader *ld, tp_referrer_medium medium, const char *name,
	   const cJSON *block)
{
	const cJSON *m, *domains = NULL, *params = NULL, *d;
	uint32_t source, first, count;
	size_t i = 0;

	if (!cJSON_IsObject(block)) {
		fault(ld, TP_ESCHEMA, "source \"%s\" must be an object with \"domains\" (or an array of such objects), not %s",
		      name, tpi_json_type_name(block));
		return;
	}
	for (m = block->child; m; m = m->next) {
		if (strcmp(m->string, "domains") == 0) {
			domains = m;
		} else if (strcmp(m->string, "parameters") == 0) {
			params = m;
		} else {
			tpi_path_push_key(&ld->path, m->string);
			fault(ld, TP_ESCHEMA, "unknown member \"%s\" (expected \"domains\" and \"parameters\")",
			      m->string);
			tpi_path_pop(&ld->path);
		}
	}
	if (!domains) {
		fault(ld, TP_ESCHEMA, "source \"%s\" has no \"domains\"", name);
		return;
	}
	if (!cJSON_IsArray(domains)) {
		tpi_path_push_key(&ld->path, "domains");
		fault(ld, TP_ESCHEMA, "\"domains\" must be an array of strings, not %s",
		      tpi_json_type_name(domains));
		tpi_path_pop(&ld->path);
		return;
	}
	source = intern_source(ld, medium, name);
	if (source == UINT32_MAX) {
		oom(ld);
		return;
	}
	tpi_path_push_key(&ld->path, "parameters");
	if (!read_params(ld, params, &first, &count)) {
		tpi_path_pop(&ld->path);
		return;
	}
	tpi_path_pop(&ld->path);
	tpi_path_push_key(&ld->path, "domains");
	for (d = domains->child; d && !ld->oom; d = d->next, i++) {
		char host[HOST_MAX + 1];
		char *path;
		size_t hn, pn;

		tpi_path_push_index(&ld->path, i);
		if (!cJSON_IsString(d)) {
			fault(ld, TP_ESCHEMA, "a domain must be a string, not %s",
			      tpi_json_type_name(d));
			tpi_path_pop(&ld->path);
			continue;
		}
		path = tpi_malloc(strlen(d->valuestring) + 1);
		if (!path) {
			oom(ld);
		} else if (split_domain(ld, d->valuestring, host, &hn, path, &pn) &&
			   !add_entry(ld, host, hn, path, pn, source, first, count)) {
			oom(ld);
		}
		tpi_free(path);
		tpi_path_pop(&ld->path);
	}
	tpi_path_pop(&ld->path);
}

static void
read_root(struct loader *ld, const cJSON *root)
{
	const cJSON *m, *s, *b;

	if (!cJSON_IsObject(root)) {
		fault(ld, TP_ESCHEMA, "a referrer database is an object of media, not %s",
		      tpi_json_type_name(root));
		return;
	}
	for (m = root->child; m && !ld->oom; m = m->next) {
		tp_referrer_medium medium;

		tpi_path_push_key(&ld->path, m->string);
		if (tp_referrer_medium_parse(m->string, &medium) != TP_OK) {
			fault(ld, TP_ESCHEMA, "unknown medium \"%s\" (expected unknown, search, social, email, paid, chatbot or internal)",
			      m->string);
		} else if (!cJSON_IsObject(m)) {
			fault(ld, TP_ESCHEMA, "medium \"%s\" must be an object of sources, not %s",
			      m->string, tpi_json_type_name(m));
		} else {
			for (s = m->child; s && !ld->oom; s = s->next) {
				tpi_path_push_key(&ld->path, s->string);
				if (!s->string[0]) {
					fault(ld, TP_ESCHEMA, "a source needs a name");
				} else if (cJSON_IsArray(s)) {
					size_t i = 0;

					for (b = s->child; b && !ld->oom; b = b->next, i++) {
						tpi_path_push_index(&ld->path, i);
						read_block(ld, medium, s->string, b);
						tpi_path_pop(&ld->path);
					}
				} else {
					read_block(ld, medium, s->string, s);
				}
				tpi_path_pop(&ld->path);
			}
		}
		tpi_path_pop(&ld->path);
	}
}

static tp_status
load_text(tp_refdb *db, const char *text, size_t len, const char *source,
	  tp_error *err)
{
	struct loader ld;
	size_t first = tp_error_count(err);
	cJSON *root = NULL;
	tp_status st;

	st = tpi_json_parse(text, len, source, &root, err);
	if (st)
		return st;
	memset(&ld, 0, sizeof(ld));
	ld.db = db;
	ld.err = err;
	tpi_path_init(&ld.path);
	read_root(&ld, root);
	if (ld.path.buf.failed)
		oom(&ld);
	tpi_path_fini(&ld.path);
	cJSON_Delete(root);
	tpi_json_locate_errors(err, first, text, len, source);
	return ld.oom ? TP_ENOMEM : ld.st;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct ref_entry *x = a, *y = b;

	if (x->path_len != y->path_len)
		return x->path_len > y->path_len ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Flatten the runs into one array, longest path first; make the pool. */
static tp_status
finish(tp_refdb *db, tp_error *err)
{
	struct ref_entry *all;
	size_t i, k = 0;

	all = tpi_calloc(db->n_entries ? db->n_entries : 1, sizeof(*all));
	if (!all)
		goto nomem;
	if (db->ovec_pairs) {
		for (i = 0; i < MD_POOL; i++) {
			db->md[i] = pcre2_match_data_create(db->ovec_pairs, db->gctx);
			if (!db->md[i]) {
				tpi_free(all);
				goto nomem;
			}
		}
	}
	for (i = 0; i < db->n_hosts; i++) {
		struct ref_host *h = &db->hosts[i];

		if (h->n > 1)
			qsort(h->v, h->n, sizeof(h->v[0]), entry_cmp);
		if (h->n)
			memcpy(all + k, h->v, h->n * sizeof(h->v[0]));
		tpi_free(h->v);
		h->v = all + k;
		h->cap = h->n;
		k += h->n;
	}
	db->entries = all;
	return TP_OK;
nomem:
	return tpi_error(err, TP_ENOMEM, NULL, 0, 0, NULL,
			 "out of memory while loading the referrer database");
}

static tp_status
load_builtin(tp_refdb *db, tp_error *err)
{
	return load_text(db, tpi_referrers_json, tpi_referrers_json_len,
			 "built-in referrer database", err);
}

static tp_status
done(tp_refdb *db, tp_status st, tp_refdb **out, tp_error *err)
{
	if (!st)
		st = finish(db, err);
	if (st) {
		refdb_destroy(db);
		return st;
	}
	*out = db;
	return TP_OK;
}

TP_EXPORT tp_status
tp_refdb_default(tp_refdb **out, tp_error *err)
{
	tp_refdb *db;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	db = refdb_new();
	if (!db)
		return tpi_error(err, TP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	return done(db, load_builtin(db, err), out, err);
}

TP_EXPORT tp_status
tp_refdb_load_string(const char *text, size_t len, const char *source,
		     tp_refdb **out, tp_error *err)
{
	tp_refdb *db;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (!text)
		return TP_EINVAL;
	db = refdb_new();
	if (!db)
		return tpi_error(err, TP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	return done(db, load_text(db, text, len, source, err), out, err);
}

TP_EXPORT tp_status
tp_refdb_load_files(const char *const *paths, size_t n, tp_refdb **out,
		    tp_error *err)
{
	tp_status st = TP_OK;
	tp_refdb *db;
	size_t i;

	if (!out)
		return TP_EINVAL;
	*out = NULL;
	if (n && !paths)
		return TP_EINVAL;
	db = refdb_new();
	if (!db)
		return tpi_error(err, TP_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	/* Every file is read, so that every fault is reported. */
	for (i = 0; i < n && st != TP_ENOMEM; i++) {
		tp_status s;

		if (!paths[i]) {
			s = load_builtin(db, err);
		} else {
			char *text = NULL;
			size_t len = 0;

			s = tpi_read_file(paths[i], &text, &len, err);
			if (!s)
				s = load_text(db, text, len, paths[i], err);
			tpi_free(text);
		}
		if (s && (!st || s == TP_ENOMEM))
			st = s;
	}
	return done(db, st, out, err);
}

tp_refdb *
tpi_refdb_ref(const tp_refdb *db)
{
	tp_refdb *d = (tp_refdb *)db;

	atomic_fetch_add_explicit(&d->refs, 1, memory_order_relaxed);
	return d;
}

TP_EXPORT void
tp_refdb_free(tp_refdb *db)
{
	if (!db)
		return;
	if (atomic_fetch_sub_explicit(&db->refs, 1, memory_order_acq_rel) == 1)
		refdb_destroy(db);
}

TP_EXPORT size_t
tp_refdb_count(const tp_refdb *db)
{
	return db ? db->n_entries : 0;
}

TP_EXPORT size_t
tp_refdb_source_count(const tp_refdb *db)
{
	return db ? db->n_sources : 0;
}

size_t
tpi_refdb_memory(const tp_refdb *db)
{
	size_t m;

	if (!db)
		return 0;
	m = sizeof(*db) + db->arena_bytes;
	m += db->n_entries * sizeof(struct ref_entry);
	m += db->cap_hosts * sizeof(struct ref_host);
	m += db->cap_sources * sizeof(struct ref_source);
	m += db->cap_params * sizeof(struct ref_param);
	m += (db->host_ids.slots ? db->host_ids.mask + 1 : 0) *
	     sizeof(struct tpi_strmap_slot);
	m += (db->source_ids.slots ? db->source_ids.mask + 1 : 0) *
	     sizeof(struct tpi_strmap_slot);
	return m;
}

/* ---- lookup ---- */

static bool
path_matches(struct tpi_span path, const struct ref_entry *e)
{
	if (e->path_len == 0)
		return true;
	if (path.n < e->path_len ||
	    !tpi_memcaseeq(path.p, e->path_len, e->path, e->path_len))
		return false;
	return path.n == e->path_len || path.p[e->path_len] == '/';
}

static const struct ref_entry *
match_host(const tp_refdb *db, const char *host, size_t n,
	   struct tpi_span path)
{
	const struct ref_host *h;
	uint32_t idx, i;

	if (!tpi_strmap_get(&db->host_ids, host, n, &idx))
		return NULL;
	h = &db->hosts[idx];
	for (i = 0; i < h->n; i++)
		if (path_matches(path, &h->v[i]))
			return &h->v[i];
	return NULL;
}

/* Store the decoded value as the term unless it is blank. */
static bool
take_term(const char *v, size_t n, char *buf, size_t size,
	  tp_referrer_info *out, bool has_term_fields)
{
	size_t written, total;

	if (tpi_url_decoded_blank(v, n, TPI_DECODE_FORM))
		return false;
	if (!has_term_fields || !buf || size == 0)
		return true;
	total = tpi_url_decode(v, n, TPI_DECODE_FORM | TPI_DECODE_UTF8, buf,
			       size, &written);
	out->term = buf;
	out->term_len = written;
	out->term_truncated = total > written;
	return true;
}

static bool
regex_term(const tp_refdb *db, const struct ref_param *p,
	   struct tpi_span raw, char *buf, size_t size,
	   tp_referrer_info *out, bool has_term_fields)
{
	tp_refdb *mdb = (tp_refdb *)db;
	pcre2_match_data *md = NULL;
	bool found = false, temp = false;
	size_t i, slot = 0;
	int rc;

	for (i = 0; i < MD_POOL; i++) {
		if (db->md[i] &&
		    atomic_exchange_explicit(&mdb->md_busy[i], 1,
					     memory_order_acquire) == 0) {
			md = db->md[i];
			slot = i;
			break;
		}
	}
	if (!md) {
		md = pcre2_match_data_create(db->ovec_pairs ? db->ovec_pairs : 2,
					     db->gctx);
		if (!md)
			return false;
		temp = true;
	}
	rc = pcre2_match(p->re, (PCRE2_SPTR)raw.p, raw.n, 0, 0, md, NULL);
	if (rc >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

		if (pcre2_get_ovector_count(md) > 1 && ov[2] != PCRE2_UNSET &&
		    ov[3] >= ov[2])
			found = take_term(raw.p + ov[2], ov[3] - ov[2], buf,
					  size, out, has_term_fields);
	}
	if (temp)
		pcre2_match_data_free(md);
	else
		atomic_store_explicit(&mdb->md_busy[slot], 0,
				      memory_order_release);
	return found;
}

static void
find_term(const tp_refdb *db, const struct ref_entry *e,
	  const struct tpi_url *url, char *buf, size_t size,
	  tp_referrer_info *out, bool has_term_fields)
{
	uint32_t i;

	for (i = 0; i < e->n_params; i++) {
		const struct ref_param *p = &db->params[e->params + i];
		struct tpi_span where[2] = { url->query, url->fragment };
		size_t w;

		if (p->re) {
			if (regex_term(db, p, url->raw, buf, size, out,
				       has_term_fields))
				return;
			continue;
		}
		for (w = 0; w < 2; w++) {
			struct tpi_query_iter it;
			struct tpi_span k, v;

			tpi_query_iter_init(&it, where[w]);
			while (tpi_query_next(&it, &k, &v))
				if (tpi_memcaseeq(k.p, k.n, p->name, p->len) &&
				    take_term(v.p, v.n, buf, size, out,
					      has_term_fields))
					return;
		}
	}
}

/* Does out->size cover the field? */
#define OUT_HAS(out, field) \
	((out)->size >= offsetof(tp_referrer_info, field) + sizeof((out)->field))

tp_status
tpi_refdb_lookup_url(const tp_refdb *db, const struct tpi_url *url,
		     char *term_buf, size_t term_size, tp_referrer_info *out)
{
	char host[HOST_MAX + 1], lossy[HOST_MAX + 1];
	const struct ref_entry *e = NULL;
	struct tpi_span h, path;
	bool has_term, parent;
	size_t n;

	if (!db || !url || !out || !OUT_HAS(out, source) ||
	    (term_size && !term_buf))
		return TP_EINVAL;
	has_term = OUT_HAS(out, term_truncated);
	if (OUT_HAS(out, parent_domain))
		out->parent_domain = 0;
	out->known = 0;
	out->medium = TP_REFERRER_MEDIUM_UNKNOWN;
	out->source = NULL;
	if (has_term) {
		out->term = NULL;
		out->term_len = 0;
		out->term_truncated = 0;
	}
	if (term_buf && term_size)
		term_buf[0] = '\0';
	if (!tpi_url_has_host(url))
		return TP_ESYNTAX;
	if (url->ipv6)
		return TP_OK;
	n = tpi_host_lower(url->host, host, sizeof(host));
	if (n == (size_t)-1 || n == 0)
		return TP_OK;
	h = tpi_host_strip_www(tpi_span(host, n));
	path = url->path;
	for (parent = false;; parent = true) {
		e = match_host(db, h.p, h.n, path);
		if (e)
			break;
		if (db->has_patterns) {
			size_t ln = lossy_host(db->country_bits, h.p, h.n, lossy);

			if (ln) {
				e = match_host(db, lossy, ln, path);
				if (e)
					break;
			}
		}
		if (!tpi_host_parent(&h))
			break;
	}
	if (!e)
		return TP_OK;
	out->known = 1;
	if (OUT_HAS(out, parent_domain))
		out->parent_domain = parent;
	out->medium = db->sources[e->source].medium;
	out->source = db->sources[e->source].name;
	if (e->n_params)
		find_term(db, e, url, term_buf, term_size, out, has_term);
	return TP_OK;
}

TP_EXPORT tp_status
tp_refdb_lookup(const tp_refdb *db, const char *url, size_t len,
		char *term_buf, size_t term_size, tp_referrer_info *out)
{
	struct tpi_url u;

	if (!db || !url || !out || !OUT_HAS(out, source) ||
	    (term_size && !term_buf))
		return TP_EINVAL;
	if (!tpi_url_parse(url, len, &u)) {
		memset(&u, 0, sizeof(u));
		tpi_refdb_lookup_url(db, &u, term_buf, term_size, out);
		return TP_ESYNTAX;
	}
	return tpi_refdb_lookup_url(db, &u, term_buf, term_size, out);
}
