"""ws.sessions: start or resume a lesson, record an answer, what the reveal may show.

Every write here is one short commit on the calling (GUI) thread, done before the screen
says "recorded" (DESIGN.md "Threading"); nothing here waits on a scan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calibrate.store import answers, catalog, disputes, sessions

if TYPE_CHECKING:
    from calibrate.core.models import Answer, Pack, Profile
    from calibrate.workspace import Workspace


@dataclass(frozen=True)
class OpenedSession:
    """A session to take: its id and kind, and the answers it already holds by case id
    (a resumed session; empty for a new one)."""

    id: str
    kind: str
    answered: dict[str, Answer]


@dataclass(frozen=True)
class LiveSession:
    """One live room the profile took part in, as their own database remembers it (the
    pack need not be installed): answers recorded, and scored where a reveal said the golden
    answer (`correct` of `answered`, skips aside)."""

    id: str
    pack_id: str
    pack_title: str
    policy: str  # "policy · version" as the room's welcome named it
    pack_hash: str
    lesson_id: str
    started_at: str
    finished: bool
    recorded: int
    answered: int
    correct: int
    pass_mark: float | None

    @property
    def score(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def passed(self) -> bool | None:
        if self.score is None or self.pass_mark is None:
            return None
        return self.score >= self.pass_mark


class SessionsManager:
    def __init__(self, ws: Workspace):
        self._ws = ws

    def open(
        self,
        profile: Profile,
        pack: Pack,
        lesson_id: str,
        case_ids: Collection[str],
        *,
        force_new: bool = False,
    ) -> OpenedSession:
        """Resume the profile's unfinished session of this lesson, or start one (a retake
        when the lesson was taken before); `force_new` always starts one."""
        db = self._ws.db
        catalog.record_pack_version(db, pack)
        row = None if force_new else sessions.open_session(db, profile.id, pack.id, lesson_id)
        if row is not None:
            answered = {
                a.case_id: a
                for a in answers.answers_for_session(db, row["id"])
                if a.case_id in case_ids
            }
            return OpenedSession(row["id"], row["kind"], answered)
        kind = sessions.next_session_kind(db, profile.id, pack.id, lesson_id)
        return OpenedSession(sessions.start_session(db, profile, pack, lesson_id, kind), kind, {})

    def finish(self, session_id: str) -> None:
        sessions.finish_session(self._ws.db, session_id)

    def record_answer(self, **answer: Any) -> Answer:
        """Validate and durably commit one answer (store.answers.record_answer's keywords);
        returns it only once it is on disk."""
        return answers.record_answer(self._ws.db, **answer)

    def room_split(self, pack_id: str, case_id: str) -> Counter[str]:
        """How everyone answered the case: the reveal shows it after submit, never before."""
        return answers.decision_split(self._ws.db, pack_id, case_id)

    def dispute(self, answer: Answer, note: str) -> str:
        return disputes.record_dispute(self._ws.db, answer, note)

    def lesson_progress(self, profile_id: str) -> dict[tuple[str, str], dict[str, Any]]:
        return sessions.lesson_progress(self._ws.db, profile_id)

    def last_finished_answers(
        self, profile_id: str, pack_id: str, lesson_id: str
    ) -> list[Answer] | None:
        """The answers of the profile's newest finished session of the lesson (None: never
        finished) — what its summary shows."""
        finished = sessions.latest_finished_session(self._ws.db, profile_id, pack_id, lesson_id)
        return None if finished is None else answers.answers_for_session(self._ws.db, finished)

    def live_history(self, profile_id: str, installed: Collection[str]) -> list[LiveSession]:
        """The profile's live sessions of packs not in `installed` (pack ids), newest first:
        the lesson list shows the installed packs' sessions under their lessons already."""
        return [
            LiveSession(
                id=row["id"],
                pack_id=row["pack_id"],
                pack_title=row["pack_title"] or row["pack_id"],
                policy=" · ".join(filter(None, (row["policy"], row["policy_version"]))),
                pack_hash=row["pack_hash"],
                lesson_id=row["lesson_id"],
                started_at=row["started_at"],
                finished=row["finished_at"] is not None,
                recorded=row["recorded"],
                answered=row["answered"],
                correct=row["correct"],
                pass_mark=row["pass_mark"],
            )
            for row in reversed(sessions.live_sessions(self._ws.db, profile_id))
            if row["pack_id"] not in installed
        ]
