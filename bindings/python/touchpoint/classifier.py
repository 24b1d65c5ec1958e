# SPDX-License-Identifier: MIT
"""Classification: rule sets, the referrer database, the NDJSON reader and
the classifier."""
import ctypes
import json
import os
import threading
from dataclasses import dataclass
from typing import Dict, Mapping, Optional

from . import _lib
from ._lib import lib
from .catalog import Catalog
from .errors import Error, ErrorBox, call, check, from_error
from .taxonomy import dimensions, field_id, fields, referrer_media


# ---------------------------------------------------------------------------
# Rule sets
# ---------------------------------------------------------------------------

class RuleSet(_lib.Handle):
    """A compiled rule set (docs/rules.md). Compile errors raise Error,
    one entry per fault, each with file, line, column and JSON path."""
    _free = _lib.free_fn("tp_ruleset_free")
    _what = "rule set"

    def __init__(self, ptr, catalog):
        super().__init__(ptr)
        self.catalog = catalog

    @classmethod
    def _make(cls, catalog, compile_):
        """A RuleSet of compile_(catalog pointer) -> raw object, against
        ``catalog`` or a default catalog the rule set then owns."""
        cat = catalog if catalog is not None else Catalog.default()
        try:
            out = _lib.out()
            compile_(cat._p, ctypes.byref(out))
        except BaseException:
            if catalog is None:
                cat.close()
            raise
        rs = cls(out.value, cat)
        if catalog is None:
            rs._own(cat)
        return rs

    @classmethod
    def builtin(cls, name, catalog=None):
        """A built-in rule set: see :meth:`builtin_names`."""
        return cls._make(catalog, lambda c, out: call(lib.tp_ruleset_builtin, c,
                                                      _lib.enc(name), out))

    @classmethod
    def compile_file(cls, path, catalog=None):
        """Compile a JSON rule file against a catalog (default: built-in)."""
        return cls._make(catalog, lambda c, out: call(lib.tp_ruleset_compile_file, c,
                                                      _lib.fspath(path), out))

    @classmethod
    def compile(cls, text, source=None, catalog=None):
        """Compile rules from JSON text (str, bytes, or a dict written as
        JSON first); ``source`` names it in errors."""
        if isinstance(text, Mapping):
            text = json.dumps(text)
        b = _lib.enc(text)
        return cls._make(catalog, lambda c, out: call(lib.tp_ruleset_compile_string, c, b,
                                                      len(b), _lib.enc(source), out))

    @staticmethod
    def builtin_names():
        """The names of the built-in rule sets, from the library."""
        out, i = [], 0
        while True:
            n = lib.tp_ruleset_builtin_name(i)
            if n is None:
                return tuple(out)
            out.append(_lib.text(n))
            i += 1

    @staticmethod
    def builtin_source(name):
        """The JSON source of a built-in rule set; KeyError when unknown."""
        n = ctypes.c_size_t()
        p = lib.tp_ruleset_builtin_source(_lib.enc(name), ctypes.byref(n))
        if not p:
            raise KeyError("no built-in rule set %r" % name)
        return ctypes.string_at(p, n.value).decode("utf-8")

    @property
    def name(self):
        return _lib.text(lib.tp_ruleset_name(self._p))

    def __len__(self):
        """The number of rules over all groups."""
        return lib.tp_ruleset_rule_count(self._p)

    @property
    def memory(self):
        """Bytes held by the compiled rule set."""
        return lib.tp_ruleset_memory(self._p)

    def __repr__(self):
        if self.closed:
            return "<touchpoint.RuleSet (closed)>"
        return "<touchpoint.RuleSet %r, %d rules>" % (self.name, len(self))


# ---------------------------------------------------------------------------
# Referrer database
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Referrer:
    """What the referrer database says about a URL."""
    known: bool
    medium: str                 #: "search", "social", ... or "unknown"
    source: Optional[str]       #: "Google"; None when not known
    term: Optional[str]         #: the search term, or None
    term_truncated: bool = False


