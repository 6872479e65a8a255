"""The event audit: what happened when (sessions opened, answers recorded, disputes)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from calibrate.core.stamps import utc_now

if TYPE_CHECKING:
    import sqlite_utils


def log_event(
    db: sqlite_utils.Database,
    kind: str,
    *,
    profile_id: str | None = None,
    session_id: str | None = None,
    detail: dict | None = None,
) -> None:
    db["events"].insert(
        {
            "at": utc_now(),
            "kind": kind,
            "profile_id": profile_id,
            "session_id": session_id,
            "detail": json.dumps(detail or {}, ensure_ascii=False),
        }
    )


def events_for_session(db: sqlite_utils.Database, session_id: str) -> list[dict]:
    return list(db.query("SELECT * FROM events WHERE session_id = ? ORDER BY id", [session_id]))
