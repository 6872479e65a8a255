"""Spaced review's read: a moderator's answers, scored against the golden they were given
against (core/review replays them into cards)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calibrate.core.review.cards import ScoredAnswer, as_utc

if TYPE_CHECKING:
    import sqlite_utils

# The case version each answer names carries the golden it was given against; an answer
# whose version the database does not know (the import rules refuse those) is left out.
_SCORED_ANSWERS = (
    "SELECT a.pack_id, a.case_id, a.answered_at, a.confidence, "
    "a.decision = v.golden_decision AS correct "
    "FROM answers a JOIN case_versions v ON v.case_hash = a.case_hash "
    "WHERE a.profile_id = ? AND a.skipped = 0 ORDER BY a.answered_at, a.rowid"
)


def scored_answers(db: sqlite_utils.Database, profile_id: str) -> list[ScoredAnswer]:
    """The profile's answers that rate review cards: every session kind, skips left out."""
    return [
        ScoredAnswer(pack, case, as_utc(at), bool(correct), confidence)
        for pack, case, at, confidence, correct in db.execute(_SCORED_ANSWERS, [profile_id])
    ]
