"""A reviewer's hostile `.calpack`s, each refused with one line and nothing written: names
no file system may hold, a central directory too big to parse, and every defence of the
reader exercised by an archive that needs it (docs/sharing.md, "How an import checks")."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from calibrate.cli import main
from calibrate.core.sharing.errors import UnsafeEntry
from calibrate.core.sharing.reader import PackArchive
from tests.calpack_factory import MIB, set_flag_bits, write_bare_directory
from tests.pack_factory import write_pack
from tests.test_pack_sharing_refusals import honest, one_line, rebuilt, refused, site, zero_bomb

__all__ = ["honest", "site", "zero_bomb"]  # fixtures shared with the refusals' tests


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("assets/alpha/D:evil.mp4", "has a ':' in its name"),
        ("assets/alpha/clip.mp4:stream", "has a ':' in its name"),
        ("assets/alpha/CON", "reserved on Windows"),
        ("assets/alpha/nul.mp4", "reserved on Windows"),
        ("assets/alpha/Com7.tar.gz", "reserved on Windows"),
        ("assets/alpha/lpt1/c.mp4", "reserved on Windows"),
        ("assets/alpha/aux .mp4", "reserved on Windows"),
        ("assets/alpha/clip.mp4.", "ending in a dot or a space"),
        ("assets/alpha/folder /c.mp4", "ending in a dot or a space"),
        ("assets/alpha/c\x1b[2J.mp4", "control character"),
        ("assets/alpha/./c1.mp4", "empty or '.' part"),
    ],
)
def test_a_name_not_portable_to_every_file_system_is_refused(
    capsys, site: Path, honest: Path, name: str, why: str
) -> None:
    archive = rebuilt(honest, lambda files: files.update({name: b"x"}), keep_manifest=False)
    line = one_line(refused(capsys, site, archive))
    assert why in line and repr(name) in line


def test_names_that_match_only_after_unicode_normalisation_are_refused(
    capsys, site: Path, honest: Path
) -> None:
    extra = {"assets/alpha/caf\u00e9.mp4": b"x", "assets/alpha/cafe\u0301.mp4": b"y"}
    archive = rebuilt(honest, lambda f: f.update(extra), keep_manifest=False)
    assert "would be written to the same place" in one_line(refused(capsys, site, archive))


def test_extraction_never_writes_through_a_link_inside_its_folder(
    honest: Path, tmp_path: Path
) -> None:
    """The names are safe; the staging folder is not what the reader made (a link put in
    it): the resolved target is checked before any file is opened."""
    into, outside = tmp_path / "staging", tmp_path / "outside"
    outside.mkdir()
    into.mkdir()
    (into / "assets").symlink_to(outside, target_is_directory=True)
    with PackArchive(honest, 10**9) as opened, pytest.raises(UnsafeEntry, match="outside"):
        opened.extract(into)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("clip", ["aux.mp4", "Lpt3.mp4", "clip.mp4."])
def test_export_refuses_a_pack_whose_names_would_be_refused_on_import(
    capsys, tmp_path: Path, clip: str
) -> None:
    folder = write_pack(tmp_path / "lessons", "alpha", case_ids=("c1",))
    case = folder / "cases" / "c1.toml"
    case.write_text(case.read_text().replace('video = "c1.mp4"', f'video = "{clip}"'))
    (tmp_path / "assets" / "alpha" / "c1.mp4").rename(tmp_path / "assets" / "alpha" / clip)
    out = tmp_path / "alpha.calpack"
    assert main(["pack", "export", str(folder), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and repr(f"assets/alpha/{clip}") in err
    assert not out.exists() and list(tmp_path.glob("*.partial")) == []


def opening_cost(archive: Path) -> tuple[str, float, int]:
    """Open `archive` as an import does: the refusal, the seconds and the peak bytes."""
    import time
    import tracemalloc

    from calibrate.core.sharing.errors import PackRefused

    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(PackRefused) as refusal:
        PackArchive(archive, 10**9).close()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return str(refusal.value), seconds, peak


def test_a_million_entry_directory_whose_end_record_claims_one_is_refused_cheaply(
    tmp_path: Path,
) -> None:
    """Like the reviewer's z4: 55 MB of directory records, the end record saying 1 entry.
    zipfile alone would read it whole and make a million ZipInfos (seconds, ~500 MB)."""
    archive = write_bare_directory(tmp_path / "z4.calpack", 1_000_000, claimed=1, name=b"a/0000001")
    line, seconds, peak = opening_cost(archive)
    assert "its zip directory is 55,000,000 bytes, more than 10,000 entries can need" in line
    assert seconds < 0.5 and peak < 2 * MIB


def test_a_directory_within_the_bound_is_counted_record_by_record(tmp_path: Path) -> None:
    """250,000 one-letter records fit in the 13 MB bound; walking them stops at 10,001,
    before zipfile would make an object of each."""
    archive = write_bare_directory(tmp_path / "many.calpack", 250_000, claimed=1)
    line, seconds, peak = opening_cost(archive)
    assert "holds 10,001 entries; a pack may hold at most 10,000" in line
    assert seconds < 1 and peak < 20 * MIB


def test_an_end_record_claiming_too_many_entries_is_refused_before_the_directory_is_read(
    capsys, site: Path, honest: Path
) -> None:
    data = bytearray(honest.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (20_000).to_bytes(2, "little") * 2
    archive = honest.with_name("claims.calpack")
    archive.write_bytes(bytes(data))
    line = one_line(refused(capsys, site, archive))
    assert "holds 20,000 entries; a pack may hold at most 10,000" in line


def test_an_entry_name_longer_than_1024_bytes_is_refused(capsys, site: Path, honest: Path) -> None:
    name = "assets/alpha/" + "/".join(["d" * 200] * 6) + "/x.mp4"
    archive = rebuilt(honest, lambda files: files.update({name: b"x"}), keep_manifest=False)
    assert "has a name longer than 1,024 bytes" in one_line(refused(capsys, site, archive))


def test_entries_sharing_compressed_bytes_are_refused(capsys, site: Path, honest: Path) -> None:
    """The first entry's directory record claims 5,000 more compressed bytes than it has:
    its data would run into the next entry's (how overlapping zip bombs are made)."""
    data = bytearray(honest.read_bytes())
    record = data.find(b"PK\x01\x02")
    size = int.from_bytes(data[record + 20 : record + 24], "little")
    data[record + 20 : record + 24] = (size + 5000).to_bytes(4, "little")
    archive = honest.with_name("overlap.calpack")
    archive.write_bytes(bytes(data))
    line = one_line(refused(capsys, site, archive))
    assert "'lessons/alpha/pack.toml' and 'lessons/alpha/guidance/01-intro.md' overlap" in line


