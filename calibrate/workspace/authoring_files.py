"""The file work behind ws.authoring that spans more than one file: copying a bundled pack
into the trainer's folder, finding and rewriting the cases that name a decision or clause."""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from pathlib import Path

from calibrate.core.authoring.case_document import CaseDocument
from calibrate.core.authoring.errors import AuthoringRefused
from calibrate.core.authoring.saving import write_text
from calibrate.core.lessons.files import MAX_FILE_BYTES, read_bounded


def copy_pack(source: Path, pack_id: str, trainer_folder: Path) -> Path:
    """Copy the pack at `source` and the clips its cases name into `trainer_folder` and the
    assets/ beside it, staged first and renamed into place (nothing is left on a failure)."""
    from calibrate.core.lessons.loader import load_pack
    from calibrate.core.sharing import placing

    targets = placing.targets_of(trainer_folder, pack_id)
    for path in (targets.pack, targets.assets):
        if os.path.lexists(path):
            raise AuthoringRefused(
                f"{path} exists already: edit that copy, or move it away to copy the bundled "
                "pack afresh"
            )
    pack, _ = load_pack(source)
    clips = [c.video for c in pack.cases.values()] if pack is not None else []
    try:
        staging = Path(tempfile.mkdtemp(dir=trainer_folder.parent, prefix=".calibrate-copy-"))
    except OSError as error:
        raise AuthoringRefused(f"{trainer_folder.parent}: cannot write here ({error})") from None
    try:
        staged_pack = staging / "lessons" / pack_id
        shutil.copytree(source, staged_pack)
        staged_assets = staging / "assets" / pack_id
        staged_assets.mkdir(parents=True)
        assets = source.parent.parent / "assets" / pack_id
        for clip in clips:
            if clip.is_file() and clip.resolve().is_relative_to(assets.resolve()):
                target = staged_assets / clip.resolve().relative_to(assets.resolve())
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(clip, target)
        placing.place(staged_pack, staged_assets, targets)
    except OSError as error:
        raise AuthoringRefused(
            f"{targets.pack}: the copy could not be made ({error.strerror or error}); "
            "nothing written"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return targets.pack


def case_files(folder: Path) -> list[Path]:
    cases = folder / "cases"
    return sorted(cases.glob("*.toml")) if cases.is_dir() else []


def read_case_text(path: Path) -> str:
    """A case file's text (bounded, as the loader reads it); AuthoringRefused if unreadable."""
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except OSError as error:
        raise AuthoringRefused(f"{path} cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise AuthoringRefused(f"{path} is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise AuthoringRefused(f"{path} is not UTF-8 text") from None


def golden_users(folder: Path, decision: str | None = None, clause: str | None = None) -> list[str]:
    """The case ids (file stems) whose golden answer names `decision` or `clause`."""
    found: list[str] = []
    for path in case_files(folder):
        try:
            golden = tomllib.loads(read_case_text(path)).get("golden")
        except (AuthoringRefused, tomllib.TOMLDecodeError):
            continue
        if not isinstance(golden, dict):
            continue
        clauses = golden.get("clauses")
        if (decision is not None and golden.get("decision") == decision) or (
            clause is not None and isinstance(clauses, list) and clause in clauses
        ):
            found.append(path.stem)
    return found


def rename_golden_decision(folder: Path, old: str, new: str) -> list[str]:
    """Rewrite the golden decision `old` as `new` in every case naming it (one line each,
    atomically); the case ids changed."""
    changed = golden_users(folder, decision=old)
    for case_id in changed:
        path = folder / "cases" / f"{case_id}.toml"
        document = CaseDocument(read_case_text(path))
        document.set(("golden", "decision"), new)
        write_text(path, document.text())
    return changed
