"""An export file read back: its format, and every check made before anything is written.

`load_export` checks the header (complete, not from a newer Calibrate), the body's checksum,
the format version, and every line (a JSON object of a known table with its key, in
dependency order, as many rows per table as the header lists); rows are then read on demand.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from calibrate.core.answer_rules import is_demo_id
from calibrate.core.errors import ExchangeError
from calibrate.store.migrations import MIGRATIONS

FORMAT = "calibrate-export"
# 2: demo rows carry their mark inside the checksummed body; 3: dispute resolutions (a
# format 2 file simply has none, and imports as before)
FORMAT_VERSION = 3
# Dependency order: a row only points at rows of tables listed before it.
KEYS = {
    "profiles": "id",
    "pack_versions": "pack_hash",
    "case_versions": "case_hash",
    "sessions": "id",
    "answers": "id",
    "disputes": "id",
    "dispute_resolutions": "id",
}
TABLES = tuple(KEYS)
SCALARS = (str, int, float, type(None))


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


def is_export(path: Path) -> bool:
    """Does the file at path start with an export header (so an export may replace it)?"""
    try:
        return read_header(path)[0].get("format") == FORMAT
    except (ExchangeError, OSError):
        return False


def read_header(path: Path) -> tuple[dict, int]:
    """The header line as a dict and the offset where the body starts."""
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
    header, offset = read_header(path)
    _check_header(path, header)
    _check_checksum(path, header, offset)
    _check_format_version(path, header["format_version"], bool(header.get("demo")))
    demo_rows = _check_lines(ExportFile(path, header, offset))
    return ExportFile(path, header, offset, demo_rows)


def _check_header(path: Path, header: dict) -> None:
    """Refuse a header without its fields, or one written by a newer Calibrate."""
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


def _check_checksum(path: Path, header: dict, offset: int) -> None:
    """Refuse a body whose sha256 is not the one the header recorded."""
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


def _check_format_version(path: Path, version: int, demo_header: bool) -> None:
    """Refuse a format Calibrate never wrote, and format 1 unless it says it is demo data."""
    if version < 1:
        raise ExchangeError(
            f"{path}:1: format_version {version} is not one Calibrate writes; nothing was imported"
        )
    if version < 2 and not demo_header:
        # Format 1 kept the demo flag only in the header, which anyone can edit: its rows
        # cannot show that they are not demo data. Its own Calibrate can export it again.
        raise ExchangeError(
            f"{path} is an export of format {version}, whose rows cannot "
            "show whether they are demo data; export the database again with "
            f"this Calibrate (format {FORMAT_VERSION}) and import that file"
        )


def _check_lines(export: ExportFile) -> bool:
    """Refuse a bad line, tables out of order or counts unlike the header's; True when a
    line or a row id carries the demo mark."""
    path, listed = export.path, export.header["counts"]
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
        if counts[table] != listed.get(table, 0):
            raise ExchangeError(
                f"{path}: the header lists {listed.get(table, 0)} "
                f"{table} but the file holds {counts[table]}"
            )
    return demo_rows


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
