"""The "Open dataset" dialog: load a CSV file or a built-in example, choose
column roles, scaling, derived inputs and a train/test split, and get a
:class:`~mlpviz.data.problem.Problem` back.

The dialog never touches the running session: it only builds a Problem and
hands it over (:attr:`DatasetDialog.problem`, :attr:`DatasetDialog.problemReady`)
when the user presses OK. Loading and, for big tables, preparing run in a
:class:`~mlpviz.ui.training.loader_thread.BackgroundTask`, so the dialog stays
responsive and a load can be cancelled; closing the dialog stops the thread.

The widgets and file picking (Browse…, drag and drop) are built by
:class:`~mlpviz.ui.dataset.dialog_layout.DatasetDialogLayout`, the base class;
this module holds the behaviour.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHeaderView, QWidget

from mlpviz.data import Dataset, default_roles, load_example
from mlpviz.data.defaults import choose_defaults
from mlpviz.data.encoding import infer_task
from mlpviz.data.problem import Problem, prepare
from mlpviz.ui.dataset.column_roles import ColumnsModel
from mlpviz.ui.dataset.dialog_layout import DatasetDialogLayout
from mlpviz.ui.dataset.table_text import plural
from mlpviz.ui.dataset.task_choice import roles_message, task_summary
from mlpviz.ui.training.loader_thread import BackgroundTask, Loaded, load_job

__all__ = ["SYNC_PREPARE_ROWS", "DatasetDialog"]

# Up to this many rows, prepare() (scaling, split) takes a few milliseconds and
# runs on the GUI thread; above it, in the background like a load.
SYNC_PREPARE_ROWS = 50_000
# Persistent combo editors are real widgets; past this many columns they cost
# more than they help, and a double-click edits the role instead.
_MAX_ROLE_COMBOS = 64
_STOP_TIMEOUT_MS = 2000

_DELIMITERS = {",": "comma-separated", ";": "semicolon-separated", "\t": "tab-separated"}


class DatasetDialog(DatasetDialogLayout):
    """Choose a dataset and how the network sees it.

    Parameters
    ----------
    parent : QWidget, optional
    path : str or Path, optional
        A CSV file to start loading at once.
    current : Problem, optional
        The problem in use; its roles and options are the starting choices
        when the new data have its columns.

    Attributes
    ----------
    problem : Problem or None
        The result, set when the dialog is accepted.
    path : str or None
        The file of the shown dataset (None for a built-in example).
    dataset : Dataset or None
        The dataset shown, None before a successful load.
    load_thread : QThread or None
        The thread of the latest background job (kept for inspection).

    Signals
    -------
    problemReady(object)
        The Problem, emitted when the dialog is accepted.
    datasetShown(object)
        A dataset was loaded and is shown (the Dataset).
    loadFailed(str)
        A load ended with an error; the message is shown in the dialog.
    """

    problemReady = Signal(object)
    datasetShown = Signal(object)
    loadFailed = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        path: str | Path | None = None,
        current: Problem | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open dataset")
        self.setAcceptDrops(True)
        self.resize(940, 640)
        self.problem: Problem | None = None
        self.path: str | None = None
        self.dataset: Dataset | None = None
        self.load_thread = None
        self._current = current
        self._name: str | None = None
        self._task: BackgroundTask | None = None
        self._task_kind = ""
        # (dataset, targets, auto's task) of the last guess: a class count of a
        # million rows is made once per choice of targets, not per option change.
        self._guessed: tuple[Dataset | None, tuple[str, ...], str] = (None, (), "")
        self._build()
        if current is not None:
            self.options.prefill(current)
        self._update_state()
        if path is not None:
            self.load(path)

    # -- public API --------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        """True while a file loads or a big problem is prepared."""
        return self._task is not None

    @property
    def is_loading(self) -> bool:
        return self._task is not None and self._task_kind == "load"

    def message_text(self) -> str:
        return self.message_label.text()

    def load(self, path: str | Path) -> None:
        """Start loading a CSV file in the background (cancels a running load)."""
        text = str(path).strip()
        if not text:
            return
        self.path_edit.setText(text)
        self._start_task("load", load_job(text), f"Loading {Path(text).name}… %p%")

    def load_example(self, name: str) -> None:
        """Show a built-in example (a few hundred rows at most: built at once)."""
        self._stop_task()
        example = load_example(name)
        self._name = name
        self.path_edit.clear()
        self._show(Loaded.of(example.dataset), example.inputs, example.targets)
        self.detected_label.setText(
            f"Built-in example “{name}”: {self._shape_text(example.dataset)}. {example.description}"
        )

    def roles(self) -> tuple[list[str], list[str]]:
        """(input column names, target column names) as chosen."""
        names, roles = self.columns_model.names, self.columns_model.roles()
        return (
            [n for n, r in zip(names, roles) if r == "Input"],
            [n for n, r in zip(names, roles) if r == "Target"],
        )

    def set_roles(self, inputs: Sequence[str], targets: Sequence[str]) -> None:
        """Make ``inputs`` the inputs and ``targets`` the targets; others are ignored."""
        self.columns_model.set_roles(
            [
                "Input" if n in inputs else "Target" if n in targets else "Ignore"
                for n in self.columns_model.names
            ]
        )

    def task(self) -> str:
        """The task the network will learn: the user's choice, or Auto's guess."""
        chosen = self.options.task_choice.choice()
        return chosen if chosen != "auto" else self._guess(self.roles()[1])

    def _guess(self, targets: Sequence[str]) -> str:
        ds = self.dataset
        if ds is None or not targets:
            return "regression"
        seen, chosen, task = self._guessed
        if seen is not ds or chosen != tuple(targets):
            task = infer_task(ds, list(targets))
            self._guessed = (ds, tuple(targets), task)
        return task

    def prepare_arguments(self) -> dict:
        """The keyword arguments of :func:`prepare` for the current choices."""
        inputs, targets = self.roles()
        return {
            "dataset": self.dataset,
            "inputs": inputs,
            "targets": targets,
            "input_scaling": self.input_scaling.spec(),
            "target_scaling": self.target_scaling.spec(),
            "test_fraction": self.options.test_fraction,
            "seed": self.seed_spin.value(),
            "derived": self.options.derived(),
            "name": self._name,
            "task": self.task(),
        }

    @Slot()
    def cancel_load(self) -> None:
        """Stop the running load or preparation; what was shown before stays."""
        kind = self._task_kind
        self._stop_task()
        self.path_edit.setText(self.path or "")
        self._update_state()
        if kind == "load":
            self._set_message("Loading cancelled; the previous data are still selected.", "info")

    # -- background jobs ------------------------------------------------------------

    def _start_task(self, kind: str, job, label: str) -> None:
        self._stop_task()
        task = BackgroundTask(job, f"mlpviz-{kind}")
        task.progressed.connect(self._on_progress)
        task.succeeded.connect(self._on_loaded if kind == "load" else self._on_prepared)
        task.failed.connect(self._on_failed)
        task.cancelled.connect(self.cancel_load)
        self._task, self._task_kind = task, kind
        self.load_thread = task.thread
        self.progress_bar.setRange(0, 0)  # busy until the first chunk reports
        self.progress_bar.setFormat(label)
        self.status_stack.setCurrentIndex(1)
        self._update_state()
        task.start()

    def _stop_task(self, wait_ms: int = 0) -> None:
        task, self._task, self._task_kind = self._task, None, ""
        self.status_stack.setCurrentIndex(0)
        if task is not None:
            if wait_ms:
                task.stop(wait_ms)
            else:
                task.discard()  # it ends at its next check; the task keeps itself alive

    @Slot(float)
    def _on_progress(self, fraction: float) -> None:
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(round(fraction * 1000))

    @Slot(object)
    def _on_loaded(self, loaded: Loaded) -> None:
        self._task, self._task_kind = None, ""
        self.status_stack.setCurrentIndex(0)
        if loaded.error is not None:
            self._show_error(loaded)
            return
        self._name = None
        inputs, targets = default_roles(loaded.dataset.columns)
        self._show(loaded, inputs, targets)

    @Slot(object)
    def _on_prepared(self, problem: Problem) -> None:
        self._task, self._task_kind = None, ""
        self.status_stack.setCurrentIndex(0)
        self._finish(problem)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        kind = self._task_kind
        self._task, self._task_kind = None, ""
        self.status_stack.setCurrentIndex(0)
        self._update_state()
        if kind == "load":
            self.loadFailed.emit(str(exc))
        self._set_message(str(exc) or type(exc).__name__, "error")

    # -- showing data ---------------------------------------------------------------------

    def _shape_text(self, ds: Dataset) -> str:
        return f"{plural(ds.n_rows, 'row')} × {plural(ds.n_columns, 'column')}"

    def _show(self, loaded: Loaded, inputs: Sequence[str], targets: Sequence[str]) -> None:
        ds = loaded.dataset
        assert ds is not None
        cur = self._current
        same = cur is not None and all(
            n in ds.columns for n in (*cur.input_columns, *cur.target_columns)
        )
        if same:
            inputs, targets = cur.input_columns, cur.target_columns
        ins, outs = set(inputs), set(targets)  # membership per column: O(1), not O(k)
        roles = ["Input" if n in ins else "Target" if n in outs else "Ignore" for n in ds.columns]
        self.dataset = ds
        self.path = str(ds.path) if ds.path is not None else None
        text = {j: ds.categories[j] for j in ds.categories if not ds.mostly_numbers(j)}
        self.columns_model.set_columns(ds.columns, loaded.minima, loaded.maxima, roles, text)
        guess = self._guess(targets)
        self.options.task_choice.blockSignals(True)
        self.options.task_choice.set_choice("auto" if not same or cur.task == guess else cur.task)
        self.options.task_choice.blockSignals(False)
        if not same and guess == "classification":
            # Classes get the scaling that trains them without tuning.
            self.input_scaling.set_spec(choose_defaults(ds.columns, guess, ds.n_rows).input_scaling)
        self.preview_model.set_data(ds.columns, loaded.preview, roles, text)
        # A few columns share the width; many keep a readable width and scroll.
        self.preview_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch
            if ds.n_columns <= 8
            else QHeaderView.ResizeMode.Interactive
        )
        if ds.n_columns <= _MAX_ROLE_COMBOS:
            for r in range(ds.n_columns):
                self.columns_view.openPersistentEditor(
                    self.columns_model.index(r, ColumnsModel.ROLE_COLUMN)
                )
        self.raw_preview.set_lines(loaded.head)
        self.preview_tabs.setTabEnabled(1, bool(loaded.head))
        self.preview_tabs.setCurrentIndex(0)
        header = "with header" if ds.has_header else "no header (columns named x0, x1, …)"
        kind = _DELIMITERS.get(ds.delimiter, f"separated by {ds.delimiter!r}")
        self.detected_label.setText(f"Detected: {kind}, {header}, {self._shape_text(ds)}")
        self._update_state()
        self.datasetShown.emit(ds)

    def _show_error(self, loaded: Loaded) -> None:
        error = loaded.error
        assert error is not None
        self.dataset = None
        self.path = None
        self.columns_model.set_columns((), loaded.minima, loaded.maxima, ())
        self.preview_model.set_data((), loaded.preview, ())
        self.raw_preview.set_lines(loaded.head, error.line)
        self.preview_tabs.setTabEnabled(1, bool(loaded.head))
        self.preview_tabs.setCurrentIndex(1 if loaded.head else 0)
        name = loaded.path.name if loaded.path is not None else "the file"
        self.detected_label.setText(f"Could not load {name}.")
        self._update_state()
        self._set_message(str(error), "error")
        self.loadFailed.emit(str(error))

    @Slot()
    def _on_roles_changed(self) -> None:
        self.preview_model.set_roles(self.columns_model.roles())
        self._update_state()

    @Slot()
    def _update_state(self) -> None:
        """Bring enabled states, derived names, split and message up to date."""
        ds = self.dataset
        inputs, targets = self.roles() if ds is not None else ([], [])
        self.options.update_for(
            inputs,
            ds.n_rows if ds is not None else None,
            self.columns_model.range_of(inputs),
            self.columns_model.range_of(targets),
        )
        task = self.task()
        self.options.follow_task(task)
        summary = task_summary(ds, targets, task) if ds else ("Open data to see the task.", "info")
        self.options.task_choice.show_guess(self._guess(targets) if targets else None, *summary)
        ok = ds is not None and bool(inputs) and bool(targets) and self._task is None
        self.ok_button.setEnabled(ok)
        if self._task is not None:
            return
        if self.message_label.property("kind") == "error" and ds is None:
            return  # keep the load error visible until something else is shown
        if ds is None:
            self._set_message(
                "Open a CSV file (Browse…, or drop one on this window) or pick a built-in example.",
                "info",
            )
        elif not inputs:
            self._set_message("Choose at least one input column (Role: Input).", "warning")
        elif not targets:
            self._set_message("Choose at least one target column (Role: Target).", "warning")
        else:
            n_derived = len(self.options.derived())
            self._set_message(roles_message(ds, inputs, targets, n_derived, task), "info")

    # -- accepting, closing -------------------------------------------------------------

    def accept(self) -> None:
        """Build the Problem; show any error here and stay open."""
        if self.dataset is None or self._task is not None or not self.ok_button.isEnabled():
            return
        args = self.prepare_arguments()
        if self.dataset.n_rows > SYNC_PREPARE_ROWS:
            self._start_task(
                "prepare",
                lambda _progress, _cancel: prepare(**args),
                f"Preparing {self.dataset.n_rows:,} rows…",
            )
            return
        try:
            problem = prepare(**args)
        except ValueError as exc:
            self._set_message(str(exc), "error")
            return
        self._finish(problem)

    def _finish(self, problem: Problem) -> None:
        self.problem = problem
        self.problemReady.emit(problem)
        super().accept()

    def done(self, result: int) -> None:
        # Whatever closes the dialog, no background thread outlives it.
        self._stop_task(_STOP_TIMEOUT_MS)
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_task(_STOP_TIMEOUT_MS)
        super().closeEvent(event)
