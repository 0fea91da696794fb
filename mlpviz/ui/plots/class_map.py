"""Colours of the class map: every grid point in its winning class's colour,
with the winner's probability as the intensity.

A point the network is sure of (probability 1) has a strong tint of the
class's colour, one where every class is as likely (1/K) a faint one — never
white, so the winning class can always be read off the map — and the data's
points, in the full colours, stand out on either.
"""

from __future__ import annotations

import html

import numpy as np

from mlpviz.ui.style import theme

FAINTEST = 0.12  # share of the winner's colour (the rest white) at probability 1/K
STRONGEST = 0.62  # and at probability 1


def palette(n: int) -> np.ndarray:
    """(n, 3) RGB of the first ``n`` classes, as floats in [0, 255]."""
    colours = [theme.class_colour(k, n) for k in range(n)]
    return np.array([[c.red(), c.green(), c.blue()] for c in colours], dtype=float).reshape(-1, 3)


def strength(probability: np.ndarray, n_classes: int) -> np.ndarray:
    """How much of the winner's colour a point gets: FAINTEST at 1/K, STRONGEST at 1."""
    chance = 1.0 / max(n_classes, 2)
    p = np.asarray(probability, dtype=float)
    t = np.clip((np.nan_to_num(p, nan=chance) - chance) / (1.0 - chance), 0.0, 1.0)
    return FAINTEST + (STRONGEST - FAINTEST) * t


def class_rgb(winner: np.ndarray, probability: np.ndarray, n_classes: int) -> np.ndarray:
    """(nx, ny, 3) uint8 image: the winner's colour mixed with white by :func:`strength`."""
    colours = palette(n_classes)[np.asarray(winner, dtype=np.intp)]
    s = strength(probability, n_classes)[..., None]
    return np.round(255.0 + (colours - 255.0) * s).astype(np.uint8)


def border_grids(probabilities: np.ndarray) -> list[np.ndarray]:
    """Per class that wins somewhere, its lead over the best other class.

    ``probabilities`` is (nx, ny, K); each returned grid's iso-line at 0 is
    that class's border, smooth where the winner changes (a 0/1 "is the
    winner" grid would draw it in steps).
    """
    p = np.asarray(probabilities, dtype=float)
    k = p.shape[-1]
    if k < 2:
        return []
    order = np.sort(p, axis=-1)
    best, second = order[..., -1], order[..., -2]
    out = []
    for c in range(k):
        pc = p[..., c]
        wins = pc >= best
        if wins.any() and not wins.all():
            out.append(np.where(wins, pc - second, pc - best))
    return out


def legend_html(classes: tuple[str, ...]) -> str:
    """The classes as coloured squares and names, for a rich-text label."""
    n = len(classes)
    parts = [
        f'<span style="color:{theme.class_colour(k, n).name()}">■</span>&nbsp;{html.escape(name)}'
        for k, name in enumerate(classes)
    ]
    return "&nbsp;&nbsp; ".join(parts)
