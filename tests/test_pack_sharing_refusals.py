"""A `.calpack` is an archive from somewhere else: every hostile or broken one is refused
with exit 2 and one line saying why, and the lessons folder, its sibling assets/ and
everything beside them stay byte for byte as they were (docs/sharing.md, "Refused")."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from calibrate.cli import main
from tests.calpack_factory import (
    MIB,
    link_entry,
    manifest_of,
    read_entries,
    set_flag_bits,
    tree_digest,
    write_calpack,
    write_zero_bomb,
)
from tests.pack_factory import write_pack

BOMB_MIB = 2861  # 3.0 GB of zeros, ~3 MB on disk


def lessons_of_alpha(root: Path) -> dict[str, bytes]:
    """The lesson files of pack 'alpha' with one case, c1, as an archive holds them."""
    folder = write_pack(root / "lessons", "alpha", case_ids=("c1",))
    return {
        f"lessons/alpha/{path.relative_to(folder).as_posix()}": path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def zero_bomb(tmp_path_factory) -> Path:
    """Pack 'alpha' whose clip c1.mp4 is 3 GB of zeros in a few MB, built once per test
    session (honest headers and manifest, valid lessons naming the clip)."""
    name = "assets/alpha/c1.mp4"
    lessons = lessons_of_alpha(tmp_path_factory.mktemp("bomb-src"))
    manifest = (
        manifest_of(lessons, "alpha")[:-2]
        + (f', {{"path": "{name}", "size": {BOMB_MIB * MIB}, "sha256": "{"0" * 64}"}}]}}').encode()
    )
    return write_zero_bomb(
        tmp_path_factory.mktemp("bomb") / "bomb.calpack", name, BOMB_MIB, manifest, before=lessons
    )


@pytest.fixture
def honest(tmp_path: Path) -> Path:
    """A valid archive of pack 'alpha' (cases c1, c2), made by `calibrate pack export`."""
    folder = write_pack(tmp_path / "src" / "lessons", "alpha")
    archive = tmp_path / "in" / "alpha.calpack"
    assert main(["pack", "export", str(folder), "--out", str(archive)]) == 0
    return archive


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The target: a lessons folder holding another pack, with its assets beside it."""
    write_pack(tmp_path / "site" / "lessons", "bystander")
    return tmp_path / "site"


def refused(capsys, site: Path, archive: Path, *options: str) -> str:
    """Import, expecting a refusal that leaves the site byte-identical; returns its line."""
    capsys.readouterr()
    before = tree_digest(site)
    code = main(["pack", "import", str(archive), "--into", str(site / "lessons"), *options])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("calibrate pack import: ") and "Traceback" not in err
    assert tree_digest(site) == before
    assert sorted(p.name for p in site.iterdir()) == ["assets", "lessons"]
    return err


def one_line(err: str) -> str:
    assert err.count("\n") == 1, err
    return err.strip()


def rebuilt(honest: Path, edit: Callable[[dict[str, bytes]], None], *, keep_manifest: bool) -> Path:
    """The honest archive's files, edited; with its own manifest, or one made for the edit."""
    files, manifest = read_entries(honest)
    edit(files)
    raw = (
        __import__("json").dumps(manifest).encode()
        if keep_manifest
        else manifest_of(files, "alpha", str(manifest["pack_hash"]))
    )
    return write_calpack(honest.with_name("edited.calpack"), files, raw)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("lessons/alpha/../../../evil.toml", "has '..' in its path"),  # zip-slip
        ("assets/alpha/../../lessons/alpha/cases/c3.toml", "has '..' in its path"),
        ("/tmp/evil.mp4", "has an absolute path"),
        ("C:/evil.mp4", "has an absolute path"),
        ("assets/alpha\\..\\..\\evil.mp4", "backslash"),
        ("evil.mp4", "lies outside the pack's folders"),
        ("lessons/other/pack.toml", "lies outside the pack's folders"),
        ("lessons/alpha/.git/hooks/post-checkout", "is not a pack file"),
        ("assets/alpha//c1.mp4", "empty or '.' part"),
    ],
)
def test_an_entry_that_escapes_the_packs_folders_is_refused(
    capsys, site: Path, honest: Path, name: str, why: str
) -> None:
    archive = rebuilt(honest, lambda files: files.update({name: b"x"}), keep_manifest=False)
    line = one_line(refused(capsys, site, archive))
    assert why in line and repr(name) in line


def test_a_symlink_entry_is_refused(capsys, site: Path, honest: Path) -> None:
    files, _ = read_entries(honest)
    files["assets/alpha/c1.mp4"] = b"/etc/passwd"
    archive = write_calpack(
        honest.with_name("link.calpack"),
        files,
        manifest_of(files, "alpha"),
        infos={"assets/alpha/c1.mp4": link_entry("assets/alpha/c1.mp4")},
    )
    assert "is a symbolic link" in one_line(refused(capsys, site, archive))


