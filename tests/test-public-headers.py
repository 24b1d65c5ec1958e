#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The list of public headers is complete and each header is well formed.

  - every include/touchpoint/*.h (and version.h from version.h.in) is in
    `public_headers` (include/touchpoint/meson.build), so it is installed
    and compiled alone by the header tests;
  - touchpoint.h includes every other public header;
  - each header has an include guard, wraps its declarations in
    extern "C" for C++, and includes only <touchpoint/...> and standard
    headers (never lib/ internals).

Usage: test-public-headers.py SOURCE_HEADER_DIR LISTED_HEADER...
Standard library only.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tp_cparse  # noqa: E402

STD_HEADERS = {
    "stddef.h", "stdint.h", "stdbool.h", "stdarg.h", "stdio.h", "limits.h",
    "inttypes.h", "time.h", "sys/types.h",
}


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    srcdir, listed = argv[1], argv[2:]
    problems = []
    names = {os.path.basename(h) for h in listed}
    on_disk = set()
    for f in os.listdir(srcdir):
        if f.endswith(".h"):
            on_disk.add(f)
        elif f.endswith(".h.in"):
            on_disk.add(f[:-3])
    for f in sorted(on_disk - names):
        problems.append(f"{srcdir}/{f} is not listed in public_headers "
                        "(include/touchpoint/meson.build): it would be neither "
                        "installed nor tested")

    umbrella = [h for h in listed if os.path.basename(h) == "touchpoint.h"]
    if not umbrella:
        problems.append("touchpoint.h is not among the listed headers")
    else:
        text = open(umbrella[0], encoding="utf-8").read()
        included = set(re.findall(r"#\s*include\s*<touchpoint/([^>]+)>", text))
        for n in sorted(names - included - {"touchpoint.h"}):
            problems.append(f"touchpoint.h does not include <touchpoint/{n}>")

    for h in listed:
        rel = os.path.relpath(h)
        raw = open(h, encoding="utf-8").read()
        text = tp_cparse.strip_comments(raw, keep_strings=True)
        guard = re.search(r"#\s*ifndef\s+(\w+)\s*\n\s*#\s*define\s+(\w+)", text)
        if not guard or guard.group(1) != guard.group(2):
            problems.append(f"{rel}: no include guard (#ifndef X / #define X)")
        for inc in re.findall(r'#\s*include\s*([<"][^>"]+[>"])', text):
            if inc.startswith('"'):
                problems.append(f"{rel}: #include {inc}: public headers use "
                                "<touchpoint/...> or standard headers only")
            elif not (inc[1:-1].startswith("touchpoint/") or inc[1:-1] in STD_HEADERS):
                problems.append(f"{rel}: #include {inc} is neither a public "
                                "nor a standard C header")
        if tp_cparse.declarations(h):
            if not re.search(r'#\s*ifdef\s+__cplusplus\s*\n\s*extern\s+"C"\s*\{', text):
                problems.append(f'{rel}: declares functions without an '
                                '#ifdef __cplusplus extern "C" { guard')

    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    print(f"{len(listed)} public headers listed, {len(on_disk)} in {srcdir}; "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
