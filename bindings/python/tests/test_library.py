# SPDX-License-Identifier: MIT
"""Loading, versions, enum names read at run time, object lifetimes,
the referrer database, the reader and timestamps."""
import ast
import ctypes
import datetime
import os
import pathlib
import subprocess
import sys

import pytest

import touchpoint

PACKAGE = pathlib.Path(touchpoint.__file__).parent


def test_loads_the_library_named_by_the_environment():
    want = os.environ.get("TOUCHPOINT_LIBRARY")
    if not want:
        pytest.skip("TOUCHPOINT_LIBRARY not set")
    assert touchpoint.library_path() == want
    assert touchpoint.version_number() >= touchpoint.MIN_VERSION
    v = touchpoint.version()
    major, minor, patch = (int(x) for x in v.split("."))
    assert touchpoint.version_number() == major * 10000 + minor * 100 + patch


def test_a_library_that_cannot_be_loaded_is_an_import_error(tmp_path):
    env = dict(os.environ, TOUCHPOINT_LIBRARY=str(tmp_path / "libnothing.so.1"))
    p = subprocess.run([sys.executable, "-c", "import touchpoint"], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode == 1
    err = p.stderr.decode()
    assert "ImportError" in err and "TOUCHPOINT_LIBRARY" in err


def test_dimension_names_come_from_the_library():
    lib = ctypes.CDLL(touchpoint.library_path())
    lib.tp_dimension_name.restype = ctypes.c_char_p
    lib.tp_dimension_value_name.restype = ctypes.c_char_p
    dims = touchpoint.dimensions()
    assert len(dims) == lib.tp_dimension_count()
    for d, (name, values) in enumerate(dims.items(), 1):
        assert name == lib.tp_dimension_name(d).decode()
        assert values[0] == "unknown"
        for v, vname in enumerate(values):
            assert vname == lib.tp_dimension_value_name(d, v).decode()
            assert touchpoint.dimension_value(name, vname) == v
            assert touchpoint.dimension_value_name(name, v) == vname
    assert dims["phase"] == ("unknown", "pre_purchase", "purchase", "post_purchase")
    with pytest.raises(touchpoint.Error):
        touchpoint.dimension_value("phase", "afterlife")


def test_other_enum_names_come_from_the_library():
    lib = ctypes.CDLL(touchpoint.library_path())
    lib.tp_field_name.restype = ctypes.c_char_p
    fields = touchpoint.fields()
    assert fields[0] == lib.tp_field_name(1).decode() == "customer_id"
    assert lib.tp_field_name(len(fields) + 1) is None
    assert "channel_group" in fields
    assert touchpoint.field_id("channel_group") == fields.index("channel_group") + 1
    assert touchpoint.referrer_media()[0] == "unknown"
    assert "search" in touchpoint.referrer_media()
    assert "markov" in touchpoint.attribution_models()
    assert touchpoint.attribution_dimensions()[0] == "unknown"


def _literals(tree):
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    return {n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs}


def test_the_package_keeps_no_copies_of_enum_names():
    names = {v for values in touchpoint.dimensions().values() for v in values[1:]}
    names |= set(touchpoint.referrer_media()[1:]) | set(touchpoint.attribution_models())
    for f in PACKAGE.glob("*.py"):
        found = _literals(ast.parse(f.read_text(encoding="utf-8"))) & names
        assert not found, "%s copies enum names %s" % (f.name, sorted(found))


def test_close_twice_and_use_after_close():
    objs = [touchpoint.Catalog.default(), touchpoint.Classifier(),
            touchpoint.RefDB.default(), touchpoint.RuleSet.builtin("ga4"),
            touchpoint.Reader(), touchpoint.CatalogBuilder(), touchpoint.Paths()]
    if touchpoint.journey.AVAILABLE:
        store = touchpoint.JourneyStore()
        store.add("c1", 0, "purchase")
        store.finish()
        objs += [store.path_counts(), store.matrix(), touchpoint.Funnel(["event=purchase"]).run(store),
                 touchpoint.Funnel(), store]
    for o in objs:
        assert not o.closed
        o.close()
        o.close()
        assert o.closed
    with pytest.raises(ValueError):
        objs[0].channels
    with pytest.raises(ValueError):
        objs[1].classify({})
    with pytest.raises(ValueError):
        len(objs[2])


def test_with_blocks_free_and_children_keep_parents_alive():
    with touchpoint.Catalog.default() as cat:
        c = touchpoint.Classifier(catalog=cat)
        rs = touchpoint.RuleSet.builtin("touchpoints", catalog=cat)
    assert cat.closed
    # The library keeps its own reference: the classifier still works.
    assert c.classify({"event": "store_visit", "channel": "physical_store"})["touchpoint"] == "store_visit"
    with c:
        pass
    assert c.closed
    assert len(rs) > 0
    rs.close()
    rs.close()


LEAK_CHECK = r"""
import ctypes, gc, sys
from ctypes import CFUNCTYPE, Structure, c_size_t, c_void_p
import touchpoint
from touchpoint._lib import lib

libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes = c_void_p, [c_size_t]
libc.realloc.restype, libc.realloc.argtypes = c_void_p, [c_void_p, c_size_t]
libc.free.argtypes = [c_void_p]
live, bad = {}, []

MALLOC = CFUNCTYPE(c_void_p, c_size_t, c_void_p)
REALLOC = CFUNCTYPE(c_void_p, c_void_p, c_size_t, c_void_p)
FREE = CFUNCTYPE(None, c_void_p, c_void_p)

class Allocator(Structure):
    _fields_ = [("malloc_fn", MALLOC), ("realloc_fn", REALLOC),
                ("free_fn", FREE), ("userdata", c_void_p)]

@MALLOC
def m(size, ud):
    p = libc.malloc(size)
    live[p] = size
    return p

@REALLOC
def r(ptr, size, ud):
    if ptr and ptr not in live:
        bad.append(ptr)
    q = libc.realloc(ptr, size)
    if q:
        live.pop(ptr, None)
        live[q] = size
    return q

@FREE
def f(ptr, ud):
    if ptr:
        if ptr not in live:
            bad.append(ptr)
        live.pop(ptr, None)
        libc.free(ptr)

alloc = Allocator(m, r, f, None)
lib.tp_set_allocator.argtypes = [ctypes.POINTER(Allocator)]
assert lib.tp_set_allocator(ctypes.byref(alloc)) == 0

def work():
    cat = touchpoint.Catalog.default()
    c = touchpoint.Classifier(catalog=cat, refdb=touchpoint.RefDB.default())
    cat.close(); cat.close()
    assert c.classify({"event": "page_view", "value": 3, "url": "https://a.example/?utm_source=x"})
    g = c.classify_many([{}, {"a": {"b": 1}}, {}])
    next(g)                          # left unfinished, then dropped
    d = c.classify_details({"event": "purchase"})
    p = touchpoint.Paths.loads_csv("path,conversions\nA > B,1\n")
    p.attribute("markov", transitions=True)
    b = touchpoint.CatalogBuilder()
    b.add_channel("web")
    small = b.finish()
    s = small.dumps()
    try:
        touchpoint.RuleSet.compile("{", "x")
    except touchpoint.Error:
        pass
    c.close(); c.close()
    with touchpoint.Reader() as rd:
        rd.parse('{"a": 1}')
    if touchpoint.journey.AVAILABLE:
        store = touchpoint.JourneyStore(keep_fields=["plan"])
        store.add("c1", 0, "open", touchpoint="newsletter", attrs={"plan": "x"})
        store.add("c1", 5, "purchase", value=3)
        store.finish()
        list(store.paths())
        pc = store.path_counts("channel")
        touchpoint.PathCounts.load(pc.save("binary")).merge(pc)
        fs = touchpoint.Funnel(["event=open", "event=purchase"]).run(store)
        touchpoint.FunnelState.load(fs.save("json")).close()
        store.matrix().close()
        store.attribution_paths().close()
        store.close(); store.close()
    # p, b, small, g, pc and fs are only dropped: the garbage collector
    # frees them.

work()
gc.collect()
print(len(live), len(bad))
sys.exit(0 if not live and not bad else 1)
"""


def test_every_object_is_freed_once(tmp_path):
    # A counting allocator installed through tp_set_allocator() sees every
    # allocation of the library: after closing (twice) or dropping every
    # object, nothing is left and nothing was freed that was not allocated.
    p = subprocess.run([sys.executable, "-c", LEAK_CHECK], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    assert p.returncode == 0, (p.stdout + p.stderr).decode()
    assert p.stdout.decode().split() == ["0", "0"]


def test_refdb_lookup():
    with touchpoint.RefDB.default() as db:
        assert len(db) > 100
        assert db.source_count > 50
        r = db.lookup("https://www.google.co.uk/search?q=running+shoes")
        assert r == touchpoint.Referrer(True, "search", "Google", "running shoes")
        r = db.lookup("https://unknown.example.org/")
        assert (r.known, r.medium, r.source, r.term) == (False, "unknown", None, None)
        with pytest.raises(touchpoint.Error) as ex:
            db.lookup("")
        assert ex.value.name == "TP_ESYNTAX"


def test_refdb_load_files_merge_over_the_builtin_one(tmp_path):
    f = tmp_path / "mine.json"
    f.write_text('{"social": {"Mine": {"domains": ["mine.example"]}}}')
    with touchpoint.RefDB.load([None, f]) as db:
        assert db.lookup("https://mine.example/x").source == "Mine"
        assert db.lookup("https://www.google.com/").source == "Google"
    with touchpoint.RefDB.load(f) as db:
        assert len(db) == 1
        assert db.lookup("https://www.google.com/").known is False
    f.write_text('{"social": {"Mine": {"domains": [7]}}}')
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.RefDB.load(f)
    assert (ex.value.line, ex.value.path) == (1, "$.social.Mine.domains[0]")


def test_reader():
    with touchpoint.Reader() as r:
        attrs = r.parse('{"a": {"b": [1, true]}, "n": null, "s": "x"}')
        assert attrs == [("a.b.0", "1"), ("a.b.1", "true"), ("s", "x")]
        assert not r.empty_object
        assert r.parse("{}") == []
        assert r.empty_object
        with pytest.raises(touchpoint.Error) as ex:
            r.parse('{"a": 1,}', "f.ndjson", 7)
        assert (ex.value.source, ex.value.line) == ("f.ndjson", 7)
        assert ex.value.column > 0
    with touchpoint.Reader(max_bytes=10) as r:
        with pytest.raises(touchpoint.Error) as ex:
            r.parse('{"long": "xxxxxxxxxxxx"}')
        assert ex.value.name == "TP_ERANGE"


def test_timestamps():
    assert touchpoint.parse_timestamp("2026-03-01T12:30:00.250+01:00") == 1772364600250
    assert touchpoint.parse_timestamp("1772364600") == 1772364600000
    assert touchpoint.format_timestamp(1772364600250) == "2026-03-01T11:30:00.250Z"
    dt = datetime.datetime(2026, 3, 1, 11, 30, 0, 250000, tzinfo=datetime.timezone.utc)
    assert touchpoint.parse_timestamp(dt) == 1772364600250
    assert touchpoint.to_datetime(1772364600250) == dt
    with pytest.raises(touchpoint.Error):
        touchpoint.parse_timestamp("2026-13-01T00:00:00Z")
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.format_timestamp(10 ** 15)
    assert ex.value.name == "TP_ERANGE"


def test_builtin_rule_sets():
    names = touchpoint.RuleSet.builtin_names()
    assert "ga4" in names and "touchpoints" in names
    for n in names:
        src = touchpoint.RuleSet.builtin_source(n)
        with touchpoint.RuleSet.compile(src, n) as a, touchpoint.RuleSet.builtin(n) as b:
            assert len(a) == len(b) > 0
            assert a.name == b.name
            assert b.memory > 0
    with pytest.raises(KeyError):
        touchpoint.RuleSet.builtin_source("nope")
    with pytest.raises(touchpoint.Error) as ex:
        touchpoint.RuleSet.builtin("nope")
    assert ex.value.name == "TP_ENOTFOUND"


def _doc_line(prefix):
    from conftest import SOURCE_ROOT
    doc = (SOURCE_ROOT / "docs" / "bindings.md").read_text(encoding="utf-8")
    lines = [x for x in doc.splitlines() if x.startswith(prefix)]
    assert len(lines) == 1, lines
    return lines[0]


def test_the_one_liner_of_the_docs():
    # docs/bindings.md (and the README) show it; run it word for word.
    line = _doc_line("python3 -c '")
    env = dict(os.environ, PYTHONPATH=str(PACKAGE.parent))
    p = subprocess.run(["sh", "-c", line], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout.decode() == "paid_search Paid Search\n"
