#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The rule language's JSON Schema agrees with the data, the docs and the compiler.

Usage: test-rules-schema.py --schema docs/rules.schema.json
           --doc docs/rules.md --touchpoint BUILD/tools/touchpoint
           --valid FILE... --invalid FILE...

1. The schema is a valid draft 2020-12 schema.
2. The --valid files (the built ga4 rule set, data/rules/touchpoints.json,
   the test fixtures) are valid against it and compile
   (`touchpoint rules check`); the --invalid ones are rejected by both.
3. Every form of the language is accepted by both, and broken rule sets
   are rejected by both, so the schema is neither looser nor stricter than
   the compiler on shape. Faults of meaning that only the compiler can see
   (unknown ids and lists, invalid regular expressions, nesting depth) are
   accepted by the schema and rejected by the compiler.
4. The JSON examples of docs/rules.md are valid, and its worked example
   gives the output the page shows.

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


class Compiler:
    """Runs `touchpoint rules check` on documents."""

    def __init__(self, exe, tmpdir):
        self.exe = exe
        self.tmpdir = tmpdir
        self.n = 0

    def write(self, doc):
        self.n += 1
        path = os.path.join(self.tmpdir, "rules-%d.json" % self.n)
        with open(path, "w", encoding="utf-8") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc, indent=1))
        return path

    def check_file(self, path):
        p = subprocess.run([self.exe, "rules", "check", path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return p.returncode, p.stderr.decode("utf-8", "replace")

    def accepts(self, doc):
        rc, err = self.check_file(self.write(doc))
        if rc not in (0, 2):
            failures.append("touchpoint rules check exited %d: %s" % (rc, err))
        return rc == 0


BASE = {
    "name": "base",
    "lists": {"sites": ["google", "Bing"]},
    "groups": [{
        "name": "g",
        "rules": [
            {"name": "r",
             "when": {"field": "medium", "eq": "email"},
             "set": {"channel_group": "Email", "touchpoint": "newsletter"}},
            {"name": "fallback", "set": {}},
        ],
    }],
}


def with_when(cond):
    doc = copy.deepcopy(BASE)
    doc["groups"][0]["rules"][0]["when"] = cond
    return doc


def with_set(outputs):
    doc = copy.deepcopy(BASE)
    doc["groups"][0]["rules"][0]["set"] = outputs
    return doc


def mutated(fn):
    doc = copy.deepcopy(BASE)
    fn(doc)
    return doc


def rule0(doc):
    return doc["groups"][0]["rules"][0]


def forms():
    """(description, document): every form of the language, all valid."""
    f = lambda c: {"field": "x", **c}
    yield "the base document", BASE
    for op, v in [("eq", "a"), ("eq", ["a", "b"]), ("ne", "a"), ("ne", ["a", "b"]),
                  ("in", "sites"), ("in", ["a"]), ("prefix", "/c"),
                  ("prefix", ["/a", "/b"]), ("suffix", "push"), ("contains", "x"),
                  ("contains", ""), ("regex", "^(.*cp.*|ppc)$"), ("exists", True),
                  ("exists", False), ("missing", True), ("missing", False),
                  ("gt", 10), ("ge", -1.5), ("lt", 0), ("le", 1e3),
                  ("host", "example.com"), ("host", ["a.com", "b.org"])]:
        yield "operator %s %s" % (op, json.dumps(v)), with_when(f({op: v}))
    yield "eq case-sensitive", with_when(f({"eq": "A", "case_sensitive": True}))
    yield "in inline case-sensitive", with_when(f({"in": ["A"], "case_sensitive": True}))
    yield "in list, case_sensitive false", with_when(f({"in": "sites", "case_sensitive": False}))
    yield "regex full", with_when(f({"regex": "a|b", "match": "full"}))
    yield "regex partial, case-sensitive", with_when(
        f({"regex": "a", "match": "partial", "case_sensitive": True}))
    yield "all/any/not", with_when({"all": [
        {"any": [f({"eq": "a"}), {"not": f({"exists": True})}]},
        {"not": {"not": f({"lt": 3})}}]})
    yield "dotted field", with_when({"field": "context.campaign.source", "eq": "x"})
    yield "every dimension", with_set({
        "kind": "digital", "initiator": "brand", "personalization": "mass",
        "intent": "reactive", "control": "unintentional", "agent": "human",
        "phase": "post_purchase", "business_model": "b2b"})
    yield "dimension unknown", with_set({"agent": "unknown"})
    yield "channel, stage and labels", with_set({
        "channel": "email", "stage": "loyalty", "channel_group": "X",
        "segment": "", "Segment Name": "y"})
    yield "empty set", with_set({})
    yield "no when", mutated(lambda d: rule0(d).pop("when"))
    yield "descriptions and $schema", mutated(lambda d: (
        d.update({"$schema": "rules.schema.json", "description": "d"}),
        d["groups"][0].update(description="g"),
        rule0(d).update(description="r")))
    yield "no name, no lists", mutated(lambda d: (d.pop("name"), d.pop("lists"),
                                                  rule0(d).update(when={"field": "x", "eq": "y"})))
    yield "empty list", mutated(lambda d: d["lists"].update(none=[]))


def broken():
    """(description, document): broken in shape; both must refuse them."""
    f = lambda c: {"field": "x", **c}
    yield "not an object", ["groups"]
    yield "unknown top-level member", mutated(lambda d: d.update(rules=[]))
    yield "no groups", mutated(lambda d: d.pop("groups"))
    yield "groups empty", mutated(lambda d: d.update(groups=[]))
    yield "groups not an array", mutated(lambda d: d.update(groups={}))
    yield "name empty", mutated(lambda d: d.update(name=""))
    yield "lists not an object", mutated(lambda d: d.update(lists=["a"]))
    yield "list not an array", mutated(lambda d: d["lists"].update(x="a"))
    yield "list item not a string", mutated(lambda d: d["lists"].update(x=["a", 1]))
    yield "group without name", mutated(lambda d: d["groups"][0].pop("name"))
    yield "group without rules", mutated(lambda d: d["groups"][0].pop("rules"))
    yield "group rules empty", mutated(lambda d: d["groups"][0].update(rules=[]))
    yield "unknown member in a group", mutated(lambda d: d["groups"][0].update(order=1))
    yield "group not an object", mutated(lambda d: d.update(groups=["g"]))
    yield "rule without name", mutated(lambda d: rule0(d).pop("name"))
    yield "rule name not a string", mutated(lambda d: rule0(d).update(name=1))
    yield "rule without set", mutated(lambda d: rule0(d).pop("set"))
    yield "unknown member in a rule", mutated(lambda d: rule0(d).update(priority=1))
    yield "rule not an object", mutated(lambda d: d["groups"][0]["rules"].append(5))
    yield "set not an object", with_set(["a"])
    yield "label not a string", with_set({"segment": 1})
    yield "label name empty", with_set({"": "x"})
    yield "set a derived field", with_set({"source": "x"})
    yield "set a derived field in another case", with_set({"Referrer_Host": "x"})
    yield "set rule", with_set({"rule": "x"})
    yield "bad dimension value", with_set({"initiator": "robot"})
    yield "channel not a string", with_set({"channel": 5})
    yield "condition not an object", with_when(["x"])
    yield "condition without field", with_when({"eq": "a"})
    yield "condition without operator", with_when({"field": "x"})
    yield "two operators", with_when(f({"eq": "a", "ne": "b"}))
    yield "unknown operator", with_when(f({"equals": "a"}))
    yield "field not a string", with_when({"field": 1, "eq": "a"})
    yield "field empty", with_when({"field": "", "eq": "a"})
    yield "eq a number", with_when(f({"eq": 1}))
    yield "eq empty array", with_when(f({"eq": []}))
    yield "eq array of numbers", with_when(f({"eq": [1]}))
    yield "in empty array", with_when(f({"in": []}))
    yield "in a number", with_when(f({"in": 1}))
    yield "in list with case_sensitive", with_when(f({"in": "sites", "case_sensitive": True}))
    yield "regex not a string", with_when(f({"regex": ["a"]}))
    yield "exists not a boolean", with_when(f({"exists": "yes"}))
    yield "missing not a boolean", with_when(f({"missing": 1}))
    yield "gt a string", with_when(f({"gt": "10"}))
    yield "host a number", with_when(f({"host": 1}))
    yield "case_sensitive not a boolean", with_when(f({"eq": "a", "case_sensitive": 1}))
    yield "match not full or partial", with_when(f({"regex": "a", "match": "whole"}))
    yield "match without regex", with_when(f({"eq": "a", "match": "full"}))
    yield "all empty", with_when({"all": []})
    yield "all not an array", with_when({"all": f({"eq": "a"})})
    yield "any with another member", with_when({"any": [f({"eq": "a"})], "field": "x"})
    yield "not with an array", with_when({"not": [f({"eq": "a"})]})
    yield "broken condition inside all", with_when({"all": [f({"eq": "a"}), f({})]})


def meaning():
    """(description, document): right shape, wrong meaning."""
    f = lambda c: {"field": "x", **c}
    yield "unknown list", with_when(f({"in": "nosuch"}))
    yield "unknown channel", with_set({"channel": "carrier_pigeon"})
    yield "unknown touchpoint", with_set({"touchpoint": "teleport"})
    yield "unknown stage", with_set({"stage": "awareness"})
    yield "invalid regular expression", with_when(f({"regex": "^(cpc"}))
    cond = f({"exists": True})
    for _ in range(60):
        cond = {"not": cond}
    yield "conditions nested 60 deep", with_when(cond)


def json_blocks(text):
    """The ```json blocks of a Markdown text, with the marker comment before
    each (or None)."""
    for m in re.finditer(r"(?:<!-- worked-example: (\w+) -->\n)?```json\n(.*?)```",
                         text, re.S):
        yield m.group(1), m.group(2)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--doc", required=True)
    ap.add_argument("--touchpoint", required=True)
    ap.add_argument("--valid", nargs="+", default=[])
    ap.add_argument("--invalid", nargs="+", default=[])
    opts = ap.parse_args(argv[1:])

    with open(opts.schema, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.Draft202012Validator
    try:
        cls.check_schema(schema)
        check(True, "the schema is a valid draft 2020-12 schema")
    except jsonschema.SchemaError as e:
        check(False, "the schema is a valid draft 2020-12 schema: %s" % e.message)
        return 1
    validator = cls(schema)
    cond_validator = cls({"$ref": "#/$defs/condition", "$defs": schema["$defs"]})

    def valid(doc):
        return not any(True for _ in validator.iter_errors(doc))

    with tempfile.TemporaryDirectory() as tmp:
        compiler = Compiler(opts.touchpoint, tmp)

        for path in opts.valid:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            errors = ["%s: %s" % (list(e.path), e.message) for e in validator.iter_errors(doc)]
            check(not errors, "%s is valid against the schema %s" % (
                os.path.basename(path), "; ".join(errors)[:400]))
            rc, err = compiler.check_file(path)
            check(rc == 0, "%s compiles %s" % (os.path.basename(path), err.strip()[:400]))
        for path in opts.invalid:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            check(not valid(doc), "%s is invalid against the schema" % os.path.basename(path))
            rc, _ = compiler.check_file(path)
            check(rc == 2, "%s does not compile" % os.path.basename(path))

        for what, doc in forms():
            check(valid(doc) and compiler.accepts(doc), "accepted by both: %s" % what)
        for what, doc in broken():
            check(not valid(doc) and not compiler.accepts(doc), "refused by both: %s" % what)
        for what, doc in meaning():
            check(valid(doc) and not compiler.accepts(doc),
                  "schema accepts, compiler refuses: %s" % what)

        # docs/rules.md
        with open(opts.doc, encoding="utf-8") as f:
            text = f.read()
        worked = {}
        n_checked = 0
        for marker, block in json_blocks(text):
            if marker:
                worked[marker] = block
            try:
                doc = json.loads(block)
            except ValueError:
                try:
                    doc = json.loads("{" + block + "}")
                except ValueError:
                    continue   # NDJSON or a fragment
                full = copy.deepcopy(BASE)
                full.update(doc)
                doc = full
            if not isinstance(doc, dict):
                continue
            if "groups" in doc:
                check(valid(doc) and compiler.accepts(doc),
                      "docs/rules.md example %s... is a valid rule set" % block[:40].replace("\n", " "))
            else:
                check(not any(True for _ in cond_validator.iter_errors(doc)),
                      "docs/rules.md example %s is a valid condition" % block[:60].replace("\n", " "))
            n_checked += 1
        check(n_checked >= 4, "docs/rules.md has JSON examples (%d checked)" % n_checked)

        check(set(worked) == {"rules", "events", "output"},
              "docs/rules.md has the worked example's rules, events and output")
        if set(worked) == {"rules", "events", "output"}:
            rules = compiler.write(worked["rules"])
            events = os.path.join(tmp, "events.ndjson")
            with open(events, "w", encoding="utf-8") as f:
                f.write(worked["events"])
            p = subprocess.run([opts.touchpoint, "classify", "--rules", "ga4",
                                "--rules", rules, events],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out = p.stdout.decode("utf-8")
            check(p.returncode == 0, "the worked example classifies (%s)" %
                  p.stderr.decode("utf-8", "replace").strip())
            check(out == worked["output"], "the worked example's output is the documented one")
            if out != worked["output"]:
                for a, b in zip(out.splitlines(), worked["output"].splitlines()):
                    if a != b:
                        print("#   got:      %s\n#   expected: %s" % (a, b))

    if failures:
        print("%d failures" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
