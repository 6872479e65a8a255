"""Scoring one answer against the golden answer, and the same rules over many at once.

One definition, used everywhere (DESIGN.md "Scoring"): correct = chosen equals golden; on the
pack's ladder (least → most restrictive) a higher rung is over-enforcement, a lower one
under-enforcement, and their signed distance is comparable only within one pack. Decisions
off the ladder (e.g. `escalate`) stand apart: missing a required escalation is a critical
error, counted on its own; escalating what did not need it is counted separately. A skipped
answer is recorded and never scored as wrong. Clause accuracy is reported beside, never
folded in.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray


class Outcome(IntEnum):
    """What an answer was, relative to the golden answer (values are stable codes)."""

    CORRECT = 0
    OVER = 1  # a more restrictive rung than golden
    UNDER = 2  # a less restrictive rung than golden
    MISSED_ESCALATION = 3  # golden is off the ladder (escalate) and was not chosen: critical
    UNNEEDED_ESCALATION = 4  # an off-ladder decision chosen where golden is on the ladder
    SKIPPED = 5


@dataclass(frozen=True)
class AnswerScore:
    """The score of one answer."""

    outcome: Outcome
    distance: int | None  # chosen rung − golden rung, when both are on the ladder
    clause_correct: bool | None  # chosen clause among the golden clauses; None if not asked

    @property
    def correct(self) -> bool | None:
        """True/False for a scored answer, None for a skipped one."""
        return None if self.outcome is Outcome.SKIPPED else self.outcome is Outcome.CORRECT

    @property
    def critical(self) -> bool:
        """A missed escalation: the error that must never pass unnoticed."""
        return self.outcome is Outcome.MISSED_ESCALATION


def score_answer(
    chosen: str | None,
    golden: str,
    ladder: Sequence[str],
    *,
    chosen_clause: str | None = None,
    golden_clauses: Collection[str] = (),
) -> AnswerScore:
    """Score one answer; `chosen` None means skipped. `ladder` lists the on-ladder decision
    ids least → most restrictive (e.g. `DecisionScale.ladder`); any other id is off it."""
    clause_ok = None if chosen_clause is None or chosen is None else chosen_clause in golden_clauses
    if chosen is None:
        return AnswerScore(Outcome.SKIPPED, None, None)
    rungs = {decision: i for i, decision in enumerate(ladder)}
    outcome, distance = _classify(rungs.get(chosen, -1), rungs.get(golden, -1), chosen == golden)
    return AnswerScore(outcome, distance, clause_ok)


def _classify(chosen_rung: int, golden_rung: int, same: bool) -> tuple[Outcome, int | None]:
    if same:
        return Outcome.CORRECT, 0 if golden_rung >= 0 else None
    if golden_rung < 0:
        return Outcome.MISSED_ESCALATION, None
    if chosen_rung < 0:
        return Outcome.UNNEEDED_ESCALATION, None
    distance = chosen_rung - golden_rung
    return (Outcome.OVER if distance > 0 else Outcome.UNDER), distance


def rungs_of(categories: Sequence[object], ladder: Sequence[object]) -> NDArray[Any]:
    """Rung of each category code on the ladder, -1 for decisions off it."""
    index = {decision: i for i, decision in enumerate(ladder)}
    return np.array([index.get(c, -1) for c in categories], dtype=np.int32)


def score_codes(
    chosen: NDArray[Any], golden: NDArray[Any], rungs: NDArray[Any]
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Vectorised `score_answer` over category codes (chosen -1 = skipped).

    Returns the Outcome code of each answer and its rung distance (0 where not on the ladder).
    """
    chosen = np.asarray(chosen)
    golden = np.asarray(golden)
    skipped = chosen < 0
    c_rung = np.where(skipped, -1, rungs[np.maximum(chosen, 0)])
    g_rung = rungs[golden]
    distance = np.where((c_rung >= 0) & (g_rung >= 0), c_rung - g_rung, 0)
    outcome = np.select(
        [skipped, chosen == golden, g_rung < 0, c_rung < 0, distance > 0],
        [
            Outcome.SKIPPED,
            Outcome.CORRECT,
            Outcome.MISSED_ESCALATION,
            Outcome.UNNEEDED_ESCALATION,
            Outcome.OVER,
        ],
        default=Outcome.UNDER,
    ).astype(np.int8)
    return outcome, distance


@dataclass(frozen=True)
class EnforcementSummary:
    """Counts of each outcome over many answers, and the rung distances of the errors."""

    scored: int
    correct: int
    over: int
    under: int
    missed_escalations: int
    unneeded_escalations: int
    skipped: int
    mean_over_distance: float | None
    mean_under_distance: float | None

    def as_json(self) -> dict[str, object]:
        """Plain numbers for JSON output."""
        return dict(self.__dict__)


def summarize(outcome: NDArray[Any], distance: NDArray[Any]) -> EnforcementSummary:
    """Tally `score_codes` results: over/under and escalation errors, skipped apart."""
    counts = np.bincount(np.asarray(outcome, dtype=np.int64), minlength=len(Outcome))
    over = outcome == Outcome.OVER
    under = outcome == Outcome.UNDER
    return EnforcementSummary(
        scored=int(counts.sum() - counts[Outcome.SKIPPED]),
        correct=int(counts[Outcome.CORRECT]),
        over=int(counts[Outcome.OVER]),
        under=int(counts[Outcome.UNDER]),
        missed_escalations=int(counts[Outcome.MISSED_ESCALATION]),
        unneeded_escalations=int(counts[Outcome.UNNEEDED_ESCALATION]),
        skipped=int(counts[Outcome.SKIPPED]),
        mean_over_distance=float(distance[over].mean()) if over.any() else None,
        mean_under_distance=float(-distance[under].mean()) if under.any() else None,
    )
