# SPDX-License-Identifier: MIT
"""Journeys, paths to conversion, path counts, funnels and the touchpoint
matrix (journey.h, funnel.h, matrix.h, state.h).

These parts of the API are newer than the rest: a library without them
still serves everything else, and the classes here raise
NotImplementedError when it lacks them.
"""
import ctypes
from ctypes import (POINTER, Structure, c_char_p, c_double, c_int, c_int32,
                    c_int64, c_size_t, c_uint, c_uint32, c_uint64, c_void_p)
from dataclasses import dataclass
from typing import Optional, Tuple

from . import _lib
from ._lib import lib
from .attribution import Paths
from .catalog import Catalog
from .errors import Error, call, check
from .events import parse_duration, parse_timestamp
from .taxonomy import dimension_id, dimension_value, dimension_value_name, field_id

P, PP, S, SZ, STR = c_void_p, POINTER(c_void_p), c_int, c_size_t, c_char_p
SZP = POINTER(c_size_t)


class Touch(Structure):
    """tp_touch (journey.h)."""
    _fields_ = [("size", SZ), ("customer_id", c_char_p), ("customer_id_len", SZ),
                ("timestamp_ms", c_int64), ("event", c_char_p), ("event_len", SZ),
                ("touchpoint", c_int32), ("channel", c_int32), ("stage", c_int32),
                ("phase", c_int),
                ("channel_group", c_char_p), ("channel_group_len", SZ),
                ("source", c_char_p), ("source_len", SZ),
                ("medium", c_char_p), ("medium_len", SZ),
                ("campaign", c_char_p), ("campaign_len", SZ),
                ("has_value", c_int), ("value", c_double),
                ("has_score", c_int), ("score", c_double),
                ("conversion", c_int), ("attrs", POINTER(_lib.Attr)), ("n_attrs", SZ)]


class JourneyOptions(Structure):
    """tp_journey_options (journey.h)."""
    _fields_ = [("size", SZ), ("session_timeout_ms", c_int64), ("session_midnight", c_int),
                ("session_utc_offset_minutes", c_int32),
                ("session_on_campaign_change", c_int),
                ("conversions", POINTER(c_char_p)), ("n_conversions", SZ)]


class JourneyEventC(Structure):
    """tp_journey_event (journey.h)."""
    _fields_ = [("size", SZ), ("customer_number", SZ), ("timestamp_ms", c_int64),
                ("event", c_char_p), ("touchpoint", c_int32), ("channel", c_int32),
                ("stage", c_int32), ("phase", c_int), ("channel_group", c_char_p),
                ("source", c_char_p), ("medium", c_char_p), ("campaign", c_char_p),
                ("has_value", c_int), ("value", c_double), ("has_score", c_int),
                ("score", c_double), ("is_conversion", c_int), ("session", SZ),
                ("session_start", c_int), ("event_id", c_uint32),
                ("channel_group_id", c_uint32), ("source_id", c_uint32),
                ("medium_id", c_uint32), ("campaign_id", c_uint32)]


class PathOptions(Structure):
    """tp_journey_path_options (journey.h); zero is the default."""
    _fields_ = [("size", SZ), ("lookback_ms", c_int64), ("lookback_steps", SZ),
                ("touches", c_int), ("exclude_conversion", c_int)]


class MatrixOptions(Structure):
    """tp_matrix_options (matrix.h)."""
    _fields_ = [("size", SZ), ("rows", c_char_p), ("cols", c_char_p)]


class MatrixCellC(Structure):
    """tp_matrix_cell (matrix.h)."""
    _fields_ = [("size", SZ), ("events", c_uint64), ("customers", c_uint64),
                ("converted", c_uint64), ("conversion_rate", c_double),
                ("scores", c_uint64), ("mean_score", c_double)]


class StepStatsC(Structure):
    """tp_funnel_step_stats (funnel.h)."""
    _fields_ = [("size", SZ), ("name", c_char_p), ("customers", c_uint64),
                ("conversion_from_previous", c_double), ("conversion_from_first", c_double),
                ("dropped", c_uint64), ("has_times", c_int),
                ("median_seconds_from_previous", c_double),
                ("p90_seconds_from_previous", c_double)]