def test_a_folder_entry_is_refused(capsys, site: Path, honest: Path) -> None:
    files, _ = read_entries(honest)
    archive = write_calpack(honest.with_name("dir.calpack"), files, manifest_of(files, "alpha"))
    with zipfile.ZipFile(archive, "a") as zf:
        zf.mkdir("assets/alpha/sub")
    assert "is a folder entry" in one_line(refused(capsys, site, archive))


def test_an_encrypted_entry_is_refused(capsys, site: Path, honest: Path) -> None:
    archive = honest.with_name("locked.calpack")
    archive.write_bytes(honest.read_bytes())
    set_flag_bits(archive, "lessons/alpha/cases/c1.toml", 0x1)
    assert "'lessons/alpha/cases/c1.toml' is encrypted" in one_line(refused(capsys, site, archive))


def test_a_3_gb_bomb_is_refused_at_once(capsys, site: Path, zero_bomb: Path) -> None:
    assert zero_bomb.stat().st_size < 4 * MIB
    line = one_line(refused(capsys, site, zero_bomb))
    assert "unpacks to more than 2,147,483,648 bytes" in line and "--max-size" in line


def test_a_bomb_under_a_raised_limit_is_caught_by_its_ratio_while_streaming(
    capsys, site: Path, zero_bomb: Path
) -> None:
    line = one_line(refused(capsys, site, zero_bomb, "--max-size", str(4 * 1024**3)))
    assert "expands more than 100× its compressed size (a zip bomb)" in line


def test_a_bomb_whose_headers_claim_a_small_file_is_stopped_at_the_claimed_size(
    capsys, site: Path, tmp_path: Path
) -> None:
    """Headers and manifest both say 1,000 bytes; the deflate stream holds 3 GB."""
    name = "assets/alpha/c1.mp4"
    lessons = lessons_of_alpha(tmp_path / "src")
    manifest = manifest_of({**lessons, name: bytes(1000)}, "alpha")
    archive = write_zero_bomb(
        tmp_path / "liar.calpack", name, BOMB_MIB, manifest, declared=1000, before=lessons
    )
    line = one_line(refused(capsys, site, archive))
    assert "'assets/alpha/c1.mp4' is damaged" in line


def test_a_pack_over_max_size_is_refused(capsys, site: Path, honest: Path) -> None:
    line = one_line(refused(capsys, site, honest, "--max-size", "100"))
    assert "unpacks to more than 100 bytes, the limit" in line


def test_20000_entries_are_refused(capsys, site: Path, tmp_path: Path) -> None:
    files = {f"assets/alpha/f{i}.mp4": b"" for i in range(20_000)}
    archive = write_calpack(tmp_path / "many.calpack", files, manifest_of(files, "alpha"))
    line = one_line(refused(capsys, site, archive))
    assert "holds 20,001 entries; a pack may hold at most 10,000" in line


def test_a_tampered_file_is_refused(capsys, site: Path, honest: Path) -> None:
    def tamper(files: dict[str, bytes]) -> None:
        key = "lessons/alpha/cases/c1.toml"
        files[key] = files[key].replace(b'decision = "remove"', b'decision = "allow" ')

    archive = rebuilt(honest, tamper, keep_manifest=True)
    line = one_line(refused(capsys, site, archive))
    assert "'lessons/alpha/cases/c1.toml' differs from manifest.json (its SHA-256)" in line


def test_a_file_missing_from_the_archive_is_refused(capsys, site: Path, honest: Path) -> None:
    archive = rebuilt(honest, lambda f: f.pop("assets/alpha/c2.mp4"), keep_manifest=True)
    line = one_line(refused(capsys, site, archive))
    assert "manifest.json lists 'assets/alpha/c2.mp4', which the archive lacks" in line


def test_a_file_missing_from_the_manifest_is_refused(capsys, site: Path, honest: Path) -> None:
    extra = {"assets/alpha/extra.mp4": b"\0\0\0\x18ftyp"}
    archive = rebuilt(honest, lambda f: f.update(extra), keep_manifest=True)
    line = one_line(refused(capsys, site, archive))
    assert "entry 'assets/alpha/extra.mp4' is not in manifest.json" in line


def test_a_clip_no_case_names_is_refused(capsys, site: Path, honest: Path) -> None:
    extra = {"assets/alpha/.git/config": b"[core]"}
    archive = rebuilt(honest, lambda f: f.update(extra), keep_manifest=False)
    line = one_line(refused(capsys, site, archive))
    assert "'assets/alpha/.git/config' is a file no case names" in line


def test_a_manifest_pack_hash_that_lies_is_refused(capsys, site: Path, honest: Path) -> None:
    files, _ = read_entries(honest)
    archive = write_calpack(
        honest.with_name("lie.calpack"), files, manifest_of(files, "alpha", "f" * 16)
    )
    assert "is not the hash of the pack it holds" in one_line(refused(capsys, site, archive))


