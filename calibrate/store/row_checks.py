"""Rows checked against the rules in core/answer_rules.py before they are written, with
what the database knows (pack and case versions) looked up for each batch.

Used by the imports (store/exchange/merge.py merge_rows: an export and a history CSV) and by the
app's own writes (store/answers.py): one validator, whatever the way in.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from calibrate.core.answer_rules import (
    CaseFacts,
    PackFacts,
    answer_problems,
    case_version_problems,
    dispute_problems,
    is_demo_id,
    pack_version_problems,
    profile_problems,
    resolution_problems,
    session_problems,
)

if TYPE_CHECKING:
    import sqlite_utils

    from calibrate.core.models import Pack

Clauses = Mapping[str, Collection[str]]  # pack_hash → clause ids, of the packs loaded


def loaded_clauses(packs: Sequence[Pack]) -> dict[str, frozenset[str]]:
    return {p.content_hash: frozenset(c.id for c in p.clauses) for p in packs}


def _json(text: object) -> object:
    try:
        return json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None


def pack_facts(
    db: sqlite_utils.Database, hashes: Iterable[object], clauses: Clauses
) -> dict[str, PackFacts]:
    """The pack versions the database holds among these hashes."""
    found: dict[str, PackFacts] = {}
    for pack_hash, pack_id, decisions in _rows_in(
        db, "SELECT pack_hash, pack_id, decisions FROM pack_versions WHERE pack_hash", hashes
    ):
        listed = _json(decisions)
        found[pack_hash] = PackFacts(
            pack_id, tuple(listed) if isinstance(listed, list) else (), clauses.get(pack_hash)
        )
    return found


def case_facts(db: sqlite_utils.Database, hashes: Iterable[object]) -> dict[str, CaseFacts]:
    return {
        case_hash: CaseFacts(pack_id, case_id)
        for case_hash, pack_id, case_id in _rows_in(
            db, "SELECT case_hash, pack_id, case_id FROM case_versions WHERE case_hash", hashes
        )
    }


def _decisions_of_packs(
    db: sqlite_utils.Database, pack_ids: Iterable[object]
) -> dict[str, set[str]]:
    """Every decision any version of each pack knows (a case version names only its pack)."""
    found: dict[str, set[str]] = {}
    for pack_id, decisions in _rows_in(
        db, "SELECT pack_id, decisions FROM pack_versions WHERE pack_id", pack_ids
    ):
        listed = _json(decisions)
        known = found.setdefault(pack_id, set())
        if isinstance(listed, list):
            known.update(d for d in listed if isinstance(d, str))
    return found


def _rows_in(
    db: sqlite_utils.Database, select_where: str, keys: Iterable[object]
) -> Iterator[tuple[Any, ...]]:
    """`select_where` IN the given text keys, asked 500 at a time (SQLite's variable limit)."""
    wanted = sorted({k for k in keys if isinstance(k, str)})
    for i in range(0, len(wanted), 500):
        part = wanted[i : i + 500]
        yield from db.execute(f"{select_where} IN ({','.join('?' * len(part))})", part)


def row_problems(
    db: sqlite_utils.Database,
    table: str,
    rows: Sequence[dict[str, Any]],
    clauses: Clauses = {},  # noqa: B006 - read only
) -> list[list[str]]:
    """The problems of each row of one table (a list per row, empty when it is good)."""
    if table == "answers":
        packs = pack_facts(db, (r.get("pack_hash") for r in rows), clauses)
        cases = case_facts(db, (r.get("case_hash") for r in rows))
        return [
            answer_problems(r, packs.get(r.get("pack_hash")), cases.get(r.get("case_hash")))
            for r in rows
        ]
    if table == "sessions":
        packs = pack_facts(db, (r.get("pack_hash") for r in rows), clauses)
        return [session_problems(r, packs.get(r.get("pack_hash"))) for r in rows]
    if table == "profiles":
        return [profile_problems(r) for r in rows]
    if table == "disputes":
        return [dispute_problems(r) for r in rows]
    if table == "dispute_resolutions":
        return [resolution_problems(r) for r in rows]
    if table == "pack_versions":
        return [
            pack_version_problems(r, _json(r.get("decisions")), _json(r.get("ladder")))
            for r in rows
        ]
    if table == "case_versions":
        decisions = _decisions_of_packs(db, (r.get("pack_id") for r in rows))
        return [
            case_version_problems(
                r,
                decisions.get(r.get("pack_id")),
                _json(r.get("golden_clauses")),
                _moments_column(r),
            )
            for r in rows
        ]
    return [[] for _ in rows]


def _moments_column(row: Mapping[str, Any]) -> object:
    """golden_moments parsed; None when absent (older exports), "" when not JSON."""
    text = row.get("golden_moments")
    if text is None:
        return None
    parsed = _json(text)
    return "" if parsed is None else parsed


def demo_row_problem(table: str, row: Mapping[str, Any]) -> str | None:
    """A row the demo history made, on its way into a database that is not a demo one."""
    key = row.get("id")
    if table in ("profiles", "sessions", "answers", "disputes") and is_demo_id(key):
        return (
            f"{table[:-1]} {key} is demo data (its id carries the demo mark); demo rows "
            "never go into a real database"
        )
    return None
