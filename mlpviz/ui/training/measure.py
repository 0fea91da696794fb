"""Worker-side: turn a Trainer's state into a :class:`Snapshot`.

Runs in the worker thread (it computes a forward and backward pass for the
selected sample, the written-out next step and the metrics); the GUI thread
only receives the result.
"""

from __future__ import annotations

import numpy as np

from mlpviz.engine import Trainer
from mlpviz.engine.explain import StepExplanation, explain_step
from mlpviz.ui.training.snapshot import Snapshot


def is_classification(Z: np.ndarray, output_activation: str) -> bool:
    """Targets that are all 0/1 (or one-hot) on a squashing output are classes."""
    if output_activation not in ("sigmoid", "softmax", "tanh"):
        return False
    return bool(np.isin(Z, (0.0, 1.0)).all())


SAMPLE_ROWS = 5000


def _sample(A: np.ndarray) -> np.ndarray:
    return A if len(A) <= SAMPLE_ROWS else A[:: len(A) // SAMPLE_ROWS + 1]


def classes(Y: np.ndarray) -> np.ndarray:
    """The class of each row of outputs or targets: the largest of several, or ≥ ½ of one."""
    if Y.shape[1] > 1:
        return Y.argmax(1)
    return (Y[:, 0] >= 0.5).astype(np.int64)


def metric(mlp, X: np.ndarray, Z: np.ndarray) -> tuple[str, float | None]:
    """Accuracy for classification targets, R² for regression."""
    if len(X) == 0:
        return "R²", None
    y = mlp.forward(X).activations[-1]
    if is_classification(Z, mlp.output_activation):
        hits = classes(y) == classes(Z)
        return "accuracy", float(hits.mean())
    ss_res = float(((Z - y) ** 2).sum())
    ss_tot = float(((Z - Z.mean(0)) ** 2).sum())
    return "R²", (1.0 - ss_res / ss_tot) if ss_tot > 0 else None


def next_sample(trainer: Trainer) -> int:
    """The training row the next step uses.

    Mid-epoch that is ``order[position]``; at an epoch boundary ``position``
    is 0 and ``order`` already holds the next epoch's (shuffled) order.
    """
    position = trainer.position if trainer.position < trainer.n_rows else 0
    return int(trainer.order[position])


def explain_next(trainer: Trainer) -> StepExplanation:
    """The tutorial's per-sample SGD step on the next row, from the current weights.

    Where the trainer's own step differs (another optimizer, regularization,
    dropout), the explanation says so in its notes.
    """
    notes = []
    name = trainer.optimizer.name
    if name != "sgd":
        notes.append(
            f"Training uses {name}: its step is not w − η·∂L/∂w. "
            "Shown is the tutorial's plain gradient-descent step."
        )
    if trainer.l1 or trainer.l2:
        notes.append("Regularization adds its own gradient to ∂L/∂w; not included here.")
    if trainer.dropout:
        notes.append("Dropout zeroes random hidden nodes during training; not included here.")
    if trainer.batch_size > 1:
        notes.append(
            f"Runs use batches of {trainer.batch_size} (∂L/∂w averaged over the batch); "
            "a one-sample step applies exactly this."
        )
    i = next_sample(trainer)
    return explain_step(
        trainer.mlp, trainer.X[i], trainer.Z[i], trainer.learning_rate, i, tuple(notes)
    )


def build_snapshot(
    trainer: Trainer,
    sample_index: int = 0,
    running: bool = False,
    loss_start: int = 0,
    weights_edited: bool = False,
    **extra,
) -> Snapshot:
    """A snapshot of ``trainer`` (copies only). ``extra`` fills the optional fields.

    ``weights_edited``: the weights changed by hand since the last logged loss,
    so the losses are taken from the current weights, like the metrics.
    """
    mlp = trainer.mlp
    i = int(np.clip(sample_index, 0, trainer.n_rows - 1))
    x, z = trainer.X[i], trainer.Z[i]
    trace = mlp.forward(x)
    grads = mlp.backward(trace, z)
    # Snapshots come 25 times a second: on big data the figures that are not
    # in the histories are taken on an even sample of rows, not all of them.
    Xs, Zs = _sample(trainer.X), _sample(trainer.Z)
    name, value = metric(mlp, Xs, Zs)
    test_value = None
    test_loss = trainer.test_loss_history[-1] if trainer.test_loss_history else None
    if trainer.X_test is not None:
        Xt, Zt = _sample(trainer.X_test), _sample(trainer.Z_test)
        if weights_edited or not trainer.test_loss_history:
            test_loss = mlp.loss_value(Xt, Zt)
        test_name, test_value = metric(mlp, Xt, Zt)
        if test_name != name:
            test_value = None  # a metric of another kind is no comparison
    if trainer.loss_history and not weights_edited:
        train_loss = trainer.loss_history[-1]
    else:
        train_loss = mlp.loss_value(Xs, Zs)
    gradient = trainer.last_gradient
    archive = trainer.loss_archive
    if loss_start < archive.end:
        # Epochs folded into envelopes go as the envelopes.
        extra["loss_archive"] = archive.copy()
        loss_start = archive.end
    exact = loss_start - archive.end
    # A caller may pass its own explanation (or None to skip the work).
    if "explanation" not in extra:
        extra["explanation"] = explain_next(trainer)
    extra.setdefault("next_sample", next_sample(trainer))
    return Snapshot(
        layer_sizes=mlp.layer_sizes,
        activation_names=mlp.activation_names,
        params=mlp.params.copy(),
        epoch=trainer.epoch,
        position=trainer.position,
        steps=trainer.steps,
        n_rows=trainer.n_rows,
        learning_rate=trainer.learning_rate,
        running=running,
        train_loss=float(train_loss),
        test_loss=None if test_loss is None else float(test_loss),
        metric_name=name,
        metric=value,
        test_metric=test_value,
        loss_name=mlp.loss,
        gradient=None if gradient is None else gradient.copy(),
        update=trainer.last_update.copy(),
        sample_index=i,
        sample_sums=tuple(s[0].copy() for s in trace.sums),
        sample_activations=tuple(a[0].copy() for a in trace.activations),
        sample_deltas=tuple(d[0].copy() for d in grads.deltas),
        sample_target=z.copy(),
        evaluations=dict(trainer.evaluations),
        loss_start=loss_start,
        new_losses=np.asarray(trainer.loss_history[exact:], dtype=float),
        new_test_losses=np.asarray(trainer.test_loss_history[exact:], dtype=float),
        **extra,
    )
