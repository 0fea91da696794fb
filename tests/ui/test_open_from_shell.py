"""`mlpviz FILE.csv`: the window opens with the file loaded and the roles guessed."""

from __future__ import annotations

import pytest

from mlpviz import cli
from mlpviz.data import DatasetError
from mlpviz.ui.shell import app
from mlpviz.ui.shell.app import guessed_problem, open_guessed
from mlpviz.ui.shell.main_window import MainWindow
from mlpviz.ui.training.loader_thread import running_tasks

FOUR_INPUTS = "a,b,c,d,kind\n" + "".join(
    f"{i % 7},{i % 5 * 0.5},{i % 3},{i * 0.1:.1f},{i % 2}\n" for i in range(40)
)


def make_window(qtbot, settings_store, path):
    """The window as ``app.run`` builds it for ``mlpviz PATH``."""
    window = MainWindow(settings_store=settings_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.session.latest is not None)
    task = open_guessed(window, path)
    qtbot.waitUntil(lambda: not task.is_running(), timeout=10000)
    return window, task


def test_a_csv_opens_with_the_last_column_as_target(qtbot, settings_store, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(FOUR_INPUTS)
    window, _ = make_window(qtbot, settings_store, path)
    qtbot.waitUntil(lambda: window.session.problem.target_columns == ("kind",), timeout=5000)
    problem = window.session.problem
    assert problem.raw_input_names == ("a", "b", "c", "d")
    assert problem.n_rows == 40
    # A small-integer last column is classes: one output node per class, named by label.
    assert problem.task == "classification" and problem.target_names == ("0", "1")
    qtbot.waitUntil(lambda: window.session.latest.layer_sizes[0] == 4, timeout=5000)
    assert window.session.latest.layer_sizes[-1] == 2
    assert window.banner.isHidden() or window.banner.kind != "error"
    assert window.data_files.recent_files()[0] == str(path)
    assert "mine" in window.windowTitle()
    assert running_tasks() == 0


def test_a_bad_file_keeps_the_tutorial_and_names_file_line_and_column(
    qtbot, settings_store, tmp_path
):
    path = tmp_path / "broken.csv"
    path.write_text("x,y,z\n1,2,3\n4,oops,6\n")
    window, _ = make_window(qtbot, settings_store, path)
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    text = window.banner.text.text()
    assert window.banner.kind == "error"
    assert "broken.csv" in text and "line 3" in text and "column 2" in text
    assert "tutorial" in text
    assert window.session.problem.raw_input_names == ("I0", "I1")
    assert window.data_files.recent_files() == []


def test_a_missing_file_says_so(qtbot, settings_store, tmp_path):
    path = tmp_path / "nowhere.csv"
    window, _ = make_window(qtbot, settings_store, path)
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    assert "nowhere.csv" in window.banner.text.text()
    assert window.session.problem.raw_input_names == ("I0", "I1")


def test_guessed_problem_uses_the_role_guess(tmp_path):
    path = tmp_path / "tutorial-names.csv"
    # The tutorial's names: Z-columns are targets wherever they stand.
    path.write_text("Z0,I0,I1\n0.1,1,2\n0.5,3,4\n0.9,5,7\n")
    problem = guessed_problem(path)
    assert problem.raw_input_names == ("I0", "I1")
    assert problem.target_names == ("Z0",)
    one = tmp_path / "one.csv"
    one.write_text("only\n1\n2\n")
    with pytest.raises(DatasetError, match=r"one\.csv"):
        guessed_problem(one)


# -- the command line ------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch):
    calls: list = []
    monkeypatch.setattr(app, "run", lambda path=None, argv=None: calls.append(path) or 0)
    return calls


def test_a_bare_file_argument_opens_the_window(opened):
    assert cli.main(["data.csv"]) == 0
    assert opened == ["data.csv"]
    assert cli.main([]) == 0
    assert opened == ["data.csv", None]


def test_two_files_are_refused(opened, capsys):
    assert cli.main(["a.csv", "b.csv"]) == cli.EXIT_USAGE
    assert opened == []
    assert "at most one CSV file" in capsys.readouterr().err


def test_gui_script_takes_the_file_too(opened, monkeypatch):
    monkeypatch.setattr("sys.argv", ["mlpviz-gui", "table.csv"])
    assert cli.gui_main() == 0
    assert opened == ["table.csv"]
