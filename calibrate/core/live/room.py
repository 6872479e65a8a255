"""A live room's state machine: slide → case (answers open) → lock → reveal → next → end.

Pure and clock-driven: the transport hands it each connection's frames with the time
(`receive`, `disconnect`, `tick`) and sends what it returns. What must last — members,
answers, the step the room is at — goes through a `RoomRecorder` (ws.rooms: the host's
database), each write committed before the room counts it or moves on, so a host killed at
any moment resumes from the database where it was (`RoomPosition`).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping

from calibrate.core.live import content, narration
from calibrate.core.live.join_code import secret_text
from calibrate.core.live.messages import (
    Ack,
    AnswerMessage,
    End,
    Hello,
    Locked,
    Message,
    PackOffer,
    ProtocolError,
    Refused,
    Welcome,
    parse_client_message,
)
from calibrate.core.live.room_types import (
    NOT_STARTED,
    Joined,
    Member,
    Outgoing,
    Phase,
    RejoinRefused,
    RoomPosition,
    RoomRecorder,
    RoomRules,
    Timing,
)
from calibrate.core.live.room_types import answer_refused as _answer_refused
from calibrate.core.live.room_types import refuse as _refuse
from calibrate.core.models import Lesson, Pack
from calibrate.core.stamps import utc_now

log = logging.getLogger(__name__)
__all__ = [
    "NOT_STARTED",
    "Joined",
    "Outgoing",
    "Phase",
    "RejoinRefused",
    "Room",
    "RoomPosition",
    "RoomRecorder",
    "RoomRules",
    "Timing",
]


class Room:
    """One pack's lesson as a room; `answered` (case → profile ids) comes from the database
    on resume, and the first accepted answer of a profile for a case is the one that counts."""

    def __init__(
        self,
        room_id: str,
        secret: bytes,
        pack: Pack,
        lesson: Lesson,
        recorder: RoomRecorder,
        timing: Timing,
        rules: RoomRules,
        position: RoomPosition = NOT_STARTED,
        answered: Mapping[str, set[str]] | None = None,
        offer: PackOffer | None = None,
    ):
        self.room_id, self.pack, self.lesson = room_id, pack, lesson
        self._secret = secret_text(secret).encode()
        self._recorder, self.timing, self.rules = recorder, timing, rules
        self.steps: list[tuple[str, str]] = [("slide", s) for s in lesson.guidance]
        self.steps += [("case", c) for c in lesson.case_ids]
        self.position = position
        self._resume = position if position.phase != "waiting" else None
        self.answered: dict[str, set[str]] = {c: set() for c in lesson.case_ids}
        for case_id, who in (answered or {}).items():
            self.answered.setdefault(case_id, set()).update(who)
        self._conns: dict[str, str | None] = {}  # connection → profile id (None: no hello yet)
        self.members: dict[str, Member] = {}
        self._opened_mono = 0.0
        self._opened_at = ""
        self.deadline: float | None = None
        self._splits: dict[str, dict[str, int]] = {}
        self._offer = offer  # the room pack, for a participant without this pack version
        self.tell: narration.Tell = narration.silent  # one line per event, for the host
        if position.phase != "waiting":
            self.position = RoomPosition(position.step, "waiting")  # until `expect` are back

    # --- what is true now ------------------------------------------------------------------
    @property
    def ended(self) -> bool:
        return self.position.phase == "ended"

    def joined_connections(self) -> list[str]:
        """The connections a broadcast (`Outgoing.to` None) goes to."""
        return [conn for conn, who in self._conns.items() if who is not None]

    def connected_profiles(self) -> set[str]:
        return {p for p in self._conns.values() if p is not None}

    @property
    def current_case(self) -> str | None:
        step = self.position.step
        if 0 <= step < len(self.steps) and self.steps[step][0] == "case":
            return self.steps[step][1]
        return None

    # --- the transport's calls -------------------------------------------------------------
    def connect(self, conn: str) -> None:
        self._conns[conn] = None

    def disconnect(self, conn: str, now: float) -> list[Outgoing]:
        profile_id = self._conns.pop(conn, None)
        if profile_id is not None and not self.ended:
            name = self.members[profile_id].name
            self.tell(narration.left(name, len(self.connected_profiles())))
        return self._maybe_lock(now)

    def receive(self, conn: str, text: str, now: float) -> list[Outgoing]:
        try:
            message = parse_client_message(text)
        except ProtocolError as error:
            return [Outgoing(conn, Refused(code=error.code, reason=error.reason), close=True)]
        profile_id = self._conns.get(conn)
        if isinstance(message, Hello):
            if profile_id is not None:
                return [_refuse(conn, "malformed", "hello was already sent")]
            return self._hello(conn, message, now)
        if profile_id is None:
            return [_refuse(conn, "malformed", "send hello first")]
        return self._answer(conn, profile_id, message, now)

    def tick(self, now: float) -> list[Outgoing]:
        """Start once enough are connected; move on at a step's deadline."""
        if self.position.phase == "waiting":
            if len(self.connected_profiles()) >= self.rules.expect:
                return self._start(now)
            return []
        if self.deadline is None or now < self.deadline:
            return []
        if self.position.phase == "open":
            return self._lock(now)
        if self.position.phase in ("slide", "revealed"):
            return self._enter(self.position.step + 1, now)
        return []

    def remove(self, profile_id: str) -> list[Outgoing]:
        """The host removes a participant: disconnected now, refused if they rejoin."""
        self.rules.removed.add(profile_id)
        member = self.members.get(profile_id)
        self.tell(narration.removed(member.name if member else profile_id))
        return [
            _refuse(conn, "removed", "the host removed you from this room")
            for conn, who in self._conns.items()
            if who == profile_id
        ]

    # --- joining ---------------------------------------------------------------------------
    def _hello(self, conn: str, hello: Hello, now: float) -> list[Outgoing]:
        if not hmac.compare_digest(hello.secret.encode(), self._secret):
            return [_refuse(conn, "secret", "wrong room secret: check the join code")]
        profile = hello.profile
        if profile.id in self.rules.removed:
            return [_refuse(conn, "removed", "the host removed you from this room")]
        if not self.rules.joins_open and not self._recorder.is_member(profile.id):
            return [_refuse(conn, "closed", "this room is closed to new participants")]
        try:
            joined = self._recorder.join(profile, hello.rejoin)
        except RejoinRefused as error:  # someone else's profile id: the member stays on
            return [_refuse(conn, "rejoin", str(error))]
        except ValueError as error:
            return [_refuse(conn, "profile", str(error))]
        out = [
            _refuse(old, "busy", "you joined again from another connection")
            for old, who in self._conns.items()
            if who == profile.id and old != conn
        ]
        for old in [o.to for o in out]:
            self._conns.pop(old or "", None)
        self._conns[conn] = profile.id
        again = profile.id in self.members
        self.members[profile.id] = Member(
            profile.id, profile.name, profile.team, profile.site, now, utc_now()
        )
        self.tell(
            narration.joined(
                profile.name,
                again,
                len(self.connected_profiles()),
                self.rules.expect,
                self.position.phase == "waiting",
            )
        )
        for row in joined.answers:
            self.answered.setdefault(str(row["case_id"]), set()).add(profile.id)
        out.append(Outgoing(conn, self._welcome(joined)))
        if self._offer is not None and hello.pack_hash != self.pack.content_hash:
            out.append(Outgoing(conn, self._offer))
        out += self._catch_up(conn, profile.id, now)
        return out

    def _welcome(self, joined: Joined) -> Welcome:
        return Welcome(
            room_id=self.room_id,
            pack=content.pack_info(self.pack),
            lesson_id=self.lesson.id,
            lesson_title=self.lesson.title,
            slides=len(self.lesson.guidance),
            case_ids=list(self.lesson.case_ids),
            session=dict(joined.session),
            answers=[dict(row) for row in joined.answers],
            rejoin=joined.rejoin,
        )

    def _catch_up(self, conn: str, profile_id: str, now: float) -> list[Outgoing]:
        """The reveals of the cases this participant answered that were already revealed
        (their database records each at its reveal), then the step the room is at."""
        step, phase = self.position
        out = []
        for index, (kind, case_id) in enumerate(self.steps):
            past = index < step or (index == step and phase == "revealed")
            if kind == "case" and past and profile_id in self.answered.get(case_id, ()):
                out.append(Outgoing(conn, self._reveal_message(case_id, 0.0)))
        return out + [Outgoing(conn, m) for m in self._showing(now)]

    def _showing(self, now: float) -> list[Message]:
        """What a participant joining now is shown: the open slide or case, if any."""
        step, phase = self.position
        return [self._step_message(step, now)] if phase in ("slide", "open") else []

    # --- answering -------------------------------------------------------------------------
    def _answer(
        self, conn: str, profile_id: str, answer: AnswerMessage, now: float
    ) -> list[Outgoing]:
        case_id = answer.case_id
        if case_id not in self.answered:
            return [_answer_refused(conn, case_id, "wrong_case", "no such case in this lesson")]
        if profile_id in self.answered[case_id]:
            return [
                _answer_refused(
                    conn, case_id, "already_answered", "your first answer to this case counts"
                )
            ]
        if case_id != self.current_case or self.position.phase != "open":
            index = self.steps.index(("case", case_id))
            if index < self.position.step or (
                index == self.position.step and self.position.phase in ("locked", "revealed")
            ):
                return [_answer_refused(conn, case_id, "locked", "answers to this case closed")]
            return [_answer_refused(conn, case_id, "not_open", "this case is not open yet")]
        member = self.members[profile_id]
        shown_at = max(self._opened_at, member.joined_at)
        waited = now - max(self._opened_mono, member.joined_mono)
        try:
            row = self._recorder.record(profile_id, case_id, answer, shown_at, int(waited * 1000))
        except ValueError as error:
            return [_answer_refused(conn, case_id, "invalid", str(error)[:300])]
        except Exception:  # the disk is full, the file locked: not recorded, so not counted
            log.info("answer to %s not recorded", case_id, exc_info=True)
            reason = "the host could not record your answer; send it again"
            return [_answer_refused(conn, case_id, "not_recorded", reason)]
        self.answered[case_id].add(profile_id)
        return [Outgoing(conn, Ack(case_id=case_id, answer=row)), *self._maybe_lock(now)]

    def _maybe_lock(self, now: float) -> list[Outgoing]:
        """A case closes early once every connected participant (one at least) answered."""
        case_id = self.current_case
        if self.position.phase != "open" or case_id is None:
            return []
        connected = self.connected_profiles()
        if connected and connected <= self.answered[case_id]:
            return self._lock(now)
        return []

    # --- moving on -------------------------------------------------------------------------
    def _start(self, now: float) -> list[Outgoing]:
        resume, self._resume = self._resume, None
        if resume is None:
            return self._enter(0, now)
        return self._resume_at(resume, now)

    def _resume_at(self, resume: RoomPosition, now: float) -> list[Outgoing]:
        """A resumed room reopens its step; a case it had locked is locked and revealed."""
        if resume.phase in ("locked", "revealed"):
            self.position = RoomPosition(resume.step, "open")
            return self._lock(now)
        return self._enter(resume.step, now)

    def _enter(self, step: int, now: float) -> list[Outgoing]:
        if step >= len(self.steps):
            return self._end()
        kind, _ = self.steps[step]
        phase: Phase = "slide" if kind == "slide" else "open"
        self.position = RoomPosition(step, phase)
        self._recorder.save_position(self.position)
        self._opened_mono, self._opened_at = now, utc_now()
        self.deadline = self._deadline_for(kind, now)
        self.tell(narration.opened(self.steps, step))
        return [Outgoing(None, self._step_message(step, now)), *self._maybe_lock(now)]

    def _step_message(self, step: int, now: float) -> Message:
        kind, name = self.steps[step]
        left = max(0.0, (self.deadline or now) - now)
        if kind == "slide":
            return content.slide_message(self.pack, name, step, left)
        case_index = step - len(self.lesson.guidance)
        return content.case_message(self.pack, self.pack.cases[name], case_index, left)

    def _deadline_for(self, kind: str, now: float) -> float | None:
        """When a step just opened moves on by itself (None: only when the host says)."""
        return now + (self.timing.slide if kind == "slide" else self.timing.answer)

    def _lock(self, now: float) -> list[Outgoing]:
        """No more answers; every recorded one is already committed, so reveal at once."""
        out = self._close_answers()
        self.deadline = now + self.timing.reveal
        return out + self._reveal(self.timing.reveal)

    def _close_answers(self) -> list[Outgoing]:
        """The open case locks: saved, then `locked` to everyone."""
        case_id = self.current_case
        assert case_id is not None
        self.position = RoomPosition(self.position.step, "locked")
        self._recorder.save_position(self.position)
        locked = Locked(case_id=case_id, answered=len(self.answered[case_id]))
        self.tell(narration.locked(self.steps, self.position.step, *self.answer_count()))
        return [Outgoing(None, locked)]

    def _reveal(self, seconds: float) -> list[Outgoing]:
        """The locked case's reveal to everyone (saved as revealed first)."""
        case_id = self.current_case
        assert case_id is not None and self.position.phase == "locked"
        self.position = RoomPosition(self.position.step, "revealed")
        self._recorder.save_position(self.position)
        return [Outgoing(None, self._reveal_message(case_id, seconds))]

    def revealed_split(self, case_id: str) -> dict[str, int] | None:
        """How the room split on a case, once its reveal went out (None before)."""
        return self._splits.get(case_id)

    def answer_count(self) -> tuple[int, int]:
        """The current case's answers and of how many: those who answered and those
        connected (a count only: never who chose what)."""
        case_id = self.current_case
        if case_id is None:
            return 0, len(self.connected_profiles())
        answered = self.answered[case_id]
        return len(answered), len(answered | self.connected_profiles())

    def _reveal_message(self, case_id: str, seconds: float) -> Message:
        if case_id not in self._splits:  # locked: no answer can change it any more
            self._splits[case_id] = self._recorder.split(case_id)
        return content.reveal_message(self.pack.cases[case_id], self._splits[case_id], seconds)

    def _end(self) -> list[Outgoing]:
        self.position = RoomPosition(len(self.steps), "ended")
        self._recorder.save_position(self.position)
        self.deadline = None
        finished_at = self._recorder.finish()
        self.tell(narration.ended(sum(len(who) for who in self.answered.values())))
        return [Outgoing(None, End(finished_at=finished_at))]