def test_an_entry_flagged_with_strong_encryption_is_refused(
    capsys, site: Path, honest: Path
) -> None:
    archive = honest.with_name("strong.calpack")
    archive.write_bytes(honest.read_bytes())
    set_flag_bits(archive, "assets/alpha/c1.mp4", 0x40)
    assert "'assets/alpha/c1.mp4' is encrypted" in one_line(refused(capsys, site, archive))


def test_a_bomb_is_stopped_just_past_1_mib_of_output(zero_bomb: Path, tmp_path: Path) -> None:
    """The ratio leaves out the compressed bytes zipfile has read ahead but not inflated:
    counting them, one 128 KiB read of zeros would let ~12 MB out before the refusal."""
    from calibrate.core.sharing.errors import ArchiveTooLarge

    reported: list[int] = []
    (tmp_path / "staging").mkdir()
    with PackArchive(zero_bomb, 4 * 1024**3) as opened, pytest.raises(ArchiveTooLarge):
        opened.extract(tmp_path / "staging", lambda done, _total: reported.append(done))
    assert max(reported, default=0) < 2 * MIB


def import_progress(archive: Path, site: Path) -> tuple[str, list[int]]:
    """Import through ws.packs as the app does: the refusal and every progress report."""
    from calibrate.core.sharing.errors import PackRefused
    from calibrate.workspace import Workspace

    reported: list[int] = []
    with pytest.raises(PackRefused) as refusal:
        Workspace.without_database([]).packs.import_pack(
            archive, site / "lessons", progress=lambda done, _total: reported.append(done)
        )
    return str(refusal.value), reported


def test_a_lesson_file_over_the_loaders_limit_is_refused_before_extraction(
    site: Path, honest: Path
) -> None:
    def pad(files: dict[str, bytes]) -> None:
        key = "lessons/alpha/cases/c1.toml"
        files[key] += b"# " + base64.b64encode(os.urandom(1152 * 1024)) + b"\n"

    archive = rebuilt(honest, pad, keep_manifest=False)
    line, reported = import_progress(archive, site)
    assert "'lessons/alpha/cases/c1.toml' is 1,573," in line
    assert "more than a lesson file may be (1,024 KiB)" in line
    assert reported == []  # not one byte extracted


def test_an_invalid_pack_is_refused_before_its_clips_are_extracted(
    site: Path, honest: Path
) -> None:
    clip = b"\0\0\0\x18ftyp" + os.urandom(4 * MIB)

    def break_it(files: dict[str, bytes]) -> None:
        files["assets/alpha/c1.mp4"] = clip
        key = "lessons/alpha/cases/c2.toml"
        files[key] = files[key].replace(b'decision = "remove"', b'decision = "nuke"')

    line, reported = import_progress(rebuilt(honest, break_it, keep_manifest=False), site)
    assert "the pack in it does not validate (1 problem)" in line
    assert max(reported) < 64 * 1024  # the lesson files alone


