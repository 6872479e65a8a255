"""The trainer area: behind a passcode of its own (set, asked each time, reset shown), it lists
every pack found with where it comes from and its problems, and works from the keyboard.

Real widgets on a real SQLite file; scrypt runs for real (about a second per hash)."""

from __future__ import annotations

import json
import shutil

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from calibrate.core.passcodes import hash_passcode, verify_passcode
from calibrate.gui.passcode_dialog import WRONG, Mode
from calibrate.store import settings
from tests.pack_factory import write_pack
from tests.trainer_driver import (
    make_window,
    no_saved_folders,  # noqa: F401 - autouse: no lessons folder saved in settings
    open_unlocked,
    press_by_keys,
    press_ctrl_t,
    tab_to,
    type_passcode,
)


def _events(db, kind: str) -> list[dict]:
    rows = db.execute("SELECT detail FROM events WHERE kind = ?", [kind]).fetchall()
    return [json.loads(row[0]) for row in rows]


def test_the_trainer_area_opens_only_with_its_own_passcode(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path)
    db = window.context.db
    settings.set_passcode_hash(db, "lead", hash_passcode("lead-2026"))
    seen: list[Mode] = []

    def set_first(dialog) -> None:  # no trainer passcode yet, though the lead has one
        seen.append(dialog.mode)
        assert "keep it to trainers" in dialog.intro.text()
        assert "anyone who can write to the lessons folders" in dialog.notice.text()
        type_passcode(qtbot, dialog.new_passcode, "train-2026")
        type_passcode(qtbot, dialog.repeat, "train-2026")
        qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)

    press_ctrl_t(qtbot, window, monkeypatch, set_first)
    assert seen == [Mode.SET] and window.stack.currentWidget() is window.trainer
    assert verify_passcode("train-2026", settings.passcode_hash(db, "trainer"))
    assert verify_passcode("lead-2026", settings.passcode_hash(db, "lead"))  # untouched
    assert _events(db, "passcode_set") == [{"role": "lead"}, {"role": "trainer"}]
    qtbot.keyClick(window.trainer.table, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home

    def enter(code: str):
        def steps(dialog) -> None:
            seen.append(dialog.mode)
            type_passcode(qtbot, dialog.passcode, code)
            qtbot.keyClick(dialog.passcode, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: not dialog.busy, timeout=15000)
            if code != "train-2026":
                assert dialog.error.text() == WRONG

        return steps

    press_ctrl_t(qtbot, window, monkeypatch, enter("lead-2026"))  # the lead's does not open it
    assert seen[-1] is Mode.ENTER and window.stack.currentWidget() is window.home
    press_ctrl_t(qtbot, window, monkeypatch, enter("train-2026"))
    assert window.stack.currentWidget() is window.trainer


def test_a_trainer_passcode_reset_is_shown_in_the_trainer_area(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path)
    db = window.context.db
    settings.set_passcode_hash(db, "trainer", hash_passcode("train-2026"))

    def reset(dialog) -> None:
        qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
        assert 'the trainer area shows "Trainer passcode reset on DATE"' in dialog.intro.text()
        type_passcode(qtbot, dialog.new_passcode, "moderator-1")
        type_passcode(qtbot, dialog.repeat, "moderator-1")
        qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)

    press_ctrl_t(qtbot, window, monkeypatch, reset)
    area = window.trainer
    assert window.stack.currentWidget() is area
    resets, when = settings.passcode_resets(db, "trainer")
    assert resets == 1 and settings.passcode_resets(db, "lead") == (0, None)
    assert area.passcode_notice.isVisible()
    assert area.passcode_notice.text().startswith(
        f"Trainer passcode reset on {when[:10]} {when[11:16]} UTC without the old passcode"
    )
    assert _events(db, "passcode_reset") == [{"role": "trainer"}]


def test_each_pack_is_listed_with_where_it_comes_from_and_its_problems(
    qtbot, tmp_path, demo_lessons_dir
):
    """A trainer's copy of a bundled pack replaces it; a broken pack is listed, not loaded,
    with its problems; the Problems view of one pack shows that pack's problems only."""
    mine = tmp_path / "mine" / "lessons"
    shutil.copytree(demo_lessons_dir / "harassment", mine / "harassment")
    shutil.copytree(
        demo_lessons_dir.parent / "assets" / "harassment", mine.parent / "assets" / "harassment"
    )
    write_pack(mine, "broken")
    (mine / "broken" / "pack.toml").write_text('id = "broken"\ntitle = \n')
    window = make_window(qtbot, tmp_path, lessons=[mine])
    area = open_unlocked(qtbot, window)
    rows = {(e.pack_id, e.lessons_folder.read_only): e for e in area.found}
    assert set(rows) == {
        ("graphic-content", True),
        ("harassment", True),
        ("regulated-goods", True),
        ("harassment", False),
        ("broken", False),
    }
    bundled, copy = rows["harassment", True], rows["harassment", False]
    assert bundled.describe_status() == f"replaced by the copy in {mine / 'harassment'}"
    assert copy.describe_status() == "in use" and copy.problems == []
    broken = rows["broken", False]
    assert broken.describe_status() == "not loaded: see its problems" and broken.errors
    tree = area.table
    folder_rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert [r.text(4) for r in folder_rows] == [
        "bundled with Calibrate · read-only",
        "--lessons, this run only",
    ]
    area.choose("broken")
    assert tree.currentItem().text(3) == "1 problem"
    assert not area.export_button.isEnabled()  # it would only be refused
    assert "broken/pack.toml" in area.details.text()
    qtbot.keyClick(tree, Qt.Key.Key_Return)  # Enter: the Problems view, this pack's only
    dialog = area.problems_dialog
    assert dialog.isVisible() and "broken" in dialog.windowTitle()
    text = dialog.text.toPlainText()
    assert "broken/pack.toml" in text and "harassment" not in text
    dialog.reject()
    area.choose("harassment", bundled=True)
    assert not area.export_button.isEnabled()  # a replaced copy is not the one to share
    assert "read-only" in area.details.text()


