"""Accuracy and the direction of errors: per reviewer, confusion matrices, over- and
under-enforcement by team, site and team × pack, and missed escalations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from numpy.typing import NDArray

from calibrate.core.lead.sections.rows import Interval, Rows, ci_hi, ci_lo


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
                ci_lo(r.ci),
                ci_hi(r.ci),
                r.below_target,
                r.clearly_below,
                r.not_watched,
            )
            for r in self.reviewers
        ]


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
        ci_lo(r.net_ci),
        ci_hi(r.net_ci),
    )


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
