# SPDX-License-Identifier: MIT
"""Names of the library's enums, read from the library at run time.

Nothing here is a copy: a library that appends a dimension, a value, a
field or a model shows it without a new version of this package.
"""
import ctypes
import functools

from . import _lib
from ._lib import lib
from .errors import Error


def version():
    """The run-time version of the loaded library, such as "1.0.0"."""
    return _lib.text(lib.tp_version_string())


def version_number():
    """The run-time version as MAJOR * 10000 + MINOR * 100 + PATCH."""
    return lib.tp_version_number()


def library_path():
    """The file (or SONAME) the package loaded."""
    return _lib.path


@functools.lru_cache(maxsize=None)
def dimensions():
    """Every dimension with its value names, in enum order (value 0,
    "unknown", first): ``{"kind": ("unknown", "digital", "physical"), ...}``.
    """
    out = {}
    for d in range(1, lib.tp_dimension_count() + 1):
        name = _lib.text(lib.tp_dimension_name(d))
        out[name] = tuple(_lib.text(lib.tp_dimension_value_name(d, v))
                          for v in range(lib.tp_dimension_value_count(d)))
    return out


def dimension_id(name):
    """The tp_dimension number of a dimension name (case ignored)."""
    return _parse(lib.tp_dimension_parse, name, "dimension")


def dimension_value(dimension, name):
    """The enum value of a dimension's value name: ("phase", "purchase") -> 2."""
    d = dimension_id(dimension) if isinstance(dimension, str) else dimension
    v = ctypes.c_int()
    st = lib.tp_dimension_value_parse(d, _lib.enc(name), ctypes.byref(v))
    if st < 0:
        raise Error(st, "%r is not a value of %s" % (name, dimension))
    return v.value


def dimension_value_name(dimension, value):
    """The name of a dimension's enum value: ("phase", 2) -> "purchase"."""
    d = dimension_id(dimension) if isinstance(dimension, str) else dimension
    return _lib.text(lib.tp_dimension_value_name(d, value))


def _names(fn, first):
    out = []
    i = first
    while True:
        n = fn(i)
        if n is None:
            return tuple(out)
        out.append(_lib.text(n))
        i += 1


@functools.lru_cache(maxsize=None)
def fields():
    """The classification fields by tp_field number order, from 1:
    ("customer_id", "timestamp", "event", "source", ...)."""
    return _names(lib.tp_field_name, 1)


def field_id(name):
    """The tp_field number of a field name (case ignored)."""
    return _parse(lib.tp_field_parse, name, "field")


@functools.lru_cache(maxsize=None)
def referrer_media():
    """Referrer media from value 0: ("unknown", "search", "social", ...)."""
    return _names(lib.tp_referrer_medium_name, 0)


@functools.lru_cache(maxsize=None)
def attribution_models():
    """Attribution models in enum order: ("first", "last", ..., "markov", ...)."""
    return _names(lib.tp_attribution_model_name, 1)


@functools.lru_cache(maxsize=None)
def attribution_dimensions():
    """What attributed items can be, from value 0: ("unknown", "channel", ...)."""
    return _names(lib.tp_attribution_by_name, 0)


def status_name(code):
    """The identifier of a status code: -4 -> "TP_ESYNTAX"."""
    return _lib.text(lib.tp_status_name(code))


def _parse(fn, name, what):
    v = ctypes.c_int()
    st = fn(_lib.enc(name), ctypes.byref(v))
    if st < 0:
        raise Error(st, "unknown %s %r" % (what, name))
    return v.value


@functools.lru_cache(maxsize=None)
def _dim_ids():
    return {name: i + 1 for i, name in enumerate(dimensions())}
