"""Start the desktop application."""

from __future__ import annotations

import gc
import sys

from mlpviz.ui.shell.display import display_problem


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
    if csv_path:
        window.data_files.open_dialog(csv_path)
    if preset:
        window.presets.open_file(preset)
    try:
        return app.exec()
    finally:
        signals.uninstall()


def settle_heap() -> None:
    """Take what the started app holds out of the cyclic garbage collector's view.

    Qt's wrappers, pyqtgraph and the window are alive for the whole session,
    yet every full collection walks them: about 40 ms with the GIL held, a
    stall the GUI shows while a big file loads or training makes garbage.
    Objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()
