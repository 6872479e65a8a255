"""The editor's rules as a trainer meets them on screen: each problem at its field (red border,
message under it), Save refused while a case has one but "Keep as draft" allowed, a clip
libVLC cannot decode refused with its reason, a decision with answers locked against rename
and removal with the reason shown, a golden change confirmed with the count of earlier
answers, bundled packs copied before editing, and a case opened from the dashboard.

Real widgets on a real SQLite file; answers recorded through ws.sessions."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton

from calibrate.gui.screens.editor.case_timeline import format_knows_mark_moment
from tests.authoring_helpers import record
from tests.editor_driver import Answers, press_ctrl, retype
from tests.pack_factory import write_pack
from tests.trainer_driver import (
    make_window,
    no_saved_folders,  # noqa: F401 - autouse: no lessons folder saved in settings
    open_unlocked,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
MEDIA = REPO_ROOT / "tests" / "media"


def _editor_on(qtbot, tmp_path, monkeypatch, pack_id: str = "alpha"):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_pack(lessons, pack_id)
    window = make_window(qtbot, tmp_path, [lessons])
    answers = Answers(monkeypatch)
    area = open_unlocked(qtbot, window)
    area.choose(pack_id, bundled=False)
    area.edit_button.click()
    assert window.stack.currentWidget() is area.editor
    return window, area.editor, answers, lessons / pack_id


def test_an_invalid_case_shows_its_problems_at_their_fields_and_keeps_as_a_draft(
    qtbot, tmp_path, monkeypatch
) -> None:
    window, screen, answers, folder = _editor_on(qtbot, tmp_path, monkeypatch)
    page = screen.show_part("case", "c1")
    saved = (folder / "cases" / "c1.toml").read_bytes()
    form = page.form
    assert page.save_button.isEnabled() and form.problems.at("title") == ""
    retype(qtbot, form.title, "")  # a case needs a title
    form.rationale.source.setFocus()
    form.rationale.source.selectAll()
    qtbot.keyClick(form.rationale.source, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not page.save_button.isEnabled())
    title_box = form.problems.boxes["title"]
    assert form.problems.at("title") == "line 2: must not be empty"
    assert "border: 2px solid #D55E00" in title_box.styleSheet()
    assert form.problems.at("rationale") and form.problems.at("golden") == ""
    assert "2 problems" in page.save_button.toolTip()
    press_ctrl(qtbot, window, Qt.Key.Key_S)  # refused: nothing written
    assert page.status.text().startswith("Not saved: 2 problems")
    assert (folder / "cases" / "c1.toml").read_bytes() == saved
    press_ctrl(qtbot, window, Qt.Key.Key_S, shift=True)  # Keep as draft
    draft = page.editor.draft_path()
    assert draft.is_file() and 'title = ""' in draft.read_text(encoding="utf-8")
    assert not draft.is_relative_to(tmp_path / "lessons")
    assert "c1" in screen.pack.draft_ids()
    retype(qtbot, form.title, "Fixed")  # the problem goes as it is fixed
    qtbot.waitUntil(lambda: form.problems.at("title") == "")
    assert "transparent" in title_box.styleSheet()


def test_a_clip_libvlc_cannot_decode_is_refused_at_the_video_field(
    qtbot, tmp_path, monkeypatch
) -> None:
    window, screen, answers, folder = _editor_on(qtbot, tmp_path, monkeypatch)
    page = screen.show_part("case", "c1")
    before = page.form.video.text()
    clips = sorted(screen.pack.assets.iterdir())
    assert not page.choose_video(MEDIA / "audio_only.mp4")
    message = page.form.problems.at("video")
    assert message.startswith("audio_only.mp4: ") and len(message) > 20
    assert page.form.video.text() == before
    assert page.editor.get(("video",)) == before  # nothing chosen, nothing copied
    assert sorted(screen.pack.assets.iterdir()) == clips


def test_a_decision_with_answers_is_locked_and_says_why(qtbot, tmp_path, monkeypatch) -> None:
    window, screen, answers, folder = _editor_on(qtbot, tmp_path, monkeypatch)
    record(window.context, "alpha", "c1", "remove")
    screen.show_part("pack", "")
    decisions = screen.pack_page.decisions
    decisions.refresh()
    decisions.choose("remove")
    assert not decisions.remove.isEnabled()
    assert "cannot be renamed or removed" in decisions.note.text()
    row = decisions.table.currentRow()
    assert "has answers" in decisions.table.item(row, 2).text()
    assert not decisions.table.item(row, 0).flags() & Qt.ItemFlag.ItemIsEditable
    decisions.table.item(row, 1).setText("Take down")  # its label can change
    assert [d.label for d in screen.pack.decisions() if d.id == "remove"] == ["Take down"]
    decisions.choose("allow")  # no answers: renamed with a double-click on its id
    assert decisions.remove.isEnabled() and decisions.note.text() == ""
    decisions.table.item(decisions.table.currentRow(), 0).setText("keep_up")
    assert "keep_up" in [d.id for d in screen.pack.decisions()]


def test_a_changed_golden_asks_first_with_the_count_of_earlier_answers(
    qtbot, tmp_path, monkeypatch
) -> None:
    window, screen, answers, folder = _editor_on(qtbot, tmp_path, monkeypatch)
    record(window.context, "alpha", "c1", "remove", who="Ana")
    record(window.context, "alpha", "c1", "allow", who="Ben")
    page = screen.show_part("case", "c1")
    form = page.form
    form.decision.setCurrentIndex(form.decision.findData("age_restricted"))
    qtbot.waitUntil(page.save_button.isEnabled)
    saved = (folder / "cases" / "c1.toml").read_text(encoding="utf-8")
    answers.confirms.append(False)
    assert not page.save()
    assert (
        "2 recorded answers of this case were given against the earlier golden"
        in (answers.shown[-1])
    )
    assert (folder / "cases" / "c1.toml").read_text(encoding="utf-8") == saved
    answers.confirms.append(True)
    assert page.save()
    assert 'decision = "age_restricted"' in (folder / "cases" / "c1.toml").read_text("utf-8")


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_a_bundled_pack_is_copied_into_the_trainers_folder_before_editing(
    qtbot, tmp_path, monkeypatch
) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    window = make_window(qtbot, tmp_path, [lessons])
    answers = Answers(monkeypatch)
    area = open_unlocked(qtbot, window)
    bundled = REPO_ROOT / "lessons" / "harassment"
    before = _tree_digest(bundled)
    area.choose("harassment", bundled=True)
    answers.confirms.append(False)  # "Copy the bundled pack?" No: nothing happens
    area.edit_button.click()
    assert area.editor is None and not (lessons / "harassment").exists()
    assert "is bundled with Calibrate and read-only" in answers.shown[-1]
    area.edit_button.click()  # Yes
    screen = area.editor
    assert screen.pack.folder == lessons / "harassment"
    assert (tmp_path / "assets" / "harassment" / "hb-cafe-threat.mp4").is_file()
    page = screen.show_part("case", "hb-cafe-threat")
    retype(qtbot, page.form.title, "Edited in my copy")
    page.form.title.setFocus()
    press_ctrl(qtbot, window, Qt.Key.Key_S)
    assert "Edited in my copy" in (lessons / "harassment/cases/hb-cafe-threat.toml").read_text(
        "utf-8"
    )
    assert _tree_digest(bundled) == before  # the app never writes into the bundled folder


def test_a_case_from_the_dashboard_opens_in_the_case_editor(qtbot, tmp_path, monkeypatch) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_pack(lessons, "alpha")
    window = make_window(qtbot, tmp_path, [lessons])
    Answers(monkeypatch)
    asked: list[str] = []
    monkeypatch.setattr(window, "_unlocked", lambda role, screen: asked.append(role) or True)
    window.open_case_in_editor("alpha", "c2", "<b>Split</b> — 3 of 5 chose allow")
    assert asked == ["trainer"]  # the trainer's passcode, not the lead's
    screen = window.trainer.editor
    assert window.stack.currentWidget() is screen
    assert screen.pages.currentWidget() is screen.case_page
    assert screen.case_page.form.case_id.text() == "c2"
    assert "3 of 5 chose allow" in screen.case_page.room.text()
    assert screen.case_page.room.isVisible()


def test_f1_lists_the_editors_keys() -> None:
    from calibrate.gui.main_window import SHORTCUTS

    keys = dict(SHORTCUTS)
    assert "save" in keys["Ctrl+S (editor)"] and "draft" in keys["Ctrl+Shift+S (editor)"]
    assert "cue" in keys["Ctrl+K (case editor)"]
    assert "nothing is recorded" in keys["Ctrl+Shift+P (editor)"]


@pytest.mark.skipif(
    not format_knows_mark_moment(), reason="the case format has no mark_moment yet (s7/moments)"
)
def test_where_does_it_show_is_set_in_the_case_editor(qtbot, tmp_path, monkeypatch) -> None:
    window, screen, answers, folder = _editor_on(qtbot, tmp_path, monkeypatch)
    page = screen.show_part("case", "c1")
    question = page.question
    assert question is not None and not question.tolerance.isEnabled()
    question.ask.setChecked(True)
    question.tolerance.setValue(1.5)
    qtbot.waitUntil(page.save_button.isEnabled)
    assert page.save()
    text = (folder / "cases" / "c1.toml").read_text(encoding="utf-8")
    assert "mark_moment = true" in text and "moment_tolerance = 1.5" in text


def test_esc_leaves_a_field_first_then_the_editor(qtbot, tmp_path, monkeypatch) -> None:
    window, screen, answers, folder = _editor_on(qtbot, tmp_path, monkeypatch)
    page = screen.show_part("case", "c1")
    page.form.title.setFocus()
    qtbot.keyClick(page.form.title, Qt.Key.Key_Escape)
    assert screen.nav.hasFocus() and window.stack.currentWidget() is screen
    qtbot.keyClick(screen.nav, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.trainer


def test_the_dashboards_case_detail_offers_the_editor(qtbot, app_window) -> None:
    from calibrate.core.lead.sections.items import ItemRow
    from calibrate.gui.screens.dashboard.case_detail import CaseDetailDialog

    pack = app_window.context.pack("harassment")
    item = ItemRow(
        "harassment", "hb-cafe-threat", "escalate", 5, 0.4, None, None, 4, "remove", 0.5, True,
        (("remove", 3), ("escalate", 2)), 1,
    )  # fmt: skip
    dialog = CaseDetailDialog(item, pack, (), app_window)
    qtbot.addWidget(dialog)
    try:
        button = dialog.findChild(QPushButton, "openInEditorButton")
        assert not dialog.wants_editor and not button.isHidden()
        button.click()
        assert dialog.wants_editor and dialog.result() == QDialog.DialogCode.Accepted
        assert "<b>Split</b>" in dialog.room_html and "5 reviewers" in dialog.room_html
    finally:
        dialog.shutdown()


def test_open_in_editor_reaches_the_main_window_from_the_dashboard(qtbot, app_window) -> None:
    """The dialog's shutdown hands the request to the dashboard's signal (which the main
    window connects to open_case_in_editor)."""
    from calibrate.core.lead.sections.items import ItemRow
    from calibrate.gui.screens.dashboard.case_detail import CaseDetailDialog
    from calibrate.gui.screens.dashboard.screen import DashboardScreen

    item = ItemRow(
        "harassment", "hb-cafe-threat", "escalate", 5, 0.4, None, None, 4, "remove", 0.5, True,
        (("remove", 3), ("escalate", 2)), 1,
    )  # fmt: skip
    dialog = CaseDetailDialog(item, app_window.context.pack("harassment"), (), app_window)
    qtbot.addWidget(dialog)
    screen = DashboardScreen(app_window.context)
    qtbot.addWidget(screen)
    asked: list[tuple[str, str, str]] = []
    screen.edit_case_requested.connect(lambda *ids: asked.append(ids))
    dialog.shutdown(edit=screen.edit_case_requested)  # closed without the button: nothing
    assert asked == []
    dialog.findChild(QPushButton, "openInEditorButton").click()
    dialog.shutdown(edit=screen.edit_case_requested)
    assert [a[:2] for a in asked] == [("harassment", "hb-cafe-threat")]
    assert "<b>Split</b>" in asked[0][2]
    screen.shutdown()


def test_closing_the_window_with_unsaved_edits_asks_and_keeps_them_as_a_draft(
    qtbot, tmp_path, monkeypatch
) -> None:
    """Ctrl+Q or the window's close button with an edited case: asked first, the edit kept
    as a draft (Yes); with an unsaved pack.toml, No keeps the window open."""
    window, screen, answers, folder = _editor_on(qtbot, tmp_path, monkeypatch)
    page = screen.show_part("case", "c1")
    saved = (folder / "cases" / "c1.toml").read_bytes()
    retype(qtbot, page.form.title, "Edited, not saved")
    qtbot.waitUntil(lambda: page.dirty)
    window.close()
    assert any("unsaved changes" in text for text in answers.shown)
    assert (folder / "cases" / "c1.toml").read_bytes() == saved
    draft = page.editor.draft_path()
    assert draft.is_file() and "Edited, not saved" in draft.read_text(encoding="utf-8")
    (tmp_path / "again").mkdir()
    window2, screen2, answers2, _ = _editor_on(qtbot, tmp_path / "again", monkeypatch)
    screen2.pack_page.dirty = True
    answers2.confirms.append(False)  # "pack.toml has unsaved changes. Leave?" No
    window2.close()
    assert window2.isVisible()
    screen2.pack_page.dirty = False
    window2.close()
    assert not window2.isVisible()


def test_the_pack_editor_sets_the_organisations_wellness_defaults(
    qtbot, tmp_path, monkeypatch
) -> None:
    from calibrate.core.lessons.loader import require_pack

    window, screen, answers, folder = _editor_on(qtbot, tmp_path, monkeypatch)
    screen.show_part("pack", "")
    page = screen.pack_page
    assert page.break_after.value() == 0  # not written: the default
    assert all(box.isChecked() for box in page.shield_boxes.values())
    page.break_after.setValue(15)
    page.shield_boxes["blur"].setChecked(False)
    qtbot.waitUntil(lambda: page.save_button.isEnabled())
    assert page.save()
    text = (folder / "pack.toml").read_text(encoding="utf-8")
    assert '[wellness]\nbreak_after_minutes = 15\nshields = ["grayscale", "mute"]' in text
    wellness = require_pack(folder).wellness
    assert (wellness.break_after_minutes, wellness.shields) == (15, {"grayscale", "mute"})
    # A hand-edited bad value shows at its field, naming the line; nothing is saved.
    screen.pack.document.set(("wellness", "break_after_minutes"), 500)
    page.check()
    assert not page.save_button.isEnabled()
    message = page.problems.at("wellness.break_after_minutes")
    assert message.startswith("line ") and "less than or equal to 240" in message
