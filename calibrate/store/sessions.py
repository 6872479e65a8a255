"""Lesson sessions: who took which lesson, as what kind of attempt, and when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calibrate.core.models import SESSION_KINDS, Pack, Profile
from calibrate.core.stamps import new_id, utc_now
from calibrate.store.audit import log_event

if TYPE_CHECKING:
    import sqlite_utils


def start_session(
    db: sqlite_utils.Database, profile: Profile, pack: Pack, lesson_id: str, kind: str
) -> str:
    """Open a session row (team and site as they are now) and return its id."""
    if kind not in SESSION_KINDS:
        raise ValueError(f"unknown session kind {kind!r}")
    session_id = new_id()
    with db.atomic():
        db["sessions"].insert(
            {
                "id": session_id,
                "profile_id": profile.id,
                "pack_id": pack.id,
                "lesson_id": lesson_id,
                "pack_hash": pack.content_hash,
                "kind": kind,
                "team": profile.team,
                "site": profile.site,
                "started_at": utc_now(),
                "finished_at": None,
            }
        )
        log_event(
            db,
            "session_started",
            profile_id=profile.id,
            session_id=session_id,
            detail={"pack": pack.id, "lesson": lesson_id, "kind": kind},
        )
    return session_id


def finish_session(db: sqlite_utils.Database, session_id: str) -> None:
    with db.atomic():
        started = db["sessions"].get(session_id)["started_at"]
        # A clock set back meanwhile (a time-sync correction) must not write a session that
        # ends before it starts: the import rules refuse such a row on the next machine.
        db["sessions"].update(session_id, {"finished_at": max(utc_now(), started)})
        log_event(db, "session_finished", session_id=session_id)


def open_session(
    db: sqlite_utils.Database, profile_id: str, pack_id: str, lesson_id: str
) -> dict | None:
    """The newest unfinished session of this lesson for this profile, to resume. A live
    room's session is not one: only its room adds answers to it (a room left mid-way)."""
    return next(
        db.query(
            "SELECT * FROM sessions WHERE profile_id = ? AND pack_id = ? AND lesson_id = ? "
            "AND finished_at IS NULL AND kind != 'live' ORDER BY started_at DESC LIMIT 1",
            [profile_id, pack_id, lesson_id],
        ),
        None,
    )


def next_session_kind(
    db: sqlite_utils.Database, profile_id: str, pack_id: str, lesson_id: str
) -> str:
    """first_attempt the first time a lesson is taken, retake after that."""
    taken = db.execute(
        "SELECT COUNT(*) FROM sessions WHERE profile_id = ? AND pack_id = ? AND lesson_id = ?",
        [profile_id, pack_id, lesson_id],
    ).fetchone()[0]
    return "retake" if taken else "first_attempt"


def lesson_progress(db: sqlite_utils.Database, profile_id: str) -> dict[tuple[str, str], dict]:
    """Per (pack, lesson): cases answered in the latest session, and whether one finished."""
    rows = db.query(
        "SELECT s.pack_id, s.lesson_id, s.id, s.finished_at, s.started_at, "
        "(SELECT COUNT(*) FROM answers a WHERE a.session_id = s.id) AS answered "
        "FROM sessions s WHERE s.profile_id = ? ORDER BY s.started_at",
        [profile_id],
    )
    progress: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row["pack_id"], row["lesson_id"])
        entry = progress.setdefault(key, {"completed_sessions": 0})
        entry.update(
            latest_session=row["id"],
            answered=row["answered"],
            finished=row["finished_at"] is not None,
        )
        if row["finished_at"]:
            entry["completed_sessions"] += 1
    return progress


def latest_finished_session(
    db: sqlite_utils.Database, profile_id: str, pack_id: str, lesson_id: str
) -> str | None:
    row = next(
        db.query(
            "SELECT id FROM sessions WHERE profile_id = ? AND pack_id = ? AND lesson_id = ? "
            "AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1",
            [profile_id, pack_id, lesson_id],
        ),
        None,
    )
    return row["id"] if row else None


def live_sessions(db: sqlite_utils.Database, profile_id: str) -> list[dict]:
    """The profile's live sessions, oldest first, with the pack's title and pass mark as the
    room's welcome recorded them and each one's answers scored against the golden answers
    its reveals recorded (case_versions): what a history can show without the pack."""
    return list(
        db.query(
            "SELECT s.id, s.pack_id, s.lesson_id, s.pack_hash, s.started_at, s.finished_at, "
            "p.title AS pack_title, p.policy, p.policy_version, p.pass_mark, "
            "COUNT(a.id) AS recorded, COALESCE(SUM(NOT a.skipped), 0) AS answered, "
            "COALESCE(SUM(NOT a.skipped AND a.decision IS v.golden_decision), 0) AS correct "
            "FROM sessions s LEFT JOIN pack_versions p ON p.pack_hash = s.pack_hash "
            "LEFT JOIN answers a ON a.session_id = s.id "
            "LEFT JOIN case_versions v ON v.case_hash = a.case_hash "
            "WHERE s.profile_id = ? AND s.kind = 'live' "
            "GROUP BY s.id ORDER BY s.started_at",
            [profile_id],
        )
    )
