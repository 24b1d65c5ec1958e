#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every public function is documented the house way.

For each function declared in the public headers given on the command
line, the Doxygen comment right before the declaration must have:

  - @param (or @param[in], @param[out], @param[in,out]) for every named
    parameter, and no @param for a name the function does not have;
  - @return (or @returns) unless the function returns void;
  - a "Thread-safety" line;
  - "@since".

Each header must also start with a file comment (@file) that explains its
concept. Prints every gap as FILE:LINE: function: what is missing.
Standard library only.

Usage: test-doc-coverage.py HEADER...
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tp_cparse  # noqa: E402

PARAM = re.compile(r"[@\\]param(?:\s*\[[a-z, ]+\])?\s+([A-Za-z_][A-Za-z0-9_]*)")
RETURN = re.compile(r"[@\\]returns?\b")
SINCE = re.compile(r"[@\\]since\b")
THREADS = re.compile(r"Thread-safety\b")


def check_header(path):
    gaps = []
    rel = os.path.relpath(path)
    decls = tp_cparse.declarations(path)
    text = open(path, encoding="utf-8").read()
    if not re.search(r"/\*\*.*?[@\\]file\b.*?\*/", text, re.S):
        gaps.append(f"{rel}:1: no file comment (/** @file ... */) explaining "
                    "the header's concept")
    for d in decls:
        where = f"{rel}:{d['line']}: {d['name']}()"
        doc = d["doc"]
        if doc is None:
            gaps.append(f"{where}: no Doxygen comment (/** ... */) right before "
                        "the declaration")
            continue
        documented = PARAM.findall(doc)
        names = [p for p in d["params"] if p]
        for p in names:
            if p not in documented:
                gaps.append(f"{where}: no @param for '{p}'")
        for p in documented:
            if p not in names:
                gaps.append(f"{where}: @param '{p}' names no parameter")
        if d["void"]:
            if RETURN.search(doc):
                gaps.append(f"{where}: @return on a void function")
        elif not RETURN.search(doc):
            gaps.append(f"{where}: no @return (returns {d['ret']})")
        if not THREADS.search(doc):
            gaps.append(f"{where}: no 'Thread-safety:' line")
        if not SINCE.search(doc):
            gaps.append(f"{where}: no @since")
    return len(decls), gaps


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    total = 0
    gaps = []
    for h in argv[1:]:
        n, g = check_header(h)
        total += n
        gaps += g
    for g in gaps:
        print("FAIL: " + g, file=sys.stderr)
    print(f"{total} functions in {len(argv) - 1} public headers; "
          f"{len(gaps)} documentation gap(s)")
    if total == 0:
        print("FAIL: no function declaration found: the reader is broken",
              file=sys.stderr)
        return 1
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
