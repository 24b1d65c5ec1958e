# SPDX-License-Identifier: MIT
"""Event timestamps, parsed and formatted by the library."""
import ctypes
import datetime

from . import _lib
from ._lib import lib
from .errors import check

# tp_duration_parse() is part of the journey API (journey.h); a library
# built without it still serves everything else.
_duration_parse = _lib.declare("tp_duration_parse", ctypes.c_int,
                               [ctypes.c_char_p, ctypes.c_size_t,
                                ctypes.POINTER(ctypes.c_int64)])


def parse_timestamp(text):
    """Milliseconds since the epoch of an event timestamp: RFC 3339
    ("2026-03-01T12:30:00Z") or epoch seconds or milliseconds. A
    ``datetime`` (naive ones are taken as UTC) is converted directly.
    Text that is no timestamp raises Error (TP_ESYNTAX or TP_ERANGE)."""
    if isinstance(text, datetime.datetime):
        if text.tzinfo is None:
            text = text.replace(tzinfo=datetime.timezone.utc)
        delta = text - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return delta // datetime.timedelta(milliseconds=1)
    b = _lib.enc(text)
    ms = ctypes.c_int64()
    check(lib.tp_timestamp_parse(b, len(b), ctypes.byref(ms)))
    return ms.value


def format_timestamp(ms):
    """RFC 3339 in UTC with milliseconds: "2026-03-01T12:30:00.250Z"."""
    buf = ctypes.create_string_buffer(32)
    check(lib.tp_timestamp_format(int(ms), buf, len(buf)))
    return buf.value.decode("ascii")


def to_datetime(ms):
    """Milliseconds since the epoch as an aware UTC datetime."""
    return (datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
            + datetime.timedelta(milliseconds=ms))


def parse_duration(text):
    """Milliseconds of a duration: "90" (seconds), "30m", "12h", "7d",
    "1h30m"; a timedelta or a number of milliseconds passes through.
    Needs a library with tp_duration_parse() for text."""
    if isinstance(text, datetime.timedelta):
        return text // datetime.timedelta(milliseconds=1)
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return int(text)
    if _duration_parse is None:
        raise NotImplementedError("this libtouchpoint has no tp_duration_parse(); "
                                  "give milliseconds or a timedelta")
    b = _lib.enc(text)
    ms = ctypes.c_int64()
    check(_duration_parse(b, len(b), ctypes.byref(ms)))
    return ms.value