class RefDB(_lib.Handle):
    """A referrer database (docs/referrers.md)."""
    _free = _lib.free_fn("tp_refdb_free")
    _what = "referrer database"

    @classmethod
    def default(cls):
        """The built-in database (Matomo's lists)."""
        out = _lib.out()
        call(lib.tp_refdb_default, ctypes.byref(out))
        return cls(out.value)

    @classmethod
    def load(cls, paths):
        """Load and merge files in Snowplow's referers JSON format, in
        order; a None entry stands for the built-in database. A single
        path may be given as a string."""
        if isinstance(paths, (str, bytes, os.PathLike)):
            paths = [paths]
        names = [None if p is None else _lib.fspath(p) for p in paths]
        arr = (ctypes.c_char_p * max(len(names), 1))(*names)
        out = _lib.out()
        call(lib.tp_refdb_load_files, arr, len(names), ctypes.byref(out))
        return cls(out.value)

    @classmethod
    def loads(cls, text, source=None):
        """Load a database from JSON text (str, bytes or dict)."""
        if isinstance(text, Mapping):
            text = json.dumps(text)
        b = _lib.enc(text)
        out = _lib.out()
        call(lib.tp_refdb_load_string, b, len(b), _lib.enc(source), ctypes.byref(out))
        return cls(out.value)

    def __len__(self):
        """Entries: distinct (domain, path) pairs."""
        return lib.tp_refdb_count(self._p)

    @property
    def source_count(self):
        return lib.tp_refdb_source_count(self._p)

    def lookup(self, url):
        """Look a referrer URL up. A URL that is not one raises Error
        (TP_ESYNTAX); an unknown site gives ``known=False``."""
        b = _lib.enc(url)
        info = _lib.new_struct(_lib.ReferrerInfo)
        buf = ctypes.create_string_buffer(1024)
        check(lib.tp_refdb_lookup(self._p, b, len(b), buf, len(buf), ctypes.byref(info)))
        return Referrer(bool(info.known), referrer_media()[info.medium],
                        _lib.text(info.source), _lib.counted(info.term, info.term_len),
                        bool(info.term_truncated))


# ---------------------------------------------------------------------------
# NDJSON reader
# ---------------------------------------------------------------------------

class Reader(_lib.Handle):
    """Parses one JSON object (an NDJSON line) into flat attributes, as
    ``touchpoint classify`` reads its input: nested members get dotted
    names, numbers and booleans their text, nulls are left out."""
    _free = _lib.free_fn("tp_reader_free")
    _what = "reader"

    def __init__(self, max_bytes=None):
        out = _lib.out()
        check(lib.tp_reader_new(ctypes.byref(out)))
        super().__init__(out.value)
        if max_bytes is not None:
            check(lib.tp_reader_set_max_bytes(self._p, max_bytes))

    def _parse(self, line, source, line_number, err):
        b = _lib.enc(line)
        st = lib.tp_reader_parse(self._p, b, len(b), _lib.enc(source), line_number, err)
        if st < 0:
            raise from_error(st, err)
        n = ctypes.c_size_t()
        attrs = lib.tp_reader_attrs(self._p, ctypes.byref(n))
        return b, attrs, n.value

    def parse(self, line, source=None, line_number=0):
        """The attributes of one line as a list of (key, value) pairs.
        A refused line raises Error with source, line and column."""
        with ErrorBox() as err:
            _, attrs, n = self._parse(line, source, line_number, err)
        return [(_lib.counted(attrs[i].key, attrs[i].key_len) or "",
                 _lib.counted(attrs[i].value, attrs[i].value_len) or "")
                for i in range(n)]

    @property
    def empty_object(self):
        """True when the last line parsed was ``{}``."""
        return bool(lib.tp_reader_empty_object(self._p))


