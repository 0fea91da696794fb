"""The started app takes its long-lived objects out of the garbage collector's full passes."""

import gc

from mlpviz.ui.shell.app import settle_heap


def test_settle_heap_freezes_what_is_alive_and_collection_goes_on():
    gc.unfreeze()
    try:
        settle_heap()
        frozen = gc.get_freeze_count()
        assert frozen > 1000  # the interpreter, NumPy, Qt's wrappers…
        # Objects made afterwards are still collected.
        cycle: list = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
