"""The engine must import without Qt: it runs headless and in plain scripts."""

import json
import subprocess
import sys
import textwrap

QT = {"PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"}

SCRIPT = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import mlpviz.engine
    names = ["mlpviz.engine"]
    for info in pkgutil.walk_packages(mlpviz.engine.__path__, "mlpviz.engine."):
        importlib.import_module(info.name)
        names.append(info.name)
    print(json.dumps({
        "imported": names,
        "top": sorted({m.split(".")[0] for m in sys.modules}),
    }))
    """
)


def test_engine_imports_without_qt():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # Every submodule was really imported (so the check below means something).
    for name in ("mlp", "trainer", "kernels.fastpath", "optimizers", "history", "schedules"):
        assert f"mlpviz.engine.{name}" in report["imported"]
    assert "numpy" in report["top"]
    assert not QT & set(report["top"]), f"Qt imported by the engine: {QT & set(report['top'])}"
