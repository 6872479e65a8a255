"""Live rooms a host runs on this database: the room row, its members and their sessions.

Each write commits before returning (the room counts an answer or moves on only after),
so a host killed at any moment resumes where the database says it was.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from calibrate.core.answer_rules import profile_problems
from calibrate.core.stamps import utc_now
from calibrate.store.audit import log_event

if TYPE_CHECKING:
    import sqlite_utils

    from calibrate.core.models import Pack
    from calibrate.core.profiles import Profile


def unfinished_room(db: sqlite_utils.Database, pack_id: str, lesson_id: str) -> dict | None:
    """The newest room of this lesson that did not reach its end: the one to resume."""
    return next(
        db.query(
            "SELECT * FROM rooms WHERE pack_id = ? AND lesson_id = ? AND finished_at IS NULL "
            "ORDER BY created_at DESC LIMIT 1",
            [pack_id, lesson_id],
        ),
        None,
    )


def create_room(
    db: sqlite_utils.Database, room_id: str, pack: Pack, lesson_id: str, bind: str, port: int
) -> dict:
    """The room row, written once its server listens (a room that never listened is never
    saved, so it cannot hold a database to an address it could not bind)."""
    row = {
        "id": room_id,
        "pack_id": pack.id,
        "lesson_id": lesson_id,
        "pack_hash": pack.content_hash,
        "bind": bind,
        "port": port,
        "step": -1,
        "phase": "waiting",
        "joins_open": 1,
        "created_at": utc_now(),
        "finished_at": None,
    }
    with db.atomic():
        db["rooms"].insert(row)
        log_event(db, "room_created", detail={"room": row["id"], "pack": pack.id})
    return row


def update_room(db: sqlite_utils.Database, room_id: str, **values: Any) -> None:
    with db.atomic():
        db["rooms"].update(room_id, values)


def save_position(db: sqlite_utils.Database, room_id: str, step: int, phase: str) -> None:
    """Where the room is; a lock is also an event (its time: what a reveal is measured from)."""
    with db.atomic():
        db["rooms"].update(room_id, {"step": step, "phase": phase})
        if phase == "locked":
            log_event(db, "room_locked", detail={"room": room_id, "step": step})


def members(db: sqlite_utils.Database, room_id: str) -> list[dict]:
    return list(db.query("SELECT * FROM room_members WHERE room_id = ?", [room_id]))


def members_with_profiles(db: sqlite_utils.Database, room_id: str) -> list[dict]:
    """The room's members with their profile's name, team and site."""
    return list(
        db.query(
            "SELECT m.profile_id, m.removed, p.name, p.team, p.site FROM room_members m "
            "LEFT JOIN profiles p ON p.id = m.profile_id WHERE m.room_id = ?",
            [room_id],
        )
    )


def member(db: sqlite_utils.Database, room_id: str, profile_id: str) -> dict | None:
    """This profile's member row in the room (session, removed, rejoin digest), if any."""
    return next(
        db.query(
            "SELECT * FROM room_members WHERE room_id = ? AND profile_id = ?",
            [room_id, profile_id],
        ),
        None,
    )


def set_rejoin_digest(
    db: sqlite_utils.Database, room_id: str, profile_id: str, digest: str | None
) -> None:
    """A member's new rejoin digest; None: its next join gets a new token (the host let it
    back in from another device)."""
    with db.atomic():
        db.execute(
            "UPDATE room_members SET rejoin_digest = ? WHERE room_id = ? AND profile_id = ?",
            [digest, room_id, profile_id],
        )


def session(db: sqlite_utils.Database, session_id: str) -> dict:
    return dict(db["sessions"].get(session_id))


