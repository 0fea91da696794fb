"""``mlpviz train`` and ``mlpviz predict``: the companion code's run, printed.

Training prints an epoch/loss table, then the summary the companion code
prints: start loss, end loss and the change in percent.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

from mlpviz.data import EXAMPLES, load_csv, load_example
from mlpviz.data.problem import Problem, prepare
from mlpviz.engine import TrainingDiverged
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io import Model, load_model, save_model


def _problem(args: argparse.Namespace) -> Problem:
    if args.example and args.data:
        raise ValueError("give a CSV file or --example, not both")
    if args.example:
        ex = load_example(args.example, seed=args.seed)
        dataset, inputs, targets, name = ex.dataset, ex.inputs, ex.targets, ex.name
    elif args.data:
        dataset = load_csv(args.data)
        inputs, targets, name = dataset.columns[:-1], dataset.columns[-1:], Path(args.data).name
    else:
        raise ValueError("give a CSV file to train on, or --example NAME (see --list-examples)")
    inputs = args.inputs or [c for c in inputs if c not in (args.targets or [])]
    targets = args.targets or targets
    return prepare(
        dataset,
        inputs,
        targets,
        input_scaling=args.normalize,
        target_scaling=args.target_normalize or args.normalize,
        test_fraction=args.test_fraction,
        seed=args.seed,
        name=name,
    )


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


def train(args: argparse.Namespace) -> int:
    if args.list_examples:
        for name, _factory in EXAMPLES.items():
            print(f"{name:22s} {load_example(name).description}")
        return 0
    if args.epochs < 1:
        raise ValueError("--epochs must be at least 1")
    if args.every is not None and args.every < 1:
        raise ValueError("--every must be at least 1")
    if args.save and not Path(args.save).parent.is_dir():
        # Fail now, not after a long run (and not naming the temporary file).
        raise ValueError(f"cannot save to {args.save}: {Path(args.save).parent} is not a folder")
    problem = _problem(args)
    spec = NetworkSpec(
        hidden=args.hidden,
        hidden_activations=(args.activation,),
        output_activation=args.output_activation or args.activation,
        loss=args.loss,
        init=args.init,
        seed=args.seed,
    )
    settings = TrainingSettings(
        learning_rate=args.lr,
        batch_size=args.batch_size,
        optimizer=args.optimizer,
        shuffle=args.shuffle,
        seed=args.seed,
    )
    mlp = spec.build(len(problem.input_names), len(problem.target_names))
    trainer = settings.make_trainer(
        mlp, problem.X_train, problem.Z_train, problem.X_test, problem.Z_test
    )
    start = mlp.loss_value(problem.X_train, problem.Z_train)
    every = args.every or max(1, args.epochs // 10)
    print(
        f"mlpviz: {mlp} on {problem.name}: {len(problem.train)} training rows"
        + (f", {len(problem.test)} test rows" if len(problem.test) else "")
    )
    for w in problem.warnings:
        print(f"warning: {w}", file=sys.stderr)
    has_test = len(problem.test) > 0
    print(f"{'epoch':>8}  {'loss':>12}" + (f"  {'test loss':>12}" if has_test else ""))
    print(
        f"{0:>8}  {start:12.6f}"
        + (f"  {mlp.loss_value(problem.X_test, problem.Z_test):12.6f}" if has_test else "")
    )
    progress = _Progress(args.epochs)
    diverged = None
    try:
        while trainer.epoch < args.epochs:
            next_print = min(args.epochs, (trainer.epoch // every + 1) * every)
            trainer.run(next_print - trainer.epoch)
            progress.update(trainer.epoch)
            if trainer.epoch % every == 0 or trainer.epoch == args.epochs:
                progress.close()
                line = f"{trainer.epoch:>8}  {trainer.loss_history[-1]:12.6f}"
                if has_test:
                    line += f"  {trainer.test_loss_history[-1]:12.6f}"
                print(line)
    except TrainingDiverged as e:
        progress.close()
        diverged = str(e)
    end = trainer.loss_history[-1] if trainer.loss_history else start
    change = (end - start) / start * 100 if start else 0.0
    print(f"\nstart loss {start:.6f}   end loss {end:.6f}   change {change:+.2f}%")
    if args.save:
        model = Model(
            mlp,
            problem.raw_input_names,
            problem.target_names,
            problem.input_scaler,
            problem.target_scaler,
            problem.derived,
            spec,
            settings,
            trainer.epoch,
        )
        save_model(args.save, model)
        print(f"saved {args.save}")
    if diverged:
        print(f"mlpviz: error: {diverged}", file=sys.stderr)
        return 1
    return 0


def predict(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    values = []
    for text in args.values:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"{text!r} is not a finite number")
        values.append(value)
    y = model.predict(np.array(values))
    for name, v in zip(model.target_names, y):
        print(f"{name} = {v:.6g}")
    return 0
