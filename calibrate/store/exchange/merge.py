"""Merging rows into a database: an export's, or a history CSV's (store/history_csv/).

Rows merge by primary key in one transaction, tables in dependency order: rows already
present are counted, not touched; every new row is checked (store/row_checks.py) and any bad
row refuses the whole merge, naming each one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from calibrate.core.errors import ExchangeError, counted
from calibrate.core.models import Pack
from calibrate.store import catalog
from calibrate.store.audit import log_event
from calibrate.store.demo_data import mark_demo, row_counts
from calibrate.store.exchange.export_file import KEYS, TABLES, ExportFile
from calibrate.store.row_checks import demo_row_problem, loaded_clauses, row_problems
from calibrate.store.settings import is_demo

if TYPE_CHECKING:
    import sqlite_utils

BATCH = 500
IMMUTABLE = ("answers", "disputes", "dispute_resolutions")  # a changed copy is a conflict


class BadRowsError(ExchangeError):
    """Rows that break the rules of stored rows (core/answer_rules.py), each phrased as
    `FILE: row N: message`; nothing was imported."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {counted(len(problems) - 1, 'more bad row')})" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}; nothing was imported")


@dataclass
class ImportResult:
    """What a merge added and what was there already, per table."""

    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    present: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))

    def summary(self) -> str:
        """`3 answers added, 1 already present (…)`: what the import says it did."""
        added = self.added
        return (
            f"{counted(added['answers'], 'answer')} added, {self.present['answers']} "
            f"already present ({counted(added['profiles'], 'profile')}, "
            f"{counted(added['sessions'], 'session')}, "
            f"{counted(added['disputes'], 'dispute')}"
            + (
                f", {counted(added['dispute_resolutions'], 'dispute resolution')}"
                if added["dispute_resolutions"]
                else ""
            )
            + " added)"
        )


Row = tuple[str, str, dict]  # (where: "FILE:LINE", table, row)


def merge_export(
    db: sqlite_utils.Database, export: ExportFile, known_packs: Sequence[Pack] = ()
) -> ImportResult:
    """Add the export's rows that the database lacks, in one transaction; idempotent.
    `known_packs` (the loaded packs) tell which clauses each pack version has."""
    if export.demo and not is_demo(db) and any(row_counts(db).values()):
        raise ExchangeError(
            f"{export.path} holds demo data and this database holds real "
            "answers; import it into a demo database or a new file"
        )
    rows = ((f"{export.path}: row {n}", table, row) for n, table, row in export.rows())
    return merge_rows(
        db,
        rows,
        event=(
            "export_imported",
            {"file": export.path.name, "sha256": export.header["body_sha256"]},
        ),
        demo=export.demo,
        known_packs=known_packs,
    )


def merge_rows(
    db: sqlite_utils.Database,
    rows: Iterator[Row],
    *,
    event: tuple[str, dict],
    packs: Sequence[Pack] = (),
    session_event: dict | None = None,
    demo: bool = False,
    known_packs: Sequence[Pack] = (),
) -> ImportResult:
    """Insert the rows whose keys the database lacks, in one transaction, tables in order.

    Rows already present are counted, not touched (answers and disputes must match exactly);
    `session_event`, when given, is logged as "session_imported" for each new session. Every
    new row is checked (store/row_checks.py); any bad row refuses the whole merge, naming
    each one (BadRowsError)."""
    result = ImportResult()
    if not demo and is_demo(db):
        raise ExchangeError(
            "this is the demo database: real answers belong in your own "
            "database (open Calibrate without --demo); nothing was imported"
        )
    merge = _Merge(db, result, session_event, demo, loaded_clauses([*packs, *known_packs]))
    try:
        with db.atomic():
            if demo:
                mark_demo(db)
            for pack in packs:
                catalog.record_pack_version(db, pack)
            batch: list[tuple[str, dict]] = []
            table = ""
            for where, row_table, row in rows:
                if batch and (row_table != table or len(batch) >= BATCH):
                    merge.batch(table, batch)
                    batch = []
                table = row_table
                batch.append((where, row))
            if batch:
                merge.batch(table, batch)
            if merge.problems:  # raised inside the transaction: nothing is kept
                raise BadRowsError(merge.problems)
            log_event(
                db, event[0], detail={**event[1], "added": result.added, "present": result.present}
            )
    except sqlite3.IntegrityError as error:
        raise ExchangeError(
            f"a row conflicts with this database ({error}); nothing was imported"
        ) from None
    return result


