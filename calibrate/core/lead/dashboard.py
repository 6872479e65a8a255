"""One filter state's dashboard: every section, the detail ones possibly still pending."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from calibrate.core.lead.golden_versions import GoldenVersionSection
from calibrate.core.lead.sections.agreement import AgreementSection
from calibrate.core.lead.sections.completion import CompletionSection, DisputeSection
from calibrate.core.lead.sections.enforcement import (
    ConfusionSection,
    CriticalSection,
    EnforcementSection,
    ReviewerAccuracy,
)
from calibrate.core.lead.sections.headline import Headline
from calibrate.core.lead.sections.items import ItemSection
from calibrate.core.lead.sections.moments import MomentSection
from calibrate.core.lead.sections.reviews import ReviewSection
from calibrate.core.lead.sections.rows import Rows
from calibrate.core.lead.sections.trend import CalibrationSection, TrendSection
from calibrate.core.signals.production import ProductionSection


@dataclass(frozen=True)
class Details:
    """The sections no first view needs (the Enforcement, Trends, Confidence and Completion
    tabs): a dashboard may compute them after the first view is on screen."""

    confusion: ConfusionSection
    enforcement: EnforcementSection
    trend: TrendSection
    calibration: CalibrationSection
    completion: CompletionSection
    reviews: ReviewSection = ReviewSection((), 0)  # whether spaced review works
    production: ProductionSection = ProductionSection()  # production signals (docs/signals.md)


class DetailsSource(Protocol):
    """Where a dashboard's details come from (core/lead/compute.PendingDetails)."""

    @property
    def ready(self) -> bool: ...

    def get(self, cancelled: Callable[[], bool] | None = None) -> Details: ...


# Tables (and charts) by name that show a detail section.
DETAIL_TABLES = frozenset(
    {
        "confusion",
        "enforcement",
        "team_pack",
        "trend",
        "attempts",
        "calibration",
        "completion",
        "reviews",
        "production",
    }
)


@dataclass(frozen=True, eq=False)
class Dashboard:
    """Everything the lead dashboard and `calibrate report` show, for one filter state.

    The detail sections (`Details`) are properties: reading one computes them if they are
    not ready yet, so check `details_ready` where waiting would hold a screen still."""

    headline: Headline
    reviewers: ReviewerAccuracy
    agreement: AgreementSection
    items: ItemSection
    critical: CriticalSection
    disputes: DisputeSection
    details_source: DetailsSource
    moments: MomentSection  # "Where does it show?" (core/lead/moments.py)
    # Answers by golden version for the cases whose golden changed, and which golden the
    # other sections scored against (core/lead/golden_versions.py).
    golden_versions: GoldenVersionSection = GoldenVersionSection()

    @property
    def score_against(self) -> str:
        return self.golden_versions.score_against

    @property
    def details_ready(self) -> bool:
        return self.details_source.ready

    def details(self, cancelled: Callable[[], bool] | None = None) -> Details:
        return self.details_source.get(cancelled)

    @property
    def confusion(self) -> ConfusionSection:
        return self.details().confusion

    @property
    def enforcement(self) -> EnforcementSection:
        return self.details().enforcement

    @property
    def trend(self) -> TrendSection:
        return self.details().trend

    @property
    def calibration(self) -> CalibrationSection:
        return self.details().calibration

    @property
    def completion(self) -> CompletionSection:
        return self.details().completion

    @property
    def reviews(self) -> ReviewSection:
        return self.details().reviews

    @property
    def production(self) -> ProductionSection:
        return self.details().production

    def table(self, name: str) -> Rows:
        """One exportable table by its file-friendly name (see `tables`)."""
        return _TABLES[name](self)

    def tables(self) -> dict[str, Rows]:
        """Every exportable table by a file-friendly name."""
        return {name: self.table(name) for name in TABLE_NAMES}


# Each table by name, from the section that holds it (detail sections compute on first use).
_TABLES: dict[str, Callable[[Dashboard], Rows]] = {
    "headline": lambda d: d.headline.rows(),
    "reviewers": lambda d: d.reviewers.rows(),
    "agreement": lambda d: d.agreement.rows(),
    "confusion": lambda d: d.confusion.rows(),
    "enforcement": lambda d: d.enforcement.rows(),
    "team_pack": lambda d: d.enforcement.team_pack_rows(),
    "trend": lambda d: d.trend.rows(),
    "attempts": lambda d: d.trend.attempt_rows(),
    "items": lambda d: d.items.rows(),
    "calibration": lambda d: d.calibration.rows(),
    "critical_errors": lambda d: d.critical.rows(),
    "completion": lambda d: d.completion.rows(),
    "disputes": lambda d: d.disputes.rows(),
    "golden_versions": lambda d: d.golden_versions.table_rows(),
    "moments": lambda d: d.moments.rows(),
    "moments_by_reviewer": lambda d: d.moments.reviewer_rows(),
    "reviews": lambda d: d.reviews.rows(),
    "production": lambda d: d.production.rows(),
}
TABLE_NAMES = tuple(_TABLES)  # the order exports and the report list them in
