"""Regenerate the README's screenshots in docs/img/ (offscreen, a few minutes).

    python docs/screenshots.py              # every shot
    python docs/screenshots.py maps digits  # some of them

Each shot builds a fresh main window on a scratch settings file (the user's
own settings and autosave are never touched), trains it, and saves
``window.grab()``. The event loop runs as in the app (``QEventLoop.exec``),
so deferred deletions happen and the picture is what a user would see.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings

from mlpviz.bench.event_loop import app, run_loop
from mlpviz.data import load_example
from mlpviz.data.problem import prepare
from mlpviz.engine.settings import NetworkSpec, TrainingSettings

OUT = Path(__file__).resolve().parent / "img"
SHOTS: dict[str, Callable[[Path], None]] = {}


def shot(fn: Callable[[Path], None]) -> Callable[[Path], None]:
    SHOTS[fn.__name__] = fn
    return fn


def window(problem=None, spec=None, settings=None, size=(1360, 860)):
    from mlpviz.ui.shell.main_window import MainWindow

    scratch = Path(tempfile.mkdtemp(prefix="mlpviz-shots-"))
    store = QSettings(str(scratch / "shots.ini"), QSettings.Format.IniFormat)
    w = MainWindow(problem, spec, settings, settings_store=store)
    w.session_actions.autosave_path = scratch / "autosave.mlpviz"
    w.session_actions.ask = lambda: "discard"
    w.resize(*size)
    w.show()
    run_loop(20_000, lambda: w.session.latest is not None)
    return w


def train(w, epochs: int, timeout_s: float = 300) -> None:
    start = w.session.latest.epoch
    w.session.run(epochs)
    run_loop(
        int(timeout_s * 1000),
        lambda: w.session.latest.epoch >= start + epochs and not w.session.latest.running,
    )
    run_loop(600)  # the last frame drawn


def save(w, path: Path) -> None:
    w.grab().save(str(path))
    print(f"{path.name}: epoch {w.session.latest.epoch:,}")


def close(w) -> None:
    w.close()
    run_loop(200)


def example(name: str, scaling: str = "-1,1", **kw):
    ex = load_example(name)
    return prepare(
        ex.dataset, ex.inputs, ex.targets, scaling, task=ex.prepare_task, name=ex.name, **kw
    )


@shot
def tutorial(out: Path) -> None:
    """The tutorial's 2-3-1 network after 2,000 epochs, at 1280×720."""
    w = window(size=(1280, 720))
    train(w, 2000)
    save(w, out / "tutorial-1280x720.png")
    close(w)


@shot
def maps(out: Path) -> None:
    """Neuron maps on the spiral, 2×8 tanh."""
    spec = NetworkSpec(hidden=(8, 8), hidden_activations=("tanh",), init="xavier")
    settings = TrainingSettings(learning_rate=0.03, optimizer="adam", batch_size=16)
    w = window(example("spiral"), spec, settings, size=(1500, 900))
    w.menus.maps_action.setChecked(True)
    w.show_neuron_map((2, 3))
    train(w, 300)
    save(w, out / "maps-during.png")
    train(w, 3000)
    save(w, out / "maps-after.png")
    close(w)


@shot
def digits(out: Path) -> None:
    """Weight pictures: digits, 64-16-10, 300 epochs."""
    spec = NetworkSpec((16,), ("tanh",), "softmax", "cross-entropy", "xavier", 0)
    settings = TrainingSettings(
        learning_rate=0.01, batch_size=32, optimizer="adam", shuffle=True, l2=1e-3
    )
    w = window(example("digits", "0,1", test_fraction=0.2), spec, settings)
    w.pictures_dock.raise_()
    train(w, 300)
    save(w, out / "digits-weight-pictures.png")
    close(w)


@shot
def classes(out: Path) -> None:
    """Three classes: blobs, softmax, the confusion matrix and the class map."""
    spec = NetworkSpec((8,), ("tanh",), "softmax", "cross-entropy", "xavier", 0)
    settings = TrainingSettings(learning_rate=0.01, batch_size=16, optimizer="adam", shuffle=True)
    w = window(example("blobs-3", test_fraction=0.25), spec, settings)
    w.confusion_dock.raise_()
    w.surfaces.setCurrentWidget(w.output_plot)
    train(w, 200)
    save(w, out / "classes-confusion.png")
    close(w)


