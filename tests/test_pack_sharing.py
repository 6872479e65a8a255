"""Trainers share packs as `.calpack` files: `calibrate pack new|export|import` (DESIGN.md,
"Headless contracts"; docs/sharing.md). Round trips of the demo packs, a new pack, the
identical re-import, --replace, and the progress and cancel the app's dialogs use."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from calibrate.cli import main
from calibrate.core.lessons.loader import load_pack, validate_path
from calibrate.core.models import AnswerDraft
from calibrate.core.sharing.errors import PackCancelled
from calibrate.workspace import Workspace
from tests.calpack_factory import tree_digest
from tests.pack_factory import write_pack

DEMO_PACKS = ("graphic-content", "harassment", "regulated-goods")


def cli(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    code = main(["pack", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A trainer's checkout: lessons/ and assets/ side by side, empty."""
    (tmp_path / "site").mkdir()
    return tmp_path / "site"


@pytest.mark.parametrize("pack_id", DEMO_PACKS)
def test_each_demo_pack_round_trips_and_a_lesson_is_taken_from_the_copy(
    capsys, tmp_path: Path, site: Path, demo_lessons_dir: Path, pack_id: str
) -> None:
    original, _ = load_pack(demo_lessons_dir / pack_id)
    archive = tmp_path / f"{pack_id}.calpack"
    code, out, err = cli(capsys, "export", demo_lessons_dir / pack_id, "--out", archive)
    assert (code, err) == (0, [])
    assert out[0].startswith(f"Exported pack '{pack_id}'")
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
    assert names[-1] == "manifest.json"
    assert {n.split("/")[0] for n in names} == {"lessons", "assets", "manifest.json"}
    assert not any(n.endswith("drawn-texts.json") for n in names)  # only the clips cases use

    code, out, err = cli(capsys, "import", archive, "--into", site / "lessons")
    assert (code, err) == (0, [])
    assert validate_path(site / "lessons") == []
    copy, _ = load_pack(site / "lessons" / pack_id)
    assert copy is not None and original is not None
    assert copy.content_hash == original.content_hash
    assert copy.assets == site / "assets" / pack_id

    ws = Workspace.open(tmp_path / "calibrate.sqlite3", [site / "lessons"])
    try:
        ws.lessons.load()
        pack = ws.pack(pack_id)
        assert pack.folder == site / "lessons" / pack_id  # the copy, not the bundled pack
        lesson = pack.offered_lessons[0]
        profile = ws.profiles.create("Ana", "EU", "Lisbon")
        opened = ws.sessions.open(profile, pack, lesson.id, lesson.case_ids)
        case = pack.cases[lesson.case_ids[0]]
        answer = ws.sessions.record_answer(
            session_id=opened.id,
            session_kind=opened.kind,
            profile=profile,
            pack=pack,
            lesson_id=lesson.id,
            case=case,
            draft=AnswerDraft(case.golden.decision, case.golden.clauses[0], 0.9, ""),
            shown_at="2026-12-06T08:00:00.000Z",
            time_to_answer_ms=3000,
            watched_ms=3000,
        )
        assert answer.pack_hash == original.content_hash
    finally:
        ws.close()


def test_importing_the_same_pack_again_changes_nothing(capsys, tmp_path: Path, site: Path) -> None:
    write_pack(tmp_path / "src" / "lessons", "alpha")
    archive = tmp_path / "alpha.calpack"
    assert cli(capsys, "export", tmp_path / "src/lessons/alpha", "--out", archive)[0] == 0
    assert cli(capsys, "import", archive, "--into", site / "lessons")[0] == 0
    before = tree_digest(site)
    code, out, err = cli(capsys, "import", archive, "--into", site / "lessons")
    assert (code, err) == (0, [])
    assert "identical; nothing to do" in out[0]
    assert tree_digest(site) == before


def test_replace_replaces_both_folders_whole(capsys, tmp_path: Path, site: Path) -> None:
    write_pack(tmp_path / "src" / "lessons", "alpha", case_ids=("c1",))
    archive = tmp_path / "alpha.calpack"
    assert cli(capsys, "export", tmp_path / "src/lessons/alpha", "--out", archive)[0] == 0
    old = write_pack(site / "lessons", "alpha", case_ids=("c1", "c2"), decision="allow")
    (old / "notes.txt").write_text("the trainer's own notes")
    (site / "assets" / "alpha" / "old-clip.mp4").write_bytes(b"old")
    code, out, err = cli(capsys, "import", archive, "--into", site / "lessons", "--replace")
    assert (code, err) == (0, [])
    assert out[0].startswith("Replaced pack 'alpha'")
    assert sorted(p.name for p in (site / "assets" / "alpha").iterdir()) == ["c1.mp4"]
    assert not (old / "notes.txt").exists() and not (old / "cases" / "c2.toml").exists()
    assert sorted(p.name for p in site.iterdir()) == ["assets", "lessons"]  # nothing left over
    assert sorted(p.name for p in (site / "lessons").iterdir()) == ["alpha"]