def test_a_clip_no_case_names_is_refused_before_it_is_written(site: Path, honest: Path) -> None:
    extra = {"assets/alpha/extra.mp4": b"\0\0\0\x18ftyp" + os.urandom(4 * MIB)}
    archive = rebuilt(honest, lambda f: f.update(extra), keep_manifest=False)
    line, reported = import_progress(archive, site)
    assert "'assets/alpha/extra.mp4' is a file no case names" in line
    assert max(reported) < 64 * 1024


@pytest.fixture
def disk_events(monkeypatch) -> list[tuple[str, ...]]:
    """Every fsync (the path synced) and rename, in order, as they reach the disk."""
    events: list[tuple[str, ...]] = []
    real_fsync, real_rename, real_replace = os.fsync, os.rename, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def rename(source, target) -> None:
        events.append(("rename", str(source), str(target)))
        real_rename(source, target)

    def replace(source, target) -> None:
        events.append(("rename", str(source), str(target)))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "replace", replace)
    return events


def synced_before(events: list[tuple[str, ...]], target: Path) -> tuple[Path, set[Path]]:
    """The folder renamed to `target`, and every path fsynced before that rename."""
    at = next(i for i, e in enumerate(events) if e[0] == "rename" and e[2] == str(target))
    return Path(events[at][1]), {Path(e[1]) for e in events[:at] if e[0] == "fsync"}


def test_an_import_is_on_disk_before_it_is_renamed_into_place(
    capsys, site: Path, honest: Path, disk_events: list[tuple[str, ...]]
) -> None:
    assert main(["pack", "import", str(honest), "--into", str(site / "lessons")]) == 0
    for placed in (site / "lessons" / "alpha", site / "assets" / "alpha"):
        staged, synced = synced_before(disk_events, placed)
        inside = {staged / p.relative_to(placed) for p in placed.rglob("*")}
        assert inside | {staged} <= synced  # every file and folder, the folder itself too
    after = disk_events.index(("fsync", str(site / "lessons")))
    assert after > max(i for i, e in enumerate(disk_events) if e[0] == "rename")


def test_an_export_is_on_disk_before_it_is_renamed_and_the_rename_after(
    tmp_path: Path, disk_events: list[tuple[str, ...]]
) -> None:
    folder = write_pack(tmp_path / "lessons", "alpha")
    out = tmp_path / "out" / "alpha.calpack"
    assert main(["pack", "export", str(folder), "--out", str(out)]) == 0
    temp, synced = synced_before(disk_events, out)
    assert temp in synced and disk_events[-1] == ("fsync", str(out.parent))


def test_an_undo_that_fails_says_where_the_old_pack_is(
    capsys, monkeypatch, tmp_path: Path, site: Path, honest: Path
) -> None:
    """Putting the clips in fails, and so does renaming the old pack back: the line says
    so and where the old pack is (never 'nothing written'), and the old pack is kept."""
    import errno

    write_pack(site / "lessons", "alpha", case_ids=("c1",), decision="allow")
    old_case = (site / "lessons" / "alpha" / "cases" / "c1.toml").read_bytes()
    real_rename = os.rename

    def rename(source, target) -> None:
        if Path(target) == site / "assets" / "alpha" and "import" in str(source):
            raise OSError(errno.ENOSPC, "No space left on device")
        if Path(target) == site / "lessons" / "alpha" and "replaced" in str(source):
            raise OSError(errno.EIO, "Input/output error")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    code = main(["pack", "import", str(honest), "--into", str(site / "lessons"), "--replace"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "nothing written" not in err
    assert "could not be put in place (No space left on device)" in err
    assert "undoing that failed too (Input/output error" in err
    [kept] = (site / "lessons").glob(".calpack-replaced-*/alpha")
    assert f"the old pack is in {kept} (move it back)" in err
    assert (kept / "cases" / "c1.toml").read_bytes() == old_case
    assert (site / "assets" / "alpha" / "c1.mp4").is_file()  # its clips were put back


@pytest.mark.parametrize("given", ["relative", "absolute"])
def test_export_lists_problems_as_calibrate_validate_prints_them(
    capsys, monkeypatch, tmp_path: Path, given: str
) -> None:
    folder = write_pack(tmp_path / "lessons", "alpha", decision="nuke")
    (tmp_path / "assets" / "alpha" / "c2.mp4").unlink()
    monkeypatch.chdir(tmp_path)
    argument = "lessons/alpha" if given == "relative" else str(folder)
    assert main(["validate", argument]) == 1
    validated = [line for line in capsys.readouterr().out.splitlines() if ".toml:" in line]
    assert main(["pack", "export", argument, "--out", "alpha.calpack"]) == 2
    listed = capsys.readouterr().err.splitlines()[1:]
    assert listed == validated and len(listed) == 3
    assert listed[0].startswith("lessons/alpha/")
