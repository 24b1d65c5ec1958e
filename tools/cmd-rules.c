/* SPDX-License-Identifier: MIT */
/* touchpoint rules: check a rule file, list and show the built-in sets. */
#include <string.h>

#include "cli.h"
#include "commands.h"

static void
help_to(FILE *out)
{
	fprintf(out, 
"Usage: touchpoint rules check [--catalog FILE] FILE...\n"
"       touchpoint rules list\n"
"       touchpoint rules show NAME\n"
"\n"
"check  compile each rule FILE against the catalog (the built-in one by\n"
"       default) and print every fault as FILE:LINE:COL: message\n"
"list   print the names of the built-in rule sets\n"
"show   print the JSON source of a built-in rule set\n"
"\n"
"The rule language is described in docs/rules.md.\n"
"Exit status: 0 valid, 2 a fault was found or usage error.\n");
}

static void
help(void)
{
	help_to(stdout);
}

static int
check(int argc, char **argv)
{
	const char *catalog_path = NULL;
	tp_catalog *catalog = NULL;
	tp_error *err = tp_error_new();
	int i = 1, rc = TP_EXIT_OK, files = 0;
	tp_status st;

	if (!err)
		return tp_cli_usage_error("rules", "out of memory");
	while (i < argc) {
		const char *v;
		int r = tp_cli_option("rules check", argc, argv, &i, "--catalog", &v);

		if (r < 0) {
			tp_error_free(err);
			return TP_EXIT_USAGE;
		}
		if (r > 0) {
			catalog_path = v;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			tp_error_free(err);
			return tp_cli_usage_error("rules check", "unknown option '%s'", argv[i]);
		}
		i++;
		files++;
	}
	if (!files) {
		tp_error_free(err);
		return tp_cli_usage_error("rules check", "no rule file given (see --help)");
	}
	st = catalog_path ? tp_catalog_load_file(catalog_path, &catalog, err) :
			    tp_catalog_default(&catalog, err);
	if (st) {
		rc = tp_cli_fail("rules check", "catalog", st, err);
		tp_error_free(err);
		return rc;
	}
	for (i = 1; i < argc; i++) {
		tp_ruleset *rs = NULL;

		if (strcmp(argv[i], "--catalog") == 0) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--catalog=", 10) == 0)
			continue;
		tp_error_clear(err);
		st = tp_ruleset_compile_file(catalog, argv[i], &rs, err);
		if (st) {
			tp_cli_fail("rules check", argv[i], st, err);
			rc = TP_EXIT_USAGE;
		} else {
			printf("%s: ok (%zu rules, %zu bytes compiled)\n", argv[i],
			       tp_ruleset_rule_count(rs), tp_ruleset_memory(rs));
		}
		tp_ruleset_free(rs);
	}
	tp_catalog_free(catalog);
	tp_error_free(err);
	return rc;
}

int
tp_cmd_rules(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		help_to(stderr);
		return TP_EXIT_USAGE;
	}
	if (tp_cli_is_help(argv[1])) {
		help();
		return TP_EXIT_OK;
	}
	if (strcmp(argv[1], "check") == 0) {
		if (argc > 2 && tp_cli_is_help(argv[2])) {
			help();
			return TP_EXIT_OK;
		}
		return check(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "list") == 0) {
		for (i = 0; tp_ruleset_builtin_name(i); i++)
			printf("%s\n", tp_ruleset_builtin_name(i));
		printf("default\n");
		return TP_EXIT_OK;
	}
	if (strcmp(argv[1], "show") == 0) {
		const char *text;
		size_t len = 0;

		if (argc != 3)
			return tp_cli_usage_error("rules show", "give one rule-set name");
		text = tp_ruleset_builtin_source(argv[2], &len);
		if (!text)
			return tp_cli_usage_error("rules show",
						  "no built-in rule set '%s' (see 'touchpoint rules list')",
						  argv[2]);
		fwrite(text, 1, len, stdout);
		return TP_EXIT_OK;
	}
	return tp_cli_usage_error("rules", "unknown subcommand '%s' (check, list, show)",
				  argv[1]);
}
