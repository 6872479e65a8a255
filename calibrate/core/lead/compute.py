"""The lead dashboard's numbers: one call from an AnswerTable to every section (numpy only).

`compute_dashboard` is what the dashboard screen and `calibrate report` both call. The
sections are plain frozen data (calibrate/core/lead/sections/); conventions — which answer
counts for agreement, how weeks are cut, the net-enforcement interval — are in
docs/dashboard-metrics.md.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

import numpy as np

from calibrate.core.lead import agreement as _agreement
from calibrate.core.lead import completion as _completion
from calibrate.core.lead import enforcement as _enforcement
from calibrate.core.lead import items as _items
from calibrate.core.lead import moments as _moments
from calibrate.core.lead import reviews as _reviews
from calibrate.core.lead import trend as _trend
from calibrate.core.lead.dashboard import DETAIL_TABLES, Dashboard, Details
from calibrate.core.lead.golden_versions import Goldens, against_current, golden_version_section
from calibrate.core.lead.scored_answers import Scored, as_date, first_answers, score_table, wilson
from calibrate.core.lead.sections.agreement import AgreementRow, AgreementSection
from calibrate.core.lead.sections.completion import (
    CompletionRow,
    CompletionSection,
    DisputeRow,
    DisputeSection,
    LessonCompletion,
)
from calibrate.core.lead.sections.enforcement import (
    ConfusionMatrix,
    ConfusionSection,
    CriticalError,
    CriticalSection,
    EnforcementRow,
    EnforcementSection,
    ReviewerAccuracy,
    ReviewerRow,
    TeamPackRow,
)
from calibrate.core.lead.sections.headline import Headline
from calibrate.core.lead.sections.items import ItemRow, ItemSection
from calibrate.core.lead.sections.rows import Rows
from calibrate.core.lead.sections.trend import (
    AttemptRow,
    CalibrationRow,
    CalibrationSection,
    TrendPoint,
    TrendSection,
)
from calibrate.core.metrics.answer_table import AnswerTable
from calibrate.core.models import Pack
from calibrate.core.signals.production import ProductionInputs, production_section

__all__ = [
    "AgreementRow",
    "AgreementSection",
    "AttemptRow",
    "CalibrationRow",
    "CalibrationSection",
    "CompletionRow",
    "CompletionSection",
    "ConfusionMatrix",
    "ConfusionSection",
    "CriticalError",
    "CriticalSection",
    "DETAIL_TABLES",
    "Dashboard",
    "Details",
    "DetailsCancelled",
    "DisputeRow",
    "DisputeSection",
    "EnforcementRow",
    "EnforcementSection",
    "Headline",
    "ItemRow",
    "ItemSection",
    "LessonCompletion",
    "PendingDetails",
    "ReviewerAccuracy",
    "ReviewerRow",
    "Rows",
    "TeamPackRow",
    "TrendPoint",
    "TrendSection",
    "case_clauses_of",
    "compute_dashboard",
    "net_enforcement",
]

net_enforcement = _enforcement.net_enforcement


def case_clauses_of(packs: Iterable[Pack]) -> dict[str, tuple[str, ...]]:
    """Golden clauses per "pack/case" from loaded packs (for agreement per clause)."""
    return {
        f"{pack.id}/{case.id}": case.golden.clauses
        for pack in packs
        for case in pack.cases.values()
    }


# What PendingDetails holds until its sections are computed: table, scored, roster, packs, period.
_DetailInputs = tuple[
    AnswerTable, Scored, Sequence[Mapping[str, str]], Iterable[str] | None, tuple[date, date] | None
]


class DetailsCancelled(Exception):
    """A newer request made these details unwanted (PendingDetails.get's `cancelled`)."""


class PendingDetails:
    """A dashboard's detail sections, computed on first use from its filtered answers.

    The answers are held only until the details are done (at a million answers they are
    tens of MB). `get` may be called from any thread; one computes, the others wait."""

    def __init__(
        self,
        table: AnswerTable,
        scored: Scored,
        roster: Sequence[Mapping[str, str]],
        packs: Iterable[str] | None,
        period: tuple[date, date] | None,
        signals: ProductionInputs | None = None,
    ):
        self._lock = threading.Lock()
        self._inputs: _DetailInputs | None = (table, scored, roster, packs, period)
        self._signals = signals
        self._done: dict[str, object] = {}
        self._details: Details | None = None

    @property
    def ready(self) -> bool:
        return self._details is not None

    def get(self, cancelled: Callable[[], bool] | None = None) -> Details:
        """The details, computing what is missing; `cancelled` is asked between sections
        (DetailsCancelled if it says so; what was done is kept for a later call)."""
        with self._lock:
            if self._details is None:
                assert self._inputs is not None
                table, scored, roster, packs, period = self._inputs
                steps: dict[str, Callable[[], object]] = {
                    "confusion": lambda: _enforcement.confusion(table, scored),
                    "enforcement": lambda: _enforcement.enforcement(table, scored),
                    "trend": lambda: _trend.trend(table, scored),
                    "calibration": lambda: _trend.calibration(table, scored),
                    "completion": lambda: _completion.completion(
                        table, scored, roster, packs, period
                    ),
                    "reviews": lambda: _reviews.review_outcomes(table, scored),
                }
                if self._signals is not None:
                    signals = self._signals
                    steps["production"] = lambda: production_section(
                        signals.values, signals.starts, table, scored
                    )
                for name, step in steps.items():
                    if name not in self._done:
                        if cancelled is not None and cancelled():
                            raise DetailsCancelled(name)
                        self._done[name] = step()
                self._details = Details(**self._done)  # type: ignore[arg-type]
                self._inputs, self._done, self._signals = None, {}, None
            return self._details


def compute_dashboard(
    table: AnswerTable,
    roster: Sequence[Mapping[str, str]],
    disputes: Sequence[Mapping[str, object]],
    *,
    target: float = 0.9,
    period: tuple[date, date] | None = None,
    case_clauses: Mapping[str, Sequence[str]] | None = None,
    packs: Iterable[str] | None = None,
    alpha_bootstrap: int = _agreement.ALPHA_BOOTSTRAP,
    defer_details: bool = False,
    goldens: Goldens | None = None,
    score_against: str = "seen",
    signals: ProductionInputs | None = None,
) -> Dashboard:
    """Every dashboard section for the answers in `table` (already filtered by the caller).

    roster: the profiles to list in completion (dicts with id, name, team, site) — pass the
    ones the filters cover, so a reviewer with no answer still shows as "not taken".
    disputes: rows of store.queries.dispute_rows. period: the days "taken" counts within
    (default: every answer in the table). case_clauses: golden clauses per "pack/case"
    (`case_clauses_of(packs)`); without it there is no agreement per clause. packs: whose
    lessons completion lists (default: every pack the table knows). defer_details: leave
    the detail sections (`Details`) to be computed on first use, so the first view needs
    only what it shows. goldens: every case version and each case's current golden
    (store.queries.goldens), for the answers by golden version; score_against "current"
    scores every answer against its case's current golden instead of the one it was given
    against (core/lead/golden_versions.py). signals: the production signals and lesson
    starts the Production section sets beside the answers (core/signals/production.py).
    """
    versions = golden_version_section(table, goldens or Goldens(), score_against)
    if score_against == "current" and goldens is not None:
        table = against_current(table, goldens)
    scored = score_table(table)
    first = first_answers(table, scored)
    by_pack, by_clause = _agreement.agreement_by_pack(table, first, case_clauses, alpha_bootstrap)
    reviewers = _enforcement.reviewer_accuracy(table, scored, target)
    critical = _enforcement.critical_errors(table, scored)
    item_section = _items.items(table, scored, first, disputes)
    headline = _headline(table, scored, target, period, by_pack, reviewers, critical, item_section)
    details = PendingDetails(table, scored, roster, packs, period, signals)
    if not defer_details:
        details.get()
    return Dashboard(
        headline=headline,
        reviewers=reviewers,
        agreement=AgreementSection(by_pack, by_clause),
        items=item_section,
        critical=critical,
        disputes=_completion.disputes(disputes, item_section),
        details_source=details,
        golden_versions=versions,
        moments=_moments.moments(table),
    )


def _headline(
    table: AnswerTable,
    scored: Scored,
    target: float,
    period: tuple[date, date] | None,
    agreement: tuple[AgreementRow, ...],
    reviewers: ReviewerAccuracy,
    critical: CriticalSection,
    item_section: ItemSection,
) -> Headline:
    """The headline numbers, from the sections they summarise."""
    n_scored, n_correct = int(scored.scored.sum()), int(scored.correct.sum())
    accuracy, accuracy_ci = wilson(n_correct, n_scored)
    first_day, last_day = _days_shown(table, period)
    return Headline(
        answers=len(table),
        scored=n_scored,
        skipped=len(table) - n_scored,
        reviewers=int(np.unique(table.profile).size),
        correct=n_correct,
        accuracy=accuracy,
        accuracy_ci=accuracy_ci,
        target=target,
        below_target=tuple(r.name for r in reviewers.reviewers if r.below_target),
        agreement=agreement,
        missed_escalations=len(critical.missed),
        unneeded_escalations=critical.unneeded_escalations,
        split_cases=tuple(f"{i.pack}/{i.case}" for i in item_section.items if i.split),
        first_day=first_day,
        last_day=last_day,
    )


def _days_shown(
    table: AnswerTable, period: tuple[date, date] | None
) -> tuple[date | None, date | None]:
    """The period shown: the one given, else the answers' first and last UTC day."""
    if period is not None:
        return period
    if len(table):
        return as_date(table.answered_at.min()), as_date(table.answered_at.max())
    return None, None
