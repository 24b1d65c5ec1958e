#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run the hostile corpus (tests/hostile/README.md); TAP output.

    run.py --probe PROBE --dir tests/hostile [--touchpoint TOUCHPOINT]
           [--update] [--only SUBSTRING]

Each committed file tests/hostile/KIND/NAME goes through `probe KIND FILE`;
its output must equal the block `== KIND/NAME` of tests/hostile/EXPECTED,
and the probe must find a message, source and line on every fault. Inputs
too big to commit (lines of 10 MB) are written to a temporary directory
and checked the same way under `== generated/...`. With --touchpoint, every
NDJSON input is also run through `touchpoint classify --rejects`: the
summary on stderr must account for every line (read = classified +
rejected + blank, read = the lines of the file), agree with the probe, and
each rejected line must be in the rejects file with its line and column.
--update rewrites EXPECTED from what the probe prints now (review the diff).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

KINDS = ("catalog", "rules", "refdb", "ndjson", "pathtable", "timestamp",
         "referrer")
MB = 1024 * 1024


def generated(tmp):
    """(kind, name, path) of the inputs made at test time."""
    ok = b'{"customer_id": "c1", "event": "page_view", "url": "https://shop.example.com/"}'
    big = b"x" * (10 * MB)
    cases = {
        ("ndjson", "line-10mb-string.ndjson"):
            ok + b"\n" + b'{"event": "' + big + b'"}\n' + ok + b"\n",
        ("ndjson", "line-10mb-members.ndjson"):
            b"{" + b",".join(b'"k%d": %d' % (i, i) for i in range(900000)) + b"}\n" + ok + b"\n",
        ("ndjson", "line-10mb-blank.ndjson"):
            ok + b"\n" + b" " * (10 * MB) + b"\n" + ok + b"\n",
        ("ndjson", "line-10mb-no-newline.ndjson"):
            ok + b"\n" + b"[" * (10 * MB),
        ("ndjson", "line-10mb-nul.ndjson"):
            ok + b"\n" + b"\x00" * (10 * MB) + b"\n" + ok + b"\n",
        ("catalog", "line-10mb-name.json"):
            b'{"channels": [{"id": "web", "name": "' + big + b'", "kind": "digital"}], '
            b'"touchpoints": [{"id": "t", "channel": "web"}]}',
        ("catalog", "line-10mb-garbage.json"):
            b'{"channels": [' + b"@" * (10 * MB) + b"]}",
        ("rules", "line-10mb-list.json"):
            b'{"name": "big", "lists": {"l": [' + b",".join([b'"v"'] * (2 * MB)) +
            b']}, "groups": [{"name": "g", "rules": [{"name": "r", '
            b'"when": {"field": "medium", "in": "l"}, "set": {"channel": "email"}}]}]}',
        ("refdb", "line-10mb-domains.json"):
            b'{"search": {"Big": {"domains": [' +
            b",".join(b'"d%d.example"' % i for i in range(700000)) + b"]}}}",
        ("pathtable", "line-10mb-path.csv"):
            b"path,conversions\n" + b" > ".join([b"t"] * (3 * MB)) + b",1\n",
        ("pathtable", "line-10mb-field.csv"):
            b"path,conversions\nA," + b"1" * (10 * MB) + b"\n",
    }
    out = []
    for (kind, name), data in sorted(cases.items()):
        path = os.path.join(tmp, kind + "-" + name)
        with open(path, "wb") as f:
            f.write(data)
        out.append((kind, name, path))
    return out


def read_expected(path):
    blocks, key = {}, None
    if not os.path.exists(path):
        return blocks
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("== "):
                key = line[3:]
                blocks[key] = []
            elif line.startswith("#") or key is None:
                continue
            elif line:
                blocks[key].append(line)
    return blocks


def write_expected(path, results):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# What each hostile input gives (tests/hostile/README.md).\n"
                "# Written by `run.py --update`; review every change.\n"
                "# Loader: ok | STATUS LINE:COL JSON-PATH (N faults).\n"
                "# NDJSON: LINE: ok | blank | STATUS LINE:COL.\n"
                "# Timestamp, referrer: LINE: STATUS VALUE.\n")
        for key in sorted(results):
            f.write(f"\n== {key}\n")
            for line in results[key]:
                f.write(line + "\n")


