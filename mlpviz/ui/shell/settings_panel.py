"""Architecture and training settings, as a form in a dock.

Training settings apply as soon as they change (the worker takes them
between steps, so a run goes on). Architecture changes re-initialize the
network, so they wait for an explicit "Rebuild network" (or a Run, which
trains what the panel shows) — an accidental spin-box scroll must not throw
away a trained network unseen: the panel says when its network is not the
one training.

The network settings never contradict each other (see
:mod:`mlpviz.ui.shell.settings_rules`): a loss the output cannot use is
disabled, with a tooltip saying why, and replaced by one that fits; the
tutorial's weights are offered only for the 2-3-1 shape; a network that
cannot be built keeps its reason on screen until it is fixed.
"""

from __future__ import annotations

from collections.abc import Iterable

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
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.activations import OUTPUT_ACTIVATIONS
from mlpviz.engine.initializers import INITS
from mlpviz.engine.losses import LOSS_NAMES
from mlpviz.engine.optimizers import OPTIMIZERS
from mlpviz.engine.schedules import SCHEDULES, Schedule
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.engine.spec_rules import default_init, default_loss, effective_loss, tutorial_refusal
from mlpviz.ui.shell.settings_locks import SettingsLocks
from mlpviz.ui.shell.settings_rules import (
    describe,
    loss_refusal,
    network_refusal,
    note_lines,
    structure,
)
from mlpviz.ui.shell.settings_widgets import LayerRow, StopConditions, number_box, offer

