"""The lead dashboard's sections: plain frozen data a chart, a table or a CSV export can use.

Every table section has `rows()` → (header, list of tuples) for CSV; numbers stay numbers
(None where undefined), dates are ISO strings. Conventions are in docs/dashboard-metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from numpy.typing import NDArray

from calibrate.core.metrics.agreement import Estimate

Rows = tuple[tuple[str, ...], list[tuple[object, ...]]]
Interval = tuple[float, float] | None


def _lo(ci: Interval) -> float | None:
    return None if ci is None else float(ci[0])


def _hi(ci: Interval) -> float | None:
    return None if ci is None else float(ci[1])


def _est(e: Estimate) -> tuple[float | None, float | None, float | None]:
    return e.value, _lo(e.ci95), _hi(e.ci95)


@dataclass(frozen=True)
class AgreementRow:
    """Agreement over one group of cases of one pack, on each reviewer's first answer."""

    pack: str
    clause: str  # "" for the whole pack
    n_cases: int  # cases with at least one rating
    n_paired: int  # cases rated by two or more reviewers (the chance-corrected minimum's N)
    n_raters: int
    n_ratings: int
    fleiss: Estimate
    alpha: Estimate  # Krippendorff's α, nominal; interval by case bootstrap
    ac1: Estimate
    percent: Estimate


_AGREEMENT_HEADER = (
    "pack",
    "clause",
    "cases",
    "paired_cases",
    "raters",
    "ratings",
    "fleiss_kappa",
    "fleiss_lo",
    "fleiss_hi",
    "krippendorff_alpha",
    "alpha_lo",
    "alpha_hi",
    "gwet_ac1",
    "ac1_lo",
    "ac1_hi",
    "percent_agreement",
    "note",
)


