"""The display check: one line naming what is missing, before Qt can abort."""

from __future__ import annotations

import pytest

from mlpviz.ui.shell import display


def test_the_loader_error_names_the_library_and_its_debian_package():
    err = "libxcb-icccm.so.4: cannot open shared object file: No such file or directory"
    assert display.missing_from_error(err) == "libxcb-icccm.so.4"
    assert display.missing_from_error("some other failure") is None
    assert display.debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert display.debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert display.debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert display.debian_package("libxcb-render-util.so.0.0.0") == "libxcb-render-util0"


@pytest.fixture
def x11(monkeypatch):
    monkeypatch.setattr(display.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")


def test_any_missing_plugin_library_is_one_line(x11, monkeypatch):
    monkeypatch.setattr(display, "xcb_missing_library", lambda: "libxcb-keysyms.so.1")
    problem = display.display_problem()
    assert problem is not None and "\n" not in problem
    assert "libxcb-keysyms.so.1" in problem and "apt install libxcb-keysyms1" in problem


def test_xcb_cursor_is_checked_when_everything_linked_loads(x11, monkeypatch):
    monkeypatch.setattr(display, "xcb_missing_library", lambda: None)
    monkeypatch.setattr(display.ctypes.util, "find_library", lambda name: None)
    assert "libxcb-cursor0" in display.display_problem()
    monkeypatch.setattr(display.ctypes.util, "find_library", lambda name: f"lib{name}.so.0")
    assert display.display_problem() is None


def test_no_display_and_offscreen(monkeypatch):
    monkeypatch.setattr(display.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    assert "no display" in display.display_problem()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display.display_problem() is None


def test_the_real_plugin_library_is_probed_without_raising():
    # Whatever this machine has installed, the probe answers a name or None.
    missing = display.xcb_missing_library()
    assert missing is None or ".so" in missing