# ---------------------------------------------------------------------------
# Classifier
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Classification:
    """Everything the classifier said about one event.

    ``tp`` is the same dict as :meth:`Classifier.classify` returns; the
    other members give every field, dimension and label by the names the
    library uses (tp_field_name, tp_dimension_name)."""
    tp: Dict[str, object]
    fields: Dict[str, str]
    dimensions: Dict[str, str]
    labels: Dict[str, str]
    timestamp: Optional[int]          #: milliseconds since the epoch
    value: Optional[float]
    score: Optional[float]

    def __getitem__(self, name):
        """A field, dimension or label by name."""
        for d in (self.fields, self.dimensions, self.labels):
            if name in d:
                return d[name]
        raise KeyError(name)


class _Session:
    """One tp_result (and reader) with a reusable JSON buffer. A session
    belongs to one thread at a time."""

    def __init__(self, cache_size=None):
        out = _lib.out()
        check(lib.tp_result_new(ctypes.byref(out)))
        self.result = out.value
        self.reader = None
        self.buf = ctypes.create_string_buffer(1024)
        if cache_size is not None:
            try:
                check(lib.tp_result_set_cache_size(self.result, cache_size))
            except BaseException:
                self.close()
                raise

    def close(self):
        r, self.result = self.result, None
        if r:
            lib.tp_result_free(r)
        if self.reader is not None:
            self.reader.close()
            self.reader = None

    def json(self):
        n = check(lib.tp_result_json(self.result, self.buf, len(self.buf)))
        if n >= len(self.buf):
            self.buf = ctypes.create_string_buffer(n + 1)
            check(lib.tp_result_json(self.result, self.buf, len(self.buf)))
        return json.loads(self.buf.raw[:n].decode("utf-8"))


def _flat_attrs(event):
    """A tp_attr array for an event whose values are all strings; None
    when a value needs the JSON reader (numbers, booleans, nesting)."""
    n = len(event)
    arr = (_lib.Attr * max(n, 1))()
    keep = []
    for i, (k, v) in enumerate(event.items()):
        if not isinstance(k, str):
            raise TypeError("event keys must be str, not %s" % type(k).__name__)
        if isinstance(v, str):
            vb = v.encode("utf-8")
        elif isinstance(v, bytes):
            vb = v
        else:
            return None
        kb = k.encode("utf-8")
        keep.append((kb, vb))
        a = arr[i]
        a.key, a.key_len, a.value, a.value_len = kb, len(kb), vb, len(vb)
    return arr, n, keep


