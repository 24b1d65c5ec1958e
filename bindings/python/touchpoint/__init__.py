# SPDX-License-Identifier: MIT
"""Python bindings of libtouchpoint: classify raw interaction events into
typed customer touchpoints, read the catalog, follow customers' journeys,
measure funnels and the touchpoint matrix, attribute conversions.

    >>> import touchpoint
    >>> c = touchpoint.Classifier()            # rules="default"
    >>> tp = c.classify({"event": "page_view",
    ...                  "url": "https://shop.example/?utm_source=google&utm_medium=cpc"})
    >>> tp["touchpoint"], tp["channel_group"]
    ('paid_search', 'Paid Search')

The package uses ctypes only. It loads ``libtouchpoint.so.1`` (or the file
named by the environment variable ``TOUCHPOINT_LIBRARY``) and refuses a
library older than it needs. Every object of the library is freed by
``close()``, by a ``with`` block or by the garbage collector; closing twice
is harmless. Failures raise :class:`touchpoint.Error`, which carries the
library's message, file, line, column and JSON path. Names of enum values
(dimensions, fields, models) are read from the library at run time.
See docs/bindings.md.
"""
from ._lib import LIBRARY_ENV, MIN_VERSION, SONAME
from .errors import Error, strerror
from .taxonomy import (attribution_dimensions, attribution_models,
                       dimension_value, dimension_value_name, dimensions,
                       field_id, fields, library_path, referrer_media,
                       status_name, version, version_number)
from .catalog import Catalog, CatalogBuilder, CatalogFunnel, Channel, Stage, Touchpoint
from .classifier import (Classification, Classifier, Reader, RefDB, Referrer,
                         RuleSet)
from .events import format_timestamp, parse_duration, parse_timestamp, to_datetime
from .attribution import (AttributedItem, Attribution, PathRow, Paths,
                          Transition)
from .journey import (Funnel, FunnelState, FunnelStep, Journey, JourneyEvent,
                      JourneyPath, JourneyStore, Matrix, MatrixCell, PathCount,
                      PathCounts, state_kind)

__version__ = "0.9.0"

__all__ = [
    "Error", "strerror", "status_name", "version", "version_number",
    "library_path", "LIBRARY_ENV", "MIN_VERSION", "SONAME",
    "dimensions", "dimension_value", "dimension_value_name", "fields",
    "field_id", "referrer_media", "attribution_models",
    "attribution_dimensions",
    "Catalog", "CatalogBuilder", "Channel", "Stage", "Touchpoint", "CatalogFunnel",
    "RuleSet", "RefDB", "Referrer", "Reader", "Classifier", "Classification",
    "parse_timestamp", "format_timestamp", "to_datetime", "parse_duration",
    "Paths", "PathRow", "Attribution", "AttributedItem", "Transition",
    "JourneyStore", "Journey", "JourneyEvent", "JourneyPath", "PathCounts",
    "PathCount", "Funnel", "FunnelState", "FunnelStep", "Matrix", "MatrixCell",
    "state_kind",
]