_FUNCTIONS = {
    "tp_state_kind_name": (STR, [c_int]),
    "tp_state_format_name": (STR, [c_int]),
    "tp_state_format_parse": (S, [STR, POINTER(c_int)]),
    "tp_state_identify": (S, [c_char_p, SZ, STR, POINTER(c_int), POINTER(c_int), P]),
    "tp_journey_store_new": (S, [P, POINTER(JourneyOptions), PP, P]),
    "tp_journey_store_free": (None, [P]),
    "tp_journey_store_keep_field": (S, [P, STR]),
    "tp_journey_store_add": (S, [P, POINTER(Touch), P]),
    "tp_journey_store_finish": (S, [P]),
    "tp_journey_store_is_finished": (c_int, [P]),
    "tp_journey_store_customer_count": (SZ, [P]),
    "tp_journey_store_event_count": (SZ, [P]),
    "tp_journey_store_customer_id": (STR, [P, SZ]),
    "tp_journey_store_find_customer": (c_int64, [P, STR]),
    "tp_journey_store_journey": (S, [P, SZ, SZP, SZP]),
    "tp_journey_store_session_count": (SZ, [P, SZ]),
    "tp_journey_store_event": (S, [P, SZ, POINTER(JourneyEventC)]),
    "tp_journey_store_find_field": (c_int, [P, STR]),
    "tp_journey_store_event_field": (STR, [P, SZ, c_int]),
    "tp_journey_path_iter_new": (S, [P, POINTER(PathOptions), PP]),
    "tp_journey_path_iter_free": (None, [P]),
    "tp_journey_path_iter_next": (c_int, [P]),
    "tp_journey_path_iter_customer": (SZ, [P]),
    "tp_journey_path_iter_converted": (c_int, [P]),
    "tp_journey_path_iter_end_time": (c_int64, [P]),
    "tp_journey_path_iter_value": (c_double, [P]),
    "tp_journey_path_iter_length": (SZ, [P]),
    "tp_journey_path_iter_events": (POINTER(c_size_t), [P]),
    "tp_journey_path_iter_times": (POINTER(c_int64), [P]),
    "tp_path_counts_compute": (S, [P, STR, POINTER(PathOptions), PP, P]),
    "tp_path_counts_free": (None, [P]),
    "tp_path_counts_merge": (S, [P, P, P]),
    "tp_path_counts_save": (S, [P, c_int, PP, SZP]),
    "tp_path_counts_load": (S, [c_char_p, SZ, STR, PP, P]),
    "tp_path_counts_field": (STR, [P]),
    "tp_path_counts_count": (SZ, [P]),
    "tp_path_counts_length": (SZ, [P, SZ]),
    "tp_path_counts_item": (STR, [P, SZ, SZ]),
    "tp_path_counts_conversions": (c_uint64, [P, SZ]),
    "tp_path_counts_nulls": (c_uint64, [P, SZ]),
    "tp_path_counts_value": (c_double, [P, SZ]),
    "tp_path_counts_totals": (S, [P, POINTER(c_uint64), POINTER(c_uint64), POINTER(c_double)]),
    "tp_funnel_mode_parse": (S, [STR, POINTER(c_uint)]),
    "tp_funnel_mode_name": (STR, [c_uint]),
    "tp_funnel_count_parse": (S, [STR, POINTER(c_int)]),
    "tp_funnel_count_name": (STR, [c_int]),
    "tp_funnel_attribution_parse": (S, [STR, POINTER(c_int)]),
    "tp_funnel_new": (S, [PP]),
    "tp_funnel_new_from_catalog": (S, [P, STR, PP, P]),
    "tp_funnel_free": (None, [P]),
    "tp_funnel_add_step": (S, [P, STR, STR, P]),
    "tp_funnel_add_exclusion": (S, [P, STR, P]),
    "tp_funnel_set_window": (S, [P, c_int64]),
    "tp_funnel_set_mode": (S, [P, c_uint]),
    "tp_funnel_set_count": (S, [P, c_int]),
    "tp_funnel_set_breakdown": (S, [P, STR, c_int, SZ]),
    "tp_funnel_step_count": (SZ, [P]),
    "tp_funnel_step_name": (STR, [P, SZ]),
    "tp_funnel_keep_fields": (S, [P, P]),
    "tp_funnel_run": (S, [P, P, PP, P]),
    "tp_funnel_state_free": (None, [P]),
    "tp_funnel_state_merge": (S, [P, P, P]),
    "tp_funnel_state_save": (S, [P, c_int, PP, SZP]),
    "tp_funnel_state_load": (S, [c_char_p, SZ, STR, PP, P]),
    "tp_funnel_state_step_count": (SZ, [P]),
    "tp_funnel_state_step_name": (STR, [P, SZ]),
    "tp_funnel_state_step_condition": (STR, [P, SZ]),
    "tp_funnel_state_settings": (S, [P, POINTER(c_int64), POINTER(c_uint), POINTER(c_int)]),
    "tp_funnel_state_journeys": (c_uint64, [P]),
    "tp_funnel_state_breakdown": (STR, [P]),
    "tp_funnel_state_group_count": (SZ, [P]),
    "tp_funnel_state_group_label": (STR, [P, SZ]),
    "tp_funnel_state_step": (S, [P, SZ, SZ, POINTER(StepStatsC)]),
    "tp_funnel_state_next_count": (SZ, [P, SZ, SZ]),
    "tp_funnel_state_next": (S, [P, SZ, SZ, SZ, POINTER(c_char_p), POINTER(c_uint64)]),
    "tp_matrix_compute": (S, [P, POINTER(MatrixOptions), PP, P]),
    "tp_matrix_free": (None, [P]),
    "tp_matrix_merge": (S, [P, P, P]),
    "tp_matrix_save": (S, [P, c_int, PP, SZP]),
    "tp_matrix_load": (S, [c_char_p, SZ, STR, PP, P]),
    "tp_matrix_rows_field": (STR, [P]),
    "tp_matrix_cols_field": (STR, [P]),
    "tp_matrix_row_count": (SZ, [P]),
    "tp_matrix_col_count": (SZ, [P]),
    "tp_matrix_row_label": (STR, [P, SZ]),
    "tp_matrix_col_label": (STR, [P, SZ]),
    "tp_matrix_cell_get": (S, [P, SZ, SZ, POINTER(MatrixCellC)]),
}

