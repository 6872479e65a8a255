"""ws.authoring: trainers edit packs in the app (issue 15; docs/authoring.md).

Open a pack of one of the trainer's own lessons folders (`open_pack`; a bundled pack is
read-only: `copy_for_editing` first), then edit pack.toml (`PackEditor`), guidance slides and
case files (`CaseEditor`). Every edit is held in memory as a tomlkit document; `check()`
re-checks that one file with the rules of `calibrate validate` (problems carry the key path
of their field); `save()` writes it atomically and only when it validates. An invalid case
can be kept as a draft, outside every lessons folder. The database is asked which decision
ids have recorded answers (those cannot be renamed or removed) and how many answers were
given against an earlier golden answer. Qt-free; the screens are gui/screens/trainer/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from calibrate.core.authoring.errors import AuthoringRefused, FileInvalid

if TYPE_CHECKING:
    from calibrate.core.errors import Problem
    from calibrate.core.lessons.toml_lines import KeyPath
    from calibrate.workspace import Workspace

__all__ = [
    "AuthoringManager",
    "AuthoringRefused",
    "CaseEditor",
    "ClipProbe",
    "FileInvalid",
    "GoldenChange",
    "PackEditor",
]

# Why a clip cannot be played (one sentence), or None when libVLC decodes it. The GUI passes
# calibrate.player.probe.decode_problem (the workspace may not load libVLC itself).
ClipProbe = Callable[[Path], "str | None"]


class DecisionRow(NamedTuple):
    id: str
    label: str
    description: str
    ladder: bool  # False: stands outside the order (escalate)
    locked: bool  # has recorded answers: its id cannot be renamed or removed


class ClauseRow(NamedTuple):
    id: str
    title: str
    summary: str


class LessonRow(NamedTuple):
    id: str
    title: str
    description: str
    guidance: tuple[str, ...]  # slide file names, in order
    cases: tuple[str, ...]  # case ids, in order


class CueRow(NamedTuple):
    at: float | None  # seconds; None when the file's text is not a time
    text: str


class MomentRow(NamedTuple):
    start: float | None
    end: float | None
    label: str


class GoldenChange(NamedTuple):
    """What saving a case with a changed golden answer means for the answers recorded."""

    earlier_answers: int  # answers given against a golden that differs from the new one
    all_answers: int  # answers recorded for this case (any version)


class AuthoringManager:
    """`ws.authoring`. Needs the database only for `locked_decisions` and golden counts."""

    def __init__(self, ws: Workspace):
        self._ws = ws

    def own_folders(self) -> list[Path]:
        """The trainer's lessons folders a pack may be created in or copied into (never the
        bundled one, nor a pack folder given directly): ws.lessons.import_targets()."""
        raise NotImplementedError

    def is_read_only(self, pack_folder: Path) -> bool:
        """True for a pack of the bundled lessons folder (the app never writes there)."""
        raise NotImplementedError

    def copy_for_editing(self, pack_id: str, trainer_folder: Path) -> Path:
        """Copy the bundled pack `pack_id` (its files and its clips in assets/<pack>/) into
        `trainer_folder` (one of own_folders()) and return the new pack folder. Refused
        (AuthoringRefused) when the id exists there already, or the folder is not the
        trainer's. Call ws.lessons.load() after: the copy replaces the bundled pack."""
        raise NotImplementedError

    def new_pack(
        self,
        trainer_folder: Path,
        pack_id: str,
        title: str,
        policy: str | None = None,
        ladder: list[str] | None = None,
    ) -> PackEditor:
        """A new minimal valid pack (ws.packs.new_pack) at trainer_folder/pack_id, opened."""
        raise NotImplementedError

    def open_pack(self, pack_folder: Path) -> PackEditor:
        """Open a pack for editing. AuthoringRefused for a bundled pack (copy_for_editing),
        a folder without pack.toml, or a pack.toml that cannot be read as TOML."""
        raise NotImplementedError

    def drafts_folder(self) -> Path:
        """Where drafts are kept: `drafts/<pack-id>/<case-id>.toml` beside the database file
        (the app's data dir), outside every lessons folder the loader reads."""
        raise NotImplementedError

    def locked_decisions(self, pack_id: str) -> set[str]:
        """Decision ids of the pack that recorded answers name (as the answer, or as the
        golden of the case version answered): renaming or removing them is refused."""
        raise NotImplementedError

    def golden_change(
        self, pack_id: str, case_id: str, decision: str, clauses: list[str]
    ) -> GoldenChange:
        """How many recorded answers of the case were given against a golden answer other
        than (decision, clauses) (clauses compared as a set)."""
        raise NotImplementedError


