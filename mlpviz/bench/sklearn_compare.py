"""``mlpviz bench --sklearn``: mlpviz with no flags beyond ``--targets`` against
scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` defaults on the same split.

For iris, wine, breast cancer, digits (accuracy) and diabetes (R²): the
dataset is split 75/25 (``random_state=0``), written as train and test CSV
files, and ``mlpviz train train.csv --targets T --test test.csv`` is run in
this process; scikit-learn fits the same training rows (standardised, which
only helps it) and scores the same test rows. scikit-learn is an optional,
benchmark-only dependency (the ``bench`` extra).
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import time
from pathlib import Path

_SCORE = re.compile(r"test loss \S+\s+(accuracy|R²) (-?[\d.]+)(%?)")

# name, loader, target column, task
DATASETS = (
    ("iris", "load_iris", "species", "classification"),
    ("wine", "load_wine", "target", "classification"),
    ("breast cancer", "load_breast_cancer", "target", "classification"),
    ("digits", "load_digits", "target", "classification"),
    ("diabetes", "load_diabetes", "target", "regression"),
)


def _frames(loader: str, target: str):
    from sklearn import datasets

    bunch = getattr(datasets, loader)(as_frame=True)
    frame = bunch.frame.copy()
    frame.columns = [str(c).replace(" (cm)", "").replace(" ", "_") for c in frame.columns]
    if target == "species":
        frame["species"] = [str(bunch.target_names[t]) for t in frame.pop("target")]
    return frame


def _mlpviz_score(train: Path, test: Path, target: str) -> tuple[float, float]:
    from mlpviz.cli import main

    out = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main(["train", str(train), "--targets", target, "--test", str(test)])
    seconds = time.perf_counter() - t0
    match = _SCORE.search(out.getvalue().splitlines()[-1]) if status == 0 else None
    if match is None:
        raise RuntimeError(f"mlpviz train failed on {train.name}:\n{out.getvalue()[-500:]}")
    value = float(match.group(2))
    return (value / 100 if match.group(3) else value), seconds


def _sklearn_score(train_frame, test_frame, target: str, task: str) -> tuple[float, float]:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = train_frame.drop(columns=target), train_frame[target]
    Xt, yt = test_frame.drop(columns=target), test_frame[target]
    net = (
        MLPClassifier(random_state=0) if task == "classification" else MLPRegressor(random_state=0)
    )
    model = make_pipeline(StandardScaler(), net)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return float(model.score(Xt, yt)), time.perf_counter() - t0


def bench_sklearn() -> list[dict] | None:
    """One row per dataset: scores and seconds of both; None without scikit-learn."""
    try:
        from sklearn.model_selection import train_test_split
    except ImportError:
        return None
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, loader, target, task in DATASETS:
            frame = _frames(loader, target)
            train, test = train_test_split(frame, test_size=0.25, random_state=0)
            train_csv, test_csv = (
                Path(tmp) / f"{loader}-train.csv",
                Path(tmp) / f"{loader}-test.csv",
            )
            train.to_csv(train_csv, index=False)
            test.to_csv(test_csv, index=False)
            ours, our_s = _mlpviz_score(train_csv, test_csv, target)
            theirs, their_s = _sklearn_score(train, test, target, task)
            rows.append(
                {
                    "dataset": name,
                    "metric": "accuracy" if task == "classification" else "R²",
                    "rows": len(frame),
                    "inputs": frame.shape[1] - 1,
                    "mlpviz": ours,
                    "mlpviz_s": our_s,
                    "sklearn": theirs,
                    "sklearn_s": their_s,
                }
            )
    return rows


def print_sklearn(rows: list[dict] | None) -> None:
    if rows is None:
        print("scikit-learn comparison: scikit-learn not installed (pip install 'mlpviz[bench]')")
        return
    print("mlpviz (no flags beyond --targets) vs scikit-learn MLP defaults, same 75/25 split:")
    print(
        f"  {'dataset':14s} {'metric':8s} {'rows':>5s} {'inputs':>6s} "
        f"{'mlpviz':>8s} {'time':>7s} {'sklearn':>8s} {'time':>7s} {'diff':>7s}"
    )
    for r in rows:
        pct = r["metric"] == "accuracy"

        def fmt(v: float, pct: bool = pct) -> str:
            return f"{v * 100:7.1f}%" if pct else f"{v:8.3f}"

        diff = (r["mlpviz"] - r["sklearn"]) * (100 if pct else 1)
        print(
            f"  {r['dataset']:14s} {r['metric']:8s} {r['rows']:5d} {r['inputs']:6d} "
            f"{fmt(r['mlpviz'])} {r['mlpviz_s']:6.1f}s {fmt(r['sklearn'])} "
            f"{r['sklearn_s']:6.1f}s {diff:+7.2f}"
        )
