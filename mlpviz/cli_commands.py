"""``mlpviz train``: the companion code's run, printed, on any table.

Training prints an epoch/loss table, then the summary the companion code
prints (start loss, end loss and the change in percent), and ends with one
line of train (and test) loss and accuracy or R². Settings the user does not
give come from :func:`mlpviz.data.defaults.choose_defaults`.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from mlpviz.data import EXAMPLES, load_csv, load_example
from mlpviz.data.dataset import Dataset, DatasetError
from mlpviz.data.defaults import Defaults, choose_defaults, fit_init
from mlpviz.data.encoding import check_distribution, infer_task
from mlpviz.data.fitting import train_epochs
from mlpviz.data.metrics import accuracy, r2
from mlpviz.data.problem import Problem, prepare
from mlpviz.data.split import train_test_split
from mlpviz.engine import TrainingDiverged
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.engine.spec_rules import default_init
from mlpviz.io import Model, save_model
from mlpviz.io.model_file import features_of


def list_examples() -> int:
    for name in EXAMPLES:
        print(f"{name:22s} {load_example(name).description}")
    return 0


def _dataset(args: argparse.Namespace) -> tuple[Dataset, list[str], list[str], str]:
    if args.example and args.data:
        raise ValueError("give a CSV file or --example, not both")
    if args.example:
        ex = load_example(args.example, seed=args.seed)
        return ex.dataset, list(ex.inputs), list(ex.targets), ex.name
    if args.data:
        dataset = load_csv(args.data)
        cols = list(dataset.columns)
        return dataset, cols[:-1], cols[-1:], Path(args.data).name
    raise ValueError("give a CSV file to train on, or --example NAME (see --list-examples)")


def _check_columns(dataset: Dataset, names: list[str], role: str, source: str) -> None:
    """An unknown column: the file, its header line and the columns it has."""
    for name in names:
        if name not in dataset.columns:
            known = ", ".join(repr(c) for c in dataset.columns)
            where = f"{source}, line 1" if dataset.has_header else source
            raise DatasetError(f"{where}: no {role} column {name!r}; the columns are {known}")


def _problem(args: argparse.Namespace) -> tuple[Problem, Defaults]:
    dataset, inputs, targets, name = _dataset(args)
    _check_columns(dataset, args.targets or [], "target", name)
    _check_columns(dataset, args.inputs or [], "input", name)
    targets = args.targets or targets
    inputs = args.inputs or [
        c for c in (inputs if args.targets is None else dataset.columns) if c not in targets
    ]
    task = infer_task(dataset, targets) if args.task == "auto" else args.task
    defaults = choose_defaults(dataset.columns, task, dataset.n_rows)
    scaling = args.normalize or defaults.input_scaling
    target_scaling = args.target_normalize or (
        args.normalize if args.normalize and defaults.tutorial else defaults.target_scaling
    )
    problem = prepare(
        dataset,
        inputs,
        targets,
        input_scaling=scaling,
        target_scaling=target_scaling,
        test_fraction=args.test_fraction,
        seed=args.seed,
        name=name,
        task=task,
    )
    return problem, defaults


def _spec(args: argparse.Namespace, d: Defaults) -> NetworkSpec:
    activation = args.activation or d.spec.hidden_activations[0]
    output = args.output_activation or (activation if d.tutorial else d.spec.output_activation)
    # An unstated loss: the default's when the output is the default's, else the
    # engine's choice for the output (cross-entropy for softmax, mse otherwise).
    loss = args.loss or (
        d.spec.loss if not d.tutorial and output == d.spec.output_activation else None
    )
    if args.init:
        init = args.init
    elif d.tutorial or args.activation is None:
        init = d.spec.init
    else:
        init = default_init((activation,))
    return NetworkSpec(
        hidden=args.hidden or d.spec.hidden,
        hidden_activations=(activation,),
        output_activation=output,
        loss=loss,
        init=init,
        seed=args.seed,
    )


def _settings(args: argparse.Namespace, d: Defaults) -> TrainingSettings:
    s = d.settings
    return TrainingSettings(
        learning_rate=s.learning_rate if args.lr is None else args.lr,
        batch_size=s.batch_size if args.batch_size is None else args.batch_size,
        optimizer=args.optimizer or s.optimizer,
        shuffle=s.shuffle if args.shuffle is None else args.shuffle,
        seed=args.seed,
        l2=s.l2 if args.l2 is None else args.l2,
        dropout=s.dropout if args.dropout is None else args.dropout,
        patience=d.patience if args.patience is None else args.patience,
    )


def _refuse_contradictions(spec: NetworkSpec, problem: Problem) -> None:
    """Settings that would train on nonsense are refused, saying why."""
    if spec.output_activation != "softmax":
        return
    if len(problem.target_names) == 1:
        raise ValueError(
            f"a softmax over one output node is always 1, so the loss would stay 0: "
            f"train the class column {problem.target_names[0]!r} with --task classification "
            "(one output per class), or choose another --output-activation"
        )
    if spec.loss in (None, "cross-entropy"):
        check_distribution(problem.raw_targets)
        check_distribution(problem.Z, "scaled target (try --target-normalize none)")


def _test_rows(args: argparse.Namespace, problem: Problem) -> tuple[np.ndarray, np.ndarray] | None:
    """The test set: a --test file encoded as training was, else --test-fraction's rows."""
    if args.test:
        test = load_csv(args.test)
        raw_x, raw_z = features_of(
            test,
            problem.encoding,
            problem.input_columns,
            problem.target_columns,
            problem.target_names,
            Path(args.test).name,
        )
        return problem.encode_inputs(raw_x), problem.target_scaler.transform(raw_z)
    if len(problem.test):
        return problem.X_test, problem.Z_test
    return None


