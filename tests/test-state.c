/* SPDX-License-Identifier: MIT */
/*
 * The JSON form of the mergeable states (state.h) carries 64-bit counts
 * and sums exactly: every state the library writes loads back to the same
 * numbers and the same bytes, past 2^53 (where a double stops holding
 * integers) up to the ends of the 64-bit ranges; numbers past those ends,
 * fractions and other non-integers are refused with their line, column
 * and JSON path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchpoint/touchpoint.h>

#include "test-common.h"

#define PC_HEAD "{\"format\":\"touchpoint-state\",\"version\":1," \
	"\"kind\":\"path_counts\",\"field\":\"touchpoint\",\"lookback_ms\":0," \
	"\"lookback_steps\":8,\"touches\":\"events\",\"exclude_conversion\":false," \
	"\"paths\":["

/* 2^53 + 1: the first integer a double cannot hold. */
#define P53_1 9007199254740993ULL

typedef tp_status (*save_fn)(const void *obj, tp_state_format f, char **out,
			     size_t *len);

static tp_status
save_pc(const void *o, tp_state_format f, char **out, size_t *len)
{
	return tp_path_counts_save(o, f, out, len);
}

static tp_status
save_funnel(const void *o, tp_state_format f, char **out, size_t *len)
{
	return tp_funnel_state_save(o, f, out, len);
}

static tp_status
save_matrix(const void *o, tp_state_format f, char **out, size_t *len)
{
	return tp_matrix_save(o, f, out, len);
}

/* A saved form as a NUL-terminated string (malloc'd). */
static char *
saved(const void *obj, save_fn save, tp_state_format f, size_t *len)
{
	char *data = NULL, *s;
	size_t n = 0;

	ck_assert_int_eq(save(obj, f, &data, &n), TP_OK);
	s = malloc(n + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, data, n);
	s[n] = '\0';
	tp_free(data);
	if (len)
		*len = n;
	return s;
}

static tp_path_counts *
pc_load(const char *text)
{
	tp_path_counts *pc = NULL;
	tp_error *err = tp_error_new();
	tp_status st = tp_path_counts_load(text, strlen(text), "pc.json", &pc,
					   err);

	ck_assert_msg(st == TP_OK, "%s: %s", tp_strerror(st),
		      tp_error_count(err) ? tp_error_message(err, 0) : "");
	tp_error_free(err);
	return pc;
}

/*
 * The JSON form saves to `json`; it loads back and saves to the same
 * bytes; the binary form of the loaded state saves to the same JSON.
 */
static void
check_round_trips(const char *json, const void *obj, save_fn save,
		  tp_status (*load)(const void *, size_t, void **))
{
	char *again, *bin, *from_bin;
	size_t nbin;
	void *back = NULL, *back_bin = NULL;

	again = saved(obj, save, TP_STATE_FORMAT_JSON, NULL);
	ck_assert_str_eq(again, json);
	ck_assert_int_eq(load(json, strlen(json), &back), TP_OK);
	free(again);
	again = saved(back, save, TP_STATE_FORMAT_JSON, NULL);
	ck_assert_str_eq(again, json);
	bin = saved(back, save, TP_STATE_FORMAT_BINARY, &nbin);
	ck_assert_int_eq(load(bin, nbin, &back_bin), TP_OK);
	from_bin = saved(back_bin, save, TP_STATE_FORMAT_JSON, NULL);
	ck_assert_str_eq(from_bin, json);
	free(again);
	free(bin);
	free(from_bin);
	if (save == save_pc) {
		tp_path_counts_free(back);
		tp_path_counts_free(back_bin);
	} else if (save == save_funnel) {
		tp_funnel_state_free(back);
		tp_funnel_state_free(back_bin);
	} else {
		tp_matrix_free(back);
		tp_matrix_free(back_bin);
	}
}

static tp_status
load_pc(const void *d, size_t n, void **out)
{
	return tp_path_counts_load(d, n, "s", (tp_path_counts **)out, NULL);
}

static tp_status
load_funnel(const void *d, size_t n, void **out)
{
	return tp_funnel_state_load(d, n, "s", (tp_funnel_state **)out, NULL);
}

static tp_status
load_matrix(const void *d, size_t n, void **out)
{
	return tp_matrix_load(d, n, "s", (tp_matrix **)out, NULL);
}

