"""Disputes of golden answers, raised from the reveal and read by trainers and leads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calibrate.core.answer_rules import resolution_problems
from calibrate.core.models import Answer
from calibrate.core.stamps import new_id, utc_now
from calibrate.store.audit import log_event

if TYPE_CHECKING:
    import sqlite3

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


def record_resolution(
    db: sqlite_utils.Database,
    dispute_id: str,
    outcome: str,
    reply: str,
    new_case_hash: str | None = None,
) -> str:
    """A trainer upholds the disputed golden or marks it changed, with a reply for the
    moderator who filed it. The row is checked by the rules an imported one obeys
    (core/answer_rules.resolution_problems); a newer resolution of the same dispute counts
    over an older one."""
    row = {
        "id": new_id(),
        "dispute_id": dispute_id,
        "outcome": outcome,
        "reply": reply.strip(),
        "new_case_hash": (new_case_hash or "").strip() or None,
        "resolved_at": utc_now(),
    }
    problems = resolution_problems(row)
    if (
        not problems
        and db.execute("SELECT 1 FROM disputes WHERE id = ?", [dispute_id]).fetchone() is None
    ):
        problems.append(f"no dispute {dispute_id} in this database")
    if problems:
        raise ValueError("; ".join(problems))
    with db.atomic():
        db["dispute_resolutions"].insert(row)
        log_event(db, "dispute_resolved", detail={"dispute": dispute_id, "outcome": outcome})
    return str(row["id"])


# The newest resolution of each dispute (ties: the larger id, so every database agrees).
NEWEST_RESOLUTION = (
    "SELECT r.* FROM dispute_resolutions r WHERE NOT EXISTS (SELECT 1 FROM "
    "dispute_resolutions o WHERE o.dispute_id = r.dispute_id AND (o.resolved_at > "
    "r.resolved_at OR (o.resolved_at = r.resolved_at AND o.id > r.id)))"
)


def replies_for(db: sqlite_utils.Database | sqlite3.Connection, profile_id: str) -> list[dict]:
    """The trainers' replies to this profile's disputes that they have not dismissed, newest
    first: the dispute's case and note, the outcome and the reply."""
    cursor = db.execute(
        "SELECT r.id AS resolution_id, r.outcome, r.reply, r.resolved_at, d.pack_id, "
        "d.case_id, d.note, d.created_at FROM (" + NEWEST_RESOLUTION + ") r "
        "JOIN disputes d ON d.id = r.dispute_id WHERE d.profile_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM dispute_replies_read x WHERE x.resolution_id = r.id) "
        "ORDER BY r.resolved_at DESC",
        [profile_id],
    )
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def dismiss_replies(db: sqlite_utils.Database, resolution_ids: list[str]) -> None:
    """The moderator has read these replies: their home screen stops listing them."""
    now = utc_now()
    with db.atomic():
        db["dispute_replies_read"].upsert_all(
            [{"resolution_id": r, "read_at": now} for r in resolution_ids], pk="resolution_id"
        )
