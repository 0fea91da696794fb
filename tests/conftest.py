"""Test-wide setup: Qt runs offscreen, no display needed; the session's
long-lived objects are out of the garbage collector's full passes."""

import gc
import os

import pytest

# Must be set before any Qt import anywhere in the test session.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ("pytester",)  # the GUI tests' leak guard is tested on a pytest run of its own


def _freeze_long_lived() -> None:
    """Collect, then freeze what is alive: the modules, NumPy, Qt's and
    pyqtgraph's objects stay for the whole session, and every full collection
    (the GUI tests run one per test) would walk them all again. Objects made
    afterwards are collected as usual."""
    gc.collect()
    gc.freeze()


def pytest_collection_finish(session):
    # Every test module, and with them the heavy imports, are loaded by now.
    _freeze_long_lived()


@pytest.fixture(autouse=True)
def _long_lived_frozen():
    # A test of the app's own freezing, or a benchmark, unfreezes the heap when
    # it ends; freeze it again so the tests after it stay fast.
    if not gc.get_freeze_count():
        _freeze_long_lived()
