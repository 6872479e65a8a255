"""Export pack… and Import pack… in the trainer area: the real dialogs over ws.packs, real
zips in tmp_path. An export made through the dialog is one the command line takes in; a
hostile archive is refused in words with nothing written; an id clash asks before replacing;
a pack with a bundled pack's id goes into the trainer's folder and takes the bundled one's
place there; Cancel stops a big export and leaves no file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from calibrate import paths
from calibrate.cli import main as calibrate
from calibrate.gui import prompts
from calibrate.gui.saved_folders import saved_folders
from calibrate.workspace import Workspace
from tests.calpack_factory import manifest_of, read_entries, tree_digest, write_calpack
from tests.pack_factory import write_pack
from tests.trainer_driver import (
    make_window,
    no_saved_folders,  # noqa: F401 - autouse: no lessons folder saved in settings
    open_unlocked,
    wait_reloaded,
)


def _wait_done(qtbot, dialog, outcome: str) -> None:
    qtbot.waitUntil(lambda: not dialog.running, timeout=30000)
    assert dialog.outcome == outcome, dialog.message.text()


def _export_headless(pack_folder: Path, out: Path) -> Path:
    Workspace.without_database([pack_folder.parent]).packs.export_pack(pack_folder, out)
    return out


def test_a_demo_pack_exported_through_the_dialog_is_one_the_command_line_imports(
    qtbot, tmp_path, monkeypatch
):
    window = make_window(qtbot, tmp_path)
    area = open_unlocked(qtbot, window)
    area.choose("harassment")
    typed = tmp_path / "out" / "harassment-for-lisbon"  # no suffix typed: .calpack is added
    archive = typed.with_name("harassment-for-lisbon.calpack")
    typed.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(typed), ""))
    qtbot.mouseClick(area.export_button, Qt.MouseButton.LeftButton)
    dialog = area.transfer
    assert dialog.isVisible()
    assert dialog.heading.text() == f"Pack: Harassment & bullying (harassment)\nTo: {archive}"
    _wait_done(qtbot, dialog, "done")
    assert dialog.message.text().startswith(
        "Exported Harassment & bullying (harassment) to harassment-for-lisbon.calpack: "
    )
    assert dialog.bar.value() == dialog.bar.maximum() and dialog.close_button.isVisible()
    assert zipfile.ZipFile(archive).testzip() is None
    empty = tmp_path / "elsewhere" / "lessons"
    empty.mkdir(parents=True)
    assert calibrate(["pack", "import", str(archive), "--into", str(empty)]) == 0
    assert calibrate(["validate", str(empty)]) == 0
    assert (empty.parent / "assets" / "harassment").is_dir()


def test_a_hostile_archive_is_refused_in_words_and_nothing_is_written(qtbot, tmp_path, monkeypatch):
    source = tmp_path / "source" / "lessons"
    honest = _export_headless(write_pack(source, "alpha"), tmp_path / "alpha.calpack")
    files, _ = read_entries(honest)
    files["lessons/alpha/../../../evil.toml"] = b'id = "evil"\n'  # zip-slip
    slip = write_calpack(tmp_path / "slip.calpack", files, manifest_of(files, "alpha"))
    mine = tmp_path / "mine" / "lessons"
    write_pack(mine, "beta")
    window = make_window(qtbot, tmp_path, lessons=[mine])
    area = open_unlocked(qtbot, window)
    before, packs_before = tree_digest(tmp_path / "mine"), len(window.context.library.packs)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(slip), ""))
    qtbot.mouseClick(area.import_button, Qt.MouseButton.LeftButton)  # one folder: no question
    dialog = area.transfer
    _wait_done(qtbot, dialog, "refused")
    text = dialog.message.text()
    assert text.startswith(f"{slip}: entry ") and "has '..' in its path" in text
    assert text.endswith("Nothing was written.") and "\n" not in text
    assert not dialog.bar.isVisible() and "Traceback" not in text
    assert tree_digest(tmp_path / "mine") == before
    assert not list(tmp_path.rglob("evil.toml"))
    assert len(window.context.library.packs) == packs_before

    broken = tmp_path / "broken" / "lessons"
    pack = write_pack(broken, "alpha")
    (pack / "cases" / "c1.toml").write_text('id = "c1"\nvideo = 3\n')
    files, manifest = read_entries(
        _export_headless(write_pack(tmp_path / "ok", "alpha"), tmp_path / "ok.calpack")
    )
    files["lessons/alpha/cases/c1.toml"] = (pack / "cases" / "c1.toml").read_bytes()
    invalid = write_calpack(
        tmp_path / "invalid.calpack", files, manifest_of(files, "alpha", manifest["pack_hash"])
    )
    dialog = area.import_pack(invalid, into=mine)
    _wait_done(qtbot, dialog, "refused")
    assert "does not validate" in dialog.message.text()
    assert dialog.details.isVisible() and "c1.toml" in dialog.details.toPlainText()
    assert tree_digest(tmp_path / "mine") == before


def test_an_id_clash_asks_before_replacing_and_no_leaves_the_pack(qtbot, tmp_path, monkeypatch):
    first = _export_headless(
        write_pack(tmp_path / "v1" / "lessons", "alpha"), tmp_path / "v1.calpack"
    )
    second = _export_headless(
        write_pack(tmp_path / "v2" / "lessons", "alpha", decision="allow"), tmp_path / "v2.calpack"
    )
    mine = tmp_path / "mine" / "lessons"
    mine.mkdir(parents=True)
    window = make_window(qtbot, tmp_path, lessons=[mine])
    window.context.profile = window.context.profiles.create("Ana", "", "")
    lesson_list = window.lesson_list
    lesson_list.refresh()
    area = open_unlocked(qtbot, window)
    dialog = area.import_pack(first, into=mine)
    _wait_done(qtbot, dialog, "done")
    assert dialog.message.text().startswith(f"Imported pack 'alpha' in {mine} (")
    wait_reloaded(qtbot, window)
    assert "alpha" in [p.id for p in window.context.library.packs]
    titles = [
        lesson_list.tree.topLevelItem(i).text(0)
        for i in range(lesson_list.tree.topLevelItemCount())
    ]
    assert any("Test pack alpha" in title for title in titles)  # the lesson list was refreshed
    assert any(e.pack_id == "alpha" for e in area.found)
    before = tree_digest(tmp_path / "mine")
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(prompts, "confirm", lambda _p, _t, q: asked.append(q) or answer[0])
    dialog = area.import_pack(second, into=mine)
    _wait_done(qtbot, dialog, "refused")
    assert asked[0].startswith(f"{mine / 'alpha'} already holds a different pack 'alpha'.")
    assert "replacing it was not asked for" in dialog.message.text()
    assert tree_digest(tmp_path / "mine") == before
    answer[0] = True
    dialog = area.import_pack(second, into=mine)
    _wait_done(qtbot, dialog, "done")
    assert dialog.message.text().startswith(f"Replaced pack 'alpha' in {mine}")
    assert 'decision = "allow"' in (mine / "alpha" / "cases" / "c1.toml").read_text()
    dialog = area.import_pack(second, into=mine)  # the same again: nothing to do
    _wait_done(qtbot, dialog, "done")
    assert "nothing changed" in dialog.message.text() and len(asked) == 2


def test_a_pack_with_a_bundled_id_goes_to_the_trainers_folder_and_replaces_the_bundled_one(
    qtbot, tmp_path, monkeypatch, demo_lessons_dir
):
    """With no folder of their own yet, the trainer is offered Calibrate's own (created and
    added to their lesson folders); the bundled folder is never written to."""
    bundled_before = tree_digest(demo_lessons_dir)
    monkeypatch.setattr(paths, "data_dir", lambda: tmp_path / "data")
    window = make_window(qtbot, tmp_path)
    area = open_unlocked(qtbot, window)
    archive = tmp_path / "harassment.calpack"
    _export_headless(demo_lessons_dir / "harassment", archive)
    asked: list[str] = []
    monkeypatch.setattr(prompts, "confirm", lambda _p, _t, q: asked.append(q) or True)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(archive), ""))
    qtbot.mouseClick(area.import_button, Qt.MouseButton.LeftButton)
    own = tmp_path / "data" / "lessons"
    assert asked and asked[0].startswith("You have no lessons folder of your own yet")
    _wait_done(qtbot, area.transfer, "done")
    assert "takes the place of the bundled pack" in area.transfer.message.text()
    wait_reloaded(qtbot, window)
    assert saved_folders() == [own]
    assert window.context.pack("harassment").folder == own / "harassment"
    rows = {(e.pack_id, e.lessons_folder.read_only): e.status.value for e in area.found}
    assert rows["harassment", True] == "replaced" and rows["harassment", False] == "in use"
    assert tree_digest(demo_lessons_dir) == bundled_before
    dialog = area.import_pack(archive, into=demo_lessons_dir)  # asked for by name: refused
    _wait_done(qtbot, dialog, "refused")
    assert "read-only" in dialog.message.text()
    assert tree_digest(demo_lessons_dir) == bundled_before


def test_cancel_stops_a_big_export_and_leaves_no_file(qtbot, tmp_path, monkeypatch):
    big = tmp_path / "big" / "lessons"
    clip = b"\x00\x00\x00\x18ftypisom" + bytes(96 * 1024 * 1024)
    write_pack(big, "alpha", case_ids=("c1",), media=clip)
    window = make_window(qtbot, tmp_path, lessons=[big])
    area = open_unlocked(qtbot, window)
    area.choose("alpha")
    out = tmp_path / "out" / "alpha.calpack"
    out.parent.mkdir()
    dialog = area.export_pack(area.chosen(), out)
    with qtbot.waitSignal(dialog.bar.valueChanged, timeout=10000):
        pass  # the first progress report: the export is under way
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc while it runs: cancel, the window stays
    assert dialog.isVisible() and dialog.cancel_button.text() == "Cancelling…"
    _wait_done(qtbot, dialog, "cancelled")
    assert dialog.message.text() == "Cancelled. Nothing was written."
    assert list(out.parent.iterdir()) == []
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_quitting_during_a_big_export_cancels_it_and_leaves_no_file(qtbot, tmp_path):
    big = tmp_path / "big" / "lessons"
    clip = b"\x00\x00\x00\x18ftypisom" + bytes(96 * 1024 * 1024)
    write_pack(big, "alpha", case_ids=("c1",), media=clip)
    window = make_window(qtbot, tmp_path, lessons=[big])
    area = open_unlocked(qtbot, window)
    area.choose("alpha")
    out = tmp_path / "out" / "alpha.calpack"
    out.parent.mkdir()
    dialog = area.export_pack(area.chosen(), out)
    with qtbot.waitSignal(dialog.bar.valueChanged, timeout=10000):
        pass
    window.close()  # File → Quit: the export is cancelled and waited for
    assert dialog.cancel_button.text() == "Cancelling…"
    assert list(out.parent.iterdir()) == []  # no archive, no half-written temp file


def test_a_pack_with_problems_is_not_exported_and_the_window_lists_them(qtbot, tmp_path):
    mine = tmp_path / "mine" / "lessons"
    write_pack(mine, "alpha")
    (mine.parent / "assets" / "alpha" / "c2.mp4").unlink()  # a case's clip is missing
    window = make_window(qtbot, tmp_path, lessons=[mine])
    area = open_unlocked(qtbot, window)
    entry = area.choose("alpha")
    assert area.export_button.isEnabled()  # in use: its lessons can still be taken
    out = tmp_path / "out" / "alpha.calpack"
    out.parent.mkdir()
    dialog = area.export_pack(entry, out)
    _wait_done(qtbot, dialog, "refused")
    assert "does not validate (1 problem)" in dialog.message.text()
    assert dialog.message.text().endswith("Nothing was written.")
    assert "c2" in dialog.details.toPlainText() and dialog.details.isVisible()
    assert list(out.parent.iterdir()) == []
