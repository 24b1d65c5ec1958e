#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run the libFuzzer targets of a -Dfuzzing=true build (fuzz/README.md).

    fuzz/fuzz.py --build BUILD [--time SECONDS] [TARGET...]
        Fuzz each target in turn (all by default) for SECONDS (default:
        $FUZZ_TIME or 30), one process and one worker each. The working
        corpus of a target is BUILD/fuzz-corpus/TARGET and grows from run to
        run; its seeds (fuzz/seeds/TARGET, the fixtures and data files listed
        in SEEDS below) are gathered into BUILD/fuzz-seeds/TARGET. Prints one
        line of figures per target (executions, executions per second, corpus
        files and bytes, coverage) and writes them to
        BUILD/fuzz-results/TARGET.json. A finding is saved as
        BUILD/fuzz-artifacts/TARGET-crash-*; the exit status is then 1.

    fuzz/fuzz.py --build BUILD --replay TARGET
        Run TARGET once on each seed, each committed reproducer
        (fuzz/crashes/TARGET/) and each hostile input for its reader
        (tests/hostile/...), without mutation: the meson test
        fuzz-replay-TARGET.

    fuzz/fuzz.py --build BUILD --replay-known-bugs TARGET
        Run TARGET strictly on the reproducers of reported, unfixed bugs
        (fuzz/crashes/TARGET/known-bugs/): the meson test
        fuzz-known-bugs-TARGET, expected to fail until they are fixed.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

# Seed files of each target, as globs relative to the source root ("@/" is
# the build root), beside the hand-written seeds in fuzz/seeds/TARGET.
SEEDS = {
    "catalog": ["data/catalog/*.json", "tests/golden/inputs/*catalog*.json",
                "tests/golden/inputs/bad-*.json"],
    "rules": ["data/rules/touchpoints.json", "@/data/ga4.json",
              "tests/data/rules/*.json"],
    "refdb": ["@/data/referrers.json"],
    "reader": ["examples/data/*.ndjson", "tests/golden/inputs/*.ndjson"],
    "url": [],
    "timestamp": [],
    "pathtable": ["tests/golden/inputs/*.csv", "examples/data/*.csv"],
    "state": ["tests/golden/inputs/*.state*", "tests/golden/inputs/*.tpst"],
}

# The hostile corpus (tests/hostile/READER/) each target replays.
HOSTILE = {
    "catalog": ["catalog"],
    "rules": ["rules"],
    "refdb": ["refdb"],
    "reader": ["ndjson"],
    "url": ["referrer"],
    "timestamp": ["timestamp"],
    "pathtable": ["pathtable"],
    "state": ["state"],
}

# Longest input of each target: long enough for its real files, short
# enough to keep executions fast.
MAX_LEN = {
    "catalog": 65536, "rules": 65536, "refdb": 65536, "reader": 16384,
    "url": 4096, "timestamp": 256, "pathtable": 16384, "state": 65536,
}


def exe_of(build, target):
    path = os.path.join(build, "fuzz", "fuzz-" + target)
    if not os.access(path, os.X_OK):
        sys.exit(f"fuzz.py: {path} is missing: build with "
                 "CC=clang meson setup BUILD -Dfuzzing=true && ninja -C BUILD")
    return path


def targets_of(build):
    names = []
    for path in sorted(glob.glob(os.path.join(build, "fuzz", "fuzz-*"))):
        name = os.path.basename(path)[len("fuzz-"):]
        if os.access(path, os.X_OK) and "." not in name:
            names.append(name)
    return names


def seed_files(source, build, target):
    files = []
    for pattern in SEEDS.get(target, []):
        root = build if pattern.startswith("@/") else source
        pattern = pattern[2:] if pattern.startswith("@/") else pattern
        files += sorted(glob.glob(os.path.join(root, pattern)))
    files += sorted(glob.glob(os.path.join(source, "fuzz", "seeds", target, "*")))
    return [f for f in files if os.path.isfile(f)]


def replay_files(source, build, target):
    files = seed_files(source, build, target)
    files += sorted(glob.glob(os.path.join(source, "fuzz", "crashes", target, "*")))
    for sub in HOSTILE.get(target, []):
        files += sorted(glob.glob(os.path.join(source, "tests", "hostile", sub, "*")))
    return [f for f in files if os.path.isfile(f) and not f.endswith(".md")]


def make_generated_seeds(build, target, out):
    """Seeds written by a program of the build (the states of fuzz-state)."""
    if target != "state":
        return
    os.makedirs(out, exist_ok=True)
    subprocess.check_call([os.path.join(build, "fuzz", "make-state-seeds"), out],
                          stdin=subprocess.DEVNULL)


def gather_seeds(source, build, target):
    out = os.path.join(build, "fuzz-seeds", target)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for i, f in enumerate(seed_files(source, build, target)):
        shutil.copyfile(f, os.path.join(out, f"{i:03d}-{os.path.basename(f)}"))
    make_generated_seeds(build, target, os.path.join(out, "generated"))
    for f in os.listdir(os.path.join(out, "generated")) if target == "state" else []:
        os.rename(os.path.join(out, "generated", f), os.path.join(out, "gen-" + f))
    if target == "state":
        os.rmdir(os.path.join(out, "generated"))
    return out


def corpus_size(path):
    n = size = 0
    for entry in os.scandir(path):
        if entry.is_file():
            n += 1
            size += entry.stat().st_size
    return n, size


