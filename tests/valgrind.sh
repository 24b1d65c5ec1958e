#!/bin/sh
# SPDX-License-Identifier: MIT
# exe_wrapper of the `valgrind` test setup (tests/meson.build):
#     meson test -C BUILD --setup valgrind
# Runs a test under valgrind when the test program is one this build
# compiled (it lives under BUILD_ROOT); interpreters and compilers that
# drive script tests (python3, bash, cc) run as they are, because their
# own allocations are not ours to judge.
# Usage: valgrind.sh BUILD_ROOT PROGRAM [ARGS...]
build_root=$(readlink -f "$1")
shift
case $(readlink -f "$1") in
"$build_root"/*)
	exec valgrind --quiet --error-exitcode=1 --leak-check=full \
		--show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect \
		--track-origins=yes --child-silent-after-fork=no "$@"
	;;
*)
	exec "$@"
	;;
esac
