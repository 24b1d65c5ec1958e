# SPDX-License-Identifier: MIT
"""Loading libtouchpoint and declaring its functions (internal module).

The library is found by its SONAME, ``libtouchpoint.so.1``, through the
dynamic loader's usual search (``/etc/ld.so.cache``, ``LD_LIBRARY_PATH``),
or at the path given in the environment variable ``TOUCHPOINT_LIBRARY``.
Its run-time version must be at least :data:`MIN_VERSION`.

Every function the package calls is declared here with its C types, once.
Functions of a part of the library that an older build may lack (the
journey analyses) are declared as optional: the package imports without
them and raises :class:`touchpoint.Error` only when they are used.
"""
import ctypes
import os

from ctypes import (POINTER, Structure, c_char_p, c_double, c_int,
                    c_int64, c_long, c_size_t, c_uint, c_uint32, c_ulong,
                    c_void_p)

#: The environment variable that names the library file to load.
LIBRARY_ENV = "TOUCHPOINT_LIBRARY"
#: The library's SONAME, loaded when the variable is not set.
SONAME = "libtouchpoint.so.1"
#: The oldest library this package works with (MAJOR*10000+MINOR*100+PATCH).
MIN_VERSION = 900


def _load():
    path = os.environ.get(LIBRARY_ENV) or SONAME
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ImportError(
            "touchpoint: cannot load %s (%s); install the libtouchpoint "
            "shared library or set %s to its path" % (path, e, LIBRARY_ENV)) from e
    return lib, path


lib, path = _load()

# ---------------------------------------------------------------------------
# Structs that cross the ABI. Each starts with its size, as the _INIT macros
# set it; the layouts follow the public headers.
# ---------------------------------------------------------------------------


class Attr(Structure):
    """tp_attr (event.h): a key and a value, counted byte strings."""
    _fields_ = [("key", c_char_p), ("key_len", c_size_t),
                ("value", c_char_p), ("value_len", c_size_t)]


class ChannelDef(Structure):
    """tp_channel_def (catalog.h)."""
    _fields_ = [("size", c_size_t), ("id", c_char_p), ("name", c_char_p),
                ("kind", c_int)]


class StageDef(Structure):
    """tp_stage_def (catalog.h)."""
    _fields_ = [("size", c_size_t), ("id", c_char_p), ("name", c_char_p),
                ("phase", c_int)]


class TouchpointDef(Structure):
    """tp_touchpoint_def (catalog.h). The dimension members follow the
    header's order: phase, then the other dimensions."""
    _fields_ = [("size", c_size_t), ("id", c_char_p), ("name", c_char_p),
                ("channel", c_char_p), ("stage", c_char_p),
                ("phase", c_int), ("initiator", c_int),
                ("personalization", c_int), ("intent", c_int),
                ("control", c_int), ("agent", c_int),
                ("business_model", c_int)]


class ReferrerInfo(Structure):
    """tp_referrer_info (referrer.h)."""
    _fields_ = [("size", c_size_t), ("known", c_int), ("medium", c_int),
                ("source", c_char_p), ("term", c_void_p),
                ("term_len", c_size_t), ("term_truncated", c_int)]


class Path(Structure):
    """tp_path (attribution.h)."""
    _fields_ = [("size", c_size_t), ("items", POINTER(c_char_p)),
                ("item_ids", POINTER(c_uint32)), ("n_items", c_size_t),
                ("times", POINTER(c_int64)), ("conversion_time", c_int64),
                ("conversions", c_double), ("nulls", c_double),
                ("value", c_double)]


class PathTableOptions(Structure):
    """tp_path_table_options (attribution.h)."""
    _fields_ = [("size", c_size_t), ("separator", c_char_p),
                ("path_column", c_char_p), ("conversions_column", c_char_p),
                ("nulls_column", c_char_p), ("value_column", c_char_p),
                ("by", c_int)]


class AttributionOptions(Structure):
    """tp_attribution_options (attribution.h)."""
    _fields_ = [("size", c_size_t), ("excluded", c_char_p),
                ("half_life_ms", c_int64), ("first_share", c_double),
                ("last_share", c_double), ("order", c_int),
                ("transitions", c_int)]


def new_struct(cls):
    """A zeroed struct with its size member set, as its _INIT macro does
    for the members that default to zero/NULL."""
    s = cls()
    s.size = ctypes.sizeof(cls)
    return s


# ---------------------------------------------------------------------------
# Function declarations: name -> (restype, argtypes).
# ---------------------------------------------------------------------------