def test_a_new_pack_is_valid_exports_and_offers_no_lesson_until_it_has_cases(
    capsys, tmp_path: Path, site: Path
) -> None:
    folder = tmp_path / "lessons" / "policy-x"
    code, out, err = cli(capsys, "new", folder, "--title", 'Policy "X" <b>', "--ladder", "a,b,c")
    assert (code, err) == (0, [])
    pack, problems = load_pack(folder)
    assert problems == [] and pack is not None
    assert pack.title == 'Policy "X" <b>' and pack.policy == pack.title
    assert pack.policy_version == "1"
    assert [(d.id, d.label, d.on_ladder) for d in pack.scale.decisions] == [
        ("a", "A", True),
        ("b", "B", True),
        ("c", "C", True),
        ("escalate", "Escalate", False),
    ]
    assert [c.id for c in pack.clauses] == ["policy-x-1"]
    assert [len(x.case_ids) for x in pack.lessons] == [0] and pack.offered_lessons == ()
    archive = tmp_path / "x.calpack"
    assert cli(capsys, "export", folder, "--out", archive)[0] == 0
    assert cli(capsys, "import", archive, "--into", site / "lessons")[0] == 0
    assert not (site / "assets").exists()  # a pack without clips brings no assets folder


def test_the_default_ladder_has_five_rungs_labelled_from_their_ids(capsys, tmp_path: Path) -> None:
    assert cli(capsys, "new", tmp_path / "p", "--title", "T", "--policy", "P")[0] == 0
    pack, _ = load_pack(tmp_path / "p")
    assert pack is not None and pack.policy == "P"
    assert [d.label for d in pack.scale.decisions] == [
        "Allow",
        "Not recommended",
        "Age restricted",
        "Warning screen",
        "Remove",
        "Escalate",
    ]


@pytest.mark.parametrize(
    ("argv", "why"),
    [
        (("--ladder", "only"), "at least 2 rungs"),
        (("--ladder", "a,a"), "appears twice"),
        (("--ladder", "a,escalate"), "off the ladder"),
        (("--ladder", "a,b c"), "not a decision id"),
        (("--title", "  "), "may not be empty"),
    ],
)
def test_pack_new_refuses_with_one_line_and_writes_nothing(
    capsys, tmp_path: Path, argv: tuple[str, ...], why: str
) -> None:
    args = ["new", tmp_path / "lessons" / "p", "--title", "T", *argv]
    code, out, err = cli(capsys, *args)
    assert code == 2 and len(err) == 1 and why in err[0]
    assert list(tmp_path.iterdir()) == []


