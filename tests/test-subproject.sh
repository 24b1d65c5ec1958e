#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libtouchpoint builds as a meson subproject (vendoring): copies
# tests/subproject/ and the source tree (as subprojects/libtouchpoint)
# into a temporary directory, configures it, builds it, runs its test, and
# checks that the subproject brought no tests, tools or examples of its own
# and that the consumer linked libtouchpoint statically.
#
# Usage: test-subproject.sh MESON SOURCE_ROOT SANITIZE [CC [CC ARGS...]]
set -euo pipefail

meson=$1 src=$2 sanitize=$3
shift 3
if [ $# -gt 0 ]; then
	CC="$*"
	export CC
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tp-subproject.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

proj=$tmp/consumer
mkdir -p "$proj/subprojects/libtouchpoint"
cp "$src/tests/subproject/meson.build" "$src/tests/abi/consumer.c" "$proj/"
# The source tree without build directories, VCS data or nested subprojects.
tar -C "$src" --exclude='./build*' --exclude=./.git --exclude=./subprojects \
	--exclude='*/__pycache__' -cf - . | tar -C "$proj/subprojects/libtouchpoint" -xf -

opts=(--force-fallback-for=libtouchpoint)
if [ -n "$sanitize" ] && [ "$sanitize" != none ]; then
	opts+=("-Db_sanitize=$sanitize" -Db_lundef=false)
fi

echo "# meson setup ${opts[*]} (CC=${CC:-default})"
if ! "$meson" setup "${opts[@]}" "$tmp/build" "$proj" >"$tmp/setup.log" 2>&1; then
	cat "$tmp/setup.log"
	echo "FAIL: meson setup of the consumer project failed"
	exit 1
fi
grep -E 'Subproject libtouchpoint|libtouchpoint' "$tmp/setup.log" | sed 's/^/    /' || true
ok "configured with libtouchpoint as a subproject"

tests=$("$meson" introspect --tests "$tmp/build")
targets=$("$meson" introspect --targets "$tmp/build")
python3 - "$tests" "$targets" <<'PY' || fail=1
import json, sys
tests = json.loads(sys.argv[1])
targets = json.loads(sys.argv[2])
bad = 0
names = sorted(t["name"] for t in tests)
if names != ["consumer"]:
    print(f"FAIL: tests registered: {names}; the subproject must add none")
    bad = 1
else:
    print("ok: the only test is the consumer's")
for t in targets:
    if t["subproject"] == "libtouchpoint" and t["type"] == "executable":
        print(f"FAIL: the subproject builds the executable {t['name']}")
        bad = 1
sub = sorted(t["name"] for t in targets if t["subproject"] == "libtouchpoint")
if not bad:
    print(f"ok: subproject targets: {', '.join(sub)}")
sys.exit(bad)
PY

if ! "$meson" compile -C "$tmp/build" >"$tmp/build.log" 2>&1; then
	tail -n 60 "$tmp/build.log"
	echo "FAIL: building the consumer project failed"
	exit 1
fi
ok "built"

if readelf -d "$tmp/build/consumer" | grep -q 'NEEDED.*libtouchpoint'; then
	bad "the consumer needs a shared libtouchpoint; the vendored copy should be static"
else
	ok "the consumer links the vendored libtouchpoint statically"
fi

if "$meson" test -C "$tmp/build" --print-errorlogs >"$tmp/test.log" 2>&1; then
	ok "meson test of the consumer project passed"
	"$tmp/build/consumer" | sed 's/^/    /'
else
	cat "$tmp/test.log"
	bad "meson test of the consumer project failed"
fi
exit $fail
