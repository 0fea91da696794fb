"""The playground's results: the table of racers, the tolerance they race to, the step count."""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mlpviz.playground.race import RaceSnapshot
from mlpviz.ui.playground.racers import ResultsTable
from mlpviz.ui.style import theme

TOLERANCES = ["1e-1", "1e-2", "1e-3", "1e-4", "1e-6", "1e-8"]
DEFAULT_TOL = 1e-3
TOLERANCE_TIP = (
    "A racer has reached the goal when f − f_min ≤ tol (or |∇f| < tol without a known minimum)."
)


def parse_tolerance(text: str) -> float | None:
    """A positive tolerance from typed text (a typographic minus is fine), else None."""
    try:
        tol = float(text.replace("−", "-"))
    except ValueError:
        return None
    return tol if math.isfinite(tol) and tol > 0 else None


class ResultsPanel(QWidget):
    """The results table under a header with the tolerance box and the step count.

    ``toleranceChanged`` carries the tolerance in use (the default while the
    typed text is not a positive number, which the box then marks).
    """

    toleranceChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = ResultsTable()
        self.tolerance = QComboBox()
        self.tolerance.setEditable(True)
        self.tolerance.addItems(TOLERANCES)
        self.tolerance.setCurrentText("1e-3")
        self.tolerance.setToolTip(TOLERANCE_TIP)
        self.tolerance.currentTextChanged.connect(self._tolerance_changed)
        self.step_label = QLabel("")
        self.step_label.setStyleSheet(f"color: {theme.MUTED.name()};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        header = QHBoxLayout()
        header.addWidget(QLabel("<b>Results</b>"))
        header.addSpacing(12)
        header.addWidget(QLabel("Tolerance"))
        header.addWidget(self.tolerance)
        header.addSpacing(12)
        header.addWidget(self.step_label, 1)
        layout.addLayout(header)
        layout.addWidget(self.table, 1)

    def tol(self) -> float:
        tol = parse_tolerance(self.tolerance.currentText())
        return DEFAULT_TOL if tol is None else tol

    def show_race(self, snap: RaceSnapshot, colours: dict[str, QColor]) -> None:
        self.table.show_race(snap, colours)
        counts = {
            s: sum(r.status == s for r in snap.racers) for s in ("running", "converged", "diverged")
        }
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        self.step_label.setText(f"Step {snap.step:,}" + (f" · {summary}" if summary else ""))

    def _tolerance_changed(self, text: str) -> None:
        valid = parse_tolerance(text) is not None
        self.tolerance.setStyleSheet("" if valid else "border: 1px solid #c0392b;")
        self.tolerance.setToolTip(TOLERANCE_TIP if valid else "Not a positive number; using 1e-3.")
        self.toleranceChanged.emit(self.tol())
