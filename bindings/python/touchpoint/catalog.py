# SPDX-License-Identifier: MIT
"""The catalog: channels, touchpoints, funnel stages and funnels."""
import ctypes
import json
from dataclasses import dataclass, field
from typing import Mapping, Optional, Tuple

from . import _lib
from ._lib import lib
from .errors import call, check
from .taxonomy import dimension_id, dimension_value, dimension_value_name, dimensions


@dataclass(frozen=True)
class Channel:
    """A channel: the medium of a contact (e-mail, physical store...)."""
    index: int
    id: str
    name: str
    kind: str          #: "digital", "physical" or "unknown"


@dataclass(frozen=True)
class Stage:
    """A funnel stage and the phase it belongs to."""
    index: int
    id: str
    name: str
    phase: str


@dataclass(frozen=True)
class Touchpoint:
    """A touchpoint: a moment of contact, with its channel, default stage
    and dimensions. Every dimension is also an attribute:
    ``t.initiator == t.dimensions["initiator"]``."""
    index: int
    id: str
    name: str
    channel: str
    stage: Optional[str]
    dimensions: Mapping[str, str] = field(default_factory=dict)

    def __getattr__(self, name):
        dims = self.__dict__.get("dimensions")
        if dims is not None and name in dims:
            return dims[name]
        raise AttributeError(name)


@dataclass(frozen=True)
class CatalogFunnel:
    """A funnel of the catalog: an ordered list of stage ids (to run it on
    journeys, see touchpoint.Funnel.from_catalog)."""
    index: int
    id: str
    name: str
    stages: Tuple[str, ...]


def _s(b):
    return _lib.text(b)