_f = {name: _lib.declare(name, res, args) for name, (res, args) in _FUNCTIONS.items()}
#: True when the loaded library has the journey, funnel and matrix API.
AVAILABLE = all(f is not None for f in _f.values())

#: Which events of a journey are a path's touches
#: (tp_journey_path_touches; the library has no names for them).
PATH_TOUCHES = {"events": 1, "sessions": 2, "touchpoints": 3}
#: tp_funnel_state's group number for everyone (TP_FUNNEL_ALL_GROUPS).
_ALL_GROUPS = ctypes.c_size_t(-1).value


def _need():
    if not AVAILABLE:
        raise NotImplementedError("this libtouchpoint lacks the journey API (journey.h, "
                                  "funnel.h, matrix.h): %s" % ", ".join(
                                      n for n, f in _f.items() if f is None))


def _text(b):
    return _lib.text(b)


def _enum_parse(fn, name, what, ctype=c_int):
    v = ctype()
    st = fn(_lib.enc(name), ctypes.byref(v))
    if st < 0:
        raise Error(st, "unknown %s %r" % (what, name))
    return v.value


def _state_format(fmt):
    return _enum_parse(_f["tp_state_format_parse"], fmt, "state format")


def _saved(fn, ptr, fmt):
    out = ctypes.c_void_p()
    n = ctypes.c_size_t()
    check(fn(ptr, _state_format(fmt), ctypes.byref(out), ctypes.byref(n)))
    try:
        return ctypes.string_at(out.value, n.value)
    finally:
        lib.tp_free(out)


def _loaded(cls, fn, data, source):
    _need()
    if isinstance(data, str):
        data = data.encode("utf-8")
    out = _lib.out()
    call(fn, data, len(data), _lib.enc(source), ctypes.byref(out))
    return cls(out.value)


def state_kind(data, source=None):
    """Recognise a saved state: (kind, format) names, such as
    ("funnel", "json"), without reading the rest."""
    _need()
    if isinstance(data, str):
        data = data.encode("utf-8")
    k, f = c_int(), c_int()
    call(_f["tp_state_identify"], data, len(data), _lib.enc(source),
         ctypes.byref(k), ctypes.byref(f))
    return _text(_f["tp_state_kind_name"](k.value)), _text(_f["tp_state_format_name"](f.value))


def _path_options(lookback, lookback_steps, touches, exclude_conversion):
    o = _lib.new_struct(PathOptions)
    o.lookback_ms = 0 if lookback is None else parse_duration(lookback)
    o.lookback_steps = lookback_steps or 0
    if touches is not None:
        if touches not in PATH_TOUCHES:
            raise ValueError("touches is one of %s" % ", ".join(PATH_TOUCHES))
        o.touches = PATH_TOUCHES[touches]
    o.exclude_conversion = 1 if exclude_conversion else 0
    return o


# ---------------------------------------------------------------------------
# Journeys
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class JourneyEvent:
    """One event of a journey, as the store gives it back."""
    index: int                      #: the event's number in the store
    customer: str
    timestamp: int                  #: milliseconds since the epoch
    event: Optional[str]
    touchpoint: Optional[str]       #: catalog ids
    channel: Optional[str]
    stage: Optional[str]
    phase: str
    channel_group: Optional[str]
    source: Optional[str]
    medium: Optional[str]
    campaign: Optional[str]
    value: Optional[float]
    score: Optional[float]
    conversion: bool
    session: int                    #: session number within the journey, from 0
    session_start: bool


@dataclass(frozen=True)
class Journey:
    """One customer's events, in time order."""
    customer: str
    events: Tuple[JourneyEvent, ...]
    sessions: int

    def __iter__(self):
        return iter(self.events)

    def __len__(self):
        return len(self.events)


@dataclass(frozen=True)
class JourneyPath:
    """A path to conversion (or the non-converting rest of a journey)."""
    customer: str
    converted: bool
    end_time: int
    value: float
    touches: Tuple[JourneyEvent, ...]


def _conversions_array(conversions):
    names = [_lib.enc(c) for c in conversions]
    return (c_char_p * max(len(names), 1))(*names), len(names)


