#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run an example program and compare its standard output with a file.

Usage: check-output.py EXPECTED PROGRAM [ARGS...]
Exit 0 when they are equal, 1 with a unified diff when not.
"""
import difflib
import subprocess
import sys


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        expected = f.read()
    run = subprocess.run(argv[2:], capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write("%s exited with %d\n%s" % (argv[2], run.returncode, run.stderr))
        return 1
    if run.stdout != expected:
        sys.stdout.writelines(difflib.unified_diff(
            expected.splitlines(True), run.stdout.splitlines(True),
            "expected", "actual"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
