# SPDX-License-Identifier: MIT
"""Attribution: path sets and the models that credit their items."""
import ctypes
import datetime
import math
from dataclasses import dataclass
from typing import Optional, Tuple

from . import _lib
from ._lib import lib
from .errors import Error, call, check
from .events import parse_duration, parse_timestamp
from .taxonomy import attribution_dimensions, attribution_models


def _by(by):
    if isinstance(by, int):
        return by
    v = ctypes.c_int()
    st = lib.tp_attribution_by_parse(_lib.enc(by), ctypes.byref(v))
    if st < 0:
        raise Error(st, "unknown path dimension %r (one of %s)" % (
            by, ", ".join(attribution_dimensions())))
    return v.value


def _model(model):
    if isinstance(model, int):
        return model
    v = ctypes.c_int()
    st = lib.tp_attribution_model_parse(_lib.enc(model), ctypes.byref(v))
    if st < 0:
        raise Error(st, "unknown attribution model %r (one of %s)" % (
            model, ", ".join(attribution_models())))
    return v.value


def _ms(t):
    if isinstance(t, datetime.timedelta):
        return t // datetime.timedelta(milliseconds=1)
    if isinstance(t, (int, float)) and not isinstance(t, bool):
        return int(t)
    return parse_timestamp(t)


def _nan_none(x):
    return None if math.isnan(x) else x


@dataclass(frozen=True)
class PathRow:
    """A distinct path of a path set, with its summed counts."""
    items: Tuple[str, ...]
    conversions: float
    nulls: float
    value: float


@dataclass(frozen=True)
class AttributedItem:
    """One item's credit under a model."""
    id: str
    conversions: float
    value: float
    share: float
    removal_effect: Optional[float] = None          #: Markov only
    value_removal_effect: Optional[float] = None    #: Markov only


@dataclass(frozen=True)
class Transition:
    """A transition of the Markov chain (kept with ``transitions=True``)."""
    source: str
    target: str
    weight: float
    probability: float


@dataclass(frozen=True)
class Attribution:
    """The result of one model on one path set (a snapshot: nothing to
    free)."""
    model: str
    by: str
    order: int                                  #: Markov order; 0 otherwise
    total_conversions: float
    total_value: float
    conversion_probability: Optional[float]     #: Markov only
    items: Tuple[AttributedItem, ...]
    states: Tuple[str, ...] = ()
    transitions: Tuple[Transition, ...] = ()

    def __getitem__(self, item_id):
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def __iter__(self):
        return iter(self.items)


def _options(excluded, half_life, first_share, last_share, order, transitions):
    if (excluded is None and half_life is None and first_share is None
            and last_share is None and order is None and not transitions):
        return None
    o = _lib.new_struct(_lib.AttributionOptions)
    # The defaults of TP_ATTRIBUTION_OPTIONS_INIT: an _INIT macro cannot be
    # called through FFI, so they are repeated here.
    o.excluded = _lib.enc(excluded)
    o.half_life_ms = 7 * 24 * 3600 * 1000 if half_life is None else _duration(half_life)
    o.first_share = 0.4 if first_share is None else first_share
    o.last_share = 0.4 if last_share is None else last_share
    o.order = 1 if order is None else order
    o.transitions = 1 if transitions else 0
    return o


def _duration(d):
    """A half-life: milliseconds, a timedelta, or text such as "7d"."""
    if isinstance(d, str):
        return parse_duration(d)
    return _ms(d)


