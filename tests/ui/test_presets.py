"""Presets in the window: applied whole, locks that hold, bad files that change nothing."""

from __future__ import annotations

import json
import os

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from mlpviz import cli
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io.preset_file import LOCKS, PresetStep, preset_from_text, preset_to_dict
from mlpviz.ui.files.preset_dialog import parse_steps, steps_text
from mlpviz.ui.shell.preset_actions import builtin_presets
from mlpviz.ui.shell.settings_locks import LOCKED_TIP, PANEL_LOCKS


def _open(window, name: str) -> None:
    assert window.presets.open_builtin(name, builtin_presets()[name])


def _wheel(widget, steps: int = 3) -> None:
    for _ in range(steps):
        pos = QPointF(widget.rect().center())
        event = QWheelEvent(
            pos, widget.mapToGlobal(pos), QPoint(), QPoint(0, 120),
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        QApplication.sendEvent(widget, event)


def _type(qtbot, widget, keys) -> None:
    widget.setFocus()
    for key in keys:
        qtbot.keyClick(widget, key)


def test_three_shipped_presets_load_and_are_listed(window):
    shipped = builtin_presets()
    assert len(shipped) == 3
    titles = [a.text() for a in window.presets.presets_menu.actions()]
    assert titles == [preset_from_text(t, n).title for n, t in shipped.items()]
    for name in shipped:
        _open(window, name)
        preset = window.presets.preset
        assert window.session.spec == preset.spec
        assert window.settings_panel.training_settings() == preset.settings
        shown = {d.objectName().removesuffix("-dock") for d in window.docks if not d.isHidden()}
        assert shown == set(preset.docks)
        assert window.presets.dock.isVisible()
        assert window.presets.panel.steps.count() == len(preset.steps)


def test_a_locked_control_cannot_change_its_setting(window, qtbot):
    _open(window, "tutorial-exam-scores.json")
    panel = window.settings_panel
    before = panel.training_settings()
    spec = panel.network_spec()
    for box in (panel.learning_rate, panel.optimizer, panel.batch_size, panel.l2, panel.seed):
        assert not box.isEnabled()
        assert box.toolTip() == LOCKED_TIP
        _type(qtbot, box, [Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_9, Qt.Key.Key_Enter])
        _wheel(box)
    qtbot.mouseClick(panel._add_button, Qt.MouseButton.LeftButton)
    panel.flush()
    assert panel.training_settings() == before
    assert panel.network_spec() == spec
    assert window.session.settings == before
    # An unlocked control still takes input: stop conditions are not locked here.
    assert panel.use_max_epochs.isEnabled()


def test_leaving_the_preset_unlocks_and_restores_tooltips(window, qtbot):
    tip = window.settings_panel.learning_rate.toolTip()
    _open(window, "tutorial-exam-scores.json")
    window.presets.leave()
    box = window.settings_panel.learning_rate
    assert box.isEnabled() and box.toolTip() == tip
    _type(qtbot, box, [Qt.Key.Key_Up])
    window.settings_panel.flush()
    assert window.settings_panel.training_settings().learning_rate > 0.1


def test_data_lock_disables_opening_other_data(window):
    _open(window, "diverging-learning-rate.json")
    m = window.menus
    assert not m.open_action.isEnabled() and not m.draw_action.isEnabled()
    assert not m.examples_menu.menuAction().isEnabled()
    assert not window.acceptDrops()
    window.presets.leave()
    assert m.open_action.isEnabled() and window.acceptDrops()


def test_a_lesson_or_a_session_cannot_replace_locked_settings(window, qtbot):
    _open(window, "diverging-learning-rate.json")
    assert window.presets.locked
    s = window.session_actions
    assert not s.open_action.isEnabled() and not s.recent_menu.menuAction().isEnabled()
    spec, settings = window.session.spec, window.session.settings
    lesson = NetworkSpec(hidden=(5,), init="xavier")
    window.load_lesson(window.session.problem, lesson, TrainingSettings(learning_rate=7.0))
    assert window.banner.isVisibleTo(window) and "Leave the preset" in window.banner.text.text()
    assert (window.session.spec, window.session.settings) == (spec, settings)
    assert window.settings_panel.training_settings().learning_rate == settings.learning_rate
    window.presets.leave()
    assert s.open_action.isEnabled()
    window.load_lesson(window.session.problem, lesson, TrainingSettings(learning_rate=7.0))
    qtbot.waitUntil(lambda: window.session.spec.hidden == (5,))


def test_steps_panel_goes_next_and_previous_with_checkboxes(window, qtbot):
    _open(window, "fewest-hidden-nodes-xor.json")
    panel, steps = window.presets.panel, window.presets.preset.steps
    assert panel.text.text() == steps[0].text and not panel.previous.isEnabled()
    qtbot.mouseClick(panel.next, Qt.MouseButton.LeftButton)
    assert panel.current() == 1 and panel.text.text() == steps[1].text
    assert panel.show_answer.isVisibleTo(panel) == (steps[1].answer is not None)
    panel.show_answer.setChecked(True)
    assert steps[1].answer in panel.answer.text()
    panel.steps.item(0).setCheckState(Qt.CheckState.Checked)
    assert panel.checked() == [True] + [False] * (len(steps) - 1)
    panel.go(99)
    assert panel.current() == len(steps) - 1 and not panel.next.isEnabled()


def test_save_from_the_window_then_open_round_trips(window, tmp_path):
    _open(window, "fewest-hidden-nodes-xor.json")
    window.presets.leave()
    steps = (PresetStep("Look.", None), PresetStep("How many?", "Two"))
    made = window.presets.current("Mine", frozenset({"network", "seed"}), steps)
    path = tmp_path / "mine.mlpviz-preset.json"
    assert window.presets.save_file(path, made)
    _open(window, "tutorial-exam-scores.json")
    assert window.presets.open_file(path)
    back = window.presets.preset
    assert back == made
    assert back.data.example == "xor"
    assert window.session.spec == made.spec
    assert window.settings_panel.training_settings() == made.settings
    assert window.settings_panel.locks.locked == {"network", "seed"}


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ('{"format": "other"}', '"format": "mlpviz-preset"'),
        ("locked", "locked[0]"),
        ("types", "training.batch_size"),
        ("fifo", "not a regular file"),
        ("huge", "too large"),
    ],
)
def test_a_bad_preset_changes_nothing(window, tmp_path, content, named):
    _open(window, "diverging-learning-rate.json")
    window.presets.leave()
    path = tmp_path / "bad.json"
    good = preset_to_dict(window.presets.preset)
    if content == "locked":
        path.write_text(json.dumps({**good, "locked": ["everything"]}), encoding="utf-8")
    elif content == "types":
        good["training"]["batch_size"] = 2.5
        path.write_text(json.dumps(good), encoding="utf-8")
    elif content == "fifo":
        os.mkfifo(path)
    elif content == "huge":
        with open(path, "wb") as f:
            f.truncate(64 << 20)
    else:
        path.write_text(content, encoding="utf-8")
    problem, spec, settings = window.session.problem, window.session.spec, window.session.settings
    shown = [d.isHidden() for d in window.docks]
    assert not window.presets.open_file(path)
    assert window.banner.kind == "error"
    assert str(path) in window.banner.text.text() and named in window.banner.text.text()
    assert window.session.problem is problem
    assert (window.session.spec, window.session.settings) == (spec, settings)
    assert window.settings_panel.training_settings() == settings
    assert [d.isHidden() for d in window.docks] == shown
    assert window.settings_panel.locks.locked == frozenset()


def test_steps_text_and_parse_are_inverse():
    steps = (PresetStep("One\nline two", "yes"), PresetStep("Two", None))
    assert parse_steps(steps_text(steps)) == steps
    assert parse_steps("  \n\nA\nAnswer: b\n\n\nC  \n") == (PresetStep("A", "b"), PresetStep("C"))
    with pytest.raises(ValueError, match="step 2 has an answer but no text"):
        parse_steps("A\n\nAnswer: x")


def test_every_panel_lock_is_a_preset_lock():
    assert set(PANEL_LOCKS) <= set(LOCKS) and set(LOCKS) - set(PANEL_LOCKS) == {"data"}


def test_cli_routes_preset_to_the_app(monkeypatch):
    import mlpviz.ui.shell.app as app

    calls = []
    monkeypatch.setattr(app, "run", lambda *a, **k: calls.append((a, k)) or 0)
    assert cli.main(["--preset", "lesson.json"]) == 0
    assert cli.main(["--preset=other.json"]) == 0
    assert calls == [((None,), {"preset": "lesson.json"}), ((None,), {"preset": "other.json"})]
    assert cli.main(["--preset"]) == cli.EXIT_USAGE
