"""Start the desktop application."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mlpviz.data import DatasetError, load_csv
from mlpviz.data.defaults import choose_defaults
from mlpviz.data.encoding import infer_task
from mlpviz.data.problem import Problem, prepare
from mlpviz.data.roles import default_roles
from mlpviz.ui.shell.display import display_problem

if TYPE_CHECKING:
    from mlpviz.ui.shell.main_window import MainWindow
    from mlpviz.ui.training.loader_thread import BackgroundTask


def run(
    csv_path: str | None = None, argv: list[str] | None = None, preset: str | None = None
) -> int:
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from mlpviz.ui.shell.app_icon import app_icon
    from mlpviz.ui.shell.main_window import MainWindow
    from mlpviz.ui.shell.quit_signals import QuitSignals

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("mlpviz")
    app.setOrganizationName("mlpviz")
    app.setApplicationDisplayName("mlpviz")
    app.setWindowIcon(app_icon())
    window = MainWindow()
    # Ctrl+C in the terminal and SIGTERM at logout save to the autosave and quit.
    signals = QuitSignals(window.quit_on_signal, window)
    window.show()
    settle_heap()
    window.session_actions.offer_restore()
    task = open_guessed(window, csv_path) if csv_path else None
    if preset:
        window.presets.open_file(preset)
    try:
        return app.exec()
    finally:
        if task is not None:
            task.stop()  # a load still running when the window closed
        signals.uninstall()


def guessed_problem(path: str | Path, progress=None, cancel=None) -> Problem:
    """``path`` loaded, with the roles guessed as the dataset dialog guesses them.

    Raises DatasetError naming the file (and the line and column where one
    applies) for a file that cannot be used.
    """
    path = Path(path)
    dataset = load_csv(path, progress=progress, cancel=cancel)
    try:
        inputs, targets = default_roles(dataset.columns)
        task = infer_task(dataset, targets)
        d = choose_defaults(dataset.columns, task, dataset.n_rows)
        return prepare(dataset, inputs, targets, d.input_scaling, d.target_scaling, task=task)
    except DatasetError as e:
        text = str(e)
        raise DatasetError(text if path.name in text else f"{path.name}: {text}", path=path) from e


def open_guessed(window: MainWindow, path: str | Path) -> BackgroundTask:
    """Load ``path`` off the GUI thread and train on it with the guessed roles.

    The window keeps the tutorial's data until the file is ready; a file that
    cannot be used leaves them and says why in the window's banner.
    """
    from mlpviz.ui.training.loader_thread import BackgroundTask

    task = BackgroundTask(lambda progress, cancel: guessed_problem(path, progress, cancel))

    def loaded(problem: Problem) -> None:
        window.set_problem(problem)
        window.data_files.remember(str(path))

    def failed(exc: BaseException) -> None:
        message = (str(exc) or type(exc).__name__).rstrip(".")
        if not isinstance(exc, DatasetError):
            message = f"Could not open {path}: {message}"
        window.banner.show_message(f"{message}. The tutorial's data are shown instead.", "error")

    task.succeeded.connect(loaded)
    task.failed.connect(failed)
    window.destroyed.connect(lambda *_: task.discard())
    task.start()
    return task


def settle_heap() -> None:
    """Take what the started app holds out of the cyclic garbage collector's view.

    Qt's wrappers, pyqtgraph and the window are alive for the whole session,
    yet every full collection walks them: about 40 ms with the GIL held, a
    stall the GUI shows while a big file loads or training makes garbage.
    Objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()
