"""CaseEditor (PackEditor.open_case / new_case / open_draft): one case file held in memory as
a tomlkit document, checked live with the rules of `calibrate validate`, saved atomically
when valid or kept as a draft when not. See workspace/authoring.py."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibrate.core.authoring import rules
from calibrate.core.authoring.case_document import CaseDocument
from calibrate.core.authoring.clips import content_name
from calibrate.core.authoring.errors import AuthoringRefused, FileInvalid
from calibrate.core.authoring.rows import CueRow, GoldenChange, MomentRow
from calibrate.core.authoring.saving import atomic_copy, write_text
from calibrate.core.errors import Problem, counted

if TYPE_CHECKING:
    from calibrate.core.lessons.toml_lines import KeyPath
    from calibrate.workspace.authoring_pack import PackEditor


class CaseEditor:
    """One case file open for editing. Fields are key paths of the case format:
    ("title",), ("severity",), ("context", "caption"), ("golden", "decision"), ..."""

    def __init__(self, pack: PackEditor, case_id: str, text: str, saved_text: str | None):
        self.pack = pack
        self.case_id = case_id
        self.path = pack.folder / "cases" / f"{case_id}.toml"  # where save writes
        self._saved_text = saved_text  # the file on disk (None: not saved yet)
        self._raw = text
        self._document: CaseDocument | None = None
        self.set_text(text)

    # --- the text -----------------------------------------------------------------------
    def text(self) -> str:
        """The file as it would be saved now."""
        return self._document.text() if self._document is not None else self._raw

    def set_text(self, text: str) -> None:
        """Replace the whole text (a trainer editing the TOML itself). Text that is not
        TOML is kept as it is, check() says where it breaks, and field edits are refused
        until it parses."""
        self._raw = text
        try:
            self._document = CaseDocument(text)
        except AuthoringRefused:
            self._document = None

    @property
    def document(self) -> CaseDocument:
        if self._document is None:
            raise AuthoringRefused(f"{self.path.name} is not valid TOML: fix its text first")
        return self._document

    # --- fields -------------------------------------------------------------------------
    def get(self, field: KeyPath) -> Any:
        """The value at a key path as written (None when absent)."""
        return self.document.get(field)

    def set(self, field: KeyPath, value: Any) -> None:
        """Set one field (str, list[str], bool, number); None removes it. A new key goes
        where the format's fixed order puts it; every other line stays as it was."""
        self.document.set_field(field, value)

    def set_golden(self, decision: str, clauses: list[str]) -> None:
        self.document.set(("golden", "decision"), decision)
        self.document.set(("golden", "clauses"), list(clauses))

    def cues(self) -> list[CueRow]:
        return [CueRow(*row) for row in self.document.cues()]

    def add_cue(self, at: float, text: str) -> int:
        """A cue at `at` seconds (stored as clock text "m:ss.fff"), in time order; its index."""
        return self.document.add_cue(at, text)

    def edit_cue(self, index: int, *, at: float | None = None, text: str | None = None) -> None:
        self.document.edit_cue(index, at, text)

    def remove_cue(self, index: int) -> None:
        self.document.remove_entry("cues", index)

    def moments(self) -> list[MomentRow]:
        return [MomentRow(*row) for row in self.document.moments()]

    def add_moment(self, start: float, end: float, label: str = "") -> int:
        return self.document.add_moment(start, end, label)

    def edit_moment(
        self,
        index: int,
        *,
        start: float | None = None,
        end: float | None = None,
        label: str | None = None,
    ) -> None:
        self.document.edit_moment(index, start, end, label)

    def remove_moment(self, index: int) -> None:
        self.document.remove_entry("moments", index)

    # --- the clip -----------------------------------------------------------------------
    def choose_video(self, source: Path, probe: Callable[[Path], str | None]) -> str:
        """Copy `source` into assets/<pack>/ as `<sha256 prefix><ext>` (kept once however
        often chosen) and set `video` to that name, returned. AuthoringRefused, nothing
        copied, when probe(source) gives a reason libVLC cannot decode it."""
        source = Path(source)
        clips = self.pack.manager.clips
        try:
            if not stat.S_ISREG(os.stat(source).st_mode):
                raise AuthoringRefused(f"{source} is not a regular file; not added")
            digest = clips.digest(source)
        except OSError as error:
            raise AuthoringRefused(f"{source} cannot be read ({error.strerror or error})") from None
        reason = clips.decode_problem(source, probe)
        if reason:
            raise AuthoringRefused(f"{source.name} was not added: {reason}")
        name = content_name(digest, source)
        target = self.pack.assets / name
        try:
            self.pack.assets.mkdir(parents=True, exist_ok=True)
            present = target.is_file() and clips.digest(target) == digest
        except OSError as error:
            raise AuthoringRefused(f"{self.pack.assets}: {error.strerror or error}") from None
        if not present:
            atomic_copy(source, target)
        self.set(("video",), name)
        return name

    def video_path(self) -> Path | None:
        """The clip `video` names, inside assets/<pack>/ (None when it names none)."""
        video = self.get(("video",))
        return self.pack.assets / video if isinstance(video, str) and video else None

    # --- checking and saving ------------------------------------------------------------
    def check(self) -> list[Problem]:
        """This file as edited, checked with the rules of `calibrate validate` against the
        pack's saved pack.toml (clip facts cached; only this file is read)."""
        clip_check = self.pack.manager.clips.clip_problem
        return rules.check_case_text(self.path, self.text(), self.pack.context, clip_check)

    def golden_change(self) -> GoldenChange | None:
        """Before saving: the answers recorded against an earlier golden answer, when the
        golden decision or clauses differ from the saved file's; None when unchanged."""
        if self._saved_text is None or self._document is None:
            return None
        try:
            saved = CaseDocument(self._saved_text).golden()
        except AuthoringRefused:
            saved = (None, ())
        decision, clauses = self._document.golden()
        if decision is None or (decision, set(clauses)) == (saved[0], set(saved[1])):
            return None
        return self.pack.manager.golden_change(
            self.pack.pack_id, self.case_id, decision, list(clauses)
        )

    def save(self) -> Path:
        """Write cases/<id>.toml atomically; FileInvalid (nothing written) when check() finds
        a blocking problem. Removes this case's draft."""
        blocking = [p for p in self.check() if not p.is_warning]
        if blocking:
            raise FileInvalid(
                f"{self.path.name} not saved: {counted(len(blocking), 'problem')} to fix first "
                "(keep it as a draft meanwhile)",
                blocking,
            )
        text = self.text()
        self.path.parent.mkdir(exist_ok=True)
        write_text(self.path, text)
        self._saved_text = text
        self.discard_draft()
        return self.path

    def draft_path(self) -> Path:
        return self.pack.drafts() / f"{self.case_id}.toml"

    def save_draft(self) -> Path:
        """Keep the file as it is, valid or not, in the drafts folder; returns its path."""
        path = self.draft_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise AuthoringRefused(f"{path.parent}: {error.strerror or error}") from None
        write_text(path, self.text())
        return path

    def discard_draft(self) -> None:
        try:
            self.draft_path().unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            raise AuthoringRefused(f"{self.draft_path()}: {error.strerror or error}") from None
