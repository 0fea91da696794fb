"""The Lessons window (pytest-qt, offscreen): every lesson opens, steps, goes back,
resets, shows the right numbers and the notes on the tutorial's mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMainWindow

from mlpviz.ui.lessons import LESSONS, LessonsWindow, build_lessons_menu
from mlpviz.ui.lessons.base import LessonPanel

SHOTS = Path("/tmp/mlpviz_shots")


@pytest.fixture
def loaded():
    calls = []
    return calls


@pytest.fixture
def window(qtbot, loaded):
    w = LessonsWindow(on_load=lambda *args: loaded.append(args))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def click(qtbot, panel: LessonPanel, button) -> None:
    with qtbot.waitSignal(panel.changed, timeout=2000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def not_blank(image: QImage) -> bool:
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    return image.width() > 600 and len(colours) > 40


def shoot(window: LessonsWindow, tmp_path: Path, number: int) -> None:
    QApplication.processEvents()  # pending layout requests, as the event loop would run them
    image = window.grab().toImage()
    assert not_blank(image)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path in (tmp_path / f"lesson_{number}.png", SHOTS / f"lesson_{number}.png"):
        assert image.save(str(path))


# -- the menu and the window ------------------------------------------------------------


def test_menu_has_one_action_per_lesson_and_opens_them(qtbot):
    host = QMainWindow()
    qtbot.addWidget(host)
    menu = build_lessons_menu(host)
    host.menuBar().addMenu(menu)
    actions = [a for a in menu.actions() if not a.isSeparator()]
    assert len(actions) == 4 == len(LESSONS)
    assert "Derivative" in actions[0].text() and "worked" in actions[3].text()
    actions[2].trigger()
    window = menu.window
    assert window is not None
    qtbot.addWidget(window)
    assert window.isVisible() and window.stack.currentIndex() == 2
    actions[0].trigger()
    assert menu.window is window and window.stack.currentIndex() == 0
    # Without a callback lesson 4 cannot load into a main window.
    assert not window.show_lesson(3).load_button.isEnabled()


def test_chooser_switches_lessons(window, qtbot):
    with qtbot.waitSignal(window.lessonChanged, timeout=2000) as blocker:
        window.chooser.setCurrentRow(1)
    assert blocker.args == [1]
    assert window.current_panel() is window.panels[1]


# -- lesson 1 ------------------------------------------------------------------------------


def test_derivative_lesson(window, qtbot, tmp_path):
    panel = window.show_lesson(0)
    text = panel.readout_text()
    assert "−4.6667" in text and "negative: increase w" in text
    assert "2.1000" in text  # the difference quotient aside
    assert "moves us uphill" in text  # the note on the tutorial's wording
    click(qtbot, panel, panel.step_button)
    assert "w = 1.4667" in panel.readout_text()
    click(qtbot, panel, panel.step_button)
    click(qtbot, panel, panel.back_button)
    assert "w = 1.4667" in panel.readout_text()
    click(qtbot, panel, panel.reset_button)
    assert panel.lesson.history == [1.0]
    # Dragging the start line to 3 restarts there: the slope turns positive.
    panel.start_line.setValue(3.0)
    with qtbot.waitSignal(panel.changed, timeout=2000):
        panel.start_line.sigPositionChangeFinished.emit(panel.start_line)
    text = panel.readout_text()
    assert "+4.6667" in text and "positive: decrease w" in text
    panel.lr_box.setValue(0.15)
    assert panel.lesson.lr == 0.15
    panel.lr_box.setValue(0.1)
    panel.w_box.setValue(1.0)
    click(qtbot, panel, panel.step_button)
    assert "w = 1.4667" in panel.readout_text()
    shoot(window, tmp_path, 1)


def test_play_steps_until_paused_and_stops_when_hidden(window, qtbot):
    panel = window.show_lesson(0)
    panel._timer.setInterval(10)
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    assert panel.playing
    qtbot.waitUntil(lambda: panel.lesson.steps >= 3, timeout=3000)
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    assert not panel.playing
    panel.play_button.setChecked(True)
    window.show_lesson(1)  # switching lessons stops the one playing
    assert not panel.playing


# -- lesson 2 ------------------------------------------------------------------------------


def test_bowl_lesson(window, qtbot, tmp_path):
    panel = window.show_lesson(1)
    for _ in range(10):
        click(qtbot, panel, panel.step_button)
    assert panel.table.rowCount() == 11
    text = panel.readout_text()
    for value in ("0.7037", "0.4504", "0.2882", "0.7140", "0.3579", "0.2294", "3·0.8000"):
        assert value in text
    assert "f(x_new, y_new)" in text  # which point the printed f is taken at
    # Row 8's f is the tutorial's mistake: highlighted and explained on hover.
    f_item = panel.table.item(8, 7)
    assert f_item.text() == "0.7037" and "0.7140" in f_item.toolTip()
    assert "f(x, y) = 0.2294 (it is 0.2882)" in panel.readout.text()
    click(qtbot, panel, panel.back_button)
    assert panel.table.rowCount() == 10
    click(qtbot, panel, panel.step_button)
    shoot(window, tmp_path, 2)
    click(qtbot, panel, panel.reset_button)
    assert panel.table.rowCount() == 1 and panel.lesson.point == (3.0, 4.0)


# -- lesson 3 ------------------------------------------------------------------------------


def test_trial_vs_gradient_lesson(window, qtbot, tmp_path):
    panel = window.show_lesson(2)
    assert panel.race.n_params == 1
    text = panel.readout_text()
    assert "2 × 10 = 20" in text and "2¹⁰ = 1024" in text
    assert "2¹⁰ = 1 024" in text  # the cost table's row for the tutorial's claim
    panel.problem_box.setCurrentIndex(2)  # the MLP
    assert panel.race.n_params == 13
    for _ in range(4):
        click(qtbot, panel, panel.step_button)
    text = panel.readout_text()
    assert "1 + 2·13 = 27" in text
    race = panel.race
    assert f"{race.trial.forward} loss evaluations" in text
    assert f"{race.gradient.forward} forward + {race.gradient.backward} backward" in text
    with qtbot.waitSignal(panel.changed, timeout=2000):
        panel.hidden_box.setValue(5)
    assert panel.race.n_params == 21 and panel.race.sweeps == 0
    for _ in range(12):
        click(qtbot, panel, panel.step_button)
    click(qtbot, panel, panel.back_button)
    assert panel.race.sweeps == 11
    shoot(window, tmp_path, 3)
    click(qtbot, panel, panel.reset_button)
    assert panel.race.trial.cost == 0


# -- lesson 4 ------------------------------------------------------------------------------


def test_worked_example_lesson(window, qtbot, tmp_path, loaded):
    panel = window.show_lesson(3)
    text = panel.readout_text()
    for value in (
        "−1.0000",
        "0.5000",
        "1.5000",
        "0.2689",
        "0.6225",
        "0.8176",
        "0.0120",
        "0.5030",
        "−0.1242",
        "0.1235",
    ):
        assert value in text
    # The notes on the text's mistakes, with the right numbers.
    for fragment in ("−22.56", "−22.62", "0.2494", "+0.1111", "yo[0], yo[1]", "??", "70,100,90"):
        assert fragment in text
    click(qtbot, panel, panel.step_button)
    assert "row 2" in panel.readout.text()
    click(qtbot, panel, panel.back_button)
    assert "row 1" in panel.readout.text() and "−0.1242" in panel.readout_text()
    click(qtbot, panel, panel.step_button)
    shoot(window, tmp_path, 4)
    click(qtbot, panel, panel.reset_button)
    assert panel.lesson.updates == 0

    assert panel.load_button.isEnabled()
    qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    ((problem, spec, settings),) = loaded
    assert tuple(problem.X[0]) == (1.0, 1.0) and float(problem.Z[0, 0]) == 1.0
    assert spec.init == "tutorial" and spec.hidden == (3,)
    assert settings.learning_rate == 0.1 and settings.batch_size == 1

    with qtbot.waitSignal(panel.changed, timeout=2000):
        panel.dataset_box.setCurrentIndex(1)
    assert "raw (70, 100) → 90" in panel.readout.text()
