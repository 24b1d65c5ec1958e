/* SPDX-License-Identifier: MIT */
/* White-box tests of the URL views (lib/util/url.h). */
#include <stdlib.h>
#include <string.h>

#include "test-common.h"
#include "util/url.h"

static int
span_is(struct tpi_span s, const char *want)
{
	if (!want)
		return s.p == NULL;
	return s.p != NULL && s.n == strlen(want) && memcmp(s.p, want, s.n) == 0;
}

#define ck_span(s, want) \
	ck_assert_msg(span_is((s), (want)), "%s is \"%.*s\"%s, want %s%s%s", #s, \
		      (int)(s).n, (s).p ? (s).p : "", (s).p ? "" : " (absent)", \
		      (want) ? "\"" : "", (want) ? (const char *)(want) : "absent", \
		      (want) ? "\"" : "")

static struct tpi_url
parse_ok(const char *s)
{
	struct tpi_url u;

	ck_assert_msg(tpi_url_parse(s, strlen(s), &u), "cannot parse %s", s);
	return u;
}

START_TEST(full_url)
{
	struct tpi_url u = parse_ok("https://user:pw@www.Example.com:8080/a/b?x=1&y=2#frag");

	ck_span(u.scheme, "https");
	ck_span(u.userinfo, "user:pw");
	ck_span(u.host, "www.Example.com");
	ck_span(u.port, "8080");
	ck_assert_int_eq(u.port_number, 8080);
	ck_span(u.path, "/a/b");
	ck_span(u.query, "x=1&y=2");
	ck_span(u.fragment, "frag");
	ck_assert(!u.ipv6);
	ck_span(u.raw, "https://user:pw@www.Example.com:8080/a/b?x=1&y=2#frag");
}
END_TEST

START_TEST(no_scheme)
{
	struct tpi_url u = parse_ok("www.google.com/search?q=x");

	ck_span(u.scheme, NULL);
	ck_span(u.host, "www.google.com");
	ck_span(u.path, "/search");
	ck_span(u.query, "q=x");
	ck_span(u.fragment, NULL);

	u = parse_ok("//cdn.example.com/x.js");
	ck_span(u.scheme, NULL);
	ck_span(u.host, "cdn.example.com");
	ck_span(u.path, "/x.js");

	/* host:port without a scheme is not a scheme "localhost" */
	u = parse_ok("localhost:8080/path");
	ck_span(u.scheme, NULL);
	ck_span(u.host, "localhost");
	ck_assert_int_eq(u.port_number, 8080);
	ck_span(u.path, "/path");

	u = parse_ok("example.com");
	ck_span(u.host, "example.com");
	ck_span(u.path, "");
	ck_assert_ptr_nonnull(u.path.p);
	ck_span(u.query, NULL);
}
END_TEST

START_TEST(no_authority)
{
	struct tpi_url u = parse_ok("/relative/path?q=1#f");

	ck_assert(!tpi_url_has_host(&u));
	ck_span(u.host, NULL);
	ck_span(u.path, "/relative/path");
	ck_span(u.query, "q=1");
	ck_span(u.fragment, "f");

	u = parse_ok("mailto:someone@example.com");
	ck_span(u.scheme, "mailto");
	ck_assert(!tpi_url_has_host(&u));
	ck_span(u.path, "someone@example.com");

	u = parse_ok("?only=query");
	ck_assert(!tpi_url_has_host(&u));
	ck_span(u.query, "only=query");

	u = parse_ok("");
	ck_assert(!tpi_url_has_host(&u));

	u = parse_ok("http://");
	ck_span(u.scheme, "http");
	ck_assert(!tpi_url_has_host(&u));

	u = parse_ok("android-app://com.google.android.gm/");
	ck_span(u.scheme, "android-app");
	ck_span(u.host, "com.google.android.gm");
	ck_span(u.path, "/");
}
END_TEST

START_TEST(ports)
{
	struct tpi_url u;

	u = parse_ok("http://h:65535/");
	ck_assert_int_eq(u.port_number, 65535);
	u = parse_ok("http://h:0/");
	ck_assert_int_eq(u.port_number, 0);
	u = parse_ok("http://h:/p");
	ck_assert_int_eq(u.port_number, -1);
	ck_span(u.port, "");
	ck_span(u.host, "h");
	u = parse_ok("http://h/p");
	ck_assert_int_eq(u.port_number, -1);
	ck_span(u.port, NULL);
	ck_assert(!tpi_url_parse("http://h:65536/", 15, &u));
	ck_assert(!tpi_url_parse("http://h:99999999999999999999/", 30, &u));
	ck_assert(!tpi_url_parse("http://h:8o/", 12, &u));
	ck_assert(!tpi_url_parse("http://h:80:81/", 15, &u));
	ck_assert_int_eq(u.port_number, -1);
	ck_span(u.host, NULL);
}
END_TEST

