"""Scale benchmark (d): a long run through the window — memory and autosave stalls.

The tutorial's network trains in the window (in its training process) with
autosave every second, for 10⁶ and then 10⁷ epochs. Measured:

- resident memory of the app and its training process at each checkpoint,
  as growth per 10⁶ epochs after the first checkpoint — against what the
  per-epoch loss lists and curve arrays would add if they were unbounded;
- the longest GUI stall (10 ms probe timer) over the run, and over the
  autosaves alone — against the idle window's longest stall.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from mlpviz.bench.event_loop import LatenessProbe, app, run_loop

# What one epoch cost when every loss stayed: three Python float lists
# (train, penalty, test: 8-byte slot + 24-byte float each) in the app's
# trainer, and two float64 curve arrays with their min/max pyramid in the plot.
UNBOUNDED_BYTES_PER_EPOCH = 3 * 32 + 2 * 8 * 5 / 3


def rss_bytes(pid: int | str = "self") -> int:
    """Resident memory of process ``pid`` (0 if it is gone or unreadable)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _children_rss() -> int:
    """The app's child processes (its training process), from /proc."""
    me, total = os.getpid(), 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid …": comm may hold spaces, so split after ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == me:
            total += rss_bytes(entry.name)
    return total


def bench_long_run(checkpoints: tuple[int, ...], idle_seconds: float = 2.0) -> dict:
    """Train the tutorial's network past each epoch count in ``checkpoints``."""
    from PySide6.QtCore import QSettings

    from mlpviz.ui.shell.app import settle_heap
    from mlpviz.ui.shell.main_window import MainWindow

    app()
    out: dict = {"checkpoints": []}
    with tempfile.TemporaryDirectory() as tmp:
        store = QSettings(str(Path(tmp) / "bench.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings_store=store)
        actions = window.session_actions
        actions.autosave_path = Path(tmp) / "autosave.mlpviz"
        actions.ask = lambda: "discard"
        actions.autosave_timer.setInterval(1000)
        window.resize(1360, 860)
        window.show()
        settle_heap()
        run_loop(10_000, lambda: window.session.latest is not None)
        run_loop(500)
        probe = LatenessProbe()
        try:
            probe.start()
            run_loop(int(idle_seconds * 1000))
            out["idle_max_ms"] = max(probe.stop()["max_ms"], 0.01)

            written = []
            actions.autosaved.connect(lambda _path: written.append(time.perf_counter()))
            stalls: list[tuple[float, float]] = []  # (time, lateness) of every tick
            probe.on_tick = lambda late: stalls.append((time.perf_counter(), late))
            probe.start()
            window.session.run()
            start = time.perf_counter()
            seen = 0  # stalls before this segment
            for target in checkpoints:
                run_loop(3_600_000, lambda t=target: window.session.latest.epoch >= t, 200)
                segment, seen = stalls[seen:], len(stalls)
                gc.collect()
                out["checkpoints"].append(
                    {
                        "autosave_max_ms": _after_saves(segment, written) * 1000,
                        "epoch": window.session.latest.epoch,
                        "seconds": time.perf_counter() - start,
                        "app_rss": rss_bytes(),
                        "process_rss": _children_rss(),
                        "autosave_bytes": _size(actions.autosave_path),
                    }
                )
            window.session.pause()
            run_loop(5000, lambda: not window.session.running)
            probe.stop()
            out["run_max_ms"] = max((late for _, late in stalls), default=0.0) * 1000
            out["autosave_max_ms"] = _after_saves(stalls, written) * 1000
            out["autosaves"] = len(written)
        finally:
            window.close()
            gc.unfreeze()
    first, last = out["checkpoints"][0], out["checkpoints"][-1]
    span = max(last["epoch"] - first["epoch"], 1)
    grown = (last["app_rss"] + last["process_rss"]) - (first["app_rss"] + first["process_rss"])
    out["growth_per_million"] = grown / span * 1e6
    out["unbounded_per_million"] = UNBOUNDED_BYTES_PER_EPOCH * 1e6
    return out


def _after_saves(stalls: list[tuple[float, float]], written: list[float]) -> float:
    """The longest stall in the 100 ms after any autosave was written (a
    save's stall shows on the first tick after it)."""
    ends = np.sort(np.array(written))
    worst = 0.0
    for t, late in stalls:
        i = int(np.searchsorted(ends, t, side="right")) - 1
        if i >= 0 and t - ends[i] <= 0.1:
            worst = max(worst, late)
    return worst


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def print_long_run(r: dict) -> None:
    print("(d) a long run in the window: tutorial 2-3-1, autosave every second")
    for c in r["checkpoints"]:
        print(
            f"  epoch {c['epoch']:>12,}  after {c['seconds']:6.1f} s"
            f"   app {c['app_rss'] / 1e6:6.1f} MB"
            f"   training process {c['process_rss'] / 1e6:5.1f} MB"
            f"   autosave {c['autosave_bytes'] / 1e6:5.2f} MB"
            f"   longest autosave stall since the last line {c['autosave_max_ms']:5.1f} ms"
        )
    g, u = r["growth_per_million"], r["unbounded_per_million"]
    print(
        f"  memory growth per 10⁶ epochs  {g / 1e6:+6.2f} MB  vs {u / 1e6:.1f} MB if the loss"
        f" record were unbounded ({g / u:+.1%})"
    )
    idle = r["idle_max_ms"]
    print(
        f"  longest GUI stall  idle {idle:6.1f} ms (baseline)   whole run {r['run_max_ms']:6.1f} ms"
        f" ({r['run_max_ms'] / idle:.1f}×)   at the {r['autosaves']} autosaves"
        f" {r['autosave_max_ms']:6.1f} ms ({r['autosave_max_ms'] / idle:.1f}×)"
    )
