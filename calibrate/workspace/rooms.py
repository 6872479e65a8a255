"""ws.rooms: a live room's durable side, for the host and for a participant (Qt-free).

The host's database is the room's one source of truth: `host()` builds the room's state
machine (core/live/room.py) over this database — a new room, or the lesson's unfinished one
resumed where it was — and every answer goes through `ws.sessions.record_answer`, the
path a self-paced answer takes (session kind `live`), committed before the room counts it.
A participant stores each of its answers as the host acknowledged it (`Participation`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calibrate.core.live.join_code import JoinCode, new_rejoin_token, rejoin_digest, room_key
from calibrate.core.live.messages import AnswerMessage, PackOffer, ProfileInfo
from calibrate.core.live.pacing import HandPacedRoom
from calibrate.core.live.room import (
    NOT_STARTED,
    Joined,
    RejoinRefused,
    Room,
    RoomPosition,
    RoomRules,
    Timing,
)
from calibrate.core.models import AnswerDraft
from calibrate.core.profiles import Profile
from calibrate.core.stamps import new_id
from calibrate.store import rooms as room_rows

if TYPE_CHECKING:
    from calibrate.core.models import Lesson, Pack
    from calibrate.workspace import Workspace


class RoomError(ValueError):
    """A room that cannot be hosted as asked (one line for the command to print)."""


@dataclass
class HostedRoom:
    """The lesson's unfinished room to resume, or a new one — saved only by `bound()`, once
    its server listens, so an address that cannot be bound never holds the database."""

    id: str
    bind: str
    port: int  # 0 until the server has bound one
    position: RoomPosition
    resumed: bool
    joins_open: bool = True
    replaces: str | None = None  # the unfinished room `bound()` ends first (a new room)
    replaced_answers: int = 0  # the answers that room recorded (kept)
    new_for: tuple[Pack, str] | None = None  # a new room's pack and lesson id, until saved

    @property
    def saved(self) -> bool:
        return self.new_for is None


@dataclass(frozen=True)
class RosterEntry:
    profile_id: str
    name: str
    team: str
    site: str
    connected: bool
    removed: bool


class RoomsManager:
    def __init__(self, ws: Workspace):
        self._ws = ws

    def open(self, pack: Pack, lesson: Lesson, bind: str, *, new_room: bool = False) -> HostedRoom:
        """The lesson's unfinished room (to resume at the address its join code names), else
        a new one at `bind`. `new_room`: a new one even so — the unfinished room ends, its
        answers kept, once the new one listens (`bound`)."""
        db = self._ws.db
        row = room_rows.unfinished_room(db, pack.id, lesson.id)
        if row is not None and row["port"] == 0:  # saved before it listened (older versions):
            room_rows.finish_room(db, row["id"], "never listened")  # no one could join it
            row = None
        if row is not None and not new_room:
            if row["pack_hash"] != pack.content_hash:
                raise RoomError(
                    f"the unfinished room of {pack.id}/{lesson.id} ran another version of the "
                    "pack; restore that version to resume it"
                )
            position = RoomPosition(row["step"], row["phase"])
            return HostedRoom(
                row["id"], row["bind"], row["port"], position, True, bool(row["joins_open"])
            )
        new = HostedRoom(new_id(), bind, 0, NOT_STARTED, False, new_for=(pack, lesson.id))
        if row is not None:
            new.replaces = row["id"]
            new.replaced_answers = room_rows.answer_count(db, row["id"])
        return new

    def bound(self, room: HostedRoom, port: int) -> None:
        """The port the server bound: the join code names it, a resumed host rebinds it. A new
        room is saved now, and the room it replaces ends."""
        db = self._ws.db
        if room.new_for is None:
            room_rows.update_room(db, room.id, port=port)
        else:
            if room.replaces is not None:
                room_rows.finish_room(db, room.replaces, "replaced by a new room")
            pack, lesson_id = room.new_for
            room_rows.create_room(db, room.id, pack, lesson_id, room.bind, port)
            room.new_for = None
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
        *,
        by_hand: bool = False,
    ) -> Room:
        """The room's state machine over this database, where the database says it is:
        timed (`calibrate room host`), or `by_hand` a HandPacedRoom (the host console)."""
        if room.new_for is not None:
            raise RoomError("a new room is saved by bound() once its server listens")
        db = self._ws.db
        removed = {m["profile_id"] for m in room_rows.members(db, room.id) if m["removed"]}
        recorder = _HostRecorder(self._ws, room.id, pack, lesson)
        kind = HandPacedRoom if by_hand else Room
        return kind(
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

    def roster(self, room: Room) -> list[RosterEntry]:
        """Every member of the room (this run's and earlier ones'), as the console lists
        them: name, team and site as sent, connected or not, removed or not."""
        rows = room_rows.members_with_profiles(self._ws.db, room.room_id)
        connected = room.connected_profiles()
        entries = []
        for row in rows:
            seen = room.members.get(row["profile_id"])
            name, team, site = (
                (seen.name, seen.team, seen.site)
                if seen is not None
                else (row["name"], row["team"], row["site"])
            )
            entries.append(
                RosterEntry(
                    row["profile_id"],
                    name,
                    team or "",
                    site or "",
                    row["profile_id"] in connected,
                    bool(row["removed"]),
                )
            )
        return sorted(entries, key=lambda e: (e.removed, e.name.casefold(), e.profile_id))

    def let_rejoin(self, room: Room, profile_id: str) -> None:
        """A member may join again from another device (theirs crashed): the next hello of
        that profile gets a new rejoin token, and the old one stops working."""
        room_rows.set_rejoin_digest(self._ws.db, room.room_id, profile_id, None)

    def close_joins(self, room: Room) -> None:
        """No new participants from now on (members may still rejoin); kept on resume."""
        room_rows.update_room(self._ws.db, room.room_id, joins_open=0)
        room.rules.joins_open = False

    def participation(self, profile: Profile, code: JoinCode) -> Participation:
        """The participant's side of the room `code` names: its profile here, its rejoin
        token kept, its acknowledged answers stored."""
        from calibrate.workspace.room_participant import Participation

        return Participation(self._ws, profile, room_key(code))


if TYPE_CHECKING:
    from calibrate.workspace.room_participant import Participation


class _HostRecorder:
    """core's RoomRecorder over the host's database."""

    def __init__(self, ws: Workspace, room_id: str, pack: Pack, lesson: Lesson):
        self._ws, self._room_id, self._pack, self._lesson = ws, room_id, pack, lesson
        self._joined: dict[str, tuple[Profile, str]] = {}  # profile id → (as sent, session)
        from calibrate.store import catalog

        catalog.record_pack_version(ws.db, pack)

    def join(self, info: ProfileInfo, rejoin: str | None) -> Joined:
        profile = Profile(info.id, info.name.strip(), info.team.strip(), info.site.strip())
        db = self._ws.db
        member = room_rows.member(db, self._room_id, profile.id)
        if member is None:  # the participant's own token; a hello without one gets one
            token = rejoin or new_rejoin_token()
            session = room_rows.join_member(
                db, self._room_id, profile, self._pack, self._lesson.id, rejoin_digest(token)
            )
        else:
            token = self._check_rejoin(member, rejoin)
            session = room_rows.session(db, member["session_id"])
        self._joined[profile.id] = (profile, session["id"])
        from calibrate.store.answers import answer_row, answers_for_session

        answers = answers_for_session(db, session["id"])
        return Joined(session, tuple(answer_row(a) for a in answers), token)

    def _check_rejoin(self, member: dict[str, Any], rejoin: str | None) -> str:
        """The member's token, checked in constant time: a profile id is no secret (it is in
        exports and answer rows), so without the token a hello could take a member's seat."""
        kept = member["rejoin_digest"]
        if kept is None:  # joined before rejoin tokens: the next join sets one
            token = new_rejoin_token()
            room_rows.set_rejoin_digest(
                self._ws.db, self._room_id, member["profile_id"], rejoin_digest(token)
            )
            return token
        if rejoin is None or not hmac.compare_digest(rejoin_digest(rejoin), kept):
            raise RejoinRefused(
                "this profile already joined the room from another device; rejoin from "
                "the one that joined first, or ask the host to let you in again"
            )
        return rejoin

    def is_member(self, profile_id: str) -> bool:
        return room_rows.member(self._ws.db, self._room_id, profile_id) is not None

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
