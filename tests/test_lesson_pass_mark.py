"""A lesson's own pass mark ([[lessons]] pass_mark, absent: the pack's): validated at its
line, deciding the lesson's pass/fail, edited through ws.authoring as one line and in the
editor's lesson page; a pack without any keeps the content hash its answers recorded."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from calibrate import paths
from calibrate.core.lessons.loader import load_pack, validate_path
from calibrate.core.models import Answer, Pack
from calibrate.core.summary import summarise
from calibrate.gui.screens.editor.lesson_page import LessonPage
from calibrate.store.db import open_database
from calibrate.store.queries import pack_infos
from tests.authoring_helpers import trainer_workspace
from tests.pack_factory import write_pack

TWO_LESSONS = {"basics": ("c1", "c2"), "advanced": ("c1", "c2")}


def two_lesson_pack(tmp_path: Path) -> Path:
    lessons = tmp_path / "lessons"
    lessons.mkdir(exist_ok=True)
    return write_pack(lessons, lessons_of=TWO_LESSONS)


def own_mark(folder: Path, mark: str) -> None:
    """Give the first lesson ("basics") `pass_mark = <mark>` under its cases line."""
    toml = folder / "pack.toml"
    text = toml.read_text()
    first = text.index('cases = ["c1", "c2"]') + len('cases = ["c1", "c2"]')
    toml.write_text(text[:first] + f"\npass_mark = {mark}" + text[first:])


def loaded(folder: Path) -> Pack:
    pack, problems = load_pack(folder)
    assert pack is not None and problems == []
    return pack


def line_of(folder: Path, text: str) -> int:
    lines = (folder / "pack.toml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(text))


def test_a_lessons_pass_mark_outside_0_to_1_is_refused_at_its_line(tmp_path: Path) -> None:
    folder = two_lesson_pack(tmp_path)
    own_mark(folder, "1.5")
    (problem,) = validate_path(folder)
    assert (problem.line, problem.key_path) == (
        line_of(folder, "pass_mark = 1.5"),
        "lessons[0].pass_mark",
    )
    # The same words as the pack's own pass mark gets.
    (folder / "pack.toml").write_text(
        (folder / "pack.toml")
        .read_text()
        .replace("pass_mark = 1.5", "pass_mark = 0.5")
        .replace("pass_mark = 0.8", "pass_mark = 1.5")
    )
    (pack_level,) = validate_path(folder)
    assert pack_level.key_path == "pass_mark" and pack_level.message == problem.message
    shutil.rmtree(folder)
    folder = two_lesson_pack(tmp_path)
    own_mark(folder, '"high"')
    assert {(p.line, p.key_path) for p in validate_path(folder)} >= {
        (line_of(folder, 'pass_mark = "high"'), "lessons[0].pass_mark")
    }


def test_packs_without_lesson_pass_marks_keep_their_content_hash(tmp_path: Path) -> None:
    """Answers record pack hashes: these are the hashes Calibrate computed before lessons
    could carry a pass mark (pinned)."""
    folder = two_lesson_pack(tmp_path)
    assert loaded(folder).content_hash == "29fc1f4c261b5337"
    bundled = paths.bundled_lessons_dir()
    assert bundled is not None
    copy = tmp_path / "bundled" / "lessons" / "harassment"
    shutil.copytree(bundled / "harassment", copy)
    shutil.copytree(
        bundled.parent / "assets" / "harassment", copy.parents[1] / "assets" / "harassment"
    )
    assert loaded(copy).content_hash == loaded(bundled / "harassment").content_hash
    assert loaded(bundled / "harassment").content_hash == "f7a72f04ac72cb27"
    own_mark(folder, "0.5")
    assert loaded(folder).content_hash != "29fc1f4c261b5337"  # a pass mark is the pack's data


def one_right_one_wrong(pack: Pack) -> list[Answer]:
    stamp = "2026-12-01T10:00:0{}.000Z"
    return [
        Answer(
            id=f"a{i}",
            session_id="s",
            profile_id="p",
            pack_id=pack.id,
            lesson_id="basics",
            case_id=case_id,
            case_hash="",
            pack_hash="",
            team="t",
            site="s",
            session_kind="first_attempt",
            decision=decision,
            clause="GR-1",
            confidence=0.8,
            note="",
            skipped=False,
            shown_at=stamp.format(i),
            answered_at=stamp.format(i + 1),
            time_to_answer_ms=1000,
            watched_ms=1000,
        )
        for i, (case_id, decision) in enumerate((("c1", "remove"), ("c2", "allow")))
    ]


def test_a_lesson_is_passed_by_its_own_mark_and_the_others_by_the_packs(tmp_path: Path) -> None:
    folder = two_lesson_pack(tmp_path)
    own_mark(folder, "0.5")
    pack = loaded(folder)
    basics, advanced = pack.lesson("basics"), pack.lesson("advanced")
    assert (pack.pass_mark_of(basics), pack.pass_mark_of(advanced)) == (0.5, 0.8)
    answers = one_right_one_wrong(pack)
    half = [summarise(answers, pack.cases, 2, pack.pass_mark_of(x)) for x in (basics, advanced)]
    assert [(s.score, s.passed) for s in half] == [(0.5, True), (0.5, False)]
    # The dashboard's completion judges each lesson by the same mark, the pack keeps its own.
    info = pack_infos(open_database(tmp_path / "db.sqlite3"), [pack])[pack.id]
    assert (info.pass_mark, info.pass_mark_of("basics"), info.pass_mark_of("advanced")) == (
        0.8,
        0.5,
        0.8,
    )


def test_editing_a_lessons_pass_mark_changes_exactly_one_line(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path)
    folder = write_pack(lessons, lessons_of=TWO_LESSONS)
    before = (folder / "pack.toml").read_text().splitlines()
    editor = ws.authoring.open_pack(folder)
    editor.edit_lesson("basics", pass_mark=0.6)
    editor.save()
    after = (folder / "pack.toml").read_text().splitlines()
    added = [line for line in after if line not in before]
    assert added == ["pass_mark = 0.6"] and len(after) == len(before) + 1
    assert after.index("pass_mark = 0.6") == before.index('cases = ["c1", "c2"]') + 1
    assert [x.pass_mark for x in editor.lessons()] == [0.6, None]
    editor.edit_lesson("basics", title="Basics again")  # other edits leave the mark alone
    assert editor.lessons()[0].pass_mark == 0.6
    editor.edit_lesson("basics", pass_mark=None, title="Basics")
    editor.save()
    assert (folder / "pack.toml").read_text().splitlines() == before
    assert loaded(folder).lesson("basics").pass_mark is None


def test_the_lesson_page_edits_the_pass_mark_blank_for_the_packs(qtbot, tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path)
    folder = write_pack(lessons, lessons_of=TWO_LESSONS)
    editor = ws.authoring.open_pack(folder)
    page = LessonPage()
    qtbot.addWidget(page)
    page.open_lesson(editor, "basics")
    field = page.pass_mark
    assert field.text() == "" and field.lineEdit().placeholderText() == "the pack's: 80 %"
    field.setFocus()
    qtbot.keyClicks(field.lineEdit(), "65")
    assert "pass_mark = 0.65" in editor.pack_text() and page.dirty
    field.lineEdit().selectAll()
    qtbot.keyClick(field.lineEdit(), Qt.Key.Key_Delete)
    assert "pass_mark = 0.65" not in editor.pack_text()
    assert field.share() is None
    # A mark written out of range by hand is shown as a problem at the field.
    editor.edit_lesson("basics", pass_mark=1.5)
    page.open_lesson(editor, "basics")
    assert page.problems.boxes["pass_mark"].has_problem
    assert not page.save_button.isEnabled()
