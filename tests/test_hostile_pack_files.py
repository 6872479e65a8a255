"""A trainer's checkout holds a hostile or broken file: `calibrate validate` and the app's pack
loading refuse it with one located line, never hang, never blow up memory, never print a
traceback, never follow a link out of the pack, and the pack's other lessons stay available.

Each hostile file is built here, in tmp_path; validate runs as a subprocess with a timeout and
the loader in a thread with a deadline, so a hang fails the test instead of stalling it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from calibrate.core.lessons.files import MAX_FILE_BYTES, MAX_TOML_DEPTH
from calibrate.core.lessons.loader import load_library
from calibrate.core.lessons.result import LoadResult
from tests.pack_factory import write_pack

DEADLINE_S = 30


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    """Pack alpha: lesson "basics" (c1, c2) and lesson "more" (c3)."""
    folder = tmp_path / "lessons"
    folder.mkdir()
    write_pack(
        folder,
        "alpha",
        case_ids=("c1", "c2", "c3"),
        lessons_of={"basics": ("c1", "c2"), "more": ("c3",)},
    )
    return folder


def validate(path: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "calibrate", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=DEADLINE_S,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-2000:]
    return result


def load_in_time(lessons: Path) -> LoadResult:
    """The app's loader (MainWindow._load_library calls it), failing on a hang."""
    found: list[LoadResult] = []
    worker = threading.Thread(target=lambda: found.append(load_library([lessons])), daemon=True)
    worker.start()
    worker.join(DEADLINE_S)
    assert found, f"loading {lessons} did not finish within {DEADLINE_S} s"
    return found[0]


def lessons_of(result: LoadResult) -> tuple[list[str], list[str]]:
    [pack] = result.packs
    return [x.id for x in pack.lessons], [x.lesson.id for x in pack.unavailable]


def replace_with_link(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


def replace_with_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def assert_one_refusal(lessons: Path, relative: str, words: str) -> None:
    """validate prints exactly one line for the hostile file, naming it; basics is
    unavailable, "more" still loads in the app."""
    result = validate(lessons, cwd=lessons.parent)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith(relative + ":")]
    assert len(lines) == 1 and words in lines[0], result.stdout
    loaded = load_in_time(lessons)
    assert lessons_of(loaded) == (["more"], ["basics"])
    [pack] = loaded.packs
    [broken] = pack.unavailable
    assert any(p.file.endswith(relative) and words in p.message for p in broken.problems)


def test_case_file_linked_to_dev_zero_is_refused(lessons: Path) -> None:
    replace_with_link(lessons / "alpha" / "cases" / "c1.toml", Path("/dev/zero"))
    assert_one_refusal(lessons, "lessons/alpha/cases/c1.toml", "links to /dev/zero, outside")


def test_fifo_as_case_file_is_refused_without_hanging(lessons: Path) -> None:
    replace_with_fifo(lessons / "alpha" / "cases" / "c1.toml")
    assert_one_refusal(
        lessons,
        "lessons/alpha/cases/c1.toml",
        "is a FIFO (named pipe), not a regular file; refused",
    )


def test_fifo_as_clip_is_reported_and_the_case_stays_answerable(lessons: Path) -> None:
    replace_with_fifo(lessons.parent / "assets" / "alpha" / "c1.mp4")
    result = validate(lessons, cwd=lessons.parent)
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert line.startswith("lessons/alpha/cases/c1.toml:3: video: media file ")
    assert line.endswith("is a FIFO (named pipe), not a regular file; refused")
    loaded = load_in_time(lessons)
    assert lessons_of(loaded) == (["basics", "more"], [])
    assert loaded.packs[0].cases["c1"].content_hash  # hashed without reading the FIFO


