"""Writing an export: every exchangeable row, in dependency order, behind a checked header.

The body is written to a temp file first (its sha256 and row counts go into the header), then
header and body to a second temp file that replaces the export atomically.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate import __version__
from calibrate.core.errors import ExchangeError
from calibrate.core.stamps import utc_now
from calibrate.store.db import schema_version
from calibrate.store.demo_data import row_counts
from calibrate.store.exchange.export_file import FORMAT, FORMAT_VERSION, KEYS, TABLES, is_export
from calibrate.store.integrity import check_count, check_whole
from calibrate.store.settings import is_demo

if TYPE_CHECKING:
    import sqlite_utils


def export_database(db: sqlite_utils.Database, out: Path) -> dict[str, int]:
    """Write every exchangeable row to `out` (atomically replaced); returns the row counts."""
    out = Path(out)
    if out.exists() and not is_export(out):
        raise ExchangeError(f"{out} exists and is not a Calibrate export; choose another name")
    check_whole(db, TABLES)  # a table or index that lost rows: never half a database
    out.parent.mkdir(parents=True, exist_ok=True)
    body_path, final_path = out.with_name(out.name + ".body.tmp"), out.with_name(out.name + ".tmp")
    try:
        digest, counts = _write_body(db, body_path)
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
            "body_sha256": digest,
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


def _write_body(db: sqlite_utils.Database, body_path: Path) -> tuple[str, dict[str, int]]:
    """One line per row, tables in dependency order; (sha256 of the body, rows per table)."""
    digest, counts = hashlib.sha256(), dict.fromkeys(TABLES, 0)
    # Every row of a demo database says so itself, inside the checksummed body: editing the
    # header cannot make it real data (docs/exchange.md, format_version 2).
    mark = {"demo": True} if is_demo(db) else {}
    with body_path.open("wb") as body:
        for table, key in KEYS.items():
            for row in db.query(f"SELECT * FROM [{table}] ORDER BY [{key}]"):
                line = _line({"table": table, **mark, "row": row}).encode() + b"\n"
                digest.update(line)
                body.write(line)
                counts[table] += 1
    return digest.hexdigest(), counts


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
