"""Change over time and stated confidence: weekly accuracy and κ, accuracy by session kind,
and calibration of confidence per team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from calibrate.core.lead.sections.rows import Interval, Rows, ci_hi, ci_lo


@dataclass(frozen=True)
class TrendPoint:
    """One ISO week (Monday, UTC) of one team ("" = all teams together)."""

    week: date
    team: str
    n: int
    correct: int
    accuracy: float | None
    ci: Interval
    kappa: float | None  # case-weighted mean over packs of Fleiss' κ within the week; None
    # below MIN_PAIRED_CASES kappa_cases (core/metrics/agreement.py)
    kappa_cases: int  # the N of κ: cases rated by two or more reviewers it rests on


@dataclass(frozen=True)
class AttemptRow:
    """Accuracy of one team by session kind (first attempt, retake, review, live)."""

    team: str
    kind: str
    n: int
    correct: int
    accuracy: float | None
    ci: Interval


@dataclass(frozen=True)
class TrendSection:
    weeks: tuple[date, ...]
    teams: tuple[str, ...]
    points: tuple[TrendPoint, ...]  # per team and week, then team "" (everyone)
    attempts: tuple[AttemptRow, ...]

    def rows(self) -> Rows:
        header = (
            "week",
            "team",
            "n",
            "correct",
            "accuracy",
            "lo",
            "hi",
            "fleiss_kappa",
            "kappa_cases",
        )
        return header, [
            (
                p.week.isoformat(),
                p.team or "all",
                p.n,
                p.correct,
                p.accuracy,
                ci_lo(p.ci),
                ci_hi(p.ci),
                p.kappa,
                p.kappa_cases,
            )
            for p in self.points
        ]

    def attempt_rows(self) -> Rows:
        header = ("team", "session_kind", "n", "correct", "accuracy", "lo", "hi")
        return header, [
            (a.team, a.kind, a.n, a.correct, a.accuracy, ci_lo(a.ci), ci_hi(a.ci))
            for a in self.attempts
        ]


@dataclass(frozen=True)
class CalibrationRow:
    """Stated confidence vs being right for one team ("" = everyone)."""

    team: str
    n: int  # scored answers that carry a confidence
    brier: float | None
    calibration_error: float | None
    edges: tuple[float, ...]
    bin_count: tuple[int, ...]
    bin_confidence: tuple[float | None, ...]
    bin_accuracy: tuple[float | None, ...]


@dataclass(frozen=True)
class CalibrationSection:
    teams: tuple[CalibrationRow, ...]

    def rows(self) -> Rows:
        header = (
            "team",
            "n",
            "brier",
            "calibration_error",
            "bin_lo",
            "bin_hi",
            "bin_n",
            "mean_confidence",
            "accuracy",
        )
        out: list[tuple[object, ...]] = []
        for t in self.teams:
            for b in range(len(t.bin_count)):
                out.append(
                    (
                        t.team or "all",
                        t.n,
                        t.brier,
                        t.calibration_error,
                        t.edges[b],
                        t.edges[b + 1],
                        t.bin_count[b],
                        t.bin_confidence[b],
                        t.bin_accuracy[b],
                    )
                )
        return header, out
