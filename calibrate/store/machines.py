"""Model runs and their decisions (m009): written whole or not at all, read by run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calibrate.core.stamps import new_id, utc_now
from calibrate.store.audit import log_event

if TYPE_CHECKING:
    import sqlite_utils

    from calibrate.core.machines.rows import CheckedRun


@dataclass(frozen=True)
class StoredRun:
    id: str
    name: str
    model_version: str | None
    digest: str
    decisions: int
    source: str | None
    imported_at: str


_RUN_COLUMNS = "id, name, model_version, rows_digest, decisions, source, imported_at"


def pack_version_known(db: sqlite_utils.Database, pack_hash: str) -> bool:
    """Whether this pack version (and so its cases' versions, written with it) is stored."""
    row = db.execute("SELECT 1 FROM pack_versions WHERE pack_hash = ?", [pack_hash])
    return row.fetchone() is not None


def find_run(db: sqlite_utils.Database, name: str, version: str | None) -> StoredRun | None:
    """The run of this name and model version (None: a run without one), if stored."""
    row = db.execute(
        f"SELECT {_RUN_COLUMNS} FROM machine_runs WHERE name = ? "
        "AND IFNULL(model_version, '') = IFNULL(?, '')",
        [name, version],
    ).fetchone()
    return StoredRun(*row) if row else None


def latest_run(db: sqlite_utils.Database, name: str) -> StoredRun | None:
    """The run of this name imported last."""
    row = db.execute(
        f"SELECT {_RUN_COLUMNS} FROM machine_runs WHERE name = ? "
        "ORDER BY imported_at DESC, rowid DESC LIMIT 1",
        [name],
    ).fetchone()
    return StoredRun(*row) if row else None


def list_runs(db: sqlite_utils.Database) -> list[StoredRun]:
    """Every stored run, newest import first."""
    return [
        StoredRun(*row)
        for row in db.execute(
            f"SELECT {_RUN_COLUMNS} FROM machine_runs ORDER BY imported_at DESC, rowid DESC"
        )
    ]


def write_run(
    db: sqlite_utils.Database, name: str, run: CheckedRun, source: str, replace: StoredRun | None
) -> StoredRun:
    """Store a checked run in one transaction; `replace`: the stored run it replaces (its
    decisions go, the replacement is recorded in the audit trail)."""
    stored = StoredRun(
        replace.id if replace else new_id(),
        name,
        run.model_version,
        run.digest,
        len(run.decisions),
        source,
        utc_now(),
    )
    with db.atomic():
        if replace is not None:
            db.execute("DELETE FROM machine_decisions WHERE run_id = ?", [replace.id])
            db.execute("DELETE FROM machine_runs WHERE id = ?", [replace.id])
            log_event(
                db,
                "machine_run_replaced",
                detail={
                    "run": replace.id,
                    "name": name,
                    "model_version": run.model_version,
                    "old_digest": replace.digest,
                    "new_digest": run.digest,
                },
            )
        db.execute(
            f"INSERT INTO machine_runs ({_RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                stored.id,
                stored.name,
                stored.model_version,
                stored.digest,
                stored.decisions,
                stored.source,
                stored.imported_at,
            ],
        )
        db.conn.executemany(
            "INSERT INTO machine_decisions (run_id, pack_id, case_id, case_hash, pack_hash, "
            "decision, clause, score, source_row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    stored.id,
                    d.pack_id,
                    d.case_id,
                    d.case_hash,
                    d.pack_hash,
                    d.decision,
                    d.clause,
                    d.score,
                    d.row,
                )
                for d in run.decisions
            ),
        )
    return stored


@dataclass(frozen=True)
class RunRows:
    """A run's decisions with the golden of the case version each was recorded against and
    its pack version's ladder and decisions (as the catalog holds them)."""

    pack_id: list[str]
    case_id: list[str]
    decision: list[str]
    golden: list[str]
    score: list[float | None]
    ladders: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # pack → (ladder, decisions)


def run_rows(db: sqlite_utils.Database, run_id: str, pack: str | None = None) -> RunRows:
    """The decisions of a run (only pack `pack`'s when given), in pack and case order."""
    where, params = ("WHERE m.run_id = ?", [run_id])
    if pack is not None:
        where, params = where + " AND m.pack_id = ?", [*params, pack]
    rows = db.execute(
        "SELECT m.pack_id, m.case_id, m.decision, c.golden_decision, m.score, m.pack_hash "
        "FROM machine_decisions m JOIN case_versions c ON c.case_hash = m.case_hash "
        f"{where} ORDER BY m.pack_id, m.case_id",
        params,
    ).fetchall()
    hashes = sorted({r[5] for r in rows})
    ladders: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for pack_id, ladder, decisions in db.execute(
        "SELECT pack_id, ladder, decisions FROM pack_versions WHERE pack_hash IN "
        f"({', '.join('?' * len(hashes))}) ORDER BY first_seen_at",
        hashes,
    ):
        ladders[pack_id] = (tuple(json.loads(ladder)), tuple(json.loads(decisions)))
    return RunRows(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        [r[4] for r in rows],
        ladders,
    )


def run_packs(db: sqlite_utils.Database, run_id: str) -> list[str]:
    """The packs a run decided cases of."""
    return [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT pack_id FROM machine_decisions WHERE run_id = ? ORDER BY pack_id",
            [run_id],
        )
    ]
