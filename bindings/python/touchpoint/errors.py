# SPDX-License-Identifier: MIT
"""touchpoint.Error: a failed call, with what went wrong and where."""
import ctypes

from . import _lib
from ._lib import lib


class Error(Exception):
    """A libtouchpoint call failed.

    One ``Error`` is made per entry of the library's error object (a rule
    file may have many faults); the first is raised and all are in
    :attr:`errors`, the raised one included.

    Attributes:
        code: the ``tp_status`` (a negative int), e.g. -4.
        name: its stable identifier, e.g. ``"TP_ESYNTAX"``.
        message: the message, without location.
        source: the file name (or the name given to a string), or None.
        line, column: 1-based position of the fault; 0 when unknown.
        path: JSON path of the offending member (``$.groups[0].rules[1]``),
            or None.
        errors: every fault of the call, in order.
        dropped: faults left out past the library's limit of entries.
    """

    def __init__(self, code, message=None, source=None, line=0, column=0,
                 path=None, formatted=None):
        self.code = code
        self.name = _lib.text(lib.tp_status_name(code))
        self.message = message if message is not None else strerror(code)
        self.source = source
        self.line = line
        self.column = column
        self.path = path
        self.errors = [self]
        self.dropped = 0
        self._formatted = formatted or self.message
        super().__init__(self._formatted)

    def __str__(self):
        return self._formatted

    def __repr__(self):
        return "touchpoint.Error(%s, %r)" % (self.name, self._formatted)


def strerror(code):
    """A short English description of a status code."""
    return _lib.text(lib.tp_strerror(code))


def _entry(err, i):
    n = lib.tp_error_format(err, i, None, 0)
    formatted = None
    if n >= 0:
        buf = ctypes.create_string_buffer(n + 1)
        lib.tp_error_format(err, i, buf, n + 1)
        formatted = buf.value.decode("utf-8", "replace")
    return Error(lib.tp_error_code(err, i),
                 _lib.text(lib.tp_error_message(err, i)),
                 _lib.text(lib.tp_error_source(err, i)),
                 lib.tp_error_line(err, i), lib.tp_error_column(err, i),
                 _lib.text(lib.tp_error_path(err, i)), formatted)


def from_error(status, err):
    """The Error to raise for a failed call: the entries of the tp_error
    ``err`` (may be None), or the status alone when it has none."""
    entries = []
    if err:
        entries = [_entry(err, i) for i in range(lib.tp_error_count(err))]
    if not entries:
        entries = [Error(status)]
    for e in entries:
        e.errors = entries
        e.dropped = lib.tp_error_dropped(err) if err else 0
    return entries[0]


class ErrorBox:
    """A tp_error for the length of a with block."""

    def __enter__(self):
        self.ptr = lib.tp_error_new()
        if not self.ptr:
            raise MemoryError("touchpoint: tp_error_new failed")
        return self.ptr

    def __exit__(self, *exc):
        lib.tp_error_free(self.ptr)
        return False


def check(status, err=None):
    """Raise Error for a negative status, else return it."""
    if status < 0:
        raise from_error(status, err)
    return status


def call(fn, *args):
    """Call fn(*args, err) with a fresh tp_error; raise Error on failure."""
    with ErrorBox() as err:
        return check(fn(*args, err), err)