class JourneyStore(_lib.Handle):
    """Collects classified events in any order and, once finished, gives
    every customer's journey in time order, cut into sessions.

    Args:
        catalog: the catalog the touches refer to (default: built-in).
        session_timeout: inactivity that starts a session (ms, timedelta
            or text such as "30m"; 0: never); default 30 minutes.
        session_midnight, utc_offset_minutes: also start one at midnight.
        session_on_campaign_change: also when source/medium/campaign change.
        conversions: conditions "FIELD=VALUE" (or a bare event name) that
            make an event a conversion; default "event=purchase".
        keep_fields: raw attributes to keep for the analyses ("url_path").
    """
    _free = None          # set below when the library has the journey API
    _what = "journey store"

    def __init__(self, catalog=None, *, session_timeout=None, session_midnight=False,
                 utc_offset_minutes=0, session_on_campaign_change=False,
                 conversions=None, keep_fields=()):
        _need()
        owned = None
        if catalog is None:
            catalog = owned = Catalog.default()
        self.catalog = catalog
        opts = None
        keep = None
        if (session_timeout is not None or session_midnight or utc_offset_minutes
                or session_on_campaign_change or conversions is not None):
            opts = _lib.new_struct(JourneyOptions)
            # TP_JOURNEY_OPTIONS_INIT's default timeout (an _INIT macro
            # cannot be called through FFI).
            opts.session_timeout_ms = (30 * 60 * 1000 if session_timeout is None
                                       else parse_duration(session_timeout))
            opts.session_midnight = 1 if session_midnight else 0
            opts.session_utc_offset_minutes = utc_offset_minutes
            opts.session_on_campaign_change = 1 if session_on_campaign_change else 0
            if conversions is not None:
                keep, n = _conversions_array(list(conversions))
                opts.conversions, opts.n_conversions = keep, n
        out = _lib.out()
        try:
            call(_f["tp_journey_store_new"], catalog._p,
                 ctypes.byref(opts) if opts is not None else None, ctypes.byref(out))
        except BaseException:
            if owned is not None:
                owned.close()
            raise
        super().__init__(out.value)
        if owned is not None:
            self._own(owned)
        del keep
        for name in keep_fields:
            self.keep_field(name)

    def keep_field(self, name):
        """Keep a raw attribute of every event added from now on."""
        check(_f["tp_journey_store_keep_field"](self._p, _lib.enc(name)))
        return self

    # -- adding -----------------------------------------------------------

    def add(self, customer_id, timestamp, event=None, *, touchpoint=None, channel=None,
            stage=None, phase=None, channel_group=None, source=None, medium=None,
            campaign=None, value=None, score=None, conversion=None, attrs=None):
        """Add one event given by its members: catalog ids for touchpoint,
        channel and stage, a phase name, ``conversion`` True/False to
        override the store's conditions, ``attrs`` a dict of raw
        attributes (for kept fields)."""
        t = _lib.new_struct(Touch)
        keep = []

        def s(name, v):
            if v is not None:
                b = _lib.enc(v)
                keep.append(b)
                setattr(t, name, b)
                setattr(t, name + "_len", len(b))
        s("customer_id", customer_id)
        t.timestamp_ms = timestamp if isinstance(timestamp, int) else parse_timestamp(timestamp)
        s("event", event)
        cat = self.catalog
        t.touchpoint = cat.touchpoint(touchpoint).index if touchpoint is not None else -1
        t.channel = cat.channel(channel).index if channel is not None else -1
        t.stage = cat.stage(stage).index if stage is not None else -1
        if phase is not None:
            t.phase = dimension_value("phase", phase)
        s("channel_group", channel_group)
        s("source", source)
        s("medium", medium)
        s("campaign", campaign)
        if value is not None:
            t.has_value, t.value = 1, value
        if score is not None:
            t.has_score, t.score = 1, score
        if conversion is not None:
            t.conversion = 1 if conversion else 2     # TP_CONVERSION_YES / _NO
        if attrs:
            arr = (_lib.Attr * len(attrs))()
            for i, (k, v) in enumerate(attrs.items()):
                kb, vb = _lib.enc(k), _lib.enc(v)
                keep.append((kb, vb))
                arr[i].key, arr[i].key_len, arr[i].value, arr[i].value_len = kb, len(kb), vb, len(vb)
            t.attrs, t.n_attrs = arr, len(attrs)
            keep.append(arr)
        call(_f["tp_journey_store_add"], self._p, ctypes.byref(t))
        return self                 # keep held the strings until here

    def _add_result(self, result, attrs, n):
        t = _lib.new_struct(Touch)
        ln = ctypes.c_size_t()
        for name in ("customer_id", "event", "channel_group", "source", "medium", "campaign"):
            p = lib.tp_result_field(result, field_id(name), ctypes.byref(ln))
            if p:
                setattr(t, name, ctypes.cast(p, c_char_p))
                setattr(t, name + "_len", ln.value)
        ms = ctypes.c_int64()
        st = lib.tp_result_timestamp(result, ctypes.byref(ms))
        if st < 0:
            raise Error(st, "the event has no valid timestamp")
        t.timestamp_ms = ms.value
        t.touchpoint = lib.tp_result_touchpoint(result)
        t.channel = lib.tp_result_channel(result)
        t.stage = lib.tp_result_stage(result)
        for k in ("touchpoint", "channel", "stage"):
            if getattr(t, k) < 0:
                setattr(t, k, -1)
        t.phase = max(lib.tp_result_dimension(result, dimension_id("phase")), 0)
        x = ctypes.c_double()
        if lib.tp_result_number(result, field_id("value"), ctypes.byref(x)) == 0:
            t.has_value, t.value = 1, x.value
        if lib.tp_result_number(result, field_id("score"), ctypes.byref(x)) == 0:
            t.has_score, t.score = 1, x.value
        t.attrs, t.n_attrs = attrs, n
        call(_f["tp_journey_store_add"], self._p, ctypes.byref(t))

    def add_event(self, event, classifier):
        """Classify a raw event (a dict) with ``classifier`` and add it.
        It needs a customer_id and a timestamp."""
        classifier._with_attrs(event, lambda session, attrs, n:
                               self._add_result(session.result, attrs, n))
        return self

    def add_events(self, events, classifier):
        """Classify and add every event of an iterable."""
        for e in events:
            self.add_event(e, classifier)
        return self

    def add_file(self, path, classifier, on_reject=None):
        """Classify and add every line of an NDJSON file. A line the
        reader refuses, or whose event the store refuses (no customer id
        or timestamp), raises Error with the file and line, or goes to
        ``on_reject`` and is skipped, as in Classifier.classify_file."""
        def add(session, attrs, n, line, lineno, source):
            try:
                self._add_result(session.result, attrs, n)
            except Error as e:
                e.source, e.line = source, lineno
                e._formatted = "%s:%d: %s" % (source, lineno, e.message)
                if on_reject is None:
                    raise
                on_reject(e)
        classifier._each_line(path, on_reject, add)
        return self

    def finish(self):
        """Sort the events into journeys and cut the sessions; no event
        can be added afterwards. Calling it again does nothing."""
        check(_f["tp_journey_store_finish"](self._p))
        return self

    # -- reading ------------------------------------------------------------

    @property
    def finished(self):
        return bool(_f["tp_journey_store_is_finished"](self._p))

    def __len__(self):
        """Customers (journeys)."""
        return _f["tp_journey_store_customer_count"](self._p)

    @property
    def event_count(self):
        return _f["tp_journey_store_event_count"](self._p)

    @property
    def customers(self):
        """Customer ids, numbered in the order their first event came."""
        p = self._p
        return tuple(_text(_f["tp_journey_store_customer_id"](p, i)) for i in range(len(self)))

    def _event(self, index):
        e = _lib.new_struct(JourneyEventC)
        check(_f["tp_journey_store_event"](self._p, index, ctypes.byref(e)))
        cat = self.catalog
        return JourneyEvent(
            index, _text(_f["tp_journey_store_customer_id"](self._p, e.customer_number)),
            e.timestamp_ms, _text(e.event),
            cat.touchpoints[e.touchpoint].id if e.touchpoint >= 0 else None,
            cat.channels[e.channel].id if e.channel >= 0 else None,
            cat.stages[e.stage].id if e.stage >= 0 else None,
            dimension_value_name("phase", e.phase),
            _text(e.channel_group), _text(e.source), _text(e.medium), _text(e.campaign),
            e.value if e.has_value else None, e.score if e.has_score else None,
            bool(e.is_conversion), e.session, bool(e.session_start))

    def journey(self, customer):
        """The journey of a customer (an id or a number)."""
        p = self._p
        if isinstance(customer, str):
            c = _f["tp_journey_store_find_customer"](p, _lib.enc(customer))
            if c < 0:
                raise KeyError(customer)
            customer = c
        first, count = ctypes.c_size_t(), ctypes.c_size_t()
        check(_f["tp_journey_store_journey"](p, customer, ctypes.byref(first), ctypes.byref(count)))
        return Journey(_text(_f["tp_journey_store_customer_id"](p, customer)),
                       tuple(self._event(first.value + i) for i in range(count.value)),
                       _f["tp_journey_store_session_count"](p, customer))

    def __iter__(self):
        """Every journey, customer by customer (the store must be finished)."""
        for c in range(len(self)):
            yield self.journey(c)

    def event_field(self, index, name):
        """The value of a field (or kept attribute) on an event, as text."""
        f = _f["tp_journey_store_find_field"](self._p, _lib.enc(name))
        if f < 0:
            raise Error(f, "unknown field %r" % name)
        return _text(_f["tp_journey_store_event_field"](self._p, index, f))

    def paths(self, *, lookback=None, lookback_steps=0, touches=None,
              exclude_conversion=False):
        """The paths to conversion of every journey (a generator of
        JourneyPath), cut as the options say: ``lookback`` (ms, timedelta
        or "30d"), ``lookback_steps``, ``touches`` ("events", "sessions",
        "touchpoints"), ``exclude_conversion``."""
        o = _path_options(lookback, lookback_steps, touches, exclude_conversion)
        out = _lib.out()
        check(_f["tp_journey_path_iter_new"](self._p, ctypes.byref(o), ctypes.byref(out)))
        it = out.value
        try:
            while _f["tp_journey_path_iter_next"](it):
                n = _f["tp_journey_path_iter_length"](it)
                evs = _f["tp_journey_path_iter_events"](it)
                touches_ = tuple(self._event(evs[i]) for i in range(n))
                yield JourneyPath(
                    _text(_f["tp_journey_store_customer_id"](
                        self._p, _f["tp_journey_path_iter_customer"](it))),
                    bool(_f["tp_journey_path_iter_converted"](it)),
                    _f["tp_journey_path_iter_end_time"](it),
                    _f["tp_journey_path_iter_value"](it), touches_)
        finally:
            _f["tp_journey_path_iter_free"](it)

    def attribution_paths(self, field="channel", by=None, **path_options):
        """A timed attribution path set (touchpoint.Paths) of the paths to
        conversion, items being the values of ``field``; touches without
        a value are left out. Time decay can run on it."""
        fh = _f["tp_journey_store_find_field"](self._p, _lib.enc(field))
        if fh < 0:
            raise Error(fh, "unknown field %r" % field)
        paths = Paths(by=by if by is not None else field)
        try:
            for p in self.paths(**path_options):
                items, times = [], []
                for t in p.touches:
                    v = _text(_f["tp_journey_store_event_field"](self._p, t.index, fh))
                    if v:
                        items.append(v)
                        times.append(t.timestamp)
                if not items:
                    continue
                if p.converted:
                    paths.add(items, conversions=1, value=p.value, times=times,
                              conversion_time=p.end_time)
                else:
                    paths.add(items, nulls=1, times=times)
        except BaseException:
            paths.close()
            raise
        return paths

    def path_counts(self, field="channel", **path_options):
        """PathCounts of the paths by a field (a mergeable state)."""
        o = _path_options(path_options.pop("lookback", None), path_options.pop("lookback_steps", 0),
                          path_options.pop("touches", None),
                          path_options.pop("exclude_conversion", False))
        if path_options:
            raise TypeError("unknown options %s" % ", ".join(path_options))
        out = _lib.out()
        call(_f["tp_path_counts_compute"], self._p, _lib.enc(field), ctypes.byref(o),
             ctypes.byref(out))
        return PathCounts(out.value)

    def matrix(self, rows=None, cols=None):
        """The touchpoint matrix: rows by one field (default channel),
        columns by another (default stage; "all": one column)."""
        o = _lib.new_struct(MatrixOptions)
        o.rows, o.cols = _lib.enc(rows), _lib.enc(cols)
        out = _lib.out()
        call(_f["tp_matrix_compute"], self._p, ctypes.byref(o), ctypes.byref(out))
        return Matrix(out.value)

    def funnel(self, funnel):
        """Run a Funnel (or a catalog funnel id) on the store: a FunnelState."""
        if not isinstance(funnel, Funnel):
            with Funnel.from_catalog(self.catalog, funnel) as f:
                return f.run(self)
        return funnel.run(self)


