"""A trainer makes a pack in the app, never touching TOML: a pack, a lesson, two guidance
slides and two cases through the real editors (a cue and a moment set at paused frames of a
real clip, checked against the frame strip the clip draws); the files validate, the lesson
plays in the moderator's screens, and its preview records nothing.

Real widgets, a real SQLite file, real libVLC on a real demo clip."""

# ruff: noqa: F811 - the fixtures imported from player_fixtures are parameters by name

from __future__ import annotations

import sqlite3

from player_fixtures import vlc_instance  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit
from test_demo_media import strip_number

from calibrate.core.lessons.loader import validate_path
from calibrate.core.session import Step
from tests.editor_driver import (
    DEMO_CLIP,
    Answers,
    check_item,
    press_ctrl,
    retype,
    step_to_frame,
)
from tests.gui_driver import answer_current_case_by_keys, create_profile_by_keys, press
from tests.trainer_driver import (
    make_window,
    no_saved_folders,  # noqa: F401 - autouse: no lessons folder saved in settings
    open_unlocked,
    wait_reloaded,
)


def _dump(db_path) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return list(conn.iterdump())


def _new_pack(qtbot, window, answers):
    area = open_unlocked(qtbot, window)
    answers.lines.extend(["threats", "Threats 101"])
    area.new_pack_button.click()
    screen = area.editor
    assert window.stack.currentWidget() is screen
    page = screen.pack_page
    retype(qtbot, page.fields["policy"], "Threats & violent speech")
    retype(qtbot, page.fields["policy_version"], "2026.4")
    clauses = page.clauses
    for clause_id, title in (("TH-1", "Threats of harm"), ("TH-2", "Credible threats")):
        qtbot.keyClicks(clauses.new_id, clause_id)
        qtbot.keyClicks(clauses.new_text, title)
        qtbot.keyClick(clauses.new_text, Qt.Key.Key_Return)
    page.clauses.choose("threats-1")
    page.clauses.remove.click()  # the placeholder clause the new pack came with
    page.fields["title"].setFocus()
    press_ctrl(qtbot, window, Qt.Key.Key_S)
    assert page.status.text() == "Saved pack.toml.", page.problems.general.text()
    return area, screen


def _slides(qtbot, window, screen, answers) -> None:
    answers.lines.extend(["02-credible.md", "Credible threats"])
    screen.findChild(type(screen.preview_button), "newSlideButton").click()
    slide = screen.slide_page
    assert slide.name == "02-credible.md"
    source = slide.editor.source
    source.moveCursor(source.textCursor().MoveOperation.End)
    qtbot.keyClick(source, Qt.Key.Key_Return)
    qtbot.keyClicks(source, "## th-2")
    popup = source.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Return)  # the only match: TH-2
    qtbot.keyClicks(source, " - A time, a place or a means")
    qtbot.waitUntil(lambda: " TH-2 " in slide.editor.preview.toPlainText())
    press_ctrl(qtbot, window, Qt.Key.Key_S)
    assert slide.status.text() == "Saved 02-credible.md."
    text = (screen.pack.folder / "guidance" / "02-credible.md").read_text(encoding="utf-8")
    assert "## TH-2 - A time, a place or a means" in text


