"""Closing the main window mid-work: a CSV loading, a run going.

Quitting must be quick (≤ 2 s, the bound Session.shutdown and the dataset
dialog promise) and leave no thread behind: a QThread destroyed while it runs
aborts the process, and one that outlives its window keeps the app alive.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QThread

from mlpviz.data import Dataset
from mlpviz.data.problem import Problem, prepare
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.ui.shell.main_window import MainWindow
from mlpviz.ui.training import loader_thread
from mlpviz.ui.training.loader_thread import running_tasks

CLOSE_BUDGET_S = 2.0
CSV_ROWS = 1_000_000  # a big file, as users close on; the load is held mid-file


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """A 1,000,000 × 3 CSV, written from one repeated block (fast to make)."""
    rng = np.random.default_rng(0)
    block = "\n".join(",".join(f"{v:.5f}" for v in row) for row in rng.random((1000, 3)))
    path = tmp_path_factory.mktemp("shutdown") / "big.csv"
    path.write_text("a,b,c\n" + "\n".join([block] * (CSV_ROWS // 1000)) + "\n")
    return path


def _big_problem(rows: int) -> Problem:
    rng = np.random.default_rng(1)
    values = rng.random((rows, 3))
    return prepare(Dataset(("a", "b", "c"), values), ["a", "b"], ["c"], name="big")


def _shown(qtbot, settings_store, **kwargs) -> MainWindow:
    window = MainWindow(settings_store=settings_store, **kwargs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.session.latest is not None, timeout=10_000)
    return window


def _close_timed(window: MainWindow) -> float:
    start = time.perf_counter()
    window.close()
    return time.perf_counter() - start


@pytest.fixture
def loader_held_mid_file(monkeypatch):
    """Holds the CSV loader at its first progress report past 5 % until the
    load is cancelled (or 10 s pass), so "closing while loading" never
    races a load that ends first: a million rows take only ~0.5 s here."""
    real = loader_thread._Worker._progress

    def held(self, fraction: float) -> None:
        real(self, fraction)
        if fraction > 0.05:
            self._cancel.wait(10.0)  # the loader still polls cancel right after

    monkeypatch.setattr(loader_thread._Worker, "_progress", held)


def test_close_while_a_csv_loads(qtbot, settings_store, big_csv, loader_held_mid_file):
    window = _shown(qtbot, settings_store)
    worker_thread: QThread = window.session.thread
    dialog = window.data_files.open_dialog(str(big_csv))
    load_thread: QThread = dialog.load_thread
    assert dialog.is_loading
    assert load_thread.isRunning()
    qtbot.waitUntil(lambda: dialog.progress_bar.maximum() > 0, timeout=5000)  # mid-file
    assert dialog.is_loading

    took = _close_timed(window)

    worker_stopped = not worker_thread.isRunning()
    loader_stopped = not load_thread.isRunning()
    load_thread.wait(30_000)  # a failure here must not also leak the thread
    assert took < CLOSE_BUDGET_S, f"closing took {took:.2f} s"
    assert worker_stopped
    # The dialog belongs to the window: closing the window ends its load too,
    # instead of reading a million rows for nobody.
    assert loader_stopped, "the CSV loader thread outlived the main window"
    assert running_tasks() == 0


def _rows_for_an_epoch_of(seconds: float, settings: TrainingSettings) -> int:
    """Rows whose one epoch takes about ``seconds`` here (machines differ a lot)."""
    rows = 20_000
    problem = _big_problem(rows)
    mlp = NetworkSpec(init="xavier").build(2, 1)
    trainer = settings.make_trainer(mlp, problem.X_train, problem.Z_train)
    start = time.perf_counter()
    trainer.run(1)
    per_row = (time.perf_counter() - start) / rows
    return int(min(max(seconds / per_row, 10_000), 3_000_000))


@pytest.mark.parametrize(
    "case",
    [
        "tutorial",
        # One epoch of about 4 s (one row per step, Adam: the NumPy path): the
        # worker must stop mid-epoch to quit in time.
        "long-epochs",
        # The same with the default per-sample SGD, which takes the plain-Python
        # fast path (Trainer.run over whole epochs).
        "long-fast-epochs",
    ],
)
def test_close_while_running(qtbot, settings_store, case):
    if case == "tutorial":
        window = _shown(qtbot, settings_store)
    else:
        if case == "long-epochs":
            settings = TrainingSettings(optimizer="adam", learning_rate=0.001)
        else:
            settings = TrainingSettings()
        problem = _big_problem(_rows_for_an_epoch_of(4.0, settings))
        window = _shown(
            qtbot,
            settings_store,
            problem=problem,
            spec=NetworkSpec(init="xavier"),
            settings=settings,
        )
    thread: QThread = window.session.thread
    window.controls.run.trigger()
    qtbot.waitUntil(lambda: window.session.running, timeout=5000)
    if case == "tutorial":
        qtbot.waitUntil(lambda: window.session.latest.epoch > 20, timeout=5000)

    took = _close_timed(window)

    stopped = not thread.isRunning()
    thread.wait(30_000)  # a failure here must not also leak the thread
    assert stopped, "the training thread was still running after close()"
    assert took < CLOSE_BUDGET_S, f"closing took {took:.2f} s"


_QUIT_MID_RUN = """
import sys
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([])
from mlpviz.ui.shell.main_window import MainWindow

window = MainWindow(settings_store=QSettings(sys.argv[1], QSettings.Format.IniFormat))
window.show()
thread = window.session.thread


def quit_once_training() -> None:
    latest = window.session.latest
    if window.session.running and latest is not None and latest.epoch > 5:
        print("training", flush=True)
        app.exit(0)
    else:
        QTimer.singleShot(20, quit_once_training)


window.session.run()
QTimer.singleShot(20, quit_once_training)
code = app.exec()
print("exec returned", code, "thread running:", thread.isRunning(), flush=True)
"""


def test_app_exit_mid_run_quits_cleanly(tmp_path):
    """The app's real way out: exec() returns while training runs, then the
    interpreter tears the window down. A thread still running then aborts with
    "QThread: Destroyed while thread 'mlpviz-training' is still running".
    In a process of its own: aboutToQuit also runs pyqtgraph's cleanup, which
    would break every later test here."""
    script = tmp_path / "quit_mid_run.py"
    script.write_text(_QUIT_MID_RUN)
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "mlpviz.ini")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "training" in done.stdout, done.stdout + done.stderr
    assert "thread running: False" in done.stdout, done.stdout + done.stderr
    assert "Destroyed while thread" not in done.stderr
    assert done.returncode == 0, done.stderr
