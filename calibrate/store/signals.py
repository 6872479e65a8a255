"""Production signals in the `signals` table (migration m010_add_production_signals): what a
file's keys hold now, writing a checked file in one transaction (each replaced value an event
in the audit trail), and the values and lesson starts the Production tab reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from calibrate.core.signals.production import LessonStart, SignalValue
from calibrate.core.signals.rows import Key, Merge
from calibrate.core.stamps import utc_now
from calibrate.store.audit import log_event

if TYPE_CHECKING:
    import sqlite_utils

_COLUMNS = "week, pack_id, clause, site, team, metric"
REPLACED_EVENT = "signal_replaced"
IMPORTED_EVENT = "signals_imported"


def stored_values(db: sqlite_utils.Database, weeks: Iterable[tuple[str, str]]) -> dict[Key, int]:
    """Every stored value of these (week, pack_id) pairs."""
    wanted = set(weeks)
    found: dict[Key, int] = {}
    by_pack: dict[str, list[str]] = {}
    for week, pack_id in wanted:
        by_pack.setdefault(pack_id, []).append(week)
    for pack_id, mondays in by_pack.items():  # one range scan per pack (the index's order)
        for row in db.execute(
            f"SELECT {_COLUMNS}, value FROM signals WHERE pack_id = ? AND week BETWEEN ? AND ?",
            [pack_id, min(mondays), max(mondays)],
        ):
            if (row[0], row[1]) in wanted:
                found[Key(*row[:6])] = row[6]
    return found


def write_signals(db: sqlite_utils.Database, merge: Merge, source: str) -> None:
    """Insert the new values and replace the changed ones, all or nothing; each replacement
    is an event (old and new value, the file) and the import one more (its counts)."""
    now = utc_now()
    with db.atomic():
        db.conn.executemany(
            f"INSERT INTO signals ({_COLUMNS}, value, imported_at, source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*r.key, r.value, now, source) for r in merge.added],
        )
        for r, old in merge.replaced:
            db.execute(
                "UPDATE signals SET value = ?, imported_at = ?, source = ? WHERE "
                + " AND ".join(f"{c} = ?" for c in _COLUMNS.split(", ")),
                [r.value, now, source, *r.key],
            )
            detail = {**r.key._asdict(), "old": old, "new": r.value, "file": source}
            log_event(db, REPLACED_EVENT, detail=detail)
        log_event(
            db,
            IMPORTED_EVENT,
            detail={
                "file": source,
                "added": len(merge.added),
                "replaced": len(merge.replaced),
                "unchanged": len(merge.unchanged),
            },
        )


def insert_signals(db: sqlite_utils.Database, values: Sequence[SignalValue], source: str) -> None:
    """Insert values no key of which is stored yet (the demo's year), in one transaction."""
    now = utc_now()
    with db.atomic():
        db.conn.executemany(
            f"INSERT INTO signals ({_COLUMNS}, value, imported_at, source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*v, now, source) for v in values],
        )


def signal_values(
    db: sqlite_utils.Database,
    packs: Sequence[str] | None = None,
    first_week: str | None = None,
    last_week: str | None = None,
) -> list[SignalValue]:
    """Every stored value of these packs (all: None) within these weeks (ISO Mondays)."""
    where, params = ["1"], []
    if packs is not None:
        where.append(f"pack_id IN ({', '.join('?' * len(packs))})")
        params += list(packs)
    if first_week is not None:
        where.append("week >= ?")
        params.append(first_week)
    if last_week is not None:
        where.append("week <= ?")
        params.append(last_week)
    rows: list[SignalValue] = db.execute(  # the cursor's rows are tuples already
        f"SELECT {_COLUMNS}, value FROM signals WHERE {' AND '.join(where)}", params
    ).fetchall()
    return rows


def has_signals(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT EXISTS (SELECT 1 FROM signals)").fetchone()[0] == 1


def lesson_starts(db: sqlite_utils.Database) -> list[LessonStart]:
    """When each lesson was first taken: the start of its first session. A spaced-review
    session is not a lesson taken (its lesson id is a placeholder for the due cases of the
    pack); a live room's session is: its members take the room's lesson."""
    return [
        (pack_id, lesson_id, started_at)
        for pack_id, lesson_id, started_at in db.execute(
            "SELECT pack_id, lesson_id, MIN(started_at) FROM sessions WHERE kind != 'review' "
            "GROUP BY pack_id, lesson_id"
        )
    ]


def replacement_events(db: sqlite_utils.Database) -> list[dict]:
    """The audit trail of replaced values, oldest first."""
    return list(db.query("SELECT * FROM events WHERE kind = ? ORDER BY id", [REPLACED_EVENT]))