class _Progress:
    """A one-line progress bar on stderr, only when it is a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.enabled = sys.stderr.isatty() and total >= 2000
        self.last = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = int(width * done / self.total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} epochs")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def _score(mlp, problem: Problem, X: np.ndarray, Z: np.ndarray) -> str:
    loss = mlp.loss_value(X, Z)
    out = mlp.forward(X).activations[-1]
    if problem.task == "classification":
        return f"loss {loss:.6f}  accuracy {accuracy(out, Z) * 100:.1f}%"
    raw = problem.decode_targets(out)
    return f"loss {loss:.6f}  R² {r2(raw, problem.decode_targets(Z)):.4f}"


def train(args: argparse.Namespace) -> int:
    if args.list_examples:
        return list_examples()
    if args.epochs is not None and args.epochs < 1:
        raise ValueError("--epochs must be at least 1")
    if args.every is not None and args.every < 1:
        raise ValueError("--every must be at least 1")
    if args.patience is not None and args.patience < 1:
        raise ValueError("--patience must be at least 1")
    if args.save and not Path(args.save).parent.is_dir():
        # Fail now, not after a long run (and not naming the temporary file).
        raise ValueError(f"cannot save to {args.save}: {Path(args.save).parent} is not a folder")
    problem, defaults = _problem(args)
    spec = _spec(args, defaults)
    settings = _settings(args, defaults)
    _refuse_contradictions(spec, problem)
    spec, note = fit_init(spec, len(problem.input_names), len(problem.target_names))
    epochs = args.epochs or defaults.epochs
    test = _test_rows(args, problem)
    # Early stopping watches a validation share of the training rows.
    train_rows, val_rows = problem.train, problem.train[:0]
    fraction = defaults.validation_fraction or (0.1 if args.patience else 0.0)
    if settings.patience is not None and fraction > 0:
        keep, held = train_test_split(len(problem.train), fraction, settings.seed or 0)
        if len(held) and len(keep):
            train_rows, val_rows = problem.train[keep], problem.train[held]
    watched = (problem.X[val_rows], problem.Z[val_rows]) if len(val_rows) else test
    mlp = spec.build(len(problem.input_names), len(problem.target_names))
    trainer = settings.make_trainer(
        mlp, problem.X[train_rows], problem.Z[train_rows], *(watched or (None, None))
    )
    start = mlp.loss_value(problem.X[train_rows], problem.Z[train_rows])
    every = args.every or max(1, epochs // 10)
    print(
        f"mlpviz: {mlp} on {problem.name}: {len(train_rows)} training rows"
        + (f", {len(val_rows)} validation rows" if len(val_rows) else "")
        + (f", {len(test[0])} test rows" if test is not None else "")
    )
    if note:
        print(f"mlpviz: note: {note}", file=sys.stderr)
    for w in problem.warnings:
        print(f"warning: {w}", file=sys.stderr)
    column = "val loss" if len(val_rows) else "test loss"
    has_watch = watched is not None
    print(f"{'epoch':>8}  {'loss':>12}" + (f"  {column:>12}" if has_watch else ""))
    print(f"{0:>8}  {start:12.6f}" + (f"  {mlp.loss_value(*watched):12.6f}" if has_watch else ""))
    progress = _Progress(epochs)

    def report(epoch: int) -> None:
        progress.update(epoch)
        progress.close()
        line = f"{epoch:>8}  {trainer.loss_history[-1]:12.6f}"
        if has_watch:
            line += f"  {trainer.test_loss_history[-1]:12.6f}"
        print(line)

    diverged = kept = None
    try:
        kept = train_epochs(
            trainer, epochs, settings.patience if len(val_rows) else None, every, report
        )
    except TrainingDiverged as e:
        progress.close()
        diverged = str(e)
    end = trainer.loss_history[-1] if trainer.loss_history else start
    change = (end - start) / start * 100 if start else 0.0
    print(f"\nstart loss {start:.6f}   end loss {end:.6f}   change {change:+.2f}%")
    if kept is not None:
        print(
            f"stopped at epoch {trainer.epoch}; kept the weights of epoch {kept} "
            "(the best validation loss)"
        )
    if args.save:
        model = Model(
            mlp,
            problem.raw_input_names,
            problem.target_names,
            problem.input_scaler,
            problem.target_scaler,
            problem.derived,
            replace(spec),
            settings,
            trainer.epoch,
            problem.encoding,
        )
        save_model(args.save, model)
        print(f"saved {args.save}")
    if diverged:
        print(f"mlpviz: error: {diverged}", file=sys.stderr)
        return 1
    line = "train " + _score(mlp, problem, problem.X_train, problem.Z_train)
    if test is not None:
        line += "   test " + _score(mlp, problem, *test)
    print(line)
    return 0
