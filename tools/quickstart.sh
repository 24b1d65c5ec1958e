#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# One command from a fresh Debian or Ubuntu machine to a working
# libtouchpoint, as README.md's Quick start shows:
#
#   tools/quickstart.sh demo   install what is missing, build, run the
#                              main job on the bundled data
#   tools/quickstart.sh test   install what is missing, then the whole
#                              test suite: the plain build's `meson test`,
#                              an ASan+UBSan build's `meson test`, each
#                              libFuzzer target for 30 s, the threads
#                              suite under ThreadSanitizer, and the
#                              Doxygen build (warnings are errors)
#
# Packages are installed with apt-get as root (through sudo when not
# root). Environment:
#   TP_BUILD_DIR   plain build directory (default: build)
#   TP_ASAN_DIR    sanitizer build directory (default: $TP_BUILD_DIR-asan)
#   TP_SAN_CC      compiler of the sanitizer build (default: clang when
#                  installed, else cc), so CI also builds with a second
#                  compiler under -Werror
#   TP_FUZZ_DIR    libFuzzer build directory (default: $TP_BUILD_DIR-fuzz)
#   TP_FUZZ_TIME   seconds of fuzzing per target (default: 30)
#   TP_TSAN_DIR    ThreadSanitizer build directory (default: $TP_BUILD_DIR-tsan)
#   TP_JOBS        parallel jobs (default: number of cores)
#   TP_NO_INSTALL  set to 1 to skip the apt-get step
set -euo pipefail

# Debian packages the project needs: build, tests, docs, bindings. Keep
# this the only list; append new ones here.
PACKAGES=(
	meson ninja-build pkg-config gcc g++ clang
	libcjson-dev libpcre2-dev check
	doxygen valgrind abigail-tools
	libfuzzer-14-dev libclang-rt-14-dev
	python3 python3-jsonschema python3-pytest
	ruby ruby-ffi ruby-minitest ruby-referer-parser
)

# The main job the `demo` mode runs, relative to the plain build directory:
# the report on the bundled sample of 20,000 events.
demo() {
	"$build/tools/touchpoint" report examples/data/sample.ndjson
}

usage() {
	sed -n '4,27p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
mode=${1:-}
case $mode in
demo | test) ;;
-h | --help | help) usage 0 ;;
*) usage 2 >&2 ;;
esac

build=${TP_BUILD_DIR:-build}
asan=${TP_ASAN_DIR:-$build-asan}
jobs=${TP_JOBS:-$(nproc 2>/dev/null || echo 2)}

phase_start=0
phase() {
	phase_start=$SECONDS
	printf '\n==> %s\n' "$*"
}
phase_done() {
	printf '==> done in %ds\n' $((SECONDS - phase_start))
}

install_packages() {
	local missing=() pkg
	for pkg in "${PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$pkg")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		echo "all ${#PACKAGES[@]} packages are installed"
		return
	fi
	echo "installing: ${missing[*]}"
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || {
			echo "error: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2
			exit 1
		}
		sudo=(sudo)
	fi
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -q </dev/null
	# A package this release does not have is reported and left out; the
	# tests that need it skip.
	local available=()
	for pkg in "${missing[@]}"; do
		if apt-cache show "$pkg" >/dev/null 2>&1; then
			available+=("$pkg")
		else
			echo "warning: package $pkg is not available here; skipping it" >&2
		fi
	done
	[ ${#available[@]} -eq 0 ] && return
	"${sudo[@]}" apt-get install -y -q --no-install-recommends "${available[@]}" </dev/null
}

# setup DIR [meson options...]: configure DIR, or reconfigure it when it
# exists, so the script can be run again.
setup() {
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@"
	else
		meson setup "$dir" "$@"
	fi
}

# The plain closing line of the whole run, counted from meson's logs.
count_results() {
	python3 - "$@" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0, "EXPECTEDFAIL": 0, "UNEXPECTEDPASS": 0,
          "TIMEOUT": 0, "ERROR": 0}
for log in sys.argv[1:]:
    with open(log, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line).get("result", "ERROR")
            counts[r] = counts.get(r, 0) + 1
passed = counts["OK"] + counts["EXPECTEDFAIL"]
failed = sum(v for k, v in counts.items() if k not in ("OK", "EXPECTEDFAIL", "SKIP"))
print(f"tests: {passed} passed, {failed} failed, {counts['SKIP']} skipped")
PY
}