def count_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def classify_accounts(touchpoint, path, probe_lines, tmp):
    """Problems with `touchpoint classify` on path (empty list: none)."""
    rej = os.path.join(tmp, "rejects.ndjson")
    r = subprocess.run([touchpoint, "classify", "--rejects", rej, "-o", os.devnull,
                        path], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    err = r.stderr.decode("utf-8", "replace")
    m = re.search(r"read (\d+) lines: (\d+) classified, (\d+) rejected, (\d+) blank", err)
    if not m:
        return [f"no summary on stderr (exit {r.returncode}): {err[-500:]!r}"]
    read, classified, rejected, blank = map(int, m.groups())
    problems = []
    if read != classified + rejected + blank:
        problems.append(f"read {read} != {classified} + {rejected} + {blank}")
    lines = count_lines(path)
    if read != lines:
        problems.append(f"read {read} lines, the file has {lines}")
    want = {"ok": 0, "blank": 0, "rejected": 0}
    for line in probe_lines:
        word = line.split(" ")[1]
        want["ok" if word == "ok" else "blank" if word == "blank" else "rejected"] += 1
    got = {"ok": classified, "blank": blank, "rejected": rejected}
    if got != want:
        problems.append(f"classify counts {got}, the library's reader {want}")
    if r.returncode != (1 if rejected else 0):
        problems.append(f"exit status {r.returncode} with {rejected} rejected")
    with open(rej, "rb") as f:
        rejects = [json.loads(line) for line in f if line.strip()]
    if len(rejects) != rejected:
        problems.append(f"{len(rejects)} lines in --rejects for {rejected} rejected")
    # Each reject carries the location the library gave (the probe's).
    where = {}
    for line in probe_lines:
        m = re.match(r"(\d+): [A-Z0-9]+ (\d+):(\d+)$", line)
        if m:
            where[int(m.group(1))] = int(m.group(3))
    for j in rejects:
        line = j.get("line", 0)
        if line not in where or j.get("column") != where[line] or not j.get("reason"):
            problems.append(f"reject with another line or column than the "
                            f"library's: {str(j)[:200]}")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--touchpoint")
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    expected_path = os.path.join(a.dir, "EXPECTED")
    expected = read_expected(expected_path)
    results, n, failed = {}, 0, 0
    with tempfile.TemporaryDirectory(prefix="tp-hostile-") as tmp:
        inputs = []
        for kind in KINDS:
            d = os.path.join(a.dir, kind)
            for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                inputs.append((kind, name, os.path.join(d, name), f"{kind}/{name}"))
        for kind, name, path in generated(tmp):
            inputs.append((kind, name, path, f"generated/{kind}/{name}"))
        inputs = [i for i in inputs if a.only in i[3]]
        print(f"1..{len(inputs)}", flush=True)
        for kind, name, path, key in inputs:
            n += 1
            r = subprocess.run([a.probe, kind, path], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out = r.stdout.decode("utf-8", "replace").splitlines()
            results[key] = out
            problems = []
            if r.returncode != 0:
                problems.append(f"probe exit {r.returncode}: "
                                f"{r.stderr.decode('utf-8', 'replace')[-2000:]}")
            if not a.update and expected.get(key) != out:
                problems.append("output differs from EXPECTED:\n  want: " +
                                "\n        ".join(expected.get(key, ["(no entry)"])) +
                                "\n  got:  " + "\n        ".join(out))
            if kind == "ndjson" and a.touchpoint:
                problems += classify_accounts(a.touchpoint, path, out, tmp)
            if problems:
                failed += 1
                print(f"not ok {n} {key}")
                for p in problems:
                    print("# " + p.replace("\n", "\n# "))
            else:
                print(f"ok {n} {key}")
            sys.stdout.flush()
    if a.update:
        if a.only:
            old = read_expected(expected_path)
            old.update(results)
            results = old
        write_expected(expected_path, results)
        print(f"# wrote {expected_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
