#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The exported symbols of libtouchpoint agree everywhere.

Compares four lists and fails with a readable difference when they do not
agree exactly:

  1. the names in the version script (lib/libtouchpoint.sym), per node;
  2. the TP_EXPORT-tagged definitions in lib/**/*.c;
  3. the defined dynamic symbols of the built shared library (nm -D);
  4. the functions declared in the public headers.

It also checks that every exported name starts with tp_, that each symbol
carries the version of the node that lists it (readelf --dyn-syms:
name@@TP_1.0), that each node of the script is sorted and that the
TP_EXPORT convention is kept (TP_EXPORT and the return type on one line,
the function name at the start of the next). With --static it checks that
every global symbol of the static archive starts with tp_ or tpi_, so a
program that links it statically cannot clash with our internals.

Standard library only; needs binutils (nm, readelf).

Usage: test-symbols.py --sym FILE --srcdir LIBDIR --shared LIB
                       [--static ARCHIVE] HEADER...
"""

import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tp_cparse  # noqa: E402
from tp_cparse import strip_comments, strip_preprocessor  # noqa: E402

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NODE_NAME = re.compile(r"^TP_[0-9]+\.[0-9]+$")

problems = []


def problem(msg):
    problems.append(msg)


def parse_symfile(path):
    """Return [(node, [names]), ...] in file order."""
    text = strip_comments(open(path, encoding="utf-8").read())
    # '#' comments are allowed by ld in version scripts too.
    text = "\n".join(line.split("#", 1)[0] for line in text.split("\n"))
    nodes = []
    pos = 0
    node_re = re.compile(r"\s*([A-Za-z0-9_.]+)\s*\{(.*?)\}\s*([A-Za-z0-9_.]*)\s*;", re.S)
    while True:
        m = node_re.match(text, pos)
        if not m:
            if text[pos:].strip():
                problem(f"{path}: cannot parse the version script near: "
                        f"{text[pos:].strip()[:60]!r}")
            break
        pos = m.end()
        node, body, parent = m.group(1), m.group(2), m.group(3)
        names = []
        section = None
        for item in body.split(";"):
            item = item.strip()
            if not item:
                continue
            lm = re.match(r"^(global|local)\s*:\s*(.*)$", item, re.S)
            if lm:
                section = lm.group(1)
                item = lm.group(2).strip()
                if not item:
                    continue
            if section == "local":
                if item != "*":
                    problem(f"{path}: node {node}: unexpected local entry {item!r}")
                continue
            if section != "global":
                problem(f"{path}: node {node}: {item!r} is outside a global: section")
                continue
            if not IDENT.fullmatch(item):
                problem(f"{path}: node {node}: {item!r} is not a plain symbol name "
                        "(no wildcards in global:)")
                continue
            names.append(item)
        if not NODE_NAME.match(node):
            problem(f"{path}: node {node!r} is not named TP_MAJOR.MINOR")
        if nodes and parent != nodes[-1][0]:
            problem(f"{path}: node {node} must inherit the previous node "
                    f"{nodes[-1][0]} ('}} {nodes[-1][0]};'), found {parent or 'nothing'!r}")
        if names != sorted(names):
            for i, (a, b) in enumerate(zip(names, sorted(names))):
                if a != b:
                    problem(f"{path}: node {node} is not sorted (LC_ALL=C "
                            f"order): entry {i + 1} is {a}, expected {b}")
                    break
        nodes.append((node, names))
    if not nodes:
        problem(f"{path}: no version node found")
    return nodes


def parse_exports(libdir):
    """Return {name: 'file:line'} of the TP_EXPORT definitions under libdir."""
    found = {}
    for root, dirs, files in os.walk(libdir):
        dirs.sort()
        for fname in sorted(files):
            if not fname.endswith(".c"):
                continue
            path = os.path.join(root, fname)
            raw = open(path, encoding="utf-8").read()
            text = strip_preprocessor(strip_comments(raw))
            for m in re.finditer(r"\bTP_EXPORT\b", text):
                line = text.count("\n", 0, m.start()) + 1
                where = f"{os.path.relpath(path)}:{line}"
                rest = text[m.end():]
                stop = re.search(r"[(=;\[{]", rest)
                if not stop:
                    problem(f"{where}: TP_EXPORT without a declaration after it")
                    continue
                head = rest[:stop.start()]
                idents = IDENT.findall(head)
                if not idents:
                    problem(f"{where}: cannot find the name after TP_EXPORT")
                    continue
                name = idents[-1]
                # House convention: 'TP_EXPORT <type>' on one line, the
                # name at the start of the next line.
                first_line, _, after = head.partition("\n")
                if not first_line.strip():
                    problem(f"{where}: {name}: put the return type on the "
                            "TP_EXPORT line")
                elif not re.search(r"(^|\n)" + re.escape(name) + r"\s*$", head):
                    problem(f"{where}: {name}: the function name must start the "
                            "line after 'TP_EXPORT <type>'")
                if name in found:
                    problem(f"{where}: {name} is defined with TP_EXPORT twice "
                            f"(also {found[name]})")
                found[name] = where
    return found


def parse_header_functions(path):
    """Return {name: line} of the functions declared in a public header."""
    return {d["name"]: d["line"] for d in tp_cparse.declarations(path)}


def run(cmd):
    try:
        return subprocess.run(cmd, check=True, capture_output=True,
                              text=True).stdout
    except FileNotFoundError:
        print(f"SKIP: {cmd[0]} not found", file=sys.stderr)
        sys.exit(77)
    except subprocess.CalledProcessError as e:
        problem(f"{' '.join(cmd)} failed: {e.stderr.strip()}")
        return ""


def library_symbols(lib, node_names):
    """Return ({name: version}, [other names]) of the defined dynamic symbols."""
    names = set()
    for line in run(["nm", "-D", "--defined-only", lib]).splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        name = parts[2].split("@", 1)[0]
        if parts[1] == "A" and name in node_names:
            continue  # the version definitions themselves
        names.add(name)
    versions = {}
    for line in run(["readelf", "--dyn-syms", "-W", lib]).splitlines():
        parts = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(parts) < 8 or not parts[0].endswith(":") or parts[6] == "UND":
            continue
        full = parts[7]
        name, sep, ver = full.partition("@")
        ver = ver.lstrip("@")
        if name in names:
            versions[name] = (ver, "@@" in full)
    return names, versions


def static_symbols(archive):
    bad = set()
    for line in run(["nm", "-g", "--defined-only", archive]).splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        name = parts[2]
        if not (name.startswith("tp_") or name.startswith("tpi_")):
            bad.add(name)
    return bad


def show(title, names):
    if names:
        problem(title + ":\n" + "".join(f"    {n}\n" for n in sorted(names)).rstrip())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sym", required=True)
    ap.add_argument("--srcdir", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--static")
    ap.add_argument("headers", nargs="+")
    a = ap.parse_args()

    nodes = parse_symfile(a.sym)
    node_of = {}
    for node, names in nodes:
        for name in names:
            if name in node_of:
                problem(f"{a.sym}: {name} is listed in {node_of[name]} and again in {node}")
            node_of.setdefault(name, node)
    script = set(node_of)

    exports = parse_exports(a.srcdir)
    tagged = set(exports)

    built, versions = library_symbols(a.shared, {n for n, _ in nodes})

    declared = {}
    for h in a.headers:
        for name, line in parse_header_functions(h).items():
            declared.setdefault(name, f"{os.path.relpath(h)}:{line}")

    show(f"In {a.sym} but not defined with TP_EXPORT in lib/",
         script - tagged)
    show(f"Defined with TP_EXPORT in lib/ but missing from {a.sym}",
         {f"{n}  ({exports[n]})" for n in tagged - script})
    show(f"Exported by {os.path.basename(a.shared)} (nm -D) but not in {a.sym} "
         "(a leak: missing hidden visibility or a wildcard)", built - script)
    show(f"In {a.sym} but not exported by {os.path.basename(a.shared)} (nm -D)",
         script - built)
    show("Exported names without the tp_ prefix",
         {n for n in built | script | tagged if not n.startswith("tp_")})
    show("Exported but declared in no public header",
         (script | tagged | built) - set(declared))
    show("Declared in a public header but not exported (callers would get "
         "undefined references)",
         {f"{n}  ({declared[n]})" for n in set(declared) - (script | tagged | built)
          if n.startswith("tp_")})

    wrong = []
    for name in sorted(built & script):
        ver, default = versions.get(name, ("", False))
        if ver != node_of[name] or not default:
            wrong.append(f"{name}: found {name}@{'@' if default else ''}{ver or '(none)'}"
                         f", expected {name}@@{node_of[name]}")
    show("Symbols with the wrong version", wrong)

    if a.static:
        show(f"Global symbols of {os.path.basename(a.static)} without the tp_ or "
             "tpi_ prefix (they could clash in a static link)",
             static_symbols(a.static))

    total = len(script)
    print(f"{a.sym}: {total} symbols in {len(nodes)} node(s) "
          f"({', '.join(n for n, _ in nodes)}); {len(tagged)} TP_EXPORT definitions; "
          f"{len(built)} exported by {os.path.basename(a.shared)}; "
          f"{len(declared)} functions in {len(a.headers)} public headers")
    if problems:
        for p in problems:
            print("FAIL: " + p, file=sys.stderr)
        return 1
    print("OK: the version script, the TP_EXPORT definitions, nm -D and the "
          "public headers agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
