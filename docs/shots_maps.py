"""Screenshots of the neuron maps: the spiral with 2×8 tanh hidden nodes, the
graph drawn as maps, during and after training.

Run from the repository: ``python docs/shots_maps.py [out_dir]``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mlpviz.data import load_example  # noqa: E402
from mlpviz.data.problem import prepare  # noqa: E402
from mlpviz.engine.settings import NetworkSpec, TrainingSettings  # noqa: E402
from mlpviz.ui.shell.main_window import MainWindow  # noqa: E402


def pump(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.005)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    scratch = Path(tempfile.mkdtemp(prefix="mlpviz-shots-"))
    store = QSettings(str(scratch / "s.ini"), QSettings.Format.IniFormat)
    ex = load_example("spiral")
    problem = prepare(ex.dataset, ex.inputs, ex.targets, "-1,1", name=ex.name)
    spec = NetworkSpec(hidden=(8, 8), hidden_activations=("tanh",), init="xavier")
    settings = TrainingSettings(learning_rate=0.03, optimizer="adam", batch_size=16)
    w = MainWindow(problem, spec, settings, settings_store=store)
    w.session_actions.autosave_path = scratch / "autosave.mlpviz"
    w.session_actions.ask = lambda: "discard"
    w.resize(1500, 900)
    w.show()
    pump(1.0)
    w.menus.maps_action.setChecked(True)
    w.show_neuron_map((2, 3))
    pump(1.0)
    w.session.run()
    pump(2.0)
    w.grab().save(str(out / "maps-during.png"))
    pump(25.0)
    w.session.pause()
    pump(1.0)
    w.grab().save(str(out / "maps-after.png"))
    w.graph.grab().save(str(out / "maps-graph.png"))
    key = (1, 2)
    w.graph.maps.hover(key)
    pump(0.3)
    w.graph.grab().save(str(out / "maps-hover.png"))
    print("epoch", w.session.latest.epoch, "loss", w.session.latest.train_loss)
    w.close()
    app.processEvents()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shots"))
