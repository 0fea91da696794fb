"""Weights as pictures: a tile's pixel is its weight through the tables' colour scale."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint

from mlpviz.engine.layout import ParamLayout
from mlpviz.ui.style import theme
from mlpviz.ui.training.snapshot import Snapshot
from mlpviz.ui.weights.weight_pictures import (
    WeightPictures,
    diverging_rgb,
    image_shape,
)


def snapshot(sizes, seed=0, scale=1.0) -> Snapshot:
    layout = ParamLayout.of(sizes)
    params = np.random.default_rng(seed).normal(0.0, scale, layout.size)
    z = np.zeros(1)
    return Snapshot(
        layer_sizes=tuple(sizes),
        activation_names=("tanh",) * (len(sizes) - 1),
        params=params,
        epoch=0,
        position=0,
        steps=0,
        n_rows=1,
        learning_rate=0.1,
        running=False,
        train_loss=None,
        test_loss=None,
        metric_name="accuracy",
        metric=None,
        gradient=None,
        update=np.zeros(layout.size),
        sample_index=0,
        sample_sums=(z,),
        sample_activations=(z, z),
        sample_deltas=(z,),
        sample_target=z,
    )


def qcolor_rgb(c):
    return (c.red(), c.green(), c.blue())


def test_vector_colours_equal_the_themes_scalar_colour_for_every_value():
    values = np.concatenate(
        [np.linspace(-3, 3, 601), [0.0, -0.0, 1e-300, np.inf, -np.inf, np.nan, 0.5, 1.5]]
    )
    rgb = diverging_rgb(values, 1.7)
    for v, px in zip(values, rgb):
        assert tuple(int(c) for c in px) == qcolor_rgb(theme.diverging(float(v), 1.7)), v
    flat = diverging_rgb(values, 0.0)  # no scale: all neutral, as the scalar colour
    assert (flat == np.array(qcolor_rgb(theme.NEUTRAL))).all()


@pytest.mark.parametrize(
    ("n", "width", "shape"),
    [(64, None, (8, 8)), (784, None, (28, 28)), (2, None, None), (1, None, None),
     (10, None, None), (10, 4, (3, 4)), (10, 99, (1, 10)), (12, 3, (4, 3))],
)  # fmt: skip
def test_image_shape(n, width, shape):
    assert image_shape(n, width) == shape


def test_square_inputs_make_one_tile_per_neuron_whose_pixels_are_its_weights(qtbot):
    view = WeightPictures()
    qtbot.addWidget(view)
    view.resize(600, 500)
    view.show()
    qtbot.waitExposed(view)
    view.set_architecture((16, 5, 3))
    assert view.image_box.isChecked() and view.shape == (4, 4)
    snap = snapshot((16, 5, 3), seed=1)
    view.update_snapshot(snap)
    W = ParamLayout.of((16, 5, 3)).weights(snap.params, 0)
    b = ParamLayout.of((16, 5, 3)).bias(snap.params, 0)
    # The weight table's scale for layer 1: its weights and biases.
    assert view.scale == theme.value_scale(np.concatenate([W.ravel(), b]))
    images = view.grid.images
    assert len(images) == 5 and all((im.width(), im.height()) == (4, 4) for im in images)
    frame = view.grid.grab().toImage()
    for j in range(5):
        rect = view.grid.tile_rect(j)
        px = rect.width() // 4
        assert px >= 2 and rect.height() == rect.width()
        for i in range(16):
            y, x = divmod(i, 4)
            want = qcolor_rgb(theme.diverging(float(W[j, i]), view.scale))
            assert qcolor_rgb(images[j].pixelColor(x, y)) == want
            # On screen: the middle of that pixel's square in tile j.
            centre = QPoint(rect.left() + x * px + px // 2, rect.top() + y * px + px // 2)
            assert qcolor_rgb(frame.pixelColor(centre)) == want, (j, i)
        assert view.grid.tile_at(rect.center()) == j
        assert view.grid.names[j].startswith(f"hidden 1 · node {j}\n")
    assert view.grid.tile_at(QPoint(1, 1)) == -1  # the gap around the tiles


def test_tiles_follow_each_snapshot(qtbot):
    view = WeightPictures()
    qtbot.addWidget(view)
    view.set_architecture((9, 2, 1))
    first, second = snapshot((9, 2, 1), seed=2), snapshot((9, 2, 1), seed=3, scale=5.0)
    view.update_snapshot(first)
    before = [view.grid.images[j].pixelColor(1, 1) for j in range(2)]
    view.update_snapshot(second)
    W = ParamLayout.of((9, 2, 1)).weights(second.params, 0)
    for j in range(2):
        got = view.grid.images[j].pixelColor(1, 1)
        assert qcolor_rgb(got) == qcolor_rgb(theme.diverging(float(W[j, 4]), view.scale))
    assert [qcolor_rgb(c) for c in before] != [
        qcolor_rgb(view.grid.images[j].pixelColor(1, 1)) for j in range(2)
    ]


def test_non_square_inputs_are_an_image_only_when_the_user_says_so(qtbot):
    view = WeightPictures()
    qtbot.addWidget(view)
    view.set_architecture((10, 3))  # no hidden layer: the tiles are the outputs'
    view.update_snapshot(snapshot((10, 3), seed=4))
    assert (
        view.shape is None
        and view.grid.images == []
        and "not taken as an image" in (view.grid.note)
    )
    view.image_box.setChecked(True)
    view.width_spin.setValue(4)
    assert view.shape == (3, 4)
    W = ParamLayout.of((10, 3)).weights(view._snapshot.params, 0)
    im = view.grid.images[2]
    assert (im.width(), im.height()) == (4, 3)
    assert qcolor_rgb(im.pixelColor(1, 2)) == qcolor_rgb(theme.diverging(W[2, 9], view.scale))
    # The two pixels past the tenth input are padding, not weights.
    assert qcolor_rgb(im.pixelColor(2, 2)) == qcolor_rgb(im.pixelColor(3, 2)) == (225,) * 3
    assert view.grid.names[2].startswith("output Z2")
    # A rebuild with the same inputs keeps the user's choice; new inputs decide afresh.
    view.set_architecture((10, 5, 3))
    assert view.shape == (3, 4)
    view.set_architecture((25, 5, 3))
    assert view.shape == (5, 5) and view.width_spin.value() == 5


def test_main_window_lists_weight_pictures_in_view_and_feeds_it(window, qtbot):
    from mlpviz.data import load_example
    from mlpviz.data.problem import prepare

    assert window.pictures_dock in window.docks
    assert window.pictures_dock.toggleViewAction() in window.menus.view_menu.actions()
    assert window.pictures_dock.windowTitle() == "Weight pictures"
    assert window.weight_pictures.shape is None  # the tutorial's two inputs
    ex = load_example("digits")
    problem = prepare(ex.dataset, ex.inputs, ex.targets, task=ex.prepare_task, name=ex.name)
    window.set_problem(problem)
    window.pictures_dock.show()
    window.pictures_dock.raise_()
    qtbot.waitUntil(lambda: window.session.latest.layer_sizes[0] == 64)
    # One tile per first-layer neuron (a classification gets the data's defaults).
    hidden = window.session.latest.layer_sizes[1]
    qtbot.waitUntil(lambda: len(window.weight_pictures.grid.images) == hidden)
    assert window.weight_pictures.shape == (8, 8)
    snap = window.session.latest
    W = snap.weights()[0]
    im = window.weight_pictures.grid.images[1]
    want = theme.diverging(float(W[1, 8 * 3 + 5]), window.weight_pictures.scale)
    assert qcolor_rgb(im.pixelColor(5, 3)) == qcolor_rgb(want)
