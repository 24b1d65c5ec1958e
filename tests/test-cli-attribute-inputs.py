#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The two inputs of `touchpoint attribute` agree on the same data.

For each NDJSON input (the hand-made fixture of tests/golden/inputs and
the bundled 20,000-event sample), this script builds the path table of
the journeys itself — from `touchpoint journeys`, cutting each journey
into paths to conversion as docs/journeys.md defines them (each path ends
at a conversion, with its value; what follows the last conversion is a
non-converting path; a lookback keeps the last N touches) — writes it as
CSV, and checks that

1. `touchpoint attribute FILE.ndjson` and `touchpoint attribute --paths
   TABLE.csv` give the same conversions, value, share and removal effect
   for every item and every model (time_decay excepted: a path table has
   no times), to 1e-9 relative;
2. `touchpoint attribute --format paths FILE.ndjson` (the library's path
   counts) prints the same table, row for row.

Usage:
    test-cli-attribute-inputs.py --touchpoint BUILD/tools/touchpoint --outdir DIR FILE.ndjson...

Output is TAP. Only the Python standard library is used.
"""

import argparse
import csv
import io
import json
import os
import subprocess
import sys

# (label, --by, --lookback-steps or None)
VARIANTS = [
    ("channel", "channel", None),
    ("channel_group", "channel_group", None),
    ("touchpoint, last 3 touches", "touchpoint", 3),
]


def run(exe, args):
    p = subprocess.run([exe] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError("touchpoint %s: exit %d: %s" % (
            " ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout.decode()


def path_table(journeys, by, lookback):
    """{(item, ...): [conversions, nulls, value]} from `touchpoint journeys`."""
    table = {}

    def add(touches, converted, value):
        if lookback:
            touches = touches[-lookback:]
        items = tuple(t[by] for t in touches if t.get(by))
        if not items:
            return
        row = table.setdefault(items, [0, 0, 0.0])
        if converted:
            row[0] += 1
            row[2] += value
        else:
            row[1] += 1

    for line in journeys.splitlines():
        j = json.loads(line)
        current = []
        for t in j["touchpoints"]:
            current.append(t)
            if t.get("conversion"):
                add(current, True, t.get("value", 0.0))
                current = []
        if current:
            add(current, False, 0.0)
    return table


def write_csv(table, path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["path", "conversions", "nulls", "value"])
        for items, (c, u, v) in sorted(table.items()):
            w.writerow([" > ".join(items), c, u, repr(v)])


def read_csv(text):
    rows = {}
    for r in csv.DictReader(io.StringIO(text)):
        rows[tuple(r["path"].split(" > "))] = [int(r["conversions"]), int(r["nulls"]),
                                               float(r["value"])]
    return rows


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def compare(a, b):
    """Differences between two attribute JSON outputs, time_decay aside."""
    problems = []
    if not close(a["total_conversions"], b["total_conversions"]) or \
       not close(a["total_value"], b["total_value"]):
        problems.append("totals differ")
    bm = {m["model"]: m for m in b["models"]}
    models = [m for m in a["models"] if m["model"] != "time_decay"]
    if sorted(m["model"] for m in models) != sorted(bm):
        problems.append("models differ: %s vs %s" % (
            [m["model"] for m in models], sorted(bm)))
    for m in models:
        other = bm.get(m["model"])
        if not other:
            continue
        items = {i["id"]: i for i in other["items"]}
        if sorted(items) != sorted(i["id"] for i in m["items"]):
            problems.append("%s: items differ" % m["model"])
            continue
        for i in m["items"]:
            for k in ("conversions", "value", "share", "removal_effect",
                      "value_removal_effect"):
                if k in i and not close(i[k], items[i["id"]][k]):
                    problems.append("%s %s %s: %r vs %r" % (
                        m["model"], i["id"], k, i[k], items[i["id"]][k]))
    return problems


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--touchpoint", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("inputs", nargs="+")
    opts = ap.parse_args(argv[1:])
    os.makedirs(opts.outdir, exist_ok=True)
    exe = opts.touchpoint

    cases = [(p, v) for p in opts.inputs for v in VARIANTS]
    print("1..%d" % (2 * len(cases)))
    n = failed = 0
    journeys = {}
    for path, (label, by, lookback) in cases:
        name = "%s by %s" % (os.path.basename(path), label)
        extra = ["--by", by] + (["--lookback-steps", str(lookback)] if lookback else [])
        if path not in journeys:
            journeys[path] = run(exe, ["journeys", path])
        table = path_table(journeys[path], by, lookback)
        csv_path = os.path.join(opts.outdir, "%s.%s.%s.csv" % (
            os.path.basename(path), by, lookback or "all"))
        write_csv(table, csv_path)

        n += 1
        try:
            a = json.loads(run(exe, ["attribute"] + extra + [path]))
            b = json.loads(run(exe, ["attribute", "--paths", csv_path, "--by", by]))
            if not any(c for c, _, _ in table.values()):
                raise RuntimeError("the data has no conversion: nothing is tested")
            problems = compare(a, b)
            if problems:
                raise RuntimeError("\n".join(problems[:20]))
            print("ok %d - %s: NDJSON and path table agree" % (n, name))
        except (RuntimeError, ValueError, KeyError) as e:
            failed += 1
            print("not ok %d - %s: NDJSON and path table agree" % (n, name))
            for line in str(e).splitlines():
                print("# " + line)

        n += 1
        try:
            got = read_csv(run(exe, ["attribute", "--format", "paths"] + extra + [path]))
            want = {k: v for k, v in table.items()}
            if sorted(got) != sorted(want):
                raise RuntimeError("paths differ: %d vs %d distinct" % (len(got), len(want)))
            for k in want:
                g, w = got[k], want[k]
                if g[0] != w[0] or g[1] != w[1] or not close(g[2], w[2]):
                    raise RuntimeError("%s: %r vs %r" % (" > ".join(k), g, w))
            print("ok %d - %s: --format paths is the path table" % (n, name))
        except (RuntimeError, ValueError, KeyError) as e:
            failed += 1
            print("not ok %d - %s: --format paths is the path table" % (n, name))
            for line in str(e).splitlines():
                print("# " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