def _case(qtbot, window, screen, answers, case_id: str, decision: str, clause: str):
    answers.lines.extend([case_id, f"Case {case_id}"])
    qtbot.keyClick(screen.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = screen.case_page
    form = page.form
    assert form.case_id.text() == case_id
    assert not page.save_button.isEnabled()  # no clip, golden answer or rationale yet
    assert "required" in form.problems.at("golden").lower()
    assert page.choose_video(DEMO_CLIP)
    qtbot.keyClicks(form.context["caption"], "friday. you'll see")
    form.decision.setCurrentIndex(form.decision.findData(decision))
    check_item(form.clauses, clause)
    check_item(form.warnings, "violence")
    form.rationale.source.setFocus()
    qtbot.keyClicks(form.rationale.source, f"A threat with a time: **{clause}**.")
    return page


def type_into_cell(qtbot, table, text: str) -> None:
    """Type into the cell editor the page opened (the keyboard is there), then Enter."""
    table.window().activateWindow()  # offscreen: a closed popup does not give it back
    qtbot.waitUntil(lambda: table.window().isActiveWindow())
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and table.isAncestorOf(editor)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop.
    qtbot.waitUntil(lambda: table.state() is not QAbstractItemView.State.EditingState)


def _cue_and_moment(qtbot, page) -> tuple[int, int, int]:
    """A cue at frame 13, a moment from frame 13 to frame 30: the strip's numbers."""
    marking = page.player
    cue_frame = step_to_frame(qtbot, marking, 13, strip_number)
    marking.cue_button.click()
    type_into_cell(qtbot, page.cues.table, "He names the day")
    assert page.editor.cues()[0].text == "He names the day"
    marking.start_button.click()
    end_frame = step_to_frame(qtbot, marking, 30, strip_number)
    marking.end_button.click()
    type_into_cell(qtbot, page.moments.table, "The threat")
    return cue_frame, cue_frame, end_frame


def test_a_trainer_makes_a_pack_that_validates_and_plays(
    qtbot, tmp_path, monkeypatch, vlc_instance
) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    window = make_window(qtbot, tmp_path, [lessons])
    answers = Answers(monkeypatch)
    area, screen = _new_pack(qtbot, window, answers)
    _slides(qtbot, window, screen, answers)
    assert screen.pack.slide_names() == ["01-guidance.md", "02-credible.md"]

    page = _case(qtbot, window, screen, answers, "th-cafe", "escalate", "TH-2")
    cue, start, end = _cue_and_moment(qtbot, page)
    assert (cue, end) == (13, 30)
    assert [p for p in page.editor.check() if not p.is_warning] == []
    qtbot.waitUntil(lambda: page.save_button.isEnabled(), timeout=3000)
    page.form.title.setFocus()
    press_ctrl(qtbot, window, Qt.Key.Key_S)
    assert page.status.text() == "Saved th-cafe.toml.", page.form.problems.general.text()
    text = (screen.pack.folder / "cases" / "th-cafe.toml").read_text(encoding="utf-8")
    assert 'at = "0:00.52"' in text  # frame 13 at 25 fps, as the strip showed
    assert 'start = "0:00.52"' in text and 'end = "0:01.2"' in text
    page = _case(qtbot, window, screen, answers, "th-rant", "remove", "TH-1")
    assert [p for p in page.editor.check() if not p.is_warning] == []
    qtbot.waitUntil(lambda: page.save_button.isEnabled(), timeout=3000)
    page.save_button.click()
    assert screen.pack.case_ids() == ["th-cafe", "th-rant"]

    screen.show_part("lesson", "lesson-1")
    lesson_page = screen.lesson_page
    lesson_page.slides.add("02-credible.md")
    for case_id in ("th-cafe", "th-rant"):
        lesson_page.cases.add(case_id)
    lesson_page.title.setFocus()
    press_ctrl(qtbot, window, Qt.Key.Key_S)
    assert lesson_page.status.text() == "Saved pack.toml."
    assert [p for p in validate_path(screen.pack.folder) if not p.is_warning] == []

    # "Take this lesson as a moderator": the real screens, nothing recorded.
    before = _dump(window.context.db_path)
    screen.preview_button.click()
    preview = area.preview
    assert window.stack.currentWidget() is preview
    _take_lesson(qtbot, window, preview.lesson)
    preview.lesson.summary.done_requested.emit()
    assert window.stack.currentWidget() is screen
    assert _dump(window.context.db_path) == before

    # The lesson as moderators get it, after the lessons are read again.
    screen.leave()
    wait_reloaded(qtbot, window)
    window.show_screen(window.home)
    create_profile_by_keys(qtbot, window, "Ana")
    window.open_lesson("threats", "lesson-1")
    _take_lesson(qtbot, window, window.lesson)
    with sqlite3.connect(window.context.db_path) as conn:
        rows = conn.execute("SELECT case_id, decision FROM answers ORDER BY answered_at").fetchall()
    assert rows == [("th-cafe", "escalate"), ("th-rant", "remove")]


def _take_lesson(qtbot, window, lesson) -> None:
    from types import SimpleNamespace

    driven = SimpleNamespace(lesson=lesson)
    assert [s for s in lesson.lesson.guidance] == ["01-guidance.md", "02-credible.md"]
    for _ in lesson.lesson.guidance:
        press(qtbot, window, Qt.Key.Key_Return)
    for case_id, decision, clause in (
        ("th-cafe", "escalate", "TH-2"),
        ("th-rant", "remove", "TH-1"),
    ):
        assert lesson.flow.current_case_id == case_id
        answer_current_case_by_keys(qtbot, driven, decision, clause)
        press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lesson.flow.step is Step.SUMMARY)