def _agreement_rows(rows: tuple[AgreementRow, ...]) -> list[tuple[object, ...]]:
    return [
        (
            r.pack,
            r.clause,
            r.n_cases,
            r.n_paired,
            r.n_raters,
            r.n_ratings,
            *_est(r.fleiss),
            *_est(r.alpha),
            *_est(r.ac1),
            r.percent.value,
            r.fleiss.note or r.alpha.note or "",
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Headline:
    """The numbers a director reads first."""

    answers: int
    scored: int
    skipped: int
    reviewers: int
    correct: int
    accuracy: float | None
    accuracy_ci: Interval  # Wilson 95 %
    target: float
    below_target: tuple[str, ...]  # reviewer names, accuracy below target, worst first
    agreement: tuple[AgreementRow, ...]  # one per pack: never pooled across packs
    missed_escalations: int
    unneeded_escalations: int
    split_cases: tuple[str, ...]  # "pack/case", most divided first
    first_day: date | None  # the period shown: given, else the answers' first/last UTC day
    last_day: date | None

    def rows(self) -> Rows:
        header = ("measure", "value", "lo", "hi")
        out: list[tuple[object, ...]] = [
            ("answers", self.answers, None, None),
            ("scored", self.scored, None, None),
            ("skipped", self.skipped, None, None),
            ("reviewers", self.reviewers, None, None),
            ("accuracy", self.accuracy, _lo(self.accuracy_ci), _hi(self.accuracy_ci)),
            ("target", self.target, None, None),
            ("reviewers_below_target", len(self.below_target), None, None),
            ("missed_escalations", self.missed_escalations, None, None),
            ("unneeded_escalations", self.unneeded_escalations, None, None),
            ("split_cases", len(self.split_cases), None, None),
        ]
        for r in self.agreement:
            out += [
                (f"fleiss_kappa {r.pack}", *_est(r.fleiss)),
                (f"krippendorff_alpha {r.pack}", *_est(r.alpha)),
                (f"gwet_ac1 {r.pack}", *_est(r.ac1)),
            ]
        return header, out


@dataclass(frozen=True)
class ReviewerRow:
    profile_id: str
    name: str
    team: str  # the team of their latest answer in view
    site: str
    n: int  # scored answers (skips excluded)
    correct: int
    accuracy: float | None
    ci: Interval  # Wilson 95 %
    below_target: bool  # point estimate below target
    clearly_below: bool  # the whole interval is below target
    # Share of their answers (skips aside) given without watching (core/watching), over the
    # answers where that is known; None when it is known for none (imported history).
    not_watched: float | None = None


@dataclass(frozen=True)
class ReviewerAccuracy:
    """Accuracy per reviewer, lowest first (ties: more answers first, then name)."""

    target: float
    reviewers: tuple[ReviewerRow, ...]

    def rows(self) -> Rows:
        header = (
            "reviewer",
            "team",
            "site",
            "n",
            "correct",
            "accuracy",
            "lo",
            "hi",
            "below_target",
            "clearly_below_target",
            "not_watched",
        )
        return header, [
            (
                r.name,
                r.team,
                r.site,
                r.n,
                r.correct,
                r.accuracy,
                _lo(r.ci),
                _hi(r.ci),
                r.below_target,
                r.clearly_below,
                r.not_watched,
            )
            for r in self.reviewers
        ]


@dataclass(frozen=True)
class AgreementSection:
    """Agreement per pack and per golden clause (a case counts under each of its clauses)."""

    by_pack: tuple[AgreementRow, ...]
    by_clause: tuple[AgreementRow, ...]

    def rows(self) -> Rows:
        return _AGREEMENT_HEADER, _agreement_rows(self.by_pack + self.by_clause)


@dataclass(frozen=True)
class ConfusionMatrix:
    """Golden (rows) × chosen (columns) counts of one pack's scored answers."""

    pack: str
    labels: tuple[str, ...]  # ladder order, then off-ladder decisions (escalate)
    ladder_size: int
    counts: NDArray[Any]  # int, len(labels) × len(labels)


@dataclass(frozen=True)
class ConfusionSection:
    matrices: tuple[ConfusionMatrix, ...]

    def rows(self) -> Rows:
        out: list[tuple[object, ...]] = []
        for m in self.matrices:
            for i, golden in enumerate(m.labels):
                for j, chosen in enumerate(m.labels):
                    out.append((m.pack, golden, chosen, int(m.counts[i, j])))
        return ("pack", "golden", "chosen", "count"), out


@dataclass(frozen=True)
class EnforcementRow:
    """Direction of errors in one team or site; net = (over − under) / n, delta-method CI."""

    level: str  # "team" or "site"
    group: str
    n: int  # scored answers
    correct: int
    over: int
    under: int
    missed_escalations: int
    unneeded_escalations: int
    net: float | None
    net_ci: Interval


@dataclass(frozen=True)
class TeamPackRow:
    """Direction of one team's errors on one pack (policy): as EnforcementRow."""

    team: str
    pack: str
    n: int  # scored answers
    correct: int
    over: int
    under: int
    missed_escalations: int
    unneeded_escalations: int
    net: float | None
    net_ci: Interval


@dataclass(frozen=True)
class EnforcementSection:
    by_team: tuple[EnforcementRow, ...]
    by_site: tuple[EnforcementRow, ...]
    by_team_pack: tuple[TeamPackRow, ...] = ()  # team, then pack order; answered pairs only

    def rows(self) -> Rows:
        return ("level", "group", *_LEAN_HEADER), [
            (r.level, r.group, *_lean(r)) for r in self.by_team + self.by_site
        ]

    def team_pack_rows(self) -> Rows:
        return ("team", "pack", *_LEAN_HEADER), [
            (r.team, r.pack, *_lean(r)) for r in self.by_team_pack
        ]


# The columns every enforcement row shares, after what it groups by (team/site, team × pack).
_LEAN_HEADER = (
    "n",
    "correct",
    "over",
    "under",
    "missed_escalations",
    "unneeded_escalations",
    "net",
    "net_lo",
    "net_hi",
)


def _lean(r: EnforcementRow | TeamPackRow) -> tuple[object, ...]:
    return (
        r.n,
        r.correct,
        r.over,
        r.under,
        r.missed_escalations,
        r.unneeded_escalations,
        r.net,
        _lo(r.net_ci),
        _hi(r.net_ci),
    )


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
                _lo(p.ci),
                _hi(p.ci),
                p.kappa,
                p.kappa_cases,
            )
            for p in self.points
        ]

    def attempt_rows(self) -> Rows:
        header = ("team", "session_kind", "n", "correct", "accuracy", "lo", "hi")
        return header, [
            (a.team, a.kind, a.n, a.correct, a.accuracy, _lo(a.ci), _hi(a.ci))
            for a in self.attempts
        ]


