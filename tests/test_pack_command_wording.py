"""`calibrate pack`'s own words (commands/pack.py): what it names is what is there, an
error names the file asked for, and an unexpected error is logged yet still one line."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

from calibrate.cli import main
from tests.pack_factory import write_pack


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = main(["pack", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_importing_a_pack_without_clips_names_no_assets_folder(capsys, tmp_path: Path) -> None:
    assert run(capsys, "new", tmp_path / "src" / "lessons" / "fresh", "--title", "Fresh")[0] == 0
    archive = tmp_path / "fresh.calpack"
    assert run(capsys, "export", tmp_path / "src" / "lessons" / "fresh", "--out", archive)[0] == 0
    (tmp_path / "site").mkdir()
    code, out, err = run(capsys, "import", archive, "--into", tmp_path / "site" / "lessons")
    assert (code, err) == (0, "")
    assert "assets" not in out and f"{tmp_path / 'site' / 'lessons' / 'fresh'} (" in out
    assert not (tmp_path / "site" / "assets" / "fresh").exists()


def test_a_failed_export_names_the_output_file_not_its_temporary_name(
    capsys, monkeypatch, tmp_path: Path
) -> None:
    """The disk fails as the finished archive is renamed over FILE."""
    folder = write_pack(tmp_path / "lessons", "alpha")
    out = tmp_path / "out" / "alpha.calpack"
    out.parent.mkdir()
    real_replace = os.replace

    def replace(source, target) -> None:
        if Path(target) == out:
            raise OSError(errno.EIO, "Input/output error", str(source), None, str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    code, out_text, err = run(capsys, "export", folder, "--out", out)
    assert code == 2 and err.count("\n") == 1 and ".partial" not in err
    why = "cannot be written (Input/output error); nothing written"
    assert err == f"calibrate pack export: {out}: {why}\n"
    assert list(out.parent.iterdir()) == []


def test_an_unexpected_error_is_logged_and_still_one_line(
    capsys, caplog, monkeypatch, tmp_path: Path
) -> None:
    from calibrate.workspace.packs import PacksManager

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(PacksManager, "import_pack", broken)
    with caplog.at_level(logging.DEBUG, logger="calibrate"):
        code, _, err = run(capsys, "import", tmp_path / "x.calpack", "--into", tmp_path)
    assert code == 2
    assert err == "calibrate pack import: unexpected error: RuntimeError: a bug over two lines\n"
    [record] = [r for r in caplog.records if r.message == "unexpected error"]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def test_pack_new_with_a_file_in_the_way_says_so(capsys, tmp_path: Path) -> None:
    (tmp_path / "lessons").write_text("not a folder")
    code, _, err = run(capsys, "new", tmp_path / "lessons" / "fresh", "--title", "Fresh")
    assert code == 2
    assert err == (
        f"calibrate pack new: {tmp_path / 'lessons'} is a file, not a folder; a new pack "
        "needs a new folder\n"
    )
    (tmp_path / "taken").write_text("a file")
    code, _, err = run(capsys, "new", tmp_path / "taken", "--title", "Taken")
    assert code == 2 and f"{tmp_path / 'taken'} is a file, not a folder" in err
