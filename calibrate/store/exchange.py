"""Rows in and out of a database: the demo history, export files, and merging them back.

An export is JSON Lines (docs/exchange.md): one header line naming the format, the schema, the
row counts and the sha256 of the body, then one `{"table": ..., "row": ...}` object per line
in dependency order. Imports merge by primary key (UUIDs, content hashes), so importing twice
adds nothing, and run in one transaction: a refused file leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate import __version__
from calibrate.core.clock import utc_now
from calibrate.core.demo_history import DemoHistory, as_rows
from calibrate.core.errors import CalibrateError
from calibrate.core.models import Pack
from calibrate.core.wording import counted
from calibrate.store import catalog
from calibrate.store.audit import log_event
from calibrate.store.db import SQLITE_MAGIC, schema_version
from calibrate.store.migrations import MIGRATIONS
from calibrate.store.settings import is_demo  # noqa: F401 - part of this module's API

if TYPE_CHECKING:
    import sqlite_utils

FORMAT = "calibrate-export"
FORMAT_VERSION = 1
# Dependency order: a row only points at rows of tables listed before it.
KEYS = {"profiles": "id", "pack_versions": "pack_hash", "case_versions": "case_hash",
        "sessions": "id", "answers": "id", "disputes": "id"}
TABLES = tuple(KEYS)
BATCH = 500
SCALARS = (str, int, float, type(None))


class ExchangeError(CalibrateError):
    """A file or database refused for an import, export or demo; the message is one line."""


@dataclass
class ImportResult:
    """What a merge added and what was there already, per table."""

    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    present: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))

    def summary(self) -> str:
        """`3 answers added, 1 already present (…)`: what the import says it did."""
        added = self.added
        return (f"{counted(added['answers'], 'answer')} added, {self.present['answers']} "
                f"already present ({counted(added['profiles'], 'profile')}, "
                f"{counted(added['sessions'], 'session')}, "
                f"{counted(added['disputes'], 'dispute')} added)")


# -- the demo flag and the demo history ----------------------------------------------------

def mark_demo(db: sqlite_utils.Database, seed: int | None = None) -> None:
    """Flag the file as demo data: the app shows a "Demo data" banner over it."""
    db["meta"].upsert({"key": "demo", "value": "1"}, pk="key")
    if seed is not None:
        db["meta"].upsert({"key": "demo_seed", "value": str(seed)}, pk="key")


def row_counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {t: db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0] for t in TABLES}


def check_new_or_empty(path: Path) -> None:
    """Refuse a file that holds anything; reads it without writing a byte."""
    path = Path(path)
    if not path.exists():
        return
    if path.is_dir():
        raise ExchangeError(f"{path} is a folder, not a database file")
    if path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise ExchangeError(f"{path} is not empty (and not a Calibrate database); the demo "
                                "writes only into a new or empty database, choose another file")
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                             "'table' AND name NOT LIKE 'sqlite_%'")]
        filled = [t for t in tables
                  if conn.execute(f"SELECT EXISTS (SELECT 1 FROM [{t}])").fetchone()[0]]
        held = [counted(conn.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0], t[:-1])
                for t in ("answers", "profiles") if t in filled] or [f"rows in {t}"
                                                                      for t in filled[:1]]
    except sqlite3.DatabaseError as error:
        raise ExchangeError(f"{path} cannot be read as a database ({error}); choose another "
                            "file") from None
    finally:
        conn.close()
    if filled:
        raise ExchangeError(f"{path} already holds data ({', '.join(held)}); the demo writes "
                            "only into a new or empty database, choose another file with --db")


def remove_database_files(path: Path) -> None:
    """Delete a database file this command created, with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def write_demo_history(db: sqlite_utils.Database, history: DemoHistory,
                       packs: Sequence[Pack]) -> None:
    """Insert the demo history (and mark the file demo) in one transaction."""
    rows = as_rows(history)
    with db.atomic():
        if any(row_counts(db).values()):
            raise ExchangeError("the database is not empty; the demo was not written")
        for pack in packs:
            catalog.record_pack_version(db, pack)
        # The catalog stamps "now"; the demo's packs were first seen when its history began.
        for table in ("pack_versions", "case_versions"):
            db.execute(f"UPDATE {table} SET first_seen_at = ?", [history.starts_at])
        for table in ("profiles", "sessions", "answers", "disputes"):
            db[table].insert_all(rows[table], batch_size=BATCH)
        db["events"].insert_all(_demo_events(history), batch_size=BATCH)
        mark_demo(db, history.seed)


