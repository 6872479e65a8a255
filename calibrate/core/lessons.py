"""Read lesson packs (pack.toml, guidance/*.md, cases/*.toml) into models, or located problems.

Every problem names its file, line and key path. A pack with any problem other than missing
media is not loaded at all (nothing loads half a pack); other packs load regardless. Missing
media is reported but the pack still loads: the case stays answerable without its clip.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from calibrate.core import hashing, models
from calibrate.core.errors import LessonError, Problem
from calibrate.core.lesson_schema import CaseSpec, PackSpec
from calibrate.core.lessons_result import LoadResult
from calibrate.core.toml_lines import KeyPath, format_path, key_lines, line_of

PACK_FILE = "pack.toml"
log = logging.getLogger(__name__)


@dataclass
class _TomlFile:
    path: Path
    data: dict[str, Any]
    lines: dict[KeyPath, int]

    def problem(self, path: KeyPath, message: str, *, missing: bool = False) -> Problem:
        line = None if missing else line_of(self.lines, path)
        return Problem(str(self.path), line, format_path(path) or None, message)


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.append(Problem(str(path), None, None, f"cannot read file: {error.strerror}"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                str(path),
                line,
                None,
                f"not UTF-8 text (byte 0x{raw[error.start]:02x}); is this really a lesson file?",
            )
        )
        return None


def _read_toml(path: Path, problems: list[Problem]) -> _TomlFile | None:
    text = _read_text(path, problems)
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line = _split_toml_error(str(error), text)
        problems.append(Problem(str(path), line, None, f"TOML syntax error: {message}"))
        return None
    return _TomlFile(path, data, key_lines(text))


def _split_toml_error(message: str, text: str) -> tuple[str, int | None]:
    """tomllib puts the place in the message: "Invalid value (at line 3, column 5)"."""
    import re

    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        return message[: match.start()], int(match.group(1))
    if message.endswith("(at end of document)"):
        return message.removesuffix(" (at end of document)"), max(1, len(text.splitlines()))
    return message, None


def _validate(model: type[BaseModel], file: _TomlFile, problems: list[Problem]) -> Any:
    try:
        return model.model_validate(file.data)
    except ValidationError as error:
        for item in error.errors(include_url=False):
            path = tuple(item["loc"])
            missing = item["type"] == "missing"
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                message = _unknown_key_message(model, path)
            elif item["type"] == "literal_error":
                message = f"{message}, got {item.get('input')!r}"
            problems.append(file.problem(path, message, missing=missing))
        return None


def _unknown_key_message(model: type[BaseModel], path: KeyPath) -> str:
    """A top-level key written after a [table] header lands inside that table: say so."""
    if len(path) > 1 and path[-1] in model.model_fields:
        table = ".".join(str(p) for p in path[:-1] if not isinstance(p, int))
        return (
            f"{path[-1]!r} belongs at the top of the file: TOML reads every key after "
            f"[{table}] as part of that table, so move it above the first [table]"
        )
    return "unknown key (check its spelling against the lesson format)"


def find_pack_folders(path: Path) -> list[Path]:
    """A pack folder itself, or the pack folders directly inside a lessons folder."""
    if (path / PACK_FILE).is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(p for p in path.iterdir() if p.is_dir() and (p / PACK_FILE).is_file())


def _load_pack_guarded(folder: Path) -> tuple[models.Pack | None, list[Problem]]:
    """load_pack, with any unforeseen failure turned into a problem of this pack alone."""
    try:
        return load_pack(folder)
    except Exception as error:  # a bug or an odd file must not stop the other packs
        log.exception("loading %s failed", folder)
        return None, [Problem(str(folder / PACK_FILE), None, None,
                              f"this pack could not be read ({type(error).__name__}: {error})")]


def assets_dir_for(pack_folder: Path, pack_id: str) -> Path:
    """Media of lessons/<pack>/ lives in assets/<pack>/ beside the lessons folder."""
    return pack_folder.parent.parent / "assets" / pack_id


def load_pack(folder: Path) -> tuple[models.Pack | None, list[Problem]]:
    """Load one pack folder; the pack is None when any problem but missing media was found."""
    problems: list[Problem] = []
    pack_file = _read_toml(folder / PACK_FILE, problems)
    spec: PackSpec | None = _validate(PackSpec, pack_file, problems) if pack_file else None
    if pack_file is None or spec is None:
        return None, problems
    if folder.name != spec.id:
        problems.append(
            pack_file.problem(
                ("id",), f"pack id {spec.id!r} must match its folder name {folder.name!r}"
            )
        )
    assets = assets_dir_for(folder, folder.name)
    cases, case_problems, media_problems = _load_cases(folder / "cases", spec, assets)
    problems += case_problems
    slides = _load_guidance(folder / "guidance", problems)
    lessons = _build_lessons(spec, pack_file, cases, slides, problems)
    if problems:
        return None, problems + media_problems
    pack = models.Pack(
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
        lessons=lessons,
        cases=cases,
        guidance=slides,
        folder=folder,
        assets=assets,
        content_hash=hashing.pack_hash(
            spec.model_dump(mode="json"),
            (c.content_hash for c in cases.values()),
            ((s.name, s.markdown) for s in slides.values()),
        ),
    )
    return pack, media_problems


def _load_cases(
    cases_dir: Path, pack: PackSpec, assets: Path
) -> tuple[dict[str, models.Case], list[Problem], list[Problem]]:
    cases: dict[str, models.Case] = {}
    problems: list[Problem] = []
    media_problems: list[Problem] = []
    first_file: dict[str, Path] = {}
    files = sorted(cases_dir.glob("*.toml")) if cases_dir.is_dir() else []
    if not files:
        problems.append(Problem(str(cases_dir), None, None, "no case files (cases/*.toml)"))
    for path in files:
        case, case_problems, media = load_case_file(path, pack, assets)
        problems += case_problems
        media_problems += media
        if case is None:
            continue
        if case.id in first_file:
            file = _read_toml(path, [])
            problems.append(
                file.problem(
                    ("id",), f"duplicate case id {case.id!r}, also in {first_file[case.id]}"
                )
                if file
                else Problem(str(path), None, "id", "duplicate case id")
            )
            continue
        first_file[case.id] = path
        cases[case.id] = case
    return cases, problems, media_problems


def load_case_file(
    path: Path, pack: PackSpec, assets: Path
) -> tuple[models.Case | None, list[Problem], list[Problem]]:
    """Validate one case file against its pack; returns case, problems, media problems."""
    problems: list[Problem] = []
    file = _read_toml(path, problems)
    spec: CaseSpec | None = _validate(CaseSpec, file, problems) if file else None
    if file is None or spec is None:
        return None, problems, []
    if path.stem != spec.id:
        problems.append(
            file.problem(("id",), f"case id {spec.id!r} must match the file name {path.stem!r}")
        )
    decisions = [d.id for d in pack.decisions]
    if spec.golden.decision not in decisions:
        problems.append(
            file.problem(
                ("golden", "decision"),
                f"unknown decision "
                f"{spec.golden.decision!r}; the pack's decisions are "
                f"{', '.join(decisions)}",
            )
        )
    clause_ids = {c.id for c in pack.clauses}
    for index, clause in enumerate(spec.golden.clauses):
        if clause not in clause_ids:
            problems.append(
                file.problem(
                    ("golden", "clauses", index), f"unknown clause {clause!r}; not in pack.toml"
                )
            )
    video, media_problems = _resolve_media(spec.video, assets, file)
    problems += [p for p in media_problems if "missing" not in p.message]
    media_problems = [p for p in media_problems if "missing" in p.message]
    if problems or video is None:
        return None, problems, media_problems
    case = models.Case(
        id=spec.id,
        pack_id=pack.id,
        title=spec.title,
        video=video,
        severity=spec.severity,
        difficulty=spec.difficulty,
        warnings=tuple(spec.warnings),
        context=models.CaseContext(
            caption=spec.context.caption,
            on_screen_text=spec.context.on_screen_text,
            hashtags=tuple(spec.context.hashtags),
            report_reason=spec.context.report_reason,
            account=tuple(spec.context.account),
            audio=spec.context.audio,
        ),
        golden=models.Golden(spec.golden.decision, tuple(spec.golden.clauses)),
        rationale=spec.rationale,
        cues=tuple(
            sorted((models.Cue(float(c.at), c.text) for c in spec.cues), key=lambda c: c.at)
        ),
        moments=tuple(models.Moment(float(m.start), float(m.end), m.label) for m in spec.moments),
        source=path,
        content_hash=hashing.case_hash(spec.model_dump(mode="json"), video),
    )
    return case, [], media_problems


def _resolve_media(
    relative: str, assets: Path, file: _TomlFile
) -> tuple[Path | None, list[Problem]]:
    """Media must stay inside assets/<pack>/: no absolute paths, no `..`, no symlink escapes."""
    candidate = Path(relative)
    if "\x00" in relative or not candidate.parts or candidate.parts == (".",):
        return None, [file.problem(("video",), f"media path {relative!r} names no file")]
    if candidate.is_absolute() or relative.startswith(("/", "\\")) or ":" in candidate.parts[0]:
        return None, [
            file.problem(("video",), f"media path {relative!r} must be relative to {assets}")
        ]
    resolved = (assets / candidate).resolve()
    if not resolved.is_relative_to(assets.resolve()):
        return None, [file.problem(("video",), f"media path {relative!r} leaves {assets}")]
    if not resolved.is_file():
        return resolved, [file.problem(("video",), f"media file missing: {assets / candidate}")]
    return resolved, []


def _load_guidance(guidance_dir: Path, problems: list[Problem]) -> dict[str, models.GuidanceSlide]:
    slides: dict[str, models.GuidanceSlide] = {}
    if not guidance_dir.is_dir():
        return slides
    for path in sorted(guidance_dir.glob("*.md")):
        text = _read_text(path, problems)
        if text is not None:
            slides[path.name] = models.GuidanceSlide(path.name, text, path)
    return slides


def _build_lessons(
    spec: PackSpec,
    file: _TomlFile,
    cases: dict[str, models.Case],
    slides: dict[str, models.GuidanceSlide],
    problems: list[Problem],
) -> tuple[models.Lesson, ...]:
    if not spec.lessons:  # one lesson of everything, in file-name order
        return (
            models.Lesson(
                spec.id, spec.title, spec.description, tuple(slides), tuple(sorted(cases))
            ),
        )
    lessons = []
    for i, lesson in enumerate(spec.lessons):
        for j, name in enumerate(lesson.guidance):
            if name not in slides:
                problems.append(
                    file.problem(
                        ("lessons", i, "guidance", j),
                        f"guidance slide {name!r} not found in guidance/",
                    )
                )
        for j, case_id in enumerate(lesson.cases):
            if case_id not in cases and not any(Path(p.file).stem == case_id for p in problems):
                problems.append(
                    file.problem(
                        ("lessons", i, "cases", j), f"case {case_id!r} not found in cases/"
                    )
                )
        lessons.append(
            models.Lesson(
                lesson.id,
                lesson.title,
                lesson.description,
                tuple(lesson.guidance),
                tuple(lesson.cases),
            )
        )
    return tuple(lessons)


def load_library(folders: list[Path], bundled: Path | None = None) -> LoadResult:
    """Load every pack in the given lessons/pack folders; a broken pack never stops the others.

    A pack found in another folder replaces the pack of the same id from `bundled` (the demo
    packs shipped with the app): a trainer's checkout of the demo packs is what they edit.
    The same id twice outside `bundled` is a problem; the first one found is kept."""
    result = LoadResult()
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
                    broken_copies[pack_folder.name] = pack_folder
                continue
            if pack.id in seen and (is_bundle or pack.id in from_bundle):
                bundled_copy = pack_folder if is_bundle else seen[pack.id]
                if not is_bundle:  # the user's copy takes the bundled one's place
                    index = next(i for i, p in enumerate(result.packs) if p.id == pack.id)
                    result.packs[index] = pack
                    seen[pack.id] = pack_folder
                    from_bundle.discard(pack.id)
                log.info("pack %r: %s is used, not the bundled copy in %s", pack.id,
                         seen[pack.id], bundled_copy)
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
    # A trainer's copy that does not load leaves no pack: the bundled one would stand in
    # unnoticed, and they would think their edits live.
    for pack_id in from_bundle & broken_copies.keys():
        result.packs = [p for p in result.packs if p.id != pack_id]
        log.info("bundled pack %r not loaded: its copy in %s has problems", pack_id,
                 broken_copies[pack_id])
    return result


def validate_path(path: Path) -> list[Problem]:
    """Every problem in a lessons folder, one pack folder or one case file."""
    if path.is_file():
        if path.name == PACK_FILE:
            return _load_pack_guarded(path.parent)[1]
        try:
            return _validate_single_case(path)
        except Exception as error:
            log.exception("validating %s failed", path)
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
    problems: list[Problem] = []
    pack_file = _read_toml(pack_folder / PACK_FILE, problems)
    pack_spec = _validate(PackSpec, pack_file, problems) if pack_file else None
    if pack_spec is None:
        if not (pack_folder / PACK_FILE).exists():
            problems = [
                Problem(
                    str(path), None, None, f"not inside a pack: no {PACK_FILE} in {pack_folder}"
                )
            ]
        return problems
    _, case_problems, media = load_case_file(
        path, pack_spec, assets_dir_for(pack_folder, pack_folder.name)
    )
    return case_problems + media


def require_pack(folder: Path) -> models.Pack:
    """Load a pack or raise LessonError with every problem (for callers that need it whole)."""
    pack, problems = load_pack(folder)
    if pack is None or problems:
        raise LessonError(problems)
    return pack