def test_an_invalid_pack_is_refused_with_its_problems(capsys, site: Path, honest: Path) -> None:
    def break_it(files: dict[str, bytes]) -> None:
        key = "lessons/alpha/cases/c1.toml"
        files[key] = files[key].replace(b'decision = "remove"', b'decision = "nuke"')

    archive = rebuilt(honest, break_it, keep_manifest=False)
    lines = refused(capsys, site, archive).splitlines()
    assert lines[0].endswith("the pack in it does not validate (1 problem); nothing written")
    assert lines[1:] == [
        "lessons/alpha/cases/c1.toml:15: golden.decision: unknown decision 'nuke'; the "
        "pack's decisions are allow, age_restricted, remove, escalate"
    ]


def test_a_different_pack_of_the_same_id_is_not_replaced_unasked(
    capsys, site: Path, honest: Path
) -> None:
    write_pack(site / "lessons", "alpha", case_ids=("c1",), decision="allow")
    line = one_line(refused(capsys, site, honest))
    assert "already holds a different pack 'alpha'" in line and "--replace" in line


def test_stray_assets_of_the_id_are_not_replaced_unasked(capsys, site: Path, honest: Path) -> None:
    (site / "assets" / "alpha").mkdir()
    (site / "assets" / "alpha" / "mine.mp4").write_bytes(b"mine")
    assert "already holds a different pack" in one_line(refused(capsys, site, honest))


def test_a_file_that_is_not_a_zip_is_refused(capsys, site: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.calpack"
    text.write_text("id = 'alpha'\n")
    assert "not a zip archive" in one_line(refused(capsys, site, text))


def test_a_truncated_zip_is_refused(capsys, site: Path, honest: Path) -> None:
    cut = honest.with_name("cut.calpack")
    cut.write_bytes(honest.read_bytes()[: honest.stat().st_size // 2])
    assert "the zip is truncated or damaged" in one_line(refused(capsys, site, cut))


def test_a_newer_format_is_refused(capsys, site: Path, honest: Path) -> None:
    files, _ = read_entries(honest)
    manifest = manifest_of(files, "alpha", format_version=2)
    archive = write_calpack(honest.with_name("v2.calpack"), files, manifest)
    line = one_line(refused(capsys, site, archive))
    assert "made by a newer Calibrate (pack format_version 2; this version reads 1)" in line


@pytest.mark.parametrize(
    ("manifest", "why"),
    [
        (b'{"format": "other-tool", "format_version": 1}', "not a Calibrate pack"),
        (b"[1, 2", "is not valid JSON"),
        (None, "no manifest.json at its root"),
    ],
)
def test_a_zip_that_is_not_a_calibrate_pack_is_refused(
    capsys, site: Path, honest: Path, manifest: bytes | None, why: str
) -> None:
    files, _ = read_entries(honest)
    archive = write_calpack(honest.with_name("other.calpack"), files, manifest)
    assert why in one_line(refused(capsys, site, archive))


def test_names_that_collide_on_a_case_insensitive_disk_are_refused(
    capsys, site: Path, honest: Path
) -> None:
    extra = {"assets/alpha/C1.mp4": b"\0\0\0\x18ftyp"}
    archive = rebuilt(honest, lambda f: f.update(extra), keep_manifest=False)
    assert "would be written to the same place" in one_line(refused(capsys, site, archive))


def test_a_fifo_given_as_the_archive_is_refused_without_blocking(
    capsys, site: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.calpack"
    os.mkfifo(fifo)
    assert "not a regular file" in one_line(refused(capsys, site, fifo))


@pytest.mark.parametrize("where", ["lessons", "assets"])
def test_a_link_where_the_pack_goes_is_never_written_through(
    capsys, site: Path, honest: Path, tmp_path: Path, where: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (site / where / "alpha").symlink_to(outside, target_is_directory=True)
    line = one_line(refused(capsys, site, honest, "--replace"))
    assert f"{site / where / 'alpha'} is a symbolic link" in line
    assert list(outside.iterdir()) == []


def test_a_fifo_where_the_pack_goes_is_refused(capsys, site: Path, honest: Path) -> None:
    os.mkfifo(site / "lessons" / "alpha")
    line = one_line(refused(capsys, site, honest, "--replace"))
    assert "is a FIFO (named pipe)" in line


def test_an_invalid_pack_lists_at_most_twenty_problems_after_the_reason(
    capsys, tmp_path: Path
) -> None:
    """DESIGN.md: the first stderr line says why, then up to 20 lines — the count of those
    left out is on the first line, not a 22nd."""
    pack = tmp_path / "lessons" / "zed"
    assert main(["pack", "new", str(pack), "--title", "Zed"]) == 0
    for i in range(25):
        (pack / "cases" / f"bad{i:02}.toml").write_text("id = [\n")
    capsys.readouterr()
    assert main(["pack", "export", str(pack), "--out", str(tmp_path / "z.calpack")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (
        f"calibrate pack export: {pack} does not validate (25 problems); nothing written "
        "(the first 20 follow)"
    )
    assert len(lines) == 21 and lines[20].endswith("bad19.toml:1: TOML syntax error: Invalid value")
    assert not (tmp_path / "z.calpack").exists()