def fuzz(source, build, target, seconds, extra):
    exe = exe_of(build, target)
    corpus = os.path.join(build, "fuzz-corpus", target)
    artifacts = os.path.join(build, "fuzz-artifacts")
    results = os.path.join(build, "fuzz-results")
    for d in (corpus, artifacts, results):
        os.makedirs(d, exist_ok=True)
    seeds = gather_seeds(source, build, target)
    cmd = [exe, f"-max_total_time={seconds}", "-timeout=10",
           "-rss_limit_mb=2048", f"-max_len={MAX_LEN.get(target, 65536)}",
           "-print_final_stats=1", "-reload=0",
           f"-artifact_prefix={artifacts}/{target}-"]
    dict_path = os.path.join(source, "fuzz", "dicts", target + ".dict")
    if os.path.exists(dict_path):
        cmd.append(f"-dict={dict_path}")
    cmd += extra + [corpus, seeds]
    log_path = os.path.join(results, target + ".log")
    start = time.time()
    with open(log_path, "w") as log:
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
    elapsed = time.time() - start
    text = open(log_path, errors="replace").read()
    stats = dict(re.findall(r"^stat::(\w+):\s*(\d+)", text, re.M))
    cov = re.findall(r"cov: (\d+) ft: (\d+)", text)
    found = re.findall(r"Test unit written to (\S+)", text)
    files, size = corpus_size(corpus)
    result = {
        "target": target, "seconds": round(elapsed),
        "execs": int(stats.get("number_of_executed_units", 0)),
        "execs_per_sec": int(stats.get("average_exec_per_sec", 0)),
        "new_units": int(stats.get("new_units_added", 0)),
        "peak_rss_mb": int(stats.get("peak_rss_mb", 0)),
        "corpus_files": files, "corpus_bytes": size,
        "cov": int(cov[-1][0]) if cov else 0,
        "ft": int(cov[-1][1]) if cov else 0,
        "exit": rc, "findings": found,
    }
    with open(os.path.join(results, target + ".json"), "w") as f:
        json.dump(result, f, indent=1)
    ok = rc == 0 and not found
    print(f"{target:10} {'ok' if ok else 'FINDING':8} {result['seconds']:6d}s "
          f"{result['execs']:12d} execs {result['execs_per_sec']:7d}/s "
          f"corpus {files:6d} files {size:9d} B  cov {result['cov']:5d} "
          f"ft {result['ft']:6d}", flush=True)
    if not ok:
        print(f"  exit status {rc}; log: {log_path}")
        for a in found:
            print(f"  reproducer: {a}\n  rerun: {exe} {a}")
        tail = text.splitlines()[-60:]
        print("\n".join("  | " + line for line in tail))
    return ok


def replay_known_bugs(source, build, target):
    """Replay fuzz/crashes/TARGET/known-bugs/ strictly (FUZZ_STRICT=1).

    Exit 1 while every reproducer still fails (the meson test
    fuzz-known-bugs-TARGET is expected to fail), 0 as soon as one passes:
    the bug is fixed, so move its file up to fuzz/crashes/TARGET/.
    """
    exe = exe_of(build, target)
    files = sorted(glob.glob(os.path.join(source, "fuzz", "crashes", target,
                                          "known-bugs", "*")))
    files = [f for f in files if os.path.isfile(f)]
    if not files:
        print(f"{target}: no known bugs")
        return 77
    env = dict(os.environ, FUZZ_STRICT="1")
    fixed = []
    for f in files:
        r = subprocess.run([exe, "-runs=1", f], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           errors="replace", env=env)
        state = "still fails" if r.returncode != 0 else "FIXED"
        print(f"{target}: {os.path.relpath(f, source)}: {state}")
        if r.returncode == 0:
            fixed.append(f)
    if fixed:
        print("move the fixed reproducers to fuzz/crashes/" + target +
              "/ and update docs/reliability.md")
        return 0
    return 1


def replay(source, build, target):
    exe = exe_of(build, target)
    files = replay_files(source, build, target)
    gen = os.path.join(build, "fuzz-replay-seeds", target)
    shutil.rmtree(gen, ignore_errors=True)
    make_generated_seeds(build, target, gen)
    if os.path.isdir(gen):
        files += sorted(os.path.join(gen, f) for f in os.listdir(gen))
    if not files:
        print(f"{target}: nothing to replay")
        return 77
    failed = 0
    # Batches keep the command line short; each file is run whole.
    for i in range(0, len(files), 200):
        batch = files[i:i + 200]
        r = subprocess.run([exe, "-runs=1"] + batch, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           errors="replace")
        if r.returncode != 0:
            failed = 1
            print(r.stdout[-8000:])
    print(f"{target}: replayed {len(files)} inputs: "
          f"{'a finding' if failed else 'no finding'}")
    return failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", "-C", required=True)
    ap.add_argument("--source", default=os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--time", type=int,
                    default=int(os.environ.get("FUZZ_TIME", "30")))
    ap.add_argument("--replay", metavar="TARGET")
    ap.add_argument("--replay-known-bugs", metavar="TARGET")
    ap.add_argument("targets", nargs="*")
    ap.add_argument("--libfuzzer-arg", action="append", default=[],
                    help="passed on to libFuzzer (repeatable)")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    if a.replay:
        return replay(a.source, build, a.replay)
    if a.replay_known_bugs:
        return replay_known_bugs(a.source, build, a.replay_known_bugs)
    names = a.targets or targets_of(build)
    if not names:
        sys.exit("fuzz.py: no fuzz targets in " + build)
    bad = [t for t in names if not fuzz(a.source, build, t, a.time,
                                        a.libfuzzer_arg)]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