def test_pack_new_refuses_an_existing_folder_and_a_bad_id(capsys, tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    code, _, err = cli(capsys, "new", tmp_path / "taken", "--title", "T")
    assert code == 2 and err == [
        f"calibrate pack new: {tmp_path / 'taken'} already exists; a new pack needs a new folder"
    ]
    code, _, err = cli(capsys, "new", tmp_path / ("x" * 63), "--title", "T")
    assert code == 2 and "cannot be a pack id" in err[0]
    (tmp_path / "file").write_text("in the way")
    code, _, err = cli(capsys, "new", tmp_path / "file" / "p", "--title", "T")
    assert code == 2 and err == [
        f"calibrate pack new: {tmp_path / 'file'} is a file, not a folder; a new pack needs a "
        "new folder"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "taken"]


def test_export_refuses_an_invalid_pack_listing_its_problems(capsys, tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "lessons", "alpha", decision="nuke")
    (tmp_path / "assets" / "alpha" / "c2.mp4").unlink()
    archive = tmp_path / "out" / "alpha.calpack"
    code, out, err = cli(capsys, "export", folder, "--out", archive)
    assert code == 2
    assert err[0].endswith("does not validate (3 problems); nothing written")
    assert len(err) == 4
    assert any("alpha/cases/c1.toml:" in line and "unknown decision 'nuke'" in line for line in err)
    assert any("media file missing" in line and "c2.mp4" in line for line in err)
    assert not (tmp_path / "out").exists()


def test_export_and_import_report_progress_and_stop_when_cancelled(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "src" / "lessons", "alpha", media=b"\0\0\0\x18ftyp" * 50_000)
    packs = Workspace.without_database([]).packs
    seen: list[tuple[int, int]] = []
    archive = tmp_path / "alpha.calpack"
    done = packs.export_pack(folder, archive, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (done.bytes, done.bytes) and len(seen) > 2
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)

    with pytest.raises(PackCancelled):
        packs.export_pack(folder, tmp_path / "never.calpack", cancelled=lambda: True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alpha.calpack", "src"]

    site = tmp_path / "site"
    site.mkdir()
    calls = iter(range(100))
    with pytest.raises(PackCancelled):  # cancelled once a few chunks are out
        packs.import_pack(archive, site / "lessons", cancelled=lambda: next(calls) > 2)
    assert list(site.iterdir()) == []
    seen.clear()
    result = packs.import_pack(archive, site / "lessons", progress=lambda d, t: seen.append((d, t)))
    assert result.outcome == "added" and seen[-1] == (result.bytes, result.bytes)


def test_import_across_file_systems_copies_then_renames(capsys, tmp_path: Path) -> None:
    """A lessons folder that is a link to another file system (a trainer's checkout on
    another disk): rename cannot cross, so the folder is copied beside the target first."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs a second file system")
    write_pack(tmp_path / "src" / "lessons", "alpha")
    archive = tmp_path / "alpha.calpack"
    assert cli(capsys, "export", tmp_path / "src/lessons/alpha", "--out", archive)[0] == 0
    elsewhere = Path(tmp_path_on(shm))
    try:
        site = tmp_path / "site"
        site.mkdir()
        (site / "lessons").symlink_to(elsewhere, target_is_directory=True)
        code, _, err = cli(capsys, "import", archive, "--into", site / "lessons")
        assert (code, err) == (0, [])
        assert [p.name for p in elsewhere.iterdir()] == ["alpha"]  # no copy left beside it
        assert validate_path(site / "lessons") == []
    finally:
        import shutil

        shutil.rmtree(elsewhere)


def tmp_path_on(folder: Path) -> str:
    import tempfile

    return tempfile.mkdtemp(dir=folder, prefix="calibrate-test-")


def test_the_lesson_list_offers_no_lesson_without_cases(capsys, qtbot, tmp_path: Path) -> None:
    """A new pack (one lesson, no cases) and a lesson whose cases are still to come are
    valid, and the moderator's lesson list does not offer them."""
    import argparse

    from calibrate.app import build_context
    from calibrate.gui.screens.lesson_list import LessonListScreen

    lessons = tmp_path / "lessons"
    folder = write_pack(lessons, "alpha", case_ids=("c1",))
    toml = (folder / "pack.toml").read_text()
    later = '\n[[lessons]]\nid = "later"\ntitle = "Coming later"\ncases = []\n'
    (folder / "pack.toml").write_text(toml + later)
    assert cli(capsys, "new", lessons / "fresh", "--title", "Fresh pack")[0] == 0
    args = argparse.Namespace(
        db=tmp_path / "c.sqlite3", lessons=[lessons], no_bundled=True, verbose=False
    )
    context = build_context(args, tmp_path / "c.log")
    assert not [p for p in context.library.problems if not p.is_warning]
    screen = LessonListScreen(context)
    qtbot.addWidget(screen)
    tree = screen.tree
    listed = {
        tree.topLevelItem(i).text(0): [
            tree.topLevelItem(i).child(j).text(0) for j in range(tree.topLevelItem(i).childCount())
        ]
        for i in range(tree.topLevelItemCount())
    }
    assert listed == {"Test pack alpha": ["Basics"]}
    context.close()


def test_a_failure_half_way_into_place_puts_the_old_pack_back(
    capsys, monkeypatch, tmp_path: Path, site: Path
) -> None:
    """The disk fills (or anything fails) while the new folders are renamed in: every step
    is undone, the replaced pack and its clips are back, nothing is left beside them."""
    import errno
    import os

    from calibrate.core.sharing import placing

    write_pack(tmp_path / "src" / "lessons", "alpha", case_ids=("c1",))
    archive = tmp_path / "alpha.calpack"
    assert cli(capsys, "export", tmp_path / "src/lessons/alpha", "--out", archive)[0] == 0
    write_pack(site / "lessons", "alpha", case_ids=("c1", "c2"), decision="allow")
    before = tree_digest(site)
    real_rename = os.rename

    def rename(source, target):  # the last step (the clips into assets/) fails
        if Path(target) == site / "assets" / "alpha" and "import" in str(source):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_rename(source, target)

    monkeypatch.setattr(placing.os, "rename", rename)
    code, _, err = cli(capsys, "import", archive, "--into", site / "lessons", "--replace")
    assert code == 2 and len(err) == 1
    assert "could not be put in place (No space left on device); nothing written" in err[0]
    assert tree_digest(site) == before


def test_export_refuses_to_write_over_one_of_the_packs_own_files(capsys, tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "lessons", "alpha")
    clip = tmp_path / "assets" / "alpha" / "c1.mp4"
    before = clip.read_bytes()
    code, _, err = cli(capsys, "export", folder, "--out", clip)
    assert code == 2 and "is one of the pack's own files" in err[0]
    assert clip.read_bytes() == before
