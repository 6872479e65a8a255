"""Whose answers a cache holds: the database's fingerprint, sampled UUIDs, UUIDs by rowid.

A cache is reused only when its fingerprint matches — the cache format, the database's
`database_id` (a UUID kept in its meta table, written on first use), its schema version —
and the answers and sessions at a few sampled rowids still carry the UUIDs it recorded.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from calibrate.core.errors import StoreError
from calibrate.core.metrics.answer_table import IdLookup
from calibrate.store.answer_cache.coded_answers import FORMAT, CodedAnswers
from calibrate.store.answer_cache.coder import IN_ROWIDS
from calibrate.store.db import open_database, open_reader
from calibrate.store.settings import ensure_meta, get_meta

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

SAMPLES = 8  # rowids whose UUIDs must still match for a cache to be reused
DATABASE_ID = "database_id"


def database_file(db: sqlite_utils.Database) -> Path | None:
    """The resolved path of the connection's main database file (None in memory)."""
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file).resolve() if file else None
    return None


def fingerprint(db: sqlite_utils.Database, path: Path | None) -> tuple | None:
    """(format, path, database_id, schema version); None when the database has no stable
    identity (in memory, or no id could be written): its answers are never cached."""
    if path is None:
        return None
    database_id = _database_id(db, path)
    if database_id is None:
        return None
    version = db.execute("PRAGMA user_version").fetchone()[0]
    return (FORMAT, str(path), database_id, version)


def _database_id(db: sqlite_utils.Database, path: Path) -> str | None:
    """The database's own UUID, written on first use (through a short-lived writable
    connection when this one is read-only); None when it cannot be written."""
    value = get_meta(db, DATABASE_ID)
    if value:
        return value
    fresh = str(uuid.uuid4())
    try:
        return ensure_meta(db, DATABASE_ID, fresh)
    except sqlite3.DatabaseError:
        pass  # a read-only connection (a worker's)
    try:
        writer = open_database(path)
        try:
            return ensure_meta(writer, DATABASE_ID, fresh)
        finally:
            writer.conn.close()
    except (StoreError, sqlite3.DatabaseError, OSError) as error:
        log.info("no database_id for %s (%s): answers are read without a cache", path, error)
        return None


def ids_at(
    db: sqlite_utils.Database, rowids: Iterable[int], table: str = "answers"
) -> dict[int, str]:
    """rowid → UUID of the rows of `table` at these rowids (missing ones left out)."""
    return {
        rowid: uid
        for rowid, uid in db.execute(
            f"SELECT rowid, id FROM {table}" + IN_ROWIDS, [json.dumps([int(r) for r in rowids])]
        )
    }


def still_valid(db: sqlite_utils.Database, coded: CodedAnswers, top: int) -> bool:
    """Same file history: nothing above `top` is cached and the sampled UUIDs match."""
    if coded.max_rowid > top:
        return False
    for table in ("answers", "sessions"):
        expected = {rowid: uid for t, rowid, uid in coded.samples if t == table}
        if expected and ids_at(db, expected, table) != expected:
            return False
    return True


def samples_of(
    db: sqlite_utils.Database, rowid: np.ndarray, sessions: np.ndarray
) -> tuple[tuple[str, int, str], ...]:
    """(table, rowid, UUID) of up to SAMPLES answers and sessions spread over the cache."""
    out: list[tuple[str, int, str]] = []
    for table, keys in (("answers", rowid), ("sessions", sessions[sessions > 0])):
        if keys.size:
            picks = np.unique(keys[np.linspace(0, keys.size - 1, SAMPLES).astype(np.int64)])
            out += [(table, r, uid) for r, uid in sorted(ids_at(db, picks, table).items())]
    return tuple(out)


# --- answer ids --------------------------------------------------------------------------------
def answer_ids(database: Path, rowids: np.ndarray) -> list[str]:
    """The UUIDs of the answers at these rowids, on a read-only connection of its own."""
    reader = open_reader(database)
    try:
        found = ids_at(reader, rowids.tolist())
    finally:
        reader.conn.close()
    return [found.get(r, "") for r in rowids.tolist()]


def id_lookup(db: sqlite_utils.Database) -> IdLookup:
    """How an AnswerTable read from db finds its answers' UUIDs later, when this connection
    may be closed: by path on a connection of its own (in memory: read now, it is small)."""
    path = database_file(db)
    if path is None:
        ids = dict(db.execute("SELECT rowid, id FROM answers").fetchall())
        return lambda rowids: [ids.get(r, "") for r in rowids.tolist()]
    return lambda rowids: answer_ids(path, rowids)
