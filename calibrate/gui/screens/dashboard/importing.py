"""The dashboard's import: an export file from another machine, or a history CSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from calibrate.core.models import Pack


def import_answers(db_path: Path, path: Path, packs: Sequence[Pack]) -> str:
    """Merge the file into the database (own connection: runs off the GUI thread)."""
    from calibrate.store.db import open_database
    from calibrate.store.exchange import load_export, merge_export
    from calibrate.store.history_csv import merge_history, read_history_csv

    if path.suffix.lower() == ".csv":
        records = read_history_csv(path, packs)  # every row checked before anything is written
        db = open_database(db_path)
        try:
            result = merge_history(db, path, records)
        finally:
            db.conn.close()
    else:
        export = load_export(path)  # refused whole if tampered, newer or not an export
        db = open_database(db_path)
        try:
            result = merge_export(db, export, packs)
        finally:
            db.conn.close()
    return f"{path.name}: {result.summary()}."