@dataclass(frozen=True)
class ItemRow:
    """One case, the way a trainer reads it when fixing guidance."""

    pack: str
    case: str
    golden: str
    n: int  # first answers (one per reviewer)
    facility: float | None  # share choosing golden
    discrimination: float | None
    agreement: float | None  # share of agreeing reviewer pairs
    strong: int  # strong reviewers who answered
    strong_majority: str | None  # their most common answer
    strong_majority_share: float | None
    split: bool  # guidance unclear
    distribution: tuple[tuple[str, int], ...]  # (decision, answers), pack's decision order
    disputes: int


@dataclass(frozen=True)
class ItemSection:
    """Split cases first (lowest strong-majority share first), then lowest facility."""

    items: tuple[ItemRow, ...]

    def rows(self) -> Rows:
        header = (
            "pack",
            "case",
            "golden",
            "n",
            "facility",
            "discrimination",
            "agreement",
            "strong_reviewers",
            "strong_majority",
            "strong_majority_share",
            "split",
            "disputes",
            "distribution",
        )
        return header, [
            (
                i.pack,
                i.case,
                i.golden,
                i.n,
                i.facility,
                i.discrimination,
                i.agreement,
                i.strong,
                i.strong_majority,
                i.strong_majority_share,
                i.split,
                i.disputes,
                "; ".join(f"{d}={c}" for d, c in i.distribution),
            )
            for i in self.items
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


@dataclass(frozen=True)
class CriticalError:
    """One missed escalation: listed on its own, never averaged away."""

    answer_id: str
    reviewer: str
    team: str
    site: str
    pack: str
    case: str
    chosen: str
    session_kind: str
    answered_at: datetime  # UTC


@dataclass(frozen=True)
class CriticalSection:
    missed: tuple[CriticalError, ...]  # newest first
    unneeded_escalations: int
    unneeded_by_team: tuple[tuple[str, int], ...]

    def rows(self) -> Rows:
        header = (
            "answered_at",
            "reviewer",
            "team",
            "site",
            "pack",
            "case",
            "chosen",
            "session_kind",
            "answer_id",
        )
        return header, [
            (
                e.answered_at.isoformat(timespec="seconds") + "Z",
                e.reviewer,
                e.team,
                e.site,
                e.pack,
                e.case,
                e.chosen,
                e.session_kind,
                e.answer_id,
            )
            for e in self.missed
        ]


@dataclass(frozen=True)
class CompletionRow:
    """One roster profile × one lesson."""

    team: str  # the profile's current team (roster)
    site: str
    profile_id: str
    name: str
    pack: str
    lesson: str
    lesson_title: str
    taken: bool  # a session in the period answered every case of the lesson
    sessions: int  # such complete sessions
    best_score: float | None  # share right among answered cases, best complete session
    passed: bool | None  # best_score ≥ the pack's pass mark


@dataclass(frozen=True)
class LessonCompletion:
    """Per team and lesson: how many of the roster took and passed it."""

    team: str
    pack: str
    lesson: str
    lesson_title: str
    roster: int
    taken: int
    passed: int


@dataclass(frozen=True)
class CompletionSection:
    entries: tuple[CompletionRow, ...]  # team, lesson, name order
    summary: tuple[LessonCompletion, ...]

    @property
    def gaps(self) -> tuple[CompletionRow, ...]:
        """Who has not taken, or not passed, a lesson."""
        return tuple(r for r in self.entries if not r.taken or r.passed is False)

    def rows(self) -> Rows:
        header = (
            "team",
            "site",
            "reviewer",
            "pack",
            "lesson",
            "taken",
            "sessions",
            "best_score",
            "passed",
        )
        return header, [
            (r.team, r.site, r.name, r.pack, r.lesson, r.taken, r.sessions, r.best_score, r.passed)
            for r in self.entries
        ]


@dataclass(frozen=True)
class DisputeRow:
    pack: str
    case: str
    note: str
    created_at: str  # ISO 8601 UTC as stored
    chosen: str | None
    split: bool | None  # the case's split flag; None when it has no answers in view


@dataclass(frozen=True)
class DisputeSection:
    disputes: tuple[DisputeRow, ...]  # newest first

    def rows(self) -> Rows:
        header = ("created_at", "pack", "case", "case_split", "chosen", "note")
        return header, [
            (d.created_at, d.pack, d.case, d.split, d.chosen, d.note) for d in self.disputes
        ]