START_TEST(ipv6)
{
	struct tpi_url u = parse_ok("http://[2001:DB8::1]:443/p?q");

	ck_assert(u.ipv6);
	ck_span(u.host, "2001:DB8::1");
	ck_assert_int_eq(u.port_number, 443);
	ck_span(u.path, "/p");
	ck_span(u.query, "q");

	u = parse_ok("http://[::1]/");
	ck_span(u.host, "::1");
	ck_assert_int_eq(u.port_number, -1);

	ck_assert(!tpi_url_parse("http://[::1/x", 13, &u));
	ck_assert(!tpi_url_parse("http://[::1]x/", 14, &u));
	ck_assert(!tpi_url_parse("http://[::1]:x/", 15, &u));
}
END_TEST

START_TEST(userinfo)
{
	struct tpi_url u = parse_ok("http://a@b@host.example/x");

	/* the last '@' ends the userinfo */
	ck_span(u.userinfo, "a@b");
	ck_span(u.host, "host.example");

	u = parse_ok("http://@host/");
	ck_span(u.userinfo, "");
	ck_span(u.host, "host");

	/* an '@' after the authority is part of the path */
	u = parse_ok("http://host/p@q");
	ck_span(u.userinfo, NULL);
	ck_span(u.path, "/p@q");
}
END_TEST

START_TEST(empty_parts)
{
	struct tpi_url u = parse_ok("http://h/p?");

	ck_span(u.query, "");
	ck_span(u.fragment, NULL);

	u = parse_ok("http://h?#");
	ck_span(u.path, "");
	ck_span(u.query, "");
	ck_span(u.fragment, "");

	u = parse_ok("http://h#a?b");
	ck_span(u.query, NULL);
	ck_span(u.fragment, "a?b");
}
END_TEST

START_TEST(trim_and_length)
{
	const char buf[] = "http://a.com/xyzGARBAGE?q=1";
	struct tpi_url u = parse_ok("  \thttp://h/p \r\n");

	ck_span(u.host, "h");
	ck_span(u.path, "/p");
	ck_span(u.raw, "http://h/p");

	/* only len bytes are read; no NUL is needed */
	ck_assert(tpi_url_parse(buf, 16, &u));
	ck_span(u.path, "/xyz");
	ck_span(u.query, NULL);
	ck_assert(tpi_url_parse(buf, 7, &u));
	ck_span(u.scheme, "http");
	ck_assert(!tpi_url_has_host(&u));
	ck_assert(tpi_url_parse(buf, 0, &u));
	ck_assert(!tpi_url_has_host(&u));
	ck_assert(!tpi_url_parse(NULL, 0, &u));
}
END_TEST

START_TEST(very_long)
{
	size_t n = 1 << 20, i;
	char *s = malloc(n);
	struct tpi_url u;

	ck_assert_ptr_nonnull(s);
	/* a 1 MiB host */
	memset(s, 'a', n);
	memcpy(s, "http://", 7);
	ck_assert(tpi_url_parse(s, n, &u));
	ck_assert_uint_eq(u.host.n, n - 7);
	/* a 1 MiB query of parameters */
	memcpy(s, "http://h/?", 10);
	for (i = 10; i < n; i++)
		s[i] = (i % 4 == 0) ? '&' : (i % 4 == 2) ? '=' : 'k';
	ck_assert(tpi_url_parse(s, n, &u));
	ck_assert_uint_eq(u.query.n, n - 10);
	{
		struct tpi_query_iter it;
		struct tpi_span k, v;
		size_t count = 0;

		tpi_query_iter_init(&it, u.query);
		while (tpi_query_next(&it, &k, &v))
			count++;
		ck_assert_uint_gt(count, n / 4 - 4);
	}
	/* all '%' (escapes cut at the end) */
	memset(s, '%', n);
	ck_assert_uint_eq(tpi_url_decode(s, n, TPI_DECODE_FORM, NULL, 0, NULL), n);
	free(s);
}
END_TEST

