"""Open the one database file: pragmas for durability, version checks, migrate with a backup.

Refusals leave the file untouched: a file that is not SQLite, an SQLite file that is not
Calibrate's, or one written by a newer Calibrate (its schema version is above ours).
`connect_database` does all of it with plain sqlite3 when the schema is current, so the
app's first screen opens without importing sqlite-utils (see calibrate/store/__init__.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.core.errors import StoreError

if TYPE_CHECKING:
    import sqlite_utils

    Migration = Callable[[sqlite_utils.Database], None]
    Database = sqlite_utils.Database  # for annotations above the store (no sqlite import)

Connection = sqlite3.Connection  # the plain connection's type, for annotations above the store

SQLITE_MAGIC = b"SQLite format 3\x00"
# len(MIGRATIONS) in calibrate/store/migrations.py; a test keeps the two equal, so a current
# database is recognised without importing the migrations (and sqlite-utils).
SCHEMA_VERSION = 10


def open_database(
    path: Path, migrations: Sequence[Migration] | None = None
) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at path; StoreError if refused."""
    return wrap_connection(connect_database(path, migrations))


def preload_sqlite_utils() -> None:
    """Import sqlite-utils now (the app does it on its start-up worker, before any other
    thread can be importing numpy: pandas and numpy are hidden from the whole process while
    sqlite-utils loads, see calibrate/store/__init__.py). Also saves ~60 ms on the GUI
    thread when the first profile is chosen."""
    import sqlite_utils  # noqa: F401


def wrap_connection(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """sqlite-utils' view of an open connection (the same connection, not a second one)."""
    import sqlite_utils

    return sqlite_utils.Database(conn)


def connect_database(
    path: Path, migrations: Sequence[Migration] | None = None
) -> sqlite3.Connection:
    """open_database's plain sqlite3 connection: checked, pragmas set, migrated if needed."""
    path = Path(path)
    _check_is_sqlite(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        message = f"{path} cannot be created: {error.strerror} ({error.filename})."
        raise StoreError(message) from error
    try:
        conn = sqlite3.connect(str(path), timeout=5.0)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise StoreError(
            f"{path} cannot be opened as a database ({error}); it was left untouched."
        ) from error
    latest = SCHEMA_VERSION if migrations is None else len(migrations)
    _check_version(conn, path, version)
    if version > latest:
        conn.close()
        raise StoreError(
            f"{path} was written by a newer Calibrate (schema {version}, this "
            f"version knows up to {latest}). Update Calibrate; the file was "
            "left untouched."
        )
    _set_pragmas(conn)
    if version < latest:
        if migrations is None:
            from calibrate.store.migrations import MIGRATIONS

            migrations = MIGRATIONS
        backup = backup_copy(conn, path, version) if version > 0 else None
        _migrate(wrap_connection(conn), version, migrations, backup)
    return conn


def _check_version(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Refuse a schema version no Calibrate writes: below 0, or 0 on a file with tables."""
    problem = None
    if version < 0:
        problem = (
            f"{path} has schema version {version}, which no Calibrate writes (the "
            "file was edited or damaged); it was left untouched. Put back a backup "
            "copy of it, or choose another file with --db."
        )
    elif version == 0 and (tables := _foreign_tables(conn)):
        if {"meta", "answers"} <= set(tables):
            problem = (
                f"{path} holds Calibrate's tables but schema version 0 (its "
                "PRAGMA user_version was reset); it was left untouched. Put back a "
                "backup copy of it, or choose another file with --db."
            )
        else:
            problem = (
                f"{path} is an SQLite database but not a Calibrate one; it was left "
                "untouched. Choose another file with --db."
            )
    if problem is not None:
        conn.close()
        raise StoreError(problem)


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


def _foreign_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return [name for (name,) in rows if not name.startswith("sqlite_")]


def _set_pragmas(conn: sqlite3.Connection) -> None:
    # WAL + synchronous=FULL: a committed answer survives a kill or a power cut. No
    # transaction is open yet (journal_mode cannot change inside one).
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode.lower() != "wal":
        conn.close()
        raise StoreError(f"the database could not switch to WAL mode (got {mode})")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")


def backup_copy(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """A consistent copy beside the file, taken before any migration touches it."""
    from datetime import UTC, datetime  # only when migrating: not on the app's start-up path

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.schema{version}-{stamp}.backup{path.suffix}")
    with sqlite3.connect(str(target)) as copy:
        conn.backup(copy)
    copy.close()
    return target


def _migrate(
    db: sqlite_utils.Database, version: int, migrations: Sequence[Migration], backup: Path | None
) -> None:
    """Each migration and its user_version bump commit together or not at all."""
    for number in range(version + 1, len(migrations) + 1):
        migration = migrations[number - 1]
        try:
            with db.atomic():
                migration(db)
                db.execute(f"PRAGMA user_version = {number}")
        except Exception as error:
            kept = f"; a backup copy sits beside it: {backup.name}" if backup else ""
            raise StoreError(
                f"updating the database to schema {number} "
                f"({migration.__name__}) failed: {error}. The database was left "
                f"as it was{kept}."
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
    return wrap_connection(conn)