def _demo_events(history: DemoHistory) -> list[dict]:
    """The audit the app would have written, stamped with the simulated times."""
    events = []
    for s in history.sessions:
        events.append({"at": s.started_at, "kind": "session_started", "profile_id": s.profile_id,
                       "session_id": s.id, "detail": json.dumps(
                           {"pack": s.pack_id, "lesson": s.lesson_id, "kind": s.kind})})
        if s.finished_at:
            events.append({"at": s.finished_at, "kind": "session_finished", "profile_id": None,
                           "session_id": s.id, "detail": "{}"})
    session_of = {a.id: a.session_id for a in history.answers}
    for d in history.disputes:
        events.append({"at": d.created_at, "kind": "golden_disputed", "profile_id": d.profile_id,
                       "session_id": session_of[d.answer_id],
                       "detail": json.dumps({"case": d.case_id})})
    return sorted(events, key=lambda e: (e["at"], e["kind"], e["session_id"]))


# -- export -------------------------------------------------------------------------------

def export_database(db: sqlite_utils.Database, out: Path) -> dict[str, int]:
    """Write every exchangeable row to `out` (atomically replaced); returns the row counts."""
    out = Path(out)
    if out.exists() and not _is_export(out):
        raise ExchangeError(f"{out} exists and is not a Calibrate export; choose another name")
    out.parent.mkdir(parents=True, exist_ok=True)
    body_path, final_path = out.with_name(out.name + ".body.tmp"), out.with_name(out.name + ".tmp")
    digest, counts = hashlib.sha256(), dict.fromkeys(TABLES, 0)
    try:
        with body_path.open("wb") as body:
            for table, key in KEYS.items():
                for row in db.query(f"SELECT * FROM [{table}] ORDER BY [{key}]"):
                    line = json.dumps({"table": table, "row": row}, ensure_ascii=False,
                                      separators=(",", ":")).encode() + b"\n"
                    digest.update(line)
                    body.write(line)
                    counts[table] += 1
        header = {"format": FORMAT, "format_version": FORMAT_VERSION,
                  "schema_version": schema_version(db), "calibrate_version": __version__,
                  "exported_at": utc_now(), "demo": is_demo(db), "counts": counts,
                  "body_sha256": digest.hexdigest()}
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

    @property
    def demo(self) -> bool:
        return bool(self.header.get("demo"))

    def rows(self) -> Iterator[tuple[int, str, dict]]:
        """(line number, table, row) for every body line, in file order."""
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
        hint = "; import a results spreadsheet with --csv" if path.suffix.lower() == ".csv" \
            else ""
        raise ExchangeError(f"{path} is not a Calibrate export (its first line is not an "
                            f"export header){hint}")
    return header, len(first)


def load_export(path: Path) -> ExportFile:
    """Check an export before anything is written: header, versions, checksum, every line."""
    path = Path(path)
    if not path.is_file():
        raise ExchangeError(f"{path}: no such file")
    header, offset = _read_header(path)
    latest = len(MIGRATIONS)
    schema, version = header.get("schema_version"), header.get("format_version")
    if not isinstance(schema, int) or not isinstance(version, int) \
            or not isinstance(header.get("counts"), dict) \
            or not isinstance(header.get("body_sha256"), str):
        raise ExchangeError(f"{path}:1: the export header is incomplete (schema_version, "
                            "format_version, counts, body_sha256)")
    if schema > latest or version > FORMAT_VERSION:
        raise ExchangeError(f"{path} was exported by a newer Calibrate "
                            f"({header.get('calibrate_version', '?')}, schema {schema}; this "
                            f"version knows up to schema {latest}); update Calibrate to import it")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        handle.seek(offset)
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    if digest.hexdigest() != header["body_sha256"]:
        raise ExchangeError(f"{path} was changed or damaged after it was exported (checksum "
                            "mismatch); nothing was imported")
    export = ExportFile(path, header, offset)
    counts, last = dict.fromkeys(TABLES, 0), 0
    for number, table, _row in export.rows():
        if TABLES.index(table) < last:
            raise ExchangeError(f"{path}:{number}: {table} rows must come before "
                                f"{TABLES[last]} rows")
        last = TABLES.index(table)
        counts[table] += 1
    for table in TABLES:
        if counts[table] != header["counts"].get(table, 0):
            raise ExchangeError(f"{path}: the header lists {header['counts'].get(table, 0)} "
                                f"{table} but the file holds {counts[table]}")
    return export


def _parse_line(path: Path, number: int, raw: bytes) -> tuple[str, dict]:
    try:
        item = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ExchangeError(f"{path}:{number}: not a JSON object") from None
    table = item.get("table") if isinstance(item, dict) else None
    row = item.get("row") if isinstance(item, dict) else None
    if table not in KEYS or not isinstance(row, dict):
        raise ExchangeError(f"{path}:{number}: expected {{\"table\": one of "
                            f"{', '.join(TABLES)}, \"row\": {{...}}}}")
    key = row.get(KEYS[table])
    if not isinstance(key, str) or not key:
        raise ExchangeError(f"{path}:{number}: {table} row without its {KEYS[table]}")
    bad = next((k for k, v in row.items() if not isinstance(v, SCALARS)), None)
    if bad is not None:
        raise ExchangeError(f"{path}:{number}: {table}.{bad} must be text, a number or null")
    return table, row


