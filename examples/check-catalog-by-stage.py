#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check examples/catalog-by-stage against data/catalog/default.json.

Usage: check-catalog-by-stage.py EXAMPLE DEFAULT_JSON

Computes the expected output from the JSON file on its own (no library)
and compares it with what the example prints, line by line.
"""
import difflib
import json
import subprocess
import sys


def expected(cat):
    channels = {c["id"]: c for c in cat["channels"]}
    stages = {s["id"]: s for s in cat["stages"]}
    funnel = next(f for f in cat["funnels"] if f["id"] == "seven_stage")

    def touchpoints(stage):
        out = []
        for t in cat["touchpoints"]:
            if t.get("stage") == stage:
                ch = channels[t["channel"]]
                out.append("  %s: %s [%s, %s]" % (t["id"], t.get("name", t["id"]),
                                                 ch["id"], ch.get("kind", "unknown")))
        return out

    def stage_block(sid, prefix):
        s = stages[sid]
        return ["%s%s (%s, %s)" % (prefix, s.get("name", sid), sid,
                                   s.get("phase", "unknown"))] + touchpoints(sid)

    lines = ["%s: %d stages" % (funnel["name"], len(funnel["stages"]))]
    for k, sid in enumerate(funnel["stages"], 1):
        lines.append("")
        lines += stage_block(sid, "%d. " % k)
    for s in cat["stages"]:
        if s["id"] not in funnel["stages"]:
            lines.append("")
            lines += stage_block(s["id"], "Outside the funnel: ")
    lines += ["", "Without a stage"] + touchpoints(None)
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[2], encoding="utf-8") as f:
        cat = json.load(f)
    p = subprocess.run([argv[1]], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.stderr.write("example exited with %d: %s\n" %
                         (p.returncode, p.stderr.decode(errors="replace")))
        return 1
    got, want = p.stdout.decode("utf-8"), expected(cat)
    if got != want:
        sys.stdout.writelines(difflib.unified_diff(
            want.splitlines(True), got.splitlines(True), "expected", "actual"))
        return 1
    n = sum(1 for line in got.splitlines() if line.startswith("  "))
    if n != len(cat["touchpoints"]):
        print("printed %d touchpoints, the catalog has %d" % (n, len(cat["touchpoints"])))
        return 1
    print("ok: %d touchpoints in %d stage groups" % (n, len(cat["stages"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
