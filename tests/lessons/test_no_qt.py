"""mlpviz.lessons is pure: importing it must not pull in Qt."""

import subprocess
import sys

CHECK = (
    "import sys, mlpviz.lessons; "
    "bad=[m for m in sys.modules if m.split('.')[0] in "
    "('PySide6','pyqtgraph','shiboken6','PyQt5','PyQt6')]; "
    "assert not bad, bad; print('clean')"
)


def test_importing_mlpviz_lessons_loads_no_qt():
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "clean"
