"""A seeded monkey: a thousand random user actions on the main window.

Steps, runs, pauses, weight edits (with junk text), graph edits, undo/redo,
new architectures, other datasets, the dataset dialog, reset and speed
changes, in random order and without waiting for the worker between them.
Nothing may raise, the worker must survive, no thread may leak, and once
everything settles every view must show the engine's numbers exactly.

Reproduce another run with ``MLPVIZ_MONKEY_SEED=<n>`` (and
``MLPVIZ_MONKEY_ACTIONS=<n>`` for a longer one).

The small tests at the end pin, deterministically, the bugs the monkey found
(fixed in e7c0185): a dead worker after a huge edit, a stale pair selection or
a divergence to non-finite outputs; the step-through drawing an old network;
stale epochs on the loss curve after a reset.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import sys
import time
from collections.abc import Callable

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication

from mlpviz.engine.layout import ParamLayout
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.ui.shell.controls import SPEEDS
from mlpviz.ui.shell.main_window import MainWindow
from mlpviz.ui.style.numbers import format_number as fmt
from mlpviz.ui.weights.cell_look import cell_text as format_value

SEED = int(os.environ.get("MLPVIZ_MONKEY_SEED", "20240611"))
ACTIONS = int(os.environ.get("MLPVIZ_MONKEY_ACTIONS", "1000"))
SYNC_EVERY = 50  # actions between waits for the worker to drain its queue
CHECK_EVERY = 250  # actions between full consistency checks (they pause the run)
BUDGET_S = 60.0
PROCESS_EVENTS = 0.3  # chance of letting the event loop run after an action

# Small built-in tables and sets only: the monkey is about interleavings, not size.
EXAMPLES = ["exam-scores", "xor", "and", "or", "sine"]
# Unbounded layers too: they train into weights whose outputs overflow.
ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]
OUTPUTS = ["sigmoid", "tanh", "linear"]
# What people (and cats on keyboards) type into a weight cell.
JUNK_TEXT = ["abc", "", "  ", "nan", "NaN", "inf", "-inf", "1e309", "0x10", "1,2,3", "--1", "½"]
# Huge but finite values are accepted; everything computed from them overflows.
GOOD_TEXT = ["0", "0.25", "-0.5", "−0.75", " 2 ", "1e-3", "1e3", "-1e6", "+3", "1e300", "-1e308"]
GRAPH_VALUES = [0.0, 0.5, -2.0, 1e-9, 1e6, -1e300, float("nan"), float("inf"), float("-inf")]
# Messages of Session.failed that are not a refused command (those are the
# ValueError/IndexError text alone) but an error the worker did not expect
# ("KeyError: …", "RuntimeWarning: …") or its death.
UNEXPECTED = re.compile(r"^(The training worker stopped|[A-Za-z_.]*(Error|Exception|Warning): )")


class Monkey:
    """Random actions on one window, with a log to replay what led to a failure."""

    def __init__(self, window: MainWindow, qtbot, rng: random.Random) -> None:
        self.w, self.qtbot, self.rng = window, qtbot, rng
        self.log: list[str] = []
        self.token = 0
        self.actions: list[tuple[float, Callable[[], None]]] = [
            (8, self.step_sample),
            (6, self.step_batch),
            (5, self.step_epoch),
            (6, self.toggle_run),
            (4, self.run_n),
            (4, self.pause),
            (12, self.table_edit),
            (8, self.graph_edit),
            (6, self.undo),
            (4, self.redo),
            (3, self.architecture),
            (2, self.dataset),
            (1, self.dialog),
            (2, self.reset),
            (4, self.speed),
            (2, self.select),
            (2, self.rewind),
            (3, self.toggle_dock),
        ]

    # -- helpers ------------------------------------------------------------------

    def note(self, text: str) -> None:
        self.log.append(text)

    def snapshot_sizes(self) -> tuple[int, ...]:
        snap = self.w.session.latest
        assert snap is not None
        return snap.layer_sizes

    def random_param(self) -> tuple:
        return self.rng.choice(ParamLayout.of(self.snapshot_sizes()).params())

    # -- actions ------------------------------------------------------------------

    def step_sample(self) -> None:
        self.note("step sample")
        self.w.controls.step_sample.trigger()

    def step_batch(self) -> None:
        self.note("step batch")
        self.w.controls.step_batch.trigger()

    def step_epoch(self) -> None:
        self.note("step epoch")
        self.w.controls.step_epoch.trigger()

    def toggle_run(self) -> None:
        self.note("run/pause button")
        self.w.controls.run.trigger()

    def run_n(self) -> None:
        n = self.rng.randint(1, 30)
        self.note(f"run {n} epochs")
        self.w.controls.epochs.setValue(n)
        self.w.controls.run_n.trigger()

    def pause(self) -> None:
        self.note("pause")
        self.w.session.pause()

    def table_edit(self) -> None:
        tables = self.w.tables
        if tables.layer_count() == 0:
            return
        model = tables.model(self.rng.randrange(tables.layer_count()))
        if model.rowCount() == 0:
            return
        index = model.index(
            self.rng.randrange(model.rowCount()), self.rng.randrange(model.columnCount())
        )
        roll = self.rng.random()
        if roll < 0.4:
            text: object = self.rng.choice(JUNK_TEXT)
        elif roll < 0.8:
            text = self.rng.choice(GOOD_TEXT)
        else:
            text = repr(self.rng.uniform(-5, 5))
        self.note(f"table edit {model.param(index)} ← {text!r}")
        model.setData(index, text)

    def graph_edit(self) -> None:
        param = self.random_param()
        roll = self.rng.random()
        value = self.rng.choice(GRAPH_VALUES) if roll < 0.5 else self.rng.gauss(0, 2)
        self.note(f"graph edit {param} ← {value!r}")
        self.w.graph.editRequested.emit(param, value)

    def undo(self) -> None:
        self.note(f"undo ({self.w.undo.undoText()!r})")
        self.w.menus.undo_action.trigger()

    def redo(self) -> None:
        self.note(f"redo ({self.w.undo.redoText()!r})")
        self.w.menus.redo_action.trigger()

    def architecture(self) -> None:
        hidden = tuple(self.rng.randint(1, 6) for _ in range(self.rng.randint(0, 3)))
        acts = tuple(self.rng.choice(ACTIVATIONS) for _ in hidden) or ("sigmoid",)
        spec = NetworkSpec(
            hidden=hidden,
            hidden_activations=acts,
            output_activation=self.rng.choice(OUTPUTS),
            # "tutorial" only fits a 2-3-1 net: usually refused with a banner.
            init=self.rng.choice(["xavier", "he", "uniform", "tutorial"]),
            seed=self.rng.randint(0, 99),
        )
        self.note(f"architecture {spec}")
        # As the panel would: its widgets show the spec it announces.
        panel = self.w.settings_panel
        panel.set_values(spec, panel.training_settings())
        panel.networkChanged.emit(spec)

    def dataset(self) -> None:
        name = self.rng.choice(EXAMPLES)
        self.note(f"example {name}")
        self.w.data_files.open_example(name)

    def dialog(self) -> None:
        dialog = self.w.data_files.open_dialog()
        if self.rng.random() < 0.5:
            name = self.rng.choice(EXAMPLES)
            self.note(f"dialog: example {name}, OK")
            dialog.load_example(name)
            dialog.accept()
        else:
            self.note("dialog: cancel")
            dialog.reject()
        assert not dialog.is_busy

    def reset(self) -> None:
        self.note("reset")
        self.w.controls.reset.trigger()

    def speed(self) -> None:
        notch = self.rng.randrange(len(SPEEDS))
        self.note(f"speed {SPEEDS[notch]}")
        self.w.controls.speed.setValue(notch)

    def select(self) -> None:
        # From the latest snapshot: it may describe a network being replaced.
        param = self.random_param()
        self.note(f"select {param}")
        self.w.select_param(param)

    def rewind(self) -> None:
        snap = self.w.session.latest
        epoch = int(self.rng.choice(list(snap.history_epochs))) if snap is not None else 0
        self.note(f"rewind to {epoch}")
        self.w.rewind(epoch)

    def toggle_dock(self) -> None:
        # Hidden views skip snapshots and must catch up when shown again.
        dock = self.rng.choice(self.w.docks)
        show = not dock.isVisible()
        self.note(f"{'show' if show else 'hide'} {dock.objectName()}")
        dock.setVisible(show)
        if show:
            dock.raise_()

    # -- driving ------------------------------------------------------------------

    def act(self) -> None:
        weights = [w for w, _ in self.actions]
        _, action = self.rng.choices(self.actions, weights)[0]
        action()
        # Deliver what was queued (snapshots, repaints), as the event loop would
        # between a user's clicks; not after every action, so that commands also
        # pile up faster than the worker and the views can follow (and because
        # each delivery redraws every view, the budget's main cost).
        if self.rng.random() < PROCESS_EVENTS:
            QCoreApplication.processEvents()

    def drain(self) -> object:
        """Wait until the worker has applied every queued command.

        The worker answers GetState after everything posted before it, so its
        answer proves the queue was drained; a dead worker never answers.
        """
        self.token += 1
        token = self.token
        with self.qtbot.waitSignal(
            self.w.session.stateReady,
            timeout=10_000,
            check_params_cb=lambda t, _state: t == token,
        ) as blocker:
            self.w.session.request_state(token)
        return blocker.args[1]


def _table_values(window: MainWindow) -> list[np.ndarray]:
    return [window.tables.model(l).values() for l in range(window.tables.layer_count())]


def check_consistent(monkey: Monkey) -> None:
    """Pause, let the queue drain, and compare every view with the engine."""
    w, qtbot = monkey.w, monkey.qtbot
    # The views compared below must be on screen (hidden ones skip snapshots).
    for dock in (w.tables_dock, w.loss_dock):
        dock.show()
        dock.raise_()
    w.session.pause()
    state = monkey.drain()
    # The worker is idle now (paused, queue empty), so its network is safe to read.
    engine = w.session.worker.mlp
    params = engine.params.copy()
    np.testing.assert_array_equal(state.state["params"], params)

    def settled() -> None:
        snap = w.session.latest
        assert snap is not None and not snap.running
        assert snap.layer_sizes == engine.layer_sizes
        np.testing.assert_array_equal(snap.params, params)

    # The snapshot sent with the Pause reaches the views at the next refresh tick.
    qtbot.waitUntil(settled, timeout=5000)
    snap = w.session.latest
    assert not w.session.running
    assert snap.epoch == state.state["epoch"]

    # Weight tables: one per layer, full-precision values and display text.
    sizes = snap.layer_sizes
    assert w.tables.layer_count() == len(sizes) - 1
    for l, (values, wl, bl) in enumerate(zip(_table_values(w), snap.weights(), snap.biases())):
        np.testing.assert_array_equal(values, np.column_stack([wl, bl]))
        model = w.tables.model(l)
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                index = model.index(r, c)
                assert model.data(index) == format_value(values[r, c])
                assert not model.is_pending(model.param(index))

    # The graph: the same architecture, every parameter's tooltip shows its value.
    graph = w.graph
    assert graph.layer_sizes == sizes
    assert len(graph.bias_items) == sum(sizes[1:])
    for param, value in zip(ParamLayout.of(sizes).params(), params):
        kind = param[0]
        assert f"{kind} = {fmt(value)}" in graph.hover_text(param), (param, value)

    # The loss curve is the engine's loss history, epoch for epoch.
    losses = np.asarray(state.state["losses"], dtype=float)
    np.testing.assert_array_equal(w.loss_plot.train_losses, losses)


@pytest.mark.slow
def test_monkey(window, qtbot, monkeypatch):
    rng = random.Random(SEED)
    monkey = Monkey(window, qtbot, rng)
    errors: list[str] = []
    died = _unexpected_failures(window)

    # pytest-qt would fail the test at its end anyway; recording here names the
    # action that raised, and the log before it says how we got there.
    previous_hook = sys.excepthook

    def hook(kind, value, tb) -> None:
        errors.append(f"{kind.__name__}: {value}")
        previous_hook(kind, value, tb)

    monkeypatch.setattr(sys, "excepthook", hook)

    def where(i: int) -> str:
        return f"after action {i} (seed {SEED}); last actions:\n  " + "\n  ".join(monkey.log[-25:])

    thread = window.session.thread
    started = time.perf_counter()
    for i in range(1, ACTIONS + 1):
        monkey.act()
        assert not errors, f"{errors[0]} {where(i)}"
        assert not died, f"{died[0]} {where(i)}"
        try:
            if i % CHECK_EVERY == 0:
                check_consistent(monkey)
            elif i % SYNC_EVERY == 0:
                monkey.drain()
        except AssertionError as e:
            raise AssertionError(f"{e}\n{where(i)}") from None
        assert thread.isRunning(), f"the training thread ended {where(i)}"
    try:
        check_consistent(monkey)
    except AssertionError as e:
        raise AssertionError(f"{e}\n{where(ACTIONS)}") from None
    assert not errors and not died
    elapsed = time.perf_counter() - started
    assert elapsed < BUDGET_S, f"{ACTIONS} actions took {elapsed:.1f} s"

    # Closing ends the worker thread and any dialog's loader thread.
    dialog = window.data_files.dialog
    window.close()
    assert not thread.isRunning()
    if dialog is not None:
        import shiboken6

        if shiboken6.isValid(dialog) and dialog.load_thread is not None:
            assert not dialog.load_thread.isRunning()


# -- what the monkey found, pinned as small deterministic tests ---------------------


def _unexpected_failures(window: MainWindow) -> list[str]:
    """Collects the worker's reports of errors it did not expect (or its death)."""
    died: list[str] = []
    window.session.failed.connect(lambda m: died.append(m) if UNEXPECTED.match(m) else None)
    return died


