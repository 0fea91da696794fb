"""Can Qt open a window here? Answer before Qt tries, because when its
platform plugin fails to load Qt aborts the process with a long message
instead of raising something we could catch.
"""

from __future__ import annotations

import ctypes.util
import os
import sys


def display_problem() -> str | None:
    """One line saying what is missing, or None when a window can probably open."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform not in ("", "xcb", "wayland"):
        return None
    wayland = bool(os.environ.get("WAYLAND_DISPLAY"))
    x11 = bool(os.environ.get("DISPLAY"))
    if not (wayland or x11):
        return (
            "mlpviz: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset); "
            "run it on a desktop, or use the command line: mlpviz train --help"
        )
    if x11 and not wayland and ctypes.util.find_library("xcb-cursor") is None:
        return (
            "mlpviz: Qt's X11 (xcb) plugin needs libxcb-cursor0; install it "
            "(e.g. sudo apt install libxcb-cursor0) and start mlpviz again"
        )
    return None
