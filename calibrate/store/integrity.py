"""A damaged database file is refused, never read in part.

SQLite notices most damage and raises "database disk image is malformed"; some it does not:
a b-tree page that lost cells ends a scan early, without an error (a report of 615 of 1,051
answers). Two checks catch that: a read compares the rows it received with the count SQLite
keeps in another b-tree (an index of the same table), and `check_whole` compares each
table's own b-tree with its primary-key index. Both are counts, cheap next to the reads
(PRAGMA quick_check is not: 45 s on a million answers, docs/storage.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.core.errors import StoreError

if TYPE_CHECKING:
    import sqlite_utils

# SQLITE_CORRUPT and SQLITE_NOTADB: the file's pages do not hold what they should.
_DAMAGE_CODES = (11, 26)


class DamagedDatabaseError(StoreError):
    """The database file is damaged; the message says what to do, in one line."""


def damaged(path: Path | str | None, detail: str) -> DamagedDatabaseError:
    name = str(path) if path else "the database"
    target = f"{Path(path).stem}-recovered.sqlite3" if path else "recovered.sqlite3"
    return DamagedDatabaseError(
        f"{name} is damaged ({detail}); Calibrate refuses to compute on part of its data. "
        f"Put back your latest backup copy of it, or recover what is readable with: sqlite3 "
        f"{name} .recover | sqlite3 {target}"
    )


def is_damage(error: BaseException) -> bool:
    return isinstance(error, sqlite3.DatabaseError) and (
        getattr(error, "sqlite_errorcode", None) in _DAMAGE_CODES or "malformed" in str(error)
    )


@contextmanager
def refuse_damage(path: Path | str | None) -> Iterator[None]:
    """SQLite's own damage errors inside the block become DamagedDatabaseError."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        if is_damage(error):
            raise damaged(path, str(error)) from error
        raise


def database_path(db: sqlite_utils.Database | sqlite3.Connection) -> str | None:
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or None
    return None


def check_count(
    db: sqlite_utils.Database | sqlite3.Connection, table: str, read: int, expected: int
) -> None:
    """A read of `table` received `read` rows where another b-tree counts `expected`."""
    if read != expected:
        raise damaged(
            database_path(db), f"{read} rows of {table} read where its index counts {expected}"
        )


def check_whole(db: sqlite_utils.Database | sqlite3.Connection, tables: Iterable[str]) -> None:
    """Each table's rows counted in its own b-tree and in its primary-key index agree."""
    with refuse_damage(database_path(db)):
        for table in tables:
            index = f"sqlite_autoindex_{table}_1"
            in_table = db.execute(f"SELECT COUNT(*) FROM [{table}] NOT INDEXED").fetchone()[0]
            in_index = db.execute(
                f"SELECT COUNT(*) FROM [{table}] INDEXED BY [{index}]"
            ).fetchone()[0]
            check_count(db, table, in_table, in_index)
