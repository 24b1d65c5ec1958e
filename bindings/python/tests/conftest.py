# SPDX-License-Identifier: MIT
"""Shared fixtures. The suite runs against the library named by
TOUCHPOINT_LIBRARY (meson test sets it to the build tree's library)."""
import os
import pathlib

import pytest

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_ROOT = pathlib.Path(os.environ.get("TP_SOURCE_ROOT", HERE.parents[2]))
TESTDATA = SOURCE_ROOT / "bindings" / "testdata"
DEFAULT_CATALOG_JSON = SOURCE_ROOT / "data" / "catalog" / "default.json"


@pytest.fixture
def testdata():
    return TESTDATA


@pytest.fixture(scope="session")
def classifier():
    import touchpoint
    c = touchpoint.Classifier()
    yield c
    c.close()
