"""Check one case file against its pack: schema, references (decision, clauses, id) and media,
all in one pass, so a trainer sees every problem of a file in one run of `calibrate validate`
(a misspelt key must not hide a video path that leaves the pack).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from calibrate.core import models
from calibrate.core.errors import Problem
from calibrate.core.lessons import hashing
from calibrate.core.lessons.files import TomlFile, clip_problem, read_toml
from calibrate.core.lessons.marked_moments import check_marked_moment, hashed_data
from calibrate.core.lessons.schema import (
    DEFAULT_MOMENT_TOLERANCE,
    IDENTIFIER,
    IDENTIFIER_RULE,
    CaseSpec,
)
from calibrate.core.lessons.toml_lines import KeyPath, format_path


class PackRefs(NamedTuple):
    """What a case may name, read from pack.toml even when pack.toml has schema errors
    (None: unknown, so that check is skipped)."""

    pack_id: str
    decisions: tuple[str, ...] | None
    clauses: tuple[str, ...] | None

    @classmethod
    def from_data(cls, pack_id: str, data: dict[str, Any] | None) -> PackRefs:
        data = data or {}
        return cls(pack_id, _ids(data.get("decisions")), _ids(data.get("clauses")))


def _ids(items: object) -> tuple[str, ...] | None:
    if not isinstance(items, list):
        return None
    return tuple(i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str))


class CaseResult(NamedTuple):
    """One case file checked: the case (None when it has problems), its problems, the
    problems of its clip (which leave the case answerable) and where its id is written."""

    file: Path
    case: models.Case | None
    problems: list[Problem]
    media_problems: list[Problem]
    case_id: str  # the id written in the file, else the file name's stem
    id_line: int | None


def validate_model(model: type[BaseModel], file: TomlFile, problems: list[Problem]) -> Any:
    """The validated model, or None with one located problem per schema error."""
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
            elif item["type"] == "string_pattern_mismatch" and _is_identifier_rule(item):
                message = f"{item.get('input')!r} is not a valid id: {IDENTIFIER_RULE}"
            problems.append(file.problem(path, message, missing=missing))
        return None


def _is_identifier_rule(item: Any) -> bool:
    return (item.get("ctx") or {}).get("pattern") == IDENTIFIER


def _unknown_key_message(model: type[BaseModel], path: KeyPath) -> str:
    """A top-level key written after a [table] header lands inside that table: say so."""
    if len(path) > 1 and path[-1] in model.model_fields:
        table = ".".join(str(p) for p in path[:-1] if not isinstance(p, int))
        return (
            f"{path[-1]!r} belongs at the top of the file: TOML reads every key after "
            f"[{table}] as part of that table, so move it above the first [table]"
        )
    return "unknown key (check its spelling against the lesson format)"


ClipCheck = Callable[[Path, Path, "Path | None"], "str | None"]


class CaseCheck(NamedTuple):
    """A parsed case file checked: its spec and clip path (None where they have problems),
    its problems and its clip's (which leave the case answerable)."""

    spec: CaseSpec | None
    video: Path | None
    problems: list[Problem]
    media_problems: list[Problem]


def check_case(
    file: TomlFile,
    refs: PackRefs,
    assets: Path,
    real_assets: Path | None = None,
    clip_check: ClipCheck = clip_problem,
) -> CaseCheck:
    """Every problem of one parsed case file: schema, references, media. `clip_check`
    (files.clip_problem's signature) lets an editor answer from its cache of clip facts."""
    problems: list[Problem] = []
    spec: CaseSpec | None = validate_model(CaseSpec, file, problems)
    reported = {p.key_path for p in problems}
    _check_references(file, refs, reported, problems)
    check_marked_moment(file, reported, problems)
    video, media = _check_media(file, assets, real_assets, reported, problems, clip_check)
    return CaseCheck(spec, video, problems, media)