@shot
def hidden(out: Path) -> None:
    """Hidden space: the spiral untangled by an 8,2 tanh network."""
    ex = load_example("spiral", noise=0.02)
    problem = prepare(
        ex.dataset, ex.inputs, ex.targets, "-1,1", task="classification", name=ex.name
    )
    spec = NetworkSpec((8, 2), ("tanh",), "softmax", "cross-entropy", "xavier", 0)
    settings = TrainingSettings(learning_rate=0.01, batch_size=8, optimizer="adam", shuffle=True)
    w = window(problem, spec, settings, size=(1500, 900))
    w.hidden_dock.show()
    w.hidden_dock.raise_()
    w.surfaces.setCurrentWidget(w.output_plot)
    run_loop(500)
    w.hidden_plot.layer_combo.setCurrentIndex(1)
    w.hidden_plot.layer_combo.activated.emit(1)
    train(w, 3000)
    save(w, out / "hidden-space-spiral.png")
    close(w)


@shot
def preset(out: Path) -> None:
    """A teacher preset open, its steps in the side panel, the network locked."""
    from mlpviz.ui.shell.preset_actions import builtin_presets

    w = window()
    folder = Path(tempfile.mkdtemp(prefix="mlpviz-preset-"))
    name, text = next((n, t) for n, t in builtin_presets().items() if "diverg" in n)
    (folder / name).write_text(text, encoding="utf-8")
    w.presets.open_file(folder / name)
    run_loop(1500)
    save(w, out / "preset.png")
    close(w)


@shot
def runs(out: Path) -> None:
    """Two runs from the same starting weights: η 0.1, then η 1.0, overlaid."""
    w = window()
    w.runs_dock.show()
    w.runs_dock.raise_()
    train(w, 300)
    w.settings_panel.set_values(w.session.spec, TrainingSettings(learning_rate=1.0))
    w.runs_panel.restart_action.trigger()
    run_loop(5000, lambda: len(w.session.runs) == 1 and w.session.latest.epoch == 0)
    train(w, 300)
    save(w, out / "runs-compared.png")
    close(w)


@shot
def playground(out: Path) -> None:
    """The optimizer playground: Adam's internals on the contour."""
    w = window()
    w.open_playground()
    pg_window = w.playground
    pg_window.resize(1320, 860)
    run_loop(1500)
    for _ in range(8):
        pg_window.step()
        run_loop(100)
    pg_window.substep()
    pg_window.substep()
    run_loop(500)
    pg_window.grab().save(str(out / "playground-internals.png"))
    print("playground-internals.png")
    pg_window.close()
    close(w)


@shot
def line(out: Path) -> None:
    """The line slice from the initial to the current weights (moons, 2-8-1)."""
    spec = NetworkSpec((8,), ("tanh",), init="xavier")
    settings = TrainingSettings(learning_rate=0.05, batch_size=16, optimizer="adam", shuffle=True)
    w = window(example("moons"), spec, settings)
    w.surfaces.setCurrentWidget(w.line_plot)
    train(w, 300)
    save(w, out / "line-slice.png")
    close(w)


@shot
def pca(out: Path) -> None:
    """The whole path on its PCA plane, and how far the path lies off it (moons, 2-8-1)."""
    spec = NetworkSpec((8,), ("tanh",), init="xavier")
    settings = TrainingSettings(learning_rate=0.05, batch_size=16, optimizer="adam", shuffle=True)
    w = window(example("moons"), spec, settings)
    w.surfaces.setCurrentWidget(w.pca_plot)
    train(w, 300)
    w.surface_dock.grab().save(str(out / "pca-residual.png"))
    print("pca-residual.png")
    close(w)


@shot
def quiz(out: Path) -> None:
    """Quiz me in the step-through: a question before the step."""
    w = window()
    w.step_dock.show()
    w.step_dock.raise_()
    run_loop(500)
    w.step_through.quiz_button.setChecked(True)
    run_loop(1000)
    w.step_through.widget.grab().save(str(out / "quiz.png"))
    print("quiz.png")
    close(w)


def main(names: list[str]) -> None:
    app()
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names or list(SHOTS):
        if name not in SHOTS:
            raise SystemExit(f"no shot {name!r}; the shots are {', '.join(SHOTS)}")
        SHOTS[name](OUT)


if __name__ == "__main__":
    main(sys.argv[1:])
