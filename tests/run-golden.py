#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Golden-file tests of the touchpoint command.

Each case is a file CASE.cmd in the golden directory (tests/golden/):

    # what the case shows (comment lines start with '#')
    args: catalog --catalog inputs/bad.json --format text
    stdin: inputs/events.ndjson      (optional: file fed to standard input)
    env: NAME=VALUE                  (optional, repeatable)

`args` is split like a POSIX shell would (shlex), without any expansion.
The expectations sit beside it:

    CASE.stdout   expected standard output (absent: empty)
    CASE.stderr   expected standard error (absent: empty)
    CASE.status   expected exit status (absent: 0)

The command runs with the golden directory as its working directory, so
file arguments are relative paths and no output depends on where the
build directory is; LC_ALL=C and TZ=UTC fix the locale and the time zone.
Any remaining occurrence of the golden directory's or the executable's
absolute path in the output is replaced by @GOLDEN_DIR@ / @BUILD_DIR@.

Usage:
    run-golden.py --touchpoint PATH/TO/touchpoint --dir tests/golden [CASE...]

Without CASE names every *.cmd file runs. Output is TAP (one test point
per case, a unified diff under a failing one), which `meson test`
understands. With TP_GOLDEN_UPDATE=1 in the environment, the runner
rewrites the expectation files from the actual results instead of
comparing (removing .stderr/.status files that would say "empty"/"0");
review the change with `git diff tests/golden` before committing:

    TP_GOLDEN_UPDATE=1 meson test -C BUILD golden

Only the Python standard library is used.
"""

import argparse
import difflib
import os
import shlex
import subprocess
import sys


class CaseError(Exception):
    pass


def read_case(path):
    spec = {"args": None, "stdin": None, "env": {}}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if not sep:
                raise CaseError("%s:%d: expected 'key: value'" % (path, n))
            if key == "args":
                spec["args"] = shlex.split(value)
            elif key == "stdin":
                spec["stdin"] = value
            elif key == "env":
                name, eq, val = value.partition("=")
                if not eq:
                    raise CaseError("%s:%d: env needs NAME=VALUE" % (path, n))
                spec["env"][name.strip()] = val
            else:
                raise CaseError("%s:%d: unknown key '%s'" % (path, n, key))
    if spec["args"] is None:
        raise CaseError("%s: no 'args:' line" % path)
    return spec


def read_text(path, default):
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return default


def write_or_remove(path, text, empty):
    if text == empty:
        if os.path.exists(path):
            os.remove(path)
        return
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def run_case(exe, golden_dir, spec):
    env = dict(os.environ)
    env.update({"LC_ALL": "C", "LANG": "C", "TZ": "UTC"})
    env.update(spec["env"])
    stdin = subprocess.DEVNULL
    if spec["stdin"]:
        stdin = open(os.path.join(golden_dir, spec["stdin"]), "rb")
    try:
        p = subprocess.run([exe] + spec["args"], cwd=golden_dir, env=env,
                           stdin=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=300)
    finally:
        if stdin is not subprocess.DEVNULL:
            stdin.close()

    def clean(b):
        s = b.decode("utf-8", errors="backslashreplace")
        s = s.replace(os.path.abspath(golden_dir), "@GOLDEN_DIR@")
        s = s.replace(os.path.dirname(os.path.abspath(exe)), "@BUILD_DIR@")
        return s

    return clean(p.stdout), clean(p.stderr), "%d\n" % p.returncode


def diff(name, expected, actual):
    return "".join(difflib.unified_diff(
        expected.splitlines(True), actual.splitlines(True),
        "expected/" + name, "actual/" + name))


def main(argv):
    ap = argparse.ArgumentParser(description="golden-file tests of touchpoint")
    ap.add_argument("--touchpoint", required=True, help="the command to run")
    ap.add_argument("--dir", required=True, help="the golden directory")
    ap.add_argument("cases", nargs="*", help="case names (default: all)")
    opts = ap.parse_args(argv[1:])
    golden_dir = os.path.abspath(opts.dir)
    exe = os.path.abspath(opts.touchpoint)
    update = os.environ.get("TP_GOLDEN_UPDATE", "") not in ("", "0")

    names = opts.cases or sorted(f[:-4] for f in os.listdir(golden_dir)
                                 if f.endswith(".cmd"))
    print("1..%d" % len(names))
    failed = 0
    for i, name in enumerate(names, 1):
        base = os.path.join(golden_dir, name)
        try:
            spec = read_case(base + ".cmd")
            out, err, status = run_case(exe, golden_dir, spec)
        except (CaseError, OSError, subprocess.SubprocessError) as e:
            print("not ok %d - %s" % (i, name))
            print("# %s" % e)
            failed += 1
            continue
        if update:
            write_or_remove(base + ".stdout", out, "")
            write_or_remove(base + ".stderr", err, "")
            write_or_remove(base + ".status", status, "0\n")
            print("ok %d - %s # updated" % (i, name))
            continue
        problems = []
        for suffix, actual, empty in ((".status", status, "0\n"),
                                      (".stdout", out, ""),
                                      (".stderr", err, "")):
            expected = read_text(base + suffix, empty)
            if expected != actual:
                problems.append(diff(name + suffix, expected, actual))
        if problems:
            failed += 1
            print("not ok %d - %s" % (i, name))
            print("# $ touchpoint %s" % " ".join(shlex.quote(a) for a in spec["args"]))
            for p in problems:
                for line in p.splitlines():
                    print("# " + line)
            print("# (TP_GOLDEN_UPDATE=1 rewrites the expectations)")
        else:
            print("ok %d - %s" % (i, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