# ---------------------------------------------------------------------------
# Path counts
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PathCount:
    """A distinct path of path counts."""
    items: Tuple[str, ...]
    conversions: int
    nulls: int
    value: float


class PathCounts(_lib.Handle):
    """Distinct paths written in one field's values with their counts: the
    path table of attribution, as a mergeable state."""
    _what = "path counts"

    @classmethod
    def load(cls, data, source=None):
        """Read counts saved by :meth:`save` (either format)."""
        return _loaded(cls, _f["tp_path_counts_load"], data, source)

    def save(self, format):
        """The state as bytes, in the "binary" or "json" format."""
        return _saved(_f["tp_path_counts_save"], self._p, format)

    def merge(self, other):
        call(_f["tp_path_counts_merge"], self._p, other._p)
        return self

    @property
    def field(self):
        return _text(_f["tp_path_counts_field"](self._p))

    def __len__(self):
        return _f["tp_path_counts_count"](self._p)

    def __iter__(self):
        p = self._p
        for i in range(len(self)):
            yield PathCount(tuple(_text(_f["tp_path_counts_item"](p, i, k))
                                  for k in range(_f["tp_path_counts_length"](p, i))),
                            _f["tp_path_counts_conversions"](p, i),
                            _f["tp_path_counts_nulls"](p, i), _f["tp_path_counts_value"](p, i))

    @property
    def totals(self):
        """(conversions, nulls, value) over all paths."""
        c, n, v = c_uint64(), c_uint64(), c_double()
        check(_f["tp_path_counts_totals"](self._p, ctypes.byref(c), ctypes.byref(n), ctypes.byref(v)))
        return c.value, n.value, v.value

    def to_paths(self, by=None):
        """An attribution path set (touchpoint.Paths) of the non-empty paths."""
        paths = Paths(by=by if by is not None else self.field)
        for row in self:
            if row.items:
                paths.add(row.items, row.conversions, row.nulls, row.value)
        return paths


