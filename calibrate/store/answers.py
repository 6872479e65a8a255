"""Append-only answers keyed by UUID: written once, committed before the UI says "recorded"."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, fields
from typing import TYPE_CHECKING

from calibrate.core.answer_rules import CaseFacts, PackFacts, answer_problems
from calibrate.core.models import Answer, AnswerDraft, Case, Pack, Profile
from calibrate.core.stamps import new_id, utc_now

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
    watched_share: float | None = None,
    clip_unavailable: bool | None = None,
) -> Answer:
    """Validate and durably commit one answer; returns it only once it is on disk.

    ValueError names what breaks the rules of stored answers (core/answer_rules.py).
    watched_share and clip_unavailable are core/watching's (None: not measured)."""
    answered_at = utc_now()
    # A clock set back between showing and submitting (a time-sync correction) must not
    # refuse the answer (the rules want answered_at ≥ shown_at): it was shown no later.
    shown_at = min(shown_at, answered_at)
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
        answered_at=answered_at,
        time_to_answer_ms=max(0, int(time_to_answer_ms)),
        watched_ms=max(0, int(watched_ms)),
        watched_share=None if watched_share is None else float(watched_share),
        clip_unavailable=None if clip_unavailable is None else bool(clip_unavailable),
        marked_moment=_marked_moment(case, draft),
    )
    row = answer_row(answer)
    facts = PackFacts(pack.id, pack.scale.ids, tuple(c.id for c in pack.clauses))
    known = case.id in pack.cases and pack.cases[case.id].content_hash == case.content_hash
    _refuse(answer_problems(row, facts, CaseFacts(pack.id, case.id) if known else None))
    _insert(db, row)
    return answer


def _marked_moment(case: Case, draft: AnswerDraft) -> float | None:
    """The mark is kept only where the case asks for one and the answer is not a skip."""
    if not case.mark_moment or draft.skipped or draft.marked_moment is None:
        return None
    return float(draft.marked_moment)


def insert_answer(db: sqlite_utils.Database, answer: Answer) -> None:
    """One row checked against the pack and case versions the database holds, then written
    in one transaction, committed (WAL, synchronous=FULL) before returning."""
    from calibrate.store.row_checks import row_problems

    row = answer_row(answer)
    _refuse(row_problems(db, "answers", [row])[0])
    _insert(db, row)


def answer_row(answer: Answer) -> dict:
    """The answer as its database row (what a live room acknowledges to a participant)."""
    row = asdict(answer)
    row["skipped"] = int(answer.skipped)
    if answer.clip_unavailable is not None:
        row["clip_unavailable"] = int(answer.clip_unavailable)
    return row


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ValueError(f"answer not recorded: {'; '.join(problems)}")


def _insert(db: sqlite_utils.Database, row: dict) -> None:
    with db.atomic():
        db["answers"].insert(row)


def _to_answer(row: dict) -> Answer:
    values = {name: row[name] for name in _ANSWER_FIELDS}
    values["skipped"] = bool(values["skipped"])
    values["note"] = values["note"] or ""
    values["team"] = values["team"] or ""
    values["site"] = values["site"] or ""
    if values["clip_unavailable"] is not None:
        values["clip_unavailable"] = bool(values["clip_unavailable"])
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
