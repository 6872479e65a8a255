"""Read lesson packs (pack.toml, guidance/*.md, cases/*.toml) into models, or located problems.

Every problem names its file, line and key path. A pack whose pack.toml has a problem is not
loaded at all; otherwise each lesson is available when all of its slides and cases are
valid, and a lesson with problems is listed as unavailable with them (one bad case file
never takes the pack's other lessons away). Clip problems (missing, empty, not a video) are
reported but never make a lesson unavailable: the case stays answerable without its clip.
Other packs load regardless.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from calibrate.core import models
from calibrate.core.errors import LessonError, Problem
from calibrate.core.lessons import hashing
from calibrate.core.lessons.case_files import CaseResult, PackRefs, load_case_file
from calibrate.core.lessons.files import TomlFile
from calibrate.core.lessons.pack_files import (
    PACK_FILE,
    PackFiles,
    assets_dir_for,
    check_cases,
    find_pack_folders,
    folder_id,
    load_guidance,
)
from calibrate.core.lessons.result import LoadResult
from calibrate.core.lessons.schema import PackSpec
from calibrate.core.wellness import WellnessPolicy

__all__ = ["PACK_FILE", "assets_dir_for", "find_pack_folders", "folder_id", "load_library"]
log = logging.getLogger(__name__)


def _load_pack_guarded(folder: Path) -> tuple[models.Pack | None, list[Problem]]:
    """load_pack, with any unforeseen failure turned into a problem of this pack alone."""
    try:
        return load_pack(folder)
    except Exception as error:  # a bug or an odd file must not stop the other packs
        # INFO, not ERROR: the app's log file keeps the trace; a command's stderr (logging's
        # last-resort handler shows WARNING and up) never gets a traceback.
        log.info("loading %s failed", folder, exc_info=True)
        return None, [
            Problem(
                str(folder / PACK_FILE),
                None,
                None,
                f"this pack could not be read ({type(error).__name__}: {error})",
            )
        ]


def load_pack(folder: Path) -> tuple[models.Pack | None, list[Problem]]:
    """Load one pack folder: the pack (None when pack.toml has problems) and every problem.

    Problems of slides and cases make the lessons that use them unavailable
    (`Pack.unavailable`); clip problems and `warning:` lines leave everything available."""
    files = PackFiles(folder)
    refs = PackRefs.from_data(folder_id(folder), files.file.data if files.file else None)
    results = check_cases(folder / "cases", refs, files)
    slides, slide_problems = load_guidance(folder / "guidance", files.root)
    problems = files.problems + [p for r in results for p in r.problems + r.media_problems]
    problems += [p for ps in slide_problems.values() for p in ps]
    if files.spec is None or files.problems:
        return None, problems
    return _build_pack(files, results, slides, slide_problems, problems), problems


def _build_pack(
    files: PackFiles,
    results: list[CaseResult],
    slides: dict[str, models.GuidanceSlide],
    slide_problems: dict[str, list[Problem]],
    problems: list[Problem],
) -> models.Pack:
    """The pack of a valid pack.toml: its lessons judged by their slides' and cases' problems
    (lesson references and `warning:` lines are added to `problems`)."""
    spec, file = files.spec, files.file
    assert spec is not None and file is not None  # load_pack builds only a valid pack.toml
    cases = {r.case.id: r.case for r in results if r.case is not None}
    problems_of: dict[str, list[Problem]] = {}  # a case by file stem, as lessons name it
    for result in results:
        if result.problems:
            problems_of.setdefault(result.file.stem, []).extend(result.problems)
    case_files = sorted(cases.keys() | problems_of.keys())
    slide_files = sorted(slides.keys() | slide_problems.keys())
    problems_of.update({f"guidance/{name}": found for name, found in slide_problems.items()})
    available, unavailable, reference_problems = judge_lessons(
        lessons_of(spec, case_files, slide_files), file, case_files, slide_files, problems_of
    )
    problems += reference_problems + cases_in_no_lesson(spec, results)
    return models.Pack(
        id=spec.id,
        title=spec.title,
        policy=spec.policy,
        policy_version=spec.policy_version,
        description=spec.description,
        pass_mark=spec.pass_mark,
        scale=models.DecisionScale(
            tuple(models.Decision(d.id, d.label, d.description, d.ladder) for d in spec.decisions)
        ),
        clauses=tuple(models.Clause(c.id, c.title, c.summary) for c in spec.clauses),
        lessons=available,
        cases=cases,
        guidance=slides,
        folder=files.folder,
        assets=files.assets,
        content_hash=hashing.pack_hash(
            hashed_pack_data(spec),
            (c.content_hash for c in cases.values()),
            ((s.name, s.markdown) for s in slides.values()),
        ),
        unavailable=unavailable,
        wellness=WellnessPolicy(
            spec.wellness.break_after_minutes, frozenset(spec.wellness.shields)
        ),
    )


def hashed_pack_data(spec: PackSpec) -> dict[str, Any]:
    """The pack.toml data its content hash covers. A lesson without its own pass mark hashes
    as it did before the key existed, so answers recorded against the pack keep matching;
    [wellness] is care of the moderator, not what an answer is judged against: left out."""
    data: dict[str, Any] = spec.model_dump(mode="json", exclude={"wellness"})
    for lesson in data["lessons"]:
        if lesson.get("pass_mark") is None:
            lesson.pop("pass_mark", None)
    return data


def lessons_of(spec: PackSpec, case_ids: list[str], slide_names: list[str]) -> list[models.Lesson]:
    """The pack's lessons as written; without any, one lesson of every slide and case."""
    if not spec.lessons:
        return [
            models.Lesson(
                spec.id, spec.title, spec.description, tuple(slide_names), tuple(case_ids)
            )
        ]
    return [
        models.Lesson(x.id, x.title, x.description, tuple(x.guidance), tuple(x.cases), x.pass_mark)
        for x in spec.lessons
    ]


