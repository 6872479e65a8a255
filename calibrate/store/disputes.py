"""Disputes of golden answers, raised from the reveal and read by trainers and leads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calibrate.core.models import Answer
from calibrate.core.stamps import new_id, utc_now
from calibrate.store.audit import log_event

if TYPE_CHECKING:
    import sqlite_utils


def record_dispute(db: sqlite_utils.Database, answer: Answer, note: str) -> str:
    """Store a moderator's disagreement with the golden answer of the case they answered."""
    note = note.strip()
    if not note:
        raise ValueError("say why the golden answer looks wrong")
    dispute_id = new_id()
    with db.atomic():
        db["disputes"].insert(
            {
                "id": dispute_id,
                "answer_id": answer.id,
                "profile_id": answer.profile_id,
                "pack_id": answer.pack_id,
                "case_id": answer.case_id,
                "case_hash": answer.case_hash,
                "note": note,
                "created_at": utc_now(),
            }
        )
        log_event(
            db,
            "golden_disputed",
            profile_id=answer.profile_id,
            session_id=answer.session_id,
            detail={"case": answer.case_id},
        )
    return dispute_id


def disputes_for_case(db: sqlite_utils.Database, pack_id: str, case_id: str) -> list[dict]:
    return list(
        db.query(
            "SELECT * FROM disputes WHERE pack_id = ? AND case_id = ? ORDER BY created_at",
            [pack_id, case_id],
        )
    )
