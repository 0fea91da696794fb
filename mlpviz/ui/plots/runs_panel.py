"""The Runs list: kept runs to overlay on the loss plot, rename, pin, delete or train again.

The first row is the live run (always drawn); below it each kept run, with a
check box to overlay it, its name (double-click to rename), what sets it
apart, its epochs and its final train and test losses; the tooltip holds its
whole settings summary. The footer says how many runs are kept and the
memory they hold. Labels come from :mod:`mlpviz.engine.run_labels`, so they
name only the settings that differ between the live run and the overlaid ones.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.run_labels import comparison_title, differing_labels, run_fields, summary
from mlpviz.engine.run_record import RunRecord
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.ui.plots.loss_plot import LossPlot
from mlpviz.ui.plots.run_overlay import run_colour
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.training.session import Session

COLUMNS = ("Run", "Differs by", "Epochs", "Train loss", "Test loss")
_SERIAL = Qt.ItemDataRole.UserRole
CurrentSettings = Callable[[], tuple[NetworkSpec, TrainingSettings]]


class RunsPanel(QWidget):
    """The kept runs of ``session`` (its :class:`~mlpviz.ui.training.runs.RunsKeeper`),
    overlaid on ``loss_plot``. ``current`` gives the settings a restart uses (the
    settings panel's); ``before_restart`` runs first (e.g. clearing undo)."""

    def __init__(
        self,
        session: Session,
        loss_plot: LossPlot,
        current: CurrentSettings,
        before_restart: Callable[[], object] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.loss_plot = session, loss_plot
        self.keeper = session.runs
        self.current, self.before_restart = current, before_restart
        self._live_key: tuple | None = None
        self._filling = False

        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        header = self.tree.header()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemChanged.connect(self._item_changed)

        self.restart_action = QAction("Run again from the same starting &weights", self)
        self.restart_action.setStatusTip(
            "Start the live run over from its starting weights, bit for bit, with the current "
            "settings (the run so far is kept in the Runs list)"
        )
        self.restart_action.triggered.connect(lambda: self.restart(None))
        self.restart_button = QPushButton("Run again from the same start")
        self.restart_button.setToolTip(self.restart_action.statusTip())
        self.restart_button.clicked.connect(self.restart_action.trigger)
        self.memory = QLabel()
        self.memory.setWordWrap(True)
        self.memory.setToolTip(
            "Each kept run holds its starting weights, its last 2,000 epochs' losses exactly "
            "and older epochs as min/max envelopes; the oldest unpinned run makes room"
        )
        self.memory.setStyleSheet(f"color: {theme.MUTED.name()};")

        foot = QHBoxLayout()
        foot.addWidget(self.memory, 1)
        foot.addWidget(self.restart_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tree, 1)
        layout.addLayout(foot)

        self.keeper.changed.connect(self.refresh)
        session.updated.connect(self._snapshot)
        self.refresh()

    # -- what is shown ------------------------------------------------------------

    def live_fields(self) -> dict[str, str]:
        snap = self.session.latest
        sizes = snap.layer_sizes if snap is not None else ()
        return run_fields(sizes, self.session.spec, self.session.settings)

    def refresh(self) -> None:
        """Rebuild the list and the loss plot's overlay from the kept runs."""
        live = self.live_fields()
        shown = self.keeper.shown()
        # Oldest first, the live run last: the title reads in the order the runs were made.
        fields = [*(run_fields(r.layer_sizes, r.spec, r.settings) for r in shown), live]
        labels = differing_labels(fields)
        names = [lab or r.label for lab, r in zip(labels, shown, strict=False)]
        self.loss_plot.show_runs(shown, names, labels[-1] if len(shown) else "")
        self.title = comparison_title(fields)
        self.loss_plot.title_label.setText(f"Loss · {self.title}" if self.title else "Loss")
        differs = dict(zip((r.serial for r in shown), labels, strict=False))
        self._fill(live, labels[-1] if shown else "", differs)

    def _fill(self, live: dict[str, str], live_label: str, differs: dict[int, str]) -> None:
        self._filling = True
        self.tree.clear()
        snap = self.session.latest
        now = QTreeWidgetItem(
            ["Live run", live_label, *self._numbers(snap.epoch if snap else 0, snap)]
        )
        now.setToolTip(0, summary(live))
        now.setToolTip(1, summary(live))
        font = now.font(0)
        font.setBold(True)
        now.setFont(0, font)
        now.setForeground(0, theme.TRAIN)
        self.tree.addTopLevelItem(now)
        shown_index = {r.serial: i for i, r in enumerate(self.keeper.shown())}
        for r in reversed(self.keeper.records):  # newest first
            fields = run_fields(r.layer_sizes, r.spec, r.settings)
            item = QTreeWidgetItem(
                [
                    ("📌 " if r.pinned else "") + r.label,
                    differs.get(r.serial) or _short_summary(fields),
                    *self._numbers(r.epochs, None, r),
                ]
            )
            item.setData(0, _SERIAL, r.serial)
            item.setFlags(
                item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable
            )
            item.setCheckState(0, Qt.CheckState.Checked if r.shown else Qt.CheckState.Unchecked)
            for col in range(len(COLUMNS)):
                item.setToolTip(col, summary(fields))
            if r.serial in shown_index:
                item.setForeground(0, run_colour(shown_index[r.serial]))
            self.tree.addTopLevelItem(item)
        for col in (0, 2, 3, 4):
            self.tree.resizeColumnToContents(col)
        kept = len(self.keeper)
        self.memory.setText(
            f"{kept} of {self.keeper.limit} runs kept · {_bytes(self.keeper.nbytes)}"
        )
        self._live_key = self._key()
        self._filling = False

    @staticmethod
    def _numbers(epochs: int, snap, record: RunRecord | None = None) -> list[str]:
        if record is not None:
            train, test = record.final_train, record.final_test
        else:
            train = snap.train_loss if snap is not None else None
            test = snap.test_loss if snap is not None else None
        return [
            f"{epochs:,}",
            format_number(train, style="significant"),
            format_number(test, style="significant") if test is not None else "—",
        ]

    def _key(self) -> tuple:
        snap = self.session.latest
        sizes = snap.layer_sizes if snap is not None else ()
        return (sizes, self.session.spec, self.session.settings)

    def _snapshot(self, snap) -> None:
        if self._key() != self._live_key:
            self.refresh()  # the live run's settings changed: the labels may too
        elif self.isVisible():
            live = self.tree.topLevelItem(0)
            for col, text in enumerate(self._numbers(snap.epoch, snap), start=2):
                live.setText(col, text)

    # -- what the user does ------------------------------------------------------

    def item_for(self, serial: int) -> QTreeWidgetItem:
        for i in range(1, self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, _SERIAL) == serial:
                return item
        raise KeyError(serial)

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        serial = item.data(0, _SERIAL)
        if self._filling or serial is None or column != 0:
            return
        record = self.keeper.find(serial)
        on = item.checkState(0) == Qt.CheckState.Checked
        name = item.text(0).removeprefix("📌 ")
        # After this slot returns: rebuilding the list inside it would delete
        # the item the view is still handling.
        if name != record.label:
            new = "" if name == f"Run {serial}" else name
            QTimer.singleShot(0, lambda: self.keeper.rename(serial, new))
        elif on != record.shown:
            QTimer.singleShot(0, lambda: self.keeper.set_shown(serial, on))

    def _context_menu(self, pos) -> None:
        item = self.tree.itemAt(pos)
        if item is None:
            return
        menu = self.context_menu(item.data(0, _SERIAL))
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def context_menu(self, serial: int | None) -> QMenu:
        """The menu of the run ``serial`` (None: the live run)."""
        menu = QMenu(self)
        if serial is None:
            menu.addAction(self.restart_action)
            return menu
        r = self.keeper.find(serial)
        menu.addAction(
            "Run again from these starting weights (current settings)",
            lambda: self.restart(serial),
        )
        menu.addSeparator()
        show = menu.addAction("Show on the loss plot")
        show.setCheckable(True)
        show.setChecked(r.shown)
        show.toggled.connect(lambda on: self.keeper.set_shown(serial, on))
        pin = menu.addAction("Pin (never dropped to make room)")
        pin.setCheckable(True)
        pin.setChecked(r.pinned)
        pin.toggled.connect(lambda on: self.keeper.set_pinned(serial, on))
        menu.addAction("Rename…", lambda: self.tree.editItem(self.item_for(serial), 0))
        menu.addAction("Delete", lambda: self.keeper.remove(serial))
        return menu

    def restart(self, serial: int | None) -> None:
        """Train again from a run's starting weights (None: the live run's) under the
        current settings; a kept run of another network brings its network along."""
        spec, settings = self.current()
        params = None
        if serial is not None:
            r = self.keeper.find(serial)
            params = r.initial_params
            snap = self.session.latest
            if snap is None or tuple(snap.layer_sizes) != r.layer_sizes:
                spec = r.spec
        self.before_restart()
        self.session.restart_from(params, spec, settings)


def _short_summary(fields: dict[str, str]) -> str:
    return " · ".join(f"{k} {fields[k]}" for k in ("net", "η", "opt", "batch") if k in fields)


def _bytes(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024**2:
        return f"{n / 1024:.0f} kB"
    return f"{n / 1024**2:.1f} MB"
