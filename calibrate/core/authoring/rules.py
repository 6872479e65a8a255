"""The live checks of the editor: one file as the trainer holds it, checked with the rules of
`calibrate validate` (the same schema, reference, media and limit checks of core/lessons,
called on the editor's text instead of the file's). Each problem carries the key path of its
field (`Problem.key_path`, as `cues[2].at`) so a screen shows it at that field.

Only the edited file is parsed: a case is checked against the pack's saved pack.toml
(`PackContext`, read once per pack.toml save) and its clip through `clip_check` (the
editor's cache of clip facts), so a check costs the same in a pack of 2 cases or 2,000.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import NamedTuple

from calibrate.core.errors import Problem
from calibrate.core.lessons.case_files import CaseResult, ClipCheck, PackRefs, check_case
from calibrate.core.lessons.files import MAX_FILE_BYTES, clip_problem, parse_toml
from calibrate.core.lessons.loader import cases_in_no_lesson, judge_lessons, lessons_of
from calibrate.core.lessons.pack_files import PackFiles, folder_id
from calibrate.core.lessons.schema import PackSpec


class PackContext(NamedTuple):
    """What a case is checked against: the pack's references and lessons, and its clips'
    folder (read from the saved pack.toml)."""

    folder: Path
    refs: PackRefs
    spec: PackSpec | None  # None when the saved pack.toml has problems
    assets: Path
    real_assets: Path | None

    @classmethod
    def read(cls, folder: Path) -> PackContext:
        files = PackFiles(folder)
        refs = PackRefs.from_data(folder_id(folder), files.file.data if files.file else None)
        spec = files.spec if not files.problems else None
        return cls(folder, refs, spec, files.assets, files.real_assets)


def check_pack_text(folder: Path, text: str) -> list[Problem]:
    """pack.toml as edited: its schema, its id against the folder, and every lesson's slides
    and cases against the files in guidance/ and cases/ (names only: each file's own
    problems are its editor's)."""
    files = PackFiles(folder, text)
    problems = list(files.problems)
    if files.spec is None or files.file is None or problems:
        return problems
    case_ids = _stems(folder / "cases", "*.toml")
    slides = _names(folder / "guidance", "*.md")
    lessons = lessons_of(files.spec, case_ids, slides)
    problems += judge_lessons(lessons, files.file, case_ids, slides, {})[2]
    named = {case_id for lesson in files.spec.lessons for case_id in lesson.cases}
    if files.spec.lessons:
        problems += [
            files.file.problem(("lessons",), f"warning: case {case_id!r} is in no lesson")
            for case_id in case_ids
            if case_id not in named
        ]
    return problems


def check_case_text(
    path: Path, text: str, pack: PackContext, clip_check: ClipCheck = clip_problem
) -> list[Problem]:
    """A case file as edited (to be saved at `path`, cases/<id>.toml): every problem
    `calibrate validate` would print for it, clip problems and `warning:` lines included."""
    problems: list[Problem] = []
    file = parse_toml(path, text, problems)
    if file is None:
        return problems
    checked = check_case(file, pack.refs, pack.assets, pack.real_assets, clip_check)
    problems += checked.problems + checked.media_problems
    if pack.spec is not None and not checked.problems:
        written = file.data.get("id")
        case_id = written if isinstance(written, str) else path.stem
        checked_case = CaseResult(path, None, [], [], case_id, file.lines.get(("id",)))
        problems += cases_in_no_lesson(pack.spec, [checked_case])
    return problems


def slide_name_problem(name: str) -> str | None:
    """Why `name` cannot be a guidance slide's file name, else None."""
    pure = PurePosixPath(name)
    if not name.endswith(".md") or len(pure.parts) != 1 or name.startswith("."):
        return f"{name!r}: a slide is a file name ending in .md, inside guidance/"
    if "\\" in name or "\x00" in name or ":" in name:
        return f"{name!r}: a slide's file name may not hold \\ : or NUL"
    return None


def check_slide_text(path: Path, text: str) -> list[Problem]:
    """A guidance slide as edited: what the loader refuses of a slide (its size, and text
    that UTF-8 cannot hold)."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as error:
        line = text.count("\n", 0, error.start) + 1
        return [Problem(str(path), line, None, "text UTF-8 cannot hold (a lone surrogate)")]
    if size > MAX_FILE_BYTES:
        return [
            Problem(
                str(path),
                None,
                None,
                f"larger than {MAX_FILE_BYTES // 1024} KiB, the limit for a lesson file",
            )
        ]
    return []


def _stems(folder: Path, pattern: str) -> list[str]:
    return sorted(p.stem for p in folder.glob(pattern)) if folder.is_dir() else []


def _names(folder: Path, pattern: str) -> list[str]:
    return sorted(p.name for p in folder.glob(pattern)) if folder.is_dir() else []
