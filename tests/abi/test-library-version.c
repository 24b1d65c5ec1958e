/* SPDX-License-Identifier: MIT */
/*
 * Pins the version arithmetic (after libinput's test-library-version.c):
 * the version macros agree with each other, with the project version in
 * meson.build and with tp_version_number()/tp_version_string() of the
 * library loaded at run time; the SONAME major (tp_soversion) is 1 and is
 * the major of the library file version (tp_libversion).
 *
 * meson passes TP_TEST_PROJECT_VERSION, TP_TEST_SOVERSION and
 * TP_TEST_LIBVERSION as strings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/version.h>

static int failed;

#define CHECK(cond) do { \
	if (cond) { \
		printf("ok: %s\n", #cond); \
	} else { \
		printf("FAIL: %s (line %d)\n", #cond, __LINE__); \
		failed = 1; \
	} \
} while (0)

int
main(void)
{
	char buf[64];
	unsigned major = 0, minor = 0, patch = 0;
	int n = 0;

	/* The macros agree with each other. */
	CHECK(TP_VERSION_MINOR < 100 && TP_VERSION_PATCH < 100);
	CHECK(TP_VERSION_NUMBER == TP_VERSION_MAJOR * 10000 +
				   TP_VERSION_MINOR * 100 + TP_VERSION_PATCH);
	snprintf(buf, sizeof(buf), "%d.%d.%d", TP_VERSION_MAJOR,
		 TP_VERSION_MINOR, TP_VERSION_PATCH);
	CHECK(strcmp(buf, TP_VERSION_STRING) == 0);

	/* ... with meson.build's project version ... */
	CHECK(strcmp(TP_VERSION_STRING, TP_TEST_PROJECT_VERSION) == 0);

	/* ... and with the library loaded at run time. */
	CHECK(tp_version_number() == TP_VERSION_NUMBER);
	CHECK(tp_version_string() != NULL);
	CHECK(strcmp(tp_version_string(), TP_VERSION_STRING) == 0);

	/* The SONAME: libtouchpoint.so.1, whose file is
	 * libtouchpoint.so.<tp_libversion> with the same major. */
	CHECK(strcmp(TP_TEST_SOVERSION, "1") == 0);
	CHECK(sscanf(TP_TEST_LIBVERSION, "%u.%u.%u%n", &major, &minor, &patch,
		     &n) == 3);
	CHECK((size_t)n == strlen(TP_TEST_LIBVERSION));
	CHECK(major == (unsigned)strtoul(TP_TEST_SOVERSION, NULL, 10));

	printf("version %s (%u), library file version %s, SONAME "
	       "libtouchpoint.so.%s\n", tp_version_string(),
	       tp_version_number(), TP_TEST_LIBVERSION, TP_TEST_SOVERSION);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
