#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compile one source file at test time, then run the program.

Used by the ABI tests so that a header that breaks under strict flags is
one failed test with the compiler's message, not a broken build.

Usage: compile-and-run.py SOURCE -- COMPILER [FLAGS...]
The flags come before SOURCE on the compiler's command line (so `-x c++`
works); the program is written to a temporary directory and run with no
arguments; its exit status is the test's.
"""

import os
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) < 4 or argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    source, cmd = argv[1], argv[3:]
    with tempfile.TemporaryDirectory(prefix="tp-compile-") as tmp:
        exe = os.path.join(tmp, "prog")
        full = cmd + [source, "-o", exe]
        print("$ " + " ".join(full), flush=True)
        if subprocess.run(full).returncode != 0:
            print("FAIL: compilation failed", file=sys.stderr)
            return 1
        return subprocess.run([exe]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