class Catalog(_lib.Handle):
    """An immutable catalog. Get one with :meth:`default`, :meth:`load`,
    :meth:`loads` or a :class:`CatalogBuilder`; free it with :meth:`close`
    or a with block (objects built on it keep it alive in the library)."""
    _free = _lib.free_fn("tp_catalog_free")
    _what = "catalog"

    def __init__(self, ptr):
        super().__init__(ptr)
        self._cache = {}

    @classmethod
    def default(cls):
        """The built-in default catalog (no file is read)."""
        out = _lib.out()
        call(lib.tp_catalog_default, ctypes.byref(out))
        return cls(out.value)

    @classmethod
    def load(cls, path):
        """Load a catalog from a JSON file; faults raise Error with file,
        line, column and JSON path."""
        out = _lib.out()
        call(lib.tp_catalog_load_file, _lib.fspath(path), ctypes.byref(out))
        return cls(out.value)

    @classmethod
    def loads(cls, text, source=None):
        """Load a catalog from JSON text (str, bytes, or a dict that is
        written as JSON first)."""
        if isinstance(text, Mapping):
            text = json.dumps(text)
        b = _lib.enc(text)
        out = _lib.out()
        call(lib.tp_catalog_load_string, b, len(b), _lib.enc(source),
             ctypes.byref(out))
        return cls(out.value)

    def dumps(self):
        """The catalog as JSON text in the catalog format (always the same
        text for the same catalog)."""
        out = ctypes.c_void_p()
        n = ctypes.c_size_t()
        check(lib.tp_catalog_save_string(self._p, ctypes.byref(out), ctypes.byref(n)))
        try:
            return ctypes.string_at(out.value, n.value).decode("utf-8")
        finally:
            lib.tp_free(out)

    def to_dict(self):
        """The catalog as a dict in the catalog format."""
        return json.loads(self.dumps())

    def save(self, path):
        """Write the catalog as JSON to a file, replacing it."""
        call(lib.tp_catalog_save_file, self._p, _lib.fspath(path))

    def __eq__(self, other):
        if not isinstance(other, Catalog):
            return NotImplemented
        return bool(lib.tp_catalog_equal(self._p, other._p))

    __hash__ = None

    def _cached(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def channels(self):
        """Every channel, in catalog order."""
        def make():
            p = self._p
            kind = dimension_id("kind")
            return tuple(Channel(i, _s(lib.tp_catalog_channel_id(p, i)),
                                 _s(lib.tp_catalog_channel_name(p, i)),
                                 dimension_value_name(kind, lib.tp_catalog_channel_kind(p, i)))
                         for i in range(lib.tp_catalog_channel_count(p)))
        return self._cached("channels", make)

    @property
    def stages(self):
        """Every funnel stage, in catalog order."""
        def make():
            p = self._p
            phase = dimension_id("phase")
            return tuple(Stage(i, _s(lib.tp_catalog_stage_id(p, i)),
                               _s(lib.tp_catalog_stage_name(p, i)),
                               dimension_value_name(phase, lib.tp_catalog_stage_phase(p, i)))
                         for i in range(lib.tp_catalog_stage_count(p)))
        return self._cached("stages", make)

    @property
    def touchpoints(self):
        """Every touchpoint, in catalog order."""
        def make():
            p = self._p
            channels, stages = self.channels, self.stages
            dims = [(name, dimension_id(name)) for name in dimensions()]
            out = []
            for i in range(lib.tp_catalog_touchpoint_count(p)):
                st = lib.tp_catalog_touchpoint_stage(p, i)
                d = {name: dimension_value_name(
                        did, lib.tp_catalog_touchpoint_dimension(p, i, did))
                     for name, did in dims}
                out.append(Touchpoint(
                    i, _s(lib.tp_catalog_touchpoint_id(p, i)),
                    _s(lib.tp_catalog_touchpoint_name(p, i)),
                    channels[lib.tp_catalog_touchpoint_channel(p, i)].id,
                    stages[st].id if st >= 0 else None, d))
            return tuple(out)
        return self._cached("touchpoints", make)

    @property
    def funnels(self):
        """Every funnel, in catalog order."""
        def make():
            p = self._p
            stages = self.stages
            return tuple(CatalogFunnel(i, _s(lib.tp_catalog_funnel_id(p, i)),
                                _s(lib.tp_catalog_funnel_name(p, i)),
                                tuple(stages[lib.tp_catalog_funnel_stage(p, i, k)].id
                                      for k in range(lib.tp_catalog_funnel_stage_count(p, i))))
                         for i in range(lib.tp_catalog_funnel_count(p)))
        return self._cached("funnels", make)

    def _find(self, fn, items, id, what):
        i = fn(self._p, _lib.enc(id))
        if i < 0:
            raise KeyError("no %s %r in the catalog" % (what, id))
        return items[i]

    def channel(self, id):
        """The channel with this id; KeyError when there is none."""
        return self._find(lib.tp_catalog_find_channel, self.channels, id, "channel")

    def touchpoint(self, id):
        """The touchpoint with this id; KeyError when there is none."""
        return self._find(lib.tp_catalog_find_touchpoint, self.touchpoints, id, "touchpoint")

    def stage(self, id):
        """The stage with this id; KeyError when there is none."""
        return self._find(lib.tp_catalog_find_stage, self.stages, id, "stage")

    def funnel(self, id):
        """The funnel with this id; KeyError when there is none."""
        return self._find(lib.tp_catalog_find_funnel, self.funnels, id, "funnel")

    def touchpoints_of_stage(self, stage):
        """The touchpoints whose default stage is ``stage`` (an id, or
        None for those without a stage)."""
        return [t for t in self.touchpoints if t.stage == stage]

    def __repr__(self):
        if self.closed:
            return "<touchpoint.Catalog (closed)>"
        return "<touchpoint.Catalog %d channels, %d touchpoints, %d stages, %d funnels>" % (
            len(self.channels), len(self.touchpoints), len(self.stages), len(self.funnels))


class CatalogBuilder(_lib.Handle):
    """Build a catalog in code. Dimension values are given by name
    ("digital", "brand", "post_purchase"...); every fault is reported by
    :meth:`finish` with the JSON path the item would have in a file."""
    _free = _lib.free_fn("tp_catalog_builder_free")
    _what = "catalog builder"

    def __init__(self):
        out = _lib.out()
        check(lib.tp_catalog_builder_new(ctypes.byref(out)))
        super().__init__(out.value)

    def add_channel(self, id, name=None, kind="unknown"):
        d = _lib.new_struct(_lib.ChannelDef)
        d.id, d.name = _lib.enc(id), _lib.enc(name)
        d.kind = dimension_value("kind", kind)
        check(lib.tp_catalog_builder_add_channel(self._p, ctypes.byref(d)))
        return self

    def add_stage(self, id, name=None, phase="unknown"):
        d = _lib.new_struct(_lib.StageDef)
        d.id, d.name = _lib.enc(id), _lib.enc(name)
        d.phase = dimension_value("phase", phase)
        check(lib.tp_catalog_builder_add_stage(self._p, ctypes.byref(d)))
        return self

    def add_touchpoint(self, id, channel, name=None, stage=None, **dims):
        """Add a touchpoint; keyword arguments set its dimensions (phase,
        initiator, personalization, intent, control, agent,
        business_model) by value name."""
        d = _lib.new_struct(_lib.TouchpointDef)
        d.id, d.name = _lib.enc(id), _lib.enc(name)
        d.channel, d.stage = _lib.enc(channel), _lib.enc(stage)
        settable = {f[0] for f in _lib.TouchpointDef._fields_[5:]}
        for k, v in dims.items():
            if k not in settable:
                raise TypeError("add_touchpoint() got an unknown dimension %r" % k)
            setattr(d, k, dimension_value(k, v))
        check(lib.tp_catalog_builder_add_touchpoint(self._p, ctypes.byref(d)))
        return self

    def add_funnel(self, id, stages, name=None):
        ids = [_lib.enc(s) for s in stages]
        arr = (ctypes.c_char_p * max(len(ids), 1))(*ids)
        check(lib.tp_catalog_builder_add_funnel(self._p, _lib.enc(id), _lib.enc(name),
                                                arr, len(ids)))
        return self

    def finish(self):
        """Validate and return the Catalog; the builder is emptied and may
        be reused."""
        out = _lib.out()
        call(lib.tp_catalog_builder_finish, self._p, ctypes.byref(out))
        return Catalog(out.value)
