"""Rows in and out of a database: the demo history, export files, and merging them back.

An export is JSON Lines (docs/exchange.md): one header line naming the format, the schema, the
row counts and the sha256 of the body, then one `{"table": ..., "row": ...}` object per line
in dependency order. Imports merge by primary key (UUIDs, content hashes), so importing twice
adds nothing, and run in one transaction: a refused file leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate import __version__
from calibrate.core.answer_rules import is_demo_id
from calibrate.core.errors import ExchangeError, counted
from calibrate.core.models import Pack
from calibrate.core.stamps import utc_now
from calibrate.store import catalog
from calibrate.store.audit import log_event
from calibrate.store.db import schema_version
from calibrate.store.demo_data import (  # noqa: F401 - part of this module's API
    check_new_or_empty,
    mark_demo,
    remove_database_files,
    row_counts,
    write_demo_history,
)
from calibrate.store.integrity import check_count, check_whole
from calibrate.store.migrations import MIGRATIONS
from calibrate.store.row_checks import demo_row_problem, loaded_clauses, row_problems
from calibrate.store.settings import is_demo  # noqa: F401 - part of this module's API

if TYPE_CHECKING:
    import sqlite_utils

FORMAT = "calibrate-export"
FORMAT_VERSION = 2  # 2: demo rows carry their mark inside the checksummed body
# Dependency order: a row only points at rows of tables listed before it.
KEYS = {
    "profiles": "id",
    "pack_versions": "pack_hash",
    "case_versions": "case_hash",
    "sessions": "id",
    "answers": "id",
    "disputes": "id",
}
TABLES = tuple(KEYS)
BATCH = 500
SCALARS = (str, int, float, type(None))


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
            f"{counted(added['disputes'], 'dispute')} added)"
        )


# -- export -------------------------------------------------------------------------------


def export_database(db: sqlite_utils.Database, out: Path) -> dict[str, int]:
    """Write every exchangeable row to `out` (atomically replaced); returns the row counts."""
    out = Path(out)
    if out.exists() and not _is_export(out):
        raise ExchangeError(f"{out} exists and is not a Calibrate export; choose another name")
    check_whole(db, TABLES)  # a table or index that lost rows: never half a database
    out.parent.mkdir(parents=True, exist_ok=True)
    body_path, final_path = out.with_name(out.name + ".body.tmp"), out.with_name(out.name + ".tmp")
    digest, counts = hashlib.sha256(), dict.fromkeys(TABLES, 0)
    # Every row of a demo database says so itself, inside the checksummed body: editing the
    # header cannot make it real data (docs/exchange.md, format_version 2).
    mark = {"demo": True} if is_demo(db) else {}
    try:
        with body_path.open("wb") as body:
            for table, key in KEYS.items():
                for row in db.query(f"SELECT * FROM [{table}] ORDER BY [{key}]"):
                    line = _line({"table": table, **mark, "row": row}).encode() + b"\n"
                    digest.update(line)
                    body.write(line)
                    counts[table] += 1
        for table, held in row_counts(db).items():  # a read that ended early: refused
            check_count(db, table, counts[table], held)
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_version": schema_version(db),
            "calibrate_version": __version__,
            "exported_at": utc_now(),
            "demo": is_demo(db),
            "counts": counts,
            "body_sha256": digest.hexdigest(),
        }
        with final_path.open("wb") as final, body_path.open("rb") as body:
            final.write(json.dumps(header, ensure_ascii=False).encode() + b"\n")
            while chunk := body.read(1 << 20):
                final.write(chunk)
            final.flush()
            os.fsync(final.fileno())
        os.replace(final_path, out)
    finally:
        body_path.unlink(missing_ok=True)
        final_path.unlink(missing_ok=True)
    return counts


def _line(item: dict) -> str:
    """One body line; a value JSON cannot hold (NaN, infinity) refuses the whole export."""
    try:
        return json.dumps(item, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        row = item["row"]
        bad = next(
            (k for k, v in row.items() if isinstance(v, float) and not math.isfinite(v)), "?"
        )
        raise ExchangeError(
            f"{item['table']} row {row.get(KEYS[item['table']])} holds "
            f"{bad} = {row.get(bad)}, a value Calibrate never writes and an "
            "export cannot carry; nothing was exported"
        ) from None


def _is_export(path: Path) -> bool:
    try:
        return _read_header(path)[0].get("format") == FORMAT
    except (ExchangeError, OSError):
        return False


# -- reading an export --------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    """A checked export: its header and where its body starts; rows are read on demand."""

    path: Path
    header: dict
    body_offset: int
    demo_rows: bool = False  # a body line or a row id carries the demo mark

    @property
    def demo(self) -> bool:
        """Demo data if the rows say so; the header's flag only ever adds to that (a header
        edited to "demo": false changes nothing)."""
        return self.demo_rows or bool(self.header.get("demo"))

    def rows(self) -> Iterator[tuple[int, str, dict]]:
        """(line number, table, row) for every body line, in file order."""
        for number, table, row, _demo in self.lines():
            yield number, table, row

    def lines(self) -> Iterator[tuple[int, str, dict, bool]]:
        """(line number, table, row, marked demo) for every body line, in file order."""
        with self.path.open("rb") as handle:
            handle.seek(self.body_offset)
            for number, raw in enumerate(handle, start=2):
                if raw.strip():
                    yield (number, *_parse_line(self.path, number, raw))


def _read_header(path: Path) -> tuple[dict, int]:
    with path.open("rb") as handle:
        first = handle.readline(1 << 20)
    try:
        header = json.loads(first)
    except (ValueError, UnicodeDecodeError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        hint = "; import a results spreadsheet with --csv" if path.suffix.lower() == ".csv" else ""
        raise ExchangeError(
            f"{path} is not a Calibrate export (its first line is not an export header){hint}"
        )
    return header, len(first)


def load_export(path: Path) -> ExportFile:
    """Check an export before anything is written: header, versions, checksum, every line."""
    path = Path(path)
    if not path.is_file():
        raise ExchangeError(f"{path}: no such file")
    header, offset = _read_header(path)
    latest = len(MIGRATIONS)
    schema, version = header.get("schema_version"), header.get("format_version")
    if (
        not isinstance(schema, int)
        or not isinstance(version, int)
        or not isinstance(header.get("counts"), dict)
        or not isinstance(header.get("body_sha256"), str)
    ):
        raise ExchangeError(
            f"{path}:1: the export header is incomplete (schema_version, "
            "format_version, counts, body_sha256)"
        )
    if schema > latest or version > FORMAT_VERSION:
        raise ExchangeError(
            f"{path} was exported by a newer Calibrate "
            f"({header.get('calibrate_version', '?')}, schema {schema}; this "
            f"version knows up to schema {latest}); update Calibrate to import it"
        )
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        handle.seek(offset)
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    if digest.hexdigest() != header["body_sha256"]:
        raise ExchangeError(
            f"{path} was changed or damaged after it was exported (checksum "
            "mismatch); nothing was imported"
        )
    if version < 1:
        raise ExchangeError(
            f"{path}:1: format_version {version} is not one Calibrate writes; nothing was imported"
        )
    if version < 2 and not header.get("demo"):
        # Format 1 kept the demo flag only in the header, which anyone can edit: its rows
        # cannot show that they are not demo data. Its own Calibrate can export it again.
        raise ExchangeError(
            f"{path} is an export of format {version}, whose rows cannot "
            "show whether they are demo data; export the database again with "
            f"this Calibrate (format {FORMAT_VERSION}) and import that file"
        )
    export = ExportFile(path, header, offset)
    counts, last, demo_rows = dict.fromkeys(TABLES, 0), 0, False
    for number, table, row, marked in export.lines():
        demo_rows = demo_rows or marked or is_demo_id(row.get("id"))
        if TABLES.index(table) < last:
            raise ExchangeError(
                f"{path}:{number}: {table} rows must come before {TABLES[last]} rows"
            )
        last = TABLES.index(table)
        counts[table] += 1
    for table in TABLES:
        if counts[table] != header["counts"].get(table, 0):
            raise ExchangeError(
                f"{path}: the header lists {header['counts'].get(table, 0)} "
                f"{table} but the file holds {counts[table]}"
            )
    return ExportFile(path, header, offset, demo_rows)


def _parse_line(path: Path, number: int, raw: bytes) -> tuple[str, dict, bool]:
    try:
        item = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ExchangeError(f"{path}:{number}: not a JSON object") from None
    table = item.get("table") if isinstance(item, dict) else None
    row = item.get("row") if isinstance(item, dict) else None
    if table not in KEYS or not isinstance(row, dict):
        raise ExchangeError(
            f'{path}:{number}: expected {{"table": one of {", ".join(TABLES)}, "row": {{...}}}}'
        )
    key = row.get(KEYS[table])
    if not isinstance(key, str) or not key:
        raise ExchangeError(f"{path}:{number}: {table} row without its {KEYS[table]}")
    bad = next(
        (
            k
            for k, v in row.items()
            if not isinstance(v, SCALARS) or isinstance(v, int) and not -(2**63) <= v < 2**63
        ),
        None,
    )  # SQLite's range
    if bad is not None:
        raise ExchangeError(
            f"{path}:{number}: {table}.{bad} must be text, a number SQLite can hold, or null"
        )
    return table, row, item.get("demo") is True


# -- merging rows ----------------------------------------------------------------------------

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
            elif table in ("answers", "disputes") and any(old.get(c) != v for c, v in row.items()):
                raise ExchangeError(
                    f"{where}: {table[:-1]} {row[key]} differs from the one "
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
                    f"{where}: {table[:-1]} {row[KEYS[table]]}: {'; '.join(problems)}"
                )
            else:
                good.append((where, row))
        return good


REFERENCES = {
    "sessions": (("profile_id", "profiles"),),
    "answers": (("session_id", "sessions"), ("profile_id", "profiles")),
    "disputes": (("answer_id", "answers"), ("profile_id", "profiles")),
}


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
