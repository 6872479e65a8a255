"""ws.authoring: trainers edit packs in the app (issue 15; docs/authoring.md).

Open a pack of one of the trainer's own lessons folders (`open_pack`; a bundled pack is
read-only: `copy_for_editing` first), then edit pack.toml (`PackEditor`), guidance slides and
case files (`CaseEditor`, workspace/authoring_case.py). Every edit is held in memory as a
tomlkit document; `check()` re-checks that one file with the rules of `calibrate validate`
(problems carry the key path of their field); `save()` writes it atomically and only when
it validates. An invalid case can be kept as a draft, outside every lessons folder. The
database is asked which decision ids have recorded answers (those cannot be renamed or
removed) and how many answers were given against an earlier golden answer. Qt-free; the
screens are gui/screens/trainer/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.core.authoring.clips import ClipFacts
from calibrate.core.authoring.errors import AuthoringRefused, FileInvalid
from calibrate.core.authoring.rows import (
    ClauseRow,
    CueRow,
    DecisionRow,
    GoldenChange,
    LessonRow,
    MomentRow,
)
from calibrate.workspace.authoring_case import CaseEditor
from calibrate.workspace.authoring_pack import PackEditor

if TYPE_CHECKING:
    from calibrate.workspace import Workspace

__all__ = [
    "AuthoringManager",
    "AuthoringRefused",
    "CaseEditor",
    "ClauseRow",
    "ClipProbe",
    "CueRow",
    "DecisionRow",
    "FileInvalid",
    "GoldenChange",
    "LessonRow",
    "MomentRow",
    "PackEditor",
]

# Why a clip cannot be played (one sentence), or None when libVLC decodes it. The GUI passes
# calibrate.player.probe.decode_problem (the workspace may not load libVLC itself).
ClipProbe = Callable[[Path], "str | None"]
DRAFTS_FOLDER = "drafts"


class AuthoringManager:
    """`ws.authoring`. Needs the database only for `locked_decisions` and golden counts
    (without one, no decision is locked and no answers are counted)."""

    def __init__(self, ws: Workspace):
        self._ws = ws
        self.clips = ClipFacts()  # clip digests, checks and libVLC verdicts, for every editor

    def own_folders(self) -> list[Path]:
        """The trainer's lessons folders a pack may be created in or copied into (never the
        bundled one, nor a pack folder given directly): ws.lessons.import_targets()."""
        return [f.path for f in self._ws.lessons.import_targets()]

    def is_read_only(self, pack_folder: Path) -> bool:
        """True for a pack of the bundled lessons folder (the app never writes there)."""
        from calibrate import paths

        bundled = paths.bundled_lessons_dir()
        if bundled is None:
            return False
        return Path(pack_folder).resolve().is_relative_to(bundled.resolve())

    def copy_for_editing(self, pack_id: str, trainer_folder: Path) -> Path:
        """Copy the bundled pack `pack_id` (its files and its clips in assets/<pack>/) into
        `trainer_folder` (one of own_folders()) and return the new pack folder. Refused
        (AuthoringRefused) when the id exists there already, or the folder is not the
        trainer's. Call ws.lessons.load() after: the copy replaces the bundled pack."""
        from calibrate import paths
        from calibrate.workspace.authoring_files import copy_pack
        from calibrate.workspace.authoring_pack import require_id

        require_id(pack_id, "pack")  # a folder name, never a path
        bundled = paths.bundled_lessons_dir()
        source = bundled / pack_id if bundled is not None else None
        if source is None or not (source / "pack.toml").is_file():
            raise AuthoringRefused(f"there is no bundled pack {pack_id!r} to copy")
        self._refuse_not_own(trainer_folder)
        return copy_pack(source, pack_id, trainer_folder)

    def _refuse_not_own(self, trainer_folder: Path) -> None:
        from calibrate.workspace.folders import FolderRefused

        try:
            self._ws.lessons.check_import_target(trainer_folder)
        except FolderRefused as error:
            raise AuthoringRefused(str(error)) from None

    def new_pack(
        self,
        trainer_folder: Path,
        pack_id: str,
        title: str,
        policy: str | None = None,
        ladder: list[str] | None = None,
    ) -> PackEditor:
        """A new minimal valid pack (ws.packs.new_pack) at trainer_folder/pack_id, opened."""
        from calibrate.core.sharing.errors import PackRefused

        self._refuse_not_own(trainer_folder)
        try:
            folder = self._ws.packs.new_pack(trainer_folder / pack_id, title, policy, ladder)
        except PackRefused as error:
            raise AuthoringRefused(str(error)) from None
        return self.open_pack(folder)

    def open_pack(self, pack_folder: Path) -> PackEditor:
        """Open a pack for editing. AuthoringRefused for a bundled pack (copy_for_editing),
        a folder without pack.toml, or a pack.toml that cannot be read as TOML."""
        if self.is_read_only(pack_folder):
            raise AuthoringRefused(
                f"{pack_folder} is a bundled pack, which is read-only: copy it into one of "
                "your lessons folders to edit it"
            )
        return PackEditor(self, pack_folder)

    def drafts_folder(self) -> Path:
        """Where drafts are kept: `drafts/<pack-id>/<case-id>.toml` beside the database file
        (the app's data dir), outside every lessons folder the loader reads."""
        from calibrate import paths

        db_path = self._ws.db_path
        base = db_path.parent if db_path.name else paths.data_dir()
        return base / DRAFTS_FOLDER

    def locked_decisions(self, pack_id: str) -> set[str]:
        """Decision ids of the pack that recorded answers name (as the answer, or as the
        golden of the case version answered): renaming or removing them is refused."""
        if self._ws.conn is None:
            return set()
        from calibrate.store.authoring import decisions_in_answers

        return decisions_in_answers(self._ws.db, pack_id)

    def golden_change(
        self, pack_id: str, case_id: str, decision: str, clauses: list[str]
    ) -> GoldenChange:
        """How many recorded answers of the case were given against a golden answer other
        than (decision, clauses) (clauses compared as a set)."""
        if self._ws.conn is None:
            return GoldenChange(0, 0)
        from calibrate.store.authoring import answers_by_golden

        rows = answers_by_golden(self._ws.db, pack_id, case_id)
        new = (decision, frozenset(clauses))
        earlier = sum(n for d, c, n in rows if d is not None and (d, frozenset(c)) != new)
        return GoldenChange(earlier, sum(n for _, _, n in rows))
