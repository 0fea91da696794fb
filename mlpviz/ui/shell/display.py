"""Can Qt open a window here? Answer before Qt tries, because when its
platform plugin fails to load Qt aborts the process with a long message
instead of raising something we could catch.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import re
import sys
from pathlib import Path


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
    if x11 and not wayland:
        missing = xcb_missing_library()
        if missing is None and ctypes.util.find_library("xcb-cursor") is None:
            missing = "libxcb-cursor.so.0"  # opened by the plugin at run time, not linked
        if missing is not None:
            return (
                f"mlpviz: Qt's X11 (xcb) plugin needs {missing}, which is not installed; "
                f"install it (e.g. sudo apt install {debian_package(missing)}) "
                "and start mlpviz again"
            )
    return None


def xcb_missing_library() -> str | None:
    """The first shared library Qt's xcb plugin links to that cannot be loaded, or None.

    Loading Qt's XcbQpa library the way the plugin will answers exactly, where a
    list of names kept here would drift from Qt's. Only the error is read; a load
    that succeeds leaves a library Qt loads next anyway.
    """
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    lib = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "lib" / "libQt6XcbQpa.so.6"
    if not lib.exists():
        return None
    try:
        ctypes.CDLL(str(lib))
    except OSError as e:
        return missing_from_error(str(e))
    return None


def missing_from_error(message: str) -> str | None:
    """The library named by a loader error ("libx.so.4: cannot open shared object file")."""
    m = re.match(r"\s*([\w.+-]+\.so[\w.]*): cannot open shared object file", message)
    return m.group(1) if m else None


def debian_package(soname: str) -> str:
    """Debian's package for a library: libxcb-icccm.so.4 → libxcb-icccm4,
    libxkbcommon-x11.so.0 → libxkbcommon-x11-0 (a name ending in a digit takes a dash)."""
    m = re.fullmatch(r"(lib[\w.+-]*?)\.so\.(\d+)(?:\.\d+)*", soname)
    if not m:
        return soname
    name, version = m.groups()
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"