total_start=$SECONDS

if [ "${TP_NO_INSTALL:-0}" != 1 ]; then
	phase "Packages (apt-get)"
	install_packages
	phase_done
fi

phase "Build ($build)"
setup "$build"
ninja -C "$build" -j "$jobs"
phase_done

if [ "$mode" = demo ]; then
	phase "Demo: touchpoint report examples/data/sample.ndjson"
	demo
	phase_done
	exit 0
fi

# A failing test run does not stop the script: the other runs still show
# what they find, and the exit status at the end is non-zero.
failed_runs=()
phase "Tests, plain build ($build)"
meson test -C "$build" --num-processes "$jobs" --print-errorlogs || failed_runs+=("meson test -C $build")
phase_done

san_cc=${TP_SAN_CC:-}
if [ -z "$san_cc" ]; then
	if command -v clang >/dev/null; then san_cc=clang; else san_cc=cc; fi
fi
phase "Build, ASan+UBSan with $san_cc ($asan)"
if [ -f "$asan/build.ninja" ]; then
	setup "$asan" -Db_sanitize=address,undefined -Db_lundef=false
else
	CC=$san_cc setup "$asan" -Db_sanitize=address,undefined -Db_lundef=false
fi
ninja -C "$asan" -j "$jobs"
phase_done

phase "Tests, ASan+UBSan build ($asan)"
meson test -C "$asan" --num-processes "$jobs" --print-errorlogs || failed_runs+=("meson test -C $asan")
phase_done

# Fuzzing (fuzz/README.md): every libFuzzer target replays its seeds,
# reproducers and the hostile corpus, then fuzzes for TP_FUZZ_TIME seconds,
# one target at a time. Needs clang's libFuzzer (libfuzzer-14-dev).
fuzz_dir=${TP_FUZZ_DIR:-$build-fuzz}
fuzz_time=${TP_FUZZ_TIME:-30}
if echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' |
	clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then
	phase "Fuzzing: each target for ${fuzz_time}s ($fuzz_dir)"
	CC=clang setup "$fuzz_dir" -Dfuzzing=true -Dtests=false -Dtools=false \
		-Dexamples=false -Dbench=false -Ddocs=disabled
	ninja -C "$fuzz_dir" -j "$jobs"
	meson test -C "$fuzz_dir" --num-processes "$jobs" --print-errorlogs --suite fuzz
	FUZZ_TIME=$fuzz_time ninja -C "$fuzz_dir" fuzz
	phase_done
else
	echo "warning: clang cannot build libFuzzer targets here; skipping the fuzzing" >&2
	fuzz_dir=
fi

# Concurrency (docs/reliability.md): the threads suite under
# ThreadSanitizer; only its test program is built.
tsan=${TP_TSAN_DIR:-$build-tsan}
phase "ThreadSanitizer: the threads suite ($tsan)"
CC=clang setup "$tsan" -Db_sanitize=thread -Db_lundef=false -Dtools=false \
	-Dexamples=false -Dbench=false -Ddocs=disabled
ninja -C "$tsan" -j "$jobs" tests/test-threads
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	meson test -C "$tsan" --no-rebuild --print-errorlogs threads
phase_done

phase "API documentation (ninja -C $build docs)"
if ninja -C "$build" docs; then
	echo "HTML: $build/docs/api/html/index.html"
else
	failed_runs+=("ninja -C $build docs")
fi
phase_done

printf '\n==> all done in %ds\n' $((SECONDS - total_start))
count_results "$build/meson-logs/testlog.json" "$asan/meson-logs/testlog.json" \
	${fuzz_dir:+"$fuzz_dir/meson-logs/testlog.json"} "$tsan/meson-logs/testlog.json"
if [ ${#failed_runs[@]} -gt 0 ]; then
	printf 'FAILED: %s\n' "${failed_runs[@]}"
	exit 1
fi
