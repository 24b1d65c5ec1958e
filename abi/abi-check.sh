#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The ABI baseline guard (docs/abi.md): compare a built libtouchpoint.so.1
# with the committed baseline abi/libtouchpoint.abi (abidw output) using
# abidiff from Debian's abigail-tools.
#
#   abi/abi-check.sh LIBRARY [VERSION_H]            check (the meson test
#                                                   `abi-baseline`)
#   abi/abi-check.sh --update LIBRARY [VERSION_H]   write the baseline from
#                                                   LIBRARY (the target
#                                                   `ninja -C BUILD abi-update`)
#
# LIBRARY is the built shared library (BUILD/lib/libtouchpoint.so.1 or the
# file it points to); VERSION_H the generated BUILD/include/touchpoint/
# version.h (default: found next to LIBRARY). Only types of the public
# headers count (include/touchpoint/): opaque objects are declarations in
# the baseline, so their private layout may change freely. Not reported:
# added functions and enumerators appended to an enum (both allowed by
# docs/abi.md). Everything else abidiff sees fails with its report: a
# removed function, a changed signature, a changed enumerator value, a
# changed, moved or inserted struct member. A field appended to a sized
# struct (one with a TP_X_INIT macro) is allowed by docs/abi.md but is
# reported too, on purpose: abidiff cannot tell it apart from a changed
# member reliably, so a person checks the report and regenerates the
# baseline (docs/abi.md, "How to bump deliberately").
#
# Exit status: 0 compatible; 1 an ABI change; 2 usage or tool error; 77
# (skip) when abidiff is not installed or LIBRARY has no debug information.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
baseline=$here/libtouchpoint.abi

update=0
if [ "${1:-}" = --update ]; then
	update=1
	shift
fi
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	sed -n '4,25p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
lib=$1
if [ ! -f "$lib" ]; then
	echo "abi-check: $lib: no such file" >&2
	exit 2
fi
version_h=${2:-$(cd "$(dirname "$lib")/.." && pwd)/include/touchpoint/version.h}

for tool in abidw abidiff; do
	if ! command -v "$tool" >/dev/null; then
		echo "abi-check: $tool is not installed (apt-get install abigail-tools); skipping"
		exit 77
	fi
done
if ! readelf -S "$lib" 2>/dev/null | grep -q '\.debug_info'; then
	echo "abi-check: $lib has no debug information (build with -g, e.g. the"
	echo "default buildtype debugoptimized); skipping"
	exit 77
fi

headers=(--headers-dir "$src/include/touchpoint")
[ -f "$version_h" ] && headers+=(--header-file "$version_h")

if [ "$update" = 1 ]; then
	tmp=$(mktemp "$baseline.XXXXXX")
	abidw --no-corpus-path --no-comp-dir-path --no-show-locs \
		--type-id-style hash --drop-private-types \
		"${headers[@]}" --out-file "$tmp" "$lib"
	mv "$tmp" "$baseline"
	echo "abi-check: wrote $baseline from $lib"
	echo "  $(grep -c '<elf-symbol ' "$baseline") symbols, $(wc -c <"$baseline") bytes; review with git diff"
	exit 0
fi

if [ ! -f "$baseline" ]; then
	echo "abi-check: no baseline $baseline; make one with: $0 --update $lib" >&2
	exit 2
fi

# The baseline holds the public types only (abidw --headers-dir): opaque
# objects are declarations there, so their private layout never counts.
# (abidiff's own --headers-dir2 would also hide changes of public structs.)
set +e
report=$(abidiff --no-added-syms "$baseline" "$lib" 2>&1)
rc=$?
set -e
if [ $rc -eq 0 ]; then
	echo "abi-check: $lib is compatible with the baseline"
	echo "$report" | sed 's/^/  /'
	exit 0
fi
if [ $((rc & 2)) -ne 0 ] || { [ $((rc & 1)) -ne 0 ] && [ $((rc & 12)) -eq 0 ]; }; then
	echo "abi-check: abidiff failed (exit $rc):" >&2
	echo "$report" >&2
	exit 2
fi
{
	if [ $((rc & 8)) -ne 0 ]; then
		echo "abi-check: INCOMPATIBLE ABI CHANGE in $lib against abi/libtouchpoint.abi"
	else
		echo "abi-check: ABI CHANGE in $lib against abi/libtouchpoint.abi"
		echo "(compatible only if every change below is a field appended at the end"
		echo "of a sized struct, one with a TP_X_INIT macro: then regenerate the baseline)"
	fi
	echo
	echo "$report"
	echo
	echo "Programs built against libtouchpoint.so.1 may break (docs/abi.md, \"The promise\")."
	echo "Put the old signature or layout back, or add a new function instead."
	echo "If the change is deliberate, see docs/abi.md, \"How to bump deliberately\"."
} >&2
exit 1