P = c_void_p                 # any opaque object
PP = POINTER(c_void_p)       # an [out] object
S = c_int                    # tp_status
SZ = c_size_t
STR = c_char_p               # NUL-terminated string in or out
SZP = POINTER(c_size_t)

_REQUIRED = {
    # version.h, status.h
    "tp_version_number": (c_uint, []),
    "tp_version_string": (STR, []),
    "tp_strerror": (STR, [S]),
    "tp_status_name": (STR, [S]),
    # alloc.h
    "tp_free": (None, [P]),
    # error.h
    "tp_error_new": (P, []),
    "tp_error_free": (None, [P]),
    "tp_error_clear": (None, [P]),
    "tp_error_count": (SZ, [P]),
    "tp_error_dropped": (SZ, [P]),
    "tp_error_code": (S, [P, SZ]),
    "tp_error_message": (STR, [P, SZ]),
    "tp_error_source": (STR, [P, SZ]),
    "tp_error_line": (c_ulong, [P, SZ]),
    "tp_error_column": (c_ulong, [P, SZ]),
    "tp_error_path": (STR, [P, SZ]),
    "tp_error_format": (c_int, [P, SZ, c_void_p, SZ]),
    # taxonomy.h
    "tp_dimension_count": (c_int, []),
    "tp_dimension_name": (STR, [c_int]),
    "tp_dimension_parse": (S, [STR, POINTER(c_int)]),
    "tp_dimension_value_count": (c_int, [c_int]),
    "tp_dimension_value_name": (STR, [c_int, c_int]),
    "tp_dimension_value_parse": (S, [c_int, STR, POINTER(c_int)]),
    # catalog.h
    "tp_catalog_builder_new": (S, [PP]),
    "tp_catalog_builder_free": (None, [P]),
    "tp_catalog_builder_add_channel": (S, [P, POINTER(ChannelDef)]),
    "tp_catalog_builder_add_stage": (S, [P, POINTER(StageDef)]),
    "tp_catalog_builder_add_touchpoint": (S, [P, POINTER(TouchpointDef)]),
    "tp_catalog_builder_add_funnel": (S, [P, STR, STR, POINTER(c_char_p), SZ]),
    "tp_catalog_builder_finish": (S, [P, PP, P]),
    "tp_catalog_default": (S, [PP, P]),
    "tp_catalog_load_file": (S, [STR, PP, P]),
    "tp_catalog_load_string": (S, [c_char_p, SZ, STR, PP, P]),
    "tp_catalog_save_string": (S, [P, PP, SZP]),
    "tp_catalog_save_file": (S, [P, STR, P]),
    "tp_catalog_equal": (c_int, [P, P]),
    "tp_catalog_free": (None, [P]),
    "tp_catalog_channel_count": (SZ, [P]),
    "tp_catalog_channel_id": (STR, [P, SZ]),
    "tp_catalog_channel_name": (STR, [P, SZ]),
    "tp_catalog_channel_kind": (c_int, [P, SZ]),
    "tp_catalog_find_channel": (c_int, [P, STR]),
    "tp_catalog_touchpoint_count": (SZ, [P]),
    "tp_catalog_touchpoint_id": (STR, [P, SZ]),
    "tp_catalog_touchpoint_name": (STR, [P, SZ]),
    "tp_catalog_touchpoint_channel": (c_int, [P, SZ]),
    "tp_catalog_touchpoint_stage": (c_int, [P, SZ]),
    "tp_catalog_touchpoint_dimension": (c_int, [P, SZ, c_int]),
    "tp_catalog_find_touchpoint": (c_int, [P, STR]),
    "tp_catalog_stage_count": (SZ, [P]),
    "tp_catalog_stage_id": (STR, [P, SZ]),
    "tp_catalog_stage_name": (STR, [P, SZ]),
    "tp_catalog_stage_phase": (c_int, [P, SZ]),
    "tp_catalog_find_stage": (c_int, [P, STR]),
    "tp_catalog_funnel_count": (SZ, [P]),
    "tp_catalog_funnel_id": (STR, [P, SZ]),
    "tp_catalog_funnel_name": (STR, [P, SZ]),
    "tp_catalog_funnel_stage_count": (SZ, [P, SZ]),
    "tp_catalog_funnel_stage": (c_int, [P, SZ, SZ]),
    "tp_catalog_find_funnel": (c_int, [P, STR]),
    # referrer.h
    "tp_referrer_medium_name": (STR, [c_int]),
    "tp_referrer_medium_parse": (S, [STR, POINTER(c_int)]),
    "tp_refdb_default": (S, [PP, P]),
    "tp_refdb_load_files": (S, [POINTER(c_char_p), SZ, PP, P]),
    "tp_refdb_load_string": (S, [c_char_p, SZ, STR, PP, P]),
    "tp_refdb_free": (None, [P]),
    "tp_refdb_count": (SZ, [P]),
    "tp_refdb_source_count": (SZ, [P]),
    "tp_refdb_lookup": (S, [P, c_char_p, SZ, c_void_p, SZ, POINTER(ReferrerInfo)]),
    # event.h
    "tp_timestamp_parse": (S, [c_char_p, SZ, POINTER(c_int64)]),
    "tp_timestamp_format": (S, [c_int64, c_void_p, SZ]),
    # rules.h
    "tp_ruleset_compile_string": (S, [P, c_char_p, SZ, STR, PP, P]),
    "tp_ruleset_compile_file": (S, [P, STR, PP, P]),
    "tp_ruleset_builtin": (S, [P, STR, PP, P]),
    "tp_ruleset_builtin_name": (STR, [SZ]),
    "tp_ruleset_builtin_source": (c_void_p, [STR, SZP]),
    "tp_ruleset_name": (STR, [P]),
    "tp_ruleset_rule_count": (SZ, [P]),
    "tp_ruleset_memory": (SZ, [P]),
    "tp_ruleset_free": (None, [P]),
    # classifier.h
    "tp_field_name": (STR, [c_int]),
    "tp_field_parse": (S, [STR, POINTER(c_int)]),
    "tp_classifier_new": (S, [P, PP, P]),
    "tp_classifier_free": (None, [P]),
    "tp_classifier_catalog": (P, [P]),
    "tp_classifier_add_rules": (S, [P, P]),
    "tp_classifier_add_rules_named": (S, [P, STR, P]),
    "tp_classifier_set_refdb": (S, [P, P]),
    "tp_classifier_map_field": (S, [P, STR, STR]),
    "tp_classifier_load_field_map": (S, [P, STR, P]),
    "tp_classifier_add_internal_domain": (S, [P, STR]),
    "tp_result_new": (S, [PP]),
    "tp_result_free": (None, [P]),
    "tp_result_set_cache_size": (S, [P, SZ]),
    "tp_result_cache_size": (SZ, [P]),
    "tp_classify": (S, [P, POINTER(Attr), SZ, P]),
    "tp_result_field": (c_void_p, [P, c_int, SZP]),
    "tp_result_get": (c_void_p, [P, STR, SZP]),
    "tp_result_channel": (c_int, [P]),
    "tp_result_touchpoint": (c_int, [P]),
    "tp_result_stage": (c_int, [P]),
    "tp_result_dimension": (c_int, [P, c_int]),
    "tp_result_timestamp": (S, [P, POINTER(c_int64)]),
    "tp_result_number": (S, [P, c_int, POINTER(c_double)]),
    "tp_result_referrer_known": (c_int, [P]),
    "tp_result_label_count": (SZ, [P]),
    "tp_result_label": (S, [P, SZ, POINTER(c_char_p), POINTER(c_char_p)]),
    "tp_result_json": (c_long, [P, c_void_p, SZ]),
    # reader.h
    "tp_reader_new": (S, [PP]),
    "tp_reader_free": (None, [P]),
    "tp_reader_set_max_bytes": (S, [P, SZ]),
    "tp_reader_parse": (S, [P, c_char_p, SZ, STR, c_ulong, P]),
    "tp_reader_attrs": (POINTER(Attr), [P, SZP]),
    "tp_reader_empty_object": (c_int, [P]),
    # attribution.h
    "tp_attribution_model_name": (STR, [c_int]),
    "tp_attribution_model_parse": (S, [STR, POINTER(c_int)]),
    "tp_attribution_by_name": (STR, [c_int]),
    "tp_attribution_by_parse": (S, [STR, POINTER(c_int)]),
    "tp_paths_new": (S, [c_int, PP]),
    "tp_paths_free": (None, [P]),
    "tp_paths_by": (c_int, [P]),
    "tp_paths_intern": (S, [P, c_char_p, SZ, POINTER(c_uint32)]),
    "tp_paths_add": (S, [P, POINTER(Path), P]),
    "tp_paths_merge": (S, [P, P]),
    "tp_paths_load_csv_file": (S, [STR, POINTER(PathTableOptions), PP, P]),
    "tp_paths_load_csv_string": (S, [c_char_p, SZ, STR, POINTER(PathTableOptions), PP, P]),
    "tp_paths_count": (SZ, [P]),
    "tp_paths_row_count": (SZ, [P]),
    "tp_paths_timed": (c_int, [P]),
    "tp_paths_item_count": (SZ, [P]),
    "tp_paths_item_name": (STR, [P, SZ]),
    "tp_paths_find_item": (c_int64, [P, STR]),
    "tp_paths_path_length": (SZ, [P, SZ]),
    "tp_paths_path_item": (c_int64, [P, SZ, SZ]),
    "tp_paths_path_conversions": (c_double, [P, SZ]),
    "tp_paths_path_nulls": (c_double, [P, SZ]),
    "tp_paths_path_value": (c_double, [P, SZ]),
    "tp_paths_total_conversions": (c_double, [P]),
    "tp_paths_total_nulls": (c_double, [P]),
    "tp_paths_total_value": (c_double, [P]),
    "tp_attribution_compute": (S, [P, c_int, POINTER(AttributionOptions), PP, P]),
    "tp_attribution_free": (None, [P]),
    "tp_attribution_get_model": (c_int, [P]),
    "tp_attribution_get_by": (c_int, [P]),
    "tp_attribution_get_order": (c_int, [P]),
    "tp_attribution_total_conversions": (c_double, [P]),
    "tp_attribution_total_value": (c_double, [P]),
    "tp_attribution_conversion_probability": (c_double, [P]),
    "tp_attribution_item_count": (SZ, [P]),
    "tp_attribution_item_id": (STR, [P, SZ]),
    "tp_attribution_conversions": (c_double, [P, SZ]),
    "tp_attribution_value": (c_double, [P, SZ]),
    "tp_attribution_share": (c_double, [P, SZ]),
    "tp_attribution_removal_effect": (c_double, [P, SZ]),
    "tp_attribution_value_removal_effect": (c_double, [P, SZ]),
    "tp_attribution_state_count": (SZ, [P]),
    "tp_attribution_state_name": (STR, [P, SZ]),
    "tp_attribution_transition_count": (SZ, [P]),
    "tp_attribution_transition": (S, [P, SZ, SZP, SZP, POINTER(c_double), POINTER(c_double)]),
}

