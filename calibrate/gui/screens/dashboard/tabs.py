"""The dashboard's tabs: which charts and tables each one holds, their titles and captions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QWidget

from calibrate.core.lead.agreement import INTERVAL_METHODS, ShownInterval
from calibrate.core.metrics.agreement import MIN_PAIRED_CASES
from calibrate.gui.context import AppContext
from calibrate.gui.screens.dashboard.scoreboard import add_scoreboard_tab
from calibrate.gui.widgets.chart_panel import ChartPanel
from calibrate.gui.widgets.table_panel import TablePanel

CHART_TITLES = {
    "reviewer_accuracy": "Accuracy per reviewer against golden answers",
    "agreement": "Agreement between reviewers, per pack and clause",
    "enforcement": "Over- and under-enforcement per team and site",
    "team_pack": "Net lean per team and pack (policy)",
    "confusion": "Golden answer × chosen decision",
    "trend": "Weekly accuracy and agreement per team",
    "attempts": "First attempt vs retake",
    "calibration": "Confidence calibration per team",
    "moments": "Where does it show? Marked moments per case",
    "production": "Production signals beside calibration, per pack and week",
}
TABLE_TITLES = {
    "reviewers": "Reviewers",
    "agreement": "Agreement",
    "enforcement": "Enforcement direction",
    "team_pack": "Enforcement direction per team and pack",
    "items": "Cases, most split first (guidance unclear?)",
    "disputes": "Disputed golden answers",
    "calibration": "Confidence calibration",
    "critical_errors": "Missed escalations (critical)",
    "completion": "Completion and sign-off",
    "attempts": "Attempts",
    "moments": "Marked moments per case",
    "moments_by_reviewer": "Marked moments per reviewer",
    "reviews": "First attempt vs each later review, on the cases reviewed",
    "production": "Production signals per pack and week",
}


ITEMS_CAPTION = (
    "Split = at least 3 strong reviewers answered and their most common answer has a share "
    "below 60 %: the guidance, not the moderators, may be unclear. Double-click a case to see "
    "its clip, golden answer and rationale."
)
AGREEMENT_CAPTION = (
    f"95 % intervals — κ, AC1 and AC2: {INTERVAL_METHODS['fleiss']}; α: "
    f"{INTERVAL_METHODS['alpha']}. AC2: quadratic weights over the pack's ladder, a decision "
    "off it (escalate) its own category. Where one decision takes 80 % of answers and AC1 "
    "exceeds κ by 0.3, κ and α are low by construction (note). "
    f"{ShownInterval.CUT} the interval ran past the coefficient's "
    f"range (−1 to 1) and is cut there. Too few cases: fewer than {MIN_PAIRED_CASES} cases "
    "rated by two or more reviewers (Rated 2+), so no chance-corrected coefficient is shown."
)
DISPUTES_CAPTION = (
    "A trainer answers a dispute with Resolve… or a double-click (trainer passcode): golden "
    "upheld or changed, with a reply the moderator reads on their home screen."
)
MOMENTS_CAPTION = (
    "A mark is on the moment when it lies within a golden moment widened by the case's "
    "tolerance (ends included). On the moment = hits / marks; answers without a mark are "
    "counted apart. Beside decision accuracy, never part of it."
)
REVIEWS_CAPTION = (
    "Does spaced review work? Only reviewer × case pairs given again in a review session "
    "count: their first answer, then each review of the same case by the same reviewer "
    "(review 3+ gathers the later ones). Skips are left out. 95 % Wilson intervals."
)
PRODUCTION_CAPTION = (
    "Rates with 95 % Wilson intervals (lo, hi); reports per 1,000 decisions; calibration "
    "accuracy and κ of the same pack and week. Signals are imported with `calibrate signals "
    "import` and are not cut by the team, site or reviewer filters. Association, not proof: "
    "appeals are not a random sample of decisions."
)
TABLE_CAPTIONS = {
    "production": PRODUCTION_CAPTION,
    "reviews": REVIEWS_CAPTION,
    "items": ITEMS_CAPTION,
    "agreement": AGREEMENT_CAPTION,
    "disputes": DISPUTES_CAPTION,
    "moments": MOMENTS_CAPTION,
}


def build_tabs(
    tabs: QTabWidget,
    chart: Callable[[str], ChartPanel],
    table: Callable[[str], TablePanel],
    context: AppContext | None = None,
) -> None:
    """Add the dashboard's tabs to `tabs`; `chart(name)` and `table(name)` make the panels;
    `context`'s tabs with data of their own (model runs) come last."""

    def tab(
        title: str,
        orientation: Qt.Orientation,
        *panels: QWidget,
        shares: tuple[int, ...] = (),
    ) -> None:
        """A tab of `panels` side by side (or one above the other), sized by `shares`."""
        tabs.addTab(_splitter(orientation, *panels, shares=shares), title)

    vertical, horizontal = Qt.Orientation.Vertical, Qt.Orientation.Horizontal
    # Tables get the room their first columns need at 1366 px (what tells their rows
    # apart comes first: columns.py); the charts keep the rest.
    tab("Reviewers", horizontal, chart("reviewer_accuracy"), table("reviewers"), shares=(11, 9))
    tab("Agreement", horizontal, chart("agreement"), table("agreement"), shares=(11, 9))
    # The five-row table beside its chart; the heatmaps below across the whole width
    # (under the chart, beside a full-height table, they were ~70 px tall and their
    # slanted names ran into the next pack's).
    lean = _splitter(horizontal, chart("enforcement"), table("enforcement"), shares=(3, 2))
    tab("Enforcement", vertical, lean, chart("confusion"), shares=(9, 11))
    # A team's overall lean can hide opposite leans on different policies. The table's
    # packs go by title (as the Pack filter): it gets the wider half.
    tab(
        "Team × pack",
        horizontal,
        chart("team_pack"),
        table("team_pack"),
        shares=(2, 3),
    )
    # Side by side: stacked, the weekly chart got a third of the tab's height and its
    # accuracy panel about 60 px.
    tab("Trends", horizontal, chart("trend"), chart("attempts"), shares=(3, 2))
    tab("Reviews", vertical, table("reviews"))  # does spaced review work (issue 18)
    tab("Split cases", vertical, table("items"), table("disputes"))
    tab("Confidence", horizontal, chart("calibration"), table("calibration"), shares=(1, 1))
    # Where does it show? The cases' chart beside both tables (cases, then reviewers).
    marks = _splitter(vertical, table("moments"), table("moments_by_reviewer"), shares=(2, 3))
    tab("Moments", horizontal, chart("moments"), marks, shares=(1, 1))
    tab("Critical errors", vertical, table("critical_errors"))
    tab("Completion", vertical, table("completion"))
    add_scoreboard_tab(tabs, context)  # model runs beside the moderators (issue 20)
    # Production beside calibration (issue 20): the chart needs the height, the table below.
    tab("Production", vertical, chart("production"), table("production"), shares=(5, 2))


def _splitter(
    orientation: Qt.Orientation, *panels: QWidget, shares: tuple[int, ...] = ()
) -> QSplitter:
    """`panels` in a splitter, sharing its length as `shares` say (equally by default)."""
    splitter = QSplitter(orientation)
    splitter.setChildrenCollapsible(False)
    for panel in panels:
        splitter.addWidget(panel)
    if shares:  # Qt scales these to the splitter's length, keeping their proportions
        splitter.setSizes([1000 * share for share in shares])
    return splitter
