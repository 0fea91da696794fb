"""Scale benchmark (a): GUI event-loop lateness while a big CSV loads in the
dataset dialog's loader thread, and while the session trains on its rows in
mini-batches of 64, against the idle window's lateness; and the window's
training speed against the engine's alone on the same rows."""

from __future__ import annotations

import gc
import tempfile
import time
from pathlib import Path

import numpy as np

from mlpviz.bench.event_loop import LatenessProbe, app, run_loop


def _write_csv(path: Path, rows: int) -> None:
    """A rows × 3 numeric CSV with a header (x, y → z), written in blocks."""
    rng = np.random.default_rng(0)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("x,y,z\n")
        done = 0
        while done < rows:
            n = min(100_000, rows - done)
            v = rng.uniform(-1.0, 1.0, (n, 3))
            v[:, 2] = np.sin(3 * v[:, 0]) * v[:, 1]  # something learnable
            f.write("\n".join(f"{a:.6f},{b:.6f},{c:.6f}" for a, b, c in v.tolist()))
            f.write("\n")
            done += n


def _headless_samples_s(window, problem, settings, seconds: float) -> float:
    """The engine alone on the same rows, network and settings: the speed baseline."""
    mlp = window.session.spec.build(len(problem.input_names), len(problem.target_names))
    trainer = settings.make_trainer(mlp, problem.X_train, problem.Z_train)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        trainer.step_batch()
        steps += 1
    return steps * settings.batch_size / (time.perf_counter() - start)


def bench_big_data(rows: int, seconds: float) -> dict:
    """Lateness idle, while loading ``rows`` rows, and while training on them."""
    from PySide6.QtCore import QSettings

    from mlpviz.data.problem import prepare
    from mlpviz.engine.settings import TrainingSettings
    from mlpviz.ui.shell.app import settle_heap
    from mlpviz.ui.shell.main_window import MainWindow

    app()
    out: dict = {"rows": rows}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"scale-{rows}.csv"
        _write_csv(path, rows)
        store = QSettings(str(Path(tmp) / "bench.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings_store=store)
        # Neither the user's settings nor their crash-recovery autosave are touched,
        # and a benchmark's run is not work to keep.
        window.session_actions.autosave_path = Path(tmp) / "autosave.mlpviz"
        window.session_actions.ask = lambda: "discard"
        window.resize(1360, 860)
        window.show()
        settle_heap()  # as the app does once its window is up
        run_loop(10_000, lambda: window.session.latest is not None)
        run_loop(500)  # first frames, docks laid out
        probe = LatenessProbe()
        try:
            probe.start()
            run_loop(int(seconds * 1000))
            out["idle"] = probe.stop()

            # Loading again until the probe has run for ``seconds``: a small file
            # loads in less time than a few probe ticks.
            dialog = window.data_files.open_dialog()
            loads, start = [], time.perf_counter()
            probe.start()
            while not loads or time.perf_counter() - start < seconds:
                t0 = time.perf_counter()
                dialog.load(str(path))
                run_loop(300_000, lambda: not dialog.is_busy)
                loads.append(time.perf_counter() - t0)
            out["loading"] = probe.stop()
            out["load_s"] = float(np.median(loads))
            out["loads"] = len(loads)
            dataset = dialog.dataset
            if dataset is None:
                raise RuntimeError(f"the benchmark CSV did not load: {dialog.message_text()}")
            dialog.reject()

            problem = prepare(dataset, ["x", "y"], ["z"], name=path.name)
            settings = TrainingSettings(batch_size=64)
            out["headless_samples_s"] = _headless_samples_s(window, problem, settings, seconds)
            window.session.configure(problem=problem, settings=settings)
            run_loop(30_000, lambda: window.session.latest.n_rows == rows)
            window.session.run()
            run_loop(500)  # the run and its frames settle
            steps0, t0 = window.session.latest.steps, time.perf_counter()
            probe.start()
            run_loop(int(seconds * 1000))
            out["training"] = probe.stop()
            elapsed = time.perf_counter() - t0
            out["train_samples_s"] = (window.session.latest.steps - steps0) * 64 / elapsed
            out["train_speed_ratio"] = out["train_samples_s"] / out["headless_samples_s"]
            window.session.pause()
            run_loop(5000, lambda: not window.session.running)
        finally:
            window.close()
            gc.unfreeze()  # leave a longer process (the tests) as it was
    return out
