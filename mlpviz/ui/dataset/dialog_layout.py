"""The widgets of the "Open dataset" dialog, and how a file is picked.

:class:`DatasetDialogLayout` builds the file row (path, Browse…, Built-in),
the status line (what was detected, or a load's progress), the previews and
the column-roles table, the options and the message line, and takes a file
from Browse… or a drop. What happens next (loading, showing, accepting) is
:class:`~mlpviz.ui.dataset.dialog.DatasetDialog`, its subclass.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mlpviz.data import EXAMPLES, load_example
from mlpviz.ui.dataset.column_roles import ColumnsModel, RoleDelegate
from mlpviz.ui.dataset.csv_preview import DataPreviewModel, RawPreview
from mlpviz.ui.dataset.options import OptionsPanel
from mlpviz.ui.training.loader_thread import PREVIEW_ROWS

_MESSAGE_STYLE = {
    "error": "color: #8e1c1c; background: #fdecea; border: 1px solid #f1b5ae;",
    "warning": "color: #6b4a00; background: #fff6dc; border: 1px solid #ecd58f;",
    "info": "color: #34495e; background: #eef3f7; border: 1px solid #d5e0ea;",
}


@cache
def _example_descriptions() -> dict[str, str]:
    # Building every example takes tens of milliseconds; once per session is enough.
    return {name: load_example(name).description for name in EXAMPLES}


class DatasetDialogLayout(QDialog):
    """The dialog's widgets and file picking; :class:`DatasetDialog` adds the behaviour.

    The widgets are wired to methods the subclass defines (``load``,
    ``load_example``, ``cancel_load``, ``accept``, ``_update_state``,
    ``_on_roles_changed``), and Browse… starts in the folder of its ``path``.
    """

    # -- construction ---------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(14, 14, 14, 12)
        root.setSpacing(10)
        root.addLayout(self._build_file_row())
        root.addWidget(self._build_status_row())
        root.addWidget(self._build_tables(), 1)
        self.options = OptionsPanel()
        self.options.changed.connect(self._update_state)
        # The option widgets, reachable from the dialog (scripts and tests use them).
        self.input_scaling = self.options.input_scaling
        self.target_scaling = self.options.target_scaling
        self.derived_boxes = self.options.derived_boxes
        self.test_fraction_spin = self.options.test_fraction_spin
        self.seed_spin = self.options.seed_spin
        self.split_label = self.options.split_label
        root.addWidget(self.options)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setToolTip("What the dialog found, or why it cannot go on")
        root.addWidget(self.message_label)
        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.button_box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Use dataset")
        self.ok_button.setToolTip("Build the problem with these choices and use it")
        cancel = self.button_box.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setToolTip("Close without changing the current dataset")
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        root.addWidget(self.button_box)

    def _build_file_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        label = QLabel("File:")
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Path to a CSV file — or drop one on this window")
        self.path_edit.setToolTip(
            "A numeric CSV file: comma, semicolon or tab separated, with or without a header "
            "line. Press Enter to load the path typed here."
        )
        self.path_edit.returnPressed.connect(lambda: self.load(self.path_edit.text()))
        label.setBuddy(self.path_edit)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setToolTip("Choose a CSV file on disk")
        self.browse_button.clicked.connect(self._browse)
        self.examples_button = QPushButton("Built-in")
        self.examples_button.setToolTip("Use one of the built-in datasets instead of a file")
        menu = QMenu(self.examples_button)
        menu.setToolTipsVisible(True)
        for name, description in _example_descriptions().items():
            action = menu.addAction(name)
            action.setToolTip(description)
            action.triggered.connect(lambda _c=False, n=name: self.load_example(n))
        self.examples_button.setMenu(menu)
        row.addWidget(label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        row.addWidget(self.examples_button)
        return row

    def _build_status_row(self) -> QStackedWidget:
        # One line that shows either what was detected or the load's progress,
        # so the layout does not jump when a load starts or ends.
        self.status_stack = QStackedWidget()
        self.detected_label = QLabel()
        self.detected_label.setToolTip("What the loader found in the file")
        busy = QWidget()
        lay = QHBoxLayout(busy)
        lay.setContentsMargins(0, 0, 0, 0)
        self.progress_bar = QProgressBar()
        self.progress_bar.setToolTip("Reading and checking the file; the dialog stays usable")
        self.cancel_load_button = QPushButton("Cancel loading")
        self.cancel_load_button.setToolTip("Stop loading and keep what was shown before")
        self.cancel_load_button.clicked.connect(self.cancel_load)
        lay.addWidget(self.progress_bar, 1)
        lay.addWidget(self.cancel_load_button)
        self.status_stack.addWidget(self.detected_label)
        self.status_stack.addWidget(busy)
        self.status_stack.setFixedHeight(self.cancel_load_button.sizeHint().height())
        return self.status_stack

    def _build_tables(self) -> QSplitter:
        self.preview_model = DataPreviewModel(self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setToolTip(f"The first {PREVIEW_ROWS} rows, coloured by column role")
        self.preview_view.setAlternatingRowColors(False)
        self.preview_view.verticalHeader().setDefaultSectionSize(22)
        self.preview_view.horizontalHeader().setDefaultSectionSize(84)
        self.raw_preview = RawPreview()
        self.raw_preview.setToolTip("The file's first lines as text; a bad line is marked red")
        self.preview_tabs = QTabWidget()
        self.preview_tabs.addTab(self.preview_view, "Table")
        self.preview_tabs.addTab(self.raw_preview, "File text")
        self.preview_tabs.setTabToolTip(0, f"The first {PREVIEW_ROWS} rows as numbers")
        self.preview_tabs.setTabToolTip(1, "The first lines of the file as they are written")

        self.columns_model = ColumnsModel(self)
        self.columns_model.rolesChanged.connect(self._on_roles_changed)
        self.columns_view = QTableView()
        self.columns_view.setModel(self.columns_model)
        self.columns_view.setItemDelegateForColumn(ColumnsModel.ROLE_COLUMN, RoleDelegate(self))
        self.columns_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.columns_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.columns_view.verticalHeader().hide()
        self.columns_view.verticalHeader().setDefaultSectionSize(30)
        self.columns_view.setToolTip("Each column's range and its role for the network")
        header = self.columns_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c, width in ((1, 72), (2, 72), (3, 104)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(c, width)
        # A one-tab widget, so both halves of the splitter line up.
        columns_box = QTabWidget()
        columns_box.addTab(self.columns_view, "Columns and roles")
        columns_box.setTabToolTip(0, "Choose which columns go in and which come out")

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.preview_tabs)
        splitter.addWidget(columns_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([560, 360])
        return splitter

    # -- the message line, picking a file ----------------------------------------------

    def _set_message(self, text: str, kind: str) -> None:
        self.message_label.setText(text)
        self.message_label.setProperty("kind", kind)
        self.message_label.setStyleSheet(
            f"QLabel {{ {_MESSAGE_STYLE[kind]} border-radius: 4px; padding: 6px 9px; }}"
        )

    @Slot()
    def _browse(self) -> None:
        start = str(Path(self.path).parent) if self.path else ""
        name, _ = QFileDialog.getOpenFileName(
            self, "Open dataset", start, "CSV files (*.csv *.tsv *.txt);;All files (*)"
        )
        if name:
            self.load(name)

    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDropEvent) -> str | None:
        for url in event.mimeData().urls() if event.mimeData().hasUrls() else []:
            if url.isLocalFile():
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        name = self._dropped_file(event)
        if name:
            event.acceptProposedAction()
            self.load(name)
