/* SPDX-License-Identifier: MIT */
/*
 * A program outside the build tree, as a user of an installed or vendored
 * libtouchpoint writes it: only <touchpoint/touchpoint.h>, compiled as
 * C99 -pedantic. tests/test-install.sh builds it with nothing but
 * `pkg-config --cflags --libs libtouchpoint`; tests/subproject/ builds it
 * with libtouchpoint as a meson subproject. Prints one line and exits 0
 * when the library works.
 */
#include <stdio.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#define FAIL(...) do { fprintf(stderr, "consumer: " __VA_ARGS__); goto out; } while (0)

int
main(void)
{
	tp_catalog_builder *b = NULL;
	tp_catalog *cat = NULL;
	tp_error *err = tp_error_new();
	tp_channel_def ch = TP_CHANNEL_DEF_INIT;
	tp_stage_def st = TP_STAGE_DEF_INIT;
	tp_touchpoint_def tp = TP_TOUCHPOINT_DEF_INIT;
	const char *stages[] = { "discovery" };
	int ret = 1;
	int idx;
	tp_status rc;

	if (!err)
		FAIL("tp_error_new failed\n");
	if (tp_version_number() != TP_VERSION_NUMBER ||
	    strcmp(tp_version_string(), TP_VERSION_STRING) != 0)
		FAIL("headers %s but library %s\n", TP_VERSION_STRING,
		     tp_version_string());
	if (strcmp(tp_strerror(TP_ENOMEM), tp_strerror(TP_OK)) == 0)
		FAIL("tp_strerror does not tell codes apart\n");

	if (tp_catalog_builder_new(&b) != TP_OK)
		FAIL("tp_catalog_builder_new failed\n");
	ch.id = "email";
	ch.name = "E-mail";
	ch.kind = TP_CHANNEL_KIND_DIGITAL;
	st.id = "discovery";
	st.phase = TP_PHASE_PRE_PURCHASE;
	tp.id = "welcome_email";
	tp.channel = "email";
	tp.stage = "discovery";
	if (tp_catalog_builder_add_channel(b, &ch) != TP_OK ||
	    tp_catalog_builder_add_stage(b, &st) != TP_OK ||
	    tp_catalog_builder_add_touchpoint(b, &tp) != TP_OK ||
	    tp_catalog_builder_add_funnel(b, "mini", "Mini", stages, 1) != TP_OK)
		FAIL("adding to the builder failed\n");
	rc = tp_catalog_builder_finish(b, &cat, err);
	if (rc != TP_OK)
		FAIL("finish: %s (%zu errors)\n", tp_strerror(rc),
		     tp_error_count(err));

	idx = tp_catalog_find_touchpoint(cat, "welcome_email");
	if (idx < 0 || tp_catalog_touchpoint_channel(cat, (size_t)idx) !=
			       tp_catalog_find_channel(cat, "email"))
		FAIL("lookup failed\n");

	/* A fault is reported, not fatal. */
	tp.id = "orphan";
	tp.channel = "no_such_channel";
	if (tp_catalog_builder_add_touchpoint(b, &tp) != TP_OK)
		FAIL("adding the orphan failed\n");
	{
		tp_catalog *bad = NULL;
		rc = tp_catalog_builder_finish(b, &bad, err);
		tp_catalog_free(bad);
		if (rc == TP_OK || tp_error_count(err) == 0)
			FAIL("an unknown channel was accepted\n");
	}

	printf("libtouchpoint %s: %zu channel, %zu touchpoint, %zu funnel; "
	       "an unknown channel gives %s\n", tp_version_string(),
	       tp_catalog_channel_count(cat), tp_catalog_touchpoint_count(cat),
	       tp_catalog_funnel_count(cat), tp_status_name(rc));
	ret = 0;
out:
	tp_catalog_free(cat);
	tp_catalog_builder_free(b);
	tp_error_free(err);
	return ret;
}
