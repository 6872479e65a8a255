"""ws.rooms: a live room's durable side, for the host and for a participant (Qt-free).

The host's database is the room's one source of truth: `host()` builds the room's state
machine (core/live/room.py) over this database — a new room, or the lesson's unfinished one
resumed where it was — and every answer goes through `ws.sessions.record_answer`, the
path a self-paced answer takes (session kind `live`), committed before the room counts it.
A participant stores each of its answers as the host acknowledged it (`Participation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calibrate.core.live.messages import AnswerMessage, PackOffer, ProfileInfo
from calibrate.core.live.room import Joined, Room, RoomPosition, RoomRules, Timing
from calibrate.core.models import AnswerDraft
from calibrate.core.profiles import Profile
from calibrate.store import rooms as room_rows

if TYPE_CHECKING:
    from calibrate.core.models import Lesson, Pack
    from calibrate.workspace import Workspace


class RoomError(ValueError):
    """A room that cannot be hosted as asked (one line for the command to print)."""


@dataclass
class HostedRoom:
    """A room row of this database: a new one, or an unfinished one to resume."""

    id: str
    bind: str
    port: int  # 0 until the server has bound one
    position: RoomPosition
    resumed: bool
    joins_open: bool = True


class RoomsManager:
    def __init__(self, ws: Workspace):
        self._ws = ws

    def open(self, pack: Pack, lesson: Lesson, bind: str) -> HostedRoom:
        """The lesson's unfinished room (to resume with its address), else a new one."""
        row = room_rows.unfinished_room(self._ws.db, pack.id, lesson.id)
        if row is not None and row["pack_hash"] != pack.content_hash:
            raise RoomError(
                f"the unfinished room of {pack.id}/{lesson.id} ran another version of the "
                "pack; restore that version to resume it"
            )
        resumed = row is not None and row["port"] != 0
        if row is None:
            row = room_rows.create_room(self._ws.db, pack, lesson.id, bind)
        position = RoomPosition(row["step"], row["phase"])
        return HostedRoom(
            row["id"], row["bind"], row["port"], position, resumed, bool(row["joins_open"])
        )

    def bound(self, room: HostedRoom, port: int) -> None:
        """The port the server bound: the join code names it, a resumed host rebinds it."""
        room_rows.update_room(self._ws.db, room.id, port=port)
        room.port = port

    def host(
        self,
        room: HostedRoom,
        pack: Pack,
        lesson: Lesson,
        secret: bytes,
        timing: Timing,
        expect: int = 0,
        offer: PackOffer | None = None,
    ) -> Room:
        """The room's state machine over this database, where the database says it is."""
        db = self._ws.db
        removed = {m["profile_id"] for m in room_rows.members(db, room.id) if m["removed"]}
        recorder = _HostRecorder(self._ws, room.id, pack, lesson)
        return Room(
            room.id,
            secret,
            pack,
            lesson,
            recorder,
            timing,
            RoomRules(expect=expect, joins_open=room.joins_open, removed=removed),
            position=room.position,
            answered=room_rows.answered_by_case(db, room.id),
            offer=offer,
        )

    def remove(self, room: Room, profile_id: str) -> list[Any]:
        """The host removes a participant for good: kept in the database, refused later."""
        room_rows.set_removed(self._ws.db, room.room_id, profile_id)
        return room.remove(profile_id)

    def close_joins(self, room: Room) -> None:
        """No new participants from now on (members may still rejoin); kept on resume."""
        room_rows.update_room(self._ws.db, room.room_id, joins_open=0)
        room.rules.joins_open = False

    def participation(self, profile: Profile) -> Participation:
        """The participant's side: its profile here, its acknowledged answers stored."""
        from calibrate.workspace.room_participant import Participation

        return Participation(self._ws, profile)


if TYPE_CHECKING:
    from calibrate.workspace.room_participant import Participation


class _HostRecorder:
    """core's RoomRecorder over the host's database."""

    def __init__(self, ws: Workspace, room_id: str, pack: Pack, lesson: Lesson):
        self._ws, self._room_id, self._pack, self._lesson = ws, room_id, pack, lesson
        self._joined: dict[str, tuple[Profile, str]] = {}  # profile id → (as sent, session)
        from calibrate.store import catalog

        catalog.record_pack_version(ws.db, pack)

    def join(self, info: ProfileInfo) -> Joined:
        profile = Profile(info.id, info.name.strip(), info.team.strip(), info.site.strip())
        session = room_rows.join_member(
            self._ws.db, self._room_id, profile, self._pack, self._lesson.id
        )
        self._joined[profile.id] = (profile, session["id"])
        from calibrate.store.answers import answer_row, answers_for_session

        answers = answers_for_session(self._ws.db, session["id"])
        return Joined(session, tuple(answer_row(a) for a in answers))

    def record(
        self, profile_id: str, case_id: str, answer: AnswerMessage, shown_at: str, ms: int
    ) -> dict[str, object]:
        from calibrate.store.answers import answer_row

        profile, session_id = self._joined[profile_id]
        draft = AnswerDraft(
            decision=answer.decision,
            clause=answer.clause,
            confidence=answer.confidence,
            note=answer.note,
            skipped=answer.skipped,
        )
        stored = self._ws.sessions.record_answer(
            session_id=session_id,
            session_kind="live",
            profile=profile,
            pack=self._pack,
            lesson_id=self._lesson.id,
            case=self._pack.cases[case_id],
            draft=draft,
            shown_at=shown_at,
            time_to_answer_ms=ms,
            watched_ms=answer.watched_ms,
            watched_share=answer.watched_share,
        )
        return answer_row(stored)

    def split(self, case_id: str) -> dict[str, int]:
        return dict(room_rows.room_split(self._ws.db, self._room_id, case_id))

    def save_position(self, position: RoomPosition) -> None:
        room_rows.save_position(self._ws.db, self._room_id, position.step, position.phase)

    def finish(self) -> str:
        return room_rows.finish_room(self._ws.db, self._room_id)