/* The reproducer of the fuzzing finding: two entries of one path, each
 * under 2^53, add up past it; the JSON written must load again. */
START_TEST(path_counts_sum_past_2p53)
{
	const char *in = PC_HEAD
		"\n{\"path\":[\"a\",\"b\"],\"conversions\":1,\"nulls\":0,"
		"\"value_micros\":5990000059900000},"
		"\n{\"path\":[\"a\",\"b\"],\"conversions\":1,\"nulls\":0,"
		"\"value_micros\":5990000059900000}]}\n";
	const char *want = PC_HEAD
		"\n{\"path\":[\"a\",\"b\"],\"conversions\":2,\"nulls\":0,"
		"\"value_micros\":11980000119800000}]}\n";
	tp_path_counts *pc = pc_load(in), *copy = pc_load(in);
	char *json;

	ck_assert_uint_eq(tp_path_counts_count(pc), 1);
	check_round_trips(want, pc, save_pc, load_pc);
	/* Merging reaches the same kind of sum. */
	ck_assert_int_eq(tp_path_counts_merge(copy, pc, NULL), TP_OK);
	json = saved(copy, save_pc, TP_STATE_FORMAT_JSON, NULL);
	ck_assert_ptr_nonnull(strstr(json, "\"value_micros\":23960000239600000}"));
	tp_path_counts_free(pc);
	pc = pc_load(json);
	ck_assert_uint_eq(tp_path_counts_conversions(pc, 0), 4);
	free(json);
	tp_path_counts_free(pc);
	tp_path_counts_free(copy);
}
END_TEST

/* Every count and sum at the ends of its range, and 2^53 + 1. */
START_TEST(path_counts_extremes)
{
	static const char json[] =
		"{\"format\":\"touchpoint-state\",\"version\":1,"
		"\"kind\":\"path_counts\",\"field\":\"touchpoint\","
		"\"lookback_ms\":9223372036854775807,"
		"\"lookback_steps\":18446744073709551615,\"touches\":\"events\","
		"\"exclude_conversion\":false,\"paths\":["
		"\n{\"path\":[\"a\"],\"conversions\":18446744073709551614,"
		"\"nulls\":9007199254740993,\"value_micros\":-9223372036854775808},"
		"\n{\"path\":[\"b\"],\"conversions\":1,\"nulls\":0,"
		"\"value_micros\":9223372036854775807}]}\n";
	tp_journey_path_options o = TP_JOURNEY_PATH_OPTIONS_INIT;
	tp_path_counts *pc = pc_load(json), *a, *b;
	uint64_t conv = 0, nulls = 0;
	char *text;

	ck_assert_int_eq(tp_path_counts_options(pc, &o), TP_OK);
	ck_assert_int_eq(o.lookback_ms, INT64_MAX);
	ck_assert(o.lookback_steps == SIZE_MAX);
	ck_assert_uint_eq(tp_path_counts_count(pc), 2);
	ck_assert_str_eq(tp_path_counts_item(pc, 0, 0), "a");
	ck_assert(tp_path_counts_conversions(pc, 0) == UINT64_MAX - 1);
	ck_assert(tp_path_counts_nulls(pc, 0) == P53_1);
	ck_assert_int_eq(tp_path_counts_totals(pc, &conv, &nulls, NULL), TP_OK);
	ck_assert(conv == UINT64_MAX);
	ck_assert(nulls == P53_1);
	check_round_trips(json, pc, save_pc, load_pc);
	tp_path_counts_free(pc);

	/* Counts past INT64_MAX reached by a merge load back. */
	a = pc_load(PC_HEAD "\n{\"path\":[\"a\"],\"conversions\":"
		    "9223372036854775807,\"nulls\":0,\"value_micros\":0}]}\n");
	b = pc_load(PC_HEAD "\n{\"path\":[\"a\"],\"conversions\":"
		    "9223372036854775807,\"nulls\":0,\"value_micros\":0}]}\n");
	ck_assert_int_eq(tp_path_counts_merge(a, b, NULL), TP_OK);
	text = saved(a, save_pc, TP_STATE_FORMAT_JSON, NULL);
	ck_assert_ptr_nonnull(strstr(text, "\"conversions\":18446744073709551614,"));
	check_round_trips(text, a, save_pc, load_pc);
	free(text);
	tp_path_counts_free(a);
	tp_path_counts_free(b);
}
END_TEST