class PackEditor:
    """One pack open for editing: pack.toml in memory, its slides and cases on disk."""

    folder: Path  # lessons/<pack>
    pack_id: str
    assets: Path  # assets/<pack>

    # --- pack.toml ----------------------------------------------------------------------
    def pack_text(self) -> str:
        """pack.toml as it would be saved now."""
        raise NotImplementedError

    def get(self, key: str) -> Any:
        """A top-level value of pack.toml (title, policy, policy_version, description,
        pass_mark), None when not written."""
        raise NotImplementedError

    def set(self, key: str, value: str | float | None) -> None:
        """Set title, policy, policy_version, description or pass_mark (None removes an
        optional key). Not checked here: check() says what is wrong, at the key."""
        raise NotImplementedError

    def decisions(self) -> list[DecisionRow]:
        """The decisions as written: ladder ones least to most restrictive, then the ones
        off the ladder (escalate), each with whether recorded answers lock its id."""
        raise NotImplementedError

    def add_decision(
        self, decision_id: str, label: str, *, ladder: bool = True, index: int | None = None
    ) -> None:
        """Add a rung at `index` of the ladder (None: most restrictive end), or, with
        ladder=False, a decision off the ladder. AuthoringRefused for an id taken."""
        raise NotImplementedError

    def move_decision(self, decision_id: str, index: int) -> None:
        """Move a ladder decision to `index` of the ladder (0: least restrictive)."""
        raise NotImplementedError

    def edit_decision(
        self, decision_id: str, *, label: str | None = None, description: str | None = None
    ) -> None:
        """Relabel (always allowed, also for a locked id) or re-describe a decision."""
        raise NotImplementedError

    def rename_decision(self, decision_id: str, new_id: str) -> None:
        """Rename an id (the cases' golden answers naming it follow on save). Refused for a
        locked decision."""
        raise NotImplementedError

    def remove_decision(self, decision_id: str) -> None:
        """Refused for a locked decision or one a case's golden answer names."""
        raise NotImplementedError

    def clauses(self) -> list[ClauseRow]:
        raise NotImplementedError

    def add_clause(self, clause_id: str, title: str, summary: str = "") -> None:
        raise NotImplementedError

    def edit_clause(
        self, clause_id: str, *, title: str | None = None, summary: str | None = None
    ) -> None:
        raise NotImplementedError

    def move_clause(self, clause_id: str, index: int) -> None:
        raise NotImplementedError

    def remove_clause(self, clause_id: str) -> None:
        """Refused while a case's golden answer names the clause."""
        raise NotImplementedError

    def lessons(self) -> list[LessonRow]:
        raise NotImplementedError

    def add_lesson(self, lesson_id: str, title: str) -> None:
        raise NotImplementedError

    def edit_lesson(
        self,
        lesson_id: str,
        *,
        title: str | None = None,
        description: str | None = None,
        guidance: list[str] | None = None,
        cases: list[str] | None = None,
    ) -> None:
        """Change a lesson: its title, description, or its slides / cases in order."""
        raise NotImplementedError

    def move_lesson(self, lesson_id: str, index: int) -> None:
        raise NotImplementedError

    def remove_lesson(self, lesson_id: str) -> None:
        raise NotImplementedError

    def check(self) -> list[Problem]:
        """pack.toml as edited, checked as `calibrate validate` would (key paths as
        `decisions[2].id`); `warning:` problems never block a save."""
        raise NotImplementedError

    def save(self) -> Path:
        """Write pack.toml atomically; FileInvalid (nothing written) when check() finds a
        blocking problem."""
        raise NotImplementedError

    # --- guidance slides ----------------------------------------------------------------
    def slide_names(self) -> list[str]:
        """The slide files in guidance/, sorted."""
        raise NotImplementedError

    def read_slide(self, name: str) -> str:
        raise NotImplementedError

    def new_slide(self, name: str, title: str) -> str:
        """Write guidance/<name> (".md" added when missing) with a first heading; returns
        the file name. AuthoringRefused when the name is taken or not a plain file name."""
        raise NotImplementedError

    def check_slide(self, name: str, text: str) -> list[Problem]:
        raise NotImplementedError

    def save_slide(self, name: str, text: str) -> None:
        """Write the slide atomically (FileInvalid when it would not load)."""
        raise NotImplementedError

    # --- cases --------------------------------------------------------------------------
    def case_ids(self) -> list[str]:
        """The case files in cases/, by id (file stem), sorted."""
        raise NotImplementedError

    def draft_ids(self) -> list[str]:
        """The drafts kept for this pack."""
        raise NotImplementedError

    def new_case(self, case_id: str, title: str) -> CaseEditor:
        """A new case in memory (nothing written until save or save_draft). Refused when
        the id is taken or not an id."""
        raise NotImplementedError

    def open_case(self, case_id: str) -> CaseEditor:
        """The case file's editor (its draft, when one is kept, is open_draft's)."""
        raise NotImplementedError

    def open_draft(self, case_id: str) -> CaseEditor:
        raise NotImplementedError