class Paths(_lib.Handle):
    """A path set: distinct paths to conversion with their conversions,
    non-conversions (nulls) and value. ``by`` says what the items are
    ("channel", "channel_group", "touchpoint", "stage", "source")."""
    _free = _lib.free_fn("tp_paths_free")
    _what = "path set"

    def __init__(self, by="channel", _ptr=None):
        if _ptr is None:
            out = _lib.out()
            check(lib.tp_paths_new(_by(by), ctypes.byref(out)))
            _ptr = out.value
        super().__init__(_ptr)

    @staticmethod
    def _table_options(separator, path_column, conversions_column,
                       nulls_column, value_column, by):
        o = _lib.new_struct(_lib.PathTableOptions)
        o.separator = _lib.enc(separator)
        o.path_column = _lib.enc(path_column)
        o.conversions_column = _lib.enc(conversions_column)
        o.nulls_column = _lib.enc(nulls_column)
        o.value_column = _lib.enc(value_column)
        o.by = _by(by)
        return o

    @classmethod
    def load_csv(cls, path, *, separator=None, path_column=None,
                 conversions_column=None, nulls_column=None,
                 value_column=None, by="channel"):
        """Read a path table (CSV: path,conversions,nulls,value; paths
        written "a > b > c"). Every faulty record is in the raised
        Error's ``errors`` with its line and column."""
        o = cls._table_options(separator, path_column, conversions_column,
                               nulls_column, value_column, by)
        out = _lib.out()
        call(lib.tp_paths_load_csv_file, _lib.fspath(path), ctypes.byref(o), ctypes.byref(out))
        return cls(_ptr=out.value)

    @classmethod
    def loads_csv(cls, text, source=None, *, separator=None, path_column=None,
                  conversions_column=None, nulls_column=None,
                  value_column=None, by="channel"):
        """Read a path table from text; see :meth:`load_csv`."""
        o = cls._table_options(separator, path_column, conversions_column,
                               nulls_column, value_column, by)
        b = _lib.enc(text)
        out = _lib.out()
        call(lib.tp_paths_load_csv_string, b, len(b), _lib.enc(source),
             ctypes.byref(o), ctypes.byref(out))
        return cls(_ptr=out.value)

    def add(self, items, conversions=0.0, nulls=0.0, value=0.0, times=None,
            conversion_time=None):
        """Add a path: item names (or ids from :meth:`intern`), counts and
        value. ``times`` (one per touch: milliseconds, timestamps or
        datetimes) and ``conversion_time`` make it a timed path, which
        the time-decay model needs."""
        items = list(items)
        p = _lib.new_struct(_lib.Path)
        p.n_items = len(items)
        keep = None
        if items and all(isinstance(i, int) for i in items):
            ids = (ctypes.c_uint32 * len(items))(*items)
            p.item_ids = ids
            keep = ids
        else:
            names = (ctypes.c_char_p * max(len(items), 1))(*[_lib.enc(i) for i in items])
            p.items = names
            keep = names
        if times is not None:
            t = (ctypes.c_int64 * max(len(items), 1))(*[_ms(x) for x in times])
            if len(times) != len(items):
                raise ValueError("one time per touch: %d items, %d times" % (len(items), len(times)))
            p.times = t
            if conversion_time is not None:
                p.conversion_time = _ms(conversion_time)
        p.conversions, p.nulls, p.value = conversions, nulls, value
        call(lib.tp_paths_add, self._p, ctypes.byref(p))
        del keep
        return self

    def intern(self, name):
        """The id of an item name, added when new."""
        b = _lib.enc(name)
        i = ctypes.c_uint32()
        check(lib.tp_paths_intern(self._p, b, len(b), ctypes.byref(i)))
        return i.value

    def merge(self, other):
        """Add every path of another path set to this one."""
        check(lib.tp_paths_merge(self._p, other._p))
        return self

    @property
    def by(self):
        return _lib.text(lib.tp_attribution_by_name(lib.tp_paths_by(self._p)))

    def __len__(self):
        """Distinct paths."""
        return lib.tp_paths_count(self._p)

    @property
    def row_count(self):
        return lib.tp_paths_row_count(self._p)

    @property
    def timed(self):
        """True when every converting path carries times."""
        return bool(lib.tp_paths_timed(self._p))

    @property
    def items(self):
        """Item names in id order."""
        p = self._p
        return tuple(_lib.text(lib.tp_paths_item_name(p, i))
                     for i in range(lib.tp_paths_item_count(p)))

    def find_item(self, name):
        """The id of an item; KeyError when absent."""
        i = lib.tp_paths_find_item(self._p, _lib.enc(name))
        if i < 0:
            raise KeyError(name)
        return i

    def __iter__(self):
        p = self._p
        names = self.items
        for k in range(lib.tp_paths_count(p)):
            yield PathRow(tuple(names[lib.tp_paths_path_item(p, k, j)]
                                for j in range(lib.tp_paths_path_length(p, k))),
                          lib.tp_paths_path_conversions(p, k),
                          lib.tp_paths_path_nulls(p, k),
                          lib.tp_paths_path_value(p, k))

    @property
    def total_conversions(self):
        return lib.tp_paths_total_conversions(self._p)

    @property
    def total_nulls(self):
        return lib.tp_paths_total_nulls(self._p)

    @property
    def total_value(self):
        return lib.tp_paths_total_value(self._p)

    def attribute(self, model, *, excluded=None, half_life=None,
                  first_share=None, last_share=None, order=None,
                  transitions=False):
        """Run a model (a name from :func:`touchpoint.attribution_models`)
        and return an :class:`Attribution`. ``half_life`` (time_decay) is
        milliseconds, a timedelta or text such as "7d"."""
        opts = _options(excluded, half_life, first_share, last_share, order, transitions)
        out = _lib.out()
        call(lib.tp_attribution_compute, self._p, _model(model),
             ctypes.byref(opts) if opts is not None else None, ctypes.byref(out))
        try:
            return _snapshot(out.value)
        finally:
            lib.tp_attribution_free(out.value)

    def attribute_all(self, models=None, **options):
        """Run several models and return {model name: Attribution}. By
        default every model the library has, leaving out those that
        cannot run on this path set (time decay on untimed paths), as
        ``touchpoint attribute --model all`` does."""
        if models is not None:
            return {m: self.attribute(m, **options) for m in models}
        out = {}
        for m in attribution_models():
            try:
                out[m] = self.attribute(m, **options)
            except Error as e:
                if e.name != "TP_EEMPTY":
                    raise
        return out


def _snapshot(a):
    n = lib.tp_attribution_item_count(a)
    items = []
    for i in range(n):
        items.append(AttributedItem(
            _lib.text(lib.tp_attribution_item_id(a, i)),
            lib.tp_attribution_conversions(a, i), lib.tp_attribution_value(a, i),
            lib.tp_attribution_share(a, i),
            _nan_none(lib.tp_attribution_removal_effect(a, i)),
            _nan_none(lib.tp_attribution_value_removal_effect(a, i))))
    states = tuple(_lib.text(lib.tp_attribution_state_name(a, i))
                   for i in range(lib.tp_attribution_state_count(a)))
    trans = []
    f, t = ctypes.c_size_t(), ctypes.c_size_t()
    w, p = ctypes.c_double(), ctypes.c_double()
    for i in range(lib.tp_attribution_transition_count(a)):
        check(lib.tp_attribution_transition(a, i, ctypes.byref(f), ctypes.byref(t),
                                            ctypes.byref(w), ctypes.byref(p)))
        trans.append(Transition(states[f.value], states[t.value], w.value, p.value))
    return Attribution(
        _lib.text(lib.tp_attribution_model_name(lib.tp_attribution_get_model(a))),
        _lib.text(lib.tp_attribution_by_name(lib.tp_attribution_get_by(a))),
        lib.tp_attribution_get_order(a),
        lib.tp_attribution_total_conversions(a), lib.tp_attribution_total_value(a),
        _nan_none(lib.tp_attribution_conversion_probability(a)),
        tuple(items), states, tuple(trans))