def judge_lessons(
    lessons: list[models.Lesson],
    file: TomlFile,
    case_files: Iterable[str],
    slide_files: Iterable[str],
    file_problems: dict[str, list[Problem]],
) -> tuple[tuple[models.Lesson, ...], tuple[models.UnavailableLesson, ...], list[Problem]]:
    """Available lessons, unavailable ones with their problems, and the problems of lessons
    naming a slide or case that does not exist (located in pack.toml)."""
    case_files, slide_files = set(case_files), set(slide_files)
    available: list[models.Lesson] = []
    unavailable: list[models.UnavailableLesson] = []
    reference_problems: list[Problem] = []
    for i, lesson in enumerate(lessons):
        found: list[Problem] = []
        for j, name in enumerate(lesson.guidance):
            found += file_problems.get(f"guidance/{name}", [])
            if name not in slide_files:
                found.append(
                    file.problem(
                        ("lessons", i, "guidance", j),
                        f"guidance slide {name!r} not found in guidance/",
                    )
                )
                reference_problems.append(found[-1])
        for j, case_id in enumerate(lesson.case_ids):
            found += file_problems.get(case_id, [])
            if case_id not in case_files:
                found.append(
                    file.problem(
                        ("lessons", i, "cases", j), f"case {case_id!r} not found in cases/"
                    )
                )
                reference_problems.append(found[-1])
        if found:
            unavailable.append(models.UnavailableLesson(lesson, tuple(found), i))
        else:
            available.append(lesson)
    return tuple(available), tuple(unavailable), reference_problems


def cases_in_no_lesson(spec: PackSpec, results: list[CaseResult]) -> list[Problem]:
    """A case no lesson names is never shown: likely a forgotten entry in pack.toml."""
    if not spec.lessons:  # the one implicit lesson has every case
        return []
    named = {case_id for lesson in spec.lessons for case_id in lesson.cases}
    return [
        Problem(str(r.file), r.id_line, "id", f"warning: case {r.case_id!r} is in no lesson")
        for r in results
        if r.file.stem not in named and (r.id_line is not None or not r.problems)
    ]