_missing = []
for _name, (_res, _args) in _REQUIRED.items():
    try:
        _f = getattr(lib, _name)
    except AttributeError:
        _missing.append(_name)
        continue
    _f.restype = _res
    _f.argtypes = _args
if _missing:
    raise ImportError("touchpoint: %s lacks %s" % (path, ", ".join(_missing)))

if lib.tp_version_number() < MIN_VERSION:
    raise ImportError(
        "touchpoint: %s is version %s; this package needs %d.%d.%d or later"
        % (path, lib.tp_version_string().decode(), MIN_VERSION // 10000,
           MIN_VERSION // 100 % 100, MIN_VERSION % 100))


def declare(name, restype, argtypes):
    """Declare an optional function; None when the library lacks it."""
    try:
        f = getattr(lib, name)
    except AttributeError:
        return None
    f.restype = restype
    f.argtypes = argtypes
    return f


# ---------------------------------------------------------------------------
# Helpers shared by the modules.
# ---------------------------------------------------------------------------

def text(b):
    """A C string (bytes or None) as str or None."""
    return None if b is None else b.decode("utf-8", "replace")


def counted(ptr, n):
    """A counted byte string (pointer, length) as str; None for NULL."""
    if not ptr:
        return None
    return ctypes.string_at(ptr, n).decode("utf-8", "replace")


def enc(s):
    """str -> UTF-8 bytes (bytes pass through, None stays None)."""
    if s is None or isinstance(s, bytes):
        return s
    return str(s).encode("utf-8")


def fspath(p):
    """A file name as bytes for the C library."""
    return os.fsencode(p)


def out():
    return c_void_p()


class Handle:
    """An object of the library, freed once: by close(), at the end of a
    with block, or when garbage-collected. close() may be called any
    number of times."""
    _free = None          # the C function that frees the object
    _what = "object"

    def __init__(self, ptr):
        self._ptr = ptr

    def _own(self, obj):
        """Close ``obj`` (a default catalog made for this object) with it."""
        self.__dict__.setdefault("_owned", []).append(obj)
        return obj

    @property
    def _p(self):
        if not self._ptr:
            raise ValueError("touchpoint: %s is closed" % self._what)
        return self._ptr

    @property
    def closed(self):
        """True once the object has been freed."""
        return not self._ptr

    def close(self):
        """Free the library's object now, and the objects it made for
        itself (a default catalog). Safe to call again."""
        p, self._ptr = getattr(self, "_ptr", None), None
        if p:
            type(self)._free(p)
        for o in self.__dict__.pop("_owned", ()):
            o.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:   # interpreter shutdown: the library may be gone
            pass


def free_fn(name):
    """A C free function wrapped so that a class attribute does not bind
    it as a method."""
    f = getattr(lib, name)
    return staticmethod(f)

