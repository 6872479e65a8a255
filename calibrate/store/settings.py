"""Facts kept in the database's meta table: role passcode hashes (and later, team targets)."""

from __future__ import annotations

import sqlite_utils

from calibrate.store.audit import log_event


def get_meta(db: sqlite_utils.Database, key: str) -> str | None:
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


def set_passcode_hash(db: sqlite_utils.Database, role: str, hashed: str) -> None:
    """Store only the salted hash; the audit records that it changed, never the code."""
    with db.atomic():
        db["meta"].upsert({"key": f"passcode:{role}", "value": hashed}, pk="key")
        log_event(db, "passcode_set", detail={"role": role})


def is_demo(db: sqlite_utils.Database) -> bool:
    """True when the database holds the demo history (never a user's real answers)."""
    return get_meta(db, "demo") == "1"
