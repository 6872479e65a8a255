"""ws.packs: share packs as `.calpack` files (docs/sharing.md) and start new ones.

`calibrate pack new|export|import` and the app's trainer area are two faces of these calls.
Every refusal is a typed `PackRefused` (calibrate/core/sharing/errors.py) whose message is
one sentence; nothing is written when one is raised. Export and import take a progress
callback (bytes done, bytes in all) and a cancel check, and stream: their memory does not
grow with the size of the clips. Nothing here needs the database: a workspace opened
without one (`Workspace.without_database`) serves them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from calibrate.core.errors import counted
from calibrate.core.sharing.errors import (
    InvalidPack,
    ManifestMismatch,
    PackIdClash,
    PackRefused,
    TargetInTheWay,
    UnsafeEntry,
    problem_lines,
)
from calibrate.core.sharing.manifest import MAX_TOTAL_BYTES, shown

if TYPE_CHECKING:
    from calibrate.core.models import Pack
    from calibrate.core.sharing.placing import Targets
    from calibrate.core.sharing.reader import Cancelled, PackArchive, Progress
    from calibrate.workspace import Workspace


class PackExported(NamedTuple):
    pack_id: str
    archive: Path
    files: int
    bytes: int  # of the files, unpacked


class PackImported(NamedTuple):
    pack_id: str
    outcome: str  # "added", "replaced", or "unchanged" (the same pack_hash was there)
    pack_folder: Path
    assets_folder: Path  # not made when the pack has no clips (clips == 0)
    files: int
    bytes: int
    clips: int = 0


class PacksManager:
    def __init__(self, ws: Workspace):
        self._ws = ws

    def new_pack(
        self, folder: Path, title: str, policy: str | None = None, ladder: list[str] | None = None
    ) -> Path:
        """A minimal valid pack at `folder` (LESSONS_DIR/<id>); see core/lessons/new_pack.py."""
        from calibrate.core.lessons import new_pack

        ladder = list(new_pack.DEFAULT_LADDER if ladder is None else ladder)
        _refuse_new(folder, title, policy, ladder)
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".calpack-new-"))
        except OSError as error:
            raise PackRefused(f"{folder}: cannot be written ({error.strerror or error})") from None
        try:
            draft = staging / folder.name
            (draft / "guidance").mkdir(parents=True)
            (draft / "cases").mkdir()
            text = new_pack.pack_toml(folder.name, title.strip(), (policy or title).strip(), ladder)
            (draft / "pack.toml").write_text(text, encoding="utf-8")
            guidance = new_pack.guidance_md(folder.name, title.strip())
            (draft / "guidance" / "01-guidance.md").write_text(guidance, encoding="utf-8")
            _require_valid(draft, f"{folder}: the new pack", str(staging))
            os.rename(draft, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return folder

    def export_pack(
        self,
        pack_folder: Path,
        out: Path,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        problems_relative_to: Path | None = None,
    ) -> PackExported:
        """Validate the pack at `pack_folder`, then write it and its clips to `out`. An
        invalid pack's problems name files relative to `problems_relative_to` as `calibrate
        validate` prints them (the command line gives the current folder), else relative
        to the pack's lessons folder."""
        from calibrate.core.sharing.writer import write_archive

        if not (pack_folder / "pack.toml").is_file():
            raise PackRefused(f"{pack_folder}: not a pack folder (no pack.toml in it)")
        if out.is_dir():
            raise PackRefused(f"{out} is a folder; give the .calpack file to write")
        pack = _require_valid(
            pack_folder,
            str(pack_folder),
            str(problems_relative_to or pack_folder.parent),
            like_validate=problems_relative_to is not None,
        )
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PackRefused(f"{out}: cannot create its folder ({error.strerror})") from None
        manifest = write_archive(pack, out, progress, cancelled)
        size = sum(f.size for f in manifest.files.values())
        return PackExported(pack.id, out, len(manifest.files), size)

    def import_pack(
        self,
        archive: Path,
        lessons_dir: Path,
        *,
        replace: bool = False,
        max_size: int = MAX_TOTAL_BYTES,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> PackImported:
        """Take the pack in `archive` into `lessons_dir` (and its clips into ../assets/),
        once it is extracted beside them, checked against its manifest and validated."""
        from calibrate.core.sharing import placing
        from calibrate.core.sharing.reader import PackArchive

        with PackArchive(archive, max_size) as opened:
            targets = placing.targets_of(lessons_dir, opened.manifest.pack_id)
            placing.check_parents(targets)
            present = _present_hash(targets.pack)
            if present not in (None, opened.manifest.pack_hash):
                _refuse_writing(targets, replace)  # what the archive claims may only refuse
            staging = _staging_folder(targets.lessons_dir.parent)
            try:
                pack = _extract_verified(opened, staging, progress, cancelled)
                if present == pack.content_hash:
                    outcome = "unchanged"
                else:
                    outcome = _put_in_place(staging, pack.id, targets, replace)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            files, size = len(opened.manifest.files), opened.total_bytes
            clips = sum(1 for path in opened.manifest.files if path.startswith("assets/"))
        return PackImported(pack.id, outcome, targets.pack, targets.assets, files, size, clips)


def _put_in_place(staging: Path, pack_id: str, targets: Targets, replace: bool) -> str:
    """Rename the extracted folders into place: "added", or "replaced" (`replace` given)."""
    from calibrate.core.sharing import placing

    existed = _refuse_writing(targets, replace)
    staged_assets = staging / "assets" / pack_id
    try:
        placing.place(
            staging / "lessons" / pack_id,
            staged_assets if staged_assets.is_dir() else None,
            targets,
        )
    except OSError as error:  # every step was undone (else placing says what was not)
        raise TargetInTheWay(
            f"{targets.pack}: the pack could not be put in place "
            f"({error.strerror or error}); nothing written"
        ) from None
    return "replaced" if existed else "added"


def _staging_folder(beside: Path) -> Path:
    """A new hidden folder of ours in the folder holding the lessons folder (the same file
    system as the targets, in all but odd set-ups: see placing.py)."""
    try:
        return Path(tempfile.mkdtemp(dir=beside, prefix=".calpack-import-")).resolve()
    except OSError as error:
        raise TargetInTheWay(
            f"{beside}: cannot write here ({error.strerror or error}); refused"
        ) from None


def _refuse_new(folder: Path, title: str, policy: str | None, ladder: list[str]) -> None:
    from calibrate.core.lessons import new_pack

    if not new_pack.is_pack_id(folder.name):
        raise PackRefused(
            f"{folder}: {folder.name!r} cannot be a pack id (letters, digits, _ . -; at most "
            "62 characters, as its first clause is <id>-1)"
        )
    for above in [folder, *folder.parents]:
        if os.path.lexists(above) and not above.is_dir():
            raise PackRefused(f"{above} is a file, not a folder; a new pack needs a new folder")
    if os.path.lexists(folder):
        raise PackRefused(f"{folder} already exists; a new pack needs a new folder")
    if not title.strip() or (policy is not None and not policy.strip()):
        raise PackRefused("a pack's title and policy may not be empty")
    why = new_pack.ladder_problem(ladder)
    if why is not None:
        raise PackRefused(f"the decision ladder: {why}")


def _require_valid(
    pack_folder: Path, what: str, relative_to: str, *, like_validate: bool = False
) -> Pack:
    """The loaded pack, or InvalidPack listing every blocking problem, files relative to
    `relative_to`: as `calibrate validate` prints them (`like_validate`), or with that
    folder (a temporary one) left out of messages too."""
    from calibrate.core.lessons.loader import load_pack

    pack, problems = load_pack(pack_folder)
    if like_validate:
        lines = [p.format(relative_to) for p in problems if not p.is_warning]
    else:
        lines = problem_lines(problems, relative_to)
    if pack is None or lines:
        raise InvalidPack(
            f"{what} does not validate ({counted(len(lines), 'problem')}); nothing written",
            lines,
        )
    return pack


def _present_hash(pack_folder: Path) -> str | None:
    """The pack_hash of the pack already at the target (read through a link, as the app
    reads it), None when there is none or it does not load."""
    if not (pack_folder / "pack.toml").is_file():
        return None
    from calibrate.core.lessons.loader import load_pack

    pack, _ = load_pack(pack_folder)
    return None if pack is None else pack.content_hash


def _refuse_writing(targets: Targets, replace: bool) -> bool:
    """Refuse when the pack may not be written at its targets; True when a folder of that
    id is there to be replaced."""
    from calibrate.core.sharing import placing

    states = [(path, placing.folder_state(path)) for path in (targets.pack, targets.assets)]
    for path, state in states:
        if state not in ("absent", "folder"):
            raise placing.refuse_in_the_way(path, state)
    existing = [path for path, state in states if state == "folder"]
    if existing and not replace:
        raise PackIdClash(
            f"{existing[0]} already holds a different pack {targets.pack.name!r}; "
            "replacing it was not asked for; refused"
        )
    return bool(existing)


def _extract_verified(
    opened: PackArchive, staging: Path, progress: Progress | None, cancelled: Cancelled | None
) -> Pack:
    """Extract lessons/ first and validate it, then only the clips its cases name (a clip
    no case names is refused before it is written), then the whole pack: valid, with the
    pack_hash the manifest says."""
    manifest = opened.manifest
    opened.extract(staging, progress, cancelled, only=_lesson_files(manifest.files))
    opened.extract(staging, progress, cancelled, only=_named_clips(staging, opened))
    pack = _require_valid(
        staging / "lessons" / manifest.pack_id, f"{opened.name}: the pack in it", str(staging)
    )
    if pack.content_hash != manifest.pack_hash:
        raise ManifestMismatch(
            f"{opened.name}: manifest.json's pack_hash {manifest.pack_hash!r} is not the "
            f"hash of the pack it holds ({pack.content_hash}); refused"
        )
    return pack


def _lesson_files(paths: Iterable[str]) -> set[str]:
    return {path for path in paths if path.startswith("lessons/")}


def _named_clips(staging: Path, opened: PackArchive) -> set[str]:
    """The archive's clips that the extracted lessons name; InvalidPack for any problem of
    the lessons but a clip yet to be extracted, UnsafeEntry for a clip no case names."""
    from calibrate.core.lessons.loader import load_pack

    manifest = opened.manifest
    assets = staging / "assets" / manifest.pack_id
    clips = set(manifest.files) - _lesson_files(manifest.files)
    pending = {f"media file missing: {staging / path}" for path in clips}
    pack, problems = load_pack(staging / "lessons" / manifest.pack_id)
    lines = problem_lines([p for p in problems if p.message not in pending], str(staging))
    if pack is None or lines:
        raise InvalidPack(
            f"{opened.name}: the pack in it does not validate "
            f"({counted(len(lines), 'problem')}); nothing written",
            lines,
        )
    named = {
        f"assets/{pack.id}/{case.video.relative_to(assets).as_posix()}"
        for case in pack.cases.values()
        if case.video is not None and case.video.is_relative_to(assets)
    }
    unnamed = sorted(clips - named)
    if unnamed:
        raise UnsafeEntry(
            f"{opened.name}: entry {shown(unnamed[0])} is a file no case names (a pack "
            "carries only its cases' clips); refused"
        )
    return named & clips