def _back_to(qtbot, window) -> None:
    """The closed dialog had the keyboard; a real window manager gives it back."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_the_trainer_area_works_from_the_keyboard(qtbot, tmp_path, monkeypatch):
    """Ctrl+T is listed under F1; in the area the pack list has the keyboard, arrows choose,
    Tab reaches every button and Space presses it (Problems…, Lesson folders…), Esc leaves."""
    from calibrate.gui import prompts
    from calibrate.gui.main_window import SHORTCUTS

    assert ("Ctrl+T" in dict(SHORTCUTS)) and "trainer area" in dict(SHORTCUTS)["Ctrl+T"]
    window = make_window(qtbot, tmp_path)
    area = open_unlocked(qtbot, window)
    tree = area.table
    assert QApplication.focusWidget() is tree
    first = area.chosen()
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert area.chosen() is not None and area.chosen() is not first
    press_by_keys(qtbot, tree, "packProblemsButton")
    qtbot.waitUntil(lambda: getattr(area, "problems_dialog", None) is not None)
    assert area.problems_dialog.isVisible()
    qtbot.keyClick(area.problems_dialog, Qt.Key.Key_Escape)
    assert not area.problems_dialog.isVisible()
    _back_to(qtbot, window)
    press_by_keys(qtbot, tree, "lessonFoldersButton")
    qtbot.waitUntil(lambda: area.folders_dialog is not None and area.folders_dialog.isVisible())
    qtbot.keyClick(area.folders_dialog, Qt.Key.Key_Escape)
    assert not area.folders_dialog.isVisible()
    _back_to(qtbot, window)
    for name in ("exportPackButton", "importPackButton", "trainerBackButton"):
        assert tab_to(qtbot, tree, name).isEnabled()
    tree.setFocus()
    monkeypatch.setattr(prompts, "run_dialog", lambda dialog: 0)
    qtbot.keyClick(tree, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home


def test_a_button_that_cannot_act_looks_disabled(qtbot, tmp_path) -> None:
    """The palette's disabled text differs from the enabled one (it was the same colour, so
    a disabled Export or Remove read as usable), in the light and the dark theme."""
    from calibrate.gui.theme import apply_theme

    app = QApplication.instance()
    for dark in (False, True):
        apply_theme(app, dark)
        palette = app.palette()
        for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
            enabled = palette.color(QPalette.ColorGroup.Active, role)
            disabled = palette.color(QPalette.ColorGroup.Disabled, role)
            assert enabled != disabled
    apply_theme(app, False)


def test_the_home_screen_offers_the_trainer_area_behind_its_passcode(qtbot, tmp_path, dialogs):
    window = make_window(qtbot, tmp_path)
    button = window.home.findChild(type(window.home.continue_button), "trainerAreaButton")
    assert button.isVisible() and "Ctrl+T" in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialogs == ["Trainer area"]  # the passcode dialog, cancelled by the test's stand-in
    assert window.stack.currentWidget() is window.home and window.trainer is None


def test_the_trainer_area_quotes_a_golden_answer_problem_the_moderators_view_hides(qtbot, tmp_path):
    """Behind the trainer passcode a problem is quoted whole (the trainer must see the
    misspelt decision to fix it); View → Lesson problems, open to moderators, hides it."""
    mine = tmp_path / "mine" / "lessons"
    write_pack(mine, "gamma", decision="remvoe")
    window = make_window(qtbot, tmp_path, lessons=[mine])
    window.show_lesson_problems()
    assert "remvoe" not in window.problems_dialog.text.toPlainText()
    assert "golden" in window.problems_dialog.text.toPlainText()
    window.problems_dialog.reject()
    area = open_unlocked(qtbot, window)
    area.choose("gamma")
    assert "remvoe" in area.details.text()
    area.show_problems()
    assert "remvoe" in area.problems_dialog.text.toPlainText()
