"""The 8×8 handwritten digits shipped with mlpviz.

The UCI "Optical Recognition of Handwritten Digits" data (Alpaydin & Kaynak,
CC BY 4.0), the 1,797-row test part as scikit-learn bundles it: each row is
an 8×8 image, row-major, of ink counts 0–16, and the digit it shows.

The file ``resources/digits.csv.gz`` beside this module is a gzipped CSV
(header ``I0,…,I63,digit``) read through :mod:`importlib.resources`, so it
loads from an installed package as well as from a source tree.
"""

from __future__ import annotations

import gzip
import io
from functools import lru_cache
from importlib import resources

import numpy as np

RESOURCE = "resources/digits.csv.gz"
SIDE = 8  # each image is SIDE × SIDE pixels
N_PIXELS = SIDE * SIDE
ATTRIBUTION = 'UCI "Optical Recognition of Handwritten Digits" (E. Alpaydin, C. Kaynak), CC BY 4.0'


@lru_cache(maxsize=1)
def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """(pixels (1797, 64) float64 in 0–16, digits (1797,) int64), both read-only.

    Read once per process; the arrays are shared, hence read-only.

    Raises ValueError naming the resource when its table is not 64 pixel
    columns and a digit column of whole numbers.
    """
    data = resources.files("mlpviz.data").joinpath(RESOURCE).read_bytes()
    text = gzip.decompress(data).decode("ascii")
    header, _, body = text.partition("\n")
    columns = header.strip().split(",")
    if columns != [*(f"I{j}" for j in range(N_PIXELS)), "digit"]:
        raise ValueError(f"{RESOURCE}, line 1: expected I0…I63,digit, got {header[:60]!r}…")
    table = np.loadtxt(io.StringIO(body), delimiter=",", dtype=np.int64, ndmin=2)
    if table.shape[1] != N_PIXELS + 1:
        raise ValueError(f"{RESOURCE}: {table.shape[1]} columns, expected {N_PIXELS + 1}")
    pixels = table[:, :N_PIXELS].astype(np.float64)
    digits = table[:, N_PIXELS].copy()
    pixels.flags.writeable = False
    digits.flags.writeable = False
    return pixels, digits
