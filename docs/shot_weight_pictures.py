"""Regenerate the "weight pictures" screenshot: the digits example, a 64-16-10
network trained a few hundred epochs, its first-layer weights as tiles.

    QT_QPA_PLATFORM=offscreen python docs/shot_weight_pictures.py OUT.png [EPOCHS]
"""

from __future__ import annotations

import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QSettings
from PySide6.QtWidgets import QApplication

from mlpviz.data import load_example
from mlpviz.data.problem import prepare
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.ui.shell.main_window import MainWindow


def main(out: str, epochs: int = 300) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    store = QSettings(os.path.join(tempfile.mkdtemp(), "shot.ini"), QSettings.Format.IniFormat)
    ex = load_example("digits")
    problem = prepare(
        ex.dataset, ex.inputs, ex.targets, "0,1", task=ex.prepare_task, test_fraction=0.2
    )
    spec = NetworkSpec((16,), ("tanh",), "softmax", "cross-entropy", "xavier", 0)
    settings = TrainingSettings(
        learning_rate=0.01, batch_size=32, optimizer="adam", shuffle=True, l2=1e-3
    )
    w = MainWindow(problem, spec, settings, settings_store=store)
    w.resize(1360, 860)
    w.show()
    w.pictures_dock.raise_()
    timer = QElapsedTimer()
    timer.start()
    while w.session.latest is None and timer.elapsed() < 20000:
        app.processEvents()
    w.session.run(epochs)
    while timer.elapsed() < 300000:
        app.processEvents()
        snap = w.session.latest
        if snap is not None and snap.epoch >= epochs and not snap.running:
            break
    for _ in range(20):
        app.processEvents()
    w.grab().save(out)
    snap = w.session.latest
    print(f"epoch {snap.epoch}, loss {snap.train_loss:.4f}, {snap.metric_name} {snap.metric:.3f}")
    w.session_actions.confirm_close = lambda: True
    w.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 300)