START_TEST(query_params)
{
	struct tpi_url u = parse_ok("http://h/?a=1&b&&c=&a=2&=x&d=e=f");
	struct tpi_query_iter it;
	struct tpi_span k, v;
	const char *want[][2] = {
		{ "a", "1" }, { "b", "" }, { "c", "" }, { "a", "2" },
		{ "", "x" }, { "d", "e=f" },
	};
	size_t i = 0;

	tpi_query_iter_init(&it, u.query);
	while (tpi_query_next(&it, &k, &v)) {
		ck_assert_uint_lt(i, 6);
		ck_span(k, want[i][0]);
		ck_span(v, want[i][1]);
		i++;
	}
	ck_assert_uint_eq(i, 6);
	ck_assert(!tpi_query_next(&it, &k, &v));

	/* repeated: the first; names ignore case */
	ck_span(tpi_query_get(u.query, "a", 1), "1");
	ck_span(tpi_query_get(u.query, "A", 1), "1");
	ck_span(tpi_query_get(u.query, "d", 1), "e=f");
	ck_span(tpi_query_get(u.query, "zz", 2), NULL);

	/* an absent query yields nothing */
	u = parse_ok("http://h/");
	tpi_query_iter_init(&it, u.query);
	ck_assert(!tpi_query_next(&it, &k, &v));
	ck_span(tpi_query_get(u.query, "a", 1), NULL);
}
END_TEST

static const char *
dec(const char *s, unsigned flags, size_t cap, size_t *total, size_t *written)
{
	static char buf[256];

	memset(buf, 'X', sizeof(buf));
	*total = tpi_url_decode(s, strlen(s), flags, buf, cap, written);
	return buf;
}

START_TEST(decoding)
{
	size_t total, w;

	ck_assert_str_eq(dec("a%20b+c", TPI_DECODE_FORM, 64, &total, &w), "a b c");
	ck_assert_uint_eq(total, 5);
	ck_assert_uint_eq(w, 5);
	ck_assert_str_eq(dec("a%20b+c", 0, 64, &total, &w), "a b+c");
	/* bad escapes stay as they are */
	ck_assert_str_eq(dec("%zz%4%", 0, 64, &total, &w), "%zz%4%");
	ck_assert_str_eq(dec("%4a%4A%", 0, 64, &total, &w), "JJ%");
	ck_assert_str_eq(dec("100%", 0, 64, &total, &w), "100%");
	/* cut, NUL-terminated, with the full length returned */
	ck_assert_str_eq(dec("abcdef", 0, 4, &total, &w), "abc");
	ck_assert_uint_eq(total, 6);
	ck_assert_uint_eq(w, 3);
	ck_assert_str_eq(dec("abc", 0, 1, &total, &w), "");
	ck_assert_uint_eq(w, 0);
	/* no buffer: only the length */
	ck_assert_uint_eq(tpi_url_decode("a%41", 4, 0, NULL, 0, &w), 2);
	ck_assert_uint_eq(w, 0);
	/* bytes are bytes without TPI_DECODE_UTF8 */
	ck_assert_str_eq(dec("%E9t%00x", 0, 64, &total, &w), "\xe9t");
	ck_assert_uint_eq(w, 4);
}
END_TEST

