"""Architecture and training settings, as a form in a dock.

Training settings apply as soon as they change (the worker takes them
between steps, so a run goes on). Architecture changes re-initialize the
network, so they wait for an explicit "Rebuild network" — an accidental
spin-box scroll must not throw away a trained network.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from mlpviz.engine.initializers import INITS
from mlpviz.engine.losses import LOSS_NAMES
from mlpviz.engine.optimizers import OPTIMIZERS
from mlpviz.engine.schedules import SCHEDULES, Schedule
from mlpviz.engine.settings import NetworkSpec, TrainingSettings

MAX_LAYERS = 8


def _double(lo: float, hi: float, decimals: int, step: float, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    return box


def _optional(widget: QWidget, label: str, tip: str) -> tuple[QWidget, QCheckBox]:
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    check = QCheckBox(label)
    check.setToolTip(tip)
    widget.setEnabled(False)
    check.toggled.connect(widget.setEnabled)
    lay.addWidget(check)
    lay.addWidget(widget, 1)
    return row, check


class _LayerRow(QWidget):
    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self, index: int, neurons: int, activation: str) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.neurons = QSpinBox()
        self.neurons.setRange(1, 512)
        self.neurons.setValue(neurons)
        self.neurons.setSuffix(" neurons")
        self.neurons.setToolTip("Nodes in this hidden layer")
        self.activation = QComboBox()
        self.activation.addItems(HIDDEN_ACTIVATIONS)
        self.activation.setCurrentText(activation)
        self.activation.setToolTip("Activation function f(s) of this layer")
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove this hidden layer")
        remove.clicked.connect(lambda: self.removeRequested.emit(self))
        for w in (self.label, self.neurons, self.activation, remove):
            lay.addWidget(w)
        self.set_index(index)
        self.neurons.valueChanged.connect(self.changed)
        self.activation.currentTextChanged.connect(self.changed)

    def set_index(self, index: int) -> None:
        self.label.setText(f"Hidden {index + 1}")


class SettingsPanel(QScrollArea):
    """Emits :attr:`networkChanged` on Rebuild and :attr:`settingsChanged` on any edit."""

    networkChanged = Signal(object)  # NetworkSpec
    settingsChanged = Signal(object)  # TrainingSettings
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        # The form reflows to the dock's width; only vertical scrolling makes sense.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.setWidget(body)
        outer = QVBoxLayout(body)
        self._rows: list[_LayerRow] = []
        self._loading = False
        # Coalesce bursts of edits (spin-box arrows held down) into one message.
        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setInterval(150)
        self._emit_timer.timeout.connect(self._emit_settings)

        outer.addWidget(self._network_group())
        outer.addWidget(self._training_group())
        outer.addWidget(self._stop_group())
        outer.addStretch(1)
        self.set_values(NetworkSpec(), TrainingSettings())
        # Never narrower than the form: the dock would cut its fields off.
        self.setMinimumWidth(
            body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        )

    # -- groups ----------------------------------------------------------------

    def _network_group(self) -> QGroupBox:
        box = QGroupBox("Network")
        lay = QVBoxLayout(box)
        self._layers_box = QVBoxLayout()
        lay.addLayout(self._layers_box)
        add = QPushButton("+ Add hidden layer")
        add.setToolTip("Append a hidden layer before the output")
        add.clicked.connect(lambda: self._add_layer(3, "sigmoid"))
        self._add_button = add
        lay.addWidget(add)
        form = QFormLayout()
        self.output_activation = QComboBox()
        self.output_activation.addItems(OUTPUT_ACTIVATIONS)
        self.output_activation.setToolTip(
            "Activation of the output layer (softmax: one class per output)"
        )
        self.loss = QComboBox()
        self.loss.addItems(LOSS_NAMES)
        self.loss.setToolTip("mse: ½Σ(y − z)², the tutorial's loss; cross-entropy for classes")
        self.init = QComboBox()
        self.init.addItems(("tutorial", *INITS))
        self.init.setToolTip("Initial weights: the tutorial's printed ones (2-3-1 only), or drawn")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip("Seed for the initial weights — the same seed gives the same network")
        form.addRow("Output", self.output_activation)
        form.addRow("Loss", self.loss)
        form.addRow("Initial weights", self.init)
        form.addRow("Seed", self.seed)
        lay.addLayout(form)
        rebuild = QPushButton("Rebuild network")
        rebuild.setToolTip("Apply the architecture: new weights, the dataset is kept")
        rebuild.clicked.connect(self._emit_network)
        lay.addWidget(rebuild)
        self.rebuild_button = rebuild
        return box

    def _training_group(self) -> QGroupBox:
        box = QGroupBox("Training")
        form = QFormLayout(box)
        self.learning_rate = _double(1e-6, 1e3, 6, 0.01, "η in w_new = w_old − η·∂L/∂w")
        self.schedule = QComboBox()
        self.schedule.addItems(SCHEDULES)
        self.schedule.setToolTip("How η changes with the epoch")
        self.gamma = _double(0.0001, 1.0, 4, 0.05, "Decay factor γ (step and exponential)")
        self.every = QSpinBox()
        self.every.setRange(1, 10**6)
        self.every.setToolTip("Step decay: multiply η by γ every N epochs")
        self.period = QSpinBox()
        self.period.setRange(1, 10**7)
        self.period.setToolTip("Cosine: epochs to anneal η down to zero")
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, 10**6)
        self.batch_size.setToolTip("Rows per update; 1 is the tutorial's per-sample SGD")
        self.optimizer = QComboBox()
        self.optimizer.addItems(OPTIMIZERS)
        self.optimizer.setToolTip("How the gradient becomes an update")
        self._opt_form = QFormLayout()
        self._opt_boxes: dict[str, QDoubleSpinBox] = {}
        self.shuffle = QCheckBox("Shuffle rows each epoch")
        self.l1 = _double(0.0, 10.0, 6, 0.0001, "L1 rate λ₁: adds λ₁Σ|w| to the loss")
        self.l2 = _double(0.0, 10.0, 6, 0.0001, "L2 rate λ₂: adds ½λ₂Σw² to the loss")
        self.dropout = _double(
            0.0, 0.95, 2, 0.05, "Probability of dropping each hidden activation while training"
        )
        self.train_seed = QSpinBox()
        self.train_seed.setRange(0, 2**31 - 1)
        self.train_seed.setToolTip("Seed for shuffling and dropout")
        form.addRow("Learning rate η", self.learning_rate)
        form.addRow("Schedule", self.schedule)
        form.addRow("  γ", self.gamma)
        form.addRow("  every N epochs", self.every)
        form.addRow("  period", self.period)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Optimizer", self.optimizer)
        form.addRow(self._opt_form)
        form.addRow("", self.shuffle)
        form.addRow("L1", self.l1)
        form.addRow("L2", self.l2)
        form.addRow("Dropout", self.dropout)
        form.addRow("Seed", self.train_seed)
        for w in (self.learning_rate, self.gamma, self.l1, self.l2, self.dropout):
            w.valueChanged.connect(self._changed)
        for w in (self.every, self.period, self.batch_size, self.train_seed):
            w.valueChanged.connect(self._changed)
        self.schedule.currentTextChanged.connect(self._changed)
        self.shuffle.toggled.connect(self._changed)
        self.optimizer.currentTextChanged.connect(self._optimizer_changed)
        return box

    def _stop_group(self) -> QGroupBox:
        box = QGroupBox("Stop a run")
        lay = QVBoxLayout(box)
        self.max_epochs = QSpinBox()
        self.max_epochs.setRange(1, 10**9)
        self.max_epochs.setValue(1000)
        self.target_loss = _double(
            0.0, 1e6, 6, 0.001, "Stop when the training loss is at or below this"
        )
        self.target_loss.setValue(0.001)
        self.patience = QSpinBox()
        self.patience.setRange(1, 10**7)
        self.patience.setValue(100)
        row1, self.use_max_epochs = _optional(
            self.max_epochs, "after epoch", "Stop a run at this epoch"
        )
        row2, self.use_target = _optional(
            self.target_loss, "at loss ≤", "Stop when the loss reaches a target"
        )
        row3, self.use_patience = _optional(
            self.patience,
            "test loss stalls for",
            "Stop when the test loss has not improved for N epochs",
        )
        self.patience.setSuffix(" epochs")
        for row in (row1, row2, row3):
            lay.addWidget(row)
        for w in (self.use_max_epochs, self.use_target, self.use_patience):
            w.toggled.connect(self._changed)
        self.max_epochs.valueChanged.connect(self._changed)
        self.target_loss.valueChanged.connect(self._changed)
        self.patience.valueChanged.connect(self._changed)
        return box

    # -- hidden layers ------------------------------------------------------------

    def _add_layer(self, neurons: int, activation: str) -> None:
        if len(self._rows) >= MAX_LAYERS:
            self.message.emit(f"At most {MAX_LAYERS} hidden layers.")
            return
        row = _LayerRow(len(self._rows), neurons, activation)
        row.removeRequested.connect(self._remove_layer)
        self._rows.append(row)
        self._layers_box.addWidget(row)
        self._add_button.setEnabled(len(self._rows) < MAX_LAYERS)

    def _remove_layer(self, row: _LayerRow) -> None:
        self._rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        for i, r in enumerate(self._rows):
            r.set_index(i)
        self._add_button.setEnabled(True)

    # -- optimizer options ----------------------------------------------------------

    def _optimizer_changed(self, name: str) -> None:
        while self._opt_form.rowCount():
            self._opt_form.removeRow(0)
        self._opt_boxes = {}
        for key, default in OPTIMIZERS[name].defaults.items():
            box = _double(0.0, 1e3, 10 if key == "eps" else 4, 0.01, f"{name} option {key}")
            box.setValue(default)
            box.valueChanged.connect(self._changed)
            self._opt_boxes[key] = box
            self._opt_form.addRow(f"  {key}", box)
        self._changed()

    # -- values -----------------------------------------------------------------

    def network_spec(self) -> NetworkSpec:
        return NetworkSpec(
            hidden=tuple(r.neurons.value() for r in self._rows),
            hidden_activations=tuple(r.activation.currentText() for r in self._rows)
            or ("sigmoid",),
            output_activation=self.output_activation.currentText(),
            loss=self.loss.currentText(),
            init=self.init.currentText(),
            seed=self.seed.value(),
        )

    def training_settings(self) -> TrainingSettings:
        return TrainingSettings(
            learning_rate=self.learning_rate.value(),
            batch_size=self.batch_size.value(),
            optimizer=self.optimizer.currentText(),
            optimizer_options={k: b.value() for k, b in self._opt_boxes.items()},
            schedule=Schedule(
                self.schedule.currentText(),
                gamma=self.gamma.value(),
                every=self.every.value(),
                period=self.period.value(),
            ),
            l1=self.l1.value(),
            l2=self.l2.value(),
            dropout=self.dropout.value(),
            shuffle=self.shuffle.isChecked(),
            seed=self.train_seed.value(),
            max_epochs=self.max_epochs.value() if self.use_max_epochs.isChecked() else None,
            target_loss=self.target_loss.value() if self.use_target.isChecked() else None,
            patience=self.patience.value() if self.use_patience.isChecked() else None,
        )

    def set_values(self, spec: NetworkSpec, settings: TrainingSettings) -> None:
        self._loading = True
        try:
            for row in list(self._rows):
                self._remove_layer(row)
            for n, a in zip(spec.hidden, spec.activations()):
                self._add_layer(n, a)
            self.output_activation.setCurrentText(spec.output_activation)
            self.loss.setCurrentText(
                spec.loss or ("cross-entropy" if spec.output_activation == "softmax" else "mse")
            )
            self.init.setCurrentText(spec.init)
            self.seed.setValue(spec.seed or 0)
            self.learning_rate.setValue(settings.learning_rate)
            self.schedule.setCurrentText(settings.schedule.kind)
            self.gamma.setValue(settings.schedule.gamma)
            self.every.setValue(settings.schedule.every)
            self.period.setValue(settings.schedule.period)
            self.batch_size.setValue(settings.batch_size)
            self.optimizer.setCurrentText(settings.optimizer)
            self._optimizer_changed(settings.optimizer)
            for k, v in settings.optimizer_options.items():
                if k in self._opt_boxes:
                    self._opt_boxes[k].setValue(v)
            self.shuffle.setChecked(settings.shuffle)
            self.l1.setValue(settings.l1)
            self.l2.setValue(settings.l2)
            self.dropout.setValue(settings.dropout)
            self.train_seed.setValue(settings.seed or 0)
            self.use_max_epochs.setChecked(settings.max_epochs is not None)
            if settings.max_epochs is not None:
                self.max_epochs.setValue(settings.max_epochs)
            self.use_target.setChecked(settings.target_loss is not None)
            if settings.target_loss is not None:
                self.target_loss.setValue(settings.target_loss)
            self.use_patience.setChecked(settings.patience is not None)
            if settings.patience is not None:
                self.patience.setValue(settings.patience)
        finally:
            self._loading = False
        self._emit_timer.stop()

    def _changed(self, *_: object) -> None:
        if not self._loading:
            self._emit_timer.start()

    def _emit_settings(self) -> None:
        try:
            self.settingsChanged.emit(self.training_settings())
        except ValueError as e:
            self.message.emit(str(e))

    def _emit_network(self) -> None:
        self.networkChanged.emit(self.network_spec())

    def flush(self) -> None:
        """Send a pending settings change now (e.g. before Run)."""
        if self._emit_timer.isActive():
            self._emit_timer.stop()
            self._emit_settings()
