#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Pins the SONAME of the built shared library (docs/abi.md):
#   - readelf -d shows SONAME libtouchpoint.so.1 (pinned here on purpose:
#     changing it breaks every program linked against 1.x);
#   - the file is libtouchpoint.so.<tp_libversion> with the same major.
# Usage: test-soname.sh LIBRARY LIBVERSION
set -euo pipefail

lib=$1
libversion=$2
expected_soname=libtouchpoint.so.1
fail=0

command -v readelf >/dev/null || { echo "SKIP: readelf not found"; exit 77; }

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ "$soname" = "$expected_soname" ]; then
	echo "ok: SONAME is $soname"
else
	echo "FAIL: SONAME is '${soname:-none}', expected $expected_soname"
	fail=1
fi

file=$(basename "$lib")
if [ "$file" = "libtouchpoint.so.$libversion" ]; then
	echo "ok: file name is $file"
else
	echo "FAIL: file name is $file, expected libtouchpoint.so.$libversion"
	fail=1
fi

if [ "${libversion%%.*}" = "${expected_soname##*.so.}" ]; then
	echo "ok: tp_libversion $libversion has the SONAME major"
else
	echo "FAIL: tp_libversion $libversion does not start with the SONAME major ${expected_soname##*.so.}"
	fail=1
fi

exit $fail
