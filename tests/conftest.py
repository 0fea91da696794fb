"""Test-wide setup: Qt runs offscreen, no display needed; the session's
long-lived objects are out of the garbage collector's full passes."""

import gc
import os

# Must be set before any Qt import anywhere in the test session.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ("pytester",)  # the GUI tests' leak guard is tested on a pytest run of its own


def pytest_collection_finish(session):
    """Collect, then freeze what is alive: every test module, and with them the
    heavy imports (NumPy, Qt, pyqtgraph), are loaded by now and stay for the
    whole session, and every full collection would walk them all again.
    Objects made afterwards are collected as usual."""
    gc.collect()
    gc.freeze()