class _Merge:
    """One merge's state: good new rows are inserted as they come (later rows may refer to
    them), bad ones only named; the transaction is rolled back if any was bad."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        result: ImportResult,
        session_event: dict | None,
        demo: bool,
        clauses: dict,
    ) -> None:
        self.db, self.result, self.session_event = db, result, session_event
        self.demo, self.clauses = demo, clauses
        self.problems: list[str] = []

    def batch(self, table: str, batch: list[tuple[str, dict]]) -> None:
        db, key = self.db, KEYS[table]
        columns = set(db[table].columns_dict)
        for where, row in batch:
            unknown = set(row) - columns
            if unknown:
                raise ExchangeError(
                    f"{where}: {table} has no column {sorted(unknown)[0]!r}; nothing was imported"
                )
        keys = [row[key] for _, row in batch]
        existing = {
            r[key]: r
            for r in db.query(
                f"SELECT * FROM [{table}] WHERE [{key}] IN ({','.join('?' * len(keys))})", keys
            )
        }
        new = []
        for where, row in batch:
            old = existing.get(row[key])
            if old is None:
                new.append((where, row))
            elif table in IMMUTABLE and any(old.get(c) != v for c, v in row.items()):
                raise ExchangeError(
                    f"{where}: {_one(table)} {row[key]} differs from the one "
                    f"already in the database ({table} are immutable); "
                    "nothing was imported"
                )
            elif table == "sessions" and old["finished_at"] is None and row.get("finished_at"):
                # The same session was finished elsewhere after this copy was taken.
                db["sessions"].update(row[key], {"finished_at": row["finished_at"]})
        new = self._good(table, new)
        self.result.added[table] += len(new)
        self.result.present[table] += len(batch) - len(new)
        if new:
            db[table].insert_all([row for _, row in new], batch_size=BATCH)
        if table == "sessions" and self.session_event is not None:
            for _, row in new:
                log_event(
                    db,
                    "session_imported",
                    profile_id=row["profile_id"],
                    session_id=row["id"],
                    detail=self.session_event,
                )

    def _good(self, table: str, rows: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
        """The rows that pass every check; the others' problems are kept, one line each."""
        found = row_problems(self.db, table, [row for _, row in rows], self.clauses)
        missing = _missing_references(self.db, table, rows)
        good = []
        for (where, row), problems in zip(rows, found, strict=True):
            demo = None if self.demo else demo_row_problem(table, row)
            problems = [*([demo] if demo else []), *missing.get(where, []), *problems]
            if problems:
                self.problems.append(
                    f"{where}: {_one(table)} {row[KEYS[table]]}: {'; '.join(problems)}"
                )
            else:
                good.append((where, row))
        return good


REFERENCES = {
    "sessions": (("profile_id", "profiles"),),
    "answers": (("session_id", "sessions"), ("profile_id", "profiles")),
    "disputes": (("answer_id", "answers"), ("profile_id", "profiles")),
    "dispute_resolutions": (("dispute_id", "disputes"),),
}


def _one(table: str) -> str:
    """One row of `table` in words: "answer", "dispute resolution"."""
    return table[:-1].replace("_", " ")


def _missing_references(
    db: sqlite_utils.Database, table: str, rows: list[tuple[str, dict]]
) -> dict[str, list[str]]:
    """Per row (by where): each parent that is neither in the file nor in the database."""
    missing: dict[str, list[str]] = {}
    for column, parent in REFERENCES.get(table, ()):
        wanted = sorted({row[column] for _, row in rows if isinstance(row.get(column), str)})
        found: set[str] = set()
        for i in range(0, len(wanted), BATCH):
            part = wanted[i : i + BATCH]
            found |= {
                r[0]
                for r in db.execute(
                    f"SELECT id FROM [{parent}] WHERE id IN ({','.join('?' * len(part))})", part
                )
            }
        for where, row in rows:
            if row.get(column) is not None and row[column] not in found:
                missing.setdefault(where, []).append(
                    f"refers to {column} {row[column]}, which is neither in the file nor in "
                    "the database"
                )
    return missing
