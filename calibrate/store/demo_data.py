"""The demo history in a database: writing it, the demo mark, and the checks around it.

`calibrate demo` writes only into a new or empty file (docs/exchange.md); the rows it writes
carry the demo mark in their ids (core/answer_rules.py) and the file is flagged in `meta`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.core.demo_history.records import DemoHistory, as_rows
from calibrate.core.errors import ExchangeError, counted
from calibrate.store import catalog
from calibrate.store.db import SQLITE_MAGIC

if TYPE_CHECKING:
    import sqlite_utils

    from calibrate.core.models import Pack

TABLES = ("profiles", "pack_versions", "case_versions", "sessions", "answers", "disputes")
BATCH = 500


def mark_demo(db: sqlite_utils.Database, seed: int | None = None) -> None:
    """Flag the file as demo data: the app shows a "Demo data" banner over it."""
    db["meta"].upsert({"key": "demo", "value": "1"}, pk="key")
    if seed is not None:
        db["meta"].upsert({"key": "demo_seed", "value": str(seed)}, pk="key")


def row_counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {t: db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0] for t in TABLES}


def check_new_or_empty(path: Path) -> None:
    """Refuse a file that holds anything; reads it without writing a byte."""
    path = Path(path)
    if not path.exists():
        return
    if path.is_dir():
        raise ExchangeError(f"{path} is a folder, not a database file")
    if path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise ExchangeError(
                f"{path} is not empty (and not a Calibrate database); the demo "
                "writes only into a new or empty database, choose another file"
            )
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        filled = [
            t for t in tables if conn.execute(f"SELECT EXISTS (SELECT 1 FROM [{t}])").fetchone()[0]
        ]
        held = [
            counted(conn.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0], t[:-1])
            for t in ("answers", "profiles")
            if t in filled
        ] or [f"rows in {t}" for t in filled[:1]]
    except sqlite3.DatabaseError as error:
        raise ExchangeError(
            f"{path} cannot be read as a database ({error}); choose another file"
        ) from None
    finally:
        conn.close()
    if filled:
        raise ExchangeError(
            f"{path} already holds data ({', '.join(held)}); the demo writes "
            "only into a new or empty database, choose another file with --db"
        )


def remove_database_files(path: Path) -> None:
    """Delete a database file this command created, with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def write_demo_history(
    db: sqlite_utils.Database, history: DemoHistory, packs: Sequence[Pack]
) -> None:
    """Insert the demo history (and mark the file demo) in one transaction."""
    rows = as_rows(history)
    with db.atomic():
        if any(row_counts(db).values()):
            raise ExchangeError("the database is not empty; the demo was not written")
        for pack in packs:
            catalog.record_pack_version(db, pack)
        # The catalog stamps "now"; the demo's packs were first seen when its history began.
        for table in ("pack_versions", "case_versions"):
            db.execute(f"UPDATE {table} SET first_seen_at = ?", [history.starts_at])
        for table in ("profiles", "sessions", "answers", "disputes"):
            db[table].insert_all(rows[table], batch_size=BATCH)
        db["events"].insert_all(_demo_events(history), batch_size=BATCH)
        mark_demo(db, history.seed)


def _demo_events(history: DemoHistory) -> list[dict]:
    """The audit the app would have written, stamped with the simulated times."""
    events = []
    for s in history.sessions:
        events.append(
            {
                "at": s.started_at,
                "kind": "session_started",
                "profile_id": s.profile_id,
                "session_id": s.id,
                "detail": json.dumps({"pack": s.pack_id, "lesson": s.lesson_id, "kind": s.kind}),
            }
        )
        if s.finished_at:
            events.append(
                {
                    "at": s.finished_at,
                    "kind": "session_finished",
                    "profile_id": None,
                    "session_id": s.id,
                    "detail": "{}",
                }
            )
    session_of = {a.id: a.session_id for a in history.answers}
    for d in history.disputes:
        events.append(
            {
                "at": d.created_at,
                "kind": "golden_disputed",
                "profile_id": d.profile_id,
                "session_id": session_of[d.answer_id],
                "detail": json.dumps({"case": d.case_id}),
            }
        )
    return sorted(events, key=lambda e: (e["at"], e["kind"], e["session_id"]))
