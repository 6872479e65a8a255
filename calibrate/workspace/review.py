"""ws.review: the cases due for spaced review, and a review session's writes.

Cards are derived on demand from the profile's answers (core/review): nothing is stored but
the answers, so answers merged from another machine or a live room reschedule a case as if
answered here, and there is nothing to keep in step. A review session answers due cases of
several packs: one session row (kind `review`) per pack it touches, opened with the pack's
first answer, so each answer's session carries its pack's version as every session does.
Qt-free; docs/dashboard-metrics.md ("Spaced review") states the rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from calibrate.core.review.cards import ReviewCard, due_cards, replay
from calibrate.store import answers, catalog, disputes, sessions
from calibrate.store.review import scored_answers

if TYPE_CHECKING:
    from calibrate.core.models import Answer, Case, Pack, Profile
    from calibrate.workspace import Workspace

REVIEW_KIND = "review"
# The lesson id of review sessions and their answers: not a lesson of any pack (lesson ids
# are letters, digits, _ . -), so a review never counts as taking or resuming a lesson.
REVIEW_LESSON_ID = "(review)"
SESSION_CASES = 20  # at most this many due cases in one review session, most overdue first


@dataclass(frozen=True)
class DueCase:
    """A due card whose case is loaded: shown against the case's current golden."""

    pack: Pack
    case: Case
    card: ReviewCard

    @property
    def key(self) -> str:
        return f"{self.pack.id}/{self.case.id}"


class ReviewManager:
    def __init__(self, ws: Workspace):
        self._ws = ws
        # What "today" is: a test sets a fake clock (an aware datetime).
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def cards(self, profile_id: str) -> dict[tuple[str, str], ReviewCard]:
        """Every card of the profile, replayed from its answers."""
        return replay(scored_answers(self._ws.db, profile_id))

    def due(self, profile_id: str, now: datetime | None = None) -> list[DueCase]:
        """The profile's cards due today (this computer's day) whose case is loaded, the
        longest overdue first. A case no loaded pack holds waits until its pack is back."""
        moment = now or self.clock()
        library = {pack.id: pack for pack in self._ws.library.packs}
        due = []
        for card in due_cards(self.cards(profile_id), moment.astimezone().date()):
            pack = library.get(card.pack_id)
            if pack is not None and card.case_id in pack.cases:
                due.append(DueCase(pack, pack.cases[card.case_id], card))
        return due

    def due_count(self, profile_id: str, now: datetime | None = None) -> int:
        """How many cases "Review due (N)" offers the profile today."""
        return len(self.due(profile_id, now))

    def start(self, profile: Profile, limit: int = SESSION_CASES) -> ReviewRun:
        """A review session over the profile's due cases (at most `limit`)."""
        return ReviewRun(self._ws, profile, self.due(profile.id)[:limit])


class ReviewRun:
    """One review session: its due cases and the writes answering them takes (the calls of
    ws.sessions a lesson screen uses, with the pack of each case)."""

    def __init__(self, ws: Workspace, profile: Profile, items: list[DueCase]):
        self._ws = ws
        self.profile = profile
        self.items = items
        self._sessions: dict[str, str] = {}  # pack id → its review session row

    def _session_for(self, pack: Pack) -> str:
        if pack.id not in self._sessions:
            db = self._ws.db
            catalog.record_pack_version(db, pack)
            self._sessions[pack.id] = sessions.start_session(
                db, self.profile, pack, REVIEW_LESSON_ID, REVIEW_KIND
            )
        return self._sessions[pack.id]

    def record_answer(self, item: DueCase, **answer: Any) -> Answer:
        """Durably commit the answer to one due case (store.answers.record_answer's other
        keywords: draft, shown_at, time_to_answer_ms, watched_ms, …); returns it once on
        disk. The case is the loaded one: a golden changed since the miss is the one used."""
        return answers.record_answer(
            self._ws.db,
            session_id=self._session_for(item.pack),
            session_kind=REVIEW_KIND,
            profile=self.profile,
            pack=item.pack,
            lesson_id=REVIEW_LESSON_ID,
            case=item.case,
            **answer,
        )

    def room_split(self, pack_id: str, case_id: str) -> Counter[str]:
        """How everyone answered the case: the reveal shows it after submit, never before."""
        return self._ws.sessions.room_split(pack_id, case_id)

    def dispute(self, answer: Answer, note: str) -> str:
        return disputes.record_dispute(self._ws.db, answer, note)

    def finish(self) -> None:
        """Close the session rows opened (a review left midway too: the cases not answered
        stay due, derived from the answers, so there is nothing to resume)."""
        for session_id in self._sessions.values():
            sessions.finish_session(self._ws.db, session_id)
        self._sessions.clear()
