"""Facts kept in the database's meta table (role passcode hashes, the demo mark, later team
targets) and how fresh its answers are: what start-up reads before the first screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

    import sqlite_utils


def get_meta(db: sqlite_utils.Database | sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    with db.atomic():
        db["meta"].upsert({"key": key, "value": value}, pk="key")


def ensure_meta(db: sqlite_utils.Database, key: str, value: str) -> str:
    """The stored value of key, writing `value` first if there is none (the first writer wins,
    so two processes racing agree on one value)."""
    with db.atomic():
        db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", [key, value])
    stored = get_meta(db, key)
    assert stored is not None
    return stored


def passcode_hash(db: sqlite_utils.Database, role: str) -> str | None:
    return get_meta(db, f"passcode:{role}")


# How a passcode came to change, as the audit records it. A reset (old passcode forgotten)
# is shown on the dashboard, so a moderator cannot take the lead area over silently.
PASSCODE_EVENTS = ("passcode_set", "passcode_changed", "passcode_reset", "passcode_rehashed")


def set_passcode_hash(
    db: sqlite_utils.Database, role: str, hashed: str, event: str = "passcode_set"
) -> None:
    """Store only the salted hash; the audit records that it changed and how, never the code."""
    from calibrate.core.stamps import utc_now
    from calibrate.store.audit import log_event  # json and uuid: not needed at start-up

    if event not in PASSCODE_EVENTS:
        raise ValueError(f"unknown passcode event {event!r}")
    with db.atomic():
        db["meta"].upsert({"key": f"passcode:{role}", "value": hashed}, pk="key")
        log_event(db, event, detail={"role": role})
        if event == "passcode_reset":
            # Kept in meta as well as the audit, so the dashboard reads it by key at every
            # refresh (a scan of the events took ~0.2 s at a million answers' worth).
            count = int(get_meta(db, f"passcode_resets:{role}") or 0) + 1
            at = utc_now()
            db["meta"].upsert({"key": f"passcode_resets:{role}", "value": str(count)}, pk="key")
            db["meta"].upsert({"key": f"passcode_reset_at:{role}", "value": at}, pk="key")


def passcode_resets(db: sqlite_utils.Database, role: str) -> tuple[int, str | None]:
    """How often the role's passcode was reset without the old one, and when last (UTC)."""
    return (
        int(get_meta(db, f"passcode_resets:{role}") or 0),
        get_meta(db, f"passcode_reset_at:{role}"),
    )


def is_demo(db: sqlite_utils.Database | sqlite3.Connection) -> bool:
    """True when the database holds the demo history (never a user's real answers)."""
    return get_meta(db, "demo") == "1"


def newest_answer_time(db: sqlite_utils.Database | sqlite3.Connection) -> str | None:
    """answered_at of the newest answer (ISO 8601 UTC), None in an empty database."""
    return db.execute("SELECT MAX(answered_at) FROM answers").fetchone()[0]
