"""GUI benchmark: the app training the tutorial network continuously.

Prints three figures, each against a baseline measured in the same run:
- the GUI thread's event-loop lateness (p50/p99), from a 10 ms probe timer;
- how often the views refresh per second;
- training speed with the window shown, as a fraction of the engine's
  headless speed measured just before.
"""

from __future__ import annotations

import os
import time

import numpy as np


def headless_epochs_per_second(seconds: float) -> float:
    from ..engine.settings import NetworkSpec, TrainingSettings
    from .main_window import tutorial_problem

    p = tutorial_problem()
    mlp = NetworkSpec().build(2, 1)
    trainer = TrainingSettings().make_trainer(mlp, p.X_train, p.Z_train)
    n, t0 = 1, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        trainer.run(n)
        n = min(n * 2, 4096)
    return trainer.epoch / (time.perf_counter() - t0)


def measure_window(seconds: float) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    store = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "mlpviz-bench", "bench")
    window = MainWindow(settings_store=store)
    window.resize(1360, 860)
    window.show()
    lateness: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(10)
    state = {"last": 0.0, "frames0": 0, "epoch0": 0, "t0": 0.0}

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e9
        if state["last"]:
            lateness.append(max(0.0, now - state["last"] - 0.010))
        state["last"] = now

    def start() -> None:
        snap = window.session.latest
        state["frames0"] = window.session.frames
        state["epoch0"] = snap.epoch if snap else 0
        state["t0"] = time.perf_counter()
        clock.start()
        probe.start()
        QTimer.singleShot(int(seconds * 1000), app.quit)

    probe.timeout.connect(tick)
    window.session.run()
    QTimer.singleShot(1000, start)  # let the first frames and the run settle
    app.exec()
    probe.stop()
    elapsed = time.perf_counter() - state["t0"]
    snap = window.session.latest
    frames = window.session.frames - state["frames0"]
    epochs = (snap.epoch if snap else 0) - state["epoch0"]
    window.close()
    lat = np.array(lateness) * 1000
    return {
        "lateness_p50_ms": float(np.percentile(lat, 50)) if lat.size else float("nan"),
        "lateness_p99_ms": float(np.percentile(lat, 99)) if lat.size else float("nan"),
        "refresh_hz": frames / elapsed,
        "epochs_s": epochs / elapsed,
    }


def main(quick: bool = False) -> dict:
    seconds = 3.0 if quick else 8.0
    headless = headless_epochs_per_second(seconds)
    gui = measure_window(seconds)
    ratio = gui["epochs_s"] / headless
    print("desktop app training the tutorial network continuously, window shown")
    print(f"  GUI event-loop lateness   p50 {gui['lateness_p50_ms']:.1f} ms   p99 {gui['lateness_p99_ms']:.1f} ms   (target p99 ≤ 50 ms)")
    print(f"  view refreshes            {gui['refresh_hz']:.1f} per second   (target ≥ 20)")
    print(f"  training speed            {gui['epochs_s']:,.0f} epochs/s vs {headless:,.0f} headless = {ratio:.0%}   (target ≥ 70 %)")
    return {**gui, "headless_epochs_s": headless, "speed_ratio": ratio}
