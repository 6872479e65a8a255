"""A trainer's preview of a lesson: the sessions manager's calls, recording nothing.

"Take this lesson as a moderator" (docs/authoring.md) runs the real lesson screens on a pack
read from the editor's files. Those screens talk to `ws.sessions`; the preview hands them a
`PreviewSessions` instead, with the same calls, that keeps the answers in memory and writes
nothing: no session, no answer, no pack version, no dispute. Reading the room's split is
passed through (a read), so the reveal looks as the moderator's will. Qt-free.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from calibrate.core.models import Answer
from calibrate.core.profiles import Profile
from calibrate.core.stamps import utc_now

if TYPE_CHECKING:
    from calibrate.core.models import Pack
    from calibrate.workspace import Workspace
    from calibrate.workspace.sessions import OpenedSession

PREVIEW_KIND = "first_attempt"  # a preview is always a first take (core.models)
PREVIEW_PROFILE = Profile(id="preview", name="Preview (nothing recorded)")
_ANSWER_FIELDS = {f.name for f in dataclasses.fields(Answer)}


class PreviewSessions:
    """`ws.sessions` for a preview: every write is kept in memory only."""

    def __init__(self, ws: Workspace | None):
        self._ws = ws
        self.answers: list[Answer] = []  # what was answered in this preview, in order
        self.disputes: list[tuple[Answer, str]] = []

    def open(
        self,
        profile: Profile,
        pack: Pack,
        lesson_id: str,
        case_ids: Collection[str],
        *,
        force_new: bool = False,
    ) -> OpenedSession:
        """A new, empty session that exists nowhere but here."""
        from calibrate.workspace.sessions import OpenedSession

        return OpenedSession(f"preview-{uuid.uuid4().hex}", PREVIEW_KIND, {})

    def finish(self, session_id: str) -> None:
        """Nothing to close: the session was never written."""

    def record_answer(self, **answer: Any) -> Answer:
        """The answer as the real call would build it, kept in memory."""
        profile: Profile = answer["profile"]
        pack: Pack = answer["pack"]
        case = answer["case"]
        draft = answer["draft"]
        skipped = bool(draft.skipped)
        answered_at = utc_now()
        facts: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "session_id": answer["session_id"],
            "profile_id": profile.id,
            "pack_id": pack.id,
            "lesson_id": answer["lesson_id"],
            "case_id": case.id,
            "case_hash": case.content_hash,
            "pack_hash": pack.content_hash,
            "team": profile.team,
            "site": profile.site,
            "session_kind": answer["session_kind"],
            "decision": None if skipped else draft.decision,
            "clause": None if skipped else draft.clause,
            "confidence": None if skipped else draft.confidence,
            "note": draft.note,
            "skipped": skipped,
            "shown_at": min(answer["shown_at"], answered_at),
            "answered_at": answered_at,
            "time_to_answer_ms": max(0, int(answer["time_to_answer_ms"])),
            "watched_ms": max(0, int(answer["watched_ms"])),
        }
        for key in ("watched_share", "clip_unavailable"):
            if answer.get(key) is not None:
                facts[key] = answer[key]
        # Keys a newer record_answer takes (a moment marked, …) go through when Answer has them.
        facts.update({k: v for k, v in answer.items() if k in _ANSWER_FIELDS and k not in facts})
        recorded = Answer(**{k: v for k, v in facts.items() if k in _ANSWER_FIELDS})
        self.answers.append(recorded)
        return recorded

    def room_split(self, pack_id: str, case_id: str) -> Counter[str]:
        """The room's real split (a read), or none without a database."""
        if self._ws is None or self._ws.conn is None:
            return Counter()
        return self._ws.sessions.room_split(pack_id, case_id)

    def dispute(self, answer: Answer, note: str) -> str:
        """A dispute filed in a preview is kept here, never sent to the trainers' list."""
        self.disputes.append((answer, note))
        return ""