def load_case_file(
    path: Path,
    refs: PackRefs,
    assets: Path,
    pack_root: Path,
    *,
    real_parent: Path | None = None,
    real_assets: Path | None = None,
) -> CaseResult:
    """Check one case file (inside the resolved `pack_root`) against its pack's references.

    real_parent, real_assets: the resolved cases/ and assets/<pack>/ folders, when known."""
    problems: list[Problem] = []
    file = read_toml(path, pack_root, problems, real_parent)
    if file is None:
        return CaseResult(path, None, problems, [], path.stem, None)
    spec, video, found, media_problems = check_case(file, refs, assets, real_assets)
    problems += found
    written_id = file.data.get("id")
    case_id = written_id if isinstance(written_id, str) else path.stem
    id_line = file.lines.get(("id",))
    if problems or spec is None or video is None:
        return CaseResult(path, None, problems, media_problems, case_id, id_line)
    case = models.Case(
        id=spec.id,
        pack_id=refs.pack_id,
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
        content_hash=hashing.case_hash(hashed_data(spec), video),
        mark_moment=spec.mark_moment,
        moment_tolerance=(
            DEFAULT_MOMENT_TOLERANCE if spec.moment_tolerance is None else spec.moment_tolerance
        ),
    )
    return CaseResult(path, case, [], media_problems, case_id, id_line)


def _check_references(
    file: TomlFile, refs: PackRefs, reported: set[str | None], problems: list[Problem]
) -> None:
    """id against the file name, golden decision and clauses against pack.toml, on the raw
    data: these are checked even when the schema found other problems in the file."""
    data = file.data
    written_id = data.get("id")
    if isinstance(written_id, str) and "id" not in reported and file.path.stem != written_id:
        problems.append(
            file.problem(
                ("id",), f"case id {written_id!r} must match the file name {file.path.stem!r}"
            )
        )
    golden = data.get("golden")
    if not isinstance(golden, dict):
        return
    decision = golden.get("decision")
    if (
        isinstance(decision, str)
        and refs.decisions is not None
        and "golden.decision" not in reported
        and decision not in refs.decisions
    ):
        problems.append(
            file.problem(
                ("golden", "decision"),
                f"unknown decision {decision!r}; the pack's decisions are "
                f"{', '.join(refs.decisions)}",
            )
        )
    clauses = golden.get("clauses")
    if not isinstance(clauses, list) or refs.clauses is None:
        return
    for index, clause in enumerate(clauses):
        path = ("golden", "clauses", index)
        if (
            isinstance(clause, str)
            and clause not in refs.clauses
            and (format_path(path) not in reported)
        ):
            problems.append(
                file.problem(
                    path,
                    f"unknown clause {clause!r}; the pack's clauses are "
                    f"{', '.join(refs.clauses) or 'none'}",
                )
            )


def _check_media(
    file: TomlFile,
    assets: Path,
    real_assets: Path | None,
    reported: set[str | None],
    problems: list[Problem],
    clip_check: ClipCheck = clip_problem,
) -> tuple[Path | None, list[Problem]]:
    """The clip's path (None when the case may not name it), and the clip's own problems.

    A path that leaves assets/<pack>/ is a problem of the case file; a clip that is missing,
    empty, not a regular file or not a video leaves the case answerable without video."""
    relative = file.data.get("video")
    if not isinstance(relative, str) or "video" in reported:
        return None, []
    candidate = Path(relative)
    if "\x00" in relative or not candidate.parts or candidate.parts == (".",):
        problems.append(file.problem(("video",), f"media path {relative!r} names no file"))
        return None, []
    if candidate.is_absolute() or relative.startswith(("/", "\\")) or ":" in candidate.parts[0]:
        problems.append(
            file.problem(("video",), f"media path {relative!r} must be relative to {assets}")
        )
        return None, []
    if ".." in candidate.parts:
        problems.append(file.problem(("video",), f"media path {relative!r} leaves {assets}"))
        return None, []
    # A symlinked assets/<pack> folder is allowed (a trainer's checkout); the clip itself
    # must lie inside it.
    path = assets / candidate
    direct = len(candidate.parts) == 1 and real_assets is not None and not path.is_symlink()
    try:
        root = real_assets or assets.resolve()
        clip = root / candidate if direct else path.resolve()
    except (OSError, RuntimeError) as error:  # a symlink loop
        problems.append(file.problem(("video",), f"media path {relative!r}: {error}"))
        return None, []
    if not clip.is_relative_to(root):
        problems.append(
            file.problem(("video",), f"media path {relative!r} leaves {assets} (a link to {clip})")
        )
        return None, []
    problem = clip_check(path, root, root if direct else None)
    return clip, [file.problem(("video",), problem)] if problem else []
