/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the libFuzzer targets (fuzz/README.md).
 *
 * A target checks more than "no crash": where a reader has a property
 * that must hold (a saved catalog reads back equal, a failed load leaves
 * an error entry, a timestamp formats back to the same instant), the
 * target tests it and traps when it does not hold, so libFuzzer records
 * the input as a finding.
 */
#ifndef TP_FUZZ_COMMON_H
#define TP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <touchpoint/touchpoint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property that must hold; a violation is a finding. */
#define FUZZ_CHECK(cond)                                                      \
	do {                                                                  \
		if (!(cond))                                                  \
			__builtin_trap();                                     \
	} while (0)

/*
 * A failed load must explain itself: TP_ENOMEM aside, a status other than
 * TP_OK leaves at least one error entry, and every entry has a message.
 */
static inline void
fuzz_check_error(tp_status st, const tp_error *err)
{
	size_t i, n = tp_error_count(err);

	if (st != TP_OK && st != TP_ENOMEM)
		FUZZ_CHECK(n > 0);
	for (i = 0; i < n; i++) {
		const char *m = tp_error_message(err, i);

		FUZZ_CHECK(m != NULL && m[0] != '\0');
	}
}

/* Strict UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
static inline int
fuzz_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned c = *p++;
		size_t k;
		unsigned v, min;

		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, v = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, v = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, v = c & 0x07, min = 0x10000;
		else
			return 0;
		if ((size_t)(end - p) < k)
			return 0;
		while (k--) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			v = (v << 6) | (*p++ & 0x3f);
		}
		if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return 0;
	}
	return 1;
}

#endif
