"""Whether spaced review works: accuracy on the first attempt vs each later review."""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.core.lead.sections.rows import Interval, Rows, ci_hi, ci_lo


@dataclass(frozen=True)
class ReviewRow:
    """One team ("" = all teams) at one attempt of the reviewed cases: 0 is the first
    attempt, 1 the first review, …; the last attempt shown gathers every later one."""

    team: str
    attempt: int
    n: int
    correct: int
    accuracy: float | None
    ci: Interval

    @property
    def label(self) -> str:
        if self.attempt == 0:
            return "first attempt"
        last = self.attempt == LATER_REVIEWS
        return f"review {self.attempt}{'+' if last else ''}"


LATER_REVIEWS = 3  # reviews 3, 4, … are counted together as "review 3+"


@dataclass(frozen=True)
class ReviewSection:
    """Per team, then everyone (team ""), first attempt first."""

    rows_: tuple[ReviewRow, ...]
    pairs: int  # reviewer × case pairs that were reviewed at least once

    def rows(self) -> Rows:
        header = ("team", "attempt", "n", "correct", "accuracy", "lo", "hi")
        return header, [
            (r.team or "all", r.label, r.n, r.correct, r.accuracy, ci_lo(r.ci), ci_hi(r.ci))
            for r in self.rows_
        ]
