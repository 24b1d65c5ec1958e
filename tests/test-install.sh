#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build into a temporary directory and builds a program
# outside the build tree with nothing but pkg-config, as a user would:
#   1. `meson install --destdir TMP`; the headers, the shared and static
#      libraries (with the SONAME symlink) and libtouchpoint.pc are there,
#      and the installed library has no RPATH/RUNPATH;
#   2. shared: cc consumer.c $(pkg-config --cflags --libs libtouchpoint),
#      run with the installed library;
#   3. static: the same with `pkg-config --static` against a copy of the
#      prefix that holds only libtouchpoint.a; the program must not need
#      libtouchpoint.so at run time (this proves Requires.private and
#      Libs.private are complete).
# PKG_CONFIG_PATH points into the temporary prefix and
# PKG_CONFIG_SYSROOT_DIR maps the installed paths into it.
#
# Usage: test-install.sh MESON BUILD_ROOT SOURCE_ROOT DEFAULT_LIBRARY SANITIZE
#                        CC [CC ARGS...]
# DEFAULT_LIBRARY is meson's default_library (both, shared or static): the
# parts for a kind of library that was not built are skipped.
set -euo pipefail

meson=$1 build=$2 src=$3 kind=$4 sanitize=$5
shift 5
cc=("$@")
want_shared=false want_static=false
case $kind in
both) want_shared=true want_static=true ;;
shared) want_shared=true ;;
static) want_static=true ;;
esac

for tool in pkg-config readelf; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not found"; exit 77; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tp-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

san_flags=()
if [ -n "$sanitize" ] && [ "$sanitize" != none ]; then
	san_flags=("-fsanitize=$sanitize")
fi

echo "# meson install --destdir $tmp/root"
"$meson" install -C "$build" --no-rebuild --destdir "$tmp/root" --quiet

pc=$(find "$tmp/root" -name libtouchpoint.pc -path '*/pkgconfig/*' | head -n1)
[ -n "$pc" ] || { echo "FAIL: libtouchpoint.pc was not installed"; exit 1; }
ok "installed ${pc#"$tmp/root"}"
sed 's/^/    /' "$pc"

PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
export PKG_CONFIG_SYSROOT_DIR=$tmp/root
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1

if pkg-config --validate libtouchpoint; then ok "pkg-config --validate"; else bad "pkg-config --validate"; fi
version=$(pkg-config --modversion libtouchpoint)
ok "pkg-config --modversion: $version"
for req in libcjson libpcre2-8; do
	if pkg-config --print-requires-private libtouchpoint | grep -q "^$req\b"; then
		ok "Requires.private: $req"
	else
		bad "Requires.private lacks $req"
	fi
done

# The installed files.
libdir=$(pkg-config --variable=libdir libtouchpoint)
includedir=$(pkg-config --variable=includedir libtouchpoint)
libdir=$tmp/root${libdir#"$tmp/root"}
includedir=$tmp/root${includedir#"$tmp/root"}
files=("$includedir/touchpoint/version.h" "$includedir/touchpoint/touchpoint.h")
$want_shared && files+=("$libdir/libtouchpoint.so.1" "$libdir/libtouchpoint.so")
$want_static && files+=("$libdir/libtouchpoint.a")
for f in "${files[@]}"; do
	if [ -e "$f" ]; then ok "installed ${f#"$tmp/root"}"; else bad "not installed: ${f#"$tmp/root"}"; fi
done
for h in "$src"/include/touchpoint/*.h; do
	# (an unlisted header is the public-headers test's failure)
	[ -e "$includedir/touchpoint/$(basename "$h")" ] ||
		echo "note: $(basename "$h") is not installed: not in public_headers"
done
if $want_shared && [ -e "$libdir/libtouchpoint.so.1" ]; then
	if readelf -d "$libdir/libtouchpoint.so.1" | grep -Eq '\((RPATH|RUNPATH)\)'; then
		bad "the installed library carries an RPATH/RUNPATH"
	else
		ok "the installed library has no RPATH/RUNPATH"
	fi
fi

read -ra flags <<<"$(pkg-config --cflags --libs libtouchpoint)"
echo "# pkg-config --cflags --libs libtouchpoint: ${flags[*]}"

# Compile outside the build tree: copy the program into the temporary dir.
mkdir -p "$tmp/work"
cp "$src/tests/abi/consumer.c" "$tmp/work/"
cd "$tmp/work"
warn=(-std=c99 -pedantic -Werror -Wall -Wextra)

# 2. Shared.
if ! $want_shared; then
	echo "# no shared library in this build (default_library=$kind): skipped"
elif "${cc[@]}" "${warn[@]}" "${san_flags[@]}" consumer.c -o consumer-shared "${flags[@]}"; then
	ok "compiled and linked against the shared library"
	if readelf -d consumer-shared | grep -q 'NEEDED.*\[libtouchpoint\.so\.1\]'; then
		ok "consumer-shared needs libtouchpoint.so.1"
	else
		bad "consumer-shared does not record NEEDED libtouchpoint.so.1"
	fi
	if out=$(LD_LIBRARY_PATH=$libdir ./consumer-shared); then
		ok "ran: $out"
	else
		bad "consumer-shared failed"
	fi
else
	bad "compiling against the shared library failed"
fi

# 3. Static: a copy of the prefix without the shared library.
if ! $want_static; then
	echo "# no static library in this build (default_library=$kind): skipped"
	exit $fail
fi
cp -a "$tmp/root" "$tmp/static-root"
rm -f "$tmp/static-root${libdir#"$tmp/root"}"/libtouchpoint.so*
export PKG_CONFIG_PATH=$tmp/static-root${PKG_CONFIG_PATH#"$tmp/root"}
export PKG_CONFIG_SYSROOT_DIR=$tmp/static-root
read -ra flags <<<"$(pkg-config --static --cflags --libs libtouchpoint)"
echo "# pkg-config --static --cflags --libs libtouchpoint: ${flags[*]}"
if "${cc[@]}" "${warn[@]}" "${san_flags[@]}" consumer.c -o consumer-static "${flags[@]}"; then
	ok "compiled and linked against the static library"
	if readelf -d consumer-static | grep -q 'NEEDED.*libtouchpoint'; then
		bad "consumer-static still needs a shared libtouchpoint"
	else
		ok "consumer-static does not need libtouchpoint.so"
	fi
	if out=$(./consumer-static); then
		ok "ran: $out"
	else
		bad "consumer-static failed"
	fi
else
	bad "compiling against the static library failed"
fi

exit $fail
