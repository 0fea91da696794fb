"""Opening data: File › Open CSV… (the dataset dialog), Open recent, the
built-in examples, and a file dropped on the window.

The session changes only when the dataset dialog is accepted; then the
file is remembered for Open recent and its folder is where the next file
dialog starts. :class:`DataFiles` hands the new problem to ``set_problem``
and knows nothing else of the window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMenu, QWidget

from mlpviz.data import load_example
from mlpviz.data.problem import Problem, prepare
from mlpviz.ui.dataset.dialog import DatasetDialog
from mlpviz.ui.files.recent import RECENT_FILES, fill_recent_menu, recent_paths, remember_path

if TYPE_CHECKING:
    from mlpviz.ui.training.session import Session


class DataFiles(QObject):
    """Opens data for ``session`` and passes each accepted problem to ``set_problem``.

    ``parent`` owns this and the dialogs; ``store`` keeps the recent files.
    :attr:`dialog` is the dataset dialog opened last (it deletes itself on close).
    """

    def __init__(
        self,
        parent: QWidget,
        session: Session,
        store: QSettings,
        set_problem: Callable[[Problem], object],
    ) -> None:
        super().__init__(parent)
        self._parent, self.session, self.store = parent, session, store
        self.set_problem = set_problem
        self.dialog: DatasetDialog | None = None

    def open_dialog(self, path: str | None = None) -> DatasetDialog:
        """The dataset dialog; the session changes only when it is accepted."""
        dialog = DatasetDialog(self._parent, path=path, current=self.session.problem)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.problemReady.connect(lambda problem: self._accepted(dialog, problem))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _accepted(self, dialog: DatasetDialog, problem: Problem) -> None:
        if dialog.path:
            self.remember(dialog.path)
        self.set_problem(problem)

    def open_example(self, name: str) -> None:
        ex = load_example(name)
        self.set_problem(
            prepare(ex.dataset, ex.inputs, ex.targets, name=ex.name, task=ex.prepare_task)
        )

    def close_dialog(self) -> None:
        """Reject a dialog still open (which stops its loader thread, a bounded wait)."""
        dialog = self.dialog
        # The dialog deletes itself on close: only a live one is asked to stop.
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            dialog.reject()

    # -- recent files ----------------------------------------------------------------

    def recent_files(self) -> list[str]:
        return recent_paths(self.store, RECENT_FILES)

    def remember(self, path: str) -> None:
        """A data file opened: first in Open recent, and the folder dialogs start in."""
        remember_path(self.store, RECENT_FILES, path)
        self.store.setValue("last_dir", str(Path(path).parent))

    def fill_recent(self, menu: QMenu) -> None:
        fill_recent_menu(menu, self.recent_files(), self.open_dialog)

    # -- drag and drop onto the window -----------------------------------------------

    @staticmethod
    def drag_enter(event: QDragEnterEvent) -> None:
        """Accept a drag that carries a local file."""
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def drop(self, event: QDropEvent) -> None:
        """Open the dataset dialog on the first dropped local file."""
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()
            self.open_dialog(urls[0].toLocalFile())