MAX_LAYERS = 8


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
        self._rows: list[LayerRow] = []
        self._loading = False
        self._shape: tuple[int, int] | None = None  # the data's inputs and targets
        self._applied: NetworkSpec | None = None  # the network the session trains
        self._fallback = ""  # what the panel chose for the user, and why
        # Coalesce bursts of edits (spin-box arrows held down) into one message.
        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setInterval(150)
        self._emit_timer.timeout.connect(self._emit_settings)

        outer.addWidget(self._network_group())
        outer.addWidget(self._training_group())
        outer.addWidget(self._stop_group())
        outer.addStretch(1)
        self.locks = SettingsLocks(self)  # what a preset locks: set_locked()
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
        self.network_note = QLabel()
        self.network_note.setWordWrap(True)
        self.network_note.hide()
        lay.addWidget(self.network_note)
        buttons = QHBoxLayout()
        rebuild = QPushButton("Rebuild network")
        rebuild.clicked.connect(self._emit_network)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Show the network that is training again")
        self.revert_button.clicked.connect(self.revert)
        self.revert_button.hide()
        buttons.addWidget(rebuild, 1)
        buttons.addWidget(self.revert_button)
        lay.addLayout(buttons)
        self.rebuild_button = rebuild
        self.output_activation.currentTextChanged.connect(self._network_edited)
        self.loss.currentTextChanged.connect(self._network_edited)
        self.init.currentTextChanged.connect(self._init_chosen)
        self.seed.valueChanged.connect(self._network_edited)
        return box

    def _training_group(self) -> QGroupBox:
        box = QGroupBox("Training")
        form = QFormLayout(box)
        self.learning_rate = number_box(1e-6, 1e3, 6, 0.01, "η in w_new = w_old − η·∂L/∂w")
        self.schedule = QComboBox()
        self.schedule.addItems(SCHEDULES)
        self.schedule.setToolTip("How η changes with the epoch")
        self.gamma = number_box(0.0001, 1.0, 4, 0.05, "Decay factor γ (step and exponential)")
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
        self.l1 = number_box(0.0, 10.0, 6, 0.0001, "L1 rate λ₁: adds λ₁Σ|w| to the loss")
        self.l2 = number_box(0.0, 10.0, 6, 0.0001, "L2 rate λ₂: adds ½λ₂Σw² to the loss")
        self.dropout = number_box(
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
        box = StopConditions()
        self.max_epochs, self.target_loss, self.patience = (
            box.max_epochs,
            box.target_loss,
            box.patience,
        )
        self.use_max_epochs, self.use_target = box.use_max_epochs, box.use_target
        self.use_patience = box.use_patience
        box.changed.connect(self._changed)
        return box

    # -- hidden layers ------------------------------------------------------------

    def _add_layer(self, neurons: int, activation: str) -> None:
        if len(self._rows) >= MAX_LAYERS:
            self.message.emit(f"At most {MAX_LAYERS} hidden layers.")
            return
        row = LayerRow(len(self._rows), neurons, activation)
        row.removeRequested.connect(self._remove_layer)
        row.changed.connect(self._network_edited)
        self._rows.append(row)
        self._layers_box.addWidget(row)
        self._add_button.setEnabled(len(self._rows) < MAX_LAYERS)
        self._network_edited()

    def _remove_layer(self, row: LayerRow) -> None:
        self._rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        for i, r in enumerate(self._rows):
            r.set_index(i)
        self._add_button.setEnabled(True)
        self._network_edited()

    # -- optimizer options ----------------------------------------------------------

    def _optimizer_changed(self, name: str) -> None:
        while self._opt_form.rowCount():
            self._opt_form.removeRow(0)
        self._opt_boxes = {}
        for key, default in OPTIMIZERS[name].defaults.items():
            box = number_box(0.0, 1e3, 10 if key == "eps" else 4, 0.01, f"{name} option {key}")
            box.setValue(default)
            box.valueChanged.connect(self._changed)
            self._opt_boxes[key] = box
            self._opt_form.addRow(f"  {key}", box)
        self.locks.refresh()
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
            self.loss.setCurrentText(effective_loss(spec))
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
        self._fallback = ""
        self._reconcile(choose_init=False)

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

    # -- settings that depend on each other ----------------------------------------

    def set_data_shape(self, n_inputs: int, n_targets: int) -> None:
        """The data's numbers of inputs and targets, which decide what fits."""
        self._shape = (int(n_inputs), int(n_targets))
        self._reconcile(choose_init=True)

    def set_applied(self, spec: NetworkSpec) -> None:
        """The network the session trains, to say when the panel shows another."""
        self._applied = spec
        self._reconcile(choose_init=False)

    def refusal(self) -> str | None:
        """Why the panel's network cannot be built for the data, or None."""
        return network_refusal(self.network_spec(), *(self._shape or (None, None)))

    def pending(self) -> bool:
        """True when the panel shows a network other than the one training."""
        applied = self._applied
        return applied is not None and structure(applied) != structure(self.network_spec())

    def revert(self) -> None:
        """Show the training network's architecture again (training settings stay)."""
        if self._applied is not None:
            self.set_values(self._applied, self.training_settings())

    def _network_edited(self, *_: object) -> None:
        if not self._loading:
            self._reconcile(choose_init=True)

    def _init_chosen(self, *_: object) -> None:
        if not self._loading:
            self._fallback = ""  # the user's own choice now
            self._reconcile(choose_init=True)

    def _reconcile(self, choose_init: bool) -> None:
        """Disable what cannot apply, choose what must follow, say what is wrong.

        ``choose_init``: replace "tutorial" weights that do not fit the shape by
        the default initialisation (not while showing loaded values, which may
        precede the data they were saved with).
        """
        was_loading, self._loading = self._loading, True
        try:
            out = self.output_activation.currentText()
            reasons = {name: loss_refusal(name, out) for name in LOSS_NAMES}
            offer(self.loss, reasons, f"Not with a {out} output: ")
            if reasons[self.loss.currentText()]:
                self.loss.setCurrentText(default_loss(out))
            spec = self.network_spec()
            why = tutorial_refusal(spec.layer_sizes(*self._shape) if self._shape else None)
            offer(self.init, {"tutorial": why}, "Not offered: ")
            if why and choose_init and self.init.currentText() == "tutorial":
                self.init.setCurrentText(default_init(spec.activations()))
                self._fallback = "tutorial"
            if why and self._fallback:
                self._fallback = (
                    f"Initial weights: {why}; {self.init.currentText()} is used instead."
                )
            elif not why and self._fallback:
                # The shape fits again: the tutorial's weights the panel replaced come back.
                self.init.setCurrentText("tutorial")
                self._fallback = ""
        finally:
            self._loading = was_loading
        self._show_state()

    def _show_state(self) -> None:
        refusal = self.refusal()
        rebuild_tip = "Apply the architecture: new weights, the dataset is kept"
        self.rebuild_button.setEnabled(refusal is None)
        self.rebuild_button.setToolTip(f"Cannot rebuild: {refusal}" if refusal else rebuild_tip)
        pending = self.pending() and self._shape is not None
        self.revert_button.setVisible(pending)
        training = describe(self._applied, *self._shape) if pending and self._applied else None
        lines = note_lines(refusal, self._fallback, training)
        self.network_note.setText("\n".join(lines))
        self.network_note.setStyleSheet(f"color: {'#a4262c' if refusal else '#6b4a00'};")
        self.network_note.setVisible(bool(lines))
        self.locks.refresh()

    def set_locked(self, names: Iterable[str]) -> None:
        """Lock the controls of ``names`` (see :data:`PANEL_LOCKS`); the rest unlock."""
        self.locks.set(names)

    def flush(self) -> None:
        """Send a pending settings change now (e.g. before Run)."""
        if self._emit_timer.isActive():
            self._emit_timer.stop()
            self._emit_settings()