class CaseEditor:
    """One case file open for editing. Fields are key paths of the case format:
    ("title",), ("severity",), ("context", "caption"), ("golden", "decision"), ..."""

    case_id: str
    path: Path  # cases/<id>.toml (where save writes)

    def text(self) -> str:
        """The file as it would be saved now."""
        raise NotImplementedError

    def get(self, field: KeyPath) -> Any:
        """The value at a key path as written (None when absent)."""
        raise NotImplementedError

    def set(self, field: KeyPath, value: Any) -> None:
        """Set one field (str, list[str], bool, number); None removes it. A new key goes
        where the format's fixed order puts it; every other line stays as it was."""
        raise NotImplementedError

    def set_golden(self, decision: str, clauses: list[str]) -> None:
        raise NotImplementedError

    def cues(self) -> list[CueRow]:
        raise NotImplementedError

    def add_cue(self, at: float, text: str) -> int:
        """A cue at `at` seconds (stored as clock text "m:ss.fff"), in time order; its index."""
        raise NotImplementedError

    def edit_cue(self, index: int, *, at: float | None = None, text: str | None = None) -> None:
        raise NotImplementedError

    def remove_cue(self, index: int) -> None:
        raise NotImplementedError

    def moments(self) -> list[MomentRow]:
        raise NotImplementedError

    def add_moment(self, start: float, end: float, label: str = "") -> int:
        raise NotImplementedError

    def edit_moment(
        self,
        index: int,
        *,
        start: float | None = None,
        end: float | None = None,
        label: str | None = None,
    ) -> None:
        raise NotImplementedError

    def remove_moment(self, index: int) -> None:
        raise NotImplementedError

    def choose_video(self, source: Path, probe: ClipProbe) -> str:
        """Copy `source` into assets/<pack>/ as `<sha256 prefix><ext>` (kept once however
        often chosen) and set `video` to that name, returned. AuthoringRefused, nothing
        copied, when probe(source) gives a reason libVLC cannot decode it."""
        raise NotImplementedError

    def video_path(self) -> Path | None:
        """The clip `video` names, inside assets/<pack>/ (None when it names none)."""
        raise NotImplementedError

    def check(self) -> list[Problem]:
        """This file as edited, checked with the rules of `calibrate validate` against the
        pack's saved pack.toml (clip facts cached; only this file is read)."""
        raise NotImplementedError

    def golden_change(self) -> GoldenChange | None:
        """Before saving: the answers recorded against an earlier golden answer, when the
        golden decision or clauses differ from the saved file's; None when unchanged."""
        raise NotImplementedError

    def save(self) -> Path:
        """Write cases/<id>.toml atomically; FileInvalid (nothing written) when check() finds
        a blocking problem. Removes this case's draft."""
        raise NotImplementedError

    def save_draft(self) -> Path:
        """Keep the file as it is, valid or not, in the drafts folder; returns its path."""
        raise NotImplementedError

    def discard_draft(self) -> None:
        raise NotImplementedError
