"""The tutorials are named by their titles, and every reference stays inside the repository.

A user has never seen the files the tutorials arrived in, so no lesson text,
menu entry, message or README line may name them ("seeds/…") or point at a
file outside the repository; the lessons name the tutorial they follow by the
title in :mod:`mlpviz.lessons.tutorials`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from mlpviz.lessons.tutorials import DERIVATIVES, MLP_MATH, TRIAL_AND_ERROR
from mlpviz.ui.lessons.menu import build_lessons_menu
from mlpviz.ui.lessons.window import LESSONS, LessonsWindow

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Spelled in pieces so that this file does not match its own scan.
FORBIDDEN = ("seeds" + "/", "/work" + "/", "../" + "shared", "tutorial-notes" + ".md")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def outside_references(text: str, allow_notes_link: bool = False) -> list[str]:
    found = [word for word in FORBIDDEN[:3] if word in text]
    if not allow_notes_link and FORBIDDEN[3] in text:
        found.append(FORBIDDEN[3])
    return found


def test_the_titles_are_the_tutorials_own():
    # Each title is a heading of its tutorial, in the tutorial's capitalisation.
    assert DERIVATIVES.startswith("Understanding Derivatives") and "Gradient Descent" in DERIVATIVES
    assert TRIAL_AND_ERROR.endswith("Trial and Error?")
    assert MLP_MATH.startswith("The Math Behind Training MLP")
    assert len({DERIVATIVES, TRIAL_AND_ERROR, MLP_MATH}) == 3


@pytest.fixture
def window(qtbot):
    w = LessonsWindow(on_load=lambda *args: None)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.parametrize("index", range(len(LESSONS)))
def test_lesson_texts_name_the_tutorial_by_title_and_nothing_outside(window, qtbot, index):
    panel = window.show_lesson(index)
    title = MLP_MATH if type(panel).number in (2, 4) else DERIVATIVES
    assert title in panel.source
    assert title in panel.readout_text()  # the page itself says which tutorial it follows
    texts = [panel.source, window.chooser.item(index).toolTip()]
    for _ in range(2):  # the text as it opens and after steps (the notes grow with them)
        texts.append(panel.readout_text())
        with qtbot.waitSignal(panel.changed, timeout=2000):
            qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    texts.append(panel.readout_text())
    for text in texts:
        assert outside_references(text) == [], text[:200]


def test_menu_entries_name_the_tutorials_by_title(qtbot):
    host = QMainWindow()
    qtbot.addWidget(host)
    menu = build_lessons_menu(host)
    tips = [a.statusTip() for a in menu.actions() if not a.isSeparator()]
    assert len(tips) == len(LESSONS)
    for tip in tips:
        assert outside_references(tip) == []
        assert DERIVATIVES in tip or MLP_MATH in tip


def test_no_source_file_names_the_tutorials_files():
    # Comments, docstrings and messages alike: what a reader of the code sees.
    offenders = []
    for path in sorted((ROOT / "mlpviz").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        offenders += [(path.name, w) for w in outside_references(text, allow_notes_link=True)]
    assert offenders == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_docs_link_only_inside_the_repository(doc):
    text = doc.read_text(encoding="utf-8")
    assert outside_references(text, allow_notes_link=True) == []
    for target in MARKDOWN_LINK.findall(text):
        if target.startswith(("http://", "https://", "#")):
            continue
        resolved = (doc.parent / target.split("#")[0]).resolve()
        assert resolved.is_relative_to(ROOT), target
        assert resolved.exists(), target


def test_readme_links_the_tutorial_notes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/tutorial-notes.md)" in readme
    notes = (ROOT / "docs" / "tutorial-notes.md").read_text(encoding="utf-8")
    for title in (DERIVATIVES, TRIAL_AND_ERROR, MLP_MATH):
        assert title in notes
