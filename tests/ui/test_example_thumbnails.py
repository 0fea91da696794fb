"""File › Examples: every example has a thumbnail drawn from its data."""

import numpy as np
from PySide6.QtWidgets import QMenu, QStyle

from mlpviz.data import EXAMPLES, load_example
from mlpviz.ui.files.example_thumbnails import ICON_SIZE, SIZE, add_thumbnails, thumbnail
from mlpviz.ui.style import theme


def colours(image) -> set[tuple[int, int, int]]:
    w, h = image.width(), image.height()
    return {rgb(image.pixelColor(x, y)) for x in range(w) for y in range(h)}


def rgb(c):
    return (c.red(), c.green(), c.blue())


def test_every_example_has_a_thumbnail_drawn_once(qapp):
    for name in EXAMPLES:
        image = thumbnail(name)
        assert not image.isNull() and (image.width(), image.height()) == (SIZE, SIZE), name
        assert len(colours(image)) > 3, name  # more than background and frame
        assert thumbnail(name) is image  # cached


def test_class_thumbnails_show_each_class_colour(qapp):
    two = colours(thumbnail("gaussians"))
    assert rgb(theme.POSITIVE) in two and rgb(theme.NEGATIVE) in two
    three = colours(thumbnail("blobs-3"))
    assert {rgb(theme.SERIES[k]) for k in range(3)} <= three
    assert rgb(theme.SERIES[3]) not in three  # three classes, three colours


def test_digits_thumbnail_is_digit_images(qapp):
    image = thumbnail("digits")
    grey = [c for c in colours(image) if c[0] == c[1] == c[2]]
    assert len(grey) == len(colours(image))  # ink on paper: greys only
    ex = load_example("digits")
    first_one = ex.X[int(np.flatnonzero(ex.Z[:, 0] == 1)[0])].reshape(8, 8)
    # Top-left cell: the first "1", each of its pixels a square of 40/3 px from (4, 4).
    cell = (SIZE - 8) / 3 / 8
    for r in range(8):
        for c in range(8):
            px = image.pixelColor(int(4 + (c + 0.5) * cell), int(4 + (r + 0.5) * cell))
            assert px.red() == 255 - round(first_one[r, c] * 255 / 16), (r, c)


def test_the_menu_gets_large_icons_and_descriptions_when_it_opens(qtbot):
    menu = QMenu()
    qtbot.addWidget(menu)
    for name in EXAMPLES:
        menu.addAction(name)
    add_thumbnails(menu)
    assert all(a.icon().isNull() for a in menu.actions())  # drawn when first opened
    menu.aboutToShow.emit()
    assert all(not a.icon().isNull() for a in menu.actions())
    assert menu.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) == ICON_SIZE
    digits = next(a for a in menu.actions() if a.text() == "digits")
    assert digits.toolTip() == load_example("digits").description


def test_file_examples_digits_opens_a_ten_class_problem(window, qtbot):
    entry = next(a for a in window.menus.examples_menu.actions() if a.text() == "digits")
    entry.trigger()
    qtbot.waitUntil(lambda: window.session.latest.layer_sizes[-1] == 10)
    problem = window.session.problem
    assert problem.task == "classification" and problem.X.shape == (1797, 64)
    assert problem.target_names == tuple(str(d) for d in range(10))
    assert window.weight_pictures.shape == (8, 8)
