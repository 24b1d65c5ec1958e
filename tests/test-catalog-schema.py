#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The catalog format's JSON Schema agrees with the data and the library.

Usage: test-catalog-schema.py --schema docs/catalog.schema.json
           --catalog data/catalog/default.json --list docs/catalog.md
           --touchpoint BUILD/tools/touchpoint

1. The schema is a valid draft 2020-12 schema.
2. data/catalog/default.json and catalogs saved by the library
   (`touchpoint catalog --format json`, built-in and from a file) are
   valid against it.
3. Broken catalogs are rejected by the schema AND by the library (exit
   status 2 with FILE:LINE:COL), so the two stay equally strict.
4. The tables of docs/catalog.md list exactly the default catalog's
   funnels, stages, channels and touchpoints.

Needs python3-jsonschema; exits 77 (meson's "skipped") without it.
"""
import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed: skipped")
    sys.exit(77)

failures = []


def check(cond, what):
    print("%s: %s" % ("ok" if cond else "FAIL", what))
    if not cond:
        failures.append(what)


def errors_of(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.path))


def touchpoint_json(exe, *args):
    p = subprocess.run([exe, "catalog", "--format", "json"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


SMALL = {
    "channels": [{"id": "web", "kind": "digital"}, {"id": "shop"}],
    "touchpoints": [
        {"id": "visit", "channel": "web", "stage": "look"},
        {"id": "chat", "name": "Chat", "channel": "shop", "stage": None,
         "agent": "human"},
    ],
    "stages": [{"id": "look", "phase": "pre_purchase"}],
    "funnels": [{"id": "f", "stages": ["look"]}],
}


def mutations():
    """(description, document) pairs that are not valid catalogs."""
    def m(desc, fn):
        doc = copy.deepcopy(SMALL)
        fn(doc)
        return desc, doc
    yield m("unknown top-level member", lambda d: d.update(extra=[]))
    yield m("section not an array", lambda d: d.update(funnels={}))
    yield m("unknown member in a channel",
            lambda d: d["channels"][0].update(colour="red"))
    yield m("enum name in the wrong case",
            lambda d: d["channels"][0].update(kind="Digital"))
    yield m("unknown phase", lambda d: d["stages"][0].update(phase="during"))
    yield m("enum as a number", lambda d: d["touchpoints"][0].update(agent=1))
    yield m("touchpoint without id", lambda d: d["touchpoints"][0].pop("id"))
    yield m("touchpoint without channel",
            lambda d: d["touchpoints"][0].pop("channel"))
    yield m("id that is not a slug",
            lambda d: d["touchpoints"][0].update(id="Visit-Page"))
    yield m("id longer than 64 bytes",
            lambda d: d["channels"][1].update(id="s" * 65))
    yield m("empty name", lambda d: d["channels"][1].update(name=""))
    yield m("stage as a number", lambda d: d["touchpoints"][0].update(stage=3))
    yield m("funnel without stages", lambda d: d["funnels"][0].pop("stages"))
    yield m("empty funnel", lambda d: d["funnels"][0].update(stages=[]))
    yield m("stage twice in a funnel",
            lambda d: d["funnels"][0].update(stages=["look", "look"]))
    yield "catalog not an object", [copy.deepcopy(SMALL)]


def md_rows(text, header):
    """Rows (lists of cells, backquotes removed) of the table whose header
    line starts with `header`."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(header):
            rows = []
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                cells = [c.strip().replace("`", "") for c in row.strip("|").split("|")]
                rows.append(cells)
            return rows
    return None


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--catalog", required=True)
    ap.add_argument("--list", required=True)
    ap.add_argument("--touchpoint", required=True)
    opts = ap.parse_args(argv[1:])

    with open(opts.schema, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.Draft202012Validator
    try:
        cls.check_schema(schema)
        check(True, "the schema is a valid draft 2020-12 schema")
    except jsonschema.exceptions.SchemaError as e:
        check(False, "the schema is a valid draft 2020-12 schema: %s" % e.message)
        return 1
    v = cls(schema)

    with open(opts.catalog, encoding="utf-8") as f:
        default = json.load(f)
    errs = errors_of(v, default)
    for e in errs[:10]:
        print("  %s: %s" % (list(e.path), e.message))
    check(not errs, "data/catalog/default.json is valid")

    rc, out, err = touchpoint_json(opts.touchpoint)
    check(rc == 0 and not errors_of(v, json.loads(out)),
          "the saved built-in catalog is valid")

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "small.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(SMALL, f)
        check(not errors_of(v, SMALL), "a catalog with absent members is valid")
        rc, out, err = touchpoint_json(opts.touchpoint, "--catalog", path)
        saved = json.loads(out) if rc == 0 else None
        check(rc == 0 and not errors_of(v, saved),
              "a saved catalog loaded from a file is valid")
        check(saved is not None and
              all(len(t) == 11 for t in saved["touchpoints"]) and
              saved["touchpoints"][1]["stage"] is None and
              saved["touchpoints"][0]["phase"] == "pre_purchase",
              "save writes every member (null stage, phase from the stage)")

        for desc, doc in mutations():
            with open(path, "w", encoding="utf-8") as f:
                json.dump(doc, f, indent=1)
            schema_rejects = bool(errors_of(v, doc))
            rc, out, err = touchpoint_json(opts.touchpoint, "--catalog", path)
            located = re.match(re.escape(path) + r":\d+:\d+: ", err) is not None
            check(schema_rejects and rc == 2 and located,
                  "rejected by schema and library: %s%s" % (
                      desc, "" if rc == 2 else " (library exit %d)" % rc))

    with open(opts.list, encoding="utf-8") as f:
        md = f.read()
    tables = {
        "funnels": (md_rows(md, "| id | name | stages"),
                    lambda x: [x["id"], x["name"], " → ".join(x["stages"])]),
        "stages": (md_rows(md, "| id | name | phase"),
                   lambda x: [x["id"], x["name"], x["phase"]]),
        "channels": (md_rows(md, "| id | name | kind"),
                     lambda x: [x["id"], x["name"], x["kind"]]),
        "touchpoints": (md_rows(md, "| id | name | channel | stage"),
                        lambda x: [x["id"], x["name"], x["channel"],
                                   x["stage"] or "-"]),
    }
    for section, (rows, cells) in tables.items():
        want = [cells(x) for x in default[section]]
        got = [r[:len(want[0])] for r in rows] if rows is not None else None
        if got != want:
            for a, b in zip(want, got or []):
                if a != b:
                    print("  first difference: %s (json) vs %s (docs)" % (a, b))
                    break
            print("  json has %d %s, docs/catalog.md %s" % (
                len(want), section, "none" if got is None else len(got)))
        check(got == want, "docs/catalog.md lists the default %s" % section)

    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
