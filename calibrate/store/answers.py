"""Append-only answers keyed by UUID: written once, committed before the UI says "recorded"."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, fields
from typing import TYPE_CHECKING

from calibrate.core.clock import new_id, utc_now
from calibrate.core.models import Answer, AnswerDraft, Case, Pack, Profile

if TYPE_CHECKING:
    import sqlite_utils

_ANSWER_FIELDS = [f.name for f in fields(Answer)]


def record_answer(
    db: sqlite_utils.Database,
    *,
    session_id: str,
    session_kind: str,
    profile: Profile,
    pack: Pack,
    lesson_id: str,
    case: Case,
    draft: AnswerDraft,
    shown_at: str,
    time_to_answer_ms: int,
    watched_ms: int,
) -> Answer:
    """Validate and durably commit one answer; returns it only once it is on disk."""
    if not draft.skipped:
        if draft.decision not in pack.scale.ids:
            raise ValueError(f"unknown decision {draft.decision!r}")
        if draft.clause is not None and pack.clause(draft.clause) is None:
            raise ValueError(f"unknown clause {draft.clause!r}")
        if draft.confidence is not None and not 0.0 <= draft.confidence <= 1.0:
            raise ValueError("confidence is a probability between 0 and 1")
    answer = Answer(
        id=new_id(),
        session_id=session_id,
        profile_id=profile.id,
        pack_id=pack.id,
        lesson_id=lesson_id,
        case_id=case.id,
        case_hash=case.content_hash,
        pack_hash=pack.content_hash,
        team=profile.team,
        site=profile.site,
        session_kind=session_kind,
        decision=None if draft.skipped else draft.decision,
        clause=None if draft.skipped else draft.clause,
        confidence=None if draft.skipped else draft.confidence,
        note=draft.note,
        skipped=draft.skipped,
        shown_at=shown_at,
        answered_at=utc_now(),
        time_to_answer_ms=max(0, int(time_to_answer_ms)),
        watched_ms=max(0, int(watched_ms)),
    )
    insert_answer(db, answer)
    return answer


def insert_answer(db: sqlite_utils.Database, answer: Answer) -> None:
    """One row, one transaction, committed (WAL, synchronous=FULL) before returning."""
    row = asdict(answer)
    row["skipped"] = int(answer.skipped)
    with db.atomic():
        db["answers"].insert(row)


def _to_answer(row: dict) -> Answer:
    values = {name: row[name] for name in _ANSWER_FIELDS}
    values["skipped"] = bool(values["skipped"])
    values["note"] = values["note"] or ""
    values["team"] = values["team"] or ""
    values["site"] = values["site"] or ""
    return Answer(**values)


def answers_for_session(db: sqlite_utils.Database, session_id: str) -> list[Answer]:
    return [
        _to_answer(r)
        for r in db.query(
            "SELECT * FROM answers WHERE session_id = ? ORDER BY answered_at", [session_id]
        )
    ]


def decision_split(db: sqlite_utils.Database, pack_id: str, case_id: str) -> Counter[str]:
    """How every profile in this database decided this case (skips left out)."""
    return Counter(
        {
            row["decision"]: row["n"]
            for row in db.query(
                "SELECT decision, COUNT(*) AS n FROM answers WHERE pack_id = ? AND case_id = ? "
                "AND skipped = 0 GROUP BY decision",
                [pack_id, case_id],
            )
        }
    )


def count_answers(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
