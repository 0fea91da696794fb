"""A long run in the window: the loss record, the curve and the saved session stay bounded."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mlpviz.engine import loss_archive
from mlpviz.ui.shell.main_window import MainWindow
from tests.ui.session_helpers import side_actions

RECENT = 100


@pytest.fixture
def window(qtbot, settings_store, tmp_path, monkeypatch):
    monkeypatch.setattr(loss_archive, "RECENT_EPOCHS", RECENT)
    made = []

    def new() -> MainWindow:
        w = MainWindow(settings_store=settings_store)
        qtbot.addWidget(w)
        actions = side_actions(w, tmp_path / "autosave.mlpviz", 60_000)
        w.show()
        qtbot.waitUntil(lambda: w.session.latest is not None)
        made.append((w, actions))
        return w

    yield new
    for w, actions in made:
        actions.autosave_timer.stop()
        w.close()


def state_of(w, qtbot) -> dict:
    with qtbot.waitSignal(w.session.stateReady) as got:
        w.session.request_state(11)
    return got.args[1].state


def test_a_long_run_keeps_recent_losses_exact_and_older_ones_as_envelopes(window, qtbot, tmp_path):
    w = window()
    w.session.run()
    qtbot.waitUntil(lambda: w.session.latest.epoch >= 2_000, timeout=60_000)
    w.session.pause()
    qtbot.waitUntil(lambda: not w.session.running)
    st = state_of(w, qtbot)
    epoch = st["epoch"]
    archive = loss_archive.LossArchive()
    archive.load(st["loss_archive"])
    # The trainer holds fewer than 2·RECENT exact epochs; the rest are envelopes.
    assert RECENT <= len(st["losses"]) < 2 * RECENT
    assert archive.end + len(st["losses"]) == epoch
    plot = w.loss_plot
    qtbot.waitUntil(lambda: len(plot) == epoch)
    assert len(plot.train_losses) < 2 * RECENT and len(plot.store.archive) > 0
    # Where both hold epochs exactly, the curve holds the trainer's losses.
    first = max(plot.exact_from, archive.end + 1)
    mine = plot.train_losses[first - plot.exact_from :]
    np.testing.assert_array_equal(mine, st["losses"][first - archive.end - 1 :])
    assert plot.readout_text().startswith(f"epoch {epoch:,}")

    # Saved and opened again: the same epochs, envelopes and all.
    path = tmp_path / "long.mlpviz"
    with qtbot.waitSignal(w.session_actions.saved, timeout=10_000):
        w.session_actions.save_to(path)
    saved = json.loads(path.read_text())["state"]
    assert len(saved["losses"]) < 2 * RECENT and len(saved["tests"]) < 2 * RECENT
    assert saved["loss_archive"]["lasts"][-1] + len(saved["losses"]) == epoch
    w2 = window()
    assert w2.session_actions.open_session(path)
    qtbot.waitUntil(lambda: w2.session.latest.epoch == epoch)
    qtbot.waitUntil(lambda: len(w2.loss_plot) == epoch)
    back = w2.loss_plot.store.archive
    assert back.end >= archive.end - 2 * RECENT and len(back) > 0
    st2 = state_of(w2, qtbot)
    assert st2["losses"] == st["losses"]
    assert st2["loss_archive"] == st["loss_archive"]
