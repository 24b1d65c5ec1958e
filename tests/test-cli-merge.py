#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Merging the states of parts equals the result on the whole.

For each input (the hand-made fixture of tests/golden/inputs and the
bundled 20,000-event sample), the events are split by customer into
parts; `touchpoint funnel|matrix|attribute --format state` makes a state
of each part (alternately JSON and binary), `touchpoint merge` merges them
and prints the result, which must be byte for byte what the command
prints on the whole input. Mixed kinds must be refused with exit status 2.

Usage:
    test-cli-merge.py --touchpoint BUILD/tools/touchpoint --outdir DIR FILE.ndjson...

Output is TAP. Only the Python standard library is used.
"""

import argparse
import json
import os
import subprocess
import sys

# (name, command arguments, merge formats to compare)
ANALYSES = [
    ("funnel-seven-stage", ["funnel", "--funnel", "seven_stage"], ["json", "text"]),
    ("funnel-steps", ["funnel", "--steps", "stage=discovery,stage=consideration,purchase",
                      "--window", "7d", "--breakdown", "channel_group"], ["json", "text"]),
    ("funnel-attempts", ["funnel", "--steps", "stage=consideration,stage=sale",
                         "--count", "attempts", "--mode", "strict_order",
                         "--exclude", "channel=email"], ["json"]),
    ("matrix", ["matrix"], ["json", "text", "csv"]),
    ("matrix-fields", ["matrix", "--rows", "channel_group", "--cols", "phase"], ["json", "csv"]),
    ("paths", ["attribute"], ["json", "csv"]),
    ("paths-lookback", ["attribute", "--by", "touchpoint", "--lookback-steps", "3",
                        "--touches", "sessions"], ["json", "csv"]),
]

# What the single command prints for each merge format.
DIRECT = {
    "funnel": {"json": ["--format", "json"], "text": ["--format", "text"]},
    "matrix": {"json": ["--format", "json"], "text": ["--format", "text"],
               "csv": ["--format", "csv"]},
}


def run(exe, args, stdin=None, check=True):
    p = subprocess.run([exe] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=stdin)
    if check and p.returncode != 0:
        raise RuntimeError("touchpoint %s: exit %d: %s" % (
            " ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return p


def split(path, outdir, parts):
    """Split an NDJSON file by customer into `parts` files."""
    names = [os.path.join(outdir, "%s.part%d.ndjson" % (os.path.basename(path), k))
             for k in range(parts)]
    outs = [open(n, "w", encoding="utf-8") for n in names]
    seen = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            c = json.loads(line)["customer_id"]
            k = seen.setdefault(c, len(seen) % parts)
            outs[k].write(line)
    for o in outs:
        o.close()
    return names


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--touchpoint", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("inputs", nargs="+")
    opts = ap.parse_args(argv[1:])
    os.makedirs(opts.outdir, exist_ok=True)
    exe = opts.touchpoint

    cases = []
    for path in opts.inputs:
        for parts in (2, 3):
            for name, args, formats in ANALYSES:
                for fmt in formats:
                    cases.append((path, parts, name, args, fmt))
    print("1..%d" % (len(cases) + 1))
    failed = 0
    n = 0
    split_cache = {}
    for path, parts, name, args, fmt in cases:
        n += 1
        label = "%s, %d parts, %s, %s" % (os.path.basename(path), parts, name, fmt)
        try:
            key = (path, parts)
            if key not in split_cache:
                split_cache[key] = split(path, opts.outdir, parts)
            states = []
            for k, part in enumerate(split_cache[key]):
                sf = "json" if k % 2 == 0 else "binary"
                out = run(exe, args + ["--format", "state", "--state-format", sf, part])
                sp = os.path.join(opts.outdir, "%s.%s.%d.state" % (
                    os.path.basename(path), name, k))
                with open(sp, "wb") as f:
                    f.write(out.stdout)
                states.append(sp)
            merged = run(exe, ["merge", "--format", fmt] + states).stdout
            if args[0] == "attribute":
                # path counts print as the path table (csv) or its JSON;
                # merge the whole input's single state the same way.
                whole = run(exe, args + ["--format", "state", path]).stdout
                wp = os.path.join(opts.outdir, "whole.state")
                with open(wp, "wb") as f:
                    f.write(whole)
                direct = run(exe, ["merge", "--format", fmt, wp]).stdout
                if fmt == "csv":
                    table = run(exe, args + ["--format", "paths", path]).stdout
                    if table != direct:
                        raise RuntimeError("--format paths differs from the "
                                           "printed path counts")
            else:
                direct = run(exe, args + DIRECT[args[0]][fmt] + [path]).stdout
            if merged != direct:
                raise RuntimeError("the merged result differs from the direct one")
            print("ok %d - %s" % (n, label))
        except (RuntimeError, OSError) as e:
            failed += 1
            print("not ok %d - %s" % (n, label))
            for line in str(e).splitlines():
                print("# " + line)

    # Mixed kinds are refused.
    n += 1
    try:
        part = split_cache[(opts.inputs[0], 2)][0]
        a = os.path.join(opts.outdir, "mixed.funnel")
        b = os.path.join(opts.outdir, "mixed.matrix")
        with open(a, "wb") as f:
            f.write(run(exe, ["funnel", "--funnel", "seven_stage", "--format", "state",
                              part]).stdout)
        with open(b, "wb") as f:
            f.write(run(exe, ["matrix", "--format", "state", part]).stdout)
        p = run(exe, ["merge", a, b], check=False)
        if p.returncode != 2 or b"different kinds" not in p.stderr or p.stdout:
            raise RuntimeError("exit %d, stderr %r" % (p.returncode, p.stderr))
        print("ok %d - mixed kinds refused" % n)
    except (RuntimeError, OSError) as e:
        failed += 1
        print("not ok %d - mixed kinds refused" % n)
        print("# %s" % e)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
