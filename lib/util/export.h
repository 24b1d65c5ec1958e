/* SPDX-License-Identifier: MIT */
/*
 * The export macro. The library is built with hidden visibility: only a
 * definition tagged TP_EXPORT is exported, and lib/libtouchpoint.sym must
 * list it (tests/test-symbols.py diffs the two and `nm -D`).
 *
 * Convention: TP_EXPORT and the return type on one line, the function
 * name at the start of the next:
 *
 *     TP_EXPORT tp_status
 *     tp_thing_new(tp_thing **out)
 */
#ifndef TP_UTIL_EXPORT_H
#define TP_UTIL_EXPORT_H

#define TP_EXPORT __attribute__((visibility("default")))

#endif
