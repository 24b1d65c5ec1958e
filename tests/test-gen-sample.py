#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""touchpoint-gen, the sample-data generator (TAP, one test point per check).

- `touchpoint-gen --events 20000 --seed 42` regenerates the committed
  examples/data/sample.ndjson byte for byte (written to the build dir),
  and the committed file matches its committed SHA-256;
- the same seed and options give the same bytes, another seed others;
- --events N writes exactly N lines, even with few --customers;
- every line is a JSON object with an RFC 3339 UTC timestamp, a customer
  and an event; the output is sorted by time and customers interleave;
- --customers N simulates N customers; --b2b-share 0 and 1; --start and
  --days place the arrivals;
- bad options exit with status 2, --help with 0.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=""):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}")
        else:
            self.failed += 1
            print(f"not ok {self.n} - {name}")
            for line in str(detail).splitlines():
                print(f"# {line}")


def run(gen, *args):
    return subprocess.run([gen, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)


def unit_of(customer_id):
    # cus-000123 (a household) or cus-000123-2 (person 2 of account 123)
    return customer_id.split("-")[1]


def check_lines(data):
    """Problems with the generated lines, or an empty list."""
    problems = []
    prev = ""
    last = {}
    for i, line in enumerate(data.decode("utf-8").splitlines(), 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            problems.append(f"line {i}: not JSON: {e}")
            continue
        if not isinstance(obj, dict):
            problems.append(f"line {i}: not an object")
            continue
        for key in ("timestamp", "customer_id", "event"):
            if not isinstance(obj.get(key), str) or not obj[key]:
                problems.append(f"line {i}: no {key}")
        ts = obj.get("timestamp", "")
        if not TS.match(ts):
            problems.append(f"line {i}: timestamp {ts!r} is not RFC 3339 UTC")
        if ts < prev:
            problems.append(f"line {i}: {ts} before {prev}")
        prev = ts
        cid = obj.get("customer_id")
        if cid in last and ts < last[cid]:
            problems.append(f"line {i}: {cid} goes back in time")
        last[cid] = ts
        if len(problems) > 10:
            break
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", required=True)
    ap.add_argument("--sample", required=True)
    ap.add_argument("--checksum", required=True)
    ap.add_argument("--outdir", required=True)
    a = ap.parse_args()
    tap = Tap()
    print("1..22")

    # The committed sample.
    r = run(a.gen, "--events", "20000", "--seed", "42")
    os.makedirs(a.outdir, exist_ok=True)
    regenerated = os.path.join(a.outdir, "sample.ndjson")
    with open(regenerated, "wb") as f:
        f.write(r.stdout)
    with open(a.sample, "rb") as f:
        committed = f.read()
    tap.ok(r.returncode == 0, "--events 20000 --seed 42 runs", r.stderr)
    tap.ok(r.stdout == committed,
           "it regenerates examples/data/sample.ndjson byte for byte",
           f"{regenerated} differs from {a.sample}")
    with open(a.checksum, encoding="ascii") as f:
        want = f.read().split()[0]
    tap.ok(hashlib.sha256(committed).hexdigest() == want,
           "the committed sample matches its committed SHA-256",
           f"sha256 {hashlib.sha256(committed).hexdigest()}, expected {want}")
    tap.ok(committed.count(b"\n") == 20000 and committed.endswith(b"\n"),
           "the sample has 20000 lines")
    problems = check_lines(committed)
    tap.ok(not problems, "the sample's lines are sorted JSON events",
           "\n".join(problems))
    customers = set()
    prev_unit, switches = None, 0
    for line in committed.decode().splitlines():
        u = unit_of(json.loads(line)["customer_id"])
        customers.add(u)
        if prev_unit is not None and u != prev_unit:
            switches += 1
        prev_unit = u
    tap.ok(len(customers) > 1000 and switches > 5000,
           "customers interleave in the sample",
           f"{len(customers)} customers, {switches} switches")

    # Determinism with other options.
    opts = ["--customers", "300", "--seed", "7", "--b2b-share", "0.4",
            "--start", "2024-12-30", "--days", "20"]
    r1, r2 = run(a.gen, *opts), run(a.gen, *opts)
    tap.ok(r1.returncode == 0 and r1.stdout and r1.stdout == r2.stdout,
           "the same seed and options give the same bytes")
    r3 = run(a.gen, *opts[:2], "--seed", "8", *opts[4:])
    tap.ok(r3.returncode == 0 and r3.stdout != r1.stdout,
           "another seed gives other bytes")
    problems = check_lines(r1.stdout)
    tap.ok(not problems, "lines are sorted JSON events", "\n".join(problems))
    units = {unit_of(json.loads(line)["customer_id"])
             for line in r1.stdout.decode().splitlines()}
    tap.ok(len(units) == 300, "--customers 300 simulates 300 customers",
           f"{len(units)} customers")
    first = json.loads(r1.stdout.decode().splitlines()[0])["timestamp"]
    tap.ok(first.startswith("2024-12-30"), "--start sets the first day", first)
    accounts = sum(1 for line in r1.stdout.decode().splitlines()
                   if '"account_id"' in line)
    tap.ok(accounts > 0, "--b2b-share 0.4 gives B2B accounts")

    # --events N: exactly N lines, customers added as needed.
    r = run(a.gen, "--events", "1234", "--customers", "3", "--seed", "3")
    n = r.stdout.count(b"\n")
    tap.ok(r.returncode == 0 and n == 1234,
           "--events 1234 writes exactly 1234 lines", f"{n} lines")
    r = run(a.gen, "--events", "0")
    tap.ok(r.returncode == 0 and r.stdout == b"", "--events 0 writes nothing")

    # B2B share extremes.
    r = run(a.gen, "--customers", "50", "--b2b-share", "0")
    tap.ok(r.returncode == 0 and b'"account_id"' not in r.stdout,
           "--b2b-share 0: no B2B account")
    r = run(a.gen, "--customers", "20", "--b2b-share", "1")
    lines = r.stdout.decode().splitlines()
    tap.ok(r.returncode == 0 and lines and
           all('"segment":"b2b"' in line for line in lines),
           "--b2b-share 1: only B2B accounts")

    # Usage.
    r = run(a.gen, "--help")
    tap.ok(r.returncode == 0 and b"--events" in r.stdout and b"--seed" in r.stdout,
           "--help prints the options")
    for bad in (["--events", "-1"], ["--b2b-share", "1.5"],
                ["--start", "2025-13-01"], ["--days", "0"], ["--bogus"]):
        r = run(a.gen, *bad)
        tap.ok(r.returncode == 2 and r.stdout == b"" and r.stderr,
               f"{' '.join(bad)} is a usage error (status 2)",
               f"status {r.returncode}, stderr {r.stderr!r}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
