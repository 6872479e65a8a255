"""A trainer validates lesson files: every problem names file, line, key path, and what is wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from calibrate.core.lessons.loader import load_library, validate_path
from tests.pack_factory import write_pack


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    write_pack(folder, "alpha")
    write_pack(folder, "beta", case_ids=("b1", "b2", "b3"))
    return folder


def run_validate(*paths: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calibrate", "validate", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def availability(lessons: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Per loaded pack: the ids of its available and of its unavailable lessons."""
    return {
        pack.id: ([x.id for x in pack.lessons], [x.lesson.id for x in pack.unavailable])
        for pack in load_library([lessons]).packs
    }


def line_number(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_valid_packs_pass_with_exit_zero(lessons: Path) -> None:
    result = run_validate(lessons, cwd=lessons.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    loaded = load_library([lessons])
    assert [p.id for p in loaded.packs] == ["alpha", "beta"] and not loaded.problems


@pytest.mark.parametrize("where", ["lessons", "pack"])
def test_a_relative_path_from_inside_the_folder_finds_the_same_clips(
    lessons: Path, where: str
) -> None:
    # `calibrate validate .` run from inside lessons/ (or a pack folder) must look for clips in
    # the assets/ beside lessons/, not in ./assets, or every clip is reported missing.
    inside = lessons if where == "lessons" else lessons / "alpha"
    result = run_validate(Path("."), cwd=inside)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_id_against_the_rule_is_explained_in_words_not_as_a_pattern(lessons: Path) -> None:
    pack = lessons / "alpha" / "pack.toml"
    replace_in(pack, 'id = "GR-2"', 'id = "GR 2"')
    result = run_validate(lessons, cwd=lessons.parent)
    assert result.returncode == 1
    line = next(x for x in result.stdout.splitlines() if "clauses[1].id" in x)
    assert f"pack.toml:{line_number(pack, 'GR 2')}:" in line
    assert "'GR 2' is not a valid id: start with a letter or digit" in line
    assert "pattern" not in line and "^[" not in line


def test_toml_syntax_error_names_file_and_line(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    replace_in(case, 'severity = "medium"', "severity = medium oops")
    result = run_validate(lessons, cwd=lessons.parent)
    assert result.returncode == 1
    expected_line = line_number(case, "severity = medium")
    assert result.stdout.startswith(f"lessons/alpha/cases/c1.toml:{expected_line}: TOML syntax")
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_required_key_has_dash_line_and_key_path(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c2.toml"
    replace_in(case, 'decision = "remove"\n', "")
    problems = validate_path(lessons)
    assert [p.format(relative_to=str(lessons.parent)) for p in problems] == [
        "lessons/alpha/cases/c2.toml:-: golden.decision: Field required"
    ]


def test_wrong_type_points_at_the_offending_line(lessons: Path) -> None:
    case = lessons / "beta" / "cases" / "b2.toml"
    replace_in(case, "at = 1.0", "at = true")
    [problem] = validate_path(lessons / "beta")
    assert problem.key_path == "cues[0].at"
    assert problem.line == line_number(case, "at = true")


def test_unknown_decision_in_golden_lists_the_pack_decisions(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    replace_in(case, 'decision = "remove"', 'decision = "delete"')
    [problem] = validate_path(case)
    assert problem.key_path == "golden.decision"
    assert problem.line == line_number(case, 'decision = "delete"')
    assert "unknown decision 'delete'" in problem.message and "age_restricted" in problem.message


@pytest.mark.parametrize("video", ["../../etc/passwd", "/etc/passwd", "../beta/b1.mp4"])
def test_media_path_leaving_the_pack_assets_is_refused(lessons: Path, video: str) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    replace_in(case, 'video = "c1.mp4"', f'video = "{video}"')
    [problem] = validate_path(lessons / "alpha")
    assert problem.key_path == "video" and problem.line == line_number(case, "video =")
    assert video in problem.message
    assert availability(lessons)["alpha"] == ([], ["basics"])


# A case's id must be its file name, and a folder holds each name once: two files cannot load
# as cases with one id, so a copied case is reported (once) as a file-name problem of the copy.
def test_duplicate_case_id_is_reported_on_the_second_file(lessons: Path) -> None:
    second = lessons / "alpha" / "cases" / "c2.toml"
    (lessons / "alpha" / "cases" / "c2-copy.toml").write_text(second.read_text())
    messages = [p.format() for p in validate_path(lessons / "alpha")]
    assert any("c2-copy.toml:1: id:" in m and "must match the file name" in m for m in messages)
    assert all("c2-copy.toml:" in m for m in messages), messages  # the original is fine
    pack = next(p for p in load_library([lessons]).packs if p.id == "alpha")
    assert pack.cases["c2"].source == second


def test_duplicate_case_id_in_two_files_named_alike(lessons: Path) -> None:
    cases = lessons / "alpha" / "cases"
    replace_in(cases / "c2.toml", 'id = "c2"', 'id = "c1"')
    (cases / "c2.toml").rename(cases / "c1.TOML.toml")
    problems = validate_path(lessons / "alpha")
    assert any("must match the file name" in p.message for p in problems)
    files = {p.format().split(":")[0] for p in problems}
    assert str(cases / "c1.TOML.toml") in files and str(cases / "c1.toml") not in files


def test_random_bytes_case_file_is_a_located_error(lessons: Path) -> None:
    case = lessons / "beta" / "cases" / "b3.toml"
    case.write_bytes(os.urandom(64) + b"\xff\xfe")
    result = run_validate(lessons, cwd=lessons.parent)
    assert result.returncode == 1
    assert result.stdout.startswith("lessons/beta/cases/b3.toml:")
    assert "Traceback" not in result.stdout + result.stderr
    assert availability(lessons) == {"alpha": (["basics"], []), "beta": ([], ["basics"])}


def test_missing_media_is_reported_but_the_pack_still_loads(lessons: Path) -> None:
    (lessons.parent / "assets" / "alpha" / "c2.mp4").unlink()
    result = run_validate(lessons / "alpha", cwd=lessons)
    assert result.returncode == 1
    assert result.stdout.startswith("alpha/cases/c2.toml:3: video: media file missing")
    loaded = load_library([lessons])
    assert "alpha" in [p.id for p in loaded.packs]
    assert len(loaded.problems) == 1


def test_a_broken_pack_leaves_the_others_loaded(lessons: Path) -> None:
    replace_in(lessons / "alpha" / "pack.toml", 'policy = "Shocking', 'policy = 3 #"')
    loaded = load_library([lessons])
    assert [p.id for p in loaded.packs] == ["beta"]
    assert loaded.problems and loaded.problems[0].file.endswith("alpha/pack.toml")


def test_lesson_naming_an_unknown_case_points_into_pack_toml(lessons: Path) -> None:
    pack = lessons / "beta" / "pack.toml"
    replace_in(pack, 'cases = ["b1"', 'cases = ["b9", "b1"')
    [problem] = validate_path(lessons / "beta")
    assert problem.key_path == "lessons[0].cases[0]"
    assert problem.line == line_number(pack, "cases = [")
    assert "'b9' not found" in problem.message


def test_misspelt_key_is_an_error_not_ignored(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    replace_in(case, "[context]\n", "[context]\ncaptoin = 'typo'\n")
    [problem] = validate_path(case)
    assert problem.key_path == "context.captoin" and "unknown key" in problem.message
    assert problem.line == line_number(case, "captoin")


def test_case_file_outside_a_pack_is_explained(tmp_path: Path) -> None:
    stray = tmp_path / "x" / "cases" / "c.toml"
    stray.parent.mkdir(parents=True)
    stray.write_text('id = "c"\n')
    result = run_validate(stray, cwd=tmp_path)
    assert result.returncode == 1 and "not inside a pack" in result.stdout


def test_a_path_that_does_not_exist_is_a_refused_argument(tmp_path: Path) -> None:
    result = run_validate(Path("nothere"), cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "calibrate validate: no such file or folder: nothere\n"
    (tmp_path / "real").mkdir()
    odd = run_validate(tmp_path / "real", Path("a\nb"), cwd=tmp_path)  # one line, even so
    assert odd.returncode == 2 and odd.stderr == "calibrate validate: no such file or folder: a?b\n"


def test_top_level_key_written_under_a_table_says_where_it_belongs(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    text = case.read_text()
    start = text.index('rationale = """')
    end = text.index('"""', start + 15) + 4
    case.write_text(text[:start] + text[end:] + "\n" + text[start:end])
    messages = [p.format() for p in validate_path(case)]
    assert any("'rationale' belongs at the top of the file" in m for m in messages), messages


@pytest.mark.parametrize(
    ("line", "message"),
    [('at = [""]', "a time is seconds"), ("at = nan", "finite"), ("at = -2", "negative")],
)
def test_odd_cue_times_are_located_errors_not_crashes(lessons: Path, line: str, message: str):
    case = lessons / "alpha" / "cases" / "c1.toml"
    replace_in(case, "at = 1.0", line)
    [problem] = validate_path(case)
    assert problem.key_path == "cues[0].at" and message in problem.message
    assert problem.line == line_number(case, line)


def test_a_bare_toml_time_is_read_as_a_clock(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    replace_in(case, "at = 1.0", "at = 00:00:01.5")
    assert validate_path(case) == []
    [pack] = load_library([lessons]).packs[:1]
    assert pack.cases["c1"].cues[0].at == 1.5


@pytest.mark.parametrize("video", [".", "./", "a\\u0000b.mp4"])
def test_media_paths_naming_no_file_are_refused(lessons: Path, video: str) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    replace_in(case, 'video = "c1.mp4"', f'video = "{video}"')
    [problem] = validate_path(case)
    assert problem.key_path == "video"
    assert availability(lessons)["alpha"] == ([], ["basics"])


def test_validate_on_a_device_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    result = run_validate(Path("/dev/null"), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout


def test_a_misspelt_key_does_not_hide_a_video_path_leaving_the_pack(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    replace_in(case, 'severity = "medium"', 'severty = "medium"')
    replace_in(case, 'video = "c1.mp4"', 'video = "/etc/passwd"')
    result = run_validate(case, cwd=lessons.parent)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        f"lessons/alpha/cases/c1.toml:{line_number(case, 'severty')}: severty: unknown key"
        in "\n".join(lines)
    )
    assert any(
        line.startswith(
            f"lessons/alpha/cases/c1.toml:{line_number(case, 'video =')}: "
            "video: media path '/etc/passwd'"
        )
        for line in lines
    ), lines


def test_a_missing_golden_table_does_not_hide_a_missing_clip(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c2.toml"
    replace_in(case, '[golden]\ndecision = "remove"\nclauses = ["GR-1"]\n', "")
    (lessons.parent / "assets" / "alpha" / "c2.mp4").unlink()
    messages = [p.format(relative_to=str(lessons.parent)) for p in validate_path(case)]
    assert messages[0] == "lessons/alpha/cases/c2.toml:-: golden: Field required"
    assert messages[1].startswith("lessons/alpha/cases/c2.toml:3: video: media file missing")
    assert len(messages) == 2


def test_schema_and_reference_errors_of_one_file_come_together(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    replace_in(case, 'severity = "medium"', 'severity = "urgent"')
    replace_in(case, 'decision = "remove"', 'decision = "delete"')
    replace_in(case, 'clauses = ["GR-1"]', 'clauses = ["HB-7"]')
    problems = {p.key_path: p for p in validate_path(case)}
    assert problems.keys() == {"severity", "golden.decision", "golden.clauses[0]"}
    assert problems["golden.clauses[0]"].message == (
        "unknown clause 'HB-7'; the pack's clauses are GR-1, GR-2"
    )


def test_a_case_in_no_lesson_is_a_warning_that_keeps_exit_zero(lessons: Path) -> None:
    extra = lessons / "alpha" / "cases" / "c9.toml"
    extra.write_text(
        (lessons / "alpha" / "cases" / "c1.toml")
        .read_text()
        .replace('id = "c1"', '# a new case\nid = "c9"')
        .replace("c1.mp4", "c2.mp4")
    )
    result = run_validate(lessons, cwd=lessons.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (
        "lessons/alpha/cases/c9.toml:2: id: warning: case 'c9' is in no lesson\n"
    )
    assert run_validate(extra, cwd=lessons.parent).stdout == result.stdout
    replace_in(extra, 'severity = "medium"', "severity = 3")
    assert run_validate(lessons, cwd=lessons.parent).returncode == 1


@pytest.mark.parametrize(
    ("text", "key_path", "needle"),
    [
        ("source.url.path = 'x'\n", "source", "source.url.path"),
        ("\n[golden.notes]\nwho = 'me'\n", "golden.notes", "[golden.notes]"),
        ("\n[context.more]\nx = 1\n", "context.more", "[context.more]"),
    ],
)
def test_unknown_dotted_keys_and_sub_tables_name_their_line(
    lessons: Path, text: str, key_path: str, needle: str
) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    if text.startswith("source."):  # a dotted key at the top, before the first table
        replace_in(case, 'severity = "medium"', 'severity = "medium"\n' + text)
    else:
        case.write_text(case.read_text() + text)
    [problem] = validate_path(case)
    assert problem.key_path == key_path and "unknown key" in problem.message
    assert problem.line == line_number(case, needle)


def test_a_byte_order_mark_is_named(lessons: Path) -> None:
    case = lessons / "alpha" / "cases" / "c1.toml"
    case.write_bytes(b"\xef\xbb\xbf" + case.read_bytes())
    result = run_validate(case, cwd=lessons.parent)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "lessons/alpha/cases/c1.toml:1: the file starts with a UTF-8 byte order mark (BOM)"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "media file is empty (0 bytes)"),
        (b"<html>this is a web page saved as .mp4</html>", "media file is not a video container"),
    ],
)
def test_an_empty_or_non_video_clip_is_reported_and_the_lesson_stays(
    lessons: Path, content: bytes, message: str
) -> None:
    (lessons.parent / "assets" / "alpha" / "c2.mp4").write_bytes(content)
    result = run_validate(lessons, cwd=lessons.parent)
    assert result.returncode == 1
    assert result.stdout.startswith("lessons/alpha/cases/c2.toml:3: video: " + message)
    assert availability(lessons)["alpha"] == (["basics"], [])


@pytest.mark.parametrize(
    "head",
    [
        b"\x00\x00\x00\x20ftypmp42",
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81",
        b"OggS\x00\x02",
        b"RIFF\x00\x00\x00\x00AVI LIST",
    ],
)
def test_clips_of_known_containers_pass(lessons: Path, head: bytes) -> None:
    (lessons.parent / "assets" / "alpha" / "c2.mp4").write_bytes(head + bytes(300))
    assert validate_path(lessons / "alpha") == []
