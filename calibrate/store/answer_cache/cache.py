"""AnswerCache, the coded answers the dashboard holds between reads, and `warm`, which brings
a lead's cache file up to date in the background.

A read reuses, in this order, the answers held in memory, the cache file on disk, or nothing
(a first build), each only while it still belongs to the database (identity.py), then reads
the rows added since (refresh.py) and writes the file again when that is worth it (files.py).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.store.answer_cache import files
from calibrate.store.answer_cache.coded_answers import CodedAnswers, empty_coded
from calibrate.store.answer_cache.identity import database_file, fingerprint, still_valid
from calibrate.store.answer_cache.refresh import extend
from calibrate.store.db import open_reader
from calibrate.store.integrity import refuse_damage

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)


class AnswerCache:
    """The coded answers of the database last read, kept in memory between reads.

    Thread-safe: a read extends a copy, so tables handed out earlier never change."""

    def __init__(self, directory: Path | None = None, persist: bool = True):
        self.directory = directory
        self.persist = persist
        self._lock = threading.Lock()
        self._coded: CodedAnswers | None = None

    def read(self, db: sqlite_utils.Database) -> CodedAnswers:
        with self._lock:
            directory = (self.directory or files.cache_dir()) if self.persist else None
            self._coded = read_answers(db, self._coded, directory=directory)
            return self._coded

    def clear(self) -> None:
        with self._lock:
            self._coded = None


def warm(db_path: Path) -> bool:
    """Bring the cache file of the database at `db_path` up to date when it holds
    files.PERSIST_MIN_ROWS answers or more (a lead's gathered answers; fewer are read whole in
    milliseconds), so that the dashboard's next open reads the file (~0.1 s a million) and
    only new rows. The answers read are not kept in memory. Runs on a read-only connection
    of its own; True when it read."""
    db = open_reader(db_path)
    try:
        top = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM answers").fetchone()[0]
        if top < files.PERSIST_MIN_ROWS:
            return False
        AnswerCache().read(db)
        return True
    finally:
        db.conn.close()


def read_answers(
    db: sqlite_utils.Database,
    previous: CodedAnswers | None = None,
    *,
    directory: Path | None = None,
) -> CodedAnswers:
    """Every answer in the database, coded: `previous` (an earlier result) or the cache file
    in `directory` reused when still valid, extended by the rows added since."""
    path = database_file(db)
    identity = fingerprint(db, path)  # may write the database_id: before the snapshot
    with _snapshot(db), refuse_damage(path):
        return _read_answers(db, previous, directory, path, identity)


@contextmanager
def _snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """One read transaction: the highest rowid, the count and the rows read all agree while
    another connection commits answers."""
    if db.conn.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    except BaseException:
        # The error that ended the read is the one to tell (a damaged file, say): a failing
        # ROLLBACK of this read-only transaction must not replace it.
        with suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _read_answers(
    db: sqlite_utils.Database,
    previous: CodedAnswers | None,
    directory: Path | None,
    path: Path | None,
    identity: tuple | None,
) -> CodedAnswers:
    top = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM answers").fetchone()[0]
    coded = None
    if (
        previous is not None
        and identity is not None
        and previous.fingerprint == identity
        and still_valid(db, previous, top)
    ):
        coded = previous
    file = (
        files.cache_file(directory, path)
        if directory is not None and path is not None and identity is not None
        else None
    )
    if coded is None and file is not None and file.exists():
        coded = files.read_file(file, identity)
        if coded is not None and not still_valid(db, coded, top):
            log.info("answer cache %s belongs to another version of %s; rebuilding", file, path)
            coded = None
    if coded is None:
        coded = empty_coded(identity)
    coded = extend(db, coded, top)
    if file is not None and files.worth_writing(coded):
        coded = files.write_file(file, coded)
    return coded
