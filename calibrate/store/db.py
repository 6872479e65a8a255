"""Open the one database file: pragmas for durability, version checks, migrate with a backup.

Refusals leave the file untouched: a file that is not SQLite, an SQLite file that is not
Calibrate's, or one written by a newer Calibrate (its schema version is above ours).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from calibrate.core.errors import StoreError
from calibrate.store.migrations import MIGRATIONS

SQLITE_MAGIC = b"SQLite format 3\x00"
Migration = Callable[[sqlite_utils.Database], None]


def open_database(
    path: Path, migrations: Sequence[Migration] = MIGRATIONS
) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at path; StoreError if refused."""
    path = Path(path)
    _check_is_sqlite(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        message = f"{path} cannot be created: {error.strerror} ({error.filename})."
        raise StoreError(message) from error
    try:
        conn = sqlite3.connect(str(path), timeout=5.0)
        db = sqlite_utils.Database(conn)
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise StoreError(
            f"{path} cannot be opened as a database ({error}); it was left untouched."
        ) from error
    latest = len(migrations)
    if version > latest:
        conn.close()
        raise StoreError(
            f"{path} was written by a newer Calibrate (schema {version}, this "
            f"version knows up to {latest}). Update Calibrate; the file was "
            "left untouched."
        )
    if version == 0 and _foreign_tables(db):
        conn.close()
        raise StoreError(
            f"{path} is an SQLite database but not a Calibrate one; it was left "
            "untouched. Choose another file with --db."
        )
    _set_pragmas(db)
    if version < latest:
        if version > 0:
            backup_copy(conn, path, version)
        _migrate(db, version, migrations)
    return db


def _check_is_sqlite(path: Path) -> None:
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file.")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise StoreError(f"{path} cannot be read: {error.strerror}.") from error
    if head and head != SQLITE_MAGIC:
        raise StoreError(
            f"{path} is not a Calibrate database (not an SQLite file); it was "
            "left untouched. Choose another file with --db."
        )


def _foreign_tables(db: sqlite_utils.Database) -> list[str]:
    return [name for name in db.table_names() if not name.startswith("sqlite_")]


def _set_pragmas(db: sqlite_utils.Database) -> None:
    # WAL + synchronous=FULL: a committed answer survives a kill or a power cut.
    with db.ensure_autocommit_on():
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(f"the database could not switch to WAL mode (got {mode})")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=5000")


def backup_copy(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """A consistent copy beside the file, taken before any migration touches it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.schema{version}-{stamp}.backup{path.suffix}")
    with sqlite3.connect(str(target)) as copy:
        conn.backup(copy)
    copy.close()
    return target


def _migrate(db: sqlite_utils.Database, version: int, migrations: Sequence[Migration]) -> None:
    """Each migration and its user_version bump commit together or not at all."""
    for number in range(version + 1, len(migrations) + 1):
        migration = migrations[number - 1]
        try:
            with db.atomic():
                migration(db)
                db.execute(f"PRAGMA user_version = {number}")
        except Exception as error:
            raise StoreError(
                f"updating the database to schema {number} "
                f"({migration.__name__}) failed: {error}. The database was left "
                "as it was; a backup copy sits beside it."
            ) from error


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def open_reader(path: Path) -> sqlite_utils.Database:
    """A read-only connection for a worker thread (the main connection did any migrating)."""
    conn = sqlite3.connect(
        f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5.0, check_same_thread=False
    )
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute("PRAGMA query_only=ON")
    return sqlite_utils.Database(conn)
