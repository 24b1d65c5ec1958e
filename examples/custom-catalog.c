/* SPDX-License-Identifier: MIT */
/*
 * custom-catalog: build a small catalog for a shop in code, with the
 * builder, and write it as JSON (docs/catalog-format.md) to standard
 * output or to the file named on the command line. The touchpoint
 * command reads it back with `touchpoint catalog --catalog FILE`.
 *
 * Build against an installed library:
 *     cc custom-catalog.c $(pkg-config --cflags --libs libtouchpoint)
 */
#include <stdio.h>

#include <touchpoint/touchpoint.h>

static tp_status
add_channel(tp_catalog_builder *b, const char *id, const char *name,
	    tp_channel_kind kind)
{
	tp_channel_def def = TP_CHANNEL_DEF_INIT;   /* sets def.size */

	def.id = id;
	def.name = name;
	def.kind = kind;
	return tp_catalog_builder_add_channel(b, &def);
}

static tp_status
add_stage(tp_catalog_builder *b, const char *id, const char *name,
	  tp_phase phase)
{
	tp_stage_def def = TP_STAGE_DEF_INIT;

	def.id = id;
	def.name = name;
	def.phase = phase;
	return tp_catalog_builder_add_stage(b, &def);
}

/* The shop's catalog. Any fault found by finish goes to err. */
static tp_status
build(tp_catalog **out, tp_error *err)
{
	static const char *const journey[] = { "discovery", "sale", "loyalty" };
	tp_touchpoint_def t = TP_TOUCHPOINT_DEF_INIT;
	tp_catalog_builder *b;
	tp_status st;

	st = tp_catalog_builder_new(&b);
	if (st)
		return st;
	if ((st = add_channel(b, "website", "Web shop", TP_CHANNEL_KIND_DIGITAL)) ||
	    (st = add_channel(b, "email", "E-mail", TP_CHANNEL_KIND_DIGITAL)) ||
	    (st = add_channel(b, "physical_store", "Shop on Main Street",
			      TP_CHANNEL_KIND_PHYSICAL)) ||
	    (st = add_stage(b, "discovery", "Discovery", TP_PHASE_PRE_PURCHASE)) ||
	    (st = add_stage(b, "sale", "Sale", TP_PHASE_PURCHASE)) ||
	    (st = add_stage(b, "loyalty", "Loyalty", TP_PHASE_POST_PURCHASE)))
		goto out;

	/* A brand-initiated mass e-mail, sent by a machine. */
	t.id = "newsletter";
	t.name = "Monthly newsletter";
	t.channel = "email";
	t.stage = "discovery";
	t.initiator = TP_INITIATOR_BRAND;
	t.personalization = TP_PERSONALIZATION_MASS;
	t.control = TP_CONTROL_INTENTIONAL;
	t.agent = TP_AGENT_MACHINE;
	if ((st = tp_catalog_builder_add_touchpoint(b, &t)))
		goto out;

	/* The customer pays online; the phase comes from the stage. */
	t = (tp_touchpoint_def)TP_TOUCHPOINT_DEF_INIT;
	t.id = "checkout";
	t.name = "Checkout";
	t.channel = "website";
	t.stage = "sale";
	t.initiator = TP_INITIATOR_CUSTOMER;
	t.agent = TP_AGENT_MACHINE;
	if ((st = tp_catalog_builder_add_touchpoint(b, &t)))
		goto out;

	/* Paying at the till, with a person. */
	t = (tp_touchpoint_def)TP_TOUCHPOINT_DEF_INIT;
	t.id = "store_purchase";
	t.name = "Purchase at the till";
	t.channel = "physical_store";
	t.stage = "sale";
	t.initiator = TP_INITIATOR_CUSTOMER;
	t.agent = TP_AGENT_HUMAN;
	if ((st = tp_catalog_builder_add_touchpoint(b, &t)))
		goto out;

	/* A personal thank-you after the purchase. */
	t = (tp_touchpoint_def)TP_TOUCHPOINT_DEF_INIT;
	t.id = "thank_you_email";
	t.name = "Thank-you e-mail";
	t.channel = "email";
	t.stage = "loyalty";
	t.initiator = TP_INITIATOR_BRAND;
	t.personalization = TP_PERSONALIZATION_PERSONALIZED;
	t.intent = TP_INTENT_PROACTIVE;
	t.control = TP_CONTROL_INTENTIONAL;
	t.agent = TP_AGENT_MACHINE;
	t.business_model = TP_BUSINESS_MODEL_B2C;
	if ((st = tp_catalog_builder_add_touchpoint(b, &t)))
		goto out;

	if ((st = tp_catalog_builder_add_funnel(b, "shop", "Shop journey",
						journey, 3)))
		goto out;
	st = tp_catalog_builder_finish(b, out, err);
out:
	tp_catalog_builder_free(b);
	return st;
}

static void
print_errors(const tp_error *err)
{
	size_t i;

	for (i = 0; i < tp_error_count(err); i++) {
		char line[512];

		tp_error_format(err, i, line, sizeof(line));
		fprintf(stderr, "custom-catalog: %s\n", line);
	}
}

int
main(int argc, char **argv)
{
	tp_catalog *catalog = NULL;
	tp_error *err = tp_error_new();
	tp_status st;
	int rc = 0;

	if (!err || argc > 2) {
		fprintf(stderr, "usage: custom-catalog [FILE]\n");
		tp_error_free(err);
		return 2;
	}
	st = build(&catalog, err);
	if (st == TP_OK && argc == 2) {
		st = tp_catalog_save_file(catalog, argv[1], err);
	} else if (st == TP_OK) {
		char *json;
		size_t len;

		st = tp_catalog_save_string(catalog, &json, &len);
		if (st == TP_OK) {
			fwrite(json, 1, len, stdout);
			tp_free(json);   /* the library's memory: tp_free */
		}
	}
	if (st != TP_OK) {
		print_errors(err);
		fprintf(stderr, "custom-catalog: %s\n", tp_strerror(st));
		rc = 1;
	}
	tp_catalog_free(catalog);
	tp_error_free(err);
	return rc;
}