def _worker_answers(window: MainWindow, qtbot, died: list[str]) -> None:
    """The worker is alive and applies commands: it answers a state request."""
    answers: list[int] = []
    window.session.stateReady.connect(lambda token, _state: answers.append(token))
    window.session.request_state(99)
    qtbot.waitUntil(lambda: bool(died) or 99 in answers, timeout=5000)
    assert not died, died[0]
    assert window.session.thread.isRunning()


@pytest.mark.parametrize(
    ("output", "text"),
    [
        # R² of the output overflows: RuntimeWarnings (errors under the test policy).
        pytest.param("linear", "1e300", id="linear-warnings"),
        # Without the test policy's warnings-as-errors: the crash users would see.
        pytest.param(
            "linear",
            "1e308",
            id="linear-decode",
            marks=pytest.mark.filterwarnings("ignore::RuntimeWarning"),
        ),
    ],
)
def test_huge_weight_edit_keeps_the_worker_alive(window, qtbot, output, text):
    died = _unexpected_failures(window)
    window.session.configure(spec=NetworkSpec(output_activation=output, init="xavier"), reinit=True)
    qtbot.waitUntil(lambda: window.session.latest.activation_names[-1] == output)
    model = window.tables.model(1)
    assert model.setData(model.index(0, model.bias_column), text)
    # Either the value is taken and shown, or refused with a message; the worker lives on.
    qtbot.waitUntil(
        lambda: (
            bool(died)
            or window.session.latest.param_value(("b", 1, 0)) == float(text)
            or window.banner.isVisible()
        ),
        timeout=5000,
    )
    assert not died, died[0]
    _worker_answers(window, qtbot, died)