# ---------------------------------------------------------------------------
# Funnels
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FunnelStep:
    """One step of a funnel result."""
    name: str
    condition: str
    customers: int                      #: customers (or attempts) that reached it
    conversion_from_previous: float
    conversion_from_first: float
    dropped: int                        #: reached the previous step, not this one
    median_seconds_from_previous: Optional[float]
    p90_seconds_from_previous: Optional[float]
    next: Tuple[Tuple[Optional[str], int], ...] = ()   #: where the dropped went: (touchpoint, customers)


class Funnel(_lib.Handle):
    """A funnel definition: ordered steps "FIELD=VALUE" (event=cart,
    stage=consideration, touchpoint=free_trial...).

    Args:
        steps: conditions, or (condition, name) pairs.
        exclusions: conditions that disqualify an attempt.
        window: ms, timedelta or text ("7d"); default none.
        mode: "strict_order", "strict_increase", "strict_deduplication",
            combined with commas (the library's names).
        count: "customers" or "attempts".
        breakdown: a field; ``breakdown_by`` "first_touch", "last_touch"
            or "step" (with ``breakdown_step``, from 1).
    """
    _what = "funnel"

    def __init__(self, steps=(), *, exclusions=(), window=None, mode=None, count=None,
                 breakdown=None, breakdown_by=None, breakdown_step=0, _ptr=None):
        _need()
        if _ptr is None:
            out = _lib.out()
            check(_f["tp_funnel_new"](ctypes.byref(out)))
            _ptr = out.value
        super().__init__(_ptr)
        try:
            for s in steps:
                if isinstance(s, tuple):
                    self.add_step(*s)
                else:
                    self.add_step(s)
            for x in exclusions:
                self.add_exclusion(x)
            if window is not None:
                self.set_window(window)
            if mode is not None:
                self.set_mode(mode)
            if count is not None:
                self.set_count(count)
            if breakdown is not None:
                self.set_breakdown(breakdown, breakdown_by, breakdown_step)
        except BaseException:
            self.close()
            raise

    @classmethod
    def from_catalog(cls, catalog=None, funnel_id=None, **settings):
        """A funnel whose steps are a catalog funnel's stages (default: the
        built-in catalog's seven_stage funnel)."""
        _need()
        cat = catalog if catalog is not None else Catalog.default()
        out = _lib.out()
        try:
            call(_f["tp_funnel_new_from_catalog"], cat._p, _lib.enc(funnel_id), ctypes.byref(out))
        finally:
            if catalog is None:
                cat.close()
        return cls(_ptr=out.value, **settings)

    def add_step(self, condition, name=None):
        call(_f["tp_funnel_add_step"], self._p, _lib.enc(condition), _lib.enc(name))
        return self

    def add_exclusion(self, condition):
        call(_f["tp_funnel_add_exclusion"], self._p, _lib.enc(condition))
        return self

    def set_window(self, window):
        check(_f["tp_funnel_set_window"](self._p, parse_duration(window)))
        return self

    def set_mode(self, mode):
        if isinstance(mode, (list, tuple)):
            mode = ",".join(mode)
        m = mode if isinstance(mode, int) else _enum_parse(_f["tp_funnel_mode_parse"], mode,
                                                           "funnel mode", c_uint)
        check(_f["tp_funnel_set_mode"](self._p, m))
        return self

    def set_count(self, count):
        check(_f["tp_funnel_set_count"](self._p, _enum_parse(_f["tp_funnel_count_parse"],
                                                              count, "funnel count")))
        return self

    def set_breakdown(self, field, by=None, step=0):
        """Break the results down by a field (None removes it)."""
        a = 0 if by is None else _enum_parse(_f["tp_funnel_attribution_parse"], by,
                                             "funnel attribution")
        check(_f["tp_funnel_set_breakdown"](self._p, _lib.enc(field), a, step))
        return self

    @property
    def steps(self):
        p = self._p
        return tuple(_text(_f["tp_funnel_step_name"](p, i))
                     for i in range(_f["tp_funnel_step_count"](p)))

    def keep_fields(self, store):
        """Make the store keep the raw attributes the steps test (call it
        before adding events)."""
        check(_f["tp_funnel_keep_fields"](self._p, store._p))
        return self

    def run(self, store):
        """Run on a finished JourneyStore: a FunnelState."""
        out = _lib.out()
        call(_f["tp_funnel_run"], self._p, store._p, ctypes.byref(out))
        return FunnelState(out.value)


