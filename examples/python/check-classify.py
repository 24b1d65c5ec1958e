#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the classify example of a binding (examples/python/classify.py,
examples/ruby/classify.rb) against the touchpoint command.

Usage: check-classify.py EXAMPLE TOUCHPOINT EVENTS.ndjson

Without arguments the example must print the expected lines for its
built-in events. Given EVENTS, it must print one line per event that
`touchpoint classify EVENTS` classifies, made from the command's "tp"
members, report the same refused lines on stderr, and exit 1 when a line
was refused, as the command does.
"""
import difflib
import json
import os
import subprocess
import sys

BUILTIN = [
    "c1 page_view -> paid_search / Paid Search / search_engine / discovery",
    "c2 page_view -> organic_search / Organic Search / search_engine / discovery",
    "c1 email_open -> welcome_email / Email / email / consideration",
    "c3 store_visit -> store_visit / Direct / physical_store / preference",
]


def run(cmd, env=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def same(what, want, got):
    if want == got:
        return True
    print("%s differs:" % what)
    sys.stdout.writelines(difflib.unified_diff(
        [x + "\n" for x in want], [x + "\n" for x in got], "expected", "actual"))
    return False


def line(obj):
    tp = obj["tp"]
    return "%s %s -> %s / %s / %s / %s" % tuple(
        d.get(k) or "-" for d, k in ((obj, "customer_id"), (obj, "event"), (tp, "touchpoint"),
                                     (tp, "channel_group"), (tp, "channel"), (tp, "stage")))


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    example, command, events = argv[1:]
    ok = True
    rc, out, err = run([example])
    if rc != 0:
        print("example exited with %d: %s" % (rc, err))
        return 1
    ok &= same("built-in events", BUILTIN, out.splitlines())

    # In a sanitizer build the interpreters run with the sanitizer runtime
    # in LD_PRELOAD; the command has its own runtime linked in.
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    crc, cout, cerr = run([command, "classify", events], env)
    want = [line(json.loads(x)) for x in cout.splitlines()]
    rejects = [x for x in cerr.splitlines() if not x.startswith("touchpoint classify:")]
    rc, out, err = run([example, events])
    ok &= same("classified lines", want, out.splitlines())
    ok &= same("refused lines", rejects, err.splitlines())
    if rc != crc:
        print("example exited with %d, the command with %d" % (rc, crc))
        ok = False
    if ok:
        print("ok: %d built-in events, %d lines classified, %d refused"
              % (len(BUILTIN), len(want), len(rejects)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