def test_fifo_as_case_file_given_alone_is_refused(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    replace_with_fifo(case)
    result = validate(case, cwd=lessons.parent)
    assert result.returncode == 1 and "c1.toml:-: not a lesson file or folder" in result.stdout


def test_a_50_mb_case_file_is_refused_after_reading_at_most_the_limit(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    with case.open("r+b") as handle:
        handle.seek(0, os.SEEK_END)
        handle.write(b"\n#")
        handle.truncate(50 * 1024 * 1024)  # sparse: cheap to make, 50 MB to read
    assert_one_refusal(
        lessons, "lessons/alpha/cases/c1.toml", f"larger than {MAX_FILE_BYTES // 1024} KiB"
    )


@pytest.mark.parametrize(
    "nesting",
    [
        "extra = " + "[" * 500 + "]" * 500,
        "extra = " + "{a = " * 500 + "1" + "}" * 500,
        "extra" + ".a" * 5000 + " = 1",
        "[" + ".".join(["t"] * 5000) + "]",
    ],
    ids=["arrays", "inline-tables", "dotted-key", "table-header"],
)
def test_toml_nested_too_deep_is_one_line_and_other_problems_still_show(
    lessons: Path, nesting: str
) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    case.write_text(case.read_text() + "\n" + nesting + "\n")
    other = lessons / "alpha" / "cases" / "c3.toml"
    other.write_text(other.read_text().replace('severity = "medium"', "severity = 3"))
    result = validate(lessons, cwd=lessons.parent)
    assert result.returncode == 1
    line = len(case.read_text().splitlines())
    assert result.stdout.splitlines() == [
        f"lessons/alpha/cases/c1.toml:{line}: nested deeper than {MAX_TOML_DEPTH} levels; "
        "lesson files need 3",
        "lessons/alpha/cases/c3.toml:4: severity: Input should be 'low', 'medium', 'high' or "
        "'critical', got 3",
    ]
    assert len(result.stderr.splitlines()) == 1
    loaded = load_in_time(lessons)
    assert lessons_of(loaded) == ([], ["basics", "more"])


def test_nesting_at_the_limit_is_a_plain_schema_error(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    depth = MAX_TOML_DEPTH - 1  # plus the key's own level
    case.write_text(
        case.read_text().replace(
            "[context]", "extra = " + "[" * depth + "]" * depth + "\n\n[context]"
        )
    )
    result = validate(case, cwd=lessons.parent)
    assert "extra: unknown key" in result.stdout and "nested" not in result.stdout


def test_guidance_linked_outside_the_pack_is_not_shown(lessons: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    replace_with_link(lessons / "alpha" / "guidance" / "01-intro.md", secret)
    result = validate(lessons, cwd=lessons.parent)
    assert result.returncode == 1
    assert result.stdout.startswith(
        f"lessons/alpha/guidance/01-intro.md:-: links to {secret}, outside "
    )
    loaded = load_in_time(lessons)
    assert lessons_of(loaded) == ([], ["basics", "more"])  # both lessons show that slide
    assert loaded.packs[0].guidance == {}


def test_guidance_linked_to_etc_passwd_is_refused(lessons: Path) -> None:
    replace_with_link(lessons / "alpha" / "guidance" / "01-intro.md", Path("/etc/passwd"))
    loaded = load_in_time(lessons)
    assert all("root:" not in s.markdown for p in loaded.packs for s in p.guidance.values())
    assert any("links to /etc/passwd" in p.message for p in loaded.problems)


def test_case_file_linked_outside_the_pack_is_refused(lessons: Path, tmp_path: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    outside = tmp_path / "elsewhere.toml"
    outside.write_text(case.read_text())
    replace_with_link(case, outside)
    assert_one_refusal(lessons, "lessons/alpha/cases/c1.toml", f"links to {outside}, outside")


def test_clip_linked_to_dev_zero_is_refused(lessons: Path) -> None:
    replace_with_link(lessons.parent / "assets" / "alpha" / "c1.mp4", Path("/dev/zero"))
    assert_one_refusal(lessons, "lessons/alpha/cases/c1.toml", "(a link to /dev/zero)")


def test_a_symlinked_pack_and_assets_folder_load_but_may_not_point_outside(
    tmp_path: Path,
) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "lessons").mkdir(parents=True)
    write_pack(
        checkout / "lessons",
        "alpha",
        case_ids=("c1", "c2", "c3"),
        lessons_of={"basics": ("c1", "c2"), "more": ("c3",)},
    )
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "alpha").symlink_to(checkout / "lessons" / "alpha")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "alpha").symlink_to(checkout / "assets" / "alpha")
    assert validate(lessons, cwd=tmp_path).returncode == 0
    assert lessons_of(load_in_time(lessons)) == (["basics", "more"], [])
    outside = tmp_path / "outside.toml"
    outside.write_text((lessons / "alpha" / "cases" / "c1.toml").read_text())
    replace_with_link(checkout / "lessons" / "alpha" / "cases" / "c1.toml", outside)
    assert_one_refusal(lessons, "lessons/alpha/cases/c1.toml", "outside")


def test_pack_toml_linked_outside_makes_only_that_pack_unavailable(
    lessons: Path, tmp_path: Path
) -> None:
    write_pack(lessons, "beta", case_ids=("b1",))
    outside = tmp_path / "pack.toml"
    outside.write_text((lessons / "alpha" / "pack.toml").read_text())
    replace_with_link(lessons / "alpha" / "pack.toml", outside)
    result = validate(lessons, cwd=lessons.parent)
    assert result.stdout.startswith(f"lessons/alpha/pack.toml:-: links to {outside}, outside")
    assert [p.id for p in load_in_time(lessons).packs] == ["beta"]


@pytest.mark.parametrize("breakage", ["fifo", "dangling-link", "link-loop"])
def test_an_unreadable_pack_toml_is_named_not_skipped(
    lessons: Path, tmp_path: Path, breakage: str
) -> None:
    write_pack(lessons, "beta", case_ids=("b1",))
    pack_file = lessons / "alpha" / "pack.toml"
    if breakage == "fifo":
        replace_with_fifo(pack_file)
    elif breakage == "dangling-link":
        replace_with_link(pack_file, tmp_path / "gone.toml")
    else:
        replace_with_link(pack_file, pack_file)
    result = validate(lessons, cwd=lessons.parent)
    assert result.returncode == 1
    assert result.stdout.startswith("lessons/alpha/pack.toml:-: "), result.stdout
    assert [p.id for p in load_in_time(lessons).packs] == ["beta"]


@pytest.mark.parametrize(
    "content",
    [
        '"\\' * (MAX_FILE_BYTES // 2 - 8),
        "x = [" + "[1, 2.5], " * (MAX_FILE_BYTES // 10 - 2),
        "'''" * (MAX_FILE_BYTES // 3 - 4),
    ],
    ids=["open-quotes", "flat-arrays", "triple-quotes"],
)
def test_a_hostile_file_just_under_the_size_limit_is_checked_in_time(
    lessons: Path, content: str
) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    case.write_text(content)
    assert_one_refusal(lessons, "lessons/alpha/cases/c1.toml", "")