def load_library(folders: list[Path], bundled: Path | None = None) -> LoadResult:
    """Load every pack in the given lessons/pack folders; a broken pack never stops the others.

    A pack found in another folder replaces the pack of the same id from `bundled` (the demo
    packs shipped with the app): a trainer's checkout of the demo packs is what they edit.
    The same id twice outside `bundled` is a problem; the first one found is kept."""
    result = LoadResult()
    result.folders = [str(folder) for folder in folders]
    seen: dict[str, Path] = {}
    from_bundle: set[str] = set()  # ids whose pack came from `bundled`
    broken_copies: dict[str, Path] = {}  # the user's pack folders that failed, by id (= name)
    for folder in folders:
        if not folder.is_dir():
            result.problems.append(Problem(str(folder), None, None, "lessons folder not found"))
            continue
        is_bundle = bundled is not None and folder.resolve() == bundled.resolve()
        for pack_folder in find_pack_folders(folder):
            pack, problems = _load_pack_guarded(pack_folder)
            result.problems += problems
            if pack is None:
                if not is_bundle:
                    broken_copies[folder_id(pack_folder)] = pack_folder
                continue
            if pack.id in seen and (is_bundle or pack.id in from_bundle):
                bundled_copy = pack_folder if is_bundle else seen[pack.id]
                if not is_bundle:  # the user's copy takes the bundled one's place
                    index = next(i for i, p in enumerate(result.packs) if p.id == pack.id)
                    result.packs[index] = pack
                    seen[pack.id] = pack_folder
                    from_bundle.discard(pack.id)
                log.info(
                    "pack %r: %s is used, not the bundled copy in %s",
                    pack.id,
                    seen[pack.id],
                    bundled_copy,
                )
                continue
            if pack.id in seen:
                result.problems.append(
                    Problem(
                        str(pack_folder / PACK_FILE),
                        None,
                        "id",
                        f"pack {pack.id!r} already loaded from {seen[pack.id]}",
                    )
                )
                continue
            seen[pack.id] = pack_folder
            if is_bundle:
                from_bundle.add(pack.id)
            result.packs.append(pack)
    _drop_bundled_with_broken_copy(result, from_bundle, broken_copies)
    return result


def _drop_bundled_with_broken_copy(
    result: LoadResult, from_bundle: set[str], broken_copies: dict[str, Path]
) -> None:
    """A trainer's copy that does not load leaves no pack: the bundled one would stand in
    unnoticed, and they would think their edits live."""
    for pack_id in from_bundle & broken_copies.keys():
        result.packs = [p for p in result.packs if p.id != pack_id]
        log.info(
            "bundled pack %r not loaded: its copy in %s has problems",
            pack_id,
            broken_copies[pack_id],
        )


def validate_path(path: Path) -> list[Problem]:
    """Every problem in a lessons folder, one pack folder or one case file."""
    if path.is_file():
        if path.name == PACK_FILE:
            return _load_pack_guarded(path.parent)[1]
        try:
            return _validate_single_case(path)
        except Exception as error:
            log.info("validating %s failed", path, exc_info=True)
            return [Problem(str(path), None, None, f"could not be checked ({error})")]
    if not path.exists():
        return [Problem(str(path), None, None, "no such file or folder")]
    if not path.is_dir():
        return [Problem(str(path), None, None, "not a lesson file or folder")]
    folders = find_pack_folders(path)
    if not folders:
        return [
            Problem(
                str(path),
                None,
                None,
                "no lesson pack here (no pack.toml in it or in its sub-folders)",
            )
        ]
    problems: list[Problem] = []
    for folder in folders:
        problems += _load_pack_guarded(folder)[1]
    return problems


def _validate_single_case(path: Path) -> list[Problem]:
    """A case file is checked against the pack.toml of the pack it sits in."""
    pack_folder = path.parent.parent
    if not (pack_folder / PACK_FILE).exists():
        return [
            Problem(str(path), None, None, f"not inside a pack: no {PACK_FILE} in {pack_folder}")
        ]
    files = PackFiles(pack_folder)
    refs = PackRefs.from_data(folder_id(pack_folder), files.file.data if files.file else None)
    result = load_case_file(path, refs, files.assets, files.root)
    found = files.problems + result.problems + result.media_problems
    if files.spec is not None:
        found += cases_in_no_lesson(files.spec, [result])
    return found


def require_pack(folder: Path) -> models.Pack:
    """Load a pack or raise LessonError with every problem (for callers that need it whole:
    every lesson available, every clip present)."""
    pack, problems = load_pack(folder)
    problems = [p for p in problems if not p.is_warning]
    if pack is None or problems:
        raise LessonError(problems)
    return pack