class FunnelState(_lib.Handle):
    """The result of a funnel: per step the customers that reached it,
    conversions, drop-offs, times and where the dropped went; optionally
    broken down by a field. A mergeable state."""
    _what = "funnel result"

    @classmethod
    def load(cls, data, source=None):
        return _loaded(cls, _f["tp_funnel_state_load"], data, source)

    def save(self, format):
        """The state as bytes, in the "binary" or "json" format."""
        return _saved(_f["tp_funnel_state_save"], self._p, format)

    def merge(self, other):
        call(_f["tp_funnel_state_merge"], self._p, other._p)
        return self

    @property
    def settings(self):
        """{"window_ms", "mode" (list of flag names), "count"}."""
        w, m, c = c_int64(), c_uint(), c_int()
        check(_f["tp_funnel_state_settings"](self._p, ctypes.byref(w), ctypes.byref(m),
                                             ctypes.byref(c)))
        flags, bit = [], 1
        while True:
            name = _f["tp_funnel_mode_name"](bit)
            if name is None:
                break
            if m.value & bit:
                flags.append(_text(name))
            bit <<= 1
        return {"window_ms": w.value, "mode": flags,
                "count": _text(_f["tp_funnel_count_name"](c.value))}

    @property
    def journeys(self):
        return _f["tp_funnel_state_journeys"](self._p)

    @property
    def breakdown(self):
        return _text(_f["tp_funnel_state_breakdown"](self._p))

    @property
    def groups(self):
        """Breakdown values (None for "no value"); () without breakdown."""
        p = self._p
        return tuple(_text(_f["tp_funnel_state_group_label"](p, g))
                     for g in range(_f["tp_funnel_state_group_count"](p)))

    def steps(self, group=None):
        """The FunnelSteps of everyone (group None) or of one breakdown
        group (its number in :attr:`groups`)."""
        p = self._p
        g = _ALL_GROUPS if group is None else group
        out = []
        for i in range(_f["tp_funnel_state_step_count"](p)):
            s = _lib.new_struct(StepStatsC)
            check(_f["tp_funnel_state_step"](p, g, i, ctypes.byref(s)))
            nxt = []
            tp, n = c_char_p(), c_uint64()
            for r in range(_f["tp_funnel_state_next_count"](p, g, i)):
                check(_f["tp_funnel_state_next"](p, g, i, r, ctypes.byref(tp), ctypes.byref(n)))
                nxt.append((_text(tp.value), n.value))
            out.append(FunnelStep(
                _text(s.name), _text(_f["tp_funnel_state_step_condition"](p, i)),
                s.customers, s.conversion_from_previous, s.conversion_from_first, s.dropped,
                s.median_seconds_from_previous if s.has_times else None,
                s.p90_seconds_from_previous if s.has_times else None, tuple(nxt)))
        return out

    def __iter__(self):
        return iter(self.steps())


