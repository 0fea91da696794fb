"""The app's icon is drawn in code, so an installed wheel has it too."""

from PySide6.QtGui import QColor

from mlpviz.ui.shell.app_icon import SIZES, app_icon, icon_pixmap
from mlpviz.ui.style import theme


def _colours(size: int) -> set[tuple[int, int, int]]:
    image = icon_pixmap(size).toImage()
    return {QColor(image.pixel(x, y)).getRgb()[:3] for x in range(size) for y in range(size)}


def test_the_icon_has_every_size_a_desktop_asks_for(qapp):
    icon = app_icon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == sorted(SIZES)


def test_the_icon_shows_nodes_and_edges_of_both_signs(qapp):
    seen = _colours(64)
    for colour in (theme.ACCENT, theme.POSITIVE, theme.NEGATIVE):
        assert colour.getRgb()[:3] in seen, colour.name()
    # The corners stay transparent (a rounded tile, not a square).
    assert icon_pixmap(64).toImage().pixelColor(0, 0).alpha() == 0


def test_the_smallest_icon_still_shows_its_edges(qapp):
    # At 16 px thin strokes would blend into the tile: some pixel must be
    # close to the edge colour.
    image = icon_pixmap(16).toImage()
    blue = theme.POSITIVE.getRgb()[:3]

    def distance(c: QColor) -> int:
        return sum(abs(a - b) for a, b in zip(c.getRgb()[:3], blue))

    assert min(distance(image.pixelColor(x, y)) for x in range(16) for y in range(16)) < 150