# -- merging rows ----------------------------------------------------------------------------

Row = tuple[str, str, dict]  # (where: "FILE:LINE", table, row)


def merge_export(db: sqlite_utils.Database, export: ExportFile) -> ImportResult:
    """Add the export's rows that the database lacks, in one transaction; idempotent."""
    if export.demo and not is_demo(db) and any(row_counts(db).values()):
        raise ExchangeError(f"{export.path} holds demo data and this database holds real "
                            "answers; import it into a demo database or a new file")
    rows = ((f"{export.path}:{n}", table, row) for n, table, row in export.rows())
    return merge_rows(db, rows, event=("export_imported", {
        "file": export.path.name, "sha256": export.header["body_sha256"]}),
        demo=export.demo)


def merge_rows(db: sqlite_utils.Database, rows: Iterator[Row], *, event: tuple[str, dict],
               packs: Sequence[Pack] = (), session_event: dict | None = None,
               demo: bool = False) -> ImportResult:
    """Insert the rows whose keys the database lacks, in one transaction, tables in order.

    Rows already present are counted, not touched (answers and disputes must match exactly);
    `session_event`, when given, is logged as "session_imported" for each new session."""
    result = ImportResult()
    if not demo and is_demo(db):
        raise ExchangeError("this is the demo database: real answers belong in your own "
                            "database (open Calibrate without --demo); nothing was imported")
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
                    _merge_batch(db, table, batch, result, session_event)
                    batch = []
                table = row_table
                batch.append((where, row))
            if batch:
                _merge_batch(db, table, batch, result, session_event)
            log_event(db, event[0], detail={**event[1], "added": result.added,
                                            "present": result.present})
    except sqlite3.IntegrityError as error:
        raise ExchangeError(f"a row conflicts with this database ({error}); nothing was "
                            "imported") from None
    return result


def _merge_batch(db: sqlite_utils.Database, table: str, batch: list[tuple[str, dict]],
                 result: ImportResult, session_event: dict | None) -> None:
    key = KEYS[table]
    columns = set(db[table].columns_dict)
    for where, row in batch:
        unknown = set(row) - columns
        if unknown:
            raise ExchangeError(f"{where}: {table} has no column {sorted(unknown)[0]!r}; "
                                "nothing was imported")
    keys = [row[key] for _, row in batch]
    existing = {r[key]: r for r in db.query(
        f"SELECT * FROM [{table}] WHERE [{key}] IN ({','.join('?' * len(keys))})", keys)}
    new = []
    for where, row in batch:
        old = existing.get(row[key])
        if old is None:
            new.append((where, row))
        elif table in ("answers", "disputes") and any(old.get(c) != v for c, v in row.items()):
            raise ExchangeError(f"{where}: {table[:-1]} {row[key]} differs from the one already "
                                f"in the database ({table} are immutable); nothing was imported")
        elif table == "sessions" and old["finished_at"] is None and row.get("finished_at"):
            # The same session was finished elsewhere after this copy was taken.
            db["sessions"].update(row[key], {"finished_at": row["finished_at"]})
    _check_references(db, table, new)
    result.added[table] += len(new)
    result.present[table] += len(batch) - len(new)
    if new:
        db[table].insert_all([row for _, row in new], batch_size=BATCH)
    if table == "sessions" and session_event is not None:
        for _, row in new:
            log_event(db, "session_imported", profile_id=row["profile_id"],
                      session_id=row["id"], detail=session_event)


REFERENCES = {"sessions": (("profile_id", "profiles"),),
              "answers": (("session_id", "sessions"), ("profile_id", "profiles")),
              "disputes": (("answer_id", "answers"), ("profile_id", "profiles"))}


def _check_references(db: sqlite_utils.Database, table: str,
                      rows: list[tuple[str, dict]]) -> None:
    """Name the row whose parent is neither in the file nor in the database."""
    for column, parent in REFERENCES.get(table, ()):
        wanted = sorted({row[column] for _, row in rows if row.get(column) is not None})
        found: set[str] = set()
        for i in range(0, len(wanted), BATCH):
            part = wanted[i:i + BATCH]
            found |= {r[0] for r in db.execute(
                f"SELECT id FROM [{parent}] WHERE id IN ({','.join('?' * len(part))})", part)}
        for where, row in rows:
            if row.get(column) is not None and row[column] not in found:
                raise ExchangeError(f"{where}: {table} row {row[KEYS[table]]} refers to "
                                    f"{column} {row[column]}, which is neither in the file nor "
                                    "in the database; nothing was imported")
