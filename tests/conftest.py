"""Test-wide setup: Qt runs offscreen, no display needed."""

import os

# Must be set before any Qt import anywhere in the test session.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
