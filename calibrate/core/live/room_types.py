"""The live room's vocabulary: where a room is, what it sends, what it needs from the
database (`RoomRecorder`), and how it is paced — shared by the timed room (room.py) and the
hand-paced one (pacing.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Protocol

from calibrate.core.live.messages import AnswerMessage, AnswerRefused, Message, ProfileInfo, Refused

Phase = Literal["waiting", "slide", "open", "locked", "revealed", "ended"]


class RoomPosition(NamedTuple):
    """Where the room is: a step (slides first, then cases) and its phase."""

    step: int
    phase: Phase


NOT_STARTED = RoomPosition(-1, "waiting")


class Outgoing(NamedTuple):
    """One frame to send: to a connection, or to every joined one (`to` None); `close`
    ends that connection after the frame."""

    to: str | None
    message: Message
    close: bool = False


class Joined(NamedTuple):
    session: dict[str, object]  # the participant's live session row
    answers: tuple[dict[str, object], ...]  # their answers the room recorded, as stored
    rejoin: str  # the member's rejoin token, for the welcome


class RejoinRefused(ValueError):
    """A member's profile joining again without the rejoin token its first welcome gave."""


class RoomRecorder(Protocol):
    """The room's durable side (ws.rooms); every call returns once committed."""

    def join(self, profile: ProfileInfo, rejoin: str | None) -> Joined:
        """A new member (a token made), or a member back with its token (RejoinRefused
        otherwise); ValueError: a profile refused."""
        ...

    def is_member(self, profile_id: str) -> bool: ...

    def record(
        self, profile_id: str, case_id: str, answer: AnswerMessage, shown_at: str, ms: int
    ) -> dict[str, object]: ...  # the stored row; ValueError: the answer is refused

    def split(self, case_id: str) -> dict[str, int]: ...

    def save_position(self, position: RoomPosition) -> None: ...

    def finish(self) -> str: ...


@dataclass(frozen=True)
class Timing:
    """The timed room's clock (`calibrate room host`): seconds a case stays open, a reveal
    and a slide show."""

    answer: float = 60.0
    reveal: float = 5.0
    slide: float = 3.0


@dataclass
class Member:
    """A participant as sent in this run's hello (the console lists them)."""

    profile_id: str
    name: str = ""
    team: str = ""
    site: str = ""
    joined_mono: float = 0.0
    joined_at: str = ""


@dataclass
class RoomRules:
    expect: int = 0  # the first step opens once this many participants are connected
    joins_open: bool = True
    removed: set[str] = field(default_factory=set)


def refuse(conn: str, code: str, reason: str) -> Outgoing:
    return Outgoing(conn, Refused(code=code, reason=reason), close=True)


def answer_refused(conn: str, case_id: str, code: str, reason: str) -> Outgoing:
    return Outgoing(conn, AnswerRefused(case_id=case_id, code=code, reason=reason))
