"""One broken case file takes away only the lessons that use it: the moderator still takes
the pack's other lessons, sees the broken one greyed with its problems, and opens the
Problems view; the lead still sees the broken lesson's history by name."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from calibrate.app import build_context
from calibrate.core.lead.compute import case_clauses_of, compute_dashboard
from calibrate.core.lead.labels import Labels
from calibrate.core.lessons.loader import load_library
from calibrate.core.models import AnswerDraft
from calibrate.gui.main_window import MainWindow
from calibrate.store import answers, catalog, sessions
from calibrate.store.db import open_database
from calibrate.store.queries import dispute_rows, load_answers, roster
from tests.gui_driver import create_profile_by_keys
from tests.pack_factory import write_pack

LESSON_PLAN = {"basics": ("c1", "c2"), "more": ("c3",)}


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    write_pack(folder, "alpha", case_ids=("c1", "c2", "c3"), lessons_of=LESSON_PLAN)
    return folder


def break_case_c1(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    case.write_text(case.read_text().replace('severity = "medium"', "severity = medium"))


def finish_basics(db_path: Path, lessons: Path) -> None:
    """Ana takes lesson "basics" to the end while c1 is still valid."""
    [pack] = load_library([lessons]).packs
    db = open_database(db_path)
    profile = catalog.create_profile(db, "Ana", team="EU", site="Lisbon")
    catalog.record_pack_version(db, pack)
    session_id = sessions.start_session(db, profile, pack, "basics", "first_attempt")
    for case_id in ("c1", "c2"):
        answers.record_answer(
            db,
            session_id=session_id,
            session_kind="first_attempt",
            profile=profile,
            pack=pack,
            lesson_id="basics",
            case=pack.cases[case_id],
            draft=AnswerDraft("remove", "GR-1", 0.8, ""),
            shown_at="2026-11-25T10:00:00.000Z",
            time_to_answer_ms=4000,
            watched_ms=3000,
        )
    sessions.finish_session(db, session_id)
    db.conn.close()


def test_the_lead_still_sees_a_finished_lesson_that_is_now_broken(
    tmp_path: Path, lessons: Path
) -> None:
    finish_basics(tmp_path / "db.sqlite3", lessons)
    break_case_c1(lessons)
    packs = load_library([lessons]).packs
    assert [x.lesson.id for x in packs[0].unavailable] == ["basics"]
    assert Labels.of_packs(packs).lesson("alpha", "basics") == "Basics"
    db = open_database(tmp_path / "db.sqlite3")
    table = load_answers(db, packs=packs)
    dashboard = compute_dashboard(
        table, roster(db), dispute_rows(db), case_clauses=case_clauses_of(packs)
    )
    db.conn.close()
    rows = {
        (r.lesson, r.lesson_title, r.taken, r.sessions)
        for r in dashboard.completion.entries
        if r.name == "Ana"
    }
    assert ("basics", "Basics", True, 1) in rows
    assert len(table) == 2  # both answers of the broken lesson still count


def open_app(qtbot, tmp_path: Path, lessons: Path) -> MainWindow:
    args = argparse.Namespace(
        db=tmp_path / "db.sqlite3", lessons=[lessons], no_bundled=True, verbose=False
    )
    window = MainWindow(build_context(args, tmp_path / "log.txt"))
    qtbot.addWidget(window)
    window.show()
    return window


def lesson_rows(window: MainWindow) -> dict[str, object]:
    pack_item = window.lesson_list.tree.topLevelItem(0)
    return {pack_item.child(i).text(0): pack_item.child(i) for i in range(pack_item.childCount())}


def test_a_broken_lesson_is_greyed_with_its_problems_and_the_others_open(
    qtbot, tmp_path: Path, lessons: Path
) -> None:
    break_case_c1(lessons)
    window = open_app(qtbot, tmp_path, lessons)
    create_profile_by_keys(qtbot, window, "Lee")
    screen = window.lesson_list
    rows = lesson_rows(window)
    assert set(rows) == {"Basics", "More"}
    broken = rows["Basics"]
    assert broken.text(3) == "Unavailable: 1 problem"
    assert "c1.toml:4: TOML syntax error" in broken.toolTip(0)
    assert broken.foreground(0).color().name() != rows["More"].foreground(0).color().name()
    screen.tree.setCurrentItem(broken)
    assert not screen.start_button.isEnabled()
    assert "c1.toml:4: TOML syntax error" in screen.description.text()
    screen.tree.setFocus()
    qtbot.keyClick(screen.tree, Qt.Key.Key_Return)  # Enter on it opens the Problems view
    qtbot.waitUntil(
        lambda: (
            getattr(screen, "problems_dialog", None) is not None
            and screen.problems_dialog.isVisible()
        )
    )
    report = screen.problems_dialog.text.toPlainText()
    assert "Test pack alpha · Basics: 1 problem" in report
    assert "c1.toml:4: TOML syntax error" in report
    screen.problems_dialog.copy_button.click()
    assert "c1.toml:4: TOML syntax error" in QApplication.clipboard().text()
    screen.problems_dialog.close()
    screen.tree.setCurrentItem(rows["More"])
    assert screen.start_button.isEnabled()
    screen.start_button.click()
    qtbot.waitUntil(lambda: window.lesson is not None)
    assert window.lesson.flow.case_ids == ("c3",)
    window.close()


def test_the_status_bar_opens_the_problems_view(qtbot, tmp_path: Path, lessons: Path) -> None:
    break_case_c1(lessons)
    window = open_app(qtbot, tmp_path, lessons)
    button = window.findChild(type(window.lesson_list.start_button), "statusProblemsButton")
    assert button is not None and button.isVisible()
    assert button.text() == "⚠ 1 lesson problem…"
    button.click()
    qtbot.waitUntil(lambda: window.problems_dialog.isVisible())
    assert "1 lesson unavailable until fixed" in window.problems_dialog.summary.text()
    window.close()


def test_a_broken_golden_answer_is_located_but_never_quoted_to_moderators(
    qtbot, tmp_path: Path, lessons: Path
) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    text = case.read_text()
    case.write_text(text.replace('decision = "remove"', 'decision = "removex"', 1))
    window = open_app(qtbot, tmp_path, lessons)
    create_profile_by_keys(qtbot, window, "Lee")
    screen = window.lesson_list
    broken = lesson_rows(window)["Basics"]
    screen.tree.setCurrentItem(broken)
    screen.show_problems()
    qtbot.waitUntil(lambda: screen.problems_dialog.isVisible())
    shown = [
        broken.toolTip(0),
        screen.description.text(),
        screen.problems_dialog.text.toPlainText(),
    ]
    for text in shown:
        assert "c1.toml" in text and "golden.decision" in text  # where, for the trainer
        assert "removex" not in text and "remove" not in text.replace("(details hidden", "")
    screen.problems_dialog.close()
    window.close()


def test_the_problems_view_names_files_within_their_lessons_folder_and_fits(
    qtbot, tmp_path: Path
) -> None:
    """Deep absolute paths ran off the right edge; each line now names its file from its
    lessons folder (the folder said once), long lines wrap, and Copy all keeps full paths."""
    lessons = tmp_path / "a-rather-long-folder-name" / "and-another-one-below-it" / "lessons"
    lessons.mkdir(parents=True)
    write_pack(lessons, "alpha", case_ids=("c1", "c2", "c3"), lessons_of=LESSON_PLAN)
    break_case_c1(lessons)
    window = open_app(qtbot, tmp_path, lessons)
    window.resize(1000, 700)
    window.show_lesson_problems()
    dialog = window.problems_dialog
    qtbot.waitUntil(dialog.isVisible)
    shown = dialog.text.toPlainText()
    assert "\nalpha/cases/c1.toml:4: TOML syntax error" in shown
    assert str(lessons / "alpha") not in shown and str(lessons) in dialog.folders.text()
    text = dialog.text
    assert text.horizontalScrollBar().maximum() == 0  # nothing runs off the right edge
    dialog.copy_button.click()
    assert f"{lessons / 'alpha' / 'cases' / 'c1.toml'}:4: TOML syntax error" in (
        QApplication.clipboard().text()
    )
    window.close()
