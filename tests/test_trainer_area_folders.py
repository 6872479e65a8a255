"""Settings → Lesson folders: the folders Calibrate reads, the bundled one shown read-only;
a folder added or removed changes the packs listed (read again in the background) and is
kept for the next start; a folder that cannot be added is refused in words."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog

from calibrate import paths
from calibrate.gui.saved_folders import FOLDERS_SETTING, saved_folders
from calibrate.workspace.folders import FolderRefused, Origin, check_new_folder, folder_list
from tests.pack_factory import write_pack
from tests.trainer_driver import (
    make_window,
    no_saved_folders,  # noqa: F401 - autouse: no lessons folder saved in settings
    open_unlocked,
    press_by_keys,
    wait_reloaded,
)


def _listed(area) -> set[tuple[str, Origin]]:
    return {(e.pack_id, e.lessons_folder.origin) for e in area.found}


def _pick(monkeypatch, folder: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))


def test_a_folder_added_in_settings_lists_its_packs_now_and_at_the_next_start(
    qtbot, tmp_path, monkeypatch
):
    mine = tmp_path / "mine" / "lessons"
    write_pack(mine, "alpha")
    window = make_window(qtbot, tmp_path)
    area = open_unlocked(qtbot, window)
    assert ("alpha", Origin.SAVED) not in _listed(area)
    dialog = area.open_folders()
    _pick(monkeypatch, mine)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    wait_reloaded(qtbot, window)
    assert ("alpha", Origin.SAVED) in _listed(area)
    assert "alpha" in [p.id for p in window.context.library.packs]  # the lesson list's packs
    assert saved_folders() == [mine]
    assert dialog.status.text() == "4 packs in use, from 2 lessons folders."
    rows = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert rows[0].endswith("bundled with Calibrate · read-only")
    assert rows[1] == f"{mine}\n    added in settings"
    window.close()

    again = make_window(qtbot, tmp_path / "next")  # the next start reads it
    assert "alpha" in [p.id for p in again.context.library.packs]
    area = open_unlocked(qtbot, again)
    dialog = area.open_folders()
    dialog.list.setCurrentRow(1)
    assert dialog.remove_button.isEnabled()
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    wait_reloaded(qtbot, again)
    assert ("alpha", Origin.SAVED) not in _listed(area)
    assert "alpha" not in [p.id for p in again.context.library.packs]
    assert saved_folders() == [] and (mine / "alpha" / "pack.toml").is_file()  # files stay
    assert dialog.status.text() == "3 packs in use, from 1 lessons folder."


def test_the_bundled_and_command_line_folders_are_shown_but_not_removable(qtbot, tmp_path):
    run_only = tmp_path / "run" / "lessons"
    write_pack(run_only, "beta")
    window = make_window(qtbot, tmp_path, lessons=[run_only])
    area = open_unlocked(qtbot, window)
    dialog = area.open_folders()
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert texts == [
        f"{paths.bundled_lessons_dir()}\n    bundled with Calibrate · read-only",
        f"{run_only}\n    --lessons, this run only",
    ]
    for row in (0, 1):
        dialog.list.setCurrentRow(row)
        assert not dialog.remove_button.isEnabled()
    assert QSettings("Calibrate", "Calibrate").value(FOLDERS_SETTING) is None


def test_a_folder_that_cannot_be_added_is_refused_in_one_sentence(qtbot, tmp_path, monkeypatch):
    mine = tmp_path / "mine"
    mine.mkdir()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    window = make_window(qtbot, tmp_path)
    area = open_unlocked(qtbot, window)
    dialog = area.open_folders()
    refusals = {
        tmp_path / "nowhere": "does not exist",
        a_file: "is a file, not a folder",
        paths.bundled_lessons_dir(): "holds the bundled packs; Calibrate always reads it",
    }
    for folder, why in refusals.items():
        _pick(monkeypatch, folder)
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        assert dialog.status.text().startswith("Not added: ") and why in dialog.status.text()
        assert "\n" not in dialog.status.text()
    _pick(monkeypatch, mine)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    wait_reloaded(qtbot, window)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)  # the same one again
    assert dialog.status.text() == f"Not added: {mine} is read already (added in settings)."
    assert saved_folders() == [mine]


def test_folders_are_read_in_order_each_once_with_their_origin(tmp_path) -> None:
    bundled, one, two = tmp_path / "b", tmp_path / "one", tmp_path / "two"
    for folder in (bundled, one, two):
        folder.mkdir()
    listed = folder_list(bundled, [one, two, one], [two, tmp_path / "b" / ".." / "b"])
    assert [(f.path, f.origin) for f in listed] == [
        (bundled, Origin.BUNDLED),
        (one, Origin.SAVED),
        (two, Origin.SAVED),
    ]
    assert listed[0].read_only and not listed[1].read_only
    try:
        check_new_folder(tmp_path / "one" / ".." / "two", listed, bundled)
    except FolderRefused as refused:
        assert str(refused) == f"{two} is read already (added in settings)."
    else:
        raise AssertionError("a folder read already was added again")


def test_a_folder_inside_one_read_already_is_refused(tmp_path) -> None:
    """Its packs would load twice (the same ids: problems), or the bundled ones be 'replaced'
    by themselves."""
    bundled, mine = tmp_path / "bundled", tmp_path / "mine"
    write_pack(bundled, "alpha")
    write_pack(mine, "beta")
    listed = folder_list(bundled, [mine], [])
    for inner, outer in ((bundled / "alpha", bundled), (mine / "beta", mine)):
        try:
            check_new_folder(inner, listed, bundled)
        except FolderRefused as refused:
            assert str(refused).startswith(f"{inner} is inside {outer}, which Calibrate reads")
        else:
            raise AssertionError(f"{inner} was added")


def test_the_app_starts_whatever_the_saved_folders_setting_holds(qtbot, tmp_path) -> None:
    """A hand-edited settings file: a number, a NUL byte, an empty string, a folder that is
    gone. The app starts, reads the good folder and names the missing one."""
    good, gone = tmp_path / "good" / "lessons", tmp_path / "gone"
    write_pack(good, "alpha")
    QSettings("Calibrate", "Calibrate").setValue(
        FOLDERS_SETTING, [5, "bad\0path", "", str(gone), str(good)]
    )
    assert saved_folders() == [gone, good]
    window = make_window(qtbot, tmp_path)
    assert "alpha" in [p.id for p in window.context.library.packs]
    area = open_unlocked(qtbot, window)
    dialog = area.open_folders()
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert f"{gone}\n    added in settings · lessons folder not found" in texts
    tree = area.table
    groups = {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(3)}
    assert groups[str(gone)].text(4) == "added in settings · lessons folder not found"
    assert groups[str(gone)].childCount() == 0 and groups[str(good)].childCount() == 1


def test_lesson_folders_work_from_the_keyboard(qtbot, tmp_path, monkeypatch):
    mine = tmp_path / "mine" / "lessons"
    write_pack(mine, "alpha")
    window = make_window(qtbot, tmp_path)
    area = open_unlocked(qtbot, window)
    press_by_keys(qtbot, area.table, "lessonFoldersButton")
    qtbot.waitUntil(lambda: area.folders_dialog is not None and area.folders_dialog.isVisible())
    dialog = area.folders_dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.list.hasFocus()
    _pick(monkeypatch, mine)
    press_by_keys(qtbot, dialog.list, "addFolderButton")
    wait_reloaded(qtbot, window)
    assert saved_folders() == [mine] and ("alpha", Origin.SAVED) in _listed(area)
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Up)
    assert not dialog.remove_button.isEnabled()  # the bundled folder
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    press_by_keys(qtbot, dialog.list, "removeFolderButton")
    wait_reloaded(qtbot, window)
    assert saved_folders() == [] and ("alpha", Origin.SAVED) not in _listed(area)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
