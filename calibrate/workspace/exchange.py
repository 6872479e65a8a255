"""ws.exchange: answers in and out of a database — export and import (the demo history is
written by calibrate/workspace/demo.py, before any workspace is open on it).

One import for both faces (the dashboard's "Import answers…" and `calibrate import`): the
file is read and checked whole before the database is touched, a database file the import
created is removed again if it fails, and the answer cache is brought up to date after.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibrate.core.errors import ExchangeError
from calibrate.store.history_csv.reading import (
    OPTIONAL,
    REQUIRED,
    HistoryError,
    HistoryFileError,
)

if TYPE_CHECKING:
    from calibrate.core.models import Pack
    from calibrate.store.exchange.merge import ImportResult
    from calibrate.workspace import Workspace

__all__ = [
    "OPTIONAL",
    "REQUIRED",
    "ExchangeError",
    "ExchangeManager",
    "HistoryError",
    "HistoryFileError",
    "bad_rows",
    "export_answers",
    "import_answers",
]

log = logging.getLogger(__name__)


def bad_rows(error: BaseException) -> list[str] | None:
    """The `FILE: row N` problems of an import refused for its rows, else None."""
    from calibrate.store.exchange.merge import BadRowsError

    if isinstance(error, HistoryError | BadRowsError) and not isinstance(error, HistoryFileError):
        return list(error.problems)
    return None


def export_answers(db_path: Path, out: Path) -> dict[str, int]:
    """Write every exchangeable row of the database to `out`; the counts written."""
    from calibrate.store.db import open_database
    from calibrate.store.exchange.export import export_database

    if not db_path.is_file():
        raise ExchangeError(f"{db_path}: no such database")
    if out.resolve() == db_path.resolve():
        raise ExchangeError(f"--out {out} is the database itself; choose another name")
    db = open_database(db_path)
    try:
        return export_database(db, out)
    finally:
        db.conn.close()


def import_answers(
    db_path: Path,
    source: Path,
    packs: Sequence[Pack],
    *,
    history_csv: bool | None = None,
    on_cache_failure: Callable[[BaseException], None] | None = None,
) -> ImportResult:
    """Merge an export file, or a history CSV (`history_csv`; None: by the .csv suffix),
    into the database in one transaction; refused whole, nothing written, if the file is.
    Then the answer cache is brought up to date (a failure there is reported to
    `on_cache_failure`, never raised: the import is committed by then)."""
    from calibrate.store.exchange.export_file import load_export
    from calibrate.store.exchange.merge import merge_export
    from calibrate.store.history_csv.merge import merge_history
    from calibrate.store.history_csv.reading import read_history_csv

    if history_csv is None:
        history_csv = source.suffix.lower() == ".csv"
    if history_csv:
        records = read_history_csv(source, packs)  # every row checked before any write
        result = _in_database(db_path, lambda db: merge_history(db, source, records))
    else:
        export = load_export(source)  # refused whole if tampered, newer or not an export
        result = _in_database(db_path, lambda db: merge_export(db, export, packs))
    if result.added["answers"]:
        _warm_answer_cache(db_path, on_cache_failure)
    return result


def _in_database(db_path: Path, work: Callable[[Any], ImportResult]) -> ImportResult:
    """Run work(db); a database file this call created is removed again if work fails."""
    from calibrate.store.db import open_database
    from calibrate.store.demo_data import remove_database_files

    existed = db_path.exists()
    db = open_database(db_path)
    try:
        return work(db)
    except BaseException:
        db.conn.close()
        if not existed:
            remove_database_files(db_path)
        raise
    finally:
        db.conn.close()


def _warm_answer_cache(db_path: Path, on_failure: Callable[[BaseException], None] | None) -> None:
    """Extend the dashboard's answer cache with what was imported, so the lead's next
    dashboard open reads only the cache (a million answers: ~4 s here instead of there)."""
    from calibrate.store.answer_cache.cache import warm

    try:
        warm(db_path)
    except Exception as error:  # the dashboard reads what is missing on its next open
        log.warning("the answer cache was not updated after an import: %s", error)
        if on_failure is not None:
            on_failure(error)


class ExchangeManager:
    """The workspace's export and import (its database, its loaded packs)."""

    def __init__(self, ws: Workspace):
        self._ws = ws

    def export(self, out: Path) -> dict[str, int]:
        return export_answers(self._ws.db_path, out)

    def import_file(
        self,
        source: Path,
        *,
        history_csv: bool | None = None,
        on_cache_failure: Callable[[BaseException], None] | None = None,
    ) -> ImportResult:
        """`import_answers` into the workspace's database against its loaded packs, on a
        connection of the calling thread's own."""
        return import_answers(
            self._ws.db_path,
            source,
            list(self._ws.library.packs),
            history_csv=history_csv,
            on_cache_failure=on_cache_failure,
        )
