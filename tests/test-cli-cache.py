#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`--cache-size` changes the time of a command, never its output.

For each input (the hand-made fixture of tests/golden/inputs and the
bundled 20,000-event sample, whose events repeat), `touchpoint classify`
and `touchpoint report --format json` run with the memo off (0), with the
commands' default, with a memo of 2 events (constant eviction) and with a
large one; every output must be byte for byte the one without the memo.
Values out of range (negative, signed, not a number, empty, past 2^24)
must be refused with exit status 2 and a message naming the option.

Usage:
    test-cli-cache.py --touchpoint BUILD/tools/touchpoint FILE.ndjson...

Output is TAP. Only the Python standard library is used.
"""

import argparse
import subprocess
import sys

SIZES = [None, "2", "65536"]     # None: the default
COMMANDS = [["classify"], ["report", "--format", "json"]]
BAD = ["-1", "+5", "x", "", "16777217", "99999999999999999999999"]


def run(exe, args):
    return subprocess.run([exe] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--touchpoint", required=True)
    ap.add_argument("inputs", nargs="+")
    a = ap.parse_args()

    checks = []
    for path in a.inputs:
        for cmd in COMMANDS:
            off = run(a.touchpoint, cmd + ["--cache-size", "0", path])
            checks.append((f"{' '.join(cmd)} --cache-size 0 {path}: exit 0",
                           off.returncode == 0 and len(off.stdout) > 0,
                           off.stderr.decode(errors="replace")))
            for size in SIZES:
                extra = [] if size is None else ["--cache-size", size]
                p = run(a.touchpoint, cmd + extra + [path])
                name = f"{' '.join(cmd)} {' '.join(extra) or '(default cache)'} " \
                       f"{path}: same output as without the cache"
                why = ""
                if p.returncode != off.returncode:
                    why = f"exit {p.returncode}, without the cache {off.returncode}"
                elif p.stdout != off.stdout:
                    why = "outputs differ"
                elif p.stderr != off.stderr:
                    why = "summaries differ"
                checks.append((name, not why, why))
    for v in BAD:
        p = run(a.touchpoint, ["classify", "--cache-size", v, a.inputs[0]])
        err = p.stderr.decode(errors="replace")
        checks.append((f"classify --cache-size '{v}' is refused",
                       p.returncode == 2 and "--cache-size" in err
                       and not p.stdout,
                       f"exit {p.returncode}, stderr {err!r}"))

    print(f"1..{len(checks)}")
    failed = 0
    for i, (name, ok, why) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            failed += 1
            for line in str(why).splitlines() or [""]:
                print(f"# {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