/* A JSON number counts by its value: 1e3 and 2.0 are integers. */
START_TEST(integer_forms)
{
	tp_path_counts *pc = pc_load(PC_HEAD
		"{\"path\":[\"a\"],\"conversions\":1e3,\"nulls\":-0,"
		"\"value_micros\":-2.50e1},"
		"{\"path\":[\"b\"],\"conversions\":2.0,\"nulls\":0.0e5,"
		"\"value_micros\":90071992547409930E-1},"
		"{\"path\":[\"c\"],\"conversions\":0e0,\"nulls\":1E+1,"
		"\"value_micros\":0}]}");
	char *json = saved(pc, save_pc, TP_STATE_FORMAT_JSON, NULL);

	ck_assert_ptr_nonnull(strstr(json, "{\"path\":[\"a\"],\"conversions\":1000,"
				     "\"nulls\":0,\"value_micros\":-25}"));
	ck_assert_ptr_nonnull(strstr(json, "{\"path\":[\"b\"],\"conversions\":2,"
				     "\"nulls\":0,\"value_micros\":9007199254740993}"));
	ck_assert_ptr_nonnull(strstr(json, "{\"path\":[\"c\"],\"conversions\":0,"
				     "\"nulls\":10,\"value_micros\":0}"));
	free(json);
	tp_path_counts_free(pc);
}
END_TEST

static const char funnel_json[] =
	"{\"format\":\"touchpoint-state\",\"version\":1,\"kind\":\"funnel\","
	"\"steps\":[{\"name\":\"first\",\"condition\":\"stage=discovery\"},"
	"{\"name\":\"second\",\"condition\":\"stage=sale\"}],\"exclusions\":[],"
	"\"window_ms\":9223372036854775807,\"mode\":[],\"count\":\"customers\","
	"\"breakdown\":null,\"journeys\":18446744073709551615,\"groups\":["
	"\n{\"label\":null,\"steps\":["
	"\n{\"customers\":18446744073709551615,\"durations_ms\":[],"
	"\"next_after_drop\":[]},"
	"\n{\"customers\":2,\"durations_ms\":[9007199254740993,"
	"9223372036854775807],\"next_after_drop\":[{\"touchpoint\":null,"
	"\"customers\":18446744073709551613}]}]}]}\n";

START_TEST(funnel_extremes)
{
	tp_funnel_state *fs = NULL, *a = NULL, *b = NULL;
	tp_funnel_step_stats s0 = TP_FUNNEL_STEP_STATS_INIT;
	tp_funnel_step_stats s1 = TP_FUNNEL_STEP_STATS_INIT;
	tp_error *err = tp_error_new();
	const char *half;
	char *text, *h;

	ck_assert_int_eq(tp_funnel_state_load(funnel_json, strlen(funnel_json),
					      "f.json", &fs, err), TP_OK);
	ck_assert(tp_funnel_state_journeys(fs) == UINT64_MAX);
	ck_assert_int_eq(tp_funnel_state_step(fs, TP_FUNNEL_ALL_GROUPS, 0, &s0),
			 TP_OK);
	ck_assert_int_eq(tp_funnel_state_step(fs, TP_FUNNEL_ALL_GROUPS, 1, &s1),
			 TP_OK);
	ck_assert(s0.customers == UINT64_MAX);
	ck_assert(s1.customers == 2);
	ck_assert(s1.dropped == UINT64_MAX - 2);
	check_round_trips(funnel_json, fs, save_funnel, load_funnel);
	tp_funnel_state_free(fs);

	/* Halves whose merge passes INT64_MAX. */
	half = "{\"format\":\"touchpoint-state\",\"version\":1,\"kind\":\"funnel\","
	       "\"steps\":[{\"name\":\"first\",\"condition\":\"stage=discovery\"}],"
	       "\"exclusions\":[],\"window_ms\":0,\"mode\":[],"
	       "\"count\":\"customers\",\"breakdown\":null,"
	       "\"journeys\":9223372036854775807,\"groups\":["
	       "\n{\"label\":null,\"steps\":["
	       "\n{\"customers\":9223372036854775806,\"durations_ms\":[],"
	       "\"next_after_drop\":[]}]}]}\n";
	ck_assert_int_eq(tp_funnel_state_load(half, strlen(half), "a", &a, err),
			 TP_OK);
	ck_assert_int_eq(tp_funnel_state_load(half, strlen(half), "b", &b, err),
			 TP_OK);
	ck_assert_int_eq(tp_funnel_state_merge(a, b, err), TP_OK);
	text = saved(a, save_funnel, TP_STATE_FORMAT_JSON, NULL);
	ck_assert_ptr_nonnull(strstr(text, "\"journeys\":18446744073709551614,"));
	ck_assert_ptr_nonnull(strstr(text, "{\"customers\":18446744073709551612,"));
	check_round_trips(text, a, save_funnel, load_funnel);
	h = text;
	free(h);
	tp_funnel_state_free(a);
	tp_funnel_state_free(b);
	tp_error_free(err);
}
END_TEST

