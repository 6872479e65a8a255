"""Saves are diff-friendly (one field edited, one line changed; comments and the rest of the
file byte-identical) and atomic (a failed rename or a full disk leaves the old file whole,
and no temporary file behind)."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from calibrate import paths
from calibrate.core.authoring.errors import AuthoringRefused
from calibrate.core.authoring.saving import atomic_write
from calibrate.core.lessons.loader import validate_path
from tests.authoring_helpers import changed_lines, trainer_workspace


def copied_demo(tmp_path: Path) -> tuple[object, Path]:
    ws, lessons = trainer_workspace(tmp_path)
    return ws, ws.authoring.copy_for_editing("harassment", lessons)  # type: ignore[return-value]


def test_editing_one_field_of_a_demo_case_changes_exactly_its_line(tmp_path: Path) -> None:
    ws, pack = copied_demo(tmp_path)
    path = pack / "cases" / "hb-bus-stranger-mocked.toml"
    before = path.read_text()
    case = ws.authoring.open_pack(pack).open_case("hb-bus-stranger-mocked")  # type: ignore[attr-defined]
    case.set(("context", "caption"), "a new caption")
    case.save()
    assert changed_lines(before, path.read_text()) == [
        ('caption = "the walrus of the 47 bus strikes again 🤢🤢"', 'caption = "a new caption"')
    ]
    case.set(("context", "hashtags"), case.get(("context", "hashtags")))  # the same: no change
    case.edit_cue(2, text="The filmer whispers.")
    case.set_golden("remove", ["HB-1"])  # unchanged golden: its lines stay
    case.save()
    assert len(changed_lines(before, path.read_text())) == 2


def test_editing_one_key_of_pack_toml_keeps_its_comments_and_other_lines(tmp_path: Path) -> None:
    ws, pack = copied_demo(tmp_path)
    path = pack / "pack.toml"
    before = path.read_text()
    assert "# Least to most restrictive" in before
    editor = ws.authoring.open_pack(pack)  # type: ignore[attr-defined]
    editor.edit_decision("remove", label="Take down")
    editor.save()
    assert changed_lines(before, path.read_text()) == [('label = "Remove"', 'label = "Take down"')]
    assert validate_path(pack) == []


def test_a_failed_rename_leaves_the_previous_file_intact(tmp_path: Path, monkeypatch) -> None:
    ws, pack = copied_demo(tmp_path)
    path = pack / "cases" / "hb-cafe-threat.toml"
    before = path.read_bytes()
    case = ws.authoring.open_pack(pack).open_case("hb-cafe-threat")  # type: ignore[attr-defined]
    case.set(("title",), "Changed")

    def failing_replace(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(
        AuthoringRefused,
        match="could not be saved .Input/output error.; the file on disk is unchanged",
    ):
        case.save()
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []
    monkeypatch.undo()
    case.save()
    assert 'title = "Changed"' in path.read_text()


def test_a_full_disk_leaves_the_previous_file_intact(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "case.toml"
    path.write_text("id = 'old'\n")
    real_fsync = os.fsync

    def disk_full(fd: int) -> None:
        if os.path.isfile(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(AuthoringRefused, match="No space left on device"):
        atomic_write(path, b"id = 'new'\n" * 1000)
    assert path.read_text() == "id = 'old'\n"
    assert [p.name for p in tmp_path.iterdir()] == ["case.toml"]


def test_a_saved_file_keeps_its_permissions_and_a_new_one_gets_the_usual(tmp_path: Path) -> None:
    kept = tmp_path / "kept.toml"
    kept.write_text("a = 1\n")
    kept.chmod(0o664)
    atomic_write(kept, b"a = 2\n")
    assert (kept.stat().st_mode & 0o777, kept.read_text()) == (0o664, "a = 2\n")
    new = tmp_path / "new.toml"
    atomic_write(new, b"a = 1\n")
    assert new.stat().st_mode & 0o777 == 0o644 & ~_umask()


def test_a_linked_lesson_file_is_not_replaced_by_a_copy(tmp_path: Path) -> None:
    target = tmp_path / "real.toml"
    target.write_text("a = 1\n")
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    with pytest.raises(AuthoringRefused, match="is a link"):
        atomic_write(link, b"a = 2\n")
    assert link.is_symlink() and target.read_text() == "a = 1\n"


def test_the_bundled_packs_are_never_written(tmp_path: Path) -> None:
    bundled = paths.bundled_lessons_dir()
    assert bundled is not None
    before = {p: p.read_bytes() for p in (bundled / "harassment").rglob("*") if p.is_file()}
    ws, pack = copied_demo(tmp_path)
    editor = ws.authoring.open_pack(pack)  # type: ignore[attr-defined]
    editor.set("title", "Mine now")
    editor.save()
    assert {p: p.read_bytes() for p in (bundled / "harassment").rglob("*") if p.is_file()} == before
    shutil.rmtree(pack)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
