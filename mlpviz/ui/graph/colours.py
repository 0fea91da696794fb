"""Colours of the network graph: the pens, fills and badge colours built once
per architecture, recolouring edges, nodes and biases from each snapshot,
and the legend that explains what colour and width mean.

Looks are quantized (``LEVELS`` widths per sign, 64 fill steps), so a
snapshot only computes palette indices with NumPy and touches the items
whose index changed.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from mlpviz.ui.graph.items import NODE_PEN
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number

LEVELS = 32  # quantized widths; a pen is only replaced when its level changes
_GREY = QColor(theme.MUTED)


class GraphColoursMixin:
    """Palettes, per-snapshot recolouring and the legend of the graph view
    (a mixin of :class:`~mlpviz.ui.graph.view.NetworkGraphView`).

    Reads the view's latest snapshot (``_snap``) and ``edge_mode``; the
    legend is the view's ``_legend`` label.
    """

    def _build_palette(self) -> None:
        """Pens for (sign or grey) × LEVELS widths, built once: a snapshot only
        picks indices. Dense networks get thinner, more transparent pens so
        hundreds of crossing edges stay readable."""
        if self._dense:
            # Cosmetic pens of at most 1 px take the raster engine's fast
            # path (several times cheaper than wide strokes); magnitude
            # shows mostly as opacity.
            w_lo, w_hi, a_lo, a_hi = 0.4, 1.0, 35, 235
        else:
            # Wide antialiased strokes are costly and hide each other: the
            # more edges, the thinner the widest one.
            w_lo, a_lo, a_hi = 0.5, 90, 235
            w_hi = max(2.0, min(6.0, 6.0 * math.sqrt(60 / max(self._n_edges, 1))))
        self._palette: list[QPen] = []
        for base in (theme.POSITIVE, theme.NEGATIVE, _GREY):
            for level in range(LEVELS):
                t = level / (LEVELS - 1)
                color = QColor(base)
                color.setAlpha(round(a_lo + (a_hi - a_lo) * t))
                pen = QPen(color, w_lo + (w_hi - w_lo) * t)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setCosmetic(self._dense)
                self._palette.append(pen)
        # Node fills: the theme's white → teal ramp in 64 steps, plus NaN.
        self._fill_palette = [theme.activation_fill(k / 63) for k in range(64)]
        self._fill_palette.append(theme.activation_fill(math.nan))
        # Bias badges: (fill, border) for + and − in LEVELS steps, plus NaN.
        self._bias_palette = [
            (
                theme.diverging(sign * k / (LEVELS - 1), 1.0),
                theme.sign_color(sign) if k else NODE_PEN,
            )
            for sign in (1.0, -1.0)
            for k in range(LEVELS)
        ]
        self._bias_palette.append((theme.diverging(math.nan, 1.0), NODE_PEN))

    def _mode_values(self, index: np.ndarray) -> tuple[np.ndarray | None, bool]:
        """Values driving the edges (or biases) at ``index`` in the current
        mode, and whether they fell back to the parameters (drawn grey)."""
        snap = self._snap
        if snap is None:
            return None, True
        params = snap.params[index]
        if self.edge_mode == "weight":
            return params, False
        source = snap.gradient if self.edge_mode == "gradient" else snap.update
        # Before the first step there is no gradient and every Δ is 0: show
        # the parameters instead of an empty graph, greyed to say "no data".
        # Decided on the whole vector so edges and badges agree.
        if source is None or not np.any(source):
            return params, True
        return source[index], False

    def _update_edges(self) -> None:
        n = self._n_edges
        values, fallback = self._mode_values(self._w_index)
        if values is None:
            keys = np.full(n, 2 * LEVELS, dtype=np.int16)
            mags, vmax = None, 0.0
        else:
            mags = np.abs(values)
            finite = np.isfinite(mags)
            mags = np.where(finite, mags, 0.0)
            vmax = float(mags.max()) if n else 0.0
            levels = (
                np.rint(mags / vmax * (LEVELS - 1)).astype(np.int16)
                if vmax > 0
                else np.zeros(n, np.int16)
            )
            sign = np.where(values < 0, 1, 0).astype(np.int16)
            if fallback:
                sign[:] = 2
            sign[~finite] = 2
            keys = sign * LEVELS + levels
        self._vmax, self._fallback = vmax, fallback
        shown = self._edge_mask(mags, vmax)
        if self._dense:
            self._draw_bundle(shown, keys)  # one cached item draws them (graph_lod)
        else:
            # Only touch items whose look changed (plain ints: NumPy scalars
            # are slow to index lists with, and this loop runs per frame).
            edges, palette = self._edge_list, self._palette
            changed = np.flatnonzero(keys != self._edge_keys)
            for idx, key in zip(changed.tolist(), keys[changed].tolist()):
                edges[idx].setPen(palette[key])
        self._edge_keys = np.where(shown, keys, -1).astype(np.int16)
        self._edge_shown = shown

    def _update_nodes(self) -> None:
        snap = self._snap
        if snap is None:
            return
        top = len(self._fill_palette) - 2
        for layer, a in enumerate(snap.sample_activations):
            low, high = self._activation_range(layer, a)
            # Quantized fill levels in NumPy; the last palette entry is for NaN.
            with np.errstate(invalid="ignore"):
                t = np.clip((a - low) / (high - low), 0.0, 1.0)
            levels = np.where(np.isfinite(t), np.rint(t * top), top + 1).astype(int)
            show_text = self._lod_state.get(layer, (False, False))[1]
            for j, (level, value) in enumerate(zip(levels.tolist(), a.tolist())):
                node = self.node_items[(layer, j)]
                node.set_fill(self._fill_palette[level])
                if show_text:  # formatting 784 hidden strings per frame is wasted work
                    node.set_value(format_number(value, digits=2, style="compact"))

    def _activation_range(self, layer: int, a: np.ndarray) -> tuple[float, float]:
        """The fill range: the function's own range where it has one, else
        the layer's values (ReLU from 0, inputs and linear from min(0, min))."""
        name = "input" if layer == 0 else self._activations[layer - 1]
        if name in ("sigmoid", "softmax"):
            return 0.0, 1.0
        if name == "tanh":
            return -1.0, 1.0
        finite = a[np.isfinite(a)]
        high = float(finite.max()) if finite.size else 1.0
        low = 0.0 if name == "relu" or not finite.size else min(0.0, float(finite.min()))
        return low, max(high, low + 1e-9)

    def _update_biases(self) -> None:
        values, _fallback = self._mode_values(self._b_index)
        if values is None:
            return
        weights, _ = self._mode_values(self._w_index)
        # One scale with the edges, so a bias and a weight of equal size look alike.
        every = np.concatenate([np.abs(values), np.abs(weights)])
        every = every[np.isfinite(every)]
        scale = float(every.max()) if every.size and every.max() > 0 else 1.0
        mags = np.abs(values)
        with np.errstate(invalid="ignore"):
            levels = np.rint(np.clip(mags / scale, 0.0, 1.0) * (LEVELS - 1))
        # Palette index: sign × LEVELS + level, and the last entry for NaN/∞.
        index = np.where(values < 0, LEVELS, 0) + np.nan_to_num(levels).astype(int)
        index[~np.isfinite(values)] = 2 * LEVELS
        for bias, k in zip(self.bias_items.values(), index.tolist()):
            bias.set_fill(*self._bias_palette[k])

    # -- legend ----------------------------------------------------------------------

    def _update_legend(self) -> None:
        if not self._sizes or self._snap is None:
            self._legend.setVisible(False)
            return
        symbol = {"weight": "w", "gradient": "∂L/∂w", "update": "last Δw"}[self.edge_mode]
        pos, neg = theme.POSITIVE.name(), theme.NEGATIVE.name()
        if self._fallback and self.edge_mode != "weight":
            what = {"gradient": "no gradient yet", "update": "no step yet"}[self.edge_mode]
            text = f"<b style='color:#999'>▬</b> {what}, showing weights w"
        else:
            # One decimal: the legend is rich text, re-laid out whenever it
            # changes, and a finer maximum would change with every frame.
            text = (
                f"<b style='color:{pos}'>▬</b> {symbol} &gt; 0 &nbsp; "
                f"<b style='color:{neg}'>▬</b> {symbol} &lt; 0 &nbsp;·&nbsp; "
                f"width ∝ |{symbol}|, max {format_number(self._vmax, digits=1)}"
            )
        if self._dense:
            text += (
                f" &nbsp;·&nbsp; strongest {self.visible_edge_count():,} of "
                f"{self._n_edges:,} weights drawn (zoom in for more)"
            )
        if text != self._legend_text:
            self._legend_text = text
            self._legend.setText(text)
            self._legend.adjustSize()
            self._place_legend()
        self._legend.setVisible(True)

    def _place_legend(self) -> None:
        self._legend.move(10, self.viewport().height() - self._legend.height() - 8)
