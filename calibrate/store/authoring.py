"""What the trainer's editor asks of the recorded answers: which decision ids they name (those
ids cannot be renamed or removed) and how many were given against each golden answer."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def decisions_in_answers(db: sqlite_utils.Database, pack_id: str) -> set[str]:
    """Decision ids of the pack that a recorded answer gives, or that were the golden
    decision of a case version someone answered."""
    given = db.execute(
        "SELECT DISTINCT decision FROM answers WHERE pack_id = ? AND decision IS NOT NULL",
        [pack_id],
    ).fetchall()
    golden = db.execute(
        "SELECT DISTINCT v.golden_decision FROM case_versions v "
        "WHERE v.pack_id = ? AND EXISTS (SELECT 1 FROM answers a WHERE a.case_hash = v.case_hash)",
        [pack_id],
    ).fetchall()
    return {row[0] for row in given + golden if row[0]}


def answers_by_golden(
    db: sqlite_utils.Database, pack_id: str, case_id: str
) -> list[tuple[str | None, tuple[str, ...], int]]:
    """(golden decision, golden clauses, answers) per golden a case's answers were given
    against; decision None for answers whose case version the database does not know."""
    rows = db.execute(
        "SELECT v.golden_decision, v.golden_clauses, COUNT(*) FROM answers a "
        "LEFT JOIN case_versions v ON v.case_hash = a.case_hash "
        "WHERE a.pack_id = ? AND a.case_id = ? "
        "GROUP BY v.golden_decision, v.golden_clauses",
        [pack_id, case_id],
    ).fetchall()
    return [(decision, _clauses(clauses), count) for decision, clauses, count in rows]


def _clauses(text: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return ()
    return tuple(str(c) for c in value) if isinstance(value, list) else ()
