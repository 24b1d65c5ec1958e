/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the internal URL helpers (lib/util/url.c): parsing, query
 * iteration, decoding and the host helpers. Properties: every view lies
 * inside the input; decoding with TPI_DECODE_UTF8 gives valid UTF-8
 * without NUL bytes; a decode into a small buffer is a prefix of the full
 * decode; the walk to the parent domains ends.
 */
#include <string.h>
#include "fuzz-common.h"
#include "util/url.h"

static void
inside(struct tpi_span s, const char *base, size_t len)
{
	if (!s.p)
		return;
	FUZZ_CHECK(s.p >= base && s.p + s.n <= base + len);
}

static void
decode(struct tpi_span s, unsigned flags)
{
	static char full[1 << 16], part[7];
	size_t w = 0, w2 = 0, total, total2;

	if (!s.p || s.n >= sizeof(full) / 4)
		return;
	total = tpi_url_decode(s.p, s.n, flags, full, sizeof(full), &w);
	FUZZ_CHECK(total == w);
	FUZZ_CHECK(full[w] == '\0');
	if (flags & TPI_DECODE_UTF8) {
		FUZZ_CHECK(fuzz_utf8_valid(full, w));
		FUZZ_CHECK(!memchr(full, '\0', w));
	}
	total2 = tpi_url_decode(s.p, s.n, flags, part, sizeof(part), &w2);
	FUZZ_CHECK(total2 == total);
	FUZZ_CHECK(w2 < sizeof(part) && w2 <= w);
	FUZZ_CHECK(memcmp(part, full, w2) == 0);
	FUZZ_CHECK(tpi_url_decode(s.p, s.n, flags, NULL, 0, NULL) == total);
	(void)tpi_url_decoded_blank(s.p, s.n, flags);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct tpi_url u;
	struct tpi_query_iter it;
	struct tpi_span name, value, host;
	char lower[256];
	size_t steps = 0;

	if (!tpi_url_parse(s, size, &u))
		return 0;
	inside(u.raw, s, size);
	inside(u.scheme, s, size);
	inside(u.userinfo, s, size);
	inside(u.host, s, size);
	inside(u.port, s, size);
	inside(u.path, s, size);
	inside(u.query, s, size);
	inside(u.fragment, s, size);
	FUZZ_CHECK(u.port_number >= -1 && u.port_number <= 65535);
	tpi_query_iter_init(&it, u.query);
	while (tpi_query_next(&it, &name, &value)) {
		inside(name, s, size);
		inside(value, s, size);
		decode(name, TPI_DECODE_FORM | TPI_DECODE_UTF8);
		decode(value, TPI_DECODE_FORM);
		FUZZ_CHECK(++steps <= size);
	}
	if (u.query.p) {
		struct tpi_span q = tpi_query_get(u.query, "q", 1);

		inside(q, s, size);
	}
	decode(u.path, TPI_DECODE_UTF8);
	decode(u.fragment, 0);
	if (!tpi_url_has_host(&u))
		return 0;
	host = tpi_host_trim(u.host);
	inside(host, s, size);
	(void)tpi_host_lower(u.host, lower, sizeof(lower));
	host = tpi_host_strip_www(host);
	inside(host, s, size);
	(void)tpi_host_in_domain(u.host, host);
	steps = tpi_host_labels(host);
	while (tpi_host_parent(&host)) {
		inside(host, s, size);
		FUZZ_CHECK(steps-- > 0);
	}
	return 0;
}