static const char matrix_json[] =
	"{\"format\":\"touchpoint-state\",\"version\":1,\"kind\":\"matrix\","
	"\"rows_field\":\"channel\",\"cols_field\":\"stage\","
	"\"rows\":[{\"label\":\"email\",\"order\":0},"
	"{\"label\":\"web\",\"order\":9223372036854775807}],"
	"\"cols\":[{\"label\":\"sale\",\"order\":9007199254740993}],\"cells\":["
	"\n{\"row\":0,\"col\":0,\"events\":18446744073709551615,"
	"\"customers\":18446744073709551615,\"converted\":9007199254740993,"
	"\"scores\":18446744073709551615,"
	"\"score_sum_micros\":-9223372036854775808},"
	"\n{\"row\":1,\"col\":0,\"events\":9007199254740993,"
	"\"customers\":1,\"converted\":0,\"scores\":1,"
	"\"score_sum_micros\":9223372036854775807}]}\n";

START_TEST(matrix_extremes)
{
	tp_matrix *m = NULL, *a = NULL, *b = NULL;
	tp_matrix_cell c = TP_MATRIX_CELL_INIT;
	tp_error *err = tp_error_new();
	const char *half;
	char *text;

	ck_assert_int_eq(tp_matrix_load(matrix_json, strlen(matrix_json),
					"m.json", &m, err), TP_OK);
	ck_assert_int_eq(tp_matrix_cell_get(m, 0, 0, &c), TP_OK);
	ck_assert(c.events == UINT64_MAX);
	ck_assert(c.customers == UINT64_MAX);
	ck_assert(c.converted == P53_1);
	ck_assert(c.scores == UINT64_MAX);
	ck_assert_int_eq(tp_matrix_cell_get(m, 1, 0, &c), TP_OK);
	ck_assert(c.events == P53_1);
	check_round_trips(matrix_json, m, save_matrix, load_matrix);
	tp_matrix_free(m);

	half = "{\"format\":\"touchpoint-state\",\"version\":1,\"kind\":\"matrix\","
	       "\"rows_field\":\"channel\",\"cols_field\":\"stage\","
	       "\"rows\":[{\"label\":\"email\",\"order\":0}],"
	       "\"cols\":[{\"label\":\"sale\",\"order\":0}],\"cells\":["
	       "\n{\"row\":0,\"col\":0,\"events\":9223372036854775807,"
	       "\"customers\":9223372036854775807,\"converted\":1,"
	       "\"scores\":1,\"score_sum_micros\":4503599627370497}]}\n";
	ck_assert_int_eq(tp_matrix_load(half, strlen(half), "a", &a, err), TP_OK);
	ck_assert_int_eq(tp_matrix_load(half, strlen(half), "b", &b, err), TP_OK);
	ck_assert_int_eq(tp_matrix_merge(a, b, err), TP_OK);
	text = saved(a, save_matrix, TP_STATE_FORMAT_JSON, NULL);
	ck_assert_ptr_nonnull(strstr(text, "\"events\":18446744073709551614,"));
	ck_assert_ptr_nonnull(strstr(text, "\"score_sum_micros\":9007199254740994}"));
	check_round_trips(text, a, save_matrix, load_matrix);
	free(text);
	tp_matrix_free(a);
	tp_matrix_free(b);
	tp_error_free(err);
}
END_TEST

