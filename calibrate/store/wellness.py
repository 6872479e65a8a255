"""Exposure care's rows: warned-clip time played, each "go on" after a break, and each
profile's own wellness settings (core/wellness.py says what they mean)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from calibrate.core.stamps import new_id, utc_now, utc_stamp
from calibrate.core.wellness import SHIELDS, Exposure, PersonalWellness, stretch_ms

# How far back a stretch of work is looked for: far beyond any break (at most 240 min of
# clips), so nothing that could count is left out, and the rows read stay few.
LOOK_BACK = timedelta(hours=48)

if TYPE_CHECKING:
    import sqlite_utils


def insert_exposure(
    db: sqlite_utils.Database,
    profile_id: str,
    session_id: str,
    case_id: str,
    day: str,
    ms: int,
    now: datetime | None = None,
) -> None:
    """One stretch of warned clip played; committed before returning (a crash keeps it)."""
    if ms <= 0:
        return
    row = {
        "id": new_id(),
        "profile_id": profile_id,
        "session_id": session_id,
        "case_id": case_id,
        "day": day,
        "ms": int(ms),
        "recorded_at": utc_now() if now is None else utc_stamp(now),
    }
    with db.atomic():
        db["exposure"].insert(row)


def _day_ms(db: sqlite_utils.Database, profile_id: str, day: str) -> int:
    sql = "SELECT COALESCE(SUM(ms), 0) FROM exposure WHERE profile_id = ? AND day = ?"
    return int(db.execute(sql, [profile_id, day]).fetchone()[0])


def exposure(
    db: sqlite_utils.Database, profile_id: str, session_id: str, day: str, now: datetime
) -> Exposure:
    """The profile's exposure on `day` (its local date), in the session, and in the stretch
    of work going on at `now` (core/wellness.py: since it last chose to go on or rested)."""
    session = db.execute(
        "SELECT COALESCE(SUM(ms), 0) FROM exposure WHERE profile_id = ? AND session_id = ?",
        [profile_id, session_id],
    ).fetchone()[0]
    return Exposure(
        _day_ms(db, profile_id, day), int(session), _stretch_ms(db, profile_id, day, now)
    )


def _stretch_ms(db: sqlite_utils.Database, profile_id: str, day: str, now: datetime) -> int:
    went_on = db.execute("SELECT MAX(at) FROM went_on WHERE profile_id = ?", [profile_id])
    since = max(str(went_on.fetchone()[0] or ""), utc_stamp(now - LOOK_BACK))
    first_day = (date.fromisoformat(day) - LOOK_BACK - timedelta(days=1)).isoformat()
    played = db.execute(  # seconds since 1970 (julianday: in C, for every row)
        "SELECT (julianday(recorded_at) - 2440587.5) * 86400.0, ms FROM exposure "
        "WHERE profile_id = ? AND day >= ? AND recorded_at > ? ORDER BY day, rowid",
        [profile_id, first_day, since],  # the (profile_id, day) index: no sort (rows are
        # written as the clip plays, so their order is their time order)
    ).fetchall()
    return stretch_ms(played, now.timestamp())


def insert_went_on(
    db: sqlite_utils.Database, profile_id: str, day: str, now: datetime | None = None
) -> None:
    """The moderator chose to go on after a break: the stretch toward the next starts now."""
    with db.atomic():
        row = {
            "id": new_id(),
            "profile_id": profile_id,
            "day": day,
            "day_ms": _day_ms(db, profile_id, day),
            "at": utc_now() if now is None else utc_stamp(now),
        }
        db["went_on"].insert(row)


def personal_wellness(db: sqlite_utils.Database, profile_id: str) -> PersonalWellness:
    row = db.execute(
        "SELECT break_after_minutes, shields, interstitial_seconds FROM wellness_settings "
        "WHERE profile_id = ?",
        [profile_id],
    ).fetchone()
    if row is None:
        return PersonalWellness()
    minutes, shields, seconds = row
    chosen = frozenset(s for s in str(shields or "").split(",") if s in SHIELDS)
    return PersonalWellness(None if minutes is None else int(minutes), chosen, int(seconds or 0))


def save_personal_wellness(
    db: sqlite_utils.Database, profile_id: str, personal: PersonalWellness
) -> None:
    row = {
        "profile_id": profile_id,
        "break_after_minutes": personal.break_after_minutes,
        "shields": ",".join(s for s in SHIELDS if s in personal.shields),
        "interstitial_seconds": personal.interstitial_seconds,
        "updated_at": utc_now(),
    }
    with db.atomic():
        db["wellness_settings"].upsert(row, pk="profile_id")
