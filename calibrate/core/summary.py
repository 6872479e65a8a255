"""What a moderator sees at the end of a lesson: score, clause accuracy, misses, time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from calibrate.core.models import Answer, Case
from calibrate.core.moments import HIT, NOT_ASKED, UNMARKED, score_mark


@dataclass(frozen=True)
class Miss:
    case: Case
    answer: Answer


@dataclass(frozen=True)
class SessionSummary:
    total: int  # cases in the lesson
    answered: int  # not skipped
    skipped: int
    correct: int
    clause_correct: int
    misses: tuple[Miss, ...]  # decision differs from the golden one
    seconds: float  # first case shown → last answer
    pass_mark: float
    # Right decision, but not under a golden clause: scored right (DESIGN.md: the clause is
    # reported beside the decision, never folded in), still worth reading again.
    clause_misses: tuple[Miss, ...] = ()
    # "Where does it show?" (core/moments.py), beside the score, never in it: answered cases
    # that asked for a mark, the marks given, and the marks on a golden moment.
    moments_asked: int = 0
    moments_marked: int = 0
    moments_hit: int = 0

    @property
    def score(self) -> float | None:
        """Share right among answered cases; skips are never scored as wrong."""
        return self.correct / self.answered if self.answered else None

    @property
    def clause_accuracy(self) -> float | None:
        return self.clause_correct / self.answered if self.answered else None

    @property
    def passed(self) -> bool | None:
        return None if self.score is None else self.score >= self.pass_mark


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def summarise(
    answers: Iterable[Answer], cases: Mapping[str, Case], total: int, pass_mark: float
) -> SessionSummary:
    """Score answers against each case's golden answer (decision; clause reported beside it)."""
    answers = list(answers)
    scored = [a for a in answers if not a.skipped and a.case_id in cases]
    correct = [a for a in scored if a.decision == cases[a.case_id].golden.decision]
    clause_correct = [a for a in scored if a.clause in cases[a.case_id].golden.clauses]
    misses = tuple(
        Miss(cases[a.case_id], a) for a in scored if a.decision != cases[a.case_id].golden.decision
    )
    clause_misses = tuple(
        Miss(cases[a.case_id], a)
        for a in correct
        if a.clause not in cases[a.case_id].golden.clauses
    )
    marks = [
        score_mark(a.marked_moment, c.moments, c.moment_tolerance, asked=c.mark_moment).outcome
        for a in scored
        for c in (cases[a.case_id],)
    ]
    seconds = 0.0
    if answers:
        seconds = (
            max(_parse(a.answered_at) for a in answers) - min(_parse(a.shown_at) for a in answers)
        ).total_seconds()
    return SessionSummary(
        total=total,
        answered=len(scored),
        skipped=sum(1 for a in answers if a.skipped),
        correct=len(correct),
        clause_correct=len(clause_correct),
        misses=misses,
        seconds=max(0.0, seconds),
        pass_mark=pass_mark,
        clause_misses=clause_misses,
        moments_asked=sum(1 for m in marks if m != NOT_ASKED),
        moments_marked=sum(1 for m in marks if m not in (NOT_ASKED, UNMARKED)),
        moments_hit=marks.count(HIT),
    )