class Classifier(_lib.Handle):
    """Raw events in, typed touchpoints out.

    Args:
        rules: a built-in rule-set name ("default", "ga4",
            "touchpoints"), the path of a JSON rule file, a
            :class:`RuleSet`, or a list of them, run in order.
        catalog: a :class:`Catalog` or the path of a catalog file;
            default: the catalog of the first :class:`RuleSet` in
            ``rules``, else the built-in catalog. Rule sets must have
            been compiled against the classifier's catalog.
        refdb: a :class:`RefDB`, or a path or list of paths of referrer
            files merged in order (None in the list: the built-in one);
            default: the built-in database.
        field_map: a dict {canonical name: your attribute name} or the
            path of such a JSON file.
        internal_domains: domains whose referrers are the site itself.
        cache_size: the size of each result object's memo of recent
            classifications (``tp_result_set_cache_size()``), in KiB of
            memory, each holding two to three events; 0 turns the memo
            off; at most 2**24;
            default: the library's 8,192. The outputs are the same
            either way.

    Configuration faults raise :class:`touchpoint.Error`. Once built, a
    classifier may be used from any number of threads.
    """
    _free = _lib.free_fn("tp_classifier_free")
    _what = "classifier"

    def __init__(self, rules="default", *, catalog=None, refdb=None,
                 field_map=None, internal_domains=(), cache_size=None):
        if cache_size is not None:
            if not isinstance(cache_size, int) or isinstance(cache_size, bool):
                raise TypeError("cache_size: an int, not %r" % (cache_size,))
            if cache_size < 0 or cache_size > 1 << 24:
                raise ValueError("cache_size: %d is not between 0 and 2**24"
                                 % cache_size)
        self._cache_size = cache_size
        if isinstance(rules, (str, bytes, os.PathLike, RuleSet)):
            rules = [rules]
        compiled = [r for r in rules if isinstance(r, RuleSet)]
        owned = None
        if catalog is None and compiled:
            catalog = compiled[0].catalog     # rule sets must share it
        elif catalog is None:
            catalog = owned = Catalog.default()
        elif not isinstance(catalog, Catalog):
            catalog = owned = Catalog.load(catalog)
        self.catalog = catalog
        out = _lib.out()
        try:
            call(lib.tp_classifier_new, catalog._p, ctypes.byref(out))
        except BaseException:
            if owned is not None:
                owned.close()
            raise
        super().__init__(out.value)
        if owned is not None:
            self._own(owned)
        self._lock = threading.Lock()
        self._session = None
        try:
            self._configure(rules, refdb, field_map, internal_domains)
        except BaseException:
            self.close()
            raise

    def _configure(self, rules, refdb, field_map, internal_domains):
        p = self._p
        if refdb is not None:
            db = refdb if isinstance(refdb, RefDB) else RefDB.load(refdb)
            try:
                check(lib.tp_classifier_set_refdb(p, db._p))
            finally:
                if db is not refdb:
                    db.close()
        if isinstance(field_map, Mapping):
            for canonical, attribute in field_map.items():
                st = lib.tp_classifier_map_field(p, _lib.enc(canonical), _lib.enc(attribute))
                if st < 0:
                    raise Error(st, "field map: %r -> %r: %s" % (
                        canonical, attribute, _lib.text(lib.tp_strerror(st))))
        elif field_map is not None:
            call(lib.tp_classifier_load_field_map, p, _lib.fspath(field_map))
        if isinstance(internal_domains, str):
            internal_domains = [internal_domains]
        for d in internal_domains:
            check(lib.tp_classifier_add_internal_domain(p, _lib.enc(d)))
        for r in rules:
            if isinstance(r, RuleSet):
                st = lib.tp_classifier_add_rules(p, r._p)
                if st < 0:
                    raise Error(st, "rule set %r: %s%s" % (
                        r.name, _lib.text(lib.tp_strerror(st)),
                        " (it was compiled against another catalog)"
                        if lib.tp_status_name(st) == b"TP_EMISMATCH" else ""))
            else:
                name = os.fsencode(r) if isinstance(r, os.PathLike) else _lib.enc(r)
                call(lib.tp_classifier_add_rules_named, p, name)

    def close(self):
        s, self._session = getattr(self, "_session", None), None
        if s is not None:
            s.close()
        super().close()

    # -- one event ----------------------------------------------------------

    def _run(self, session, event):
        """Classify into the session's result. Returns (keep, attrs, n):
        the attributes, which must stay alive while the result is read."""
        flat = _flat_attrs(event)
        if flat is not None:
            arr, n, keep = flat
            check(lib.tp_classify(self._p, arr, n, session.result))
            return (keep, arr), arr, n
        if session.reader is None:
            session.reader = Reader()
        with ErrorBox() as err:
            keep, attrs, n = session.reader._parse(json.dumps(event), "<event>", 0, err)
        check(lib.tp_classify(self._p, attrs, n, session.result))
        return keep, attrs, n

    def _locked(self, fn, event):
        with self._lock:
            if self._session is None:
                self._session = _Session(self._cache_size)
            keep, _, _ = self._run(self._session, event)
            r = fn(self._session)
            del keep
            return r

    def _with_attrs(self, event, fn):
        """fn(session, attrs, n) on the classification of one event."""
        with self._lock:
            if self._session is None:
                self._session = _Session(self._cache_size)
            keep, attrs, n = self._run(self._session, event)
            r = fn(self._session, attrs, n)
            del keep
            return r

    def classify(self, event):
        """Classify one event (a dict of attributes; nested dicts, lists,
        numbers and booleans are read as ``touchpoint classify`` reads
        JSON) and return the command's "tp" object as a dict: source,
        medium, campaign, channel_group, channel, touchpoint, stage,
        phase, rule and referrer {known, medium, source, term}, members
        left out when unknown."""
        return self._locked(_Session.json, event)

    def classify_details(self, event):
        """Classify one event and return a :class:`Classification` with
        every field, dimension and label."""
        return self._locked(self._details, event)

    def classify_many(self, events):
        """Classify an iterable of events lazily: a generator of the "tp"
        dicts, in order. Each generator has its own result object, so
        several may run at once in different threads."""
        session = _Session(self._cache_size)
        try:
            for event in events:
                keep = self._run(session, event)
                yield session.json()
                del keep
        finally:
            session.close()

    def classify_file(self, path, on_reject=None, max_line_bytes=None):
        """Classify an NDJSON file as ``touchpoint classify`` does: a
        generator of the input objects, each with a "tp" member added.
        Blank lines are skipped. A line the reader refuses raises Error
        (with file, line and column), or, when ``on_reject`` is given, is
        passed to it as that Error and skipped."""
        def each(session, attrs, n, line, lineno, source):
            obj = json.loads(line)
            obj["tp"] = session.json()
            return obj
        return self._lines(path, on_reject, max_line_bytes, each)

    def _lines(self, path, on_reject, max_line_bytes, fn):
        """A generator of fn(session, attrs, n, line, lineno, source) for
        each classified line of an NDJSON file."""
        session = _Session(self._cache_size)
        session.reader = Reader(max_line_bytes)
        source = os.fsdecode(path)
        try:
            with open(path, "rb") as f, ErrorBox() as err:
                for lineno, line in enumerate(f, 1):
                    if line.endswith(b"\n"):
                        line = line[:-1]
                    if not line.strip(b" \t\r"):
                        continue
                    lib.tp_error_clear(err)
                    try:
                        _, attrs, n = session.reader._parse(line, source, lineno, err)
                    except Error as e:
                        if on_reject is None:
                            raise
                        on_reject(e)
                        continue
                    check(lib.tp_classify(self._p, attrs, n, session.result))
                    yield fn(session, attrs, n, line, lineno, source)
        finally:
            session.close()

    def _each_line(self, path, on_reject, fn):
        for _ in self._lines(path, on_reject, None, fn):
            pass

    def _details(self, session):
        r = session.result
        n = ctypes.c_size_t()
        fs = {}
        for i, name in enumerate(fields(), 1):
            p = lib.tp_result_field(r, i, ctypes.byref(n))
            if p:
                fs[name] = _lib.counted(p, n.value)
        dims = {}
        for i, (name, values) in enumerate(dimensions().items(), 1):
            v = lib.tp_result_dimension(r, i)
            dims[name] = values[v] if 0 <= v < len(values) else values[0]
        labels = {}
        kp, vp = ctypes.c_char_p(), ctypes.c_char_p()
        for i in range(lib.tp_result_label_count(r)):
            check(lib.tp_result_label(r, i, ctypes.byref(kp), ctypes.byref(vp)))
            labels[_lib.text(kp.value)] = _lib.text(vp.value)
        ms = ctypes.c_int64()
        ts = ms.value if lib.tp_result_timestamp(r, ctypes.byref(ms)) == 0 else None

        def number(name):
            x = ctypes.c_double()
            return x.value if lib.tp_result_number(r, field_id(name), ctypes.byref(x)) == 0 else None
        return Classification(session.json(), fs, dims, labels, ts,
                              number("value"), number("score"))

    def __repr__(self):
        return "<touchpoint.Classifier%s>" % (" (closed)" if self.closed else "")
