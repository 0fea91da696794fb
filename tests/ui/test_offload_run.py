"""A run of the tutorial net trains in the training process; the app sees exactly its epochs."""

from __future__ import annotations

import dataclasses

import numpy as np

from mlpviz.engine import Trainer


def local_trainer(session) -> Trainer:
    """The trainer the worker starts from, trained here instead."""
    p = session.problem
    mlp = session.spec.build(len(p.input_names), len(p.target_names))
    return session.settings.make_trainer(mlp, p.X_train, p.Z_train, p.X_test, p.Z_test)


def offloaded_reports(qtbot, session, n: int) -> None:
    worker = session.worker
    qtbot.waitUntil(lambda: worker.offload.reports >= n, timeout=30_000)


def pause(qtbot, session) -> None:
    session.pause()
    qtbot.waitUntil(lambda: not session.running and not session.latest.running, timeout=10_000)


def test_a_tutorial_run_trains_in_the_process_and_pauses_where_local_training_would(window, qtbot):
    session = window.session
    session.run()
    offloaded_reports(qtbot, session, 3)
    assert session.worker.offload.active
    assert not session.worker._core.pinned  # the process has a CPU of its own
    pause(qtbot, session)
    assert not session.worker.offload.active
    snap = session.latest
    assert snap.epoch > 0
    local = local_trainer(session)
    local.run(snap.epoch)
    assert snap.params.tobytes() == local.mlp.params.tobytes()
    assert snap.train_loss == local.loss_history[-1]
    # Every epoch's loss reached the app, in order.
    assert session.worker.trainer.loss_history == local.loss_history


def test_an_edit_during_an_offloaded_run_is_trained_on_from_there(window, qtbot):
    session = window.session
    seen = []
    session.worker.snapshotReady.connect(lambda s: seen.append(s))
    session.run()
    offloaded_reports(qtbot, session, 2)
    param = ("w", 0, 1, 0)
    index = session.worker.mlp.param_index(param)
    session.set_param(param, 0.123)
    qtbot.waitUntil(lambda: any(s.params[index] == 0.123 for s in seen), timeout=10_000)
    start = len(seen)
    offloaded_reports(qtbot, session, session.worker.offload.reports + 2)
    pause(qtbot, session)
    edited = next(s for s in seen if s.params[index] == 0.123)
    assert seen[-1].epoch > edited.epoch and len(seen) > start  # trained on after the edit
    # From the edited weights at that epoch, local training reaches the same end.
    local = local_trainer(session)
    local.mlp.set_params(edited.params)
    local.epoch = edited.epoch
    local.run(session.latest.epoch - edited.epoch)
    assert session.latest.params.tobytes() == local.mlp.params.tobytes()


def test_closing_the_window_mid_run_ends_the_training_process(window, qtbot):
    session = window.session
    session.run()
    offloaded_reports(qtbot, session, 1)
    process = session.worker.offload._process
    assert process is not None and process.poll() is None
    window.close()
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=5_000)
    assert np.isfinite(session.latest.train_loss)


def warm(qtbot, session) -> int:
    """Start the training process (a first run), pause; returns the epoch reached."""
    session.run()
    offloaded_reports(qtbot, session, 1)
    pause(qtbot, session)
    return session.latest.epoch


def test_run_n_epochs_in_the_process_ends_exactly_there(window, qtbot):
    session = window.session
    start = warm(qtbot, session)
    reports = session.worker.offload.reports
    progress = []
    session.runProgress.connect(lambda done, asked: progress.append((done, asked)))
    with qtbot.waitSignal(session.runStopped, timeout=30_000) as stopped:
        session.run(6000)
    assert "Finished 6000 epochs" in stopped.args[0]
    qtbot.waitUntil(lambda: session.latest.epoch == start + 6000, timeout=10_000)
    assert session.worker.trainer.epoch == start + 6000  # not one epoch more
    assert session.worker.offload.reports > reports  # it ran in the process
    assert progress[-1] == (6000, 6000)
    local = local_trainer(session)
    local.run(start + 6000)
    assert session.latest.params.tobytes() == local.mlp.params.tobytes()


def test_stop_conditions_hold_in_the_process(window, qtbot):
    session = window.session
    start = warm(qtbot, session)
    limit = start + 4000
    session.configure(settings=dataclasses.replace(session.settings, max_epochs=limit))
    with qtbot.waitSignal(session.runStopped, timeout=30_000) as stopped:
        session.run()
    assert f"epoch limit ({limit})" in stopped.args[0]
    # The stop's last snapshot may reach the views just after the signal.
    qtbot.waitUntil(lambda: session.latest.epoch == limit, timeout=10_000)
    assert session.worker.trainer.epoch == limit  # not one epoch more
    # A target loss: the run stops at the first chunk's end that reaches it.
    target = session.latest.train_loss * 0.9
    settings = dataclasses.replace(session.settings, max_epochs=None, target_loss=target)
    session.configure(settings=settings)
    with qtbot.waitSignal(session.runStopped, timeout=60_000) as stopped:
        session.run()
    assert "the loss reached" in stopped.args[0]
    assert session.worker.trainer.loss_history[-1] <= target
    qtbot.waitUntil(lambda: session.latest.train_loss <= target, timeout=10_000)
    assert session.latest.epoch == session.worker.trainer.epoch > limit


def test_an_adam_run_with_dropout_trains_in_the_process_too(window, qtbot):
    session = window.session
    settings = dataclasses.replace(session.settings, optimizer="adam", dropout=0.2, batch_size=2)
    session.configure(settings=settings)
    qtbot.waitUntil(lambda: session.worker.trainer.optimizer.name == "adam", timeout=10_000)
    session.run()
    offloaded_reports(qtbot, session, 3)
    pause(qtbot, session)
    worker = session.worker.trainer
    local = local_trainer(session)
    while local.steps < worker.steps:  # a recall may stop it mid-epoch
        local.step_batch()
    assert (local.epoch, local.position) == (worker.epoch, worker.position)
    assert session.latest.params.tobytes() == local.mlp.params.tobytes()
    assert worker.optimizer.state["m"].tobytes() == local.optimizer.state["m"].tobytes()


def test_a_dead_training_process_is_restarted_and_the_status_bar_says_so(window, qtbot):
    from mlpviz.engine.offload.process import MAX_RESTARTS

    session, notices = window.session, []
    session.notice.connect(notices.append)
    session.run()
    offload = session.worker.offload
    for death in range(1, MAX_RESTARTS + 2):
        qtbot.waitUntil(lambda: offload.active and offload._process is not None, timeout=30_000)
        offload._process.kill()
        qtbot.waitUntil(lambda death=death: len(notices) == death, timeout=30_000)
    assert notices[:-1] == ["The training process stopped; training goes on in a new one"] * (
        MAX_RESTARTS
    )
    assert notices[-1].startswith(f"The training process stopped {MAX_RESTARTS + 1} times")
    qtbot.waitUntil(lambda: "training goes on" in window.statusBar().currentMessage())
    # Training went on in the worker thread: epochs keep coming.
    epoch = session.latest.epoch
    qtbot.waitUntil(lambda: session.latest.epoch > epoch + 10, timeout=10_000)
    assert not session.worker.offload.available(session.worker.trainer)
    pause(qtbot, session)