# The warnings policy would stop the worker's command first; this is what users see.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_run_diverging_to_non_finite_outputs_keeps_the_worker_alive(window, qtbot):
    died = _unexpected_failures(window)
    diverged: list[str] = []
    window.session.diverged.connect(diverged.append)
    # Found by search: this net diverges at step 5, and the weights kept (from
    # before the failing step) already give infinite outputs.
    window.session.configure(
        spec=NetworkSpec(
            hidden=(3,), hidden_activations=("linear",), output_activation="linear", init="xavier"
        ),
        settings=TrainingSettings(learning_rate=10.0),
        reinit=True,
    )
    qtbot.waitUntil(lambda: window.session.latest.activation_names == ("linear", "linear"))
    window.controls.run.trigger()
    qtbot.waitUntil(lambda: bool(died) or bool(diverged), timeout=10_000)
    qtbot.waitUntil(lambda: bool(died) or not window.session.running, timeout=5000)
    assert not died, died[0]
    assert "diverged" in diverged[0]
    _worker_answers(window, qtbot, died)
    assert np.isfinite(window.session.latest.params).all()


def test_selecting_a_pair_the_network_lacks_keeps_the_worker_alive(window, qtbot):
    died = _unexpected_failures(window)
    # The 2-3-1 network has weight layers 0 and 1 only.
    window.session.select(pair=(("w", 0, 0, 0), ("w", 2, 1, 0)))
    window.session.request_state(7)
    qtbot.waitUntil(lambda: bool(died) or window.banner.isVisible(), timeout=5000)
    assert not died, died[0]
    _worker_answers(window, qtbot, died)


