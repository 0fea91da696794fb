"""Windows that fit the screen (pytest-qt, offscreen): the sizes the app
decides for a given available screen area, a remembered geometry brought
back onto a smaller screen, and the main window usable at 1280 × 720."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from mlpviz.ui.widgets import window_fit
from mlpviz.ui.widgets.window_fit import FIT_FRACTION, clamped_rect, fitted_rect

LAPTOP = QRect(0, 0, 1366, 728)  # 1366 × 768 less a 40 px task bar
SMALL = QRect(0, 0, 1280, 690)  # 1280 × 720 less a 30 px panel
BIG = QRect(0, 0, 2560, 1400)
SECOND = QRect(1920, 0, 1280, 984)  # a second monitor right of the first, with a top bar


@pytest.mark.parametrize("available", [LAPTOP, SMALL, BIG, SECOND])
@pytest.mark.parametrize("preferred", [QSize(1360, 860), QSize(1500, 900), QSize(1320, 860)])
def test_a_new_window_fits_its_screen_and_is_centred(available, preferred):
    rect = fitted_rect(preferred, available)
    assert available.contains(rect)
    assert rect.width() <= min(preferred.width(), available.width() * FIT_FRACTION)
    assert rect.height() <= min(preferred.height(), available.height() * FIT_FRACTION)
    # As big as allowed: the preferred size, or the fraction of the screen.
    assert rect.width() >= min(preferred.width(), available.width() * FIT_FRACTION) - 1
    assert rect.height() >= min(preferred.height(), available.height() * FIT_FRACTION) - 1
    centre, middle = rect.center(), available.center()
    assert abs(centre.x() - middle.x()) <= 1 and abs(centre.y() - middle.y()) <= 1


def test_a_big_screen_gets_the_preferred_size():
    assert fitted_rect(QSize(1360, 860), BIG).size() == QSize(1360, 860)


def test_a_window_whose_layout_needs_more_than_the_screen_keeps_its_top_left_on_it():
    rect = fitted_rect(QSize(1360, 860), QRect(100, 50, 800, 600), minimum=QSize(1077, 466))
    assert rect.size() == QSize(1077, 540)  # the layout's least width; 90 % of the height
    assert rect.topLeft() == QPoint(100, 80)  # the title bar stays reachable


@pytest.mark.parametrize(
    "remembered",
    [
        QRect(0, 0, 1920, 1080),  # saved on a bigger screen
        QRect(2500, 1200, 1000, 600),  # on a monitor that is gone
        QRect(-400, -300, 900, 500),  # dragged partly off the top left
        QRect(900, 400, 800, 500),  # hanging off the bottom right
    ],
)
def test_a_remembered_geometry_that_no_longer_fits_is_clamped(remembered):
    rect = clamped_rect(remembered, SMALL)
    assert SMALL.contains(rect)
    assert rect.width() == min(remembered.width(), SMALL.width())
    assert rect.height() == min(remembered.height(), SMALL.height())


def test_a_remembered_geometry_that_fits_is_kept():
    rect = QRect(40, 30, 1000, 600)
    assert clamped_rect(rect, SMALL) == rect


# -- the windows ---------------------------------------------------------------------------


@pytest.fixture
def laptop(monkeypatch):
    """The screen the windows open on is a 1366 × 768 laptop's."""
    monkeypatch.setattr(window_fit, "available_rect", lambda _window: QRect(LAPTOP))
    return LAPTOP


def _decided(window: QWidget, preferred: QSize) -> QRect:
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    return fitted_rect(preferred, LAPTOP, minimum)


def test_main_window_opens_fitted_and_centred(qtbot, settings_store, laptop):
    from mlpviz.ui.shell.main_window import PREFERRED_SIZE, MainWindow

    w = MainWindow(settings_store=settings_store)
    qtbot.addWidget(w)
    assert w.geometry() == _decided(w, PREFERRED_SIZE)
    assert laptop.contains(w.geometry())
    assert w.width() < PREFERRED_SIZE.width() and w.height() < PREFERRED_SIZE.height()
    w.close()


def test_lessons_and_playground_windows_open_fitted(qtbot, laptop):
    from mlpviz.ui.lessons.window import PREFERRED_SIZE as LESSONS_SIZE
    from mlpviz.ui.lessons.window import LessonsWindow
    from mlpviz.ui.playground.window import PREFERRED_SIZE as PLAYGROUND_SIZE
    from mlpviz.ui.playground.window import PlaygroundWindow

    lessons = LessonsWindow()
    qtbot.addWidget(lessons)
    assert lessons.geometry() == _decided(lessons, LESSONS_SIZE)
    assert laptop.contains(lessons.geometry())
    playground = PlaygroundWindow()
    qtbot.addWidget(playground)
    assert playground.geometry() == _decided(playground, PLAYGROUND_SIZE)
    assert laptop.contains(playground.geometry())
    playground.close()
    lessons.close()


def test_a_layout_saved_on_a_big_screen_is_brought_onto_a_small_one(
    qtbot, settings_store, monkeypatch
):
    from mlpviz.ui.shell.main_window import MainWindow

    monkeypatch.setattr(window_fit, "available_rect", lambda _window: QRect(BIG))
    first = MainWindow(settings_store=settings_store)
    qtbot.addWidget(first)
    first.setGeometry(QRect(1200, 500, 1340, 880))
    first.close()  # saves the layout
    assert settings_store.value("window/geometry") is not None

    monkeypatch.setattr(window_fit, "available_rect", lambda _window: QRect(SMALL))
    second = MainWindow(settings_store=settings_store)
    qtbot.addWidget(second)
    assert SMALL.contains(second.frameGeometry())
    assert second.width() <= SMALL.width() and second.height() <= SMALL.height()
    second.close()


def _inside(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def test_main_window_is_usable_at_1280_by_720(window, qtbot):
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.size() == QSize(1280, 720))
    QApplication.processEvents()
    status = window.statusBar()
    assert status.isVisible() and _inside(status, window)
    assert status.geometry().bottom() == window.rect().bottom()
    for widget in (window.graph, window.history_bar, window.loss_plot, window.settings_panel):
        assert widget.isVisible() and _inside(widget, window), widget
    # The plot's axes are inside the loss plot, which is not squeezed below its
    # least size; docks that hold more than fits scroll instead of clipping.
    plot = window.loss_plot.plot_widget
    assert plot.height() >= plot.minimumSizeHint().height()
    for dock in window.docks:
        if not dock.isVisible() or dock.visibleRegion().isEmpty():
            continue
        content = dock.widget()
        least = content.minimumSizeHint()
        clipped = content.height() < least.height() or content.width() < least.width()
        assert not clipped or isinstance(content, QScrollArea), dock.objectName()
    assert window.minimumSizeHint().width() <= 1280
    assert window.minimumSizeHint().height() <= 720
