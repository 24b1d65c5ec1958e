/* SPDX-License-Identifier: MIT */
/*
 * Fuzz timestamp parsing (tp_timestamp_parse). A parsed instant that
 * formats (years 1 to 9999 in UTC) must parse back to the same instant,
 * and the formatted text is always 24 bytes.
 */
#include <string.h>
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t ms = 0, again = 0;
	char buf[32];
	tp_status st;

	st = tp_timestamp_parse((const char *)data, size, &ms);
	FUZZ_CHECK(st == TP_OK || st == TP_ESYNTAX || st == TP_ERANGE);
	if (st != TP_OK)
		return 0;
	st = tp_timestamp_format(ms, buf, sizeof(buf));
	FUZZ_CHECK(st == TP_OK || st == TP_ERANGE);
	if (st != TP_OK)
		return 0;
	FUZZ_CHECK(strlen(buf) == 24);
	FUZZ_CHECK(tp_timestamp_parse(buf, 24, &again) == TP_OK);
	FUZZ_CHECK(again == ms);
	/* Too small a buffer is refused, never overrun. */
	FUZZ_CHECK(tp_timestamp_format(ms, buf, 24) == TP_ERANGE);
	return 0;
}