/*
 * Load `text` with `load`: refused with TP_ESCHEMA, the first fault at
 * line:col and path, its message naming `number`.
 */
static void
refused(tp_status (*load)(const void *, size_t, const char *, void **,
			  tp_error *),
	const char *text, unsigned long line, unsigned long col,
	const char *path, const char *number, const char *what)
{
	tp_error *err = tp_error_new();
	void *obj = NULL;
	tp_status st = load(text, strlen(text), "bad.json", &obj, err);

	ck_assert_msg(st == TP_ESCHEMA, "%s: %s", number, tp_strerror(st));
	ck_assert_ptr_null(obj);
	ck_assert_uint_ge(tp_error_count(err), 1);
	ck_assert_str_eq(tp_error_source(err, 0), "bad.json");
	ck_assert_uint_eq(tp_error_line(err, 0), line);
	ck_assert_uint_eq(tp_error_column(err, 0), col);
	ck_assert_str_eq(tp_error_path(err, 0), path);
	ck_assert_msg(strstr(tp_error_message(err, 0), number) &&
		      strstr(tp_error_message(err, 0), what),
		      "message: %s", tp_error_message(err, 0));
	tp_error_free(err);
}

static tp_status
ld_pc(const void *d, size_t n, const char *s, void **o, tp_error *e)
{
	return tp_path_counts_load(d, n, s, (tp_path_counts **)o, e);
}

static tp_status
ld_funnel(const void *d, size_t n, const char *s, void **o, tp_error *e)
{
	return tp_funnel_state_load(d, n, s, (tp_funnel_state **)o, e);
}

static tp_status
ld_matrix(const void *d, size_t n, const char *s, void **o, tp_error *e)
{
	return tp_matrix_load(d, n, s, (tp_matrix **)o, e);
}

/* Put `number` in place of the first `old` in `text` (static buffer). */
static const char *
with(const char *text, const char *old, const char *number)
{
	static char buf[4096];
	const char *at = strstr(text, old);

	ck_assert_ptr_nonnull(at);
	ck_assert_uint_lt(strlen(text) + strlen(number), sizeof(buf));
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - text), text, number,
		 at + strlen(old));
	return buf;
}

START_TEST(past_64_bits_refused)
{
	/* Line 2 of each text holds the number; columns count bytes. */
	const char *pc = PC_HEAD
		"\n{\"path\":[\"a\"],\"conversions\":1,\"nulls\":0,"
		"\"value_micros\":0}]}\n";

	refused(ld_pc, with(pc, "\"conversions\":1", "\"conversions\":18446744073709551616"),
		2, 29, "$.paths[0].conversions", "18446744073709551616",
		"out of range (0 to 18446744073709551615)");
	refused(ld_pc, with(pc, "\"nulls\":0", "\"nulls\":-1"),
		2, 39, "$.paths[0].nulls", "-1", "out of range");
	refused(ld_pc, with(pc, "\"value_micros\":0", "\"value_micros\":9223372036854775808"),
		2, 56, "$.paths[0].value_micros", "9223372036854775808",
		"out of range (-9223372036854775808 to 9223372036854775807)");
	refused(ld_pc, with(pc, "\"value_micros\":0", "\"value_micros\":-9223372036854775809"),
		2, 56, "$.paths[0].value_micros", "-9223372036854775809",
		"out of range");
	refused(ld_pc, with(pc, "\"value_micros\":0", "\"value_micros\":1e400"),
		2, 56, "$.paths[0].value_micros", "1e400", "out of range");
	refused(ld_pc, with(pc, "\"value_micros\":0",
			    "\"value_micros\":123456789012345678901234567890"),
		2, 56, "$.paths[0].value_micros",
		"123456789012345678901234567890", "out of range");
	refused(ld_pc, with(pc, "\"conversions\":1", "\"conversions\":2.5"),
		2, 29, "$.paths[0].conversions", "2.5", "is not an integer");
	refused(ld_pc, with(pc, "\"conversions\":1", "\"conversions\":1e-1"),
		2, 29, "$.paths[0].conversions", "1e-1", "is not an integer");
	refused(ld_pc, with(pc, "\"conversions\":1",
			    "\"conversions\":9007199254740993.5"),
		2, 29, "$.paths[0].conversions", "9007199254740993.5",
		"is not an integer");
	refused(ld_pc, with(pc, "\"lookback_ms\":0", "\"lookback_ms\":99999999999999999999"),
		1, 98, "$.lookback_ms", "99999999999999999999", "out of range");

	refused(ld_funnel, with(funnel_json, "\"journeys\":18446744073709551615",
				"\"journeys\":18446744073709551616"),
		1, 264, "$.journeys", "18446744073709551616", "out of range");
	refused(ld_funnel, with(funnel_json, "\"customers\":18446744073709551613",
				"\"customers\":184467440737095516130"),
		4, 120, "$.groups[0].steps[1].next_after_drop[0].customers",
		"184467440737095516130", "out of range");
	refused(ld_funnel, with(funnel_json, "9007199254740993,",
				"9223372036854775808,"),
		4, 32, "$.groups[0].steps[1].durations_ms[0]",
		"9223372036854775808", "out of range");

	refused(ld_matrix, with(matrix_json, "\"events\":18446744073709551615",
				"\"events\":18446744073709551616"),
		2, 27, "$.cells[0].events", "18446744073709551616",
		"out of range (1 to 18446744073709551615)");
	refused(ld_matrix, with(matrix_json, "\"score_sum_micros\":-9223372036854775808",
				"\"score_sum_micros\":-9223372036854775809"),
		2, 159, "$.cells[0].score_sum_micros", "-9223372036854775809",
		"out of range");
	refused(ld_matrix, with(matrix_json, "\"order\":9223372036854775807",
				"\"order\":9223372036854775808"),
		1, 161, "$.rows[1].order", "9223372036854775808", "out of range");
}
END_TEST