def test_step_through_shown_after_an_architecture_change_follows_the_new_network(window, qtbot):
    window.step_dock.show()
    qtbot.waitUntil(lambda: window.step_through.current is not None)
    window.step_dock.hide()
    window.data_files.open_example("sine")  # one input instead of two
    qtbot.waitUntil(lambda: window.session.latest.layer_sizes == (1, 3, 1))
    with qtbot.capture_exceptions() as raised:
        window.step_dock.show()
        QCoreApplication.processEvents()
    assert not raised, raised[0][1]
    # The explanation of the new network's next step comes from the worker:
    # wait for it (one processEvents loses that race on a loaded machine).
    qtbot.waitUntil(
        lambda: (
            window.step_through.exp is not None and window.step_through.exp.layer_sizes == (1, 3, 1)
        )
    )


def test_a_reset_merged_into_a_pending_snapshot_cuts_its_losses(qtbot):
    from mlpviz.ui.shell.main_window import tutorial_problem
    from mlpviz.ui.training.session import Session

    # No views: a flush costs microseconds, so two snapshots emitted back to back
    # land inside the same refresh interval and are merged.
    session = Session(tutorial_problem(), NetworkSpec(), TrainingSettings())
    shown = []
    session.updated.connect(shown.append)
    try:
        qtbot.waitUntil(lambda: session.latest is not None)
        base = session.latest

        def fake(start: int, losses: list[float]):
            return dataclasses.replace(
                base,
                loss_start=start,
                new_losses=np.array(losses, dtype=float),
                new_test_losses=np.empty(0),
            )

        for _ in range(20):  # until the second snapshot is held back for merging
            session.worker.snapshotReady.emit(fake(0, []))
            frames = session.frames
            session.worker.snapshotReady.emit(fake(0, [0.5, 0.4]))  # epochs 1, 2
            if session.frames == frames:  # pending: not drawn yet
                break
        else:
            pytest.skip("could not emit two snapshots within one refresh interval")
        # Reset: the engine's history is empty again, the start is the same 0.
        session.worker.snapshotReady.emit(fake(0, []))
        qtbot.waitUntil(lambda: session.frames > frames)
        merged = session.latest
        assert merged.loss_start == 0
        assert list(merged.new_losses) == []
    finally:
        session.shutdown()