# ---------------------------------------------------------------------------
# Matrix
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MatrixCell:
    """The figures of one cell of the touchpoint matrix."""
    row: Optional[str]
    col: Optional[str]
    events: int
    customers: int
    converted: int
    conversion_rate: float
    scores: int
    mean_score: float


class Matrix(_lib.Handle):
    """The touchpoint matrix (channels against stages by default): per
    cell events, customers, converted customers, conversion rate and mean
    satisfaction score. A mergeable state."""
    _what = "matrix"

    @classmethod
    def load(cls, data, source=None):
        return _loaded(cls, _f["tp_matrix_load"], data, source)

    def save(self, format):
        """The state as bytes, in the "binary" or "json" format."""
        return _saved(_f["tp_matrix_save"], self._p, format)

    def merge(self, other):
        call(_f["tp_matrix_merge"], self._p, other._p)
        return self

    @property
    def rows_field(self):
        return _text(_f["tp_matrix_rows_field"](self._p))

    @property
    def cols_field(self):
        return _text(_f["tp_matrix_cols_field"](self._p))

    @property
    def rows(self):
        p = self._p
        return tuple(_text(_f["tp_matrix_row_label"](p, i)) for i in range(_f["tp_matrix_row_count"](p)))

    @property
    def cols(self):
        p = self._p
        return tuple(_text(_f["tp_matrix_col_label"](p, i)) for i in range(_f["tp_matrix_col_count"](p)))

    def cell(self, row, col):
        """A cell by row and column number."""
        c = _lib.new_struct(MatrixCellC)
        check(_f["tp_matrix_cell_get"](self._p, row, col, ctypes.byref(c)))
        return MatrixCell(_text(_f["tp_matrix_row_label"](self._p, row)),
                          _text(_f["tp_matrix_col_label"](self._p, col)),
                          c.events, c.customers, c.converted, c.conversion_rate,
                          c.scores, c.mean_score)

    def __iter__(self):
        """Every cell, row by row."""
        for r in range(len(self.rows)):
            for c in range(len(self.cols)):
                yield self.cell(r, c)

    def to_dict(self):
        """{row label: {column label: MatrixCell}} without empty cells."""
        out = {}
        for cell in self:
            if cell.events:
                out.setdefault(cell.row, {})[cell.col] = cell
        return out


if AVAILABLE:
    JourneyStore._free = staticmethod(_f["tp_journey_store_free"])
    PathCounts._free = staticmethod(_f["tp_path_counts_free"])
    Funnel._free = staticmethod(_f["tp_funnel_free"])
    FunnelState._free = staticmethod(_f["tp_funnel_state_free"])
    Matrix._free = staticmethod(_f["tp_matrix_free"])