START_TEST(decoding_utf8)
{
	const unsigned f = TPI_DECODE_FORM | TPI_DECODE_UTF8;
	size_t total, w;

	ck_assert_str_eq(dec("caf%C3%A9", f, 64, &total, &w), "caf\xc3\xa9");
	ck_assert_str_eq(dec("caf\xc3\xa9", f, 64, &total, &w), "caf\xc3\xa9");
	/* Latin-1 e-acute and a cut sequence become U+FFFD */
	ck_assert_str_eq(dec("%E9t%C3", f, 64, &total, &w),
			 "\xef\xbf\xbdt\xef\xbf\xbd");
	/* overlong, surrogate: one U+FFFD per maximal subpart */
	ck_assert_str_eq(dec("%C0%AF", f, 64, &total, &w),
			 "\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(dec("%ED%A0%80", f, 64, &total, &w),
			 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(dec("%F0%9F%98%80!", f, 64, &total, &w),
			 "\xf0\x9f\x98\x80!");
	ck_assert_str_eq(dec("%E2%82x", f, 64, &total, &w), "\xef\xbf\xbdx");
	/* never cut inside a character */
	ck_assert_str_eq(dec("%C3%A9%C3%A9", f, 4, &total, &w), "\xc3\xa9");
	ck_assert_uint_eq(w, 2);
	ck_assert_uint_eq(total, 4);
	ck_assert_str_eq(dec("%C3%A9", f, 2, &total, &w), "");
	ck_assert_uint_eq(w, 0);
	ck_assert_str_eq(dec("ab%C3%A9cd", f, 4, &total, &w), "ab");
	/* a NUL byte, escaped or raw, becomes U+FFFD: the result is a whole
	 * C string */
	ck_assert_str_eq(dec("%00nul", f, 64, &total, &w), "\xef\xbf\xbdnul");
	ck_assert_uint_eq(w, 6);
	ck_assert_uint_eq(total, 6);
	ck_assert_str_eq(dec("%C3%00", f, 64, &total, &w),
			 "\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(dec("a%00", f, 3, &total, &w), "a");
	ck_assert_uint_eq(total, 4);
	{
		char buf[16];

		ck_assert_uint_eq(tpi_url_decode("a\0b", 3, f, buf, sizeof(buf),
						 &w), 5);
		ck_assert_uint_eq(w, 5);
		ck_assert_str_eq(buf, "a\xef\xbf\xbd" "b");
		/* without TPI_DECODE_UTF8 it stays a byte */
		ck_assert_uint_eq(tpi_url_decode("a\0b", 3, 0, buf, sizeof(buf),
						 &w), 3);
		ck_assert_int_eq(memcmp(buf, "a\0b", 4), 0);
	}
}
END_TEST

START_TEST(blank)
{
	ck_assert(tpi_url_decoded_blank("", 0, TPI_DECODE_FORM));
	ck_assert(tpi_url_decoded_blank("+%20%09%0A", 10, TPI_DECODE_FORM));
	ck_assert(!tpi_url_decoded_blank("+", 1, 0));
	ck_assert(!tpi_url_decoded_blank("+a", 2, TPI_DECODE_FORM));
	ck_assert(!tpi_url_decoded_blank("%C3%A9", 6, TPI_DECODE_FORM));
}
END_TEST

START_TEST(hosts)
{
	char buf[32];
	struct tpi_span h;

	ck_assert_uint_eq(tpi_host_lower(tpi_span("WWW.Example.COM.", 16), buf, sizeof(buf)), 15);
	ck_assert_str_eq(buf, "www.example.com");
	ck_assert_uint_eq(tpi_host_lower(tpi_span("abc", 3), buf, 3), (size_t)-1);
	ck_assert_uint_eq(tpi_host_lower(tpi_span("abc", 3), buf, 4), 3);

	ck_span(tpi_host_strip_www(tpi_span("www.x.com", 9)), "x.com");
	ck_span(tpi_host_strip_www(tpi_span("WWW.x.com", 9)), "x.com");
	ck_span(tpi_host_strip_www(tpi_span("www.", 4)), "www.");
	ck_span(tpi_host_strip_www(tpi_span("wwwx.com", 8)), "wwwx.com");
	ck_span(tpi_host_strip_www(tpi_span("www2.x.com", 10)), "www2.x.com");
	ck_span(tpi_host_trim(tpi_span("a.com.", 6)), "a.com");

	ck_assert_uint_eq(tpi_host_labels(tpi_span("", 0)), 0);
	ck_assert_uint_eq(tpi_host_labels(tpi_span("localhost", 9)), 1);
	ck_assert_uint_eq(tpi_host_labels(tpi_span("a.b.co.uk", 9)), 4);

	h = tpi_span("a.b.example.co.uk", 17);
	ck_assert(tpi_host_parent(&h));
	ck_span(h, "b.example.co.uk");
	ck_assert(tpi_host_parent(&h));
	ck_span(h, "example.co.uk");
	ck_assert(tpi_host_parent(&h));
	ck_span(h, "co.uk");
	ck_assert(!tpi_host_parent(&h));
	ck_span(h, "co.uk");
	h = tpi_span("localhost", 9);
	ck_assert(!tpi_host_parent(&h));
}
END_TEST

START_TEST(in_domain)
{
#define IN(h, d) tpi_host_in_domain(tpi_span(h, strlen(h)), tpi_span(d, strlen(d)))
	ck_assert(IN("example.com", "example.com"));
	ck_assert(IN("News.Example.COM", "example.com"));
	ck_assert(IN("a.b.example.com.", "EXAMPLE.com"));
	ck_assert(IN("shop.example.com", ".example.com"));
	ck_assert(!IN("badexample.com", "example.com"));
	ck_assert(!IN("example.com", "www.example.com"));
	ck_assert(!IN("example.co", "example.com"));
	ck_assert(!IN("example.com", ""));
	ck_assert(!IN("", "example.com"));
	ck_assert(!tpi_host_in_domain(tpi_span(NULL, 0), tpi_span("a", 1)));
#undef IN
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("parse");
	TCase *tq = tcase_create("query");
	TCase *th = tcase_create("host");

	tcase_add_test(tc, full_url);
	tcase_add_test(tc, no_scheme);
	tcase_add_test(tc, no_authority);
	tcase_add_test(tc, ports);
	tcase_add_test(tc, ipv6);
	tcase_add_test(tc, userinfo);
	tcase_add_test(tc, empty_parts);
	tcase_add_test(tc, trim_and_length);
	tcase_add_test(tc, very_long);
	tcase_add_test(tq, query_params);
	tcase_add_test(tq, decoding);
	tcase_add_test(tq, decoding_utf8);
	tcase_add_test(tq, blank);
	tcase_add_test(th, hosts);
	tcase_add_test(th, in_domain);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tq);
	suite_add_tcase(s, th);
	return s;
}