def join_member(
    db: sqlite_utils.Database,
    room_id: str,
    profile: Profile,
    pack: Pack,
    lesson_id: str,
    rejoin_digest: str,
) -> dict:
    """A new member: its live session started, the profile row added as sent if this
    database has not seen it, the digest of its rejoin token kept. Returns the session."""
    from calibrate.store.sessions import start_session

    profile_row = {
        "id": profile.id,
        "name": profile.name,
        "team": profile.team,
        "site": profile.site,
        "role": "moderator",
        "created_at": utc_now(),
    }
    problems = profile_problems(profile_row)
    if problems:
        raise ValueError(f"profile refused: {'; '.join(problems)}")
    with db.atomic():
        db["profiles"].insert(profile_row, ignore=True)
        session_id = start_session(db, profile, pack, lesson_id, "live")
        db["room_members"].insert(
            {
                "room_id": room_id,
                "profile_id": profile.id,
                "session_id": session_id,
                "removed": 0,
                "joined_at": utc_now(),
                "rejoin_digest": rejoin_digest,
            }
        )
    return dict(db["sessions"].get(session_id))


def answer_count(db: sqlite_utils.Database, room_id: str) -> int:
    """The answers this room recorded."""
    return int(
        db.execute(
            "SELECT COUNT(*) FROM answers a JOIN room_members m ON a.session_id = m.session_id "
            "WHERE m.room_id = ?",
            [room_id],
        ).fetchone()[0]
    )


def answered_by_case(db: sqlite_utils.Database, room_id: str) -> dict[str, set[str]]:
    """Case id → the profiles whose answer the room recorded (resuming counts them)."""
    found: dict[str, set[str]] = {}
    for case_id, profile_id in db.execute(
        "SELECT a.case_id, a.profile_id FROM answers a JOIN room_members m "
        "ON a.session_id = m.session_id WHERE m.room_id = ?",
        [room_id],
    ):
        found.setdefault(case_id, set()).add(profile_id)
    return found


def room_split(db: sqlite_utils.Database, room_id: str, case_id: str) -> Counter[str]:
    """How this room's members decided the case (skips left out)."""
    return Counter(
        {
            decision: n
            for decision, n in db.execute(
                "SELECT a.decision, COUNT(*) FROM answers a JOIN room_members m "
                "ON a.session_id = m.session_id WHERE m.room_id = ? AND a.case_id = ? "
                "AND a.skipped = 0 GROUP BY a.decision",
                [room_id, case_id],
            )
        }
    )


def set_removed(db: sqlite_utils.Database, room_id: str, profile_id: str) -> None:
    with db.atomic():
        db.execute(
            "UPDATE room_members SET removed = 1 WHERE room_id = ? AND profile_id = ?",
            [room_id, profile_id],
        )


def finish_room(db: sqlite_utils.Database, room_id: str, why: str = "") -> str:
    """The room and every member's live session end now; returns the time. `why` says what
    ended a room before its lesson's end (the host's `--new-room`)."""
    now = utc_now()
    with db.atomic():
        db.execute(
            "UPDATE sessions SET finished_at = MAX(?, started_at) WHERE finished_at IS NULL "
            "AND id IN (SELECT session_id FROM room_members WHERE room_id = ?)",
            [now, room_id],
        )
        db["rooms"].update(room_id, {"finished_at": now, "phase": "ended"})
        detail = {"room": room_id, **({"why": why} if why else {})}
        log_event(db, "room_finished", detail=detail)
    return now


def rejoin_token(db: sqlite_utils.Database, room_key: str, profile_id: str) -> str | None:
    """The participant's side: the token a room's welcome gave this profile, if any."""
    row = db.execute(
        "SELECT rejoin_token FROM joined_rooms WHERE room_key = ? AND profile_id = ?",
        [room_key, profile_id],
    ).fetchone()
    return None if row is None else str(row[0])


def keep_rejoin_token(
    db: sqlite_utils.Database, room_key: str, profile_id: str, room_id: str | None, token: str
) -> None:
    """Before the first hello (room id not known yet), then again with the welcome's room."""
    with db.atomic():
        db["joined_rooms"].upsert(
            {
                "room_key": room_key,
                "profile_id": profile_id,
                "room_id": room_id,
                "rejoin_token": token,
                "joined_at": utc_now(),
            },
            pk=("room_key", "profile_id"),
        )