START_TEST(identify_version_exact)
{
	const char *v = "{\"format\":\"touchpoint-state\",\n"
			"\"version\":18446744073709551617,\"kind\":\"matrix\"}";
	const char *one = "{\"format\":\"touchpoint-state\","
			  "\"version\":1.0,\"kind\":\"matrix\"}";
	tp_state_kind kind = TP_STATE_KIND_UNKNOWN;
	tp_error *err = tp_error_new();

	ck_assert_int_eq(tp_state_identify(v, strlen(v), "v.json", &kind, NULL,
					   err), TP_ESCHEMA);
	ck_assert_uint_eq(tp_error_line(err, 0), 2);
	ck_assert_uint_eq(tp_error_column(err, 0), 11);
	ck_assert_str_eq(tp_error_path(err, 0), "$.version");
	ck_assert_ptr_nonnull(strstr(tp_error_message(err, 0),
				     "18446744073709551617"));
	ck_assert_int_eq(tp_state_identify(one, strlen(one), "1.json", &kind,
					   NULL, NULL), TP_OK);
	ck_assert_int_eq(kind, TP_STATE_KIND_MATRIX);
	tp_error_free(err);
}
END_TEST

/* Strings with digits, escapes and quotes do not shift the numbers. */
START_TEST(numbers_after_tricky_strings)
{
	tp_path_counts *pc = pc_load(PC_HEAD
		"{\"path\":[\"12\\\"34\",\"-5\\\\\",\"\\u0031e9\"],"
		"\"conversions\":9007199254740995,\"nulls\":7,"
		"\"value_micros\":-9007199254740995}]}");

	ck_assert_str_eq(tp_path_counts_item(pc, 0, 0), "12\"34");
	ck_assert_str_eq(tp_path_counts_item(pc, 0, 1), "-5\\");
	ck_assert_str_eq(tp_path_counts_item(pc, 0, 2), "1e9");
	ck_assert(tp_path_counts_conversions(pc, 0) == 9007199254740995ULL);
	ck_assert(tp_path_counts_nulls(pc, 0) == 7);
	tp_path_counts_free(pc);
}
END_TEST

Suite *
tp_test_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("json-integers");

	tcase_add_test(tc, path_counts_sum_past_2p53);
	tcase_add_test(tc, path_counts_extremes);
	tcase_add_test(tc, integer_forms);
	tcase_add_test(tc, funnel_extremes);
	tcase_add_test(tc, matrix_extremes);
	tcase_add_test(tc, past_64_bits_refused);
	tcase_add_test(tc, identify_version_exact);
	tcase_add_test(tc, numbers_after_tricky_strings);
	suite_add_tcase(s, tc);
	return s;
}
