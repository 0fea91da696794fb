"""The GUI and a GIL-bound training thread share one CPU during a run, and only then."""

from __future__ import annotations

import dataclasses
import os
import sys
import threading

from mlpviz.ui.training.shared_core import SharedCore, current_cpu

LINUX = sys.platform.startswith("linux")
ALLOWED = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
CAN_PIN = LINUX and ALLOWED is not None and len(ALLOWED) > 1


def _parked_threads(n: int):
    """``n`` threads that wait until told to end, and their native ids."""
    release, ids = threading.Event(), []
    ready = threading.Barrier(n + 1)

    def park() -> None:
        ids.append(threading.get_native_id())
        ready.wait()
        release.wait()

    threads = [threading.Thread(target=park) for _ in range(n)]
    for t in threads:
        t.start()
    ready.wait()
    return threads, ids, release


def test_current_cpu_is_one_this_thread_may_use():
    cpu = current_cpu()
    if LINUX:
        assert cpu in os.sched_getaffinity(0)
    else:
        assert cpu is None


def test_pin_puts_threads_on_the_callers_cpu_and_release_gives_theirs_back():
    threads, ids, release = _parked_threads(2)
    core = SharedCore()
    try:
        before = {tid: os.sched_getaffinity(tid) for tid in ids} if LINUX else {}
        pinned = core.pin(ids)
        assert pinned == CAN_PIN == core.pinned
        if CAN_PIN:
            masks = [os.sched_getaffinity(tid) for tid in ids]
            assert masks[0] == masks[1] and len(masks[0]) == 1
            assert core.pin(ids)  # a second pin while pinned changes nothing
            assert [os.sched_getaffinity(tid) for tid in ids] == masks
        core.release()
        assert not core.pinned
        if LINUX:
            assert {tid: os.sched_getaffinity(tid) for tid in ids} == before
    finally:
        core.release()
        release.set()
        for t in threads:
            t.join()


def test_release_after_a_pinned_thread_ended_is_harmless():
    threads, ids, release = _parked_threads(1)
    core = SharedCore()
    core.pin(ids)
    release.set()
    threads[0].join()
    core.release()  # the id is gone: nothing to give back, no error
    assert not core.pinned


def test_a_run_of_the_tutorial_net_in_the_worker_shares_the_gui_cpu_until_paused(window, qtbot):
    # As where the training process cannot start (see test_offload_run).
    window.session.worker.offload.enabled = False
    gui_mask = os.sched_getaffinity(0) if LINUX else None
    window.session.run()
    qtbot.waitUntil(lambda: window.session.running and window.session.frames > 2, timeout=10_000)
    if CAN_PIN:
        qtbot.waitUntil(lambda: len(os.sched_getaffinity(0)) == 1, timeout=5_000)
        assert window.session.worker._core.pinned
    else:
        assert not window.session.worker._core.pinned
    window.session.pause()
    qtbot.waitUntil(lambda: not window.session.running, timeout=10_000)
    qtbot.waitUntil(lambda: not window.session.worker._core.pinned, timeout=5_000)
    if LINUX:
        assert os.sched_getaffinity(0) == gui_mask


def test_numpy_training_keeps_a_cpu_of_its_own(window, qtbot):
    # Mini-batches train in NumPy, which releases the GIL: nothing is pinned.
    settings = dataclasses.replace(window.session.settings, batch_size=2)
    window.session.configure(settings=settings)
    window.session.run()
    start = window.session.frames
    qtbot.waitUntil(lambda: window.session.frames > start + 3, timeout=10_000)
    assert window.session.latest.running
    assert not window.session.worker._core.pinned
    if LINUX:
        assert os.sched_getaffinity(0) == ALLOWED
    window.session.pause()
    qtbot.waitUntil(lambda: not window.session.running, timeout=10_000)
