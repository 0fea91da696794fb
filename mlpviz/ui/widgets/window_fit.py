"""Window sizes that fit the screen a window opens on.

A window opens at its preferred size or at ``FIT_FRACTION`` of the screen's
*available* geometry (without task bars and docks), whichever is smaller,
centred in that area; a remembered geometry that no longer fits (a smaller
screen, a changed resolution) is shrunk and moved inside it. The decisions
are functions of rectangles, so they are tested with any screen size; the
screen itself is asked only in :func:`available_rect`.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FIT_FRACTION = 0.9  # of the available screen, at most, for a newly opened window


def fitted_rect(
    preferred: QSize,
    available: QRect,
    minimum: QSize | None = None,
    fraction: float = FIT_FRACTION,
) -> QRect:
    """Where a window that would like ``preferred`` opens on ``available``:
    never larger than ``preferred`` nor than ``fraction`` of ``available`` in
    either direction (but not below ``minimum``, the least its layout takes),
    centred in ``available``; one too big for it keeps its top left corner
    on it, where the title bar and menus are."""
    minimum = minimum or QSize(1, 1)
    width = max(minimum.width(), min(preferred.width(), int(available.width() * fraction)))
    height = max(minimum.height(), min(preferred.height(), int(available.height() * fraction)))
    rect = QRect(0, 0, max(1, width), max(1, height))
    rect.moveCenter(available.center())
    rect.moveLeft(max(rect.left(), available.left()))
    rect.moveTop(max(rect.top(), available.top()))
    return rect


def clamped_rect(rect: QRect, available: QRect) -> QRect:
    """``rect`` made to fit inside ``available``: shrunk to its size if it is
    larger, then moved the least distance that puts it wholly inside."""
    width = min(rect.width(), available.width())
    height = min(rect.height(), available.height())
    left = min(max(rect.left(), available.left()), available.right() + 1 - width)
    top = min(max(rect.top(), available.top()), available.bottom() + 1 - height)
    return QRect(left, top, width, height)


def available_rect(window: QWidget) -> QRect:
    """The available geometry of the screen ``window`` opens on: its own
    screen once placed, else its parent's, else the primary screen."""
    screen = window.screen()
    parent = window.parentWidget()
    if parent is not None and not window.isVisible():
        screen = parent.screen() or screen
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def open_fitted(window: QWidget, preferred: QSize) -> QRect:
    """Size and centre ``window`` for the screen it opens on (see
    :func:`fitted_rect`); returns the geometry chosen."""
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    rect = fitted_rect(preferred, available_rect(window), minimum)
    window.setGeometry(rect)
    return rect


def keep_on_screen(window: QWidget) -> bool:
    """Shrink and move a restored ``window`` so its frame fits the available
    screen; a maximized or full-screen window is left to the window manager.
    Returns whether the geometry changed."""
    if window.isMaximized() or window.isFullScreen():
        return False
    available = available_rect(window)
    frame, inner = window.frameGeometry(), window.geometry()
    # The frame (title bar, borders) must fit too; the geometry is set without it.
    extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
    fitted = clamped_rect(frame, available)
    if fitted == frame:
        return False
    dx, dy = inner.left() - frame.left(), inner.top() - frame.top()
    width, height = fitted.width() - extra_w, fitted.height() - extra_h
    window.setGeometry(QRect(fitted.left() + dx, fitted.top() + dy, width, height))
    return True
